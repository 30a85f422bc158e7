package mail

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/o365go/o365"
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
	// propClientID is a named string property (PS_PUBLIC_STRINGS) holding an
	// id the client chose, so a draft whose creation answer was lost can be
	// found again instead of being created twice.
	propClientID = "String {00020329-0000-0000-C000-000000000046} Name o365go.clientId"
)

// Message is Graph's message resource. Messages returned by a Mailbox are bound
// to it: Save, Send, Reply, Move ... act on the mailbox they came from.
// Fields are plain values; Save sends only the fields changed since the
// message was loaded.
type Message struct {
	ID                            string                       `json:"id,omitempty"`
	CreatedDateTime               time.Time                    `json:"createdDateTime,omitzero"`
	LastModifiedDateTime          time.Time                    `json:"lastModifiedDateTime,omitzero"`
	ChangeKey                     string                       `json:"changeKey,omitempty"`
	Categories                    []string                     `json:"categories,omitempty"`
	ReceivedDateTime              time.Time                    `json:"receivedDateTime,omitzero"`
	SentDateTime                  time.Time                    `json:"sentDateTime,omitzero"`
	HasAttachments                bool                         `json:"hasAttachments,omitempty"`
	InternetMessageID             string                       `json:"internetMessageId,omitempty"`
	Subject                       string                       `json:"subject,omitempty"`
	BodyPreview                   string                       `json:"bodyPreview,omitempty"`
	Importance                    string                       `json:"importance,omitempty"`
	ParentFolderID                string                       `json:"parentFolderId,omitempty"`
	ConversationID                string                       `json:"conversationId,omitempty"`
	IsDeliveryReceiptRequested    bool                         `json:"isDeliveryReceiptRequested,omitempty"`
	IsReadReceiptRequested        bool                         `json:"isReadReceiptRequested,omitempty"`
	IsRead                        bool                         `json:"isRead,omitempty"`
	IsDraft                       bool                         `json:"isDraft,omitempty"`
	WebLink                       string                       `json:"webLink,omitempty"`
	InferenceClassification       string                       `json:"inferenceClassification,omitempty"`
	Body                          o365.ItemBody                `json:"body,omitzero"`
	UniqueBody                    o365.ItemBody                `json:"uniqueBody,omitzero"`
	Sender                        o365.Recipient               `json:"sender,omitzero"`
	From                          o365.Recipient               `json:"from,omitzero"`
	ToRecipients                  []o365.Recipient             `json:"toRecipients,omitempty"`
	CcRecipients                  []o365.Recipient             `json:"ccRecipients,omitempty"`
	BccRecipients                 []o365.Recipient             `json:"bccRecipients,omitempty"`
	ReplyTo                       []o365.Recipient             `json:"replyTo,omitempty"`
	Flag                          *FollowupFlag                `json:"flag,omitempty"`
	InternetMessageHeaders        []InternetMessageHeader      `json:"internetMessageHeaders,omitempty"`
	SingleValueExtendedProperties []ExtendedProperty           `json:"singleValueExtendedProperties,omitempty"`
	MultiValueExtendedProperties  []MultiValueExtendedProperty `json:"multiValueExtendedProperties,omitempty"`
	// Attachments holds the attachments loaded with $expand=attachments or by
	// LoadAttachments, and those added with the Attach methods that Save or
	// Send has not uploaded yet.
	Attachments []*Attachment `json:"attachments,omitempty"`

	mb     *Mailbox
	orig   *Message // the writable state when loaded or last saved
	folder string   // where Save creates a new message; "" means Drafts
	sent   bool     // Send succeeded; a second Send is refused
}

// ErrAlreadySent is returned by Send for a message it has sent already.
var ErrAlreadySent = errors.New("mail: the message has been sent already")

// NewMessage returns a new, empty message bound to the mailbox. Save creates
// it as a draft; Send sends it.
func (m *Mailbox) NewMessage() *Message {
	return &Message{mb: m}
}

// Mailbox returns the mailbox the message belongs to (nil when unbound).
func (msg *Message) Mailbox() *Mailbox { return msg.mb }

// WithResource returns a copy of the message bound to the same mailbox on
// another resource (for a message that lives in a shared mailbox).
func (msg *Message) WithResource(resource string) *Message {
	c := *msg
	if msg.mb != nil {
		c.mb = msg.mb.WithResource(resource)
	}
	return &c
}

