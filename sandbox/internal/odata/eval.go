package odata

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

type kind uint8

const (
	kNull kind = iota
	kBool
	kNum
	kStr
	kTime // an instant
	kDate // a calendar date, held as midnight UTC
	kObj
	kColl
)

func (k kind) String() string {
	switch k {
	case kBool:
		return "boolean"
	case kNum:
		return "number"
	case kStr:
		return "string"
	case kTime:
		return "DateTimeOffset"
	case kDate:
		return "Date"
	case kObj:
		return "object"
	case kColl:
		return "collection"
	}
	return "null"
}

// value is an evaluated operand. It is small and passed by value, so
// evaluation does not allocate.
type value struct {
	k kind
	b bool
	n float64
	s string
	// ref holds a collection ([]any) or an instant: a *time.Time that points
	// into a Literal, or a time.Time found in a document. Both reuse memory
	// that already exists, so building a value never allocates.
	ref any
}

func (v value) coll() []any {
	c, _ := v.ref.([]any)
	return c
}

func (v value) time() time.Time {
	switch t := v.ref.(type) {
	case *time.Time:
		return *t
	case time.Time:
		return t
	}
	return time.Time{}
}

var nullValue = value{}

func boolValue(b bool) value { return value{k: kBool, b: b} }

// fromJSON converts a decoded JSON value (or a Go number) to a value.
func fromJSON(x any) value {
	switch v := x.(type) {
	case nil:
		return nullValue
	case string:
		return value{k: kStr, s: v}
	case bool:
		return boolValue(v)
	case float64:
		return value{k: kNum, n: v}
	case json.Number:
		if f, err := strconv.ParseFloat(string(v), 64); err == nil {
			return value{k: kNum, n: f}
		}
		return value{k: kStr, s: string(v)}
	case int:
		return value{k: kNum, n: float64(v)}
	case int64:
		return value{k: kNum, n: float64(v)}
	case int32:
		return value{k: kNum, n: float64(v)}
	case float32:
		return value{k: kNum, n: float64(v)}
	case uint64:
		return value{k: kNum, n: float64(v)}
	case map[string]any:
		return value{k: kObj}
	case []any:
		return value{k: kColl, ref: x}
	case []string:
		col := make([]any, len(v))
		for i, s := range v {
			col[i] = s
		}
		return value{k: kColl, ref: col}
	case time.Time:
		return value{k: kTime, ref: x}
	}
	return nullValue
}

func fromLiteral(l *Literal) value {
	switch l.Kind {
	case LitBool:
		return boolValue(l.Bool)
	case LitInt:
		return value{k: kNum, n: float64(l.Int)}
	case LitFloat:
		return value{k: kNum, n: l.Float}
	case LitString, LitGUID, LitEnum:
		return value{k: kStr, s: l.Text}
	case LitDateTimeOffset:
		return value{k: kTime, ref: &l.Time}
	case LitDate:
		return value{k: kDate, ref: &l.Time}
	}
	return nullValue
}

// Eval reports whether doc satisfies the filter. A nil filter matches every
// document. A null result (for example a comparison with a missing
// property) does not match. Type errors, such as comparing a string property
// with a number, are returned as *EvalError.
func Eval(e Expr, doc map[string]any) (bool, error) {
	if e == nil {
		return true, nil
	}
	ev := evaluator{doc: doc}
	v, err := ev.eval(e)
	if err != nil {
		return false, err
	}
	switch v.k {
	case kBool:
		return v.b, nil
	case kNull:
		return false, nil
	}
	return false, &EvalError{Expr: e.String(), Msg: "the filter is " + v.k.withArticle() + ", expected a boolean"}
}

type binding struct {
	name string
	v    any
}

type evaluator struct {
	doc  map[string]any
	vars []binding
}

func typeError(e Expr, msg string) *EvalError {
	return &EvalError{Expr: e.String(), Msg: msg}
}

func (ev *evaluator) eval(e Expr) (value, error) {
	switch e := e.(type) {
	case *Literal:
		return fromLiteral(e), nil
	case *PathExpr:
		return ev.path(e)
	case *BinaryExpr:
		return ev.binary(e)
	case *NotExpr:
		v, err := ev.eval(e.Operand)
		if err != nil {
			return nullValue, err
		}
		switch v.k {
		case kNull:
			return nullValue, nil
		case kBool:
			return boolValue(!v.b), nil
		}
		return nullValue, typeError(e, "not needs a boolean, found "+v.k.withArticle())
	case *InExpr:
		return ev.in(e)
	case *CallExpr:
		return ev.call(e)
	case *LambdaExpr:
		return ev.lambda(e)
	}
	return nullValue, &EvalError{Msg: "unknown expression type"}
}

