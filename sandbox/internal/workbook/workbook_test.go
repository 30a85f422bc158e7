package workbook

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/xuri/excelize/v2"
)

// mustJSON marshals v for comparisons of Graph shapes.
func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func rng(t *testing.T, wb *Workbook, addr string) *Range {
	t.Helper()
	r, err := wb.Range(addr)
	if err != nil {
		t.Fatalf("Range(%q): %v", addr, err)
	}
	return r
}

func get(t *testing.T, wb *Workbook, addr string) *RangeData {
	t.Helper()
	d, err := rng(t, wb, addr).Get()
	if err != nil {
		t.Fatalf("Get(%q): %v", addr, err)
	}
	return d
}

func set(t *testing.T, wb *Workbook, addr string, u RangeUpdate) {
	t.Helper()
	if err := rng(t, wb, addr).Update(u); err != nil {
		t.Fatalf("Update(%q): %v", addr, err)
	}
}

// reopen saves and opens the workbook again, as the sandbox does between
// session-less calls.
func reopen(t *testing.T, wb *Workbook) *Workbook {
	t.Helper()
	b, err := wb.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	nb, err := OpenBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = nb.Close() })
	return nb
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var we *Error
	if !errors.As(err, &we) || we.Code != code {
		t.Fatalf("error = %v, want code %s", err, code)
	}
}

func TestRangeValuesFormulasAndTypes(t *testing.T) {
	wb := New()
	set(t, wb, "Sheet1!A1:C3", RangeUpdate{Values: Rows([][]any{
		{"Name", "Qty", "Price"},
		{"apple", 3, "1.5"},
		{"pear", "TRUE", nil},
	})})
	set(t, wb, "Sheet1!D2:D3", RangeUpdate{Formulas: Rows([][]any{{"=B2*C2"}, {"=1/0"}})})
	set(t, wb, "Sheet1!E1", RangeUpdate{Formulas: One(`=A2&"!"`)})
	d := get(t, wb, "Sheet1!A1:E3")
	if got, want := mustJSON(t, d.Values), `[["Name","Qty","Price","",""],["apple",3,1.5,4.5,""],["pear",true,"",`+"\"#DIV/0!\""+`,""]]`; got != `[["Name","Qty","Price","","apple!"],["apple",3,1.5,4.5,""],["pear",true,"","#DIV/0!",""]]` {
		t.Errorf("values = %s (want %s with E1 apple!)", got, want)
	}
	if got := mustJSON(t, d.ValueTypes); got != `[["String","String","String","Empty","String"],["String","Double","Double","Double","Empty"],["String","Boolean","Empty","Error","Empty"]]` {
		t.Errorf("valueTypes = %s", got)
	}
	if got := mustJSON(t, d.Formulas[1]); got != `["apple",3,1.5,"=B2*C2",""]` {
		t.Errorf("formulas row 2 = %s", got)
	}
	if got := d.FormulasR1C1[1][3]; got.Text != "=RC[-2]*RC[-1]" {
		t.Errorf("formulasR1C1 D2 = %q", got.Text)
	}
	if d.Address != "Sheet1!A1:E3" || d.CellCount != 15 || d.RowIndex != 0 || d.ColumnIndex != 0 || d.ColumnCount != 5 {
		t.Errorf("address data = %+v", d)
	}
	if d.Text[2][3] != "#DIV/0!" || d.Text[2][1] != "TRUE" {
		t.Errorf("text = %v", d.Text)
	}
	// Editing a precedent changes the formula's value on the next read.
	set(t, wb, "Sheet1!B2", RangeUpdate{Values: One(10)})
	if v := get(t, wb, "Sheet1!D2").Values[0][0]; v != NumberValue(15) {
		t.Errorf("D2 after edit = %+v", v)
	}
}

func TestNumberFormatAndText(t *testing.T) {
	wb := New()
	set(t, wb, "Sheet1!A1:B2", RangeUpdate{
		NumberFormat: Rows([][]any{{"0.00", nil}, {"0%", "General"}}),
		Values:       Rows([][]any{{3.14159, 2}, {0.25, "50%"}}),
	})
	d := get(t, wb, "Sheet1!A1:B2")
	if got := mustJSON(t, d.NumberFormat); got != `[["0.00","General"],["0%","0%"]]` {
		t.Errorf("numberFormat = %s", got)
	}
	if got := mustJSON(t, d.Text); got != `[["3.14","2"],["25%","50%"]]` {
		t.Errorf("text = %s", got)
	}
	if d.Values[1][1] != NumberValue(0.5) {
		t.Errorf("50%% = %+v", d.Values[1][1])
	}
}

