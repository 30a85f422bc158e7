package drive

import (
	"context"
	"encoding"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/core"
)

// upload is the state of an upload session, stored in collUploads.
type upload struct {
	// Item is the file a session addressed by id updates ("" for a path).
	Item string `json:"item,omitempty"`
	// Parent and Names are where a new file goes: the folder, then the
	// names below it (folders to create, the file's name last).
	Parent   string   `json:"parent,omitempty"`
	Names    []string `json:"names,omitempty"`
	Conflict string   `json:"conflict"`
	// Size is the file's size: from fileSize, else the first fragment's
	// Content-Range; -1 until known.
	Size     int64     `json:"size"`
	Received int64     `json:"received"`
	Blob     string    `json:"blob"`
	Expires  time.Time `json:"expires"`
	Defer    bool      `json:"deferCommit,omitempty"`
	// Hash is the quickXorHash state of the bytes received.
	Hash        []byte         `json:"hash"`
	By          map[string]any `json:"by"`
	Description string         `json:"description,omitempty"`
	FileSystem  map[string]any `json:"fileSystemInfo,omitempty"`
}

// createUploadSession answers POST .../createUploadSession: for a new file
// (a path, or items/{parent}:/name:) or to replace an existing one.
func (r *req) createUploadSession(ctx context.Context) error {
	var in map[string]any
	if err := r.c.DecodeOptional(&in); err != nil {
		return err
	}
	props, _ := in["item"].(map[string]any)
	cb, err := conflict(r.c, props, core.ConflictFail)
	if err != nil {
		return err
	}
	deferCommit, _ := in["deferCommit"].(bool)
	size := int64(-1)
	if v, ok := props["fileSize"]; ok {
		f, isNum := v.(float64)
		if !isNum || f < 0 || f != float64(int64(f)) {
			return core.DriveInvalid("fileSize must be a whole number of bytes.")
		}
		size = int64(f)
	}
	fs, _ := props["fileSystemInfo"].(map[string]any)
	up := &upload{Conflict: cb, Size: size, Blob: core.NewDriveBlob(r.drive.ID), Defer: deferCommit,
		Description: core.Str(props, "description"), FileSystem: fs, Expires: r.c.Now().Add(uploadTTL)}
	sid := uuid.NewString()
	err = r.c.Store().Write(ctx, func(tx *core.Tx) error {
		if err := purgeUploads(ctx, tx, r.drive.ID, r.c.Now()); err != nil {
			return err
		}
		switch {
		case r.item != nil && !core.IsDriveFolder(r.item) && !r.pathForm:
			if err := checkIfMatch(r.c, r.item); err != nil {
				return err
			}
			if err := r.need(ctx, tx, nil, core.DriveRoleWrite); err != nil {
				return err
			}
			up.Item = r.item.ID
		case r.item != nil:
			if !r.pathForm {
				return core.DriveInvalid("'%s' is a folder; create the session for a path below it (items/{id}:/name:/createUploadSession).", core.Str(r.item.Data, "name"))
			}
			if err := checkIfMatch(r.c, r.item); err != nil {
				return err
			}
			name := core.Str(r.item.Data, "name")
			if cb == core.ConflictFail {
				return core.DriveNameExists(name)
			}
			if err := r.need(ctx, tx, nil, core.DriveRoleWrite); err != nil {
				return err
			}
			up.Parent, up.Names = r.item.Parent, []string{name}
		default:
			if err := r.need(ctx, tx, r.parent, core.DriveRoleWrite); err != nil {
				return err
			}
			up.Parent, up.Names = r.parent.ID, r.missing
			if err := core.CheckDriveName(r.missing[len(r.missing)-1]); err != nil {
				return err
			}
		}
		if n := core.Str(props, "name"); n != "" && up.Item == "" && n != up.Names[len(up.Names)-1] {
			return core.DriveInvalid("item.name '%s' is not the name in the path ('%s').", n, up.Names[len(up.Names)-1])
		}
		if size >= 0 {
			if err := r.drive.CheckQuota(size); err != nil {
				return err
			}
		}
		up.By = core.ActorIdentity(ctx, tx, r.c.Claims)
		state, _ := core.NewQuickXorHash().(encoding.BinaryMarshaler).MarshalBinary()
		up.Hash = state
		return saveUpload(ctx, tx, r.drive.ID, sid, up)
	})
	if err != nil {
		return err
	}
	uploadURL := preauthBase(r.c) + versionRoot(r.c) + "drives/" + url.PathEscape(r.drive.ID) + "/uploadSessions/" + sid +
		"?tempauth=" + url.QueryEscape(r.c.SignToken("drive.upload", []byte(r.drive.ID+"/"+sid)))
	return writeShaped(r.c, http.StatusOK, "uploadSession", r.c.RootURL()+"$metadata#microsoft.graph.uploadSession", map[string]any{
		"uploadUrl":          uploadURL,
		"expirationDateTime": core.ISOTime(up.Expires),
		"nextExpectedRanges": []any{"0-"},
	})
}

