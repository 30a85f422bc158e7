package o365

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Sentinels matched by errors.Is against *Error (by status code) and, for
// ErrThrottled, against throttled batch items.
var (
	ErrBadRequest         = errors.New("o365: bad request")
	ErrUnauthorized       = errors.New("o365: unauthorized")
	ErrForbidden          = errors.New("o365: forbidden")
	ErrNotFound           = errors.New("o365: not found")
	ErrConflict           = errors.New("o365: conflict")
	ErrGone               = errors.New("o365: gone")
	ErrPreconditionFailed = errors.New("o365: precondition failed")
	ErrThrottled          = errors.New("o365: throttled")
	ErrServiceUnavailable = errors.New("o365: service unavailable")
	// ErrFailedDependency matches $batch items that were not run because an item
	// they depend on failed (424).
	ErrFailedDependency = errors.New("o365: failed dependency")
)

var statusSentinels = map[int]error{
	http.StatusBadRequest:         ErrBadRequest,
	http.StatusUnauthorized:       ErrUnauthorized,
	http.StatusForbidden:          ErrForbidden,
	http.StatusNotFound:           ErrNotFound,
	http.StatusConflict:           ErrConflict,
	http.StatusGone:               ErrGone,
	http.StatusPreconditionFailed: ErrPreconditionFailed,
	http.StatusTooManyRequests:    ErrThrottled,
	http.StatusServiceUnavailable: ErrServiceUnavailable,
	http.StatusFailedDependency:   ErrFailedDependency,
}

// Error is a non-2xx answer from the service, decoded from Graph's error envelope
// {"error":{"code","message","innerError":{...}}}. Branch on Code or use errors.Is
// with the Err* sentinels; never branch on Message.
type Error struct {
	StatusCode      int
	Code            string // e.g. "itemNotFound", "ErrorAccessDenied", "TooManyRequests"
	Message         string
	RequestID       string
	ClientRequestID string
	Date            time.Time
	Inner           []InnerError  // nested inner errors, outermost first
	RetryAfter      time.Duration // from the Retry-After header, 0 when absent
	Method          string
	URL             string // with the query string and any pre-authentication token removed
	// Header holds the response headers, such as Location on a 410 from delta.
	Header http.Header
}

// InnerError is one level of an error's innerError chain.
type InnerError struct {
	Code    string
	Message string
}

// Error formats the error for people: status, code, message, request id.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("o365: ")
	if e.Method != "" {
		b.WriteString(e.Method + " " + e.URL + ": ")
	}
	fmt.Fprintf(&b, "%d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" {
		b.WriteString(": " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (request-id " + e.RequestID + ")")
	}
	return b.String()
}

// Is matches the status sentinels, so errors.Is(err, ErrNotFound) works.
func (e *Error) Is(target error) bool {
	if s, ok := statusSentinels[e.StatusCode]; ok && s == target {
		return true
	}
	return target == ErrServiceUnavailable && e.StatusCode == http.StatusGatewayTimeout
}

// HasCode reports whether the error or one of its inner errors carries code
// (compared case-insensitively).
func (e *Error) HasCode(code string) bool {
	if strings.EqualFold(e.Code, code) {
		return true
	}
	for _, in := range e.Inner {
		if strings.EqualFold(in.Code, code) {
			return true
		}
	}
	return false
}

type wireError struct {
	Error *wireErrorBody `json:"error"`
}

type wireErrorBody struct {
	Code       string         `json:"code"`
	Message    string         `json:"message"`
	InnerError jsontext.Value `json:"innerError"`
	Innererror jsontext.Value `json:"innererror"`
	// Outlook REST uses PascalCase keys.
	PCode       string         `json:"Code"`
	PMessage    string         `json:"Message"`
	PInnerError jsontext.Value `json:"InnerError"`
}

type wireInner struct {
	Code            string         `json:"code"`
	Message         string         `json:"message"`
	RequestID       string         `json:"request-id"`
	ClientRequestID string         `json:"client-request-id"`
	Date            string         `json:"date"`
	InnerError      jsontext.Value `json:"innerError"`
	Innererror      jsontext.Value `json:"innererror"`
}

const maxErrorBody = 64 << 10

// ParseError builds an *Error from a non-2xx response, reading at most 64 KiB of
// its body. It never fails: an undecodable body leaves Code empty and keeps a
// short excerpt as Message.
func ParseError(resp *http.Response) *Error {
	var body []byte
	if resp.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	}
	e := errorFromParts(resp.StatusCode, resp.Header, body, time.Now())
	if resp.Request != nil {
		e.Method = resp.Request.Method
		e.URL = redactURL(resp.Request.URL.String())
	}
	return e
}

// errorFromParts decodes an error from a status, headers and body; $batch items
// use it too.
func errorFromParts(status int, h http.Header, body []byte, now time.Time) *Error {
	e := &Error{StatusCode: status, Header: h}
	if h != nil {
		e.RequestID = h.Get("request-id")
		e.ClientRequestID = h.Get("client-request-id")
		if d, ok := parseRetryAfter(h.Get("Retry-After"), now); ok {
			e.RetryAfter = d
		}
	}
	var w wireError
	if len(bytes.TrimSpace(body)) > 0 && json.Unmarshal(body, &w, decodeOptions) == nil && w.Error != nil {
		b := w.Error
		e.Code, e.Message = first(b.Code, b.PCode), first(b.Message, b.PMessage)
		inner := firstRaw(b.InnerError, b.Innererror, b.PInnerError)
		for depth := 0; len(inner) > 0 && depth < 16; depth++ {
			var in wireInner
			if json.Unmarshal(inner, &in, decodeOptions) != nil {
				break
			}
			if in.Code != "" || in.Message != "" {
				e.Inner = append(e.Inner, InnerError{Code: in.Code, Message: in.Message})
			}
			if e.RequestID == "" {
				e.RequestID = in.RequestID
			}
			if e.ClientRequestID == "" {
				e.ClientRequestID = in.ClientRequestID
			}
			if e.Date.IsZero() && in.Date != "" {
				e.Date = parseGraphDate(in.Date)
			}
			inner = firstRaw(in.InnerError, in.Innererror)
		}
	} else if len(body) > 0 {
		msg := strings.TrimSpace(string(body))
		if len(msg) > 200 {
			msg = msg[:200] + "..."
		}
		e.Message = msg
	}
	return e
}

func parseGraphDate(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func firstRaw(rs ...jsontext.Value) jsontext.Value {
	for _, r := range rs {
		if len(r) > 0 && string(r) != "null" {
			return r
		}
	}
	return nil
}

// parseRetryAfter reads a Retry-After value: a number of seconds, possibly
// fractional (Graph sends "2.128"), rounded up to the next whole second so the
// client never comes back early, or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 || math.IsNaN(secs) || math.IsInf(secs, 0) {
			return 0, false
		}
		const maxSecs = 24 * 60 * 60
		secs = math.Min(secs, maxSecs)
		return time.Duration(math.Ceil(secs)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}
