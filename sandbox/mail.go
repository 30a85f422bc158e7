package sandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/odata"
)

// The mail area: mailboxes with well-known folders, messages, attachments
// (with Outlook's upload sessions), sendMail delivery inside the tenant,
// drafts, replies and forwards, MIME, delta and mailbox settings.
//
// Storage: folders are "mailFolders" objects (owner: the user, parent: the
// parent folder), messages "messages" objects (parent: their folder),
// attachments "mailAttachments" objects (parent: their message) whose bytes
// are blobs shared by the copies a delivery makes. Keys starting with "_"
// are internal and never served.
const (
	collMailFolders     = "mailFolders"
	collMessages        = "messages"
	collMailAttachments = "mailAttachments"

	// mailMaxAttachment is Outlook's upload-session ceiling.
	mailMaxAttachment = 150 << 20
	// mailUploadTTL is how long an attachment upload session lives.
	mailUploadTTL = 24 * time.Hour
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

// wellKnownFolder is one folder every mailbox has.
type wellKnownFolder struct {
	Name, Display string
}

// mailRootName is the well-known name of the folder tree's root.
const mailRootName = "msgfolderroot"

var wellKnownFolders = []wellKnownFolder{
	{"inbox", "Inbox"},
	{"drafts", "Drafts"},
	{"sentitems", "Sent Items"},
	{"deleteditems", "Deleted Items"},
	{"junkemail", "Junk Email"},
	{"archive", "Archive"},
	{"outbox", "Outbox"},
	{"conversationhistory", "Conversation History"},
}

// wellKnownID is the id of a well-known folder of a user: deterministic, so
// a well-known name resolves without a lookup.
func wellKnownID(userID, name string) string {
	return seedID("mail", userID, strings.ToLower(name))
}

func isWellKnown(name string) bool {
	if strings.EqualFold(name, mailRootName) {
		return true
	}
	for _, f := range wellKnownFolders {
		if strings.EqualFold(f.Name, name) {
			return true
		}
	}
	return false
}

func init() {
	type r = route
	read := func(method, pattern string, h func(context.Context, *call) error) r {
		return r{Method: method, Pattern: pattern, Scopes: mailReadScopes, Roles: mailReadRoles, Handle: h}
	}
	write := func(method, pattern string, h func(context.Context, *call) error) r {
		return r{Method: method, Pattern: pattern, Scopes: mailWriteScopes, Roles: mailWriteRoles, Handle: h}
	}
	send := func(method, pattern string, h func(context.Context, *call) error) r {
		return r{Method: method, Pattern: pattern, Scopes: mailSendScopes, Roles: mailSendRoles, Handle: h}
	}
	msgRoutes := func(prefix string) []r {
		return []r{
			read(http.MethodGet, prefix+"messages/{id}", getMessage),
			write(http.MethodPatch, prefix+"messages/{id}", patchMessage),
			write(http.MethodDelete, prefix+"messages/{id}", deleteMessage),
		}
	}
	routes := []r{
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
		read(http.MethodGet, "{user}/messages", listAllMessages),
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
		read(http.MethodGet, "{user}/messages/{id}/attachments", listAttachments),
		write(http.MethodPost, "{user}/messages/{id}/attachments", addAttachment),
		write(http.MethodPost, "{user}/messages/{id}/attachments/createUploadSession", createAttachmentSession),
		read(http.MethodGet, "{user}/messages/{id}/attachments/{att}", getAttachment),
		write(http.MethodDelete, "{user}/messages/{id}/attachments/{att}", deleteAttachment),
		read(http.MethodGet, "{user}/messages/{id}/attachments/{att}/$value", getAttachmentValue),
		send(http.MethodPost, "{user}/sendMail", sendMail),
		{Method: http.MethodGet, Pattern: "{user}/mailboxSettings", Scopes: mailSetReadScope, Roles: mailSetReadRoles, Handle: getMailboxSettings},
		{Method: http.MethodPatch, Pattern: "{user}/mailboxSettings", Scopes: mailSetScopes, Roles: mailSetRoles, Handle: patchMailboxSettings},
		// Outlook's pre-authenticated attachment upload URL.
		{Method: http.MethodPut, Pattern: "users/{uid}/messages/{mid}/attachmentSessions/{sid}", Public: true, Handle: putAttachmentChunk},
		{Method: http.MethodGet, Pattern: "users/{uid}/messages/{mid}/attachmentSessions/{sid}", Public: true, Handle: getAttachmentSession},
		{Method: http.MethodDelete, Pattern: "users/{uid}/messages/{mid}/attachmentSessions/{sid}", Public: true, Handle: deleteAttachmentSession},
	}
	routes = append(routes, msgRoutes("{user}/")...)
	routes = append(routes, msgRoutes("{user}/mailFolders/{folder}/")...)
	registerArea(area{
		Name:   "mail",
		Routes: routes,
		Seed:   seedMail,
		Subscriptions: []subscribable{
			{Pattern: "{user}/mailFolders/{folder}/messages", MaxExpiry: 4230 * time.Minute, ODataType: "#Microsoft.Graph.Message",
				Scope: func(ctx context.Context, c *call) (scope, error) {
					f, err := c.folder(ctx, c.param("folder"))
					if err != nil {
						return scope{}, err
					}
					return scope{Collection: collMessages, Owner: c.user.ID, Parent: f.ID, ByParent: true}, nil
				}},
			{Pattern: "{user}/messages", MaxExpiry: 4230 * time.Minute, ODataType: "#Microsoft.Graph.Message",
				Scope: func(_ context.Context, c *call) (scope, error) {
					return scope{Collection: collMessages, Owner: c.user.ID}, nil
				}},
		},
	})
}

// ensureMailbox creates the user's folder tree when it does not exist yet.
func ensureMailbox(ctx context.Context, tx *txn, userID string, at time.Time) error {
	rootID := wellKnownID(userID, mailRootName)
	if _, err := tx.get(ctx, collMailFolders, userID, rootID); err == nil || !isNotFound(err) {
		return err
	}
	root := &object{Collection: collMailFolders, Owner: userID, ID: rootID, Created: at,
		Data: map[string]any{"displayName": "Top of Information Store", "parentFolderId": "", "isHidden": false, "_wellKnown": mailRootName}}
	if err := tx.put(ctx, root); err != nil {
		return err
	}
	for i, f := range wellKnownFolders {
		o := &object{Collection: collMailFolders, Owner: userID, ID: wellKnownID(userID, f.Name), Parent: rootID,
			Created: at.Add(time.Duration(i) * time.Millisecond),
			Data:    map[string]any{"displayName": f.Display, "parentFolderId": rootID, "isHidden": false, "_wellKnown": f.Name}}
		if err := tx.put(ctx, o); err != nil {
			return err
		}
	}
	return nil
}

// mailbox makes sure the addressed user has a mailbox, and delivers the
// delayed messages that are due.
func (c *call) mailbox(ctx context.Context) error {
	if err := c.deliverDeferred(ctx); err != nil {
		return err
	}
	var missing bool
	err := c.s.st.read(ctx, func(tx *txn) error {
		_, err := tx.get(ctx, collMailFolders, c.user.ID, wellKnownID(c.user.ID, mailRootName))
		missing = isNotFound(err)
		if missing {
			return nil
		}
		return err
	})
	if err != nil || !missing {
		return err
	}
	return c.s.st.write(ctx, func(tx *txn) error { return ensureMailbox(ctx, tx, c.user.ID, c.s.now()) })
}

// folderID resolves a folder parameter (id or well-known name).
func folderID(userID, param string) string {
	if isWellKnown(param) {
		return wellKnownID(userID, param)
	}
	return param
}

func errFolderNotFound() *apiError {
	return errItemNotFound("The specified folder could not be found in the store.")
}

func errMessageNotFound() *apiError {
	return errItemNotFound("The specified object was not found in the store.")
}

// getFolder loads a folder of the user inside tx.
func getFolder(ctx context.Context, tx *txn, userID, param string) (*object, error) {
	o, err := tx.get(ctx, collMailFolders, userID, folderID(userID, param))
	if isNotFound(err) {
		return nil, errFolderNotFound()
	}
	return o, err
}

// folder loads a folder of the addressed user, creating the mailbox first.
func (c *call) folder(ctx context.Context, param string) (*object, error) {
	if err := c.mailbox(ctx); err != nil {
		return nil, err
	}
	var o *object
	err := c.s.st.read(ctx, func(tx *txn) error {
		var err error
		o, err = getFolder(ctx, tx, c.user.ID, param)
		return err
	})
	return o, err
}

// publicDoc copies doc without internal ("_") keys.
func publicDoc(doc map[string]any) map[string]any {
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		if !strings.HasPrefix(k, "_") {
			out[k] = v
		}
	}
	return out
}