// saveUpload stores a session's state.
func saveUpload(ctx context.Context, tx *core.Tx, driveID, sid string, up *upload) error {
	doc, err := core.ToDoc(up)
	if err != nil {
		return err
	}
	return tx.Put(ctx, &core.Object{Collection: collUploads, Owner: driveID, ID: sid, Data: doc})
}

// loadUpload reads a live session; an expired one is not found.
func loadUpload(ctx context.Context, tx *core.Tx, driveID, sid string, now time.Time) (*upload, error) {
	o, err := tx.Get(ctx, collUploads, driveID, sid)
	if err != nil {
		return nil, err
	}
	var up upload
	if err := core.FromDoc(o.Data, &up); err != nil {
		return nil, err
	}
	if !now.Before(up.Expires) {
		return nil, core.ErrNotFound
	}
	return &up, nil
}

// purgeUploads deletes a drive's expired sessions and their bytes, as
// OneDrive cleans up after expirationDateTime.
func purgeUploads(ctx context.Context, tx *core.Tx, driveID string, now time.Time) error {
	sessions, err := tx.List(ctx, core.Scope{Collection: collUploads, Owner: driveID}, false, 0, 0)
	if err != nil {
		return err
	}
	for _, o := range sessions {
		var up upload
		if err := core.FromDoc(o.Data, &up); err != nil || !now.Before(up.Expires) {
			if err := dropUpload(ctx, tx, driveID, o.ID, up.Blob); err != nil {
				return err
			}
		}
	}
	return nil
}

// dropUpload deletes a session and the bytes it received.
func dropUpload(ctx context.Context, tx *core.Tx, driveID, sid, blob string) error {
	if blob != "" {
		if err := tx.DeleteBlob(ctx, blob); err != nil {
			return err
		}
	}
	return tx.Delete(ctx, collUploads, driveID, sid)
}

// errSessionGone is the answer for an unknown or expired session.
func errSessionGone() *core.Error {
	return core.Errorf(http.StatusNotFound, "itemNotFound", "The upload session was not found; it may have expired, been completed or been cancelled.")
}

// uploadSessionRoute serves an upload URL: PUT a fragment, GET the status,
// DELETE to cancel, POST to commit a deferred upload.
func uploadSessionRoute(ctx context.Context, c *core.Call) error {
	driveID, sid := c.Param("drive"), c.Param("session")
	payload, ok := c.VerifyToken("drive.upload", c.QueryValue("tempauth"))
	if !ok || string(payload) != driveID+"/"+sid {
		return core.Errorf(http.StatusUnauthorized, "unauthenticated", "The upload URL's tempauth is missing or not valid.")
	}
	var up *upload
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		up, err = loadUpload(ctx, tx, driveID, sid, c.Now())
		return err
	})
	if core.IsNotFound(err) {
		return errSessionGone()
	}
	if err != nil {
		return err
	}
	switch c.R.Method {
	case http.MethodGet:
		return writeUploadStatus(c, http.StatusOK, up)
	case http.MethodDelete:
		if err := c.Store().Write(ctx, func(tx *core.Tx) error { return dropUpload(ctx, tx, driveID, sid, up.Blob) }); err != nil {
			return err
		}
		return c.NoContent()
	case http.MethodPost:
		if up.Size < 0 || up.Received < up.Size {
			return core.DriveInvalid("The upload is not complete: %d of %d bytes received.", up.Received, up.Size)
		}
		return commitRoute(ctx, c, driveID, sid)
	}
	return putFragment(ctx, c, driveID, sid)
}

