package core_test

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
	"github.com/o365go/o365/sandbox/internal/testarea"
)

func TestUnauthenticated(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	for _, tok := range []string{"", "not-a-jwt", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."} {
		r := ts.Do(t, tok, "GET", "/v1.0/me", nil, "client-request-id", "abc-123")
		r.WantError(t, 401, "InvalidAuthenticationToken")
		wantAuth := fmt.Sprintf(`Bearer realm="", authorization_uri="%s/%s/oauth2/v2.0/authorize", client_id="00000003-0000-0000-c000-000000000000"`, ts.URL, demo.TenantID)
		if got := r.Header.Get("WWW-Authenticate"); got != wantAuth {
			t.Errorf("WWW-Authenticate %q, want %q", got, wantAuth)
		}
		if got := r.Header.Get("client-request-id"); got != "abc-123" {
			t.Errorf("client-request-id %q not echoed", got)
		}
		if r.JSON["error"].(map[string]any)["innerError"].(map[string]any)["client-request-id"] != "abc-123" {
			t.Errorf("innerError lacks client-request-id: %s", r.Raw)
		}
		if got := r.Header.Get("Content-Type"); got != "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8" {
			t.Errorf("Content-Type %q", got)
		}
	}
}

func TestMe(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	r := ts.Do(t, ts.AliceToken(t), "GET", "/v1.0/me?$select=displayName,mail", nil).WantStatus(t, 200)
	want := map[string]any{
		"@odata.context": ts.URL + "/v1.0/$metadata#users/$entity",
		"id":             demo.UserID,
		"displayName":    "Alice Adams",
		"mail":           demo.User,
	}
	if !reflect.DeepEqual(r.JSON, want) {
		t.Fatalf("GET /me = %v\nwant %v", r.JSON, want)
	}
	if r.Header.Get("request-id") == "" || r.Header.Get("OData-Version") != "4.0" {
		t.Errorf("missing standard headers: %v", r.Header)
	}
}

func TestMeAppOnly(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	r := ts.Do(t, ts.AppToken(t), "GET", "/v1.0/me", nil)
	r.WantError(t, 400, "BadRequest")
	if msg := r.JSON["error"].(map[string]any)["message"]; msg != "/me request is only valid with delegated authentication flow." {
		t.Errorf("message %q", msg)
	}
	// The same user by id works with the User.Read.All role.
	r = ts.Do(t, ts.AppToken(t), "GET", "/v1.0/users/"+demo.User, nil).WantStatus(t, 200)
	if r.JSON["id"] != demo.UserID {
		t.Errorf("users/{upn} resolved to %v", r.JSON["id"])
	}
}

func TestSharedScopes(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	alice := ts.AliceToken(t)
	limited := ts.UserToken(t, demo.LimitedClientID, demo.User)
	bobItems := "/v1.0/users/" + demo.Bob + "/testItems"
	// Alice's own items: both apps may.
	ts.Do(t, limited, "GET", "/v1.0/me/testItems", nil).WantStatus(t, 200)
	ts.Do(t, limited, "GET", "/v1.0/users/"+demo.UserID+"/testItems", nil).WantStatus(t, 200)
	// Bob's items need Mail.Read.Shared, which only the full app has.
	ts.Do(t, limited, "GET", bobItems, nil).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, alice, "GET", bobItems, nil).WantStatus(t, 200)
	ts.Do(t, ts.AppToken(t), "GET", bobItems, nil).WantStatus(t, 200)
	r := ts.Do(t, alice, "GET", "/v1.0/users/nobody@contoso.onmicrosoft.com/testItems", nil)
	r.WantError(t, 404, "ErrorInvalidUser")
}

func TestRoutingErrors(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	tok := ts.AliceToken(t)
	ts.Do(t, tok, "GET", "/v1.0/nothingHere", nil).WantError(t, 400, "BadRequest")
	r := ts.Do(t, tok, "DELETE", "/v1.0/users", nil)
	r.WantError(t, 405, "BadRequest")
	if r.Header.Get("Allow") != "GET, POST" {
		t.Errorf("Allow %q", r.Header.Get("Allow"))
	}
	ts.Do(t, tok, "GET", "/v2.0/me", nil).WantError(t, 404, "NotFound")
}

