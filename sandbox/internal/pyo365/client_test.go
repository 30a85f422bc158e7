// Package pyo365_test replays against the sandbox the HTTP requests that
// python-o365 (GitHub O365/python-o365, PyPI O365 2.1.x) sends on its main
// paths: the URLs its protocol and resource prefixes build, its query
// parameters as requests encodes them, its headers and its JSON bodies key
// for key. Each test names the python-o365 file and function it replays and
// checks the status and the keys that python-o365 then reads from the
// answer, and the state left behind.
//
// python-o365 cannot run here (no PyPI), so the requests are written out by
// hand from its source; where python-o365 sends something Graph accepts in
// a loose form (a JSON null body, "false" as a string, '+' for spaces, a
// doubled slash), the replay sends that loose form on purpose.
package pyo365_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

// requestsUA is the User-Agent of python-requests, which python-o365 does
// not override (connection.py Connection.get_session).
const requestsUA = "python-requests/2.32.3"

// westEurope is the Windows zone python-o365 names for a protocol timezone
// of Europe/Madrid (utils/windows_tz.py IANA_TO_WIN).
const westEurope = "W. Europe Standard Time"

// py is python-o365's Connection (connection.py) over the sandbox: its
// requests.Session headers, its Bearer token, and _internal_request's
// default Content-type for writes.
type py struct {
	t   *testing.T
	ts  *sandboxtest.Server
	tok string // "" for naive_request (no Authorization header)
}

// alice is python-o365 signed in as the demo tenant's Alice (resource "me").
// sizes sets seed knobs, as sandboxtest.Options.Sizes.
func alice(t *testing.T, sizes map[string]int) *py {
	t.Helper()
	ts := sandboxtest.New(t, sandboxtest.Options{Sizes: sizes})
	return &py{t: t, ts: ts, tok: ts.AliceToken(t)}
}

// naive is the same connection's naive_request: no Authorization header.
func (c *py) naive() *py { return &py{t: c.t, ts: c.ts} }

// do sends one request as Connection._internal_request does: POST, PUT and
// PATCH get "Content-type: application/json" unless the caller set one,
// and a body only when data is not None (body nil here). body is sent as is
// when it is a string or []byte (python-o365 serialises with json.dumps,
// so bodies are written out as json.dumps writes them).
func (c *py) do(method, target string, body any, headers ...string) *sandboxtest.Response {
	c.t.Helper()
	h := []string{"User-Agent", requestsUA, "Accept", "*/*", "Accept-Encoding", "gzip, deflate", "Connection", "keep-alive"}
	switch method {
	case "POST", "PUT", "PATCH":
		h = append(h, "Content-Type", "application/json")
	}
	h = append(h, headers...)
	return c.ts.Do(c.t, c.tok, method, target, body, h...)
}

// graph is the URL python-o365 builds: protocol.service_url
// ("https://graph.microsoft.com/v1.0/") + main_resource + endpoint, with
// params (name, value pairs, in python-o365's dict order) encoded as
// requests encodes a params dict: urllib.parse.urlencode, so '$' is %24,
// a space is '+' and quotes, colons and commas are %-escaped.
func graph(resourceAndEndpoint string, params ...string) string {
	u := "/v1.0/" + resourceAndEndpoint
	if len(params) == 0 {
		return u
	}
	var q []string
	for i := 0; i+1 < len(params); i += 2 {
		q = append(q, url.QueryEscape(params[i])+"="+url.QueryEscape(params[i+1]))
	}
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + strings.Join(q, "&")
}

// str is a string field of a decoded object ("" when absent).
func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// obj is an object field of a decoded object (nil when absent).
func obj(m map[string]any, key string) map[string]any {
	o, _ := m[key].(map[string]any)
	return o
}

// wantKeys fails unless m has every key python-o365 reads from it.
func wantKeys(t *testing.T, what string, m map[string]any, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("%s: no %q in %v", what, k, m)
		}
	}
}

// valuesOf is the value array of a collection answer (sandboxtest.Values).
var valuesOf = sandboxtest.Values
