package recurrence

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseAcceptsWhatClientsSend(t *testing.T) {
	tests := []struct {
		name string
		body string
		want PatternedRecurrence
	}{{
		name: "Graph docs: every other Monday and Tuesday",
		body: `{"pattern":{"type":"weekly","interval":2,"daysOfWeek":["Monday","Tuesday"]},
			"range":{"type":"noEnd","startDate":"2017-05-15"}}`,
		want: PatternedRecurrence{
			Pattern: Pattern{Type: Weekly, Interval: 2, DaysOfWeek: []time.Weekday{time.Monday, time.Tuesday}},
			Range:   Range{Type: NoEnd, StartDate: Date{2017, 5, 15}},
		},
	}, {
		name: "msgraph-sdk-go: @odata.type annotations",
		body: `{"@odata.type":"#microsoft.graph.patternedRecurrence",
			"pattern":{"@odata.type":"#microsoft.graph.recurrencePattern","type":"relativeMonthly","interval":1,"daysOfWeek":["thursday","friday"],"index":"first"},
			"range":{"@odata.type":"#microsoft.graph.recurrenceRange","type":"numbered","startDate":"2017-04-02","numberOfOccurrences":10}}`,
		want: PatternedRecurrence{
			Pattern: Pattern{Type: RelativeMonthly, Interval: 1, DaysOfWeek: []time.Weekday{time.Thursday, time.Friday}, Index: First},
			Range:   Range{Type: Numbered, StartDate: Date{2017, 4, 2}, NumberOfOccurrences: 10},
		},
	}, {
		name: "a Graph answer sent back: every member, unused ones zero",
		body: `{"pattern":{"type":"relativeYearly","interval":1,"month":1,"dayOfMonth":0,"daysOfWeek":["monday"],"firstDayOfWeek":"sunday","index":"first"},
			"range":{"type":"noEnd","startDate":"2016-04-07","endDate":"0001-01-01","recurrenceTimeZone":"UTC","numberOfOccurrences":0}}`,
		want: PatternedRecurrence{
			Pattern: Pattern{Type: RelativeYearly, Interval: 1, Month: 1, DaysOfWeek: []time.Weekday{time.Monday}, FirstDayOfWeek: time.Sunday, Index: First},
			Range:   Range{Type: NoEnd, StartDate: Date{2016, 4, 7}, EndDate: Date{1, 1, 1}, RecurrenceTimeZone: "UTC"},
		},
	}, {
		name: "Outlook REST casing and nulls for nullable members",
		body: `{"Pattern":{"Type":"AbsoluteYearly","Interval":3,"Month":3,"DayOfMonth":15,"DaysOfWeek":null,"FirstDayOfWeek":null,"Index":null},
			"Range":{"Type":"EndDate","StartDate":"2017-03-15","EndDate":"2029-03-15","RecurrenceTimeZone":null}}`,
		want: PatternedRecurrence{
			Pattern: Pattern{Type: AbsoluteYearly, Interval: 3, Month: 3, DayOfMonth: 15},
			Range:   Range{Type: EndDate, StartDate: Date{2017, 3, 15}, EndDate: Date{2029, 3, 15}},
		},
	}, {
		name: "firstDayOfWeek",
		body: `{"pattern":{"type":"weekly","interval":1,"daysOfWeek":["sunday"],"firstDayOfWeek":"monday"},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
		want: PatternedRecurrence{
			Pattern: Pattern{Type: Weekly, Interval: 1, DaysOfWeek: []time.Weekday{time.Sunday}, FirstDayOfWeek: time.Monday},
			Range:   Range{Type: NoEnd, StartDate: Date{2024, 1, 1}},
		},
	}}
	for _, tt := range tests {
		got, err := Parse([]byte(tt.body))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, tt.want)
		}
		// json.Unmarshal takes the same path.
		var viaJSON PatternedRecurrence
		if err := json.Unmarshal([]byte(tt.body), &viaJSON); err != nil || !reflect.DeepEqual(viaJSON, got) {
			t.Errorf("%s: json.Unmarshal = %+v, %v", tt.name, viaJSON, err)
		}
	}
}

func TestFromJSONTakesDecodedBodies(t *testing.T) {
	// A handler's body decoded without UseNumber holds float64s.
	var v any
	if err := json.Unmarshal([]byte(`{"pattern":{"type":"daily","interval":2},"range":{"type":"numbered","startDate":"2024-01-01","numberOfOccurrences":5}}`), &v); err != nil {
		t.Fatal(err)
	}
	got, err := FromJSON(v)
	if err != nil {
		t.Fatal(err)
	}
	if got.Pattern.Interval != 2 || got.Range.NumberOfOccurrences != 5 {
		t.Errorf("FromJSON = %+v", got)
	}
}

func TestParseRefusesWhatGraphRefuses(t *testing.T) {
	tests := []struct {
		body, member, message string
	}{
		{`{"pattern":{"type":"weekly","interval":1,"daysOfWeek":["monday"],"dayOfWeek":"monday"},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			"dayOfWeek", "The property 'dayOfWeek' does not exist on type 'microsoft.graph.recurrencePattern'. Make sure to only use property names that are defined by the type or mark the type as open type."},
		{`{"pattern":{"type":"daily","interval":1},"range":{"type":"noEnd","startDate":"2024-01-01","count":3}}`,
			"count", "The property 'count' does not exist on type 'microsoft.graph.recurrenceRange'. Make sure to only use property names that are defined by the type or mark the type as open type."},
		{`{"pattern":{"type":"daily","interval":1},"range":{"type":"noEnd","startDate":"2024-01-01"},"exceptions":[]}`,
			"exceptions", "The property 'exceptions' does not exist on type 'microsoft.graph.patternedRecurrence'. Make sure to only use property names that are defined by the type or mark the type as open type."},
		{`{"pattern":{"type":"fortnightly","interval":1},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			"type", "Requested value 'fortnightly' was not found."},
		{`{"pattern":{"type":"weekly","interval":1,"daysOfWeek":["mon"]},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			"daysOfWeek", "Requested value 'mon' was not found."},
		{`{"pattern":{"type":"relativeMonthly","interval":1,"daysOfWeek":["monday"],"index":"fifth"},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			"index", "Requested value 'fifth' was not found."},
		{`{"pattern":{"type":"daily","interval":1,"firstDayOfWeek":"someday"},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			"firstDayOfWeek", "Requested value 'someday' was not found."},
		{`{"pattern":{"type":"daily","interval":1},"range":{"type":"forever","startDate":"2024-01-01"}}`,
			"type", "Requested value 'forever' was not found."},
		{`{"pattern":{"type":"daily","interval":null},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			"interval", "A null value was found for the property named 'interval', which has the expected type 'Edm.Int32[Nullable=False]'. The expected type 'Edm.Int32[Nullable=False]' does not allow null values."},
		{`{"pattern":{"type":"daily","interval":"2"},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			"interval", "Cannot convert the literal '2' to the expected type 'Edm.Int32'."},
		{`{"pattern":{"type":"daily","interval":1.5},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			"interval", "Cannot convert the literal '1.5' to the expected type 'Edm.Int32'."},
		{`{"pattern":{"type":"daily","interval":4294967296},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			"interval", "Cannot convert the literal '4294967296' to the expected type 'Edm.Int32'."},
		{`{"pattern":{"type":"daily","interval":1},"range":{"type":"noEnd","startDate":"2024-02-30"}}`,
			"startDate", "Cannot convert the literal '2024-02-30' to the expected type 'Edm.Date'."},
		{`{"pattern":{"type":"daily","interval":1},"range":{"type":"noEnd","startDate":"2024-02-03T00:00:00Z"}}`,
			"startDate", "Cannot convert the literal '2024-02-03T00:00:00Z' to the expected type 'Edm.Date'."},
		{`{"pattern":{"type":"weekly","interval":1,"daysOfWeek":"monday"},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			"daysOfWeek", "An unexpected 'PrimitiveValue' node was found when reading from the JSON reader. A 'StartArray' node was expected."},
		{`{"pattern":[],"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			"pattern", "An unexpected 'StartArray' node was found when reading from the JSON reader. A 'StartObject' node was expected."},
		{`{"pattern":{"type":{"name":"daily"},"interval":1},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			"type", "An unexpected 'StartObject' node was found when reading from the JSON reader. A 'PrimitiveValue' node was expected."},
		{`{"pattern":{"type":7,"interval":1},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			"type", "Cannot convert the literal '7' to the expected type 'microsoft.graph.recurrencePatternType'."},
		{`{"pattern":{"type":"weekly","interval":1,"daysOfWeek":[null]},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			"daysOfWeek", "A null value was found in a collection of the non-nullable type 'microsoft.graph.dayOfWeek'."},
		{`null`, "recurrence", "An unexpected 'PrimitiveValue' node was found when reading from the JSON reader. A 'StartObject' node was expected."},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.body))
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%s) = %v, want a *Error", tt.body, err)
			continue
		}
		if e.Code != CodeRequestBodyRead || e.Message != tt.message || e.Member != tt.member {
			t.Errorf("Parse(%s):\n got %s %q %q\nwant %s %q %q", tt.body, e.Code, e.Member, e.Message, CodeRequestBodyRead, tt.member, tt.message)
		}
	}
	for _, bad := range []string{``, `{`, `{"pattern":{}} {}`, `[1,2]`} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		} else if !strings.HasPrefix(err.Error(), "recurrence: ") {
			t.Errorf("Parse(%q) error %q does not say where it comes from", bad, err)
		}
	}
}

func TestNormalizeIsGraphsReadBack(t *testing.T) {
	rec, err := Parse([]byte(`{"pattern":{"type":"Weekly","interval":1,"daysOfWeek":["Thursday","monday","thursday"],"dayOfMonth":12,"month":3,"index":"last"},
		"range":{"type":"EndDate","startDate":"2017-03-02","endDate":"2017-03-31","numberOfOccurrences":4}}`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(rec.Normalize("Pacific Standard Time"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"pattern":{"type":"weekly","interval":1,"month":0,"dayOfMonth":0,"daysOfWeek":["monday","thursday"],"firstDayOfWeek":"sunday","index":"first"},` +
		`"range":{"type":"endDate","startDate":"2017-03-02","endDate":"2017-03-31","recurrenceTimeZone":"Pacific Standard Time","numberOfOccurrences":0}}`
	if string(b) != want {
		t.Errorf("Normalize:\n got %s\nwant %s", b, want)
	}
	// The answer parses back to itself.
	again, err := Parse(b)
	if err != nil || !reflect.DeepEqual(again.Normalize("x"), rec.Normalize("Pacific Standard Time")) {
		t.Errorf("read back: %+v, %v", again, err)
	}
	// A zone sent in the request is kept.
	rec.Range.RecurrenceTimeZone = "UTC"
	if got := rec.Normalize("Pacific Standard Time").Range.RecurrenceTimeZone; got != "UTC" {
		t.Errorf("recurrenceTimeZone = %q, want the one sent", got)
	}
	// A relative pattern keeps index and month; numbered keeps its count.
	rel := PatternedRecurrence{
		Pattern: Pattern{Type: RelativeYearly, Interval: 1, Month: 11, DayOfMonth: 3, DaysOfWeek: []time.Weekday{time.Wednesday}, Index: Last},
		Range:   Range{Type: Numbered, StartDate: Date{2024, 1, 1}, EndDate: Date{2025, 1, 1}, NumberOfOccurrences: 3},
	}.Normalize("UTC")
	if rel.Pattern.Month != 11 || rel.Pattern.DayOfMonth != 0 || rel.Pattern.Index != Last || !rel.Range.EndDate.IsZero() || rel.Range.NumberOfOccurrences != 3 {
		t.Errorf("Normalize(relativeYearly, numbered) = %+v", rel)
	}
}
