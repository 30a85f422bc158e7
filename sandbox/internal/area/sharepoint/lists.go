package sharepoint

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/odata"
)

// Templates the sandbox creates lists from.
const (
	templateGeneric  = "genericList"
	templateLibrary  = "documentLibrary"
	templateUserInfo = "userInformation"
)

// listState is a list with its site and columns, as item routes need them.
type listState struct {
	site, list *core.Object
	cols       []*column
}

func errListNotFound() *core.Error { return notFound("The specified list was not found") }

// etag is SharePoint's eTag of a versioned object: "{uid},{version}" in quotes.
func etag(uid string, version int) string {
	return fmt.Sprintf("%q", fmt.Sprintf("%s,%d", uid, version))
}

// version reads an object's version counter.
func version(doc map[string]any) int { return int(number(doc, "_version", 1)) }

// findList finds a list of a site by id, display name or URL name.
func findList(ctx context.Context, tx *core.Tx, siteID, key string) (*core.Object, error) {
	o, err := tx.Get(ctx, collLists, siteID, strings.ToLower(key))
	if err == nil || !core.IsNotFound(err) {
		return o, err
	}
	all, err := tx.List(ctx, core.Scope{Collection: collLists, Owner: siteID}, false, 0, 0)
	if err != nil {
		return nil, err
	}
	for _, l := range all {
		if strings.EqualFold(core.Str(l.Data, "displayName"), key) || strings.EqualFold(core.Str(l.Data, "name"), key) {
			return l, nil
		}
	}
	// The User Information List is the site collection's: subsites reach it too.
	if strings.EqualFold(key, userListTitle) {
		s, err := tx.Get(ctx, collSites, "", siteID)
		if err != nil {
			return nil, err
		}
		if root := core.Str(s.Data, "_collectionRoot"); root != siteID {
			return tx.Get(ctx, collLists, root, userListID(root))
		}
	}
	return nil, errListNotFound()
}

// loadList reads the addressed site and list (and its columns) in tx.
func loadList(ctx context.Context, c *core.Call, tx *core.Tx) (*listState, error) {
	s, err := resolveSite(ctx, tx, tenantHost(c.Domain()), c.Param("site"))
	if err != nil {
		return nil, err
	}
	l, err := findList(ctx, tx, s.ID, c.Param("list"))
	if core.IsNotFound(err) {
		return nil, errListNotFound()
	}
	if err != nil {
		return nil, err
	}
	if l.Owner != s.ID { // the collection's user list, reached from a subsite
		if s, err = tx.Get(ctx, collSites, "", l.Owner); err != nil {
			return nil, err
		}
	}
	cols, err := listColumns(ctx, tx, l.ID)
	if err != nil {
		return nil, err
	}
	return &listState{site: s, list: l, cols: cols}, nil
}

// readList is loadList in a read transaction.
func readList(ctx context.Context, c *core.Call) (*listState, error) {
	var st *listState
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		st, err = loadList(ctx, c, tx)
		return err
	})
	return st, err
}

// isHiddenList reports whether a list is a system list, which Graph lists
// only when system is selected.
func isHiddenList(doc map[string]any) bool { _, ok := doc["system"]; return ok }

func listSpec(siteID string) core.ListSpec {
	return core.ListSpec{Scope: core.Scope{Collection: collLists, Owner: siteID}, Type: "list", DefaultTop: 200, MaxTop: 5000,
		Present: func(_ *core.Call, doc map[string]any) map[string]any { return core.PublicDoc(doc) }}
}

// listExpand serves $expand of a list's columns, content types and items.
func listExpand(siteID string) map[string]core.Expander {
	children := func(coll string) core.Expander {
		return func(ctx context.Context, c *core.Call, doc map[string]any, item odata.ExpandItem) (any, error) {
			var out []any
			err := c.Store().Read(ctx, func(tx *core.Tx) error {
				objs, err := tx.List(ctx, core.Scope{Collection: coll, Owner: core.Str(doc, "id")}, false, 0, 0)
				for _, o := range objs {
					out = append(out, core.PublicDoc(o.Data))
				}
				return err
			})
			return core.FilterExpanded(item, out), err
		}
	}
	return map[string]core.Expander{
		"columns": children(collColumns), "contentTypes": children(collTypes),
		"items": func(ctx context.Context, c *core.Call, doc map[string]any, item odata.ExpandItem) (any, error) {
			var out []any
			err := c.Store().Read(ctx, func(tx *core.Tx) error {
				objs, err := tx.List(ctx, core.Scope{Collection: collItems, Owner: core.Str(doc, "id")}, false, 0, 0)
				for _, o := range objs {
					d := core.PublicDoc(o.Data)
					delete(d, "fields")
					out = append(out, d)
				}
				return err
			})
			return core.FilterExpanded(item, out), err
		},
	}
}

