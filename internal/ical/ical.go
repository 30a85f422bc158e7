// Package ical writes iCalendar (RFC 5545) and reads it back: components,
// properties with parameters, TEXT escaping, DATE and DATE-TIME values in
// UTC, floating and TZID forms, recurrence rules, durations, attendees, and
// VTIMEZONE components generated from a Go *time.Location. It knows nothing
// of Microsoft Graph: package calendar maps its events onto Component.
//
// A Component is a name, its properties in order and its child
// components. A Property's Value is the value as written on the wire,
// escaped; read it with Text, TextList, DateTime(s), Duration, Recur or
// Participant, and build it with the New... functions, which escape and
// format for the writer.
//
// TEXT escaping differs from vCard 4.0's in one detail: iCalendar escapes
// ';' in every TEXT value (RFC 5545 section 3.3.11), where vCard 4.0 leaves
// it bare outside structured values.
package ical

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/o365go/o365/internal/contentline"
)

// Params holds a property's parameters keyed by upper-case name, each with
// its values in order. Its methods accept names in any case.
type Params = contentline.Params

// Component is an iCalendar component: VCALENDAR, VEVENT, VTIMEZONE,
// STANDARD, VALARM and so on.
type Component struct {
	// Name is the component name in upper case ("VEVENT").
	Name string
	// Properties holds the component's properties in order.
	Properties []Property
	// Components holds the child components in order.
	Components []*Component
}

// Property is one content line of a component, such as
// "DTSTART;TZID=Europe/Berlin:20260302T100000".
type Property struct {
	// Name is the property name in upper case.
	Name string
	// Params holds the parameters; nil when there are none.
	Params Params
	// Value is the value as written, escaped where its type requires.
	Value string
}

// NewCalendar returns a VCALENDAR with VERSION:2.0, the PRODID given (such
// as "-//o365go//calendar//EN") and CALSCALE:GREGORIAN.
func NewCalendar(prodID string) *Component {
	return &Component{Name: "VCALENDAR", Properties: []Property{
		{Name: "VERSION", Value: "2.0"},
		NewText("PRODID", prodID),
		{Name: "CALSCALE", Value: "GREGORIAN"},
	}}
}

// Get returns the first property named name (any case), or nil.
func (c *Component) Get(name string) *Property {
	for i := range c.Properties {
		if strings.EqualFold(c.Properties[i].Name, name) {
			return &c.Properties[i]
		}
	}
	return nil
}

// All returns every property named name (any case), in order. The pointers
// point into c.Properties.
func (c *Component) All(name string) []*Property {
	var out []*Property
	for i := range c.Properties {
		if strings.EqualFold(c.Properties[i].Name, name) {
			out = append(out, &c.Properties[i])
		}
	}
	return out
}

// Add appends properties to the component.
func (c *Component) Add(ps ...Property) {
	c.Properties = append(c.Properties, ps...)
}

// Children returns the child components named name (any case), in order.
func (c *Component) Children(name string) []*Component {
	var out []*Component
	for _, sub := range c.Components {
		if strings.EqualFold(sub.Name, name) {
			out = append(out, sub)
		}
	}
	return out
}

// NewText returns a property holding one TEXT value, escaped as RFC 5545
// requires: backslash, ';', ',' and line breaks.
func NewText(name, text string) Property {
	return Property{Name: strings.ToUpper(name), Value: contentline.Escape(text, ";")}
}

// NewTextList returns a property holding a comma-separated list of TEXT
// values, such as CATEGORIES or RESOURCES.
func NewTextList(name string, values ...string) Property {
	esc := make([]string, len(values))
	for i, v := range values {
		esc[i] = contentline.Escape(v, ";")
	}
	return Property{Name: strings.ToUpper(name), Value: strings.Join(esc, ",")}
}

// Text returns the value as one TEXT value, unescaped.
func (p Property) Text() string {
	return contentline.Unescape(p.Value)
}

// TextList returns the value as a comma-separated list of TEXT values,
// each unescaped. An empty value is an empty list.
func (p Property) TextList() []string {
	if p.Value == "" {
		return nil
	}
	parts := contentline.Split(p.Value, ',')
	for i, s := range parts {
		parts[i] = contentline.Unescape(s)
	}
	return parts
}

