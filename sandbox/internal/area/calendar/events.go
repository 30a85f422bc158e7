package calendar

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/odata"
	"github.com/o365go/o365/sandbox/internal/recurrence"
)

// The Graph types the area serves, named for the core's shapes.
const (
	typeEvent      = "event"
	typeCalendar   = "calendar"
	typeGroup      = "calendarGroup"
	typePermission = "calendarPermission"
)

// eventWritable are the event properties a client sets.
var eventWritable = []string{
	"subject", "body", "start", "end", "location", "locations", "attendees", "importance", "sensitivity",
	"showAs", "categories", "isAllDay", "isReminderOn", "reminderMinutesBeforeStart", "isOnlineMeeting",
	"onlineMeetingProvider", "responseRequested", "allowNewTimeProposals", "hideAttendees", "recurrence",
	"transactionId", "singleValueExtendedProperties", "multiValueExtendedProperties",
}

// occurrenceWritable are the properties one occurrence may change on its own.
var occurrenceWritable = []string{
	"subject", "body", "start", "end", "location", "locations", "attendees", "importance", "sensitivity",
	"showAs", "categories", "isReminderOn", "reminderMinutesBeforeStart", "isOnlineMeeting", "onlineMeetingProvider",
}

// eventReadOnly are the event properties Graph declares that a client cannot
// set; a request carrying them is not refused, they are ignored.
var eventReadOnly = []string{
	"id", "createdDateTime", "lastModifiedDateTime", "changeKey", "originalStartTimeZone", "originalEndTimeZone",
	"iCalUId", "uid", "hasAttachments", "bodyPreview", "isCancelled", "isOrganizer", "seriesMasterId", "type",
	"webLink", "onlineMeetingUrl", "onlineMeeting", "isDraft", "responseStatus", "organizer", "originalStart",
	"cancelledOccurrences", "attachments", "calendar", "instances", "extensions", "exceptionOccurrences",
}

// personal are the properties an attendee's change of their own copy does
// not send to anyone.
var personal = []string{"categories", "isReminderOn", "reminderMinutesBeforeStart", "showAs",
	"singleValueExtendedProperties", "multiValueExtendedProperties", "transactionId"}

var enums = map[string][]string{
	"importance":            {"low", "normal", "high"},
	"sensitivity":           {"normal", "personal", "private", "confidential"},
	"showAs":                {"unknown", "free", "tentative", "busy", "oof", "workingElsewhere"},
	"onlineMeetingProvider": {"unknown", "skypeForBusiness", "skypeForConsumer", "teamsForBusiness"},
}

func unknownProperty(k string) *core.Error {
	return core.Errorf(http.StatusBadRequest, "RequestBodyRead",
		"The property '%s' does not exist on type 'microsoft.graph.event'. Make sure to only use property names that are defined by the type or mark the type as open type.", k)
}

func invalidValue(k string, v any) *core.Error {
	return core.Errorf(http.StatusBadRequest, "RequestBodyRead", "Cannot convert the literal '%v' to the expected type of '%s'.", v, k)
}

