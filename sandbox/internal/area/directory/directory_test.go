package directory_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"testing"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

func valueIDs(t testing.TB, r *sandboxtest.Response) []string {
	t.Helper()
	var ids []string
	for _, v := range r.JSON["value"].([]any) {
		ids = append(ids, v.(map[string]any)["id"].(string))
	}
	return ids
}

func TestUsersList(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{Sizes: map[string]int{"directory.extraUsers": 3}})
	tok := ts.AliceToken(t)
	r := ts.Do(t, tok, "GET", "/v1.0/users?$select=displayName", nil).WantStatus(t, 200)
	if got := len(r.JSON["value"].([]any)); got != 8 {
		t.Fatalf("%d users, want 8", got)
	}
	if r.JSON["@odata.context"] != ts.URL+"/v1.0/$metadata#users" {
		t.Errorf("context %v", r.JSON["@odata.context"])
	}
	// $count and $search need ConsistencyLevel: eventual.
	r = ts.Do(t, tok, "GET", "/v1.0/users?$count=true", nil)
	r.WantError(t, 400, "Request_UnsupportedQuery")
	r = ts.Do(t, tok, "GET", `/v1.0/users?$search="displayName:bob"`, nil)
	r.WantError(t, 400, "Request_UnsupportedQuery")
	if msg := r.JSON["error"].(map[string]any)["message"]; msg != "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'" {
		t.Errorf("message %q", msg)
	}
	r = ts.Do(t, tok, "GET", `/v1.0/users?$search="displayName:bob"&$count=true`, nil, "ConsistencyLevel", "eventual").WantStatus(t, 200)
	if ids := valueIDs(t, r); !reflect.DeepEqual(ids, []string{demo.BobID}) || r.JSON["@odata.count"] != float64(1) {
		t.Fatalf("search bob: %s", r.Raw)
	}
	r = ts.Do(t, tok, "GET", "/v1.0/users?$filter=department eq 'Engineering'&$orderby=displayName desc&$select=id", nil).WantStatus(t, 200)
	if ids := valueIDs(t, r); !reflect.DeepEqual(ids, []string{demo.CarolID, demo.BobID, demo.UserID}) {
		t.Fatalf("filter/orderby: %v", ids)
	}
	// ne, not and endsWith are advanced queries: header and $count=true.
	for _, f := range []string{"department ne 'Sales'", "not(department eq 'Sales')", "endswith(mail,'@contoso.onmicrosoft.com')"} {
		ts.Do(t, tok, "GET", "/v1.0/users?$filter="+url.QueryEscape(f), nil, "ConsistencyLevel", "eventual").WantError(t, 400, "Request_UnsupportedQuery")
	}
	r = ts.Do(t, tok, "GET", "/v1.0/users?$count=true&$select=id&$filter="+url.QueryEscape("department ne 'Engineering'"), nil, "ConsistencyLevel", "eventual").WantStatus(t, 200)
	if ids := valueIDs(t, r); !reflect.DeepEqual(ids, []string{demo.DanID, demo.SharedID, core.SeedID("user", "user00001@"+demo.TenantDomain), core.SeedID("user", "user00002@"+demo.TenantDomain), core.SeedID("user", "user00003@"+demo.TenantDomain)}) || r.JSON["@odata.count"] != float64(5) {
		t.Fatalf("ne filter: %s", r.Raw)
	}
	r = ts.Do(t, tok, "GET", "/v1.0/users/$count", nil)
	r.WantError(t, 400, "Request_UnsupportedQuery")
	r = ts.Do(t, tok, "GET", "/v1.0/users/$count", nil, "ConsistencyLevel", "eventual").WantStatus(t, 200)
	if string(r.Raw) != "8" {
		t.Fatalf("$count = %q", r.Raw)
	}
	// A user without a directory scope sees only herself.
	ts.Do(t, ts.AppToken(t), "GET", "/v1.0/users", nil).WantStatus(t, 200)
}

