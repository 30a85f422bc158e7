package drive_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/drive"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

func TestDrivesAndItems(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	d := newDrive(t, srv, sandbox.DemoUser, nil)
	info, err := d.Get(ctx)
	must(t, err)
	if info.DriveType != "business" || info.Quota == nil || info.Quota.Total == 0 || info.Owner.User.ID != sandbox.DemoUserID {
		t.Fatalf("drive: %+v", info)
	}
	drives := collect(t, d.ListDrives(ctx, nil))
	if len(drives) != 1 || drives[0].ID != info.ID {
		t.Fatalf("drives: %v", drives)
	}
	kids := collect(t, d.ListChildren(ctx, "/", nil, nil))
	if got := names(kids); !slices.Equal(got, []string{"Documents", "Pictures", "Welcome.txt"}) {
		t.Fatalf("children: %v", got)
	}
	docs, err := d.GetSpecial(ctx, drive.SpecialDocuments)
	must(t, err)
	if docs.Name != "Documents" || docs.SpecialFolder.Name != "documents" || !docs.IsFolder() {
		t.Fatalf("special: %+v", docs)
	}
	all := collect(t, d.Root().ListChildren(ctx, nil, &drive.ChildrenOptions{Recursive: true}))
	if got := names(all); !slices.Equal(got, []string{"Documents", "Budget.csv", "Quarterly report.md", "Pictures", "Logo.png", "Welcome.txt"}) {
		t.Fatalf("recursive: %v", got)
	}
	// Paths with spaces and characters URLs reserve; mkdir -p.
	f, err := d.CreateFolder(ctx, "/Projects/Q1 2026/a#b%c")
	must(t, err)
	if f.Name != "a#b%c" || f.ParentReference.Path != "/drives/"+info.ID+"/root:/Projects/Q1 2026" {
		t.Fatalf("mkdir -p: %+v %+v", f, f.ParentReference)
	}
	again, err := d.CreateFolder(ctx, "Projects/Q1 2026/a#b%c/")
	must(t, err)
	if again.ID != f.ID {
		t.Fatal("mkdir -p of an existing folder made another")
	}
	up, err := d.Upload(ctx, "/Projects/Q1 2026/a#b%c/über plan+v2.txt", bytes.NewReader([]byte("plan")), 4, nil)
	must(t, err)
	got, err := d.GetItemByPath(ctx, "Projects/Q1 2026/a#b%c/über plan+v2.txt", nil)
	must(t, err)
	if got.ID != up.ID || got.Size != 4 {
		t.Fatalf("by path: %+v", got)
	}
	if _, err := d.CreateFolder(ctx, "/Projects/Q1 2026/a#b%c/über plan+v2.txt/sub"); err == nil || !strings.Contains(err.Error(), "is a file") {
		t.Fatalf("mkdir through a file: %v", err)
	}
	if _, err := d.GetItemByPath(ctx, "/Projects/../Documents", nil); err == nil {
		t.Fatal(".. accepted")
	}
	if _, err := d.GetItemByPath(ctx, "/Nope", nil); !errors.Is(err, o365.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
	// Rename with Save, move with Move; conflicts.
	up.Name = "plan.txt"
	must(t, up.Save(ctx))
	must(t, up.Move(ctx, docs, "", nil))
	if up.Name != "plan.txt" || !strings.HasSuffix(up.ParentReference.Path, "root:/Documents") {
		t.Fatalf("moved: %+v", up.ParentReference)
	}
	budget, err := d.GetItemByPath(ctx, "/Documents/Budget.csv", nil)
	must(t, err)
	if err := up.Move(ctx, nil, "budget.csv", nil); !errors.Is(err, o365.ErrConflict) {
		t.Fatalf("move onto a taken name: %v", err)
	}
	must(t, up.Move(ctx, nil, "Budget.csv", &drive.MoveOptions{Conflict: drive.ConflictRename}))
	if up.Name != "Budget 1.csv" {
		t.Fatalf("renamed to %q", up.Name)
	}
	// Conflict behaviours on uploads.
	if _, err := d.Upload(ctx, "/Documents/Budget.csv", bytes.NewReader([]byte("x")), 1, &drive.UploadOptions{Conflict: drive.ConflictFail}); !errors.Is(err, o365.ErrConflict) {
		t.Fatalf("fail: %v", err)
	}
	renamed, err := d.Upload(ctx, "/Documents/Budget.csv", bytes.NewReader([]byte("x")), 1, &drive.UploadOptions{Conflict: drive.ConflictRename})
	must(t, err)
	replaced, err := d.Upload(ctx, "/Documents/Budget.csv", bytes.NewReader([]byte("new budget")), 10, nil)
	must(t, err)
	if renamed.Name != "Budget 2.csv" || replaced.ID != budget.ID || replaced.Size != 10 {
		t.Fatalf("rename %q, replace %+v", renamed.Name, replaced)
	}
	// Delete, restore, delete for good.
	must(t, renamed.Delete(ctx))
	back, err := d.Item(renamed.ID).Restore(ctx, nil, "")
	must(t, err)
	if back.Name != "Budget 2.csv" {
		t.Fatalf("restored: %+v", back)
	}
	must(t, back.PermanentDelete(ctx))
	if _, err := d.GetItem(ctx, back.ID, nil); !errors.Is(err, o365.ErrNotFound) {
		t.Fatalf("after permanent delete: %v", err)
	}
	// Search.
	found := collect(t, d.Search(ctx, "budget", nil))
	if got := names(found); !slices.Contains(got, "Budget.csv") || !slices.Contains(got, "Budget 1.csv") {
		t.Fatalf("search: %v", got)
	}
	if got := names(collect(t, docs.Search(ctx, "it's", nil))); len(got) != 0 {
		t.Fatalf("search with a quote: %v", got)
	}
	// The group's library by resource, a drive by id.
	g := drive.New(d.Account(), o365.WithResource("group:"+sandbox.DemoEngineeringGroupID))
	ginfo, err := g.Get(ctx)
	must(t, err)
	if ginfo.DriveType != "documentLibrary" {
		t.Fatalf("group drive: %+v", ginfo)
	}
	notes, err := d.Drive(ginfo.ID).GetItemByPath(ctx, "Design notes.md", nil)
	must(t, err)
	if notes.Name != "Design notes.md" {
		t.Fatal(notes.Name)
	}
	bob := drive.New(d.Account(), o365.WithResource("user:"+sandbox.DemoBob))
	if _, err := bob.GetItemByPath(ctx, "/Welcome.txt", nil); !errors.Is(err, o365.ErrForbidden) {
		t.Fatalf("Bob's drive without a permission: %v", err)
	}
}

func TestUploadAndDownload(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	rec := &recorder{}
	d := newDrive(t, srv, sandbox.DemoUser, rec)
	// 3 fragments and a bit, 320 KiB each.
	src := pattern{n: 3*(320<<10) + 777, seed: 5}
	var progress []int64
	it, err := d.Upload(ctx, "/Big/data.bin", src, src.n, &drive.UploadOptions{ChunkSize: 320 << 10, SimpleLimit: -1,
		Progress: func(sent, total int64) { progress = append(progress, sent) }, Modified: time.Date(2025, 12, 24, 8, 0, 0, 0, time.UTC)})
	must(t, err)
	if it.Size != src.n || it.File.Hashes.QuickXorHash != quickXor(src.bytes()) || !it.FileSystemInfo.LastModifiedDateTime.Equal(time.Date(2025, 12, 24, 8, 0, 0, 0, time.UTC)) {
		t.Fatalf("uploaded: %+v %+v", it, it.FileSystemInfo)
	}
	if !slices.Equal(progress, []int64{0, 320 << 10, 640 << 10, 960 << 10, src.n}) {
		t.Fatalf("progress %v", progress)
	}
	frags := rec.requests("/uploadSessions/")
	if len(frags) != 4 {
		t.Fatalf("%d fragments", len(frags))
	}
	for _, f := range frags {
		if f.Auth || f.Host == rec.requests("createUploadSession")[0].Host {
			t.Fatalf("a fragment went with the token or to the API host: %+v", f)
		}
	}
	// Download: to the download URL, without the token; hash checked.
	var buf bytes.Buffer
	n, err := it.Download(ctx, &buf, nil)
	must(t, err)
	if n != src.n || !bytes.Equal(buf.Bytes(), src.bytes()) {
		t.Fatal("downloaded bytes differ")
	}
	dl := rec.requests("/downloads/")
	if len(dl) != 1 || dl[0].Auth || dl[0].Status != 200 {
		t.Fatalf("download requests: %+v", dl)
	}
	// By path through /content's redirect, into a file (a range too).
	dir := t.TempDir()
	got, err := d.DownloadFile(ctx, "/Big/data.bin", dir+"/data.bin", nil)
	must(t, err)
	if got.ID != it.ID {
		t.Fatal(got.ID)
	}
	var part bytes.Buffer
	_, err = it.Download(ctx, &part, &drive.DownloadOptions{Offset: 1000, Length: 10})
	must(t, err)
	if !bytes.Equal(part.Bytes(), src.bytes()[1000:1010]) {
		t.Fatalf("range: %q", part.Bytes())
	}
	// Streams of unknown origin, small files in one PUT, the empty file.
	s, err := d.UploadStream(ctx, "/Big/stream.bin", io.LimitReader(strings.NewReader(strings.Repeat("s", 700<<10)), 700<<10), 700<<10, &drive.UploadOptions{ChunkSize: 320 << 10, SimpleLimit: -1})
	must(t, err)
	if s.Size != 700<<10 {
		t.Fatal(s.Size)
	}
	empty, err := d.Upload(ctx, "/Big/empty.txt", bytes.NewReader(nil), 0, nil)
	must(t, err)
	if empty.Size != 0 || empty.File == nil {
		t.Fatalf("empty: %+v", empty)
	}
	for _, e := range rec.requests("/downloads/") {
		if e.Auth {
			t.Fatalf("the token went to the download host: %+v", e)
		}
	}
}

// A download broken by the sandbox's drop fault resumes with Range and the
// file is whole.
func TestDownloadResumesAfterDrop(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	dropped := false
	rec := &recorder{}
	rec.fault = func(r *http.Request) string {
		if strings.Contains(r.URL.Path, "/downloads/") && !dropped {
			dropped = true
			return "drop;after=1000000"
		}
		return ""
	}
	d := newDrive(t, srv, sandbox.DemoUser, rec)
	src := pattern{n: 3 << 20, seed: 8}
	it, err := d.Upload(ctx, "/drop.bin", src, src.n, &drive.UploadOptions{SimpleLimit: -1})
	must(t, err)
	file := t.TempDir() + "/drop.bin"
	must(t, it.DownloadFile(ctx, file, nil))
	dl := rec.requests("/downloads/")
	if len(dl) != 2 || dl[0].Range != "" || dl[1].Range != "bytes=1000000-" || dl[1].Status != 206 {
		t.Fatalf("download requests: %+v", dl)
	}
	must(t, sameFile(file, src))
	if srv.FaultsInjected()["drop"] != 1 {
		t.Fatalf("faults %v", srv.FaultsInjected())
	}
}

// A saved session is resumed by a later upload, from where the service
// stopped: no fragment goes twice.
func TestUploadResumesSavedSession(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	rec := &recorder{}
	d := newDrive(t, srv, sandbox.DemoUser, rec)
	src := pattern{n: 5 * (320 << 10), seed: 2}
	var saved *drive.Session
	stop := fmt.Errorf("stopped")
	cctx, cancel := context.WithCancelCause(ctx)
	_, err := d.Upload(cctx, "/resume.bin", src, src.n, &drive.UploadOptions{ChunkSize: 320 << 10, SimpleLimit: -1,
		OnSession: func(s *drive.Session) error { saved = s; return nil },
		Progress: func(sent, total int64) {
			if sent >= 2*(320<<10) {
				cancel(stop)
			}
		}})
	if err == nil || saved == nil {
		t.Fatalf("first run: %v, saved %v", err, saved)
	}
	before := len(rec.requests("/uploadSessions/"))
	it, err := d.Upload(ctx, "/resume.bin", src, src.n, &drive.UploadOptions{ChunkSize: 320 << 10, Session: saved})
	must(t, err)
	if it.Size != src.n {
		t.Fatal(it.Size)
	}
	var sent []string
	for _, e := range rec.requests("/uploadSessions/")[before:] {
		if e.Method == "PUT" {
			sent = append(sent, e.ContentRange)
		}
	}
	if len(sent) != 3 || !strings.HasPrefix(sent[0], fmt.Sprintf("bytes %d-", 2*(320<<10))) {
		t.Fatalf("resumed fragments: %v", sent)
	}
	if n := len(rec.requests("createUploadSession")); n != 1 {
		t.Fatalf("%d sessions", n)
	}
	// A session that is gone (this one completed) is replaced.
	_, err = d.Upload(ctx, "/resume.bin", src, src.n, &drive.UploadOptions{Session: saved})
	must(t, err)
	if n := len(rec.requests("createUploadSession")); n != 2 {
		t.Fatalf("%d sessions after a gone one", n)
	}
}
