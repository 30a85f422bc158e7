package directory_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/o365go/o365/internal/csdl"
	"github.com/o365go/o365/sandbox/internal/area/directory"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

func ref(id string) map[string]any {
	return map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + id}
}

func sortedIDs(t *testing.T, r *sandboxtest.Response) []string {
	t.Helper()
	ids := valueIDs(t, r)
	slices.Sort(ids)
	return ids
}

func sorted(ids ...string) []string { slices.Sort(ids); return ids }

// TestNestedGroups checks nested membership: transitive members and
// memberships, type casts with $count, and the membership actions.
func TestNestedGroups(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	app := ts.AppToken(t)
	// Leads (Alice) is a member of Engineering (Bob, Carol, Dan, Alice).
	r := ts.Do(t, app, "POST", "/v1.0/groups", map[string]any{"displayName": "Leads", "mailEnabled": false, "mailNickname": "leads",
		"securityEnabled": true, "members@odata.bind": []any{"https://graph.microsoft.com/v1.0/directoryObjects/" + demo.UserID}}).WantStatus(t, 201)
	leads := r.JSON["id"].(string)
	eng := "/v1.0/groups/" + demo.EngineeringGroupID
	ts.Do(t, app, "POST", eng+"/members/$ref", ref(leads)).WantStatus(t, 204)
	// Loops are refused.
	ts.Do(t, app, "POST", "/v1.0/groups/"+leads+"/members/$ref", ref(demo.EngineeringGroupID)).WantError(t, 400, "Request_BadRequest")
	ts.Do(t, app, "POST", "/v1.0/groups/"+leads+"/members/$ref", ref(leads)).WantError(t, 400, "Request_BadRequest")

	r = ts.Do(t, app, "GET", eng+"/members?$select=id", nil).WantStatus(t, 200)
	if got := sortedIDs(t, r); !reflect.DeepEqual(got, sorted(demo.UserID, demo.BobID, demo.CarolID, demo.DanID, leads)) {
		t.Fatalf("members %v", got)
	}
	r = ts.Do(t, app, "GET", eng+"/members/microsoft.graph.group", nil).WantStatus(t, 200)
	if got := valueIDs(t, r); !reflect.DeepEqual(got, []string{leads}) || sandboxtest.Values(t, r)[0]["@odata.type"] != "#microsoft.graph.group" {
		t.Fatalf("members cast to groups %s", r.Raw)
	}
	r = ts.Do(t, app, "GET", eng+"/members/microsoft.graph.user/$count", nil, "ConsistencyLevel", "eventual").WantStatus(t, 200)
	if string(r.Raw) != "4" {
		t.Fatalf("user members counted %q", r.Raw)
	}
	ts.Do(t, app, "GET", eng+"/members/microsoft.graph.user/$count", nil).WantError(t, 400, "Request_UnsupportedQuery")
	r = ts.Do(t, app, "GET", eng+"/members/"+demo.BobID, nil).WantStatus(t, 200)
	if r.JSON["id"] != demo.BobID || r.JSON["@odata.type"] != "#microsoft.graph.user" {
		t.Fatalf("one member %s", r.Raw)
	}
	ts.Do(t, app, "GET", eng+"/members/"+demo.SharedID, nil).WantError(t, 404, "Request_ResourceNotFound")

	// Alice is in Leads, Leads in Engineering: transitively Alice is in both.
	r = ts.Do(t, app, "GET", "/v1.0/groups/"+leads+"/memberOf", nil).WantStatus(t, 200)
	if got := valueIDs(t, r); !reflect.DeepEqual(got, []string{demo.EngineeringGroupID}) {
		t.Fatalf("group memberOf %v", got)
	}
	r = ts.Do(t, app, "GET", "/v1.0/users/"+demo.User+"/memberOf?$select=id,displayName", nil).WantStatus(t, 200)
	if got := sortedIDs(t, r); !reflect.DeepEqual(got, sorted(demo.EngineeringGroupID, demo.AllStaffGroupID, leads)) {
		t.Fatalf("Alice memberOf %v", got)
	}
	r = ts.Do(t, app, "GET", "/v1.0/users/"+demo.User+"/transitiveMemberOf/microsoft.graph.group?$select=id", nil).WantStatus(t, 200)
	if got := sortedIDs(t, r); !reflect.DeepEqual(got, sorted(demo.EngineeringGroupID, demo.AllStaffGroupID, leads)) {
		t.Fatalf("Alice transitiveMemberOf %v", got)
	}
	// A second level: Board (Dan) contains Leads; Alice is transitively in Board.
	r = ts.Do(t, app, "POST", "/v1.0/groups", map[string]any{"displayName": "Board", "mailEnabled": false, "mailNickname": "board",
		"securityEnabled": false, "groupTypes": []any{}}).WantStatus(t, 201)
	board := r.JSON["id"].(string)
	ts.Do(t, app, "POST", "/v1.0/groups/"+board+"/members/$ref", ref(leads)).WantStatus(t, 204)
	r = ts.Do(t, app, "GET", "/v1.0/groups/"+board+"/transitiveMembers", nil).WantStatus(t, 200)
	if got := sortedIDs(t, r); !reflect.DeepEqual(got, sorted(leads, demo.UserID)) {
		t.Fatalf("transitive members %v", got)
	}
	r = ts.Do(t, app, "GET", "/v1.0/groups/"+board+"/transitiveMembers/$count", nil, "ConsistencyLevel", "eventual").WantStatus(t, 200)
	if string(r.Raw) != "2" {
		t.Fatalf("transitive count %q", r.Raw)
	}
	r = ts.Do(t, app, "POST", "/v1.0/users/"+demo.User+"/getMemberGroups", map[string]any{"securityEnabledOnly": false}).WantStatus(t, 200)
	if got := sortedIDs2(r); !reflect.DeepEqual(got, sorted(demo.EngineeringGroupID, demo.AllStaffGroupID, leads, board)) ||
		r.JSON["@odata.context"] != ts.URL+"/v1.0/$metadata#Collection(Edm.String)" {
		t.Fatalf("getMemberGroups %s", r.Raw)
	}
	r = ts.Do(t, app, "POST", "/v1.0/users/"+demo.User+"/getMemberGroups", `{"securityEnabledOnly":"true"}`).WantStatus(t, 200)
	if got := sortedIDs2(r); !reflect.DeepEqual(got, sorted(demo.AllStaffGroupID, leads)) {
		t.Fatalf("security groups only %v", got)
	}
	r = ts.Do(t, app, "POST", "/v1.0/users/"+demo.User+"/checkMemberGroups", map[string]any{"groupIds": []any{board, "00000000-0000-0000-0000-000000000000", demo.EngineeringGroupID}}).WantStatus(t, 200)
	if got := sortedIDs2(r); !reflect.DeepEqual(got, sorted(board, demo.EngineeringGroupID)) {
		t.Fatalf("checkMemberGroups %v", got)
	}
	r = ts.Do(t, app, "POST", "/v1.0/groups/"+leads+"/checkMemberObjects", map[string]any{"ids": []any{board, demo.AllStaffGroupID}}).WantStatus(t, 200)
	if got := sortedIDs2(r); !reflect.DeepEqual(got, []string{board}) {
		t.Fatalf("group checkMemberObjects %v", got)
	}
	r = ts.Do(t, ts.AliceToken(t), "POST", "/v1.0/me/getMemberObjects", map[string]any{"securityEnabledOnly": false}).WantStatus(t, 200)
	if len(sortedIDs2(r)) != 4 {
		t.Fatalf("me/getMemberObjects %s", r.Raw)
	}
	many := make([]any, 21)
	for i := range many {
		many[i] = demo.AllStaffGroupID
	}
	ts.Do(t, app, "POST", "/v1.0/users/"+demo.User+"/checkMemberGroups", map[string]any{"groupIds": many}).WantError(t, 400, "Request_BadRequest")
	ts.Do(t, app, "POST", "/v1.0/users/"+demo.User+"/getMemberGroups", map[string]any{}).WantError(t, 400, "Request_BadRequest")
	ts.Do(t, app, "POST", "/v1.0/users/"+demo.User+"/getMemberGroups", map[string]any{"securityOnly": true}).WantError(t, 400, "Request_BadRequest")
	ts.Do(t, app, "POST", "/v1.0/groups/nope/checkMemberGroups", map[string]any{"groupIds": []any{board}}).WantError(t, 404, "Request_ResourceNotFound")
	// Deleting Leads takes it out of Engineering and Board.
	ts.Do(t, app, "DELETE", "/v1.0/groups/"+leads, nil).WantStatus(t, 204)
	if got := valueIDs(t, ts.Do(t, app, "GET", "/v1.0/groups/"+board+"/transitiveMembers", nil).WantStatus(t, 200)); len(got) != 0 {
		t.Fatalf("members of a deleted group linger: %v", got)
	}
}