func TestGroupsAndLinks(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	r := ts.Do(t, tok, "GET", "/v1.0/groups/"+demo.EngineeringGroupID+"/members?$select=displayName", nil).WantStatus(t, 200)
	want := []any{
		map[string]any{"@odata.type": "#microsoft.graph.user", "id": demo.UserID, "displayName": "Alice Adams"},
		map[string]any{"@odata.type": "#microsoft.graph.user", "id": demo.BobID, "displayName": "Bob Baker"},
		map[string]any{"@odata.type": "#microsoft.graph.user", "id": demo.CarolID, "displayName": "Carol Clark"},
		map[string]any{"@odata.type": "#microsoft.graph.user", "id": demo.DanID, "displayName": "Dan Davis"},
	}
	if !reflect.DeepEqual(r.JSON["value"], want) {
		t.Fatalf("members = %s", r.Raw)
	}
	r = ts.Do(t, tok, "GET", "/v1.0/groups/"+demo.EngineeringGroupID+"/members/$count", nil, "ConsistencyLevel", "eventual").WantStatus(t, 200)
	if string(r.Raw) != "4" {
		t.Fatalf("members/$count = %q", r.Raw)
	}
	r = ts.Do(t, tok, "GET", "/v1.0/groups/"+demo.EngineeringGroupID+"/owners", nil).WantStatus(t, 200)
	if ids := valueIDs(t, r); !reflect.DeepEqual(ids, []string{demo.UserID}) {
		t.Fatalf("owners %v", ids)
	}
	ts.Do(t, tok, "GET", "/v1.0/groups/nope/members", nil).WantError(t, 404, "Request_ResourceNotFound")
	r = ts.Do(t, tok, "GET", "/v1.0/groups/"+demo.AllStaffGroupID, nil).WantStatus(t, 200)
	if r.JSON["displayName"] != "All Staff" || r.JSON["securityEnabled"] != true {
		t.Fatalf("group %s", r.Raw)
	}
	r = ts.Do(t, tok, "GET", "/v1.0/me/memberOf?$select=id", nil).WantStatus(t, 200)
	if len(r.JSON["value"].([]any)) != 2 {
		t.Fatalf("memberOf %s", r.Raw)
	}
	// Manager chain: Carol -> Bob -> Alice.
	r = ts.Do(t, tok, "GET", "/v1.0/users/"+demo.Carol+"/manager?$select=displayName", nil).WantStatus(t, 200)
	if r.JSON["id"] != demo.BobID || r.JSON["displayName"] != "Bob Baker" {
		t.Fatalf("manager %s", r.Raw)
	}
	ts.Do(t, tok, "GET", "/v1.0/me/manager", nil).WantError(t, 404, "Request_ResourceNotFound")
	r = ts.Do(t, tok, "GET", "/v1.0/users/"+demo.BobID+"/directReports?$orderby=displayName", nil).WantStatus(t, 200)
	if ids := valueIDs(t, r); !reflect.DeepEqual(ids, []string{demo.CarolID, demo.DanID}) {
		t.Fatalf("directReports %v", ids)
	}
	// $expand of directory links, with nested $select.
	r = ts.Do(t, tok, "GET", "/v1.0/users/"+demo.CarolID+"?$select=displayName&$expand=manager($select=displayName)", nil).WantStatus(t, 200)
	wantCarol := map[string]any{"@odata.context": ts.URL + "/v1.0/$metadata#users/$entity", "id": demo.CarolID, "displayName": "Carol Clark",
		"manager": map[string]any{"@odata.type": "#microsoft.graph.user", "id": demo.BobID, "displayName": "Bob Baker"}}
	if !reflect.DeepEqual(r.JSON, wantCarol) {
		t.Fatalf("expand manager %s", r.Raw)
	}
	r = ts.Do(t, tok, "GET", "/v1.0/groups?$filter=displayName eq 'Engineering'&$select=id&$expand=owners($select=id)", nil).WantStatus(t, 200)
	g := r.JSON["value"].([]any)[0].(map[string]any)
	if !reflect.DeepEqual(g["owners"], []any{map[string]any{"@odata.type": "#microsoft.graph.user", "id": demo.UserID}}) {
		t.Fatalf("expand owners %s", r.Raw)
	}
	ts.Do(t, tok, "GET", "/v1.0/users?$expand=nothing", nil).WantError(t, 400, "BadRequest")
	r = ts.Do(t, tok, "GET", "/v1.0/organization", nil).WantStatus(t, 200)
	org := r.JSON["value"].([]any)[0].(map[string]any)
	if org["id"] != demo.TenantID || org["displayName"] != demo.TenantName {
		t.Fatalf("organization %s", r.Raw)
	}
	// The limited app has User.ReadBasic.All: reading Bob is fine.
	ts.Do(t, ts.UserToken(t, demo.LimitedClientID, demo.Carol), "GET", "/v1.0/users/"+demo.Bob, nil).WantStatus(t, 200)
	ts.Do(t, tok, "GET", "/v1.0/users/nobody", nil).WantError(t, 404, "Request_ResourceNotFound")
}

