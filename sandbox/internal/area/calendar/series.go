package calendar

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/recurrence"
)

// Times. Stored start and end are dateTimeTimeZone values in UTC; the
// event's own zone is originalStartTimeZone.

// graphDateTime is how Graph writes dateTimeTimeZone.dateTime.
const graphDateTime = "2006-01-02T15:04:05.0000000"

// utcDTZ is t as a stored dateTimeTimeZone.
func utcDTZ(t time.Time) map[string]any {
	return map[string]any{"dateTime": t.UTC().Format(graphDateTime), "timeZone": "UTC"}
}

// zoneNotSupported is Exchange's answer for a zone it does not know.
func zoneNotSupported(name string) *core.Error {
	return core.Errorf(http.StatusBadRequest, "TimeZoneNotSupportedException",
		"A valid TimeZone value must be specified. The following TimeZone value is not supported: '%s'.", name)
}

// loadZone resolves a Windows or IANA zone name; "" is UTC, as Graph reads
// a dateTimeTimeZone without zone.
func loadZone(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	loc, ok := core.LoadZone(name)
	if !ok {
		return nil, zoneNotSupported(name)
	}
	return loc, nil
}

// parseDTZ reads a dateTimeTimeZone from a request: dateTime as Graph
// writes it (fractions optional; an explicit offset is taken as written)
// in timeZone. It returns the instant and the zone name as given.
func parseDTZ(v any, member string) (time.Time, string, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return time.Time{}, "", core.Errorf(http.StatusBadRequest, "RequestBodyRead",
			"Cannot convert the literal '%v' to the expected type 'microsoft.graph.dateTimeTimeZone' of '%s'.", v, member)
	}
	zone := core.Str(m, "timeZone")
	loc, err := loadZone(zone)
	if err != nil {
		return time.Time{}, "", err
	}
	dt := strings.TrimSpace(core.Str(m, "dateTime"))
	if dt == "" {
		return time.Time{}, "", core.Errorf(http.StatusBadRequest, "ErrorInvalidRequest", "%s.dateTime is required.", member)
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", dt, loc); err == nil {
		return t, zone, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, dt); err == nil {
		return t.In(loc), zone, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", dt, loc); err == nil {
		return t, zone, nil
	}
	return time.Time{}, "", core.Errorf(http.StatusBadRequest, "ErrorInvalidRequest",
		"%s.dateTime '%s' is not a date and time such as 2026-03-02T10:00:00.", member, dt)
}

// storedTime reads a stored (UTC) dateTimeTimeZone.
func storedTime(v any) time.Time {
	m, _ := v.(map[string]any)
	t, err := time.ParseInLocation(graphDateTime, core.Str(m, "dateTime"), time.UTC)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, core.Str(m, "dateTime"))
	}
	return t
}

// eventZone is the zone an event's start was given in.
func eventZone(doc map[string]any) *time.Location {
	loc, err := loadZone(core.Str(doc, "originalStartTimeZone"))
	if err != nil {
		return time.UTC
	}
	return loc
}

// eventTimes are an event's start and end, in its own zones.
func eventTimes(doc map[string]any) (start, end time.Time) {
	start = storedTime(doc["start"]).In(eventZone(doc))
	endLoc, err := loadZone(core.Str(doc, "originalEndTimeZone"))
	if err != nil {
		endLoc = start.Location()
	}
	return start, storedTime(doc["end"]).In(endLoc)
}

// Occurrence ids: opaque, derived from the series master's id and the
// occurrence's original date, so that they survive moving the occurrence
// (as Exchange's do) and need no storage.

const occurrencePrefix = "occ\x00"

func occurrenceID(masterID, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(occurrencePrefix + masterID + "\x00" + key))
}

// parseOccurrenceID splits an occurrence id; ok is false for other ids.
func parseOccurrenceID(id string) (masterID, key string, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil {
		return "", "", false
	}
	rest, ok := strings.CutPrefix(string(raw), occurrencePrefix)
	if !ok {
		return "", "", false
	}
	masterID, key, ok = strings.Cut(rest, "\x00")
	if _, err := recurrence.ParseDate(key); !ok || err != nil || masterID == "" {
		return "", "", false
	}
	return masterID, key, true
}

// Overrides: what changed for single occurrences of a series, kept in the
// master under "_overrides", by original date. An override holds the
// public properties that differ from the master's (start and end in UTC
// when moved), and internal flags: "_cancelled" (deleted from the series),
// "_edited" (changed by the organizer: the occurrence is an exception).

