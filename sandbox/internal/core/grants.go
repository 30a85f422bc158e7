package core

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// Mailbox permissions between users, as Exchange keeps them. The .Shared
// scopes only let an app act on mailboxes its signed-in user may reach;
// which mailboxes those are, the mailboxes' owners decide:
//
//   - full access to a mailbox opens all of it (a shared mailbox's members
//     have it), but does not let one send from it;
//   - send as and send on behalf let one send from it: "From" is the
//     mailbox, "Sender" the mailbox itself (send as) or the grantee (on
//     behalf);
//   - a folder permission opens one folder, with one of Exchange's roles
//     (reviewer reads, author adds and changes its own items, editor
//     changes all ...);
//   - a delegate is a user with folder permissions and send on behalf, to
//     whom meeting requests also go.
//
// Application tokens are not subject to grants: their roles reach every
// mailbox. Grants are stored in the core, so that every area of a mailbox
// (mail, calendar, contacts, To Do) reads the same ones; an area with its
// own sharing roles (calendar) maps them to FolderRights.

// MailboxRight is a permission on a whole mailbox.
type MailboxRight string

// The mailbox-wide rights.
const (
	// FullAccess opens the whole mailbox, read and write, but not sending.
	FullAccess MailboxRight = "fullAccess"
	// SendAs sends from the mailbox as the mailbox.
	SendAs MailboxRight = "sendAs"
	// SendOnBehalf sends from the mailbox on its behalf: the grantee is the
	// message's sender.
	SendOnBehalf MailboxRight = "sendOnBehalf"
	// Delegate marks the grantee as the mailbox's delegate (Outlook's
	// delegate access): meeting requests go to them too. The delegate's
	// folder permissions and send on behalf are grants of their own.
	Delegate MailboxRight = "delegate"
)

// FolderRights are what a folder permission allows, Exchange's flags.
type FolderRights uint

// The folder rights.
const (
	ReadItems FolderRights = 1 << iota
	CreateItems
	EditOwnedItems
	EditAllItems
	DeleteOwnedItems
	DeleteAllItems
	CreateSubfolders
	FolderOwner
	FolderContact
	FolderVisible
	// FreeBusy rights are a calendar's: times only, or with subjects and
	// locations.
	FreeBusySimple
	FreeBusyDetailed

	// AllFolderRights is the owner's.
	AllFolderRights FolderRights = 1<<iota - 1
)

// folderRoles are Exchange's folder permission roles (Set-MailboxFolderPermission
// -AccessRights), by name.
var folderRoles = map[string]FolderRights{
	"none":              FolderVisible,
	"owner":             AllFolderRights,
	"publishingEditor":  ReadItems | CreateItems | EditOwnedItems | EditAllItems | DeleteOwnedItems | DeleteAllItems | CreateSubfolders | FolderVisible | FreeBusySimple | FreeBusyDetailed,
	"editor":            ReadItems | CreateItems | EditOwnedItems | EditAllItems | DeleteOwnedItems | DeleteAllItems | FolderVisible | FreeBusySimple | FreeBusyDetailed,
	"publishingAuthor":  ReadItems | CreateItems | EditOwnedItems | DeleteOwnedItems | CreateSubfolders | FolderVisible | FreeBusySimple | FreeBusyDetailed,
	"author":            ReadItems | CreateItems | EditOwnedItems | DeleteOwnedItems | FolderVisible | FreeBusySimple | FreeBusyDetailed,
	"nonEditingAuthor":  ReadItems | CreateItems | DeleteOwnedItems | FolderVisible | FreeBusySimple | FreeBusyDetailed,
	"reviewer":          ReadItems | FolderVisible | FreeBusySimple | FreeBusyDetailed,
	"contributor":       CreateItems | FolderVisible | FreeBusySimple,
	"availabilityOnly":  FreeBusySimple,
	"limitedDetails":    FreeBusySimple | FreeBusyDetailed,
	"folderVisibleOnly": FolderVisible,
}

// RoleRights returns the rights of one of Exchange's folder roles ("owner",
// "publishingEditor", "editor", "publishingAuthor", "author",
// "nonEditingAuthor", "reviewer", "contributor", "availabilityOnly",
// "limitedDetails", "none"), the name matched without regard to case.
func RoleRights(role string) (FolderRights, bool) {
	r, ok := LookupFold(folderRoles, role)
	return r, ok
}

