package mail

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/o365go/o365"
)

// Settings returns the mailbox settings without a request: set the fields
// to change and Save them (only what is set is sent), or Refresh them.
func (m *Mailbox) Settings() *MailboxSettings {
	s := &MailboxSettings{}
	_ = o365.Bind(s, m.acct, "mailboxSettings")
	return s
}

// GetSettings loads the mailbox settings: automatic replies, time zone,
// working hours, language, formats. Edit them and Save them: only the
// changes are sent.
//
// Graph: GET /me/mailboxSettings
// (https://learn.microsoft.com/graph/api/user-get-mailboxsettings).
func (m *Mailbox) GetSettings(ctx context.Context) (*MailboxSettings, error) {
	s, err := o365.Get[MailboxSettings](ctx, m.acct, &o365.Request{Path: "mailboxSettings"})
	if err != nil {
		return nil, fmt.Errorf("mail: mailbox settings: %w", err)
	}
	return s, nil
}

// Save PATCHes the settings changed since they were loaded (for settings
// from Mailbox.Settings, those set); the settings then hold what the
// service answered.
//
// Graph: PATCH /me/mailboxSettings
// (https://learn.microsoft.com/graph/api/user-update-mailboxsettings).
func (s *MailboxSettings) Save(ctx context.Context) error {
	if err := o365.Save(ctx, s); err != nil {
		return fmt.Errorf("mail: update mailbox settings: %w", err)
	}
	return nil
}

// AutoReply describes automatic replies to turn on.
type AutoReply struct {
	// Internal is sent to senders inside the organisation; External to the
	// others (by Audience). Both may hold HTML.
	Internal, External string
	// Audience is AudienceAll (default), AudienceContactsOnly or AudienceNone.
	Audience string
	// Start and End schedule the replies; both zero means on until turned
	// off.
	Start, End time.Time
}

// SetAutoReply turns automatic replies on, always or between a.Start and
// a.End.
//
// Graph: PATCH /me/mailboxSettings
// (https://learn.microsoft.com/graph/api/user-update-mailboxsettings).
func (m *Mailbox) SetAutoReply(ctx context.Context, a AutoReply) error {
	set := &AutomaticRepliesSetting{
		Status:               AutoReplyAlwaysEnabled,
		ExternalAudience:     a.Audience,
		InternalReplyMessage: a.Internal,
		ExternalReplyMessage: a.External,
	}
	if set.ExternalAudience == "" {
		set.ExternalAudience = AudienceAll
	}
	switch {
	case a.Start.IsZero() && a.End.IsZero():
	case a.Start.IsZero() || a.End.IsZero():
		return errors.New("mail: auto-reply: a schedule needs both a start and an end")
	case !a.End.After(a.Start):
		return errors.New("mail: auto-reply: the end of the schedule is not after its start")
	default:
		start, end := o365.NewDateTimeTimeZone(a.Start), o365.NewDateTimeTimeZone(a.End)
		set.Status = AutoReplyScheduled
		set.ScheduledStartDateTime, set.ScheduledEndDateTime = &start, &end
	}
	s := m.Settings()
	s.AutomaticRepliesSetting = set
	return s.Save(ctx)
}

// DisableAutoReply turns automatic replies off (their texts are kept).
//
// Graph: PATCH /me/mailboxSettings
// (https://learn.microsoft.com/graph/api/user-update-mailboxsettings).
func (m *Mailbox) DisableAutoReply(ctx context.Context) error {
	s := m.Settings()
	s.AutomaticRepliesSetting = &AutomaticRepliesSetting{Status: AutoReplyDisabled}
	return s.Save(ctx)
}

// SetTimeZone sets the mailbox's time zone (a Windows or IANA name).
//
// Graph: PATCH /me/mailboxSettings
// (https://learn.microsoft.com/graph/api/user-update-mailboxsettings).
func (m *Mailbox) SetTimeZone(ctx context.Context, zone string) error {
	if zone == "" {
		return errors.New("mail: set time zone: empty name")
	}
	s := m.Settings()
	s.TimeZone = zone
	return s.Save(ctx)
}

// SetWorkingHours sets the working week.
//
// Graph: PATCH /me/mailboxSettings
// (https://learn.microsoft.com/graph/api/user-update-mailboxsettings).
func (m *Mailbox) SetWorkingHours(ctx context.Context, wh WorkingHours) error {
	s := m.Settings()
	s.WorkingHours = &wh
	return s.Save(ctx)
}

// ScheduledStart returns the start of scheduled automatic replies (zero when
// none).
func (s *AutomaticRepliesSetting) ScheduledStart() time.Time {
	return timeOrZero(s.ScheduledStartDateTime)
}

// ScheduledEnd returns the end of scheduled automatic replies (zero when
// none).
func (s *AutomaticRepliesSetting) ScheduledEnd() time.Time { return timeOrZero(s.ScheduledEndDateTime) }
