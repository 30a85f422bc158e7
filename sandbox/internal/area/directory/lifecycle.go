package directory

import (
	"context"
	"net/http"
	"strings"

	"github.com/o365go/o365/sandbox/internal/core"
)

// Deleting and restoring directory objects, as Entra ID does: a deleted
// user, or a deleted Microsoft 365 group, goes to directory/deletedItems
// for 30 days (the object keeps its collection, id and links, with Parent
// core.DeletedParent and a deletedDateTime), from where it is restored as
// it was or deleted for good; a security group is deleted for good at
// once. Delta reports a deletion into deletedItems with reason "changed"
// and a deletion for good with reason "deleted".

// activeScope is the scope of the objects of coll that are not deleted.
func activeScope(coll string) core.Scope {
	return core.Scope{Collection: coll, Parent: "", ByParent: true}
}

// deletedScope is the scope of the deleted objects of coll.
func deletedScope(coll string) core.Scope {
	return core.Scope{Collection: coll, Parent: core.DeletedParent, ByParent: true}
}

// getActive loads a user or group that is not deleted; the error wraps
// core.ErrNotFound.
func getActive(ctx context.Context, tx *core.Tx, coll, id string) (*core.Object, error) {
	return tx.GetIn(ctx, activeScope(coll), id)
}

// deletedTypes are the types of directory/deletedItems this sandbox
// keeps, by type-cast segment, with their collection and the permissions
// that read (r) and write (w) them.
var deletedTypes = map[string]struct {
	coll, typ string
	r, w      []string
}{
	"microsoft.graph.user":  {collUsers, typeUser, append(append([]string{}, readUsersRoles...), "User.ReadBasic.All"), writeUsersRoles},
	"microsoft.graph.group": {collGroups, typeGroup, readGroupRoles, []string{"Group.ReadWrite.All", "Directory.ReadWrite.All"}},
}

// deletedCast reads a deletedItems/{cast} segment ("microsoft.graph.user",
// any case).
func deletedCast(seg string) (string, bool) {
	for k := range deletedTypes {
		if strings.EqualFold(k, seg) {
			return k, true
		}
	}
	return "", false
}

// permitted reports whether the caller's token holds any of perms (as a
// delegated scope or an application role).
func permitted(c *core.Call, perms []string) bool {
	granted := c.Claims.Scopes
	if c.Claims.AppOnly {
		granted = c.Claims.Roles
	}
	for _, g := range granted {
		if i := strings.LastIndexByte(g, '/'); i >= 0 {
			g = g[i+1:]
		}
		for _, p := range perms {
			if strings.EqualFold(g, p) {
				return true
			}
		}
	}
	return false
}

func errCastNeeded() *core.Error {
	return core.Errorf(http.StatusBadRequest, "Request_BadRequest",
		"Name the type of the deleted items: /directory/deletedItems/microsoft.graph.user or /directory/deletedItems/microsoft.graph.group.")
}

// deletedItem loads a deleted user or group by id, with its type.
func deletedItem(ctx context.Context, tx *core.Tx, id string) (*core.Object, string, error) {
	for cast, t := range deletedTypes {
		o, err := tx.GetIn(ctx, deletedScope(t.coll), id)
		if err == nil {
			return o, cast, nil
		}
		if !core.IsNotFound(err) {
			return nil, "", err
		}
	}
	return nil, "", core.ResourceNotFound(id)
}

// listDeleted serves GET directory/deletedItems/{cast}, and GET
// directory/deletedItems/{id} for one deleted object.
func listDeleted(ctx context.Context, c *core.Call) error {
	seg := c.Param("item")
	cast, ok := deletedCast(seg)
	if !ok {
		return getDeleted(ctx, c, seg)
	}
	t := deletedTypes[cast]
	if !permitted(c, append(t.r, t.w...)) {
		return core.InsufficientPrivileges()
	}
	spec := directorySpec(t.coll, t.typ)
	spec.Scope = deletedScope(t.coll)
	spec.Expand = nil
	return c.List(ctx, spec)
}

