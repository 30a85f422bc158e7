package core_test

import (
	"fmt"
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
	r := ts.Do(t, tok, "POST", "/api/v2.0/me/testItems", map[string]any{
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
	r = ts.Do(t, tok, "GET", "/api/v2.0/Users('"+demo.UserID+"@"+demo.TenantID+"')/TestItems?$select=Subject", nil).WantStatus(t, 200)
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
