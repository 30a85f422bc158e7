package core

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/google/uuid"
)

// maxBatchRequests is Graph's limit of requests in one $batch.
const maxBatchRequests = 20

type batchRequest struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	Body      json.RawMessage   `json:"body"`
	DependsOn []string          `json:"dependsOn"`
}

type batchResponse struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    any               `json:"body"`
}

// serveBatch answers POST /{root}/$batch: it checks the envelope (400 when
// malformed), then runs each request through the whole handler chain
// (faults, authentication, permissions) in dependency order. A request
// whose dependency failed gets 424 without running.
func (s *Engine) serveBatch(w http.ResponseWriter, r *http.Request, root apiRoot) {
	fail := func(e *Error) { writeError(w, s.now(), e) }
	c := &Call{W: w, R: r, s: s, root: apiRoot{Path: root.Path, Dialect: dialectGraph}}
	var env struct {
		Requests []batchRequest `json:"requests"`
	}
	if err := c.Decode(&env); err != nil {
		fail(asError(err))
		return
	}
	order, aerr := checkBatch(env.Requests)
	if aerr != nil {
		fail(aerr)
		return
	}
	status := map[string]int{}
	var out []batchResponse
	for _, i := range order {
		req := env.Requests[i]
		key := strings.ToLower(req.ID)
		var failedDep string
		for _, d := range req.DependsOn {
			if status[strings.ToLower(d)] >= 400 {
				failedDep = d
				break
			}
		}
		var resp batchResponse
		if failedDep != "" {
			resp = s.failedDependency(req, failedDep)
		} else {
			resp = s.runBatchItem(r, root, req)
		}
		status[key] = resp.Status
		out = append(out, resp)
	}
	_ = writeJSON(w, dialectGraph, http.StatusOK, map[string]any{"responses": out})
}

// checkBatch validates the requests and returns an execution order in
// which every request comes after the ones it depends on.
func checkBatch(reqs []batchRequest) ([]int, *Error) {
	if len(reqs) == 0 {
		return nil, BadRequest("The batch has no requests; send {\"requests\":[...]} with 1 to %d requests.", maxBatchRequests)
	}
	if len(reqs) > maxBatchRequests {
		return nil, BadRequest("The batch has %d requests; the limit is %d. Split it into several batches.", len(reqs), maxBatchRequests)
	}
	index := map[string]int{}
	for i, q := range reqs {
		if q.ID == "" {
			return nil, BadRequest("Request %d of the batch has no id.", i+1)
		}
		key := strings.ToLower(q.ID)
		if _, dup := index[key]; dup {
			return nil, BadRequest("Batch request id '%s' is used more than once; ids are compared without regard to case and must be unique.", q.ID)
		}
		index[key] = i
		switch strings.ToUpper(q.Method) {
		case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		default:
			return nil, BadRequest("Batch request '%s' has method '%s'; use GET, POST, PUT, PATCH or DELETE.", q.ID, q.Method)
		}
		if q.URL == "" || strings.Contains(q.URL, "://") || strings.HasPrefix(q.URL, "//") {
			return nil, BadRequest("Batch request '%s' needs a relative url such as /me or users?$top=5.", q.ID)
		}
		if len(q.Body) > 0 && string(q.Body) != "null" && headerValue(q.Headers, "Content-Type") == "" {
			return nil, BadRequest("Batch request '%s' has a body but no Content-Type header.", q.ID)
		}
	}
	for _, q := range reqs {
		for _, d := range q.DependsOn {
			if _, ok := index[strings.ToLower(d)]; !ok || strings.EqualFold(d, q.ID) {
				return nil, BadRequest("Batch request '%s' depends on '%s', which is not another request of the batch.", q.ID, d)
			}
		}
	}
	// Kahn's algorithm; what is left over is a cycle.
	done := make([]bool, len(reqs))
	var order []int
	for len(order) < len(reqs) {
		progress := false
		for i, q := range reqs {
			if done[i] {
				continue
			}
			ready := true
			for _, d := range q.DependsOn {
				if !done[index[strings.ToLower(d)]] {
					ready = false
				}
			}
			if ready {
				done[i], progress = true, true
				order = append(order, i)
			}
		}
		if !progress {
			return nil, BadRequest("The dependsOn references of the batch form a cycle.")
		}
	}
	return order, nil
}

