package calendar

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/core"
)

// Sharing a calendar: calendarPermission entries on the calendar. Sharing
// with a user of the tenant also puts the calendar in that user's calendar
// list, under "People's Calendars", as if they had accepted the invitation
// Outlook sends: the sandbox's "calendars shared with me".

func permissionSpec(pl *place) core.ListSpec {
	return core.ListSpec{Scope: core.Scope{Collection: collPermissions, Owner: pl.owner, Parent: pl.cal.ID, ByParent: true},
		Type: typePermission, DefaultTop: 100, MaxTop: 1000,
		Present: func(_ *core.Call, doc map[string]any) map[string]any { return core.PublicDoc(doc) }}
}

func listPermissions(ctx context.Context, c *core.Call) error {
	pl, err := resolvePlace(ctx, c, roleOwner)
	if err != nil {
		return err
	}
	return c.List(ctx, permissionSpec(pl))
}

func getPermission(ctx context.Context, c *core.Call) error {
	pl, err := resolvePlace(ctx, c, roleOwner)
	if err != nil {
		return err
	}
	err = c.GetEntity(ctx, permissionSpec(pl), c.Param("perm"))
	if core.IsNotFound(err) {
		return core.ItemNotFound("The specified object was not found in the store.")
	}
	return err
}

// allowedRoles are the roles a permission entry may take: delegation only
// on the default calendar, and up to read for people outside the tenant.
func allowedRoles(isDefault, inside bool) []any {
	out := []any{"none", "freeBusyRead", "limitedRead", "read"}
	if inside {
		out = append(out, "write")
		if isDefault {
			out = append(out, "delegateWithoutPrivateEventAccess", "delegateWithPrivateEventAccess")
		}
	}
	return out
}

func checkRole(doc map[string]any, v any) (role, error) {
	s, _ := v.(string)
	r, ok := parseRole(s)
	if !ok {
		return roleNone, core.Errorf(http.StatusBadRequest, "RequestBodyRead", "Requested value '%v' was not found.", v)
	}
	allowed, _ := doc["allowedRoles"].([]any)
	for _, a := range allowed {
		if a == roleNames[r] {
			return r, nil
		}
	}
	return roleNone, core.Errorf(http.StatusBadRequest, "ErrorInvalidPermissionSettings",
		"The role '%s' is not allowed for this entry; allowed roles: %v.", roleNames[r], allowed)
}

func createPermission(ctx context.Context, c *core.Call) error {
	pl, err := resolvePlace(ctx, c, roleOwner)
	if err != nil {
		return err
	}
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	e, _ := in["emailAddress"].(map[string]any)
	addr := strings.TrimSpace(core.Str(e, "address"))
	if at := strings.IndexByte(addr, '@'); at <= 0 || at == len(addr)-1 {
		return core.Errorf(http.StatusBadRequest, "ErrorInvalidParameter", "A calendar permission needs emailAddress.address.")
	}
	isDefault, _ := pl.cal.Data["isDefaultCalendar"].(bool)
	var doc map[string]any
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		sharee, err := core.LookupUser(ctx, tx, addr)
		if err != nil && !core.IsNotFound(err) {
			return err
		}
		inside := sharee != nil
		name := core.Str(e, "name")
		if inside {
			name, addr = sharee.DisplayName, userAddress(sharee)["address"].(string)
			if strings.EqualFold(sharee.ID, pl.owner) {
				return core.Errorf(http.StatusBadRequest, "ErrorInvalidPermissionSettings", "A calendar cannot be shared with its owner.")
			}
		}
		id := permissionID(addr)
		if _, err := tx.Get(ctx, collPermissions, pl.owner, id); err == nil {
			return core.Errorf(http.StatusBadRequest, "ErrorDuplicateUserIdsSpecified", "The calendar is already shared with %s; update that entry instead.", addr)
		}
		doc = map[string]any{
			"emailAddress": map[string]any{"name": name, "address": addr}, "isRemovable": true, "isInsideOrganization": inside,
			"allowedRoles": allowedRoles(isDefault, inside),
		}
		r, err := checkRole(doc, in["role"])
		if err != nil {
			return err
		}
		doc["role"] = roleNames[r]
		if err := tx.Put(ctx, &core.Object{Collection: collPermissions, Owner: pl.owner, ID: id, Parent: pl.cal.ID, Data: doc, Created: c.Now()}); err != nil {
			return err
		}
		return syncShareeLink(ctx, c, tx, pl, sharee, r)
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusCreated, typePermission, core.PublicDoc(doc))
}

