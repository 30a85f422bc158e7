package o365

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // zones load on any machine, so no test depends on the host's database
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("loading %s: %v", name, err)
	}
	return loc
}

func TestWindowsZone(t *testing.T) {
	tests := []struct{ iana, windows string }{
		{"America/Los_Angeles", "Pacific Standard Time"},
		{"Europe/Madrid", "Romance Standard Time"},
		{"Europe/Berlin", "W. Europe Standard Time"},
		{"Asia/Kolkata", "India Standard Time"}, // current name; CLDR says Asia/Calcutta
		{"Asia/Calcutta", "India Standard Time"},
		{"Europe/Kyiv", "FLE Standard Time"},
		{"America/Ciudad_Juarez", "Mountain Standard Time"},
		{"Etc/UTC", "UTC"},
		{"Etc/GMT+8", "UTC-08"},
	}
	for _, tt := range tests {
		got, err := WindowsZone(mustLoad(t, tt.iana))
		if err != nil || got != tt.windows {
			t.Errorf("WindowsZone(%s) = %q, %v; want %q", tt.iana, got, err, tt.windows)
		}
	}
	for _, loc := range []*time.Location{nil, time.UTC} {
		if got, err := WindowsZone(loc); err != nil || got != "UTC" {
			t.Errorf("WindowsZone(%v) = %q, %v", loc, got, err)
		}
	}
	if _, err := WindowsZone(time.FixedZone("XYZ", 3600)); !errors.Is(err, ErrUnknownTimeZone) {
		t.Errorf("unknown zone: %v", err)
	}
}

