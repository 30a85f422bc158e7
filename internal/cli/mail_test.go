package cli

import (
	"bytes"
	"encoding/json"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/o365go/o365/sandbox"
)

// jsonOut decodes a command's --json output.
func jsonOut[T any](t *testing.T, r result) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	return v
}

type listed struct {
	ID             string `json:"id"`
	Subject        string `json:"subject"`
	IsRead         bool   `json:"isRead"`
	HasAttachments bool   `json:"hasAttachments"`
	ParentFolderID string `json:"parentFolderId"`
}

func TestMailCommands(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dir := t.TempDir()
	bob := []string{"--sandbox", "--resource", "user:" + sandbox.DemoBob}
	asBob := func(args ...string) []string { return append(append([]string{}, bob...), args...) }

	// Folders, as a table and as JSON.
	r := h.mustRun("--sandbox", "mail", "folders")
	for _, want := range []string{"Inbox", "Sent Items", "Drafts"} {
		if !strings.Contains(r.stdout, want) {
			t.Fatalf("folders table lacks %q:\n%s", want, r.stdout)
		}
	}
	folders := jsonOut[[]map[string]any](t, h.mustRun("--sandbox", "--json", "mail", "folders"))
	if len(folders) < 7 {
		t.Fatalf("%d folders", len(folders))
	}

	// Send with a 4 MB attachment (an upload session) and a body file.
	big := bytes.Repeat([]byte("attachment-bytes"), 1<<18)
	att := filepath.Join(dir, "data.bin")
	must(t, os.WriteFile(att, big, 0o600))
	bodyFile := filepath.Join(dir, "body.html")
	must(t, os.WriteFile(bodyFile, []byte("<p>Hello from the <b>CLI</b></p>"), 0o600))
	h.mustRun("--sandbox", "mail", "send", "--to", "Bob Baker <"+sandbox.DemoBob+">", "--cc", sandbox.DemoCarol,
		"--subject", "CLI hello", "--body-file", bodyFile, "--html", "--attach", att)

	// Bob finds it (shared access through --resource) by sender and by search.
	list := jsonOut[[]listed](t, h.mustRun(asBob("--json", "mail", "list", "--folder", "inbox", "--from", sandbox.DemoUser, "--unread")...))
	if len(list) != 1 || list[0].Subject != "CLI hello" || !list[0].HasAttachments {
		t.Fatalf("list --from: %+v", list)
	}
	id := list[0].ID
	if s := jsonOut[[]listed](t, h.mustRun(asBob("--json", "mail", "list", "--search", "CLI hello", "--top", "5")...)); len(s) != 1 || s[0].ID != id {
		t.Fatalf("list --search: %+v", s)
	}
	r = h.mustRun(asBob("mail", "read", id)...)
	if !strings.Contains(r.stdout, "Subject:") || !strings.Contains(r.stdout, "Hello from the CLI") || strings.Contains(r.stdout, "<b>") || !strings.Contains(r.stdout, "data.bin") {
		t.Fatalf("read (text):\n%s", r.stdout)
	}
	if r = h.mustRun(asBob("mail", "read", "--html", id)...); !strings.Contains(r.stdout, "<b>CLI</b>") {
		t.Fatalf("read --html:\n%s", r.stdout)
	}

	// Attachments: list, save twice (no overwrite).
	if r = h.mustRun(asBob("mail", "attachments", id)...); !strings.Contains(r.stdout, "data.bin") {
		t.Fatalf("attachments:\n%s", r.stdout)
	}
	save := filepath.Join(dir, "saved")
	h.mustRun(asBob("mail", "attachments", id, "--save", save)...)
	saved := jsonOut[[]string](t, h.mustRun(asBob("--json", "mail", "attachments", id, "--save", save)...))
	if len(saved) != 1 || filepath.Base(saved[0]) != "data (1).bin" {
		t.Fatalf("second save %v", saved)
	}
	got, err := os.ReadFile(filepath.Join(save, "data.bin"))
	must(t, err)
	if !bytes.Equal(got, big) {
		t.Fatalf("saved attachment differs (%d bytes)", len(got))
	}

	// Export as .eml and parse it.
	eml := filepath.Join(dir, "m.eml")
	h.mustRun(asBob("mail", "export", id, "--eml", eml)...)
	raw, err := os.ReadFile(eml)
	must(t, err)
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil || m.Header.Get("Subject") != "CLI hello" {
		t.Fatalf("export: %v %v", err, m)
	}

	// Reply (as Bob), forward, mark, move, delete.
	h.mustRun(asBob("mail", "reply", id, "--all", "--body", "Thanks!")...)
	replies := jsonOut[[]listed](t, h.mustRun("--sandbox", "--json", "mail", "list", "--folder", "Inbox", "--search", "Thanks"))
	if len(replies) != 1 || replies[0].Subject != "RE: CLI hello" {
		t.Fatalf("Alice's replies %+v", replies)
	}
	h.mustRun(asBob("mail", "forward", id, "--to", sandbox.DemoDan, "--body", "FYI")...)
	h.mustRun(asBob("mail", "mark", id, "--read")...)
	if l := jsonOut[[]listed](t, h.mustRun(asBob("--json", "mail", "list", "--folder", "inbox", "--unread", "--from", sandbox.DemoUser)...)); len(l) != 0 {
		t.Fatalf("still unread: %+v", l)
	}
	copied := jsonOut[map[string]any](t, h.mustRun(asBob("--json", "mail", "copy", id, "Archive")...))
	moved := jsonOut[map[string]any](t, h.mustRun(asBob("--json", "mail", "move", id, "Archive")...))
	if moved["id"] == "" || moved["id"] == copied["id"] || moved["parentFolderId"] == "" || moved["parentFolderId"] != copied["parentFolderId"] || moved["subject"] != "CLI hello" {
		t.Fatalf("move: %v, copy: %v", moved, copied)
	}
	if r := h.mustRun(asBob("mail", "copy", moved["id"].(string), "inbox")...); !strings.Contains(r.stdout, "Copied") || !strings.Contains(r.stdout, "CLI hello") {
		t.Fatalf("copy table:\n%s", r.stdout)
	}
	h.mustRun(asBob("mail", "delete", moved["id"].(string))...)
	if r = h.run(asBob("mail", "delete", moved["id"].(string))...); r.code != ExitNotFound {
		t.Fatalf("deleting twice: exit %d, %s", r.code, r.stderr)
	}

	// Usage errors exit 2.
	for _, args := range [][]string{
		{"--sandbox", "mail", "send", "--subject", "x", "--body", "y"},
		{"--sandbox", "mail", "send", "--to", sandbox.DemoBob, "--subject", "x"},
		{"--sandbox", "mail", "mark", "some-id"},
		{"--sandbox", "mail", "mark", "some-id", "--read", "--unread"},
		{"--sandbox", "mail", "send", "--to", sandbox.DemoBob, "--body", "y"},
		{"--sandbox", "mail", "send", "--to", sandbox.DemoBob, "--subject", "x", "--body", "y", "--body-file", "-"},
		{"--sandbox", "mail", "send", "--to", "not an address", "--subject", "x", "--body", "y"},
		{"--sandbox", "mail", "auto-reply", "schedule", "--message", "m", "--start", "2026-08-02", "--end", "2026-08-01"},
	} {
		if r := h.run(args...); r.code != ExitUsage {
			t.Fatalf("o365 %s: exit %d, want %d (%s)", strings.Join(args, " "), r.code, ExitUsage, r.stderr)
		}
	}
}

