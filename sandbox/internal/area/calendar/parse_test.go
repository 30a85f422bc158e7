package calendar

import (
	"testing"
	"time"
)

func TestOccurrenceIDs(t *testing.T) {
	for _, master := range []string{"4f7a1a2e-9c1b-4a55-8f0e-1b2c3d4e5f60", "AAMkAGI2TG93AAA=", "a.b_c-d"} {
		id := occurrenceID(master, "2026-03-29")
		m, key, ok := parseOccurrenceID(id)
		if !ok || m != master || key != "2026-03-29" {
			t.Errorf("round trip of %q: %q %q %v", master, m, key, ok)
		}
	}
	for _, id := range []string{"", "plain-id", occurrenceID("m", "2026-02-30"), occurrenceID("", "2026-01-01"), "b2NjAA", "!!!"} {
		if _, _, ok := parseOccurrenceID(id); ok {
			t.Errorf("%q read as an occurrence id", id)
		}
	}
}

func FuzzParseOccurrenceID(f *testing.F) {
	f.Add(occurrenceID("master", "2026-01-05"))
	f.Add("not-an-id")
	f.Fuzz(func(t *testing.T, id string) {
		m, key, ok := parseOccurrenceID(id)
		if ok && occurrenceID(m, key) != id {
			if m2, k2, ok2 := parseOccurrenceID(occurrenceID(m, key)); !ok2 || m2 != m || k2 != key {
				t.Fatalf("%q -> %q %q does not round trip", id, m, key)
			}
		}
	})
}

func TestParseISODuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"PT1H": time.Hour, "PT30M": 30 * time.Minute, "pt1h30m": 90 * time.Minute, "PT45S": 45 * time.Second, "PT2H0M5S": 2*time.Hour + 5*time.Second} {
		if got, err := parseISODuration(in); err != nil || got != want {
			t.Errorf("%q: %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "PT", "1H", "PT1", "PTH", "P1D", "PT0M", "PT1X", "PT-1H"} {
		if _, err := parseISODuration(in); err == nil {
			t.Errorf("%q was accepted", in)
		}
	}
}

func FuzzParseISODuration(f *testing.F) {
	for _, s := range []string{"PT1H", "PT30M", "PT1H30M15S", "P1D"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := parseISODuration(s); err == nil && d <= 0 {
			t.Fatalf("%q: accepted as %v", s, d)
		}
	})
}

func TestParseWindow(t *testing.T) {
	w, err := parseWindow("2026-03-01T00:00:00-08:00", "2026-03-02")
	if err != nil || !w.from.Equal(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)) || !w.to.Equal(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("window: %v %v", w, err)
	}
	if w, err := parseWindow("2026-03-01T10:00:00.0000000", "2026-03-01T11:00"); err != nil || w.to.Sub(w.from) != time.Hour {
		t.Fatalf("Graph's own form: %v %v", w, err)
	}
	for _, pair := range [][2]string{{"", "2026-01-01"}, {"2026-01-02", "2026-01-01"}, {"yesterday", "2026-01-01"}, {"2026-01-01", "2026-01-01"}} {
		if _, err := parseWindow(pair[0], pair[1]); err == nil {
			t.Errorf("%v was accepted", pair)
		}
	}
}

func FuzzParseDTZ(f *testing.F) {
	f.Add("2026-03-29T02:30:00", "W. Europe Standard Time")
	f.Add("2026-03-29T02:30:00.0000000Z", "Europe/Berlin")
	f.Add("2026-03-29", "")
	f.Fuzz(func(t *testing.T, dt, zone string) {
		at, name, err := parseDTZ(map[string]any{"dateTime": dt, "timeZone": zone}, "start")
		if err == nil && (at.IsZero() && dt != "0001-01-01" || name != zone) {
			t.Fatalf("%q %q: %v %q", dt, zone, at, name)
		}
	})
}
