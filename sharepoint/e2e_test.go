package sharepoint_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
	"github.com/o365go/o365/sharepoint"
)

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func collect[T any](t testing.TB, seq func(func(*T, error) bool)) []*T {
	t.Helper()
	var out []*T
	for v, err := range seq {
		if err != nil {
			t.Fatalf("listing: %v", err)
		}
		out = append(out, v)
	}
	return out
}

// counting counts the requests that leave the client.
type counting struct{ n atomic.Int64 }

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

func TestSiteResourceForms(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	acct := o365test.NewAccount(t, srv, sandbox.DemoUser)
	team, err := sharepoint.New(acct).GetSite(ctx, "contoso.sharepoint.com:/sites/team", nil)
	must(t, err)
	root, err := sharepoint.New(acct).GetRootSite(ctx, nil)
	must(t, err)
	if team.Name != "team" || team.Root != nil || root.Root == nil || team.ID == root.ID {
		t.Fatalf("team %+v, root %+v", team.ID, root.ID)
	}
	forms := []struct{ resource, want string }{
		{"sharepoint:contoso.sharepoint.com:/sites/team", team.ID},
		{"sharepoint:contoso.sharepoint.com:/sites/team:", team.ID},
		{"sharepoint:CONTOSO.sharepoint.com:/sites/team/", team.ID},
		{"site:" + team.ID, team.ID},
		{"sites/" + team.ID, team.ID},
		{"sites/contoso.sharepoint.com:/sites/team", team.ID},
		{"sharepoint:contoso.sharepoint.com", root.ID},
		{"sharepoint:contoso.sharepoint.com:/", root.ID},
		{"sites/root", root.ID},
		{"site:root", root.ID},
		{"site:" + root.ID, root.ID},
	}
	for _, f := range forms {
		sp := sharepoint.New(acct, o365.WithResource(f.resource))
		s := sp.Site("")
		if err := s.Refresh(ctx, nil); err != nil {
			t.Errorf("%s: %v", f.resource, err)
			continue
		}
		if s.ID != f.want {
			t.Errorf("%s: site %s, want %s", f.resource, s.ID, f.want)
		}
		// Requests below the site work in every form.
		if _, err := s.GetList(ctx, "User Information List", nil); err != nil {
			t.Errorf("%s: list below the site: %v", f.resource, err)
		}
		// And the same forms name the site in a call.
		ref := f.resource
		for _, p := range []string{"sharepoint:", "site:"} {
			ref = strings.TrimPrefix(ref, p)
		}
		if got, err := sharepoint.New(acct).GetSite(ctx, ref, nil); err != nil || got.ID != f.want {
			t.Errorf("GetSite(%s): %v %v", ref, got, err)
		}
	}

	// A malformed form is an error before any request.
	var rt counting
	quiet := o365test.NewAccount(t, srv, sandbox.DemoUser, o365.WithHTTPClient(&http.Client{Transport: &rt}))
	for _, bad := range []string{"sharepoint:team", "sharepoint:contoso.sharepoint.com:sites/team", "site:contoso.sharepoint.com,1,2",
		"sharepoint:contoso.sharepoint.com:/a//b", "sites/x"} {
		sp := sharepoint.New(quiet, o365.WithResource(bad))
		err := sp.Site("").Refresh(ctx, nil)
		if !errors.Is(err, o365.ErrInvalidResource) {
			t.Errorf("%s: %v, want ErrInvalidResource", bad, err)
		}
		ref := bad
		for _, p := range []string{"sharepoint:", "site:"} {
			ref = strings.TrimPrefix(ref, p)
		}
		if _, err := sharepoint.New(quiet).GetSite(ctx, ref, nil); !errors.Is(err, o365.ErrInvalidResource) {
			t.Errorf("GetSite(%s): %v, want ErrInvalidResource", ref, err)
		}
		if err := sharepoint.New(quiet).Site("nope").Refresh(ctx, nil); !errors.Is(err, o365.ErrInvalidResource) {
			t.Errorf("Site(nope): %v", err)
		}
	}
	if n := rt.n.Load(); n != 0 {
		t.Fatalf("%d requests sent for malformed sites", n)
	}
}

