package groups

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strings"

	"github.com/o365go/o365"
)

// ListMembers lists a group's direct members ("" for the account's
// resource): users, groups, devices ...; DirectoryObject.Kind tells them
// apart and As decodes one. q may filter, select, order and limit them.
//
// Graph: GET /groups/{id}/members (https://learn.microsoft.com/graph/api/group-list-members).
func (g *Groups) ListMembers(ctx context.Context, groupID string, q *o365.Query) iter.Seq2[*o365.DirectoryObject, error] {
	return g.listLinks(ctx, groupID, "members", q)
}

// ListTransitiveMembers lists a group's members, those of its nested
// groups included.
//
// Graph: GET /groups/{id}/transitiveMembers (https://learn.microsoft.com/graph/api/group-list-transitivemembers).
func (g *Groups) ListTransitiveMembers(ctx context.Context, groupID string, q *o365.Query) iter.Seq2[*o365.DirectoryObject, error] {
	return g.listLinks(ctx, groupID, "transitiveMembers", q)
}

// ListOwners lists a group's owners.
//
// Graph: GET /groups/{id}/owners (https://learn.microsoft.com/graph/api/group-list-owners).
func (g *Groups) ListOwners(ctx context.Context, groupID string, q *o365.Query) iter.Seq2[*o365.DirectoryObject, error] {
	return g.listLinks(ctx, groupID, "owners", q)
}

func (g *Groups) listLinks(ctx context.Context, groupID, kind string, q *o365.Query) iter.Seq2[*o365.DirectoryObject, error] {
	p, err := g.at(groupID, kind)
	if err != nil {
		return o365.Fail[o365.DirectoryObject](err)
	}
	return o365.List[o365.DirectoryObject](ctx, g.acct, &o365.Request{Path: p, Query: advanced(q), Collection: "/directoryObjects"})
}

// ListUserGroups lists the groups a user is a direct member of
// (transitive: through nested groups too).
//
// Graph: GET /users/{id}/memberOf/microsoft.graph.group
// (https://learn.microsoft.com/graph/api/user-list-memberof),
// GET /users/{id}/transitiveMemberOf/microsoft.graph.group
// (https://learn.microsoft.com/graph/api/user-list-transitivememberof).
func (g *Groups) ListUserGroups(ctx context.Context, userID string, transitive bool, q *o365.Query) iter.Seq2[*o365.Group, error] {
	rel := "memberOf"
	if transitive {
		rel = "transitiveMemberOf"
	}
	p := "/" + o365.Path("users", userID, rel, "microsoft.graph.group")
	return o365.List[o365.Group](ctx, g.acct, &o365.Request{Path: p, Query: advanced(q), Collection: "/groups"})
}

// IsMember reports whether a user is a member of a group, directly or
// through nested groups.
//
// Graph: POST /users/{id}/checkMemberGroups
// (https://learn.microsoft.com/graph/api/user-checkmembergroups).
func (g *Groups) IsMember(ctx context.Context, groupID, userID string) (bool, error) {
	var out struct {
		Value []string `json:"value"`
	}
	req := &o365.Request{Method: http.MethodPost, Path: "/" + o365.Path("users", userID, "checkMemberGroups"),
		Body: map[string][]string{"groupIds": {groupID}}, Idempotent: true}
	if _, err := g.acct.Do(ctx, req, &out); err != nil {
		return false, fmt.Errorf("groups: is %q a member of %q: %w", userID, groupID, err)
	}
	return slices.ContainsFunc(out.Value, func(id string) bool { return strings.EqualFold(id, groupID) }), nil
}

// MembersError reports the members a bulk change could not add or remove;
// the others were changed.
type MembersError struct {
	// Op is "add members", "remove owners" ...
	Op string
	// Failed maps each member id that failed to its error (an *o365.Error
	// when the service answered).
	Failed map[string]error
	// Done is how many members were changed.
	Done int
}

// Error lists a few of the failures.
func (e *MembersError) Error() string {
	ids := make([]string, 0, len(e.Failed))
	for id := range e.Failed {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var b strings.Builder
	fmt.Fprintf(&b, "groups: %s: %d of %d failed", e.Op, len(e.Failed), len(e.Failed)+e.Done)
	for i, id := range ids {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", len(ids)-3)
			break
		}
		fmt.Fprintf(&b, "; %s: %v", id, e.Failed[id])
	}
	return b.String()
}

// Unwrap returns the errors of the failed members.
func (e *MembersError) Unwrap() []error {
	out := make([]error, 0, len(e.Failed))
	for _, err := range e.Failed {
		out = append(out, err)
	}
	return out
}

