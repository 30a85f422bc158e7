package o365

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// PascalCase converts a property name to PascalCase, the key case of Outlook REST:
// "displayName" and "display_name" both become "DisplayName". See CamelCase for
// the rules both functions share.
func PascalCase(s string) string { return recase(s, true) }

// CamelCase converts a property name to camelCase, the key case of Microsoft Graph
// and of the Go models' JSON tags: "DisplayName" and "change_type" become
// "displayName" and "changeType".
//
// Only the first letter of each word changes, so acronyms inside a name survive a
// round trip ("iCalUId" -> "ICalUId" -> "iCalUId"). Words are separated by "_".
// Paths ("from/emailAddress") are cased segment by segment. Annotations
// ("@odata.type"), type names ("#microsoft.graph.user"), system names ("$count")
// and qualified names containing "." are returned unchanged; a property
// annotation such as "members@odata.bind" has only its property part cased.
func CamelCase(s string) string { return recase(s, false) }

func recase(s string, upper bool) string {
	if !strings.Contains(s, "/") {
		return recaseSegment(s, upper)
	}
	parts := strings.Split(s, "/")
	for i, p := range parts {
		parts[i] = recaseSegment(p, upper)
	}
	return strings.Join(parts, "/")
}

func recaseSegment(s string, upper bool) string {
	if s == "" || s[0] == '@' || s[0] == '#' || s[0] == '$' {
		return s
	}
	if i := strings.IndexByte(s, '@'); i > 0 {
		return recaseSegment(s[:i], upper) + s[i:]
	}
	// Dotted names are qualified (type casts); invalid UTF-8 could fuse into new
	// characters once separators are dropped. Both are left alone.
	if strings.IndexByte(s, '.') >= 0 || !utf8.ValidString(s) {
		return s
	}
	if strings.IndexByte(s, '_') < 0 {
		return setFirst(s, upper)
	}
	// Leading underscores carry meaning in some schemas (SharePoint's "_ModerationStatus"),
	// so they are kept; separators between words are dropped.
	trimmed := strings.TrimLeft(s, "_")
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:len(s)-len(trimmed)])
	first := true
	for _, w := range strings.Split(trimmed, "_") {
		if w == "" {
			continue
		}
		if first {
			b.WriteString(setFirst(w, upper))
			first = false
			continue
		}
		b.WriteString(setFirst(w, true))
	}
	return b.String()
}

// setFirst returns s with its first letter upper- or lower-cased, without
// allocating when nothing changes.
func setFirst(s string, upper bool) string {
	if s == "" {
		return s
	}
	if c := s[0]; c < utf8.RuneSelf {
		switch {
		case upper && 'a' <= c && c <= 'z':
			return string(c-'a'+'A') + s[1:]
		case !upper && 'A' <= c && c <= 'Z':
			return string(c-'A'+'a') + s[1:]
		}
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	nr := unicode.ToLower(r)
	if upper {
		nr = unicode.ToUpper(r)
	}
	if nr == r {
		return s
	}
	return string(nr) + s[n:]
}

// ErrInvalidJSON is wrapped by every syntax error RewriteKeys reports.
var ErrInvalidJSON = errors.New("o365: invalid JSON")

// maxJSONDepth matches encoding/json's nesting limit, so RewriteKeys accepts exactly
// the documents the decoder downstream accepts.
const maxJSONDepth = 10000

// keyCacheSize bounds the per-call cache of cased keys: Graph payloads repeat a
// few hundred property names, and the bound keeps memory constant on hostile input.
const keyCacheSize = 2048

// RewriteKeys copies the JSON document in src to dst, passing every object key
// through keyCase. Everything else is copied byte for byte: string values, numbers
// in their exact text, whitespace and escapes. Keys starting with "@" or "#"
// (annotations such as "@odata.nextLink", "@removed") are never passed to
// keyCase, and in "name@odata.bind" only "name" is.
//
// The document is read in one streaming pass in constant memory (apart from the
// longest key and the nesting depth). A malformed document, including trailing
// data after the value, gives an error wrapping ErrInvalidJSON; output written up
// to that point is then incomplete. A nil keyCase validates and copies.
func RewriteKeys(dst io.Writer, src io.Reader, keyCase func(string) string) error {
	var bw *bufio.Writer
	switch w := dst.(type) {
	case *bytes.Buffer:
	case *bufio.Writer:
		bw = w
	default:
		bw = bufio.NewWriterSize(dst, 32<<10)
		dst = bw
	}
	rw := &rewriter{dst: dst, src: src, keyCase: keyCase, buf: make([]byte, 32<<10)}
	if keyCase != nil {
		rw.cache = make(map[string][]byte)
	}
	err := rw.run()
	if bw != nil {
		if ferr := bw.Flush(); err == nil && ferr != nil {
			err = fmt.Errorf("o365: writing JSON: %w", ferr)
		}
	}
	return err
}

// rewriteKeysBytes is RewriteKeys for a document already in memory.
func rewriteKeysBytes(b []byte, keyCase func(string) string) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(b) + len(b)/16)
	if err := RewriteKeys(&out, bytes.NewReader(b), keyCase); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// Scanner states. The grammar is RFC 8259, with encoding/json's acceptance of
