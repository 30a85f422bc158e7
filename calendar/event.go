package calendar

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
	"github.com/o365go/o365/outlook"
)

// Event is Graph's event resource: a single event, a series master, or one
// occurrence or exception of a series. Events returned by a Schedule are
// bound: Save, Delete, Accept, Cancel ... act where they came from.
//
// Start and End are dateTimeTimeZone values: set them with SetTimes (or
// SetAllDay) from time.Time values, read them with StartTime and EndTime,
// which give times in the zone the service named (see Schedule.InZone).
type Event struct {
	o365.Object
	ID                   string                `json:"id,omitzero" o365:"readonly"`
	CreatedDateTime      time.Time             `json:"createdDateTime,omitzero" o365:"readonly"`
	LastModifiedDateTime time.Time             `json:"lastModifiedDateTime,omitzero" o365:"readonly"`
	ChangeKey            string                `json:"changeKey,omitzero" o365:"readonly"`
	Categories           []string              `json:"categories,omitzero"`
	Subject              string                `json:"subject,omitzero"`
	Body                 o365.ItemBody         `json:"body,omitzero"`
	BodyPreview          string                `json:"bodyPreview,omitzero" o365:"readonly"`
	Start                o365.DateTimeTimeZone `json:"start,omitzero"`
	End                  o365.DateTimeTimeZone `json:"end,omitzero"`
	// OriginalStartTimeZone and OriginalEndTimeZone are the zones the
	// event was created in (Windows or IANA names).
	OriginalStartTimeZone string `json:"originalStartTimeZone,omitzero" o365:"readonly"`
	OriginalEndTimeZone   string `json:"originalEndTimeZone,omitzero" o365:"readonly"`
	// IsAllDay events span whole dates: Start and End are midnights.
	IsAllDay  bool            `json:"isAllDay,omitzero"`
	Location  o365.Location   `json:"location,omitzero"`
	Locations []o365.Location `json:"locations,omitzero"`
	Attendees []Attendee      `json:"attendees,omitzero"`
	Organizer o365.Recipient  `json:"organizer,omitzero" o365:"readonly"`
	// Importance is "low", "normal" or "high"; Sensitivity "normal",
	// "personal", "private" or "confidential"; ShowAs a free/busy status.
	Importance  string `json:"importance,omitzero"`
	Sensitivity string `json:"sensitivity,omitzero"`
	ShowAs      string `json:"showAs,omitzero"`
	// IsReminderOn, ResponseRequested and AllowNewTimeProposals default to
	// true on the service: nil leaves them so.
	IsReminderOn               *bool `json:"isReminderOn,omitzero"`
	ReminderMinutesBeforeStart int   `json:"reminderMinutesBeforeStart,omitzero"`
	ResponseRequested          *bool `json:"responseRequested,omitzero"`
	AllowNewTimeProposals      *bool `json:"allowNewTimeProposals,omitzero"`
	HideAttendees              bool  `json:"hideAttendees,omitzero"`
	// IsOnlineMeeting makes it a Teams meeting: OnlineMeeting.JoinURL is
	// filled in by the service.
	IsOnlineMeeting       bool               `json:"isOnlineMeeting,omitzero"`
	OnlineMeetingProvider string             `json:"onlineMeetingProvider,omitzero"`
	OnlineMeeting         *OnlineMeetingInfo `json:"onlineMeeting,omitzero" o365:"readonly"`
	OnlineMeetingURL      string             `json:"onlineMeetingUrl,omitzero" o365:"readonly"`
	// Recurrence makes the event a series (see Repeat); nil for none.
	Recurrence *o365.PatternedRecurrence `json:"recurrence,omitzero"`
	// Type is SingleInstance, SeriesMaster, Occurrence or Exception.
	Type           string    `json:"type,omitzero" o365:"readonly"`
	SeriesMasterID string    `json:"seriesMasterId,omitzero" o365:"readonly"`
	OriginalStart  time.Time `json:"originalStart,omitzero" o365:"readonly"`
	// CancelledOccurrences are a series master's deleted occurrences,
	// "OID.{masterId}.{yyyy-MM-dd}".
	CancelledOccurrences []string        `json:"cancelledOccurrences,omitzero" o365:"readonly"`
	ResponseStatus       *ResponseStatus `json:"responseStatus,omitzero" o365:"readonly"`
	IsOrganizer          bool            `json:"isOrganizer,omitzero" o365:"readonly"`
	IsCancelled          bool            `json:"isCancelled,omitzero" o365:"readonly"`
	IsDraft              bool            `json:"isDraft,omitzero" o365:"readonly"`
	HasAttachments       bool            `json:"hasAttachments,omitzero" o365:"readonly"`
	ICalUID              string          `json:"iCalUId,omitzero" o365:"readonly"`
	WebLink              string          `json:"webLink,omitzero" o365:"readonly"`
	// TransactionID makes creating the event exactly-once; Save sets one.
	TransactionID                 string                       `json:"transactionId,omitzero" o365:"createonly"`
	SingleValueExtendedProperties []ExtendedProperty           `json:"singleValueExtendedProperties,omitzero"`
	MultiValueExtendedProperties  []MultiValueExtendedProperty `json:"multiValueExtendedProperties,omitzero"`
	// Attachments holds the attachments loaded with $expand=attachments,
	// and those added with the Attach methods that Save has not uploaded.
	Attachments []*Attachment `json:"attachments,omitzero" o365:"readonly"`
}

