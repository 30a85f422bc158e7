package drive_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

// noRedirect is a client that shows 302 answers instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// answer is a raw answer.
type answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body.
func (a *answer) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.Body, &m); err != nil {
		t.Fatalf("not JSON (%d): %s", a.Status, a.Body)
	}
	return m
}

// send sends a request with a raw body, without following redirects.
// target is absolute or relative to ts.URL; token "" sends none.
func send(t testing.TB, ts *sandboxtest.Server, token, method, target string, body []byte, headers ...string) *answer {
	t.Helper()
	if !strings.HasPrefix(target, "http") {
		target = ts.URL + strings.ReplaceAll(target, " ", "%20")
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/octet-stream")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading: %v", method, target, err)
	}
	return &answer{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// want fails unless the answer has status.
func (a *answer) want(t testing.TB, status int) *answer {
	t.Helper()
	if a.Status != status {
		t.Fatalf("status %d, want %d: %s", a.Status, status, a.Body)
	}
	return a
}

// wantError checks an error answer's status and code.
func (a *answer) wantError(t testing.TB, status int, code string) {
	t.Helper()
	a.want(t, status)
	var e struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(a.Body, &e); err != nil || e.Error.Code != code || e.Error.Message == "" {
		t.Fatalf("want error %s, got %s", code, a.Body)
	}
}

// quickXor is the base64 quickXorHash of data.
func quickXor(data []byte) string {
	h := core.NewQuickXorHash()
	h.Write(data)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// str reads a string at a path of nested objects.
func str(m map[string]any, path ...string) string {
	var cur any = m
	for _, p := range path {
		obj, _ := cur.(map[string]any)
		cur = obj[p]
	}
	s, _ := cur.(string)
	return s
}

// names lists the "name" of each item of a value array.
func names(t testing.TB, m map[string]any) []string {
	t.Helper()
	list, ok := m["value"].([]any)
	if !ok {
		t.Fatalf("no value array: %v", m)
	}
	var out []string
	for _, x := range list {
		out = append(out, str(x.(map[string]any), "name"))
	}
	return out
}

// pattern makes n bytes that differ from position to position.
func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7+i/251) ^ seed
	}
	return b
}

// newGet is a GET request with headers (name, value pairs).
func newGet(target string, headers ...string) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		return nil, err
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req, nil
}

// readAllErr reads a body to its end or its error, and closes it.
func readAllErr(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}
