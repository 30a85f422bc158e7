package pyo365_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/o365go/o365/sandbox/internal/sandboxtest"
	"github.com/o365go/o365/sandbox/internal/workbook"
)

// rangeKeys are the keys excel.py Range.__init__ reads.
var rangeKeys = []string{"address", "addressLocal", "columnCount", "rowCount", "cellCount", "columnHidden", "columnIndex",
	"rowHidden", "rowIndex", "formulas", "formulasLocal", "formulasR1C1", "hidden", "numberFormat", "text", "valueTypes", "values"}

// Replays excel.py with WorkBook(file, use_session=True, persist=True): the
// File comes from Drive.get_item_by_path and must carry the xlsx MIME type
// WorkBook checks; WorkbookSession.create_session ({"persistChanges":
// true}) and every later call with the workbook-session-id header;
// get_worksheets, add_worksheet, WorkSheet.get_range (the sheet's id
// quote()d inside worksheets('...')), Range.update (PATCH on
// range(address='A1%3AC3'), the address quote()d), WorkSheet.add_table,
// Table.add_rows and get_rows (tables('{quoted id}')), refresh_session and
// close_session; the values persist.
func TestExcelWorkbookSession(t *testing.T) {
	c := alice(t, nil)
	blob, err := workbook.New().Bytes()
	if err != nil {
		t.Fatal(err)
	}
	drive := str(c.do("GET", graph("me/drive"), nil).WantStatus(t, 200).JSON, "id")
	d := "me/drives/" + drive
	root := str(c.do("GET", graph(d+"/root"), nil).WantStatus(t, 200).JSON, "id")
	c.do("PUT", graph(d+"/items/"+root+":/Budget.xlsx:/content"), blob, "Content-Type", "application/octet-stream").WantStatus(t, 201)
	file := c.do("GET", graph(d+"/root:/Budget.xlsx"), nil).WantStatus(t, 200).JSON
	if mt := obj(file, "file")["mimeType"]; mt != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("mimeType %v: WorkBook() would refuse the file", mt)
	}
	wb := d + "/items/" + str(file, "id") + "/workbook"

	created := c.do("POST", graph(wb+"/createSession"), `{"persistChanges": true}`).WantStatus(t, 201).JSON
	sid := str(created, "id")
	if sid == "" {
		t.Fatalf("createSession: %v", created)
	}
	// WorkbookSession.get/post/patch: the session's header on every call.
	session := func(method, target string, body any) *sandboxtest.Response {
		t.Helper()
		r := c.do(method, graph(target), body, "workbook-session-id", sid)
		if r.Status/100 != 2 {
			t.Fatalf("%s %s: %d %s", method, target, r.Status, r.Raw)
		}
		return r
	}
	call := func(method, target string, body any) map[string]any {
		t.Helper()
		return session(method, target, body).JSON
	}

	sheets := valuesOf(t, session("GET", wb+"/worksheets", nil))
	if len(sheets) != 1 {
		t.Fatalf("worksheets: %v", sheets)
	}
	wantKeys(t, "worksheet", sheets[0], "id", "name", "position", "visibility")
	added := call("POST", wb+"/worksheets", `{"name": "Data"}`)
	ws := wb + "/worksheets('" + url.PathEscape(str(added, "id")) + "')"

	rng := call("GET", ws+"/range(address='A1:C3')", nil)
	wantKeys(t, "range", rng, rangeKeys...)
	if rng["address"] != "Data!A1:C3" {
		t.Fatalf("range address %v", rng["address"])
	}
	call("PATCH", ws+"/range(address='A1%3AC3')", `{"values": [["Item", "Qty", "Price"], ["pens", 10, 1.5], ["pads", 4, 3]]}`)

	table := call("POST", ws+"/tables/add", `{"address": "A1:C3", "hasHeaders": true}`)
	wantKeys(t, "table", table, "id", "name", "showHeaders", "showTotals", "style", "highlightFirstColumn",
		"highlightLastColumn", "showBandedColumns", "showBandedRows", "showFilterButton", "legacyId")
	tb := ws + "/tables('" + url.PathEscape(str(table, "id")) + "')"
	row := call("POST", tb+"/rows/add", `{"values": [["ink", 2, 7]]}`)
	wantKeys(t, "row", row, "index", "values")
	rows := valuesOf(t, session("GET", tb+"/rows", nil))
	if len(rows) != 3 || fmt.Sprint(rows[2]["values"]) != "[[ink 2 7]]" {
		t.Fatalf("table rows: %v", rows)
	}

	call("POST", wb+"/refreshSession", nil)
	call("POST", wb+"/closeSession", nil)

	// persistChanges: a sessionless read sees the edits.
	used := c.do("GET", graph(wb+"/worksheets/Data/usedRange(valuesOnly=true)"), nil).WantStatus(t, 200).JSON
	if used["address"] != "Data!A1:C4" || fmt.Sprint(used["values"]) != "[[Item Qty Price] [pens 10 1.5] [pads 4 3] [ink 2 7]]" {
		t.Fatalf("after closeSession: %v %v", used["address"], used["values"])
	}
}
