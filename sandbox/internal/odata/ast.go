package odata

import (
	"strconv"
	"strings"
	"time"
)

// Expr is a parsed $filter expression. Its String method renders canonical
// OData that ParseFilter parses back to an equal expression. The set of
// implementations is closed: the concrete types below.
type Expr interface {
	String() string
	write(b *strings.Builder)
	precedence() int
}

// Precedence levels, lowest first. has and in are postfix operators of a
// primary expression, so they bind tighter than not.
const (
	precOr = iota + 1
	precAnd
	precEquality
	precRelational
	precUnary
	precPostfix
	precPrimary
)

// BinaryOp is a binary operator of $filter.
type BinaryOp string

// The binary operators.
const (
	OpOr  BinaryOp = "or"
	OpAnd BinaryOp = "and"
	OpEq  BinaryOp = "eq"
	OpNe  BinaryOp = "ne"
	OpGt  BinaryOp = "gt"
	OpGe  BinaryOp = "ge"
	OpLt  BinaryOp = "lt"
	OpLe  BinaryOp = "le"
	OpHas BinaryOp = "has"
)

func (op BinaryOp) precedence() int {
	switch op {
	case OpOr:
		return precOr
	case OpAnd:
		return precAnd
	case OpEq, OpNe:
		return precEquality
	case OpHas:
		return precPostfix
	default:
		return precRelational
	}
}

// BinaryExpr is "Left Op Right".
type BinaryExpr struct {
	Op          BinaryOp
	Left, Right Expr
}

// NotExpr is "not Operand".
type NotExpr struct {
	Operand Expr
}

// InExpr is "Operand in (List...)".
type InExpr struct {
	Operand Expr
	List    []Expr
}

// CallExpr is a built-in function call; Func is the lower-case name.
type CallExpr struct {
	Func string
	Args []Expr
}

// LambdaExpr is "Collection/any(Var: Predicate)" or the same with all. A nil
// Predicate (only for any) means "the collection is not empty".
type LambdaExpr struct {
	Collection *PathExpr
	All        bool
	Var        string
	Predicate  Expr
}

// PathExpr is a member path such as from/emailAddress/address. When Var is
// set the path starts at that lambda variable instead of the document; an
// empty Segments then means the variable itself. A final "$count" segment
// yields the length of a collection.
type PathExpr struct {
	Var      string
	Segments []string
}

// LiteralKind tells which field of a Literal holds its value.
type LiteralKind uint8

// The literal kinds.
const (
	LitNull           LiteralKind = iota
	LitBool                       // Bool
	LitInt                        // Int
	LitFloat                      // Float (decimals and exponent numbers)
	LitString                     // Text
	LitGUID                       // Text, lower case
	LitEnum                       // EnumType and Text, e.g. microsoft.graph.importance'high'
	LitDateTimeOffset             // Time
	LitDate                       // Time, midnight UTC
)

// Literal is a constant in a $filter expression.
type Literal struct {
	Kind     LiteralKind
	Bool     bool
	Int      int64
	Float    float64
	Text     string
	EnumType string
	Time     time.Time
}

func (e *BinaryExpr) precedence() int { return e.Op.precedence() }
func (e *NotExpr) precedence() int    { return precUnary }
func (e *InExpr) precedence() int     { return precPostfix }
func (e *CallExpr) precedence() int   { return precPrimary }
func (e *LambdaExpr) precedence() int { return precPrimary }
func (e *PathExpr) precedence() int   { return precPrimary }
func (e *Literal) precedence() int    { return precPrimary }

func render(e Expr) string {
	var b strings.Builder
	e.write(&b)
	return b.String()
}

// writeOperand parenthesises a child whose precedence is below min.
func writeOperand(b *strings.Builder, e Expr, min int) {
	if e.precedence() < min {
		b.WriteByte('(')
		e.write(b)
		b.WriteByte(')')
		return
	}
	e.write(b)
}

// String renders e as canonical OData.
func (e *BinaryExpr) String() string { return render(e) }

// String renders e as canonical OData.
func (e *NotExpr) String() string { return render(e) }

// String renders e as canonical OData.
func (e *InExpr) String() string { return render(e) }

// String renders e as canonical OData.
func (e *CallExpr) String() string { return render(e) }

// String renders e as canonical OData.
func (e *LambdaExpr) String() string { return render(e) }

// String renders e as canonical OData.
func (e *PathExpr) String() string { return render(e) }

// String renders e as canonical OData.
func (e *Literal) String() string { return render(e) }

func (e *BinaryExpr) write(b *strings.Builder) {
	p := e.precedence()
	writeOperand(b, e.Left, p)
	b.WriteByte(' ')
	b.WriteString(string(e.Op))
	b.WriteByte(' ')
	// Operators are left-associative, so an equal-precedence right operand
	// needs parentheses to keep its shape; has takes only a primary.
	right := p + 1
	if e.Op == OpHas {
		right = precPrimary
	}
	writeOperand(b, e.Right, right)
}

func (e *NotExpr) write(b *strings.Builder) {
	b.WriteString("not ")
	writeOperand(b, e.Operand, precUnary)
}

func (e *InExpr) write(b *strings.Builder) {
	writeOperand(b, e.Operand, precPostfix)
	b.WriteString(" in (")
	for i, item := range e.List {
		if i > 0 {
			b.WriteString(", ")
		}
		item.write(b)
	}
	b.WriteByte(')')
}

func (e *CallExpr) write(b *strings.Builder) {
	b.WriteString(e.Func)
	b.WriteByte('(')
	for i, arg := range e.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		arg.write(b)
	}
	b.WriteByte(')')
}

func (e *LambdaExpr) write(b *strings.Builder) {
	e.Collection.write(b)
	if e.All {
		b.WriteString("/all(")
	} else {
		b.WriteString("/any(")
	}
	if e.Predicate != nil {
		b.WriteString(e.Var)
		b.WriteString(": ")
		e.Predicate.write(b)
	}
	b.WriteByte(')')
}

func (e *PathExpr) write(b *strings.Builder) {
	b.WriteString(e.Var)
	for i, s := range e.Segments {
		if i > 0 || e.Var != "" {
			b.WriteByte('/')
		}
		b.WriteString(s)
	}
}

func (e *Literal) write(b *strings.Builder) {
	switch e.Kind {
	case LitNull:
		b.WriteString("null")
	case LitBool:
		b.WriteString(strconv.FormatBool(e.Bool))
	case LitInt:
		b.WriteString(strconv.FormatInt(e.Int, 10))
	case LitFloat:
		s := strconv.FormatFloat(e.Float, 'g', -1, 64)
		b.WriteString(s)
		// Keep a float a float when parsed back.
		if !strings.ContainsAny(s, ".eEIN") {
			b.WriteString(".0")
		}
	case LitString:
		writeQuoted(b, e.Text)
	case LitGUID:
		b.WriteString(e.Text)
	case LitEnum:
		b.WriteString(e.EnumType)
		writeQuoted(b, e.Text)
	case LitDateTimeOffset:
		b.WriteString(e.Time.Format(time.RFC3339Nano))
	case LitDate:
		b.WriteString(e.Time.Format(time.DateOnly))
	}
}

func writeQuoted(b *strings.Builder, s string) {
	b.WriteByte('\'')
	b.WriteString(strings.ReplaceAll(s, "'", "''"))
	b.WriteByte('\'')
}
