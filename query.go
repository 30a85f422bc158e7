package o365

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// ErrInvalidQuery is wrapped by every error a Query reports: a bad property path,
// a literal that OData cannot express, a negative $top. Query.Err and the request
// that carries the query return it before anything is sent.
var ErrInvalidQuery = errors.New("o365: invalid query")

// Query holds the OData options of a request ($select, $expand, $filter,
// $orderby, $search, $top, $skip, $count), extra parameters and the client-side
// item limit of a paged loop. Build one with NewQuery and the chained setters;
// property names are written in the Go models' camelCase and cased for the wire
// by the protocol when the query is encoded.
//
// Setters record the first mistake instead of failing at once, so a chain stays a
// single expression; Err reports it. A nil *Query is a valid empty query.
type Query struct {
	selects   []string
	expands   []string
	filters   []Filter
	orderBy   []orderTerm
	search    string
	hasSearch bool
	top       int
	skip      int
	count     bool
	max       int
	params    url.Values
	err       error
}

type orderTerm struct {
	field string
	desc  bool
}

// NewQuery returns an empty query.
func NewQuery() *Query { return &Query{} }

func (q *Query) fail(format string, args ...any) {
	if q.err == nil {
		q.err = fmt.Errorf("%w: "+format, append([]any{ErrInvalidQuery}, args...)...)
	}
}

// Select adds properties to $select. A field may list several, comma separated,
// and may be a path ("from/emailAddress").
func (q *Query) Select(fields ...string) *Query {
	if q == nil {
		q = NewQuery()
	}
	for _, f := range fields {
		for _, s := range strings.Split(f, ",") {
			s = strings.TrimSpace(s)
			if err := checkPath(s); err != nil {
				q.fail("$select: %v", err)
				continue
			}
			q.selects = append(q.selects, s)
		}
	}
	return q
}

// Expand adds navigation properties to $expand. An item may carry nested options
// in parentheses ("attachments($select=name)"); the property before them is cased
// by the protocol, the options are sent as written.
func (q *Query) Expand(items ...string) *Query {
	if q == nil {
		q = NewQuery()
	}
	for _, it := range items {
		it = strings.TrimSpace(it)
		path, _, _ := strings.Cut(it, "(")
		if err := checkPath(path); err != nil {
			q.fail("$expand: %v", err)
			continue
		}
		if strings.Contains(it, "(") && !strings.HasSuffix(it, ")") {
			q.fail("$expand: unbalanced parentheses in %q", it)
			continue
		}
		q.expands = append(q.expands, it)
	}
	return q
}

// Filter adds a condition to $filter; the conditions of several calls are joined
// with "and". A nil filter and an And() with no operands add nothing.
func (q *Query) Filter(f Filter) *Query {
	if q == nil {
		q = NewQuery()
	}
	if f == nil {
		return q
	}
	if l, ok := f.(logicFilter); ok && l.op == "and" && len(l.operands()) == 0 {
		return q
	}
	q.filters = append(q.filters, f)
	return q
}

// OrderBy adds an ascending sort key to $orderby.
func (q *Query) OrderBy(field string) *Query { return q.order(field, false) }

// OrderByDesc adds a descending sort key to $orderby.
func (q *Query) OrderByDesc(field string) *Query { return q.order(field, true) }

func (q *Query) order(field string, desc bool) *Query {
	if q == nil {
		q = NewQuery()
	}
	field = strings.TrimSpace(field)
	if err := checkPath(field); err != nil {
		q.fail("$orderby: %v", err)
		return q
	}
	q.orderBy = append(q.orderBy, orderTerm{field, desc})
	return q
}

