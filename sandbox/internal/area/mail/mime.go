package mail

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"strings"

	"github.com/o365go/o365/sandbox/internal/core"
)

// maxMIMEBody caps a MIME message sent with sendMail.
const maxMIMEBody = 4 << 20

// getMessageMIME answers GET .../messages/{id}/$value: the message as RFC
// 5322, attachments included.
func getMessageMIME(ctx context.Context, c *core.Call) error {
	var m *core.Object
	var atts []*core.Object
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		if m, err = messageInFolder(ctx, c, tx, core.ReadItems); err != nil {
			return err
		}
		atts, err = tx.List(ctx, messageAttachments.Scope(m.Owner, m.ID), false, 0, 0)
		return err
	})
	if err != nil {
		return err
	}
	c.W.Header().Set("Content-Type", "text/plain")
	c.W.WriteHeader(http.StatusOK)
	return core.WriteMIME(ctx, c.W, c.Store(), m.Data, atts)
}

// sendMIME handles sendMail with a base64 MIME body (Content-Type text/plain).
func sendMIME(ctx context.Context, c *core.Call) error {
	raw, err := io.ReadAll(http.MaxBytesReader(c.W, c.R.Body, maxMIMEBody))
	if err != nil {
		return core.Errorf(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "The MIME message is larger than %d bytes.", maxMIMEBody)
	}
	data, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil {
		return core.Errorf(http.StatusBadRequest, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.")
	}
	msg, files, err := core.ParseMIME(data)
	if err != nil {
		return core.Errorf(http.StatusBadRequest, "ErrorMimeContentInvalid", "The MIME content is invalid: %v.", err)
	}
	return sendNew(ctx, c, msg, files, true)
}
