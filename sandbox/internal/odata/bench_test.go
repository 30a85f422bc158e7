package odata

import (
	"fmt"
	"testing"
	"time"
)

// messageDocs builds n message documents shaped like the store's.
func messageDocs(n int) []map[string]any {
	senders := []string{"alice@contoso.com", "bob@contoso.com", "carol@fabrikam.com", "dave@contoso.com"}
	base := time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)
	docs := make([]map[string]any, n)
	for i := range docs {
		addr := senders[i%len(senders)]
		docs[i] = map[string]any{
			"@odata.etag":      fmt.Sprintf("W/\"%d\"", i),
			"id":               fmt.Sprintf("AAMkAG%08d", i),
			"subject":          fmt.Sprintf("Message %d", i),
			"isRead":           i%3 == 0,
			"importance":       "normal",
			"hasAttachments":   i%7 == 0,
			"receivedDateTime": base.Add(time.Duration(i) * 5 * time.Minute).Format(time.RFC3339),
			"from": map[string]any{"emailAddress": map[string]any{
				"name": addr, "address": addr,
			}},
			"toRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": "me@contoso.com"}}},
			"body":         map[string]any{"contentType": "html", "content": "<p>hello</p>"},
		}
	}
	return docs
}

func BenchmarkEvalFilter100k(b *testing.B) {
	const n = 100_000
	docs := messageDocs(n)
	e, err := ParseFilter("isRead eq false and from/emailAddress/address eq 'alice@contoso.com' and receivedDateTime ge 2024-01-01T00:00:00Z")
	if err != nil {
		b.Fatal(err)
	}
	matched := 0
	b.ReportAllocs()
	for b.Loop() {
		matched = 0
		for _, d := range docs {
			ok, err := Eval(e, d)
			if err != nil {
				b.Fatal(err)
			}
			if ok {
				matched++
			}
		}
	}
	if matched == 0 || matched == n {
		b.Fatalf("filter matched %d of %d documents; the benchmark data is wrong", matched, n)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/doc")
}

func BenchmarkParseFilter(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseFilter(filterSeeds[0]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompare(b *testing.B) {
	docs := messageDocs(2)
	order := []OrderItem{{Path: "receivedDateTime", Desc: true}, {Path: "subject"}}
	b.ReportAllocs()
	for b.Loop() {
		Compare(order, docs[0], docs[1])
	}
}

// BenchmarkEvalFilterHot evaluates the same filter over 64 documents that
// stay in cache, separating evaluation cost from memory latency.
func BenchmarkEvalFilterHot(b *testing.B) {
	docs := messageDocs(64)
	e, err := ParseFilter("isRead eq false and from/emailAddress/address eq 'alice@contoso.com' and receivedDateTime ge 2023-06-01T00:00:00Z")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range docs {
			if _, err := Eval(e, d); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(docs)), "ns/doc")
}
