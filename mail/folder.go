package mail

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
)

// Folder is Graph's mailFolder, bound to the mailbox it came from.
type Folder struct {
	o365.Object
	ID               string `json:"id,omitzero" o365:"readonly"`
	DisplayName      string `json:"displayName,omitzero"`
	ParentFolderID   string `json:"parentFolderId,omitzero" o365:"readonly"`
	ChildFolderCount int    `json:"childFolderCount,omitzero" o365:"readonly"`
	UnreadItemCount  int    `json:"unreadItemCount,omitzero" o365:"readonly"`
	TotalItemCount   int    `json:"totalItemCount,omitzero" o365:"readonly"`
	// IsHidden can only be set when the folder is created.
	IsHidden bool `json:"isHidden,omitzero" o365:"createonly"`
}

// UnmarshalJSONFrom decodes the folder and keeps its JSON (see o365.Object).
func (f *Folder) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain Folder
	return o365.DecodeObject(d, (*plain)(f))
}

// MarshalJSON encodes the folder as the service sent it, with the program's
// changes (see o365.Object).
func (f Folder) MarshalJSON() ([]byte, error) {
	type plain Folder
	return o365.MarshalObject((*plain)(&f))
}

// Folder returns the folder with the given id or well-known name (Inbox,
// SentItems ...) without a request: only its ID is set until Refresh.
func (m *Mailbox) Folder(idOrWellKnownName string) *Folder {
	f := &Folder{ID: idOrWellKnownName}
	_ = o365.Bind(f, m.acct, folderPath(idOrWellKnownName))
	return f
}

// Inbox returns the Inbox folder (no request).
func (m *Mailbox) Inbox() *Folder { return m.Folder(Inbox) }

// Drafts returns the Drafts folder (no request).
func (m *Mailbox) Drafts() *Folder { return m.Folder(Drafts) }

// SentItems returns the Sent Items folder (no request).
func (m *Mailbox) SentItems() *Folder { return m.Folder(SentItems) }

// DeletedItems returns the Deleted Items folder (no request).
func (m *Mailbox) DeletedItems() *Folder { return m.Folder(DeletedItems) }

// JunkEmail returns the Junk Email folder (no request).
func (m *Mailbox) JunkEmail() *Folder { return m.Folder(JunkEmail) }

// Archive returns the Archive folder (no request).
func (m *Mailbox) Archive() *Folder { return m.Folder(Archive) }

// Outbox returns the Outbox folder (no request).
func (m *Mailbox) Outbox() *Folder { return m.Folder(Outbox) }

// FolderOptions tune folder listings; nil means the defaults.
type FolderOptions struct {
	// IncludeHidden lists hidden folders too (includeHiddenFolders=true).
	IncludeHidden bool
	// Recursive lists every descendant, depth first, after its parent.
	Recursive bool
}

// ListFolders lists the top-level folders of the mailbox, page by page; q
// may filter, order and limit them (nil for all).
//
// Graph: GET /me/mailFolders
// (https://learn.microsoft.com/graph/api/user-list-mailfolders).
func (m *Mailbox) ListFolders(ctx context.Context, q *o365.Query, opts *FolderOptions) iter.Seq2[*Folder, error] {
	return listFolders(ctx, m.acct, "mailFolders", q, opts)
}

// listFolders lists the folders at path, each followed by its descendants
// when opts asks for them.
func listFolders(ctx context.Context, acct *o365.Account, path string, q *o365.Query, opts *FolderOptions) iter.Seq2[*Folder, error] {
	var o FolderOptions
	if opts != nil {
		o = *opts
	}
	if o.IncludeHidden {
		// On a copy: the caller's query stays as it was.
		q = q.Clone().Param("includeHiddenFolders", "true")
	}
	req := &o365.Request{Path: path, Query: q, Collection: "mailFolders"}
	return func(yield func(*Folder, error) bool) {
		for f, err := range o365.List[Folder](ctx, acct, req) {
			if !yield(f, err) || err != nil {
				return
			}
			if o.Recursive && f.ChildFolderCount > 0 {
				for c, err := range listFolders(ctx, acct, folderPath(f.ID, "childFolders"), q, &o) {
					if !yield(c, err) || err != nil {
						return
					}
				}
			}
		}
	}
}

