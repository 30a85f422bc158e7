package sandbox

import "github.com/o365go/o365/sandbox/internal/demo"

// The demo tenant that Options.Seed "demo" (and `o365 sandbox serve --seed
// demo`) creates. Every value is fixed, so tests and the CLI can rely on it.
const (
	// DemoTenantID is the demo tenant's GUID.
	DemoTenantID = demo.TenantID
	// DemoTenantDomain is the demo tenant's initial domain.
	DemoTenantDomain = demo.TenantDomain
	// DemoTenantName is the organization's display name.
	DemoTenantName = demo.TenantName

	// DemoUser is the default demo user (Alice Adams): the one the
	// authorize and device endpoints sign in without a form.
	DemoUser = demo.User
	// DemoUserID is Alice's object id.
	DemoUserID = demo.UserID
	// DemoBob, DemoCarol and DemoDan are more demo users; Bob reports to
	// Alice, Carol and Dan report to Bob. Bob has made Alice his delegate
	// with full access to his mailbox: she reads and files his mail and
	// sends on his behalf. Carol and Dan have shared nothing, so Alice's
	// token is refused on their mailboxes whatever its scopes (grant more
	// with GrantMailbox).
	DemoBob   = demo.Bob
	DemoCarol = demo.Carol
	DemoDan   = demo.Dan
	// DemoBobID, DemoCarolID and DemoDanID are their object ids.
	DemoBobID   = demo.BobID
	DemoCarolID = demo.CarolID
	DemoDanID   = demo.DanID
	// DemoShared is a shared mailbox user that nobody signs in as. Alice
	// has full access to it and sends as it.
	DemoShared = demo.Shared
	// DemoSharedID is the shared mailbox's object id.
	DemoSharedID = demo.SharedID
	// DemoPassword is every demo user's password (for ROPC and the sign-in
	// page).
	DemoPassword = demo.Password

	// DemoEngineeringGroupID is a Microsoft 365 group: Alice owns it; Bob,
	// Carol and Dan are members.
	DemoEngineeringGroupID = demo.EngineeringGroupID
	// DemoAllStaffGroupID is a security group with every demo user.
	DemoAllStaffGroupID = demo.AllStaffGroupID

	// DemoPublicClientID is a public client app with every delegated scope
	// the sandbox knows, .Shared ones included; redirect URIs
	// http://localhost and http://127.0.0.1 (any port).
	DemoPublicClientID = demo.PublicClientID
	// DemoLimitedClientID is a public client app without the .Shared
	// scopes, for 403 tests on other users' data.
	DemoLimitedClientID = demo.LimitedClientID
	// DemoDaemonClientID is a confidential app with application roles.
	DemoDaemonClientID = demo.DaemonClientID
	// DemoDaemonSecret is DemoDaemonClientID's client secret.
	DemoDaemonSecret = demo.DaemonSecret
)
