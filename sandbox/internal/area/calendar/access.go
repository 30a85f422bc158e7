package calendar

import (
	"context"
	"encoding/base64"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/core"
)

// role is what a caller may do with a calendar, in Exchange's order: each
// role includes the ones before it.
type role int

const (
	roleNone role = iota
	roleFreeBusy
	roleLimited
	roleRead
	roleWrite
	roleDelegate
	roleDelegatePrivate
	roleOwner
)

// roleNames are Graph's calendarRoleType values.
var roleNames = []string{
	roleNone: "none", roleFreeBusy: "freeBusyRead", roleLimited: "limitedRead", roleRead: "read",
	roleWrite: "write", roleDelegate: "delegateWithoutPrivateEventAccess", roleDelegatePrivate: "delegateWithPrivateEventAccess",
}

func parseRole(s string) (role, bool) {
	for r, n := range roleNames {
		if n != "" && strings.EqualFold(n, s) {
			return role(r), true
		}
	}
	return roleNone, false
}

// place is the calendar a request addresses and what the caller may do
// with it.
type place struct {
	// owner is the id of the user or group whose store holds the calendar.
	owner string
	// user is the owner when a user (nil for a group); group the owner when
	// a group.
	user  *core.User
	group *core.Group
	// cal is the addressed calendar: the one named in the route, else the
	// owner's default calendar. A calendar shared with the addressed user
	// is followed to the sharer's calendar.
	cal *core.Object
	// role is the caller's on cal.
	role role
}

// address is the owner's mail address and display name.
func (p *place) address() map[string]any {
	if p.group != nil {
		return map[string]any{"name": p.group.DisplayName, "address": p.group.Mail}
	}
	return userAddress(p.user)
}

func userAddress(u *core.User) map[string]any {
	addr := u.Mail
	if addr == "" {
		addr = u.UPN
	}
	return map[string]any{"name": u.DisplayName, "address": addr}
}

// defaultCalendarID and the calendar group ids are fixed per owner, in
// Exchange's folder form.
func defaultCalendarID(owner string) string { return core.SeedFolderID(owner, "calendar", "calendar") }

func groupID(owner, name string) string { return core.SeedFolderID(owner, "calendar", "group", name) }

// The calendar groups every mailbox has.
var wellKnownGroups = []string{"My Calendars", "Other Calendars", "People's Calendars"}

// Ids of Exchange's built-in permission entries (base64 of their names, as
// Graph's are).
var (
	permMyOrganization = base64.StdEncoding.EncodeToString([]byte("MyOrganization"))
)

func permissionID(address string) string {
	return base64.StdEncoding.EncodeToString([]byte("Principal:" + strings.ToLower(address)))
}

// ensureCalendars creates an owner's calendar groups, default calendar and
// its "My Organization" entry once.
func ensureCalendars(ctx context.Context, tx *core.Tx, owner string, addr map[string]any, isGroup bool, now time.Time) error {
	if _, err := tx.Get(ctx, collCalendars, owner, defaultCalendarID(owner)); err == nil || !core.IsNotFound(err) {
		return err
	}
	parent := ""
	if !isGroup {
		for i, name := range wellKnownGroups {
			g := &core.Object{Collection: collCalendarGroups, Owner: owner, ID: groupID(owner, name), Created: now.Add(time.Duration(i)),
				Data: map[string]any{"name": name, "classId": core.SeedID("calendar", "class", name), "changeKey": uuid.NewString()}}
			if err := tx.Put(ctx, g); err != nil {
				return err
			}
		}
		parent = groupID(owner, wellKnownGroups[0])
	}
	cal := newCalendarDoc("Calendar", addr, true)
	if err := tx.Put(ctx, &core.Object{Collection: collCalendars, Owner: owner, ID: defaultCalendarID(owner), Parent: parent, Data: cal, Created: now}); err != nil {
		return err
	}
	if isGroup {
		return nil
	}
	org := map[string]any{
		"emailAddress": map[string]any{"name": "My Organization"}, "isRemovable": false, "isInsideOrganization": true,
		"role": "freeBusyRead", "allowedRoles": []any{"none", "freeBusyRead", "limitedRead", "read", "write"},
	}
	return tx.Put(ctx, &core.Object{Collection: collPermissions, Owner: owner, ID: permMyOrganization, Parent: defaultCalendarID(owner), Data: org, Created: now})
}

// newCalendarDoc is a new calendar as Graph shows it to its owner.
func newCalendarDoc(name string, owner map[string]any, isDefault bool) map[string]any {
	return map[string]any{
		"name": name, "color": "auto", "hexColor": "", "isDefaultCalendar": isDefault, "changeKey": uuid.NewString(),
		"canShare": true, "canViewPrivateItems": true, "canEdit": true, "isRemovable": !isDefault, "isTallyingResponses": true,
		"allowedOnlineMeetingProviders": []any{"teamsForBusiness"}, "defaultOnlineMeetingProvider": "teamsForBusiness",
		"owner": owner,
	}
}

