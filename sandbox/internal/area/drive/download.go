package drive

import (
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
)

// download serves a pre-authenticated download URL: the bytes of one blob
// (a file's content when the URL was made, a version's), with Range
// answered 206 by http.ServeContent; a PDF rendition; a thumbnail.
func download(ctx context.Context, c *core.Call) error {
	payload, ok := c.VerifyToken("drive.download", c.QueryValue("tempauth"))
	var tok dlToken
	if !ok || json.Unmarshal(payload, &tok) != nil || tok.Drive != c.Param("drive") || tok.Item != c.Param("item") {
		return core.Errorf(http.StatusUnauthorized, "unauthenticated", "The download URL's tempauth is missing or not valid.")
	}
	if c.Now().Unix() >= tok.Expires {
		return core.Errorf(http.StatusUnauthorized, "unauthenticated", "The download URL has expired; ask for the item again for a new one.")
	}
	h := c.W.Header()
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": tok.Name}))
	switch {
	case tok.Format == "pdf":
		return servePDF(ctx, c, tok)
	case tok.Thumb != "":
		return serveThumbnail(ctx, c, tok)
	}
	blob, err := c.Store().OpenBlob(ctx, tok.Blob)
	if core.IsNotFound(err) {
		return core.DriveItemNotFound()
	}
	if err != nil {
		return err
	}
	if tok.Type != "" {
		h.Set("Content-Type", tok.Type)
	}
	// A strong validator of these exact bytes, so If-Range works.
	h.Set("ETag", `"`+blobTag(tok.Blob)+`"`)
	http.ServeContent(c.W, c.R, "", time.Time{}, blob)
	return nil
}

// blobTag is the unique part of a blob id.
func blobTag(blob string) string {
	if i := strings.LastIndexByte(blob, ':'); i >= 0 {
		return blob[i+1:]
	}
	return blob
}
