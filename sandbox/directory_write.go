package sandbox

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Directory writes: creating and deleting users and groups, and group
// membership through $ref, so clients can test delta and memberships.

var (
	writeGroupScopes  = []string{"Group.ReadWrite.All", "Directory.ReadWrite.All"}
	writeMemberScopes = []string{"GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"}
)

func init() {
	registerArea(area{
		Name: "directory-write",
		Routes: []route{
			{Method: http.MethodPost, Pattern: "users", Scopes: writeUsersScope, Roles: writeUsersRoles, Handle: createUser},
			{Method: http.MethodDelete, Pattern: "users/{id}", Scopes: writeUsersScope, Roles: writeUsersRoles, Handle: deleteUser},
			{Method: http.MethodPost, Pattern: "groups", Scopes: append([]string{"Group.Create"}, writeGroupScopes...), Roles: append([]string{"Group.Create"}, writeGroupScopes...), Handle: createGroup},
			{Method: http.MethodDelete, Pattern: "groups/{id}", Scopes: writeGroupScopes, Roles: writeGroupScopes, Handle: deleteGroup},
			{Method: http.MethodPost, Pattern: "groups/{id}/members/$ref", Scopes: writeMemberScopes, Roles: writeMemberScopes, Handle: addGroupLink(linkMember)},
			{Method: http.MethodDelete, Pattern: "groups/{id}/members/{member}/$ref", Scopes: writeMemberScopes, Roles: writeMemberScopes, Handle: removeGroupLink(linkMember)},
			{Method: http.MethodPost, Pattern: "groups/{id}/owners/$ref", Scopes: writeGroupScopes, Roles: writeGroupScopes, Handle: addGroupLink(linkOwner)},
			{Method: http.MethodDelete, Pattern: "groups/{id}/owners/{member}/$ref", Scopes: writeGroupScopes, Roles: writeGroupScopes, Handle: removeGroupLink(linkOwner)},
		},
	})
}

func errDirectoryBadRequest(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "Request_BadRequest", format, args...)
}

// userCreateRequired are the properties POST /users must have.
var userCreateRequired = []string{"accountEnabled", "displayName", "mailNickname", "userPrincipalName", "passwordProfile"}

func createUser(ctx context.Context, c *call) error {
	var body map[string]any
	if err := c.decode(&body); err != nil {
		return err
	}
	for _, k := range userCreateRequired {
		if _, ok := body[k]; !ok {
			return errDirectoryBadRequest("Property '%s' is required when creating the user.", k)
		}
	}
	upn, _ := body["userPrincipalName"].(string)
	local, domain, ok := strings.Cut(upn, "@")
	if !ok || local == "" || !strings.EqualFold(domain, c.s.domain) {
		return errDirectoryBadRequest("Property userPrincipalName is invalid: use NAME@%s.", c.s.domain)
	}
	pp, _ := body["passwordProfile"].(map[string]any)
	password, _ := pp["password"].(string)
	if password == "" {
		return errDirectoryBadRequest("Property passwordProfile.password is required.")
	}
	doc := map[string]any{"businessPhones": []any{}, "mail": upn, "userType": "Member", "preferredLanguage": "en-US"}
	patchDocument(doc, body, "passwordProfile")
	id := uuid.NewString()
	doc["createdDateTime"] = c.s.now().UTC().Format(time.RFC3339)
	err := c.s.st.write(ctx, func(tx *txn) error {
		if _, err := lookupUser(ctx, tx, upn); err == nil {
			return errDirectoryBadRequest("Another object with the same value for property userPrincipalName already exists.")
		} else if !isNotFound(err) {
			return err
		}
		if err := tx.put(ctx, &object{Collection: collUsers, ID: id, Data: doc}); err != nil {
			return err
		}
		return tx.kvPut(ctx, passwordKey(id), []byte(password), time.Time{})
	})
	if err != nil {
		return err
	}
	return c.entity(http.StatusCreated, doc)
}