// cloneDoc deep-copies a JSON document.
func cloneDoc(doc map[string]any) map[string]any {
	raw, err := json.Marshal(doc)
	if err != nil {
		return map[string]any{}
	}
	var out map[string]any
	if json.Unmarshal(raw, &out) != nil {
		return map[string]any{}
	}
	return out
}

func str(doc map[string]any, key string) string {
	s, _ := doc[key].(string)
	return s
}

// presentFolder adds the counts Graph computes to a stored folder.
func presentFolder(c *call, doc map[string]any) map[string]any {
	out := publicDoc(doc)
	id := str(doc, "id")
	owner := c.user.ID
	var children, total, unread int
	_ = c.s.st.read(c.r.Context(), func(tx *txn) error {
		row := tx.q.QueryRowContext(c.r.Context(), `SELECT
			(SELECT count(*) FROM objects WHERE collection = ? AND owner = ? AND parent = ?),
			(SELECT count(*) FROM objects WHERE collection = ? AND owner = ? AND parent = ?),
			(SELECT count(*) FROM objects WHERE collection = ? AND owner = ? AND parent = ? AND json_extract(data, '$.isRead') = 0)`,
			collMailFolders, owner, id, collMessages, owner, id, collMessages, owner, id)
		return row.Scan(&children, &total, &unread)
	})
	out["childFolderCount"] = children
	out["totalItemCount"] = total
	out["unreadItemCount"] = unread
	return out
}