// Form is how a DATE or DATE-TIME value is written.
type Form int

// The forms of RFC 5545 section 3.3.5 and DATE.
const (
	// FormUTC is an instant in UTC: 20260302T090000Z.
	FormUTC Form = iota
	// FormLocal is a wall clock time in the zone its TZID parameter
	// names: DTSTART;TZID=Europe/Berlin:20260302T100000.
	FormLocal
	// FormFloating is a wall clock time in whatever zone the reader is:
	// 20260302T100000.
	FormFloating
	// FormDate is a calendar date without a time: VALUE=DATE:20260302.
	FormDate
)

const (
	utcLayout   = "20060102T150405Z"
	localLayout = "20060102T150405"
	dateLayout  = "20060102"
)

// DateTime is a DATE or DATE-TIME value as read. For FormUTC, Time is the
// instant in UTC; for the other forms Time holds the wall clock time (or the
// date at midnight) in time.UTC, and In places it in a zone.
type DateTime struct {
	Time time.Time
	Form Form
	// TZID is the zone identifier of a FormLocal value.
	TZID string
}

// In returns the value as a time in loc: the instant itself for FormUTC,
// the wall clock time (or midnight of the date) in loc otherwise.
func (d DateTime) In(loc *time.Location) time.Time {
	if d.Form == FormUTC {
		return d.Time.In(loc)
	}
	t := d.Time
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc)
}

// NewDateTime returns a DATE-TIME property. With an empty tzid, t is
// written as an instant in UTC (20260302T090000Z); otherwise t's wall clock
// time in its own location is written with TZID=tzid, and the calendar
// needs a VTIMEZONE for tzid (see NewTimezone and AddTimezones). The TZID
// is the caller's choice: an IANA name, or a Windows name for Outlook.
// Sub-second precision is dropped.
func NewDateTime(name string, t time.Time, tzid string) Property {
	return NewDateTimes(name, tzid, t)
}

// NewDateTimes returns a DATE-TIME list property (EXDATE, RDATE) written as
// NewDateTime writes one value.
func NewDateTimes(name, tzid string, ts ...time.Time) Property {
	p := Property{Name: strings.ToUpper(name)}
	vals := make([]string, len(ts))
	for i, t := range ts {
		if tzid == "" {
			vals[i] = t.UTC().Format(utcLayout)
		} else {
			vals[i] = t.Format(localLayout)
		}
	}
	if tzid != "" {
		p.Params.Set("TZID", tzid)
	}
	p.Value = strings.Join(vals, ",")
	return p
}

// NewFloating returns a DATE-TIME property holding t's wall clock time
// without a zone: the same hour wherever the calendar is read.
func NewFloating(name string, t time.Time) Property {
	return Property{Name: strings.ToUpper(name), Value: t.Format(localLayout)}
}

// NewDate returns a DATE property (VALUE=DATE) holding t's date in t's
// location, as all-day events write DTSTART and DTEND.
func NewDate(name string, t time.Time) Property {
	return NewDates(name, t)
}

// NewDates returns a DATE list property (EXDATE;VALUE=DATE, ...).
func NewDates(name string, ts ...time.Time) Property {
	p := Property{Name: strings.ToUpper(name), Params: Params{"VALUE": {"DATE"}}}
	vals := make([]string, len(ts))
	for i, t := range ts {
		vals[i] = t.Format(dateLayout)
	}
	p.Value = strings.Join(vals, ",")
	return p
}

// DateTime returns the property's single DATE or DATE-TIME value.
func (p Property) DateTime() (DateTime, error) {
	ds, err := p.DateTimes()
	if err != nil {
		return DateTime{}, err
	}
	if len(ds) != 1 {
		return DateTime{}, fmt.Errorf("ical: %s holds %d values, want one", p.Name, len(ds))
	}
	return ds[0], nil
}

// DateTimes returns the property's DATE or DATE-TIME values (a list for
// EXDATE and RDATE). PERIOD values are not supported.
func (p Property) DateTimes() ([]DateTime, error) {
	kind := strings.ToUpper(p.Params.Get("VALUE"))
	if kind != "" && kind != "DATE" && kind != "DATE-TIME" {
		return nil, fmt.Errorf("ical: %s: VALUE=%s is not a date or date-time", p.Name, kind)
	}
	tzid := p.Params.Get("TZID")
	var out []DateTime
	for _, v := range strings.Split(p.Value, ",") {
		d, err := parseDateTime(v, kind == "DATE", tzid)
		if err != nil {
			return nil, fmt.Errorf("ical: %s: %w", p.Name, err)
		}
		out = append(out, d)
	}
	return out, nil
}

