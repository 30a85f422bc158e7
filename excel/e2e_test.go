package excel_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/o365go/o365"
	"github.com/o365go/o365/excel"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
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

// salesBook is an .xlsx made with the spreadsheet library: a Sales sheet
// with a header and three rows, a SUM in E1 and a table over A1:C4.
func salesBook(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must(t, f.SetSheetName("Sheet1", "Sales"))
	rows := [][]any{{"Region", "Units", "Price"}, {"East", 10, 2.5}, {"West", 4, 3}, {"North", 7, 1}}
	for i, r := range rows {
		must(t, f.SetSheetRow("Sales", fmt.Sprintf("A%d", i+1), &r))
	}
	must(t, f.SetCellFormula("Sales", "E1", "SUM(B2:B4)"))
	must(t, f.AddTable("Sales", &excelize.Table{Range: "A1:C4", Name: "SalesTable"}))
	var buf bytes.Buffer
	must(t, f.Write(&buf))
	return buf.Bytes()
}

// upload puts data at path in the drive of acct's resource.
func upload(t testing.TB, acct *o365.Account, path string, data []byte) string {
	t.Helper()
	var item struct {
		ID string `json:"id"`
	}
	req := &o365.Request{Method: http.MethodPut, Path: "drive/root:" + path + ":/content", Body: data,
		ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
	_, err := acct.Do(ctxT(t), req, &item)
	must(t, err)
	return item.ID
}

// download reads the file at path back.
func download(t testing.TB, acct *o365.Account, path string) []byte {
	t.Helper()
	var buf bytes.Buffer
	_, err := acct.Download(ctxT(t), &o365.Request{Path: "drive/root:" + path + ":/content"}, &buf)
	must(t, err)
	return buf.Bytes()
}

func grid(r *excel.Range) string { return fmt.Sprint(r.Values) }

// TestWorkbookEndToEnd is the check: a workbook made with the
// .xlsx library is uploaded to a site library, read through the API
// (values and formulas), edited (a range, a table's new rows, a formula
// cell), downloaded and opened again: every edit is there, with the
// formula's value right.
func TestWorkbookEndToEnd(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	acct := o365test.NewAccount(t, srv, sandbox.DemoUser, o365.WithResource("sharepoint:contoso.sharepoint.com:/sites/team"))
	upload(t, acct, "/Reports/Sales.xlsx", salesBook(t))

	wb, err := excel.OpenPath(ctx, acct, "/Reports/Sales.xlsx", nil)
	must(t, err)
	if wb.SessionID() == "" {
		t.Fatal("no session")
	}
	r, err := wb.GetRange(ctx, "Sales!A1:C4")
	must(t, err)
	if got := grid(r); got != "[[Region Units Price] [East 10 2.5] [West 4 3] [North 7 1]]" || r.Address != "Sales!A1:C4" {
		t.Fatalf("values %s at %s", got, r.Address)
	}
	if n, ok := r.Cell(1, 1).Number(); !ok || n != 10 {
		t.Fatalf("B2 %v", r.Cell(1, 1))
	}
	if s, ok := r.Cell(0, 0).Text(); !ok || s != "Region" {
		t.Fatalf("A1 %v", r.Cell(0, 0))
	}
	e1, err := wb.Worksheet("Sales").GetRange(ctx, "E1")
	must(t, err)
	if f, _ := e1.Formulas[0][0].Text(); f != "=SUM(B2:B4)" || e1.Cell(0, 0).String() != "21" {
		t.Fatalf("E1: formula %v value %v", e1.Formulas, e1.Values)
	}

	// Edit a range, a table (new rows), and a formula cell.
	_, err = wb.UpdateRange(ctx, "Sales!B2", excel.RangeUpdate{Values: [][]excel.Value{{excel.Number(20)}}})
	must(t, err)
	row, err := wb.Table("SalesTable").AddRows(ctx, [][]excel.Value{
		{excel.Text("South"), excel.Number(5), excel.Number(2)},
		{excel.Text("Central"), excel.Number(1), excel.Number(4)},
	})
	must(t, err)
	if row.Index != 3 || len(row.Values) != 2 {
		t.Fatalf("added rows %+v", row)
	}
	f1, err := wb.UpdateRange(ctx, "Sales!F1:F2", excel.RangeUpdate{Formulas: [][]excel.Value{{excel.Text("=E1*2")}, {excel.Text("=SUM(B2:B6)")}}})
	must(t, err)
	if got := grid(f1); got != "[[62] [37]]" {
		t.Fatalf("formulas calculated: %s", got)
	}
	rows, err := o365.Collect(wb.Table("SalesTable").ListRows(ctx))
	must(t, err)
	if len(rows) != 5 || rows[4].Cells()[0].String() != "Central" {
		t.Fatalf("%d rows", len(rows))
	}
	must(t, wb.Close(ctx))
	if _, err := wb.GetRange(ctx, "Sales!A1"); !errors.Is(err, excel.ErrClosed) {
		t.Fatalf("after close: %v", err)
	}

	// Downloaded and opened again: every edit is there.
	f, err := excelize.OpenReader(bytes.NewReader(download(t, acct, "/Reports/Sales.xlsx")))
	must(t, err)
	defer f.Close()
	cell := func(ref string) string {
		v, err := f.GetCellValue("Sales", ref)
		must(t, err)
		return v
	}
	for ref, want := range map[string]string{"B2": "20", "A5": "South", "B6": "1", "C6": "4", "E1": "31", "F1": "62", "F2": "37"} {
		if got := cell(ref); got != want {
			t.Errorf("%s = %q, want %q", ref, got, want)
		}
	}
	if fm, _ := f.GetCellFormula("Sales", "F1"); fm != "E1*2" {
		t.Errorf("F1 formula %q", fm)
	}
	if v, err := f.CalcCellValue("Sales", "F2"); err != nil || v != "37" {
		t.Errorf("F2 calculated by the library: %q %v", v, err)
	}
	tables, err := f.GetTables("Sales")
	must(t, err)
	if len(tables) != 1 || tables[0].Range != "A1:C6" {
		t.Errorf("tables %+v", tables)
	}
}

// item is a drive item bound to an account, as the drive package's are.
type item struct {
	o365.Object
	ID string `json:"id"`
}

func TestSessionsAndWorksheets(t *testing.T) {
	clock := &fakeClock{now: time.Now()}
	srv := o365test.NewSandbox(t, func(o *sandbox.Options) { o.Clock = clock.Now })
	ctx := ctxT(t)
	acct := o365test.NewAccount(t, srv, sandbox.DemoUser)
	id := upload(t, acct, "/Book.xlsx", salesBook(t))
	it := &item{ID: id}
	must(t, o365.Bind(it, acct, "drive/items/"+id))

	// A temporary session: changes stay in it, and die with it.
	tmp, err := excel.Open(ctx, it, &excel.Options{Session: excel.SessionTemporary})
	must(t, err)
	ws := tmp.Worksheet("Sales")
	_, err = ws.UpdateRange(ctx, "A2", excel.RangeUpdate{Values: [][]excel.Value{{excel.Text("Changed")}}})
	must(t, err)
	plain, err := excel.OpenItem(ctx, acct, id, &excel.Options{Session: excel.SessionNone})
	must(t, err)
	if r, err := plain.GetRange(ctx, "Sales!A2"); err != nil || r.Cell(0, 0).String() != "East" {
		t.Fatalf("outside the temporary session: %v %v", r, err)
	}
	clock.Advance(6 * time.Minute) // expired: Graph ends idle sessions
	if _, err := ws.GetRange(ctx, "A2"); !errors.Is(err, excel.ErrSessionExpired) {
		t.Fatalf("expired temporary session: %v", err)
	}

	// A persistent session survives its expiry: it is recreated.
	wb, err := excel.Open(ctx, it, &excel.Options{RefreshAfter: time.Hour})
	must(t, err)
	first := wb.SessionID()
	clock.Advance(10 * time.Minute)
	added, err := wb.AddWorksheet(ctx, "Summary")
	must(t, err)
	if wb.SessionID() == first || added.Name != "Summary" || added.Position != 1 {
		t.Fatalf("recreated session %q (was %q), sheet %+v", wb.SessionID(), first, added)
	}
	// An idle session is refreshed before a call, so it does not expire.
	wb2, err := excel.Open(ctx, it, &excel.Options{RefreshAfter: time.Minute})
	must(t, err)
	s2 := wb2.SessionID()
	for range 3 {
		clock.Advance(4 * time.Minute)
		must(t, wb2.Refresh(ctx))
	}
	if _, err := wb2.GetRange(ctx, "Sales!A1"); err != nil || wb2.SessionID() != s2 {
		t.Fatalf("kept alive: %v, %q vs %q", err, wb2.SessionID(), s2)
	}
	must(t, wb2.Close(ctx))

	// Worksheets: list, rename, move, hide, delete; used range; cells.
	sheets, err := o365.Collect(wb.ListWorksheets(ctx))
	must(t, err)
	if len(sheets) != 2 || sheets[0].Name != "Sales" || sheets[1].Name != "Summary" {
		t.Fatalf("sheets %v", sheets)
	}
	must(t, sheets[1].Rename(ctx, "Totals"))
	must(t, sheets[1].Move(ctx, 0))
	if sheets[1].Position != 0 {
		t.Fatalf("moved: %+v", sheets[1])
	}
	must(t, sheets[1].SetVisibility(ctx, "Hidden"))
	got, err := wb.GetWorksheet(ctx, "Totals")
	must(t, err)
	if got.Visibility != "Hidden" {
		t.Fatalf("visibility %q", got.Visibility)
	}
	if _, err := wb.AddWorksheet(ctx, "Totals"); err == nil {
		t.Fatal("a second sheet named Totals")
	}
	must(t, got.Delete(ctx))
	used, err := wb.Worksheet("Sales").UsedRange(ctx, true)
	must(t, err)
	if used.Address != "Sales!A1:E4" {
		t.Fatalf("used range %s", used.Address)
	}
	c, err := wb.Worksheet("Sales").GetCell(ctx, 3, 2)
	must(t, err)
	if c.Address != "Sales!C4" || c.Cell(0, 0).String() != "1" {
		t.Fatalf("cell %s %v", c.Address, c.Values)
	}
	must(t, wb.Close(ctx))
	must(t, wb.Close(ctx)) // twice is fine

	// By drive and item id, as a site library's file is named.
	var meta struct {
		ParentReference struct {
			DriveID string `json:"driveId"`
		} `json:"parentReference"`
	}
	_, err = acct.Do(ctx, &o365.Request{Path: "drive/items/" + id}, &meta)
	must(t, err)
	byID, err := excel.OpenDriveItem(ctx, acct, meta.ParentReference.DriveID, id, &excel.Options{Session: excel.SessionNone})
	must(t, err)
	if n, err := o365.Collect(byID.ListWorksheets(ctx)); err != nil || len(n) != 1 {
		t.Fatalf("by drive and item id: %v %v", n, err)
	}
}

func TestRangesTablesNamesFunctions(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	acct := o365test.NewAccount(t, srv, sandbox.DemoUser)
	upload(t, acct, "/Book.xlsx", salesBook(t))
	wb, err := excel.OpenPath(ctx, acct, "Book.xlsx", nil)
	must(t, err)
	defer wb.Close(ctx)

	// Typed values: numbers, text, booleans, blanks, error values.
	r, err := wb.UpdateRange(ctx, "Sales!G1:G5", excel.RangeUpdate{
		Values:   [][]excel.Value{{excel.Bool(true)}, {excel.Unchanged()}, {excel.Text("12")}, {excel.Blank()}, {excel.Text("x")}},
		Formulas: [][]excel.Value{{excel.Unchanged()}, {excel.Text("=1/0")}, {excel.Unchanged()}, {excel.Unchanged()}, {excel.Unchanged()}},
	})
	must(t, err)
	if b, ok := r.Cell(0, 0).Bool(); !ok || !b {
		t.Fatalf("G1 %v", r.Cell(0, 0))
	}
	if e, ok := r.Cell(1, 0).Err(); !ok || e != excel.ErrDiv0 {
		t.Fatalf("G2 %v (%v)", r.Cell(1, 0), r.ValueTypes)
	}
	if n, ok := r.Cell(2, 0).Number(); !ok || n != 12 {
		t.Fatalf("G3 %v", r.Cell(2, 0))
	}
	if !r.Cell(3, 0).IsEmpty() || r.Cell(1, 0).Interface() != excel.ErrDiv0 || r.Cell(0, 0).Interface() != true {
		t.Fatalf("G4 %v", r.Values)
	}
	// Number formats and text; whole columns; clear.
	_, err = wb.UpdateRange(ctx, "Sales!C2:C4", excel.RangeUpdate{NumberFormat: [][]excel.Value{{excel.Text("0.00")}, {excel.Text("0.00")}, {excel.Text("0.00")}}})
	must(t, err)
	r, err = wb.GetRange(ctx, "Sales!C2")
	must(t, err)
	if r.Text[0][0] != "2.50" || r.NumberFormat[0][0] != "0.00" {
		t.Fatalf("formatted %v %v", r.Text, r.NumberFormat)
	}
	col, err := wb.GetRange(ctx, "Sales!G:G")
	must(t, err)
	if col.Address != "Sales!G:G" || col.Values != nil {
		t.Fatalf("whole column %s %v", col.Address, col.Values)
	}
	must(t, wb.ClearRange(ctx, "Sales!G1:G5", excel.ClearContents))
	// Insert and delete cells (not across a table: Excel's conflict); sort a range.
	_, err = wb.UpdateRange(ctx, "Sales!H1:H2", excel.RangeUpdate{Values: [][]excel.Value{{excel.Text("a")}, {excel.Text("b")}}})
	must(t, err)
	ins, err := wb.InsertCells(ctx, "Sales!H1", excel.ShiftDown)
	must(t, err)
	if ins.Address != "Sales!H1" {
		t.Fatalf("inserted %s", ins.Address)
	}
	if r, _ := wb.GetRange(ctx, "Sales!H1:H3"); grid(r) != "[[] [a] [b]]" {
		t.Fatalf("after insert %s", grid(r))
	}
	must(t, wb.DeleteCells(ctx, "Sales!H1", excel.ShiftUp))
	if r, _ := wb.GetRange(ctx, "Sales!H1:H2"); grid(r) != "[[a] [b]]" {
		t.Fatalf("after delete %s", grid(r))
	}
	var ae *o365.Error
	if _, err := wb.InsertCells(ctx, "Sales!A2:B2", excel.ShiftDown); !errors.As(err, &ae) || ae.Code != "InsertDeleteConflict" {
		t.Fatalf("insert across a table: %v", err)
	}
	must(t, wb.SortRange(ctx, "Sales!A2:C4", []excel.SortField{{Key: 1, Ascending: true}}, nil))
	r, err = wb.GetRange(ctx, "Sales!A2:A4")
	must(t, err)
	if grid(r) != "[[West] [North] [East]]" {
		t.Fatalf("sorted %s", grid(r))
	}
	// Tables: add from a range, rows, columns, sort, filter.
	_, err = wb.UpdateRange(ctx, "Sales!J1:K3", excel.RangeUpdate{Values: excel.Values([][]string{{"Name", "Score"}, {"Ann", "7"}, {"Bob", "9"}})})
	must(t, err)
	tbl, err := wb.AddTable(ctx, "Sales!J1:K3", true)
	must(t, err)
	if !tbl.ShowHeaders {
		t.Fatalf("table %+v", tbl)
	}
	tables, err := o365.Collect(wb.ListTables(ctx))
	must(t, err)
	if len(tables) != 2 {
		t.Fatalf("%d tables", len(tables))
	}
	must(t, tbl.Rename(ctx, "Scores"))
	scores := wb.Table("Scores")
	_, err = scores.InsertRows(ctx, 0, [][]excel.Value{{excel.Text("Cy"), excel.Number(8)}})
	must(t, err)
	_, err = scores.UpdateRow(ctx, 1, []excel.Value{excel.Text("Ann"), excel.Number(10)})
	must(t, err)
	must(t, scores.DeleteRow(ctx, 2))
	r1, err := scores.GetRow(ctx, 1)
	must(t, err)
	if fmt.Sprint(r1.Cells()) != "[Ann 10]" {
		t.Fatalf("row 1 %v", r1.Cells())
	}
	_, err = scores.AddColumn(ctx, -1, "Passed", []excel.Value{excel.Bool(true), excel.Bool(false)})
	must(t, err)
	cols, err := o365.Collect(scores.ListColumns(ctx))
	must(t, err)
	if len(cols) != 3 || cols[2].Name != "Passed" {
		t.Fatalf("columns %v", cols)
	}
	must(t, scores.DeleteColumn(ctx, "Passed"))
	must(t, scores.Sort(ctx, []excel.SortField{{Key: 1, Ascending: false}}, false))
	rows, err := o365.Collect(scores.ListRows(ctx))
	must(t, err)
	if fmt.Sprint(rows[0].Cells(), rows[1].Cells()) != "[Ann 10] [Cy 8]" {
		t.Fatalf("sorted rows %v %v", rows[0].Cells(), rows[1].Cells())
	}
	must(t, scores.Filter(ctx, "Score", excel.FilterCustom(">9")))
	must(t, scores.ClearFilter(ctx, "Score"))
	must(t, scores.Filter(ctx, "Name", excel.FilterValues("Cy")))
	tr, err := scores.GetRange(ctx)
	must(t, err)
	if tr.Address != "Sales!J1:K3" {
		t.Fatalf("table range %s", tr.Address)
	}
	// Names and functions.
	_, err = wb.AddName(ctx, "Units", "=Sales!$B$2:$B$4", "the units")
	must(t, err)
	names, err := o365.Collect(wb.ListNames(ctx))
	must(t, err)
	if len(names) != 1 || names[0].Type != "Range" {
		t.Fatalf("names %+v", names)
	}
	nr, err := wb.GetRange(ctx, "Units")
	must(t, err)
	if nr.RowCount != 3 {
		t.Fatalf("named range %+v", nr.Address)
	}
	v, err := wb.Call(ctx, "sum", map[string]excel.FunctionArg{"values": excel.Array{excel.Number(1), excel.Ref("Sales!B2:B4")}})
	must(t, err)
	if n, _ := v.Number(); n != 22 {
		t.Fatalf("sum %v", v)
	}
	v, err = wb.Call(ctx, "sqrt", map[string]excel.FunctionArg{"number": excel.Number(-1)})
	var ce excel.CellError
	if !errors.As(err, &ce) || ce != excel.ErrNum || v.Kind() != excel.KindError {
		t.Fatalf("sqrt(-1): %v %v", v, err)
	}
	if _, err := wb.Call(ctx, "nosuch", nil); !errors.Is(err, o365.ErrNotFound) {
		t.Fatalf("unknown function: %v", err)
	}
	must(t, wb.Calculate(ctx, ""))
	app, err := wb.GetApplication(ctx)
	must(t, err)
	if app.CalculationMode != "Automatic" {
		t.Fatalf("application %+v", app)
	}
	// Addresses checked before any request.
	for _, bad := range []string{"", "A1:B2", "B12"} {
		if _, err := wb.GetRange(ctx, bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := wb.GetRange(ctx, "'It''s'!A1"); !errors.Is(err, o365.ErrNotFound) {
		t.Errorf("quoted sheet: %v", err)
	}
}

// fakeClock is the sandbox's clock, moved by the test.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}
