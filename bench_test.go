package o365

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

type benchMessage struct {
	ID               string      `json:"id"`
	Subject          string      `json:"subject"`
	BodyPreview      string      `json:"bodyPreview"`
	IsRead           bool        `json:"isRead"`
	ReceivedDateTime string      `json:"receivedDateTime"`
	From             *Recipient  `json:"from"`
	ToRecipients     []Recipient `json:"toRecipients"`
	Body             *ItemBody   `json:"body"`
	Categories       []string    `json:"categories"`
	Flag             *struct{}   `json:"flag"`
}

// BenchmarkDecodePage999 measures the request path on one page of 999 messages:
// HTTP over loopback, the key rewrite for PascalCase, and decoding into structs.
func BenchmarkDecodePage999(b *testing.B) {
	var doc map[string]any
	if err := json.Unmarshal(graphPage(999), &doc); err != nil {
		b.Fatal(err)
	}
	delete(doc, "@odata.nextLink") // one page, served again on every loop
	camel, err := json.Marshal(doc)
	if err != nil {
		b.Fatal(err)
	}
	pascal, err := rewriteKeysBytes(camel, PascalCase)
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		body  []byte
		proto func() *Protocol
	}{
		{"graph", camel, Graph},
		{"office365", pascal, Office365},
	} {
		b.Run(tc.name, func(b *testing.B) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write(tc.body)
			}))
			defer srv.Close()
			p := tc.proto()
			p.BaseURL = srv.URL + "/"
			a, err := New(WithProtocol(p), WithTokenSource(StaticToken("t")))
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(tc.body)))
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				for m, err := range List[benchMessage](context.Background(), a, &Request{Path: "messages"}) {
					if err != nil {
						b.Fatal(err)
					}
					if m.ID == "" {
						b.Fatal("empty id")
					}
					n++
				}
				if n != 999 {
					b.Fatalf("%d messages", n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/999, "ns/msg")
		})
	}
}