func overrides(master map[string]any) map[string]any {
	ov, _ := master["_overrides"].(map[string]any)
	return ov
}

func overrideOf(master map[string]any, key string) map[string]any {
	o, _ := overrides(master)[key].(map[string]any)
	return o
}

// setOverride stores the override of one occurrence.
func setOverride(master map[string]any, key string, o map[string]any) {
	ov := overrides(master)
	if ov == nil {
		ov = map[string]any{}
		master["_overrides"] = ov
	}
	ov[key] = o
}

// seriesOf compiles a stored series master, its moved and cancelled
// occurrences included. An error is a *recurrence.Error.
func seriesOf(master map[string]any) (*recurrence.Series, error) {
	rec, err := recurrence.FromJSON(master["recurrence"])
	if err != nil {
		return nil, err
	}
	start, end := eventTimes(master)
	m := recurrence.Master{Recurrence: rec, Start: start, End: end}
	if z := rec.Range.RecurrenceTimeZone; z != "" {
		if loc, ok := core.LoadZone(z); ok {
			m.RangeZone = loc
		}
	}
	if isAllDay(master) {
		// All-day series repeat on dates: expand them in UTC, where their
		// midnights are stored as they were given.
		m.Start, m.End = floatingDay(master, start), floatingDay(master, end)
		m.RangeZone = nil
	}
	keys := make([]string, 0, len(overrides(master)))
	for k := range overrides(master) {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(keys) > 0 {
		plain, err := recurrence.NewSeries(m)
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			o := overrideOf(master, k)
			d, err := recurrence.ParseDate(k)
			if err != nil {
				continue
			}
			occ, err := plain.Occurrence(d)
			if err != nil {
				continue // the pattern no longer has it
			}
			e := recurrence.Exception{OriginalStart: occ.OriginalStart}
			switch {
			case o["_cancelled"] == true:
				e.Cancelled = true
			case o["start"] != nil:
				e.Start, e.End = storedTime(o["start"]), storedTime(o["end"])
				if isAllDay(master) {
					e.Start, e.End = floatingDay(master, e.Start), floatingDay(master, e.End)
				}
			default:
				continue // properties only: the times stay the pattern's
			}
			m.Exceptions = append(m.Exceptions, e)
		}
	}
	return recurrence.NewSeries(m)
}

func isAllDay(doc map[string]any) bool { b, _ := doc["isAllDay"].(bool); return b }

// floatingDay is the date an all-day event's time falls on in its zone, as
// midnight UTC: all-day events are dates, not instants.
func floatingDay(doc map[string]any, t time.Time) time.Time {
	y, m, d := t.In(eventZone(doc)).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// fromFloating turns a floating midnight back into the stored instant
// (midnight in the event's zone).
func fromFloating(doc map[string]any, t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, eventZone(doc))
}

// occurrenceDoc builds the document of one occurrence of a stored master:
// the master's properties, the occurrence's times and identity, and its
// override.
func occurrenceDoc(master map[string]any, masterID string, o recurrence.Occurrence) map[string]any {
	doc := make(map[string]any, len(master)+4)
	for k, v := range master {
		if k == "_overrides" || k == "cancelledOccurrences" || k == "_copies" {
			continue
		}
		doc[k] = v
	}
	key := o.Key()
	start, end := o.Start, o.End
	orig := o.OriginalStart
	if isAllDay(master) {
		start, end, orig = fromFloating(master, start), fromFloating(master, end), fromFloating(master, orig)
	}
	doc["id"] = occurrenceID(masterID, key)
	doc["type"] = "occurrence"
	doc["seriesMasterId"] = masterID
	doc["originalStart"] = core.ISOTime(orig)
	doc["recurrence"] = nil
	doc["start"], doc["end"] = utcDTZ(start), utcDTZ(end)
	doc["iCalUId"] = occurrenceUID(core.Str(master, "iCalUId"), key)
	doc["_key"] = key
	if ov := overrideOf(master, key); ov != nil {
		for k, v := range ov {
			if strings.HasPrefix(k, "_") {
				continue
			}
			doc[k] = v
		}
		if ov["_edited"] == true {
			doc["type"] = "exception"
		}
	}
	return doc
}

