package sharepoint

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/odata"
)

func errItemNotFound() *core.Error { return notFound("Item not found") }

// itemSort keeps items in id order.
func itemSort(n int) string { return fmt.Sprintf("%010d", n) }

// itemContentType is the id of a list's item content type.
func itemContentType(list *core.Object) string {
	info, _ := list.Data["list"].(map[string]any)
	return core.Str(listContentTypes(list.ID, core.Str(info, "template"))[0], "id")
}

// newItemDoc is the stored document of a new list item: Graph's listItem
// with its fields, SharePoint's own fields included.
func newItemDoc(s, list *core.Object, id, uid string, fields map[string]any, ctName string, who caller, at time.Time) map[string]any {
	tag := etag(uid, 1)
	for k, v := range map[string]any{
		"@odata.etag": tag, "id": id, "ContentType": ctName, "Modified": iso(at), "Created": iso(at),
		"AuthorLookupId": who.lookupID, "EditorLookupId": who.lookupID, "_UIVersionString": "1.0",
		"Attachments": false, "Edit": "", "ItemChildCount": "0", "FolderChildCount": "0",
		"_ComplianceFlags": "", "_ComplianceTag": "", "_ComplianceTagWrittenTime": "", "_ComplianceTagUserId": "",
	} {
		fields[k] = v
	}
	if t, ok := fields["Title"]; ok {
		fields["LinkTitle"], fields["LinkTitleNoMenu"] = t, t
	}
	return map[string]any{
		"@odata.etag": tag, "eTag": tag, "id": id,
		"createdDateTime": iso(at), "lastModifiedDateTime": iso(at), "createdBy": who.identity, "lastModifiedBy": who.identity,
		"webUrl":          core.Str(list.Data, "webUrl") + "/" + id + "_.000",
		"parentReference": map[string]any{"id": list.ID, "siteId": s.ID},
		"contentType":     map[string]any{"id": itemContentType(list), "name": ctName},
		"fields":          fields,
		"_uid":            uid, "_version": float64(1),
	}
}

// touchItem records a change of an item's fields by who.
func touchItem(o *core.Object, who caller, at time.Time) {
	bump(o, at)
	v := version(o.Data)
	o.Data["lastModifiedBy"] = who.identity
	f := o.Data["fields"].(map[string]any)
	f["@odata.etag"] = o.Data["eTag"]
	f["Modified"] = iso(at)
	f["EditorLookupId"] = who.lookupID
	f["_UIVersionString"] = strconv.Itoa(v) + ".0"
}

// itemSpec lists a list's items; withFields keeps their fields, for
// $expand=fields.
func itemSpec(listID string, withFields bool) core.ListSpec {
	return core.ListSpec{
		Scope: core.Scope{Collection: collItems, Owner: listID}, Type: "listItem", DefaultTop: 200, MaxTop: 5000,
		Present: func(_ *core.Call, doc map[string]any) map[string]any {
			out := core.PublicDoc(doc)
			if !withFields {
				delete(out, "fields")
			}
			return out
		},
		Expand: map[string]core.Expander{
			"fields": func(_ context.Context, _ *core.Call, doc map[string]any, item odata.ExpandItem) (any, error) {
				f, _ := doc["fields"].(map[string]any)
				if item.Options != nil {
					f = odata.Project(f, item.Options.Select)
				}
				return f, nil
			},
		},
	}
}

// expandsFields reports whether a request expands the items' fields.
func expandsFields(opts *odata.Options) bool {
	for _, e := range opts.Expand {
		if strings.EqualFold(e.Path, "fields") {
			return true
		}
	}
	return false
}

