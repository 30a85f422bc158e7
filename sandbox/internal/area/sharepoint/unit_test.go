package sharepoint

import (
	"math"
	"testing"
	"time"
)

func TestInternalName(t *testing.T) {
	for in, want := range map[string]string{
		"Title": "Title", "Due Date": "Due_x0020_Date", "Price (€)": "Price_x0020__x0028__x20ac__x0029_",
		"2nd": "_x0032_nd", "a_b": "a_b", "": "",
	} {
		if got := internalName(in); got != want[:min(len(want), 32)] {
			t.Errorf("internalName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFieldValueReaders(t *testing.T) {
	if f, ok := toNumber("12.5"); !ok || f != 12.5 {
		t.Error("numeric text")
	}
	for _, bad := range []any{"x", "NaN", "Inf", true, nil, math.Inf(1)} {
		if _, ok := toNumber(bad); ok {
			t.Errorf("toNumber(%v) accepted", bad)
		}
	}
	for _, bad := range []any{0.0, -1.0, 1.5, "a", float64(math.MaxInt32) + 1} {
		if _, ok := toLookupID(bad); ok {
			t.Errorf("toLookupID(%v) accepted", bad)
		}
	}
	for in, want := range map[string]time.Time{
		"2026-01-05":                time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC),
		"2026-01-05T09:30":          time.Date(2026, 1, 5, 9, 30, 0, 0, time.UTC),
		"2026-01-05T09:30:00+01:00": time.Date(2026, 1, 5, 8, 30, 0, 0, time.UTC),
	} {
		if got, ok := parseDateTime(in); !ok || !got.Equal(want) {
			t.Errorf("parseDateTime(%q) = %v, %v", in, got, ok)
		}
	}
	if _, ok := parseDateTime("yesterday"); ok {
		t.Error("yesterday parsed")
	}
}

// FuzzFieldValues checks that the readers of untrusted field values never
// panic and never accept what SharePoint could not store.
func FuzzFieldValues(f *testing.F) {
	for _, s := range []string{"12", "1e309", "-0", "2026-02-30", "Due Date", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, ok := toNumber(s); ok && (math.IsNaN(n) || math.IsInf(n, 0)) {
			t.Fatalf("toNumber(%q) = %v", s, n)
		}
		if id, ok := toLookupID(s); ok && id < 1 {
			t.Fatalf("toLookupID(%q) = %d", s, id)
		}
		_, _ = parseDateTime(s)
		if n := internalName(s); len(n) > 32 {
			t.Fatalf("internalName(%q) = %q", s, n)
		}
	})
}
