package o365test_test

import (
	"net/http"
	"testing"

	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// A test starts a seeded sandbox, takes a token for a demo user and calls
// Graph on it; the sandbox stops when the test ends.
func ExampleNewSandbox() {
	testMe := func(t *testing.T) {
		srv := o365test.NewSandbox(t, o365test.WithFaults("429=10%,seed=1"))
		token := o365test.UserToken(t, srv, sandbox.DemoUser)
		req, _ := http.NewRequest("GET", srv.GraphURL()+"me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		// ... assert on resp, retrying 429s as a client must.
	}
	_ = testMe
}
