package calendar_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/calendar"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// Protocols the end-to-end tests run on.
const (
	graph     = "graph"
	office365 = "office365"
)

func protocol(srv *sandbox.Server, name string) o365.Option {
	if name == office365 {
		return o365.WithProtocol(o365test.OutlookProtocol(srv))
	}
	return o365.WithProtocol(o365test.GraphProtocol(srv))
}

// schedule is a demo user's schedule on the named protocol.
func schedule(t testing.TB, srv *sandbox.Server, proto, user string, opts ...o365.Option) *calendar.Schedule {
	t.Helper()
	opts = append([]o365.Option{protocol(srv, proto), o365.WithRetry(o365test.FastRetry())}, opts...)
	return calendar.New(o365test.NewAccount(t, srv, user, opts...))
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func berlin(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	must(t, err)
	return loc
}

// view lists the scenario's meeting in a window.
func view(t testing.TB, s *calendar.Schedule, from, to time.Time, subject string) []*calendar.Event {
	t.Helper()
	var out []*calendar.Event
	for ev, err := range s.CalendarView(ctxT(t), from, to, o365.NewQuery().Top(5)) {
		must(t, err)
		if ev.Subject == subject {
			out = append(out, ev)
		}
	}
	return out
}

func startsUTC(t testing.TB, evs []*calendar.Event) []string {
	t.Helper()
	var out []string
	for _, ev := range evs {
		st, err := ev.StartTime()
		must(t, err)
		out = append(out, st.UTC().Format("01-02T15:04")+"/"+ev.Type)
	}
	return out
}

func on(t testing.TB, evs []*calendar.Event, day string) *calendar.Event {
	t.Helper()
	for _, ev := range evs {
		if ev.OriginalStart.Format("2006-01-02") == day {
			return ev
		}
	}
	t.Fatalf("no occurrence on %s in %v", day, startsUTC(t, evs))
	return nil
}

// inboxMessage is what the tests read of a message, without importing the
// mail package.
type inboxMessage struct {
	Subject            string `json:"subject"`
	ODataType          string `json:"@odata.type"`
	MeetingMessageType string `json:"meetingMessageType"`
	MeetingRequestType string `json:"meetingRequestType"`
	Event              *struct {
		ID string `json:"id"`
	} `json:"event"`
}

func inbox(t testing.TB, s *calendar.Schedule) []*inboxMessage {
	t.Helper()
	var out []*inboxMessage
	q := o365.NewQuery().Expand("microsoft.graph.eventMessage/event").Top(50)
	for m, err := range o365.List[inboxMessage](ctxT(t), s.Account(), &o365.Request{Path: "mailFolders/inbox/messages", Query: q}) {
		must(t, err)
		if m.MeetingMessageType != "" {
			out = append(out, m)
		}
	}
	return out
}

// runScenario is the scenario through the library: Alice invites Bob
// to a weekly series (Mondays and Wednesdays 10:00 Berlin, ten occurrences)
// that crosses the change to summer time; Bob accepts the series and
// declines one occurrence; Alice moves one occurrence and deletes another;
// both views list exactly the expected occurrences at the right instants,
// Alice sees Bob's answers, getSchedule shows the busy slots.
func runScenario(t *testing.T, srv *sandbox.Server, proto string) {
	ctx := ctxT(t)
	alice := schedule(t, srv, proto, sandbox.DemoUser)
	bob := schedule(t, srv, proto, sandbox.DemoBob)
	loc := berlin(t)
	const subject = "Design review"

	ev := alice.NewEvent()
	ev.Subject = subject
	ev.SetText("Bring the drafts.")
	ev.SetTimes(time.Date(2026, 3, 16, 10, 0, 0, 0, loc), time.Date(2026, 3, 16, 11, 0, 0, 0, loc))
	ev.SetLocation("Room 1")
	ev.IsOnlineMeeting = true
	must(t, ev.AddAttendee("Bob Baker <"+sandbox.DemoBob+">", calendar.Required))
	must(t, ev.Repeat(calendar.Weekly(time.Monday, time.Wednesday).Count(10)))
	must(t, ev.Save(ctx))
	if ev.Type != calendar.SeriesMaster || ev.ID == "" || ev.JoinURL() == "" || ev.TransactionID == "" {
		t.Fatalf("created: type %q id %q join %q", ev.Type, ev.ID, ev.JoinURL())
	}

	// Bob's inbox holds exactly one request, linked to his copy.
	reqs := inbox(t, bob)
	if len(reqs) != 1 || reqs[0].MeetingMessageType != "meetingRequest" || reqs[0].Event == nil {
		t.Fatalf("Bob's meeting messages: %+v", reqs)
	}
	copyID := reqs[0].Event.ID
	must(t, bob.Event(copyID).Accept(ctx, &calendar.ResponseOptions{Comment: "Gladly"}))
	from, to := time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 27, 0, 0, 0, 0, time.UTC)
	bobView := view(t, bob, from, to, subject)
	must(t, on(t, bobView, "2026-03-25").Decline(ctx, &calendar.ResponseOptions{Comment: "Away that day"}))

	aliceView := view(t, alice, from, to, subject)
	if len(aliceView) != 10 {
		t.Fatalf("Alice's view before changes: %v", startsUTC(t, aliceView))
	}
	moved := on(t, aliceView, "2026-04-01")
	moved.SetTimes(time.Date(2026, 4, 1, 14, 0, 0, 0, loc), time.Date(2026, 4, 1, 15, 0, 0, 0, loc))
	must(t, moved.Save(ctx))
	if moved.Type != calendar.Exception {
		t.Fatalf("moved occurrence is %q", moved.Type)
	}
	must(t, on(t, aliceView, "2026-04-08").Delete(ctx))

	aliceView = view(t, alice, from, to, subject)
	wantAlice := []string{"03-16T09:00/occurrence", "03-18T09:00/occurrence", "03-23T09:00/occurrence", "03-25T09:00/occurrence",
		"03-30T08:00/occurrence", "04-01T12:00/exception", "04-06T08:00/occurrence", "04-13T08:00/occurrence", "04-15T08:00/occurrence"}
	if got := startsUTC(t, aliceView); !slices.Equal(got, wantAlice) {
		t.Fatalf("Alice's view:\n got %v\nwant %v", got, wantAlice)
	}
	for day, want := range map[string]string{"2026-03-16": calendar.ResponseAccepted, "2026-03-25": calendar.ResponseDeclined,
		"2026-04-01": calendar.ResponseNone, "2026-04-15": calendar.ResponseAccepted} {
		a := on(t, aliceView, day).Attendee(sandbox.DemoBob)
		if a == nil || a.Status == nil || a.Status.Response != want {
			t.Errorf("Bob's answer for %s as Alice sees it: %+v, want %s", day, a, want)
		}
	}
	bobView = view(t, bob, from, to, subject)
	wantBob := []string{"03-16T09:00/occurrence", "03-18T09:00/occurrence", "03-23T09:00/occurrence",
		"03-30T08:00/occurrence", "04-01T12:00/exception", "04-06T08:00/occurrence", "04-13T08:00/occurrence", "04-15T08:00/occurrence"}
	if got := startsUTC(t, bobView); !slices.Equal(got, wantBob) {
		t.Fatalf("Bob's view:\n got %v\nwant %v", got, wantBob)
	}
	// Nothing was sent twice: one request, one update, one cancellation for
	// Bob; one acceptance and one decline for Alice.
	var kinds []string
	for _, m := range inbox(t, bob) {
		kinds = append(kinds, m.MeetingMessageType+"/"+m.MeetingRequestType)
	}
	slices.Sort(kinds)
	if want := []string{"meetingCancelled/", "meetingRequest/fullUpdate", "meetingRequest/newMeetingRequest"}; !slices.Equal(kinds, want) {
		t.Errorf("Bob's meeting messages: %v", kinds)
	}
	kinds = nil
	for _, m := range inbox(t, alice) {
		kinds = append(kinds, m.MeetingMessageType)
	}
	slices.Sort(kinds)
	if want := []string{"meetingAccepted", "meetingDeclined"}; !slices.Equal(kinds, want) {
		t.Errorf("Alice's meeting messages: %v", kinds)
	}
	// One series, in each calendar.
	for name, s := range map[string]*calendar.Schedule{"Alice": alice, "Bob": bob} {
		n := 0
		for e, err := range s.ListEvents(ctx, nil) {
			must(t, err)
			if e.Subject == subject {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s has %d series", name, n)
		}
	}

	// getSchedule: Bob busy on April 15 from 08:00 to 09:00 UTC.
	info, err := alice.GetSchedule(ctx, []string{sandbox.DemoBob}, time.Date(2026, 4, 15, 6, 0, 0, 0, time.UTC),
		time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC), time.Hour)
	must(t, err)
	if len(info) != 1 || info[0].AvailabilityView != "002000" || len(info[0].ScheduleItems) != 1 || info[0].ScheduleItems[0].Status != calendar.Busy {
		t.Fatalf("Bob's schedule: %+v", info)
	}
}

