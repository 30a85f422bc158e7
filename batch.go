package o365

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// maxBatchSize is the number of requests Graph accepts in one $batch.
const maxBatchSize = 20

// BatchItem is one request of a Batch.
type BatchItem struct {
	// ID names the item in DependsOn and in the results. Empty means its
	// position in the slice, counted from 1 ("1", "2", ...). IDs are compared
	// case-insensitively, as Graph does, and must be unique.
	ID string
	// Request is sent as Do would send it, relative to the service root.
	// Raw bodies ([]byte, io.Reader) are base64-encoded unless their
	// ContentType is JSON; io.Reader bodies are read into memory.
	Request *Request
	// DependsOn lists the IDs of items that must succeed before this one runs.
	// Linked items are always sent in the same envelope.
	DependsOn []string
	// Out receives the body of a 2xx answer: an io.Writer gets the raw bytes
	// (decoded from base64 for binary content), anything else is JSON-decoded
	// with keys converted from the protocol's case.
	Out any
}

// BatchResult is the outcome of one BatchItem.
type BatchResult struct {
	ID         string
	StatusCode int // 0 when the item got no answer
	Header     http.Header
	// Err is nil for 2xx and 3xx answers (a 3xx such as the 302 of a /content
	// download leaves Out untouched: read Header's Location). For other answers
	// it is an *Error, so errors.Is(err, ErrThrottled) works; a dependent of a
	// failed item has StatusCode 424. When the envelope itself failed, Err
	// wraps that failure.
	Err error
}

// BatchOptions tune Batch; nil means the defaults.
type BatchOptions struct {
	// Concurrency is how many envelopes are in flight at once (default 4,
	// Outlook's per-mailbox concurrency limit).
	Concurrency int
}

// Batch sends items through JSON batching: up to 20 per POST {service}/$batch,
// larger sets split into several envelopes sent concurrently. Items linked by
// DependsOn stay in one envelope; a linked group of more than 20 is refused.
//
// Items answered 429, or 503 with Retry-After (for GET, PUT and DELETE any 503
// or 504, as Do does), are sent again on their own in a new envelope after the
// longest Retry-After they carried (else the retry policy's backoff), together
// with the dependents that failed because of them, within the account's
// RetryPolicy. Other failures are not retried. The envelope itself goes
// through Do, which retries it when it is throttled, and, when its items can
// all be repeated (GET, PUT, DELETE, or Request.Idempotent), after a
// transport failure, 503 or 504 as well. As in Do, a DELETE answered 404
// after an answer that may hide work done (its envelope's answer lost, its
// own 503 without Retry-After, or 504) succeeded: its result is a 204.
//
// The results follow the order of items whatever order the service answers
// in. The error is non-nil when the input is invalid (then there are no
// results), or when an envelope failed or ctx ended; the affected items carry
// that error too.
func (a *Account) Batch(ctx context.Context, items []*BatchItem, opts *BatchOptions) ([]BatchResult, error) {
	if a.err != nil {
		return nil, a.err
	}
	concurrency := 4
	if opts != nil && opts.Concurrency > 0 {
		concurrency = opts.Concurrency
	}
	// A group named by address is looked up once, before the envelopes.
	for _, it := range items {
		if it != nil && it.Request != nil {
			if _, err := a.resolveRequest(ctx, it.Request); err != nil {
				return nil, err
			}
		}
	}
	wires, err := a.batchRequests(items)
	if err != nil {
		return nil, err
	}
	groups, err := batchGroups(items, wires)
	if err != nil {
		return nil, err
	}
	results := make([]BatchResult, len(items))
	for i, w := range wires {
		results[i].ID = w.ID
	}

	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		sem      = make(chan struct{}, concurrency)
	)
	record := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
		}
	}
	for _, env := range packGroups(groups) {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				for _, i := range env {
					results[i].Err = ctx.Err()
				}
				record(ctx.Err())
				return
			}
			defer func() { <-sem }()
			if err := a.runEnvelope(ctx, items, wires, env, results); err != nil {
				record(err)
			}
		})
	}
	wg.Wait()
	return results, firstErr
}

// batchRequest is one entry of the $batch envelope.
type batchRequest struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers,omitempty"`
	Body      jsontext.Value    `json:"body,omitempty"`
	DependsOn []string          `json:"dependsOn,omitempty"`
}

type batchResponse struct {
	ID      string                    `json:"id"`
	Status  int                       `json:"status"`
	Headers map[string]jsontext.Value `json:"headers"`
	Body    jsontext.Value            `json:"body"`
}

