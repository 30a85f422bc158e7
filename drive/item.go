package drive

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
)

// Item is Graph's driveItem: a file or a folder (the root included), bound
// to its drive: Save sends a rename or a new description, and the methods
// reach its content, children, versions and permissions. An item from a
// listing is bound at /drives/{driveId}/items/{id}.
type Item struct {
	o365.Object
	ID          string `json:"id,omitzero" o365:"readonly"`
	Name        string `json:"name,omitzero"`
	Description string `json:"description,omitzero"`
	// ETag changes with any change of the item; CTag with its content only
	// (files).
	ETag                 string            `json:"eTag,omitzero" o365:"readonly"`
	CTag                 string            `json:"cTag,omitzero" o365:"readonly"`
	Size                 int64             `json:"size,omitzero" o365:"readonly"`
	CreatedDateTime      time.Time         `json:"createdDateTime,omitzero" o365:"readonly"`
	LastModifiedDateTime time.Time         `json:"lastModifiedDateTime,omitzero" o365:"readonly"`
	CreatedBy            *o365.IdentitySet `json:"createdBy,omitzero" o365:"readonly"`
	LastModifiedBy       *o365.IdentitySet `json:"lastModifiedBy,omitzero" o365:"readonly"`
	// ParentReference says where the item is; move it with Move.
	ParentReference *ItemReference  `json:"parentReference,omitzero" o365:"readonly"`
	WebURL          string          `json:"webUrl,omitzero" o365:"readonly"`
	WebDavURL       string          `json:"webDavUrl,omitzero" o365:"readonly"`
	FileSystemInfo  *FileSystemInfo `json:"fileSystemInfo,omitzero"`
	// Exactly one of File and Folder is set (Package for a few special
	// items); Root marks the drive's root.
	File          *File          `json:"file,omitzero" o365:"readonly"`
	Folder        *Folder        `json:"folder,omitzero" o365:"readonly"`
	Package       *Package       `json:"package,omitzero" o365:"readonly"`
	Root          *Root          `json:"root,omitzero" o365:"readonly"`
	Image         *Image         `json:"image,omitzero" o365:"readonly"`
	SpecialFolder *SpecialFolder `json:"specialFolder,omitzero" o365:"readonly"`
	Shared        *Shared        `json:"shared,omitzero" o365:"readonly"`
	RemoteItem    *RemoteItem    `json:"remoteItem,omitzero" o365:"readonly"`
	Deleted       *Deleted       `json:"deleted,omitzero" o365:"readonly"`
	SharePointIDs *SharePointIDs `json:"sharepointIds,omitzero" o365:"readonly"`

	// home is the drive a handle was made from (Root, Special ...), for
	// items whose drive their JSON does not say yet.
	home *Drive
}

// UnmarshalJSONFrom decodes the item and keeps its JSON (see o365.Object).
func (it *Item) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain Item
	return o365.DecodeObject(d, (*plain)(it))
}

// MarshalJSON encodes the item as the service sent it, with the program's
// changes (see o365.Object).
func (it Item) MarshalJSON() ([]byte, error) {
	type plain Item
	return o365.MarshalObject((*plain)(&it))
}

// IsFolder reports whether the item is a folder (the root included).
func (it *Item) IsFolder() bool { return it.Folder != nil || it.Root != nil }

// DownloadURL is the short-lived, pre-authenticated URL the service gave
// for the file's content (@microsoft.graph.downloadUrl), "" when it gave
// none. It needs no token: keep it as secret as one.
func (it *Item) DownloadURL() string {
	v, ok := it.RawProperty("@microsoft.graph.downloadUrl")
	if !ok || len(v) < 2 || v[0] != '"' {
		return ""
	}
	var s string
	if err := o365.DecodeJSON(v, &s); err != nil {
		return ""
	}
	return s
}

// driveID is the id of the item's drive, "" when the service did not say.
func (it *Item) driveID() string {
	if it.ParentReference != nil {
		return it.ParentReference.DriveID
	}
	return ""
}

