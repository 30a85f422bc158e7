package recurrence

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"
)

// Master is what the expansion needs of a recurring event's series master.
type Master struct {
	// Recurrence is the event's recurrence property.
	Recurrence PatternedRecurrence
	// Start and End are the master's start and end. Start's Location is the
	// event's own time zone (its start.timeZone, resolved by the caller):
	// occurrences keep Start's wall-clock time of day in it. Only Start's
	// time of day matters for the expansion, not its date: Graph starts a
	// series at range.startDate. End may be in another zone (Graph allows
	// end.timeZone to differ); the occurrence's length is End's wall clock
	// minus Start's, both read in Start's zone.
	//
	// The time of day is the one Start shows. A start the clock skips
	// (02:30 on a spring-forward day) cannot be a time.Time: time.Date
	// moves it, and the series repeats at the moved time, as it would from
	// any other instant. A caller that means the skipped time gives a start
	// on another day.
	Start, End time.Time
	// RangeZone is the zone Recurrence.Range.RecurrenceTimeZone names,
	// resolved by the caller. Nil means Start's zone, which is also what
	// Graph uses when recurrenceTimeZone is absent.
	RangeZone *time.Location
	// Exceptions are the occurrences changed or deleted on their own.
	Exceptions []Exception
}

// Exception changes one occurrence of a series: it moves it (an "exception"
// in Graph's event type) or cancels it (deletes it from the series).
type Exception struct {
	// OriginalStart is the occurrence's start as the pattern puts it: Graph's
	// originalStart. It must be an occurrence of the series.
	OriginalStart time.Time
	// Cancelled removes the occurrence from the series.
	Cancelled bool
	// Start and End are the moved occurrence's times; ignored when
	// Cancelled.
	Start, End time.Time
}

// Occurrence is one instance of a series.
type Occurrence struct {
	// Index is the occurrence's 1-based position in the series, counted
	// from the first occurrence. Cancelled occurrences keep their index, so
	// indexes never shift (as Exchange's occurrence indexes do not).
	Index int
	// OriginalDate is the date the pattern puts the occurrence on, in the
	// event's zone. It identifies the occurrence: a series has at most one
	// occurrence a day, and Graph's own occurrence ids carry it
	// (cancelledOccurrences lists "OID.{masterId}.{date}").
	OriginalDate Date
	// OriginalStart is the start the pattern gives the occurrence, in UTC:
	// Graph's originalStart.
	OriginalStart time.Time
	// Start and End are the occurrence's times in the event's zone: the
	// pattern's, or the moved ones for an exception.
	Start, End time.Time
	// Moved marks an exception: an occurrence moved on its own.
	Moved bool
}

// Type is Graph's event type of the occurrence: "occurrence", or
// "exception" for a moved one.
func (o Occurrence) Type() string {
	if o.Moved {
		return "exception"
	}
	return "occurrence"
}

// Key is a stable key for the occurrence, OriginalDate as YYYY-MM-DD, from
// which a caller derives occurrence ids (master id + key). It survives
// moving the occurrence and changing anything but the series' dates.
func (o Occurrence) Key() string { return o.OriginalDate.String() }

// Series is a recurring event expanded lazily: it computes occurrences on
// demand, from any point, without walking the series from its start. A
// Series is immutable and safe for concurrent use.
type Series struct {
	rec       PatternedRecurrence
	rule      rule
	loc       *time.Location
	rangeLoc  *time.Location // nil: same as loc
	startSec  int64          // the master start's wall time of day, in seconds
	startNsec int
	durSec    int64 // End's wall clock minus Start's, in whole seconds ...
	endNsec   int   // ... and End's nanoseconds
	endDay    int   // last day number an occurrence may have (range end, or maxDate)
	count     int   // Numbered: occurrences; otherwise 0

	// The first occurrence, and where the periods are counted from.
	first     int // day number of the first occurrence
	weekStart int // weekly: first day of the first occurrence's week
	skip      int // weekly: selected days of the first week before the first occurrence
	month0    int // monthly: month index of the first occurrence

	exceptions []Exception  // sorted by OriginalStart
	byDay      map[int]int  // original day number -> index in exceptions
	moved      []Occurrence // moved occurrences, sorted by Start then Index
}

