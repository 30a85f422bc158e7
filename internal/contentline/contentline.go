// Package contentline holds the grammar that vCard (RFC 6350) and iCalendar
// (RFC 5545) share: content lines of the form
//
//	[group "."] name *(";" param) ":" value
//
// their parameters (quoted when needed, with RFC 6868's caret escapes), their
// folding at 75 octets, and the reading of physical lines from untrusted
// input under size limits. It knows nothing of cards or calendars: packages
// vcard and ical build on it, so the two formats cannot drift apart on the
// rules they share.
package contentline

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Params holds the parameters of a property, keyed by upper-case name. Each
// name maps to its values in order; a parameter written as "TYPE=work,voice"
// or as "TYPE=work;TYPE=voice" reads as TYPE: [work voice].
type Params map[string][]string

// Get returns the first value of the parameter name (any case), or "".
func (ps Params) Get(name string) string {
	if vs := ps[strings.ToUpper(name)]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// Has reports whether the parameter name (any case) is present.
func (ps Params) Has(name string) bool {
	_, ok := ps[strings.ToUpper(name)]
	return ok
}

// Add appends values to the parameter name, creating the map if needed.
func (ps *Params) Add(name string, values ...string) {
	if *ps == nil {
		*ps = Params{}
	}
	key := strings.ToUpper(name)
	(*ps)[key] = append((*ps)[key], values...)
}

// Set replaces the values of the parameter name, creating the map if needed.
func (ps *Params) Set(name string, values ...string) {
	if *ps == nil {
		*ps = Params{}
	}
	(*ps)[strings.ToUpper(name)] = slices.Clone(values)
}

// Del removes the parameter name.
func (ps Params) Del(name string) {
	delete(ps, strings.ToUpper(name))
}

// Clone returns a deep copy of ps (nil for nil).
func (ps Params) Clone() Params {
	if ps == nil {
		return nil
	}
	out := make(Params, len(ps))
	for k, vs := range ps {
		out[k] = slices.Clone(vs)
	}
	return out
}

// Line is one unfolded content line split into its parts. Value is the raw
// text after the first ':' that is not inside a quoted parameter value.
type Line struct {
	Group  string
	Name   string
	Params []Param
	Value  string
}

// Param is one parameter as written. Values is nil for a bare parameter
// without '=' (vCard 2.1's "TEL;WORK;VOICE:"), and [""] for "NAME=".
type Param struct {
	Name   string
	Values []string
}

// Parse splits an unfolded content line. Names are returned in upper case.
// allowGroup says whether a "group." prefix is allowed (vCard) or an error
// (iCalendar). Errors say what is wrong without a line number: the caller
// knows it.
func Parse(s string, allowGroup bool) (Line, error) {
	var l Line
	i := strings.IndexAny(s, ";:")
	if i < 0 {
		return l, errors.New("property without a value separator ':'")
	}
	name := s[:i]
	if allowGroup {
		if dot := strings.LastIndexByte(name, '.'); dot >= 0 {
			l.Group = name[:dot]
			name = name[dot+1:]
			if err := checkToken("group", l.Group); err != nil {
				return l, err
			}
		}
	}
	if err := checkToken("property name", name); err != nil {
		return l, err
	}
	l.Name = strings.ToUpper(name)
	rest := s[i:]
	for rest[0] == ';' {
		var p Param
		var err error
		p, rest, err = parseParam(rest[1:], l.Name)
		if err != nil {
			return l, err
		}
		l.Params = append(l.Params, p)
		if rest == "" {
			return l, fmt.Errorf("property %s without a value separator ':'", l.Name)
		}
	}
	// rest[0] == ':'
	l.Value = rest[1:]
	return l, nil
}

// parseParam reads one parameter from s (just after its ';') and returns the
// rest of the line, starting at the ';' or ':' that ends the parameter.
func parseParam(s, prop string) (Param, string, error) {
	var p Param
	i := strings.IndexAny(s, "=;:")
	if i < 0 {
		return p, "", fmt.Errorf("property %s without a value separator ':'", prop)
	}
	if err := checkToken("parameter name", s[:i]); err != nil {
		return p, "", fmt.Errorf("property %s: %w", prop, err)
	}
	p.Name = strings.ToUpper(s[:i])
	if s[i] != '=' {
		return p, s[i:], nil // bare parameter
	}
	s = s[i+1:]
	p.Values = []string{}
	for {
		var v string
		if strings.HasPrefix(s, `"`) {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				return p, "", fmt.Errorf("property %s: unterminated quoted value of parameter %s", prop, p.Name)
			}
			v, s = s[1:1+end], s[2+end:]
			if s != "" && s[0] != ',' && s[0] != ';' && s[0] != ':' {
				return p, "", fmt.Errorf("property %s: unexpected %q after the quoted value of parameter %s", prop, s[0], p.Name)
			}
		} else {
			end := strings.IndexAny(s, ",;:")
			if end < 0 {
				end = len(s)
			}
			v, s = s[:end], s[end:]
		}
		p.Values = append(p.Values, DecodeCaret(v))
		if s == "" || s[0] != ',' {
			return p, s, nil
		}
		s = s[1:]
	}
}

