package o365

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// recorder is an httptest server that answers from a script and records every
// request it receives.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	Method, URI string
	Header      http.Header
	Body        string
}

func newRecorder(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) *recorder {
	t.Helper()
	rec := &recorder{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, recorded{r.Method, r.RequestURI, r.Header.Clone(), string(body)})
		n := len(rec.reqs)
		rec.mu.Unlock()
		h(w, r, n)
	}))
	t.Cleanup(rec.Close)
	return rec
}

func (r *recorder) requests() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}

func testProtocol(base string) *Protocol {
	p := Graph()
	p.BaseURL = base + "/"
	return p
}

func fastRetry() RetryPolicy {
	return RetryPolicy{MaxAttempts: 4, MaxTotalWait: 10 * time.Second, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}
}

func newTestAccount(t *testing.T, base string, opts ...Option) *Account {
	t.Helper()
	all := append([]Option{WithProtocol(testProtocol(base)), WithTokenSource(StaticToken("tok-123")), WithRetry(fastRetry())}, opts...)
	a, err := New(all...)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestDoBuildsRequest(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"m1","subject":"hi"}`)
	})
	a := newTestAccount(t, srv.URL, WithResource("user:alice@contoso.com"), WithUserAgent("myapp/1"))
	req := a.NewRequest("POST", Path("mailFolders", "in box", "messages"), map[string]any{"subject": "hi"})
	req.Prefer(`IdType="ImmutableId"`)
	var out struct{ ID, Subject string }
	resp, err := a.Do(context.Background(), req, &out)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || out.ID != "m1" || out.Subject != "hi" {
		t.Fatalf("got %d %+v", resp.StatusCode, out)
	}
	got := srv.requests()[0]
	if got.Method != "POST" || got.URI != "/v1.0/users/alice@contoso.com/mailFolders/in%20box/messages" {
		t.Errorf("request line %s %s", got.Method, got.URI)
	}
	if got.Body != `{"subject":"hi"}` {
		t.Errorf("body %s", got.Body)
	}
	checks := map[string]string{
		"Authorization": "Bearer tok-123",
		"Content-Type":  "application/json",
		"Accept":        "application/json",
		"User-Agent":    "myapp/1 o365-go/" + Version,
		"Prefer":        `IdType="ImmutableId"`,
	}
	for k, want := range checks {
		if v := got.Header.Get(k); v != want {
			t.Errorf("header %s = %q, want %q", k, v, want)
		}
	}
	if id := got.Header.Get("client-request-id"); len(id) != 36 {
		t.Errorf("client-request-id %q", id)
	}
}

func TestDoPreferMergesTimeZone(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(204) })
	loc, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Fatal(err)
	}
	a := newTestAccount(t, srv.URL, WithTimeZone(loc))
	req := a.NewRequest("GET", "events", nil).Prefer(`outlook.body-content-type="text"`).Prefer(`outlook.body-content-type="html"`)
	if _, err := a.Do(context.Background(), req, nil); err != nil {
		t.Fatal(err)
	}
	want := `outlook.body-content-type="text", outlook.timezone="Romance Standard Time"`
	if got := srv.requests()[0].Header.Get("Prefer"); got != want {
		t.Fatalf("Prefer = %q, want %q", got, want)
	}

	// The zone is worked out when an account is built: With takes a new one,
	// and the original keeps its own.
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	for i, acct := range []*Account{a.With(WithTimeZone(tokyo)), a, newTestAccount(t, srv.URL)} {
		if _, err := acct.Do(context.Background(), &Request{Path: "events"}, nil); err != nil {
			t.Fatal(err)
		}
		want := []string{`outlook.timezone="Tokyo Standard Time"`, `outlook.timezone="Romance Standard Time"`, ""}[i]
		if got := srv.requests()[i+1].Header.Get("Prefer"); got != want {
			t.Errorf("account %d: Prefer = %q, want %q", i, got, want)
		}
	}
}

func TestNewUUIDFormat(t *testing.T) {
	for range 100 {
		id := newUUID()
		if len(id) != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-' || id[14] != '4' || !strings.ContainsRune("89ab", rune(id[19])) {
			t.Fatalf("newUUID() = %q, want a version 4 UUID", id)
		}
		if strings.Trim(strings.ReplaceAll(id, "-", ""), "0123456789abcdef") != "" {
			t.Fatalf("newUUID() = %q has non-hex digits", id)
		}
	}
}

func TestWithHTTPClientLeavesCallersClientAlone(t *testing.T) {
	mine := &http.Client{Timeout: time.Minute}
	a := newTestAccount(t, "http://example.invalid/", WithHTTPClient(mine))
	if mine.CheckRedirect != nil {
		t.Fatal("WithHTTPClient changed the caller's client")
	}
	if a.client == mine || a.client.Timeout != time.Minute || a.client.CheckRedirect == nil {
		t.Fatalf("account client %+v", a.client)
	}
}

func TestDoURLForms(t *testing.T) {
	a := newTestAccount(t, "https://graph.example")
	cases := []struct {
		req  *Request
		want string
	}{
		{&Request{Path: "messages"}, "https://graph.example/v1.0/me/messages"},
		{&Request{Path: ""}, "https://graph.example/v1.0/me"},
		{&Request{Path: "/users"}, "https://graph.example/v1.0/users"},
		{&Request{Path: "/$batch"}, "https://graph.example/v1.0/$batch"},
		{&Request{Path: "https://other.example/x?$skiptoken=abc"}, "https://other.example/x?$skiptoken=abc"},
		{&Request{Path: "messages", Resource: &Resource{kind: KindGroup, path: "groups/g1"}}, "https://graph.example/v1.0/groups/g1/messages"},
	}
	for _, tc := range cases {
		got, err := a.URL(tc.req)
		if err != nil || got != tc.want {
			t.Errorf("URL(%q) = %q, %v; want %q", tc.req.Path, got, err, tc.want)
		}
	}
	shared := a.With(WithResource("shared@contoso.com"))
	if got, _ := shared.URL(&Request{Path: "messages"}); got != "https://graph.example/v1.0/users/shared@contoso.com/messages" {
		t.Errorf("derived account URL %q", got)
	}
	if got, _ := a.URL(&Request{Path: "messages"}); got != "https://graph.example/v1.0/me/messages" {
		t.Errorf("With changed the original account: %q", got)
	}
	bad := a.With(WithResource("nope:x"))
	if _, err := bad.Do(context.Background(), &Request{Path: "messages"}, nil); !errors.Is(err, ErrInvalidResource) {
		t.Errorf("invalid derived resource: %v", err)
	}
}

type appOnlySource struct{ TokenSource }

func (appOnlySource) AppOnly() bool { return true }

func TestAppOnlyMeIsAnError(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(204) })
	a := newTestAccount(t, srv.URL, WithTokenSource(appOnlySource{StaticToken("x")}))
	_, err := a.Do(context.Background(), &Request{Path: "messages"}, nil)
	if !errors.Is(err, ErrAppOnlyMe) || !strings.Contains(err.Error(), "user:") {
		t.Fatalf("got %v", err)
	}
	if len(srv.requests()) != 0 {
		t.Fatal("a request was sent")
	}
	if _, err := a.With(WithResource("user:bob@contoso.com")).Do(context.Background(), &Request{Path: "messages"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Do(context.Background(), &Request{Path: "/users"}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestErrorDecoding(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("request-id", "rid-1")
		w.WriteHeader(404)
		io.WriteString(w, `{"error":{"code":"ErrorItemNotFound","message":"The specified object was not found in the store.","innerError":{"date":"2024-05-01T10:00:00","request-id":"rid-1","client-request-id":"cid-1","innerError":{"code":"deeper","message":"x"}}}}`)
	})
	a := newTestAccount(t, srv.URL)
	_, err := a.Do(context.Background(), &Request{Path: "messages/x"}, nil)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %T %v", err, err)
	}
	if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrThrottled) {
		t.Error("errors.Is mismatch")
	}
	if e.StatusCode != 404 || e.Code != "ErrorItemNotFound" || e.RequestID != "rid-1" || e.ClientRequestID != "cid-1" ||
		e.Date != time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC) || len(e.Inner) != 1 || e.Inner[0].Code != "deeper" || !e.HasCode("deeper") {
		t.Errorf("decoded %+v", e)
	}
	if e.Method != "GET" || !strings.HasSuffix(e.URL, "/v1.0/me/messages/x") {
		t.Errorf("method/url %s %s", e.Method, e.URL)
	}
	if len(srv.requests()) != 1 {
		t.Error("a 404 was retried")
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"2", 2 * time.Second, true},
		{"2.128", 3 * time.Second, true},
		{"0.1", time.Second, true},
		{"0", 0, true},
		{" 10 ", 10 * time.Second, true},
		{"Mon, 01 Jan 2024 00:00:30 GMT", 30 * time.Second, true},
		{"Sun, 31 Dec 2023 23:00:00 GMT", 0, true},
		{"-1", 0, false},
		{"NaN", 0, false},
		{"soon", 0, false},
		{"", 0, false},
	}
	for _, tc := range cases {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v,%v want %v,%v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestRetryHonoursRetryAfter(t *testing.T) {
	var times []time.Time
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		times = append(times, time.Now())
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(429)
			io.WriteString(w, `{"error":{"code":"TooManyRequests","message":"Please retry again later."}}`)
			return
		}
		io.WriteString(w, `{"id":"x"}`)
	})
	a := newTestAccount(t, srv.URL)
	var out struct{ ID string }
	if _, err := a.Do(context.Background(), &Request{Path: "messages/x"}, &out); err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if len(reqs) != 2 || out.ID != "x" {
		t.Fatalf("%d requests, out %+v", len(reqs), out)
	}
	if gap := times[1].Sub(times[0]); gap < time.Second {
		t.Errorf("retried after %v, before Retry-After", gap)
	}
	if reqs[1].Header.Get("Retry-Attempt") != "1" || reqs[0].Header.Get("Retry-Attempt") != "" {
		t.Error("Retry-Attempt header")
	}
	if reqs[0].Header.Get("client-request-id") != reqs[1].Header.Get("client-request-id") {
		t.Error("a retry must keep the client-request-id")
	}
}

func TestRetryPolicyPerStatusAndMethod(t *testing.T) {
	cases := []struct {
		method      string
		status      int
		retryAfter  string
		wantSent    int
		wantSuccess bool
	}{
		{"GET", 503, "", 2, true},
		{"GET", 504, "", 2, true},
		{"GET", 500, "", 1, false},
		{"POST", 500, "", 1, false},
		{"POST", 503, "", 1, false},
		{"POST", 504, "", 1, false},
		{"POST", 503, "0", 2, true},
		{"POST", 429, "", 2, true},
		{"PATCH", 429, "0", 2, true},
		{"DELETE", 503, "", 2, true},
	}
	for _, tc := range cases {
		srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				if tc.retryAfter != "" {
					w.Header().Set("Retry-After", tc.retryAfter)
				}
				w.WriteHeader(tc.status)
				return
			}
			w.WriteHeader(204)
		})
		a := newTestAccount(t, srv.URL)
		_, err := a.Do(context.Background(), &Request{Method: tc.method, Path: "sendMail", Body: map[string]string{"a": "b"}}, nil)
		if got := len(srv.requests()); got != tc.wantSent {
			t.Errorf("%s %d: sent %d times, want %d", tc.method, tc.status, got, tc.wantSent)
		}
		if (err == nil) != tc.wantSuccess {
			t.Errorf("%s %d: err %v", tc.method, tc.status, err)
		}
		for _, r := range srv.requests() {
			if r.Body != `{"a":"b"}` {
				t.Errorf("%s %d: replayed body %q", tc.method, tc.status, r.Body)
			}
		}
	}
}

func TestRetryGivesUp(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(429)
		io.WriteString(w, `{"error":{"code":"TooManyRequests","message":"slow down"}}`)
	})
	a := newTestAccount(t, srv.URL)
	_, err := a.Do(context.Background(), &Request{Path: "x"}, nil)
	if !errors.Is(err, ErrThrottled) {
		t.Fatalf("got %v", err)
	}
	if n := len(srv.requests()); n != 4 {
		t.Errorf("sent %d, want MaxAttempts=4", n)
	}

	// The total-wait cap ends retries before MaxAttempts.
	srv2 := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(429)
	})
	b := newTestAccount(t, srv2.URL)
	start := time.Now()
	if _, err := b.Do(context.Background(), &Request{Path: "x"}, nil); !errors.Is(err, ErrThrottled) {
		t.Fatal(err)
	}
	if len(srv2.requests()) != 1 || time.Since(start) > 5*time.Second {
		t.Errorf("a 30 s Retry-After past the 10 s cap must not be waited for")
	}
}

func TestRawBodyNotReplayable(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(429)
	})
	a := newTestAccount(t, srv.URL)
	body := io.MultiReader(strings.NewReader("abc"))
	_, err := a.Do(context.Background(), &Request{Method: "PUT", Path: "x", Body: body}, nil)
	if !errors.Is(err, ErrThrottled) || len(srv.requests()) != 1 {
		t.Fatalf("non-seekable body retried: %v, %d", err, len(srv.requests()))
	}
	srv2 := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.WriteHeader(503)
			return
		}
		w.WriteHeader(200)
	})
	b := newTestAccount(t, srv2.URL)
	if _, err := b.Do(context.Background(), &Request{Method: "PUT", Path: "x", Body: bytes.NewReader([]byte("abc")), ContentType: "text/plain"}, nil); err != nil {
		t.Fatal(err)
	}
	reqs := srv2.requests()
	if len(reqs) != 2 || reqs[1].Body != "abc" || reqs[1].Header.Get("Content-Type") != "text/plain" {
		t.Fatalf("seekable body replay: %+v", reqs)
	}
}

func TestContextCancelStopsRetries(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(429)
	})
	a := newTestAccount(t, srv.URL, WithRetry(RetryPolicy{MaxAttempts: 5, MaxTotalWait: time.Minute}))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := a.Do(ctx, &Request{Path: "x"}, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatal("cancellation did not stop the wait")
	}
}

type refreshingSource struct {
	mu        sync.Mutex
	current   string
	refreshes int
}

func (s *refreshingSource) Token(context.Context) (Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Token{AccessToken: s.current}, nil
}

func (s *refreshingSource) RefreshToken(context.Context) (Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refreshes++
	s.current = "fresh"
	return Token{AccessToken: s.current}, nil
}

func TestUnauthorizedRefreshesOnce(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Header.Get("Authorization") != "Bearer fresh" {
			w.WriteHeader(401)
			io.WriteString(w, `{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired."}}`)
			return
		}
		w.WriteHeader(204)
	})
	src := &refreshingSource{current: "stale"}
	a := newTestAccount(t, srv.URL, WithTokenSource(src))
	if _, err := a.Do(context.Background(), &Request{Method: "POST", Path: "x", Body: map[string]int{"a": 1}}, nil); err != nil {
		t.Fatal(err)
	}
	if src.refreshes != 1 || len(srv.requests()) != 2 || srv.requests()[1].Body != `{"a":1}` {
		t.Fatalf("refreshes %d, requests %d", src.refreshes, len(srv.requests()))
	}

	// A server that rejects every token gets one refresh and one replay: no loop.
	always := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(401) })
	src2 := &refreshingSource{current: "stale"}
	b := newTestAccount(t, always.URL, WithTokenSource(src2))
	_, err := b.Do(context.Background(), &Request{Path: "x"}, nil)
	if !errors.Is(err, ErrUnauthorized) || src2.refreshes != 1 || len(always.requests()) != 2 {
		t.Fatalf("err %v, refreshes %d, requests %d", err, src2.refreshes, len(always.requests()))
	}
}