// NewSeries compiles a series from its master. It validates the recurrence
// (see Validate) and the rules that involve the event's times, as Exchange
// does when the event is created or updated:
//
//   - End is not before Start (ErrorCalendarEndDateIsEarlierThanStartDate);
//   - the event is not longer than the gap between two of its occurrences
//     (ErrorOccurrenceTimeSpanTooBig);
//   - the range holds at least one occurrence (ErrorRecurrenceHasNoOccurrence);
//   - every exception names an occurrence of the series, at most once.
//
// Errors are *Error.
func NewSeries(m Master) (*Series, error) {
	if err := m.Recurrence.Validate(); err != nil {
		return nil, err
	}
	if m.Start.IsZero() || m.End.IsZero() {
		return nil, newError(CodeInvalidRecurrence, "start", "a recurring event needs its start and end")
	}
	if m.End.Before(m.Start) {
		return nil, newError(CodeEndDateEarlierThanStartDate, "end", "the event ends (%s) before it starts (%s)", m.End.Format(time.RFC3339), m.Start.Format(time.RFC3339))
	}
	loc := m.Start.Location()
	s := &Series{rec: m.Recurrence, rule: compile(m.Recurrence.Pattern), loc: loc}
	if m.RangeZone != nil && m.RangeZone != loc && m.RangeZone.String() != loc.String() {
		s.rangeLoc = m.RangeZone
	}
	h, mi, sec := m.Start.Clock()
	s.startSec = int64(h*3600 + mi*60 + sec)
	s.startNsec = m.Start.Nanosecond()
	s.durSec = wallSeconds(m.End.In(loc)) - wallSeconds(m.Start)
	s.endNsec = m.End.Nanosecond()
	if s.durSec < 0 {
		// The wall clock ran backwards (an end in a repeated hour before a
		// start in the first one): keep the real length instead.
		d := m.End.Sub(m.Start)
		s.durSec, s.endNsec = int64(d/time.Second), s.startNsec+int(d%time.Second)
	}
	if gap := int64(s.rule.minGapDays()) * 86400; s.durSec > gap || (s.durSec == gap && s.endNsec > s.startNsec) {
		return nil, newError(CodeOccurrenceTimeSpanTooBig, "end",
			"the event lasts %s but its occurrences can be as little as %d days apart; shorten the event or lengthen the interval",
			m.End.Sub(m.Start), gap/86400)
	}

	g := m.Recurrence.Range
	s.endDay = maxDate.days()
	switch g.Type {
	case EndDate:
		s.endDay = g.EndDate.days()
	case Numbered:
		s.count = g.NumberOfOccurrences
	}
	if !s.anchor(g.StartDate) {
		return nil, newError(CodeHasNoOccurrence, "range", "no date from %s to %s fits the pattern", g.StartDate, dateOfDays(s.endDay))
	}
	if err := s.setExceptions(m.Exceptions); err != nil {
		return nil, err
	}
	return s, nil
}

// wallSeconds returns t's wall clock as seconds since 1970-01-01T00:00 of
// the wall clock.
func wallSeconds(t time.Time) int64 {
	h, m, s := t.Clock()
	return int64(DateOf(t).days())*86400 + int64(h*3600+m*60+s)
}

