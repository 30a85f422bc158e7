package drive

import (
	"context"
	"net/http"
	"strings"

	"github.com/o365go/o365/sandbox/internal/core"
)

// versions answers .../versions (GET: the list, newest first, the current
// one included), .../versions/{id} (GET), .../versions/{id}/content (GET:
// 302 to its bytes) and .../versions/{id}/restoreVersion (POST).
func (r *req) versions(ctx context.Context, rest []string) error {
	if core.IsDriveFolder(r.item) {
		return core.DriveInvalid("'%s' is a folder; only files have versions.", core.Str(r.item.Data, "name"))
	}
	method := r.c.R.Method
	restoring := len(rest) == 2 && strings.EqualFold(rest[1], "restoreVersion")
	switch {
	case restoring && method != http.MethodPost, !restoring && method != http.MethodGet:
		allowed := http.MethodGet
		if restoring {
			allowed = http.MethodPost
		}
		return core.Errorf(http.StatusMethodNotAllowed, "BadRequest", "The HTTP method '%s' is not supported for this resource; use %s.", method, allowed).
			WithHeader("Allow", allowed)
	case len(rest) > 2, len(rest) == 2 && !restoring && !strings.EqualFold(rest[1], "content"):
		return core.BadRequest("Resource not found for the segment '%s'.", rest[len(rest)-1])
	}
	if restoring {
		err := r.c.Store().Write(ctx, func(tx *core.Tx) error {
			cur, err := core.DriveItem(ctx, tx, r.drive.ID, r.item.ID)
			if err != nil {
				return err
			}
			if err := r.need(ctx, tx, cur, core.DriveRoleWrite); err != nil {
				return err
			}
			err = core.RestoreDriveVersion(ctx, tx, r.drive, cur, rest[0], r.change(ctx, tx))
			if core.IsNotFound(err) {
				return core.DriveItemNotFound()
			}
			return err
		})
		if err != nil {
			return err
		}
		return r.c.NoContent()
	}
	var list []*core.Object
	err := r.c.Store().Read(ctx, func(tx *core.Tx) error {
		if err := r.need(ctx, tx, nil, core.DriveRoleRead); err != nil {
			return err
		}
		if len(rest) == 0 {
			var err error
			list, err = core.DriveVersions(ctx, tx, r.drive.ID, r.item.ID)
			return err
		}
		v, err := core.DriveVersion(ctx, tx, r.drive.ID, r.item.ID, rest[0])
		if core.IsNotFound(err) {
			return core.DriveItemNotFound()
		}
		list = []*core.Object{v}
		return err
	})
	if err != nil {
		return err
	}
	if len(rest) == 2 {
		v := list[0]
		name := core.Str(r.item.Data, "name")
		r.c.W.Header().Set("Location", r.downloadURL(r.item, dlToken{Blob: core.DriveBlob(v), Name: name}))
		r.c.W.WriteHeader(http.StatusFound)
		return nil
	}
	context := r.c.RootURL() + "$metadata#drives('" + r.drive.ID + "')/items('" + r.item.ID + "')/versions"
	if len(rest) == 1 {
		return writeShaped(r.c, http.StatusOK, "driveItemVersion", context+"/$entity", presentVersion(list[0]))
	}
	docs := make([]map[string]any, len(list))
	for i, v := range list {
		docs[i] = presentVersion(v)
	}
	return writeShapedList(r.c, "driveItemVersion", context, docs)
}

// presentVersion is a driveItemVersion as Graph sends it.
func presentVersion(v *core.Object) map[string]any {
	out := core.PublicDoc(v.Data)
	out["id"] = core.Str(v.Data, "_vid")
	return out
}
