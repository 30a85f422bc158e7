package zones

import (
	"slices"
	"strings"
	"testing"
)

func TestTablesSorted(t *testing.T) {
	for name, table := range map[string][]zonePair{"ianaToWindows": ianaToWindows, "windowsToIANA": windowsToIANA} {
		if len(table) < 100 {
			t.Errorf("%s has only %d rows", name, len(table))
		}
		if !slices.IsSortedFunc(table, func(a, b zonePair) int { return strings.Compare(a.key, b.key) }) {
			t.Errorf("%s is not sorted", name)
		}
	}
	// Every Windows name's primary zone maps back to the same Windows name.
	for _, row := range windowsToIANA {
		if w, ok := Windows(row.value); !ok || w != row.key {
			t.Errorf("%s -> %s -> %q", row.key, row.value, w)
		}
	}
}

func TestLookups(t *testing.T) {
	for _, tc := range []struct {
		got  func() (string, bool)
		want string
		ok   bool
	}{
		{func() (string, bool) { return Windows("Europe/Berlin") }, "W. Europe Standard Time", true},
		{func() (string, bool) { return Windows("europe/berlin") }, "", false},
		{func() (string, bool) { return WindowsFold("europe/berlin") }, "W. Europe Standard Time", true},
		{func() (string, bool) { return IANA("Pacific Standard Time") }, "America/Los_Angeles", true},
		{func() (string, bool) { return IANA("pacific standard time") }, "", false},
		{func() (string, bool) { return WindowsFold("Mars/Olympus") }, "", false},
	} {
		if got, ok := tc.got(); got != tc.want || ok != tc.ok {
			t.Errorf("got %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
		}
	}
	iana, name, ok := IANAFold("pacific STANDARD time")
	if iana != "America/Los_Angeles" || name != "Pacific Standard Time" || !ok {
		t.Errorf("IANAFold: %q %q %v", iana, name, ok)
	}
}
