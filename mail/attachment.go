package mail

import (
	"bytes"
	"context"
	"encoding/json"
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

	"github.com/o365go/o365"
)

// simpleAttachLimit is the size from which an attachment goes through an
// upload session instead of one POST (Graph: "under 3 MB").
const simpleAttachLimit = 3 << 20

// ErrTooLarge is wrapped when an attachment exceeds the protocol's
// MaxAttachmentSize.
var ErrTooLarge = errors.New("mail: attachment too large")

// Attachment is a message attachment: a file (FileAttachment), an Outlook item
// (ItemAttachment, such as an attached message) or a link
// (ReferenceAttachment). ODataType carries the protocol's type name.
type Attachment struct {
	ODataType            string          `json:"@odata.type,omitempty"`
	ID                   string          `json:"id,omitempty"`
	Name                 string          `json:"name,omitempty"`
	ContentType          string          `json:"contentType,omitempty"`
	Size                 int64           `json:"size,omitempty"`
	IsInline             bool            `json:"isInline,omitempty"`
	LastModifiedDateTime time.Time       `json:"lastModifiedDateTime,omitzero"`
	ContentID            string          `json:"contentId,omitempty"`
	ContentLocation      string          `json:"contentLocation,omitempty"`
	ContentBytes         []byte          `json:"contentBytes,omitempty"`
	Item                 json.RawMessage `json:"item,omitempty"`

	// UploadProgress, if set, is called while an upload session sends the
	// attachment, with the bytes the service holds and the total.
	UploadProgress func(sent, total int64) `json:"-"`

	msg *Message
	src source // content not uploaded yet; nil once it is on the service
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

// itemSource is an Outlook item (a message) attached by value.
type itemSource struct{ item *Message }

func (itemSource) open() (io.Reader, func() error, error) {
	return nil, nil, errors.New("mail: an item attachment has no byte content")
}
func (itemSource) size() int64 { return 0 }

func (a *Attachment) pending() bool { return a.src != nil }

func (a *Attachment) size() int64 {
	if a.src != nil {
		return a.src.size()
	}
	return a.Size
}

// Kind returns "file", "item" or "reference", read from the @odata.type in
// either protocol's spelling ("" when unknown).
func (a *Attachment) Kind() string { return a.kind() }

func (a *Attachment) kind() string {
	if _, ok := a.src.(itemSource); ok {
		return "item"
	}
	t := strings.ToLower(a.ODataType)
	if i := strings.LastIndexByte(t, '.'); i >= 0 {
		t = t[i+1:]
	}
	switch t {
	case "fileattachment":
		return "file"
	case "itemattachment":
		return "item"
	case "referenceattachment":
		return "reference"
	}
	if a.src != nil {
		return "file"
	}
	return ""
}

func (msg *Message) checkSize(name string, n int64) error {
	limit := msg.mb.acct.Protocol().MaxAttachmentSize
	if limit > 0 && n > limit {
		return fmt.Errorf("%w: %q is %d bytes; the protocol accepts at most %d", ErrTooLarge, name, n, limit)
	}
	return nil
}

func (msg *Message) attach(name string, src source) *Attachment {
	a := &Attachment{Name: name, Size: src.size(), src: src, msg: msg}
	if ct := mime.TypeByExtension(strings.ToLower(filepath.Ext(name))); ct != "" {
		a.ContentType = ct
	} else if _, isItem := src.(itemSource); !isItem {
		a.ContentType = "application/octet-stream"
	}
	msg.Attachments = append(msg.Attachments, a)
	return a
}

// AttachFile attaches the file at path under its base name. The content is
// read when the message is saved or sent, in chunks for large files.
func (msg *Message) AttachFile(path string) (*Attachment, error) {
	if err := msg.bound(); err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("mail: attach: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("mail: attach %q: not a regular file", path)
	}
	if err := msg.checkSize(path, st.Size()); err != nil {
		return nil, err
	}
	return msg.attach(filepath.Base(path), fileSource{path: path, n: st.Size()}), nil
}

// AttachReader attaches size bytes read from r as name. r is read once, when
// the message is saved or sent; an io.ReaderAt (an *os.File) lets an
// interrupted upload resume.
func (msg *Message) AttachReader(name string, r io.Reader, size int64) (*Attachment, error) {
	if err := msg.bound(); err != nil {
		return nil, err
	}
	if size < 0 {
		return nil, fmt.Errorf("mail: attach %q: negative size", name)
	}
	if err := msg.checkSize(name, size); err != nil {
		return nil, err
	}
	if ra, ok := r.(io.ReaderAt); ok {
		return msg.attach(name, readerAtSource{ra, size}), nil
	}
	return msg.attach(name, readerSource{r: r, n: size}), nil
}

// readerAtSource is content that can be re-read from any offset.
type readerAtSource struct {
	r io.ReaderAt
	n int64
}

func (r readerAtSource) open() (io.Reader, func() error, error) {
	return io.NewSectionReader(r.r, 0, r.n), func() error { return nil }, nil
}
func (r readerAtSource) size() int64 { return r.n }

// AttachBytes attaches data as name.
func (msg *Message) AttachBytes(name string, data []byte) (*Attachment, error) {
	if err := msg.bound(); err != nil {
		return nil, err
	}
	if err := msg.checkSize(name, int64(len(data))); err != nil {
		return nil, err
	}
	return msg.attach(name, bytesSource(data)), nil
}

// AttachInline attaches an image shown in the HTML body where it says
// <img src="cid:contentID">.
func (msg *Message) AttachInline(name, contentID string, data []byte) (*Attachment, error) {
	a, err := msg.AttachBytes(name, data)
	if err != nil {
		return nil, err
	}
	a.IsInline, a.ContentID = true, contentID
	return a, nil
}

// AttachItem attaches a message by value (an ItemAttachment), as Outlook
// does when a message is dragged onto another.
func (msg *Message) AttachItem(name string, item *Message) (*Attachment, error) {
	if err := msg.bound(); err != nil {
		return nil, err
	}
	if item == nil {
		return nil, errors.New("mail: attach item: nil message")
	}
	return msg.attach(name, itemSource{item}), nil
}

// inlineJSON is the attachment as it goes inside a message or a POST to
// /attachments, with its content read (it must be small).
func (a *Attachment) inlineJSON(p *o365.Protocol) (json.RawMessage, error) {
	if is, ok := a.src.(itemSource); ok {
		item, err := is.item.fields()
		if err != nil {
			return nil, err
		}
		typ, _ := json.Marshal(p.Keyword(o365.KeywordMessageType))
		item["@odata.type"] = typ
		return json.Marshal(map[string]any{
			"@odata.type": p.Keyword(o365.KeywordItemAttachmentType),
			"name":        a.Name,
			"item":        item,
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
	w := *a
	w.ODataType = p.Keyword(o365.KeywordFileAttachmentType)
	w.ContentBytes = data
	w.ID, w.Size, w.LastModifiedDateTime = "", 0, time.Time{}
	return json.Marshal(&w)
}

// upload puts a pending attachment on the saved message msg: one POST under
// 3 MB (and for items), an upload session above.
func (a *Attachment) upload(ctx context.Context, msg *Message) error {
	if a.kind() == "item" || a.src.size() < simpleAttachLimit {
		body, err := a.inlineJSON(msg.mb.acct.Protocol())
		if err != nil {
			return fmt.Errorf("mail: attach: %w", err)
		}
		got, err := a.postOnce(ctx, msg, body)
		if err != nil {
			return fmt.Errorf("mail: attach %q: %w", a.Name, err)
		}
		a.adopt(got, msg)
		return nil
	}
	return a.uploadSession(ctx, msg)
}

// postOnce POSTs a small attachment; after an uncertain failure it looks for
// an attachment of the same name, kind and size that was not there before
// and takes it instead of posting a second copy.
func (a *Attachment) postOnce(ctx context.Context, msg *Message, body json.RawMessage) (*Attachment, error) {
	known := map[string]bool{}
	for _, k := range msg.Attachments {
		if k.ID != "" {
			known[k.ID] = true
		}
	}
	var got *Attachment
	err := once(ctx, func() error {
		got = &Attachment{}
		return msg.mb.do(ctx, http.MethodPost, messagePath(msg.ID, "attachments"), body, got)
	}, func() (bool, error) {
		for cand, err := range msg.ListAttachments(ctx, nil) {
			if err != nil {
				return false, fmt.Errorf("looking for the attachment: %w", err)
			}
			if !known[cand.ID] && cand.Name == a.Name && cand.kind() == a.kind() && (a.kind() == "item" || cand.Size == a.src.size()) {
				got = cand
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	return got, nil
}

// adopt takes the service's view of an uploaded attachment.
func (a *Attachment) adopt(got *Attachment, msg *Message) {
	progress := a.UploadProgress
	*a = *got
	a.ContentBytes = nil
	a.UploadProgress, a.msg, a.src = progress, msg, nil
}

// attachmentItem is the body of createUploadSession. Graph spells the
// wrapper with a capital A in every protocol.
type uploadSessionBody struct {
	AttachmentItem attachmentItem `json:"AttachmentItem"`
}

type attachmentItem struct {
	AttachmentType string `json:"attachmentType"`
	Name           string `json:"name"`
	Size           int64  `json:"size"`
	IsInline       bool   `json:"isInline,omitempty"`
	ContentID      string `json:"contentId,omitempty"`
	ContentType    string `json:"contentType,omitempty"`
}

func (a *Attachment) uploadSession(ctx context.Context, msg *Message) error {
	body := uploadSessionBody{AttachmentItem: attachmentItem{
		AttachmentType: "file", Name: a.Name, Size: a.src.size(),
		IsInline: a.IsInline, ContentID: a.ContentID, ContentType: a.ContentType,
	}}
	var sess o365.UploadSession
	// A session holds nothing until bytes arrive, so creating one again after
	// a lost answer is harmless (the orphan expires): the engine may retry it.
	req := msg.mb.request(http.MethodPost, messagePath(msg.ID, "attachments", "createUploadSession"), body)
	req.Idempotent = true
	if _, err := msg.mb.acct.Do(ctx, req, &sess); err != nil {
		return fmt.Errorf("mail: attach %q: creating the upload session: %w", a.Name, err)
	}
	opts := o365.UploadOptions{Kind: o365.UploadOutlook, Progress: a.UploadProgress}
	var res *o365.UploadResult
	var err error
	switch s := a.src.(type) {
	case readerAtSource:
		res, err = msg.mb.acct.Upload(ctx, &sess, s.r, s.n, opts, nil)
	case fileSource:
		var fh *os.File
		if fh, err = os.Open(s.path); err != nil {
			return fmt.Errorf("mail: attach %q: %w", a.Name, err)
		}
		res, err = msg.mb.acct.Upload(ctx, &sess, fh, s.n, opts, nil)
		fh.Close()
	case bytesSource:
		res, err = msg.mb.acct.Upload(ctx, &sess, bytes.NewReader(s), int64(len(s)), opts, nil)
	default:
		r, release, oerr := a.src.open()
		if oerr != nil {
			return fmt.Errorf("mail: attach %q: %w", a.Name, oerr)
		}
		res, err = msg.mb.acct.UploadFrom(ctx, &sess, r, a.src.size(), opts, nil)
		release()
	}
	if err != nil {
		return fmt.Errorf("mail: attach %q: %w", a.Name, err)
	}
	a.ID = attachmentIDFromLocation(res.Location)
	a.Size = a.src.size()
	a.ODataType = msg.mb.acct.Protocol().Keyword(o365.KeywordFileAttachmentType)
	a.src, a.msg = nil, msg
	return nil
}

// attachmentIDFromLocation reads the id in ".../Attachments('ID')" (or a
// last path segment) of an upload session's final Location.
func attachmentIDFromLocation(loc string) string {
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

// attachmentMeta are the attachment properties ListAttachments asks for by
// default: everything but the content.
var attachmentMeta = []string{"id", "name", "contentType", "size", "isInline", "lastModifiedDateTime"}

// ListAttachments lists the message's attachments on the service. With a nil
// q only their metadata is fetched (no contentBytes); pass o365.NewQuery()
// for everything. The attachments are bound to msg for Download and Save.
func (msg *Message) ListAttachments(ctx context.Context, q *o365.Query) iter.Seq2[*Attachment, error] {
	if err := msg.needID(); err != nil {
		return func(yield func(*Attachment, error) bool) { yield(nil, err) }
	}
	if q == nil {
		q = o365.NewQuery().Select(attachmentMeta...)
	}
	return list(ctx, msg.mb, messagePath(msg.ID, "attachments"), q, func(a *Attachment) { a.msg = msg })
}

// LoadAttachments replaces msg.Attachments with the metadata of the
// attachments on the service (pending local ones are kept).
func (msg *Message) LoadAttachments(ctx context.Context) error {
	atts, err := o365.Collect(msg.ListAttachments(ctx, nil))
	if err != nil {
		return fmt.Errorf("mail: attachments of %q: %w", msg.ID, err)
	}
	for _, a := range msg.Attachments {
		if a.pending() {
			atts = append(atts, a)
		}
	}
	msg.Attachments = atts
	return nil
}

// Download streams the attachment's raw content to w in constant memory: a
// file's bytes, or an item's MIME (RFC 5322) text. Content already loaded
// (contentBytes) is written without a request.
func (a *Attachment) Download(ctx context.Context, w io.Writer) (int64, error) {
	if len(a.ContentBytes) > 0 {
		n, err := w.Write(a.ContentBytes)
		return int64(n), err
	}
	if a.msg == nil || a.msg.mb == nil {
		return 0, ErrUnbound
	}
	if a.ID == "" || a.msg.ID == "" {
		return 0, errors.New("mail: the attachment has not been uploaded yet (no id)")
	}
	req := a.msg.mb.request(http.MethodGet, messagePath(a.msg.ID, "attachments", a.ID, "$value"), nil)
	n, err := a.msg.mb.acct.Download(ctx, req, w)
	if err != nil {
		return n, fmt.Errorf("mail: download attachment %q: %w", a.Name, err)
	}
	return n, nil
}

// Save downloads the attachment into dir under its sanitised name (see
// SafeFileName); an existing file is never overwritten: "name (1).ext" and
// so on is used instead. Item attachments are saved as .eml. It returns the
// path written.
func (a *Attachment) Save(ctx context.Context, dir string) (string, error) {
	name := SafeFileName(a.Name)
	if a.kind() == "item" && !strings.EqualFold(filepath.Ext(name), ".eml") {
		name += ".eml"
	}
	f, path, err := createUnique(dir, name)
	if err != nil {
		return "", fmt.Errorf("mail: save attachment: %w", err)
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

// SaveAttachments saves every attachment of the message into dir (see
// Attachment.Save) and returns the paths written.
func (msg *Message) SaveAttachments(ctx context.Context, dir string) ([]string, error) {
	var paths []string
	for a, err := range msg.ListAttachments(ctx, nil) {
		if err != nil {
			return paths, fmt.Errorf("mail: attachments of %q: %w", msg.ID, err)
		}
		if a.kind() == "reference" {
			continue // a link, no content
		}
		p, err := a.Save(ctx, dir)
		if err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// Message reads an item attachment (or an attached .eml file) as a message,
// by parsing its MIME content. The result is not bound to a mailbox.
func (a *Attachment) Message(ctx context.Context) (*Message, error) {
	var buf bytes.Buffer
	if _, err := a.Download(ctx, &buf); err != nil {
		return nil, err
	}
	return ParseMIME(&buf)
}

// createUnique creates dir/name, or "name (N).ext" for the first free N
// (the name cut so that it still fits in 255 bytes), without ever replacing
// a file.
func createUnique(dir, name string) (*os.File, string, error) {
	for i := 0; i < 10000; i++ {
		cand := name
		if i > 0 {
			cand = fitName(name, fmt.Sprintf(" (%d)", i), maxFileName)
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