// checkEventInput checks the shape of an event body: known properties,
// JSON types, enum values, recipients; primitives sent as their literal in
// a string are replaced by their value. Times and recurrence are checked
// when the event is built.
func checkEventInput(in map[string]any, allowed []string) error {
	for k, v := range in {
		if strings.HasPrefix(k, "@") || core.ContainsFold(eventReadOnly, k) {
			continue
		}
		if !core.ContainsFold(eventWritable, k) {
			return unknownProperty(k)
		}
		if !core.ContainsFold(allowed, k) {
			return core.Errorf(http.StatusBadRequest, "ErrorInvalidPropertyForOperation",
				"The property '%s' cannot be set on a single occurrence of a series; change the series master.", k)
		}
		if v == nil {
			continue
		}
		switch k {
		case "subject", "transactionId":
			if _, ok := v.(string); !ok {
				return invalidValue(k, v)
			}
		case "isAllDay", "isReminderOn", "isOnlineMeeting", "responseRequested", "allowNewTimeProposals", "hideAttendees":
			// Graph's reader takes a Boolean's literal in a string too:
			// python-o365 sends "isOnlineMeeting": "false".
			b, ok := core.PrimitiveValue("Edm.Boolean", v)
			if !ok {
				return invalidValue(k, v)
			}
			in[k] = b
		case "reminderMinutesBeforeStart":
			n, ok := core.PrimitiveValue("Edm.Int32", v)
			if !ok {
				return invalidValue(k, v)
			}
			in[k] = n
		case "importance", "sensitivity", "showAs", "onlineMeetingProvider":
			s, _ := v.(string)
			if !core.ContainsFold(enums[k], s) {
				return core.Errorf(http.StatusBadRequest, "RequestBodyRead", "Requested value '%v' was not found.", v)
			}
		case "categories":
			list, ok := v.([]any)
			for _, c := range list {
				if _, isStr := c.(string); !isStr {
					ok = false
				}
			}
			if !ok {
				return invalidValue(k, v)
			}
		case "body":
			m, ok := v.(map[string]any)
			ct := core.Str(m, "contentType")
			if !ok || (ct != "" && !core.ContainsFold([]string{"text", "html"}, ct)) {
				return invalidValue(k, v)
			}
		case "location":
			if _, ok := v.(map[string]any); !ok {
				return invalidValue(k, v)
			}
		case "locations":
			list, ok := v.([]any)
			for _, l := range list {
				if _, isObj := l.(map[string]any); !isObj {
					ok = false
				}
			}
			if !ok {
				return invalidValue(k, v)
			}
		case "attendees":
			list, ok := v.([]any)
			if !ok {
				return invalidValue(k, v)
			}
			for _, a := range list {
				if err := checkAttendee(a); err != nil {
					return err
				}
			}
		case "singleValueExtendedProperties", "multiValueExtendedProperties":
			list, ok := v.([]any)
			for _, p := range list {
				m, isObj := p.(map[string]any)
				if !isObj || core.Str(m, "id") == "" {
					ok = false
				}
			}
			if !ok {
				return core.BadRequest("%s must be an array of {id, value}.", k)
			}
		}
	}
	return nil
}

func checkAttendee(a any) error {
	m, ok := a.(map[string]any)
	e, _ := m["emailAddress"].(map[string]any)
	addr := core.Str(e, "address")
	at := strings.IndexByte(addr, '@')
	if !ok || at <= 0 || at == len(addr)-1 || strings.ContainsAny(addr, " \t\r\n<>") {
		return core.Errorf(http.StatusBadRequest, "ErrorInvalidRecipients", "At least one recipient is not valid., Recipient '%v' is not resolved.", a)
	}
	if t := core.Str(m, "type"); t != "" && !core.ContainsFold([]string{"required", "optional", "resource"}, t) {
		return core.Errorf(http.StatusBadRequest, "RequestBodyRead", "Requested value '%s' was not found.", t)
	}
	return nil
}

// normalizeAttendees gives every attendee a type and a status, keeping the
// status of those already known.
func normalizeAttendees(list []any, known []any) []any {
	prev := map[string]map[string]any{}
	for _, a := range known {
		m, _ := a.(map[string]any)
		prev[attendeeAddress(m)] = m
	}
	out := make([]any, 0, len(list))
	seen := map[string]bool{}
	for _, a := range list {
		m := core.CloneDoc(a.(map[string]any))
		addr := attendeeAddress(m)
		if seen[addr] {
			continue
		}
		seen[addr] = true
		if core.Str(m, "type") == "" {
			m["type"] = "required"
		}
		if p, ok := prev[addr]; ok && p["status"] != nil {
			m["status"] = p["status"]
			if p["proposedNewTime"] != nil {
				m["proposedNewTime"] = p["proposedNewTime"]
			}
		} else {
			m["status"] = noResponse()
		}
		out = append(out, m)
	}
	return out
}

func attendeeAddress(m map[string]any) string {
	e, _ := m["emailAddress"].(map[string]any)
	return strings.ToLower(core.Str(e, "address"))
}

