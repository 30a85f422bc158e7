package ical

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Frequency is a recurrence rule's FREQ.
type Frequency string

// The frequencies of RFC 5545 section 3.3.10.
const (
	Secondly Frequency = "SECONDLY"
	Minutely Frequency = "MINUTELY"
	Hourly   Frequency = "HOURLY"
	Daily    Frequency = "DAILY"
	Weekly   Frequency = "WEEKLY"
	Monthly  Frequency = "MONTHLY"
	Yearly   Frequency = "YEARLY"
)

// WeekdayNum is one BYDAY entry: a weekday, and with N non-zero the N-th
// (or, negative, the N-th last) such day of the month or year: {2,
// time.Monday} is "2MO", {-1, time.Friday} "-1FR", {0, time.Sunday} "SU".
type WeekdayNum struct {
	N   int
	Day time.Weekday
}

// Recur is a recurrence rule (RRULE), RFC 5545 section 3.3.10. Zero and
// nil fields are not written.
type Recur struct {
	Freq Frequency
	// Until is the last possible start of an occurrence; the zero Time
	// for none. UntilForm says how it is written: with a DTSTART in a
	// TZID or in UTC, RFC 5545 wants FormUTC (the default); with a
	// floating DTSTART, FormFloating; with a DATE DTSTART, FormDate.
	Until     time.Time
	UntilForm Form
	// Count is the number of occurrences; 0 for no count. Until and Count
	// exclude each other.
	Count int
	// Interval is the step between periods; 0 and 1 both mean every one.
	Interval   int
	BySecond   []int
	ByMinute   []int
	ByHour     []int
	ByDay      []WeekdayNum
	ByMonthDay []int
	ByYearDay  []int
	ByWeekNo   []int
	ByMonth    []int
	BySetPos   []int
	// WeekStart is WKST; nil to leave it out (Monday, by RFC 5545).
	WeekStart *time.Weekday
}

var dayCodes = [...]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// String returns the rule in RFC 5545 form, such as
// "FREQ=WEEKLY;UNTIL=20261231T230000Z;BYDAY=MO,WE".
func (r Recur) String() string {
	var parts []string
	add := func(name, v string) { parts = append(parts, name+"="+v) }
	ints := func(name string, vs []int) {
		if len(vs) == 0 {
			return
		}
		s := make([]string, len(vs))
		for i, v := range vs {
			s[i] = strconv.Itoa(v)
		}
		add(name, strings.Join(s, ","))
	}
	add("FREQ", string(r.Freq))
	if !r.Until.IsZero() {
		switch r.UntilForm {
		case FormDate:
			add("UNTIL", r.Until.Format(dateLayout))
		case FormFloating, FormLocal:
			add("UNTIL", r.Until.Format(localLayout))
		default:
			add("UNTIL", r.Until.UTC().Format(utcLayout))
		}
	}
	if r.Count > 0 {
		add("COUNT", strconv.Itoa(r.Count))
	}
	if r.Interval > 1 {
		add("INTERVAL", strconv.Itoa(r.Interval))
	}
	ints("BYSECOND", r.BySecond)
	ints("BYMINUTE", r.ByMinute)
	ints("BYHOUR", r.ByHour)
	if len(r.ByDay) > 0 {
		s := make([]string, len(r.ByDay))
		for i, d := range r.ByDay {
			s[i] = dayCodes[d.Day%7]
			if d.N != 0 {
				s[i] = strconv.Itoa(d.N) + s[i]
			}
		}
		add("BYDAY", strings.Join(s, ","))
	}
	ints("BYMONTHDAY", r.ByMonthDay)
	ints("BYYEARDAY", r.ByYearDay)
	ints("BYWEEKNO", r.ByWeekNo)
	ints("BYMONTH", r.ByMonth)
	ints("BYSETPOS", r.BySetPos)
	if r.WeekStart != nil {
		add("WKST", dayCodes[*r.WeekStart%7])
	}
	return strings.Join(parts, ";")
}

// Validate reports what is wrong with the rule, if anything: a missing or
// unknown FREQ, both UNTIL and COUNT, a negative count or interval, a
// BYxxx value out of its range.
func (r Recur) Validate() error {
	switch r.Freq {
	case Secondly, Minutely, Hourly, Daily, Weekly, Monthly, Yearly:
	case "":
		return errors.New("recurrence rule without FREQ")
	default:
		return fmt.Errorf("unknown FREQ=%s", r.Freq)
	}
	if !r.Until.IsZero() && r.Count != 0 {
		return errors.New("recurrence rule with both UNTIL and COUNT")
	}
	if r.Count < 0 {
		return fmt.Errorf("COUNT=%d is negative", r.Count)
	}
	if r.Interval < 0 {
		return fmt.Errorf("INTERVAL=%d is negative", r.Interval)
	}
	checks := []struct {
		name     string
		vs       []int
		lo, hi   int
		negative bool
	}{
		{"BYSECOND", r.BySecond, 0, 60, false},
		{"BYMINUTE", r.ByMinute, 0, 59, false},
		{"BYHOUR", r.ByHour, 0, 23, false},
		{"BYMONTHDAY", r.ByMonthDay, 1, 31, true},
		{"BYYEARDAY", r.ByYearDay, 1, 366, true},
		{"BYWEEKNO", r.ByWeekNo, 1, 53, true},
		{"BYMONTH", r.ByMonth, 1, 12, false},
		{"BYSETPOS", r.BySetPos, 1, 366, true},
	}
	for _, c := range checks {
		for _, v := range c.vs {
			a := v
			if c.negative && a < 0 {
				a = -a
			}
			if a < c.lo || a > c.hi {
				return fmt.Errorf("%s=%d is out of range", c.name, v)
			}
		}
	}
	for _, d := range r.ByDay {
		if d.Day < time.Sunday || d.Day > time.Saturday {
			return fmt.Errorf("BYDAY weekday %d is not a weekday", d.Day)
		}
		if d.N < -53 || d.N > 53 {
			return fmt.Errorf("BYDAY=%d%s is out of range", d.N, dayCodes[d.Day])
		}
	}
	if r.WeekStart != nil && (*r.WeekStart < time.Sunday || *r.WeekStart > time.Saturday) {
		return fmt.Errorf("WKST weekday %d is not a weekday", *r.WeekStart)
	}
	return nil
}

