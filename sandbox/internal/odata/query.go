package odata

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Options holds the parsed system query options of one request. Zero
// values mean "not given"; HasTop and HasSkip tell an explicit 0 apart.
type Options struct {
	Filter    Expr         // $filter; nil when absent (Eval(nil, doc) is true)
	Select    []string     // $select property names as written; "*" means all
	Expand    []ExpandItem // $expand, with nested options
	OrderBy   []OrderItem  // $orderby keys in order
	Top, Skip int          // $top and $skip, at most 2147483647
	HasTop    bool
	HasSkip   bool
	Count     bool   // $count=true
	Search    string // $search without surrounding double quotes
	// SearchQuery is Search compiled (see CompileSearch); nil without $search.
	SearchQuery *SearchQuery
	SkipToken   string // $skiptoken, opaque; see DecodeSkipToken
	DeltaToken  string // $deltatoken, opaque
}

// ExpandItem is one navigation property of $expand with its nested options,
// as in $expand=attachments($select=name). Options is nil when none are given.
type ExpandItem struct {
	Path    string
	Options *Options
}

// OrderItem is one key of $orderby.
type OrderItem struct {
	Path string
	Desc bool
}

// MaxExpandDepth bounds nesting of $expand options inside $expand.
const MaxExpandDepth = 5

// knownOptions lists the system query options for error messages.
const knownOptions = "$filter, $select, $expand, $orderby, $top, $skip, $count, $search, $skiptoken, $deltatoken, $format"

// isOption reports whether name (lower case, without '$') is a system query
// option; nested ones may also appear inside $expand=nav(...).
func isOption(name string, nested bool) bool {
	switch name {
	case "filter", "select", "expand", "orderby", "top", "skip", "count", "search":
		return true
	case "skiptoken", "deltatoken", "format":
		return !nested
	}
	return false
}

// ParseQuery parses the OData system query options of a request. Names are
// matched without regard to case, with or without the '$' prefix as Graph
// allows; an unknown '$' option is an error while other un-prefixed
// parameters (such as startDateTime) are left to the caller. Every error is a
// *SyntaxError.
func ParseQuery(q url.Values) (*Options, error) {
	o := &Options{}
	seen := make(map[string]string)
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		name, dollar := strings.CutPrefix(key, "$")
		name = strings.ToLower(name)
		if !isOption(name, false) {
			if dollar {
				return nil, &SyntaxError{Option: key, Msg: "unknown query option; expected one of " + knownOptions, Input: key}
			}
			continue
		}
		vals := q[key]
		if len(vals) == 0 {
			vals = []string{""}
		}
		if prev, dup := seen[name]; dup || len(vals) != 1 {
			if !dup {
				prev = key
			}
			return nil, &SyntaxError{Option: "$" + name, Msg: "query option given more than once (as " + strconv.Quote(prev) + " and " + strconv.Quote(key) + ")", Input: vals[len(vals)-1]}
		}
		seen[name] = key
		if err := o.set(name, vals[0], 0); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// ParseRawQuery parses a raw (still percent-encoded) URL query such as
// r.URL.RawQuery. Unlike url.ParseQuery (and so r.URL.Query()), it splits
// only on '&', so the ';' that separates nested $expand options survives.
// '+' decodes to a space, as in url.ParseQuery. Every error is a
// *SyntaxError.
func ParseRawQuery(raw string) (*Options, error) {
	q := url.Values{}
	whole, at := raw, 0
	for raw != "" {
		pair, rest, _ := strings.Cut(raw, "&")
		if pair != "" {
			k, v, _ := strings.Cut(pair, "=")
			key, err := url.QueryUnescape(k)
			if err != nil {
				return nil, &SyntaxError{Pos: at, Msg: "invalid percent-encoding in parameter name", Input: whole}
			}
			val, err := url.QueryUnescape(v)
			if err != nil {
				return nil, &SyntaxError{Option: key, Pos: at + len(k) + 1, Msg: "invalid percent-encoding", Input: whole}
			}
			q.Add(key, val)
		}
		at += len(pair) + 1
		raw = rest
	}
	return ParseQuery(q)
}

// set parses one option value into o; depth counts $expand nesting.
func (o *Options) set(name, v string, depth int) *SyntaxError {
	var err *SyntaxError
	switch name {
	case "filter":
		o.Filter, err = parseFilter(v)
	case "select":
		o.Select, err = parseSelect(v)
	case "expand":
		o.Expand, err = parseExpand(v, depth)
	case "orderby":
		o.OrderBy, err = parseOrderBy(v)
	case "top":
		o.Top, err = parseCount(v)
		o.HasTop = true
	case "skip":
		o.Skip, err = parseCount(v)
		o.HasSkip = true
	case "count":
		switch v {
		case "true":
			o.Count = true
		case "false":
			o.Count = false
		default:
			err = &SyntaxError{Msg: "expected true or false"}
		}
	case "search":
		o.Search, o.SearchQuery, err = parseSearchOption(v)
	case "skiptoken":
		o.SkipToken = v
		if v == "" {
			err = &SyntaxError{Msg: "expected a skip token"}
		}
	case "deltatoken":
		o.DeltaToken = v
		if v == "" {
			err = &SyntaxError{Msg: "expected a delta token"}
		}
	case "format":
		if !strings.EqualFold(v, "json") && !strings.EqualFold(v, "application/json") {
			err = &SyntaxError{Msg: "unsupported format; expected json"}
		}
	}
	if err != nil {
		if err.Option == "" {
			err.Option = "$" + name
			err.Input = v
		}
		return err
	}
	return nil
}

func parseCount(v string) (int, *SyntaxError) {
	if v == "" {
		return 0, &SyntaxError{Msg: "expected a non-negative integer"}
	}
	for i := 0; i < len(v); i++ {
		if !isDigit(v[i]) {
			return 0, &SyntaxError{Pos: i, Msg: "expected a non-negative integer"}
		}
	}
	n, err := strconv.Atoi(v)
	if err != nil || n > 1<<31-1 {
		return 0, &SyntaxError{Msg: "integer too large; expected at most 2147483647"}
	}
	return n, nil
}

// splitTop splits s at sep outside parentheses and single-quoted strings,
// returning the parts with their start offsets.
func splitTop(s string, sep byte) (parts []string, starts []int) {
	depth, start := 0, 0
	quoted := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			quoted = !quoted
		case quoted:
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == sep && depth == 0:
			parts, starts = append(parts, s[start:i]), append(starts, start)
			start = i + 1
		}
	}
	return append(parts, s[start:]), append(starts, start)
}