// anchor finds the first occurrence: the first date on or after startDate
// (read in the range's zone) that fits the pattern, whatever the interval.
// The interval then counts from that occurrence's day, week or month, as
// Exchange stores a series (MS-OXOCAL: the recurrence's StartDate is the
// first occurrence's date, and the weeks or months the interval selects
// are counted from it). It reports false when the range holds no
// occurrence.
func (s *Series) anchor(startDate Date) bool {
	z := startDate.days()
	if s.rangeLoc != nil {
		// The event's zone may be up to a day ahead of or behind the range's.
		z -= 2
	}
	first := s.rule.onOrAfter(z)
	for s.rangeDay(first) < startDate.days() {
		first = s.rule.onOrAfter(first + 1)
	}
	s.first = first
	switch {
	case s.rule.typ == Weekly:
		s.weekStart = first - int(floorMod(int(weekdayOfDays(first))-int(s.rule.fdow), 7))
		for _, off := range s.rule.offsets {
			if s.weekStart+off < first {
				s.skip++
			}
		}
	case s.rule.monthly():
		d := dateOfDays(first)
		s.month0 = monthIndex(d.Year, d.Month)
	}
	return first <= maxDate.days() && s.rangeDay(first) <= s.endDay
}

// rangeDay returns the day number, in the range's zone, of the occurrence
// the pattern puts on day z of the event's zone.
func (s *Series) rangeDay(z int) int {
	if s.rangeLoc == nil {
		return z
	}
	return DateOf(s.startOn(z).In(s.rangeLoc)).days()
}

// startOn returns the start of the occurrence the pattern puts on day z.
func (s *Series) startOn(z int) time.Time {
	return resolveWall(int64(z)*86400+s.startSec, s.startNsec, s.loc)
}

// A pos is an occurrence's place in the series: its period (day, week,
// month or year, counted from the first occurrence's) and, in a weekly
// series, which of the week's selected days.
type pos struct{ period, slot int }

func (s *Series) perPeriod() int {
	if s.rule.typ == Weekly {
		return len(s.rule.offsets)
	}
	return 1
}

// day returns the day number of the occurrence at p, or beyond for one
// past the end of the calendar (whose day number could overflow: interval
// and numberOfOccurrences go up to 2^31).
func (s *Series) day(p pos) int {
	maxDay := maxDate.days()
	switch {
	case s.rule.typ == Daily:
		if p.period > (maxDay-s.first)/s.rule.interval+1 {
			return beyond
		}
		return s.first + p.period*s.rule.interval
	case s.rule.typ == Weekly:
		if p.period > (maxDay-s.weekStart)/(7*s.rule.interval)+1 {
			return beyond
		}
		return s.weekStart + 7*s.rule.interval*p.period + s.rule.offsets[p.slot]
	}
	if p.period > (monthIndex(maxDate.Year, maxDate.Month)-s.month0)/s.rule.stepMonths()+1 {
		return beyond
	}
	y, m := monthOfIndex(s.month0 + p.period*s.rule.stepMonths())
	return Date{y, m, s.rule.dayInMonth(y, m)}.days()
}

// beyond is the day number of every occurrence past the calendar's end.
var beyond = maxDate.days() + 1

// index returns the 1-based index of the occurrence at p.
func (s *Series) index(p pos) int {
	n := s.perPeriod()
	if p.period == 0 {
		return p.slot - s.skip + 1
	}
	return n - s.skip + (p.period-1)*n + p.slot + 1
}

// posOf is the inverse of index.
func (s *Series) posOf(i int) pos {
	n := s.perPeriod()
	i--
	if i < n-s.skip {
		return pos{0, s.skip + i}
	}
	i -= n - s.skip
	return pos{1 + i/n, i % n}
}

func (s *Series) next(p pos) pos {
	if p.slot+1 < s.perPeriod() {
		return pos{p.period, p.slot + 1}
	}
	return pos{p.period + 1, 0}
}

// seek returns the position of the first occurrence on or after day z.
func (s *Series) seek(z int) pos {
	first := pos{0, s.skip}
	if z <= s.first {
		return first
	}
	var p pos
	switch {
	case s.rule.typ == Daily:
		k := s.rule.interval
		p = pos{(z - s.first + k - 1) / k, 0}
	case s.rule.typ == Weekly:
		p = pos{(z - s.weekStart) / (7 * s.rule.interval), 0}
	default:
		d := dateOfDays(z)
		p = pos{(monthIndex(d.Year, d.Month) - s.month0) / s.rule.stepMonths(), 0}
	}
	if p.period == 0 {
		p = first
	}
	for {
		if d := s.day(p); d >= z || d == beyond {
			return p
		}
		p = s.next(p)
	}
}

