package mail_test

import (
	"bytes"
	"io"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/mail"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

const benchMessages = 10000

// BenchmarkListMessages lists 10,000 messages in pages of 999, end to end
// against the in-process sandbox (client and server in one process: the
// per-message figures include the server's work).
func BenchmarkListMessages(b *testing.B) {
	srv := o365test.NewSandbox(b, o365test.WithSeedSize(sandbox.SeedSize{MessagesPerInbox: benchMessages}))
	benchList(b, mailbox(b, srv, graph, sandbox.DemoUser, o365.WithHTTPClient(&http.Client{})))
}

// replay answers every request with a recorded page: the client's own cost.
type replay struct {
	pages map[string][]byte
}

func (r *replay) RoundTrip(req *http.Request) (*http.Response, error) {
	body := r.pages[req.URL.String()]
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req}, nil
}

// recorder keeps every answer of the sandbox.
type recorder struct {
	mu    sync.Mutex
	pages map[string][]byte
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.pages[req.URL.String()] = data
	r.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	return resp, nil
}

// BenchmarkListMessagesClientOnly lists the same 10,000 messages from
// recorded pages: decoding, binding and paging in the library alone.
func BenchmarkListMessagesClientOnly(b *testing.B) {
	srv := o365test.NewSandbox(b, o365test.WithSeedSize(sandbox.SeedSize{MessagesPerInbox: benchMessages}))
	rec := &recorder{pages: map[string][]byte{}}
	warm := mailboxFor(b, srv, &http.Client{Transport: rec})
	if n := countInbox(b, warm); n < benchMessages {
		b.Fatalf("listed %d", n)
	}
	benchList(b, mailboxFor(b, srv, &http.Client{Transport: &replay{pages: rec.pages}}))
}

// mailboxFor is Alice's mailbox over client.
func mailboxFor(b testing.TB, srv *sandbox.Server, client *http.Client) *mail.Mailbox {
	return mailbox(b, srv, graph, sandbox.DemoUser, o365.WithHTTPClient(client))
}

func benchList(b *testing.B, m *mail.Mailbox) {
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	total := 0
	start := time.Now()
	for b.Loop() {
		total += countInbox(b, m)
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(total), "ns/msg")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(total), "allocs/msg")
	b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(total), "B/msg")
}

func countInbox(b testing.TB, mb *mail.Mailbox) int {
	n := 0
	for _, err := range mb.Inbox().ListMessages(b.Context(), o365.NewQuery().Top(999)) {
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
	return n
}

// patternReader is size bytes of a repeating pattern, readable at any
// offset, without holding them in memory.
type patternReader struct{ size int64 }

func (p patternReader) ReadAt(b []byte, off int64) (int, error) {
	if off >= p.size {
		return 0, io.EOF
	}
	n := min(int64(len(b)), p.size-off)
	for i := range n {
		b[i] = byte((off + i) % 251)
	}
	if n < int64(len(b)) {
		return int(n), io.EOF
	}
	return int(n), nil
}

// BenchmarkUploadAttachment100MB sends a message with a 100 MB attachment
// through an upload session to the sandbox and reports the peak Go heap in
// use during the upload (client and in-process server together).
func BenchmarkUploadAttachment100MB(b *testing.B) {
	const size = 100 << 20
	srv := o365test.NewSandbox(b)
	mb := mailbox(b, srv, graph, sandbox.DemoUser)
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
			}
		}
	}()
	b.ReportAllocs()
	b.SetBytes(size)
	for b.Loop() {
		msg := mb.NewMessage()
		msg.Subject = "big"
		if err := msg.AddTo(sandbox.DemoUser); err != nil {
			b.Fatal(err)
		}
		if _, err := msg.AttachReader("big.bin", io.NewSectionReader(patternReader{size}, 0, size), size); err != nil {
			b.Fatal(err)
		}
		if err := msg.Save(b.Context()); err != nil {
			b.Fatal(err)
		}
		if msg.Attachments[0].ID == "" {
			b.Fatal("no attachment id")
		}
	}
	close(stop)
	<-done
	b.ReportMetric(float64(peak.Load()-min(peak.Load(), base.HeapInuse))/(1<<20), "peak-heap-MB")
}