// bind binds item at its canonical path, /drives/{driveId}/items/{id},
// when its drive is known, else in d.
func (d *Drive) bind(it *Item) *Item {
	if did := it.driveID(); did != "" && it.ID != "" {
		_ = o365.Bind(it, d.acct, "/"+o365.Path("drives", did, "items", it.ID))
	} else if it.ID != "" {
		_ = o365.Bind(it, d.acct, d.itemPath(it.ID))
	}
	it.home = d
	return it
}

// drive is the drive an item lives in, for requests about it.
func (it *Item) drive() (*Drive, error) {
	if err := o365.Ready(it); err != nil {
		return nil, err
	}
	if did := it.driveID(); did != "" {
		return &Drive{acct: it.Account(), base: "/" + o365.Path("drives", did)}, nil
	}
	if it.home != nil {
		return it.home, nil
	}
	p := it.Path()
	if i := strings.LastIndex(p, "/items/"); i >= 0 {
		return &Drive{acct: it.Account(), base: p[:i]}, nil
	}
	return nil, fmt.Errorf("drive: item %q: its drive is not known", it.ID)
}

// Item returns the item with the given id, without a request (only ID is
// set until Refresh).
func (d *Drive) Item(id string) *Item {
	it := &Item{ID: id, home: d}
	_ = o365.Bind(it, d.acct, d.itemPath(id))
	return it
}

// Root returns the drive's root folder, without a request.
func (d *Drive) Root() *Item {
	it := &Item{Root: &Root{}, home: d}
	_ = o365.Bind(it, d.acct, d.base+"/root")
	return it
}

// Special folder names (Special).
const (
	SpecialDocuments  = "documents"
	SpecialPhotos     = "photos"
	SpecialCameraRoll = "cameraroll"
	SpecialAppRoot    = "approot"
	SpecialMusic      = "music"
	SpecialRecordings = "recordings"
)

// GetSpecial loads a special folder (SpecialDocuments, SpecialAppRoot ...),
// which the service creates on first use.
//
// Graph: GET /me/drive/special/{name}
// (https://learn.microsoft.com/graph/api/drive-get-specialfolder).
func (d *Drive) GetSpecial(ctx context.Context, name string) (*Item, error) {
	it, err := o365.Get[Item](ctx, d.acct, &o365.Request{Path: d.base + "/" + o365.Path("special", name)})
	if err != nil {
		return nil, fmt.Errorf("drive: special folder %q: %w", name, err)
	}
	return d.bind(it), nil
}

// GetItem loads an item by id; q may $select and $expand.
//
// Graph: GET /me/drive/items/{id}
// (https://learn.microsoft.com/graph/api/driveitem-get).
func (d *Drive) GetItem(ctx context.Context, id string, q *o365.Query) (*Item, error) {
	it, err := o365.Get[Item](ctx, d.acct, &o365.Request{Path: d.itemPath(id), Query: q})
	if err != nil {
		return nil, fmt.Errorf("drive: get item %q: %w", id, err)
	}
	return d.bind(it), nil
}

// GetItemByPath loads the item at a path from the drive's root
// ("/Documents/a b/c.txt"; "/" is the root); q may $select and $expand.
//
// Graph: GET /me/drive/root:/{path}:
// (https://learn.microsoft.com/graph/api/driveitem-get).
func (d *Drive) GetItemByPath(ctx context.Context, p string, q *o365.Query) (*Item, error) {
	rp, err := d.rootPath(p)
	if err != nil {
		return nil, err
	}
	it, err := o365.Get[Item](ctx, d.acct, &o365.Request{Path: rp, Query: q})
	if err != nil {
		return nil, fmt.Errorf("drive: get %q: %w", p, err)
	}
	return d.bind(it), nil
}