// inRange reports whether the occurrence at p is part of the series (not
// past its end).
func (s *Series) inRange(p pos, z int) bool {
	if s.count > 0 && s.index(p) > s.count {
		return false
	}
	return z <= maxDate.days() && s.rangeDay(z) <= s.endDay
}

// build makes the occurrence at p, on day z, as the pattern places it. c
// may be nil.
func (s *Series) build(p pos, z int, c *zoneCache) Occurrence {
	if c == nil {
		c = new(zoneCache)
	}
	wall := int64(z)*86400 + s.startSec
	start, shown := c.resolve(wall, s.startNsec, s.loc)
	// A start the clock skipped moves forward (see WallTime); the whole
	// occurrence moves with it, keeping its length.
	end, _ := c.resolve(shown+s.durSec, s.endNsec, s.loc)
	return Occurrence{
		Index:         s.index(p),
		OriginalDate:  dateOfDays(z),
		OriginalStart: start.UTC(),
		Start:         start,
		End:           end,
	}
}

// Recurrence returns the recurrence the series was made from.
func (s *Series) Recurrence() PatternedRecurrence { return s.rec }

// Location returns the event's zone, the zone occurrences are expanded in.
func (s *Series) Location() *time.Location { return s.loc }

// First returns the series' first occurrence as the pattern places it.
// Exchange makes the series master's start and end those of its first
// occurrence (MS-OXOCAL: for a recurring series, PidLidAppointmentStartWhole
// is the start of the first instance), so a caller creating an event whose
// start does not fit its pattern moves the master to First's Start and End.
func (s *Series) First() Occurrence {
	p := pos{0, s.skip}
	return s.build(p, s.day(p), nil)
}

// Last returns the series' last occurrence as the pattern places it, or
// false for a series without end.
func (s *Series) Last() (Occurrence, bool) {
	switch s.rec.Range.Type {
	case Numbered:
		p := s.posOf(s.count)
		if z := s.day(p); s.inRange(p, z) {
			return s.build(p, z, nil), true
		}
		// The series reaches the calendar's end before its count.
		fallthrough
	case EndDate:
		// Seek to the end and step back over occurrences past it.
		last := min(s.endDay, maxDate.days())
		if s.rangeLoc != nil {
			last++ // the event's zone may run a day ahead of the range's
		}
		p := s.seek(last + 1)
		for i := s.index(p) - 1; i >= 1; i-- {
			q := s.posOf(i)
			if z := s.day(q); s.inRange(q, z) {
				return s.build(q, z, nil), true
			}
		}
	}
	return Occurrence{}, false
}

// All returns the occurrences of the series in order of start, exceptions
// applied (moved occurrences at their new times, cancelled ones left out).
// A series without end stops at 4500-08-31, the end of Exchange's calendar.
func (s *Series) All() iter.Seq[Occurrence] {
	return s.Between(time.Time{}, time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC))
}

