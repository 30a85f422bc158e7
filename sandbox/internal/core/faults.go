package core

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// faultHeader forces a fault on one request: "429", "503", "reset", "drop",
// "latency=100ms", "429;retry-after=2", or several joined by commas.
const faultHeader = "X-Sandbox-Fault"

// defaultRetryAfter is the Retry-After of injected 429 and 503 answers.
const defaultRetryAfter = 1

// faultKinds are the faults a spec or the header can name.
// "reset" closes the connection before the request is handled; "drop" handles
// it, then closes the connection without the answer, as when a reply is lost
// on the way back: the work is done but the client cannot know.
var faultKinds = []string{"429", "500", "502", "503", "504", "reset", "drop"}

// fault is what happens to one request.
type fault struct {
	kind       string // "" for none, else one of faultKinds
	retryAfter int    // seconds, for 429 and 503
	latency    time.Duration
	// dropAfter, for a drop, sends the head and this many bytes of the
	// body before the connection is closed: a download broken midway.
	dropAfter int64
}

// faultSpec is a parsed Options.Faults string.
type faultSpec struct {
	rates      []faultRate
	latencyMin time.Duration
	latencyMax time.Duration
	retryAfter int
	seed       uint64
}

type faultRate struct {
	kind string
	pct  float64
}

// parseFaultSpec parses "429=5%,503=1%,reset=1%,latency=20ms..200ms,seed=42"
// (also "retry-after=N"). Every part is checked; an error names the bad part.
func parseFaultSpec(spec string) (*faultSpec, error) {
	fs := &faultSpec{retryAfter: defaultRetryAfter}
	seen := map[string]bool{}
	total := 0.0
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key, val, ok := strings.Cut(part, "=")
		key = strings.ToLower(strings.TrimSpace(key))
		val = strings.TrimSpace(val)
		if !ok || val == "" {
			return nil, fmt.Errorf("sandbox: fault spec part %q: want KEY=VALUE, e.g. 429=5%%", part)
		}
		if seen[key] {
			return nil, fmt.Errorf("sandbox: fault spec names %q twice", key)
		}
		seen[key] = true
		switch key {
		case "latency":
			lo, hi, err := parseLatency(val)
			if err != nil {
				return nil, fmt.Errorf("sandbox: fault spec part %q: %w", part, err)
			}
			fs.latencyMin, fs.latencyMax = lo, hi
		case "seed":
			n, err := strconv.ParseUint(val, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("sandbox: fault spec part %q: seed must be a non-negative integer", part)
			}
			fs.seed = n
		case "retry-after":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 || n > 3600 {
				return nil, fmt.Errorf("sandbox: fault spec part %q: retry-after must be whole seconds from 0 to 3600", part)
			}
			fs.retryAfter = n
		default:
			if !isFaultKind(key) {
				return nil, fmt.Errorf("sandbox: fault spec part %q: unknown fault %q; use one of %s, latency, seed, retry-after",
					part, key, strings.Join(faultKinds, ", "))
			}
			num, isPct := strings.CutSuffix(val, "%")
			pct, err := strconv.ParseFloat(num, 64)
			if !isPct || err != nil || pct < 0 || pct > 100 {
				return nil, fmt.Errorf("sandbox: fault spec part %q: rate must be a percentage from 0%% to 100%%, e.g. 5%%", part)
			}
			total += pct
			fs.rates = append(fs.rates, faultRate{kind: key, pct: pct})
		}
	}
	if total > 100 {
		return nil, fmt.Errorf("sandbox: fault spec rates add up to %g%%, more than 100%%", total)
	}
	return fs, nil
}

func isFaultKind(k string) bool {
	for _, f := range faultKinds {
		if f == k {
			return true
		}
	}
	return false
}

// parseLatency parses "20ms" or "20ms..200ms".
func parseLatency(val string) (lo, hi time.Duration, err error) {
	a, b, isRange := strings.Cut(val, "..")
	if lo, err = time.ParseDuration(a); err != nil {
		return 0, 0, fmt.Errorf("latency %q: want a duration like 20ms or a range like 20ms..200ms", val)
	}
	hi = lo
	if isRange {
		if hi, err = time.ParseDuration(b); err != nil {
			return 0, 0, fmt.Errorf("latency %q: want a duration like 20ms or a range like 20ms..200ms", val)
		}
	}
	if lo < 0 || hi < lo || hi > time.Minute {
		return 0, 0, fmt.Errorf("latency %q: need 0 <= min <= max <= 1m", val)
	}
	return lo, hi, nil
}

