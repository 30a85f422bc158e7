package drive_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image/png"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

func TestSeededDrive(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	d := send(t, ts, alice, "GET", "/v1.0/me/drive", nil).want(t, 200).JSON(t)
	if d["driveType"] != "business" || d["name"] != "OneDrive" || !strings.HasPrefix(str(d, "id"), "b!") {
		t.Fatalf("drive: %v", d)
	}
	if q := d["quota"].(map[string]any); q["total"].(float64) != float64(core.DefaultDriveQuota) || q["used"].(float64) <= 0 || q["state"] != "normal" {
		t.Fatalf("quota: %v", q)
	}
	if str(d, "owner", "user", "id") != demo.UserID {
		t.Fatalf("owner: %v", d["owner"])
	}
	kids := send(t, ts, alice, "GET", "/v1.0/me/drive/root/children", nil).want(t, 200).JSON(t)
	if got := names(t, kids); !slices.Equal(got, []string{"Documents", "Pictures", "Welcome.txt"}) {
		t.Fatalf("root children: %v", got)
	}
	// The same drive by id, by user, and the item by path with spaces.
	id := str(d, "id")
	send(t, ts, alice, "GET", "/v1.0/drives/"+url.PathEscape(id), nil).want(t, 200)
	send(t, ts, alice, "GET", "/v1.0/users/"+demo.User+"/drive", nil).want(t, 200)
	report := send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Documents/Quarterly%20report.md:", nil).want(t, 200).JSON(t)
	if report["name"] != "Quarterly report.md" || str(report, "parentReference", "path") != "/drives/"+id+"/root:/Documents" ||
		str(report, "file", "mimeType") != "text/markdown" || str(report, "file", "hashes", "quickXorHash") == "" {
		t.Fatalf("item by path: %v", report)
	}
	if !strings.HasPrefix(str(report, "eTag"), `"{`) || !strings.HasPrefix(str(report, "cTag"), `"c:{`) {
		t.Fatalf("tags: %v %v", report["eTag"], report["cTag"])
	}
	// Path below an item id, and the special folder.
	docs := send(t, ts, alice, "GET", "/v1.0/me/drive/special/documents", nil).want(t, 200).JSON(t)
	if docs["name"] != "Documents" || str(docs, "specialFolder", "name") != "documents" {
		t.Fatalf("special documents: %v", docs)
	}
	budget := send(t, ts, alice, "GET", "/v1.0/me/drive/items/"+str(docs, "id")+":/Budget.csv:", nil).want(t, 200).JSON(t)
	if budget["name"] != "Budget.csv" {
		t.Fatalf("items/{id}:/path: %v", budget)
	}
	// Picture facets; a missing path; every demo user has a drive.
	logo := send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Pictures/Logo.png", nil).want(t, 200).JSON(t)
	if img := logo["image"].(map[string]any); img["width"].(float64) != 64 || img["height"].(float64) != 48 {
		t.Fatalf("image facet: %v", logo["image"])
	}
	send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Nope/none.txt:", nil).wantError(t, 404, "itemNotFound")
	bob := ts.UserToken(t, demo.PublicClientID, demo.Bob)
	if got := names(t, send(t, ts, bob, "GET", "/v1.0/me/drive/root/children", nil).want(t, 200).JSON(t)); !slices.Contains(got, "Welcome.txt") {
		t.Fatalf("Bob's drive: %v", got)
	}
	// The drives lists.
	if v := send(t, ts, alice, "GET", "/v1.0/me/drives", nil).want(t, 200).JSON(t)["value"].([]any); len(v) != 1 {
		t.Fatalf("me/drives: %v", v)
	}
	if v := send(t, ts, ts.AppToken(t), "GET", "/v1.0/drives", nil).want(t, 200).JSON(t)["value"].([]any); len(v) < 6 {
		t.Fatalf("drives for the app: %d", len(v))
	}
}

func TestSeedKnob(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{Sizes: map[string]int{"drive.filesPerUser": 250}})
	alice := ts.AliceToken(t)
	page := send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Documents/Generated:/children", nil).want(t, 200).JSON(t)
	if n := len(page["value"].([]any)); n != 200 || page["@odata.nextLink"] == nil {
		t.Fatalf("first page: %d items, next %v", n, page["@odata.nextLink"])
	}
	next := send(t, ts, alice, "GET", page["@odata.nextLink"].(string), nil).want(t, 200).JSON(t)
	if got := names(t, next); len(got) != 50 || got[49] != "file-000249.txt" || next["@odata.nextLink"] != nil {
		t.Fatalf("second page: %d, last %v", len(got), got[len(got)-1])
	}
	top := send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Documents/Generated:/children?$top=3&$orderby=name%20desc&$select=name,size", nil).want(t, 200).JSON(t)
	if got := names(t, top); !slices.Equal(got, []string{"file-000249.txt", "file-000248.txt", "file-000247.txt"}) {
		t.Fatalf("ordered: %v", got)
	}
	if _, has := top["value"].([]any)[0].(map[string]any)["webUrl"]; has {
		t.Fatal("$select kept webUrl")
	}
}

