package ical_test

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	goical "github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"

	"github.com/o365go/o365/internal/ical"
)

// These tests read our output with independent, maintained code:
// github.com/emersion/go-ical parses the text, and
// github.com/teambition/rrule-go expands the recurrence rules it finds.
// Neither is used outside tests.

func decode(t *testing.T, cal *ical.Component) *goical.Calendar {
	t.Helper()
	var buf bytes.Buffer
	if err := ical.Write(&buf, cal); err != nil {
		t.Fatal(err)
	}
	got, err := goical.NewDecoder(&buf).Decode()
	if err != nil {
		t.Fatalf("go-ical cannot read our output: %v", err)
	}
	return got
}

func parseOffset(t *testing.T, s string) int {
	t.Helper()
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	h, _ := strconv.Atoi(s[1:3])
	m, _ := strconv.Atoi(s[3:5])
	sec := 0
	if len(s) == 7 {
		sec, _ = strconv.Atoi(s[5:7])
	}
	return sign * (h*3600 + m*60 + sec)
}

type onset struct {
	at  time.Time
	off int
}

// onsets evaluates a VTIMEZONE as read by go-ical, expanding each block's
// RRULE with rrule-go: every instant from which an offset applies, up to
// until.
func onsets(t *testing.T, tz *goical.Component, until time.Time) []onset {
	t.Helper()
	var out []onset
	for _, b := range tz.Children {
		if b.Name != "STANDARD" && b.Name != "DAYLIGHT" {
			t.Fatalf("unexpected %s in VTIMEZONE", b.Name)
		}
		from := parseOffset(t, b.Props.Get("TZOFFSETFROM").Value)
		to := parseOffset(t, b.Props.Get("TZOFFSETTO").Value)
		zone := time.FixedZone("", from)
		start, err := time.ParseInLocation("20060102T150405", b.Props.Get("DTSTART").Value, zone)
		if err != nil {
			t.Fatal(err)
		}
		if rr := b.Props.Get("RRULE"); rr != nil {
			opt, err := rrule.StrToROption(rr.Value)
			if err != nil {
				t.Fatalf("rrule-go cannot read %q: %v", rr.Value, err)
			}
			opt.Dtstart = start
			rule, err := rrule.NewRRule(*opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, at := range rule.Between(start, until, true) {
				out = append(out, onset{at, to})
			}
		} else {
			out = append(out, onset{start, to})
		}
	}
	slices.SortFunc(out, func(a, b onset) int { return a.at.Compare(b.at) })
	return out
}

func offsetAt(on []onset, at time.Time) (int, bool) {
	off, ok := 0, false
	for _, o := range on {
		if o.at.After(at) {
			break
		}
		off, ok = o.off, true
	}
	return off, ok
}

// TestTimezonesAgainstGo writes VTIMEZONEs for zones with every kind of
// history, has them read and expanded by the independent libraries, and
// compares the offset they give with Go's every six hours and one second
// either side of each of the zone's transitions.
func TestTimezonesAgainstGo(t *testing.T) {
	tests := []struct{ zone, from, to string }{
		{"Europe/Berlin", "2026-01-01", "2028-12-31"},
		{"America/New_York", "2004-06-01", "2010-06-01"}, // the 2007 US rule change
		{"Australia/Sydney", "2025-01-01", "2027-12-31"},
		{"Asia/Kolkata", "2026-01-01", "2026-12-31"},
		{"Asia/Jerusalem", "2010-01-01", "2026-12-31"}, // Israel changed its rules in 2013
		{"Asia/Tehran", "2017-01-01", "2025-12-31"},    // fixed days, ended 2022
		{"Africa/Casablanca", "2019-01-01", "2027-12-31"},
		{"Europe/Moscow", "2009-01-01", "2016-12-31"},
		{"America/Sao_Paulo", "2015-01-01", "2021-12-31"},
		{"Pacific/Apia", "2010-01-01", "2023-12-31"}, // skipped 30 December 2011
		{"Europe/Dublin", "2024-01-01", "2026-12-31"},
		{"Australia/Lord_Howe", "2025-01-01", "2026-12-31"}, // 30-minute DST
		{"America/Santiago", "2015-01-01", "2026-12-31"},
		{"Pacific/Chatham", "2025-01-01", "2026-12-31"},
		{"America/Phoenix", "2025-01-01", "2026-12-31"},
		{"UTC", "2025-01-01", "2026-12-31"},
		{"Europe/London", "1990-01-01", "1999-12-31"},
		// Past the last listed transition Go computes from the zone's rule,
		// and its ZoneBounds stalls at the end of leap years (see nextBound).
		{"America/New_York", "2039-01-01", "2045-12-31"},
		{"Europe/Berlin", "2040-06-01", "2041-06-01"},
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			loc, err := time.LoadLocation(tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			from, _ := time.ParseInLocation("2006-01-02", tt.from, loc)
			to, _ := time.ParseInLocation("2006-01-02", tt.to, loc)
			tz, err := ical.NewTimezone(tt.zone, loc, from, to)
			if err != nil {
				t.Fatal(err)
			}
			cal := ical.NewCalendar("-//test//EN")
			cal.Components = append(cal.Components, tz)
			read := decode(t, cal)
			if len(read.Children) != 1 || read.Children[0].Props.Get("TZID").Value != tt.zone {
				t.Fatalf("go-ical read %d components", len(read.Children))
			}
			on := onsets(t, read.Children[0], to.Add(24*time.Hour))
			check := func(at time.Time) {
				_, want := at.In(loc).Zone()
				got, ok := offsetAt(on, at)
				if !ok || got != want {
					t.Fatalf("at %s: VTIMEZONE gives %d (%v), Go %d\n%s", at.UTC(), got, ok, want, text(t, tz))
				}
			}
			samples := 0
			for at := from; !at.After(to); at = at.Add(6 * time.Hour) {
				check(at)
				samples++
			}
			for at := from; ; {
				_, next := at.In(loc).ZoneBounds()
				if next.IsZero() || next.After(to) {
					break
				}
				if !next.After(at) { // Go's stall at the end of leap years
					at = at.Add(time.Hour)
					continue
				}
				check(next.Add(-time.Second))
				check(next)
				at = next
				samples += 2
			}
			t.Logf("%d blocks, %d instants checked", len(tz.Components), samples)
		})
	}
}

