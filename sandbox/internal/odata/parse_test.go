package odata

import (
	"errors"
	"strings"
	"testing"
)

func TestParseFilterValid(t *testing.T) {
	tests := []struct {
		name, in, tree, canonical string
	}{
		// comparison operators
		{"eq", "isRead eq false", "(isRead eq false)", "isRead eq false"},
		{"ne", "isRead ne true", "(isRead ne true)", "isRead ne true"},
		{"gt", "size gt 10", "(size gt 10)", "size gt 10"},
		{"ge", "size ge 10", "(size ge 10)", "size ge 10"},
		{"lt", "size lt 10", "(size lt 10)", "size lt 10"},
		{"le", "size le 10", "(size le 10)", "size le 10"},
		{"upper-case keywords", "isRead EQ false AND NOT hasAttachments", "((isRead eq false) and (not hasAttachments))", "isRead eq false and not hasAttachments"},
		// logical operators
		{"and", "a eq 1 and b eq 2", "((a eq 1) and (b eq 2))", "a eq 1 and b eq 2"},
		{"or", "a eq 1 or b eq 2", "((a eq 1) or (b eq 2))", "a eq 1 or b eq 2"},
		{"not with parens", "not(a eq 1)", "(not (a eq 1))", "not (a eq 1)"},
		{"not of function", "not startswith(subject,'x')", "(not startswith[subject 'x'])", "not startswith(subject, 'x')"},
		{"double not", "not not isRead", "(not (not isRead))", "not not isRead"},
		// in and has
		{"in", "importance in ('high', 'low')", "(importance in ['high' 'low'])", "importance in ('high', 'low')"},
		{"in single", "id in ('a')", "(id in ['a'])", "id in ('a')"},
		{"has string", "importance has 'high'", "(importance has 'high')", "importance has 'high'"},
		{"has enum", "importance has microsoft.graph.importance'high'", "(importance has microsoft.graph.importance'high')", "importance has microsoft.graph.importance'high'"},
		{"not binds looser than in", "not importance in ('low')", "(not (importance in ['low']))", "not importance in ('low')"},
		// functions
		{"contains", "contains(subject, 'report')", "contains[subject 'report']", "contains(subject, 'report')"},
		{"startswith camel", "startsWith(displayName,'a')", "startswith[displayName 'a']", "startswith(displayName, 'a')"},
		{"endswith", "endswith(mail,'@contoso.com')", "endswith[mail '@contoso.com']", "endswith(mail, '@contoso.com')"},
		{"tolower", "tolower(subject) eq 'x'", "(tolower[subject] eq 'x')", "tolower(subject) eq 'x'"},
		{"toupper", "toupper(subject) eq 'X'", "(toupper[subject] eq 'X')", "toupper(subject) eq 'X'"},
		{"length", "length(subject) gt 3", "(length[subject] gt 3)", "length(subject) gt 3"},
		{"indexof", "indexof(subject,'Q') eq 0", "(indexof[subject 'Q'] eq 0)", "indexof(subject, 'Q') eq 0"},
		{"substring 2", "substring(subject,1) eq 'x'", "(substring[subject 1] eq 'x')", "substring(subject, 1) eq 'x'"},
		{"substring 3", "substring(subject,1,2) eq 'x'", "(substring[subject 1 2] eq 'x')", "substring(subject, 1, 2) eq 'x'"},
		{"trim", "trim(subject) eq 'x'", "(trim[subject] eq 'x')", "trim(subject) eq 'x'"},
		{"concat", "concat(concat(a,', '),b) eq 'x'", "(concat[concat[a ', '] b] eq 'x')", "concat(concat(a, ', '), b) eq 'x'"},
		{"year", "year(receivedDateTime) eq 2024", "(year[receivedDateTime] eq 2024)", "year(receivedDateTime) eq 2024"},
		{"month day hour minute", "month(d) eq 1 and day(d) eq 2 and hour(d) eq 3 and minute(d) eq 4", "((((month[d] eq 1) and (day[d] eq 2)) and (hour[d] eq 3)) and (minute[d] eq 4))", "month(d) eq 1 and day(d) eq 2 and hour(d) eq 3 and minute(d) eq 4"},
		// literals
		{"string escape", "subject eq 'it''s'", "(subject eq 'it''s')", "subject eq 'it''s'"},
		{"empty string", "subject eq ''", "(subject eq '')", "subject eq ''"},
		{"int", "size eq 42", "(size eq 42)", "size eq 42"},
		{"negative int", "size eq -42", "(size eq -42)", "size eq -42"},
		{"decimal", "ratio eq 0.5", "(ratio eq 0.5)", "ratio eq 0.5"},
		{"negative decimal", "ratio eq - 0.5", "(ratio eq -0.5)", "ratio eq -0.5"},
		{"exponent", "ratio lt 1e3", "(ratio lt 1000.0)", "ratio lt 1000.0"},
		{"exponent sign", "ratio lt 2.5E-3", "(ratio lt 0.0025)", "ratio lt 0.0025"},
		{"huge int becomes float", "n eq 99999999999999999999", "(n eq 1e+20)", "n eq 1e+20"},
		{"true false null", "a eq true or b eq FALSE or c eq null", "(((a eq true) or (b eq false)) or (c eq null))", "a eq true or b eq false or c eq null"},
		{"datetime Z", "d ge 2024-01-01T00:00:00Z", "(d ge 2024-01-01T00:00:00Z)", "d ge 2024-01-01T00:00:00Z"},
		{"datetime offset fraction", "d lt 2024-01-01T10:00:00.1234567+05:30", "(d lt 2024-01-01T10:00:00.1234567+05:30)", "d lt 2024-01-01T10:00:00.1234567+05:30"},
		{"datetime no seconds", "d lt 2024-01-01T10:00Z", "(d lt 2024-01-01T10:00:00Z)", "d lt 2024-01-01T10:00:00Z"},
		{"datetime zero offset", "d lt 2024-01-01T10:00:00-00:00", "(d lt 2024-01-01T10:00:00Z)", "d lt 2024-01-01T10:00:00Z"},
		{"date", "birthday eq 1990-05-17", "(birthday eq 1990-05-17)", "birthday eq 1990-05-17"},
		{"guid", "id eq 0F8FAD5B-D9CB-469F-A165-70867728950E", "(id eq 0f8fad5b-d9cb-469f-a165-70867728950e)", "id eq 0f8fad5b-d9cb-469f-a165-70867728950e"},
		{"guid starting with letters", "id eq abcdef01-d9cb-469f-a165-70867728950e", "(id eq abcdef01-d9cb-469f-a165-70867728950e)", "id eq abcdef01-d9cb-469f-a165-70867728950e"},
		{"enum", "importance eq microsoft.graph.importance'high'", "(importance eq microsoft.graph.importance'high')", "importance eq microsoft.graph.importance'high'"},
		// paths and lambdas
		{"member path", "from/emailAddress/address eq 'a@b.c'", "(from/emailAddress/address eq 'a@b.c')", "from/emailAddress/address eq 'a@b.c'"},
		{"any over objects", "toRecipients/any(r: r/emailAddress/address eq 'bob@contoso.com')", "toRecipients/any[r: ($r:emailAddress/address eq 'bob@contoso.com')]", "toRecipients/any(r: r/emailAddress/address eq 'bob@contoso.com')"},
		{"any over primitives", "categories/any(c:c eq 'Red')", "categories/any[c: ($c: eq 'Red')]", "categories/any(c: c eq 'Red')"},
		{"all", "categories/ALL(c: c ne 'x')", "categories/all[c: ($c: ne 'x')]", "categories/all(c: c ne 'x')"},
		{"any empty", "attachments/any()", "attachments/any[]", "attachments/any()"},
		{"nested lambda", "attachments/any(a: a/tags/any(t: t eq 'q3' and a/size gt 10))", "attachments/any[a: $a:tags/any[t: (($t: eq 'q3') and ($a:size gt 10))]]", "attachments/any(a: a/tags/any(t: t eq 'q3' and a/size gt 10))"},
		{"count segment", "members/$count eq 0", "(members/$count eq 0)", "members/$count eq 0"},
		{"lambda compared", "categories/any(c: c eq 'x') eq false", "(categories/any[c: ($c: eq 'x')] eq false)", "categories/any(c: c eq 'x') eq false"},
		// whitespace
		{"whitespace", "  (\tisRead\neq false )  ", "(isRead eq false)", "isRead eq false"},
		{"parens kept where needed", "a eq 1 and (b eq 2 or c eq 3)", "((a eq 1) and ((b eq 2) or (c eq 3)))", "a eq 1 and (b eq 2 or c eq 3)"},
		{"right-nested and", "a and (b and c)", "(a and (b and c))", "a and (b and c)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := ParseFilter(tt.in)
			if err != nil {
				t.Fatalf("ParseFilter(%q): %v", tt.in, err)
			}
			if got := sexpr(e); got != tt.tree {
				t.Errorf("tree = %s, want %s", got, tt.tree)
			}
			if got := e.String(); got != tt.canonical {
				t.Errorf("String() = %s, want %s", got, tt.canonical)
			}
			again, err := ParseFilter(e.String())
			if err != nil || !exprEqual(e, again) {
				t.Errorf("canonical form %q does not parse back to the same tree: %v", e.String(), err)
			}
		})
	}
}