// Refresh reloads the item.
//
// Graph: GET /drives/{drive-id}/items/{id}
// (https://learn.microsoft.com/graph/api/driveitem-get).
func (it *Item) Refresh(ctx context.Context) error {
	if err := o365.Refresh(ctx, it, nil); err != nil {
		return fmt.Errorf("drive: refresh %q: %w", it.Name, err)
	}
	return nil
}

// Save sends the item's changes: Name (a rename), Description,
// FileSystemInfo. A name that is taken fails with o365.ErrConflict.
//
// Graph: PATCH /drives/{drive-id}/items/{id}
// (https://learn.microsoft.com/graph/api/driveitem-update).
func (it *Item) Save(ctx context.Context) error {
	if err := o365.Save(ctx, it); err != nil {
		return fmt.Errorf("drive: update %q: %w", it.Name, err)
	}
	return nil
}

// Delete moves the item (and what is below it) to the recycle bin.
//
// Graph: DELETE /drives/{drive-id}/items/{id}
// (https://learn.microsoft.com/graph/api/driveitem-delete).
func (it *Item) Delete(ctx context.Context) error {
	if err := o365.Delete(ctx, it); err != nil {
		return fmt.Errorf("drive: delete %q: %w", it.Name, err)
	}
	return nil
}

// PermanentDelete deletes the item for good, without the recycle bin (an
// item already there too).
//
// Graph: POST /drives/{drive-id}/items/{id}/permanentDelete
// (https://learn.microsoft.com/graph/api/driveitem-permanentdelete).
func (it *Item) PermanentDelete(ctx context.Context) error {
	if err := o365.Call(ctx, it, http.MethodPost, "permanentDelete", nil, nil); err != nil {
		return fmt.Errorf("drive: delete %q for good: %w", it.Name, err)
	}
	return nil
}

// Restore brings a deleted item back from the recycle bin, into its folder
// (or folder, when not nil) under its name (or name, when not ""). Graph
// documents it for OneDrive personal; business drives may refuse it.
//
// Graph: POST /drives/{drive-id}/items/{id}/restore
// (https://learn.microsoft.com/graph/api/driveitem-restore).
func (it *Item) Restore(ctx context.Context, folder *Item, name string) (*Item, error) {
	body := map[string]any{}
	if folder != nil {
		body["parentReference"] = map[string]any{"id": folder.ID}
	}
	if name != "" {
		body["name"] = name
	}
	var out Item
	if err := o365.Call(ctx, it, http.MethodPost, "restore", body, &out); err != nil {
		return nil, fmt.Errorf("drive: restore %q: %w", it.ID, err)
	}
	d, err := it.drive()
	if err != nil {
		return nil, err
	}
	return d.bind(&out), nil
}

// MoveOptions tune Move; nil means the defaults.
type MoveOptions struct {
	// Conflict applies when the name is taken in the destination; ""
	// is ConflictFail.
	Conflict Conflict
}

// Move moves the item into folder (nil: it stays where it is) under name
// ("": it keeps its name); items cannot leave their drive (copy them). The
// item takes its new state.
//
// Graph: PATCH /drives/{drive-id}/items/{id}
// (https://learn.microsoft.com/graph/api/driveitem-move).
func (it *Item) Move(ctx context.Context, folder *Item, name string, opts *MoveOptions) error {
	var o MoveOptions
	if opts != nil {
		o = *opts
	}
	c, err := o.Conflict.or(ConflictFail)
	if err != nil {
		return err
	}
	body := map[string]any{}
	if folder != nil {
		ref := map[string]any{"id": folder.ID}
		if folder.ID == "" && folder.Root != nil {
			ref = map[string]any{"path": "/drive/root:"}
		}
		body["parentReference"] = ref
	}
	if name != "" {
		body["name"] = name
	}
	if len(body) == 0 {
		return nil
	}
	if err := o365.Ready(it); err != nil {
		return err
	}
	req := it.Request(http.MethodPatch, "", body)
	req.Query = conflictQuery(c)
	req.Idempotent = true
	if _, err := it.Account().Do(ctx, req, it); err != nil {
		return fmt.Errorf("drive: move %q: %w", it.Name, err)
	}
	return nil
}

