package core

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

// Outlook attachments, shared by every kind of Outlook item that has them
// (messages, events, To Do tasks): file attachments whose bytes are blobs,
// item attachments (an Outlook item inside), and Outlook's upload sessions
// for files above 3 MB.

// The attachment types Graph knows.
const (
	TypeFileAttachment      = "#microsoft.graph.fileAttachment"
	TypeItemAttachment      = "#microsoft.graph.itemAttachment"
	TypeReferenceAttachment = "#microsoft.graph.referenceAttachment"
)

const (
	// simpleAttachLimit is the largest attachment POSTed in one request.
	simpleAttachLimit = 3 << 20
	// maxSessionAttachment is Outlook's upload-session ceiling.
	maxSessionAttachment = 150 << 20
	// uploadTTL is how long an attachment upload session lives.
	uploadTTL = 24 * time.Hour
	// maxInlineContent bounds the contentBytes put in a JSON answer, so that
	// listing attachments stays in bounded memory; larger content is read
	// with .../attachments/{id}/$value.
	maxInlineContent = 16 << 20
)

// referenceProps are the properties of a reference attachment that beta and
// Outlook REST declare.
var referenceProps = []string{"sourceUrl", "providerType", "thumbnailUrl", "previewUrl", "permission", "isFolder"}

// Attachments stores and serves the attachments of one kind of Outlook
// item. Its documents keep two internal keys: "_blob" (the blob holding a
// file's bytes, shared by copies) and "_item" (an item attachment's item).
type Attachments struct {
	// Collection stores the attachments, e.g. "mailAttachments": owner is
	// the item's owner, parent the item's id.
	Collection string
	// ItemCollection stores the items, e.g. "messages". It also names them
	// in upload URLs (.../messages('ID')/attachmentSessions('SID')).
	ItemCollection string
	// Item loads the item an attachment route addresses (Call.Param of the
	// area's own pattern, folder checks, 404 wording) inside tx.
	Item func(ctx context.Context, c *Call, tx *Tx) (*Object, error)
	// ItemAttachment turns the "item" of an item attachment into the stored
	// item and the attachment's contentType (e.g. "message/rfc822"); nil
	// refuses item attachments.
	ItemAttachment func(item map[string]any, now time.Time) (doc map[string]any, contentType string, err error)
}

// Scope is the attachments of one item.
func (a *Attachments) Scope(owner, itemID string) Scope {
	return Scope{Collection: a.Collection, Owner: owner, Parent: itemID, ByParent: true}
}

// blobID is where the bytes of file attachment id live.
func (a *Attachments) blobID(id string) string { return a.Collection + ":" + id }

