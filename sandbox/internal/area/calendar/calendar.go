// Package calendar is the sandbox's calendar area: calendars, calendar
// groups and calendar permissions; events with recurring series stored once
// and expanded on read (calendarView, instances, delta of a window); single
// occurrences changed or cancelled on their own; meetings, whose requests,
// responses and cancellations reach the attendees' mailboxes through the
// core's Mailboxes and update each party's copy; getSchedule and
// findMeetingTimes computed from the stored events and working hours; event
// attachments on the core's Outlook attachments; users' and Microsoft 365
// groups' calendars, with Exchange's sharing roles between users.
//
// Storage: calendars are "calendars" objects (owner: the user or group,
// parent: the calendar group), calendar groups "calendarGroups", sharing
// entries "calendarPermissions" (parent: the calendar), events "events"
// (parent: the calendar). A series master holds its recurrence and, under
// "_overrides", what changed for single occurrences, keyed by the
// occurrence's original date in the event's zone (moved times, edited
// properties, per-occurrence responses, cancellations); occurrences are
// never stored. Start and end are stored in UTC, with the zone the client
// gave in originalStartTimeZone / originalEndTimeZone, and expanded in that
// zone across daylight-saving changes. A meeting's copies in attendees'
// calendars share its "_uid"; the organizer's event lists them under
// "_copies", each copy points back with "_organizer". Keys starting with "_"
// are internal and never served.
package calendar

import (
	"context"
	"net/http"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
)

const (
	collCalendars      = "calendars"
	collCalendarGroups = "calendarGroups"
	collPermissions    = "calendarPermissions"
	collEvents         = "events"
	collAttachments    = "eventAttachments"
)

// Permissions of the calendar routes.
var (
	readScopes     = []string{"Calendars.Read", "Calendars.ReadWrite"}
	readRoles      = []string{"Calendars.Read", "Calendars.ReadWrite"}
	writeScopes    = []string{"Calendars.ReadWrite"}
	writeRoles     = []string{"Calendars.ReadWrite"}
	scheduleScopes = []string{"Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite"}
	scheduleRoles  = []string{"Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite"}
	// Group calendars: Graph takes the group permissions and serves
	// delegated callers only.
	groupReadScopes  = []string{"Group.Read.All", "Group.ReadWrite.All"}
	groupWriteScopes = []string{"Group.ReadWrite.All"}
)

// attachments are the attachments of events.
var attachments = &core.Attachments{
	Collection:     collAttachments,
	ItemCollection: collEvents,
	Item:           attachmentItem,
	ItemAttachment: attachedItem,
}

