package o365

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// Request is one call to the service. Build it with Account.NewRequest or as a
// literal; Do sends it.
type Request struct {
	// Method is the HTTP method; empty means GET.
	Method string
	// Path is relative to the account's resource ("mailFolders/inbox/messages" ->
	// {service}/me/mailFolders/inbox/messages), relative to the service root when it
	// starts with "/" ("/users", "/$batch"), or an absolute URL used as is (a
	// nextLink, an upload URL). Escape ids with Path or url.PathEscape.
	Path string
	// Query holds OData options and extra parameters; may be nil.
	Query *Query
	// Header holds extra headers. Prefer values are merged with the account's.
	Header http.Header
	// Body is nil; []byte or io.Reader sent as is with ContentType; or a value
	// marshalled to JSON with its keys in the protocol's case.
	Body any
	// ContentType is the body's type for raw bodies (default
	// application/octet-stream).
	ContentType string
	// NoAuth sends no Authorization header: pre-authenticated URLs such as upload
	// sessions and download links must not receive the bearer token. An absolute
	// URL on another host than the protocol's never receives it either.
	NoAuth bool
	// Resource overrides the account's resource for this request.
	Resource *Resource
	// Collection is where the entities of the answer live, when it is not
	// Path: List, Get and Delta bind each model they decode at
	// Collection/{id}. Messages listed from "mailFolders/inbox/messages"
	// live in "messages"; items of "drive/items/{id}/children" in
	// "drive/items". Do ignores it.
	Collection string
	// Idempotent says that sending the request twice has no further effect,
	// such as a PATCH of absolute values. Like GET, PUT and DELETE it is then
	// retried after transport failures and 503/504 answers, under the
	// account's RetryPolicy; otherwise a POST or PATCH is repeated only when
	// the answer proves it was not processed.
	Idempotent bool

	eventual bool // keeps ConsistencyLevel on nextLink pages
	// uncertain, when set, learns whether Do repeated an attempt that may
	// have been carried out (see open); Batch reads it for its envelopes.
	uncertain *bool
}

// NewRequest returns a request for method and path (see Request.Path) with body.
func (a *Account) NewRequest(method, path string, body any) *Request {
	return &Request{Method: method, Path: path, Body: body}
}

// Prefer adds a Prefer value such as `IdType="ImmutableId"` and returns r.
func (r *Request) Prefer(v string) *Request {
	if r.Header == nil {
		r.Header = http.Header{}
	}
	r.Header.Add("Prefer", v)
	return r
}

// SetHeader sets a header and returns r.
func (r *Request) SetHeader(key, value string) *Request {
	if r.Header == nil {
		r.Header = http.Header{}
	}
	r.Header.Set(key, value)
	return r
}

// Clone returns a copy of r whose headers can be changed independently.
func (r *Request) Clone() *Request {
	c := *r
	c.Header = r.Header.Clone()
	return &c
}

// Path joins path segments, escaping each one: Path("mailFolders", id, "messages").
func Path(segments ...string) string {
	esc := make([]string, len(segments))
	for i, s := range segments {
		esc[i] = url.PathEscape(s)
	}
	return strings.Join(esc, "/")
}

// Response is what Do returns besides the decoded body.
type Response struct {
	StatusCode int
	Header     http.Header
}

// ErrAppOnlyMe is returned when an app-only account calls a "me" path.
var ErrAppOnlyMe = errors.New(`o365: the resource "me" needs a signed-in user; with app-only credentials name one, for example o365.WithResource("user:alice@contoso.com")`)

// URL returns the full URL Do would call for req.
func (a *Account) URL(req *Request) (string, error) {
	if a.err != nil {
		return "", a.err
	}
	var u string
	switch {
	case isAbsolute(req.Path):
		u = req.Path
	case strings.HasPrefix(req.Path, "/"):
		u = a.proto.ServiceURL() + strings.TrimPrefix(req.Path, "/")
	default:
		res := a.resource
		if req.Resource != nil {
			res = *req.Resource
		}
		if res.group != "" {
			id, ok := a.groups.get(res.group)
			if !ok {
				return "", fmt.Errorf("%w %q: the group's id is looked up by the first request; call Account.ResolveResource first", ErrInvalidResource, res.String())
			}
			res = groupResource(id)
		}
		if res.IsMe() && a.AppOnly() {
			return "", ErrAppOnlyMe
		}
		u = a.proto.ServiceURL() + res.String()
		if req.Path != "" {
			u += "/" + req.Path
		}
	}
	if req.Query == nil {
		return u, nil
	}
	vals, err := req.Query.encode(a.proto)
	if err != nil {
		return "", err
	}
	if len(vals) == 0 {
		return u, nil
	}
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + encodeQuery(vals), nil
}

