package drive

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/o365go/o365"
)

// DownloadOptions tune downloads; nil means the defaults.
type DownloadOptions struct {
	// Offset and Length download a byte range (Length 0: to the end). A
	// range is not hash-checked.
	Offset, Length int64
	// Progress, if set, is called after every write with the bytes written
	// and the total (-1 when unknown).
	Progress func(written, total int64)
	// Format converts the file on the way ("pdf"): ?format=.
	Format string
	// SkipHashCheck skips comparing the bytes received with the hash the
	// service reports.
	SkipHashCheck bool
	// NoReplace makes DownloadFile refuse to replace an existing local file
	// (even one that appears during the download): the error matches
	// fs.ErrExist.
	NoReplace bool
}

// Download streams the file's content to w in constant memory and returns
// the bytes written. It goes to the pre-authenticated download URL the item
// came with (or through /content's redirect), never sending the bearer
// token to that other host; after a broken connection it resumes with a
// Range request. A whole file is checked against the service's
// quickXorHash (ErrHashMismatch).
//
// Graph: GET /drives/{drive-id}/items/{id}/content
// (https://learn.microsoft.com/graph/api/driveitem-get-content),
// ?format=pdf (https://learn.microsoft.com/graph/api/driveitem-get-content-format).
func (it *Item) Download(ctx context.Context, w io.Writer, opts *DownloadOptions) (int64, error) {
	var o DownloadOptions
	if opts != nil {
		o = *opts
	}
	if err := o365.Ready(it); err != nil {
		return 0, err
	}
	if it.IsFolder() {
		return 0, fmt.Errorf("drive: download %q: it is a folder (see DownloadFolder)", it.Name)
	}
	var dopts []o365.DownloadOption
	if o.Offset > 0 || o.Length > 0 {
		dopts = append(dopts, o365.DownloadRange(o.Offset, o.Length))
	}
	if o.Progress != nil {
		dopts = append(dopts, o365.DownloadProgress(o.Progress))
	}
	var check *hashedWriter
	if remote := it.quickXor(); remote != "" && !o.SkipHashCheck && o.Format == "" && o.Offset == 0 && o.Length == 0 {
		check = &hashedWriter{w: w, h: NewQuickXorHash()}
		w = check.writer()
	}
	content := it.Request(http.MethodGet, "content", nil)
	if o.Format != "" {
		content.Query = o365.NewQuery().Param("format", o.Format)
	}
	var n int64
	var err error
	if u := it.DownloadURL(); u != "" && o.Format == "" {
		n, err = it.Account().Download(ctx, &o365.Request{Path: u, NoAuth: true}, w, dopts...)
		if err != nil && n == 0 && staleLink(err) {
			// The link expired (they live minutes): ask for a new one.
			n, err = it.Account().Download(ctx, content, w, dopts...)
		}
	} else {
		n, err = it.Account().Download(ctx, content, w, dopts...)
	}
	if err != nil {
		return n, fmt.Errorf("drive: download %q: %w", it.Name, err)
	}
	if check != nil {
		if local := base64.StdEncoding.EncodeToString(check.h.Sum(nil)); local != it.quickXor() {
			return n, &HashMismatchError{Name: it.Name, Algorithm: "quickXorHash", Local: local, Remote: it.quickXor()}
		}
	}
	return n, nil
}

// staleLink reports an answer of an expired or refused download link.
func staleLink(err error) bool {
	return errors.Is(err, o365.ErrUnauthorized) || errors.Is(err, o365.ErrForbidden) ||
		errors.Is(err, o365.ErrNotFound) || errors.Is(err, o365.ErrGone)
}

// quickXor is the item's quickXorHash, "" when the service gave none.
func (it *Item) quickXor() string {
	if it.File == nil || it.File.Hashes == nil {
		return ""
	}
	return it.File.Hashes.QuickXorHash
}

// Download streams the file at path p to w (see Item.Download).
//
// Graph: GET /me/drive/root:/{path}:/content
// (https://learn.microsoft.com/graph/api/driveitem-get-content).
func (d *Drive) Download(ctx context.Context, p string, w io.Writer, opts *DownloadOptions) (int64, error) {
	it, err := d.GetItemByPath(ctx, p, nil)
	if err != nil {
		return 0, err
	}
	return it.Download(ctx, w, opts)
}

