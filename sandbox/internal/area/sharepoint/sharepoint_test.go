package sharepoint_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

const team = "/v1.0/sites/contoso.sharepoint.com:/sites/team:"

// scoped is a delegated token of Alice's with exactly scope.
func scoped(t *testing.T, ts *sandboxtest.Server, scope string) string {
	return ts.Token(t, url.Values{"grant_type": {"password"}, "client_id": {demo.PublicClientID},
		"username": {demo.User}, "password": {demo.Password}, "scope": {scope}})
}

func str(v any) string { s, _ := v.(string); return s }

func TestSiteAddressing(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	get := func(path string) map[string]any {
		t.Helper()
		return ts.Do(t, tok, "GET", "/v1.0/sites/"+path, nil).WantStatus(t, 200).JSON
	}
	root := get("root")
	rootID := str(root["id"])
	parts := strings.Split(rootID, ",")
	if len(parts) != 3 || parts[0] != "contoso.sharepoint.com" || root["root"] == nil || str(root["webUrl"]) != "https://contoso.sharepoint.com" {
		t.Fatalf("root site: %v", root)
	}
	for _, form := range []string{"contoso.sharepoint.com", "CONTOSO.sharepoint.com", rootID, strings.ToUpper(rootID[:1]) + rootID[1:],
		parts[0] + "," + parts[1], "contoso.sharepoint.com:/", "contoso.sharepoint.com:", "root?$select=id"} {
		if got := get(form); str(got["id"]) != rootID {
			t.Errorf("%s: %v, want the root site", form, got["id"])
		}
	}
	teamSite := ts.Do(t, tok, "GET", team, nil).WantStatus(t, 200).JSON
	teamID := str(teamSite["id"])
	if teamSite["name"] != "team" || teamSite["root"] != nil || teamSite["webUrl"] != "https://contoso.sharepoint.com/sites/team" {
		t.Fatalf("team site: %v", teamSite)
	}
	tp := strings.Split(teamID, ",")
	for _, form := range []string{"contoso.sharepoint.com:/sites/team", "contoso.sharepoint.com:/sites/TEAM:", "contoso.sharepoint.com:/sites/team/",
		teamID, tp[0] + "," + tp[1]} {
		if got := get(form); str(got["id"]) != teamID {
			t.Errorf("%s: %v, want the team site", form, got["id"])
		}
	}
	// A subsite shares its collection's id.
	sub := get("contoso.sharepoint.com:/sites/team/projects")
	if sp := strings.Split(str(sub["id"]), ","); sp[1] != tp[1] || sp[2] == tp[2] {
		t.Fatalf("subsite ids %v vs %v", sub["id"], teamID)
	}
	// Requests below a site work in every form.
	for _, base := range []string{team, "/v1.0/sites/" + teamID, "/v1.0/sites('" + teamID + "')"} {
		r := ts.Do(t, tok, "GET", base+"/lists?$select=displayName", nil).WantStatus(t, 200)
		if v := sandboxtest.Values(t, r); len(v) != 2 || v[0]["displayName"] != "Inventory" || v[1]["displayName"] != "Documents" {
			t.Errorf("%s lists: %s", base, r.Raw)
		}
	}
	ts.Do(t, tok, "GET", "/v1.0/sites/fabrikam.sharepoint.com:/sites/team", nil).WantError(t, 400, "invalidRequest")
	ts.Do(t, tok, "GET", "/v1.0/sites/fabrikam.sharepoint.com,"+tp[1]+","+tp[2], nil).WantError(t, 400, "invalidRequest")
	ts.Do(t, tok, "GET", "/v1.0/sites/contoso.sharepoint.com:/sites/nowhere", nil).WantError(t, 404, "itemNotFound")
	ts.Do(t, tok, "GET", "/v1.0/sites/contoso.sharepoint.com,"+tp[1]+",00000000-0000-0000-0000-000000000000", nil).WantError(t, 404, "itemNotFound")
	ts.Do(t, tok, "GET", "/v1.0/sites/contoso.sharepoint.com,x,y,z", nil).WantError(t, 404, "itemNotFound")
	ts.Do(t, tok, "GET", "/v1.0/sites/:/sites/team", nil).WantError(t, 400, "invalidRequest")
	ts.Do(t, tok, "GET", "/v1.0/sites/contoso.sharepoint.com:/sites/team/lists", nil).WantError(t, 404, "itemNotFound") // no closing ':'

	// The group's site.
	g := ts.Do(t, tok, "GET", "/v1.0/groups/"+demo.EngineeringGroupID+"/sites/root", nil).WantStatus(t, 200).JSON
	if g["webUrl"] != "https://contoso.sharepoint.com/sites/engineering" {
		t.Fatalf("group site %v", g)
	}
	ts.Do(t, tok, "GET", "/v1.0/groups/"+demo.AllStaffGroupID+"/sites/root", nil).WantError(t, 404, "itemNotFound")

	// Permissions: no Sites scope is 403; the daemon reads.
	ts.Do(t, scoped(t, ts, "Mail.Read"), "GET", "/v1.0/sites/root", nil).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, ts.AppToken(t), "GET", "/v1.0/sites/root", nil).WantStatus(t, 200)
}