// GetFolder loads a folder by id or well-known name; q may $select.
//
// Graph: GET /me/mailFolders/{id}
// (https://learn.microsoft.com/graph/api/mailfolder-get).
func (m *Mailbox) GetFolder(ctx context.Context, idOrWellKnownName string, q *o365.Query) (*Folder, error) {
	f, err := o365.Get[Folder](ctx, m.acct, &o365.Request{Path: folderPath(idOrWellKnownName), Query: q, Collection: "mailFolders"})
	if err != nil {
		return nil, fmt.Errorf("mail: get folder %q: %w", idOrWellKnownName, err)
	}
	return f, nil
}

// GetFolderByName finds a folder by display name, looking at every level of
// the folder tree (hidden folders included); the error wraps
// ErrFolderNotFound when there is none.
//
// Graph: GET /me/mailFolders and .../childFolders
// (https://learn.microsoft.com/graph/api/mailfolder-list-childfolders).
func (m *Mailbox) GetFolderByName(ctx context.Context, name string) (*Folder, error) {
	for f, err := range m.ListFolders(ctx, nil, &FolderOptions{Recursive: true, IncludeHidden: true}) {
		if err != nil {
			return nil, fmt.Errorf("mail: find folder %q: %w", name, err)
		}
		if f.DisplayName == name {
			return f, nil
		}
	}
	return nil, fmt.Errorf("%w: %q", ErrFolderNotFound, name)
}

// CreateFolder creates a top-level folder.
//
// Graph: POST /me/mailFolders
// (https://learn.microsoft.com/graph/api/user-post-mailfolders).
func (m *Mailbox) CreateFolder(ctx context.Context, name string) (*Folder, error) {
	return createFolder(ctx, m.acct, "mailFolders", name, false)
}

// CreateHiddenFolder creates a hidden top-level folder (isHidden can only be
// set at creation).
//
// Graph: POST /me/mailFolders
// (https://learn.microsoft.com/graph/api/user-post-mailfolders).
func (m *Mailbox) CreateHiddenFolder(ctx context.Context, name string) (*Folder, error) {
	return createFolder(ctx, m.acct, "mailFolders", name, true)
}

