package odata

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

type tokenKind uint8

const (
	tokEOF tokenKind = iota
	tokIdent
	tokLiteral
	tokLParen
	tokRParen
	tokComma
	tokSlash
	tokColon
	tokMinus
)

type token struct {
	kind tokenKind
	pos  int
	text string  // raw text; for identifiers the name
	lit  Literal // for tokLiteral
}

func describe(t token) string {
	switch t.kind {
	case tokEOF:
		return "end of input"
	case tokLiteral:
		return "literal " + t.text
	default:
		return strconv.Quote(t.text)
	}
}

func punctuation(c byte) tokenKind {
	switch c {
	case '(':
		return tokLParen
	case ')':
		return tokRParen
	case ',':
		return tokComma
	case '/':
		return tokSlash
	case ':':
		return tokColon
	default:
		return tokMinus
	}
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || isDigit(c)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// lex splits a $filter into tokens. The whole input is bounded by
// MaxFilterLength, so building the slice up front is cheap.
func lex(s string) ([]token, *SyntaxError) {
	var toks []token
	i := 0
	for {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			return append(toks, token{kind: tokEOF, pos: i}), nil
		}
		c := s[i]
		switch {
		case c == '(' || c == ')' || c == ',' || c == '/' || c == ':' || c == '-':
			toks = append(toks, token{kind: punctuation(c), pos: i, text: s[i : i+1]})
			i++
		case c == '\'':
			text, end, err := lexString(s, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tokLiteral, pos: i, text: s[i:end], lit: Literal{Kind: LitString, Text: text}})
			i = end
		case isGUIDAt(s, i):
			toks = append(toks, token{kind: tokLiteral, pos: i, text: s[i : i+36], lit: Literal{Kind: LitGUID, Text: strings.ToLower(s[i : i+36])}})
			i += 36
		case isDigit(c):
			t, err := lexNumberOrTime(s, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i += len(t.text)
		case isIdentStart(c) || c == '$':
			t, end, err := lexIdent(s, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i = end
		default:
			r, _ := utf8.DecodeRuneInString(s[i:])
			return nil, &SyntaxError{Pos: i, Msg: "unexpected character " + strconv.QuoteRune(r)}
		}
	}
}

// lexString reads a single-quoted string starting at s[start]; two quotes
// stand for one.
func lexString(s string, start int) (string, int, *SyntaxError) {
	var b strings.Builder
	i := start + 1
	for {
		j := strings.IndexByte(s[i:], '\'')
		if j < 0 {
			return "", 0, &SyntaxError{Pos: start, Msg: "unterminated string literal; expected a closing '"}
		}
		b.WriteString(s[i : i+j])
		i += j + 1
		if i < len(s) && s[i] == '\'' {
			b.WriteByte('\'')
			i++
			continue
		}
		return b.String(), i, nil
	}
}

// isGUIDAt reports whether a bare GUID (8-4-4-4-12 hex digits) starts at i.
func isGUIDAt(s string, i int) bool {
	if len(s)-i < 36 {
		return false
	}
	for k := 0; k < 36; k++ {
		c := s[i+k]
		switch k {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return i+36 == len(s) || !isIdentChar(s[i+36])
}

func lexIdent(s string, start int) (token, int, *SyntaxError) {
	i := start + 1
	for i < len(s) {
		if isIdentChar(s[i]) {
			i++
			continue
		}
		// Dots join the parts of a qualified name (an enum type or a cast).
		if s[i] == '.' && i+1 < len(s) && isIdentStart(s[i+1]) && s[start] != '$' {
			i += 2
			continue
		}
		break
	}
	name := s[start:i]
	if i < len(s) && s[i] == '\'' {
		if !strings.Contains(name, ".") {
			return token{}, 0, &SyntaxError{Pos: start, Msg: "unsupported typed literal " + strconv.Quote(name) + "; expected a qualified enum type such as microsoft.graph.importance'high'"}
		}
		text, end, err := lexString(s, i)
		if err != nil {
			return token{}, 0, err
		}
		return token{kind: tokLiteral, pos: start, text: s[start:end], lit: Literal{Kind: LitEnum, EnumType: name, Text: text}}, end, nil
	}
	return token{kind: tokIdent, pos: start, text: name}, i, nil
}

// looksLikeDate reports whether s[i:] starts with YYYY-MM-DD.
func looksLikeDate(s string, i int) bool {
	if len(s)-i < 10 {
		return false
	}
	for k := 0; k < 10; k++ {
		c := s[i+k]
		if k == 4 || k == 7 {
			if c != '-' {
				return false
			}
		} else if !isDigit(c) {
			return false
		}
	}
	return true
}

func lexNumberOrTime(s string, start int) (token, *SyntaxError) {
	if looksLikeDate(s, start) {
		end := start + 10
		if end < len(s) && (s[end] == 'T' || s[end] == 't') {
			for end < len(s) && strings.IndexByte("0123456789:.+-TtZz", s[end]) >= 0 {
				end++
			}
			text := s[start:end]
			t, ok := parseDateTime(text, true)
			if !ok {
				msg := "invalid DateTimeOffset literal " + strconv.Quote(text) + "; expected YYYY-MM-DDThh:mm[:ss[.fffffff]](Z|±hh:mm)"
				if end+1 < len(s) && s[end] == ' ' && isDigit(s[end+1]) {
					// A '+' left unencoded in a URL arrives as a space.
					msg += " (send '+' in a URL as %2B)"
				}
				return token{}, &SyntaxError{Pos: start, Msg: msg}
			}
			return token{kind: tokLiteral, pos: start, text: text, lit: Literal{Kind: LitDateTimeOffset, Time: t}}, nil
		}
		text := s[start:end]
		t, ok := parseDate(text)
		if !ok {
			return token{}, &SyntaxError{Pos: start, Msg: "invalid Date literal " + strconv.Quote(text)}
		}
		if end < len(s) && isIdentChar(s[end]) {
			return token{}, &SyntaxError{Pos: end, Msg: "unexpected character " + strconv.QuoteRune(rune(s[end])) + " after Date literal"}
		}
		return token{kind: tokLiteral, pos: start, text: text, lit: Literal{Kind: LitDate, Time: t}}, nil
	}
	i := start
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	isFloat := false
	if i < len(s) && s[i] == '.' {
		isFloat = true
		i++
		if i >= len(s) || !isDigit(s[i]) {
			return token{}, &SyntaxError{Pos: i, Msg: "expected a digit after the decimal point"}
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		isFloat = true
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			return token{}, &SyntaxError{Pos: i, Msg: "expected a digit in the exponent"}
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (isIdentChar(s[i]) || s[i] == '.') {
		return token{}, &SyntaxError{Pos: i, Msg: "unexpected character " + strconv.QuoteRune(rune(s[i])) + " after number"}
	}
	text := s[start:i]
	if !isFloat {
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return token{kind: tokLiteral, pos: start, text: text, lit: Literal{Kind: LitInt, Int: n}}, nil
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return token{}, &SyntaxError{Pos: start, Msg: "number " + strconv.Quote(text) + " is out of range"}
	}
	return token{kind: tokLiteral, pos: start, text: text, lit: Literal{Kind: LitFloat, Float: f}}, nil
}

func atoi2(s string) (int, bool) {
	if len(s) != 2 || !isDigit(s[0]) || !isDigit(s[1]) {
		return 0, false
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), true
}

// parseDate parses YYYY-MM-DD into midnight UTC, rejecting impossible dates.
func parseDate(s string) (time.Time, bool) {
	if len(s) != 10 || !looksLikeDate(s, 0) {
		return time.Time{}, false
	}
	y := int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	m, _ := atoi2(s[5:7])
	d, _ := atoi2(s[8:10])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Month() != time.Month(m) || t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// parseDateTime parses YYYY-MM-DDThh:mm[:ss[.f+]] followed by Z or ±hh:mm.
// Without requireZone a missing zone means UTC, as Graph writes
// dateTimeTimeZone values. It allocates only for a non-zero offset.
func parseDateTime(s string, requireZone bool) (time.Time, bool) {
	if len(s) < 16 || !looksLikeDate(s, 0) || (s[10] != 'T' && s[10] != 't') || s[13] != ':' {
		return time.Time{}, false
	}
	date, ok := parseDate(s[:10])
	if !ok {
		return time.Time{}, false
	}
	hh, ok1 := atoi2(s[11:13])
	mm, ok2 := atoi2(s[14:16])
	if !ok1 || !ok2 || hh > 23 || mm > 59 {
		return time.Time{}, false
	}
	rest := s[16:]
	ss, nanos := 0, 0
	if len(rest) > 0 && rest[0] == ':' {
		if len(rest) < 3 {
			return time.Time{}, false
		}
		var ok bool
		if ss, ok = atoi2(rest[1:3]); !ok || ss > 59 {
			return time.Time{}, false
		}
		rest = rest[3:]
		if len(rest) > 0 && rest[0] == '.' {
			k := 1
			scale := 100000000
			for k < len(rest) && isDigit(rest[k]) {
				nanos += int(rest[k]-'0') * scale
				scale /= 10
				k++
			}
			if k == 1 {
				return time.Time{}, false
			}
			rest = rest[k:]
		}
	}
	t := time.Date(date.Year(), date.Month(), date.Day(), hh, mm, ss, nanos, time.UTC)
	switch {
	case rest == "Z" || rest == "z":
		return t, true
	case rest == "":
		return t, !requireZone
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := atoi2(rest[1:3])
		om, ok2 := atoi2(rest[4:6])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		offset := oh*3600 + om*60
		if rest[0] == '-' {
			offset = -offset
		}
		if offset == 0 {
			return t, true
		}
		return time.Date(date.Year(), date.Month(), date.Day(), hh, mm, ss, nanos, time.FixedZone("", offset)), true
	}
	return time.Time{}, false
}