func TestFoldersAndConflicts(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	mk := func(name, cb string) *answer {
		body := fmt.Sprintf(`{"name":%q,"folder":{}`, name)
		if cb != "" {
			body += fmt.Sprintf(`,"@microsoft.graph.conflictBehavior":%q`, cb)
		}
		return send(t, ts, alice, "POST", "/v1.0/me/drive/root/children", []byte(body+"}"), "Content-Type", "application/json")
	}
	first := mk("Projects", "").want(t, 201).JSON(t)
	if str(first, "folder") != "" || first["folder"].(map[string]any)["childCount"].(float64) != 0 {
		t.Fatalf("folder: %v", first)
	}
	mk("projects", "").wantError(t, 409, "nameAlreadyExists")
	if got := mk("Projects", "rename").want(t, 201).JSON(t)["name"]; got != "Projects 1" {
		t.Fatalf("renamed to %v", got)
	}
	replaced := mk("Projects", "replace").want(t, 201).JSON(t)
	if replaced["id"] == first["id"] {
		t.Fatal("replace kept the old folder")
	}
	mk("bad:name", "").wantError(t, 400, "invalidRequest")
	mk("CON", "").wantError(t, 400, "invalidRequest")
	send(t, ts, alice, "POST", "/v1.0/me/drive/root/children", []byte(`{"name":"x.txt","file":{}}`), "Content-Type", "application/json").wantError(t, 400, "invalidRequest")

	// Files: replace (the default) makes versions, fail refuses, rename picks "a 1.txt".
	put := func(path, cb string, data []byte) *answer {
		target := "/v1.0/me/drive/root:/" + path + ":/content"
		if cb != "" {
			target += "?@microsoft.graph.conflictBehavior=" + cb
		}
		return send(t, ts, alice, "PUT", target, data)
	}
	a := put("Projects/a.txt", "", []byte("one")).want(t, 201).JSON(t)
	b := put("Projects/a.txt", "", []byte("two!")).want(t, 200).JSON(t)
	if a["id"] != b["id"] || b["size"].(float64) != 4 || a["cTag"] == b["cTag"] || a["eTag"] == b["eTag"] {
		t.Fatalf("replace: %v -> %v", a, b)
	}
	put("Projects/a.txt", "fail", []byte("three")).wantError(t, 409, "nameAlreadyExists")
	if got := put("Projects/A.txt", "rename", []byte("four")).want(t, 201).JSON(t)["name"]; got != "A 1.txt" {
		t.Fatalf("rename: %v", got)
	}
	// Missing folders on an upload path are created.
	deep := put("New/Sub dir/deep.txt", "", []byte("x")).want(t, 201).JSON(t)
	if str(deep, "parentReference", "path") != "/drives/"+str(deep, "parentReference", "driveId")+"/root:/New/Sub dir" {
		t.Fatalf("deep: %v", deep["parentReference"])
	}
	// Folder counts and sizes follow.
	projects := send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Projects", nil).want(t, 200).JSON(t)
	if projects["folder"].(map[string]any)["childCount"].(float64) != 2 || projects["size"].(float64) != 8 {
		t.Fatalf("Projects: %v", projects)
	}
	// If-Match guards writes.
	send(t, ts, alice, "PATCH", "/v1.0/me/drive/items/"+str(b, "id"), []byte(`{"description":"d"}`),
		"Content-Type", "application/json", "If-Match", `"{nope},1"`).wantError(t, 412, "resourceModified")
	send(t, ts, alice, "PATCH", "/v1.0/me/drive/items/"+str(b, "id"), []byte(`{"description":"d"}`),
		"Content-Type", "application/json", "If-Match", str(b, "eTag")).want(t, 200)
}

func TestContentDownloadAndRange(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	data := pattern(3<<20+17, 1)
	item := send(t, ts, alice, "PUT", "/v1.0/me/drive/root:/a b/c.bin:/content", data).want(t, 201).JSON(t)
	if str(item, "file", "hashes", "quickXorHash") != quickXor(data) || item["size"].(float64) != float64(len(data)) {
		t.Fatalf("item: %v", item)
	}
	// /content redirects to a pre-authenticated URL on the other loopback name.
	resp := send(t, ts, alice, "GET", "/v1.0/me/drive/items/"+str(item, "id")+"/content", nil).want(t, 302)
	loc := resp.Header.Get("Location")
	u, _ := url.Parse(loc)
	api, _ := url.Parse(ts.URL)
	if u.Hostname() != "localhost" || u.Port() != api.Port() || !strings.Contains(u.RawQuery, "tempauth=") {
		t.Fatalf("Location %s", loc)
	}
	if dl := str(item, "@microsoft.graph.downloadUrl"); !strings.HasPrefix(dl, "http://localhost:") {
		t.Fatalf("downloadUrl %s", dl)
	}
	whole := send(t, ts, "", "GET", loc, nil).want(t, 200)
	if !bytes.Equal(whole.Body, data) || whole.Header.Get("Content-Type") != "application/octet-stream" {
		t.Fatalf("downloaded %d bytes, type %s", len(whole.Body), whole.Header.Get("Content-Type"))
	}
	part := send(t, ts, "", "GET", loc, nil, "Range", "bytes=1048570-1048580").want(t, 206)
	if !bytes.Equal(part.Body, data[1048570:1048581]) || part.Header.Get("Content-Range") != fmt.Sprintf("bytes 1048570-1048580/%d", len(data)) {
		t.Fatalf("range: %q %s", part.Body, part.Header.Get("Content-Range"))
	}
	// The token is the credential: altered or expired, it is refused.
	send(t, ts, "", "GET", strings.Replace(loc, "tempauth=", "tempauth=x", 1), nil).wantError(t, 401, "unauthenticated")
}

