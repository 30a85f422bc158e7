package calendar_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

// BenchmarkCalendarViewYear lists a year of Alice's calendar with 200
// recurring series of every pattern type (about 17,000 occurrences), every
// page of 1,000 through the handler: expansion, paging, presentation and
// JSON, per occurrence.
func BenchmarkCalendarViewYear(b *testing.B) {
	ts := sandboxtest.New(b, sandboxtest.Options{Sizes: map[string]int{"calendar.seriesPerUser": 200}})
	tok := ts.AliceToken(b)
	first := "/v1.0/me/calendarView?startDateTime=2026-01-01T00:00:00Z&endDateTime=2027-01-01T00:00:00Z&$top=1000"
	total := 0
	b.ReportAllocs()
	for b.Loop() {
		for path := first; path != ""; {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			w := httptest.NewRecorder()
			ts.Handler.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("%d %s", w.Code, w.Body)
			}
			var page struct {
				Value []json.RawMessage `json:"value"`
				Next  string            `json:"@odata.nextLink"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil {
				b.Fatal(err)
			}
			total += len(page.Value)
			path = page.Next
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(total), "ns/occurrence")
	b.ReportMetric(float64(total)/float64(b.N), "occurrences")
}
