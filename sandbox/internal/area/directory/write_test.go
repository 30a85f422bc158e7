package directory_test

import (
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
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
	ts.Do(t, ts.UserToken(t, demo.LimitedClientID, demo.User), "POST", "/v1.0/users", newUser).WantError(t, 403, "Authorization_RequestDenied")

	r = ts.Do(t, app, "POST", "/v1.0/groups", map[string]any{"displayName": "Project X", "mailEnabled": true, "mailNickname": "projx",
		"securityEnabled": false, "groupTypes": []any{"Unified"},
		"members@odata.bind": []any{"https://graph.microsoft.com/v1.0/directoryObjects/" + demo.BobID}}).WantStatus(t, 201)
	gid := r.JSON["id"].(string)
	if r.JSON["mail"] != "projx@"+demo.TenantDomain {
		t.Fatalf("group %s", r.Raw)
	}
	// Its address is its own.
	ts.Do(t, app, "POST", "/v1.0/groups", map[string]any{"displayName": "Project X again", "mailEnabled": true, "mailNickname": "projx",
		"securityEnabled": false, "groupTypes": []any{"Unified"}}).WantError(t, 400, "Request_BadRequest")
	ts.Do(t, app, "POST", "/v1.0/groups", map[string]any{"displayName": "Bob's group", "mailEnabled": true, "mailNickname": "bob",
		"securityEnabled": false, "groupTypes": []any{"Unified"}}).WantError(t, 400, "Request_BadRequest")
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

// TestDisabledUserCannotSignIn checks that accountEnabled false stops
// sign-in with Entra ID's AADSTS50057, and true lets the user in again.
func TestDisabledUserCannotSignIn(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	app := ts.AppToken(t)
	signIn := func() (int, string) {
		resp, err := http.PostForm(ts.URL+"/"+demo.TenantID+"/oauth2/v2.0/token", url.Values{"grant_type": {"password"},
			"client_id": {demo.PublicClientID}, "username": {demo.Dan}, "password": {demo.Password}, "scope": {"https://graph.microsoft.com/.default"}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if status, body := signIn(); status != 200 {
		t.Fatalf("Dan signs in: %d %s", status, body)
	}
	ts.Do(t, app, "PATCH", "/v1.0/users/"+demo.Dan, map[string]any{"accountEnabled": false}).WantStatus(t, 204)
	if status, body := signIn(); status != 400 || !strings.Contains(body, "AADSTS50057") {
		t.Fatalf("a disabled Dan signs in: %d %s", status, body)
	}
	ts.Do(t, app, "PATCH", "/v1.0/users/"+demo.Dan, map[string]any{"accountEnabled": true}).WantStatus(t, 204)
	if status, body := signIn(); status != 200 {
		t.Fatalf("Dan enabled again: %d %s", status, body)
	}
}

// TestPatchUser checks a user's update: a new principal name in the
// tenant's domain and unused, read-only properties refused, and a new
// password that signs in but is never served.
func TestPatchUser(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	app := ts.AppToken(t)
	dan := "/v1.0/users/" + demo.DanID
	ts.Do(t, app, "PATCH", dan, map[string]any{"userPrincipalName": "daniel@" + demo.TenantDomain, "jobTitle": "Lead"}).WantStatus(t, 204)
	r := ts.Do(t, app, "GET", "/v1.0/users/daniel@"+demo.TenantDomain+"?$select=userPrincipalName,jobTitle", nil).WantStatus(t, 200)
	if r.JSON["userPrincipalName"] != "daniel@"+demo.TenantDomain || r.JSON["jobTitle"] != "Lead" {
		t.Fatalf("after the update %s", r.Raw)
	}
	ts.Do(t, app, "PATCH", dan, map[string]any{"userPrincipalName": demo.Bob}).WantError(t, 400, "Request_BadRequest")
	ts.Do(t, app, "PATCH", dan, map[string]any{"userPrincipalName": "dan@elsewhere.com"}).WantError(t, 400, "Request_BadRequest")
	ts.Do(t, app, "PATCH", dan, map[string]any{"createdDateTime": "2020-01-01T00:00:00Z"}).WantError(t, 400, "Request_BadRequest")
	ts.Do(t, app, "PATCH", dan, map[string]any{"passwordProfile": map[string]any{}}).WantError(t, 400, "Request_BadRequest")

	ts.Do(t, app, "PATCH", dan, map[string]any{"passwordProfile": map[string]any{"password": "N3w-secret!", "forceChangePasswordNextSignIn": false}}).WantStatus(t, 204)
	signIn := func(password string) int {
		resp, err := http.PostForm(ts.URL+"/"+demo.TenantID+"/oauth2/v2.0/token", url.Values{"grant_type": {"password"},
			"client_id": {demo.PublicClientID}, "username": {"daniel@" + demo.TenantDomain}, "password": {password}, "scope": {"https://graph.microsoft.com/.default"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if signIn(demo.Password) != 400 || signIn("N3w-secret!") != 200 {
		t.Fatal("the new password does not replace the old one")
	}
	r = ts.Do(t, app, "GET", dan+"?$select=passwordProfile", nil).WantStatus(t, 200)
	if strings.Contains(string(r.Raw), "N3w-secret") {
		t.Fatalf("the password is served: %s", r.Raw)
	}
}