func TestLocalZoneName(t *testing.T) {
	noLink := func(string) (string, error) { return "", os.ErrNotExist }
	env := func(v string, set bool) func(string) (string, bool) {
		return func(string) (string, bool) { return v, set }
	}
	tests := []struct {
		name     string
		getenv   func(string) (string, bool)
		readlink func(string) (string, error)
		want     string
	}{
		{"TZ name", env("Europe/Paris", true), noLink, "Europe/Paris"},
		{"TZ colon", env(":America/New_York", true), noLink, "America/New_York"},
		{"TZ path", env("/usr/share/zoneinfo/Asia/Tokyo", true), noLink, "Asia/Tokyo"},
		{"TZ empty is UTC", env("", true), noLink, "UTC"},
		{"localtime link", env("", false), func(string) (string, error) { return "../usr/share/zoneinfo/Europe/Rome", nil }, "Europe/Rome"},
		{"posix link", env("", false), func(string) (string, error) { return "/usr/share/zoneinfo/posix/Europe/Oslo", nil }, "Europe/Oslo"},
		{"no name", env("", false), noLink, ""},
		{"TZ rule string", env("/etc/custom", true), noLink, ""},
	}
	for _, tt := range tests {
		got, err := localZoneName(tt.getenv, tt.readlink)
		if tt.want == "" {
			if !errors.Is(err, ErrUnknownTimeZone) || !strings.Contains(err.Error(), "LoadLocation") {
				t.Errorf("%s: got %q, %v; want an error saying what to do", tt.name, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: got %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestIANAZone(t *testing.T) {
	tests := []struct{ windows, iana string }{
		{"Pacific Standard Time", "America/Los_Angeles"},
		{"Pacific", "America/Los_Angeles"}, // python-o365's " Standard Time" retry
		{" W. Europe Standard Time ", "Europe/Berlin"},
		{"Tokyo", "Asia/Tokyo"},
		{"UTC", "UTC"},
	}
	for _, tt := range tests {
		loc, err := IANAZone(tt.windows)
		if err != nil || loc.String() != tt.iana {
			t.Errorf("IANAZone(%q) = %v, %v; want %s", tt.windows, loc, err, tt.iana)
		}
	}
	for _, bad := range []string{"", "Mars Standard Time", "Nowhere"} {
		if _, err := IANAZone(bad); !errors.Is(err, ErrUnknownTimeZone) || !strings.Contains(err.Error(), bad) {
			t.Errorf("IANAZone(%q): %v", bad, err)
		}
	}
}

func TestPreferTimeZone(t *testing.T) {
	var nilP *Protocol
	tests := []struct {
		p    *Protocol
		want string
	}{
		{nilP, `outlook.timezone="UTC"`},
		{&Protocol{}, `outlook.timezone="UTC"`},
		{&Protocol{TimeZone: mustLoad(t, "Europe/Madrid")}, `outlook.timezone="Romance Standard Time"`},
		{&Protocol{TimeZone: time.FixedZone("Nowhere", 0)}, `outlook.timezone="UTC"`},
	}
	for _, tt := range tests {
		if got := tt.p.PreferTimeZone(); got != tt.want {
			t.Errorf("PreferTimeZone = %s, want %s", got, tt.want)
		}
	}
}

func TestDateTimeTimeZone(t *testing.T) {
	tests := []struct {
		d    DateTimeTimeZone
		want string // RFC 3339 in UTC
	}{
		// DST: Pacific is UTC-7 in July and UTC-8 in January.
		{DateTimeTimeZone{"2024-07-01T10:00:00.0000000", "Pacific Standard Time"}, "2024-07-01T17:00:00Z"},
		{DateTimeTimeZone{"2024-01-15T10:00:00.0000000", "Pacific Standard Time"}, "2024-01-15T18:00:00Z"},
		{DateTimeTimeZone{"2024-07-01T10:00:00.0000000", "America/Los_Angeles"}, "2024-07-01T17:00:00Z"},
		{DateTimeTimeZone{"2024-03-31T03:30:00", "W. Europe Standard Time"}, "2024-03-31T01:30:00Z"},
		{DateTimeTimeZone{"2024-05-01T10:00:00.1234567", "UTC"}, "2024-05-01T10:00:00.1234567Z"},
		{DateTimeTimeZone{"2024-05-01T10:00:00", ""}, "2024-05-01T10:00:00Z"},
		{DateTimeTimeZone{"2024-05-01T10:00:00Z", "Tokyo Standard Time"}, "2024-05-01T10:00:00Z"},
		{DateTimeTimeZone{"2024-05-01T10:00:00+02:00", "UTC"}, "2024-05-01T08:00:00Z"},
	}
	for _, tt := range tests {
		got, err := tt.d.Time()
		if err != nil || got.UTC().Format(time.RFC3339Nano) != tt.want {
			t.Errorf("%+v.Time() = %v, %v; want %s", tt.d, got, err, tt.want)
		}
	}
	for _, bad := range []DateTimeTimeZone{
		{"2024-05-01T10:00:00", "Mars Standard Time"},
		{"2024-05-01T10:00:00", "Local"},
		{"", "UTC"},
		{"yesterday", "UTC"},
	} {
		if _, err := bad.Time(); err == nil {
			t.Errorf("%+v.Time(): no error", bad)
		}
	}
	if _, err := (DateTimeTimeZone{"2024-05-01T10:00:00", "Mars"}).Time(); !errors.Is(err, ErrUnknownTimeZone) {
		t.Errorf("unknown zone error: %v", err)
	}
}

func TestNewDateTimeTimeZone(t *testing.T) {
	la := mustLoad(t, "America/Los_Angeles")
	in := time.Date(2024, 7, 1, 10, 0, 0, 500, la)
	d := NewDateTimeTimeZone(in)
	if d.DateTime != "2024-07-01T10:00:00.0000005" || d.TimeZone != "Pacific Standard Time" {
		t.Errorf("got %+v", d)
	}
	back, err := d.Time()
	if err != nil || !back.Equal(in.Truncate(100*time.Nanosecond)) {
		t.Errorf("round trip: %v, %v", back, err)
	}
	odd := NewDateTimeTimeZone(time.Date(2024, 7, 1, 10, 0, 0, 0, time.FixedZone("X", 2*3600)))
	if odd.DateTime != "2024-07-01T08:00:00.0000000" || odd.TimeZone != "UTC" {
		t.Errorf("unnamed zone: %+v", odd)
	}
}
