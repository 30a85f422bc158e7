package odata

import (
	"errors"
	"net/url"
	"reflect"
	"testing"
)

// values splits a raw query on '&' only: url.ParseQuery rejects the ';'
// that nested $expand options use.
func values(t *testing.T, raw string) url.Values {
	t.Helper()
	q := url.Values{}
	for raw != "" {
		var pair string
		pair, raw, _ = cut(raw, "&")
		k, v, _ := cut(pair, "=")
		uk, err1 := url.QueryUnescape(k)
		uv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			t.Fatalf("bad test query %q", pair)
		}
		q.Add(uk, uv)
	}
	return q
}

func mustQuery(t *testing.T, raw string) *Options {
	t.Helper()
	o, err := ParseQuery(values(t, raw))
	if err != nil {
		t.Fatalf("ParseQuery(%q): %v", raw, err)
	}
	return o
}

func TestParseQuery(t *testing.T) {
	o := mustQuery(t, "$filter=isRead+eq+false&$select=subject,+from&$orderby=receivedDateTime+desc,subject&$top=10&$skip=5&$count=true&$search=%22pizza%22&$skiptoken=abc&$expand=attachments($select=name;$top=2)")
	if o.Filter == nil || o.Filter.String() != "isRead eq false" {
		t.Errorf("Filter = %v", o.Filter)
	}
	if !reflect.DeepEqual(o.Select, []string{"subject", "from"}) {
		t.Errorf("Select = %q", o.Select)
	}
	if !reflect.DeepEqual(o.OrderBy, []OrderItem{{Path: "receivedDateTime", Desc: true}, {Path: "subject"}}) {
		t.Errorf("OrderBy = %+v", o.OrderBy)
	}
	if o.Top != 10 || !o.HasTop || o.Skip != 5 || !o.HasSkip || !o.Count {
		t.Errorf("Top/Skip/Count = %d %v %d %v %v", o.Top, o.HasTop, o.Skip, o.HasSkip, o.Count)
	}
	if o.Search != "pizza" || o.SkipToken != "abc" {
		t.Errorf("Search %q SkipToken %q", o.Search, o.SkipToken)
	}
	if len(o.Expand) != 1 || o.Expand[0].Path != "attachments" || o.Expand[0].Options == nil ||
		!reflect.DeepEqual(o.Expand[0].Options.Select, []string{"name"}) || o.Expand[0].Options.Top != 2 {
		t.Errorf("Expand = %+v", o.Expand)
	}
}

func TestParseQueryForms(t *testing.T) {
	// Un-prefixed and differently cased names, as Graph accepts them.
	o := mustQuery(t, "filter=a+eq+1&TOP=3&$OrderBy=a+DESC&startDateTime=2024-01-01&$format=json")
	if o.Filter == nil || o.Top != 3 || len(o.OrderBy) != 1 || !o.OrderBy[0].Desc {
		t.Errorf("options = %+v", o)
	}
	// Nothing given means nothing set.
	o = mustQuery(t, "")
	if o.Filter != nil || o.HasTop || o.HasSkip || o.Count || o.Select != nil {
		t.Errorf("empty query gave %+v", o)
	}
	o = mustQuery(t, "$count=false&$top=0&$select=*")
	if o.Count || !o.HasTop || o.Top != 0 || o.Select[0] != "*" {
		t.Errorf("options = %+v", o)
	}
	// The quoted forms of $search Graph accepts.
	for raw, want := range map[string]string{
		`$search="displayName:wa" OR "mail:wa"`:       `"displayName:wa" OR "mail:wa"`,
		`$search="budget" OR "x"`:                     `"budget" OR "x"`,
		`$search="pizza"`:                             `pizza`,
		`$search="budget OR x"`:                       `budget OR x`,
		`$search="\"budget\" OR \"x\""`:               `"budget" OR "x"`,
		`$search="subject:\"status report\""`:         `subject:"status report"`,
		`$search="back\\slash"`:                       `back\slash`,
		`$search="\"displayName:wa\" OR \"mail:wa\""`: `"displayName:wa" OR "mail:wa"`,
	} {
		if o = mustQuery(t, raw); o.Search != want {
			t.Errorf("%s: search = %q, want %q", raw, o.Search, want)
		}
	}
	o = mustQuery(t, "$expand=members($select=id,displayName;$filter=startswith(displayName,'a;b');$expand=manager($select=id)),owners")
	if len(o.Expand) != 2 || o.Expand[1].Path != "owners" || o.Expand[1].Options != nil {
		t.Fatalf("expand = %+v", o.Expand)
	}
	m := o.Expand[0].Options
	if !reflect.DeepEqual(m.Select, []string{"id", "displayName"}) || m.Filter.String() != "startswith(displayName, 'a;b')" ||
		len(m.Expand) != 1 || m.Expand[0].Path != "manager" || m.Expand[0].Options.Select[0] != "id" {
		t.Errorf("nested = %+v", m)
	}
}

