package vcard

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// toUTF8 converts s from the character set a vCard 2.1 CHARSET= parameter
// names. Only the sets that address-book exports of the Latin-script world
// use are known: the standard library has no others, and a wrong guess would
// corrupt names silently, so any other set is an error.
func toUTF8(s, charset string) (string, error) {
	switch strings.ToUpper(strings.TrimSpace(charset)) {
	case "UTF-8", "UTF8", "US-ASCII", "ASCII":
		if !utf8.ValidString(s) {
			return "", fmt.Errorf("value is not valid %s", charset)
		}
		return s, nil
	case "ISO-8859-1", "LATIN1", "ISO8859-1", "ISO_8859-1":
		return decodeSingleByte(s, nil), nil
	case "ISO-8859-15", "LATIN9", "ISO8859-15":
		return decodeSingleByte(s, latin9), nil
	case "WINDOWS-1252", "CP1252", "CP-1252":
		return decodeSingleByte(s, windows1252), nil
	}
	return "", fmt.Errorf("unsupported CHARSET=%s (supported: UTF-8, US-ASCII, ISO-8859-1, ISO-8859-15, WINDOWS-1252); convert the file to UTF-8", charset)
}

// decodeSingleByte maps each byte to the rune of the same number (ISO-8859-1)
// except where table says otherwise.
func decodeSingleByte(s string, table map[byte]rune) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if r, ok := table[c]; ok {
			b.WriteRune(r)
		} else {
			b.WriteRune(rune(c))
		}
	}
	return b.String()
}

// windows1252 lists where Windows-1252 differs from ISO-8859-1 (0x80-0x9F).
// The five undefined bytes map to the C1 controls, as Windows does.
var windows1252 = map[byte]rune{
	0x80: '€', 0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†', 0x87: '‡',
	0x88: 'ˆ', 0x89: '‰', 0x8A: 'Š', 0x8B: '‹', 0x8C: 'Œ', 0x8E: 'Ž',
	0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•', 0x96: '–', 0x97: '—',
	0x98: '˜', 0x99: '™', 0x9A: 'š', 0x9B: '›', 0x9C: 'œ', 0x9E: 'ž', 0x9F: 'Ÿ',
}

// latin9 lists where ISO-8859-15 differs from ISO-8859-1.
var latin9 = map[byte]rune{
	0xA4: '€', 0xA6: 'Š', 0xA8: 'š', 0xB4: 'Ž', 0xB8: 'ž', 0xBC: 'Œ', 0xBD: 'œ', 0xBE: 'Ÿ',
}
