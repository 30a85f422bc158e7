package sharepoint

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/odata"
)

// tenantHost is the tenant's SharePoint host name: contoso.onmicrosoft.com
// has contoso.sharepoint.com.
func tenantHost(domain string) string {
	name, _, _ := strings.Cut(strings.ToLower(domain), ".")
	return name + ".sharepoint.com"
}

// siteIDs are the ids of a site: its site collection's and its web's GUIDs.
type siteIDs struct{ collection, web string }

// newSite is the stored document of a site at path ("" for the tenant's
// root site) on host.
func newSite(host, tenantID string, ids siteIDs, path, name, displayName, description string, at time.Time) map[string]any {
	webURL := "https://" + host + path
	doc := map[string]any{
		"name": name, "displayName": displayName, "description": description, "webUrl": webURL,
		"createdDateTime": iso(at), "lastModifiedDateTime": iso(at),
		"siteCollection": map[string]any{"hostname": host},
		"sharepointIds":  map[string]any{"siteId": ids.collection, "webId": ids.web, "siteUrl": webURL, "tenantId": tenantID},
		"_path":          strings.ToLower(path),
	}
	if path == "" {
		doc["root"] = map[string]any{}
		doc["siteCollection"].(map[string]any)["root"] = map[string]any{}
	}
	return doc
}

// siteID is the Graph id of a site on host.
func siteID(host string, ids siteIDs) string { return host + "," + ids.collection + "," + ids.web }

// rootIDs are the ids of the tenant's root site.
func rootIDs() siteIDs {
	return siteIDs{core.SeedID("sharepoint", "collection", "/"), core.SeedID("sharepoint", "web", "/")}
}

func errSiteNotFound() *core.Error { return notFound("Requested site could not be found") }

// site resolves the {site:} parameter: "root", the host name (its root
// site), "host,siteGuid,webGuid" (or "host,siteGuid", the site
// collection's top site) and "host:/server/relative/path:".
func site(ctx context.Context, c *core.Call) (*core.Object, error) {
	var o *core.Object
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		o, err = resolveSite(ctx, tx, tenantHost(c.Domain()), c.Param("site"))
		return err
	})
	return o, err
}

func resolveSite(ctx context.Context, tx *core.Tx, host, v string) (*core.Object, error) {
	base, path, isPath := core.PathParam(v)
	switch {
	case isPath && base == "":
		return nil, invalid("The site path %q is malformed: use hostname:/server-relative/path.", v)
	case isPath:
		if !strings.EqualFold(base, host) {
			return nil, invalid("Invalid hostname for this tenancy")
		}
		return siteByPath(ctx, tx, path)
	case strings.EqualFold(v, "root"), strings.EqualFold(v, host):
		return siteByID(ctx, tx, siteID(host, rootIDs()))
	}
	parts := strings.Split(strings.ToLower(v), ",")
	if !strings.EqualFold(parts[0], host) {
		return nil, invalid("Invalid hostname for this tenancy")
	}
	switch len(parts) {
	case 3:
		return siteByID(ctx, tx, strings.Join(parts, ","))
	case 2:
		var found *core.Object
		err := scanSites(ctx, tx, func(o *core.Object) bool {
			if o.Parent == "" && strings.HasPrefix(o.ID, parts[0]+","+parts[1]+",") {
				found = o
				return false
			}
			return true
		})
		if err == nil && found == nil {
			err = errSiteNotFound()
		}
		return found, err
	}
	return nil, errSiteNotFound()
}

func siteByID(ctx context.Context, tx *core.Tx, id string) (*core.Object, error) {
	o, err := tx.Get(ctx, collSites, "", strings.ToLower(id))
	if core.IsNotFound(err) {
		return nil, errSiteNotFound()
	}
	return o, err
}

func siteByPath(ctx context.Context, tx *core.Tx, path string) (*core.Object, error) {
	id, ok, err := tx.KVGet(ctx, pathKey(path))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errSiteNotFound()
	}
	return siteByID(ctx, tx, string(id))
}

// pathKey indexes sites by their server-relative path (lower case).
func pathKey(path string) string { return "sharepoint:sitepath:" + strings.ToLower(path) }

// putSite stores a site and indexes its path.
func putSite(ctx context.Context, tx *core.Tx, s *core.Object) error {
	if err := tx.Put(ctx, s); err != nil {
		return err
	}
	return tx.KVPut(ctx, pathKey(core.Str(s.Data, "_path")), []byte(s.ID), time.Time{})
}

// scanSites calls fn with every site until it returns false. Tenants have
// few sites, so path lookups read them all.
func scanSites(ctx context.Context, tx *core.Tx, fn func(o *core.Object) bool) error {
	all, err := tx.List(ctx, core.Scope{Collection: collSites}, false, 0, 0)
	for _, o := range all {
		if !fn(o) {
			break
		}
	}
	return err
}

func presentSite(_ *core.Call, doc map[string]any) map[string]any { return core.PublicDoc(doc) }

// siteSpec lists sites of scope, as Graph presents them.
func siteSpec(sc core.Scope) core.ListSpec {
	return core.ListSpec{Scope: sc, Type: "site", DefaultTop: 200, MaxTop: 999, Present: presentSite,
		SearchFields: []string{"displayName", "name", "description", "webUrl"}}
}

