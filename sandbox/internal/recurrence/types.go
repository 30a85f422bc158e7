package recurrence

import (
	"encoding/json"
	"strings"
	"time"
)

// PatternType is recurrencePattern.type: the unit the pattern repeats in.
type PatternType string

// The pattern types Graph defines.
const (
	Daily           PatternType = "daily"
	Weekly          PatternType = "weekly"
	AbsoluteMonthly PatternType = "absoluteMonthly"
	RelativeMonthly PatternType = "relativeMonthly"
	AbsoluteYearly  PatternType = "absoluteYearly"
	RelativeYearly  PatternType = "relativeYearly"
)

var patternTypes = []PatternType{Daily, Weekly, AbsoluteMonthly, RelativeMonthly, AbsoluteYearly, RelativeYearly}

// RangeType is recurrenceRange.type: how the series ends.
type RangeType string

// The range types Graph defines.
const (
	EndDate  RangeType = "endDate"
	NoEnd    RangeType = "noEnd"
	Numbered RangeType = "numbered"
)

var rangeTypes = []RangeType{EndDate, NoEnd, Numbered}

// WeekIndex is recurrencePattern.index: which of the matching days of a
// month a relative pattern picks. The empty WeekIndex means First, Graph's
// default.
type WeekIndex string

// The week indexes Graph defines.
const (
	First  WeekIndex = "first"
	Second WeekIndex = "second"
	Third  WeekIndex = "third"
	Fourth WeekIndex = "fourth"
	Last   WeekIndex = "last"
)

var weekIndexes = []WeekIndex{First, Second, Third, Fourth, Last}

// nth returns the 1-based position the index picks, or -1 for Last.
func (w WeekIndex) nth() int {
	switch w {
	case Second:
		return 2
	case Third:
		return 3
	case Fourth:
		return 4
	case Last:
		return -1
	}
	return 1
}

var dayNames = [7]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// dayName is Graph's dayOfWeek member for d ("monday").
func dayName(d time.Weekday) string { return dayNames[d] }

// Pattern is Graph's recurrencePattern: how often a series repeats.
// Members a pattern type does not use are ignored by the expansion (and
// dropped by Normalize), as Graph ignores them.
type Pattern struct {
	Type PatternType
	// Interval counts days, weeks, months or years between occurrences,
	// depending on Type; it must be at least 1.
	Interval int
	// Month is the month of a yearly pattern, 1-12.
	Month int
	// DayOfMonth is the day of an absolute pattern, 1-31. A day the month
	// lacks means the month's last day (Exchange's rule; see the package
	// documentation).
	DayOfMonth int
	// DaysOfWeek are the days of a weekly or relative pattern.
	DaysOfWeek []time.Weekday
	// FirstDayOfWeek starts the weeks a weekly pattern counts its interval
	// in. The zero value is time.Sunday, Graph's default.
	FirstDayOfWeek time.Weekday
	// Index picks one of the matching days of the month in a relative
	// pattern; empty means First.
	Index WeekIndex
}

// Range is Graph's recurrenceRange: over how long a series repeats.
type Range struct {
	Type RangeType
	// StartDate is the date the pattern starts applying from; the first
	// occurrence is the first date on or after it that fits the pattern.
	StartDate Date
	// EndDate is the last date an occurrence may fall on (inclusive), for
	// Type EndDate.
	EndDate Date
	// NumberOfOccurrences is the number of occurrences, for Type Numbered.
	NumberOfOccurrences int
	// RecurrenceTimeZone is the zone StartDate and EndDate are dates in;
	// empty means the event's own zone. The package never resolves it: the
	// caller passes the resolved zone as Master.RangeZone.
	RecurrenceTimeZone string
}

// PatternedRecurrence is Graph's patternedRecurrence, an event's
// recurrence property.
type PatternedRecurrence struct {
	Pattern Pattern
	Range   Range
}

