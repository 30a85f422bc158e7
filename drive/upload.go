package drive

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/o365go/o365"
)

// DefaultSimpleLimit is the largest file UploadOptions sends in one PUT by
// default: the 4 MiB Graph has always documented (newer pages say 250 MB;
// raise SimpleLimit to use that).
const DefaultSimpleLimit = 4 << 20

// ErrHashMismatch is matched by errors.Is when the hash the service reports
// for a transferred file differs from the hash of the bytes sent or
// received; the error is a *HashMismatchError.
var ErrHashMismatch = errors.New("drive: the content's hash does not match the service's")

// HashMismatchError is a transfer whose content did not arrive intact.
type HashMismatchError struct {
	Name      string
	Algorithm string // "quickXorHash", "sha256Hash" or "sha1Hash"
	Local     string // of the bytes this program sent or received
	Remote    string // as the service reports it
}

// Error describes the mismatch.
func (e *HashMismatchError) Error() string {
	return fmt.Sprintf("drive: %q: %s is %s here but %s on the service: the content was corrupted on the way", e.Name, e.Algorithm, e.Local, e.Remote)
}

// Is matches ErrHashMismatch.
func (e *HashMismatchError) Is(target error) bool { return target == ErrHashMismatch }

// UploadOptions tune uploads; nil means the defaults.
type UploadOptions struct {
	// Conflict applies when the name is taken: "" is ConflictReplace (a new
	// version of the file).
	Conflict Conflict
	// SimpleLimit is the largest size sent in one PUT; larger files go
	// through an upload session. 0 is DefaultSimpleLimit; -1 always uses a
	// session (but an empty file, which sessions cannot take).
	SimpleLimit int64
	// ChunkSize is the bytes per fragment of a session: a multiple of 320
	// KiB under 60 MiB; 0 is 10 MiB.
	ChunkSize int64
	// Progress, if set, is called with the bytes the service holds and the
	// total, before the first fragment and after each.
	Progress func(sent, total int64)
	// Description and Modified are set on the file (Modified as
	// fileSystemInfo.lastModifiedDateTime, as a sync client reports the
	// local file's time).
	Description string
	Modified    time.Time
	// Session, when set, is a session saved by an earlier run (from
	// OnSession) for the same path and size: the upload continues where the
	// service says it stopped. A session that is gone (expired, cancelled)
	// is replaced by a new one.
	Session *Session
	// OnSession, when set, gets every new session before its first byte is
	// sent, to save it for a later run; its error stops the upload. With
	// it, a failed upload keeps its session (it is cancelled otherwise).
	OnSession func(*Session) error
	// SkipHashCheck skips comparing the service's hash of the file with the
	// hash of the bytes sent.
	SkipHashCheck bool
}

// Session is an upload session a later run can resume: what OnSession
// gets, JSON-encodable, to give back as UploadOptions.Session. UploadURL
// is pre-authenticated: keep it as secret as a token.
type Session struct {
	UploadURL string    `json:"uploadUrl"`
	Expires   time.Time `json:"expirationDateTime"`
	// Target names what the session writes (the drive path, or the item)
	// and Size its size: a saved session is resumed only for the same.
	Target string `json:"target"`
	Size   int64  `json:"size"`
}

// uploadTarget is where an upload goes.
type uploadTarget struct {
	content string // the simple upload's path (.../content)
	create  string // the createUploadSession path
	name    string // the file name (for the session body); "" for an item by id
	key     string // Session.Target
	byPath  string // the path to look the file up by ("" for an item by id)
	d       *Drive
}

// target is where an upload to path p goes.
func (d *Drive) target(p string) (uploadTarget, error) {
	clean, err := cleanPath(p)
	if err != nil {
		return uploadTarget{}, err
	}
	if clean == "" {
		return uploadTarget{}, errors.New("drive: upload: give the file's path, not the root")
	}
	rp := d.base + "/root:/" + escapePath(clean) + ":"
	_, name := splitPath(clean)
	return uploadTarget{content: rp + "/content", create: rp + "/createUploadSession", name: name, key: d.base + ":/" + clean, byPath: clean, d: d}, nil
}

