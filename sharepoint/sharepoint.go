// Package sharepoint works with SharePoint sites and lists through Microsoft
// Graph: sites (the root site, sites by host and path or by id, search,
// subsites, followed sites, group sites), their columns and content types,
// lists with their column definitions, and list items with their fields.
//
// Sites are named as the account's resource or in a call, in the forms
// o365.ParseResource checks before any request: "root", a host name (its
// root site), "contoso.sharepoint.com:/sites/team" and the site id
// "host,siteGuid,webGuid". Every object a Sites returns is bound to the
// account and its own path, so a program can write
// list.CreateItem(ctx, fields) or item.UpdateFields(ctx, fields, nil).
// A site's document libraries are drives: open one with the drive package
// (drive.New(acct, o365.WithResource(site.Resource()))).
//
//	sp := sharepoint.New(acct, o365.WithResource("sharepoint:contoso.sharepoint.com:/sites/team"))
//	list, err := sp.Site("").GetList(ctx, "Inventory", nil)
//	item, err := list.CreateItem(ctx, sharepoint.Fields{"Title": "Widget", "Quantity": 3}, nil)
//	for item, err := range list.ListItems(ctx, nil, nil) { ... }
package sharepoint

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"

	"github.com/o365go/o365"
)

// ErrUnbound is returned by methods of objects that were not obtained from a
// Sites value (a literal &sharepoint.List{}). It is o365.ErrUnbound.
var ErrUnbound = o365.ErrUnbound

// PreferNonIndexed is the Prefer value Graph needs to filter or order list
// items on columns that are not indexed (see ItemOptions.AllowNonIndexed).
const PreferNonIndexed = "HonorNonIndexedQueriesWarningMayFailRandomly"

// Sites is SharePoint for one account: the account's site when its resource
// is one ("sharepoint:HOST:/sites/team"), and every other site by name. It
// is cheap to create and safe for concurrent use.
type Sites struct {
	acct *o365.Account
}

// New returns SharePoint for acct; opts (such as
// o365.WithResource("sharepoint:contoso.sharepoint.com:/sites/team")) apply
// to a copy of acct. An invalid option makes every call fail with its error.
func New(acct *o365.Account, opts ...o365.Option) *Sites {
	if len(opts) > 0 {
		acct = acct.With(opts...)
	}
	return &Sites{acct: acct}
}

// Account returns the account the requests go through.
func (sp *Sites) Account() *o365.Account { return sp.acct }

// sitePath is the absolute path of a site reference: "" is the account's
// site (its resource when that is a site, else the tenant's root site);
// anything else is parsed as o365.ParseResource parses "site:" + ref.
func (sp *Sites) sitePath(ref string) (string, error) {
	if ref == "" {
		if r := sp.acct.Resource(); r.Kind() == o365.KindSite {
			return "/" + r.String(), nil
		}
		return "/sites/root", nil
	}
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(ref)), "sites/") {
		ref = strings.TrimSpace(ref)[len("sites/"):]
	}
	r, err := o365.ParseResource("site:" + ref)
	if err != nil {
		return "", fmt.Errorf("sharepoint: site %q: %w", ref, err)
	}
	return "/" + r.String(), nil
}

// Site returns the site named by ref without a request: "" for the
// account's site (or the root site), "root", a host name,
// "host:/sites/team" or "host,siteGuid,webGuid". Only the site's path is
// known until Refresh; a malformed ref makes every call of the site fail.
func (sp *Sites) Site(ref string) *Site {
	s := &Site{}
	p, err := sp.sitePath(ref)
	if err != nil {
		s.err = err
		p = "/sites/root"
	}
	_ = o365.Bind(s, sp.acct, p)
	return s
}

// GetSite loads the site named by ref (see Site); q may $select and
// $expand (lists, columns, contentTypes).
//
// Graph: GET /sites/{site-id}
// (https://learn.microsoft.com/graph/api/site-get).
func (sp *Sites) GetSite(ctx context.Context, ref string, q *o365.Query) (*Site, error) {
	p, err := sp.sitePath(ref)
	if err != nil {
		return nil, err
	}
	s, err := o365.Get[Site](ctx, sp.acct, &o365.Request{Path: p, Query: q, Collection: "/sites"})
	if err != nil {
		return nil, fmt.Errorf("sharepoint: get site %q: %w", ref, err)
	}
	return s.rebind(), nil
}

