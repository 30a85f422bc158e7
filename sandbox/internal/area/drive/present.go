package drive

import (
	"context"
	"encoding/json"
	"net/url"

	"github.com/o365go/o365/sandbox/internal/core"
)

// present is an item as Graph sends it: its stored document with
// parentReference (the parent's path, except in delta answers, whose
// paths would go stale), webUrl, a pre-authenticated download URL for
// files and the shared facet.
func (r *req) present(ctx context.Context, tx *core.Tx, item *core.Object, forDelta bool) (map[string]any, error) {
	out := core.PublicDoc(item.Data)
	ref := map[string]any{"driveId": r.drive.ID, "driveType": r.drive.Type}
	if r.drive.Owner.Kind == core.DriveOwnerSite {
		ref["siteId"] = r.drive.Owner.ID
	}
	itemPath := ""
	if item.Parent != "" {
		ref["id"] = item.Parent
		parentPath, err := r.folderPath(ctx, tx, item.Parent)
		if err != nil {
			return nil, err
		}
		if !forDelta {
			ref["path"] = "/drives/" + r.drive.ID + "/root:" + parentPath
		}
		itemPath = parentPath + "/" + core.Str(item.Data, "name")
	}
	out["parentReference"] = ref
	out["webUrl"] = r.c.BaseURL() + (&url.URL{Path: core.Str(r.drive.Object.Data, "_web") + itemPath}).EscapedPath()
	if !core.IsDriveFolder(item) {
		out["@microsoft.graph.downloadUrl"] = r.downloadURL(item, dlToken{})
	}
	if shared, err := sharedFacet(ctx, tx, r.drive, item); err != nil {
		return nil, err
	} else if shared != nil {
		out["shared"] = shared
	}
	return out, nil
}

// folderPath is a folder's path from the root ("" for the root), cached
// for the request: children share their parent's.
func (r *req) folderPath(ctx context.Context, tx *core.Tx, id string) (string, error) {
	if p, ok := r.paths[id]; ok {
		return p, nil
	}
	f, err := core.DriveItem(ctx, tx, r.drive.ID, id)
	if err != nil {
		return "", err
	}
	p, err := core.DriveItemPath(ctx, tx, f)
	if err != nil {
		return "", err
	}
	if r.paths == nil {
		r.paths = map[string]string{}
	}
	r.paths[id] = p
	return p, nil
}

// presentFor presents item, reading in a transaction of its own.
func (r *req) presentFor(ctx context.Context, item *core.Object) (map[string]any, error) {
	var out map[string]any
	err := r.c.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		out, err = r.present(ctx, tx, item, false)
		return err
	})
	return out, err
}

// writeItem answers one item with status.
func (r *req) writeItem(ctx context.Context, status int, item *core.Object) error {
	out, err := r.presentFor(ctx, item)
	if err != nil {
		return err
	}
	return writeShaped(r.c, status, "driveItem", r.c.RootURL()+"$metadata#drives('"+r.drive.ID+"')/items/$entity", out)
}

// writeShaped answers one document of the Graph type typ in Graph's shape
// (the core's table: sparse types such as driveItem leave unset properties
// out), with its @odata.context.
func writeShaped(c *core.Call, status int, typ, context string, doc map[string]any) error {
	out, err := c.Shape(typ, doc)
	if err != nil {
		return err
	}
	out["@odata.context"] = context
	return c.WriteJSON(status, out)
}

// writeShapedList answers a collection of documents of the Graph type typ.
func writeShapedList(c *core.Call, typ, context string, docs []map[string]any) error {
	value := make([]any, 0, len(docs))
	for _, d := range docs {
		out, err := c.Shape(typ, d)
		if err != nil {
			return err
		}
		value = append(value, out)
	}
	return c.Values(context, value) // or, under /$count, their number
}

// sharedFacet is Graph's shared facet of an item with sharing permissions
// of its own: the widest link scope, else "users"; nil when it has none.
func sharedFacet(ctx context.Context, tx *core.Tx, d *core.Drive, item *core.Object) (map[string]any, error) {
	perms, err := tx.List(ctx, core.Scope{Collection: core.DrivePermissionsCollection, Owner: d.ID, Parent: item.ID, ByParent: true}, false, 0, 1000)
	if err != nil || len(perms) == 0 {
		return nil, err
	}
	rank := map[string]int{"users": 1, "organization": 2, "anonymous": 3}
	scope := "users"
	for _, p := range perms {
		link, _ := p.Data["link"].(map[string]any)
		if s := core.Str(link, "scope"); rank[s] > rank[scope] {
			scope = s
		}
	}
	out := map[string]any{"scope": scope}
	if owner, ok := d.Object.Data["owner"]; ok && owner != nil {
		out["owner"] = owner
	}
	return out, nil
}

// dlToken is what a pre-authenticated download URL carries.
type dlToken struct {
	Drive   string `json:"d"`
	Item    string `json:"i"`
	Blob    string `json:"b"`
	Name    string `json:"n"`
	Type    string `json:"t"`
	Expires int64  `json:"e"`
	Format  string `json:"f,omitempty"` // "pdf": a conversion
	Thumb   string `json:"s,omitempty"` // "small", "medium", "large": a thumbnail
}

// downloadURL is a pre-authenticated URL for item's current content, or
// what tok says (another blob, a conversion, a thumbnail).
func (r *req) downloadURL(item *core.Object, tok dlToken) string {
	tok.Drive, tok.Item = r.drive.ID, item.ID
	if tok.Blob == "" {
		tok.Blob = core.DriveBlob(item)
	}
	if tok.Name == "" {
		tok.Name = core.Str(item.Data, "name")
	}
	if tok.Type == "" {
		file, _ := item.Data["file"].(map[string]any)
		tok.Type = core.Str(file, "mimeType")
	}
	tok.Expires = r.c.Now().Add(downloadTTL).Unix()
	payload, _ := json.Marshal(tok) // plain strings and numbers always encode
	return preauthBase(r.c) + versionRoot(r.c) + "drives/" + url.PathEscape(r.drive.ID) + "/downloads/" +
		url.PathEscape(item.ID) + "?tempauth=" + url.QueryEscape(r.c.SignToken("drive.download", payload))
}

// itemContext is the @odata.context of an item collection.
func (r *req) itemsContext() string {
	return r.c.RootURL() + "$metadata#Collection(driveItem)"
}
