package directory

import (
	"context"
	"fmt"
	"io"
	"iter"

	"github.com/o365go/o365"
)

// Photo sizes Graph serves of a user's photo (PhotoSizes), as the size
// argument of the photo methods takes them; "" is the photo as stored.
var PhotoSizes = []string{"48x48", "64x64", "96x96", "120x120", "240x240", "360x360", "432x432", "504x504", "648x648"}

// photoPath is a user's photo, or one of its sizes.
func photoPath(userID, size string, rest ...string) string {
	if size == "" {
		return userPath(userID, append([]string{"photo"}, rest...)...)
	}
	return userPath(userID, append([]string{"photos", size}, rest...)...)
}

// GetPhoto loads the metadata of a user's photo ("" for the photo as
// stored, or one of PhotoSizes); the error matches o365.ErrNotFound when
// the user has none.
//
// Graph: GET /users/{id}/photo (https://learn.microsoft.com/graph/api/profilephoto-get).
func (d *Directory) GetPhoto(ctx context.Context, userID, size string) (*o365.ProfilePhoto, error) {
	p, err := o365.Get[o365.ProfilePhoto](ctx, d.acct, &o365.Request{Path: photoPath(userID, size)})
	if err != nil {
		return nil, fmt.Errorf("directory: photo of %q: %w", userID, err)
	}
	return p, nil
}

// ListPhotoSizes lists the sizes a user's photo is served at.
//
// Graph: GET /users/{id}/photos (https://learn.microsoft.com/graph/api/profilephoto-get).
func (d *Directory) ListPhotoSizes(ctx context.Context, userID string) iter.Seq2[*o365.ProfilePhoto, error] {
	return o365.List[o365.ProfilePhoto](ctx, d.acct, &o365.Request{Path: userPath(userID, "photos")})
}

// DownloadPhoto writes a user's photo ("" as stored, or one of PhotoSizes)
// to w and returns its media type; the error matches o365.ErrNotFound when
// the user has none.
//
// Graph: GET /users/{id}/photo/$value (https://learn.microsoft.com/graph/api/profilephoto-get).
func (d *Directory) DownloadPhoto(ctx context.Context, userID, size string, w io.Writer) (contentType string, err error) {
	ct, err := o365.DownloadPhoto(ctx, d.acct, photoPath(userID, size), w)
	if err != nil {
		return "", fmt.Errorf("directory: photo of %q: %w", userID, err)
	}
	return ct, nil
}

// SetPhoto sets a user's photo: a JPEG, PNG or GIF of at most 4 MB with its
// media type ("image/jpeg").
//
// Graph: PUT /users/{id}/photo/$value (https://learn.microsoft.com/graph/api/profilephoto-update).
func (d *Directory) SetPhoto(ctx context.Context, userID, contentType string, data []byte) error {
	if err := o365.UploadPhoto(ctx, d.acct, photoPath(userID, ""), contentType, data); err != nil {
		return fmt.Errorf("directory: set photo of %q: %w", userID, err)
	}
	return nil
}
