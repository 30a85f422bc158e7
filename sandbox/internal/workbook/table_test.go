package workbook

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestTables(t *testing.T) {
	wb := New()
	set(t, wb, "Sheet1!B2:D4", RangeUpdate{Values: Rows([][]any{{"Item", "Qty", "Status"}, {"pen", 3, "Open"}, {"ink", 1, "Closed"}})})
	set(t, wb, "Sheet1!B6", RangeUpdate{Values: One("below")})
	tb, err := wb.AddTable("", "Sheet1!B2:D4", true)
	if err != nil {
		t.Fatal(err)
	}
	if got := mustJSON(t, tb); got != `{"id":"1","name":"Table1","legacyId":"1","showHeaders":true,"showTotals":false,"style":"TableStyleMedium2","highlightFirstColumn":false,"highlightLastColumn":false,"showBandedColumns":false,"showBandedRows":true,"showFilterButton":true}` {
		t.Errorf("table = %s", got)
	}
	_, err = wb.AddTable("Sheet1", "C3:E9", true)
	wantCode(t, err, "InvalidArgument") // overlaps
	row, err := wb.AddTableRows("Table1", nil, Rows([][]any{{"cap", "2", "Open"}, {"nib", 5, "Open"}}))
	if err != nil {
		t.Fatal(err)
	}
	if got := mustJSON(t, row); got != `{"index":2,"values":[["cap",2,"Open"],["nib",5,"Open"]]}` {
		t.Errorf("added = %s", got)
	}
	if v := get(t, wb, "Sheet1!B8").Values[0][0]; v.Text != "below" {
		t.Errorf("cell below the table moved to %v", v)
	}
	idx := 0
	if _, err := wb.AddTableRows("Table1", &idx, Rows([][]any{{"top", 9, "Open"}})); err != nil {
		t.Fatal(err)
	}
	rows, _ := wb.TableRows("Table1")
	if got := mustJSON(t, rows[0]); len(rows) != 5 || got != `{"index":0,"values":[["top",9,"Open"]]}` {
		t.Errorf("rows = %d, first %s", len(rows), got)
	}
	if _, err := wb.UpdateTableRow("Table1", 1, Rows([][]any{{nil, 4, nil}})); err != nil {
		t.Fatal(err)
	}
	if err := wb.DeleteTableRow("Table1", 4); err != nil {
		t.Fatal(err)
	}
	_, err = wb.TableRow("Table1", 9)
	wantCode(t, err, "ItemNotFound")
	col, err := wb.AddTableColumn("Table1", nil, Rows([][]any{{"Price"}, {1}, {2}, {3}, {4}}), "")
	if err != nil {
		t.Fatal(err)
	}
	if col.Name != "Price" || col.Index != 3 || col.ID != "4" {
		t.Errorf("column = %+v", col)
	}
	if err := wb.DeleteTableColumn("Table1", "Status"); err != nil {
		t.Fatal(err)
	}
	cols, _ := wb.TableColumns("Table1")
	if got := mustJSON(t, cols); got != `[{"id":"1","index":0,"name":"Item","values":[["Item"],["top"],["pen"],["ink"],["cap"]]},{"id":"2","index":1,"name":"Qty","values":[["Qty"],[9],[4],[1],[2]]},{"id":"4","index":2,"name":"Price","values":[["Price"],[1],[2],[3],[4]]}]` {
		t.Errorf("columns = %s", got)
	}
	if err := wb.SortTable("Table1", []SortField{{Key: 1}}, false); err != nil {
		t.Fatal(err)
	}
	body, _ := wb.TableRange("Table1", DataBody)
	if body.Address() != "Sheet1!B3:D6" {
		t.Errorf("body = %s", body.Address())
	}
	if got := mustJSON(t, get(t, wb, body.Address()).Values); got != `[["ink",1,3],["cap",2,4],["pen",4,2],["top",9,1]]` {
		t.Errorf("sorted = %s", got)
	}
	if err := wb.ApplyFilter("Table1", "Item", FilterCriteria{FilterOn: "Values", Values: json.RawMessage(`["pen","ink"]`)}); err != nil {
		t.Fatal(err)
	}
	if d := get(t, wb, "Sheet1!B4:D4"); d.RowHidden == nil || !*d.RowHidden {
		t.Errorf("row 4 (cap) should be hidden: %+v", d.RowHidden)
	}
	if d := get(t, wb, "Sheet1!B5:D5"); d.RowHidden == nil || *d.RowHidden {
		t.Errorf("row 5 (pen) should show: %+v", d.RowHidden)
	}
	f, _ := wb.GetFilter("Table1", "1")
	if got := mustJSON(t, f); got != `{"criteria":{"filterOn":"Values","values":["pen","ink"]}}` {
		t.Errorf("filter = %s", got)
	}
	if err := wb.ApplyFilter("Table1", "Qty", FilterCriteria{FilterOn: "Custom", Criterion1: ">1", Criterion2: "<5", Operator: "And"}); err != nil {
		t.Fatal(err)
	}
	if d := get(t, wb, "Sheet1!B3:D6"); d.RowHidden != nil {
		t.Errorf("mixed hidden rows should read null, got %v", *d.RowHidden)
	}
	if err := wb.ClearFilters("Table1"); err != nil {
		t.Fatal(err)
	}
	if d := get(t, wb, "Sheet1!B3:D6"); d.RowHidden == nil || *d.RowHidden {
		t.Errorf("after clear rows should be visible")
	}
	name := "Stock"
	if _, err := wb.UpdateTable("Table1", TableUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if r, err := wb.SheetRange("Sheet1", "Stock"); err != nil || r.Address() != "Sheet1!B2:D6" {
		t.Errorf("table as address = %v, %v", r, err)
	}
	// Header edits rename columns; the saved file agrees and reopens.
	set(t, wb, "Sheet1!B2", RangeUpdate{Values: One("Article")})
	nb := reopen(t, wb)
	cols, err = nb.TableColumns("Stock")
	if err != nil || cols[0].Name != "Article" {
		t.Fatalf("after reopen = %+v, %v", cols, err)
	}
	b, _ := nb.Bytes()
	ef, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer ef.Close()
	tables, _ := ef.GetTables("Sheet1")
	if len(tables) != 1 || tables[0].Range != "B2:D6" || tables[0].Name != "Stock" {
		t.Errorf("library sees tables %+v", tables)
	}
}

func TestAddTableWithoutHeaders(t *testing.T) {
	wb := New()
	set(t, wb, "Sheet1!A1:B2", RangeUpdate{Values: Rows([][]any{{1, 2}, {3, 4}})})
	tb, err := wb.AddTable("Sheet1", "A1:B2", false)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := wb.TableRange(tb.ID, WholeTable)
	if got := mustJSON(t, get(t, wb, r.Address()).Values); r.Address() != "Sheet1!A1:B3" || got != `[["Column1","Column2"],[1,2],[3,4]]` {
		t.Errorf("%s = %s", r.Address(), got)
	}
	if err := wb.DeleteTable(tb.Name); err != nil {
		t.Fatal(err)
	}
	if list, _ := wb.Tables(""); len(list) != 0 {
		t.Errorf("tables after delete = %v", list)
	}
}

func TestTableRowsMatchShape(t *testing.T) {
	wb := New()
	set(t, wb, "Sheet1!A1:B2", RangeUpdate{Values: Rows([][]any{{"a", "b"}, {1, 2}})})
	if _, err := wb.AddTable("Sheet1", "A1:B2", true); err != nil {
		t.Fatal(err)
	}
	_, err := wb.AddTableRows("Table1", nil, Rows([][]any{{1, 2, 3}}))
	wantCode(t, err, "InvalidArgument")
	bad := 7
	_, err = wb.AddTableRows("Table1", &bad, Rows([][]any{{1, 2}}))
	wantCode(t, err, "InvalidArgument")
	_, err = wb.AddTableRows("Nope", nil, Rows([][]any{{1, 2}}))
	wantCode(t, err, "ItemNotFound")
}
