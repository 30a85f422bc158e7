package drive_test

import (
	"bytes"
	"errors"
	"image/png"
	"slices"
	"strings"
	"testing"

	"github.com/o365go/o365"
	"github.com/o365go/o365/drive"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

func TestSharingBetweenUsers(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	alice := newDrive(t, srv, sandbox.DemoUser, nil)
	bob := newDrive(t, srv, sandbox.DemoBob, nil)
	carol := newDrive(t, srv, sandbox.DemoCarol, nil)
	report, err := alice.GetItemByPath(ctx, "/Documents/Quarterly report.md", nil)
	must(t, err)
	// Without a permission, Bob is refused.
	if _, err := bob.Drive(report.ParentReference.DriveID).GetItem(ctx, report.ID, nil); !errors.Is(err, o365.ErrForbidden) {
		t.Fatalf("before sharing: %v", err)
	}
	link, err := report.CreateLink(ctx, &drive.LinkOptions{Type: drive.LinkView, Scope: drive.ScopeOrganization})
	must(t, err)
	if link.Link.Type != "view" || link.Link.WebURL == "" || !slices.Equal(link.Roles, []string{"read"}) {
		t.Fatalf("link: %+v", link)
	}
	// Bob opens it by its URL, downloads it, cannot change it.
	shared, err := bob.GetShared(ctx, link.Link.WebURL)
	must(t, err)
	var buf bytes.Buffer
	_, err = shared.Download(ctx, &buf, nil)
	must(t, err)
	if !strings.HasPrefix(buf.String(), "# Quarterly report") {
		t.Fatalf("shared content: %q", buf.String())
	}
	if _, err := shared.Upload(ctx, bytes.NewReader([]byte("x")), 1, nil); !errors.Is(err, o365.ErrForbidden) {
		t.Fatalf("writing through a view link: %v", err)
	}
	if got := names(collect(t, bob.SharedWithMe(ctx, nil))); !slices.Equal(got, []string{"Quarterly report.md"}) {
		t.Fatalf("Bob's shared with me: %v", got)
	}
	// Carol is invited to write the Documents folder.
	docs, err := alice.GetItemByPath(ctx, "/Documents", nil)
	must(t, err)
	perms, err := docs.Invite(ctx, []string{sandbox.DemoCarol}, &drive.InviteOptions{Roles: []string{"write"}})
	must(t, err)
	if len(perms) != 1 || perms[0].GrantedToV2.User.ID != sandbox.DemoCarolID {
		t.Fatalf("invite: %+v", perms)
	}
	sharedDocs := collect(t, carol.SharedWithMe(ctx, nil))
	if len(sharedDocs) != 1 || sharedDocs[0].RemoteItem == nil {
		t.Fatalf("Carol's shared with me: %+v", sharedDocs)
	}
	newFile, err := sharedDocs[0].CreateFolder(ctx, "From Carol", nil)
	must(t, err)
	if newFile.ParentReference.DriveID != report.ParentReference.DriveID {
		t.Fatalf("Carol's folder landed in %s", newFile.ParentReference.DriveID)
	}
	// The report lists the owner, the link and the inherited invitation;
	// removing the invitation (where it is set) ends Carol's access.
	var kinds []string
	for p, err := range report.ListPermissions(ctx) {
		must(t, err)
		switch {
		case p.Link != nil:
			kinds = append(kinds, "link")
		case p.InheritedFrom != nil:
			kinds = append(kinds, "inherited")
		default:
			kinds = append(kinds, p.Roles[0])
		}
	}
	if !slices.Equal(kinds, []string{"owner", "link", "inherited"}) {
		t.Fatalf("permissions: %v", kinds)
	}
	must(t, perms[0].Delete(ctx))
	if _, err := sharedDocs[0].CreateFolder(ctx, "Again", nil); !errors.Is(err, o365.ErrForbidden) {
		t.Fatalf("after removal: %v", err)
	}
	// Links the business drive refuses.
	if _, err := report.CreateLink(ctx, &drive.LinkOptions{Type: drive.LinkEmbed}); !errors.Is(err, o365.ErrBadRequest) {
		t.Fatalf("embed: %v", err)
	}
	if _, err := report.CreateLink(ctx, &drive.LinkOptions{Password: "p"}); !errors.Is(err, o365.ErrBadRequest) {
		t.Fatalf("password: %v", err)
	}
}

func TestCopyVersionsThumbnailsPDF(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	d := newDrive(t, srv, sandbox.DemoUser, nil)
	docs, err := d.GetItemByPath(ctx, "/Documents", nil)
	must(t, err)
	var seen []float64
	cp, err := docs.Copy(ctx, d.Root(), "Documents backup", &drive.CopyOptions{Poll: 1, Progress: func(p float64) { seen = append(seen, p) }})
	must(t, err)
	if cp.Name != "Documents backup" || cp.Size != docs.Size || len(seen) == 0 || seen[len(seen)-1] != 100 {
		t.Fatalf("copy %+v, progress %v", cp, seen)
	}
	if got := names(collect(t, cp.ListChildren(ctx, nil, nil))); !slices.Equal(got, []string{"Budget.csv", "Quarterly report.md"}) {
		t.Fatalf("copy's children: %v", got)
	}
	if _, err := docs.StartCopy(ctx, d.Root(), "Documents backup", nil); !errors.Is(err, o365.ErrConflict) {
		t.Fatalf("copy onto a taken name: %v", err)
	}
	// Into the group's library: another drive.
	g := drive.New(d.Account(), o365.WithResource("group:"+sandbox.DemoEngineeringGroupID))
	groot, err := g.GetItemByPath(ctx, "/", nil)
	must(t, err)
	budget, err := d.GetItemByPath(ctx, "/Documents/Budget.csv", nil)
	must(t, err)
	gcp, err := budget.Copy(ctx, groot, "", &drive.CopyOptions{Poll: 1})
	must(t, err)
	if gcp.ParentReference.DriveID != groot.ParentReference.DriveID || gcp.Name != "Budget.csv" {
		t.Fatalf("cross-drive copy: %+v", gcp.ParentReference)
	}

	// Versions: overwrite, list, download the first, restore it.
	_, err = budget.Upload(ctx, bytes.NewReader([]byte("v2")), 2, nil)
	must(t, err)
	versions := collect(t, budget.ListVersions(ctx))
	if len(versions) != 2 || versions[0].ID != "2.0" || versions[1].Size == 2 {
		t.Fatalf("versions: %+v", versions)
	}
	var v1 bytes.Buffer
	_, err = versions[1].Download(ctx, &v1, nil)
	must(t, err)
	if !strings.HasPrefix(v1.String(), "item,amount") {
		t.Fatalf("version 1: %q", v1.String())
	}
	must(t, versions[1].Restore(ctx))
	must(t, budget.Refresh(ctx))
	if budget.Size != int64(v1.Len()) || len(collect(t, budget.ListVersions(ctx))) != 3 {
		t.Fatalf("after restore: %d bytes", budget.Size)
	}

	// Thumbnails of a picture; PDF of a document.
	logo, err := d.GetItemByPath(ctx, "/Pictures/Logo.png", nil)
	must(t, err)
	sets, err := logo.ListThumbnails(ctx)
	must(t, err)
	if len(sets) != 1 || sets[0].Small.Width != 64 || sets[0].Large.Height != 48 {
		t.Fatalf("thumbnails: %+v", sets)
	}
	var thumb bytes.Buffer
	_, err = logo.DownloadThumbnail(ctx, "0", drive.ThumbnailSmall, &thumb)
	must(t, err)
	if img, err := png.Decode(&thumb); err != nil || img.Bounds().Dx() != 64 {
		t.Fatalf("thumbnail: %v", err)
	}
	report, err := d.GetItemByPath(ctx, "/Documents/Quarterly report.md", nil)
	must(t, err)
	var pdf bytes.Buffer
	_, err = report.Download(ctx, &pdf, &drive.DownloadOptions{Format: "pdf"})
	must(t, err)
	if !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("pdf: %q", pdf.Bytes()[:20])
	}
}