func countDeleted(ctx context.Context, c *core.Call) error {
	cast, ok := deletedCast(c.Param("item"))
	if !ok {
		return errCastNeeded()
	}
	t := deletedTypes[cast]
	if !permitted(c, append(t.r, t.w...)) {
		return core.InsufficientPrivileges()
	}
	spec := directorySpec(t.coll, t.typ)
	spec.Scope = deletedScope(t.coll)
	return c.CountOnly(ctx, spec)
}

func getDeleted(ctx context.Context, c *core.Call, id string) error {
	var cast string
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		_, cast, err = deletedItem(ctx, tx, id)
		return err
	})
	if err != nil {
		return err
	}
	t := deletedTypes[cast]
	if !permitted(c, append(t.r, t.w...)) {
		return core.InsufficientPrivileges()
	}
	spec := directorySpec(t.coll, t.typ)
	spec.Scope = deletedScope(t.coll)
	spec.Expand = nil
	return c.GetEntity(ctx, spec, id)
}

// castItem serves a deletedItems/{cast}/{item} route: the item must be of
// the cast's type.
func castItem(h core.HandlerFunc) core.HandlerFunc {
	return func(ctx context.Context, c *core.Call) error {
		cast, ok := deletedCast(c.Param("cast"))
		if !ok {
			return core.BadRequest("Resource not found for the segment '%s'.", c.Param("cast"))
		}
		err := c.Store().Read(ctx, func(tx *core.Tx) error {
			_, got, err := deletedItem(ctx, tx, c.Param("item"))
			if err == nil && got != cast {
				err = core.ResourceNotFound(c.Param("item"))
			}
			return err
		})
		if err != nil {
			return err
		}
		return h(ctx, c)
	}
}

// softDelete moves a user or group to deletedItems.
func softDelete(ctx context.Context, c *core.Call, tx *core.Tx, o *core.Object) error {
	o.Parent = core.DeletedParent
	o.Data["deletedDateTime"] = core.ISOTime(c.Now())
	return tx.Put(ctx, o)
}

// restoreDeleted serves POST directory/deletedItems/{id}/restore: the
// object comes back as it was, with its links; 200 with it.
func restoreDeleted(ctx context.Context, c *core.Call) error {
	args, err := c.DecodeAction(actionRestore)
	if err != nil {
		return err
	}
	newUPN := args.String("newUserPrincipalName")
	if newUPN != "" {
		local, domain, ok := strings.Cut(newUPN, "@")
		if !ok || local == "" || !strings.EqualFold(domain, c.Domain()) {
			return errDirectoryBadRequest("Property newUserPrincipalName is invalid: use NAME@%s.", c.Domain())
		}
	}
	var o *core.Object
	var cast string
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		var err error
		if o, cast, err = deletedItem(ctx, tx, c.Param("item")); err != nil {
			return err
		}
		if !permitted(c, deletedTypes[cast].w) {
			return core.InsufficientPrivileges()
		}
		if cast != "microsoft.graph.user" && newUPN != "" {
			return errDirectoryBadRequest("newUserPrincipalName applies to users only.")
		}
		if cast == "microsoft.graph.user" {
			// A user whose principal name was taken meanwhile comes back
			// under newUserPrincipalName, or not at all.
			upn := core.Str(o.Data, "userPrincipalName")
			if newUPN != "" {
				upn = newUPN
			}
			if u, err := core.LookupUser(ctx, tx, upn); err == nil && u.ID != o.ID {
				return errDirectoryBadRequest("Another object with the same value for property userPrincipalName already exists.")
			} else if err != nil && !core.IsNotFound(err) {
				return err
			}
			o.Data["userPrincipalName"] = upn
		}
		o.Parent = ""
		delete(o.Data, "deletedDateTime")
		if err := tx.Put(ctx, o); err != nil {
			return err
		}
		return touchGroupsOf(ctx, tx, o.ID)
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusOK, deletedTypes[cast].typ, o.Data)
}

// actionRestore is directoryObject's restore, as Graph's schema declares
// it; autoReconcileProxyConflict is accepted and has nothing to reconcile
// here.
var actionRestore = core.Action{Name: "restore", Code: "Request_BadRequest", Params: []core.ActionParam{
	{Name: "autoReconcileProxyConflict", Type: "Edm.Boolean"}, {Name: "newUserPrincipalName", Type: "Edm.String"}}}

