package recurrence

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// series builds a series from Graph JSON, starting at hh:mm for an hour in
// zone, on the range's start date.
func series(t testing.TB, zone, body string, hh, mm int, exceptions ...Exception) *Series {
	t.Helper()
	rec, err := Parse([]byte(body))
	if err != nil {
		t.Fatalf("Parse(%s): %v", body, err)
	}
	loc := mustZone(t, zone)
	d := rec.Range.StartDate
	start := time.Date(d.Year, d.Month, d.Day, hh, mm, 0, 0, loc)
	s, err := NewSeries(Master{Recurrence: rec, Start: start, End: start.Add(time.Hour), Exceptions: exceptions})
	if err != nil {
		t.Fatalf("NewSeries(%s): %v", body, err)
	}
	return s
}

// newSeries compiles a series from a recurrence and the master's times.
func newSeries(t testing.TB, rec PatternedRecurrence, start, end time.Time, exceptions ...Exception) *Series {
	t.Helper()
	s, err := NewSeries(Master{Recurrence: rec, Start: start, End: end, Exceptions: exceptions})
	if err != nil {
		t.Fatalf("NewSeries: %v", err)
	}
	return s
}

// starts renders occurrence starts as wall clock and offset, one word each.
func starts(seq func(func(Occurrence) bool)) string {
	var out []string
	for o := range seq {
		out = append(out, o.Start.Format("2006-01-02T15:04Z07:00"))
	}
	return strings.Join(out, " ")
}

func dates(seq func(func(Occurrence) bool)) string {
	var out []string
	for o := range seq {
		out = append(out, o.Start.Format("2006-01-02"))
	}
	return strings.Join(out, " ")
}

func TestGraphDocumentationExamples(t *testing.T) {
	// "Meet from 1:00 PM to 1:30 PM every Monday starting September 4, 2017,
	// until the end of the year ... Because December 31, 2017, is on a
	// Sunday, the last occurrence in this series will be on Monday,
	// December 25." (Schedule repeating appointments as recurring events in
	// Outlook)
	s := series(t, "Pacific/Honolulu", `{"pattern":{"type":"weekly","interval":1,"daysOfWeek":["Monday"]},
		"range":{"type":"endDate","startDate":"2017-09-04","endDate":"2017-12-31"}}`, 13, 0)
	last, ok := s.Last()
	if !ok || last.OriginalDate != (Date{2017, 12, 25}) || last.Index != 17 {
		t.Errorf("last = %+v, %v; want Monday 2017-12-25, the 17th", last, ok)
	}

	// "Meet from 2:00 PM to 3:00 PM on the first Thursday of every other
	// month starting August 29, 2017 ... Because the value of startDate is
	// after the first Thursday in August, the first occurrence of this
	// series will be in September." The interval then counts from
	// September.
	s = series(t, "Pacific/Honolulu", `{"pattern":{"type":"relativeMonthly","interval":2,"daysOfWeek":["Thursday"],"index":"first"},
		"range":{"type":"noEnd","startDate":"2017-08-29"}}`, 14, 0)
	if got, want := dates(s.Between(time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2018, 4, 1, 0, 0, 0, 0, time.UTC))),
		"2017-09-07 2017-11-02 2018-01-04 2018-03-01"; got != want {
		t.Errorf("first Thursday every other month from 2017-08-29:\n got %s\nwant %s", got, want)
	}
	if f := s.First(); f.OriginalDate != (Date{2017, 9, 7}) || f.Start.Hour() != 14 {
		t.Errorf("First = %+v: Exchange moves the master to the first occurrence", f)
	}
}