func listLists(ctx context.Context, c *core.Call) error {
	s, err := site(ctx, c)
	if err != nil {
		return err
	}
	opts, err := c.QueryOptions()
	if err != nil {
		return err
	}
	spec := listSpec(s.ID)
	spec.Expand = listExpand(s.ID)
	if !slices.ContainsFunc(opts.Select, func(p string) bool { return strings.EqualFold(p, "system") }) {
		spec.Include = func(doc map[string]any) bool { return !isHiddenList(doc) }
	}
	return c.List(ctx, spec)
}

func getList(ctx context.Context, c *core.Call) error {
	st, err := readList(ctx, c)
	if err != nil {
		return err
	}
	return entity(ctx, c, st.list, listSpec(st.site.ID), listExpand(st.site.ID))
}

// urlName is the URL name SharePoint gives a list: its title without
// characters that do not belong in a URL.
func urlName(title string) string {
	var b strings.Builder
	for _, r := range title {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_') {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "List"
	}
	return b.String()
}

// caller is who makes a change: the identitySet Graph records and the
// caller's lookup id in the site's user list.
type caller struct {
	identity map[string]any
	lookupID string
}

// whoCalls identifies the caller of c in the site collection of s, adding
// a user to the collection's user list on first write.
func whoCalls(ctx context.Context, c *core.Call, tx *core.Tx, s *core.Object) (caller, error) {
	if c.Claims.AppOnly {
		return caller{identity: map[string]any{
			"application": map[string]any{"id": c.Claims.AppID},
			"user":        map[string]any{"displayName": appUserName},
		}, lookupID: appLookupID}, nil
	}
	u, err := core.LookupUser(ctx, tx, c.Claims.ObjectID)
	if err != nil {
		return caller{}, err
	}
	id, err := ensureSiteUser(ctx, tx, s, u, c.Now())
	if err != nil {
		return caller{}, err
	}
	return caller{identity: map[string]any{"user": map[string]any{"email": u.Mail, "id": u.ID, "displayName": u.DisplayName}}, lookupID: id}, nil
}

