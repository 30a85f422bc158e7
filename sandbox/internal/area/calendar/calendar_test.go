package calendar_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

func event(subject, start, end, zone string) map[string]any {
	return map[string]any{"subject": subject,
		"start": map[string]any{"dateTime": start, "timeZone": zone},
		"end":   map[string]any{"dateTime": end, "timeZone": zone}}
}

// TestAccessRules: other people see a calendar as its permissions allow;
// a group's calendar is its members'.
func TestAccessRules(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	bob := ts.UserToken(t, demo.PublicClientID, demo.Bob)
	limited := ts.UserToken(t, demo.LimitedClientID, demo.Bob)
	aliceCal := "/v1.0/users/" + demo.User + "/calendar"

	// My Organization: free/busy, so the calendar but not its events.
	ts.Do(t, bob, "GET", aliceCal, nil).WantStatus(t, 200)
	ts.Do(t, bob, "GET", aliceCal+"/events", nil).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, bob, "GET", "/v1.0/users/"+demo.User+"/calendarView?startDateTime=2026-01-01&endDateTime=2026-02-01", nil).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, bob, "POST", "/v1.0/users/"+demo.User+"/events", event("x", "2026-01-05T10:00:00", "2026-01-05T11:00:00", "UTC")).WantError(t, 403, "ErrorAccessDenied")
	// Without a .Shared scope, not even that.
	ts.Do(t, limited, "GET", aliceCal, nil).WantError(t, 403, "ErrorAccessDenied")

	// limitedRead: subject and location, not the body or attendees.
	ts.Do(t, alice, "POST", "/v1.0/me/calendar/calendarPermissions", map[string]any{
		"emailAddress": map[string]any{"address": demo.Bob}, "role": "limitedRead"}).WantStatus(t, 201)
	r := ts.Do(t, bob, "GET", aliceCal+"/events?$filter=subject eq 'Weekly team sync'", nil).WantStatus(t, 200)
	v := sandboxtest.Values(t, r)
	if len(v) != 1 || v[0]["subject"] != "Weekly team sync" || v[0]["body"] != nil || len(v[0]["attendees"].([]any)) != 0 {
		t.Fatalf("limitedRead view: %s", r.Raw)
	}
	ts.Do(t, alice, "POST", "/v1.0/me/calendar/calendarPermissions", map[string]any{
		"emailAddress": map[string]any{"address": demo.Bob}, "role": "read"}).WantError(t, 400, "ErrorDuplicateUserIdsSpecified")
	ts.Do(t, alice, "POST", "/v1.0/me/calendar/calendarPermissions", map[string]any{
		"emailAddress": map[string]any{"address": "guest@fabrikam.com"}, "role": "write"}).WantError(t, 400, "ErrorInvalidPermissionSettings")
	perms := sandboxtest.Values(t, ts.Do(t, alice, "GET", "/v1.0/me/calendar/calendarPermissions", nil).WantStatus(t, 200))
	if len(perms) != 2 {
		t.Fatalf("permissions: %v", perms)
	}
	for _, p := range perms {
		if p["isRemovable"] == false {
			ts.Do(t, alice, "DELETE", "/v1.0/me/calendar/calendarPermissions/"+p["id"].(string), nil).WantError(t, 400, "ErrorInvalidRequest")
		}
	}
	// Only the owner manages sharing.
	ts.Do(t, bob, "GET", aliceCal+"/calendarPermissions", nil).WantError(t, 403, "ErrorAccessDenied")

	// The Engineering group's calendar: Bob is a member, the shared
	// mailbox is not; the daemon has no group calendars (Graph serves them
	// to delegated callers only).
	g := "/v1.0/groups/" + demo.EngineeringGroupID
	ts.Do(t, bob, "POST", g+"/events", event("All hands", "2026-02-02T15:00:00", "2026-02-02T16:00:00", "UTC")).WantStatus(t, 201)
	if v := sandboxtest.Values(t, ts.Do(t, alice, "GET", g+"/calendar/events", nil).WantStatus(t, 200)); len(v) != 1 {
		t.Fatalf("group events: %v", v)
	}
	ts.Do(t, ts.AppToken(t), "GET", g+"/events", nil).WantError(t, 403, "ErrorAccessDenied")
	shared := ts.UserToken(t, demo.PublicClientID, demo.Carol)
	ts.Do(t, shared, "GET", "/v1.0/groups/"+demo.AllStaffGroupID+"/events", nil).WantStatus(t, 200)
	ts.Do(t, shared, "GET", "/v1.0/groups/00000000-0000-4000-8000-000000000000/events", nil).WantError(t, 404, "Request_ResourceNotFound")
}