// TestMalformedInput sends a corpus of bad requests: each must be a 4xx in
// Graph's error shape and leave the store as it was.
func TestMalformedInput(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	tok := ts.AliceToken(t)
	before := ts.Do(t, tok, "GET", "/v1.0/users?$select=id,displayName", nil, "ConsistencyLevel", "eventual").WantStatus(t, 200)
	huge := `{"subject":"` + strings.Repeat("a", 4<<20) + `"}`
	cases := []struct {
		name, method, path string
		body               any
		headers            []string
		status             int
	}{
		{"bad json", "POST", "/v1.0/me/testItems", "{bad", nil, 400},
		{"json array", "POST", "/v1.0/me/testItems", "[1,2]", nil, 400},
		{"empty body", "POST", "/v1.0/me/testItems", "", nil, 400},
		{"huge body", "POST", "/v1.0/me/testItems", huge, nil, 413},
		{"wrong content type", "POST", "/v1.0/me/testItems", `{"a":1}`, []string{"Content-Type", "text/xml"}, 415},
		{"dot dot", "GET", "/v1.0/me/testItems/..%2F..%2Fusers", nil, nil, 400},
		{"encoded dot dot segment", "GET", "/v1.0/me/testItems/%2E%2E", nil, nil, 400},
		{"nul", "GET", "/v1.0/me/testItems/a%00b", nil, nil, 400},
		{"key syntax traversal", "GET", "/v1.0/me/testItems('..')", nil, nil, 400},
		{"unknown id", "GET", "/v1.0/me/testItems/does-not-exist", nil, nil, 404},
		{"bad filter", "GET", "/v1.0/me/testItems?$filter=subject eq", nil, nil, 400},
		{"bad top", "GET", "/v1.0/me/testItems?$top=-1", nil, nil, 400},
		{"top too big", "GET", "/v1.0/users?$top=1000", nil, nil, 400},
		{"unknown option", "GET", "/v1.0/me/testItems?$bogus=1", nil, nil, 400},
		{"forged skiptoken", "GET", "/v1.0/me/testItems?$skiptoken=AAAA", nil, nil, 400},
		{"bad fault header", "GET", "/v1.0/me", nil, []string{"X-Sandbox-Fault", "418"}, 400},
		{"batch not json", "POST", "/v1.0/$batch", "nope", nil, 400},
		{"patch unknown", "PATCH", "/v1.0/me/testItems/nope", `{"a":1}`, nil, 404},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ts.Do(t, tok, c.method, c.path, c.body, c.headers...)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Raw)
			}
			if _, ok := r.JSON["error"].(map[string]any); !ok {
				t.Fatalf("no Graph error body: %s", r.Raw)
			}
		})
	}
	after := ts.Do(t, tok, "GET", "/v1.0/users?$select=id,displayName", nil, "ConsistencyLevel", "eventual").WantStatus(t, 200)
	if !reflect.DeepEqual(before.JSON["value"], after.JSON["value"]) {
		t.Fatalf("users changed")
	}
	if n := len(ts.Do(t, tok, "GET", "/v1.0/me/testItems", nil).JSON["value"].([]any)); n != 0 {
		t.Fatalf("%d test items were created by bad requests", n)
	}
	if check, err := ts.Engine.Store().IntegrityCheck(t.Context()); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
}

