package directory_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

// TestDeletedItems checks Entra ID's soft delete: a deleted user or
// Microsoft 365 group goes to directory/deletedItems (listed by type cast,
// counted, read one by one), comes back by restore with its memberships
// (under newUserPrincipalName when its name was taken meanwhile), or is
// deleted for good; a security group is deleted for good at once; each
// type needs its own write permission.
func TestDeletedItems(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	app := ts.AppToken(t)
	user := func(nick string) string {
		return ts.Do(t, app, "POST", "/v1.0/users", map[string]any{"accountEnabled": true, "displayName": nick, "mailNickname": nick,
			"userPrincipalName": nick + "@" + demo.TenantDomain, "passwordProfile": map[string]any{"password": demo.Password}}).WantStatus(t, 201).JSON["id"].(string)
	}
	group := func(nick string, unified bool, members ...string) string {
		body := map[string]any{"displayName": nick, "mailNickname": nick, "mailEnabled": unified, "securityEnabled": !unified}
		if unified {
			body["groupTypes"] = []any{"Unified"}
		}
		var binds []any
		for _, m := range members {
			binds = append(binds, "https://graph.microsoft.com/v1.0/directoryObjects/"+m)
		}
		if binds != nil {
			body["members@odata.bind"] = binds
		}
		return ts.Do(t, app, "POST", "/v1.0/groups", body).WantStatus(t, 201).JSON["id"].(string)
	}
	erin := user("erin")
	proj := group("proj", true, erin)
	sec := group("sec", false, erin)
	members := func(g string) []string {
		return valueIDs(t, ts.Do(t, app, "GET", "/v1.0/groups/"+g+"/members", nil).WantStatus(t, 200))
	}

	ts.Do(t, app, "DELETE", "/v1.0/users/"+erin, nil).WantStatus(t, 204)
	ts.Do(t, app, "GET", "/v1.0/users/"+erin, nil).WantError(t, 404, "Request_ResourceNotFound")
	if got := members(proj); len(got) != 0 {
		t.Fatalf("a deleted user is still listed as a member: %v", got)
	}
	ts.Do(t, app, "GET", "/v1.0/directory/deletedItems", nil).WantError(t, 400, "Request_BadRequest")
	// Users' default properties leave deletedDateTime out, as Graph's do.
	deleted := sandboxtest.Values(t, ts.Do(t, app, "GET", "/v1.0/directory/deletedItems/microsoft.graph.user?$select=id,deletedDateTime", nil).WantStatus(t, 200))
	if len(deleted) != 1 || deleted[0]["id"] != erin || deleted[0]["deletedDateTime"] == nil {
		t.Fatalf("deleted users %v", deleted)
	}
	ts.Do(t, app, "GET", "/v1.0/directory/deletedItems/microsoft.graph.user/$count", nil).WantError(t, 400, "Request_UnsupportedQuery")
	if r := ts.Do(t, app, "GET", "/v1.0/directory/deletedItems/microsoft.graph.user/$count", nil, "ConsistencyLevel", "eventual").WantStatus(t, 200); strings.TrimSpace(string(r.Raw)) != "1" {
		t.Fatalf("$count %q", r.Raw)
	}
	ts.Do(t, app, "GET", "/v1.0/directory/deletedItems/"+erin, nil).WantStatus(t, 200)
	ts.Do(t, app, "GET", "/v1.0/directory/deletedItems/microsoft.graph.group/"+erin, nil).WantError(t, 404, "Request_ResourceNotFound")

	// Her name is taken meanwhile: the restore needs a new one.
	user("erin-new")
	ts.Do(t, app, "PATCH", "/v1.0/users/erin-new@"+demo.TenantDomain, map[string]any{"userPrincipalName": "erin@" + demo.TenantDomain}).WantStatus(t, 204)
	restore := "/v1.0/directory/deletedItems/" + erin + "/restore"
	ts.Do(t, app, "POST", restore, nil).WantError(t, 400, "Request_BadRequest")
	ts.Do(t, app, "POST", restore, map[string]any{"newUserPrincipalName": "erin@elsewhere.com"}).WantError(t, 400, "Request_BadRequest")
	ts.Do(t, app, "POST", restore, map[string]any{"newName": "x"}).WantError(t, 400, "Request_BadRequest")
	r := ts.Do(t, app, "POST", "/v1.0/directory/deletedItems/microsoft.graph.user/"+erin+"/restore",
		map[string]any{"autoReconcileProxyConflict": true, "NewUserPrincipalName": "erin.evans@" + demo.TenantDomain}).WantStatus(t, 200)
	if r.JSON["userPrincipalName"] != "erin.evans@"+demo.TenantDomain || r.JSON["deletedDateTime"] != nil {
		t.Fatalf("restored %s", r.Raw)
	}
	if got := members(proj); !slices.Equal(got, []string{erin}) {
		t.Fatalf("memberships after the restore %v", got)
	}
	ts.Do(t, app, "GET", "/v1.0/users/erin.evans@"+demo.TenantDomain, nil).WantStatus(t, 200)

	// A Microsoft 365 group goes to deletedItems, a security group does not.
	ts.Do(t, app, "DELETE", "/v1.0/groups/"+sec, nil).WantStatus(t, 204)
	ts.Do(t, app, "DELETE", "/v1.0/groups/"+proj, nil).WantStatus(t, 204)
	groups := sandboxtest.Values(t, ts.Do(t, app, "GET", "/v1.0/directory/deletedItems/microsoft.graph.group", nil).WantStatus(t, 200))
	if len(groups) != 1 || groups[0]["id"] != proj {
		t.Fatalf("deleted groups %v", groups)
	}
	ts.Do(t, app, "GET", "/v1.0/directory/deletedItems/"+sec, nil).WantError(t, 404, "Request_ResourceNotFound")
	ts.Do(t, app, "POST", "/v1.0/directory/deletedItems/"+proj+"/restore", map[string]any{"newUserPrincipalName": "p@" + demo.TenantDomain}).
		WantError(t, 400, "Request_BadRequest")

	// An app with Group.ReadWrite.All alone restores groups, not users.
	const groupsOnly, secret = "0f0f0f0f-2222-4222-8333-444444444444", "groups-secret"
	ts.RegisterApp(t, core.App{ClientID: groupsOnly, Secrets: []string{secret}, AppRoles: []string{"Group.ReadWrite.All"}})
	gapp := ts.AppTokenFor(t, groupsOnly, secret)
	ts.Do(t, app, "DELETE", "/v1.0/users/"+erin, nil).WantStatus(t, 204)
	ts.Do(t, gapp, "POST", "/v1.0/directory/deletedItems/"+erin+"/restore", nil).WantError(t, 403, "Authorization_RequestDenied")
	ts.Do(t, gapp, "POST", "/v1.0/directory/deletedItems/"+proj+"/restore", nil).WantStatus(t, 200)
	ts.Do(t, app, "GET", "/v1.0/groups/"+proj, nil).WantStatus(t, 200)

	// A purge is for good.
	ts.Do(t, app, "DELETE", "/v1.0/directory/deletedItems/microsoft.graph.user/"+erin, nil).WantStatus(t, 204)
	ts.Do(t, app, "GET", "/v1.0/directory/deletedItems/"+erin, nil).WantError(t, 404, "Request_ResourceNotFound")
	ts.Do(t, app, "POST", restore, nil).WantError(t, 404, "Request_ResourceNotFound")
	if got := members(proj); len(got) != 0 {
		t.Fatalf("a purged user is a member: %v", got)
	}
}
