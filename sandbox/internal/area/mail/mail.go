// Package mail is the sandbox's mail area: mailboxes with well-known
// folders, messages, attachments (with Outlook's upload sessions), sendMail
// delivery inside the tenant, drafts, replies and forwards, MIME, delta and
// mailbox settings.
//
// Storage: folders are "mailFolders" objects (owner: the user, parent: the
// parent folder), messages "messages" objects (parent: their folder),
// attachments "mailAttachments" objects (parent: their message) whose bytes
// are blobs shared by the copies a delivery makes. Keys starting with "_"
// are internal and never served.
package mail

import (
	"context"
	"net/http"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
)

const (
	collMailFolders = "mailFolders"
	collMessages    = "messages"
)

// Permissions of the mail routes.
var (
	mailReadScopes   = []string{"Mail.ReadBasic", "Mail.Read", "Mail.ReadWrite"}
	mailReadRoles    = []string{"Mail.ReadBasic.All", "Mail.Read", "Mail.ReadWrite"}
	mailWriteScopes  = []string{"Mail.ReadWrite"}
	mailWriteRoles   = []string{"Mail.ReadWrite"}
	mailSendScopes   = []string{"Mail.Send"}
	mailSendRoles    = []string{"Mail.Send"}
	mailSetReadScope = []string{"MailboxSettings.Read", "MailboxSettings.ReadWrite"}
	mailSetReadRoles = []string{"MailboxSettings.Read", "MailboxSettings.ReadWrite"}
	mailSetScopes    = []string{"MailboxSettings.ReadWrite"}
	mailSetRoles     = []string{"MailboxSettings.ReadWrite"}
)

// mailboxFolders is every mailbox's folder tree.
var mailboxFolders = &core.Folders{
	Collection: collMailFolders,
	Namespace:  "mail",
	Root:       core.WellKnownFolder{Name: "msgfolderroot", DisplayName: "Top of Information Store"},
	WellKnown: []core.WellKnownFolder{
		{Name: "inbox", DisplayName: "Inbox"},
		{Name: "drafts", DisplayName: "Drafts"},
		{Name: "sentitems", DisplayName: "Sent Items"},
		{Name: "deleteditems", DisplayName: "Deleted Items"},
		{Name: "junkemail", DisplayName: "Junk Email"},
		{Name: "archive", DisplayName: "Archive"},
		{Name: "outbox", DisplayName: "Outbox"},
		{Name: "conversationhistory", DisplayName: "Conversation History"},
	},
	Defaults: map[string]any{"isHidden": false},
}

// messageAttachments are the attachments of messages.
var messageAttachments = &core.Attachments{
	Collection:     "mailAttachments",
	ItemCollection: collMessages,
	Item:           attachmentItem,
	ItemAttachment: attachedMessage,
}