// createListObjects stores a new list of s with its built-in columns and
// content types plus extra columns (already checked).
func createListObjects(ctx context.Context, tx *core.Tx, s *core.Object, id, title, description, template string, extra []map[string]any, who caller, at time.Time) (*core.Object, error) {
	name := urlName(title)
	if template == templateUserInfo {
		name = "users"
	}
	if err := checkTitle(ctx, tx, s, title); err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	all, err := tx.List(ctx, core.Scope{Collection: collLists, Owner: s.ID}, false, 0, 0)
	if err != nil {
		return nil, err
	}
	for _, l := range all {
		taken[strings.ToLower(core.Str(l.Data, "name"))] = true
	}
	for i := 1; taken[strings.ToLower(name)]; i++ {
		name = fmt.Sprintf("%s%d", urlName(title), i)
	}
	webURL := core.Str(s.Data, "webUrl") + "/Lists/" + name
	if template == templateLibrary {
		webURL = core.Str(s.Data, "webUrl") + "/" + name
	} else if template == templateUserInfo {
		webURL = core.Str(s.Data, "webUrl") + "/_catalogs/users"
	}
	uid := id
	doc := map[string]any{
		"@odata.etag": etag(uid, 1), "eTag": etag(uid, 1),
		"displayName": title, "name": name, "description": description, "webUrl": webURL,
		"createdDateTime": iso(at), "lastModifiedDateTime": iso(at), "createdBy": who.identity, "lastModifiedBy": who.identity,
		"parentReference": map[string]any{"siteId": s.ID},
		"list":            map[string]any{"contentTypesEnabled": false, "hidden": template == templateUserInfo, "template": template},
		"_version":        float64(1), "_nextItem": float64(1),
	}
	if template == templateUserInfo {
		doc["system"] = map[string]any{}
	}
	l := &core.Object{Collection: collLists, Owner: s.ID, ID: id, Data: doc, Created: at, Sort: core.SortKey(at)}
	if err := tx.Put(ctx, l); err != nil {
		return nil, err
	}
	n := 0
	put := func(doc map[string]any) error {
		n++
		return tx.Put(ctx, &core.Object{Collection: collColumns, Owner: id, ID: core.Str(doc, "id"), Data: doc,
			Created: at, Sort: fmt.Sprintf("%s-%04d", core.SortKey(at), n)})
	}
	builtins := genericColumns
	if template == templateLibrary {
		builtins = append(slices.Clone(genericColumns), libraryColumns...)
	}
	for _, b := range builtins {
		if template == templateLibrary && b.name == "Title" {
			b.required = false // a library's items are named by their file
		}
		// Each list has its own copy of a built-in column, under the built-in's id.
		if err := put(builtinDoc(b)); err != nil {
			return nil, err
		}
	}
	for _, d := range extra {
		if err := put(d); err != nil {
			return nil, err
		}
	}
	for _, ct := range listContentTypes(id, template) {
		if err := tx.Put(ctx, &core.Object{Collection: collTypes, Owner: id, ID: core.Str(ct, "id"), Data: ct, Created: at}); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// checkTitle refuses the title of another list of the site.
func checkTitle(ctx context.Context, tx *core.Tx, s *core.Object, title string) error {
	all, err := tx.List(ctx, core.Scope{Collection: collLists, Owner: s.ID}, false, 0, 0)
	if err != nil {
		return err
	}
	for _, l := range all {
		if strings.EqualFold(core.Str(l.Data, "displayName"), title) {
			return core.Errorf(http.StatusConflict, "nameAlreadyExists",
				"A list, survey, discussion board, or document library with the specified title already exists in this Web site.  Please choose another title.")
		}
	}
	return nil
}

// createList answers POST /sites/{site}/lists.
func createList(ctx context.Context, c *core.Call) error {
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	if _, ok := in["name"]; ok {
		return invalid("Cannot define a 'name' for a list as it is assigned by the server. Instead, provide 'displayName'")
	}
	title := strings.TrimSpace(core.Str(in, "displayName"))
	if title == "" {
		return invalid("A list needs a displayName.")
	}
	template := templateGeneric
	if info, ok := in["list"].(map[string]any); ok && core.Str(info, "template") != "" {
		template = core.Str(info, "template")
	}
	if template != templateGeneric && template != templateLibrary {
		return invalid("The sandbox creates lists from the genericList and documentLibrary templates; '%s' is not supported.", template)
	}
	rawCols, _ := in["columns"].([]any)
	if in["columns"] != nil && rawCols == nil {
		return invalid("columns must be an array of column definitions.")
	}
	now := c.Now()
	var l *core.Object
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		s, err := resolveSite(ctx, tx, tenantHost(c.Domain()), c.Param("site"))
		if err != nil {
			return err
		}
		who, err := whoCalls(ctx, c, tx, s)
		if err != nil {
			return err
		}
		var extra []map[string]any
		names := map[string]bool{}
		for _, b := range genericColumns {
			names[strings.ToLower(b.name)] = true
		}
		for _, raw := range rawCols {
			def, ok := raw.(map[string]any)
			if !ok {
				return invalid("columns must be an array of column definitions.")
			}
			doc, err := columnDefinition(ctx, tx, s.ID, def)
			if err != nil {
				return err
			}
			if names[strings.ToLower(core.Str(doc, "name"))] {
				return errDuplicateColumn(core.Str(doc, "name"))
			}
			names[strings.ToLower(core.Str(doc, "name"))] = true
			extra = append(extra, doc)
		}
		if template == templateLibrary {
			if err := checkTitle(ctx, tx, s, title); err != nil {
				return err
			}
			if l, err = createLibrary(ctx, tx, s, title, core.Str(in, "description"), "", who, now); err != nil {
				return err
			}
			for i, doc := range extra {
				if err := tx.Put(ctx, &core.Object{Collection: collColumns, Owner: l.ID, ID: core.Str(doc, "id"), Data: doc,
					Created: now, Sort: fmt.Sprintf("%s-%04d", core.SortKey(now), 100+i)}); err != nil {
					return err
				}
			}
			return nil
		}
		l, err = createListObjects(ctx, tx, s, uuid.NewString(), title, core.Str(in, "description"), template, extra, who, now)
		return err
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusCreated, "list", l.Data)
}

func errDuplicateColumn(name string) *core.Error {
	return core.Errorf(http.StatusConflict, "nameAlreadyExists", "A duplicate field name \"%s\" was found.", name)
}

// patchList answers PATCH of a list: displayName, description and the
// list facet's hidden and contentTypesEnabled.
func patchList(ctx context.Context, c *core.Call) error {
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	var out map[string]any
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		st, err := loadList(ctx, c, tx)
		if err != nil {
			return err
		}
		if isHiddenList(st.list.Data) {
			return core.Errorf(http.StatusForbidden, "accessDenied", "System lists cannot be changed.")
		}
		doc := st.list.Data
		for k, v := range in {
			switch k {
			case "displayName":
				title, _ := v.(string)
				if strings.TrimSpace(title) == "" {
					return invalid("displayName must be a non-empty string.")
				}
				others, err := tx.List(ctx, core.Scope{Collection: collLists, Owner: st.site.ID}, false, 0, 0)
				if err != nil {
					return err
				}
				for _, o := range others {
					if o.ID != st.list.ID && strings.EqualFold(core.Str(o.Data, "displayName"), title) {
						return core.Errorf(http.StatusConflict, "nameAlreadyExists",
							"A list, survey, discussion board, or document library with the specified title already exists in this Web site.  Please choose another title.")
					}
				}
				doc["displayName"] = strings.TrimSpace(title)
			case "description":
				s, ok := v.(string)
				if !ok && v != nil {
					return invalid("description must be a string.")
				}
				doc["description"] = s
			case "list":
				facet, ok := v.(map[string]any)
				if !ok {
					return invalid("list must be an object.")
				}
				info := doc["list"].(map[string]any)
				for fk, fv := range facet {
					switch fk {
					case "hidden", "contentTypesEnabled":
						b, ok := fv.(bool)
						if !ok {
							return invalid("list.%s must be true or false.", fk)
						}
						info[fk] = b
					case "template":
						if fv != info["template"] {
							return invalid("The template of a list cannot be changed.")
						}
					default:
						return invalid("list.%s cannot be changed.", fk)
					}
				}
			case "@odata.type", "@odata.etag", "id", "eTag":
			case "name":
				if v != doc["name"] {
					return invalid("The name of a list is assigned by the server and cannot be changed; change displayName.")
				}
			default:
				return invalid("The list property '%s' cannot be changed.", k)
			}
		}
		bump(st.list, c.Now())
		out = doc
		return tx.Put(ctx, st.list)
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusOK, "list", out)
}

