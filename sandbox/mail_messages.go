package sandbox

import (
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

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
	graphDateLayout       = "2006-01-02T15:04:05Z"
)

func isoTime(t time.Time) string { return t.UTC().Format(graphDateLayout) }

// messageSort orders messages by received time (drafts by modification).
func messageSort(doc map[string]any, fallback time.Time) string {
	if t, err := time.Parse(time.RFC3339, str(doc, "receivedDateTime")); err == nil {
		return t.UTC().Format(sortTimeLayout)
	}
	return fallback.UTC().Format(sortTimeLayout)
}

// bodyPreview is the first 255 characters of the body as text.
func bodyPreview(doc map[string]any) string {
	b, _ := doc["body"].(map[string]any)
	content, _ := b["content"].(string)
	if strings.EqualFold(str(b, "contentType"), "html") {
		content = htmlToText(content)
	}
	content = strings.Join(strings.Fields(content), " ")
	if utf8.RuneCountInString(content) > 255 {
		content = string([]rune(content)[:255])
	}
	return content
}

// presentMessage is what a client sees of a stored message.
func presentMessage(c *call, doc map[string]any) map[string]any {
	out := publicDoc(doc)
	delete(out, "singleValueExtendedProperties")
	delete(out, "multiValueExtendedProperties")
	if v, ok := c.preference("outlook.body-content-type"); ok {
		want := strings.ToLower(v)
		if want == "text" || want == "html" {
			c.applyOnce(`outlook.body-content-type="` + want + `"`)
			out = withBodyType(out, "body", want)
		}
	}
	if _, ok := c.preference("IdType"); ok {
		c.applyOnce(`IdType="ImmutableId"`)
	}
	return out
}

// applyOnce records a preference once per answer.
func (c *call) applyOnce(token string) {
	for _, a := range c.applied {
		if a == token {
			return
		}
	}
	c.applyPreference(token)
}

func (c *call) immutableIDs() bool {
	v, ok := c.preference("IdType")
	return ok && strings.EqualFold(v, "ImmutableId")
}