// parseFaultHeader parses the X-Sandbox-Fault header.
func parseFaultHeader(v string) (fault, error) {
	f := fault{retryAfter: defaultRetryAfter}
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if lat, ok := strings.CutPrefix(part, "latency="); ok {
			d, err := time.ParseDuration(lat)
			if err != nil || d < 0 || d > time.Minute {
				return f, fmt.Errorf("latency %q: want a duration up to 1m, e.g. latency=100ms", lat)
			}
			f.latency = d
			continue
		}
		kind, params, _ := strings.Cut(part, ";")
		kind = strings.ToLower(strings.TrimSpace(kind))
		if !isFaultKind(kind) {
			return f, fmt.Errorf("unknown fault %q; use one of %s or latency=DURATION", kind, strings.Join(faultKinds, ", "))
		}
		if f.kind != "" {
			return f, fmt.Errorf("more than one fault status in %q", v)
		}
		f.kind = kind
		params = strings.TrimSpace(params)
		if after, ok := strings.CutPrefix(params, "after="); ok && kind == "drop" {
			n, err := strconv.ParseInt(after, 10, 64)
			if err != nil || n < 0 {
				return f, fmt.Errorf("fault parameter %q: want after=BYTES, the body bytes sent before the connection drops", params)
			}
			f.dropAfter = n
		} else if params != "" {
			ra, ok := strings.CutPrefix(params, "retry-after=")
			n, err := strconv.Atoi(ra)
			if !ok || err != nil || n < 0 || n > 3600 {
				return f, fmt.Errorf("fault parameter %q: want retry-after=SECONDS (0 to 3600), or after=BYTES for drop", params)
			}
			f.retryAfter = n
		}
	}
	return f, nil
}

// faultInjector draws faults from a seeded generator so a run with the same
// spec and the same request order fails the same way.
type faultInjector struct {
	spec *faultSpec
	mu   sync.Mutex
	rng  *rand.Rand
}

// draw picks the fault for the next request.
func (fi *faultInjector) draw() fault {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	f := fault{retryAfter: fi.spec.retryAfter}
	if len(fi.spec.rates) > 0 {
		x := fi.rng.Float64() * 100
		for _, r := range fi.spec.rates {
			if x < r.pct {
				f.kind = r.kind
				break
			}
			x -= r.pct
		}
	}
	if fi.spec.latencyMax > 0 {
		span := int64(fi.spec.latencyMax - fi.spec.latencyMin)
		f.latency = fi.spec.latencyMin
		if span > 0 {
			f.latency += time.Duration(fi.rng.Int64N(span + 1))
		}
	}
	return f
}

// SetFaults replaces the fault-injection spec at run time; "" turns rate
// faults off. The spec is "429=5%,503=1%,reset=1%,latency=20ms..200ms,seed=42":
// rates for 429, 500, 502, 503, 504, reset (connection closed before the
// request is handled) and drop (handled, then closed without the answer), a latency or latency range added to every request, the PRNG seed,
// and retry-after=N for the Retry-After of 429/503 (default 1). Rate faults
// never touch the identity endpoints nor a $batch envelope (its items draw
// their own); the X-Sandbox-Fault request header forces a fault on any
// request.
func (s *Engine) SetFaults(spec string) error {
	if strings.TrimSpace(spec) == "" {
		s.faults.Store(nil)
		return nil
	}
	fs, err := parseFaultSpec(spec)
	if err != nil {
		return err
	}
	s.faults.Store(&faultInjector{spec: fs, rng: rand.New(rand.NewPCG(fs.seed, fs.seed^0x9e3779b97f4a7c15))})
	return nil
}

type batchItemKey struct{}

