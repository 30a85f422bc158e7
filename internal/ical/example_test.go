package ical_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/o365go/o365/internal/ical"
)

// Export a weekly meeting in its own time zone, with attendees, a deleted
// occurrence and the VTIMEZONE it needs.
func ExampleWrite() {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	start := time.Date(2026, 3, 16, 10, 0, 0, 0, berlin)
	cal := ical.NewCalendar("-//o365go//calendar//EN")
	ev := &ical.Component{Name: "VEVENT"}
	rule, err := ical.NewRecur("RRULE", ical.Recur{Freq: ical.Weekly, Count: 10, ByDay: []ical.WeekdayNum{{Day: time.Monday}, {Day: time.Wednesday}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	ev.Add(
		ical.NewText("UID", "040000008200E00074C5B7101A82E008@example.com"),
		ical.NewDateTime("DTSTAMP", time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), ""),
		ical.NewText("SUMMARY", "Team sync; Q2"),
		ical.NewDateTime("DTSTART", start, "Europe/Berlin"),
		ical.NewDateTime("DTEND", start.Add(30*time.Minute), "Europe/Berlin"),
		rule,
		ical.NewDateTimes("EXDATE", "Europe/Berlin", start.AddDate(0, 0, 16)),
		ical.NewOrganizer(ical.Participant{Email: "alice@contoso.com", Name: "Alice"}),
		ical.NewAttendee(ical.Participant{Email: "bob@contoso.com", Name: "Bob", Role: ical.RoleRequired, PartStat: ical.PartStatNeedsAction, RSVP: true}),
	)
	cal.Components = append(cal.Components, ev)
	if err := cal.AddTimezones(map[string]*time.Location{"Europe/Berlin": berlin}); err != nil {
		fmt.Println(err)
		return
	}
	var out strings.Builder
	if err := ical.Write(&out, cal); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(strings.ReplaceAll(out.String(), "\r\n", "\n"))
	// Output:
	// BEGIN:VCALENDAR
	// VERSION:2.0
	// PRODID:-//o365go//calendar//EN
	// CALSCALE:GREGORIAN
	// BEGIN:VTIMEZONE
	// TZID:Europe/Berlin
	// BEGIN:STANDARD
	// DTSTART:20251026T030000
	// TZOFFSETFROM:+0200
	// TZOFFSETTO:+0100
	// RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
	// TZNAME:CET
	// END:STANDARD
	// BEGIN:DAYLIGHT
	// DTSTART:20260329T020000
	// TZOFFSETFROM:+0100
	// TZOFFSETTO:+0200
	// RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
	// TZNAME:CEST
	// END:DAYLIGHT
	// END:VTIMEZONE
	// BEGIN:VEVENT
	// UID:040000008200E00074C5B7101A82E008@example.com
	// DTSTAMP:20260301T120000Z
	// SUMMARY:Team sync\; Q2
	// DTSTART;TZID=Europe/Berlin:20260316T100000
	// DTEND;TZID=Europe/Berlin:20260316T103000
	// RRULE:FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE
	// EXDATE;TZID=Europe/Berlin:20260401T100000
	// ORGANIZER;CN=Alice:mailto:alice@contoso.com
	// ATTENDEE;CN=Bob;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto
	//  :bob@contoso.com
	// END:VEVENT
	// END:VCALENDAR
}

// Read a calendar and the values of its events.
func ExampleReadAll() {
	const in = "BEGIN:VCALENDAR\r\n" +
		"VERSION:2.0\r\n" +
		"BEGIN:VEVENT\r\n" +
		"SUMMARY:Lunch\\, then a walk\r\n" +
		"DTSTART;TZID=America/New_York:20260704T120000\r\n" +
		"DURATION:PT1H30M\r\n" +
		"RRULE:FREQ=YEARLY;COUNT=3\r\n" +
		"END:VEVENT\r\n" +
		"END:VCALENDAR\r\n"
	cals, err := ical.ReadAll(strings.NewReader(in))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ev := range cals[0].Children("VEVENT") {
		start, _ := ev.Get("DTSTART").DateTime()
		ny, _ := time.LoadLocation(start.TZID)
		d, _ := ev.Get("DURATION").Duration()
		r, _ := ev.Get("RRULE").Recur()
		fmt.Println(ev.Get("SUMMARY").Text())
		fmt.Println(start.In(ny).UTC(), d, r.Freq, r.Count)
	}
	// Output:
	// Lunch, then a walk
	// 2026-07-04 16:00:00 +0000 UTC 1h30m0s YEARLY 3
}