// Put stores an attachment given as Graph JSON (in) on item and sets the
// item's hasAttachments (a new changeKey with it). id "" picks a new id;
// seeders pass SeedAttachmentID(item.ID, ...).
func (a *Attachments) Put(ctx context.Context, tx *Tx, item *Object, in map[string]any, now time.Time, id string) (*Object, error) {
	if id == "" {
		id = NewAttachmentID(item.ID)
	}
	typ := Str(in, "@odata.type")
	name := Str(in, "name")
	doc := map[string]any{
		"name": name, "isInline": in["isInline"] == true, "lastModifiedDateTime": ISOTime(now),
	}
	switch strings.ToLower(typ) {
	case strings.ToLower(TypeFileAttachment):
		if name == "" {
			return nil, BadRequest("A file attachment needs a name.")
		}
		raw, ok := in["contentBytes"].(string)
		if !ok {
			return nil, BadRequest("A file attachment needs contentBytes.")
		}
		data, err := base64.StdEncoding.DecodeString(raw)
		if err != nil {
			return nil, BadRequest("contentBytes is not valid base64.")
		}
		if len(data) > simpleAttachLimit {
			return nil, Errorf(http.StatusRequestEntityTooLarge, "ErrorAttachmentSizeLimitExceeded",
				"An attachment above 3 MB must be uploaded with an upload session.")
		}
		blob := a.blobID(id)
		if _, err := tx.WriteBlob(ctx, blob, 0, bytes.NewReader(data)); err != nil {
			return nil, err
		}
		ct := Str(in, "contentType")
		if ct == "" {
			ct = "application/octet-stream"
		}
		doc["@odata.type"] = TypeFileAttachment
		doc["contentType"] = ct
		doc["size"] = len(data)
		doc["contentId"] = NilIfEmpty(Str(in, "contentId"))
		doc["contentLocation"] = nil
		doc["_blob"] = blob
	case strings.ToLower(TypeItemAttachment):
		item, ok := in["item"].(map[string]any)
		if !ok {
			return nil, BadRequest("An item attachment needs an item.")
		}
		if a.ItemAttachment == nil {
			return nil, Errorf(http.StatusBadRequest, "ErrorNotSupported", "Item attachments are not supported here.")
		}
		idoc, ct, err := a.ItemAttachment(item, now)
		if err != nil {
			return nil, err
		}
		if name == "" {
			name = Str(idoc, "subject")
			doc["name"] = name
		}
		raw, _ := json.Marshal(idoc)
		doc["@odata.type"] = TypeItemAttachment
		doc["contentType"] = ct
		doc["size"] = len(raw)
		doc["_item"] = idoc
	case strings.ToLower(TypeReferenceAttachment):
		// A link to a file held elsewhere (OneDrive, SharePoint): only its
		// description is stored. v1.0 declares no property of its own; the
		// beta and Outlook REST ones are kept when given.
		if name == "" {
			return nil, BadRequest("A reference attachment needs a name.")
		}
		doc["@odata.type"] = TypeReferenceAttachment
		doc["contentType"] = NilIfEmpty(Str(in, "contentType"))
		for _, k := range referenceProps {
			if v, ok := in[k]; ok && v != nil {
				doc[k] = v
			}
		}
		if u := Str(doc, "sourceUrl"); u != "" {
			if pu, err := url.Parse(u); err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
				return nil, BadRequest("sourceUrl must be an absolute http or https URL.")
			}
		}
		raw, _ := json.Marshal(doc)
		doc["size"] = len(raw)
	default:
		return nil, BadRequest("Unknown attachment type '%s'; use %s, %s or %s.", typ, TypeFileAttachment, TypeItemAttachment, TypeReferenceAttachment)
	}
	att := &Object{Collection: a.Collection, Owner: item.Owner, ID: id, Parent: item.ID, Data: doc}
	if err := tx.Put(ctx, att); err != nil {
		return nil, err
	}
	if inline, _ := doc["isInline"].(bool); !inline {
		item.Data["hasAttachments"] = true
		TouchItem(item.Data, now)
		if err := tx.Put(ctx, item); err != nil {
			return nil, err
		}
	}
	return att, nil
}

// TouchItem records a change of an Outlook item's document: a new
// changeKey (so @odata.etag changes) and lastModifiedDateTime now. Call it
// on every write of an item.
func TouchItem(doc map[string]any, now time.Time) {
	doc["changeKey"] = NewChangeKey()
	doc["lastModifiedDateTime"] = ISOTime(now)
}

// ItemFolder is the folder an Outlook item's document names: its
// parentFolderId, or _parentFolderId for types without that property.
func ItemFolder(doc map[string]any) string {
	if f := Str(doc, "parentFolderId"); f != "" {
		return f
	}
	return Str(doc, "_parentFolderId")
}

// CopyAll copies the attachments of one item to another, sharing their
// blobs (a delivered message, a forward).
func (a *Attachments) CopyAll(ctx context.Context, tx *Tx, owner, fromItem, newOwner, toItem string) error {
	atts, err := tx.List(ctx, a.Scope(owner, fromItem), false, 0, 0)
	if err != nil {
		return err
	}
	for _, att := range atts {
		data := CloneDoc(att.Data)
		delete(data, "id")
		if err := tx.Put(ctx, &Object{Collection: a.Collection, Owner: newOwner, ID: NewAttachmentID(toItem), Parent: toItem, Data: data, Created: att.Created}); err != nil {
			return err
		}
	}
	return nil
}