func patchPermission(ctx context.Context, c *core.Call) error {
	pl, err := resolvePlace(ctx, c, roleOwner)
	if err != nil {
		return err
	}
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	var doc map[string]any
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		p, err := tx.GetIn(ctx, permissionSpec(pl).Scope, c.Param("perm"))
		if err != nil {
			return err
		}
		for k := range in {
			if k != "role" && !strings.HasPrefix(k, "@") {
				return core.Errorf(http.StatusBadRequest, "ErrorInvalidProperty", "Only the role of a calendar permission can be changed, not '%s'.", k)
			}
		}
		r, err := checkRole(p.Data, in["role"])
		if err != nil {
			return err
		}
		p.Data["role"] = roleNames[r]
		doc = p.Data
		if err := tx.Put(ctx, p); err != nil {
			return err
		}
		e, _ := p.Data["emailAddress"].(map[string]any)
		sharee, err := core.LookupUser(ctx, tx, core.Str(e, "address"))
		if core.IsNotFound(err) || p.ID == permMyOrganization {
			return nil
		}
		if err != nil {
			return err
		}
		return syncShareeLink(ctx, c, tx, pl, sharee, r)
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusOK, typePermission, core.PublicDoc(doc))
}

func deletePermission(ctx context.Context, c *core.Call) error {
	pl, err := resolvePlace(ctx, c, roleOwner)
	if err != nil {
		return err
	}
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		p, err := tx.GetIn(ctx, permissionSpec(pl).Scope, c.Param("perm"))
		if err != nil {
			return err
		}
		if removable, _ := p.Data["isRemovable"].(bool); !removable {
			return core.Errorf(http.StatusBadRequest, "ErrorInvalidRequest", "The permission entry '%s' cannot be removed; set its role to none instead.", p.ID)
		}
		return removePermissionTx(ctx, tx, pl.owner, pl.cal.ID, p)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

// removePermissionTx deletes a permission entry and its sharee's link.
func removePermissionTx(ctx context.Context, tx *core.Tx, owner, calID string, p *core.Object) error {
	if err := tx.Delete(ctx, collPermissions, owner, p.ID); err != nil {
		return err
	}
	e, _ := p.Data["emailAddress"].(map[string]any)
	if addr := core.Str(e, "address"); addr != "" {
		if sharee, err := core.LookupUser(ctx, tx, addr); err == nil {
			if err := tx.Delete(ctx, collCalendars, sharee.ID, shareeLinkID(sharee.ID, calID)); err != nil && !core.IsNotFound(err) {
				return err
			}
		}
	}
	return nil
}

func shareeLinkID(sharee, calID string) string {
	return core.SeedFolderID(sharee, "calendar", "shared", calID)
}

// syncShareeLink puts the shared calendar in the sharee's list (or takes
// it out for role none).
func syncShareeLink(ctx context.Context, c *core.Call, tx *core.Tx, pl *place, sharee *core.User, r role) error {
	if sharee == nil || pl.user == nil {
		return nil
	}
	id := shareeLinkID(sharee.ID, pl.cal.ID)
	if r == roleNone {
		if err := tx.Delete(ctx, collCalendars, sharee.ID, id); err != nil && !core.IsNotFound(err) {
			return err
		}
		return nil
	}
	return seedShareeLink(ctx, tx, pl, sharee, r, c.Now())
}

// seedShareeLink stores the link to pl's calendar in the sharee's list.
func seedShareeLink(ctx context.Context, tx *core.Tx, pl *place, sharee *core.User, r role, now time.Time) error {
	id := shareeLinkID(sharee.ID, pl.cal.ID)
	if err := ensureCalendars(ctx, tx, sharee.ID, userAddress(sharee), false, now); err != nil {
		return err
	}
	name := pl.user.DisplayName
	if isDefault, _ := pl.cal.Data["isDefaultCalendar"].(bool); !isDefault {
		name = pl.user.DisplayName + " - " + core.Str(pl.cal.Data, "name")
	}
	doc := map[string]any{
		"name": name, "color": "auto", "hexColor": "", "isDefaultCalendar": false, "changeKey": uuid.NewString(),
		"canShare": false, "canViewPrivateItems": r >= roleDelegatePrivate, "canEdit": r >= roleWrite, "isRemovable": true,
		"isTallyingResponses": false, "allowedOnlineMeetingProviders": []any{"teamsForBusiness"},
		"defaultOnlineMeetingProvider": "teamsForBusiness", "owner": pl.address(),
		"_shared": map[string]any{"owner": pl.owner, "calendar": pl.cal.ID},
	}
	return tx.Put(ctx, &core.Object{Collection: collCalendars, Owner: sharee.ID, ID: id,
		Parent: groupID(sharee.ID, wellKnownGroups[2]), Data: doc, Created: now})
}