func isAbsolute(p string) bool {
	return strings.HasPrefix(p, "https://") || strings.HasPrefix(p, "http://")
}

// queryUnescaper restores characters that are legal in a query component (RFC
// 3986 sub-delims and ":@/") so URLs read as Graph's documentation writes them.
// "&", "=", "+", "#" and "%" stay escaped, so the meaning cannot change.
var queryUnescaper = strings.NewReplacer("%24", "$", "%2C", ",", "%2F", "/", "%27", "'", "%3A", ":", "%40", "@", "%28", "(", "%29", ")", "+", "%20")

// encodeQuery renders query values the way Graph documents them: "$" kept, spaces
// as %20, keys sorted for stable URLs.
func encodeQuery(v url.Values) string {
	return queryUnescaper.Replace(v.Encode())
}

// Do sends req and decodes the answer into out: nil discards the body; an
// io.Writer receives the raw body; anything else is JSON-decoded (keys converted
// from the protocol's case). A non-2xx answer is an *Error. Throttling and
// transient failures are retried as the account's RetryPolicy says; a DELETE
// whose retry finds the item gone succeeded (an earlier attempt deleted it
// and its answer was lost), and answers 204.
func (a *Account) Do(ctx context.Context, req *Request, out any) (*Response, error) {
	if a.err != nil {
		return nil, a.err
	}
	if req == nil {
		return nil, errors.New("o365: Do: nil request")
	}
	req, err := a.resolveRequest(ctx, req)
	if err != nil {
		return nil, err
	}
	target, err := a.URL(req)
	if err != nil {
		return nil, err
	}
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	body, contentType, replayable, err := a.encodeBody(req)
	if err != nil {
		return nil, err
	}
	header := a.baseHeader(req, contentType)
	resp, err := a.open(ctx, exchange{method: method, target: target, header: header, body: body, replayable: replayable,
		repeatable: req.Idempotent || idempotent(method), noAuth: req.NoAuth, uncertain: req.uncertain}, a.retry)
	if err != nil {
		var final finalError
		if errors.As(err, &final) {
			return nil, final.err
		}
		if resp != nil {
			return &Response{StatusCode: resp.StatusCode, Header: resp.Header}, err
		}
		return nil, err
	}
	return a.decode(resp, out)
}

// exchange is a request ready to send: what Do and Download hand to open.
type exchange struct {
	method, target string
	header         http.Header
	body           io.Reader
	replayable     bool
	repeatable     bool // sending it twice has no further effect
	noAuth         bool
	uncertain      *bool // set when an attempt that may have been carried out is repeated
}