// DeleteAll deletes the attachments of an item, before the item itself.
func (a *Attachments) DeleteAll(ctx context.Context, tx *Tx, owner, itemID string) error {
	atts, err := tx.List(ctx, a.Scope(owner, itemID), false, 0, 0)
	if err != nil {
		return err
	}
	for _, att := range atts {
		if err := tx.Delete(ctx, a.Collection, owner, att.ID); err != nil {
			return err
		}
	}
	return nil
}

// wantsContent reports whether the request's $select includes contentBytes.
func wantsContent(c *Call) bool {
	sel := c.QueryValue("$select")
	if sel == "" {
		sel = c.QueryValue("select")
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

// Present is what a client sees of a stored attachment of the item whose
// document is item: contentBytes is added to a file attachment unless
// $select leaves it out, and the id is the one Graph serves (it names the
// item's folder, unless the request prefers immutable ids). It suits
// $expand=attachments; send the result as type "attachment".
func (a *Attachments) Present(c *Call, item, doc map[string]any) map[string]any {
	out := PublicDoc(doc)
	if v, ok := c.Preference("IdType"); !ok || !strings.EqualFold(v, "ImmutableId") {
		out["id"] = AttachmentRestID(ItemFolder(item), Str(doc, "id"))
	}
	size, _ := doc["size"].(float64)
	if blob := Str(doc, "_blob"); blob != "" && wantsContent(c) && size <= maxInlineContent {
		if r, err := c.s.st.OpenBlob(c.R.Context(), blob); err == nil {
			if data, err := io.ReadAll(r); err == nil {
				out["contentBytes"] = base64.StdEncoding.EncodeToString(data)
			}
		}
	}
	return out
}

// Routes returns the attachment routes of the items under prefix (e.g.
// "{user}/messages/{id}"): list and add (.../attachments), get and delete
// (.../attachments/{att}), the bytes (.../attachments/{att}/$value) and
// .../attachments/createUploadSession. GETs take read's permissions, the
// others write's (only their Scopes, SharedScopes and Roles are used).
func (a *Attachments) Routes(prefix string, read, write Route) []Route {
	p := prefix + "/attachments"
	return []Route{
		read.On(http.MethodGet, p, a.list),
		write.On(http.MethodPost, p, a.create),
		write.On(http.MethodPost, p+"/createUploadSession", a.createUploadSession),
		read.On(http.MethodGet, p+"/{att}", a.get),
		write.On(http.MethodDelete, p+"/{att}", a.delete),
		read.On(http.MethodGet, p+"/{att}/$value", a.value),
	}
}

func (a *Attachments) spec(item *Object) ListSpec {
	return ListSpec{
		Scope:      a.Scope(item.Owner, item.ID),
		Type:       "attachment",
		DefaultTop: 100,
		MaxTop:     1000,
		Present:    func(c *Call, doc map[string]any) map[string]any { return a.Present(c, item.Data, doc) },
	}
}

// attachment loads the attachment a route's {att} names, by either of its
// ids (see ParseAttachmentID), of item.
func (a *Attachments) attachment(ctx context.Context, c *Call, tx *Tx, item *Object) (*Object, error) {
	id, folder := ParseAttachmentID(item.Owner, c.Param("att"))
	if folder != "" && folder != ItemFolder(item.Data) {
		return nil, ItemNotFound("The attachment was not found.")
	}
	att, err := tx.GetIn(ctx, a.Scope(item.Owner, item.ID), id)
	if IsNotFound(err) {
		return nil, ItemNotFound("The attachment was not found.")
	}
	return att, err
}

// item resolves the item of an attachment route.
func (a *Attachments) item(ctx context.Context, c *Call) (*Object, error) {
	var m *Object
	err := c.s.st.Read(ctx, func(tx *Tx) error {
		var err error
		m, err = a.Item(ctx, c, tx)
		return err
	})
	return m, err
}

func (a *Attachments) list(ctx context.Context, c *Call) error {
	m, err := a.item(ctx, c)
	if err != nil {
		return err
	}
	return c.List(ctx, a.spec(m))
}

// itemAndAttachment loads the item and the attachment a route addresses.
func (a *Attachments) itemAndAttachment(ctx context.Context, c *Call) (item, att *Object, err error) {
	err = c.s.st.Read(ctx, func(tx *Tx) error {
		if item, err = a.Item(ctx, c, tx); err != nil {
			return err
		}
		att, err = a.attachment(ctx, c, tx, item)
		return err
	})
	return item, att, err
}

func (a *Attachments) get(ctx context.Context, c *Call) error {
	m, att, err := a.itemAndAttachment(ctx, c)
	if err != nil {
		return err
	}
	err = c.GetEntity(ctx, a.spec(m), att.ID)
	if IsNotFound(err) {
		return ItemNotFound("The attachment was not found.")
	}
	return err
}

func (a *Attachments) create(ctx context.Context, c *Call) error {
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	var att, item *Object
	err := c.s.st.Write(ctx, func(tx *Tx) error {
		var err error
		if item, err = a.Item(ctx, c, tx); err != nil {
			return err
		}
		att, err = a.Put(ctx, tx, item, in, c.s.now(), "")
		return err
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusCreated, "attachment", a.Present(c, item.Data, att.Data))
}

func (a *Attachments) delete(ctx context.Context, c *Call) error {
	err := c.s.st.Write(ctx, func(tx *Tx) error {
		m, err := a.Item(ctx, c, tx)
		if err != nil {
			return err
		}
		att, err := a.attachment(ctx, c, tx, m)
		if err != nil {
			return err
		}
		if err := tx.Delete(ctx, a.Collection, m.Owner, att.ID); err != nil {
			return err
		}
		rest, err := tx.List(ctx, a.Scope(m.Owner, m.ID), false, 0, 0)
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
		TouchItem(m.Data, c.s.now())
		return tx.Put(ctx, m)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

func (a *Attachments) value(ctx context.Context, c *Call) error {
	_, att, err := a.itemAndAttachment(ctx, c)
	if err != nil {
		return err
	}
	if item, ok := att.Data["_item"].(map[string]any); ok {
		c.W.Header().Set("Content-Type", "message/rfc822")
		c.W.WriteHeader(http.StatusOK)
		return WriteMIME(ctx, c.W, c.s.st, item, nil)
	}
	r, err := c.s.st.OpenBlob(ctx, Str(att.Data, "_blob"))
	if err != nil {
		return err
	}
	c.W.Header().Set("Content-Type", Str(att.Data, "contentType"))
	http.ServeContent(c.W, c.R, "", att.Modified, r)
	return nil
}

// Upload sessions (Outlook's large-attachment protocol).

// attachmentUpload is the state of one attachment upload session.
type attachmentUpload struct {
	Collection     string    `json:"collection"`
	ItemCollection string    `json:"itemCollection"`
	Owner          string    `json:"owner"`
	Item           string    `json:"item"`
	AttachmentID   string    `json:"attachmentId"`
	Name           string    `json:"name"`
	ContentType    string    `json:"contentType"`
	ContentID      string    `json:"contentId,omitempty"`
	IsInline       bool      `json:"isInline,omitempty"`
	Size           int64     `json:"size"`
	Received       int64     `json:"received"`
	Expires        time.Time `json:"expires"`
}

func (up *attachmentUpload) blobID() string { return up.Collection + ":" + up.AttachmentID }

func uploadKey(sid string) string { return "sandbox:attachment-upload:" + sid }

// createUploadSessionAction is attachment's createUploadSession, as Graph's
// schema declares it.
var createUploadSessionAction = Action{Name: "createUploadSession", Params: []ActionParam{
	{Name: "AttachmentItem", Type: "microsoft.graph.attachmentItem"},
}}

func (a *Attachments) createUploadSession(ctx context.Context, c *Call) error {
	args, err := c.DecodeAction(createUploadSessionAction)
	if err != nil {
		return err
	}
	item := args.Object("AttachmentItem")
	if item == nil {
		return Errorf(http.StatusBadRequest, "ErrorInvalidParameter", "The AttachmentItem parameter is required.")
	}
	get := func(k string) any { v, _ := LookupFold(item, k); return v }
	typ, _ := get("attachmentType").(string)
	if !strings.EqualFold(typ, "file") {
		return Errorf(http.StatusBadRequest, "ErrorInvalidParameter", "Only attachmentType 'file' can be uploaded in a session.")
	}
	name, _ := get("name").(string)
	size, _ := get("size").(float64)
	if name == "" {
		return Errorf(http.StatusBadRequest, "ErrorInvalidParameter", "The attachment needs a name.")
	}
	if size < 1 || size > maxSessionAttachment || size != float64(int64(size)) {
		return Errorf(http.StatusBadRequest, "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize",
			"The attachment size must be between 1 byte and %d bytes.", maxSessionAttachment)
	}
	m, err := a.item(ctx, c)
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
	up := attachmentUpload{Collection: a.Collection, ItemCollection: a.ItemCollection, Owner: m.Owner, Item: m.ID,
		AttachmentID: NewAttachmentID(m.ID), Name: name, ContentType: ct, ContentID: cid, IsInline: inline,
		Size: int64(size), Expires: now.Add(uploadTTL)}
	sid := uuid.NewString()
	rawUp, err := json.Marshal(up)
	if err != nil {
		return err
	}
	if err := c.s.st.Write(ctx, func(tx *Tx) error { return tx.KVPut(ctx, uploadKey(sid), rawUp, up.Expires) }); err != nil {
		return err
	}
	token := odata.EncodeSkipToken(c.s.tokenKey, odata.SkipState{Extra: "attupload:" + sid})
	uploadURL := c.BaseURL() + "/api/v2.0/users('" + url.PathEscape(m.Owner+"@"+c.s.tenantID) + "')/" + a.ItemCollection + "('" +
		url.PathEscape(m.ID) + "')/attachmentSessions('" + sid + "')?authtoken=" + url.QueryEscape(token)
	return c.WriteJSON(http.StatusCreated, map[string]any{
		"@odata.context":     c.RootURL() + "$metadata#microsoft.graph.uploadSession",
		"uploadUrl":          uploadURL,
		"expirationDateTime": ISOTime(up.Expires),
		"nextExpectedRanges": []string{"0-"},
	})
}

// attachmentSessionRoutes serve the pre-authenticated upload URLs that
// createUploadSession hands out, for every kind of item.
func attachmentSessionRoutes() []Route {
	const pattern = "users/{uid}/{items}/{item}/attachmentSessions/{sid}"
	return []Route{
		{Method: http.MethodPut, Pattern: pattern, Public: true, Handle: putAttachmentChunk},
		{Method: http.MethodGet, Pattern: pattern, Public: true, Handle: getAttachmentSession},
		{Method: http.MethodDelete, Pattern: pattern, Public: true, Handle: deleteAttachmentSession},
	}
}

// uploadSession authenticates a pre-authenticated session URL and loads it.
func uploadSession(ctx context.Context, c *Call) (*attachmentUpload, error) {
	sid := c.Param("sid")
	st, err := odata.DecodeSkipToken(c.s.tokenKey, c.QueryValue("authtoken"))
	if err != nil || st.Extra != "attupload:"+sid {
		return nil, Errorf(http.StatusUnauthorized, "InvalidAuthenticationToken", "The upload URL's authtoken is not valid.")
	}
	var up attachmentUpload
	err = c.s.st.Read(ctx, func(tx *Tx) error {
		raw, ok, err := tx.KVGet(ctx, uploadKey(sid))
		if err != nil {
			return err
		}
		if !ok {
			return ItemNotFound("The upload session does not exist or has expired.")
		}
		return json.Unmarshal(raw, &up)
	})
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(c.Param("item"), up.Item) || !strings.EqualFold(c.Param("items"), up.ItemCollection) {
		return nil, ItemNotFound("The upload session does not belong to this item.")
	}
	return &up, nil
}

func writeSessionStatus(c *Call, status int, up *attachmentUpload) error {
	return c.WriteJSON(status, map[string]any{
		"@odata.context": c.RootURL() + "$metadata#Users('" + up.Owner + "')/" + upperFirst(up.ItemCollection) +
			"('" + up.Item + "')/AttachmentSessions/$entity",
		"expirationDateTime": ISOTime(up.Expires),
		"nextExpectedRanges": []string{strconv.FormatInt(up.Received, 10)},
	})
}

// ParseContentRange reads an upload chunk's "bytes A-B/TOTAL".
func ParseContentRange(v string) (start, end, total int64, ok bool) {
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

func putAttachmentChunk(ctx context.Context, c *Call) error {
	up, err := uploadSession(ctx, c)
	if err != nil {
		return err
	}
	start, end, total, ok := ParseContentRange(c.R.Header.Get("Content-Range"))
	if !ok || total != up.Size {
		return Errorf(http.StatusBadRequest, "ErrorInvalidContentRange",
			"Content-Range must be 'bytes START-END/%d' for this session.", up.Size)
	}
	n := end - start + 1
	if c.R.ContentLength >= 0 && c.R.ContentLength != n {
		return Errorf(http.StatusBadRequest, "ErrorInvalidContentRange", "Content-Length %d does not match Content-Range (%d bytes).", c.R.ContentLength, n)
	}
	if start != up.Received {
		return Errorf(http.StatusRequestedRangeNotSatisfiable, "ErrorInvalidRange",
			"The session expects byte %d next, not %d.", up.Received, start)
	}
	blob := up.blobID()
	complete := false
	location, itemID := up.AttachmentID, up.Item
	err = c.s.st.Write(ctx, func(tx *Tx) error {
		size, err := tx.WriteBlob(ctx, blob, start, io.LimitReader(c.R.Body, n))
		if err != nil {
			return err
		}
		if size != end+1 {
			return BadRequest("The chunk ended after %d of %d bytes.", size-start, n)
		}
		up.Received = size
		if size < up.Size {
			raw, err := json.Marshal(up)
			if err != nil {
				return err
			}
			return tx.KVPut(ctx, uploadKey(c.Param("sid")), raw, up.Expires)
		}
		complete = true
		item, err := tx.Get(ctx, up.ItemCollection, up.Owner, up.Item)
		if err != nil {
			return err
		}
		doc := map[string]any{
			"@odata.type": TypeFileAttachment, "name": up.Name, "contentType": up.ContentType, "size": up.Size,
			"isInline": up.IsInline, "contentId": NilIfEmpty(up.ContentID), "contentLocation": nil,
			"lastModifiedDateTime": ISOTime(c.s.now()), "_blob": blob,
		}
		if err := tx.Put(ctx, &Object{Collection: up.Collection, Owner: up.Owner, ID: up.AttachmentID, Parent: up.Item, Data: doc}); err != nil {
			return err
		}
		if !up.IsInline {
			item.Data["hasAttachments"] = true
			TouchItem(item.Data, c.s.now())
			if err := tx.Put(ctx, item); err != nil {
				return err
			}
		}
		itemID = ItemRestID(ItemFolder(item.Data), up.Item)
		location = AttachmentRestID(ItemFolder(item.Data), up.AttachmentID)
		return tx.KVDelete(ctx, uploadKey(c.Param("sid")))
	})
	if err != nil {
		return err
	}
	if !complete {
		return writeSessionStatus(c, http.StatusOK, up)
	}
	loc := fmt.Sprintf("%s/api/v2.0/Users('%s@%s')/%s('%s')/Attachments('%s')", c.BaseURL(), up.Owner, c.s.tenantID,
		upperFirst(up.ItemCollection), itemID, location)
	c.W.Header().Set("Location", loc)
	c.W.Header().Set("Content-Length", "0")
	c.W.WriteHeader(http.StatusCreated)
	return nil
}

func getAttachmentSession(ctx context.Context, c *Call) error {
	up, err := uploadSession(ctx, c)
	if err != nil {
		return err
	}
	return writeSessionStatus(c, http.StatusOK, up)
}

func deleteAttachmentSession(ctx context.Context, c *Call) error {
	up, err := uploadSession(ctx, c)
	if err != nil {
		return err
	}
	err = c.s.st.Write(ctx, func(tx *Tx) error {
		if err := tx.DeleteBlob(ctx, up.blobID()); err != nil {
			return err
		}
		return tx.KVDelete(ctx, uploadKey(c.Param("sid")))
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}