func (ev *evaluator) path(p *PathExpr) (value, error) {
	var cur any = ev.doc
	if p.Var != "" {
		for i := len(ev.vars) - 1; i >= 0; i-- {
			if ev.vars[i].name == p.Var {
				cur = ev.vars[i].v
				break
			}
		}
	}
	for i, seg := range p.Segments {
		switch v := cur.(type) {
		case nil:
			return nullValue, nil
		case map[string]any:
			if strings.IndexByte(seg, '.') >= 0 {
				// A qualified name is a type cast: it keeps the object
				// when its @odata.type matches and yields null otherwise.
				if t, _ := v["@odata.type"].(string); !strings.EqualFold(strings.TrimPrefix(t, "#"), seg) {
					return nullValue, nil
				}
				continue
			}
			cur = lookupKey(v, seg)
		case []any:
			if seg == "$count" {
				return value{k: kNum, n: float64(len(v))}, nil
			}
			return nullValue, typeError(p, p.prefix(i)+" is a collection; use any() or all() to reach "+seg)
		default:
			return nullValue, typeError(p, p.prefix(i)+" is not an object")
		}
	}
	return fromJSON(cur), nil
}

// prefix renders the path up to, not including, segment i.
func (p *PathExpr) prefix(i int) string {
	return (&PathExpr{Var: p.Var, Segments: p.Segments[:i]}).String()
}