func TestDropMidStreamThenRange(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	data := pattern(2<<20, 9)
	item := send(t, ts, alice, "PUT", "/v1.0/me/drive/root:/drop.bin:/content", data).want(t, 201).JSON(t)
	loc := str(item, "@microsoft.graph.downloadUrl")
	req, _ := newGet(loc, "X-Sandbox-Fault", "drop;after=700000")
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := readAllErr(resp)
	if err == nil || len(got) != 700000 || !bytes.Equal(got, data[:700000]) {
		t.Fatalf("dropped read: %d bytes, err %v", len(got), err)
	}
	rest := send(t, ts, "", "GET", loc, nil, "Range", "bytes=700000-").want(t, 206)
	if !bytes.Equal(append(got, rest.Body...), data) {
		t.Fatal("resumed file differs")
	}
	if ts.Engine.FaultsInjected()["drop"] != 1 {
		t.Fatalf("faults: %v", ts.Engine.FaultsInjected())
	}
}

func TestUploadSession(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	ts := sandboxtest.New(t, sandboxtest.Options{Clock: clock})
	alice := ts.AliceToken(t)
	const unit = 320 << 10
	data := pattern(3*unit+1234, 3)
	create := func(path, body string) map[string]any {
		return send(t, ts, alice, "POST", "/v1.0/me/drive/root:/"+path+":/createUploadSession", []byte(body), "Content-Type", "application/json").want(t, 200).JSON(t)
	}
	s := create("Uploads/big.bin", `{"item":{"@microsoft.graph.conflictBehavior":"fail","fileSize":`+strconv.Itoa(len(data))+`}}`)
	up := str(s, "uploadUrl")
	if !strings.HasPrefix(up, "http://localhost:") || !slices.Equal(toStrings(s["nextExpectedRanges"]), []string{"0-"}) || str(s, "expirationDateTime") == "" {
		t.Fatalf("session: %v", s)
	}
	frag := func(from, to int, extra ...string) *answer {
		h := append([]string{"Content-Range", fmt.Sprintf("bytes %d-%d/%d", from, to-1, len(data))}, extra...)
		return send(t, ts, "", "PUT", up, data[from:to], h...)
	}
	st := frag(0, unit).want(t, 202).JSON(t)
	if !slices.Equal(toStrings(st["nextExpectedRanges"]), []string{strconv.Itoa(unit) + "-"}) {
		t.Fatalf("after one fragment: %v", st)
	}
	frag(0, unit).wantError(t, 416, "invalidRange")                                  // again
	frag(2*unit, 3*unit).wantError(t, 416, "invalidRange")                           // a gap
	frag(unit, unit+1000).wantError(t, 400, "invalidRequest")                        // not a multiple of 320 KiB
	send(t, ts, "", "PUT", up+"x", data[:unit]).wantError(t, 401, "unauthenticated") // bad tempauth
	status := send(t, ts, "", "GET", up, nil).want(t, 200).JSON(t)
	if !slices.Equal(toStrings(status["nextExpectedRanges"]), []string{strconv.Itoa(unit) + "-"}) {
		t.Fatalf("status: %v", status)
	}
	frag(unit, 3*unit).want(t, 202)
	done := frag(3*unit, len(data)).want(t, 201).JSON(t)
	if done["name"] != "big.bin" || done["size"].(float64) != float64(len(data)) || str(done, "file", "hashes", "quickXorHash") != quickXor(data) {
		t.Fatalf("created: %v", done)
	}
	send(t, ts, "", "GET", up, nil).wantError(t, 404, "itemNotFound")
	got := send(t, ts, "", "GET", str(done, "@microsoft.graph.downloadUrl"), nil).want(t, 200)
	if !bytes.Equal(got.Body, data) {
		t.Fatal("uploaded bytes differ")
	}
	// fail refuses an existing name at once; the 507 of a fileSize over quota.
	send(t, ts, alice, "POST", "/v1.0/me/drive/root:/Uploads/big.bin:/createUploadSession", []byte(`{}`), "Content-Type", "application/json").wantError(t, 409, "nameAlreadyExists")
	send(t, ts, alice, "POST", "/v1.0/me/drive/root:/Uploads/huge.bin:/createUploadSession",
		[]byte(`{"item":{"fileSize":`+strconv.FormatInt(2*core.DefaultDriveQuota, 10)+`}}`), "Content-Type", "application/json").wantError(t, 507, "quotaLimitReached")
	// Update by id: a new version of the same item.
	s2 := send(t, ts, alice, "POST", "/v1.0/me/drive/items/"+str(done, "id")+"/createUploadSession", nil).want(t, 200).JSON(t)
	small := []byte("small now")
	v2 := send(t, ts, "", "PUT", str(s2, "uploadUrl"), small, "Content-Range", fmt.Sprintf("bytes 0-%d/%d", len(small)-1, len(small))).want(t, 200).JSON(t)
	if v2["id"] != done["id"] || v2["size"].(float64) != float64(len(small)) {
		t.Fatalf("new version: %v", v2)
	}
	// Cancel, expiry and deferred commit.
	s3 := create("Uploads/cancel.bin", "")
	send(t, ts, "", "DELETE", str(s3, "uploadUrl"), nil).want(t, 204)
	send(t, ts, "", "GET", str(s3, "uploadUrl"), nil).wantError(t, 404, "itemNotFound")
	s4 := create("Uploads/late.bin", "")
	send(t, ts, "", "PUT", str(s4, "uploadUrl"), data[:unit], "Content-Range", fmt.Sprintf("bytes 0-%d/%d", unit-1, len(data))).want(t, 202)
	mu.Lock()
	now = now.Add(49 * time.Hour)
	mu.Unlock()
	send(t, ts, "", "GET", str(s4, "uploadUrl"), nil).wantError(t, 404, "itemNotFound")
	alice = ts.Token(t, url.Values{"grant_type": {"password"}, "client_id": {demo.PublicClientID}, "username": {demo.User},
		"password": {demo.Password}, "scope": {"https://graph.microsoft.com/Files.ReadWrite"}}) // a new one: time moved
	s5 := create("Uploads/deferred.bin", `{"deferCommit":true}`)
	pending := send(t, ts, "", "PUT", str(s5, "uploadUrl"), small, "Content-Range", fmt.Sprintf("bytes 0-%d/%d", len(small)-1, len(small))).want(t, 202).JSON(t)
	if len(toStrings(pending["nextExpectedRanges"])) != 0 {
		t.Fatalf("deferred: %v", pending)
	}
	send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Uploads/deferred.bin", nil).wantError(t, 404, "itemNotFound")
	send(t, ts, "", "POST", str(s5, "uploadUrl"), nil).want(t, 201)
	send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Uploads/deferred.bin", nil).want(t, 200)
}