// UnmarshalJSONFrom decodes the event and keeps its JSON.
func (ev *Event) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain Event
	return o365.DecodeObject(d, (*plain)(ev))
}

// MarshalJSON encodes the event as the service sent it, with changes.
func (ev Event) MarshalJSON() ([]byte, error) {
	type plain Event
	return o365.MarshalObject((*plain)(&ev))
}

// eventPath is "events/{id}".
func eventPath(id string) string { return o365.Path("events", id) }

// NewEvent returns a new event for the default calendar; Save creates it.
func (s *Schedule) NewEvent() *Event {
	ev := &Event{}
	_ = o365.BindNew(ev, s.acct, "events")
	return ev
}

// NewEvent returns a new event for this calendar; Save creates it.
func (c *Calendar) NewEvent() *Event {
	ev := &Event{}
	_ = o365.BindNew(ev, c.Account(), c.Path()+"/events")
	return ev
}

// Event returns the event (or occurrence) with the given id without a
// request, to act on it or Refresh it.
func (s *Schedule) Event(id string) *Event {
	ev := &Event{ID: id}
	_ = o365.Bind(ev, s.acct, eventPath(id))
	return ev
}

// GetEvent loads an event or occurrence by id; q may $select and $expand
// ("attachments").
//
// Graph: GET /me/events/{id} (https://learn.microsoft.com/graph/api/event-get).
func (s *Schedule) GetEvent(ctx context.Context, id string, q *o365.Query) (*Event, error) {
	ev, err := o365.Get[Event](ctx, s.acct, &o365.Request{Path: eventPath(id), Query: q})
	if err != nil {
		return nil, fmt.Errorf("calendar: get event %q: %w", id, err)
	}
	return ev, nil
}

// ListEvents lists the single events and series masters of the default
// calendar (occurrences are listed by CalendarView and ListInstances).
//
// Graph: GET /me/events (https://learn.microsoft.com/graph/api/user-list-events).
func (s *Schedule) ListEvents(ctx context.Context, q *o365.Query) iter.Seq2[*Event, error] {
	return o365.List[Event](ctx, s.acct, &o365.Request{Path: "events", Query: q})
}

// ListEvents lists the single events and series masters of the calendar.
//
// Graph: GET /me/calendars/{id}/events (https://learn.microsoft.com/graph/api/calendar-list-events).
func (c *Calendar) ListEvents(ctx context.Context, q *o365.Query) iter.Seq2[*Event, error] {
	if err := o365.Ready(c); err != nil {
		return o365.Fail[Event](err)
	}
	return o365.List[Event](ctx, c.Account(), &o365.Request{Path: c.Path() + "/events", Query: q, Collection: "events"})
}

// window adds the calendarView parameters to q (a copy).
func window(q *o365.Query, from, to time.Time) *o365.Query {
	if q == nil {
		q = o365.NewQuery()
	} else {
		q = q.Clone()
	}
	return q.Param("startDateTime", from.UTC().Format(time.RFC3339)).Param("endDateTime", to.UTC().Format(time.RFC3339))
}

