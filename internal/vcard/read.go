package vcard

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/o365go/o365/internal/contentline"
)

// The Reader's default limits: generous for real address books (a card
// with a large photo, tens of thousands of cards), small enough that a
// hostile file cannot exhaust memory.
const (
	DefaultMaxLineBytes = 8 << 20  // one unfolded line, a PHOTO's base64 included
	DefaultMaxCardBytes = 16 << 20 // one card, from BEGIN to END
	DefaultMaxCards     = 100_000  // cards in one input
)

// Reader reads cards one at a time from an input. Set its limits, if the
// defaults do not suit, before the first Read.
type Reader struct {
	// MaxLineBytes caps one line, before and after unfolding.
	MaxLineBytes int
	// MaxCardBytes caps one card's bytes in the input.
	MaxCardBytes int
	// MaxCards caps the number of cards the Reader returns.
	MaxCards int

	src   io.Reader
	sc    *contentline.Scanner
	cards int
	err   error
}

// NewReader returns a Reader with the default limits.
func NewReader(r io.Reader) *Reader {
	return &Reader{
		MaxLineBytes: DefaultMaxLineBytes,
		MaxCardBytes: DefaultMaxCardBytes,
		MaxCards:     DefaultMaxCards,
		src:          r,
	}
}

// ReadAll reads every card of r with the default limits. On any error it
// returns no cards: an import either has the whole file or nothing.
func ReadAll(r io.Reader) ([]*Card, error) {
	return NewReader(r).ReadAll()
}

// ReadAll reads the remaining cards. On any error it returns no cards.
func (r *Reader) ReadAll() ([]*Card, error) {
	return contentline.Collect(r.Read)
}

// Read returns the next card, or io.EOF when there is none. Errors are
// *Error values with a line number; after one, Read keeps returning it.
func (r *Reader) Read() (*Card, error) {
	if r.err != nil {
		return nil, r.err
	}
	c, err := r.read()
	if err != nil {
		r.err = err
	}
	return c, err
}

// rawProperty is a content line of a card, kept until END:VCARD tells the
// card's version, which decides how its values are decoded.
type rawProperty struct {
	line int
	contentline.Line
}

func (r *Reader) read() (*Card, error) {
	if r.sc == nil {
		r.sc = contentline.NewScanner(r.src, r.MaxLineBytes)
	}
	start := r.sc.Offset()
	l, begin, err := r.next()
	if err != nil {
		return nil, err
	}
	if l.Name != "BEGIN" || !strings.EqualFold(l.Value, "VCARD") {
		return nil, &Error{begin, fmt.Errorf("expected BEGIN:VCARD, found %s", abbreviate(l))}
	}
	if r.cards >= r.MaxCards {
		return nil, &Error{begin, fmt.Errorf("%w: more than %d cards", ErrLimit, r.MaxCards)}
	}
	var raw []rawProperty
	for {
		l, n, err := r.next()
		if err == io.EOF {
			return nil, &Error{r.sc.Line(), fmt.Errorf("the card begun on line %d has no END:VCARD", begin)}
		}
		if err != nil {
			return nil, err
		}
		if r.sc.Offset()-start > int64(r.MaxCardBytes) {
			return nil, &Error{n, fmt.Errorf("%w: the card begun on line %d is larger than %d bytes", ErrLimit, begin, r.MaxCardBytes)}
		}
		switch l.Name {
		case "BEGIN":
			return nil, &Error{n, fmt.Errorf("BEGIN:%s inside the card begun on line %d (is its END:VCARD missing?)", l.Value, begin)}
		case "END":
			if !strings.EqualFold(l.Value, "VCARD") {
				return nil, &Error{n, fmt.Errorf("END:%s does not close the card begun on line %d", l.Value, begin)}
			}
			c, err := decodeCard(raw)
			if err != nil {
				return nil, err
			}
			c.Line = begin
			r.cards++
			return c, nil
		}
		raw = append(raw, rawProperty{n, l})
	}
}

// abbreviate shows the start of a line in an error without flooding it.
func abbreviate(l contentline.Line) string {
	s := l.Name + ":" + l.Value
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return fmt.Sprintf("%q", s)
}

