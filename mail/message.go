package mail

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
	"github.com/o365go/o365/outlook"
)

// Extended properties the package sets.
const (
	// PropDeferredSendTime is PidTagDeferredSendTime: the message leaves the
	// Outbox at this UTC time (delayed delivery).
	PropDeferredSendTime = "SystemTime 0x3FEF"
	// PropDeleteAfterSubmit is PidTagDeleteAfterSubmit: no copy is kept in Sent
	// Items once the message is sent. Send sets it on drafts when asked not to
	// save a copy.
	PropDeleteAfterSubmit = "Boolean 0x0E01"
)

// Message is Graph's message resource, and its eventMessage kinds (meeting
// requests, responses and cancellations, whose meeting properties are set
// when MeetingMessageType is). Messages returned by a Mailbox are bound to
// it: Save, Send, Reply, Move ... act where they came from.
//
// Fields are plain values. Save sends only the properties changed since the
// message was loaded; encoding a message gives back everything the service
// sent, properties the struct does not declare included (see o365.Object).
type Message struct {
	o365.Object
	ID                         string           `json:"id,omitzero" o365:"readonly"`
	CreatedDateTime            time.Time        `json:"createdDateTime,omitzero" o365:"readonly"`
	LastModifiedDateTime       time.Time        `json:"lastModifiedDateTime,omitzero" o365:"readonly"`
	ChangeKey                  string           `json:"changeKey,omitzero" o365:"readonly"`
	Categories                 []string         `json:"categories,omitzero"`
	ReceivedDateTime           time.Time        `json:"receivedDateTime,omitzero" o365:"readonly"`
	SentDateTime               time.Time        `json:"sentDateTime,omitzero" o365:"readonly"`
	HasAttachments             bool             `json:"hasAttachments,omitzero" o365:"readonly"`
	InternetMessageID          string           `json:"internetMessageId,omitzero"`
	Subject                    string           `json:"subject,omitzero"`
	BodyPreview                string           `json:"bodyPreview,omitzero" o365:"readonly"`
	Importance                 string           `json:"importance,omitzero"`
	ParentFolderID             string           `json:"parentFolderId,omitzero" o365:"readonly"`
	ConversationID             string           `json:"conversationId,omitzero" o365:"readonly"`
	ConversationIndex          []byte           `json:"conversationIndex,omitzero" o365:"readonly"`
	IsDeliveryReceiptRequested bool             `json:"isDeliveryReceiptRequested,omitzero"`
	IsReadReceiptRequested     bool             `json:"isReadReceiptRequested,omitzero"`
	IsRead                     bool             `json:"isRead,omitzero"`
	IsDraft                    bool             `json:"isDraft,omitzero" o365:"readonly"`
	WebLink                    string           `json:"webLink,omitzero" o365:"readonly"`
	InferenceClassification    string           `json:"inferenceClassification,omitzero"`
	Body                       o365.ItemBody    `json:"body,omitzero"`
	UniqueBody                 o365.ItemBody    `json:"uniqueBody,omitzero" o365:"readonly"`
	Sender                     o365.Recipient   `json:"sender,omitzero"`
	From                       o365.Recipient   `json:"from,omitzero"`
	ToRecipients               []o365.Recipient `json:"toRecipients,omitzero"`
	CcRecipients               []o365.Recipient `json:"ccRecipients,omitzero"`
	BccRecipients              []o365.Recipient `json:"bccRecipients,omitzero"`
	ReplyTo                    []o365.Recipient `json:"replyTo,omitzero"`
	Flag                       *FollowupFlag    `json:"flag,omitzero"`
	// InternetMessageHeaders are returned with $select; custom ones (x-...)
	// can be set only when the message is created (see AddHeader).
	InternetMessageHeaders        []InternetMessageHeader      `json:"internetMessageHeaders,omitzero" o365:"createonly"`
	SingleValueExtendedProperties []ExtendedProperty           `json:"singleValueExtendedProperties,omitzero"`
	MultiValueExtendedProperties  []MultiValueExtendedProperty `json:"multiValueExtendedProperties,omitzero"`
	// Attachments holds the attachments loaded with $expand=attachments, and
	// those added with the Attach methods that Save or Send has not uploaded
	// yet.
	Attachments []*Attachment `json:"attachments,omitzero" o365:"readonly"`

	// The meeting properties of an eventMessage (eventMessageRequest,
	// eventMessageResponse), read-only.

	// MeetingMessageType is "none", "meetingRequest", "meetingCancelled",
	// "meetingAccepted", "meetingTenativelyAccepted" (sic) or
	// "meetingDeclined".
	MeetingMessageType string                    `json:"meetingMessageType,omitzero" o365:"readonly"`
	StartDateTime      *o365.DateTimeTimeZone    `json:"startDateTime,omitzero" o365:"readonly"`
	EndDateTime        *o365.DateTimeTimeZone    `json:"endDateTime,omitzero" o365:"readonly"`
	Location           *o365.Location            `json:"location,omitzero" o365:"readonly"`
	Recurrence         *o365.PatternedRecurrence `json:"recurrence,omitzero" o365:"readonly"`
	// Type is the event's: "singleInstance", "occurrence", "exception" or
	// "seriesMaster".
	Type        string `json:"type,omitzero" o365:"readonly"`
	IsAllDay    bool   `json:"isAllDay,omitzero" o365:"readonly"`
	IsDelegated bool   `json:"isDelegated,omitzero" o365:"readonly"`
	IsOutOfDate bool   `json:"isOutOfDate,omitzero" o365:"readonly"`
	// MeetingRequestType, ResponseRequested, AllowNewTimeProposals and the
	// Previous* properties are a meeting request's.
	MeetingRequestType    string                 `json:"meetingRequestType,omitzero" o365:"readonly"`
	ResponseRequested     bool                   `json:"responseRequested,omitzero" o365:"readonly"`
	AllowNewTimeProposals bool                   `json:"allowNewTimeProposals,omitzero" o365:"readonly"`
	PreviousStartDateTime *o365.DateTimeTimeZone `json:"previousStartDateTime,omitzero" o365:"readonly"`
	PreviousEndDateTime   *o365.DateTimeTimeZone `json:"previousEndDateTime,omitzero" o365:"readonly"`
	PreviousLocation      *o365.Location         `json:"previousLocation,omitzero" o365:"readonly"`
	// ResponseType and ProposedNewTime are a meeting response's.
	ResponseType    string         `json:"responseType,omitzero" o365:"readonly"`
	ProposedNewTime *o365.TimeSlot `json:"proposedNewTime,omitzero" o365:"readonly"`

	sent bool // Send succeeded; a second Send is refused
}

