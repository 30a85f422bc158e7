// Package sandboxtest is the test harness of the sandbox and its areas: a
// sandbox behind httptest, tokens of the demo tenant's users and apps, and
// requests whose answers are decoded and checked in Graph's terms.
package sandboxtest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o365go/o365/sandbox/internal/area"
	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
)

// Options configure New. The zero value is the demo tenant in memory.
type Options struct {
	// Sizes sets seed knobs by their full names, e.g.
	// {"mail.messagesPerInbox": 40}.
	Sizes map[string]int
	// Empty starts without the demo tenant: no users, no apps.
	Empty bool
	// Faults is a fault-injection spec (see core.Engine.SetFaults).
	Faults string
	// Clock is the time source; nil is time.Now.
	Clock func() time.Time
	// AccessTokenTTL and DeviceCodeInterval tune the identity platform.
	AccessTokenTTL, DeviceCodeInterval time.Duration
	// Logger receives the engine's records; nil discards them.
	Logger *slog.Logger
}

// New starts an in-memory sandbox serving every area of the sandbox plus
// extra (an area under test that is not wired in yet, or a test-only one),
// seeded with the demo tenant, on loopback until the test ends.
func New(t testing.TB, opts Options, extra ...core.Area) *Server {
	t.Helper()
	ctx := context.Background()
	eng, err := core.New(ctx, core.Config{
		DBPath:             ":memory:",
		TenantID:           demo.TenantID,
		Domain:             demo.TenantDomain,
		Areas:              append(area.All(), extra...),
		Faults:             opts.Faults,
		DefaultUser:        demo.User,
		AccessTokenTTL:     opts.AccessTokenTTL,
		DeviceCodeInterval: opts.DeviceCodeInterval,
		SeedEpoch:          demo.Epoch(),
		Logger:             opts.Logger,
		Now:                opts.Clock,
	})
	if err != nil {
		t.Fatalf("sandboxtest: %v", err)
	}
	t.Cleanup(func() { eng.Close() })
	if !opts.Empty {
		if err := eng.Seed(ctx, opts.Sizes); err != nil {
			t.Fatalf("sandboxtest: seed: %v", err)
		}
	}
	s := Serve(t, eng.Handler())
	s.Engine = eng
	return s
}

// Server is a sandbox served on loopback, with a cache of tokens. A Server
// made by hand needs only its URL.
type Server struct {
	// URL is the base URL, e.g. "http://127.0.0.1:41234".
	URL string
	// Engine is the sandbox New started, for white-box setup and checks
	// (Engine.Store, SetFaults ...); nil from Serve.
	Engine *core.Engine
	// Handler is the sandbox's handler, which BenchGET calls directly.
	Handler http.Handler

	mu     sync.Mutex
	tokens map[string]string
}

// Serve serves h (a sandbox's handler, e.g. a sandbox.Server's) on loopback
// until the test ends.
func Serve(t testing.TB, h http.Handler) *Server {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return &Server{URL: ts.URL, Handler: h}
}

// RegisterApp registers app with the sandbox New started, e.g. a client
// granted exactly the permissions a test needs; AppToken-like tokens for it
// come from Token with its client id and secret.
func (s *Server) RegisterApp(t testing.TB, app core.App) {
	t.Helper()
	ctx := context.Background()
	if err := s.Engine.Store().Write(ctx, func(tx *core.Tx) error { return core.PutApp(ctx, tx, app) }); err != nil {
		t.Fatalf("sandboxtest: register app: %v", err)
	}
}

// Resources tokens are asked for. Each API root accepts only tokens of its
// own resource, as the real services do: Graph (/v1.0, /beta) and Outlook
// REST (/api/v2.0).
const (
	GraphResource   = "https://graph.microsoft.com"
	OutlookResource = "https://outlook.office.com"
)

// Grant records a mailbox permission (see core.Grant) in the sandbox New
// started, e.g. core.Grant{Mailbox: demo.CarolID, Grantee: demo.UserID,
// Folder: "inbox", Role: "editor"}.
func (s *Server) Grant(t testing.TB, g core.Grant) {
	t.Helper()
	ctx := context.Background()
	if err := s.Engine.Store().Write(ctx, func(tx *core.Tx) error { return core.PutGrant(ctx, tx, g) }); err != nil {
		t.Fatalf("sandboxtest: grant: %v", err)
	}
}

// Revoke removes a grant Grant (or the demo tenant) recorded.
func (s *Server) Revoke(t testing.TB, g core.Grant) {
	t.Helper()
	ctx := context.Background()
	if err := s.Engine.Store().Write(ctx, func(tx *core.Tx) error { return core.DeleteGrant(ctx, tx, g) }); err != nil {
		t.Fatalf("sandboxtest: revoke: %v", err)
	}
}

// AppTokenFor is the app-only Graph token of a confidential app registered
// with RegisterApp.
func (s *Server) AppTokenFor(t testing.TB, clientID, secret string) string {
	t.Helper()
	return s.AppTokenOn(t, GraphResource, clientID, secret)
}

// AppTokenOn is the app-only token for resource (GraphResource,
// OutlookResource) of a confidential app.
func (s *Server) AppTokenOn(t testing.TB, resource, clientID, secret string) string {
	t.Helper()
	return s.Token(t, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret},
		"scope": {resource + "/.default"},
	})
}

