package calendar

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
)

// Free/busy: getSchedule and findMeetingTimes read the default calendars of
// the people asked about and their working hours (mailbox settings).

// busyRank orders free/busy statuses by how busy they make a slot, and
// availabilityDigit is the digit availabilityView writes for each.
var (
	busyRank          = map[string]int{"free": 0, "unknown": 0, "tentative": 1, "workingElsewhere": 2, "busy": 3, "oof": 4}
	availabilityDigit = map[string]byte{"free": '0', "unknown": '0', "tentative": '1', "busy": '2', "oof": '3', "workingElsewhere": '4'}
)

// maxScheduleWindow is the longest window getSchedule answers.
const maxScheduleWindow = 62 * 24 * time.Hour

// busyItem is one event that takes time in a schedule.
type busyItem struct {
	start, end time.Time
	status     string
	doc        map[string]any
}

// busyItems are the items of a user's default calendar that overlap the
// window and take time (not free, not cancelled), in order of start.
func busyItems(ctx context.Context, tx *core.Tx, userID string, w window) ([]busyItem, error) {
	cal, err := tx.Get(ctx, collCalendars, userID, defaultCalendarID(userID))
	if core.IsNotFound(err) {
		return nil, nil // a mailbox never opened: all free
	}
	if err != nil {
		return nil, err
	}
	docs, err := viewDocs(ctx, tx, &place{owner: userID, cal: cal}, w)
	if err != nil {
		return nil, err
	}
	var out []busyItem
	for _, d := range docs {
		status := core.Str(d, "showAs")
		if busyRank[status] == 0 || d["isCancelled"] == true {
			continue
		}
		out = append(out, busyItem{start: storedTime(d["start"]), end: storedTime(d["end"]), status: status, doc: d})
	}
	return out, nil
}

// statusOver is the busiest status of items over [from, to).
func statusOver(items []busyItem, from, to time.Time) string {
	best := "free"
	for _, it := range items {
		if it.start.Before(to) && it.end.After(from) && busyRank[it.status] > busyRank[best] {
			best = it.status
		}
	}
	return best
}

// scheduleRequest is getSchedule's body.
type scheduleRequest struct {
	Schedules                []string `json:"schedules"`
	StartTime                any      `json:"startTime"`
	EndTime                  any      `json:"endTime"`
	AvailabilityViewInterval *int     `json:"availabilityViewInterval"`
}