// UnmarshalJSONFrom decodes the message and keeps its JSON (see
// o365.Object).
func (msg *Message) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain Message
	return o365.DecodeObject(d, (*plain)(msg))
}

// MarshalJSON encodes the message as the service sent it, with the
// program's changes (see o365.Object).
func (msg Message) MarshalJSON() ([]byte, error) {
	type plain Message
	return o365.MarshalObject((*plain)(&msg))
}

// ErrAlreadySent is returned by Send for a message it has sent already.
var ErrAlreadySent = errors.New("mail: the message has been sent already")

// NewMessage returns a new, empty message bound to the mailbox. Save creates
// it as a draft; Send sends it.
func (m *Mailbox) NewMessage() *Message {
	msg := &Message{}
	_ = o365.BindNew(msg, m.acct, "messages")
	return msg
}

// Message returns the message with the given id without a request: only its
// ID is set, enough to act on it (Delete, Move, MarkRead, ListAttachments)
// or to Refresh it.
func (m *Mailbox) Message(id string) *Message {
	msg := &Message{ID: id}
	_ = o365.Bind(msg, m.acct, messagePath(id))
	return msg
}

// ListMessages lists messages across the whole mailbox (every folder),
// newest first unless q orders them.
//
// Graph: GET /me/messages
// (https://learn.microsoft.com/graph/api/user-list-messages).
func (m *Mailbox) ListMessages(ctx context.Context, q *o365.Query) iter.Seq2[*Message, error] {
	return listMessages(ctx, m.acct, "messages", q)
}

// listMessages lists the messages at path, bound at messages/{id} wherever
// they were listed from.
func listMessages(ctx context.Context, acct *o365.Account, path string, q *o365.Query) iter.Seq2[*Message, error] {
	return o365.List[Message](ctx, acct, &o365.Request{Path: path, Query: q, Collection: "messages"})
}