// Token gets an access token from the sandbox's own token endpoint for
// the form's grant, caching it.
func (s *Server) Token(t testing.TB, form url.Values) string {
	t.Helper()
	key := form.Encode()
	s.mu.Lock()
	tok, ok := s.tokens[key]
	s.mu.Unlock()
	if ok {
		return tok
	}
	resp, err := http.PostForm(s.URL+"/"+demo.TenantID+"/oauth2/v2.0/token", form)
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
	s.mu.Lock()
	if s.tokens == nil {
		s.tokens = map[string]string{}
	}
	s.tokens[key] = body.AccessToken
	s.mu.Unlock()
	return body.AccessToken
}

// UserToken is a delegated token for login (a demo user, password
// demo.Password) through clientID (ROPC), with every scope the app was
// granted.
func (s *Server) UserToken(t testing.TB, clientID, login string) string {
	t.Helper()
	return s.UserTokenOn(t, GraphResource, clientID, login)
}

// UserTokenOn is UserToken for resource (GraphResource, OutlookResource):
// /api/v2.0 wants OutlookResource tokens.
func (s *Server) UserTokenOn(t testing.TB, resource, clientID, login string) string {
	t.Helper()
	return s.Token(t, url.Values{
		"grant_type": {"password"}, "client_id": {clientID}, "username": {login}, "password": {demo.Password},
		"scope": {resource + "/.default"},
	})
}

// AliceOutlookToken is AliceToken for Outlook REST (/api/v2.0).
func (s *Server) AliceOutlookToken(t testing.TB) string {
	t.Helper()
	return s.UserTokenOn(t, OutlookResource, demo.PublicClientID, demo.User)
}

// AliceToken is Alice's (demo.User) token through the demo public client:
// every delegated scope, .Shared ones included.
func (s *Server) AliceToken(t testing.TB) string {
	t.Helper()
	return s.UserToken(t, demo.PublicClientID, demo.User)
}

// AppToken is the demo daemon's app-only token.
func (s *Server) AppToken(t testing.TB) string {
	t.Helper()
	return s.AppTokenFor(t, demo.DaemonClientID, demo.DaemonSecret)
}

// BenchGET measures GET path with token through Handler (faults, auth,
// routing, store, JSON) without a network round trip, reporting req/s and
// ms/req besides the allocations. headers are name, value pairs.
func (s *Server) BenchGET(b *testing.B, token, path string, headers ...string) {
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		w := httptest.NewRecorder()
		s.Handler.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", path, w.Code, w.Body)
		}
		io.Copy(io.Discard, w.Body)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/req")
}

// Response is a decoded answer.
type Response struct {
	Status int
	Header http.Header
	Raw    []byte
	// JSON is the decoded body when the answer is JSON.
	JSON map[string]any
}

// Do sends one request with token ("" for none) and returns the answer.
// path is relative to URL ("/v1.0/me") or absolute (a nextLink); spaces in
// it are escaped. body is sent as is when it is []byte or string, else
// JSON-encoded; any body is sent as application/json unless headers (name,
// value pairs) say otherwise.
func (s *Server) Do(t testing.TB, token, method, path string, body any, headers ...string) *Response {
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
		target = s.URL + target
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
	var src io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		// headers set Accept-Encoding themselves (as python-requests'
		// "gzip, deflate"), so the transport left the body compressed.
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatalf("%s %s: gzip: %v", method, path, err)
		}
		src = zr
	}
	raw, err := io.ReadAll(src)
	if err != nil {
		t.Fatal(err)
	}
	r := &Response{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &r.JSON); err != nil {
			t.Fatalf("%s %s: bad JSON %q: %v", method, path, raw, err)
		}
	}
	return r
}

// WantStatus fails the test unless r has status code.
func (r *Response) WantStatus(t testing.TB, code int) *Response {
	t.Helper()
	if r.Status != code {
		t.Fatalf("status %d, want %d; body %s", r.Status, code, r.Raw)
	}
	return r
}

// WantError checks Graph's whole error envelope: the status, the code, a
// message, and an innerError with the request-id and date.
func (r *Response) WantError(t testing.TB, status int, code string) {
	t.Helper()
	r.WantStatus(t, status)
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

// Values is the "value" array of a collection answer, each item an object.
func Values(t testing.TB, r *Response) []map[string]any {
	t.Helper()
	list, ok := r.JSON["value"].([]any)
	if !ok {
		t.Fatalf("no value array in %s", r.Raw)
	}
	out := make([]map[string]any, len(list))
	for i, v := range list {
		out[i] = v.(map[string]any)
	}
	return out
}

// Receiver is a loopback webhook endpoint for change notifications: it
// answers the validation handshake and hands each notification POST's body
// to Got.
type Receiver struct {
	*httptest.Server
	// Got receives the decoded body ({"value":[...]}) of each notification.
	Got chan map[string]any
}

// NewReceiver starts a Receiver until the test ends. With echo false it
// fails the handshake, as a misconfigured endpoint would.
func NewReceiver(t testing.TB, echo bool) *Receiver {
	t.Helper()
	rc := &Receiver{Got: make(chan map[string]any, 16)}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := r.URL.Query().Get("validationToken"); tok != "" {
			w.Header().Set("Content-Type", "text/plain")
			if echo {
				io.WriteString(w, tok)
			} else {
				io.WriteString(w, "nope")
			}
			return
		}
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		rc.Got <- body
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(rc.Close)
	return rc
}