// A 303 turns the POST into a GET without a body or Content-Type; a retry of
// the whole exchange sends the POST again with its Content-Type.
func TestRetryAfterSeeOtherResendsContentType(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case r.Method == "POST":
			w.Header().Set("Location", "/v1.0/result")
			w.WriteHeader(http.StatusSeeOther)
		case n == 2:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			w.WriteHeader(204)
		}
	})
	a := newTestAccount(t, srv.URL)
	if _, err := a.Do(context.Background(), &Request{Method: "POST", Path: "x", Body: map[string]int{"a": 1}}, nil); err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests", len(reqs))
	}
	for i, want := range []string{"application/json", "", "application/json", ""} {
		if got := reqs[i].Header.Get("Content-Type"); got != want {
			t.Errorf("request %d (%s %s): Content-Type %q, want %q", i+1, reqs[i].Method, reqs[i].URI, got, want)
		}
	}
}

func TestRedirectDropsBearerForOtherHost(t *testing.T) {
	var sawAuth atomic.Bool
	cdn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			sawAuth.Store(true)
		}
		io.WriteString(w, "file-bytes")
	}))
	defer cdn.Close()
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.HasSuffix(r.URL.Path, "/content") {
			http.Redirect(w, r, cdn.URL+"/dl?tempauth=secret", http.StatusFound)
			return
		}
		io.WriteString(w, "same-host")
	})
	a := newTestAccount(t, srv.URL)
	var buf bytes.Buffer
	if _, err := a.Do(context.Background(), &Request{Path: "drive/items/1/content"}, &buf); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "file-bytes" || sawAuth.Load() {
		t.Fatalf("body %q, bearer forwarded: %v", buf.String(), sawAuth.Load())
	}
}