// open sends x within policy and returns the live 2xx response for the caller
// to read and close. It is the one retry loop of the request path: throttling
// and transient failures are retried as policy says, and a 401 gets one token
// refresh and one replay (which is not counted as a retry). A DELETE answered
// 404 after an attempt that may have been carried out (its answer lost, or a
// 503 without Retry-After, or a 504) succeeded: it gets a 204. A non-2xx
// answer is an *Error, returned with the response (its body closed) for its
// status and headers. Failures no retry can fix are a finalError.
func (a *Account) open(ctx context.Context, x exchange, policy RetryPolicy) (*http.Response, error) {
	method, target, header, body := x.method, x.target, x.header, x.body
	start := time.Now()
	refreshed := false
	// uncertain records that an earlier attempt may have been carried out
	// though its answer was lost or inconclusive (a transport failure, a
	// 503 without Retry-After, a 504).
	uncertain := false
	setUncertain := func() {
		uncertain = true
		if x.uncertain != nil {
			*x.uncertain = true
		}
	}
	var waited time.Duration
	for attempt := 1; ; attempt++ {
		if attempt > 1 {
			if err := rewind(body); err != nil {
				return nil, err
			}
			header.Set("Retry-Attempt", strconv.Itoa(attempt-1))
		}
		resp, err := a.send(ctx, method, target, header, body, x.noAuth)
		if err != nil {
			var final finalError
			if errors.As(err, &final) {
				return nil, err
			}
			if ctxErr := ctx.Err(); ctxErr != nil {
				return nil, fmt.Errorf("o365: %s %s: %w", method, redactURL(target), ctxErr)
			}
			// A transport failure may have reached the server: only methods that
			// are safe to repeat are retried.
			delay := policy.backoff(attempt)
			if !x.repeatable || !x.replayable || attempt >= policy.MaxAttempts || waited+delay > policy.MaxTotalWait {
				return nil, err
			}
			a.log.DebugContext(ctx, "o365: retrying after transport error", "method", method, "url", redactURL(target), "attempt", attempt, "delay", delay)
			a.notifyRetry(RetryEvent{Method: method, URL: redactURL(target), Attempt: attempt + 1, MaxAttempts: policy.MaxAttempts, Delay: delay, Err: err})
			if err := sleep(ctx, delay); err != nil {
				return nil, err
			}
			waited += delay
			setUncertain()
			continue
		}
		a.log.DebugContext(ctx, "o365: request", "method", method, "url", redactURL(target), "status", resp.StatusCode,
			"attempt", attempt, "request_id", resp.Header.Get("request-id"), "duration", time.Since(start))

		if resp.StatusCode == http.StatusUnauthorized && !refreshed && !x.noAuth {
			if rf, ok := a.tokens.(TokenRefresher); ok && x.replayable {
				drain(resp)
				refreshed = true
				if _, err := rf.RefreshToken(ctx); err != nil {
					return nil, finalError{fmt.Errorf("o365: refreshing the token after a 401: %w", err)}
				}
				if err := rewind(body); err != nil {
					return nil, err
				}
				attempt-- // the replay after a refresh is not a retry
				continue
			}
		}
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			return resp, nil
		}
		if resp.StatusCode == http.StatusNotFound && uncertain && method == http.MethodDelete {
			// An earlier attempt may have deleted the item and lost its
			// answer: the item being gone is what the caller asked for.
			drain(resp)
			a.log.DebugContext(ctx, "o365: DELETE answered 404 after an uncertain attempt; taken as done", "url", redactURL(target), "attempt", attempt)
			return &http.Response{StatusCode: http.StatusNoContent, Status: "204 No Content", Header: resp.Header, Body: http.NoBody, Request: resp.Request}, nil
		}
		apiErr := ParseError(resp)
		resp.Body.Close()
		apiErr.Method, apiErr.URL = method, redactURL(target)
		if !retryable(x.repeatable, resp.StatusCode, resp.Header.Get("Retry-After") != "") || !x.replayable || attempt >= policy.MaxAttempts {
			return resp, apiErr
		}
		delay := apiErr.RetryAfter
		if resp.Header.Get("Retry-After") == "" {
			delay = policy.backoff(attempt)
		}
		if waited+delay > policy.MaxTotalWait {
			return resp, apiErr
		}
		a.log.DebugContext(ctx, "o365: retrying", "method", method, "url", redactURL(target), "status", resp.StatusCode, "attempt", attempt, "delay", delay)
		a.notifyRetry(RetryEvent{Method: method, URL: redactURL(target), Attempt: attempt + 1, MaxAttempts: policy.MaxAttempts, Delay: delay, Err: apiErr})
		if err := sleep(ctx, delay); err != nil {
			return nil, fmt.Errorf("o365: %s %s: waiting to retry: %w", method, redactURL(target), err)
		}
		waited += delay
		if !provesNotDone(resp.StatusCode, resp.Header.Get("Retry-After") != "") {
			setUncertain()
		}
	}
}

