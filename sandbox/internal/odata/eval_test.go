package odata

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestEval(t *testing.T) {
	tests := []struct {
		filter string
		want   bool
	}{
		// comparison, case-insensitive strings
		{"subject eq 'Quarterly Report: Q3'", true},
		{"subject eq 'quarterly report: q3'", true},
		{"subject eq 'Quarterly'", false},
		{"subject ne 'x'", true},
		{"subject ne 'QUARTERLY REPORT: Q3'", false},
		{"subject gt 'a'", true},
		{"subject lt 'R'", true},
		{"unicodeName eq 'üNÏCÖDÉ STRASSE'", false}, // simple folding only, no ß expansion
		{"unicodeName eq 'ünïcödé straße'", true},
		{"isRead eq false", true},
		{"isRead", false},
		{"hasAttachments", true},
		{"isRead lt true", true},
		{"size eq 2048", true},
		{"size eq 2048.0", true},
		{"size gt 2047.5", true},
		{"size ge 2048", true},
		{"size lt 2048", false},
		{"size le 2048", true},
		{"ratio eq 5e-1", true},
		{"ratio gt -1", true},
		// null and missing
		{"flag eq null", true},
		{"missing eq null", true},
		{"subject eq null", false},
		{"flag ne null", false},
		{"subject ne null", true},
		{"missing gt 1", false},
		{"missing lt 1", false},
		{"null eq null", true},
		{"not (missing eq 'x')", true},
		{"missing/deeper eq 'x'", false},
		// case-insensitive property names
		{"SUBJECT eq 'quarterly report: q3'", true},
		{"From/EmailAddress/Address eq 'ALICE@contoso.com'", true},
		// logical and three-valued null logic
		{"isRead eq false and size gt 1", true},
		{"isRead eq true and size gt 1", false},
		{"isRead eq true or size gt 1", true},
		{"isRead eq true or size gt 10000", false},
		{"not isRead", true},
		{"not hasAttachments", false},
		{"missing or true", true},
		{"missing and false", false},
		{"missing and true", false},
		{"not missing", false},
		// in and has
		{"importance in ('low', 'HIGH')", true},
		{"importance in ('low', 'normal')", false},
		{"size in (1, 2048)", true},
		{"missing in ('a', null)", true},
		{"importance has 'high'", true},
		{"importance has microsoft.graph.importance'high'", true},
		{"importance eq microsoft.graph.importance'High'", true},
		{"flags has 'write'", true},
		{"flags has 'delete'", false},
		{"missing has 'x'", false},
		// string functions
		{"contains(subject, 'report')", true},
		{"contains(subject, 'REPORT')", true},
		{"contains(subject, 'memo')", false},
		{"contains(missing, 'x')", false},
		{"startswith(subject, 'quart')", true},
		{"startswith(subject, 'report')", false},
		{"endswith(from/emailAddress/address, '@CONTOSO.com')", true},
		{"endswith(subject, 'Q4')", false},
		{"tolower(subject) eq 'quarterly report: q3'", true},
		{"toupper(importance) eq 'HIGH'", true},
		{"length(subject) eq 20", true},
		{"length(unicodeName) eq 14", true},
		{"length(categories) eq 2", true},
		{"indexof(subject, 'Report') eq 10", true},
		{"indexof(unicodeName, 'Straße') eq 8", true},
		{"indexof(subject, 'nope') eq -1", true},
		{"substring(subject, 10) eq 'report: q3'", true},
		{"substring(subject, 0, 9) eq 'quarterly'", true},
		{"substring(subject, 100) eq ''", true},
		{"substring(unicodeName, 1, 3) eq 'nïc'", true},
		{"trim(' x ') eq 'x'", true},
		{"concat(concat(from/emailAddress/name, ' <'), 'x') eq 'alice smith <x'", true},
		// date and time
		{"receivedDateTime ge 2024-01-01T00:00:00Z", true},
		{"receivedDateTime eq 2024-03-15T10:30:00Z", true},
		{"receivedDateTime eq 2024-03-15T12:30:00+02:00", true},
		{"receivedDateTime gt 2024-03-15T10:30:00.0000001Z", false},
		{"receivedDateTime lt 2024-03-15T10:30:00.0000001Z", true},
		{"sentDateTime gt 2024-03-15T10:29:00.1234566Z", true},
		{"lastModified eq 2024-03-15T10:30:00Z", true},
		{"receivedDateTime ge 2024-03-15", true},
		{"receivedDateTime le 2024-03-15", true},
		{"receivedDateTime gt 2024-03-15", false},
		{"birthday eq 1990-05-17", true},
		{"birthday lt 1990-05-18T00:00:00Z", true},
		{"year(receivedDateTime) eq 2024", true},
		{"month(receivedDateTime) eq 3", true},
		{"day(receivedDateTime) eq 15", true},
		{"hour(receivedDateTime) eq 10", true},
		{"minute(receivedDateTime) eq 30", true},
		{"second(sentDateTime) eq 0", true},
		{"second(2024-01-01T10:00:07Z) eq 7", true},
		{"hour(lastModified) eq 12", true},
		{"year(2024-05-06) eq 2024", true},
		{"missing ge 2024-01-01T00:00:00Z", false},
		// GUIDs
		{"internetMessageId eq 0F8FAD5B-D9CB-469F-A165-70867728950E", true},
		{"internetMessageId ne 0f8fad5b-d9cb-469f-a165-70867728950e", false},
		// lambdas
		{"toRecipients/any(r: r/emailAddress/address eq 'bob@contoso.com')", true},
		{"toRecipients/any(r: r/emailAddress/address eq 'dave@contoso.com')", false},
		{"toRecipients/all(r: endswith(r/emailAddress/address, '.com'))", true},
		{"toRecipients/all(r: endswith(r/emailAddress/address, 'contoso.com'))", false},
		{"categories/any(c: c eq 'blue')", true},
		{"categories/any(c: startswith(c, 'red'))", true},
		{"categories/all(c: c eq 'Blue')", false},
		{"ccRecipients/any()", false},
		{"ccRecipients/all(r: false)", true},
		{"toRecipients/any()", true},
		{"missing/any(x: true)", false},
		{"missing/all(x: false)", true},
		{"attachments/any(a: a/tags/any(t: t eq 'Q3') and a/size gt 500)", true},
		{"attachments/any(a: a/tags/any(t: t eq 'q3' and a/size lt 500))", false},
		{"attachments/any(a: a/tags/any(t: a/name eq 'report.xlsx' and t eq 'finance'))", true},
		{"attachments/$count eq 2", true},
		{"not toRecipients/any(r: r/emailAddress/address eq 'bob@contoso.com')", false},
		{"toRecipients/any(r: contains(r/emailAddress/name, 'car')) eq true", true},
		// precedence, evaluated
		{"isRead eq true and size gt 1 or hasAttachments", true},
		{"isRead eq true and (size gt 1 or hasAttachments)", false},
	}
	for _, useNumber := range []bool{false, true} {
		doc := decodeDoc(t, sampleMessage, useNumber)
		for _, tt := range tests {
			e, err := ParseFilter(tt.filter)
			if err != nil {
				t.Errorf("ParseFilter(%q): %v", tt.filter, err)
				continue
			}
			got, err := Eval(e, doc)
			if err != nil {
				t.Errorf("Eval(%q) (json.Number %v): %v", tt.filter, useNumber, err)
				continue
			}
			if got != tt.want {
				t.Errorf("Eval(%q) (json.Number %v) = %v, want %v", tt.filter, useNumber, got, tt.want)
			}
		}
	}
}