func noResponse() map[string]any {
	return map[string]any{"response": "none", "time": "0001-01-01T00:00:00Z"}
}

// emptyLocation is Graph's location of an event that has none.
func emptyLocation() map[string]any {
	return map[string]any{"displayName": "", "locationType": "default", "uniqueIdType": "unknown", "address": map[string]any{}, "coordinates": map[string]any{}}
}

// normalizeLocation fills in what Graph adds to a location.
func normalizeLocation(v any) map[string]any {
	m, _ := v.(map[string]any)
	out := core.CloneDoc(m)
	if core.Str(out, "locationType") == "" {
		out["locationType"] = "default"
	}
	if core.Str(out, "uniqueIdType") == "" {
		out["uniqueIdType"] = "private"
		if core.Str(out, "uniqueId") == "" {
			out["uniqueId"] = core.Str(out, "displayName")
		}
	}
	return out
}

// applyEventInput sets the writable properties of in on doc, keeping
// location and locations consistent as Graph does.
func applyEventInput(doc, in map[string]any) {
	_, setLocation := in["location"]
	_, setLocations := in["locations"]
	for k, v := range in {
		if strings.HasPrefix(k, "@") || core.ContainsFold(eventReadOnly, k) {
			continue
		}
		switch {
		case core.ContainsFold(core.ExtendedProperties, k):
			doc[k] = core.MergeExtendedProperties(doc[k], v)
		case k == "attendees":
			list, _ := v.([]any)
			known, _ := doc["attendees"].([]any)
			doc[k] = normalizeAttendees(list, known)
		case k == "location" || k == "locations" || k == "start" || k == "end":
			// below, or by the caller
		case v == nil:
			switch k {
			case "body":
				doc[k] = map[string]any{"contentType": "text", "content": ""}
			case "categories":
				doc[k] = []any{}
			case "subject":
				doc[k] = ""
			default:
				doc[k] = nil
			}
		default:
			doc[k] = v
		}
	}
	switch {
	case setLocations:
		list, _ := in["locations"].([]any)
		locs := make([]any, 0, len(list))
		var names []string
		for _, l := range list {
			nl := normalizeLocation(l)
			locs = append(locs, nl)
			names = append(names, core.Str(nl, "displayName"))
		}
		doc["locations"] = locs
		if !setLocation {
			loc := emptyLocation()
			if len(locs) == 1 {
				loc = locs[0].(map[string]any)
			} else if len(locs) > 1 {
				loc["displayName"] = strings.Join(names, "; ")
			}
			doc["location"] = loc
		}
		if setLocation {
			doc["location"] = normalizeLocation(in["location"])
		}
	case setLocation:
		if in["location"] == nil || core.Str(in["location"].(map[string]any), "displayName") == "" {
			doc["location"], doc["locations"] = emptyLocation(), []any{}
		} else {
			loc := normalizeLocation(in["location"])
			doc["location"], doc["locations"] = loc, []any{loc}
		}
	}
	if b, ok := doc["body"].(map[string]any); ok && core.Str(b, "contentType") == "" {
		b["contentType"] = "text"
	}
	doc["bodyPreview"] = core.BodyPreview(doc)
	onlineMeeting(doc)
}

// onlineMeeting keeps the Teams details of an online meeting: a join URL
// derived from the event's series id.
func onlineMeeting(doc map[string]any) {
	if on, _ := doc["isOnlineMeeting"].(bool); !on {
		doc["onlineMeeting"] = nil
		if core.Str(doc, "onlineMeetingProvider") == "" {
			doc["onlineMeetingProvider"] = "unknown"
		}
		return
	}
	if p := core.Str(doc, "onlineMeetingProvider"); p == "" || p == "unknown" {
		doc["onlineMeetingProvider"] = "teamsForBusiness"
	}
	if doc["onlineMeeting"] != nil {
		return
	}
	uid := core.Str(doc, "_uid")
	thread := strings.ReplaceAll(uid, "-", "")
	doc["onlineMeeting"] = map[string]any{
		"joinUrl":         "https://teams.microsoft.com/l/meetup-join/19%3ameeting_" + thread + "%40thread.v2/0?context=%7b%22Tid%22%3a%22sandbox%22%7d",
		"conferenceId":    fmt.Sprint(len(thread)*7919%900000 + 100000),
		"tollNumber":      nil,
		"tollFreeNumbers": []any{},
		"quickDial":       nil,
		"phones":          []any{},
	}
}

