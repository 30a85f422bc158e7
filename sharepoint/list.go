package sharepoint

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
)

// List is Graph's list: a SharePoint list or library, bound to the site it
// came from. DisplayName, Description and ListInfo.Hidden can be changed
// and saved.
type List struct {
	o365.Object
	ID                   string              `json:"id,omitzero" o365:"readonly"`
	Name                 string              `json:"name,omitzero" o365:"readonly"`
	DisplayName          string              `json:"displayName,omitzero"`
	Description          string              `json:"description,omitzero"`
	WebURL               string              `json:"webUrl,omitzero" o365:"readonly"`
	ETag                 string              `json:"eTag,omitzero" o365:"readonly"`
	CreatedDateTime      time.Time           `json:"createdDateTime,omitzero" o365:"readonly"`
	LastModifiedDateTime time.Time           `json:"lastModifiedDateTime,omitzero" o365:"readonly"`
	CreatedBy            *o365.IdentitySet   `json:"createdBy,omitzero" o365:"readonly"`
	LastModifiedBy       *o365.IdentitySet   `json:"lastModifiedBy,omitzero" o365:"readonly"`
	ParentReference      *o365.ItemReference `json:"parentReference,omitzero" o365:"readonly"`
	ListInfo             *ListInfo           `json:"list,omitzero"`
	// System is set on lists SharePoint manages itself.
	System        *SystemFacet        `json:"system,omitzero" o365:"readonly"`
	SharePointIDs *o365.SharePointIDs `json:"sharepointIds,omitzero" o365:"readonly"`
	// Columns holds the columns loaded with $expand=columns, and those a
	// new list is created with.
	Columns []*Column `json:"columns,omitzero" o365:"createonly"`
	// ContentTypes holds the content types loaded with $expand=contentTypes.
	ContentTypes []*ContentType `json:"contentTypes,omitzero" o365:"readonly"`

	err error  // why a handle cannot make requests
	ref string // the id or title a handle was made with
}

// UnmarshalJSONFrom decodes the list and keeps its JSON (see o365.Object).
func (l *List) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain List
	return o365.DecodeObject(d, (*plain)(l))
}

// MarshalJSON encodes the list as the service sent it, with the program's
// changes (see o365.Object).
func (l List) MarshalJSON() ([]byte, error) {
	type plain List
	return o365.MarshalObject((*plain)(&l))
}

func (l *List) ready() error {
	if l.err != nil {
		return l.err
	}
	if l.Account() == nil {
		return ErrUnbound
	}
	return nil
}

// sub is a path below the list.
func (l *List) sub(segments ...string) string { return l.Path() + "/" + o365.Path(segments...) }

// name is how errors name the list.
func (l *List) name() string {
	switch {
	case l.DisplayName != "":
		return l.DisplayName
	case l.ref != "":
		return l.ref
	}
	return l.Path()
}

// Refresh loads the list; q may $select and $expand (columns,
// contentTypes).
//
// Graph: GET /sites/{site-id}/lists/{list-id}
// (https://learn.microsoft.com/graph/api/list-get).
func (l *List) Refresh(ctx context.Context, q *o365.Query) error {
	if err := l.ready(); err != nil {
		return err
	}
	if err := o365.Refresh(ctx, l, q); err != nil {
		return fmt.Errorf("sharepoint: refresh list %q: %w", l.name(), err)
	}
	return nil
}

// Save sends the list's changed display name, description and hidden flag.
//
// Graph: PATCH /sites/{site-id}/lists/{list-id}
// (https://learn.microsoft.com/graph/api/list-update).
func (l *List) Save(ctx context.Context) error {
	if err := l.ready(); err != nil {
		return err
	}
	if err := o365.Save(ctx, l); err != nil {
		return fmt.Errorf("sharepoint: save list %q: %w", l.name(), err)
	}
	return nil
}

// Delete deletes the list with its items.
//
// Graph: DELETE /sites/{site-id}/lists/{list-id}
// (https://learn.microsoft.com/graph/api/list-delete).
func (l *List) Delete(ctx context.Context) error {
	if err := l.ready(); err != nil {
		return err
	}
	if err := o365.Delete(ctx, l); err != nil {
		return fmt.Errorf("sharepoint: delete list %q: %w", l.name(), err)
	}
	return nil
}

// ListColumns lists the list's columns, built-in ones included.
//
// Graph: GET /sites/{site-id}/lists/{list-id}/columns
// (https://learn.microsoft.com/graph/api/list-list-columns).
func (l *List) ListColumns(ctx context.Context, q *o365.Query) iter.Seq2[*Column, error] {
	if err := l.ready(); err != nil {
		return o365.Fail[Column](err)
	}
	return o365.List[Column](ctx, l.Account(), &o365.Request{Path: l.sub("columns"), Query: q})
}