func TestVersions(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	v1 := send(t, ts, alice, "PUT", "/v1.0/me/drive/root:/v.txt:/content", []byte("first")).want(t, 201).JSON(t)
	id := str(v1, "id")
	send(t, ts, alice, "PUT", "/v1.0/me/drive/items/"+id+"/content", []byte("second, longer")).want(t, 200)
	list := send(t, ts, alice, "GET", "/v1.0/me/drive/items/"+id+"/versions", nil).want(t, 200).JSON(t)
	ids := []string{}
	for _, v := range list["value"].([]any) {
		ids = append(ids, str(v.(map[string]any), "id"))
	}
	if !slices.Equal(ids, []string{"2.0", "1.0"}) {
		t.Fatalf("versions: %v", ids)
	}
	loc := send(t, ts, alice, "GET", "/v1.0/me/drive/items/"+id+"/versions/1.0/content", nil).want(t, 302).Header.Get("Location")
	if got := send(t, ts, "", "GET", loc, nil).want(t, 200).Body; string(got) != "first" {
		t.Fatalf("version 1: %q", got)
	}
	send(t, ts, alice, "POST", "/v1.0/me/drive/items/"+id+"/versions/1.0/restoreVersion", nil).want(t, 204)
	cur := send(t, ts, alice, "GET", "/v1.0/me/drive/items/"+id, nil).want(t, 200).JSON(t)
	if got := send(t, ts, "", "GET", str(cur, "@microsoft.graph.downloadUrl"), nil).Body; string(got) != "first" || cur["size"].(float64) != 5 {
		t.Fatalf("after restore: %q %v", got, cur["size"])
	}
	if n := len(send(t, ts, alice, "GET", "/v1.0/me/drive/items/"+id+"/versions", nil).JSON(t)["value"].([]any)); n != 3 {
		t.Fatalf("%d versions after restore", n)
	}
	send(t, ts, alice, "GET", "/v1.0/me/drive/items/"+id+"/versions/9.0", nil).wantError(t, 404, "itemNotFound")
}

