package contacts

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
)

// Folder is Graph's contactFolder, bound to the address book it came from.
// The default Contacts folder is the AddressBook itself; Folder values are
// the folders below it.
type Folder struct {
	o365.Object
	ID             string `json:"id,omitzero" o365:"readonly"`
	DisplayName    string `json:"displayName,omitzero"`
	ParentFolderID string `json:"parentFolderId,omitzero" o365:"readonly"`
}

// UnmarshalJSONFrom decodes the folder and keeps its JSON (see
// o365.Object).
func (f *Folder) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain Folder
	return o365.DecodeObject(d, (*plain)(f))
}

// MarshalJSON encodes the folder as the service sent it, with the
// program's changes (see o365.Object).
func (f Folder) MarshalJSON() ([]byte, error) {
	type plain Folder
	return o365.MarshalObject((*plain)(&f))
}

// Folder returns the folder with the given id without a request: only its
// ID is set until Refresh.
func (b *AddressBook) Folder(id string) *Folder {
	f := &Folder{ID: id}
	_ = o365.Bind(f, b.acct, folderPath(id))
	return f
}

// FolderOptions tune folder listings; nil means the defaults.
type FolderOptions struct {
	// Recursive lists every descendant, depth first, after its parent.
	Recursive bool
}

// ListFolders lists the folders of the default Contacts folder; q may
// filter, order and limit them (nil for all).
//
// Graph: GET /me/contactFolders
// (https://learn.microsoft.com/graph/api/user-list-contactfolders).
func (b *AddressBook) ListFolders(ctx context.Context, q *o365.Query, opts *FolderOptions) iter.Seq2[*Folder, error] {
	return listFolders(ctx, b.acct, "contactFolders", q, opts)
}

func listFolders(ctx context.Context, acct *o365.Account, path string, q *o365.Query, opts *FolderOptions) iter.Seq2[*Folder, error] {
	recursive := opts != nil && opts.Recursive
	req := &o365.Request{Path: path, Query: q, Collection: "contactFolders"}
	return func(yield func(*Folder, error) bool) {
		for f, err := range o365.List[Folder](ctx, acct, req) {
			if !yield(f, err) || err != nil {
				return
			}
			if !recursive {
				continue
			}
			for c, err := range listFolders(ctx, acct, folderPath(f.ID, "childFolders"), q, opts) {
				if !yield(c, err) || err != nil {
					return
				}
			}
		}
	}
}

// GetFolder loads a folder by id; q may $select.
//
// Graph: GET /me/contactFolders/{id}
// (https://learn.microsoft.com/graph/api/contactfolder-get).
func (b *AddressBook) GetFolder(ctx context.Context, id string, q *o365.Query) (*Folder, error) {
	f, err := o365.Get[Folder](ctx, b.acct, &o365.Request{Path: folderPath(id), Query: q, Collection: "contactFolders"})
	if err != nil {
		return nil, fmt.Errorf("contacts: get folder %q: %w", id, err)
	}
	return f, nil
}

// GetFolderByName finds a folder by display name at any depth below the
// default Contacts folder; the error wraps ErrFolderNotFound when there is
// none.
//
// Graph: GET /me/contactFolders and .../childFolders
// (https://learn.microsoft.com/graph/api/contactfolder-list-childfolders).
func (b *AddressBook) GetFolderByName(ctx context.Context, name string) (*Folder, error) {
	for f, err := range b.ListFolders(ctx, nil, &FolderOptions{Recursive: true}) {
		if err != nil {
			return nil, fmt.Errorf("contacts: find folder %q: %w", name, err)
		}
		if f.DisplayName == name {
			return f, nil
		}
	}
	return nil, fmt.Errorf("%w: %q", ErrFolderNotFound, name)
}

// CreateFolder creates a folder in the default Contacts folder.
//
// Graph: POST /me/contactFolders
// (https://learn.microsoft.com/graph/api/user-post-contactfolders).
func (b *AddressBook) CreateFolder(ctx context.Context, name string) (*Folder, error) {
	return createFolder(ctx, b.acct, "contactFolders", name)
}

func createFolder(ctx context.Context, acct *o365.Account, path, name string) (*Folder, error) {
	if name == "" {
		return nil, errors.New("contacts: create folder: empty name")
	}
	f := &Folder{DisplayName: name}
	_ = o365.BindNew(f, acct, path)
	if err := o365.Save(ctx, f); err != nil {
		return nil, fmt.Errorf("contacts: create folder %q: %w", name, err)
	}
	return f, o365.Bind(f, acct, folderPath(f.ID))
}

