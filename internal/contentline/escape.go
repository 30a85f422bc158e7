package contentline

import "strings"

// Unescape undoes the backslash escapes that vCard and iCalendar TEXT values
// share: \\ \, \; \n \N, and \: which some exporters (Apple's vCard 3.0)
// write. A backslash before any other character, or at the end, is kept as
// it is: such input is malformed, and keeping it loses nothing.
func Unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		switch n := s[i+1]; n {
		case '\\', ',', ';', ':':
			b.WriteByte(n)
			i++
		case 'n', 'N':
			b.WriteByte('\n')
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Split splits s at every sep that is not escaped by a backslash. The parts
// keep their escapes: unescape each one after splitting.
func Split(s string, sep byte) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case sep:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// Escape escapes s for a TEXT value: backslash, comma and line breaks
// always, and each byte of also (';' for iCalendar TEXT and vCard
// structured components, which vCard 4.0's plain TEXT leaves bare).
// CRLF and a lone CR become \n like LF.
func Escape(s string, also string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' || c == ',':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString(`\n`)
		case c == '\n':
			b.WriteString(`\n`)
		case strings.IndexByte(also, c) >= 0:
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
