package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// testServer is a sandbox behind httptest with a cache of tokens.
type testServer struct {
	*Server
	ts     *httptest.Server
	mu     sync.Mutex
	tokens map[string]string
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
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		ts.Close()
		s.Close()
	})
	return &testServer{Server: s, ts: ts, tokens: map[string]string{}}
}

// token gets an access token from the sandbox's own token endpoint.
func (ts *testServer) token(t testing.TB, form url.Values) string {
	t.Helper()
	key := form.Encode()
	ts.mu.Lock()
	tok, ok := ts.tokens[key]
	ts.mu.Unlock()
	if ok {
		return tok
	}
	resp, err := http.PostForm(ts.ts.URL+"/"+DemoTenantID+"/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatalf("token request: %v", err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.AccessToken == "" {
		t.Fatalf("token: status %d, %s: %s (%v)", resp.StatusCode, body.Error, body.Description, err)
	}
	ts.mu.Lock()
	ts.tokens[key] = body.AccessToken
	ts.mu.Unlock()
	return body.AccessToken
}

// userToken is a delegated token for login through clientID (ROPC) with
// every scope the app was granted.
func (ts *testServer) userToken(t testing.TB, clientID, login string) string {
	return ts.token(t, url.Values{
		"grant_type": {"password"}, "client_id": {clientID}, "username": {login}, "password": {DemoPassword},
		"scope": {"https://graph.microsoft.com/.default"},
	})
}

// aliceToken is Alice's token through the demo public client.
func (ts *testServer) aliceToken(t testing.TB) string {
	return ts.userToken(t, DemoPublicClientID, DemoUser)
}

// appToken is the daemon's app-only token.
func (ts *testServer) appToken(t testing.TB) string {
	return ts.token(t, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {DemoDaemonClientID}, "client_secret": {DemoDaemonSecret},
		"scope": {"https://graph.microsoft.com/.default"},
	})
}

// response is a decoded answer.
type response struct {
	Status int
	Header http.Header
	Raw    []byte
	JSON   map[string]any
}

// do sends one request; body is JSON-encoded unless it is []byte or nil.
// headers are name/value pairs.
func (ts *testServer) do(t testing.TB, token, method, path string, body any, headers ...string) *response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	target := strings.ReplaceAll(path, " ", "%20")
	if !strings.HasPrefix(path, "http") {
		target = ts.ts.URL + target
	}
	req, err := http.NewRequestWithContext(context.Background(), method, target, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := &response{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &r.JSON); err != nil {
			t.Fatalf("%s %s: bad JSON %q: %v", method, path, raw, err)
		}
	}
	return r
}

// wantStatus fails unless r has status code.
func (r *response) wantStatus(t testing.TB, code int) *response {
	t.Helper()
	if r.Status != code {
		t.Fatalf("status %d, want %d; body %s", r.Status, code, r.Raw)
	}
	return r
}

// wantError checks Graph's error envelope.
func (r *response) wantError(t testing.TB, status int, code string) {
	t.Helper()
	r.wantStatus(t, status)
	e, ok := r.JSON["error"].(map[string]any)
	if !ok {
		t.Fatalf("no error object in %s", r.Raw)
	}
	if e["code"] != code {
		t.Fatalf("error code %v, want %s; body %s", e["code"], code, r.Raw)
	}
	if m, _ := e["message"].(string); m == "" {
		t.Fatalf("empty error message: %s", r.Raw)
	}
	inner, _ := e["innerError"].(map[string]any)
	if inner["request-id"] != r.Header.Get("request-id") || inner["request-id"] == "" || inner["date"] == "" {
		t.Fatalf("innerError %v does not match request-id header %q", inner, r.Header.Get("request-id"))
	}
}

func TestSmokeMe(t *testing.T) {
	ts := newTestServer(t, Options{})
	r := ts.do(t, ts.aliceToken(t), "GET", "/v1.0/me", nil).wantStatus(t, 200)
	t.Logf("%s", r.Raw)
}
