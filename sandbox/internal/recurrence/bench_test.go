package recurrence

import (
	"testing"
	"time"
)

// benchSeries builds n recurring series of every pattern type, in four
// zones, some with exceptions: the calendars of a busy tenant.
func benchSeries(b *testing.B, n int) []*Series {
	b.Helper()
	zones := []*time.Location{mustZone(b, "Europe/Berlin"), mustZone(b, "America/New_York"), mustZone(b, "Australia/Sydney"), mustZone(b, "Asia/Tokyo")}
	out := make([]*Series, 0, n)
	for i := range n {
		p := crossPatterns[i%len(crossPatterns)]
		loc := zones[i%len(zones)]
		start := time.Date(2023, 1, 10, 8+i%10, 15*(i%4), 0, 0, loc)
		rng := Range{Type: NoEnd, StartDate: Date{2023, time.Month(1 + i%12), 1 + i%28}}
		if i%3 == 0 {
			rng = Range{Type: Numbered, StartDate: rng.StartDate, NumberOfOccurrences: 500}
		}
		m := Master{Recurrence: PatternedRecurrence{p, rng}, Start: start, End: start.Add(30 * time.Minute)}
		s, err := NewSeries(m)
		if err != nil {
			b.Fatal(err)
		}
		if i%5 == 0 { // cancel one occurrence and move another
			var ex []Exception
			for o := range s.Between(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
				if len(ex) == 0 {
					ex = append(ex, Exception{OriginalStart: o.OriginalStart, Cancelled: true})
				} else {
					ex = append(ex, Exception{OriginalStart: o.OriginalStart, Start: o.Start.Add(10 * time.Minute), End: o.End.Add(10 * time.Minute)})
					break
				}
			}
			m.Exceptions = ex
			if s, err = NewSeries(m); err != nil {
				b.Fatal(err)
			}
		}
		out = append(out, s)
	}
	return out
}

// BenchmarkExpandYear200 expands a year of 200 recurring series: a
// calendarView over a year of a busy calendar.
func BenchmarkExpandYear200(b *testing.B) {
	all := benchSeries(b, 200)
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(1, 0, 0)
	total := 0
	b.ResetTimer()
	for b.Loop() {
		for _, s := range all {
			for range s.Between(from, to) {
				total++
			}
		}
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "occurrences/s")
	b.ReportMetric(float64(total)/float64(b.N), "occurrences/op")
}

// BenchmarkWeekView200 expands one week of 200 series far into their
// lives: the common calendarView request.
func BenchmarkWeekView200(b *testing.B) {
	all := benchSeries(b, 200)
	from := time.Date(2031, 6, 2, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 7)
	total := 0
	for b.Loop() {
		for _, s := range all {
			for range s.Between(from, to) {
				total++
			}
		}
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "occurrences/s")
}

// BenchmarkNewSeries200 compiles 200 series from their masters, as a
// request that reads them from the store does.
func BenchmarkNewSeries200(b *testing.B) {
	all := benchSeries(b, 200)
	masters := make([]Master, len(all))
	for i, s := range all {
		f := s.First()
		masters[i] = Master{Recurrence: s.Recurrence(), Start: f.Start, End: f.End, Exceptions: s.exceptions}
	}
	for b.Loop() {
		for _, m := range masters {
			if _, err := NewSeries(m); err != nil {
				b.Fatal(err)
			}
		}
	}
}
