package drive_test

import (
	"bytes"
	"errors"
	"fmt"
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

// loseLastChunk lets the sandbox store an upload's last fragment (which
// completes the file and closes the session), then loses its answer.
type loseLastChunk struct {
	base http.RoundTripper
	mu   sync.Mutex
	lost int
}

func (l *loseLastChunk) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.base.RoundTrip(r)
	if err != nil || r.Method != http.MethodPut {
		return resp, err
	}
	var start, end, total int64
	if _, serr := fmt.Sscanf(r.Header.Get("Content-Range"), "bytes %d-%d/%d", &start, &end, &total); serr != nil || end != total-1 {
		return resp, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lost++
	resp.Body.Close()
	return nil, errors.New("simulated connection reset after the last fragment was stored")
}

// An upload whose last fragment's answer is lost (the session is gone when
// asked where to resume) finds the file it created, replacing an older one
// of the same name, and reports it: one file, the new bytes, no error.
func TestUploadLastAnswerLost(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	lossy := &loseLastChunk{base: srv.Client().Transport}
	d := drive.New(o365test.NewAccount(t, srv, sandbox.DemoUser, o365.WithHTTPClient(&http.Client{Transport: lossy})))
	_, err := d.Upload(ctx, "/Lost/report.bin", bytes.NewReader([]byte("the old version")), 15, nil)
	must(t, err)

	data := bytes.Repeat([]byte("0123456789abcdef"), 700<<10/16)
	var last [2]int64
	it, err := d.Upload(ctx, "/Lost/report.bin", bytes.NewReader(data), int64(len(data)), &drive.UploadOptions{
		SimpleLimit: -1, ChunkSize: 320 << 10, Progress: func(sent, total int64) { last = [2]int64{sent, total} },
	})
	must(t, err)
	if lossy.lost != 1 || it.Size != int64(len(data)) || it.File.Hashes.QuickXorHash != quickXor(data) || it.Path() == "" {
		t.Fatalf("lost %d answers; item %+v", lossy.lost, it)
	}
	if last != [2]int64{int64(len(data)), int64(len(data))} {
		t.Errorf("last progress %v", last)
	}
	var got bytes.Buffer
	_, err = d.Download(ctx, "/Lost/report.bin", &got, nil)
	must(t, err)
	kids := collect(t, d.ListChildren(ctx, "/Lost", nil, nil))
	if !bytes.Equal(got.Bytes(), data) || len(kids) != 1 {
		t.Fatalf("%d bytes downloaded, children %v", got.Len(), names(kids))
	}
}
