package odata

import (
	"errors"
	"testing"
)

func TestMatchSearch(t *testing.T) {
	msg := decodeDoc(t, sampleMessage, false)
	user := map[string]any{"id": "u1", "displayName": "Walter White", "mail": "walt@contoso.com", "jobTitle": "Chemist"}
	tests := []struct {
		name   string
		search string
		doc    map[string]any
		fields []string
		want   bool
	}{
		{"word in subject", "quarterly", msg, nil, true},
		{"word prefix", "quart", msg, nil, true},
		{"not inside a word", "uarterly", msg, nil, false},
		{"case-insensitive", "PIZZA", msg, nil, true},
		{"trailing star", "piz*", msg, nil, true},
		{"missing word", "burrito", msg, nil, false},
		{"implicit and", "pizza friday", msg, nil, true},
		{"implicit and fails", "pizza burrito", msg, nil, false},
		{"explicit AND", "pizza AND burrito", msg, nil, false},
		{"OR", "burrito OR pizza", msg, nil, true},
		{"NOT", "NOT burrito", msg, nil, true},
		{"lower-case or is a word", "burrito or pizza", msg, nil, false},
		{"parentheses", "(burrito OR pizza) AND quarterly", msg, nil, true},
		{"phrase", `"report: q3"`, msg, nil, true},
		{"phrase order matters", `"q3 report"`, msg, nil, false},
		{"from address", "from:alice", msg, nil, true},
		{"from name", "from:smith", msg, nil, true},
		{"from other", "from:bob", msg, nil, false},
		{"to", "to:carol", msg, nil, true},
		{"cc empty", "cc:carol", msg, nil, false},
		{"participants", "participants:carol", msg, nil, true},
		{"subject prop", "subject:report", msg, nil, true},
		{"subject phrase", `subject:"quarterly report"`, msg, nil, true},
		{"body", "body:pizza", msg, nil, true},
		{"attachment", "attachment:chart", msg, nil, true},
		{"received US date", "received:3/15/2024", msg, nil, true},
		{"received ISO date", "received:2024-03-15", msg, nil, true},
		{"received other day", "received:3/16/2024", msg, nil, false},
		{"ids are not searched", "AAMkAG1", msg, nil, false},
		{"fields restrict", "pizza", msg, []string{"subject"}, false},
		{"fields allow", "quarterly", msg, []string{"subject", "bodyPreview"}, true},
		{"directory style", `"displayName:wa" OR "mail:wa"`, user, nil, true},
		{"directory second clause", `"displayName:xx" OR "mail:walt"`, user, nil, true},
		{"directory no match", `"displayName:che"`, user, nil, false},
		{"directory word start", `"displayName:white"`, user, nil, true},
		{"directory and", `"displayName:walter" AND "jobTitle:chem"`, user, nil, true},
		{"unknown property", "nope:x", user, nil, false},
		{"empty search matches", "  ", user, nil, true},
		{"malformed matches nothing", `"open`, user, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MatchSearch(tt.search, tt.doc, tt.fields...); got != tt.want {
				t.Errorf("MatchSearch(%q) = %v, want %v", tt.search, got, tt.want)
			}
		})
	}
}

func TestCompileSearchErrors(t *testing.T) {
	tests := []struct {
		in  string
		pos int
		msg string
	}{
		{`"abc`, 0, `unterminated phrase; expected a closing "`},
		{`from:"abc`, 5, `unterminated phrase; expected a closing "`},
		{`ab"c"`, 2, `unexpected '"' inside a word`},
		{"a OR", 4, "unexpected end of search; expected a term"},
		{"AND a", 0, `expected a search term, found "AND"`},
		{"(a", 2, "expected ')'"},
		{"a)", 1, `unexpected ")"`},
		{`""`, 0, "empty search term"},
		{"from:", 0, "empty search term"},
		{"", 0, "unexpected end of search; expected a term"},
	}
	for _, tt := range tests {
		_, err := CompileSearch(tt.in)
		var se *SyntaxError
		if !errors.As(err, &se) || se.Pos != tt.pos || se.Msg != tt.msg || se.Option != "$search" {
			t.Errorf("CompileSearch(%q) = %v, want %q at %d", tt.in, err, tt.msg, tt.pos)
		}
	}
}