// nextRanges is nextExpectedRanges: where the session goes on.
func nextRanges(up *upload) []any {
	if up.Size >= 0 && up.Received >= up.Size {
		return []any{}
	}
	return []any{strconv.FormatInt(up.Received, 10) + "-"}
}

func writeUploadStatus(c *core.Call, status int, up *upload) error {
	// Not shaped: a status has no uploadUrl (shaping would send it null).
	return c.WriteJSON(status, map[string]any{
		"@odata.context":     c.RootURL() + "$metadata#microsoft.graph.uploadSession",
		"expirationDateTime": core.ISOTime(up.Expires),
		"nextExpectedRanges": nextRanges(up),
	})
}

// putFragment stores one fragment: in order (416 otherwise), with a
// constant total, at most 60 MiB, a multiple of 320 KiB unless last. The
// last one completes the file, unless the session defers the commit.
func putFragment(ctx context.Context, c *core.Call, driveID, sid string) error {
	start, end, total, ok := core.ParseContentRange(c.R.Header.Get("Content-Range"))
	if !ok {
		return core.DriveInvalid("A fragment needs a Content-Range header: bytes START-END/TOTAL.")
	}
	n := end - start + 1
	if c.R.ContentLength >= 0 && c.R.ContentLength != n {
		return core.DriveInvalid("Content-Length %d does not match Content-Range (%d bytes).", c.R.ContentLength, n)
	}
	if n > fragmentMax {
		return core.Errorf(http.StatusRequestEntityTooLarge, "requestEntityTooLarge", "A fragment takes at most 60 MiB; this one is %d bytes.", n)
	}
	var (
		up       *upload
		item     *core.Object
		created  bool
		complete bool
	)
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		var err error
		if up, err = loadUpload(ctx, tx, driveID, sid, c.Now()); core.IsNotFound(err) {
			return errSessionGone()
		} else if err != nil {
			return err
		}
		if up.Size < 0 {
			up.Size = total
		}
		switch {
		case total != up.Size:
			return core.DriveInvalid("The total in Content-Range (%d) differs from the file's size (%d).", total, up.Size)
		case start != up.Received:
			e := core.Errorf(http.StatusRequestedRangeNotSatisfiable, "invalidRange",
				"The session expects byte %d next, not %d; ask the upload URL for nextExpectedRanges.", up.Received, start)
			if start < up.Received {
				e.Message = "The uploaded fragment overlaps with data that has already been received."
				e.Inner = map[string]any{"code": "fragmentOverlap"}
			}
			return e
		case end+1 < total && n%fragmentLen != 0:
			return core.DriveInvalid("Every fragment but the last must be a multiple of 320 KiB (327,680 bytes); this one is %d bytes.", n)
		}
		d, err := core.GetDrive(ctx, tx, driveID)
		if err != nil {
			return err
		}
		if start == 0 {
			if err := d.CheckQuota(total); err != nil {
				return err
			}
		}
		h := core.NewQuickXorHash()
		if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(up.Hash); err != nil {
			return err
		}
		size, err := tx.WriteBlob(ctx, up.Blob, start, io.TeeReader(io.LimitReader(c.R.Body, n), h))
		if err != nil {
			return err
		}
		if size != end+1 {
			return core.DriveInvalid("The fragment ended after %d of its %d bytes.", size-start, n)
		}
		up.Received = size
		up.Expires = c.Now().Add(uploadTTL)
		if up.Hash, err = h.(encoding.BinaryMarshaler).MarshalBinary(); err != nil {
			return err
		}
		if up.Received < up.Size || up.Defer {
			return saveUpload(ctx, tx, driveID, sid, up)
		}
		complete = true
		item, created, err = commitUpload(ctx, tx, d, sid, up, c.Now())
		return err
	})
	if err != nil {
		return err
	}
	if !complete {
		return writeUploadStatus(c, http.StatusAccepted, up)
	}
	return writeCommitted(ctx, c, driveID, item, created)
}