func TestUpdateShapeRules(t *testing.T) {
	wb := New()
	r := rng(t, wb, "Sheet1!A1:B2")
	wantCode(t, r.Update(RangeUpdate{Values: Rows([][]any{{1, 2, 3}})}), "InvalidArgument")
	if err := r.Update(RangeUpdate{Values: One("x")}); err != nil {
		t.Fatal(err)
	}
	if err := r.Update(RangeUpdate{Values: Rows([][]any{{nil, "y"}, {nil, nil}})}); err != nil {
		t.Fatal(err)
	}
	if got := mustJSON(t, get(t, wb, "Sheet1!A1:B2").Values); got != `[["x","y"],["x","x"]]` {
		t.Errorf("values = %s", got)
	}
	if err := rng(t, wb, "Sheet1!C3").Update(RangeUpdate{Values: Rows([][]any{{"z"}})}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, rng(t, wb, "Sheet1!A:B").Update(RangeUpdate{Values: One(1)}), "InvalidArgument")
	var in Input
	wantCode(t, json.Unmarshal([]byte(`null`), &in), "InvalidArgument")
	wantCode(t, json.Unmarshal([]byte(`[1,2]`), &in), "InvalidArgument")
	wantCode(t, rng(t, wb, "Sheet1!A1").Update(RangeUpdate{Formulas: One("=SUM(A1")}), "InvalidArgument")
}

func TestUnboundedRangeReadsNullCells(t *testing.T) {
	wb := New()
	d := get(t, wb, "Sheet1!B:C")
	if d.Address != "Sheet1!B:C" || d.RowCount != MaxRows || d.Values != nil || d.CellCount != 2*MaxRows {
		t.Errorf("unbounded = %+v", d)
	}
	if got := mustJSON(t, d); !bytes.Contains([]byte(got), []byte(`"values":null`)) {
		t.Errorf("json = %s", got)
	}
	d = get(t, wb, "Sheet1!2:4")
	if d.Address != "Sheet1!2:4" || d.ColumnCount != MaxColumns {
		t.Errorf("rows = %+v", d)
	}
}

