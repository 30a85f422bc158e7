package drive

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/core"
)

// operation is the state of an asynchronous copy, stored in collOperations
// (owner: the destination drive) and reported by its monitor.
type operation struct {
	Status     string  `json:"status"` // notStarted, inProgress, completed, failed
	Percentage float64 `json:"percentage"`
	SrcDrive   string  `json:"srcDrive"`
	SrcItem    string  `json:"srcItem"`
	DstParent  string  `json:"dstParent"`
	Name       string  `json:"name"`
	Conflict   string  `json:"conflict"`
	// Total and Done measure progress in bytes, plus one per item so that
	// empty files and folders count too.
	Total        int64          `json:"total"`
	Done         int64          `json:"done"`
	By           map[string]any `json:"by"`
	ResourceID   string         `json:"resourceId,omitempty"`
	ErrorCode    string         `json:"errorCode,omitempty"`
	ErrorMessage string         `json:"errorMessage,omitempty"`
	Updated      time.Time      `json:"updated"`
}

// copy answers POST .../copy: {"parentReference":{"driveId","id"},"name"},
// conflict behaviour in the query (fail by default). A taken name is
// refused at once; the copy itself runs in the background and answers 202
// with its monitor in Location.
func (r *req) copy(ctx context.Context) error {
	var in map[string]any
	if err := r.c.DecodeOptional(&in); err != nil {
		return err
	}
	cb, err := conflict(r.c, nil, core.ConflictFail)
	if err != nil {
		return err
	}
	if r.item.Parent == "" {
		return core.DriveInvalid("The root of a drive cannot be copied; copy the items in it.")
	}
	ref, _ := in["parentReference"].(map[string]any)
	dst := r.drive
	if did := core.Str(ref, "driveId"); did != "" && did != r.drive.ID {
		err := r.c.Store().Read(ctx, func(tx *core.Tx) error {
			var err error
			dst, err = core.GetDrive(ctx, tx, did)
			return err
		})
		if core.IsNotFound(err) {
			return core.Errorf(http.StatusNotFound, "itemNotFound", "The destination drive '%s' was not found.", did)
		}
		if err != nil {
			return err
		}
	}
	name := core.Str(in, "name")
	if name == "" {
		name = core.Str(r.item.Data, "name")
	}
	if err := core.CheckDriveName(name); err != nil {
		return err
	}
	op := &operation{Status: "notStarted", SrcDrive: r.drive.ID, SrcItem: r.item.ID, Conflict: cb, Updated: r.c.Now()}
	opID := uuid.NewString()
	err = r.c.Store().Write(ctx, func(tx *core.Tx) error {
		if err := r.need(ctx, tx, nil, core.DriveRoleRead); err != nil {
			return err
		}
		dr := &req{c: r.c, drive: dst}
		parent, err := dr.refItem(ctx, tx, ref)
		if err != nil {
			return err
		}
		if parent == nil {
			if dst.ID != r.drive.ID {
				return core.DriveInvalid("Name the destination folder with parentReference.id or path.")
			}
			if parent, err = core.DriveItem(ctx, tx, r.drive.ID, r.item.Parent); err != nil {
				return err
			}
		}
		if !core.IsDriveFolder(parent) {
			return core.DriveInvalid("The destination '%s' is not a folder.", core.Str(parent.Data, "name"))
		}
		role, err := core.DriveAccess(ctx, tx, r.c.Claims, dst, parent)
		if err != nil {
			return err
		}
		if role < core.DriveRoleWrite {
			return core.DriveAccessDenied()
		}
		if dst.ID == r.drive.ID {
			anc, err := core.DriveAncestors(ctx, tx, parent)
			if err != nil {
				return err
			}
			for _, a := range append(anc, parent) {
				if a.ID == r.item.ID {
					return core.DriveInvalid("A folder cannot be copied into itself.")
				}
			}
		}
		if op.Name, _, err = core.ResolveDriveName(ctx, tx, dst.ID, parent.ID, name, cb, ""); err != nil {
			return err
		}
		tree, err := core.DriveSubtree(ctx, tx, r.item)
		if err != nil {
			return err
		}
		op.Total = int64(len(tree))
		for _, it := range tree {
			if !core.IsDriveFolder(it) {
				op.Total += sizeOf(it)
			}
		}
		op.DstParent = parent.ID
		op.By = core.ActorIdentity(ctx, tx, r.c.Claims)
		if err := purgeOperations(ctx, tx, dst.ID, r.c.Now()); err != nil {
			return err
		}
		return saveOperation(ctx, tx, dst.ID, opID, op)
	})
	if err != nil {
		return err
	}
	store, now := r.c.Store(), r.c.Now
	r.c.Go(func(ctx context.Context) { runCopy(ctx, store, now, dst.ID, opID) })
	// Graph's monitor URLs have a /monitor/ segment
	// (.../_api/v2.0/monitor/{id}), which python-o365 tests the Location
	// for to tell an async copy from a finished one.
	monitorURL := preauthBase(r.c) + versionRoot(r.c) + "drives/" + url.PathEscape(dst.ID) + "/monitor/" + opID +
		"?tempauth=" + url.QueryEscape(r.c.SignToken("drive.monitor", []byte(dst.ID+"/"+opID)))
	r.c.W.Header().Set("Location", monitorURL)
	r.c.W.WriteHeader(http.StatusAccepted)
	return nil
}

// sizeOf is an item's size.
func sizeOf(item *core.Object) int64 {
	n, _ := item.Data["size"].(float64)
	return int64(n)
}

func saveOperation(ctx context.Context, tx *core.Tx, driveID, id string, op *operation) error {
	doc, err := core.ToDoc(op)
	if err != nil {
		return err
	}
	return tx.Put(ctx, &core.Object{Collection: collOperations, Owner: driveID, ID: id, Data: doc})
}

