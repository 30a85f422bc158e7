package core

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/o365go/o365/sandbox/internal/identity"
	"github.com/o365go/o365/sandbox/internal/schema"
)

// principalUser in a route pattern matches "me" or "users/{id-or-upn}" and
// resolves to Call.User.
const principalUser = "{user}"

// router finds the route for a path.
type router struct {
	routes []*Route
}

func newRouter(areas []Area) (*router, error) {
	rt := &router{}
	for _, a := range areas {
		for i := range a.Routes {
			r := a.Routes[i]
			if r.Handle == nil || r.Method == "" || r.Pattern == "" {
				return nil, fmt.Errorf("sandbox: area %s: route %s %q is incomplete", a.Name, r.Method, r.Pattern)
			}
			if !r.Public && len(r.Scopes) == 0 && len(r.Roles) == 0 {
				return nil, fmt.Errorf("sandbox: area %s: route %s %q declares no scopes or roles", a.Name, r.Method, r.Pattern)
			}
			r.segs = strings.Split(r.Pattern, "/")
			if i := slices.Index(r.segs, principalUser); i > 0 || (i == 0 && r.Public) {
				return nil, fmt.Errorf("sandbox: area %s: route %s %q: {user} must be the first segment of a non-public route", a.Name, r.Method, r.Pattern)
			}
			rt.routes = append(rt.routes, &r)
		}
	}
	return rt, nil
}

// SplitPath turns the part of a URL path below the version root into
// decoded segments, accepting OData key syntax ("messages('AAk=')" becomes
// "messages", "AAk=") and function call syntax ("delta()" and
// "delta(token='x')" become "delta"; the arguments are dropped, see
// parsePath). It rejects empty, "." and ".." segments. Areas use it to read
// resource paths a client sends in a body (e.g. @odata.id).
func SplitPath(escaped string) ([]string, error) {
	p, err := parsePath(escaped)
	return p.segs, err
}

// parsedPath is a request path cut into segments, with the arguments of
// the OData function calls in it.
type parsedPath struct {
	segs []string
	args map[string]string // function arguments by name, as written (literals)
	raw  []string          // the decoded segments as written, unsplit
	from []int             // from[i] is the index in raw that segs[i] came from
}

// tail returns the segments from segs[i] on as the client wrote them:
// decoded, but with key and function call syntax left alone. A final
// {name...} parameter hands these to its area (Call.Segments), since what
// it matches need not be OData: in a drive path, "report('x')" and
// "notes(a=b)" are file names, and the area reads its own functions
// (search(q='x')) there.
func (p parsedPath) tail(i int) []string {
	if i >= len(p.segs) {
		return nil
	}
	r := p.from[i]
	if i > 0 && p.from[i-1] == r {
		// segs[i] is the key split off raw[r]: the tail starts inside it.
		return append([]string{p.segs[i]}, p.raw[r+1:]...)
	}
	return slices.Clone(p.raw[r:])
}

// parsePath is SplitPath keeping the arguments of function calls:
// "supportedTimeZones(TimeZoneStandard=microsoft.graph.timeZoneStandard'Iana')"
// is the segment "supportedTimeZones" with the argument TimeZoneStandard.
// Percent-encoded parentheses ("delta%28%29") are the same call.
func parsePath(escaped string) (parsedPath, error) {
	escaped = strings.TrimSuffix(escaped, "/")
	if escaped == "" {
		return parsedPath{}, nil
	}
	raw := strings.Split(escaped, "/")
	for i, r := range raw {
		seg, err := url.PathUnescape(r)
		if err != nil {
			return parsedPath{}, fmt.Errorf("segment %q is not validly escaped", r)
		}
		raw[i] = seg
	}
	return parseSegments(raw)
}