func getSchedule(ctx context.Context, c *core.Call) error {
	if _, err := ownerOf(ctx, c); err != nil {
		return err
	}
	var in scheduleRequest
	if err := c.Decode(&in); err != nil {
		return err
	}
	if len(in.Schedules) == 0 {
		return core.Errorf(http.StatusBadRequest, "ErrorInvalidParameter", "The parameter 'Schedules' is required and needs at least one address.")
	}
	if len(in.Schedules) > 100 {
		return core.Errorf(http.StatusBadRequest, "ErrorInvalidParameter", "getSchedule takes at most 100 schedules, not %d.", len(in.Schedules))
	}
	from, zone, err := parseDTZ(in.StartTime, "startTime")
	if err != nil {
		return err
	}
	to, _, err := parseDTZ(in.EndTime, "endTime")
	if err != nil {
		return err
	}
	if !to.After(from) {
		return core.Errorf(http.StatusBadRequest, "ErrorInvalidParameter", "endTime must be after startTime.")
	}
	if to.Sub(from) > maxScheduleWindow {
		return core.Errorf(http.StatusBadRequest, "ErrorInvalidParameter", "The window of getSchedule is at most 62 days.")
	}
	interval := 30
	if in.AvailabilityViewInterval != nil {
		interval = *in.AvailabilityViewInterval
	}
	if interval < 5 || interval > 1440 {
		return core.Errorf(http.StatusBadRequest, "ErrorInvalidParameter", "availabilityViewInterval must be between 5 and 1440 minutes, not %d.", interval)
	}
	if zone == "" {
		zone = "UTC"
	}
	zloc, _ := loadZone(zone)
	mb, err := c.Mailboxes()
	if err != nil {
		return err
	}
	w := window{from.UTC(), to.UTC()}
	slots := int(math.Ceil(to.Sub(from).Minutes() / float64(interval)))
	var out []any
	err = c.Store().Read(ctx, func(tx *core.Tx) error {
		for _, addr := range in.Schedules {
			u, err := core.LookupUser(ctx, tx, addr)
			if core.IsNotFound(err) {
				out = append(out, map[string]any{"scheduleId": addr, "availabilityView": "", "scheduleItems": []any{},
					"error": map[string]any{"message": "The recipient " + addr + " was not found in the directory.", "responseCode": "ErrorMailRecipientNotFound"}})
				continue
			}
			if err != nil {
				return err
			}
			items, err := busyItems(ctx, tx, u.ID, w)
			if err != nil {
				return err
			}
			r := roleOwner
			if cal, err := tx.Get(ctx, collCalendars, u.ID, defaultCalendarID(u.ID)); err == nil {
				r = callerRole(ctx, c, tx, &place{owner: u.ID, user: u}, cal)
			} else if !strings.EqualFold(c.Claims.ObjectID, u.ID) && !c.Claims.AppOnly {
				r = roleFreeBusy // never opened: the organization's default
			}
			view := make([]byte, slots)
			for i := range view {
				s := from.Add(time.Duration(i*interval) * time.Minute)
				view[i] = availabilityDigit[statusOver(items, s, s.Add(time.Duration(interval)*time.Minute))]
			}
			list := make([]any, 0, len(items))
			for _, it := range items {
				private := core.Str(it.doc, "sensitivity") == "private"
				item := map[string]any{"isPrivate": private, "status": it.status,
					"start": core.DateTimeTimeZone(it.start, zone, zloc), "end": core.DateTimeTimeZone(it.end, zone, zloc)}
				if r >= roleLimited && (!private || r >= roleDelegatePrivate) {
					item["subject"] = core.Str(it.doc, "subject")
					loc, _ := it.doc["location"].(map[string]any)
					item["location"] = core.Str(loc, "displayName")
				}
				list = append(list, item)
			}
			settings, err := mb.Settings(ctx, c, tx, u.ID)
			if err != nil {
				return err
			}
			out = append(out, c.Localize(map[string]any{
				"scheduleId": addr, "availabilityView": string(view), "scheduleItems": list,
				"workingHours": settings["workingHours"],
			}))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.WriteJSON(http.StatusOK, map[string]any{
		"@odata.context": c.RootURL() + "$metadata#Collection(microsoft.graph.scheduleInformation)", "value": out,
	})
}

// workingHours is a mailbox's working hours, resolved.
type workingHours struct {
	days       map[time.Weekday]bool
	start, end int // seconds after midnight
	loc        *time.Location
}

func parseWorkingHours(v any) workingHours {
	wh := workingHours{days: map[time.Weekday]bool{}, start: 8 * 3600, end: 17 * 3600, loc: time.UTC}
	m, _ := v.(map[string]any)
	if days, ok := m["daysOfWeek"].([]any); ok {
		for _, d := range days {
			for i := time.Sunday; i <= time.Saturday; i++ {
				if strings.EqualFold(fmt.Sprint(d), i.String()) {
					wh.days[i] = true
				}
			}
		}
	}
	clock := func(s string, def int) int {
		t, err := time.Parse("15:04:05", strings.SplitN(s, ".", 2)[0])
		if err != nil {
			return def
		}
		return t.Hour()*3600 + t.Minute()*60 + t.Second()
	}
	wh.start, wh.end = clock(core.Str(m, "startTime"), wh.start), clock(core.Str(m, "endTime"), wh.end)
	if tz, ok := m["timeZone"].(map[string]any); ok {
		if loc, ok := core.LoadZone(core.Str(tz, "name")); ok {
			wh.loc = loc
		}
	}
	return wh
}

// contains reports whether [from, to) lies in one working day's hours.
func (wh workingHours) contains(from, to time.Time) bool {
	f := from.In(wh.loc)
	if !wh.days[f.Weekday()] {
		return false
	}
	at := func(sec int) time.Time {
		return time.Date(f.Year(), f.Month(), f.Day(), sec/3600, sec%3600/60, sec%60, 0, wh.loc)
	}
	return !from.Before(at(wh.start)) && !to.After(at(wh.end))
}

// parseISODuration reads meetingDuration ("PT1H30M", "PT45M").
func parseISODuration(s string) (time.Duration, error) {
	rest, ok := strings.CutPrefix(strings.ToUpper(s), "PT")
	if !ok || rest == "" {
		return 0, fmt.Errorf("not an ISO 8601 duration such as PT1H")
	}
	var d time.Duration
	num := 0
	seen := false
	for _, r := range rest {
		switch {
		case r >= '0' && r <= '9':
			num = num*10 + int(r-'0')
			seen = true
		case r == 'H' && seen:
			d += time.Duration(num) * time.Hour
			num, seen = 0, false
		case r == 'M' && seen:
			d += time.Duration(num) * time.Minute
			num, seen = 0, false
		case r == 'S' && seen:
			d += time.Duration(num) * time.Second
			num, seen = 0, false
		default:
			return 0, fmt.Errorf("not an ISO 8601 duration such as PT1H")
		}
	}
	if seen || d <= 0 {
		return 0, fmt.Errorf("not an ISO 8601 duration such as PT1H")
	}
	return d, nil
}

// findMeetingTimes suggests times when the organizer and the attendees are
// free, inside the time constraint's slots and the organizer's working
// hours (activityDomain work, the default), 30 minutes apart.
func findMeetingTimes(ctx context.Context, c *core.Call) error {
	pl, err := ownerOf(ctx, c)
	if err != nil {
		return err
	}
	if pl.user == nil {
		return core.AccessDenied()
	}
	var in map[string]any
	if err := c.DecodeOptional(&in); err != nil {
		return err
	}
	duration := 30 * time.Minute
	if s, ok := param(in, "meetingDuration").(string); ok && s != "" {
		if duration, err = parseISODuration(s); err != nil {
			return core.Errorf(http.StatusBadRequest, "ErrorInvalidParameter", "meetingDuration '%s' is %v.", s, err)
		}
	}
	maxCandidates := 5
	if v, ok := param(in, "maxCandidates").(float64); ok && v > 0 {
		maxCandidates = int(v)
	}
	minPercent := 50.0
	if v, ok := param(in, "minimumAttendeePercentage").(float64); ok {
		minPercent = v
	}
	organizerOptional, _ := param(in, "isOrganizerOptional").(bool)
	reasons, _ := param(in, "returnSuggestionReasons").(bool)
	now := c.Now().UTC()
	start := now.Truncate(30 * time.Minute).Add(30 * time.Minute)
	slots := []window{{start, start.Add(2 * 24 * time.Hour)}}
	domain := "work"
	if tc, ok := param(in, "timeConstraint").(map[string]any); ok {
		if d := core.Str(tc, "activityDomain"); d != "" {
			if !core.ContainsFold([]string{"work", "personal", "unrestricted", "unknown"}, d) {
				return core.Errorf(http.StatusBadRequest, "RequestBodyRead", "Requested value '%s' was not found.", d)
			}
			domain = strings.ToLower(d)
		}
		if list, ok := tc["timeSlots"].([]any); ok && len(list) > 0 {
			slots = nil
			for _, s := range list {
				m, _ := s.(map[string]any)
				f, _, err := parseDTZ(m["start"], "timeSlots.start")
				if err != nil {
					return err
				}
				t, _, err := parseDTZ(m["end"], "timeSlots.end")
				if err != nil {
					return err
				}
				if t.After(f) {
					slots = append(slots, window{f.UTC(), t.UTC()})
				}
			}
		}
	}
	var locations []any
	if lc, ok := param(in, "locationConstraint").(map[string]any); ok {
		if list, ok := lc["locations"].([]any); ok {
			for _, l := range list {
				m, _ := l.(map[string]any)
				locations = append(locations, map[string]any{"displayName": core.Str(m, "displayName"), "locationEmailAddress": core.Str(m, "locationEmailAddress")})
			}
		}
	}
	type person struct {
		attendee map[string]any
		items    []busyItem
		known    bool
		required bool
	}
	mb, err := c.Mailboxes()
	if err != nil {
		return err
	}
	var people []person
	var orgItems []busyItem
	var wh workingHours
	span := window{slots[0].from, slots[0].to}
	for _, s := range slots {
		span.from, span.to = minTime(span.from, s.from), maxTime(span.to, s.to)
	}
	attendees, _ := param(in, "attendees").([]any)
	err = c.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		if orgItems, err = busyItems(ctx, tx, pl.owner, span); err != nil {
			return err
		}
		settings, err := mb.Settings(ctx, c, tx, pl.owner)
		if err != nil {
			return err
		}
		wh = parseWorkingHours(settings["workingHours"])
		for _, a := range attendees {
			m, _ := a.(map[string]any)
			if err := checkAttendee(m); err != nil {
				return err
			}
			p := person{attendee: map[string]any{"type": orDefault(core.Str(m, "type"), "required"), "emailAddress": m["emailAddress"]}}
			p.required = !strings.EqualFold(core.Str(m, "type"), "optional")
			if u, err := core.LookupUser(ctx, tx, attendeeAddress(m)); err == nil {
				p.known = true
				if p.items, err = busyItems(ctx, tx, u.ID, span); err != nil {
					return err
				}
			} else if !core.IsNotFound(err) {
				return err
			}
			people = append(people, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	type suggestion struct {
		from       time.Time
		confidence float64
		doc        map[string]any
	}
	var found []suggestion
	organizerBusy := false
	for _, s := range slots {
		for t := s.from; !t.Add(duration).After(s.to); t = t.Add(30 * time.Minute) {
			end := t.Add(duration)
			inHours := wh.contains(t, end)
			if (domain == "work" && !inHours) || (domain == "personal" && inHours) {
				continue
			}
			orgStatus := statusOver(orgItems, t, end)
			if !organizerOptional && busyRank[orgStatus] > 0 {
				organizerBusy = true
				continue
			}
			var avail []any
			free, total := 0, 0
			for _, p := range people {
				status := "unknown"
				if p.known {
					status = statusOver(p.items, t, end)
				}
				avail = append(avail, map[string]any{"attendee": p.attendee, "availability": status})
				if p.required {
					total++
					if status == "free" || status == "unknown" {
						free++
					}
				}
			}
			confidence := 100.0
			if total > 0 {
				confidence = 100 * float64(free) / float64(total)
			}
			if confidence < minPercent {
				continue
			}
			doc := map[string]any{
				"confidence": confidence, "organizerAvailability": orgStatus, "attendeeAvailability": orEmpty(avail),
				"locations": orEmpty(locations), "meetingTimeSlot": map[string]any{"start": utcDTZ(t), "end": utcDTZ(end)},
			}
			if reasons {
				doc["suggestionReason"] = "Suggested because it is one of the nearest times when all attendees are available."
				if confidence < 100 {
					doc["suggestionReason"] = fmt.Sprintf("Suggested because %.0f%% of the required attendees are available.", confidence)
				}
			}
			found = append(found, suggestion{t, confidence, doc})
		}
	}
	slices.SortStableFunc(found, func(a, b suggestion) int {
		if a.confidence != b.confidence {
			if a.confidence > b.confidence {
				return -1
			}
			return 1
		}
		return a.from.Compare(b.from)
	})
	if len(found) > maxCandidates {
		found = found[:maxCandidates]
	}
	out := make([]any, 0, len(found))
	for i, f := range found {
		f.doc["order"] = i + 1
		out = append(out, c.Localize(f.doc))
	}
	reason := ""
	if len(out) == 0 {
		reason = "attendeesUnavailable"
		if organizerBusy {
			reason = "organizerUnavailable"
		}
	}
	return c.WriteJSON(http.StatusOK, map[string]any{
		"@odata.context":         c.RootURL() + "$metadata#microsoft.graph.meetingTimeSuggestionsResult",
		"meetingTimeSuggestions": out, "emptySuggestionsReason": reason,
	})
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func orEmpty(list []any) []any {
	if list == nil {
		return []any{}
	}
	return list
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