func TestParseQueryErrors(t *testing.T) {
	tests := []struct {
		name, raw, option string
		pos               int
		msg               string
	}{
		{"unknown option", "$foo=1", "$foo", 0, "unknown query option; expected one of $filter, $select, $expand, $orderby, $top, $skip, $count, $search, $skiptoken, $deltatoken, $format"},
		{"duplicate", "$top=1&top=2", "$top", 0, `query option given more than once (as "$top" and "top")`},
		{"repeated", "$top=1&$top=2", "$top", 0, `query option given more than once (as "$top" and "$top")`},
		{"negative top", "$top=-1", "$top", 0, "expected a non-negative integer"},
		{"top letters", "$top=1x", "$top", 1, "expected a non-negative integer"},
		{"empty top", "$top=", "$top", 0, "expected a non-negative integer"},
		{"huge skip", "$skip=99999999999", "$skip", 0, "integer too large; expected at most 2147483647"},
		{"count not strict", "$count=TRUE", "$count", 0, "expected true or false"},
		{"count number", "$count=1", "$count", 0, "expected true or false"},
		{"filter", "$filter=(a eq 1", "$filter", 7, "expected ')', found end of input"},
		{"select empty item", "$select=a,,b", "$select", 2, "expected a property name"},
		{"select bad char", "$select=a,b-c", "$select", 3, "expected a property name"},
		{"select empty segment", "$select=a//b", "$select", 2, "expected a property name"},
		{"select trailing slash", "$select=a/", "$select", 2, "expected a property name"},
		{"select leading digit", "$select=1a", "$select", 0, "expected a property name"},
		{"orderby direction", "$orderby=a sideways", "$orderby", 2, "expected asc, desc, ',' or the end"},
		{"orderby empty", "$orderby=a,", "$orderby", 2, "expected a property path"},
		{"expand unclosed", "$expand=attachments($select=name", "$expand", 24, `expected ')' to close the options of "attachments"`},
		{"expand nested unknown", "$expand=attachments($bogus=1)", "$expand", 12, "expected a nested option such as $select=..., $filter=..., $expand=..., $orderby=..., $top=..., $skip=..., $count=..."},
		{"expand nested filter", "$expand=attachments($filter=size eq)", "$expand", 27, "in nested $filter: unexpected end of filter; expected an expression"},
		{"expand nested top", "$expand=a($select=x;$top=z)", "$expand", 17, "in nested $top: expected a non-negative integer"},
		{"expand doubly nested", "$expand=a($expand=b($filter=x eq))", "$expand", 24, "in nested $filter: unexpected end of filter; expected an expression"},
		{"expand too deep", "$expand=a($expand=a($expand=a($expand=a($expand=a($expand=a)))))", "$expand", 50, "in nested $expand: $expand nested deeper than 5 levels"},
		{"search unterminated", `$search="a" "b`, "$search", 4, `unterminated phrase; expected a closing "`},
		{"search empty", "$search=", "$search", 0, "unexpected end of search; expected a term"},
		{"search position after quote", `$search=  "a OR"`, "$search", 7, "unexpected end of search; expected a term"},
		{"format", "$format=xml", "$format", 0, "unsupported format; expected json"},
		{"skiptoken empty", "$skiptoken=", "$skiptoken", 0, "expected a skip token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseQuery(values(t, tt.raw))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("ParseQuery(%q) = %v, want *SyntaxError", tt.raw, err)
			}
			if se.Option != tt.option || se.Pos != tt.pos || se.Msg != tt.msg {
				t.Errorf("ParseQuery(%q) = %s %q at %d, want %s %q at %d", tt.raw, se.Option, se.Msg, se.Pos, tt.option, tt.msg, tt.pos)
			}
		})
	}
}

func TestParseQueryEmptyValueList(t *testing.T) {
	_, err := ParseQuery(url.Values{"$top": {}})
	var se *SyntaxError
	if !errors.As(err, &se) || se.Option != "$top" || se.Msg != "expected a non-negative integer" {
		t.Errorf("err = %v", err)
	}
	if o, err := ParseQuery(nil); err != nil || o == nil {
		t.Errorf("ParseQuery(nil) = %v, %v", o, err)
	}
}

func TestParseRawQuery(t *testing.T) {
	o, err := ParseRawQuery("$expand=attachments(%24select%3Dname;$top=2)&$filter=subject+eq+%27a%2Bb%27&&$top=3")
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Expand) != 1 || o.Expand[0].Options == nil || o.Expand[0].Options.Top != 2 || o.Expand[0].Options.Select[0] != "name" {
		t.Errorf("expand = %+v", o.Expand)
	}
	if o.Filter.String() != "subject eq 'a+b'" || o.Top != 3 {
		t.Errorf("filter %v top %d", o.Filter, o.Top)
	}
	_, err = ParseRawQuery("$top=1&$filter=a%zz")
	var se *SyntaxError
	if !errors.As(err, &se) || se.Option != "$filter" || se.Pos != 15 {
		t.Errorf("bad escape: %v", err)
	}
}

func cut(s, sep string) (string, string, bool) {
	for i := 0; i+len(sep) <= len(s); i++ {
		if s[i:i+len(sep)] == sep {
			return s[:i], s[i+len(sep):], true
		}
	}
	return s, "", false
}