// trimSpan trims spaces and returns the offset of the first kept byte.
func trimSpan(s string, at int) (string, int) {
	for s != "" && isSpace(s[0]) {
		s, at = s[1:], at+1
	}
	for s != "" && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s, at
}

// checkPath validates a property path: identifiers (qualified names allowed
// for type casts) separated by '/'. It returns the offset of the first bad
// byte, or -1.
func checkPath(p string) int {
	if p == "" {
		return 0
	}
	segStart := true
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '/':
			if segStart {
				return i
			}
			segStart = true
			continue
		case isIdentStart(c) || c == '@' || (!segStart && (isDigit(c) || c == '.')):
		default:
			return i
		}
		segStart = false
	}
	if segStart {
		return len(p)
	}
	return -1
}

func parseSelect(v string) ([]string, *SyntaxError) {
	parts, starts := splitTop(v, ',')
	sel := make([]string, 0, len(parts))
	for i, part := range parts {
		item, at := trimSpan(part, starts[i])
		if item == "*" {
			sel = append(sel, item)
			continue
		}
		if bad := checkPath(item); bad >= 0 {
			return nil, &SyntaxError{Pos: at + bad, Msg: "expected a property name"}
		}
		sel = append(sel, item)
	}
	return sel, nil
}

func parseOrderBy(v string) ([]OrderItem, *SyntaxError) {
	parts, starts := splitTop(v, ',')
	order := make([]OrderItem, 0, len(parts))
	for i, part := range parts {
		item, at := trimSpan(part, starts[i])
		path, dir, _ := strings.Cut(item, " ")
		if bad := checkPath(path); bad >= 0 {
			return nil, &SyntaxError{Pos: at + bad, Msg: "expected a property path"}
		}
		dirText, dirAt := trimSpan(dir, at+len(path)+1)
		oi := OrderItem{Path: path}
		switch strings.ToLower(dirText) {
		case "", "asc":
		case "desc":
			oi.Desc = true
		default:
			return nil, &SyntaxError{Pos: dirAt, Msg: "expected asc, desc, ',' or the end"}
		}
		order = append(order, oi)
	}
	return order, nil
}