// createFolder creates a folder named name in the collection at path (the
// top level, or a folder's childFolders), exactly once: sibling folders
// cannot share a name, so after an answer that may hide a created folder,
// one of that name found there is the one created.
func createFolder(ctx context.Context, acct *o365.Account, path, name string, hidden bool) (*Folder, error) {
	if name == "" {
		return nil, errors.New("mail: create folder: empty name")
	}
	f := &Folder{DisplayName: name, IsHidden: hidden}
	_ = o365.BindNew(f, acct, path)
	err := o365.Once(ctx, func() error { return o365.Save(ctx, f) }, func() (bool, error) {
		found, err := findChild(ctx, acct, path, name)
		if err != nil || found == nil {
			return false, err
		}
		*f = *found
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("mail: create folder %q: %w", name, err)
	}
	return f, o365.Bind(f, acct, folderPath(f.ID))
}

// findChild returns the folder named name in the collection at path, hidden
// ones included, or nil.
func findChild(ctx context.Context, acct *o365.Account, path, name string) (*Folder, error) {
	q := o365.NewQuery().Filter(o365.Eq("displayName", name))
	for f, err := range listFolders(ctx, acct, path, q, &FolderOptions{IncludeHidden: true}) {
		if err != nil {
			return nil, fmt.Errorf("looking for the folder: %w", err)
		}
		if f.DisplayName == name {
			return f, nil
		}
	}
	return nil, nil
}

// Refresh reloads the folder: its name, parent and counts.
//
// Graph: GET /me/mailFolders/{id}
// (https://learn.microsoft.com/graph/api/mailfolder-get).
func (f *Folder) Refresh(ctx context.Context) error {
	if err := o365.Refresh(ctx, f, nil); err != nil {
		return fmt.Errorf("mail: refresh folder %q: %w", f.ID, err)
	}
	return nil
}

// ListChildFolders lists the folder's child folders.
//
// Graph: GET /me/mailFolders/{id}/childFolders
// (https://learn.microsoft.com/graph/api/mailfolder-list-childfolders).
func (f *Folder) ListChildFolders(ctx context.Context, q *o365.Query, opts *FolderOptions) iter.Seq2[*Folder, error] {
	if f.Account() == nil {
		return o365.Fail[Folder](ErrUnbound)
	}
	return listFolders(ctx, f.Account(), folderPath(f.ID, "childFolders"), q, opts)
}

// CreateChildFolder creates a child folder.
//
// Graph: POST /me/mailFolders/{id}/childFolders
// (https://learn.microsoft.com/graph/api/mailfolder-post-childfolders).
func (f *Folder) CreateChildFolder(ctx context.Context, name string) (*Folder, error) {
	if f.Account() == nil {
		return nil, ErrUnbound
	}
	return createFolder(ctx, f.Account(), folderPath(f.ID, "childFolders"), name, false)
}

// Rename changes the folder's display name.
//
// Graph: PATCH /me/mailFolders/{id}
// (https://learn.microsoft.com/graph/api/mailfolder-update).
func (f *Folder) Rename(ctx context.Context, name string) error {
	if name == "" {
		return errors.New("mail: rename folder: empty name")
	}
	f.DisplayName = name
	if err := o365.Save(ctx, f); err != nil {
		return fmt.Errorf("mail: rename folder %q: %w", f.ID, err)
	}
	return nil
}

// destination is the body of move and copy actions.
type destination struct {
	DestinationID string `json:"destinationId"`
}

// Move moves the folder under another folder (id or well-known name); the
// folder takes the answer's fields. A folder keeps its id when it moves, so
// after a lost answer Move looks at where the folder is instead of failing
// for a move that was done.
//
// Graph: POST /me/mailFolders/{id}/move
// (https://learn.microsoft.com/graph/api/mailfolder-move).
func (f *Folder) Move(ctx context.Context, dest string) error {
	if err := o365.Ready(f); err != nil {
		return err
	}
	acct := f.Account()
	var moved Folder
	err := o365.Once(ctx, func() error {
		return o365.Call(ctx, f, http.MethodPost, "move", destination{dest}, &moved)
	}, func() (bool, error) {
		to, err := New(acct).GetFolder(ctx, dest, o365.NewQuery().Select("id"))
		if err != nil {
			return false, fmt.Errorf("looking for the destination: %w", err)
		}
		now, err := New(acct).GetFolder(ctx, f.ID, nil)
		if err != nil || now.ParentFolderID != to.ID {
			return false, err
		}
		moved = *now
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("mail: move folder %q: %w", f.ID, err)
	}
	*f = moved
	return o365.Bind(f, acct, folderPath(f.ID))
}

// Copy copies the folder and its contents under another folder and returns
// the copy. Sibling folders cannot share a name, so after a lost answer a
// folder of this one's name under dest is the copy.
//
// Graph: POST /me/mailFolders/{id}/copy
// (https://learn.microsoft.com/graph/api/mailfolder-copy).
func (f *Folder) Copy(ctx context.Context, dest string) (*Folder, error) {
	if err := o365.Ready(f); err != nil {
		return nil, err
	}
	acct := f.Account()
	name := f.DisplayName
	if name == "" {
		cur, err := New(acct).GetFolder(ctx, f.ID, o365.NewQuery().Select("displayName"))
		if err != nil {
			return nil, fmt.Errorf("mail: copy folder %q: %w", f.ID, err)
		}
		name = cur.DisplayName
	}
	var c Folder
	err := o365.Once(ctx, func() error {
		return o365.Call(ctx, f, http.MethodPost, "copy", destination{dest}, &c)
	}, func() (bool, error) {
		found, err := findChild(ctx, acct, folderPath(dest, "childFolders"), name)
		if err != nil || found == nil {
			return false, err
		}
		c = *found
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("mail: copy folder %q: %w", f.ID, err)
	}
	return &c, o365.Bind(&c, acct, folderPath(c.ID))
}

// Delete deletes the folder and everything in it.
//
// Graph: DELETE /me/mailFolders/{id}
// (https://learn.microsoft.com/graph/api/mailfolder-delete).
func (f *Folder) Delete(ctx context.Context) error {
	if err := o365.Delete(ctx, f); err != nil {
		return fmt.Errorf("mail: delete folder %q: %w", f.ID, err)
	}
	return nil
}

// ListMessages lists the folder's messages, newest first unless q orders
// them; q may filter, search, select, limit (Limit) and size pages (Top).
//
// Graph: GET /me/mailFolders/{id}/messages
// (https://learn.microsoft.com/graph/api/mailfolder-list-messages).
func (f *Folder) ListMessages(ctx context.Context, q *o365.Query) iter.Seq2[*Message, error] {
	if f.Account() == nil {
		return o365.Fail[Message](ErrUnbound)
	}
	return listMessages(ctx, f.Account(), folderPath(f.ID, "messages"), q)
}

// NewMessage returns a new message that Save creates in this folder (Send
// sends it like any new message).
func (f *Folder) NewMessage() *Message {
	msg := &Message{}
	_ = o365.BindNew(msg, f.Account(), folderPath(f.ID, "messages"))
	return msg
}
