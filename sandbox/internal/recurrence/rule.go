package recurrence

import "time"

// rule is a validated Pattern compiled for expansion: every question it
// answers is integer arithmetic on day numbers (see Date.days).
type rule struct {
	typ      PatternType
	interval int
	mask     uint8 // bit d set: weekday d is in daysOfWeek
	fdow     time.Weekday
	offsets  []int // weekly: selected days as offsets from the week's first day, ascending
	day      int   // absolute patterns: dayOfMonth
	month    time.Month
	nth      int // relative patterns: 1..4, or -1 for last
}

func compile(p Pattern) rule {
	r := rule{typ: p.Type, interval: p.Interval, fdow: p.FirstDayOfWeek, day: p.DayOfMonth, month: time.Month(p.Month), nth: orFirst(p.Index).nth()}
	for _, d := range p.DaysOfWeek {
		r.mask |= 1 << uint(d)
	}
	if r.typ == Weekly {
		for i := range 7 {
			if r.mask&(1<<uint((int(r.fdow)+i)%7)) != 0 {
				r.offsets = append(r.offsets, i)
			}
		}
	}
	return r
}

func (r *rule) has(w time.Weekday) bool { return r.mask&(1<<uint(w)) != 0 }

// monthly reports whether the rule steps in months (monthly and yearly
// patterns: a yearly pattern is a monthly one stepping 12 months).
func (r *rule) monthly() bool { return r.typ != Daily && r.typ != Weekly }

// stepMonths is the number of months between periods of a monthly rule.
func (r *rule) stepMonths() int {
	if r.typ == AbsoluteYearly || r.typ == RelativeYearly {
		return 12 * r.interval
	}
	return r.interval
}

// dayInMonth returns the day of month y-m the rule picks. An absolute day
// the month lacks falls on the month's last day, as Exchange does; a
// relative rule picks the nth (or last) day of the month whose weekday is
// in daysOfWeek, counting all such days together (so "second" of
// [thursday, friday] is the second Thursday-or-Friday of the month).
func (r *rule) dayInMonth(y int, m time.Month) int {
	n := daysIn(y, m)
	if r.typ == AbsoluteMonthly || r.typ == AbsoluteYearly {
		return min(r.day, n)
	}
	w1 := weekdayOfDays(Date{y, m, 1}.days())
	if r.nth < 0 {
		for d := n; d >= 1; d-- {
			if r.has((w1 + time.Weekday(d-1)) % 7) {
				return d
			}
		}
		return n // unreachable: daysOfWeek is not empty
	}
	count := 0
	for d := 1; d <= n; d++ {
		if r.has((w1 + time.Weekday(d-1)) % 7) {
			if count++; count == r.nth {
				return d
			}
		}
	}
	return n // unreachable: every weekday occurs at least four times a month
}

// onOrAfter returns the first day number at or after z that fits the
// pattern, ignoring the interval: the candidates for a series' first
// occurrence.
func (r *rule) onOrAfter(z int) int {
	switch r.typ {
	case Daily:
		return z
	case Weekly:
		for !r.has(weekdayOfDays(z)) {
			z++
		}
		return z
	}
	d := dateOfDays(z)
	y, m := d.Year, d.Month
	if r.typ == AbsoluteYearly || r.typ == RelativeYearly {
		if m > r.month {
			y++
		}
		m = r.month
		if x := (Date{y, m, r.dayInMonth(y, m)}).days(); x >= z {
			return x
		}
		return Date{y + 1, m, r.dayInMonth(y+1, m)}.days()
	}
	if x := (Date{y, m, r.dayInMonth(y, m)}).days(); x >= z {
		return x
	}
	y, m = monthOfIndex(monthIndex(y, m) + 1)
	return Date{y, m, r.dayInMonth(y, m)}.days()
}

// minGapDays returns a lower bound, in days, of the distance between two
// consecutive occurrences: exact for daily and weekly patterns, and the
// least a month or year can give for the others (four weeks a month; 52
// weeks a year; six days less when several weekdays compete in a relative
// pattern).
func (r *rule) minGapDays() int {
	k := r.interval
	switch r.typ {
	case Daily:
		return k
	case Weekly:
		gap := 7*k - (r.offsets[len(r.offsets)-1] - r.offsets[0])
		for i := 1; i < len(r.offsets); i++ {
			gap = min(gap, r.offsets[i]-r.offsets[i-1])
		}
		return gap
	case AbsoluteMonthly:
		return 28 * k
	case RelativeMonthly:
		if r.singleDay() {
			return 28 * k
		}
		return 28*k - 6
	case AbsoluteYearly:
		return 365 * k
	}
	if r.singleDay() {
		return 364 * k
	}
	return 364*k - 6
}

func (r *rule) singleDay() bool { return r.mask&(r.mask-1) == 0 }