// Between returns, in order of start, the occurrences that overlap the
// window [from, to): those starting before to and ending after from, plus
// those of no length starting in it, as calendarView selects them.
// Exceptions are applied: a moved occurrence appears where it was moved to,
// a cancelled one not at all. The expansion starts at from: it does not
// walk the series from its first occurrence.
func (s *Series) Between(from, to time.Time) iter.Seq[Occurrence] {
	return func(yield func(Occurrence) bool) {
		moved := s.moved
		for len(moved) > 0 && !overlaps(moved[0], from, to) && moved[0].Start.Before(from) {
			moved = moved[1:]
		}
		emitMoved := func(before *Occurrence) bool {
			for len(moved) > 0 {
				m := moved[0]
				if before != nil && (m.Start.After(before.Start) || (m.Start.Equal(before.Start) && m.Index > before.Index)) {
					return true
				}
				if !m.Start.Before(to) {
					moved = nil
					return true
				}
				moved = moved[1:]
				if overlaps(m, from, to) && !yield(m) {
					return false
				}
			}
			return true
		}
		// An occurrence starting up to its length (plus a day for zone
		// offsets) before from can still reach into the window.
		z := -1 << 40
		if !from.IsZero() {
			z = DateOf(from.In(s.loc)).days() - int(s.durSec/86400) - 2
		}
		var zc zoneCache
		for p := s.seek(z); ; p = s.next(p) {
			d := s.day(p)
			if !s.inRange(p, d) {
				break
			}
			if s.byDay != nil {
				if _, changed := s.byDay[d]; changed {
					continue
				}
			}
			o := s.build(p, d, &zc)
			if !o.Start.Before(to) {
				break
			}
			if !overlaps(o, from, to) {
				continue
			}
			if !emitMoved(&o) || !yield(o) {
				return
			}
		}
		emitMoved(nil)
	}
}

// overlaps reports whether o belongs to the window [from, to).
func overlaps(o Occurrence, from, to time.Time) bool {
	if !o.Start.Before(to) {
		return false
	}
	if o.End.After(from) {
		return true
	}
	return o.End.Equal(o.Start) && !o.Start.Before(from)
}

// Occurrence returns the occurrence the pattern puts on date d (in the
// event's zone), with its exception applied. An error is a *Error:
// ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange when no occurrence
// falls on d, ErrorCalendarOccurrenceIsDeletedFromRecurrence when it was
// cancelled.
func (s *Series) Occurrence(d Date) (Occurrence, error) {
	o, ok := s.regular(d.days())
	if !ok {
		return Occurrence{}, newError(CodeOccurrenceNotFound, "", "the series has no occurrence on %s", d)
	}
	return s.applyException(o)
}

// At returns the occurrence whose original start is originalStart, as
// Occurrence does for a date.
func (s *Series) At(originalStart time.Time) (Occurrence, error) {
	o, ok := s.regular(DateOf(originalStart.In(s.loc)).days())
	if !ok || !o.OriginalStart.Equal(originalStart) {
		return Occurrence{}, newError(CodeOccurrenceNotFound, "", "no occurrence of the series starts at %s", originalStart.Format(time.RFC3339))
	}
	return s.applyException(o)
}

// regular returns the occurrence the pattern puts on day z, ignoring
// exceptions.
func (s *Series) regular(z int) (Occurrence, bool) {
	p := s.seek(z)
	if s.day(p) != z || !s.inRange(p, z) {
		return Occurrence{}, false
	}
	return s.build(p, z, nil), true
}

func (s *Series) applyException(o Occurrence) (Occurrence, error) {
	i, ok := s.byDay[o.OriginalDate.days()]
	if !ok {
		return o, nil
	}
	e := s.exceptions[i]
	if e.Cancelled {
		return Occurrence{}, newError(CodeOccurrenceDeleted, "", "the occurrence of %s was cancelled", o.OriginalDate)
	}
	o.Start, o.End, o.Moved = e.Start.In(s.loc), e.End.In(s.loc), true
	return o, nil
}

// Nth returns the occurrence with the given 1-based index, as Occurrence
// does for a date.
func (s *Series) Nth(index int) (Occurrence, error) {
	if index < 1 {
		return Occurrence{}, newError(CodeOccurrenceNotFound, "", "occurrence indexes start at 1, not %d", index)
	}
	p := s.posOf(index)
	z := s.day(p)
	if !s.inRange(p, z) {
		return Occurrence{}, newError(CodeOccurrenceNotFound, "", "the series has fewer than %d occurrences", index)
	}
	return s.Occurrence(dateOfDays(z))
}