// CalendarView lists what the default calendar holds in [from, to): single
// events, and the occurrences and exceptions of series, in order of start,
// paged lazily.
//
// Graph: GET /me/calendarView (https://learn.microsoft.com/graph/api/user-list-calendarview).
func (s *Schedule) CalendarView(ctx context.Context, from, to time.Time, q *o365.Query) iter.Seq2[*Event, error] {
	return o365.List[Event](ctx, s.acct, &o365.Request{Path: "calendarView", Query: window(q, from, to), Collection: "events"})
}

// CalendarView lists what the calendar holds in [from, to).
//
// Graph: GET /me/calendars/{id}/calendarView (https://learn.microsoft.com/graph/api/calendar-list-calendarview).
func (c *Calendar) CalendarView(ctx context.Context, from, to time.Time, q *o365.Query) iter.Seq2[*Event, error] {
	if err := o365.Ready(c); err != nil {
		return o365.Fail[Event](err)
	}
	return o365.List[Event](ctx, c.Account(), &o365.Request{Path: c.Path() + "/calendarView", Query: window(q, from, to), Collection: "events"})
}

// SyncEvents returns a delta query over the default calendar's view of
// [from, to): the first round lists it, later ones what changed
// (occurrences included), resuming from deltaLink when it is not empty.
//
// Graph: GET /me/calendarView/delta (https://learn.microsoft.com/graph/api/event-delta).
func (s *Schedule) SyncEvents(from, to time.Time, deltaLink string) *o365.DeltaQuery[Event] {
	return o365.Delta[Event](s.acct, &o365.Request{Path: "calendarView/delta", Query: window(nil, from, to), Collection: "events"}, deltaLink, nil)
}

// ListInstances lists the occurrences and exceptions of a series master in
// [from, to).
//
// Graph: GET /me/events/{id}/instances (https://learn.microsoft.com/graph/api/event-list-instances).
func (ev *Event) ListInstances(ctx context.Context, from, to time.Time, q *o365.Query) iter.Seq2[*Event, error] {
	if err := o365.Ready(ev); err != nil {
		return o365.Fail[Event](err)
	}
	return o365.List[Event](ctx, ev.Account(), &o365.Request{Path: ev.Path() + "/instances", Query: window(q, from, to), Collection: "events"})
}

// Times.

// SetTimes sets a timed event's start and end, each in its own zone (a time
// in time.Local is sent in the local zone's Windows name, one in a zone
// without a Windows name as UTC).
func (ev *Event) SetTimes(start, end time.Time) {
	ev.Start, ev.End = o365.NewDateTimeTimeZone(start), o365.NewDateTimeTimeZone(end)
	ev.IsAllDay = false
}

// SetAllDay makes the event an all-day event from the date of first to the
// date of last, inclusive, in first's zone.
func (ev *Event) SetAllDay(first, last time.Time) {
	loc := first.Location()
	d0 := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, loc)
	d1 := time.Date(last.Year(), last.Month(), last.Day()+1, 0, 0, 0, 0, loc)
	ev.Start, ev.End = o365.NewDateTimeTimeZone(d0), o365.NewDateTimeTimeZone(d1)
	ev.IsAllDay = true
}

// StartTime returns the start as a time.Time in the zone the service named
// (Windows and IANA names both read).
func (ev *Event) StartTime() (time.Time, error) { return ev.Start.Time() }

// EndTime returns the end as a time.Time in the zone the service named.
func (ev *Event) EndTime() (time.Time, error) { return ev.End.Time() }

// Dates returns an all-day event's first and last dates (midnight, in the
// zone the service named).
func (ev *Event) Dates() (first, last time.Time, err error) {
	s, err := ev.StartTime()
	if err != nil {
		return s, s, err
	}
	e, err := ev.EndTime()
	if err != nil {
		return s, e, err
	}
	return s, time.Date(e.Year(), e.Month(), e.Day()-1, 0, 0, 0, 0, e.Location()), nil
}

// Zone is the event's own time zone, where its series repeats: its
// OriginalStartTimeZone, else its start's.
func (ev *Event) Zone() (*time.Location, error) {
	name := ev.OriginalStartTimeZone
	if name == "" || strings.HasPrefix(name, "tzone://") {
		name = ev.Start.TimeZone
	}
	return o365.LoadZone(name)
}

// Composing.

