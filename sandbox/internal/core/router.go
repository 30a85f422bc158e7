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
// decoded segments, accepting OData key syntax: "messages('AAk=')" becomes
// "messages", "AAk=". It rejects empty, "." and ".." segments. Areas use it
// to read resource paths a client sends in a body (e.g. @odata.id).
func SplitPath(escaped string) ([]string, error) {
	escaped = strings.TrimSuffix(escaped, "/")
	if escaped == "" {
		return nil, nil
	}
	var out []string
	for _, raw := range strings.Split(escaped, "/") {
		seg, err := url.PathUnescape(raw)
		if err != nil {
			return nil, fmt.Errorf("segment %q is not validly escaped", raw)
		}
		if name, key, ok := splitKeySegment(seg); ok {
			if !validSegment(name) || !validSegment(key) {
				return nil, fmt.Errorf("key %q is not allowed", key)
			}
			out = append(out, name, key)
			continue
		}
		if !validSegment(seg) {
			return nil, fmt.Errorf("segment %q is not allowed", seg)
		}
		out = append(out, seg)
	}
	return out, nil
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
			if i >= len(segs) || !strings.EqualFold(p, segs[i]) {
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

// authenticate verifies the bearer token of r.
func (s *Engine) authenticate(ctx context.Context, r *http.Request) (*identity.Claims, *Error) {
	// The scheme is case-insensitive (RFC 9110); the identity provider
	// checks issuer, tenant, audience, signature and lifetime.
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return nil, s.unauthenticated(r, "Access token is empty.")
	}
	claims, err := s.verify(ctx, token)
	if err != nil {
		if errors.Is(err, identity.ErrTokenExpired) {
			return nil, s.unauthenticated(r, "Lifetime validation failed, the token is expired.")
		}
		return nil, s.unauthenticated(r, "Access token validation failure. Invalid audience or signature.")
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

func (s *Engine) unauthenticated(r *http.Request, msg string) *Error {
	return Errorf(http.StatusUnauthorized, "InvalidAuthenticationToken", "%s", msg).WithHeader("WWW-Authenticate",
		fmt.Sprintf(`Bearer realm="", authorization_uri="%s/%s/oauth2/v2.0/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
			baseURL(r), s.tenantID))
}

// authorize checks that claims grant route r; other says a {user} route
// addresses someone else than the signed-in user.
func authorize(claims *identity.Claims, r *Route, other bool) *Error {
	if r.Public {
		return nil
	}
	if claims.AppOnly {
		if hasAny(claims.Roles, r.Roles) {
			return nil
		}
		return AccessDenied()
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
	return AccessDenied()
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