func headerValue(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// runBatchItem runs one request through the full handler chain.
func (s *Engine) runBatchItem(outer *http.Request, root apiRoot, q batchRequest) batchResponse {
	body, aerr := batchBody(q)
	if aerr != nil {
		return s.itemError(q.ID, aerr)
	}
	rel := strings.TrimPrefix(q.URL, "/")
	rel = strings.TrimPrefix(rel, root.Path+"/")
	if strings.EqualFold(strings.SplitN(rel, "?", 2)[0], "$batch") {
		return s.itemError(q.ID, BadRequest("A batch cannot contain another $batch request."))
	}
	ctx := context.WithValue(outer.Context(), batchItemKey{}, true)
	sub, err := http.NewRequestWithContext(ctx, strings.ToUpper(q.Method), "/"+root.Path+"/"+rel, bytes.NewReader(body))
	if err != nil {
		return s.itemError(q.ID, BadRequest("Batch request '%s' has an invalid url: %v.", q.ID, err))
	}
	sub.Host, sub.TLS, sub.RemoteAddr = outer.Host, outer.TLS, outer.RemoteAddr
	for k, v := range q.Headers {
		sub.Header.Set(k, v)
	}
	if a := outer.Header.Get("Authorization"); a != "" {
		sub.Header.Set("Authorization", a)
	}
	rec := newRecorder()
	s.serveHTTP(rec, sub)
	return rec.item(q.ID)
}

// batchBody is the request body of an item: a JSON value as is, or a
// base64 string for other content types.
func batchBody(q batchRequest) ([]byte, *Error) {
	if len(q.Body) == 0 || string(q.Body) == "null" {
		return nil, nil
	}
	mt, _, _ := mime.ParseMediaType(headerValue(q.Headers, "Content-Type"))
	if mt == "application/json" {
		return q.Body, nil
	}
	var b64 string
	if err := json.Unmarshal(q.Body, &b64); err != nil {
		return nil, BadRequest("The body of batch request '%s' is %s content and must be a base64 string.", q.ID, mt)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, BadRequest("The body of batch request '%s' is not valid base64.", q.ID)
	}
	return raw, nil
}

func (s *Engine) itemError(id string, e *Error) batchResponse {
	rec := newRecorder()
	rec.Header().Set("request-id", uuid.NewString())
	writeError(rec, s.now(), e)
	return rec.item(id)
}

func (s *Engine) failedDependency(q batchRequest, dep string) batchResponse {
	return s.itemError(q.ID, Errorf(http.StatusFailedDependency, "FailedDependency",
		"Request '%s' depends on request '%s', which failed.", q.ID, dep))
}

// recorder captures a sub-request's answer.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(p)
}

// ReadFrom keeps io.Copy from needing a buffer of its own.
func (r *recorder) ReadFrom(src io.Reader) (int64, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.ReadFrom(src)
}

func (r *recorder) item(id string) batchResponse {
	resp := batchResponse{ID: id, Status: r.status, Headers: map[string]string{}}
	if resp.Status == 0 {
		resp.Status = http.StatusOK
	}
	for k, v := range r.header {
		if k == "Content-Length" || len(v) == 0 {
			continue
		}
		resp.Headers[k] = v[0]
	}
	if r.body.Len() > 0 {
		mt, _, _ := mime.ParseMediaType(r.header.Get("Content-Type"))
		raw := r.body.Bytes()
		if mt == "application/json" && json.Valid(raw) {
			resp.Body = json.RawMessage(raw)
		} else {
			resp.Body = base64.StdEncoding.EncodeToString(raw)
		}
	}
	return resp
}