// batchRequests validates items and renders each one as an envelope entry.
func (a *Account) batchRequests(items []*BatchItem) ([]batchRequest, error) {
	wires := make([]batchRequest, len(items))
	seen := make(map[string]bool, len(items))
	root := a.proto.ServiceURL()
	for i, it := range items {
		if it == nil || it.Request == nil {
			return nil, fmt.Errorf("o365: batch item %d has no request", i+1)
		}
		id := it.ID
		if id == "" {
			id = strconv.Itoa(i + 1)
		}
		key := strings.ToLower(id)
		if seen[key] {
			return nil, fmt.Errorf("o365: batch: duplicate item id %q", id)
		}
		seen[key] = true
		req := it.Request
		if req.NoAuth {
			return nil, fmt.Errorf("o365: batch item %q: pre-authenticated requests cannot be batched", id)
		}
		u, err := a.URL(req)
		if err != nil {
			return nil, fmt.Errorf("o365: batch item %q: %w", id, err)
		}
		rel, ok := strings.CutPrefix(u, root)
		if !ok {
			return nil, fmt.Errorf("o365: batch item %q: %s is not under the service root %s", id, redactURL(u), root)
		}
		w := batchRequest{ID: id, Method: strings.ToUpper(orDefault(req.Method, http.MethodGet)), URL: "/" + rel}
		body, contentType, err := a.batchBody(req)
		if err != nil {
			return nil, fmt.Errorf("o365: batch item %q: %w", id, err)
		}
		w.Body = body
		h := a.baseHeader(req, contentType)
		// The envelope carries these for the whole batch.
		h.Del("User-Agent")
		if req.Header.Get("Accept") == "" {
			h.Del("Accept")
		}
		if req.Header.Get("client-request-id") == "" {
			h.Del("client-request-id")
		}
		if len(h) > 0 {
			w.Headers = make(map[string]string, len(h))
			for k, v := range h {
				w.Headers[k] = strings.Join(v, ", ")
			}
		}
		wires[i] = w
	}
	for i, it := range items {
		for _, d := range it.DependsOn {
			if !seen[strings.ToLower(d)] {
				return nil, fmt.Errorf("o365: batch item %q depends on unknown id %q", wires[i].ID, d)
			}
			if strings.EqualFold(d, wires[i].ID) {
				return nil, fmt.Errorf("o365: batch item %q depends on itself", d)
			}
		}
		wires[i].DependsOn = it.DependsOn
	}
	return wires, nil
}

// batchBody renders a request body for the envelope: JSON inline (cased like
// Do), anything else as a base64 string.
func (a *Account) batchBody(req *Request) (jsontext.Value, string, error) {
	var raw []byte
	switch b := req.Body.(type) {
	case nil:
		return nil, "", nil
	case []byte:
		raw = b
	case io.Reader:
		data, err := io.ReadAll(b)
		if err != nil {
			return nil, "", fmt.Errorf("reading the body: %w", err)
		}
		raw = data
	default:
		data, err := a.marshalCased(b)
		if err != nil {
			return nil, "", err
		}
		return data, orDefault(req.ContentType, "application/json"), nil
	}
	ct := orDefault(req.ContentType, "application/octet-stream")
	if isJSONType(ct) && jsontext.Value(raw).IsValid(decodeOptions) {
		return raw, ct, nil
	}
	enc, _ := EncodeJSON(base64.StdEncoding.EncodeToString(raw))
	return enc, ct, nil
}

