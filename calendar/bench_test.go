package calendar_test

import (
	"bytes"
	"io"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/calendar"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// benchSeries is the number of recurring series in the benchmarks' calendar.
const benchSeries = 200

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

// replay answers every request with a recorded page: the client's own cost.
type replay struct{ pages map[string][]byte }

func (r *replay) RoundTrip(req *http.Request) (*http.Response, error) {
	body := r.pages[req.URL.String()]
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req}, nil
}

func benchSandbox(b *testing.B) *sandbox.Server {
	return o365test.NewSandbox(b, o365test.WithSeedSize(sandbox.SeedSize{Knobs: map[string]int{"calendar.seriesPerUser": benchSeries}}))
}

// BenchmarkCalendarViewYear lists a year of a calendar holding 200
// recurring series, in pages of 1,000, client and in-process sandbox
// together.
func BenchmarkCalendarViewYear(b *testing.B) {
	srv := benchSandbox(b)
	benchView(b, schedule(b, srv, graph, sandbox.DemoUser, o365.WithHTTPClient(&http.Client{})))
}

// BenchmarkCalendarViewYearClientOnly lists the same year from recorded
// pages: decoding, binding and paging in the library alone.
func BenchmarkCalendarViewYearClientOnly(b *testing.B) {
	srv := benchSandbox(b)
	rec := &recorder{pages: map[string][]byte{}}
	if n := countView(b, schedule(b, srv, graph, sandbox.DemoUser, o365.WithHTTPClient(&http.Client{Transport: rec}))); n < benchSeries {
		b.Fatalf("listed %d", n)
	}
	benchView(b, schedule(b, srv, graph, sandbox.DemoUser, o365.WithHTTPClient(&http.Client{Transport: &replay{pages: rec.pages}})))
}

func benchView(b *testing.B, s *calendar.Schedule) {
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	total := 0
	start := time.Now()
	for b.Loop() {
		total += countView(b, s)
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(total), "ns/occurrence")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(total), "allocs/occurrence")
	b.ReportMetric(float64(total)/float64(b.N), "occurrences")
}

func countView(b testing.TB, s *calendar.Schedule) int {
	n := 0
	from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	for ev, err := range s.CalendarView(b.Context(), from, to, o365.NewQuery().Top(1000)) {
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ev.StartTime(); err != nil {
			b.Fatal(err)
		}
		n++
	}
	return n
}
