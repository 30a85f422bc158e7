package mail

import (
	"fmt"
	netmail "net/mail"
	"strings"

	"github.com/o365go/o365"
)

// ParseAddressList parses a comma-separated list of addresses as a header
// holds them: `alice@contoso.com, "Smith, Bob" <bob@contoso.com>`. Each one
// must pass o365.ParseAddress; an empty or blank list is an error.
func ParseAddressList(s string) ([]o365.EmailAddress, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("%w: empty", o365.ErrInvalidAddress)
	}
	list, err := netmail.ParseAddressList(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %v", o365.ErrInvalidAddress, s, err)
	}
	out := make([]o365.EmailAddress, 0, len(list))
	for _, a := range list {
		// Re-check with the library's rules (no quoted local parts with spaces).
		e, err := o365.ParseAddress(a.Address)
		if err != nil {
			return nil, err
		}
		e.Name = a.Name
		out = append(out, e)
	}
	return out, nil
}
