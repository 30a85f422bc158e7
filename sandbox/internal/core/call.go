package core

import (
	"net/http"
	"strings"
	"time"

	"github.com/o365go/o365/sandbox/internal/identity"
)

// jsonContentType is what Graph sends with every JSON body.
const jsonContentType = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"

// maxJSONBody caps request bodies that are not uploads.
const maxJSONBody = 4 << 20

// Claims are the verified claims of the caller's access token: ObjectID,
// AppID, Scopes, Roles and AppOnly among them.
type Claims = identity.Claims

// Call is one API request being served. Handlers get it with the route's
// parameters resolved and the caller authenticated and authorized; its
// methods read the request and write the answer in the request's dialect.
type Call struct {
	// W is where the answer goes; prefer the writing helpers, which apply
	// the dialect and Graph's headers.
	W http.ResponseWriter
	// R is the request. Its body is read by Decode.
	R *http.Request
	// User is the user a {user} route addresses; nil on other routes.
	User *User
	// Claims are the caller's; nil on public routes.
	Claims *Claims

	s       *Engine
	root    apiRoot
	route   *Route
	params  map[string]string
	rest    []string          // the segments of a final {name...} parameter, as written
	depth   int               // how many times the request was forwarded (see Forward)
	args    map[string]string // arguments of an OData function call in the path
	applied []string          // Preference-Applied values
	prefer  map[string]string
	// localizer holds the Outlook preferences once localize has read them.
	localizer *localizer
	// access is the caller's access to User's mailbox, once known.
	access *Access
	// countOnly is set for a /$count segment served by its collection's
	// route: List answers the number alone (see countRoute).
	countOnly bool
}

// Param returns a path parameter of the route, e.g. c.Param("id"): already
// percent-decoded, with OData key syntax (messages('AAk=')) split off.
func (c *Call) Param(name string) string { return c.params[name] }

// FunctionArg returns an argument of the OData function call in the path,
// its name matched without regard to case:
// "supportedTimeZones(TimeZoneStandard=microsoft.graph.timeZoneStandard'Iana')"
// gives "Iana" for "TimeZoneStandard", "delta(token='abc')" gives "abc" for
// "token". A parameter alias (token=@t) is read from the query (?@t='abc').
func (c *Call) FunctionArg(name string) (string, bool) {
	v, ok := LookupFold(c.args, name)
	if !ok {
		return "", false
	}
	if strings.HasPrefix(v, "@") {
		alias, found := c.R.URL.Query()[v]
		if !found || len(alias) == 0 {
			return "", false
		}
		v = alias[0]
	}
	return functionLiteral(v), true
}

// Store is the tenant's store.
func (c *Call) Store() *Store { return c.s.st }

// Now is the engine's clock; use it, not time.Now, so tests can move time.
func (c *Call) Now() time.Time { return c.s.now() }

// TenantID is the tenant's GUID.
func (c *Call) TenantID() string { return c.s.tenantID }

// Domain is the tenant's initial domain, e.g. "contoso.onmicrosoft.com".
func (c *Call) Domain() string { return c.s.domain }

// Outlook reports whether the request came through Outlook's REST API
// (/api/v2.0): PascalCase, and Windows time-zone names.
func (c *Call) Outlook() bool { return c.root.Dialect == dialectOutlook }

