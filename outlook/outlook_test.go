package outlook

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode"
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