func TestItemsCRUDAndPaging(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	tok := ts.AliceToken(t)
	var ids []string
	for i := range 5 {
		r := ts.Do(t, tok, "POST", "/v1.0/me/testItems", map[string]any{"subject": fmt.Sprintf("item %d", i), "n": i}).WantStatus(t, 201)
		if r.JSON["@odata.context"] != ts.URL+"/v1.0/$metadata#users('"+demo.UserID+"')/testItems/$entity" {
			t.Fatalf("context %v", r.JSON["@odata.context"])
		}
		ids = append(ids, r.JSON["id"].(string))
	}
	// Pages of two, following nextLink, with the count on the first page only.
	var got []string
	next := "/v1.0/me/testItems?$top=2&$count=true&$select=subject"
	for page := 0; next != ""; page++ {
		r := ts.Do(t, tok, "GET", next, nil).WantStatus(t, 200)
		if c, ok := r.JSON["@odata.count"]; (page == 0) != ok || (ok && c != float64(5)) {
			t.Fatalf("page %d: @odata.count %v", page, c)
		}
		for _, v := range r.JSON["value"].([]any) {
			doc := v.(map[string]any)
			if len(doc) != 2 {
				t.Fatalf("$select not applied: %v", doc)
			}
			got = append(got, doc["subject"].(string))
		}
		next, _ = r.JSON["@odata.nextLink"].(string)
		if page > 5 {
			t.Fatal("paging does not end")
		}
	}
	if want := []string{"item 0", "item 1", "item 2", "item 3", "item 4"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("paged subjects %v, want %v", got, want)
	}
	// $filter + $orderby + maxpagesize.
	r := ts.Do(t, tok, "GET", "/v1.0/me/testItems?$filter=n ge 2&$orderby=n desc&$select=n", nil, "Prefer", "odata.maxpagesize=2").WantStatus(t, 200)
	if r.Header.Get("Preference-Applied") != "odata.maxpagesize=2" {
		t.Errorf("Preference-Applied %q", r.Header.Get("Preference-Applied"))
	}
	vals := r.JSON["value"].([]any)
	if len(vals) != 2 || vals[0].(map[string]any)["n"] != float64(4) || vals[1].(map[string]any)["n"] != float64(3) {
		t.Fatalf("filtered page %v", vals)
	}
	r = ts.Do(t, tok, "GET", r.JSON["@odata.nextLink"].(string), nil, "Prefer", "odata.maxpagesize=2").WantStatus(t, 200)
	if vals := r.JSON["value"].([]any); len(vals) != 1 || vals[0].(map[string]any)["n"] != float64(2) || r.JSON["@odata.nextLink"] != nil {
		t.Fatalf("second filtered page %s", r.Raw)
	}
	// $search.
	r = ts.Do(t, tok, "GET", `/v1.0/me/testItems?$search="item 3"`, nil).WantStatus(t, 200)
	if vals := r.JSON["value"].([]any); len(vals) != 1 || vals[0].(map[string]any)["id"] != ids[3] {
		t.Fatalf("search: %s", r.Raw)
	}
	// PATCH, GET, DELETE.
	r = ts.Do(t, tok, "PATCH", "/v1.0/me/testItems/"+ids[0], map[string]any{"subject": "renamed", "n": nil, "id": "ignored"}).WantStatus(t, 200)
	if r.JSON["subject"] != "renamed" || r.JSON["id"] != ids[0] || r.JSON["n"] != nil {
		t.Fatalf("patched %v", r.JSON)
	}
	ts.Do(t, tok, "GET", "/v1.0/me/testItems('"+ids[0]+"')", nil).WantStatus(t, 200)
	ts.Do(t, tok, "DELETE", "/v1.0/me/testItems/"+ids[0], nil).WantStatus(t, 204)
	ts.Do(t, tok, "GET", "/v1.0/me/testItems/"+ids[0], nil).WantError(t, 404, "ErrorItemNotFound")
	ts.Do(t, tok, "DELETE", "/v1.0/me/testItems/"+ids[0], nil).WantError(t, 404, "ErrorItemNotFound")
}