// GetRootSite loads the tenant's root site.
//
// Graph: GET /sites/root
// (https://learn.microsoft.com/graph/api/site-get).
func (sp *Sites) GetRootSite(ctx context.Context, q *o365.Query) (*Site, error) {
	return sp.GetSite(ctx, "root", q)
}

// GetGroupSite loads the team site of a Microsoft 365 group.
//
// Graph: GET /groups/{group-id}/sites/root
// (https://learn.microsoft.com/graph/api/site-get).
func (sp *Sites) GetGroupSite(ctx context.Context, groupID string, q *o365.Query) (*Site, error) {
	if groupID == "" {
		return nil, errors.New("sharepoint: get group site: empty group id")
	}
	s, err := o365.Get[Site](ctx, sp.acct, &o365.Request{Path: "/" + o365.Path("groups", groupID, "sites", "root"), Query: q, Collection: "/sites"})
	if err != nil {
		return nil, fmt.Errorf("sharepoint: get the site of group %q: %w", groupID, err)
	}
	return s.rebind(), nil
}

// SearchSites lists the sites whose name, description or address matches
// keyword ("*" lists every site the caller can see).
//
// Graph: GET /sites?search={keyword}
// (https://learn.microsoft.com/graph/api/site-search).
func (sp *Sites) SearchSites(ctx context.Context, keyword string, q *o365.Query) iter.Seq2[*Site, error] {
	if strings.TrimSpace(keyword) == "" {
		return o365.Fail[Site](errors.New("sharepoint: search sites: empty keyword; use \"*\" for every site"))
	}
	return listSites(ctx, sp.acct, &o365.Request{Path: "/sites", Query: q.Clone().Param("search", keyword)})
}

// userPath is where the signed-in user's (or the account's user's)
// followed sites are.
func (sp *Sites) userPath(sub string) string {
	if r := sp.acct.Resource(); r.Kind() == o365.KindUser || r.IsMe() {
		return sub
	}
	return "/me/" + sub
}

// ListFollowedSites lists the sites the signed-in user follows.
//
// Graph: GET /me/followedSites
// (https://learn.microsoft.com/graph/api/sites-list-followed).
func (sp *Sites) ListFollowedSites(ctx context.Context, q *o365.Query) iter.Seq2[*Site, error] {
	return listSites(ctx, sp.acct, &o365.Request{Path: sp.userPath("followedSites"), Query: q})
}

// FollowSites makes the signed-in user follow the sites with these ids.
// When some cannot be followed, the error names each of them.
//
// Graph: POST /users/{user-id}/followedSites/add
// (https://learn.microsoft.com/graph/api/site-follow).
func (sp *Sites) FollowSites(ctx context.Context, siteIDs ...string) error {
	return sp.follow(ctx, "add", siteIDs)
}

// UnfollowSites makes the signed-in user stop following the sites with
// these ids. When some cannot be unfollowed, the error names each of them.
//
// Graph: POST /users/{user-id}/followedSites/remove
// (https://learn.microsoft.com/graph/api/site-unfollow).
func (sp *Sites) UnfollowSites(ctx context.Context, siteIDs ...string) error {
	return sp.follow(ctx, "remove", siteIDs)
}

func (sp *Sites) follow(ctx context.Context, action string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	type ref struct {
		ID    string         `json:"id"`
		Error *followFailure `json:"error,omitzero"`
	}
	body := struct {
		Value []ref `json:"value"`
	}{}
	for _, id := range ids {
		body.Value = append(body.Value, ref{ID: id})
	}
	var out struct {
		Value []ref `json:"value"`
	}
	// Following a site twice is harmless; removing twice reports the second.
	req := &o365.Request{Method: http.MethodPost, Path: sp.userPath("followedSites/" + action), Body: body, Idempotent: action == "add"}
	resp, err := sp.acct.Do(ctx, req, &out)
	if err != nil {
		return fmt.Errorf("sharepoint: %s followed sites: %w", action, err)
	}
	var errs []error
	for _, r := range out.Value {
		if r.Error != nil {
			errs = append(errs, fmt.Errorf("site %q: %s: %s", r.ID, r.Error.Code, r.Error.Message))
		}
	}
	if len(errs) > 0 || resp.StatusCode == http.StatusMultiStatus {
		return fmt.Errorf("sharepoint: %s followed sites: %w", action, errors.Join(append([]error{o365.ErrOperationFailed}, errs...)...))
	}
	return nil
}

// followFailure is the error entry of a site that followedSites/add or
// /remove could not handle.
type followFailure struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}