// parseSegments is parsePath on decoded segments (Call.Forward's).
func parseSegments(raw []string) (parsedPath, error) {
	p := parsedPath{raw: raw}
	add := func(i int, segs ...string) {
		for range segs {
			p.from = append(p.from, i)
		}
		p.segs = append(p.segs, segs...)
	}
	for i, seg := range raw {
		if name, key, ok := splitKeySegment(seg); ok {
			if !validSegment(name) || !validSegment(key) {
				return p, fmt.Errorf("key %q is not allowed", key)
			}
			add(i, name, key)
			continue
		}
		if name, args, ok := splitFunctionCall(seg); ok {
			if !validSegment(name) {
				return p, fmt.Errorf("segment %q is not allowed", seg)
			}
			if rest, ok := cutGraphAlias(name); ok {
				name = graphNamespace + rest
			}
			for k, v := range args {
				if p.args == nil {
					p.args = map[string]string{}
				}
				p.args[k] = v
			}
			add(i, name)
			continue
		}
		if !validSegment(seg) {
			return p, fmt.Errorf("segment %q is not allowed", seg)
		}
		if rest, ok := cutGraphAlias(seg); ok && schema.Lookup(rest) != nil {
			seg = graphNamespace + rest
		}
		add(i, seg)
	}
	return p, nil
}

// graphAlias is the alias Graph's schema gives its namespace
// (<Schema Namespace="microsoft.graph" Alias="graph">). OData takes it
// wherever the namespace may be written, and msgraph-sdk-go writes every
// type cast with it: members/graph.user.
const graphAlias = "graph."

// cutGraphAlias returns what follows the alias in a qualified name
// ("graph.user" gives "user"). parsePath writes such a segment with the
// namespace when it names a function call or a type Graph has, so that
// routes and areas see one spelling; any other segment ("graph.txt", an
// id) is left as it is.
func cutGraphAlias(seg string) (string, bool) {
	if len(seg) <= len(graphAlias) || !strings.EqualFold(seg[:len(graphAlias)], graphAlias) || !isIdentifier(seg[len(graphAlias):]) {
		return "", false
	}
	return seg[len(graphAlias):], true
}

// SplitKeys splits OData key syntax off segments as written (those of
// Call.Segments): "worksheets('Sheet 1')" becomes "worksheets", "Sheet 1";
// every other segment, function calls such as range(address='A1:B2')
// included, is left as written. Areas whose grammar below a {name...}
// parameter is OData (a workbook's) use it; those whose segments are names
// (a drive path) do not.
func SplitKeys(segs []string) []string {
	out := make([]string, 0, len(segs))
	for _, seg := range segs {
		if name, key, ok := splitKeySegment(seg); ok && isIdentifier(name) {
			out = append(out, name, key)
			continue
		}
		out = append(out, seg)
	}
	return out
}

// splitKeySegment splits "name('key')" (quotes doubled inside the key).
func splitKeySegment(seg string) (name, key string, ok bool) {
	open := strings.Index(seg, "('")
	if open <= 0 || !strings.HasSuffix(seg, "')") || len(seg) < open+4 {
		return "", "", false
	}
	key = strings.ReplaceAll(seg[open+2:len(seg)-2], "''", "'")
	return seg[:open], key, true
}

// splitFunctionCall splits an OData function call, "name()" or
// "name(p1=v1,p2='v, 2')", into its name and arguments. A segment that
// only looks like one (a file name such as "report(2)") is not a call:
// every argument must be name=value.
func splitFunctionCall(seg string) (name string, args map[string]string, ok bool) {
	open := strings.IndexByte(seg, '(')
	if open <= 0 || !strings.HasSuffix(seg, ")") || !isIdentifier(seg[:open]) {
		return "", nil, false
	}
	inner := seg[open+1 : len(seg)-1]
	args = map[string]string{}
	if strings.TrimSpace(inner) == "" {
		return seg[:open], args, true
	}
	for _, part := range splitOutside(inner, ',', '\'') {
		k, v, found := strings.Cut(part, "=")
		k = strings.TrimSpace(k)
		if !found || !isIdentifier(k) {
			return "", nil, false
		}
		args[k] = strings.TrimSpace(v)
	}
	return seg[:open], args, true
}

// isIdentifier reports whether s is an OData (qualified) identifier.
func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && (i == 0 || !(r >= '0' && r <= '9' || r == '.')) {
			return false
		}
	}
	return true
}

// functionLiteral reads an OData literal of a function argument: a string
// (quotes doubled inside), an enum value (microsoft.graph.timeZoneStandard'Iana' or
// 'Iana'), or anything else as written (numbers, true, null).
func functionLiteral(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, '\''); i >= 0 && strings.HasSuffix(v, "'") && len(v) >= i+2 && (i == 0 || isIdentifier(v[:i])) {
		return strings.ReplaceAll(v[i+1:len(v)-1], "''", "'")
	}
	return v
}