// applyFaults injects the fault for r, if any, and reports whether the
// request should go on, and whether its answer must then be dropped (after
// dropAfter bytes of its body, when that is above zero).
func (s *Engine) applyFaults(w http.ResponseWriter, r *http.Request, identityPath bool) (proceed, drop bool, dropAfter int64) {
	var f fault
	if h := r.Header.Get(faultHeader); h != "" {
		var err error
		if f, err = parseFaultHeader(h); err != nil {
			writeError(w, s.now(), BadRequest("Invalid %s header: %v.", faultHeader, err))
			return false, false, 0
		}
	} else if fi := s.faults.Load(); fi != nil && !identityPath && !isBatchEnvelope(r) {
		// The envelope of a $batch is spared: its items draw their own
		// faults, as Graph throttles the requests inside a batch one by one.
		f = fi.draw()
	}
	if f.latency > 0 && sleepCtx(r.Context(), f.latency) != nil {
		return false, false, 0
	}
	inBatch := r.Context().Value(batchItemKey{}) != nil
	if f.kind != "" && !(inBatch && (f.kind == "reset" || f.kind == "drop")) {
		s.countFault(f.kind)
	}
	switch f.kind {
	case "":
		return true, false, 0
	case "drop":
		// A sub-request's answer travels inside the envelope: nothing to drop.
		return true, !inBatch, f.dropAfter
	case "reset":
		if inBatch {
			// A sub-request has no connection of its own to drop.
			return true, false, 0
		}
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
			return false, false, 0
		}
		// Not hijackable (HTTP/2): abort the stream instead.
		panic(http.ErrAbortHandler)
	case "429":
		e := Errorf(http.StatusTooManyRequests, "TooManyRequests", "Please retry again later.").
			WithHeader("Retry-After", strconv.Itoa(f.retryAfter))
		e.Inner = map[string]any{"code": "429", "message": "Please retry after", "status": "429"}
		writeError(w, s.now(), e)
	case "503":
		writeError(w, s.now(), Errorf(http.StatusServiceUnavailable, "serviceNotAvailable",
			"The service is temporarily unavailable. Retry later.").WithHeader("Retry-After", strconv.Itoa(f.retryAfter)))
	case "500":
		writeError(w, s.now(), Errorf(http.StatusInternalServerError, "generalException", "An injected internal server error occurred."))
	case "502":
		writeError(w, s.now(), Errorf(http.StatusBadGateway, "BadGateway", "An injected bad gateway error occurred."))
	case "504":
		writeError(w, s.now(), Errorf(http.StatusGatewayTimeout, "GatewayTimeout", "An injected gateway timeout occurred."))
	}
	return false, false, 0
}

// cutWriter passes the head of an answer and its first left body bytes,
// then closes the connection: the drop;after=N fault. Later writes fail, so
// the handler stops.
type cutWriter struct {
	http.ResponseWriter
	left int64
	cut  bool
}

func (c *cutWriter) Write(p []byte) (int, error) {
	if c.cut {
		return 0, errConnectionCut
	}
	if int64(len(p)) <= c.left {
		n, err := c.ResponseWriter.Write(p)
		c.left -= int64(n)
		return n, err
	}
	n, _ := c.ResponseWriter.Write(p[:c.left])
	c.left = 0
	c.cut = true
	rc := http.NewResponseController(c.ResponseWriter)
	rc.Flush()
	if conn, _, err := rc.Hijack(); err == nil {
		conn.Close()
		return n, errConnectionCut
	}
	// Not hijackable (HTTP/2, an in-process transport): abort the stream.
	panic(http.ErrAbortHandler)
}

func (c *cutWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// errConnectionCut is what a handler's writes return after a drop;after=N
// fault closed the connection.
var errConnectionCut = errors.New("sandbox: injected fault: connection closed midway")

func (s *Engine) countFault(kind string) {
	s.injected.mu.Lock()
	defer s.injected.mu.Unlock()
	if s.injected.n == nil {
		s.injected.n = map[string]int{}
	}
	s.injected.n[kind]++
}

// FaultsInjected returns how many faults of each kind ("429", "reset",
// "drop", ...) the server has injected since it started, so a test can check
// that its fault spec actually fired.
func (s *Engine) FaultsInjected() map[string]int {
	s.injected.mu.Lock()
	defer s.injected.mu.Unlock()
	return maps.Clone(s.injected.n)
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// isBatchEnvelope reports whether r is a POST to a $batch endpoint.
func isBatchEnvelope(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/$batch")
}
