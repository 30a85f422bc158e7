package msgraphsdk

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	khttp "github.com/microsoft/kiota-http-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go-core/fileuploader"
	"github.com/microsoftgraph/msgraph-sdk-go/drives"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/shares"

	"github.com/o365go/o365/sandbox"
)

// myDrive is Alice's OneDrive as SDK programs reach it: the drive's id from
// /me/drive, then everything through /drives/{id} (the SDK has no builders
// below /me/drive).
func myDrive(t *testing.T, ctx context.Context, e *env) (string, *drives.DriveItemRequestBuilder) {
	t.Helper()
	d, err := e.alice.Me().Drive().Get(ctx, nil)
	must(t, "GET /me/drive", err)
	id := deref(d.GetId())
	if id == "" || deref(d.GetDriveType()) != "business" || d.GetOwner() == nil {
		t.Fatalf("drive: id %q type %q owner %v", id, deref(d.GetDriveType()), d.GetOwner())
	}
	return id, e.alice.Drives().ByDriveId(id)
}

// newFolder is a folder item to POST to children, with a conflict behaviour.
func newFolder(name, onConflict string) models.DriveItemable {
	f := models.NewDriveItem()
	f.SetName(ptr(name))
	f.SetFolder(models.NewFolder())
	if onConflict != "" {
		f.SetAdditionalData(map[string]any{"@microsoft.graph.conflictBehavior": onConflict})
	}
	return f
}

