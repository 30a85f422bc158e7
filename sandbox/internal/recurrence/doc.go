// Package recurrence is the sandbox's recurrence engine: it reads Microsoft
// Graph's patternedRecurrence, validates it as Exchange does, and expands a
// series master into occurrences lazily, for any window, the way Exchange
// expands them for calendarView and instances. It also writes a series as
// RFC 5545 RRULE, EXDATE, RDATE and RECURRENCE-ID properties.
//
// It imports nothing of the client and nothing else of the sandbox; it
// takes time zones already resolved (*time.Location), so the caller maps
// Windows zone names.
//
// # Use
//
//	rec, err := recurrence.Parse(body)      // shape: Graph's OData reader
//	series, err := recurrence.NewSeries(recurrence.Master{
//		Recurrence: rec, Start: start, End: end, // start in the event's zone
//		Exceptions: moved,                       // keyed by original start
//	})                                          // rules: Exchange's
//	first := series.First()                     // where the master goes
//	for o := range series.Between(from, to) {   // calendarView
//		_ = o.Key()                             // stable occurrence key
//	}
//
// Errors are *Error, carrying Graph's code and message for a 400 answer.
//
// # Exchange's rules
//
// The expansion follows Exchange, not a literal reading of RFC 5545, where
// the two differ. Each rule, with where it is documented:
//
//   - The first occurrence is the first date on or after range.startDate that
//     fits the pattern, whatever the interval; the series master's start
//     date does not matter, only its time of day. ("The first occurrence of
//     the meeting may be this date or later, depending on the recurrence
//     pattern", recurrenceRange; the Graph guide "Schedule repeating
//     appointments as recurring events in Outlook" gives a relativeMonthly
//     series, interval 2, starting 2017-08-29, whose first occurrence is in
//     September.) Exchange then moves the master to that first occurrence:
//     "for a recurring series, [PidLidAppointmentStartWhole] is the start
//     date and time of the first instance according to the recurrence
//     pattern" (MS-OXOCAL 2.2.1.5). Series.First gives it.
//   - The interval counts from the first occurrence: its day (daily), its
//     week, beginning on firstDayOfWeek (weekly), its month (monthly) or its
//     year (yearly). MS-OXOCAL 2.2.1.44.1.1 computes the valid weeks from
//     "the first day of the week in which the first event of the recurring
//     series occurs", and the valid months from the month of StartDate, the
//     first occurrence's date; the September example above needs the same.
//     When range.startDate itself fits the pattern this is "the week of the
//     start date".
//   - dayOfMonth beyond the month's end falls on the month's last day:
//     dayOfMonth 31 is April 30 and February 28 or 29; absoluteYearly
//     February 29 is February 28 in other years. EWS DayOfMonth element:
//     "If for a particular month this value is larger than the number of days
//     in the month, the last day of the month is assumed"; CDO DayOfMonth:
//     "Outlook and CDO generate recurrences on February 28 for years other
//     than leap years". RFC 5545 instead skips such months (BYMONTHDAY=31
//     has no April occurrence); Series.RRule writes the Exchange meaning in
//     RFC 5545 terms.
//   - A relative pattern picks the nth (first to fourth) or the last of the
//     days of the month whose weekday is in daysOfWeek, all such days counted
//     together: with [thursday, friday] and index second, the second
//     Thursday-or-Friday. "last" is the fifth such weekday in a month that has
//     five, the fourth otherwise. MS-OXOCAL PatternTypeSpecific MonthNth (a
//     weekday bitmask and N), and the RRULE template Exchange imports it from:
//     "The last weekday of every month: FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;
//     BYSETPOS=-1" (MS-OXCICAL 2.1.3.2.2.4).
//   - endDate is inclusive: occurrences fall on days up to and including it
//     ("between the startDate and endDate inclusive", recurrenceRange).
//   - numbered counts occurrences from the first occurrence of the series,
//     not from any window; cancelled occurrences count (they keep their
//     index, as Exchange's occurrence indexes do).
//   - range.startDate and endDate are dates in recurrenceTimeZone when set,
//     otherwise in the event's zone (recurrenceRange.recurrenceTimeZone).
//   - A series ends by 4500-08-31: an endDate after it is refused
//     ("Recurrence end date can not exceed Sep 1, 4500 00:00:00.",
//     ErrorRecurrenceEndDateTooBig), and a series without end stops there.
//   - Occurrences keep the master's wall-clock time of day in the event's
//     zone across daylight-saving changes, so their UTC instant moves; an
//     occurrence's end is its start's wall time plus the master's wall-clock
//     length (MS-OXOCAL AppointmentRecurrencePattern: StartTimeOffset and
//     EndTimeOffset are minutes after midnight in the series' zone).
//   - A wall time that does not exist or exists twice on a day the clocks
//     change is resolved as RFC 5545 section 3.3.5 resolves it: a skipped
//     time is read with the offset from before the jump (02:30 becomes
//     03:30), a repeated time is the first of the two instants. Microsoft
//     documents no rule of its own for recurring items (Win32's
//     TzSpecificLocalTimeToSystemTime warns that such local times "might
//     result in unexpected behavior"; .NET's TimeZoneInfo.ConvertTimeToUtc
//     refuses skipped times and reads repeated ones as standard time), so
//     the sandbox follows the standard Exchange's iCalendar interchange is
//     written against. WallTime implements it, in one place. An occurrence
//     whose start is moved out of a skipped hour moves whole, keeping its
//     length.
//   - An occurrence is identified by its original start (Graph's
//     originalStart), or equally by its original date in the event's zone:
//     a series has at most one occurrence a day, Exchange records deleted
//     and modified occurrences by date (MS-OXOCAL DeletedInstanceDates:
//     "midnight of the specified day, in the time zone specified by
//     PidLidTimeZoneStruct"), and Graph's cancelledOccurrences read
//     "OID.{masterId}.{yyyy-MM-dd}".
//
// # Validation
//
// Validate and NewSeries refuse what Exchange refuses, with Exchange's
// error codes and messages (the EWS ServiceError enumeration, which Graph's
// calendar passes through; ErrorRecurrenceEndDateTooBig, for one, is
// documented coming back from the Outlook REST API with exactly the message
// above). Microsoft documents neither which code Graph answers for each
// case nor Graph's text where Exchange's is generic, so each Error also
// carries a Reason of ours saying what exactly was wrong:
//
//	pattern or range missing, no type, interval < 1,
//	relative pattern without daysOfWeek,
//	range without startDate or endDate,
//	numberOfOccurrences < 1               ErrorCalendarInvalidRecurrence
//	weekly pattern without daysOfWeek      ErrorCalendarInvalidDayForWeeklyRecurrence
//	dayOfMonth outside 1-31, month outside
//	1-12, startDate outside 1601-4500       ErrorCalendarOutOfRange
//	endDate before startDate, event end
//	before its start                        ErrorCalendarEndDateIsEarlierThanStartDate
//	endDate after 4500-08-31                ErrorRecurrenceEndDateTooBig
//	no date of the range fits the pattern   ErrorRecurrenceHasNoOccurrence
//	event longer than the gap between
//	two of its occurrences                  ErrorOccurrenceTimeSpanTooBig
//	moved occurrence reaching a neighbour   ErrorOccurrenceCrossingBoundary
//	original start not an occurrence        ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange
//	occurrence cancelled                    ErrorCalendarOccurrenceIsDeletedFromRecurrence
//
// Parse refuses JSON Graph's OData reader refuses, with code
// RequestBodyRead and the reader's messages ("The property 'x' does not
// exist on type 'microsoft.graph.recurrencePattern'. ...", "Requested value
// 'x' was not found."). Members a pattern type does not use are ignored
// ("Even if a field is ignored, it is still validated. If a field has a set
// list of possible values, using a value outside the allowed set causes an
// error", which Parse does for enums). Enum values and member names are
// read in any letter case.
//
// # Reading back
//
// PatternedRecurrence.Normalize and MarshalJSON give the recurrence as Graph
// returns it on read: every member present, unused ones zero ("month": 0,
// "endDate": "0001-01-01"), index "first" and firstDayOfWeek "sunday" by
// default, recurrenceTimeZone filled in with the event's zone.
package recurrence
