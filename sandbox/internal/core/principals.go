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

// userByLoginQuery finds a user id by UPN or mail. The literal collection
// name lets SQLite use the partial indexes users_by_upn and users_by_mail.
const userByLoginQuery = `SELECT id FROM objects WHERE collection = 'users' AND owner = '' AND
	lower(json_extract(data, '$.userPrincipalName')) = lower(?1)
	UNION ALL SELECT id FROM objects WHERE collection = 'users' AND owner = '' AND
	lower(json_extract(data, '$.mail')) = lower(?1) LIMIT 1`

// LookupUser finds a user by object id, UPN or mail (case-insensitive);
// the error wraps ErrNotFound.
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
	if err != nil {
		return nil, err
	}
	return &User{ID: o.ID, UPN: Str(o.Data, "userPrincipalName"), Mail: Str(o.Data, "mail"), DisplayName: Str(o.Data, "displayName")}, nil
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

// The tenant's groups, which the directory area serves and seeds: areas
// that hold a group's data (its conversations, calendar, drive) read them
// through LookupGroup, InGroup and Call.AdmitGroup.
const (
	// GroupsCollection holds the groups (owner ""): documents with at least
	// displayName, mail, groupTypes and visibility.
	GroupsCollection = "groups"
	// GroupMembersCollection holds one object per membership: owner the
	// group's id, id the member's.
	GroupMembersCollection = "links.member"
	// GroupOwnersCollection holds one object per ownership, the same way.
	GroupOwnersCollection = "links.owner"
)

// Group is the identity of a directory group, as routes need it.
type Group struct {
	ID, DisplayName, Mail string
	// Unified is true for a Microsoft 365 group (groupTypes has "Unified"):
	// only those have a mailbox, a calendar and conversations.
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

// LookupGroup finds a group by object id; the error wraps ErrNotFound.
// A deleted group is not found.
func LookupGroup(ctx context.Context, tx *Tx, id string) (*Group, error) {
	o, err := tx.Get(ctx, GroupsCollection, "", id)
	if err != nil {
		return nil, err
	}
	if o.Parent == DeletedParent {
		return nil, fmt.Errorf("group %q is deleted: %w", id, ErrNotFound)
	}
	g := &Group{ID: o.ID, DisplayName: Str(o.Data, "displayName"), Mail: Str(o.Data, "mail"),
		Public: strings.EqualFold(Str(o.Data, "visibility"), "Public")}
	types, _ := o.Data["groupTypes"].([]any)
	for _, t := range types {
		if s, _ := t.(string); strings.EqualFold(s, "Unified") {
			g.Unified = true
		}
	}
	return g, nil
}

// InGroup reports whether a user is a direct member or an owner of a
// group.
func InGroup(ctx context.Context, tx *Tx, groupID, userID string) (bool, error) {
	for _, coll := range []string{GroupMembersCollection, GroupOwnersCollection} {
		_, err := tx.Get(ctx, coll, groupID, userID)
		if err == nil {
			return true, nil
		}
		if !IsNotFound(err) {
			return false, err
		}
	}
	return false, nil
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