// validSegment rejects empty segments, NUL bytes and "." or ".." as the
// segment or as any slash-separated part of it (an escaped %2F): ids never
// look like paths that climb.
func validSegment(seg string) bool {
	if seg == "" || strings.IndexByte(seg, 0) >= 0 {
		return false
	}
	for _, part := range strings.Split(seg, "/") {
		if part == "." || part == ".." {
			return false
		}
	}
	return true
}

// PathParam splits the value of a {name:} route parameter: "root:/a/b.txt:"
// is base "root" and path "/a/b.txt" (ok true, the closing ':' optional);
// a plain segment such as "root" or an id is base only (ok false). A path
// form with an empty base (":/a") or an empty segment ("host:/a//b") is
// malformed: base "" and ok true.
func PathParam(v string) (base, path string, ok bool) {
	base, path, ok = strings.Cut(v, ":")
	if !ok {
		return v, "", false
	}
	path = strings.TrimSuffix(path, ":")
	if base == "" || path != "" && !strings.HasPrefix(path, "/") || strings.Contains(path, "//") || strings.Contains(path, ":") {
		return "", "", true
	}
	return base, strings.TrimSuffix(path, "/"), true
}

// match is the outcome of matching one route.
type match struct {
	route  *Route
	params map[string]string
	rest   []string // the segments a final {name...} matched
	login  string   // the {user} segment: "" for me
	score  []int
}

// find returns the best route for method and path segments. When the path
// matches only under other methods, allowed lists them.
func (rt *router) find(method string, segs []string) (m *match, allowed []string) {
	var best *match
	for _, r := range rt.routes {
		cand, ok := matchRoute(r, segs)
		if !ok {
			continue
		}
		if r.Method != method {
			if !slices.Contains(allowed, r.Method) {
				allowed = append(allowed, r.Method)
			}
			continue
		}
		if best == nil || slices.Compare(cand.score, best.score) > 0 {
			best = cand
		}
	}
	return best, allowed
}

// countRoute serves the /$count segment of every collection, as Graph
// does (GET /me/messages/$count, /me/mailFolders/inbox/messages/$count):
// when a GET path ends in $count that no route spells (users/$count does)
// and the path before it has a GET route, that route answers with
// Call.countOnly set, and List counts (a handler that does not list
// answers 400). m is the best route for the whole path: one that took
// $count for the id of an item ("messages/{id}") gives way, any other
// keeps it. nil when the path is no such count.
func (rt *router) countRoute(method string, segs []string, m *match) *match {
	if method != http.MethodGet || len(segs) < 2 || segs[len(segs)-1] != "$count" {
		return nil
	}
	if m != nil {
		last := m.route.segs[len(m.route.segs)-1]
		if !strings.HasPrefix(last, "{") || strings.HasSuffix(last, "...}") {
			return nil
		}
	}
	list, _ := rt.find(method, segs[:len(segs)-1])
	if list == nil {
		return nil
	}
	if last := list.route.segs[len(list.route.segs)-1]; m == nil && strings.HasPrefix(last, "$") {
		return nil // no $count after $value or $ref
	}
	return list
}

