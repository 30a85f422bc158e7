package odata

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// SearchQuery is a compiled $search expression. It is immutable and safe for
// concurrent use.
type SearchQuery struct {
	root *searchNode
}

type searchOp uint8

const (
	searchTerm searchOp = iota
	searchAnd
	searchOr
	searchNot
)

type searchNode struct {
	op          searchOp
	prop        string    // for terms: the property restriction, or ""
	text        string    // for terms: the word or phrase
	paths       []string  // for restricted terms: the document paths searched
	day         time.Time // for received:/sent: terms: the day, midnight UTC
	left, right *searchNode
}

// searchPaths maps a KQL property name of messages (lower case) to document
// paths; other names are document paths themselves.
func searchPaths(prop string) []string {
	switch strings.ToLower(prop) {
	case "from":
		return []string{"from"}
	case "to":
		return []string{"toRecipients"}
	case "cc":
		return []string{"ccRecipients"}
	case "bcc":
		return []string{"bccRecipients"}
	case "participants":
		return []string{"from", "toRecipients", "ccRecipients", "bccRecipients"}
	case "body":
		return []string{"body/content"}
	case "attachment", "attachments":
		return []string{"attachments"}
	case "received":
		return []string{"receivedDateTime"}
	case "sent":
		return []string{"sentDateTime"}
	}
	return []string{prop}
}

// MatchSearch reports whether doc matches a $search expression (see
// CompileSearch). Unqualified terms are looked for in fields (document paths)
// or, when none are given, in every string of the document. An empty search
// matches everything; a malformed one matches nothing.
func MatchSearch(search string, doc map[string]any, fields ...string) bool {
	if strings.TrimSpace(search) == "" {
		return true
	}
	q, err := CompileSearch(search)
	if err != nil {
		return false
	}
	return q.Match(doc, fields...)
}

// CompileSearch parses a KQL-like $search expression: words (matched as
// case-insensitive prefixes of the words of a property), "quoted phrases",
// property restrictions (from:alice, subject:"status report", and the
// directory form "displayName:wa"), a trailing * (ignored: every word is a
// prefix), NOT, AND, OR (upper case) and parentheses. Juxtaposed terms are
// ANDed; AND binds tighter than OR. Errors are *SyntaxError.
func CompileSearch(s string) (*SearchQuery, error) {
	q, err := compileSearch(s)
	if err != nil {
		err.Option, err.Input = "$search", s
		return nil, err
	}
	return q, nil
}

func compileSearch(s string) (*SearchQuery, *SyntaxError) {
	if len(s) > MaxFilterLength {
		return nil, &SyntaxError{Pos: MaxFilterLength, Msg: "search longer than " + strconv.Itoa(MaxFilterLength) + " bytes"}
	}
	toks, err := lexSearch(s)
	if err != nil {
		return nil, err
	}
	p := &searchParser{toks: toks, end: len(s)}
	root, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		t := p.toks[p.i]
		return nil, &SyntaxError{Pos: t.pos, Msg: "unexpected " + strconv.Quote(t.text)}
	}
	return &SearchQuery{root: root}, nil
}

type searchToken struct {
	pos    int
	text   string // raw text
	quoted bool
	prop   string
	value  string
}

func lexSearch(s string) ([]searchToken, *SyntaxError) {
	var toks []searchToken
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case isSpace(c):
			i++
		case c == '(' || c == ')':
			toks = append(toks, searchToken{pos: i, text: s[i : i+1]})
			i++
		default:
			start := i
			for i < len(s) && !isSpace(s[i]) && s[i] != '(' && s[i] != ')' && s[i] != '"' {
				i++
			}
			word := s[start:i]
			t := searchToken{pos: start, text: word}
			if i < len(s) && s[i] == '"' && (word == "" || strings.HasSuffix(word, ":")) {
				end := strings.IndexByte(s[i+1:], '"')
				if end < 0 {
					return nil, &SyntaxError{Pos: i, Msg: "unterminated phrase; expected a closing \""}
				}
				phrase := s[i+1 : i+1+end]
				i += end + 2
				t.text, t.quoted = s[start:i], true
				if word != "" {
					t.prop, t.value = strings.TrimSuffix(word, ":"), phrase
				} else {
					t.prop, t.value = splitProp(phrase)
				}
			} else {
				if i < len(s) && s[i] == '"' {
					return nil, &SyntaxError{Pos: i, Msg: "unexpected '\"' inside a word"}
				}
				t.prop, t.value = splitProp(word)
			}
			if !t.quoted {
				t.value = strings.TrimSuffix(t.value, "*")
			}
			if t.value == "" {
				return nil, &SyntaxError{Pos: start, Msg: "empty search term"}
			}
			toks = append(toks, t)
		}
	}
	return toks, nil
}

// splitProp splits "name:value" when name is a property path.
func splitProp(s string) (prop, value string) {
	name, rest, ok := strings.Cut(s, ":")
	if !ok || checkPath(name) >= 0 || (rest != "" && isSpace(rest[0])) {
		return "", s
	}
	return name, rest
}

type searchParser struct {
	toks  []searchToken
	i     int
	end   int
	depth int
}

func (p *searchParser) peekWord(w string) bool {
	return p.i < len(p.toks) && !p.toks[p.i].quoted && p.toks[p.i].text == w
}

