package directory

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/o365go/o365/sandbox/internal/core"
)

// Directory writes: creating and deleting users and groups, and group
// membership through $ref, so clients can test delta and memberships.

var (
	writeGroupScopes  = []string{"Group.ReadWrite.All", "Directory.ReadWrite.All"}
	writeMemberScopes = []string{"GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"}
)

func directoryWriteRoutes() []core.Route {
	return []core.Route{
		{Method: http.MethodPost, Pattern: "users", Scopes: writeUsersScope, Roles: writeUsersRoles, Handle: createUser},
		{Method: http.MethodDelete, Pattern: "users/{id}", Scopes: writeUsersScope, Roles: writeUsersRoles, Handle: deleteUser},
		{Method: http.MethodPost, Pattern: "groups", Scopes: append([]string{"Group.Create"}, writeGroupScopes...), Roles: append([]string{"Group.Create"}, writeGroupScopes...), Handle: createGroup},
		{Method: http.MethodDelete, Pattern: "groups/{id}", Scopes: writeGroupScopes, Roles: writeGroupScopes, Handle: deleteGroup},
		{Method: http.MethodPost, Pattern: "groups/{id}/members/$ref", Scopes: writeMemberScopes, Roles: writeMemberScopes, Handle: addGroupLink(linkMember)},
		{Method: http.MethodDelete, Pattern: "groups/{id}/members/{member}/$ref", Scopes: writeMemberScopes, Roles: writeMemberScopes, Handle: removeGroupLink(linkMember)},
		{Method: http.MethodDelete, Pattern: "groups/{id}/members/$ref", Scopes: writeMemberScopes, Roles: writeMemberScopes, Handle: removeGroupLink(linkMember)},
		{Method: http.MethodPost, Pattern: "groups/{id}/owners/$ref", Scopes: writeGroupScopes, Roles: writeGroupScopes, Handle: addGroupLink(linkOwner)},
		{Method: http.MethodDelete, Pattern: "groups/{id}/owners/$ref", Scopes: writeGroupScopes, Roles: writeGroupScopes, Handle: removeGroupLink(linkOwner)},
		{Method: http.MethodDelete, Pattern: "groups/{id}/owners/{member}/$ref", Scopes: writeGroupScopes, Roles: writeGroupScopes, Handle: removeGroupLink(linkOwner)},
	}
}

func errDirectoryBadRequest(format string, args ...any) *core.Error {
	return core.Errorf(http.StatusBadRequest, "Request_BadRequest", format, args...)
}

// userCreateRequired are the properties POST /users must have.
var userCreateRequired = []string{"accountEnabled", "displayName", "mailNickname", "userPrincipalName", "passwordProfile"}

func createUser(ctx context.Context, c *core.Call) error {
	var body map[string]any
	if err := c.Decode(&body); err != nil {
		return err
	}
	for _, k := range userCreateRequired {
		if _, ok := body[k]; !ok {
			return errDirectoryBadRequest("Property '%s' is required when creating the user.", k)
		}
	}
	upn, _ := body["userPrincipalName"].(string)
	local, domain, ok := strings.Cut(upn, "@")
	if !ok || local == "" || !strings.EqualFold(domain, c.Domain()) {
		return errDirectoryBadRequest("Property userPrincipalName is invalid: use NAME@%s.", c.Domain())
	}
	pp, _ := body["passwordProfile"].(map[string]any)
	password, _ := pp["password"].(string)
	if password == "" {
		return errDirectoryBadRequest("Property passwordProfile.password is required.")
	}
	id := uuid.NewString()
	doc := newUser(id, upn, c.Domain(), c.Now())
	core.PatchDocument(doc, body, "passwordProfile", "createdDateTime", "securityIdentifier")
	if mail := core.Str(doc, "mail"); mail != "" && !strings.EqualFold(mail, upn) {
		doc["proxyAddresses"] = []any{"SMTP:" + mail}
	}
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		if _, err := core.LookupUser(ctx, tx, upn); err == nil {
			return errDirectoryBadRequest("Another object with the same value for property userPrincipalName already exists.")
		} else if !core.IsNotFound(err) {
			return err
		}
		if err := tx.Put(ctx, &core.Object{Collection: collUsers, ID: id, Data: doc}); err != nil {
			return err
		}
		return core.SetPassword(ctx, tx, id, password)
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusCreated, typeUser, doc)
}