func TestScenario(t *testing.T) {
	for _, proto := range []string{graph, office365} {
		t.Run(proto, func(t *testing.T) {
			runScenario(t, o365test.NewSandbox(t), proto)
		})
	}
}

// TestScenarioUnderFaults runs the scenario with 10% of requests throttled
// and 1% of answers dropped after the work was done: the library retries
// and nothing is created or answered twice (runScenario counts messages
// and series).
func TestScenarioUnderFaults(t *testing.T) {
	for _, proto := range []string{graph, office365} {
		t.Run(proto, func(t *testing.T) {
			srv := o365test.NewSandbox(t, o365test.WithFaults("429=10%,drop=1%,retry-after=0,seed=2"))
			runScenario(t, srv, proto)
			got := srv.FaultsInjected()
			t.Logf("faults injected: %v", got)
			if got["429"] == 0 || got["drop"] == 0 {
				t.Fatalf("the fault spec did not fire both kinds: %v", got)
			}
		})
	}
}

// TestTimeZones reads the same event in several zones: Windows and IANA
// names in and out, the same instant each time, and an all-day event
// stays on its dates.
func TestTimeZones(t *testing.T) {
	srv := o365test.NewSandbox(t)
	for _, proto := range []string{graph, office365} {
		t.Run(proto, func(t *testing.T) {
			ctx := ctxT(t)
			s := schedule(t, srv, proto, sandbox.DemoUser)
			tokyo, err := time.LoadLocation("Asia/Tokyo")
			must(t, err)
			ev := s.NewEvent()
			ev.Subject = "Zones " + proto
			start := time.Date(2026, 7, 1, 9, 30, 0, 0, berlin(t))
			ev.SetTimes(start, start.Add(45*time.Minute))
			must(t, ev.Save(ctx))
			if ev.OriginalStartTimeZone == "" || !strings.Contains(ev.Start.TimeZone+ev.OriginalStartTimeZone, "W. Europe") {
				t.Errorf("zones of the created event: start %q original %q", ev.Start.TimeZone, ev.OriginalStartTimeZone)
			}
			for _, loc := range []*time.Location{time.UTC, tokyo, berlin(t)} {
				got, err := s.InZone(loc).GetEvent(ctx, ev.ID, nil)
				must(t, err)
				st, err := got.StartTime()
				must(t, err)
				if !st.Equal(start) || st.Location().String() != loc.String() {
					t.Errorf("in %s: start %v (%s), want %v", loc, st, got.Start.TimeZone, start.In(loc))
				}
			}
			day := s.NewEvent()
			day.Subject = "Holiday " + proto
			day.SetAllDay(time.Date(2026, 12, 24, 0, 0, 0, 0, berlin(t)), time.Date(2026, 12, 26, 0, 0, 0, 0, berlin(t)))
			must(t, day.Save(ctx))
			for _, loc := range []*time.Location{time.UTC, tokyo} {
				got, err := s.InZone(loc).GetEvent(ctx, day.ID, nil)
				must(t, err)
				first, last, err := got.Dates()
				must(t, err)
				if !got.IsAllDay || first.Format(time.DateOnly) != "2026-12-24" || last.Format(time.DateOnly) != "2026-12-26" {
					t.Errorf("all-day event in %s: %v to %v", loc, first, last)
				}
			}
		})
	}
}
