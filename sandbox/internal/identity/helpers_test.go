package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// postForm posts a form to the test server and checks the status.
func postForm(t *testing.T, srv *httptest.Server, path string, form url.Values, wantStatus int) map[string]any {
	t.Helper()
	resp, err := srv.Client().Post(srv.URL+path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, resp, wantStatus)
}

func decode(t *testing.T, resp *http.Response, wantStatus int) map[string]any {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != wantStatus {
		t.Fatalf("status = %d, want %d; body: %s", resp.StatusCode, wantStatus, b)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, b)
	}
	return m
}

// assertOAuthError checks an identity-platform error body.
func assertOAuthError(t *testing.T, body map[string]any, code string, aadsts int) {
	t.Helper()
	if body["error"] != code {
		t.Fatalf("error = %v, want %s; body %v", body["error"], code, body)
	}
	codes, _ := body["error_codes"].([]any)
	if len(codes) != 1 || codes[0] != float64(aadsts) {
		t.Fatalf("error_codes = %v, want [%d]", body["error_codes"], aadsts)
	}
	desc, _ := body["error_description"].(string)
	prefix := "AADSTS" + itoa(aadsts) + ": "
	if !strings.HasPrefix(desc, prefix) || !strings.Contains(desc, "\r\nTrace ID: "+body["trace_id"].(string)) ||
		!strings.Contains(desc, "\r\nCorrelation ID: "+body["correlation_id"].(string)) ||
		!strings.HasSuffix(desc, "\r\nTimestamp: "+body["timestamp"].(string)) {
		t.Fatalf("error_description %q is not in the identity platform's shape", desc)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// jwtPayload decodes a JWT's claims without verifying it.
func jwtPayload(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %d parts", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }

func pkcePair(t *testing.T) (verifier, challenge string) {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	verifier = base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

// noRedirects is an HTTP client that stops at the first redirect.
func noRedirects(c *http.Client) *http.Client {
	cc := *c
	cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cc
}

// redirectLocation GETs an authorize URL without following redirects,
// requires a 302 and returns its Location.
func redirectLocation(t *testing.T, c *http.Client, rawURL string) *url.URL {
	t.Helper()
	resp, err := noRedirects(c).Get(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize status = %d, want 302", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
