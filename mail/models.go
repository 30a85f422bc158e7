package mail

import (
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
	"github.com/o365go/o365/outlook"
)

// Importance values of Message.Importance.
const (
	ImportanceLow    = "low"
	ImportanceNormal = "normal"
	ImportanceHigh   = "high"
)

// Flag status values of FollowupFlag.FlagStatus.
const (
	FlagNotFlagged = "notFlagged"
	FlagFlagged    = "flagged"
	FlagComplete   = "complete"
)

// Well-known folder names, usable wherever a folder id is expected.
const (
	Inbox               = "inbox"
	Drafts              = "drafts"
	SentItems           = "sentitems"
	DeletedItems        = "deleteditems"
	JunkEmail           = "junkemail"
	Archive             = "archive"
	Outbox              = "outbox"
	Clutter             = "clutter"
	Conflicts           = "conflicts"
	ConversationHistory = "conversationhistory"
	LocalFailures       = "localfailures"
	MsgFolderRoot       = "msgfolderroot"
	RecoverableItems    = "recoverableitemsdeletions"
	Scheduled           = "scheduled"
	SearchFolders       = "searchfolders"
	ServerFailures      = "serverfailures"
	SyncIssues          = "syncissues"
)

// WellKnownFolders returns the well-known folder names Graph accepts in place
// of a folder id.
func WellKnownFolders() []string {
	return []string{
		Inbox, Drafts, SentItems, DeletedItems, JunkEmail, Archive, Outbox, Clutter, Conflicts,
		ConversationHistory, LocalFailures, MsgFolderRoot, RecoverableItems, Scheduled,
		SearchFolders, ServerFailures, SyncIssues,
	}
}

// FollowupFlag is Graph's followupFlag: a message's flag with its dates.
type FollowupFlag struct {
	// FlagStatus is FlagNotFlagged, FlagFlagged or FlagComplete.
	FlagStatus        string                 `json:"flagStatus,omitzero"`
	StartDateTime     *o365.DateTimeTimeZone `json:"startDateTime,omitzero"`
	DueDateTime       *o365.DateTimeTimeZone `json:"dueDateTime,omitzero"`
	CompletedDateTime *o365.DateTimeTimeZone `json:"completedDateTime,omitzero"`
}

// InternetMessageHeader is one RFC 5322 header of a message. Custom headers
// sent through Graph must start with "x-" (see Message.AddHeader).
type InternetMessageHeader struct {
	Name  string `json:"name,omitzero"`
	Value string `json:"value,omitzero"`
}

// ExtendedProperty is a MAPI property not exposed by the message resource
// (singleValueLegacyExtendedProperty), such as "SystemTime 0x3FEF".
type ExtendedProperty = outlook.ExtendedProperty

// MultiValueExtendedProperty is a multi-valued MAPI property.
type MultiValueExtendedProperty = outlook.MultiValueExtendedProperty

// AutomaticReplies status values.
const (
	AutoReplyDisabled      = "disabled"
	AutoReplyAlwaysEnabled = "alwaysEnabled"
	AutoReplyScheduled     = "scheduled"
)

// External audience values of AutomaticRepliesSetting.
const (
	AudienceNone         = "none"
	AudienceContactsOnly = "contactsOnly"
	AudienceAll          = "all"
)

// AutomaticRepliesSetting is the mailbox's out-of-office configuration.
type AutomaticRepliesSetting struct {
	// Status is AutoReplyDisabled, AutoReplyAlwaysEnabled or AutoReplyScheduled.
	Status string `json:"status,omitzero"`
	// ExternalAudience is AudienceNone, AudienceContactsOnly or AudienceAll.
	ExternalAudience       string                 `json:"externalAudience,omitzero"`
	ScheduledStartDateTime *o365.DateTimeTimeZone `json:"scheduledStartDateTime,omitzero"`
	ScheduledEndDateTime   *o365.DateTimeTimeZone `json:"scheduledEndDateTime,omitzero"`
	InternalReplyMessage   string                 `json:"internalReplyMessage,omitzero"`
	ExternalReplyMessage   string                 `json:"externalReplyMessage,omitzero"`
}

