package ical

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

func BenchmarkNewTimezone(b *testing.B) {
	loc, _ := time.LoadLocation("Europe/Berlin")
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewTimezone("Europe/Berlin", loc, from, from.AddDate(1, 0, 0)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExport200 builds, adds time zones to and writes a calendar of
// 200 recurring events with two attendees each.
func BenchmarkExport200(b *testing.B) {
	loc, _ := time.LoadLocation("Europe/Berlin")
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, loc)
	rule, _ := NewRecur("RRULE", Recur{Freq: Weekly, Count: 20, ByDay: []WeekdayNum{{Day: time.Tuesday}}})
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		cal := NewCalendar("-//bench//EN")
		for i := range 200 {
			ev := &Component{Name: "VEVENT"}
			s := start.Add(time.Duration(i) * time.Hour)
			ev.Add(
				NewText("UID", fmt.Sprintf("ev-%d@bench", i)),
				NewDateTime("DTSTAMP", start, ""),
				NewText("SUMMARY", "Weekly review; budget, plans"),
				NewDateTime("DTSTART", s, "Europe/Berlin"),
				NewDateTime("DTEND", s.Add(time.Hour), "Europe/Berlin"),
				rule,
				NewOrganizer(Participant{Email: "alice@contoso.com", Name: "Alice"}),
				NewAttendee(Participant{Email: "bob@contoso.com", Name: "Bob", Role: RoleRequired, PartStat: PartStatAccepted}),
			)
			cal.Components = append(cal.Components, ev)
		}
		if err := cal.AddTimezones(map[string]*time.Location{"Europe/Berlin": loc}); err != nil {
			b.Fatal(err)
		}
		buf.Reset()
		if err := Write(&buf, cal); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}