// bump records a change of a versioned object: its version, eTag and
// lastModifiedDateTime.
func bump(o *core.Object, at time.Time) {
	v := version(o.Data) + 1
	uid := core.Str(o.Data, "_uid")
	if uid == "" {
		uid = o.ID
	}
	o.Data["_version"] = float64(v)
	o.Data["@odata.etag"], o.Data["eTag"] = etag(uid, v), etag(uid, v)
	o.Data["lastModifiedDateTime"] = iso(at)
}

func deleteList(ctx context.Context, c *core.Call) error {
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		st, err := loadList(ctx, c, tx)
		if err != nil {
			return err
		}
		if isHiddenList(st.list.Data) {
			return core.Errorf(http.StatusForbidden, "accessDenied", "System lists cannot be deleted.")
		}
		if libraryDrive(st.list) != "" {
			return core.Errorf(http.StatusNotImplemented, "notSupported", "The sandbox does not delete document libraries; delete their files through the drive.")
		}
		for _, coll := range []core.Scope{
			{Collection: collItems, Owner: st.list.ID},
			{Collection: collColumns, Owner: st.list.ID},
			{Collection: collTypes, Owner: st.list.ID},
		} {
			objs, err := tx.List(ctx, coll, false, 0, 0)
			if err != nil {
				return err
			}
			for _, o := range objs {
				if err := tx.Delete(ctx, o.Collection, o.Owner, o.ID); err != nil {
					return err
				}
			}
		}
		return tx.Delete(ctx, collLists, st.site.ID, st.list.ID)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

// Columns.

// columnSpec lists the columns of owner: a list, or a site for its own
// columns.
func columnSpec(owner string) core.ListSpec {
	return core.ListSpec{Scope: core.Scope{Collection: collColumns, Owner: owner}, Type: "columnDefinition",
		DefaultTop: 200, MaxTop: 5000, Present: func(_ *core.Call, doc map[string]any) map[string]any { return core.PublicDoc(doc) }}
}

func listSiteColumns(ctx context.Context, c *core.Call) error {
	s, err := site(ctx, c)
	if err != nil {
		return err
	}
	return c.List(ctx, columnSpec(s.ID))
}

func listListColumns(ctx context.Context, c *core.Call) error {
	st, err := readList(ctx, c)
	if err != nil {
		return err
	}
	return c.List(ctx, columnSpec(st.list.ID))
}

// columnObject finds a column of sc by id or internal name.
func columnObject(ctx context.Context, tx *core.Tx, sc core.Scope, key string) (*core.Object, error) {
	o, err := tx.GetIn(ctx, sc, strings.ToLower(key))
	if err == nil || !core.IsNotFound(err) {
		return o, err
	}
	all, err := tx.List(ctx, sc, false, 0, 0)
	if err != nil {
		return nil, err
	}
	for _, o := range all {
		if core.Str(o.Data, "name") == key {
			return o, nil
		}
	}
	for _, o := range all {
		if strings.EqualFold(core.Str(o.Data, "name"), key) {
			return o, nil
		}
	}
	return nil, notFound("The column '%s' was not found.", key)
}

// columnScope resolves the addressed site (and list, for list routes) for
// a column route.
func columnScope(ctx context.Context, c *core.Call, tx *core.Tx) (*core.Object, *listState, core.Scope, error) {
	if c.Param("list") == "" {
		s, err := resolveSite(ctx, tx, tenantHost(c.Domain()), c.Param("site"))
		if err != nil {
			return nil, nil, core.Scope{}, err
		}
		return s, nil, core.Scope{Collection: collColumns, Owner: s.ID}, nil
	}
	st, err := loadList(ctx, c, tx)
	if err != nil {
		return nil, nil, core.Scope{}, err
	}
	return st.site, st, core.Scope{Collection: collColumns, Owner: st.list.ID}, nil
}

func getColumn(ctx context.Context, c *core.Call) error {
	var o *core.Object
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		_, _, sc, err := columnScope(ctx, c, tx)
		if err != nil {
			return err
		}
		o, err = columnObject(ctx, tx, sc, c.Param("column"))
		return err
	})
	if err != nil {
		return err
	}
	spec := columnSpec(o.Owner)
	return c.GetEntity(ctx, spec, o.ID)
}

