package workbook

import (
	"fmt"
	"testing"
)

// sheet100x100 is a saved workbook with 10,000 cells: numbers, text and a
// formula column.
func sheet100x100(b *testing.B) []byte {
	wb := New()
	rows := make([][]any, 100)
	for i := range rows {
		rows[i] = make([]any, 100)
		for j := range rows[i] {
			switch {
			case j == 99:
				rows[i][j] = fmt.Sprintf("=A%d*2", i+1)
			case j%2 == 0:
				rows[i][j] = float64(i * j)
			default:
				rows[i][j] = fmt.Sprintf("t%d", i*j)
			}
		}
	}
	r, _ := wb.Range("Sheet1!A1:CV100")
	if err := r.Update(RangeUpdate{Values: Rows(rows)}); err != nil {
		b.Fatal(err)
	}
	data, err := wb.Bytes()
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkOpenRead10000Cells opens an .xlsx and reads a 100x100 range
// with every property, as GET range(address='A1:CV100') does.
func BenchmarkOpenRead10000Cells(b *testing.B) {
	data := sheet100x100(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		wb, err := OpenBytes(data)
		if err != nil {
			b.Fatal(err)
		}
		r, _ := wb.Range("Sheet1!A1:CV100")
		d, err := r.Get()
		if err != nil || len(d.Values) != 100 {
			b.Fatal(err)
		}
		_ = wb.Close()
	}
}

// BenchmarkAddTableRows1000 appends 1,000 rows to a table in one request
// and saves the workbook.
func BenchmarkAddTableRows1000(b *testing.B) {
	rows := make([][]any, 1000)
	for i := range rows {
		rows[i] = []any{fmt.Sprintf("item %d", i), float64(i), "Open", float64(i) * 1.5}
	}
	b.ReportAllocs()
	for b.Loop() {
		wb := New()
		r, _ := wb.Range("Sheet1!A1:D2")
		_ = r.Update(RangeUpdate{Values: Rows([][]any{{"Item", "Qty", "Status", "Price"}, {"first", 1, "Open", 2}})})
		if _, err := wb.AddTable("", "Sheet1!A1:D2", true); err != nil {
			b.Fatal(err)
		}
		if _, err := wb.AddTableRows("Table1", nil, Rows(rows)); err != nil {
			b.Fatal(err)
		}
		if _, err := wb.Bytes(); err != nil {
			b.Fatal(err)
		}
	}
}
