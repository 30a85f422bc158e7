package mail

import (
	"context"
	"net/http"
	"strings"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/odata"
)

// typeMailFolder is the Graph type of mail folders.
const typeMailFolder = "mailFolder"

// presentFolder adds the counts Graph computes to a stored folder.
func presentFolder(c *core.Call, doc map[string]any) map[string]any {
	out := core.PublicDoc(doc)
	id := core.Str(doc, "id")
	owner := c.User.ID
	var children, total, unread int
	ctx := c.R.Context()
	_ = c.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		if children, err = tx.Count(ctx, mailboxFolders.Children(owner, id)); err != nil {
			return err
		}
		msgs := core.Scope{Collection: collMessages, Owner: owner, Parent: id, ByParent: true}
		if total, err = tx.Count(ctx, msgs); err != nil {
			return err
		}
		unread, err = tx.CountWhere(ctx, msgs, "isRead", false)
		return err
	})
	out["childFolderCount"] = children
	out["totalItemCount"] = total
	out["unreadItemCount"] = unread
	return out
}

func folderListSpec(c *core.Call, parent string) core.ListSpec {
	hidden := strings.EqualFold(c.QueryValue("includeHiddenFolders"), "true")
	return core.ListSpec{
		Scope:      mailboxFolders.Children(c.User.ID, parent),
		Type:       typeMailFolder,
		DefaultTop: 10,
		MaxTop:     1000,
		Include: func(doc map[string]any) bool {
			h, _ := doc["isHidden"].(bool)
			return (hidden || !h) && visibleFolder(c, core.Str(doc, "id"), doc)
		},
		Present:      presentFolder,
		SearchFields: []string{"displayName"},
		Expand: map[string]core.Expander{
			"childFolders": func(ctx context.Context, c *core.Call, doc map[string]any, item odata.ExpandItem) (any, error) {
				var kids []*core.Object
				err := c.Store().Read(ctx, func(tx *core.Tx) error {
					var err error
					kids, err = tx.List(ctx, mailboxFolders.Children(c.User.ID, core.Str(doc, "id")), false, 0, 0)
					return err
				})
				if err != nil {
					return nil, err
				}
				out := []any{}
				for _, k := range kids {
					if h, _ := k.Data["isHidden"].(bool); (h && !hidden) || !visibleFolder(c, k.ID, k.Data) {
						continue
					}
					out = append(out, presentFolder(c, k.Data))
				}
				return core.FilterExpanded(item, out), nil
			},
		},
	}
}

func listMailFolders(ctx context.Context, c *core.Call) error {
	if err := mailbox(ctx, c); err != nil {
		return err
	}
	return c.List(ctx, folderListSpec(c, mailboxFolders.RootID(c.User.ID)))
}

func listChildFolders(ctx context.Context, c *core.Call) error {
	f, err := folder(ctx, c, c.Param("folder"), core.FolderVisible)
	if err != nil {
		return err
	}
	return c.List(ctx, folderListSpec(c, f.ID))
}

func getMailFolder(ctx context.Context, c *core.Call) error {
	f, err := folder(ctx, c, c.Param("folder"), core.FolderVisible)
	if err != nil {
		return err
	}
	spec := folderListSpec(c, f.Parent)
	spec.Include = nil
	return c.GetEntity(ctx, spec, f.ID)
}

func createMailFolder(ctx context.Context, c *core.Call) error {
	if err := mailbox(ctx, c); err != nil {
		return err
	}
	return createFolderUnder(ctx, c, mailboxFolders.RootID(c.User.ID))
}

func createChildFolder(ctx context.Context, c *core.Call) error {
	f, err := folder(ctx, c, c.Param("folder"), core.CreateSubfolders)
	if err != nil {
		return err
	}
	return createFolderUnder(ctx, c, f.ID)
}

