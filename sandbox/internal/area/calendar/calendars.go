package calendar

import (
	"context"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/core"
)

// calendarColors are Graph's calendarColor values with the hex colour
// Outlook shows for each ("auto" has none).
var calendarColors = map[string]string{
	"auto": "", "lightBlue": "#a6d1f5", "lightGreen": "#87d28e", "lightOrange": "#fcab73", "lightGray": "#c0c0c0",
	"lightYellow": "#f4d07a", "lightTeal": "#2ab0ab", "lightPink": "#ee9fd8", "lightBrown": "#c9a181", "lightRed": "#f08b8b",
}

// presentCalendar is a calendar as the caller sees it: what they may do
// with it follows their role.
func presentCalendar(r role) func(c *core.Call, doc map[string]any) map[string]any {
	return func(_ *core.Call, doc map[string]any) map[string]any {
		out := core.PublicDoc(doc)
		if _, shared := doc["_shared"]; shared || r == roleOwner {
			return out
		}
		out["canEdit"] = r >= roleWrite
		out["canShare"] = false
		out["canViewPrivateItems"] = r >= roleDelegatePrivate
		return out
	}
}

func getCalendar(ctx context.Context, c *core.Call) error {
	pl, err := resolvePlace(ctx, c, roleFreeBusy)
	if err != nil {
		return err
	}
	return c.GetEntity(ctx, core.ListSpec{Scope: core.Scope{Collection: collCalendars, Owner: pl.owner}, Type: typeCalendar, Present: presentCalendar(pl.role)}, pl.cal.ID)
}