// TestDriveItems covers the item paths: by id and by path (the SDK's
// "root:/a/b.txt:" key), folders with conflict behaviours, small uploads,
// children listed with $top, $orderby and paging, $count, and search.
func TestDriveItems(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	driveID, drive := myDrive(t, ctx, e)
	items := drive.Items()

	root, err := drive.Root().Get(ctx, nil)
	must(t, "GET root", err)
	if root.GetRoot() == nil || root.GetFolder() == nil {
		t.Fatalf("root has no root or folder facet")
	}

	// Folders: fail (the default) refuses a second one, rename renames it.
	top, err := items.ByDriveItemId("root").Children().Post(ctx, newFolder("Interop", ""), nil)
	must(t, "create folder", err)
	if top.GetFolder() == nil || deref(top.GetParentReference().GetId()) != deref(root.GetId()) {
		t.Fatalf("created folder: folder %v parent %v", top.GetFolder(), deref(top.GetParentReference().GetId()))
	}
	_, err = items.ByDriveItemId("root").Children().Post(ctx, newFolder("Interop", "fail"), nil)
	wantODataError(t, "same name with fail", err, 409, "nameAlreadyExists")
	renamed, err := items.ByDriveItemId("root").Children().Post(ctx, newFolder("Interop", "rename"), nil)
	must(t, "create folder with rename", err)
	if deref(renamed.GetName()) != "Interop 1" {
		t.Fatalf("renamed folder is %q", deref(renamed.GetName()))
	}

	// A small upload by path creates the missing folders on the way.
	body := []byte("hello from msgraph-sdk-go\n")
	up, err := items.ByDriveItemId("root:/Interop/a/b.txt:").Content().Put(ctx, body, nil)
	must(t, "PUT root:/Interop/a/b.txt:/content", err)
	if deref(up.GetSize()) != int64(len(body)) || up.GetFile() == nil || deref(up.GetName()) != "b.txt" {
		t.Fatalf("uploaded: size %d file %v name %q", deref(up.GetSize()), up.GetFile(), deref(up.GetName()))
	}
	byPath, err := items.ByDriveItemId("root:/Interop/a/b.txt:").Get(ctx, nil)
	must(t, "GET by path", err)
	byID, err := items.ByDriveItemId(deref(up.GetId())).Get(ctx, nil)
	must(t, "GET by id", err)
	if deref(byPath.GetId()) != deref(up.GetId()) || deref(byID.GetName()) != "b.txt" ||
		!strings.HasSuffix(deref(byID.GetParentReference().GetPath()), "/root:/Interop/a") {
		t.Fatalf("by path %s, by id %s in %q", deref(byPath.GetId()), deref(byID.GetName()), deref(byID.GetParentReference().GetPath()))
	}
	if deref(byID.GetParentReference().GetDriveId()) != driveID {
		t.Fatalf("parentReference.driveId %q, want %q", deref(byID.GetParentReference().GetDriveId()), driveID)
	}
	if _, err := items.ByDriveItemId("root:/Interop/nothing.txt:").Get(ctx, nil); err == nil {
		t.Fatal("a missing path was found")
	} else {
		wantODataError(t, "GET a missing path", err, 404, "itemNotFound")
	}

	// Children: $top, $orderby, paging with the PageIterator, $count.
	names := []string{"e.txt", "c.txt", "a.txt", "d.txt", "b.txt"}
	for _, n := range names {
		_, err := items.ByDriveItemId("root:/Interop/list/"+n+":").Content().Put(ctx, []byte(n), nil)
		must(t, "PUT "+n, err)
	}
	list, err := items.ByDriveItemId("root:/Interop/list:").Get(ctx, nil)
	must(t, "GET list folder", err)
	if deref(list.GetFolder().GetChildCount()) != int32(len(names)) {
		t.Fatalf("childCount %d", deref(list.GetFolder().GetChildCount()))
	}
	page, err := items.ByDriveItemId(deref(list.GetId())).Children().Get(ctx, &drives.ItemItemsItemChildrenRequestBuilderGetRequestConfiguration{
		QueryParameters: &drives.ItemItemsItemChildrenRequestBuilderGetQueryParameters{
			Top: ptr(int32(2)), Orderby: []string{"name desc"}, Select: []string{"id", "name", "size"},
		}})
	must(t, "list children", err)
	if len(page.GetValue()) != 2 || page.GetOdataNextLink() == nil {
		t.Fatalf("first page: %d items, nextLink %v", len(page.GetValue()), page.GetOdataNextLink())
	}
	it, err := msgraphcore.NewPageIterator[models.DriveItemable](page, e.alice.GetAdapter(), models.CreateDriveItemCollectionResponseFromDiscriminatorValue)
	must(t, "page iterator", err)
	var got []string
	must(t, "iterate children", it.Iterate(ctx, func(item models.DriveItemable) bool {
		got = append(got, deref(item.GetName()))
		return true
	}))
	if strings.Join(got, ",") != "e.txt,d.txt,c.txt,b.txt,a.txt" {
		t.Fatalf("children in name desc order: %v", got)
	}
	n, err := items.ByDriveItemId(deref(list.GetId())).Children().Count().Get(ctx, nil)
	must(t, "children/$count", err)
	if deref(n) != int32(len(names)) {
		t.Fatalf("children/$count %d", deref(n))
	}
	n, err = items.ByDriveItemId("root:/Interop/list:").Children().Count().Get(ctx, nil)
	must(t, "root:/Interop/list:/children/$count", err)
	if deref(n) != int32(len(names)) {
		t.Fatalf("children/$count by path %d", deref(n))
	}

	// Rename and move by PATCH.
	patch := models.NewDriveItem()
	patch.SetName(ptr("moved.txt"))
	ref := models.NewItemReference()
	ref.SetId(renamed.GetId())
	patch.SetParentReference(ref)
	moved, err := items.ByDriveItemId(deref(up.GetId())).Patch(ctx, patch, nil)
	must(t, "PATCH rename and move", err)
	if deref(moved.GetName()) != "moved.txt" || deref(moved.GetParentReference().GetId()) != deref(renamed.GetId()) {
		t.Fatalf("moved: %q under %q", deref(moved.GetName()), deref(moved.GetParentReference().GetId()))
	}

	// search(q=...) over the drive.
	found, err := drive.SearchWithQ(ptr("Quarterly")).GetAsSearchWithQGetResponse(ctx, nil)
	must(t, "search", err)
	if len(found.GetValue()) == 0 || !strings.Contains(deref(found.GetValue()[0].GetName()), "Quarterly") {
		t.Fatalf("search found %d items", len(found.GetValue()))
	}

	// DELETE, then the item is gone.
	must(t, "DELETE", items.ByDriveItemId(deref(up.GetId())).Delete(ctx, nil))
	_, err = items.ByDriveItemId(deref(up.GetId())).Get(ctx, nil)
	wantODataError(t, "GET a deleted item", err, 404, "itemNotFound")
}