// CreateColumn adds a column to the list (see NewTextColumn and the other
// column constructors).
//
// Graph: POST /sites/{site-id}/lists/{list-id}/columns
// (https://learn.microsoft.com/graph/api/list-post-columns).
func (l *List) CreateColumn(ctx context.Context, col *Column) (*Column, error) {
	if err := l.ready(); err != nil {
		return nil, err
	}
	return createColumn(ctx, l.Account(), l.sub("columns"), col)
}

// ListContentTypes lists the list's content types.
//
// Graph: GET /sites/{site-id}/lists/{list-id}/contentTypes
// (https://learn.microsoft.com/graph/api/list-list-contenttypes).
func (l *List) ListContentTypes(ctx context.Context, q *o365.Query) iter.Seq2[*ContentType, error] {
	if err := l.ready(); err != nil {
		return o365.Fail[ContentType](err)
	}
	return o365.List[ContentType](ctx, l.Account(), &o365.Request{Path: l.sub("contentTypes"), Query: q})
}

// Field is the path of a field in a query on list items, for $filter and
// $orderby: o365.Eq(sharepoint.Field("Color"), "Red").
func Field(name string) string { return "fields/" + name }

// ItemOptions tune the loading of list items; nil means every field of
// each item, and queries on indexed columns only.
type ItemOptions struct {
	// Fields selects the fields loaded (internal names); nil loads them all.
	Fields []string
	// NoFields loads the items' own properties only, without their fields.
	NoFields bool
	// AllowNonIndexed lets the query filter or order on fields whose column
	// is not indexed, sending Prefer: HonorNonIndexedQueriesWarningMayFailRandomly.
	// Graph refuses such queries without it, and may fail them on lists
	// above its 5,000-item threshold.
	AllowNonIndexed bool
}

// itemRequest is the request of items at path with q and opts.
func itemRequest(path, collection string, q *o365.Query, opts *ItemOptions) *o365.Request {
	var o ItemOptions
	if opts != nil {
		o = *opts
	}
	if !o.NoFields {
		expand := "fields"
		if len(o.Fields) > 0 {
			expand += "($select=" + strings.Join(o.Fields, ",") + ")"
		}
		q = q.Clone().Expand(expand)
	}
	req := &o365.Request{Path: path, Query: q, Collection: collection}
	if o.AllowNonIndexed {
		req.Prefer(PreferNonIndexed)
	}
	return req
}

// ListItems lists the list's items with their fields (see ItemOptions),
// page by page; q may filter and order on fields (Field) and on the items'
// own properties, and limit them.
//
// Graph: GET /sites/{site-id}/lists/{list-id}/items?$expand=fields
// (https://learn.microsoft.com/graph/api/listitem-list).
func (l *List) ListItems(ctx context.Context, q *o365.Query, opts *ItemOptions) iter.Seq2[*ListItem, error] {
	if err := l.ready(); err != nil {
		return o365.Fail[ListItem](err)
	}
	return o365.List[ListItem](ctx, l.Account(), itemRequest(l.sub("items"), "", q, opts))
}

// Item returns the item with this id without a request; only its ID is set
// until Refresh.
func (l *List) Item(id string) *ListItem {
	it := &ListItem{ID: id}
	if err := l.ready(); err != nil {
		it.err = err
		return it
	}
	_ = o365.Bind(it, l.Account(), l.sub("items", id))
	return it
}

// GetItem loads an item with its fields (see ItemOptions).
//
// Graph: GET /sites/{site-id}/lists/{list-id}/items/{item-id}?$expand=fields
// (https://learn.microsoft.com/graph/api/listitem-get).
func (l *List) GetItem(ctx context.Context, id string, opts *ItemOptions) (*ListItem, error) {
	if err := l.ready(); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, errors.New("sharepoint: get item: empty id")
	}
	it, err := o365.Get[ListItem](ctx, l.Account(), itemRequest(l.sub("items", id), l.sub("items"), nil, opts))
	if err != nil {
		return nil, fmt.Errorf("sharepoint: get item %q of list %q: %w", id, l.name(), err)
	}
	return it, nil
}

// CreateItemOptions tune CreateItem; nil means the defaults.
type CreateItemOptions struct {
	// Key names a column whose values are unique (enforceUniqueValues) and
	// that fields sets: a create whose answer is lost is then looked for by
	// that value instead of being repeated, so the item is created exactly
	// once. Without it a create is repeated only when the answer proves it
	// was not done.
	Key string
}

