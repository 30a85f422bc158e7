package calendar

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
)

// Meetings: an event with attendees, organized by its owner. Attendees of
// the tenant get a copy in their default calendar and a meeting request in
// their inbox; their responses update the organizer's event and send a
// response message; the organizer's changes and cancellations reach every
// copy. Messages go through the core's Mailboxes, so they arrive as any
// mail does.

// Response kinds, as Graph's responseType values.
const (
	responseAccepted  = "accepted"
	responseTentative = "tentativelyAccepted"
	responseDeclined  = "declined"
)

// meetingFields are the properties an organizer's change sends to the
// attendees' copies.
var meetingFields = []string{
	"subject", "body", "bodyPreview", "start", "end", "originalStartTimeZone", "originalEndTimeZone", "location",
	"locations", "attendees", "isAllDay", "recurrence", "type", "importance", "sensitivity", "isOnlineMeeting",
	"onlineMeetingProvider", "onlineMeeting", "responseRequested", "allowNewTimeProposals", "hideAttendees",
	"organizer", "iCalUId", "cancelledOccurrences",
}

func isOrganizer(doc map[string]any) bool { b, _ := doc["isOrganizer"].(bool); return b }

func attendeesOf(doc map[string]any) []any { list, _ := doc["attendees"].([]any); return list }

// organizes reports whether doc is a meeting its owner organizes.
func organizes(doc map[string]any) bool { return isOrganizer(doc) && len(attendeesOf(doc)) > 0 }

// attendeesAt is the attendee list of one occurrence (its override's, else
// the series').
func attendeesAt(master map[string]any, key string) []any {
	if ov := overrideOf(master, key); ov != nil {
		if list, ok := ov["attendees"].([]any); ok {
			return list
		}
	}
	return attendeesOf(master)
}

func resetResponses(list []any) []any {
	out := make([]any, 0, len(list))
	for _, a := range list {
		m := core.CloneDoc(a.(map[string]any))
		m["status"] = noResponse()
		delete(m, "proposedNewTime")
		out = append(out, m)
	}
	return out
}

// tenantUsers resolves the attendees that are users of the tenant, other
// than the organizer, in order.
func tenantUsers(ctx context.Context, tx *core.Tx, list []any, organizer string) ([]*core.User, error) {
	var out []*core.User
	seen := map[string]bool{}
	for _, a := range list {
		m, _ := a.(map[string]any)
		u, err := core.LookupUser(ctx, tx, attendeeAddress(m))
		if core.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if u.ID == organizer || seen[u.ID] {
			continue
		}
		seen[u.ID] = true
		out = append(out, u)
	}
	return out, nil
}

// sender is who sends a place's meeting messages: its owner, or for a
// group calendar the member acting.
func sender(ctx context.Context, c *core.Call, tx *core.Tx, pl *place) (*core.User, error) {
	if pl.user != nil {
		return pl.user, nil
	}
	return core.LookupUser(ctx, tx, c.Claims.ObjectID)
}

func recipients(users []*core.User) []any {
	out := make([]any, 0, len(users))
	for _, u := range users {
		out = append(out, map[string]any{"emailAddress": userAddress(u)})
	}
	return out
}

// eventMessage builds an event message about doc (an event or occurrence
// document in stored form) of the given Graph type.
func eventMessage(doc map[string]any, odataType, meetingType, subject string, body map[string]any, to []any) map[string]any {
	if body == nil {
		body = map[string]any{"contentType": "html", "content": ""}
	}
	loc := doc["location"]
	if loc == nil {
		loc = emptyLocation()
	}
	return map[string]any{
		"@odata.type": odataType, "subject": subject, "body": body, "toRecipients": to,
		"meetingMessageType": meetingType, "startDateTime": doc["start"], "endDateTime": doc["end"],
		"location": loc, "type": doc["type"], "recurrence": doc["recurrence"], "isAllDay": isAllDay(doc),
		"isOutOfDate": false, "isDelegated": false,
	}
}

// copies returns the organizer's map from attendee user id to the id of
// their copy.
func copies(org map[string]any) map[string]any {
	m, _ := org["_copies"].(map[string]any)
	if m == nil {
		m = map[string]any{}
		org["_copies"] = m
	}
	return m
}

