package recurrence

import (
	"fmt"
	"slices"
	"testing"
	"time"

	rrule "github.com/teambition/rrule-go"
)

// The expansion is checked against an independent implementation of RFC
// 5545, github.com/teambition/rrule-go (a port of python-dateutil), on every
// pattern and range type over ten years, in zones with northern and
// southern daylight saving and one without, at a plain time of day and at
// times the clocks skip or repeat.
//
// rrule-go runs on floating wall-clock times (in UTC, where no time is
// skipped or repeated): it decides the calendar, the dates. The instant of
// each wall time is then worked out by the test on its own (wallInstant),
// from the zone data, by RFC 5545's rule. rrule-go cannot do that part
// itself: it builds times with time.Date, whose choice for skipped and
// repeated times is unspecified (and differs between Berlin and New York).
//
// The Graph pattern is translated to an RRULE here, independently of
// Series.RRule, with Exchange's month-end rule spelled in RFC 5545 terms
// ("the last of the days 28..D that the month has"); TestExchangeDiffersFromRFC5545
// shows what a literal translation would get wrong. DTSTART is the first
// date on or after range.startDate that rrule-go finds for the pattern with
// interval 1, which is Graph's rule for the first occurrence.

var crossPatterns = []Pattern{
	{Type: Daily, Interval: 1},
	{Type: Daily, Interval: 3},
	{Type: Weekly, Interval: 1, DaysOfWeek: []time.Weekday{time.Monday, time.Wednesday}},
	{Type: Weekly, Interval: 2, DaysOfWeek: []time.Weekday{time.Sunday, time.Monday}, FirstDayOfWeek: time.Monday},
	{Type: Weekly, Interval: 2, DaysOfWeek: []time.Weekday{time.Sunday, time.Monday}, FirstDayOfWeek: time.Sunday},
	{Type: Weekly, Interval: 3, DaysOfWeek: []time.Weekday{time.Friday, time.Saturday, time.Sunday}, FirstDayOfWeek: time.Wednesday},
	{Type: Weekly, Interval: 1, DaysOfWeek: []time.Weekday{0, 1, 2, 3, 4, 5, 6}},
	{Type: AbsoluteMonthly, Interval: 1, DayOfMonth: 15},
	{Type: AbsoluteMonthly, Interval: 1, DayOfMonth: 31},
	{Type: AbsoluteMonthly, Interval: 2, DayOfMonth: 30},
	{Type: AbsoluteMonthly, Interval: 1, DayOfMonth: 29},
	{Type: AbsoluteMonthly, Interval: 5, DayOfMonth: 1},
	{Type: RelativeMonthly, Interval: 1, DaysOfWeek: []time.Weekday{time.Monday}, Index: First},
	{Type: RelativeMonthly, Interval: 1, DaysOfWeek: []time.Weekday{time.Friday}, Index: Last},
	{Type: RelativeMonthly, Interval: 2, DaysOfWeek: []time.Weekday{time.Thursday}, Index: Fourth},
	{Type: RelativeMonthly, Interval: 1, DaysOfWeek: []time.Weekday{time.Thursday, time.Friday}, Index: Second},
	{Type: RelativeMonthly, Interval: 1, DaysOfWeek: []time.Weekday{1, 2, 3, 4, 5}, Index: Last},
	{Type: RelativeMonthly, Interval: 3, DaysOfWeek: []time.Weekday{time.Saturday}, Index: Third},
	{Type: RelativeMonthly, Interval: 1, DaysOfWeek: []time.Weekday{time.Sunday}, Index: Last}, // Berlin's change days
	{Type: AbsoluteYearly, Interval: 1, Month: 2, DayOfMonth: 29},
	{Type: AbsoluteYearly, Interval: 1, Month: 12, DayOfMonth: 31},
	{Type: AbsoluteYearly, Interval: 2, Month: 3, DayOfMonth: 15},
	{Type: AbsoluteYearly, Interval: 1, Month: 4, DayOfMonth: 31},
	{Type: RelativeYearly, Interval: 1, Month: 3, DaysOfWeek: []time.Weekday{time.Sunday}, Index: Last},
	{Type: RelativeYearly, Interval: 1, Month: 3, DaysOfWeek: []time.Weekday{time.Sunday}, Index: Second},
	{Type: RelativeYearly, Interval: 1, Month: 11, DaysOfWeek: []time.Weekday{time.Sunday}, Index: First},
	{Type: RelativeYearly, Interval: 1, Month: 10, DaysOfWeek: []time.Weekday{time.Sunday}, Index: First},
	{Type: RelativeYearly, Interval: 3, Month: 2, DaysOfWeek: []time.Weekday{time.Saturday, time.Sunday}, Index: Last},
}

