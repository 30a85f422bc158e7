package sandbox

// The demo tenant that Options.Seed "demo" (and `o365 sandbox serve --seed
// demo`) creates. Every value is fixed, so tests and the CLI can rely on it.
const (
	// DemoTenantID is the demo tenant's GUID.
	DemoTenantID = "8a3a0c52-5d71-4e8b-9c41-3f0d6a2b7e15"
	// DemoTenantDomain is the demo tenant's initial domain.
	DemoTenantDomain = "contoso.onmicrosoft.com"
	// DemoTenantName is the organization's display name.
	DemoTenantName = "Contoso"

	// DemoUser is the default demo user (Alice Adams): the one the
	// authorize and device endpoints sign in without a form.
	DemoUser = "alice@contoso.onmicrosoft.com"
	// DemoUserID is Alice's object id.
	DemoUserID = "a11ce000-0000-4000-8000-000000000001"
	// DemoBob, DemoCarol and DemoDan are more demo users; Bob reports to
	// Alice, Carol and Dan report to Bob.
	DemoBob   = "bob@contoso.onmicrosoft.com"
	DemoCarol = "carol@contoso.onmicrosoft.com"
	DemoDan   = "dan@contoso.onmicrosoft.com"
	// DemoBobID, DemoCarolID and DemoDanID are their object ids.
	DemoBobID   = "b0b00000-0000-4000-8000-000000000002"
	DemoCarolID = "ca401000-0000-4000-8000-000000000003"
	DemoDanID   = "da400000-0000-4000-8000-000000000004"
	// DemoShared is a shared mailbox user that nobody signs in as.
	DemoShared = "shared@contoso.onmicrosoft.com"
	// DemoSharedID is the shared mailbox's object id.
	DemoSharedID = "5ba7ed00-0000-4000-8000-000000000005"
	// DemoPassword is every demo user's password (for ROPC and the sign-in
	// page).
	DemoPassword = "Contoso-Sandbox-1"

	// DemoEngineeringGroupID is a Microsoft 365 group: Alice owns it; Bob,
	// Carol and Dan are members.
	DemoEngineeringGroupID = "e1e1e1e1-0000-4000-8000-0000000000e1"
	// DemoAllStaffGroupID is a security group with every demo user.
	DemoAllStaffGroupID = "a1a1a1a1-0000-4000-8000-0000000000a1"

	// DemoPublicClientID is a public client app with every delegated scope
	// the sandbox knows, .Shared ones included; redirect URIs
	// http://localhost and http://127.0.0.1 (any port).
	DemoPublicClientID = "c1e47000-0000-4000-8000-00000000c001"
	// DemoLimitedClientID is a public client app without the .Shared
	// scopes, for 403 tests on other users' data.
	DemoLimitedClientID = "c1e47000-0000-4000-8000-00000000c002"
	// DemoDaemonClientID is a confidential app with application roles.
	DemoDaemonClientID = "dae40000-0000-4000-8000-00000000d001"
	// DemoDaemonSecret is DemoDaemonClientID's client secret.
	DemoDaemonSecret = "sandbox-daemon-secret-do-not-use-in-production"
)

// demoDelegatedScopes are granted to DemoPublicClientID.
var demoDelegatedScopes = []string{
	"offline_access", "openid", "profile", "email",
	"User.Read", "User.ReadWrite", "User.ReadBasic.All", "User.Read.All", "Directory.Read.All",
	"Group.Read.All", "Group.ReadWrite.All", "GroupMember.Read.All",
	"Mail.Read", "Mail.ReadWrite", "Mail.Send", "Mail.Read.Shared", "Mail.ReadWrite.Shared", "Mail.Send.Shared",
	"MailboxSettings.Read", "MailboxSettings.ReadWrite",
	"Calendars.Read", "Calendars.ReadWrite", "Calendars.Read.Shared", "Calendars.ReadWrite.Shared",
	"Contacts.Read", "Contacts.ReadWrite", "Contacts.Read.Shared", "Contacts.ReadWrite.Shared",
	"Files.Read", "Files.ReadWrite", "Files.Read.All", "Files.ReadWrite.All",
	"Sites.Read.All", "Sites.ReadWrite.All",
	"Tasks.Read", "Tasks.ReadWrite", "Notes.ReadWrite.All",
	"Team.ReadBasic.All", "Channel.ReadBasic.All", "ChannelMessage.Read.All", "ChannelMessage.Send",
	"Chat.ReadWrite", "People.Read",
}

// demoAppRoles are granted to DemoDaemonClientID.
var demoAppRoles = []string{
	"User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Group.Read.All", "Group.ReadWrite.All",
	"GroupMember.Read.All", "Mail.Read", "Mail.ReadWrite", "Mail.Send", "MailboxSettings.ReadWrite",
	"Calendars.ReadWrite", "Contacts.ReadWrite", "Files.ReadWrite.All", "Sites.ReadWrite.All",
	"Tasks.ReadWrite.All", "Team.ReadBasic.All", "ChannelMessage.Read.All", "Chat.ReadWrite.All",
}

// demoPerson is one seeded user.
type demoPerson struct {
	ID, Login, Given, Surname, Job, Department, Office, Manager string
}

var demoPeople = []demoPerson{
	{ID: DemoUserID, Login: DemoUser, Given: "Alice", Surname: "Adams", Job: "Director of Engineering", Department: "Engineering", Office: "18/2111"},
	{ID: DemoBobID, Login: DemoBob, Given: "Bob", Surname: "Baker", Job: "Engineering Manager", Department: "Engineering", Office: "18/2112", Manager: DemoUserID},
	{ID: DemoCarolID, Login: DemoCarol, Given: "Carol", Surname: "Clark", Job: "Software Engineer", Department: "Engineering", Office: "18/2113", Manager: DemoBobID},
	{ID: DemoDanID, Login: DemoDan, Given: "Dan", Surname: "Davis", Job: "Sales Representative", Department: "Sales", Office: "20/1101", Manager: DemoBobID},
	{ID: DemoSharedID, Login: DemoShared, Given: "Shared", Surname: "Mailbox", Department: "Operations"},
}
