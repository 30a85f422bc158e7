package mail

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/o365go/o365"
)

// Settings loads the mailbox settings: automatic replies, time zone,
// working hours, language, formats.
func (m *Mailbox) Settings(ctx context.Context) (*MailboxSettings, error) {
	var s MailboxSettings
	if err := m.do(ctx, http.MethodGet, "mailboxSettings", nil, &s); err != nil {
		return nil, fmt.Errorf("mail: mailbox settings: %w", err)
	}
	return &s, nil
}

// UpdateSettings PATCHes the settings set in s (empty fields are left as
// they are) and returns the settings the service then holds.
func (m *Mailbox) UpdateSettings(ctx context.Context, s *MailboxSettings) (*MailboxSettings, error) {
	var out MailboxSettings
	if err := m.do(ctx, http.MethodPatch, "mailboxSettings", s, &out); err != nil {
		return nil, fmt.Errorf("mail: update mailbox settings: %w", err)
	}
	return &out, nil
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
	_, err := m.UpdateSettings(ctx, &MailboxSettings{AutomaticRepliesSetting: set})
	return err
}

// DisableAutoReply turns automatic replies off (their texts are kept).
func (m *Mailbox) DisableAutoReply(ctx context.Context) error {
	_, err := m.UpdateSettings(ctx, &MailboxSettings{AutomaticRepliesSetting: &AutomaticRepliesSetting{Status: AutoReplyDisabled}})
	return err
}

// SetTimeZone sets the mailbox's time zone (a Windows or IANA name).
func (m *Mailbox) SetTimeZone(ctx context.Context, zone string) error {
	if zone == "" {
		return errors.New("mail: set time zone: empty name")
	}
	_, err := m.UpdateSettings(ctx, &MailboxSettings{TimeZone: zone})
	return err
}

// SetWorkingHours sets the working week.
func (m *Mailbox) SetWorkingHours(ctx context.Context, wh WorkingHours) error {
	_, err := m.UpdateSettings(ctx, &MailboxSettings{WorkingHours: &wh})
	return err
}

// ScheduledStart returns the start of scheduled automatic replies (zero when
// none).
func (s *AutomaticRepliesSetting) ScheduledStart() time.Time {
	return timeOrZero(s.ScheduledStartDateTime)
}

// ScheduledEnd returns the end of scheduled automatic replies (zero when
// none).
func (s *AutomaticRepliesSetting) ScheduledEnd() time.Time { return timeOrZero(s.ScheduledEndDateTime) }
