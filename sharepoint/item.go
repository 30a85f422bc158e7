package sharepoint

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
)

// ListItem is Graph's listItem: an item of a list, with its Fields when
// they were loaded. Change them with UpdateFields.
type ListItem struct {
	o365.Object
	ID          string `json:"id,omitzero" o365:"readonly"`
	Name        string `json:"name,omitzero" o365:"readonly"`
	Description string `json:"description,omitzero" o365:"readonly"`
	WebURL      string `json:"webUrl,omitzero" o365:"readonly"`
	// ETag changes with every change of the item; UpdateOptions.IfUnchanged
	// sends it.
	ETag                 string              `json:"eTag,omitzero" o365:"readonly"`
	CreatedDateTime      time.Time           `json:"createdDateTime,omitzero" o365:"readonly"`
	LastModifiedDateTime time.Time           `json:"lastModifiedDateTime,omitzero" o365:"readonly"`
	CreatedBy            *o365.IdentitySet   `json:"createdBy,omitzero" o365:"readonly"`
	LastModifiedBy       *o365.IdentitySet   `json:"lastModifiedBy,omitzero" o365:"readonly"`
	ParentReference      *o365.ItemReference `json:"parentReference,omitzero" o365:"readonly"`
	ContentType          *ContentTypeInfo    `json:"contentType,omitzero" o365:"readonly"`
	SharePointIDs        *o365.SharePointIDs `json:"sharepointIds,omitzero" o365:"readonly"`
	Deleted              *Deleted            `json:"deleted,omitzero" o365:"readonly"`
	// Fields are the item's column values, loaded with the item (see
	// ItemOptions).
	Fields Fields `json:"fields,omitzero" o365:"readonly"`

	err error // why a handle cannot make requests
}

// UnmarshalJSONFrom decodes the item and keeps its JSON (see o365.Object).
func (it *ListItem) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain ListItem
	return o365.DecodeObject(d, (*plain)(it))
}

// MarshalJSON encodes the item as the service sent it (see o365.Object).
func (it ListItem) MarshalJSON() ([]byte, error) {
	type plain ListItem
	return o365.MarshalObject((*plain)(&it))
}

func (it *ListItem) ready() error {
	if it.err != nil {
		return it.err
	}
	if it.Account() == nil {
		return ErrUnbound
	}
	return nil
}

// Refresh loads the item again with its fields (see ItemOptions).
//
// Graph: GET /sites/{site-id}/lists/{list-id}/items/{item-id}?$expand=fields
// (https://learn.microsoft.com/graph/api/listitem-get).
func (it *ListItem) Refresh(ctx context.Context, opts *ItemOptions) error {
	if err := it.ready(); err != nil {
		return err
	}
	req := itemRequest(it.Path(), "", nil, opts)
	fresh, err := o365.Get[ListItem](ctx, it.Account(), req)
	if err != nil {
		return fmt.Errorf("sharepoint: refresh item %q: %w", it.ID, err)
	}
	*it = *fresh
	return nil
}

// UpdateOptions tune UpdateFields and DeleteIfUnchanged; nil means the
// defaults.
type UpdateOptions struct {
	// IfUnchanged sends the item's ETag as If-Match: the update fails with
	// o365.ErrPreconditionFailed when someone changed the item since it was
	// loaded.
	IfUnchanged bool
}

// UpdateFields changes field values of the item (nil removes a value);
// the other fields are left alone. The item's Fields and ETag take the
// service's answer.
//
// Graph: PATCH /sites/{site-id}/lists/{list-id}/items/{item-id}/fields
// (https://learn.microsoft.com/graph/api/listitem-update).
func (it *ListItem) UpdateFields(ctx context.Context, fields Fields, opts *UpdateOptions) error {
	if err := it.ready(); err != nil {
		return err
	}
	req := &o365.Request{Method: http.MethodPatch, Path: it.Path() + "/fields", Body: fields, Idempotent: true}
	if opts != nil && opts.IfUnchanged {
		if it.ETag == "" {
			return fmt.Errorf("sharepoint: update item %q: IfUnchanged needs the item's eTag: load the item first", it.ID)
		}
		req.SetHeader("If-Match", it.ETag)
	}
	var out Fields
	if _, err := it.Account().Do(ctx, req, &out); err != nil {
		return fmt.Errorf("sharepoint: update item %q: %w", it.ID, err)
	}
	it.Fields = out
	if tag, ok := out["@odata.etag"].(string); ok {
		it.ETag = tag
	}
	return nil
}

// Delete deletes the item.
//
// Graph: DELETE /sites/{site-id}/lists/{list-id}/items/{item-id}
// (https://learn.microsoft.com/graph/api/listitem-delete).
func (it *ListItem) Delete(ctx context.Context) error {
	if err := it.ready(); err != nil {
		return err
	}
	if err := o365.Delete(ctx, it); err != nil {
		return fmt.Errorf("sharepoint: delete item %q: %w", it.ID, err)
	}
	return nil
}

