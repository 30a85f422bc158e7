package drive_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/o365go/o365"
	"github.com/o365go/o365/drive"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// Five changes and two deletions between two rounds are each reported
// exactly once.
func TestDeltaReportsEachChangeOnce(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	d := newDrive(t, srv, sandbox.DemoUser, nil)
	q := d.SyncItems("", nil)
	first := map[string]bool{}
	for c, err := range q.Changes(ctx) {
		must(t, err)
		first[c.Item.Name] = true
	}
	if !first["Budget.csv"] || !first["Logo.png"] || q.DeltaLink() == "" {
		t.Fatalf("first round: %v", first)
	}
	var changed, deleted []string
	for i := range 4 {
		it, err := d.Upload(ctx, fmt.Sprintf("/Documents/n%d.txt", i), bytes.NewReader([]byte("x")), 1, nil)
		must(t, err)
		changed = append(changed, it.ID)
	}
	budget, err := d.GetItemByPath(ctx, "/Documents/Budget.csv", nil)
	must(t, err)
	_, err = budget.Upload(ctx, bytes.NewReader([]byte("changed")), 7, nil)
	must(t, err)
	changed = append(changed, budget.ID)
	for _, p := range []string{"/Welcome.txt", "/Pictures/Logo.png"} {
		it, err := d.GetItemByPath(ctx, p, nil)
		must(t, err)
		must(t, it.Delete(ctx))
		deleted = append(deleted, it.ID)
	}
	seen := map[string]int{}
	removed := map[string]bool{}
	for c, err := range q.Changes(ctx) {
		must(t, err)
		seen[c.ID]++
		removed[c.ID] = c.Removed
	}
	for _, id := range changed {
		if seen[id] != 1 || removed[id] {
			t.Fatalf("change %s seen %d times (removed %v)", id, seen[id], removed[id])
		}
	}
	for _, id := range deleted {
		if seen[id] != 1 || !removed[id] {
			t.Fatalf("deletion %s seen %d times (removed %v)", id, seen[id], removed[id])
		}
	}
	// A link the service no longer knows: resyncRequired, handled.
	bad := strings.Replace(q.DeltaLink(), "token=", "token=x", 1)
	var resync *o365.ResyncError
	for _, err := range d.SyncItems(bad, nil).Changes(ctx) {
		if err != nil && !errors.As(err, &resync) {
			t.Fatal(err)
		}
	}
	if resync == nil || !resync.Err.HasCode("resyncRequired") || resync.Location == "" {
		t.Fatalf("resync: %+v", resync)
	}
}

