package mail

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"
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

	sent        bool // Send succeeded; a second Send is refused
	sentEarlier bool // Send found the message sent by an earlier run
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
	clientID := msg.clientID()
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
		found, err := findClientID(ctx, acct, clientID)
		if err != nil {
			return false, fmt.Errorf("looking for the draft: %w", err)
		}
		if len(found) == 0 {
			return false, nil
		}
		*msg = *found[0]
		return true, nil
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
// takes the moved copy's fields, including its new id (Outlook gives a
// moved message a new id unless immutable ids are asked for).
//
// Move is exactly-once: when its answer is lost, Move looks the message up
// by its immutable id and checks which folder it is in, instead of failing
// for a move that was done. On a mailbox without WithImmutableIDs that
// costs one lookup of the immutable id before the move.
//
// Graph: POST /me/messages/{id}/move
// (https://learn.microsoft.com/graph/api/message-move).
func (msg *Message) Move(ctx context.Context, dest string) error {
	if err := o365.Ready(msg); err != nil {
		return err
	}
	acct := msg.Account()
	stable, err := msg.immutableID(ctx)
	if err != nil {
		return fmt.Errorf("mail: move %q: %w", msg.ID, err)
	}
	var moved Message
	var destID string
	err = o365.Once(ctx, func() error {
		return o365.Call(ctx, msg, http.MethodPost, "move", destination{dest}, &moved)
	}, func() (bool, error) {
		if destID == "" {
			f, err := New(acct).GetFolder(ctx, dest, o365.NewQuery().Select("id"))
			if err != nil {
				return false, fmt.Errorf("looking for the folder: %w", err)
			}
			destID = f.ID
		}
		// The immutable id resolves wherever the message is; the answer
		// carries the id the account asks for.
		m, err := o365.Get[Message](ctx, acct, &o365.Request{Path: messagePath(stable)})
		if err != nil {
			return false, fmt.Errorf("looking for the message: %w", err)
		}
		if m.ParentFolderID != destID {
			return false, nil
		}
		moved = *m
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("mail: move %q: %w", msg.ID, err)
	}
	*msg = moved
	return o365.Bind(msg, acct, messagePath(msg.ID))
}

// immutableID returns an id of the message that does not change when it
// moves: its id on a mailbox that asks for immutable ids, else the one a
// lookup with Prefer: IdType="ImmutableId" returns.
func (msg *Message) immutableID(ctx context.Context) (string, error) {
	if v, ok := msg.Account().Preference("IdType"); ok && strings.EqualFold(v, "ImmutableId") {
		return msg.ID, nil
	}
	var ids struct {
		ID string `json:"id"`
	}
	req := msg.Request(http.MethodGet, "", nil).Prefer(immutablePrefer)
	req.Query = o365.NewQuery().Select("id")
	if _, err := msg.Account().Do(ctx, req, &ids); err != nil {
		return "", err
	}
	return ids.ID, nil
}

// Copy copies the message to a folder and returns the copy.
//
// Copy is exactly-once: it notes the messages of the folder that share the
// message's internetMessageId before copying (one lookup, two when the
// message was loaded without internetMessageId), and when the answer of the
// copy is lost it looks for a new one among them instead of copying twice
// or failing for a copy that was made.
//
// Graph: POST /me/messages/{id}/copy
// (https://learn.microsoft.com/graph/api/message-copy).
func (msg *Message) Copy(ctx context.Context, dest string) (*Message, error) {
	if err := o365.Ready(msg); err != nil {
		return nil, err
	}
	acct := msg.Account()
	wrap := func(err error) error { return fmt.Errorf("mail: copy %q: %w", msg.ID, err) }
	imid := msg.InternetMessageID
	if imid == "" {
		var m struct {
			InternetMessageID string `json:"internetMessageId"`
		}
		req := msg.Request(http.MethodGet, "", nil)
		req.Query = o365.NewQuery().Select("internetMessageId")
		if _, err := acct.Do(ctx, req, &m); err != nil {
			return nil, wrap(err)
		}
		imid = m.InternetMessageID
	}
	// The copies the folder holds: a copy is the message under a new id.
	copies := func(q *o365.Query) ([]*Message, error) {
		q = q.Filter(o365.Eq("internetMessageId", imid))
		return o365.Collect(listMessages(ctx, acct, folderPath(dest, "messages"), q))
	}
	before := map[string]bool{}
	if imid != "" {
		there, err := copies(o365.NewQuery().Select("id"))
		if err != nil {
			return nil, wrap(fmt.Errorf("listing the folder: %w", err))
		}
		for _, m := range there {
			before[m.ID] = true
		}
	}
	var c Message
	err := o365.Once(ctx, func() error {
		return o365.Call(ctx, msg, http.MethodPost, "copy", destination{dest}, &c)
	}, func() (bool, error) {
		if imid == "" {
			return false, errors.New("the message has no internetMessageId to look for its copy by")
		}
		there, err := copies(o365.NewQuery())
		if err != nil {
			return false, fmt.Errorf("looking for the copy: %w", err)
		}
		for _, m := range there {
			if !before[m.ID] {
				c = *m
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		return nil, wrap(err)
	}
	return &c, o365.Bind(&c, acct, messagePath(c.ID))
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
// drafts. Its message part carries the client id, so a response sent or
// created by a request whose answer was lost is found instead of repeated.
type commentBody struct {
	Comment      string           `json:"comment,omitzero"`
	ToRecipients []o365.Recipient `json:"toRecipients,omitzero"`
	Message      responseMessage  `json:"message"`
}

// responseMessage is the message part of a commentBody.
type responseMessage struct {
	SingleValueExtendedProperties []ExtendedProperty `json:"singleValueExtendedProperties"`
}

// withClientID returns b with a message part carrying clientID.
func (b commentBody) withClientID(clientID string) commentBody {
	b.Message.SingleValueExtendedProperties = []ExtendedProperty{{ID: outlook.ClientIDProperty, Value: clientID}}
	return b
}

// Reply sends a reply to the sender with comment above the quoted message.
// Like Send it is exactly-once: the reply carries a client id, and after a
// lost answer Reply looks for it, or replies through a draft (see Send).
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

// respond sends the action (reply, replyAll, forward) exactly once; the
// draft it falls back on is made by its create* twin.
func (msg *Message) respond(ctx context.Context, action string, body commentBody) error {
	if err := o365.Ready(msg); err != nil {
		return err
	}
	clientID := o365.NewClientID()
	body = body.withClientID(clientID)
	post := func() error { return o365.Call(ctx, msg, http.MethodPost, action, body, nil) }
	viaDraft := func() error {
		d, err := msg.createResponse(ctx, "create"+strings.ToUpper(action[:1])+action[1:], body, clientID)
		if err != nil {
			return err
		}
		return d.Send(ctx, nil)
	}
	if _, err := sendConfirmed(ctx, msg.Account(), clientID, post, viaDraft); err != nil {
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
	return msg.createResponse(ctx, "createReply", commentBody{}, o365.NewClientID())
}

// CreateReplyAll creates a reply-all draft (see CreateReply).
//
// Graph: POST /me/messages/{id}/createReplyAll
// (https://learn.microsoft.com/graph/api/message-createreplyall).
func (msg *Message) CreateReplyAll(ctx context.Context) (*Message, error) {
	return msg.createResponse(ctx, "createReplyAll", commentBody{}, o365.NewClientID())
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
	return msg.createResponse(ctx, "createForward", commentBody{ToRecipients: r}, o365.NewClientID())
}

// createResponse creates the response draft of action (createReply ...)
// exactly once: the draft carries clientID, by which it is found after a
// lost answer.
func (msg *Message) createResponse(ctx context.Context, action string, body commentBody, clientID string) (*Message, error) {
	if err := o365.Ready(msg); err != nil {
		return nil, err
	}
	d := &Message{}
	_ = o365.BindNew(d, msg.Account(), "messages")
	if err := createOnce(ctx, d, msg.Path()+"/"+action, body.withClientID(clientID), clientID); err != nil {
		return nil, fmt.Errorf("mail: %s %q: %w", action, msg.ID, err)
	}
	return d, nil
}