// Search sets $search to s in double quotes, as Graph requires; quotes and
// backslashes inside s are escaped. s may carry a property prefix
// ("displayName:wa") or KQL ("from:alice"). Graph answers $search only with
// ConsistencyLevel: eventual for directory objects, which the request sends.
func (q *Query) Search(s string) *Query {
	if q == nil {
		q = NewQuery()
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	q.search, q.hasSearch = `"`+r.Replace(s)+`"`, true
	return q
}

// SearchRaw sets $search verbatim, for expressions that combine quoted clauses:
// `"displayName:wa" OR "mail:wa"`. The caller quotes and escapes.
func (q *Query) SearchRaw(expr string) *Query {
	if q == nil {
		q = NewQuery()
	}
	q.search, q.hasSearch = expr, true
	return q
}

// Top sets the page size ($top). It is capped at the protocol's MaxTop when the
// query is encoded; 0 leaves the service's default.
func (q *Query) Top(n int) *Query {
	if q == nil {
		q = NewQuery()
	}
	if n < 0 {
		q.fail("$top %d is negative", n)
		return q
	}
	q.top = n
	return q
}

// Skip sets $skip.
func (q *Query) Skip(n int) *Query {
	if q == nil {
		q = NewQuery()
	}
	if n < 0 {
		q.fail("$skip %d is negative", n)
		return q
	}
	q.skip = n
	return q
}

// Count asks for the total count ($count=true). Graph counts directory objects
// only with ConsistencyLevel: eventual, which the request then sends.
func (q *Query) Count() *Query {
	if q == nil {
		q = NewQuery()
	}
	q.count = true
	return q
}

// Limit caps the number of items a paged loop yields, across pages; 0 means no
// cap. When it is below the page size, the page size is lowered to match, so no
// more is fetched than is wanted.
func (q *Query) Limit(n int) *Query {
	if q == nil {
		q = NewQuery()
	}
	if n < 0 {
		q.fail("limit %d is negative", n)
		return q
	}
	q.max = n
	return q
}

// managedParams are the options with a setter of their own; Param refuses them so
// that a query cannot carry two different values of one option.
var managedParams = []string{"$select", "$expand", "$filter", "$orderby", "$search", "$top", "$skip", "$count"}

// Param adds a parameter sent as is, such as startDateTime for calendarView or
// $skiptoken. Parameters with a setter of their own ($filter ...) are refused.
func (q *Query) Param(key, value string) *Query {
	if q == nil {
		q = NewQuery()
	}
	if key == "" || slices.Contains(managedParams, strings.ToLower(key)) {
		q.fail("Param(%q): use the Query method for this option", key)
		return q
	}
	if q.params == nil {
		q.params = url.Values{}
	}
	q.params.Add(key, value)
	return q
}

// Err reports the first mistake in the query: one recorded by a setter, or a
// filter that cannot be rendered (an invalid property path, NaN, an empty Or).
func (q *Query) Err() error {
	_, err := q.encode(nil)
	return err
}

// String returns the encoded query string for p (nil: Microsoft Graph), as it
// appears in the request URL. An invalid query renders as "<invalid query: ...>".
func (q *Query) String(p *Protocol) string {
	v, err := q.encode(p)
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return encodeQuery(v)
}

// encode renders the query's parameters for p; nil p means Microsoft Graph.
func (q *Query) encode(p *Protocol) (url.Values, error) {
	if q == nil {
		return nil, nil
	}
	if q.err != nil {
		return nil, q.err
	}
	v := url.Values{}
	for k, vs := range q.params {
		v[k] = slices.Clone(vs)
	}
	if len(q.selects) > 0 {
		s := make([]string, len(q.selects))
		for i, f := range q.selects {
			s[i] = caseKey(p, f)
		}
		v.Set("$select", strings.Join(s, ","))
	}
	if len(q.expands) > 0 {
		s := make([]string, len(q.expands))
		for i, it := range q.expands {
			path, rest, _ := strings.Cut(it, "(")
			s[i] = caseKey(p, path)
			if rest != "" {
				s[i] += "(" + rest
			}
		}
		v.Set("$expand", strings.Join(s, ","))
	}
	if len(q.filters) > 0 {
		f := q.filters[0]
		if len(q.filters) > 1 {
			f = And(q.filters...)
		}
		s, err := renderFilter(f, p)
		if err != nil {
			return nil, err
		}
		v.Set("$filter", s)
	}
	if len(q.orderBy) > 0 {
		s := make([]string, len(q.orderBy))
		for i, o := range q.orderBy {
			s[i] = caseKey(p, o.field)
			if o.desc {
				s[i] += " desc"
			}
		}
		v.Set("$orderby", strings.Join(s, ","))
	}
	if q.hasSearch {
		v.Set("$search", q.search)
	}
	top := q.top
	if q.max > 0 && (top == 0 || top > q.max) {
		top = q.max
	}
	if maxTop := protocolMaxTop(p); top > maxTop {
		top = maxTop
	}
	if top > 0 {
		v.Set("$top", strconv.Itoa(top))
	}
	if q.skip > 0 {
		v.Set("$skip", strconv.Itoa(q.skip))
	}
	if q.count {
		v.Set("$count", "true")
	}
	return v, nil
}

// eventual reports whether the query needs ConsistencyLevel: eventual.
func (q *Query) eventual() bool { return q != nil && (q.count || q.hasSearch) }

// DirectoryAdvanced reports whether Microsoft Graph's directory (users,
// groups, their members ...) answers q only as an advanced query: with
// $search or $count, a $filter using ne, not or endsWith, or $orderby
// together with $filter. Graph serves those only with ConsistencyLevel:
// eventual and $count=true; a service package adds Count when this is true
// (see https://learn.microsoft.com/graph/aad-advanced-queries).
func (q *Query) DirectoryAdvanced() bool {
	if q == nil {
		return false
	}
	if q.count || q.hasSearch || len(q.filters) > 0 && len(q.orderBy) > 0 {
		return true
	}
	for _, f := range q.filters {
		if advancedFilter(f) {
			return true
		}
	}
	return false
}

// advancedFilter reports whether f uses an operator the directory serves
// only as an advanced query.
func advancedFilter(f Filter) bool {
	switch f := f.(type) {
	case cmpFilter:
		return f.op == "ne"
	case notFilter:
		return true
	case funcFilter:
		return f.name == "endswith"
	case logicFilter:
		return slices.ContainsFunc(f.fs, advancedFilter)
	case lambdaFilter:
		return f.f != nil && advancedFilter(f.f)
	case rawFilter:
		s := " " + strings.ToLower(string(f)) + " "
		return strings.Contains(s, " ne ") || strings.Contains(s, " not ") || strings.Contains(s, "not(") || strings.Contains(s, "endswith(")
	}
	return false
}

// limit returns the client-side item cap, 0 for none.
func (q *Query) limit() int {
	if q == nil {
		return 0
	}
	return q.max
}

// Clone returns a copy of q that can be changed without affecting q; nil stays
// nil. Service packages use it to add options to a caller's query.
func (q *Query) Clone() *Query { return q.clone() }

// clone returns a deep copy; filters are immutable and shared.
func (q *Query) clone() *Query {
	if q == nil {
		return nil
	}
	c := *q
	c.selects = slices.Clone(q.selects)
	c.expands = slices.Clone(q.expands)
	c.filters = slices.Clone(q.filters)
	c.orderBy = slices.Clone(q.orderBy)
	if q.params != nil {
		c.params = url.Values{}
		for k, vs := range q.params {
			c.params[k] = slices.Clone(vs)
		}
	}
	return &c
}

func protocolMaxTop(p *Protocol) int {
	if p == nil {
		return defaultGraphMaxTop
	}
	return p.maxTop()
}

func caseKey(p *Protocol, k string) string {
	if p == nil || p.camelWire() {
		return k
	}
	return p.CaseKey(k)
}

// checkPath accepts property paths made of identifiers joined by "/": letters,
// digits, "_" and "." (type casts such as microsoft.graph.user), and a leading "$"
// for system segments ($count). Anything else could change the meaning of the
// OData expression it is pasted into.
func checkPath(path string) error {
	if path == "" {
		return errors.New("empty property name")
	}
	for _, seg := range strings.Split(path, "/") {
		if seg == "" {
			return fmt.Errorf("empty segment in property path %q", path)
		}
		for i, r := range seg {
			ok := r == '_' || unicode.IsLetter(r) ||
				(i > 0 && (unicode.IsDigit(r) || r == '.')) || (i == 0 && r == '$')
			if !ok {
				return fmt.Errorf("invalid character %q in property path %q", r, path)
			}
		}
	}
	return nil
}

// Filter is a $filter condition, built by Eq, And, Any, RawFilter and their
// siblings and rendered when the query is encoded, with property names in the
// protocol's case. Filters are immutable values; reuse them freely.
type Filter interface {
	// prec is the OData precedence of the rendered expression; the parent adds
	// parentheses when it binds tighter.
	prec() int
	render(b *strings.Builder, c *renderCtx) error
}

// OData operator precedence, loosest first.
const (
	precRaw = iota // unknown: always parenthesised when combined
	precOr
	precAnd
	precCmp
	precNot
	precPrimary
)

type renderCtx struct {
	p    *Protocol
	vars []string // lambda variables in scope
}

func renderFilter(f Filter, p *Protocol) (string, error) {
	var b strings.Builder
	if err := f.render(&b, &renderCtx{p: p}); err != nil {
		return "", err
	}
	return b.String(), nil
}

// field validates and cases a property path; a leading lambda variable is kept.
func (c *renderCtx) field(path string) (string, error) {
	if err := checkPath(path); err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalidQuery, err)
	}
	head, rest, hasRest := strings.Cut(path, "/")
	if slices.Contains(c.vars, head) {
		if !hasRest {
			return head, nil
		}
		return head + "/" + caseKey(c.p, rest), nil
	}
	return caseKey(c.p, path), nil
}

