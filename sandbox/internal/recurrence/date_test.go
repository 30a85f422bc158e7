package recurrence

import (
	"testing"
	"time"
)

func TestDayNumbersAgreeWithTimePackage(t *testing.T) {
	// Every day from 1600 to 4600, against the standard library.
	start := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
	want := int(start.Unix() / 86400)
	for d := start; d.Year() < 4600; d = d.AddDate(0, 0, 1) {
		got := DateOf(d)
		if z := got.days(); z != want {
			t.Fatalf("%s.days() = %d, want %d", got, z, want)
		}
		if back := dateOfDays(want); back != got {
			t.Fatalf("dateOfDays(%d) = %s, want %s", want, back, got)
		}
		if w := weekdayOfDays(want); w != d.Weekday() {
			t.Fatalf("weekday of %s = %s, want %s", got, w, d.Weekday())
		}
		if n := daysIn(d.Year(), d.Month()); n != time.Date(d.Year(), d.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day() {
			t.Fatalf("daysIn(%d, %s) = %d", d.Year(), d.Month(), n)
		}
		want++
	}
}

func TestParseDate(t *testing.T) {
	good := map[string]Date{
		"2024-02-29": {2024, 2, 29},
		"1601-01-01": {1601, 1, 1},
		"4500-08-31": {4500, 8, 31},
		"0001-01-01": {1, 1, 1},
	}
	for in, want := range good {
		got, err := ParseDate(in)
		if err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", in, got, err, want)
		}
		if got.String() != in {
			t.Errorf("%v.String() = %q, want %q", got, got.String(), in)
		}
	}
	for _, in := range []string{"", "2023-02-29", "2024-13-01", "2024-00-10", "2024-1-01", "24-01-01", "2024/01/01",
		"2024-01-01T00:00:00Z", "+024-01-01", "2024-+1-01", "0000-01-01", "2024-04-31"} {
		if d, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", in, d)
		}
	}
}

func TestDateCompareAndAdd(t *testing.T) {
	a := Date{2024, 2, 28}
	if b := a.AddDays(1); b != (Date{2024, 2, 29}) {
		t.Errorf("AddDays(1) = %s", b)
	}
	if b := a.AddDays(366); b != (Date{2025, 2, 28}) {
		t.Errorf("AddDays(366) = %s", b)
	}
	if a.Compare(a.AddDays(1)) != -1 || a.AddDays(1).Compare(a) != 1 || a.Compare(a) != 0 {
		t.Error("Compare is not an order")
	}
	if a.Weekday() != time.Wednesday {
		t.Errorf("2024-02-28 is a %s", a.Weekday())
	}
}
