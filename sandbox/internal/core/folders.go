package core

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// WellKnownFolder is a folder every user's tree has, addressed by Name as
// well as by id (e.g. mailFolders/inbox).
type WellKnownFolder struct {
	Name, DisplayName string
}

// Folders describes a per-user tree of Outlook folders (mail folders,
// contact folders ...): a hidden root, well-known folders under it with
// deterministic ids, and the client's own folders. Folder documents carry
// displayName, parentFolderId and, for well-known ones, the internal
// "_wellKnown" name; Object.Parent is the parent folder's id.
type Folders struct {
	// Collection stores the folders, owner the user, e.g. "mailFolders".
	Collection string
	// Namespace makes the well-known ids: SeedID(Namespace, user, name).
	Namespace string
	// Root is the top of the tree, e.g. {"msgfolderroot", "Top of
	// Information Store"}; the folders a client lists at the top are its
	// children.
	Root WellKnownFolder
	// WellKnown are the root's children every tree starts with.
	WellKnown []WellKnownFolder
	// Defaults are more properties of every created well-known folder, e.g.
	// {"isHidden": false}.
	Defaults map[string]any
}

// ID is the id of the well-known folder name of a user: deterministic, so
// a well-known name resolves without a lookup, and in Exchange's form (see
// SeedFolderID). The area gives the folders it creates NewFolderID(user).
func (f *Folders) ID(userID, name string) string {
	return SeedFolderID(userID, f.Namespace, strings.ToLower(name))
}

// RootID is the id of a user's root folder.
func (f *Folders) RootID(userID string) string { return f.ID(userID, f.Root.Name) }

// IsWellKnown reports whether name is the root's or a well-known folder's
// name, ignoring case.
func (f *Folders) IsWellKnown(name string) bool {
	if strings.EqualFold(name, f.Root.Name) {
		return true
	}
	for _, w := range f.WellKnown {
		if strings.EqualFold(w.Name, name) {
			return true
		}
	}
	return false
}

// Resolve turns a folder path parameter, an id or a well-known name, into
// an id.
func (f *Folders) Resolve(userID, param string) string {
	if f.IsWellKnown(param) {
		return f.ID(userID, param)
	}
	return param
}

// Ensure creates the user's tree (root and well-known folders) unless it
// exists. Call it inside a write; at is the creation time.
func (f *Folders) Ensure(ctx context.Context, tx *Tx, userID string, at time.Time) error {
	rootID := f.RootID(userID)
	if _, err := tx.Get(ctx, f.Collection, userID, rootID); err == nil || !IsNotFound(err) {
		return err
	}
	doc := func(display, parent, name string) map[string]any {
		d := map[string]any{"displayName": display, "parentFolderId": parent, "_wellKnown": name}
		for k, v := range f.Defaults {
			d[k] = v
		}
		return d
	}
	root := &Object{Collection: f.Collection, Owner: userID, ID: rootID, Created: at, Data: doc(f.Root.DisplayName, "", f.Root.Name)}
	if err := tx.Put(ctx, root); err != nil {
		return err
	}
	for i, w := range f.WellKnown {
		o := &Object{Collection: f.Collection, Owner: userID, ID: f.ID(userID, w.Name), Parent: rootID,
			Created: at.Add(time.Duration(i) * time.Millisecond), Data: doc(w.DisplayName, rootID, w.Name)}
		if err := tx.Put(ctx, o); err != nil {
			return err
		}
	}
	return nil
}

// Exists reports whether the user's tree has been created.
func (f *Folders) Exists(ctx context.Context, tx *Tx, userID string) (bool, error) {
	_, err := tx.Get(ctx, f.Collection, userID, f.RootID(userID))
	if IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// Get loads a folder of the user by id or well-known name: 404
// ErrorItemNotFound when there is none.
func (f *Folders) Get(ctx context.Context, tx *Tx, userID, param string) (*Object, error) {
	o, err := tx.Get(ctx, f.Collection, userID, f.Resolve(userID, param))
	if IsNotFound(err) {
		return nil, ItemNotFound("The specified folder could not be found in the store.")
	}
	return o, err
}

// IsWellKnownFolder reports whether a stored folder is the root or a
// well-known one: those cannot be renamed, moved or deleted.
func IsWellKnownFolder(o *Object) bool { return o.Data["_wellKnown"] != nil }

// Children is the scope of the folders directly under parent.
func (f *Folders) Children(userID, parent string) Scope {
	return Scope{Collection: f.Collection, Owner: userID, Parent: parent, ByParent: true}
}

// Subtree returns the ids of the folders under root, root included,
// parents before their children.
func (f *Folders) Subtree(ctx context.Context, tx *Tx, userID, root string) ([]string, error) {
	ids := []string{root}
	for i := 0; i < len(ids); i++ {
		kids, err := tx.List(ctx, f.Children(userID, ids[i]), false, 0, 0)
		if err != nil {
			return nil, err
		}
		for _, k := range kids {
			ids = append(ids, k.ID)
		}
	}
	return ids, nil
}

// CheckName refuses a folder named name under parent when a sibling other
// than self has that name (ignoring case), as Exchange does: 409
// ErrorFolderExists.
func (f *Folders) CheckName(ctx context.Context, tx *Tx, userID, parent, name, self string) error {
	siblings, err := tx.List(ctx, f.Children(userID, parent), false, 0, 0)
	if err != nil {
		return err
	}
	for _, s := range siblings {
		if s.ID != self && strings.EqualFold(Str(s.Data, "displayName"), name) {
			return Errorf(http.StatusConflict, "ErrorFolderExists", "A folder with the specified name already exists.")
		}
	}
	return nil
}

// CheckMove refuses to move folder id under dest when dest is id itself or
// one of its descendants.
func (f *Folders) CheckMove(ctx context.Context, tx *Tx, userID, id, dest string) error {
	sub, err := f.Subtree(ctx, tx, userID, id)
	if err != nil {
		return err
	}
	for _, s := range sub {
		if s == dest {
			return BadRequest("A folder cannot be moved into itself or one of its children.")
		}
	}
	return nil
}
