package contacts

import (
	"context"
	"net/http"
	"strings"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/odata"
)

// presentFolder is what a client sees of a stored folder.
func presentFolder(_ *core.Call, doc map[string]any) map[string]any { return core.PublicDoc(doc) }

// folderListSpec lists the folders directly under parent.
func folderListSpec(c *core.Call, parent string) core.ListSpec {
	return core.ListSpec{
		Scope:        contactFolders.Children(c.User.ID, parent),
		Type:         typeFolder,
		DefaultTop:   10,
		MaxTop:       1000,
		Include:      visibility(c, nil),
		Present:      presentFolder,
		SearchFields: []string{"displayName"},
		Expand: map[string]core.Expander{
			"childFolders": func(ctx context.Context, c *core.Call, doc map[string]any, item odata.ExpandItem) (any, error) {
				return expandChildren(ctx, c, contactFolders.Children(c.User.ID, core.Str(doc, "id")), visibility(c, nil), presentFolder, item)
			},
			"contacts": func(ctx context.Context, c *core.Call, doc map[string]any, item odata.ExpandItem) (any, error) {
				f := &core.Object{ID: core.Str(doc, "id"), Data: doc}
				if permit(ctx, c, f, core.ReadItems, nil) != nil {
					return []any{}, nil
				}
				return expandChildren(ctx, c, contactsIn(c.User.ID, f.ID), nil, presentContact, item)
			},
		},
	}
}

// expandChildren serves $expand of a folder's child folders or contacts
// (those include keeps, when set), with the expand's own $filter and
// $select.
func expandChildren(ctx context.Context, c *core.Call, sc core.Scope, include func(map[string]any) bool, present func(*core.Call, map[string]any) map[string]any, item odata.ExpandItem) (any, error) {
	var objs []*core.Object
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		objs, err = tx.List(ctx, sc, false, 0, 0)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(objs))
	for _, o := range objs {
		if include == nil || include(o.Data) {
			out = append(out, present(c, o.Data))
		}
	}
	out = core.FilterExpanded(item, out)
	if item.Options != nil && len(item.Options.Select) > 0 {
		for i, v := range out {
			out[i] = odata.Project(v.(map[string]any), item.Options.Select)
		}
	}
	return out, nil
}

func listTopFolders(ctx context.Context, c *core.Call) error {
	if err := ensureTree(ctx, c); err != nil {
		return err
	}
	return c.List(ctx, folderListSpec(c, defaultFolderID(c.User.ID)))
}

func listChildFolders(ctx context.Context, c *core.Call) error {
	f, err := folder(ctx, c, core.FolderVisible)
	if err != nil {
		return err
	}
	return c.List(ctx, folderListSpec(c, f.ID))
}

func getFolder(ctx context.Context, c *core.Call) error {
	f, err := folder(ctx, c, core.FolderVisible)
	if err != nil {
		return err
	}
	return c.GetEntity(ctx, folderListSpec(c, f.Parent), f.ID)
}

func createTopFolder(ctx context.Context, c *core.Call) error {
	if err := ensureTree(ctx, c); err != nil {
		return err
	}
	return createFolderUnder(ctx, c, defaultFolderID(c.User.ID))
}

func createChildFolder(ctx context.Context, c *core.Call) error {
	f, err := folder(ctx, c, core.CreateSubfolders)
	if err != nil {
		return err
	}
	return createFolderUnder(ctx, c, f.ID)
}

// folderName checks a displayName a client sends.
func folderName(v any) (string, error) {
	s, ok := v.(string)
	if !ok || strings.TrimSpace(s) == "" {
		return "", core.Errorf(http.StatusBadRequest, "ErrorInvalidRequest", "The displayName of a contact folder is required and must be a non-empty string.")
	}
	return s, nil
}

func createFolderUnder(ctx context.Context, c *core.Call, parent string) error {
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	for k := range in {
		if !strings.HasPrefix(k, "@") && !core.ContainsFold([]string{"displayName", "parentFolderId"}, k) {
			return errUnknownProperty(k, "contactFolder")
		}
	}
	name, err := folderName(in["displayName"])
	if err != nil {
		return err
	}
	o := &core.Object{Collection: collFolders, Owner: c.User.ID, ID: core.NewFolderID(c.User.ID), Parent: parent,
		Data: map[string]any{"displayName": name, "parentFolderId": parent}}
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		if err := permitID(ctx, c, tx, parent, core.CreateSubfolders, nil); err != nil {
			return err
		}
		if err := contactFolders.CheckName(ctx, tx, c.User.ID, parent, name, ""); err != nil {
			return err
		}
		return tx.Put(ctx, o)
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusCreated, typeFolder, presentFolder(c, o.Data))
}