// attendeeCopy is the document of an attendee's copy of the organizer's
// event: the meeting's properties, the attendee's own defaults.
func attendeeCopy(org map[string]any, now time.Time) map[string]any {
	doc := map[string]any{
		"createdDateTime": core.ISOTime(now), "lastModifiedDateTime": core.ISOTime(now), "changeKey": core.NewChangeKey(),
		"categories": []any{}, "transactionId": nil, "reminderMinutesBeforeStart": 15, "isReminderOn": true,
		"hasAttachments": false, "isCancelled": false, "isOrganizer": false, "seriesMasterId": nil, "showAs": "tentative",
		"onlineMeetingUrl": nil, "isDraft": false,
		"responseStatus": map[string]any{"response": "notResponded", "time": "0001-01-01T00:00:00Z"},
		"_uid":           org["_uid"],
	}
	syncCopy(doc, org, true)
	return doc
}

// syncCopy brings an attendee's copy up to date with the organizer's event.
// With reset (the meeting moved) the attendee answers again.
func syncCopy(cp, org map[string]any, reset bool) {
	for _, k := range meetingFields {
		cp[k] = core.CloneDoc(map[string]any{"v": org[k]})["v"]
	}
	if reset {
		cp["responseStatus"] = map[string]any{"response": "notResponded", "time": "0001-01-01T00:00:00Z"}
		cp["showAs"] = "tentative"
	}
	// Occurrences: the organizer's changes, with the attendee's own
	// answers and removals kept.
	mine := overrides(cp)
	merged := map[string]any{}
	for k, v := range overrides(org) {
		ov := core.CloneDoc(v.(map[string]any))
		delete(ov, "responseStatus")
		if own, ok := mine[k].(map[string]any); ok && !reset {
			for _, p := range []string{"responseStatus", "showAs"} {
				if own[p] != nil {
					ov[p] = own[p]
				}
			}
			if own["_cancelled"] == true {
				ov = map[string]any{"_cancelled": true}
			}
		}
		merged[k] = ov
	}
	for k, v := range mine {
		if _, done := merged[k]; !done && !reset {
			if own := v.(map[string]any); own["_cancelled"] == true {
				merged[k] = map[string]any{"_cancelled": true}
			}
		}
	}
	if len(merged) > 0 {
		cp["_overrides"] = merged
	} else {
		delete(cp, "_overrides")
	}
	if core.Str(cp, "type") == "seriesMaster" {
		cp["cancelledOccurrences"] = []any{}
	}
}

// copyOf loads an attendee's copy of a meeting; nil when they have none.
func copyOf(ctx context.Context, tx *core.Tx, org *core.Object, userID string) (*core.Object, error) {
	id, _ := copies(org.Data)[userID].(string)
	if id == "" {
		return nil, nil
	}
	o, err := tx.Get(ctx, collEvents, userID, id)
	if core.IsNotFound(err) {
		return nil, nil
	}
	return o, err
}

