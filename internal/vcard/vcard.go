// Package vcard reads and writes vCard content: it writes vCard 4.0 (RFC
// 6350) and reads vCard 4.0, 3.0 (RFC 2426) and 2.1 as real exporters write
// them (Outlook, Google, Apple, Thunderbird, old phones). It knows nothing
// of Microsoft Graph: package contacts maps its models onto Card.
//
// A Card is a list of properties in order. A Property's Value is kept in
// vCard 4.0's escaped form whatever the version read, so one set of
// accessors reads every card: Text for a single text value (FN, NOTE,
// TITLE), List for a comma-separated list (CATEGORIES, NICKNAME), Structured
// for a value of components (N, ADR, ORG), Data for a binary value (PHOTO);
// URI values (URL, a PHOTO link, TEL;VALUE=uri) are the Value itself. The
// constructors NewText, NewList, NewStructured and NewData escape for the
// writer. The reader undoes transport encodings (quoted-printable, CHARSET=,
// base64) so a value never depends on how it travelled.
//
// Reading is strict where input is ambiguous and lenient where real
// exporters differ: a card without END:VCARD, a line without ':' or an
// unknown encoding is an error naming the line; folded lines with a space or
// a tab, LF or CRLF, a byte order mark and vCard 2.1's bare parameters are
// accepted. Limits on line length, card size and card count protect a
// program that reads untrusted files.
package vcard

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/o365go/o365/internal/contentline"
)

// Params holds a property's parameters keyed by upper-case name, each with
// its values in order. Its methods accept names in any case.
type Params = contentline.Params

// Card is one vCard: its properties in order. VERSION is kept as read (it
// tells which version a card came from); Write always writes VERSION:4.0.
type Card struct {
	Properties []Property
	// Line is the line of the card's BEGIN:VCARD in the input it was read
	// from; 0 for a card built by the program. Write ignores it.
	Line int
}

// Property is one content line of a card, such as
// "item1.EMAIL;TYPE=work:ann@example.com".
type Property struct {
	// Group is the optional group prefix ("item1" in Apple's exports), which
	// ties properties such as an address and its label together.
	Group string
	// Name is the property name in upper case ("FN", "TEL", "X-ABLABEL").
	Name string
	// Params holds the parameters; nil when there are none.
	Params Params
	// Value is the value in vCard 4.0's escaped form: read it with Text,
	// List, Structured or Data, and build it with the New... functions.
	Value string
	// Line is the line the property starts on in the input it was read
	// from, so that a program refusing a value can say where it is; 0 for
	// a property built by the program. Write ignores it.
	Line int
}

// Get returns the first property named name (any case), or nil.
func (c *Card) Get(name string) *Property {
	for i := range c.Properties {
		if strings.EqualFold(c.Properties[i].Name, name) {
			return &c.Properties[i]
		}
	}
	return nil
}

// All returns every property named name (any case), in order. The pointers
// point into c.Properties.
func (c *Card) All(name string) []*Property {
	var out []*Property
	for i := range c.Properties {
		if strings.EqualFold(c.Properties[i].Name, name) {
			out = append(out, &c.Properties[i])
		}
	}
	return out
}

// Text returns the unescaped text of the first property named name, or "".
func (c *Card) Text(name string) string {
	if p := c.Get(name); p != nil {
		return p.Text()
	}
	return ""
}

// Add appends properties to the card.
func (c *Card) Add(ps ...Property) {
	c.Properties = append(c.Properties, ps...)
}

// Text returns the value as a single text value, unescaped.
func (p Property) Text() string {
	return contentline.Unescape(p.Value)
}

// List returns the value as a comma-separated list of text values
// (CATEGORIES, NICKNAME), each unescaped. An empty value is an empty list.
func (p Property) List() []string {
	if p.Value == "" {
		return nil
	}
	parts := contentline.Split(p.Value, ',')
	for i, s := range parts {
		parts[i] = contentline.Unescape(s)
	}
	return parts
}

// Structured returns the value as components separated by ';', each a list
// of values separated by ','. N's components are family names, given names,
// additional names, prefixes and suffixes; ADR's are post office box,
// extended address, street, locality, region, postal code and country;
// ORG's are the organization name and its units. An empty component is an
// empty list. Missing trailing components are not added: index with care.
func (p Property) Structured() [][]string {
	comps := contentline.Split(p.Value, ';')
	out := make([][]string, len(comps))
	for i, comp := range comps {
		if comp == "" {
			continue
		}
		vals := contentline.Split(comp, ',')
		for j, v := range vals {
			vals[j] = contentline.Unescape(v)
		}
		out[i] = vals
	}
	return out
}

