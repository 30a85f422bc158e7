package o365

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365/internal/modelinfo"
)

// Object is the state every model embeds: the account and path the object is
// bound to, and the JSON the service sent for it. It makes a model lossless
// and able to save itself:
//
//   - Encoding a model (MarshalJSON) writes the JSON as received, with only
//     the properties the program changed replaced: false, 0, "", nulls and
//     properties the model does not declare all survive, so a newer Graph
//     property or a $select-ed one reaches a program's JSON output.
//   - Save sends only what changed: a new object is POSTed with the
//     properties set; a loaded one is PATCHed with the properties whose value
//     differs from the JSON it was loaded from. The comparison is made when
//     Save or Changes runs, so listing pays nothing for it. Properties tagged
//     `o365:"readonly"` are never sent; `o365:"createonly"` ones only when
//     the object is created.
//
// A model is a struct that embeds Object, tags every property with its JSON
// name (`json:"subject,omitzero"`), and has these two methods (the local
// plain type has the fields but not the methods, so encoding it does not
// recurse):
//
//	func (m *Widget) UnmarshalJSONFrom(d *jsontext.Decoder) error {
//		type plain Widget
//		return o365.DecodeObject(d, (*plain)(m))
//	}
//
//	func (m Widget) MarshalJSON() ([]byte, error) {
//		type plain Widget
//		return o365.MarshalObject((*plain)(&m))
//	}
//
// List, Get, Delta and Save bind the models they return; Bind and BindNew
// bind others. The zero Object is unbound: its model still encodes and
// decodes, but Save, Delete and Call fail with ErrUnbound.
type Object struct {
	// The tag tells encoding/json/v2 that a struct without JSON fields is
	// meant: it refuses untagged ones, and every model embeds this one.
	acct *Account `json:"-"`
	// path is where the object lives ("messages/AAMk..."), relative to the
	// account's resource or, with a leading "/", to the service root; for an
	// object not created yet, the collection Save creates it in.
	path   string
	exists bool
	// raw is the JSON the service sent, in camelCase; nil until loaded. It is
	// often a slice of the whole page it came in, which it keeps alive.
	raw jsontext.Value
}

// object gives the helpers of this file the Object of any model: every type
// embedding Object has the method.
func (o *Object) object() *Object { return o }

type model interface{ object() *Object }

// ErrUnbound is returned when an object that is not bound to an account (a
// literal &mail.Message{}) is asked to make a request. Get objects from a
// service package, or bind them with Bind or BindNew.
var ErrUnbound = errors.New("o365: the object is not bound to an account; get it from its service package (or bind it with o365.Bind)")

// ErrNotCreated is returned when an object that has not been created yet is
// asked to do what only an existing one can (Delete, Refresh, an action).
var ErrNotCreated = errors.New("o365: the object has not been created yet (no id); Save it first")

// Account returns the account the object sends its requests through, nil
// when it is unbound.
func (o *Object) Account() *Account { return o.acct }

// Path returns where the object lives, relative to its account's resource
// ("messages/AAMk...") or, with a leading "/", to the service root
// ("/users/{id}"); for an object not created yet, the collection Save creates
// it in; "" when unbound.
func (o *Object) Path() string { return o.path }

// Exists reports whether the object exists on the service: it was loaded,
// or bound with Bind, or saved; false for one built by the program and not
// created yet.
func (o *Object) Exists() bool { return o.exists }

// RawJSON returns the JSON the service sent for the object, in camelCase,
// or nil for an object built by the program. Do not modify it.
func (o *Object) RawJSON() jsontext.Value { return o.raw }

// RawProperty returns one property of the JSON the service sent, as
// received, and whether it was there: a property the model does not declare
// (a newer Graph property, an annotation such as "@odata.etag", an expanded
// navigation) can be read this way.
func (o *Object) RawProperty(name string) (jsontext.Value, bool) {
	if len(o.raw) == 0 {
		return nil, false
	}
	dec := jsontext.NewDecoder(bytes.NewReader(o.raw), decodeOptions)
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil, false
	}
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, false
		}
		if tok.String() == name {
			v, err := dec.ReadValue()
			if err != nil {
				return nil, false
			}
			return bytes.Clone(v), true
		}
		if err := dec.SkipValue(); err != nil {
			return nil, false
		}
	}
	return nil, false
}

