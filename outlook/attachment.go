package outlook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
)

// ErrTooLarge is wrapped when an attachment exceeds MaxAttachmentSize.
var ErrTooLarge = errors.New("outlook: attachment too large")

// Attachment kinds, as Kind reports them.
const (
	KindFile      = "file"
	KindItem      = "item"
	KindReference = "reference"
)

// Attachment is Graph's attachment of an Outlook item (a message, an event,
// a To Do task): a file (fileAttachment), an Outlook item attached by value
// (itemAttachment, such as a forwarded message) or a link
// (referenceAttachment). ODataType carries the protocol's type name; Kind
// reads it in either dialect.
//
// Attachments listed from an item are bound to it: Download, Save and
// Delete work on them. The New* functions make pending ones, whose content
// is read when the item they are added to is saved (see Upload).
type Attachment struct {
	o365.Object
	ODataType            string    `json:"@odata.type,omitzero"`
	ID                   string    `json:"id,omitzero" o365:"readonly"`
	Name                 string    `json:"name,omitzero"`
	ContentType          string    `json:"contentType,omitzero"`
	Size                 int64     `json:"size,omitzero" o365:"readonly"`
	IsInline             bool      `json:"isInline,omitzero"`
	LastModifiedDateTime time.Time `json:"lastModifiedDateTime,omitzero" o365:"readonly"`
	ContentID            string    `json:"contentId,omitzero"`
	ContentLocation      string    `json:"contentLocation,omitzero"`
	ContentBytes         []byte    `json:"contentBytes,omitzero"`
	// Item is an item attachment's item, loaded with
	// $expand=microsoft.graph.itemattachment/item.
	Item jsontext.Value `json:"item,omitzero"`

	// UploadProgress, if set, is called while an upload session sends the
	// attachment, with the bytes the service holds and the total.
	UploadProgress func(sent, total int64) `json:"-"`

	src source // content not uploaded yet; nil once it is on the service
}

// UnmarshalJSONFrom decodes the attachment and keeps its JSON (see
// o365.Object).
func (a *Attachment) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain Attachment
	return o365.DecodeObject(d, (*plain)(a))
}

// MarshalJSON encodes the attachment as the service sent it, with the
// program's changes (see o365.Object).
func (a Attachment) MarshalJSON() ([]byte, error) {
	type plain Attachment
	return o365.MarshalObject((*plain)(&a))
}

// source is local attachment content waiting to be uploaded.
type source interface {
	// open returns the content and a function to release it.
	open() (io.Reader, func() error, error)
	size() int64
}

type bytesSource []byte

func (b bytesSource) open() (io.Reader, func() error, error) {
	return bytes.NewReader(b), func() error { return nil }, nil
}
func (b bytesSource) size() int64 { return int64(len(b)) }

type fileSource struct {
	path string
	n    int64
}

func (f fileSource) open() (io.Reader, func() error, error) {
	fh, err := os.Open(f.path)
	if err != nil {
		return nil, nil, err
	}
	return fh, fh.Close, nil
}
func (f fileSource) size() int64 { return f.n }

type readerSource struct {
	r io.Reader
	n int64
}

func (r readerSource) open() (io.Reader, func() error, error) {
	return io.LimitReader(r.r, r.n), func() error { return nil }, nil
}
func (r readerSource) size() int64 { return r.n }

// readerAtSource is content that can be re-read from any offset, so an
// interrupted upload resumes.
type readerAtSource struct {
	r io.ReaderAt
	n int64
}

func (r readerAtSource) open() (io.Reader, func() error, error) {
	return io.NewSectionReader(r.r, 0, r.n), func() error { return nil }, nil
}
func (r readerAtSource) size() int64 { return r.n }

// itemSource is an Outlook item (a model) attached by value, with its type
// name ("message", "event", "contact").
type itemSource struct {
	item     any
	typeName string
}

func (itemSource) open() (io.Reader, func() error, error) {
	return nil, nil, errors.New("outlook: an item attachment has no byte content")
}
func (itemSource) size() int64 { return 0 }

