package mail

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
)

// Kinds of mail tips (Graph's mailTipsType), for MailTipsOptions.
const (
	TipAutomaticReplies     = "automaticReplies"
	TipMailboxFullStatus    = "mailboxFullStatus"
	TipCustomMailTip        = "customMailTip"
	TipExternalMemberCount  = "externalMemberCount"
	TipTotalMemberCount     = "totalMemberCount"
	TipMaxMessageSize       = "maxMessageSize"
	TipDeliveryRestriction  = "deliveryRestriction"
	TipModerationStatus     = "moderationStatus"
	TipRecipientScope       = "recipientScope"
	TipRecipientSuggestions = "recipientSuggestions"
)

// MailTipKinds returns every kind of mail tip.
func MailTipKinds() []string {
	return []string{TipAutomaticReplies, TipMailboxFullStatus, TipCustomMailTip, TipExternalMemberCount,
		TipTotalMemberCount, TipMaxMessageSize, TipDeliveryRestriction, TipModerationStatus, TipRecipientScope,
		TipRecipientSuggestions}
}

// MailTips is Graph's mailTips: what Outlook would tell a sender about one
// recipient before sending (automatic replies on, mailbox full, outside
// the organisation, a large distribution list ...). Only the kinds asked
// for are set.
type MailTips struct {
	o365.Object
	EmailAddress     o365.EmailAddress         `json:"emailAddress,omitzero" o365:"readonly"`
	AutomaticReplies *AutomaticRepliesMailTips `json:"automaticReplies,omitzero" o365:"readonly"`
	CustomMailTip    string                    `json:"customMailTip,omitzero" o365:"readonly"`
	// DeliveryRestricted is set when the recipient does not accept mail
	// from the sender.
	DeliveryRestricted bool `json:"deliveryRestricted,omitzero" o365:"readonly"`
	// Error is set when the service has no tips for the recipient.
	Error               *MailTipsError `json:"error,omitzero" o365:"readonly"`
	ExternalMemberCount int            `json:"externalMemberCount,omitzero" o365:"readonly"`
	IsModerated         bool           `json:"isModerated,omitzero" o365:"readonly"`
	MailboxFull         bool           `json:"mailboxFull,omitzero" o365:"readonly"`
	// MaxMessageSize is in bytes.
	MaxMessageSize int `json:"maxMessageSize,omitzero" o365:"readonly"`
	// RecipientScope is "none", "internal", "external", "externalPartner"
	// or "externalNonPartner", or several joined by ", ".
	RecipientScope       string           `json:"recipientScope,omitzero" o365:"readonly"`
	RecipientSuggestions []o365.Recipient `json:"recipientSuggestions,omitzero" o365:"readonly"`
	TotalMemberCount     int              `json:"totalMemberCount,omitzero" o365:"readonly"`
}

// UnmarshalJSONFrom decodes the tips and keeps their JSON (see
// o365.Object): false and 0 the service sent are printed back.
func (t *MailTips) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain MailTips
	return o365.DecodeObject(d, (*plain)(t))
}

// MarshalJSON encodes the tips as the service sent them (see o365.Object).
func (t MailTips) MarshalJSON() ([]byte, error) {
	type plain MailTips
	return o365.MarshalObject((*plain)(&t))
}

// External reports whether the recipient is outside the sender's
// organisation (RecipientScope names an external scope).
func (t *MailTips) External() bool {
	return strings.Contains(strings.ToLower(t.RecipientScope), "external")
}

// AutomaticRepliesMailTips is Graph's automaticRepliesMailTips: the
// recipient's automatic reply, when it is on (Message is empty otherwise).
type AutomaticRepliesMailTips struct {
	Message            string                 `json:"message,omitzero"`
	MessageLanguage    *LocaleInfo            `json:"messageLanguage,omitzero"`
	ScheduledStartTime *o365.DateTimeTimeZone `json:"scheduledStartTime,omitzero"`
	ScheduledEndTime   *o365.DateTimeTimeZone `json:"scheduledEndTime,omitzero"`
}

// MailTipsError is Graph's mailTipsError.
type MailTipsError struct {
	Code    string `json:"code,omitzero"`
	Message string `json:"message,omitzero"`
}

// MailTipsOptions tune GetMailTips; nil means the defaults.
type MailTipsOptions struct {
	// Kinds are the kinds of tips to get (the Tip* constants); none means
	// every kind.
	Kinds []string
}

// getMailTipsBody is the body of getMailTips, with the parameter names of
// Graph's documentation.
type getMailTipsBody struct {
	EmailAddresses  []string `json:"EmailAddresses"`
	MailTipsOptions string   `json:"MailTipsOptions"`
}

// GetMailTips gets the mail tips of recipients, given as addresses ("a@b.c"
// or "Name <a@b.c>"), one MailTips per address, each naming its address
// (MaxMailTipsRecipients per request).
// The call changes nothing, so it is retried like a GET.
//
// Graph: POST /me/getMailTips
// (https://learn.microsoft.com/graph/api/user-getmailtips).
func (m *Mailbox) GetMailTips(ctx context.Context, recipients []string, opts *MailTipsOptions) ([]*MailTips, error) {
	var addrs []string
	for _, r := range recipients {
		list, err := ParseAddressList(r)
		if err != nil {
			return nil, fmt.Errorf("mail: mail tips: %w", err)
		}
		for _, a := range list {
			addrs = append(addrs, a.Address)
		}
	}
	if len(addrs) == 0 {
		return nil, errors.New("mail: mail tips: no recipients")
	}
	kinds := MailTipKinds()
	if opts != nil && len(opts.Kinds) > 0 {
		kinds = opts.Kinds
		for _, k := range kinds {
			if !slices.Contains(MailTipKinds(), k) {
				return nil, fmt.Errorf("mail: mail tips: %q is not a kind of mail tip; use %s", k, strings.Join(MailTipKinds(), ", "))
			}
		}
	}
	out := make([]*MailTips, 0, len(addrs))
	for chunk := range slices.Chunk(addrs, MaxMailTipsRecipients) {
		var page struct {
			Value []*MailTips `json:"value"`
		}
		req := &o365.Request{Method: http.MethodPost, Path: "getMailTips", Idempotent: true,
			Body: getMailTipsBody{EmailAddresses: chunk, MailTipsOptions: strings.Join(kinds, ", ")}}
		if _, err := m.acct.Do(ctx, req, &page); err != nil {
			return nil, fmt.Errorf("mail: mail tips: %w", err)
		}
		out = append(out, page.Value...)
	}
	return out, nil
}

// MaxMailTipsRecipients is how many recipients Exchange answers mail tips
// for in one request; GetMailTips asks about more in several.
const MaxMailTipsRecipients = 100