// matchRoute matches segs against r; literal segments score higher than
// parameters, so "users/delta" beats "users/{id}". It allocates only for a
// route that matches: most are rejected at their first segment.
func matchRoute(r *Route, segs []string) (*match, bool) {
	var buf [16]int
	score := buf[:0]
	var params map[string]string
	param := func(name, v string) {
		if params == nil {
			params = map[string]string{}
		}
		params[name] = v
	}
	login := ""
	var rest []string
	i := 0
	for pi, p := range r.segs {
		switch {
		case p == principalUser:
			if i < len(segs) && strings.EqualFold(segs[i], "me") {
				score = append(score, 2)
				i++
				continue
			}
			if i+1 < len(segs) && strings.EqualFold(segs[i], "users") {
				login = segs[i+1]
				score = append(score, 2, 1)
				i += 2
				continue
			}
			return nil, false
		case strings.HasSuffix(p, "...}"):
			if pi != len(r.segs)-1 || i >= len(segs) {
				return nil, false
			}
			param(strings.TrimSuffix(p[1:], "...}"), strings.Join(segs[i:], "/"))
			rest = segs[i:]
			score = append(score, 0)
			i = len(segs)
		case strings.HasSuffix(p, ":}"):
			// Graph's path addressing: one segment (an id, "root"), or a
			// segment ending in ':' and the segments after it up to the one
			// closing with ':' (or the end): "host:/sites/team:",
			// "root:/a/b.txt:". See PathParam.
			if i >= len(segs) {
				return nil, false
			}
			j := i + 1
			if strings.HasSuffix(segs[i], ":") {
				for j < len(segs) {
					j++
					if strings.HasSuffix(segs[j-1], ":") {
						break
					}
				}
			}
			param(p[1:len(p)-2], strings.Join(segs[i:j], "/"))
			score = append(score, 1)
			i = j
		case strings.HasPrefix(p, "{"):
			if i >= len(segs) {
				return nil, false
			}
			param(p[1:len(p)-1], segs[i])
			score = append(score, 1)
			i++
		default:
			if i >= len(segs) || !literalMatches(p, segs[i]) {
				return nil, false
			}
			score = append(score, 2)
			i++
		}
	}
	if i != len(segs) {
		return nil, false
	}
	if params == nil {
		params = map[string]string{}
	}
	return &match{route: r, params: params, rest: rest, login: login, score: slices.Clone(score)}, true
}

// graphNamespace qualifies Graph's actions, functions and types.
const graphNamespace = "microsoft.graph."

// literalMatches reports whether a request segment matches a literal
// pattern segment: without regard to case, and with Graph's namespace
// optional before action and function names ("microsoft.graph.delta" is
// "delta"). Type casts are literals that carry the namespace themselves
// ("members/microsoft.graph.user").
func literalMatches(pattern, seg string) bool {
	if strings.EqualFold(pattern, seg) {
		return true
	}
	if len(seg) > len(graphNamespace) && strings.EqualFold(seg[:len(graphNamespace)], graphNamespace) {
		return strings.EqualFold(pattern, seg[len(graphNamespace):])
	}
	return false
}

// resolved is how many leading segments of segs some route's pattern
// reaches: segs[resolved] is the first segment that names nothing, which
// Graph's 400 for an unknown path names.
func (rt *router) resolved(segs []string) int {
	best := 0
	for _, r := range rt.routes {
		if n := prefixMatch(r, segs); n > best {
			best = n
		}
	}
	return best
}

// prefixMatch is how many leading segments of segs match the start of r's
// pattern.
func prefixMatch(r *Route, segs []string) int {
	i := 0
	for _, p := range r.segs {
		if i >= len(segs) {
			return i
		}
		switch {
		case p == principalUser:
			switch {
			case strings.EqualFold(segs[i], "me"):
				i++
			case strings.EqualFold(segs[i], "users") && i+1 < len(segs):
				i += 2
			case strings.EqualFold(segs[i], "users"):
				return i + 1
			default:
				return i
			}
		case strings.HasSuffix(p, "...}"):
			return len(segs)
		case strings.HasPrefix(p, "{"):
			i++
		default:
			if !literalMatches(p, segs[i]) {
				return i
			}
			i++
		}
	}
	return i
}

// authenticate verifies the bearer token of r for root: signature,
// lifetime and an audience the root accepts.
func (s *Engine) authenticate(ctx context.Context, r *http.Request, root apiRoot) (*identity.Claims, *Error) {
	// The scheme is case-insensitive (RFC 9110); the identity provider
	// checks issuer, tenant, signature and lifetime.
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return nil, s.unauthenticated(r, root, "Access token is empty.")
	}
	claims, err := s.verify(ctx, token)
	if err != nil {
		if errors.Is(err, identity.ErrTokenExpired) {
			return nil, s.unauthenticated(r, root, "Lifetime validation failed, the token is expired.")
		}
		return nil, s.unauthenticated(r, root, "Access token validation failure. Invalid audience or signature.")
	}
	if !slices.Contains(root.Audiences, claims.Audience) {
		return nil, s.wrongAudience(r, root, claims.Audience)
	}
	return claims, nil
}