// lookupKey finds a property by exact name, then ignoring case.
func lookupKey(m map[string]any, key string) any {
	if v, ok := m[key]; ok {
		return v
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return nil
}

// Lookup resolves a '/'-separated property path in doc, ignoring the case of
// property names. It reports false when a segment is missing or a non-object
// is traversed.
func Lookup(doc map[string]any, path string) (any, bool) {
	var cur any = doc
	for path != "" {
		var seg string
		seg, path, _ = strings.Cut(path, "/")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[seg]; !ok {
			found := false
			for k, v := range m {
				if strings.EqualFold(k, seg) {
					cur, found = v, true
					break
				}
			}
			if !found {
				return nil, false
			}
		}
	}
	return cur, true
}

func (ev *evaluator) binary(e *BinaryExpr) (value, error) {
	switch e.Op {
	case OpAnd, OpOr:
		return ev.logical(e)
	}
	l, err := ev.eval(e.Left)
	if err != nil {
		return nullValue, err
	}
	r, err := ev.eval(e.Right)
	if err != nil {
		return nullValue, err
	}
	if e.Op == OpHas {
		return has(e, l, r)
	}
	return compareOp(e, e.Op, l, r)
}

// logical implements and/or with OData's three-valued null logic and
// short-circuits where the result is already decided.
func (ev *evaluator) logical(e *BinaryExpr) (value, error) {
	decisive := e.Op == OpOr // true decides or, false decides and
	l, err := ev.eval(e.Left)
	if err != nil {
		return nullValue, err
	}
	if l.k != kBool && l.k != kNull {
		return nullValue, typeError(e, string(e.Op)+" needs booleans, found "+l.k.withArticle())
	}
	if l.k == kBool && l.b == decisive {
		return l, nil
	}
	r, err := ev.eval(e.Right)
	if err != nil {
		return nullValue, err
	}
	if r.k != kBool && r.k != kNull {
		return nullValue, typeError(e, string(e.Op)+" needs booleans, found "+r.k.withArticle())
	}
	if r.k == kBool && r.b == decisive {
		return r, nil
	}
	if l.k == kNull || r.k == kNull {
		return nullValue, nil
	}
	return boolValue(!decisive), nil
}

func compareOp(e Expr, op BinaryOp, l, r value) (value, error) {
	if l.k == kNull || r.k == kNull {
		both := l.k == r.k
		switch op {
		case OpEq:
			return boolValue(both), nil
		case OpNe:
			return boolValue(!both), nil
		}
		return boolValue(false), nil
	}
	c, ok := compareValues(l, r)
	if !ok {
		return nullValue, typeError(e, string(op)+" cannot compare "+l.k.withArticle()+" with "+r.k.withArticle()+describeMismatch(l, r))
	}
	var b bool
	switch op {
	case OpEq:
		b = c == 0
	case OpNe:
		b = c != 0
	case OpGt:
		b = c > 0
	case OpGe:
		b = c >= 0
	case OpLt:
		b = c < 0
	case OpLe:
		b = c <= 0
	}
	return boolValue(b), nil
}

func describeMismatch(l, r value) string {
	for _, v := range [2]value{l, r} {
		if v.k == kStr {
			return " (value " + strconv.Quote(v.s) + ")"
		}
	}
	return ""
}

// compareValues orders two non-null values; ok is false when they cannot be
// compared. Strings compare without regard to case.
func compareValues(l, r value) (int, bool) {
	if isTimeKind(l.k) || isTimeKind(r.k) {
		lt, ok1 := asTime(l, r.k)
		rt, ok2 := asTime(r, l.k)
		if !ok1 || !ok2 {
			return 0, false
		}
		return lt.Compare(rt), true
	}
	switch {
	case l.k == kStr && r.k == kStr:
		return compareFold(l.s, r.s), true
	case l.k == kNum && r.k == kNum:
		return cmpFloat(l.n, r.n), true
	case l.k == kBool && r.k == kBool:
		return cmpBool(l.b, r.b), true
	}
	return 0, false
}

func isTimeKind(k kind) bool { return k == kTime || k == kDate }

// asTime reads v as an instant. A string property is read as the kind of
// the value it is compared with: against a Date, a full timestamp counts as
// its UTC day; against a DateTimeOffset, a bare date is midnight UTC.
func asTime(v value, other kind) (time.Time, bool) {
	switch v.k {
	case kTime, kDate:
		return v.time(), true
	case kStr:
	default:
		return time.Time{}, false
	}
	if t, ok := parseDate(v.s); ok {
		return t, true
	}
	t, ok := parseDateTime(v.s, false)
	if ok && other == kDate {
		y, m, d := t.UTC().Date()
		t = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return t, ok
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// compareFold compares strings rune by rune after lower-casing, without
// allocating.
func compareFold(a, b string) int {
	for a != "" && b != "" {
		ra, na := rune(a[0]), 1
		if ra >= utf8.RuneSelf {
			ra, na = utf8.DecodeRuneInString(a)
		}
		rb, nb := rune(b[0]), 1
		if rb >= utf8.RuneSelf {
			rb, nb = utf8.DecodeRuneInString(b)
		}
		if ra != rb {
			la, lb := unicode.ToLower(ra), unicode.ToLower(rb)
			if la != lb {
				if la < lb {
					return -1
				}
				return 1
			}
		}
		a, b = a[na:], b[nb:]
	}
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return -1
	}
	return 1
}

func indexFold(s, sub string) int {
	if sub == "" {
		return 0
	}
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// has tests enum flags: the property holds one member or a comma-separated
// list of members, as Graph serialises flag enums.
func has(e Expr, l, r value) (value, error) {
	if l.k == kNull || r.k == kNull {
		return boolValue(false), nil
	}
	if l.k != kStr || r.k != kStr {
		return nullValue, typeError(e, "has needs an enum property and an enum value, found "+l.k.withArticle()+" and "+r.k.withArticle())
	}
	flags := l.s
	for flags != "" {
		var flag string
		flag, flags, _ = strings.Cut(flags, ",")
		if strings.EqualFold(strings.TrimSpace(flag), r.s) {
			return boolValue(true), nil
		}
	}
	return boolValue(false), nil
}

func (ev *evaluator) in(e *InExpr) (value, error) {
	l, err := ev.eval(e.Operand)
	if err != nil {
		return nullValue, err
	}
	for _, item := range e.List {
		r, err := ev.eval(item)
		if err != nil {
			return nullValue, err
		}
		v, err := compareOp(e, OpEq, l, r)
		if err != nil {
			return nullValue, err
		}
		if v.b {
			return v, nil
		}
	}
	return boolValue(false), nil
}

func (ev *evaluator) lambda(e *LambdaExpr) (value, error) {
	c, err := ev.path(e.Collection)
	if err != nil {
		return nullValue, err
	}
	switch c.k {
	case kNull:
		return boolValue(e.All), nil
	case kColl:
	default:
		return nullValue, typeError(e, e.Collection.String()+" is "+c.k.withArticle()+", expected a collection")
	}
	if e.Predicate == nil {
		return boolValue(len(c.coll()) > 0), nil
	}
	ev.vars = append(ev.vars, binding{name: e.Var})
	defer func() { ev.vars = ev.vars[:len(ev.vars)-1] }()
	slot := len(ev.vars) - 1
	for _, item := range c.coll() {
		ev.vars[slot].v = item
		v, err := ev.eval(e.Predicate)
		if err != nil {
			return nullValue, err
		}
		if v.k != kBool && v.k != kNull {
			return nullValue, typeError(e, "the lambda predicate is "+v.k.withArticle()+", expected a boolean")
		}
		matched := v.k == kBool && v.b
		if e.All && !matched {
			return boolValue(false), nil
		}
		if !e.All && matched {
			return boolValue(true), nil
		}
	}
	return boolValue(e.All), nil
}

func (k kind) withArticle() string {
	if k == kObj {
		return "an object"
	}
	return "a " + k.String()
}
