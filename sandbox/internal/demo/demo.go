// Package demo holds the fixed identities of the sandbox's demo tenant: the
// tenant, its people, groups and registered apps, and the permissions the
// apps are granted. The sandbox package re-exports them as its Demo*
// constants; areas seed their part of the demo tenant from them, and area
// tests sign in with them.
package demo

import (
	"strings"
	"time"
)

// Every value is fixed, so tests and the CLI can rely on it.
const (
	// TenantID is the demo tenant's GUID.
	TenantID = "8a3a0c52-5d71-4e8b-9c41-3f0d6a2b7e15"
	// TenantDomain is the demo tenant's initial domain.
	TenantDomain = "contoso.onmicrosoft.com"
	// TenantName is the organization's display name.
	TenantName = "Contoso"

	// User is the default demo user (Alice Adams): the one the authorize
	// and device endpoints sign in without a form.
	User = "alice@contoso.onmicrosoft.com"
	// UserID is Alice's object id.
	UserID = "a11ce000-0000-4000-8000-000000000001"
	// Bob, Carol and Dan are more demo users; Bob reports to Alice, Carol
	// and Dan report to Bob. Bob has made Alice his delegate with full
	// access to his mailbox: she reads and files his mail and sends on his
	// behalf. Carol and Dan have shared nothing.
	Bob   = "bob@contoso.onmicrosoft.com"
	Carol = "carol@contoso.onmicrosoft.com"
	Dan   = "dan@contoso.onmicrosoft.com"
	// BobID, CarolID and DanID are their object ids.
	BobID   = "b0b00000-0000-4000-8000-000000000002"
	CarolID = "ca401000-0000-4000-8000-000000000003"
	DanID   = "da400000-0000-4000-8000-000000000004"
	// Shared is a shared mailbox user that nobody signs in as. Alice has
	// full access to it and sends as it.
	Shared = "shared@contoso.onmicrosoft.com"
	// SharedID is the shared mailbox's object id.
	SharedID = "5ba7ed00-0000-4000-8000-000000000005"
	// Password is every demo user's password (for ROPC and the sign-in
	// page).
	Password = "Contoso-Sandbox-1"

	// EngineeringGroupID is a Microsoft 365 group: Alice owns it; Bob,
	// Carol and Dan are members.
	EngineeringGroupID = "e1e1e1e1-0000-4000-8000-0000000000e1"
	// AllStaffGroupID is a security group with every demo user.
	AllStaffGroupID = "a1a1a1a1-0000-4000-8000-0000000000a1"

	// PublicClientID is a public client app with every delegated scope the
	// sandbox knows, .Shared ones included; redirect URIs http://localhost
	// and http://127.0.0.1 (any port).
	PublicClientID = "c1e47000-0000-4000-8000-00000000c001"
	// LimitedClientID is a public client app without the .Shared scopes,
	// for 403 tests on other users' data.
	LimitedClientID = "c1e47000-0000-4000-8000-00000000c002"
	// DaemonClientID is a confidential app with application roles.
	DaemonClientID = "dae40000-0000-4000-8000-00000000d001"
	// DaemonSecret is DaemonClientID's client secret.
	DaemonSecret = "sandbox-daemon-secret-do-not-use-in-production"
)

// Epoch is the fixed "now" of seeded data, so the demo tenant is the same
// on every run.
func Epoch() time.Time { return time.Date(2026, time.January, 5, 9, 0, 0, 0, time.UTC) }

// DelegatedScopes are granted to PublicClientID (and, without the .Shared
// ones, to LimitedClientID). An area whose routes need more scopes adds them
// here, so the demo apps can call it.
func DelegatedScopes() []string {
	return []string{
		"offline_access", "openid", "profile", "email",
		"User.Read", "User.ReadWrite", "User.ReadBasic.All", "User.Read.All", "Directory.Read.All",
		"Group.Read.All", "Group.ReadWrite.All", "GroupMember.Read.All",
		"Mail.Read", "Mail.ReadWrite", "Mail.Send", "Mail.Read.Shared", "Mail.ReadWrite.Shared", "Mail.Send.Shared",
		"MailboxSettings.Read", "MailboxSettings.ReadWrite",
		"Calendars.Read", "Calendars.ReadWrite", "Calendars.Read.Shared", "Calendars.ReadWrite.Shared",
		"Contacts.Read", "Contacts.ReadWrite", "Contacts.Read.Shared", "Contacts.ReadWrite.Shared",
		"Files.Read", "Files.ReadWrite", "Files.Read.All", "Files.ReadWrite.All",
		"Sites.Read.All", "Sites.ReadWrite.All", "Sites.Manage.All",
		"Tasks.Read", "Tasks.ReadWrite", "Notes.ReadWrite.All",
		"Team.ReadBasic.All", "Channel.ReadBasic.All", "ChannelMessage.Read.All", "ChannelMessage.Send",
		"Chat.ReadWrite", "People.Read",
	}
}

// AppRoles are granted to DaemonClientID. An area whose routes need more
// roles adds them here.
func AppRoles() []string {
	return []string{
		"User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Group.Read.All", "Group.ReadWrite.All",
		"GroupMember.Read.All", "Mail.Read", "Mail.ReadWrite", "Mail.Send", "MailboxSettings.ReadWrite",
		"Calendars.ReadWrite", "Contacts.ReadWrite", "Files.ReadWrite.All", "Sites.ReadWrite.All",
		"Tasks.ReadWrite.All", "Team.ReadBasic.All", "ChannelMessage.Read.All", "Chat.ReadWrite.All",
	}
}

// Person is one demo user.
type Person struct {
	ID, Login, Given, Surname, Job, Department, Office, Manager string
}

// UPN is the person's sign-in name in a tenant whose domain is domain.
func (p Person) UPN(domain string) string {
	local, _, _ := strings.Cut(p.Login, "@")
	return local + "@" + domain
}

// DisplayName is "Given Surname".
func (p Person) DisplayName() string { return strings.TrimSpace(p.Given + " " + p.Surname) }

// People are the demo users, Alice (User) first; each area gives every one
// of them its demo data (a mailbox, a calendar ...).
func People() []Person {
	return []Person{
		{ID: UserID, Login: User, Given: "Alice", Surname: "Adams", Job: "Director of Engineering", Department: "Engineering", Office: "18/2111"},
		{ID: BobID, Login: Bob, Given: "Bob", Surname: "Baker", Job: "Engineering Manager", Department: "Engineering", Office: "18/2112", Manager: UserID},
		{ID: CarolID, Login: Carol, Given: "Carol", Surname: "Clark", Job: "Software Engineer", Department: "Engineering", Office: "18/2113", Manager: BobID},
		{ID: DanID, Login: Dan, Given: "Dan", Surname: "Davis", Job: "Sales Representative", Department: "Sales", Office: "20/1101", Manager: BobID},
		{ID: SharedID, Login: Shared, Given: "Shared", Surname: "Mailbox", Department: "Operations"},
	}
}
