package mail

import (
	"time"

	"github.com/o365go/o365"
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
	FlagStatus        string                 `json:"flagStatus,omitempty"`
	StartDateTime     *o365.DateTimeTimeZone `json:"startDateTime,omitempty"`
	DueDateTime       *o365.DateTimeTimeZone `json:"dueDateTime,omitempty"`
	CompletedDateTime *o365.DateTimeTimeZone `json:"completedDateTime,omitempty"`
}

// InternetMessageHeader is one RFC 5322 header of a message. Custom headers
// sent through Graph must start with "x-" (see Message.AddHeader).
type InternetMessageHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ExtendedProperty is a MAPI property not exposed by the message resource
// (singleValueLegacyExtendedProperty), such as "SystemTime 0x3FEF".
type ExtendedProperty struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}

// MultiValueExtendedProperty is a multi-valued MAPI property.
type MultiValueExtendedProperty struct {
	ID    string   `json:"id"`
	Value []string `json:"value"`
}

// Folder is Graph's mailFolder, bound to the mailbox it came from.
type Folder struct {
	ID               string `json:"id,omitempty"`
	DisplayName      string `json:"displayName,omitempty"`
	ParentFolderID   string `json:"parentFolderId,omitempty"`
	ChildFolderCount int    `json:"childFolderCount,omitempty"`
	UnreadItemCount  int    `json:"unreadItemCount,omitempty"`
	TotalItemCount   int    `json:"totalItemCount,omitempty"`
	IsHidden         bool   `json:"isHidden,omitempty"`

	mb *Mailbox
}

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
	Status string `json:"status,omitempty"`
	// ExternalAudience is AudienceNone, AudienceContactsOnly or AudienceAll.
	ExternalAudience       string                 `json:"externalAudience,omitempty"`
	ScheduledStartDateTime *o365.DateTimeTimeZone `json:"scheduledStartDateTime,omitempty"`
	ScheduledEndDateTime   *o365.DateTimeTimeZone `json:"scheduledEndDateTime,omitempty"`
	InternalReplyMessage   string                 `json:"internalReplyMessage,omitempty"`
	ExternalReplyMessage   string                 `json:"externalReplyMessage,omitempty"`
}

// TimeZoneBase names a time zone (Windows or IANA name).
type TimeZoneBase struct {
	Name string `json:"name,omitempty"`
}

// WorkingHours is the user's working week.
type WorkingHours struct {
	// DaysOfWeek holds lower-case English day names ("monday").
	DaysOfWeek []string `json:"daysOfWeek,omitempty"`
	// StartTime and EndTime are times of day, "08:00:00.0000000".
	StartTime string        `json:"startTime,omitempty"`
	EndTime   string        `json:"endTime,omitempty"`
	TimeZone  *TimeZoneBase `json:"timeZone,omitempty"`
}

// LocaleInfo is a language and its display name.
type LocaleInfo struct {
	Locale      string `json:"locale,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
}

// MailboxSettings is Graph's mailboxSettings. Nil and empty fields are left
// unchanged by UpdateSettings.
type MailboxSettings struct {
	ArchiveFolder           string                   `json:"archiveFolder,omitempty"`
	AutomaticRepliesSetting *AutomaticRepliesSetting `json:"automaticRepliesSetting,omitempty"`
	TimeZone                string                   `json:"timeZone,omitempty"`
	Language                *LocaleInfo              `json:"language,omitempty"`
	WorkingHours            *WorkingHours            `json:"workingHours,omitempty"`
	DateFormat              string                   `json:"dateFormat,omitempty"`
	TimeFormat              string                   `json:"timeFormat,omitempty"`
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