func TestPreAuthenticatedRequestHasNoBearer(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(202) })
	a := newTestAccount(t, srv.URL)
	if _, err := a.Do(context.Background(), &Request{Method: "PUT", Path: srv.URL + "/up?authtoken=abc", Body: []byte("x"), NoAuth: true}, nil); err != nil {
		t.Fatal(err)
	}
	if h := srv.requests()[0].Header.Get("Authorization"); h != "" {
		t.Fatalf("Authorization sent: %q", h)
	}
}

func TestLogsAreRedacted(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.WriteHeader(503)
			return
		}
		w.WriteHeader(500)
		io.WriteString(w, `{"error":{"code":"generalException","message":"boom"}}`)
	})
	var logs bytes.Buffer
	a := newTestAccount(t, srv.URL, WithTokenSource(StaticToken("SECRET-TOKEN")), WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	_, err := a.Do(context.Background(), &Request{Method: "PUT", Path: srv.URL + "/up?authtoken=SECRET-URL&x=1", Body: []byte("x")}, nil)
	if err == nil {
		t.Fatal("want error")
	}
	all := logs.String() + err.Error()
	for _, secret := range []string{"SECRET-TOKEN", "SECRET-URL"} {
		if strings.Contains(all, secret) {
			t.Fatalf("%s leaked:\n%s", secret, all)
		}
	}
	if !strings.Contains(logs.String(), "authtoken=REDACTED") {
		t.Fatalf("logs do not show the redacted URL:\n%s", logs.String())
	}
	if s := (Token{AccessToken: "SECRET-TOKEN"}).String(); strings.Contains(s, "SECRET") {
		t.Fatal("Token.String leaks")
	}
}