func parseDateTime(v string, date bool, tzid string) (DateTime, error) {
	switch {
	case len(v) == len(dateLayout) && (date || !strings.Contains(v, "T")):
		t, err := time.Parse(dateLayout, v)
		if err != nil {
			return DateTime{}, fmt.Errorf("invalid DATE %q", v)
		}
		return DateTime{Time: t, Form: FormDate}, nil
	case date:
		return DateTime{}, fmt.Errorf("invalid DATE %q", v)
	case strings.HasSuffix(v, "Z"):
		t, err := time.Parse(utcLayout, v)
		if err != nil {
			return DateTime{}, fmt.Errorf("invalid DATE-TIME %q", v)
		}
		return DateTime{Time: t, Form: FormUTC}, nil
	default:
		t, err := time.Parse(localLayout, v)
		if err != nil {
			return DateTime{}, fmt.Errorf("invalid DATE-TIME %q", v)
		}
		if tzid != "" {
			return DateTime{Time: t, Form: FormLocal, TZID: tzid}, nil
		}
		return DateTime{Time: t, Form: FormFloating}, nil
	}
}

// NewDuration returns a DURATION-valued property (DURATION, TRIGGER) for d,
// written in hours, minutes and seconds ("-PT15M", "PT1H30M", "PT0S"):
// exact durations, unlike iCalendar's nominal days, which stretch across a
// daylight-saving change.
func NewDuration(name string, d time.Duration) Property {
	return Property{Name: strings.ToUpper(name), Value: formatDuration(d)}
}

func formatDuration(d time.Duration) string {
	var b strings.Builder
	if d < 0 {
		b.WriteByte('-')
		d = -d
	}
	b.WriteString("PT")
	secs := int64(d / time.Second)
	h, m, s := secs/3600, secs/60%60, secs%60
	if h > 0 {
		b.WriteString(strconv.FormatInt(h, 10) + "H")
	}
	if m > 0 {
		b.WriteString(strconv.FormatInt(m, 10) + "M")
	}
	if s > 0 || h == 0 && m == 0 {
		b.WriteString(strconv.FormatInt(s, 10) + "S")
	}
	return b.String()
}

// Duration returns the property's DURATION value. Weeks and days count as 7
// and 1 times 24 hours.
func (p Property) Duration() (time.Duration, error) {
	d, err := parseDuration(p.Value)
	if err != nil {
		return 0, fmt.Errorf("ical: %s: %w", p.Name, err)
	}
	return d, nil
}

func parseDuration(v string) (time.Duration, error) {
	s := v
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	if !strings.HasPrefix(s, "P") || len(s) < 3 {
		return 0, fmt.Errorf("invalid DURATION %q", v)
	}
	s = s[1:]
	var d time.Duration
	inTime, seen := false, ""
	for s != "" {
		if s[0] == 'T' {
			if inTime {
				return 0, fmt.Errorf("invalid DURATION %q", v)
			}
			inTime, s = true, s[1:]
			continue
		}
		i := 0
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		if i == 0 || i == len(s) || i > 9 {
			return 0, fmt.Errorf("invalid DURATION %q", v)
		}
		n, _ := strconv.Atoi(s[:i])
		unit := s[i]
		var u time.Duration
		switch {
		case unit == 'W' && !inTime:
			u = 7 * 24 * time.Hour
		case unit == 'D' && !inTime:
			u = 24 * time.Hour
		case unit == 'H' && inTime:
			u = time.Hour
		case unit == 'M' && inTime:
			u = time.Minute
		case unit == 'S' && inTime:
			u = time.Second
		default:
			return 0, fmt.Errorf("invalid DURATION %q", v)
		}
		if strings.IndexByte(seen, unit) >= 0 {
			return 0, fmt.Errorf("invalid DURATION %q", v)
		}
		seen += string(unit)
		d += time.Duration(n) * u
		s = s[i+1:]
	}
	if neg {
		d = -d
	}
	return d, nil
}