func folderListSpec(c *call, parent string) listSpec {
	hidden := strings.EqualFold(mailQueryValue(c.r.URL, "includeHiddenFolders"), "true")
	return listSpec{
		Scope:      scope{Collection: collMailFolders, Owner: c.user.ID, Parent: parent, ByParent: true},
		DefaultTop: 10,
		MaxTop:     1000,
		Include: func(doc map[string]any) bool {
			h, _ := doc["isHidden"].(bool)
			return hidden || !h
		},
		Present:      presentFolder,
		SearchFields: []string{"displayName"},
		Expand: map[string]expander{
			"childFolders": func(ctx context.Context, c *call, doc map[string]any, item odata.ExpandItem) (any, error) {
				var kids []*object
				err := c.s.st.read(ctx, func(tx *txn) error {
					var err error
					kids, err = tx.list(ctx, scope{Collection: collMailFolders, Owner: c.user.ID, Parent: str(doc, "id"), ByParent: true}, false, 0, 0)
					return err
				})
				if err != nil {
					return nil, err
				}
				out := []any{}
				for _, k := range kids {
					if h, _ := k.Data["isHidden"].(bool); h && !hidden {
						continue
					}
					out = append(out, presentFolder(c, k.Data))
				}
				return evalFilter(item, out), nil
			},
		},
	}
}

func listMailFolders(ctx context.Context, c *call) error {
	if err := c.mailbox(ctx); err != nil {
		return err
	}
	return c.list(ctx, folderListSpec(c, wellKnownID(c.user.ID, mailRootName)))
}

func listChildFolders(ctx context.Context, c *call) error {
	f, err := c.folder(ctx, c.param("folder"))
	if err != nil {
		return err
	}
	return c.list(ctx, folderListSpec(c, f.ID))
}