func parseExpand(v string, depth int) ([]ExpandItem, *SyntaxError) {
	if depth >= MaxExpandDepth {
		return nil, &SyntaxError{Msg: "$expand nested deeper than " + strconv.Itoa(MaxExpandDepth) + " levels"}
	}
	parts, starts := splitTop(v, ',')
	items := make([]ExpandItem, 0, len(parts))
	for i, part := range parts {
		item, at := trimSpan(part, starts[i])
		path, nested, hasNested := strings.Cut(item, "(")
		path = strings.TrimRight(path, " \t")
		ei := ExpandItem{Path: path}
		if path != "*" {
			if bad := checkPath(path); bad >= 0 {
				return nil, &SyntaxError{Pos: at + bad, Msg: "expected a navigation property name"}
			}
		}
		if hasNested {
			open := at + len(item) - len(nested) - 1
			if !strings.HasSuffix(nested, ")") || !balanced(nested[:len(nested)-1]) {
				return nil, &SyntaxError{Pos: at + len(item), Msg: "expected ')' to close the options of " + strconv.Quote(path)}
			}
			opts, err := parseNested(nested[:len(nested)-1], open+1, depth)
			if err != nil {
				return nil, err
			}
			ei.Options = opts
		}
		items = append(items, ei)
	}
	return items, nil
}

// balanced reports whether parentheses outside quotes balance in s.
func balanced(s string) bool {
	depth := 0
	quoted := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			quoted = !quoted
		case quoted:
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0 && !quoted
}

// parseNested parses "$select=a;$filter=b" found at offset base of the
// enclosing $expand value; errors are reported against that value.
func parseNested(s string, base, depth int) (*Options, *SyntaxError) {
	o := &Options{}
	parts, starts := splitTop(s, ';')
	seen := make(map[string]bool)
	for i, part := range parts {
		item, at := trimSpan(part, base+starts[i])
		key, val, ok := strings.Cut(item, "=")
		name := strings.ToLower(strings.TrimPrefix(key, "$"))
		if !ok || !isOption(name, true) {
			return nil, &SyntaxError{Pos: at, Msg: "expected a nested option such as $select=..., $filter=..., $expand=..., $orderby=..., $top=..., $skip=..., $count=..."}
		}
		if seen[name] {
			return nil, &SyntaxError{Pos: at, Msg: "nested option $" + name + " given more than once"}
		}
		seen[name] = true
		if err := o.set(name, val, depth+1); err != nil {
			valAt := at + len(key) + 1
			// Only the innermost level names the option that failed.
			if !strings.HasPrefix(err.Msg, "in nested ") {
				err.Msg = "in nested " + err.Option + ": " + err.Msg
			}
			err.Option = ""
			err.Pos += valAt
			err.Input = ""
			return nil, err
		}
	}
	return o, nil
}

// parseSearchOption removes the double quotes Graph wants around a
// $search value and compiles what they hold. The quoted forms Graph
// accepts: "pizza"; clauses quoted one by one, "displayName:wa" OR
// "mail:wa" (kept as they are); and one quoted value whose own quotes and
// backslashes are escaped with a backslash (OData 4.01), as clients build
// it from such clauses: "\"budget\" OR \"x\"".
func parseSearchOption(v string) (string, *SearchQuery, *SyntaxError) {
	s, at := trimSpan(v, 0)
	if inner, ok := unquoteSearch(s); ok {
		s, at = inner, at+1
	}
	q, err := compileSearch(s)
	if err != nil {
		err.Pos += at // report against the value as received
		return "", nil, err
	}
	return s, q, nil
}

// unquoteSearch returns what the double-quoted value s holds, with \" and
// \\ unescaped; ok is false when s is not one quoted value (an unescaped
// quote inside ends it early).
func unquoteSearch(s string) (string, bool) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", false
	}
	inner := s[1 : len(s)-1]
	if !strings.ContainsAny(inner, `"\`) {
		return inner, true
	}
	var b strings.Builder
	for i := 0; i < len(inner); i++ {
		switch c := inner[i]; {
		case c == '"':
			return "", false
		case c == '\\' && i+1 < len(inner) && (inner[i+1] == '"' || inner[i+1] == '\\'):
			b.WriteByte(inner[i+1])
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}
