// Package modeltest holds the checks every model of every service package
// passes, so that a package proves its models with one call per model:
//
//	func TestModels(t *testing.T) {
//		modeltest.Check(t, modeltest.Model{
//			New:   func() any { return new(mail.Message) },
//			Types: []string{"message", "eventMessage"},
//			Omitted: map[string]string{"extensions": "open extensions are kept in the JSON"},
//		})
//	}
//
// Check runs three tests on the model:
//
//   - Schema: every structural property of Types (Graph's v1.0 schema,
//     internal/csdl) is a field of the model or is named in Omitted with the
//     reason, every field is a property of one of Types with a Go type that
//     fits the property's, and so on down the complex types the fields hold
//     (their left-out properties named "type.property" in Omitted).
//   - Wire: on a loaded object, changing any one writable field makes Save
//     PATCH exactly that property, and changing a read-only one sends
//     nothing; a new object is POSTed with every writable and create-only
//     property set and no read-only one.
//   - Round trip: Graph JSON holding false, 0, "", [], nulls, an annotation
//     and a property the model does not declare decodes and re-encodes with
//     nothing lost, and decoding it leaves nothing for Save to send.
package modeltest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
	"github.com/o365go/o365/internal/csdl"
	"github.com/o365go/o365/internal/modelinfo"
)

// Model describes one model type to check.
type Model struct {
	// New returns a pointer to a new, zero model.
	New func() any
	// Types are the schema types the model covers: "message", and the
	// derived types whose properties it declares too ("eventMessage").
	Types []string
	// Omitted names each schema property the model leaves out, with the
	// reason: "property" for a property of Types, "type.property" for one
	// of a complex type a field holds.
	Omitted map[string]string
}

// Check runs the schema, wire and round-trip tests on m.
func Check(t *testing.T, m Model) {
	t.Helper()
	typ := reflect.TypeOf(m.New()).Elem()
	t.Run(typ.Name()+"/schema", func(t *testing.T) { checkSchema(t, m, typ) })
	t.Run(typ.Name()+"/wire", func(t *testing.T) { checkWire(t, m, typ) })
	t.Run(typ.Name()+"/roundtrip", func(t *testing.T) { checkRoundTrip(t, m, typ) })
}

// fields lists the JSON properties of struct type t as o365's helpers see
// them.
func fields(t reflect.Type) []modelinfo.Field { return modelinfo.Of(t).Fields }

// CheckComplex checks a complex type (a struct without Object, such as
// o365.IdentitySet) against the schema type of that name, as Check does for
// the complex values a model holds; omitted names left-out properties
// ("property") with the reason.
func CheckComplex(t *testing.T, v any, schemaType string, omitted map[string]string) {
	t.Helper()
	used := map[string]bool{}
	c := &schemaCheck{t: t, schema: csdl.MustLoad(), omitted: omitted, used: used}
	c.structure(reflect.TypeOf(v), []string{schemaType}, "")
	for k := range omitted {
		if !used[k] {
			t.Errorf("omitted[%q] names no property the schema has and the type lacks", k)
		}
	}
}

func checkSchema(t *testing.T, m Model, typ reflect.Type) {
	schema := csdl.MustLoad()
	used := map[string]bool{}
	(&schemaCheck{t: t, schema: schema, omitted: m.Omitted, used: used}).structure(typ, m.Types, "")
	for k, reason := range m.Omitted {
		if strings.TrimSpace(reason) == "" {
			t.Errorf("Omitted[%q] gives no reason", k)
		}
		if !used[k] {
			t.Errorf("Omitted[%q] names no property the schema has and the model lacks", k)
		}
	}
}

type schemaCheck struct {
	t       *testing.T
	schema  *csdl.Schema
	omitted map[string]string
	used    map[string]bool
}