// Grant is one permission the owner of a mailbox gave another user: a
// mailbox-wide Right, or a folder permission (Folder with Role or Rights).
type Grant struct {
	// Mailbox is the owner's user id.
	Mailbox string `json:"mailbox"`
	// Grantee is the user id of the user granted.
	Grantee string `json:"grantee"`
	// Right is a mailbox-wide right; empty for a folder permission.
	Right MailboxRight `json:"right,omitempty"`
	// Folder is the folder a folder permission opens: its id, or the name
	// of a well-known folder ("inbox", "calendar").
	Folder string `json:"folder,omitempty"`
	// Role names the permission, e.g. "reviewer" (see RoleRights); areas
	// with roles of their own (calendar's "read", "write") set Rights too.
	Role string `json:"role,omitempty"`
	// Rights are what the folder permission allows; zero takes Role's.
	Rights FolderRights `json:"rights,omitempty"`
}

// collGrants stores grants, owner the mailbox's user.
const collGrants = "sandbox.grants"

func (g Grant) key() string {
	if g.Right != "" {
		return g.Grantee + "|" + string(g.Right)
	}
	return g.Grantee + "|folder|" + strings.ToLower(g.Folder)
}

// PutGrant records a grant, replacing one of the same grantee and right or
// folder. A folder permission needs a known Role or explicit Rights.
func PutGrant(ctx context.Context, tx *Tx, g Grant) error {
	if g.Mailbox == "" || g.Grantee == "" {
		return fmt.Errorf("sandbox: a grant needs a mailbox and a grantee")
	}
	switch {
	case g.Right != "" && g.Folder != "":
		return fmt.Errorf("sandbox: a grant is a mailbox right or a folder permission, not both")
	case g.Right != "":
		switch g.Right {
		case FullAccess, SendAs, SendOnBehalf, Delegate:
		default:
			return fmt.Errorf("sandbox: unknown mailbox right %q", g.Right)
		}
	case g.Folder == "":
		return fmt.Errorf("sandbox: a grant needs a right or a folder")
	case g.Rights == 0:
		r, ok := RoleRights(g.Role)
		if !ok {
			return fmt.Errorf("sandbox: unknown folder role %q; give Rights or one of Exchange's roles", g.Role)
		}
		g.Rights = r
	}
	doc, err := ToDoc(g)
	if err != nil {
		return err
	}
	return tx.Put(ctx, &Object{Collection: collGrants, Owner: g.Mailbox, ID: g.key(), Data: doc})
}

// DeleteGrant removes a grant; the error wraps ErrNotFound when there was
// none.
func DeleteGrant(ctx context.Context, tx *Tx, g Grant) error {
	return tx.Delete(ctx, collGrants, g.Mailbox, g.key())
}