func TestPhoto(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	ts.Do(t, tok, "GET", "/v1.0/me/photo/$value", nil).WantError(t, 404, "ImageNotFound")
	img := jpegImage(t, 300, 200)
	ts.Do(t, tok, "PUT", "/v1.0/me/photo/$value", img, "Content-Type", "text/plain").WantError(t, 415, "UnsupportedMediaType")
	ts.Do(t, tok, "PUT", "/v1.0/me/photo/$value", []byte("not an image"), "Content-Type", "image/jpeg").WantError(t, 400, "ErrorInvalidImage")
	ts.Do(t, tok, "PUT", "/v1.0/me/photo/$value", img, "Content-Type", "application/json").WantError(t, 415, "UnsupportedMediaType")
	// msgraph-sdk-go's Photo().Content().Put sends application/octet-stream.
	ts.Do(t, tok, "PUT", "/v1.0/me/photo/$value", img, "Content-Type", "application/octet-stream").WantStatus(t, 200)
	ts.Do(t, tok, "PUT", "/v1.0/me/photo/$value", img, "Content-Type", "image/jpeg").WantStatus(t, 200)
	r := ts.Do(t, tok, "GET", "/v1.0/me/photo/$value", nil).WantStatus(t, 200)
	if !bytes.Equal(r.Raw, img) || r.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("photo bytes differ (%d bytes, %q)", len(r.Raw), r.Header.Get("Content-Type"))
	}
	r = ts.Do(t, tok, "GET", "/v1.0/me/photo/$value", nil, "Range", "bytes=0-1").WantStatus(t, 206)
	if !bytes.Equal(r.Raw, img[:2]) {
		t.Fatalf("range %x", r.Raw)
	}
	r = ts.Do(t, ts.AppToken(t), "GET", "/v1.0/users/"+demo.User+"/photo", nil).WantStatus(t, 200)
	if r.JSON["@odata.mediaContentType"] != "image/jpeg" || r.JSON["id"] != "300X200" || r.JSON["width"] != float64(300) {
		t.Fatalf("photo meta %s", r.Raw)
	}
	// The sizes Graph serves, up to the shorter side, as real JPEG images.
	sizes := sandboxtest.Values(t, ts.Do(t, tok, "GET", "/v1.0/me/photos", nil).WantStatus(t, 200))
	var ids []string
	for _, s := range sizes {
		ids = append(ids, s["id"].(string))
	}
	if !slices.Equal(ids, []string{"48X48", "64X64", "96X96", "120X120"}) {
		t.Fatalf("sizes %v", ids)
	}
	r = ts.Do(t, tok, "GET", "/v1.0/me/photos/96x96/$value", nil).WantStatus(t, 200)
	if cfg, format, err := image.DecodeConfig(bytes.NewReader(r.Raw)); err != nil || format != "jpeg" || cfg.Width != 96 || cfg.Height != 96 {
		t.Fatalf("96x96: %s %+v %v", format, cfg, err)
	}
	meta := ts.Do(t, tok, "GET", "/v1.0/me/photos/64X64", nil).WantStatus(t, 200)
	if meta.JSON["width"] != float64(64) || meta.JSON["@odata.mediaContentType"] != "image/jpeg" {
		t.Fatalf("64x64 meta %s", meta.Raw)
	}
	ts.Do(t, tok, "GET", "/v1.0/me/photos/240x240/$value", nil).WantError(t, 404, "ImageNotFound")
	ts.Do(t, tok, "GET", "/v1.0/me/photos/50x50", nil).WantError(t, 404, "ImageNotFound")
	// Another user's photo needs a .All permission to change; a group's
	// photo works the same way.
	ts.Do(t, ts.UserToken(t, demo.LimitedClientID, demo.Carol), "PUT", "/v1.0/users/"+demo.Bob+"/photo/$value", img, "Content-Type", "image/jpeg").WantError(t, 403, "ErrorAccessDenied")
	eng := "/v1.0/groups/" + demo.EngineeringGroupID
	ts.Do(t, tok, "GET", eng+"/photo", nil).WantError(t, 404, "ImageNotFound")
	ts.Do(t, tok, "PUT", eng+"/photo/$value", img, "Content-Type", "image/jpeg").WantStatus(t, 200)
	if g := ts.Do(t, tok, "GET", eng+"/photos/48x48", nil).WantStatus(t, 200); g.JSON["id"] != "48X48" {
		t.Fatalf("group photo %s", g.Raw)
	}
	ts.Do(t, tok, "DELETE", "/v1.0/me/photo", nil).WantStatus(t, 204)
	ts.Do(t, tok, "GET", "/v1.0/me/photo/$value", nil).WantError(t, 404, "ImageNotFound")
}