func TestOutlookDialect(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	tok := ts.AliceToken(t)
	outlook := ts.AliceOutlookToken(t)
	r := ts.Do(t, outlook, "POST", "/api/v2.0/me/testItems", map[string]any{
		"Subject": "from outlook", "Attachment": map[string]any{"@odata.type": "#Microsoft.OutlookServices.FileAttachment", "ContentBytes": "AA=="},
	}).WantStatus(t, 201)
	id := r.JSON["Id"].(string)
	if r.JSON["Subject"] != "from outlook" || r.JSON["@odata.context"] != ts.URL+"/api/v2.0/$metadata#Users('"+demo.UserID+"')/TestItems/$entity" {
		t.Fatalf("outlook answer %s", r.Raw)
	}
	// Stored in Graph's canonical form, read back through Graph.
	r = ts.Do(t, tok, "GET", "/v1.0/me/testItems/"+id, nil).WantStatus(t, 200)
	want := map[string]any{"@odata.type": "#microsoft.graph.fileAttachment", "contentBytes": "AA=="}
	if r.JSON["subject"] != "from outlook" || !reflect.DeepEqual(r.JSON["attachment"], want) {
		t.Fatalf("graph view %s", r.Raw)
	}
	// Outlook REST's users('{oid}@{tenant}') addressing and PascalCase $select.
	r = ts.Do(t, outlook, "GET", "/api/v2.0/Users('"+demo.UserID+"@"+demo.TenantID+"')/TestItems?$select=Subject", nil).WantStatus(t, 200)
	item := r.JSON["value"].([]any)[0].(map[string]any)
	if item["Subject"] != "from outlook" || item["Id"] != id || len(item) != 2 {
		t.Fatalf("outlook list item %v", item)
	}
}

func TestExpiredToken(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	ts := sandboxtest.New(t, sandboxtest.Options{Clock: clock, AccessTokenTTL: 10 * time.Minute}, testarea.Area())
	tok := ts.AliceToken(t)
	ts.Do(t, tok, "GET", "/v1.0/me", nil).WantStatus(t, 200)
	mu.Lock()
	now = now.Add(11 * time.Minute)
	mu.Unlock()
	r := ts.Do(t, tok, "GET", "/v1.0/me", nil)
	r.WantError(t, 401, "InvalidAuthenticationToken")
	if msg := r.JSON["error"].(map[string]any)["message"]; msg != "Lifetime validation failed, the token is expired." {
		t.Fatalf("message %q", msg)
	}
}

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestRequestBodies checks how bodies are read: compressed ones inflated as
// msgraph-sdk-go sends them, and Graph's answers to the ones it refuses.
func TestRequestBodies(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	tok := ts.AliceToken(t)
	r := ts.Do(t, tok, "POST", "/v1.0/me/testItems", gzipped(t, `{"subject":"zipped"}`), "Content-Encoding", "gzip").WantStatus(t, 201)
	if r.JSON["subject"] != "zipped" {
		t.Fatalf("gzip body: %s", r.Raw)
	}
	var zl bytes.Buffer
	zw := zlib.NewWriter(&zl)
	zw.Write([]byte(`{"subject":"deflated"}`))
	zw.Close()
	r = ts.Do(t, tok, "POST", "/v1.0/me/testItems", zl.Bytes(), "Content-Encoding", "deflate").WantStatus(t, 201)
	if r.JSON["subject"] != "deflated" {
		t.Fatalf("deflate body: %s", r.Raw)
	}
	// A compressed $batch, whose items then carry their own bodies.
	batch := `{"requests":[{"id":"1","method":"POST","url":"/me/testItems","headers":{"Content-Type":"application/json"},"body":{"subject":"in batch"}}]}`
	r = ts.Do(t, tok, "POST", "/v1.0/$batch", gzipped(t, batch), "Content-Encoding", "gzip").WantStatus(t, 200)
	if item := r.JSON["responses"].([]any)[0].(map[string]any); item["status"] != float64(201) {
		t.Fatalf("batch item %v", item)
	}

	cases := []struct {
		name       string
		body       any
		headers    []string
		status     int
		code, msg  string
		wantStored bool
	}{
		{"brotli", `{"subject":"x"}`, []string{"Content-Encoding", "br"}, 415, "UnsupportedMediaType", "", false},
		{"corrupt gzip", "\x1f\x8b\x08\x00garbage", []string{"Content-Encoding", "gzip"}, 400, "BadRequest", "", false},
		{"gzip of nothing", []byte{}, []string{"Content-Encoding", "gzip"}, 400, "BadRequest", "Empty Payload. JSON content expected.", false},
		{"null", "null", nil, 400, "RequestBodyRead",
			"An unexpected 'PrimitiveValue' node was found when reading from the JSON reader. A 'StartObject' node was expected.", false},
		{"array", `[{"subject":"x"}]`, nil, 400, "RequestBodyRead",
			"An unexpected 'StartArray' node was found when reading from the JSON reader. A 'StartObject' node was expected.", false},
		{"string", `"x"`, nil, 400, "RequestBodyRead", "", false},
		{"text/plain", `{"subject":"x"}`, []string{"Content-Type", "text/plain"}, 415, "RequestBodyRead", "", false},
		{"invalid utf-8", "{\"subject\":\"\xff\xfe\"}", nil, 400, "BadRequest",
			"Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.", false},
		{"gzip uncompressed by mistake", `{"subject":"x"}`, []string{"Content-Encoding", "gzip"}, 400, "BadRequest", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ts.Do(t, tok, "POST", "/v1.0/me/testItems", c.body, c.headers...)
			r.WantError(t, c.status, c.code)
			if msg := r.JSON["error"].(map[string]any)["message"]; c.msg != "" && msg != c.msg {
				t.Errorf("message %q, want %q", msg, c.msg)
			}
		})
	}
	if r := ts.Do(t, tok, "GET", "/v1.0/me/testItems?$select=subject&$orderby=subject", nil).WantStatus(t, 200); len(sandboxtest.Values(t, r)) != 3 {
		t.Fatalf("refused bodies stored items: %s", r.Raw)
	}
}