// TestMalformedInput refuses what Exchange refuses, with its codes, and
// stores nothing.
func TestMalformedInput(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	count := func() int {
		return len(sandboxtest.Values(t, ts.Do(t, alice, "GET", "/v1.0/me/events?$top=100", nil).WantStatus(t, 200)))
	}
	before := count()
	weekly := func(rec map[string]any) map[string]any {
		e := event("r", "2026-01-05T10:00:00", "2026-01-05T11:00:00", "Europe/Berlin")
		e["recurrence"] = rec
		return e
	}
	allDay := event("a", "2026-01-05T10:00:00", "2026-01-06T00:00:00", "UTC")
	allDay["isAllDay"] = true
	for _, tc := range []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"no times", map[string]any{"subject": "x"}, 400, "ErrorInvalidRequest"},
		{"unknown property", map[string]any{"subject": "x", "colour": "red"}, 400, "RequestBodyRead"},
		{"unknown zone", event("x", "2026-01-05T10:00:00", "2026-01-05T11:00:00", "Mars/Olympus"), 400, "TimeZoneNotSupportedException"},
		{"end before start", event("x", "2026-01-05T10:00:00", "2026-01-05T09:00:00", "UTC"), 400, "ErrorCalendarEndDateIsEarlierThanStartDate"},
		{"bad importance", map[string]any{"subject": "x", "importance": "urgent"}, 400, "RequestBodyRead"},
		{"bad attendee", map[string]any{"subject": "x", "attendees": []any{map[string]any{"emailAddress": map[string]any{"address": "nobody"}}}}, 400, "ErrorInvalidRecipients"},
		{"all-day at 10:00", allDay, 400, "ErrorPropertyValidationFailure"},
		{"weekly without days", weekly(map[string]any{"pattern": map[string]any{"type": "weekly", "interval": 1},
			"range": map[string]any{"type": "noEnd", "startDate": "2026-01-05"}}), 400, "ErrorCalendarInvalidDayForWeeklyRecurrence"},
		{"unknown pattern member", weekly(map[string]any{"pattern": map[string]any{"type": "daily", "interval": 1, "every": 2},
			"range": map[string]any{"type": "noEnd", "startDate": "2026-01-05"}}), 400, "RequestBodyRead"},
		{"longer than the gap", weekly(map[string]any{"pattern": map[string]any{"type": "daily", "interval": 1},
			"range": map[string]any{"type": "noEnd", "startDate": "2026-01-05"}, "x": 1}), 400, "RequestBodyRead"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts.Do(t, alice, "POST", "/v1.0/me/events", tc.body).WantError(t, tc.status, tc.code)
		})
	}
	long := event("long", "2026-01-05T10:00:00", "2026-01-07T11:00:00", "UTC")
	long["recurrence"] = map[string]any{"pattern": map[string]any{"type": "daily", "interval": 1}, "range": map[string]any{"type": "noEnd", "startDate": "2026-01-05"}}
	ts.Do(t, alice, "POST", "/v1.0/me/events", long).WantError(t, 400, "ErrorOccurrenceTimeSpanTooBig")
	ts.Do(t, alice, "GET", "/v1.0/me/calendarView", nil).WantError(t, 400, "ErrorInvalidParameter")
	ts.Do(t, alice, "GET", "/v1.0/me/calendarView?startDateTime=yesterday&endDateTime=2026-01-01", nil).WantError(t, 400, "ErrorInvalidParameter")
	ts.Do(t, alice, "GET", "/v1.0/me/events/not-an-id", nil).WantError(t, 404, "ErrorItemNotFound")
	if after := count(); after != before {
		t.Fatalf("%d events before, %d after", before, after)
	}
}