// next returns the next logical line: blank lines skipped, folded lines
// joined, and vCard 2.1's two other ways of continuing a value honoured: a
// quoted-printable soft line break ('=' at the end, the next line taken as
// it is) and a base64 run whose lines do not start with white space.
func (r *Reader) next() (contentline.Line, int, error) {
	var text string
	var start int
	for {
		t, n, err := r.sc.Next()
		if err != nil {
			return contentline.Line{}, n, r.wrap(n, err)
		}
		if strings.TrimSpace(t) == "" {
			continue
		}
		if contentline.IsFolded(t) {
			return contentline.Line{}, n, &Error{n, errors.New("continuation line (starting with white space) without a property before it")}
		}
		text, start = t, n
		break
	}
	buf := []byte(text)
	// The encoding, which decides how the value continues, is known once
	// the name and parameters parse. Parsing is tried only when a ':' has
	// come in, and a few times at most, so that a hostile line folded into
	// many pieces costs linear time.
	encoding, headDone, tries := "", false, 0
	colon := strings.Contains(text, ":")
	for {
		if !headDone && colon && tries < 8 {
			tries++
			if l, err := contentline.Parse(string(buf), true); err == nil {
				headDone = true
				encoding = lineEncoding(l)
			}
		}
		next, ok := r.sc.Peek()
		if !ok {
			break
		}
		switch {
		case encoding == "QUOTED-PRINTABLE" && len(buf) > 0 && buf[len(buf)-1] == '=':
			buf = append(buf[:len(buf)-1], next...)
		case contentline.IsFolded(next):
			buf = append(buf, next[1:]...)
		case (encoding == "BASE64" || encoding == "B") && isBase64Line(next):
			buf = append(buf, next...)
		default:
			return r.parse(buf, start)
		}
		if _, n, err := r.sc.Next(); err != nil {
			return contentline.Line{}, n, r.wrap(n, err)
		}
		colon = strings.Contains(next, ":")
		if len(buf) > r.MaxLineBytes {
			return contentline.Line{}, start, &Error{start, fmt.Errorf("%w: the unfolded line is longer than %d bytes", ErrLimit, r.MaxLineBytes)}
		}
	}
	// End of input, or an error Next will report on the next call.
	return r.parse(buf, start)
}

func (r *Reader) parse(buf []byte, start int) (contentline.Line, int, error) {
	l, err := contentline.Parse(string(buf), true)
	if err != nil {
		return l, start, &Error{start, err}
	}
	return l, start, nil
}

func (r *Reader) wrap(n int, err error) error {
	if err == io.EOF {
		return io.EOF
	}
	if errors.Is(err, contentline.ErrLineTooLong) {
		return &Error{n, fmt.Errorf("%w: line is longer than %d bytes", ErrLimit, r.MaxLineBytes)}
	}
	return &Error{n, err}
}

// lineEncoding returns the upper-case transfer encoding a line declares,
// as ENCODING=... or as a vCard 2.1 bare parameter.
func lineEncoding(l contentline.Line) string {
	for _, p := range l.Params {
		switch {
		case p.Name == "ENCODING" && len(p.Values) > 0:
			return strings.ToUpper(p.Values[0])
		case p.Values == nil && isEncodingWord(p.Name):
			return p.Name
		}
	}
	return ""
}

func isEncodingWord(s string) bool {
	switch s {
	case "QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT":
		return true
	}
	return false
}

func isBase64Line(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return true
}

// decodeCard turns a card's raw lines into properties in vCard 4.0 form.
func decodeCard(raw []rawProperty) (*Card, error) {
	version := ""
	for _, p := range raw {
		if p.Name == "VERSION" {
			version = strings.TrimSpace(p.Value)
			break
		}
	}
	c := &Card{Properties: make([]Property, 0, len(raw))}
	for _, rp := range raw {
		p, err := decodeProperty(rp.Line, version)
		if err != nil {
			return nil, &Error{rp.line, err}
		}
		p.Line = rp.line
		c.Properties = append(c.Properties, p)
	}
	return c, nil
}

func decodeProperty(l contentline.Line, version string) (Property, error) {
	p := Property{Group: l.Group, Name: l.Name}
	for _, lp := range l.Params {
		switch {
		case lp.Values != nil:
			p.Params.Add(lp.Name, lp.Values...)
		case isEncodingWord(lp.Name):
			p.Params.Add("ENCODING", lp.Name)
		default: // vCard 2.1: "TEL;WORK;VOICE:" means TYPE=WORK,VOICE
			p.Params.Add("TYPE", lp.Name)
		}
	}
	for name, vs := range p.Params {
		for _, v := range vs {
			if err := contentline.CheckParamValue("parameter "+name, v); err != nil {
				return p, fmt.Errorf("%s: %w", p.Name, err)
			}
		}
	}
	value := l.Value
	switch enc := strings.ToUpper(p.Params.Get("ENCODING")); enc {
	case "":
	case "8BIT", "7BIT":
		p.Params.Del("ENCODING")
	case "QUOTED-PRINTABLE":
		v, err := decodeQuotedPrintable(value)
		if err != nil {
			return p, fmt.Errorf("%s: %w", p.Name, err)
		}
		value = v
		p.Params.Del("ENCODING")
	case "B", "BASE64":
		data, err := decodeBase64(value)
		if err != nil {
			return p, fmt.Errorf("%s: invalid base64 value: %w", p.Name, err)
		}
		p.Params.Del("ENCODING")
		p.Params.Del("CHARSET")
		if strings.EqualFold(p.Params.Get("VALUE"), "binary") {
			p.Params.Del("VALUE")
		}
		p.Value = "data:" + takeMediaType(&p, data) + ";base64," + base64.StdEncoding.EncodeToString(data)
		return p, nil
	default:
		return p, fmt.Errorf("%s: unsupported ENCODING=%s (supported: QUOTED-PRINTABLE, BASE64, B, 8BIT, 7BIT)", p.Name, enc)
	}
	if cs := p.Params.Get("CHARSET"); cs != "" {
		v, err := toUTF8(value, cs)
		if err != nil {
			return p, fmt.Errorf("%s: %w", p.Name, err)
		}
		value = v
		p.Params.Del("CHARSET")
	} else if !utf8.ValidString(value) {
		if version != "2.1" {
			return p, fmt.Errorf("value of %s is not valid UTF-8 (add a CHARSET= parameter or convert the file to UTF-8)", p.Name)
		}
		// vCard 2.1 files without CHARSET come from Windows-era exporters
		// that wrote the system code page.
		value, _ = toUTF8(value, "windows-1252")
	}
	if len(p.Params) == 0 {
		p.Params = nil
	}
	p.Value = normalize(value, escapeDialect(p, version))
	if err := contentline.CheckValue("value", p.Value); err != nil {
		return p, fmt.Errorf("%s: %w", p.Name, err)
	}
	return p, nil
}