// ChildrenOptions tune ListChildren; nil means the defaults.
type ChildrenOptions struct {
	// Recursive lists every item below the folder, each folder followed by
	// what is in it.
	Recursive bool
}

// ListChildren lists a folder's children, page by page (200 a page by
// default; q may $top, $orderby, $filter, $select and Limit).
//
// Graph: GET /drives/{drive-id}/items/{id}/children
// (https://learn.microsoft.com/graph/api/driveitem-list-children).
func (it *Item) ListChildren(ctx context.Context, q *o365.Query, opts *ChildrenOptions) iter.Seq2[*Item, error] {
	d, err := it.drive()
	if err != nil {
		return o365.Fail[Item](err)
	}
	return d.listChildren(ctx, it.Path()+"/children", q, opts)
}

// ListChildren lists the children of the folder at a path ("/" is the
// root); see Item.ListChildren.
//
// Graph: GET /me/drive/root:/{path}:/children
// (https://learn.microsoft.com/graph/api/driveitem-list-children).
func (d *Drive) ListChildren(ctx context.Context, p string, q *o365.Query, opts *ChildrenOptions) iter.Seq2[*Item, error] {
	rp, err := d.rootPath(p)
	if err != nil {
		return o365.Fail[Item](err)
	}
	return d.listChildren(ctx, rp+"/children", q, opts)
}

func (d *Drive) listChildren(ctx context.Context, path string, q *o365.Query, opts *ChildrenOptions) iter.Seq2[*Item, error] {
	recursive := opts != nil && opts.Recursive
	return func(yield func(*Item, error) bool) {
		for it, err := range o365.List[Item](ctx, d.acct, &o365.Request{Path: path, Query: q}) {
			if err != nil {
				yield(nil, fmt.Errorf("drive: list %s: %w", path, err))
				return
			}
			d.bind(it)
			if !yield(it, nil) {
				return
			}
			if recursive && it.IsFolder() && (it.Folder == nil || it.Folder.ChildCount > 0) {
				sub, err := it.drive()
				if err != nil {
					yield(nil, err)
					return
				}
				for c, err := range sub.listChildren(ctx, it.Path()+"/children", q, opts) {
					if !yield(c, err) || err != nil {
						return
					}
				}
			}
		}
	}
}

// FolderOptions tune folder creation; nil means the defaults.
type FolderOptions struct {
	// Conflict applies when the name is taken: "" is ConflictFail.
	Conflict Conflict
}

// CreateFolder creates a folder named name in this folder. With
// ConflictFail (the default) it happens exactly once: when the answer is
// lost, the folder is looked for before trying again.
//
// Graph: POST /drives/{drive-id}/items/{id}/children
// (https://learn.microsoft.com/graph/api/driveitem-post-children).
func (it *Item) CreateFolder(ctx context.Context, name string, opts *FolderOptions) (*Item, error) {
	d, err := it.drive()
	if err != nil {
		return nil, err
	}
	return d.createFolder(ctx, it.Path(), name, opts)
}

// CreateFolder creates the folder at path and every missing folder above
// it, like mkdir -p; an existing folder is returned as is. It fails when a
// file is in the way.
//
// Graph: POST /me/drive/root:/{parent-path}:/children
// (https://learn.microsoft.com/graph/api/driveitem-post-children).
func (d *Drive) CreateFolder(ctx context.Context, p string) (*Item, error) {
	clean, err := cleanPath(p)
	if err != nil {
		return nil, err
	}
	cur, err := o365.Get[Item](ctx, d.acct, &o365.Request{Path: d.base + "/root"})
	if err != nil {
		return nil, fmt.Errorf("drive: mkdir %q: %w", p, err)
	}
	d.bind(cur)
	if clean == "" {
		return cur, nil
	}
	done := ""
	for _, name := range strings.Split(clean, "/") {
		done = strings.TrimPrefix(done+"/"+name, "/")
		next, err := d.GetItemByPath(ctx, done, nil)
		if errors.Is(err, o365.ErrNotFound) {
			next, err = cur.CreateFolder(ctx, name, nil)
			if errors.Is(err, o365.ErrConflict) {
				next, err = d.GetItemByPath(ctx, done, nil) // made meanwhile
			}
		}
		if err != nil {
			return nil, fmt.Errorf("drive: mkdir %q: %w", p, err)
		}
		if !next.IsFolder() {
			return nil, fmt.Errorf("drive: mkdir %q: %q is a file", p, done)
		}
		cur = next
	}
	return cur, nil
}