func TestSearchSubsitesAndFollowedSites(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	names := func(r *sandboxtest.Response) []string {
		var out []string
		for _, v := range sandboxtest.Values(t, r) {
			out = append(out, str(v["name"]))
		}
		return out
	}
	r := ts.Do(t, tok, "GET", "/v1.0/sites?search=marketing", nil).WantStatus(t, 200)
	if got := names(r); len(got) != 1 || got[0] != "marketing" {
		t.Fatalf("search: %v", got)
	}
	r = ts.Do(t, tok, "GET", "/v1.0/sites?search=Project%20tracking", nil).WantStatus(t, 200)
	if got := names(r); len(got) != 1 || got[0] != "projects" {
		t.Fatalf("search two words: %v", got)
	}
	r = ts.Do(t, tok, "GET", "/v1.0/sites?search=*&$top=2", nil).WantStatus(t, 200)
	if len(sandboxtest.Values(t, r)) != 2 || r.JSON["@odata.nextLink"] == nil {
		t.Fatalf("all sites, paged: %s", r.Raw)
	}
	r = ts.Do(t, tok, "GET", team+"/sites", nil).WantStatus(t, 200)
	if got := names(r); len(got) != 1 || got[0] != "projects" {
		t.Fatalf("subsites: %v", got)
	}
	r = ts.Do(t, tok, "GET", "/v1.0/sites/root/sites", nil).WantStatus(t, 200)
	if got := names(r); len(got) != 0 {
		t.Fatalf("root subsites: %v", got)
	}

	r = ts.Do(t, tok, "GET", "/v1.0/me/followedSites", nil).WantStatus(t, 200)
	if got := names(r); len(got) != 1 || got[0] != "team" {
		t.Fatalf("followed: %v", got)
	}
	mkt := str(ts.Do(t, tok, "GET", "/v1.0/sites/contoso.sharepoint.com:/sites/marketing", nil).WantStatus(t, 200).JSON["id"])
	r = ts.Do(t, tok, "POST", "/v1.0/users/"+demo.UserID+"/followedSites/add", map[string]any{"value": []any{map[string]any{"id": mkt}}}).WantStatus(t, 200)
	if got := names(r); len(got) != 1 || got[0] != "marketing" {
		t.Fatalf("follow: %s", r.Raw)
	}
	r = ts.Do(t, tok, "GET", "/v1.0/me/followedSites", nil).WantStatus(t, 200)
	if got := names(r); len(got) != 2 {
		t.Fatalf("followed after add: %v", got)
	}
	// A site that does not exist: 207 with an error entry, the other one followed.
	r = ts.Do(t, tok, "POST", "/v1.0/me/followedSites/remove", map[string]any{"value": []any{
		map[string]any{"id": mkt}, map[string]any{"id": "contoso.sharepoint.com,1,2"}}}).WantStatus(t, 207)
	if v := sandboxtest.Values(t, r); len(v) != 1 || v[0]["error"].(map[string]any)["code"] != "itemNotFound" {
		t.Fatalf("remove: %s", r.Raw)
	}
	ts.Do(t, tok, "POST", "/v1.0/me/followedSites/remove", map[string]any{"value": []any{map[string]any{"id": mkt}}}).WantStatus(t, 207)
	ts.Do(t, tok, "POST", "/v1.0/me/followedSites/add", map[string]any{"value": []any{}}).WantError(t, 400, "invalidRequest")
	// Followed sites are the signed-in user's own: not another user's, not an app's.
	ts.Do(t, tok, "GET", "/v1.0/users/"+demo.Bob+"/followedSites", nil).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, ts.AppToken(t), "GET", "/v1.0/users/"+demo.Bob+"/followedSites", nil).WantError(t, 403, "ErrorAccessDenied")
	r = ts.Do(t, ts.UserToken(t, demo.PublicClientID, demo.Bob), "GET", "/v1.0/me/followedSites", nil).WantStatus(t, 200)
	if len(sandboxtest.Values(t, r)) != 0 {
		t.Fatalf("Bob follows %s", r.Raw)
	}
}

// newList creates a list with a column of each common kind (and a lookup
// to Inventory) on the team site and returns its id.
func newList(t *testing.T, ts *sandboxtest.Server, tok, title string) string {
	t.Helper()
	inv := ts.Do(t, tok, "GET", team+"/lists/Inventory", nil).WantStatus(t, 200).JSON
	r := ts.Do(t, tok, "POST", team+"/lists", map[string]any{
		"displayName": title,
		"columns": []any{
			map[string]any{"name": "Code", "text": map[string]any{"maxLength": 8}, "enforceUniqueValues": true},
			map[string]any{"name": "Pages", "number": map[string]any{"minimum": 1, "maximum": 5000}},
			map[string]any{"displayName": "Genre Kind", "choice": map[string]any{"choices": []any{"Novel", "Poetry", "Essay"}}},
			map[string]any{"name": "Published", "dateTime": map[string]any{"format": "dateOnly"}, "indexed": true},
			map[string]any{"name": "Available", "boolean": map[string]any{}},
			map[string]any{"name": "Editor0", "displayName": "Book editor", "personOrGroup": map[string]any{}},
			map[string]any{"name": "Part", "lookup": map[string]any{"listId": inv["id"], "columnName": "Title"}},
			map[string]any{"name": "Tags", "choice": map[string]any{"choices": []any{"a", "b", "c"}, "displayAs": "checkBoxes"}},
		},
		"list": map[string]any{"template": "genericList"},
	}).WantStatus(t, 201)
	if r.JSON["displayName"] != title || r.JSON["name"] != strings.ReplaceAll(title, " ", "") || r.JSON["list"].(map[string]any)["template"] != "genericList" {
		t.Fatalf("created list: %s", r.Raw)
	}
	return str(r.JSON["id"])
}