func TestCopyWithMonitor(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	docs := send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Documents", nil).want(t, 200).JSON(t)
	root := send(t, ts, alice, "GET", "/v1.0/me/drive/root", nil).want(t, 200).JSON(t)
	body := fmt.Sprintf(`{"parentReference":{"driveId":%q,"id":%q},"name":"Documents copy"}`, str(root, "parentReference", "driveId"), str(root, "id"))
	resp := send(t, ts, alice, "POST", "/v1.0/me/drive/items/"+str(docs, "id")+"/copy", []byte(body), "Content-Type", "application/json").want(t, 202)
	mon := resp.Header.Get("Location")
	if !strings.Contains(mon, "/monitor/") || !strings.HasPrefix(mon, "http://localhost:") {
		t.Fatalf("monitor %s", mon)
	}
	var last map[string]any
	for i := 0; i < 200; i++ {
		a := send(t, ts, "", "GET", mon, nil)
		last = a.JSON(t)
		if last["status"] == "completed" {
			a.want(t, 200)
			break
		}
		a.want(t, 202)
		time.Sleep(5 * time.Millisecond)
	}
	if last["status"] != "completed" || last["percentageComplete"].(float64) != 100 || last["operation"] != "ItemCopy" {
		t.Fatalf("monitor: %v", last)
	}
	cp := send(t, ts, alice, "GET", "/v1.0/me/drive/items/"+str(last, "resourceId"), nil).want(t, 200).JSON(t)
	if cp["name"] != "Documents copy" || cp["size"] != docs["size"] {
		t.Fatalf("copy: %v", cp)
	}
	if got := names(t, send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Documents copy:/children", nil).JSON(t)); !slices.Equal(got, []string{"Budget.csv", "Quarterly report.md"}) {
		t.Fatalf("copied children: %v", got)
	}
	// A taken name is refused at once; rename picks another.
	send(t, ts, alice, "POST", "/v1.0/me/drive/items/"+str(docs, "id")+"/copy", []byte(body), "Content-Type", "application/json").wantError(t, 409, "nameAlreadyExists")
	send(t, ts, alice, "POST", "/v1.0/me/drive/items/"+str(docs, "id")+"/copy?@microsoft.graph.conflictBehavior=rename", []byte(body), "Content-Type", "application/json").want(t, 202)
	// Into itself: refused.
	self := fmt.Sprintf(`{"parentReference":{"id":%q}}`, str(docs, "id"))
	send(t, ts, alice, "POST", "/v1.0/me/drive/items/"+str(docs, "id")+"/copy", []byte(self), "Content-Type", "application/json").wantError(t, 400, "invalidRequest")
}

func TestMoveDeleteRestore(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	f := send(t, ts, alice, "PUT", "/v1.0/me/drive/root:/Inbox/note.txt:/content", []byte("hello")).want(t, 201).JSON(t)
	id := str(f, "id")
	moved := send(t, ts, alice, "PATCH", "/v1.0/me/drive/items/"+id, []byte(`{"name":"renamed.txt","parentReference":{"path":"/drive/root:/Documents"}}`),
		"Content-Type", "application/json").want(t, 200).JSON(t)
	if moved["name"] != "renamed.txt" || !strings.HasSuffix(str(moved, "parentReference", "path"), "root:/Documents") || moved["cTag"] != f["cTag"] {
		t.Fatalf("moved: %v", moved)
	}
	if inbox := send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Inbox", nil).JSON(t); inbox["size"].(float64) != 0 {
		t.Fatalf("Inbox still counts the file: %v", inbox)
	}
	docs := send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Documents", nil).JSON(t)
	send(t, ts, alice, "PATCH", "/v1.0/me/drive/items/"+str(docs, "id"), []byte(fmt.Sprintf(`{"parentReference":{"id":%q}}`, str(docs, "id"))),
		"Content-Type", "application/json").wantError(t, 400, "invalidRequest")
	send(t, ts, alice, "DELETE", "/v1.0/me/drive/items/"+id, nil).want(t, 204)
	send(t, ts, alice, "GET", "/v1.0/me/drive/items/"+id, nil).wantError(t, 404, "itemNotFound")
	quota := send(t, ts, alice, "GET", "/v1.0/me/drive", nil).JSON(t)["quota"].(map[string]any)
	if quota["deleted"].(float64) != 5 {
		t.Fatalf("quota after delete: %v", quota)
	}
	back := send(t, ts, alice, "POST", "/v1.0/me/drive/items/"+id+"/restore", nil).want(t, 200).JSON(t)
	if back["name"] != "renamed.txt" || !strings.HasSuffix(str(back, "parentReference", "path"), "root:/Documents") {
		t.Fatalf("restored: %v", back)
	}
	send(t, ts, alice, "POST", "/v1.0/me/drive/items/"+id+"/permanentDelete", nil).want(t, 204)
	send(t, ts, alice, "POST", "/v1.0/me/drive/items/"+id+"/restore", nil).wantError(t, 404, "itemNotFound")
	after := send(t, ts, alice, "GET", "/v1.0/me/drive", nil).JSON(t)["quota"].(map[string]any)
	if after["deleted"].(float64) != 0 || after["used"].(float64) != quota["used"].(float64)-5 {
		t.Fatalf("quota after purge: %v (before %v)", after, quota)
	}
	send(t, ts, alice, "DELETE", "/v1.0/me/drive/root", nil).wantError(t, 400, "invalidRequest")
}