// setExceptions checks and indexes the exceptions.
func (s *Series) setExceptions(list []Exception) error {
	if len(list) == 0 {
		return nil
	}
	s.exceptions = slices.Clone(list)
	slices.SortFunc(s.exceptions, func(a, b Exception) int { return a.OriginalStart.Compare(b.OriginalStart) })
	s.byDay = make(map[int]int, len(list))
	for i, e := range s.exceptions {
		z := DateOf(e.OriginalStart.In(s.loc)).days()
		o, ok := s.regular(z)
		if !ok || !o.OriginalStart.Equal(e.OriginalStart) {
			return newError(CodeOccurrenceNotFound, "exceptions", "exception %d: no occurrence of the series starts at %s", i, e.OriginalStart.Format(time.RFC3339))
		}
		if _, dup := s.byDay[z]; dup {
			return newError(CodeInvalidRecurrence, "exceptions", "two exceptions change the occurrence of %s", dateOfDays(z))
		}
		s.byDay[z] = i
		if e.Cancelled {
			continue
		}
		if e.End.Before(e.Start) {
			return newError(CodeEndDateEarlierThanStartDate, "exceptions", "the occurrence of %s is moved to end before it starts", dateOfDays(z))
		}
		o.Start, o.End, o.Moved = e.Start.In(s.loc), e.End.In(s.loc), true
		s.moved = append(s.moved, o)
	}
	slices.SortFunc(s.moved, func(a, b Occurrence) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return a.Index - b.Index
	})
	return nil
}

// CheckMove applies Exchange's rule for moving one occurrence, before the
// caller records the move as an Exception: the occurrence must exist and
// not be cancelled, must not end before it starts, and must stay strictly
// between its neighbours (the nearest occurrences before and after it that
// are not cancelled, at their current times) without overlapping them
// (ErrorOccurrenceCrossingBoundary). Errors are *Error.
func (s *Series) CheckMove(originalStart, start, end time.Time) error {
	o, err := s.At(originalStart)
	if err != nil {
		return err
	}
	if end.Before(start) {
		return newError(CodeEndDateEarlierThanStartDate, "end", "the occurrence would end (%s) before it starts (%s)", end.Format(time.RFC3339), start.Format(time.RFC3339))
	}
	if prev, ok := s.neighbour(o.Index, -1); ok && (!start.After(prev.Start) || start.Before(prev.End)) {
		return newError(CodeOccurrenceCrossingBoundary, "start", "the occurrence would start at %s, not after the previous occurrence (%s to %s)",
			start.Format(time.RFC3339), prev.Start.Format(time.RFC3339), prev.End.Format(time.RFC3339))
	}
	if next, ok := s.neighbour(o.Index, +1); ok && (!start.Before(next.Start) || end.After(next.Start)) {
		return newError(CodeOccurrenceCrossingBoundary, "end", "the occurrence would run from %s to %s, reaching the next occurrence (from %s)",
			start.Format(time.RFC3339), end.Format(time.RFC3339), next.Start.Format(time.RFC3339))
	}
	return nil
}

// neighbour returns the nearest occurrence before (dir -1) or after (+1)
// index that is not cancelled.
func (s *Series) neighbour(index, dir int) (Occurrence, bool) {
	// Every step past a cancelled occurrence uses up an exception, so the
	// walk is bounded by their number.
	for i, steps := index+dir, 0; i >= 1 && steps <= len(s.exceptions); i, steps = i+dir, steps+1 {
		o, err := s.Nth(i)
		var e *Error
		switch {
		case err == nil:
			return o, true
		case errors.As(err, &e) && e.Code == CodeOccurrenceDeleted:
			continue
		}
		return Occurrence{}, false
	}
	return Occurrence{}, false
}

// String describes the series for logs and test failures.
func (s *Series) String() string {
	f := s.First()
	return fmt.Sprintf("%s every %d (%s) from %s in %s", s.rec.Pattern.Type, s.rec.Pattern.Interval, s.rec.Range.Type, f.Start.Format(time.RFC3339), s.loc)
}
