// Package mail works with Outlook mail through Microsoft Graph (or the Office
// 365 REST protocol): mail folders, messages, attachments, MIME, delta sync,
// mailbox settings and bulk operations.
//
// A Mailbox wraps an *o365.Account; every object it returns (Folder, Message,
// Attachment) is bound to it, so a program can write msg.Reply(ctx, "thanks")
// or folder.Messages(ctx, q). The package writes no HTTP of its own: every
// call goes through the account's request path (o365.Account.Do, o365.List,
// Batch, Delta, Upload, Download), which does casing, paging, retries and
// errors.
//
//	mb := mail.New(acct)
//	msg := mb.NewMessage()
//	msg.Subject = "Hello"
//	_ = msg.AddTo("Bob <bob@contoso.com>")
//	err := msg.Send(ctx)
package mail

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"

	"github.com/o365go/o365"
)

// ErrUnbound is returned by methods of objects that were not obtained from a
// Mailbox (a literal &mail.Message{}): they do not know where to send requests.
// Build messages with Mailbox.NewMessage.
var ErrUnbound = errors.New("mail: the object is not bound to a mailbox; create it with Mailbox.NewMessage or load it through a Mailbox")

// ErrFolderNotFound is returned by FolderByName when no folder has the name.
var ErrFolderNotFound = errors.New("mail: folder not found")

// immutablePrefer is the Prefer value asking Outlook for immutable ids.
const immutablePrefer = `IdType="ImmutableId"`