func TestQuota(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	d := send(t, ts, alice, "GET", "/v1.0/me/drive", nil).JSON(t)
	used := int64(d["quota"].(map[string]any)["used"].(float64))
	if err := ts.Engine.Store().Write(t.Context(), func(tx *core.Tx) error { return core.SetDriveQuota(t.Context(), tx, str(d, "id"), used+100) }); err != nil {
		t.Fatal(err)
	}
	send(t, ts, alice, "PUT", "/v1.0/me/drive/root:/fits.txt:/content", pattern(60, 1)).want(t, 201)
	send(t, ts, alice, "PUT", "/v1.0/me/drive/root:/too-big.txt:/content", pattern(60, 1)).wantError(t, 507, "quotaLimitReached")
	q := send(t, ts, alice, "GET", "/v1.0/me/drive", nil).JSON(t)["quota"].(map[string]any)
	if q["remaining"].(float64) != 40 || q["state"] != "nearing" {
		t.Fatalf("quota: %v", q)
	}
}

func TestGroupDrive(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	bob := ts.UserToken(t, demo.PublicClientID, demo.Bob)
	d := send(t, ts, bob, "GET", "/v1.0/groups/"+demo.EngineeringGroupID+"/drive", nil).want(t, 200).JSON(t)
	if d["driveType"] != "documentLibrary" || str(d, "owner", "group", "id") != demo.EngineeringGroupID {
		t.Fatalf("group drive: %v", d)
	}
	send(t, ts, bob, "PUT", "/v1.0/groups/"+demo.EngineeringGroupID+"/drive/root:/bob.txt:/content", []byte("bob")).want(t, 201)
	send(t, ts, bob, "GET", "/v1.0/drives/"+url.PathEscape(str(d, "id"))+"/root:/Design notes.md", nil).want(t, 200)
	send(t, ts, bob, "GET", "/v1.0/groups/"+demo.AllStaffGroupID+"/drive", nil).wantError(t, 404, "itemNotFound")
	shared := ts.UserToken(t, demo.PublicClientID, demo.Shared) // not a member
	send(t, ts, shared, "GET", "/v1.0/groups/"+demo.EngineeringGroupID+"/drive/root/children", nil).wantError(t, 403, "accessDenied")
}

func TestSearchPDFThumbnails(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	if got := names(t, send(t, ts, alice, "GET", "/v1.0/me/drive/root/search(q='budget')", nil).want(t, 200).JSON(t)); !slices.Equal(got, []string{"Budget.csv"}) {
		t.Fatalf("search: %v", got)
	}
	if got := names(t, send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Pictures:/search(q='o')", nil).want(t, 200).JSON(t)); !slices.Equal(got, []string{"Logo.png"}) {
		t.Fatalf("search in a folder: %v", got)
	}
	loc := send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Documents/Quarterly report.md:/content?format=pdf", nil).want(t, 302).Header.Get("Location")
	pdf := send(t, ts, "", "GET", loc, nil).want(t, 200)
	if !bytes.HasPrefix(pdf.Body, []byte("%PDF-1.4")) || !bytes.Contains(pdf.Body, []byte("Revenue grew 12%")) || !bytes.HasSuffix(pdf.Body, []byte("%%EOF\n")) {
		t.Fatalf("pdf: %s", pdf.Body)
	}
	send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Documents/Budget.csv:/content?format=pdf", nil).wantError(t, 406, "notSupported")
	thumbs := send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Pictures/Logo.png:/thumbnails", nil).want(t, 200).JSON(t)
	set := thumbs["value"].([]any)[0].(map[string]any)
	small := set["small"].(map[string]any)
	if small["width"].(float64) != 64 || set["large"].(map[string]any)["height"].(float64) != 48 {
		t.Fatalf("thumbnails: %v", set)
	}
	medium := send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Pictures/Logo.png:/thumbnails/0/medium/content", nil).want(t, 302).Header.Get("Location")
	img, err := png.Decode(bytes.NewReader(send(t, ts, "", "GET", medium, nil).want(t, 200).Body))
	if err != nil || img.Bounds().Dx() != 64 {
		t.Fatalf("thumbnail: %v %v", err, img)
	}
	if v := send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Welcome.txt:/thumbnails", nil).JSON(t)["value"].([]any); len(v) != 0 {
		t.Fatalf("thumbnails of text: %v", v)
	}
}