type dialect int

const (
	modern dialect = iota // vCard 3.0 and 4.0, and URIs in any version
	v21                   // vCard 2.1 text: only ';' was escaped
)

func escapeDialect(p Property, version string) dialect {
	if version != "2.1" || p.Name == "URL" {
		return modern
	}
	switch strings.ToUpper(p.Params.Get("VALUE")) {
	case "URL", "URI", "CONTENT-ID", "CID":
		return modern
	}
	return v21
}

// normalize rewrites a value into vCard 4.0's escaped form: line breaks
// (from quoted-printable) become \n, "\:" (Apple's) becomes ':', a
// backslash that escapes nothing becomes an escaped backslash, and in a
// vCard 2.1 value, where commas and backslashes were never escaped, they
// are escaped now.
func normalize(s string, d dialect) string {
	if !strings.ContainsAny(s, "\\\r\n,") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString(`\n`)
		case '\n':
			b.WriteString(`\n`)
		case ',':
			if d == v21 {
				b.WriteByte('\\')
			}
			b.WriteByte(',')
		case '\\':
			var n byte
			if i+1 < len(s) {
				n = s[i+1]
			}
			switch {
			case n == ':':
				b.WriteByte(':')
				i++
			case n == '\\' || n == ';' || n == ',':
				b.WriteByte('\\')
				b.WriteByte(n)
				i++
			case (n == 'n' || n == 'N') && d != v21:
				b.WriteByte('\\')
				b.WriteByte(n)
				i++
			default:
				b.WriteString(`\\`)
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func decodeQuotedPrintable(s string) (string, error) {
	if !strings.Contains(s, "=") {
		return s, nil
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '=' {
			out = append(out, s[i])
			continue
		}
		if i == len(s)-1 { // a soft line break at the very end
			break
		}
		if i+2 < len(s) && unhex(s[i+1]) >= 0 && unhex(s[i+2]) >= 0 {
			out = append(out, byte(unhex(s[i+1])<<4|unhex(s[i+2])))
			i += 2
			continue
		}
		end := min(i+3, len(s))
		return "", fmt.Errorf("invalid quoted-printable sequence %q", s[i:end])
	}
	return string(out), nil
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// takeMediaType finds the media type of inline binary data from vCard 3.0's
// and 2.1's TYPE parameter (TYPE=JPEG) or 4.0's MEDIATYPE, removing the
// parameter value it used, and sniffs the common image formats otherwise.
func takeMediaType(p *Property, data []byte) string {
	if mt := p.Params.Get("MEDIATYPE"); mt != "" {
		p.Params.Del("MEDIATYPE")
		return mt
	}
	types := p.Params["TYPE"]
	for i, t := range types {
		mt := mediaTypeOf(t)
		if mt == "" {
			continue
		}
		types = append(types[:i:i], types[i+1:]...)
		if len(types) == 0 {
			p.Params.Del("TYPE")
		} else {
			p.Params["TYPE"] = types
		}
		if len(p.Params) == 0 {
			p.Params = nil
		}
		return mt
	}
	if len(p.Params) == 0 {
		p.Params = nil
	}
	return sniff(data)
}

func mediaTypeOf(t string) string {
	t = strings.ToLower(strings.TrimSpace(t))
	if strings.Contains(t, "/") {
		return t
	}
	switch t {
	case "jpeg", "jpg":
		return "image/jpeg"
	case "png":
		return "image/png"
	case "gif":
		return "image/gif"
	case "bmp":
		return "image/bmp"
	case "tiff":
		return "image/tiff"
	case "wav", "wave":
		return "audio/wav"
	case "pgp":
		return "application/pgp-keys"
	case "x509":
		return "application/pkix-cert"
	}
	return ""
}

func sniff(data []byte) string {
	switch {
	case len(data) >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff:
		return "image/jpeg"
	case strings.HasPrefix(string(data), "\x89PNG\r\n\x1a\n"):
		return "image/png"
	case strings.HasPrefix(string(data), "GIF8"):
		return "image/gif"
	}
	return "application/octet-stream"
}