// commitRoute completes a deferred upload (POST to the upload URL).
func commitRoute(ctx context.Context, c *core.Call, driveID, sid string) error {
	var item *core.Object
	var created bool
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		up, err := loadUpload(ctx, tx, driveID, sid, c.Now())
		if core.IsNotFound(err) {
			return errSessionGone()
		} else if err != nil {
			return err
		}
		d, err := core.GetDrive(ctx, tx, driveID)
		if err != nil {
			return err
		}
		item, created, err = commitUpload(ctx, tx, d, sid, up, c.Now())
		return err
	})
	if err != nil {
		return err
	}
	return writeCommitted(ctx, c, driveID, item, created)
}

// commitUpload makes a complete session's bytes the file, under the
// identity that created the session, and ends the session.
func commitUpload(ctx context.Context, tx *core.Tx, d *core.Drive, sid string, up *upload, now time.Time) (*core.Object, bool, error) {
	h := core.NewQuickXorHash()
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(up.Hash); err != nil {
		return nil, false, err
	}
	content := core.DriveContent{Blob: up.Blob, Size: up.Size, QuickXorHash: base64.StdEncoding.EncodeToString(h.Sum(nil))}
	ch := core.DriveChange{By: up.By, Now: now}
	var (
		item    *core.Object
		created bool
	)
	if up.Item != "" {
		cur, err := core.DriveItem(ctx, tx, d.ID, up.Item)
		if core.IsNotFound(err) {
			return nil, false, core.DriveItemNotFound()
		}
		if err != nil {
			return nil, false, err
		}
		if content.Facets, err = facets(ctx, tx, core.Str(cur.Data, "name"), up.Blob); err != nil {
			return nil, false, err
		}
		if err := core.ReplaceDriveContent(ctx, tx, d, cur, content, ch); err != nil {
			return nil, false, err
		}
		item = cur
	} else {
		parent, err := core.DriveItem(ctx, tx, d.ID, up.Parent)
		if core.IsNotFound(err) {
			return nil, false, core.Errorf(http.StatusNotFound, "itemNotFound", "The folder the upload goes to no longer exists.")
		}
		if err != nil {
			return nil, false, err
		}
		for _, folder := range up.Names[:len(up.Names)-1] {
			next, err := core.DriveChild(ctx, tx, d.ID, parent.ID, folder)
			if core.IsNotFound(err) {
				next, err = core.CreateDriveFolder(ctx, tx, d, parent, folder, core.ConflictFail, ch)
			}
			if err != nil {
				return nil, false, err
			}
			parent = next
		}
		name := up.Names[len(up.Names)-1]
		if content.Facets, err = facets(ctx, tx, name, up.Blob); err != nil {
			return nil, false, err
		}
		if item, created, err = core.PutDriveFile(ctx, tx, d, parent, name, up.Conflict, content, ch); err != nil {
			if ae, ok := err.(*core.Error); ok && ae.Code == "nameAlreadyExists" {
				ae.Message = "Another file exists with the same name as the uploaded session. " + ae.Message
			}
			return nil, false, err
		}
	}
	if up.Description != "" || up.FileSystem != nil {
		if up.Description != "" {
			item.Data["description"] = up.Description
		}
		if up.FileSystem != nil {
			item.Data["fileSystemInfo"] = mergeFileSystemInfo(item.Data["fileSystemInfo"], up.FileSystem)
		}
		if err := core.SaveDriveItemMeta(ctx, tx, item); err != nil {
			return nil, false, err
		}
	}
	// The blob is the file's now: end the session without deleting it.
	return item, created, tx.Delete(ctx, collUploads, d.ID, sid)
}

// writeCommitted answers the request that completed an upload: 201 with a
// new file, 200 with a new version.
func writeCommitted(ctx context.Context, c *core.Call, driveID string, item *core.Object, created bool) error {
	var d *core.Drive
	if err := c.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		d, err = core.GetDrive(ctx, tx, driveID)
		return err
	}); err != nil {
		return err
	}
	r := &req{c: c, drive: d}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return r.writeItem(ctx, status, item)
}