// SyncFolders returns a delta query over the mailbox's contact folders,
// resuming from deltaLink ("" starts over and reports every folder); see
// SyncContacts.
//
// Graph: GET /me/contactFolders/delta
// (https://learn.microsoft.com/graph/api/contactfolder-delta).
func (b *AddressBook) SyncFolders(deltaLink string) *o365.DeltaQuery[Folder] {
	req := &o365.Request{Method: http.MethodGet, Path: "contactFolders/delta", Collection: "contactFolders"}
	return o365.Delta[Folder](b.acct, req, deltaLink, nil)
}

// Refresh reloads the folder.
//
// Graph: GET /me/contactFolders/{id}
// (https://learn.microsoft.com/graph/api/contactfolder-get).
func (f *Folder) Refresh(ctx context.Context) error {
	if err := o365.Refresh(ctx, f, nil); err != nil {
		return fmt.Errorf("contacts: refresh folder %q: %w", f.ID, err)
	}
	return nil
}

// Save saves a changed DisplayName (a rename).
//
// Graph: PATCH /me/contactFolders/{id}
// (https://learn.microsoft.com/graph/api/contactfolder-update).
func (f *Folder) Save(ctx context.Context) error {
	if err := o365.Save(ctx, f); err != nil {
		return fmt.Errorf("contacts: save folder %q: %w", f.ID, err)
	}
	return nil
}

// Rename renames the folder.
//
// Graph: PATCH /me/contactFolders/{id}
// (https://learn.microsoft.com/graph/api/contactfolder-update).
func (f *Folder) Rename(ctx context.Context, name string) error {
	if name == "" {
		return errors.New("contacts: rename folder: empty name")
	}
	f.DisplayName = name
	return f.Save(ctx)
}

// Move moves the folder under another folder (its id).
//
// Graph: PATCH /me/contactFolders/{id} with parentFolderId
// (https://learn.microsoft.com/graph/api/contactfolder-update).
func (f *Folder) Move(ctx context.Context, parentID string) error {
	if err := o365.Ready(f); err != nil {
		return err
	}
	req := f.Request(http.MethodPatch, "", map[string]string{"parentFolderId": parentID})
	req.Idempotent = true
	if _, err := f.Account().Do(ctx, req, f); err != nil {
		return fmt.Errorf("contacts: move folder %q: %w", f.ID, err)
	}
	return nil
}

// Delete deletes the folder with its folders and contacts.
//
// Graph: DELETE /me/contactFolders/{id}
// (https://learn.microsoft.com/graph/api/contactfolder-delete).
func (f *Folder) Delete(ctx context.Context) error {
	if err := o365.Delete(ctx, f); err != nil {
		return fmt.Errorf("contacts: delete folder %q: %w", f.ID, err)
	}
	return nil
}

// ListChildFolders lists the folder's folders.
//
// Graph: GET /me/contactFolders/{id}/childFolders
// (https://learn.microsoft.com/graph/api/contactfolder-list-childfolders).
func (f *Folder) ListChildFolders(ctx context.Context, q *o365.Query, opts *FolderOptions) iter.Seq2[*Folder, error] {
	if err := o365.Ready(f); err != nil {
		return o365.Fail[Folder](err)
	}
	return listFolders(ctx, f.Account(), folderPath(f.ID, "childFolders"), q, opts)
}

// CreateChildFolder creates a folder in this one.
//
// Graph: POST /me/contactFolders/{id}/childFolders
// (https://learn.microsoft.com/graph/api/contactfolder-post-childfolders).
func (f *Folder) CreateChildFolder(ctx context.Context, name string) (*Folder, error) {
	if err := o365.Ready(f); err != nil {
		return nil, err
	}
	return createFolder(ctx, f.Account(), folderPath(f.ID, "childFolders"), name)
}

// ListContacts lists the folder's contacts; q may filter, order, select
// and limit them.
//
// Graph: GET /me/contactFolders/{id}/contacts
// (https://learn.microsoft.com/graph/api/contactfolder-list-contacts).
func (f *Folder) ListContacts(ctx context.Context, q *o365.Query) iter.Seq2[*Contact, error] {
	if err := o365.Ready(f); err != nil {
		return o365.Fail[Contact](err)
	}
	return listContacts(ctx, f.Account(), folderPath(f.ID, "contacts"), q)
}

// NewContact returns a new contact that Save creates in this folder.
func (f *Folder) NewContact() *Contact {
	c := &Contact{}
	_ = o365.BindNew(c, f.Account(), folderPath(f.ID, "contacts"))
	return c
}

// SyncContacts returns a delta query over the folder's contacts (see
// AddressBook.SyncContacts).
//
// Graph: GET /me/contactFolders/{id}/contacts/delta
// (https://learn.microsoft.com/graph/api/contact-delta).
func (f *Folder) SyncContacts(deltaLink string, q *o365.Query) *o365.DeltaQuery[Contact] {
	return syncContacts(f.Account(), folderPath(f.ID, "contacts", "delta"), deltaLink, q)
}
