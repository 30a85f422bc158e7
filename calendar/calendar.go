// Package calendar works with Outlook calendars through Microsoft Graph (or
// the Office 365 REST protocol): calendars, calendar groups and sharing;
// events with recurring series, single occurrences changed or cancelled on
// their own, all-day events and time zones; meetings (invitations,
// responses, cancellations); free/busy (getSchedule, findMeetingTimes);
// event attachments; delta sync of a window; and iCalendar export.
//
// A Schedule wraps an *o365.Account: the signed-in user's calendars by
// default, another user's, a shared or a Microsoft 365 group's with
// o365.WithResource ("user:bob@contoso.com", "group:ID"). Every object it
// returns is bound, so ev.Save(ctx), ev.Accept(ctx, nil) or
// cal.Share(ctx, addr, calendar.RoleRead) act where it came from. Models are
// lossless and Save sends only what changed. Requests go through the root's
// request path; creations are exactly-once (an event's transactionId).
//
//	s := calendar.New(acct)
//	ev := s.NewEvent()
//	ev.Subject = "Design review"
//	ev.SetTimes(start, start.Add(time.Hour))      // in start's zone
//	ev.AddAttendee("bob@contoso.com", calendar.Required)
//	ev.Repeat(calendar.Weekly(time.Monday, time.Wednesday).Count(10))
//	err := ev.Save(ctx)                           // invites Bob
package calendar

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
)

// ErrUnbound is returned by methods of objects that were not obtained from a
// Schedule. It is o365.ErrUnbound.
var ErrUnbound = o365.ErrUnbound

// ErrCalendarNotFound is returned by GetCalendarByName when no calendar has
// the name.
var ErrCalendarNotFound = errors.New("calendar: calendar not found")

// Schedule is the calendars of one user or group: the signed-in user's (the
// default), or another's with o365.WithResource. It is cheap to create and
// safe for concurrent use.
type Schedule struct {
	acct *o365.Account
}

// New returns the schedule of acct's resource; opts (such as
// o365.WithResource("group:ID") or o365.WithTimeZone(loc)) apply to a copy
// of acct.
func New(acct *o365.Account, opts ...o365.Option) *Schedule {
	if len(opts) > 0 {
		acct = acct.With(opts...)
	}
	return &Schedule{acct: acct}
}

// Account returns the account the schedule sends its requests through.
func (s *Schedule) Account() *o365.Account { return s.acct }

// InZone returns a schedule whose answers give times in loc
// (Prefer: outlook.timezone with loc's Windows name); events' Start and End
// then read in loc.
func (s *Schedule) InZone(loc *time.Location) *Schedule {
	return New(s.acct, o365.WithTimeZone(loc))
}

// Calendar is Graph's calendar resource.
type Calendar struct {
	o365.Object
	ID                            string            `json:"id,omitzero" o365:"readonly"`
	Name                          string            `json:"name,omitzero"`
	Color                         string            `json:"color,omitzero"`
	HexColor                      string            `json:"hexColor,omitzero" o365:"readonly"`
	ChangeKey                     string            `json:"changeKey,omitzero" o365:"readonly"`
	IsDefaultCalendar             bool              `json:"isDefaultCalendar,omitzero" o365:"readonly"`
	IsRemovable                   bool              `json:"isRemovable,omitzero" o365:"readonly"`
	IsTallyingResponses           bool              `json:"isTallyingResponses,omitzero" o365:"readonly"`
	CanEdit                       bool              `json:"canEdit,omitzero" o365:"readonly"`
	CanShare                      bool              `json:"canShare,omitzero" o365:"readonly"`
	CanViewPrivateItems           bool              `json:"canViewPrivateItems,omitzero" o365:"readonly"`
	Owner                         o365.EmailAddress `json:"owner,omitzero" o365:"readonly"`
	AllowedOnlineMeetingProviders []string          `json:"allowedOnlineMeetingProviders,omitzero" o365:"readonly"`
	DefaultOnlineMeetingProvider  string            `json:"defaultOnlineMeetingProvider,omitzero"`
}

// UnmarshalJSONFrom decodes the calendar and keeps its JSON.
func (c *Calendar) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain Calendar
	return o365.DecodeObject(d, (*plain)(c))
}

// MarshalJSON encodes the calendar as the service sent it, with changes.
func (c Calendar) MarshalJSON() ([]byte, error) {
	type plain Calendar
	return o365.MarshalObject((*plain)(&c))
}