// send performs one HTTP exchange, following redirects itself. The bearer token
// goes only to the protocol's own host: not to a redirect's other host, and not
// to an absolute URL elsewhere (a pre-authenticated link, a foreign monitor).
func (a *Account) send(ctx context.Context, method, target string, header http.Header, body io.Reader, noAuth bool) (*http.Response, error) {
	origin, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("o365: bad URL %q: %w", redactURL(target), err)
	}
	if service, err := url.Parse(a.proto.BaseURL); err != nil || !sameHost(origin, service) {
		noAuth = true
	}
	u := origin
	for redirects := 0; ; redirects++ {
		hreq, err := http.NewRequestWithContext(ctx, method, u.String(), body)
		if err != nil {
			return nil, fmt.Errorf("o365: building request: %w", err)
		}
		if body == nil || body == http.NoBody {
			hreq.Body = http.NoBody
			hreq.ContentLength = 0
		}
		if sr, ok := body.(*io.SectionReader); ok {
			// net/http knows the length of bytes and strings readers only; upload
			// chunks need Content-Length, not chunked encoding.
			hreq.ContentLength = sr.Size()
		}
		hreq.Header = header.Clone()
		if !noAuth && sameHost(u, origin) {
			if a.tokens == nil {
				return nil, finalError{errors.New("o365: the account has no token source; use o365.WithTokenSource or an auth credential")}
			}
			tok, err := a.tokens.Token(ctx)
			if err != nil {
				return nil, finalError{fmt.Errorf("o365: getting a token: %w", err)}
			}
			hreq.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		}
		resp, err := a.client.Do(hreq)
		if err != nil {
			return nil, fmt.Errorf("o365: %s %s: %w", method, redactURL(u.String()), scrubURLError(err))
		}
		if !isRedirect(resp.StatusCode) || resp.Header.Get("Location") == "" {
			return resp, nil
		}
		if redirects >= 10 {
			resp.Body.Close()
			return nil, fmt.Errorf("o365: %s %s: stopped after 10 redirects", method, redactURL(target))
		}
		next, err := u.Parse(resp.Header.Get("Location"))
		drain(resp)
		if err != nil {
			return nil, fmt.Errorf("o365: bad redirect location: %w", err)
		}
		if resp.StatusCode == http.StatusSeeOther || ((resp.StatusCode == http.StatusFound || resp.StatusCode == http.StatusMovedPermanently) && method == http.MethodPost) {
			method, body = http.MethodGet, nil
			// header belongs to the caller, who sends it again on a retry.
			header = header.Clone()
			header.Del("Content-Type")
		} else if body != nil {
			if err := rewind(body); err != nil {
				return nil, err
			}
		}
		u = next
	}
}

// finalError marks a failure before anything was sent that no retry can fix,
// such as a missing or failing token source.
type finalError struct{ err error }

func (e finalError) Error() string { return e.err.Error() }
func (e finalError) Unwrap() error { return e.err }

func sameHost(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host)
}

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// scrubURLError replaces the URL inside a *url.Error so pre-authenticated query
// strings do not reach error messages.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func (a *Account) baseHeader(req *Request, contentType string) http.Header {
	h := http.Header{}
	for k, v := range req.Header {
		if http.CanonicalHeaderKey(k) == "Prefer" {
			continue
		}
		h[http.CanonicalHeaderKey(k)] = append([]string(nil), v...)
	}
	if h.Get("Accept") == "" {
		h.Set("Accept", "application/json")
	}
	h.Set("User-Agent", a.userAgent)
	if h.Get("client-request-id") == "" {
		h.Set("client-request-id", newUUID())
	}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	if req.eventual || (req.Query != nil && req.Query.eventual()) {
		h.Set("ConsistencyLevel", "eventual")
	}
	var prefer []string
	seen := map[string]bool{}
	add := func(v string) {
		for p := range strings.SplitSeq(v, ",") {
			p = strings.TrimSpace(p)
			key := strings.ToLower(p)
			if name, _, ok := strings.Cut(key, "="); ok {
				key = strings.TrimSpace(name)
			}
			if p == "" || seen[key] {
				continue
			}
			seen[key] = true
			prefer = append(prefer, p)
		}
	}
	for _, v := range req.Header.Values("Prefer") {
		add(v)
	}
	for _, v := range a.prefer {
		add(v)
	}
	if a.preferTZ != "" {
		add(a.preferTZ)
	}
	if len(prefer) > 0 {
		h.Set("Prefer", strings.Join(prefer, ", "))
	}
	return h
}

