package groups

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"
	"time"

	"github.com/o365go/o365"
)

// advanced returns q with $count=true when Graph's directory answers it
// only as an advanced query (the request then carries ConsistencyLevel:
// eventual); q itself is not changed.
func advanced(q *o365.Query) *o365.Query {
	if q.DirectoryAdvanced() {
		return q.Clone().Count()
	}
	return q
}

// bindGroup binds a group at its canonical path, /groups/{id}.
func bindGroup(grp *o365.Group, acct *o365.Account) error {
	if grp.ID == "" {
		return nil
	}
	return o365.Bind(grp, acct, "/"+o365.Path("groups", grp.ID))
}

// List lists the organization's groups; q may filter, search, order,
// select and limit them, and the package adds what Graph needs for
// advanced queries.
//
// Graph: GET /groups (https://learn.microsoft.com/graph/api/group-list).
func (g *Groups) List(ctx context.Context, q *o365.Query) iter.Seq2[*o365.Group, error] {
	return o365.List[o365.Group](ctx, g.acct, &o365.Request{Path: "/groups", Query: advanced(q), Collection: "/groups"})
}

// Search lists the groups whose display name, mail address or description
// has a word starting with text.
//
// Graph: GET /groups?$search="displayName:text" OR ...
// (https://learn.microsoft.com/graph/search-query-parameter).
func (g *Groups) Search(ctx context.Context, text string, q *o365.Query) iter.Seq2[*o365.Group, error] {
	text = strings.TrimSpace(text)
	if text == "" {
		return o365.Fail[o365.Group](errors.New("groups: search: empty text; give a name or an address"))
	}
	esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(text)
	var clauses []string
	for _, p := range []string{"displayName", "mail", "description"} {
		clauses = append(clauses, `"`+p+":"+esc+`"`)
	}
	q = q.Clone()
	if q == nil {
		q = o365.NewQuery()
	}
	return g.List(ctx, q.SearchRaw(strings.Join(clauses, " OR ")))
}

// Get loads a group by id ("" for the account's resource); q may $select
// (the Microsoft 365 properties such as autoSubscribeNewMembers come only
// with $select) and $expand.
//
// Graph: GET /groups/{id} (https://learn.microsoft.com/graph/api/group-get).
func (g *Groups) Get(ctx context.Context, id string, q *o365.Query) (*o365.Group, error) {
	p, err := g.at(id)
	if err != nil {
		return nil, err
	}
	grp, err := o365.Get[o365.Group](ctx, g.acct, &o365.Request{Path: p, Query: q})
	if err != nil {
		return nil, fmt.Errorf("groups: get %q: %w", id, err)
	}
	return grp, bindGroup(grp, g.acct)
}

// GetByMail loads the group with a mail address; the error matches
// o365.ErrNotFound when there is none.
//
// Graph: GET /groups?$filter=mail eq '...' (https://learn.microsoft.com/graph/api/group-list).
func (g *Groups) GetByMail(ctx context.Context, mail string) (*o365.Group, error) {
	for grp, err := range g.List(ctx, o365.NewQuery().Filter(o365.Eq("mail", mail)).Top(1).Limit(1)) {
		if err != nil {
			return nil, fmt.Errorf("groups: get %q: %w", mail, err)
		}
		return grp, nil
	}
	return nil, fmt.Errorf("groups: get %q: no group has this address: %w", mail, o365.ErrNotFound)
}

// NewMicrosoft365Group returns a Microsoft 365 group to Create: mail
// enabled, with a mailbox, a calendar, conversations and a drive; private
// unless Visibility says "Public".
func NewMicrosoft365Group(displayName, mailNickname string) *o365.Group {
	yes, no := true, false
	return &o365.Group{DisplayName: displayName, MailNickname: mailNickname, GroupTypes: []string{"Unified"},
		MailEnabled: &yes, SecurityEnabled: &no, Visibility: "Private"}
}

// NewSecurityGroup returns a security group to Create: it grants access,
// has no mailbox.
func NewSecurityGroup(displayName, mailNickname string) *o365.Group {
	yes, no := true, false
	return &o365.Group{DisplayName: displayName, MailNickname: mailNickname, GroupTypes: []string{},
		MailEnabled: &no, SecurityEnabled: &yes}
}

