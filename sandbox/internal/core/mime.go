package core

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"time"
)

// MIME: Outlook items rendered as RFC 5322 messages (a message's $value,
// item attachments) and RFC 5322 messages read into Graph JSON (sendMail
// with a MIME body).

func mimeAddresses(v any) string {
	list, _ := v.([]any)
	var parts []string
	for _, r := range list {
		if s := mimeAddress(r); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

func mimeAddress(r any) string {
	m, _ := r.(map[string]any)
	e, _ := m["emailAddress"].(map[string]any)
	addr := Str(e, "address")
	if addr == "" {
		return ""
	}
	return (&netmail.Address{Name: Str(e, "name"), Address: addr}).String()
}

// headerSafe drops line breaks so a value cannot add headers.
func headerSafe(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}

// WriteMIME writes doc, a message document (subject, body, from,
// toRecipients ...), as an RFC 5322 message with atts, the item's stored
// attachments (see Attachments), as parts: file bytes are streamed from
// their blobs, item attachments nested as message/rfc822.
func WriteMIME(ctx context.Context, w io.Writer, st *Store, doc map[string]any, atts []*Object) error {
	bw := bufio.NewWriter(w)
	hdr := func(k, v string) {
		if v != "" {
			fmt.Fprintf(bw, "%s: %s\r\n", k, headerSafe(v))
		}
	}
	hdr("From", mimeAddress(doc["from"]))
	if s := mimeAddress(doc["sender"]); s != "" && s != mimeAddress(doc["from"]) {
		hdr("Sender", s)
	}
	hdr("To", mimeAddresses(doc["toRecipients"]))
	hdr("Cc", mimeAddresses(doc["ccRecipients"]))
	if d, _ := doc["isDraft"].(bool); d {
		hdr("Bcc", mimeAddresses(doc["bccRecipients"]))
	}
	hdr("Reply-To", mimeAddresses(doc["replyTo"]))
	hdr("Subject", mime.QEncoding.Encode("utf-8", Str(doc, "subject")))
	date := Str(doc, "sentDateTime")
	if date == "" {
		date = Str(doc, "createdDateTime")
	}
	if t, err := time.Parse(time.RFC3339, date); err == nil {
		hdr("Date", t.Format(time.RFC1123Z))
	}
	hdr("Message-ID", Str(doc, "internetMessageId"))
	if irt := Str(doc, "_inReplyTo"); irt != "" {
		hdr("In-Reply-To", irt)
		hdr("References", irt)
	}
	hdr("Thread-Topic", mime.QEncoding.Encode("utf-8", Str(doc, "subject")))
	if imp := Str(doc, "importance"); imp != "" && imp != "normal" {
		hdr("Importance", imp)
	}
	if hs, ok := doc["internetMessageHeaders"].([]any); ok {
		for _, h := range hs {
			m, _ := h.(map[string]any)
			if name := Str(m, "name"); name != "" && !strings.ContainsAny(name, ": \r\n") {
				hdr(name, Str(m, "value"))
			}
		}
	}
	hdr("MIME-Version", "1.0")
	b, _ := doc["body"].(map[string]any)
	bodyType := "text/plain"
	if strings.EqualFold(Str(b, "contentType"), "html") {
		bodyType = "text/html"
	}
	if len(atts) == 0 {
		hdr("Content-Type", bodyType+"; charset=utf-8")
		hdr("Content-Transfer-Encoding", "quoted-printable")
		bw.WriteString("\r\n")
		if err := writeQP(bw, Str(b, "content")); err != nil {
			return err
		}
		return bw.Flush()
	}
	mw := multipart.NewWriter(bw)
	hdr("Content-Type", "multipart/mixed; boundary=\""+mw.Boundary()+"\"")
	bw.WriteString("\r\n")
	part, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {bodyType + "; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return err
	}
	if err := writeQP(part, Str(b, "content")); err != nil {
		return err
	}
	for _, a := range atts {
		if err := writeAttachmentPart(ctx, mw, st, a.Data); err != nil {
			return err
		}
	}
	if err := mw.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

func writeQP(w io.Writer, s string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := io.WriteString(qp, s); err != nil {
		return err
	}
	return qp.Close()
}

func writeAttachmentPart(ctx context.Context, mw *multipart.Writer, st *Store, a map[string]any) error {
	name := Str(a, "name")
	disp := "attachment"
	if inline, _ := a["isInline"].(bool); inline {
		disp = "inline"
	}
	h := textproto.MIMEHeader{}
	if item, ok := a["_item"].(map[string]any); ok {
		h.Set("Content-Type", "message/rfc822")
		h.Set("Content-Disposition", mime.FormatMediaType(disp, map[string]string{"filename": name + ".eml"}))
		part, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		return WriteMIME(ctx, part, st, item, nil)
	}
	ct := Str(a, "contentType")
	if _, _, err := mime.ParseMediaType(ct); err != nil || ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", mime.FormatMediaType(strings.SplitN(ct, ";", 2)[0], map[string]string{"name": name}))
	h.Set("Content-Disposition", mime.FormatMediaType(disp, map[string]string{"filename": name}))
	if cid := Str(a, "contentId"); cid != "" {
		h.Set("Content-ID", "<"+headerSafe(cid)+">")
	}
	h.Set("Content-Transfer-Encoding", "base64")
	part, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	r, err := st.OpenBlob(ctx, Str(a, "_blob"))
	if err != nil {
		return err
	}
	lw := &lineWrapper{w: part}
	enc := base64.NewEncoder(base64.StdEncoding, lw)
	if _, err := io.Copy(enc, r); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err = io.WriteString(part, "\r\n")
	return err
}

// lineWrapper breaks base64 output into 76-character lines.
type lineWrapper struct {
	w   io.Writer
	col int
}

func (l *lineWrapper) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		take := min(76-l.col, len(p))
		if _, err := l.w.Write(p[:take]); err != nil {
			return n, err
		}
		n += take
		l.col += take
		p = p[take:]
		if l.col == 76 {
			if _, err := io.WriteString(l.w, "\r\n"); err != nil {
				return n, err
			}
			l.col = 0
		}
	}
	return n, nil
}

// MIMEFile is an attachment read from a MIME message.
type MIMEFile struct {
	Name, ContentType, ContentID string
	Inline                       bool
	Data                         []byte
}

// ParseMIME turns an RFC 5322 message into Graph message JSON (subject,
// recipients, body, internetMessageId, x- headers) and its attachments.
func ParseMIME(data []byte) (map[string]any, []MIMEFile, error) {
	m, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		subject = m.Header.Get("Subject")
	}
	recips := func(key string) []any {
		list, err := m.Header.AddressList(key)
		if err != nil {
			return []any{}
		}
		out := []any{}
		for _, a := range list {
			out = append(out, map[string]any{"emailAddress": map[string]any{"name": a.Name, "address": a.Address}})
		}
		return out
	}
	msg := map[string]any{
		"subject":       subject,
		"toRecipients":  recips("To"),
		"ccRecipients":  recips("Cc"),
		"bccRecipients": recips("Bcc"),
		"replyTo":       recips("Reply-To"),
	}
	if from := recips("From"); len(from) > 0 {
		msg["from"] = from[0]
	}
	if id := strings.TrimSpace(m.Header.Get("Message-Id")); id != "" {
		msg["internetMessageId"] = id
	}
	var hs []any
	for k, vs := range m.Header {
		if strings.HasPrefix(strings.ToLower(k), "x-") {
			for _, v := range vs {
				hs = append(hs, map[string]any{"name": k, "value": v})
			}
		}
	}
	if len(hs) > 0 {
		msg["internetMessageHeaders"] = hs
	}
	p := &mimeWalk{}
	if err := p.walk(m.Header, m.Body, 0); err != nil {
		return nil, nil, err
	}
	switch {
	case p.html != "":
		msg["body"] = map[string]any{"contentType": "html", "content": p.html}
	default:
		msg["body"] = map[string]any{"contentType": "text", "content": p.text}
	}
	return msg, p.files, nil
}