// ownerOf resolves the owner a route addresses (c.User, or the {group}) and
// makes sure its calendars exist.
func ownerOf(ctx context.Context, c *core.Call) (*place, error) {
	pl := &place{}
	var exists bool
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		if gid := c.Param("group"); gid != "" {
			g, err := core.LookupGroup(ctx, tx, gid)
			if core.IsNotFound(err) {
				return core.ResourceNotFound(gid)
			}
			if err != nil {
				return err
			}
			if c.Claims.AppOnly {
				return core.AccessDenied()
			}
			member, err := core.InGroup(ctx, tx, g.ID, c.Claims.ObjectID)
			if err != nil {
				return err
			}
			if !member {
				return core.AccessDenied()
			}
			pl.group, pl.owner = g, g.ID
		} else {
			pl.user, pl.owner = c.User, c.User.ID
		}
		_, err := tx.Get(ctx, collCalendars, pl.owner, defaultCalendarID(pl.owner))
		exists = err == nil
		if core.IsNotFound(err) {
			return nil
		}
		return err
	})
	if err != nil || exists {
		return pl, err
	}
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		return ensureCalendars(ctx, tx, pl.owner, pl.address(), pl.group != nil, c.Now())
	})
	return pl, err
}

// resolvePlace resolves the owner and calendar a route addresses ({cal},
// else the default calendar; a {grp} must hold it) and refuses callers
// without need on it.
func resolvePlace(ctx context.Context, c *core.Call, need role) (*place, error) {
	pl, err := ownerOf(ctx, c)
	if err != nil {
		return nil, err
	}
	err = c.Store().Read(ctx, func(tx *core.Tx) error {
		id := c.Param("cal")
		if id == "" {
			id = defaultCalendarID(pl.owner)
		}
		cal, err := tx.Get(ctx, collCalendars, pl.owner, id)
		if core.IsNotFound(err) {
			return errCalendarNotFound()
		}
		if err != nil {
			return err
		}
		if g := c.Param("grp"); g != "" && cal.Parent != g {
			return errCalendarNotFound()
		}
		return pl.follow(ctx, c, tx, cal)
	})
	if err != nil {
		return nil, err
	}
	if pl.role < need {
		return nil, core.AccessDenied()
	}
	return pl, nil
}

// follow makes cal the place's calendar: a calendar shared with the owner
// is followed to the sharer's, whose rights apply.
func (pl *place) follow(ctx context.Context, c *core.Call, tx *core.Tx, cal *core.Object) error {
	if sh, ok := cal.Data["_shared"].(map[string]any); ok {
		if r := callerRole(ctx, c, tx, pl, cal); r < roleOwner {
			return core.AccessDenied() // only the sharee follows their links
		}
		u, err := core.LookupUser(ctx, tx, core.Str(sh, "owner"))
		if err != nil {
			return errCalendarNotFound()
		}
		target, err := tx.Get(ctx, collCalendars, u.ID, core.Str(sh, "calendar"))
		if err != nil {
			return errCalendarNotFound()
		}
		pl.owner, pl.user, pl.group = u.ID, u, nil
		cal = target
	}
	pl.cal = cal
	pl.role = callerRole(ctx, c, tx, pl, cal)
	return nil
}

// callerRole is the caller's role on a calendar of pl's owner: full for
// app-only callers and the owner, write for members of the owning group,
// else the best of the calendar's permission entries that apply (the
// caller's own and "My Organization").
func callerRole(ctx context.Context, c *core.Call, tx *core.Tx, pl *place, cal *core.Object) role {
	if c.Claims == nil || c.Claims.AppOnly || strings.EqualFold(c.Claims.ObjectID, pl.owner) {
		return roleOwner
	}
	if pl.group != nil {
		return roleWrite // ownerOf admitted members only
	}
	me, err := core.LookupUser(ctx, tx, c.Claims.ObjectID)
	if err != nil {
		return roleNone
	}
	return max(roleOfUser(ctx, tx, pl.owner, cal.ID, me), grantRole(ctx, tx, pl.owner, me.ID, cal))
}

// grantRole is the role the mailbox grants of the core (see core.Grant)
// give user on a calendar of owner: full access to the mailbox opens every
// calendar, private items included; a folder permission on the calendar
// (by its id, or "calendar" for the default one) gives the role of its
// rights, a delegate's edit rights the delegate role.
func grantRole(ctx context.Context, tx *core.Tx, owner, user string, cal *core.Object) role {
	a, err := core.AccessOf(ctx, tx, owner, user)
	if err != nil {
		return roleNone
	}
	if a.Has(core.FullAccess) {
		return roleDelegatePrivate
	}
	f := cal
	if cal.ID == defaultCalendarID(owner) {
		f = &core.Object{ID: cal.ID, Data: map[string]any{"_wellKnown": "calendar"}}
	}
	rights := a.Folder(f)
	switch {
	case rights&core.EditAllItems != 0 && a.Has(core.Delegate):
		return roleDelegate
	case rights&core.EditAllItems != 0:
		return roleWrite
	case rights&core.ReadItems != 0:
		return roleRead
	case rights&core.FreeBusyDetailed != 0:
		return roleLimited
	case rights&core.FreeBusySimple != 0:
		return roleFreeBusy
	}
	return roleNone
}

// roleOfUser is the role a tenant user has on a calendar through its
// permission entries.
func roleOfUser(ctx context.Context, tx *core.Tx, owner, calID string, u *core.User) role {
	best := roleNone
	perms, err := tx.List(ctx, core.Scope{Collection: collPermissions, Owner: owner, Parent: calID, ByParent: true}, false, 0, 0)
	if err != nil {
		return roleNone
	}
	for _, p := range perms {
		r, _ := parseRole(core.Str(p.Data, "role"))
		e, _ := p.Data["emailAddress"].(map[string]any)
		addr := core.Str(e, "address")
		applies := p.ID == permMyOrganization || strings.EqualFold(addr, u.Mail) || strings.EqualFold(addr, u.UPN)
		if applies && r > best {
			best = r
		}
	}
	return best
}

func errCalendarNotFound() *core.Error {
	return core.ItemNotFound("The specified object was not found in the store.")
}