func TestEvalTypeCast(t *testing.T) {
	doc := map[string]any{"members": []any{
		map[string]any{"@odata.type": "#microsoft.graph.user", "displayName": "Ann"},
		map[string]any{"@odata.type": "#microsoft.graph.group", "displayName": "Team"},
	}}
	for filter, want := range map[string]bool{
		"members/any(m: m/microsoft.graph.user/displayName eq 'ann')":   true,
		"members/any(m: m/microsoft.graph.user/displayName eq 'team')":  false,
		"members/any(m: m/Microsoft.Graph.Group/displayName eq 'team')": true,
	} {
		e, err := ParseFilter(filter)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := Eval(e, doc); got != want || err != nil {
			t.Errorf("Eval(%q) = %v, %v; want %v", filter, got, err, want)
		}
	}
}

func TestEvalGoNumbers(t *testing.T) {
	doc := map[string]any{"a": 3, "b": int64(4), "c": float32(1.5), "d": uint64(7), "e": int32(2)}
	e, err := ParseFilter("a eq 3 and b eq 4 and c eq 1.5 and d gt 6 and e lt 3")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := Eval(e, doc); !ok || err != nil {
		t.Errorf("Eval = %v, %v; want true", ok, err)
	}
}

func TestEvalNilFilter(t *testing.T) {
	if ok, err := Eval(nil, map[string]any{}); !ok || err != nil {
		t.Errorf("Eval(nil) = %v, %v; want true, nil", ok, err)
	}
}