// Request returns a request for method on the object's path joined with sub
// ("move", "attachments", "$value"; "" for the object itself). Send it with
// the object's Account, or use Call.
func (o *Object) Request(method, sub string, body any) *Request {
	p := o.path
	if sub != "" {
		p += "/" + sub
	}
	return &Request{Method: method, Path: p, Body: body}
}

// Bind binds v, a pointer to a model, to a at path: the object exists there
// ("messages/AAMk...", "mailboxSettings", "/users/{id}"), so Save PATCHes it,
// Delete deletes it and Call reaches its actions. Its fields are left as they
// are; Save sends every writable property set until it is loaded.
func Bind(v any, a *Account, path string) error {
	o, err := objectOf(v)
	if err != nil {
		return err
	}
	o.acct, o.path, o.exists = a, path, true
	return nil
}

// BindNew binds v, a pointer to a model the program builds, to a and to the
// collection Save creates it in ("messages", "/groups").
func BindNew(v any, a *Account, collection string) error {
	o, err := objectOf(v)
	if err != nil {
		return err
	}
	o.acct, o.path, o.exists = a, collection, false
	return nil
}

// bindIn binds a decoded model at collection/{id}, or at collection itself
// when the model has no id.
func bindIn(v any, a *Account, collection string) {
	m, ok := v.(model)
	if !ok {
		return
	}
	o := m.object()
	o.acct, o.exists = a, true
	o.path = collection
	if id := idOf(v); id != "" {
		o.path = joinPath(collection, id)
	}
}

// joinPath appends an escaped id to a collection path.
func joinPath(collection, id string) string {
	if collection == "" {
		return Path(id)
	}
	return collection + "/" + Path(id)
}

// objectOf returns the Object of v, which must be a non-nil pointer to a
// model.
func objectOf(v any) (*Object, error) {
	m, ok := v.(model)
	if !ok {
		return nil, fmt.Errorf("o365: %T is not a pointer to a model (a struct embedding o365.Object)", v)
	}
	if rv := reflect.ValueOf(v); rv.Kind() != reflect.Pointer || rv.IsNil() {
		return nil, fmt.Errorf("o365: %T is nil", v)
	}
	return m.object(), nil
}

// boundObject is objectOf for helpers that send requests.
func boundObject(v any) (*Object, error) {
	o, err := objectOf(v)
	if err != nil {
		return nil, err
	}
	if o.acct == nil {
		return nil, ErrUnbound
	}
	return o, nil
}

// DecodeObject decodes the JSON object at d into v, a pointer to a model's
// plain type (see Object), and keeps that JSON. A model being decoded again
// (a Refresh, the answer of a Save) first has its JSON properties cleared, so
// it holds exactly the new JSON; so does a bound one being created (the
// answer of its POST). Its binding is kept. A JSON null leaves v as it is.
//
// When the decoder reads a buffer the client owns (every answer of the
// engine), the object keeps a slice of it: the value is read once.
func DecodeObject(d *jsontext.Decoder, v any) error {
	o, err := objectOf(v)
	if err != nil {
		return err
	}
	if d.PeekKind() == 'n' {
		_, err := d.ReadToken()
		return err
	}
	if o.raw != nil || o.acct != nil {
		clearFields(v)
	}
	if !ownsInput(d) {
		raw, err := d.ReadValue()
		if err != nil {
			return err
		}
		// The decoder's buffer is not ours to keep: copy the value once and
		// decode the copy as owned input.
		own := bytes.Clone(raw)
		if err := json.Unmarshal(own, v, ownedDecodeOptions); err != nil {
			return err
		}
		o.raw = own
		return nil
	}
	before := d.UnreadBuffer()
	start := d.InputOffset()
	if err := json.UnmarshalDecode(d, v); err != nil {
		return err
	}
	n := int(d.InputOffset() - start)
	if n > len(before) {
		return errors.New("o365: decoding an object: the decoder read past its buffer")
	}
	raw := before[:n:n]
	// The span starts after the previous token: drop the separators before
	// the value.
	for len(raw) > 0 && (isSpace(raw[0]) || raw[0] == ',' || raw[0] == ':') {
		raw = raw[1:]
	}
	o.raw = raw
	return nil
}