func text(t *testing.T, c *ical.Component) string {
	var buf bytes.Buffer
	if err := ical.Write(&buf, c); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// expand returns the occurrences of an event as read by go-ical, expanded
// by rrule-go from its DTSTART, RRULE and EXDATEs; floating and DATE values
// are placed in loc.
func expand(t *testing.T, ev goical.Event, loc *time.Location) []time.Time {
	t.Helper()
	dtstart, err := ev.DateTimeStart(loc)
	if err != nil {
		t.Fatal(err)
	}
	opt, err := rrule.StrToROption(ev.Props.Get("RRULE").Value)
	if err != nil {
		t.Fatal(err)
	}
	opt.Dtstart = dtstart
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		t.Fatal(err)
	}
	set := rrule.Set{}
	set.RRule(r)
	for _, p := range ev.Props.Values("EXDATE") {
		ex, err := p.DateTime(loc)
		if err != nil {
			t.Fatal(err)
		}
		set.ExDate(ex)
	}
	return set.All()
}

// TestSeriesExpansion writes a weekly meeting series that crosses the
// change to summer time, with a deleted and a moved occurrence, and checks
// the occurrences that rrule-go expands from the text go-ical read.
func TestSeriesExpansion(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	start := time.Date(2026, 3, 16, 10, 0, 0, 0, berlin) // a Monday
	cal := ical.NewCalendar("-//o365go//test//EN")
	cal.Add(ical.Property{Name: "METHOD", Value: "PUBLISH"})
	master := &ical.Component{Name: "VEVENT"}
	rule, err := ical.NewRecur("RRULE", ical.Recur{Freq: ical.Weekly, Count: 10, ByDay: []ical.WeekdayNum{{Day: time.Monday}, {Day: time.Wednesday}}})
	if err != nil {
		t.Fatal(err)
	}
	master.Add(
		ical.NewText("UID", "series-1@o365go"),
		ical.NewDateTime("DTSTAMP", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), ""),
		ical.NewText("SUMMARY", "Team sync; weekly, Mon & Wed"),
		ical.NewDateTime("DTSTART", start, "Europe/Berlin"),
		ical.NewDateTime("DTEND", start.Add(30*time.Minute), "Europe/Berlin"),
		rule,
		ical.NewDateTimes("EXDATE", "Europe/Berlin", time.Date(2026, 4, 1, 10, 0, 0, 0, berlin)),
		ical.NewOrganizer(ical.Participant{Email: "alice@contoso.com", Name: "Alice"}),
		ical.NewAttendee(ical.Participant{Email: "bob@contoso.com", Name: "Bob", Role: ical.RoleRequired, PartStat: ical.PartStatAccepted, RSVP: true, CUType: ical.CUTypeIndividual}),
	)
	moved := &ical.Component{Name: "VEVENT"}
	moved.Add(
		ical.NewText("UID", "series-1@o365go"),
		ical.NewDateTime("DTSTAMP", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), ""),
		ical.NewDateTime("RECURRENCE-ID", time.Date(2026, 4, 8, 10, 0, 0, 0, berlin), "Europe/Berlin"),
		ical.NewDateTime("DTSTART", time.Date(2026, 4, 8, 14, 0, 0, 0, berlin), "Europe/Berlin"),
		ical.NewDateTime("DTEND", time.Date(2026, 4, 8, 14, 30, 0, 0, berlin), "Europe/Berlin"),
		ical.NewText("SUMMARY", "Team sync (moved)"),
	)
	cal.Components = append(cal.Components, master, moved)
	if err := cal.AddTimezones(map[string]*time.Location{"Europe/Berlin": berlin}); err != nil {
		t.Fatal(err)
	}
	read := decode(t, cal)
	events := read.Events()
	if len(events) != 2 || len(read.Children) != 3 || read.Children[0].Name != "VTIMEZONE" {
		t.Fatalf("go-ical read %d events, %d components", len(events), len(read.Children))
	}
	ev := events[0]
	if s, err := ev.Props.Text("SUMMARY"); err != nil || s != "Team sync; weekly, Mon & Wed" {
		t.Errorf("SUMMARY = %q, %v", s, err)
	}
	att := ev.Props.Get("ATTENDEE")
	if att.Value != "mailto:bob@contoso.com" || att.Params.Get("PARTSTAT") != "ACCEPTED" || att.Params.Get("CN") != "Bob" || att.Params.Get("RSVP") != "TRUE" {
		t.Errorf("ATTENDEE = %+v", att)
	}

	var got []string
	for _, at := range expand(t, ev, nil) {
		got = append(got, at.UTC().Format("01-02T15:04Z"))
	}
	// 10:00 in Berlin is 09:00 UTC before 29 March and 08:00 UTC after;
	// 1 April is deleted.
	want := "03-16T09:00Z 03-18T09:00Z 03-23T09:00Z 03-25T09:00Z 03-30T08:00Z 04-06T08:00Z 04-08T08:00Z 04-13T08:00Z 04-15T08:00Z"
	if strings.Join(got, " ") != want {
		t.Errorf("occurrences = %v\nwant %v", got, want)
	}
	rid, err := events[1].Props.DateTime("RECURRENCE-ID", nil)
	if err != nil || rid.UTC().Format("01-02T15:04Z") != "04-08T08:00Z" {
		t.Errorf("RECURRENCE-ID = %v, %v", rid, err)
	}
	if s, err := events[1].DateTimeStart(nil); err != nil || s.UTC().Format("01-02T15:04Z") != "04-08T12:00Z" {
		t.Errorf("moved DTSTART = %v, %v", s, err)
	}
}

