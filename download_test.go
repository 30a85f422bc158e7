package o365

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// cdn serves data as a pre-authenticated download host: it refuses a bearer
// token, honours Range unless ignoreRange, and lets cut end a response after
// that many bytes by dropping the connection.
type cdn struct {
	data        []byte
	ignoreRange bool
	cut         func(n int) int // bytes to send before dropping request n (0: all)
	// service makes it serve as the service itself, which takes the token.
	service bool
}

func (c *cdn) handler(t *testing.T) func(w http.ResponseWriter, r *http.Request, n int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Header.Get("Authorization") != "" && !c.service {
			t.Errorf("bearer token sent to the download host")
			w.WriteHeader(401)
			return
		}
		body, status := c.data, 200
		if rg := r.Header.Get("Range"); rg != "" && !c.ignoreRange {
			var from, to int
			if _, err := fmt.Sscanf(rg, "bytes=%d-%d", &from, &to); err != nil {
				to = len(c.data) - 1
				if _, err := fmt.Sscanf(rg, "bytes=%d-", &from); err != nil {
					w.WriteHeader(400)
					return
				}
			}
			to = min(to, len(c.data)-1)
			body, status = c.data[from:to+1], http.StatusPartialContent
			w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", from, to, len(c.data)))
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(status)
		if c.cut != nil {
			if k := c.cut(n); k > 0 {
				w.Write(body[:k])
				w.(http.Flusher).Flush()
				conn, _, _ := w.(http.Hijacker).Hijack()
				conn.Close()
				return
			}
		}
		w.Write(body)
	}
}

// graphWithRedirect is the service: /content redirects to the CDN.
func graphWithRedirect(t *testing.T, target string) *recorder {
	return newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, target+"/dl/file.bin?tempauth=secret", http.StatusFound)
	})
}

func TestDownloadRedirectsWithoutBearer(t *testing.T) {
	c := &cdn{data: content(5000)}
	files := newRecorder(t, c.handler(t))
	graph := graphWithRedirect(t, files.URL)
	a := newTestAccount(t, graph.URL)
	var buf bytes.Buffer
	n, err := a.Download(context.Background(), &Request{Path: "drive/items/1/content"}, &buf)
	if err != nil || n != 5000 || !bytes.Equal(buf.Bytes(), c.data) {
		t.Fatalf("n %d, err %v", n, err)
	}
	g := graph.requests()
	if len(g) != 1 || g[0].URI != "/v1.0/me/drive/items/1/content" || g[0].Header.Get("Authorization") != "Bearer tok-123" {
		t.Errorf("service requests %+v", g)
	}
	f := files.requests()
	if len(f) != 1 || f[0].Method != "GET" || f[0].URI != "/dl/file.bin?tempauth=secret" || f[0].Header.Get("Authorization") != "" ||
		f[0].Header.Get("Range") != "" || f[0].Header.Get("Accept") != "*/*" {
		t.Errorf("download requests %+v", f)
	}
}

// Download goes through the request path's 401 handling: an expired token is
// refreshed once and the request replayed, as Do does.
func TestDownloadRefreshesTokenAfter401(t *testing.T) {
	c := &cdn{data: content(5000)}
	files := newRecorder(t, c.handler(t))
	graph := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Header.Get("Authorization") != "Bearer fresh" {
			w.WriteHeader(401)
			io.WriteString(w, `{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired."}}`)
			return
		}
		http.Redirect(w, r, files.URL+"/dl/file.bin?tempauth=secret", http.StatusFound)
	})
	src := &refreshingSource{current: "stale"}
	a := newTestAccount(t, graph.URL, WithTokenSource(src))
	var buf bytes.Buffer
	n, err := a.Download(context.Background(), &Request{Path: "drive/items/1/content"}, &buf)
	if err != nil || n != 5000 || !bytes.Equal(buf.Bytes(), c.data) {
		t.Fatalf("n %d, err %v", n, err)
	}
	if src.refreshes != 1 || len(graph.requests()) != 2 || len(files.requests()) != 1 {
		t.Fatalf("refreshes %d, service requests %d, download requests %d", src.refreshes, len(graph.requests()), len(files.requests()))
	}

	// A token the service keeps refusing gets one refresh, then ErrUnauthorized.
	always := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(401) })
	src2 := &refreshingSource{current: "stale"}
	b := newTestAccount(t, always.URL, WithTokenSource(src2))
	if _, err := b.Download(context.Background(), &Request{Path: "drive/items/1/content"}, io.Discard); !errors.Is(err, ErrUnauthorized) || src2.refreshes != 1 || len(always.requests()) != 2 {
		t.Fatalf("err %v, refreshes %d, requests %d", err, src2.refreshes, len(always.requests()))
	}
}

