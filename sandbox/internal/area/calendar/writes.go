package calendar

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/recurrence"
)

// timeFields are the properties whose change moves a meeting: attendees'
// responses start over.
var timeFields = []string{"start", "end", "isAllDay", "recurrence", "originalStartTimeZone", "originalEndTimeZone"}

func txnKey(owner, txn string) string { return "calendar:txn:" + owner + ":" + txn }

func createEvent(ctx context.Context, c *core.Call) error {
	pl, err := resolvePlace(ctx, c, roleWrite)
	if err != nil {
		return err
	}
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	if err := checkEventInput(in, eventWritable); err != nil {
		return err
	}
	now := c.Now()
	id := core.NewItemID(pl.owner)
	doc := newEventDoc(pl, id, now)
	doc["_parentFolderId"] = pl.cal.ID
	applyEventInput(doc, withoutKeys(in, "attachments"))
	if err := setTimes(doc, in["start"], in["end"]); err != nil {
		return err
	}
	if err := setRecurrence(doc); err != nil {
		return err
	}
	o := &core.Object{Collection: collEvents, Owner: pl.owner, ID: id, Parent: pl.cal.ID, Data: doc, Created: now, Sort: eventSort(doc)}
	txn := core.Str(in, "transactionId")
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		if txn != "" {
			// A retried creation finds the event the first attempt made.
			if prev, ok, err := tx.KVGet(ctx, txnKey(pl.owner, txn)); err != nil {
				return err
			} else if ok {
				if existing, err := tx.Get(ctx, collEvents, pl.owner, string(prev)); err == nil {
					o = existing
					return nil
				}
			}
			if err := tx.KVPut(ctx, txnKey(pl.owner, txn), []byte(id), time.Time{}); err != nil {
				return err
			}
		}
		if err := tx.Put(ctx, o); err != nil {
			return err
		}
		if list, ok := in["attachments"].([]any); ok {
			for _, a := range list {
				am, ok := a.(map[string]any)
				if !ok {
					return core.BadRequest("attachments must be an array of objects.")
				}
				if _, err := attachments.Put(ctx, tx, o, am, now, ""); err != nil {
					return err
				}
			}
		}
		if organizes(o.Data) {
			return invite(ctx, c, tx, pl, o, attendeesOf(o.Data), "newMeetingRequest", "", nil, "")
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusCreated, typeEvent, presentEvent(pl.role)(c, o.Data))
}

func withoutKeys(m map[string]any, keys ...string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if !core.ContainsFold(keys, k) {
			out[k] = v
		}
	}
	return out
}

// zonedDTZ is a stored time as the client would send it: in the event's
// own zone, so that setTimes keeps that zone.
func zonedDTZ(doc map[string]any, which string) map[string]any {
	zoneKey := "originalStartTimeZone"
	if which == "end" {
		zoneKey = "originalEndTimeZone"
	}
	zone := core.Str(doc, zoneKey)
	loc, err := loadZone(zone)
	if err != nil {
		loc, zone = time.UTC, "UTC"
	}
	return map[string]any{"dateTime": storedTime(doc[which]).In(loc).Format(graphDateTime), "timeZone": zone}
}

// changedKeys lists the properties whose values differ between two
// documents, among keys.
func changedKeys(before, after map[string]any, keys []string) []string {
	var out []string
	for _, k := range keys {
		a, _ := json.Marshal(before[k])
		b, _ := json.Marshal(after[k])
		if string(a) != string(b) {
			out = append(out, k)
		}
	}
	return out
}

func touch(doc map[string]any, now time.Time) { core.TouchItem(doc, now) }

func patchEvent(ctx context.Context, c *core.Call) error {
	pl, err := resolvePlace(ctx, c, roleNone)
	if err != nil {
		return err
	}
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	var out map[string]any
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		doc, master, err := loadEventAs(ctx, c, tx, pl, roleWrite)
		if err != nil {
			return err
		}
		if key := core.Str(doc, "_key"); key != "" {
			out, err = patchOccurrence(ctx, c, tx, pl, master, doc, key, in)
			return err
		}
		if err := checkEventInput(in, eventWritable); err != nil {
			return err
		}
		before := core.CloneDoc(master.Data)
		d := master.Data
		applyEventInput(d, withoutKeys(in, "transactionId"))
		_, moved := in["start"]
		_, ended := in["end"]
		_, allDay := in["isAllDay"]
		_, recurring := in["recurrence"]
		if moved || ended || allDay || recurring {
			start, end := in["start"], in["end"]
			if !moved {
				start = zonedDTZ(before, "start")
			}
			if !ended {
				end = zonedDTZ(before, "end")
			}
			if err := setTimes(d, start, end); err != nil {
				return err
			}
			if recurring && d["recurrence"] == nil && core.Str(before, "type") == "seriesMaster" {
				d["recurrence"] = nil
			}
			if len(changedKeys(before, d, timeFields)) > 0 {
				// Exchange drops the exceptions of a series whose times
				// or pattern change.
				delete(d, "_overrides")
			}
			if err := setRecurrence(d); err != nil {
				return err
			}
		}
		touch(d, c.Now())
		master.Sort = eventSort(d)
		if err := tx.Put(ctx, master); err != nil {
			return err
		}
		out = d
		if isOrganizer(before) && (len(attendeesOf(before)) > 0 || len(attendeesOf(d)) > 0) {
			return propagate(ctx, c, tx, pl, master, before)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusOK, typeEvent, presentEvent(pl.role)(c, out))
}