func TestSyncFolder(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	d := newDrive(t, srv, sandbox.DemoUser, nil)
	local := filepath.Join(t.TempDir(), "mirror")
	stateFile := filepath.Join(t.TempDir(), "state.json")
	_, err := d.CreateFolder(ctx, "/Documents/Old folder/deep")
	must(t, err)
	_, err = d.Upload(ctx, "/Documents/Old folder/deep/inner.txt", bytes.NewReader([]byte("inner")), 5, nil)
	must(t, err)
	sync := func() (*drive.SyncResult, []string) {
		t.Helper()
		state, err := drive.LoadSyncState(stateFile)
		must(t, err)
		var events []string
		res, err := d.SyncFolder(ctx, "/Documents", local, state, &drive.SyncOptions{OnChange: func(c drive.SyncChange) {
			events = append(events, c.Action+" "+c.Path)
		}})
		must(t, err)
		must(t, state.Save(stateFile))
		sort.Strings(events)
		return res, events
	}
	res, events := sync()
	if res.Downloaded != 3 || res.Folders != 2 || !slices.Equal(events, []string{
		"download Budget.csv", "download Old folder/deep/inner.txt", "download Quarterly report.md",
		"mkdir Old folder", "mkdir Old folder/deep"}) {
		t.Fatalf("first sync: %+v %v", res, events)
	}
	checkFile(t, local, "Budget.csv", "item,amount\nlaptops,12000\nsoftware,4500\ntravel,3000\n")
	if st, err := os.Stat(filepath.Join(local, "Budget.csv")); err != nil || st.ModTime().Year() != 2026 {
		t.Fatalf("mtime: %v %v", st, err)
	}
	// Nothing changed: nothing to do.
	if res, events := sync(); res.Downloaded+res.Deleted+res.Moved+res.Folders != 0 || len(events) != 0 {
		t.Fatalf("idle sync: %+v %v", res, events)
	}
	// Five changes (two new files, a changed one, a renamed folder, a
	// moved file) and two deletions; a change outside the folder.
	_, err = d.Upload(ctx, "/Documents/new one.txt", bytes.NewReader([]byte("1")), 1, nil)
	must(t, err)
	_, err = d.Upload(ctx, "/Documents/Old folder/new two.txt", bytes.NewReader([]byte("22")), 2, nil)
	must(t, err)
	_, err = d.Upload(ctx, "/Documents/Budget.csv", bytes.NewReader([]byte("changed")), 7, nil)
	must(t, err)
	old, err := d.GetItemByPath(ctx, "/Documents/Old folder", nil)
	must(t, err)
	old.Name = "Renamed folder"
	must(t, old.Save(ctx))
	report, err := d.GetItemByPath(ctx, "/Documents/Quarterly report.md", nil)
	must(t, err)
	must(t, report.Move(ctx, old, "", nil))
	inner, err := d.GetItemByPath(ctx, "/Documents/Renamed folder/deep/inner.txt", nil)
	must(t, err)
	must(t, inner.Delete(ctx))
	deep, err := d.GetItemByPath(ctx, "/Documents/Renamed folder/deep", nil)
	must(t, err)
	must(t, deep.Delete(ctx))
	_, err = d.Upload(ctx, "/Welcome.txt", bytes.NewReader([]byte("outside")), 7, nil)
	must(t, err)
	res, events = sync()
	want := []string{
		"delete Old folder/deep", "delete Old folder/deep/inner.txt",
		"download Budget.csv", "download Renamed folder/new two.txt", "download new one.txt",
		"move Renamed folder", "move Renamed folder/Quarterly report.md",
	}
	if !slices.Equal(events, want) || res.Downloaded != 3 || res.Deleted != 2 || res.Moved != 2 {
		t.Fatalf("second sync: %+v\n got %q\nwant %q", res, events, want)
	}
	checkFile(t, local, "Budget.csv", "changed")
	checkFile(t, local, "Renamed folder/Quarterly report.md", "# Quarterly report")
	checkFile(t, local, "Renamed folder/new two.txt", "22")
	if _, err := os.Stat(filepath.Join(local, "Old folder")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the old folder is still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(local, "Welcome.txt")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("a file outside the synced folder was written")
	}
	// A local file removed by hand comes back; a state for another folder
	// is refused.
	must(t, os.Remove(filepath.Join(local, "new one.txt")))
	if res, _ := sync(); res.Downloaded != 1 {
		t.Fatalf("missing file not restored: %+v", res)
	}
	state, err := drive.LoadSyncState(stateFile)
	must(t, err)
	if _, err := d.SyncFolder(ctx, "/Pictures", local, state, nil); !errors.Is(err, drive.ErrSyncState) {
		t.Fatalf("another folder's state: %v", err)
	}
	// A resync (the link is refused) enumerates again and prunes.
	state.DeltaLink = strings.Replace(state.DeltaLink, "token=", "token=x", 1)
	must(t, os.WriteFile(filepath.Join(local, "Renamed folder", "mine.txt"), []byte("local"), 0o644))
	res, err = d.SyncFolder(ctx, "/Documents", local, state, nil)
	must(t, err)
	if !res.Resynced || res.Downloaded != 0 {
		t.Fatalf("resync: %+v", res)
	}
	checkFile(t, local, "Renamed folder/mine.txt", "local") // not ours: kept
}

func checkFile(t *testing.T, dir, rel, prefix string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil || !strings.HasPrefix(string(data), prefix) {
		t.Fatalf("%s: %q, %v", rel, data, err)
	}
}