// TestMeetingUpdatesAndCancel: the organizer's changes reach the copies;
// only the organizer cancels; all-day events are dates in every zone.
func TestMeetingUpdatesAndCancel(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	bob := ts.UserToken(t, demo.PublicClientID, demo.Bob)
	carol := ts.UserToken(t, demo.PublicClientID, demo.Carol)
	e := event("Planning", "2026-02-10T13:00:00", "2026-02-10T14:00:00", "Pacific Standard Time")
	e["attendees"] = []any{map[string]any{"emailAddress": map[string]any{"address": demo.Bob}}}
	org := ts.Do(t, alice, "POST", "/v1.0/me/events", e).WantStatus(t, 201).JSON
	id := org["id"].(string)
	copyOf := func(tok string) map[string]any {
		for _, v := range sandboxtest.Values(t, ts.Do(t, tok, "GET", "/v1.0/me/events?$filter=iCalUId eq '"+org["iCalUId"].(string)+"'", nil).WantStatus(t, 200)) {
			return v
		}
		return nil
	}
	bc := copyOf(bob)
	if bc == nil || bc["subject"] != "Planning" || bc["isOrganizer"] != false {
		t.Fatalf("Bob's copy: %v", bc)
	}
	// A new subject and Carol added: Bob's copy follows, Carol is invited.
	ts.Do(t, alice, "PATCH", "/v1.0/me/events/"+id, map[string]any{"subject": "Planning (agenda inside)",
		"attendees": []any{map[string]any{"emailAddress": map[string]any{"address": demo.Bob}}, map[string]any{"emailAddress": map[string]any{"address": demo.Carol}, "type": "optional"}}}).WantStatus(t, 200)
	if c := copyOf(bob); c["subject"] != "Planning (agenda inside)" {
		t.Fatalf("Bob's copy after the update: %v", c["subject"])
	}
	if c := copyOf(carol); c == nil {
		t.Fatal("Carol was not invited")
	}
	// Attendees cannot cancel; organizers can. As in Exchange, the copies
	// stay in the attendees' calendars, cancelled and free, until they
	// delete them (msgraph-sdk-go's interop test reads Carol's copy after
	// the cancellation; it was deleted).
	ts.Do(t, bob, "POST", "/v1.0/me/events/"+bc["id"].(string)+"/cancel", map[string]any{"comment": "no"}).WantError(t, 400, "ErrorAccessDenied")
	ts.Do(t, alice, "POST", "/v1.0/me/events/"+id+"/accept", map[string]any{}).WantError(t, 400, "ErrorInvalidRequest")
	ts.Do(t, alice, "POST", "/v1.0/me/events/"+id+"/cancel", map[string]any{"Comment": "Moved to next week"}).WantStatus(t, 202)
	for _, tok := range []string{bob, carol} {
		c := copyOf(tok)
		if c == nil || c["isCancelled"] != true || c["subject"] != "Canceled: Planning (agenda inside)" || c["showAs"] != "free" {
			t.Fatalf("copy after the cancellation: %v", c)
		}
	}
	cc := copyOf(carol)
	ts.Do(t, carol, "POST", "/v1.0/me/events/"+cc["id"].(string)+"/accept", map[string]any{}).WantError(t, 400, "ErrorCalendarIsCancelledForAccept")
	ts.Do(t, carol, "POST", "/v1.0/me/events/"+cc["id"].(string)+"/decline", map[string]any{}).WantError(t, 400, "ErrorCalendarIsCancelledForDecline")
	ts.Do(t, carol, "DELETE", "/v1.0/me/events/"+cc["id"].(string), nil).WantStatus(t, 204)
	if copyOf(carol) != nil {
		t.Fatal("Carol's cancelled copy is still there after she deleted it")
	}
	if n := len(sandboxtest.Values(t, ts.Do(t, carol, "GET", "/v1.0/me/mailFolders/sentitems/messages?$filter=startswith(subject,'Declined')", nil).WantStatus(t, 200))); n != 0 {
		t.Fatalf("deleting a cancelled meeting sent %d responses", n)
	}
	ts.Do(t, alice, "GET", "/v1.0/me/events/"+id, nil).WantError(t, 404, "ErrorItemNotFound")
	msgs := sandboxtest.Values(t, ts.Do(t, carol, "GET", "/v1.0/me/mailFolders/inbox/messages?$filter=meetingMessageType eq 'meetingCancelled'", nil).WantStatus(t, 200))
	if len(msgs) != 1 || !strings.Contains(msgs[0]["body"].(map[string]any)["content"].(string), "Moved to next week") || msgs[0]["subject"] != "Canceled: Planning (agenda inside)" {
		t.Fatalf("Carol's cancellation: %v", msgs)
	}

	// All-day: midnight of the same dates whatever zone is asked for.
	day := event("Offsite", "2026-03-02T00:00:00", "2026-03-04T00:00:00", "Tokyo Standard Time")
	day["isAllDay"] = true
	d := ts.Do(t, alice, "POST", "/v1.0/me/events", day).WantStatus(t, 201).JSON
	for _, zone := range []string{"Pacific Standard Time", "Asia/Tokyo", "UTC"} {
		r := ts.Do(t, alice, "GET", "/v1.0/me/events/"+d["id"].(string), nil, "Prefer", `outlook.timezone="`+zone+`"`).WantStatus(t, 200)
		st := r.JSON["start"].(map[string]any)
		if st["dateTime"] != "2026-03-02T00:00:00.0000000" || st["timeZone"] != zone {
			t.Errorf("all-day start in %s: %v", zone, st)
		}
	}
	// Outlook REST names the zones the Windows way.
	r := ts.Do(t, ts.AliceOutlookToken(t), "GET", "/api/v2.0/me/events/"+d["id"].(string), nil).WantStatus(t, 200)
	if r.JSON["OriginalStartTimeZone"] != "Tokyo Standard Time" || r.JSON["IsAllDay"] != true {
		t.Fatalf("Outlook REST: %s", r.Raw)
	}
	// $batch reaches the calendar too.
	b := ts.Do(t, alice, "POST", "/v1.0/$batch", map[string]any{"requests": []any{
		map[string]any{"id": "1", "method": "GET", "url": "/me/calendarView?startDateTime=2026-03-01T00:00:00Z&endDateTime=2026-03-05T00:00:00Z"},
	}}).WantStatus(t, 200)
	resp := b.JSON["responses"].([]any)[0].(map[string]any)
	if resp["status"] != float64(200) || len(resp["body"].(map[string]any)["value"].([]any)) == 0 {
		t.Fatalf("batch: %s", b.Raw)
	}
}