// TestDriveTransfer uploads through an upload session with the SDK's
// LargeFileUploadTask in several fragments, downloads through the 302 the
// SDK's redirect handler follows, keeps versions, and copies with a
// monitor.
func TestDriveTransfer(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, drive := myDrive(t, ctx, e)
	items := drive.Items()

	// 1 MiB in 320 KiB fragments: four PUTs to the session's URL.
	large := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
	props := models.NewDriveItemUploadableProperties()
	props.SetAdditionalData(map[string]any{"@microsoft.graph.conflictBehavior": "replace"})
	req := drives.NewItemItemsItemCreateUploadSessionPostRequestBody()
	req.SetItem(props)
	session, err := items.ByDriveItemId("root:/Transfer/large.bin:").CreateUploadSession().Post(ctx, req, nil)
	must(t, "createUploadSession", err)
	if session.GetUploadUrl() == nil || session.GetExpirationDateTime() == nil {
		t.Fatalf("session: url %v expiry %v", session.GetUploadUrl(), session.GetExpirationDateTime())
	}
	task := fileuploader.NewLargeFileUploadTask[models.DriveItemable](e.alice.GetAdapter(), session, tempFile(t, large), 320<<10,
		models.CreateDriveItemFromDiscriminatorValue, nil)
	var progressed int64
	res := task.Upload(func(current, _ int64) { progressed = current }) // a nil callback panics in the SDK
	if !res.GetUploadSucceeded() {
		for _, err := range res.GetResponseErrors() {
			t.Errorf("upload slice: %s", describe(err))
		}
		t.FailNow()
	}
	var puts int
	for _, x := range e.wire.all() {
		if x.method == http.MethodPut && strings.Contains(x.url, "/uploadSessions/") {
			puts++
			if x.header.Get("Authorization") != "" {
				t.Errorf("a fragment carried the bearer token to the pre-authenticated URL")
			}
		}
	}
	if puts != 4 {
		t.Fatalf("%d fragments sent, want 4", puts)
	}
	if progressed != int64(len(large))-1 {
		t.Fatalf("progress ended at %d of %d", progressed, len(large))
	}
	item, ok := res.GetItemResponse().(models.DriveItemable)
	if !ok || deref(item.GetSize()) != int64(len(large)) || deref(item.GetName()) != "large.bin" {
		t.Fatalf("upload result: %T %v", res.GetItemResponse(), res.GetItemResponse())
	}
	id := deref(item.GetId())

	// Download: /content answers 302 to a pre-authenticated URL that the
	// redirect handler follows.
	content, err := items.ByDriveItemId(id).Content().Get(ctx, nil)
	must(t, "GET content", err)
	if !bytes.Equal(content, large) {
		t.Fatalf("downloaded %d bytes, uploaded %d", len(content), len(large))
	}
	x, ok := e.wire.last("/items/" + id + "/content")
	if !ok || !strings.HasPrefix(x.status, "302") {
		t.Fatalf("content answered %q, want a 302", x.status)
	}

	// Versions: a second small upload replaces the content, keeping the
	// first as a version.
	_, err = items.ByDriveItemId(id).Content().Put(ctx, []byte("version two"), nil)
	must(t, "PUT a new version", err)
	versions, err := items.ByDriveItemId(id).Versions().Get(ctx, nil)
	must(t, "list versions", err)
	if len(versions.GetValue()) < 2 {
		t.Fatalf("%d versions", len(versions.GetValue()))
	}
	oldest := versions.GetValue()[len(versions.GetValue())-1]
	old, err := items.ByDriveItemId(id).Versions().ByDriveItemVersionId(deref(oldest.GetId())).Content().Get(ctx, nil)
	must(t, "GET a version's content", err)
	if !bytes.Equal(old, large) {
		t.Fatalf("oldest version has %d bytes", len(old))
	}
	must(t, "restoreVersion", items.ByDriveItemId(id).Versions().ByDriveItemVersionId(deref(oldest.GetId())).RestoreVersion().Post(ctx, nil))
	content, err = items.ByDriveItemId(id).Content().Get(ctx, nil)
	must(t, "GET restored content", err)
	if !bytes.Equal(content, large) {
		t.Fatalf("restored content has %d bytes", len(content))
	}

	// Copy: 202 with a monitor URL in Location (read with the SDK's
	// headers inspection option), polled until it completes.
	parent, err := items.ByDriveItemId("root:/Transfer:").Get(ctx, nil)
	must(t, "GET Transfer", err)
	copyReq := drives.NewItemItemsItemCopyPostRequestBody()
	copyReq.SetName(ptr("copy.bin"))
	pref := models.NewItemReference()
	pref.SetId(parent.GetId())
	copyReq.SetParentReference(pref)
	headers := khttp.NewHeadersInspectionOptions()
	headers.InspectResponseHeaders = true
	copied, err := items.ByDriveItemId(id).Copy().Post(ctx, copyReq, &drives.ItemItemsItemCopyRequestBuilderPostRequestConfiguration{
		Options: []abstractions.RequestOption{headers}})
	must(t, "copy", err)
	if copied != nil {
		t.Fatalf("copy answered an item; Graph answers 202 without a body")
	}
	monitor := headers.GetResponseHeaders().Get("Location")
	if len(monitor) != 1 {
		t.Fatalf("copy's Location: %v", monitor)
	}
	newID := waitForCopy(t, ctx, e, monitor[0])
	dup, err := items.ByDriveItemId(newID).Get(ctx, nil)
	must(t, "GET the copy", err)
	if deref(dup.GetName()) != "copy.bin" || deref(dup.GetSize()) != int64(len(large)) {
		t.Fatalf("copy: %q of %d bytes", deref(dup.GetName()), deref(dup.GetSize()))
	}
}

