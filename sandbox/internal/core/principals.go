package core

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/o365go/o365/sandbox/internal/identity"
)

// The tenant's principals: the users every {user} route resolves and the
// identity platform signs in, their passwords, and the registered apps. The
// directory area serves and seeds them; the core reads them.

// UsersCollection holds the tenant's users (owner ""): documents with at
// least userPrincipalName, mail and displayName.
const UsersCollection = "users"

// appsCollection holds app registrations, never served as Graph data.
const appsCollection = "sandbox.apps"

// User is the identity of a directory user, as routes need it.
type User struct {
	ID, UPN, Mail, DisplayName string
}

// userByLoginQuery finds a user id by UPN or mail, among the users that
// are not deleted (a deleted user's name may be taken by another). The
// literal collection name lets SQLite use the partial indexes users_by_upn
// and users_by_mail.
const userByLoginQuery = `SELECT id FROM objects WHERE collection = 'users' AND owner = '' AND
	lower(json_extract(data, '$.userPrincipalName')) = lower(?1) AND parent <> '` + DeletedParent + `'
	UNION ALL SELECT id FROM objects WHERE collection = 'users' AND owner = '' AND
	lower(json_extract(data, '$.mail')) = lower(?1) AND parent <> '` + DeletedParent + `' LIMIT 1`