func TestMailSyncAndAutoReply(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	state := filepath.Join(t.TempDir(), "inbox.delta")
	first := jsonOut[syncOutputJSON](t, h.mustRun("--sandbox", "--json", "mail", "sync", "inbox", "--state", state))
	if len(first.Changed) != 3 || len(first.Removed) != 0 {
		t.Fatalf("first sync %+v", first)
	}
	if fi, err := os.Stat(state); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file %v %v", fi, err)
	}
	h.mustRun("--sandbox", "mail", "send", "--to", sandbox.DemoUser, "--subject", "to myself", "--body", "x")
	h.mustRun("--sandbox", "mail", "delete", first.Changed[0].ID)
	second := jsonOut[syncOutputJSON](t, h.mustRun("--sandbox", "--json", "mail", "sync", "inbox", "--state", state))
	if len(second.Changed) != 1 || second.Changed[0].Subject != "to myself" || len(second.Removed) != 1 || second.Removed[0] != first.Changed[0].ID {
		t.Fatalf("second sync %+v", second)
	}
	if r := h.mustRun("--sandbox", "mail", "sync", "inbox", "--state", state); strings.Contains(r.stdout, "to myself") {
		t.Fatalf("third sync repeated a change:\n%s", r.stdout)
	}

	h.mustRun("--sandbox", "mail", "auto-reply", "schedule", "--message", "On holiday", "--start", "2026-08-01", "--end", "2026-08-15T09:00", "--audience", "contactsOnly")
	ar := jsonOut[map[string]any](t, h.mustRun("--sandbox", "--json", "mail", "auto-reply"))
	if ar["status"] != "scheduled" || ar["internalReplyMessage"] != "On holiday" || ar["externalReplyMessage"] != "On holiday" || ar["externalAudience"] != "contactsOnly" {
		t.Fatalf("auto-reply %v", ar)
	}
	h.mustRun("--sandbox", "mail", "auto-reply", "on", "--message", "Away", "--external", "Out of office")
	if r := h.mustRun("--sandbox", "mail", "auto-reply"); !strings.Contains(r.stdout, "alwaysEnabled") || !strings.Contains(r.stdout, "Out of office") {
		t.Fatalf("auto-reply on:\n%s", r.stdout)
	}
	off := jsonOut[map[string]any](t, h.mustRun("--sandbox", "--json", "mail", "auto-reply", "off"))
	if off["status"] != "disabled" {
		t.Fatalf("auto-reply off %v", off)
	}
}

type syncOutputJSON struct {
	Changed []listed `json:"changed"`
	Removed []string `json:"removed"`
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
