package drive_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/o365go/o365"
	"github.com/o365go/o365/drive"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// benchSize is the file size of the transfer benchmarks.
const benchSize = 64 << 20

// reportPerMB reports allocations and allocated bytes per MB moved, from
// the allocator's counters around the loop.
func reportPerMB(b *testing.B, before runtime.MemStats) {
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	mb := float64(benchSize) * float64(b.N) / 1e6
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/mb, "allocs/MB")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/mb, "B/MB")
}

// BenchmarkUpload uploads 64 MiB through an upload session (10 MiB
// fragments) to the sandbox on loopback (in memory): library and sandbox.
func BenchmarkUpload(b *testing.B) {
	srv := o365test.NewSandbox(b)
	d := newDrive(b, srv, sandbox.DemoUser, nil)
	src := pattern{n: benchSize, seed: 1}
	ctx := ctxT(b)
	b.SetBytes(benchSize)
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := 0; b.Loop(); i++ {
		if _, err := d.Upload(ctx, fmt.Sprintf("/bench-%d.bin", i), src, benchSize, nil); err != nil {
			b.Fatal(err)
		}
	}
	reportPerMB(b, before)
}

// BenchmarkDownload downloads 64 MiB from the sandbox on loopback, hash
// checked: library and sandbox.
func BenchmarkDownload(b *testing.B) {
	srv := o365test.NewSandbox(b)
	d := newDrive(b, srv, sandbox.DemoUser, nil)
	ctx := ctxT(b)
	src := pattern{n: benchSize, seed: 1}
	it, err := d.Upload(ctx, "/bench.bin", src, benchSize, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(benchSize)
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		if _, err := it.Download(ctx, io.Discard, nil); err != nil {
			b.Fatal(err)
		}
	}
	reportPerMB(b, before)
}

// bareServer answers just enough of Graph for the transfers, doing no work
// of its own, to measure the library alone: sessions whose fragments are
// read and dropped, and a download URL streaming the pattern.
func bareServer(b *testing.B) *httptest.Server {
	var srv *httptest.Server
	src := pattern{n: benchSize, seed: 1}
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/createUploadSession"):
			io.Copy(io.Discard, r.Body)
			fmt.Fprintf(w, `{"uploadUrl":%q,"nextExpectedRanges":["0-"]}`, srv.URL+"/up")
		case r.URL.Path == "/up":
			n, _ := io.Copy(io.Discard, r.Body)
			var start, end, total int64
			fmt.Sscanf(r.Header.Get("Content-Range"), "bytes %d-%d/%d", &start, &end, &total)
			if end+1 < total || start+n != total {
				w.WriteHeader(http.StatusAccepted)
				fmt.Fprintf(w, `{"nextExpectedRanges":["%d-"]}`, end+1)
				return
			}
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"id":"1","name":"bench.bin","size":%d,"file":{}}`, total)
		case r.URL.Path == "/dl":
			w.Header().Set("Content-Length", strconv.Itoa(benchSize))
			io.Copy(w, io.NewSectionReader(src, 0, benchSize))
		default:
			fmt.Fprintf(w, `{"id":"1","name":"bench.bin","size":%d,"file":{},"@microsoft.graph.downloadUrl":%q}`, benchSize, srv.URL+"/dl")
		}
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkTransferLibrary measures the library alone against bareServer.
func BenchmarkTransferLibrary(b *testing.B) {
	srv := bareServer(b)
	p := o365.Graph()
	p.BaseURL = srv.URL + "/"
	acct, err := o365.New(o365.WithProtocol(p), o365.WithTokenSource(o365.StaticToken("t")))
	if err != nil {
		b.Fatal(err)
	}
	d := drive.New(acct)
	ctx := ctxT(b)
	b.Run("upload", func(b *testing.B) {
		b.SetBytes(benchSize)
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		for b.Loop() {
			if _, err := d.Upload(ctx, "/bench.bin", pattern{n: benchSize, seed: 1}, benchSize, &drive.UploadOptions{SkipHashCheck: true}); err != nil {
				b.Fatal(err)
			}
		}
		reportPerMB(b, before)
	})
	b.Run("download", func(b *testing.B) {
		it, err := d.GetItemByPath(ctx, "/bench.bin", nil)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(benchSize)
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		for b.Loop() {
			if _, err := it.Download(ctx, io.Discard, nil); err != nil {
				b.Fatal(err)
			}
		}
		reportPerMB(b, before)
	})
}
