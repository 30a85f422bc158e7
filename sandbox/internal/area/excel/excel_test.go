package excel_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

// book is an .xlsx made with the spreadsheet library: a Sales sheet with a
// header, three rows, a formula and a table over A1:C4.
func book(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Sales"); err != nil {
		t.Fatal(err)
	}
	rows := [][]any{{"Region", "Units", "Price"}, {"East", 10, 2.5}, {"West", 4, 3}, {"North", 7, 1}}
	for i, r := range rows {
		if err := f.SetSheetRow("Sales", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetCellFormula("Sales", "E1", "SUM(B2:B4)"); err != nil {
		t.Fatal(err)
	}
	if err := f.AddTable("Sales", &excelize.Table{Range: "A1:C4", Name: "SalesTable"}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func upload(t *testing.T, ts *sandboxtest.Server, tok, path string, data []byte) map[string]any {
	t.Helper()
	return ts.Do(t, tok, "PUT", path+":/content", data, "Content-Type", "application/octet-stream").WantStatus(t, 201).JSON
}

func values(t *testing.T, r *sandboxtest.Response) [][]any {
	t.Helper()
	raw, _ := json.Marshal(r.JSON["values"])
	var v [][]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("values: %s", r.Raw)
	}
	return v
}

func TestSessionlessReadsAndWrites(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	item := upload(t, ts, tok, "/v1.0/me/drive/root:/Book.xlsx", book(t))
	id, _ := item["id"].(string)
	wb := "/v1.0/me/drive/items/" + id + "/workbook"
	byPath := "/v1.0/me/drive/root:/Book.xlsx:/workbook"

	r := ts.Do(t, tok, "GET", byPath+"/worksheets", nil).WantStatus(t, 200)
	if v := sandboxtest.Values(t, r); len(v) != 1 || v[0]["name"] != "Sales" {
		t.Fatalf("worksheets: %s", r.Raw)
	}
	r = ts.Do(t, tok, "GET", wb+"/worksheets('Sales')/range(address='A1:C2')", nil).WantStatus(t, 200)
	if got := fmt.Sprint(values(t, r)); got != "[[Region Units Price] [East 10 2.5]]" || r.JSON["address"] != "Sales!A1:C2" {
		t.Fatalf("range: %s", r.Raw)
	}
	// A formula written through the API is calculated on read, and saved.
	ts.Do(t, tok, "PATCH", wb+"/worksheets/Sales/range(address='F1:F2')", map[string]any{
		"formulas": [][]any{{"=E1*2"}, {"=B2*C2"}}}).WantStatus(t, 200)
	r = ts.Do(t, tok, "GET", byPath+"/worksheets/Sales/range(address='E1:F2')", nil).WantStatus(t, 200)
	if got := fmt.Sprint(values(t, r)); got != "[[21 42] [ 25]]" {
		t.Fatalf("calculated: %v %s", got, r.Raw)
	}
	versions := ts.Do(t, tok, "GET", "/v1.0/me/drive/items/"+id+"/versions", nil).WantStatus(t, 200)
	if n := len(sandboxtest.Values(t, versions)); n != 2 {
		t.Fatalf("%d versions after one write", n)
	}
	// Reads do not store versions.
	ts.Do(t, tok, "GET", wb+"/tables", nil).WantStatus(t, 200)
	if n := len(sandboxtest.Values(t, ts.Do(t, tok, "GET", "/v1.0/me/drive/items/"+id+"/versions", nil))); n != 2 {
		t.Fatalf("%d versions after reads", n)
	}
	// Table rows, functions, names, errors in Graph's shape.
	ts.Do(t, tok, "POST", wb+"/tables/SalesTable/rows", map[string]any{"values": [][]any{{"South", 3, 2}, {"Central", 1, 1}}}).WantStatus(t, 201)
	r = ts.Do(t, tok, "GET", wb+"/tables/SalesTable/rows", nil).WantStatus(t, 200)
	if n := len(sandboxtest.Values(t, r)); n != 5 {
		t.Fatalf("%d rows: %s", n, r.Raw)
	}
	r = ts.Do(t, tok, "POST", wb+"/functions/sum", map[string]any{"values": []any{1, 2, map[string]any{"address": "Sales!B2:B4"}}}).WantStatus(t, 200)
	if r.JSON["value"] != 24.0 {
		t.Fatalf("sum: %s", r.Raw)
	}
	ts.Do(t, tok, "GET", wb+"/worksheets/Nope/range(address='A1')", nil).WantError(t, 404, "ItemNotFound")
	ts.Do(t, tok, "GET", wb+"/worksheets/Sales/range(address='A1:')", nil).WantError(t, 400, "InvalidArgument")
	ts.Do(t, tok, "GET", wb+"/charts", nil).WantError(t, 501, "NotImplemented")
	// A file that is not a workbook.
	txt := upload(t, ts, tok, "/v1.0/me/drive/root:/notes.txt", []byte("hello"))
	ts.Do(t, tok, "GET", "/v1.0/me/drive/items/"+txt["id"].(string)+"/workbook/worksheets", nil).WantError(t, 400, "UnsupportedWorkbook")
	// Bob cannot read Alice's file.
	bob := ts.UserToken(t, demo.PublicClientID, demo.Bob)
	ts.Do(t, bob, "GET", "/v1.0/users/"+demo.UserID+"/drive/items/"+id+"/workbook/worksheets", nil).WantError(t, 404, "itemNotFound")
}

func TestSessions(t *testing.T) {
	clock := &fakeClock{now: time.Now()}
	ts := sandboxtest.New(t, sandboxtest.Options{Clock: clock.Now})
	tok := ts.AliceToken(t)
	item := upload(t, ts, tok, "/v1.0/me/drive/root:/Book.xlsx", book(t))
	wb := "/v1.0/me/drive/items/" + item["id"].(string) + "/workbook"
	a1 := wb + "/worksheets/Sales/range(address='B2')"

	// A non-persistent session's edits stay in the session.
	r := ts.Do(t, tok, "POST", wb+"/createSession", map[string]any{"persistChanges": false}).WantStatus(t, 201)
	temp, _ := r.JSON["id"].(string)
	if temp == "" || r.JSON["persistChanges"] != false {
		t.Fatalf("session: %s", r.Raw)
	}
	ts.Do(t, tok, "PATCH", a1, map[string]any{"values": [][]any{{99}}}, "workbook-session-id", temp).WantStatus(t, 200)
	if v := values(t, ts.Do(t, tok, "GET", a1, nil, "workbook-session-id", temp).WantStatus(t, 200)); v[0][0] != 99.0 {
		t.Fatalf("in the session: %v", v)
	}
	if v := values(t, ts.Do(t, tok, "GET", a1, nil).WantStatus(t, 200)); v[0][0] != 10.0 {
		t.Fatalf("outside the session: %v", v)
	}
	// It expires after five idle minutes; a refresh keeps it.
	clock.Advance(4 * time.Minute)
	ts.Do(t, tok, "POST", wb+"/refreshSession", nil, "workbook-session-id", temp).WantStatus(t, 204)
	clock.Advance(4 * time.Minute)
	ts.Do(t, tok, "GET", a1, nil, "workbook-session-id", temp).WantStatus(t, 200)
	clock.Advance(6 * time.Minute)
	r = ts.Do(t, tok, "GET", a1, nil, "workbook-session-id", temp)
	r.WantError(t, 404, "ItemNotFound")
	if !strings.Contains(string(r.Raw), "invalidSessionReCreatable") {
		t.Fatalf("expired session: %s", r.Raw)
	}

	// A persistent session saves each write.
	r = ts.Do(t, tok, "POST", wb+"/createSession", map[string]any{"persistChanges": true}).WantStatus(t, 201)
	sid := r.JSON["id"].(string)
	ts.Do(t, tok, "PATCH", a1, map[string]any{"values": [][]any{{50}}}, "workbook-session-id", sid).WantStatus(t, 200)
	if v := values(t, ts.Do(t, tok, "GET", a1, nil).WantStatus(t, 200)); v[0][0] != 50.0 {
		t.Fatalf("a persistent write seen outside: %v", v)
	}
	// Sessions belong to the item and the caller.
	other := upload(t, ts, tok, "/v1.0/me/drive/root:/Other.xlsx", book(t))
	ts.Do(t, tok, "GET", "/v1.0/me/drive/items/"+other["id"].(string)+"/workbook/worksheets", nil, "workbook-session-id", sid).WantError(t, 404, "ItemNotFound")
	ts.Do(t, tok, "POST", wb+"/closeSession", nil, "workbook-session-id", sid).WantStatus(t, 204)
	ts.Do(t, tok, "GET", a1, nil, "workbook-session-id", sid).WantError(t, 404, "ItemNotFound")
	ts.Do(t, tok, "POST", wb+"/closeSession", nil).WantError(t, 400, "BadRequest")
}

// fakeClock is a clock a test moves.
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
