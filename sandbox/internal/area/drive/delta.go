package drive

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/o365go/o365/sandbox/internal/core"
)

// delta answers root/delta (also delta(), delta(token='...') and
// ?token=...): every item of the drive on the first round, then what
// changed, deleted items with the deleted facet; ?token=latest starts from
// now; an unusable token is 410 resyncRequired with a Location to start
// over at.
func (r *req) delta(ctx context.Context, seg string) error {
	if r.item.Parent != "" {
		return core.DriveInvalid("Delta is only supported on the root of a drive (root/delta).")
	}
	if err := r.c.Store().Read(ctx, func(tx *core.Tx) error { return r.need(ctx, tx, nil, core.DriveRoleRead) }); err != nil {
		return err
	}
	token, _ := functionArg(seg, "token")
	if token == "" {
		token = r.c.QueryValue("token")
	}
	return r.c.Delta(ctx, core.DeltaSpec{
		Scope:      core.Scope{Collection: core.DriveItemsCollection, Owner: r.drive.ID},
		Type:       "driveItem",
		PageSize:   defaultPage,
		Present:    func(_ *core.Call, doc map[string]any) map[string]any { return r.presentDoc(doc, true) },
		Token:      token,
		TokenParam: "token",
		Link:       r.c.RootURL() + "drives/" + url.PathEscape(r.drive.ID) + "/root/delta",
		Removed:    r.deletedEntry,
		Gone: func(restart string) *core.Error {
			e := core.Errorf(http.StatusGone, "resyncRequired",
				"The delta token is no longer valid; enumerate again from the Location URL and reconcile with your local state.").
				WithHeader("Location", restart)
			e.Inner = map[string]any{"code": "resyncChangesApplyDifferences"}
			return e
		},
		Context: r.itemsContext(),
	})
}

// deletedEntry is how delta reports a deleted item: its id, the deleted
// facet, its parent and whether it was a file or a folder (OneDrive for
// Business leaves out the name).
func (r *req) deletedEntry(ctx context.Context, tx *core.Tx, id, _ string) (map[string]any, error) {
	out := map[string]any{"id": id, "deleted": map[string]any{"state": "deleted"}}
	ref := map[string]any{"driveId": r.drive.ID, "driveType": r.drive.Type}
	if gone, err := core.DeletedDriveItem(ctx, tx, r.drive.ID, id); err == nil {
		ref["id"] = gone.Parent
		if core.IsDriveFolder(gone) {
			out["folder"] = map[string]any{}
		} else {
			out["file"] = map[string]any{}
		}
	} else if !core.IsNotFound(err) {
		return nil, err
	}
	out["parentReference"] = ref
	return out, nil
}

