package excel_test

import (
	"testing"

	"github.com/o365go/o365/excel"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// BenchmarkRange reads and writes a 10x3 range, client and in-process
// sandbox, in a persistent session (each write stores a new version of the
// file) and without one (each call opens the file).
func BenchmarkRange(b *testing.B) {
	srv := o365test.NewSandbox(b)
	acct := o365test.NewAccount(b, srv, sandbox.DemoUser)
	upload(b, acct, "/Bench.xlsx", salesBook(b))
	rows := make([][]excel.Value, 10)
	for i := range rows {
		rows[i] = []excel.Value{excel.Text("r"), excel.Number(float64(i)), excel.Text("=B1*2")}
	}
	for _, mode := range []struct {
		name string
		mode excel.SessionMode
	}{{"session", excel.SessionPersistent}, {"sessionless", excel.SessionNone}} {
		wb, err := excel.OpenPath(b.Context(), acct, "/Bench.xlsx", &excel.Options{Session: mode.mode})
		if err != nil {
			b.Fatal(err)
		}
		b.Run("read/"+mode.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := wb.GetRange(b.Context(), "Sales!A1:C10"); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("write/"+mode.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := wb.UpdateRange(b.Context(), "Sales!G1:I10", excel.RangeUpdate{Values: rows}); err != nil {
					b.Fatal(err)
				}
			}
		})
		_ = wb.Close(b.Context())
	}
}
