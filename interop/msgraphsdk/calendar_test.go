package msgraphsdk

import (
	"context"
	"strings"
	"testing"
	"time"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoft/kiota-abstractions-go/serialization"
	msgraphsdk "github.com/microsoftgraph/msgraph-sdk-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go-core/fileuploader"
	"github.com/microsoftgraph/msgraph-sdk-go/groups"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/o365go/o365/sandbox"
)

// graphTime is how Graph writes a dateTimeTimeZone's dateTime.
const graphTime = "2006-01-02T15:04:05.0000000"

func dtz(t time.Time, zone string) models.DateTimeTimeZoneable {
	v := models.NewDateTimeTimeZone()
	v.SetDateTime(ptr(t.Format(graphTime)))
	v.SetTimeZone(ptr(zone))
	return v
}

// parseDTZ reads a dateTimeTimeZone the sandbox sent in zone UTC.
func parseDTZ(t *testing.T, v models.DateTimeTimeZoneable) time.Time {
	t.Helper()
	if v == nil {
		t.Fatalf("no dateTimeTimeZone")
	}
	got, err := time.Parse("2006-01-02T15:04:05.9999999", deref(v.GetDateTime()))
	if err != nil {
		t.Fatalf("dateTime %q: %v", deref(v.GetDateTime()), err)
	}
	return got
}

func attendee(addr string, kind models.AttendeeType) models.Attendeeable {
	a := models.NewAttendee()
	e := models.NewEmailAddress()
	e.SetAddress(ptr(addr))
	a.SetEmailAddress(e)
	a.SetTypeEscaped(&kind)
	return a
}

// nextMonday is a Monday at least a week ahead, at midnight UTC: the
// meetings of these tests are in the future and on working days.
func nextMonday() time.Time {
	d := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 7)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// calendarOwner is a user's calendar as the SDK reaches it.
type calendarOwner struct {
	client *msgraphsdk.GraphServiceClient
	user   *users.UserItemRequestBuilder
	mail   string
	mode   string
}

func (e *env) calendarOwners() []calendarOwner {
	return []calendarOwner{
		{client: e.alice, user: e.alice.Me(), mail: sandbox.DemoUser, mode: "delegated"},
		{client: e.app, user: e.app.Users().ByUserId(sandbox.DemoBob), mail: sandbox.DemoBob, mode: "app-only"},
	}
}