// GetMessage loads one message by id; q may $select and $expand (for
// example Expand("attachments")).
//
// Graph: GET /me/messages/{id}
// (https://learn.microsoft.com/graph/api/message-get).
func (m *Mailbox) GetMessage(ctx context.Context, id string, q *o365.Query) (*Message, error) {
	msg, err := o365.Get[Message](ctx, m.acct, &o365.Request{Path: messagePath(id), Query: q})
	if err != nil {
		return nil, fmt.Errorf("mail: get message %q: %w", id, err)
	}
	return msg, nil
}

// Refresh reloads the message from the service, discarding unsaved changes.
//
// Graph: GET /me/messages/{id}
// (https://learn.microsoft.com/graph/api/message-get).
func (msg *Message) Refresh(ctx context.Context) error {
	if err := o365.Refresh(ctx, msg, nil); err != nil {
		return fmt.Errorf("mail: refresh %q: %w", msg.ID, err)
	}
	return nil
}

// SendOptions tune Send; nil means the defaults.
type SendOptions struct {
	// WithoutSentCopy sends without keeping a copy in Sent Items
	// (saveToSentItems: false; on drafts, PidTagDeleteAfterSubmit).
	WithoutSentCopy bool
}

// sendMailBody is the body of sendMail.
type sendMailBody struct {
	Message         map[string]jsontext.Value `json:"message"`
	SaveToSentItems *bool                     `json:"saveToSentItems,omitzero"`
}

// Send sends the message; opts may be nil.
//
// A new message without large attachments is sent with one sendMail call.
// A new message whose attachments do not fit in one request (any above 3 MB,
// or more than 3 MB together) is created as a draft, its attachments are
// uploaded (by upload session above 3 MB, up to outlook.MaxAttachmentSize),
// and the draft is sent. A draft (a message with an id) has its changes
// saved and is sent.
//
// Sending a draft is safe to repeat after a lost answer: when the send
// request fails without a definite refusal, Send checks whether the draft is
// still a draft before sending again, so a message is sent once. A sendMail
// call is not retried after a transport failure (the engine retries POSTs
// only when the answer proves they were not processed): use Save, then Send,
// where exactly-once matters.
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
	noCopy := opts != nil && opts.WithoutSentCopy
	var err error
	if !msg.Exists() && msg.fitsOneRequest() {
		err = msg.sendMail(ctx, noCopy)
	} else {
		if noCopy {
			msg.SetExtendedProperty(PropDeleteAfterSubmit, "true")
		}
		if err = msg.Save(ctx); err == nil {
			err = msg.sendDraft(ctx)
		}
	}
	msg.sent = err == nil
	return err
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

