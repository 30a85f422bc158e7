package mail

import (
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/odata"
)

// messageWritable are the message properties a client sets.
var messageWritable = []string{
	"subject", "body", "importance", "categories", "isRead", "isDeliveryReceiptRequested",
	"isReadReceiptRequested", "inferenceClassification", "from", "sender", "toRecipients",
	"ccRecipients", "bccRecipients", "replyTo", "flag", "internetMessageHeaders",
	"singleValueExtendedProperties", "multiValueExtendedProperties",
}

// sentWritable are the properties still writable once a message is sent.
var sentWritable = []string{
	"isRead", "categories", "flag", "importance", "inferenceClassification",
	"singleValueExtendedProperties", "multiValueExtendedProperties",
}

// extendedProps are merged by id on PATCH instead of replaced.
var extendedProps = []string{"singleValueExtendedProperties", "multiValueExtendedProperties"}

// messageSearchFields are where unqualified $search terms look.
var messageSearchFields = []string{
	"subject", "body/content", "bodyPreview", "from/emailAddress/address", "from/emailAddress/name",
	"toRecipients", "ccRecipients",
}

const (
	propDeleteAfterSubmit = "Boolean 0x0E01"
)

// messageSort orders messages by received time (drafts by modification).
func messageSort(doc map[string]any, fallback time.Time) string {
	if t, err := time.Parse(time.RFC3339, core.Str(doc, "receivedDateTime")); err == nil {
		return core.SortKey(t)
	}
	return core.SortKey(fallback)
}

// bodyPreview is the first 255 characters of the body as text.
func bodyPreview(doc map[string]any) string { return core.BodyPreview(doc) }

// typeMessage is the Graph type of messages: answers carry its default
// properties (Graph's shape, ids, @odata.etag and webLink come from the
// core).
const typeMessage = "message"

func messageExpanders() map[string]core.Expander {
	// Extended properties are navigation properties: stored with the
	// message, sent only when expanded.
	ext := func(name string) core.Expander {
		return func(_ context.Context, _ *core.Call, doc map[string]any, item odata.ExpandItem) (any, error) {
			list, _ := doc[name].([]any)
			return core.FilterExpanded(item, list), nil
		}
	}
	return map[string]core.Expander{
		"attachments": func(ctx context.Context, c *core.Call, doc map[string]any, _ odata.ExpandItem) (any, error) {
			var out []any
			err := c.Store().Read(ctx, func(tx *core.Tx) error {
				atts, err := tx.List(ctx, messageAttachments.Scope(c.User.ID, core.Str(doc, "id")), false, 0, 0)
				for _, a := range atts {
					out = append(out, a.Data)
				}
				return err
			})
			if err != nil {
				return nil, err
			}
			res := make([]any, 0, len(out))
			for _, a := range out {
				res = append(res, messageAttachments.Present(c, doc, a.(map[string]any)))
			}
			return res, nil
		},
		"singleValueExtendedProperties": ext("singleValueExtendedProperties"),
		"multiValueExtendedProperties":  ext("multiValueExtendedProperties"),
		"extensions":                    expandExtensions,
		// An event message's event, with or without the type cast Graph's
		// clients write.
		"microsoft.graph.eventMessage/event": linkedExpander("event"),
		"event":                              linkedExpander("event"),
	}
}

func messageListSpec(sc core.Scope) core.ListSpec {
	return core.ListSpec{
		Scope:        sc,
		Type:         typeMessage,
		Desc:         true,
		DefaultTop:   10,
		MaxTop:       1000,
		SearchFields: messageSearchFields,
		Expand:       messageExpanders(),
	}
}

func listFolderMessages(ctx context.Context, c *core.Call) error {
	f, err := folder(ctx, c, c.Param("folder"), core.ReadItems)
	if err != nil {
		return err
	}
	return c.List(ctx, messageListSpec(core.Scope{Collection: collMessages, Owner: c.User.ID, Parent: f.ID, ByParent: true}))
}

func listAllMessages(ctx context.Context, c *core.Call) error {
	if err := mailbox(ctx, c); err != nil {
		return err
	}
	return c.List(ctx, messageListSpec(core.Scope{Collection: collMessages, Owner: c.User.ID}))
}

func deltaMessages(ctx context.Context, c *core.Call) error {
	f, err := folder(ctx, c, c.Param("folder"), core.ReadItems)
	if err != nil {
		return err
	}
	return c.Delta(ctx, core.DeltaSpec{
		Scope:    core.Scope{Collection: collMessages, Owner: c.User.ID, Parent: f.ID, ByParent: true},
		Type:     typeMessage,
		PageSize: 10,
	})
}

