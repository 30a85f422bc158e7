package vcard

import (
	"fmt"
	"io"
	"strings"

	"github.com/o365go/o365/internal/contentline"
)

// Write writes cards to w as vCard 4.0: BEGIN:VCARD, VERSION:4.0, the
// properties in their order (a VERSION property among them is skipped),
// END:VCARD; parameters in name order, quoted and caret-encoded (RFC 6868)
// where needed; lines folded at 75 octets without splitting a UTF-8
// sequence; CRLF line ends. Values are written as they are, already in
// escaped form (see Property.Value). Equal cards give equal bytes.
//
// Each card is checked before any of it is written: a card with an invalid
// name or a value that cannot be written (a raw line break, a control
// character, invalid UTF-8) is an error naming the card and the property,
// and the cards before it have been written.
func Write(w io.Writer, cards ...*Card) error {
	return contentline.WriteEach(w, cards, "vcard: ", "card", appendCard)
}

func appendCard(dst []byte, c *Card) ([]byte, error) {
	if c == nil {
		return dst, fmt.Errorf("nil card")
	}
	dst = append(dst, "BEGIN:VCARD\r\nVERSION:4.0\r\n"...)
	for i, p := range c.Properties {
		name := strings.ToUpper(p.Name)
		switch name {
		case "VERSION":
			continue
		case "BEGIN", "END":
			return dst, fmt.Errorf("property %d: %s is not a property", i+1, name)
		}
		var err error
		dst, err = contentline.AppendLine(dst, p.Group, name, p.Params, p.Value)
		if err != nil {
			return dst, fmt.Errorf("property %d (%s): %w", i+1, name, err)
		}
	}
	return append(dst, "END:VCARD\r\n"...), nil
}