// setTimes validates and stores an event's start and end (and, for a
// series, moves the master to its first occurrence). start and end are the
// request's values or, when absent, the stored ones.
func setTimes(doc map[string]any, startV, endV any) error {
	if startV == nil || endV == nil {
		return core.Errorf(http.StatusBadRequest, "ErrorInvalidRequest", "An event needs a start and an end.")
	}
	start, startZone, err := parseDTZ(startV, "start")
	if err != nil {
		return err
	}
	end, endZone, err := parseDTZ(endV, "end")
	if err != nil {
		return err
	}
	if startZone == "" {
		startZone = "UTC"
	}
	if endZone == "" {
		endZone = startZone
	}
	if end.Before(start) {
		return core.Errorf(http.StatusBadRequest, "ErrorCalendarEndDateIsEarlierThanStartDate", "The end date occurs before the start date.")
	}
	if isAllDay(doc) {
		midnight := func(t time.Time) bool { h, m, s := t.Clock(); return h == 0 && m == 0 && s == 0 && t.Nanosecond() == 0 }
		if !midnight(start) || !midnight(end) || !end.After(start) {
			return core.Errorf(http.StatusBadRequest, "ErrorPropertyValidationFailure",
				"At least one property failed validation. An all-day event starts and ends at midnight, and ends at least a day after it starts.")
		}
	}
	doc["originalStartTimeZone"], doc["originalEndTimeZone"] = startZone, endZone
	doc["start"], doc["end"] = utcDTZ(start), utcDTZ(end)
	return nil
}

// setRecurrence validates the recurrence of doc and makes the master start
// at the series' first occurrence, as Exchange does.
func setRecurrence(doc map[string]any) error {
	if doc["recurrence"] == nil {
		doc["type"] = "singleInstance"
		delete(doc, "cancelledOccurrences")
		return nil
	}
	rec, err := recurrence.FromJSON(doc["recurrence"])
	if err != nil {
		return recurrenceError(err)
	}
	zone := core.Str(doc, "originalStartTimeZone")
	if z := rec.Range.RecurrenceTimeZone; z != "" {
		if _, ok := core.LoadZone(z); !ok {
			return zoneNotSupported(z)
		}
	}
	norm := rec.Normalize(zone)
	raw, err := core.ToDoc(norm)
	if err != nil {
		return err
	}
	doc["recurrence"] = raw
	doc["type"] = "seriesMaster"
	s, err := seriesOf(doc)
	if err != nil {
		return recurrenceError(err)
	}
	first := s.First()
	start, end := first.Start, first.End
	if isAllDay(doc) {
		start, end = fromFloating(doc, start), fromFloating(doc, end)
	}
	doc["start"], doc["end"] = utcDTZ(start), utcDTZ(end)
	doc["cancelledOccurrences"] = []any{}
	return nil
}

// recurrenceError turns the engine's errors into Graph's 400.
func recurrenceError(err error) error {
	var re *recurrence.Error
	if errors.As(err, &re) {
		return core.Errorf(http.StatusBadRequest, re.Code, "%s", re.Message)
	}
	return err
}

