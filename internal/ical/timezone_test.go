package ical

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func day(loc *time.Location, s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

func writeString(t *testing.T, c *Component) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, c); err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(buf.String(), "\r\n", "\n")
}

// TestTimezoneText checks the exact VTIMEZONE of zones whose rules are
// known by heart: the EU's last Sundays of March and October at 01:00 UTC,
// the US's second Sunday of March and first of November at 02:00 local
// since 2007 (first Sunday of April, last of October before), New South
// Wales' first Sundays of October and April, and India's single offset
// since 1945.
func TestTimezoneText(t *testing.T) {
	tests := []struct {
		zone, from, to, want string
	}{
		{"Europe/Berlin", "2026-03-02", "2026-05-10", `BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:STANDARD
DTSTART:20251026T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZNAME:CET
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:20260329T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
TZNAME:CEST
END:DAYLIGHT
END:VTIMEZONE
`},
		{"America/New_York", "2005-01-01", "2009-12-31", `BEGIN:VTIMEZONE
TZID:America/New_York
BEGIN:STANDARD
DTSTART:20041031T020000
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU;UNTIL=20061029T060000Z
TZNAME:EST
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:20050403T020000
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU;UNTIL=20060402T070000Z
TZNAME:EDT
END:DAYLIGHT
BEGIN:DAYLIGHT
DTSTART:20070311T020000
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
TZNAME:EDT
END:DAYLIGHT
BEGIN:STANDARD
DTSTART:20071104T020000
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
TZNAME:EST
END:STANDARD
END:VTIMEZONE
`},
		{"Australia/Sydney", "2026-01-01", "2026-12-31", `BEGIN:VTIMEZONE
TZID:Australia/Sydney
BEGIN:DAYLIGHT
DTSTART:20251005T020000
TZOFFSETFROM:+1000
TZOFFSETTO:+1100
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU
TZNAME:AEDT
END:DAYLIGHT
BEGIN:STANDARD
DTSTART:20260405T030000
TZOFFSETFROM:+1100
TZOFFSETTO:+1000
RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU
TZNAME:AEST
END:STANDARD
END:VTIMEZONE
`},
		{"Asia/Kolkata", "2026-01-01", "2026-12-31", `BEGIN:VTIMEZONE
TZID:Asia/Kolkata
BEGIN:STANDARD
DTSTART:19451015T000000
TZOFFSETFROM:+0630
TZOFFSETTO:+0530
TZNAME:IST
END:STANDARD
END:VTIMEZONE
`},
		{"UTC", "2026-01-01", "2026-12-31", `BEGIN:VTIMEZONE
TZID:UTC
BEGIN:STANDARD
DTSTART:16010101T000000
TZOFFSETFROM:+0000
TZOFFSETTO:+0000
TZNAME:UTC
END:STANDARD
END:VTIMEZONE
`},
		// Israel: Friday before the last Sunday of March, as "a Friday on or
		// after the 23rd".
		{"Asia/Jerusalem", "2024-01-01", "2024-12-31", `BEGIN:VTIMEZONE
TZID:Asia/Jerusalem
BEGIN:STANDARD
DTSTART:20231029T020000
TZOFFSETFROM:+0300
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZNAME:IST
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:20240329T020000
TZOFFSETFROM:+0200
TZOFFSETTO:+0300
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=FR;BYMONTHDAY=23,24,25,26,27,28,29
TZNAME:IDT
END:DAYLIGHT
END:VTIMEZONE
`},
	}
	for _, tt := range tests {
		loc := mustLoad(t, tt.zone)
		tz, err := NewTimezone(tt.zone, loc, day(loc, tt.from), day(loc, tt.to))
		if err != nil {
			t.Fatal(err)
		}
		if got := writeString(t, tz); got != tt.want {
			t.Errorf("%s:\n%s\nwant\n%s", tt.zone, got, tt.want)
		}
	}
}

// TestTimezoneTransitions checks that the transitions found by probing are
// the instants the zones are known to change at.
func TestTimezoneTransitions(t *testing.T) {
	tests := []struct {
		zone string
		from string
		want []string // UTC instants
	}{
		{"Europe/Berlin", "2026-01-01", []string{"2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z"}},
		{"America/New_York", "2026-01-01", []string{"2026-03-08T07:00:00Z", "2026-11-01T06:00:00Z"}},
		{"Australia/Sydney", "2026-01-01", []string{"2026-04-04T16:00:00Z", "2026-10-03T16:00:00Z"}},
		{"America/New_York", "2006-01-01", []string{"2006-04-02T07:00:00Z", "2006-10-29T06:00:00Z"}},
		// Moscow stayed on summer time from 2011 and went to UTC+3 for good
		// on 2014-10-26.
		{"Europe/Moscow", "2011-01-01", []string{"2011-03-26T23:00:00Z", "2014-10-25T22:00:00Z"}},
	}
	for _, tt := range tests {
		loc := mustLoad(t, tt.zone)
		from := day(loc, tt.from)
		ts := transitions(loc, from, from.AddDate(1, 0, 0).Add(-time.Second))
		var got []string
		for _, tr := range ts[1:] {
			got = append(got, tr.at.Format(time.RFC3339))
		}
		if tt.zone == "Europe/Moscow" {
			ts = transitions(loc, from, day(loc, "2016-01-01"))
			got = nil
			for _, tr := range ts[1:] {
				got = append(got, tr.at.Format(time.RFC3339))
			}
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%s from %s: %v, want %v", tt.zone, tt.from, got, tt.want)
		}
	}
}