// MarshalObject encodes v, a pointer to a model's plain type (see Object):
// the JSON the service sent with the properties the program changed
// replaced (new ones are appended), or, for an object built by the program,
// every property it set.
func MarshalObject(v any) ([]byte, error) {
	o, err := objectOf(v)
	if err != nil {
		return nil, err
	}
	info := modelinfo.Of(reflect.TypeOf(v).Elem())
	rv := reflect.ValueOf(v).Elem()
	if o.raw == nil {
		return encodeMembers(rv, info)
	}
	old, err := loaded(o, rv.Type())
	if err != nil {
		return nil, err
	}
	changed := map[string]jsontext.Value{}
	for i := range info.Fields {
		f := &info.Fields[i]
		cur, prev := rv.FieldByIndex(f.Index), old.FieldByIndex(f.Index)
		if same, err := equalValues(cur, prev); err != nil {
			return nil, err
		} else if !same {
			if changed[f.Name], err = encodeValue(cur); err != nil {
				return nil, fmt.Errorf("o365: encoding %s: %w", f.Name, err)
			}
		}
	}
	if len(changed) == 0 {
		return bytes.Clone(o.raw), nil
	}
	return mergeMembers(o.raw, changed, info)
}

// Changes returns the properties Save would send for v, a pointer to a
// model, keyed by JSON name: for a loaded object, the writable properties
// whose value differs from the JSON it was loaded from (a property set to
// its zero value is sent as "", false, 0, [] or null); for an object not
// created yet, every writable property it sets.
//
// A property the object was loaded without ($select) and that the program
// sets to its zero value cannot be told from an untouched one, and is not
// sent: load the property before clearing it.
func Changes(v any) (map[string]jsontext.Value, error) {
	o, err := objectOf(v)
	if err != nil {
		return nil, err
	}
	rv := reflect.ValueOf(v).Elem()
	info := modelinfo.Of(rv.Type())
	if !o.exists {
		return setMembers(rv, info, true)
	}
	old, err := loaded(o, rv.Type())
	if err != nil {
		return nil, err
	}
	out := map[string]jsontext.Value{}
	for i := range info.Fields {
		f := &info.Fields[i]
		if f.ReadOnly || f.CreateOnly {
			continue
		}
		cur := rv.FieldByIndex(f.Index)
		same, err := equalValues(cur, old.FieldByIndex(f.Index))
		if err != nil {
			return nil, err
		}
		if !same {
			if out[f.Name], err = encodeValue(cur); err != nil {
				return nil, fmt.Errorf("o365: encoding %s: %w", f.Name, err)
			}
		}
	}
	return out, nil
}

// Fields returns every writable property v (a pointer to a model) sets,
// keyed by JSON name: what a copy of the object needs, such as an Outlook
// item attached by value.
func Fields(v any) (map[string]jsontext.Value, error) {
	if _, err := objectOf(v); err != nil {
		return nil, err
	}
	rv := reflect.ValueOf(v).Elem()
	return setMembers(rv, modelinfo.Of(rv.Type()), false)
}

// setMembers encodes the writable fields of rv that are set (not zero);
// createonly ones too when creating.
func setMembers(rv reflect.Value, info *modelinfo.Info, creating bool) (map[string]jsontext.Value, error) {
	out := map[string]jsontext.Value{}
	for i := range info.Fields {
		f := &info.Fields[i]
		if f.ReadOnly || (f.CreateOnly && !creating) {
			continue
		}
		cur := rv.FieldByIndex(f.Index)
		if cur.IsZero() {
			continue
		}
		enc, err := encodeValue(cur)
		if err != nil {
			return nil, fmt.Errorf("o365: encoding %s: %w", f.Name, err)
		}
		out[f.Name] = enc
	}
	return out, nil
}