func getMailFolder(ctx context.Context, c *call) error {
	f, err := c.folder(ctx, c.param("folder"))
	if err != nil {
		return err
	}
	spec := folderListSpec(c, f.Parent)
	spec.Include = nil
	return c.getEntity(ctx, spec, f.ID)
}

func createMailFolder(ctx context.Context, c *call) error {
	if err := c.mailbox(ctx); err != nil {
		return err
	}
	return c.createFolderUnder(ctx, wellKnownID(c.user.ID, mailRootName))
}

func createChildFolder(ctx context.Context, c *call) error {
	f, err := c.folder(ctx, c.param("folder"))
	if err != nil {
		return err
	}
	return c.createFolderUnder(ctx, f.ID)
}

func (c *call) createFolderUnder(ctx context.Context, parent string) error {
	var in map[string]any
	if err := c.decode(&in); err != nil {
		return err
	}
	name, _ := in["displayName"].(string)
	if strings.TrimSpace(name) == "" {
		return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "The displayName of a folder is required.")
	}
	hidden, _ := in["isHidden"].(bool)
	o := &object{Collection: collMailFolders, Owner: c.user.ID, ID: uuid.NewString(), Parent: parent,
		Data: map[string]any{"displayName": name, "parentFolderId": parent, "isHidden": hidden}}
	err := c.s.st.write(ctx, func(tx *txn) error {
		if err := c.checkFolderName(ctx, tx, parent, name, ""); err != nil {
			return err
		}
		return tx.put(ctx, o)
	})
	if err != nil {
		return err
	}
	return c.entity(http.StatusCreated, presentFolder(c, o.Data))
}

// checkFolderName refuses a sibling with the same name, as Exchange does.
func (c *call) checkFolderName(ctx context.Context, tx *txn, parent, name, self string) error {
	siblings, err := tx.list(ctx, scope{Collection: collMailFolders, Owner: c.user.ID, Parent: parent, ByParent: true}, false, 0, 0)
	if err != nil {
		return err
	}
	for _, s := range siblings {
		if s.ID != self && strings.EqualFold(str(s.Data, "displayName"), name) {
			return errorf(http.StatusConflict, "ErrorFolderExists", "A folder with the specified name already exists.")
		}
	}
	return nil
}

func patchMailFolder(ctx context.Context, c *call) error {
	var in map[string]any
	if err := c.decode(&in); err != nil {
		return err
	}
	if err := c.mailbox(ctx); err != nil {
		return err
	}
	var o *object
	err := c.s.st.write(ctx, func(tx *txn) error {
		var err error
		if o, err = getFolder(ctx, tx, c.user.ID, c.param("folder")); err != nil {
			return err
		}
		if name, ok := in["displayName"]; ok {
			s, _ := name.(string)
			if strings.TrimSpace(s) == "" {
				return errBadRequest("The displayName of a folder cannot be empty.")
			}
			if o.Data["_wellKnown"] != nil {
				return errorf(http.StatusForbidden, "ErrorAccessDenied", "A well-known folder cannot be renamed.")
			}
			if err := c.checkFolderName(ctx, tx, o.Parent, s, o.ID); err != nil {
				return err
			}
			o.Data["displayName"] = s
		}
		return tx.put(ctx, o)
	})
	if err != nil {
		return err
	}
	return c.entity(http.StatusOK, presentFolder(c, o.Data))
}

// folderSubtree returns the folder ids under root (root included).
func folderSubtree(ctx context.Context, tx *txn, owner, root string) ([]string, error) {
	ids := []string{root}
	for i := 0; i < len(ids); i++ {
		kids, err := tx.list(ctx, scope{Collection: collMailFolders, Owner: owner, Parent: ids[i], ByParent: true}, false, 0, 0)
		if err != nil {
			return nil, err
		}
		for _, k := range kids {
			ids = append(ids, k.ID)
		}
	}
	return ids, nil
}

