package mail_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/o365go/o365/sandbox/internal/area/mail"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/odata"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

// TestListFilteredPagesMatchReference pages through filtered, searched and
// ordered listings of a generated inbox with small pages and checks them
// against the whole folder (listed without a query, which takes another
// path) filtered and stably sorted here.
func TestListFilteredPagesMatchReference(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{Sizes: map[string]int{"mail.messagesPerInbox": 250}})
	tok := ts.AliceToken(t)
	const folder = "/v1.0/me/mailFolders/inbox/messages"
	all := sandboxtest.Values(t, ts.Do(t, tok, "GET", folder+"?$top=1000", nil).WantStatus(t, 200))
	if len(all) != 253 {
		t.Fatalf("inbox holds %d messages", len(all))
	}
	tests := []struct {
		filter, search, orderby string
		n                       int // matches
	}{
		{filter: "isRead eq false and from/emailAddress/address eq '" + demo.Bob + "'", n: 67},
		{filter: "isRead eq false and from/emailAddress/address eq '" + demo.Bob + "'", orderby: "receivedDateTime desc", n: 67},
		{filter: "IsRead eq true", orderby: "from/emailAddress/name,receivedDateTime", n: 85},
		{orderby: "isRead desc", n: 253}, // many ties: default order among them
		{orderby: "subject", n: 253},
		{search: "number", filter: "isRead eq true", n: 84},
		{search: "from:" + demo.Carol, orderby: "receivedDateTime", n: 51},
		{filter: "startswith(subject, 'Nothing')"},
	}
	for _, tt := range tests {
		q := url.Values{}
		var want []string
		var filter odata.Expr
		if tt.filter != "" {
			q.Set("$filter", tt.filter)
			var err error
			if filter, err = odata.ParseFilter(tt.filter); err != nil {
				t.Fatal(err)
			}
		}
		var search *odata.SearchQuery
		if tt.search != "" {
			q.Set("$search", `"`+tt.search+`"`)
			var err error
			if search, err = odata.CompileSearch(tt.search); err != nil {
				t.Fatal(err)
			}
		}
		var order []odata.OrderItem
		if tt.orderby != "" {
			q.Set("$orderby", tt.orderby)
			for key := range strings.SplitSeq(tt.orderby, ",") {
				path, dir, _ := strings.Cut(key, " ")
				order = append(order, odata.OrderItem{Path: path, Desc: dir == "desc"})
			}
		}
		var matches []map[string]any
		for _, doc := range all {
			if ok, err := odata.Eval(filter, doc); err != nil || !ok {
				continue
			}
			if search == nil || search.Match(doc, mail.MessageSearchFields...) {
				matches = append(matches, doc)
			}
		}
		slices.SortStableFunc(matches, func(a, b map[string]any) int { return odata.Compare(order, a, b) })
		for _, m := range matches {
			want = append(want, m["id"].(string))
		}

		name := q.Encode()
		if len(want) != tt.n {
			t.Fatalf("%s: the reference finds %d messages, want %d", name, len(want), tt.n)
		}
		q.Set("$top", "7")
		q.Set("$count", "true")
		r := ts.Do(t, tok, "GET", folder+"?"+q.Encode(), nil).WantStatus(t, 200)
		if n, _ := r.JSON["@odata.count"].(float64); int(n) != len(want) {
			t.Errorf("%s: @odata.count %v, want %d", name, r.JSON["@odata.count"], len(want))
		}
		var got []string
		for pages := 0; ; pages++ {
			for _, v := range sandboxtest.Values(t, r) {
				got = append(got, v["id"].(string))
			}
			next, _ := r.JSON["@odata.nextLink"].(string)
			if next == "" || pages > 100 {
				break
			}
			if r.JSON["@odata.count"] != nil && pages > 0 {
				t.Errorf("%s: @odata.count on a later page", name)
			}
			r = ts.Do(t, tok, "GET", next, nil).WantStatus(t, 200)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: pages list %d messages, want %d\ngot  %.6v\nwant %.6v", name, len(got), len(want), got, want)
		}
		q.Del("$count")
		q.Set("$skip", "5")
		skipped := sandboxtest.Values(t, ts.Do(t, tok, "GET", folder+"?"+q.Encode(), nil).WantStatus(t, 200))
		wantSkipped := want[min(5, len(want)):min(12, len(want))]
		if len(skipped) != len(wantSkipped) || len(skipped) > 0 && skipped[0]["id"] != wantSkipped[0] {
			t.Errorf("%s: $skip=5 gave %d messages, want %d", name, len(skipped), len(wantSkipped))
		}
	}
}
