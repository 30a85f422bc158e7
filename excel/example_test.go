package excel_test

import (
	"context"
	"fmt"
	"log"

	"github.com/o365go/o365"
	"github.com/o365go/o365/excel"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// Read a range of a workbook in the team site's document library.
func ExampleWorkbook_GetRange() {
	acct, stop, err := o365test.DemoAccount(sandbox.DemoUser, o365.WithResource("sharepoint:contoso.sharepoint.com:/sites/team"))
	if err != nil {
		log.Fatal(err)
	}
	defer stop()
	ctx := context.Background()

	wb, err := excel.OpenPath(ctx, acct, "/Budget.xlsx", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer wb.Close(ctx)
	r, err := wb.GetRange(ctx, "Sheet1!A1:B4")
	if err != nil {
		log.Fatal(err)
	}
	for _, row := range r.Values {
		amount, isNumber := row[1].Number()
		fmt.Println(row[0], amount, isNumber)
	}
	// Output:
	// Item 0 false
	// Rent 1200 true
	// Travel 300 true
	// Tools 150 true
}

// Append rows to a table; formulas over it see them.
func ExampleTable_AddRows() {
	acct, stop, err := o365test.DemoAccount(sandbox.DemoUser, o365.WithResource("sharepoint:contoso.sharepoint.com:/sites/team"))
	if err != nil {
		log.Fatal(err)
	}
	defer stop()
	ctx := context.Background()

	wb, err := excel.OpenPath(ctx, acct, "/Budget.xlsx", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer wb.Close(ctx)
	_, err = wb.Table("Budget").AddRows(ctx, [][]excel.Value{
		{excel.Text("Training"), excel.Number(500)},
		{excel.Text("Books"), excel.Number(80)},
	})
	if err != nil {
		log.Fatal(err)
	}
	total, err := wb.GetRange(ctx, "Sheet1!D1:E1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(total.Values[0][0], total.Values[0][1])
	// Output: Total 2230
}

// Evaluate a worksheet function over a range.
func ExampleWorkbook_Call() {
	acct, stop, err := o365test.DemoAccount(sandbox.DemoUser, o365.WithResource("sharepoint:contoso.sharepoint.com:/sites/team"))
	if err != nil {
		log.Fatal(err)
	}
	defer stop()
	ctx := context.Background()

	wb, err := excel.OpenPath(ctx, acct, "/Budget.xlsx", &excel.Options{Session: excel.SessionNone})
	if err != nil {
		log.Fatal(err)
	}
	v, err := wb.Call(ctx, "average", map[string]excel.FunctionArg{"values": excel.Array{excel.Ref("Sheet1!B2:B4")}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v)
	// Output: 550
}
