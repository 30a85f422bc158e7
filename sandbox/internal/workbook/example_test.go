package workbook_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"

	"github.com/o365go/o365/sandbox/internal/workbook"
)

// A route of the future drive area, in a few lines: open the blob, act,
// answer Graph's JSON, store the new bytes.
func Example() {
	blob := newBlob() // the .xlsx stored for a drive item

	wb, err := workbook.Open(bytes.NewReader(blob), int64(len(blob)))
	if err != nil {
		log.Fatal(err) // an *workbook.Error: answer its Status and Code
	}
	defer wb.Close()

	// PATCH .../worksheets/Sheet1/range(address='A1:B2')
	var body workbook.RangeUpdate
	_ = json.Unmarshal([]byte(`{"values":[["Qty",2],["Price",3]],"formulas":[[null,null],[null,"=B1*3"]]}`), &body)
	r, err := wb.SheetRange("Sheet1", "A1:B2")
	if err != nil {
		log.Fatal(err)
	}
	if err := r.Update(body); err != nil {
		log.Fatal(err)
	}
	data, _ := r.Get()
	out, _ := json.Marshal(data.Values)
	fmt.Println(data.Address, string(out))

	var saved bytes.Buffer
	if err := wb.Save(&saved); err != nil { // store as the item's new version
		log.Fatal(err)
	}
	// Output: Sheet1!A1:B2 [["Qty",2],["Price",6]]
}

// Appending rows to a table, as POST tables/{id}/rows/add does.
func ExampleWorkbook_AddTableRows() {
	wb := workbook.New()
	r, _ := wb.Range("Sheet1!A1:B2")
	_ = r.Update(workbook.RangeUpdate{Values: workbook.Rows([][]any{{"Name", "Score"}, {"Ann", 7}})})
	t, _ := wb.AddTable("", "Sheet1!A1:B2", true)
	row, err := wb.AddTableRows(t.Name, nil, workbook.Rows([][]any{{"Bob", "9"}, {"Cy", 4}}))
	if err != nil {
		log.Fatal(err)
	}
	out, _ := json.Marshal(row)
	fmt.Println(t.Name, string(out))
	// Output: Table1 {"index":1,"values":[["Bob",9],["Cy",4]]}
}

func newBlob() []byte {
	b, _ := workbook.New().Bytes()
	return b
}
