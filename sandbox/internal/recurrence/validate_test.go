package recurrence

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestValidateRefusesWhatExchangeRefuses(t *testing.T) {
	const (
		invalid  = "The recurrence is invalid."
		outRange = "The calendar property falls out of valid range."
	)
	tests := []struct {
		name, body   string
		code, member string
		message      string
	}{
		{"no pattern", `{"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			CodeInvalidRecurrence, "pattern", invalid},
		{"no range", `{"pattern":{"type":"daily","interval":1}}`,
			CodeInvalidRecurrence, "range", invalid},
		{"no pattern type", `{"pattern":{"interval":1},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			CodeInvalidRecurrence, "pattern.type", invalid},
		{"no interval (Graph answered 500 to this)", `{"pattern":{"type":"daily"},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			CodeInvalidRecurrence, "pattern.interval", invalid},
		{"interval 0", `{"pattern":{"type":"weekly","interval":0,"daysOfWeek":["monday"]},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			CodeInvalidRecurrence, "pattern.interval", invalid},
		{"negative interval", `{"pattern":{"type":"daily","interval":-1},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			CodeInvalidRecurrence, "pattern.interval", invalid},
		{"weekly without days", `{"pattern":{"type":"weekly","interval":1},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			CodeInvalidDayForWeeklyRecurrence, "pattern.daysOfWeek", "The value of the DaysOfWeek property is invalid for a weekly recurrence."},
		{"weekly with an empty list", `{"pattern":{"type":"weekly","interval":1,"daysOfWeek":[]},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			CodeInvalidDayForWeeklyRecurrence, "pattern.daysOfWeek", "The value of the DaysOfWeek property is invalid for a weekly recurrence."},
		{"relativeMonthly without days", `{"pattern":{"type":"relativeMonthly","interval":1,"index":"first"},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			CodeInvalidRecurrence, "pattern.daysOfWeek", invalid},
		{"relativeYearly without days", `{"pattern":{"type":"relativeYearly","interval":1,"month":3},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			CodeInvalidRecurrence, "pattern.daysOfWeek", invalid},
		{"absoluteMonthly without dayOfMonth", `{"pattern":{"type":"absoluteMonthly","interval":1},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			CodeOutOfRange, "pattern.dayOfMonth", outRange},
		{"dayOfMonth 32", `{"pattern":{"type":"absoluteMonthly","interval":1,"dayOfMonth":32},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			CodeOutOfRange, "pattern.dayOfMonth", outRange},
		{"absoluteYearly dayOfMonth 0", `{"pattern":{"type":"absoluteYearly","interval":1,"month":2,"dayOfMonth":0},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			CodeOutOfRange, "pattern.dayOfMonth", outRange},
		{"absoluteYearly without month", `{"pattern":{"type":"absoluteYearly","interval":1,"dayOfMonth":1},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			CodeOutOfRange, "pattern.month", outRange},
		{"month 13", `{"pattern":{"type":"relativeYearly","interval":1,"month":13,"daysOfWeek":["monday"]},"range":{"type":"noEnd","startDate":"2024-01-01"}}`,
			CodeOutOfRange, "pattern.month", outRange},
		{"no range type", `{"pattern":{"type":"daily","interval":1},"range":{"startDate":"2024-01-01"}}`,
			CodeInvalidRecurrence, "range.type", invalid},
		{"no startDate (Outlook REST answered ErrorRecurrenceEndDateTooBig here)", `{"pattern":{"type":"daily","interval":3},"range":{"type":"noEnd","numberOfOccurrences":0}}`,
			CodeInvalidRecurrence, "range.startDate", invalid},
		{"startDate before 1601", `{"pattern":{"type":"daily","interval":1},"range":{"type":"noEnd","startDate":"1600-12-31"}}`,
			CodeOutOfRange, "range.startDate", outRange},
		{"endDate range without endDate", `{"pattern":{"type":"daily","interval":1},"range":{"type":"endDate","startDate":"2024-01-01"}}`,
			CodeInvalidRecurrence, "range.endDate", invalid},
		{"endDate range with the zero date Graph writes for none", `{"pattern":{"type":"daily","interval":1},"range":{"type":"endDate","startDate":"2024-01-01","endDate":"0001-01-01"}}`,
			CodeEndDateEarlierThanStartDate, "range.endDate", "EndDate is earlier than StartDate"},
		{"endDate before startDate", `{"pattern":{"type":"daily","interval":1},"range":{"type":"endDate","startDate":"2024-01-02","endDate":"2024-01-01"}}`,
			CodeEndDateEarlierThanStartDate, "range.endDate", "EndDate is earlier than StartDate"},
		{"endDate after 4500-08-31", `{"pattern":{"type":"daily","interval":1},"range":{"type":"endDate","startDate":"2024-01-01","endDate":"4500-09-01"}}`,
			CodeEndDateTooBig, "range.endDate", "Recurrence end date can not exceed Sep 1, 4500 00:00:00."},
		{"numbered without a count", `{"pattern":{"type":"daily","interval":1},"range":{"type":"numbered","startDate":"2024-01-01"}}`,
			CodeInvalidRecurrence, "range.numberOfOccurrences", invalid},
		{"numbered with a negative count", `{"pattern":{"type":"daily","interval":1},"range":{"type":"numbered","startDate":"2024-01-01","numberOfOccurrences":-2}}`,
			CodeInvalidRecurrence, "range.numberOfOccurrences", invalid},
	}
	for _, tt := range tests {
		rec, err := Parse([]byte(tt.body))
		if err != nil {
			t.Errorf("%s: Parse: %v", tt.name, err)
			continue
		}
		err = rec.Validate()
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: Validate = %v, want a *Error", tt.name, err)
			continue
		}
		if e.Code != tt.code || e.Member != tt.member || e.Message != tt.message {
			t.Errorf("%s:\n got %s %s %q\nwant %s %s %q", tt.name, e.Code, e.Member, e.Message, tt.code, tt.member, tt.message)
		}
		if e.Reason == "" || !strings.Contains(e.Error(), e.Reason) || !strings.Contains(e.Error(), e.Code) {
			t.Errorf("%s: %q does not explain itself", tt.name, e.Error())
		}
	}
}

func TestValidateAcceptsIgnoredMembers(t *testing.T) {
	// Members a pattern type does not use are ignored, whatever their value:
	// Graph answers them zero, and clients send them back.
	for _, body := range []string{
		`{"pattern":{"type":"daily","interval":1,"month":0,"dayOfMonth":0,"daysOfWeek":[],"firstDayOfWeek":"sunday","index":"first"},"range":{"type":"noEnd","startDate":"2024-01-01","endDate":"0001-01-01","numberOfOccurrences":0}}`,
		`{"pattern":{"type":"weekly","interval":1,"daysOfWeek":["friday"],"dayOfMonth":45,"month":20},"range":{"type":"numbered","startDate":"2024-01-01","numberOfOccurrences":2,"endDate":"2023-01-01"}}`,
		`{"pattern":{"type":"absoluteMonthly","interval":1,"dayOfMonth":31,"daysOfWeek":["monday"],"index":"last"},"range":{"type":"endDate","startDate":"2024-01-01","endDate":"2024-01-01","numberOfOccurrences":-1}}`,
	} {
		rec, err := Parse([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if err := rec.Validate(); err != nil {
			t.Errorf("Validate(%s) = %v", body, err)
		}
	}
}

func TestValidateCatchesValuesBuiltInGo(t *testing.T) {
	base := PatternedRecurrence{Pattern: Pattern{Type: Weekly, Interval: 1, DaysOfWeek: []time.Weekday{time.Monday}}, Range: Range{Type: NoEnd, StartDate: Date{2024, 1, 1}}}
	for name, mutate := range map[string]func(*PatternedRecurrence){
		"weekday 9":         func(r *PatternedRecurrence) { r.Pattern.DaysOfWeek = []time.Weekday{9} },
		"first day -1":      func(r *PatternedRecurrence) { r.Pattern.FirstDayOfWeek = -1 },
		"pattern type":      func(r *PatternedRecurrence) { r.Pattern.Type = "hourly" },
		"range type":        func(r *PatternedRecurrence) { r.Range.Type = "forever" },
		"week index 'next'": func(r *PatternedRecurrence) { r.Pattern.Index = "next" },
	} {
		r := base
		mutate(&r)
		var e *Error
		if err := r.Validate(); !errors.As(err, &e) || e.Code != CodeOutOfRange {
			t.Errorf("%s: Validate = %v, want %s", name, err, CodeOutOfRange)
		}
	}
	if err := base.Validate(); err != nil {
		t.Errorf("base: %v", err)
	}
}

func TestNewSeriesRefusesWhatExchangeRefuses(t *testing.T) {
	ber := mustZone(t, "Europe/Berlin")
	at := func(d, h, m int) time.Time { return time.Date(2024, 3, d, h, m, 0, 0, ber) }
	weekly := func(days ...time.Weekday) Pattern { return Pattern{Type: Weekly, Interval: 1, DaysOfWeek: days} }
	tests := []struct {
		name       string
		pattern    Pattern
		rng        Range
		start, end time.Time
		exceptions []Exception
		code       string
	}{
		{"end before start", Pattern{Type: Daily, Interval: 1}, Range{Type: NoEnd, StartDate: Date{2024, 3, 4}},
			at(4, 10, 0), at(4, 9, 0), nil, CodeEndDateEarlierThanStartDate},
		{"daily event of 25 hours", Pattern{Type: Daily, Interval: 1}, Range{Type: NoEnd, StartDate: Date{2024, 3, 4}},
			at(4, 10, 0), at(5, 11, 0), nil, CodeOccurrenceTimeSpanTooBig},
		{"Monday and Tuesday, 25 hours", weekly(time.Monday, time.Tuesday), Range{Type: NoEnd, StartDate: Date{2024, 3, 4}},
			at(4, 10, 0), at(5, 11, 0), nil, CodeOccurrenceTimeSpanTooBig},
		{"Sunday and Monday across the week's end, 2 days", weekly(time.Sunday, time.Monday), Range{Type: NoEnd, StartDate: Date{2024, 3, 4}},
			at(4, 10, 0), at(6, 10, 0), nil, CodeOccurrenceTimeSpanTooBig},
		{"monthly, 29 days", Pattern{Type: AbsoluteMonthly, Interval: 1, DayOfMonth: 31}, Range{Type: NoEnd, StartDate: Date{2024, 3, 4}},
			at(4, 10, 0), at(4, 10, 0).AddDate(0, 0, 29), nil, CodeOccurrenceTimeSpanTooBig},
		{"no Monday between Tuesday and Sunday", weekly(time.Monday), Range{Type: EndDate, StartDate: Date{2024, 3, 5}, EndDate: Date{2024, 3, 10}},
			at(5, 10, 0), at(5, 11, 0), nil, CodeHasNoOccurrence},
		{"no December 25 from March 5 to December 24", Pattern{Type: AbsoluteYearly, Interval: 1, Month: 12, DayOfMonth: 25}, Range{Type: EndDate, StartDate: Date{2024, 3, 5}, EndDate: Date{2024, 12, 24}},
			at(5, 10, 0), at(5, 11, 0), nil, CodeHasNoOccurrence},
		{"past the calendar's end", Pattern{Type: AbsoluteYearly, Interval: 1, Month: 12, DayOfMonth: 25}, Range{Type: NoEnd, StartDate: Date{4500, 8, 30}},
			at(5, 10, 0), at(5, 11, 0), nil, CodeHasNoOccurrence},
		{"an exception that is no occurrence", weekly(time.Monday), Range{Type: NoEnd, StartDate: Date{2024, 3, 4}},
			at(4, 10, 0), at(4, 11, 0), []Exception{{OriginalStart: at(5, 10, 0), Cancelled: true}}, CodeOccurrenceNotFound},
		{"an exception at the wrong time of day", weekly(time.Monday), Range{Type: NoEnd, StartDate: Date{2024, 3, 4}},
			at(4, 10, 0), at(4, 11, 0), []Exception{{OriginalStart: at(11, 9, 0), Cancelled: true}}, CodeOccurrenceNotFound},
		{"an exception past a numbered end", weekly(time.Monday), Range{Type: Numbered, StartDate: Date{2024, 3, 4}, NumberOfOccurrences: 2},
			at(4, 10, 0), at(4, 11, 0), []Exception{{OriginalStart: at(18, 10, 0), Cancelled: true}}, CodeOccurrenceNotFound},
		{"two exceptions for one occurrence", weekly(time.Monday), Range{Type: NoEnd, StartDate: Date{2024, 3, 4}},
			at(4, 10, 0), at(4, 11, 0), []Exception{{OriginalStart: at(11, 10, 0), Cancelled: true}, {OriginalStart: at(11, 10, 0), Start: at(12, 10, 0), End: at(12, 11, 0)}}, CodeInvalidRecurrence},
		{"a moved occurrence ending before it starts", weekly(time.Monday), Range{Type: NoEnd, StartDate: Date{2024, 3, 4}},
			at(4, 10, 0), at(4, 11, 0), []Exception{{OriginalStart: at(11, 10, 0), Start: at(12, 10, 0), End: at(12, 9, 0)}}, CodeEndDateEarlierThanStartDate},
	}
	for _, tt := range tests {
		_, err := NewSeries(Master{Recurrence: PatternedRecurrence{tt.pattern, tt.rng}, Start: tt.start, End: tt.end, Exceptions: tt.exceptions})
		var e *Error
		if !errors.As(err, &e) || e.Code != tt.code {
			t.Errorf("%s: NewSeries = %v, want %s", tt.name, err, tt.code)
			continue
		}
		if e.Message != messages[tt.code] {
			t.Errorf("%s: message %q, want Exchange's %q", tt.name, e.Message, messages[tt.code])
		}
	}

	// The limits themselves are allowed: back to back, a day long daily.
	for _, ok := range []struct {
		p          Pattern
		start, end time.Time
	}{
		{Pattern{Type: Daily, Interval: 1}, at(4, 10, 0), at(5, 10, 0)},
		{weekly(time.Monday, time.Wednesday), at(4, 10, 0), at(6, 10, 0)},
		{Pattern{Type: AbsoluteMonthly, Interval: 1, DayOfMonth: 31}, at(4, 10, 0), at(4, 10, 0).AddDate(0, 0, 28)},
	} {
		if _, err := NewSeries(Master{Recurrence: PatternedRecurrence{ok.p, Range{Type: NoEnd, StartDate: Date{2024, 3, 4}}}, Start: ok.start, End: ok.end}); err != nil {
			t.Errorf("%v lasting %s: %v", ok.p, ok.end.Sub(ok.start), err)
		}
	}
}
