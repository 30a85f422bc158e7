package ical

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the same zone data on every machine
)

func TestTextEscaping(t *testing.T) {
	// RFC 5545 section 3.3.11: backslash, ';', ',' and line breaks are
	// escaped in every TEXT value; ':' is not.
	tests := []struct{ text, want string }{
		{"plain", "plain"},
		{"a;b", `a\;b`},
		{"a,b", `a\,b`},
		{`a\b`, `a\\b`},
		{"a\nb\r\nc", `a\nb\nc`},
		{"a:b", "a:b"},
		{"Réunion – 東京", "Réunion – 東京"},
	}
	for _, tt := range tests {
		p := NewText("SUMMARY", tt.text)
		if p.Value != tt.want {
			t.Errorf("NewText(%q) = %q, want %q", tt.text, p.Value, tt.want)
		}
		if got, want := p.Text(), strings.ReplaceAll(tt.text, "\r\n", "\n"); got != want {
			t.Errorf("Text(%q) = %q, want %q", p.Value, got, want)
		}
	}
	l := NewTextList("CATEGORIES", "Work", "Team; A, B")
	if l.Value != `Work,Team\; A\, B` || !reflect.DeepEqual(l.TextList(), []string{"Work", "Team; A, B"}) {
		t.Errorf("NewTextList = %q, %q", l.Value, l.TextList())
	}
	if (&Property{}).TextList() != nil {
		t.Error("empty list")
	}
	// \N is a line break too.
	p := Property{Value: `a\Nb`}
	if p.Text() != "a\nb" {
		t.Errorf("Text(%q) = %q", p.Value, p.Text())
	}
}

