package drive_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/o365go/o365"
	"github.com/o365go/o365/drive"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// dropOnce lets the sandbox process the first request matching a rule, then
// loses the answer, as a connection reset after the work was done would.
type dropOnce struct {
	base  http.RoundTripper
	mu    sync.Mutex
	rules map[string]int // "METHOD path-suffix" -> answers still to drop
	hits  int
}

func (l *dropOnce) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for rule, left := range l.rules {
		method, suffix, _ := strings.Cut(rule, " ")
		if left > 0 && r.Method == method && strings.HasSuffix(r.URL.Path, suffix) {
			l.rules[rule] = left - 1
			l.hits++
			resp.Body.Close()
			return nil, errors.New("simulated connection reset after the server processed the request")
		}
	}
	return resp, nil
}

// Creating a folder whose answer is lost makes one folder, not two, and
// reports success.
func TestCreateFolderExactlyOnce(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	lossy := &dropOnce{base: srv.Client().Transport, rules: map[string]int{"POST /children": 1}}
	d := drive.New(o365test.NewAccount(t, srv, sandbox.DemoUser, o365.WithHTTPClient(&http.Client{Transport: lossy})))
	f, err := d.Root().CreateFolder(ctx, "Once", nil)
	must(t, err)
	if lossy.hits != 1 || f.Name != "Once" {
		t.Fatalf("hits %d, folder %+v", lossy.hits, f)
	}
	kids := collect(t, d.ListChildren(ctx, "/", nil, nil))
	count := 0
	for _, k := range kids {
		if strings.HasPrefix(k.Name, "Once") {
			count++
		}
	}
	if count != 1 {
		t.Fatalf("%d folders named Once*: %v", count, names(kids))
	}
}

// A service whose hash differs from the bytes is caught, both ways.
func TestHashMismatch(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPut:
			io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"id":"1","name":"a.txt","size":4,"file":{"hashes":{"quickXorHash":"AAAAAAAAAAAAAAAAAAAAAAAAAAA="}},"parentReference":{"driveId":"d"}}`)
		case strings.HasSuffix(r.URL.Path, "/content"):
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "evil")
		default:
			io.WriteString(w, `{"id":"1","name":"a.txt","size":4,"file":{"hashes":{"quickXorHash":"`+quickXor([]byte("data"))+`"}},"parentReference":{"driveId":"d"}}`)
		}
	}))
	t.Cleanup(srv.Close)
	p := o365.Graph()
	p.BaseURL = srv.URL + "/"
	acct, err := o365.New(o365.WithProtocol(p), o365.WithTokenSource(o365.StaticToken("t")))
	must(t, err)
	d := drive.New(acct)
	ctx := ctxT(t)
	var mismatch *drive.HashMismatchError
	_, err = d.Upload(ctx, "/a.txt", bytes.NewReader([]byte("data")), 4, nil)
	if !errors.As(err, &mismatch) || !errors.Is(err, drive.ErrHashMismatch) || mismatch.Algorithm != "quickXorHash" {
		t.Fatalf("upload: %v", err)
	}
	_, err = d.Download(ctx, "/a.txt", io.Discard, nil)
	if !errors.Is(err, drive.ErrHashMismatch) {
		t.Fatalf("download: %v", err)
	}
	file := t.TempDir() + "/a.txt"
	if _, err := d.DownloadFile(ctx, "/a.txt", file, nil); !errors.Is(err, drive.ErrHashMismatch) {
		t.Fatalf("download to a file: %v", err)
	}
	if _, err := os.Stat(file); err == nil {
		t.Fatal("a corrupt download was kept under the final name")
	}
	if _, err := d.Download(ctx, "/a.txt", io.Discard, &drive.DownloadOptions{SkipHashCheck: true}); err != nil {
		t.Fatal(err)
	}
}
