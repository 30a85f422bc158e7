package o365

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSafeFileNameFallback(t *testing.T) {
	for in, want := range map[string]string{"": "file", "..": "file", "a/..": "file", "\u202e": "file", "x": "x", "CON": "_CON"} {
		if got := SafeFileName(in, "file"); got != want {
			t.Errorf("SafeFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzSafeFileName(f *testing.F) {
	for _, s := range []string{"a.txt", "../x", `..\y`, "", "CON", strings.Repeat("a", 300) + ".zip", "\x00", "é/è"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := SafeFileName(in, "attachment")
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
		if SafeFileName(got, "attachment") != got {
			t.Fatalf("SafeFileName is not idempotent on %q: %q", got, SafeFileName(got, "attachment"))
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