// QueryValue returns a query parameter, ignoring the case of its name
// ("$select" and "$Select" alike); "" when absent.
func (c *Call) QueryValue(name string) string {
	for k, v := range c.R.URL.Query() {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// baseURL is the scheme and host the request arrived on.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// BaseURL is the scheme and host the request arrived on, e.g.
// "http://127.0.0.1:5366", for absolute URLs in answers.
func (c *Call) BaseURL() string { return baseURL(c.R) }

// RootURL is the absolute URL of the request's version root, with a slash,
// e.g. "http://127.0.0.1:5366/v1.0/".
func (c *Call) RootURL() string { return c.BaseURL() + "/" + c.root.Path + "/" }

// WriteJSON sends v with Graph's JSON content type, converted to the
// request's dialect.
func (c *Call) WriteJSON(status int, v any) error {
	if c.countOnly {
		// The collection's handler answered without List: it has no count.
		return BadRequest("Resource not found for the segment '$count'.")
	}
	return writeJSON(c.W, c.root.Dialect, status, v)
}

// Entity sends one document with its @odata.context (built from the route,
// e.g. "{root}$metadata#users('ID')/messages/$entity"), localized to the
// request's Outlook preferences (see localize).
func (c *Call) Entity(status int, doc map[string]any) error {
	doc = c.localize(doc)
	out := make(map[string]any, len(doc)+1)
	for k, v := range doc {
		out[k] = v
	}
	out["@odata.context"] = c.contextURL(true)
	return c.WriteJSON(status, out)
}

// NoContent answers 204.
func (c *Call) NoContent() error {
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

// contextURL builds @odata.context from the route pattern and the request:
// "{root}$metadata#users('ID')/messages" for a collection, with "/$entity"
// for a single entity. Parameters in the middle of the path become keys.
// A collection of entity references (a route ending in $ref) is OData's
// "{root}$metadata#Collection($ref)".
func (c *Call) contextURL(entity bool) string {
	if segs := c.route.segs; !entity && len(segs) > 0 && segs[len(segs)-1] == "$ref" {
		return c.RootURL() + "$metadata#Collection($ref)"
	}
	var b strings.Builder
	b.WriteString(c.RootURL())
	b.WriteString("$metadata#")
	segs := c.route.segs
	n := 0
	emit := func(name string) {
		if n > 0 {
			b.WriteByte('/')
		}
		n++
		if c.root.Dialect == dialectOutlook {
			name = upperFirst(name)
		}
		b.WriteString(name)
	}
	for i, seg := range segs {
		switch {
		case seg == principalUser:
			emit("users")
			if i < len(segs)-1 {
				b.WriteString("('" + c.User.ID + "')")
			}
		case strings.HasPrefix(seg, "{"):
			if i == len(segs)-1 {
				continue // the addressed entity: $entity below
			}
			b.WriteString("('" + c.params[strings.Trim(seg, "{}.:")] + "')")
		default:
			emit(seg)
		}
	}
	if entity {
		b.WriteString("/$entity")
	}
	return b.String()
}

// Preference returns the value of one Prefer header token, e.g.
// c.Preference("odata.maxpagesize"); quotes are removed.
func (c *Call) Preference(name string) (string, bool) {
	if c.prefer == nil {
		c.prefer = parsePrefer(c.R.Header.Values("Prefer"))
	}
	v, ok := c.prefer[strings.ToLower(name)]
	return v, ok
}

// ApplyPreference records a preference the answer honours, once; the
// engine sends them in Preference-Applied.
func (c *Call) ApplyPreference(token string) {
	for _, a := range c.applied {
		if strings.EqualFold(a, token) {
			return
		}
	}
	c.applied = append(c.applied, token)
	c.W.Header().Set("Preference-Applied", strings.Join(c.applied, ", "))
}

// parsePrefer splits Prefer header values into lower-cased names and
// unquoted values.
func parsePrefer(values []string) map[string]string {
	out := map[string]string{}
	for _, v := range values {
		for _, tok := range splitOutside(v, ',', '"') {
			tok = strings.TrimSpace(tok)
			if tok == "" {
				continue
			}
			name, val, _ := strings.Cut(tok, "=")
			out[strings.ToLower(strings.TrimSpace(name))] = strings.Trim(strings.TrimSpace(val), `"`)
		}
	}
	return out
}

// splitOutside splits s at sep where it is not between two quote
// characters (a doubled quote inside closes and reopens, so it stays in).
func splitOutside(s string, sep, quote byte) []string {
	var parts []string
	quoted := false
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case quote:
			quoted = !quoted
		case sep:
			if !quoted {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}

// writeError sends e in Graph's error shape. request-id and
// client-request-id are read back from the response headers the core set.
func writeError(w http.ResponseWriter, now time.Time, e *Error) {
	for k, vs := range e.Header {
		w.Header()[k] = vs
	}
	inner := map[string]any{
		"date":              now.UTC().Format("2006-01-02T15:04:05"),
		"request-id":        w.Header().Get("request-id"),
		"client-request-id": w.Header().Get("client-request-id"),
	}
	for k, v := range e.Inner {
		inner[k] = v
	}
	body := map[string]any{"error": map[string]any{"code": e.Code, "message": e.Message, "innerError": inner}}
	// The error envelope keeps Graph's casing in every dialect.
	_ = writeJSON(w, dialectGraph, e.Status, body)
}