func TestEvalTypeErrors(t *testing.T) {
	tests := []struct{ filter, msg string }{
		{"subject eq 5", `eq cannot compare a string with a number (value "Quarterly Report: Q3")`},
		{"size eq 'x'", `eq cannot compare a number with a string (value "x")`},
		{"isRead eq 1", "eq cannot compare a boolean with a number"},
		{"subject gt 2024-01-01T00:00:00Z", `gt cannot compare a string with a DateTimeOffset (value "Quarterly Report: Q3")`},
		{"from eq 'x'", "eq cannot compare an object with a string"},
		{"subject", "the filter is a string, expected a boolean"},
		{"size", "the filter is a number, expected a boolean"},
		{"not subject", "not needs a boolean, found a string"},
		{"subject and true", "and needs booleans, found a string"},
		{"false or size", "or needs booleans, found a number"},
		{"contains(size, 'x')", "contains needs a string as argument 1, found a number"},
		{"startswith(subject, 1)", "startswith needs a string as argument 2, found a number"},
		{"length(size) eq 1", "length needs a string or a collection, found a number"},
		{"substring(subject, -1) eq 'x'", "substring needs a non-negative integer as argument 2"},
		{"substring(subject, 1, 0.5) eq 'x'", "substring needs a non-negative integer as argument 3"},
		{"year(size) eq 1", "year needs a DateTimeOffset or Date, found a number"},
		{"year(subject) eq 1", `year needs a DateTimeOffset, found "Quarterly Report: Q3"`},
		{"size has 'x'", "has needs an enum property and an enum value, found a number and a string"},
		{"subject/any(x: true)", "subject is a string, expected a collection"},
		{"categories/any(c: c)", "the lambda predicate is a string, expected a boolean"},
		{"toRecipients/emailAddress eq 'x'", "toRecipients is a collection; use any() or all() to reach emailAddress"},
		{"subject/length eq 1", "subject is not an object"},
		{"categories/any(c: c/x eq 1)", "c is not an object"},
		{"attachments/any(a: a/tags/x eq 1)", "a/tags is a collection; use any() or all() to reach x"},
		{"importance in (1)", "eq cannot compare a string with a number"},
	}
	doc := decodeDoc(t, sampleMessage, false)
	for _, tt := range tests {
		e, err := ParseFilter(tt.filter)
		if err != nil {
			t.Errorf("ParseFilter(%q): %v", tt.filter, err)
			continue
		}
		ok, err := Eval(e, doc)
		var ee *EvalError
		if !errors.As(err, &ee) {
			t.Errorf("Eval(%q) = %v, %v; want an *EvalError", tt.filter, ok, err)
			continue
		}
		if !strings.HasPrefix(ee.Msg, tt.msg) || ok {
			t.Errorf("Eval(%q) error %q, want prefix %q", tt.filter, ee.Msg, tt.msg)
		}
		if !strings.HasPrefix(err.Error(), "$filter: ") {
			t.Errorf("Error() = %q", err.Error())
		}
	}
}

func TestEvalErrorMessage(t *testing.T) {
	e, err := ParseFilter("isRead eq false and subject eq 5")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Eval(e, decodeDoc(t, sampleMessage, false))
	want := `$filter: eq cannot compare a string with a number (value "Quarterly Report: Q3") in "subject eq 5"`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

func TestEvalGoValues(t *testing.T) {
	doc := map[string]any{
		"when": time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC),
		"tags": []string{"a", "b"},
		"odd":  struct{}{},
	}
	for filter, want := range map[string]bool{
		"when gt 2024-05-01T11:59:59Z":   true,
		"when lt 2024-05-01":             false,
		"hour(when) eq 12":               true,
		"tags/any(t: t eq 'B')":          true,
		"length(tags) eq 2":              true,
		"odd eq null":                    true, // unknown Go types read as null
		"when eq 2024-05-01T14:00+02:00": true,
	} {
		e, err := ParseFilter(filter)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := Eval(e, doc); got != want || err != nil {
			t.Errorf("Eval(%q) = %v, %v; want %v", filter, got, err, want)
		}
	}
}

func TestEvalConcurrent(t *testing.T) {
	e, err := ParseFilter("attachments/any(a: a/tags/any(t: t eq 'q3')) and receivedDateTime ge 2024-01-01")
	if err != nil {
		t.Fatal(err)
	}
	doc := decodeDoc(t, sampleMessage, false)
	done := make(chan bool)
	for range 4 {
		go func() {
			ok := true
			for range 200 {
				got, err := Eval(e, doc)
				ok = ok && got && err == nil
			}
			done <- ok
		}()
	}
	for range 4 {
		if !<-done {
			t.Error("concurrent Eval gave a wrong answer")
		}
	}
}
