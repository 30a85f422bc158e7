package recurrence

import (
	"strconv"
	"strings"
	"time"
)

// RRule returns the RFC 5545 RRULE value (without the "RRULE:" name) that
// yields exactly the series' occurrences under Exchange's rules, given a
// DTSTART at the series' first occurrence (see ICalendar). It follows the
// templates Exchange itself maps recurrences to and from (MS-OXCICAL
// 2.1.3.2.2), and spells out in RFC 5545 terms the two places where
// Exchange departs from a literal translation:
//
//   - dayOfMonth 29 or 30 means "that day, or the month's last day if it is
//     shorter", which is BYMONTHDAY=28,29,30;BYSETPOS=-1 (the last of the
//     listed days the month has); dayOfMonth 31, and a yearly day the month
//     never reaches (February 29 to 31, April 31), is BYMONTHDAY=-1. A bare
//     BYMONTHDAY=31 would skip the shorter months instead.
//   - a relative pattern with several daysOfWeek picks the nth of all the
//     matching days of the month together: BYDAY=TH,FR;BYSETPOS=2.
//
// An endDate range becomes UNTIL at the last second of endDate in the
// range's zone, in UTC (RFC 5545 requires UTC with a zoned DTSTART); a
// numbered range becomes COUNT. WKST is written for weekly patterns, where
// it decides which weeks an interval above 1 selects.
func (s *Series) RRule() string {
	return s.rrule(false)
}