func TestNoTokenSource(t *testing.T) {
	a, err := New(WithProtocol(testProtocol("http://127.0.0.1:1")))
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.Do(context.Background(), &Request{Path: "x"}, nil)
	if err == nil || !strings.Contains(err.Error(), "WithTokenSource") {
		t.Fatalf("got %v", err)
	}
}

func FuzzErrorDecoding(f *testing.F) {
	f.Add(404, `{"error":{"code":"itemNotFound","message":"x","innerError":{"date":"2024-01-01T00:00:00","request-id":"r"}}}`, "2")
	f.Add(429, `{"error":{"code":"TooManyRequests","innerError":{"code":"429","innerError":{"innerError":{}}}}}`, "2.128")
	f.Add(500, `not json`, "Mon, 01 Jan 2024 00:00:30 GMT")
	f.Add(400, `{"error":null}`, "")
	f.Add(403, `{"error":{"Code":"ErrorAccessDenied","Message":"denied"}}`, "-3")
	f.Fuzz(func(t *testing.T, status int, body, retryAfter string) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		e := errorFromParts(status, h, []byte(body), time.Now())
		if e == nil || e.StatusCode != status {
			t.Fatal("lost the status")
		}
		if e.RetryAfter < 0 {
			t.Fatalf("negative Retry-After %v", e.RetryAfter)
		}
		_ = e.Error()
	})
}