// Normalize returns r as Graph answers it when an event is read back: every
// member present, members the pattern or range type does not use set to
// their empty values (0, [], "0001-01-01"), index and firstDayOfWeek
// defaulted, and recurrenceTimeZone set to zone when the request left it
// empty (Graph fills in the event's start time zone).
func (r PatternedRecurrence) Normalize(zone string) PatternedRecurrence {
	p := r.Pattern
	out := Pattern{Type: p.Type, Interval: p.Interval, FirstDayOfWeek: p.FirstDayOfWeek, Index: First}
	switch p.Type {
	case Weekly:
		out.DaysOfWeek = sortedDays(p.DaysOfWeek, time.Sunday)
	case AbsoluteMonthly:
		out.DayOfMonth = p.DayOfMonth
	case RelativeMonthly:
		out.DaysOfWeek = sortedDays(p.DaysOfWeek, time.Sunday)
		out.Index = orFirst(p.Index)
	case AbsoluteYearly:
		out.DayOfMonth, out.Month = p.DayOfMonth, p.Month
	case RelativeYearly:
		out.DaysOfWeek = sortedDays(p.DaysOfWeek, time.Sunday)
		out.Index = orFirst(p.Index)
		out.Month = p.Month
	}
	g := r.Range
	rg := Range{Type: g.Type, StartDate: g.StartDate, RecurrenceTimeZone: g.RecurrenceTimeZone}
	switch g.Type {
	case EndDate:
		rg.EndDate = g.EndDate
	case Numbered:
		rg.NumberOfOccurrences = g.NumberOfOccurrences
	}
	if rg.RecurrenceTimeZone == "" {
		rg.RecurrenceTimeZone = zone
	}
	return PatternedRecurrence{Pattern: out, Range: rg}
}

func orFirst(w WeekIndex) WeekIndex {
	if w == "" {
		return First
	}
	return w
}

// sortedDays returns days without duplicates, in week order starting at
// first.
func sortedDays(days []time.Weekday, first time.Weekday) []time.Weekday {
	var seen [7]bool
	for _, d := range days {
		if d >= time.Sunday && d <= time.Saturday {
			seen[d] = true
		}
	}
	out := make([]time.Weekday, 0, len(days))
	for i := range 7 {
		d := (first + time.Weekday(i)) % 7
		if seen[d] {
			out = append(out, d)
		}
	}
	return out
}

// wirePattern and wireRange are the JSON shapes Graph answers with: every
// member present, in Graph's order.
type wirePattern struct {
	Type           string   `json:"type"`
	Interval       int      `json:"interval"`
	Month          int      `json:"month"`
	DayOfMonth     int      `json:"dayOfMonth"`
	DaysOfWeek     []string `json:"daysOfWeek"`
	FirstDayOfWeek string   `json:"firstDayOfWeek"`
	Index          string   `json:"index"`
}

type wireRange struct {
	Type                string `json:"type"`
	StartDate           string `json:"startDate"`
	EndDate             string `json:"endDate"`
	RecurrenceTimeZone  string `json:"recurrenceTimeZone"`
	NumberOfOccurrences int    `json:"numberOfOccurrences"`
}

// zeroDate is how Graph writes an unset Edm.Date.
const zeroDate = "0001-01-01"

// MarshalJSON writes the pattern with every member, as Graph does; call
// PatternedRecurrence.Normalize first to get exactly Graph's answer.
func (p Pattern) MarshalJSON() ([]byte, error) {
	days := make([]string, len(p.DaysOfWeek))
	for i, d := range p.DaysOfWeek {
		days[i] = dayName(d)
	}
	return json.Marshal(wirePattern{
		Type: string(p.Type), Interval: p.Interval, Month: p.Month, DayOfMonth: p.DayOfMonth,
		DaysOfWeek: days, FirstDayOfWeek: dayName(p.FirstDayOfWeek), Index: string(orFirst(p.Index)),
	})
}

// MarshalJSON writes the range with every member, as Graph does: an unset
// date is "0001-01-01".
func (r Range) MarshalJSON() ([]byte, error) {
	date := func(d Date) string {
		if d.IsZero() {
			return zeroDate
		}
		return d.String()
	}
	return json.Marshal(wireRange{
		Type: string(r.Type), StartDate: date(r.StartDate), EndDate: date(r.EndDate),
		RecurrenceTimeZone: r.RecurrenceTimeZone, NumberOfOccurrences: r.NumberOfOccurrences,
	})
}

// MarshalJSON writes {"pattern":...,"range":...}.
func (r PatternedRecurrence) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Pattern Pattern `json:"pattern"`
		Range   Range   `json:"range"`
	}{r.Pattern, r.Range})
}

// UnmarshalJSON reads a recurrence as Graph reads a request body; see Parse.
func (r *PatternedRecurrence) UnmarshalJSON(b []byte) error {
	v, err := Parse(b)
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// enumValue matches s against values case-insensitively (Graph accepts
// "Weekly" and "weekly" alike) and returns the canonical spelling.
func enumValue[T ~string](s string, values []T) (T, bool) {
	for _, v := range values {
		if strings.EqualFold(s, string(v)) {
			return v, true
		}
	}
	return "", false
}

// parseDay reads a dayOfWeek member ("monday", "Monday").
func parseDay(s string) (time.Weekday, bool) {
	for i, n := range dayNames {
		if strings.EqualFold(s, n) {
			return time.Weekday(i), true
		}
	}
	return 0, false
}
