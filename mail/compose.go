package mail

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/outlook"
)

// The methods of this file edit a message locally; Save or Send sends the
// edits.

// recipients parses addresses written as "a@b.c" or "Name <a@b.c>".
func recipients(addrs []string) ([]o365.Recipient, error) {
	var out []o365.Recipient
	for _, a := range addrs {
		// One argument may hold a comma-separated list, as a header does.
		list, err := ParseAddressList(a)
		if err != nil {
			return nil, err
		}
		for _, e := range list {
			out = append(out, o365.Recipient{EmailAddress: e})
		}
	}
	return out, nil
}

// AddTo adds To recipients: "a@b.c", "Name <a@b.c>" or comma-separated lists
// of them. Append to ToRecipients directly to add structs.
func (msg *Message) AddTo(addrs ...string) error {
	r, err := recipients(addrs)
	if err != nil {
		return fmt.Errorf("mail: to: %w", err)
	}
	msg.ToRecipients = append(msg.ToRecipients, r...)
	return nil
}

// AddCc adds Cc recipients (see AddTo).
func (msg *Message) AddCc(addrs ...string) error {
	r, err := recipients(addrs)
	if err != nil {
		return fmt.Errorf("mail: cc: %w", err)
	}
	msg.CcRecipients = append(msg.CcRecipients, r...)
	return nil
}

// AddBcc adds Bcc recipients (see AddTo).
func (msg *Message) AddBcc(addrs ...string) error {
	r, err := recipients(addrs)
	if err != nil {
		return fmt.Errorf("mail: bcc: %w", err)
	}
	msg.BccRecipients = append(msg.BccRecipients, r...)
	return nil
}

// AddReplyTo adds Reply-To addresses (see AddTo).
func (msg *Message) AddReplyTo(addrs ...string) error {
	r, err := recipients(addrs)
	if err != nil {
		return fmt.Errorf("mail: reply-to: %w", err)
	}
	msg.ReplyTo = append(msg.ReplyTo, r...)
	return nil
}

// SetFrom sets the From address, to send as (or on behalf of) another
// mailbox, such as a shared one the user may send as.
func (msg *Message) SetFrom(addr string) error {
	a, err := o365.ParseAddress(addr)
	if err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	msg.From = o365.Recipient{EmailAddress: a}
	return nil
}

// SetText sets a plain-text body.
func (msg *Message) SetText(text string) {
	msg.Body = o365.ItemBody{ContentType: o365.ContentText, Content: text}
}

// SetHTML sets an HTML body; inline images are referenced as
// <img src="cid:CONTENT-ID"> (see AttachInline).
func (msg *Message) SetHTML(html string) {
	msg.Body = o365.ItemBody{ContentType: o365.ContentHTML, Content: html}
}

// AddCategory adds a category unless the message has it already.
func (msg *Message) AddCategory(name string) {
	if !slices.Contains(msg.Categories, name) {
		msg.Categories = append(msg.Categories, name)
	}
}

// SetFlag flags the message for follow-up; zero times are left out.
func (msg *Message) SetFlag(start, due time.Time) {
	f := &FollowupFlag{FlagStatus: FlagFlagged}
	if !start.IsZero() {
		d := o365.NewDateTimeTimeZone(start)
		f.StartDateTime = &d
	}
	if !due.IsZero() {
		d := o365.NewDateTimeTimeZone(due)
		f.DueDateTime = &d
	}
	msg.Flag = f
}

// CompleteFlag marks the follow-up done at the given time (now when zero),
// keeping the flag's start and due dates.
func (msg *Message) CompleteFlag(at time.Time) {
	if at.IsZero() {
		at = time.Now()
	}
	f := &FollowupFlag{}
	if msg.Flag != nil {
		c := *msg.Flag
		f = &c
	}
	f.FlagStatus = FlagComplete
	d := o365.NewDateTimeTimeZone(at)
	f.CompletedDateTime = &d
	msg.Flag = f
}

// ClearFlag removes the follow-up flag.
func (msg *Message) ClearFlag() {
	msg.Flag = &FollowupFlag{FlagStatus: FlagNotFlagged}
}

// ErrHeaderName is wrapped by AddHeader's error for a name Graph refuses.
var ErrHeaderName = errors.New("mail: custom internet message headers must start with x- or X- and hold only printable ASCII without ':'")

// AddHeader adds a custom internet message header. Graph only accepts
// headers whose name starts with "x-".
func (msg *Message) AddHeader(name, value string) error {
	if err := checkHeader(name, value); err != nil {
		return err
	}
	msg.InternetMessageHeaders = append(msg.InternetMessageHeaders, InternetMessageHeader{Name: name, Value: value})
	return nil
}

func checkHeader(name, value string) error {
	if len(name) < 3 || !strings.EqualFold(name[:2], "x-") {
		return fmt.Errorf("%w: %q", ErrHeaderName, name)
	}
	for _, c := range name {
		if c <= ' ' || c > '~' || c == ':' {
			return fmt.Errorf("%w: %q", ErrHeaderName, name)
		}
	}
	if strings.ContainsAny(value, "\r\n") {
		return fmt.Errorf("mail: header %q: the value holds a line break", name)
	}
	return nil
}

// Header returns the value of an internet message header (case-insensitive
// name), loaded with Select("internetMessageHeaders"), or "".
func (msg *Message) Header(name string) string {
	for _, h := range msg.InternetMessageHeaders {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// SetExtendedProperty sets a single-value extended property, replacing one
// with the same id.
func (msg *Message) SetExtendedProperty(id, value string) {
	msg.SingleValueExtendedProperties = outlook.SetExtendedProperty(msg.SingleValueExtendedProperties, id, value)
}

// ExtendedProperty returns the value of a single-value extended property
// (loaded with $expand=singleValueExtendedProperties(...)), or "".
func (msg *Message) ExtendedProperty(id string) string {
	return outlook.LookupExtendedProperty(msg.SingleValueExtendedProperties, id)
}

// DeferUntil delays delivery: the message stays in the Outbox until t
// (PidTagDeferredSendTime).
func (msg *Message) DeferUntil(t time.Time) {
	msg.SetExtendedProperty(PropDeferredSendTime, t.UTC().Format(time.RFC3339))
}