// DeleteIfUnchanged deletes the item only if nobody changed it since it
// was loaded (If-Match with its ETag); otherwise the error is
// o365.ErrPreconditionFailed.
//
// Graph: DELETE /sites/{site-id}/lists/{list-id}/items/{item-id}
// (https://learn.microsoft.com/graph/api/listitem-delete).
func (it *ListItem) DeleteIfUnchanged(ctx context.Context) error {
	if err := it.ready(); err != nil {
		return err
	}
	if it.ETag == "" {
		return fmt.Errorf("sharepoint: delete item %q: no eTag to match: load the item first", it.ID)
	}
	req := &o365.Request{Method: http.MethodDelete, Path: it.Path()}
	req.SetHeader("If-Match", it.ETag)
	if _, err := it.Account().Do(ctx, req, nil); err != nil {
		return fmt.Errorf("sharepoint: delete item %q: %w", it.ID, err)
	}
	return nil
}

// Fields are the column values of a list item (Graph's fieldValueSet),
// keyed by the columns' internal names: strings, float64 numbers, bools,
// dates as RFC 3339 text, people and lookups as "{Name}LookupId". Read
// them with the typed accessors; write them as a map literal and with the
// setters for the kinds that need Graph's annotations.
type Fields map[string]any

// Text is the value of a text or choice field ("" when it is absent or
// not text).
func (f Fields) Text(name string) string {
	s, _ := f[name].(string)
	return s
}

// Number is the value of a number or currency field.
func (f Fields) Number(name string) (float64, bool) {
	switch v := f[name].(type) {
	case float64:
		return v, true
	case string:
		n, err := strconv.ParseFloat(v, 64)
		return n, err == nil
	}
	return 0, false
}

// Bool is the value of a yes/no field.
func (f Fields) Bool(name string) (bool, bool) {
	b, ok := f[name].(bool)
	return b, ok
}

// Time is the value of a date and time field.
func (f Fields) Time(name string) (time.Time, bool) {
	s, ok := f[name].(string)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}

// Strings is the value of a multi-choice field (or a text field, as one
// value).
func (f Fields) Strings(name string) []string {
	switch v := f[name].(type) {
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case string:
		return []string{v}
	}
	return nil
}

// LookupID is the lookup id held by a person or lookup column
// ("{name}LookupId"), such as the id of a person in the site's User
// Information List.
func (f Fields) LookupID(name string) (int, bool) {
	switch v := f[name+"LookupId"].(type) {
	case string:
		n, err := strconv.Atoi(v)
		return n, err == nil
	case float64:
		return int(v), v == float64(int(v))
	}
	return 0, false
}

// LookupIDs are the lookup ids held by a multi-valued person or lookup
// column.
func (f Fields) LookupIDs(name string) []int {
	list, _ := f[name].([]any)
	var out []int
	for _, x := range list {
		if m, ok := x.(map[string]any); ok {
			if id, ok := m["LookupId"].(float64); ok {
				out = append(out, int(id))
			}
		}
	}
	if out == nil {
		if id, ok := f.LookupID(name); ok {
			out = []int{id}
		}
	}
	return out
}

// SetTime sets a date and time field.
func (f Fields) SetTime(name string, t time.Time) Fields {
	f[name] = t.UTC().Format(time.RFC3339)
	return f
}

// SetChoices sets a multi-choice field, with the type annotation Graph
// needs.
func (f Fields) SetChoices(name string, choices ...string) Fields {
	f[name+"@odata.type"] = "Collection(Edm.String)"
	f[name] = choices
	return f
}

// SetLookup sets a person or lookup column to one id ("{name}LookupId"):
// a person's id in the site's User Information List, or an item id of the
// looked-up list.
func (f Fields) SetLookup(name string, id int) Fields {
	f[name+"LookupId"] = id
	return f
}

// SetLookups sets a multi-valued person or lookup column, with the type
// annotation Graph needs.
func (f Fields) SetLookups(name string, ids ...int) Fields {
	f[name+"LookupId@odata.type"] = "Collection(Edm.Int32)"
	f[name+"LookupId"] = ids
	return f
}

// DriveItemRef names the file (or folder) behind an item of a document
// library: open it with the drive package,
// drive.New(acct).Drive(ref.DriveID).Item(ref.ID), or use it as an
// excel.Item after binding.
type DriveItemRef struct {
	DriveID string
	ID      string
	Name    string
}

// GetDriveItem finds the file behind an item of a document library; items
// of other lists have none (a 400 *o365.Error).
//
// Graph: GET /sites/{site-id}/lists/{list-id}/items/{item-id}/driveItem
// (https://learn.microsoft.com/graph/api/listitem-get).
func (it *ListItem) GetDriveItem(ctx context.Context) (*DriveItemRef, error) {
	if err := it.ready(); err != nil {
		return nil, err
	}
	var out struct {
		ID              string              `json:"id"`
		Name            string              `json:"name"`
		ParentReference *o365.ItemReference `json:"parentReference"`
	}
	req := &o365.Request{Path: it.Path() + "/driveItem", Query: o365.NewQuery().Select("id", "name", "parentReference")}
	if _, err := it.Account().Do(ctx, req, &out); err != nil {
		return nil, fmt.Errorf("sharepoint: get the file of item %q: %w", it.ID, err)
	}
	ref := &DriveItemRef{ID: out.ID, Name: out.Name}
	if out.ParentReference != nil {
		ref.DriveID = out.ParentReference.DriveID
	}
	return ref, nil
}