func deleteMailFolder(ctx context.Context, c *call) error {
	if err := c.mailbox(ctx); err != nil {
		return err
	}
	err := c.s.st.write(ctx, func(tx *txn) error {
		f, err := getFolder(ctx, tx, c.user.ID, c.param("folder"))
		if err != nil {
			return err
		}
		if f.Data["_wellKnown"] != nil {
			return errorf(http.StatusForbidden, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.")
		}
		ids, err := folderSubtree(ctx, tx, c.user.ID, f.ID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			msgs, err := tx.list(ctx, scope{Collection: collMessages, Owner: c.user.ID, Parent: id, ByParent: true}, false, 0, 0)
			if err != nil {
				return err
			}
			for _, m := range msgs {
				if err := deleteMessageTx(ctx, tx, c.user.ID, m.ID); err != nil {
					return err
				}
			}
			if err := tx.delete(ctx, collMailFolders, c.user.ID, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.noContent()
}

// destinationID reads {"destinationId": "..."} and resolves the folder.
func (c *call) destination(ctx context.Context, tx *txn, in map[string]any) (*object, error) {
	dest, _ := in["destinationId"].(string)
	if dest == "" {
		return nil, errBadRequest("The destinationId is required.")
	}
	return getFolder(ctx, tx, c.user.ID, dest)
}

func moveMailFolder(ctx context.Context, c *call) error {
	var in map[string]any
	if err := c.decode(&in); err != nil {
		return err
	}
	if err := c.mailbox(ctx); err != nil {
		return err
	}
	var f *object
	err := c.s.st.write(ctx, func(tx *txn) error {
		var err error
		if f, err = getFolder(ctx, tx, c.user.ID, c.param("folder")); err != nil {
			return err
		}
		if f.Data["_wellKnown"] != nil {
			return errorf(http.StatusForbidden, "ErrorMoveDistinguishedFolder", "Distinguished folders cannot be moved.")
		}
		dest, err := c.destination(ctx, tx, in)
		if err != nil {
			return err
		}
		sub, err := folderSubtree(ctx, tx, c.user.ID, f.ID)
		if err != nil {
			return err
		}
		for _, id := range sub {
			if id == dest.ID {
				return errBadRequest("A folder cannot be moved into itself or one of its children.")
			}
		}
		if err := c.checkFolderName(ctx, tx, dest.ID, str(f.Data, "displayName"), f.ID); err != nil {
			return err
		}
		f.Parent = dest.ID
		f.Data["parentFolderId"] = dest.ID
		return tx.put(ctx, f)
	})
	if err != nil {
		return err
	}
	return c.entity(http.StatusCreated, presentFolder(c, f.Data))
}

func copyMailFolder(ctx context.Context, c *call) error {
	var in map[string]any
	if err := c.decode(&in); err != nil {
		return err
	}
	if err := c.mailbox(ctx); err != nil {
		return err
	}
	var top *object
	err := c.s.st.write(ctx, func(tx *txn) error {
		src, err := getFolder(ctx, tx, c.user.ID, c.param("folder"))
		if err != nil {
			return err
		}
		dest, err := c.destination(ctx, tx, in)
		if err != nil {
			return err
		}
		if err := c.checkFolderName(ctx, tx, dest.ID, str(src.Data, "displayName"), ""); err != nil {
			return err
		}
		top, err = copyFolderTx(ctx, tx, c.user.ID, src, dest.ID)
		return err
	})
	if err != nil {
		return err
	}
	return c.entity(http.StatusCreated, presentFolder(c, top.Data))
}

// copyFolderTx copies a folder, its messages and its subfolders.
func copyFolderTx(ctx context.Context, tx *txn, owner string, src *object, parent string) (*object, error) {
	data := cloneDoc(publicDoc(src.Data))
	delete(data, "id")
	data["parentFolderId"] = parent
	cp := &object{Collection: collMailFolders, Owner: owner, ID: uuid.NewString(), Parent: parent, Data: data}
	if err := tx.put(ctx, cp); err != nil {
		return nil, err
	}
	msgs, err := tx.list(ctx, scope{Collection: collMessages, Owner: owner, Parent: src.ID, ByParent: true}, false, 0, 0)
	if err != nil {
		return nil, err
	}
	for _, m := range msgs {
		if _, err := copyMessageTx(ctx, tx, owner, m, owner, cp.ID, nil); err != nil {
			return nil, err
		}
	}
	kids, err := tx.list(ctx, scope{Collection: collMailFolders, Owner: owner, Parent: src.ID, ByParent: true}, false, 0, 0)
	if err != nil {
		return nil, err
	}
	for _, k := range kids {
		if _, err := copyFolderTx(ctx, tx, owner, k, cp.ID); err != nil {
			return nil, err
		}
	}
	return cp, nil
}

func deltaMailFolders(ctx context.Context, c *call) error {
	if err := c.mailbox(ctx); err != nil {
		return err
	}
	root := wellKnownID(c.user.ID, mailRootName)
	return c.delta(ctx, deltaSpec{
		Scope:    scope{Collection: collMailFolders, Owner: c.user.ID},
		PageSize: 100,
		Include:  func(doc map[string]any) bool { return str(doc, "id") != root },
		Present:  presentFolder,
	})
}

// Mailbox settings are kept as one key/value entry per user.

func settingsKey(userID string) string { return "mail:settings:" + userID }

func defaultMailboxSettings(c *call) map[string]any {
	now := c.s.now().UTC().Truncate(time.Hour)
	return map[string]any{
		"archiveFolder": wellKnownID(c.user.ID, "archive"),
		"timeZone":      "UTC",
		"dateFormat":    "M/d/yyyy",
		"timeFormat":    "h:mm tt",
		"userPurpose":   "user",
		"language":      map[string]any{"locale": "en-US", "displayName": "English (United States)"},
		"automaticRepliesSetting": map[string]any{
			"status": "disabled", "externalAudience": "all",
			"internalReplyMessage": "", "externalReplyMessage": "",
			"scheduledStartDateTime": map[string]any{"dateTime": now.Format("2006-01-02T15:04:05.0000000"), "timeZone": "UTC"},
			"scheduledEndDateTime":   map[string]any{"dateTime": now.Add(24 * time.Hour).Format("2006-01-02T15:04:05.0000000"), "timeZone": "UTC"},
		},
		"workingHours": map[string]any{
			"daysOfWeek": []any{"monday", "tuesday", "wednesday", "thursday", "friday"},
			"startTime":  "08:00:00.0000000", "endTime": "17:00:00.0000000",
			"timeZone": map[string]any{"name": "UTC"},
		},
	}
}

func loadSettings(ctx context.Context, tx *txn, c *call, userID string) (map[string]any, error) {
	raw, ok, err := tx.kvGet(ctx, settingsKey(userID))
	if err != nil || !ok {
		return defaultMailboxSettings(c), err
	}
	var s map[string]any
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, err
	}
	return s, nil
}

func getMailboxSettings(ctx context.Context, c *call) error {
	var s map[string]any
	err := c.s.st.read(ctx, func(tx *txn) error {
		var err error
		s, err = loadSettings(ctx, tx, c, c.user.ID)
		return err
	})
	if err != nil {
		return err
	}
	return c.entity(http.StatusOK, s)
}

var (
	autoReplyStatuses = []string{"disabled", "alwaysEnabled", "scheduled"}
	audiences         = []string{"none", "contactsOnly", "all"}
)

func patchMailboxSettings(ctx context.Context, c *call) error {
	var in map[string]any
	if err := c.decode(&in); err != nil {
		return err
	}
	var s map[string]any
	err := c.s.st.write(ctx, func(tx *txn) error {
		var err error
		if s, err = loadSettings(ctx, tx, c, c.user.ID); err != nil {
			return err
		}
		for k, v := range in {
			switch k {
			case "automaticRepliesSetting", "workingHours", "language":
				patch, ok := v.(map[string]any)
				if !ok {
					return errBadRequest("%s must be an object.", k)
				}
				cur, _ := s[k].(map[string]any)
				if cur == nil {
					cur = map[string]any{}
				}
				for pk, pv := range patch {
					cur[pk] = pv
				}
				s[k] = cur
			case "timeZone", "dateFormat", "timeFormat", "archiveFolder":
				str, ok := v.(string)
				if !ok || str == "" {
					return errBadRequest("%s must be a non-empty string.", k)
				}
				s[k] = str
			default:
				if !strings.HasPrefix(k, "@") {
					return errBadRequest("Property '%s' does not exist on type 'microsoft.graph.mailboxSettings' or cannot be changed.", k)
				}
			}
		}
		if ar, ok := s["automaticRepliesSetting"].(map[string]any); ok {
			if err := checkAutoReply(ar); err != nil {
				return err
			}
		}
		raw, err := json.Marshal(s)
		if err != nil {
			return err
		}
		return tx.kvPut(ctx, settingsKey(c.user.ID), raw, time.Time{})
	})
	if err != nil {
		return err
	}
	return c.entity(http.StatusOK, s)
}

func checkAutoReply(ar map[string]any) error {
	status, _ := ar["status"].(string)
	if !containsFold(autoReplyStatuses, status) {
		return errBadRequest("automaticRepliesSetting.status must be one of %s.", strings.Join(autoReplyStatuses, ", "))
	}
	if aud, ok := ar["externalAudience"].(string); ok && !containsFold(audiences, aud) {
		return errBadRequest("automaticRepliesSetting.externalAudience must be one of %s.", strings.Join(audiences, ", "))
	}
	if strings.EqualFold(status, "scheduled") {
		start, err1 := dateTimeTZ(ar["scheduledStartDateTime"])
		end, err2 := dateTimeTZ(ar["scheduledEndDateTime"])
		if err1 != nil || err2 != nil {
			return errBadRequest("A scheduled automatic reply needs scheduledStartDateTime and scheduledEndDateTime.")
		}
		if !end.After(start) {
			return errBadRequest("The scheduled end of automatic replies must be after its start.")
		}
	}
	return nil
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// dateTimeTZ reads a dateTimeTimeZone value (UTC or an IANA zone; Windows
// names of the common zones are mapped).
func dateTimeTZ(v any) (time.Time, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return time.Time{}, errBadRequest("not a dateTimeTimeZone")
	}
	s, _ := m["dateTime"].(string)
	zone, _ := m["timeZone"].(string)
	loc := time.UTC
	if zone != "" && !strings.EqualFold(zone, "UTC") {
		if l, err := time.LoadLocation(zone); err == nil {
			loc = l
		} else if name, ok := lookupFold(windowsZones, zone); ok {
			if l, err := time.LoadLocation(name); err == nil {
				loc = l
			}
		}
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04:05.9999999", s, loc); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// autoReplyActive reports whether the user's automatic replies are on now,
// and the internal reply text.
func autoReplyActive(ctx context.Context, tx *txn, c *call, userID string, now time.Time) (string, bool) {
	s, err := loadSettings(ctx, tx, c, userID)
	if err != nil {
		return "", false
	}
	ar, _ := s["automaticRepliesSetting"].(map[string]any)
	status, _ := ar["status"].(string)
	text, _ := ar["internalReplyMessage"].(string)
	switch strings.ToLower(status) {
	case "alwaysenabled":
		return text, true
	case "scheduled":
		start, err1 := dateTimeTZ(ar["scheduledStartDateTime"])
		end, err2 := dateTimeTZ(ar["scheduledEndDateTime"])
		return text, err1 == nil && err2 == nil && !now.Before(start) && now.Before(end)
	}
	return "", false
}

// evalFilter applies an $expand's nested $filter to the items of a collection.
func evalFilter(item odata.ExpandItem, values []any) []any {
	if item.Options == nil || item.Options.Filter == nil {
		return values
	}
	out := []any{}
	for _, v := range values {
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		if keep, err := odata.Eval(item.Options.Filter, m); err == nil && keep {
			out = append(out, m)
		}
	}
	return out
}

// mailQueryValue returns a query parameter, ignoring the case of its name.
func mailQueryValue(u *url.URL, name string) string {
	for k, v := range u.Query() {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}