// checkToken checks a name against RFC 5545's iana-token / x-name and RFC
// 6350's group and name rules (ALPHA, DIGIT and '-'); '_' is accepted too
// because real exporters use it in X- names.
func checkToken(what, s string) error {
	if s == "" {
		return fmt.Errorf("empty %s", what)
	}
	for i := 0; i < len(s); i++ {
		if !isTokenByte(s[i]) {
			r, _ := utf8.DecodeRuneInString(s[i:])
			return fmt.Errorf("invalid character %q in %s %q", r, what, s)
		}
	}
	return nil
}

// CheckName reports whether s is a valid property, parameter or group name.
func CheckName(what, s string) error { return checkToken(what, s) }

func isTokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// DecodeCaret undoes RFC 6868's parameter value encoding: ^n is a line
// break, ^^ a caret and ^' a double quote; any other caret stays as it is.
func DecodeCaret(s string) string {
	if !strings.Contains(s, "^") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '^' && i+1 < len(s) {
			switch s[i+1] {
			case 'n':
				b.WriteByte('\n')
				i++
				continue
			case '^':
				b.WriteByte('^')
				i++
				continue
			case '\'':
				b.WriteByte('"')
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// appendParamValue appends v in RFC 6868's encoding, quoted when it holds a
// character that would otherwise end it.
func appendParamValue(dst []byte, v string) []byte {
	quote := strings.ContainsAny(v, ",;:")
	if quote {
		dst = append(dst, '"')
	}
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '^':
			dst = append(dst, '^', '^')
		case '"':
			dst = append(dst, '^', '\'')
		case '\r':
			if i+1 < len(v) && v[i+1] == '\n' {
				i++
			}
			dst = append(dst, '^', 'n')
		case '\n':
			dst = append(dst, '^', 'n')
		default:
			dst = append(dst, c)
		}
	}
	if quote {
		dst = append(dst, '"')
	}
	return dst
}

// AppendLine appends one content line, folded at 75 octets and ended by
// CRLF. Parameters are written in name order, so equal properties give
// equal bytes. The value is written as given: escaping it is the caller's
// job, because the rules depend on the property's value type. It fails on
// an invalid name, on a value or parameter that is not UTF-8, and on a
// value holding a line break or another control character the formats
// cannot carry (tab is allowed).
func AppendLine(dst []byte, group, name string, params Params, value string) ([]byte, error) {
	var line []byte
	if group != "" {
		if err := checkToken("group", group); err != nil {
			return dst, err
		}
		line = append(line, group...)
		line = append(line, '.')
	}
	if err := checkToken("property name", name); err != nil {
		return dst, err
	}
	line = append(line, strings.ToUpper(name)...)
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	slices.SortFunc(names, func(a, b string) int {
		if c := strings.Compare(strings.ToUpper(a), strings.ToUpper(b)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	for i, k := range names {
		if err := checkToken("parameter name", k); err != nil {
			return dst, err
		}
		if i > 0 && strings.EqualFold(names[i-1], k) {
			return dst, fmt.Errorf("parameter %s given twice (as %q and %q)", strings.ToUpper(k), names[i-1], k)
		}
		line = append(line, ';')
		line = append(line, strings.ToUpper(k)...)
		line = append(line, '=')
		vs := params[k]
		if len(vs) == 0 {
			vs = []string{""}
		}
		for j, v := range vs {
			if err := checkText("parameter "+strings.ToUpper(k), v, true); err != nil {
				return dst, err
			}
			if j > 0 {
				line = append(line, ',')
			}
			line = appendParamValue(line, v)
		}
	}
	if err := checkText("value", value, false); err != nil {
		return dst, err
	}
	line = append(line, ':')
	line = append(line, value...)
	return appendFolded(dst, line), nil
}

// CheckValue reports an error if s cannot be a property value as it stands:
// invalid UTF-8, a line break, or a control character other than tab. A
// reader uses it to refuse what its writer could not write back.
func CheckValue(what, s string) error { return checkText(what, s, false) }

// CheckParamValue is CheckValue for a parameter value, which may hold line
// breaks (RFC 6868 encodes them).
func CheckParamValue(what, s string) error { return checkText(what, s, true) }

// checkText rejects what a content line cannot carry. Parameter values may
// hold line breaks (RFC 6868 encodes them); values may not: the caller must
// escape them as \n.
func checkText(what, s string, lineBreaksOK bool) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s is not valid UTF-8", what)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\r' || c == '\n' {
			if lineBreaksOK {
				continue
			}
			return fmt.Errorf("%s contains a line break (escape it as \\n)", what)
		}
		if c < 0x20 && c != '\t' || c == 0x7f {
			return fmt.Errorf("%s contains the control character %q", what, c)
		}
	}
	return nil
}

// MaxLineOctets is the longest physical line a writer produces, CRLF not
// counted (RFC 5545 section 3.1, RFC 6350 section 3.2).
const MaxLineOctets = 75

// appendFolded appends line split into physical lines of at most 75 octets,
// each continuation starting with one space, never splitting a UTF-8
// sequence.
func appendFolded(dst, line []byte) []byte {
	limit := MaxLineOctets
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		dst = append(dst, line[:cut]...)
		dst = append(dst, '\r', '\n', ' ')
		line = line[cut:]
		limit = MaxLineOctets - 1
	}
	dst = append(dst, line...)
	return append(dst, '\r', '\n')
}
