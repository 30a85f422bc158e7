package outlook

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
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
		if strings.ContainsAny(got, "/\\\x00<>:\"|?*") || !utf8.ValidString(got) {
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