// calendarPath is "calendars/{id}".
func calendarPath(id string) string { return o365.Path("calendars", id) }

// DefaultCalendar returns the default calendar without a request, to act
// on it (ListEvents, CalendarView, Share) or Refresh it.
func (s *Schedule) DefaultCalendar() *Calendar {
	c := &Calendar{IsDefaultCalendar: true}
	_ = o365.Bind(c, s.acct, "calendar")
	return c
}

// Calendar returns the calendar with the given id without a request.
func (s *Schedule) Calendar(id string) *Calendar {
	c := &Calendar{ID: id}
	_ = o365.Bind(c, s.acct, calendarPath(id))
	return c
}

// GetDefaultCalendar loads the default calendar.
//
// Graph: GET /me/calendar (https://learn.microsoft.com/graph/api/calendar-get).
func (s *Schedule) GetDefaultCalendar(ctx context.Context) (*Calendar, error) {
	c, err := o365.Get[Calendar](ctx, s.acct, &o365.Request{Path: "calendar"})
	if err != nil {
		return nil, fmt.Errorf("calendar: get default calendar: %w", err)
	}
	return c, nil
}

// GetCalendar loads a calendar by id.
//
// Graph: GET /me/calendars/{id} (https://learn.microsoft.com/graph/api/calendar-get).
func (s *Schedule) GetCalendar(ctx context.Context, id string, q *o365.Query) (*Calendar, error) {
	c, err := o365.Get[Calendar](ctx, s.acct, &o365.Request{Path: calendarPath(id), Query: q})
	if err != nil {
		return nil, fmt.Errorf("calendar: get calendar %q: %w", id, err)
	}
	return c, nil
}

// GetCalendarByName finds a calendar by name (ignoring case); the error
// wraps ErrCalendarNotFound when none has it.
//
// Graph: GET /me/calendars (https://learn.microsoft.com/graph/api/user-list-calendars).
func (s *Schedule) GetCalendarByName(ctx context.Context, name string) (*Calendar, error) {
	for c, err := range s.ListCalendars(ctx, nil) {
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(c.Name, name) {
			return c, nil
		}
	}
	return nil, fmt.Errorf("%w: %q", ErrCalendarNotFound, name)
}

// ListCalendars lists the calendars, paged lazily: the user's own and the
// ones shared with them (see ListSharedCalendars).
//
// Graph: GET /me/calendars (https://learn.microsoft.com/graph/api/user-list-calendars).
func (s *Schedule) ListCalendars(ctx context.Context, q *o365.Query) iter.Seq2[*Calendar, error] {
	return o365.List[Calendar](ctx, s.acct, &o365.Request{Path: "calendars", Query: q})
}

