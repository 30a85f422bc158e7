package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// demoEpoch is the fixed "now" of seeded data, so the demo tenant is the
// same on every run.
var demoEpoch = time.Date(2026, time.January, 5, 9, 0, 0, 0, time.UTC)

// seedNamespace derives deterministic ids for generated demo objects.
var seedNamespace = uuid.MustParse("0b1c6f4e-6a55-4c8e-a0f1-5d3c1b2a9e70")

// seedID is a deterministic GUID for a generated object.
func seedID(parts ...string) string {
	return uuid.NewSHA1(seedNamespace, []byte(strings.Join(parts, "/"))).String()
}

// seedContext is what area seeders get: the size knob and the users the
// directory seeding made, whose per-user data (mailboxes, drives...) the
// area adds.
type seedContext struct {
	Size     SeedSize
	Epoch    time.Time
	TenantID string
	Domain   string
	Users    []*dirUser // the demo people first (Alice is Users[0]), then generated ones
}

// seedMarker records which seed a database holds, so a second Seed of the
// same data is a no-op.
const seedMarker = "sandbox:seeded"

// Seed loads the named demo data ("demo") into the store: the directory
// (organization, users, groups, manager chain, registered apps) and
// every area's data. Seeding twice with the same name and size changes
// nothing.
func (s *Server) Seed(ctx context.Context, name string) error {
	if name != "demo" {
		return fmt.Errorf("sandbox: unknown seed %q; use \"demo\"", name)
	}
	mark, err := json.Marshal(struct {
		Name string
		Size SeedSize
	}{name, s.opts.SeedSize})
	if err != nil {
		return err
	}
	return s.st.write(ctx, func(tx *txn) error {
		old, ok, err := tx.kvGet(ctx, seedMarker)
		if err != nil || (ok && string(old) == string(mark)) {
			return err
		}
		sd := &seedContext{Size: s.opts.SeedSize, Epoch: demoEpoch, TenantID: s.tenantID, Domain: s.domain}
		if err := s.seedDirectory(ctx, tx, sd); err != nil {
			return fmt.Errorf("sandbox: seed directory: %w", err)
		}
		for _, a := range s.areas {
			if a.Seed == nil {
				continue
			}
			if err := a.Seed(ctx, tx, sd); err != nil {
				return fmt.Errorf("sandbox: seed %s: %w", a.Name, err)
			}
		}
		return tx.kvPut(ctx, seedMarker, mark, time.Time{})
	})
}

// App is an application registration: who may sign in to the sandbox's
// identity endpoints and with which permissions.
type App struct {
	ClientID    string // a GUID
	DisplayName string
	// Secrets are client secrets (confidential clients).
	Secrets []string
	// CertificatesPEM are client certificates for assertion sign-in.
	CertificatesPEM [][]byte
	// RedirectURIs are the allowed redirect URIs; loopback ones match any
	// port.
	RedirectURIs []string
	// PublicClient marks a public client (no secret; device code, PKCE).
	PublicClient bool
	// DelegatedScopes are the delegated permissions granted, e.g.
	// "Mail.Read" (plus "openid", "offline_access" ...).
	DelegatedScopes []string
	// AppRoles are the application permissions granted, e.g. "Mail.Read".
	AppRoles []string
}

// RegisterApp adds or replaces an application registration, so programs
// can sign in to the sandbox with their own client id.
func (s *Server) RegisterApp(ctx context.Context, app App) error {
	if _, err := uuid.Parse(app.ClientID); err != nil {
		return fmt.Errorf("sandbox: RegisterApp: client id %q must be a GUID: %w", app.ClientID, err)
	}
	if !app.PublicClient && len(app.Secrets) == 0 && len(app.CertificatesPEM) == 0 {
		return fmt.Errorf("sandbox: RegisterApp %s: a confidential client needs a secret or a certificate", app.ClientID)
	}
	return s.st.write(ctx, func(tx *txn) error { return putApp(ctx, tx, appRegistration(app)) })
}

// Reset empties the tenant: every object, change, blob and stored grant.
// The server's own keys (token signing, skip tokens) stay, so clients keep
// trusting it.
func (s *Server) Reset(ctx context.Context) error {
	return s.st.write(ctx, func(tx *txn) error {
		for _, q := range []string{
			`DELETE FROM objects`,
			`DELETE FROM changes`,
			`DELETE FROM blob_chunks`,
			`DELETE FROM blobs`,
			`DELETE FROM kv WHERE key NOT LIKE 'sandbox:secret:%' AND key <> 'idp:identity/signing-key'`,
		} {
			if _, err := tx.q.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("sandbox: reset: %w", err)
			}
		}
		return nil
	})
}