// referenceSource is a link to a file held elsewhere (OneDrive, SharePoint,
// any URL): a reference attachment.
type referenceSource struct{ url string }

func (referenceSource) open() (io.Reader, func() error, error) {
	return nil, nil, errors.New("outlook: a reference attachment has no byte content")
}
func (referenceSource) size() int64 { return 0 }

// NewReference returns a pending reference attachment: a link named name to
// the file at sourceURL (an absolute http or https URL), which Outlook shows
// as an attachment without copying the file.
func NewReference(name, sourceURL string) (*Attachment, error) {
	u, err := url.Parse(sourceURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("outlook: attach reference %q: %q is not an absolute http(s) URL", name, sourceURL)
	}
	if strings.TrimSpace(name) == "" {
		return nil, errors.New("outlook: attach reference: empty name")
	}
	return &Attachment{Name: name, src: referenceSource{url: sourceURL}}, nil
}

// Pending reports whether the attachment waits to be uploaded.
func (a *Attachment) Pending() bool { return a.src != nil }

// Len returns the attachment's size: its content's when pending, else the
// size the service reported.
func (a *Attachment) Len() int64 {
	if a.src != nil {
		return a.src.size()
	}
	return a.Size
}

// Kind returns KindFile, KindItem or KindReference, read from the
// @odata.type in either protocol's spelling ("" when unknown).
func (a *Attachment) Kind() string {
	switch a.src.(type) {
	case itemSource:
		return KindItem
	case referenceSource:
		return KindReference
	}
	t := strings.ToLower(a.ODataType)
	switch t[strings.LastIndexByte(t, '.')+1:] {
	case "fileattachment":
		return KindFile
	case "itemattachment":
		return KindItem
	case "referenceattachment":
		return KindReference
	}
	if a.src != nil {
		return KindFile
	}
	return ""
}

func checkSize(name string, n int64) error {
	if n > MaxAttachmentSize {
		return fmt.Errorf("%w: %q is %d bytes; Outlook accepts at most %d", ErrTooLarge, name, n, MaxAttachmentSize)
	}
	return nil
}

func newPending(name string, src source) *Attachment {
	a := &Attachment{Name: name, Size: src.size(), src: src}
	if ct := mime.TypeByExtension(strings.ToLower(filepath.Ext(name))); ct != "" {
		a.ContentType = ct
	} else if _, isItem := src.(itemSource); !isItem {
		a.ContentType = "application/octet-stream"
	}
	return a
}

// NewFile returns a pending attachment of the file at path, under its base
// name. The content is read when the attachment is uploaded, in chunks for
// large files.
func NewFile(path string) (*Attachment, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("outlook: attach: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("outlook: attach %q: not a regular file", path)
	}
	if err := checkSize(path, st.Size()); err != nil {
		return nil, err
	}
	return newPending(filepath.Base(path), fileSource{path: path, n: st.Size()}), nil
}

// NewReader returns a pending attachment of size bytes read from r, as name.
// r is read once, when the attachment is uploaded; an io.ReaderAt (an
// *os.File) lets an interrupted upload resume.
func NewReader(name string, r io.Reader, size int64) (*Attachment, error) {
	if size < 0 {
		return nil, fmt.Errorf("outlook: attach %q: negative size", name)
	}
	if err := checkSize(name, size); err != nil {
		return nil, err
	}
	if ra, ok := r.(io.ReaderAt); ok {
		return newPending(name, readerAtSource{ra, size}), nil
	}
	return newPending(name, readerSource{r: r, n: size}), nil
}

// NewBytes returns a pending attachment of data, as name.
func NewBytes(name string, data []byte) (*Attachment, error) {
	if err := checkSize(name, int64(len(data))); err != nil {
		return nil, err
	}
	return newPending(name, bytesSource(data)), nil
}

// NewInline returns a pending inline image, shown in an HTML body where it
// says <img src="cid:contentID">.
func NewInline(name, contentID string, data []byte) (*Attachment, error) {
	a, err := NewBytes(name, data)
	if err != nil {
		return nil, err
	}
	a.IsInline, a.ContentID = true, contentID
	return a, nil
}

