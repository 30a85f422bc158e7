package mail

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
	"github.com/o365go/o365/outlook"
)

// SendOptions tune Send; nil means the defaults.
type SendOptions struct {
	// WithoutSentCopy sends without keeping a copy in Sent Items. The
	// message goes through a draft marked PidTagDeleteAfterSubmit: a
	// sendMail call without a copy would leave nothing to find after a lost
	// answer, while a draft that is gone proves it was sent.
	WithoutSentCopy bool
	// ClientID is a key the program chose for this message and keeps across
	// runs (a job id, a hash of what it sends). It makes a rerun safe: Send
	// first looks for a message carrying the key and, when one was sent,
	// sends nothing and returns nil, the message then holding that sent
	// copy (its SentDateTime says when); a draft an earlier run left unsent
	// is deleted and the message sent anew. Without it Send picks a random
	// key, which guards against lost answers within the call. The key is
	// found through the copy in Sent Items, so it cannot be combined with
	// WithoutSentCopy.
	ClientID string
}

// ErrClientIDWithoutCopy is returned by Send for SendOptions that set both
// ClientID and WithoutSentCopy.
var ErrClientIDWithoutCopy = errors.New("mail: send: a ClientID is found again through the copy in Sent Items, so it cannot be combined with WithoutSentCopy")

// sendMailBody is the body of sendMail. saveToSentItems is left to its
// default (true): the copy in Sent Items is what a lost answer is checked
// against, and messages that keep none go through a draft.
type sendMailBody struct {
	Message map[string]jsontext.Value `json:"message"`
}

// Send sends the message; opts may be nil.
//
// A new message without large attachments is sent with one sendMail call.
// A new message whose attachments do not fit in one request (any above 3 MB,
// or more than 3 MB together), or that keeps no copy in Sent Items, is
// created as a draft, its attachments are uploaded (by upload session above
// 3 MB, up to outlook.MaxAttachmentSize), and the draft is sent. A draft (a
// message with an id) has its changes saved and is sent.
//
// Send is exactly-once. Every new message carries an id the client chose
// (outlook.ClientIDProperty; SendOptions.ClientID names it). When the answer
// of sendMail is lost (a connection reset, a 5xx), Send looks for a message
// carrying that id: found, the message was sent and Send returns nil;
// not found, Send goes through a draft with the same id, whose creation is
// found by that id and whose sending is confirmed by the draft ceasing to be
// one. An error is returned only when the service refused (a 4xx, or
// throttling that outlasted the retries) or nothing could be confirmed. The
// lookups need permission to read the mailbox (Mail.Read besides Mail.Send).
//
// Graph: POST /me/sendMail (https://learn.microsoft.com/graph/api/user-sendmail)
// and POST /me/messages/{id}/send
// (https://learn.microsoft.com/graph/api/message-send).
func (msg *Message) Send(ctx context.Context, opts *SendOptions) error {
	if msg.Account() == nil {
		return ErrUnbound
	}
	if msg.sent {
		return ErrAlreadySent
	}
	var o SendOptions
	if opts != nil {
		o = *opts
	}
	if o.ClientID != "" {
		if o.WithoutSentCopy {
			return ErrClientIDWithoutCopy
		}
		if msg.Exists() {
			return fmt.Errorf("mail: send %q: a ClientID is for new messages; a draft is sent once by its own id", msg.ID)
		}
		done, err := msg.sentBefore(ctx, o.ClientID)
		if err != nil || done {
			msg.sent, msg.sentEarlier = done, done
			return err
		}
		msg.SetExtendedProperty(outlook.ClientIDProperty, o.ClientID)
	}
	var err error
	if !msg.Exists() && !o.WithoutSentCopy && msg.fitsOneRequest() {
		err = msg.sendMail(ctx)
	} else {
		if o.WithoutSentCopy {
			msg.SetExtendedProperty(PropDeleteAfterSubmit, "true")
		}
		if err = msg.Save(ctx); err == nil {
			err = msg.sendDraft(ctx)
		}
	}
	msg.sent = err == nil
	return err
}

// AlreadySent reports whether Send sent nothing because the message, with
// its SendOptions.ClientID, had been sent by an earlier run; the message
// then holds that sent copy.
func (msg *Message) AlreadySent() bool { return msg.sentEarlier }

// sentBefore looks for a message carrying clientID, sent by an earlier run:
// found, msg becomes it and sentBefore reports true. A draft left in Drafts
// by a run that did not send it is deleted, so that this run sends afresh.
func (msg *Message) sentBefore(ctx context.Context, clientID string) (bool, error) {
	acct := msg.Account()
	found, err := findClientID(ctx, acct, clientID)
	if err != nil {
		return false, fmt.Errorf("mail: send: looking for a message sent with client id %q: %w", clientID, err)
	}
	var drafts *Folder
	for _, m := range found {
		if m.IsDraft {
			if drafts == nil {
				if drafts, err = New(acct).GetFolder(ctx, Drafts, o365.NewQuery().Select("id")); err != nil {
					return false, fmt.Errorf("mail: send: %w", err)
				}
			}
			if m.ParentFolderID == drafts.ID {
				if err := m.Delete(ctx); err != nil && !errors.Is(err, o365.ErrNotFound) {
					return false, fmt.Errorf("mail: send: deleting the unsent draft of an earlier run: %w", err)
				}
				continue
			}
		}
		// Sent, or submitted (in the Outbox) and on its way.
		*msg = *m
		return true, nil
	}
	return false, nil
}