// Area is the mail area, to serve with core.Config.Areas.
func Area() core.Area {
	readPerm := core.Route{Scopes: mailReadScopes, Roles: mailReadRoles, Mailbox: core.MailboxFolders}
	writePerm := core.Route{Scopes: mailWriteScopes, Roles: mailWriteRoles, Mailbox: core.MailboxFolders}
	read, write := readPerm.On, writePerm.On
	readAll := core.Route{Scopes: mailReadScopes, Roles: mailReadRoles, Mailbox: core.MailboxWhole}.On
	writeAll := core.Route{Scopes: mailWriteScopes, Roles: mailWriteRoles, Mailbox: core.MailboxWhole}.On
	// What any signed-in user may read of a mailbox's configuration.
	profile := core.Route{Scopes: []string{"User.Read", "User.ReadBasic.All", "User.Read.All"}, SharedScopes: []string{"User.ReadBasic.All", "User.Read.All"},
		Roles: []string{"User.Read.All"}}
	send := core.Route{Scopes: mailSendScopes, Roles: mailSendRoles, Mailbox: core.MailboxSend}.On
	msgRoutes := func(prefix string) []core.Route {
		return []core.Route{
			read(http.MethodGet, prefix+"messages/{id}", getMessage),
			write(http.MethodPatch, prefix+"messages/{id}", patchMessage),
			write(http.MethodDelete, prefix+"messages/{id}", deleteMessage),
		}
	}
	settings := core.Route{Scopes: mailSetScopes, Roles: mailSetRoles}
	settingsRead := core.Route{Scopes: mailSetReadScope, Roles: mailSetReadRoles}
	routes := []core.Route{
		read(http.MethodGet, "{user}/mailFolders", listMailFolders),
		write(http.MethodPost, "{user}/mailFolders", createMailFolder),
		read(http.MethodGet, "{user}/mailFolders/delta", deltaMailFolders),
		read(http.MethodGet, "{user}/mailFolders/{folder}", getMailFolder),
		write(http.MethodPatch, "{user}/mailFolders/{folder}", patchMailFolder),
		write(http.MethodDelete, "{user}/mailFolders/{folder}", deleteMailFolder),
		read(http.MethodGet, "{user}/mailFolders/{folder}/childFolders", listChildFolders),
		write(http.MethodPost, "{user}/mailFolders/{folder}/childFolders", createChildFolder),
		write(http.MethodPost, "{user}/mailFolders/{folder}/move", moveMailFolder),
		write(http.MethodPost, "{user}/mailFolders/{folder}/copy", copyMailFolder),
		read(http.MethodGet, "{user}/mailFolders/{folder}/messages", listFolderMessages),
		write(http.MethodPost, "{user}/mailFolders/{folder}/messages", createFolderMessage),
		read(http.MethodGet, "{user}/mailFolders/{folder}/messages/delta", deltaMessages),
		readAll(http.MethodGet, "{user}/messages", listAllMessages),
		write(http.MethodPost, "{user}/messages", createDraft),
		read(http.MethodGet, "{user}/messages/{id}/$value", getMessageMIME),
		send(http.MethodPost, "{user}/messages/{id}/send", sendDraft),
		send(http.MethodPost, "{user}/messages/{id}/reply", respondDirect("reply")),
		send(http.MethodPost, "{user}/messages/{id}/replyAll", respondDirect("replyAll")),
		send(http.MethodPost, "{user}/messages/{id}/forward", respondDirect("forward")),
		write(http.MethodPost, "{user}/messages/{id}/createReply", respondDraft("reply")),
		write(http.MethodPost, "{user}/messages/{id}/createReplyAll", respondDraft("replyAll")),
		write(http.MethodPost, "{user}/messages/{id}/createForward", respondDraft("forward")),
		write(http.MethodPost, "{user}/messages/{id}/move", moveMessage),
		write(http.MethodPost, "{user}/messages/{id}/copy", copyMessage),
		send(http.MethodPost, "{user}/sendMail", sendMail),
		settingsRead.On(http.MethodGet, "{user}/mailboxSettings", getMailboxSettings),
		settings.On(http.MethodPatch, "{user}/mailboxSettings", patchMailboxSettings),
		settingsRead.On(http.MethodGet, "{user}/mailFolders/{folder}/messageRules", listRules),
		settings.On(http.MethodPost, "{user}/mailFolders/{folder}/messageRules", createRule),
		settingsRead.On(http.MethodGet, "{user}/mailFolders/{folder}/messageRules/{rule}", getRule),
		settings.On(http.MethodPatch, "{user}/mailFolders/{folder}/messageRules/{rule}", patchRule),
		settings.On(http.MethodDelete, "{user}/mailFolders/{folder}/messageRules/{rule}", deleteRule),
		settingsRead.On(http.MethodGet, "{user}/mailboxSettings/{setting}", getMailboxSetting),
		settingsRead.On(http.MethodGet, "{user}/outlook/masterCategories", listCategories),
		settings.On(http.MethodPost, "{user}/outlook/masterCategories", createCategory),
		settingsRead.On(http.MethodGet, "{user}/outlook/masterCategories/{category}", getCategory),
		settings.On(http.MethodPatch, "{user}/outlook/masterCategories/{category}", patchCategory),
		settings.On(http.MethodDelete, "{user}/outlook/masterCategories/{category}", deleteCategory),
		// Outlook REST v2.0 keeps the list at the mailbox's top level
		// (/api/v2.0/me/MasterCategories); Graph does not serve it there.
		settingsRead.On(http.MethodGet, "{user}/MasterCategories", outlookOnly("MasterCategories", listCategories)),
		settings.On(http.MethodPost, "{user}/MasterCategories", outlookOnly("MasterCategories", createCategory)),
		settingsRead.On(http.MethodGet, "{user}/MasterCategories/{category}", outlookOnly("MasterCategories", getCategory)),
		settings.On(http.MethodPatch, "{user}/MasterCategories/{category}", outlookOnly("MasterCategories", patchCategory)),
		settings.On(http.MethodDelete, "{user}/MasterCategories/{category}", outlookOnly("MasterCategories", deleteCategory)),
		profile.On(http.MethodGet, "{user}/outlook/supportedTimeZones", supportedTimeZones),
		profile.On(http.MethodGet, "{user}/outlook/supportedLanguages", supportedLanguages),
		core.Route{Scopes: []string{"Mail.Read", "Mail.ReadWrite"}, Roles: []string{"Mail.Read", "Mail.ReadWrite"}}.On(http.MethodPost, "{user}/getMailTips", getMailTips),
		readAll(http.MethodGet, "{user}/inferenceClassification/overrides", listOverrides),
		writeAll(http.MethodPost, "{user}/inferenceClassification/overrides", createOverride),
		writeAll(http.MethodPatch, "{user}/inferenceClassification/overrides/{override}", patchOverride),
		writeAll(http.MethodDelete, "{user}/inferenceClassification/overrides/{override}", deleteOverride),
	}
	for _, prefix := range []string{"{user}/", "{user}/mailFolders/{folder}/"} {
		routes = append(routes,
			read(http.MethodGet, prefix+"messages/{id}/extensions", listExtensions),
			write(http.MethodPost, prefix+"messages/{id}/extensions", createExtension),
			read(http.MethodGet, prefix+"messages/{id}/extensions/{ext}", getExtension),
			write(http.MethodPatch, prefix+"messages/{id}/extensions/{ext}", patchExtension),
			write(http.MethodDelete, prefix+"messages/{id}/extensions/{ext}", deleteExtension))
	}
	routes = append(routes, messageAttachments.Routes("{user}/messages/{id}", readPerm, writePerm)...)
	routes = append(routes, msgRoutes("{user}/")...)
	routes = append(routes, msgRoutes("{user}/mailFolders/{folder}/")...)
	return core.Area{
		Name:            "mail",
		Routes:          routes,
		ItemCollections: []string{collMessages},
		Knobs:           []core.Knob{{Name: knobMessagesPerInbox, Doc: "generated messages in the demo user's inbox (one folder)"}},
		Seed:            seedMail,
		// 1: Exchange's ids for folders, messages and attachments.
		Version:   1,
		Mailboxes: mailboxes{},
		Subscriptions: []core.Subscribable{
			{Pattern: "{user}/mailFolders/{folder}/messages", MaxExpiry: 4230 * time.Minute, ODataType: "#Microsoft.Graph.Message",
				Scope: func(ctx context.Context, c *core.Call) (core.Scope, error) {
					f, err := folder(ctx, c, c.Param("folder"), core.ReadItems)
					if err != nil {
						return core.Scope{}, err
					}
					return core.Scope{Collection: collMessages, Owner: c.User.ID, Parent: f.ID, ByParent: true}, nil
				}},
			{Pattern: "{user}/messages", MaxExpiry: 4230 * time.Minute, ODataType: "#Microsoft.Graph.Message",
				Scope: func(_ context.Context, c *core.Call) (core.Scope, error) {
					return core.Scope{Collection: collMessages, Owner: c.User.ID}, nil
				}},
		},
	}
}