func (msg *Message) sendMail(ctx context.Context, noCopy bool) error {
	body, err := o365.Changes(msg)
	if err != nil {
		return fmt.Errorf("mail: encoding the message: %w", err)
	}
	inlined, err := msg.withAttachments(body, outlook.InlineBudget, true)
	if err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	sb := sendMailBody{Message: body}
	if noCopy {
		f := false
		sb.SaveToSentItems = &f
	}
	if _, err := msg.Account().Do(ctx, &o365.Request{Method: http.MethodPost, Path: "sendMail", Body: sb}, nil); err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	for _, a := range inlined {
		a.Sent(msg.Account().Protocol())
	}
	return nil
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

// Save creates the message as a draft (in Drafts, or the folder of
// Folder.NewMessage) with every field set, or PATCHes only the fields changed
// since it was loaded or last saved; then it uploads pending attachments (by
// upload session above 3 MB).
//
// Creating is safe to repeat after a lost answer: the draft carries an id the
// client chose (outlook.ClientIDProperty), and after an uncertain failure
// Save looks for it before creating again.
//
// Graph: POST /me/messages (https://learn.microsoft.com/graph/api/user-post-messages),
// PATCH /me/messages/{id} (https://learn.microsoft.com/graph/api/message-update).
func (msg *Message) Save(ctx context.Context) error {
	if msg.Account() == nil {
		return ErrUnbound
	}
	// Pending attachments are the program's, not the service's: the answer
	// of a create or update does not list them.
	pending := msg.Attachments
	var err error
	if !msg.Exists() {
		err = msg.create(ctx)
	} else {
		err = o365.Save(ctx, msg)
	}
	if err != nil {
		if msg.Exists() {
			return fmt.Errorf("mail: save %q: %w", msg.ID, err)
		}
		return fmt.Errorf("mail: save new message: %w", err)
	}
	msg.Attachments = pending
	return outlook.UploadPending(ctx, msg, pending)
}

// create POSTs the message with the attachments that fit, exactly once.
func (msg *Message) create(ctx context.Context) error {
	clientID := o365.NewClientID()
	msg.SetExtendedProperty(outlook.ClientIDProperty, clientID)
	body, err := o365.Changes(msg)
	if err != nil {
		return fmt.Errorf("encoding the message: %w", err)
	}
	// Small attachments ride along while they fit; the rest is uploaded after.
	inlined, err := msg.withAttachments(body, outlook.InlineBudget, false)
	if err != nil {
		return err
	}
	if err := createOnce(ctx, msg, msg.Path(), body, clientID); err != nil {
		return err
	}
	for _, a := range inlined {
		a.Sent(msg.Account().Protocol())
	}
	return nil
}

// createOnce POSTs body to path and makes the created message msg's state;
// after an uncertain failure it looks for a message carrying clientID
// before posting again.
func createOnce(ctx context.Context, msg *Message, path string, body any, clientID string) error {
	acct := msg.Account()
	err := o365.Once(ctx, func() error {
		_, err := acct.Do(ctx, &o365.Request{Method: http.MethodPost, Path: path, Body: body}, msg)
		return err
	}, func() (bool, error) {
		q := o365.NewQuery().Filter(outlook.ClientIDFilter(clientID)).Top(1)
		for found, err := range listMessages(ctx, acct, "messages", q) {
			if err != nil {
				return false, fmt.Errorf("looking for the draft: %w", err)
			}
			*msg = *found
			return true, nil
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	return o365.Bind(msg, acct, messagePath(msg.ID))
}

// MarkRead marks the message read (true) or unread (false).
//
// Graph: PATCH /me/messages/{id}
// (https://learn.microsoft.com/graph/api/message-update).
func (msg *Message) MarkRead(ctx context.Context, read bool) error {
	if err := o365.Ready(msg); err != nil {
		return err
	}
	// Only isRead is sent, whatever else was edited; repeating it is
	// harmless, so the engine may retry it.
	req := msg.Request(http.MethodPatch, "", map[string]bool{"isRead": read})
	req.Idempotent = true
	if _, err := msg.Account().Do(ctx, req, nil); err != nil {
		return fmt.Errorf("mail: mark %q: %w", msg.ID, err)
	}
	msg.IsRead = read
	return nil
}

// Move moves the message to a folder (id or well-known name). The message
// takes the moved copy's fields, including its new id.
//
// Graph: POST /me/messages/{id}/move
// (https://learn.microsoft.com/graph/api/message-move).
func (msg *Message) Move(ctx context.Context, dest string) error {
	if err := o365.Call(ctx, msg, http.MethodPost, "move", destination{dest}, msg); err != nil {
		return fmt.Errorf("mail: move %q: %w", msg.ID, err)
	}
	return o365.Bind(msg, msg.Account(), messagePath(msg.ID))
}

// Copy copies the message to a folder and returns the copy.
//
// Graph: POST /me/messages/{id}/copy
// (https://learn.microsoft.com/graph/api/message-copy).
func (msg *Message) Copy(ctx context.Context, dest string) (*Message, error) {
	var c Message
	if err := o365.Call(ctx, msg, http.MethodPost, "copy", destination{dest}, &c); err != nil {
		return nil, fmt.Errorf("mail: copy %q: %w", msg.ID, err)
	}
	return &c, o365.Bind(&c, msg.Account(), messagePath(c.ID))
}

// Delete deletes the message (it goes to Deleted Items on Exchange).
//
// Graph: DELETE /me/messages/{id}
// (https://learn.microsoft.com/graph/api/message-delete).
func (msg *Message) Delete(ctx context.Context) error {
	if err := o365.Delete(ctx, msg); err != nil {
		return fmt.Errorf("mail: delete %q: %w", msg.ID, err)
	}
	return nil
}

// commentBody is the body of reply, replyAll, forward and their create*
// drafts.
type commentBody struct {
	Comment      string           `json:"comment,omitzero"`
	ToRecipients []o365.Recipient `json:"toRecipients,omitzero"`
}

// Reply sends a reply to the sender with comment above the quoted message.
// Like sendMail, the action is not repeated after a transport failure; use
// CreateReply and Send where exactly-once matters.
//
// Graph: POST /me/messages/{id}/reply
// (https://learn.microsoft.com/graph/api/message-reply).
func (msg *Message) Reply(ctx context.Context, comment string) error {
	return msg.respond(ctx, "reply", commentBody{Comment: comment})
}

// ReplyAll sends a reply to the sender and every recipient (see Reply).
//
// Graph: POST /me/messages/{id}/replyAll
// (https://learn.microsoft.com/graph/api/message-replyall).
func (msg *Message) ReplyAll(ctx context.Context, comment string) error {
	return msg.respond(ctx, "replyAll", commentBody{Comment: comment})
}

// Forward forwards the message to addrs with comment (see Reply).
//
// Graph: POST /me/messages/{id}/forward
// (https://learn.microsoft.com/graph/api/message-forward).
func (msg *Message) Forward(ctx context.Context, comment string, to ...string) error {
	r, err := recipients(to)
	if err != nil {
		return fmt.Errorf("mail: forward: %w", err)
	}
	if len(r) == 0 {
		return errors.New("mail: forward: no recipients")
	}
	return msg.respond(ctx, "forward", commentBody{Comment: comment, ToRecipients: r})
}

func (msg *Message) respond(ctx context.Context, action string, body commentBody) error {
	if err := o365.Call(ctx, msg, http.MethodPost, action, body, nil); err != nil {
		return fmt.Errorf("mail: %s %q: %w", action, msg.ID, err)
	}
	return nil
}

// CreateReply creates a reply draft (recipients, "RE:" subject and quoted
// body filled in by the service) to edit and Send.
//
// Graph: POST /me/messages/{id}/createReply
// (https://learn.microsoft.com/graph/api/message-createreply).
func (msg *Message) CreateReply(ctx context.Context) (*Message, error) {
	return msg.createResponse(ctx, "createReply", nil)
}

// CreateReplyAll creates a reply-all draft (see CreateReply).
//
// Graph: POST /me/messages/{id}/createReplyAll
// (https://learn.microsoft.com/graph/api/message-createreplyall).
func (msg *Message) CreateReplyAll(ctx context.Context) (*Message, error) {
	return msg.createResponse(ctx, "createReplyAll", nil)
}

// CreateForward creates a forward draft ("FW:" subject, quoted body) for
// addrs; more recipients can be added before Send.
//
// Graph: POST /me/messages/{id}/createForward
// (https://learn.microsoft.com/graph/api/message-createforward).
func (msg *Message) CreateForward(ctx context.Context, to ...string) (*Message, error) {
	r, err := recipients(to)
	if err != nil {
		return nil, fmt.Errorf("mail: forward: %w", err)
	}
	return msg.createResponse(ctx, "createForward", r)
}

// responseDraftBody is the body of createReply/createForward. The message
// part carries the client id, so a draft created by a request whose answer
// was lost is found instead of created twice.
type responseDraftBody struct {
	Message map[string]any `json:"message"`
}

func (msg *Message) createResponse(ctx context.Context, action string, to []o365.Recipient) (*Message, error) {
	if err := o365.Ready(msg); err != nil {
		return nil, err
	}
	clientID := o365.NewClientID()
	part := map[string]any{
		"singleValueExtendedProperties": []ExtendedProperty{{ID: outlook.ClientIDProperty, Value: clientID}},
	}
	if len(to) > 0 {
		part["toRecipients"] = to
	}
	d := &Message{}
	_ = o365.BindNew(d, msg.Account(), "messages")
	if err := createOnce(ctx, d, msg.Path()+"/"+action, responseDraftBody{Message: part}, clientID); err != nil {
		return nil, fmt.Errorf("mail: %s %q: %w", action, msg.ID, err)
	}
	return d, nil
}