// messageInFolder loads the addressed message by either of its ids and
// checks the caller's rights need on it; with a {folder} in the route it
// must be there.
func messageInFolder(ctx context.Context, c *core.Call, tx *core.Tx, need core.FolderRights) (*core.Object, error) {
	o, err := tx.GetItem(ctx, core.Scope{Collection: collMessages, Owner: c.User.ID}, c.Param("id"))
	if core.IsNotFound(err) {
		return nil, errMessageNotFound()
	}
	if err != nil {
		return nil, err
	}
	if p := c.Param("folder"); p != "" && o.Parent != mailboxFolders.Resolve(c.User.ID, p) {
		return nil, errMessageNotFound()
	}
	return o, permit(ctx, c, tx, o.Parent, need, o)
}

// attachmentItem is the message whose attachments a request reaches:
// reading them needs read rights on it, adding or removing them edit
// rights.
func attachmentItem(ctx context.Context, c *core.Call, tx *core.Tx) (*core.Object, error) {
	need := core.EditAllItems
	if c.R.Method == http.MethodGet || c.R.Method == http.MethodHead {
		need = core.ReadItems
	}
	return messageInFolder(ctx, c, tx, need)
}

// readMessage loads the addressed message for reading.
func readMessage(ctx context.Context, c *core.Call) (*core.Object, error) {
	var m *core.Object
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		m, err = messageInFolder(ctx, c, tx, core.ReadItems)
		return err
	})
	return m, err
}

func getMessage(ctx context.Context, c *core.Call) error {
	m, err := readMessage(ctx, c)
	if err != nil {
		return err
	}
	err = c.GetEntity(ctx, messageListSpec(core.Scope{Collection: collMessages, Owner: c.User.ID, Parent: m.Parent, ByParent: true}), m.ID)
	if core.IsNotFound(err) {
		return errMessageNotFound()
	}
	return err
}

// checkRecipients validates recipient collections and headers of input.
func checkMessageInput(in map[string]any) error {
	for _, k := range []string{"toRecipients", "ccRecipients", "bccRecipients", "replyTo"} {
		v, ok := in[k]
		if !ok || v == nil {
			continue
		}
		list, ok := v.([]any)
		if !ok {
			return core.BadRequest("%s must be an array of recipients.", k)
		}
		for _, r := range list {
			if !validRecipient(r) {
				return core.Errorf(http.StatusBadRequest, "ErrorInvalidRecipients", "At least one recipient is not valid., Recipient '%v' is not resolved.", r)
			}
		}
	}
	for _, k := range []string{"from", "sender"} {
		if v, ok := in[k]; ok && v != nil && !validRecipient(v) {
			return core.Errorf(http.StatusBadRequest, "ErrorInvalidRecipients", "The %s address is not valid.", k)
		}
	}
	if hs, ok := in["internetMessageHeaders"].([]any); ok {
		for _, h := range hs {
			m, _ := h.(map[string]any)
			name := core.Str(m, "name")
			if len(name) < 3 || !strings.EqualFold(name[:2], "x-") {
				return core.Errorf(http.StatusBadRequest, "InvalidInternetMessageHeader",
					"The internet message header name '%s' should start with 'x-' or 'X-'.", name)
			}
		}
	}
	if imp, ok := in["importance"]; ok && imp != nil {
		if s, _ := imp.(string); !core.ContainsFold([]string{"low", "normal", "high"}, s) {
			return core.BadRequest("importance must be low, normal or high.")
		}
	}
	if b, ok := in["body"]; ok && b != nil {
		m, isObj := b.(map[string]any)
		content, hasContent := m["content"]
		_, isStr := content.(string)
		ct := core.Str(m, "contentType")
		if !isObj || (hasContent && content != nil && !isStr) || (ct != "" && !core.ContainsFold([]string{"text", "html"}, ct)) {
			return core.BadRequest("body must be an object with contentType text or html and a content string.")
		}
	}
	for _, k := range []string{"isRead", "isDeliveryReceiptRequested", "isReadReceiptRequested"} {
		if v, ok := in[k]; ok && v != nil {
			if _, isBool := v.(bool); !isBool {
				return core.BadRequest("%s must be true or false.", k)
			}
		}
	}
	if v, ok := in["subject"]; ok && v != nil {
		if _, isStr := v.(string); !isStr {
			return core.BadRequest("subject must be a string.")
		}
	}
	if v, ok := in["categories"]; ok && v != nil {
		list, isList := v.([]any)
		for _, c := range list {
			if _, isStr := c.(string); !isStr {
				isList = false
			}
		}
		if !isList {
			return core.BadRequest("categories must be an array of strings.")
		}
	}
	if v, ok := in["flag"]; ok && v != nil {
		m, isObj := v.(map[string]any)
		if !isObj || !core.ContainsFold([]string{"notFlagged", "flagged", "complete"}, core.Str(m, "flagStatus")) {
			return core.BadRequest("flag.flagStatus must be notFlagged, flagged or complete.")
		}
	}
	for _, k := range extendedProps {
		if v, ok := in[k]; ok && v != nil {
			list, isList := v.([]any)
			for _, p := range list {
				m, isObj := p.(map[string]any)
				if !isObj || core.Str(m, "id") == "" {
					isList = false
				}
			}
			if !isList {
				return core.BadRequest("%s must be an array of {id, value}.", k)
			}
		}
	}
	return nil
}

