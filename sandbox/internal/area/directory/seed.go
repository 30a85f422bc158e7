package directory

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
)

// knobExtraUsers is the directory's size knob.
const knobExtraUsers = "directory.extraUsers"

// seedDirectory writes the demo tenant's directory: the organization, the
// demo people (and knobExtraUsers generated users) with their passwords and
// manager chain, the groups with their members and owners, and the demo
// apps.
func seedDirectory(ctx context.Context, tx *core.Tx, sd *core.SeedContext) error {
	org := &core.Object{Collection: collOrganization, ID: sd.TenantID, Created: sd.Epoch, Data: map[string]any{
		"displayName":       demo.TenantName,
		"tenantType":        "AAD",
		"countryLetterCode": "US",
		"preferredLanguage": "en-US",
		"createdDateTime":   sd.Epoch.Format(time.RFC3339),
		"verifiedDomains": []any{map[string]any{
			"name": sd.Domain, "isDefault": true, "isInitial": true, "type": "Managed", "capabilities": "Email, OfficeCommunicationsOnline",
		}},
	}}
	if err := tx.Put(ctx, org); err != nil {
		return err
	}
	people := demo.People()
	for i := 1; i <= sd.Size(knobExtraUsers); i++ {
		login := fmt.Sprintf("user%05d@%s", i, sd.Domain)
		people = append(people, demo.Person{ID: core.SeedID("user", login), Login: login,
			Given: "User", Surname: fmt.Sprintf("%05d", i), Job: "Staff", Department: "Generated"})
	}
	for i, p := range people {
		created := sd.Epoch.Add(time.Duration(i) * time.Second)
		u := newUserDoc(p, p.UPN(sd.Domain), sd.Domain, created)
		u["companyName"] = demo.TenantName
		u["city"], u["state"], u["postalCode"] = "Redmond", "WA", "98052"
		u["country"], u["usageLocation"], u["streetAddress"] = "United States", "US", "1 Contoso Way"
		u["employeeId"] = fmt.Sprintf("%06d", 1000+i)
		u["assignedLicenses"] = []any{map[string]any{"disabledPlans": []any{}, "skuId": demoLicenseSKU}}
		if err := tx.Put(ctx, &core.Object{Collection: collUsers, ID: p.ID, Data: u, Created: created}); err != nil {
			return err
		}
		if err := core.SetPassword(ctx, tx, p.ID, demo.Password); err != nil {
			return err
		}
		if p.Manager != "" {
			if err := setManager(ctx, tx, p.ID, p.Manager); err != nil {
				return err
			}
		}
	}
	groups := []struct {
		id, name, nick, desc string
		unified              bool
		owners, members      []string
	}{
		{demo.EngineeringGroupID, "Engineering", "engineering", "Everyone who builds the product.", true,
			[]string{demo.UserID}, []string{demo.UserID, demo.BobID, demo.CarolID, demo.DanID}},
		{demo.AllStaffGroupID, "All Staff", "allstaff", "Every Contoso employee.", false,
			[]string{demo.UserID}, []string{demo.UserID, demo.BobID, demo.CarolID, demo.DanID, demo.SharedID}},
	}
	for i, g := range groups {
		doc := newGroupDoc(g.id, map[string]any{
			"displayName": g.name, "description": g.desc, "mailNickname": g.nick,
			"mailEnabled": g.unified, "securityEnabled": !g.unified, "visibility": "Private",
		}, sd.Domain, sd.Epoch.Add(time.Duration(i)*time.Minute))
		if g.unified {
			doc["groupTypes"] = []any{"Unified"}
			doc["resourceProvisioningOptions"] = []any{"Team"}
			doc["expirationDateTime"] = core.ISOTime(sd.Epoch.Add(time.Duration(i)*time.Minute).AddDate(1, 0, 0))
		}
		if err := tx.Put(ctx, &core.Object{Collection: collGroups, ID: g.id, Data: doc, Created: sd.Epoch.Add(time.Duration(i) * time.Minute)}); err != nil {
			return err
		}
		for _, m := range g.members {
			if err := addLink(ctx, tx, linkMember, g.id, m); err != nil {
				return err
			}
		}
		for _, o := range g.owners {
			if err := addLink(ctx, tx, linkOwner, g.id, o); err != nil {
				return err
			}
		}
	}
	redirects := []string{"http://localhost", "http://127.0.0.1"}
	apps := []core.App{
		{ClientID: demo.PublicClientID, DisplayName: "o365 sandbox public client", PublicClient: true,
			RedirectURIs: redirects, DelegatedScopes: demo.DelegatedScopes()},
		{ClientID: demo.LimitedClientID, DisplayName: "o365 sandbox limited client", PublicClient: true,
			RedirectURIs: redirects, DelegatedScopes: withoutShared(demo.DelegatedScopes())},
		{ClientID: demo.DaemonClientID, DisplayName: "o365 sandbox daemon", Secrets: []string{demo.DaemonSecret},
			RedirectURIs: []string{"http://localhost"}, AppRoles: demo.AppRoles(), DelegatedScopes: demo.DelegatedScopes()},
	}
	for _, a := range apps {
		if err := core.PutApp(ctx, tx, a); err != nil {
			return err
		}
	}
	return nil
}