// Component returns the i-th component of a structured value with its list
// values joined by ", ", or "" when it is absent: the common way to read a
// single-valued field such as ADR's locality.
func (p Property) Component(i int) string {
	s := p.Structured()
	if i < 0 || i >= len(s) {
		return ""
	}
	return strings.Join(s[i], ", ")
}

// HasType reports whether the TYPE parameter holds t (any case). It looks
// inside comma-joined quoted values too (TYPE="work,voice").
func (p Property) HasType(t string) bool {
	for _, v := range p.Params["TYPE"] {
		for _, one := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(one), t) {
				return true
			}
		}
	}
	return false
}

// Data returns the media type and bytes of a data: URI value, as PHOTO,
// LOGO, SOUND and KEY carry them (the reader turns vCard 3.0's and 2.1's
// inline base64 into such a URI). It fails for any other value, such as an
// https: link, which the caller may fetch itself.
func (p Property) Data() (mediaType string, data []byte, err error) {
	// Some writers escape the comma of a data: URI; a URI never holds a
	// backslash, so unescaping is safe.
	v := contentline.Unescape(p.Value)
	if !strings.HasPrefix(strings.ToLower(v), "data:") {
		return "", nil, fmt.Errorf("vcard: %s value is not a data: URI", p.Name)
	}
	head, body, ok := strings.Cut(v[len("data:"):], ",")
	if !ok {
		return "", nil, fmt.Errorf("vcard: %s data: URI has no ','", p.Name)
	}
	mediaType, isBase64 := strings.CutSuffix(head, ";base64")
	if isBase64 {
		data, err = decodeBase64(body)
	} else {
		var s string
		s, err = url.PathUnescape(body)
		data = []byte(s)
	}
	if err != nil {
		return "", nil, fmt.Errorf("vcard: %s data: URI: %w", p.Name, err)
	}
	return mediaType, data, nil
}

// NewText returns a property holding one text value, escaped as vCard 4.0
// TEXT: backslash, comma and line breaks (';' needs no escape there).
func NewText(name, text string) Property {
	return Property{Name: strings.ToUpper(name), Value: contentline.Escape(text, "")}
}

// NewList returns a property holding a comma-separated list of text values
// (CATEGORIES, NICKNAME).
func NewList(name string, values ...string) Property {
	esc := make([]string, len(values))
	for i, v := range values {
		esc[i] = contentline.Escape(v, "")
	}
	return Property{Name: strings.ToUpper(name), Value: strings.Join(esc, ",")}
}

// NewStructured returns a property holding a structured value (N, ADR,
// ORG, GENDER): components separated by ';', each a list separated by ','.
// A nil or empty component writes an empty field.
func NewStructured(name string, components ...[]string) Property {
	var b strings.Builder
	for i, comp := range components {
		if i > 0 {
			b.WriteByte(';')
		}
		for j, v := range comp {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(contentline.Escape(v, ";"))
		}
	}
	return Property{Name: strings.ToUpper(name), Value: b.String()}
}

// NewData returns a property holding data as a data: URI, as vCard 4.0
// writes PHOTO, LOGO, SOUND and KEY. mediaType may be empty.
func NewData(name, mediaType string, data []byte) Property {
	return Property{
		Name:  strings.ToUpper(name),
		Value: "data:" + mediaType + ";base64," + base64.StdEncoding.EncodeToString(data),
	}
}

// Error is a syntax or limit error of the reader, with the number of the
// line it is about.
type Error struct {
	Line int
	Err  error
}

// Error returns "vcard: line N: " and the cause.
func (e *Error) Error() string { return fmt.Sprintf("vcard: line %d: %v", e.Line, e.Err) }

// Unwrap returns the cause, so errors.Is(err, ErrLimit) works.
func (e *Error) Unwrap() error { return e.Err }

// ErrLimit is wrapped by every error for input over one of the Reader's
// limits.
var ErrLimit = errors.New("limit exceeded")

func decodeBase64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
	if strings.ContainsAny(s, "-_") {
		s = strings.TrimRight(s, "=")
		return base64.RawURLEncoding.DecodeString(s)
	}
	s = strings.TrimRight(s, "=")
	return base64.RawStdEncoding.DecodeString(s)
}