// maxVerifiedTokens bounds the cache of verified tokens.
const maxVerifiedTokens = 1024

// verify checks a token with the identity provider, remembering valid ones
// until they expire: the signature check dominates the cost of small calls.
func (s *Engine) verify(ctx context.Context, token string) (*identity.Claims, error) {
	s.verified.mu.Lock()
	c, ok := s.verified.m[token]
	s.verified.mu.Unlock()
	if ok && s.now().Before(c.ExpiresAt) {
		return c, nil
	}
	c, err := s.idp.Verify(ctx, token)
	if err != nil {
		return nil, err
	}
	s.verified.mu.Lock()
	if s.verified.m == nil || len(s.verified.m) >= maxVerifiedTokens {
		s.verified.m = make(map[string]*identity.Claims)
	}
	s.verified.m[token] = c
	s.verified.mu.Unlock()
	return c, nil
}

// unauthenticated is the 401 of root for a missing or invalid token, with
// the service's challenge: Graph names its own app id, Exchange its own.
func (s *Engine) unauthenticated(r *http.Request, root apiRoot, msg string) *Error {
	return Errorf(http.StatusUnauthorized, "InvalidAuthenticationToken", "%s", msg).WithHeader("WWW-Authenticate", s.challenge(r, root))
}

// challenge is root's WWW-Authenticate, pointing at the sandbox's own
// authorize endpoint where the real services name login.microsoftonline.com.
func (s *Engine) challenge(r *http.Request, root apiRoot) string {
	authorize := fmt.Sprintf("%s/%s/oauth2/v2.0/authorize", baseURL(r), s.tenantID)
	if root.Dialect == dialectOutlook {
		return fmt.Sprintf(`Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*", token_types="app_asserted_user_v1 service_asserted_app_v1", authorization_uri="%s", error="invalid_token",Basic Realm=""`, authorize)
	}
	return fmt.Sprintf(`Bearer realm="", authorization_uri="%s", client_id="00000003-0000-0000-c000-000000000000"`, authorize)
}

// wrongAudience is the 401 for a valid token of another service: Graph's
// InvalidAuthenticationToken, or Exchange's InvalidAudienceForResource.
func (s *Engine) wrongAudience(r *http.Request, root apiRoot, aud string) *Error {
	if root.Dialect != dialectOutlook {
		return s.unauthenticated(r, root, "Access token validation failure. Invalid audience.")
	}
	e := Errorf(http.StatusUnauthorized, "InvalidAudienceForResource",
		"The audience claim value is invalid for current resource. Audience claim is '%s', request url is '%s%s' and resource type is 'Exchange'.",
		aud, baseURL(r), r.URL.RequestURI()).WithHeader("WWW-Authenticate", s.challenge(r, root))
	e.Inner = map[string]any{"errorUrl": "https://aka.ms/autherrors#error-InvalidResource"}
	return e
}

// authorize checks that claims grant route r; other says a {user} route
// addresses someone else than the signed-in user.
// denied is the route's answer to a token lacking its permissions.
func (r *Route) denied() *Error {
	if r.Denied != nil {
		return r.Denied()
	}
	return AccessDenied()
}

func authorize(claims *identity.Claims, r *Route, other bool) *Error {
	if r.Public {
		return nil
	}
	if claims.AppOnly {
		if hasAny(claims.Roles, r.Roles) {
			return nil
		}
		return r.denied()
	}
	need := r.Scopes
	if other {
		need = r.SharedScopes
		if need == nil {
			need = make([]string, len(r.Scopes))
			for i, sc := range r.Scopes {
				need[i] = sc + ".Shared"
			}
		}
	}
	if hasAny(claims.Scopes, need) {
		return nil
	}
	return r.denied()
}

// hasAny reports whether granted holds any of need, ignoring case and a
// resource prefix such as https://graph.microsoft.com/.
func hasAny(granted, need []string) bool {
	for _, g := range granted {
		if i := strings.LastIndexByte(g, '/'); i >= 0 {
			g = g[i+1:]
		}
		for _, n := range need {
			if strings.EqualFold(g, n) {
				return true
			}
		}
	}
	return false
}
