package core_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
	"github.com/o365go/o365/sandbox/internal/testarea"
)

func TestForcedFaults(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	tok := ts.AliceToken(t)
	r := ts.Do(t, tok, "GET", "/v1.0/me", nil, "X-Sandbox-Fault", "429;retry-after=3")
	r.WantError(t, 429, "TooManyRequests")
	inner := r.JSON["error"].(map[string]any)["innerError"].(map[string]any)
	if r.Header.Get("Retry-After") != "3" || inner["code"] != "429" || inner["status"] != "429" {
		t.Fatalf("429 answer: %v %s", r.Header, r.Raw)
	}
	r = ts.Do(t, tok, "GET", "/v1.0/me", nil, "X-Sandbox-Fault", "503")
	r.WantError(t, 503, "serviceNotAvailable")
	if r.Header.Get("Retry-After") != "1" {
		t.Errorf("503 Retry-After %q", r.Header.Get("Retry-After"))
	}
	ts.Do(t, tok, "GET", "/v1.0/me", nil, "X-Sandbox-Fault", "latency=1ms").WantStatus(t, 200)
	// reset: the connection closes without an answer.
	req, _ := http.NewRequest("GET", ts.URL+"/v1.0/me", nil)
	req.Header.Set("X-Sandbox-Fault", "reset")
	if resp, err := http.DefaultTransport.RoundTrip(req); err == nil {
		resp.Body.Close()
		t.Fatalf("reset fault answered %d", resp.StatusCode)
	}
	// The header also works on identity endpoints.
	req, _ = http.NewRequest("GET", ts.URL+"/"+demo.TenantID+"/v2.0/.well-known/openid-configuration", nil)
	req.Header.Set("X-Sandbox-Fault", "503")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 {
		t.Fatalf("identity with forced fault: %d", resp.StatusCode)
	}
}

func TestRateFaultsSpareIdentity(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{Faults: "503=100%"}, testarea.Area())
	tok := ts.AliceToken(t) // the token endpoint is not faulted
	ts.Do(t, tok, "GET", "/v1.0/me", nil).WantError(t, 503, "serviceNotAvailable")
	if err := ts.Engine.SetFaults("bogus=1%"); err == nil {
		t.Fatal("bad spec accepted")
	}
	if err := ts.Engine.SetFaults(""); err != nil {
		t.Fatal(err)
	}
	ts.Do(t, tok, "GET", "/v1.0/me", nil).WantStatus(t, 200)
	if _, err := core.New(context.Background(), core.Config{Faults: "429=5"}); err == nil || !strings.Contains(err.Error(), "percentage") {
		t.Fatalf("New with bad faults: %v", err)
	}
}

// TestDropFault checks that "drop" does the work and loses the answer: the
// client sees a broken connection, yet the change is in the store.
func TestDropFault(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	tok := ts.AliceToken(t)
	req, _ := http.NewRequest("PATCH", ts.URL+"/v1.0/me", strings.NewReader(`{"jobTitle":"Chief Dropper"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Sandbox-Fault", "drop")
	if resp, err := http.DefaultTransport.RoundTrip(req); err == nil {
		resp.Body.Close()
		t.Fatalf("drop fault answered %d", resp.StatusCode)
	}
	r := ts.Do(t, tok, "GET", "/v1.0/me?$select=jobTitle", nil)
	r.WantStatus(t, 200)
	if r.JSON["jobTitle"] != "Chief Dropper" {
		t.Fatalf("the dropped request was not processed: %s", r.Raw)
	}
	if got := ts.Engine.FaultsInjected()["drop"]; got != 1 {
		t.Fatalf("FaultsInjected()[drop] = %d, want 1", got)
	}
}