// TestResponsesAndForward: a tentative answer proposing another time, an
// answer not sent, and a forward that invites one more person.
func TestResponsesAndForward(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	bob := ts.UserToken(t, demo.PublicClientID, demo.Bob)
	dan := ts.UserToken(t, demo.PublicClientID, demo.Dan)
	e := event("Budget", "2026-04-20T09:00:00", "2026-04-20T10:00:00", "UTC")
	e["attendees"] = []any{map[string]any{"emailAddress": map[string]any{"address": demo.Bob}}}
	org := ts.Do(t, alice, "POST", "/v1.0/me/events", e).WantStatus(t, 201).JSON
	mine := func(tok string) map[string]any {
		v := sandboxtest.Values(t, ts.Do(t, tok, "GET", "/v1.0/me/events?$filter=subject eq 'Budget'", nil).WantStatus(t, 200))
		if len(v) != 1 {
			t.Fatalf("events named Budget: %v", v)
		}
		return v[0]
	}
	bc := mine(bob)
	slot := map[string]any{"start": map[string]any{"dateTime": "2026-04-20T14:00:00", "timeZone": "UTC"},
		"end": map[string]any{"dateTime": "2026-04-20T15:00:00", "timeZone": "UTC"}}
	ts.Do(t, bob, "POST", "/v1.0/me/events/"+bc["id"].(string)+"/accept", map[string]any{"proposedNewTime": slot}).WantError(t, 400, "RequestBodyRead")
	ts.Do(t, bob, "POST", "/v1.0/me/events/"+bc["id"].(string)+"/tentativelyAccept",
		map[string]any{"Comment": "Later?", "ProposedNewTime": slot}).WantStatus(t, 202)
	if c := mine(bob); c["showAs"] != "tentative" || c["responseStatus"].(map[string]any)["response"] != "tentativelyAccepted" {
		t.Fatalf("Bob's copy: %v", c)
	}
	o := ts.Do(t, alice, "GET", "/v1.0/me/events/"+org["id"].(string), nil).WantStatus(t, 200).JSON
	att := o["attendees"].([]any)[0].(map[string]any)
	if att["status"].(map[string]any)["response"] != "tentativelyAccepted" || att["proposedNewTime"] == nil {
		t.Fatalf("Alice's view of Bob: %v", att)
	}
	resp := sandboxtest.Values(t, ts.Do(t, alice, "GET", "/v1.0/me/mailFolders/inbox/messages?$filter=meetingMessageType eq 'meetingTenativelyAccepted'&$expand=microsoft.graph.eventMessage/event", nil).WantStatus(t, 200))
	if len(resp) != 1 || resp[0]["proposedNewTime"] == nil || resp[0]["responseType"] != "tentativelyAccepted" ||
		resp[0]["event"].(map[string]any)["id"] != org["id"] {
		t.Fatalf("Alice's response message: %v", resp)
	}
	// An answer not sent changes Bob's copy only.
	ts.Do(t, bob, "POST", "/v1.0/me/events/"+bc["id"].(string)+"/accept", map[string]any{"sendResponse": false}).WantStatus(t, 202)
	o = ts.Do(t, alice, "GET", "/v1.0/me/events/"+org["id"].(string), nil).WantStatus(t, 200).JSON
	if got := o["attendees"].([]any)[0].(map[string]any)["status"].(map[string]any)["response"]; got != "tentativelyAccepted" {
		t.Fatalf("an unsent answer reached Alice: %v", got)
	}
	// Bob forwards it to Dan: Dan is invited, and the organizer's event lists him.
	ts.Do(t, bob, "POST", "/v1.0/me/events/"+bc["id"].(string)+"/forward", map[string]any{
		"ToRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": demo.Dan}}}, "Comment": "FYI"}).WantStatus(t, 202)
	if d := mine(dan); d["isOrganizer"] != false {
		t.Fatalf("Dan's copy: %v", d)
	}
	o = ts.Do(t, alice, "GET", "/v1.0/me/events/"+org["id"].(string), nil).WantStatus(t, 200).JSON
	if len(o["attendees"].([]any)) != 2 {
		t.Fatalf("attendees after the forward: %v", o["attendees"])
	}
	ts.Do(t, bob, "POST", "/v1.0/me/events/"+bc["id"].(string)+"/forward", map[string]any{}).WantError(t, 400, "ErrorInvalidRecipients")
}