// NewItem returns a pending item attachment: item (a pointer to a model,
// such as a *mail.Message) attached by value, as Outlook does when a message
// is dragged onto another. typeName is the item's schema type ("message",
// "event", "contact"); the item's writable properties are sent.
func NewItem(name string, item any, typeName string) (*Attachment, error) {
	if item == nil {
		return nil, errors.New("outlook: attach item: nil item")
	}
	if _, err := o365.Fields(item); err != nil {
		return nil, fmt.Errorf("outlook: attach item: %w", err)
	}
	return newPending(name, itemSource{item: item, typeName: typeName}), nil
}

// InlineJSON returns the pending attachment as it goes inside an item's
// creation or a POST to .../attachments, with its content read (it must be
// under SessionThreshold): the body the protocol p expects.
func (a *Attachment) InlineJSON(p *o365.Protocol) (jsontext.Value, error) {
	if a.src == nil {
		return nil, fmt.Errorf("outlook: attachment %q is not pending", a.Name)
	}
	if is, ok := a.src.(itemSource); ok {
		fields, err := o365.Fields(is.item)
		if err != nil {
			return nil, err
		}
		fields["@odata.type"] = quoted(p.TypeName(is.typeName))
		return encode(map[string]any{
			"@odata.type": "#" + p.TypeName("itemAttachment"),
			"name":        a.Name,
			"item":        fields,
		})
	}
	if ref, ok := a.src.(referenceSource); ok {
		// v1.0 declares no property of its own on referenceAttachment; the
		// link travels as beta and Outlook REST name it, and the service
		// keeps it (RawProperty("sourceUrl") reads it back).
		return encode(map[string]any{
			"@odata.type": "#" + p.TypeName("referenceAttachment"),
			"name":        a.Name,
			"sourceUrl":   ref.url,
		})
	}
	r, release, err := a.src.open()
	if err != nil {
		return nil, fmt.Errorf("attachment %q: %w", a.Name, err)
	}
	defer release()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("attachment %q: %w", a.Name, err)
	}
	if int64(len(data)) != a.src.size() {
		return nil, fmt.Errorf("attachment %q: read %d bytes, want %d", a.Name, len(data), a.src.size())
	}
	body := map[string]any{
		"@odata.type":  "#" + p.TypeName("fileAttachment"),
		"name":         a.Name,
		"contentBytes": data,
	}
	for k, v := range map[string]string{"contentType": a.ContentType, "contentId": a.ContentID, "contentLocation": a.ContentLocation} {
		if v != "" {
			body[k] = v
		}
	}
	if a.IsInline {
		body["isInline"] = true
	}
	return encode(body)
}

func quoted(s string) jsontext.Value {
	v, _ := o365.EncodeJSON(s)
	return v
}

func encode(v any) (jsontext.Value, error) {
	b, err := o365.EncodeJSON(v)
	return jsontext.Value(b), err
}

// Sent records that a pending attachment went to the service inside its
// item's creation (see InlineJSON): it is no longer pending, and its type is
// the protocol's. The creation's answer does not list attachments; the
// attachment is known by name until the item's attachments are listed.
func (a *Attachment) Sent(p *o365.Protocol) {
	switch a.Kind() {
	case KindItem:
		a.ODataType = "#" + p.TypeName("itemAttachment")
	case KindReference:
		a.ODataType = "#" + p.TypeName("referenceAttachment")
	default:
		a.ODataType = "#" + p.TypeName("fileAttachment")
	}
	a.src = nil
}