func deleteUser(ctx context.Context, c *call) error {
	err := c.s.st.write(ctx, func(tx *txn) error {
		u, err := lookupUser(ctx, tx, c.param("id"))
		if isNotFound(err) {
			return errResourceNotFound(c.param("id"))
		}
		if err != nil {
			return err
		}
		for _, kind := range []string{linkMemberOf, linkManager, linkDirectReprt} {
			links, err := tx.list(ctx, scope{Collection: kind, Owner: u.ID}, false, 0, 0)
			if err != nil {
				return err
			}
			for _, l := range links {
				if err := removeLink(ctx, tx, kind, u.ID, l.ID); err != nil {
					return err
				}
			}
		}
		if err := tx.kvDelete(ctx, passwordKey(u.ID)); err != nil {
			return err
		}
		return tx.delete(ctx, collUsers, "", u.ID)
	})
	if err != nil {
		return err
	}
	return c.noContent()
}

func createGroup(ctx context.Context, c *call) error {
	var body map[string]any
	if err := c.decode(&body); err != nil {
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
	doc := map[string]any{"groupTypes": []any{}, "visibility": nil, "description": nil}
	patchDocument(doc, body)
	if nick, _ := doc["mailNickname"].(string); nick != "" && doc["mailEnabled"] == true {
		doc["mail"] = nick + "@" + c.s.domain
	}
	doc["createdDateTime"] = c.s.now().UTC().Format(time.RFC3339)
	id := uuid.NewString()
	err := c.s.st.write(ctx, func(tx *txn) error {
		if err := tx.put(ctx, &object{Collection: collGroups, ID: id, Data: doc}); err != nil {
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
	return c.entity(http.StatusCreated, doc)
}

func deleteGroup(ctx context.Context, c *call) error {
	gid := c.param("id")
	err := c.s.st.write(ctx, func(tx *txn) error {
		if err := tx.delete(ctx, collGroups, "", gid); isNotFound(err) {
			return errResourceNotFound(gid)
		} else if err != nil {
			return err
		}
		for _, kind := range []string{linkMember, linkOwner} {
			links, err := tx.list(ctx, scope{Collection: kind, Owner: gid}, false, 0, 0)
			if err != nil {
				return err
			}
			for _, l := range links {
				if err := removeLink(ctx, tx, kind, gid, l.ID); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.noContent()
}

// refID takes the object id out of a directoryObject reference such as
// https://graph.microsoft.com/v1.0/directoryObjects/{id} or .../users('{id}').
func refID(ref string) (string, error) {
	u, err := url.Parse(ref)
	if err != nil || ref == "" {
		return "", errDirectoryBadRequest("Invalid object reference %q; use https://graph.microsoft.com/v1.0/directoryObjects/{id}.", ref)
	}
	segs, err := splitPath(strings.TrimPrefix(u.EscapedPath(), "/"))
	if err != nil || len(segs) < 2 {
		return "", errDirectoryBadRequest("Invalid object reference %q; use https://graph.microsoft.com/v1.0/directoryObjects/{id}.", ref)
	}
	return segs[len(segs)-1], nil
}

// addUserLink links a group to an existing user.
func addUserLink(ctx context.Context, tx *txn, kind, gid, uid string) error {
	u, err := lookupUser(ctx, tx, uid)
	if isNotFound(err) {
		return errResourceNotFound(uid)
	}
	if err != nil {
		return err
	}
	if _, err := tx.get(ctx, kind, gid, u.ID); err == nil {
		return errDirectoryBadRequest("One or more added object references already exist for the following modified properties: '%s'.", strings.TrimPrefix(kind, "links."))
	}
	return addLink(ctx, tx, kind, gid, u.ID)
}

func addGroupLink(kind string) func(context.Context, *call) error {
	return func(ctx context.Context, c *call) error {
		var body map[string]any
		if err := c.decode(&body); err != nil {
			return err
		}
		ref, _ := body["@odata.id"].(string)
		uid, err := refID(ref)
		if err != nil {
			return err
		}
		err = c.s.st.write(ctx, func(tx *txn) error {
			if _, err := tx.get(ctx, collGroups, "", c.param("id")); isNotFound(err) {
				return errResourceNotFound(c.param("id"))
			} else if err != nil {
				return err
			}
			return addUserLink(ctx, tx, kind, c.param("id"), uid)
		})
		if err != nil {
			return err
		}
		return c.noContent()
	}
}

func removeGroupLink(kind string) func(context.Context, *call) error {
	return func(ctx context.Context, c *call) error {
		err := c.s.st.write(ctx, func(tx *txn) error {
			err := removeLink(ctx, tx, kind, c.param("id"), c.param("member"))
			if isNotFound(err) {
				return errResourceNotFound(c.param("member"))
			}
			return err
		})
		if err != nil {
			return err
		}
		return c.noContent()
	}
}