// invalid UTF-8 inside strings.
const (
	stValue        = iota // a value must start
	stValueOrClose        // after "[": a value or "]"
	stKeyOrClose          // after "{": a key or "}"
	stKey                 // after "," in an object: a key
	stColon               // after a key
	stAfterValue          // a value ended: ",", a closing bracket or the end
	stString              // inside a string
	stEscape              // after a backslash
	stHex                 // inside \uXXXX (hexLeft digits to go)
	stNumMinus            // after "-"
	stNumZero             // after a leading "0"
	stNumInt              // inside integer digits
	stNumDot              // after "."
	stNumFrac             // inside fraction digits
	stNumE                // after "e"
	stNumESign            // after "e+" or "e-"
	stNumExp              // inside exponent digits
	stLiteral             // inside true, false or null
)

type rewriter struct {
	dst     io.Writer
	src     io.Reader
	keyCase func(string) string
	cache   map[string][]byte

	buf     []byte
	off     int64 // input offset of buf[0]
	state   int
	stack   []byte // '{' or '['
	inKey   bool
	keyEsc  bool
	key     []byte
	hexLeft int
	lit     string
	litPos  int
}

func (r *rewriter) syntax(i int, c byte, what string) error {
	return fmt.Errorf("%w: %s, found %q at offset %d", ErrInvalidJSON, what, c, r.off+int64(i))
}

func (r *rewriter) run() error {
	for {
		n, rerr := r.src.Read(r.buf)
		if n > 0 {
			if err := r.chunk(r.buf[:n]); err != nil {
				return err
			}
			r.off += int64(n)
		}
		if rerr == io.EOF {
			return r.finish()
		}
		if rerr != nil {
			return fmt.Errorf("o365: reading JSON: %w", rerr)
		}
	}
}