func TestDateTimes(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	at := time.Date(2026, 3, 2, 10, 0, 0, 500, berlin)
	tests := []struct {
		p    Property
		want string
	}{
		{NewDateTime("DTSTART", at, ""), "DTSTART:20260302T090000Z\r\n"},
		{NewDateTime("DTSTART", at, "Europe/Berlin"), "DTSTART;TZID=Europe/Berlin:20260302T100000\r\n"},
		{NewDateTime("DTSTART", at, "W. Europe Standard Time"), "DTSTART;TZID=W. Europe Standard Time:20260302T100000\r\n"},
		{NewFloating("DTSTART", at), "DTSTART:20260302T100000\r\n"},
		{NewDate("DTSTART", at), "DTSTART;VALUE=DATE:20260302\r\n"},
		{NewDateTimes("EXDATE", "Europe/Berlin", at, at.AddDate(0, 0, 7)), "EXDATE;TZID=Europe/Berlin:20260302T100000,20260309T100000\r\n"},
		{NewDates("EXDATE", at, at.AddDate(0, 0, 1)), "EXDATE;VALUE=DATE:20260302,20260303\r\n"},
		{NewDateTimes("RDATE", "", at), "RDATE:20260302T090000Z\r\n"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		if err := Write(&buf, &Component{Name: "X", Properties: []Property{tt.p}}); err != nil {
			t.Fatal(err)
		}
		got := strings.TrimSuffix(strings.TrimPrefix(buf.String(), "BEGIN:X\r\n"), "END:X\r\n")
		if got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
		ds, err := tt.p.DateTimes()
		if err != nil {
			t.Fatalf("DateTimes(%q): %v", tt.p.Value, err)
		}
		switch d := ds[0]; d.Form {
		case FormUTC:
			if !d.Time.Equal(at.Truncate(time.Second)) {
				t.Errorf("%q read as %v", tt.p.Value, d.Time)
			}
		case FormLocal:
			if d.TZID == "" || !d.In(berlin).Equal(at.Truncate(time.Second)) {
				t.Errorf("%q read as %+v", tt.p.Value, d)
			}
		case FormFloating:
			if !d.In(berlin).Equal(at.Truncate(time.Second)) {
				t.Errorf("%q read as %+v", tt.p.Value, d)
			}
		case FormDate:
			if d.In(berlin) != time.Date(2026, 3, 2, 0, 0, 0, 0, berlin) {
				t.Errorf("%q read as %+v", tt.p.Value, d)
			}
		}
	}
	bad := []Property{
		{Name: "DTSTART", Value: "2026-03-02"},
		{Name: "DTSTART", Value: "20260302T1000"},
		{Name: "DTSTART", Params: Params{"VALUE": {"DATE"}}, Value: "20260302T100000"},
		{Name: "DTSTART", Value: "20261302T100000Z"},
		{Name: "RDATE", Params: Params{"VALUE": {"PERIOD"}}, Value: "20260302T100000Z/PT1H"},
	}
	for _, p := range bad {
		if _, err := p.DateTimes(); err == nil {
			t.Errorf("DateTimes(%q) did not fail", p.Value)
		}
	}
	two := NewDates("EXDATE", at, at)
	if _, err := two.DateTime(); err == nil || !strings.Contains(err.Error(), "holds 2 values") {
		t.Errorf("DateTime of a list: %v", err)
	}
}

func TestDuration(t *testing.T) {
	format := []struct {
		d    time.Duration
		want string
	}{
		{0, "PT0S"},
		{-15 * time.Minute, "-PT15M"},
		{90 * time.Minute, "PT1H30M"},
		{24 * time.Hour, "PT24H"},
		{time.Hour + 5*time.Second, "PT1H5S"},
	}
	for _, tt := range format {
		p := NewDuration("TRIGGER", tt.d)
		if p.Value != tt.want {
			t.Errorf("NewDuration(%v) = %q, want %q", tt.d, p.Value, tt.want)
		}
		if got, err := p.Duration(); err != nil || got != tt.d {
			t.Errorf("Duration(%q) = %v, %v", p.Value, got, err)
		}
	}
	parse := []struct {
		v    string
		want time.Duration
	}{
		{"P1W", 7 * 24 * time.Hour},
		{"-P1D", -24 * time.Hour},
		{"P1DT2H3M4S", 26*time.Hour + 3*time.Minute + 4*time.Second},
		{"+PT5M", 5 * time.Minute},
	}
	for _, tt := range parse {
		p := Property{Name: "DURATION", Value: tt.v}
		if got, err := p.Duration(); err != nil || got != tt.want {
			t.Errorf("Duration(%q) = %v, %v", tt.v, got, err)
		}
	}
	for _, v := range []string{"", "P", "PT", "1H", "PT1D", "P1H", "PT1H1H", "PTT1H", "P1", "PT1X", "P99999999999D"} {
		p := Property{Name: "DURATION", Value: v}
		if _, err := p.Duration(); err == nil {
			t.Errorf("Duration(%q) did not fail", v)
		}
	}
}

func TestRecur(t *testing.T) {
	sunday, monday := time.Sunday, time.Monday
	tests := []struct {
		r    Recur
		want string
	}{
		{Recur{Freq: Daily}, "FREQ=DAILY"},
		{Recur{Freq: Weekly, Count: 10, ByDay: []WeekdayNum{{0, time.Monday}, {0, time.Wednesday}}}, "FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE"},
		{Recur{Freq: Weekly, Interval: 2, Until: time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC), ByDay: []WeekdayNum{{0, time.Friday}}, WeekStart: &sunday}, "FREQ=WEEKLY;UNTIL=20261231T230000Z;INTERVAL=2;BYDAY=FR;WKST=SU"},
		{Recur{Freq: Monthly, ByDay: []WeekdayNum{{-1, time.Friday}}}, "FREQ=MONTHLY;BYDAY=-1FR"},
		{Recur{Freq: Monthly, ByMonthDay: []int{31}, Until: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC), UntilForm: FormDate}, "FREQ=MONTHLY;UNTIL=20270131;BYMONTHDAY=31"},
		{Recur{Freq: Yearly, ByMonth: []int{2}, ByMonthDay: []int{29}}, "FREQ=YEARLY;BYMONTHDAY=29;BYMONTH=2"},
		{Recur{Freq: Monthly, ByDay: []WeekdayNum{{0, time.Monday}, {0, time.Tuesday}, {0, time.Wednesday}, {0, time.Thursday}, {0, time.Friday}}, BySetPos: []int{-1}}, "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"},
		{Recur{Freq: Yearly, ByDay: []WeekdayNum{{2, time.Sunday}}, ByMonth: []int{3}, WeekStart: &monday}, "FREQ=YEARLY;BYDAY=2SU;BYMONTH=3;WKST=MO"},
		{Recur{Freq: Hourly, ByHour: []int{9, 17}, ByMinute: []int{0, 30}, BySecond: []int{0}, ByYearDay: []int{1, -1}, ByWeekNo: []int{20}}, "FREQ=HOURLY;BYSECOND=0;BYMINUTE=0,30;BYHOUR=9,17;BYYEARDAY=1,-1;BYWEEKNO=20"},
		{Recur{Freq: Daily, Until: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC), UntilForm: FormFloating}, "FREQ=DAILY;UNTIL=20260501T100000"},
	}
	for _, tt := range tests {
		p, err := NewRecur("rrule", tt.r)
		if err != nil {
			t.Errorf("NewRecur(%+v): %v", tt.r, err)
			continue
		}
		if p.Name != "RRULE" || p.Value != tt.want {
			t.Errorf("NewRecur = %s:%s, want %s", p.Name, p.Value, tt.want)
		}
		back, err := p.Recur()
		if err != nil {
			t.Errorf("Recur(%q): %v", p.Value, err)
			continue
		}
		if back.String() != tt.want {
			t.Errorf("re-read %q as %q", tt.want, back.String())
		}
	}
	r, err := ParseRecur("byday=mo,-1su;freq=monthly;interval=3")
	if err != nil || r.Freq != Monthly || r.Interval != 3 || !reflect.DeepEqual(r.ByDay, []WeekdayNum{{0, time.Monday}, {-1, time.Sunday}}) {
		t.Errorf("ParseRecur in any order and case = %+v, %v", r, err)
	}
}

