package core

import (
	"context"
	"net/http"
	"strings"

	"github.com/o365go/o365/sandbox/internal/odata"
)

// maxForwards bounds how many times one request is forwarded, so that two
// routes forwarding to each other fail instead of looping.
const maxForwards = 4

// noRoute is the answer for a path no route serves under method: 405 with
// Allow when other methods are served there, else Graph's 400 naming the
// first segment that names nothing.
func (s *Engine) noRoute(method string, segs, allowed []string) *Error {
	if len(allowed) > 0 {
		return Errorf(http.StatusMethodNotAllowed, "BadRequest",
			"The HTTP method '%s' is not supported for this resource; use %s.", method, strings.Join(allowed, " or ")).
			WithHeader("Allow", strings.Join(allowed, ", "))
	}
	unknown := "/"
	if len(segs) > 0 {
		unknown = segs[min(s.router.resolved(segs), len(segs)-1)]
	}
	return BadRequest("Resource not found for the segment '%s'.", unknown)
}

// Segments returns the path segments that the route's final {name...}
// parameter matched, decoded but otherwise as the client wrote them (key
// and function call syntax left alone), e.g. "root:", "a b", "c.txt:",
// "content" for a drive path, or "search(q='x')"; nil when the route has
// none. (Param joins the segments as the router split them.)
func (c *Call) Segments() []string { return c.rest }

// Forward serves the request as if it had been sent to segs (decoded path
// segments below the version root, e.g. "drives", id, "root", "children"):
// the route serving that path is found, its permissions are checked
// against the caller, and its handler answers. Areas use it for aliases
// of another area's resources: a site's document library
// (sites/{site}/drive/...) is the drive drives/{id}/..., a path-addressed
// item (root:/a.xlsx:/workbook/...) is items/{id}/workbook/... The
// request's method, headers, query and body go along unchanged.
func (c *Call) Forward(ctx context.Context, segs ...string) error {
	if c.depth >= maxForwards {
		return Errorf(http.StatusInternalServerError, "generalException", "The request was forwarded too many times.")
	}
	p, err := parseSegments(segs)
	if err != nil {
		return BadRequest("Invalid request path: %v.", err)
	}
	m, allowed := c.s.router.find(c.R.Method, p.segs)
	if m == nil {
		return c.s.noRoute(c.R.Method, p.segs, allowed)
	}
	if !m.route.Public && c.Claims == nil {
		return c.s.unauthenticated(c.R, c.root, "Access token is empty.")
	}
	var tail []string
	if m.rest != nil {
		tail = p.tail(len(p.segs) - len(m.rest))
	}
	args := c.args
	if p.args != nil {
		args = p.args
	}
	next := &Call{W: c.W, R: c.R, s: c.s, root: c.root, route: m.route, params: m.params, rest: tail,
		args: args, Claims: c.Claims, depth: c.depth + 1, applied: c.applied, prefer: c.prefer}
	return c.s.dispatch(ctx, next, m)
}

// Go runs fn in the background, outside the request (an asynchronous
// operation such as a drive copy): ctx ends when the engine closes, and
// Close waits for fn to return first. fn uses the store like a handler.
func (c *Call) Go(fn func(ctx context.Context)) { c.s.goBackground(fn) }

// tokenPrefix keeps the tokens of SignToken apart from the engine's own
// (skip, delta and attachment upload tokens), which share the key.
const tokenPrefix = "t:"

// SignToken returns an opaque, URL-safe token carrying payload, signed with
// the engine's secret key for purpose (e.g. "drive.download"): areas put it
// in pre-authenticated URLs (downloads, upload sessions, monitors), whose
// routes are Public. It is signed, not encrypted: payload is readable.
func (c *Call) SignToken(purpose string, payload []byte) string {
	return odata.EncodeSkipToken(c.s.tokenKey, odata.SkipState{Extra: tokenPrefix + purpose + "\x00" + string(payload)})
}

// VerifyToken returns the payload of a token SignToken made for purpose;
// ok is false for a token that was altered, forged, or made for another
// purpose.
func (c *Call) VerifyToken(purpose, token string) (payload []byte, ok bool) {
	st, err := odata.DecodeSkipToken(c.s.tokenKey, token)
	if err != nil || st.Offset != 0 {
		return nil, false
	}
	rest, found := strings.CutPrefix(st.Extra, tokenPrefix+purpose+"\x00")
	if !found {
		return nil, false
	}
	return []byte(rest), true
}