func jpegImage(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: uint8(x), G: uint8(y), B: 99, A: 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestUsersDelta(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	// First round, two per page.
	var seen []string
	next := "/v1.0/users/delta?$select=displayName"
	var deltaLink string
	for deltaLink == "" {
		r := ts.Do(t, tok, "GET", next, nil, "Prefer", "odata.maxpagesize=2").WantStatus(t, 200)
		for _, v := range r.JSON["value"].([]any) {
			doc := v.(map[string]any)
			if len(doc) != 2 {
				t.Fatalf("delta item not projected: %v", doc)
			}
			seen = append(seen, doc["id"].(string))
		}
		next, _ = r.JSON["@odata.nextLink"].(string)
		deltaLink, _ = r.JSON["@odata.deltaLink"].(string)
		if (next == "") == (deltaLink == "") {
			t.Fatalf("page has both or neither links: %s", r.Raw)
		}
	}
	if want := []string{demo.UserID, demo.BobID, demo.CarolID, demo.DanID, demo.SharedID}; !reflect.DeepEqual(seen, want) {
		t.Fatalf("first round %v", seen)
	}
	// Nothing changed yet.
	r := ts.Do(t, tok, "GET", deltaLink, nil).WantStatus(t, 200)
	if len(r.JSON["value"].([]any)) != 0 {
		t.Fatalf("changes without changes: %s", r.Raw)
	}
	deltaLink = r.JSON["@odata.deltaLink"].(string)
	// Change Bob twice and delete Dan: Bob once, Dan removed.
	app := ts.AppToken(t)
	ts.Do(t, app, "PATCH", "/v1.0/users/"+demo.Bob, map[string]any{"jobTitle": "VP"}).WantStatus(t, 204)
	ts.Do(t, app, "PATCH", "/v1.0/users/"+demo.Bob, map[string]any{"displayName": "Robert Baker"}).WantStatus(t, 204)
	ts.Do(t, app, "DELETE", "/v1.0/users/"+demo.DanID, nil).WantStatus(t, 204)
	r = ts.Do(t, tok, "GET", deltaLink, nil).WantStatus(t, 200)
	want := []any{
		map[string]any{"id": demo.BobID, "displayName": "Robert Baker"},
		// Dan is in deletedItems, restorable: "changed".
		map[string]any{"id": demo.DanID, "@removed": map[string]any{"reason": "changed"}},
	}
	if !reflect.DeepEqual(r.JSON["value"], want) {
		t.Fatalf("second round %s", r.Raw)
	}
	// latest: nothing, and a link from now.
	r = ts.Do(t, tok, "GET", "/v1.0/users/delta?$deltatoken=latest", nil).WantStatus(t, 200)
	if len(r.JSON["value"].([]any)) != 0 || r.JSON["@odata.deltaLink"] == nil {
		t.Fatalf("latest %s", r.Raw)
	}
	// A tampered token and a token of another collection are 410 with Location.
	u, _ := url.Parse(deltaLink)
	tokv := u.Query().Get("$deltatoken")
	bad := ts.Do(t, tok, "GET", "/v1.0/users/delta?$deltatoken="+url.QueryEscape(tamper(tokv)), nil)
	bad.WantError(t, http.StatusGone, "SyncStateNotFound")
	if bad.Header.Get("Location") != ts.URL+"/v1.0/users/delta" {
		t.Errorf("Location %q", bad.Header.Get("Location"))
	}
	ts.Do(t, tok, "GET", "/v1.0/groups/delta?$deltatoken="+url.QueryEscape(tokv), nil).WantError(t, http.StatusGone, "SyncStateNotFound")
}

func TestDemoTenantIsDeterministic(t *testing.T) {
	dump := func() string {
		ts := sandboxtest.New(t, sandboxtest.Options{Sizes: map[string]int{"directory.extraUsers": 2}})
		app := ts.AppToken(t)
		var out []byte
		for _, p := range []string{"/v1.0/users", "/v1.0/groups", "/v1.0/organization", "/v1.0/groups/" + demo.AllStaffGroupID + "/members"} {
			r := ts.Do(t, app, "GET", p, nil).WantStatus(t, 200)
			out = append(out, bytes.ReplaceAll(r.Raw, []byte(ts.URL), nil)...)
		}
		return string(out)
	}
	if a, b := dump(), dump(); a != b {
		t.Fatalf("two demo tenants differ:\n%s\n%s", a, b)
	}
}

// tamper changes a token's next-to-last character, which base64 always
// decodes in full (the last one may hold only padding bits), to another one:
// a fixed replacement would leave a token that already has it intact.
func tamper(tok string) string {
	c := byte('A')
	if tok[len(tok)-2] == c {
		c = 'B'
	}
	return tok[:len(tok)-2] + string(c) + tok[len(tok)-1:]
}