func TestParseFilterPrecedence(t *testing.T) {
	tests := []struct{ in, tree string }{
		{"a or b and c", "(a or (b and c))"},
		{"a and b or c", "((a and b) or c)"},
		{"a eq 1 or b eq 2 and c eq 3", "((a eq 1) or ((b eq 2) and (c eq 3)))"},
		{"not a eq b", "((not a) eq b)"},
		{"not a and b", "((not a) and b)"},
		{"a gt 1 eq true", "((a gt 1) eq true)"},
		{"true eq a gt 1", "(true eq (a gt 1))"},
		{"(a or b) and c", "((a or b) and c)"},
		{"a and b and c", "((a and b) and c)"},
		{"a or b or c", "((a or b) or c)"},
		{"x has 'a' eq true", "((x has 'a') eq true)"},
		{"not x has 'a'", "(not (x has 'a'))"},
		{"x in (1, 2) and y", "((x in [1 2]) and y)"},
		{"-1 in (x)", "(-1 in [x])"},
	}
	for _, tt := range tests {
		e, err := ParseFilter(tt.in)
		if err != nil {
			t.Errorf("ParseFilter(%q): %v", tt.in, err)
			continue
		}
		if got := sexpr(e); got != tt.tree {
			t.Errorf("ParseFilter(%q) = %s, want %s", tt.in, got, tt.tree)
		}
	}
}

