package odata

import (
	"strconv"
	"strings"
)

// Limits that stop abusive input before it costs memory or stack.
const (
	// MaxFilterLength is the longest $filter accepted, in bytes.
	MaxFilterLength = 16 << 10
	// MaxDepth is the deepest nesting of parentheses, not, function calls
	// and lambdas accepted in a $filter.
	MaxDepth = 100
	// MaxLambdaDepth bounds nested any/all lambdas, whose cost multiplies
	// with the length of each collection.
	MaxLambdaDepth = 3
)

// arity returns the accepted argument counts of a built-in function.
func arity(fn string) (lo, hi int, ok bool) {
	switch fn {
	case "contains", "startswith", "endswith", "indexof", "concat":
		return 2, 2, true
	case "tolower", "toupper", "trim", "length", "year", "month", "day", "hour", "minute", "second":
		return 1, 1, true
	case "substring":
		return 2, 3, true
	}
	return 0, 0, false
}

// isReserved reports whether word is an operator or literal keyword, which
// cannot name a lambda variable.
func isReserved(word string) bool {
	switch strings.ToLower(word) {
	case "and", "or", "not", "eq", "ne", "gt", "ge", "lt", "le", "has", "in",
		"true", "false", "null", "any", "all":
		return true
	}
	return false
}

// ParseFilter parses a $filter value (already percent-decoded). Errors are
// *SyntaxError with the byte position of the problem.
func ParseFilter(s string) (Expr, error) {
	e, err := parseFilter(s)
	if err != nil {
		err.Option = "$filter"
		err.Input = s
		return nil, err
	}
	return e, nil
}

// parseFilter leaves Option and Input of its errors for the caller to set.
func parseFilter(s string) (Expr, *SyntaxError) {
	if len(s) > MaxFilterLength {
		return nil, &SyntaxError{Pos: MaxFilterLength, Msg: "filter longer than " + strconv.Itoa(MaxFilterLength) + " bytes"}
	}
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, p.errorf(t, "expected an operator or the end of the filter, found "+describe(t))
	}
	return e, nil
}

type parser struct {
	toks  []token
	i     int
	depth int
	scope []string // lambda variables, innermost last
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) peekAt(k int) token {
	if p.i+k >= len(p.toks) {
		return p.toks[len(p.toks)-1]
	}
	return p.toks[p.i+k]
}

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) errorf(t token, msg string) *SyntaxError {
	return &SyntaxError{Pos: t.pos, Msg: msg}
}

func (p *parser) expect(kind tokenKind, what string) (token, *SyntaxError) {
	t := p.next()
	if t.kind != kind {
		return t, p.errorf(t, "expected "+what+", found "+describe(t))
	}
	return t, nil
}

