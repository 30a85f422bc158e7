package recurrence_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/o365go/o365/sandbox/internal/recurrence"
)

// A calendarView handler reads the series master's recurrence, compiles the
// series and expands the requested window.
func Example() {
	body := `{"pattern":{"type":"weekly","interval":1,"daysOfWeek":["monday","wednesday"]},
		"range":{"type":"numbered","startDate":"2024-03-20","numberOfOccurrences":10}}`
	rec, err := recurrence.Parse([]byte(body))
	if err != nil {
		fmt.Println(err) // a *recurrence.Error: answer 400
		return
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	series, err := recurrence.NewSeries(recurrence.Master{
		Recurrence: rec,
		Start:      time.Date(2024, 3, 20, 10, 0, 0, 0, berlin),
		End:        time.Date(2024, 3, 20, 11, 0, 0, 0, berlin),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// The week Berlin moves its clocks: 10:00 stays 10:00, the UTC instant moves.
	from := time.Date(2024, 3, 25, 0, 0, 0, 0, time.UTC)
	for o := range series.Between(from, from.AddDate(0, 0, 10)) {
		fmt.Println(o.Index, o.Key(), o.Type(), o.OriginalStart.Format(time.RFC3339))
	}
	// Output:
	// 2 2024-03-25 occurrence 2024-03-25T09:00:00Z
	// 3 2024-03-27 occurrence 2024-03-27T09:00:00Z
	// 4 2024-04-01 occurrence 2024-04-01T08:00:00Z
	// 5 2024-04-03 occurrence 2024-04-03T08:00:00Z
}

// Moved and cancelled occurrences are supplied by the caller, keyed by their
// original start; CheckMove applies Exchange's rule before a move is stored.
func ExampleSeries_CheckMove() {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	at := func(day, hour int) time.Time { return time.Date(2024, 5, day, hour, 0, 0, 0, tokyo) }
	rec := recurrence.PatternedRecurrence{
		Pattern: recurrence.Pattern{Type: recurrence.Daily, Interval: 1},
		Range:   recurrence.Range{Type: recurrence.Numbered, StartDate: recurrence.Date{Year: 2024, Month: 5, Day: 1}, NumberOfOccurrences: 4},
	}
	master := recurrence.Master{Recurrence: rec, Start: at(1, 9), End: at(1, 10)}
	series, _ := recurrence.NewSeries(master)

	err := series.CheckMove(at(2, 9), at(3, 9), at(3, 10)) // onto the next day's occurrence
	var e *recurrence.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code, "-", e.Message)
	}

	master.Exceptions = []recurrence.Exception{
		{OriginalStart: at(2, 9), Start: at(2, 15), End: at(2, 16)},
		{OriginalStart: at(3, 9), Cancelled: true},
	}
	series, _ = recurrence.NewSeries(master)
	for o := range series.All() {
		fmt.Println(o.Index, o.Type(), o.Start.Format("Jan 2 15:04"))
	}
	// Output:
	// ErrorOccurrenceCrossingBoundary - Modified occurrence is crossing or overlapping adjacent occurrence.
	// 1 occurrence May 1 09:00
	// 2 exception May 2 15:00
	// 4 occurrence May 4 09:00
}

// Validation errors carry Graph's code and message for the 400 answer, and
// a reason of our own.
func ExamplePatternedRecurrence_Validate() {
	rec, _ := recurrence.Parse([]byte(`{"pattern":{"type":"weekly","interval":1},
		"range":{"type":"endDate","startDate":"2024-01-01","endDate":"4501-01-01"}}`))
	var e *recurrence.Error
	if errors.As(rec.Validate(), &e) {
		fmt.Println(e.Code)
		fmt.Println(e.Message)
		fmt.Println(e.Reason)
	}
	// Output:
	// ErrorCalendarInvalidDayForWeeklyRecurrence
	// The value of the DaysOfWeek property is invalid for a weekly recurrence.
	// a weekly pattern needs daysOfWeek, such as ["monday","wednesday"]
}

// The RFC 5545 form of a series, for an iCalendar export: the master's
// VEVENT properties, and one override VEVENT per moved occurrence.
func ExampleSeries_ICalendar() {
	ny, _ := time.LoadLocation("America/New_York")
	rec, _ := recurrence.Parse([]byte(`{"pattern":{"type":"absoluteMonthly","interval":1,"dayOfMonth":31},
		"range":{"type":"endDate","startDate":"2024-01-01","endDate":"2024-06-30"}}`))
	start := time.Date(2024, 1, 1, 17, 0, 0, 0, ny)
	series, _ := recurrence.NewSeries(recurrence.Master{
		Recurrence: rec, Start: start, End: start.Add(30 * time.Minute),
		Exceptions: []recurrence.Exception{{OriginalStart: time.Date(2024, 4, 30, 17, 0, 0, 0, ny), Cancelled: true}},
	})
	ics := series.ICalendar(recurrence.ICalOptions{})
	fmt.Println(strings.Join(ics.Lines(), "\n"))
	// Output:
	// DTSTART;TZID=America/New_York:20240131T170000
	// DTEND;TZID=America/New_York:20240131T173000
	// RRULE:FREQ=MONTHLY;INTERVAL=1;UNTIL=20240701T035959Z;BYMONTHDAY=-1
	// EXDATE;TZID=America/New_York:20240430T170000
}

// WallTime gives a wall-clock time its instant, also on the days the clocks
// change.
func ExampleWallTime() {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	spring := recurrence.Date{Year: 2024, Month: time.March, Day: 31}
	autumn := recurrence.Date{Year: 2024, Month: time.October, Day: 27}
	fmt.Println(recurrence.WallTime(spring, 2, 30, 0, 0, berlin)) // skipped: moves forward
	fmt.Println(recurrence.WallTime(autumn, 2, 30, 0, 0, berlin)) // repeated: the first
	// Output:
	// 2024-03-31 03:30:00 +0200 CEST
	// 2024-10-27 02:30:00 +0200 CEST
}
