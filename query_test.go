package o365

import (
	"errors"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestFilterRender(t *testing.T) {
	pascal := &Protocol{KeyCase: PascalCase}
	when := time.Date(2024, 1, 2, 4, 4, 5, 0, time.FixedZone("CET", 3600))
	type importance string
	n := 7
	tests := []struct {
		name        string
		f           Filter
		camel, pasc string
	}{
		{"eq string", Eq("subject", "Hello"), `subject eq 'Hello'`, `Subject eq 'Hello'`},
		{"quote escaped", Eq("subject", "O'Brien"), `subject eq 'O''Brien'`, `Subject eq 'O''Brien'`},
		{"injection stays a literal", Eq("subject", "x' or 1 eq 1 or subject eq '"),
			`subject eq 'x'' or 1 eq 1 or subject eq '''`, `Subject eq 'x'' or 1 eq 1 or subject eq '''`},
		{"path", Eq("from/emailAddress/address", "a@b.c"), `from/emailAddress/address eq 'a@b.c'`, `From/EmailAddress/Address eq 'a@b.c'`},
		{"ne null", Ne("manager", nil), `manager ne null`, `Manager ne null`},
		{"ints", Gt("size", 1024), `size gt 1024`, `Size gt 1024`},
		{"uint", Ge("size", uint64(math.MaxUint64)), `size ge 18446744073709551615`, `Size ge 18446744073709551615`},
		{"float no exponent", Lt("score", 1e21), `score lt 1000000000000000000000`, `Score lt 1000000000000000000000`},
		{"small float", Le("score", 0.0000001), `score le 0.0000001`, `Score le 0.0000001`},
		{"float32", Eq("f", float32(0.1)), `f eq 0.1`, `F eq 0.1`},
		{"bool", Eq("isRead", false), `isRead eq false`, `IsRead eq false`},
		{"time in UTC", Ge("receivedDateTime", when), `receivedDateTime ge 2024-01-02T03:04:05Z`, `ReceivedDateTime ge 2024-01-02T03:04:05Z`},
		{"time with fraction", Eq("t", time.Date(2024, 1, 2, 3, 4, 5, 500_000_000, time.UTC)), `t eq 2024-01-02T03:04:05.5Z`, `T eq 2024-01-02T03:04:05.5Z`},
		{"guid bare", Eq("appRoleId", GUID("5f3b1d07-1111-4b8e-a0f2-0123456789ab")), `appRoleId eq 5f3b1d07-1111-4b8e-a0f2-0123456789ab`, `AppRoleId eq 5f3b1d07-1111-4b8e-a0f2-0123456789ab`},
		{"enum typed", Eq("importance", Enum{"microsoft.graph.importance", "high"}), `importance eq microsoft.graph.importance'high'`, `Importance eq microsoft.graph.importance'high'`},
		{"enum plain", Eq("importance", Enum{Value: "it's"}), `importance eq 'it''s'`, `Importance eq 'it''s'`},
		{"named string type", Eq("importance", importance("low")), `importance eq 'low'`, `Importance eq 'low'`},
		{"pointer", Eq("n", &n), `n eq 7`, `N eq 7`},
		{"nil pointer", Eq("n", (*int)(nil)), `n eq null`, `N eq null`},
		{"in strings", In("department", []string{"Sales", "R'D"}), `department in ('Sales','R''D')`, `Department in ('Sales','R''D')`},
		{"in mixed", In("n", 1, []int{2, 3}), `n in (1,2,3)`, `N in (1,2,3)`},
		{"functions", And(Contains("subject", "a'b"), StartsWith("displayName", "Jo"), EndsWith("mail", "@contoso.com")),
			`contains(subject,'a''b') and startswith(displayName,'Jo') and endswith(mail,'@contoso.com')`,
			`contains(Subject,'a''b') and startswith(DisplayName,'Jo') and endswith(Mail,'@contoso.com')`},
		{"and in or", Or(And(Eq("a", 1), Eq("b", 2)), Eq("c", 3)), `a eq 1 and b eq 2 or c eq 3`, `A eq 1 and B eq 2 or C eq 3`},
		{"or in and", And(Or(Eq("a", 1), Eq("b", 2)), Eq("c", 3)), `(a eq 1 or b eq 2) and c eq 3`, `(A eq 1 or B eq 2) and C eq 3`},
		{"or in or flat", Or(Or(Eq("a", 1), Eq("b", 2)), Eq("c", 3)), `a eq 1 or b eq 2 or c eq 3`, `A eq 1 or B eq 2 or C eq 3`},
		{"single operand", And(Or(Eq("a", 1), Eq("b", 2))), `a eq 1 or b eq 2`, `A eq 1 or B eq 2`},
		{"single or operand in and", And(Or(Or(Eq("a", 1), Eq("b", 2))), Eq("c", 3)), `(a eq 1 or b eq 2) and c eq 3`, `(A eq 1 or B eq 2) and C eq 3`},
		{"nil skipped", And(nil, Eq("a", 1), nil), `a eq 1`, `A eq 1`},
		{"not function", Not(StartsWith("displayName", "a")), `not startswith(displayName,'a')`, `not startswith(DisplayName,'a')`},
		{"not comparison", Not(Eq("a", 1)), `not (a eq 1)`, `not (A eq 1)`},
		{"not and", Not(And(Eq("a", 1), Eq("b", 2))), `not (a eq 1 and b eq 2)`, `not (A eq 1 and B eq 2)`},
		{"not in and", And(Not(Eq("a", 1)), Eq("b", 2)), `not (a eq 1) and b eq 2`, `not (A eq 1) and B eq 2`},
		{"any", Any("toRecipients", "r", Eq("r/emailAddress/address", "bob@contoso.com")),
			`toRecipients/any(r:r/emailAddress/address eq 'bob@contoso.com')`, `ToRecipients/any(r:r/EmailAddress/Address eq 'bob@contoso.com')`},
		{"any primitive", Any("groupTypes", "c", Eq("c", "Unified")), `groupTypes/any(c:c eq 'Unified')`, `GroupTypes/any(c:c eq 'Unified')`},
		{"all", All("attendees", "a", Ne("a/type", "optional")), `attendees/all(a:a/type ne 'optional')`, `Attendees/all(a:a/Type ne 'optional')`},
		{"any empty", Any("attachments", "", nil), `attachments/any()`, `Attachments/any()`},
		{"nested lambda", Any("a", "x", Any("x/b", "y", And(Eq("y/c", 1), Eq("x/d", 2)))),
			`a/any(x:x/b/any(y:y/c eq 1 and x/d eq 2))`, `A/any(x:x/B/any(y:y/C eq 1 and x/D eq 2))`},
		{"not any", Not(Any("groupTypes", "c", Eq("c", "Unified"))), `not groupTypes/any(c:c eq 'Unified')`, `not GroupTypes/any(c:c eq 'Unified')`},
		{"raw alone", RawFilter("Subject eq 'x'"), `Subject eq 'x'`, `Subject eq 'x'`},
		{"raw combined", And(RawFilter("a eq 1 or b eq 2"), Eq("c", 3)), `(a eq 1 or b eq 2) and c eq 3`, `(a eq 1 or b eq 2) and C eq 3`},
		{"count segment", Eq("owners/$count", 0), `owners/$count eq 0`, `Owners/$count eq 0`},
		{"type cast", Eq("microsoft.graph.user/mail", "x"), `microsoft.graph.user/mail eq 'x'`, `microsoft.graph.user/Mail eq 'x'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := renderFilter(tt.f, nil)
			if err != nil || got != tt.camel {
				t.Errorf("camel: got %q, %v\nwant %q", got, err, tt.camel)
			}
			got, err = renderFilter(tt.f, pascal)
			if err != nil || got != tt.pasc {
				t.Errorf("Pascal: got %q, %v\nwant %q", got, err, tt.pasc)
			}
		})
	}
}

func TestFilterErrors(t *testing.T) {
	tests := []struct {
		name string
		f    Filter
	}{
		{"NaN", Eq("a", math.NaN())},
		{"Inf", Eq("a", math.Inf(1))},
		{"float32 Inf", Eq("a", float32(math.Inf(-1)))},
		{"duration", Eq("a", time.Second)},
		{"struct", Eq("a", struct{}{})},
		{"map", Eq("a", map[string]int{})},
		{"hostile field", Eq("subject eq 'x' or true", 1)},
		{"field quote", Eq("a'", 1)},
		{"field paren", Contains("a)", "x")},
		{"empty field", Eq("", 1)},
		{"empty segment", Eq("a//b", 1)},
		{"bad guid", Eq("id", GUID("1 or 1 eq 1"))},
		{"bad enum type", Eq("x", Enum{Type: "a'b", Value: "c"})},
		{"empty in", In("a")},
		{"empty in slice", In("a", []string{})},
		{"empty or", Or()},
		{"empty and nested", Or(And(), Eq("a", 1))},
		{"not nil", Not(nil)},
		{"bad variable", Any("a", "x y", Eq("x", 1))},
		{"all without condition", All("a", "x", nil)},
		{"empty raw", And(RawFilter(" "), Eq("a", 1))},
	}
	for _, tt := range tests {
		if got, err := renderFilter(tt.f, nil); !errors.Is(err, ErrInvalidQuery) {
			t.Errorf("%s: got %q, %v; want ErrInvalidQuery", tt.name, got, err)
		}
	}
}

func TestQueryEncode(t *testing.T) {
	pascal := &Protocol{KeyCase: PascalCase, MaxTop: 100}
	tests := []struct {
		name        string
		q           *Query
		camel, pasc string
	}{
		{"nil", nil, ``, ``},
		{"empty", NewQuery(), ``, ``},
		{"select", NewQuery().Select("id", "subject,from/emailAddress"), `$select=id,subject,from/emailAddress`, `$select=Id,Subject,From/EmailAddress`},
		{"expand nested options", NewQuery().Expand("attachments($select=name)", "extensions"),
			`$expand=attachments($select%3Dname),extensions`, `$expand=Attachments($select%3Dname),Extensions`},
		{"filters anded", NewQuery().Filter(Eq("isRead", false)).Filter(Or(Eq("a", 1), Eq("b", 2))),
			`$filter=isRead%20eq%20false%20and%20(a%20eq%201%20or%20b%20eq%202)`, `$filter=IsRead%20eq%20false%20and%20(A%20eq%201%20or%20B%20eq%202)`},
		{"empty and ignored", NewQuery().Filter(And()).Filter(nil), ``, ``},
		{"orderby", NewQuery().OrderByDesc("receivedDateTime").OrderBy("subject"),
			`$orderby=receivedDateTime%20desc,subject`, `$orderby=ReceivedDateTime%20desc,Subject`},
		{"search quoted", NewQuery().Search(`say "hi" \o/`), `$search=%22say%20%5C%22hi%5C%22%20%5C%5Co/%22`, `$search=%22say%20%5C%22hi%5C%22%20%5C%5Co/%22`},
		{"search raw", NewQuery().SearchRaw(`"displayName:wa" OR "mail:wa"`), `$search=%22displayName:wa%22%20OR%20%22mail:wa%22`, `$search=%22displayName:wa%22%20OR%20%22mail:wa%22`},
		{"top capped", NewQuery().Top(5000), `$top=999`, `$top=100`},
		{"limit lowers top", NewQuery().Top(50).Limit(10), `$top=10`, `$top=10`},
		{"limit sets top", NewQuery().Limit(7), `$top=7`, `$top=7`},
		{"limit above top", NewQuery().Top(5).Limit(70), `$top=5`, `$top=5`},
		{"skip count", NewQuery().Skip(20).Count(), `$count=true&$skip=20`, `$count=true&$skip=20`},
		{"params", NewQuery().Param("startDateTime", "2024-01-01T00:00:00Z").Param("$skiptoken", "a&b=c"),
			`$skiptoken=a%26b%3Dc&startDateTime=2024-01-01T00:00:00Z`, `$skiptoken=a%26b%3Dc&startDateTime=2024-01-01T00:00:00Z`},
		{"hostile value is encoded", NewQuery().Filter(Eq("subject", "a&$top=1#'")),
			`$filter=subject%20eq%20'a%26$top%3D1%23'''`, `$filter=Subject%20eq%20'a%26$top%3D1%23'''`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.q.String(nil); got != tt.camel {
				t.Errorf("camel: got  %s\nwant %s", got, tt.camel)
			}
			if got := tt.q.String(pascal); got != tt.pasc {
				t.Errorf("Pascal: got  %s\nwant %s", got, tt.pasc)
			}
			if err := tt.q.Err(); err != nil {
				t.Errorf("Err() = %v", err)
			}
		})
	}
}

func TestQueryHostileRoundTrip(t *testing.T) {
	// Whatever the user types, the decoded $filter holds one string literal.
	for _, s := range []string{`'`, `''`, `' or 1 eq 1 --`, `%27`, `a&b=c`, `#frag`, "tab\tnl\n", `\'`, `é'ü`} {
		v, err := NewQuery().Filter(Eq("subject", s)).encode(nil)
		if err != nil {
			t.Fatal(err)
		}
		back, err := url.ParseQuery(encodeQuery(v))
		if err != nil {
			t.Fatal(err)
		}
		f := back.Get("$filter")
		lit, ok := strings.CutPrefix(f, "subject eq '")
		if !ok || !strings.HasSuffix(lit, "'") {
			t.Fatalf("%q: filter %q", s, f)
		}
		inner := lit[:len(lit)-1]
		if strings.ReplaceAll(inner, "''", "") != strings.ReplaceAll(s, "'", "") {
			t.Errorf("%q: unescaped quote in %q", s, f)
		}
		if strings.ReplaceAll(inner, "''", "'") != s {
			t.Errorf("%q: literal decodes to %q", s, inner)
		}
	}
}

func TestQueryErrors(t *testing.T) {
	tests := map[string]*Query{
		"negative top":      NewQuery().Top(-1),
		"negative skip":     NewQuery().Skip(-1),
		"negative limit":    NewQuery().Limit(-3),
		"bad select":        NewQuery().Select("id,sub ject"),
		"empty select item": NewQuery().Select("id,,x"),
		"bad expand":        NewQuery().Expand("a b"),
		"unbalanced expand": NewQuery().Expand("a($select=x"),
		"bad orderby":       NewQuery().OrderBy("a desc"),
		"managed param":     NewQuery().Param("$FILTER", "x"),
		"empty param key":   NewQuery().Param("", "x"),
		"NaN":               NewQuery().Filter(Eq("a", math.NaN())),
		"empty or":          NewQuery().Filter(Or()),
	}
	for name, q := range tests {
		if err := q.Err(); !errors.Is(err, ErrInvalidQuery) {
			t.Errorf("%s: Err() = %v", name, err)
		}
		if _, err := q.encode(Graph()); !errors.Is(err, ErrInvalidQuery) {
			t.Errorf("%s: encode err = %v", name, err)
		}
		if s := q.String(nil); !strings.HasPrefix(s, "<o365: invalid query") {
			t.Errorf("%s: String = %q", name, s)
		}
	}
	// The first mistake is kept.
	err := NewQuery().Top(-1).Skip(-2).Err()
	if err == nil || !strings.Contains(err.Error(), "$top") {
		t.Errorf("first error: %v", err)
	}
}

func TestQueryHelpers(t *testing.T) {
	var nilQ *Query
	if nilQ.eventual() || nilQ.limit() != 0 || nilQ.clone() != nil || nilQ.Err() != nil {
		t.Error("nil query helpers")
	}
	if q := nilQ.Select("id"); q.String(nil) != "$select=id" {
		t.Errorf("setter on nil query: %q", q.String(nil))
	}
	if NewQuery().Top(3).eventual() {
		t.Error("plain query is eventual")
	}
	if !NewQuery().Count().eventual() || !NewQuery().Search("x").eventual() {
		t.Error("$count and $search need ConsistencyLevel: eventual")
	}
	if NewQuery().Limit(12).limit() != 12 {
		t.Error("limit")
	}
	orig := NewQuery().Select("a").Param("k", "v").Filter(Eq("x", 1))
	c := orig.clone()
	c.Select("b").Param("k", "w").Filter(Eq("y", 2)).OrderBy("z")
	if got, want := orig.String(nil), "$filter=x%20eq%201&$select=a&k=v"; got != want {
		t.Errorf("clone shares state: %s", got)
	}
	if got, want := c.String(nil), "$filter=x%20eq%201%20and%20y%20eq%202&$orderby=z&$select=a,b&k=v&k=w"; got != want {
		t.Errorf("clone: %s, want %s", got, want)
	}
}

func BenchmarkQueryEncode(b *testing.B) {
	q := NewQuery().
		Select("id", "subject", "from", "receivedDateTime").
		Filter(And(Eq("isRead", false), Ge("receivedDateTime", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)))).
		Filter(Any("toRecipients", "r", Eq("r/emailAddress/address", "bob@contoso.com"))).
		OrderByDesc("receivedDateTime").Top(50)
	for _, p := range []*Protocol{Graph(), Office365()} {
		b.Run(p.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := q.encode(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// FuzzFilterLiteral checks that no string, however hostile, escapes its literal:
// after URL decoding, the filter is the comparison and one literal that unescapes
// to the input.
func FuzzFilterLiteral(f *testing.F) {
	for _, s := range []string{`'`, `' or 1 eq 1 --`, `%27`, `a&$top=1#`, "\x00\n", `é'ü`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := NewQuery().Filter(Eq("subject", s)).encode(nil)
		if err != nil {
			t.Fatal(err)
		}
		back, err := url.ParseQuery(encodeQuery(v))
		if err != nil {
			t.Fatal(err)
		}
		if len(back) != 1 {
			t.Fatalf("%q added parameters: %v", s, back)
		}
		lit, ok := strings.CutPrefix(back.Get("$filter"), "subject eq '")
		if !ok || !strings.HasSuffix(lit, "'") {
			t.Fatalf("%q: filter %q", s, back.Get("$filter"))
		}
		inner := lit[:len(lit)-1]
		if strings.Count(strings.ReplaceAll(inner, "''", ""), "'") != 0 || strings.ReplaceAll(inner, "''", "'") != s {
			t.Fatalf("%q: literal %q", s, inner)
		}
	})
}

func TestDirectoryAdvanced(t *testing.T) {
	for name, tt := range map[string]struct {
		q    *Query
		want bool
	}{
		"nil":              {nil, false},
		"eq":               {NewQuery().Filter(Eq("displayName", "Ann")), false},
		"startswith":       {NewQuery().Filter(StartsWith("displayName", "A")).Top(5), false},
		"orderby alone":    {NewQuery().OrderBy("displayName"), false},
		"any eq":           {NewQuery().Filter(Any("proxyAddresses", "p", Eq("p", "smtp:a@b.c"))), false},
		"ne":               {NewQuery().Filter(Ne("accountEnabled", true)), true},
		"nested ne":        {NewQuery().Filter(And(Eq("a", 1), Or(Eq("b", 2), Ne("c", 3)))), true},
		"not":              {NewQuery().Filter(Not(StartsWith("displayName", "A"))), true},
		"endswith":         {NewQuery().Filter(EndsWith("mail", "@contoso.com")), true},
		"filter + orderby": {NewQuery().Filter(Eq("department", "Sales")).OrderBy("displayName"), true},
		"search":           {NewQuery().Search("displayName:wa"), true},
		"count":            {NewQuery().Count(), true},
		"raw ne":           {NewQuery().Filter(RawFilter("accountEnabled ne true")), true},
		"raw endswith":     {NewQuery().Filter(RawFilter("endsWith(mail,'@x.com')")), true},
		"raw plain":        {NewQuery().Filter(RawFilter("displayName eq 'Nelly'")), false},
		"lambda with not":  {NewQuery().Filter(Any("assignedLicenses", "l", Not(Eq("l/skuId", "x")))), true},
	} {
		if got := tt.q.DirectoryAdvanced(); got != tt.want {
			t.Errorf("%s: DirectoryAdvanced() = %v, want %v", name, got, tt.want)
		}
	}
}