func TestParseFilterInvalid(t *testing.T) {
	tests := []struct {
		name, in string
		pos      int
		msg      string
	}{
		{"empty", "", 0, "unexpected end of filter; expected an expression"},
		{"missing close paren", "(isRead eq false", 16, "expected ')', found end of input"},
		{"extra close paren", "isRead eq false)", 15, `expected an operator or the end of the filter, found ")"`},
		{"missing operand", "isRead eq", 9, "unexpected end of filter; expected an expression"},
		{"dangling and", "a eq 1 and", 10, "unexpected end of filter; expected an expression"},
		{"two operands", "a b", 2, `expected an operator or the end of the filter, found "b"`},
		{"unknown operator", "a like 'x'", 2, `expected an operator or the end of the filter, found "like"`},
		{"unterminated string", "subject eq 'abc", 11, "unterminated string literal; expected a closing '"},
		{"bad character", "subject eq #", 11, "unexpected character '#'"},
		{"parameter alias", "subject eq @p", 11, "unexpected character '@'"},
		{"unknown function", "foo(subject)", 0, `unknown function "foo"`},
		{"arity too few", "contains(subject)", 16, "contains expects 2 arguments, found 1"},
		{"arity too many", "tolower(a, b)", 12, "tolower expects 1 arguments, found 2"},
		{"substring arity", "substring(a)", 11, "substring expects 2 or 3 arguments, found 1"},
		{"missing comma", "contains(subject 'x')", 17, `expected ',' or ')', found literal 'x'`},
		{"bad date", "d eq 2024-13-01", 5, `invalid Date literal "2024-13-01"`},
		{"bad day", "d eq 2023-02-29", 5, `invalid Date literal "2023-02-29"`},
		{"bad datetime", "d eq 2024-01-01T25:00:00Z", 5, `invalid DateTimeOffset literal "2024-01-01T25:00:00Z"; expected YYYY-MM-DDThh:mm[:ss[.fffffff]](Z|±hh:mm)`},
		{"datetime without zone", "d eq 2024-01-01T10:00:00", 5, `invalid DateTimeOffset literal "2024-01-01T10:00:00"; expected YYYY-MM-DDThh:mm[:ss[.fffffff]](Z|±hh:mm)`},
		{"unencoded plus", "d eq 2024-01-01T10:00:00 01:00", 5, `invalid DateTimeOffset literal "2024-01-01T10:00:00"; expected YYYY-MM-DDThh:mm[:ss[.fffffff]](Z|±hh:mm) (send '+' in a URL as %2B)`},
		{"decimal without digits", "n eq 1.", 7, "expected a digit after the decimal point"},
		{"exponent without digits", "n eq 1e+", 8, "expected a digit in the exponent"},
		{"number then letters", "n eq 12ab", 7, "unexpected character 'a' after number"},
		{"float out of range", "n eq 1e999", 5, `number "1e999" is out of range`},
		{"minus without number", "n eq -x", 6, `expected a number after '-', found "x"`},
		{"unqualified typed literal", "d eq datetime'2024-01-01'", 5, `unsupported typed literal "datetime"; expected a qualified enum type such as microsoft.graph.importance'high'`},
		{"in without list", "a in 'x'", 5, "expected '(' to start the list after in, found literal 'x'"},
		{"empty in list", "a in ()", 5, "expected at least one value in the in list"},
		{"all without predicate", "c/all()", 6, "expected a lambda variable; all() needs a predicate"},
		{"lambda missing colon", "c/any(x x eq 1)", 8, `expected ':' after the lambda variable, found "x"`},
		{"lambda reserved var", "c/any(eq: eq eq 1)", 6, `invalid lambda variable "eq"`},
		{"lambda var reused", "c/any(x: x/d/any(x: x eq 1))", 17, `lambda variable "x" is already in use`},
		{"lambdas too deep", "a/any(x: x/b/any(y: y/c/any(z: z/d/any(w: w eq 1))))", 38, "lambdas nested deeper than 3 levels"},
		{"lambda unclosed", "c/any(x: x eq 1", 15, "expected ')' to close the lambda, found end of input"},
		{"slash without segment", "from/) eq 1", 5, `expected a property name after '/', found ")"`},
		{"dollar segment", "a/$value eq 1", 2, `unsupported segment "$value"; expected a property name or $count`},
		{"after count", "a/$count/b eq 1", 8, "expected nothing after $count"},
		{"leading operator", "eq 1", 3, `expected an operator or the end of the filter, found literal 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFilter(tt.in)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("ParseFilter(%q) error = %v, want *SyntaxError", tt.in, err)
			}
			if se.Pos != tt.pos || se.Msg != tt.msg {
				t.Errorf("ParseFilter(%q) = %q at %d, want %q at %d", tt.in, se.Msg, se.Pos, tt.msg, tt.pos)
			}
			if se.Option != "$filter" || se.Input != tt.in {
				t.Errorf("error names option %q input %q", se.Option, se.Input)
			}
		})
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	_, err := ParseFilter("(isRead eq false and a")
	want := `$filter: expected ')', found end of input at position 22 in "(isRead eq false and a"`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

func TestParseFilterLimits(t *testing.T) {
	deep := strings.Repeat("(", MaxDepth+1) + "a" + strings.Repeat(")", MaxDepth+1)
	_, err := ParseFilter(deep)
	var se *SyntaxError
	if !errors.As(err, &se) || se.Pos != MaxDepth || !strings.Contains(se.Msg, "nested deeper than 100") {
		t.Errorf("deep nesting: %v", err)
	}
	ok := strings.Repeat("(", MaxDepth) + "a" + strings.Repeat(")", MaxDepth)
	if _, err := ParseFilter(ok); err != nil {
		t.Errorf("nesting at the limit: %v", err)
	}
	nots := strings.Repeat("not ", MaxDepth+1) + "a"
	if _, err := ParseFilter(nots); err == nil {
		t.Error("deep not chain accepted")
	}
	long := "a eq '" + strings.Repeat("x", MaxFilterLength) + "'"
	if !errors.As(func() error { _, err := ParseFilter(long); return err }(), &se) || se.Pos != MaxFilterLength {
		t.Errorf("long filter: %v", se)
	}
}

func TestParseFilterNonASCII(t *testing.T) {
	_, err := ParseFilter("subject eq é")
	var se *SyntaxError
	if !errors.As(err, &se) || se.Pos != 11 || se.Msg != "unexpected character 'é'" {
		t.Errorf("err = %v", err)
	}
}