// siteExpand serves $expand of a site's lists, columns and content types.
func siteExpand() map[string]core.Expander {
	children := func(coll string) core.Expander {
		return func(ctx context.Context, c *core.Call, doc map[string]any, item odata.ExpandItem) (any, error) {
			var out []any
			err := c.Store().Read(ctx, func(tx *core.Tx) error {
				objs, err := tx.List(ctx, core.Scope{Collection: coll, Owner: core.Str(doc, "id")}, false, 0, 0)
				for _, o := range objs {
					if coll == collLists && isHiddenList(o.Data) {
						continue
					}
					out = append(out, core.PublicDoc(o.Data))
				}
				return err
			})
			return core.FilterExpanded(item, out), err
		}
	}
	return map[string]core.Expander{"lists": children(collLists), "columns": children(collColumns), "contentTypes": children(collTypes)}
}

// listSites answers GET /sites. Graph's ?search= keyword is OData's
// $search here, over the sites' names, descriptions and URLs; "*" lists
// every site.
func listSites(ctx context.Context, c *core.Call) error {
	if strings.TrimSpace(c.QueryValue("search")) == "*" {
		q := c.R.URL.Query()
		for k := range q {
			if strings.EqualFold(strings.TrimPrefix(k, "$"), "search") {
				q.Del(k)
			}
		}
		c.R.URL.RawQuery = q.Encode()
	}
	return c.List(ctx, siteSpec(core.Scope{Collection: collSites}))
}

func getSite(ctx context.Context, c *core.Call) error {
	o, err := site(ctx, c)
	if err != nil {
		return err
	}
	return entity(ctx, c, o, siteSpec(core.Scope{Collection: collSites}), siteExpand())
}

// entity answers a GET of a stored object with $select and $expand.
func entity(ctx context.Context, c *core.Call, o *core.Object, spec core.ListSpec, expand map[string]core.Expander) error {
	spec.Scope = core.Scope{Collection: o.Collection, Owner: o.Owner}
	spec.Expand = expand
	return c.GetEntity(ctx, spec, o.ID)
}

func getGroupSite(ctx context.Context, c *core.Call) error {
	group := strings.ToLower(c.Param("group"))
	var found *core.Object
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		return scanSites(ctx, tx, func(o *core.Object) bool {
			if core.Str(o.Data, "_group") == group {
				found = o
				return false
			}
			return true
		})
	})
	if err != nil {
		return err
	}
	if found == nil {
		return errSiteNotFound()
	}
	return entity(ctx, c, found, siteSpec(core.Scope{}), siteExpand())
}

func listSubsites(ctx context.Context, c *core.Call) error {
	o, err := site(ctx, c)
	if err != nil {
		return err
	}
	return c.List(ctx, siteSpec(core.Scope{Collection: collSites, Parent: o.ID, ByParent: true}))
}

// Followed sites.

func listFollowed(ctx context.Context, c *core.Call) error {
	spec := siteSpec(core.Scope{Collection: collFollows, Owner: c.User.ID})
	spec.Load = func(ctx context.Context, tx *core.Tx) ([]map[string]any, error) {
		follows, err := tx.List(ctx, core.Scope{Collection: collFollows, Owner: c.User.ID}, false, 0, 0)
		if err != nil {
			return nil, err
		}
		var out []map[string]any
		for _, f := range follows {
			s, err := tx.Get(ctx, collSites, "", f.ID)
			if core.IsNotFound(err) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out = append(out, s.Data)
		}
		return out, nil
	}
	return c.List(ctx, spec)
}

// followBody is the body of followedSites/add and /remove.
type followBody struct {
	Value []struct {
		ID string `json:"id"`
	} `json:"value"`
}

func decodeFollow(c *core.Call) (followBody, error) {
	var body followBody
	if err := c.Decode(&body); err != nil {
		return body, err
	}
	if len(body.Value) == 0 {
		return body, invalid("The request body needs a value array of sites, e.g. {\"value\":[{\"id\":\"...\"}]}.")
	}
	return body, nil
}

// followSites answers followedSites/add: 200 with the sites, or 207 with an
// error entry for each site that could not be followed.
func followSites(ctx context.Context, c *core.Call) error {
	return changeFollows(ctx, c, true)
}

func unfollowSites(ctx context.Context, c *core.Call) error {
	return changeFollows(ctx, c, false)
}

func changeFollows(ctx context.Context, c *core.Call, follow bool) error {
	body, err := decodeFollow(c)
	if err != nil {
		return err
	}
	host := tenantHost(c.Domain())
	var out []any
	failed := false
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		for _, v := range body.Value {
			s, err := resolveSite(ctx, tx, host, v.ID)
			var ae *core.Error
			if err != nil && asCoreError(err, &ae) {
				failed = true
				out = append(out, map[string]any{"id": v.ID, "error": map[string]any{"code": ae.Code, "message": ae.Message}})
				continue
			}
			if err != nil {
				return err
			}
			if follow {
				err = tx.Put(ctx, &core.Object{Collection: collFollows, Owner: c.User.ID, ID: s.ID, Data: map[string]any{}})
				out = append(out, presentSite(c, s.Data))
			} else if err = tx.Delete(ctx, collFollows, c.User.ID, s.ID); core.IsNotFound(err) {
				err, failed = nil, true
				out = append(out, map[string]any{"id": v.ID, "error": map[string]any{"code": "itemNotFound", "message": "The site is not followed."}})
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	switch {
	case failed:
		return c.WriteJSON(http.StatusMultiStatus, map[string]any{"value": out})
	case follow:
		return c.WriteJSON(http.StatusOK, map[string]any{"value": out})
	default:
		return c.NoContent()
	}
}

// asCoreError reports whether err is an answer of Graph's (a *core.Error).
func asCoreError(err error, target **core.Error) bool { return errors.As(err, target) }
