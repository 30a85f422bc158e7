package directory_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

func keys(doc map[string]any) []string {
	var out []string
	for k := range doc {
		if !strings.HasPrefix(k, "@") {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func TestUsersAndGroupsShapes(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	// A user carries Graph's default set, no more.
	me := ts.Do(t, tok, "GET", "/v1.0/me", nil).WantStatus(t, 200).JSON
	want := []string{"businessPhones", "displayName", "givenName", "id", "jobTitle", "mail", "mobilePhone",
		"officeLocation", "preferredLanguage", "surname", "userPrincipalName"}
	if got := keys(me); !reflect.DeepEqual(got, want) || me["mobilePhone"] != nil {
		t.Fatalf("GET /me answered %v", got)
	}
	// Every other property answers $select, null where unset.
	sel := "companyName,city,postalCode,proxyAddresses,otherMails,identities,assignedLicenses,onPremisesSyncEnabled,accountEnabled,department,employeeId,securityIdentifier,ageGroup"
	u := ts.Do(t, tok, "GET", "/v1.0/users/"+demo.Bob+"?$select="+sel, nil).WantStatus(t, 200).JSON
	ids, _ := u["identities"].([]any)
	if u["companyName"] != demo.TenantName || u["city"] != "Redmond" || u["postalCode"] != "98052" ||
		!reflect.DeepEqual(u["proxyAddresses"], []any{"SMTP:" + demo.Bob}) || !reflect.DeepEqual(u["otherMails"], []any{}) ||
		len(ids) != 1 || ids[0].(map[string]any)["issuerAssignedId"] != demo.Bob || len(u["assignedLicenses"].([]any)) != 1 ||
		u["onPremisesSyncEnabled"] != nil || u["accountEnabled"] != true || u["department"] != "Engineering" ||
		!strings.HasPrefix(u["securityIdentifier"].(string), "S-1-12-1-") || u["ageGroup"] != nil {
		t.Fatalf("$select=%s answered %v", sel, u)
	}
	if got := len(keys(u)); got != 14 {
		t.Fatalf("$select of 13 properties answered %d: %v", got, keys(u))
	}
	// A group, with the properties Graph sends.
	g := ts.Do(t, tok, "GET", "/v1.0/groups/"+demo.EngineeringGroupID, nil).WantStatus(t, 200).JSON
	for _, k := range []string{"classification", "renewedDateTime", "expirationDateTime", "membershipRule", "resourceProvisioningOptions", "theme", "onPremisesSyncEnabled", "securityIdentifier", "proxyAddresses"} {
		if _, ok := g[k]; !ok {
			t.Errorf("group has no %s: %v", k, keys(g))
		}
	}
	if _, ok := g["allowExternalSenders"]; ok || !reflect.DeepEqual(g["resourceProvisioningOptions"], []any{"Team"}) || g["renewedDateTime"] != g["createdDateTime"] {
		t.Fatalf("group %v", g)
	}
	gs := ts.Do(t, tok, "GET", "/v1.0/groups/"+demo.EngineeringGroupID+"?$select=allowExternalSenders,assignedLicenses,unseenCount", nil).WantStatus(t, 200).JSON
	if got := keys(gs); !reflect.DeepEqual(got, []string{"allowExternalSenders", "assignedLicenses", "id", "unseenCount"}) {
		t.Fatalf("group $select answered %v", got)
	}
	// Members are directory objects, each shaped as its own type.
	m := sandboxtest.Values(t, ts.Do(t, tok, "GET", "/v1.0/groups/"+demo.EngineeringGroupID+"/members?$select=displayName,jobTitle", nil).WantStatus(t, 200))
	if len(m) == 0 || m[0]["@odata.type"] != "#microsoft.graph.user" || !reflect.DeepEqual(keys(m[0]), []string{"displayName", "id", "jobTitle"}) {
		t.Fatalf("members %v", m)
	}
	// $expand: the navigation property's type, the expand's own $select.
	e := ts.Do(t, tok, "GET", "/v1.0/users/"+demo.Carol+"?$select=displayName&$expand=manager($select=displayName)", nil).WantStatus(t, 200).JSON
	mgr, _ := e["manager"].(map[string]any)
	if mgr["displayName"] != "Bob Baker" || !reflect.DeepEqual(keys(mgr), []string{"displayName", "id"}) {
		t.Fatalf("$expand=manager %v", e)
	}
	// A property the type does not have: the directory's 400.
	for _, q := range []string{"$select=displayName,isJunk", "$filter=isJunk eq true", "$orderby=isJunk"} {
		r := ts.Do(t, tok, "GET", "/v1.0/users?"+q, nil)
		r.WantError(t, 400, "Request_UnsupportedQuery")
		if msg := r.JSON["error"].(map[string]any)["message"]; msg != "Property 'isJunk' does not exist as a declared property or extension property." {
			t.Errorf("%s: %q", q, msg)
		}
	}
	// A created user answers with the default set too.
	c := ts.Do(t, ts.AppToken(t), "POST", "/v1.0/users", map[string]any{
		"accountEnabled": true, "displayName": "Eve", "mailNickname": "eve", "userPrincipalName": "eve@" + demo.TenantDomain,
		"passwordProfile": map[string]any{"password": "x-Pa55word"}, "city": "Paris",
	}).WantStatus(t, 201).JSON
	if got := keys(c); !reflect.DeepEqual(got, want) {
		t.Fatalf("POST /users answered %v", got)
	}
}