// DownloadFile downloads the file to local: into a temporary file next to
// it, renamed to local only once whole and checked, so local never holds a
// half file; its modification time is the file's. An existing local is
// replaced.
//
// Graph: GET /drives/{drive-id}/items/{id}/content
// (https://learn.microsoft.com/graph/api/driveitem-get-content).
func (it *Item) DownloadFile(ctx context.Context, local string, opts *DownloadOptions) error {
	if it.IsFolder() {
		return fmt.Errorf("drive: download %q: it is a folder (see DownloadFolder)", it.Name)
	}
	dir, base := filepath.Split(local)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.partial")
	if err != nil {
		return fmt.Errorf("drive: download %q: %w", it.Name, err)
	}
	tmp := f.Name()
	_, err = it.Download(ctx, f, opts)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("drive: download %q: %w", it.Name, cerr)
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		if t := it.modified(); !t.IsZero() {
			err = os.Chtimes(tmp, t, t)
		}
	}
	if err == nil {
		err = place(tmp, local, opts != nil && opts.NoReplace)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// place moves a finished download to its name; with noReplace, an existing
// file there is kept and the error matches fs.ErrExist.
func place(tmp, local string, noReplace bool) error {
	if !noReplace {
		return os.Rename(tmp, local)
	}
	// A hard link never replaces: a file that appeared meanwhile is kept.
	err := os.Link(tmp, local)
	switch {
	case err == nil:
		return os.Remove(tmp)
	case errors.Is(err, fs.ErrExist):
	default:
		// No hard links here: look, then move.
		if _, serr := os.Lstat(local); serr != nil {
			return os.Rename(tmp, local)
		}
	}
	return fmt.Errorf("drive: %s: %w", local, fs.ErrExist)
}

// DownloadFile downloads the file at path p to local (see
// Item.DownloadFile) and returns the item.
//
// Graph: GET /me/drive/root:/{path}:/content
// (https://learn.microsoft.com/graph/api/driveitem-get-content).
func (d *Drive) DownloadFile(ctx context.Context, p, local string, opts *DownloadOptions) (*Item, error) {
	it, err := d.GetItemByPath(ctx, p, nil)
	if err != nil {
		return nil, err
	}
	return it, it.DownloadFile(ctx, local, opts)
}

// modified is the time a downloaded file gets: the one a client reported,
// else the service's.
func (it *Item) modified() time.Time {
	if it.FileSystemInfo != nil && !it.FileSystemInfo.LastModifiedDateTime.IsZero() {
		return it.FileSystemInfo.LastModifiedDateTime
	}
	return it.LastModifiedDateTime
}

// FolderDownloadOptions tune DownloadFolder; nil means the defaults.
type FolderDownloadOptions struct {
	// OnFile, if set, is called before each file with its path below the
	// local folder and the item.
	OnFile func(rel string, it *Item)
	// Progress, if set, is each file's DownloadOptions.Progress.
	Progress func(rel string, written, total int64)
}

// DownloadFolder downloads the folder at path p and everything below it
// into the local directory local (created when missing), and returns the
// number of files written. Remote names become safe local names
// (o365.SafeFileName): nothing is written outside local, whatever the
// names.
//
// Graph: GET /me/drive/root:/{path}:/children
// (https://learn.microsoft.com/graph/api/driveitem-list-children).
func (d *Drive) DownloadFolder(ctx context.Context, p, local string, opts *FolderDownloadOptions) (int, error) {
	it, err := d.GetItemByPath(ctx, p, nil)
	if err != nil {
		return 0, err
	}
	if !it.IsFolder() {
		return 0, fmt.Errorf("drive: download %q: it is a file (see DownloadFile)", p)
	}
	var o FolderDownloadOptions
	if opts != nil {
		o = *opts
	}
	return it.downloadTree(ctx, local, "", &o)
}

func (it *Item) downloadTree(ctx context.Context, local, rel string, o *FolderDownloadOptions) (int, error) {
	if err := os.MkdirAll(filepath.Join(local, filepath.FromSlash(rel)), 0o755); err != nil {
		return 0, fmt.Errorf("drive: download: %w", err)
	}
	files := 0
	used := map[string]bool{}
	for c, err := range it.ListChildren(ctx, nil, nil) {
		if err != nil {
			return files, err
		}
		name := uniqueName(o365.SafeFileName(c.Name, "file"), used)
		crel := name
		if rel != "" {
			crel = rel + "/" + name
		}
		if c.IsFolder() {
			n, err := c.downloadTree(ctx, local, crel, o)
			files += n
			if err != nil {
				return files, err
			}
			continue
		}
		if o.OnFile != nil {
			o.OnFile(crel, c)
		}
		var dopts *DownloadOptions
		if o.Progress != nil {
			dopts = &DownloadOptions{Progress: func(w, t int64) { o.Progress(crel, w, t) }}
		}
		if err := c.DownloadFile(ctx, filepath.Join(local, filepath.FromSlash(crel)), dopts); err != nil {
			return files, err
		}
		files++
	}
	return files, nil
}

// uniqueName is name, or "name (N).ext" when a sibling already took it
// (names that differ only in case count as taken: not every file system
// tells them apart).
func uniqueName(name string, used map[string]bool) string {
	cand := name
	for i := 1; used[strings.ToLower(cand)]; i++ {
		cand = o365.FitFileName(name, fmt.Sprintf(" (%d)", i))
	}
	used[strings.ToLower(cand)] = true
	return cand
}

// hashedWriter hashes what a download writes. When the download starts
// over (a server that answered a Range with the whole file), it rewinds the
// writer through Seek and Truncate, and the hash starts over too.
type hashedWriter struct {
	w io.Writer
	h hash.Hash
}

func (hw *hashedWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	return n, err
}

// writer is hw, with Seek and Truncate when the writer has them (so a
// download can rewind it).
func (hw *hashedWriter) writer() io.Writer {
	if _, ok := hw.w.(rewinder); ok {
		return rewindable{hw}
	}
	return hw
}

type rewinder interface {
	io.Seeker
	Truncate(int64) error
}

type rewindable struct{ *hashedWriter }

func (r rewindable) Seek(off int64, whence int) (int64, error) {
	return r.w.(rewinder).Seek(off, whence)
}

// Truncate goes back to the start of the download: the hash restarts.
func (r rewindable) Truncate(size int64) error {
	r.h.Reset()
	return r.w.(rewinder).Truncate(size)
}