// AddAttendee invites an address ("Bob <bob@contoso.com>" or a bare
// address) as Required, Optional or Resource.
func (ev *Event) AddAttendee(address, kind string) error {
	addr, err := o365.ParseAddress(address)
	if err != nil {
		return fmt.Errorf("calendar: attendee: %w", err)
	}
	switch kind {
	case "":
		kind = Required
	case Required, Optional, Resource:
	default:
		return fmt.Errorf("calendar: attendee type %q: want required, optional or resource", kind)
	}
	for _, a := range ev.Attendees {
		if strings.EqualFold(a.EmailAddress.Address, addr.Address) {
			return nil
		}
	}
	ev.Attendees = append(ev.Attendees, Attendee{EmailAddress: addr, Type: kind})
	return nil
}

// Attendee returns the attendee with the given address, nil when absent.
func (ev *Event) Attendee(address string) *Attendee {
	for i := range ev.Attendees {
		if strings.EqualFold(ev.Attendees[i].EmailAddress.Address, address) {
			return &ev.Attendees[i]
		}
	}
	return nil
}

// SetLocation sets the event's one location by name.
func (ev *Event) SetLocation(name string) {
	ev.Location = o365.Location{DisplayName: name}
	ev.Locations = nil
}

// SetText sets a plain-text body; SetHTML an HTML one.
func (ev *Event) SetText(text string) { ev.Body = o365.ItemBody{ContentType: "text", Content: text} }

// SetHTML sets an HTML body.
func (ev *Event) SetHTML(html string) { ev.Body = o365.ItemBody{ContentType: "html", Content: html} }

// SetReminder turns the reminder on, before minutes before the start, or
// off with a negative value.
func (ev *Event) SetReminder(minutes int) {
	on := minutes >= 0
	ev.IsReminderOn = &on
	if on {
		ev.ReminderMinutesBeforeStart = minutes
	}
}

// JoinURL is an online meeting's join URL ("" for other events).
func (ev *Event) JoinURL() string {
	if ev.OnlineMeeting != nil {
		return ev.OnlineMeeting.JoinURL
	}
	return ev.OnlineMeetingURL
}

// SetExtendedProperty sets a single-value extended property, replacing one
// with the same id.
func (ev *Event) SetExtendedProperty(id, value string) {
	ev.SingleValueExtendedProperties = outlook.SetExtendedProperty(ev.SingleValueExtendedProperties, id, value)
}

// ExtendedProperty returns a single-value extended property loaded with
// $expand, "" when absent.
func (ev *Event) ExtendedProperty(id string) string {
	return outlook.LookupExtendedProperty(ev.SingleValueExtendedProperties, id)
}

// Attachments.

func (ev *Event) attach(a *Attachment, err error) (*Attachment, error) {
	if err != nil {
		return nil, err
	}
	ev.Attachments = append(ev.Attachments, a)
	return a, nil
}

// AttachFile adds the file at path; Save uploads it (by upload session above
// 3 MB, up to outlook.MaxAttachmentSize).
func (ev *Event) AttachFile(path string) (*Attachment, error) {
	return ev.attach(outlook.NewFile(path))
}

// AttachReader adds size bytes read from r under name.
func (ev *Event) AttachReader(name string, r io.Reader, size int64) (*Attachment, error) {
	return ev.attach(outlook.NewReader(name, r, size))
}

// AttachBytes adds data under name.
func (ev *Event) AttachBytes(name string, data []byte) (*Attachment, error) {
	return ev.attach(outlook.NewBytes(name, data))
}

// AttachItem adds an Outlook item by value: item is a model (an *Event, a
// message ...) of the schema type typeName ("event", "message").
func (ev *Event) AttachItem(name string, item any, typeName string) (*Attachment, error) {
	return ev.attach(outlook.NewItem(name, item, typeName))
}

// AttachReference adds a link to a file held elsewhere (OneDrive,
// SharePoint, any https URL).
func (ev *Event) AttachReference(name, sourceURL string) (*Attachment, error) {
	return ev.attach(outlook.NewReference(name, sourceURL))
}

// ListAttachments lists the event's attachments (metadata; Download reads a
// file's content).
//
// Graph: GET /me/events/{id}/attachments (https://learn.microsoft.com/graph/api/event-list-attachments).
func (ev *Event) ListAttachments(ctx context.Context, q *o365.Query) iter.Seq2[*Attachment, error] {
	return outlook.List(ctx, ev, q)
}

// Saving.

