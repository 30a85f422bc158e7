package sandbox

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/odata"
)

const (
	typeFileAttachment      = "#microsoft.graph.fileAttachment"
	typeItemAttachment      = "#microsoft.graph.itemAttachment"
	typeReferenceAttachment = "#microsoft.graph.referenceAttachment"
	// mailSimpleAttachLimit is the largest attachment POSTed in one request.
	mailSimpleAttachLimit = 3 << 20
)

// attachmentBlob is where the bytes of a file attachment live; copies of a
// delivered message share it.
func attachmentBlob(id string) string { return "mailatt:" + id }

// putAttachmentTx stores an attachment given as Graph JSON on message msg.
func putAttachmentTx(ctx context.Context, tx *txn, owner string, msg *object, in map[string]any, now time.Time) (*object, error) {
	return putAttachmentWithID(ctx, tx, owner, msg, in, now, uuid.NewString())
}

// putAttachmentWithID is putAttachmentTx with a chosen id (seeding).
func putAttachmentWithID(ctx context.Context, tx *txn, owner string, msg *object, in map[string]any, now time.Time, id string) (*object, error) {
	typ := str(in, "@odata.type")
	name := str(in, "name")
	doc := map[string]any{
		"name": name, "isInline": in["isInline"] == true, "lastModifiedDateTime": isoTime(now),
	}
	switch strings.ToLower(typ) {
	case strings.ToLower(typeFileAttachment):
		if name == "" {
			return nil, errBadRequest("A file attachment needs a name.")
		}
		raw, ok := in["contentBytes"].(string)
		if !ok {
			return nil, errBadRequest("A file attachment needs contentBytes.")
		}
		data, err := base64.StdEncoding.DecodeString(raw)
		if err != nil {
			return nil, errBadRequest("contentBytes is not valid base64.")
		}
		if len(data) > mailSimpleAttachLimit {
			return nil, errorf(http.StatusRequestEntityTooLarge, "ErrorAttachmentSizeLimitExceeded",
				"An attachment above 3 MB must be uploaded with an upload session.")
		}
		blob := attachmentBlob(id)
		if _, err := tx.writeBlob(ctx, blob, 0, bytes.NewReader(data)); err != nil {
			return nil, err
		}
		ct := str(in, "contentType")
		if ct == "" {
			ct = "application/octet-stream"
		}
		doc["@odata.type"] = typeFileAttachment
		doc["contentType"] = ct
		doc["size"] = len(data)
		doc["contentId"] = nilIfEmpty(str(in, "contentId"))
		doc["contentLocation"] = nil
		doc["_blob"] = blob
	case strings.ToLower(typeItemAttachment):
		item, ok := in["item"].(map[string]any)
		if !ok {
			return nil, errBadRequest("An item attachment needs an item.")
		}
		if err := checkMessageInput(item); err != nil {
			return nil, err
		}
		idoc := newMessageDoc(item, now, "")
		idoc["isDraft"] = false
		delete(idoc, "internetMessageId")
		if name == "" {
			name = str(idoc, "subject")
			doc["name"] = name
		}
		raw, _ := json.Marshal(idoc)
		doc["@odata.type"] = typeItemAttachment
		doc["contentType"] = "message/rfc822"
		doc["size"] = len(raw)
		doc["_item"] = idoc
	case strings.ToLower(typeReferenceAttachment):
		return nil, errorf(http.StatusBadRequest, "ErrorNotSupported", "The sandbox does not store reference attachments.")
	default:
		return nil, errBadRequest("Unknown attachment type '%s'; use %s or %s.", typ, typeFileAttachment, typeItemAttachment)
	}
	a := &object{Collection: collMailAttachments, Owner: owner, ID: id, Parent: msg.ID, Data: doc}
	if err := tx.put(ctx, a); err != nil {
		return nil, err
	}
	if inline, _ := doc["isInline"].(bool); !inline {
		msg.Data["hasAttachments"] = true
		if err := tx.put(ctx, msg); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// wantsContent reports whether the request's $select includes contentBytes.
func wantsContent(c *call) bool {
	sel := mailQueryValue(c.r.URL, "$select")
	if sel == "" {
		sel = mailQueryValue(c.r.URL, "select")
	}
	if sel == "" {
		return true
	}
	for _, s := range strings.Split(sel, ",") {
		if strings.EqualFold(strings.TrimSpace(s), "contentBytes") {
			return true
		}
	}
	return false
}

// maxInlineContent bounds the contentBytes the sandbox puts in a JSON
// answer, so that listing a message's attachments stays in bounded memory;
// larger content is read with .../attachments/{id}/$value.
const maxInlineContent = 16 << 20

// presentAttachment adds contentBytes to a file attachment when asked for.
func presentAttachment(c *call, doc map[string]any) map[string]any {
	out := publicDoc(doc)
	size, _ := doc["size"].(float64)
	if blob := str(doc, "_blob"); blob != "" && wantsContent(c) && size <= maxInlineContent {
		if r, err := c.s.st.openBlob(c.r.Context(), blob); err == nil {
			if data, err := io.ReadAll(r); err == nil {
				out["contentBytes"] = base64.StdEncoding.EncodeToString(data)
			}
		}
	}
	return out
}

func attachmentSpec(c *call, msgID string) listSpec {
	return listSpec{
		Scope:      scope{Collection: collMailAttachments, Owner: c.user.ID, Parent: msgID, ByParent: true},
		DefaultTop: 100,
		MaxTop:     1000,
		Present:    presentAttachment,
	}
}

// attachmentMessage resolves the message of an attachment route.
func (c *call) attachmentMessage(ctx context.Context) (*object, error) {
	var m *object
	err := c.s.st.read(ctx, func(tx *txn) error {
		var err error
		m, err = c.messageInFolder(ctx, tx)
		return err
	})
	return m, err
}

func listAttachments(ctx context.Context, c *call) error {
	m, err := c.attachmentMessage(ctx)
	if err != nil {
		return err
	}
	return c.list(ctx, attachmentSpec(c, m.ID))
}

func getAttachment(ctx context.Context, c *call) error {
	m, err := c.attachmentMessage(ctx)
	if err != nil {
		return err
	}
	err = c.getEntity(ctx, attachmentSpec(c, m.ID), c.param("att"))
	if isNotFound(err) {
		return errItemNotFound("The attachment was not found.")
	}
	return err
}

func addAttachment(ctx context.Context, c *call) error {
	var in map[string]any
	if err := c.decode(&in); err != nil {
		return err
	}
	var a *object
	err := c.s.st.write(ctx, func(tx *txn) error {
		m, err := c.messageInFolder(ctx, tx)
		if err != nil {
			return err
		}
		a, err = putAttachmentTx(ctx, tx, c.user.ID, m, in, c.s.now())
		return err
	})
	if err != nil {
		return err
	}
	return c.entity(http.StatusCreated, presentAttachment(c, a.Data))
}

func deleteAttachment(ctx context.Context, c *call) error {
	err := c.s.st.write(ctx, func(tx *txn) error {
		m, err := c.messageInFolder(ctx, tx)
		if err != nil {
			return err
		}
		a, err := tx.get(ctx, collMailAttachments, c.user.ID, c.param("att"))
		if isNotFound(err) || (err == nil && a.Parent != m.ID) {
			return errItemNotFound("The attachment was not found.")
		}
		if err != nil {
			return err
		}
		if err := tx.delete(ctx, collMailAttachments, c.user.ID, a.ID); err != nil {
			return err
		}
		rest, err := tx.list(ctx, scope{Collection: collMailAttachments, Owner: c.user.ID, Parent: m.ID, ByParent: true}, false, 0, 0)
		if err != nil {
			return err
		}
		has := false
		for _, r := range rest {
			if inline, _ := r.Data["isInline"].(bool); !inline {
				has = true
			}
		}
		m.Data["hasAttachments"] = has
		return tx.put(ctx, m)
	})
	if err != nil {
		return err
	}
	return c.noContent()
}

func getAttachmentValue(ctx context.Context, c *call) error {
	m, err := c.attachmentMessage(ctx)
	if err != nil {
		return err
	}
	var a *object
	err = c.s.st.read(ctx, func(tx *txn) error {
		a, err = tx.get(ctx, collMailAttachments, c.user.ID, c.param("att"))
		return err
	})
	if isNotFound(err) || (err == nil && a.Parent != m.ID) {
		return errItemNotFound("The attachment was not found.")
	}
	if err != nil {
		return err
	}
	if item, ok := a.Data["_item"].(map[string]any); ok {
		c.w.Header().Set("Content-Type", "message/rfc822")
		c.w.WriteHeader(http.StatusOK)
		return c.writeMIME(ctx, c.w, "", item)
	}
	blob := str(a.Data, "_blob")
	r, err := c.s.st.openBlob(ctx, blob)
	if err != nil {
		return err
	}
	c.w.Header().Set("Content-Type", str(a.Data, "contentType"))
	http.ServeContent(c.w, c.r, "", a.Modified, r)
	return nil
}

// Upload sessions (Outlook's large-attachment protocol).

// mailUpload is the state of one attachment upload session.
type mailUpload struct {
	Owner        string    `json:"owner"`
	Message      string    `json:"message"`
	AttachmentID string    `json:"attachmentId"`
	Name         string    `json:"name"`
	ContentType  string    `json:"contentType"`
	ContentID    string    `json:"contentId,omitempty"`
	IsInline     bool      `json:"isInline,omitempty"`
	Size         int64     `json:"size"`
	Received     int64     `json:"received"`
	Expires      time.Time `json:"expires"`
}

func uploadKey(sid string) string { return "mail:upload:" + sid }

func createAttachmentSession(ctx context.Context, c *call) error {
	var in map[string]any
	if err := c.decode(&in); err != nil {
		return err
	}
	raw, _ := lookupFold(in, "attachmentItem")
	item, ok := raw.(map[string]any)
	if !ok {
		return errorf(http.StatusBadRequest, "ErrorInvalidParameter", "The AttachmentItem parameter is required.")
	}
	get := func(k string) any { v, _ := lookupFold(item, k); return v }
	typ, _ := get("attachmentType").(string)
	if !strings.EqualFold(typ, "file") {
		return errorf(http.StatusBadRequest, "ErrorInvalidParameter", "Only attachmentType 'file' can be uploaded in a session.")
	}
	name, _ := get("name").(string)
	size, _ := get("size").(float64)
	if name == "" {
		return errorf(http.StatusBadRequest, "ErrorInvalidParameter", "The attachment needs a name.")
	}
	if size < 1 || size > mailMaxAttachment || size != float64(int64(size)) {
		return errorf(http.StatusBadRequest, "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize",
			"The attachment size must be between 1 byte and %d bytes.", mailMaxAttachment)
	}
	m, err := c.attachmentMessage(ctx)
	if err != nil {
		return err
	}
	ct, _ := get("contentType").(string)
	if ct == "" {
		ct = "application/octet-stream"
	}
	cid, _ := get("contentId").(string)
	inline, _ := get("isInline").(bool)
	now := c.s.now()
	up := mailUpload{Owner: c.user.ID, Message: m.ID, AttachmentID: uuid.NewString(), Name: name, ContentType: ct,
		ContentID: cid, IsInline: inline, Size: int64(size), Expires: now.Add(mailUploadTTL)}
	sid := uuid.NewString()
	rawUp, err := json.Marshal(up)
	if err != nil {
		return err
	}
	if err := c.s.st.write(ctx, func(tx *txn) error { return tx.kvPut(ctx, uploadKey(sid), rawUp, up.Expires) }); err != nil {
		return err
	}
	token := odata.EncodeSkipToken(c.s.tokenKey, odata.SkipState{Extra: "mailupload:" + sid})
	uploadURL := baseURL(c.r) + "/api/v2.0/users('" + url.PathEscape(c.user.ID+"@"+c.s.tenantID) + "')/messages('" +
		url.PathEscape(m.ID) + "')/attachmentSessions('" + sid + "')?authtoken=" + url.QueryEscape(token)
	return c.writeJSON(http.StatusCreated, map[string]any{
		"@odata.context":     c.rootURL() + "$metadata#microsoft.graph.uploadSession",
		"uploadUrl":          uploadURL,
		"expirationDateTime": isoTime(up.Expires),
		"nextExpectedRanges": []string{"0-"},
	})
}

// uploadSession authenticates a pre-authenticated session URL and loads it.
func (c *call) uploadSession(ctx context.Context) (*mailUpload, error) {
	sid := c.param("sid")
	st, err := odata.DecodeSkipToken(c.s.tokenKey, mailQueryValue(c.r.URL, "authtoken"))
	if err != nil || st.Extra != "mailupload:"+sid {
		return nil, errorf(http.StatusUnauthorized, "InvalidAuthenticationToken", "The upload URL's authtoken is not valid.")
	}
	var up mailUpload
	err = c.s.st.read(ctx, func(tx *txn) error {
		raw, ok, err := tx.kvGet(ctx, uploadKey(sid))
		if err != nil {
			return err
		}
		if !ok {
			return errItemNotFound("The upload session does not exist or has expired.")
		}
		return json.Unmarshal(raw, &up)
	})
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(c.param("mid"), up.Message) {
		return nil, errItemNotFound("The upload session does not belong to this message.")
	}
	return &up, nil
}

func (c *call) writeSessionStatus(status int, up *mailUpload) error {
	return c.writeJSON(status, map[string]any{
		"@odata.context":     c.rootURL() + "$metadata#Users('" + up.Owner + "')/Messages('" + up.Message + "')/AttachmentSessions/$entity",
		"expirationDateTime": isoTime(up.Expires),
		"nextExpectedRanges": []string{strconv.FormatInt(up.Received, 10)},
	})
}

// parseContentRange reads "bytes A-B/TOTAL".
func parseContentRange(v string) (start, end, total int64, ok bool) {
	rest, found := strings.CutPrefix(strings.TrimSpace(v), "bytes ")
	if !found {
		return 0, 0, 0, false
	}
	rng, tot, found := strings.Cut(rest, "/")
	a, b, found2 := strings.Cut(rng, "-")
	if !found || !found2 {
		return 0, 0, 0, false
	}
	var err1, err2, err3 error
	start, err1 = strconv.ParseInt(a, 10, 64)
	end, err2 = strconv.ParseInt(b, 10, 64)
	total, err3 = strconv.ParseInt(tot, 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || start < 0 || end < start || total <= end {
		return 0, 0, 0, false
	}
	return start, end, total, true
}

func putAttachmentChunk(ctx context.Context, c *call) error {
	up, err := c.uploadSession(ctx)
	if err != nil {
		return err
	}
	start, end, total, ok := parseContentRange(c.r.Header.Get("Content-Range"))
	if !ok || total != up.Size {
		return errorf(http.StatusBadRequest, "ErrorInvalidContentRange",
			"Content-Range must be 'bytes START-END/%d' for this session.", up.Size)
	}
	n := end - start + 1
	if c.r.ContentLength >= 0 && c.r.ContentLength != n {
		return errorf(http.StatusBadRequest, "ErrorInvalidContentRange", "Content-Length %d does not match Content-Range (%d bytes).", c.r.ContentLength, n)
	}
	if start != up.Received {
		return errorf(http.StatusRequestedRangeNotSatisfiable, "ErrorInvalidRange",
			"The session expects byte %d next, not %d.", up.Received, start)
	}
	blob := attachmentBlob(up.AttachmentID)
	complete := false
	var msg *object
	err = c.s.st.write(ctx, func(tx *txn) error {
		size, err := tx.writeBlob(ctx, blob, start, io.LimitReader(c.r.Body, n))
		if err != nil {
			return err
		}
		if size != end+1 {
			return errBadRequest("The chunk ended after %d of %d bytes.", size-start, n)
		}
		up.Received = size
		if size < up.Size {
			raw, err := json.Marshal(up)
			if err != nil {
				return err
			}
			return tx.kvPut(ctx, uploadKey(c.param("sid")), raw, up.Expires)
		}
		complete = true
		if msg, err = tx.get(ctx, collMessages, up.Owner, up.Message); err != nil {
			return err
		}
		doc := map[string]any{
			"@odata.type": typeFileAttachment, "name": up.Name, "contentType": up.ContentType, "size": up.Size,
			"isInline": up.IsInline, "contentId": nilIfEmpty(up.ContentID), "contentLocation": nil,
			"lastModifiedDateTime": isoTime(c.s.now()), "_blob": blob,
		}
		if err := tx.put(ctx, &object{Collection: collMailAttachments, Owner: up.Owner, ID: up.AttachmentID, Parent: up.Message, Data: doc}); err != nil {
			return err
		}
		if !up.IsInline {
			msg.Data["hasAttachments"] = true
			if err := tx.put(ctx, msg); err != nil {
				return err
			}
		}
		return tx.kvDelete(ctx, uploadKey(c.param("sid")))
	})
	if err != nil {
		return err
	}
	if !complete {
		return c.writeSessionStatus(http.StatusOK, up)
	}
	loc := fmt.Sprintf("%s/api/v2.0/Users('%s@%s')/Messages('%s')/Attachments('%s')", baseURL(c.r), up.Owner, c.s.tenantID, up.Message, up.AttachmentID)
	c.w.Header().Set("Location", loc)
	c.w.Header().Set("Content-Length", "0")
	c.w.WriteHeader(http.StatusCreated)
	return nil
}

func getAttachmentSession(ctx context.Context, c *call) error {
	up, err := c.uploadSession(ctx)
	if err != nil {
		return err
	}
	return c.writeSessionStatus(http.StatusOK, up)
}

func deleteAttachmentSession(ctx context.Context, c *call) error {
	up, err := c.uploadSession(ctx)
	if err != nil {
		return err
	}
	err = c.s.st.write(ctx, func(tx *txn) error {
		if err := tx.deleteBlob(ctx, attachmentBlob(up.AttachmentID)); err != nil {
			return err
		}
		return tx.kvDelete(ctx, uploadKey(c.param("sid")))
	})
	if err != nil {
		return err
	}
	return c.noContent()
}