func TestExchangeRules(t *testing.T) {
	window := func(s *Series, from, to string) string {
		f, _ := time.Parse("2006-01-02", from)
		u, _ := time.Parse("2006-01-02", to)
		return dates(s.Between(f, u))
	}
	tests := []struct {
		name, zone, body string
		from, to         string
		want             string
	}{
		{"day 31 falls on each month's last day", "Europe/Berlin",
			`{"pattern":{"type":"absoluteMonthly","interval":1,"dayOfMonth":31},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			"2024-01-01", "2024-07-01", "2024-01-31 2024-02-29 2024-03-31 2024-04-30 2024-05-31 2024-06-30"},
		{"day 30 in February, leap year and not", "Europe/Berlin",
			`{"pattern":{"type":"absoluteMonthly","interval":12,"dayOfMonth":30},"range":{"type":"numbered","startDate":"2024-02-01","numberOfOccurrences":3}}`,
			"2024-01-01", "2027-01-01", "2024-02-29 2025-02-28 2026-02-28"},
		{"day 29 every other month", "America/New_York",
			`{"pattern":{"type":"absoluteMonthly","interval":2,"dayOfMonth":29},"range":{"type":"noEnd","startDate":"2024-01-30"}}`,
			"2023-12-01", "2024-07-01", "2024-02-29 2024-04-29 2024-06-29"},
		{"February 29 yearly is February 28 in other years", "Australia/Sydney",
			`{"pattern":{"type":"absoluteYearly","interval":1,"month":2,"dayOfMonth":29},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			"2024-01-01", "2029-01-01", "2024-02-29 2025-02-28 2026-02-28 2027-02-28 2028-02-29"},
		{"April 31 yearly is April 30", "Asia/Tokyo",
			`{"pattern":{"type":"absoluteYearly","interval":1,"month":4,"dayOfMonth":31},"range":{"type":"numbered","startDate":"2024-01-01","numberOfOccurrences":2}}`,
			"2024-01-01", "2030-01-01", "2024-04-30 2025-04-30"},
		{"last Friday is the fifth when there are five", "Europe/Berlin",
			`{"pattern":{"type":"relativeMonthly","interval":1,"daysOfWeek":["friday"],"index":"last"},"range":{"type":"noEnd","startDate":"2024-03-01"}}`,
			"2024-03-01", "2024-06-01", "2024-03-29 2024-04-26 2024-05-31"},
		{"fourth Friday is never the fifth", "Europe/Berlin",
			`{"pattern":{"type":"relativeMonthly","interval":1,"daysOfWeek":["friday"],"index":"fourth"},"range":{"type":"noEnd","startDate":"2024-03-01"}}`,
			"2024-03-01", "2024-06-01", "2024-03-22 2024-04-26 2024-05-24"},
		{"second of Thursday-or-Friday counts both days together", "Europe/Berlin",
			`{"pattern":{"type":"relativeMonthly","interval":1,"daysOfWeek":["thursday","friday"],"index":"second"},"range":{"type":"noEnd","startDate":"2024-08-01"}}`,
			"2024-08-01", "2024-11-01", "2024-08-02 2024-09-06 2024-10-04"},
		{"last weekday of the month", "America/New_York",
			`{"pattern":{"type":"relativeMonthly","interval":1,"daysOfWeek":["monday","tuesday","wednesday","thursday","friday"],"index":"last"},"range":{"type":"noEnd","startDate":"2024-08-01"}}`,
			"2024-08-01", "2025-01-01", "2024-08-30 2024-09-30 2024-10-31 2024-11-29 2024-12-31"},
		{"last Sunday of March (the day Berlin springs forward)", "Europe/Berlin",
			`{"pattern":{"type":"relativeYearly","interval":1,"month":3,"daysOfWeek":["sunday"],"index":"last"},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			"2024-01-01", "2027-01-01", "2024-03-31 2025-03-30 2026-03-29"},
		{"Sunday and Monday every other week, weeks starting Monday", "Europe/Berlin",
			// MS-OXCICAL's own example: "after a Sunday instance, there will be a
			// seven-day gap before the next instance on a Monday".
			`{"pattern":{"type":"weekly","interval":2,"daysOfWeek":["sunday","monday"],"firstDayOfWeek":"monday"},"range":{"type":"noEnd","startDate":"2024-03-04"}}`,
			"2024-03-01", "2024-04-01", "2024-03-04 2024-03-10 2024-03-18 2024-03-24"},
		{"the same, weeks starting Sunday", "Europe/Berlin",
			`{"pattern":{"type":"weekly","interval":2,"daysOfWeek":["sunday","monday"],"firstDayOfWeek":"sunday"},"range":{"type":"noEnd","startDate":"2024-03-04"}}`,
			"2024-03-01", "2024-04-01", "2024-03-04 2024-03-17 2024-03-18 2024-03-31"},
		{"weekly interval counts from the first occurrence's week", "Europe/Berlin",
			// startDate is a Saturday: the first Monday is two days later, and
			// every other week counts from that Monday's week.
			`{"pattern":{"type":"weekly","interval":2,"daysOfWeek":["monday"]},"range":{"type":"noEnd","startDate":"2024-03-02"}}`,
			"2024-03-01", "2024-04-01", "2024-03-04 2024-03-18"},
		{"yearly interval counts from the first occurrence's year", "Europe/Berlin",
			`{"pattern":{"type":"absoluteYearly","interval":2,"month":3,"dayOfMonth":1},"range":{"type":"noEnd","startDate":"2024-03-02"}}`,
			"2024-01-01", "2030-01-01", "2025-03-01 2027-03-01 2029-03-01"},
		{"endDate is inclusive", "Europe/Berlin",
			`{"pattern":{"type":"daily","interval":2},"range":{"type":"endDate","startDate":"2024-03-01","endDate":"2024-03-07"}}`,
			"2024-01-01", "2025-01-01", "2024-03-01 2024-03-03 2024-03-05 2024-03-07"},
		{"every third day", "Asia/Tokyo",
			`{"pattern":{"type":"daily","interval":3},"range":{"type":"numbered","startDate":"2024-02-27","numberOfOccurrences":4}}`,
			"2024-01-01", "2025-01-01", "2024-02-27 2024-03-01 2024-03-04 2024-03-07"},
	}
	for _, tt := range tests {
		s := series(t, tt.zone, tt.body, 10, 0)
		if got := window(s, tt.from, tt.to); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func TestOccurrencesKeepWallClockAcrossDaylightSaving(t *testing.T) {
	tests := []struct {
		zone, body string
		hh, mm     int
		want       string
	}{
		// Mon+Wed 10:00 in Berlin across the spring change: 09:00Z, then 08:00Z.
		{"Europe/Berlin", `{"pattern":{"type":"weekly","interval":1,"daysOfWeek":["monday","wednesday"]},"range":{"type":"numbered","startDate":"2024-03-25","numberOfOccurrences":4}}`, 10, 0,
			"2024-03-25T10:00+01:00 2024-03-27T10:00+01:00 2024-04-01T10:00+02:00 2024-04-03T10:00+02:00"},
		// Sydney, southern hemisphere: daylight saving ends in April.
		{"Australia/Sydney", `{"pattern":{"type":"weekly","interval":1,"daysOfWeek":["friday"]},"range":{"type":"numbered","startDate":"2024-04-05","numberOfOccurrences":2}}`, 9, 0,
			"2024-04-05T09:00+11:00 2024-04-12T09:00+10:00"},
		// Tokyo has no daylight saving: nothing moves.
		{"Asia/Tokyo", `{"pattern":{"type":"weekly","interval":1,"daysOfWeek":["monday"]},"range":{"type":"numbered","startDate":"2024-03-25","numberOfOccurrences":2}}`, 10, 0,
			"2024-03-25T10:00+09:00 2024-04-01T10:00+09:00"},
		// 02:30 daily in Berlin: the clock skips it on 2024-03-31 (03:30
		// CEST) and shows it twice on 2024-10-27 (the first, CEST).
		{"Europe/Berlin", `{"pattern":{"type":"daily","interval":1},"range":{"type":"numbered","startDate":"2024-03-30","numberOfOccurrences":3}}`, 2, 30,
			"2024-03-30T02:30+01:00 2024-03-31T03:30+02:00 2024-04-01T02:30+02:00"},
		{"Europe/Berlin", `{"pattern":{"type":"daily","interval":1},"range":{"type":"numbered","startDate":"2024-10-26","numberOfOccurrences":3}}`, 2, 30,
			"2024-10-26T02:30+02:00 2024-10-27T02:30+02:00 2024-10-28T02:30+01:00"},
		// New York: second Sunday of March at 02:30 every year, always skipped.
		{"America/New_York", `{"pattern":{"type":"relativeYearly","interval":1,"month":3,"daysOfWeek":["sunday"],"index":"second"},"range":{"type":"numbered","startDate":"2024-01-01","numberOfOccurrences":2}}`, 2, 30,
			"2024-03-10T03:30-04:00 2025-03-09T03:30-04:00"},
		// New York falls back at 02:00 on the first Sunday of November: 01:30 twice.
		{"America/New_York", `{"pattern":{"type":"relativeYearly","interval":1,"month":11,"daysOfWeek":["sunday"],"index":"first"},"range":{"type":"numbered","startDate":"2024-01-01","numberOfOccurrences":2}}`, 1, 30,
			"2024-11-03T01:30-04:00 2025-11-02T01:30-04:00"},
		// Sydney springs forward on the first Sunday of October.
		{"Australia/Sydney", `{"pattern":{"type":"relativeMonthly","interval":6,"daysOfWeek":["sunday"],"index":"first"},"range":{"type":"numbered","startDate":"2024-04-01","numberOfOccurrences":3}}`, 2, 30,
			"2024-04-07T02:30+11:00 2024-10-06T03:30+11:00 2025-04-06T02:30+11:00"},
	}
	for _, tt := range tests {
		s := series(t, tt.zone, tt.body, tt.hh, tt.mm)
		if got := starts(s.All()); got != tt.want {
			t.Errorf("%s %s:\n got %s\nwant %s", tt.zone, tt.body, got, tt.want)
		}
		for o := range s.All() {
			// An hour on the wall clock (two real hours from the first 02:30
			// of a fall-back night to its 03:30).
			if d := wallSeconds(o.End) - wallSeconds(o.Start); d != 3600 {
				t.Errorf("%s %s: occurrence %s to %s is %ds on the clock, want an hour", tt.zone, tt.body, o.Start, o.End, d)
			}
			if !o.OriginalStart.Equal(o.Start) || o.OriginalStart.Location() != time.UTC {
				t.Errorf("originalStart %s is not the start %s in UTC", o.OriginalStart, o.Start)
			}
		}
	}
}

func TestOccurrenceLengthIsWallClock(t *testing.T) {
	// 01:00 to 04:00 every day: three hours on the clock, so two hours on
	// the day Berlin springs forward and four on the day it falls back
	// (MS-OXOCAL keeps start and end as minutes after local midnight).
	ber := mustZone(t, "Europe/Berlin")
	rec := PatternedRecurrence{Pattern{Type: Daily, Interval: 1}, Range{Type: NoEnd, StartDate: Date{2024, 3, 30}}}
	s := newSeries(t, rec, time.Date(2024, 3, 30, 1, 0, 0, 0, ber), time.Date(2024, 3, 30, 4, 0, 0, 0, ber))
	for _, c := range []struct {
		d    Date
		want time.Duration
	}{{Date{2024, 3, 30}, 3 * time.Hour}, {Date{2024, 3, 31}, 2 * time.Hour}, {Date{2024, 10, 27}, 4 * time.Hour}} {
		o, err := s.Occurrence(c.d)
		if err != nil {
			t.Fatal(err)
		}
		if got := o.End.Sub(o.Start); got != c.want || o.End.Format("15:04") != "04:00" {
			t.Errorf("%s: %s to %s (%s), want 04:00 and %s", c.d, o.Start, o.End, got, c.want)
		}
	}
	// A master whose end is given in another zone: its length is read in
	// the start's zone.
	s = newSeries(t, rec, time.Date(2024, 3, 30, 10, 0, 0, 0, ber), time.Date(2024, 3, 30, 10, 30, 0, 0, time.UTC))
	if o, _ := s.Occurrence(Date{2024, 4, 2}); o.End.Format("15:04") != "11:30" {
		t.Errorf("end in another zone: occurrence ends %s, want 11:30 Berlin", o.End)
	}
}

func TestNumberedCountsFromTheSeriesStart(t *testing.T) {
	s := series(t, "Europe/Berlin", `{"pattern":{"type":"weekly","interval":1,"daysOfWeek":["monday","wednesday","friday"]},
		"range":{"type":"numbered","startDate":"2024-03-06","numberOfOccurrences":10}}`, 10, 0)
	all := slices.Collect(s.All())
	if len(all) != 10 || all[0].OriginalDate != (Date{2024, 3, 6}) || all[9].OriginalDate != (Date{2024, 3, 27}) {
		t.Fatalf("All = %s", dates(s.All()))
	}
	// A window late in the series sees the same indexes and the same end.
	from := time.Date(2024, 3, 20, 0, 0, 0, 0, time.UTC)
	var got []int
	for o := range s.Between(from, from.AddDate(1, 0, 0)) {
		got = append(got, o.Index)
	}
	if !slices.Equal(got, []int{7, 8, 9, 10}) {
		t.Errorf("indexes from 2024-03-20 = %v, want 7 8 9 10", got)
	}
	for i, o := range all {
		if o.Index != i+1 {
			t.Errorf("occurrence %d has index %d", i+1, o.Index)
		}
		n, err := s.Nth(i + 1)
		if err != nil || n.OriginalDate != o.OriginalDate {
			t.Errorf("Nth(%d) = %v, %v; want %s", i+1, n.OriginalDate, err, o.OriginalDate)
		}
	}
	if _, err := s.Nth(11); err == nil {
		t.Error("Nth(11) of 10 succeeded")
	}
	if last, ok := s.Last(); !ok || last.Index != 10 {
		t.Errorf("Last = %+v, %v", last, ok)
	}
}

func TestBetweenDoesNotWalkFromTheStart(t *testing.T) {
	// A daily series started long ago: a window today costs no more than a
	// window at its start, and agrees with walking from the start.
	s := series(t, "Europe/Berlin", `{"pattern":{"type":"daily","interval":1},"range":{"type":"noEnd","startDate":"1601-01-01"}}`, 10, 0)
	from := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	got := slices.Collect(s.Between(from, from.AddDate(0, 0, 3)))
	if len(got) != 3 || got[0].OriginalDate != (Date{2024, 6, 1}) {
		t.Fatalf("window = %v", got)
	}
	wantIndex := Date{2024, 6, 1}.days() - Date{1601, 1, 1}.days() + 1
	if got[0].Index != wantIndex {
		t.Errorf("index %d, want %d", got[0].Index, wantIndex)
	}
	allocs := testing.AllocsPerRun(20, func() {
		for range s.Between(from, from.AddDate(0, 0, 3)) {
		}
	})
	if allocs > 10 {
		t.Errorf("a 3-day window far into the series allocates %v times", allocs)
	}
	// A series without end stops at the end of Exchange's calendar.
	last := Occurrence{}
	for o := range s.Between(time.Date(4500, 8, 1, 0, 0, 0, 0, time.UTC), time.Date(4600, 1, 1, 0, 0, 0, 0, time.UTC)) {
		last = o
	}
	if last.OriginalDate != maxDate {
		t.Errorf("last occurrence %s, want %s", last.OriginalDate, maxDate)
	}
	if _, ok := s.Last(); ok {
		t.Error("Last of a series without end reported one")
	}
}

func TestHugeIntervalsAndCounts(t *testing.T) {
	// Interval and numberOfOccurrences are Int32s: the largest of both must
	// neither overflow nor run past the calendar's end.
	const max32 = 1<<31 - 1
	for _, p := range []Pattern{
		{Type: Daily, Interval: max32},
		{Type: Weekly, Interval: max32, DaysOfWeek: []time.Weekday{time.Monday, time.Friday}},
		{Type: RelativeMonthly, Interval: max32, DaysOfWeek: []time.Weekday{time.Monday}, Index: Last},
		{Type: AbsoluteYearly, Interval: max32, Month: 2, DayOfMonth: 29},
		{Type: Daily, Interval: 1},
		{Type: Weekly, Interval: 1, DaysOfWeek: []time.Weekday{0, 1, 2, 3, 4, 5, 6}},
	} {
		rec := PatternedRecurrence{p, Range{Type: Numbered, StartDate: Date{2024, 1, 1}, NumberOfOccurrences: max32}}
		s := newSeries(t, rec, time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC), time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC))
		last, ok := s.Last()
		if !ok || last.OriginalDate.Compare(maxDate) > 0 || last.OriginalDate.Compare(s.First().OriginalDate) < 0 {
			t.Errorf("%+v: Last = %s #%d, %v", p, last.OriginalDate, last.Index, ok)
		}
		if _, err := s.Nth(max32); err == nil && p.Interval > 1 {
			t.Errorf("%+v: Nth(2^31-1) exists past the calendar's end", p)
		}
		n := 0
		for range s.Between(time.Date(4500, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)) {
			n++
		}
		if p.Interval == 1 && n == 0 {
			t.Errorf("%+v: nothing in 4500", p)
		}
	}
}

func TestWindowSelectsOverlappingOccurrences(t *testing.T) {
	// 23:00 to 01:00 every day: the window [00:30, 23:00) of a day holds the
	// occurrence that began the evening before and not the one beginning at
	// its end.
	loc := mustZone(t, "Asia/Tokyo")
	rec := PatternedRecurrence{Pattern{Type: Daily, Interval: 1}, Range{Type: NoEnd, StartDate: Date{2024, 5, 1}}}
	s := newSeries(t, rec, time.Date(2024, 5, 1, 23, 0, 0, 0, loc), time.Date(2024, 5, 2, 1, 0, 0, 0, loc))
	got := dates(s.Between(time.Date(2024, 5, 10, 0, 30, 0, 0, loc), time.Date(2024, 5, 10, 23, 0, 0, 0, loc)))
	if got != "2024-05-09" {
		t.Errorf("window = %q, want the occurrence of 2024-05-09 only", got)
	}
	// An occurrence ending exactly at the window's start is outside it.
	if got := dates(s.Between(time.Date(2024, 5, 10, 1, 0, 0, 0, loc), time.Date(2024, 5, 10, 2, 0, 0, 0, loc))); got != "" {
		t.Errorf("window after an end = %q, want none", got)
	}
	// Zero-length occurrences at the window's start are inside it.
	s = newSeries(t, rec, time.Date(2024, 5, 1, 9, 0, 0, 0, loc), time.Date(2024, 5, 1, 9, 0, 0, 0, loc))
	if got := dates(s.Between(time.Date(2024, 5, 10, 9, 0, 0, 0, loc), time.Date(2024, 5, 11, 9, 0, 0, 0, loc))); got != "2024-05-10" {
		t.Errorf("zero-length window = %q", got)
	}
}

func TestRecurrenceTimeZone(t *testing.T) {
	// An event at 08:00 in Tokyo whose range dates are UTC dates: 08:00 JST
	// is 23:00 UTC the day before, so the occurrence of March 5 (Tokyo) is
	// on March 4 (UTC), before the range starts, and the one of March 9
	// (Tokyo) on March 8 (UTC), the range's last day.
	tokyo := mustZone(t, "Asia/Tokyo")
	rec := PatternedRecurrence{Pattern{Type: Daily, Interval: 1},
		Range{Type: EndDate, StartDate: Date{2024, 3, 5}, EndDate: Date{2024, 3, 8}, RecurrenceTimeZone: "UTC"}}
	s, err := NewSeries(Master{Recurrence: rec, Start: time.Date(2024, 3, 5, 8, 0, 0, 0, tokyo), End: time.Date(2024, 3, 5, 9, 0, 0, 0, tokyo), RangeZone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	if got := dates(s.All()); got != "2024-03-06 2024-03-07 2024-03-08 2024-03-09" {
		t.Errorf("All = %s", got)
	}
	if l, _ := s.Last(); l.OriginalDate != (Date{2024, 3, 9}) {
		t.Errorf("Last = %s", l.OriginalDate)
	}
	if got := s.RRule(); got != "FREQ=DAILY;INTERVAL=1;UNTIL=20240308T235959Z" {
		t.Errorf("RRule = %s: UNTIL is the end of the range's last day in the range's zone", got)
	}
	// The same zone under two names is the same zone.
	s, err = NewSeries(Master{Recurrence: rec, Start: time.Date(2024, 3, 5, 8, 0, 0, 0, tokyo), End: time.Date(2024, 3, 5, 9, 0, 0, 0, tokyo), RangeZone: mustZone(t, "Asia/Tokyo")})
	if err != nil || s.rangeLoc != nil {
		t.Errorf("same zone: %v, rangeLoc %v", err, s.rangeLoc)
	}
}

func TestMasterStartDateDoesNotMatter(t *testing.T) {
	// Graph starts the series at range.startDate; the master's start gives
	// the time of day only. A start that does not fit the pattern is
	// therefore not an occurrence: First is where Exchange puts the master.
	ber := mustZone(t, "Europe/Berlin")
	rec := PatternedRecurrence{Pattern{Type: Weekly, Interval: 1, DaysOfWeek: []time.Weekday{time.Monday}}, Range{Type: Numbered, StartDate: Date{2024, 3, 6}, NumberOfOccurrences: 2}}
	s, err := NewSeries(Master{Recurrence: rec, Start: time.Date(2024, 3, 6, 9, 15, 0, 0, ber), End: time.Date(2024, 3, 6, 9, 45, 0, 0, ber)})
	if err != nil {
		t.Fatal(err)
	}
	if got := starts(s.All()); got != "2024-03-11T09:15+01:00 2024-03-18T09:15+01:00" {
		t.Errorf("All = %s", got)
	}
	if f := s.First(); f.Start.Format(time.RFC3339) != "2024-03-11T09:15:00+01:00" || f.End.Format(time.RFC3339) != "2024-03-11T09:45:00+01:00" {
		t.Errorf("First = %s to %s", f.Start, f.End)
	}
	if _, err := s.Occurrence(Date{2024, 3, 6}); err == nil {
		t.Error("the master's own start date is not an occurrence")
	}
}

func TestExceptions(t *testing.T) {
	ber := mustZone(t, "Europe/Berlin")
	at := func(m time.Month, d, h int) time.Time { return time.Date(2024, m, d, h, 0, 0, 0, ber) }
	// Mon+Wed 10:00, 10 occurrences across the spring change, as in the
	// calendar issue's scenario: one moved, one cancelled.
	rec := PatternedRecurrence{Pattern{Type: Weekly, Interval: 1, DaysOfWeek: []time.Weekday{time.Monday, time.Wednesday}}, Range{Type: Numbered, StartDate: Date{2024, 3, 18}, NumberOfOccurrences: 10}}
	exceptions := []Exception{
		{OriginalStart: at(4, 3, 10).UTC(), Start: at(4, 4, 15), End: at(4, 4, 16)}, // Wed moved to Thu 15:00
		{OriginalStart: at(4, 8, 10), Cancelled: true},                              // a Monday cancelled
		{OriginalStart: at(3, 25, 10), Start: at(3, 25, 8), End: at(3, 25, 9)},      // earlier the same day
	}
	s, err := NewSeries(Master{Recurrence: rec, Start: at(3, 18, 10), End: at(3, 18, 11), Exceptions: exceptions})
	if err != nil {
		t.Fatal(err)
	}
	want := "2024-03-18T10:00+01:00 2024-03-20T10:00+01:00 2024-03-25T08:00+01:00 2024-03-27T10:00+01:00 2024-04-01T10:00+02:00 " +
		"2024-04-04T15:00+02:00 2024-04-10T10:00+02:00 2024-04-15T10:00+02:00 2024-04-17T10:00+02:00"
	if got := starts(s.All()); got != want {
		t.Errorf("All:\n got %s\nwant %s", got, want)
	}
	var types, indexes []string
	for o := range s.All() {
		types = append(types, o.Type())
		indexes = append(indexes, o.Key())
	}
	if got := strings.Join(types, " "); got != "occurrence occurrence exception occurrence occurrence exception occurrence occurrence occurrence" {
		t.Errorf("types = %s", got)
	}

	// A window holding only the moved occurrence's new time shows it; one
	// holding only its original time does not.
	if got := starts(s.Between(at(4, 4, 0), at(4, 5, 0))); got != "2024-04-04T15:00+02:00" {
		t.Errorf("window of the new time = %q", got)
	}
	if got := starts(s.Between(at(4, 3, 0), at(4, 4, 0))); got != "" {
		t.Errorf("window of the original time = %q", got)
	}
	if got := starts(s.Between(at(4, 8, 0), at(4, 9, 0))); got != "" {
		t.Errorf("window of the cancelled occurrence = %q", got)
	}

	// Lookups: by date, by original start, by index.
	o, err := s.At(at(4, 3, 10))
	if err != nil || !o.Moved || o.Index != 6 || o.Key() != "2024-04-03" || !o.Start.Equal(at(4, 4, 15)) || !o.OriginalStart.Equal(at(4, 3, 10)) {
		t.Errorf("At(moved) = %+v, %v", o, err)
	}
	var e *Error
	if _, err := s.Occurrence(Date{2024, 4, 8}); !errors.As(err, &e) || e.Code != CodeOccurrenceDeleted {
		t.Errorf("Occurrence(cancelled) = %v", err)
	}
	if _, err := s.Nth(7); !errors.As(err, &e) || e.Code != CodeOccurrenceDeleted {
		t.Errorf("Nth(7), cancelled = %v", err)
	}
	if _, err := s.At(at(4, 3, 11)); !errors.As(err, &e) || e.Code != CodeOccurrenceNotFound {
		t.Errorf("At(wrong time) = %v", err)
	}
	if _, err := s.Occurrence(Date{2024, 4, 2}); !errors.As(err, &e) || e.Code != CodeOccurrenceNotFound {
		t.Errorf("Occurrence(a Tuesday) = %v", err)
	}
	// The cancelled occurrence still counts: the series ends on its 10th.
	if l, _ := s.Last(); l.Index != 10 || l.OriginalDate != (Date{2024, 4, 17}) {
		t.Errorf("Last = %+v", l)
	}
}

func TestCheckMove(t *testing.T) {
	ber := mustZone(t, "Europe/Berlin")
	at := func(d, h int) time.Time { return time.Date(2024, 3, d, h, 0, 0, 0, ber) }
	rec := PatternedRecurrence{Pattern{Type: Weekly, Interval: 1, DaysOfWeek: []time.Weekday{time.Monday, time.Wednesday}}, Range{Type: NoEnd, StartDate: Date{2024, 3, 4}}}
	s, err := NewSeries(Master{Recurrence: rec, Start: at(4, 10), End: at(4, 11), Exceptions: []Exception{
		{OriginalStart: at(13, 10), Cancelled: true},
	}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                 string
		original, start, end time.Time
		code                 string
	}{
		{"a later hour the same day", at(11, 10), at(11, 14), at(11, 15), ""},
		{"to Tuesday, between Monday and Wednesday", at(11, 10), at(12, 10), at(12, 11), ""},
		{"into the cancelled Wednesday's day", at(11, 10), at(13, 10), at(13, 11), ""},
		{"onto the next live occurrence", at(11, 10), at(18, 10), at(18, 11), CodeOccurrenceCrossingBoundary},
		{"past the next live occurrence", at(11, 10), at(19, 10), at(19, 11), CodeOccurrenceCrossingBoundary},
		{"overlapping the next one's start", at(11, 10), at(18, 9), at(18, 11), CodeOccurrenceCrossingBoundary},
		{"before the previous one", at(11, 10), at(6, 9), at(6, 10), CodeOccurrenceCrossingBoundary},
		{"overlapping the previous one's end", at(11, 10), at(6, 10), at(6, 12), CodeOccurrenceCrossingBoundary},
		{"the first one, earlier with no previous", at(4, 10), time.Date(2024, 2, 1, 10, 0, 0, 0, ber), time.Date(2024, 2, 1, 11, 0, 0, 0, ber), ""},
		{"end before start", at(11, 10), at(11, 12), at(11, 11), CodeEndDateEarlierThanStartDate},
		{"not an occurrence", at(12, 10), at(12, 11), at(12, 12), CodeOccurrenceNotFound},
		{"a cancelled occurrence", at(13, 10), at(13, 11), at(13, 12), CodeOccurrenceDeleted},
	}
	for _, tt := range tests {
		err := s.CheckMove(tt.original, tt.start, tt.end)
		var e *Error
		switch {
		case tt.code == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.code != "" && (!errors.As(err, &e) || e.Code != tt.code):
			t.Errorf("%s: CheckMove = %v, want %s", tt.name, err, tt.code)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	s := series(t, "Europe/Berlin", `{"pattern":{"type":"relativeMonthly","interval":1,"daysOfWeek":["tuesday"],"index":"second"},"range":{"type":"numbered","startDate":"2024-01-01","numberOfOccurrences":240}}`, 10, 0)
	want := dates(s.All())
	done := make(chan string)
	for range 8 {
		go func() { done <- dates(s.All()) }()
	}
	for range 8 {
		if got := <-done; got != want {
			t.Fatal("concurrent expansions differ")
		}
	}
}