// TestActionParameters checks that action bodies are read as Graph's OData
// reader reads them.
func TestActionParameters(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	tok := ts.AliceToken(t)
	id := ts.Do(t, tok, "POST", "/v1.0/me/testItems", map[string]any{"subject": "s"}).WantStatus(t, 201).JSON["id"].(string)
	tag := "/v1.0/me/testItems/" + id + "/tag"
	r := ts.Do(t, tok, "POST", tag, `{"label":"a","PINNED":"false","weight":"12","Due":"2026-01-05T09:00:00Z",
		"owner":{"EmailAddress":{"Address":"bob@x.com","Name":"Bob"}},"ccRecipients":[{"emailAddress":{"address":"c@x.com"}}],
		"colors":["preset0"],"@odata.type":"#microsoft.graph.tagParameters"}`).WantStatus(t, 200)
	want := map[string]any{"Label": "a", "Pinned": false, "Weight": float64(12), "Due": "2026-01-05T09:00:00Z",
		"Owner":        map[string]any{"emailAddress": map[string]any{"address": "bob@x.com", "name": "Bob"}},
		"CcRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": "c@x.com"}}},
		"Colors":       []any{"preset0"}}
	if !reflect.DeepEqual(r.JSON, want) {
		t.Fatalf("decoded %v\nwant %v", r.JSON, want)
	}
	// The Outlook dialect, and no body at all.
	r = ts.Do(t, ts.AliceOutlookToken(t), "POST", "/api/v2.0/me/testItems/"+id+"/tag", map[string]any{"Pinned": true, "Label": "b"}).WantStatus(t, 200)
	if r.JSON["Pinned"] != true || r.JSON["Label"] != "b" {
		t.Fatalf("outlook dialect: %s", r.Raw)
	}
	ts.Do(t, tok, "POST", tag, nil).WantStatus(t, 200)
	ts.Do(t, tok, "POST", tag, "null").WantError(t, 400, "RequestBodyRead")
	refused := []struct{ body, msg string }{
		{`{"label":"a","colour":"red"}`, "The parameter 'colour' in the request payload is not a valid parameter for the operation 'tag'."},
		{`{"pinned":"yes"}`, "Cannot convert a primitive value to the expected type 'Edm.Boolean'. See the inner exception for more details."},
		{`{"pinned":1}`, "Cannot convert the literal '1' to the expected type 'Edm.Boolean'."},
		{`{"weight":1.5}`, "Cannot convert the literal '1.5' to the expected type 'Edm.Int32'."},
		{`{"label":5}`, "Cannot convert the literal '5' to the expected type 'Edm.String'."},
		{`{"owner":"bob@x.com"}`, "An unexpected 'PrimitiveValue' node was found when reading from the JSON reader. A 'StartObject' node was expected for the parameter 'Owner'."},
		{`{"ccRecipients":{"emailAddress":{}}}`, "An unexpected 'StartObject' node was found when reading from the JSON reader. A 'StartArray' node was expected for the parameter 'CcRecipients'."},
		{`{"label":"a","Label":"b"}`, ""},
	}
	for _, c := range refused {
		r := ts.Do(t, tok, "POST", tag, c.body)
		r.WantError(t, 400, "RequestBodyRead")
		if msg := r.JSON["error"].(map[string]any)["message"]; c.msg != "" && msg != c.msg {
			t.Errorf("%s: message %q, want %q", c.body, msg, c.msg)
		}
	}
}