// waitForCopy polls a copy's monitor (a pre-authenticated URL, fetched
// without the token as Graph's docs say) until it completes, and returns
// the new item's id.
func waitForCopy(t *testing.T, ctx context.Context, e *env, monitor string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, monitor, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var st struct {
			Status     string `json:"status"`
			ResourceID string `json:"resourceId"`
		}
		err = json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("monitor answered %s: %v", resp.Status, err)
		}
		switch st.Status {
		case "completed":
			return st.ResourceID
		case "failed":
			t.Fatalf("copy failed")
		}
		if time.Now().After(deadline) {
			t.Fatalf("copy still %q", st.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestDriveSharing covers createLink and its resolution through /shares,
// invite, the item's permissions, and what Bob can then read.
func TestDriveSharing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	driveID, drive := myDrive(t, ctx, e)
	items := drive.Items()
	bob := e.userClient(t, sandbox.DemoPublicClientID, sandbox.DemoBob)

	item, err := items.ByDriveItemId("root:/Shared/plan.txt:").Content().Put(ctx, []byte("the plan"), nil)
	must(t, "PUT plan.txt", err)
	id := deref(item.GetId())
	_, err = bob.Drives().ByDriveId(driveID).Items().ByDriveItemId(id).Get(ctx, nil)
	if err == nil {
		t.Fatal("Bob reads Alice's file before it is shared")
	}

	// createLink: an organization view link that Bob resolves through
	// /shares/u!{base64url(link)}.
	link := drives.NewItemItemsItemCreateLinkPostRequestBody()
	link.SetTypeEscaped(ptr("view"))
	link.SetScope(ptr("organization"))
	perm, err := items.ByDriveItemId(id).CreateLink().Post(ctx, link, nil)
	must(t, "createLink", err)
	url := deref(perm.GetLink().GetWebUrl())
	if url == "" || deref(perm.GetLink().GetScope()) != "organization" || len(perm.GetRoles()) != 1 || perm.GetRoles()[0] != "read" {
		t.Fatalf("link: %q scope %q roles %v", url, deref(perm.GetLink().GetScope()), perm.GetRoles())
	}
	share := "u!" + strings.TrimRight(base64.URLEncoding.EncodeToString([]byte(url)), "=")
	shared, err := bob.Shares().BySharedDriveItemId(share).DriveItem().Get(ctx, nil)
	must(t, "Bob resolves the link", err)
	if deref(shared.GetId()) != id {
		t.Fatalf("the link resolves to %s", deref(shared.GetId()))
	}
	sharedContent, err := bob.Shares().BySharedDriveItemId(share).DriveItem().Content().Get(ctx, nil)
	must(t, "Bob downloads through the link", err)
	if string(sharedContent) != "the plan" {
		t.Fatalf("shared content %q", sharedContent)
	}
	var _ *shares.SharedDriveItemItemRequestBuilder // the builder Bob used

	// invite Carol with write access.
	carol := models.NewDriveRecipient()
	carol.SetEmail(ptr(sandbox.DemoCarol))
	inv := drives.NewItemItemsItemInvitePostRequestBody()
	inv.SetRecipients([]models.DriveRecipientable{carol})
	inv.SetRoles([]string{"write"})
	inv.SetRequireSignIn(ptr(true))
	inv.SetSendInvitation(ptr(false))
	invited, err := items.ByDriveItemId(id).Invite().PostAsInvitePostResponse(ctx, inv, nil)
	must(t, "invite", err)
	if len(invited.GetValue()) != 1 || invited.GetValue()[0].GetGrantedToV2() == nil ||
		deref(invited.GetValue()[0].GetGrantedToV2().GetUser().GetId()) != sandbox.DemoCarolID {
		t.Fatalf("invite answered %d permissions", len(invited.GetValue()))
	}
	carolClient := e.userClient(t, sandbox.DemoPublicClientID, sandbox.DemoCarol)
	_, err = carolClient.Drives().ByDriveId(driveID).Items().ByDriveItemId(id).Content().Put(ctx, []byte("Carol's plan"), nil)
	must(t, "Carol writes the shared file", err)

	// The item's permissions: the link and Carol's grant; deleting the
	// grant takes Carol's access away.
	perms, err := items.ByDriveItemId(id).Permissions().Get(ctx, nil)
	must(t, "list permissions", err)
	var grant string
	kinds := map[string]bool{}
	for _, p := range perms.GetValue() {
		switch {
		case p.GetLink() != nil:
			kinds["link"] = true
		case p.GetGrantedToV2() != nil && deref(p.GetGrantedToV2().GetUser().GetId()) == sandbox.DemoCarolID:
			kinds["carol"] = true
			grant = deref(p.GetId())
		}
	}
	if !kinds["link"] || !kinds["carol"] {
		t.Fatalf("permissions: %v", kinds)
	}
	got, err := items.ByDriveItemId(id).Permissions().ByPermissionId(grant).Get(ctx, nil)
	must(t, "GET a permission", err)
	if len(got.GetRoles()) != 1 || got.GetRoles()[0] != "write" {
		t.Fatalf("Carol's roles %v", got.GetRoles())
	}
	must(t, "DELETE a permission", items.ByDriveItemId(id).Permissions().ByPermissionId(grant).Delete(ctx, nil))
	_, err = carolClient.Drives().ByDriveId(driveID).Items().ByDriveItemId(id).Content().Put(ctx, []byte("again"), nil)
	if err == nil {
		t.Fatal("Carol still writes after her permission was deleted")
	}
}

// TestDriveDelta walks the drive's delta to its deltaLink, changes a file,
// and sees only that change from the deltaLink.
func TestDriveDelta(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, drive := myDrive(t, ctx, e)
	items := drive.Items()

	delta := items.ByDriveItemId("root").Delta()
	page, err := delta.GetAsDeltaGetResponse(ctx, &drives.ItemItemsItemDeltaRequestBuilderGetRequestConfiguration{
		QueryParameters: &drives.ItemItemsItemDeltaRequestBuilderGetQueryParameters{Top: ptr(int32(3))}})
	must(t, "delta", err)
	var seen int
	for {
		seen += len(page.GetValue())
		if next := page.GetOdataNextLink(); next != nil {
			page, err = delta.WithUrl(*next).GetAsDeltaGetResponse(ctx, nil)
			must(t, "delta nextLink", err)
			continue
		}
		break
	}
	deltaLink := page.GetOdataDeltaLink()
	if deltaLink == nil || seen < 5 {
		t.Fatalf("delta: %d items, deltaLink %v", seen, deltaLink)
	}

	item, err := items.ByDriveItemId("root:/Delta/new.txt:").Content().Put(ctx, []byte("new"), nil)
	must(t, "PUT new.txt", err)
	page, err = delta.WithUrl(*deltaLink).GetAsDeltaGetResponse(ctx, nil)
	must(t, "delta from deltaLink", err)
	var names []string
	for _, it := range page.GetValue() {
		names = append(names, deref(it.GetName()))
	}
	if !strings.Contains(fmt.Sprint(names), "new.txt") || len(names) > 3 {
		t.Fatalf("changes since the deltaLink: %v", names)
	}
	deltaLink = page.GetOdataDeltaLink()

	must(t, "DELETE new.txt", items.ByDriveItemId(deref(item.GetId())).Delete(ctx, nil))
	page, err = delta.WithUrl(*deltaLink).GetAsDeltaGetResponse(ctx, nil)
	must(t, "delta after delete", err)
	var deleted bool
	for _, it := range page.GetValue() {
		if deref(it.GetId()) == deref(item.GetId()) && it.GetDeleted() != nil {
			deleted = true
		}
	}
	if !deleted {
		t.Fatalf("the deletion is not in the delta (%d items)", len(page.GetValue()))
	}
}