func TestSitesSearchSubsitesFollowed(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	sp := sharepoint.New(o365test.NewAccount(t, srv, sandbox.DemoUser))
	found := collect(t, sp.SearchSites(ctx, "marketing", nil))
	if len(found) != 1 || found[0].DisplayName != "Marketing" {
		t.Fatalf("search: %v", found)
	}
	all := collect(t, sp.SearchSites(ctx, "*", o365.NewQuery().Top(2)))
	if len(all) != 5 {
		t.Fatalf("%d sites", len(all))
	}
	// Sites listed are bound to their own path: their lists are reachable.
	if _, err := found[0].GetList(ctx, "User Information List", nil); err != nil {
		t.Fatal(err)
	}
	team := sp.Site("contoso.sharepoint.com:/sites/team")
	subs := collect(t, team.ListSubsites(ctx, nil))
	if len(subs) != 1 || subs[0].Name != "projects" {
		t.Fatalf("subsites %v", subs)
	}
	followed := collect(t, sp.ListFollowedSites(ctx, nil))
	if len(followed) != 1 || followed[0].Name != "team" {
		t.Fatalf("followed %v", followed)
	}
	must(t, sp.FollowSites(ctx, found[0].ID))
	if n := len(collect(t, sp.ListFollowedSites(ctx, nil))); n != 2 {
		t.Fatalf("%d followed", n)
	}
	err := sp.UnfollowSites(ctx, found[0].ID, "contoso.sharepoint.com,00000000-0000-0000-0000-000000000000,00000000-0000-0000-0000-000000000000")
	if !errors.Is(err, o365.ErrOperationFailed) {
		t.Fatalf("unfollow with an unknown site: %v", err)
	}
	if n := len(collect(t, sp.ListFollowedSites(ctx, nil))); n != 1 {
		t.Fatalf("%d followed after unfollow", n)
	}
	g, err := sp.GetGroupSite(ctx, sandbox.DemoEngineeringGroupID, nil)
	must(t, err)
	if g.DisplayName != "Engineering" {
		t.Fatalf("group site %v", g.DisplayName)
	}
	cts := collect(t, team.ListContentTypes(ctx, nil))
	cols := collect(t, team.ListColumns(ctx, nil))
	if len(cts) < 5 || len(cols) == 0 {
		t.Fatalf("%d content types, %d columns", len(cts), len(cols))
	}
}