// structure checks the fields of Go struct typ against the schema types
// names; prefix is "" for the model, "type." for a complex value.
func (c *schemaCheck) structure(typ reflect.Type, names []string, prefix string) {
	props := map[string]csdl.Property{}
	var required []string
	for i, n := range names {
		if c.schema.Type(n) == nil {
			c.t.Fatalf("schema type %q does not exist", n)
		}
		for _, p := range c.schema.Properties(n) {
			if _, ok := props[p.Name]; !ok {
				props[p.Name] = p
				if !p.Navigation && (i == 0 || prefix == "") {
					required = append(required, p.Name)
				}
			}
		}
	}
	have := map[string]bool{}
	for _, f := range fields(typ) {
		have[f.Name] = true
		if strings.HasPrefix(f.Name, "@") {
			continue // annotations: @odata.type
		}
		p, ok := props[f.Name]
		if !ok {
			c.t.Errorf("%s%s: no such property in %v", prefix, f.Name, names)
			continue
		}
		c.fits(f.Type, p.Type, prefix+f.Name)
	}
	for _, name := range required {
		if have[name] {
			continue
		}
		key := prefix + name
		if _, ok := c.omitted[key]; ok {
			c.used[key] = true
			continue
		}
		c.t.Errorf("%s (%s) is missing from %s: add a field, or name it in Omitted with the reason", key, props[name].Type, typ)
	}
}

// fits checks that Go type g can hold values of schema type s.
func (c *schemaCheck) fits(g reflect.Type, s, where string) {
	for g.Kind() == reflect.Pointer {
		g = g.Elem()
	}
	if g == reflect.TypeFor[jsontext.Value]() || s == "microsoft.graph.Json" {
		return // raw JSON holds anything; Graph's Json is any JSON (a cell grid, a value)
	}
	if inner, ok := strings.CutPrefix(s, "Collection("); ok {
		if g.Kind() != reflect.Slice || g.Elem().Kind() == reflect.Uint8 {
			c.t.Errorf("%s: %s is a collection, the field is %s", where, s, g)
			return
		}
		c.fits(g.Elem(), strings.TrimSuffix(inner, ")"), where)
		return
	}
	ok := true
	switch s {
	case "Edm.String", "Edm.Date", "Edm.TimeOfDay", "Edm.Guid", "Edm.Duration":
		ok = g.Kind() == reflect.String
	case "Edm.Boolean":
		ok = g.Kind() == reflect.Bool
	case "Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Byte", "Edm.SByte":
		ok = g.Kind() >= reflect.Int && g.Kind() <= reflect.Int64
	case "Edm.Double", "Edm.Single", "Edm.Decimal":
		ok = g.Kind() == reflect.Float64 || g.Kind() == reflect.Float32
	case "Edm.DateTimeOffset":
		ok = g == reflect.TypeFor[time.Time]()
	case "Edm.Binary":
		ok = g.Kind() == reflect.Slice && g.Elem().Kind() == reflect.Uint8
	default:
		t := c.schema.Type(s)
		switch {
		case t == nil:
			c.t.Errorf("%s: unknown schema type %s", where, s)
		case t.Kind == csdl.Enum:
			ok = g.Kind() == reflect.String
		case t.Open && g.Kind() == reflect.Map && g.Key().Kind() == reflect.String:
			// An open type (fieldValueSet) is a map of its dynamic properties.
		case t.Kind == csdl.Entity:
			// Another model: its own Check covers it.
			ok = g.Kind() == reflect.Struct
		case g.Kind() != reflect.Struct:
			ok = false
		default:
			name := strings.TrimPrefix(t.Name, "microsoft.graph.")
			c.structure(g, append([]string{t.Name}, c.schema.Derived(t.Name)...), name+".")
		}
	}
	if !ok {
		c.t.Errorf("%s: a %s field cannot hold %s", where, g, s)
	}
}

// recorder is an httptest server that answers every request with an empty
// 204 (a POST with {"id":"new-id"}) and keeps the bodies.
type recorder struct {
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	method string
	body   map[string]jsontext.Value
}

