package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/o365go/o365/sandbox"
)

type listedEvent struct {
	ID             string `json:"id"`
	Subject        string `json:"subject"`
	Type           string `json:"type"`
	SeriesMasterID string `json:"seriesMasterId"`
	Start          struct {
		DateTime string `json:"dateTime"`
		TimeZone string `json:"timeZone"`
	} `json:"start"`
	Attendees []struct {
		EmailAddress struct {
			Address string `json:"address"`
		} `json:"emailAddress"`
		Status struct {
			Response string `json:"response"`
		} `json:"status"`
	} `json:"attendees"`
	ResponseStatus struct {
		Response string `json:"response"`
	} `json:"responseStatus"`
}

// TestCalendarCommands runs the calendar commands against the embedded
// sandbox: Alice creates a recurring meeting with the shared mailbox (whose
// calendar she is a delegate of), reads her agenda grouped by day with row
// numbers, answers for the shared mailbox, moves and deletes occurrences,
// looks at free/busy and exports to iCalendar.
func TestCalendarCommands(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dir := t.TempDir()
	shared := []string{"--sandbox", "--resource", "user:" + sandbox.DemoShared}
	asShared := func(args ...string) []string { return append(append([]string{}, shared...), args...) }

	r := h.mustRun("--sandbox", "calendar", "list")
	for _, want := range []string{"Calendar", "Shared Mailbox", "yes"} {
		if !strings.Contains(r.stdout, want) {
			t.Fatalf("calendar list lacks %q:\n%s", want, r.stdout)
		}
	}

	// A weekly meeting across the change to summer time.
	created := jsonOut[listedEvent](t, h.mustRun("--sandbox", "--json", "calendar", "create", "--subject", "CLI review",
		"--start", "2026-03-16T10:00", "--duration", "1h", "--tz", "Europe/Berlin", "--attendee", sandbox.DemoShared,
		"--location", "Room 7", "--online", "--repeat", "weekly:mon,wed", "--count", "10"))
	if created.Type != "seriesMaster" || created.ID == "" {
		t.Fatalf("created: %+v", created)
	}

	// The agenda in Berlin time: every occurrence at 10:00, grouped by day.
	r = h.mustRun("--sandbox", "calendar", "agenda", "--from", "2026-03-23", "--to", "2026-04-01", "--tz", "Europe/Berlin")
	if strings.Count(r.stdout, "10:00-11:00  CLI review") != 4 || !strings.Contains(r.stdout, "Mon 30 Mar 2026") {
		t.Fatalf("agenda:\n%s", r.stdout)
	}
	view := jsonOut[[]listedEvent](t, h.mustRun("--sandbox", "--json", "calendar", "agenda", "--from", "2026-03-23", "--to", "2026-04-01"))
	var mine []listedEvent
	for _, e := range view {
		if e.Subject == "CLI review" {
			mine = append(mine, e)
		}
	}
	if len(mine) != 4 || mine[0].SeriesMasterID != created.ID || mine[2].Start.DateTime != "2026-03-30T08:00:00.0000000" {
		t.Fatalf("agenda --json: %+v", mine)
	}

	// Row numbers: show the first row, in UTC.
	day := jsonOut[[]listedEvent](t, h.mustRun("--sandbox", "--json", "calendar", "agenda", "--from", "2026-03-16", "--to", "2026-03-16", "--tz", "UTC"))
	row := 0
	for i, e := range day {
		if e.Subject == "CLI review" {
			row = i + 1
		}
	}
	h.mustRun("--sandbox", "calendar", "agenda", "--from", "2026-03-16", "--to", "2026-03-16", "--tz", "UTC")
	r = h.mustRun("--sandbox", "calendar", "show", strconv.Itoa(row), "--tz", "UTC")
	if !strings.Contains(r.stdout, "CLI review") || !strings.Contains(r.stdout, "09:00-10:00") || !strings.Contains(r.stdout, "Room 7") {
		t.Fatalf("show 1:\n%s", r.stdout)
	}

	// The shared mailbox accepts the series, then declines one occurrence
	// without telling Alice.
	sharedView := jsonOut[[]listedEvent](t, h.mustRun(asShared("--json", "calendar", "agenda", "--from", "2026-03-16", "--to", "2026-03-19")...))
	if len(sharedView) != 2 || sharedView[0].ResponseStatus.Response != "notResponded" {
		t.Fatalf("shared mailbox's agenda: %+v", sharedView)
	}
	h.mustRun(asShared("calendar", "respond", sharedView[0].SeriesMasterID, "accept", "--comment", "Fine")...)
	h.mustRun(asShared("calendar", "respond", sharedView[1].ID, "decline", "--no-send")...)
	r = h.mustRun("--sandbox", "calendar", "show", created.ID)
	if !strings.Contains(r.stdout, "accepted") || !strings.Contains(r.stdout, "weekly on monday, wednesday, 10 times") {
		t.Fatalf("show (organizer):\n%s", r.stdout)
	}
	if r := h.run(asShared("calendar", "respond", sharedView[0].ID, "maybe")...); r.code != ExitUsage {
		t.Fatalf("respond maybe: exit %d", r.code)
	}

	// Alice moves one occurrence and deletes another.
	h.mustRun("--sandbox", "calendar", "update", mine[0].ID, "--start", "2026-03-23T15:00", "--duration", "30m", "--tz", "Europe/Berlin")
	r = h.run("--sandbox", "calendar", "delete", mine[1].ID, "not-an-event-id")
	if r.code != ExitNotFound || !strings.Contains(r.stdout, "deleted") || !strings.Contains(r.stdout, "not found") {
		t.Fatalf("delete: exit %d\n%s", r.code, r.stdout)
	}
	if r := h.run("--sandbox", "calendar", "delete", mine[1].ID); r.code != ExitNotFound {
		t.Fatalf("deleting it again: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = h.mustRun("--sandbox", "calendar", "agenda", "--from", "2026-03-23", "--to", "2026-03-26", "--tz", "Europe/Berlin")
	if !strings.Contains(r.stdout, "15:00-15:30  CLI review") || strings.Contains(r.stdout, "Wed 25 Mar") {
		t.Fatalf("agenda after the changes:\n%s", r.stdout)
	}

	// Free/busy grid: the shared mailbox is busy 09:00-10:00 UTC on March 16.
	r = h.mustRun("--sandbox", "calendar", "free", "--users", sandbox.DemoShared+","+sandbox.DemoUser,
		"--from", "2026-03-16T08:00", "--to", "2026-03-16T12:00", "--tz", "UTC", "--interval", "1h")
	if !strings.Contains(r.stdout, ".#..") {
		t.Fatalf("free grid:\n%s", r.stdout)
	}

	// Export the series, then refuse to overwrite.
	ics := filepath.Join(dir, "review.ics")
	h.mustRun("--sandbox", "calendar", "export", created.ID, "--ics", ics)
	data, err := os.ReadFile(ics)
	must(t, err)
	for _, want := range []string{"BEGIN:VCALENDAR", "RRULE:FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE", "EXDATE;TZID=Europe/Berlin:20260325T100000", "RECURRENCE-ID"} {
		if !strings.Contains(string(data), want) {
			t.Fatalf("export lacks %q:\n%s", want, data)
		}
	}
	if r := h.run("--sandbox", "calendar", "export", created.ID, "--ics", ics); r.code != ExitUsage || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("export over a file: exit %d\n%s", r.code, r.stderr)
	}
	h.mustRun("--sandbox", "calendar", "export", "--from", "2026-03-16", "--to", "2026-03-20", "--ics", ics, "--force")

	// Input errors say what to write.
	r = h.run("--sandbox", "calendar", "create", "--subject", "x", "--start", "tomorrow 10:00", "--duration", "1h")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "2026-12-03T10:00") {
		t.Fatalf("natural-language date: exit %d\n%s", r.code, r.stderr)
	}
	if r := h.run("--sandbox", "calendar", "create", "--subject", "x", "--start", "2026-05-01T10:00", "--end", "2026-05-01T11:00", "--duration", "1h"); r.code != ExitUsage {
		t.Fatalf("--end with --duration: exit %d", r.code)
	}
	if r := h.run("--sandbox", "calendar", "agenda", "--tz", "Mars/Olympus"); r.code != ExitUsage {
		t.Fatalf("--tz Mars: exit %d", r.code)
	}
	if r := h.run("--sandbox", "calendar", "show", "99"); r.code != ExitUsage {
		t.Fatalf("show 99: exit %d\n%s", r.code, r.stderr)
	}
	// All-day events take dates.
	allDay := jsonOut[listedEvent](t, h.mustRun("--sandbox", "--json", "calendar", "create", "--subject", "Offsite", "--all-day",
		"--start", "2026-06-01", "--end", "2026-06-02", "--tz", "Europe/Berlin"))
	if allDay.Start.DateTime != "2026-06-01T00:00:00.0000000" {
		t.Fatalf("all-day start: %+v", allDay.Start)
	}
	// The organizer cancels the series.
	h.mustRun("--sandbox", "calendar", "cancel", created.ID, "--comment", "Done early")
	if r := h.run("--sandbox", "calendar", "show", created.ID); r.code != ExitNotFound {
		t.Fatalf("cancelled series: exit %d", r.code)
	}
}
