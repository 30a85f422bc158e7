package calendar_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/calendar"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// TestCalendarsAndSharing creates, renames, colours and deletes a calendar,
// and shares one with Bob: before, Bob may see Alice's free/busy only; after,
// he reads her events, finds the calendar among his own, and loses both
// when the share is removed.
func TestCalendarsAndSharing(t *testing.T) {
	srv := o365test.NewSandbox(t)
	for _, proto := range []string{graph, office365} {
		t.Run(proto, func(t *testing.T) {
			ctx := ctxT(t)
			alice := schedule(t, srv, proto, sandbox.DemoUser)
			bob := schedule(t, srv, proto, sandbox.DemoBob)
			name := "Projects " + proto
			cal, err := alice.CreateCalendar(ctx, name)
			must(t, err)
			cal.Name, cal.Color = name+" (renamed)", calendar.ColorLightGreen
			must(t, cal.Save(ctx))
			got, err := alice.GetCalendarByName(ctx, name+" (renamed)")
			must(t, err)
			if got.ID != cal.ID || got.Color != calendar.ColorLightGreen || got.HexColor == "" || got.IsDefaultCalendar {
				t.Fatalf("renamed calendar: %+v", got)
			}
			ev := cal.NewEvent()
			ev.Subject = "In " + name
			ev.SetTimes(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC), time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC))
			must(t, ev.Save(ctx))
			n := 0
			for e, err := range cal.ListEvents(ctx, nil) {
				must(t, err)
				if e.ID == ev.ID {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("the new calendar lists its event %d times", n)
			}

			// Bob and Alice's calendar: free/busy only, until she shares it.
			bobOnAlice := calendar.New(bob.Account(), o365.WithResource("user:"+sandbox.DemoUser))
			_, err = bobOnAlice.GetCalendar(ctx, cal.ID, nil)
			if !errors.Is(err, o365.ErrForbidden) {
				t.Fatalf("Bob reads Alice's unshared calendar: %v", err)
			}
			perm, err := cal.Share(ctx, sandbox.DemoBob, calendar.RoleRead)
			must(t, err)
			if perm.Role != calendar.RoleRead || !perm.IsInsideOrganization {
				t.Fatalf("permission: %+v", perm)
			}
			shared, err := bob.ListSharedCalendars(ctx)
			must(t, err)
			var link *calendar.Calendar
			for _, c := range shared {
				if strings.EqualFold(c.Owner.Address, sandbox.DemoUser) && strings.Contains(c.Name, name) {
					link = c
				}
			}
			if link == nil || link.CanEdit {
				t.Fatalf("Bob's shared calendars: %+v", shared)
			}
			found := false
			for e, err := range link.ListEvents(ctx, nil) {
				must(t, err)
				found = found || e.ID == ev.ID
			}
			if !found {
				t.Fatal("Bob does not see the event through the shared calendar")
			}
			// Read is not write.
			bev := link.NewEvent()
			bev.Subject = "Bob was here"
			bev.SetTimes(time.Date(2026, 5, 5, 9, 0, 0, 0, time.UTC), time.Date(2026, 5, 5, 10, 0, 0, 0, time.UTC))
			if err := bev.Save(ctx); !errors.Is(err, o365.ErrForbidden) {
				t.Fatalf("Bob writes with read access: %v", err)
			}
			perm.Role = calendar.RoleWrite
			must(t, perm.Save(ctx))
			must(t, bev.Save(ctx))
			must(t, perm.Delete(ctx))
			shared, err = bob.ListSharedCalendars(ctx)
			must(t, err)
			for _, c := range shared {
				if strings.Contains(c.Name, name) {
					t.Fatalf("the calendar is still shared: %+v", c)
				}
			}
			must(t, cal.Delete(ctx))
			if _, err := alice.GetCalendar(ctx, cal.ID, nil); !errors.Is(err, o365.ErrNotFound) {
				t.Fatalf("deleted calendar: %v", err)
			}
			if err := alice.DefaultCalendar().Delete(ctx); err == nil {
				t.Fatal("the default calendar was deleted")
			}
			groups := 0
			for g, err := range alice.ListCalendarGroups(ctx, nil) {
				must(t, err)
				if g.Name == "My Calendars" {
					groups++
				}
			}
			if groups != 1 {
				t.Fatalf("calendar groups: %d named My Calendars", groups)
			}
		})
	}
}

// TestGroupCalendar works on a Microsoft 365 group's calendar through
// group:ID: a member creates and reads events.
func TestGroupCalendar(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	s := schedule(t, srv, graph, sandbox.DemoBob, o365.WithResource("group:"+sandbox.DemoEngineeringGroupID))
	ev := s.NewEvent()
	ev.Subject = "Engineering all-hands"
	ev.SetTimes(time.Date(2026, 6, 1, 15, 0, 0, 0, time.UTC), time.Date(2026, 6, 1, 16, 0, 0, 0, time.UTC))
	must(t, ev.Save(ctx))
	evs := view(t, s, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC), ev.Subject)
	if len(evs) != 1 || evs[0].Organizer.EmailAddress.Name != "Engineering" {
		t.Fatalf("group view: %+v", evs)
	}
}

