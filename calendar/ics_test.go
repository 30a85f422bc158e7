package calendar_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/teambition/rrule-go"

	"github.com/o365go/o365"
	"github.com/o365go/o365/calendar"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// expandICS reads an exported series with a standard iCalendar parser
// (arran4/golang-ical) and expands it with an independent RRULE engine
// (rrule-go): the master's DTSTART, RRULE and EXDATE, then the exceptions'
// RECURRENCE-ID overrides. It returns the occurrence starts in UTC.
func expandICS(t *testing.T, data []byte, from, to time.Time) []time.Time {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, data)
	}
	if len(cal.Timezones()) == 0 && strings.Contains(string(data), "TZID=") {
		t.Fatalf("no VTIMEZONE for the TZIDs:\n%s", data)
	}
	var lines []string
	overrides := map[time.Time]time.Time{}
	line := func(p *ics.IANAProperty) string {
		var b strings.Builder
		b.WriteString(p.IANAToken)
		for k, vs := range p.ICalParameters {
			b.WriteString(";" + k + "=" + strings.Join(vs, ","))
		}
		return b.String() + ":" + p.Value
	}
	instant := func(p *ics.IANAProperty) time.Time {
		loc := time.UTC
		if tz := p.ICalParameters["TZID"]; len(tz) > 0 {
			l, err := time.LoadLocation(tz[0])
			if err != nil {
				t.Fatal(err)
			}
			loc = l
		}
		v := p.Value
		if strings.HasSuffix(v, "Z") {
			at, err := time.Parse("20060102T150405Z", v)
			if err != nil {
				t.Fatal(err)
			}
			return at
		}
		at, err := time.ParseInLocation("20060102T150405", v, loc)
		if err != nil {
			t.Fatal(err)
		}
		return at.UTC()
	}
	for _, ev := range cal.Events() {
		if rid := ev.GetProperty(ics.ComponentPropertyRecurrenceId); rid != nil {
			overrides[instant(rid)] = instant(ev.GetProperty(ics.ComponentPropertyDtStart))
			continue
		}
		lines = append(lines, line(ev.GetProperty(ics.ComponentPropertyDtStart)))
		for _, p := range ev.GetProperties(ics.ComponentPropertyRrule) {
			lines = append(lines, line(p))
		}
		for _, p := range ev.GetProperties(ics.ComponentPropertyExdate) {
			for v := range strings.SplitSeq(p.Value, ",") {
				q := *p
				q.Value = v
				lines = append(lines, line(&q))
			}
		}
	}
	set, err := rrule.StrToRRuleSet(strings.Join(lines, "\n"))
	if err != nil {
		t.Fatalf("rrule-go: %v\n%s", err, strings.Join(lines, "\n"))
	}
	var out []time.Time
	for _, at := range set.Between(from, to, true) {
		at = at.UTC()
		if moved, ok := overrides[at]; ok {
			at = moved
		}
		out = append(out, at)
	}
	slices.SortFunc(out, time.Time.Compare)
	return out
}

// serviceStarts lists a series' occurrences the service expands, in UTC.
func serviceStarts(t *testing.T, s *calendar.Schedule, subject string, from, to time.Time) []time.Time {
	t.Helper()
	var out []time.Time
	for ev, err := range s.CalendarView(ctxT(t), from, to, o365.NewQuery().Top(200)) {
		must(t, err)
		if ev.Subject != subject {
			continue
		}
		st, err := ev.StartTime()
		must(t, err)
		out = append(out, st.UTC())
	}
	return out
}