// CreateItem creates an item with these field values (internal column
// names; set people and lookups with Fields.SetLookup). The service checks
// them against the columns: an unknown field, a value of the wrong type or
// a missing required one is a 400 *o365.Error.
//
// Graph: POST /sites/{site-id}/lists/{list-id}/items
// (https://learn.microsoft.com/graph/api/listitem-create).
func (l *List) CreateItem(ctx context.Context, fields Fields, opts *CreateItemOptions) (*ListItem, error) {
	if err := l.ready(); err != nil {
		return nil, err
	}
	var key string
	if opts != nil {
		key = opts.Key
	}
	req := &o365.Request{Method: http.MethodPost, Path: l.sub("items"), Body: newItemBody(fields), Collection: l.sub("items")}
	var it *ListItem
	try := func() error {
		var err error
		it, err = o365.Get[ListItem](ctx, l.Account(), req)
		return err
	}
	var done func() (bool, error)
	if key != "" {
		value, ok := fields[key]
		if !ok || value == nil {
			return nil, fmt.Errorf("sharepoint: create item: the key field %q has no value", key)
		}
		done = func() (bool, error) {
			q := o365.NewQuery().Filter(o365.Eq(Field(key), value)).Top(1)
			for found, err := range l.ListItems(ctx, q, &ItemOptions{AllowNonIndexed: true}) {
				if err != nil {
					return false, err
				}
				it = found
				return true, nil
			}
			return false, nil
		}
	}
	var err error
	if done != nil {
		err = o365.Once(ctx, try, done)
	} else {
		err = try()
	}
	if err != nil {
		return nil, fmt.Errorf("sharepoint: create item in list %q: %w", l.name(), err)
	}
	return it, nil
}

// newItemBody is the body that creates an item.
func newItemBody(fields Fields) map[string]any {
	if fields == nil {
		fields = Fields{}
	}
	return map[string]any{"fields": fields}
}

// CreateItems creates many items at once, 20 to a JSON batch. It returns
// the items in the order of fields, nil where one failed, and an error
// naming each failure (an *o365.Error per item, reachable with errors.As).
//
// Graph: POST /$batch of POST /sites/{site-id}/lists/{list-id}/items
// (https://learn.microsoft.com/graph/api/listitem-create).
func (l *List) CreateItems(ctx context.Context, fields []Fields) ([]*ListItem, error) {
	if err := l.ready(); err != nil {
		return nil, err
	}
	items := make([]*ListItem, len(fields))
	batch := make([]*o365.BatchItem, len(fields))
	for i, f := range fields {
		items[i] = &ListItem{}
		batch[i] = &o365.BatchItem{Request: &o365.Request{Method: http.MethodPost, Path: l.sub("items"), Body: newItemBody(f)}, Out: items[i]}
	}
	results, err := l.Account().Batch(ctx, batch, nil)
	if err != nil {
		return nil, fmt.Errorf("sharepoint: create items in list %q: %w", l.name(), err)
	}
	var errs []error
	for i, r := range results {
		if r.Err != nil {
			items[i] = nil
			errs = append(errs, fmt.Errorf("item %d: %w", i, r.Err))
			continue
		}
		_ = o365.Bind(items[i], l.Account(), l.sub("items", items[i].ID))
	}
	if len(errs) > 0 {
		return items, fmt.Errorf("sharepoint: create items in list %q: %d of %d failed: %w", l.name(), len(errs), len(fields), errors.Join(errs...))
	}
	return items, nil
}

// DeleteItems deletes the items with these ids, 20 to a JSON batch. An
// item already gone is not an error; the error names each other failure.
//
// Graph: POST /$batch of DELETE /sites/{site-id}/lists/{list-id}/items/{item-id}
// (https://learn.microsoft.com/graph/api/listitem-delete).
func (l *List) DeleteItems(ctx context.Context, ids ...string) error {
	if err := l.ready(); err != nil {
		return err
	}
	batch := make([]*o365.BatchItem, len(ids))
	for i, id := range ids {
		batch[i] = &o365.BatchItem{Request: &o365.Request{Method: http.MethodDelete, Path: l.sub("items", id)}}
	}
	results, err := l.Account().Batch(ctx, batch, nil)
	if err != nil {
		return fmt.Errorf("sharepoint: delete items of list %q: %w", l.name(), err)
	}
	var errs []error
	for i, r := range results {
		if r.Err != nil && !errors.Is(r.Err, o365.ErrNotFound) {
			errs = append(errs, fmt.Errorf("item %q: %w", ids[i], r.Err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("sharepoint: delete items of list %q: %w", l.name(), errors.Join(errs...))
	}
	return nil
}