// Upload uploads size bytes of r as the file at path p ("/Documents/a.iso";
// missing folders are created by the service), in one PUT up to
// SimpleLimit, else through an upload session in fragments read from r one
// at a time (constant memory, any size) and retried, resumed from where the
// service says, after a broken connection, a throttle or a crash (see
// UploadOptions.Session). The hash the service reports is checked against
// the bytes sent (ErrHashMismatch).
//
// Graph: PUT /me/drive/root:/{path}:/content
// (https://learn.microsoft.com/graph/api/driveitem-put-content),
// POST /me/drive/root:/{path}:/createUploadSession
// (https://learn.microsoft.com/graph/api/driveitem-createuploadsession).
func (d *Drive) Upload(ctx context.Context, p string, r io.ReaderAt, size int64, opts *UploadOptions) (*Item, error) {
	t, err := d.target(p)
	if err != nil {
		return nil, err
	}
	return t.run(ctx, &atSource{r: r, size: size, h: NewQuickXorHash()}, size, opts)
}

// UploadStream is Upload from a reader that cannot seek (a pipe, a network
// stream) whose size is known: it holds one fragment in memory, so after a
// failure it can resume only within that fragment or ahead (a saved
// Session is resumed by reading past what the service holds).
//
// Graph: PUT /me/drive/root:/{path}:/content
// (https://learn.microsoft.com/graph/api/driveitem-put-content),
// POST /me/drive/root:/{path}:/createUploadSession
// (https://learn.microsoft.com/graph/api/driveitem-createuploadsession).
func (d *Drive) UploadStream(ctx context.Context, p string, r io.Reader, size int64, opts *UploadOptions) (*Item, error) {
	t, err := d.target(p)
	if err != nil {
		return nil, err
	}
	h := NewQuickXorHash()
	return t.run(ctx, &streamSource{r: io.TeeReader(r, h), h: h}, size, opts)
}

