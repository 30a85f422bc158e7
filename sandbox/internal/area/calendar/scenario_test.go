package calendar_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

// dialect is one of the sandbox's APIs: Graph's (camelCase, IANA or Windows
// zones) or Outlook REST's (PascalCase, Windows zones).
type dialect struct {
	name   string
	root   string
	berlin string // the zone name clients of the dialect send
	pascal bool
}

var dialects = []dialect{
	{name: "graph", root: "/v1.0", berlin: "Europe/Berlin"},
	{name: "office365", root: "/api/v2.0", berlin: "W. Europe Standard Time", pascal: true},
}

// body converts a request body written in camelCase to the dialect.
func (d dialect) body(v any) any {
	if !d.pascal {
		return v
	}
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, val := range v {
			if !strings.HasPrefix(k, "@") {
				r := []rune(k)
				r[0] = unicode.ToUpper(r[0])
				k = string(r)
			}
			out[k] = d.body(val)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, val := range v {
			out[i] = d.body(val)
		}
		return out
	}
	return v
}

// get reads a property whatever the dialect's case: get(m, "start", "dateTime").
func get(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		if x, ok := m[p]; ok {
			v = x
			continue
		}
		r := []rune(p)
		r[0] = unicode.ToUpper(r[0])
		v = m[string(r)]
	}
	return v
}

func str(v any, path ...string) string { s, _ := get(v, path...).(string); return s }

// values is the value array of a collection answer.
func values(t *testing.T, r *sandboxtest.Response) []map[string]any {
	t.Helper()
	return sandboxtest.Values(t, r)
}

// view lists the scenario's meeting in a calendarView window, following
// nextLinks.
func view(t *testing.T, ts *sandboxtest.Server, tok, root, from, to string, headers ...string) []map[string]any {
	t.Helper()
	path := root + "/me/calendarView?startDateTime=" + url.QueryEscape(from) + "&endDateTime=" + url.QueryEscape(to) + "&$top=4"
	var out []map[string]any
	for path != "" {
		r := ts.Do(t, tok, "GET", path, nil, headers...).WantStatus(t, 200)
		for _, v := range values(t, r) {
			if str(v, "subject") == "Design review" { // not the demo tenant's own meetings
				out = append(out, v)
			}
		}
		path = str(r.JSON, "@odata.nextLink")
	}
	return out
}

// instant reads a dateTimeTimeZone in UTC.
func instant(t *testing.T, v any) time.Time {
	t.Helper()
	if z := str(v, "timeZone"); z != "UTC" {
		t.Fatalf("time %v is not in UTC", v)
	}
	at, err := time.Parse("2006-01-02T15:04:05.0000000", str(v, "dateTime"))
	if err != nil {
		t.Fatalf("time %v: %v", v, err)
	}
	return at
}

func starts(t *testing.T, docs []map[string]any) []string {
	t.Helper()
	var out []string
	for _, d := range docs {
		out = append(out, instant(t, get(d, "start")).Format("01-02T15:04")+"/"+str(d, "type"))
	}
	return out
}

// statusOf is an attendee's response in an event document.
func statusOf(doc map[string]any, address string) string {
	list, _ := get(doc, "attendees").([]any)
	for _, a := range list {
		if strings.EqualFold(str(a, "emailAddress", "address"), address) {
			return str(a, "status", "response")
		}
	}
	return "(absent)"
}

func find(t *testing.T, docs []map[string]any, prefix string) map[string]any {
	t.Helper()
	for _, d := range docs {
		if strings.HasPrefix(str(d, "start", "dateTime"), prefix) {
			return d
		}
	}
	t.Fatalf("no event starts at %s in %v", prefix, starts(t, docs))
	return nil
}

