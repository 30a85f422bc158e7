package mail

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"

	"github.com/o365go/o365"
)

// destination is the body of move and copy actions.
type destination struct {
	DestinationID string `json:"destinationId"`
}

func (f *Folder) bound() error {
	if f == nil || f.mb == nil {
		return ErrUnbound
	}
	if f.ID == "" {
		return errors.New("mail: the folder has no id")
	}
	return nil
}

// Mailbox returns the mailbox the folder belongs to (nil when unbound).
func (f *Folder) Mailbox() *Mailbox { return f.mb }

// WithResource returns a copy of the folder bound to the same mailbox on
// another resource.
func (f *Folder) WithResource(resource string) *Folder {
	c := *f
	if f.mb != nil {
		c.mb = f.mb.WithResource(resource)
	}
	return &c
}

// Refresh reloads the folder: its name, parent and counts.
func (f *Folder) Refresh(ctx context.Context) error {
	if err := f.bound(); err != nil {
		return err
	}
	g, err := f.mb.GetFolder(ctx, f.ID)
	if err != nil {
		return err
	}
	*f = *g
	return nil
}

// ChildFolders lists the folder's child folders.
func (f *Folder) ChildFolders(ctx context.Context, q *o365.Query, opts ...FolderOption) iter.Seq2[*Folder, error] {
	if err := f.bound(); err != nil {
		return func(yield func(*Folder, error) bool) { yield(nil, err) }
	}
	return f.mb.folders(ctx, folderPath(f.ID, "childFolders"), q, opts)
}

// CreateChild creates a child folder.
func (f *Folder) CreateChild(ctx context.Context, name string) (*Folder, error) {
	if err := f.bound(); err != nil {
		return nil, err
	}
	return f.mb.createFolder(ctx, folderPath(f.ID, "childFolders"), name, false)
}

// Rename changes the folder's display name.
func (f *Folder) Rename(ctx context.Context, name string) error {
	if err := f.bound(); err != nil {
		return err
	}
	if name == "" {
		return errors.New("mail: rename folder: empty name")
	}
	var g Folder
	if err := f.mb.do(ctx, http.MethodPatch, folderPath(f.ID), map[string]string{"displayName": name}, &g); err != nil {
		return fmt.Errorf("mail: rename folder %q: %w", f.ID, err)
	}
	g.mb = f.mb
	*f = g
	return nil
}

// Move moves the folder under another folder (id or well-known name);
// the folder's fields are updated from the answer.
func (f *Folder) Move(ctx context.Context, dest string) error {
	if err := f.bound(); err != nil {
		return err
	}
	var g Folder
	if err := f.mb.do(ctx, http.MethodPost, folderPath(f.ID, "move"), destination{dest}, &g); err != nil {
		return fmt.Errorf("mail: move folder %q: %w", f.ID, err)
	}
	g.mb = f.mb
	*f = g
	return nil
}

// Copy copies the folder and its contents under another folder and returns
// the copy.
func (f *Folder) Copy(ctx context.Context, dest string) (*Folder, error) {
	if err := f.bound(); err != nil {
		return nil, err
	}
	var g Folder
	if err := f.mb.do(ctx, http.MethodPost, folderPath(f.ID, "copy"), destination{dest}, &g); err != nil {
		return nil, fmt.Errorf("mail: copy folder %q: %w", f.ID, err)
	}
	g.mb = f.mb
	return &g, nil
}

// Delete deletes the folder and everything in it.
func (f *Folder) Delete(ctx context.Context) error {
	if err := f.bound(); err != nil {
		return err
	}
	if err := f.mb.do(ctx, http.MethodDelete, folderPath(f.ID), nil, nil); err != nil {
		return fmt.Errorf("mail: delete folder %q: %w", f.ID, err)
	}
	return nil
}

// Messages lists the folder's messages, newest first unless q orders them;
// q may filter, search, select, limit (Limit) and size pages (Top).
func (f *Folder) Messages(ctx context.Context, q *o365.Query) iter.Seq2[*Message, error] {
	if err := f.bound(); err != nil {
		return func(yield func(*Message, error) bool) { yield(nil, err) }
	}
	return f.mb.listMessages(ctx, folderPath(f.ID, "messages"), q)
}

// NewMessage returns a new message that Save creates in this folder (Send
// sends it like any new message).
func (f *Folder) NewMessage() *Message {
	msg := f.mb.NewMessage()
	if f.mb != nil {
		msg.folder = f.ID
	}
	return msg
}
