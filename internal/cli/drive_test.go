package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/o365go/o365/sandbox"
)

func TestDriveCommands(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dir := t.TempDir()
	sb := func(args ...string) result { return h.mustRun(append([]string{"--sandbox", "drive"}, args...)...) }

	// ls: names; -l: sizes and times; --json: the items as the service sent them.
	r := sb("ls")
	if r.stdout != "NAME\nDocuments/\nPictures/\nWelcome.txt\n" {
		t.Fatalf("ls:\n%s", r.stdout)
	}
	r = sb("ls", "-l", "/Documents")
	if !strings.Contains(r.stdout, "52 B") || !strings.Contains(r.stdout, "Budget.csv") || !strings.Contains(r.stdout, "2026-01-05") {
		t.Fatalf("ls -l:\n%s", r.stdout)
	}
	r = sb("--json", "ls", "/Documents/Budget.csv")
	var items []map[string]any
	must(t, json.Unmarshal([]byte(r.stdout), &items))
	if len(items) != 1 || items[0]["name"] != "Budget.csv" || items[0]["file"] == nil || items[0]["@microsoft.graph.downloadUrl"] == nil {
		t.Fatalf("ls --json: %s", r.stdout)
	}

	// put, then get it back; get refuses to overwrite without --force.
	local := filepath.Join(dir, "notes file.txt")
	must(t, os.WriteFile(local, []byte("hello drive"), 0o600))
	sb("put", local, "/Work/")
	r = sb("--json", "put", local, "/Work/notes file.txt", "--conflict", "rename")
	var up map[string]any
	must(t, json.Unmarshal([]byte(r.stdout), &up))
	if up["name"] != "notes file 1.txt" {
		t.Fatalf("put --conflict rename: %s", r.stdout)
	}
	if r := h.run("--sandbox", "drive", "put", local, "/Work/notes file.txt", "--conflict", "fail"); r.code != 1 || !strings.Contains(r.stderr, "nameAlreadyExists") {
		t.Fatalf("put --conflict fail: %d %s", r.code, r.stderr)
	}
	out := filepath.Join(dir, "back.txt")
	sb("get", "/Work/notes file.txt", out)
	if data, _ := os.ReadFile(out); string(data) != "hello drive" {
		t.Fatalf("get: %q", data)
	}
	if r := h.run("--sandbox", "drive", "get", "/Work/notes file.txt", out); r.code != ExitUsage || !strings.Contains(r.stderr, "exists") {
		t.Fatalf("get over an existing file: %d %s", r.code, r.stderr)
	}
	sb("get", "--force", "/Work/notes file.txt", out)
	if r := sb("get", "/Welcome.txt", "-"); r.stdout != "Welcome to OneDrive, Alice.\n" {
		t.Fatalf("get -: %q", r.stdout)
	}
	// A folder, into a new directory.
	sb("get", "/Documents", filepath.Join(dir, "docs"))
	if data, err := os.ReadFile(filepath.Join(dir, "docs", "Budget.csv")); err != nil || !strings.HasPrefix(string(data), "item,amount") {
		t.Fatalf("get folder: %q %v", data, err)
	}

	// mkdir -p, mv, cp, rm.
	sb("mkdir", "/Work/a/b")
	sb("mv", "/Work/notes file 1.txt", "/Work/a/b")
	sb("mv", "/Work/a/b/notes file 1.txt", "/Work/a/renamed.txt")
	r = sb("cp", "/Work/a", "/Work/a copy")
	if !strings.Contains(r.stdout, "/Work/a copy") {
		t.Fatalf("cp: %s", r.stdout)
	}
	r = sb("ls", "-R", "/Work")
	for _, want := range []string{"a/renamed.txt", "a/b/", "a copy/renamed.txt", "notes file.txt"} {
		if !strings.Contains(r.stdout, want) {
			t.Fatalf("ls -R lacks %s:\n%s", want, r.stdout)
		}
	}
	r = h.run("--sandbox", "drive", "rm", "/Work/a copy", "/Work/nope")
	if r.code != ExitNotFound || !strings.Contains(r.stdout, "deleted") || !strings.Contains(r.stdout, "not found") {
		t.Fatalf("rm: %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// share, search, versions, info.
	r = sb("--json", "share", "/Work/notes file.txt", "--edit", "--expires", "7d")
	var link map[string]any
	must(t, json.Unmarshal([]byte(r.stdout), &link))
	if l := link["link"].(map[string]any); l["type"] != "edit" || l["scope"] != "organization" || link["expirationDateTime"] == nil {
		t.Fatalf("share: %s", r.stdout)
	}
	if r := h.run("--sandbox", "drive", "share", "/Work", "--scope", "users"); r.code != ExitUsage {
		t.Fatalf("share --scope users without --to: %d", r.code)
	}
	r = sb("search", "renamed")
	if !strings.Contains(r.stdout, "/Work/a/renamed.txt") {
		t.Fatalf("search: %s", r.stdout)
	}
	must(t, os.WriteFile(local, []byte("hello again, drive"), 0o600))
	sb("put", local, "/Work/notes file.txt")
	r = sb("versions", "/Work/notes file.txt")
	if !strings.Contains(r.stdout, "2.0") || !strings.Contains(r.stdout, "1.0") || !strings.Contains(r.stdout, "Alice Adams") {
		t.Fatalf("versions: %s", r.stdout)
	}
	sb("versions", "/Work/notes file.txt", "--restore", "1.0")
	if r := sb("get", "/Work/notes file.txt", "-"); r.stdout != "hello drive" {
		t.Fatalf("after restore: %q", r.stdout)
	}
	r = sb("info")
	if !strings.Contains(r.stdout, "business") || !strings.Contains(r.stdout, "Alice Adams") {
		t.Fatalf("info: %s", r.stdout)
	}

	// Another user's drive: refused, with a hint about sharing.
	r = h.run("--sandbox", "--resource", "user:"+sandbox.DemoBob, "drive", "ls")
	if r.code != 1 || !strings.Contains(r.stderr, "accessDenied") || !strings.Contains(r.stderr, "ask its owner to share") {
		t.Fatalf("Bob's drive: %d %s", r.code, r.stderr)
	}
	// A group's library through --resource.
	r = h.mustRun("--sandbox", "--resource", "group:"+sandbox.DemoEngineeringGroupID, "drive", "ls")
	if !strings.Contains(r.stdout, "Design notes.md") {
		t.Fatalf("group drive: %s", r.stdout)
	}
	if r := h.run("--sandbox", "drive", "put", local, "/x", "--chunk-size", "1MiB"); r.code != ExitUsage {
		t.Fatalf("a chunk size off the 320 KiB grid: %d", r.code)
	}
}

// drive sync applies five changes and two deletions made between runs.
func TestDriveSyncCommand(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	local := filepath.Join(t.TempDir(), "mirror")
	state := filepath.Join(t.TempDir(), "state.json")
	src := filepath.Join(t.TempDir(), "src.txt")
	sb := func(args ...string) result { return h.mustRun(append([]string{"--sandbox", "drive"}, args...)...) }
	sb("mkdir", "/Sync/sub")
	for _, f := range []string{"/Sync/keep.txt", "/Sync/change.txt", "/Sync/gone1.txt", "/Sync/sub/gone2.txt", "/Sync/move.txt"} {
		must(t, os.WriteFile(src, []byte("first "+f), 0o600))
		sb("put", src, f)
	}
	r := sb("--json", "sync", "/Sync", local, "--state", state)
	var first struct {
		Downloaded int `json:"Downloaded"`
		Folders    int `json:"Folders"`
	}
	must(t, json.Unmarshal([]byte(r.stdout), &first))
	if first.Downloaded != 5 || first.Folders != 1 {
		t.Fatalf("first sync: %s", r.stdout)
	}
	// Five changes: two new files, a changed one, a rename, a move; two
	// deletions.
	must(t, os.WriteFile(src, []byte("new"), 0o600))
	sb("put", src, "/Sync/new1.txt")
	sb("put", src, "/Sync/sub/new2.txt")
	must(t, os.WriteFile(src, []byte("changed"), 0o600))
	sb("put", src, "/Sync/change.txt")
	sb("mv", "/Sync/keep.txt", "/Sync/kept.txt")
	sb("mv", "/Sync/move.txt", "/Sync/sub/")
	sb("rm", "/Sync/gone1.txt", "/Sync/sub/gone2.txt")
	r = sb("sync", "/Sync", local, "--state", state)
	for _, want := range []string{"download  change.txt", "download  new1.txt", "download  sub/new2.txt",
		"move      kept.txt", "move      sub/move.txt", "delete    gone1.txt", "delete    sub/gone2.txt"} {
		if strings.Count(r.stdout, want) != 1 {
			t.Fatalf("second sync: %q not reported once:\n%s", want, r.stdout)
		}
	}
	checks := map[string]string{"change.txt": "changed", "kept.txt": "first /Sync/keep.txt", "sub/move.txt": "first /Sync/move.txt", "new1.txt": "new", "sub/new2.txt": "new"}
	for rel, want := range checks {
		if data, err := os.ReadFile(filepath.Join(local, rel)); err != nil || string(data) != want {
			t.Fatalf("%s: %q %v", rel, data, err)
		}
	}
	for _, rel := range []string{"gone1.txt", "sub/gone2.txt", "keep.txt", "move.txt"} {
		if _, err := os.Stat(filepath.Join(local, rel)); err == nil {
			t.Fatalf("%s is still there", rel)
		}
	}
	if r := sb("sync", "/Sync", local, "--state", state); !strings.Contains(r.stdout, "no changes") {
		t.Fatalf("third sync: %s", r.stdout)
	}
	// A state for another folder is refused; so is a file that is not one.
	if r := h.run("--sandbox", "drive", "sync", "/Documents", local, "--state", state); r.code != ExitUsage {
		t.Fatalf("another folder's state: %d %s", r.code, r.stderr)
	}
	must(t, os.WriteFile(state, []byte("not json"), 0o600))
	if r := h.run("--sandbox", "drive", "sync", "/Sync", local, "--state", state); r.code != ExitUsage {
		t.Fatalf("a state that is not one: %d %s", r.code, r.stderr)
	}
}

func TestParseExpiryAndSize(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"7d": now.Add(7 * 24 * time.Hour), "36h": now.Add(36 * time.Hour), "2026-05-01T10:00:00Z": time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC),
	} {
		got, err := parseExpiry(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseExpiry(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "soon", "-3d", "2020-01-01"} {
		if _, err := parseExpiry(bad, now); err == nil {
			t.Errorf("parseExpiry(%q) accepted", bad)
		}
	}
	for in, want := range map[string]int64{"327680": 327680, "320KiB": 320 << 10, "10MiB": 10 << 20, "1GiB": 1 << 30, "5MB": 5e6} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "x", "-1", "0", "1TB"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
}