func (s *Series) rrule(allDay bool) string {
	p, g := s.rec.Pattern, s.rec.Range
	var b strings.Builder
	part := func(k, v string) {
		if b.Len() > 0 {
			b.WriteByte(';')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(v)
	}
	switch p.Type {
	case Daily:
		part("FREQ", "DAILY")
	case Weekly:
		part("FREQ", "WEEKLY")
	case AbsoluteMonthly, RelativeMonthly:
		part("FREQ", "MONTHLY")
	default:
		part("FREQ", "YEARLY")
	}
	part("INTERVAL", strconv.Itoa(p.Interval))
	switch g.Type {
	case Numbered:
		part("COUNT", strconv.Itoa(g.NumberOfOccurrences))
	case EndDate:
		if allDay {
			part("UNTIL", icalDate(g.EndDate))
		} else {
			part("UNTIL", s.until().Format("20060102T150405Z"))
		}
	}
	switch p.Type {
	case Weekly:
		part("BYDAY", icalDays(p.DaysOfWeek))
		part("WKST", icalDay(p.FirstDayOfWeek))
	case AbsoluteMonthly:
		part("BYMONTHDAY", monthDays(p.DayOfMonth, 31))
		if p.DayOfMonth == 29 || p.DayOfMonth == 30 {
			part("BYSETPOS", "-1")
		}
	case RelativeMonthly:
		part("BYDAY", icalDays(p.DaysOfWeek))
		part("BYSETPOS", strconv.Itoa(orFirst(p.Index).nth()))
	case AbsoluteYearly:
		part("BYMONTH", strconv.Itoa(p.Month))
		// The longest the month gets: a day at or past it is the last day.
		longest := daysIn(2000, time.Month(p.Month))
		if p.DayOfMonth >= longest {
			part("BYMONTHDAY", "-1")
		} else {
			part("BYMONTHDAY", strconv.Itoa(p.DayOfMonth))
		}
	case RelativeYearly:
		part("BYMONTH", strconv.Itoa(p.Month))
		part("BYDAY", icalDays(p.DaysOfWeek))
		part("BYSETPOS", strconv.Itoa(orFirst(p.Index).nth()))
	}
	return b.String()
}

// monthDays is the BYMONTHDAY value for an absolute monthly day.
func monthDays(day, longest int) string {
	switch {
	case day >= longest:
		return "-1"
	case day > 28:
		// The last of 28..day that the month has.
		parts := make([]string, 0, day-27)
		for d := 28; d <= day; d++ {
			parts = append(parts, strconv.Itoa(d))
		}
		return strings.Join(parts, ",")
	}
	return strconv.Itoa(day)
}

// until returns the last instant of the range's endDate, in UTC.
func (s *Series) until() time.Time {
	loc := s.loc
	if s.rangeLoc != nil {
		loc = s.rangeLoc
	}
	next := s.rec.Range.EndDate.AddDays(1)
	return WallTime(next, 0, 0, 0, 0, loc).Add(-time.Second).UTC()
}

var icalDayNames = [7]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

func icalDay(d time.Weekday) string { return icalDayNames[d] }

func icalDays(days []time.Weekday) string {
	sorted := sortedDays(days, time.Sunday)
	parts := make([]string, len(sorted))
	for i, d := range sorted {
		parts[i] = icalDay(d)
	}
	return strings.Join(parts, ",")
}

func icalDate(d Date) string {
	return strconv.Itoa(d.Year*10000 + int(d.Month)*100 + d.Day)
}

// ICalOptions shapes Series.ICalendar.
type ICalOptions struct {
	// TZID names the event's zone in TZID parameters, matching the
	// VTIMEZONE the caller writes; empty means the zone's name
	// (Location().String()). A series in UTC with no TZID is written in
	// UTC form ("...Z") and needs no VTIMEZONE.
	TZID string
	// AllDay writes dates (VALUE=DATE) instead of date-times, for an
	// all-day event.
	AllDay bool
	// MovedAsRDate writes each moved occurrence as an EXDATE of its original
	// start plus an RDATE of its new one (a PERIOD when its length changed),
	// for consumers that take one VEVENT per series. By default a moved
	// occurrence is an Override: a VEVENT of its own with RECURRENCE-ID.
	MovedAsRDate bool
}

// ICalendar is a series' recurrence as RFC 5545 properties: the VEVENT of
// the series master carries DTStart, DTEnd, RRule, ExDates and RDates, and
// each Override becomes a VEVENT of its own with the same UID.
type ICalendar struct {
	DTStart string   // "DTSTART;TZID=Europe/Berlin:20240320T100000"
	DTEnd   string   // "DTEND;TZID=Europe/Berlin:20240320T110000"
	RRule   string   // "RRULE:FREQ=WEEKLY;INTERVAL=1;COUNT=10;BYDAY=MO,WE;WKST=SU"
	ExDates []string // one "EXDATE;TZID=...:..." per cancelled (or, with MovedAsRDate, moved) occurrence
	RDates  []string // with MovedAsRDate: one "RDATE;TZID=...:..." per moved occurrence
	// Overrides are the moved occurrences (without MovedAsRDate).
	Overrides []Override
}

// Override is a moved occurrence as its own VEVENT.
type Override struct {
	Occurrence   Occurrence
	RecurrenceID string // "RECURRENCE-ID;TZID=Europe/Berlin:20240325T100000", the original start
	DTStart      string
	DTEnd        string
}

// Lines returns the master VEVENT's recurrence properties in order:
// DTSTART, DTEND, RRULE, EXDATEs, RDATEs.
func (c ICalendar) Lines() []string {
	lines := []string{c.DTStart, c.DTEnd, c.RRule}
	lines = append(lines, c.ExDates...)
	return append(lines, c.RDates...)
}

// ICalendar returns the series as RFC 5545 properties. DTSTART is the
// series' first occurrence as the pattern places it (Exchange keeps the
// series master there; RFC 5545 counts DTSTART as the first instance),
// even when that occurrence is cancelled or moved: the EXDATE or override
// then takes it out, as RFC 5545 allows.
func (s *Series) ICalendar(opt ICalOptions) ICalendar {
	f := s.First()
	c := ICalendar{
		DTStart: "DTSTART" + s.icalTime(f.Start, opt),
		DTEnd:   "DTEND" + s.icalTime(f.End, opt),
		RRule:   "RRULE:" + s.rrule(opt.AllDay),
	}
	for _, e := range s.exceptions {
		orig := e.OriginalStart.In(s.loc)
		if e.Cancelled || opt.MovedAsRDate {
			c.ExDates = append(c.ExDates, "EXDATE"+s.icalTime(orig, opt))
		}
	}
	for _, o := range s.moved {
		switch {
		case !opt.MovedAsRDate:
			c.Overrides = append(c.Overrides, Override{
				Occurrence:   o,
				RecurrenceID: "RECURRENCE-ID" + s.icalTime(o.OriginalStart.In(s.loc), opt),
				DTStart:      "DTSTART" + s.icalTime(o.Start, opt),
				DTEnd:        "DTEND" + s.icalTime(o.End, opt),
			})
		case opt.AllDay || o.End.Sub(o.Start) == f.End.Sub(f.Start):
			c.RDates = append(c.RDates, "RDATE"+s.icalTime(o.Start, opt))
		default:
			// RFC 5545 3.8.5.2: a PERIOD gives the instance its own length.
			v := s.icalTime(o.Start, opt)
			c.RDates = append(c.RDates, "RDATE;VALUE=PERIOD"+v+"/"+s.icalValue(o.End, opt))
		}
	}
	return c
}

// icalTime returns the parameters and value of a date or date-time
// property: ";TZID=Europe/Berlin:20240320T100000", ":20240320T090000Z" or
// ";VALUE=DATE:20240320".
func (s *Series) icalTime(t time.Time, opt ICalOptions) string {
	switch {
	case opt.AllDay:
		return ";VALUE=DATE:" + icalDate(DateOf(t.In(s.loc)))
	case opt.TZID == "" && s.loc.String() == "UTC":
		return ":" + s.icalValue(t, opt)
	}
	tzid := opt.TZID
	if tzid == "" {
		tzid = s.loc.String()
	}
	return ";TZID=" + paramValue(tzid) + ":" + s.icalValue(t, opt)
}

// icalValue is a date-time value alone, in the form icalTime chose.
func (s *Series) icalValue(t time.Time, opt ICalOptions) string {
	if opt.TZID == "" && s.loc.String() == "UTC" {
		return t.UTC().Format("20060102T150405Z")
	}
	return t.In(s.loc).Format("20060102T150405")
}

// paramValue quotes a parameter value that holds characters RFC 5545 only
// allows quoted (";", ":" and ","), as Windows zone names sometimes do.
func paramValue(v string) string {
	if strings.ContainsAny(v, ";:,") {
		return `"` + strings.ReplaceAll(v, `"`, "") + `"`
	}
	return v
}