func validRecipient(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	e, ok := m["emailAddress"].(map[string]any)
	if !ok {
		return false
	}
	addr := core.Str(e, "address")
	at := strings.IndexByte(addr, '@')
	return at > 0 && at < len(addr)-1 && !strings.ContainsAny(addr, " \t\r\n<>")
}

// attachedMessage is the item of an item attachment: a message, stored as
// sent.
func attachedMessage(item map[string]any, now time.Time) (map[string]any, string, error) {
	if err := checkMessageInput(item); err != nil {
		return nil, "", err
	}
	doc := newMessageDoc(item, now, "", "")
	doc["isDraft"] = false
	delete(doc, "internetMessageId")
	delete(doc, "conversationId")
	nameRecipients(context.Background(), doc, nil)
	return doc, "message/rfc822", nil
}

// newMessageDoc builds a stored message of owner's mailbox from client
// input: a draft, saved now (Exchange sets a draft's sent and received
// times to when it was saved), in a new conversation.
func newMessageDoc(in map[string]any, now time.Time, domain, owner string) map[string]any {
	index := core.NewConversationIndex(now)
	doc := map[string]any{
		"createdDateTime":            core.ISOTime(now),
		"lastModifiedDateTime":       core.ISOTime(now),
		"receivedDateTime":           core.ISOTime(now),
		"sentDateTime":               core.ISOTime(now),
		"changeKey":                  core.NewChangeKey(),
		"categories":                 []any{},
		"subject":                    "",
		"importance":                 "normal",
		"isRead":                     true,
		"isDraft":                    true,
		"isDeliveryReceiptRequested": false,
		"isReadReceiptRequested":     false,
		"hasAttachments":             false,
		"inferenceClassification":    "focused",
		"conversationIndex":          index,
		"conversationId":             core.ConversationID(owner, index),
		"internetMessageId":          "<" + uuid.NewString() + "@" + domain + ">",
		"body":                       map[string]any{"contentType": "text", "content": ""},
		"toRecipients":               []any{},
		"ccRecipients":               []any{},
		"bccRecipients":              []any{},
		"replyTo":                    []any{},
		"flag":                       map[string]any{"flagStatus": "notFlagged"},
	}
	for _, k := range messageWritable {
		if v, ok := in[k]; ok && v != nil {
			doc[k] = v
		}
	}
	doc["bodyPreview"] = bodyPreview(doc)
	return doc
}

func createDraft(ctx context.Context, c *core.Call) error {
	if err := mailbox(ctx, c); err != nil {
		return err
	}
	return createMessageIn(ctx, c, wellKnownID(c.User.ID, "drafts"))
}

func createFolderMessage(ctx context.Context, c *core.Call) error {
	f, err := folder(ctx, c, c.Param("folder"), core.CreateItems)
	if err != nil {
		return err
	}
	return createMessageIn(ctx, c, f.ID)
}

func createMessageIn(ctx context.Context, c *core.Call, folder string) error {
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	if err := checkMessageInput(in); err != nil {
		return err
	}
	exts, err := newMessageExtensions(in)
	if err != nil {
		return err
	}
	now := c.Now()
	doc := newMessageDoc(in, now, c.Domain(), c.User.ID)
	doc["parentFolderId"] = folder
	if exts != nil {
		doc["extensions"] = exts
	}
	if err := markCreator(ctx, c, doc); err != nil {
		return err
	}
	o := &core.Object{Collection: collMessages, Owner: c.User.ID, ID: core.NewItemID(c.User.ID), Parent: folder, Data: doc}
	o.Sort = messageSort(doc, now)
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		if err := permit(ctx, c, tx, folder, core.CreateItems, nil); err != nil {
			return err
		}
		nameRecipients(ctx, doc, tx)
		return putNewMessageTx(ctx, tx, o, in, now)
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusCreated, typeMessage, o.Data)
}

// recipientProps are the message properties holding recipients.
var recipientProps = []string{"from", "sender", "toRecipients", "ccRecipients", "bccRecipients", "replyTo"}

