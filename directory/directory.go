// Package directory works with the organization's people through
// Microsoft Graph: users (list, get, search, manager, direct reports, the
// groups they belong to, photos at every size, a person card), their
// administration with application permissions (create with a password
// profile, update, disable, delete, restore from deleted items, assign a
// manager) and delta of users (python-o365's Directory, done completely).
//
// Users are the root's o365.User model, shared with every package that
// meets people. Queries that Graph's directory serves only as advanced
// queries ($search, $count, ne, not, endsWith, $orderby with $filter) get
// the ConsistencyLevel: eventual header and $count=true from the package:
// callers write the query they mean.
//
//	dir := directory.New(acct)
//	u, err := dir.GetUser(ctx, "alice@contoso.com", nil)
//	boss, err := dir.GetManager(ctx, u.ID, nil)
package directory

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"

	"github.com/o365go/o365"
)

// Directory is the organization's directory as an account sees it. It is
// cheap to create and safe for concurrent use.
type Directory struct {
	acct *o365.Account
}

// New returns the directory of acct's tenant; opts apply to a copy of acct.
func New(acct *o365.Account, opts ...o365.Option) *Directory {
	if len(opts) > 0 {
		acct = acct.With(opts...)
	}
	return &Directory{acct: acct}
}

// Account returns the account the directory sends its requests through.
func (d *Directory) Account() *o365.Account { return d.acct }

// userPath is "/users/{id}/..." with the id escaped; an id or a user
// principal name.
func userPath(id string, rest ...string) string {
	return "/" + o365.Path(append([]string{"users", id}, rest...)...)
}

// advanced returns q with $count=true when Graph's directory answers it
// only as an advanced query (then the request also carries
// ConsistencyLevel: eventual); q itself is not changed.
func advanced(q *o365.Query) *o365.Query {
	if q.DirectoryAdvanced() {
		return q.Clone().Count()
	}
	return q
}

// ListUsers lists the organization's users, page by page (up to 999 a page
// with q.Top); q may filter, search, order, select and limit them, and the
// package adds what Graph needs for advanced queries.
//
// Graph: GET /users (https://learn.microsoft.com/graph/api/user-list).
func (d *Directory) ListUsers(ctx context.Context, q *o365.Query) iter.Seq2[*o365.User, error] {
	return o365.List[o365.User](ctx, d.acct, &o365.Request{Path: "/users", Query: advanced(q), Collection: "/users"})
}

// SearchUsers lists the users whose display name, mail address or user
// principal name has a word starting with text (Graph's directory search);
// q may filter, select and limit them.
//
// Graph: GET /users?$search="displayName:text" OR ...
// (https://learn.microsoft.com/graph/search-query-parameter).
func (d *Directory) SearchUsers(ctx context.Context, text string, q *o365.Query) iter.Seq2[*o365.User, error] {
	expr, err := searchExpr(text, "displayName", "mail", "userPrincipalName")
	if err != nil {
		return o365.Fail[o365.User](fmt.Errorf("directory: search users: %w", err))
	}
	q = q.Clone()
	if q == nil {
		q = o365.NewQuery()
	}
	return d.ListUsers(ctx, q.SearchRaw(expr))
}

// searchExpr is Graph's directory $search over properties: clauses in
// double quotes joined by OR, with quotes and backslashes in text escaped.
func searchExpr(text string, props ...string) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", errors.New("empty text; give a name or an address")
	}
	esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(text)
	clauses := make([]string, len(props))
	for i, p := range props {
		clauses[i] = `"` + p + ":" + esc + `"`
	}
	return strings.Join(clauses, " OR "), nil
}

// GetUser loads a user by object id or user principal name; q may $select
// and $expand (manager, memberOf ...).
//
// Graph: GET /users/{id | userPrincipalName}
// (https://learn.microsoft.com/graph/api/user-get).
func (d *Directory) GetUser(ctx context.Context, idOrUPN string, q *o365.Query) (*o365.User, error) {
	if strings.TrimSpace(idOrUPN) == "" {
		return nil, errors.New("directory: get user: empty id; give an object id or a user principal name")
	}
	u, err := o365.Get[o365.User](ctx, d.acct, &o365.Request{Path: userPath(idOrUPN), Query: q})
	if err != nil {
		return nil, fmt.Errorf("directory: get user %q: %w", idOrUPN, err)
	}
	return u, bindUser(u, d.acct)
}

