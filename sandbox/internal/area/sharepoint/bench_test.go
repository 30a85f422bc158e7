package sharepoint_test

import (
	"testing"

	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

// BenchmarkItems measures list item reads over a list of 10,003 items.
func BenchmarkItems(b *testing.B) {
	ts := sandboxtest.New(b, sandboxtest.Options{Sizes: map[string]int{"sharepoint.inventoryItems": 10000}})
	tok := ts.AliceToken(b)
	items := team + "/lists/Inventory/items"
	b.Run("page200", func(b *testing.B) { ts.BenchGET(b, tok, items) })
	b.Run("page200Fields", func(b *testing.B) { ts.BenchGET(b, tok, items+"?$expand=fields") })
	b.Run("filterIndexedTop50", func(b *testing.B) {
		ts.BenchGET(b, tok, items+"?$expand=fields&$filter=fields/Quantity%20lt%20100&$top=50")
	})
	b.Run("filterNonIndexedAll", func(b *testing.B) {
		ts.BenchGET(b, tok, items+"?$filter=fields/Color%20eq%20'Blue'%20and%20fields/InStock%20eq%20false&$top=50",
			"Prefer", "HonorNonIndexedQueriesWarningMayFailRandomly")
	})
	b.Run("item", func(b *testing.B) { ts.BenchGET(b, tok, items+"/5000?$expand=fields") })
}
