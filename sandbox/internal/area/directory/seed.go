package directory

import (
	"context"
	"fmt"
	"strings"
	"time"

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
		u := newUserDoc(p, p.UPN(sd.Domain))
		if err := tx.Put(ctx, &core.Object{Collection: collUsers, ID: p.ID, Data: u,
			Created: sd.Epoch.Add(time.Duration(i) * time.Second)}); err != nil {
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
		doc := map[string]any{
			"displayName": g.name, "description": g.desc, "mailNickname": g.nick,
			"mail": g.nick + "@" + sd.Domain, "mailEnabled": g.unified, "securityEnabled": !g.unified,
			"groupTypes": []any{}, "visibility": "Private",
			"createdDateTime": sd.Epoch.Add(time.Duration(i) * time.Minute).Format(time.RFC3339),
		}
		if g.unified {
			doc["groupTypes"] = []any{"Unified"}
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

func newUserDoc(p demo.Person, upn string) map[string]any {
	doc := map[string]any{
		"displayName":       p.DisplayName(),
		"givenName":         p.Given,
		"surname":           p.Surname,
		"userPrincipalName": upn,
		"mail":              upn,
		"mailNickname":      strings.Split(upn, "@")[0],
		"jobTitle":          core.NilIfEmpty(p.Job),
		"department":        core.NilIfEmpty(p.Department),
		"officeLocation":    core.NilIfEmpty(p.Office),
		"businessPhones":    []any{},
		"mobilePhone":       nil,
		"preferredLanguage": "en-US",
		"accountEnabled":    true,
		"userType":          "Member",
	}
	return doc
}