// CreateOptions tune Create; nil means the defaults.
type CreateOptions struct {
	// Owners and Members are user ids the group starts with. Up to 20 of
	// each go with the creation (members@odata.bind), the rest are added
	// after it (see AddMembers).
	Owners, Members []string
}

// maxBindsPerRequest is how many references Graph takes in one
// members@odata.bind or owners@odata.bind.
const maxBindsPerRequest = 20

// Create creates a group (see NewMicrosoft365Group, NewSecurityGroup) and
// returns it as the service holds it. Creating is safe to repeat after a
// lost answer: after an uncertain failure Create looks for a group with the
// same mail nickname created since it started before creating again. A
// signed-in user who creates a Microsoft 365 group becomes its owner.
//
// Graph: POST /groups (https://learn.microsoft.com/graph/api/group-post-groups).
func (g *Groups) Create(ctx context.Context, grp *o365.Group, opts *CreateOptions) (*o365.Group, error) {
	if grp.DisplayName == "" || grp.MailNickname == "" || grp.MailEnabled == nil || grp.SecurityEnabled == nil {
		return nil, errors.New("groups: create: DisplayName, MailNickname, MailEnabled and SecurityEnabled must be set (NewMicrosoft365Group and NewSecurityGroup set them)")
	}
	if err := o365.BindNew(grp, g.acct, "/groups"); err != nil {
		return nil, err
	}
	fields, err := o365.Changes(grp)
	if err != nil {
		return nil, fmt.Errorf("groups: create %q: %w", grp.DisplayName, err)
	}
	body := map[string]any{}
	for k, v := range fields {
		body[k] = v
	}
	var o CreateOptions
	if opts != nil {
		o = *opts
	}
	var later [2][]string
	for i, kind := range []string{"owners", "members"} {
		ids := [][]string{o.Owners, o.Members}[i]
		now := ids[:min(len(ids), maxBindsPerRequest)]
		later[i] = ids[len(now):]
		if len(now) > 0 {
			body[kind+"@odata.bind"] = g.refs(now)
		}
	}
	start := time.Now().Add(-time.Minute)
	var created o365.Group
	err = o365.Once(ctx, func() error {
		_, err := g.acct.Do(ctx, &o365.Request{Method: http.MethodPost, Path: "/groups", Body: body}, &created)
		return err
	}, func() (bool, error) {
		q := o365.NewQuery().Filter(o365.Eq("mailNickname", grp.MailNickname))
		for found, err := range g.List(ctx, q) {
			if err != nil {
				return false, fmt.Errorf("looking for the group: %w", err)
			}
			if !found.CreatedDateTime.Before(start) {
				created = *found
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		return nil, fmt.Errorf("groups: create %q: %w", grp.DisplayName, err)
	}
	if err := bindGroup(&created, g.acct); err != nil {
		return nil, err
	}
	if len(later[0]) > 0 {
		if err := g.AddOwners(ctx, created.ID, later[0]...); err != nil {
			return &created, err
		}
	}
	if len(later[1]) > 0 {
		if err := g.AddMembers(ctx, created.ID, later[1]...); err != nil {
			return &created, err
		}
	}
	return &created, nil
}

// refs are directory object references for ids, as @odata.bind and $ref
// bodies take them.
func (g *Groups) refs(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = g.ref(id)
	}
	return out
}

func (g *Groups) ref(id string) string {
	return g.acct.Protocol().ServiceURL() + o365.Path("directoryObjects", id)
}

// Update saves the properties of grp changed since it was loaded (a group
// from Get or List); nothing is sent when there are none.
//
// Graph: PATCH /groups/{id} (https://learn.microsoft.com/graph/api/group-update).
func (g *Groups) Update(ctx context.Context, grp *o365.Group) error {
	if err := o365.Save(ctx, grp); err != nil {
		return fmt.Errorf("groups: update %q: %w", grp.ID, err)
	}
	return nil
}

// Delete deletes a group ("" for the account's resource). A Microsoft 365
// group goes to directory/deletedItems, from where Restore brings it back
// for 30 days; a security group is deleted for good.
//
// Graph: DELETE /groups/{id} (https://learn.microsoft.com/graph/api/group-delete).
func (g *Groups) Delete(ctx context.Context, id string) error {
	p, err := g.at(id)
	if err != nil {
		return err
	}
	if _, err := g.acct.Do(ctx, &o365.Request{Method: http.MethodDelete, Path: p}, nil); err != nil {
		return fmt.Errorf("groups: delete %q: %w", id, err)
	}
	return nil
}

// ListDeleted lists the groups in directory/deletedItems.
//
// Graph: GET /directory/deletedItems/microsoft.graph.group
// (https://learn.microsoft.com/graph/api/directory-deleteditems-list).
func (g *Groups) ListDeleted(ctx context.Context, q *o365.Query) iter.Seq2[*o365.Group, error] {
	return o365.List[o365.Group](ctx, g.acct, &o365.Request{Path: "/directory/deletedItems/microsoft.graph.group", Query: advanced(q), Collection: "/directory/deletedItems"})
}

// Restore restores a deleted group, with its members and owners, and
// returns it.
//
// Graph: POST /directory/deletedItems/{id}/restore
// (https://learn.microsoft.com/graph/api/directory-deleteditems-restore).
func (g *Groups) Restore(ctx context.Context, id string) (*o365.Group, error) {
	var grp o365.Group
	req := &o365.Request{Method: http.MethodPost, Path: "/" + o365.Path("directory", "deletedItems", id, "restore"), Idempotent: true}
	if _, err := g.acct.Do(ctx, req, &grp); err != nil {
		return nil, fmt.Errorf("groups: restore %q: %w", id, err)
	}
	return &grp, bindGroup(&grp, g.acct)
}

// Sync returns a delta query over the organization's groups, resuming from
// deltaLink ("" starts over and reports every group with all its members;
// "latest" starts from now). Each round yields the groups created or
// changed since the previous one, and the ids of those removed ("changed":
// deleted into deletedItems; "deleted": gone for good). A group whose
// membership changed comes with the members added and removed since:
// read them with MemberChanges. q may $select properties for the first
// round ("members" is always tracked).
//
// Graph: GET /groups/delta (https://learn.microsoft.com/graph/api/group-delta).
func (g *Groups) Sync(deltaLink string, q *o365.Query) *o365.DeltaQuery[o365.Group] {
	req := &o365.Request{Method: http.MethodGet, Path: "/groups/delta", Query: q, Collection: "/groups"}
	if deltaLink == "latest" {
		req.Query, deltaLink = q.Clone().Param("$deltatoken", "latest"), ""
	}
	return o365.Delta[o365.Group](g.acct, req, deltaLink, nil)
}

// MemberChange is one change of a group's membership a delta round
// reports.
type MemberChange struct {
	// ID is the member's; Kind what it is ("user", "group", "device" ...,
	// from its @odata.type; "" when the service did not say).
	ID, Kind string
	// Removed is true for a member who left the group.
	Removed bool
}

// MemberChanges reads the membership changes a delta round reported with a
// group (its members@delta): in the first round every member, later the
// members added and removed since the previous round. It is empty when the
// membership did not change.
func MemberChanges(grp *o365.Group) ([]MemberChange, error) {
	raw, ok := grp.RawProperty("members@delta")
	if !ok {
		return nil, nil
	}
	var entries []struct {
		ID      string         `json:"id"`
		Type    string         `json:"@odata.type"`
		Removed map[string]any `json:"@removed"`
	}
	if err := o365.DecodeJSON(raw, &entries); err != nil {
		return nil, fmt.Errorf("groups: members@delta of %q: %w", grp.ID, err)
	}
	out := make([]MemberChange, len(entries))
	for i, e := range entries {
		out[i] = MemberChange{ID: e.ID, Kind: e.Type[strings.LastIndexByte(e.Type, '.')+1:], Removed: e.Removed != nil}
	}
	return out, nil
}