// occurrenceUID is an occurrence's iCalUId: Graph's differs for each
// occurrence of a series.
func occurrenceUID(master, key string) string {
	return master + strings.ReplaceAll(key, "-", "")
}

// cancelledOccurrences lists a master's cancelled occurrences as Graph
// does: "OID.{masterId}.{date}".
func cancelledOccurrences(master map[string]any, id string) []any {
	out := []any{}
	keys := make([]string, 0)
	for k, v := range overrides(master) {
		if m, _ := v.(map[string]any); m["_cancelled"] == true {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		out = append(out, "OID."+id+"."+k)
	}
	return out
}

// window is a calendarView's [start, end).
type window struct{ from, to time.Time }

// parseWindow reads startDateTime and endDateTime (ISO 8601; without an
// offset, UTC) as calendarView and instances require them.
func parseWindow(start, end string) (window, error) {
	if start == "" || end == "" {
		return window{}, core.Errorf(http.StatusBadRequest, "ErrorInvalidParameter",
			"This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.")
	}
	parse := func(name, v string) (time.Time, error) {
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.9999999", "2006-01-02T15:04", "2006-01-02"} {
			if t, err := time.ParseInLocation(layout, v, time.UTC); err == nil {
				return t, nil
			}
		}
		return time.Time{}, core.Errorf(http.StatusBadRequest, "ErrorInvalidParameter",
			"The value '%s' of parameter '%s' is invalid; use an ISO 8601 date and time such as 2026-03-02T00:00:00Z.", v, name)
	}
	from, err := parse("StartDateTime", start)
	if err != nil {
		return window{}, err
	}
	to, err := parse("EndDateTime", end)
	if err != nil {
		return window{}, err
	}
	if !to.After(from) {
		return window{}, core.Errorf(http.StatusBadRequest, "ErrorInvalidParameter", "EndDateTime must be after StartDateTime.")
	}
	return window{from, to}, nil
}

// overlaps reports whether [start, end) meets the window as calendarView
// selects: starting before its end and ending after its start, or of no
// length and starting in it.
func (w window) overlaps(start, end time.Time) bool {
	if !start.Before(w.to) {
		return false
	}
	return end.After(w.from) || (end.Equal(start) && !start.Before(w.from))
}

// viewItem is one entry of a calendar's view: its start and id (to order
// by) and how to build its document, which is done for listed pages only.
type viewItem struct {
	start  time.Time
	id     string
	doc    map[string]any        // a stored single event
	occ    recurrence.Occurrence // an occurrence of master
	master *core.Object
}

// build returns the item's document.
func (it viewItem) build() map[string]any {
	if it.master == nil {
		return it.doc
	}
	return occurrenceDoc(it.master.Data, it.master.ID, it.occ)
}

// expand appends the items of a stored event that fall in the window: the
// event itself for a single instance, its occurrences and exceptions for a
// series master.
func expand(out []viewItem, o *core.Object, w window) ([]viewItem, error) {
	doc := o.Data
	if core.Str(doc, "type") != "seriesMaster" {
		start, end := eventTimes(doc)
		if isAllDay(doc) {
			start, end = fromFloating(doc, floatingDay(doc, start)), fromFloating(doc, floatingDay(doc, end))
		}
		if w.overlaps(start, end) {
			out = append(out, viewItem{start: start, id: o.ID, doc: doc})
		}
		return out, nil
	}
	s, err := seriesOf(doc)
	if err != nil {
		return out, err
	}
	from, to := w.from, w.to
	allDay := isAllDay(doc)
	if allDay {
		// Dates in the event's zone: widen by two days each side, then
		// filter on the real instants.
		from, to = from.Add(-48*time.Hour), to.Add(48*time.Hour)
	}
	for occ := range s.Between(from, to) {
		start := occ.Start
		if allDay {
			start = fromFloating(doc, occ.Start)
			if !w.overlaps(start, fromFloating(doc, occ.End)) {
				continue
			}
		}
		out = append(out, viewItem{start: start, id: occurrenceID(o.ID, occ.Key()), occ: occ, master: o})
	}
	return out, nil
}

// sortItems orders view items by start, then id.
func sortItems(items []viewItem) {
	slices.SortFunc(items, func(a, b viewItem) int {
		if c := a.start.Compare(b.start); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
}

// buildAll builds the documents of items.
func buildAll(items []viewItem) []map[string]any {
	out := make([]map[string]any, len(items))
	for i, it := range items {
		out[i] = it.build()
	}
	return out
}
