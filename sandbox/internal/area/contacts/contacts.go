// Package contacts is the sandbox's contacts area: every mailbox's contact
// folders (the default Contacts folder and the client's own, nested),
// contacts with Exchange's rules (limits on multi-value properties, the
// display name composed from the name's parts, moves through
// parentFolderId), contact photos as real images, extended properties,
// delta of folders and of the contacts of a folder, in Graph's and Outlook
// REST's dialects.
//
// Storage: folders are "contactFolders" objects (owner: the user, parent:
// the parent folder), contacts "contacts" objects (parent: their folder);
// a contact's photo is the core photo "contacts:{user}:{contact}". Keys
// starting with "_" are internal and never served.
package contacts

import (
	"context"
	"net/http"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
)

const (
	collFolders  = "contactFolders"
	collContacts = "contacts"
	// Graph's types of the area's answers (see core.ListSpec.Type).
	typeFolder  = "contactFolder"
	typeContact = "contact"
)

// Permissions of the contacts routes.
var (
	readScopes  = []string{"Contacts.Read", "Contacts.ReadWrite"}
	readRoles   = []string{"Contacts.Read", "Contacts.ReadWrite"}
	writeScopes = []string{"Contacts.ReadWrite"}
	writeRoles  = []string{"Contacts.ReadWrite"}
)

// contactFolders is every mailbox's tree of contact folders: the client
// sees the default Contacts folder and what is below it.
var contactFolders = &core.Folders{
	Collection: collFolders,
	Namespace:  "contacts",
	Root:       core.WellKnownFolder{Name: "msgfolderroot", DisplayName: "Top of Information Store"},
	WellKnown:  []core.WellKnownFolder{{Name: "contacts", DisplayName: "Contacts"}},
}

// Area is the contacts area, to serve with core.Config.Areas.
func Area() core.Area {
	// Another user's contacts: the .Shared scopes and a grant on the
	// mailbox (see access.go).
	read := core.Route{Scopes: readScopes, Roles: readRoles, Mailbox: core.MailboxFolders}.On
	write := core.Route{Scopes: writeScopes, Roles: writeRoles, Mailbox: core.MailboxFolders}.On
	routes := []core.Route{
		read(http.MethodGet, "{user}/contactFolders", listTopFolders),
		write(http.MethodPost, "{user}/contactFolders", createTopFolder),
		read(http.MethodGet, "{user}/contactFolders/delta", deltaFolders),
		read(http.MethodGet, "{user}/contacts", listDefaultContacts),
		write(http.MethodPost, "{user}/contacts", createDefaultContact),
		// Graph binds delta to any contact collection: /me/contacts/delta
		// is the default folder's.
		read(http.MethodGet, "{user}/contacts/delta", deltaDefaultContacts),
	}
	routes = append(routes, contactRoutes("{user}/contacts/{id}", read, write)...)
	// A folder is addressed at the top (contactFolders/{folder}) or below
	// its parent (contactFolders/{parent}/childFolders/{folder}).
	for _, f := range []string{"{user}/contactFolders/{folder}", "{user}/contactFolders/{parent}/childFolders/{folder}"} {
		routes = append(routes,
			read(http.MethodGet, f, getFolder),
			write(http.MethodPatch, f, patchFolder),
			write(http.MethodDelete, f, deleteFolder),
			write(http.MethodPost, f+"/permanentDelete", deleteFolder),
			read(http.MethodGet, f+"/childFolders", listChildFolders),
			write(http.MethodPost, f+"/childFolders", createChildFolder),
			read(http.MethodGet, f+"/contacts", listFolderContacts),
			write(http.MethodPost, f+"/contacts", createFolderContact),
			read(http.MethodGet, f+"/contacts/delta", deltaFolderContacts),
		)
		routes = append(routes, contactRoutes(f+"/contacts/{id}", read, write)...)
	}
	return core.Area{
		Name:   "contacts",
		Routes: routes,
		Knobs:  []core.Knob{{Name: knobPerUser, Doc: "generated contacts in the demo user's Contacts folder"}},
		Seed:   seedContacts,
		Subscriptions: []core.Subscribable{
			{Pattern: "{user}/contacts", MaxExpiry: 4230 * time.Minute, ODataType: "#Microsoft.Graph.Contact",
				Scope: func(_ context.Context, c *core.Call) (core.Scope, error) {
					return core.Scope{Collection: collContacts, Owner: c.User.ID}, nil
				}},
			{Pattern: "{user}/contactFolders/{folder}/contacts", MaxExpiry: 4230 * time.Minute, ODataType: "#Microsoft.Graph.Contact",
				Scope: func(ctx context.Context, c *core.Call) (core.Scope, error) {
					f, err := folder(ctx, c, core.ReadItems)
					if err != nil {
						return core.Scope{}, err
					}
					return contactsIn(c.User.ID, f.ID), nil
				}},
		},
	}
}

// contactRoutes are the routes of one contact at prefix.
func contactRoutes(prefix string, read, write func(string, string, core.HandlerFunc) core.Route) []core.Route {
	return []core.Route{
		read(http.MethodGet, prefix, getContact),
		write(http.MethodPatch, prefix, patchContact),
		write(http.MethodDelete, prefix, deleteContact),
		write(http.MethodPost, prefix+"/permanentDelete", deleteContact),
		read(http.MethodGet, prefix+"/photo", getPhotoMeta),
		read(http.MethodGet, prefix+"/photo/$value", getPhoto),
		write(http.MethodPut, prefix+"/photo/$value", putPhoto),
		write(http.MethodPatch, prefix+"/photo/$value", putPhoto),
	}
}

// contactsIn is the scope of the contacts directly in a folder.
func contactsIn(owner, folder string) core.Scope {
	return core.Scope{Collection: collContacts, Owner: owner, Parent: folder, ByParent: true}
}

// ensureTree creates the addressed user's folder tree on first use.
func ensureTree(ctx context.Context, c *core.Call) error {
	var exists bool
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		exists, err = contactFolders.Exists(ctx, tx, c.User.ID)
		return err
	})
	if err != nil || exists {
		return err
	}
	return c.Store().Write(ctx, func(tx *core.Tx) error { return contactFolders.Ensure(ctx, tx, c.User.ID, c.Now()) })
}

// defaultFolderID is the id of the user's Contacts folder.
func defaultFolderID(userID string) string { return contactFolders.ID(userID, "contacts") }

// folderIn loads the route's folder inside a write or read: the {folder}
// parameter (an id, or "contacts"), below {parent} when the route names
// one. The root is not a contact folder a client may address.
func folderIn(ctx context.Context, c *core.Call, tx *core.Tx) (*core.Object, error) {
	f, err := contactFolders.Get(ctx, tx, c.User.ID, c.Param("folder"))
	if err != nil {
		return nil, err
	}
	if f.ID == contactFolders.RootID(c.User.ID) {
		return nil, core.ItemNotFound("The specified folder could not be found in the store.")
	}
	if p := c.Param("parent"); p != "" && f.Parent != contactFolders.Resolve(c.User.ID, p) {
		return nil, core.ItemNotFound("The specified folder could not be found in the store.")
	}
	return f, nil
}

// folder loads the route's folder, creating the user's tree first, and
// checks that the caller may act on it with need.
func folder(ctx context.Context, c *core.Call, need core.FolderRights) (*core.Object, error) {
	if err := ensureTree(ctx, c); err != nil {
		return nil, err
	}
	var f *core.Object
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		if f, err = folderIn(ctx, c, tx); err != nil {
			return err
		}
		return permit(ctx, c, f, need, nil)
	})
	return f, err
}