func isJSONType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// batchGroups joins items linked by DependsOn, in the order of their first
// member, and refuses a group that cannot fit in one envelope.
func batchGroups(items []*BatchItem, wires []batchRequest) ([][]int, error) {
	parent := make([]int, len(items))
	index := make(map[string]int, len(items))
	for i, w := range wires {
		parent[i] = i
		index[strings.ToLower(w.ID)] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i, w := range wires {
		for _, d := range w.DependsOn {
			ri, rj := find(i), find(index[strings.ToLower(d)])
			if ri != rj {
				parent[max(ri, rj)] = min(ri, rj)
			}
		}
	}
	byRoot := map[int]int{}
	var groups [][]int
	for i := range items {
		r := find(i)
		g, ok := byRoot[r]
		if !ok {
			g = len(groups)
			byRoot[r] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	for _, g := range groups {
		if len(g) > maxBatchSize {
			return nil, fmt.Errorf("o365: batch: %d items linked by dependsOn (starting at %q); one $batch holds at most %d", len(g), wires[g[0]].ID, maxBatchSize)
		}
	}
	return groups, nil
}

// packGroups fills envelopes with whole groups, keeping the items' order.
func packGroups(groups [][]int) [][]int {
	var envs [][]int
	var cur []int
	for _, g := range groups {
		if len(cur)+len(g) > maxBatchSize {
			envs = append(envs, cur)
			cur = nil
		}
		cur = append(cur, g...)
	}
	if len(cur) > 0 {
		envs = append(envs, cur)
	}
	return envs
}

// runEnvelope sends the items at indexes env, then resends the throttled ones
// on their own until they succeed or the retry policy runs out.
func (a *Account) runEnvelope(ctx context.Context, items []*BatchItem, wires []batchRequest, env []int, results []BatchResult) error {
	policy := a.retry
	var waited time.Duration
	pending := env
	// uncertain marks items whose earlier answer (a 503 without
	// Retry-After, a 504) may hide work done.
	uncertain := map[int]bool{}
	for attempt := 1; ; attempt++ {
		resps, envUncertain, err := a.sendEnvelope(ctx, items, wires, pending)
		if envUncertain {
			// The envelope was sent again after an answer that may hide
			// work done: so may each of its items have been.
			for _, i := range pending {
				uncertain[i] = true
			}
		}
		if err != nil {
			err = fmt.Errorf("o365: $batch: %w", err)
			for _, i := range pending {
				results[i] = BatchResult{ID: wires[i].ID, Err: err}
			}
			return err
		}
		var retry []int
		var delay time.Duration
		var why error
		for _, i := range pending {
			results[i] = a.batchResult(items[i], wires[i], resps[strings.ToLower(wires[i].ID)])
			if uncertain[i] && wires[i].Method == http.MethodDelete && results[i].StatusCode == http.StatusNotFound {
				// As Do does: an earlier try may have deleted it.
				results[i] = BatchResult{ID: wires[i].ID, StatusCode: http.StatusNoContent, Header: results[i].Header}
				continue
			}
			e, ok := results[i].Err.(*Error)
			if !ok {
				continue
			}
			hasRetryAfter := results[i].Header.Get("Retry-After") != ""
			if retryable(idempotent(wires[i].Method) || items[i].Request.Idempotent, e.StatusCode, hasRetryAfter) {
				retry = append(retry, i)
				if why == nil || e.RetryAfter > delay {
					why = e
				}
				delay = max(delay, e.RetryAfter)
				uncertain[i] = uncertain[i] || !provesNotDone(e.StatusCode, hasRetryAfter)
			}
		}
		retry = withFailedDependents(wires, pending, results, retry)
		if len(retry) == 0 || attempt >= policy.MaxAttempts {
			return nil
		}
		if delay == 0 {
			delay = policy.backoff(attempt)
		}
		if waited+delay > policy.MaxTotalWait {
			return nil
		}
		a.log.DebugContext(ctx, "o365: retrying throttled batch items", "items", len(retry), "attempt", attempt, "delay", delay)
		a.notifyRetry(RetryEvent{Method: commonMethod(wires, retry), Attempt: attempt + 1, MaxAttempts: policy.MaxAttempts,
			Delay: delay, Err: why, Items: len(retry)})
		if err := sleep(ctx, delay); err != nil {
			err = fmt.Errorf("o365: $batch: waiting to retry: %w", err)
			for _, i := range retry {
				results[i].Err = err
			}
			return err
		}
		waited += delay
		pending = retry
	}
}

// commonMethod is the method the items at idx share, or "".
func commonMethod(wires []batchRequest, idx []int) string {
	m := wires[idx[0]].Method
	for _, i := range idx[1:] {
		if wires[i].Method != m {
			return ""
		}
	}
	return m
}

// withFailedDependents adds to retry the items that failed with 424 because
// something they depend on is retried, so the chain runs again as a whole.
func withFailedDependents(wires []batchRequest, pending []int, results []BatchResult, retry []int) []int {
	if len(retry) == 0 {
		return nil
	}
	again := make(map[string]bool, len(pending))
	for _, i := range retry {
		again[strings.ToLower(wires[i].ID)] = true
	}
	for changed := true; changed; {
		changed = false
		for _, i := range pending {
			id := strings.ToLower(wires[i].ID)
			if again[id] || results[i].StatusCode != http.StatusFailedDependency {
				continue
			}
			for _, d := range wires[i].DependsOn {
				if again[strings.ToLower(d)] {
					again[id], changed = true, true
					break
				}
			}
		}
	}
	out := retry[:0:0]
	for _, i := range pending {
		if again[strings.ToLower(wires[i].ID)] {
			out = append(out, i)
		}
	}
	return out
}

// sendEnvelope POSTs one $batch through Do (so envelope-level throttling is
// retried there) and indexes the answers by lower-cased id. When every item
// can be repeated (GET, PUT, DELETE, or Request.Idempotent), so can the
// envelope, after a transport failure or a 503 or 504 too; uncertain then
// reports whether an envelope that may have been carried out was sent again.
func (a *Account) sendEnvelope(ctx context.Context, items []*BatchItem, wires []batchRequest, idx []int) (_ map[string]*batchResponse, uncertain bool, _ error) {
	in := make(map[string]bool, len(idx))
	for _, i := range idx {
		in[strings.ToLower(wires[i].ID)] = true
	}
	reqs := make([]batchRequest, 0, len(idx))
	for _, i := range idx {
		w := wires[i]
		// A retry envelope holds only some of the items: drop links to the
		// ones that already succeeded.
		var deps []string
		for _, d := range w.DependsOn {
			if in[strings.ToLower(d)] {
				deps = append(deps, d)
			}
		}
		w.DependsOn = deps
		reqs = append(reqs, w)
	}
	body, err := EncodeJSON(struct {
		Requests []batchRequest `json:"requests"`
	}{reqs})
	if err != nil {
		return nil, false, err
	}
	repeatable := true
	for _, i := range idx {
		repeatable = repeatable && (idempotent(wires[i].Method) || items[i].Request.Idempotent)
	}
	// The envelope is raw JSON: its keys are Graph's whatever the protocol's
	// case, and the item bodies inside are already cased.
	var buf bytes.Buffer
	req := &Request{Method: http.MethodPost, Path: "/$batch", Body: body, ContentType: "application/json",
		Idempotent: repeatable, uncertain: &uncertain}
	if _, err = a.Do(ctx, req, &buf); err != nil {
		return nil, uncertain, err
	}
	resps, err := parseBatchAnswer(buf.Bytes())
	return resps, uncertain, err
}

// parseBatchAnswer indexes a $batch answer's responses by lower-cased id.
func parseBatchAnswer(data []byte) (map[string]*batchResponse, error) {
	var env struct {
		Responses []*batchResponse `json:"responses"`
	}
	if err := json.Unmarshal(data, &env, decodeOptions); err != nil {
		return nil, fmt.Errorf("decoding the answer: %w", err)
	}
	out := make(map[string]*batchResponse, len(env.Responses))
	for _, r := range env.Responses {
		if r != nil {
			out[strings.ToLower(r.ID)] = r
		}
	}
	return out, nil
}

// batchResult turns one answer into a result, decoding its body into it.Out.
func (a *Account) batchResult(it *BatchItem, w batchRequest, r *batchResponse) BatchResult {
	res := BatchResult{ID: w.ID}
	if r == nil {
		res.Err = fmt.Errorf("o365: batch item %q: the service sent no answer for it", w.ID)
		return res
	}
	res.StatusCode = r.Status
	res.Header = batchHeader(r.Headers)
	body := r.Body
	if string(bytes.TrimSpace(body)) == "null" {
		body = nil
	}
	if r.Status < 200 || r.Status >= 400 {
		if isJSONString(body) {
			body, _ = decodeBase64Body(body)
		}
		e := errorFromParts(r.Status, res.Header, body, time.Now())
		e.Method, e.URL = w.Method, redactURL(w.URL)
		res.Err = e
		return res
	}
	if r.Status >= 300 || len(body) == 0 || it.Out == nil {
		return res
	}
	if err := a.decodeBatchBody(body, res.Header.Get("Content-Type"), it.Out); err != nil {
		res.Err = fmt.Errorf("o365: batch item %q: %w", w.ID, err)
	}
	return res
}

func (a *Account) decodeBatchBody(body jsontext.Value, contentType string, out any) error {
	binary := isJSONString(body) && !isJSONType(contentType)
	if binary {
		data, err := decodeBase64Body(body)
		if err != nil {
			return err
		}
		body = data
	}
	if w, ok := out.(io.Writer); ok {
		_, err := w.Write(body)
		return err
	}
	if binary {
		return fmt.Errorf("the body is %s content; pass an io.Writer as Out", orDefault(contentType, "binary"))
	}
	return a.unmarshalCased(body, out)
}

func isJSONString(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '"'
}

func decodeBase64Body(b []byte) ([]byte, error) {
	var s string
	if err := json.Unmarshal(b, &s, decodeOptions); err != nil {
		return nil, err
	}
	data, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if data, err2 := base64.RawStdEncoding.DecodeString(s); err2 == nil {
			return data, nil
		}
		return nil, fmt.Errorf("decoding the base64 body: %w", err)
	}
	return data, nil
}

// batchHeader converts an item's headers, whose values Graph sends as strings
// (sometimes numbers or arrays), into an http.Header.
func batchHeader(m map[string]jsontext.Value) http.Header {
	h := make(http.Header, len(m))
	for k, raw := range m {
		var s string
		var list []string
		switch {
		case json.Unmarshal(raw, &s, decodeOptions) == nil:
			h.Add(k, s)
		case json.Unmarshal(raw, &list, decodeOptions) == nil:
			for _, v := range list {
				h.Add(k, v)
			}
		default:
			if v := strings.TrimSpace(string(raw)); v != "null" {
				h.Add(k, v)
			}
		}
	}
	return h
}
