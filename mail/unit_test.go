package mail

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/o365go/o365"
)

func TestParseAddressList(t *testing.T) {
	tests := []struct {
		in   string
		want []o365.EmailAddress
		bad  bool
	}{
		{in: "a@b.c", want: []o365.EmailAddress{{Address: "a@b.c"}}},
		{in: "Alice <a@b.c>, bob@b.c", want: []o365.EmailAddress{{Name: "Alice", Address: "a@b.c"}, {Address: "bob@b.c"}}},
		{in: `"Smith, Alice" <a@b.c>`, want: []o365.EmailAddress{{Name: "Smith, Alice", Address: "a@b.c"}}},
		{in: "=?utf-8?q?Ren=C3=A9?= <r@b.c>", want: []o365.EmailAddress{{Name: "René", Address: "r@b.c"}}},
		{in: "", bad: true},
		{in: "not an address", bad: true},
		{in: `"a b"@c.d`, bad: true},
	}
	for _, tc := range tests {
		got, err := ParseAddressList(tc.in)
		if tc.bad {
			if !errors.Is(err, o365.ErrInvalidAddress) {
				t.Errorf("ParseAddressList(%q) = %v, %v; want ErrInvalidAddress", tc.in, got, err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("ParseAddressList(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func FuzzParseAddressList(f *testing.F) {
	for _, s := range []string{"a@b.c", "A <a@b.c>, b@c.d", `"x, y" <x@y.z>`, "<>", "@", "a@b.c,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		list, err := ParseAddressList(in)
		if err != nil {
			return
		}
		if len(list) == 0 {
			t.Fatalf("ParseAddressList(%q): no error and no address", in)
		}
		for _, a := range list {
			// Every accepted address formats back into one that parses the same.
			again, err := ParseAddressList(a.String())
			if err != nil || len(again) != 1 || again[0].Address != a.Address {
				t.Fatalf("%q -> %v does not round-trip: %v %v", in, a, again, err)
			}
		}
	})
}

func TestParseMIME(t *testing.T) {
	tests := []struct {
		name, in    string
		subject     string
		body, ctype string
		atts        []string
		bad         bool
	}{
		{name: "plain", in: "Subject: Hi\r\nFrom: a@b.c\r\n\r\nhello", subject: "Hi", body: "hello", ctype: "text"},
		{name: "qp html", in: "Subject: =?utf-8?b?w6k=?=\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>caf=C3=A9</p>", subject: "é", body: "<p>café</p>", ctype: "html"},
		{name: "alternative prefers html", in: "Subject: A\r\nContent-Type: multipart/alternative; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\ntext\r\n--x\r\nContent-Type: text/html\r\n\r\n<b>html</b>\r\n--x--\r\n", subject: "A", body: "<b>html</b>", ctype: "html"},
		{name: "inline image", in: "Subject: I\r\nContent-Type: multipart/related; boundary=r\r\n\r\n--r\r\nContent-Type: text/html\r\n\r\n<img src=cid:l>\r\n--r\r\nContent-Type: image/png\r\nContent-ID: <l>\r\nContent-Transfer-Encoding: base64\r\n\r\naGk=\r\n--r--\r\n", subject: "I", body: "<img src=cid:l>", ctype: "html", atts: []string{"attachment"}},
		{name: "no boundary", in: "Content-Type: multipart/mixed\r\n\r\nx", bad: true},
		{name: "no headers", in: "", bad: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseMIME(strings.NewReader(tc.in))
			if tc.bad {
				if err == nil {
					t.Fatalf("no error for %q", tc.in)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, a := range m.Attachments {
				names = append(names, a.Name)
			}
			if m.Subject != tc.subject || m.Body.Content != tc.body || m.Body.ContentType != tc.ctype || !slices.Equal(names, tc.atts) {
				t.Fatalf("got subject %q body %q (%s) attachments %v", m.Subject, m.Body.Content, m.Body.ContentType, names)
			}
			if tc.name == "inline image" && (!m.Attachments[0].IsInline || m.Attachments[0].ContentID != "l" || string(m.Attachments[0].ContentBytes) != "hi") {
				t.Fatalf("inline attachment %+v", m.Attachments[0])
			}
		})
	}
}

func FuzzParseMIME(f *testing.F) {
	f.Add("Subject: x\r\n\r\nbody")
	f.Add("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n")
	f.Add("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=a\r\n\r\n!!!\r\n--b--\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		m, err := ParseMIME(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, a := range m.Attachments {
			if a.Name == "" || a.Size != int64(len(a.ContentBytes)) {
				t.Fatalf("attachment %+v", a)
			}
		}
	})
}

func TestCheckHeader(t *testing.T) {
	tests := []struct {
		name, value string
		ok          bool
	}{
		{"x-a", "v", true}, {"X-Trace", "1", true}, {"Subject", "v", false}, {"x-", "v", false},
		{"x-a b", "v", false}, {"x-a:", "v", false}, {"x-a", "v\r\nBcc: evil@x", false},
	}
	for _, tc := range tests {
		if err := checkHeader(tc.name, tc.value); (err == nil) != tc.ok {
			t.Errorf("checkHeader(%q, %q) = %v", tc.name, tc.value, err)
		}
	}
}

func TestChanges(t *testing.T) {
	base := func() *Message {
		m := &Message{}
		if err := o365.DecodeJSON([]byte(`{"id":"x","subject":"s","isRead":true,"categories":["A"],"importance":"normal"}`), m); err != nil {
			t.Fatal(err)
		}
		if err := o365.Bind(m, nil, "messages/x"); err != nil {
			t.Fatal(err)
		}
		return m
	}
	tests := []struct {
		name string
		edit func(m *Message)
		want map[string]string
	}{
		{"nothing", func(*Message) {}, map[string]string{}},
		{"subject", func(m *Message) { m.Subject = "t" }, map[string]string{"subject": `"t"`}},
		{"cleared bool", func(m *Message) { m.IsRead = false }, map[string]string{"isRead": "false"}},
		{"cleared string", func(m *Message) { m.Subject = "" }, map[string]string{"subject": `""`}},
		{"cleared list", func(m *Message) { m.Categories = nil }, map[string]string{"categories": "[]"}},
		{"in-place slice edit", func(m *Message) { m.Categories[0] = "B" }, map[string]string{"categories": `["B"]`}},
		{"flag", func(m *Message) { m.ClearFlag() }, map[string]string{"flag": `{"flagStatus":"notFlagged"}`}},
		{"read-only ignored", func(m *Message) { m.ID = "x"; m.ConversationID = "c" }, map[string]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := base()
			tc.edit(m)
			got, err := o365.Changes(m)
			if err != nil {
				t.Fatal(err)
			}
			gs := map[string]string{}
			for k, v := range got {
				gs[k] = string(v)
			}
			wj, _ := json.Marshal(tc.want)
			gj, _ := json.Marshal(gs)
			if string(wj) != string(gj) {
				t.Fatalf("Changes() = %s, want %s", gj, wj)
			}
		})
	}
}