// UploadFile uploads a local file to path p; a p ending in "/" (or empty)
// is a folder, where the file keeps its local name. The file's modification
// time is reported as fileSystemInfo unless opts set Modified.
//
// Graph: PUT /me/drive/root:/{path}:/content
// (https://learn.microsoft.com/graph/api/driveitem-put-content),
// POST /me/drive/root:/{path}:/createUploadSession
// (https://learn.microsoft.com/graph/api/driveitem-createuploadsession).
func (d *Drive) UploadFile(ctx context.Context, local, p string, opts *UploadOptions) (*Item, error) {
	f, err := os.Open(local)
	if err != nil {
		return nil, fmt.Errorf("drive: upload: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("drive: upload: %w", err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("drive: upload: %s is a directory", local)
	}
	if p == "" || strings.HasSuffix(p, "/") {
		p += path.Base(strings.ReplaceAll(local, "\\", "/"))
	}
	var o UploadOptions
	if opts != nil {
		o = *opts
	}
	if o.Modified.IsZero() {
		o.Modified = st.ModTime()
	}
	return d.Upload(ctx, p, f, st.Size(), &o)
}

// Upload replaces the file's content with size bytes of r, as a new
// version (see Drive.Upload).
//
// Graph: PUT /drives/{drive-id}/items/{id}/content
// (https://learn.microsoft.com/graph/api/driveitem-put-content),
// POST /drives/{drive-id}/items/{id}/createUploadSession
// (https://learn.microsoft.com/graph/api/driveitem-createuploadsession).
func (it *Item) Upload(ctx context.Context, r io.ReaderAt, size int64, opts *UploadOptions) (*Item, error) {
	d, err := it.drive()
	if err != nil {
		return nil, err
	}
	t := uploadTarget{content: it.Path() + "/content", create: it.Path() + "/createUploadSession", key: it.Path(), d: d}
	return t.run(ctx, &atSource{r: r, size: size, h: NewQuickXorHash()}, size, opts)
}

// source is what an upload reads: a ReaderAt or a stream, hashed as sent.
type source interface {
	// whole returns the content for one PUT, replayable.
	whole(size int64) (io.ReadSeeker, error)
	// sum returns the quickXorHash of everything, reading what the upload
	// skipped (a stream is read from its start, skipped bytes included).
	sum() (string, bool, error)
	// rehash returns another hash of the whole content, when it can.
	rehash(h hash.Hash) (string, bool, error)
	// send uploads through a session from where it expects bytes.
	send(ctx context.Context, a *o365.Account, us *o365.UploadSession, size int64, uo o365.UploadOptions, out *Item) error
}

// run uploads src to t.
func (t uploadTarget) run(ctx context.Context, src source, size int64, opts *UploadOptions) (*Item, error) {
	var o UploadOptions
	if opts != nil {
		o = *opts
	}
	c, err := o.Conflict.or(ConflictReplace)
	if err != nil {
		return nil, err
	}
	if size < 0 {
		return nil, fmt.Errorf("drive: upload: size %d", size)
	}
	limit := o.SimpleLimit
	if limit == 0 {
		limit = DefaultSimpleLimit
	}
	var it *Item
	if size == 0 || (size <= limit && o.Session == nil) {
		it, err = t.simple(ctx, src, size, c, &o)
	} else {
		it, err = t.session(ctx, src, size, c, &o)
	}
	if err != nil {
		return it, err
	}
	if o.SkipHashCheck {
		return it, nil
	}
	return it, verify(it, src)
}

// simple sends the whole file in one PUT (retried like any PUT), then the
// metadata the PUT cannot carry.
func (t uploadTarget) simple(ctx context.Context, src source, size int64, c Conflict, o *UploadOptions) (*Item, error) {
	body, err := src.whole(size)
	if err != nil {
		return nil, err
	}
	if o.Progress != nil {
		o.Progress(0, size)
	}
	out := new(Item)
	req := &o365.Request{Method: http.MethodPut, Path: t.content, Query: conflictQuery(c), Body: body, ContentType: "application/octet-stream"}
	if _, err := t.d.acct.Do(ctx, req, out); err != nil {
		return nil, fmt.Errorf("drive: upload %s: %w", t.key, err)
	}
	if o.Progress != nil {
		o.Progress(size, size)
	}
	t.d.bind(out)
	if o.Description == "" && o.Modified.IsZero() {
		return out, nil
	}
	if o.Description != "" {
		out.Description = o.Description
	}
	if !o.Modified.IsZero() {
		out.FileSystemInfo = fileTimes(out.FileSystemInfo, o.Modified)
	}
	return out, out.Save(ctx)
}

// fileTimes sets a file's reported modification time.
func fileTimes(fs *FileSystemInfo, modified time.Time) *FileSystemInfo {
	out := FileSystemInfo{}
	if fs != nil {
		out = *fs
	}
	out.LastModifiedDateTime = modified.UTC().Truncate(time.Second)
	return &out
}

// session uploads through an upload session: a saved one when it is still
// there, else a new one.
func (t uploadTarget) session(ctx context.Context, src source, size int64, c Conflict, o *UploadOptions) (*Item, error) {
	uo := o365.UploadOptions{Kind: o365.UploadOneDrive, ChunkSize: o.ChunkSize, Progress: o.Progress,
		KeepSession: o.OnSession != nil || o.Session != nil}
	if s := o.Session; s != nil && s.Target == t.key && s.Size == size && s.UploadURL != "" {
		out, err := t.resume(ctx, s, src, size, uo)
		switch {
		case err == nil:
			return out, nil
		case errors.Is(err, o365.ErrNotFound), errors.Is(err, errSessionDone):
			// Gone (expired, cancelled, or completed by the run that saved
			// it): start again.
		default:
			return nil, err
		}
	}
	body := map[string]any{"@microsoft.graph.conflictBehavior": string(c)}
	if t.name != "" {
		body["name"] = t.name
	}
	body["fileSize"] = size
	if o.Description != "" {
		body["description"] = o.Description
	}
	if !o.Modified.IsZero() {
		body["fileSystemInfo"] = map[string]any{"lastModifiedDateTime": o.Modified.UTC().Truncate(time.Second)}
	}
	var us o365.UploadSession
	// A second session after a lost answer costs nothing: the first expires.
	req := &o365.Request{Method: http.MethodPost, Path: t.create, Body: map[string]any{"item": body}}
	if err := o365.Once(ctx, func() error { _, err := t.d.acct.Do(ctx, req, &us); return err }, nil); err != nil {
		return nil, fmt.Errorf("drive: upload %s: creating the upload session: %w", t.key, err)
	}
	if o.OnSession != nil {
		s := &Session{UploadURL: us.UploadURL, Expires: us.ExpirationDateTime, Target: t.key, Size: size}
		if err := o.OnSession(s); err != nil {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			_ = t.d.acct.CancelUpload(cctx, us.UploadURL)
			return nil, fmt.Errorf("drive: upload %s: saving the session: %w", t.key, err)
		}
	}
	out, err := t.send(ctx, src, &us, size, uo)
	if err != nil {
		return nil, fmt.Errorf("drive: upload %s: %w", t.key, err)
	}
	return out, nil
}

// send uploads src through session us. When the last fragment's answer is
// lost and the session is then gone, the file the upload created is looked
// for (see created) and reported as the upload's result.
func (t uploadTarget) send(ctx context.Context, src source, us *o365.UploadSession, size int64, uo o365.UploadOptions) (*Item, error) {
	out := new(Item)
	err := src.send(ctx, t.d.acct, us, size, uo, out)
	if errors.Is(err, o365.ErrUploadMayHaveCompleted) {
		if it := t.created(ctx, src, size); it != nil {
			if uo.Progress != nil {
				uo.Progress(size, size)
			}
			return it, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return t.d.bind(out), nil
}

// created returns the file an upload session whose last answer was lost
// created, or nil: the item at the target only counts when its size and
// quickXorHash are those of the bytes sent (an older file of the same name
// does not).
func (t uploadTarget) created(ctx context.Context, src source, size int64) *Item {
	it := new(Item)
	req := &o365.Request{Method: http.MethodGet, Path: strings.TrimSuffix(t.content, "/content")}
	if _, err := t.d.acct.Do(ctx, req, it); err != nil {
		return nil
	}
	if it.Size != size || it.File == nil || it.File.Hashes == nil || it.File.Hashes.QuickXorHash == "" || verify(it, src) != nil {
		return nil
	}
	return t.d.bind(it)
}

// errSessionDone says a saved session expects no more bytes.
var errSessionDone = errors.New("drive: the saved upload session expects no more bytes")

// resume continues a saved session from where the service says it is.
func (t uploadTarget) resume(ctx context.Context, s *Session, src source, size int64, uo o365.UploadOptions) (*Item, error) {
	st, err := t.d.acct.UploadStatus(ctx, s.UploadURL)
	if err != nil {
		return nil, err
	}
	if len(st.NextExpectedRanges) == 0 {
		return nil, errSessionDone
	}
	st.UploadURL = s.UploadURL
	out, err := t.send(ctx, src, st, size, uo)
	if err != nil {
		return nil, fmt.Errorf("drive: upload %s: resuming: %w", t.key, err)
	}
	return out, nil
}

// verify compares the service's hash of an uploaded file with the bytes
// sent: quickXorHash when the service reports it, else SHA-256 or SHA-1
// (read again from a ReaderAt; a stream cannot be, and is not checked).
func verify(it *Item, src source) error {
	if it == nil || it.File == nil || it.File.Hashes == nil {
		return nil
	}
	hs := it.File.Hashes
	check := func(alg, local, remote string, ok bool, err error) error {
		if err != nil {
			return fmt.Errorf("drive: checking %q: %w", it.Name, err)
		}
		if ok && !strings.EqualFold(local, remote) {
			return &HashMismatchError{Name: it.Name, Algorithm: alg, Local: local, Remote: remote}
		}
		return nil
	}
	switch {
	case hs.QuickXorHash != "":
		local, ok, err := src.sum()
		return check("quickXorHash", local, hs.QuickXorHash, ok, err)
	case hs.SHA256Hash != "":
		local, ok, err := src.rehash(sha256.New())
		return check("sha256Hash", local, hs.SHA256Hash, ok, err)
	case hs.SHA1Hash != "":
		local, ok, err := src.rehash(sha1.New())
		return check("sha1Hash", local, hs.SHA1Hash, ok, err)
	}
	return nil
}

// atSource uploads from an io.ReaderAt, hashing the bytes in order as the
// upload reads them (and, after a resume, those it skipped).
type atSource struct {
	r    io.ReaderAt
	size int64
	h    hash.Hash

	mu     sync.Mutex
	hashed int64 // bytes [0, hashed) are in h
}

// ReadAt reads for the upload and hashes what is new.
func (s *atSource) ReadAt(p []byte, off int64) (int, error) {
	n, err := s.r.ReadAt(p, off)
	s.mu.Lock()
	defer s.mu.Unlock()
	if off > s.hashed {
		if herr := s.hashTo(off); herr != nil {
			return n, herr
		}
	}
	if end := off + int64(n); off <= s.hashed && end > s.hashed {
		s.h.Write(p[s.hashed-off : n])
		s.hashed = end
	}
	return n, err
}

// hashTo hashes the bytes from s.hashed to end, reading them from r.
func (s *atSource) hashTo(end int64) error {
	if s.hashed >= end {
		return nil
	}
	_, err := io.Copy(s.h, io.NewSectionReader(s.r, s.hashed, end-s.hashed))
	if err != nil {
		return fmt.Errorf("reading the content to hash it: %w", err)
	}
	s.hashed = end
	return nil
}

func (s *atSource) whole(size int64) (io.ReadSeeker, error) {
	return io.NewSectionReader(s, 0, size), nil
}

func (s *atSource) send(ctx context.Context, a *o365.Account, us *o365.UploadSession, size int64, uo o365.UploadOptions, out *Item) error {
	_, err := a.Upload(ctx, us, s, size, uo, out)
	return err
}

func (s *atSource) sum() (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.hashTo(s.size); err != nil {
		return "", false, err
	}
	return base64.StdEncoding.EncodeToString(s.h.Sum(nil)), true, nil
}

func (s *atSource) rehash(h hash.Hash) (string, bool, error) {
	if _, err := io.Copy(h, io.NewSectionReader(s.r, 0, s.size)); err != nil {
		return "", false, err
	}
	return hex.EncodeToString(h.Sum(nil)), true, nil
}

// streamSource uploads from a reader read once from its start, hashed as
// it is read (bytes a resumed session already holds are read and hashed
// too, then skipped).
type streamSource struct {
	r io.Reader // tees into h
	h hash.Hash
}

func (s *streamSource) whole(size int64) (io.ReadSeeker, error) {
	buf := make([]byte, size)
	if _, err := io.ReadFull(s.r, buf); err != nil {
		return nil, fmt.Errorf("drive: upload: reading the content: %w", err)
	}
	return bytes.NewReader(buf), nil
}

func (s *streamSource) send(ctx context.Context, a *o365.Account, us *o365.UploadSession, size int64, uo o365.UploadOptions, out *Item) error {
	_, err := a.UploadFrom(ctx, us, s.r, size, uo, out)
	return err
}

func (s *streamSource) sum() (string, bool, error) {
	return base64.StdEncoding.EncodeToString(s.h.Sum(nil)), true, nil
}

func (s *streamSource) rehash(hash.Hash) (string, bool, error) { return "", false, nil }
