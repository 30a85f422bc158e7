package sharepoint_test

import (
	"fmt"
	"testing"

	"github.com/o365go/o365"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
	"github.com/o365go/o365/sharepoint"
)

// BenchmarkCreateItemsBatch creates items through $batch (20 per envelope,
// 4 envelopes in flight), client and in-process sandbox; ns/op is per item.
func BenchmarkCreateItemsBatch(b *testing.B) {
	srv := o365test.NewSandbox(b)
	ctx := b.Context()
	acct := o365test.NewAccount(b, srv, sandbox.DemoUser, o365.WithResource("sharepoint:contoso.sharepoint.com:/sites/team"))
	list, err := sharepoint.New(acct).Site("").CreateList(ctx, "Bench", &sharepoint.ListOptions{Columns: []*sharepoint.Column{
		sharepoint.NewNumberColumn("N"), sharepoint.NewChoiceColumn("C", "a", "b"),
	}})
	if err != nil {
		b.Fatal(err)
	}
	fields := make([]sharepoint.Fields, b.N)
	for i := range fields {
		fields[i] = sharepoint.Fields{"Title": fmt.Sprint("item ", i), "N": i, "C": "a"}
	}
	b.ReportAllocs()
	b.ResetTimer()
	if _, err := list.CreateItems(ctx, fields); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkListItems lists 10,003 items with their fields in pages of
// 1,000; ns/op is per item.
func BenchmarkListItems(b *testing.B) {
	srv := o365test.NewSandbox(b, o365test.WithSeedSize(sandbox.SeedSize{Knobs: map[string]int{"sharepoint.inventoryItems": 10000}}))
	ctx := b.Context()
	list := sharepoint.New(o365test.NewAccount(b, srv, sandbox.DemoUser)).Site("contoso.sharepoint.com:/sites/team").List("Inventory")
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for n < b.N {
		for _, err := range list.ListItems(ctx, o365.NewQuery().Top(1000).Limit(b.N-n), nil) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
}