func createFolderUnder(ctx context.Context, c *core.Call, parent string) error {
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	name, _ := in["displayName"].(string)
	if strings.TrimSpace(name) == "" {
		return core.Errorf(http.StatusBadRequest, "ErrorInvalidRequest", "The displayName of a folder is required.")
	}
	hidden, _ := in["isHidden"].(bool)
	o := &core.Object{Collection: collMailFolders, Owner: c.User.ID, ID: core.NewFolderID(c.User.ID), Parent: parent,
		Data: map[string]any{"displayName": name, "parentFolderId": parent, "isHidden": hidden}}
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		if err := permit(ctx, c, tx, parent, core.CreateSubfolders, nil); err != nil {
			return err
		}
		if err := mailboxFolders.CheckName(ctx, tx, c.User.ID, parent, name, ""); err != nil {
			return err
		}
		return tx.Put(ctx, o)
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusCreated, typeMailFolder, presentFolder(c, o.Data))
}

func patchMailFolder(ctx context.Context, c *core.Call) error {
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	if err := mailbox(ctx, c); err != nil {
		return err
	}
	var o *core.Object
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		var err error
		if o, err = mailboxFolders.Get(ctx, tx, c.User.ID, c.Param("folder")); err != nil {
			return err
		}
		if err := permit(ctx, c, tx, o.ID, core.FolderOwner, nil); err != nil {
			return err
		}
		if name, ok := in["displayName"]; ok {
			s, _ := name.(string)
			if strings.TrimSpace(s) == "" {
				return core.BadRequest("The displayName of a folder cannot be empty.")
			}
			if core.IsWellKnownFolder(o) {
				return core.Errorf(http.StatusForbidden, "ErrorAccessDenied", "A well-known folder cannot be renamed.")
			}
			if err := mailboxFolders.CheckName(ctx, tx, c.User.ID, o.Parent, s, o.ID); err != nil {
				return err
			}
			o.Data["displayName"] = s
		}
		return tx.Put(ctx, o)
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusOK, typeMailFolder, presentFolder(c, o.Data))
}