func TestRecurErrors(t *testing.T) {
	parse := []struct{ in, want string }{
		{"", `rule part "" is not NAME=VALUE`},
		{"BYDAY=MO", "recurrence rule without FREQ"},
		{"FREQ=FORTNIGHTLY", "unknown FREQ=FORTNIGHTLY"},
		{"FREQ=DAILY;COUNT=3;UNTIL=20260101T000000Z", "recurrence rule with both UNTIL and COUNT"},
		{"FREQ=DAILY;FREQ=WEEKLY", "rule part FREQ given twice"},
		{"FREQ=DAILY;COUNT=0", "COUNT=0 is not a positive number"},
		{"FREQ=DAILY;INTERVAL=x", "INTERVAL=x is not a positive number"},
		{"FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY=32 is out of range"},
		{"FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY=0 is out of range"},
		{"FREQ=YEARLY;BYMONTH=13", "BYMONTH=13 is out of range"},
		{"FREQ=YEARLY;BYMONTH=a", `BYMONTH value "a" is not a number`},
		{"FREQ=MONTHLY;BYDAY=6XX", `"6XX" is not a weekday`},
		{"FREQ=MONTHLY;BYDAY=0MO", `"0MO" is not a weekday`},
		{"FREQ=YEARLY;BYDAY=54MO", "BYDAY=54MO is out of range"},
		{"FREQ=WEEKLY;WKST=1MO", "WKST=1MO is not a weekday"},
		{"FREQ=DAILY;X-NAME=1", "unknown rule part X-NAME"},
		{"FREQ=DAILY;UNTIL=2026", `invalid DATE-TIME "2026"`},
	}
	for _, tt := range parse {
		_, err := ParseRecur(tt.in)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseRecur(%q) error = %v, want %q", tt.in, err, tt.want)
		}
	}
	if _, err := NewRecur("RRULE", Recur{Freq: Daily, Count: -1}); err == nil || err.Error() != "ical: RRULE: COUNT=-1 is negative" {
		t.Errorf("NewRecur error = %v", err)
	}
	if _, err := NewRecur("RRULE", Recur{Freq: Daily, ByDay: []WeekdayNum{{0, 9}}}); err == nil {
		t.Error("NewRecur accepted weekday 9")
	}
}

