package calendar

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/o365go/o365"
)

// GetSchedule returns the availability of several people (addresses) over
// [from, to): one ScheduleInformation each, with an availability view of one
// digit per interval (30 minutes when interval is 0) and their busy items
// (subjects only where the caller may read them).
//
// Graph: POST /me/calendar/getSchedule (https://learn.microsoft.com/graph/api/calendar-getschedule).
func (s *Schedule) GetSchedule(ctx context.Context, addresses []string, from, to time.Time, interval time.Duration) ([]ScheduleInformation, error) {
	if len(addresses) == 0 {
		return nil, fmt.Errorf("calendar: get schedule: no address")
	}
	body := map[string]any{
		"schedules": addresses,
		"startTime": o365.NewDateTimeTimeZone(from),
		"endTime":   o365.NewDateTimeTimeZone(to),
	}
	if interval > 0 {
		body["availabilityViewInterval"] = int(interval / time.Minute)
	}
	var out struct {
		Value []ScheduleInformation `json:"value"`
	}
	if _, err := s.acct.Do(ctx, &o365.Request{Method: http.MethodPost, Path: "calendar/getSchedule", Body: body, Idempotent: true}, &out); err != nil {
		return nil, fmt.Errorf("calendar: get schedule: %w", err)
	}
	return out.Value, nil
}

// MeetingTimesRequest is what FindMeetingTimes looks for.
type MeetingTimesRequest struct {
	// Attendees are the addresses to meet with, by type (Required or
	// Optional).
	Attendees []AttendeeBase
	// Slots are the windows to look in; none means the next two days.
	Slots []o365.TimeSlot
	// Duration is the meeting's length; 0 means 30 minutes.
	Duration time.Duration
	// ActivityDomain is "work" (working hours, the default), "personal" or
	// "unrestricted".
	ActivityDomain string
	// MaxCandidates caps the suggestions; 0 is the service's default.
	MaxCandidates int
	// MinimumAttendeePercentage is the confidence a suggestion needs; 0 is
	// the service's default (50).
	MinimumAttendeePercentage float64
	// IsOrganizerOptional suggests times the organizer is busy too.
	IsOrganizerOptional bool
	// Locations are offered with every suggestion.
	Locations []o365.Location
}

// FindMeetingTimes suggests times when the organizer and attendees are
// free, best first.
//
// Graph: POST /me/findMeetingTimes (https://learn.microsoft.com/graph/api/user-findmeetingtimes).
func (s *Schedule) FindMeetingTimes(ctx context.Context, req *MeetingTimesRequest) (*MeetingTimeSuggestionsResult, error) {
	if req == nil {
		req = &MeetingTimesRequest{}
	}
	body := map[string]any{"returnSuggestionReasons": true, "isOrganizerOptional": req.IsOrganizerOptional}
	if len(req.Attendees) > 0 {
		body["attendees"] = req.Attendees
	}
	if req.Duration > 0 {
		body["meetingDuration"] = isoDuration(req.Duration)
	}
	if len(req.Slots) > 0 || req.ActivityDomain != "" {
		tc := map[string]any{}
		if req.ActivityDomain != "" {
			tc["activityDomain"] = req.ActivityDomain
		}
		if len(req.Slots) > 0 {
			tc["timeSlots"] = req.Slots
		}
		body["timeConstraint"] = tc
	}
	if req.MaxCandidates > 0 {
		body["maxCandidates"] = req.MaxCandidates
	}
	if req.MinimumAttendeePercentage > 0 {
		body["minimumAttendeePercentage"] = req.MinimumAttendeePercentage
	}
	if len(req.Locations) > 0 {
		body["locationConstraint"] = map[string]any{"isRequired": false, "suggestLocation": false, "locations": req.Locations}
	}
	out := &MeetingTimeSuggestionsResult{}
	if _, err := s.acct.Do(ctx, &o365.Request{Method: http.MethodPost, Path: "findMeetingTimes", Body: body, Idempotent: true}, out); err != nil {
		return nil, fmt.Errorf("calendar: find meeting times: %w", err)
	}
	return out, nil
}

// isoDuration writes d as ISO 8601 ("PT1H30M").
func isoDuration(d time.Duration) string {
	d = d.Round(time.Second)
	out := "PT"
	if h := d / time.Hour; h > 0 {
		out += fmt.Sprintf("%dH", h)
		d -= h * time.Hour
	}
	if m := d / time.Minute; m > 0 {
		out += fmt.Sprintf("%dM", m)
		d -= m * time.Minute
	}
	if d > 0 || out == "PT" {
		out += fmt.Sprintf("%dS", d/time.Second)
	}
	return out
}