// purgeDeleted serves DELETE directory/deletedItems/{id}: the object and
// its links are gone for good.
func purgeDeleted(ctx context.Context, c *core.Call) error {
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		o, cast, err := deletedItem(ctx, tx, c.Param("item"))
		if err != nil {
			return err
		}
		if !permitted(c, deletedTypes[cast].w) {
			return core.InsufficientPrivileges()
		}
		return purge(ctx, tx, deletedTypes[cast].coll, o)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

// purge deletes a user or group for good, with its links, password and
// photo. It is deleted from where delta tracks its collection, so that a
// round reports it "deleted".
func purge(ctx context.Context, tx *core.Tx, coll string, o *core.Object) error {
	kinds := []string{linkMemberOf, linkManager, linkDirectReprt}
	if coll == collGroups {
		kinds = []string{linkMember, linkOwner, linkMemberOf}
	}
	for _, kind := range kinds {
		links, err := tx.List(ctx, core.Scope{Collection: kind, Owner: o.ID}, false, 0, 0)
		if err != nil {
			return err
		}
		for _, l := range links {
			if err := removeLink(ctx, tx, kind, o.ID, l.ID); err != nil {
				return err
			}
		}
	}
	if coll == collUsers {
		if err := core.DeletePassword(ctx, tx, o.ID); err != nil {
			return err
		}
	}
	if err := core.DeletePhoto(ctx, tx, photoKey(o.ID)); err != nil {
		return err
	}
	if o.Parent != "" {
		o.Parent = ""
		if err := tx.Put(ctx, o); err != nil {
			return err
		}
	}
	return tx.Delete(ctx, coll, "", o.ID)
}

// touchGroupsOf marks the groups id (a user or group) is a member of as
// changed, so that groups delta reports their membership.
func touchGroupsOf(ctx context.Context, tx *core.Tx, id string) error {
	links, err := tx.List(ctx, core.Scope{Collection: linkMemberOf, Owner: id}, false, 0, 0)
	if err != nil {
		return err
	}
	for _, l := range links {
		if err := touchGroup(ctx, tx, l.ID); err != nil {
			return err
		}
	}
	return nil
}

// touchGroup stores a group again as it is, so that delta reports it: a
// change of its membership is a change of the group.
func touchGroup(ctx context.Context, tx *core.Tx, id string) error {
	g, err := getActive(ctx, tx, collGroups, id)
	if core.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return tx.Put(ctx, g)
}

// deletedRoutes are the routes of directory/deletedItems. Each route takes
// users' and groups' permissions; the handlers check the ones of the
// item's type.
func deletedRoutes() []core.Route {
	read := core.Route{Scopes: append(append([]string{}, readUsersScopes...), readGroupScopes...), Roles: append(append([]string{}, readUsersRoles...), readGroupRoles...)}
	write := core.Route{Scopes: append(append([]string{}, writeUsersScope...), "Group.ReadWrite.All"), Roles: append(append([]string{}, writeUsersRoles...), "Group.ReadWrite.All")}
	return []core.Route{
		read.On(http.MethodGet, "directory/deletedItems", func(context.Context, *core.Call) error { return errCastNeeded() }),
		read.On(http.MethodGet, "directory/deletedItems/{item}", listDeleted),
		read.On(http.MethodGet, "directory/deletedItems/{item}/$count", countDeleted),
		write.On(http.MethodPost, "directory/deletedItems/{item}/restore", restoreDeleted),
		write.On(http.MethodDelete, "directory/deletedItems/{item}", purgeDeleted),
		// The same through a type cast: .../microsoft.graph.user/{id}.
		read.On(http.MethodGet, "directory/deletedItems/{cast}/{item}", castItem(func(ctx context.Context, c *core.Call) error {
			return getDeleted(ctx, c, c.Param("item"))
		})),
		write.On(http.MethodPost, "directory/deletedItems/{cast}/{item}/restore", castItem(restoreDeleted)),
		write.On(http.MethodDelete, "directory/deletedItems/{cast}/{item}", castItem(purgeDeleted)),
	}
}