// TestMeetingSeriesScenario is the scenario, on both APIs: Alice
// invites Bob to a weekly series (Mondays and Wednesdays 10:00 Berlin, ten
// occurrences) across the change to summer time; Bob accepts the series
// and declines one occurrence; Alice moves one occurrence and deletes
// another; both calendars then hold exactly the expected occurrences at the
// right instants, Alice sees Bob's answers, and getSchedule shows Bob busy.
func TestMeetingSeriesScenario(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.name, func(t *testing.T) {
			ts := sandboxtest.New(t, sandboxtest.Options{})
			resource := sandboxtest.GraphResource
			if d.pascal {
				resource = sandboxtest.OutlookResource // Outlook REST takes Outlook tokens only
			}
			alice := ts.UserTokenOn(t, resource, demo.PublicClientID, demo.User)
			bob := ts.UserTokenOn(t, resource, demo.PublicClientID, demo.Bob)
			root := d.root

			created := ts.Do(t, alice, "POST", root+"/me/events", d.body(map[string]any{
				"subject":         "Design review",
				"body":            map[string]any{"contentType": "text", "content": "Bring the drafts."},
				"start":           map[string]any{"dateTime": "2026-03-16T10:00:00", "timeZone": d.berlin},
				"end":             map[string]any{"dateTime": "2026-03-16T11:00:00", "timeZone": d.berlin},
				"location":        map[string]any{"displayName": "Room 1"},
				"isOnlineMeeting": true,
				"transactionId":   "scenario-" + d.name,
				"attendees": []any{map[string]any{"type": "required",
					"emailAddress": map[string]any{"name": "Bob Baker", "address": demo.Bob}}},
				"recurrence": map[string]any{
					"pattern": map[string]any{"type": "weekly", "interval": 1, "daysOfWeek": []any{"monday", "wednesday"}},
					"range":   map[string]any{"type": "numbered", "startDate": "2026-03-16", "numberOfOccurrences": 10},
				},
			})).WantStatus(t, 201)
			master := created.JSON
			if str(master, "type") != "seriesMaster" || str(master, "originalStartTimeZone") != d.berlin ||
				instant(t, get(master, "start")) != time.Date(2026, 3, 16, 9, 0, 0, 0, time.UTC) {
				t.Fatalf("created master: %s", created.Raw)
			}
			if !strings.HasPrefix(str(master, "onlineMeeting", "joinUrl"), "https://teams.microsoft.com/") {
				t.Errorf("online meeting: %v", get(master, "onlineMeeting"))
			}
			if d.pascal && str(master, "recurrence", "range", "recurrenceTimeZone") != "W. Europe Standard Time" {
				t.Errorf("recurrenceTimeZone on Outlook's API: %v", get(master, "recurrence"))
			}
			// A retried creation with the same transactionId makes nothing new.
			again := ts.Do(t, alice, "POST", root+"/me/events", d.body(map[string]any{
				"subject": "Design review", "transactionId": "scenario-" + d.name,
				"start": map[string]any{"dateTime": "2026-03-16T10:00:00", "timeZone": d.berlin},
				"end":   map[string]any{"dateTime": "2026-03-16T11:00:00", "timeZone": d.berlin},
			})).WantStatus(t, 201)
			if str(again.JSON, "id") != str(master, "id") {
				t.Fatalf("a retried POST made another event: %s", again.Raw)
			}

			// Bob's inbox holds one request, linked to his copy.
			inbox := values(t, ts.Do(t, bob, "GET", root+"/me/mailFolders/inbox/messages?$expand=microsoft.graph.eventMessage/event", nil).WantStatus(t, 200))
			var request map[string]any
			for _, m := range inbox {
				if str(m, "subject") == "Design review" {
					if request != nil {
						t.Fatalf("two requests in Bob's inbox")
					}
					request = m
				}
			}
			wantType := "#microsoft.graph.eventMessageRequest"
			if d.pascal {
				wantType = "#Microsoft.OutlookServices.EventMessageRequest"
			}
			if request == nil || str(request, "@odata.type") != wantType || str(request, "meetingMessageType") != "meetingRequest" ||
				str(request, "meetingRequestType") != "newMeetingRequest" {
				t.Fatalf("Bob's request: %v", request)
			}
			bobSeries := str(request, "event", "id")
			if bobSeries == "" || bobSeries == str(master, "id") || str(request, "event", "type") != "seriesMaster" ||
				str(request, "event", "responseStatus", "response") != "notResponded" || get(request, "event", "isOrganizer") != false {
				t.Fatalf("the request's event: %v", get(request, "event"))
			}

			// Bob accepts the series, then declines the occurrence of March 25.
			ts.Do(t, bob, "POST", root+"/me/events/"+bobSeries+"/accept", d.body(map[string]any{"comment": "Gladly", "sendResponse": true})).WantStatus(t, 202)
			bobView := view(t, ts, bob, root, "2026-03-16T00:00:00Z", "2026-04-27T00:00:00Z")
			declined := find(t, bobView, "2026-03-25")
			ts.Do(t, bob, "POST", root+"/me/events/"+str(declined, "id")+"/decline", d.body(map[string]any{"comment": "Away that day"})).WantStatus(t, 202)

			// Alice moves April 1 to 14:00 and deletes April 8.
			aliceView := view(t, ts, alice, root, "2026-03-16T00:00:00Z", "2026-04-27T00:00:00Z")
			if len(aliceView) != 10 {
				t.Fatalf("Alice's view before changes: %v", starts(t, aliceView))
			}
			moved := find(t, aliceView, "2026-04-01")
			patched := ts.Do(t, alice, "PATCH", root+"/me/events/"+str(moved, "id"), d.body(map[string]any{
				"start": map[string]any{"dateTime": "2026-04-01T14:00:00", "timeZone": d.berlin},
				"end":   map[string]any{"dateTime": "2026-04-01T15:00:00", "timeZone": d.berlin},
			})).WantStatus(t, 200)
			if str(patched.JSON, "type") != "exception" || str(patched.JSON, "id") != str(moved, "id") {
				t.Fatalf("moved occurrence: %s", patched.Raw)
			}
			ts.Do(t, alice, "DELETE", root+"/me/events/"+str(find(t, aliceView, "2026-04-08"), "id"), nil).WantStatus(t, 204)

			// Alice: nine occurrences, 09:00 UTC before the change to summer
			// time and 08:00 UTC after it, the moved one at 12:00 UTC.
			aliceView = view(t, ts, alice, root, "2026-03-16T00:00:00Z", "2026-04-27T00:00:00Z")
			wantAlice := []string{"03-16T09:00/occurrence", "03-18T09:00/occurrence", "03-23T09:00/occurrence", "03-25T09:00/occurrence",
				"03-30T08:00/occurrence", "04-01T12:00/exception", "04-06T08:00/occurrence", "04-13T08:00/occurrence", "04-15T08:00/occurrence"}
			if got := starts(t, aliceView); !slices.Equal(got, wantAlice) {
				t.Fatalf("Alice's view:\n got %v\nwant %v", got, wantAlice)
			}
			for _, o := range aliceView {
				if str(o, "seriesMasterId") != str(master, "id") || str(o, "originalStart") == "" {
					t.Fatalf("occurrence without its series: %v", o)
				}
			}
			// Bob's answers as Alice sees them.
			for prefix, want := range map[string]string{"2026-03-16": "accepted", "2026-03-25": "declined", "2026-04-01": "none", "2026-04-15": "accepted"} {
				if got := statusOf(find(t, aliceView, prefix), demo.Bob); got != want {
					t.Errorf("Bob's answer for %s as Alice sees it: %s, want %s", prefix, got, want)
				}
			}
			seriesNow := ts.Do(t, alice, "GET", root+"/me/events/"+str(master, "id"), nil).WantStatus(t, 200).JSON
			if statusOf(seriesNow, demo.Bob) != "accepted" {
				t.Errorf("Bob's answer to the series: %v", get(seriesNow, "attendees"))
			}
			// Bob: eight, without the one he declined and the one Alice deleted.
			bobView = view(t, ts, bob, root, "2026-03-16T00:00:00Z", "2026-04-27T00:00:00Z")
			wantBob := []string{"03-16T09:00/occurrence", "03-18T09:00/occurrence", "03-23T09:00/occurrence",
				"03-30T08:00/occurrence", "04-01T12:00/exception", "04-06T08:00/occurrence", "04-13T08:00/occurrence", "04-15T08:00/occurrence"}
			if got := starts(t, bobView); !slices.Equal(got, wantBob) {
				t.Fatalf("Bob's view:\n got %v\nwant %v", got, wantBob)
			}
			if r := str(find(t, bobView, "2026-03-18"), "responseStatus", "response"); r != "accepted" {
				t.Errorf("Bob's own answer on March 18: %s", r)
			}
			if r := str(find(t, bobView, "2026-04-01"), "responseStatus", "response"); r != "notResponded" {
				t.Errorf("Bob's answer to the moved occurrence: %s", r)
			}

			// Alice's inbox: Bob's acceptance and his decline.
			var responses []string
			for _, m := range values(t, ts.Do(t, alice, "GET", root+"/me/mailFolders/inbox/messages?$top=50", nil).WantStatus(t, 200)) {
				if strings.Contains(str(m, "@odata.type"), "ventMessageResponse") {
					responses = append(responses, str(m, "meetingMessageType")+":"+str(m, "subject"))
				}
			}
			slices.Sort(responses)
			if want := []string{"meetingAccepted:Accepted: Design review", "meetingDeclined:Declined: Design review"}; !slices.Equal(responses, want) {
				t.Errorf("Alice's responses: %v", responses)
			}
			// Bob's inbox: the update for April 1 and the cancellation of April 8.
			var kinds []string
			for _, m := range values(t, ts.Do(t, bob, "GET", root+"/me/mailFolders/inbox/messages?$top=50", nil).WantStatus(t, 200)) {
				if k := str(m, "meetingMessageType"); k != "" {
					kinds = append(kinds, k+"/"+str(m, "meetingRequestType"))
				}
			}
			slices.Sort(kinds)
			if want := []string{"meetingCancelled/", "meetingRequest/fullUpdate", "meetingRequest/newMeetingRequest"}; !slices.Equal(kinds, want) {
				t.Errorf("Bob's meeting messages: %v", kinds)
			}

			// getSchedule: Bob is busy on April 15 from 08:00 to 09:00 UTC.
			sched := ts.Do(t, alice, "POST", root+"/me/calendar/getSchedule", d.body(map[string]any{
				"schedules": []any{demo.Bob}, "availabilityViewInterval": 60,
				"startTime": map[string]any{"dateTime": "2026-04-15T06:00:00", "timeZone": "UTC"},
				"endTime":   map[string]any{"dateTime": "2026-04-15T12:00:00", "timeZone": "UTC"},
			})).WantStatus(t, 200)
			info := values(t, sched)
			if len(info) != 1 || str(info[0], "availabilityView") != "002000" {
				t.Fatalf("Bob's schedule: %s", sched.Raw)
			}
			items, _ := get(info[0], "scheduleItems").([]any)
			if len(items) != 1 || str(items[0], "status") != "busy" || str(items[0], "start", "dateTime") != "2026-04-15T08:00:00.0000000" {
				t.Errorf("Bob's schedule items: %v", items)
			}
			// Alice is Bob's delegate with full access (the demo tenant's
			// grant): she sees what the meeting is. Carol has the
			// organization's free/busy only: she does not.
			if get(items[0], "subject") != "Design review" {
				t.Errorf("Bob's delegate does not see the subject of his meeting: %v", items[0])
			}
			carol := ts.UserTokenOn(t, resource, demo.PublicClientID, demo.Carol)
			sched = ts.Do(t, carol, "POST", root+"/me/calendar/getSchedule", d.body(map[string]any{
				"schedules": []any{demo.Bob}, "availabilityViewInterval": 60,
				"startTime": map[string]any{"dateTime": "2026-04-15T06:00:00", "timeZone": "UTC"},
				"endTime":   map[string]any{"dateTime": "2026-04-15T12:00:00", "timeZone": "UTC"},
			})).WantStatus(t, 200)
			items, _ = get(values(t, sched)[0], "scheduleItems").([]any)
			if len(items) != 1 || get(items[0], "subject") != nil || str(items[0], "status") != "busy" {
				t.Errorf("Carol sees more than free/busy of Bob's meeting: %v", items)
			}

			// In Berlin time, the occurrences stay at 10:00 across the change.
			berlin := view(t, ts, alice, root, "2026-03-16T00:00:00Z", "2026-04-27T00:00:00Z", "Prefer", `outlook.timezone="`+d.berlin+`"`)
			for _, o := range berlin {
				if s := str(o, "start", "dateTime"); str(o, "type") == "occurrence" && !strings.HasSuffix(s, "T10:00:00.0000000") {
					t.Errorf("occurrence at %s in Berlin", s)
				}
				if str(o, "start", "timeZone") != d.berlin {
					t.Errorf("zone of the answer: %v", get(o, "start"))
				}
			}
		})
	}
}