// bindUser binds a user at its canonical path, /users/{id}.
func bindUser(u *o365.User, acct *o365.Account) error {
	if u.ID == "" {
		return nil
	}
	return o365.Bind(u, acct, userPath(u.ID))
}

// GetMe loads the signed-in user; q may $select and $expand.
//
// Graph: GET /me (https://learn.microsoft.com/graph/api/user-get).
func (d *Directory) GetMe(ctx context.Context, q *o365.Query) (*o365.User, error) {
	u, err := o365.Get[o365.User](ctx, d.acct, &o365.Request{Path: "/me", Query: q})
	if err != nil {
		return nil, fmt.Errorf("directory: get the signed-in user: %w", err)
	}
	return u, bindUser(u, d.acct)
}

// GetManager loads a user's manager; the error matches o365.ErrNotFound
// when the user has none.
//
// Graph: GET /users/{id}/manager
// (https://learn.microsoft.com/graph/api/user-list-manager).
func (d *Directory) GetManager(ctx context.Context, userID string, q *o365.Query) (*o365.User, error) {
	u, err := o365.Get[o365.User](ctx, d.acct, &o365.Request{Path: userPath(userID, "manager"), Query: q})
	if err != nil {
		return nil, fmt.Errorf("directory: manager of %q: %w", userID, err)
	}
	return u, bindUser(u, d.acct)
}

// ListDirectReports lists the people who report to a user.
//
// Graph: GET /users/{id}/directReports
// (https://learn.microsoft.com/graph/api/user-list-directreports).
func (d *Directory) ListDirectReports(ctx context.Context, userID string, q *o365.Query) iter.Seq2[*o365.User, error] {
	return o365.List[o365.User](ctx, d.acct, &o365.Request{Path: userPath(userID, "directReports"), Query: advanced(q), Collection: "/users"})
}

// ListMemberOf lists the groups, directory roles and administrative units
// a user is a direct member of; DirectoryObject.Kind tells them apart and
// As decodes one (a group as an *o365.Group).
//
// Graph: GET /users/{id}/memberOf
// (https://learn.microsoft.com/graph/api/user-list-memberof).
func (d *Directory) ListMemberOf(ctx context.Context, userID string, q *o365.Query) iter.Seq2[*o365.DirectoryObject, error] {
	return o365.List[o365.DirectoryObject](ctx, d.acct, &o365.Request{Path: userPath(userID, "memberOf"), Query: advanced(q), Collection: "/directoryObjects"})
}

// ListTransitiveMemberOf lists what a user belongs to directly or through
// nested groups.
//
// Graph: GET /users/{id}/transitiveMemberOf
// (https://learn.microsoft.com/graph/api/user-list-transitivememberof).
func (d *Directory) ListTransitiveMemberOf(ctx context.Context, userID string, q *o365.Query) iter.Seq2[*o365.DirectoryObject, error] {
	return o365.List[o365.DirectoryObject](ctx, d.acct, &o365.Request{Path: userPath(userID, "transitiveMemberOf"), Query: advanced(q), Collection: "/directoryObjects"})
}

// SyncUsers returns a delta query over the organization's users, resuming
// from deltaLink ("" starts over and reports every user; "latest" starts
// from now without reporting any). Each round yields the users created or
// changed since the previous one and the ids of those removed: Reason
// "changed" for a user deleted into directory/deletedItems (restorable),
// "deleted" for one gone for good. Persist DeltaLink after a round to
// resume from it; the service keeps links for 7 days, after which the
// round's error matches o365.ErrResyncRequired. q may $select properties
// for the first round.
//
// Graph: GET /users/delta (https://learn.microsoft.com/graph/api/user-delta).
func (d *Directory) SyncUsers(deltaLink string, q *o365.Query) *o365.DeltaQuery[o365.User] {
	req := &o365.Request{Method: http.MethodGet, Path: "/users/delta", Query: q, Collection: "/users"}
	if deltaLink == "latest" {
		req.Query, deltaLink = q.Clone().Param("$deltatoken", "latest"), ""
	}
	return o365.Delta[o365.User](d.acct, req, deltaLink, nil)
}
