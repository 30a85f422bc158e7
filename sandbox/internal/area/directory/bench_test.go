package directory_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

// benchGET serves path through the full handler (faults, auth, routing,
// store, JSON) without a network round trip.
func benchGET(b *testing.B, ts *sandboxtest.Server, path string) {
	tok := ts.AliceToken(b)
	h := ts.Engine.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("ConsistencyLevel", "eventual")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", path, w.Code, w.Body)
		}
		io.Copy(io.Discard, w.Body)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/req")
}

func BenchmarkPointRead(b *testing.B) {
	ts := sandboxtest.New(b, sandboxtest.Options{})
	benchGET(b, ts, "/v1.0/users/"+demo.BobID)
}

func BenchmarkPageOf100(b *testing.B) {
	ts := sandboxtest.New(b, sandboxtest.Options{Sizes: map[string]int{"directory.extraUsers": 500}})
	benchGET(b, ts, "/v1.0/users?$top=100")
}

func BenchmarkPageOf100Filtered(b *testing.B) {
	ts := sandboxtest.New(b, sandboxtest.Options{Sizes: map[string]int{"directory.extraUsers": 500}})
	benchGET(b, ts, "/v1.0/users?$top=100&$filter=startswith(displayName,'User')&$count=true")
}
