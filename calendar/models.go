package calendar

import (
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/outlook"
)

// Attachment is an event's attachment: a file, an item or a reference (see
// outlook.Attachment).
type Attachment = outlook.Attachment

// ExtendedProperty is a MAPI property not exposed by the event resource
// (singleValueLegacyExtendedProperty).
type ExtendedProperty = outlook.ExtendedProperty

// MultiValueExtendedProperty is a multi-valued MAPI property.
type MultiValueExtendedProperty = outlook.MultiValueExtendedProperty

// Attendee types.
const (
	Required = "required"
	Optional = "optional"
	Resource = "resource"
)

// Responses (responseType values).
const (
	ResponseNone       = "none"
	ResponseOrganizer  = "organizer"
	ResponseTentative  = "tentativelyAccepted"
	ResponseAccepted   = "accepted"
	ResponseDeclined   = "declined"
	ResponseNoResponse = "notResponded"
)

// Event types.
const (
	SingleInstance = "singleInstance"
	Occurrence     = "occurrence"
	Exception      = "exception"
	SeriesMaster   = "seriesMaster"
)

// Free/busy statuses (freeBusyStatus values), as showAs and schedules use
// them.
const (
	Free             = "free"
	Tentative        = "tentative"
	Busy             = "busy"
	OutOfOffice      = "oof"
	WorkingElsewhere = "workingElsewhere"
	Unknown          = "unknown"
)

// Roles of a calendar permission (calendarRoleType values), each allowing
// what the ones before it do.
const (
	RoleNone            = "none"
	RoleFreeBusyRead    = "freeBusyRead"
	RoleLimitedRead     = "limitedRead"
	RoleRead            = "read"
	RoleWrite           = "write"
	RoleDelegate        = "delegateWithoutPrivateEventAccess"
	RoleDelegatePrivate = "delegateWithPrivateEventAccess"
)

// Colors of a calendar (calendarColor values).
const (
	ColorAuto        = "auto"
	ColorLightBlue   = "lightBlue"
	ColorLightGreen  = "lightGreen"
	ColorLightOrange = "lightOrange"
	ColorLightGray   = "lightGray"
	ColorLightYellow = "lightYellow"
	ColorLightTeal   = "lightTeal"
	ColorLightPink   = "lightPink"
	ColorLightBrown  = "lightBrown"
	ColorLightRed    = "lightRed"
)

// Attendee is a person, a room or equipment invited to an event, with their
// answer as the organizer knows it.
type Attendee struct {
	EmailAddress o365.EmailAddress `json:"emailAddress,omitzero"`
	// Type is Required, Optional or Resource.
	Type string `json:"type,omitzero"`
	// Status is the attendee's answer; read-only for the organizer.
	Status *ResponseStatus `json:"status,omitzero"`
	// ProposedNewTime is a time the attendee proposed instead.
	ProposedNewTime *o365.TimeSlot `json:"proposedNewTime,omitzero"`
}

// ResponseStatus is an answer to a meeting and when it was given.
type ResponseStatus struct {
	// Response is one of the Response* constants.
	Response string    `json:"response,omitzero"`
	Time     time.Time `json:"time,omitzero"`
}

// OnlineMeetingInfo is how to join an online (Teams) meeting.
type OnlineMeetingInfo struct {
	JoinURL         string   `json:"joinUrl,omitzero"`
	ConferenceID    string   `json:"conferenceId,omitzero"`
	TollNumber      string   `json:"tollNumber,omitzero"`
	TollFreeNumbers []string `json:"tollFreeNumbers,omitzero"`
	QuickDial       string   `json:"quickDial,omitzero"`
	Phones          []Phone  `json:"phones,omitzero"`
}

// Phone is a phone number and its kind ("business", "mobile" ...).
type Phone struct {
	Number   string `json:"number,omitzero"`
	Type     string `json:"type,omitzero"`
	Language string `json:"language,omitzero"`
	Region   string `json:"region,omitzero"`
}

// ScheduleInformation is one person's availability from GetSchedule.
type ScheduleInformation struct {
	// ScheduleID is the address asked about.
	ScheduleID string `json:"scheduleId,omitzero"`
	// AvailabilityView has one digit per interval: 0 free, 1 tentative, 2
	// busy, 3 out of office, 4 working elsewhere.
	AvailabilityView string         `json:"availabilityView,omitzero"`
	ScheduleItems    []ScheduleItem `json:"scheduleItems,omitzero"`
	WorkingHours     *WorkingHours  `json:"workingHours,omitzero"`
	Error            *FreeBusyError `json:"error,omitzero"`
}

// ScheduleItem is one busy block of a schedule; Subject and Location are
// empty when the caller may see free/busy only.
type ScheduleItem struct {
	Start     o365.DateTimeTimeZone `json:"start,omitzero"`
	End       o365.DateTimeTimeZone `json:"end,omitzero"`
	Status    string                `json:"status,omitzero"`
	IsPrivate bool                  `json:"isPrivate,omitzero"`
	Subject   string                `json:"subject,omitzero"`
	Location  string                `json:"location,omitzero"`
}

// WorkingHours are the days and hours a person works, in their zone.
type WorkingHours struct {
	DaysOfWeek []string      `json:"daysOfWeek,omitzero"`
	StartTime  string        `json:"startTime,omitzero"`
	EndTime    string        `json:"endTime,omitzero"`
	TimeZone   *TimeZoneBase `json:"timeZone,omitzero"`
}

// TimeZoneBase names a zone.
type TimeZoneBase struct {
	Name string `json:"name,omitzero"`
}

// FreeBusyError says why a schedule could not be read.
type FreeBusyError struct {
	Message      string `json:"message,omitzero"`
	ResponseCode string `json:"responseCode,omitzero"`
}

// MeetingTimeSuggestionsResult is FindMeetingTimes' answer.
type MeetingTimeSuggestionsResult struct {
	MeetingTimeSuggestions []MeetingTimeSuggestion `json:"meetingTimeSuggestions,omitzero"`
	// EmptySuggestionsReason says why there is none: "attendeesUnavailable",
	// "organizerUnavailable", "locationsUnavailable" ...
	EmptySuggestionsReason string `json:"emptySuggestionsReason,omitzero"`
}

// MeetingTimeSuggestion is one suggested slot.
type MeetingTimeSuggestion struct {
	MeetingTimeSlot       o365.TimeSlot          `json:"meetingTimeSlot,omitzero"`
	Confidence            float64                `json:"confidence,omitzero"`
	Order                 int                    `json:"order,omitzero"`
	OrganizerAvailability string                 `json:"organizerAvailability,omitzero"`
	AttendeeAvailability  []AttendeeAvailability `json:"attendeeAvailability,omitzero"`
	Locations             []o365.Location        `json:"locations,omitzero"`
	SuggestionReason      string                 `json:"suggestionReason,omitzero"`
}

// AttendeeAvailability is one attendee's status in a suggested slot.
type AttendeeAvailability struct {
	Attendee     AttendeeBase `json:"attendee,omitzero"`
	Availability string       `json:"availability,omitzero"`
}

// AttendeeBase is an attendee without an answer.
type AttendeeBase struct {
	EmailAddress o365.EmailAddress `json:"emailAddress,omitzero"`
	Type         string            `json:"type,omitzero"`
}
