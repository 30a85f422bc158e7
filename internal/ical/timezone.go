package ical

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// lookahead is how far past the span NewTimezone looks to decide whether
// the zone's last yearly rule goes on (an RRULE without UNTIL) or stops.
const lookahead = 5 // years

// NewTimezone returns a VTIMEZONE component with TZID tzid that gives
// loc's UTC offsets for every instant from from to to. The caller picks
// the TZID (an IANA name, or a Windows name for Outlook) and writes the same
// one on the DTSTART, DTEND, EXDATE and RECURRENCE-ID it qualifies.
//
// Go does not list a zone's transitions; NewTimezone finds them with
// time.Time.ZoneBounds, which reports the exact instants where the offset
// in effect begins and ends. Transitions that follow a yearly rule (the
// N-th or last weekday of a month, a fixed day, a weekday on or after a
// day) become one STANDARD or DAYLIGHT block with an RRULE, bounded by
// UNTIL where the rule stopped and open-ended where it is still in force
// five years past to; any other transition becomes a block of its own. A
// zone without daylight saving gets one STANDARD block.
func NewTimezone(tzid string, loc *time.Location, from, to time.Time) (*Component, error) {
	switch {
	case tzid == "":
		return nil, errors.New("ical: NewTimezone: empty TZID")
	case loc == nil:
		return nil, errors.New("ical: NewTimezone: nil location")
	case to.Before(from):
		return nil, fmt.Errorf("ical: NewTimezone: span ends (%s) before it starts (%s)", to, from)
	}
	end := to.AddDate(lookahead, 0, 0)
	ts := transitions(loc, from, end)
	tz := &Component{Name: "VTIMEZONE"}
	tz.Add(NewText("TZID", tzid))
	tz.Components = append(tz.Components, observances(ts, to, end)...)
	return tz, nil
}

// transition is one change of loc's offset.
type transition struct {
	at       time.Time // the instant, in UTC
	fromOff  int       // seconds east of UTC before
	toOff    int       // and after
	isDST    bool      // whether the new offset is daylight saving time
	name     string    // abbreviation of the new offset
	wall     time.Time // the local time of the change in the old offset, in time.UTC
	explicit bool      // a real transition, not the zone's unbounded beginning
}

// transitions returns the transition that began the offset in effect at
// from, and every later one up to end. Changes of name alone are skipped.
func transitions(loc *time.Location, from, end time.Time) []transition {
	at := from.In(loc)
	start, next := at.ZoneBounds()
	// Step back over boundaries that change nothing but the zone record
	// (Go reports one at each year end in the rule-based years), to the
	// transition that really began the offset in effect at from.
	for i := 0; i < 1000 && !start.IsZero() && sameZone(loc, at, start.Add(-time.Second)); i++ {
		start, _ = start.Add(-time.Second).In(loc).ZoneBounds()
	}
	name, off := at.Zone()
	first := transition{toOff: off, fromOff: off, isDST: at.IsDST(), name: name}
	if start.IsZero() {
		// The zone never changed before from: an observance from 1601,
		// as Outlook writes them.
		first.at = time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Duration(off) * time.Second)
	} else {
		_, first.fromOff = start.Add(-time.Second).In(loc).Zone()
		first.at = start.UTC()
		first.explicit = true
	}
	out := []transition{first}
	cur := first
	for !next.IsZero() && !next.After(end) {
		t := next.In(loc)
		name, off := t.Zone()
		next = nextBound(loc, t)
		if off == cur.toOff && t.IsDST() == cur.isDST {
			continue
		}
		cur = transition{at: t.UTC(), fromOff: cur.toOff, toOff: off, isDST: t.IsDST(), name: name, explicit: true}
		out = append(out, cur)
	}
	for i := range out {
		out[i].wall = out[i].at.Add(time.Duration(out[i].fromOff) * time.Second)
	}
	return out
}

