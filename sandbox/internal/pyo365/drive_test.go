package pyo365_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/o365go/o365/sandbox/internal/demo"
)

// itemKeys are the keys drive.py DriveItem.__init__ reads from an item.
var itemKeys = []string{"id", "name", "webUrl", "createdBy", "lastModifiedBy", "createdDateTime",
	"lastModifiedDateTime", "size", "parentReference"}

// Replays drive.py on the default drive as python-o365 users walk it:
// Storage.get_default_drive(request_drive=True), then, the drive id being
// known, every DriveItem URL on /me/drives/{drive-id}: get_root_folder,
// Folder.create_child_folder, Folder.upload_file small (PUT
// /items/{parent}:/{quote(name)}:/content), get_items ($top 999),
// get_item_by_path (the path as is, requests escaping the space),
// DownloadableMixin.download (GET /content, redirects followed).
func TestDriveBrowseUploadDownload(t *testing.T) {
	c := alice(t, nil)
	drive := c.do("GET", graph("me/drive"), nil).WantStatus(t, 200).JSON
	wantKeys(t, "drive", drive, "id", "name", "driveType", "webUrl", "owner", "quota", "createdDateTime", "lastModifiedDateTime")
	d := "me/drives/" + str(drive, "id")

	root := c.do("GET", graph(d+"/root"), nil).WantStatus(t, 200).JSON
	wantKeys(t, "root", root, "id", "name", "webUrl", "createdDateTime", "lastModifiedDateTime", "folder", "root")
	folder := c.do("POST", graph(d+"/items/"+str(root, "id")+"/children"), `{"name": "Reports", "folder": {}, "description": "Quarterly"}`).WantStatus(t, 201).JSON
	wantKeys(t, "new folder", folder, append(itemKeys, "folder")...)

	content := []byte("Q1: up 4%\n")
	file := c.do("PUT", graph(d+"/items/"+str(folder, "id")+":/Q1%20summary.txt:/content"), content,
		"Content-Type", "application/octet-stream").WantStatus(t, 201).JSON
	wantKeys(t, "uploaded file", file, append(itemKeys, "file")...)
	if obj(file, "file")["mimeType"] != "text/plain" || str(obj(file, "parentReference"), "driveId") != str(drive, "id") {
		t.Fatalf("uploaded file: %v", file)
	}

	var names []string
	for _, it := range valuesOf(t, c.do("GET", graph(d+"/root/children", "$top", "999"), nil).WantStatus(t, 200)) {
		wantKeys(t, "child", it, itemKeys...)
		names = append(names, str(it, "name"))
	}
	if !strings.Contains(","+strings.Join(names, ",")+",", ",Reports,") {
		t.Fatalf("get_items: %v", names)
	}
	byPath := c.do("GET", graph(d+"/root:/Reports/Q1 summary.txt"), nil).WantStatus(t, 200).JSON
	if str(byPath, "id") != str(file, "id") {
		t.Fatalf("get_item_by_path: %v", byPath["id"])
	}
	got := c.do("GET", graph(d+"/items/"+str(file, "id")+"/content"), nil).WantStatus(t, 200)
	if !bytes.Equal(got.Raw, content) {
		t.Fatalf("download: %q", got.Raw)
	}
}