func listCalendars(ctx context.Context, c *core.Call) error {
	pl, err := ownerOf(ctx, c)
	if err != nil {
		return err
	}
	spec := core.ListSpec{Scope: core.Scope{Collection: collCalendars, Owner: pl.owner}, Type: typeCalendar, DefaultTop: 10, MaxTop: 1000,
		Present: presentCalendar(roleOwner)}
	if g := c.Param("grp"); g != "" {
		if err := c.Store().Read(ctx, func(tx *core.Tx) error {
			_, err := tx.Get(ctx, collCalendarGroups, pl.owner, g)
			return err
		}); err != nil {
			return err
		}
		spec.Scope.Parent, spec.Scope.ByParent = g, true
	}
	if c.Claims.AppOnly || strings.EqualFold(c.Claims.ObjectID, pl.owner) {
		return c.List(ctx, spec)
	}
	// Another user's calendars: those the caller has a role on, each
	// presented for that role.
	roles := map[string]role{}
	err = c.Store().Read(ctx, func(tx *core.Tx) error {
		cals, err := tx.List(ctx, spec.Scope, false, 0, 0)
		if err != nil {
			return err
		}
		for _, cal := range cals {
			if _, shared := cal.Data["_shared"]; !shared {
				if r := callerRole(ctx, c, tx, pl, cal); r > roleNone {
					roles[cal.ID] = r
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(roles) == 0 {
		return core.AccessDenied()
	}
	scope := spec.Scope
	spec.Load = func(ctx context.Context, tx *core.Tx) ([]map[string]any, error) {
		cals, err := tx.List(ctx, scope, false, 0, 0)
		var out []map[string]any
		for _, cal := range cals {
			if r, ok := roles[cal.ID]; ok {
				out = append(out, presentCalendar(r)(c, cal.Data))
			}
		}
		return out, err
	}
	spec.Present = nil
	return c.List(ctx, spec)
}

// checkCalendarInput validates the writable properties of a calendar.
func checkCalendarInput(in map[string]any, create bool) error {
	for k, v := range in {
		if strings.HasPrefix(k, "@") {
			continue
		}
		switch k {
		case "name":
			s, ok := v.(string)
			if !ok || strings.TrimSpace(s) == "" {
				return core.Errorf(http.StatusBadRequest, "ErrorInvalidParameter", "The calendar name must be a non-empty string.")
			}
		case "color":
			s, _ := v.(string)
			if _, ok := core.LookupFold(calendarColors, s); !ok {
				return core.Errorf(http.StatusBadRequest, "RequestBodyRead", "Requested value '%v' was not found.", v)
			}
		case "hexColor", "id", "changeKey", "owner", "isDefaultCalendar", "canEdit", "canShare", "canViewPrivateItems", "isRemovable", "isTallyingResponses":
			// read-only: ignored, as Graph does
		case "allowedOnlineMeetingProviders", "defaultOnlineMeetingProvider":
		default:
			return core.Errorf(http.StatusBadRequest, "RequestBodyRead",
				"The property '%s' does not exist on type 'microsoft.graph.calendar'. Make sure to only use property names that are defined by the type.", k)
		}
	}
	if create {
		if _, ok := in["name"]; !ok {
			return core.Errorf(http.StatusBadRequest, "ErrorInvalidParameter", "A calendar needs a name.")
		}
	}
	return nil
}

// checkCalendarName refuses a name another calendar of the owner has.
func checkCalendarName(ctx context.Context, tx *core.Tx, owner, name, self string) error {
	cals, err := tx.List(ctx, core.Scope{Collection: collCalendars, Owner: owner}, false, 0, 0)
	if err != nil {
		return err
	}
	for _, cal := range cals {
		if cal.ID != self && strings.EqualFold(core.Str(cal.Data, "name"), name) {
			return core.Errorf(http.StatusConflict, "ErrorFolderExists", "A folder with the specified name already exists.")
		}
	}
	return nil
}

// setColor stores a colour with the hex value Outlook shows for it.
func setColor(doc map[string]any, color string) {
	for k, hex := range calendarColors {
		if strings.EqualFold(k, color) {
			doc["color"], doc["hexColor"] = k, hex
		}
	}
}

func createCalendar(ctx context.Context, c *core.Call) error {
	pl, err := resolvePlace(ctx, c, roleOwner)
	if err != nil {
		return err
	}
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	if err := checkCalendarInput(in, true); err != nil {
		return err
	}
	parent := c.Param("grp")
	if parent == "" {
		parent = groupID(pl.owner, wellKnownGroups[0])
	}
	name := strings.TrimSpace(core.Str(in, "name"))
	doc := newCalendarDoc(name, pl.address(), false)
	if col := core.Str(in, "color"); col != "" {
		setColor(doc, col)
	}
	o := &core.Object{Collection: collCalendars, Owner: pl.owner, ID: core.NewFolderID(pl.owner), Parent: parent, Data: doc, Created: c.Now()}
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		if _, err := tx.Get(ctx, collCalendarGroups, pl.owner, parent); err != nil {
			return err
		}
		if err := checkCalendarName(ctx, tx, pl.owner, name, ""); err != nil {
			return err
		}
		return tx.Put(ctx, o)
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusCreated, typeCalendar, core.PublicDoc(o.Data))
}

func patchCalendar(ctx context.Context, c *core.Call) error {
	pl, err := resolvePlace(ctx, c, roleOwner)
	if err != nil {
		return err
	}
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	if err := checkCalendarInput(in, false); err != nil {
		return err
	}
	var out map[string]any
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		cal, err := tx.Get(ctx, collCalendars, pl.owner, pl.cal.ID)
		if err != nil {
			return err
		}
		if name, ok := in["name"].(string); ok {
			name = strings.TrimSpace(name)
			if err := checkCalendarName(ctx, tx, pl.owner, name, cal.ID); err != nil {
				return err
			}
			cal.Data["name"] = name
		}
		if col, ok := in["color"].(string); ok {
			setColor(cal.Data, col)
		}
		cal.Data["changeKey"] = uuid.NewString()
		out = cal.Data
		return tx.Put(ctx, cal)
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusOK, typeCalendar, core.PublicDoc(out))
}

func deleteCalendar(ctx context.Context, c *core.Call) error {
	pl, err := ownerOf(ctx, c)
	if err != nil {
		return err
	}
	if !c.Claims.AppOnly && !strings.EqualFold(c.Claims.ObjectID, pl.owner) {
		return core.AccessDenied()
	}
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		cal, err := tx.Get(ctx, collCalendars, pl.owner, c.Param("cal"))
		if core.IsNotFound(err) {
			return errCalendarNotFound()
		}
		if err != nil {
			return err
		}
		if d, _ := cal.Data["isDefaultCalendar"].(bool); d {
			return core.Errorf(http.StatusBadRequest, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.")
		}
		if _, shared := cal.Data["_shared"]; !shared {
			if err := deleteCalendarContents(ctx, c, tx, pl.owner, cal.ID); err != nil {
				return err
			}
		}
		return tx.Delete(ctx, collCalendars, pl.owner, cal.ID)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

// deleteCalendarContents deletes a calendar's events (with their
// attachments), its permission entries and the links sharees hold to it.
func deleteCalendarContents(ctx context.Context, c *core.Call, tx *core.Tx, owner, calID string) error {
	events, err := tx.List(ctx, core.Scope{Collection: collEvents, Owner: owner, Parent: calID, ByParent: true}, false, 0, 0)
	if err != nil {
		return err
	}
	for _, e := range events {
		if err := deleteEventTx(ctx, tx, e); err != nil {
			return err
		}
	}
	perms, err := tx.List(ctx, core.Scope{Collection: collPermissions, Owner: owner, Parent: calID, ByParent: true}, false, 0, 0)
	if err != nil {
		return err
	}
	for _, p := range perms {
		if err := removePermissionTx(ctx, tx, owner, calID, p); err != nil {
			return err
		}
	}
	return nil
}

// Calendar groups.

func groupSpec(owner string) core.ListSpec {
	return core.ListSpec{Scope: core.Scope{Collection: collCalendarGroups, Owner: owner}, Type: typeGroup, DefaultTop: 10, MaxTop: 1000,
		Present: func(_ *core.Call, doc map[string]any) map[string]any { return core.PublicDoc(doc) }}
}

// ownerOnly resolves the owner and refuses anyone else but app-only callers.
func ownerOnly(ctx context.Context, c *core.Call) (*place, error) {
	pl, err := ownerOf(ctx, c)
	if err != nil {
		return nil, err
	}
	if !c.Claims.AppOnly && !strings.EqualFold(c.Claims.ObjectID, pl.owner) {
		return nil, core.AccessDenied()
	}
	return pl, nil
}

func listCalendarGroups(ctx context.Context, c *core.Call) error {
	pl, err := ownerOnly(ctx, c)
	if err != nil {
		return err
	}
	return c.List(ctx, groupSpec(pl.owner))
}

func getCalendarGroup(ctx context.Context, c *core.Call) error {
	pl, err := ownerOnly(ctx, c)
	if err != nil {
		return err
	}
	err = c.GetEntity(ctx, groupSpec(pl.owner), c.Param("grp"))
	if core.IsNotFound(err) {
		return errCalendarNotFound()
	}
	return err
}

func checkGroupName(ctx context.Context, tx *core.Tx, owner, name, self string) error {
	groups, err := tx.List(ctx, core.Scope{Collection: collCalendarGroups, Owner: owner}, false, 0, 0)
	if err != nil {
		return err
	}
	for _, g := range groups {
		if g.ID != self && strings.EqualFold(core.Str(g.Data, "name"), name) {
			return core.Errorf(http.StatusConflict, "ErrorFolderExists", "A calendar group with the name '%s' already exists.", name)
		}
	}
	return nil
}

func groupName(in map[string]any) (string, error) {
	name, ok := in["name"].(string)
	if !ok || strings.TrimSpace(name) == "" {
		return "", core.Errorf(http.StatusBadRequest, "ErrorInvalidParameter", "A calendar group needs a non-empty name.")
	}
	return strings.TrimSpace(name), nil
}

func createCalendarGroup(ctx context.Context, c *core.Call) error {
	pl, err := ownerOnly(ctx, c)
	if err != nil {
		return err
	}
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	name, err := groupName(in)
	if err != nil {
		return err
	}
	o := &core.Object{Collection: collCalendarGroups, Owner: pl.owner, ID: core.NewFolderID(pl.owner), Created: c.Now(),
		Data: map[string]any{"name": name, "classId": uuid.NewString(), "changeKey": uuid.NewString()}}
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		if err := checkGroupName(ctx, tx, pl.owner, name, ""); err != nil {
			return err
		}
		return tx.Put(ctx, o)
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusCreated, typeGroup, core.PublicDoc(o.Data))
}

func patchCalendarGroup(ctx context.Context, c *core.Call) error {
	pl, err := ownerOnly(ctx, c)
	if err != nil {
		return err
	}
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	name, err := groupName(in)
	if err != nil {
		return err
	}
	var out map[string]any
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		g, err := tx.Get(ctx, collCalendarGroups, pl.owner, c.Param("grp"))
		if core.IsNotFound(err) {
			return errCalendarNotFound()
		}
		if err != nil {
			return err
		}
		if err := checkGroupName(ctx, tx, pl.owner, name, g.ID); err != nil {
			return err
		}
		g.Data["name"], g.Data["changeKey"] = name, uuid.NewString()
		out = g.Data
		return tx.Put(ctx, g)
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusOK, typeGroup, core.PublicDoc(out))
}

func deleteCalendarGroup(ctx context.Context, c *core.Call) error {
	pl, err := ownerOnly(ctx, c)
	if err != nil {
		return err
	}
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		g, err := tx.Get(ctx, collCalendarGroups, pl.owner, c.Param("grp"))
		if core.IsNotFound(err) {
			return errCalendarNotFound()
		}
		if err != nil {
			return err
		}
		for _, name := range wellKnownGroups {
			if g.ID == groupID(pl.owner, name) {
				return core.Errorf(http.StatusBadRequest, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.")
			}
		}
		n, err := tx.Count(ctx, core.Scope{Collection: collCalendars, Owner: pl.owner, Parent: g.ID, ByParent: true})
		if err != nil {
			return err
		}
		if n > 0 {
			return core.Errorf(http.StatusBadRequest, "ErrorInvalidRequest", "The calendar group still holds %d calendars; delete or move them first.", n)
		}
		return tx.Delete(ctx, collCalendarGroups, pl.owner, g.ID)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}