// TestListsEndToEnd is the check: a list with five column kinds,
// 1,000 items through $batch, filtered and paged, some updated and some
// deleted; wrong column types give Graph's error.
func TestListsEndToEnd(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	acct := o365test.NewAccount(t, srv, sandbox.DemoUser, o365.WithResource("sharepoint:contoso.sharepoint.com:/sites/team"))
	site := sharepoint.New(acct).Site("")
	inventory, err := site.GetList(ctx, "Inventory", nil)
	must(t, err)
	qty := sharepoint.NewNumberColumn("Quantity")
	qty.Indexed = true
	minimum := 0.0
	qty.Number.Minimum = &minimum
	list, err := site.CreateList(ctx, "Orders", &sharepoint.ListOptions{Description: "Shop orders", Columns: []*sharepoint.Column{
		sharepoint.NewTextColumn("Customer"),
		qty,
		sharepoint.NewChoiceColumn("Status", "New", "Shipped", "Closed"),
		sharepoint.NewDateTimeColumn("Due"),
		sharepoint.NewBooleanColumn("Paid"),
		sharepoint.NewPersonColumn("Clerk"),
		sharepoint.NewLookupColumn("Product", inventory.ID, ""),
	}})
	must(t, err)
	if list.DisplayName != "Orders" || list.ListInfo.Template != "genericList" || list.Name != "Orders" {
		t.Fatalf("list %+v", list)
	}
	cols := collect(t, list.ListColumns(ctx, nil))
	kinds := map[string]string{}
	for _, c := range cols {
		kinds[c.Name] = c.Kind()
	}
	for name, want := range map[string]string{"Customer": sharepoint.KindText, "Quantity": sharepoint.KindNumber, "Status": sharepoint.KindChoice,
		"Due": sharepoint.KindDateTime, "Paid": sharepoint.KindBoolean, "Clerk": sharepoint.KindPersonOrGroup, "Product": sharepoint.KindLookup} {
		if kinds[name] != want {
			t.Errorf("column %s is %q, want %q", name, kinds[name], want)
		}
	}

	// 1,000 items through $batch.
	due := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	statuses := []string{"New", "Shipped", "Closed"}
	var fields []sharepoint.Fields
	for i := range 1000 {
		f := sharepoint.Fields{"Title": fmt.Sprintf("Order %04d", i), "Customer": fmt.Sprintf("Customer %d", i%7),
			"Quantity": i % 50, "Status": statuses[i%3], "Paid": i%2 == 0}
		f.SetTime("Due", due.Add(time.Duration(i)*time.Hour)).SetLookup("Clerk", 6+i%4).SetLookup("Product", 1+i%3)
		fields = append(fields, f)
	}
	items, err := list.CreateItems(ctx, fields)
	must(t, err)
	if len(items) != 1000 || items[0].Fields.Text("Title") != "Order 0000" || items[999].Fields.Text("Title") != "Order 0999" {
		t.Fatalf("created %d items, first %v", len(items), items[0].Fields)
	}
	if id, _ := items[5].Fields.LookupID("Product"); id != 3 || items[5].Fields.Text("Product") != "Gizmo" {
		t.Fatalf("lookup %v", items[5].Fields)
	}

	// Filter on an indexed column, paged: every match, once.
	q := o365.NewQuery().Filter(o365.Lt(sharepoint.Field("Quantity"), 5)).Top(30)
	seen := map[string]bool{}
	for it, err := range list.ListItems(ctx, q, &sharepoint.ItemOptions{Fields: []string{"Quantity", "Title"}}) {
		must(t, err)
		if n, _ := it.Fields.Number("Quantity"); n >= 5 || seen[it.ID] || it.Fields.Text("Status") != "" {
			t.Fatalf("item %s: %v", it.ID, it.Fields)
		}
		seen[it.ID] = true
	}
	if len(seen) != 100 {
		t.Fatalf("%d items with Quantity < 5, want 100", len(seen))
	}
	// On a column that is not indexed Graph wants the Prefer header.
	q = o365.NewQuery().Filter(o365.And(o365.Eq(sharepoint.Field("Status"), "Shipped"), o365.Eq(sharepoint.Field("Paid"), true)))
	for _, err := range list.ListItems(ctx, q, nil) {
		var e *o365.Error
		if !errors.As(err, &e) || e.StatusCode != 400 || e.Code != "invalidRequest" {
			t.Fatalf("non-indexed filter without Prefer: %v", err)
		}
	}
	shippedPaid := collect(t, list.ListItems(ctx, q, &sharepoint.ItemOptions{AllowNonIndexed: true}))
	if len(shippedPaid) != 166 {
		t.Fatalf("%d shipped and paid, want 166", len(shippedPaid))
	}
	for _, it := range shippedPaid {
		if it.Fields.Text("Status") != "Shipped" {
			t.Fatalf("%v", it.Fields)
		}
		if paid, _ := it.Fields.Bool("Paid"); !paid {
			t.Fatalf("%v", it.Fields)
		}
	}

	// Update some, delete some.
	for _, it := range items[:10] {
		must(t, it.UpdateFields(ctx, sharepoint.Fields{"Status": "Closed", "Quantity": 99}, &sharepoint.UpdateOptions{IfUnchanged: true}))
		if it.Fields.Text("Status") != "Closed" || it.Fields.Text("_UIVersionString") != "2.0" {
			t.Fatalf("updated %v", it.Fields)
		}
	}
	var ids []string
	for _, it := range items[10:20] {
		ids = append(ids, it.ID)
	}
	must(t, list.DeleteItems(ctx, ids...))
	must(t, list.DeleteItems(ctx, ids[0])) // gone already: not an error
	got, err := list.GetItem(ctx, items[3].ID, nil)
	must(t, err)
	if n, _ := got.Fields.Number("Quantity"); n != 99 {
		t.Fatalf("reloaded %v", got.Fields)
	}
	if _, err := list.GetItem(ctx, items[12].ID, nil); !errors.Is(err, o365.ErrNotFound) {
		t.Fatalf("deleted item: %v", err)
	}
	if n := len(collect(t, list.ListItems(ctx, nil, &sharepoint.ItemOptions{NoFields: true}))); n != 990 {
		t.Fatalf("%d items left", n)
	}

	// Wrong types: Graph's 400 invalidRequest, nothing stored.
	for _, bad := range []sharepoint.Fields{
		{"Title": "x", "Quantity": "many"},
		{"Title": "x", "Quantity": -1},
		{"Title": "x", "Status": "Lost"},
		{"Title": "x", "Due": "soon"},
		{"Title": "x", "Paid": "maybe"},
		{"Title": "x", "ClerkLookupId": 500},
		{"Title": "x", "ProductLookupId": 500},
		{"Title": "x", "Nope": 1},
		{"Customer": "no title"},
	} {
		_, err := list.CreateItem(ctx, bad, nil)
		var e *o365.Error
		if !errors.As(err, &e) || e.StatusCode != 400 || e.Code != "invalidRequest" || !errors.Is(err, o365.ErrBadRequest) {
			t.Errorf("%v: %v", bad, err)
		}
	}
	// A stale eTag.
	stale := *items[0]
	must(t, items[0].UpdateFields(ctx, sharepoint.Fields{"Quantity": 1}, nil))
	if err := stale.UpdateFields(ctx, sharepoint.Fields{"Quantity": 2}, &sharepoint.UpdateOptions{IfUnchanged: true}); !errors.Is(err, o365.ErrPreconditionFailed) {
		t.Fatalf("stale update: %v", err)
	}
	if err := stale.DeleteIfUnchanged(ctx); !errors.Is(err, o365.ErrPreconditionFailed) {
		t.Fatalf("stale delete: %v", err)
	}
	must(t, items[0].DeleteIfUnchanged(ctx))

	// Save the list's changes; delete it.
	list.Description = "Orders of the shop"
	must(t, list.Save(ctx))
	must(t, list.Refresh(ctx, nil))
	if list.Description != "Orders of the shop" {
		t.Fatalf("description %q", list.Description)
	}
	must(t, list.Delete(ctx))
	if _, err := site.GetList(ctx, "Orders", nil); !errors.Is(err, o365.ErrNotFound) {
		t.Fatalf("deleted list: %v", err)
	}
}