func renderOperand(b *strings.Builder, c *renderCtx, f Filter, minPrec int) error {
	if f == nil {
		return fmt.Errorf("%w: nil filter operand", ErrInvalidQuery)
	}
	if f.prec() >= minPrec {
		return f.render(b, c)
	}
	b.WriteByte('(')
	if err := f.render(b, c); err != nil {
		return err
	}
	b.WriteByte(')')
	return nil
}

type cmpFilter struct {
	op, field string
	value     any
}

func (f cmpFilter) prec() int { return precCmp }

func (f cmpFilter) render(b *strings.Builder, c *renderCtx) error {
	name, err := c.field(f.field)
	if err != nil {
		return err
	}
	lit, err := literal(f.value)
	if err != nil {
		return fmt.Errorf("%w: %s %s: %v", ErrInvalidQuery, f.field, f.op, err)
	}
	b.WriteString(name)
	b.WriteString(" " + f.op + " ")
	b.WriteString(lit)
	return nil
}

// Eq is "field eq value". Values are rendered as OData literals: strings quoted
// and escapes (” for '), numbers in plain decimal, bools, nil as null, time.Time
// in UTC (2024-01-02T03:04:05Z), GUID bare, Enum with its type; types derived
// from string, int, float and bool, and pointers to all of these, too.
func Eq(field string, value any) Filter { return cmpFilter{"eq", field, value} }