// patchOccurrence changes one occurrence of a series: the change is kept in
// the master's override for the occurrence, and reaches the attendees when
// the owner organizes the meeting.
func patchOccurrence(ctx context.Context, c *core.Call, tx *core.Tx, pl *place, master *core.Object, occ map[string]any, key string, in map[string]any) (map[string]any, error) {
	if err := checkEventInput(in, occurrenceWritable); err != nil {
		return nil, err
	}
	scratch := core.CloneDoc(occ)
	applyEventInput(scratch, in)
	_, moved := in["start"]
	_, ended := in["end"]
	timesChanged := false
	if moved || ended {
		start, end := in["start"], in["end"]
		if !moved {
			start = zonedDTZ(occ, "start")
		}
		if !ended {
			end = zonedDTZ(occ, "end")
		}
		if err := setTimes(scratch, start, end); err != nil {
			return nil, err
		}
		// An occurrence keeps the series' zones.
		scratch["originalStartTimeZone"], scratch["originalEndTimeZone"] = master.Data["originalStartTimeZone"], master.Data["originalEndTimeZone"]
		s, err := seriesOf(master.Data)
		if err != nil {
			return nil, err
		}
		orig, _ := time.Parse(time.RFC3339, core.Str(occ, "originalStart"))
		ns, ne := storedTime(scratch["start"]), storedTime(scratch["end"])
		if isAllDay(master.Data) {
			orig, ns, ne = floatingDay(master.Data, orig), floatingDay(master.Data, ns), floatingDay(master.Data, ne)
		}
		if err := s.CheckMove(orig, ns, ne); err != nil {
			return nil, recurrenceError(err)
		}
		timesChanged = !storedTime(scratch["start"]).Equal(storedTime(occ["start"])) || !storedTime(scratch["end"]).Equal(storedTime(occ["end"]))
	}
	ov := overrideOf(master.Data, key)
	if ov == nil {
		ov = map[string]any{}
	}
	keys := []string{"bodyPreview", "onlineMeeting", "onlineMeetingProvider"}
	for k := range in {
		if !strings.HasPrefix(k, "@") {
			keys = append(keys, k)
		}
	}
	if _, ok := in["location"]; ok {
		keys = append(keys, "locations")
	}
	if _, ok := in["locations"]; ok {
		keys = append(keys, "location")
	}
	edited := false
	for _, k := range keys {
		ov[k] = scratch[k]
		if !core.ContainsFold(personal, k) {
			edited = true
		}
	}
	if edited {
		ov["_edited"] = true
	}
	now := c.Now()
	ov["lastModifiedDateTime"], ov["changeKey"] = core.ISOTime(now), core.NewChangeKey()
	if timesChanged && organizes(master.Data) {
		// The attendees answer the moved occurrence again.
		ov["attendees"] = resetResponses(attendeesAt(master.Data, key))
	}
	setOverride(master.Data, key, ov)
	touch(master.Data, now)
	if _, err := seriesOf(master.Data); err != nil {
		return nil, recurrenceError(err)
	}
	if err := tx.Put(ctx, master); err != nil {
		return nil, err
	}
	if edited && organizes(master.Data) {
		if err := propagateOccurrence(ctx, c, tx, pl, master, key, occ, timesChanged); err != nil {
			return nil, err
		}
	}
	d, _ := recurrence.ParseDate(key)
	s, err := seriesOf(master.Data)
	if err != nil {
		return nil, err
	}
	o, err := s.Occurrence(d)
	if err != nil {
		return nil, err
	}
	return occurrenceDoc(master.Data, master.ID, o), nil
}