// Role is an attendee's ROLE (RFC 5545 section 3.2.16).
type Role string

// The roles.
const (
	RoleChair          Role = "CHAIR"
	RoleRequired       Role = "REQ-PARTICIPANT"
	RoleOptional       Role = "OPT-PARTICIPANT"
	RoleNonParticipant Role = "NON-PARTICIPANT"
)

// PartStat is an attendee's participation status, PARTSTAT (RFC 5545
// section 3.2.12).
type PartStat string

// The participation statuses of an event.
const (
	PartStatNeedsAction PartStat = "NEEDS-ACTION"
	PartStatAccepted    PartStat = "ACCEPTED"
	PartStatDeclined    PartStat = "DECLINED"
	PartStatTentative   PartStat = "TENTATIVE"
	PartStatDelegated   PartStat = "DELEGATED"
)

// CUType is the kind of calendar user, CUTYPE (RFC 5545 section 3.2.3).
type CUType string

// The calendar user types.
const (
	CUTypeIndividual CUType = "INDIVIDUAL"
	CUTypeGroup      CUType = "GROUP"
	CUTypeResource   CUType = "RESOURCE"
	CUTypeRoom       CUType = "ROOM"
	CUTypeUnknown    CUType = "UNKNOWN"
)

// Participant is an ATTENDEE or ORGANIZER: an e-mail address and the
// parameters that describe the person. Empty fields are not written.
type Participant struct {
	Email    string
	Name     string // CN
	Role     Role
	PartStat PartStat
	RSVP     bool
	CUType   CUType
}

// NewAttendee returns an ATTENDEE property: "mailto:" and the address,
// with CN, ROLE, PARTSTAT, RSVP and CUTYPE where set.
func NewAttendee(a Participant) Property {
	return participant("ATTENDEE", a)
}

// NewOrganizer returns an ORGANIZER property: "mailto:" and the address,
// with CN where set (the other fields are ignored).
func NewOrganizer(a Participant) Property {
	return participant("ORGANIZER", Participant{Email: a.Email, Name: a.Name})
}

func participant(name string, a Participant) Property {
	p := Property{Name: name, Value: "mailto:" + a.Email}
	if a.Name != "" {
		p.Params.Set("CN", a.Name)
	}
	if a.Role != "" {
		p.Params.Set("ROLE", string(a.Role))
	}
	if a.PartStat != "" {
		p.Params.Set("PARTSTAT", string(a.PartStat))
	}
	if a.RSVP {
		p.Params.Set("RSVP", "TRUE")
	}
	if a.CUType != "" {
		p.Params.Set("CUTYPE", string(a.CUType))
	}
	return p
}

// Participant reads an ATTENDEE or ORGANIZER property. The address is
// the value without its "mailto:" (percent-decoded); other URI schemes are
// an error.
func (p Property) Participant() (Participant, error) {
	v := contentline.Unescape(p.Value) // some writers escape the value like TEXT
	scheme, addr, ok := strings.Cut(v, ":")
	if !ok || !strings.EqualFold(scheme, "mailto") {
		return Participant{}, fmt.Errorf("ical: %s value %q is not a mailto: address", p.Name, p.Value)
	}
	if a, err := url.PathUnescape(addr); err == nil {
		addr = a
	}
	return Participant{
		Email:    addr,
		Name:     p.Params.Get("CN"),
		Role:     Role(strings.ToUpper(p.Params.Get("ROLE"))),
		PartStat: PartStat(strings.ToUpper(p.Params.Get("PARTSTAT"))),
		RSVP:     strings.EqualFold(p.Params.Get("RSVP"), "TRUE"),
		CUType:   CUType(strings.ToUpper(p.Params.Get("CUTYPE"))),
	}, nil
}

// Error is a syntax or limit error of the reader, with the number of the
// line it is about.
type Error struct {
	Line int
	Err  error
}

// Error returns "ical: line N: " and the cause.
func (e *Error) Error() string { return fmt.Sprintf("ical: line %d: %v", e.Line, e.Err) }

// Unwrap returns the cause, so errors.Is(err, ErrLimit) works.
func (e *Error) Unwrap() error { return e.Err }

// ErrLimit is wrapped by every error for input over one of the Reader's
// limits.
var ErrLimit = errors.New("limit exceeded")