// bind ties a decoded message (and its attachments) to m and records the
// state Save compares against.
func (msg *Message) bind(m *Mailbox) {
	msg.mb = m
	for _, a := range msg.Attachments {
		a.msg = msg
	}
	msg.orig = msg.snapshot()
}

// snapshot copies the writable state (the properties a client may set, which
// Save compares), deep enough that edits to msg's slices and flag do not
// reach it.
func (msg *Message) snapshot() *Message {
	return &Message{
		Categories:                    slices.Clone(msg.Categories),
		Subject:                       msg.Subject,
		Importance:                    msg.Importance,
		IsDeliveryReceiptRequested:    msg.IsDeliveryReceiptRequested,
		IsReadReceiptRequested:        msg.IsReadReceiptRequested,
		IsRead:                        msg.IsRead,
		InferenceClassification:       msg.InferenceClassification,
		Body:                          msg.Body,
		Sender:                        msg.Sender,
		From:                          msg.From,
		ToRecipients:                  slices.Clone(msg.ToRecipients),
		CcRecipients:                  slices.Clone(msg.CcRecipients),
		BccRecipients:                 slices.Clone(msg.BccRecipients),
		ReplyTo:                       slices.Clone(msg.ReplyTo),
		Flag:                          cloneFlag(msg.Flag),
		InternetMessageHeaders:        slices.Clone(msg.InternetMessageHeaders),
		SingleValueExtendedProperties: slices.Clone(msg.SingleValueExtendedProperties),
		MultiValueExtendedProperties:  slices.Clone(msg.MultiValueExtendedProperties),
	}
}

func cloneFlag(f *FollowupFlag) *FollowupFlag {
	if f == nil {
		return nil
	}
	c := *f
	return &c
}

// fields marshals the writable properties of msg, keyed by JSON name.
func (msg *Message) fields() (map[string]json.RawMessage, error) {
	return encodeFields(msg.snapshot())
}

