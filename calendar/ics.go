package calendar

import (
	"context"
	"fmt"
	"html"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/internal/ical"
)

// iCalendar export (RFC 5545): an event, a series with its exceptions and
// cancelled occurrences, or a window of the calendar.

// prodID names the exporter in PRODID.
const prodID = "-//o365go//calendar//EN"

// ExportEvent writes one event as an iCalendar file: a single event as a
// VEVENT; a series as a VEVENT with RRULE and EXDATE (its cancelled
// occurrences) followed by a VEVENT with RECURRENCE-ID for each exception;
// an occurrence or exception alone with its RECURRENCE-ID. Times are
// written in the event's zone with a VTIMEZONE (all-day events as dates),
// attendees with their answers.
//
// Graph: GET /me/events/{id} (https://learn.microsoft.com/graph/api/event-get)
// and GET /me/events/{id}/instances (https://learn.microsoft.com/graph/api/event-list-instances).
func (s *Schedule) ExportEvent(ctx context.Context, w io.Writer, id string) error {
	ev, err := s.GetEvent(ctx, id, nil)
	if err != nil {
		return err
	}
	cal := ical.NewCalendar(prodID)
	zones := map[string]*time.Location{}
	if ev.Type == SeriesMaster {
		if err = s.loadCancelled(ctx, ev); err != nil {
			return err
		}
		err = s.addSeries(ctx, cal, zones, ev)
	} else {
		err = addEvent(cal, zones, ev, nil)
	}
	if err != nil {
		return err
	}
	return writeCalendar(w, cal, zones)
}

// ExportView writes what the calendar holds in [from, to) as an iCalendar
// file: its single events, and each series met there once, whole (see
// ExportEvent).
//
// Graph: GET /me/calendarView (https://learn.microsoft.com/graph/api/user-list-calendarview).
func (s *Schedule) ExportView(ctx context.Context, w io.Writer, from, to time.Time) error {
	cal := ical.NewCalendar(prodID)
	zones := map[string]*time.Location{}
	var series []string
	for ev, err := range s.CalendarView(ctx, from, to, o365.NewQuery().Top(100)) {
		if err != nil {
			return fmt.Errorf("calendar: export: %w", err)
		}
		if ev.SeriesMasterID != "" {
			if !slices.Contains(series, ev.SeriesMasterID) {
				series = append(series, ev.SeriesMasterID)
			}
			continue
		}
		if err := addEvent(cal, zones, ev, nil); err != nil {
			return err
		}
	}
	for _, id := range series {
		master, err := s.GetEvent(ctx, id, nil)
		if err != nil {
			return err
		}
		if err := s.loadCancelled(ctx, master); err != nil {
			return err
		}
		if err := s.addSeries(ctx, cal, zones, master); err != nil {
			return err
		}
	}
	return writeCalendar(w, cal, zones)
}

func writeCalendar(w io.Writer, cal *ical.Component, zones map[string]*time.Location) error {
	if err := cal.AddTimezones(zones); err != nil {
		return fmt.Errorf("calendar: export: %w", err)
	}
	if err := ical.Write(w, cal); err != nil {
		return fmt.Errorf("calendar: export: %w", err)
	}
	return nil
}

// loadCancelled fills in a series master's cancelled occurrences, which
// Graph returns only when $select names them.
func (s *Schedule) loadCancelled(ctx context.Context, master *Event) error {
	got, err := s.GetEvent(ctx, master.ID, o365.NewQuery().Select("cancelledOccurrences"))
	if err != nil {
		return err
	}
	master.CancelledOccurrences = got.CancelledOccurrences
	return nil
}

// addSeries adds a series master and its exceptions.
func (s *Schedule) addSeries(ctx context.Context, cal *ical.Component, zones map[string]*time.Location, master *Event) error {
	if err := addEvent(cal, zones, master, nil); err != nil {
		return err
	}
	start, err := master.StartTime()
	if err != nil {
		return fmt.Errorf("calendar: export %q: %w", master.ID, err)
	}
	for inst, err := range master.ListInstances(ctx, start.Add(-24*time.Hour), seriesHorizon(master, start), o365.NewQuery().Top(100)) {
		if err != nil {
			return fmt.Errorf("calendar: export %q: %w", master.ID, err)
		}
		if inst.Type == Exception {
			if err := addEvent(cal, zones, inst, master); err != nil {
				return err
			}
		}
	}
	return nil
}

