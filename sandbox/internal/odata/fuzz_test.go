package odata

import (
	"net/url"
	"testing"
)

var filterSeeds = []string{
	"isRead eq false and from/emailAddress/address eq 'alice@contoso.com' and receivedDateTime ge 2024-01-01T00:00:00Z",
	"not (a eq 1) or b in ('x', 'y''z') and c has microsoft.graph.importance'high'",
	"toRecipients/any(r: r/emailAddress/address eq 'bob@contoso.com')",
	"attachments/any(a: a/tags/any(t: t eq 'q3' and a/size gt 10))",
	"categories/all(c: startswith(c, 'R')) and c/any()",
	"substring(subject, 1, 2) eq concat(tolower('A'), toupper('b'))",
	"year(d) eq 2024 and month(d) le 12 and day(d) ge 1 and hour(d) lt 24 and minute(d) ne -1",
	"length(trim(subject)) gt 1.5e3 and indexof(subject, 'x') eq -0.25",
	"id eq 0f8fad5b-d9cb-469f-a165-70867728950e or d eq 2024-02-29 or t lt 2024-01-01T10:00:00.5-05:30",
	"members/$count eq 0 and (x or (y and (z)))",
	"a eq null or b eq true or c eq FALSE",
	"(((((a)))))",
	"contains(subject,",
	"'unterminated",
	"a/any(x: x/any(y: x eq y))",
	"99999999999999999999 eq 1e308",
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range filterSeeds {
		f.Add(s)
	}
	doc := decodeDoc(f, sampleMessage, false)
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseFilter(s)
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("error %v is a %T, want *SyntaxError", err, err)
			}
			return
		}
		canonical := e.String()
		again, err := ParseFilter(canonical)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", canonical, s, err)
		}
		if !exprEqual(e, again) {
			t.Fatalf("canonical form %q of %q parses to a different tree:\n%s\n%s", canonical, s, sexpr(e), sexpr(again))
		}
		if again.String() != canonical {
			t.Fatalf("String is not a fixed point: %q then %q", canonical, again.String())
		}
		// Evaluation may fail with a type error but must not panic.
		_, _ = Eval(e, doc)
	})
}

func FuzzParseQuery(f *testing.F) {
	f.Add("$filter=a+eq+1&$expand=x($select=a;$expand=y($top=1))&$orderby=a+desc&$search=%22a%22")
	f.Add("$select=a,b&$top=1&$skip=2&$count=true")
	f.Add("$expand=a($filter=contains(b,'x;)'))")
	f.Fuzz(func(t *testing.T, raw string) {
		if _, err := ParseRawQuery(raw); err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("ParseRawQuery error %v is a %T, want *SyntaxError", err, err)
			}
		}
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		if _, err := ParseQuery(q); err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("error %v is a %T, want *SyntaxError", err, err)
			}
		}
	})
}

func FuzzSearch(f *testing.F) {
	f.Add(`"displayName:wa" OR "mail:wa"`)
	f.Add(`from:alice AND (NOT subject:"x y" OR pizza*)`)
	doc := decodeDoc(f, sampleMessage, false)
	f.Fuzz(func(t *testing.T, s string) {
		q, err := CompileSearch(s)
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("error %v is a %T, want *SyntaxError", err, err)
			}
			return
		}
		_ = q.Match(doc)
		_ = MatchSearch(s, doc, "subject")
	})
}
