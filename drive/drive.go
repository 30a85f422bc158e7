// Package drive works with OneDrive and SharePoint document libraries
// through Microsoft Graph: drives and their quota, items by id and by path,
// folders, rename, move, copy (asynchronous, with progress), delete and
// restore, uploads and downloads of any size in constant memory that resume
// after a broken connection or a crash, integrity checked against the hash
// the service reports, versions, thumbnails, search, sharing (links,
// invitations, permissions, shared with me) and delta sync, including a
// one-way folder sync.
//
// New(acct) is the drive of the account's resource: the signed-in user's
// OneDrive, another user's (user:alice@contoso.com), a Microsoft 365
// group's (group:ID) or a SharePoint site's default document library
// (sharepoint:SITE-ID); ListDrives lists the resource's drives (a site's
// libraries) and Drive(id) addresses any drive by id.
//
//	d := drive.New(acct)
//	item, err := d.UploadFile(ctx, "report.pdf", "/Documents/report.pdf", nil)
//	link, err := item.CreateLink(ctx, &drive.LinkOptions{Type: drive.LinkView, Scope: drive.ScopeOrganization})
//	fmt.Println(link.Link.WebURL)
//
// Every call goes through the root's request path (o365.Account.Do, List,
// Get, Save, Delta, Upload, Download, WaitOperation, Once); the package has
// no HTTP, paging, retry or change tracking of its own.
package drive

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strings"

	"github.com/o365go/o365"
)

// Drive is one drive: the default drive of an account's resource (New) or
// a drive named by id (Drive). It makes no request until a method is called,
// and is safe for concurrent use.
type Drive struct {
	acct *o365.Account
	// base is the drive's path: "drive" below the resource, or
	// "/drives/{id}" below the service root.
	base string
}

// New returns the default drive of acct's resource: me/drive, or that of
// the user, group or SharePoint site the resource names. opts (such as
// o365.WithResource("group:ID")) apply to a copy of acct.
func New(acct *o365.Account, opts ...o365.Option) *Drive {
	if len(opts) > 0 {
		acct = acct.With(opts...)
	}
	return &Drive{acct: acct, base: "drive"}
}

// Drive returns the drive with the given id (from ListDrives, an item's
// parentReference.driveId), whoever owns it, without a request.
func (d *Drive) Drive(id string) *Drive {
	return &Drive{acct: d.acct, base: "/" + o365.Path("drives", id)}
}

// Account returns the account the drive sends its requests through.
func (d *Drive) Account() *o365.Account { return d.acct }

// Conflict says what a write does when the name it uses is taken
// (@microsoft.graph.conflictBehavior).
type Conflict string

// Conflict behaviours.
const (
	// ConflictFail refuses the write: the error matches o365.ErrConflict
	// (409 nameAlreadyExists).
	ConflictFail Conflict = "fail"
	// ConflictReplace replaces the existing item: a file gets a new version.
	ConflictReplace Conflict = "replace"
	// ConflictRename writes under a free name ("report 1.pdf").
	ConflictRename Conflict = "rename"
)

// or checks a conflict behaviour; "" is def.
func (c Conflict) or(def Conflict) (Conflict, error) {
	switch c {
	case "":
		return def, nil
	case ConflictFail, ConflictReplace, ConflictRename:
		return c, nil
	}
	return "", fmt.Errorf("drive: unknown conflict behaviour %q; use fail, replace or rename", string(c))
}

// Get loads the drive's properties: its id, type, owner and quota.
//
// Graph: GET /me/drive
// (https://learn.microsoft.com/graph/api/drive-get).
func (d *Drive) Get(ctx context.Context) (*Info, error) {
	info, err := o365.Get[Info](ctx, d.acct, &o365.Request{Path: d.base})
	if err != nil {
		return nil, fmt.Errorf("drive: get drive: %w", err)
	}
	return info, nil
}

// ListDrives lists the drives of the account's resource: a user's OneDrive,
// a group's library, or every document library of a SharePoint site. Use
// Drive(info.ID) to work in one.
//
// Graph: GET /sites/{site-id}/drives
// (https://learn.microsoft.com/graph/api/drive-list).
func (d *Drive) ListDrives(ctx context.Context, q *o365.Query) iter.Seq2[*Info, error] {
	return o365.List[Info](ctx, d.acct, &o365.Request{Path: "drives", Query: q, Collection: "/drives"})
}

// rootPath is the path of the item at p, a slash-separated path from the
// drive's root ("/" or "" is the root): root:/a/b: with every segment
// escaped for Graph, ":" included.
func (d *Drive) rootPath(p string) (string, error) {
	clean, err := cleanPath(p)
	if err != nil {
		return "", err
	}
	if clean == "" {
		return d.base + "/root", nil
	}
	return d.base + "/root:/" + escapePath(clean) + ":", nil
}

// cleanPath trims slashes and refuses "." and ".." segments and empty
// names, which Graph would read as something else.
func cleanPath(p string) (string, error) {
	var out []string
	for _, seg := range strings.Split(strings.ReplaceAll(p, "\\", "/"), "/") {
		switch seg {
		case "":
			continue
		case ".", "..":
			return "", fmt.Errorf("drive: path %q: \".\" and \"..\" are not drive names; give the path from the root", p)
		}
		out = append(out, seg)
	}
	return strings.Join(out, "/"), nil
}

// escapePath escapes each segment of a clean path as Graph's path syntax
// needs: percent-encoding, and ":" (which would end the path).
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
	}
	return strings.Join(segs, "/")
}

// splitPath splits a clean path into its folder and last name.
func splitPath(p string) (dir, name string) {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return "", p
	}
	return p[:i], p[i+1:]
}

// itemPath is the drive-relative path of an item by id.
func (d *Drive) itemPath(id string, rest ...string) string {
	return d.base + "/" + o365.Path(append([]string{"items", id}, rest...)...)
}

// conflictQuery is the query carrying a conflict behaviour.
func conflictQuery(c Conflict) *o365.Query {
	return o365.NewQuery().Param("@microsoft.graph.conflictBehavior", string(c))
}