// Save creates or updates v, a pointer to a bound model. An object not
// created yet is POSTed to its collection with every writable property it
// sets; a loaded one is PATCHed with its Changes (nothing is sent when there
// are none). The service's answer becomes the object's new state, so it
// holds the read-only properties (id, timestamps) the service filled in;
// when the answer has no body, the object's JSON takes the changes.
//
// A PATCH of absolute values can be repeated, so it is retried like a GET
// under the account's RetryPolicy. A POST is not repeated after an answer
// that may hide work done; where a create must happen exactly once, build it
// on Once.
func Save(ctx context.Context, v any) error {
	o, err := boundObject(v)
	if err != nil {
		return err
	}
	body, err := Changes(v)
	if err != nil {
		return err
	}
	if o.exists {
		if len(body) == 0 {
			return nil
		}
		return adopt(ctx, v, o, &Request{Method: http.MethodPatch, Path: o.path, Body: body, Idempotent: true})
	}
	collection := o.path
	if err := adopt(ctx, v, o, &Request{Method: http.MethodPost, Path: collection, Body: body}); err != nil {
		return err
	}
	id := idOf(v)
	if id == "" {
		return fmt.Errorf("o365: POST %s: the answer holds no id", collection)
	}
	o.path, o.exists = joinPath(collection, id), true
	return nil
}

// adopt sends req and makes its answer v's state; with no answer body, v's
// JSON takes the changes it holds.
func adopt(ctx context.Context, v any, o *Object, req *Request) error {
	var answer jsontext.Value
	if _, err := o.acct.Do(ctx, req, &answer); err != nil {
		return err
	}
	if len(answer) > 0 {
		return decodeOwned(answer, v)
	}
	if req.Method == http.MethodPost {
		return fmt.Errorf("o365: POST %s: the service answered without the created object", req.Path)
	}
	merged, err := MarshalObject(v)
	if err != nil {
		return err
	}
	o.raw = merged
	return nil
}

// Delete deletes v, a pointer to a bound model that exists.
func Delete(ctx context.Context, v any) error {
	return Call(ctx, v, http.MethodDelete, "", nil, nil)
}

// Refresh loads v, a pointer to a bound model that exists, again from the
// service (q may $select and $expand), discarding unsaved changes.
func Refresh(ctx context.Context, v any, q *Query) error {
	o, err := existing(v)
	if err != nil {
		return err
	}
	req := o.Request(http.MethodGet, "", nil)
	req.Query = q
	_, err = o.acct.Do(ctx, req, v)
	return err
}

// Call sends method to v's path joined with sub (an action such as "move";
// "" for the object itself) through v's account, with body, and decodes the
// answer into out (see Account.Do). v is a pointer to a bound model that
// exists.
func Call(ctx context.Context, v any, method, sub string, body, out any) error {
	o, err := existing(v)
	if err != nil {
		return err
	}
	_, err = o.acct.Do(ctx, o.Request(method, sub, body), out)
	return err
}

// Ready returns nil when v, a pointer to a model, can make requests about
// itself: it is bound and exists. Otherwise it returns ErrUnbound or
// ErrNotCreated (or the error for a value that is not a model).
func Ready(v any) error {
	_, err := existing(v)
	return err
}

// existing returns the Object of a bound model that has been created.
func existing(v any) (*Object, error) {
	o, err := boundObject(v)
	if err != nil {
		return nil, err
	}
	if !o.exists {
		return nil, ErrNotCreated
	}
	return o, nil
}

// loaded decodes the object's JSON into a new value of type t: the state the
// object was loaded in, for comparisons. An object with no JSON (a handle)
// was loaded with nothing set.
func loaded(o *Object, t reflect.Type) (reflect.Value, error) {
	p := reflect.New(t)
	if o.raw != nil {
		if err := json.Unmarshal(o.raw, p.Interface(), decodeOptions); err != nil {
			return reflect.Value{}, fmt.Errorf("o365: decoding the object as loaded: %w", err)
		}
	}
	return p.Elem(), nil
}