// search answers search(q='text'): the items below the request's item
// (the whole drive from the root) whose name or description contains the
// text, case-insensitively, paged.
func (r *req) search(ctx context.Context, seg string) error {
	q, ok := functionArg(seg, "q")
	if !ok {
		return core.DriveInvalid("search needs its text: search(q='budget').")
	}
	var within map[string]bool
	err := r.c.Store().Read(ctx, func(tx *core.Tx) error {
		if err := r.need(ctx, tx, nil, core.DriveRoleRead); err != nil {
			return err
		}
		if r.item.Parent == "" {
			return nil
		}
		tree, err := core.DriveSubtree(ctx, tx, r.item)
		if err != nil {
			return err
		}
		within = map[string]bool{}
		for _, it := range tree[1:] {
			within[it.ID] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	q = strings.TrimSpace(q)
	return r.c.List(ctx, core.ListSpec{
		Scope:      core.Scope{Collection: core.DriveItemsCollection, Owner: r.drive.ID},
		Type:       "driveItem",
		DefaultTop: defaultPage,
		Include: func(doc map[string]any) bool {
			id := core.Str(doc, "id")
			if id == r.drive.RootID || (within != nil && !within[id]) {
				return false
			}
			return containsFold(core.Str(doc, "name"), q) || containsFold(core.Str(doc, "description"), q)
		},
		Present: func(_ *core.Call, doc map[string]any) map[string]any { return r.presentDoc(doc, false) },
		Context: r.itemsContext(),
	})
}

// specialFolders are the well-known folders and their names.
var specialFolders = map[string]string{
	"documents": "Documents", "photos": "Pictures", "cameraroll": "Camera Roll",
	"approot": "Apps", "music": "Music", "recordings": "Recordings",
}

// special is a special folder of the drive (special/{name}), created on
// first use as OneDrive does; approot is Apps/{the calling app's name}.
func (r *req) special(ctx context.Context, name string) (*core.Object, error) {
	name = strings.ToLower(name)
	if _, ok := specialFolders[name]; !ok {
		return nil, core.Errorf(http.StatusNotFound, "itemNotFound", "'%s' is not a special folder; use documents, photos, cameraroll, approot, music or recordings.", name)
	}
	key := name
	if name == "approot" && r.c.Claims != nil {
		key += ":" + r.c.Claims.AppID
	}
	var found *core.Object
	err := r.c.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		found, err = r.specialIn(ctx, tx, key)
		return err
	})
	if err != nil || found != nil {
		return found, err
	}
	err = r.c.Store().Write(ctx, func(tx *core.Tx) error {
		var err error
		found, err = r.ensureSpecial(ctx, tx, name, key)
		return err
	})
	return found, err
}

// specialIn looks a special folder up in the drive's record of them; nil
// when it was never made or is gone.
func (r *req) specialIn(ctx context.Context, tx *core.Tx, key string) (*core.Object, error) {
	d, err := core.GetDrive(ctx, tx, r.drive.ID)
	if err != nil {
		return nil, err
	}
	special, _ := d.Object.Data["_special"].(map[string]any)
	id := core.Str(special, key)
	if id == "" {
		return nil, nil
	}
	f, err := core.DriveItem(ctx, tx, d.ID, id)
	if core.IsNotFound(err) {
		return nil, nil
	}
	return f, err
}

// ensureSpecial makes (or adopts) a special folder and records it.
func (r *req) ensureSpecial(ctx context.Context, tx *core.Tx, name, key string) (*core.Object, error) {
	if f, err := r.specialIn(ctx, tx, key); err != nil || f != nil {
		return f, err
	}
	d, err := core.GetDrive(ctx, tx, r.drive.ID)
	if err != nil {
		return nil, err
	}
	parent, err := core.DriveItem(ctx, tx, d.ID, d.RootID)
	if err != nil {
		return nil, err
	}
	ch := core.DriveChange{By: core.ActorIdentity(ctx, tx, r.c.Claims), Now: r.c.Now()}
	if err := r.need(ctx, tx, parent, core.DriveRoleWrite); err != nil {
		return nil, core.Errorf(http.StatusNotFound, "itemNotFound", "The special folder '%s' does not exist yet, and only someone who can write to the drive creates it.", name)
	}
	folderName := specialFolders[name]
	switch name {
	case "cameraroll":
		if parent, err = r.ensureSpecial(ctx, tx, "photos", "photos"); err != nil {
			return nil, err
		}
	case "approot":
		if parent, err = child(ctx, tx, d, parent, "Apps", ch); err != nil {
			return nil, err
		}
		folderName = appName(ctx, tx, r.c.Claims)
	}
	f, err := child(ctx, tx, d, parent, folderName, ch)
	if err != nil {
		return nil, err
	}
	f.Data["specialFolder"] = map[string]any{"name": name}
	if err := core.SaveDriveItemMeta(ctx, tx, f); err != nil {
		return nil, err
	}
	if d, err = core.GetDrive(ctx, tx, d.ID); err != nil {
		return nil, err
	}
	special, _ := d.Object.Data["_special"].(map[string]any)
	if special == nil {
		special = map[string]any{}
	}
	special[key] = f.ID
	d.Object.Data["_special"] = special
	return f, tx.Put(ctx, d.Object)
}

// child is the folder name in parent, made when missing.
func child(ctx context.Context, tx *core.Tx, d *core.Drive, parent *core.Object, name string, ch core.DriveChange) (*core.Object, error) {
	f, err := core.DriveChild(ctx, tx, d.ID, parent.ID, name)
	if core.IsNotFound(err) {
		return core.CreateDriveFolder(ctx, tx, d, parent, name, core.ConflictFail, ch)
	}
	return f, err
}

// appName is the calling app's display name, approot's folder name.
func appName(ctx context.Context, tx *core.Tx, claims *core.Claims) string {
	if claims == nil {
		return "App"
	}
	app, _ := core.ActorIdentity(ctx, tx, &core.Claims{AppOnly: true, AppID: claims.AppID})["application"].(map[string]any)
	if n := strings.Map(func(r rune) rune {
		if strings.ContainsRune("\"*:<>?/\\|", r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(core.Str(app, "displayName"))); n != "" {
		return strings.TrimRight(n, ".")
	}
	return claims.AppID
}

// containsFold reports whether s contains sub, ignoring case.
func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
