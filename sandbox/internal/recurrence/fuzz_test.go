package recurrence

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	rrule "github.com/teambition/rrule-go"
)

var fuzzSeeds = []string{
	`{"pattern":{"type":"weekly","interval":1,"daysOfWeek":["Monday","wednesday"]},"range":{"type":"numbered","startDate":"2024-03-20","numberOfOccurrences":10}}`,
	`{"pattern":{"type":"relativeMonthly","interval":2,"daysOfWeek":["Thursday"],"index":"first"},"range":{"type":"noEnd","startDate":"2017-08-29"}}`,
	`{"pattern":{"type":"absoluteMonthly","interval":1,"dayOfMonth":31},"range":{"type":"endDate","startDate":"2024-01-01","endDate":"2024-12-31","recurrenceTimeZone":"UTC"}}`,
	`{"pattern":{"type":"absoluteYearly","interval":1,"month":2,"dayOfMonth":29},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
	`{"pattern":{"type":"relativeYearly","interval":1,"month":3,"daysOfWeek":["sunday"],"index":"last"},"range":{"type":"numbered","startDate":"1601-01-01","numberOfOccurrences":2147483647}}`,
	`{"pattern":{"type":"daily","interval":1,"month":0,"dayOfMonth":0,"daysOfWeek":[],"firstDayOfWeek":"sunday","index":"first"},"range":{"type":"noEnd","startDate":"4500-08-31","endDate":"0001-01-01","numberOfOccurrences":0}}`,
	`{"@odata.type":"#microsoft.graph.patternedRecurrence","pattern":{"type":"weekly","interval":99,"daysOfWeek":["sunday","saturday"],"firstDayOfWeek":"saturday"},"range":{"type":"endDate","startDate":"2024-01-01","endDate":"4500-08-31"}}`,
	`{"pattern":{"type":"daily","interval":"1"},"range":null}`,
	`{"pattern":{"type":"weekly"},"range":{"type":"noEnd"}}`,
	`{"Pattern":{"Type":"RelativeMonthly","Interval":1,"DaysOfWeek":["Monday","Tuesday","Wednesday","Thursday","Friday"],"Index":"Last"},"Range":{"Type":"Numbered","StartDate":"2024-08-01","NumberOfOccurrences":5}}`,
	`[]`, `null`, `{"pattern":{"type":"daily","interval":1e3}}`,
}

// FuzzParse feeds request bodies through everything a body reaches: Parse,
// Validate, NewSeries and the expansion, which must answer with a *Error
// or with occurrences that keep the series' invariants.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	ber, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rec, err := Parse(body)
		var e *Error
		if err != nil {
			if !errors.As(err, &e) || e.Code != CodeRequestBodyRead {
				t.Fatalf("Parse error %v is not a RequestBodyRead *Error", err)
			}
			return
		}
		if err := rec.Validate(); err != nil {
			if !errors.As(err, &e) || e.Message == "" {
				t.Fatalf("Validate error %v is not a *Error with a message", err)
			}
			return
		}
		// Graph's read-back form parses back to the same recurrence.
		norm := rec.Normalize("Europe/Berlin")
		b, err := json.Marshal(norm)
		if err != nil {
			t.Fatal(err)
		}
		again, err := Parse(b)
		if err != nil || !reflect.DeepEqual(again.Normalize("Europe/Berlin"), norm) {
			t.Fatalf("read-back %s parses to %+v, %v", b, again, err)
		}

		start := time.Date(2024, 1, 10, 2, 30, 0, 0, ber)
		s, err := NewSeries(Master{Recurrence: rec, Start: start, End: start.Add(50 * time.Minute)})
		if err != nil {
			if !errors.As(err, &e) {
				t.Fatalf("NewSeries error %v is not a *Error", err)
			}
			return
		}
		first := s.First()
		if first.Index != 1 || first.OriginalDate.Compare(rec.Range.StartDate) < 0 {
			t.Fatalf("First = %+v for range starting %s", first, rec.Range.StartDate)
		}
		if _, err := rrule.StrToRRule(s.RRule()); err != nil {
			t.Fatalf("RRule %q does not parse: %v", s.RRule(), err)
		}
		from := first.Start.AddDate(0, 0, 40)
		to := from.AddDate(0, 3, 0)
		prev := Occurrence{}
		n := 0
		for o := range s.Between(from, to) {
			if !o.Start.Before(to) || !o.End.After(from) {
				t.Fatalf("%+v is outside [%s, %s)", o, from, to)
			}
			if prev.Index != 0 && (o.Index <= prev.Index || o.Start.Before(prev.Start)) {
				t.Fatalf("%+v follows %+v", o, prev)
			}
			if got, err := s.Occurrence(o.OriginalDate); err != nil || got != o {
				t.Fatalf("Occurrence(%s) = %+v, %v; want %+v", o.OriginalDate, got, err, o)
			}
			if got, err := s.Nth(o.Index); err != nil || got != o {
				t.Fatalf("Nth(%d) = %+v, %v; want %+v", o.Index, got, err, o)
			}
			prev = o
			if n++; n > 100 {
				break
			}
		}
		if last, ok := s.Last(); ok && (last.Index < first.Index || last.Start.Before(first.Start)) {
			t.Fatalf("Last %+v is before First %+v", last, first)
		}
		// The end of the calendar: lookups past it fail, windows stop at it.
		if _, err := s.Occurrence(maxDate.AddDays(1)); err == nil {
			t.Fatal("an occurrence after 4500-08-31")
		}
		if o, err := s.Nth(1<<31 - 1); err == nil && o.OriginalDate.Compare(maxDate) > 0 {
			t.Fatalf("Nth(2^31-1) = %+v", o)
		}
		n = 0
		for o := range s.Between(time.Date(4500, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)) {
			if o.OriginalDate.Compare(maxDate) > 0 {
				t.Fatalf("%+v is after the calendar's end", o)
			}
			if n++; n > 100 {
				break
			}
		}
	})
}
