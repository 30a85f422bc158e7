package drive

import (
	"bufio"
	"bytes"
	"context"
	"image"
	"image/color"
	_ "image/gif" // decodes GIF images for facets and thumbnails
	"image/jpeg"
	"image/png"
	"net/http"
	"strconv"
	"strings"

	"github.com/o365go/o365/sandbox/internal/core"
)

// thumbSizes are the bounding boxes of Graph's thumbnail sizes.
var thumbSizes = map[string]int{"small": 96, "medium": 176, "large": 800}

// facets computes the facets OneDrive derives from content: an image's
// dimensions.
func facets(ctx context.Context, tx *core.Tx, name, blob string) (map[string]any, error) {
	if !strings.HasPrefix(core.DriveMIMEType(name), "image/") {
		return nil, nil
	}
	r, err := tx.OpenBlob(ctx, blob)
	if err != nil {
		return nil, err
	}
	cfg, _, err := image.DecodeConfig(bufio.NewReader(r))
	if err != nil {
		return nil, nil // not an image after all: no facet, as OneDrive
	}
	return map[string]any{"image": map[string]any{"width": cfg.Width, "height": cfg.Height}}, nil
}

// imageSize reads an item's image facet.
func imageSize(item *core.Object) (w, h int, ok bool) {
	img, _ := item.Data["image"].(map[string]any)
	fw, _ := img["width"].(float64)
	fh, _ := img["height"].(float64)
	if fw <= 0 || fh <= 0 || fw*fh > maxThumbSrc {
		return 0, 0, false
	}
	return int(fw), int(fh), true
}

// fit scales w x h into a box of side edge, never enlarging.
func fit(w, h, edge int) (int, int) {
	if w <= edge && h <= edge {
		return w, h
	}
	if w >= h {
		return edge, max(1, h*edge/w)
	}
	return max(1, w*edge/h), edge
}

// thumbnailSets is an item's thumbnailSet collection: one set ("0") for an
// image, none for other files (the sandbox renders images only).
func (r *req) thumbnailSets(item *core.Object) []map[string]any {
	w, h, ok := imageSize(item)
	if !ok {
		return []map[string]any{}
	}
	set := map[string]any{"id": "0"}
	for name, edge := range thumbSizes {
		tw, th := fit(w, h, edge)
		set[name] = map[string]any{"width": tw, "height": th, "url": r.downloadURL(item, thumbToken(item, name))}
	}
	return []map[string]any{set}
}

// thumbToken is the download token of one thumbnail.
func thumbToken(item *core.Object, size string) dlToken {
	typ, ext := "image/png", ".png"
	if core.DriveMIMEType(core.Str(item.Data, "name")) == "image/jpeg" {
		typ, ext = "image/jpeg", ".jpg"
	}
	return dlToken{Thumb: size, Name: "thumbnail-" + size + ext, Type: typ}
}

// thumbnails answers GET .../thumbnails[/{set}[/{size}[/content]]].
func (r *req) thumbnails(ctx context.Context, rest []string) error {
	if err := r.c.Store().Read(ctx, func(tx *core.Tx) error { return r.need(ctx, tx, nil, core.DriveRoleRead) }); err != nil {
		return err
	}
	sets := r.thumbnailSets(r.item)
	context := r.c.RootURL() + "$metadata#drives('" + r.drive.ID + "')/items('" + r.item.ID + "')/thumbnails"
	if len(rest) == 0 {
		return writeShapedList(r.c, "thumbnailSet", context, sets)
	}
	if rest[0] != "0" || len(sets) == 0 {
		return core.DriveItemNotFound()
	}
	set := sets[0]
	if len(rest) == 1 {
		return writeShaped(r.c, http.StatusOK, "thumbnailSet", context+"/$entity", set)
	}
	size, ok := set[strings.ToLower(rest[1])].(map[string]any)
	if !ok {
		return core.DriveItemNotFound()
	}
	switch {
	case len(rest) == 2:
		return r.c.WriteJSON(http.StatusOK, size)
	case len(rest) == 3 && strings.EqualFold(rest[2], "content"):
		r.c.W.Header().Set("Location", core.Str(size, "url"))
		r.c.W.WriteHeader(http.StatusFound)
		return nil
	}
	return core.BadRequest("Resource not found for the segment '%s'.", rest[len(rest)-1])
}

// serveThumbnail renders a thumbnail of the image in tok's blob.
func serveThumbnail(ctx context.Context, c *core.Call, tok dlToken) error {
	edge, ok := thumbSizes[tok.Thumb]
	if !ok {
		return core.DriveItemNotFound()
	}
	blob, err := c.Store().OpenBlob(ctx, tok.Blob)
	if core.IsNotFound(err) {
		return core.DriveItemNotFound()
	}
	if err != nil {
		return err
	}
	br := bufio.NewReader(blob)
	cfg, _, err := image.DecodeConfig(br)
	if err != nil || cfg.Width*cfg.Height > maxThumbSrc {
		return core.DriveItemNotFound()
	}
	if _, err := blob.Seek(0, 0); err != nil {
		return err
	}
	src, _, err := image.Decode(bufio.NewReader(blob))
	if err != nil {
		return core.DriveItemNotFound()
	}
	w, h := fit(cfg.Width, cfg.Height, edge)
	dst := scale(src, w, h)
	var out bytes.Buffer
	if tok.Type == "image/jpeg" {
		err = jpeg.Encode(&out, dst, &jpeg.Options{Quality: 80})
	} else {
		err = png.Encode(&out, dst)
	}
	if err != nil {
		return err
	}
	c.W.Header().Set("Content-Type", tok.Type)
	c.W.Header().Set("Content-Length", strconv.Itoa(out.Len()))
	c.W.WriteHeader(http.StatusOK)
	_, err = c.W.Write(out.Bytes())
	return err
}

// scale resizes src to w x h by averaging the source pixels under each
// destination pixel.
func scale(src image.Image, w, h int) image.Image {
	b := src.Bounds()
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		y0 := b.Min.Y + y*b.Dy()/h
		y1 := max(y0+1, b.Min.Y+(y+1)*b.Dy()/h)
		for x := range w {
			x0 := b.Min.X + x*b.Dx()/w
			x1 := max(x0+1, b.Min.X+(x+1)*b.Dx()/w)
			var r, g, bl, a, n uint64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					c := color.NRGBAModel.Convert(src.At(sx, sy)).(color.NRGBA)
					r += uint64(c.R)
					g += uint64(c.G)
					bl += uint64(c.B)
					a += uint64(c.A)
					n++
				}
			}
			dst.SetNRGBA(x, y, color.NRGBA{R: uint8(r / n), G: uint8(g / n), B: uint8(bl / n), A: uint8(a / n)})
		}
	}
	return dst
}