// equalValues reports whether two field values encode alike. DeepEqual
// settles most cases without encoding; values it tells apart (times in equal
// zones with distinct *Location, models with different bindings) are
// encoded and compared.
func equalValues(a, b reflect.Value) (bool, error) {
	if reflect.DeepEqual(a.Interface(), b.Interface()) {
		return true, nil
	}
	ea, err := encodeValue(a)
	if err != nil {
		return false, err
	}
	eb, err := encodeValue(b)
	if err != nil {
		return false, err
	}
	return bytes.Equal(ea, eb), nil
}

// encodeValue encodes one property's value as a change: a zero struct (an
// unset complex value or time) is null; nil slices are [].
func encodeValue(v reflect.Value) (jsontext.Value, error) {
	if v.Kind() == reflect.Struct && v.IsZero() {
		return jsontext.Value("null"), nil
	}
	b, err := json.Marshal(v.Interface(), encodeOptions)
	return jsontext.Value(b), err
}

// encodeMembers writes the fields of rv that are set, in declaration order,
// as one JSON object.
func encodeMembers(rv reflect.Value, info *modelinfo.Info) ([]byte, error) {
	var b bytes.Buffer
	enc := jsontext.NewEncoder(&b, encodeOptions)
	if err := enc.WriteToken(jsontext.BeginObject); err != nil {
		return nil, err
	}
	for i := range info.Fields {
		f := &info.Fields[i]
		cur := rv.FieldByIndex(f.Index)
		if cur.IsZero() {
			continue
		}
		val, err := encodeValue(cur)
		if err != nil {
			return nil, fmt.Errorf("o365: encoding %s: %w", f.Name, err)
		}
		if err := writeMember(enc, f.Name, val); err != nil {
			return nil, err
		}
	}
	if err := enc.WriteToken(jsontext.EndObject); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// mergeMembers writes raw with the members in changed replaced in place and
// the changed members raw lacks appended in declaration order.
func mergeMembers(raw jsontext.Value, changed map[string]jsontext.Value, info *modelinfo.Info) ([]byte, error) {
	var b bytes.Buffer
	enc := jsontext.NewEncoder(&b, encodeOptions, jsontext.AllowDuplicateNames(true))
	dec := jsontext.NewDecoder(bytes.NewReader(raw), decodeOptions)
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	if err := enc.WriteToken(jsontext.BeginObject); err != nil {
		return nil, err
	}
	written := map[string]bool{}
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, err
		}
		name := tok.String() // read before the decoder moves on
		val, err := dec.ReadValue()
		if err != nil {
			return nil, err
		}
		if c, ok := changed[name]; ok {
			val = c
			written[name] = true
		}
		if err := writeMember(enc, name, val); err != nil {
			return nil, err
		}
	}
	for i := range info.Fields {
		name := info.Fields[i].Name
		if c, ok := changed[name]; ok && !written[name] {
			if err := writeMember(enc, name, c); err != nil {
				return nil, err
			}
		}
	}
	if err := enc.WriteToken(jsontext.EndObject); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

func writeMember(enc *jsontext.Encoder, name string, val jsontext.Value) error {
	if err := enc.WriteToken(jsontext.String(name)); err != nil {
		return err
	}
	return enc.WriteValue(val)
}

// clearFields zeroes the JSON properties of v, a pointer to a model, keeping
// its binding and unexported state.
func clearFields(v any) {
	rv := reflect.ValueOf(v).Elem()
	info := modelinfo.Of(rv.Type())
	for i := range info.Fields {
		rv.FieldByIndex(info.Fields[i].Index).SetZero()
	}
}

// idOf returns the value of v's "id" property, "" when it has none.
func idOf(v any) string {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return ""
	}
	rv = rv.Elem()
	if rv.Kind() != reflect.Struct {
		return ""
	}
	info := modelinfo.Of(rv.Type())
	if info.ID == nil {
		return ""
	}
	return rv.FieldByIndex(info.ID).String()
}