func TestBearerOnlyToTheProtocolsHost(t *testing.T) {
	var sawAuth atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawAuth.Store(r.Header.Get("Authorization") != "")
		w.WriteHeader(204)
	}))
	defer other.Close()
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(204) })
	a := newTestAccount(t, srv.URL)
	if _, err := a.Do(context.Background(), &Request{Path: other.URL + "/v1.0/me?$skiptoken=x"}, nil); err != nil {
		t.Fatal(err)
	}
	if sawAuth.Load() {
		t.Fatal("the bearer token went to a host that is not the protocol's")
	}
	if _, err := a.Do(context.Background(), &Request{Path: srv.URL + "/v1.0/me?$skiptoken=x"}, nil); err != nil {
		t.Fatal(err)
	}
	if got := srv.requests()[0].Header.Get("Authorization"); got != "Bearer tok-123" {
		t.Fatalf("an absolute URL on the protocol's host lost the token: %q", got)
	}
}

func TestIdempotentRequestIsRepeated(t *testing.T) {
	for _, idem := range []bool{false, true} {
		srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
			switch n {
			case 1:
				w.WriteHeader(504)
			case 2:
				// A transport failure: the connection closes without an answer.
				conn, _, _ := http.NewResponseController(w).Hijack()
				conn.Close()
			default:
				w.WriteHeader(204)
			}
		})
		a := newTestAccount(t, srv.URL)
		_, err := a.Do(context.Background(), &Request{Method: "PATCH", Path: "messages/1", Body: map[string]bool{"isRead": true}, Idempotent: idem}, nil)
		sent := len(srv.requests())
		if idem && (err != nil || sent != 3) {
			t.Fatalf("Idempotent PATCH: err %v after %d sends, want success after 3", err, sent)
		}
		if !idem && (!errors.Is(err, ErrServiceUnavailable) || sent != 1) {
			t.Fatalf("plain PATCH: err %v after %d sends, want the 504 after 1", err, sent)
		}
	}
}