// createFolder POSTs a folder to parent/children.
func (d *Drive) createFolder(ctx context.Context, parent, name string, opts *FolderOptions) (*Item, error) {
	var o FolderOptions
	if opts != nil {
		o = *opts
	}
	c, err := o.Conflict.or(ConflictFail)
	if err != nil {
		return nil, err
	}
	if name == "" || strings.ContainsAny(name, "/\\") {
		return nil, fmt.Errorf("drive: create folder: %q is not a folder name", name)
	}
	body := map[string]any{"name": name, "folder": map[string]any{}, "@microsoft.graph.conflictBehavior": string(c)}
	var out *Item
	try := func() error {
		out = new(Item)
		_, err := d.acct.Do(ctx, &o365.Request{Method: http.MethodPost, Path: parent + "/children", Body: body}, out)
		return err
	}
	var done func() (bool, error)
	if c == ConflictFail {
		// The name is the client's id: finding the folder means it was made.
		done = func() (bool, error) {
			found, err := o365.Get[Item](ctx, d.acct, &o365.Request{Path: parent + ":/" + escapePath(name) + ":"})
			if errors.Is(err, o365.ErrNotFound) {
				return false, nil
			}
			if err != nil {
				return false, fmt.Errorf("looking for the folder: %w", err)
			}
			out = found
			return found.IsFolder(), nil
		}
	}
	if err := o365.Once(ctx, try, done); err != nil {
		return nil, fmt.Errorf("drive: create folder %q: %w", name, err)
	}
	return d.bind(out), nil
}

// Search finds items below the folder whose name (or metadata, or
// content, as the service indexes them) matches text, page by page.
//
// Graph: GET /drives/{drive-id}/items/{id}/search(q='{text}')
// (https://learn.microsoft.com/graph/api/driveitem-search).
func (it *Item) Search(ctx context.Context, text string, q *o365.Query) iter.Seq2[*Item, error] {
	d, err := it.drive()
	if err != nil {
		return o365.Fail[Item](err)
	}
	return d.search(ctx, it.Path(), text, q)
}

// Search finds items of the whole drive matching text (see Item.Search).
//
// Graph: GET /me/drive/root/search(q='{text}')
// (https://learn.microsoft.com/graph/api/driveitem-search).
func (d *Drive) Search(ctx context.Context, text string, q *o365.Query) iter.Seq2[*Item, error] {
	return d.search(ctx, d.base+"/root", text, q)
}

func (d *Drive) search(ctx context.Context, at, text string, q *o365.Query) iter.Seq2[*Item, error] {
	fn := "search(q='" + strings.ReplaceAll(text, "'", "''") + "')"
	return func(yield func(*Item, error) bool) {
		for it, err := range o365.List[Item](ctx, d.acct, &o365.Request{Path: at + "/" + escapeFunction(fn), Query: q}) {
			if err != nil {
				yield(nil, fmt.Errorf("drive: search %q: %w", text, err))
				return
			}
			if !yield(d.bind(it), nil) {
				return
			}
		}
	}
}

// escapeFunction escapes a function segment such as search(q='a b') for a
// URL path, keeping the characters its syntax needs.
func escapeFunction(fn string) string {
	return strings.NewReplacer("%28", "(", "%29", ")", "%27", "'").Replace(strings.ReplaceAll(url.PathEscape(fn), ":", "%3A"))
}