func createColumn(ctx context.Context, c *core.Call) error {
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	var doc map[string]any
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		s, st, sc, err := columnScope(ctx, c, tx)
		if err != nil {
			return err
		}
		if st != nil && isHiddenList(st.list.Data) {
			return core.Errorf(http.StatusForbidden, "accessDenied", "System lists cannot be changed.")
		}
		if doc, err = columnDefinition(ctx, tx, s.ID, in); err != nil {
			return err
		}
		existing, err := tx.List(ctx, sc, false, 0, 0)
		if err != nil {
			return err
		}
		for _, o := range existing {
			if strings.EqualFold(core.Str(o.Data, "name"), core.Str(doc, "name")) {
				return errDuplicateColumn(core.Str(doc, "name"))
			}
		}
		now := c.Now()
		if st != nil {
			bump(st.list, now)
			if err := tx.Put(ctx, st.list); err != nil {
				return err
			}
		}
		return tx.Put(ctx, &core.Object{Collection: collColumns, Owner: sc.Owner, ID: core.Str(doc, "id"), Data: doc,
			Created: now, Sort: fmt.Sprintf("%s-%04d", core.SortKey(now), 0)})
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusCreated, "columnDefinition", doc)
}

// patchColumn changes a column's settings; its kind stays.
func patchColumn(ctx context.Context, c *core.Call) error {
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	var out map[string]any
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		s, st, sc, err := columnScope(ctx, c, tx)
		if err != nil {
			return err
		}
		o, err := columnObject(ctx, tx, sc, c.Param("column"))
		if err != nil {
			return err
		}
		if flag(o.Data, "_builtin") && flag(o.Data, "readOnly") {
			return core.Errorf(http.StatusForbidden, "accessDenied", "The built-in column '%s' cannot be changed.", core.Str(o.Data, "name"))
		}
		kind := core.Str(o.Data, "_kind")
		merged := core.CloneDoc(o.Data)
		for k, v := range in {
			switch k {
			case "displayName", "description", "columnGroup":
				s, ok := v.(string)
				if !ok {
					return invalid("%s must be a string.", k)
				}
				merged[k] = s
			case "required", "indexed", "hidden", "enforceUniqueValues":
				b, ok := v.(bool)
				if !ok {
					return invalid("%s must be true or false.", k)
				}
				merged[k] = b
			case "id", "@odata.type", "@odata.etag":
			case "name":
				if v != merged["name"] {
					return invalid("The internal name of a column cannot be changed; change displayName.")
				}
			default:
				if slices.Contains(facets, k) || slices.Contains(unsupportedFacets, k) {
					if k != kind {
						return invalid("The kind of column '%s' cannot be changed from %s to %s.", core.Str(o.Data, "name"), kind, k)
					}
					facet, ok := v.(map[string]any)
					if !ok {
						return invalid("The %s facet must be an object.", k)
					}
					old, _ := merged[k].(map[string]any)
					next := core.CloneDoc(old)
					for fk, fv := range facet {
						next[fk] = fv
					}
					norm, err := normalizeFacet(ctx, tx, s.ID, core.Str(o.Data, "name"), kind, next)
					if err != nil {
						return err
					}
					merged[k] = norm
					continue
				}
				return invalid("The column property '%s' cannot be changed.", k)
			}
		}
		if flag(merged, "enforceUniqueValues") {
			merged["indexed"] = true
		}
		if st != nil && flag(merged, "enforceUniqueValues") && !flag(o.Data, "enforceUniqueValues") {
			if err := checkUniqueExisting(ctx, tx, st, columnOf(merged)); err != nil {
				return err
			}
		}
		o.Data = merged
		out = merged
		if st != nil {
			bump(st.list, c.Now())
			if err := tx.Put(ctx, st.list); err != nil {
				return err
			}
		}
		return tx.Put(ctx, o)
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusOK, "columnDefinition", out)
}