// TestFunctionSyntaxAndUnknownSegments checks OData function call syntax
// and the segment Graph names for a path that resolves to nothing.
func TestFunctionSyntaxAndUnknownSegments(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	tok := ts.AliceToken(t)
	ts.Do(t, tok, "POST", "/v1.0/me/testItems", map[string]any{"subject": "s"}).WantStatus(t, 201)
	for _, p := range []string{"delta", "delta()", "delta%28%29", "microsoft.graph.delta()", "Microsoft.Graph.Delta"} {
		r := ts.Do(t, tok, "GET", "/v1.0/me/testItems/"+p, nil).WantStatus(t, 200)
		if _, ok := r.JSON["@odata.deltaLink"]; !ok {
			t.Errorf("%s did not route to delta: %s", p, r.Raw)
		}
	}
	r := ts.Do(t, tok, "GET", "/v1.0/me/testItems/find(subject='it''s')", nil).WantStatus(t, 200)
	if r.JSON["subject"] != "it's" || r.JSON["given"] != true {
		t.Fatalf("function argument: %s", r.Raw)
	}
	r = ts.Do(t, tok, "GET", "/v1.0/me/testItems/find(subject=@s)?@s='aliased'", nil).WantStatus(t, 200)
	if r.JSON["subject"] != "aliased" {
		t.Fatalf("parameter alias: %s", r.Raw)
	}
	for path, seg := range map[string]string{
		"/v1.0/me/foo/bar":                 "foo",
		"/v1.0/me/testItems/x/y/z":         "y",
		"/v1.0/nothingHere/at/all":         "nothingHere",
		"/v1.0/users/" + demo.Bob + "/foo": "foo",
		"/api/v2.0/Me/Foo":                 "Foo",
	} {
		tok := tok
		if strings.HasPrefix(path, "/api/") {
			tok = ts.AliceOutlookToken(t)
		}
		r := ts.Do(t, tok, "GET", path, nil)
		r.WantError(t, 400, "BadRequest")
		if msg := r.JSON["error"].(map[string]any)["message"]; msg != "Resource not found for the segment '"+seg+"'." {
			t.Errorf("%s: %q, want segment %q", path, msg, seg)
		}
	}
}

