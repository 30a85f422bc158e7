package calendar

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/o365go/o365"
)

// Week positions of relative monthly and yearly patterns.
const (
	First  = "first"
	Second = "second"
	Third  = "third"
	Fourth = "fourth"
	Last   = "last"
)

// Rule is a recurrence being built, read as English:
//
//	calendar.Weekly(time.Monday, time.Wednesday).Until(lastDay)
//	calendar.Daily().Every(2).Count(10)
//	calendar.MonthlyOn(31)                       // the 31st, or the month's last day
//	calendar.MonthlyNth(calendar.Last, time.Friday)
//	calendar.YearlyOn(time.February, 29)
//	calendar.YearlyNth(calendar.First, time.September, time.Monday)
//
// A Rule without Until or Count repeats with no end. Event.Repeat turns it
// into the event's Recurrence, starting on the event's start date unless
// From says otherwise. Rules are values: each method returns a new one.
type Rule struct {
	pattern o365.RecurrencePattern
	from    time.Time
	until   time.Time
	count   int
	err     error
}

func days(ds []time.Weekday) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = strings.ToLower(d.String())
	}
	return out
}

// Daily repeats every day (see Every).
func Daily() Rule { return Rule{pattern: o365.RecurrencePattern{Type: "daily", Interval: 1}} }

// Weekly repeats on the given days of every week.
func Weekly(on ...time.Weekday) Rule {
	r := Rule{pattern: o365.RecurrencePattern{Type: "weekly", Interval: 1, DaysOfWeek: days(on), FirstDayOfWeek: "sunday"}}
	if len(on) == 0 {
		r.err = errors.New("calendar: a weekly rule needs at least one day")
	}
	return r
}

// MonthlyOn repeats on a day of the month (1-31); a day past the month's
// end falls on its last day, as Outlook does.
func MonthlyOn(day int) Rule {
	r := Rule{pattern: o365.RecurrencePattern{Type: "absoluteMonthly", Interval: 1, DayOfMonth: day}}
	if day < 1 || day > 31 {
		r.err = fmt.Errorf("calendar: day of month %d is not 1-31", day)
	}
	return r
}

// MonthlyNth repeats on the nth (First ... Fourth, or Last) of the given
// weekdays of the month, all counted together.
func MonthlyNth(index string, on ...time.Weekday) Rule {
	r := Rule{pattern: o365.RecurrencePattern{Type: "relativeMonthly", Interval: 1, Index: index, DaysOfWeek: days(on)}}
	r.err = checkIndex(index, on)
	return r
}

// YearlyOn repeats on a date of the year (February 29 falls on the 28th in
// other years).
func YearlyOn(month time.Month, day int) Rule {
	r := Rule{pattern: o365.RecurrencePattern{Type: "absoluteYearly", Interval: 1, Month: int(month), DayOfMonth: day}}
	if month < time.January || month > time.December || day < 1 || day > 31 {
		r.err = fmt.Errorf("calendar: %v %d is not a date of the year", month, day)
	}
	return r
}

// YearlyNth repeats on the nth of the given weekdays of a month of the year.
func YearlyNth(index string, month time.Month, on ...time.Weekday) Rule {
	r := Rule{pattern: o365.RecurrencePattern{Type: "relativeYearly", Interval: 1, Index: index, Month: int(month), DaysOfWeek: days(on)}}
	r.err = checkIndex(index, on)
	if r.err == nil && (month < time.January || month > time.December) {
		r.err = fmt.Errorf("calendar: month %d is not 1-12", month)
	}
	return r
}

func checkIndex(index string, on []time.Weekday) error {
	switch index {
	case First, Second, Third, Fourth, Last:
	default:
		return fmt.Errorf("calendar: week index %q: want first, second, third, fourth or last", index)
	}
	if len(on) == 0 {
		return errors.New("calendar: a relative rule needs at least one weekday")
	}
	return nil
}

// Every repeats every n days, weeks, months or years instead of every one.
func (r Rule) Every(n int) Rule {
	if n < 1 && r.err == nil {
		r.err = fmt.Errorf("calendar: interval %d is not positive", n)
	}
	r.pattern.Interval = n
	return r
}

// WeekStartsOn sets the first day of the week weekly intervals count from
// (Sunday by default).
func (r Rule) WeekStartsOn(d time.Weekday) Rule {
	r.pattern.FirstDayOfWeek = strings.ToLower(d.String())
	return r
}

// From starts the series on date's day (its first occurrence is the first
// day from it that fits) instead of the event's start date.
func (r Rule) From(date time.Time) Rule { r.from = date; return r }

// Until ends the series on date's day, inclusive.
func (r Rule) Until(date time.Time) Rule { r.until, r.count = date, 0; return r }

// Count ends the series after n occurrences.
func (r Rule) Count(n int) Rule {
	if n < 1 && r.err == nil {
		r.err = fmt.Errorf("calendar: count %d is not positive", n)
	}
	r.count, r.until = n, time.Time{}
	return r
}

// Recurrence returns the rule as Graph's patternedRecurrence, starting on
// start's date (From's, when set) in start's zone.
func (r Rule) Recurrence(start time.Time) (o365.PatternedRecurrence, error) {
	if r.err != nil {
		return o365.PatternedRecurrence{}, r.err
	}
	if r.pattern.Type == "" {
		return o365.PatternedRecurrence{}, errors.New("calendar: empty rule; start with Daily, Weekly, MonthlyOn and the like")
	}
	from := start
	if !r.from.IsZero() {
		from = r.from.In(start.Location())
	}
	rg := o365.RecurrenceRange{Type: "noEnd", StartDate: from.Format(time.DateOnly)}
	if zone, err := o365.WindowsZone(start.Location()); err == nil {
		rg.RecurrenceTimeZone = zone
	}
	switch {
	case r.count > 0:
		rg.Type, rg.NumberOfOccurrences = "numbered", r.count
	case !r.until.IsZero():
		end := r.until.In(start.Location())
		if end.Format(time.DateOnly) < rg.StartDate {
			return o365.PatternedRecurrence{}, fmt.Errorf("calendar: the rule ends (%s) before it starts (%s)", end.Format(time.DateOnly), rg.StartDate)
		}
		rg.Type, rg.EndDate = "endDate", end.Format(time.DateOnly)
	}
	return o365.PatternedRecurrence{Pattern: r.pattern, Range: rg}, nil
}

// Repeat makes the event a series following r, from the event's start
// date: set the start (SetTimes or SetAllDay) first.
func (ev *Event) Repeat(r Rule) error {
	start, err := ev.StartTime()
	if err != nil {
		return fmt.Errorf("calendar: repeat: set the start first: %w", err)
	}
	if ev.Start.TimeZone != "" {
		if loc, err := o365.LoadZone(ev.Start.TimeZone); err == nil {
			start = start.In(loc)
		}
	}
	rec, err := r.Recurrence(start)
	if err != nil {
		return err
	}
	ev.Recurrence = &rec
	return nil
}