// deleteUser moves a user to directory/deletedItems (see lifecycle.go):
// they can no longer sign in; a restore brings them back with their links.
func deleteUser(ctx context.Context, c *core.Call) error {
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		u, err := core.LookupUser(ctx, tx, c.Param("id"))
		if core.IsNotFound(err) {
			return core.ResourceNotFound(c.Param("id"))
		}
		if err != nil {
			return err
		}
		o, err := getActive(ctx, tx, collUsers, u.ID)
		if err != nil {
			return err
		}
		if err := softDelete(ctx, c, tx, o); err != nil {
			return err
		}
		return touchGroupsOf(ctx, tx, u.ID)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

func createGroup(ctx context.Context, c *core.Call) error {
	var body map[string]any
	if err := c.Decode(&body); err != nil {
		return err
	}
	for _, k := range []string{"displayName", "mailEnabled", "mailNickname", "securityEnabled"} {
		if _, ok := body[k]; !ok {
			return errDirectoryBadRequest("Property '%s' is required when creating the group.", k)
		}
	}
	var refs [2][]string
	for i, bind := range []string{"members@odata.bind", "owners@odata.bind"} {
		list, _ := body[bind].([]any)
		for _, v := range list {
			s, _ := v.(string)
			id, err := refID(s)
			if err != nil {
				return err
			}
			refs[i] = append(refs[i], id)
		}
		delete(body, bind)
	}
	id := uuid.NewString()
	doc := newGroupDoc(id, body, c.Domain(), c.Now())
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		// A mail-enabled group's address is its own: no other group or
		// user has it.
		if mail := core.Str(doc, "mail"); mail != "" {
			_, gerr := core.LookupGroup(ctx, tx, mail)
			_, uerr := core.LookupUser(ctx, tx, mail)
			for _, err := range []error{gerr, uerr} {
				if err == nil {
					return errDirectoryBadRequest("Another object with the same value for property proxyAddresses already exists.")
				}
				if !core.IsNotFound(err) {
					return err
				}
			}
		}
		if err := tx.Put(ctx, &core.Object{Collection: collGroups, ID: id, Data: doc}); err != nil {
			return err
		}
		for i, kind := range []string{linkMember, linkOwner} {
			for _, uid := range refs[i] {
				if err := addUserLink(ctx, tx, kind, id, uid); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusCreated, typeGroup, doc)
}

// deleteGroup deletes a group: a Microsoft 365 group into
// directory/deletedItems (restorable with its members and owners), a
// security group for good, as Entra ID does.
func deleteGroup(ctx context.Context, c *core.Call) error {
	gid := c.Param("id")
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		g, err := getActive(ctx, tx, collGroups, gid)
		if core.IsNotFound(err) {
			return core.ResourceNotFound(gid)
		}
		if err != nil {
			return err
		}
		if types, _ := g.Data["groupTypes"].([]any); slices.ContainsFunc(types, func(t any) bool { s, _ := t.(string); return strings.EqualFold(s, "Unified") }) {
			return softDelete(ctx, c, tx, g)
		}
		return purge(ctx, tx, collGroups, g)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

// refID takes the object id out of a directoryObject reference such as
// https://graph.microsoft.com/v1.0/directoryObjects/{id} or .../users('{id}').
func refID(ref string) (string, error) {
	u, err := url.Parse(ref)
	if err != nil || ref == "" {
		return "", errDirectoryBadRequest("Invalid object reference %q; use https://graph.microsoft.com/v1.0/directoryObjects/{id}.", ref)
	}
	segs, err := core.SplitPath(strings.TrimPrefix(u.EscapedPath(), "/"))
	if err != nil || len(segs) < 2 {
		return "", errDirectoryBadRequest("Invalid object reference %q; use https://graph.microsoft.com/v1.0/directoryObjects/{id}.", ref)
	}
	return segs[len(segs)-1], nil
}

// addUserLink links a group to an existing user or, for members, to a
// group (nested groups; a membership that would loop is refused).
func addUserLink(ctx context.Context, tx *core.Tx, kind, gid, uid string) error {
	target := ""
	u, err := core.LookupUser(ctx, tx, uid)
	switch {
	case err == nil:
		target = u.ID
	case !core.IsNotFound(err):
		return err
	case kind == linkMember:
		g, gerr := core.LookupGroup(ctx, tx, uid)
		if core.IsNotFound(gerr) {
			return core.ResourceNotFound(uid)
		}
		if gerr != nil {
			return gerr
		}
		if g.ID == gid {
			return errDirectoryBadRequest("A group cannot be a member of itself.")
		}
		inside, err := core.GroupMembers(ctx, tx, g.ID, true)
		if err != nil {
			return err
		}
		for _, m := range inside {
			if m.ID == gid {
				return errDirectoryBadRequest("Adding the group would make a circular membership, which is not supported.")
			}
		}
		target = g.ID
	default:
		return core.ResourceNotFound(uid)
	}
	if _, err := tx.Get(ctx, kind, gid, target); err == nil {
		return errDirectoryBadRequest("One or more added object references already exist for the following modified properties: '%s'.", strings.TrimPrefix(kind, "links."))
	}
	return addLink(ctx, tx, kind, gid, target)
}

func addGroupLink(kind string) func(context.Context, *core.Call) error {
	return func(ctx context.Context, c *core.Call) error {
		var body map[string]any
		if err := c.Decode(&body); err != nil {
			return err
		}
		ref, _ := body["@odata.id"].(string)
		uid, err := refID(ref)
		if err != nil {
			return err
		}
		err = c.Store().Write(ctx, func(tx *core.Tx) error {
			if _, err := getActive(ctx, tx, collGroups, c.Param("id")); core.IsNotFound(err) {
				return core.ResourceNotFound(c.Param("id"))
			} else if err != nil {
				return err
			}
			return addUserLink(ctx, tx, kind, c.Param("id"), uid)
		})
		if err != nil {
			return err
		}
		return c.NoContent()
	}
}

// removeGroupLink removes a member or owner named in the path
// (members/{member}/$ref) or, on the collection's $ref, by the reference
// in the query: members/$ref?$id={url} as OData writes it, or ?@id={url}
// as msgraph-sdk-go's Members().Ref().Delete (Graph's OpenAPI) sends it.
func removeGroupLink(kind string) func(context.Context, *core.Call) error {
	return func(ctx context.Context, c *core.Call) error {
		member := c.Param("member")
		if member == "" {
			q := c.R.URL.Query()
			ref := q.Get("$id")
			if ref == "" {
				ref = q.Get("@id")
			}
			var err error
			if member, err = refID(ref); err != nil {
				return err
			}
		}
		err := c.Store().Write(ctx, func(tx *core.Tx) error {
			err := removeLink(ctx, tx, kind, c.Param("id"), member)
			if core.IsNotFound(err) {
				return core.ResourceNotFound(member)
			}
			return err
		})
		if err != nil {
			return err
		}
		return c.NoContent()
	}
}
