package core

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // decoders PhotoOf accepts
	"image/jpeg"
	_ "image/png"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/image/draw"
)

// Profile photos of users, groups and contacts: the image a client PUTs,
// checked to be one, stored as a blob with its size, and served whole or at
// the square sizes Graph offers (photos/{size}).

// MaxPhotoBytes caps a photo upload: Graph accepts up to 4 MB.
const MaxPhotoBytes = 4 << 20

// maxPhotoPixels bounds the pixels of a photo decoded to serve a smaller
// size, so that a small file cannot claim a huge canvas.
const maxPhotoPixels = 40_000_000

// PhotoSizes are the square sizes of a user's or group's photo, smallest
// first, as Graph lists them under photos ("48x48" ...).
var PhotoSizes = []int{48, 64, 96, 120, 240, 360, 432, 504, 648}

// photosCollection holds the metadata of stored photos (owner ""; the id is
// the photo's key); the bytes are the blob "photo:{key}".
const photosCollection = "sandbox.photos"

// Photo is a stored photo's metadata.
type Photo struct {
	// ContentType is the image's media type as decoded: image/jpeg,
	// image/png or image/gif.
	ContentType string `json:"contentType"`
	// Width and Height are the image's pixels.
	Width  int `json:"width"`
	Height int `json:"height"`
	// ETag changes with the bytes.
	ETag string `json:"etag"`
	// Size is the length of the image in bytes.
	Size int `json:"size"`
}

// ErrImageNotFound is Graph's answer for a photo that was never set.
func ErrImageNotFound() *Error {
	return Errorf(http.StatusNotFound, "ImageNotFound",
		"Exception of type 'Microsoft.Fast.Profile.Core.Exception.ImageNotFoundException' was thrown.")
}

// ReadPhoto reads the image a client sends to .../photo/$value: an image/*
// Content-Type, or application/octet-stream (what msgraph-sdk-go and the
// other Kiota SDKs send for Photo().Content().Put, as in Graph's own
// snippets; the bytes say what the image is), 415 for anything else; at most
// MaxPhotoBytes (413), a JPEG, PNG or GIF the sandbox can decode (400).
func (c *Call) ReadPhoto() ([]byte, error) {
	ct := c.R.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || !strings.HasPrefix(mt, "image/") && mt != "application/octet-stream" {
		return nil, Errorf(http.StatusUnsupportedMediaType, "UnsupportedMediaType",
			"Content-Type %q is not an image; send the photo as image/jpeg or image/png.", ct)
	}
	data, err := io.ReadAll(http.MaxBytesReader(c.W, c.R.Body, MaxPhotoBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, Errorf(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "Photos are limited to %d bytes.", MaxPhotoBytes)
		}
		return nil, BadRequest("Could not read the photo.")
	}
	if len(data) == 0 {
		return nil, BadRequest("The photo is empty; send the image bytes as the request body.")
	}
	return data, nil
}

// PhotoOf decodes the header of an image: 400 when it is not a JPEG, PNG
// or GIF, or is too large to serve.
func PhotoOf(data []byte) (*Photo, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, Errorf(http.StatusBadRequest, "ErrorInvalidImage", "The photo is not a JPEG, PNG or GIF image.")
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width*cfg.Height > maxPhotoPixels {
		return nil, Errorf(http.StatusBadRequest, "ErrorInvalidImage", "The photo's %dx%d pixels are out of range.", cfg.Width, cfg.Height)
	}
	sum := sha256.Sum256(data)
	return &Photo{ContentType: "image/" + format, Width: cfg.Width, Height: cfg.Height,
		ETag: `W/"` + hex.EncodeToString(sum[:8]) + `"`, Size: len(data)}, nil
}

// PutPhoto stores data as the photo under key ("{area}:..." naming its
// owner, e.g. "contacts:{user}:{contact}"), replacing any other.
func PutPhoto(ctx context.Context, tx *Tx, key string, data []byte) (*Photo, error) {
	p, err := PhotoOf(data)
	if err != nil {
		return nil, err
	}
	if err := tx.DeleteBlob(ctx, "photo:"+key); err != nil {
		return nil, err
	}
	if _, err := tx.WriteBlob(ctx, "photo:"+key, 0, bytes.NewReader(data)); err != nil {
		return nil, err
	}
	doc, err := ToDoc(p)
	if err != nil {
		return nil, err
	}
	return p, tx.Put(ctx, &Object{Collection: photosCollection, ID: key, Data: doc})
}