// TestMailboxGrantsOpenCalendars checks that the core's mailbox grants
// reach calendars as Exchange's do: full access opens a mailbox's
// calendar, a folder permission on "calendar" opens that calendar with its
// role.
func TestMailboxGrantsOpenCalendars(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	app := ts.AppToken(t)
	// Alice has full access to the shared mailbox and to Bob's (the demo
	// tenant's grants): she reads and writes their calendars.
	ts.Do(t, app, "POST", "/v1.0/users/"+demo.Shared+"/events", event("Team offsite", "2026-02-10T09:00:00", "2026-02-10T17:00:00", "UTC")).WantStatus(t, 201)
	r := ts.Do(t, alice, "GET", "/v1.0/users/"+demo.Shared+"/calendar/events?$filter=subject eq 'Team offsite'", nil).WantStatus(t, 200)
	if len(sandboxtest.Values(t, r)) != 1 {
		t.Fatalf("shared calendar: %s", r.Raw)
	}
	ts.Do(t, alice, "POST", "/v1.0/users/"+demo.Bob+"/events", event("Booked by Alice", "2026-02-11T09:00:00", "2026-02-11T10:00:00", "UTC")).WantStatus(t, 201)
	// Dan: free/busy only, until he shares his calendar as reviewer.
	dan := "/v1.0/users/" + demo.Dan + "/calendar/events"
	ts.Do(t, alice, "GET", dan, nil).WantError(t, 403, "ErrorAccessDenied")
	ts.Grant(t, core.Grant{Mailbox: demo.DanID, Grantee: demo.UserID, Folder: "calendar", Role: "reviewer"})
	ts.Do(t, alice, "GET", dan, nil).WantStatus(t, 200)
	ts.Do(t, alice, "POST", dan, event("x", "2026-02-12T09:00:00", "2026-02-12T10:00:00", "UTC")).WantError(t, 403, "ErrorAccessDenied")
}

