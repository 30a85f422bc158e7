package msgraphsdk

import (
	"context"
	"fmt"
	"strings"
	"testing"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoft/kiota-abstractions-go/serialization"
	"github.com/microsoftgraph/msgraph-sdk-go/drives"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/sites"

	"github.com/o365go/o365/sandbox"
)

// teamSite is the demo team site, reached by its path as Graph's docs
// show: sites/{hostname}:/sites/team: as one key of the SDK's builder.
func teamSite(t *testing.T, ctx context.Context, e *env) (models.Siteable, *sites.SiteItemRequestBuilder) {
	t.Helper()
	host := strings.SplitN(sandbox.DemoTenantDomain, ".", 2)[0] + ".sharepoint.com"
	site, err := e.alice.Sites().BySiteId(host+":/sites/team:").Get(ctx, nil)
	must(t, "GET sites/{host}:/sites/team:", err)
	if deref(site.GetDisplayName()) != "Team Site" || !strings.HasPrefix(deref(site.GetId()), host+",") {
		t.Fatalf("team site: %q %q", deref(site.GetDisplayName()), deref(site.GetId()))
	}
	return site, e.alice.Sites().BySiteId(deref(site.GetId()))
}

// TestSharePointLists reads the team site's lists, lists items with
// $expand=fields, creates an item with fields and patches its fields.
func TestSharePointLists(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, site := teamSite(t, ctx, e)

	lists, err := site.Lists().Get(ctx, nil)
	must(t, "list lists", err)
	var inventory string
	for _, l := range lists.GetValue() {
		if deref(l.GetDisplayName()) == "Inventory" {
			inventory = deref(l.GetId())
		}
	}
	if inventory == "" {
		t.Fatalf("no Inventory among %d lists", len(lists.GetValue()))
	}
	list, err := site.Lists().ByListId(inventory).Get(ctx, &sites.ItemListsListItemRequestBuilderGetRequestConfiguration{
		QueryParameters: &sites.ItemListsListItemRequestBuilderGetQueryParameters{Expand: []string{"columns"}}})
	must(t, "GET list with columns", err)
	cols := map[string]bool{}
	for _, c := range list.GetColumns() {
		cols[deref(c.GetName())] = true
	}
	if !cols["Color"] || !cols["Quantity"] || list.GetList() == nil {
		t.Fatalf("Inventory columns %v, list facet %v", cols, list.GetList())
	}

	items := site.Lists().ByListId(inventory).Items()
	page, err := items.Get(ctx, &sites.ItemListsItemItemsRequestBuilderGetRequestConfiguration{
		QueryParameters: &sites.ItemListsItemItemsRequestBuilderGetQueryParameters{Expand: []string{"fields($select=Title,Color,Quantity)"}}})
	must(t, "list items with fields", err)
	if len(page.GetValue()) == 0 {
		t.Fatal("Inventory has no items")
	}
	for _, it := range page.GetValue() {
		f := it.GetFields()
		if f == nil || f.GetAdditionalData()["Title"] == nil {
			t.Fatalf("item %s without fields.Title", deref(it.GetId()))
		}
		if _, extra := f.GetAdditionalData()["InStock"]; extra {
			t.Fatalf("item %s has a field that was not selected", deref(it.GetId()))
		}
	}

	// Create an item with fields, read it back, patch a field.
	fields := models.NewFieldValueSet()
	fields.SetAdditionalData(map[string]any{"Title": "Widget", "Color": "Blue", "Quantity": 7})
	newItem := models.NewListItem()
	newItem.SetFields(fields)
	created, err := items.Post(ctx, newItem, nil)
	must(t, "create item", err)
	id := deref(created.GetId())
	if id == "" || created.GetFields() == nil || created.GetFields().GetAdditionalData()["Title"] == nil {
		t.Fatalf("created item: %q fields %v", id, created.GetFields())
	}
	patch := models.NewFieldValueSet()
	patch.SetAdditionalData(map[string]any{"Quantity": 9})
	patched, err := items.ByListItemId(id).Fields().Patch(ctx, patch, nil)
	must(t, "PATCH fields", err)
	if q := patched.GetAdditionalData()["Quantity"]; number(q) != 9 {
		t.Fatalf("patched Quantity %v (%T)", q, q)
	}
	got, err := items.ByListItemId(id).Get(ctx, &sites.ItemListsItemItemsListItemItemRequestBuilderGetRequestConfiguration{
		QueryParameters: &sites.ItemListsItemItemsListItemItemRequestBuilderGetQueryParameters{Expand: []string{"fields"}}})
	must(t, "GET item with fields", err)
	f := got.GetFields().GetAdditionalData()
	if deref(asString(f["Title"])) != "Widget" || deref(asString(f["Color"])) != "Blue" || number(f["Quantity"]) != 9 {
		t.Fatalf("item fields: %v", f)
	}

	// $filter on an indexed column.
	filter := "fields/Quantity eq 9"
	found, err := items.Get(ctx, &sites.ItemListsItemItemsRequestBuilderGetRequestConfiguration{
		QueryParameters: &sites.ItemListsItemItemsRequestBuilderGetQueryParameters{Filter: &filter, Expand: []string{"fields"}}})
	must(t, "filter on fields", err)
	var hit bool
	for _, it := range found.GetValue() {
		hit = hit || deref(it.GetId()) == id
		if number(it.GetFields().GetAdditionalData()["Quantity"]) != 9 {
			t.Fatalf("filter returned an item of quantity %v", it.GetFields().GetAdditionalData()["Quantity"])
		}
	}
	if !hit {
		t.Fatal("filter missed the new item")
	}
	must(t, "DELETE item", items.ByListItemId(id).Delete(ctx, nil))
}