// Ne is "field ne value"; see Eq for literals.
func Ne(field string, value any) Filter { return cmpFilter{"ne", field, value} }

// Gt is "field gt value"; see Eq for literals.
func Gt(field string, value any) Filter { return cmpFilter{"gt", field, value} }

// Ge is "field ge value"; see Eq for literals.
func Ge(field string, value any) Filter { return cmpFilter{"ge", field, value} }

// Lt is "field lt value"; see Eq for literals.
func Lt(field string, value any) Filter { return cmpFilter{"lt", field, value} }

// Le is "field le value"; see Eq for literals.
func Le(field string, value any) Filter { return cmpFilter{"le", field, value} }

type inFilter struct {
	field  string
	values []any
}

// In is "field in (v1,v2,...)". A slice argument ([]string, []int ...) supplies
// its elements. An empty list is an error: OData cannot express it.
func In(field string, values ...any) Filter { return inFilter{field, values} }

func (f inFilter) prec() int { return precCmp }

func (f inFilter) render(b *strings.Builder, c *renderCtx) error {
	name, err := c.field(f.field)
	if err != nil {
		return err
	}
	var lits []string
	for _, v := range f.values {
		rv := reflect.ValueOf(v)
		if v != nil && (rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array) && rv.Type().Elem().Kind() != reflect.Uint8 {
			for i := range rv.Len() {
				l, err := literal(rv.Index(i).Interface())
				if err != nil {
					return fmt.Errorf("%w: %s in: %v", ErrInvalidQuery, f.field, err)
				}
				lits = append(lits, l)
			}
			continue
		}
		l, err := literal(v)
		if err != nil {
			return fmt.Errorf("%w: %s in: %v", ErrInvalidQuery, f.field, err)
		}
		lits = append(lits, l)
	}
	if len(lits) == 0 {
		return fmt.Errorf("%w: %s in: no values", ErrInvalidQuery, f.field)
	}
	b.WriteString(name + " in (" + strings.Join(lits, ",") + ")")
	return nil
}