// AddMembers adds members (user, group or device ids) to a group ("" for
// the account's resource). Any number at once: each is one POST
// .../members/$ref inside $batch requests of 20 (Graph's limit), four sent
// at a time, throttled ones retried. A member who is in the group already
// counts as added, so AddMembers can be repeated. When some fail, the
// error is a *MembersError naming them; the others are added.
//
// $batch is used rather than PATCH with members@odata.bind (also 20 a
// request) because a PATCH fails whole when one of its 20 is a member
// already or does not exist, while $batch reports each member.
//
// Graph: POST /groups/{id}/members/$ref (https://learn.microsoft.com/graph/api/group-post-members)
// in POST /$batch (https://learn.microsoft.com/graph/json-batching).
func (g *Groups) AddMembers(ctx context.Context, groupID string, memberIDs ...string) error {
	return g.changeLinks(ctx, groupID, "members", true, memberIDs)
}

// RemoveMembers removes members from a group, as AddMembers adds them: a
// member who is not in the group counts as removed.
//
// Graph: DELETE /groups/{id}/members/{id}/$ref (https://learn.microsoft.com/graph/api/group-delete-members)
// in POST /$batch (https://learn.microsoft.com/graph/json-batching).
func (g *Groups) RemoveMembers(ctx context.Context, groupID string, memberIDs ...string) error {
	return g.changeLinks(ctx, groupID, "members", false, memberIDs)
}

// AddOwners adds owners (user ids) to a group, as AddMembers adds members.
//
// Graph: POST /groups/{id}/owners/$ref (https://learn.microsoft.com/graph/api/group-post-owners)
// in POST /$batch (https://learn.microsoft.com/graph/json-batching).
func (g *Groups) AddOwners(ctx context.Context, groupID string, ownerIDs ...string) error {
	return g.changeLinks(ctx, groupID, "owners", true, ownerIDs)
}

// RemoveOwners removes owners from a group. Graph refuses to remove the
// last owner of a Microsoft 365 group.
//
// Graph: DELETE /groups/{id}/owners/{id}/$ref (https://learn.microsoft.com/graph/api/group-delete-owners)
// in POST /$batch (https://learn.microsoft.com/graph/json-batching).
func (g *Groups) RemoveOwners(ctx context.Context, groupID string, ownerIDs ...string) error {
	return g.changeLinks(ctx, groupID, "owners", false, ownerIDs)
}

// changeLinks adds or removes members or owners through $batch.
func (g *Groups) changeLinks(ctx context.Context, groupID, kind string, add bool, ids []string) error {
	op := map[bool]string{true: "add ", false: "remove "}[add] + kind
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return nil
	}
	if slices.Contains(ids, "") {
		return fmt.Errorf("groups: %s: an empty member id", op)
	}
	items := make([]*o365.BatchItem, len(ids))
	for i, id := range ids {
		var req *o365.Request
		if add {
			p, err := g.at(groupID, kind, "$ref")
			if err != nil {
				return err
			}
			// Idempotent: adding a member twice is answered "already
			// exist", which counts as done, so the envelope may be resent.
			req = &o365.Request{Method: http.MethodPost, Path: p, Body: map[string]string{"@odata.id": g.ref(id)}, Idempotent: true}
		} else {
			p, err := g.at(groupID, kind, id, "$ref")
			if err != nil {
				return err
			}
			req = &o365.Request{Method: http.MethodDelete, Path: p}
		}
		items[i] = &o365.BatchItem{Request: req}
	}
	results, err := g.acct.Batch(ctx, items, nil)
	if err != nil && len(results) == 0 {
		return fmt.Errorf("groups: %s: %w", op, err)
	}
	e := &MembersError{Op: op, Failed: map[string]error{}}
	gone := 0
	for _, r := range results {
		if errors.Is(r.Err, o365.ErrNotFound) {
			gone++
		}
	}
	if !add && gone == len(results) {
		// Not one was found: the group itself may be missing.
		if _, err := g.Get(ctx, groupID, o365.NewQuery().Select("id")); err != nil {
			return fmt.Errorf("groups: %s: %w", op, err)
		}
	}
	for i, r := range results {
		switch {
		case r.Err == nil, add && alreadyLinked(r.Err), !add && errors.Is(r.Err, o365.ErrNotFound):
			e.Done++
		default:
			e.Failed[ids[i]] = r.Err
		}
	}
	if len(e.Failed) > 0 {
		return e
	}
	return nil
}

// alreadyLinked reports Graph's answer to adding a member twice: 400
// "One or more added object references already exist".
func alreadyLinked(err error) bool {
	var e *o365.Error
	return errors.As(err, &e) && e.StatusCode == http.StatusBadRequest && strings.Contains(e.Message, "already exist")
}