// ListSharedCalendars lists the calendars other people shared with the
// user: those whose owner is someone else.
//
// Graph: GET /me/calendars (https://learn.microsoft.com/graph/api/user-list-calendars).
func (s *Schedule) ListSharedCalendars(ctx context.Context) ([]*Calendar, error) {
	def, err := s.GetDefaultCalendar(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Calendar
	for c, err := range s.ListCalendars(ctx, nil) {
		if err != nil {
			return nil, err
		}
		if !strings.EqualFold(c.Owner.Address, def.Owner.Address) {
			out = append(out, c)
		}
	}
	return out, nil
}

// CreateCalendar creates a calendar (in "My Calendars"). It is exactly-once:
// after an answer that may have been lost it looks for the calendar by name
// before creating again.
//
// Graph: POST /me/calendars (https://learn.microsoft.com/graph/api/user-post-calendars).
func (s *Schedule) CreateCalendar(ctx context.Context, name string) (*Calendar, error) {
	return createCalendarIn(ctx, s, "calendars", name)
}

func createCalendarIn(ctx context.Context, s *Schedule, path, name string) (*Calendar, error) {
	c := &Calendar{}
	err := o365.Once(ctx, func() error {
		_, err := s.acct.Do(ctx, &o365.Request{Method: http.MethodPost, Path: path, Body: map[string]string{"name": name}}, c)
		return err
	}, func() (bool, error) {
		found, err := s.GetCalendarByName(ctx, name)
		if errors.Is(err, ErrCalendarNotFound) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("looking for the calendar: %w", err)
		}
		*c = *found
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("calendar: create calendar %q: %w", name, err)
	}
	return c, o365.Bind(c, s.acct, calendarPath(c.ID))
}

// Save saves the changes of the calendar: its Name and Color.
//
// Graph: PATCH /me/calendars/{id} (https://learn.microsoft.com/graph/api/calendar-update).
func (c *Calendar) Save(ctx context.Context) error {
	if err := o365.Save(ctx, c); err != nil {
		return fmt.Errorf("calendar: save calendar %q: %w", c.ID, err)
	}
	return nil
}

// Refresh reloads the calendar.
//
// Graph: GET /me/calendars/{id} (https://learn.microsoft.com/graph/api/calendar-get).
func (c *Calendar) Refresh(ctx context.Context) error {
	if err := o365.Refresh(ctx, c, nil); err != nil {
		return fmt.Errorf("calendar: refresh calendar %q: %w", c.ID, err)
	}
	return nil
}

// Delete deletes the calendar and its events (a calendar shared with the
// user: only from their list). The default calendar cannot be deleted.
//
// Graph: DELETE /me/calendars/{id} (https://learn.microsoft.com/graph/api/calendar-delete).
func (c *Calendar) Delete(ctx context.Context) error {
	if err := o365.Delete(ctx, c); err != nil {
		return fmt.Errorf("calendar: delete calendar %q: %w", c.ID, err)
	}
	return nil
}

// CalendarGroup is Graph's calendarGroup: a folder of calendars ("My
// Calendars", "Other Calendars" ...).
type CalendarGroup struct {
	o365.Object
	ID        string `json:"id,omitzero" o365:"readonly"`
	Name      string `json:"name,omitzero"`
	ChangeKey string `json:"changeKey,omitzero" o365:"readonly"`
	ClassID   string `json:"classId,omitzero" o365:"readonly"`
}

// UnmarshalJSONFrom decodes the group and keeps its JSON.
func (g *CalendarGroup) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain CalendarGroup
	return o365.DecodeObject(d, (*plain)(g))
}

// MarshalJSON encodes the group as the service sent it, with changes.
func (g CalendarGroup) MarshalJSON() ([]byte, error) {
	type plain CalendarGroup
	return o365.MarshalObject((*plain)(&g))
}

// ListCalendarGroups lists the calendar groups.
//
// Graph: GET /me/calendarGroups (https://learn.microsoft.com/graph/api/user-list-calendargroups).
func (s *Schedule) ListCalendarGroups(ctx context.Context, q *o365.Query) iter.Seq2[*CalendarGroup, error] {
	return o365.List[CalendarGroup](ctx, s.acct, &o365.Request{Path: "calendarGroups", Query: q})
}