// invite gives users a copy of the organizer's event (or brings theirs up
// to date) and sends them a meeting request of requestType. With key, the
// request is about one occurrence. previous holds the times and location
// before an update.
func invite(ctx context.Context, c *core.Call, tx *core.Tx, pl *place, org *core.Object, attendees []any, requestType, key string, previous map[string]any, comment string) error {
	users, err := tenantUsers(ctx, tx, attendees, pl.owner)
	if err != nil || len(users) == 0 {
		return err
	}
	from, err := sender(ctx, c, tx, pl)
	if err != nil {
		return err
	}
	now := c.Now()
	reset := requestType == "fullUpdate"
	links := map[string]string{}
	for _, u := range users {
		cp, err := copyOf(ctx, tx, org, u.ID)
		if err != nil {
			return err
		}
		if cp == nil {
			if err := ensureCalendars(ctx, tx, u.ID, userAddress(u), false, now); err != nil {
				return err
			}
			cp = &core.Object{Collection: collEvents, Owner: u.ID, ID: core.NewItemID(u.ID), Parent: defaultCalendarID(u.ID), Created: now,
				Data: attendeeCopy(org.Data, now)}
			cp.Data["_parentFolderId"] = cp.Parent
			copies(org.Data)[u.ID] = cp.ID
		} else {
			syncCopy(cp.Data, org.Data, reset && key == "")
			if key != "" {
				ov := overrideOf(cp.Data, key)
				if reset || ov["_cancelled"] == true {
					ov = core.CloneDoc(overrideOf(org.Data, key))
					delete(ov, "_cancelled")
					ov["responseStatus"] = map[string]any{"response": "notResponded", "time": "0001-01-01T00:00:00Z"}
					ov["showAs"] = "tentative"
					setOverride(cp.Data, key, ov)
				}
			}
			touch(cp.Data, now)
		}
		cp.Data["_organizer"] = map[string]any{"owner": org.Owner, "id": org.ID}
		cp.Sort = eventSort(cp.Data)
		if err := tx.Put(ctx, cp); err != nil {
			return err
		}
		links[u.ID] = cp.ID
		if key != "" {
			links[u.ID] = occurrenceID(cp.ID, key)
		}
	}
	if err := tx.Put(ctx, org); err != nil {
		return err
	}
	doc := org.Data
	if key != "" {
		doc = occurrenceFor(org, key)
	}
	body := core.CloneDoc(map[string]any{"b": doc["body"]})["b"].(map[string]any)
	if comment != "" {
		body = withComment(body, comment)
	}
	msg := eventMessage(doc, "#microsoft.graph.eventMessageRequest", "meetingRequest", core.Str(doc, "subject"), body, recipients(users))
	msg["meetingRequestType"] = requestType
	msg["responseRequested"] = doc["responseRequested"]
	msg["allowNewTimeProposals"] = doc["allowNewTimeProposals"]
	msg["previousStartDateTime"], msg["previousEndDateTime"], msg["previousLocation"] = nil, nil, nil
	if previous != nil {
		msg["previousStartDateTime"], msg["previousEndDateTime"], msg["previousLocation"] = previous["start"], previous["end"], previous["location"]
	}
	core.SetLink(msg, "event", core.Link{Collection: collEvents, Owner: org.Owner, ID: linkID(org.ID, key)})
	return send(ctx, c, tx, from, msg, func(u *core.User, d map[string]any) {
		if id, ok := links[u.ID]; ok {
			core.SetLink(d, "event", core.Link{Collection: collEvents, Owner: u.ID, ID: id})
		}
	})
}

func linkID(id, key string) string {
	if key == "" {
		return id
	}
	return occurrenceID(id, key)
}

// occurrenceFor is one occurrence of a stored master, as a document.
func occurrenceFor(master *core.Object, key string) map[string]any {
	s, err := seriesOf(master.Data)
	if err == nil {
		for o := range s.All() {
			if o.Key() == key {
				return occurrenceDoc(master.Data, master.ID, o)
			}
			if o.Key() > key {
				break
			}
		}
	}
	// A cancelled occurrence has no times of its own any more: describe it
	// by the series.
	doc := core.CloneDoc(master.Data)
	doc["type"] = "occurrence"
	return doc
}