func messageExpanders() map[string]expander {
	// Extended properties are not part of the presented document; they are
	// read back from the stored message.
	ext := func(name string) expander {
		return func(ctx context.Context, c *call, doc map[string]any, item odata.ExpandItem) (any, error) {
			var list []any
			err := c.s.st.read(ctx, func(tx *txn) error {
				o, err := tx.get(ctx, collMessages, c.user.ID, str(doc, "id"))
				if err == nil {
					list, _ = o.Data[name].([]any)
				}
				return err
			})
			if err != nil {
				return nil, err
			}
			return evalFilter(item, list), nil
		}
	}
	return map[string]expander{
		"attachments": func(ctx context.Context, c *call, doc map[string]any, _ odata.ExpandItem) (any, error) {
			var out []any
			err := c.s.st.read(ctx, func(tx *txn) error {
				atts, err := tx.list(ctx, scope{Collection: collMailAttachments, Owner: c.user.ID, Parent: str(doc, "id"), ByParent: true}, false, 0, 0)
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
				res = append(res, presentAttachment(c, a.(map[string]any)))
			}
			return res, nil
		},
		"singleValueExtendedProperties": ext("singleValueExtendedProperties"),
		"multiValueExtendedProperties":  ext("multiValueExtendedProperties"),
	}
}

func messageListSpec(c *call, sc scope) listSpec {
	return listSpec{
		Scope:        sc,
		Desc:         true,
		DefaultTop:   10,
		MaxTop:       1000,
		SearchFields: messageSearchFields,
		Present:      presentMessage,
		Expand:       messageExpanders(),
	}
}

func listFolderMessages(ctx context.Context, c *call) error {
	f, err := c.folder(ctx, c.param("folder"))
	if err != nil {
		return err
	}
	return c.list(ctx, messageListSpec(c, scope{Collection: collMessages, Owner: c.user.ID, Parent: f.ID, ByParent: true}))
}

func listAllMessages(ctx context.Context, c *call) error {
	if err := c.mailbox(ctx); err != nil {
		return err
	}
	return c.list(ctx, messageListSpec(c, scope{Collection: collMessages, Owner: c.user.ID}))
}

func deltaMessages(ctx context.Context, c *call) error {
	f, err := c.folder(ctx, c.param("folder"))
	if err != nil {
		return err
	}
	return c.delta(ctx, deltaSpec{
		Scope:    scope{Collection: collMessages, Owner: c.user.ID, Parent: f.ID, ByParent: true},
		PageSize: 10,
		Present:  presentMessage,
	})
}

// messageInFolder loads a message; with a {folder} in the route it must be
// there.
func (c *call) messageInFolder(ctx context.Context, tx *txn) (*object, error) {
	o, err := tx.get(ctx, collMessages, c.user.ID, c.param("id"))
	if isNotFound(err) {
		return nil, errMessageNotFound()
	}
	if err != nil {
		return nil, err
	}
	if p := c.param("folder"); p != "" && o.Parent != folderID(c.user.ID, p) {
		return nil, errMessageNotFound()
	}
	return o, nil
}

func getMessage(ctx context.Context, c *call) error {
	var parent string
	err := c.s.st.read(ctx, func(tx *txn) error {
		o, err := c.messageInFolder(ctx, tx)
		if err == nil {
			parent = o.Parent
		}
		return err
	})
	if err != nil {
		return err
	}
	err = c.getEntity(ctx, messageListSpec(c, scope{Collection: collMessages, Owner: c.user.ID, Parent: parent, ByParent: true}), c.param("id"))
	if isNotFound(err) {
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
			return errBadRequest("%s must be an array of recipients.", k)
		}
		for _, r := range list {
			if !validRecipient(r) {
				return errorf(http.StatusBadRequest, "ErrorInvalidRecipients", "At least one recipient is not valid., Recipient '%v' is not resolved.", r)
			}
		}
	}
	for _, k := range []string{"from", "sender"} {
		if v, ok := in[k]; ok && v != nil && !validRecipient(v) {
			return errorf(http.StatusBadRequest, "ErrorInvalidRecipients", "The %s address is not valid.", k)
		}
	}
	if hs, ok := in["internetMessageHeaders"].([]any); ok {
		for _, h := range hs {
			m, _ := h.(map[string]any)
			name := str(m, "name")
			if len(name) < 3 || !strings.EqualFold(name[:2], "x-") {
				return errorf(http.StatusBadRequest, "InvalidInternetMessageHeader",
					"The internet message header name '%s' should start with 'x-' or 'X-'.", name)
			}
		}
	}
	if imp, ok := in["importance"]; ok && imp != nil {
		if s, _ := imp.(string); !containsFold([]string{"low", "normal", "high"}, s) {
			return errBadRequest("importance must be low, normal or high.")
		}
	}
	if b, ok := in["body"]; ok && b != nil {
		m, isObj := b.(map[string]any)
		content, hasContent := m["content"]
		_, isStr := content.(string)
		ct := str(m, "contentType")
		if !isObj || (hasContent && content != nil && !isStr) || (ct != "" && !containsFold([]string{"text", "html"}, ct)) {
			return errBadRequest("body must be an object with contentType text or html and a content string.")
		}
	}
	for _, k := range []string{"isRead", "isDeliveryReceiptRequested", "isReadReceiptRequested"} {
		if v, ok := in[k]; ok && v != nil {
			if _, isBool := v.(bool); !isBool {
				return errBadRequest("%s must be true or false.", k)
			}
		}
	}
	if v, ok := in["subject"]; ok && v != nil {
		if _, isStr := v.(string); !isStr {
			return errBadRequest("subject must be a string.")
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
			return errBadRequest("categories must be an array of strings.")
		}
	}
	if v, ok := in["flag"]; ok && v != nil {
		m, isObj := v.(map[string]any)
		if !isObj || !containsFold([]string{"notFlagged", "flagged", "complete"}, str(m, "flagStatus")) {
			return errBadRequest("flag.flagStatus must be notFlagged, flagged or complete.")
		}
	}
	for _, k := range extendedProps {
		if v, ok := in[k]; ok && v != nil {
			list, isList := v.([]any)
			for _, p := range list {
				m, isObj := p.(map[string]any)
				if !isObj || str(m, "id") == "" {
					isList = false
				}
			}
			if !isList {
				return errBadRequest("%s must be an array of {id, value}.", k)
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
	addr := str(e, "address")
	at := strings.IndexByte(addr, '@')
	return at > 0 && at < len(addr)-1 && !strings.ContainsAny(addr, " \t\r\n<>")
}

// newMessageDoc builds a stored message from client input.
func newMessageDoc(in map[string]any, now time.Time, domain string) map[string]any {
	doc := map[string]any{
		"createdDateTime":            isoTime(now),
		"lastModifiedDateTime":       isoTime(now),
		"changeKey":                  uuid.NewString(),
		"categories":                 []any{},
		"subject":                    "",
		"importance":                 "normal",
		"isRead":                     true,
		"isDraft":                    true,
		"isDeliveryReceiptRequested": false,
		"isReadReceiptRequested":     false,
		"hasAttachments":             false,
		"inferenceClassification":    "focused",
		"conversationId":             uuid.NewString(),
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

func createDraft(ctx context.Context, c *call) error {
	if err := c.mailbox(ctx); err != nil {
		return err
	}
	return c.createMessageIn(ctx, wellKnownID(c.user.ID, "drafts"))
}

func createFolderMessage(ctx context.Context, c *call) error {
	f, err := c.folder(ctx, c.param("folder"))
	if err != nil {
		return err
	}
	return c.createMessageIn(ctx, f.ID)
}

func (c *call) createMessageIn(ctx context.Context, folder string) error {
	var in map[string]any
	if err := c.decode(&in); err != nil {
		return err
	}
	if err := checkMessageInput(in); err != nil {
		return err
	}
	now := c.s.now()
	doc := newMessageDoc(in, now, c.s.domain)
	doc["parentFolderId"] = folder
	o := &object{Collection: collMessages, Owner: c.user.ID, ID: uuid.NewString(), Parent: folder, Data: doc}
	o.Sort = messageSort(doc, now)
	err := c.s.st.write(ctx, func(tx *txn) error { return putNewMessageTx(ctx, tx, o, in, now) })
	if err != nil {
		return err
	}
	return c.entity(http.StatusCreated, presentMessage(c, o.Data))
}

// putNewMessageTx stores a new message m built from the client's input in,
// with the attachments the input carries.
func putNewMessageTx(ctx context.Context, tx *txn, m *object, in map[string]any, now time.Time) error {
	if err := tx.put(ctx, m); err != nil {
		return err
	}
	list, _ := in["attachments"].([]any)
	for _, a := range list {
		am, ok := a.(map[string]any)
		if !ok {
			return errBadRequest("attachments must be an array of objects.")
		}
		if _, err := putAttachmentTx(ctx, tx, m.Owner, m, am, now); err != nil {
			return err
		}
	}
	return nil
}

// mergeExtended merges extended properties by id.
func mergeExtended(cur, patch any) []any {
	old, _ := cur.([]any)
	out := append([]any(nil), old...)
	add, _ := patch.([]any)
	for _, p := range add {
		pm, _ := p.(map[string]any)
		replaced := false
		for i, o := range out {
			om, _ := o.(map[string]any)
			if strings.EqualFold(str(om, "id"), str(pm, "id")) {
				out[i] = pm
				replaced = true
			}
		}
		if !replaced {
			out = append(out, pm)
		}
	}
	return out
}

func patchMessage(ctx context.Context, c *call) error {
	var in map[string]any
	if err := c.decode(&in); err != nil {
		return err
	}
	if err := checkMessageInput(in); err != nil {
		return err
	}
	var o *object
	err := c.s.st.write(ctx, func(tx *txn) error {
		var err error
		if o, err = c.messageInFolder(ctx, tx); err != nil {
			return err
		}
		draft, _ := o.Data["isDraft"].(bool)
		for k, v := range in {
			if strings.HasPrefix(k, "@") {
				continue
			}
			if !containsFold(messageWritable, k) {
				return errorf(http.StatusBadRequest, "ErrorInvalidProperty", "The property '%s' is read-only or does not exist.", k)
			}
			if !draft && !containsFold(sentWritable, k) {
				return errorf(http.StatusBadRequest, "ErrorInvalidPropertyUpdateSentMessage",
					"Update operation is invalid for property of a sent message: '%s'.", k)
			}
			switch {
			case containsFold(extendedProps, k):
				o.Data[k] = mergeExtended(o.Data[k], v)
			case v == nil:
				delete(o.Data, k)
			default:
				o.Data[k] = v
			}
		}
		now := c.s.now()
		o.Data["lastModifiedDateTime"] = isoTime(now)
		o.Data["changeKey"] = uuid.NewString()
		o.Data["bodyPreview"] = bodyPreview(o.Data)
		return tx.put(ctx, o)
	})
	if err != nil {
		return err
	}
	return c.entity(http.StatusOK, presentMessage(c, o.Data))
}

// deleteMessageTx deletes a message and its attachments.
func deleteMessageTx(ctx context.Context, tx *txn, owner, id string) error {
	atts, err := tx.list(ctx, scope{Collection: collMailAttachments, Owner: owner, Parent: id, ByParent: true}, false, 0, 0)
	if err != nil {
		return err
	}
	for _, a := range atts {
		if err := tx.delete(ctx, collMailAttachments, owner, a.ID); err != nil {
			return err
		}
	}
	return tx.delete(ctx, collMessages, owner, id)
}

func deleteMessage(ctx context.Context, c *call) error {
	err := c.s.st.write(ctx, func(tx *txn) error {
		o, err := c.messageInFolder(ctx, tx)
		if err != nil {
			return err
		}
		return deleteMessageTx(ctx, tx, c.user.ID, o.ID)
	})
	if err != nil {
		return err
	}
	return c.noContent()
}

// copyMessageTx copies message m (of owner) into folder parent of newOwner,
// with its attachments (sharing their blobs); edit, if set, adjusts the
// copy's document before it is stored.
func copyMessageTx(ctx context.Context, tx *txn, owner string, m *object, newOwner, parent string, edit func(doc map[string]any)) (*object, error) {
	doc := cloneDoc(m.Data)
	delete(doc, "id")
	doc["parentFolderId"] = parent
	doc["changeKey"] = uuid.NewString()
	if edit != nil {
		edit(doc)
	}
	cp := &object{Collection: collMessages, Owner: newOwner, ID: uuid.NewString(), Parent: parent, Data: doc, Created: m.Created}
	cp.Sort = messageSort(doc, m.Created)
	if err := tx.put(ctx, cp); err != nil {
		return nil, err
	}
	if err := copyAttachmentsTx(ctx, tx, owner, m.ID, newOwner, cp.ID); err != nil {
		return nil, err
	}
	return cp, nil
}

func copyAttachmentsTx(ctx context.Context, tx *txn, owner, fromMsg, newOwner, toMsg string) error {
	atts, err := tx.list(ctx, scope{Collection: collMailAttachments, Owner: owner, Parent: fromMsg, ByParent: true}, false, 0, 0)
	if err != nil {
		return err
	}
	for _, a := range atts {
		data := cloneDoc(a.Data)
		delete(data, "id")
		if err := tx.put(ctx, &object{Collection: collMailAttachments, Owner: newOwner, ID: uuid.NewString(), Parent: toMsg, Data: data, Created: a.Created}); err != nil {
			return err
		}
	}
	return nil
}

// moveMessageTx moves a message to another folder: it keeps its id with
// immutable ids, else gets a new one, as Exchange does.
func moveMessageTx(ctx context.Context, tx *txn, owner string, m *object, dest string, immutable bool) (*object, error) {
	if immutable {
		m.Parent = dest
		m.Data["parentFolderId"] = dest
		m.Data["changeKey"] = uuid.NewString()
		return m, tx.put(ctx, m)
	}
	cp, err := copyMessageTx(ctx, tx, owner, m, owner, dest, nil)
	if err != nil {
		return nil, err
	}
	return cp, deleteMessageTx(ctx, tx, owner, m.ID)
}

func moveMessage(ctx context.Context, c *call) error {
	return c.moveOrCopy(ctx, true)
}

func copyMessage(ctx context.Context, c *call) error {
	return c.moveOrCopy(ctx, false)
}

func (c *call) moveOrCopy(ctx context.Context, move bool) error {
	var in map[string]any
	if err := c.decode(&in); err != nil {
		return err
	}
	if err := c.mailbox(ctx); err != nil {
		return err
	}
	var out *object
	err := c.s.st.write(ctx, func(tx *txn) error {
		m, err := c.messageInFolder(ctx, tx)
		if err != nil {
			return err
		}
		dest, err := c.destination(ctx, tx, in)
		if err != nil {
			return err
		}
		if move {
			out, err = moveMessageTx(ctx, tx, c.user.ID, m, dest.ID, c.immutableIDs())
		} else {
			out, err = copyMessageTx(ctx, tx, c.user.ID, m, c.user.ID, dest.ID, nil)
		}
		return err
	})
	if err != nil {
		return err
	}
	return c.entity(http.StatusCreated, presentMessage(c, out.Data))
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
			a := strings.ToLower(str(e, "address"))
			if a != "" && !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	return out
}

func recipientOf(u *dirUser) map[string]any {
	addr := u.Mail
	if addr == "" {
		addr = u.UPN
	}
	return map[string]any{"emailAddress": map[string]any{"name": u.DisplayName, "address": addr}}
}

// deliver sends the message m of sender: a copy in each tenant recipient's
// inbox, and m itself moved to Sent Items (or deleted when no copy is kept).
// m must already be stored (a draft).
func (c *call) deliver(ctx context.Context, tx *txn, sender *dirUser, m *object, saveSent bool) error {
	now := c.s.now()
	doc := m.Data
	if len(recipientAddresses(doc)) == 0 {
		return errorf(http.StatusBadRequest, "ErrorInvalidRecipients", "At least one recipient is not valid., A message can't be sent because it contains no recipients.")
	}
	if at, ok := deferredSendTime(doc); ok && at.After(now) {
		return parkDeferred(ctx, tx, sender, m, at, saveSent)
	}
	if r, ok := doc["from"].(map[string]any); !ok || !validRecipient(r) {
		doc["from"] = recipientOf(sender)
	}
	doc["sender"] = recipientOf(sender)
	doc["sentDateTime"] = isoTime(now)
	doc["receivedDateTime"] = isoTime(now)
	doc["isDraft"] = false
	doc["lastModifiedDateTime"] = isoTime(now)
	doc["bodyPreview"] = bodyPreview(doc)
	addrs := recipientAddresses(doc)
	autoFrom := ""
	if f, _ := doc["from"].(map[string]any); f != nil {
		e, _ := f["emailAddress"].(map[string]any)
		autoFrom = str(e, "address")
	}
	delivered := map[string]bool{}
	for _, a := range addrs {
		u, err := lookupUser(ctx, tx, a)
		if isNotFound(err) {
			continue // outside the tenant: gone to the internet
		}
		if err != nil {
			return err
		}
		if delivered[u.ID] {
			continue
		}
		delivered[u.ID] = true
		if err := ensureMailbox(ctx, tx, u.ID, now); err != nil {
			return err
		}
		inbox := wellKnownID(u.ID, "inbox")
		_, err = copyMessageTx(ctx, tx, sender.ID, m, u.ID, inbox, func(d map[string]any) {
			d["isRead"] = false
			d["bccRecipients"] = []any{}
			d["flag"] = map[string]any{"flagStatus": "notFlagged"}
			d["categories"] = []any{}
			d["inferenceClassification"] = "focused"
			delete(d, "singleValueExtendedProperties")
			delete(d, "multiValueExtendedProperties")
		})
		if err != nil {
			return err
		}
		if auto, _ := doc["_autoReply"].(bool); !auto && !strings.EqualFold(u.ID, sender.ID) {
			if err := c.autoReply(ctx, tx, u, doc, autoFrom, now); err != nil {
				return err
			}
		}
	}
	if !saveSent {
		return deleteMessageTx(ctx, tx, sender.ID, m.ID)
	}
	sent := wellKnownID(sender.ID, "sentitems")
	m.Sort = messageSort(doc, now)
	if _, err := moveMessageTx(ctx, tx, sender.ID, m, sent, true); err != nil {
		return err
	}
	return nil
}

// autoReply answers a delivered message once per sender while the
// recipient's automatic replies are on.
func (c *call) autoReply(ctx context.Context, tx *txn, u *dirUser, orig map[string]any, to string, now time.Time) error {
	text, on := autoReplyActive(ctx, tx, c, u.ID, now)
	if !on || to == "" {
		return nil
	}
	key := "mail:autoreplied:" + u.ID + ":" + strings.ToLower(to)
	if _, done, err := tx.kvGet(ctx, key); err != nil || done {
		return err
	}
	if err := tx.kvPut(ctx, key, []byte("1"), now.Add(24*time.Hour)); err != nil {
		return err
	}
	doc := newMessageDoc(map[string]any{
		"subject":      "Automatic reply: " + str(orig, "subject"),
		"body":         map[string]any{"contentType": "html", "content": text},
		"toRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": to}}},
	}, now, c.s.domain)
	doc["conversationId"] = orig["conversationId"]
	doc["_inReplyTo"] = orig["internetMessageId"]
	doc["_autoReply"] = true
	drafts := wellKnownID(u.ID, "drafts")
	doc["parentFolderId"] = drafts
	m := &object{Collection: collMessages, Owner: u.ID, ID: uuid.NewString(), Parent: drafts, Data: doc}
	if err := tx.put(ctx, m); err != nil {
		return err
	}
	return c.deliver(ctx, tx, u, m, true)
}

// keepSentCopy reads PidTagDeleteAfterSubmit from a draft.
func keepSentCopy(doc map[string]any) bool {
	list, _ := doc["singleValueExtendedProperties"].([]any)
	for _, p := range list {
		m, _ := p.(map[string]any)
		if strings.EqualFold(str(m, "id"), propDeleteAfterSubmit) && strings.EqualFold(str(m, "value"), "true") {
			return false
		}
	}
	return true
}

func sendDraft(ctx context.Context, c *call) error {
	if err := c.mailbox(ctx); err != nil {
		return err
	}
	err := c.s.st.write(ctx, func(tx *txn) error {
		m, err := c.messageInFolder(ctx, tx)
		if err != nil {
			return err
		}
		if d, _ := m.Data["isDraft"].(bool); !d {
			return errorf(http.StatusBadRequest, "ErrorInvalidOperation", "Only draft messages can be sent; this message has been sent already.")
		}
		return c.deliver(ctx, tx, c.user, m, keepSentCopy(m.Data))
	})
	if err != nil {
		return err
	}
	c.w.WriteHeader(http.StatusAccepted)
	return nil
}

func sendMail(ctx context.Context, c *call) error {
	if err := c.mailbox(ctx); err != nil {
		return err
	}
	ct := strings.ToLower(c.r.Header.Get("Content-Type"))
	if strings.HasPrefix(ct, "text/plain") {
		return c.sendMIME(ctx)
	}
	var in struct {
		Message         map[string]any `json:"message"`
		SaveToSentItems *bool          `json:"saveToSentItems"`
	}
	if err := c.decode(&in); err != nil {
		return err
	}
	if in.Message == nil {
		return errorf(http.StatusBadRequest, "ErrorInvalidParameter", "The value of the parameter 'Message' is empty.")
	}
	save := in.SaveToSentItems == nil || *in.SaveToSentItems
	return c.sendNew(ctx, in.Message, nil, save)
}

// sendNew stores msg as a draft with its attachments and delivers it, all in
// one transaction.
func (c *call) sendNew(ctx context.Context, in map[string]any, files []mimeFile, save bool) error {
	if err := checkMessageInput(in); err != nil {
		return err
	}
	now := c.s.now()
	drafts := wellKnownID(c.user.ID, "drafts")
	doc := newMessageDoc(in, now, c.s.domain)
	doc["parentFolderId"] = drafts
	if id, ok := in["internetMessageId"].(string); ok && id != "" {
		doc["internetMessageId"] = id
	}
	m := &object{Collection: collMessages, Owner: c.user.ID, ID: uuid.NewString(), Parent: drafts, Data: doc}
	err := c.s.st.write(ctx, func(tx *txn) error {
		if err := putNewMessageTx(ctx, tx, m, in, now); err != nil {
			return err
		}
		for _, f := range files {
			am := map[string]any{
				"@odata.type": "#microsoft.graph.fileAttachment", "name": f.Name, "contentType": f.ContentType,
				"isInline": f.Inline, "contentId": f.ContentID, "contentBytes": base64.StdEncoding.EncodeToString(f.Data),
			}
			if _, err := putAttachmentTx(ctx, tx, c.user.ID, m, am, now); err != nil {
				return err
			}
		}
		return c.deliver(ctx, tx, c.user, m, save)
	})
	if err != nil {
		return err
	}
	c.w.WriteHeader(http.StatusAccepted)
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
	return strings.ToLower(str(e, "address"))
}

func formatRecipients(list []any) string {
	var parts []string
	for _, r := range list {
		m, _ := r.(map[string]any)
		e, _ := m["emailAddress"].(map[string]any)
		if n := str(e, "name"); n != "" {
			parts = append(parts, html.EscapeString(n)+" &lt;"+html.EscapeString(str(e, "address"))+"&gt;")
		} else {
			parts = append(parts, html.EscapeString(str(e, "address")))
		}
	}
	return strings.Join(parts, "; ")
}

// responseDoc builds the draft of a reply, reply-all or forward to orig.
func (c *call) responseDoc(orig map[string]any, kind, comment string, now time.Time) map[string]any {
	me := map[string]bool{strings.ToLower(c.user.Mail): true, strings.ToLower(c.user.UPN): true}
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
	quoted := str(b, "content")
	if !strings.EqualFold(str(b, "contentType"), "html") {
		quoted = "<pre>" + html.EscapeString(quoted) + "</pre>"
	}
	fromList := []any{from}
	header := fmt.Sprintf(`<div id="divRplyFwdMsg"><b>From:</b> %s<br><b>Sent:</b> %s<br><b>To:</b> %s<br>`,
		formatRecipients(fromList), html.EscapeString(str(orig, "sentDateTime")), formatRecipients(origTo))
	if len(origCc) > 0 {
		header += "<b>Cc:</b> " + formatRecipients(origCc) + "<br>"
	}
	header += "<b>Subject:</b> " + html.EscapeString(str(orig, "subject")) + "</div>"
	content := "<html><body><div>" + html.EscapeString(comment) + "</div><hr>" + header + "<br>" + quoted + "</body></html>"
	doc := newMessageDoc(map[string]any{
		"subject":      responseSubject(kind, str(orig, "subject")),
		"body":         map[string]any{"contentType": "html", "content": content},
		"toRecipients": orEmpty(to),
		"ccRecipients": orEmpty(cc),
	}, now, c.s.domain)
	doc["conversationId"] = orig["conversationId"]
	doc["_inReplyTo"] = orig["internetMessageId"]
	return doc
}

func orEmpty(list []any) []any {
	if list == nil {
		return []any{}
	}
	return list
}

// createResponseTx stores the response draft for the addressed message.
func (c *call) createResponseTx(ctx context.Context, tx *txn, kind string, in map[string]any) (*object, error) {
	orig, err := c.messageInFolder(ctx, tx)
	if err != nil {
		return nil, err
	}
	now := c.s.now()
	comment, _ := in["comment"].(string)
	doc := c.responseDoc(orig.Data, kind, comment, now)
	if part, ok := in["message"].(map[string]any); ok {
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
	if to, ok := in["toRecipients"].([]any); ok {
		if err := checkMessageInput(map[string]any{"toRecipients": to}); err != nil {
			return nil, err
		}
		doc["toRecipients"] = append(doc["toRecipients"].([]any), to...)
	}
	drafts := wellKnownID(c.user.ID, "drafts")
	doc["parentFolderId"] = drafts
	d := &object{Collection: collMessages, Owner: c.user.ID, ID: uuid.NewString(), Parent: drafts, Data: doc}
	d.Sort = messageSort(doc, now)
	if err := tx.put(ctx, d); err != nil {
		return nil, err
	}
	if kind == "forward" {
		if err := copyAttachmentsTx(ctx, tx, c.user.ID, orig.ID, c.user.ID, d.ID); err != nil {
			return nil, err
		}
		if n, _ := tx.count(ctx, scope{Collection: collMailAttachments, Owner: c.user.ID, Parent: d.ID, ByParent: true}); n > 0 {
			doc["hasAttachments"] = orig.Data["hasAttachments"]
			if err := tx.put(ctx, d); err != nil {
				return nil, err
			}
		}
	}
	return d, nil
}

// decodeOptional reads a JSON body that may be absent.
func (c *call) decodeOptional(v *map[string]any) error {
	if c.r.ContentLength == 0 && c.r.Header.Get("Content-Type") == "" {
		*v = map[string]any{}
		return nil
	}
	if err := c.decode(v); err != nil {
		if ae, ok := err.(*apiError); ok && strings.HasPrefix(ae.Message, "Empty Payload") {
			*v = map[string]any{}
			return nil
		}
		return err
	}
	return nil
}

func respondDraft(kind string) func(context.Context, *call) error {
	return func(ctx context.Context, c *call) error {
		var in map[string]any
		if err := c.decodeOptional(&in); err != nil {
			return err
		}
		if err := c.mailbox(ctx); err != nil {
			return err
		}
		var d *object
		err := c.s.st.write(ctx, func(tx *txn) error {
			var err error
			d, err = c.createResponseTx(ctx, tx, kind, in)
			return err
		})
		if err != nil {
			return err
		}
		return c.entity(http.StatusCreated, presentMessage(c, d.Data))
	}
}

func respondDirect(kind string) func(context.Context, *call) error {
	return func(ctx context.Context, c *call) error {
		var in map[string]any
		if err := c.decodeOptional(&in); err != nil {
			return err
		}
		if err := c.mailbox(ctx); err != nil {
			return err
		}
		if kind == "forward" {
			to, _ := in["toRecipients"].([]any)
			part, _ := in["message"].(map[string]any)
			if len(to) == 0 && part["toRecipients"] == nil {
				return errorf(http.StatusBadRequest, "ErrorInvalidRecipients", "At least one recipient is required to forward a message.")
			}
		}
		err := c.s.st.write(ctx, func(tx *txn) error {
			d, err := c.createResponseTx(ctx, tx, kind, in)
			if err != nil {
				return err
			}
			return c.deliver(ctx, tx, c.user, d, true)
		})
		if err != nil {
			return err
		}
		c.w.WriteHeader(http.StatusAccepted)
		return nil
	}
}