// Upload puts a pending attachment on item, a pointer to a bound model that
// exists (a saved message, event or task): one POST under SessionThreshold
// (and for items), an upload session above, up to MaxAttachmentSize. The
// POST is exactly-once: after an answer that may have been lost, Upload
// looks for an attachment of the same name, kind and size that was not there
// before (known holds the ids of those that were) instead of posting a
// second copy. The attachment then takes the service's view and is bound.
//
// Graph: POST /me/messages/{id}/attachments
// (https://learn.microsoft.com/graph/api/message-post-attachments) and
// attachment: createUploadSession
// (https://learn.microsoft.com/graph/api/attachment-createuploadsession).
func Upload(ctx context.Context, item any, a *Attachment, known map[string]bool) error {
	if a.src == nil {
		return nil
	}
	parent, err := parentOf(item)
	if err != nil {
		return err
	}
	if a.Kind() == KindItem || a.Kind() == KindReference || a.src.size() < SessionThreshold {
		body, err := a.InlineJSON(parent.Account().Protocol())
		if err != nil {
			return fmt.Errorf("outlook: attach: %w", err)
		}
		got, err := postOnce(ctx, parent, a, body, known)
		if err != nil {
			return fmt.Errorf("outlook: attach %q: %w", a.Name, err)
		}
		progress := a.UploadProgress
		*a = *got
		a.ContentBytes, a.UploadProgress = nil, progress
		return nil
	}
	return a.uploadSession(ctx, parent, known)
}

// UploadPending uploads the pending attachments among atts to item (see
// Upload), as an item's Save does after creating or updating it; the
// attachments the item held before (those with an id) are known not to be
// new ones.
//
// Graph: POST /me/messages/{id}/attachments
// (https://learn.microsoft.com/graph/api/message-post-attachments) and
// attachment: createUploadSession
// (https://learn.microsoft.com/graph/api/attachment-createuploadsession).
func UploadPending(ctx context.Context, item any, atts []*Attachment) error {
	known := map[string]bool{}
	for _, a := range atts {
		if a.ID != "" {
			known[a.ID] = true
		}
	}
	for _, a := range atts {
		if err := Upload(ctx, item, a, known); err != nil {
			return err
		}
	}
	return nil
}

// item is what attachments need of the model they belong to; every model
// has these methods from o365.Object.
type item interface {
	Account() *o365.Account
	Path() string
	Exists() bool
	Request(method, sub string, body any) *o365.Request
}

// parentOf returns the bound, existing model an attachment goes on.
func parentOf(v any) (item, error) {
	p, ok := v.(item)
	switch {
	case !ok:
		return nil, fmt.Errorf("outlook: %T is not a model", v)
	case p.Account() == nil:
		return nil, o365.ErrUnbound
	case !p.Exists():
		return nil, o365.ErrNotCreated
	}
	return p, nil
}

// bindUnder binds an attachment under its item.
func bindUnder(a *Attachment, parent item) error {
	return o365.Bind(a, parent.Account(), parent.Path()+"/attachments/"+o365.Path(a.ID))
}

// postOnce POSTs a small attachment; after an uncertain failure it looks for
// an attachment of the same name, kind and size that was not there before.
func postOnce(ctx context.Context, parent item, a *Attachment, body jsontext.Value, known map[string]bool) (*Attachment, error) {
	var got *Attachment
	err := o365.Once(ctx, func() error {
		got = &Attachment{}
		return o365.Call(ctx, parent, http.MethodPost, "attachments", body, got)
	}, func() (bool, error) {
		found, err := findNew(ctx, parent, a, known)
		if found != nil {
			got = found
		}
		return found != nil, err
	})
	if err != nil {
		return nil, err
	}
	if got.Path() == "" {
		if err := bindUnder(got, parent); err != nil {
			return nil, err
		}
	}
	return got, nil
}

// findNew looks among parent's attachments for one that is not in known
// and has a's name, kind and (for a file) size: the one a request whose
// answer was lost created. It returns nil when there is none.
func findNew(ctx context.Context, parent item, a *Attachment, known map[string]bool) (*Attachment, error) {
	for cand, err := range List(ctx, parent, nil) {
		if err != nil {
			return nil, fmt.Errorf("looking for the attachment: %w", err)
		}
		if !known[cand.ID] && cand.Name == a.Name && cand.Kind() == a.Kind() && (a.Kind() == KindItem || a.Kind() == KindReference || cand.Size == a.src.size()) {
			return cand, nil
		}
	}
	return nil, nil
}