// Save creates the event (in the default calendar, or the calendar of
// Calendar.NewEvent) with every field set, or PATCHes the fields changed
// since it was loaded; then it uploads pending attachments. Creating a
// meeting invites its attendees; changing one sends them the update.
//
// Creating is exactly-once: the event carries a transactionId (set here
// when empty), and the service answers a repeated creation with the event
// the first made, so a lost answer is simply asked again.
//
// Graph: POST /me/events (https://learn.microsoft.com/graph/api/user-post-events),
// PATCH /me/events/{id} (https://learn.microsoft.com/graph/api/event-update).
func (ev *Event) Save(ctx context.Context) error {
	if ev.Account() == nil {
		return ErrUnbound
	}
	pending := ev.Attachments
	var err error
	if !ev.Exists() {
		err = ev.create(ctx)
	} else {
		err = o365.Save(ctx, ev)
	}
	if err != nil {
		if ev.Exists() {
			return fmt.Errorf("calendar: save event %q: %w", ev.ID, err)
		}
		return fmt.Errorf("calendar: create event: %w", err)
	}
	ev.Attachments = pending
	return outlook.UploadPending(ctx, ev, pending)
}

func (ev *Event) create(ctx context.Context) error {
	if ev.TransactionID == "" {
		ev.TransactionID = o365.NewClientID()
	}
	body, err := o365.Changes(ev)
	if err != nil {
		return fmt.Errorf("encoding the event: %w", err)
	}
	collection := ev.Path()
	acct := ev.Account()
	// The transactionId makes a repeated POST harmless: Once repeats it
	// without looking.
	err = o365.Once(ctx, func() error {
		_, err := acct.Do(ctx, &o365.Request{Method: http.MethodPost, Path: collection, Body: body}, ev)
		return err
	}, nil)
	if err != nil {
		return err
	}
	return o365.Bind(ev, acct, eventPath(ev.ID))
}

// Refresh reloads the event, discarding unsaved changes.
//
// Graph: GET /me/events/{id} (https://learn.microsoft.com/graph/api/event-get).
func (ev *Event) Refresh(ctx context.Context) error {
	if err := o365.Refresh(ctx, ev, nil); err != nil {
		return fmt.Errorf("calendar: refresh event %q: %w", ev.ID, err)
	}
	return nil
}

// Delete deletes the event, or cancels one occurrence of a series. The
// organizer's deletion of a meeting sends its attendees a cancellation; a
// repeated delete after a lost answer counts as done.
//
// Graph: DELETE /me/events/{id} (https://learn.microsoft.com/graph/api/event-delete).
func (ev *Event) Delete(ctx context.Context) error {
	if err := o365.Delete(ctx, ev); err != nil {
		return fmt.Errorf("calendar: delete event %q: %w", ev.ID, err)
	}
	return nil
}

// gone reports whether the event no longer exists (or, for an occurrence,
// was cancelled).
func (ev *Event) gone(ctx context.Context) (bool, error) {
	err := o365.Call(ctx, ev, http.MethodGet, "", nil, nil)
	if errors.Is(err, o365.ErrNotFound) {
		return true, nil
	}
	return false, err
}

// Cancel is the organizer's cancellation of a meeting (or of one
// occurrence): every attendee gets it with comment, and the event is
// removed. It is exactly-once: after a lost answer, an event already gone
// was cancelled.
//
// Graph: POST /me/events/{id}/cancel (https://learn.microsoft.com/graph/api/event-cancel).
func (ev *Event) Cancel(ctx context.Context, comment string) error {
	if err := o365.Ready(ev); err != nil {
		return err
	}
	err := o365.Once(ctx, func() error {
		return o365.Call(ctx, ev, http.MethodPost, "cancel", map[string]string{"comment": comment}, nil)
	}, func() (bool, error) {
		done, err := ev.gone(ctx)
		if err != nil {
			return false, fmt.Errorf("checking whether it was cancelled: %w", err)
		}
		return done, nil
	})
	if err != nil {
		return fmt.Errorf("calendar: cancel %q: %w", ev.ID, err)
	}
	return nil
}