// TestTranslateEventIDs checks that translateExchangeIds converts event
// ids too (the calendar's ItemCollections).
func TestTranslateEventIDs(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	id := ts.Do(t, alice, "POST", "/v1.0/me/events", event("Translate me", "2026-02-10T09:00:00", "2026-02-10T10:00:00", "UTC")).WantStatus(t, 201).JSON["id"].(string)
	r := ts.Do(t, alice, "POST", "/v1.0/me/translateExchangeIds", map[string]any{"inputIds": []any{id}, "sourceIdType": "restId", "targetIdType": "restImmutableEntryId"}).WantStatus(t, 200)
	imm, _ := sandboxtest.Values(t, r)[0]["targetId"].(string)
	if imm == "" {
		t.Fatalf("event id not translated: %s", r.Raw)
	}
	r = ts.Do(t, alice, "POST", "/v1.0/me/translateExchangeIds", map[string]any{"inputIds": []any{imm}, "sourceIdType": "restImmutableEntryId", "targetIdType": "restId"}).WantStatus(t, 200)
	if got := sandboxtest.Values(t, r)[0]["targetId"]; got != id {
		t.Fatalf("back to restId: %v, want %s", got, id)
	}
}

// A calendar group created or renamed comes back as a calendarGroup (name,
// classId, changeKey, id), not with a calendar's properties.
func TestCalendarGroupAnswers(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	keys := func(doc map[string]any) string {
		var ks []string
		for k := range doc {
			if !strings.HasPrefix(k, "@") {
				ks = append(ks, k)
			}
		}
		slices.Sort(ks)
		return strings.Join(ks, ",")
	}
	created := ts.Do(t, alice, "POST", "/v1.0/me/calendarGroups", map[string]any{"name": "Projects"}).WantStatus(t, 201).JSON
	if got := keys(created); got != "changeKey,classId,id,name" {
		t.Fatalf("created group: %s", got)
	}
	renamed := ts.Do(t, alice, "PATCH", "/v1.0/me/calendarGroups/"+created["id"].(string), map[string]any{"name": "Old projects"}).WantStatus(t, 200).JSON
	if got := keys(renamed); got != "changeKey,classId,id,name" || renamed["name"] != "Old projects" {
		t.Fatalf("renamed group: %s %v", got, renamed["name"])
	}
}