// uploadSessionBody is the body of createUploadSession. Graph spells the
// wrapper with a capital A in every protocol.
type uploadSessionBody struct {
	AttachmentItem attachmentItem `json:"AttachmentItem"`
}

type attachmentItem struct {
	AttachmentType string `json:"attachmentType"`
	Name           string `json:"name"`
	Size           int64  `json:"size"`
	IsInline       bool   `json:"isInline,omitzero"`
	ContentID      string `json:"contentId,omitzero"`
	ContentType    string `json:"contentType,omitzero"`
}

// uploadSession uploads a through an upload session. When the answer to the
// last chunk is lost and the session is gone, the attachment was most likely
// created: it is looked for (as postOnce does) before the failure is
// reported.
func (a *Attachment) uploadSession(ctx context.Context, parent item, known map[string]bool) error {
	acct := parent.Account()
	body := uploadSessionBody{AttachmentItem: attachmentItem{
		AttachmentType: "file", Name: a.Name, Size: a.src.size(),
		IsInline: a.IsInline, ContentID: a.ContentID, ContentType: a.ContentType,
	}}
	var sess o365.UploadSession
	// A session holds nothing until bytes arrive, so creating one again after
	// a lost answer is harmless (the orphan expires): the engine may retry it.
	req := parent.Request(http.MethodPost, "attachments/createUploadSession", body)
	req.Idempotent = true
	if _, err := acct.Do(ctx, req, &sess); err != nil {
		return fmt.Errorf("outlook: attach %q: creating the upload session: %w", a.Name, err)
	}
	opts := o365.UploadOptions{Kind: o365.UploadOutlook, Progress: a.UploadProgress}
	var res *o365.UploadResult
	var err error
	switch s := a.src.(type) {
	case readerAtSource:
		res, err = acct.Upload(ctx, &sess, s.r, s.n, opts, nil)
	case fileSource:
		var fh *os.File
		if fh, err = os.Open(s.path); err != nil {
			return fmt.Errorf("outlook: attach %q: %w", a.Name, err)
		}
		res, err = acct.Upload(ctx, &sess, fh, s.n, opts, nil)
		fh.Close()
	case bytesSource:
		res, err = acct.Upload(ctx, &sess, bytes.NewReader(s), int64(len(s)), opts, nil)
	default:
		r, release, oerr := a.src.open()
		if oerr != nil {
			return fmt.Errorf("outlook: attach %q: %w", a.Name, oerr)
		}
		res, err = acct.UploadFrom(ctx, &sess, r, a.src.size(), opts, nil)
		release()
	}
	var id string
	if errors.Is(err, o365.ErrUploadMayHaveCompleted) {
		found, ferr := findNew(ctx, parent, a, known)
		if ferr != nil {
			return fmt.Errorf("outlook: attach %q: %w (and %v)", a.Name, err, ferr)
		}
		if found != nil {
			id, err = found.ID, nil
			if a.UploadProgress != nil {
				a.UploadProgress(a.src.size(), a.src.size())
			}
		}
	}
	if err != nil {
		return fmt.Errorf("outlook: attach %q: %w", a.Name, err)
	}
	if id == "" {
		id = IDFromLocation(res.Location)
	}
	a.ID = id
	a.Size = a.src.size()
	a.ODataType = "#" + acct.Protocol().TypeName("fileAttachment")
	a.src = nil
	return bindUnder(a, parent)
}

// IDFromLocation reads the id in ".../Attachments('ID')" (or a last path
// segment) of an upload session's final Location.
func IDFromLocation(loc string) string {
	if loc == "" {
		return ""
	}
	if u, err := url.Parse(loc); err == nil {
		loc = u.Path
	}
	lower := strings.ToLower(loc)
	if i := strings.LastIndex(lower, "attachments('"); i >= 0 {
		rest := loc[i+len("attachments('"):]
		if j := strings.Index(rest, "')"); j >= 0 {
			id, err := url.PathUnescape(strings.ReplaceAll(rest[:j], "''", "'"))
			if err == nil {
				return id
			}
			return rest[:j]
		}
	}
	seg := loc[strings.LastIndexByte(loc, '/')+1:]
	if id, err := url.PathUnescape(seg); err == nil {
		return id
	}
	return seg
}