func (r *rewriter) finish() error {
	switch r.state {
	case stNumZero, stNumInt, stNumFrac, stNumExp:
		if len(r.stack) == 0 {
			return nil
		}
	case stAfterValue:
		if len(r.stack) == 0 {
			return nil
		}
	}
	return fmt.Errorf("%w: unexpected end of input at offset %d", ErrInvalidJSON, r.off)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// chunk scans b. Bytes are written in spans; only key contents are held back.
func (r *rewriter) chunk(b []byte) error {
	start := 0 // first byte of b not yet written; len(b) while inside a key
	if r.inKey {
		start = len(b)
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch r.state {
		case stString:
			// The hot loop: copy string bytes until a quote, a backslash or a
			// forbidden control character.
			j := i
			for j < len(b) && b[j] != '"' && b[j] != '\\' && b[j] >= 0x20 {
				j++
			}
			if r.inKey {
				r.key = append(r.key, b[i:j]...)
			}
			if j == len(b) {
				i = j
				continue
			}
			i, c = j, b[j]
			switch {
			case c == '\\':
				r.state = stEscape
				if r.inKey {
					r.keyEsc = true
					r.key = append(r.key, c)
				}
			case c < 0x20:
				return r.syntax(i, c, "control character in string")
			case r.inKey:
				if err := r.writeKey(); err != nil {
					return err
				}
				r.inKey = false
				start = i // the closing quote goes out with the next span
				r.state = stColon
			default:
				r.state = stAfterValue
			}
			continue
		case stEscape:
			switch c {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				r.state = stString
			case 'u':
				r.state, r.hexLeft = stHex, 4
			default:
				return r.syntax(i, c, "invalid escape")
			}
			if r.inKey {
				r.key = append(r.key, c)
			}
			continue
		case stHex:
			if !isDigit(c) && !('a' <= c && c <= 'f') && !('A' <= c && c <= 'F') {
				return r.syntax(i, c, "invalid \\u escape")
			}
			if r.inKey {
				r.key = append(r.key, c)
			}
			if r.hexLeft--; r.hexLeft == 0 {
				r.state = stString
			}
			continue
		case stLiteral:
			if c != r.lit[r.litPos] {
				return r.syntax(i, c, "invalid literal")
			}
			if r.litPos++; r.litPos == len(r.lit) {
				r.state = stAfterValue
			}
			continue
		}
		if consumed, err := r.number(i, c); err != nil {
			return err
		} else if consumed {
			continue
		}
		if isSpace(c) {
			continue
		}
		switch r.state {
		case stValue, stValueOrClose:
			if c == ']' && r.state == stValueOrClose {
				r.pop()
				continue
			}
			if err := r.beginValue(i, c); err != nil {
				return err
			}
		case stKeyOrClose, stKey:
			if c == '}' && r.state == stKeyOrClose {
				r.pop()
				continue
			}
			if c != '"' {
				return r.syntax(i, c, "expected a string key")
			}
			if _, err := r.dst.Write(b[start : i+1]); err != nil {
				return fmt.Errorf("o365: writing JSON: %w", err)
			}
			start = len(b) // until the key ends, nothing is written from b
			r.inKey, r.keyEsc, r.key = true, false, r.key[:0]
			r.state = stString
		case stColon:
			if c != ':' {
				return r.syntax(i, c, "expected ':' after a key")
			}
			r.state = stValue
		case stAfterValue:
			if len(r.stack) == 0 {
				return r.syntax(i, c, "data after the top-level value")
			}
			top := r.stack[len(r.stack)-1]
			switch {
			case c == ',' && top == '{':
				r.state = stKey
			case c == ',':
				r.state = stValue
			case c == '}' && top == '{', c == ']' && top == '[':
				r.pop()
			default:
				return r.syntax(i, c, "expected ',' or a closing bracket")
			}
		}
	}
	if start < len(b) {
		if _, err := r.dst.Write(b[start:]); err != nil {
			return fmt.Errorf("o365: writing JSON: %w", err)
		}
	}
	return nil
}

// number advances the number states. It reports false when c does not belong to
// a number (a complete number then ended, and c is scanned after the value).
func (r *rewriter) number(i int, c byte) (bool, error) {
	switch r.state {
	case stNumMinus:
		switch {
		case c == '0':
			r.state = stNumZero
		case isDigit(c):
			r.state = stNumInt
		default:
			return false, r.syntax(i, c, "expected a digit after '-'")
		}
	case stNumZero, stNumInt:
		switch {
		case isDigit(c) && r.state == stNumInt:
		case c == '.':
			r.state = stNumDot
		case c == 'e' || c == 'E':
			r.state = stNumE
		default:
			r.state = stAfterValue
			return false, nil
		}
	case stNumDot:
		if !isDigit(c) {
			return false, r.syntax(i, c, "expected a digit after '.'")
		}
		r.state = stNumFrac
	case stNumFrac:
		switch {
		case isDigit(c):
		case c == 'e' || c == 'E':
			r.state = stNumE
		default:
			r.state = stAfterValue
			return false, nil
		}
	case stNumE:
		switch {
		case c == '+' || c == '-':
			r.state = stNumESign
		case isDigit(c):
			r.state = stNumExp
		default:
			return false, r.syntax(i, c, "expected a digit in the exponent")
		}
	case stNumESign:
		if !isDigit(c) {
			return false, r.syntax(i, c, "expected a digit in the exponent")
		}
		r.state = stNumExp
	case stNumExp:
		if !isDigit(c) {
			r.state = stAfterValue
			return false, nil
		}
	default:
		return false, nil
	}
	return true, nil
}

func (r *rewriter) beginValue(i int, c byte) error {
	switch {
	case c == '{' || c == '[':
		if len(r.stack) >= maxJSONDepth {
			return r.syntax(i, c, "nesting too deep")
		}
		r.stack = append(r.stack, c)
		r.state = stKeyOrClose
		if c == '[' {
			r.state = stValueOrClose
		}
	case c == '"':
		r.state = stString
	case c == '-':
		r.state = stNumMinus
	case c == '0':
		r.state = stNumZero
	case isDigit(c):
		r.state = stNumInt
	case c == 't':
		r.state, r.lit, r.litPos = stLiteral, "true", 1
	case c == 'f':
		r.state, r.lit, r.litPos = stLiteral, "false", 1
	case c == 'n':
		r.state, r.lit, r.litPos = stLiteral, "null", 1
	default:
		return r.syntax(i, c, "expected a value")
	}
	return nil
}

func (r *rewriter) pop() {
	r.stack = r.stack[:len(r.stack)-1]
	r.state = stAfterValue
}

// writeKey writes the cased contents of the key just scanned (the quotes are
// written with the surrounding spans).
func (r *rewriter) writeKey() error {
	out := r.key
	if r.keyCase != nil && len(r.key) > 0 && r.key[0] != '@' && r.key[0] != '#' {
		var err error
		if out, err = r.casedKey(); err != nil {
			return err
		}
	}
	if _, err := r.dst.Write(out); err != nil {
		return fmt.Errorf("o365: writing JSON: %w", err)
	}
	return nil
}

// casedKey returns the raw (escaped) text of the cased key.
func (r *rewriter) casedKey() ([]byte, error) {
	if !r.keyEsc {
		if v, ok := r.cache[string(r.key)]; ok {
			return v, nil
		}
		if utf8.Valid(r.key) {
			k := string(r.key)
			v := []byte(escapeKey(applyKeyCase(k, r.keyCase)))
			if len(r.cache) < keyCacheSize {
				r.cache[k] = v
			}
			return v, nil
		}
	}
	// Escaped and invalid UTF-8 keys are rare; decode them as encoding/json does
	// (invalid bytes become U+FFFD), and keep the original text when casing
	// changes nothing.
	var k string
	q := make([]byte, 0, len(r.key)+2)
	q = append(append(append(q, '"'), r.key...), '"')
	if err := json.Unmarshal(q, &k); err != nil {
		return nil, fmt.Errorf("%w: key %s: %v", ErrInvalidJSON, q, err)
	}
	if k == "" || k[0] == '@' || k[0] == '#' {
		return r.key, nil
	}
	v := applyKeyCase(k, r.keyCase)
	if v == k {
		return r.key, nil
	}
	return []byte(escapeKey(v)), nil
}

func applyKeyCase(k string, keyCase func(string) string) string {
	if i := strings.IndexByte(k, '@'); i > 0 {
		return keyCase(k[:i]) + k[i:]
	}
	return keyCase(k)
}

// escapeKey returns the JSON string contents for k (without quotes). A custom
// keyCase may return anything; the output must stay valid JSON.
func escapeKey(k string) string {
	clean := true
	for i := 0; i < len(k); i++ {
		if c := k[i]; c < 0x20 || c == '"' || c == '\\' {
			clean = false
			break
		}
	}
	if clean {
		return k
	}
	var b strings.Builder
	for i := 0; i < len(k); i++ {
		switch c := k[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