func TestColumnsAndExactlyOnce(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	site := sharepoint.New(o365test.NewAccount(t, srv, sandbox.DemoUser)).Site("contoso.sharepoint.com:/sites/team")
	code := sharepoint.NewTextColumn("Code")
	code.EnforceUniqueValues = true
	list, err := site.CreateList(ctx, "Parts", &sharepoint.ListOptions{Columns: []*sharepoint.Column{code}})
	must(t, err)
	if _, err := site.CreateList(ctx, "Parts", nil); !errors.Is(err, o365.ErrConflict) {
		t.Fatalf("second list with the title: %v", err)
	}
	col, err := list.CreateColumn(ctx, sharepoint.NewChoiceColumn("Size", "S", "M", "L"))
	must(t, err)
	col.Required = true
	col.Choice.Choices = append(col.Choice.Choices, "XL")
	must(t, col.Save(ctx))
	cols := collect(t, list.ListColumns(ctx, o365.NewQuery().Filter(o365.Eq("name", "Size"))))
	if len(cols) != 1 || !cols[0].Required || len(cols[0].Choice.Choices) != 4 {
		t.Fatalf("saved column %+v", cols)
	}
	it, err := list.CreateItem(ctx, sharepoint.Fields{"Title": "Bolt", "Code": "B-1", "Size": "XL"}, &sharepoint.CreateItemOptions{Key: "Code"})
	must(t, err)
	if it.ID != "1" || it.Fields.Text("Size") != "XL" {
		t.Fatalf("item %+v", it.Fields)
	}
	if _, err := list.CreateItem(ctx, sharepoint.Fields{"Title": "Nut", "Code": "b-1", "Size": "S"}, nil); !errors.Is(err, o365.ErrBadRequest) {
		t.Fatalf("duplicate key: %v", err)
	}
	if _, err := list.CreateItem(ctx, sharepoint.Fields{"Title": "Nut"}, &sharepoint.CreateItemOptions{Key: "Code"}); err == nil {
		t.Fatal("a key without a value was accepted")
	}
	must(t, col.Delete(ctx))
	must(t, it.Refresh(ctx, nil))
	if _, ok := it.Fields["Size"]; ok {
		t.Fatalf("the deleted column's value is still there: %v", it.Fields)
	}
	handle := list.Item(it.ID)
	must(t, handle.Refresh(ctx, &sharepoint.ItemOptions{Fields: []string{"Code"}}))
	if handle.Fields.Text("Code") != "B-1" || handle.Fields.Text("Title") != "" {
		t.Fatalf("selected fields %v", handle.Fields)
	}
	var unbound sharepoint.List
	if _, err := unbound.CreateItem(ctx, sharepoint.Fields{}, nil); !errors.Is(err, sharepoint.ErrUnbound) {
		t.Fatalf("unbound: %v", err)
	}
}

