package drive_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/drive"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// newDrive is the OneDrive of a demo user of srv, through rec when set.
func newDrive(t testing.TB, srv *sandbox.Server, user string, rec *recorder, opts ...o365.Option) *drive.Drive {
	t.Helper()
	if rec != nil {
		rec.base = srv.Client().Transport
		opts = append(opts, o365.WithHTTPClient(&http.Client{Transport: rec}))
	}
	return drive.New(o365test.NewAccount(t, srv, user, opts...))
}

// must fails the test on an error.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// collect gathers an iterator or fails the test.
func collect[T any](t testing.TB, seq func(func(*T, error) bool)) []*T {
	t.Helper()
	var out []*T
	for v, err := range seq {
		if err != nil {
			t.Fatalf("listing: %v", err)
		}
		out = append(out, v)
	}
	return out
}

// names are the items' names.
func names(items []*drive.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Name
	}
	return out
}

// exchange is one request a recorder saw.
type exchange struct {
	Method, Host, Path, Query string
	Auth                      bool
	Range, ContentRange       string
	Status                    int
	Bytes                     int64 // request body bytes
}

// recorder records every request and can inject sandbox faults: fault
// returns the X-Sandbox-Fault header to add to a request ("" for none).
type recorder struct {
	base  http.RoundTripper
	fault func(r *http.Request) string

	mu   sync.Mutex
	seen []exchange
}

func (rc *recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	if rc.fault != nil {
		if f := rc.fault(r); f != "" {
			r = r.Clone(r.Context())
			r.Header.Set("X-Sandbox-Fault", f)
		}
	}
	ex := exchange{Method: r.Method, Host: r.URL.Host, Path: r.URL.Path, Query: r.URL.RawQuery,
		Auth: r.Header.Get("Authorization") != "", Range: r.Header.Get("Range"), ContentRange: r.Header.Get("Content-Range"), Bytes: r.ContentLength}
	resp, err := rc.base.RoundTrip(r)
	if err == nil {
		ex.Status = resp.StatusCode
	}
	rc.mu.Lock()
	rc.seen = append(rc.seen, ex)
	rc.mu.Unlock()
	return resp, err
}

// requests returns what was seen so far whose path contains part.
func (rc *recorder) requests(part string) []exchange {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []exchange
	for _, e := range rc.seen {
		if strings.Contains(e.Path, part) {
			out = append(out, e)
		}
	}
	return out
}

// pattern is n bytes that vary from position to position, as a ReaderAt
// (no memory held: bytes are computed).
type pattern struct {
	n    int64
	seed byte
}

func (p pattern) ReadAt(b []byte, off int64) (int, error) {
	if off >= p.n {
		return 0, io.EOF
	}
	n := min(int64(len(b)), p.n-off)
	for i := range n {
		x := off + i
		b[i] = byte(x*7+x/251) ^ p.seed
	}
	if n < int64(len(b)) {
		return int(n), io.EOF
	}
	return int(n), nil
}

// bytes is the whole pattern in memory (small ones only).
func (p pattern) bytes() []byte {
	b := make([]byte, p.n)
	_, _ = p.ReadAt(b, 0)
	return b
}

// quickXor is the base64 quickXorHash of data.
func quickXor(data []byte) string {
	h := drive.NewQuickXorHash()
	h.Write(data)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// sameFile checks that file holds exactly p's bytes.
func sameFile(file string, p pattern) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, 1<<16)
	want := make([]byte, 1<<16)
	var off int64
	for {
		n, err := f.Read(buf)
		if n > 0 {
			p.ReadAt(want[:n], off)
			if !bytes.Equal(buf[:n], want[:n]) {
				return fmt.Errorf("%s differs from byte %d", file, off)
			}
			off += int64(n)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if off != p.n {
		return fmt.Errorf("%s has %d bytes, want %d", file, off, p.n)
	}
	return nil
}