// Grants lists the grants of a mailbox.
func Grants(ctx context.Context, tx *Tx, mailbox string) ([]Grant, error) {
	objs, err := tx.List(ctx, Scope{Collection: collGrants, Owner: mailbox}, false, 0, 0)
	if err != nil {
		return nil, err
	}
	out := make([]Grant, 0, len(objs))
	for _, o := range objs {
		var g Grant
		if err := FromDoc(o.Data, &g); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// Access is what the caller may do in the mailbox of the user a route
// addresses (Call.User).
type Access struct {
	// Owner is true for the mailbox's own user and for application tokens,
	// which may do everything the route's permissions allow.
	Owner bool
	// Grantee is the user the grants were looked up for (the signed-in
	// user); "" with Owner.
	Grantee string
	rights  map[MailboxRight]bool
	folders map[string]FolderRights // by folder id or lower-cased well-known name
}

// Has reports whether the caller holds a mailbox-wide right (the owner
// holds them all).
func (a *Access) Has(r MailboxRight) bool { return a.Owner || a.rights[r] }

// Any reports whether the caller may reach anything of the mailbox.
func (a *Access) Any() bool { return a.Owner || len(a.rights) > 0 || len(a.folders) > 0 }

// CanSend reports whether the caller may send from the mailbox, and whether
// only on its behalf.
func (a *Access) CanSend() (ok, onBehalf bool) {
	switch {
	case a.Has(SendAs):
		return true, false
	case a.rights[SendOnBehalf]:
		return true, true
	}
	return false, false
}

// Folder is what the caller may do in a folder (a stored folder of a
// core.Folders tree): everything for the owner and with full access,
// else the folder permission granted on its id or its well-known name.
func (a *Access) Folder(f *Object) FolderRights {
	if a.Owner || a.rights[FullAccess] {
		return AllFolderRights
	}
	r := a.folders[f.ID]
	if name, ok := f.Data["_wellKnown"].(string); ok {
		r |= a.folders[strings.ToLower(name)]
	}
	return r
}

// Can reports whether the caller holds every right of need on folder f.
func (a *Access) Can(f *Object, need FolderRights) bool { return a.Folder(f)&need == need }

// CanItem reports whether the caller may act on an item of folder f with
// the rights of need, where an item the caller created (own) also counts
// for the "owned" rights: EditAllItems is met by EditOwnedItems on one's
// own item, DeleteAllItems by DeleteOwnedItems.
func (a *Access) CanItem(f *Object, need FolderRights, own bool) bool {
	have := a.Folder(f)
	if own {
		if have&EditOwnedItems != 0 {
			have |= EditAllItems
		}
		if have&DeleteOwnedItems != 0 {
			have |= DeleteAllItems
		}
	}
	return have&need == need
}

// MailboxAccess is what the caller may do in c.User's mailbox. On routes
// with Route.Mailbox set the engine computed it before the handler, so it
// is free to call inside a store transaction; elsewhere it reads the
// grants (never call it inside a Write then).
func (c *Call) MailboxAccess(ctx context.Context) (*Access, error) {
	if c.access != nil {
		return c.access, nil
	}
	var a *Access
	err := c.s.st.Read(ctx, func(tx *Tx) error {
		var err error
		a, err = accessIn(ctx, tx, c.Claims, c.User)
		return err
	})
	if err == nil {
		c.access = a
	}
	return a, err
}

// accessIn reads the caller's access to u's mailbox.
func accessIn(ctx context.Context, tx *Tx, claims *Claims, u *User) (*Access, error) {
	if claims == nil || u == nil || claims.AppOnly || strings.EqualFold(claims.ObjectID, u.ID) {
		return &Access{Owner: true}, nil
	}
	return AccessOf(ctx, tx, u.ID, claims.ObjectID)
}

// AccessOf reads what grantee may do in mailbox's mailbox (user ids), e.g.
// whether a user may send as another. The mailbox's own user is its owner.
func AccessOf(ctx context.Context, tx *Tx, mailbox, grantee string) (*Access, error) {
	if strings.EqualFold(mailbox, grantee) {
		return &Access{Owner: true}, nil
	}
	a := &Access{Grantee: grantee, rights: map[MailboxRight]bool{}, folders: map[string]FolderRights{}}
	objs, err := tx.List(ctx, Scope{Collection: collGrants, Owner: mailbox}, false, 0, 0)
	if err != nil {
		return nil, err
	}
	prefix := strings.ToLower(grantee) + "|"
	for _, o := range objs {
		if !strings.HasPrefix(strings.ToLower(o.ID), prefix) {
			continue
		}
		var g Grant
		if err := FromDoc(o.Data, &g); err != nil {
			return nil, err
		}
		if g.Right != "" {
			a.rights[g.Right] = true
			continue
		}
		a.folders[g.Folder] |= g.Rights
		if lower := strings.ToLower(g.Folder); lower != g.Folder {
			a.folders[lower] |= g.Rights
		}
	}
	return a, nil
}

// MailboxUse says how a {user} route reaches into the user's mailbox, for
// Exchange's rules between users (see Grant).
type MailboxUse int

// The ways a route uses a mailbox.
const (
	// NotMailbox routes are decided by scopes and roles alone (the
	// directory, and everything that is not a mailbox).
	NotMailbox MailboxUse = iota
	// MailboxFolders routes reach folders and their items: another user's
	// mailbox needs a grant there; the handler checks the folder with
	// Access.Can.
	MailboxFolders
	// MailboxWhole routes span the whole mailbox (every message): another
	// user's mailbox needs full access.
	MailboxWhole
	// MailboxSend routes send from the mailbox: another user's mailbox
	// needs send as or send on behalf; the handler checks the folders it
	// reads.
	MailboxSend
)

// checkMailbox applies Exchange's rules to a delegated call on another
// user's mailbox: 403 ErrorAccessDenied without the grant the route needs.
func checkMailbox(use MailboxUse, a *Access) error {
	if a.Owner {
		return nil
	}
	ok := false
	switch use {
	case MailboxFolders:
		ok = a.Any()
	case MailboxWhole:
		ok = a.Has(FullAccess)
	case MailboxSend:
		ok, _ = a.CanSend()
	default:
		ok = true
	}
	if !ok {
		return AccessDenied()
	}
	return nil
}

// SendAsDenied is Exchange's 403 when the sender may not send from the
// address a message is from.
func SendAsDenied() *Error {
	return Errorf(http.StatusForbidden, "ErrorSendAsDenied",
		"The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account., Cannot submit message.")
}