// wellKnownID is the id of a well-known folder of a user.
func wellKnownID(userID, name string) string { return mailboxFolders.ID(userID, name) }

// mailbox makes sure the addressed user has a mailbox, and delivers the
// delayed messages that are due.
func mailbox(ctx context.Context, c *core.Call) error {
	if err := deliverDeferred(ctx, c); err != nil {
		return err
	}
	var exists bool
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		exists, err = mailboxFolders.Exists(ctx, tx, c.User.ID)
		return err
	})
	if err != nil || exists {
		return err
	}
	return c.Store().Write(ctx, func(tx *core.Tx) error { return mailboxFolders.Ensure(ctx, tx, c.User.ID, c.Now()) })
}

func errMessageNotFound() *core.Error {
	return core.ItemNotFound("The specified object was not found in the store.")
}

// folder loads a folder of the addressed user, creating the mailbox
// first, and checks the caller's rights need on it.
func folder(ctx context.Context, c *core.Call, param string, need core.FolderRights) (*core.Object, error) {
	if err := mailbox(ctx, c); err != nil {
		return nil, err
	}
	var o *core.Object
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		if o, err = mailboxFolders.Get(ctx, tx, c.User.ID, param); err != nil {
			return err
		}
		return permit(ctx, c, tx, o.ID, need, nil)
	})
	return o, err
}

// outlookOnly serves h in the Outlook REST dialect only: elsewhere segment
// is unknown, answered as Graph answers an unknown segment.
func outlookOnly(segment string, h core.HandlerFunc) core.HandlerFunc {
	return func(ctx context.Context, c *core.Call) error {
		if !c.Outlook() {
			return core.BadRequest("Resource not found for the segment '%s'.", segment)
		}
		return h(ctx, c)
	}
}
