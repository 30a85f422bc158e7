package odata

import (
	"errors"
	"strconv"
)

// SyntaxError reports malformed query input. The sandbox answers it with a
// 400 that quotes the position, so a client can point at the mistake.
type SyntaxError struct {
	Option string // the query option, such as "$filter"; empty when unknown
	Pos    int    // 0-based byte offset into Input
	Msg    string // what was wrong and what was expected
	Input  string // the option's value as received
}

// Error renders the error as `$filter: expected ')' at position 17 in "..."`.
func (e *SyntaxError) Error() string {
	s := e.Msg + " at position " + strconv.Itoa(e.Pos) + " in " + strconv.Quote(e.Input)
	if e.Option != "" {
		s = e.Option + ": " + s
	}
	return s
}

// EvalError reports a type error found while evaluating a $filter against a
// document, for example comparing a string property with a number.
type EvalError struct {
	Expr string // the canonical text of the failing sub-expression
	Msg  string
}

// Error renders the error with the sub-expression that failed.
func (e *EvalError) Error() string {
	return "$filter: " + e.Msg + " in " + strconv.Quote(e.Expr)
}

// ErrInvalidSkipToken is returned (wrapped) by DecodeSkipToken for any token
// that was not produced by EncodeSkipToken with the same key.
var ErrInvalidSkipToken = errors.New("invalid $skiptoken")