func crossRanges(start Date) []Range {
	return []Range{
		{Type: NoEnd, StartDate: start},
		{Type: EndDate, StartDate: start, EndDate: Date{start.Year + 7, 6, 30}},
		{Type: Numbered, StartDate: start, NumberOfOccurrences: 1},
		{Type: Numbered, StartDate: start, NumberOfOccurrences: 40},
		{Type: Numbered, StartDate: start, NumberOfOccurrences: 300},
	}
}

func TestCrossCheckWithRRuleGo(t *testing.T) {
	zones := map[string][]int{ // zone: times of day (minutes) to try
		"Europe/Berlin":    {10 * 60, 2*60 + 30},
		"America/New_York": {10 * 60, 2*60 + 30, 1*60 + 30},
		"Australia/Sydney": {10 * 60, 2*60 + 30},
		"Asia/Tokyo":       {10 * 60, 0},
	}
	starts := []Date{{2020, 1, 15}, {2023, 3, 26}}
	if testing.Short() {
		starts = starts[:1]
	}
	cases, occurrences := 0, 0
	for zone, times := range zones {
		loc := mustZone(t, zone)
		for _, tod := range times {
			for _, start := range starts {
				for _, p := range crossPatterns {
					for _, g := range crossRanges(start) {
						name := fmt.Sprintf("%s %02d:%02d %v %s %+v", zone, tod/60, tod%60, g, p.Type, p)
						occurrences += crossCheck(t, name, PatternedRecurrence{p, g}, loc, tod)
						cases++
					}
				}
			}
		}
	}
	t.Logf("%d cases, %d occurrences compared", cases, occurrences)
}

func crossCheck(t *testing.T, name string, rec PatternedRecurrence, loc *time.Location, tod int) int {
	t.Helper()
	d := rec.Range.StartDate
	startWall := time.Date(d.Year, d.Month, d.Day, tod/60, tod%60, 0, 0, time.UTC)
	// Only the master's time of day matters, and a time.Time cannot hold a
	// time of day the clock skips: the master starts on a day of no change.
	start := WallTime(Date{2023, 1, 10}, tod/60, tod%60, 0, 0, loc)
	s, err := NewSeries(Master{Recurrence: rec, Start: start, End: start.Add(45 * time.Minute)})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}

	// rrule-go, on floating time.
	opt := rruleOption(rec.Pattern)
	opt.Interval, opt.Count = 1, 1
	opt.Dtstart = startWall
	firstRule, err := rrule.NewRRule(opt)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	opt = rruleOption(rec.Pattern)
	opt.Dtstart = firstRule.All()[0]
	switch rec.Range.Type {
	case Numbered:
		opt.Count = rec.Range.NumberOfOccurrences
	case EndDate:
		e := rec.Range.EndDate
		opt.Until = time.Date(e.Year, e.Month, e.Day, 23, 59, 59, 0, time.UTC)
	}
	r, err := rrule.NewRRule(opt)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	to := time.Date(d.Year+10, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	// Between includes both ends; the window is [from, to).
	theirs := r.Between(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC), to, true)
	theirs = slices.DeleteFunc(theirs, func(w time.Time) bool { return !w.Before(to) })

	toInstant := WallTime(Date{d.Year + 10, d.Month, d.Day}, 0, 0, 0, 0, loc)
	ours := slices.Collect(s.Between(WallTime(d, 0, 0, 0, 0, loc), toInstant))
	if len(ours) != len(theirs) {
		t.Fatalf("%s: %d occurrences, rrule-go has %d\n ours   %v\n theirs %v", name, len(ours), len(theirs), head(ours), theirs[:min(5, len(theirs))])
	}
	for i, o := range ours {
		w := theirs[i]
		if o.OriginalDate != DateOf(w) {
			t.Fatalf("%s: occurrence %d on %s, rrule-go says %s", name, i+1, o.OriginalDate, DateOf(w))
		}
		if want := wallInstant(w, loc); !o.OriginalStart.Equal(want) || !o.Start.Equal(want) {
			t.Fatalf("%s: occurrence %d of wall time %s at %s, want %s", name, i+1, w.Format("2006-01-02 15:04"), o.Start, want)
		}
		if o.Index != i+1 {
			t.Fatalf("%s: occurrence %d has index %d", name, i+1, o.Index)
		}
	}

	// Lookups and windows agree with the full expansion.
	for i := 0; i < len(ours); i += 7 {
		o := ours[i]
		if got, err := s.Occurrence(o.OriginalDate); err != nil || got != o {
			t.Fatalf("%s: Occurrence(%s) = %+v, %v; want %+v", name, o.OriginalDate, got, err, o)
		}
		if got, err := s.Nth(o.Index); err != nil || got != o {
			t.Fatalf("%s: Nth(%d) = %+v, %v", name, o.Index, got, err)
		}
		if got, err := s.At(o.OriginalStart); err != nil || got != o {
			t.Fatalf("%s: At(%s) = %+v, %v", name, o.OriginalStart, got, err)
		}
	}
	base := WallTime(d, tod/60, tod%60, 0, 0, loc)
	for k := 1; k < 40; k += 3 {
		from := base.AddDate(0, 0, k*89)
		until := from.AddDate(0, 0, 45)
		var want []Occurrence
		for _, o := range ours {
			if o.Start.Before(until) && o.End.After(from) {
				want = append(want, o)
			}
		}
		if got := slices.Collect(s.Between(from, until)); !slices.Equal(got, want) {
			t.Fatalf("%s: window %s..%s = %v, want %v", name, from, until, head(got), head(want))
		}
	}
	// rrule-go stops about 292 years after DTSTART (the span of a
	// time.Duration), so the last occurrence is compared within 250 years.
	if rec.Range.Type != NoEnd && (rec.Range.Type != Numbered || rec.Range.NumberOfOccurrences <= 250) {
		all := r.All()
		last, ok := s.Last()
		if !ok || last.OriginalDate != DateOf(all[len(all)-1]) || last.Index != len(all) {
			t.Fatalf("%s: Last = %s #%d, %v; rrule-go ends %s #%d", name, last.OriginalDate, last.Index, ok, all[len(all)-1], len(all))
		}
	}
	return len(ours)
}

