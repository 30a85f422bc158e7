package calendar

import (
	"strings"
	"testing"
	"time"

	"github.com/o365go/o365"
)

func TestRules(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 3, 16, 10, 0, 0, 0, berlin)
	for _, tc := range []struct {
		rule                          Rule
		typ, days, index, rng, endish string
		interval, dayOfMonth, month   int
	}{
		{Daily(), "daily", "", "", "noEnd", "", 1, 0, 0},
		{Daily().Every(3).Count(5), "daily", "", "", "numbered", "5", 3, 0, 0},
		{Weekly(time.Monday, time.Wednesday).Until(time.Date(2026, 6, 30, 0, 0, 0, 0, berlin)), "weekly", "monday,wednesday", "", "endDate", "2026-06-30", 1, 0, 0},
		{MonthlyOn(31), "absoluteMonthly", "", "", "noEnd", "", 1, 31, 0},
		{MonthlyNth(Last, time.Friday).Every(2), "relativeMonthly", "friday", "last", "noEnd", "", 2, 0, 0},
		{YearlyOn(time.February, 29), "absoluteYearly", "", "", "noEnd", "", 1, 29, 2},
		{YearlyNth(First, time.September, time.Monday), "relativeYearly", "monday", "first", "noEnd", "", 1, 0, 9},
	} {
		rec, err := tc.rule.Recurrence(start)
		if err != nil {
			t.Fatalf("%+v: %v", tc, err)
		}
		p, g := rec.Pattern, rec.Range
		endish := g.EndDate
		if g.NumberOfOccurrences > 0 {
			endish = "5"
		}
		if p.Type != tc.typ || strings.Join(p.DaysOfWeek, ",") != tc.days || p.Index != tc.index || p.Interval != tc.interval ||
			p.DayOfMonth != tc.dayOfMonth || p.Month != tc.month || g.Type != tc.rng || endish != tc.endish ||
			g.StartDate != "2026-03-16" || g.RecurrenceTimeZone != "W. Europe Standard Time" {
			t.Errorf("%s: %+v", tc.typ, rec)
		}
	}
	for _, bad := range []Rule{Weekly(), MonthlyOn(32), MonthlyNth("fifth", time.Monday), YearlyOn(13, 1), Daily().Every(0), Daily().Count(-1),
		Daily().Until(start.AddDate(0, 0, -1)), {}} {
		if _, err := bad.Recurrence(start); err == nil {
			t.Errorf("%+v was accepted", bad)
		}
	}
	if rec, _ := Daily().From(time.Date(2026, 4, 1, 0, 0, 0, 0, berlin)).Recurrence(start); rec.Range.StartDate != "2026-04-01" {
		t.Errorf("From: %+v", rec.Range)
	}
}

func TestRRuleForms(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	start := time.Date(2026, 1, 31, 9, 0, 0, 0, berlin)
	for _, tc := range []struct {
		rec  o365.PatternedRecurrence
		want string
	}{
		{o365.PatternedRecurrence{Pattern: o365.RecurrencePattern{Type: "absoluteMonthly", Interval: 1, DayOfMonth: 31}, Range: o365.RecurrenceRange{Type: "numbered", NumberOfOccurrences: 3}},
			"FREQ=MONTHLY;COUNT=3;BYMONTHDAY=28,29,30,31;BYSETPOS=-1"},
		{o365.PatternedRecurrence{Pattern: o365.RecurrencePattern{Type: "relativeMonthly", Interval: 2, DaysOfWeek: []string{"thursday", "friday"}, Index: "second"}, Range: o365.RecurrenceRange{Type: "noEnd"}},
			"FREQ=MONTHLY;INTERVAL=2;BYDAY=TH,FR;BYSETPOS=2"},
		{o365.PatternedRecurrence{Pattern: o365.RecurrencePattern{Type: "weekly", Interval: 1, DaysOfWeek: []string{"sunday"}, FirstDayOfWeek: "monday"}, Range: o365.RecurrenceRange{Type: "endDate", EndDate: "2026-03-01"}},
			"FREQ=WEEKLY;UNTIL=20260301T080000Z;BYDAY=SU;WKST=MO"},
		{o365.PatternedRecurrence{Pattern: o365.RecurrencePattern{Type: "absoluteYearly", Interval: 1, DayOfMonth: 29, Month: 2}, Range: o365.RecurrenceRange{Type: "noEnd"}},
			"FREQ=YEARLY;BYMONTHDAY=28,29;BYMONTH=2;BYSETPOS=-1"},
	} {
		r, err := rrule(tc.rec, start, false)
		if err != nil || r.String() != tc.want {
			t.Errorf("%+v: %s (%v), want %s", tc.rec.Pattern, r.String(), err, tc.want)
		}
	}
	if _, err := rrule(o365.PatternedRecurrence{Pattern: o365.RecurrencePattern{Type: "hourly"}}, start, false); err == nil {
		t.Error("an unknown pattern type was written")
	}
}

func TestISODuration(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Hour: "PT1H", 90 * time.Minute: "PT1H30M", 45 * time.Second: "PT45S", 0: "PT0S"} {
		if got := isoDuration(d); got != want {
			t.Errorf("%v: %s, want %s", d, got, want)
		}
	}
}