// nameRecipients gives a name to the recipients of doc that have none, as
// Exchange does when it resolves them: a tenant user's display name
// (looked up in tx; nil skips the lookup), else the address itself.
func nameRecipients(ctx context.Context, doc map[string]any, tx *core.Tx) {
	name := func(r any) {
		m, _ := r.(map[string]any)
		e, _ := m["emailAddress"].(map[string]any)
		addr := core.Str(e, "address")
		if e == nil || addr == "" || core.Str(e, "name") != "" {
			return
		}
		e["name"] = addr
		if tx == nil {
			return
		}
		if u, err := core.LookupUser(ctx, tx, addr); err == nil && u.DisplayName != "" {
			e["name"] = u.DisplayName
		}
	}
	for _, k := range recipientProps {
		switch v := doc[k].(type) {
		case []any:
			for _, r := range v {
				name(r)
			}
		case map[string]any:
			name(v)
		}
	}
}

// putNewMessageTx stores a new message m built from the client's input in,
// with the attachments the input carries.
func putNewMessageTx(ctx context.Context, tx *core.Tx, m *core.Object, in map[string]any, now time.Time) error {
	if err := tx.Put(ctx, m); err != nil {
		return err
	}
	list, _ := in["attachments"].([]any)
	for _, a := range list {
		am, ok := a.(map[string]any)
		if !ok {
			return core.BadRequest("attachments must be an array of objects.")
		}
		if _, err := messageAttachments.Put(ctx, tx, m, am, now, ""); err != nil {
			return err
		}
	}
	return nil
}

func patchMessage(ctx context.Context, c *core.Call) error {
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	if err := checkMessageInput(in); err != nil {
		return err
	}
	var o *core.Object
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		var err error
		if o, err = messageInFolder(ctx, c, tx, core.EditAllItems); err != nil {
			return err
		}
		draft, _ := o.Data["isDraft"].(bool)
		for k, v := range in {
			if strings.HasPrefix(k, "@") {
				continue
			}
			if !core.ContainsFold(messageWritable, k) {
				return core.Errorf(http.StatusBadRequest, "ErrorInvalidProperty", "The property '%s' is read-only or does not exist.", k)
			}
			if !draft && !core.ContainsFold(sentWritable, k) {
				return core.Errorf(http.StatusBadRequest, "ErrorInvalidPropertyUpdateSentMessage",
					"Update operation is invalid for property of a sent message: '%s'.", k)
			}
			switch {
			case core.ContainsFold(extendedProps, k):
				o.Data[k] = core.MergeExtendedProperties(o.Data[k], v)
			case v == nil:
				delete(o.Data, k)
			default:
				o.Data[k] = v
			}
		}
		now := c.Now()
		core.TouchItem(o.Data, now)
		if draft {
			o.Data["sentDateTime"] = core.ISOTime(now)
			o.Data["receivedDateTime"] = core.ISOTime(now)
		}
		o.Data["bodyPreview"] = bodyPreview(o.Data)
		nameRecipients(ctx, o.Data, tx)
		return tx.Put(ctx, o)
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusOK, typeMessage, o.Data)
}

// deleteMessageTx deletes a message and its attachments.
func deleteMessageTx(ctx context.Context, tx *core.Tx, owner, id string) error {
	if err := messageAttachments.DeleteAll(ctx, tx, owner, id); err != nil {
		return err
	}
	return tx.Delete(ctx, collMessages, owner, id)
}

func deleteMessage(ctx context.Context, c *core.Call) error {
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		o, err := messageInFolder(ctx, c, tx, core.DeleteAllItems)
		if err != nil {
			return err
		}
		return deleteMessageTx(ctx, tx, c.User.ID, o.ID)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

// copyMessageTx copies message m (of owner) into folder parent of newOwner,
// with its attachments (sharing their blobs); edit, if set, adjusts the
// copy's document before it is stored.
func copyMessageTx(ctx context.Context, tx *core.Tx, owner string, m *core.Object, newOwner, parent string, edit func(doc map[string]any)) (*core.Object, error) {
	doc := core.CloneDoc(m.Data)
	delete(doc, "id")
	doc["parentFolderId"] = parent
	doc["changeKey"] = core.NewChangeKey()
	if index := core.Str(doc, "conversationIndex"); index != "" {
		doc["conversationId"] = core.ConversationID(newOwner, index)
	}
	if edit != nil {
		edit(doc)
	}
	cp := &core.Object{Collection: collMessages, Owner: newOwner, ID: core.NewItemID(newOwner), Parent: parent, Data: doc, Created: m.Created}
	cp.Sort = messageSort(doc, m.Created)
	if err := tx.Put(ctx, cp); err != nil {
		return nil, err
	}
	if err := messageAttachments.CopyAll(ctx, tx, owner, m.ID, newOwner, cp.ID); err != nil {
		return nil, err
	}
	return cp, nil
}

// moveMessageTx moves a message to another folder. It keeps its immutable
// id; the REST id the core serves names the folder, so it changes, as
// Exchange's does.
func moveMessageTx(ctx context.Context, tx *core.Tx, m *core.Object, dest string, now time.Time) (*core.Object, error) {
	m.Parent = dest
	m.Data["parentFolderId"] = dest
	core.TouchItem(m.Data, now)
	return m, tx.Put(ctx, m)
}

func moveMessage(ctx context.Context, c *core.Call) error {
	return moveOrCopy(ctx, c, true)
}

func copyMessage(ctx context.Context, c *core.Call) error {
	return moveOrCopy(ctx, c, false)
}

func moveOrCopy(ctx context.Context, c *core.Call, move bool) error {
	action := actionCopy
	if move {
		action = actionMove
	}
	args, err := c.DecodeAction(action)
	if err != nil {
		return err
	}
	if err := mailbox(ctx, c); err != nil {
		return err
	}
	var out *core.Object
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		need := core.ReadItems
		if move {
			need = core.DeleteAllItems
		}
		m, err := messageInFolder(ctx, c, tx, need)
		if err != nil {
			return err
		}
		dest, err := destination(ctx, c, tx, args, core.CreateItems)
		if err != nil {
			return err
		}
		if move {
			out, err = moveMessageTx(ctx, tx, m, dest.ID, c.Now())
		} else {
			out, err = copyMessageTx(ctx, tx, c.User.ID, m, c.User.ID, dest.ID, nil)
		}
		return err
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusCreated, typeMessage, out.Data)
}