// metadata are the attachment properties List asks for by default:
// everything but the content.
var metadata = []string{"id", "name", "contentType", "size", "isInline", "lastModifiedDateTime"}

// List lists the attachments of item, a pointer to a bound model that
// exists. With a nil q only their metadata is fetched (no contentBytes);
// pass o365.NewQuery() for everything. The attachments are bound under the
// item.
//
// Graph: GET /me/messages/{id}/attachments
// (https://learn.microsoft.com/graph/api/message-list-attachments).
func List(ctx context.Context, item any, q *o365.Query) iter.Seq2[*Attachment, error] {
	parent, err := parentOf(item)
	if err != nil {
		return o365.Fail[Attachment](err)
	}
	if q == nil {
		q = o365.NewQuery().Select(metadata...)
	}
	req := parent.Request(http.MethodGet, "attachments", nil)
	req.Query = q
	return o365.List[Attachment](ctx, parent.Account(), req)
}

// Download streams the attachment's raw content to w in constant memory: a
// file's bytes, or an item's MIME (RFC 5322) text. Content already loaded
// (contentBytes) is written without a request.
//
// Graph: GET /me/messages/{id}/attachments/{id}/$value
// (https://learn.microsoft.com/graph/api/attachment-get).
func (a *Attachment) Download(ctx context.Context, w io.Writer) (int64, error) {
	if len(a.ContentBytes) > 0 {
		n, err := w.Write(a.ContentBytes)
		return int64(n), err
	}
	acct := a.Account()
	if acct == nil {
		return 0, o365.ErrUnbound
	}
	if a.ID == "" {
		return 0, errors.New("outlook: the attachment has not been uploaded yet (no id)")
	}
	n, err := acct.Download(ctx, a.Request(http.MethodGet, "$value", nil), w)
	if err != nil {
		return n, fmt.Errorf("outlook: download attachment %q: %w", a.Name, err)
	}
	return n, nil
}

// DownloadTo downloads the attachment into dir under its sanitised name (see
// SafeFileName); an existing file is never overwritten: "name (1).ext" and
// so on is used instead. Item attachments are saved as .eml. It returns the
// path written.
//
// Graph: GET /me/messages/{id}/attachments/{id}/$value
// (https://learn.microsoft.com/graph/api/attachment-get).
func (a *Attachment) DownloadTo(ctx context.Context, dir string) (string, error) {
	name := SafeFileName(a.Name)
	if a.Kind() == KindItem && !strings.EqualFold(filepath.Ext(name), ".eml") {
		name += ".eml"
	}
	f, path, err := createUnique(dir, name)
	if err != nil {
		return "", fmt.Errorf("outlook: save attachment: %w", err)
	}
	_, err = a.Download(ctx, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", err
	}
	return path, nil
}

// Delete deletes the attachment from its item.
//
// Graph: DELETE /me/messages/{id}/attachments/{id}
// (https://learn.microsoft.com/graph/api/attachment-delete).
func (a *Attachment) Delete(ctx context.Context) error {
	if err := o365.Delete(ctx, a); err != nil {
		return fmt.Errorf("outlook: delete attachment %q: %w", a.Name, err)
	}
	return nil
}

// createUnique creates dir/name, or "name (N).ext" for the first free N
// (the name cut so that it still fits in 255 bytes), without ever replacing
// a file.
func createUnique(dir, name string) (*os.File, string, error) {
	for i := 0; i < 10000; i++ {
		cand := name
		if i > 0 {
			cand = o365.FitFileName(name, fmt.Sprintf(" (%d)", i))
		}
		p := filepath.Join(dir, cand)
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			return f, p, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, "", err
		}
	}
	return nil, "", fmt.Errorf("no free file name for %q in %s", name, dir)
}