// asString reads a string the SDK decoded into additional data (a
// *string, or an untyped node).
func asString(v any) *string {
	switch x := v.(type) {
	case *string:
		return x
	case *serialization.UntypedString:
		return x.GetValue()
	}
	return nil
}

// number reads a number the SDK decoded into additional data.
func number(v any) float64 {
	switch x := v.(type) {
	case *float64:
		return *x
	case *int32:
		return float64(*x)
	case *int64:
		return float64(*x)
	case *serialization.UntypedDouble:
		return *x.GetValue()
	case *serialization.UntypedInteger:
		return float64(*x.GetValue())
	case *serialization.UntypedLong:
		return float64(*x.GetValue())
	case *serialization.UntypedFloat:
		return float64(*x.GetValue())
	}
	return -1
}

// rows is a 2-D array as the SDK's untyped values.
func rows(vals ...[]any) serialization.UntypedNodeable {
	var out []serialization.UntypedNodeable
	for _, r := range vals {
		var row []serialization.UntypedNodeable
		for _, v := range r {
			switch x := v.(type) {
			case string:
				row = append(row, serialization.NewUntypedString(x))
			case int:
				row = append(row, serialization.NewUntypedDouble(float64(x)))
			case nil:
				row = append(row, serialization.NewUntypedNull())
			}
		}
		out = append(out, serialization.NewUntypedArray(row))
	}
	return serialization.NewUntypedArray(out)
}

// cells flattens untyped values into strings, for comparisons.
func cells(n serialization.UntypedNodeable) [][]string {
	arr, ok := n.(*serialization.UntypedArray)
	if !ok {
		return nil
	}
	var out [][]string
	for _, r := range arr.GetValue() {
		var row []string
		ra, _ := r.(*serialization.UntypedArray)
		if ra == nil {
			return nil
		}
		for _, c := range ra.GetValue() {
			switch x := c.(type) {
			case *serialization.UntypedString:
				row = append(row, deref(x.GetValue()))
			case *serialization.UntypedNull:
				row = append(row, "")
			default:
				row = append(row, fmt.Sprint(number(c)))
			}
		}
		out = append(out, row)
	}
	return out
}