// Sending.

// recipientAddresses lists the unique addresses of to, cc and bcc.
func recipientAddresses(doc map[string]any) []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range []string{"toRecipients", "ccRecipients", "bccRecipients"} {
		list, _ := doc[k].([]any)
		for _, r := range list {
			m, _ := r.(map[string]any)
			e, _ := m["emailAddress"].(map[string]any)
			a := strings.ToLower(core.Str(e, "address"))
			if a != "" && !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	return out
}

func recipientOf(u *core.User) map[string]any {
	addr := u.Mail
	if addr == "" {
		addr = u.UPN
	}
	return map[string]any{"emailAddress": map[string]any{"name": u.DisplayName, "address": addr}}
}

// deliver sends the message m of sender: a copy in each tenant recipient's
// inbox, and m itself moved to Sent Items (or deleted when no copy is kept).
// m must already be stored (a draft).
func deliver(ctx context.Context, c *core.Call, tx *core.Tx, sender *core.User, m *core.Object, saveSent bool) error {
	return deliverEach(ctx, c, tx, sender, m, saveSent, nil)
}

// deliverEach is deliver with each, when set, adjusting every recipient's
// copy before it is stored (core.OutgoingMessage.Each).
func deliverEach(ctx context.Context, c *core.Call, tx *core.Tx, sender *core.User, m *core.Object, saveSent bool, each func(*core.User, map[string]any)) error {
	now := c.Now()
	doc := m.Data
	if len(recipientAddresses(doc)) == 0 {
		return core.Errorf(http.StatusBadRequest, "ErrorInvalidRecipients", "At least one recipient is not valid., A message can't be sent because it contains no recipients.")
	}
	if at, ok := deferredSendTime(doc); ok && at.After(now) {
		core.TouchItem(doc, now)
		return parkDeferred(ctx, tx, sender, m, at, saveSent)
	}
	if r, ok := doc["from"].(map[string]any); !ok || !validRecipient(r) {
		doc["from"] = recipientOf(sender)
	}
	if r, ok := doc["sender"].(map[string]any); !ok || !validRecipient(r) {
		doc["sender"] = doc["from"]
	}
	doc["sentDateTime"] = core.ISOTime(now)
	doc["receivedDateTime"] = core.ISOTime(now)
	doc["isDraft"] = false
	core.TouchItem(doc, now)
	doc["bodyPreview"] = bodyPreview(doc)
	nameRecipients(ctx, doc, tx)
	addrs := recipientAddresses(doc)
	autoFrom := ""
	if f, _ := doc["from"].(map[string]any); f != nil {
		e, _ := f["emailAddress"].(map[string]any)
		autoFrom = core.Str(e, "address")
	}
	delivered := map[string]bool{}
	for _, a := range addrs {
		u, err := core.LookupUser(ctx, tx, a)
		if core.IsNotFound(err) {
			continue // outside the tenant: gone to the internet
		}
		if err != nil {
			return err
		}
		if delivered[u.ID] {
			continue
		}
		delivered[u.ID] = true
		if err := mailboxFolders.Ensure(ctx, tx, u.ID, now); err != nil {
			return err
		}
		if full, err := mailboxFull(ctx, tx, u.ID); err != nil {
			return err
		} else if full {
			if ndr, _ := doc["_ndr"].(bool); !ndr {
				if err := bounce(ctx, c, tx, sender, doc, u, "The recipient's mailbox is full and can't accept messages now. Please try resending this message later, or contact the recipient directly.", now); err != nil {
					return err
				}
			}
			continue
		}
		inbox := wellKnownID(u.ID, "inbox")
		class, err := classification(ctx, tx, u, addrOf(doc["from"]))
		if err != nil {
			return err
		}
		cp, err := copyMessageTx(ctx, tx, sender.ID, m, u.ID, inbox, func(d map[string]any) {
			d["isRead"] = false
			d["bccRecipients"] = []any{}
			d["flag"] = map[string]any{"flagStatus": "notFlagged"}
			d["categories"] = []any{}
			d["inferenceClassification"] = class
			delete(d, "singleValueExtendedProperties")
			delete(d, "multiValueExtendedProperties")
			delete(d, "_createdBy")
			delete(d, "extensions")
			if each != nil {
				each(u, d)
			}
		})
		if err != nil {
			return err
		}
		if err := runRules(ctx, c, tx, u, cp); err != nil {
			return err
		}
		if auto, _ := doc["_autoReply"].(bool); !auto && !strings.EqualFold(u.ID, sender.ID) {
			if err := autoReply(ctx, c, tx, u, doc, autoFrom, now); err != nil {
				return err
			}
		}
	}
	if !saveSent {
		return deleteMessageTx(ctx, tx, sender.ID, m.ID)
	}
	sent := wellKnownID(sender.ID, "sentitems")
	m.Sort = messageSort(doc, now)
	_, err := moveMessageTx(ctx, tx, m, sent, now)
	return err
}

// autoReply answers a delivered message once per sender while the
// recipient's automatic replies are on.
func autoReply(ctx context.Context, c *core.Call, tx *core.Tx, u *core.User, orig map[string]any, to string, now time.Time) error {
	text, on := autoReplyActive(ctx, tx, c, u.ID, now)
	if !on || to == "" {
		return nil
	}
	key := "mail:autoreplied:" + u.ID + ":" + strings.ToLower(to)
	if _, done, err := tx.KVGet(ctx, key); err != nil || done {
		return err
	}
	if err := tx.KVPut(ctx, key, []byte("1"), now.Add(24*time.Hour)); err != nil {
		return err
	}
	doc := newMessageDoc(map[string]any{
		"subject":      "Automatic reply: " + core.Str(orig, "subject"),
		"body":         map[string]any{"contentType": "html", "content": text},
		"toRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": to}}},
	}, now, c.Domain(), u.ID)
	inReplyTo(doc, orig, u.ID, now)
	doc["_autoReply"] = true
	drafts := wellKnownID(u.ID, "drafts")
	doc["parentFolderId"] = drafts
	m := &core.Object{Collection: collMessages, Owner: u.ID, ID: core.NewItemID(u.ID), Parent: drafts, Data: doc}
	if err := tx.Put(ctx, m); err != nil {
		return err
	}
	return deliver(ctx, c, tx, u, m, true)
}