// patchFolder renames a folder (displayName) or moves it (parentFolderId),
// as Graph's contactFolder update does.
func patchFolder(ctx context.Context, c *core.Call) error {
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	if err := ensureTree(ctx, c); err != nil {
		return err
	}
	var f *core.Object
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		var err error
		if f, err = folderIn(ctx, c, tx); err != nil {
			return err
		}
		if err := permit(ctx, c, f, core.FolderOwner, nil); err != nil {
			return err
		}
		name, parent := core.Str(f.Data, "displayName"), f.Parent
		for k, v := range in {
			switch {
			case strings.HasPrefix(k, "@"), strings.EqualFold(k, "id"):
			case strings.EqualFold(k, "displayName"):
				if name, err = folderName(v); err != nil {
					return err
				}
			case strings.EqualFold(k, "parentFolderId"):
				s, _ := v.(string)
				dest, err := contactFolders.Get(ctx, tx, c.User.ID, s)
				if err != nil {
					return err
				}
				if dest.ID == contactFolders.RootID(c.User.ID) {
					return core.BadRequest("A contact folder cannot be moved to the root of the mailbox; move it under the Contacts folder or one of its folders.")
				}
				if err := permit(ctx, c, dest, core.CreateSubfolders, nil); err != nil {
					return err
				}
				parent = dest.ID
			default:
				return errUnknownProperty(k, "contactFolder")
			}
		}
		if name == core.Str(f.Data, "displayName") && parent == f.Parent {
			return nil
		}
		if core.IsWellKnownFolder(f) {
			return core.Errorf(http.StatusForbidden, "ErrorAccessDenied", "The default Contacts folder cannot be renamed or moved.")
		}
		if err := contactFolders.CheckMove(ctx, tx, c.User.ID, f.ID, parent); err != nil {
			return err
		}
		if err := contactFolders.CheckName(ctx, tx, c.User.ID, parent, name, f.ID); err != nil {
			return err
		}
		f.Data["displayName"], f.Data["parentFolderId"], f.Parent = name, parent, parent
		return tx.Put(ctx, f)
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusOK, typeFolder, presentFolder(c, f.Data))
}

// deleteFolder deletes a folder with its folders, contacts and photos.
func deleteFolder(ctx context.Context, c *core.Call) error {
	if err := ensureTree(ctx, c); err != nil {
		return err
	}
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		f, err := folderIn(ctx, c, tx)
		if err != nil {
			return err
		}
		if err := permit(ctx, c, f, core.FolderOwner, nil); err != nil {
			return err
		}
		if core.IsWellKnownFolder(f) {
			return core.Errorf(http.StatusForbidden, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.")
		}
		ids, err := contactFolders.Subtree(ctx, tx, c.User.ID, f.ID)
		if err != nil {
			return err
		}
		for i := len(ids) - 1; i >= 0; i-- {
			items, err := tx.List(ctx, contactsIn(c.User.ID, ids[i]), false, 0, 0)
			if err != nil {
				return err
			}
			for _, it := range items {
				if err := deleteContactTx(ctx, tx, c.User.ID, it.ID); err != nil {
					return err
				}
			}
			if err := tx.Delete(ctx, collFolders, c.User.ID, ids[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

// deltaFolders tracks every contact folder of the mailbox but the root.
func deltaFolders(ctx context.Context, c *core.Call) error {
	if err := ensureTree(ctx, c); err != nil {
		return err
	}
	root := contactFolders.RootID(c.User.ID)
	return c.Delta(ctx, core.DeltaSpec{
		Scope:    core.Scope{Collection: collFolders, Owner: c.User.ID},
		Type:     typeFolder,
		PageSize: 100,
		Include:  visibility(c, func(doc map[string]any) bool { return core.Str(doc, "id") != root }),
		Present:  presentFolder,
	})
}