func deleteMailFolder(ctx context.Context, c *core.Call) error {
	if err := mailbox(ctx, c); err != nil {
		return err
	}
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		f, err := mailboxFolders.Get(ctx, tx, c.User.ID, c.Param("folder"))
		if err != nil {
			return err
		}
		if err := permit(ctx, c, tx, f.ID, core.FolderOwner, nil); err != nil {
			return err
		}
		if core.IsWellKnownFolder(f) {
			return core.Errorf(http.StatusForbidden, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.")
		}
		ids, err := mailboxFolders.Subtree(ctx, tx, c.User.ID, f.ID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			msgs, err := tx.List(ctx, core.Scope{Collection: collMessages, Owner: c.User.ID, Parent: id, ByParent: true}, false, 0, 0)
			if err != nil {
				return err
			}
			for _, m := range msgs {
				if err := deleteMessageTx(ctx, tx, c.User.ID, m.ID); err != nil {
					return err
				}
			}
			if err := tx.Delete(ctx, collMailFolders, c.User.ID, id); err != nil {
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

// destination resolves the DestinationId of a move or copy, a folder in
// which the caller needs the rights need.
func destination(ctx context.Context, c *core.Call, tx *core.Tx, args core.ActionArgs, need core.FolderRights) (*core.Object, error) {
	dest := args.String("DestinationId")
	if dest == "" {
		return nil, core.BadRequest("The destinationId is required.")
	}
	f, err := mailboxFolders.Get(ctx, tx, c.User.ID, dest)
	if err != nil {
		return nil, err
	}
	return f, permit(ctx, c, tx, f.ID, need, nil)
}

func moveMailFolder(ctx context.Context, c *core.Call) error {
	args, err := c.DecodeAction(actionMove)
	if err != nil {
		return err
	}
	if err := mailbox(ctx, c); err != nil {
		return err
	}
	var f *core.Object
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		var err error
		if f, err = mailboxFolders.Get(ctx, tx, c.User.ID, c.Param("folder")); err != nil {
			return err
		}
		if err := permit(ctx, c, tx, f.ID, core.FolderOwner, nil); err != nil {
			return err
		}
		if core.IsWellKnownFolder(f) {
			return core.Errorf(http.StatusForbidden, "ErrorMoveDistinguishedFolder", "Distinguished folders cannot be moved.")
		}
		dest, err := destination(ctx, c, tx, args, core.CreateSubfolders)
		if err != nil {
			return err
		}
		if err := mailboxFolders.CheckMove(ctx, tx, c.User.ID, f.ID, dest.ID); err != nil {
			return err
		}
		if err := mailboxFolders.CheckName(ctx, tx, c.User.ID, dest.ID, core.Str(f.Data, "displayName"), f.ID); err != nil {
			return err
		}
		f.Parent = dest.ID
		f.Data["parentFolderId"] = dest.ID
		return tx.Put(ctx, f)
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusCreated, typeMailFolder, presentFolder(c, f.Data))
}

func copyMailFolder(ctx context.Context, c *core.Call) error {
	args, err := c.DecodeAction(actionCopy)
	if err != nil {
		return err
	}
	if err := mailbox(ctx, c); err != nil {
		return err
	}
	var top *core.Object
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		src, err := mailboxFolders.Get(ctx, tx, c.User.ID, c.Param("folder"))
		if err != nil {
			return err
		}
		if err := permit(ctx, c, tx, src.ID, core.ReadItems, nil); err != nil {
			return err
		}
		dest, err := destination(ctx, c, tx, args, core.CreateSubfolders)
		if err != nil {
			return err
		}
		if err := mailboxFolders.CheckName(ctx, tx, c.User.ID, dest.ID, core.Str(src.Data, "displayName"), ""); err != nil {
			return err
		}
		top, err = copyFolderTx(ctx, tx, c.User.ID, src, dest.ID)
		return err
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusCreated, typeMailFolder, presentFolder(c, top.Data))
}

// copyFolderTx copies a folder, its messages and its subfolders.
func copyFolderTx(ctx context.Context, tx *core.Tx, owner string, src *core.Object, parent string) (*core.Object, error) {
	data := core.CloneDoc(core.PublicDoc(src.Data))
	delete(data, "id")
	data["parentFolderId"] = parent
	cp := &core.Object{Collection: collMailFolders, Owner: owner, ID: core.NewFolderID(owner), Parent: parent, Data: data}
	if err := tx.Put(ctx, cp); err != nil {
		return nil, err
	}
	msgs, err := tx.List(ctx, core.Scope{Collection: collMessages, Owner: owner, Parent: src.ID, ByParent: true}, false, 0, 0)
	if err != nil {
		return nil, err
	}
	for _, m := range msgs {
		if _, err := copyMessageTx(ctx, tx, owner, m, owner, cp.ID, nil); err != nil {
			return nil, err
		}
	}
	kids, err := tx.List(ctx, mailboxFolders.Children(owner, src.ID), false, 0, 0)
	if err != nil {
		return nil, err
	}
	for _, k := range kids {
		if _, err := copyFolderTx(ctx, tx, owner, k, cp.ID); err != nil {
			return nil, err
		}
	}
	return cp, nil
}

func deltaMailFolders(ctx context.Context, c *core.Call) error {
	if err := mailbox(ctx, c); err != nil {
		return err
	}
	root := mailboxFolders.RootID(c.User.ID)
	return c.Delta(ctx, core.DeltaSpec{
		Scope:    core.Scope{Collection: collMailFolders, Owner: c.User.ID},
		Type:     typeMailFolder,
		PageSize: 100,
		Include: func(doc map[string]any) bool {
			return core.Str(doc, "id") != root && visibleFolder(c, core.Str(doc, "id"), doc)
		},
		Present: presentFolder,
	})
}