// TestExcelWorkbook works on the team site's Budget.xlsx through the
// drive builders: worksheets, a range read and patched, the table and a
// row added, in a persistent session named by workbook-session-id.
func TestExcelWorkbook(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, site := teamSite(t, ctx, e)
	d, err := site.Drive().Get(ctx, nil)
	must(t, "GET site drive", err)
	items := e.alice.Drives().ByDriveId(deref(d.GetId())).Items()
	file, err := items.ByDriveItemId("root:/Budget.xlsx:").Get(ctx, nil)
	must(t, "GET Budget.xlsx", err)
	wb := items.ByDriveItemId(deref(file.GetId())).Workbook()

	session := drives.NewItemItemsItemWorkbookCreateSessionPostRequestBody()
	session.SetPersistChanges(ptr(true))
	info, err := wb.CreateSession().Post(ctx, session, nil)
	must(t, "createSession", err)
	if deref(info.GetId()) == "" || !deref(info.GetPersistChanges()) {
		t.Fatalf("session: %q persist %v", deref(info.GetId()), deref(info.GetPersistChanges()))
	}
	headers := abstractions.NewRequestHeaders()
	headers.Add("workbook-session-id", deref(info.GetId()))

	sheets, err := wb.Worksheets().Get(ctx, &drives.ItemItemsItemWorkbookWorksheetsRequestBuilderGetRequestConfiguration{Headers: headers})
	must(t, "list worksheets", err)
	if len(sheets.GetValue()) != 1 || deref(sheets.GetValue()[0].GetName()) != "Sheet1" {
		t.Fatalf("worksheets: %d", len(sheets.GetValue()))
	}
	sheet := wb.Worksheets().ByWorkbookWorksheetId("Sheet1")
	r, err := sheet.RangeWithAddress(ptr("A1:B4")).Get(ctx, &drives.ItemItemsItemWorkbookWorksheetsItemRangeWithAddressRequestBuilderGetRequestConfiguration{Headers: headers})
	must(t, "GET range", err)
	if got := fmt.Sprint(cells(r.GetValues())); got != "[[Item Amount] [Rent 1200] [Travel 300] [Tools 150]]" {
		t.Fatalf("A1:B4 values %s (address %q)", got, deref(r.GetAddress()))
	}
	if deref(r.GetAddress()) != "Sheet1!A1:B4" || deref(r.GetRowCount()) != 4 {
		t.Fatalf("range address %q rows %d", deref(r.GetAddress()), deref(r.GetRowCount()))
	}

	// PATCH a range's values; the total's formula recalculates. Graph
	// documents PATCH .../range(address='A2:B2') (range-update), but the
	// SDK's RangeWithAddress builder has no Patch: a program sends it
	// through the builder's request information, as here.
	upd := models.NewWorkbookRange()
	upd.SetValues(rows([]any{"Rent", 1500}))
	info2, err := sheet.RangeWithAddress(ptr("A2:B2")).ToGetRequestInformation(ctx,
		&drives.ItemItemsItemWorkbookWorksheetsItemRangeWithAddressRequestBuilderGetRequestConfiguration{Headers: headers})
	must(t, "range request information", err)
	info2.Method = abstractions.PATCH
	must(t, "range body", info2.SetContentFromParsable(ctx, e.alice.GetAdapter(), "application/json", upd))
	res, err := e.alice.GetAdapter().Send(ctx, info2, models.CreateWorkbookRangeFromDiscriminatorValue, nil)
	must(t, "PATCH range", err)
	if got := fmt.Sprint(cells(res.(models.WorkbookRangeable).GetValues())); got != "[[Rent 1500]]" {
		t.Fatalf("patched values %s", got)
	}

	// The table, and a row added to it.
	tables, err := wb.Tables().Get(ctx, &drives.ItemItemsItemWorkbookTablesRequestBuilderGetRequestConfiguration{Headers: headers})
	must(t, "list tables", err)
	if len(tables.GetValue()) != 1 || deref(tables.GetValue()[0].GetName()) != "Budget" {
		t.Fatalf("tables: %d", len(tables.GetValue()))
	}
	add := drives.NewItemItemsItemWorkbookTablesItemRowsAddPostRequestBody()
	add.SetValues(rows([]any{"Food", 250}))
	row, err := wb.Tables().ByWorkbookTableId("Budget").Rows().Add().Post(ctx, add, &drives.ItemItemsItemWorkbookTablesItemRowsAddRequestBuilderPostRequestConfiguration{Headers: headers})
	must(t, "add a table row", err)
	if got := fmt.Sprint(cells(row.GetValues())); got != "[[Food 250]]" || deref(row.GetIndex()) != 3 {
		t.Fatalf("added row %s at %d", got, deref(row.GetIndex()))
	}
	tableRows, err := wb.Tables().ByWorkbookTableId("Budget").Rows().Get(ctx, &drives.ItemItemsItemWorkbookTablesItemRowsRequestBuilderGetRequestConfiguration{Headers: headers})
	must(t, "list table rows", err)
	if len(tableRows.GetValue()) != 4 {
		t.Fatalf("%d table rows", len(tableRows.GetValue()))
	}
	total, err := sheet.RangeWithAddress(ptr("E1")).Get(ctx, &drives.ItemItemsItemWorkbookWorksheetsItemRangeWithAddressRequestBuilderGetRequestConfiguration{Headers: headers})
	must(t, "GET total", err)
	if got := fmt.Sprint(cells(total.GetValues())); got != "[[2200]]" {
		t.Fatalf("total %s, want 1500+300+150+250", got)
	}
	must(t, "closeSession", wb.CloseSession().Post(ctx, &drives.ItemItemsItemWorkbookCloseSessionRequestBuilderPostRequestConfiguration{Headers: headers}))

	// The session persisted: a sessionless read sees the new row.
	after, err := sheet.RangeWithAddress(ptr("A5:B5")).Get(ctx, nil)
	must(t, "GET A5:B5 after the session", err)
	if got := fmt.Sprint(cells(after.GetValues())); got != "[[Food 250]]" {
		t.Fatalf("after the session, A5:B5 is %s", got)
	}
}