// rawGet sends GET path with token and extra headers through a transport
// that leaves compression to the test, and returns the answer with its
// body read as sent.
func rawGet(t *testing.T, ts *sandboxtest.Server, token, method, path string, body string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, raw
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestResponseCompression checks that answers are gzip-compressed when
// the client accepts it, and left alone where compressing would be wrong.
func TestResponseCompression(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	tok := ts.AliceToken(t)
	for i := range 10 {
		ts.Do(t, tok, "POST", "/v1.0/me/testItems", map[string]any{"subject": fmt.Sprintf("item %d %s", i, strings.Repeat("x", 200))}).WantStatus(t, 201)
	}
	plainResp, plain := rawGet(t, ts, tok, "GET", "/v1.0/me/testItems?$select=subject&$orderby=subject", "")
	if plainResp.Header.Get("Content-Encoding") != "" || plainResp.Header.Get("Content-Length") != fmt.Sprint(len(plain)) {
		t.Fatalf("compressed without Accept-Encoding: %v", plainResp.Header)
	}
	resp, zipped := rawGet(t, ts, tok, "GET", "/v1.0/me/testItems?$select=subject&$orderby=subject", "", "Accept-Encoding", "br;q=1, gzip;q=0.5")
	if cl := resp.Header.Get("Content-Length"); resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Vary") != "Accept-Encoding" ||
		(cl != "" && cl != fmt.Sprint(len(zipped))) {
		t.Fatalf("headers %v", resp.Header)
	}
	if got := gunzip(t, zipped); !bytes.Equal(got, plain) || len(zipped) >= len(plain) {
		t.Fatalf("gzip body (%d bytes) inflates to %d bytes, want the %d plain ones", len(zipped), len(got), len(plain))
	}
	// Small answers, refusals and errors.
	for _, c := range []struct{ path, accept string }{
		{"/v1.0/me?$select=id", "gzip"},
		{"/v1.0/me/testItems", "gzip;q=0"},
		{"/v1.0/me/testItems", "identity"},
		{"/v1.0/me/nothing", "gzip"},
	} {
		resp, _ := rawGet(t, ts, tok, "GET", c.path, "", "Accept-Encoding", c.accept)
		if resp.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s with %q compressed", c.path, c.accept)
		}
	}
	// The Outlook dialect is compressed too.
	if resp, body := rawGet(t, ts, ts.AliceOutlookToken(t), "GET", "/api/v2.0/me/testItems", "", "Accept-Encoding", "gzip"); resp.Header.Get("Content-Encoding") != "gzip" ||
		!bytes.Contains(gunzip(t, body), []byte(`"Subject"`)) {
		t.Fatalf("Outlook dialect: %v", resp.Header)
	}
	// $batch: the envelope is compressed, its items are plain JSON.
	batch := `{"requests":[{"id":"1","method":"GET","url":"/me/testItems","headers":{"Accept-Encoding":"gzip"}}]}`
	resp, body := rawGet(t, ts, tok, "POST", "/v1.0/$batch", batch, "Accept-Encoding", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("batch envelope not compressed: %v", resp.Header)
	}
	var env struct {
		Responses []struct {
			Headers map[string]string
			Body    map[string]any
		}
	}
	if err := json.Unmarshal(gunzip(t, body), &env); err != nil || len(env.Responses) != 1 || len(env.Responses[0].Body["value"].([]any)) != 10 ||
		env.Responses[0].Headers["Content-Encoding"] != "" {
		t.Fatalf("batch items %+v %v", env, err)
	}
	// Range requests get the stored bytes; binary content is never compressed.
	msgs := ts.Do(t, tok, "GET", "/v1.0/me/messages?$filter=subject eq 'Quarterly report'&$select=id", nil).WantStatus(t, 200)
	mid := sandboxtest.Values(t, msgs)[0]["id"].(string)
	atts := ts.Do(t, tok, "GET", "/v1.0/me/messages/"+mid+"/attachments?$select=id", nil).WantStatus(t, 200)
	value := "/v1.0/me/messages/" + mid + "/attachments/" + sandboxtest.Values(t, atts)[0]["id"].(string) + "/$value"
	resp, part := rawGet(t, ts, tok, "GET", value, "", "Accept-Encoding", "gzip", "Range", "bytes=8-14")
	if resp.StatusCode != 206 || resp.Header.Get("Content-Encoding") != "" || string(part) != "revenue" {
		t.Fatalf("Range answer %d %v %q", resp.StatusCode, resp.Header, part)
	}
}

// jwtClaims decodes a token's payload.
func jwtClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