// newEventDoc is a new event of the place's owner with Graph's defaults.
func newEventDoc(pl *place, id string, now time.Time) map[string]any {
	uid := uuid.NewString()
	return map[string]any{
		"createdDateTime": core.ISOTime(now), "lastModifiedDateTime": core.ISOTime(now), "changeKey": core.NewChangeKey(),
		"categories": []any{}, "transactionId": nil, "iCalUId": icalUID(uid), "reminderMinutesBeforeStart": 15,
		"isReminderOn": true, "hasAttachments": false, "subject": "", "bodyPreview": "", "importance": "normal",
		"sensitivity": "normal", "isAllDay": false, "isCancelled": false, "isOrganizer": true, "responseRequested": true,
		"seriesMasterId": nil, "showAs": "busy", "type": "singleInstance", "onlineMeetingUrl": nil, "isOnlineMeeting": false,
		"onlineMeetingProvider": "unknown", "allowNewTimeProposals": true, "isDraft": false, "hideAttendees": false,
		"recurrence": nil, "responseStatus": map[string]any{"response": "organizer", "time": "0001-01-01T00:00:00Z"},
		"body": map[string]any{"contentType": "html", "content": ""}, "location": emptyLocation(), "locations": []any{},
		"attendees": []any{}, "organizer": map[string]any{"emailAddress": pl.address()}, "onlineMeeting": nil,
		"_uid": uid,
	}
}

// icalUID is an iCalUId in Exchange's form: a global object id, hex.
func icalUID(uid string) string {
	return "040000008200E00074C5B7101A82E00800000000" + strings.ToUpper(strings.ReplaceAll(uid, "-", ""))
}

// eventSort orders stored events by start.
func eventSort(doc map[string]any) string { return core.SortKey(storedTime(doc["start"])) }

// Presentation.

// presentEvent is what the caller sees of a stored event or occurrence:
// all-day events as dates (midnight in the answer's zone), zone names in
// Windows form on Outlook's API, and less of it for limited roles.
func presentEvent(r role) func(c *core.Call, doc map[string]any) map[string]any {
	return func(c *core.Call, doc map[string]any) map[string]any {
		out := core.PublicDoc(doc)
		// The shapes serve an event's REST id from its calendar, and leave
		// this key out.
		out["_parentFolderId"] = doc["_parentFolderId"]
		if m := core.Str(doc, "seriesMasterId"); m != "" && !immutableIDs(c) {
			out["seriesMasterId"] = core.ItemRestID(core.ItemFolder(doc), m)
		}
		delete(out, "singleValueExtendedProperties")
		delete(out, "multiValueExtendedProperties")
		if core.Str(doc, "type") != "seriesMaster" {
			delete(out, "cancelledOccurrences")
		} else if !immutableIDs(c) {
			out["cancelledOccurrences"] = cancelledOccurrences(doc, core.ItemRestID(core.ItemFolder(doc), core.Str(doc, "id")))
		}
		if core.Str(doc, "type") == "singleInstance" || core.Str(doc, "type") == "seriesMaster" {
			delete(out, "originalStart")
		}
		if isAllDay(doc) {
			name, loc, ok := c.PreferredZone()
			if !ok {
				name, loc = "UTC", time.UTC
			}
			for _, k := range []string{"start", "end"} {
				d := floatingDay(doc, storedTime(doc[k]))
				out[k] = core.DateTimeTimeZone(time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc), name, loc)
			}
		}
		if c.Outlook() {
			for _, k := range []string{"originalStartTimeZone", "originalEndTimeZone"} {
				if w, ok := core.WindowsZoneName(core.Str(out, k)); ok {
					out[k] = w
				}
			}
			if rec, ok := out["recurrence"].(map[string]any); ok {
				rec = core.CloneDoc(rec)
				if rg, ok := rec["range"].(map[string]any); ok {
					if w, ok := core.WindowsZoneName(core.Str(rg, "recurrenceTimeZone")); ok {
						rg["recurrenceTimeZone"] = w
					}
				}
				out["recurrence"] = rec
			}
		}
		private := core.Str(doc, "sensitivity") == "private"
		switch {
		case r >= roleOwner || r == roleDelegatePrivate:
		case r == roleLimited || (private && r < roleDelegatePrivate):
			keep := map[string]bool{"id": true, "start": true, "end": true, "showAs": true, "isAllDay": true, "type": true,
				"seriesMasterId": true, "originalStart": true, "sensitivity": true, "iCalUId": true, "recurrence": true,
				"originalStartTimeZone": true, "originalEndTimeZone": true, "changeKey": true, "isCancelled": true}
			if !private {
				keep["subject"], keep["location"], keep["locations"] = true, true, true
			}
			for k := range out {
				if !keep[k] && !strings.HasPrefix(k, "@") {
					delete(out, k)
				}
			}
		}
		return out
	}
}

