package cli

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// inProcess is an http.RoundTripper that hands requests for host to a
// handler in this process, as if they had come over a TLS connection: the
// embedded sandbox answers without listening on any port. So no port can be
// taken by something else, nothing else on the machine can reach it, and
// runs at the same time each serve themselves from the shared database under
// the same address (which keys the cached sign-in).
//
// Answers stream: the body is piped from the handler as it writes, so large
// downloads take constant memory. A handler that aborts (http.ErrAbortHandler,
// or hijacking, which is not supported) looks like a connection reset.
type inProcess struct {
	host    string // "127.0.0.1:5366"
	handler http.Handler
}

// errInProcessReset is what the client sees when the handler drops the
// "connection": the sandbox's reset and drop faults.
var errInProcessReset = &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}

// serves reports whether host names the embedded sandbox: its address, or
// its port under loopback's other name (127.0.0.1 <-> localhost), where the
// sandbox puts pre-authenticated URLs (downloads, upload sessions), as
// Graph puts them on another host than its API.
func (t *inProcess) serves(host string) bool {
	if strings.EqualFold(host, t.host) {
		return true
	}
	h, port, err := net.SplitHostPort(host)
	mh, mport, merr := net.SplitHostPort(t.host)
	if err != nil || merr != nil || port != mport {
		return false
	}
	loopback := func(name string) bool {
		return strings.EqualFold(name, "localhost") || name == "127.0.0.1" || name == "::1"
	}
	return loopback(h) && loopback(mh)
}

// RoundTrip serves req with the handler.
func (t *inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	if !t.serves(req.URL.Host) {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("the embedded sandbox serves %s only, not %s", t.host, req.URL.Host)
	}
	ctx := req.Context()
	sreq := req.Clone(ctx)
	sreq.URL = &url.URL{Path: req.URL.Path, RawPath: req.URL.RawPath, RawQuery: req.URL.RawQuery}
	sreq.RequestURI = req.URL.RequestURI()
	sreq.Host = req.URL.Host
	sreq.RemoteAddr = "127.0.0.1:1"
	sreq.Proto, sreq.ProtoMajor, sreq.ProtoMinor = "HTTP/1.1", 1, 1
	host, _, _ := net.SplitHostPort(req.URL.Host)
	sreq.TLS = &tls.ConnectionState{Version: tls.VersionTLS13, HandshakeComplete: true, ServerName: host}
	if sreq.Body == nil {
		sreq.Body = http.NoBody
	}

	pr, pw := io.Pipe()
	w := &pipeResponse{header: http.Header{}, body: pw, head: req.Method == http.MethodHead, ready: make(chan struct{})}
	go w.serve(t.handler, sreq, req.Body)
	select {
	case <-w.ready:
	case <-ctx.Done():
		pr.CloseWithError(ctx.Err())
		return nil, ctx.Err()
	}
	if w.failed {
		pr.Close()
		return nil, errInProcessReset
	}
	resp := &http.Response{
		Status:        strconv.Itoa(w.status) + " " + http.StatusText(w.status),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        w.sent,
		Body:          pr,
		ContentLength: -1,
		Request:       req,
		TLS:           sreq.TLS,
	}
	if n, err := strconv.ParseInt(w.sent.Get("Content-Length"), 10, 64); err == nil {
		resp.ContentLength = n
	}
	if req.Method == http.MethodHead {
		resp.Body = http.NoBody
		pr.Close()
	}
	return resp, nil
}

// pipeResponse is the http.ResponseWriter of an in-process request.
type pipeResponse struct {
	header http.Header
	body   *io.PipeWriter
	head   bool // a HEAD request: the body is discarded

	once   sync.Once
	ready  chan struct{} // closed when the head is written or the handler fails first
	status int
	sent   http.Header // the headers as they were when the head was written
	failed bool        // no head: the connection "broke" first
}

func (w *pipeResponse) Header() http.Header { return w.header }

func (w *pipeResponse) WriteHeader(code int) {
	if code >= 100 && code < 200 {
		return // informational answers are not passed on
	}
	w.once.Do(func() {
		w.status, w.sent = code, w.header.Clone()
		close(w.ready)
	})
}

func (w *pipeResponse) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	if w.head {
		return len(p), nil
	}
	return w.body.Write(p)
}

// Flush does nothing: every Write reaches the reader at once.
func (w *pipeResponse) Flush() {}

// serve runs the handler and ends the body (or the exchange) when it
// returns or aborts.
func (w *pipeResponse) serve(h http.Handler, r *http.Request, reqBody io.Closer) {
	defer func() {
		if reqBody != nil {
			reqBody.Close()
		}
		if v := recover(); v != nil {
			// http.ErrAbortHandler, a panic, or the hijack the sandbox's
			// faults ask for: the connection is gone.
			w.once.Do(func() {
				w.failed = true
				close(w.ready)
			})
			w.body.CloseWithError(errInProcessReset)
			return
		}
		w.WriteHeader(http.StatusOK)
		w.body.Close()
	}()
	h.ServeHTTP(w, r)
}
