// Package mail works with Outlook mail through Microsoft Graph (or the Office
// 365 REST protocol): mail folders, messages, attachments, MIME, delta sync,
// mailbox settings and bulk operations.
//
// A Mailbox wraps an *o365.Account; every object it returns (Folder, Message,
// Attachment) is bound to the account and its own path, so a program can
// write msg.Reply(ctx, "thanks") or folder.ListMessages(ctx, q). Models are
// lossless (encoding one gives back everything the service sent) and Save
// sends only what changed. The package writes no HTTP, paging, change
// tracking or retry rule of its own: every call goes through the root's
// request path (o365.Account.Do, o365.List, o365.Get, o365.Save, Batch,
// Delta, Once, Upload, Download).
//
//	mb := mail.New(acct)
//	msg := mb.NewMessage()
//	msg.Subject = "Hello"
//	_ = msg.AddTo("Bob <bob@contoso.com>")
//	err := msg.Send(ctx, nil)
package mail

import (
	"errors"

	"github.com/o365go/o365"
)

// ErrUnbound is returned by methods of objects that were not obtained from a
// Mailbox (a literal &mail.Message{}): they do not know where to send
// requests. Build messages with Mailbox.NewMessage. It is o365.ErrUnbound.
var ErrUnbound = o365.ErrUnbound

// ErrFolderNotFound is returned by GetFolderByName when no folder has the
// name.
var ErrFolderNotFound = errors.New("mail: folder not found")

// immutablePrefer is the Prefer value asking Outlook for immutable ids.
const immutablePrefer = `IdType="ImmutableId"`

// Mailbox is one user's mail: the signed-in user's ("me", the default) or,
// with o365.WithResource, another user's or a shared mailbox. It is cheap to
// create and safe for concurrent use.
type Mailbox struct {
	acct *o365.Account
}

// New returns the mailbox of acct's resource; opts (such as
// o365.WithResource("user:shared@contoso.com")) apply to a copy of acct.
// An invalid option makes every call of the mailbox fail with its error.
func New(acct *o365.Account, opts ...o365.Option) *Mailbox {
	if len(opts) > 0 {
		acct = acct.With(opts...)
	}
	return &Mailbox{acct: acct}
}

// Account returns the account the mailbox sends its requests through.
func (m *Mailbox) Account() *o365.Account { return m.acct }

// WithImmutableIDs returns a mailbox whose requests ask for immutable ids
// (Prefer: IdType="ImmutableId"): message and attachment ids that do not
// change when a message moves between folders. Objects it returns keep the
// preference.
func (m *Mailbox) WithImmutableIDs() *Mailbox {
	return New(m.acct, o365.WithPrefer(immutablePrefer))
}

// WithTextBodies returns a mailbox that asks for message bodies as plain
// text (Prefer: outlook.body-content-type="text"); the service converts HTML.
func (m *Mailbox) WithTextBodies() *Mailbox {
	return New(m.acct, o365.WithPrefer(`outlook.body-content-type="text"`))
}

// folderPath is "mailFolders/{id}" with the id escaped.
func folderPath(id string, rest ...string) string {
	return o365.Path(append([]string{"mailFolders", id}, rest...)...)
}

// messagePath is "messages/{id}" with the id escaped.
func messagePath(id string) string { return o365.Path("messages", id) }