// encodeBody turns req.Body into a reader. JSON bodies are encoded once and
// replayed from memory; raw readers are replayable only when they can seek.
func (a *Account) encodeBody(req *Request) (body io.Reader, contentType string, replayable bool, err error) {
	switch b := req.Body.(type) {
	case nil:
		return nil, "", true, nil
	case []byte:
		return bytes.NewReader(b), orDefault(req.ContentType, "application/octet-stream"), true, nil
	case io.Reader:
		_, seek := b.(io.Seeker)
		return b, orDefault(req.ContentType, "application/octet-stream"), seek, nil
	default:
		data, err := a.marshalCased(b)
		if err != nil {
			return nil, "", false, err
		}
		return bytes.NewReader(data), orDefault(req.ContentType, "application/json"), true, nil
	}
}

// marshalCased encodes a JSON body (a jsontext.Value as is) with its keys in
// the protocol's case.
func (a *Account) marshalCased(v any) ([]byte, error) {
	data, ok := v.(jsontext.Value)
	if !ok {
		var err error
		if data, err = EncodeJSON(v); err != nil {
			return nil, fmt.Errorf("o365: encoding the request body: %w", err)
		}
	}
	if a.proto.camelWire() {
		return data, nil
	}
	data, err := rewriteKeysBytes(data, a.proto.wireKey)
	if err != nil {
		return nil, fmt.Errorf("o365: casing the request body: %w", err)
	}
	return data, nil
}

// unmarshalCased decodes a JSON body the caller hands over into out,
// converting its keys from the protocol's case. Models keep slices of body.
func (a *Account) unmarshalCased(body []byte, out any) error {
	if !a.proto.camelWire() {
		var err error
		if a.proto.KeyCase != nil {
			if body, err = camelKeys(body); err != nil {
				return err
			}
		}
		if body, err = a.proto.modelKeys(body); err != nil {
			return fmt.Errorf("casing the body: %w", err)
		}
	}
	if err := decodeOwned(body, out); err != nil {
		return fmt.Errorf("decoding the body: %w", err)
	}
	return nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func rewind(body io.Reader) error {
	if body == nil {
		return nil
	}
	s, ok := body.(io.Seeker)
	if !ok {
		return errors.New("o365: the request body cannot be replayed; pass an io.ReadSeeker to allow retries")
	}
	if _, err := s.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("o365: rewinding the request body: %w", err)
	}
	return nil
}

func (a *Account) decode(resp *http.Response, out any) (*Response, error) {
	defer resp.Body.Close()
	r := &Response{StatusCode: resp.StatusCode, Header: resp.Header}
	switch o := out.(type) {
	case nil:
		drain(resp)
		return r, nil
	case io.Writer:
		if _, err := io.Copy(o, resp.Body); err != nil {
			return r, fmt.Errorf("o365: reading the response: %w", err)
		}
		return r, nil
	}
	if resp.StatusCode == http.StatusNoContent {
		return r, nil
	}
	body, err := readBody(resp)
	if err != nil {
		return r, fmt.Errorf("o365: reading the response of %s: %w", redactURL(resp.Request.URL.String()), err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return r, nil // an empty 2xx body leaves out untouched
	}
	if err := a.unmarshalCased(body, out); err != nil {
		return r, fmt.Errorf("o365: %s: %w", redactURL(resp.Request.URL.String()), err)
	}
	return r, nil
}

// readBody reads a whole response body into one buffer sized from
// Content-Length: the decoder needs it in memory, and models keep slices of
// it rather than copies.
func readBody(resp *http.Response) ([]byte, error) {
	if n := resp.ContentLength; n > 0 && n < 1<<30 {
		buf := make([]byte, n)
		if _, err := io.ReadFull(resp.Body, buf); err != nil {
			return nil, err
		}
		// A body longer than announced is read on, as net/http allows.
		rest, err := io.ReadAll(resp.Body)
		if err != nil {
			return nil, err
		}
		return append(buf, rest...), nil
	}
	return io.ReadAll(resp.Body)
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
}

// sensitiveParams are query parameters that grant access by themselves.
var sensitiveParams = []string{"authtoken", "tempauth", "token", "access_token", "code", "sig", "signature", "client_secret", "key", "password", "refresh_token", "assertion"}

// redactURL removes credentials carried in a URL's query (pre-authenticated upload
// and download links) before the URL reaches a log or an error.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	u.User = nil
	if u.RawQuery == "" {
		return u.String()
	}
	q := u.Query()
	changed := false
	for k := range q {
		for _, s := range sensitiveParams {
			if strings.EqualFold(k, s) {
				q.Set(k, "REDACTED")
				changed = true
			}
		}
	}
	if changed {
		u.RawQuery = encodeQuery(q)
	}
	return u.String()
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	hex.Encode(s[9:13], b[4:6])
	hex.Encode(s[14:18], b[6:8])
	hex.Encode(s[19:23], b[8:10])
	hex.Encode(s[24:], b[10:])
	s[8], s[13], s[18], s[23] = '-', '-', '-', '-'
	return string(s[:])
}

