package recurrence

import (
	"testing"
	"time"
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("zone %s: %v", name, err)
	}
	return loc
}

func TestWallTimeOnTransitionDays(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		zone       string
		date       Date
		hour, min  int
		want       time.Time
		wantClock  string // what the wall clock shows at want
		whatHappen string
	}{
		{"Europe/Berlin", Date{2024, 3, 30}, 2, 30, utc("2024-03-30T01:30:00Z"), "02:30", "CET, the day before"},
		{"Europe/Berlin", Date{2024, 3, 31}, 2, 30, utc("2024-03-31T01:30:00Z"), "03:30", "gap: read with CET, shows 03:30 CEST"},
		{"Europe/Berlin", Date{2024, 3, 31}, 3, 0, utc("2024-03-31T01:00:00Z"), "03:00", "first minute of CEST"},
		{"Europe/Berlin", Date{2024, 3, 31}, 1, 59, utc("2024-03-31T00:59:00Z"), "01:59", "last minute of CET"},
		{"Europe/Berlin", Date{2024, 10, 27}, 2, 30, utc("2024-10-27T00:30:00Z"), "02:30", "overlap: the first, CEST"},
		{"Europe/Berlin", Date{2024, 10, 27}, 3, 0, utc("2024-10-27T02:00:00Z"), "03:00", "after the overlap, CET"},
		{"America/New_York", Date{2024, 3, 10}, 2, 30, utc("2024-03-10T07:30:00Z"), "03:30", "gap: read with EST, shows 03:30 EDT"},
		{"America/New_York", Date{2024, 11, 3}, 1, 30, utc("2024-11-03T05:30:00Z"), "01:30", "overlap: the first, EDT"},
		{"America/New_York", Date{2024, 11, 3}, 2, 30, utc("2024-11-03T07:30:00Z"), "02:30", "EST"},
		{"Australia/Sydney", Date{2024, 10, 6}, 2, 30, utc("2024-10-05T16:30:00Z"), "03:30", "gap: read with AEST, shows 03:30 AEDT"},
		{"Australia/Sydney", Date{2024, 4, 7}, 2, 30, utc("2024-04-06T15:30:00Z"), "02:30", "overlap: the first, AEDT"},
		{"Asia/Tokyo", Date{2024, 3, 31}, 2, 30, utc("2024-03-30T17:30:00Z"), "02:30", "no daylight saving"},
		{"UTC", Date{2024, 3, 31}, 2, 30, utc("2024-03-31T02:30:00Z"), "02:30", "UTC"},
		{"Pacific/Apia", Date{2011, 12, 30}, 12, 0, utc("2011-12-30T22:00:00Z"), "12:00", "Samoa skipped 2011-12-30: read with the old offset (-10), shows 12:00 on the 31st"},
		{"Australia/Lord_Howe", Date{2024, 10, 6}, 2, 15, utc("2024-10-05T15:45:00Z"), "02:45", "a half-hour gap"},
	}
	for _, tt := range tests {
		loc := mustZone(t, tt.zone)
		got := WallTime(tt.date, tt.hour, tt.min, 0, 0, loc)
		if !got.Equal(tt.want) {
			t.Errorf("%s %s %02d:%02d (%s) = %s, want %s", tt.zone, tt.date, tt.hour, tt.min, tt.whatHappen, got.UTC().Format(time.RFC3339), tt.want.Format(time.RFC3339))
		}
		if c := got.Format("15:04"); c != tt.wantClock {
			t.Errorf("%s %s %02d:%02d (%s) shows %s, want %s", tt.zone, tt.date, tt.hour, tt.min, tt.whatHappen, c, tt.wantClock)
		}
		if got.Location() != loc {
			t.Errorf("%s: result is in %s, want the zone itself", tt.zone, got.Location())
		}
	}
}

// TestWallTimeEveryQuarterHour walks ten years in zones with and without
// daylight saving and checks WallTime against a brute force reading of the
// zone: every quarter hour of the days around a change of offset, and a
// few times of the other days.
func TestWallTimeEveryQuarterHour(t *testing.T) {
	for _, name := range []string{"Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Australia/Lord_Howe"} {
		loc := mustZone(t, name)
		for day := (Date{2020, 1, 1}); day.Compare(Date{2030, 1, 1}) < 0; day = day.AddDays(1) {
			noon := time.Date(day.Year, day.Month, day.Day, 12, 0, 0, 0, loc)
			_, before := noon.AddDate(0, 0, -1).Zone()
			_, after := noon.AddDate(0, 0, 1).Zone()
			step := 1
			if before == after {
				step = 31 // a plain day: a handful of times
			}
			for q := 0; q < 96; q += step {
				h, m := q/4, q%4*15
				got := WallTime(day, h, m, 0, 0, loc)
				want := bruteWallTime(day, h, m, loc)
				if !got.Equal(want) {
					t.Fatalf("%s %s %02d:%02d = %s, brute force says %s", name, day, h, m, got.UTC(), want.UTC())
				}
			}
		}
	}
}

// bruteWallTime reads the zone minute by minute around the wall time: the
// earliest instant showing it, or, when none does, the wall time read with
// the smaller of the offsets around it (the one before a spring-forward
// jump).
func bruteWallTime(d Date, h, m int, loc *time.Location) time.Time {
	wall := time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, time.UTC)
	for u := wall.Add(-15 * time.Hour); u.Before(wall.Add(15 * time.Hour)); u = u.Add(15 * time.Minute) {
		l := u.In(loc)
		if l.Year() == d.Year && l.Month() == d.Month && l.Day() == d.Day && l.Hour() == h && l.Minute() == m {
			return l
		}
	}
	_, before := wall.Add(-26 * time.Hour).In(loc).Zone()
	_, after := wall.Add(26 * time.Hour).In(loc).Zone()
	return wall.Add(-time.Duration(min(before, after)) * time.Second).In(loc)
}