type logicFilter struct {
	op string // "and" or "or"
	fs []Filter
}

// And joins conditions with "and", adding parentheses around operands that bind
// looser (an Or). Nil operands are skipped. And() with no operands adds nothing
// to a Query, and is an error inside another condition.
func And(fs ...Filter) Filter { return logicFilter{"and", fs} }

// Or joins conditions with "or". Nil operands are skipped; an Or with no
// operands matches nothing and is reported as an error.
func Or(fs ...Filter) Filter { return logicFilter{"or", fs} }

func (f logicFilter) operands() []Filter {
	var out []Filter
	for _, x := range f.fs {
		if x != nil {
			out = append(out, x)
		}
	}
	return out
}

func (f logicFilter) prec() int {
	ops := f.operands()
	if len(ops) == 1 {
		return ops[0].prec()
	}
	if f.op == "and" {
		return precAnd
	}
	return precOr
}

func (f logicFilter) render(b *strings.Builder, c *renderCtx) error {
	ops := f.operands()
	if len(ops) == 0 {
		return fmt.Errorf("%w: %s() without operands", ErrInvalidQuery, f.op)
	}
	minPrec := precAnd
	if f.op == "or" {
		minPrec = precOr
	}
	for i, x := range ops {
		if i > 0 {
			b.WriteString(" " + f.op + " ")
		}
		// A single operand takes the place of the And/Or itself.
		if len(ops) == 1 {
			return x.render(b, c)
		}
		if err := renderOperand(b, c, x, minPrec); err != nil {
			return err
		}
	}
	return nil
}

type notFilter struct{ f Filter }

// Not negates a condition: "not startswith(...)", "not (a eq 1)".
func Not(f Filter) Filter { return notFilter{f} }

func (f notFilter) prec() int { return precNot }

func (f notFilter) render(b *strings.Builder, c *renderCtx) error {
	b.WriteString("not ")
	return renderOperand(b, c, f.f, precNot)
}

type funcFilter struct{ name, field, s string }

// Contains is "contains(field,'s')".
func Contains(field, s string) Filter { return funcFilter{"contains", field, s} }

// StartsWith is "startswith(field,'s')".
func StartsWith(field, s string) Filter { return funcFilter{"startswith", field, s} }

// EndsWith is "endswith(field,'s')". Graph accepts it on directory objects only
// as an advanced query ($count and ConsistencyLevel: eventual).
func EndsWith(field, s string) Filter { return funcFilter{"endswith", field, s} }

func (f funcFilter) prec() int { return precPrimary }

func (f funcFilter) render(b *strings.Builder, c *renderCtx) error {
	name, err := c.field(f.field)
	if err != nil {
		return err
	}
	b.WriteString(f.name + "(" + name + "," + quote(f.s) + ")")
	return nil
}

type lambdaFilter struct {
	kind, collection, variable string
	f                          Filter
}

// Any is "collection/any(variable:f)": true when some element matches. Inside f,
// paths start with the variable ("r/emailAddress/address", or "r" alone for a
// collection of primitives); the variable is kept verbatim and the rest cased. A
// nil f renders "collection/any()": the collection is not empty.
func Any(collection, variable string, f Filter) Filter {
	return lambdaFilter{"any", collection, variable, f}
}

