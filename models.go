package o365

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
)

// EmailAddress is Graph's emailAddress: a display name and an SMTP address.
type EmailAddress struct {
	Name    string `json:"name,omitempty"`
	Address string `json:"address,omitempty"`
}

// ErrInvalidAddress is wrapped by the errors of ParseAddress and Recipients.
var ErrInvalidAddress = errors.New("o365: invalid email address")

// ParseAddress parses one address as people write it: "alice@contoso.com",
// "Alice <alice@contoso.com>" or "\"Smith, Alice\" <alice@contoso.com>" (RFC 5322,
// with RFC 2047 encoded names decoded).
func ParseAddress(s string) (EmailAddress, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return EmailAddress{}, fmt.Errorf("%w: empty", ErrInvalidAddress)
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return EmailAddress{}, fmt.Errorf("%w: %q: %v", ErrInvalidAddress, s, err)
	}
	// net/mail accepts quoted local parts, which may hold spaces; Graph and
	// Exchange do not.
	if a.Address == "" || strings.IndexFunc(a.Address, unicode.IsSpace) >= 0 || strings.ContainsAny(a.Address, `"<>`) {
		return EmailAddress{}, fmt.Errorf("%w: %q", ErrInvalidAddress, s)
	}
	return EmailAddress{Name: a.Name, Address: a.Address}, nil
}

// String formats the address as a header value: "Alice <alice@contoso.com>",
// quoting and encoding the name as needed, or the bare address without a name.
func (e EmailAddress) String() string {
	if e.Name == "" {
		return e.Address
	}
	return (&mail.Address{Name: e.Name, Address: e.Address}).String()
}

// Recipient is Graph's recipient: a wrapper around an email address, as used in
// toRecipients, ccRecipients, from and attendees.
type Recipient struct {
	EmailAddress EmailAddress `json:"emailAddress"`
}

// Recipients parses each address with ParseAddress; the first failure is returned
// with its position.
func Recipients(addrs ...string) ([]Recipient, error) {
	out := make([]Recipient, 0, len(addrs))
	for i, s := range addrs {
		a, err := ParseAddress(s)
		if err != nil {
			return nil, fmt.Errorf("recipient %d: %w", i+1, err)
		}
		out = append(out, Recipient{EmailAddress: a})
	}
	return out, nil
}

// Body content types of ItemBody.
const (
	ContentText = "text"
	ContentHTML = "html"
)

// ItemBody is Graph's itemBody: the body of a message, event or post.
type ItemBody struct {
	// ContentType is ContentText or ContentHTML.
	ContentType string `json:"contentType,omitempty"`
	Content     string `json:"content,omitempty"`
}

// IdentitySet is Graph's identitySet: who (user, application, device) did
// something, such as createdBy or lastModifiedBy.
type IdentitySet struct {
	User        *Identity `json:"user,omitempty"`
	Application *Identity `json:"application,omitempty"`
	Device      *Identity `json:"device,omitempty"`
}

// Identity is Graph's identity: an id and a display name.
type Identity struct {
	ID          string `json:"id,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
}
