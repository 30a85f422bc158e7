package o365

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// ErrGroupNotFound is returned for a resource group:team@contoso.com when no
// group of the tenant has that address.
var ErrGroupNotFound = errors.New("o365: no group has this mail address")

// groupIDs remembers the ids of the groups an account's resources name by
// address. Copies of the account (With, service packages) share it.
type groupIDs struct {
	mu  sync.Mutex
	ids map[string]string // lower-case address -> id
}

func (g *groupIDs) get(addr string) (string, bool) {
	if g == nil {
		return "", false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	id, ok := g.ids[strings.ToLower(addr)]
	return id, ok
}

func (g *groupIDs) put(addr, id string) {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ids == nil {
		g.ids = map[string]string{}
	}
	g.ids[strings.ToLower(addr)] = id
}

// ResolveResource returns the resource the account's requests go to, with a
// group named by address (group:team@contoso.com) replaced by its id, which
// it looks up the first time (one GET /groups filtered on mail, then on
// proxyAddresses) and remembers. Requests do this themselves; call it to
// learn the id, or to fail early on an address no group has
// (ErrGroupNotFound).
//
// Graph: GET /groups?$filter=mail eq '...'
// (https://learn.microsoft.com/graph/api/group-list).
func (a *Account) ResolveResource(ctx context.Context) (Resource, error) {
	return a.resolve(ctx, a.resource)
}

// resolve returns r with a group address replaced by the group's id.
func (a *Account) resolve(ctx context.Context, r Resource) (Resource, error) {
	if r.group == "" {
		return r, nil
	}
	if id, ok := a.groups.get(r.group); ok {
		return groupResource(id), nil
	}
	if a.err != nil {
		return Resource{}, a.err
	}
	filters := []Filter{Eq("mail", r.group), Any("proxyAddresses", "p", Eq("p", "smtp:"+r.group))}
	for _, f := range filters {
		var page Page[struct {
			ID string `json:"id"`
		}]
		req := &Request{Method: http.MethodGet, Path: "/groups", Query: NewQuery().Filter(f).Select("id").Top(2)}
		if _, err := a.Do(ctx, req, &page); err != nil {
			return Resource{}, fmt.Errorf("o365: looking up group:%s: %w", r.group, err)
		}
		switch len(page.Value) {
		case 0:
			continue
		case 1:
			a.groups.put(r.group, page.Value[0].ID)
			return groupResource(page.Value[0].ID), nil
		default:
			return Resource{}, fmt.Errorf("o365: group:%s: more than one group has this address; name the group by id (group:ID)", r.group)
		}
	}
	return Resource{}, fmt.Errorf("%w: group:%s", ErrGroupNotFound, r.group)
}

func groupResource(id string) Resource {
	return Resource{kind: KindGroup, path: "groups/" + escapeSegment(id)}
}

// resolveRequest returns req with its resource resolved (see resolve) when
// its URL depends on a group named by address; req itself otherwise.
func (a *Account) resolveRequest(ctx context.Context, req *Request) (*Request, error) {
	if isAbsolute(req.Path) || strings.HasPrefix(req.Path, "/") {
		return req, nil
	}
	res := a.resource
	if req.Resource != nil {
		res = *req.Resource
	}
	if res.group == "" {
		return req, nil
	}
	r, err := a.resolve(ctx, res)
	if err != nil {
		return nil, err
	}
	c := req.Clone()
	c.Resource = &r
	return c, nil
}
