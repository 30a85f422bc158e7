package ical

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// FuzzRead checks that the reader never panics, that its errors carry a
// line number, and that whatever it accepts survives the writer unchanged
// (and the value parsers do not panic on it).
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Europe/Berlin:20260302T100000\r\nRRULE:FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE\r\nEXDATE;TZID=Europe/Berlin:20260304T100000,20260309T100000\r\nSUMMARY:a\\, b\\; c\\nd\r\nATTENDEE;CN=\"Bob, B\";PARTSTAT=ACCEPTED:mailto:bob@example.com\r\nBEGIN:VALARM\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		"BEGIN:VTIMEZONE\nTZID:X\nBEGIN:STANDARD\nDTSTART:16010101T000000\nTZOFFSETFROM:+0000\nTZOFFSETTO:+0000\nEND:STANDARD\nEND:VTIMEZONE\n",
		"BEGIN:A\nX;P=^n^^^':v\n folded\nEND:A\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r := NewReader(strings.NewReader(in))
		r.MaxLineBytes, r.MaxBytes = 4096, 1<<16
		cs, err := r.ReadAll()
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		var out bytes.Buffer
		if err := Write(&out, cs...); err != nil {
			t.Fatalf("accepted components do not write: %v", err)
		}
		back, err := ReadAll(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("written components do not read: %v\n%q", err, out.String())
		}
		if !reflect.DeepEqual(back, cs) {
			t.Fatalf("round trip changed the components:\n%#v\n%#v", cs, back)
		}
		var walk func(c *Component)
		walk = func(c *Component) {
			for i := range c.Properties {
				p := &c.Properties[i]
				p.Text()
				p.TextList()
				p.DateTimes()
				p.Duration()
				p.Recur()
				p.Participant()
			}
			for _, sub := range c.Components {
				walk(sub)
			}
		}
		for _, c := range cs {
			walk(c)
		}
	})
}

// FuzzRecur checks that what ParseRecur accepts it writes back to a rule
// that parses to the same.
func FuzzRecur(f *testing.F) {
	for _, s := range []string{"FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE", "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20261231T230000Z;WKST=SU", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;UNTIL=20300101"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRecur(s)
		if err != nil {
			return
		}
		again, err := ParseRecur(r.String())
		if err != nil || again.String() != r.String() {
			t.Fatalf("%q -> %q -> %v %q", s, r.String(), err, again.String())
		}
	})
}
