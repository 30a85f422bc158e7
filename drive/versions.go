package drive

import (
	"context"
	"fmt"
	"io"
	"iter"
	"net/http"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
)

// Version is Graph's driveItemVersion: one version of a file (the current
// one included), bound to it.
type Version struct {
	o365.Object
	// ID is the version's label, "1.0", "2.0" ... on business drives.
	ID                   string            `json:"id,omitzero" o365:"readonly"`
	LastModifiedDateTime time.Time         `json:"lastModifiedDateTime,omitzero" o365:"readonly"`
	LastModifiedBy       *o365.IdentitySet `json:"lastModifiedBy,omitzero" o365:"readonly"`
	Size                 int64             `json:"size,omitzero" o365:"readonly"`
}

// UnmarshalJSONFrom decodes the version and keeps its JSON (see o365.Object).
func (v *Version) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain Version
	return o365.DecodeObject(d, (*plain)(v))
}

// MarshalJSON encodes the version as the service sent it (see o365.Object).
func (v Version) MarshalJSON() ([]byte, error) {
	type plain Version
	return o365.MarshalObject((*plain)(&v))
}

// ListVersions lists the file's versions, newest (the current one) first.
//
// Graph: GET /drives/{drive-id}/items/{id}/versions
// (https://learn.microsoft.com/graph/api/driveitem-list-versions).
func (it *Item) ListVersions(ctx context.Context) iter.Seq2[*Version, error] {
	if err := o365.Ready(it); err != nil {
		return o365.Fail[Version](err)
	}
	p := it.Path() + "/versions"
	return func(yield func(*Version, error) bool) {
		for v, err := range o365.List[Version](ctx, it.Account(), &o365.Request{Path: p, Collection: p}) {
			if err != nil {
				err = fmt.Errorf("drive: versions of %q: %w", it.Name, err)
			}
			if !yield(v, err) || err != nil {
				return
			}
		}
	}
}

// Download streams the version's content to w (opts: Progress, a range).
//
// Graph: GET /drives/{drive-id}/items/{id}/versions/{version-id}/content
// (https://learn.microsoft.com/graph/api/driveitemversion-get-contents).
func (v *Version) Download(ctx context.Context, w io.Writer, opts *DownloadOptions) (int64, error) {
	if err := o365.Ready(v); err != nil {
		return 0, err
	}
	var dopts []o365.DownloadOption
	if opts != nil {
		if opts.Offset > 0 || opts.Length > 0 {
			dopts = append(dopts, o365.DownloadRange(opts.Offset, opts.Length))
		}
		if opts.Progress != nil {
			dopts = append(dopts, o365.DownloadProgress(opts.Progress))
		}
	}
	n, err := v.Account().Download(ctx, v.Request(http.MethodGet, "content", nil), w, dopts...)
	if err != nil {
		return n, fmt.Errorf("drive: download version %s: %w", v.ID, err)
	}
	return n, nil
}

// Restore makes this version's content the file's current one, as a new
// version.
//
// Graph: POST /drives/{drive-id}/items/{id}/versions/{version-id}/restoreVersion
// (https://learn.microsoft.com/graph/api/driveitemversion-restore).
func (v *Version) Restore(ctx context.Context) error {
	if err := o365.Call(ctx, v, http.MethodPost, "restoreVersion", nil, nil); err != nil {
		return fmt.Errorf("drive: restore version %s: %w", v.ID, err)
	}
	return nil
}