func withoutShared(scopes []string) []string {
	var out []string
	for _, s := range scopes {
		if !strings.HasSuffix(s, ".Shared") {
			out = append(out, s)
		}
	}
	return out
}

// demoLicenseSKU is the license the demo users are assigned (Microsoft 365
// E3's SKU id).
const demoLicenseSKU = "05e9a617-0261-4cee-bb44-138d3ef5d965"

func newUserDoc(p demo.Person, upn, domain string, created time.Time) map[string]any {
	doc := newUser(p.ID, upn, domain, created)
	doc["displayName"] = p.DisplayName()
	doc["givenName"] = p.Given
	doc["surname"] = p.Surname
	doc["jobTitle"] = core.NilIfEmpty(p.Job)
	doc["department"] = core.NilIfEmpty(p.Department)
	doc["officeLocation"] = core.NilIfEmpty(p.Office)
	doc["accountEnabled"] = true
	return doc
}

// newUser is what the directory sets itself on a new user of id signing in
// as upn: addresses, identities, times and the security identifier.
func newUser(id, upn, domain string, created time.Time) map[string]any {
	return map[string]any{
		"userPrincipalName": upn,
		"mail":              upn,
		"mailNickname":      strings.Split(upn, "@")[0],
		"proxyAddresses":    []any{"SMTP:" + upn},
		"otherMails":        []any{},
		"imAddresses":       []any{upn},
		"identities": []any{map[string]any{
			"signInType": "userPrincipalName", "issuer": domain, "issuerAssignedId": upn,
		}},
		"businessPhones":                  []any{},
		"preferredLanguage":               "en-US",
		"userType":                        "Member",
		"createdDateTime":                 core.ISOTime(created),
		"lastPasswordChangeDateTime":      core.ISOTime(created),
		"signInSessionsValidFromDateTime": core.ISOTime(created),
		"securityIdentifier":              securityIdentifier(id),
		"assignedLicenses":                []any{},
		"assignedPlans":                   []any{},
		"provisionedPlans":                []any{},
		"showInAddressList":               nil,
	}
}

// newGroupDoc is a new group of id with the client's properties in, and
// what the directory sets itself: mail and proxy addresses of a
// mail-enabled group, times, the security identifier.
func newGroupDoc(id string, in map[string]any, domain string, created time.Time) map[string]any {
	doc := map[string]any{
		"groupTypes": []any{}, "visibility": nil, "description": nil,
		"proxyAddresses": []any{}, "resourceBehaviorOptions": []any{}, "resourceProvisioningOptions": []any{},
		"onPremisesProvisioningErrors": []any{}, "serviceProvisioningErrors": []any{},
		"createdDateTime": core.ISOTime(created), "renewedDateTime": core.ISOTime(created),
		"securityIdentifier": securityIdentifier(id),
	}
	core.PatchDocument(doc, in)
	if nick, _ := doc["mailNickname"].(string); nick != "" && doc["mailEnabled"] == true {
		doc["mail"] = nick + "@" + domain
		doc["proxyAddresses"] = []any{"SMTP:" + nick + "@" + domain}
	}
	return doc
}

// securityIdentifier is the Windows SID Microsoft Entra ID gives a cloud
// object: S-1-12-1- and the four 32-bit words of its object id.
func securityIdentifier(id string) string {
	u, err := uuid.Parse(id)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("S-1-12-1-%d-%d-%d-%d", binary.LittleEndian.Uint32(u[0:]), binary.LittleEndian.Uint32(u[4:]),
		binary.LittleEndian.Uint32(u[8:]), binary.LittleEndian.Uint32(u[12:]))
}