func TestDownloadResumesAfterCut(t *testing.T) {
	c := &cdn{data: content(100_000), cut: func(n int) int {
		return map[int]int{1: 40_000, 2: 30_000}[n]
	}}
	files := newRecorder(t, c.handler(t))
	graph := graphWithRedirect(t, files.URL)
	a := newTestAccount(t, graph.URL)
	var buf bytes.Buffer
	var last [2]int64
	calls := 0
	n, err := a.Download(context.Background(), &Request{Path: "drive/items/1/content"}, &buf, DownloadProgress(func(written, total int64) {
		if written < last[0] {
			t.Errorf("progress went back: %d after %d", written, last[0])
		}
		last = [2]int64{written, total}
		calls++
	}))
	if err != nil || n != 100_000 || !bytes.Equal(buf.Bytes(), c.data) {
		t.Fatalf("n %d, err %v", n, err)
	}
	if last != [2]int64{100_000, 100_000} || calls < 3 {
		t.Errorf("last progress %v after %d calls", last, calls)
	}
	if len(graph.requests()) != 1 {
		t.Errorf("the service was asked %d times; resumes go to the download URL", len(graph.requests()))
	}
	var ranges []string
	for _, r := range files.requests() {
		ranges = append(ranges, r.Header.Get("Range"))
		if r.URI != "/dl/file.bin?tempauth=secret" || r.Header.Get("Authorization") != "" {
			t.Errorf("request %s %v", r.URI, r.Header)
		}
	}
	if want := []string{"", "bytes=40000-", "bytes=70000-"}; !reflect.DeepEqual(ranges, want) {
		t.Errorf("ranges %q, want %q", ranges, want)
	}
}

func TestDownloadRangeIgnoredOnResume(t *testing.T) {
	data := content(10_000)
	newServer := func() *recorder {
		c := &cdn{data: data, ignoreRange: true, cut: func(n int) int {
			if n == 1 {
				return 4000
			}
			return 0
		}}
		return newRecorder(t, c.handler(t))
	}

	// A file can start over: it is truncated back to where the download began.
	files := newServer()
	a := newTestAccount(t, files.URL)
	path := filepath.Join(t.TempDir(), "out")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.WriteString("HDR")
	n, err := a.Download(context.Background(), &Request{Path: files.URL + "/dl", NoAuth: true}, f)
	if err != nil || n != 10_000 {
		t.Fatalf("n %d, err %v", n, err)
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, append([]byte("HDR"), data...)) {
		t.Errorf("file holds %d bytes", len(got))
	}

	// A plain writer cannot.
	files = newServer()
	a = newTestAccount(t, files.URL)
	var buf bytes.Buffer
	n, err = a.Download(context.Background(), &Request{Path: files.URL + "/dl", NoAuth: true}, &buf)
	if !errors.Is(err, ErrRangeIgnored) || n != 4000 || len(files.requests()) != 2 {
		t.Errorf("n %d, err %v, %d requests", n, err, len(files.requests()))
	}
}

