package drive

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
)

// Thumbnail sizes.
const (
	ThumbnailSmall  = "small"
	ThumbnailMedium = "medium"
	ThumbnailLarge  = "large"
)

// ThumbnailSet is Graph's thumbnailSet: an item's thumbnails in each size.
type ThumbnailSet struct {
	o365.Object
	ID     string     `json:"id,omitzero" o365:"readonly"`
	Small  *Thumbnail `json:"small,omitzero" o365:"readonly"`
	Medium *Thumbnail `json:"medium,omitzero" o365:"readonly"`
	Large  *Thumbnail `json:"large,omitzero" o365:"readonly"`
	Source *Thumbnail `json:"source,omitzero" o365:"readonly"`
}

// UnmarshalJSONFrom decodes the set and keeps its JSON (see o365.Object).
func (s *ThumbnailSet) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain ThumbnailSet
	return o365.DecodeObject(d, (*plain)(s))
}

// MarshalJSON encodes the set as the service sent it (see o365.Object).
func (s ThumbnailSet) MarshalJSON() ([]byte, error) {
	type plain ThumbnailSet
	return o365.MarshalObject((*plain)(&s))
}

// Thumbnail is one picture of an item, its size and where to fetch it (a
// pre-authenticated URL).
type Thumbnail struct {
	Width        int    `json:"width,omitzero"`
	Height       int    `json:"height,omitzero"`
	URL          string `json:"url,omitzero"`
	SourceItemID string `json:"sourceItemId,omitzero"`
}

// ListThumbnails returns the item's thumbnail sets (none for a file the
// service draws no picture of).
//
// Graph: GET /drives/{drive-id}/items/{id}/thumbnails
// (https://learn.microsoft.com/graph/api/driveitem-list-thumbnails).
func (it *Item) ListThumbnails(ctx context.Context) ([]*ThumbnailSet, error) {
	if err := o365.Ready(it); err != nil {
		return nil, err
	}
	p := it.Path() + "/thumbnails"
	sets, err := o365.Collect(o365.List[ThumbnailSet](ctx, it.Account(), &o365.Request{Path: p, Collection: p}))
	if err != nil {
		return nil, fmt.Errorf("drive: thumbnails of %q: %w", it.Name, err)
	}
	return sets, nil
}

// DownloadThumbnail streams one thumbnail (set "0", size ThumbnailSmall
// ...) to w.
//
// Graph: GET /drives/{drive-id}/items/{id}/thumbnails/{set}/{size}/content
// (https://learn.microsoft.com/graph/api/driveitem-list-thumbnails).
func (it *Item) DownloadThumbnail(ctx context.Context, set, size string, w io.Writer) (int64, error) {
	if err := o365.Ready(it); err != nil {
		return 0, err
	}
	n, err := it.Account().Download(ctx, it.Request(http.MethodGet, o365.Path("thumbnails", set, size, "content"), nil), w)
	if err != nil {
		return n, fmt.Errorf("drive: thumbnail of %q: %w", it.Name, err)
	}
	return n, nil
}