// TestFindMeetingTimes finds a slot when both Alice and Bob are free, in
// working hours (UTC 08:00-17:00 by default).
func TestFindMeetingTimes(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	alice := schedule(t, srv, graph, sandbox.DemoUser)
	bob := schedule(t, srv, graph, sandbox.DemoBob)
	busy := bob.NewEvent()
	busy.Subject = "Bob busy"
	busy.SetTimes(time.Date(2026, 6, 2, 8, 0, 0, 0, time.UTC), time.Date(2026, 6, 2, 10, 0, 0, 0, time.UTC))
	must(t, busy.Save(ctx))
	res, err := alice.FindMeetingTimes(ctx, &calendar.MeetingTimesRequest{
		Attendees: []calendar.AttendeeBase{{EmailAddress: o365.EmailAddress{Address: sandbox.DemoBob}, Type: calendar.Required}},
		Slots: []o365.TimeSlot{{Start: o365.NewDateTimeTimeZone(time.Date(2026, 6, 2, 7, 0, 0, 0, time.UTC)),
			End: o365.NewDateTimeTimeZone(time.Date(2026, 6, 2, 12, 0, 0, 0, time.UTC))}},
		Duration: time.Hour, MaxCandidates: 3, MinimumAttendeePercentage: 100,
	})
	must(t, err)
	if len(res.MeetingTimeSuggestions) == 0 {
		t.Fatalf("no suggestion: %+v", res)
	}
	first, err := res.MeetingTimeSuggestions[0].MeetingTimeSlot.Start.Time()
	must(t, err)
	if !first.Equal(time.Date(2026, 6, 2, 10, 0, 0, 0, time.UTC)) || res.MeetingTimeSuggestions[0].Confidence != 100 {
		t.Fatalf("first suggestion: %+v", res.MeetingTimeSuggestions[0])
	}
}

// TestAttachmentsAndDelta attaches a large file (upload session), an item
// and a reference to an event, and syncs a window twice.
func TestAttachmentsAndDelta(t *testing.T) {
	srv := o365test.NewSandbox(t)
	for _, proto := range []string{graph, office365} {
		t.Run(proto, func(t *testing.T) {
			ctx := ctxT(t)
			s := schedule(t, srv, proto, sandbox.DemoUser)
			from, to := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
			sync := s.SyncEvents(from, to, "")
			first := 0
			for _, err := range sync.Changes(ctx) {
				must(t, err)
				first++
			}
			link := sync.DeltaLink()
			if link == "" {
				t.Fatal("no delta link")
			}

			ev := s.NewEvent()
			ev.Subject = "With attachments " + proto
			ev.SetTimes(time.Date(2026, 8, 3, 9, 0, 0, 0, time.UTC), time.Date(2026, 8, 3, 10, 0, 0, 0, time.UTC))
			must(t, ev.Repeat(calendar.Daily().Count(3)))
			big := bytes.Repeat([]byte("0123456789abcdef"), 4<<20/16+1) // 4 MiB: an upload session
			_, err := ev.AttachBytes("big.bin", big)
			must(t, err)
			agenda := s.NewEvent()
			agenda.Subject = "Agenda item"
			_, err = ev.AttachItem("agenda", agenda, "event")
			must(t, err)
			_, err = ev.AttachReference("Spec", "https://contoso.sharepoint.com/sites/eng/spec.docx")
			must(t, err)
			must(t, ev.Save(ctx))
			kinds := map[string]int64{}
			for a, err := range ev.ListAttachments(ctx, nil) {
				must(t, err)
				kinds[a.Kind()] = a.Size
			}
			if len(kinds) != 3 || kinds["file"] != int64(len(big)) {
				t.Fatalf("attachments: %v", kinds)
			}

			sync = s.SyncEvents(from, to, link)
			var changed []string
			for c, err := range sync.Changes(ctx) {
				must(t, err)
				if !c.Removed {
					changed = append(changed, c.Item.Type)
				}
			}
			if len(changed) != 3 || changed[0] != calendar.Occurrence {
				t.Fatalf("second round: %v (first had %d)", changed, first)
			}
			// Cancel one occurrence: the next round reports it removed.
			occ := view(t, s, from, to, ev.Subject)
			must(t, occ[1].Delete(ctx))
			sync = s.SyncEvents(from, to, sync.DeltaLink())
			var removed []string
			for c, err := range sync.Changes(ctx) {
				must(t, err)
				if c.Removed {
					removed = append(removed, c.ID)
				}
			}
			if len(removed) != 1 || removed[0] != occ[1].ID {
				t.Fatalf("third round removed %v, want %s", removed, occ[1].ID)
			}
		})
	}
}
