package core

import (
	"compress/gzip"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Answers are gzip-compressed when the client accepts it, as Graph's are:
// JSON and text of a kilobyte or more, and every streamed answer of those
// types. Not compressed: answers to Range requests and 206 partial
// content (byte offsets refer to the stored bytes), binary content (files,
// photos, attachments' $value), empty answers and $batch items (the
// envelope is compressed as a whole).

// minCompressed is the smallest answer of known length worth compressing.
const minCompressed = 1024

// gzipWriters are reused: a writer's state is ~800 KB. BestSpeed, since
// the sandbox's clients are mostly on the same machine and its CPU time
// is their wait.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return zw
}}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip
// (with a q-value above zero).
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for _, part := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			if coding != "gzip" && coding != "x-gzip" && coding != "*" {
				continue
			}
			q := 1.0
			if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
			return q > 0
		}
	}
	return false
}

// compressible reports whether content of this type is worth compressing.
func compressible(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return strings.HasPrefix(mt, "text/") || mt == "application/json" || strings.HasSuffix(mt, "+json") ||
		mt == "application/xml" || strings.HasSuffix(mt, "+xml") || mt == "message/rfc822"
}

// gzipResponse compresses an answer once its headers show it is worth it.
type gzipResponse struct {
	http.ResponseWriter
	zw      *gzip.Writer
	decided bool
}

// compressResponse wraps w when r accepts gzip and may have its answer
// compressed; the returned close function finishes the stream.
func compressResponse(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, func()) {
	if r.Method == http.MethodHead || r.Header.Get("Range") != "" || !acceptsGzip(r) ||
		r.Context().Value(batchItemKey{}) != nil {
		return w, func() {}
	}
	g := &gzipResponse{ResponseWriter: w}
	return g, g.close
}

// decide looks at the answer's status and headers, once, and starts
// compressing when they allow it.
func (g *gzipResponse) decide(status int) {
	g.decided = true
	h := g.Header()
	if status < 200 || status == http.StatusNoContent || status == http.StatusNotModified ||
		status == http.StatusPartialContent || h.Get("Content-Encoding") != "" || h.Get("Content-Range") != "" ||
		!compressible(h.Get("Content-Type")) {
		return
	}
	h.Add("Vary", "Accept-Encoding")
	if n, err := strconv.Atoi(h.Get("Content-Length")); err == nil && n < minCompressed {
		return
	}
	h.Del("Content-Length")
	h.Set("Content-Encoding", "gzip")
	g.zw = gzipWriters.Get().(*gzip.Writer)
	g.zw.Reset(g.ResponseWriter)
}

func (g *gzipResponse) WriteHeader(status int) {
	if !g.decided {
		g.decide(status)
	}
	g.ResponseWriter.WriteHeader(status)
}

func (g *gzipResponse) Write(p []byte) (int, error) {
	if !g.decided {
		g.WriteHeader(http.StatusOK)
	}
	if g.zw != nil {
		return g.zw.Write(p)
	}
	return g.ResponseWriter.Write(p)
}

// Flush sends what is compressed so far, for streamed answers.
func (g *gzipResponse) Flush() {
	if g.zw != nil {
		g.zw.Flush()
	}
	http.NewResponseController(g.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection (hijacking
// faults).
func (g *gzipResponse) Unwrap() http.ResponseWriter { return g.ResponseWriter }

func (g *gzipResponse) close() {
	if g.zw == nil {
		return
	}
	g.zw.Close()
	g.zw.Reset(nil)
	gzipWriters.Put(g.zw)
	g.zw = nil
}
