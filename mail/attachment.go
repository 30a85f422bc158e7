package mail

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"

	"github.com/o365go/o365"
	"github.com/o365go/o365/outlook"
)

// Attachment is a message attachment: a file, an Outlook item (an attached
// message) or a link; see outlook.Attachment, which messages share with
// events and tasks.
type Attachment = outlook.Attachment

// ErrTooLarge is wrapped when an attachment exceeds
// outlook.MaxAttachmentSize.
var ErrTooLarge = outlook.ErrTooLarge

// SafeFileName turns an attachment name chosen by a sender into a file name
// that stays inside the directory it is saved to (see outlook.SafeFileName).
func SafeFileName(name string) string { return outlook.SafeFileName(name) }

// attach adds a pending attachment, or returns the error that made it.
func (msg *Message) attach(a *Attachment, err error) (*Attachment, error) {
	if err != nil {
		return nil, err
	}
	if msg.Account() == nil {
		return nil, ErrUnbound
	}
	msg.Attachments = append(msg.Attachments, a)
	return a, nil
}

// AttachFile attaches the file at path under its base name. The content is
// read when the message is saved or sent, in chunks for large files.
func (msg *Message) AttachFile(path string) (*Attachment, error) {
	return msg.attach(outlook.NewFile(path))
}

// AttachReader attaches size bytes read from r as name. r is read once, when
// the message is saved or sent; an io.ReaderAt (an *os.File) lets an
// interrupted upload resume.
func (msg *Message) AttachReader(name string, r io.Reader, size int64) (*Attachment, error) {
	return msg.attach(outlook.NewReader(name, r, size))
}

// AttachBytes attaches data as name.
func (msg *Message) AttachBytes(name string, data []byte) (*Attachment, error) {
	return msg.attach(outlook.NewBytes(name, data))
}

// AttachInline attaches an image shown in the HTML body where it says
// <img src="cid:contentID">.
func (msg *Message) AttachInline(name, contentID string, data []byte) (*Attachment, error) {
	return msg.attach(outlook.NewInline(name, contentID, data))
}

// AttachItem attaches a message by value (an ItemAttachment), as Outlook
// does when a message is dragged onto another.
func (msg *Message) AttachItem(name string, item *Message) (*Attachment, error) {
	if item == nil {
		return nil, fmt.Errorf("mail: attach item: nil message")
	}
	return msg.attach(outlook.NewItem(name, item, "message"))
}

// ListAttachments lists the message's attachments on the service. With a nil
// q only their metadata is fetched (no contentBytes); pass o365.NewQuery()
// for everything. The attachments are bound under the message, for Download,
// Save and Delete.
//
// Graph: GET /me/messages/{id}/attachments
// (https://learn.microsoft.com/graph/api/message-list-attachments).
func (msg *Message) ListAttachments(ctx context.Context, q *o365.Query) iter.Seq2[*Attachment, error] {
	return outlook.List(ctx, msg, q)
}

// DownloadAttachments saves every attachment of the message into dir (see
// Attachment.DownloadTo) and returns the paths written.
//
// Graph: GET /me/messages/{id}/attachments/{id}/$value
// (https://learn.microsoft.com/graph/api/attachment-get).
func (msg *Message) DownloadAttachments(ctx context.Context, dir string) ([]string, error) {
	var paths []string
	for a, err := range msg.ListAttachments(ctx, nil) {
		if err != nil {
			return paths, fmt.Errorf("mail: attachments of %q: %w", msg.ID, err)
		}
		if a.Kind() == outlook.KindReference {
			continue // a link, no content
		}
		p, err := a.DownloadTo(ctx, dir)
		if err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// ReadAttachedMessage reads an item attachment (or an attached .eml file) as
// a message, by parsing its MIME content. The result is not bound to a
// mailbox.
//
// Graph: GET /me/messages/{id}/attachments/{id}/$value
// (https://learn.microsoft.com/graph/api/attachment-get).
func ReadAttachedMessage(ctx context.Context, a *Attachment) (*Message, error) {
	var buf bytes.Buffer
	if _, err := a.Download(ctx, &buf); err != nil {
		return nil, err
	}
	return ParseMIME(&buf)
}