// CreateCalendarGroup creates a calendar group, exactly once (looked for
// by name after a lost answer).
//
// Graph: POST /me/calendarGroups (https://learn.microsoft.com/graph/api/user-post-calendargroups).
func (s *Schedule) CreateCalendarGroup(ctx context.Context, name string) (*CalendarGroup, error) {
	g := &CalendarGroup{}
	err := o365.Once(ctx, func() error {
		_, err := s.acct.Do(ctx, &o365.Request{Method: http.MethodPost, Path: "calendarGroups", Body: map[string]string{"name": name}}, g)
		return err
	}, func() (bool, error) {
		for found, err := range s.ListCalendarGroups(ctx, nil) {
			if err != nil {
				return false, fmt.Errorf("looking for the group: %w", err)
			}
			if strings.EqualFold(found.Name, name) {
				*g = *found
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		return nil, fmt.Errorf("calendar: create calendar group %q: %w", name, err)
	}
	return g, o365.Bind(g, s.acct, o365.Path("calendarGroups", g.ID))
}

// ListCalendars lists the calendars of the group.
//
// Graph: GET /me/calendarGroups/{id}/calendars
// (https://learn.microsoft.com/graph/api/calendargroup-list-calendars).
func (g *CalendarGroup) ListCalendars(ctx context.Context, q *o365.Query) iter.Seq2[*Calendar, error] {
	if err := o365.Ready(g); err != nil {
		return o365.Fail[Calendar](err)
	}
	return o365.List[Calendar](ctx, g.Account(), &o365.Request{Path: g.Path() + "/calendars", Query: q, Collection: "calendars"})
}

// CreateCalendar creates a calendar in the group, exactly once.
//
// Graph: POST /me/calendarGroups/{id}/calendars
// (https://learn.microsoft.com/graph/api/calendargroup-post-calendars).
func (g *CalendarGroup) CreateCalendar(ctx context.Context, name string) (*Calendar, error) {
	if err := o365.Ready(g); err != nil {
		return nil, err
	}
	return createCalendarIn(ctx, &Schedule{acct: g.Account()}, g.Path()+"/calendars", name)
}

// Save saves the group's new Name.
//
// Graph: PATCH /me/calendarGroups/{id} (https://learn.microsoft.com/graph/api/calendargroup-update).
func (g *CalendarGroup) Save(ctx context.Context) error { return o365.Save(ctx, g) }

// Delete deletes the (empty) group.
//
// Graph: DELETE /me/calendarGroups/{id} (https://learn.microsoft.com/graph/api/calendargroup-delete).
func (g *CalendarGroup) Delete(ctx context.Context) error { return o365.Delete(ctx, g) }

// Permission is Graph's calendarPermission: who a calendar is shared with,
// and at which role.
type Permission struct {
	o365.Object
	ID                   string            `json:"id,omitzero" o365:"readonly"`
	EmailAddress         o365.EmailAddress `json:"emailAddress,omitzero" o365:"createonly"`
	IsInsideOrganization bool              `json:"isInsideOrganization,omitzero" o365:"createonly"`
	IsRemovable          bool              `json:"isRemovable,omitzero" o365:"createonly"`
	// Role is one of the Role* constants; Save changes it.
	Role         string   `json:"role,omitzero"`
	AllowedRoles []string `json:"allowedRoles,omitzero" o365:"readonly"`
}

// UnmarshalJSONFrom decodes the permission and keeps its JSON.
func (p *Permission) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain Permission
	return o365.DecodeObject(d, (*plain)(p))
}

// MarshalJSON encodes the permission as the service sent it, with changes.
func (p Permission) MarshalJSON() ([]byte, error) {
	type plain Permission
	return o365.MarshalObject((*plain)(&p))
}

// ListPermissions lists who the calendar is shared with.
//
// Graph: GET /me/calendar/calendarPermissions
// (https://learn.microsoft.com/graph/api/calendar-list-calendarpermissions).
func (c *Calendar) ListPermissions(ctx context.Context) iter.Seq2[*Permission, error] {
	if err := o365.Ready(c); err != nil {
		return o365.Fail[Permission](err)
	}
	return o365.List[Permission](ctx, c.Account(), &o365.Request{Path: c.Path() + "/calendarPermissions"})
}

// Share shares the calendar with a person at a role (RoleRead, RoleWrite,
// RoleDelegate ...). A person of the organization then finds it among their
// calendars. It is exactly-once: after a lost answer, the permission is
// looked for by address.
//
// Graph: POST /me/calendar/calendarPermissions
// (https://learn.microsoft.com/graph/api/calendar-post-calendarpermissions).
func (c *Calendar) Share(ctx context.Context, address, role string) (*Permission, error) {
	if err := o365.Ready(c); err != nil {
		return nil, err
	}
	addr, err := o365.ParseAddress(address)
	if err != nil {
		return nil, fmt.Errorf("calendar: share: %w", err)
	}
	p := &Permission{}
	path := c.Path() + "/calendarPermissions"
	body := map[string]any{"emailAddress": addr, "role": role}
	err = o365.Once(ctx, func() error {
		_, err := c.Account().Do(ctx, &o365.Request{Method: http.MethodPost, Path: path, Body: body}, p)
		return err
	}, func() (bool, error) {
		for found, err := range c.ListPermissions(ctx) {
			if err != nil {
				return false, fmt.Errorf("looking for the permission: %w", err)
			}
			if strings.EqualFold(found.EmailAddress.Address, addr.Address) {
				*p = *found
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		return nil, fmt.Errorf("calendar: share with %s: %w", addr.Address, err)
	}
	return p, o365.Bind(p, c.Account(), path+"/"+o365.Path(p.ID))
}

// Save saves a changed Role.
//
// Graph: PATCH /me/calendar/calendarPermissions/{id}
// (https://learn.microsoft.com/graph/api/calendarpermission-update).
func (p *Permission) Save(ctx context.Context) error { return o365.Save(ctx, p) }

// Delete stops sharing with the permission's person.
//
// Graph: DELETE /me/calendar/calendarPermissions/{id}
// (https://learn.microsoft.com/graph/api/calendarpermission-delete).
func (p *Permission) Delete(ctx context.Context) error { return o365.Delete(ctx, p) }