// immutableIDs reports whether the request prefers immutable ids, which
// the shapes then serve instead of REST ids.
func immutableIDs(c *core.Call) bool {
	v, ok := c.Preference("IdType")
	return ok && strings.EqualFold(v, "ImmutableId")
}

// Reading events.

// eventSpec is the list spec of a place's events.
func eventSpec(pl *place) core.ListSpec {
	return core.ListSpec{
		Scope:      core.Scope{Collection: collEvents, Owner: pl.owner, Parent: pl.cal.ID, ByParent: true},
		Type:       typeEvent,
		DefaultTop: 10, MaxTop: 1000,
		SearchFields: []string{"subject", "body/content", "bodyPreview", "location/displayName"},
		Present:      presentEvent(pl.role),
		Expand:       eventExpanders(pl),
	}
}

func listEvents(ctx context.Context, c *core.Call) error {
	pl, err := resolvePlace(ctx, c, roleLimited)
	if err != nil {
		return err
	}
	return c.List(ctx, eventSpec(pl))
}

// loadEvent finds the event (or occurrence) a route's {id} addresses in the
// place's owner's store, inside tx. On routes naming a calendar it must be
// there; on others ("{user}/events/{id}") any calendar of the owner holds
// it, and pl.cal and pl.role follow it. The master is returned too for an
// occurrence.
func loadEvent(ctx context.Context, c *core.Call, tx *core.Tx, pl *place, id string) (doc map[string]any, master *core.Object, err error) {
	masterID, key, isOcc := parseOccurrenceID(id)
	lookup := id
	if isOcc {
		lookup = masterID
	}
	o, err := tx.GetItem(ctx, core.Scope{Collection: collEvents, Owner: pl.owner}, lookup)
	if core.IsNotFound(err) {
		return nil, nil, errEventNotFound()
	}
	if err != nil {
		return nil, nil, err
	}
	if namesCalendar(ctx, c) {
		if o.Parent != pl.cal.ID {
			return nil, nil, errEventNotFound()
		}
	} else if o.Parent != pl.cal.ID {
		cal, err := tx.Get(ctx, collCalendars, pl.owner, o.Parent)
		if err != nil {
			return nil, nil, errEventNotFound()
		}
		pl.cal, pl.role = cal, callerRole(ctx, c, tx, pl, cal)
	}
	if !isOcc {
		return o.Data, o, nil
	}
	if core.Str(o.Data, "type") != "seriesMaster" {
		return nil, nil, errEventNotFound()
	}
	s, err := seriesOf(o.Data)
	if err != nil {
		return nil, nil, err
	}
	d, _ := recurrence.ParseDate(key)
	occ, err := s.Occurrence(d)
	if err != nil {
		return nil, nil, errEventNotFound()
	}
	return occurrenceDoc(o.Data, o.ID, occ), o, nil
}

// loadEventAs is loadEvent for a caller who needs role need on the event's
// calendar (403 otherwise).
func loadEventAs(ctx context.Context, c *core.Call, tx *core.Tx, pl *place, need role) (map[string]any, *core.Object, error) {
	doc, master, err := loadEvent(ctx, c, tx, pl, c.Param("id"))
	if err != nil {
		return nil, nil, err
	}
	if pl.role < need {
		return nil, nil, core.AccessDenied()
	}
	return doc, master, nil
}

// readEvent is loadEventAs in a read of its own.
func readEvent(ctx context.Context, c *core.Call, pl *place, need role) (doc map[string]any, master *core.Object, err error) {
	err = c.Store().Read(ctx, func(tx *core.Tx) error {
		doc, master, err = loadEventAs(ctx, c, tx, pl, need)
		return err
	})
	return doc, master, err
}

func errEventNotFound() *core.Error {
	return core.ItemNotFound("The specified object was not found in the store.")
}