func sortedIDs2(r *sandboxtest.Response) []string {
	var ids []string
	for _, v := range r.JSON["value"].([]any) {
		ids = append(ids, v.(string))
	}
	slices.Sort(ids)
	return ids
}

func TestPatchGroupAndManagerRef(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	app := ts.AppToken(t)
	eng := "/v1.0/groups/" + demo.EngineeringGroupID
	r := ts.Do(t, app, "PATCH", eng, map[string]any{"description": "Builds the product.", "visibility": "Public", "displayName": "Eng"})
	if r.Status != 204 || len(r.Raw) != 0 {
		t.Fatalf("PATCH group: %d %s", r.Status, r.Raw)
	}
	g := ts.Do(t, app, "GET", eng+"?$select=description,visibility,displayName", nil).WantStatus(t, 200)
	if g.JSON["description"] != "Builds the product." || g.JSON["visibility"] != "Public" || g.JSON["displayName"] != "Eng" {
		t.Fatalf("patched group %s", g.Raw)
	}
	ts.Do(t, app, "PATCH", eng, map[string]any{"mail": "x@y.com"}).WantError(t, 400, "Request_BadRequest")
	ts.Do(t, app, "PATCH", eng, map[string]any{"favouriteColour": "red"}).WantError(t, 400, "Request_BadRequest")
	ts.Do(t, app, "PATCH", eng, map[string]any{"visibility": "Secret"}).WantError(t, 400, "Request_BadRequest")
	ts.Do(t, app, "PATCH", eng, map[string]any{"displayName": ""}).WantError(t, 400, "Request_BadRequest")
	ts.Do(t, app, "PATCH", "/v1.0/groups/nope", map[string]any{"description": "x"}).WantError(t, 404, "Request_ResourceNotFound")
	ts.Do(t, ts.UserToken(t, demo.LimitedClientID, demo.User), "PATCH", eng, map[string]any{"description": "x"}).WantStatus(t, 204)

	// Carol's manager is Bob; make it Alice, then remove it.
	carol := "/v1.0/users/" + demo.Carol
	r = ts.Do(t, app, "GET", carol+"/manager/$ref", nil).WantStatus(t, 200)
	if r.JSON["@odata.id"] != ts.URL+"/v1.0/directoryObjects/"+demo.BobID {
		t.Fatalf("manager ref %s", r.Raw)
	}
	ts.Do(t, app, "PUT", carol+"/manager/$ref", map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/users/" + demo.UserID}).WantStatus(t, 204)
	if m := ts.Do(t, app, "GET", carol+"/manager", nil).WantStatus(t, 200); m.JSON["id"] != demo.UserID {
		t.Fatalf("new manager %s", m.Raw)
	}
	r = ts.Do(t, app, "GET", "/v1.0/users/"+demo.UserID+"/directReports?$select=id", nil).WantStatus(t, 200)
	if got := sortedIDs(t, r); !reflect.DeepEqual(got, sorted(demo.BobID, demo.CarolID)) {
		t.Fatalf("Alice's reports %v", got)
	}
	ts.Do(t, app, "PUT", carol+"/manager/$ref", map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/users/nobody"}).WantError(t, 404, "Request_ResourceNotFound")
	ts.Do(t, app, "PUT", carol+"/manager/$ref", map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/users/" + demo.CarolID}).WantError(t, 400, "Request_BadRequest")
	// Alice reporting to Bob would loop (Bob reports to Alice).
	ts.Do(t, app, "PUT", "/v1.0/users/"+demo.User+"/manager/$ref", map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/users/" + demo.BobID}).WantError(t, 400, "Request_BadRequest")
	ts.Do(t, app, "DELETE", carol+"/manager/$ref", nil).WantStatus(t, 204)
	ts.Do(t, app, "GET", carol+"/manager", nil).WantError(t, 404, "Request_ResourceNotFound")
	ts.Do(t, app, "DELETE", carol+"/manager/$ref", nil).WantError(t, 404, "Request_ResourceNotFound")
	// A delegated user without User.ReadWrite.All cannot change it.
	ts.Do(t, ts.UserToken(t, demo.LimitedClientID, demo.User), "PUT", carol+"/manager/$ref", map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/users/" + demo.UserID}).WantError(t, 403, "Authorization_RequestDenied")
}

// TestActionsMatchSchema checks the directory's actions against Graph's
// schema.
func TestActionsMatchSchema(t *testing.T) {
	schema := csdl.MustLoad()
	for _, a := range directory.Actions {
		ops := schema.Operations("directoryObject", a.Name)
		if len(ops) != 1 {
			t.Fatalf("%s: %d operations", a.Name, len(ops))
		}
		var want, got []string
		for _, p := range ops[0].Parameters {
			want = append(want, p.Name+" "+p.Type)
		}
		for _, p := range a.Params {
			got = append(got, p.Name+" "+p.Type)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v, schema %v", a.Name, got, want)
		}
	}
}
