package recurrence

import (
	"fmt"
	"slices"
	"time"
)

// Error is a recurrence Graph refuses. Every Error is answered with HTTP 400
// and Graph's error body {"error":{"code":Code,"message":Message}}.
type Error struct {
	// Code is Graph's error code, one of the Code constants.
	Code string
	// Message is the message Graph sends with Code, word for word where
	// Microsoft documents it (see the package documentation).
	Message string
	// Member names the member at fault ("daysOfWeek", "range.endDate"),
	// empty when the fault is not one member's.
	Member string
	// Reason says what exactly was wrong and what to send instead. It is
	// ours, not Graph's: Graph's messages are often generic.
	Reason string
}

// Error renders the reason, the member and Graph's code and message.
func (e *Error) Error() string {
	s := e.Code + ": " + e.Message
	if e.Reason != "" {
		s = e.Reason + " (" + s + ")"
	}
	if e.Member != "" {
		s = e.Member + ": " + s
	}
	return "recurrence: " + s
}

// The error codes this package answers with. The codes other than
// CodeRequestBodyRead are Exchange's: Graph passes the calendar store's
// codes through (ErrorRecurrenceEndDateTooBig is documented coming back
// from the Outlook REST API, which Graph's calendar shares).
const (
	// CodeRequestBodyRead is Graph's OData reader refusing the JSON.
	CodeRequestBodyRead = "RequestBodyRead"
	// CodeInvalidRecurrence: "the specified recurrence cannot be created".
	CodeInvalidRecurrence = "ErrorCalendarInvalidRecurrence"
	// CodeInvalidDayForWeeklyRecurrence: a weekly pattern without valid days.
	CodeInvalidDayForWeeklyRecurrence = "ErrorCalendarInvalidDayForWeeklyRecurrence"
	// CodeOutOfRange: a recurrence property out of its range ("the fifteenth
	// week of the month").
	CodeOutOfRange = "ErrorCalendarOutOfRange"
	// CodeEndDateEarlierThanStartDate: an end before its start.
	CodeEndDateEarlierThanStartDate = "ErrorCalendarEndDateIsEarlierThanStartDate"
	// CodeEndDateTooBig: a range ending after 4500-08-31.
	CodeEndDateTooBig = "ErrorRecurrenceEndDateTooBig"
	// CodeHasNoOccurrence: a range no date of the pattern falls in.
	CodeHasNoOccurrence = "ErrorRecurrenceHasNoOccurrence"
	// CodeOccurrenceTimeSpanTooBig: an event longer than the gap between
	// two of its occurrences.
	CodeOccurrenceTimeSpanTooBig = "ErrorOccurrenceTimeSpanTooBig"
	// CodeOccurrenceCrossingBoundary: a moved occurrence reaching its
	// neighbour.
	CodeOccurrenceCrossingBoundary = "ErrorOccurrenceCrossingBoundary"
	// CodeOccurrenceNotFound: an original start that is not an occurrence
	// of the series.
	CodeOccurrenceNotFound = "ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange"
	// CodeOccurrenceDeleted: an occurrence the series has cancelled.
	CodeOccurrenceDeleted = "ErrorCalendarOccurrenceIsDeletedFromRecurrence"
)

// Exchange's messages for the codes, from the EWS ServiceError enumeration
// (Microsoft.Exchange.WebServices.Data), which Graph's calendar shares.
var messages = map[string]string{
	CodeInvalidRecurrence:             "The recurrence is invalid.",
	CodeInvalidDayForWeeklyRecurrence: "The value of the DaysOfWeek property is invalid for a weekly recurrence.",
	CodeOutOfRange:                    "The calendar property falls out of valid range.",
	CodeEndDateEarlierThanStartDate:   "EndDate is earlier than StartDate",
	CodeEndDateTooBig:                 "Recurrence end date can not exceed Sep 1, 4500 00:00:00.",
	CodeHasNoOccurrence:               "Recurrence has no occurrences in the specified range.",
	CodeOccurrenceTimeSpanTooBig:      "One occurrence of the recurring calendar item overlaps with another occurrence of the same calendar item.",
	CodeOccurrenceCrossingBoundary:    "Modified occurrence is crossing or overlapping adjacent occurrence.",
	CodeOccurrenceNotFound:            "Occurrence index is out of recurrence range.",
	CodeOccurrenceDeleted:             "Occurrence with this index was previously deleted from the recurrence.",
}

func newError(code, member, format string, args ...any) *Error {
	return &Error{Code: code, Message: messages[code], Member: member, Reason: fmt.Sprintf(format, args...)}
}

// Calendar limits Exchange keeps: dates before 1601-01-01 have no FILETIME,
// and a recurrence ends by 4500-08-31 (a series with no end is stored as
// ending then; MS-OXOCAL 2.2.1.44.1).
var (
	minDate = Date{1601, 1, 1}
	maxDate = Date{4500, 8, 31}
)

