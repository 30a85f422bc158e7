package core

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"slices"
	"testing"
)

func encodeTestImage(t *testing.T, format string, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			// Left half red, right half blue: a crop shows in the result.
			c := color.RGBA{R: 255, A: 255}
			if x >= w/2 {
				c = color.RGBA{B: 255, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&b, img)
	case "jpeg":
		err = jpeg.Encode(&b, img, nil)
	case "gif":
		err = gif.Encode(&b, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestPhotoOf(t *testing.T) {
	for _, f := range []string{"png", "jpeg", "gif"} {
		p, err := PhotoOf(encodeTestImage(t, f, 300, 100))
		if err != nil || p.ContentType != "image/"+f || p.Width != 300 || p.Height != 100 || p.ETag == "" {
			t.Fatalf("%s: %+v, %v", f, p, err)
		}
		// Served sizes stop at the shorter side; the smallest is always there.
		if got := p.Sizes(); !slices.Equal(got, []int{48, 64, 96}) {
			t.Fatalf("%s: sizes %v", f, got)
		}
	}
	for _, bad := range [][]byte{nil, []byte("GIF89a"), []byte("<svg/>"), encodeTestImage(t, "png", 1, 1)[:20]} {
		if _, err := PhotoOf(bad); asError(err).Code != "ErrorInvalidImage" {
			t.Fatalf("PhotoOf(%q) = %v", bad, err)
		}
	}
}

func TestParsePhotoSize(t *testing.T) {
	for in, want := range map[string]int{"48x48": 48, "648X648": 648, "96x96": 96} {
		if got, err := ParsePhotoSize(in); err != nil || got != want {
			t.Fatalf("ParsePhotoSize(%q) = %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "48", "48x64", "50x50", "x", "-1x-1", "1000x1000"} {
		if _, err := ParsePhotoSize(in); asError(err).Code != "ImageNotFound" {
			t.Fatalf("ParsePhotoSize(%q) = %v", in, err)
		}
	}
}

func TestSquareScaled(t *testing.T) {
	src, _, err := image.Decode(bytes.NewReader(encodeTestImage(t, "png", 400, 200)))
	if err != nil {
		t.Fatal(err)
	}
	out := squareScaled(src, 48)
	if b := out.Bounds(); b.Dx() != 48 || b.Dy() != 48 {
		t.Fatalf("bounds %v", b)
	}
	// The centred square of a red|blue image is red on the left and blue on
	// the right.
	left, right := color.RGBAModel.Convert(out.At(2, 24)).(color.RGBA), color.RGBAModel.Convert(out.At(45, 24)).(color.RGBA)
	if left.R < 200 || left.B > 50 || right.B < 200 || right.R > 50 {
		t.Fatalf("left %v right %v", left, right)
	}
}