// Forward sends the meeting to more people, with a comment; they join its
// attendees. It is exactly-once: after a lost answer, recipients already
// among the attendees were sent it.
//
// Graph: POST /me/events/{id}/forward (https://learn.microsoft.com/graph/api/event-forward).
func (ev *Event) Forward(ctx context.Context, comment string, to ...string) error {
	if err := o365.Ready(ev); err != nil {
		return err
	}
	rs, err := o365.Recipients(to...)
	if err != nil {
		return fmt.Errorf("calendar: forward: %w", err)
	}
	if len(rs) == 0 {
		return errors.New("calendar: forward: no recipient")
	}
	body := map[string]any{"toRecipients": rs, "comment": comment}
	err = o365.Once(ctx, func() error {
		return o365.Call(ctx, ev, http.MethodPost, "forward", body, nil)
	}, func() (bool, error) {
		now := &Event{}
		if err := o365.Call(ctx, ev, http.MethodGet, "", nil, now); err != nil {
			return false, fmt.Errorf("checking whether it was forwarded: %w", err)
		}
		for _, r := range rs {
			if now.Attendee(r.EmailAddress.Address) == nil {
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("calendar: forward %q: %w", ev.ID, err)
	}
	return nil
}

// ResponseOptions tune Accept, TentativelyAccept and Decline; nil means
// the defaults.
type ResponseOptions struct {
	// Comment goes to the organizer with the response.
	Comment string
	// NoResponse records the answer without telling the organizer.
	NoResponse bool
	// ProposedNewTime proposes another time (TentativelyAccept and Decline,
	// when the organizer allows proposals).
	ProposedNewTime *o365.TimeSlot
}

// Accept accepts a meeting invitation (a series, one occurrence or a
// single meeting).
//
// Graph: POST /me/events/{id}/accept (https://learn.microsoft.com/graph/api/event-accept).
func (ev *Event) Accept(ctx context.Context, opts *ResponseOptions) error {
	return ev.respond(ctx, "accept", ResponseAccepted, opts)
}

// TentativelyAccept accepts tentatively, possibly proposing another time.
//
// Graph: POST /me/events/{id}/tentativelyAccept
// (https://learn.microsoft.com/graph/api/event-tentativelyaccept).
func (ev *Event) TentativelyAccept(ctx context.Context, opts *ResponseOptions) error {
	return ev.respond(ctx, "tentativelyAccept", ResponseTentative, opts)
}

// Decline declines; the event (or occurrence) leaves the calendar.
//
// Graph: POST /me/events/{id}/decline (https://learn.microsoft.com/graph/api/event-decline).
func (ev *Event) Decline(ctx context.Context, opts *ResponseOptions) error {
	return ev.respond(ctx, "decline", ResponseDeclined, opts)
}

// respond sends a response exactly once: after a lost answer, an event
// already showing the response (or gone, for a decline) was answered.
func (ev *Event) respond(ctx context.Context, action, response string, opts *ResponseOptions) error {
	if err := o365.Ready(ev); err != nil {
		return err
	}
	if opts == nil {
		opts = &ResponseOptions{}
	}
	body := map[string]any{"comment": opts.Comment, "sendResponse": !opts.NoResponse}
	if opts.ProposedNewTime != nil {
		body["proposedNewTime"] = opts.ProposedNewTime
	}
	err := o365.Once(ctx, func() error {
		return o365.Call(ctx, ev, http.MethodPost, action, body, nil)
	}, func() (bool, error) {
		now := &Event{}
		err := o365.Call(ctx, ev, http.MethodGet, "", nil, now)
		if errors.Is(err, o365.ErrNotFound) {
			return response == ResponseDeclined, nil
		}
		if err != nil {
			return false, fmt.Errorf("checking the response: %w", err)
		}
		return now.ResponseStatus != nil && now.ResponseStatus.Response == response, nil
	})
	if err != nil {
		return fmt.Errorf("calendar: %s %q: %w", action, ev.ID, err)
	}
	if ev.ResponseStatus == nil {
		ev.ResponseStatus = &ResponseStatus{}
	}
	ev.ResponseStatus.Response = response
	return nil
}

// AttendeesByStatus groups the attendees by their answer as the event
// shows it (the organizer's view): ResponseAccepted -> addresses, sorted;
// attendees without an answer under ResponseNone.
func (ev *Event) AttendeesByStatus() map[string][]string {
	out := map[string][]string{}
	for _, a := range ev.Attendees {
		st := ResponseNone
		if a.Status != nil && a.Status.Response != "" {
			st = a.Status.Response
		}
		out[st] = append(out[st], a.EmailAddress.Address)
	}
	for k := range out {
		slices.Sort(out[k])
	}
	return out
}