// nextBound returns the end of the zone period that t is in: the next
// instant at which loc may change, or the zero Time if it never does.
//
// It trusts time.Time.ZoneBounds, except where ZoneBounds makes no
// progress: in the rule-based years past a zone's last listed transition,
// Go (1.26) reports a pseudo-boundary at the end of each year and, in leap
// years, puts it a day early, so that the bound it returns at that instant
// is the instant itself. There it steps past the pseudo-boundary and, if
// the offset changed meanwhile, finds the change by bisection.
func nextBound(loc *time.Location, t time.Time) time.Time {
	_, end := t.ZoneBounds()
	if end.IsZero() || end.After(t) {
		return end
	}
	probe := t.Add(time.Hour)
	if sameZone(loc, t, probe) {
		_, end = probe.In(loc).ZoneBounds()
		if end.IsZero() || end.After(probe) {
			return end
		}
		return probe.Add(time.Hour) // give up on ZoneBounds here; the caller probes on
	}
	lo, hi := t, probe // the change is in (lo, hi]
	for hi.Sub(lo) > time.Second {
		mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
		if sameZone(loc, t, mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

func sameZone(loc *time.Location, a, b time.Time) bool {
	_, oa := a.In(loc).Zone()
	_, ob := b.In(loc).Zone()
	return oa == ob && a.In(loc).IsDST() == b.In(loc).IsDST()
}

// run is a sequence of transitions of one kind in consecutive years that
// one yearly rule describes.
type run struct {
	ts   []transition
	rule dayRule
}

// dayRule describes which day of the month a yearly transition falls on.
// Several may describe the same observations; the fields hold every one
// still possible.
type dayRule struct {
	weekday    time.Weekday
	sameDay    bool // the same weekday every time
	nth        int  // 1..4: the N-th weekday; 0 when not
	last       bool // the last weekday of the month
	fixed      int  // the same day of the month; 0 when not
	minD, maxD int  // the days observed: a weekday on or after maxD-6 fits when maxD-minD <= 6
}

func ruleOf(t transition) dayRule {
	d := t.wall.Day()
	r := dayRule{weekday: t.wall.Weekday(), sameDay: true, fixed: d, minD: d, maxD: d}
	if n := (d-1)/7 + 1; n <= 4 {
		r.nth = n
	}
	r.last = d+7 > daysIn(t.wall.Year(), t.wall.Month())
	return r
}

// merge narrows r by one more observation; ok is false when no rule is
// left.
func (r dayRule) merge(o dayRule) (dayRule, bool) {
	if r.fixed != o.fixed {
		r.fixed = 0
	}
	if !r.sameDay || r.weekday != o.weekday {
		r.sameDay, r.nth, r.last = false, 0, false
	} else {
		if r.nth != o.nth {
			r.nth = 0
		}
		r.last = r.last && o.last
		r.minD, r.maxD = min(r.minD, o.minD), max(r.maxD, o.maxD)
	}
	onOrAfter := r.sameDay && r.maxD-r.minD <= 6
	return r, r.fixed != 0 || r.nth != 0 || r.last || onOrAfter
}

// parts returns the rule's BYxxx parts, preferring the forms tz rules use
// most: the N-th or last weekday, a fixed day, a weekday on or after a day.
func (r dayRule) parts() string {
	day := dayCodes[r.weekday]
	switch {
	case r.nth != 0:
		return "BYDAY=" + strconv.Itoa(r.nth) + day
	case r.last:
		return "BYDAY=-1" + day
	case r.fixed != 0:
		return "BYMONTHDAY=" + strconv.Itoa(r.fixed)
	}
	days := make([]string, 7)
	lo := max(r.maxD-6, 1)
	for i := range days {
		days[i] = strconv.Itoa(lo + i)
	}
	return "BYDAY=" + day + ";BYMONTHDAY=" + strings.Join(days, ",")
}

// next predicts the rule's transition in the year after t.
func (r dayRule) next(t transition) time.Time {
	w := t.wall
	y, m := w.Year()+1, w.Month()
	var d int
	switch {
	case r.nth != 0:
		d = firstWeekday(y, m, r.weekday) + 7*(r.nth-1)
	case r.last:
		d = firstWeekday(y, m, r.weekday) + 21
		if d+7 <= daysIn(y, m) {
			d += 7
		}
	case r.fixed != 0:
		d = r.fixed
	default:
		lo := max(r.maxD-6, 1)
		d = lo + (int(r.weekday)-int(time.Date(y, m, lo, 0, 0, 0, 0, time.UTC).Weekday())+7)%7
	}
	wall := time.Date(y, m, d, w.Hour(), w.Minute(), w.Second(), 0, time.UTC)
	return wall.Add(-time.Duration(t.fromOff) * time.Second)
}

func firstWeekday(y int, m time.Month, wd time.Weekday) int {
	return 1 + (int(wd)-int(time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).Weekday())+7)%7
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// sameKind reports whether two transitions can belong to one yearly rule:
// same offsets, same kind, same month and time of day, consecutive years.
func sameKind(a, b transition) bool {
	return a.fromOff == b.fromOff && a.toOff == b.toOff && a.isDST == b.isDST && a.name == b.name &&
		a.wall.Month() == b.wall.Month() && b.wall.Year() == a.wall.Year()+1 &&
		a.wall.Hour() == b.wall.Hour() && a.wall.Minute() == b.wall.Minute() && a.wall.Second() == b.wall.Second()
}

// observances groups transitions into runs and writes the blocks that
// matter for instants up to to.
func observances(ts []transition, to, end time.Time) []*Component {
	var runs []run
	used := make([]bool, len(ts))
	for i := range ts {
		if used[i] {
			continue
		}
		r := run{ts: []transition{ts[i]}, rule: ruleOf(ts[i])}
		used[i] = true
		if ts[i].explicit {
			for j := i + 1; j < len(ts); j++ {
				last := r.ts[len(r.ts)-1]
				if used[j] || !sameKind(last, ts[j]) {
					if ts[j].wall.Year() > last.wall.Year()+1 {
						break
					}
					continue
				}
				merged, ok := r.rule.merge(ruleOf(ts[j]))
				if !ok {
					break
				}
				r.rule = merged
				r.ts = append(r.ts, ts[j])
				used[j] = true
			}
		}
		runs = append(runs, r)
	}
	var blocks []*Component
	for _, r := range runs {
		first := r.ts[0]
		if first.at.After(to) {
			continue // begins after the span: not needed
		}
		name := "STANDARD"
		if first.isDST {
			name = "DAYLIGHT"
		}
		b := &Component{Name: name}
		b.Add(
			Property{Name: "DTSTART", Value: first.wall.Format(localLayout)},
			Property{Name: "TZOFFSETFROM", Value: formatOffset(first.fromOff)},
			Property{Name: "TZOFFSETTO", Value: formatOffset(first.toOff)},
		)
		if len(r.ts) > 1 {
			last := r.ts[len(r.ts)-1]
			rule := "FREQ=YEARLY;BYMONTH=" + strconv.Itoa(int(first.wall.Month())) + ";" + r.rule.parts()
			if !r.rule.next(last).After(end) {
				// The rule stopped within what we looked at.
				rule += ";UNTIL=" + last.at.Format(utcLayout)
			}
			b.Add(Property{Name: "RRULE", Value: rule})
		}
		if first.name != "" {
			b.Add(NewText("TZNAME", first.name))
		}
		blocks = append(blocks, b)
	}
	slices.SortStableFunc(blocks, func(a, b *Component) int {
		return strings.Compare(a.Properties[0].Value, b.Properties[0].Value)
	})
	return blocks
}

// formatOffset writes a UTC offset as RFC 5545's UTC-OFFSET: +0100,
// -0330, +0019 32 for a zone's historical mean time.
func formatOffset(secs int) string {
	sign := '+'
	if secs < 0 {
		sign, secs = '-', -secs
	}
	s := fmt.Sprintf("%c%02d%02d", sign, secs/3600, secs/60%60)
	if secs%60 != 0 {
		s += fmt.Sprintf("%02d", secs%60)
	}
	return s
}

// AddTimezones adds a VTIMEZONE to the calendar c for every TZID that its
// components' properties use and that c has no VTIMEZONE for, spanning the
// dates those properties hold. locs maps each TZID to its location; a
// TZID missing from it is an error. A recurring component's span reaches
// its rule's UNTIL, or the end that its COUNT allows at most; a rule
// without either extends the span ten years (the zone's last yearly rule
// is written without an end anyway). The new components come first among
// c's children, in TZID order.
func (c *Component) AddTimezones(locs map[string]*time.Location) error {
	type span struct{ from, to time.Time }
	spans := map[string]*span{}
	have := map[string]bool{}
	for _, sub := range c.Components {
		if sub.Name == "VTIMEZONE" {
			if p := sub.Get("TZID"); p != nil {
				have[p.Text()] = true
			}
		}
	}
	extend := func(tzid string, t time.Time) {
		s := spans[tzid]
		if s == nil {
			spans[tzid] = &span{t, t}
			return
		}
		if t.Before(s.from) {
			s.from = t
		}
		if t.After(s.to) {
			s.to = t
		}
	}
	var walk func(*Component) error
	walk = func(comp *Component) error {
		if comp.Name == "VTIMEZONE" {
			return nil
		}
		var startTZID string
		var start time.Time
		for i := range comp.Properties {
			p := &comp.Properties[i]
			tzid := p.Params.Get("TZID")
			if tzid == "" || have[tzid] {
				continue
			}
			loc := locs[tzid]
			if loc == nil {
				return fmt.Errorf("ical: no location for TZID %q (used by %s in %s)", tzid, p.Name, comp.Name)
			}
			ds, err := p.DateTimes()
			if err != nil {
				return err
			}
			for _, d := range ds {
				t := d.In(loc)
				extend(tzid, t)
				if p.Name == "DTSTART" {
					startTZID, start = tzid, t
				}
			}
		}
		if startTZID != "" {
			for _, p := range comp.All("RRULE") {
				r, err := p.Recur()
				if err != nil {
					return err
				}
				extend(startTZID, seriesEnd(r, start))
			}
		}
		for _, sub := range comp.Components {
			if err := walk(sub); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(c); err != nil {
		return err
	}
	tzids := make([]string, 0, len(spans))
	for tzid := range spans {
		tzids = append(tzids, tzid)
	}
	slices.Sort(tzids)
	var zones []*Component
	for _, tzid := range tzids {
		s := spans[tzid]
		tz, err := NewTimezone(tzid, locs[tzid], s.from, s.to)
		if err != nil {
			return err
		}
		zones = append(zones, tz)
	}
	c.Components = append(zones, c.Components...)
	return nil
}

// seriesEnd bounds the last start of a recurring series: its UNTIL, or
// what COUNT periods of its frequency can reach, or ten years.
func seriesEnd(r Recur, start time.Time) time.Time {
	if !r.Until.IsZero() {
		if r.UntilForm == FormUTC {
			return r.Until
		}
		return DateTime{Time: r.Until, Form: r.UntilForm}.In(start.Location()).Add(24 * time.Hour)
	}
	if r.Count == 0 {
		return start.AddDate(10, 0, 0)
	}
	interval := max(r.Interval, 1)
	// Each period holds at least one occurrence unless BYxxx parts skip
	// periods (the 31st of a month, the 5th Monday); allow for that.
	periods := r.Count * interval
	if len(r.ByMonthDay)+len(r.ByDay)+len(r.BySetPos)+len(r.ByYearDay)+len(r.ByWeekNo)+len(r.ByMonth) > 0 {
		periods *= 12
	}
	var d time.Duration
	switch r.Freq {
	case Yearly:
		return start.AddDate(min(periods, 1000), 0, 0)
	case Monthly:
		return start.AddDate(0, min(periods, 12000), 0)
	case Weekly:
		d = 7 * 24 * time.Hour
	case Daily:
		d = 24 * time.Hour
	case Hourly:
		d = time.Hour
	case Minutely:
		d = time.Minute
	default:
		d = time.Second
	}
	const maxSpan = 100 * 366 * 24 * time.Hour
	if time.Duration(periods) > maxSpan/d {
		return start.Add(maxSpan)
	}
	return start.Add(time.Duration(periods) * d)
}
