package mail_test

import (
	"testing"

	"github.com/o365go/o365/sandbox"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

// newTestServer starts a sandbox seeded with the demo tenant.
func newTestServer(t testing.TB, opts sandbox.Options) *sandboxtest.Server {
	t.Helper()
	opts.Seed = "demo"
	s, err := sandbox.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return sandboxtest.Serve(t, s.Handler())
}
