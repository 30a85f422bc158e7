package odata

import (
	"encoding/json"
	"strings"
	"testing"
)

// sexpr renders e fully parenthesised, so tests can see the tree's shape.
func sexpr(e Expr) string {
	switch e := e.(type) {
	case *BinaryExpr:
		return "(" + sexpr(e.Left) + " " + string(e.Op) + " " + sexpr(e.Right) + ")"
	case *NotExpr:
		return "(not " + sexpr(e.Operand) + ")"
	case *InExpr:
		items := make([]string, len(e.List))
		for i, x := range e.List {
			items[i] = sexpr(x)
		}
		return "(" + sexpr(e.Operand) + " in [" + strings.Join(items, " ") + "])"
	case *CallExpr:
		args := make([]string, len(e.Args))
		for i, x := range e.Args {
			args[i] = sexpr(x)
		}
		return e.Func + "[" + strings.Join(args, " ") + "]"
	case *LambdaExpr:
		op := "any"
		if e.All {
			op = "all"
		}
		if e.Predicate == nil {
			return sexpr(e.Collection) + "/" + op + "[]"
		}
		return sexpr(e.Collection) + "/" + op + "[" + e.Var + ": " + sexpr(e.Predicate) + "]"
	case *PathExpr:
		if e.Var != "" {
			return "$" + e.Var + ":" + strings.Join(e.Segments, "/")
		}
		return strings.Join(e.Segments, "/")
	case *Literal:
		return e.String()
	}
	return "?"
}

// exprEqual compares two trees structurally; times compare as instants with
// the same offset.
func exprEqual(a, b Expr) bool {
	switch a := a.(type) {
	case *BinaryExpr:
		b, ok := b.(*BinaryExpr)
		return ok && a.Op == b.Op && exprEqual(a.Left, b.Left) && exprEqual(a.Right, b.Right)
	case *NotExpr:
		b, ok := b.(*NotExpr)
		return ok && exprEqual(a.Operand, b.Operand)
	case *InExpr:
		b, ok := b.(*InExpr)
		return ok && exprEqual(a.Operand, b.Operand) && exprsEqual(a.List, b.List)
	case *CallExpr:
		b, ok := b.(*CallExpr)
		return ok && a.Func == b.Func && exprsEqual(a.Args, b.Args)
	case *LambdaExpr:
		b, ok := b.(*LambdaExpr)
		if !ok || a.All != b.All || a.Var != b.Var || !exprEqual(a.Collection, b.Collection) {
			return false
		}
		if a.Predicate == nil || b.Predicate == nil {
			return a.Predicate == nil && b.Predicate == nil
		}
		return exprEqual(a.Predicate, b.Predicate)
	case *PathExpr:
		b, ok := b.(*PathExpr)
		return ok && a.Var == b.Var && strings.Join(a.Segments, "/") == strings.Join(b.Segments, "/") && len(a.Segments) == len(b.Segments)
	case *Literal:
		b, ok := b.(*Literal)
		if !ok || a.Kind != b.Kind {
			return false
		}
		_, ao := a.Time.Zone()
		_, bo := b.Time.Zone()
		return a.Bool == b.Bool && a.Int == b.Int && a.Float == b.Float && a.Text == b.Text &&
			a.EnumType == b.EnumType && a.Time.Equal(b.Time) && ao == bo
	}
	return false
}

func exprsEqual(a, b []Expr) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !exprEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}

// sampleMessage is a message as the store holds it.
const sampleMessage = `{
  "@odata.etag": "W/\"abc\"",
  "id": "AAMkAG1",
  "subject": "Quarterly Report: Q3",
  "bodyPreview": "Numbers attached",
  "body": {"contentType": "html", "content": "<p>Pizza party on Friday</p>"},
  "importance": "high",
  "isRead": false,
  "hasAttachments": true,
  "size": 2048,
  "ratio": 0.5,
  "receivedDateTime": "2024-03-15T10:30:00Z",
  "sentDateTime": "2024-03-15T10:29:00.1234567Z",
  "lastModified": "2024-03-15T12:30:00+02:00",
  "birthday": "1990-05-17",
  "categories": ["Red category", "Blue"],
  "flags": "read, write",
  "internetMessageId": "0f8fad5b-d9cb-469f-a165-70867728950e",
  "from": {"emailAddress": {"name": "Alice Smith", "address": "alice@contoso.com"}},
  "toRecipients": [
    {"emailAddress": {"name": "Bob", "address": "bob@contoso.com"}},
    {"emailAddress": {"name": "Carol", "address": "carol@fabrikam.com"}}
  ],
  "ccRecipients": [],
  "attachments": [
    {"name": "report.xlsx", "size": 1000, "tags": ["finance", "q3"]},
    {"name": "chart.png", "size": 50, "tags": []}
  ],
  "flag": null,
  "unicodeName": "Ünïcödé Straße"
}`

func decodeDoc(t testing.TB, s string, useNumber bool) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	if useNumber {
		dec.UseNumber()
	}
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	return doc
}
