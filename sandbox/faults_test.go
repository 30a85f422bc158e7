package sandbox

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseFaultSpec(t *testing.T) {
	cases := []struct {
		spec string
		want *faultSpec
		err  string
	}{
		{"", &faultSpec{retryAfter: 1}, ""},
		{"429=5%,503=1%,reset=1%,latency=20ms..200ms,seed=42", &faultSpec{
			rates:      []faultRate{{"429", 5}, {"503", 1}, {"reset", 1}},
			latencyMin: 20 * time.Millisecond, latencyMax: 200 * time.Millisecond, seed: 42, retryAfter: 1}, ""},
		{" 500=0.5% , latency=5ms, retry-after=3 ", &faultSpec{rates: []faultRate{{"500", 0.5}},
			latencyMin: 5 * time.Millisecond, latencyMax: 5 * time.Millisecond, retryAfter: 3}, ""},
		{"429=5", nil, "rate must be a percentage"},
		{"429=101%", nil, "rate must be a percentage"},
		{"429=-1%", nil, "rate must be a percentage"},
		{"429=60%,503=50%", nil, "add up to 110%"},
		{"418=1%", nil, `unknown fault "418"`},
		{"429", nil, "want KEY=VALUE"},
		{"429=1%,429=2%", nil, "twice"},
		{"latency=fast", nil, "want a duration"},
		{"latency=200ms..20ms", nil, "min <= max"},
		{"latency=2h", nil, "max <= 1m"},
		{"seed=-1", nil, "seed must be"},
		{"retry-after=x", nil, "retry-after must be"},
	}
	for _, c := range cases {
		got, err := parseFaultSpec(c.spec)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("parseFaultSpec(%q) error %v, want %q", c.spec, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("parseFaultSpec(%q) = %+v, %v; want %+v", c.spec, got, err, c.want)
		}
	}
}

func TestParseFaultHeader(t *testing.T) {
	cases := []struct {
		in   string
		want fault
		bad  bool
	}{
		{"429", fault{kind: "429", retryAfter: 1}, false},
		{"429;retry-after=2", fault{kind: "429", retryAfter: 2}, false},
		{"reset", fault{kind: "reset", retryAfter: 1}, false},
		{"latency=100ms", fault{latency: 100 * time.Millisecond, retryAfter: 1}, false},
		{"latency=10ms, 503", fault{kind: "503", latency: 10 * time.Millisecond, retryAfter: 1}, false},
		{"418", fault{}, true},
		{"429,503", fault{}, true},
		{"429;retry-after=x", fault{}, true},
		{"429;foo=1", fault{}, true},
		{"latency=forever", fault{}, true},
	}
	for _, c := range cases {
		got, err := parseFaultHeader(c.in)
		if (err != nil) != c.bad || (!c.bad && got != c.want) {
			t.Errorf("parseFaultHeader(%q) = %+v, %v; want %+v bad=%v", c.in, got, err, c.want, c.bad)
		}
	}
}

func TestFaultsAreReproducible(t *testing.T) {
	draws := func() []string {
		s := &Server{}
		if err := s.SetFaults("429=30%,503=10%,reset=10%,latency=1ms..9ms,seed=7"); err != nil {
			t.Fatal(err)
		}
		var out []string
		for range 200 {
			f := s.faults.Load().draw()
			if f.latency < time.Millisecond || f.latency > 9*time.Millisecond {
				t.Fatalf("latency %v out of range", f.latency)
			}
			out = append(out, f.kind)
		}
		return out
	}
	a, b := draws(), draws()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different faults")
	}
	counts := map[string]int{}
	for _, k := range a {
		counts[k]++
	}
	// 200 draws at 30/10/10%: every kind shows up, and most requests pass.
	if counts["429"] == 0 || counts["503"] == 0 || counts["reset"] == 0 || counts[""] < 60 {
		t.Fatalf("implausible distribution %v", counts)
	}
}

func TestForcedFaults(t *testing.T) {
	ts := newTestServer(t, Options{})
	tok := ts.aliceToken(t)
	r := ts.do(t, tok, "GET", "/v1.0/me", nil, faultHeader, "429;retry-after=3")
	r.wantError(t, 429, "TooManyRequests")
	inner := r.JSON["error"].(map[string]any)["innerError"].(map[string]any)
	if r.Header.Get("Retry-After") != "3" || inner["code"] != "429" || inner["status"] != "429" {
		t.Fatalf("429 answer: %v %s", r.Header, r.Raw)
	}
	r = ts.do(t, tok, "GET", "/v1.0/me", nil, faultHeader, "503")
	r.wantError(t, 503, "serviceNotAvailable")
	if r.Header.Get("Retry-After") != "1" {
		t.Errorf("503 Retry-After %q", r.Header.Get("Retry-After"))
	}
	ts.do(t, tok, "GET", "/v1.0/me", nil, faultHeader, "latency=1ms").wantStatus(t, 200)
	// reset: the connection closes without an answer.
	req, _ := http.NewRequest("GET", ts.ts.URL+"/v1.0/me", nil)
	req.Header.Set(faultHeader, "reset")
	if resp, err := http.DefaultTransport.RoundTrip(req); err == nil {
		resp.Body.Close()
		t.Fatalf("reset fault answered %d", resp.StatusCode)
	}
	// The header also works on identity endpoints.
	req, _ = http.NewRequest("GET", ts.ts.URL+"/"+DemoTenantID+"/v2.0/.well-known/openid-configuration", nil)
	req.Header.Set(faultHeader, "503")
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
	ts := newTestServer(t, Options{Faults: "503=100%"})
	tok := ts.aliceToken(t) // the token endpoint is not faulted
	ts.do(t, tok, "GET", "/v1.0/me", nil).wantError(t, 503, "serviceNotAvailable")
	if err := ts.SetFaults("bogus=1%"); err == nil {
		t.Fatal("bad spec accepted")
	}
	if err := ts.SetFaults(""); err != nil {
		t.Fatal(err)
	}
	ts.do(t, tok, "GET", "/v1.0/me", nil).wantStatus(t, 200)
	if _, err := New(Options{Faults: "429=5"}); err == nil || !strings.Contains(err.Error(), "percentage") {
		t.Fatalf("New with bad faults: %v", err)
	}
}

// TestDropFault checks that "drop" does the work and loses the answer: the
// client sees a broken connection, yet the change is in the store.
func TestDropFault(t *testing.T) {
	ts := newTestServer(t, Options{})
	tok := ts.aliceToken(t)
	req, _ := http.NewRequest("PATCH", ts.ts.URL+"/v1.0/me", strings.NewReader(`{"jobTitle":"Chief Dropper"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(faultHeader, "drop")
	if resp, err := http.DefaultTransport.RoundTrip(req); err == nil {
		resp.Body.Close()
		t.Fatalf("drop fault answered %d", resp.StatusCode)
	}
	r := ts.do(t, tok, "GET", "/v1.0/me?$select=jobTitle", nil)
	r.wantStatus(t, 200)
	if r.JSON["jobTitle"] != "Chief Dropper" {
		t.Fatalf("the dropped request was not processed: %s", r.Raw)
	}
	if got := ts.FaultsInjected()["drop"]; got != 1 {
		t.Fatalf("FaultsInjected()[drop] = %d, want 1", got)
	}
}
