package directory_test

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

func TestDirectoryWrites(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	app := ts.AppToken(t)
	newUser := map[string]any{"accountEnabled": true, "displayName": "Erin Evans", "mailNickname": "erin",
		"userPrincipalName": "erin@" + demo.TenantDomain, "passwordProfile": map[string]any{"password": demo.Password}}
	r := ts.Do(t, app, "POST", "/v1.0/users", newUser).WantStatus(t, 201)
	erin := r.JSON["id"].(string)
	if _, leaked := r.JSON["passwordProfile"]; leaked || r.JSON["mail"] != "erin@"+demo.TenantDomain {
		t.Fatalf("created user %s", r.Raw)
	}
	ts.Do(t, app, "POST", "/v1.0/users", newUser).WantError(t, 400, "Request_BadRequest")
	bad := map[string]any{"accountEnabled": true, "displayName": "X", "mailNickname": "x", "userPrincipalName": "x@elsewhere.com", "passwordProfile": map[string]any{"password": "p"}}
	ts.Do(t, app, "POST", "/v1.0/users", bad).WantError(t, 400, "Request_BadRequest")
	ts.Do(t, app, "POST", "/v1.0/users", map[string]any{"displayName": "X"}).WantError(t, 400, "Request_BadRequest")
	// Erin can sign in with the password she was created with.
	if tok := ts.UserToken(t, demo.PublicClientID, "erin@"+demo.TenantDomain); tok == "" {
		t.Fatal("no token for the new user")
	}
	// Delegated tokens without User.ReadWrite.All cannot create users.
	ts.Do(t, ts.UserToken(t, demo.LimitedClientID, demo.User), "POST", "/v1.0/users", newUser).WantError(t, 403, "ErrorAccessDenied")

	r = ts.Do(t, app, "POST", "/v1.0/groups", map[string]any{"displayName": "Project X", "mailEnabled": true, "mailNickname": "projx",
		"securityEnabled": false, "groupTypes": []any{"Unified"},
		"members@odata.bind": []any{"https://graph.microsoft.com/v1.0/directoryObjects/" + demo.BobID}}).WantStatus(t, 201)
	gid := r.JSON["id"].(string)
	if r.JSON["mail"] != "projx@"+demo.TenantDomain {
		t.Fatalf("group %s", r.Raw)
	}
	members := func() []string {
		return valueIDs(t, ts.Do(t, app, "GET", "/v1.0/groups/"+gid+"/members", nil).WantStatus(t, 200))
	}
	ts.Do(t, app, "POST", "/v1.0/groups/"+gid+"/members/$ref", map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + erin}).WantStatus(t, 204)
	ts.Do(t, app, "POST", "/v1.0/groups/"+gid+"/members/$ref", map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + erin}).WantError(t, 400, "Request_BadRequest")
	ts.Do(t, app, "POST", "/v1.0/groups/"+gid+"/members/$ref", map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/nobody"}).WantError(t, 404, "Request_ResourceNotFound")
	if got := members(); !reflect.DeepEqual(got, []string{demo.BobID, erin}) {
		t.Fatalf("members %v", got)
	}
	// The links themselves: OData's collection of entity references, paged.
	r = ts.Do(t, app, "GET", "/v1.0/groups/"+gid+"/members/$ref?$top=1", nil).WantStatus(t, 200)
	refs, _ := r.JSON["value"].([]any)
	if len(refs) != 1 || r.JSON["@odata.nextLink"] == nil || r.JSON["@odata.context"] != ts.URL+"/v1.0/$metadata#Collection($ref)" ||
		!reflect.DeepEqual(refs[0], map[string]any{"@odata.id": ts.URL + "/v1.0/directoryObjects/" + demo.BobID}) {
		t.Fatalf("members/$ref %s", r.Raw)
	}
	r = ts.Do(t, app, "GET", "/v1.0/groups/"+gid+"/owners/$ref", nil).WantStatus(t, 200)
	if refs, _ := r.JSON["value"].([]any); len(refs) != 0 {
		t.Fatalf("owners/$ref %s", r.Raw)
	}
	ts.Do(t, app, "GET", "/v1.0/groups/nosuchgroup/members/$ref", nil).WantError(t, 404, "Request_ResourceNotFound")
	// Removal by the reference in the query: $id, or @id as msgraph-sdk-go writes it.
	erinRef := url.QueryEscape("https://graph.microsoft.com/v1.0/directoryObjects/" + erin)
	ts.Do(t, app, "DELETE", "/v1.0/groups/"+gid+"/members/$ref?$id="+erinRef, nil).WantStatus(t, 204)
	ts.Do(t, app, "DELETE", "/v1.0/groups/"+gid+"/members/$ref?@id="+erinRef, nil).WantError(t, 404, "Request_ResourceNotFound")
	ts.Do(t, app, "DELETE", "/v1.0/groups/"+gid+"/members/$ref", nil).WantError(t, 400, "Request_BadRequest")
	ts.Do(t, app, "POST", "/v1.0/groups/"+gid+"/members/$ref", map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + erin}).WantStatus(t, 204)
	ts.Do(t, app, "DELETE", "/v1.0/groups/"+gid+"/members/$ref?@id="+erinRef, nil).WantStatus(t, 204)
	ts.Do(t, app, "POST", "/v1.0/groups/"+gid+"/members/$ref", map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + erin}).WantStatus(t, 204)
	ts.Do(t, app, "DELETE", "/v1.0/groups/"+gid+"/members/"+demo.BobID+"/$ref", nil).WantStatus(t, 204)
	ts.Do(t, app, "DELETE", "/v1.0/groups/"+gid+"/members/"+demo.BobID+"/$ref", nil).WantError(t, 404, "Request_ResourceNotFound")
	// Deleting Erin removes her from the group too.
	ts.Do(t, app, "DELETE", "/v1.0/users/"+erin, nil).WantStatus(t, 204)
	if got := members(); len(got) != 0 {
		t.Fatalf("members after deleting the user %v", got)
	}
	ts.Do(t, app, "GET", "/v1.0/users/"+erin, nil).WantError(t, 404, "Request_ResourceNotFound")
	ts.Do(t, app, "DELETE", "/v1.0/groups/"+gid, nil).WantStatus(t, 204)
	ts.Do(t, app, "GET", "/v1.0/groups/"+gid, nil).WantError(t, 404, "Request_ResourceNotFound")
}
