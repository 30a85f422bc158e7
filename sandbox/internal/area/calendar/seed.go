package calendar

import (
	"context"
	"fmt"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
)

// Knobs of the calendar's demo data.
const (
	knobSeriesPerUser = "calendar.seriesPerUser"
	knobEventsPerUser = "calendar.eventsPerUser"
)

// seedPatterns are the recurrences generated series cycle through: one of
// each of Graph's pattern types.
var seedPatterns = []map[string]any{
	{"type": "daily", "interval": 1},
	{"type": "weekly", "interval": 1, "daysOfWeek": []any{"monday", "wednesday"}},
	{"type": "weekly", "interval": 2, "daysOfWeek": []any{"friday"}},
	{"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 31},
	{"type": "relativeMonthly", "interval": 1, "daysOfWeek": []any{"thursday"}, "index": "last"},
	{"type": "absoluteYearly", "interval": 1, "dayOfMonth": 29, "month": 2},
	{"type": "relativeYearly", "interval": 1, "daysOfWeek": []any{"monday"}, "index": "first", "month": 9},
}

// seedCalendar gives every demo person a calendar with a focus block, and
// Alice a weekly team meeting with Bob and Carol (their copies and answers
// included). The knobs add generated series and single events to Alice's
// calendar.
func seedCalendar(ctx context.Context, tx *core.Tx, sd *core.SeedContext) error {
	people := map[string]*place{}
	for _, p := range demo.People() {
		u := &core.User{ID: p.ID, UPN: p.UPN(sd.Domain), Mail: p.UPN(sd.Domain), DisplayName: p.DisplayName()}
		pl := &place{owner: p.ID, user: u, role: roleOwner}
		if err := ensureCalendars(ctx, tx, p.ID, userAddress(u), false, sd.Epoch); err != nil {
			return err
		}
		cal, err := tx.Get(ctx, collCalendars, p.ID, defaultCalendarID(p.ID))
		if err != nil {
			return err
		}
		pl.cal = cal
		people[p.ID] = pl
		focus := sd.Epoch.Add(2*24*time.Hour + 4*time.Hour)
		if _, err := seedEvent(ctx, tx, pl, core.SeedItemID(p.ID, "calendar", "focus"), sd.Epoch, map[string]any{
			"subject": "Focus time", "showAs": "busy", "isReminderOn": false,
			"start": map[string]any{"dateTime": focus.Format(graphDateTime), "timeZone": "UTC"},
			"end":   map[string]any{"dateTime": focus.Add(2 * time.Hour).Format(graphDateTime), "timeZone": "UTC"},
		}); err != nil {
			return err
		}
	}
	// The shared mailbox's calendar is everyone's, as Exchange's full access
	// to a shared mailbox makes it: each person is its delegate and finds
	// it among their calendars.
	shared := people[demo.SharedID]
	for _, p := range demo.People() {
		if p.ID == demo.SharedID {
			continue
		}
		u := people[p.ID].user
		addr := userAddress(u)["address"].(string)
		perm := map[string]any{
			"emailAddress": map[string]any{"name": u.DisplayName, "address": addr}, "isRemovable": true,
			"isInsideOrganization": true, "allowedRoles": allowedRoles(true, true), "role": roleNames[roleDelegatePrivate],
		}
		if err := tx.Put(ctx, &core.Object{Collection: collPermissions, Owner: demo.SharedID, ID: permissionID(addr),
			Parent: shared.cal.ID, Data: perm, Created: sd.Epoch}); err != nil {
			return err
		}
		if err := seedShareeLink(ctx, tx, shared, u, roleDelegatePrivate, sd.Epoch); err != nil {
			return err
		}
	}
	alice := people[demo.UserID]
	sync, err := seedEvent(ctx, tx, alice, core.SeedItemID(demo.UserID, "calendar", "team-sync"), sd.Epoch, map[string]any{
		"subject":  "Weekly team sync",
		"body":     map[string]any{"contentType": "html", "content": "<p>What shipped, what is next, what blocks us.</p>"},
		"start":    map[string]any{"dateTime": "2026-01-05T10:00:00", "timeZone": "Europe/Berlin"},
		"end":      map[string]any{"dateTime": "2026-01-05T10:30:00", "timeZone": "Europe/Berlin"},
		"location": map[string]any{"displayName": "Room 18/2100"}, "isOnlineMeeting": true,
		"recurrence": map[string]any{
			"pattern": map[string]any{"type": "weekly", "interval": 1, "daysOfWeek": []any{"monday"}},
			"range":   map[string]any{"type": "noEnd", "startDate": "2026-01-05"},
		},
		"attendees": []any{
			map[string]any{"type": "required", "emailAddress": map[string]any{"name": "Bob Baker", "address": demo.Bob}},
			map[string]any{"type": "optional", "emailAddress": map[string]any{"name": "Carol Clark", "address": demo.Carol}},
		},
	})
	if err != nil {
		return err
	}
	answers := map[string]string{demo.BobID: responseAccepted, demo.CarolID: responseTentative}
	for i, a := range attendeesOf(sync.Data) {
		m := a.(map[string]any)
		id := []string{demo.BobID, demo.CarolID}[i]
		m["status"] = map[string]any{"response": answers[id], "time": core.ISOTime(sd.Epoch)}
		cp := &core.Object{Collection: collEvents, Owner: id, ID: core.SeedItemID(id, "calendar", "team-sync"), Parent: defaultCalendarID(id),
			Created: sd.Epoch, Data: attendeeCopy(sync.Data, sd.Epoch)}
		cp.Data["_organizer"] = map[string]any{"owner": demo.UserID, "id": sync.ID}
		cp.Data["_parentFolderId"] = cp.Parent
		cp.Data["responseStatus"] = map[string]any{"response": answers[id], "time": core.ISOTime(sd.Epoch)}
		cp.Data["showAs"] = map[string]string{responseAccepted: "busy", responseTentative: "tentative"}[answers[id]]
		cp.Sort = eventSort(cp.Data)
		if err := tx.Put(ctx, cp); err != nil {
			return err
		}
		copies(sync.Data)[id] = cp.ID
	}
	if err := tx.Put(ctx, sync); err != nil {
		return err
	}
	for i := range sd.Size(knobSeriesPerUser) {
		hour := 7 + i%10
		start := time.Date(2026, 1, 5+i%28, hour, (i%2)*30, 0, 0, time.UTC)
		if _, err := seedEvent(ctx, tx, alice, core.SeedItemID(demo.UserID, "calendar", "series", fmt.Sprint(i)), sd.Epoch, map[string]any{
			"subject": fmt.Sprintf("Generated series %d", i),
			"start":   map[string]any{"dateTime": start.Format(graphDateTime), "timeZone": "Europe/Berlin"},
			"end":     map[string]any{"dateTime": start.Add(30 * time.Minute).Format(graphDateTime), "timeZone": "Europe/Berlin"},
			"recurrence": map[string]any{
				"pattern": seedPatterns[i%len(seedPatterns)],
				"range":   map[string]any{"type": "noEnd", "startDate": start.Format("2006-01-02")},
			},
		}); err != nil {
			return err
		}
	}
	for i := range sd.Size(knobEventsPerUser) {
		start := sd.Epoch.Add(time.Duration(i) * 3 * time.Hour)
		if _, err := seedEvent(ctx, tx, alice, core.SeedItemID(demo.UserID, "calendar", "event", fmt.Sprint(i)), sd.Epoch, map[string]any{
			"subject": fmt.Sprintf("Generated event %d", i),
			"start":   map[string]any{"dateTime": start.Format(graphDateTime), "timeZone": "UTC"},
			"end":     map[string]any{"dateTime": start.Add(time.Hour).Format(graphDateTime), "timeZone": "UTC"},
		}); err != nil {
			return err
		}
	}
	return nil
}

// seedEvent stores an event built from Graph JSON as createEvent would,
// without messages.
func seedEvent(ctx context.Context, tx *core.Tx, pl *place, id string, at time.Time, in map[string]any) (*core.Object, error) {
	doc := newEventDoc(pl, id, at)
	doc["_uid"] = core.SeedID("calendar", "uid", id)
	doc["iCalUId"] = icalUID(core.Str(doc, "_uid"))
	applyEventInput(doc, in)
	if err := setTimes(doc, in["start"], in["end"]); err != nil {
		return nil, err
	}
	if err := setRecurrence(doc); err != nil {
		return nil, err
	}
	doc["changeKey"] = core.SeedChangeKey("calendar", id)
	doc["_parentFolderId"] = pl.cal.ID
	o := &core.Object{Collection: collEvents, Owner: pl.owner, ID: id, Parent: pl.cal.ID, Data: doc, Created: at, Sort: eventSort(doc)}
	return o, tx.Put(ctx, o)
}