// encodeFields marshals a snapshot, keyed by JSON name: the read-only
// properties are zero in a snapshot, so omitempty leaves them out.
func encodeFields(snap *Message) (map[string]json.RawMessage, error) {
	raw, err := json.Marshal(snap)
	if err != nil {
		return nil, err
	}
	var out map[string]json.RawMessage
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Changes returns the properties Save would PATCH: those whose value differs
// from when the message was loaded or last saved. A property that was set and
// is now empty is sent as its empty value (false, "", [] or null).
func (msg *Message) Changes() (map[string]json.RawMessage, error) {
	now, err := msg.fields()
	if err != nil {
		return nil, fmt.Errorf("mail: encoding the message: %w", err)
	}
	if msg.orig == nil {
		return now, nil
	}
	before, err := encodeFields(msg.orig)
	if err != nil {
		return nil, fmt.Errorf("mail: encoding the message: %w", err)
	}
	patch := map[string]json.RawMessage{}
	for k, v := range now {
		if !bytes.Equal(v, before[k]) {
			patch[k] = v
		}
	}
	for k, v := range before {
		if _, ok := now[k]; !ok {
			patch[k] = emptyLike(v)
		}
	}
	return patch, nil
}

// emptyLike is the JSON empty value of the kind of v.
func emptyLike(v json.RawMessage) json.RawMessage {
	switch bytes.TrimSpace(v)[0] {
	case 't', 'f':
		return json.RawMessage("false")
	case '"':
		return json.RawMessage(`""`)
	case '[':
		return json.RawMessage("[]")
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return json.RawMessage("0")
	}
	return json.RawMessage("null")
}

func (msg *Message) bound() error {
	if msg == nil || msg.mb == nil {
		return ErrUnbound
	}
	return nil
}

func (msg *Message) needID() error {
	if err := msg.bound(); err != nil {
		return err
	}
	if msg.ID == "" {
		return errors.New("mail: the message has not been saved yet (no id)")
	}
	return nil
}

// Messages lists messages across the whole mailbox (every folder), newest
// first unless q orders them.
func (m *Mailbox) Messages(ctx context.Context, q *o365.Query) iter.Seq2[*Message, error] {
	return m.listMessages(ctx, "messages", q)
}

func (m *Mailbox) listMessages(ctx context.Context, path string, q *o365.Query) iter.Seq2[*Message, error] {
	return list(ctx, m, path, q, func(msg *Message) { msg.bind(m) })
}

// Message loads one message by id; q may $select and $expand (for example
// Expand("attachments")).
func (m *Mailbox) Message(ctx context.Context, id string, q *o365.Query) (*Message, error) {
	req := m.request(http.MethodGet, messagePath(id), nil)
	req.Query = q
	var msg Message
	if _, err := m.acct.Do(ctx, req, &msg); err != nil {
		return nil, fmt.Errorf("mail: get message %q: %w", id, err)
	}
	msg.bind(m)
	return &msg, nil
}

// Refresh reloads the message from the service, discarding unsaved changes.
func (msg *Message) Refresh(ctx context.Context) error {
	if err := msg.needID(); err != nil {
		return err
	}
	fresh, err := msg.mb.Message(ctx, msg.ID, nil)
	if err != nil {
		return err
	}
	fresh.folder = msg.folder
	*msg = *fresh
	return nil
}

// recipients parses addresses written as "a@b.c" or "Name <a@b.c>".
func recipients(addrs []string) ([]o365.Recipient, error) {
	var out []o365.Recipient
	for _, a := range addrs {
		// One argument may hold a comma-separated list, as a header does.
		list, err := ParseAddressList(a)
		if err != nil {
			return nil, err
		}
		for _, e := range list {
			out = append(out, o365.Recipient{EmailAddress: e})
		}
	}
	return out, nil
}

// AddTo adds To recipients: "a@b.c", "Name <a@b.c>" or comma-separated lists
// of them. Append to ToRecipients directly to add structs.
func (msg *Message) AddTo(addrs ...string) error {
	r, err := recipients(addrs)
	if err != nil {
		return fmt.Errorf("mail: to: %w", err)
	}
	msg.ToRecipients = append(msg.ToRecipients, r...)
	return nil
}

// AddCc adds Cc recipients (see AddTo).
func (msg *Message) AddCc(addrs ...string) error {
	r, err := recipients(addrs)
	if err != nil {
		return fmt.Errorf("mail: cc: %w", err)
	}
	msg.CcRecipients = append(msg.CcRecipients, r...)
	return nil
}

// AddBcc adds Bcc recipients (see AddTo).
func (msg *Message) AddBcc(addrs ...string) error {
	r, err := recipients(addrs)
	if err != nil {
		return fmt.Errorf("mail: bcc: %w", err)
	}
	msg.BccRecipients = append(msg.BccRecipients, r...)
	return nil
}

// AddReplyTo adds Reply-To addresses (see AddTo).
func (msg *Message) AddReplyTo(addrs ...string) error {
	r, err := recipients(addrs)
	if err != nil {
		return fmt.Errorf("mail: reply-to: %w", err)
	}
	msg.ReplyTo = append(msg.ReplyTo, r...)
	return nil
}

// SetFrom sets the From address, to send as (or on behalf of) another
// mailbox, such as a shared one the user may send as.
func (msg *Message) SetFrom(addr string) error {
	a, err := o365.ParseAddress(addr)
	if err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	msg.From = o365.Recipient{EmailAddress: a}
	return nil
}

// SetText sets a plain-text body.
func (msg *Message) SetText(text string) {
	msg.Body = o365.ItemBody{ContentType: o365.ContentText, Content: text}
}

// SetHTML sets an HTML body; inline images are referenced as
// <img src="cid:CONTENT-ID"> (see AttachInline).
func (msg *Message) SetHTML(html string) {
	msg.Body = o365.ItemBody{ContentType: o365.ContentHTML, Content: html}
}

// AddCategory adds a category unless the message has it already.
func (msg *Message) AddCategory(name string) {
	if !slices.Contains(msg.Categories, name) {
		msg.Categories = append(msg.Categories, name)
	}
}

// SetFlag flags the message for follow-up; zero times are left out.
func (msg *Message) SetFlag(start, due time.Time) {
	f := &FollowupFlag{FlagStatus: FlagFlagged}
	if !start.IsZero() {
		d := o365.NewDateTimeTimeZone(start)
		f.StartDateTime = &d
	}
	if !due.IsZero() {
		d := o365.NewDateTimeTimeZone(due)
		f.DueDateTime = &d
	}
	msg.Flag = f
}

// CompleteFlag marks the follow-up done at the given time (now when zero),
// keeping the flag's start and due dates.
func (msg *Message) CompleteFlag(at time.Time) {
	if at.IsZero() {
		at = time.Now()
	}
	f := cloneFlag(msg.Flag)
	if f == nil {
		f = &FollowupFlag{}
	}
	f.FlagStatus = FlagComplete
	d := o365.NewDateTimeTimeZone(at)
	f.CompletedDateTime = &d
	msg.Flag = f
}

// ClearFlag removes the follow-up flag.
func (msg *Message) ClearFlag() {
	msg.Flag = &FollowupFlag{FlagStatus: FlagNotFlagged}
}

// ErrHeaderName is wrapped by AddHeader's error for a name Graph refuses.
var ErrHeaderName = errors.New("mail: custom internet message headers must start with x- or X- and hold only printable ASCII without ':'")

// AddHeader adds a custom internet message header. Graph only accepts
// headers whose name starts with "x-".
func (msg *Message) AddHeader(name, value string) error {
	if err := checkHeader(name, value); err != nil {
		return err
	}
	msg.InternetMessageHeaders = append(msg.InternetMessageHeaders, InternetMessageHeader{Name: name, Value: value})
	return nil
}

func checkHeader(name, value string) error {
	if len(name) < 3 || !strings.EqualFold(name[:2], "x-") {
		return fmt.Errorf("%w: %q", ErrHeaderName, name)
	}
	for _, c := range name {
		if c <= ' ' || c > '~' || c == ':' {
			return fmt.Errorf("%w: %q", ErrHeaderName, name)
		}
	}
	if strings.ContainsAny(value, "\r\n") {
		return fmt.Errorf("mail: header %q: the value holds a line break", name)
	}
	return nil
}

// Header returns the value of an internet message header (case-insensitive
// name), loaded with Select("internetMessageHeaders"), or "".
func (msg *Message) Header(name string) string {
	for _, h := range msg.InternetMessageHeaders {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// SetExtendedProperty sets a single-value extended property, replacing one
// with the same id.
func (msg *Message) SetExtendedProperty(id, value string) {
	for i, p := range msg.SingleValueExtendedProperties {
		if strings.EqualFold(p.ID, id) {
			msg.SingleValueExtendedProperties[i].Value = value
			return
		}
	}
	msg.SingleValueExtendedProperties = append(msg.SingleValueExtendedProperties, ExtendedProperty{ID: id, Value: value})
}

// ExtendedProperty returns the value of a single-value extended property
// (loaded with $expand=singleValueExtendedProperties(...)), or "".
func (msg *Message) ExtendedProperty(id string) string {
	for _, p := range msg.SingleValueExtendedProperties {
		if strings.EqualFold(p.ID, id) {
			return p.Value
		}
	}
	return ""
}

// DeferUntil delays delivery: the message stays in the Outbox until t
// (PidTagDeferredSendTime).
func (msg *Message) DeferUntil(t time.Time) {
	msg.SetExtendedProperty(PropDeferredSendTime, t.UTC().Format(time.RFC3339))
}

// SendOption tunes Send.
type SendOption func(*sendConfig)

type sendConfig struct {
	noSentCopy bool
}

// WithoutSentCopy sends without keeping a copy in Sent Items
// (saveToSentItems: false; on drafts, PidTagDeleteAfterSubmit).
func WithoutSentCopy() SendOption { return func(c *sendConfig) { c.noSentCopy = true } }

// sendMailBody is the body of sendMail.
type sendMailBody struct {
	Message         map[string]json.RawMessage `json:"message"`
	SaveToSentItems *bool                      `json:"saveToSentItems,omitempty"`
}

// Send sends the message.
//
// A new message without large attachments is sent with one sendMail call.
// A new message whose attachments do not fit in one request (any above 3 MB,
// or more than 3 MB together) is created as a draft, its attachments are
// uploaded (by upload session above 3 MB, up to the protocol's
// MaxAttachmentSize), and the draft is sent. A draft (a message with an id)
// has its changes saved and is sent.
//
// Sending a draft is safe to repeat after a lost answer: when the send
// request fails without a definite refusal, Send checks whether the draft is
// still a draft before sending again, so a message is sent once. A sendMail
// call is not retried after a transport failure (the engine retries POSTs
// only when the answer proves they were not processed): use Save, then Send,
// where exactly-once matters.
func (msg *Message) Send(ctx context.Context, opts ...SendOption) error {
	if err := msg.bound(); err != nil {
		return err
	}
	if msg.sent {
		return ErrAlreadySent
	}
	var cfg sendConfig
	for _, o := range opts {
		o(&cfg)
	}
	var err error
	if msg.ID == "" && msg.fitsOneRequest() {
		err = msg.sendMail(ctx, cfg)
	} else {
		if cfg.noSentCopy {
			msg.SetExtendedProperty(PropDeleteAfterSubmit, "true")
		}
		if err = msg.Save(ctx); err == nil {
			err = msg.sendDraft(ctx)
		}
	}
	msg.sent = err == nil
	return err
}

// inlineBudget is how much attachment content goes inside one request;
// Graph caps a request at 4 MB and base64 adds a third.
const inlineBudget = 3 << 20

// fitsOneRequest reports whether the pending attachments can travel inside
// the message JSON.
func (msg *Message) fitsOneRequest() bool {
	var total int64
	for _, a := range msg.Attachments {
		if a.pending() {
			if a.kind() == "item" {
				return false
			}
			total += a.size() * 4 / 3
		}
	}
	return total <= inlineBudget
}

func (msg *Message) sendMail(ctx context.Context, cfg sendConfig) error {
	body, err := msg.fields()
	if err != nil {
		return fmt.Errorf("mail: encoding the message: %w", err)
	}
	var atts []json.RawMessage
	for _, a := range msg.Attachments {
		if !a.pending() {
			continue
		}
		raw, err := a.inlineJSON(msg.mb.acct.Protocol())
		if err != nil {
			return fmt.Errorf("mail: send: %w", err)
		}
		atts = append(atts, raw)
	}
	if len(atts) > 0 {
		if body["attachments"], err = json.Marshal(atts); err != nil {
			return err
		}
	}
	sb := sendMailBody{Message: body}
	if cfg.noSentCopy {
		f := false
		sb.SaveToSentItems = &f
	}
	if err := msg.mb.do(ctx, http.MethodPost, "sendMail", sb, nil); err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	for _, a := range msg.Attachments {
		a.src = nil
	}
	return nil
}

// definite reports whether err proves the service did not do a request: an
// answer the engine also takes as proof (429, or 503 with Retry-After, which
// it has retried already within the account's RetryPolicy), or another
// client error (a 4xx other than 408). Anything else (a transport failure,
// a 5xx) may hide work done.
func definite(err error) bool {
	var apiErr *o365.Error
	if !errors.As(err, &apiErr) {
		return false
	}
	s := apiErr.StatusCode
	return (s >= 400 && s < 500 && s != http.StatusRequestTimeout) ||
		(s == http.StatusServiceUnavailable && apiErr.Header.Get("Retry-After") != "")
}

// maxUncertain bounds how often an uncertain action is checked and repeated.
const maxUncertain = 4

// once runs an action whose answer may be lost, such as a POST the engine
// does not repeat after a transport failure. After a failure that is not
// definite, done (when set) looks for the action's effect: when it finds
// it, the lost answer was a success; otherwise the action is tried again,
// at most maxUncertain times in all. An error of done says what it was
// doing ("looking for the draft: ...").
func once(ctx context.Context, try func() error, done func() (bool, error)) error {
	var err error
	for range maxUncertain {
		if err = try(); err == nil || definite(err) || ctx.Err() != nil {
			return err
		}
		if done == nil {
			continue
		}
		found, derr := done()
		if derr != nil {
			return fmt.Errorf("%w (and %v)", err, derr)
		}
		if found {
			return nil
		}
	}
	return err
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
		req := msg.mb.request(http.MethodGet, messagePath(msg.ID), nil)
		req.Query = o365.NewQuery().Select("isDraft")
		if _, err := msg.mb.acct.Do(ctx, req, &st); err != nil {
			if errors.Is(err, o365.ErrNotFound) {
				return true, nil // sent and moved away
			}
			return false, fmt.Errorf("checking whether it was sent: %w", err)
		}
		return !st.IsDraft, nil
	}
	err := once(ctx, func() error {
		return msg.mb.do(ctx, http.MethodPost, messagePath(msg.ID, "send"), nil, nil)
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
// client chose, and after an uncertain failure Save looks for it before
// creating again.
func (msg *Message) Save(ctx context.Context) error {
	if err := msg.bound(); err != nil {
		return err
	}
	if msg.ID == "" {
		if err := msg.create(ctx); err != nil {
			return err
		}
	} else {
		patch, err := msg.Changes()
		if err != nil {
			return err
		}
		if len(patch) > 0 {
			fresh, err := msg.mb.patch(ctx, messagePath(msg.ID), patch)
			if err != nil {
				return fmt.Errorf("mail: save %q: %w", msg.ID, err)
			}
			msg.merge(fresh)
		}
	}
	for _, a := range msg.Attachments {
		if !a.pending() {
			continue
		}
		if err := a.upload(ctx, msg); err != nil {
			return err
		}
	}
	msg.orig = msg.snapshot()
	return nil
}

// merge takes the server's read-only fields of fresh and keeps msg's
// attachments and local state.
func (msg *Message) merge(fresh *Message) {
	atts, mb, folder := msg.Attachments, msg.mb, msg.folder
	*msg = *fresh
	msg.Attachments, msg.mb, msg.folder = atts, mb, folder
	msg.orig = msg.snapshot()
}

func (msg *Message) create(ctx context.Context) error {
	clientID := newClientID()
	msg.SetExtendedProperty(propClientID, clientID)
	body, err := msg.fields()
	if err != nil {
		return fmt.Errorf("mail: encoding the message: %w", err)
	}
	// Small attachments ride along while they fit; the rest is uploaded after.
	var inlined []*Attachment
	var atts []json.RawMessage
	var budget int64 = inlineBudget
	for _, a := range msg.Attachments {
		if !a.pending() || (a.kind() != "item" && a.size() >= simpleAttachLimit) || a.size()*4/3 > budget {
			continue
		}
		raw, err := a.inlineJSON(msg.mb.acct.Protocol())
		if err != nil {
			return fmt.Errorf("mail: save: %w", err)
		}
		budget -= a.size() * 4 / 3
		atts = append(atts, raw)
		inlined = append(inlined, a)
	}
	if len(atts) > 0 {
		if body["attachments"], err = json.Marshal(atts); err != nil {
			return err
		}
	}
	path := "messages"
	if msg.folder != "" {
		path = folderPath(msg.folder, "messages")
	}
	var fresh Message
	err = msg.mb.createOnce(ctx, path, body, clientID, &fresh)
	if err != nil {
		return fmt.Errorf("mail: save new message: %w", err)
	}
	for _, a := range inlined {
		// The answer does not list the attachments; they are known by name
		// until loaded again.
		a.ODataType = msg.mb.acct.Protocol().Keyword(o365.KeywordFileAttachmentType)
		if a.kind() == "item" {
			a.ODataType = msg.mb.acct.Protocol().Keyword(o365.KeywordItemAttachmentType)
		}
		a.src = nil
	}
	msg.merge(&fresh)
	return nil
}

// patch PATCHes absolute values onto a message. Repeating such a PATCH is
// harmless, so the engine may retry it after an uncertain failure, under the
// account's RetryPolicy.
func (m *Mailbox) patch(ctx context.Context, path string, body any) (*Message, error) {
	var fresh Message
	req := m.request(http.MethodPatch, path, body)
	req.Idempotent = true
	if _, err := m.acct.Do(ctx, req, &fresh); err != nil {
		return nil, err
	}
	return &fresh, nil
}

// createOnce POSTs body to path; after an uncertain failure it looks for a
// message carrying clientID before posting again.
func (m *Mailbox) createOnce(ctx context.Context, path string, body any, clientID string, out *Message) error {
	return once(ctx, func() error {
		return m.do(ctx, http.MethodPost, path, body, out)
	}, func() (bool, error) {
		found, err := m.findByClientID(ctx, clientID)
		if err != nil {
			return false, fmt.Errorf("looking for the draft: %w", err)
		}
		if found != nil {
			*out = *found
		}
		return found != nil, nil
	})
}

// findByClientID returns the message carrying the client-chosen id, or nil.
func (m *Mailbox) findByClientID(ctx context.Context, clientID string) (*Message, error) {
	q := o365.NewQuery().Filter(o365.Any("singleValueExtendedProperties", "ep",
		o365.And(o365.Eq("ep/id", propClientID), o365.Eq("ep/value", clientID)))).Top(1)
	for msg, err := range m.Messages(ctx, q) {
		return msg, err
	}
	return nil, nil
}

// MarkRead marks the message read (true) or unread (false).
func (msg *Message) MarkRead(ctx context.Context, read bool) error {
	if err := msg.needID(); err != nil {
		return err
	}
	if _, err := msg.mb.patch(ctx, messagePath(msg.ID), map[string]bool{"isRead": read}); err != nil {
		return fmt.Errorf("mail: mark %q: %w", msg.ID, err)
	}
	msg.IsRead = read
	if msg.orig != nil {
		// A new snapshot: the copies WithResource makes share the old one.
		o := *msg.orig
		o.IsRead = read
		msg.orig = &o
	}
	return nil
}

// Move moves the message to a folder (id or well-known name). The message
// takes the moved copy's fields, including its new id.
func (msg *Message) Move(ctx context.Context, dest string) error {
	if err := msg.needID(); err != nil {
		return err
	}
	var fresh Message
	if err := msg.mb.do(ctx, http.MethodPost, messagePath(msg.ID, "move"), destination{dest}, &fresh); err != nil {
		return fmt.Errorf("mail: move %q: %w", msg.ID, err)
	}
	msg.merge(&fresh)
	return nil
}

// Copy copies the message to a folder and returns the copy.
func (msg *Message) Copy(ctx context.Context, dest string) (*Message, error) {
	if err := msg.needID(); err != nil {
		return nil, err
	}
	var c Message
	if err := msg.mb.do(ctx, http.MethodPost, messagePath(msg.ID, "copy"), destination{dest}, &c); err != nil {
		return nil, fmt.Errorf("mail: copy %q: %w", msg.ID, err)
	}
	c.bind(msg.mb)
	return &c, nil
}

// Delete deletes the message (it goes to Deleted Items on Exchange).
func (msg *Message) Delete(ctx context.Context) error {
	if err := msg.needID(); err != nil {
		return err
	}
	if err := msg.mb.do(ctx, http.MethodDelete, messagePath(msg.ID), nil, nil); err != nil {
		return fmt.Errorf("mail: delete %q: %w", msg.ID, err)
	}
	return nil
}

// commentBody is the body of reply, replyAll, forward and their create*
// drafts.
type commentBody struct {
	Comment      string           `json:"comment,omitempty"`
	ToRecipients []o365.Recipient `json:"toRecipients,omitempty"`
}

// Reply sends a reply to the sender with comment above the quoted message.
// Like sendMail, the action is not repeated after a transport failure; use
// CreateReply and Send where exactly-once matters.
func (msg *Message) Reply(ctx context.Context, comment string) error {
	return msg.respond(ctx, "reply", commentBody{Comment: comment})
}

// ReplyAll sends a reply to the sender and every recipient (see Reply).
func (msg *Message) ReplyAll(ctx context.Context, comment string) error {
	return msg.respond(ctx, "replyAll", commentBody{Comment: comment})
}

// Forward forwards the message to addrs with comment (see Reply).
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
	if err := msg.needID(); err != nil {
		return err
	}
	if err := msg.mb.do(ctx, http.MethodPost, messagePath(msg.ID, action), body, nil); err != nil {
		return fmt.Errorf("mail: %s %q: %w", action, msg.ID, err)
	}
	return nil
}

// CreateReply creates a reply draft (recipients, "RE:" subject and quoted
// body filled in by the service) to edit and Send.
func (msg *Message) CreateReply(ctx context.Context) (*Message, error) {
	return msg.createResponse(ctx, "createReply", nil)
}

// CreateReplyAll creates a reply-all draft (see CreateReply).
func (msg *Message) CreateReplyAll(ctx context.Context) (*Message, error) {
	return msg.createResponse(ctx, "createReplyAll", nil)
}

// CreateForward creates a forward draft ("FW:" subject, quoted body) for
// addrs; more recipients can be added before Send.
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
	if err := msg.needID(); err != nil {
		return nil, err
	}
	clientID := newClientID()
	part := map[string]any{
		"singleValueExtendedProperties": []ExtendedProperty{{ID: propClientID, Value: clientID}},
	}
	if len(to) > 0 {
		part["toRecipients"] = to
	}
	var d Message
	if err := msg.mb.createOnce(ctx, messagePath(msg.ID, action), responseDraftBody{Message: part}, clientID, &d); err != nil {
		return nil, fmt.Errorf("mail: %s %q: %w", action, msg.ID, err)
	}
	d.bind(msg.mb)
	return &d, nil
}