func head(os []Occurrence) []string {
	var out []string
	for _, o := range os[:min(5, len(os))] {
		out = append(out, o.Start.Format("2006-01-02T15:04Z07:00"))
	}
	return out
}

// rruleOption translates a Graph pattern to rrule-go's options.
func rruleOption(p Pattern) rrule.ROption {
	days := make([]rrule.Weekday, 0, len(p.DaysOfWeek))
	for _, d := range p.DaysOfWeek {
		days = append(days, rruleDay(d))
	}
	nth := map[WeekIndex]int{First: 1, Second: 2, Third: 3, Fourth: 4, Last: -1}[orFirst(p.Index)]
	o := rrule.ROption{Interval: p.Interval, Wkst: rruleDay(p.FirstDayOfWeek)}
	switch p.Type {
	case Daily:
		o.Freq = rrule.DAILY
	case Weekly:
		o.Freq, o.Byweekday = rrule.WEEKLY, days
	case AbsoluteMonthly:
		o.Freq = rrule.MONTHLY
		o.Bymonthday, o.Bysetpos = lastOfDaysUpTo(p.DayOfMonth)
	case RelativeMonthly:
		o.Freq, o.Byweekday, o.Bysetpos = rrule.MONTHLY, days, []int{nth}
	case AbsoluteYearly:
		o.Freq, o.Bymonth = rrule.YEARLY, []int{p.Month}
		o.Bymonthday, o.Bysetpos = lastOfDaysUpTo(p.DayOfMonth)
	case RelativeYearly:
		o.Freq, o.Bymonth, o.Byweekday, o.Bysetpos = rrule.YEARLY, []int{p.Month}, days, []int{nth}
	}
	return o
}

// lastOfDaysUpTo is Exchange's day-of-month rule in RFC 5545 terms: day d,
// or the month's last day when it has fewer: the last of 28..d the month
// has.
func lastOfDaysUpTo(d int) (bymonthday, bysetpos []int) {
	if d <= 28 {
		return []int{d}, nil
	}
	for x := 28; x <= d; x++ {
		bymonthday = append(bymonthday, x)
	}
	return bymonthday, []int{-1}
}

func rruleDay(d time.Weekday) rrule.Weekday {
	return [7]rrule.Weekday{rrule.SU, rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA}[d]
}

// wallInstant resolves a floating wall time in loc by RFC 5545 section
// 3.3.5, from the zone data alone: the earliest instant showing it, or,
// when the clock skips it, the wall time read with the offset from before
// the jump (the smaller of the offsets around it).
func wallInstant(wall time.Time, loc *time.Location) time.Time {
	shows := func(u time.Time) bool {
		l := u.In(loc)
		return l.Year() == wall.Year() && l.Month() == wall.Month() && l.Day() == wall.Day() &&
			l.Hour() == wall.Hour() && l.Minute() == wall.Minute()
	}
	t := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), 0, 0, loc)
	if shows(t) {
		for _, back := range []time.Duration{2 * time.Hour, time.Hour, 30 * time.Minute} {
			if u := t.Add(-back); shows(u) {
				return u.In(loc)
			}
		}
		return t
	}
	_, before := wall.Add(-26 * time.Hour).In(loc).Zone()
	_, after := wall.Add(26 * time.Hour).In(loc).Zone()
	return wall.Add(-time.Duration(min(before, after)) * time.Second).In(loc)
}