// hostile is a fake Graph whose item names try to escape: a sync or a
// folder download must write every file inside the local folder.
func hostile(t *testing.T) *httptest.Server {
	var srv *httptest.Server
	names := []string{"../escape.txt", "..", "a/b.txt", `..\win.txt`, "CON", "nul.txt", "ctrl\x01\x1f.txt", "\u202egpj.exe", "", ".", "/abs.txt", "ok.txt"}
	item := func(id, name, parent string, folder bool) map[string]any {
		m := map[string]any{"id": id, "name": name, "parentReference": map[string]any{"driveId": "d1", "id": parent}, "size": 4, "cTag": "c"}
		if folder {
			m["folder"] = map[string]any{"childCount": 1}
		} else {
			m["file"] = map[string]any{"mimeType": "text/plain"}
			m["@microsoft.graph.downloadUrl"] = srv.URL + "/download/" + id
		}
		return m
	}
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		p := r.URL.EscapedPath()
		switch {
		case strings.HasSuffix(p, "/root:/Remote:"), strings.HasSuffix(p, "/items/F"):
			json.NewEncoder(w).Encode(item("F", "Remote", "R", true))
		case strings.HasSuffix(p, "/root/delta"):
			var value []any
			value = append(value, item("S", "../../sub", "F", true))
			for i, n := range names {
				value = append(value, item(fmt.Sprint("f", i), n, "F", false))
				value = append(value, item(fmt.Sprint("s", i), n, "S", false))
			}
			json.NewEncoder(w).Encode(map[string]any{"value": value, "@odata.deltaLink": srv.URL + "/v1.0/drives/d1/root/delta?token=t"})
		case strings.HasSuffix(p, "/children"):
			var value []any
			parent := "F"
			if strings.Contains(p, "/items/S/") {
				parent = "S"
			} else {
				value = append(value, item("S", "../../sub", "F", true))
			}
			for i, n := range names {
				value = append(value, item(fmt.Sprint(parent, i), n, parent, false))
			}
			json.NewEncoder(w).Encode(map[string]any{"value": value})
		case strings.HasSuffix(p, "/content"), strings.HasPrefix(p, "/download/"):
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte("data"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRemoteNamesStayInside(t *testing.T) {
	srv := hostile(t)
	ctx := ctxT(t)
	p := o365.Graph()
	p.BaseURL = srv.URL + "/"
	acct, err := o365.New(o365.WithProtocol(p), o365.WithTokenSource(o365.StaticToken("t")), o365.WithRetry(o365test.FastRetry()))
	must(t, err)
	d := drive.New(acct)
	for _, mode := range []string{"sync", "folder"} {
		t.Run(mode, func(t *testing.T) {
			outer := t.TempDir()
			local := filepath.Join(outer, "in", "local")
			must(t, os.MkdirAll(local, 0o755))
			// A symbolic link inside LOCAL must not be written through.
			must(t, os.Symlink(outer, filepath.Join(local, "link")))
			if mode == "sync" {
				state, err := drive.LoadSyncState(filepath.Join(outer, "state.json"))
				must(t, err)
				_, err = d.SyncFolder(ctx, "/Remote", local, state, nil)
				must(t, err)
			} else {
				_, err := d.DownloadFolder(ctx, "/Remote", local, nil)
				must(t, err)
			}
			var outside []string
			var files int
			must(t, filepath.WalkDir(outer, func(path string, e fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				rel, _ := filepath.Rel(local, path)
				inside := rel == "." || (!strings.HasPrefix(rel, "..") && !filepath.IsAbs(rel))
				if !inside && !e.IsDir() && path != filepath.Join(outer, "state.json") {
					outside = append(outside, path)
				}
				if inside && e.Type().IsRegular() {
					files++
					name := filepath.Base(path)
					if strings.ContainsAny(name, "\x01\x1f\u202e") || strings.EqualFold(name, "CON") || strings.EqualFold(name, "nul.txt") {
						t.Errorf("unsafe local name %q", name)
					}
				}
				return nil
			}))
			if len(outside) > 0 {
				t.Fatalf("written outside LOCAL: %v", outside)
			}
			if files != 2*12 {
				t.Fatalf("%d files written, want 24 (every name, made safe)", files)
			}
			if _, err := os.Lstat(filepath.Join(local, "link")); err != nil {
				t.Fatal("the symbolic link was replaced")
			}
		})
	}
}
