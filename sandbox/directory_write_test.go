package sandbox

import (
	"reflect"
	"testing"
)

func TestDirectoryWrites(t *testing.T) {
	ts := newTestServer(t, Options{})
	app := ts.appToken(t)
	newUser := map[string]any{"accountEnabled": true, "displayName": "Erin Evans", "mailNickname": "erin",
		"userPrincipalName": "erin@" + DemoTenantDomain, "passwordProfile": map[string]any{"password": DemoPassword}}
	r := ts.do(t, app, "POST", "/v1.0/users", newUser).wantStatus(t, 201)
	erin := r.JSON["id"].(string)
	if _, leaked := r.JSON["passwordProfile"]; leaked || r.JSON["mail"] != "erin@"+DemoTenantDomain {
		t.Fatalf("created user %s", r.Raw)
	}
	ts.do(t, app, "POST", "/v1.0/users", newUser).wantError(t, 400, "Request_BadRequest")
	bad := map[string]any{"accountEnabled": true, "displayName": "X", "mailNickname": "x", "userPrincipalName": "x@elsewhere.com", "passwordProfile": map[string]any{"password": "p"}}
	ts.do(t, app, "POST", "/v1.0/users", bad).wantError(t, 400, "Request_BadRequest")
	ts.do(t, app, "POST", "/v1.0/users", map[string]any{"displayName": "X"}).wantError(t, 400, "Request_BadRequest")
	// Erin can sign in with the password she was created with.
	if tok := ts.userToken(t, DemoPublicClientID, "erin@"+DemoTenantDomain); tok == "" {
		t.Fatal("no token for the new user")
	}
	// Delegated tokens without User.ReadWrite.All cannot create users.
	ts.do(t, ts.userToken(t, DemoLimitedClientID, DemoUser), "POST", "/v1.0/users", newUser).wantError(t, 403, "ErrorAccessDenied")

	r = ts.do(t, app, "POST", "/v1.0/groups", map[string]any{"displayName": "Project X", "mailEnabled": true, "mailNickname": "projx",
		"securityEnabled": false, "groupTypes": []any{"Unified"},
		"members@odata.bind": []any{"https://graph.microsoft.com/v1.0/directoryObjects/" + DemoBobID}}).wantStatus(t, 201)
	gid := r.JSON["id"].(string)
	if r.JSON["mail"] != "projx@"+DemoTenantDomain {
		t.Fatalf("group %s", r.Raw)
	}
	members := func() []string {
		return valueIDs(t, ts.do(t, app, "GET", "/v1.0/groups/"+gid+"/members", nil).wantStatus(t, 200))
	}
	ts.do(t, app, "POST", "/v1.0/groups/"+gid+"/members/$ref", map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + erin}).wantStatus(t, 204)
	ts.do(t, app, "POST", "/v1.0/groups/"+gid+"/members/$ref", map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + erin}).wantError(t, 400, "Request_BadRequest")
	ts.do(t, app, "POST", "/v1.0/groups/"+gid+"/members/$ref", map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/nobody"}).wantError(t, 404, "Request_ResourceNotFound")
	if got := members(); !reflect.DeepEqual(got, []string{DemoBobID, erin}) {
		t.Fatalf("members %v", got)
	}
	ts.do(t, app, "DELETE", "/v1.0/groups/"+gid+"/members/"+DemoBobID+"/$ref", nil).wantStatus(t, 204)
	ts.do(t, app, "DELETE", "/v1.0/groups/"+gid+"/members/"+DemoBobID+"/$ref", nil).wantError(t, 404, "Request_ResourceNotFound")
	// Deleting Erin removes her from the group too.
	ts.do(t, app, "DELETE", "/v1.0/users/"+erin, nil).wantStatus(t, 204)
	if got := members(); len(got) != 0 {
		t.Fatalf("members after deleting the user %v", got)
	}
	ts.do(t, app, "GET", "/v1.0/users/"+erin, nil).wantError(t, 404, "Request_ResourceNotFound")
	ts.do(t, app, "DELETE", "/v1.0/groups/"+gid, nil).wantStatus(t, 204)
	ts.do(t, app, "GET", "/v1.0/groups/"+gid, nil).wantError(t, 404, "Request_ResourceNotFound")
}
