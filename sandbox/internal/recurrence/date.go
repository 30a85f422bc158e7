package recurrence

import (
	"cmp"
	"fmt"
	"strconv"
	"time"
)

// Date is a calendar date without a time or a zone: Graph's Edm.Date, as in
// recurrenceRange.startDate and endDate ("2017-04-02").
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t on its own wall clock (in t.Location()).
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses Graph's Edm.Date form, YYYY-MM-DD, and checks that the
// date exists.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("date %q is not of the form YYYY-MM-DD", s)
	}
	y, err1 := strconv.Atoi(s[0:4])
	m, err2 := strconv.Atoi(s[5:7])
	d, err3 := strconv.Atoi(s[8:10])
	if err1 != nil || err2 != nil || err3 != nil || y < 1 || s[0] == '+' || s[5] == '+' || s[8] == '+' {
		return Date{}, fmt.Errorf("date %q is not of the form YYYY-MM-DD", s)
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return Date{}, fmt.Errorf("date %q does not exist", s)
	}
	return Date{y, time.Month(m), d}, nil
}

// String renders the date as YYYY-MM-DD, Graph's form.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero Date (Year 0), which stands for
// "not set".
func (d Date) IsZero() bool { return d == Date{} }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	return cmp.Compare(d.days(), e.days())
}

// AddDays returns the date n days after d (before, for negative n).
func (d Date) AddDays(n int) Date { return dateOfDays(d.days() + n) }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return weekdayOfDays(d.days()) }

// MarshalText renders the date as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// days returns the number of days from 1970-01-01 to d (negative before),
// by Howard Hinnant's days_from_civil, valid for the proleptic Gregorian
// calendar. Day numbers make every step of the expansion integer
// arithmetic: no time.Time is built until an occurrence is produced.
func (d Date) days() int {
	y, m := d.Year, int(d.Month)
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// dateOfDays is the inverse of Date.days (Hinnant's civil_from_days).
func dateOfDays(z int) Date {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return Date{y, time.Month(m), d}
}

// weekdayOfDays returns the weekday of day number z; 1970-01-01 was a
// Thursday.
func weekdayOfDays(z int) time.Weekday {
	return time.Weekday(floorMod(z+4, 7))
}

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// monthIndex numbers months consecutively: year*12 + month-1.
func monthIndex(y int, m time.Month) int { return y*12 + int(m) - 1 }

// monthOfIndex is the inverse of monthIndex.
func monthOfIndex(i int) (int, time.Month) { return floorDiv(i, 12), time.Month(floorMod(i, 12) + 1) }

// floorDiv divides rounding down (towards minus infinity), as calendar
// arithmetic before 1970 needs.
func floorDiv[T int | int64](a, b T) T {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// floorMod is the remainder of floorDiv, never negative for positive b.
func floorMod[T int | int64](a, b T) T { return a - floorDiv(a, b)*b }