func (p *searchParser) parseOr() (*searchNode, *SyntaxError) {
	left, err := p.parseAnd()
	for err == nil && p.peekWord("OR") {
		p.i++
		var right *searchNode
		if right, err = p.parseAnd(); err == nil {
			left = &searchNode{op: searchOr, left: left, right: right}
		}
	}
	return left, err
}

func (p *searchParser) parseAnd() (*searchNode, *SyntaxError) {
	left, err := p.parseUnary()
	for err == nil && p.i < len(p.toks) && !p.peekWord("OR") && !p.peekWord(")") {
		if p.peekWord("AND") {
			p.i++
		}
		var right *searchNode
		if right, err = p.parseUnary(); err == nil {
			left = &searchNode{op: searchAnd, left: left, right: right}
		}
	}
	return left, err
}

func (p *searchParser) parseUnary() (*searchNode, *SyntaxError) {
	if p.i >= len(p.toks) {
		return nil, &SyntaxError{Pos: p.end, Msg: "unexpected end of search; expected a term"}
	}
	t := p.toks[p.i]
	p.i++
	switch {
	case !t.quoted && t.text == "(":
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > MaxDepth {
			return nil, &SyntaxError{Pos: t.pos, Msg: "search nested deeper than " + strconv.Itoa(MaxDepth) + " levels"}
		}
		n, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if !p.peekWord(")") {
			pos := p.end
			if p.i < len(p.toks) {
				pos = p.toks[p.i].pos
			}
			return nil, &SyntaxError{Pos: pos, Msg: "expected ')'"}
		}
		p.i++
		return n, nil
	case !t.quoted && t.text == "NOT":
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > MaxDepth {
			return nil, &SyntaxError{Pos: t.pos, Msg: "search nested deeper than " + strconv.Itoa(MaxDepth) + " levels"}
		}
		n, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &searchNode{op: searchNot, left: n}, nil
	case !t.quoted && (t.text == ")" || t.text == "AND" || t.text == "OR"):
		return nil, &SyntaxError{Pos: t.pos, Msg: "expected a search term, found " + strconv.Quote(t.text)}
	}
	n := &searchNode{op: searchTerm, prop: t.prop, text: t.value}
	if n.prop != "" {
		n.paths = searchPaths(n.prop)
		if prop := strings.ToLower(n.prop); prop == "received" || prop == "sent" {
			n.day, _ = parseSearchDate(n.text)
		}
	}
	return n, nil
}

// Match reports whether doc matches the query; see MatchSearch.
func (q *SearchQuery) Match(doc map[string]any, fields ...string) bool {
	return q.root.match(doc, fields)
}

func (n *searchNode) match(doc map[string]any, fields []string) bool {
	switch n.op {
	case searchAnd:
		return n.left.match(doc, fields) && n.right.match(doc, fields)
	case searchOr:
		return n.left.match(doc, fields) || n.right.match(doc, fields)
	case searchNot:
		return !n.left.match(doc, fields)
	}
	if n.prop == "" {
		if len(fields) == 0 {
			return anyString(doc, true, n.matchText)
		}
		return n.matchPaths(doc, fields)
	}
	if !n.day.IsZero() {
		v, _ := Lookup(doc, n.paths[0])
		s, _ := v.(string)
		t, ok := parseDateTime(s, false)
		y, m, d := t.UTC().Date()
		return ok && time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Equal(n.day)
	}
	return n.matchPaths(doc, n.paths)
}

func (n *searchNode) matchPaths(doc map[string]any, paths []string) bool {
	for _, p := range paths {
		if v, ok := Lookup(doc, p); ok && anyString(v, false, n.matchText) {
			return true
		}
	}
	return false
}

func (n *searchNode) matchText(s string) bool { return matchWordPrefix(s, n.text) }

// anyString reports whether f holds for a string anywhere in v. At the top of
// a document, ids and annotations are not searched.
func anyString(v any, top bool, f func(string) bool) bool {
	switch v := v.(type) {
	case string:
		return f(v)
	case map[string]any:
		for k, x := range v {
			if strings.HasPrefix(k, "@") || strings.Contains(k, "@odata.") || (top && k == "id") {
				continue
			}
			if anyString(x, false, f) {
				return true
			}
		}
	case []any:
		for _, x := range v {
			if anyString(x, false, f) {
				return true
			}
		}
	}
	return false
}

// matchWordPrefix reports whether term occurs in s, ignoring case, at the
// start of a word.
func matchWordPrefix(s, term string) bool {
	for i := 0; i+len(term) <= len(s); i++ {
		if !utf8.RuneStart(s[i]) {
			continue
		}
		if i > 0 {
			r, _ := utf8.DecodeLastRuneInString(s[:i])
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				continue
			}
		}
		if strings.EqualFold(s[i:i+len(term)], term) {
			return true
		}
	}
	return false
}

// parseSearchDate accepts M/D/YYYY (as in KQL examples) and YYYY-MM-DD and
// returns the day at midnight UTC.
func parseSearchDate(s string) (time.Time, bool) {
	if t, ok := parseDate(s); ok {
		return t, true
	}
	if t, err := time.Parse("1/2/2006", s); err == nil {
		return t, true
	}
	return time.Time{}, false
}