func TestNotProcessed(t *testing.T) {
	apiErr := func(status int, retryAfter string) error {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return fmt.Errorf("wrapped: %w", &Error{StatusCode: status, Header: h})
	}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"transport", errors.New("connection reset"), false},
		{"400", apiErr(400, ""), true},
		{"404", apiErr(404, ""), true},
		{"408", apiErr(408, ""), false},
		{"429 Retry-After: 0", apiErr(429, "0"), true},
		{"500", apiErr(500, ""), false},
		{"503", apiErr(503, ""), false},
		{"503 Retry-After: 0", apiErr(503, "0"), true},
		{"504 Retry-After", apiErr(504, "5"), false},
	}
	for _, tc := range tests {
		if got := NotProcessed(tc.err); got != tc.want {
			t.Errorf("%s: NotProcessed = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestAccountPreference(t *testing.T) {
	a, err := New(WithPrefer(`IdType="ImmutableId"`, `outlook.body-content-type="text", odata.maxpagesize=50`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, want string
		ok         bool
	}{
		{"IdType", "ImmutableId", true},
		{"idtype", "ImmutableId", true},
		{"outlook.body-content-type", "text", true},
		{"odata.maxpagesize", "50", true},
		{"outlook.timezone", "", false},
		{"Id", "", false},
	} {
		if got, ok := a.Preference(tc.name); got != tc.want || ok != tc.ok {
			t.Errorf("Preference(%q) = %q, %v; want %q, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
	if _, ok := a.With(WithPrefer("respond-async")).Preference("respond-async"); !ok {
		t.Error("a preference without a value is not found")
	}
	plain, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := plain.Preference("IdType"); ok {
		t.Error("an account without preferences has one")
	}
}
