package drive

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/o365go/o365"
)

// CopyOptions tune copies; nil means the defaults.
type CopyOptions struct {
	// Conflict applies when the name is taken in the destination: "" is
	// ConflictFail, which the service checks before it starts.
	Conflict Conflict
	// Progress, if set, is called with the percentage done as the monitor
	// reports it, 100 last.
	Progress func(percent float64)
	// Poll is the time between looks at the monitor; 0 is a second.
	Poll time.Duration
}

// CopyOperation is a copy the service is making in the background.
type CopyOperation struct {
	// MonitorURL is where the copy's state is read: pre-authenticated,
	// often on another host; keep it to wait for the copy in another run.
	MonitorURL string
	// dest is the drive the copy is made in.
	dest *Drive
}

// Copy copies the item (and everything below it) into folder (which may
// be in another drive; nil: the item's own folder) as name ("": its own
// name) and waits until the copy is made, reporting progress; it returns
// the copy.
//
// Graph: POST /drives/{drive-id}/items/{id}/copy
// (https://learn.microsoft.com/graph/api/driveitem-copy).
func (it *Item) Copy(ctx context.Context, folder *Item, name string, opts *CopyOptions) (*Item, error) {
	op, err := it.StartCopy(ctx, folder, name, opts)
	if err != nil {
		return nil, err
	}
	return op.Wait(ctx, opts)
}

// StartCopy asks for a copy (see Copy) and returns at once with its
// monitor. The request is not repeated after an answer that may hide a copy
// under way (a retry could copy twice).
//
// Graph: POST /drives/{drive-id}/items/{id}/copy
// (https://learn.microsoft.com/graph/api/driveitem-copy).
func (it *Item) StartCopy(ctx context.Context, folder *Item, name string, opts *CopyOptions) (*CopyOperation, error) {
	var o CopyOptions
	if opts != nil {
		o = *opts
	}
	c, err := o.Conflict.or(ConflictFail)
	if err != nil {
		return nil, err
	}
	if err := o365.Ready(it); err != nil {
		return nil, err
	}
	dest, err := it.drive()
	if err != nil {
		return nil, err
	}
	body := map[string]any{}
	if folder != nil {
		if folder.ID == "" {
			if err := folder.Refresh(ctx); err != nil {
				return nil, fmt.Errorf("drive: copy %q: the destination: %w", it.Name, err)
			}
		}
		ref := map[string]any{"id": folder.ID}
		if did := folder.driveID(); did != "" {
			ref["driveId"] = did
		}
		if dest, err = folder.drive(); err != nil {
			return nil, err
		}
		body["parentReference"] = ref
	}
	if name != "" {
		body["name"] = name
	}
	req := it.Request(http.MethodPost, "copy", body)
	req.Query = conflictQuery(c)
	resp, err := it.Account().Do(ctx, req, nil)
	if err != nil {
		return nil, fmt.Errorf("drive: copy %q: %w", it.Name, err)
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return nil, fmt.Errorf("drive: copy %q: the service answered %d without a monitor", it.Name, resp.StatusCode)
	}
	return &CopyOperation{MonitorURL: loc, dest: dest}, nil
}

// ResumeCopy is a copy into this drive whose monitor a program kept, to
// wait for it.
func (d *Drive) ResumeCopy(monitorURL string) *CopyOperation {
	return &CopyOperation{MonitorURL: monitorURL, dest: d}
}

// Wait polls the monitor until the copy is made (opts: Progress, Poll) and
// returns the copy; a copy that failed is an error matching
// o365.ErrOperationFailed.
//
// Graph: GET {monitor URL}
// (https://learn.microsoft.com/graph/long-running-actions-overview).
func (op *CopyOperation) Wait(ctx context.Context, opts *CopyOptions) (*Item, error) {
	wo := &o365.WaitOptions{}
	if opts != nil {
		wo.Poll = opts.Poll
		if opts.Progress != nil {
			wo.Progress = func(s *o365.AsyncOperation) { opts.Progress(s.PercentageComplete) }
		}
	}
	st, err := op.dest.acct.WaitOperation(ctx, op.MonitorURL, wo)
	if err != nil {
		return nil, fmt.Errorf("drive: copy: %w", err)
	}
	if st.ResourceID == "" {
		return nil, errors.New("drive: copy: the monitor reported completion without the copy's id")
	}
	return op.dest.GetItem(ctx, st.ResourceID, nil)
}