func getEvent(ctx context.Context, c *core.Call) error {
	pl, err := resolvePlace(ctx, c, roleNone)
	if err != nil {
		return err
	}
	doc, _, err := readEvent(ctx, c, pl, roleLimited)
	if err != nil {
		return err
	}
	spec := eventSpec(pl)
	spec.Load = func(context.Context, *core.Tx) ([]map[string]any, error) { return []map[string]any{doc}, nil }
	return presentOne(ctx, c, spec, doc)
}

// presentOne answers one computed document in Graph's shape, with $select
// and $expand.
func presentOne(ctx context.Context, c *core.Call, spec core.ListSpec, doc map[string]any) error {
	opts, err := c.QueryOptions()
	if err != nil {
		return err
	}
	for _, e := range opts.Expand {
		if _, ok := core.LookupFold(spec.Expand, e.Path); !ok {
			return core.BadRequest("Could not find a navigation property named '%s' to $expand.", e.Path)
		}
	}
	out, err := c.Shape(spec.Type, spec.Present(c, doc))
	if err != nil {
		return err
	}
	for _, e := range opts.Expand {
		exp, _ := core.LookupFold(spec.Expand, e.Path)
		v, err := exp(ctx, c, doc, e)
		if err != nil {
			return err
		}
		out[e.Path] = v
	}
	return c.Entity(http.StatusOK, out)
}

// eventExpanders serve $expand of an event's attachments, extended
// properties, instances (a window is needed: none, so the first page of
// the series) and calendar.
func eventExpanders(pl *place) map[string]core.Expander {
	stored := func(ctx context.Context, c *core.Call, doc map[string]any) (*core.Object, error) {
		id := core.Str(doc, "id")
		if m, _, ok := parseOccurrenceID(id); ok {
			id = m
		}
		var o *core.Object
		err := c.Store().Read(ctx, func(tx *core.Tx) error {
			var err error
			o, err = tx.Get(ctx, collEvents, pl.owner, id)
			return err
		})
		return o, err
	}
	ext := func(name string) core.Expander {
		return func(ctx context.Context, c *core.Call, doc map[string]any, item odata.ExpandItem) (any, error) {
			o, err := stored(ctx, c, doc)
			if err != nil {
				return nil, err
			}
			list, _ := o.Data[name].([]any)
			return core.FilterExpanded(item, list), nil
		}
	}
	return map[string]core.Expander{
		"attachments": func(ctx context.Context, c *core.Call, doc map[string]any, _ odata.ExpandItem) (any, error) {
			var atts []*core.Object
			err := c.Store().Read(ctx, func(tx *core.Tx) error {
				var err error
				atts, err = tx.List(ctx, attachments.Scope(pl.owner, core.Str(doc, "id")), false, 0, 0)
				return err
			})
			res := make([]any, 0, len(atts))
			for _, a := range atts {
				res = append(res, attachments.Present(c, doc, a.Data))
			}
			return res, err
		},
		"calendar": func(ctx context.Context, c *core.Call, doc map[string]any, _ odata.ExpandItem) (any, error) {
			return presentCalendar(pl.role)(c, pl.cal.Data), nil
		},
		"singleValueExtendedProperties": ext("singleValueExtendedProperties"),
		"multiValueExtendedProperties":  ext("multiValueExtendedProperties"),
	}
}

// calendarView lists the occurrences, exceptions and single events of the
// place's calendar that overlap the window, in order of start.
func calendarView(ctx context.Context, c *core.Call) error {
	pl, err := resolvePlace(ctx, c, roleLimited)
	if err != nil {
		return err
	}
	w, err := parseWindow(c.QueryValue("startDateTime"), c.QueryValue("endDateTime"))
	if err != nil {
		return err
	}
	spec := eventSpec(pl)
	spec.Load = func(ctx context.Context, tx *core.Tx) ([]map[string]any, error) {
		items, err := viewItems(ctx, tx, pl, w)
		return buildAll(items), err
	}
	spec.Page = func(ctx context.Context, tx *core.Tx, offset, limit int) ([]map[string]any, int, error) {
		items, err := viewItems(ctx, tx, pl, w)
		if err != nil {
			return nil, 0, err
		}
		page := items[min(offset, len(items)):min(offset+limit, len(items))]
		return buildAll(page), len(items), nil
	}
	return c.List(ctx, spec)
}

