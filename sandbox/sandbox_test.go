package sandbox

import (
	"testing"

	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

// testServer is a seeded sandbox behind httptest.
type testServer struct {
	*sandboxtest.Server
	srv *Server
}

// newTestServer starts a seeded in-memory sandbox on loopback.
func newTestServer(t testing.TB, opts Options) *testServer {
	t.Helper()
	if opts.Seed == "" {
		opts.Seed = "demo"
	}
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return &testServer{Server: sandboxtest.Serve(t, s.Handler()), srv: s}
}

func TestSmokeMe(t *testing.T) {
	ts := newTestServer(t, Options{})
	r := ts.Do(t, ts.AliceToken(t), "GET", "/v1.0/me", nil).WantStatus(t, 200)
	t.Logf("%s", r.Raw)
}

func TestGrantMailbox(t *testing.T) {
	ts := newTestServer(t, Options{})
	ctx := t.Context()
	alice := ts.AliceToken(t)
	carolInbox := "/v1.0/users/" + DemoCarol + "/mailFolders/inbox/messages"
	ts.Do(t, alice, "GET", carolInbox, nil).WantError(t, 403, "ErrorAccessDenied")
	g := MailboxGrant{Mailbox: DemoCarol, Grantee: DemoUser, Folder: "inbox", Role: "reviewer"}
	if err := ts.srv.GrantMailbox(ctx, g); err != nil {
		t.Fatal(err)
	}
	ts.Do(t, alice, "GET", carolInbox, nil).WantStatus(t, 200)
	if err := ts.srv.RevokeMailbox(ctx, g); err != nil {
		t.Fatal(err)
	}
	ts.Do(t, alice, "GET", carolInbox, nil).WantError(t, 403, "ErrorAccessDenied")
	for _, bad := range []MailboxGrant{
		{Mailbox: "nobody@contoso.onmicrosoft.com", Grantee: DemoUser, Right: "fullAccess"},
		{Mailbox: DemoCarol, Grantee: DemoUser, Right: "everything"},
		{Mailbox: DemoCarol, Grantee: DemoUser, Folder: "inbox", Role: "boss"},
	} {
		if err := ts.srv.GrantMailbox(ctx, bad); err == nil {
			t.Errorf("GrantMailbox(%+v) accepted", bad)
		}
	}
	if err := ts.srv.RevokeMailbox(ctx, g); err == nil {
		t.Error("revoking a missing grant succeeded")
	}
}
