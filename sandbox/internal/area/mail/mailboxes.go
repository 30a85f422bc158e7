package mail

import (
	"context"
	"errors"
	"net/http"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/odata"
)

// mailboxes is the mail area's core.Mailboxes: other areas (the calendar's
// meeting messages) send through the same delivery as sendMail.
type mailboxes struct{}

// Send stores msg as a draft of its sender and delivers it.
func (mailboxes) Send(ctx context.Context, c *core.Call, tx *core.Tx, msg *core.OutgoingMessage) error {
	if msg == nil || msg.From == nil || msg.Message == nil {
		return core.BadRequest("A message needs a sender and a body.")
	}
	if err := checkMessageInput(msg.Message); err != nil {
		return err
	}
	now := c.Now()
	if err := mailboxFolders.Ensure(ctx, tx, msg.From.ID, now); err != nil {
		return err
	}
	doc := newMessageDoc(msg.Message, now, c.Domain(), msg.From.ID)
	// Properties of derived types (eventMessage's) and the sender's
	// internal keys (links) travel as given.
	for k, v := range msg.Message {
		if _, set := doc[k]; !set && v != nil {
			doc[k] = v
		}
	}
	drafts := wellKnownID(msg.From.ID, "drafts")
	doc["parentFolderId"] = drafts
	m := &core.Object{Collection: collMessages, Owner: msg.From.ID, ID: core.NewItemID(msg.From.ID), Parent: drafts, Data: doc}
	m.Sort = messageSort(doc, now)
	nameRecipients(ctx, doc, tx)
	if err := tx.Put(ctx, m); err != nil {
		return err
	}
	return deliverEach(ctx, c, tx, msg.From, m, msg.SaveToSentItems, msg.Each)
}

// Settings returns a user's mailbox settings.
func (mailboxes) Settings(ctx context.Context, c *core.Call, tx *core.Tx, userID string) (map[string]any, error) {
	return loadSettings(ctx, tx, c, userID)
}

// linkedExpander serves $expand of a navigation property another area's
// item fills through a core.Link (an event message's event): null when the
// message has no such link or the item is gone.
func linkedExpander(name string) core.Expander {
	return func(ctx context.Context, c *core.Call, doc map[string]any, _ odata.ExpandItem) (any, error) {
		var link core.Link
		var ok bool
		err := c.Store().Read(ctx, func(tx *core.Tx) error {
			o, err := tx.Get(ctx, collMessages, c.User.ID, core.Str(doc, "id"))
			if err == nil {
				link, ok = core.LinkOf(o.Data, name)
			}
			return err
		})
		if err != nil || !ok {
			return nil, err
		}
		item, err := c.Linked(ctx, link)
		if core.IsNotFound(err) {
			return nil, nil
		}
		var ae *core.Error
		if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
			return nil, nil
		}
		return item, err
	}
}