// withComment puts a comment above a message body.
func withComment(body map[string]any, comment string) map[string]any {
	if strings.EqualFold(core.Str(body, "contentType"), "html") {
		return map[string]any{"contentType": "html", "content": "<div>" + htmlEscape(comment) + "</div><hr>" + core.Str(body, "content")}
	}
	return map[string]any{"contentType": "text", "content": comment + "\n\n" + core.Str(body, "content")}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// send delivers an event message through the mailboxes.
func send(ctx context.Context, c *core.Call, tx *core.Tx, from *core.User, msg map[string]any, each func(*core.User, map[string]any)) error {
	mb, err := c.Mailboxes()
	if err != nil {
		return err
	}
	return mb.Send(ctx, c, tx, &core.OutgoingMessage{From: from, Message: msg, SaveToSentItems: true, Each: each})
}

// propagate sends an organizer's change of a meeting (series or single) to
// the attendees: removed ones get a cancellation, new ones a request, the
// others an update.
func propagate(ctx context.Context, c *core.Call, tx *core.Tx, pl *place, org *core.Object, before map[string]any) error {
	changed := changedKeys(before, org.Data, meetingFields)
	if len(changed) == 0 {
		return nil
	}
	moved := len(changedKeys(before, org.Data, timeFields)) > 0
	if moved {
		org.Data["attendees"] = resetResponses(attendeesOf(org.Data))
		if err := tx.Put(ctx, org); err != nil {
			return err
		}
	}
	now := attendeeSet(attendeesOf(org.Data))
	var removed, added, kept []any
	for _, a := range attendeesOf(before) {
		if !now[attendeeAddress(a.(map[string]any))] {
			removed = append(removed, a)
		}
	}
	was := attendeeSet(attendeesOf(before))
	for _, a := range attendeesOf(org.Data) {
		if was[attendeeAddress(a.(map[string]any))] {
			kept = append(kept, a)
		} else {
			added = append(added, a)
		}
	}
	if len(removed) > 0 {
		if err := cancelFor(ctx, c, tx, pl, org, before, removed, "", ""); err != nil {
			return err
		}
	}
	if len(added) > 0 {
		if err := invite(ctx, c, tx, pl, org, added, "newMeetingRequest", "", nil, ""); err != nil {
			return err
		}
	}
	onlyAttendees := len(changed) == 1 && changed[0] == "attendees"
	if len(kept) > 0 && !onlyAttendees {
		kind := "informationalUpdate"
		if moved || slices.Contains(changed, "location") {
			kind = "fullUpdate"
		}
		if !moved {
			kind = "informationalUpdate"
		}
		prev := map[string]any{"start": before["start"], "end": before["end"], "location": before["location"]}
		return invite(ctx, c, tx, pl, org, kept, kind, "", prev, "")
	}
	// Attendees added or removed only: the others' copies learn the list.
	return syncCopies(ctx, tx, org)
}

func attendeeSet(list []any) map[string]bool {
	out := map[string]bool{}
	for _, a := range list {
		out[attendeeAddress(a.(map[string]any))] = true
	}
	return out
}

// syncCopies brings every copy up to date silently.
func syncCopies(ctx context.Context, tx *core.Tx, org *core.Object) error {
	for uid := range copies(org.Data) {
		cp, err := copyOf(ctx, tx, org, uid)
		if err != nil || cp == nil {
			if err != nil {
				return err
			}
			continue
		}
		syncCopy(cp.Data, org.Data, false)
		if err := tx.Put(ctx, cp); err != nil {
			return err
		}
	}
	return nil
}

// propagateOccurrence sends an organizer's change of one occurrence.
func propagateOccurrence(ctx context.Context, c *core.Call, tx *core.Tx, pl *place, org *core.Object, key string, before map[string]any, moved bool) error {
	kind := "informationalUpdate"
	if moved {
		kind = "fullUpdate"
	}
	prev := map[string]any{"start": before["start"], "end": before["end"], "location": before["location"]}
	return invite(ctx, c, tx, pl, org, attendeesAt(org.Data, key), kind, key, prev, "")
}

// cancelForAttendees cancels a meeting (or, with key, one occurrence) for
// all its attendees.
func cancelForAttendees(ctx context.Context, c *core.Call, tx *core.Tx, pl *place, org *core.Object, doc map[string]any, key, comment string) error {
	list := attendeesOf(org.Data)
	if key != "" {
		list = attendeesAt(org.Data, key)
	}
	return cancelFor(ctx, c, tx, pl, org, doc, list, key, comment)
}

// cancelFor sends a cancellation to attendees and marks their copies
// cancelled (or removes the occurrence from them). As Exchange's calendar
// attendant does, a cancelled meeting stays in the attendee's calendar,
// isCancelled, named "Canceled: ..." and free, until the attendee deletes
// it (EWS's RemoveItem).
func cancelFor(ctx context.Context, c *core.Call, tx *core.Tx, pl *place, org *core.Object, doc map[string]any, attendees []any, key, comment string) error {
	users, err := tenantUsers(ctx, tx, attendees, pl.owner)
	if err != nil || len(users) == 0 {
		return err
	}
	from, err := sender(ctx, c, tx, pl)
	if err != nil {
		return err
	}
	for _, u := range users {
		cp, err := copyOf(ctx, tx, org, u.ID)
		if err != nil {
			return err
		}
		if cp == nil {
			continue
		}
		if key != "" {
			cancelOccurrence(cp.Data, cp.ID, key)
			touch(cp.Data, c.Now())
			if err := tx.Put(ctx, cp); err != nil {
				return err
			}
			continue
		}
		markCancelled(cp.Data, c.Now())
		if err := tx.Put(ctx, cp); err != nil {
			return err
		}
		delete(copies(org.Data), u.ID)
	}
	if key == "" {
		if err := tx.Put(ctx, org); err != nil && !core.IsNotFound(err) {
			return err
		}
	}
	body := map[string]any{"contentType": "text", "content": comment}
	msg := eventMessage(doc, "#microsoft.graph.eventMessage", "meetingCancelled", cancelledPrefix+core.Str(doc, "subject"), body, recipients(users))
	msg["importance"] = "high"
	return send(ctx, c, tx, from, msg, nil)
}

// Attendees' actions.

// respond serves accept, tentativelyAccept and decline.
func respond(kind string) core.HandlerFunc {
	return func(ctx context.Context, c *core.Call) error {
		pl, err := resolvePlace(ctx, c, roleNone)
		if err != nil {
			return err
		}
		var in map[string]any
		if err := c.DecodeOptional(&in); err != nil {
			return err
		}
		comment, _ := param(in, "comment").(string)
		sendResponse := true
		if v := param(in, "sendResponse"); v != nil {
			b, isBool := v.(bool)
			if !isBool {
				return invalidValue("sendResponse", v)
			}
			sendResponse = b
		}
		var proposed map[string]any
		if v := param(in, "proposedNewTime"); v != nil {
			if kind == responseAccepted {
				return unknownParameter("proposedNewTime")
			}
			p, isObj := v.(map[string]any)
			if !isObj {
				return invalidValue("proposedNewTime", v)
			}
			s, _, err := parseDTZ(p["start"], "proposedNewTime.start")
			if err != nil {
				return err
			}
			e, _, err := parseDTZ(p["end"], "proposedNewTime.end")
			if err != nil {
				return err
			}
			if e.Before(s) {
				return core.Errorf(http.StatusBadRequest, "ErrorCalendarEndDateIsEarlierThanStartDate", "The proposed end occurs before the proposed start.")
			}
			proposed = map[string]any{"start": utcDTZ(s), "end": utcDTZ(e)}
		}
		for k := range in {
			if !core.ContainsFold([]string{"comment", "sendResponse", "proposedNewTime"}, k) && !strings.HasPrefix(k, "@") {
				return unknownParameter(k)
			}
		}
		err = c.Store().Write(ctx, func(tx *core.Tx) error {
			doc, cp, err := loadEvent(ctx, c, tx, pl, c.Param("id"))
			if err != nil {
				return err
			}
			if pl.role < roleOwner && pl.role < roleDelegate {
				return core.AccessDenied()
			}
			if isOrganizer(cp.Data) {
				return core.Errorf(http.StatusBadRequest, "ErrorInvalidRequest",
					"Your request can't be completed. You can't respond to a meeting you organized.")
			}
			if cancelled, _ := cp.Data["isCancelled"].(bool); cancelled {
				code := map[string]string{responseAccepted: "ErrorCalendarIsCancelledForAccept",
					responseTentative: "ErrorCalendarIsCancelledForTentative", responseDeclined: "ErrorCalendarIsCancelledForDecline"}[kind]
				return core.Errorf(http.StatusBadRequest, code, "Your request can't be completed. The organizer has cancelled the meeting.")
			}
			link, _ := cp.Data["_organizer"].(map[string]any)
			if link == nil {
				return core.Errorf(http.StatusBadRequest, "ErrorInvalidRequest", "Your request can't be completed. The event is not a meeting you were invited to.")
			}
			if proposed != nil {
				if allow, _ := doc["allowNewTimeProposals"].(bool); !allow {
					return core.Errorf(http.StatusBadRequest, "ErrorInvalidRequest",
						"Your request can't be completed. The organizer does not allow new time proposals for this meeting.")
				}
			}
			return answer(ctx, c, tx, pl, cp, doc, link, kind, comment, sendResponse, proposed)
		})
		if err != nil {
			return err
		}
		c.W.WriteHeader(http.StatusAccepted)
		return nil
	}
}

// param reads an action parameter as Graph's OData reader does, ignoring
// the case of its name.
func param(in map[string]any, name string) any {
	v, _ := core.LookupFold(in, name)
	return v
}

func unknownParameter(name string) *core.Error {
	return core.Errorf(http.StatusBadRequest, "RequestBodyRead", "The parameter '%s' in the request payload is not a valid parameter for the operation.", name)
}

// answer records an attendee's response in their copy and, when sent, in
// the organizer's event, with a response message.
func answer(ctx context.Context, c *core.Call, tx *core.Tx, pl *place, cp *core.Object, doc map[string]any, link map[string]any,
	kind, comment string, sendResponse bool, proposed map[string]any) error {
	now := c.Now()
	status := map[string]any{"response": kind, "time": core.ISOTime(now)}
	showAs := "busy"
	if kind == responseTentative {
		showAs = "tentative"
	}
	key := core.Str(doc, "_key")
	switch {
	case kind == responseDeclined && key != "":
		cancelOccurrence(cp.Data, cp.ID, key)
		touch(cp.Data, now)
		if err := tx.Put(ctx, cp); err != nil {
			return err
		}
	case kind == responseDeclined:
		if err := deleteEventTx(ctx, tx, cp); err != nil {
			return err
		}
	case key != "":
		ov := overrideOf(cp.Data, key)
		if ov == nil {
			ov = map[string]any{}
		}
		ov["responseStatus"], ov["showAs"] = status, showAs
		setOverride(cp.Data, key, ov)
		touch(cp.Data, now)
		if err := tx.Put(ctx, cp); err != nil {
			return err
		}
	default:
		cp.Data["responseStatus"], cp.Data["showAs"] = status, showAs
		touch(cp.Data, now)
		if err := tx.Put(ctx, cp); err != nil {
			return err
		}
	}
	if !sendResponse {
		return nil
	}
	responder, err := sender(ctx, c, tx, pl)
	if err != nil {
		return err
	}
	org, err := tx.Get(ctx, collEvents, core.Str(link, "owner"), core.Str(link, "id"))
	if core.IsNotFound(err) {
		return nil // the organizer deleted the meeting
	}
	if err != nil {
		return err
	}
	update := func(list []any) []any {
		out := make([]any, 0, len(list))
		for _, a := range list {
			m := core.CloneDoc(a.(map[string]any))
			if addr := attendeeAddress(m); strings.EqualFold(addr, responder.Mail) || strings.EqualFold(addr, responder.UPN) {
				m["status"] = status
				delete(m, "proposedNewTime")
				if proposed != nil {
					m["proposedNewTime"] = proposed
				}
			}
			out = append(out, m)
		}
		return out
	}
	if key != "" {
		ov := overrideOf(org.Data, key)
		if ov == nil {
			ov = map[string]any{}
		}
		ov["attendees"] = update(attendeesAt(org.Data, key))
		setOverride(org.Data, key, ov)
	} else {
		org.Data["attendees"] = update(attendeesOf(org.Data))
	}
	if err := tx.Put(ctx, org); err != nil {
		return err
	}
	orgUser, err := core.LookupUser(ctx, tx, org.Owner)
	if core.IsNotFound(err) {
		return nil // a group's meeting: its status is kept, no mailbox to tell
	}
	if err != nil {
		return err
	}
	prefix := map[string]string{responseAccepted: "Accepted: ", responseTentative: "Tentative: ", responseDeclined: "Declined: "}[kind]
	mtype := map[string]string{responseAccepted: "meetingAccepted", responseTentative: "meetingTenativelyAccepted", responseDeclined: "meetingDeclined"}[kind]
	msg := eventMessage(doc, "#microsoft.graph.eventMessageResponse", mtype, prefix+core.Str(doc, "subject"),
		map[string]any{"contentType": "text", "content": comment}, []any{map[string]any{"emailAddress": userAddress(orgUser)}})
	msg["responseType"] = kind
	msg["proposedNewTime"] = proposed
	core.SetLink(msg, "event", core.Link{Collection: collEvents, Owner: cp.Owner, ID: linkID(cp.ID, key)})
	return send(ctx, c, tx, responder, msg, func(u *core.User, d map[string]any) {
		if u.ID == org.Owner {
			core.SetLink(d, "event", core.Link{Collection: collEvents, Owner: org.Owner, ID: linkID(org.ID, key)})
		}
	})
}

// markCancelled turns an attendee's copy into a cancelled meeting.
func markCancelled(doc map[string]any, now time.Time) {
	doc["isCancelled"] = true
	doc["showAs"] = "free"
	if subject := core.Str(doc, "subject"); !strings.HasPrefix(subject, cancelledPrefix) {
		doc["subject"] = cancelledPrefix + subject
	}
	touch(doc, now)
}

// cancelledPrefix starts the subject of cancellations and of the
// cancelled meetings they leave in attendees' calendars.
const cancelledPrefix = "Canceled: "

// cancelEvent is the organizer's cancel action: a cancellation with a
// comment to every attendee, then the event (or occurrence) is removed.
func cancelEvent(ctx context.Context, c *core.Call) error {
	pl, err := resolvePlace(ctx, c, roleNone)
	if err != nil {
		return err
	}
	var in map[string]any
	if err := c.DecodeOptional(&in); err != nil {
		return err
	}
	comment, _ := param(in, "comment").(string)
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		doc, master, err := loadEventAs(ctx, c, tx, pl, roleWrite)
		if err != nil {
			return err
		}
		if !isOrganizer(master.Data) {
			return core.Errorf(http.StatusBadRequest, "ErrorAccessDenied", "Your request can't be completed. You need to be an organizer to cancel a meeting.")
		}
		return removeEvent(ctx, c, tx, pl, master, doc, comment)
	})
	if err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusAccepted)
	return nil
}