// A site's document libraries are drives: listed through the site's
// resource (the drive package's way), their items name their files.
func TestLibraries(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	acct := o365test.NewAccount(t, srv, sandbox.DemoUser)
	site, err := sharepoint.New(acct).GetSite(ctx, "contoso.sharepoint.com:/sites/team", nil)
	must(t, err)
	type driveInfo struct {
		ID, Name, DriveType string
	}
	var drives struct {
		Value []driveInfo `json:"value"`
	}
	_, err = acct.With(o365.WithResource(site.Resource())).Do(ctx, &o365.Request{Path: "drives"}, &drives)
	must(t, err)
	if len(drives.Value) != 1 || drives.Value[0].Name != "Documents" || drives.Value[0].DriveType != "documentLibrary" {
		t.Fatalf("drives %+v", drives.Value)
	}
	lib, err := site.GetList(ctx, "Documents", nil)
	must(t, err)
	if lib.ListInfo.Template != "documentLibrary" {
		t.Fatalf("library %+v", lib.ListInfo)
	}
	items := collect(t, lib.ListItems(ctx, nil, &sharepoint.ItemOptions{Fields: []string{"FileLeafRef"}}))
	if len(items) != 1 || items[0].Fields.Text("FileLeafRef") != "Budget.xlsx" {
		t.Fatalf("library items %v", items)
	}
	ref, err := items[0].GetDriveItem(ctx)
	must(t, err)
	if ref.DriveID != drives.Value[0].ID || ref.Name != "Budget.xlsx" || ref.ID == "" {
		t.Fatalf("drive item %+v", ref)
	}
	inv, err := site.GetList(ctx, "Inventory", nil)
	must(t, err)
	if _, err := inv.Item("1").GetDriveItem(ctx); !errors.Is(err, o365.ErrBadRequest) {
		t.Fatalf("a generic list's item: %v", err)
	}
	if _, err := lib.CreateItem(ctx, sharepoint.Fields{"Title": "x"}, nil); !errors.Is(err, o365.ErrBadRequest) {
		t.Fatalf("an item created in a library: %v", err)
	}
}