// Validate applies the rules Exchange applies to a recurrence when an event
// is created or updated, and returns the first violation as a *Error:
//
//   - pattern and range are required, each with a type;
//   - interval is at least 1;
//   - weekly, relativeMonthly and relativeYearly need daysOfWeek;
//   - absoluteMonthly and absoluteYearly need dayOfMonth in 1..31;
//   - absoluteYearly and relativeYearly need month in 1..12;
//   - the range needs startDate; endDate needs endDate, not before
//     startDate and not after 4500-08-31; numbered needs
//     numberOfOccurrences above 0.
//
// Members a pattern type ignores are not checked, as Graph ignores them
// (their enum values were already checked by Parse). Rules that need the
// event's start (a range with no occurrence, an event longer than the gap
// between occurrences) are checked by NewSeries.
func (r PatternedRecurrence) Validate() error {
	p, g := r.Pattern, r.Range
	if err := r.checkEnums(); err != nil {
		return err
	}
	switch {
	case p.Type == "" && p.Interval == 0 && len(p.DaysOfWeek) == 0:
		return newError(CodeInvalidRecurrence, "pattern", "recurrence.pattern is required: send {\"type\":\"daily\",\"interval\":1} or another pattern")
	case g.Type == "" && g.StartDate.IsZero():
		return newError(CodeInvalidRecurrence, "range", "recurrence.range is required: send {\"type\":\"noEnd\",\"startDate\":\"YYYY-MM-DD\"} or another range")
	case p.Type == "":
		return newError(CodeInvalidRecurrence, "pattern.type", "pattern.type is required: one of daily, weekly, absoluteMonthly, relativeMonthly, absoluteYearly, relativeYearly")
	case p.Interval < 1:
		return newError(CodeInvalidRecurrence, "pattern.interval", "pattern.interval is %d; it counts the %s between occurrences and must be 1 or more", p.Interval, unitOf(p.Type))
	}
	switch p.Type {
	case Weekly:
		if len(p.DaysOfWeek) == 0 {
			return newError(CodeInvalidDayForWeeklyRecurrence, "pattern.daysOfWeek", "a weekly pattern needs daysOfWeek, such as [\"monday\",\"wednesday\"]")
		}
	case RelativeMonthly, RelativeYearly:
		if len(p.DaysOfWeek) == 0 {
			return newError(CodeInvalidRecurrence, "pattern.daysOfWeek", "a %s pattern needs daysOfWeek, such as [\"thursday\"], with index to pick one of them", p.Type)
		}
	}
	switch p.Type {
	case AbsoluteMonthly, AbsoluteYearly:
		if p.DayOfMonth < 1 || p.DayOfMonth > 31 {
			return newError(CodeOutOfRange, "pattern.dayOfMonth", "pattern.dayOfMonth is %d; an %s pattern needs a day from 1 to 31", p.DayOfMonth, p.Type)
		}
	}
	switch p.Type {
	case AbsoluteYearly, RelativeYearly:
		if p.Month < 1 || p.Month > 12 {
			return newError(CodeOutOfRange, "pattern.month", "pattern.month is %d; a %s pattern needs a month from 1 to 12", p.Month, p.Type)
		}
	}
	switch {
	case g.Type == "":
		return newError(CodeInvalidRecurrence, "range.type", "range.type is required: one of endDate, noEnd, numbered")
	case g.StartDate.IsZero():
		return newError(CodeInvalidRecurrence, "range.startDate", "range.startDate is required: the date of the event's start, as YYYY-MM-DD")
	case g.StartDate.Compare(minDate) < 0 || g.StartDate.Compare(maxDate) > 0:
		return newError(CodeOutOfRange, "range.startDate", "range.startDate %s is outside the calendar's range, %s to %s", g.StartDate, minDate, maxDate)
	}
	switch g.Type {
	case EndDate:
		switch {
		case g.EndDate.IsZero():
			return newError(CodeInvalidRecurrence, "range.endDate", "a range of type endDate needs endDate, the last date an occurrence may fall on, as YYYY-MM-DD")
		case g.EndDate.Compare(g.StartDate) < 0:
			return newError(CodeEndDateEarlierThanStartDate, "range.endDate", "range.endDate %s is before range.startDate %s", g.EndDate, g.StartDate)
		case g.EndDate.Compare(maxDate) > 0:
			return newError(CodeEndDateTooBig, "range.endDate", "range.endDate %s is after %s; use a range of type noEnd for a series without end", g.EndDate, maxDate)
		}
	case Numbered:
		if g.NumberOfOccurrences < 1 {
			return newError(CodeInvalidRecurrence, "range.numberOfOccurrences", "range.numberOfOccurrences is %d; a numbered range needs 1 or more", g.NumberOfOccurrences)
		}
	}
	return nil
}

// checkEnums catches enum values Parse would have refused, in a recurrence
// built in Go rather than parsed.
func (r PatternedRecurrence) checkEnums() error {
	p, g := r.Pattern, r.Range
	bad := func(member string, v any) error {
		return newError(CodeOutOfRange, member, "%v is not a value of %s", v, member)
	}
	switch {
	case p.Type != "" && !slices.Contains(patternTypes, p.Type):
		return bad("pattern.type", p.Type)
	case g.Type != "" && !slices.Contains(rangeTypes, g.Type):
		return bad("range.type", g.Type)
	case p.Index != "" && !slices.Contains(weekIndexes, p.Index):
		return bad("pattern.index", p.Index)
	case p.FirstDayOfWeek < time.Sunday || p.FirstDayOfWeek > time.Saturday:
		return bad("pattern.firstDayOfWeek", int(p.FirstDayOfWeek))
	}
	for _, d := range p.DaysOfWeek {
		if d < time.Sunday || d > time.Saturday {
			return bad("pattern.daysOfWeek", int(d))
		}
	}
	return nil
}

func unitOf(t PatternType) string {
	switch t {
	case Daily:
		return "days"
	case Weekly:
		return "weeks"
	case AbsoluteMonthly, RelativeMonthly:
		return "months"
	}
	return "years"
}
