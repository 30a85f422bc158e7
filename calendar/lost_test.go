package calendar_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/calendar"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// lossyTransport passes requests to the sandbox; for the first request that
// matches each rule it lets the server do the work, then drops the answer,
// as a connection reset after the work was done would.
type lossyTransport struct {
	mu      sync.Mutex
	rules   map[string]int // "METHOD suffix" -> answers still to drop
	dropped []string
}

func (l *lossyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for rule, left := range l.rules {
		method, suffix, _ := strings.Cut(rule, " ")
		if left > 0 && r.Method == method && strings.HasSuffix(r.URL.Path, suffix) {
			l.rules[rule] = left - 1
			l.dropped = append(l.dropped, rule)
			resp.Body.Close()
			return nil, errors.New("simulated connection reset after the server processed the request")
		}
	}
	return resp, nil
}

// TestExactlyOnceAfterLostAnswers drops the answer of every kind of write
// once, after the server did the work: a calendar and a share, an event
// with an attachment, an acceptance, a forward, a decline and a
// cancellation. Nothing happens twice.
func TestExactlyOnceAfterLostAnswers(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	loss := &lossyTransport{rules: map[string]int{
		"POST /calendars": 1, "POST /calendarPermissions": 1, "POST /events": 1, "POST /attachments": 1,
		"POST /accept": 1, "POST /forward": 1, "POST /decline": 1, "POST /cancel": 1,
	}}
	client := o365.WithHTTPClient(&http.Client{Transport: loss})
	alice := schedule(t, srv, graph, sandbox.DemoUser, client)
	bob := schedule(t, srv, graph, sandbox.DemoBob, client)

	cal, err := alice.CreateCalendar(ctx, "Lost answers")
	must(t, err)
	_, err = cal.Share(ctx, sandbox.DemoCarol, calendar.RoleRead)
	must(t, err)
	ev := alice.NewEvent()
	ev.Subject = "Exactly once"
	ev.SetTimes(time.Date(2026, 9, 7, 9, 0, 0, 0, time.UTC), time.Date(2026, 9, 7, 10, 0, 0, 0, time.UTC))
	must(t, ev.AddAttendee(sandbox.DemoBob, calendar.Required))
	must(t, ev.Repeat(calendar.Daily().Count(3)))
	_, err = ev.AttachBytes("notes.txt", []byte("agenda"))
	must(t, err)
	must(t, ev.Save(ctx))

	var copyID string
	for e, err := range bob.ListEvents(ctx, nil) {
		must(t, err)
		if e.Subject == "Exactly once" {
			copyID = e.ID
		}
	}
	must(t, bob.Event(copyID).Accept(ctx, nil))
	must(t, bob.Event(copyID).Forward(ctx, "see this", sandbox.DemoDan))
	occ := view(t, bob, time.Date(2026, 9, 7, 0, 0, 0, 0, time.UTC), time.Date(2026, 9, 10, 0, 0, 0, 0, time.UTC), "Exactly once")
	must(t, occ[1].Decline(ctx, nil))
	aliceOcc := view(t, alice, time.Date(2026, 9, 7, 0, 0, 0, 0, time.UTC), time.Date(2026, 9, 10, 0, 0, 0, 0, time.UTC), "Exactly once")
	must(t, aliceOcc[2].Cancel(ctx, "not needed"))

	slices.Sort(loss.dropped)
	if len(loss.dropped) != 8 {
		t.Fatalf("dropped %v: a rule did not fire", loss.dropped)
	}
	count := func(s *calendar.Schedule, pred func(*calendar.Calendar) bool) int {
		n := 0
		for c, err := range s.ListCalendars(ctx, nil) {
			must(t, err)
			if pred(c) {
				n++
			}
		}
		return n
	}
	if n := count(alice, func(c *calendar.Calendar) bool { return c.Name == "Lost answers" }); n != 1 {
		t.Errorf("%d calendars named Lost answers", n)
	}
	perms, err := o365.Collect(cal.ListPermissions(ctx))
	must(t, err)
	if len(perms) != 1 {
		t.Errorf("permissions: %d", len(perms))
	}
	series := 0
	for e, err := range alice.ListEvents(ctx, nil) {
		must(t, err)
		if e.Subject == "Exactly once" {
			series++
			atts, err := o365.Collect(e.ListAttachments(ctx, nil))
			must(t, err)
			if len(atts) != 1 {
				t.Errorf("attachments: %d", len(atts))
			}
			if len(e.Attendees) != 2 {
				t.Errorf("attendees: %+v", e.Attendees)
			}
		}
	}
	if series != 1 {
		t.Fatalf("%d series", series)
	}
	kinds := func(s *calendar.Schedule) []string {
		var out []string
		for _, m := range inbox(t, s) {
			out = append(out, m.MeetingMessageType)
		}
		slices.Sort(out)
		return out
	}
	if got, want := kinds(alice), []string{"meetingAccepted", "meetingDeclined"}; !slices.Equal(got, want) {
		t.Errorf("Alice's meeting messages: %v", got)
	}
	if got, want := kinds(bob), []string{"meetingCancelled", "meetingRequest"}; !slices.Equal(got, want) {
		t.Errorf("Bob's meeting messages: %v", got)
	}
}
