package drive

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/odata"
)

// dispatch runs what r.action asks of r.item.
func (r *req) dispatch(ctx context.Context) error {
	m, a := r.c.R.Method, r.action
	if r.item == nil {
		// A path that names nothing yet: only uploads create it.
		if len(a) == 1 && ((strings.EqualFold(a[0], "content") && m == http.MethodPut) ||
			(strings.EqualFold(a[0], "createUploadSession") && m == http.MethodPost)) {
			return r.actions(a)[m](ctx)
		}
		return core.DriveItemNotFound()
	}
	if len(a) == 2 && a[1] == "$count" && m == http.MethodGet && isCollection(a[0]) {
		// A collection's /$count (children/$count, permissions/$count ...):
		// its list answers the number.
		r.c.ServeAsCount()
		return r.actions(a[:1])[m](ctx)
	}
	handlers := r.actions(a)
	if handlers == nil {
		return r.forward(ctx, a)
	}
	if h, ok := handlers[m]; ok {
		return h(ctx)
	}
	var allowed []string
	for _, x := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if handlers[x] != nil {
			allowed = append(allowed, x)
		}
	}
	return core.Errorf(http.StatusMethodNotAllowed, "BadRequest", "The HTTP method '%s' is not supported for this resource; use %s.",
		m, strings.Join(allowed, " or ")).WithHeader("Allow", strings.Join(allowed, ", "))
}

// isCollection reports whether an item's segment names one of its
// collections, which answer their /$count segment.
func isCollection(seg string) bool {
	for _, c := range []string{"children", "permissions", "versions", "thumbnails"} {
		if strings.EqualFold(unqualified(seg), c) {
			return true
		}
	}
	return false
}

// actions are the handlers, by method, of what the segments after an item
// name; nil when the drive area serves none of it.
func (r *req) actions(a []string) map[string]func(context.Context) error {
	if len(a) > 0 {
		a = append([]string{unqualified(a[0])}, a[1:]...)
	}
	one := func(name string) bool { return len(a) == 1 && strings.EqualFold(a[0], name) }
	under := func(name string) bool { return len(a) > 0 && strings.EqualFold(a[0], name) }
	rest := func(f func(context.Context, []string) error) func(context.Context) error {
		return func(ctx context.Context) error { return f(ctx, a[1:]) }
	}
	seg := func(f func(context.Context, string) error) func(context.Context) error {
		return func(ctx context.Context) error { return f(ctx, a[0]) }
	}
	get, post := http.MethodGet, http.MethodPost
	switch {
	case len(a) == 0:
		return map[string]func(context.Context) error{get: r.getItem, http.MethodPatch: r.updateItem, http.MethodDelete: r.deleteItem}
	case one("children"):
		return map[string]func(context.Context) error{get: r.listChildren, post: r.createFolder}
	case one("content"):
		return map[string]func(context.Context) error{get: r.getContent, http.MethodPut: r.putContent}
	case one("createUploadSession"):
		return map[string]func(context.Context) error{post: r.createUploadSession}
	case one("copy"):
		return map[string]func(context.Context) error{post: r.copy}
	case one("createLink"):
		return map[string]func(context.Context) error{post: r.createLink}
	case one("invite"):
		return map[string]func(context.Context) error{post: r.invite}
	case one("restore"):
		return map[string]func(context.Context) error{post: r.restore}
	case one("permanentDelete"):
		return map[string]func(context.Context) error{post: r.permanentDelete}
	case under("thumbnails"):
		return map[string]func(context.Context) error{get: rest(r.thumbnails)}
	case under("versions"):
		// Each answers the methods of its own sub-paths.
		return map[string]func(context.Context) error{get: rest(r.versions), post: rest(r.versions)}
	case under("permissions"):
		h := rest(r.permissions)
		return map[string]func(context.Context) error{get: h, http.MethodPatch: h, http.MethodDelete: h}
	case len(a) == 1 && isFunction(a[0], "search"):
		return map[string]func(context.Context) error{get: seg(r.search)}
	case len(a) == 1 && (isFunction(a[0], "delta") || strings.EqualFold(a[0], "delta")):
		return map[string]func(context.Context) error{get: seg(r.delta)}
	}
	return nil
}