func TestLists(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	id := newList(t, ts, tok, "Reading List")
	for _, key := range []string{id, strings.ToUpper(id), "Reading List", "reading list", "ReadingList"} {
		r := ts.Do(t, tok, "GET", team+"/lists/"+url.PathEscape(key), nil).WantStatus(t, 200)
		if r.JSON["id"] != id || r.JSON["webUrl"] != "https://contoso.sharepoint.com/sites/team/Lists/ReadingList" {
			t.Fatalf("list by %q: %s", key, r.Raw)
		}
	}
	r := ts.Do(t, tok, "GET", team+"/lists/"+id+"/columns?$select=name,displayName,indexed,readOnly", nil).WantStatus(t, 200)
	byName := map[string]map[string]any{}
	for _, c := range sandboxtest.Values(t, r) {
		byName[str(c["name"])] = c
	}
	for _, name := range []string{"Title", "ID", "Created", "Modified", "Author", "Editor", "Code", "Pages", "Genre_x0020_Kind", "Published", "Available", "Editor0", "Part", "Tags"} {
		if byName[name] == nil {
			t.Errorf("column %s missing: %s", name, r.Raw)
		}
	}
	if byName["Code"]["indexed"] != true || byName["Created"]["readOnly"] != true || byName["Genre_x0020_Kind"]["displayName"] != "Genre Kind" {
		t.Fatalf("columns: %s", r.Raw)
	}
	col := ts.Do(t, tok, "GET", team+"/lists/"+id+"/columns/Pages", nil).WantStatus(t, 200).JSON
	if n := col["number"].(map[string]any); n["minimum"] != 1.0 || n["maximum"] != 5000.0 || n["decimalPlaces"] != "automatic" {
		t.Fatalf("number column %v", col)
	}
	// List expansions and content types.
	r = ts.Do(t, tok, "GET", team+"/lists/"+id+"?$expand=columns($select=name),contentTypes($select=name)&$select=id", nil).WantStatus(t, 200)
	if len(r.JSON["columns"].([]any)) < 14 || len(r.JSON["contentTypes"].([]any)) != 2 {
		t.Fatalf("expanded list: %s", r.Raw)
	}
	r = ts.Do(t, tok, "GET", team+"/contentTypes?$filter=name eq 'Document'", nil).WantStatus(t, 200)
	if v := sandboxtest.Values(t, r); len(v) != 1 || v[0]["id"] != "0x0101" {
		t.Fatalf("site content types: %s", r.Raw)
	}
	ts.Do(t, tok, "GET", team+"/contentTypes/0x0101", nil).WantStatus(t, 200)
	ts.Do(t, tok, "GET", team+"/columns/Title", nil).WantStatus(t, 200)

	// Creating lists: Graph's refusals.
	ts.Do(t, tok, "POST", team+"/lists", map[string]any{"displayName": "reading list"}).WantError(t, 409, "nameAlreadyExists")
	ts.Do(t, tok, "POST", team+"/lists", map[string]any{"name": "X", "displayName": "X"}).WantError(t, 400, "invalidRequest")
	ts.Do(t, tok, "POST", team+"/lists", map[string]any{"displayName": "Y", "columns": []any{map[string]any{"name": "C"}}}).WantError(t, 400, "invalidRequest")
	ts.Do(t, tok, "POST", team+"/lists", map[string]any{"displayName": "Y", "columns": []any{map[string]any{"name": "C", "text": map[string]any{}, "number": map[string]any{}}}}).WantError(t, 400, "invalidRequest")
	ts.Do(t, tok, "POST", team+"/lists", map[string]any{"displayName": "Y", "columns": []any{map[string]any{"name": "Title", "text": map[string]any{}}}}).WantError(t, 409, "nameAlreadyExists")
	ts.Do(t, tok, "POST", team+"/lists", map[string]any{"displayName": "Y", "columns": []any{map[string]any{"name": "P", "number": map[string]any{"minimum": 5, "maximum": 1}}}}).WantError(t, 400, "invalidRequest")
	ts.Do(t, tok, "POST", team+"/lists", map[string]any{"displayName": "Y", "columns": []any{map[string]any{"name": "L", "lookup": map[string]any{"listId": "nope"}}}}).WantError(t, 400, "invalidRequest")
	ts.Do(t, tok, "POST", team+"/lists", map[string]any{"displayName": "Y", "columns": []any{map[string]any{"name": "G", "geolocation": map[string]any{}}}}).WantError(t, 501, "notSupported")
	ts.Do(t, tok, "POST", team+"/lists", map[string]any{"displayName": "Y", "list": map[string]any{"template": "survey"}}).WantError(t, 400, "invalidRequest")
	ts.Do(t, tok, "POST", team+"/lists", map[string]any{"displayName": ""}).WantError(t, 400, "invalidRequest")
	// Delegated callers need Sites.Manage.All to create lists, apps Sites.ReadWrite.All.
	ts.Do(t, scoped(t, ts, "Sites.ReadWrite.All"), "POST", team+"/lists", map[string]any{"displayName": "Z"}).WantError(t, 403, "ErrorAccessDenied")
	app := ts.Do(t, ts.AppToken(t), "POST", team+"/lists", map[string]any{"displayName": "By the app"}).WantStatus(t, 201).JSON
	if app["createdBy"].(map[string]any)["application"].(map[string]any)["id"] != demo.DaemonClientID {
		t.Fatalf("app's list: %v", app["createdBy"])
	}

	// Update.
	r = ts.Do(t, tok, "PATCH", team+"/lists/"+id, map[string]any{"displayName": "Books", "description": "Things to read"}).WantStatus(t, 200)
	if r.JSON["displayName"] != "Books" || r.JSON["name"] != "ReadingList" || r.JSON["eTag"] == nil || strings.HasSuffix(str(r.JSON["eTag"]), ",1\"") {
		t.Fatalf("patched list %s", r.Raw)
	}
	ts.Do(t, tok, "GET", team+"/lists/Books", nil).WantStatus(t, 200)
	ts.Do(t, tok, "PATCH", team+"/lists/"+id, map[string]any{"displayName": "Inventory"}).WantError(t, 409, "nameAlreadyExists")
	ts.Do(t, tok, "PATCH", team+"/lists/"+id, map[string]any{"name": "Other"}).WantError(t, 400, "invalidRequest")
	ts.Do(t, tok, "PATCH", team+"/lists/"+id, map[string]any{"list": map[string]any{"template": "documentLibrary"}}).WantError(t, 400, "invalidRequest")

	// Columns: add, change, delete (with their values).
	r = ts.Do(t, tok, "POST", team+"/lists/"+id+"/columns", map[string]any{"displayName": "Shelf", "text": map[string]any{}}).WantStatus(t, 201)
	if r.JSON["name"] != "Shelf" || r.JSON["text"].(map[string]any)["maxLength"] != 255.0 {
		t.Fatalf("new column %s", r.Raw)
	}
	ts.Do(t, tok, "POST", team+"/lists/"+id+"/columns", map[string]any{"name": "shelf", "number": map[string]any{}}).WantError(t, 409, "nameAlreadyExists")
	ts.Do(t, tok, "POST", team+"/lists/"+id+"/items", map[string]any{"fields": map[string]any{"Title": "Dune", "Shelf": "B2"}}).WantStatus(t, 201)
	r = ts.Do(t, tok, "PATCH", team+"/lists/"+id+"/columns/Shelf", map[string]any{"required": true, "text": map[string]any{"maxLength": 4}}).WantStatus(t, 200)
	if r.JSON["required"] != true || r.JSON["text"].(map[string]any)["maxLength"] != 4.0 {
		t.Fatalf("patched column %s", r.Raw)
	}
	ts.Do(t, tok, "PATCH", team+"/lists/"+id+"/columns/Shelf", map[string]any{"number": map[string]any{}}).WantError(t, 400, "invalidRequest")
	ts.Do(t, tok, "PATCH", team+"/lists/"+id+"/columns/Created", map[string]any{"required": true}).WantError(t, 403, "accessDenied")
	ts.Do(t, tok, "DELETE", team+"/lists/"+id+"/columns/Title", nil).WantError(t, 403, "accessDenied")
	ts.Do(t, tok, "DELETE", team+"/lists/"+id+"/columns/Shelf", nil).WantStatus(t, 204)
	f := ts.Do(t, tok, "GET", team+"/lists/"+id+"/items/1/fields", nil).WantStatus(t, 200).JSON
	if _, ok := f["Shelf"]; ok || f["Title"] != "Dune" {
		t.Fatalf("fields after the column's deletion: %v", f)
	}
	ts.Do(t, tok, "GET", team+"/lists/"+id+"/columns/Shelf", nil).WantError(t, 404, "itemNotFound")

	// Site columns.
	r = ts.Do(t, tok, "POST", team+"/columns", map[string]any{"name": "Region", "choice": map[string]any{"choices": []any{"EU", "US"}}}).WantStatus(t, 201)
	if r.JSON["choice"].(map[string]any)["displayAs"] != "dropDownMenu" {
		t.Fatalf("site column %s", r.Raw)
	}
	ts.Do(t, tok, "GET", team+"/columns/Region", nil).WantStatus(t, 200)
	ts.Do(t, tok, "DELETE", team+"/columns/Region", nil).WantStatus(t, 204)

	// Delete the list, with its items.
	ts.Do(t, tok, "DELETE", team+"/lists/"+id, nil).WantStatus(t, 204)
	ts.Do(t, tok, "GET", team+"/lists/"+id, nil).WantError(t, 404, "itemNotFound")
	ts.Do(t, tok, "GET", team+"/lists/"+id+"/items", nil).WantError(t, 404, "itemNotFound")
	if n := countItems(t, ts, id); n != 0 {
		t.Fatalf("%d items left", n)
	}
	// System lists are listed only when system is selected, and cannot change.
	r = ts.Do(t, tok, "GET", team+"/lists?$select=displayName,system", nil).WantStatus(t, 200)
	if len(sandboxtest.Values(t, r)) != 4 {
		t.Fatalf("lists with system: %s", r.Raw)
	}
	ts.Do(t, tok, "DELETE", team+"/lists/User Information List", nil).WantError(t, 403, "accessDenied")
	ts.Do(t, tok, "POST", team+"/lists/User Information List/items", map[string]any{"fields": map[string]any{"Title": "x"}}).WantError(t, 403, "accessDenied")
}