// Replays drive.py Folder.upload_file above UPLOAD_SIZE_LIMIT_SIMPLE: POST
// createUploadSession (the 2.0 form with no body, and the 2.1 form with
// {"item": {"@microsoft.graph.conflictBehavior", "fileSystemInfo"}}), then
// unauthenticated PUTs of chunk_size bytes with Content-Range until an
// answer other than 202, whose body is the item.
func TestDriveUploadSessions(t *testing.T) {
	c := alice(t, nil)
	drive := c.do("GET", graph("me/drive"), nil).WantStatus(t, 200).JSON
	d := "me/drives/" + str(drive, "id")
	root := str(c.do("GET", graph(d+"/root"), nil).WantStatus(t, 200).JSON, "id")

	upload := func(session map[string]any, data []byte, chunk int) map[string]any {
		t.Helper()
		wantKeys(t, "upload session", session, "uploadUrl", "expirationDateTime")
		naive := c.naive()
		for start := 0; ; start += chunk {
			end := min(start+chunk, len(data))
			r := naive.do("PUT", str(session, "uploadUrl"), data[start:end], "Content-Type", "application/octet-stream",
				"Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end-1, len(data)))
			if r.Status != 202 {
				if r.Status != 200 && r.Status != 201 {
					t.Fatalf("last chunk: %d %s", r.Status, r.Raw)
				}
				if end != len(data) {
					t.Fatalf("upload finished at byte %d of %d", end, len(data))
				}
				return r.JSON
			}
			wantKeys(t, "chunk answer", r.JSON, "nextExpectedRanges")
		}
	}

	// 4 MiB + 1 byte with DEFAULT_UPLOAD_CHUNK_SIZE (5 MiB): one PUT.
	big := bytes.Repeat([]byte("0123456789abcdef"), 4*1024*1024/16+1)[:4*1024*1024+1]
	s := c.do("POST", graph(d+"/items/"+root+":/big.bin:/createUploadSession"), nil).WantStatus(t, 200).JSON
	item := upload(s, big, 5*1024*1024)
	wantKeys(t, "uploaded item", item, append(itemKeys, "file")...)
	if item["size"] != float64(len(big)) {
		t.Fatalf("size %v", item["size"])
	}

	// upload_in_chunks=True with chunk_size CHUNK_SIZE_BASE (320 KiB),
	// conflict_handling='rename' over the existing name.
	small := bytes.Repeat([]byte("z"), 800000)
	body := `{"item": {"@microsoft.graph.conflictBehavior": "rename", "fileSystemInfo": {"createdDateTime": "2026-11-30T10:00:00+01:00", "lastModifiedDateTime": "2026-12-01T10:00:00+01:00"}}}`
	s = c.do("POST", graph(d+"/items/"+root+":/big.bin:/createUploadSession"), body).WantStatus(t, 200).JSON
	item = upload(s, small, 320*1024)
	if item["name"] == "big.bin" || item["size"] != float64(len(small)) {
		t.Fatalf("rename upload: %v %v", item["name"], item["size"])
	}
	if fs := obj(item, "fileSystemInfo"); str(fs, "lastModifiedDateTime") != "2026-12-01T09:00:00Z" {
		t.Fatalf("fileSystemInfo: %v", fs)
	}
}

// Replays drive.py DriveItem.copy(target=folder, name='Q1 copy') (the
// extension added from the source name), then CopyOperation.check_status
// polling the Location monitor (python-o365 tells an async copy by
// 'monitor' in that URL) for status, percentageComplete and resourceId,
// and CopyOperation.get_item; DriveItem.share_with_link and
// share_with_invite, and get_permissions.
func TestDriveCopyMonitorAndSharing(t *testing.T) {
	c := alice(t, nil)
	drive := c.do("GET", graph("me/drive"), nil).WantStatus(t, 200).JSON
	driveID := str(drive, "id")
	d := "me/drives/" + driveID
	root := str(c.do("GET", graph(d+"/root"), nil).WantStatus(t, 200).JSON, "id")
	folder := c.do("POST", graph(d+"/items/"+root+"/children"), `{"name": "Archive", "folder": {}}`).WantStatus(t, 201).JSON
	file := c.do("PUT", graph(d+"/items/"+root+":/Q1.txt:/content"), "numbers", "Content-Type", "application/octet-stream").WantStatus(t, 201).JSON
	id := str(file, "id")

	r := c.do("POST", graph(d+"/items/"+id+"/copy"), `{"parentReference": {"id": "`+str(folder, "id")+`", "driveId": "`+driveID+`"}, "name": "Q1 copy.txt"}`).WantStatus(t, 202)
	monitor := r.Header.Get("Location")
	if !strings.Contains(monitor, "monitor") {
		t.Fatalf("Location %q: python-o365 would take it for a finished copy", monitor)
	}
	// CopyOperation._request_status polls with con.get (the Bearer token
	// sent along) in python-o365 2.0, with naive_request in 2.1.
	pollers := []*py{c, c.naive()}
	var copied string
	for i := 0; i < 50 && copied == ""; i++ {
		st := pollers[i%2].do("GET", monitor, nil)
		if st.Status != 200 && st.Status != 202 && st.Status != 303 {
			t.Fatalf("monitor: %d %s", st.Status, st.Raw)
		}
		wantKeys(t, "monitor", st.JSON, "status")
		copied = str(st.JSON, "resourceId")
		if copied == "" {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if copied == "" {
		t.Fatal("copy never completed")
	}
	cp := c.do("GET", graph(d+"/items/"+copied), nil).WantStatus(t, 200).JSON
	if cp["name"] != "Q1 copy.txt" || str(obj(cp, "parentReference"), "id") != str(folder, "id") {
		t.Fatalf("copied item: %v %v", cp["name"], cp["parentReference"])
	}

	link := c.do("POST", graph(d+"/items/"+id+"/createLink"), `{"type": "view", "scope": "anonymous"}`)
	if link.Status != 201 && link.Status != 200 {
		t.Fatalf("createLink: %d %s", link.Status, link.Raw)
	}
	wantKeys(t, "link permission", link.JSON, "id", "roles", "link", "shareId")
	if l := obj(link.JSON, "link"); l["type"] != "view" || l["scope"] != "anonymous" || str(l, "webUrl") == "" {
		t.Fatalf("link: %v", l)
	}

	// share_with_invite reads the answer as one permission; Graph's invite
	// answers a collection ({"value": [...]}), which is what is asserted.
	inv := c.do("POST", graph(d+"/items/"+id+"/invite"), `{"recipients": [{"email": "`+demo.Bob+`"}], "requireSignIn": true, "sendInvitation": true, "roles": ["read"], "message": "Have a look"}`).WantStatus(t, 200)
	granted := valuesOf(t, inv)
	if len(granted) != 1 || fmt.Sprint(granted[0]["roles"]) != "[read]" {
		t.Fatalf("invite: %s", inv.Raw)
	}

	perms := valuesOf(t, c.do("GET", graph(d+"/items/"+id+"/permissions"), nil).WantStatus(t, 200))
	kinds := map[string]bool{}
	for _, p := range perms {
		wantKeys(t, "permission", p, "id", "roles")
		switch {
		case p["link"] != nil:
			kinds["link"] = true
		case p["invitation"] != nil || p["grantedTo"] != nil || p["grantedToV2"] != nil:
			kinds["granted"] = true
		}
	}
	if !kinds["link"] || !kinds["granted"] {
		t.Fatalf("permissions after sharing: %v", perms)
	}
}
