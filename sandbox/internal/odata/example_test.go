package odata_test

import (
	"fmt"
	"net/url"
	"slices"

	"github.com/o365go/o365/sandbox/internal/odata"
)

// A handler parses the query once, then filters, sorts, pages and projects.
func Example() {
	docs := []map[string]any{
		{"id": "1", "subject": "Lunch", "isRead": false, "receivedDateTime": "2024-02-01T09:00:00Z"},
		{"id": "2", "subject": "Report", "isRead": true, "receivedDateTime": "2024-02-02T09:00:00Z"},
		{"id": "3", "subject": "Budget", "isRead": false, "receivedDateTime": "2024-02-03T09:00:00Z"},
	}
	q := url.Values{
		"$filter":  {"isRead eq false and receivedDateTime ge 2024-01-01T00:00:00Z"},
		"$orderby": {"receivedDateTime desc"},
		"$select":  {"subject"},
		"$top":     {"1"},
	}
	opts, err := odata.ParseQuery(q)
	if err != nil {
		fmt.Println(err) // a *SyntaxError: answer 400
		return
	}
	var hits []map[string]any
	for _, d := range docs {
		ok, err := odata.Eval(opts.Filter, d)
		if err != nil {
			fmt.Println(err)
			return
		}
		if ok {
			hits = append(hits, d)
		}
	}
	slices.SortStableFunc(hits, func(a, b map[string]any) int { return odata.Compare(opts.OrderBy, a, b) })
	key := []byte("per-server random secret")
	if opts.HasTop && len(hits) > opts.Top {
		next := odata.EncodeSkipToken(key, odata.SkipState{Offset: opts.Top})
		st, _ := odata.DecodeSkipToken(key, next)
		fmt.Println("next page starts at", st.Offset)
		hits = hits[:opts.Top]
	}
	for _, h := range hits {
		fmt.Println(odata.Project(h, opts.Select))
	}
	// Output:
	// next page starts at 1
	// map[id:3 subject:Budget]
}

func ExampleParseFilter_error() {
	_, err := odata.ParseFilter("(isRead eq false")
	fmt.Println(err)
	// Output:
	// $filter: expected ')', found end of input at position 16 in "(isRead eq false"
}