func countItems(t *testing.T, ts *sandboxtest.Server, listID string) int {
	t.Helper()
	var n int
	err := ts.Engine.Store().Read(t.Context(), func(tx *core.Tx) error {
		var err error
		n, err = tx.Count(t.Context(), core.Scope{Collection: "listItems", Owner: listID})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestItemValidation(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	id := newList(t, ts, tok, "Books")
	items := team + "/lists/" + id + "/items"
	good := map[string]any{"Title": "Dune", "Code": "D-1", "Pages": "412", "Genre_x0020_Kind": "Novel", "Published": "1965-08-01",
		"Available": true, "Editor0LookupId": 7, "PartLookupId": "2", "Tags@odata.type": "Collection(Edm.String)", "Tags": []any{"a", "c"}}
	r := ts.Do(t, tok, "POST", items, map[string]any{"fields": good}).WantStatus(t, 201)
	f := r.JSON["fields"].(map[string]any)
	want := map[string]any{"Title": "Dune", "LinkTitle": "Dune", "Code": "D-1", "Pages": 412.0, "Genre_x0020_Kind": "Novel",
		"Published": "1965-08-01T00:00:00Z", "Available": true, "Editor0LookupId": "7", "PartLookupId": "2", "Part": "Gadget",
		"Tags@odata.type": "Collection(Edm.String)", "AuthorLookupId": "6", "EditorLookupId": "6", "_UIVersionString": "1.0", "id": "1", "ContentType": "Item"}
	for k, v := range want {
		if fmt.Sprint(f[k]) != fmt.Sprint(v) {
			t.Errorf("fields[%s] = %v, want %v", k, f[k], v)
		}
	}
	if tags := f["Tags"].([]any); len(tags) != 2 || tags[1] != "c" {
		t.Errorf("Tags %v", f["Tags"])
	}
	if r.JSON["id"] != "1" || r.JSON["@odata.etag"] != f["@odata.etag"] || !strings.HasSuffix(str(r.JSON["eTag"]), ",1\"") ||
		r.JSON["createdBy"].(map[string]any)["user"].(map[string]any)["id"] != demo.UserID {
		t.Fatalf("created item %s", r.Raw)
	}

	bad := []struct {
		fields map[string]any
		msg    string
	}{
		{map[string]any{"Title": "x", "Colour": "red"}, "Field 'Colour' is not recognized"},
		{map[string]any{"Title": "x", "Created": "2026-01-01T00:00:00Z"}, "Field 'Created' is read-only"},
		{map[string]any{"Title": "x", "AuthorLookupId": 6}, "read-only"},
		{map[string]any{"Title": 5}, "is not text"},
		{map[string]any{"Title": "x", "Code": "123456789"}, "at most 8"},
		{map[string]any{"Title": "x", "Pages": "many"}, "is not a number"},
		{map[string]any{"Title": "x", "Pages": 0}, "between 1 and 5000"},
		{map[string]any{"Title": "x", "Pages": true}, "is not a number"},
		{map[string]any{"Title": "x", "Genre_x0020_Kind": "Drama"}, "not one of the choices"},
		{map[string]any{"Title": "x", "Published": "yesterday"}, "is not a date"},
		{map[string]any{"Title": "x", "Available": "maybe"}, "is not true or false"},
		{map[string]any{"Title": "x", "Editor0LookupId": 99}, "no person has the lookup id 99"},
		{map[string]any{"Title": "x", "Editor0LookupId": 1.5}, "is not a lookup id"},
		{map[string]any{"Title": "x", "Editor0": "Alice"}, "set it with 'Editor0LookupId'"},
		{map[string]any{"Title": "x", "PartLookupId": 42}, "no item 42"},
		{map[string]any{"Title": "x", "Tags": []any{"a"}}, "Tags@odata.type"},
		{map[string]any{"Title": "x", "Tags@odata.type": "Collection(Edm.String)", "Tags": []any{"z"}}, "not one of the choices"},
		{map[string]any{"Title": "x", "Tags": "a"}, "holds several values"},
		{map[string]any{"Title": "x", "Pages@odata.type": "Edm.Int32"}, "belongs to no field"},
		{map[string]any{"Code": "Z-1"}, "Field 'Title' is required."},
		{map[string]any{"Title": "Other", "Code": "d-1"}, "enforces unique values"},
	}
	for _, b := range bad {
		r := ts.Do(t, tok, "POST", items, map[string]any{"fields": b.fields})
		r.WantError(t, 400, "invalidRequest")
		if msg := str(r.JSON["error"].(map[string]any)["message"]); !strings.Contains(msg, b.msg) {
			t.Errorf("%v: message %q, want %q", b.fields, msg, b.msg)
		}
	}
	ts.Do(t, tok, "POST", items, map[string]any{"fields": "x"}).WantError(t, 400, "invalidRequest")
	if n := countItems(t, ts, id); n != 1 {
		t.Fatalf("refused items were stored: %d items", n)
	}
}

func TestItemsUpdateDeleteAndETags(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	id := newList(t, ts, tok, "Books")
	items := team + "/lists/" + id + "/items"
	created := ts.Do(t, tok, "POST", items, map[string]any{"fields": map[string]any{"Title": "Dune", "Pages": 412}}).WantStatus(t, 201).JSON
	tag1 := str(created["eTag"])
	bob := ts.UserToken(t, demo.PublicClientID, demo.Bob)
	r := ts.Do(t, bob, "PATCH", items+"/1/fields", map[string]any{"Pages": 500, "Available": false}, "If-Match", tag1).WantStatus(t, 200)
	if r.JSON["Pages"] != 500.0 || r.JSON["Available"] != false || r.JSON["Title"] != "Dune" || r.JSON["_UIVersionString"] != "2.0" ||
		r.JSON["EditorLookupId"] != "7" || r.JSON["AuthorLookupId"] != "6" || r.JSON["@odata.etag"] == tag1 {
		t.Fatalf("patched fields %s", r.Raw)
	}
	if !strings.Contains(str(r.JSON["@odata.context"]), "/items('1')/fields/$entity") {
		t.Errorf("context %v", r.JSON["@odata.context"])
	}
	tag2 := str(r.JSON["@odata.etag"])
	ts.Do(t, tok, "PATCH", items+"/1/fields", map[string]any{"Pages": 1}, "If-Match", tag1).WantError(t, 412, "resourceModified")
	ts.Do(t, tok, "PATCH", items+"/1/fields", map[string]any{"Pages": "x"}).WantError(t, 400, "invalidRequest")
	ts.Do(t, tok, "PATCH", items+"/1/fields", map[string]any{"Title": nil}).WantError(t, 400, "invalidRequest") // required
	r = ts.Do(t, tok, "PATCH", items+"/1", map[string]any{"fields": map[string]any{"Pages": nil}}, "If-Match", "W/"+tag2).WantStatus(t, 200)
	if _, ok := r.JSON["fields"].(map[string]any)["Pages"]; ok || r.JSON["lastModifiedBy"].(map[string]any)["user"].(map[string]any)["id"] != demo.UserID {
		t.Fatalf("patched item %s", r.Raw)
	}
	ts.Do(t, tok, "PATCH", items+"/1", map[string]any{"webUrl": "x"}).WantError(t, 400, "invalidRequest")
	ts.Do(t, tok, "PATCH", items+"/9/fields", map[string]any{"Pages": 1}).WantError(t, 404, "itemNotFound")
	// App-only writes are the SharePoint App's.
	r = ts.Do(t, ts.AppToken(t), "PATCH", items+"/1/fields", map[string]any{"Pages": 3}).WantStatus(t, 200)
	if r.JSON["EditorLookupId"] != "1073741822" {
		t.Fatalf("app's update %s", r.Raw)
	}
	// Item GET: no fields unless expanded; $select inside the expansion.
	r = ts.Do(t, tok, "GET", items+"/1", nil).WantStatus(t, 200)
	if _, ok := r.JSON["fields"]; ok || r.JSON["id"] != "1" {
		t.Fatalf("item %s", r.Raw)
	}
	r = ts.Do(t, tok, "GET", items+"/1?$select=id&$expand=fields($select=Title,Pages)", nil).WantStatus(t, 200)
	if f := r.JSON["fields"].(map[string]any); len(f) != 4 || f["Title"] != "Dune" || f["Pages"] != 3.0 || r.JSON["createdBy"] != nil {
		t.Fatalf("selected item %s", r.Raw)
	}
	r = ts.Do(t, tok, "GET", items+"/1/fields?$select=Title", nil).WantStatus(t, 200)
	if r.JSON["Title"] != "Dune" || r.JSON["Pages"] != nil {
		t.Fatalf("selected fields %s", r.Raw)
	}
	ts.Do(t, tok, "DELETE", items+"/1", nil, "If-Match", tag1).WantError(t, 412, "resourceModified")
	ts.Do(t, tok, "DELETE", items+"/1", nil, "If-Match", "*").WantStatus(t, 204)
	ts.Do(t, tok, "GET", items+"/1", nil).WantError(t, 404, "itemNotFound")
	ts.Do(t, tok, "DELETE", items+"/1", nil).WantError(t, 404, "itemNotFound")
	// Ids are not reused.
	r = ts.Do(t, tok, "POST", items, map[string]any{"fields": map[string]any{"Title": "Emma"}}).WantStatus(t, 201)
	if r.JSON["id"] != "2" {
		t.Fatalf("next id %v", r.JSON["id"])
	}
	// Readers cannot write.
	ts.Do(t, scoped(t, ts, "Sites.Read.All"), "POST", items, map[string]any{"fields": map[string]any{"Title": "x"}}).WantError(t, 403, "ErrorAccessDenied")
}

func TestItemQueries(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{Sizes: map[string]int{"sharepoint.inventoryItems": 297}})
	tok := ts.AliceToken(t)
	items := team + "/lists/Inventory/items"
	// The default page is 200 items, in id order, without fields.
	r := ts.Do(t, tok, "GET", items, nil).WantStatus(t, 200)
	v := sandboxtest.Values(t, r)
	if len(v) != 200 || v[0]["id"] != "1" || v[199]["id"] != "200" || v[0]["fields"] != nil || r.JSON["@odata.nextLink"] == nil {
		t.Fatalf("first page: %d items, next %v", len(v), r.JSON["@odata.nextLink"])
	}
	r = ts.Do(t, tok, "GET", str(r.JSON["@odata.nextLink"]), nil).WantStatus(t, 200)
	if v := sandboxtest.Values(t, r); len(v) != 100 || v[99]["id"] != "300" || r.JSON["@odata.nextLink"] != nil {
		t.Fatalf("last page: %d items", len(v))
	}
	// Quantity is indexed: filtered without the Prefer header.
	r = ts.Do(t, tok, "GET", items+"?$filter=fields/Quantity lt 20&expand=fields(select=Quantity)", nil).WantStatus(t, 200)
	for _, it := range sandboxtest.Values(t, r) {
		if q := it["fields"].(map[string]any)["Quantity"].(float64); q >= 20 {
			t.Fatalf("Quantity %v", q)
		}
	}
	// Color is not: Graph's 400, unless the request prefers the risk.
	r = ts.Do(t, tok, "GET", items+"?$filter=fields/Color eq 'Red' and fields/InStock eq true", nil)
	r.WantError(t, 400, "invalidRequest")
	if !strings.Contains(str(r.JSON["error"].(map[string]any)["message"]), "Prefer: HonorNonIndexedQueriesWarningMayFailRandomly") {
		t.Fatalf("message %s", r.Raw)
	}
	ts.Do(t, tok, "GET", items+"?$orderby=fields/Title", nil).WantError(t, 400, "invalidRequest")
	ts.Do(t, tok, "GET", items+"?$filter=fields/Nope eq 1", nil, "Prefer", "HonorNonIndexedQueriesWarningMayFailRandomly").WantError(t, 400, "invalidRequest")
	prefer := []string{"Prefer", "HonorNonIndexedQueriesWarningMayFailRandomly"}
	r = ts.Do(t, tok, "GET", items+"?$filter=fields/Color eq 'Red' and fields/InStock eq true&$expand=fields&$top=50", nil, prefer...).WantStatus(t, 200)
	n := 0
	for {
		for _, it := range sandboxtest.Values(t, r) {
			f := it["fields"].(map[string]any)
			if f["Color"] != "Red" || f["InStock"] != true {
				t.Fatalf("filtered item %v", f)
			}
			n++
		}
		next := str(r.JSON["@odata.nextLink"])
		if next == "" {
			break
		}
		r = ts.Do(t, tok, "GET", next, nil, prefer...).WantStatus(t, 200)
	}
	// Items 1, 4, 7 ... are Red; every fourth is out of stock.
	if want := 75; n != want {
		t.Fatalf("%d red items in stock, want %d", n, want)
	}
	r = ts.Do(t, tok, "GET", items+"?$orderby=fields/Quantity desc&$top=3&$expand=fields($select=Quantity)", nil).WantStatus(t, 200)
	v = sandboxtest.Values(t, r)
	if q0, q1 := v[0]["fields"].(map[string]any)["Quantity"].(float64), v[1]["fields"].(map[string]any)["Quantity"].(float64); q0 < q1 || q0 != 999 {
		t.Fatalf("ordered: %v %v", q0, q1)
	}
	// Date filters on a non-indexed column, and the top-level properties.
	ts.Do(t, tok, "GET", items+"?$filter=fields/Received ge '2025-10-01T00:00:00Z'", nil, prefer...).WantStatus(t, 200)
	r = ts.Do(t, tok, "GET", items+"?$filter=id eq '5'&$select=id", nil).WantStatus(t, 200)
	if v := sandboxtest.Values(t, r); len(v) != 1 || v[0]["id"] != "5" {
		t.Fatalf("by id %s", r.Raw)
	}
}

func TestItemsBatch(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	id := newList(t, ts, tok, "Books")
	var reqs []any
	for i := range 20 {
		reqs = append(reqs, map[string]any{"id": fmt.Sprint(i), "method": "POST", "url": "/sites/contoso.sharepoint.com:/sites/team:/lists/" + id + "/items",
			"headers": map[string]any{"Content-Type": "application/json"},
			"body":    map[string]any{"fields": map[string]any{"Title": fmt.Sprintf("Book %d", i), "Code": fmt.Sprintf("C-%d", i%19)}}})
	}
	r := ts.Do(t, tok, "POST", "/v1.0/$batch", map[string]any{"requests": reqs}).WantStatus(t, 200)
	ok, dup := 0, 0
	for _, x := range r.JSON["responses"].([]any) {
		switch x.(map[string]any)["status"] {
		case 201.0:
			ok++
		case 400.0:
			dup++
		}
	}
	if ok != 19 || dup != 1 || countItems(t, ts, id) != 19 {
		t.Fatalf("batch: %d created, %d refused", ok, dup)
	}
}

func TestSeedIsDeterministic(t *testing.T) {
	a := sandboxtest.New(t, sandboxtest.Options{Sizes: map[string]int{"sharepoint.inventoryItems": 5}})
	b := sandboxtest.New(t, sandboxtest.Options{Sizes: map[string]int{"sharepoint.inventoryItems": 5}})
	for _, p := range []string{team + "/lists/Inventory/items?$expand=fields", "/v1.0/sites?search=*"} {
		ra := a.Do(t, a.AliceToken(t), "GET", p, nil).WantStatus(t, 200)
		rb := b.Do(t, b.AliceToken(t), "GET", p, nil).WantStatus(t, 200)
		va, vb := sandboxtest.Values(t, ra), sandboxtest.Values(t, rb)
		if fmt.Sprint(va) != fmt.Sprint(vb) {
			t.Fatalf("%s differs between two seeds", p)
		}
		if strings.Contains(p, "items") && len(va) != 8 {
			t.Fatalf("%d inventory items, want 8", len(va))
		}
	}
}

func TestDocumentLibraries(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	// The site's drives are document libraries of the drive store.
	r := ts.Do(t, tok, "GET", team+"/drives", nil).WantStatus(t, 200)
	drives := sandboxtest.Values(t, r)
	if len(drives) != 1 || drives[0]["name"] != "Documents" || drives[0]["driveType"] != "documentLibrary" {
		t.Fatalf("drives: %s", r.Raw)
	}
	driveID := str(drives[0]["id"])
	if d := ts.Do(t, tok, "GET", team+"/drive", nil).WantStatus(t, 200).JSON; d["id"] != driveID {
		t.Fatalf("default drive %v", d["id"])
	}
	ts.Do(t, tok, "GET", team+"/drives/"+driveID+"/root", nil).WantStatus(t, 200)
	ts.Do(t, tok, "GET", team+"/drives/b!nope/root", nil).WantError(t, 404, "itemNotFound")
	// The seeded workbook, and a file uploaded through the site's drive.
	budget := ts.Do(t, tok, "GET", team+"/drive/root:/Budget.xlsx", nil).WantStatus(t, 200).JSON
	up := ts.Do(t, tok, "PUT", team+"/drive/root:/Plans/plan.txt:/content", "the plan", "Content-Type", "text/plain").WantStatus(t, 201).JSON
	// The library's items mirror its files and folders.
	r = ts.Do(t, tok, "GET", team+"/lists/Documents/items?$expand=fields($select=FileLeafRef,ContentType)", nil).WantStatus(t, 200)
	items := sandboxtest.Values(t, r)
	names := map[string]string{}
	for _, it := range items {
		f := it["fields"].(map[string]any)
		names[str(f["FileLeafRef"])] = str(it["id"])
	}
	if len(items) != 3 || names["Budget.xlsx"] == "" || names["Plans"] == "" || names["plan.txt"] == "" {
		t.Fatalf("library items: %s", r.Raw)
	}
	di := ts.Do(t, tok, "GET", team+"/lists/Documents/items/"+names["plan.txt"]+"/driveItem", nil).WantStatus(t, 200).JSON
	if di["id"] != up["id"] {
		t.Fatalf("driveItem %v, want %v", di["id"], up["id"])
	}
	content := ts.Do(t, tok, "GET", team+"/lists/Documents/items/"+names["plan.txt"]+"/driveItem/content", nil)
	if content.Status != 302 && string(content.Raw) != "the plan" {
		t.Fatalf("driveItem content: %d %s", content.Status, content.Raw)
	}
	// Custom columns hold metadata of files; new items come from uploads only.
	ts.Do(t, tok, "POST", team+"/lists/Documents/columns", map[string]any{"name": "Status", "choice": map[string]any{"choices": []any{"Draft", "Final"}}}).WantStatus(t, 201)
	f := ts.Do(t, tok, "PATCH", team+"/lists/Documents/items/"+names["Budget.xlsx"]+"/fields", map[string]any{"Status": "Final"}).WantStatus(t, 200).JSON
	if f["Status"] != "Final" || f["FileLeafRef"] != "Budget.xlsx" {
		t.Fatalf("library fields %v", f)
	}
	ts.Do(t, tok, "PATCH", team+"/lists/Documents/items/"+names["Budget.xlsx"]+"/fields", map[string]any{"FileLeafRef": "x.xlsx"}).WantError(t, 400, "invalidRequest")
	ts.Do(t, tok, "POST", team+"/lists/Documents/items", map[string]any{"fields": map[string]any{"Title": "x"}}).WantError(t, 400, "invalidRequest")
	// A renamed file keeps its item; a deleted item deletes its file.
	ts.Do(t, tok, "PATCH", "/v1.0/drives/"+driveID+"/items/"+str(budget["id"]), map[string]any{"name": "Budget 2026.xlsx"}).WantStatus(t, 200)
	f = ts.Do(t, tok, "GET", team+"/lists/Documents/items/"+names["Budget.xlsx"]+"/fields", nil).WantStatus(t, 200).JSON
	if f["FileLeafRef"] != "Budget 2026.xlsx" || f["Status"] != "Final" || f["_UIVersionString"] == "1.0" {
		t.Fatalf("after the rename %v", f)
	}
	ts.Do(t, tok, "DELETE", team+"/lists/Documents/items/"+names["plan.txt"], nil).WantStatus(t, 204)
	ts.Do(t, tok, "GET", "/v1.0/drives/"+driveID+"/items/"+str(up["id"]), nil).WantError(t, 404, "itemNotFound")
	ts.Do(t, tok, "GET", team+"/lists/Documents/items/"+names["plan.txt"], nil).WantError(t, 404, "itemNotFound")
	ts.Do(t, tok, "GET", team+"/lists/Inventory/items/1/driveItem", nil).WantError(t, 400, "invalidRequest")
	ts.Do(t, tok, "GET", team+"/lists/Documents/drive", nil).WantStatus(t, 200)
	// A new library is a new drive.
	lib := ts.Do(t, tok, "POST", team+"/lists", map[string]any{"displayName": "Contracts", "list": map[string]any{"template": "documentLibrary"}}).WantStatus(t, 201).JSON
	ts.Do(t, tok, "PUT", team+"/lists/"+str(lib["id"])+"/drive/root:/a.txt:/content", "a", "Content-Type", "text/plain").WantStatus(t, 201)
	if n := len(sandboxtest.Values(t, ts.Do(t, tok, "GET", team+"/drives", nil))); n != 2 {
		t.Fatalf("%d drives after a new library", n)
	}
	ts.Do(t, tok, "DELETE", team+"/lists/Contracts", nil).WantError(t, 501, "notSupported")
	// The group's site library is the group's drive.
	g := ts.Do(t, tok, "GET", "/v1.0/groups/"+demo.EngineeringGroupID+"/drive", nil).WantStatus(t, 200).JSON
	gs := ts.Do(t, tok, "GET", "/v1.0/sites/contoso.sharepoint.com:/sites/engineering:/drive", nil).WantStatus(t, 200).JSON
	if g["id"] != gs["id"] {
		t.Fatalf("group drive %v, site drive %v", g["id"], gs["id"])
	}
	// Excel through the site's drive.
	r = ts.Do(t, tok, "GET", team+"/drive/root:/Budget 2026.xlsx:/workbook/tables/Budget/rows", nil).WantStatus(t, 200)
	if n := len(sandboxtest.Values(t, r)); n != 3 {
		t.Fatalf("budget rows: %s", r.Raw)
	}
}