// checkItemQuery applies Graph's rules to $filter and $orderby on fields:
// the column must exist, and be indexed unless the request prefers
// HonorNonIndexedQueriesWarningMayFailRandomly.
func checkItemQuery(c *core.Call, st *listState, opts *odata.Options) error {
	var names []string
	var walk func(e odata.Expr)
	walk = func(e odata.Expr) {
		switch e := e.(type) {
		case *odata.PathExpr:
			if e.Var == "" && len(e.Segments) >= 2 && strings.EqualFold(e.Segments[0], "fields") {
				names = append(names, e.Segments[1])
			}
		case *odata.BinaryExpr:
			walk(e.Left)
			walk(e.Right)
		case *odata.NotExpr:
			walk(e.Operand)
		case *odata.InExpr:
			walk(e.Operand)
		case *odata.CallExpr:
			for _, a := range e.Args {
				walk(a)
			}
		case *odata.LambdaExpr:
			walk(e.Collection)
			if e.Predicate != nil {
				walk(e.Predicate)
			}
		}
	}
	if opts.Filter != nil {
		walk(opts.Filter)
	}
	for _, o := range opts.OrderBy {
		if first, rest, ok := strings.Cut(o.Path, "/"); ok && strings.EqualFold(first, "fields") {
			name, _, _ := strings.Cut(rest, "/")
			names = append(names, name)
		}
	}
	_, honor := c.Preference(preferNonIndexed)
	for _, name := range names {
		col, _ := fieldColumn(st.cols, name)
		if col == nil && strings.EqualFold(name, "id") {
			col = findColumn(st.cols, "ID")
		}
		if col == nil {
			return invalid("Column '%s' does not exist. It may have been deleted by another user.", name)
		}
		if !col.indexed && !honor {
			return invalid("Field '%s' cannot be referenced in filter or orderby as it is not indexed. Provide the 'Prefer: %s' header to allow this, but be warned that such queries may fail on large lists.", name, preferNonIndexed)
		}
	}
	return nil
}

// readItems prepares a read of a list's items: a library's items brought
// in line with its files, the list, and the request's query options.
func readItems(ctx context.Context, c *core.Call) (*listState, *odata.Options, error) {
	if err := syncLibrary(ctx, c, c.Param("site"), c.Param("list")); err != nil {
		return nil, nil, err
	}
	st, err := readList(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	opts, err := c.QueryOptions()
	return st, opts, err
}

func listItems(ctx context.Context, c *core.Call) error {
	st, opts, err := readItems(ctx, c)
	if err != nil {
		return err
	}
	if err := checkItemQuery(c, st, opts); err != nil {
		return err
	}
	return c.List(ctx, itemSpec(st.list.ID, expandsFields(opts)))
}

func getItem(ctx context.Context, c *core.Call) error {
	st, opts, err := readItems(ctx, c)
	if err != nil {
		return err
	}
	err = c.GetEntity(ctx, itemSpec(st.list.ID, expandsFields(opts)), c.Param("item"))
	if core.IsNotFound(err) {
		return errItemNotFound()
	}
	return err
}

// getFields answers GET .../items/{item}/fields: the item's fieldValueSet.
func getFields(ctx context.Context, c *core.Call) error {
	if err := syncLibrary(ctx, c, c.Param("site"), c.Param("list")); err != nil {
		return err
	}
	var fields map[string]any
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		st, err := loadList(ctx, c, tx)
		if err != nil {
			return err
		}
		it, err := tx.Get(ctx, collItems, st.list.ID, c.Param("item"))
		if core.IsNotFound(err) {
			return errItemNotFound()
		}
		if err != nil {
			return err
		}
		fields, _ = it.Data["fields"].(map[string]any)
		return nil
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusOK, "fieldValueSet", fields)
}

// refuseSystemList answers writes to the items of system lists.
func refuseSystemList(st *listState) error {
	if isHiddenList(st.list.Data) {
		return core.Errorf(http.StatusForbidden, "accessDenied", "The items of the system list '%s' cannot be changed through this API.", core.Str(st.list.Data, "displayName"))
	}
	return nil
}

// createItem answers POST .../items with {"fields": {...}}.
func createItem(ctx context.Context, c *core.Call) error {
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	input, ok := in["fields"].(map[string]any)
	if in["fields"] != nil && !ok {
		return invalid("fields must be an object of column values.")
	}
	var doc map[string]any
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		st, err := loadList(ctx, c, tx)
		if err != nil {
			return err
		}
		if err := refuseSystemList(st); err != nil {
			return err
		}
		if err := refuseLibrary(st); err != nil {
			return err
		}
		fields := map[string]any{}
		if err := applyFields(ctx, tx, st, fields, input); err != nil {
			return err
		}
		if err := checkUnique(ctx, tx, st, fields, ""); err != nil {
			return err
		}
		who, err := whoCalls(ctx, c, tx, st.site)
		if err != nil {
			return err
		}
		n := int(number(st.list.Data, "_nextItem", 1))
		st.list.Data["_nextItem"] = float64(n + 1)
		now := c.Now()
		st.list.Data["lastModifiedDateTime"] = iso(now)
		if err := tx.Put(ctx, st.list); err != nil {
			return err
		}
		id := strconv.Itoa(n)
		doc = newItemDoc(st.site, st.list, id, uuid.NewString(), fields, "Item", who, now)
		return tx.Put(ctx, &core.Object{Collection: collItems, Owner: st.list.ID, ID: id, Data: doc, Created: now, Sort: itemSort(n)})
	})
	if err != nil {
		return err
	}
	return itemWithFields(c, http.StatusCreated, doc)
}