func loadOperation(ctx context.Context, tx *core.Tx, driveID, id string) (*operation, error) {
	o, err := tx.Get(ctx, collOperations, driveID, id)
	if err != nil {
		return nil, err
	}
	var op operation
	return &op, core.FromDoc(o.Data, &op)
}

// purgeOperations forgets the copies of a drive that ended more than
// monitorTTL ago: their monitors answer 404 from then on.
func purgeOperations(ctx context.Context, tx *core.Tx, driveID string, now time.Time) error {
	ops, err := tx.List(ctx, core.Scope{Collection: collOperations, Owner: driveID}, false, 0, 0)
	if err != nil {
		return err
	}
	for _, o := range ops {
		var op operation
		if err := core.FromDoc(o.Data, &op); err != nil || now.Sub(op.Updated) > monitorTTL {
			if err := tx.Delete(ctx, collOperations, driveID, o.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// runCopy copies the tree one item per transaction, parents first,
// recording progress after each, until done, failed or the engine closes.
func runCopy(ctx context.Context, st *core.Store, now func() time.Time, dstID, opID string) {
	var (
		op   *operation
		tree []*core.Object
	)
	err := st.Read(ctx, func(tx *core.Tx) error {
		var err error
		if op, err = loadOperation(ctx, tx, dstID, opID); err != nil {
			return err
		}
		src, err := core.DriveItem(ctx, tx, op.SrcDrive, op.SrcItem)
		if err != nil {
			return err
		}
		tree, err = core.DriveSubtree(ctx, tx, src)
		return err
	})
	if op == nil {
		return // the operation itself is gone: nothing to report to
	}
	fail := func(err error) {
		op.Status, op.ErrorCode, op.ErrorMessage = "failed", "generalException", "The copy failed."
		var ae *core.Error
		switch {
		case errors.As(err, &ae):
			op.ErrorCode, op.ErrorMessage = ae.Code, ae.Message
		case core.IsNotFound(err):
			op.ErrorCode, op.ErrorMessage = "itemNotFound", "An item being copied was deleted during the copy."
		}
		op.Updated = now()
		_ = st.Write(context.WithoutCancel(ctx), func(tx *core.Tx) error { return saveOperation(ctx, tx, dstID, opID, op) })
	}
	if err != nil {
		fail(err)
		return
	}
	copies := map[string]string{}
	for i, src := range tree {
		if ctx.Err() != nil {
			return // the engine is closing; the monitor will report the copy dead
		}
		err := st.Write(ctx, func(tx *core.Tx) error {
			cur, err := core.DriveItem(ctx, tx, op.SrcDrive, src.ID)
			if core.IsNotFound(err) && i > 0 {
				return nil // deleted during the copy: not copied
			}
			if err != nil {
				return err
			}
			dst, err := core.GetDrive(ctx, tx, dstID)
			if err != nil {
				return err
			}
			parentID, name, cb := copies[cur.Parent], core.Str(cur.Data, "name"), core.ConflictFail
			if i == 0 {
				parentID, name, cb = op.DstParent, op.Name, op.Conflict
			}
			parent, err := core.DriveItem(ctx, tx, dstID, parentID)
			if err != nil {
				return err
			}
			made, err := core.CopyDriveItem(ctx, tx, cur, dst, parent, name, cb, core.DriveChange{By: op.By, Now: now()})
			if err != nil {
				return err
			}
			copies[cur.ID] = made.ID
			op.Done++
			if !core.IsDriveFolder(cur) {
				op.Done += sizeOf(cur)
			}
			op.Status, op.Updated = "inProgress", now()
			op.Percentage = min(99.9, float64(op.Done)*100/float64(max(op.Total, 1)))
			if i == len(tree)-1 {
				op.Status, op.Percentage, op.ResourceID = "completed", 100, copies[tree[0].ID]
			}
			return saveOperation(ctx, tx, dstID, opID, op)
		})
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			fail(err)
			return
		}
	}
}

// monitor answers a copy's monitor URL: 202 with the progress while it
// runs, 200 with resourceId when it completed or the error when it failed.
func monitor(ctx context.Context, c *core.Call) error {
	driveID, opID := c.Param("drive"), c.Param("operation")
	payload, ok := c.VerifyToken("drive.monitor", c.QueryValue("tempauth"))
	if !ok || string(payload) != driveID+"/"+opID {
		return core.Errorf(http.StatusUnauthorized, "unauthenticated", "The monitor URL's tempauth is missing or not valid.")
	}
	var op *operation
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		op, err = loadOperation(ctx, tx, driveID, opID)
		return err
	})
	if core.IsNotFound(err) {
		return core.Errorf(http.StatusNotFound, "itemNotFound", "The operation was not found.")
	}
	if err != nil {
		return err
	}
	if (op.Status == "inProgress" || op.Status == "notStarted") && c.Now().Sub(op.Updated) > heartbeat {
		op.Status, op.ErrorCode, op.ErrorMessage = "failed", "generalException", "The copy stopped (the sandbox was restarted during it)."
	}
	out := map[string]any{
		"@odata.context":     c.RootURL() + "$metadata#microsoft.graph.asyncJobStatus",
		"operation":          "ItemCopy",
		"status":             op.Status,
		"percentageComplete": op.Percentage,
	}
	switch op.Status {
	case "completed":
		out["resourceId"] = op.ResourceID
		return c.WriteJSON(http.StatusOK, out)
	case "failed":
		out["error"] = map[string]any{"code": op.ErrorCode, "message": op.ErrorMessage}
		return c.WriteJSON(http.StatusOK, out)
	}
	return c.WriteJSON(http.StatusAccepted, out)
}