func (p *parser) enter(t token) *SyntaxError {
	p.depth++
	if p.depth > MaxDepth {
		return p.errorf(t, "expression nested deeper than "+strconv.Itoa(MaxDepth)+" levels")
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// keyword reports whether the next token is the given operator keyword.
// Keywords are case-insensitive, as Graph accepts NOT and AND.
func (p *parser) keyword(word string) bool {
	t := p.peek()
	return t.kind == tokIdent && strings.EqualFold(t.text, word)
}

func (p *parser) parseOr() (Expr, *SyntaxError) {
	left, err := p.parseAnd()
	for err == nil && p.keyword("or") {
		p.next()
		var right Expr
		if right, err = p.parseAnd(); err == nil {
			left = &BinaryExpr{Op: OpOr, Left: left, Right: right}
		}
	}
	return left, err
}

func (p *parser) parseAnd() (Expr, *SyntaxError) {
	left, err := p.parseEquality()
	for err == nil && p.keyword("and") {
		p.next()
		var right Expr
		if right, err = p.parseEquality(); err == nil {
			left = &BinaryExpr{Op: OpAnd, Left: left, Right: right}
		}
	}
	return left, err
}

func (p *parser) parseEquality() (Expr, *SyntaxError) {
	left, err := p.parseRelational()
	for err == nil && (p.keyword("eq") || p.keyword("ne")) {
		op := BinaryOp(strings.ToLower(p.next().text))
		var right Expr
		if right, err = p.parseRelational(); err == nil {
			left = &BinaryExpr{Op: op, Left: left, Right: right}
		}
	}
	return left, err
}

func (p *parser) parseRelational() (Expr, *SyntaxError) {
	left, err := p.parseUnary()
	for err == nil && (p.keyword("gt") || p.keyword("ge") || p.keyword("lt") || p.keyword("le")) {
		op := BinaryOp(strings.ToLower(p.next().text))
		var right Expr
		if right, err = p.parseUnary(); err == nil {
			left = &BinaryExpr{Op: op, Left: left, Right: right}
		}
	}
	return left, err
}

func (p *parser) parseUnary() (Expr, *SyntaxError) {
	t := p.peek()
	switch {
	case p.keyword("not") && p.peekAt(1).kind != tokSlash:
		p.next()
		if err := p.enter(t); err != nil {
			return nil, err
		}
		defer p.leave()
		operand, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &NotExpr{Operand: operand}, nil
	case t.kind == tokMinus:
		p.next()
		n := p.next()
		if n.kind != tokLiteral || (n.lit.Kind != LitInt && n.lit.Kind != LitFloat) {
			return nil, p.errorf(n, "expected a number after '-', found "+describe(n))
		}
		lit := n.lit
		if lit.Kind == LitInt {
			lit.Int = -lit.Int
		} else {
			lit.Float = -lit.Float
		}
		return p.parsePostfix(&lit)
	}
	e, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	return p.parsePostfix(e)
}

// parsePostfix applies has and in, which bind tighter than not.
func (p *parser) parsePostfix(e Expr) (Expr, *SyntaxError) {
	for {
		switch {
		case p.keyword("has"):
			p.next()
			right, err := p.parsePrimary()
			if err != nil {
				return nil, err
			}
			e = &BinaryExpr{Op: OpHas, Left: e, Right: right}
		case p.keyword("in"):
			p.next()
			open, err := p.expect(tokLParen, "'(' to start the list after in")
			if err != nil {
				return nil, err
			}
			if err := p.enter(open); err != nil {
				return nil, err
			}
			list, err := p.parseList(tokRParen)
			p.leave()
			if err != nil {
				return nil, err
			}
			if len(list) == 0 {
				return nil, p.errorf(open, "expected at least one value in the in list")
			}
			e = &InExpr{Operand: e, List: list}
		default:
			return e, nil
		}
	}
}

// parseList reads comma-separated expressions up to and including the
// closing token; the opening token is already consumed.
func (p *parser) parseList(closing tokenKind) ([]Expr, *SyntaxError) {
	var list []Expr
	if p.peek().kind == closing {
		p.next()
		return list, nil
	}
	for {
		e, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		list = append(list, e)
		t := p.next()
		switch t.kind {
		case closing:
			return list, nil
		case tokComma:
		default:
			return nil, p.errorf(t, "expected ',' or ')', found "+describe(t))
		}
	}
}

func (p *parser) parsePrimary() (Expr, *SyntaxError) {
	t := p.next()
	switch t.kind {
	case tokLParen:
		if err := p.enter(t); err != nil {
			return nil, err
		}
		defer p.leave()
		e, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tokRParen, "')'"); err != nil {
			return nil, err
		}
		return e, nil
	case tokLiteral:
		lit := t.lit
		return &lit, nil
	case tokIdent:
		switch strings.ToLower(t.text) {
		case "null":
			return &Literal{Kind: LitNull}, nil
		case "true":
			return &Literal{Kind: LitBool, Bool: true}, nil
		case "false":
			return &Literal{Kind: LitBool}, nil
		}
		if p.peek().kind == tokLParen {
			return p.parseCall(t)
		}
		return p.parsePath(t)
	case tokEOF:
		return nil, p.errorf(t, "unexpected end of filter; expected an expression")
	}
	return nil, p.errorf(t, "expected an expression, found "+describe(t))
}

func (p *parser) parseCall(name token) (Expr, *SyntaxError) {
	fn := strings.ToLower(name.text)
	lo, hi, ok := arity(fn)
	if !ok {
		return nil, p.errorf(name, "unknown function "+strconv.Quote(name.text))
	}
	open := p.next()
	if err := p.enter(open); err != nil {
		return nil, err
	}
	args, err := p.parseList(tokRParen)
	p.leave()
	if err != nil {
		return nil, err
	}
	if len(args) < lo || len(args) > hi {
		want := strconv.Itoa(lo)
		if hi != lo {
			want += " or " + strconv.Itoa(hi)
		}
		return nil, p.errorf(p.toks[p.i-1], fn+" expects "+want+" arguments, found "+strconv.Itoa(len(args)))
	}
	return &CallExpr{Func: fn, Args: args}, nil
}

func (p *parser) inScope(name string) bool {
	for _, v := range p.scope {
		if v == name {
			return true
		}
	}
	return false
}

func (p *parser) parsePath(first token) (Expr, *SyntaxError) {
	path := &PathExpr{}
	if p.inScope(first.text) {
		path.Var = first.text
	} else if err := p.checkSegment(first); err != nil {
		return nil, err
	} else {
		path.Segments = append(path.Segments, first.text)
	}
	for p.peek().kind == tokSlash {
		if n := len(path.Segments); n > 0 && path.Segments[n-1] == "$count" {
			return nil, p.errorf(p.peek(), "expected nothing after $count")
		}
		p.next()
		seg, err := p.expect(tokIdent, "a property name after '/'")
		if err != nil {
			return nil, err
		}
		lower := strings.ToLower(seg.text)
		if (lower == "any" || lower == "all") && p.peek().kind == tokLParen {
			return p.parseLambda(path, lower == "all")
		}
		if err := p.checkSegment(seg); err != nil {
			return nil, err
		}
		path.Segments = append(path.Segments, seg.text)
	}
	return path, nil
}

func (p *parser) checkSegment(t token) *SyntaxError {
	if strings.HasPrefix(t.text, "$") && t.text != "$count" {
		return p.errorf(t, "unsupported segment "+strconv.Quote(t.text)+"; expected a property name or $count")
	}
	return nil
}

func (p *parser) parseLambda(coll *PathExpr, all bool) (Expr, *SyntaxError) {
	open := p.next()
	if err := p.enter(open); err != nil {
		return nil, err
	}
	defer p.leave()
	if len(p.scope) >= MaxLambdaDepth {
		return nil, p.errorf(open, "lambdas nested deeper than "+strconv.Itoa(MaxLambdaDepth)+" levels")
	}
	lambda := &LambdaExpr{Collection: coll, All: all}
	if p.peek().kind == tokRParen {
		if all {
			return nil, p.errorf(p.peek(), "expected a lambda variable; all() needs a predicate")
		}
		p.next()
		return lambda, nil
	}
	v, err := p.expect(tokIdent, "a lambda variable name")
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(v.text, ".$") || isReserved(v.text) {
		return nil, p.errorf(v, "invalid lambda variable "+strconv.Quote(v.text))
	}
	if p.inScope(v.text) {
		return nil, p.errorf(v, "lambda variable "+strconv.Quote(v.text)+" is already in use")
	}
	if _, err := p.expect(tokColon, "':' after the lambda variable"); err != nil {
		return nil, err
	}
	p.scope = append(p.scope, v.text)
	pred, err := p.parseOr()
	p.scope = p.scope[:len(p.scope)-1]
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(tokRParen, "')' to close the lambda"); err != nil {
		return nil, err
	}
	lambda.Var = v.text
	lambda.Predicate = pred
	return lambda, nil
}