// Mailbox is one user's mail: the signed-in user's ("me", the default) or,
// with o365.WithResource, another user's or a shared mailbox. It is cheap to
// create and safe for concurrent use.
type Mailbox struct {
	acct      *o365.Account
	immutable bool
	textBody  bool
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

// WithResource returns the same mailbox for another resource ("user:x@y.com",
// a bare address, "me").
func (m *Mailbox) WithResource(resource string) *Mailbox {
	c := *m
	c.acct = m.acct.With(o365.WithResource(resource))
	return &c
}

// WithImmutableIDs returns a mailbox whose requests ask for immutable ids
// (Prefer: IdType="ImmutableId"): message and attachment ids that do not
// change when a message moves between folders. Objects it returns keep the
// preference.
func (m *Mailbox) WithImmutableIDs() *Mailbox {
	c := *m
	c.immutable = true
	return &c
}

// WithTextBodies returns a mailbox that asks for message bodies as plain
// text (Prefer: outlook.body-content-type="text"); the service converts HTML.
func (m *Mailbox) WithTextBodies() *Mailbox {
	c := *m
	c.textBody = true
	return &c
}

// request builds a request on the mailbox's resource with its preferences.
func (m *Mailbox) request(method, path string, body any) *o365.Request {
	r := &o365.Request{Method: method, Path: path, Body: body}
	if m.immutable {
		r.Prefer(immutablePrefer)
	}
	if m.textBody {
		r.Prefer(`outlook.body-content-type="text"`)
	}
	return r
}

// do sends a request and decodes the answer into out.
func (m *Mailbox) do(ctx context.Context, method, path string, body, out any) error {
	_, err := m.acct.Do(ctx, m.request(method, path, body), out)
	return err
}

// list returns a bound iterator over a collection.
func list[T any](ctx context.Context, m *Mailbox, path string, q *o365.Query, bind func(*T)) iter.Seq2[*T, error] {
	req := m.request(http.MethodGet, path, nil)
	req.Query = q
	return func(yield func(*T, error) bool) {
		for v, err := range o365.List[T](ctx, m.acct, req) {
			if err != nil {
				yield(nil, err)
				return
			}
			bind(v)
			if !yield(v, nil) {
				return
			}
		}
	}
}

// folderPath is "mailFolders/{id}" with the id escaped.
func folderPath(id string, rest ...string) string {
	return o365.Path(append([]string{"mailFolders", id}, rest...)...)
}

// messagePath is "messages/{id}" with the id escaped.
func messagePath(id string, rest ...string) string {
	return o365.Path(append([]string{"messages", id}, rest...)...)
}

// Folder returns the folder with the given id or well-known name (Inbox,
// SentItems ...) without a request; call Refresh to load its counts.
func (m *Mailbox) Folder(idOrWellKnownName string) *Folder {
	return &Folder{ID: idOrWellKnownName, mb: m}
}

// Inbox returns the inbox folder (no request).
func (m *Mailbox) Inbox() *Folder { return m.Folder(Inbox) }

// DraftsFolder returns the Drafts folder (no request).
func (m *Mailbox) DraftsFolder() *Folder { return m.Folder(Drafts) }

// SentFolder returns the Sent Items folder (no request).
func (m *Mailbox) SentFolder() *Folder { return m.Folder(SentItems) }

// DeletedFolder returns the Deleted Items folder (no request).
func (m *Mailbox) DeletedFolder() *Folder { return m.Folder(DeletedItems) }

// JunkFolder returns the Junk Email folder (no request).
func (m *Mailbox) JunkFolder() *Folder { return m.Folder(JunkEmail) }

// ArchiveFolder returns the Archive folder (no request).
func (m *Mailbox) ArchiveFolder() *Folder { return m.Folder(Archive) }

// OutboxFolder returns the Outbox folder (no request).
func (m *Mailbox) OutboxFolder() *Folder { return m.Folder(Outbox) }

// FolderOption tunes folder listings.
type FolderOption func(*folderConfig)

type folderConfig struct {
	hidden    bool
	recursive bool
}

// IncludeHidden lists hidden folders too (includeHiddenFolders=true).
func IncludeHidden() FolderOption { return func(c *folderConfig) { c.hidden = true } }

// Recursive lists every descendant, depth first, after its parent.
func Recursive() FolderOption { return func(c *folderConfig) { c.recursive = true } }

// Folders lists the top-level folders of the mailbox, page by page; q may
// filter, order and limit them (nil for all).
func (m *Mailbox) Folders(ctx context.Context, q *o365.Query, opts ...FolderOption) iter.Seq2[*Folder, error] {
	return m.folders(ctx, "mailFolders", q, opts)
}

func (m *Mailbox) folders(ctx context.Context, path string, q *o365.Query, opts []FolderOption) iter.Seq2[*Folder, error] {
	var cfg folderConfig
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.hidden {
		// On a copy: the caller's query stays as it was.
		q = q.Clone().Param("includeHiddenFolders", "true")
	}
	return m.folderTree(ctx, path, q, cfg.recursive)
}

// folderTree lists the folders at path, each followed by its descendants
// when recursive.
func (m *Mailbox) folderTree(ctx context.Context, path string, q *o365.Query, recursive bool) iter.Seq2[*Folder, error] {
	bind := func(f *Folder) { f.mb = m }
	return func(yield func(*Folder, error) bool) {
		for f, err := range list(ctx, m, path, q, bind) {
			if !yield(f, err) || err != nil {
				return
			}
			if recursive && f.ChildFolderCount > 0 {
				for c, err := range m.folderTree(ctx, folderPath(f.ID, "childFolders"), q, recursive) {
					if !yield(c, err) || err != nil {
						return
					}
				}
			}
		}
	}
}

// GetFolder loads a folder by id or well-known name.
func (m *Mailbox) GetFolder(ctx context.Context, idOrWellKnownName string) (*Folder, error) {
	var f Folder
	if err := m.do(ctx, http.MethodGet, folderPath(idOrWellKnownName), nil, &f); err != nil {
		return nil, fmt.Errorf("mail: get folder %q: %w", idOrWellKnownName, err)
	}
	f.mb = m
	return &f, nil
}

// FolderByName finds a folder by display name, looking at every level of the
// folder tree (hidden folders included); the error wraps ErrFolderNotFound
// when there is none.
func (m *Mailbox) FolderByName(ctx context.Context, name string) (*Folder, error) {
	for f, err := range m.Folders(ctx, nil, Recursive(), IncludeHidden()) {
		if err != nil {
			return nil, fmt.Errorf("mail: find folder %q: %w", name, err)
		}
		if f.DisplayName == name {
			return f, nil
		}
	}
	return nil, fmt.Errorf("%w: %q", ErrFolderNotFound, name)
}

// CreateFolder creates a top-level folder.
func (m *Mailbox) CreateFolder(ctx context.Context, name string) (*Folder, error) {
	return m.createFolder(ctx, "mailFolders", name, false)
}

// CreateHiddenFolder creates a hidden top-level folder (isHidden can only be
// set at creation).
func (m *Mailbox) CreateHiddenFolder(ctx context.Context, name string) (*Folder, error) {
	return m.createFolder(ctx, "mailFolders", name, true)
}

func (m *Mailbox) createFolder(ctx context.Context, path, name string, hidden bool) (*Folder, error) {
	if name == "" {
		return nil, errors.New("mail: create folder: empty name")
	}
	var f Folder
	if err := m.do(ctx, http.MethodPost, path, &Folder{DisplayName: name, IsHidden: hidden}, &f); err != nil {
		return nil, fmt.Errorf("mail: create folder %q: %w", name, err)
	}
	f.mb = m
	return &f, nil
}