// All is "collection/all(variable:f)": true when every element matches; see Any.
func All(collection, variable string, f Filter) Filter {
	return lambdaFilter{"all", collection, variable, f}
}

func (f lambdaFilter) prec() int { return precPrimary }

func (f lambdaFilter) render(b *strings.Builder, c *renderCtx) error {
	coll, err := c.field(f.collection)
	if err != nil {
		return err
	}
	if f.f == nil {
		if f.kind == "all" {
			return fmt.Errorf("%w: %s/all needs a condition", ErrInvalidQuery, f.collection)
		}
		b.WriteString(coll + "/any()")
		return nil
	}
	if !isIdent(f.variable) {
		return fmt.Errorf("%w: lambda variable %q is not an identifier", ErrInvalidQuery, f.variable)
	}
	b.WriteString(coll + "/" + f.kind + "(" + f.variable + ":")
	inner := &renderCtx{p: c.p, vars: append(slices.Clone(c.vars), f.variable)}
	if err := f.f.render(b, inner); err != nil {
		return err
	}
	b.WriteByte(')')
	return nil
}

func isIdent(s string) bool {
	for i, r := range s {
		if !(r == '_' || unicode.IsLetter(r) || (i > 0 && unicode.IsDigit(r))) {
			return false
		}
	}
	return s != ""
}

type rawFilter string

// RawFilter is an escape hatch: s is pasted into $filter as written, in the
// wire's case, and wrapped in parentheses when combined with other conditions.
// Never build s from untrusted input; use the typed constructors for that.
func RawFilter(s string) Filter { return rawFilter(s) }

func (f rawFilter) prec() int { return precRaw }

func (f rawFilter) render(b *strings.Builder, _ *renderCtx) error {
	if strings.TrimSpace(string(f)) == "" {
		return fmt.Errorf("%w: empty RawFilter", ErrInvalidQuery)
	}
	b.WriteString(string(f))
	return nil
}

// GUID is an Edm.Guid literal, rendered bare (no quotes) in filters. It must be
// in the 8-4-4-4-12 hexadecimal form.
type GUID string

// Enum is an enumeration literal: with a Type it renders as
// microsoft.graph.importance'high', without one as the plain string 'high'.
type Enum struct {
	Type  string
	Value string
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// literal renders v as an OData literal; callers wrap its errors with the
// property they concern.
func literal(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "null", nil
	case string:
		return quote(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano), nil
	case time.Duration:
		return "", errors.New("time.Duration has no OData literal here; pass a number or a string")
	case GUID:
		if !isGUID(string(x)) {
			return "", fmt.Errorf("%q is not a GUID", string(x))
		}
		return string(x), nil
	case Enum:
		if x.Type == "" {
			return quote(x.Value), nil
		}
		for _, seg := range strings.Split(x.Type, ".") {
			if !isIdent(seg) {
				return "", fmt.Errorf("enum type %q is not a qualified name", x.Type)
			}
		}
		return x.Type + quote(x.Value), nil
	case float64:
		return formatFloat(x, 64)
	case float32:
		return formatFloat(float64(x), 32)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return "null", nil
		}
		return literal(rv.Elem().Interface())
	case reflect.String:
		return quote(rv.String()), nil
	case reflect.Bool:
		return strconv.FormatBool(rv.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(rv.Uint(), 10), nil
	case reflect.Float32:
		return formatFloat(rv.Float(), 32)
	case reflect.Float64:
		return formatFloat(rv.Float(), 64)
	}
	return "", fmt.Errorf("no OData literal for %T", v)
}

// formatFloat writes plain decimal notation: Graph's parser rejects some
// exponent forms, and NaN and infinities have no portable literal at all.
func formatFloat(f float64, bits int) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", fmt.Errorf("%v has no OData literal", f)
	}
	return strconv.FormatFloat(f, 'f', -1, bits), nil
}

func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
			continue
		}
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
