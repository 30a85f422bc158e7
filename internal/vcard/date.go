package vcard

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar date as BDAY and ANNIVERSARY hold it. Year is 0 when
// the card leaves the year out (vCard 4.0's --0412, Apple's
// X-APPLE-OMIT-YEAR).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// String returns the date in vCard 4.0 form: 19850412, or --0412 without a
// year.
func (d Date) String() string {
	if d.Year == 0 {
		return fmt.Sprintf("--%02d%02d", int(d.Month), d.Day)
	}
	return fmt.Sprintf("%04d%02d%02d", d.Year, int(d.Month), d.Day)
}

// NewDate returns a date property (BDAY, ANNIVERSARY) in vCard 4.0 form.
func NewDate(name string, d Date) Property {
	return Property{Name: strings.ToUpper(name), Value: d.String()}
}

// Date reads the property's value as a date, in the forms exporters write:
// 19850412 and --0412 (vCard 4.0), 1985-04-12 and --04-12 (vCard 3.0,
// Google, Apple), with a time part after 'T' ignored (Outlook's
// 1985-04-12T00:00:00Z). A year equal to the X-APPLE-OMIT-YEAR parameter
// means no year.
func (p Property) Date() (Date, error) {
	v := strings.TrimSpace(p.Text())
	if i := strings.IndexByte(v, 'T'); i >= 0 {
		v = v[:i]
	}
	var d Date
	var err error
	switch {
	case strings.HasPrefix(v, "--"):
		d.Month, d.Day, err = monthDay(strings.ReplaceAll(v[2:], "-", ""))
	case len(v) == 8 && !strings.Contains(v, "-"):
		d.Year, err = strconv.Atoi(v[:4])
		if err == nil {
			d.Month, d.Day, err = monthDay(v[4:])
		}
	case len(v) == 10 && v[4] == '-' && v[7] == '-':
		d.Year, err = strconv.Atoi(v[:4])
		if err == nil {
			d.Month, d.Day, err = monthDay(v[5:7] + v[8:])
		}
	default:
		err = fmt.Errorf("unknown form")
	}
	if err == nil && d.Year != 0 && time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Day() != d.Day {
		err = fmt.Errorf("no such day")
	}
	if err != nil {
		return Date{}, fmt.Errorf("vcard: %s value %q is not a date: %v", p.Name, p.Value, err)
	}
	if omit := p.Params.Get("X-APPLE-OMIT-YEAR"); omit != "" && omit == strconv.Itoa(d.Year) {
		d.Year = 0
	}
	return d, nil
}

func monthDay(s string) (time.Month, int, error) {
	if len(s) != 4 {
		return 0, 0, fmt.Errorf("unknown form")
	}
	m, err1 := strconv.Atoi(s[:2])
	d, err2 := strconv.Atoi(s[2:])
	if err1 != nil || err2 != nil || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, 0, fmt.Errorf("no such month or day")
	}
	if d > time.Date(2000, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() { // 2000: leap, so 29 Feb passes
		return 0, 0, fmt.Errorf("no such day")
	}
	return time.Month(m), d, nil
}