func TestParticipants(t *testing.T) {
	a := NewAttendee(Participant{Email: "bob@contoso.com", Name: "Bob, the Builder", Role: RoleRequired, PartStat: PartStatAccepted, RSVP: true, CUType: CUTypeIndividual})
	o := NewOrganizer(Participant{Email: "alice@contoso.com", Name: "Alice", Role: RoleChair})
	room := NewAttendee(Participant{Email: "room1@contoso.com", CUType: CUTypeRoom, Role: RoleNonParticipant})
	var buf bytes.Buffer
	if err := Write(&buf, &Component{Name: "VEVENT", Properties: []Property{o, a, room}}); err != nil {
		t.Fatal(err)
	}
	want := "BEGIN:VEVENT\r\n" +
		"ORGANIZER;CN=Alice:mailto:alice@contoso.com\r\n" +
		"ATTENDEE;CN=\"Bob, the Builder\";CUTYPE=INDIVIDUAL;PARTSTAT=ACCEPTED;ROLE=REQ\r\n" +
		" -PARTICIPANT;RSVP=TRUE:mailto:bob@contoso.com\r\n" +
		"ATTENDEE;CUTYPE=ROOM;ROLE=NON-PARTICIPANT:mailto:room1@contoso.com\r\n" +
		"END:VEVENT\r\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	cs, err := ReadAll(&buf)
	if err != nil {
		t.Fatal(err)
	}
	got, err := cs[0].All("ATTENDEE")[0].Participant()
	if err != nil || got != (Participant{Email: "bob@contoso.com", Name: "Bob, the Builder", Role: RoleRequired, PartStat: PartStatAccepted, RSVP: true, CUType: CUTypeIndividual}) {
		t.Errorf("Participant = %+v, %v", got, err)
	}
	org, err := cs[0].Get("ORGANIZER").Participant()
	if err != nil || org != (Participant{Email: "alice@contoso.com", Name: "Alice"}) {
		t.Errorf("organizer = %+v, %v", org, err)
	}
	weird := Property{Name: "ATTENDEE", Value: "MAILTO:j%C3%BCrgen@example.com"}
	if p, err := weird.Participant(); err != nil || p.Email != "jürgen@example.com" {
		t.Errorf("Participant(%q) = %+v, %v", weird.Value, p, err)
	}
	if _, err := (&Property{Name: "ATTENDEE", Value: "urn:uuid:123"}).Participant(); err == nil {
		t.Error("a non-mailto attendee was accepted")
	}
}

func TestWriteRead(t *testing.T) {
	cal := NewCalendar("-//o365go//test//EN")
	ev := &Component{Name: "VEVENT"}
	ev.Add(
		NewText("UID", "abc@example.com"),
		NewDateTime("DTSTAMP", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), ""),
		NewText("SUMMARY", "Planning; budget, Q3 – 2026"),
		NewText("DESCRIPTION", strings.Repeat("Long description with ünïcödé and a\nline break. ", 5)),
	)
	alarm := &Component{Name: "VALARM"}
	alarm.Add(Property{Name: "ACTION", Value: "DISPLAY"}, NewDuration("TRIGGER", -15*time.Minute), NewText("DESCRIPTION", "Reminder"))
	ev.Components = append(ev.Components, alarm)
	cal.Components = append(cal.Components, ev)
	var buf bytes.Buffer
	if err := Write(&buf, cal); err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(strings.TrimSuffix(buf.String(), "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line %d is %d octets", i+1, len(line))
		}
	}
	back, err := ReadAll(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 1 || !reflect.DeepEqual(back[0], cal) {
		t.Errorf("round trip changed the calendar:\n%+v\n%+v", back[0], cal)
	}
	e := back[0].Children("vevent")[0]
	if got := e.Get("SUMMARY").Text(); got != "Planning; budget, Q3 – 2026" {
		t.Errorf("SUMMARY = %q", got)
	}
	if d, err := e.Children("VALARM")[0].Get("TRIGGER").Duration(); err != nil || d != -15*time.Minute {
		t.Errorf("TRIGGER = %v %v", d, err)
	}
	if back[0].Get("version").Value != "2.0" || len(back[0].All("PRODID")) != 1 {
		t.Errorf("calendar properties = %+v", back[0].Properties)
	}
}