// checkIfMatch answers 412 when the request's If-Match names another
// version of o.
func checkIfMatch(c *core.Call, o *core.Object) error {
	want := strings.TrimSpace(c.R.Header.Get("If-Match"))
	if want == "" || want == "*" {
		return nil
	}
	have := core.Str(o.Data, "eTag")
	norm := func(s string) string { return strings.Trim(strings.TrimPrefix(strings.TrimSpace(s), "W/"), `"`) }
	// SharePoint's eTags hold a comma: the header is one tag, not a list.
	if norm(want) == norm(have) {
		return nil
	}
	return core.Errorf(http.StatusPreconditionFailed, "resourceModified",
		"The request ETag value '%s' does not match the object's ETag value '%s'.", want, have)
}

// updateItem applies field values to an item, checked as on creation.
func updateItem(ctx context.Context, c *core.Call, input map[string]any) (*core.Object, error) {
	if err := syncLibrary(ctx, c, c.Param("site"), c.Param("list")); err != nil {
		return nil, err
	}
	var it *core.Object
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		st, err := loadList(ctx, c, tx)
		if err != nil {
			return err
		}
		if err := refuseSystemList(st); err != nil {
			return err
		}
		if it, err = tx.Get(ctx, collItems, st.list.ID, c.Param("item")); core.IsNotFound(err) {
			return errItemNotFound()
		} else if err != nil {
			return err
		}
		if err := checkIfMatch(c, it); err != nil {
			return err
		}
		fields := it.Data["fields"].(map[string]any)
		if err := applyFields(ctx, tx, st, fields, input); err != nil {
			return err
		}
		if err := checkUnique(ctx, tx, st, fields, it.ID); err != nil {
			return err
		}
		who, err := whoCalls(ctx, c, tx, st.site)
		if err != nil {
			return err
		}
		touchItem(it, who, c.Now())
		return tx.Put(ctx, it)
	})
	return it, err
}

// patchFields answers PATCH .../items/{item}/fields: 200 with the fields.
func patchFields(ctx context.Context, c *core.Call) error {
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	it, err := updateItem(ctx, c, in)
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusOK, "fieldValueSet", it.Data["fields"].(map[string]any))
}

// patchItem answers PATCH .../items/{item}: its fields change.
func patchItem(ctx context.Context, c *core.Call) error {
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	var input map[string]any
	for k, v := range in {
		switch {
		case k == "fields":
			f, ok := v.(map[string]any)
			if !ok {
				return invalid("fields must be an object of column values.")
			}
			input = f
		case k == "id" || k == "eTag" || strings.HasPrefix(k, "@"):
		default:
			return invalid("The listItem property '%s' cannot be changed; change the item's fields.", k)
		}
	}
	it, err := updateItem(ctx, c, input)
	if err != nil {
		return err
	}
	return itemWithFields(c, http.StatusOK, it.Data)
}

func deleteItem(ctx context.Context, c *core.Call) error {
	if err := syncLibrary(ctx, c, c.Param("site"), c.Param("list")); err != nil {
		return err
	}
	var drive, file string
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		st, err := loadList(ctx, c, tx)
		if err != nil {
			return err
		}
		if err := refuseSystemList(st); err != nil {
			return err
		}
		it, err := tx.Get(ctx, collItems, st.list.ID, c.Param("item"))
		if core.IsNotFound(err) {
			return errItemNotFound()
		}
		if err != nil {
			return err
		}
		if err := checkIfMatch(c, it); err != nil {
			return err
		}
		if drive = libraryDrive(st.list); drive != "" {
			file = core.Str(it.Data, "_driveItem")
			return nil // the drive deletes the file; the item goes at the next sync
		}
		return tx.Delete(ctx, collItems, st.list.ID, it.ID)
	})
	if err != nil {
		return err
	}
	if drive != "" {
		return c.Forward(ctx, "drives", drive, "items", file)
	}
	return c.NoContent()
}

// itemWithFields answers an item with its fields, as creates and updates
// of items do.
func itemWithFields(c *core.Call, status int, doc map[string]any) error {
	out, err := c.Shape("listItem", doc)
	if err != nil {
		return err
	}
	fields, err := c.Shape("fieldValueSet", doc["fields"].(map[string]any))
	if err != nil {
		return err
	}
	out["fields"] = fields
	return c.Entity(status, out)
}