// seedDirectory writes the organization, users, groups, links and apps.
func (s *Server) seedDirectory(ctx context.Context, tx *txn, sd *seedContext) error {
	org := &object{Collection: collOrganization, ID: s.tenantID, Created: sd.Epoch, Data: map[string]any{
		"displayName":       DemoTenantName,
		"tenantType":        "AAD",
		"countryLetterCode": "US",
		"preferredLanguage": "en-US",
		"createdDateTime":   sd.Epoch.Format(time.RFC3339),
		"verifiedDomains": []any{map[string]any{
			"name": s.domain, "isDefault": true, "isInitial": true, "type": "Managed", "capabilities": "Email, OfficeCommunicationsOnline",
		}},
	}}
	if err := tx.put(ctx, org); err != nil {
		return err
	}
	people := append([]demoPerson(nil), demoPeople...)
	for i := 1; i <= sd.Size.ExtraUsers; i++ {
		login := fmt.Sprintf("user%05d@%s", i, s.domain)
		people = append(people, demoPerson{ID: seedID("user", login), Login: login,
			Given: "User", Surname: fmt.Sprintf("%05d", i), Job: "Staff", Department: "Generated"})
	}
	for i, p := range people {
		login := p.Login
		if !strings.HasSuffix(login, "@"+s.domain) {
			login = strings.Split(login, "@")[0] + "@" + s.domain
		}
		u := newUserDoc(p, login)
		if err := tx.put(ctx, &object{Collection: collUsers, ID: p.ID, Data: u,
			Created: sd.Epoch.Add(time.Duration(i) * time.Second)}); err != nil {
			return err
		}
		if err := tx.kvPut(ctx, passwordKey(p.ID), []byte(DemoPassword), time.Time{}); err != nil {
			return err
		}
		if p.Manager != "" {
			if err := setManager(ctx, tx, p.ID, p.Manager); err != nil {
				return err
			}
		}
		sd.Users = append(sd.Users, &dirUser{ID: p.ID, UPN: login, Mail: login, DisplayName: u["displayName"].(string)})
	}
	groups := []struct {
		id, name, nick, desc string
		unified              bool
		owners, members      []string
	}{
		{DemoEngineeringGroupID, "Engineering", "engineering", "Everyone who builds the product.", true,
			[]string{DemoUserID}, []string{DemoUserID, DemoBobID, DemoCarolID, DemoDanID}},
		{DemoAllStaffGroupID, "All Staff", "allstaff", "Every Contoso employee.", false,
			[]string{DemoUserID}, []string{DemoUserID, DemoBobID, DemoCarolID, DemoDanID, DemoSharedID}},
	}
	for i, g := range groups {
		doc := map[string]any{
			"displayName": g.name, "description": g.desc, "mailNickname": g.nick,
			"mail": g.nick + "@" + s.domain, "mailEnabled": g.unified, "securityEnabled": !g.unified,
			"groupTypes": []any{}, "visibility": "Private",
			"createdDateTime": sd.Epoch.Add(time.Duration(i) * time.Minute).Format(time.RFC3339),
		}
		if g.unified {
			doc["groupTypes"] = []any{"Unified"}
		}
		if err := tx.put(ctx, &object{Collection: collGroups, ID: g.id, Data: doc, Created: sd.Epoch.Add(time.Duration(i) * time.Minute)}); err != nil {
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
	apps := []appRegistration{
		{ClientID: DemoPublicClientID, DisplayName: "o365 sandbox public client", PublicClient: true,
			RedirectURIs: redirects, DelegatedScopes: demoDelegatedScopes},
		{ClientID: DemoLimitedClientID, DisplayName: "o365 sandbox limited client", PublicClient: true,
			RedirectURIs: redirects, DelegatedScopes: withoutShared(demoDelegatedScopes)},
		{ClientID: DemoDaemonClientID, DisplayName: "o365 sandbox daemon", Secrets: []string{DemoDaemonSecret},
			RedirectURIs: []string{"http://localhost"}, AppRoles: demoAppRoles, DelegatedScopes: demoDelegatedScopes},
	}
	for _, a := range apps {
		if err := putApp(ctx, tx, a); err != nil {
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

func newUserDoc(p demoPerson, upn string) map[string]any {
	display := strings.TrimSpace(p.Given + " " + p.Surname)
	doc := map[string]any{
		"displayName":       display,
		"givenName":         p.Given,
		"surname":           p.Surname,
		"userPrincipalName": upn,
		"mail":              upn,
		"mailNickname":      strings.Split(upn, "@")[0],
		"jobTitle":          nilIfEmpty(p.Job),
		"department":        nilIfEmpty(p.Department),
		"officeLocation":    nilIfEmpty(p.Office),
		"businessPhones":    []any{},
		"mobilePhone":       nil,
		"preferredLanguage": "en-US",
		"accountEnabled":    true,
		"userType":          "Member",
	}
	return doc
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