// getItem answers GET of an item, with $select and $expand=children.
func (r *req) getItem(ctx context.Context) error {
	opts, err := r.c.QueryOptions()
	if err != nil {
		return err
	}
	var out map[string]any
	var children []any
	var thumbnails []map[string]any
	err = r.c.Store().Read(ctx, func(tx *core.Tx) error {
		if err := r.need(ctx, tx, nil, core.DriveRoleRead); err != nil {
			return err
		}
		var err error
		if out, err = r.present(ctx, tx, r.item, false); err != nil {
			return err
		}
		for _, e := range opts.Expand {
			switch strings.ToLower(e.Path) {
			case "children":
				kids, err := tx.List(ctx, childScope(r.drive.ID, r.item.ID), false, 0, defaultPage)
				if err != nil {
					return err
				}
				value := make([]any, 0, len(kids))
				for _, k := range kids {
					doc, err := r.present(ctx, tx, k, false)
					if err != nil {
						return err
					}
					value = append(value, odata.Project(doc, e.Options.Select))
				}
				children = value
			case "thumbnails":
				thumbnails = r.thumbnailSets(r.item)
			default:
				return core.BadRequest("Could not find a navigation property named '%s' to $expand.", e.Path)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	shaped, err := r.c.Shape("driveItem", out)
	if err != nil {
		return err
	}
	if children != nil {
		shaped["children"] = children
	}
	if thumbnails != nil {
		shaped["thumbnails"] = thumbnails
	}
	shaped["@odata.context"] = r.c.RootURL() + "$metadata#drives('" + r.drive.ID + "')/items/$entity"
	return r.c.WriteJSON(http.StatusOK, shaped)
}

// childScope is the children of a folder.
func childScope(driveID, folderID string) core.Scope {
	return core.Scope{Collection: core.DriveItemsCollection, Owner: driveID, Parent: folderID, ByParent: true}
}

// presentDoc presents a stored document a list found (its _parent says
// where it is), in a read of its own.
func (r *req) presentDoc(doc map[string]any, forDelta bool) map[string]any {
	item := &core.Object{Collection: core.DriveItemsCollection, Owner: r.drive.ID, ID: core.Str(doc, "id"), Parent: core.Str(doc, "_parent"), Data: doc}
	var out map[string]any
	err := r.c.Store().Read(r.c.R.Context(), func(tx *core.Tx) error {
		var err error
		out, err = r.present(ctx(r), tx, item, forDelta)
		return err
	})
	if err != nil {
		return core.PublicDoc(doc)
	}
	return out
}

// ctx is the request's context, for the callbacks of lists.
func ctx(r *req) context.Context { return r.c.R.Context() }

// listChildren answers GET .../children: paged ($top, default 200, with
// @odata.nextLink), ordered by name or $orderby, with $filter and $select.
func (r *req) listChildren(ctx context.Context) error {
	if err := r.c.Store().Read(ctx, func(tx *core.Tx) error { return r.need(ctx, tx, nil, core.DriveRoleRead) }); err != nil {
		return err
	}
	if !core.IsDriveFolder(r.item) {
		return core.DriveInvalid("'%s' is a file; only folders have children.", core.Str(r.item.Data, "name"))
	}
	return r.c.List(ctx, core.ListSpec{
		Scope:        childScope(r.drive.ID, r.item.ID),
		Type:         "driveItem",
		DefaultTop:   defaultPage,
		SearchFields: []string{"name", "description"},
		Present:      func(_ *core.Call, doc map[string]any) map[string]any { return r.presentDoc(doc, false) },
		Context:      r.c.RootURL() + "$metadata#drives('" + r.drive.ID + "')/items('" + r.item.ID + "')/children",
	})
}

// createFolder answers POST .../children: {"name","folder":{}} with a
// conflict behaviour (fail by default).
func (r *req) createFolder(ctx context.Context) error {
	var in map[string]any
	if err := r.c.Decode(&in); err != nil {
		return err
	}
	name := core.Str(in, "name")
	if _, ok := in["folder"]; !ok {
		if _, file := in["file"]; file {
			return core.DriveInvalid("Files cannot be created from JSON; upload their content (PUT .../content or an upload session).")
		}
		return core.DriveInvalid("Give the new item a folder facet: {\"name\":\"...\",\"folder\":{}}.")
	}
	cb, err := conflict(r.c, in, core.ConflictFail)
	if err != nil {
		return err
	}
	var item *core.Object
	err = r.c.Store().Write(ctx, func(tx *core.Tx) error {
		if err := r.need(ctx, tx, nil, core.DriveRoleWrite); err != nil {
			return err
		}
		var err error
		if item, err = core.CreateDriveFolder(ctx, tx, r.drive, r.item, name, cb, r.change(ctx, tx)); err != nil {
			return err
		}
		if desc := core.Str(in, "description"); desc != "" {
			item.Data["description"] = desc
			return tx.Put(ctx, item)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return r.writeItem(ctx, http.StatusCreated, item)
}

// updateItem answers PATCH of an item: name (rename), parentReference
// (move, by id or path), description, fileSystemInfo.
func (r *req) updateItem(ctx context.Context) error {
	var in map[string]any
	if err := r.c.Decode(&in); err != nil {
		return err
	}
	cb, err := conflict(r.c, in, core.ConflictFail)
	if err != nil {
		return err
	}
	name := core.Str(in, "name")
	ref, _ := in["parentReference"].(map[string]any)
	var item *core.Object
	err = r.c.Store().Write(ctx, func(tx *core.Tx) error {
		cur, err := r.writable(ctx, tx)
		if err != nil {
			return err
		}
		ch := r.change(ctx, tx)
		var parent *core.Object
		if ref != nil {
			if did := core.Str(ref, "driveId"); did != "" && did != r.drive.ID {
				return core.DriveInvalid("Items cannot be moved between drives; copy them instead.")
			}
			if parent, err = r.refItem(ctx, tx, ref); err != nil {
				return err
			}
			if parent != nil {
				if err := r.need(ctx, tx, parent, core.DriveRoleWrite); err != nil {
					return err
				}
			}
		}
		if (name != "" && name != core.Str(cur.Data, "name")) || (parent != nil && parent.ID != cur.Parent) {
			if cur, err = core.MoveDriveItem(ctx, tx, r.drive, cur, parent, name, cb, ch); err != nil {
				return err
			}
		}
		changed := false
		if desc, ok := in["description"]; ok {
			cur.Data["description"] = desc
			changed = true
		}
		if fs, ok := in["fileSystemInfo"].(map[string]any); ok {
			cur.Data["fileSystemInfo"] = mergeFileSystemInfo(cur.Data["fileSystemInfo"], fs)
			changed = true
		}
		if changed {
			cur.Data["lastModifiedDateTime"] = core.ISOTime(ch.Now)
			cur.Data["lastModifiedBy"] = ch.By
			if err := core.SaveDriveItemMeta(ctx, tx, cur); err != nil {
				return err
			}
		}
		item = cur
		return nil
	})
	if err != nil {
		return err
	}
	return r.writeItem(ctx, http.StatusOK, item)
}

// mergeFileSystemInfo applies a client's fileSystemInfo (the times it
// reports for the local file) to the stored one.
func mergeFileSystemInfo(old any, in map[string]any) map[string]any {
	out := map[string]any{}
	if m, ok := old.(map[string]any); ok {
		for k, v := range m {
			out[k] = v
		}
	}
	for _, k := range []string{"createdDateTime", "lastModifiedDateTime", "lastAccessedDateTime"} {
		if s, ok := in[k].(string); ok {
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				out[k] = core.ISOTime(t)
			}
		}
	}
	return out
}

// refItem resolves an itemReference (id, or path "/drive/root:/a/b" or
// "/drives/{id}/root:/a/b") in the request's drive; nil when it names no
// item.
func (r *req) refItem(ctx context.Context, tx *core.Tx, ref map[string]any) (*core.Object, error) {
	if id := core.Str(ref, "id"); id != "" {
		it, err := core.DriveItem(ctx, tx, r.drive.ID, id)
		if core.IsNotFound(err) {
			return nil, core.DriveItemNotFound()
		}
		return it, err
	}
	p := core.Str(ref, "path")
	if p == "" {
		return nil, nil
	}
	_, rest, ok := strings.Cut(p, "root:")
	if !ok {
		return nil, core.DriveInvalid("parentReference.path '%s' must look like /drive/root:/folder.", p)
	}
	root, err := core.DriveItem(ctx, tx, r.drive.ID, r.drive.RootID)
	if err != nil {
		return nil, err
	}
	it, err := core.DriveItemByPath(ctx, tx, r.drive.ID, root, rest)
	if core.IsNotFound(err) {
		return nil, core.DriveItemNotFound()
	}
	return it, err
}

// writable loads the request's item afresh in a write, checking If-Match
// and the caller's write access.
func (r *req) writable(ctx context.Context, tx *core.Tx) (*core.Object, error) {
	cur, err := core.DriveItem(ctx, tx, r.drive.ID, r.item.ID)
	if err != nil {
		return nil, err
	}
	if err := checkIfMatch(r.c, cur); err != nil {
		return nil, err
	}
	return cur, r.need(ctx, tx, cur, core.DriveRoleWrite)
}

// deleteItem answers DELETE: the item goes to the recycle bin.
func (r *req) deleteItem(ctx context.Context) error {
	err := r.c.Store().Write(ctx, func(tx *core.Tx) error {
		cur, err := r.writable(ctx, tx)
		if err != nil {
			return err
		}
		return core.DeleteDriveItem(ctx, tx, r.drive, cur, r.change(ctx, tx))
	})
	if err != nil {
		return err
	}
	return r.c.NoContent()
}

// restore answers POST .../restore of an item in the recycle bin:
// {"parentReference":{"id"},"name"} optional.
func (r *req) restore(ctx context.Context) error {
	var in map[string]any
	if err := r.c.DecodeOptional(&in); err != nil {
		return err
	}
	var item *core.Object
	err := r.c.Store().Write(ctx, func(tx *core.Tx) error {
		if _, err := core.DeletedDriveItem(ctx, tx, r.drive.ID, r.item.ID); core.IsNotFound(err) {
			return core.DriveItemNotFound()
		} else if err != nil {
			return err
		}
		var parent *core.Object
		if ref, ok := in["parentReference"].(map[string]any); ok {
			var err error
			if parent, err = r.refItem(ctx, tx, ref); err != nil {
				return err
			}
		}
		check := parent
		if check == nil {
			root, err := core.DriveItem(ctx, tx, r.drive.ID, r.drive.RootID)
			if err != nil {
				return err
			}
			check = root
		}
		if err := r.need(ctx, tx, check, core.DriveRoleWrite); err != nil {
			return err
		}
		var err error
		item, err = core.RestoreDriveItem(ctx, tx, r.drive, r.item.ID, parent, core.Str(in, "name"), r.change(ctx, tx))
		return err
	})
	if err != nil {
		return err
	}
	return r.writeItem(ctx, http.StatusOK, item)
}

// permanentDelete answers POST .../permanentDelete: gone for good, versions
// included, from the drive or its recycle bin.
func (r *req) permanentDelete(ctx context.Context) error {
	err := r.c.Store().Write(ctx, func(tx *core.Tx) error {
		target, err := core.DriveItem(ctx, tx, r.drive.ID, r.item.ID)
		if core.IsNotFound(err) {
			if _, err := core.DeletedDriveItem(ctx, tx, r.drive.ID, r.item.ID); core.IsNotFound(err) {
				return core.DriveItemNotFound()
			} else if err != nil {
				return err
			}
			target, err = core.DriveItem(ctx, tx, r.drive.ID, r.drive.RootID)
		}
		if err != nil {
			return err
		}
		if err := r.need(ctx, tx, target, core.DriveRoleWrite); err != nil {
			return err
		}
		return core.PurgeDriveItem(ctx, tx, r.drive, r.item.ID, r.change(ctx, tx))
	})
	if err != nil {
		return err
	}
	return r.c.NoContent()
}

// getContent answers GET .../content: 302 to a pre-authenticated URL (of a
// PDF rendition with ?format=pdf).
func (r *req) getContent(ctx context.Context) error {
	if core.IsDriveFolder(r.item) {
		return core.DriveInvalid("'%s' is a folder; only files have content.", core.Str(r.item.Data, "name"))
	}
	if err := r.c.Store().Read(ctx, func(tx *core.Tx) error { return r.need(ctx, tx, nil, core.DriveRoleRead) }); err != nil {
		return err
	}
	tok := dlToken{}
	switch format := strings.ToLower(r.c.QueryValue("format")); format {
	case "":
	case "pdf":
		if !convertible(core.Str(r.item.Data, "name")) {
			return core.Errorf(http.StatusNotAcceptable, "notSupported", "The file cannot be converted to PDF.")
		}
		name := core.Str(r.item.Data, "name")
		tok = dlToken{Format: "pdf", Name: strings.TrimSuffix(name, extOf(name)) + ".pdf", Type: "application/pdf"}
	default:
		return core.Errorf(http.StatusBadRequest, "notSupported", "Conversion to '%s' is not supported here; use format=pdf.", format)
	}
	r.c.W.Header().Set("Location", r.downloadURL(r.item, tok))
	r.c.W.WriteHeader(http.StatusFound)
	return nil
}

// putContent answers PUT .../content: a simple upload (up to 250 MB) of a
// new file (missing folders on its path are created) or a new version of
// an existing one. The conflict behaviour defaults to replace.
func (r *req) putContent(ctx context.Context) error {
	if r.c.R.ContentLength > simpleLimit {
		return core.Errorf(http.StatusRequestEntityTooLarge, "requestEntityTooLarge",
			"A simple upload takes at most 250 MB; use an upload session (createUploadSession) for larger files.")
	}
	cb, err := conflict(r.c, nil, core.ConflictReplace)
	if err != nil {
		return err
	}
	if r.item != nil && core.IsDriveFolder(r.item) && !r.pathForm {
		return core.DriveInvalid("'%s' is a folder; upload to a path or id below it.", core.Str(r.item.Data, "name"))
	}
	body := http.MaxBytesReader(r.c.W, r.c.R.Body, simpleLimit)
	var item *core.Object
	created := false
	err = r.c.Store().Write(ctx, func(tx *core.Tx) error {
		ch := r.change(ctx, tx)
		parent, name, existing, err := r.uploadTarget(ctx, tx, ch)
		if err != nil {
			return err
		}
		if existing != nil {
			if err := checkIfMatch(r.c, existing); err != nil {
				return err
			}
		}
		content, err := core.WriteDriveBlob(ctx, tx, r.drive.ID, body)
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return core.Errorf(http.StatusRequestEntityTooLarge, "requestEntityTooLarge",
					"A simple upload takes at most 250 MB; use an upload session (createUploadSession) for larger files.")
			}
			return err
		}
		if content.Facets, err = facets(ctx, tx, name, content.Blob); err != nil {
			return err
		}
		if existing != nil && cb == core.ConflictReplace {
			item = existing
			return core.ReplaceDriveContent(ctx, tx, r.drive, existing, content, ch)
		}
		item, created, err = core.PutDriveFile(ctx, tx, r.drive, parent, name, cb, content, ch)
		return err
	})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return r.writeItem(ctx, status, item)
}

// uploadTarget is where an upload goes: the folder and name, and the file
// already there (nil for a new one). Folders missing on the path are
// created, and write access on the folder (or the file) is checked.
func (r *req) uploadTarget(ctx context.Context, tx *core.Tx, ch core.DriveChange) (parent *core.Object, name string, existing *core.Object, err error) {
	if r.item != nil {
		if core.IsDriveFolder(r.item) {
			return nil, "", nil, core.DriveInvalid("'%s' is a folder; upload to a path or id below it.", core.Str(r.item.Data, "name"))
		}
		cur, err := core.DriveItem(ctx, tx, r.drive.ID, r.item.ID)
		if err != nil {
			return nil, "", nil, err
		}
		if err := r.need(ctx, tx, cur, core.DriveRoleWrite); err != nil {
			return nil, "", nil, err
		}
		p, err := core.DriveItem(ctx, tx, r.drive.ID, cur.Parent)
		name := core.Str(cur.Data, "name")
		if r.pathForm {
			name = r.pathName // for rename: "A.txt" taken by "a.txt" becomes "A 1.txt"
		}
		return p, name, cur, err
	}
	if err := r.need(ctx, tx, r.parent, core.DriveRoleWrite); err != nil {
		return nil, "", nil, err
	}
	parent = r.parent
	for _, folder := range r.missing[:len(r.missing)-1] {
		if parent, err = core.CreateDriveFolder(ctx, tx, r.drive, parent, folder, core.ConflictFail, ch); err != nil {
			return nil, "", nil, err
		}
	}
	name = r.missing[len(r.missing)-1]
	return parent, name, nil, core.CheckDriveName(name)
}