func TestDelta(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	// First round: everything, root included, paged.
	seen := map[string]bool{}
	link := "/v1.0/me/drive/root/delta?$top=3"
	var deltaLink string
	for link != "" {
		page := send(t, ts, alice, "GET", link, nil).want(t, 200).JSON(t)
		for _, x := range page["value"].([]any) {
			it := x.(map[string]any)
			if _, hasPath := it["parentReference"].(map[string]any)["path"]; hasPath {
				t.Fatalf("delta item with a path: %v", it)
			}
			seen[str(it, "name")] = true
		}
		link, _ = page["@odata.nextLink"].(string)
		deltaLink, _ = page["@odata.deltaLink"].(string)
	}
	for _, want := range []string{"root", "Documents", "Budget.csv", "Logo.png", "Welcome.txt"} {
		if !seen[want] {
			t.Fatalf("first round misses %s: %v", want, seen)
		}
	}
	if !strings.Contains(deltaLink, "/root/delta?token=") {
		t.Fatalf("deltaLink %s", deltaLink)
	}
	// 5 changes and 2 deletions.
	var changed, deleted []string
	for i := range 5 {
		it := send(t, ts, alice, "PUT", fmt.Sprintf("/v1.0/me/drive/root:/Documents/new-%d.txt:/content", i), []byte("x")).want(t, 201).JSON(t)
		changed = append(changed, str(it, "id"))
	}
	for _, p := range []string{"Welcome.txt", "Documents/Budget.csv"} {
		it := send(t, ts, alice, "GET", "/v1.0/me/drive/root:/"+p, nil).JSON(t)
		send(t, ts, alice, "DELETE", "/v1.0/me/drive/items/"+str(it, "id"), nil).want(t, 204)
		deleted = append(deleted, str(it, "id"))
	}
	round := send(t, ts, alice, "GET", deltaLink, nil).want(t, 200).JSON(t)
	count := map[string]int{}
	gone := map[string]bool{}
	for _, x := range round["value"].([]any) {
		it := x.(map[string]any)
		count[str(it, "id")]++
		if _, ok := it["deleted"]; ok {
			gone[str(it, "id")] = true
			if _, hasName := it["name"]; hasName || it["file"] == nil {
				t.Fatalf("deleted entry: %v", it)
			}
		}
	}
	for _, id := range append(changed, deleted...) {
		if count[id] != 1 {
			t.Fatalf("item %s reported %d times in %v", id, count[id], round)
		}
	}
	for _, id := range deleted {
		if !gone[id] {
			t.Fatalf("deletion of %s not reported", id)
		}
	}
	// latest, delta(token='...'), and a bad token.
	latest := send(t, ts, alice, "GET", "/v1.0/me/drive/root/delta?token=latest", nil).want(t, 200).JSON(t)
	if len(latest["value"].([]any)) != 0 || latest["@odata.deltaLink"] == nil {
		t.Fatalf("latest: %v", latest)
	}
	tok := strings.SplitN(round["@odata.deltaLink"].(string), "token=", 2)[1]
	tokv, _ := url.QueryUnescape(tok)
	empty := send(t, ts, alice, "GET", "/v1.0/me/drive/root/delta(token='"+url.PathEscape(tokv)+"')", nil).want(t, 200).JSON(t)
	if len(empty["value"].([]any)) != 0 {
		t.Fatalf("nothing changed, yet: %v", empty)
	}
	bad := send(t, ts, alice, "GET", "/v1.0/me/drive/root/delta?token=garbage", nil)
	bad.wantError(t, 410, "resyncRequired")
	if !strings.HasSuffix(bad.Header.Get("Location"), "/root/delta") {
		t.Fatalf("Location %s", bad.Header.Get("Location"))
	}
	send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Documents:/delta", nil).wantError(t, 400, "invalidRequest")
}