// keepSentCopy reads PidTagDeleteAfterSubmit from a draft.
func keepSentCopy(doc map[string]any) bool {
	list, _ := doc["singleValueExtendedProperties"].([]any)
	for _, p := range list {
		m, _ := p.(map[string]any)
		if strings.EqualFold(core.Str(m, "id"), propDeleteAfterSubmit) && strings.EqualFold(core.Str(m, "value"), "true") {
			return false
		}
	}
	return true
}

func sendDraft(ctx context.Context, c *core.Call) error {
	if _, err := c.DecodeAction(actionSend); err != nil {
		return err
	}
	if err := mailbox(ctx, c); err != nil {
		return err
	}
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		m, err := messageInFolder(ctx, c, tx, core.EditAllItems)
		if err != nil {
			return err
		}
		if d, _ := m.Data["isDraft"].(bool); !d {
			return core.Errorf(http.StatusBadRequest, "ErrorInvalidOperation", "Only draft messages can be sent; this message has been sent already.")
		}
		if err := sendingAs(ctx, c, tx, m.Data); err != nil {
			return err
		}
		return deliver(ctx, c, tx, c.User, m, keepSentCopy(m.Data))
	})
	if err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusAccepted)
	return nil
}

func sendMail(ctx context.Context, c *core.Call) error {
	if err := mailbox(ctx, c); err != nil {
		return err
	}
	ct := strings.ToLower(c.R.Header.Get("Content-Type"))
	if strings.HasPrefix(ct, "text/plain") {
		return sendMIME(ctx, c)
	}
	args, err := c.DecodeAction(actionSendMail)
	if err != nil {
		return err
	}
	msg := args.Object("Message")
	if msg == nil {
		return core.Errorf(http.StatusBadRequest, "ErrorInvalidParameter", "The value of the parameter 'Message' is empty.")
	}
	return sendNew(ctx, c, msg, nil, args.Bool("SaveToSentItems", true))
}