// Area is the calendar area, to serve with core.Config.Areas.
func Area() core.Area {
	readPerm := core.Route{Scopes: readScopes, Roles: readRoles}
	writePerm := core.Route{Scopes: writeScopes, Roles: writeRoles}
	// The shared scopes Graph documents for the schedule of others.
	schedPerm := core.Route{Scopes: scheduleScopes, Roles: scheduleRoles,
		SharedScopes: []string{"Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite", "Calendars.Read.Shared", "Calendars.ReadWrite.Shared"}}
	groupRead := core.Route{Scopes: groupReadScopes}
	groupWrite := core.Route{Scopes: groupWriteScopes}

	var routes []core.Route
	// Calendars and calendar groups of users.
	routes = append(routes,
		readPerm.On(http.MethodGet, "{user}/calendar", getCalendar),
		writePerm.On(http.MethodPatch, "{user}/calendar", patchCalendar),
		readPerm.On(http.MethodGet, "{user}/calendars", listCalendars),
		writePerm.On(http.MethodPost, "{user}/calendars", createCalendar),
		readPerm.On(http.MethodGet, "{user}/calendars/{cal}", getCalendar),
		writePerm.On(http.MethodPatch, "{user}/calendars/{cal}", patchCalendar),
		writePerm.On(http.MethodDelete, "{user}/calendars/{cal}", deleteCalendar),
		readPerm.On(http.MethodGet, "{user}/calendarGroups", listCalendarGroups),
		writePerm.On(http.MethodPost, "{user}/calendarGroups", createCalendarGroup),
		readPerm.On(http.MethodGet, "{user}/calendarGroups/{grp}", getCalendarGroup),
		writePerm.On(http.MethodPatch, "{user}/calendarGroups/{grp}", patchCalendarGroup),
		writePerm.On(http.MethodDelete, "{user}/calendarGroups/{grp}", deleteCalendarGroup),
		readPerm.On(http.MethodGet, "{user}/calendarGroups/{grp}/calendars", listCalendars),
		writePerm.On(http.MethodPost, "{user}/calendarGroups/{grp}/calendars", createCalendar),
		readPerm.On(http.MethodGet, "{user}/calendarGroups/{grp}/calendars/{cal}", getCalendar),
		schedPerm.On(http.MethodPost, "{user}/calendar/getSchedule", getSchedule),
		readPerm.On(http.MethodPost, "{user}/findMeetingTimes", findMeetingTimes),
	)
	for _, p := range []string{"{user}/calendar/", "{user}/calendars/{cal}/"} {
		routes = append(routes,
			readPerm.On(http.MethodGet, p+"calendarPermissions", listPermissions),
			writePerm.On(http.MethodPost, p+"calendarPermissions", createPermission),
			readPerm.On(http.MethodGet, p+"calendarPermissions/{perm}", getPermission),
			writePerm.On(http.MethodPatch, p+"calendarPermissions/{perm}", patchPermission),
			writePerm.On(http.MethodDelete, p+"calendarPermissions/{perm}", deletePermission),
		)
	}
	// Events, under every container that holds them.
	for _, p := range []string{"{user}/", "{user}/calendar/", "{user}/calendars/{cal}/", "{user}/calendarGroups/{grp}/calendars/{cal}/"} {
		routes = append(routes, eventRoutes(p, readPerm, writePerm)...)
	}
	// Microsoft 365 groups' calendars.
	routes = append(routes,
		groupRead.On(http.MethodGet, "groups/{group}/calendar", getCalendar),
	)
	for _, p := range []string{"groups/{group}/", "groups/{group}/calendar/"} {
		routes = append(routes, eventRoutes(p, groupRead, groupWrite)...)
	}
	sub := func(pattern string) core.Subscribable {
		return core.Subscribable{Pattern: pattern, MaxExpiry: 4230 * time.Minute, ODataType: "#Microsoft.Graph.Event",
			Scope: func(ctx context.Context, c *core.Call) (core.Scope, error) {
				pl, err := resolvePlace(ctx, c, roleRead)
				if err != nil {
					return core.Scope{}, err
				}
				return core.Scope{Collection: collEvents, Owner: pl.owner, Parent: pl.cal.ID, ByParent: true}, nil
			}}
	}
	return core.Area{
		Name:            "calendar",
		Routes:          routes,
		ItemCollections: []string{collEvents},
		Knobs: []core.Knob{
			{Name: knobSeriesPerUser, Doc: "generated weekly recurring meetings in the demo user's calendar"},
			{Name: knobEventsPerUser, Doc: "generated single events in the demo user's calendar"},
		},
		Seed: seedCalendar,
		Subscriptions: []core.Subscribable{
			sub("{user}/events"), sub("{user}/calendar/events"), sub("{user}/calendars/{cal}/events"),
		},
		Resolvers: map[string]core.Resolver{collEvents: resolveEvent},
	}
}

// eventRoutes are the event routes under a container prefix ("{user}/",
// "{user}/calendars/{cal}/", "groups/{group}/" ...).
func eventRoutes(p string, read, write core.Route) []core.Route {
	routes := []core.Route{
		read.On(http.MethodGet, p+"events", listEvents),
		write.On(http.MethodPost, p+"events", createEvent),
		read.On(http.MethodGet, p+"events/{id}", getEvent),
		write.On(http.MethodPatch, p+"events/{id}", patchEvent),
		write.On(http.MethodDelete, p+"events/{id}", deleteEvent),
		read.On(http.MethodGet, p+"events/{id}/instances", listInstances),
		write.On(http.MethodPost, p+"events/{id}/accept", respond(responseAccepted)),
		write.On(http.MethodPost, p+"events/{id}/tentativelyAccept", respond(responseTentative)),
		write.On(http.MethodPost, p+"events/{id}/decline", respond(responseDeclined)),
		write.On(http.MethodPost, p+"events/{id}/cancel", cancelEvent),
		write.On(http.MethodPost, p+"events/{id}/forward", forwardEvent),
		write.On(http.MethodPost, p+"events/{id}/dismissReminder", dismissReminder),
		write.On(http.MethodPost, p+"events/{id}/snoozeReminder", snoozeReminder),
		read.On(http.MethodGet, p+"calendarView", calendarView),
		read.On(http.MethodGet, p+"calendarView/delta", calendarViewDelta),
	}
	routes = append(routes, attachments.Routes(p+"events/{id}", read, write)...)
	if p == "{user}/calendar/" || p == "groups/{group}/calendar/" {
		// Routes through the default calendar hold their events to it.
		for i := range routes {
			h := routes[i].Handle
			routes[i].Handle = func(ctx context.Context, c *core.Call) error {
				return h(context.WithValue(ctx, defaultOnlyKey{}, true), c)
			}
		}
	}
	return routes
}

// defaultOnlyKey marks, in a request's context, routes that address events
// through the default calendar.
type defaultOnlyKey struct{}

// namesCalendar reports whether the route names the calendar its events
// must be in ({cal}, or the default calendar's own segment).
func namesCalendar(ctx context.Context, c *core.Call) bool {
	return c.Param("cal") != "" || ctx.Value(defaultOnlyKey{}) != nil
}