// viewItems expands the place's calendar over a window, in order of start.
func viewItems(ctx context.Context, tx *core.Tx, pl *place, w window) ([]viewItem, error) {
	events, err := tx.List(ctx, core.Scope{Collection: collEvents, Owner: pl.owner, Parent: pl.cal.ID, ByParent: true}, false, 0, 0)
	if err != nil {
		return nil, err
	}
	var out []viewItem
	for _, o := range events {
		if out, err = expand(out, o, w); err != nil {
			return nil, fmt.Errorf("calendar: expand %s: %w", o.ID, err)
		}
	}
	sortItems(out)
	return out, nil
}

// viewDocs is the documents of a calendar's view.
func viewDocs(ctx context.Context, tx *core.Tx, pl *place, w window) ([]map[string]any, error) {
	items, err := viewItems(ctx, tx, pl, w)
	return buildAll(items), err
}

func calendarViewDelta(ctx context.Context, c *core.Call) error {
	pl, err := resolvePlace(ctx, c, roleLimited)
	if err != nil {
		return err
	}
	if c.QueryValue("$deltatoken") == "" && c.QueryValue("$skiptoken") == "" {
		if _, err := parseWindow(c.QueryValue("startDateTime"), c.QueryValue("endDateTime")); err != nil {
			return err
		}
	}
	return c.Delta(ctx, core.DeltaSpec{
		Scope:    core.Scope{Collection: "calendarView", Owner: pl.owner, Parent: pl.cal.ID, ByParent: true},
		Type:     typeEvent,
		PageSize: 10,
		Present:  presentEvent(pl.role),
		Params:   []string{"startDateTime", "endDateTime"},
		Load: func(ctx context.Context, tx *core.Tx, params url.Values) ([]map[string]any, error) {
			w, err := parseWindow(params.Get("startDateTime"), params.Get("endDateTime"))
			if err != nil {
				return nil, err
			}
			return viewDocs(ctx, tx, pl, w)
		},
	})
}

// listInstances lists a series' occurrences and exceptions in a window.
func listInstances(ctx context.Context, c *core.Call) error {
	pl, err := resolvePlace(ctx, c, roleNone)
	if err != nil {
		return err
	}
	w, err := parseWindow(c.QueryValue("startDateTime"), c.QueryValue("endDateTime"))
	if err != nil {
		return err
	}
	_, master, err := readEvent(ctx, c, pl, roleLimited)
	if err != nil {
		return err
	}
	spec := eventSpec(pl)
	spec.Load = func(ctx context.Context, tx *core.Tx) ([]map[string]any, error) {
		if core.Str(master.Data, "type") != "seriesMaster" {
			return nil, nil
		}
		items, err := expand(nil, master, w)
		sortItems(items)
		return buildAll(items), err
	}
	return c.List(ctx, spec)
}

// resolveEvent reads an event for another area's link (an event message's
// event), presented as its owner sees it.
func resolveEvent(ctx context.Context, c *core.Call, tx *core.Tx, owner, id string) (map[string]any, error) {
	pl := &place{owner: owner, role: roleOwner}
	lookup := id
	masterID, key, isOcc := parseOccurrenceID(id)
	if isOcc {
		lookup = masterID
	}
	o, err := tx.GetItem(ctx, core.Scope{Collection: collEvents, Owner: owner}, lookup)
	if err != nil {
		return nil, err
	}
	pl.cal = &core.Object{ID: o.Parent}
	doc := o.Data
	if isOcc {
		s, err := seriesOf(o.Data)
		if err != nil {
			return nil, err
		}
		d, _ := recurrence.ParseDate(key)
		occ, err := s.Occurrence(d)
		if err != nil {
			return nil, fmt.Errorf("occurrence %s: %w", key, core.ErrNotFound)
		}
		doc = occurrenceDoc(o.Data, o.ID, occ)
	}
	return c.Localize(presentEvent(roleOwner)(c, doc)), nil
}