// findEvent lists a user's events with subject s.
func findEvent(t *testing.T, ctx context.Context, user *users.UserItemRequestBuilder, s string) models.Eventable {
	t.Helper()
	filter := "subject eq '" + strings.ReplaceAll(s, "'", "''") + "'"
	deadline := time.Now().Add(5 * time.Second)
	for {
		page, err := user.Events().Get(ctx, &users.ItemEventsRequestBuilderGetRequestConfiguration{
			QueryParameters: &users.ItemEventsRequestBuilderGetQueryParameters{Filter: &filter}})
		must(t, "find event "+s, err)
		if len(page.GetValue()) > 0 {
			return page.GetValue()[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no event %q", s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestCalendarMeetings creates a meeting with attendees, lists it through
// events and calendarView with the SDK's query parameters and
// PageIterator, and has the attendees answer it.
func TestCalendarMeetings(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	monday := nextMonday()
	for _, o := range e.calendarOwners() {
		t.Run(o.mode, func(t *testing.T) {
			subject := "Planning " + o.mode
			ev := models.NewEvent()
			ev.SetSubject(ptr(subject))
			ev.SetBody(textBody("agenda"))
			pst, err := time.LoadLocation("America/Los_Angeles")
			if err != nil {
				t.Fatal(err)
			}
			start := time.Date(monday.Year(), monday.Month(), monday.Day(), 9, 0, 0, 0, pst)
			ev.SetStart(dtz(start, "Pacific Standard Time"))
			ev.SetEnd(dtz(start.Add(time.Hour), "Pacific Standard Time"))
			loc := models.NewLocation()
			loc.SetDisplayName(ptr("Room 1"))
			ev.SetLocation(loc)
			ev.SetAttendees([]models.Attendeeable{
				attendee(sandbox.DemoCarol, models.REQUIRED_ATTENDEETYPE),
				attendee(sandbox.DemoDan, models.OPTIONAL_ATTENDEETYPE),
			})
			created, err := o.user.Events().Post(ctx, ev, nil)
			must(t, "create event", err)
			// Without Prefer: outlook.timezone, Graph answers in UTC and keeps
			// the zone the event was written in.
			if deref(created.GetStart().GetTimeZone()) != "UTC" || !parseDTZ(t, created.GetStart()).Equal(start.UTC()) ||
				deref(created.GetOriginalStartTimeZone()) != "Pacific Standard Time" {
				t.Fatalf("created start %s %s (original zone %q)", deref(created.GetStart().GetDateTime()), deref(created.GetStart().GetTimeZone()), deref(created.GetOriginalStartTimeZone()))
			}
			if !deref(created.GetIsOrganizer()) || len(created.GetAttendees()) != 2 || created.GetICalUId() == nil {
				t.Fatalf("created: organizer %v attendees %d iCalUId %v", created.GetIsOrganizer(), len(created.GetAttendees()), created.GetICalUId())
			}

			// Read it back in UTC with Prefer: outlook.timezone.
			h := abstractions.NewRequestHeaders()
			h.Add("Prefer", `outlook.timezone="Pacific Standard Time"`)
			got, err := o.user.Events().ByEventId(deref(created.GetId())).Get(ctx, &users.ItemEventsEventItemRequestBuilderGetRequestConfiguration{
				Headers:         h,
				QueryParameters: &users.ItemEventsEventItemRequestBuilderGetQueryParameters{Select: []string{"subject", "start", "end", "attendees"}}})
			must(t, "get event in UTC", err)
			if deref(got.GetStart().GetTimeZone()) != "Pacific Standard Time" || deref(got.GetStart().GetDateTime()) != start.Format(graphTime) {
				t.Fatalf("start in Pacific time: %s %s, want %s", deref(got.GetStart().GetDateTime()), deref(got.GetStart().GetTimeZone()), start.Format(graphTime))
			}
			if x, _ := e.wire.last("/events/"); !strings.Contains(x.header.Get("Prefer"), "outlook.timezone") {
				t.Fatalf("the SDK did not send the Prefer header: %v", x.header)
			}
			h = abstractions.NewRequestHeaders()
			h.Add("Prefer", `outlook.timezone="UTC"`)

			// events with $filter/$orderby/$top, paged.
			filter := "start/dateTime ge '" + monday.Format("2006-01-02T15:04:05") + "'"
			page, err := o.user.Events().Get(ctx, &users.ItemEventsRequestBuilderGetRequestConfiguration{
				Headers: h,
				QueryParameters: &users.ItemEventsRequestBuilderGetQueryParameters{
					Filter: &filter, Orderby: []string{"start/dateTime"}, Top: ptr(int32(1)), Select: []string{"subject", "start"}}})
			must(t, "list events", err)
			var subjects []string
			it, err := msgraphcore.NewPageIterator[models.Eventable](page, o.client.GetAdapter(), models.CreateEventCollectionResponseFromDiscriminatorValue)
			must(t, "event iterator", err)
			must(t, "iterate events", it.Iterate(ctx, func(ev models.Eventable) bool {
				subjects = append(subjects, deref(ev.GetSubject()))
				return true
			}))
			if !contains(subjects, subject) {
				t.Fatalf("events from %v: %v", monday, subjects)
			}

			// calendarView over the day.
			view, err := o.user.CalendarView().Get(ctx, &users.ItemCalendarViewRequestBuilderGetRequestConfiguration{
				Headers: h,
				QueryParameters: &users.ItemCalendarViewRequestBuilderGetQueryParameters{
					StartDateTime: ptr(monday.Format(time.RFC3339)), EndDateTime: ptr(monday.AddDate(0, 0, 1).Format(time.RFC3339)),
					Select: []string{"subject", "start", "end"}, Orderby: []string{"start/dateTime"}}})
			must(t, "calendarView", err)
			found := false
			for _, v := range view.GetValue() {
				found = found || deref(v.GetSubject()) == subject
			}
			if !found {
				t.Fatalf("calendarView of %v lacks the meeting", monday)
			}

			// The attendees got the invitation: Carol accepts, Dan declines.
			carol := e.app.Users().ByUserId(sandbox.DemoCarol)
			dan := e.app.Users().ByUserId(sandbox.DemoDan)
			inCarol := findEvent(t, ctx, carol, subject)
			accept := users.NewItemEventsItemAcceptPostRequestBody()
			accept.SetComment(ptr("see you"))
			accept.SetSendResponse(ptr(true))
			must(t, "accept", carol.Events().ByEventId(deref(inCarol.GetId())).Accept().Post(ctx, accept, nil))
			inDan := findEvent(t, ctx, dan, subject)
			decline := users.NewItemEventsItemDeclinePostRequestBody()
			decline.SetComment(ptr("busy"))
			decline.SetSendResponse(ptr(true))
			must(t, "decline", dan.Events().ByEventId(deref(inDan.GetId())).Decline().Post(ctx, decline, nil))
			after, err := o.user.Events().ByEventId(deref(created.GetId())).Get(ctx, nil)
			must(t, "organizer's event", err)
			status := map[string]models.ResponseType{}
			for _, a := range after.GetAttendees() {
				status[strings.ToLower(deref(a.GetEmailAddress().GetAddress()))] = deref(a.GetStatus().GetResponse())
			}
			if status[sandbox.DemoCarol] != models.ACCEPTED_RESPONSETYPE || status[sandbox.DemoDan] != models.DECLINED_RESPONSETYPE {
				t.Fatalf("attendee status after answers: %v", status)
			}

			// Cancel the meeting: the attendees' copies are cancelled.
			cancel := users.NewItemEventsItemCancelPostRequestBody()
			cancel.SetComment(ptr("moved"))
			must(t, "cancel", o.user.Events().ByEventId(deref(created.GetId())).Cancel().Post(ctx, cancel, nil))
			gone, err := carol.Events().ByEventId(deref(inCarol.GetId())).Get(ctx, nil)
			must(t, "Carol's copy", err)
			if !deref(gone.GetIsCancelled()) {
				t.Fatalf("Carol's copy is not cancelled")
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestCalendarSeries creates a weekly series, lists its instances, moves
// one and deletes another, and syncs the calendarView with delta.
func TestCalendarSeries(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	monday := nextMonday()
	for _, o := range e.calendarOwners() {
		t.Run(o.mode, func(t *testing.T) {
			subject := "Standup " + o.mode
			ev := models.NewEvent()
			ev.SetSubject(ptr(subject))
			start := monday.Add(15 * time.Hour) // 15:00 UTC
			ev.SetStart(dtz(start, "UTC"))
			ev.SetEnd(dtz(start.Add(15*time.Minute), "UTC"))
			pattern := models.NewRecurrencePattern()
			weekly := models.WEEKLY_RECURRENCEPATTERNTYPE
			pattern.SetTypeEscaped(&weekly)
			pattern.SetInterval(ptr(int32(1)))
			pattern.SetDaysOfWeek([]models.DayOfWeek{models.MONDAY_DAYOFWEEK, models.WEDNESDAY_DAYOFWEEK})
			first := models.SUNDAY_DAYOFWEEK
			pattern.SetFirstDayOfWeek(&first)
			rng := models.NewRecurrenceRange()
			numbered := models.NUMBERED_RECURRENCERANGETYPE
			rng.SetTypeEscaped(&numbered)
			rng.SetStartDate(serialization.NewDateOnly(monday))
			rng.SetNumberOfOccurrences(ptr(int32(6)))
			rng.SetRecurrenceTimeZone(ptr("UTC"))
			rec := models.NewPatternedRecurrence()
			rec.SetPattern(pattern)
			rec.SetRangeEscaped(rng)
			ev.SetRecurrence(rec)
			master, err := o.user.Events().Post(ctx, ev, nil)
			must(t, "create series", err)
			if deref(master.GetTypeEscaped()) != models.SERIESMASTER_EVENTTYPE || master.GetRecurrence() == nil {
				t.Fatalf("series master: type %v recurrence %v", master.GetTypeEscaped(), master.GetRecurrence())
			}
			if got := master.GetRecurrence().GetRangeEscaped().GetStartDate(); got == nil || got.String() != monday.Format("2006-01-02") {
				t.Fatalf("range startDate %v", got)
			}

			// The delta of a three-week window before any change.
			windowStart, windowEnd := monday.Format(time.RFC3339), monday.AddDate(0, 0, 21).Format(time.RFC3339)
			d1, err := o.user.CalendarView().Delta().GetAsDeltaGetResponse(ctx, &users.ItemCalendarViewDeltaRequestBuilderGetRequestConfiguration{
				QueryParameters: &users.ItemCalendarViewDeltaRequestBuilderGetQueryParameters{StartDateTime: &windowStart, EndDateTime: &windowEnd}})
			must(t, "calendarView delta 1", err)
			it, err := msgraphcore.NewPageIterator[models.Eventable](d1, o.client.GetAdapter(), users.CreateItemCalendarViewDeltaGetResponseFromDiscriminatorValue)
			must(t, "delta iterator", err)
			var before int
			must(t, "delta 1 iterate", it.Iterate(ctx, func(models.Eventable) bool { before++; return true }))
			link := it.GetOdataDeltaLink()
			if link == nil || before < 6 {
				t.Fatalf("calendarView delta round 1: %d events, deltaLink %v", before, link)
			}

			inst, err := o.user.Events().ByEventId(deref(master.GetId())).Instances().Get(ctx, &users.ItemEventsItemInstancesRequestBuilderGetRequestConfiguration{
				QueryParameters: &users.ItemEventsItemInstancesRequestBuilderGetQueryParameters{
					StartDateTime: &windowStart, EndDateTime: &windowEnd, Select: []string{"start", "type", "seriesMasterId"}}})
			must(t, "instances", err)
			occ := inst.GetValue()
			if len(occ) != 6 {
				t.Fatalf("%d instances, want 6", len(occ))
			}
			for i, oc := range occ {
				if deref(oc.GetTypeEscaped()) != models.OCCURRENCE_EVENTTYPE || deref(oc.GetSeriesMasterId()) != deref(master.GetId()) {
					t.Fatalf("instance %d: type %v master %q", i, oc.GetTypeEscaped(), deref(oc.GetSeriesMasterId()))
				}
			}
			// Move the second occurrence an hour later, delete the third.
			moved := models.NewEvent()
			mstart := parseDTZ(t, occ[1].GetStart()).Add(time.Hour)
			moved.SetStart(dtz(mstart, "UTC"))
			moved.SetEnd(dtz(mstart.Add(15*time.Minute), "UTC"))
			exc, err := o.user.Events().ByEventId(deref(occ[1].GetId())).Patch(ctx, moved, nil)
			must(t, "patch occurrence", err)
			if deref(exc.GetTypeEscaped()) != models.EXCEPTION_EVENTTYPE {
				t.Fatalf("patched occurrence has type %v", exc.GetTypeEscaped())
			}
			must(t, "delete occurrence", o.user.Events().ByEventId(deref(occ[2].GetId())).Delete(ctx, nil))
			inst, err = o.user.Events().ByEventId(deref(master.GetId())).Instances().Get(ctx, &users.ItemEventsItemInstancesRequestBuilderGetRequestConfiguration{
				QueryParameters: &users.ItemEventsItemInstancesRequestBuilderGetQueryParameters{StartDateTime: &windowStart, EndDateTime: &windowEnd}})
			must(t, "instances after changes", err)
			if len(inst.GetValue()) != 5 {
				t.Fatalf("%d instances after deleting one, want 5", len(inst.GetValue()))
			}

			// The delta reports the moved and the deleted occurrence.
			d2, err := o.user.CalendarView().Delta().WithUrl(*link).GetAsDeltaGetResponse(ctx, nil)
			must(t, "calendarView delta 2", err)
			it, err = msgraphcore.NewPageIterator[models.Eventable](d2, o.client.GetAdapter(), users.CreateItemCalendarViewDeltaGetResponseFromDiscriminatorValue)
			must(t, "delta iterator 2", err)
			changes := map[string]bool{}
			must(t, "delta 2 iterate", it.Iterate(ctx, func(ev models.Eventable) bool {
				_, removed := ev.GetAdditionalData()["@removed"]
				changes[deref(ev.GetId())] = removed
				return true
			}))
			if removed, ok := changes[deref(occ[2].GetId())]; !ok || !removed {
				t.Errorf("delta round 2 does not report the deleted occurrence as removed: %v", changes)
			}
			if removed, ok := changes[deref(exc.GetId())]; !ok || removed {
				t.Errorf("delta round 2 does not report the moved occurrence: %v", changes)
			}
		})
	}
}

// TestCalendarScheduling asks for free/busy and meeting times, and shares
// a calendar.
func TestCalendarScheduling(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	monday := nextMonday()
	for _, o := range e.calendarOwners() {
		t.Run(o.mode, func(t *testing.T) {
			// Carol is busy 17:00-18:00 UTC on Monday.
			busy := models.NewEvent()
			busy.SetSubject(ptr("Busy " + o.mode))
			busy.SetStart(dtz(monday.Add(17*time.Hour), "UTC"))
			busy.SetEnd(dtz(monday.Add(18*time.Hour), "UTC"))
			_, err := e.app.Users().ByUserId(sandbox.DemoCarol).Events().Post(ctx, busy, nil)
			must(t, "Carol's event", err)

			sched := users.NewItemCalendarGetSchedulePostRequestBody()
			sched.SetSchedules([]string{sandbox.DemoCarol, sandbox.DemoDan})
			sched.SetStartTime(dtz(monday.Add(16*time.Hour), "UTC"))
			sched.SetEndTime(dtz(monday.Add(19*time.Hour), "UTC"))
			sched.SetAvailabilityViewInterval(ptr(int32(60)))
			res, err := o.user.Calendar().GetSchedule().PostAsGetSchedulePostResponse(ctx, sched, nil)
			must(t, "getSchedule", err)
			if len(res.GetValue()) != 2 {
				t.Fatalf("getSchedule: %d schedules", len(res.GetValue()))
			}
			carol := res.GetValue()[0]
			if deref(carol.GetScheduleId()) != sandbox.DemoCarol || deref(carol.GetAvailabilityView()) != "020" || len(carol.GetScheduleItems()) == 0 {
				t.Fatalf("Carol's schedule: %q view %q items %d", deref(carol.GetScheduleId()), deref(carol.GetAvailabilityView()), len(carol.GetScheduleItems()))
			}

			// findMeetingTimes over Monday afternoon avoids Carol's hour.
			req := users.NewItemFindMeetingTimesPostRequestBody()
			att := models.NewAttendeeBase()
			addr := models.NewEmailAddress()
			addr.SetAddress(ptr(sandbox.DemoCarol))
			att.SetEmailAddress(addr)
			req.SetAttendees([]models.AttendeeBaseable{att})
			tc := models.NewTimeConstraint()
			slot := models.NewTimeSlot()
			slot.SetStart(dtz(monday.Add(16*time.Hour), "UTC"))
			slot.SetEnd(dtz(monday.Add(19*time.Hour), "UTC"))
			tc.SetTimeSlots([]models.TimeSlotable{slot})
			domain := models.UNRESTRICTED_ACTIVITYDOMAIN
			tc.SetActivityDomain(&domain)
			req.SetTimeConstraint(tc)
			req.SetMeetingDuration(serialization.NewDuration(0, 0, 0, 1, 0, 0, 0))
			req.SetReturnSuggestionReasons(ptr(true))
			h := abstractions.NewRequestHeaders()
			h.Add("Prefer", `outlook.timezone="UTC"`)
			found, err := o.user.FindMeetingTimes().Post(ctx, req, &users.ItemFindMeetingTimesRequestBuilderPostRequestConfiguration{Headers: h})
			must(t, "findMeetingTimes", err)
			if len(found.GetMeetingTimeSuggestions()) == 0 {
				t.Fatalf("findMeetingTimes: no suggestions (%q)", deref(found.GetEmptySuggestionsReason()))
			}
			for _, s := range found.GetMeetingTimeSuggestions() {
				st := parseDTZ(t, s.GetMeetingTimeSlot().GetStart())
				en := parseDTZ(t, s.GetMeetingTimeSlot().GetEnd())
				if st.Before(monday.Add(18*time.Hour)) && en.After(monday.Add(17*time.Hour)) {
					t.Fatalf("suggestion %v-%v overlaps Carol's meeting", st, en)
				}
			}

			// Share the calendar with Dan as a reader.
			perm := models.NewCalendarPermission()
			who := models.NewEmailAddress()
			who.SetAddress(ptr(sandbox.DemoDan))
			perm.SetEmailAddress(who)
			role := models.READ_CALENDARROLETYPE
			perm.SetRole(&role)
			created, err := o.user.Calendar().CalendarPermissions().Post(ctx, perm, nil)
			must(t, "share calendar", err)
			perms, err := o.user.Calendar().CalendarPermissions().Get(ctx, nil)
			must(t, "calendar permissions", err)
			var roles []string
			for _, p := range perms.GetValue() {
				if p.GetEmailAddress() != nil && strings.EqualFold(deref(p.GetEmailAddress().GetAddress()), sandbox.DemoDan) {
					roles = append(roles, p.GetRole().String())
				}
			}
			if len(roles) != 1 || roles[0] != "read" {
				t.Fatalf("Dan's roles: %v", roles)
			}
			upd := models.NewCalendarPermission()
			write := models.WRITE_CALENDARROLETYPE
			upd.SetRole(&write)
			changed, err := o.user.Calendar().CalendarPermissions().ByCalendarPermissionId(deref(created.GetId())).Patch(ctx, upd, nil)
			must(t, "change role", err)
			if deref(changed.GetRole()) != models.WRITE_CALENDARROLETYPE {
				t.Fatalf("role after PATCH: %v", changed.GetRole())
			}
			must(t, "unshare", o.user.Calendar().CalendarPermissions().ByCalendarPermissionId(deref(created.GetId())).Delete(ctx, nil))
		})
	}
}

// TestCalendarDetails: calendars of one's own, a large event attachment
// through the SDK's LargeFileUploadTask, a tentative answer proposing a
// new time, forward, reminders and a group's calendar.
func TestCalendarDetails(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	monday := nextMonday()
	for _, o := range e.calendarOwners() {
		t.Run(o.mode, func(t *testing.T) {
			// A calendar of one's own, with an event in it.
			cal := models.NewCalendar()
			cal.SetName(ptr("Projects " + o.mode))
			color := models.LIGHTGREEN_CALENDARCOLOR
			cal.SetColor(&color)
			created, err := o.user.Calendars().Post(ctx, cal, nil)
			must(t, "create calendar", err)
			if deref(created.GetName()) != "Projects "+o.mode || !deref(created.GetCanEdit()) || deref(created.GetOwner().GetAddress()) == "" {
				t.Fatalf("calendar: %q canEdit %v owner %v", deref(created.GetName()), created.GetCanEdit(), created.GetOwner())
			}
			ev := models.NewEvent()
			ev.SetSubject(ptr("Kickoff " + o.mode))
			ev.SetStart(dtz(monday.Add(14*time.Hour), "UTC"))
			ev.SetEnd(dtz(monday.Add(15*time.Hour), "UTC"))
			ev.SetAllowNewTimeProposals(ptr(true))
			ev.SetAttendees([]models.Attendeeable{attendee(sandbox.DemoCarol, models.REQUIRED_ATTENDEETYPE)})
			kick, err := o.user.Calendars().ByCalendarId(deref(created.GetId())).Events().Post(ctx, ev, nil)
			must(t, "create event in calendar", err)
			inCal, err := o.user.Calendars().ByCalendarId(deref(created.GetId())).Events().Get(ctx, nil)
			must(t, "list calendar events", err)
			if len(inCal.GetValue()) != 1 || deref(inCal.GetValue()[0].GetId()) != deref(kick.GetId()) {
				t.Fatalf("calendar holds %d events", len(inCal.GetValue()))
			}

			// A 4 MiB attachment through an upload session.
			data := make([]byte, 4<<20)
			for i := range data {
				data[i] = byte(i % 251)
			}
			item := models.NewAttachmentItem()
			kind := models.FILE_ATTACHMENTTYPE
			item.SetAttachmentType(&kind)
			item.SetName(ptr("slides.pdf"))
			item.SetSize(ptr(int64(len(data))))
			body := users.NewItemEventsItemAttachmentsCreateUploadSessionPostRequestBody()
			body.SetAttachmentItem(item)
			session, err := o.user.Events().ByEventId(deref(kick.GetId())).Attachments().CreateUploadSession().Post(ctx, body, nil)
			must(t, "event createUploadSession", err)
			task := fileuploader.NewLargeFileUploadTask[models.FileAttachmentable](o.client.GetAdapter(), session, tempFile(t, data), 1<<20,
				models.CreateFileAttachmentFromDiscriminatorValue, nil)
			if res := task.Upload(func(int64, int64) {}); !res.GetUploadSucceeded() {
				for _, err := range res.GetResponseErrors() {
					t.Errorf("upload slice: %s", describe(err))
				}
				t.FailNow()
			}
			atts, err := o.user.Events().ByEventId(deref(kick.GetId())).Attachments().Get(ctx, nil)
			must(t, "event attachments", err)
			if len(atts.GetValue()) != 1 || deref(atts.GetValue()[0].GetSize()) < int32(len(data)) {
				t.Fatalf("event attachments: %d", len(atts.GetValue()))
			}

			// Carol proposes another time.
			carol := e.app.Users().ByUserId(sandbox.DemoCarol)
			inCarol := findEvent(t, ctx, carol, "Kickoff "+o.mode)
			tent := users.NewItemEventsItemTentativelyAcceptPostRequestBody()
			tent.SetComment(ptr("later?"))
			slot := models.NewTimeSlot()
			slot.SetStart(dtz(monday.Add(16*time.Hour), "UTC"))
			slot.SetEnd(dtz(monday.Add(17*time.Hour), "UTC"))
			tent.SetProposedNewTime(slot)
			tent.SetSendResponse(ptr(true))
			must(t, "tentativelyAccept", carol.Events().ByEventId(deref(inCarol.GetId())).TentativelyAccept().Post(ctx, tent, nil))
			after, err := o.user.Events().ByEventId(deref(kick.GetId())).Get(ctx, nil)
			must(t, "organizer's event", err)
			a := after.GetAttendees()[0]
			if deref(a.GetStatus().GetResponse()) != models.TENTATIVELYACCEPTED_RESPONSETYPE || a.GetProposedNewTime() == nil ||
				!parseDTZ(t, a.GetProposedNewTime().GetStart()).Equal(monday.Add(16*time.Hour)) {
				t.Fatalf("Carol's answer: %v proposed %v", a.GetStatus().GetResponse(), a.GetProposedNewTime())
			}

			// Forward the invitation to Dan; reminders.
			fwd := users.NewItemEventsItemForwardPostRequestBody()
			fwd.SetComment(ptr("join us"))
			fwd.SetToRecipients([]models.Recipientable{recipient(sandbox.DemoDan)})
			must(t, "forward", o.user.Events().ByEventId(deref(kick.GetId())).Forward().Post(ctx, fwd, nil))
			snooze := users.NewItemEventsItemSnoozeReminderPostRequestBody()
			snooze.SetNewReminderTime(dtz(monday.Add(13*time.Hour+50*time.Minute), "UTC"))
			must(t, "snoozeReminder", o.user.Events().ByEventId(deref(kick.GetId())).SnoozeReminder().Post(ctx, snooze, nil))
			must(t, "dismissReminder", o.user.Events().ByEventId(deref(kick.GetId())).DismissReminder().Post(ctx, nil))

			// Deleting the calendar deletes its events.
			must(t, "delete calendar", o.user.Calendars().ByCalendarId(deref(created.GetId())).Delete(ctx, nil))
			_, err = o.user.Events().ByEventId(deref(kick.GetId())).Get(ctx, nil)
			wantODataError(t, "event of a deleted calendar", err, 404, "ErrorItemNotFound")
		})
	}
	// A group's calendar (delegated: Alice is a member of Engineering).
	g := e.alice.Groups().ByGroupId(sandbox.DemoEngineeringGroupID)
	gcal, err := g.Calendar().Get(ctx, nil)
	must(t, "group calendar", err)
	if gcal.GetId() == nil {
		t.Fatalf("group calendar without id")
	}
	gev := models.NewEvent()
	gev.SetSubject(ptr("Team offsite"))
	gev.SetStart(dtz(monday.Add(9*time.Hour), "UTC"))
	gev.SetEnd(dtz(monday.Add(17*time.Hour), "UTC"))
	_, err = g.Events().Post(ctx, gev, nil)
	must(t, "group event", err)
	gview, err := g.CalendarView().Get(ctx, &groups.ItemCalendarViewRequestBuilderGetRequestConfiguration{
		QueryParameters: &groups.ItemCalendarViewRequestBuilderGetQueryParameters{
			StartDateTime: ptr(monday.Format(time.RFC3339)), EndDateTime: ptr(monday.AddDate(0, 0, 1).Format(time.RFC3339))}})
	must(t, "group calendarView", err)
	if len(gview.GetValue()) != 1 || deref(gview.GetValue()[0].GetSubject()) != "Team offsite" {
		t.Fatalf("group calendarView: %d events", len(gview.GetValue()))
	}
}