// forwardEvent sends the meeting to more people: they join its attendees
// (on the organizer's event) and get a request with the comment.
func forwardEvent(ctx context.Context, c *core.Call) error {
	pl, err := resolvePlace(ctx, c, roleNone)
	if err != nil {
		return err
	}
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	to, _ := param(in, "toRecipients").([]any)
	if len(to) == 0 {
		return core.Errorf(http.StatusBadRequest, "ErrorInvalidRecipients", "At least one recipient is required to forward a meeting.")
	}
	for _, r := range to {
		if err := checkAttendee(r); err != nil {
			return err
		}
	}
	comment, _ := param(in, "comment").(string)
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		_, ev, err := loadEventAs(ctx, c, tx, pl, roleWrite)
		if err != nil {
			return err
		}
		org, orgPlace := ev, pl
		if !isOrganizer(ev.Data) {
			link, _ := ev.Data["_organizer"].(map[string]any)
			o, err := tx.Get(ctx, collEvents, core.Str(link, "owner"), core.Str(link, "id"))
			if err != nil {
				return core.Errorf(http.StatusBadRequest, "ErrorInvalidRequest", "Your request can't be completed. The meeting's organizer no longer has it.")
			}
			u, err := core.LookupUser(ctx, tx, o.Owner)
			if err != nil {
				return err
			}
			org, orgPlace = o, &place{owner: o.Owner, user: u}
		}
		var added []any
		known := attendeeSet(attendeesOf(org.Data))
		for _, r := range to {
			m := core.CloneDoc(r.(map[string]any))
			if !known[attendeeAddress(m)] {
				m["type"] = "optional"
				added = append(added, m)
			}
		}
		org.Data["attendees"] = normalizeAttendees(append(slices.Clone(attendeesOf(org.Data)), added...), attendeesOf(org.Data))
		touch(org.Data, c.Now())
		if err := tx.Put(ctx, org); err != nil {
			return err
		}
		if err := syncCopies(ctx, tx, org); err != nil {
			return err
		}
		return invite(ctx, c, tx, orgPlace, org, to, "newMeetingRequest", "", nil, comment)
	})
	if err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusAccepted)
	return nil
}