// NewRecur returns a recurrence property (RRULE) holding r, or the reason
// r is not a valid rule.
func NewRecur(name string, r Recur) (Property, error) {
	if err := r.Validate(); err != nil {
		return Property{}, fmt.Errorf("ical: %s: %w", strings.ToUpper(name), err)
	}
	return Property{Name: strings.ToUpper(name), Value: r.String()}, nil
}

// Recur parses the property's value as a recurrence rule.
func (p Property) Recur() (Recur, error) {
	r, err := ParseRecur(p.Value)
	if err != nil {
		return r, fmt.Errorf("ical: %s: %w", p.Name, err)
	}
	return r, nil
}

// ParseRecur parses a recurrence rule in RFC 5545 form. Rule part names
// may be in any case and in any order; unknown or repeated parts are
// errors.
func ParseRecur(s string) (Recur, error) {
	var r Recur
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ";") {
		name, v, ok := strings.Cut(part, "=")
		if !ok || v == "" {
			return Recur{}, fmt.Errorf("rule part %q is not NAME=VALUE", part)
		}
		name = strings.ToUpper(name)
		if seen[name] {
			return Recur{}, fmt.Errorf("rule part %s given twice", name)
		}
		seen[name] = true
		var err error
		switch name {
		case "FREQ":
			r.Freq = Frequency(strings.ToUpper(v))
		case "UNTIL":
			var d DateTime
			d, err = parseDateTime(v, false, "")
			r.Until, r.UntilForm = d.Time, d.Form
		case "COUNT":
			r.Count, err = positive(name, v)
		case "INTERVAL":
			r.Interval, err = positive(name, v)
		case "BYSECOND":
			r.BySecond, err = intList(name, v)
		case "BYMINUTE":
			r.ByMinute, err = intList(name, v)
		case "BYHOUR":
			r.ByHour, err = intList(name, v)
		case "BYMONTHDAY":
			r.ByMonthDay, err = intList(name, v)
		case "BYYEARDAY":
			r.ByYearDay, err = intList(name, v)
		case "BYWEEKNO":
			r.ByWeekNo, err = intList(name, v)
		case "BYMONTH":
			r.ByMonth, err = intList(name, v)
		case "BYSETPOS":
			r.BySetPos, err = intList(name, v)
		case "BYDAY":
			for _, d := range strings.Split(v, ",") {
				var wd WeekdayNum
				wd, err = parseWeekdayNum(d)
				if err != nil {
					break
				}
				r.ByDay = append(r.ByDay, wd)
			}
		case "WKST":
			var wd WeekdayNum
			wd, err = parseWeekdayNum(v)
			if err == nil && wd.N != 0 {
				err = fmt.Errorf("WKST=%s is not a weekday", v)
			}
			r.WeekStart = &wd.Day
		default:
			return Recur{}, fmt.Errorf("unknown rule part %s", name)
		}
		if err != nil {
			return Recur{}, err
		}
	}
	if err := r.Validate(); err != nil {
		return Recur{}, err
	}
	return r, nil
}

func positive(name, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s=%s is not a positive number", name, v)
	}
	return n, nil
}

func intList(name, v string) ([]int, error) {
	var out []int
	for _, s := range strings.Split(v, ",") {
		n, err := strconv.Atoi(s)
		if err != nil || len(s) > 4 {
			return nil, fmt.Errorf("%s value %q is not a number", name, s)
		}
		out = append(out, n)
	}
	return out, nil
}

func parseWeekdayNum(s string) (WeekdayNum, error) {
	if len(s) < 2 {
		return WeekdayNum{}, fmt.Errorf("%q is not a weekday", s)
	}
	code := strings.ToUpper(s[len(s)-2:])
	var wd WeekdayNum
	found := false
	for i, c := range dayCodes {
		if c == code {
			wd.Day, found = time.Weekday(i), true
		}
	}
	if !found {
		return WeekdayNum{}, fmt.Errorf("%q is not a weekday", s)
	}
	if num := s[:len(s)-2]; num != "" {
		n, err := strconv.Atoi(num)
		if err != nil || n == 0 || len(num) > 3 {
			return WeekdayNum{}, fmt.Errorf("%q is not a weekday", s)
		}
		wd.N = n
	}
	return wd, nil
}