func TestWriteErrors(t *testing.T) {
	tests := []struct {
		c    *Component
		want string
	}{
		{&Component{Name: "VCALENDAR", Components: []*Component{{Name: "VEVENT", Properties: []Property{{Name: "SUMMARY", Value: "a\nb"}}}}}, `ical: component 1: VCALENDAR: VEVENT: property 1 (SUMMARY): value contains a line break (escape it as \n)`},
		{&Component{Name: "V EVENT"}, `ical: component 1: invalid character ' ' in component name "V EVENT"`},
		{&Component{Name: "X", Properties: []Property{{Name: "END", Value: "X"}}}, "ical: component 1: X: property 1: END is not a property"},
		{&Component{Name: "X", Components: []*Component{nil}}, "ical: component 1: X: nil component"},
		{nil, "ical: component 1: nil component"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		err := Write(&buf, tt.c)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Write error = %v, want %q", err, tt.want)
		}
		if buf.Len() != 0 {
			t.Errorf("a bad component wrote %q", buf.String())
		}
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nSUMMARY Lunch\nEND:VEVENT\nEND:VCALENDAR\n", "ical: line 4: property without a value separator ':'"},
		{"BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VCALENDAR\n", "ical: line 3: END:VCALENDAR does not close BEGIN:VEVENT on line 2"},
		{"BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\n", "ical: line 3: BEGIN:VEVENT on line 2 has no END:VEVENT"},
		{"SUMMARY:x\n", "ical: line 1: property SUMMARY outside a component (is BEGIN:VCALENDAR missing?)"},
		{"END:VEVENT\n", "ical: line 1: END:VEVENT without a BEGIN"},
		{"BEGIN:VCALENDAR\nX;FOO:1\nEND:VCALENDAR\n", "ical: line 2: property X: parameter FOO has no value ('=' missing)"},
		{"BEGIN:VCALENDAR\nitem1.X:1\nEND:VCALENDAR\n", `ical: line 2: invalid character '.' in property name "item1.X"`},
		{"BEGIN:V CAL\n", `ical: line 1: invalid character ' ' in component name "V CAL"`},
		{"BEGIN:VCALENDAR\n\n X\nEND:VCALENDAR\n", "ical: line 3: continuation line (starting with white space) without a property before it"},
		{"BEGIN:VCALENDAR\nX:a\x00\nEND:VCALENDAR\n", `ical: line 2: property X: value contains the control character '\x00'`},
		{"BEGIN:VCALENDAR\nX;P=\"a\x01\":a\nEND:VCALENDAR\n", `ical: line 2: property X: parameter P contains the control character '\x01'`},
		{"BEGIN:VCALENDAR\r\nX:a\rb\r\nEND:VCALENDAR\r\n", "ical: line 2: carriage return not followed by a line feed (convert the line ends to CRLF or LF)"},
	}
	for _, tt := range tests {
		cs, err := ReadAll(strings.NewReader(tt.in))
		if err == nil || err.Error() != tt.want {
			t.Errorf("ReadAll(%q)\n error = %v\n  want   %s", tt.in, err, tt.want)
		}
		var e *Error
		if cs != nil || !errors.As(err, &e) || e.Line == 0 {
			t.Errorf("ReadAll(%q) = %d components, %T", tt.in, len(cs), err)
		}
	}
}

func TestReadLimits(t *testing.T) {
	deep := strings.Repeat("BEGIN:X\n", 5) + strings.Repeat("END:X\n", 5)
	long := "BEGIN:X\nA:" + strings.Repeat("a", 100) + "\nEND:X\n"
	tests := []struct {
		in    string
		setup func(*Reader)
		want  string
	}{
		{deep, func(r *Reader) { r.MaxDepth = 4 }, "ical: line 5: limit exceeded: components nested deeper than 4"},
		{long, func(r *Reader) { r.MaxLineBytes = 50 }, "ical: line 2: limit exceeded: line is longer than 50 bytes"},
		{"BEGIN:X\nA:" + strings.Repeat("a", 40) + "\n " + strings.Repeat("a", 40) + "\nEND:X\n", func(r *Reader) { r.MaxLineBytes = 50 }, "ical: line 2: limit exceeded: the unfolded line is longer than 50 bytes"},
		{long, func(r *Reader) { r.MaxBytes = 60 }, "ical: line 2: limit exceeded: the component begun on line 1 is larger than 60 bytes"},
	}
	for _, tt := range tests {
		r := NewReader(strings.NewReader(tt.in))
		tt.setup(r)
		_, err := r.ReadAll()
		if err == nil || err.Error() != tt.want || !errors.Is(err, ErrLimit) {
			t.Errorf("error = %v, want %q", err, tt.want)
		}
	}
	r := NewReader(strings.NewReader("BEGIN:A\nEND:A\n\nBEGIN:B\nEND:B\n"))
	a, err1 := r.Read()
	b, err2 := r.Read()
	_, err3 := r.Read()
	if err1 != nil || err2 != nil || a.Name != "A" || b.Name != "B" || err3 == nil {
		t.Errorf("Read = %v %v %v %v %v", a, b, err1, err2, err3)
	}
}