// toStrings reads a JSON array of strings.
func toStrings(v any) []string {
	list, _ := v.([]any)
	out := []string{}
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// b64 is unpadded base64url, as share ids encode URLs.
func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// The SDKs name path-addressed items as one escaped key segment:
// items/root:%2Fa%2Fb:/content, and the root as items/root.
func TestSDKItemForms(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	d := send(t, ts, alice, "GET", "/v1.0/me/drive", nil).want(t, 200).JSON(t)
	base := "/v1.0/drives/" + url.PathEscape(str(d, "id"))
	if got := send(t, ts, alice, "GET", base+"/items/root:%2FDocuments%2FBudget.csv:", nil).want(t, 200).JSON(t); got["name"] != "Budget.csv" {
		t.Fatalf("items/root:path: %v", got)
	}
	up := send(t, ts, alice, "PUT", base+"/items/root:%2FSDK%2Fnew.txt:/content", []byte("sdk")).want(t, 201).JSON(t)
	if up["name"] != "new.txt" {
		t.Fatalf("PUT items/root:path:/content: %v", up)
	}
	docs := send(t, ts, alice, "GET", base+"/items/root:%2FDocuments:", nil).want(t, 200).JSON(t)
	if got := send(t, ts, alice, "GET", base+"/items/"+str(docs, "id")+":%2FBudget.csv:", nil).want(t, 200).JSON(t); got["name"] != "Budget.csv" {
		t.Fatalf("items/{id}:path: %v", got)
	}
	if got := names(t, send(t, ts, alice, "GET", "/v1.0/me/drive/items/root/children", nil).want(t, 200).JSON(t)); !slices.Contains(got, "SDK") {
		t.Fatalf("items/root/children: %v", got)
	}
}

// Every collection below an item answers its /$count segment with the
// number as text/plain ($filter applies), by id and by path, as msgraph-sdk-go's
// Children().Count() asks for it; what is no collection stays 400.
func TestCountSegments(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	d := send(t, ts, alice, "GET", "/v1.0/me/drive", nil).want(t, 200).JSON(t)
	docs := send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Documents:", nil).want(t, 200).JSON(t)
	want := len(names(t, send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Documents:/children", nil).want(t, 200).JSON(t)))
	if want < 2 {
		t.Fatalf("Documents has %d children", want)
	}
	for _, target := range []string{
		"/v1.0/me/drive/root:/Documents:/children/$count",
		"/v1.0/me/drive/items/" + str(docs, "id") + "/children/$count",
		"/v1.0/drives/" + url.PathEscape(str(d, "id")) + "/items/root:%2FDocuments:/children/$count",
		"/v1.0/drives/" + url.PathEscape(str(d, "id")) + "/items/" + str(docs, "id") + "/children/$count",
	} {
		a := send(t, ts, alice, "GET", target, nil).want(t, 200)
		if ct := a.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || string(a.Body) != strconv.Itoa(want) {
			t.Errorf("%s: %s %q, want text/plain %d", target, ct, a.Body, want)
		}
	}
	root := len(names(t, send(t, ts, alice, "GET", "/v1.0/me/drive/root/children", nil).want(t, 200).JSON(t)))
	if a := send(t, ts, alice, "GET", "/v1.0/me/drive/root/children/$count", nil).want(t, 200); string(a.Body) != strconv.Itoa(root) {
		t.Errorf("root/children/$count %q, want %d", a.Body, root)
	}
	filtered := "/v1.0/me/drive/root:/Documents:/children/$count?$filter=" + url.QueryEscape("name eq 'Budget.csv'")
	if a := send(t, ts, alice, "GET", filtered, nil).want(t, 200); string(a.Body) != "1" {
		t.Errorf("children/$count with $filter: %q", a.Body)
	}
	budget := "/v1.0/me/drive/root:/Documents/Budget.csv:"
	send(t, ts, alice, "PUT", budget+"/content", []byte("item,amount\n")).want(t, 200)
	if a := send(t, ts, alice, "GET", budget+"/versions/$count", nil).want(t, 200); string(a.Body) != "2" {
		t.Errorf("versions/$count %q, want 2", a.Body)
	}
	if a := send(t, ts, alice, "GET", budget+"/permissions/$count", nil).want(t, 200); !strings.HasPrefix(a.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("permissions/$count: %s %q", a.Header.Get("Content-Type"), a.Body)
	}
	// Not collections: an item and its content have no $count.
	send(t, ts, alice, "GET", budget+"/content/$count", nil).want(t, 400)
	send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Missing:/children/$count", nil).want(t, 404)
}

// A subscription to a drive's root hears of changes in the drive.
func TestSubscription(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	rc := sandboxtest.NewReceiver(t, true)
	ts.Do(t, alice, "POST", "/v1.0/subscriptions", map[string]any{
		"changeType": "updated", "notificationUrl": rc.URL, "resource": "me/drive/root",
		"expirationDateTime": time.Now().Add(time.Hour).UTC().Format(time.RFC3339), "clientState": "s",
	}).WantStatus(t, 201)
	send(t, ts, alice, "PUT", "/v1.0/me/drive/root:/Documents/Budget.csv:/content", []byte("new")).want(t, 200)
	select {
	case n := <-rc.Got:
		v := n["value"].([]any)[0].(map[string]any)
		if v["changeType"] != "updated" || v["clientState"] != "s" {
			t.Fatalf("notification: %v", v)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no notification")
	}
}

// Names in a drive path are not OData: a file called "report('x')" or
// "notes(a=b)" is addressed by its path like any other, and a function in
// the path (search(q='...')) is read by the area, with or without Graph's
// namespace.
func TestPathNamesThatLookLikeOData(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	for _, name := range []string{"report('x')", "notes(a=b)", "delta()", "f(q='1',r=2)"} {
		target := "/v1.0/me/drive/root:/Odd/" + url.PathEscape(name) + ":"
		up := send(t, ts, alice, "PUT", target+"/content", []byte(name)).want(t, 201).JSON(t)
		if up["name"] != name {
			t.Fatalf("PUT %s: stored as %v", name, up["name"])
		}
		got := send(t, ts, alice, "GET", target, nil).want(t, 200).JSON(t)
		if got["id"] != up["id"] || got["name"] != name {
			t.Fatalf("GET %s: %v", name, got)
		}
		if body := send(t, ts, "", "GET", str(got, "@microsoft.graph.downloadUrl"), nil).want(t, 200).Body; string(body) != name {
			t.Fatalf("content of %s: %q", name, body)
		}
	}
	for _, p := range []string{"root/search(q='notes')", "root/microsoft.graph.search(q='notes')",
		"search(q='notes')", "items/root/microsoft.graph.search(q='notes')"} {
		if got := names(t, send(t, ts, alice, "GET", "/v1.0/me/drive/"+p, nil).want(t, 200).JSON(t)); !slices.Contains(got, "notes(a=b)") {
			t.Fatalf("%s: %v", p, got)
		}
	}
}
