package recurrence

import (
	"math"
	"time"
)

// maxOffsetSwing bounds how far apart two readings of the same wall clock
// can be: UTC offsets lie within -12h..+14h, so two instants showing the same
// wall time are less than 26 hours apart.
const maxOffsetSwing = 26 * 60 * 60

// WallTime returns the instant at which a wall clock in loc shows the given
// date and time of day. It is how every occurrence gets its instant, so that
// occurrences keep their wall-clock time across daylight-saving changes (the
// instant moves, the wall time does not).
//
// Two wall times have no single instant; they are resolved as RFC 5545
// section 3.3.5 resolves them:
//
//   - A wall time that does not exist (the clock jumps over it when daylight
//     saving starts) is read with the UTC offset in force before the jump, so
//     it lands as far after the jump as it was after the last valid time:
//     02:30 in Europe/Berlin on 2024-03-31 is 01:30Z, which the clock shows as
//     03:30 CEST.
//   - A wall time that occurs twice (the clock falls back) means the first of
//     the two instants: 02:30 in Europe/Berlin on 2024-10-27 is 00:30Z (CEST),
//     not 01:30Z (CET).
//
// No Microsoft document states which instant Exchange picks (see the
// package documentation). Go's time.Date leaves the choice unspecified, and
// in fact chooses differently for zones east and west of UTC (02:30 on the
// spring-forward day is 03:30 in Berlin but 01:30 in New York), which is
// why the choice is made explicitly here.
func WallTime(d Date, hour, minute, second, nsec int, loc *time.Location) time.Time {
	wall := int64(d.days())*86400 + int64(hour)*3600 + int64(minute)*60 + int64(second)
	return resolveWall(wall, nsec, loc)
}

// resolveWall is WallTime on a wall clock given as seconds since
// 1970-01-01T00:00 of the wall clock.
func resolveWall(wall int64, nsec int, loc *time.Location) time.Time {
	var c zoneCache
	t, _ := c.resolve(wall, nsec, loc)
	return t
}

// zoneCache remembers one span of constant UTC offset of a zone, so that
// resolving the wall times of a series, which mostly fall in the same span,
// costs a subtraction. The zero value is empty. A zoneCache belongs to one
// goroutine and one zone.
type zoneCache struct {
	start, end int64 // the span's instants, [start, end), shrunk by maxOffsetSwing on both sides
	offset     int64
	valid      bool
}

// resolve returns the instant for wall (see WallTime) and the wall time it
// shows, which differs from wall only for a time the clock skips.
func (c *zoneCache) resolve(wall int64, nsec int, loc *time.Location) (time.Time, int64) {
	// Inside the span, away from its ends, the span's offset is the only
	// reading of wall.
	if u := wall - c.offset; c.valid && u >= c.start && u < c.end {
		return time.Unix(u, int64(nsec)).In(loc), wall
	}
	d := dateOfDays(int(floorDiv(wall, 86400)))
	sod := int(floorMod(wall, 86400))
	t := time.Date(d.Year, d.Month, d.Day, sod/3600, sod/60%60, sod%60, nsec, loc)
	_, off := t.Zone()
	u := t.Unix()
	start, end := t.ZoneBounds()
	c.valid, c.offset, c.start, c.end = true, int64(off), math.MinInt64, math.MaxInt64
	if !start.IsZero() {
		c.start = start.Unix() + maxOffsetSwing
	}
	if !end.IsZero() {
		c.end = end.Unix() - maxOffsetSwing
	}
	if u+int64(off) == wall && u >= c.start && u < c.end {
		return t, wall
	}
	// Near a change of offset: work it out.
	t = time.Unix(resolveNearTransition(wall, loc), int64(nsec)).In(loc)
	_, off = t.Zone()
	return t, t.Unix() + int64(off)
}

// resolveNearTransition finds the instant for wall by walking the zone
// periods (spans of constant UTC offset) that can contain it.
func resolveNearTransition(wall int64, loc *time.Location) int64 {
	type period struct {
		start, end int64 // [start, end); math bounds stand for "unbounded"
		offset     int64
	}
	const (
		minInstant = -1 << 62
		maxInstant = 1 << 62
	)
	var periods []period
	for at := wall - maxOffsetSwing; ; {
		t := time.Unix(at, 0).In(loc)
		_, off := t.Zone()
		s, e := t.ZoneBounds()
		p := period{start: minInstant, end: maxInstant, offset: int64(off)}
		if !s.IsZero() {
			p.start = s.Unix()
		}
		if !e.IsZero() {
			p.end = e.Unix()
		}
		periods = append(periods, p)
		if p.end >= wall+maxOffsetSwing || p.end <= at {
			break
		}
		at = p.end
	}
	// A valid reading u shows wall: u + offset(u) == wall. The earliest one
	// wins (RFC 5545: the first occurrence of a repeated wall time).
	for _, p := range periods {
		if u := wall - p.offset; u >= p.start && u < p.end {
			return u
		}
	}
	// No reading: wall lies in a gap. Find the jump it falls into and read
	// it with the offset from before the jump.
	for i := 0; i+1 < len(periods); i++ {
		before, after := periods[i], periods[i+1]
		if wall >= before.end+before.offset && wall < before.end+after.offset {
			return wall - before.offset
		}
	}
	// Unreachable for real zone data; fall back to the first period's offset.
	return wall - periods[0].offset
}