func TestDownloadRange(t *testing.T) {
	data := content(1000)
	for _, ignore := range []bool{false, true} {
		c := &cdn{data: data, ignoreRange: ignore, service: true}
		files := newRecorder(t, c.handler(t))
		a := newTestAccount(t, files.URL)
		var buf bytes.Buffer
		var total int64
		n, err := a.Download(context.Background(), &Request{Path: "/drives/d/items/i/content"}, &buf,
			DownloadRange(100, 50), DownloadProgress(func(_, t int64) { total = t }))
		if err != nil || n != 50 || !bytes.Equal(buf.Bytes(), data[100:150]) || total != 50 {
			t.Errorf("ignoreRange=%v: n %d, err %v, total %d", ignore, n, err, total)
		}
		r := files.requests()[0]
		if r.URI != "/v1.0/drives/d/items/i/content" || r.Header.Get("Range") != "bytes=100-149" || r.Header.Get("Authorization") != "Bearer tok-123" {
			t.Errorf("request %s %v", r.URI, r.Header)
		}
	}

	// To the end, from an offset.
	c := &cdn{data: data, service: true}
	files := newRecorder(t, c.handler(t))
	a := newTestAccount(t, files.URL)
	var buf bytes.Buffer
	if n, err := a.Download(context.Background(), &Request{Path: "x"}, &buf, DownloadRange(990, 0)); err != nil || n != 10 || !bytes.Equal(buf.Bytes(), data[990:]) {
		t.Errorf("tail: %d %v", n, err)
	}
	if h := files.requests()[0].Header.Get("Range"); h != "bytes=990-" {
		t.Errorf("Range %q", h)
	}
}

func TestDownloadFailures(t *testing.T) {
	// A wrong Content-Range is not written and not retried.
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Range", "bytes 5-9/10")
		w.WriteHeader(206)
		io.WriteString(w, "56789")
	})
	a := newTestAccount(t, srv.URL)
	var buf bytes.Buffer
	if _, err := a.Download(context.Background(), &Request{Path: "x"}, &buf, DownloadRange(2, 0)); err == nil || buf.Len() != 0 || len(srv.requests()) != 1 {
		t.Errorf("bad range: %v, wrote %d, %d requests", err, buf.Len(), len(srv.requests()))
	}

	// Service errors: 404 is final, 503 is retried.
	srv = newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.HasSuffix(r.URL.Path, "/busy") && n == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(503)
			return
		}
		if strings.HasSuffix(r.URL.Path, "/gone") {
			w.WriteHeader(404)
			io.WriteString(w, `{"error":{"code":"itemNotFound","message":"nope"}}`)
			return
		}
		io.WriteString(w, "ok")
	})
	a = newTestAccount(t, srv.URL)
	buf.Reset()
	if n, err := a.Download(context.Background(), &Request{Path: "busy"}, &buf); err != nil || n != 2 || buf.String() != "ok" {
		t.Errorf("busy: %d %v", n, err)
	}
	_, err := a.Download(context.Background(), &Request{Path: "gone"}, &buf)
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrNotFound) || e.Code != "itemNotFound" || len(srv.requests()) != 3 {
		t.Errorf("gone: %v after %d requests", err, len(srv.requests()))
	}

	// A failing writer ends the download at once.
	if _, err := a.Download(context.Background(), &Request{Path: "x"}, fullDisk{}); err == nil || !strings.Contains(err.Error(), "disk full") || len(srv.requests()) != 4 {
		t.Errorf("writer failure: %v", err)
	}
	if _, err := a.Download(context.Background(), &Request{Method: "POST", Path: "x"}, &buf); err == nil {
		t.Error("POST download: no error")
	}
}

type fullDisk struct{}

func (fullDisk) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func FuzzParseContentRange(f *testing.F) {
	for _, s := range []string{"bytes 0-9/10", "bytes 5-9/*", "bytes */10", "bytes 9-5/10", "bytes -1-2/3", "items 0-1/2", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start, total, err := parseContentRange(s)
		if err == nil && (start < 0 || (total >= 0 && start >= total)) {
			t.Errorf("%q: start %d total %d", s, start, total)
		}
	})
}

func BenchmarkDownload100MB(b *testing.B) {
	const size = 100 << 20
	chunk := make([]byte, 1<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(size))
		for range size / len(chunk) {
			w.Write(chunk)
		}
	}))
	defer srv.Close()
	a, err := New(WithProtocol(testProtocol(srv.URL)), WithTokenSource(StaticToken("t")))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if n, err := a.Download(context.Background(), &Request{Path: "drive/items/1/content"}, io.Discard); err != nil || n != size {
			b.Fatal(n, err)
		}
	}
}
