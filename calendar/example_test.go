package calendar_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/calendar"
	"github.com/o365go/o365/sandbox"
)

// exampleSchedules starts a seeded sandbox and returns Alice's and Bob's
// schedules on it, and a function that stops the sandbox. Real programs
// build the account with an auth credential against Microsoft Graph.
func exampleSchedules() (alice, bob *calendar.Schedule, stop func()) {
	srv, err := sandbox.New(sandbox.Options{Seed: "demo"})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := srv.Start(ctx); err != nil {
		log.Fatal(err)
	}
	account := func(user string) *o365.Account {
		resp, err := http.PostForm(srv.AuthorityURL("")+"/oauth2/v2.0/token", url.Values{
			"grant_type": {"password"}, "client_id": {sandbox.DemoPublicClientID}, "username": {user},
			"password": {sandbox.DemoPassword}, "scope": {"https://graph.microsoft.com/.default"},
		})
		if err != nil {
			log.Fatal(err)
		}
		defer resp.Body.Close()
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
			log.Fatal(err)
		}
		p := o365.Graph()
		p.BaseURL = srv.URL() + "/"
		acct, err := o365.New(o365.WithProtocol(p), o365.WithTokenSource(o365.StaticToken(tok.AccessToken)))
		if err != nil {
			log.Fatal(err)
		}
		return acct
	}
	return calendar.New(account(sandbox.DemoUser)), calendar.New(account(sandbox.DemoBob)), func() { cancel(); _ = srv.Close() }
}

// Create a weekly meeting: Mondays and Wednesdays at 10:00 in Berlin, ten
// times, with Bob invited (he gets a meeting request in his inbox).
func Example_createMeeting() {
	alice, _, stop := exampleSchedules()
	defer stop()
	ctx := context.Background()
	berlin, _ := time.LoadLocation("Europe/Berlin")

	ev := alice.NewEvent()
	ev.Subject = "Design review"
	start := time.Date(2026, 3, 16, 10, 0, 0, 0, berlin)
	ev.SetTimes(start, start.Add(time.Hour))
	ev.SetLocation("Room 1")
	ev.IsOnlineMeeting = true
	_ = ev.AddAttendee("Bob Baker <bob@contoso.onmicrosoft.com>", calendar.Required)
	if err := ev.Repeat(calendar.Weekly(time.Monday, time.Wednesday).Count(10)); err != nil {
		fmt.Println(err)
		return
	}
	if err := ev.Save(ctx); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ev.Type, ev.Recurrence.Pattern.DaysOfWeek, strings.HasPrefix(ev.JoinURL(), "https://teams.microsoft.com/"))
	// Output: seriesMaster [monday wednesday] true
}

// List a week's agenda in a zone of your choice: occurrences of series are
// expanded, in order of start.
func Example_agenda() {
	alice, _, stop := exampleSchedules()
	defer stop()
	ctx := context.Background()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	monday := time.Date(2026, 1, 5, 0, 0, 0, 0, berlin)
	for ev, err := range alice.InZone(berlin).CalendarView(ctx, monday, monday.AddDate(0, 0, 7), nil) {
		if err != nil {
			fmt.Println(err)
			return
		}
		start, _ := ev.StartTime()
		fmt.Println(start.Format("Mon 15:04"), ev.Subject)
	}
	// Output:
	// Mon 10:00 Weekly team sync
	// Wed 14:00 Focus time
}

// Accept an invitation: Bob finds Alice's weekly team sync in his
// calendar and accepts it for the whole series.
func Example_acceptInvitation() {
	_, bob, stop := exampleSchedules()
	defer stop()
	ctx := context.Background()
	for ev, err := range bob.ListEvents(ctx, nil) {
		if err != nil {
			fmt.Println(err)
			return
		}
		if ev.IsOrganizer || ev.Type != calendar.SeriesMaster {
			continue
		}
		if err := ev.Accept(ctx, &calendar.ResponseOptions{Comment: "See you there"}); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("accepted", ev.Subject, "from", ev.Organizer.EmailAddress.Name)
	}
	// Output: accepted Weekly team sync from Alice Adams
}

// Find free time: an hour when Alice and Bob are both free on a day.
func Example_findFreeTime() {
	alice, _, stop := exampleSchedules()
	defer stop()
	ctx := context.Background()
	day := time.Date(2026, 1, 7, 0, 0, 0, 0, time.UTC)
	res, err := alice.FindMeetingTimes(ctx, &calendar.MeetingTimesRequest{
		Attendees: []calendar.AttendeeBase{{EmailAddress: o365.EmailAddress{Address: sandbox.DemoBob}, Type: calendar.Required}},
		Slots:     []o365.TimeSlot{{Start: o365.NewDateTimeTimeZone(day.Add(12 * time.Hour)), End: o365.NewDateTimeTimeZone(day.Add(17 * time.Hour))}},
		Duration:  time.Hour, MaxCandidates: 2,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range res.MeetingTimeSuggestions {
		start, _ := s.MeetingTimeSlot.Start.Time()
		fmt.Println(start.UTC().Format("15:04"), s.Confidence)
	}
	// Output:
	// 12:00 100
	// 15:00 100
}

// Export a series to iCalendar (RRULE, EXDATE, RECURRENCE-ID, VTIMEZONE).
func Example_exportICS() {
	alice, _, stop := exampleSchedules()
	defer stop()
	ctx := context.Background()
	for ev, err := range alice.ListEvents(ctx, o365.NewQuery().Filter(o365.Eq("subject", "Weekly team sync"))) {
		if err != nil {
			fmt.Println(err)
			return
		}
		var out strings.Builder
		if err := alice.ExportEvent(ctx, &out, ev.ID); err != nil {
			fmt.Println(err)
			return
		}
		_, vevent, _ := strings.Cut(out.String(), "BEGIN:VEVENT")
		for line := range strings.SplitSeq(vevent, "\r\n") {
			if strings.HasPrefix(line, "RRULE") || strings.HasPrefix(line, "DTSTART") || strings.HasPrefix(line, "SUMMARY") {
				fmt.Println(line)
			}
		}
	}
	// Output:
	// DTSTART;TZID=Europe/Berlin:20260105T100000
	// SUMMARY:Weekly team sync
	// RRULE:FREQ=WEEKLY;BYDAY=MO;WKST=SU
}