func deleteEvent(ctx context.Context, c *core.Call) error {
	pl, err := resolvePlace(ctx, c, roleNone)
	if err != nil {
		return err
	}
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		doc, master, err := loadEventAs(ctx, c, tx, pl, roleWrite)
		if err != nil {
			return err
		}
		return removeEvent(ctx, c, tx, pl, master, doc, "")
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

// removeEvent deletes an event or cancels an occurrence; an organizer's
// meeting sends its attendees a cancellation with comment.
func removeEvent(ctx context.Context, c *core.Call, tx *core.Tx, pl *place, master *core.Object, doc map[string]any, comment string) error {
	if key := core.Str(doc, "_key"); key != "" {
		cancelOccurrence(master.Data, master.ID, key)
		touch(master.Data, c.Now())
		if err := tx.Put(ctx, master); err != nil {
			return err
		}
		if organizes(master.Data) {
			return cancelForAttendees(ctx, c, tx, pl, master, doc, key, comment)
		}
		return nil
	}
	if organizes(master.Data) {
		if err := cancelForAttendees(ctx, c, tx, pl, master, doc, "", comment); err != nil {
			return err
		}
	}
	return deleteEventTx(ctx, tx, master)
}

// cancelOccurrence records an occurrence as deleted from its series.
func cancelOccurrence(master map[string]any, id, key string) {
	setOverride(master, key, map[string]any{"_cancelled": true})
	master["cancelledOccurrences"] = cancelledOccurrences(master, id)
}

// deleteEventTx deletes a stored event with its attachments.
func deleteEventTx(ctx context.Context, tx *core.Tx, o *core.Object) error {
	if err := attachments.DeleteAll(ctx, tx, o.Owner, o.ID); err != nil {
		return err
	}
	if txn := core.Str(o.Data, "transactionId"); txn != "" {
		if err := tx.KVDelete(ctx, txnKey(o.Owner, txn)); err != nil {
			return err
		}
	}
	return tx.Delete(ctx, collEvents, o.Owner, o.ID)
}

// Reminders.

func dismissReminder(ctx context.Context, c *core.Call) error {
	return reminderAction(ctx, c, func(doc map[string]any, _ map[string]any) error {
		doc["_reminderDismissed"] = true
		return nil
	})
}

func snoozeReminder(ctx context.Context, c *core.Call) error {
	return reminderAction(ctx, c, func(doc map[string]any, in map[string]any) error {
		t, _, err := parseDTZ(param(in, "newReminderTime"), "newReminderTime")
		if err != nil {
			return err
		}
		doc["_reminderSnoozedUntil"] = core.ISOTime(t)
		return nil
	})
}

func reminderAction(ctx context.Context, c *core.Call, apply func(doc, in map[string]any) error) error {
	pl, err := resolvePlace(ctx, c, roleNone)
	if err != nil {
		return err
	}
	var in map[string]any
	if err := c.DecodeOptional(&in); err != nil {
		return err
	}
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		doc, master, err := loadEventAs(ctx, c, tx, pl, roleWrite)
		if err != nil {
			return err
		}
		if key := core.Str(doc, "_key"); key != "" {
			ov := overrideOf(master.Data, key)
			if ov == nil {
				ov = map[string]any{}
			}
			if err := apply(ov, in); err != nil {
				return err
			}
			setOverride(master.Data, key, ov)
		} else if err := apply(master.Data, in); err != nil {
			return err
		}
		return tx.Put(ctx, master)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

// Attachments: the core's Outlook attachments on stored events (a series
// master's are the series').

// attachmentItem loads the event an attachment route addresses, checking
// the caller's role on its calendar.
func attachmentItem(ctx context.Context, c *core.Call, tx *core.Tx) (*core.Object, error) {
	id := c.Param("id")
	owner := ""
	if g := c.Param("group"); g != "" {
		if c.Claims.AppOnly {
			return nil, core.AccessDenied()
		}
		member, err := core.InGroup(ctx, tx, g, c.Claims.ObjectID)
		if err != nil {
			return nil, err
		}
		if !member {
			return nil, core.AccessDenied()
		}
		owner = g
	} else {
		owner = c.User.ID
	}
	if m, _, ok := parseOccurrenceID(id); ok {
		id = m
	}
	o, err := tx.GetItem(ctx, core.Scope{Collection: collEvents, Owner: owner}, id)
	if core.IsNotFound(err) {
		return nil, errEventNotFound()
	}
	if err != nil {
		return nil, err
	}
	if cal := c.Param("cal"); cal != "" && o.Parent != cal {
		return nil, errEventNotFound()
	}
	pl := &place{owner: owner}
	if c.User != nil {
		pl.user = c.User
	}
	calObj, err := tx.Get(ctx, collCalendars, owner, o.Parent)
	if err != nil {
		return nil, err
	}
	need := roleLimited
	if c.R.Method != http.MethodGet {
		need = roleWrite
	}
	if c.Param("group") == "" && callerRole(ctx, c, tx, pl, calObj) < need {
		return nil, core.AccessDenied()
	}
	return o, nil
}

// attachedItem is the item of an item attachment on an event: an event or
// a message, stored as given.
func attachedItem(item map[string]any, now time.Time) (map[string]any, string, error) {
	doc := core.CloneDoc(item)
	if _, ok := doc["subject"]; !ok {
		doc["subject"] = ""
	}
	doc["createdDateTime"] = core.ISOTime(now)
	typ := strings.ToLower(core.Str(doc, "@odata.type"))
	if strings.HasSuffix(typ, "event") {
		return doc, "application/vnd.ms-outlook", nil
	}
	return doc, "message/rfc822", nil
}