// sendNew stores msg as a draft with its attachments and delivers it, all in
// one transaction.
func sendNew(ctx context.Context, c *core.Call, in map[string]any, files []core.MIMEFile, save bool) error {
	if err := checkMessageInput(in); err != nil {
		return err
	}
	now := c.Now()
	drafts := wellKnownID(c.User.ID, "drafts")
	doc := newMessageDoc(in, now, c.Domain(), c.User.ID)
	doc["parentFolderId"] = drafts
	if id, ok := in["internetMessageId"].(string); ok && id != "" {
		doc["internetMessageId"] = id
	}
	m := &core.Object{Collection: collMessages, Owner: c.User.ID, ID: core.NewItemID(c.User.ID), Parent: drafts, Data: doc}
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		if err := sendingAs(ctx, c, tx, doc); err != nil {
			return err
		}
		if err := putNewMessageTx(ctx, tx, m, in, now); err != nil {
			return err
		}
		for _, f := range files {
			am := map[string]any{
				"@odata.type": core.TypeFileAttachment, "name": f.Name, "contentType": f.ContentType,
				"isInline": f.Inline, "contentId": f.ContentID, "contentBytes": base64.StdEncoding.EncodeToString(f.Data),
			}
			if _, err := messageAttachments.Put(ctx, tx, m, am, now, ""); err != nil {
				return err
			}
		}
		return deliver(ctx, c, tx, c.User, m, save)
	})
	if err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusAccepted)
	return nil
}

// Replies and forwards.

var (
	replyPrefix   = regexp.MustCompile(`(?i)^\s*re:\s*`)
	forwardPrefix = regexp.MustCompile(`(?i)^\s*(fw|fwd):\s*`)
)

func responseSubject(kind, subject string) string {
	if kind == "forward" {
		if forwardPrefix.MatchString(subject) {
			return subject
		}
		return "FW: " + subject
	}
	if replyPrefix.MatchString(subject) {
		return subject
	}
	return "RE: " + subject
}

func addrOf(r any) string {
	m, _ := r.(map[string]any)
	e, _ := m["emailAddress"].(map[string]any)
	return strings.ToLower(core.Str(e, "address"))
}

func formatRecipients(list []any) string {
	var parts []string
	for _, r := range list {
		m, _ := r.(map[string]any)
		e, _ := m["emailAddress"].(map[string]any)
		if n := core.Str(e, "name"); n != "" {
			parts = append(parts, html.EscapeString(n)+" &lt;"+html.EscapeString(core.Str(e, "address"))+"&gt;")
		} else {
			parts = append(parts, html.EscapeString(core.Str(e, "address")))
		}
	}
	return strings.Join(parts, "; ")
}

// responseDoc builds the draft of a reply, reply-all or forward to orig.
func responseDoc(c *core.Call, orig map[string]any, kind, comment string, now time.Time) map[string]any {
	me := map[string]bool{strings.ToLower(c.User.Mail): true, strings.ToLower(c.User.UPN): true}
	from := orig["from"]
	if from == nil {
		from = orig["sender"]
	}
	var to, cc []any
	seen := map[string]bool{}
	add := func(dst *[]any, r any) {
		a := addrOf(r)
		if a == "" || seen[a] || me[a] {
			return
		}
		seen[a] = true
		*dst = append(*dst, r)
	}
	origTo, _ := orig["toRecipients"].([]any)
	origCc, _ := orig["ccRecipients"].([]any)
	switch kind {
	case "reply", "replyAll":
		if replyTo, _ := orig["replyTo"].([]any); len(replyTo) > 0 {
			for _, r := range replyTo {
				add(&to, r)
			}
		} else if me[addrOf(from)] {
			for _, r := range origTo {
				add(&to, r)
			}
		} else {
			add(&to, from)
		}
		if kind == "replyAll" {
			for _, r := range origTo {
				add(&to, r)
			}
			for _, r := range origCc {
				add(&cc, r)
			}
		}
	}
	b, _ := orig["body"].(map[string]any)
	quoted := core.Str(b, "content")
	if !strings.EqualFold(core.Str(b, "contentType"), "html") {
		quoted = "<pre>" + html.EscapeString(quoted) + "</pre>"
	}
	fromList := []any{from}
	header := fmt.Sprintf(`<div id="divRplyFwdMsg"><b>From:</b> %s<br><b>Sent:</b> %s<br><b>To:</b> %s<br>`,
		formatRecipients(fromList), html.EscapeString(core.Str(orig, "sentDateTime")), formatRecipients(origTo))
	if len(origCc) > 0 {
		header += "<b>Cc:</b> " + formatRecipients(origCc) + "<br>"
	}
	header += "<b>Subject:</b> " + html.EscapeString(core.Str(orig, "subject")) + "</div>"
	content := "<html><body><div>" + html.EscapeString(comment) + "</div><hr>" + header + "<br>" + quoted + "</body></html>"
	doc := newMessageDoc(map[string]any{
		"subject":      responseSubject(kind, core.Str(orig, "subject")),
		"body":         map[string]any{"contentType": "html", "content": content},
		"toRecipients": orEmpty(to),
		"ccRecipients": orEmpty(cc),
	}, now, c.Domain(), c.User.ID)
	inReplyTo(doc, orig, c.User.ID, now)
	return doc
}