// seriesHorizon bounds the window a series' exceptions are looked for in:
// its end, or (for a series without end) two years after its start.
func seriesHorizon(master *Event, start time.Time) time.Time {
	rec := master.Recurrence
	if rec == nil {
		return start.Add(24 * time.Hour)
	}
	n := max(rec.Pattern.Interval, 1)
	switch rec.Range.Type {
	case "endDate":
		if end, err := time.ParseInLocation(time.DateOnly, rec.Range.EndDate, start.Location()); err == nil {
			return end.AddDate(0, 0, 2)
		}
	case "numbered":
		c := rec.Range.NumberOfOccurrences * n
		switch rec.Pattern.Type {
		case "daily":
			return start.AddDate(0, 0, c+2)
		case "weekly":
			return start.AddDate(0, 0, 7*(c+1))
		case "absoluteMonthly", "relativeMonthly":
			return start.AddDate(0, c+1, 0)
		default:
			return start.AddDate(c+1, 0, 0)
		}
	}
	return start.AddDate(2, 0, 0)
}

// zoneOf is the zone an event is written in and its TZID ("" for UTC).
func zoneOf(ev *Event) (*time.Location, string) {
	loc, err := ev.Zone()
	if err != nil || loc == time.UTC {
		return time.UTC, ""
	}
	return loc, loc.String()
}

// addEvent adds one VEVENT; master is set for an exception or occurrence
// written as part of its series.
func addEvent(cal *ical.Component, zones map[string]*time.Location, ev *Event, master *Event) error {
	loc, tzid := zoneOf(ev)
	if master != nil {
		loc, tzid = zoneOf(master)
	}
	start, err := ev.StartTime()
	if err != nil {
		return fmt.Errorf("calendar: export %q: %w", ev.ID, err)
	}
	end, err := ev.EndTime()
	if err != nil {
		return fmt.Errorf("calendar: export %q: %w", ev.ID, err)
	}
	start, end = start.In(loc), end.In(loc)
	if tzid != "" {
		zones[tzid] = loc
	}
	when := func(name string, t time.Time) ical.Property {
		if ev.IsAllDay {
			return ical.NewDate(name, t)
		}
		return ical.NewDateTime(name, t, tzid)
	}
	uid := ev.ICalUID
	if master != nil {
		uid = master.ICalUID
	}
	stamp := ev.LastModifiedDateTime
	if stamp.IsZero() {
		stamp = time.Now()
	}
	vev := &ical.Component{Name: "VEVENT"}
	vev.Add(ical.NewText("UID", uid), ical.NewDateTime("DTSTAMP", stamp, ""))
	if !ev.CreatedDateTime.IsZero() {
		vev.Add(ical.NewDateTime("CREATED", ev.CreatedDateTime, ""))
	}
	if !ev.LastModifiedDateTime.IsZero() {
		vev.Add(ical.NewDateTime("LAST-MODIFIED", ev.LastModifiedDateTime, ""))
	}
	if ev.Type == Occurrence || ev.Type == Exception {
		orig := ev.OriginalStart.In(loc)
		if ev.IsAllDay {
			if first, _, err := ev.Dates(); err == nil {
				orig = first
			}
		}
		vev.Add(when("RECURRENCE-ID", orig))
	}
	vev.Add(when("DTSTART", start), when("DTEND", end), ical.NewText("SUMMARY", ev.Subject))
	if text := bodyText(ev.Body); text != "" {
		vev.Add(ical.NewText("DESCRIPTION", text))
	}
	if ev.Location.DisplayName != "" {
		vev.Add(ical.NewText("LOCATION", ev.Location.DisplayName))
	}
	if len(ev.Categories) > 0 {
		vev.Add(ical.NewTextList("CATEGORIES", ev.Categories...))
	}
	class := map[string]string{"private": "PRIVATE", "confidential": "CONFIDENTIAL", "personal": "PRIVATE"}[ev.Sensitivity]
	if class == "" {
		class = "PUBLIC"
	}
	status, transp := "CONFIRMED", "OPAQUE"
	if ev.IsCancelled {
		status = "CANCELLED"
	}
	if ev.ShowAs == Free {
		transp = "TRANSPARENT"
	}
	vev.Add(ical.Property{Name: "CLASS", Value: class}, ical.Property{Name: "STATUS", Value: status}, ical.Property{Name: "TRANSP", Value: transp})
	if ev.Type == SeriesMaster && ev.Recurrence != nil && master == nil {
		rule, err := rrule(*ev.Recurrence, start, ev.IsAllDay)
		if err != nil {
			return fmt.Errorf("calendar: export %q: %w", ev.ID, err)
		}
		p, err := ical.NewRecur("RRULE", rule)
		if err != nil {
			return fmt.Errorf("calendar: export %q: %w", ev.ID, err)
		}
		vev.Add(p)
		if ex := cancelledStarts(ev, start); len(ex) > 0 {
			if ev.IsAllDay {
				vev.Add(ical.NewDates("EXDATE", ex...))
			} else {
				vev.Add(ical.NewDateTimes("EXDATE", tzid, ex...))
			}
		}
	}
	if ev.Organizer.EmailAddress.Address != "" && len(ev.Attendees) > 0 {
		vev.Add(ical.NewOrganizer(ical.Participant{Email: ev.Organizer.EmailAddress.Address, Name: ev.Organizer.EmailAddress.Name}))
	}
	for _, a := range ev.Attendees {
		vev.Add(ical.NewAttendee(participant(ev, a)))
	}
	cal.Components = append(cal.Components, vev)
	return nil
}

