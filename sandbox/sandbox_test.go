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
