package mail

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	netmail "net/mail"
	"strings"

	"github.com/o365go/o365"
)

// maxMIMESend is the largest MIME message SendMIME accepts: Graph caps a
// request at 4 MB, and the message travels base64-encoded.
const maxMIMESend = 3 << 20

// DownloadMIME streams the message in RFC 5322 form (an .eml file) to w.
//
// Graph: GET /me/messages/{id}/$value
// (https://learn.microsoft.com/graph/api/message-get).
func (msg *Message) DownloadMIME(ctx context.Context, w io.Writer) (int64, error) {
	if err := o365.Ready(msg); err != nil {
		return 0, err
	}
	n, err := msg.Account().Download(ctx, msg.Request(http.MethodGet, "$value", nil), w)
	if err != nil {
		return n, fmt.Errorf("mail: MIME of %q: %w", msg.ID, err)
	}
	return n, nil
}

// SendMIME sends a message written in MIME (RFC 5322), such as an .eml file:
// Graph takes it base64-encoded as text/plain. Like sendMail, the request is
// not repeated after a transport failure.
//
// Graph: POST /me/sendMail with a MIME body
// (https://learn.microsoft.com/graph/api/user-sendmail).
func (m *Mailbox) SendMIME(ctx context.Context, r io.Reader) error {
	raw, err := io.ReadAll(io.LimitReader(r, maxMIMESend+1))
	if err != nil {
		return fmt.Errorf("mail: send MIME: %w", err)
	}
	if len(raw) > maxMIMESend {
		return fmt.Errorf("%w: a MIME message is sent in one request of at most %d bytes; send large files as attachments of a draft", ErrTooLarge, maxMIMESend)
	}
	if _, err := netmail.ReadMessage(bytes.NewReader(raw)); err != nil {
		return fmt.Errorf("mail: send MIME: not an RFC 5322 message: %w", err)
	}
	body := []byte(base64.StdEncoding.EncodeToString(raw))
	req := &o365.Request{Method: http.MethodPost, Path: "sendMail", Body: body, ContentType: "text/plain"}
	if _, err := m.acct.Do(ctx, req, nil); err != nil {
		return fmt.Errorf("mail: send MIME: %w", err)
	}
	return nil
}

// maxMIMEParts bounds the parts ParseMIME walks, against hostile input.
const maxMIMEParts = 1000

// maxMIMEDepth bounds multipart nesting.
const maxMIMEDepth = 20

// ParseMIME reads an RFC 5322 message (an .eml file or an item attachment's
// content) into a Message: subject, addresses, date, Message-ID, the HTML (or
// else the plain text) body, and file attachments with their content and
// content ids. The result is not bound to a mailbox.
func ParseMIME(r io.Reader) (*Message, error) {
	m, err := netmail.ReadMessage(bufio.NewReader(r))
	if err != nil {
		return nil, fmt.Errorf("mail: parse MIME: %w", err)
	}
	var dec mime.WordDecoder
	msg := &Message{}
	h := m.Header
	if s, err := dec.DecodeHeader(h.Get("Subject")); err == nil {
		msg.Subject = s
	} else {
		msg.Subject = h.Get("Subject")
	}
	msg.InternetMessageID = strings.TrimSpace(h.Get("Message-Id"))
	if t, err := h.Date(); err == nil {
		msg.SentDateTime = t
	}
	addr := func(key string) []o365.Recipient {
		list, err := h.AddressList(key)
		if err != nil {
			return nil
		}
		out := make([]o365.Recipient, 0, len(list))
		for _, a := range list {
			out = append(out, o365.Recipient{EmailAddress: o365.EmailAddress{Name: a.Name, Address: a.Address}})
		}
		return out
	}
	if from := addr("From"); len(from) > 0 {
		msg.From = from[0]
	}
	if sender := addr("Sender"); len(sender) > 0 {
		msg.Sender = sender[0]
	}
	msg.ToRecipients, msg.CcRecipients, msg.BccRecipients, msg.ReplyTo = addr("To"), addr("Cc"), addr("Bcc"), addr("Reply-To")
	switch strings.ToLower(strings.TrimSpace(h.Get("Importance"))) {
	case ImportanceHigh, ImportanceLow:
		msg.Importance = strings.ToLower(strings.TrimSpace(h.Get("Importance")))
	}
	p := &mimeParser{msg: msg}
	if err := p.part(h, m.Body, 0); err != nil {
		return nil, fmt.Errorf("mail: parse MIME: %w", err)
	}
	switch {
	case p.html != nil:
		msg.Body = *p.html
	case p.text != nil:
		msg.Body = *p.text
	}
	msg.HasAttachments = len(msg.Attachments) > 0
	return msg, nil
}

// header is the view of MIME headers the parser needs.
type header interface{ Get(string) string }

type mimeParser struct {
	msg        *Message
	html, text *o365.ItemBody
	parts      int
}

func (p *mimeParser) part(h header, body io.Reader, depth int) error {
	p.parts++
	if p.parts > maxMIMEParts || depth > maxMIMEDepth {
		return errors.New("too many or too deeply nested parts")
	}
	ctype := h.Get("Content-Type")
	if ctype == "" {
		ctype = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		mt, params = "application/octet-stream", nil
	}
	if strings.HasPrefix(mt, "multipart/") {
		boundary := params["boundary"]
		if boundary == "" {
			return fmt.Errorf("%s without a boundary", mt)
		}
		mr := multipart.NewReader(body, boundary)
		for {
			part, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := p.part(part.Header, part, depth+1); err != nil {
				return err
			}
		}
	}
	data, err := io.ReadAll(decodeTransfer(h.Get("Content-Transfer-Encoding"), body))
	if err != nil {
		return fmt.Errorf("reading a %s part: %w", mt, err)
	}
	disp, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	if d, err := new(mime.WordDecoder).DecodeHeader(name); err == nil {
		name = d
	}
	cid := strings.Trim(strings.TrimSpace(h.Get("Content-Id")), "<>")
	isBody := disp != "attachment" && name == "" && (mt == "text/plain" || mt == "text/html")
	if isBody {
		b := &o365.ItemBody{ContentType: o365.ContentText, Content: string(data)}
		if mt == "text/html" {
			b.ContentType = o365.ContentHTML
			if p.html == nil {
				p.html = b
			}
		} else if p.text == nil {
			p.text = b
		}
		return nil
	}
	if name == "" {
		name = "attachment"
		if mt == "message/rfc822" {
			name = "message.eml"
		}
	}
	p.msg.Attachments = append(p.msg.Attachments, &Attachment{
		Name: name, ContentType: mt, Size: int64(len(data)), ContentBytes: data,
		IsInline: disp == "inline" || (disp == "" && cid != ""), ContentID: cid,
	})
	return nil
}

// decodeTransfer undoes a Content-Transfer-Encoding.
func decodeTransfer(enc string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &lineStripper{r: r})
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

// lineStripper drops CR, LF and spaces so base64 lines decode as one.
type lineStripper struct{ r io.Reader }

func (l *lineStripper) Read(p []byte) (int, error) {
	for {
		n, err := l.r.Read(p)
		j := 0
		for _, c := range p[:n] {
			if c != '\r' && c != '\n' && c != ' ' && c != '\t' {
				p[j] = c
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}