// LookupUser finds a user by object id, UPN or mail (case-insensitive);
// the error wraps ErrNotFound. A deleted user (in directory/deletedItems)
// is not found: they cannot sign in or be addressed.
func LookupUser(ctx context.Context, tx *Tx, login string) (*User, error) {
	o, err := tx.Get(ctx, UsersCollection, "", login)
	if IsNotFound(err) {
		var id string
		qerr := tx.q.QueryRowContext(ctx, userByLoginQuery, login).Scan(&id)
		if errors.Is(qerr, sql.ErrNoRows) {
			return nil, err
		}
		if qerr != nil {
			return nil, fmt.Errorf("sandbox: look up user: %w", qerr)
		}
		o, err = tx.Get(ctx, UsersCollection, "", id)
	}
	if err == nil && o.Parent == DeletedParent {
		err = fmt.Errorf("user %q is deleted: %w", login, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return &User{ID: o.ID, UPN: Str(o.Data, "userPrincipalName"), Mail: Str(o.Data, "mail"), DisplayName: Str(o.Data, "displayName")}, nil
}

// Groups: the directory area serves and seeds them; the core reads them for
// areas whose data a group owns (a Microsoft 365 group's calendar,
// conversations or drive, through LookupGroup, InGroup and Call.AdmitGroup)
// or that read memberships (mail tips, permissions granted to a group).

// GroupsCollection holds the tenant's groups (owner ""): documents with at
// least displayName, mail, mailEnabled, securityEnabled and groupTypes.
const GroupsCollection = "groups"

// Group memberships are stored one object per edge. GroupMembersCollection:
// the owner is the group, the id the member (a user or a group);
// MemberOfCollection holds the same edges the other way round (owner the
// member, id the group); whoever writes one writes the other.
// GroupOwnersCollection: the owner is the group, the id the owning user.
const (
	GroupMembersCollection = "links.member"
	MemberOfCollection     = "links.memberOf"
	GroupOwnersCollection  = "links.owner"
)

// Group is the identity of a directory group, as areas need it.
type Group struct {
	ID, Mail, DisplayName string
	// Unified marks a Microsoft 365 group (groupTypes "Unified"): only
	// those have a mailbox, a calendar and conversations.
	Unified bool
	// Public is true when visibility is "Public": everyone in the tenant
	// may read the group's content, not only its members.
	Public bool
}

// DeletedParent is the Object.Parent of a deleted directory object (a
// user or group in directory/deletedItems, restorable for 30 days): it
// keeps its collection and id, so that delta reports it removed with reason
// "changed" and a restore brings it back as it was. Lookups of principals
// do not find it.
const DeletedParent = "deletedItems"

// LookupGroup finds a group by object id or mail address (case-insensitive);
// the error wraps ErrNotFound. A deleted group is not found.
func LookupGroup(ctx context.Context, tx *Tx, idOrMail string) (*Group, error) {
	o, err := tx.Get(ctx, GroupsCollection, "", idOrMail)
	if IsNotFound(err) && strings.Contains(idOrMail, "@") {
		var id string
		qerr := tx.q.QueryRowContext(ctx, `SELECT id FROM objects WHERE collection = 'groups' AND owner = '' AND
			lower(json_extract(data, '$.mail')) = lower(?1) AND parent <> '`+DeletedParent+`' LIMIT 1`, idOrMail).Scan(&id)
		if errors.Is(qerr, sql.ErrNoRows) {
			return nil, err
		}
		if qerr != nil {
			return nil, fmt.Errorf("sandbox: look up group: %w", qerr)
		}
		o, err = tx.Get(ctx, GroupsCollection, "", id)
	}
	if err == nil && o.Parent == DeletedParent {
		err = fmt.Errorf("group %q is deleted: %w", idOrMail, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	g := &Group{ID: o.ID, Mail: Str(o.Data, "mail"), DisplayName: Str(o.Data, "displayName"),
		Public: strings.EqualFold(Str(o.Data, "visibility"), "Public")}
	types, _ := o.Data["groupTypes"].([]any)
	for _, t := range types {
		if s, _ := t.(string); strings.EqualFold(s, "Unified") {
			g.Unified = true
		}
	}
	return g, nil
}

// Member is a member of a group: a user or a group.
type Member struct {
	ID    string
	Group bool
}

// GroupMembers lists the members of a group in membership order; with
// transitive, the members of its nested groups too (each once, the nested
// groups themselves included, as Graph's transitiveMembers lists them).
func GroupMembers(ctx context.Context, tx *Tx, groupID string, transitive bool) ([]Member, error) {
	return walkMemberships(ctx, tx, GroupMembersCollection, groupID, transitive)
}

// GroupsOf lists the ids of the groups a user or group belongs to; with
// transitive, through nested groups too, each once.
func GroupsOf(ctx context.Context, tx *Tx, id string, transitive bool) ([]string, error) {
	groups, err := walkMemberships(ctx, tx, MemberOfCollection, id, transitive)
	ids := make([]string, len(groups))
	for i, g := range groups {
		ids[i] = g.ID
	}
	return ids, err
}

// walkMemberships follows membership edges of coll from start, breadth
// first; only groups are followed further, and only when transitive.
func walkMemberships(ctx context.Context, tx *Tx, coll, start string, transitive bool) ([]Member, error) {
	var out []Member
	seen := map[string]bool{start: true}
	queue := []string{start}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		links, err := tx.List(ctx, Scope{Collection: coll, Owner: cur}, false, 0, 0)
		if err != nil {
			return nil, err
		}
		for _, l := range links {
			if seen[l.ID] {
				continue
			}
			seen[l.ID] = true
			_, err := tx.Get(ctx, GroupsCollection, "", l.ID)
			isGroup := err == nil
			if err != nil && !IsNotFound(err) {
				return nil, err
			}
			out = append(out, Member{ID: l.ID, Group: isGroup})
			if isGroup && transitive {
				queue = append(queue, l.ID)
			}
		}
		if !transitive {
			break
		}
	}
	return out, nil
}

func passwordKey(userID string) string { return "sandbox:password:" + userID }

// SetPassword sets the password a user signs in with (ROPC and the sign-in
// page).
func SetPassword(ctx context.Context, tx *Tx, userID, password string) error {
	return tx.KVPut(ctx, passwordKey(userID), []byte(password), time.Time{})
}

// DeletePassword removes a user's password, so the user cannot sign in.
func DeletePassword(ctx context.Context, tx *Tx, userID string) error {
	return tx.KVDelete(ctx, passwordKey(userID))
}

// App is an application registration: who may sign in to the identity
// endpoints and with which permissions.
type App = identity.App

// PutApp adds or replaces an application registration.
func PutApp(ctx context.Context, tx *Tx, a App) error {
	doc, err := ToDoc(a)
	if err != nil {
		return err
	}
	return tx.Put(ctx, &Object{Collection: appsCollection, ID: a.ClientID, Data: doc})
}

// idpDirectory lets the identity provider see the tenant's users and apps.
type idpDirectory struct{ st *Store }

func (d idpDirectory) UserByLogin(ctx context.Context, login string) (identity.User, error) {
	var u identity.User
	err := d.st.Read(ctx, func(tx *Tx) error {
		du, err := LookupUser(ctx, tx, login)
		if err != nil {
			return err
		}
		o, err := tx.Get(ctx, UsersCollection, "", du.ID)
		if err != nil {
			return err
		}
		pw, _, err := tx.KVGet(ctx, passwordKey(du.ID))
		enabled, set := o.Data["accountEnabled"].(bool)
		u = identity.User{ID: du.ID, UserPrincipalName: du.UPN, DisplayName: du.DisplayName, Mail: du.Mail, Password: string(pw),
			Disabled: set && !enabled}
		return err
	})
	if IsNotFound(err) {
		return u, fmt.Errorf("user %q: %w", login, identity.ErrNotFound)
	}
	return u, err
}

func (d idpDirectory) App(ctx context.Context, clientID string) (identity.App, error) {
	var a identity.App
	err := d.st.Read(ctx, func(tx *Tx) error {
		o, err := tx.Get(ctx, appsCollection, "", clientID)
		if err != nil {
			return err
		}
		return FromDoc(o.Data, &a)
	})
	if IsNotFound(err) {
		return a, fmt.Errorf("app %q: %w", clientID, identity.ErrNotFound)
	}
	return a, err
}

// idpKV gives the identity provider its own key space in the store.
type idpKV struct{ st *Store }

const idpKVPrefix = "idp:"

func (k idpKV) Get(ctx context.Context, key string) (val []byte, ok bool, err error) {
	err = k.st.Read(ctx, func(tx *Tx) error {
		val, ok, err = tx.KVGet(ctx, idpKVPrefix+key)
		return err
	})
	return val, ok, err
}

func (k idpKV) Put(ctx context.Context, key string, val []byte, expires time.Time) error {
	return k.st.Write(ctx, func(tx *Tx) error { return tx.KVPut(ctx, idpKVPrefix+key, val, expires) })
}

func (k idpKV) Delete(ctx context.Context, key string) error {
	return k.st.Write(ctx, func(tx *Tx) error { return tx.KVDelete(ctx, idpKVPrefix+key) })
}

// GroupRole reports whether userID owns, or is a member of, group groupID.
func GroupRole(ctx context.Context, tx *Tx, groupID, userID string) (owner, member bool, err error) {
	if _, err := tx.Get(ctx, GroupOwnersCollection, groupID, userID); err == nil {
		owner = true
	} else if !IsNotFound(err) {
		return false, false, err
	}
	if _, err := tx.Get(ctx, GroupMembersCollection, groupID, userID); err == nil {
		member = true
	} else if !IsNotFound(err) {
		return false, false, err
	}
	return owner, member, nil
}

// ActorIdentity is Graph's identitySet naming the caller of claims, as
// createdBy and lastModifiedBy hold it: {"user":{"id","displayName"}}
// for a signed-in user, {"application":{"id","displayName"}} for an app.
func ActorIdentity(ctx context.Context, tx *Tx, claims *Claims) map[string]any {
	if claims == nil {
		return map[string]any{}
	}
	if claims.AppOnly {
		app := map[string]any{"id": claims.AppID}
		if o, err := tx.Get(ctx, appsCollection, "", claims.AppID); err == nil {
			app["displayName"] = Str(o.Data, "DisplayName") // stored as identity.App encodes
		}
		return map[string]any{"application": app}
	}
	user := map[string]any{"id": claims.ObjectID}
	if u, err := LookupUser(ctx, tx, claims.ObjectID); err == nil {
		user["displayName"] = u.DisplayName
	}
	return map[string]any{"user": user}
}

// InGroup reports whether a user is a direct member or an owner of a
// group.
func InGroup(ctx context.Context, tx *Tx, groupID, userID string) (bool, error) {
	owner, member, err := GroupRole(ctx, tx, groupID, userID)
	return owner || member, err
}

// AdmitGroup resolves the group a groups/{id}/... route addresses and
// checks that the caller may use its content as Exchange decides: an
// application (whose roles the route checked) always; a signed-in user when
// a member or owner, or, to read, when the group is public. An unknown
// group is 404 Request_ResourceNotFound, a refused user 403
// ErrorAccessDenied.
func (c *Call) AdmitGroup(ctx context.Context, id string, write bool) (*Group, error) {
	var g *Group
	member := false
	err := c.Store().Read(ctx, func(tx *Tx) error {
		var err error
		if g, err = LookupGroup(ctx, tx, id); err != nil {
			return err
		}
		if c.Claims == nil || c.Claims.AppOnly {
			member = true
			return nil
		}
		member, err = InGroup(ctx, tx, g.ID, c.Claims.ObjectID)
		return err
	})
	if IsNotFound(err) {
		return nil, ResourceNotFound(id)
	}
	if err != nil {
		return nil, err
	}
	if !member && (write || !g.Public) {
		return nil, AccessDenied()
	}
	return g, nil
}
