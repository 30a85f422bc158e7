package mail

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/o365go/o365"
)

func TestSafeFileName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"report.pdf", "report.pdf"},
		{"../../etc/passwd", "passwd"},
		{`..\..\Windows\win.ini`, "win.ini"},
		{"a/b/c.txt", "c.txt"},
		{"", "attachment"},
		{"..", "attachment"},
		{" . ", "attachment"},
		{"dir/", "attachment"},
		{"inv<o>ice:2026?.pdf", "inv_o_ice_2026_.pdf"},
		{"tab\there.txt", "tab_here.txt"},
		{"nul", "_nul"},
		{"COM1.log", "_COM1.log"},
		{"console.log", "console.log"},
		{"trailing. ", "trailing"},
		{"bad\xffutf8.txt", "bad_utf8.txt"},
		{strings.Repeat("é", 200) + ".txt", strings.Repeat("é", 125) + ".txt"},
		// Invisible formatting characters go; the joiners emoji need stay.
		{"invoice\u202egpj.exe", "invoicegpj.exe"},
		{"re\u200bport\u2066.pdf\u2069", "report.pdf"},
		{"\ufeff\u00adx.txt", "x.txt"},
		{"family \U0001F468\u200d\U0001F469.png", "family \U0001F468\u200d\U0001F469.png"},
		{"\u202e", "attachment"},
	}
	for _, tc := range tests {
		if got := SafeFileName(tc.in); got != tc.want {
			t.Errorf("SafeFileName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzSafeFileName(f *testing.F) {
	for _, s := range []string{"a.txt", "../x", `..\y`, "", "CON", strings.Repeat("a", 300) + ".zip", "\x00", "é/è"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := SafeFileName(in)
		if got == "" || got == "." || got == ".." || len(got) > maxFileName {
			t.Fatalf("SafeFileName(%q) = %q", in, got)
		}
		if strings.ContainsAny(got, "/\\\x00<>:\"|?*") || !utf8.ValidString(got) ||
			strings.ContainsFunc(got, func(r rune) bool { return unicode.Is(unicode.Cf, r) && r != 0x200c && r != 0x200d }) {
			t.Fatalf("SafeFileName(%q) = %q holds a forbidden character", in, got)
		}
		if filepath.Base(got) != got || filepath.Join("dir", got) != "dir/"+got {
			t.Fatalf("SafeFileName(%q) = %q is not a plain name", in, got)
		}
		if SafeFileName(got) != got {
			t.Fatalf("SafeFileName is not idempotent on %q: %q", got, SafeFileName(got))
		}
	})
}

func TestFitName(t *testing.T) {
	long := strings.Repeat("n", 251) + ".pdf" // 255 bytes
	tests := []struct {
		name, suffix, want string
	}{
		{"report.pdf", " (1)", "report (1).pdf"},
		{long, "", long},
		{long, " (1)", strings.Repeat("n", 247) + " (1).pdf"},
		{long, " (12)", strings.Repeat("n", 246) + " (12).pdf"},
		{strings.Repeat("é", 127) + ".txt", " (1)", strings.Repeat("é", 123) + " (1).txt"},
	}
	for _, tc := range tests {
		got := fitName(tc.name, tc.suffix, maxFileName)
		if got != tc.want || len(got) > maxFileName || !utf8.ValidString(got) {
			t.Errorf("fitName(%.20q..., %q) = %q (%d bytes)", tc.name, tc.suffix, got, len(got))
		}
	}
}

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

func TestChanges(t *testing.T) {
	base := func() *Message {
		m := &Message{Subject: "s", IsRead: true, Categories: []string{"A"}, Importance: ImportanceNormal}
		m.orig = m.snapshot()
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
			got, err := m.Changes()
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

func TestAttachmentIDFromLocation(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://outlook.office.com/api/v2.0/Users('u@t')/Messages('m')/Attachments('AAMk=')", "AAMk="},
		{"http://127.0.0.1:1/api/v2.0/users('u')/messages('m')/attachments('it''s')", "it's"},
		{"https://x/y/attachments/abc", "abc"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := attachmentIDFromLocation(tc.in); got != tc.want {
			t.Errorf("attachmentIDFromLocation(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
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

func TestDefinite(t *testing.T) {
	apiErr := func(status int, retryAfter string) error {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return fmt.Errorf("wrapped: %w", &o365.Error{StatusCode: status, Header: h})
	}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"transport", errors.New("connection reset"), false},
		{"400", apiErr(400, ""), true},
		{"404", apiErr(404, ""), true},
		{"408", apiErr(408, ""), false},
		{"429 Retry-After: 0", apiErr(429, "0"), true},
		{"500", apiErr(500, ""), false},
		{"503", apiErr(503, ""), false},
		{"503 Retry-After: 0", apiErr(503, "0"), true},
		{"504 Retry-After", apiErr(504, "5"), false},
	}
	for _, tc := range tests {
		if got := definite(tc.err); got != tc.want {
			t.Errorf("%s: definite = %v, want %v", tc.name, got, tc.want)
		}
	}
}