// GetPhoto loads the metadata of the photo under key; the error wraps
// ErrNotFound when there is none.
func GetPhoto(ctx context.Context, tx *Tx, key string) (*Photo, error) {
	o, err := tx.Get(ctx, photosCollection, "", key)
	if err != nil {
		return nil, err
	}
	var p Photo
	return &p, FromDoc(o.Data, &p)
}

// DeletePhoto removes the photo under key, if there is one.
func DeletePhoto(ctx context.Context, tx *Tx, key string) error {
	if err := tx.Delete(ctx, photosCollection, "", key); err != nil && !IsNotFound(err) {
		return err
	}
	return tx.DeleteBlob(ctx, "photo:"+key)
}

// ParsePhotoSize reads a photos/{size} segment ("48x48", any case): one of
// PhotoSizes, else 404 ImageNotFound as Graph answers.
func ParsePhotoSize(s string) (int, error) {
	w, h, ok := strings.Cut(strings.ToLower(s), "x")
	n, err := strconv.Atoi(w)
	if !ok || err != nil || w != h {
		return 0, ErrImageNotFound()
	}
	for _, size := range PhotoSizes {
		if size == n {
			return n, nil
		}
	}
	return 0, ErrImageNotFound()
}

// Sizes are the square sizes p can be served at: those no larger than its
// shorter side (at least the smallest, which is scaled up).
func (p *Photo) Sizes() []int {
	out := []int{PhotoSizes[0]}
	for _, s := range PhotoSizes[1:] {
		if s <= min(p.Width, p.Height) {
			out = append(out, s)
		}
	}
	return out
}

// Entity is the profilePhoto Graph sends for p at size (0 for the photo
// itself): id "{w}X{h}", width, height and the media annotations.
func (p *Photo) Entity(size int) map[string]any {
	w, h := p.Width, p.Height
	if size > 0 {
		w, h = size, size
	}
	return map[string]any{
		"id": fmt.Sprintf("%dX%d", w, h), "width": w, "height": h,
		"@odata.mediaContentType": p.mediaType(size), "@odata.mediaEtag": p.ETag,
	}
}

func (p *Photo) mediaType(size int) string {
	if size > 0 {
		return "image/jpeg"
	}
	return p.ContentType
}

// ServePhoto answers a .../photo/$value (size 0: the stored image, with
// Range) or .../photos/{size}/$value (the image cropped to a square and
// scaled to size, as JPEG). A missing photo is 404 ImageNotFound.
func (c *Call) ServePhoto(ctx context.Context, key string, size int) error {
	var p *Photo
	err := c.Store().Read(ctx, func(tx *Tx) error {
		var err error
		p, err = GetPhoto(ctx, tx, key)
		return err
	})
	if IsNotFound(err) {
		return ErrImageNotFound()
	}
	if err != nil {
		return err
	}
	b, err := c.Store().OpenBlob(ctx, "photo:"+key)
	if err != nil {
		return err
	}
	c.W.Header().Set("ETag", p.ETag)
	c.W.Header().Set("Content-Type", p.mediaType(size))
	if size == 0 {
		http.ServeContent(c.W, c.R, "", time.Time{}, b)
		return nil
	}
	img, _, err := image.Decode(b)
	if err != nil {
		return fmt.Errorf("sandbox: decode stored photo %s: %w", key, err)
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, squareScaled(img, size), &jpeg.Options{Quality: 90}); err != nil {
		return err
	}
	c.W.Header().Set("Content-Length", strconv.Itoa(out.Len()))
	c.W.WriteHeader(http.StatusOK)
	_, err = c.W.Write(out.Bytes())
	return err
}

// squareScaled crops img to its centred square and scales it to size.
func squareScaled(img image.Image, size int) image.Image {
	b := img.Bounds()
	side := min(b.Dx(), b.Dy())
	crop := image.Rect(0, 0, side, side).Add(image.Pt(b.Min.X+(b.Dx()-side)/2, b.Min.Y+(b.Dy()-side)/2))
	dst := image.NewRGBA(image.Rect(0, 0, size, size))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, crop, draw.Src, nil)
	return dst
}