func TestNewTimezoneErrors(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := NewTimezone("", time.UTC, now, now); err == nil {
		t.Error("empty TZID accepted")
	}
	if _, err := NewTimezone("X", nil, now, now); err == nil {
		t.Error("nil location accepted")
	}
	if _, err := NewTimezone("X", time.UTC, now, now.Add(-time.Hour)); err == nil {
		t.Error("backward span accepted")
	}
}

func TestAddTimezones(t *testing.T) {
	berlin := mustLoad(t, "Europe/Berlin")
	ny := mustLoad(t, "America/New_York")
	cal := NewCalendar("-//test//EN")
	ev := &Component{Name: "VEVENT"}
	start := time.Date(2026, 3, 16, 10, 0, 0, 0, berlin)
	rule, _ := NewRecur("RRULE", Recur{Freq: Weekly, Until: time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)})
	ev.Add(NewDateTime("DTSTART", start, "W. Europe Standard Time"), NewDateTime("DTEND", start.Add(time.Hour), "W. Europe Standard Time"), rule)
	other := &Component{Name: "VEVENT"}
	other.Add(NewDateTime("DTSTART", time.Date(2026, 7, 1, 9, 0, 0, 0, ny), "America/New_York"))
	floating := &Component{Name: "VTODO"}
	floating.Add(NewFloating("DUE", start), NewDateTime("DTSTAMP", start, ""))
	cal.Components = []*Component{ev, other, floating}
	locs := map[string]*time.Location{"W. Europe Standard Time": berlin, "America/New_York": ny}
	if err := cal.AddTimezones(locs); err != nil {
		t.Fatal(err)
	}
	if len(cal.Components) != 5 || cal.Components[0].Get("TZID").Text() != "America/New_York" || cal.Components[1].Get("TZID").Text() != "W. Europe Standard Time" || cal.Components[2] != ev {
		t.Fatalf("components = %v", names(cal.Components))
	}
	// Adding again adds nothing.
	if err := cal.AddTimezones(locs); err != nil || len(cal.Components) != 5 {
		t.Fatalf("second AddTimezones: %v, %d components", err, len(cal.Components))
	}
	// The Berlin span reaches the rule's UNTIL in 2027.
	var dl []string
	for _, sub := range cal.Components[1].Components {
		dl = append(dl, sub.Name+" "+sub.Get("DTSTART").Value)
	}
	if strings.Join(dl, ",") != "STANDARD 20251026T030000,DAYLIGHT 20260329T020000" {
		t.Errorf("Berlin blocks = %v", dl)
	}
	missing := NewCalendar("-//test//EN")
	missing.Components = []*Component{{Name: "VEVENT", Properties: []Property{NewDateTime("DTSTART", start, "Mars/Olympus")}}}
	if err := missing.AddTimezones(locs); err == nil || !strings.Contains(err.Error(), `no location for TZID "Mars/Olympus"`) {
		t.Errorf("missing TZID: %v", err)
	}
}

func names(cs []*Component) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

func TestSeriesEnd(t *testing.T) {
	start := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		r    Recur
		want time.Time
	}{
		{Recur{Freq: Daily, Until: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)},
		{Recur{Freq: Daily, Until: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), UntilForm: FormDate}, time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)},
		{Recur{Freq: Daily, Count: 10}, start.AddDate(0, 0, 10)},
		{Recur{Freq: Weekly, Count: 10, Interval: 2}, start.AddDate(0, 0, 140)},
		{Recur{Freq: Monthly, Count: 3, ByMonthDay: []int{31}}, start.AddDate(0, 36, 0)},
		{Recur{Freq: Yearly, Count: 5}, start.AddDate(5, 0, 0)},
		{Recur{Freq: Weekly}, start.AddDate(10, 0, 0)},
		{Recur{Freq: Secondly, Count: 1 << 40}, start.Add(100 * 366 * 24 * time.Hour)},
	}
	for _, tt := range tests {
		if got := seriesEnd(tt.r, start); !got.Equal(tt.want) {
			t.Errorf("seriesEnd(%s) = %v, want %v", tt.r, got, tt.want)
		}
	}
}