// deleteColumn removes a column and, from a list, its values.
func deleteColumn(ctx context.Context, c *core.Call) error {
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		_, st, sc, err := columnScope(ctx, c, tx)
		if err != nil {
			return err
		}
		o, err := columnObject(ctx, tx, sc, c.Param("column"))
		if err != nil {
			return err
		}
		if flag(o.Data, "_builtin") {
			return core.Errorf(http.StatusForbidden, "accessDenied", "The built-in column '%s' cannot be deleted.", core.Str(o.Data, "name"))
		}
		if st != nil {
			col := columnOf(o.Data)
			items, err := tx.List(ctx, core.Scope{Collection: collItems, Owner: st.list.ID}, false, 0, 0)
			if err != nil {
				return err
			}
			for _, it := range items {
				fields, _ := it.Data["fields"].(map[string]any)
				if clearField(fields, col) {
					if err := tx.Put(ctx, it); err != nil {
						return err
					}
				}
			}
			bump(st.list, c.Now())
			if err := tx.Put(ctx, st.list); err != nil {
				return err
			}
		}
		return tx.Delete(ctx, o.Collection, o.Owner, o.ID)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

var (
	getSiteColumn    = getColumn
	getListColumn    = getColumn
	createSiteColumn = createColumn
	createListColumn = createColumn
	patchSiteColumn  = patchColumn
	patchListColumn  = patchColumn
	deleteSiteColumn = deleteColumn
	deleteListColumn = deleteColumn
)

// Content types.

// contentType is a content type document.
func contentType(id, name, description, group, parent string) map[string]any {
	return map[string]any{"id": id, "name": name, "description": description, "group": group, "hidden": false,
		"parentId": parent, "readOnly": false, "sealed": false, "isBuiltIn": true}
}

// siteContentTypes are the site content types every site has.
func siteContentTypes() []map[string]any {
	return []map[string]any{
		contentType("0x01", "Item", "Create a new list item.", "List Content Types", "0x"),
		contentType("0x0101", "Document", "Create a new document.", "Document Content Types", "0x01"),
		contentType("0x0102", "Event", "Create a new meeting, deadline or other event.", "List Content Types", "0x01"),
		contentType("0x0104", "Announcement", "Create a new news item, status or other short piece of information.", "List Content Types", "0x01"),
		contentType("0x0105", "Link", "Create a new link to a Web page or other resource.", "List Content Types", "0x01"),
		contentType("0x0106", "Contact", "Store information about a business or personal contact.", "List Content Types", "0x01"),
		contentType("0x0108", "Task", "Track a work item that you or your team needs to complete.", "List Content Types", "0x01"),
		contentType("0x0120", "Folder", "Create a new folder.", "Folder Content Types", "0x01"),
	}
}

// listContentTypes are a new list's content types: the template's item
// type and Folder, with ids derived from the list's.
func listContentTypes(listID, template string) []map[string]any {
	suffix := "00" + strings.ToUpper(strings.ReplaceAll(listID, "-", ""))
	item := contentType("0x0100"+suffix[2:], "Item", "Create a new list item.", "List Content Types", "0x01")
	switch template {
	case templateLibrary:
		item = contentType("0x0101"+suffix, "Document", "Create a new document.", "Document Content Types", "0x0101")
	case templateUserInfo:
		item = contentType("0x010A"+suffix, "Person", "", "_Hidden", "0x01")
	}
	item["isBuiltIn"] = false
	folder := contentType("0x0120"+suffix, "Folder", "Create a new folder.", "Folder Content Types", "0x0120")
	folder["isBuiltIn"] = false
	return []map[string]any{item, folder}
}

// typeSpec lists the content types of owner: a list, or a site.
func typeSpec(owner string) core.ListSpec {
	return core.ListSpec{Scope: core.Scope{Collection: collTypes, Owner: owner}, Type: "contentType",
		DefaultTop: 200, MaxTop: 5000, Present: func(_ *core.Call, doc map[string]any) map[string]any { return core.PublicDoc(doc) }}
}

func listSiteContentTypes(ctx context.Context, c *core.Call) error {
	s, err := site(ctx, c)
	if err != nil {
		return err
	}
	return c.List(ctx, typeSpec(s.ID))
}

func listListContentTypes(ctx context.Context, c *core.Call) error {
	st, err := readList(ctx, c)
	if err != nil {
		return err
	}
	return c.List(ctx, typeSpec(st.list.ID))
}

func getContentType(ctx context.Context, c *core.Call, owner string) error {
	spec := typeSpec(owner)
	var id string
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		o, err := tx.GetIn(ctx, spec.Scope, strings.ToUpper(c.Param("type")))
		if core.IsNotFound(err) {
			o, err = tx.GetIn(ctx, spec.Scope, c.Param("type"))
		}
		if core.IsNotFound(err) {
			return notFound("The content type '%s' was not found.", c.Param("type"))
		}
		if err == nil {
			id = o.ID
		}
		return err
	})
	if err != nil {
		return err
	}
	return c.GetEntity(ctx, spec, id)
}

func getSiteContentType(ctx context.Context, c *core.Call) error {
	s, err := site(ctx, c)
	if err != nil {
		return err
	}
	return getContentType(ctx, c, s.ID)
}

func getListContentType(ctx context.Context, c *core.Call) error {
	st, err := readList(ctx, c)
	if err != nil {
		return err
	}
	return getContentType(ctx, c, st.list.ID)
}