// TestExportReadBack exports series of every pattern type, read back by a
// standard parser and expanded by rrule-go, and compares the occurrences
// with the service's over years: month-end days, the last weekday, leap
// days, a time the change to summer time skips, intervals and both range
// ends.
func TestExportReadBack(t *testing.T) {
	srv := o365test.NewSandbox(t)
	s := schedule(t, srv, graph, sandbox.DemoUser)
	ctx := ctxT(t)
	ber := berlin(t)
	ny, err := time.LoadLocation("America/New_York")
	must(t, err)
	cases := []struct {
		name  string
		start time.Time
		rule  calendar.Rule
	}{
		{"daily every 3, New York", time.Date(2026, 2, 20, 8, 15, 0, 0, ny), calendar.Daily().Every(3).Count(60)},
		{"weekly Mon+Wed every 2 until", time.Date(2026, 1, 5, 10, 0, 0, 0, ber), calendar.Weekly(time.Monday, time.Wednesday).Every(2).Until(time.Date(2027, 6, 30, 0, 0, 0, 0, ber))},
		{"weekly Sunday, week from Monday", time.Date(2026, 3, 1, 18, 0, 0, 0, ber), calendar.Weekly(time.Sunday, time.Tuesday).Every(2).WeekStartsOn(time.Monday).Count(30)},
		{"monthly on the 31st", time.Date(2026, 1, 31, 9, 0, 0, 0, ber), calendar.MonthlyOn(31).Count(30)},
		{"monthly on the 30th", time.Date(2026, 1, 30, 9, 0, 0, 0, ber), calendar.MonthlyOn(30).Count(30)},
		{"monthly last Friday", time.Date(2026, 1, 1, 16, 0, 0, 0, ber), calendar.MonthlyNth(calendar.Last, time.Friday).Count(40)},
		{"monthly second Thu-or-Fri every 2", time.Date(2026, 1, 1, 16, 0, 0, 0, ber), calendar.MonthlyNth(calendar.Second, time.Thursday, time.Friday).Every(2).Count(20)},
		{"yearly February 29", time.Date(2028, 2, 29, 12, 0, 0, 0, ber), calendar.YearlyOn(time.February, 29).Count(10)},
		{"yearly first Monday of September", time.Date(2026, 1, 1, 9, 0, 0, 0, ny), calendar.YearlyNth(calendar.First, time.September, time.Monday).Count(10)},
		{"daily at 02:30 across the spring gap", time.Date(2026, 3, 27, 2, 30, 0, 0, ber), calendar.Daily().Count(5)},
	}
	from, to := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2038, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev := s.NewEvent()
			ev.Subject = tc.name
			ev.SetTimes(tc.start, tc.start.Add(30*time.Minute))
			must(t, ev.Repeat(tc.rule))
			must(t, ev.Save(ctx))
			var buf bytes.Buffer
			must(t, s.ExportEvent(ctx, &buf, ev.ID))
			got := expandICS(t, buf.Bytes(), from, to)
			want := serviceStarts(t, s, tc.name, from, to)
			if len(want) == 0 || !slices.EqualFunc(got, want, time.Time.Equal) {
				t.Fatalf("read back %d occurrences, the service has %d\n got %v\nwant %v\n%s", len(got), len(want), got, want, buf.String())
			}
		})
	}
}

// TestExportExceptions exports a series with a moved and a cancelled
// occurrence (RECURRENCE-ID and EXDATE), and a window.
func TestExportExceptions(t *testing.T) {
	srv := o365test.NewSandbox(t)
	for _, proto := range []string{graph, office365} {
		t.Run(proto, func(t *testing.T) {
			s := schedule(t, srv, proto, sandbox.DemoUser)
			ctx := ctxT(t)
			ber := berlin(t)
			subject := "Exceptions " + proto
			ev := s.NewEvent()
			ev.Subject = subject
			ev.SetTimes(time.Date(2026, 3, 16, 10, 0, 0, 0, ber), time.Date(2026, 3, 16, 11, 0, 0, 0, ber))
			must(t, ev.AddAttendee(sandbox.DemoCarol, calendar.Optional))
			must(t, ev.Repeat(calendar.Weekly(time.Monday, time.Wednesday).Count(10)))
			must(t, ev.Save(ctx))
			from, to := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
			occ := view(t, s, from, to, subject)
			moved := on(t, occ, "2026-04-01")
			moved.SetTimes(time.Date(2026, 4, 2, 14, 0, 0, 0, ber), time.Date(2026, 4, 2, 15, 0, 0, 0, ber))
			must(t, moved.Save(ctx))
			must(t, on(t, occ, "2026-03-25").Delete(ctx))

			var buf bytes.Buffer
			must(t, s.ExportEvent(ctx, &buf, ev.ID))
			text := buf.String()
			for _, want := range []string{"EXDATE;TZID=Europe/Berlin:20260325T100000", "RECURRENCE-ID;TZID=Europe/Berlin:20260401T100000",
				"BEGIN:VTIMEZONE", "ROLE=OPT-PARTICIPANT", "ORGANIZER;CN=Alice Adams:mailto:", "RRULE:FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE;WKST=SU"} {
				if !strings.Contains(text, want) {
					t.Errorf("export lacks %q:\n%s", want, text)
				}
			}
			got := expandICS(t, buf.Bytes(), from, to)
			want := serviceStarts(t, s, subject, from, to)
			if !slices.EqualFunc(got, want, time.Time.Equal) || len(want) != 9 {
				t.Fatalf("read back\n got %v\nwant %v\n%s", got, want, text)
			}

			// A window holds the series once, and a single event.
			single := s.NewEvent()
			single.Subject = "Single " + proto
			single.SetTimes(time.Date(2026, 3, 17, 12, 0, 0, 0, ber), time.Date(2026, 3, 17, 13, 0, 0, 0, ber))
			must(t, single.Save(ctx))
			buf.Reset()
			must(t, s.ExportView(ctx, &buf, time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 19, 0, 0, 0, 0, time.UTC)))
			if n := strings.Count(buf.String(), "SUMMARY:"+subject+"\r\n"); n != 2 { // the master and its exception
				t.Errorf("the window holds the series %d times:\n%s", n, buf.String())
			}
			if !strings.Contains(buf.String(), "SUMMARY:Single "+proto) {
				t.Errorf("the window lacks the single event")
			}
		})
	}
}