// participant maps an attendee to ATTENDEE's parameters.
func participant(ev *Event, a Attendee) ical.Participant {
	p := ical.Participant{Email: a.EmailAddress.Address, Name: a.EmailAddress.Name, Role: ical.RoleRequired,
		PartStat: ical.PartStatNeedsAction, CUType: ical.CUTypeIndividual}
	switch a.Type {
	case Optional:
		p.Role = ical.RoleOptional
	case Resource:
		p.Role, p.CUType = ical.RoleNonParticipant, ical.CUTypeResource
	}
	if a.Status != nil {
		switch a.Status.Response {
		case ResponseAccepted:
			p.PartStat = ical.PartStatAccepted
		case ResponseDeclined:
			p.PartStat = ical.PartStatDeclined
		case ResponseTentative:
			p.PartStat = ical.PartStatTentative
		}
	}
	p.RSVP = p.PartStat == ical.PartStatNeedsAction && (ev.ResponseRequested == nil || *ev.ResponseRequested)
	return p
}

// cancelledStarts are the original starts of a series' cancelled
// occurrences: the dates of cancelledOccurrences at the series' time of day.
func cancelledStarts(ev *Event, start time.Time) []time.Time {
	var out []time.Time
	for _, oid := range ev.CancelledOccurrences {
		i := strings.LastIndexByte(oid, '.')
		if i < 0 {
			continue
		}
		d, err := time.ParseInLocation(time.DateOnly, oid[i+1:], start.Location())
		if err != nil {
			continue
		}
		out = append(out, time.Date(d.Year(), d.Month(), d.Day(), start.Hour(), start.Minute(), start.Second(), 0, start.Location()))
	}
	return out
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

var setPositions = map[string]int{First: 1, Second: 2, Third: 3, Fourth: 4, Last: -1}

// rrule writes Graph's recurrence as an RFC 5545 rule with Exchange's
// meaning: a day of the month past the month's end falls on its last day
// (BYMONTHDAY=28,...,d with BYSETPOS=-1), relative patterns count all
// their weekdays together (BYSETPOS), weeks start on firstDayOfWeek
// (WKST), and endDate is the last day an occurrence may start (UNTIL at
// the series' time of day).
func rrule(rec o365.PatternedRecurrence, start time.Time, allDay bool) (ical.Recur, error) {
	p := rec.Pattern
	r := ical.Recur{Interval: max(p.Interval, 1)}
	var byDay []ical.WeekdayNum
	for _, d := range p.DaysOfWeek {
		wd, ok := weekdays[strings.ToLower(d)]
		if !ok {
			return r, fmt.Errorf("unknown day %q", d)
		}
		byDay = append(byDay, ical.WeekdayNum{Day: wd})
	}
	monthDay := func(d int) {
		if d <= 28 {
			r.ByMonthDay = []int{d}
			return
		}
		for i := 28; i <= d; i++ {
			r.ByMonthDay = append(r.ByMonthDay, i)
		}
		r.BySetPos = []int{-1}
	}
	relative := func() error {
		pos, ok := setPositions[strings.ToLower(orFirst(p.Index))]
		if !ok {
			return fmt.Errorf("unknown index %q", p.Index)
		}
		r.ByDay, r.BySetPos = byDay, []int{pos}
		return nil
	}
	switch p.Type {
	case "daily":
		r.Freq = ical.Daily
	case "weekly":
		r.Freq, r.ByDay = ical.Weekly, byDay
		wkst := time.Sunday
		if d, ok := weekdays[strings.ToLower(p.FirstDayOfWeek)]; ok {
			wkst = d
		}
		r.WeekStart = &wkst
	case "absoluteMonthly":
		r.Freq = ical.Monthly
		monthDay(p.DayOfMonth)
	case "relativeMonthly":
		r.Freq = ical.Monthly
		if err := relative(); err != nil {
			return r, err
		}
	case "absoluteYearly":
		r.Freq, r.ByMonth = ical.Yearly, []int{p.Month}
		monthDay(p.DayOfMonth)
	case "relativeYearly":
		r.Freq, r.ByMonth = ical.Yearly, []int{p.Month}
		if err := relative(); err != nil {
			return r, err
		}
	default:
		return r, fmt.Errorf("unknown pattern type %q", p.Type)
	}
	switch rec.Range.Type {
	case "numbered":
		r.Count = rec.Range.NumberOfOccurrences
	case "endDate":
		loc := start.Location()
		if z := rec.Range.RecurrenceTimeZone; z != "" {
			if l, err := o365.LoadZone(z); err == nil {
				loc = l
			}
		}
		d, err := time.ParseInLocation(time.DateOnly, rec.Range.EndDate, loc)
		if err != nil {
			return r, fmt.Errorf("range end date %q: %w", rec.Range.EndDate, err)
		}
		if allDay {
			r.Until, r.UntilForm = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC), ical.FormDate
		} else {
			r.Until = time.Date(d.Year(), d.Month(), d.Day(), start.Hour(), start.Minute(), start.Second(), 0, start.Location())
		}
	}
	return r, nil
}

func orFirst(index string) string {
	if index == "" {
		return First
	}
	return index
}

var (
	htmlBreaks = regexp.MustCompile(`(?i)<br\s*/?>|</p\s*>|</div\s*>|</li\s*>|</tr\s*>`)
	htmlHidden = regexp.MustCompile(`(?is)<(head|style|script)\b.*?</(head|style|script)\s*>`)
	htmlTags   = regexp.MustCompile(`(?s)<[^>]*>`)
)

// bodyText is an event body as plain text, for DESCRIPTION.
func bodyText(b o365.ItemBody) string {
	if !strings.EqualFold(b.ContentType, "html") {
		return strings.TrimSpace(b.Content)
	}
	s := htmlHidden.ReplaceAllString(b.Content, "")
	s = htmlBreaks.ReplaceAllString(s, "\n")
	s = htmlTags.ReplaceAllString(s, "")
	return strings.TrimSpace(html.UnescapeString(s))
}