// RetryPolicy says how throttled and failed requests are retried.
type RetryPolicy struct {
	// MaxAttempts counts the first try: 1 disables retries.
	MaxAttempts int
	// MaxTotalWait caps the time spent waiting between attempts; a wait that would
	// pass it ends the retries with the last error.
	MaxTotalWait time.Duration
	// BaseDelay is the first backoff when the service gives no Retry-After; it
	// doubles per attempt, with jitter, up to MaxDelay.
	BaseDelay time.Duration
	MaxDelay  time.Duration
}

// DefaultRetryPolicy retries up to 4 times, waiting at most 3 minutes in all, as
// Microsoft's SDKs do.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 5, MaxTotalWait: 180 * time.Second, BaseDelay: time.Second, MaxDelay: 60 * time.Second}
}

// backoff returns the wait before attempt+1: exponential with jitter in [d/2, d].
func (p RetryPolicy) backoff(attempt int) time.Duration {
	base := p.BaseDelay
	if base <= 0 {
		base = time.Second
	}
	d := float64(base) * math.Pow(2, float64(attempt-1))
	if p.MaxDelay > 0 && d > float64(p.MaxDelay) {
		d = float64(p.MaxDelay)
	}
	return time.Duration(d/2 + mrand.Float64()*d/2)
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// NotProcessed reports whether err is an answer proving that the service did
// not carry out the request: a refusal (a 4xx other than 408 Request
// Timeout), or one of the answers after which Do repeats even a POST (429,
// and 503 with Retry-After; see provesNotDone). Anything else, a transport
// failure, a 5xx or an ended context, may hide work done: Once then looks
// for the work before trying again.
func NotProcessed(err error) bool {
	var apiErr *Error
	if !errors.As(err, &apiErr) {
		return false
	}
	s := apiErr.StatusCode
	refused := s >= 400 && s < 500 && s != http.StatusRequestTimeout
	return refused || provesNotDone(s, apiErr.Header.Get("Retry-After") != "")
}

// provesNotDone reports whether an answer proves the request was not
// carried out: 429, or 503 with Retry-After.
func provesNotDone(status int, hasRetryAfter bool) bool {
	return status == http.StatusTooManyRequests || (status == http.StatusServiceUnavailable && hasRetryAfter)
}

// RetryEvent describes a retry the engine is about to wait for; see
// WithRetryNotify.
type RetryEvent struct {
	// Method and URL name the request (the URL redacted as in logs); for
	// $batch items, the items' method when they share one, else "".
	Method, URL string
	// Attempt is the attempt about to be made (2 for the first retry), out
	// of the policy's MaxAttempts.
	Attempt, MaxAttempts int
	// Delay is the wait before it.
	Delay time.Duration
	// Err is why: an *Error for an answer such as 429 or 503, else the
	// transport failure.
	Err error
	// Items is how many $batch items are sent again together; 0 for a
	// single request.
	Items int
}

// Throttled reports whether the retry follows a 429 answer.
func (e RetryEvent) Throttled() bool {
	var apiErr *Error
	return errors.As(e.Err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests
}

// notifyRetry tells the account's WithRetryNotify function, if any.
func (a *Account) notifyRetry(e RetryEvent) {
	if a.onRetry != nil {
		a.onRetry(e)
	}
}

// retryable says whether an answer may be retried. 429 proves the request was not
// processed; so does 503 with Retry-After. Other 503s and 504s may hide work done,
// so only repeatable requests (idempotent methods, or Request.Idempotent) are
// sent again.
func retryable(repeatable bool, status int, hasRetryAfter bool) bool {
	if provesNotDone(status, hasRetryAfter) {
		return true
	}
	return repeatable && (status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