type mimeWalk struct {
	html, text string
	files      []MIMEFile
	parts      int
}

type getter interface{ Get(string) string }

func (p *mimeWalk) walk(h getter, body io.Reader, depth int) error {
	p.parts++
	if p.parts > 500 || depth > 10 {
		return fmt.Errorf("too many parts")
	}
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		mt = "application/octet-stream"
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := p.walk(part.Header, part, depth+1); err != nil {
				return err
			}
		}
	}
	var r io.Reader = body
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))) {
	case "base64":
		raw, err := io.ReadAll(body)
		if err != nil {
			return err
		}
		clean := strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
				return -1
			}
			return r
		}, string(raw))
		data, err := base64.StdEncoding.DecodeString(clean)
		if err != nil {
			return fmt.Errorf("bad base64 in a %s part", mt)
		}
		r = bytes.NewReader(data)
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	disp, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	if disp != "attachment" && name == "" && (mt == "text/html" || mt == "text/plain") {
		if mt == "text/html" && p.html == "" {
			p.html = string(data)
		} else if mt == "text/plain" && p.text == "" {
			p.text = string(data)
		}
		return nil
	}
	if name == "" {
		name = "attachment"
	}
	cid := strings.Trim(strings.TrimSpace(h.Get("Content-Id")), "<>")
	p.files = append(p.files, MIMEFile{Name: name, ContentType: mt, ContentID: cid, Inline: disp == "inline", Data: data})
	return nil
}