// TestTokenAudience checks that each API root takes only tokens issued for
// its service, as Graph and Exchange Online do, and that tokens carry the
// audience of the scopes asked for.
func TestTokenAudience(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	token := func(scope string) string {
		return ts.Token(t, url.Values{"grant_type": {"password"}, "client_id": {demo.PublicClientID},
			"username": {demo.User}, "password": {demo.Password}, "scope": {scope}})
	}
	graph := token("https://graph.microsoft.com/Mail.Read")
	bare := token("Mail.Read User.Read")
	outlook := token("https://outlook.office.com/Mail.Read")
	outlook365 := token("https://outlook.office365.com/Mail.Read")
	for tok, aud := range map[string]string{graph: "https://graph.microsoft.com", bare: "https://graph.microsoft.com",
		outlook: "https://outlook.office.com", outlook365: "https://outlook.office365.com"} {
		if got := jwtClaims(t, tok)["aud"]; got != aud {
			t.Errorf("aud %v, want %s", got, aud)
		}
	}
	outlookApp := ts.AppTokenOn(t, sandboxtest.OutlookResource, demo.DaemonClientID, demo.DaemonSecret)
	graphChallenge := fmt.Sprintf(`Bearer realm="", authorization_uri="%s/%s/oauth2/v2.0/authorize", client_id="00000003-0000-0000-c000-000000000000"`, ts.URL, demo.TenantID)
	exchangeChallenge := fmt.Sprintf(`Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*", token_types="app_asserted_user_v1 service_asserted_app_v1", authorization_uri="%s/%s/oauth2/v2.0/authorize", error="invalid_token",Basic Realm=""`, ts.URL, demo.TenantID)
	// Graph refuses Outlook tokens, delegated and app-only, $batch included.
	for _, c := range []struct{ tok, method, path string }{
		{outlook, "GET", "/v1.0/me/testItems"},
		{outlook365, "GET", "/beta/me/testItems"},
		{outlookApp, "GET", "/v1.0/users/" + demo.Bob + "/testItems"},
		{outlook, "POST", "/v1.0/$batch"},
	} {
		r := ts.Do(t, c.tok, c.method, c.path, `{"requests":[{"id":"1","method":"GET","url":"/me"}]}`)
		r.WantError(t, 401, "InvalidAuthenticationToken")
		if msg := r.JSON["error"].(map[string]any)["message"]; msg != "Access token validation failure. Invalid audience." {
			t.Errorf("%s: message %q", c.path, msg)
		}
		if got := r.Header.Get("WWW-Authenticate"); got != graphChallenge {
			t.Errorf("%s: WWW-Authenticate %q", c.path, got)
		}
	}
	// Outlook refuses Graph tokens with Exchange's answer.
	for _, tok := range []string{graph, bare, ts.AppToken(t)} {
		r := ts.Do(t, tok, "GET", "/api/v2.0/me/testItems?$top=1", nil)
		r.WantError(t, 401, "InvalidAudienceForResource")
		msg := r.JSON["error"].(map[string]any)["message"]
		if want := "The audience claim value is invalid for current resource. Audience claim is 'https://graph.microsoft.com', request url is '" +
			ts.URL + "/api/v2.0/me/testItems?$top=1' and resource type is 'Exchange'."; msg != want {
			t.Errorf("message %q\nwant %q", msg, want)
		}
		if got := r.Header.Get("WWW-Authenticate"); got != exchangeChallenge {
			t.Errorf("WWW-Authenticate %q", got)
		}
	}
	ts.Do(t, "", "GET", "/api/v2.0/me/testItems", nil).WantError(t, 401, "InvalidAuthenticationToken")
	// Each token works where it belongs.
	ts.Do(t, graph, "GET", "/v1.0/me/testItems", nil).WantStatus(t, 200)
	ts.Do(t, bare, "GET", "/beta/me/testItems", nil).WantStatus(t, 200)
	ts.Do(t, outlook, "GET", "/api/v2.0/me/testItems", nil).WantStatus(t, 200)
	ts.Do(t, outlook365, "GET", "/api/v2.0/me/testItems", nil).WantStatus(t, 200)
	ts.Do(t, outlookApp, "GET", "/api/v2.0/users/"+demo.Bob+"/testItems", nil).WantStatus(t, 200)
}
