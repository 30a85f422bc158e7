package recurrence

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	rrule "github.com/teambition/rrule-go"
)

func TestRRuleText(t *testing.T) {
	tests := []struct {
		body, want string
	}{
		{`{"pattern":{"type":"daily","interval":3},"range":{"type":"noEnd","startDate":"2024-03-01"}}`,
			"FREQ=DAILY;INTERVAL=3"},
		{`{"pattern":{"type":"weekly","interval":2,"daysOfWeek":["wednesday","monday"],"firstDayOfWeek":"monday"},"range":{"type":"numbered","startDate":"2024-03-04","numberOfOccurrences":10}}`,
			"FREQ=WEEKLY;INTERVAL=2;COUNT=10;BYDAY=MO,WE;WKST=MO"},
		{`{"pattern":{"type":"absoluteMonthly","interval":1,"dayOfMonth":15},"range":{"type":"endDate","startDate":"2024-03-01","endDate":"2024-12-31"}}`,
			"FREQ=MONTHLY;INTERVAL=1;UNTIL=20241231T225959Z;BYMONTHDAY=15"},
		{`{"pattern":{"type":"absoluteMonthly","interval":1,"dayOfMonth":29},"range":{"type":"noEnd","startDate":"2024-03-01"}}`,
			"FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=28,29;BYSETPOS=-1"},
		{`{"pattern":{"type":"absoluteMonthly","interval":1,"dayOfMonth":30},"range":{"type":"noEnd","startDate":"2024-03-01"}}`,
			"FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=28,29,30;BYSETPOS=-1"},
		{`{"pattern":{"type":"absoluteMonthly","interval":1,"dayOfMonth":31},"range":{"type":"noEnd","startDate":"2024-03-01"}}`,
			"FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=-1"},
		{`{"pattern":{"type":"relativeMonthly","interval":1,"daysOfWeek":["friday","thursday"],"index":"second"},"range":{"type":"noEnd","startDate":"2024-03-01"}}`,
			"FREQ=MONTHLY;INTERVAL=1;BYDAY=TH,FR;BYSETPOS=2"},
		{`{"pattern":{"type":"relativeMonthly","interval":1,"daysOfWeek":["monday"]},"range":{"type":"noEnd","startDate":"2024-03-01"}}`,
			"FREQ=MONTHLY;INTERVAL=1;BYDAY=MO;BYSETPOS=1"},
		{`{"pattern":{"type":"absoluteYearly","interval":1,"month":2,"dayOfMonth":29},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			"FREQ=YEARLY;INTERVAL=1;BYMONTH=2;BYMONTHDAY=-1"},
		{`{"pattern":{"type":"absoluteYearly","interval":1,"month":2,"dayOfMonth":28},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			"FREQ=YEARLY;INTERVAL=1;BYMONTH=2;BYMONTHDAY=28"},
		{`{"pattern":{"type":"absoluteYearly","interval":3,"month":4,"dayOfMonth":31},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			"FREQ=YEARLY;INTERVAL=3;BYMONTH=4;BYMONTHDAY=-1"},
		{`{"pattern":{"type":"relativeYearly","interval":1,"month":11,"daysOfWeek":["wednesday"],"index":"last"},"range":{"type":"numbered","startDate":"2024-01-01","numberOfOccurrences":5}}`,
			"FREQ=YEARLY;INTERVAL=1;COUNT=5;BYMONTH=11;BYDAY=WE;BYSETPOS=-1"},
	}
	for _, tt := range tests {
		s := series(t, "Europe/Berlin", tt.body, 10, 0)
		if got := s.RRule(); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.body, got, tt.want)
		}
	}
}

func TestICalendarProperties(t *testing.T) {
	ber := mustZone(t, "Europe/Berlin")
	at := func(m time.Month, d, h int) time.Time { return time.Date(2024, m, d, h, 0, 0, 0, ber) }
	rec := PatternedRecurrence{Pattern{Type: Weekly, Interval: 1, DaysOfWeek: []time.Weekday{time.Monday, time.Wednesday}},
		Range{Type: EndDate, StartDate: Date{2024, 3, 16}, EndDate: Date{2024, 4, 17}}}
	s, err := NewSeries(Master{Recurrence: rec, Start: at(3, 16, 10), End: at(3, 16, 11), Exceptions: []Exception{
		{OriginalStart: at(4, 8, 10), Cancelled: true},
		{OriginalStart: at(4, 3, 10), Start: at(4, 4, 15), End: at(4, 4, 16)},
		{OriginalStart: at(3, 25, 10), Start: at(3, 25, 8), End: at(3, 25, 10)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	c := s.ICalendar(ICalOptions{})
	want := []string{
		"DTSTART;TZID=Europe/Berlin:20240318T100000", // the first Monday, not the master's Saturday
		"DTEND;TZID=Europe/Berlin:20240318T110000",
		"RRULE:FREQ=WEEKLY;INTERVAL=1;UNTIL=20240417T215959Z;BYDAY=MO,WE;WKST=SU",
		"EXDATE;TZID=Europe/Berlin:20240408T100000",
	}
	if got := c.Lines(); !slices.Equal(got, want) {
		t.Errorf("Lines:\n got %q\nwant %q", got, want)
	}
	var overrides []string
	for _, o := range c.Overrides {
		overrides = append(overrides, o.RecurrenceID+" "+o.DTStart+" "+o.DTEnd)
	}
	wantOverrides := []string{
		"RECURRENCE-ID;TZID=Europe/Berlin:20240325T100000 DTSTART;TZID=Europe/Berlin:20240325T080000 DTEND;TZID=Europe/Berlin:20240325T100000",
		"RECURRENCE-ID;TZID=Europe/Berlin:20240403T100000 DTSTART;TZID=Europe/Berlin:20240404T150000 DTEND;TZID=Europe/Berlin:20240404T160000",
	}
	if !slices.Equal(overrides, wantOverrides) {
		t.Errorf("Overrides:\n got %q\nwant %q", overrides, wantOverrides)
	}

	// Flattened: moved occurrences become EXDATE + RDATE, a PERIOD when the
	// length changed.
	c = s.ICalendar(ICalOptions{MovedAsRDate: true, TZID: "W. Europe Standard Time"})
	want = []string{
		"DTSTART;TZID=W. Europe Standard Time:20240318T100000",
		"DTEND;TZID=W. Europe Standard Time:20240318T110000",
		"RRULE:FREQ=WEEKLY;INTERVAL=1;UNTIL=20240417T215959Z;BYDAY=MO,WE;WKST=SU",
		"EXDATE;TZID=W. Europe Standard Time:20240325T100000",
		"EXDATE;TZID=W. Europe Standard Time:20240403T100000",
		"EXDATE;TZID=W. Europe Standard Time:20240408T100000",
		"RDATE;VALUE=PERIOD;TZID=W. Europe Standard Time:20240325T080000/20240325T100000",
		"RDATE;TZID=W. Europe Standard Time:20240404T150000",
	}
	if got := c.Lines(); !slices.Equal(got, want) || len(c.Overrides) != 0 {
		t.Errorf("MovedAsRDate:\n got %q\nwant %q (overrides %d)", got, want, len(c.Overrides))
	}

	// All day: dates, and UNTIL a date too (RFC 5545 3.3.10).
	c = s.ICalendar(ICalOptions{AllDay: true})
	if got := c.Lines()[:4]; !slices.Equal(got, []string{
		"DTSTART;VALUE=DATE:20240318", "DTEND;VALUE=DATE:20240318",
		"RRULE:FREQ=WEEKLY;INTERVAL=1;UNTIL=20240417;BYDAY=MO,WE;WKST=SU", "EXDATE;VALUE=DATE:20240408",
	}) {
		t.Errorf("AllDay: %q", got)
	}

	// A TZID holding characters a parameter may only hold quoted.
	if got := s.ICalendar(ICalOptions{TZID: "(UTC+01:00) Amsterdam, Berlin"}).DTStart; got != `DTSTART;TZID="(UTC+01:00) Amsterdam, Berlin":20240318T100000` {
		t.Errorf("quoted TZID: %s", got)
	}

	// A series in UTC needs no VTIMEZONE.
	u, err := NewSeries(Master{Recurrence: rec, Start: time.Date(2024, 3, 16, 9, 0, 0, 0, time.UTC), End: time.Date(2024, 3, 16, 9, 30, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if got := u.ICalendar(ICalOptions{}).Lines(); !slices.Equal(got, []string{
		"DTSTART:20240318T090000Z", "DTEND:20240318T093000Z", "RRULE:FREQ=WEEKLY;INTERVAL=1;UNTIL=20240417T235959Z;BYDAY=MO,WE;WKST=SU",
	}) {
		t.Errorf("UTC: %q", got)
	}
}

// TestICalendarReadBackByRRuleGo parses the properties Series.ICalendar
// writes with rrule-go's RFC 5545 parser and checks that they yield the
// series' occurrences, exceptions included, for every pattern and range of
// the cross-check.
func TestICalendarReadBackByRRuleGo(t *testing.T) {
	for _, zone := range []string{"Europe/Berlin", "Australia/Sydney", "UTC"} {
		loc := mustZone(t, zone)
		for _, p := range crossPatterns {
			for _, g := range crossRanges(Date{2023, 3, 26}) {
				name := fmt.Sprintf("%s %s %+v %v", zone, p.Type, p, g)
				master := Master{Recurrence: PatternedRecurrence{p, g}, Start: time.Date(2023, 1, 10, 10, 0, 0, 0, loc), End: time.Date(2023, 1, 10, 10, 45, 0, 0, loc)}
				plain, err := NewSeries(master)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				// Cancel the 2nd and move the 4th and 7th (when there are).
				var ex []Exception
				for o := range plain.All() {
					switch o.Index {
					case 2:
						ex = append(ex, Exception{OriginalStart: o.OriginalStart, Cancelled: true})
					case 4, 7:
						ex = append(ex, Exception{OriginalStart: o.OriginalStart, Start: o.Start.Add(-time.Hour), End: o.End.Add(-time.Hour)})
					}
					if o.Index >= 7 {
						break
					}
				}
				master.Exceptions = ex
				s, err := NewSeries(master)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				from, to := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2033, 1, 1, 0, 0, 0, 0, time.UTC)
				var want []time.Time
				for o := range s.Between(from, to) {
					want = append(want, o.Start)
				}

				// One VEVENT: EXDATE and RDATE.
				c := s.ICalendar(ICalOptions{MovedAsRDate: true})
				set, err := rrule.StrSliceToRRuleSet(slices.DeleteFunc(c.Lines(), func(l string) bool { return strings.HasPrefix(l, "DTEND") }))
				if err != nil {
					t.Fatalf("%s: rrule-go cannot read %q: %v", name, c.Lines(), err)
				}
				if got := set.Between(from, to, true); !sameInstants(got, want) {
					t.Fatalf("%s: read back (EXDATE/RDATE) %v\nwant %v\nfrom %q", name, got[:min(8, len(got))], want[:min(8, len(want))], c.Lines())
				}

				// Overrides: the series without the RECURRENCE-IDs, plus the
				// overrides' starts.
				c = s.ICalendar(ICalOptions{})
				set, err = rrule.StrSliceToRRuleSet([]string{c.DTStart, c.RRule})
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				for _, l := range c.ExDates {
					exd, err := rrule.StrToDates(afterName(l))
					if err != nil {
						t.Fatal(err)
					}
					set.ExDate(exd[0])
				}
				var got []time.Time
				overridden := map[time.Time]bool{}
				for _, o := range c.Overrides {
					id, err := rrule.StrToDtStart(afterName(o.RecurrenceID), time.UTC)
					if err != nil {
						t.Fatal(err)
					}
					overridden[id.UTC()] = true
					start, err := rrule.StrToDtStart(afterName(o.DTStart), time.UTC)
					if err != nil {
						t.Fatal(err)
					}
					if !start.Before(to) {
						continue
					}
					got = append(got, start)
				}
				for _, x := range set.Between(from, to, true) {
					if !overridden[x.UTC()] {
						got = append(got, x)
					}
				}
				slices.SortFunc(got, time.Time.Compare)
				if !sameInstants(got, want) {
					t.Fatalf("%s: read back (RECURRENCE-ID) %v\nwant %v", name, got[:min(8, len(got))], want[:min(8, len(want))])
				}
			}
		}
	}
}

// afterName returns a property line without its name: "TZID=X:v" or "v".
func afterName(line string) string {
	return line[strings.IndexAny(line, ";:")+1:]
}

func sameInstants(a, b []time.Time) bool {
	return slices.EqualFunc(a, b, time.Time.Equal)
}