func newRecorder(t *testing.T) (*recorder, *o365.Account) {
	r := &recorder{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		data, _ := io.ReadAll(req.Body)
		var body map[string]jsontext.Value
		if len(data) > 0 {
			if err := json.Unmarshal(data, &body); err != nil {
				t.Errorf("%s %s: body %s: %v", req.Method, req.URL.Path, data, err)
			}
		}
		r.mu.Lock()
		r.reqs = append(r.reqs, recorded{method: req.Method, body: body})
		r.mu.Unlock()
		if req.Method == http.MethodPost {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"id":"new-id"}`))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.srv.Close)
	p := o365.Graph()
	p.BaseURL = r.srv.URL + "/"
	a, err := o365.New(o365.WithProtocol(p), o365.WithTokenSource(o365.StaticToken("t")), o365.WithRetry(o365.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	return r, a
}

func (r *recorder) take() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.reqs
	r.reqs = nil
	return out
}

func checkWire(t *testing.T, m Model, typ reflect.Type) {
	rec, acct := newRecorder(t)
	ctx := context.Background()
	all := fields(typ)
	for _, f := range all {
		obj := m.New()
		if err := o365.DecodeJSON([]byte(`{"id":"x"}`), obj); err != nil {
			t.Fatal(err)
		}
		if err := o365.Bind(obj, acct, "items/x"); err != nil {
			t.Fatal(err)
		}
		val, ok := sample(f.Type, 0)
		if !ok {
			continue
		}
		reflect.ValueOf(obj).Elem().FieldByIndex(f.Index).Set(val)
		if err := o365.Save(ctx, obj); err != nil {
			t.Fatalf("%s: Save: %v", f.Name, err)
		}
		reqs := rec.take()
		switch {
		case f.ReadOnly || f.CreateOnly:
			if len(reqs) != 0 {
				t.Errorf("%s is %s but Save sent %v", f.Name, map[bool]string{true: "read-only", false: "create-only"}[f.ReadOnly], keys(reqs[0].body))
			}
		case len(reqs) != 1 || reqs[0].method != http.MethodPatch:
			t.Errorf("changing %s: Save sent %d requests, want one PATCH", f.Name, len(reqs))
		case !slices.Equal(keys(reqs[0].body), []string{f.Name}):
			t.Errorf("changing %s: the PATCH holds %v", f.Name, keys(reqs[0].body))
		default:
			// Saved: the object's JSON holds the change, so nothing is left
			// to send.
			if err := o365.Save(ctx, obj); err != nil {
				t.Fatal(err)
			}
			if again := rec.take(); len(again) != 0 {
				t.Errorf("changing %s: a second Save sent %v again", f.Name, keys(again[0].body))
			}
		}
	}

	// A new object sends every writable and create-only property it sets.
	obj := m.New()
	if err := o365.BindNew(obj, acct, "items"); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range all {
		val, ok := sample(f.Type, 0)
		if !ok {
			continue
		}
		reflect.ValueOf(obj).Elem().FieldByIndex(f.Index).Set(val)
		if !f.ReadOnly {
			want = append(want, f.Name)
		}
	}
	slices.Sort(want)
	if err := o365.Save(ctx, obj); err != nil {
		if strings.Contains(err.Error(), "no id") && !hasID(all) {
			return // a singleton (mailboxSettings) is never created
		}
		t.Fatalf("creating: %v", err)
	}
	reqs := rec.take()
	if len(reqs) != 1 || reqs[0].method != http.MethodPost {
		t.Fatalf("creating sent %d requests, want one POST", len(reqs))
	}
	if got := keys(reqs[0].body); !slices.Equal(got, want) {
		t.Errorf("creating sent %v, want %v", got, want)
	}
}

func hasID(fs []modelinfo.Field) bool {
	return slices.ContainsFunc(fs, func(f modelinfo.Field) bool { return f.Name == "id" })
}

func keys(m map[string]jsontext.Value) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// sampleTime is the instant sample values hold.
var sampleTime = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)

// sample returns a non-zero value of type t, false for types no JSON holds
// (funcs, channels, interfaces).
func sample(t reflect.Type, depth int) (reflect.Value, bool) {
	v := reflect.New(t).Elem()
	if depth > 4 {
		return v, false
	}
	switch {
	case t == reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(sampleTime))
		return v, true
	case t == reflect.TypeFor[jsontext.Value]():
		v.Set(reflect.ValueOf(jsontext.Value(`{"k":1}`)))
		return v, true
	}
	switch t.Kind() {
	case reflect.String:
		v.SetString("sample")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(7)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1.5)
	case reflect.Pointer:
		e, ok := sample(t.Elem(), depth+1)
		if !ok {
			return v, false
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(e)
		v.Set(p)
	case reflect.Slice:
		e, ok := sample(t.Elem(), depth+1)
		if !ok {
			return v, false
		}
		v.Set(reflect.Append(v, e))
	case reflect.Map:
		e, ok := sample(t.Elem(), depth+1)
		if !ok || t.Key().Kind() != reflect.String {
			return v, false
		}
		v.Set(reflect.MakeMap(t))
		v.SetMapIndex(reflect.ValueOf("k").Convert(t.Key()), e)
	case reflect.Struct:
		set := false
		for _, f := range fields(t) {
			e, ok := sample(f.Type, depth+1)
			if ok {
				v.FieldByIndex(f.Index).Set(e)
				set = true
			}
		}
		return v, set
	default:
		return v, false
	}
	return v, true
}

// zeroJSON returns the JSON of a property at its emptiest: false, 0, "",
// [] or null.
func zeroJSON(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[time.Time]():
		return `null`
	case t == reflect.TypeFor[jsontext.Value]():
		return `null`
	}
	switch t.Kind() {
	case reflect.String:
		return `""`
	case reflect.Bool:
		return `false`
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return `0`
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return `""` // base64
		}
		return `[]`
	}
	return `null`
}

func checkRoundTrip(t *testing.T, m Model, typ reflect.Type) {
	var b bytes.Buffer
	b.WriteString(`{"@odata.etag":"W/\"1\"","futureProperty":{"nested":[1,null,false,""],"n":0}`)
	for i, f := range fields(typ) {
		fmt.Fprintf(&b, ",%q:", f.Name)
		if i%2 == 0 {
			b.WriteString(zeroJSON(f.Type))
			continue
		}
		// The other half hold values, as Graph writes them.
		val, ok := sample(f.Type, 0)
		if !ok {
			b.WriteString("null")
			continue
		}
		enc, err := o365.EncodeJSON(val.Interface())
		if err != nil {
			t.Fatal(err)
		}
		b.Write(enc)
	}
	b.WriteString(`}`)
	in := b.Bytes()
	obj := m.New()
	if err := o365.DecodeJSON(in, obj); err != nil {
		t.Fatalf("decoding %s: %v", in, err)
	}
	out, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, in, out) {
		t.Errorf("the round trip lost something:\n in: %s\nout: %s", in, out)
	}
	if err := o365.Bind(obj, nil, "items/x"); err != nil {
		t.Fatal(err)
	}
	changes, err := o365.Changes(obj)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 0 {
		t.Errorf("a freshly decoded object has changes to send: %v", keys(changes))
	}
	// A change is merged into the JSON: the rest stays as received.
	for _, f := range fields(typ) {
		if f.Type.Kind() != reflect.String || f.ReadOnly {
			continue
		}
		reflect.ValueOf(obj).Elem().FieldByIndex(f.Index).SetString("changed")
		out, err := json.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]jsontext.Value
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		if string(got[f.Name]) != `"changed"` || got["futureProperty"] == nil || got["@odata.etag"] == nil {
			t.Errorf("after changing %s the JSON is %s", f.Name, out)
		}
		break
	}
}

// sameJSON compares two documents by value.
func sameJSON(t *testing.T, a, b []byte) bool {
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}