// inReplyTo puts the response doc of owner in the conversation of orig.
func inReplyTo(doc, orig map[string]any, owner string, now time.Time) {
	if index := core.Str(orig, "conversationIndex"); index != "" {
		doc["conversationIndex"] = core.ReplyConversationIndex(index, now)
		doc["conversationId"] = core.ConversationID(owner, index)
	}
	doc["_inReplyTo"] = orig["internetMessageId"]
}

func orEmpty(list []any) []any {
	if list == nil {
		return []any{}
	}
	return list
}

// createResponseTx stores the response draft for the addressed message.
func createResponseTx(ctx context.Context, c *core.Call, tx *core.Tx, kind string, args core.ActionArgs) (*core.Object, error) {
	orig, err := messageInFolder(ctx, c, tx, core.ReadItems)
	if err != nil {
		return nil, err
	}
	drafts := wellKnownID(c.User.ID, "drafts")
	if err := permit(ctx, c, tx, drafts, core.CreateItems, nil); err != nil {
		return nil, err
	}
	now := c.Now()
	doc := responseDoc(c, orig.Data, kind, args.String("Comment"), now)
	if part := args.Object("Message"); part != nil {
		if err := checkMessageInput(part); err != nil {
			return nil, err
		}
		for _, k := range messageWritable {
			if v, ok := part[k]; ok && v != nil {
				if k == "toRecipients" && kind != "forward" {
					doc[k] = append(doc[k].([]any), v.([]any)...)
					continue
				}
				doc[k] = v
			}
		}
	}
	if to := args.List("ToRecipients"); to != nil {
		if err := checkMessageInput(map[string]any{"toRecipients": to}); err != nil {
			return nil, err
		}
		doc["toRecipients"] = append(doc["toRecipients"].([]any), to...)
	}
	doc["parentFolderId"] = drafts
	if err := markCreator(ctx, c, doc); err != nil {
		return nil, err
	}
	nameRecipients(ctx, doc, tx)
	d := &core.Object{Collection: collMessages, Owner: c.User.ID, ID: core.NewItemID(c.User.ID), Parent: drafts, Data: doc}
	d.Sort = messageSort(doc, now)
	if err := tx.Put(ctx, d); err != nil {
		return nil, err
	}
	if kind == "forward" {
		if err := messageAttachments.CopyAll(ctx, tx, c.User.ID, orig.ID, c.User.ID, d.ID); err != nil {
			return nil, err
		}
		if n, _ := tx.Count(ctx, messageAttachments.Scope(c.User.ID, d.ID)); n > 0 {
			doc["hasAttachments"] = orig.Data["hasAttachments"]
			if err := tx.Put(ctx, d); err != nil {
				return nil, err
			}
		}
	}
	return d, nil
}

func respondDraft(kind string) func(context.Context, *core.Call) error {
	return func(ctx context.Context, c *core.Call) error {
		args, err := c.DecodeAction(responseActions[kind][false])
		if err != nil {
			return err
		}
		if err := mailbox(ctx, c); err != nil {
			return err
		}
		var d *core.Object
		err = c.Store().Write(ctx, func(tx *core.Tx) error {
			var err error
			d, err = createResponseTx(ctx, c, tx, kind, args)
			return err
		})
		if err != nil {
			return err
		}
		return c.EntityOf(http.StatusCreated, typeMessage, d.Data)
	}
}

func respondDirect(kind string) func(context.Context, *core.Call) error {
	return func(ctx context.Context, c *core.Call) error {
		args, err := c.DecodeAction(responseActions[kind][true])
		if err != nil {
			return err
		}
		if err := mailbox(ctx, c); err != nil {
			return err
		}
		if kind == "forward" {
			if len(args.List("ToRecipients")) == 0 && args.Object("Message")["toRecipients"] == nil {
				return core.Errorf(http.StatusBadRequest, "ErrorInvalidRecipients", "At least one recipient is required to forward a message.")
			}
		}
		err = c.Store().Write(ctx, func(tx *core.Tx) error {
			d, err := createResponseTx(ctx, c, tx, kind, args)
			if err != nil {
				return err
			}
			if err := sendingAs(ctx, c, tx, d.Data); err != nil {
				return err
			}
			return deliver(ctx, c, tx, c.User, d, true)
		})
		if err != nil {
			return err
		}
		c.W.WriteHeader(http.StatusAccepted)
		return nil
	}
}
