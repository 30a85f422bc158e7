package directory

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/o365go/o365/sandbox/internal/core"
)

// Permissions of the people routes: People.Read for one's own relevant
// people, People.Read.All for another user's (delegated) and for apps.
var (
	peopleScopes = []string{"People.Read", "People.Read.All"}
	peopleShared = []string{"People.Read.All"}
	peopleRoles  = []string{"People.Read.All"}
)

// Relevance of a person to the user: the sandbox has no mail or meeting
// history to rank by, so it ranks by the organization, as Graph does for a
// new mailbox: the manager and direct reports, then colleagues who share
// a group, then everyone else.
const (
	relevanceClose = 10.0 // manager, direct reports, peers under the same manager
	relevanceGroup = 5.0  // a member of one of the user's groups
	relevanceOrg   = 1.0  // anyone else in the tenant
)

// peopleRoutes serve list people (GET /me/people, /users/{id}/people,
// https://learn.microsoft.com/graph/api/user-list-people) and one person
// of the list (the people navigation's key, which the SDKs address).
func peopleRoutes() []core.Route {
	read := core.Route{Scopes: peopleScopes, SharedScopes: peopleShared, Roles: peopleRoles}
	return []core.Route{
		read.On(http.MethodGet, "{user}/people", listPeople),
		read.On(http.MethodGet, "{user}/people/{id}", getPerson),
	}
}

// getPerson answers GET .../people/{id}: a person of the user's list, with
// $select; 404 for anyone else.
func getPerson(ctx context.Context, c *core.Call) error {
	var found map[string]any
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		all, err := people(ctx, tx, c.User.ID)
		for _, p := range all {
			if strings.EqualFold(core.Str(p, "id"), c.Param("id")) {
				found = p
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	if found == nil {
		return core.Errorf(http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store.")
	}
	return c.EntityOf(http.StatusOK, "person", found)
}

// listPeople answers the people relevant to c.User, most relevant first,
// with $search (over names and addresses), $filter, $select, $top and
// $skip as Graph's people API takes them, 10 a page by default.
func listPeople(ctx context.Context, c *core.Call) error {
	return c.List(ctx, core.ListSpec{
		Type:         "person",
		DefaultTop:   10,
		MaxTop:       1000,
		SearchFields: []string{"displayName", "givenName", "surname", "userPrincipalName", "scoredEmailAddresses/address"},
		Load: func(ctx context.Context, tx *core.Tx) ([]map[string]any, error) {
			return people(ctx, tx, c.User.ID)
		},
	})
}

// people are the active users of the tenant other than user, as persons,
// in order of relevance, then name.
func people(ctx context.Context, tx *core.Tx, user string) ([]map[string]any, error) {
	score := map[string]float64{}
	// follow scores the targets of the kind links from each of froms at
	// least s, and returns their ids.
	follow := func(kind string, froms []string, s float64) ([]string, error) {
		var ids []string
		for _, from := range froms {
			docs, err := linkedDocs(ctx, tx, kind, from)
			if err != nil {
				return nil, err
			}
			for _, d := range docs {
				if id, _ := d["id"].(string); id != "" {
					ids = append(ids, id)
					score[id] = max(score[id], s)
				}
			}
		}
		return ids, nil
	}
	me := []string{user}
	groups, err := follow(linkMemberOf, me, 0)
	if err != nil {
		return nil, err
	}
	managers, err := follow(linkManager, me, relevanceClose)
	if err != nil {
		return nil, err
	}
	for _, step := range []struct {
		kind  string
		froms []string
		score float64
	}{{linkDirectReprt, me, relevanceClose}, {linkDirectReprt, managers, relevanceClose}, {linkMember, groups, relevanceGroup}} {
		if _, err := follow(step.kind, step.froms, step.score); err != nil {
			return nil, err
		}
	}

	users, err := tx.List(ctx, activeScope(collUsers), false, 0, 0)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(users))
	for _, u := range users {
		if u.ID == user || u.Data["accountEnabled"] == false {
			continue
		}
		s := score[u.ID]
		if s == 0 {
			s = relevanceOrg
		}
		out = append(out, person(u.ID, u.Data, s))
	}
	slices.SortStableFunc(out, func(a, b map[string]any) int {
		if c := cmp.Compare(b["_relevance"].(float64), a["_relevance"].(float64)); c != 0 {
			return c
		}
		return cmp.Compare(core.Str(a, "displayName"), core.Str(b, "displayName"))
	})
	for _, p := range out {
		delete(p, "_relevance")
	}
	return out, nil
}

// person is a user of the directory as Graph's people API shows them: an
// OrganizationUser with the user's id, names, work details, phones and
// scored address.
func person(id string, u map[string]any, relevance float64) map[string]any {
	upn := core.Str(u, "userPrincipalName")
	var addresses []any
	if mail := cmp.Or(core.Str(u, "mail"), upn); mail != "" {
		addresses = append(addresses, map[string]any{"address": mail, "relevanceScore": relevance, "selectionLikelihood": "notSpecified"})
	}
	phones := []any{}
	if list, ok := u["businessPhones"].([]any); ok {
		for _, n := range list {
			if s, _ := n.(string); s != "" {
				phones = append(phones, map[string]any{"type": "business", "number": s})
			}
		}
	}
	if m := core.Str(u, "mobilePhone"); m != "" {
		phones = append(phones, map[string]any{"type": "mobile", "number": m})
	}
	var im any
	if upn != "" {
		im = "sip:" + upn
	}
	return map[string]any{
		"id":                   id,
		"displayName":          u["displayName"],
		"givenName":            u["givenName"],
		"surname":              u["surname"],
		"birthday":             "",
		"personNotes":          "",
		"isFavorite":           false,
		"jobTitle":             u["jobTitle"],
		"companyName":          u["companyName"],
		"yomiCompany":          "",
		"department":           u["department"],
		"officeLocation":       u["officeLocation"],
		"profession":           "",
		"userPrincipalName":    upn,
		"imAddress":            im,
		"scoredEmailAddresses": addresses,
		"phones":               phones,
		"postalAddresses":      []any{},
		"websites":             []any{},
		"personType":           map[string]any{"class": "Person", "subclass": "OrganizationUser"},
		"_relevance":           relevance,
	}
}