func TestWorksheets(t *testing.T) {
	wb := New()
	w, err := wb.AddWorksheet("Data 2024")
	if err != nil {
		t.Fatal(err)
	}
	if w.ID != "{00000000-0001-0000-0100-000000000000}" || w.Position != 1 || w.Visibility != "Visible" {
		t.Errorf("added = %+v", w)
	}
	_, err = wb.AddWorksheet("data 2024")
	wantCode(t, err, "ItemAlreadyExists")
	_, err = wb.AddWorksheet("bad/name")
	wantCode(t, err, "InvalidArgument")
	auto, err := wb.AddWorksheet("")
	if err != nil || auto.Name != "Sheet3" {
		t.Fatalf("auto name = %+v, %v", auto, err)
	}
	set(t, wb, "'Data 2024'!A1", RangeUpdate{Values: One(7)})
	set(t, wb, "Sheet1!A1", RangeUpdate{Formulas: One("='Data 2024'!A1*2")})
	name := "Totals"
	if _, err := wb.UpdateWorksheet(w.ID, WorksheetUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if d := get(t, wb, "Sheet1!A1"); d.Formulas[0][0].Text != "=Totals!A1*2" || d.Values[0][0] != NumberValue(14) {
		t.Errorf("after rename = %+v %+v", d.Formulas, d.Values)
	}
	p := 0
	moved, err := wb.UpdateWorksheet("Sheet3", WorksheetUpdate{Position: &p})
	if err != nil || moved.Position != 0 {
		t.Fatalf("move = %+v, %v", moved, err)
	}
	var names []string
	for _, s := range wb.Worksheets() {
		names = append(names, s.Name)
	}
	if got := mustJSON(t, names); got != `["Sheet3","Sheet1","Totals"]` {
		t.Errorf("order = %s", got)
	}
	hidden := "Hidden"
	if _, err := wb.UpdateWorksheet("Sheet3", WorksheetUpdate{Visibility: &hidden}); err != nil {
		t.Fatal(err)
	}
	if err := wb.DeleteWorksheet("Totals"); err != nil {
		t.Fatal(err)
	}
	if d := get(t, wb, "Sheet1!A1"); d.Formulas[0][0].Text != "=#REF!*2" || d.Values[0][0].Type != ErrorValue {
		t.Errorf("after delete = %+v %+v", d.Formulas, d.Values)
	}
	wantCode(t, wb.DeleteWorksheet("Sheet1"), "InvalidArgument") // the last visible one
	_, err = wb.Worksheet("nope")
	wantCode(t, err, "ItemNotFound")
	if _, err := wb.Worksheet("{00000000-0001-0000-0000-000000000000}"); err != nil {
		t.Errorf("by id: %v", err)
	}
	nb := reopen(t, wb)
	if got := len(nb.Worksheets()); got != 2 {
		t.Errorf("sheets after reopen = %d (scratch sheet leaked?)", got)
	}
}

func TestUsedRangeAndNavigation(t *testing.T) {
	wb := New()
	if r, err := wb.UsedRange("Sheet1", true); err != nil || r.Address() != "Sheet1!A1" {
		t.Fatalf("empty used range = %v, %v", r, err)
	}
	set(t, wb, "Sheet1!B2:C3", RangeUpdate{Values: One(1)})
	set(t, wb, "Sheet1!E5", RangeUpdate{Formulas: One("=B2")})
	set(t, wb, "Sheet1!G9", RangeUpdate{NumberFormat: One("0.0")})
	r, err := wb.UsedRange("Sheet1", true)
	if err != nil || r.Address() != "Sheet1!B2:E5" {
		t.Fatalf("valuesOnly = %v, %v", r, err)
	}
	if r, _ := wb.UsedRange("Sheet1", false); r.Address() != "Sheet1!B2:G9" {
		t.Errorf("with formats = %s", r.Address())
	}
	base := rng(t, wb, "Sheet1!B2:D4")
	for _, c := range []struct {
		r    *Range
		err  error
		want string
	}{
		{must(base.Cell(1, 1)), nil, "Sheet1!C3"},
		{must(base.Row(2)), nil, "Sheet1!B4:D4"},
		{must(base.Column(0)), nil, "Sheet1!B2:B4"},
		{base.EntireRow(), nil, "Sheet1!2:4"},
		{base.EntireColumn(), nil, "Sheet1!B:D"},
		{must(base.Offset(1, 1)), nil, "Sheet1!C3:E5"},
		{must(base.Resize(1, -1)), nil, "Sheet1!B2:C5"},
		{base.LastCell(), nil, "Sheet1!D4"},
		{must(base.RowsAbove(1)), nil, "Sheet1!B1:D1"},
		{must(base.ColumnsAfter(2)), nil, "Sheet1!E2:F4"},
		{must(base.Intersection("C3:Z9")), nil, "Sheet1!C3:D4"},
		{must(base.BoundingRect("F7")), nil, "Sheet1!B2:F7"},
	} {
		if c.r.Address() != c.want {
			t.Errorf("got %s, want %s", c.r.Address(), c.want)
		}
	}
	_, err = base.Offset(-5, 0)
	wantCode(t, err, "InvalidArgument")
	_, err = base.Intersection("X1")
	wantCode(t, err, "ItemNotFound")
}

func must(r *Range, err error) *Range {
	if err != nil {
		panic(err)
	}
	return r
}

func TestClearInsertDelete(t *testing.T) {
	wb := New()
	set(t, wb, "Sheet1!A1:B4", RangeUpdate{Values: Rows([][]any{{1, 10}, {2, 20}, {3, 30}, {4, 40}})})
	set(t, wb, "Sheet1!C1", RangeUpdate{Formulas: One("=SUM(A1:A4)")})
	set(t, wb, "Sheet1!C2", RangeUpdate{Formulas: One("=A4+B4")})
	// Insert two cells above A2 in column A only.
	ins, err := rng(t, wb, "Sheet1!A2:A3").Insert("Down")
	if err != nil || ins.Address() != "Sheet1!A2:A3" {
		t.Fatalf("insert = %v, %v", ins, err)
	}
	d := get(t, wb, "Sheet1!A1:C6")
	if got := mustJSON(t, d.Values); got != `[[1,10,10],["",20,44],["",30,""],[2,40,""],[3,"",""],[4,"",""]]` {
		t.Errorf("after insert = %s", got)
	}
	if d.Formulas[0][2].Text != "=SUM(A1:A6)" || d.Formulas[1][2].Text != "=A6+B4" {
		t.Errorf("formulas after insert = %v", d.Formulas)
	}
	if err := rng(t, wb, "Sheet1!A2:A3").Delete("Up"); err != nil {
		t.Fatal(err)
	}
	d = get(t, wb, "Sheet1!A1:C2")
	if d.Formulas[0][2].Text != "=SUM(A1:A4)" || d.Values[0][2] != NumberValue(10) {
		t.Errorf("after delete = %v %v", d.Formulas, d.Values)
	}
	if err := rng(t, wb, "Sheet1!B1").Delete("Left"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, rng(t, wb, "Sheet1!A1").Delete("Down"), "InvalidArgument")
	if err := rng(t, wb, "Sheet1!A1:A2").Clear("Contents"); err != nil {
		t.Fatal(err)
	}
	if got := mustJSON(t, get(t, wb, "Sheet1!A1:A2").ValueTypes); got != `[["Empty"],["Empty"]]` {
		t.Errorf("after clear = %s", got)
	}
	wantCode(t, rng(t, wb, "Sheet1!A1").Clear("Everything"), "InvalidArgument")
}

func TestSortRange(t *testing.T) {
	wb := New()
	set(t, wb, "Sheet1!A1:B6", RangeUpdate{Values: Rows([][]any{
		{"k", "v"}, {"b", 2}, {nil, 9}, {3, 1}, {"A", 5}, {true, 4},
	})})
	set(t, wb, "Sheet1!C2:C6", RangeUpdate{Formulas: Rows([][]any{{"=B2*2"}, {"=B3*2"}, {"=B4*2"}, {"=B5*2"}, {"=B6*2"}})})
	if err := rng(t, wb, "Sheet1!A1:C6").Sort(RangeSort{HasHeaders: true, Fields: []SortField{{Key: 0}}}); err != nil {
		t.Fatal(err)
	}
	d := get(t, wb, "Sheet1!A1:C6")
	if got := mustJSON(t, d.Values); got != `[["k","v",""],[3,1,2],["A",5,10],["b",2,4],[true,4,8],["",9,18]]` {
		t.Errorf("sorted = %s", got)
	}
	desc := false
	if err := rng(t, wb, "Sheet1!B2:B6").Sort(RangeSort{Fields: []SortField{{Key: 0, Ascending: &desc}}}); err != nil {
		t.Fatal(err)
	}
	if got := mustJSON(t, get(t, wb, "Sheet1!B2:B6").Values); got != `[[9],[5],[4],[2],[1]]` {
		t.Errorf("desc = %s", got)
	}
	wantCode(t, rng(t, wb, "Sheet1!A1:B2").Sort(RangeSort{Fields: []SortField{{Key: 5}}}), "InvalidArgument")
}

func TestNamesAndFunctions(t *testing.T) {
	wb := New()
	set(t, wb, "Sheet1!A1:B3", RangeUpdate{Values: Rows([][]any{{"x", 1}, {"y", 2}, {"z", 3}})})
	n, err := wb.AddName("", "Data", json.RawMessage(`"=Sheet1!A1:B3"`), "the data")
	if err != nil {
		t.Fatal(err)
	}
	if got := mustJSON(t, n); got != `{"name":"Data","comment":"the data","scope":"Workbook","type":"Range","value":"Sheet1!$A$1:$B$3","visible":true}` {
		t.Errorf("named item = %s", got)
	}
	_, err = wb.AddName("", "data", json.RawMessage(`"Sheet1!A1"`), "")
	wantCode(t, err, "ItemAlreadyExists")
	_, err = wb.AddName("", "A1", json.RawMessage(`"Sheet1!A1"`), "")
	wantCode(t, err, "InvalidArgument")
	if r, err := wb.SheetRange("Sheet1", "Data"); err != nil || r.Address() != "Sheet1!A1:B3" {
		t.Fatalf("named range = %v, %v", r, err)
	}
	rate, err := wb.AddNameFormula("", "Rate", "=0.2", "")
	if err != nil || rate.Type != "Double" || rate.Value != 0.2 {
		t.Fatalf("constant name = %+v, %v", rate, err)
	}
	set(t, wb, "Sheet1!C1", RangeUpdate{Formulas: One("=SUM(Data)*2")})
	if v := get(t, wb, "Sheet1!C1").Values[0][0]; v != NumberValue(12) {
		t.Errorf("formula with names = %+v", v)
	}
	for _, c := range []struct{ fn, body, want string }{
		{"sum", `{"values":[1,2,{"address":"Sheet1!B1:B3"}]}`, `{"error":null,"value":9}`},
		{"average", `{"values":[{"address":"Sheet1!B1:B3"}]}`, `{"error":null,"value":2}`},
		{"min", `{"values":[5,{"Address":"Sheet1!B1:B3"}]}`, `{"error":null,"value":1}`},
		{"max", `{"values":[[[4,8],[1,2]]]}`, `{"error":null,"value":8}`},
		{"count", `{"values":[{"address":"Sheet1!A1:B3"}]}`, `{"error":null,"value":3}`},
		{"countA", `{"values":[{"address":"Sheet1!A1:B3"}]}`, `{"error":null,"value":6}`},
		{"if", `{"logicalTest":true,"valueIfTrue":"yes","valueIfFalse":"no"}`, `{"error":null,"value":"yes"}`},
		{"vlookup", `{"lookupValue":"y","tableArray":{"address":"Sheet1!A1:B3"},"colIndexNum":2,"rangeLookup":false}`, `{"error":null,"value":2}`},
		{"vlookup", `{"lookupValue":"q","tableArray":{"address":"Sheet1!A1:B3"},"colIndexNum":2,"rangeLookup":false}`, `{"error":"#N/A","value":null}`},
		{"concatenate", `{"values":["a","b",1]}`, `{"error":null,"value":"ab1"}`},
		{"round", `{"number":2.345,"numDigits":2}`, `{"error":null,"value":2.35}`},
		{"abs", `{"number":-4}`, `{"error":null,"value":4}`},
		{"abs", `{"number":"x"}`, `{"error":"#VALUE!","value":null}`},
	} {
		res, err := wb.CallFunction(c.fn, json.RawMessage(c.body))
		if err != nil {
			t.Errorf("%s %s: %v", c.fn, c.body, err)
			continue
		}
		if got := mustJSON(t, res); got != c.want {
			t.Errorf("%s %s = %s, want %s", c.fn, c.body, got, c.want)
		}
	}
	_, err = wb.CallFunction("nosuch", nil)
	wantCode(t, err, "ItemNotFound")
	_, err = wb.CallFunction("sum", json.RawMessage(`{"values":[{"address":"Nope!A1"}]}`))
	wantCode(t, err, "ItemNotFound")
	if err := wb.Calculate("Full"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, wb.Calculate("Sometimes"), "InvalidArgument")
}

// TestSavedFileOpensWithEdits re-reads the saved bytes with the library
// itself, as a spreadsheet program would: edits, formulas and their cached
// results, tables.
func TestSavedFileOpensWithEdits(t *testing.T) {
	wb := New()
	set(t, wb, "Sheet1!A1:B3", RangeUpdate{Values: Rows([][]any{{"item", "n"}, {"a", 2}, {"b", 3}})})
	set(t, wb, "Sheet1!C1", RangeUpdate{Formulas: One("=SUM(B2:B3)")})
	set(t, wb, "Sheet1!C2", RangeUpdate{Formulas: One(`=A2&"x"`)})
	set(t, wb, "Sheet1!C3", RangeUpdate{Formulas: One("=B2>1")})
	b, err := wb.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 {
		t.Fatalf("sheets = %v", got)
	}
	for cell, want := range map[string]string{"A2": "a", "B3": "3"} {
		if v, _ := f.GetCellValue("Sheet1", cell); v != want {
			t.Errorf("%s = %q, want %q", cell, v, want)
		}
	}
	for cell, want := range map[string][2]string{"C1": {"SUM(B2:B3)", "5"}, "C2": {`A2&"x"`, "ax"}, "C3": {"B2>1", "TRUE"}} {
		fo, _ := f.GetCellFormula("Sheet1", cell)
		cached, _ := f.GetCellValue("Sheet1", cell)
		if fo != want[0] || cached != want[1] {
			t.Errorf("%s = %q cached %q, want %q %q", cell, fo, cached, want[0], want[1])
		}
	}
	if typ, _ := f.GetCellType("Sheet1", "C3"); typ != excelize.CellTypeBool {
		t.Errorf("C3 cached type = %v, want bool", typ)
	}
	props, _ := f.GetCalcProps()
	if props.FullCalcOnLoad == nil || !*props.FullCalcOnLoad {
		t.Errorf("fullCalcOnLoad not set")
	}
}