// TestExchangeDiffersFromRFC5545 states where Exchange's documented
// behaviour is not what a literal RFC 5545 reading of the same pattern
// gives, and checks Exchange's rule.
func TestExchangeDiffersFromRFC5545(t *testing.T) {
	utc := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, time.UTC) }
	rfc := func(o rrule.ROption) string {
		r, err := rrule.NewRRule(o)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range r.All() {
			out = append(out, x.Format("2006-01-02"))
		}
		return fmt.Sprint(out)
	}
	exchange := func(body string) string {
		var out []string
		for o := range series(t, "UTC", body, 10, 0).All() {
			out = append(out, o.OriginalDate.String())
		}
		return fmt.Sprint(out)
	}

	// 1. dayOfMonth 31. RFC 5545: BYMONTHDAY=31 skips the months without a
	// 31st. Exchange: "If for a particular month this value is larger than
	// the number of days in the month, the last day of the month is
	// assumed" (EWS DayOfMonth).
	if got, want := rfc(rrule.ROption{Freq: rrule.MONTHLY, Bymonthday: []int{31}, Count: 4, Dtstart: utc(2024, 1, 31)}),
		"[2024-01-31 2024-03-31 2024-05-31 2024-07-31]"; got != want {
		t.Errorf("RFC 5545 BYMONTHDAY=31: %s, want %s", got, want)
	}
	if got, want := exchange(`{"pattern":{"type":"absoluteMonthly","interval":1,"dayOfMonth":31},"range":{"type":"numbered","startDate":"2024-01-01","numberOfOccurrences":4}}`),
		"[2024-01-31 2024-02-29 2024-03-31 2024-04-30]"; got != want {
		t.Errorf("Exchange dayOfMonth 31: %s, want %s", got, want)
	}

	// 2. February 29 yearly. RFC 5545: only leap years. Exchange (CDO,
	// Outlook): February 28 in other years.
	if got, want := rfc(rrule.ROption{Freq: rrule.YEARLY, Bymonth: []int{2}, Bymonthday: []int{29}, Count: 2, Dtstart: utc(2024, 2, 29)}),
		"[2024-02-29 2028-02-29]"; got != want {
		t.Errorf("RFC 5545 February 29: %s, want %s", got, want)
	}
	if got, want := exchange(`{"pattern":{"type":"absoluteYearly","interval":1,"month":2,"dayOfMonth":29},"range":{"type":"numbered","startDate":"2024-01-01","numberOfOccurrences":2}}`),
		"[2024-02-29 2025-02-28]"; got != want {
		t.Errorf("Exchange February 29: %s, want %s", got, want)
	}

	// 3. The interval's anchor when the start does not fit the pattern. RFC
	// 5545 counts months from DTSTART's (a DTSTART of 2017-08-29 makes every
	// other month August, October, ...). Exchange counts from the first
	// occurrence (Graph's own example: first Thursday every other month
	// from 2017-08-29 starts in September).
	if got, want := rfc(rrule.ROption{Freq: rrule.MONTHLY, Interval: 2, Byweekday: []rrule.Weekday{rrule.TH}, Bysetpos: []int{1}, Count: 2, Dtstart: utc(2017, 8, 29)}),
		"[2017-10-05 2017-12-07]"; got != want {
		t.Errorf("RFC 5545 every other month from 2017-08-29: %s, want %s", got, want)
	}
	if got, want := exchange(`{"pattern":{"type":"relativeMonthly","interval":2,"daysOfWeek":["thursday"],"index":"first"},"range":{"type":"numbered","startDate":"2017-08-29","numberOfOccurrences":2}}`),
		"[2017-09-07 2017-11-02]"; got != want {
		t.Errorf("Exchange every other month from 2017-08-29: %s, want %s", got, want)
	}

	// 4. A skipped wall time. Go's time.Date, which rrule-go builds its
	// times with, reads 02:30 on New York's spring-forward day as 01:30 EST;
	// RFC 5545 3.3.5 (and the sandbox) reads it with the offset before the
	// jump: 03:30 EDT.
	ny := mustZone(t, "America/New_York")
	if got := time.Date(2024, 3, 10, 2, 30, 0, 0, ny).Format("15:04 MST"); got != "01:30 EST" {
		t.Errorf("time.Date = %s: Go changed its choice; the comment above needs updating", got)
	}
	if got := WallTime(Date{2024, 3, 10}, 2, 30, 0, 0, ny).Format("15:04 MST"); got != "03:30 EDT" {
		t.Errorf("WallTime = %s, want 03:30 EDT", got)
	}
}