// TimeZone is Graph's timeZoneBase, and its customTimeZone kind: a zone by
// name (Windows or IANA), or a custom zone with its own offsets and
// daylight-saving rules, as Exchange stores one for working hours.
type TimeZone struct {
	// ODataType is "#microsoft.graph.customTimeZone" for a custom zone.
	ODataType string `json:"@odata.type,omitzero"`
	Name      string `json:"name,omitzero"`
	// Bias is the zone's offset from UTC in minutes, west positive (UTC-5
	// is 300), for a custom zone.
	Bias           int                     `json:"bias,omitzero"`
	StandardOffset *StandardTimeZoneOffset `json:"standardOffset,omitzero"`
	DaylightOffset *DaylightTimeZoneOffset `json:"daylightOffset,omitzero"`
}

// StandardTimeZoneOffset is when a custom zone goes to standard time: on the
// DayOccurrence-th (1-5) DayOfWeek of Month at Time ("02:00:00.0000000"),
// every year unless Year is set.
type StandardTimeZoneOffset struct {
	Time          string `json:"time,omitzero"`
	DayOccurrence int    `json:"dayOccurrence,omitzero"`
	DayOfWeek     string `json:"dayOfWeek,omitzero"`
	Month         int    `json:"month,omitzero"`
	Year          int    `json:"year,omitzero"`
}

// DaylightTimeZoneOffset is when a custom zone goes to daylight-saving time,
// and the minutes DaylightBias adds to its Bias then (-60 for an hour).
type DaylightTimeZoneOffset struct {
	Time          string `json:"time,omitzero"`
	DayOccurrence int    `json:"dayOccurrence,omitzero"`
	DayOfWeek     string `json:"dayOfWeek,omitzero"`
	Month         int    `json:"month,omitzero"`
	Year          int    `json:"year,omitzero"`
	DaylightBias  int    `json:"daylightBias,omitzero"`
}

// WorkingHours is the user's working week.
type WorkingHours struct {
	// DaysOfWeek holds lower-case English day names ("monday").
	DaysOfWeek []string `json:"daysOfWeek,omitzero"`
	// StartTime and EndTime are times of day, "08:00:00.0000000".
	StartTime string    `json:"startTime,omitzero"`
	EndTime   string    `json:"endTime,omitzero"`
	TimeZone  *TimeZone `json:"timeZone,omitzero"`
}

// LocaleInfo is a language and its display name.
type LocaleInfo struct {
	Locale      string `json:"locale,omitzero"`
	DisplayName string `json:"displayName,omitzero"`
}

// MailboxSettings is Graph's mailboxSettings: automatic replies, time zone,
// working hours, language and formats. Get it with Mailbox.GetSettings, edit
// it and Save it: only the changes are sent.
type MailboxSettings struct {
	o365.Object
	ArchiveFolder           string                   `json:"archiveFolder,omitzero"`
	AutomaticRepliesSetting *AutomaticRepliesSetting `json:"automaticRepliesSetting,omitzero"`
	// TimeZone is the mailbox's zone, a Windows or IANA name.
	TimeZone   string      `json:"timeZone,omitzero"`
	Language   *LocaleInfo `json:"language,omitzero"`
	DateFormat string      `json:"dateFormat,omitzero"`
	TimeFormat string      `json:"timeFormat,omitzero"`
	// DelegateMeetingMessageDeliveryOptions is
	// "sendToDelegateAndInformationToPrincipal",
	// "sendToDelegateAndPrincipal" or "sendToDelegateOnly".
	DelegateMeetingMessageDeliveryOptions string        `json:"delegateMeetingMessageDeliveryOptions,omitzero"`
	WorkingHours                          *WorkingHours `json:"workingHours,omitzero"`
	UserPurpose                           string        `json:"userPurpose,omitzero" o365:"readonly"`
}

// UnmarshalJSONFrom decodes the settings and keeps their JSON (see
// o365.Object).
func (s *MailboxSettings) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain MailboxSettings
	return o365.DecodeObject(d, (*plain)(s))
}

// MarshalJSON encodes the settings as the service sent them, with the
// program's changes (see o365.Object).
func (s MailboxSettings) MarshalJSON() ([]byte, error) {
	type plain MailboxSettings
	return o365.MarshalObject((*plain)(&s))
}

// timeOrZero parses an instant for display; a zero time on failure.
func timeOrZero(d *o365.DateTimeTimeZone) time.Time {
	if d == nil {
		return time.Time{}
	}
	t, err := d.Time()
	if err != nil {
		return time.Time{}
	}
	return t
}