// fitsOneRequest reports whether the pending attachments can travel inside
// the message JSON.
func (msg *Message) fitsOneRequest() bool {
	var total int64
	for _, a := range msg.Attachments {
		if a.Pending() {
			if a.Kind() == outlook.KindItem {
				return false
			}
			total += a.Len() * 4 / 3
		}
	}
	return total <= outlook.InlineBudget
}

// withAttachments adds the pending attachments that fit in budget to a
// creation body and returns the ones added.
func (msg *Message) withAttachments(body map[string]jsontext.Value, budget int64, all bool) ([]*Attachment, error) {
	p := msg.Account().Protocol()
	var inlined []*Attachment
	var atts []jsontext.Value
	for _, a := range msg.Attachments {
		if !a.Pending() {
			continue
		}
		n := a.Len() * 4 / 3
		if !all && ((a.Kind() != outlook.KindItem && a.Len() >= outlook.SessionThreshold) || n > budget) {
			continue
		}
		raw, err := a.InlineJSON(p)
		if err != nil {
			return nil, err
		}
		budget -= n
		atts = append(atts, raw)
		inlined = append(inlined, a)
	}
	if len(atts) > 0 {
		enc, err := o365.EncodeJSON(atts)
		if err != nil {
			return nil, err
		}
		body["attachments"] = enc
	}
	return inlined, nil
}

// clientID returns the message's client id, choosing one first if it has
// none.
func (msg *Message) clientID() string {
	id := msg.ExtendedProperty(outlook.ClientIDProperty)
	if id == "" {
		id = o365.NewClientID()
		msg.SetExtendedProperty(outlook.ClientIDProperty, id)
	}
	return id
}

// sendMail sends a new message with one sendMail call; after a lost answer
// it confirms by the client id, or sends through a draft (see Send).
func (msg *Message) sendMail(ctx context.Context) error {
	acct := msg.Account()
	clientID := msg.clientID()
	body, err := o365.Changes(msg)
	if err != nil {
		return fmt.Errorf("mail: encoding the message: %w", err)
	}
	inlined, err := msg.withAttachments(body, outlook.InlineBudget, true)
	if err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	post := func() error {
		_, err := acct.Do(ctx, &o365.Request{Method: http.MethodPost, Path: "sendMail", Body: sendMailBody{Message: body}}, nil)
		return err
	}
	viaDraft := func() error {
		if err := msg.Save(ctx); err != nil {
			return err
		}
		return msg.sendDraft(ctx)
	}
	found, err := sendConfirmed(ctx, acct, clientID, post, viaDraft)
	if err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	if found != nil {
		*msg = *found
		return nil
	}
	for _, a := range inlined {
		a.Sent(acct.Protocol())
	}
	return nil
}

// sendLookups are the waits before each look for a message whose sending
// answer was lost: Exchange submits asynchronously, so an accepted message
// may take a moment to show up.
var sendLookups = []time.Duration{250 * time.Millisecond, time.Second}

// sendConfirmed runs post, an action that sends a message carrying clientID
// (sendMail, reply, replyAll, forward). When post fails with an answer that
// may hide work done, it looks for a message carrying clientID: found, the
// message was sent and is returned; not found, viaDraft sends it again
// through a draft carrying the same id, each of whose steps can be checked.
func sendConfirmed(ctx context.Context, acct *o365.Account, clientID string, post, viaDraft func() error) (*Message, error) {
	err := post()
	if err == nil || o365.NotProcessed(err) || ctx.Err() != nil {
		return nil, err
	}
	for _, wait := range sendLookups {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (and looking for the message: %v)", err, ctx.Err())
		case <-time.After(wait):
		}
		found, ferr := findClientID(ctx, acct, clientID)
		if ferr != nil {
			return nil, fmt.Errorf("%w (and looking for the message: %v)", err, ferr)
		}
		if len(found) > 0 {
			// sendMail and the reply actions create the message only as
			// they send it: whatever its state, it was sent.
			return found[0], nil
		}
	}
	return nil, viaDraft()
}

// findClientID returns the messages of acct's mailbox, in any folder, that
// carry clientID (outlook.ClientIDProperty); at most a few.
func findClientID(ctx context.Context, acct *o365.Account, clientID string) ([]*Message, error) {
	q := o365.NewQuery().Filter(outlook.ClientIDFilter(clientID)).Top(10).Limit(10)
	return o365.Collect(listMessages(ctx, acct, "messages", q))
}

// sendSettle is how long Send waits after an uncertain failure before
// checking whether the draft was sent.
const sendSettle = 250 * time.Millisecond

// sendDraft POSTs /send; after an uncertain failure it looks at the draft:
// gone or no longer a draft means it was sent.
func (msg *Message) sendDraft(ctx context.Context) error {
	sent := func() (bool, error) {
		// Exchange submits asynchronously: give an accepted send a moment to
		// move the draft before looking.
		select {
		case <-ctx.Done():
			return false, fmt.Errorf("checking whether it was sent: %w", ctx.Err())
		case <-time.After(sendSettle):
		}
		var st struct {
			IsDraft bool `json:"isDraft"`
		}
		req := msg.Request(http.MethodGet, "", nil)
		req.Query = o365.NewQuery().Select("isDraft")
		if _, err := msg.Account().Do(ctx, req, &st); err != nil {
			if errors.Is(err, o365.ErrNotFound) {
				return true, nil // sent and moved away
			}
			return false, fmt.Errorf("checking whether it was sent: %w", err)
		}
		return !st.IsDraft, nil
	}
	err := o365.Once(ctx, func() error {
		return o365.Call(ctx, msg, http.MethodPost, "send", nil, nil)
	}, sent)
	if err != nil {
		return fmt.Errorf("mail: send %q: %w", msg.ID, err)
	}
	msg.IsDraft = false
	return nil
}
