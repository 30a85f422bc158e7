package outlook

import (
	"strings"
	"testing"
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

func TestAttachmentIDFromLocation(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://outlook.office.com/api/v2.0/Users('u@t')/Messages('m')/Attachments('AAMk=')", "AAMk="},
		{"http://127.0.0.1:1/api/v2.0/users('u')/messages('m')/attachments('it''s')", "it's"},
		{"https://x/y/attachments/abc", "abc"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := IDFromLocation(tc.in); got != tc.want {
			t.Errorf("IDFromLocation(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