// TestPatternsExpansion writes one series per pattern that Graph offers
// and checks rrule-go's expansion of the text against the dates expected.
func TestPatternsExpansion(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		name  string
		start time.Time
		date  bool
		rule  ical.Recur
		want  string
	}{
		{"daily every 2 days until (UTC)", time.Date(2026, 3, 6, 9, 0, 0, 0, ny), false,
			ical.Recur{Freq: ical.Daily, Interval: 2, Until: time.Date(2026, 3, 12, 13, 0, 0, 0, time.UTC)},
			"2026-03-06 09:00, 2026-03-08 09:00, 2026-03-10 09:00, 2026-03-12 09:00"},
		{"absolute monthly on the 31st", time.Date(2026, 1, 31, 9, 0, 0, 0, ny), false,
			ical.Recur{Freq: ical.Monthly, Count: 4, ByMonthDay: []int{31}},
			"2026-01-31 09:00, 2026-03-31 09:00, 2026-05-31 09:00, 2026-07-31 09:00"},
		{"relative monthly, last Friday", time.Date(2026, 1, 30, 16, 0, 0, 0, ny), false,
			ical.Recur{Freq: ical.Monthly, Count: 3, ByDay: []ical.WeekdayNum{{N: -1, Day: time.Friday}}},
			"2026-01-30 16:00, 2026-02-27 16:00, 2026-03-27 16:00"},
		{"relative monthly, fifth Monday", time.Date(2026, 3, 30, 8, 0, 0, 0, ny), false,
			ical.Recur{Freq: ical.Monthly, Count: 3, ByDay: []ical.WeekdayNum{{N: 5, Day: time.Monday}}},
			"2026-03-30 08:00, 2026-06-29 08:00, 2026-08-31 08:00"},
		{"all-day yearly on 29 February", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), true,
			ical.Recur{Freq: ical.Yearly, Count: 3, ByMonth: []int{2}, ByMonthDay: []int{29}},
			"2024-02-29 00:00, 2028-02-29 00:00, 2032-02-29 00:00"},
		{"relative yearly, 2nd Sunday of March at 02:30 (a DST gap)", time.Date(2026, 3, 1, 12, 0, 0, 0, ny), false,
			ical.Recur{Freq: ical.Yearly, Count: 2, ByMonth: []int{3}, ByDay: []ical.WeekdayNum{{N: 2, Day: time.Sunday}}},
			"2026-03-08 12:00, 2027-03-14 12:00"},
		{"weekly on weekdays, every 2 weeks", time.Date(2026, 10, 26, 7, 30, 0, 0, ny), false,
			ical.Recur{Freq: ical.Weekly, Interval: 2, Count: 6, ByDay: []ical.WeekdayNum{{Day: time.Monday}, {Day: time.Friday}}},
			"2026-10-26 07:30, 2026-10-30 07:30, 2026-11-09 07:30, 2026-11-13 07:30, 2026-11-23 07:30, 2026-11-27 07:30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := &ical.Component{Name: "VEVENT"}
			if tt.date {
				ev.Add(ical.NewDate("DTSTART", tt.start))
			} else {
				ev.Add(ical.NewDateTime("DTSTART", tt.start, "America/New_York"))
			}
			rr, err := ical.NewRecur("RRULE", tt.rule)
			if err != nil {
				t.Fatal(err)
			}
			ev.Add(rr)
			cal := ical.NewCalendar("-//test//EN")
			cal.Components = append(cal.Components, ev)
			if err := cal.AddTimezones(map[string]*time.Location{"America/New_York": ny}); err != nil {
				t.Fatal(err)
			}
			read := decode(t, cal)
			e := read.Events()[0]
			loc := ny
			if tt.date {
				loc = time.UTC
			}
			var got []string
			for _, at := range expand(t, e, loc) {
				got = append(got, at.In(loc).Format("2006-01-02 15:04"))
			}
			if s := strings.Join(got, ", "); s != tt.want {
				t.Errorf("occurrences = %s\nwant          %s", s, tt.want)
			}
		})
	}
}

func ExampleNewTimezone() {
	loc, _ := time.LoadLocation("Europe/Berlin")
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, loc)
	tz, _ := ical.NewTimezone("Europe/Berlin", loc, from, from.AddDate(0, 3, 0))
	var out strings.Builder
	if err := ical.Write(&out, tz); err != nil {
		fmt.Println(err)
	}
	fmt.Print(strings.ReplaceAll(out.String(), "\r\n", "\n"))
	// Output:
	// BEGIN:VTIMEZONE
	// TZID:Europe/Berlin
	// BEGIN:STANDARD
	// DTSTART:20251026T030000
	// TZOFFSETFROM:+0200
	// TZOFFSETTO:+0100
	// RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
	// TZNAME:CET
	// END:STANDARD
	// BEGIN:DAYLIGHT
	// DTSTART:20260329T020000
	// TZOFFSETFROM:+0100
	// TZOFFSETTO:+0200
	// RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
	// TZNAME:CEST
	// END:DAYLIGHT
	// END:VTIMEZONE
}
