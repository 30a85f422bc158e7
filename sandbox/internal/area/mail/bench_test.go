package mail_test

import (
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/o365go/o365/sandbox"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

// bigInbox is the benchmarks' knob: that many messages in Alice's inbox.
const bigInbox = 100_000

// BenchmarkSeed100kMessages seeds the demo tenant with bigInbox messages
// in one folder.
func BenchmarkSeed100kMessages(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		s, err := sandbox.New(sandbox.Options{Seed: "demo", SeedSize: sandbox.SeedSize{Knobs: map[string]int{"mail.messagesPerInbox": bigInbox}}})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*bigInbox), "ns/message")
}

// bigServer is a sandbox seeded with bigInbox messages, shared by the
// benchmarks of one process (seeding takes seconds) and never closed.
var bigServer = sync.OnceValues(func() (*sandbox.Server, error) {
	return sandbox.New(sandbox.Options{Seed: "demo", SeedSize: sandbox.SeedSize{Knobs: map[string]int{"mail.messagesPerInbox": bigInbox}}})
})

// bigClient serves bigServer for its tokens.
var bigClient = sync.OnceValue(func() *sandboxtest.Server {
	s, _ := bigServer()
	return &sandboxtest.Server{URL: httptest.NewServer(s.Handler()).URL, Handler: s.Handler()}
})

func benchBigInbox(b *testing.B, query url.Values) {
	start := time.Now()
	if _, err := bigServer(); err != nil {
		b.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		b.Logf("seeded %d messages in %v", bigInbox, d.Round(time.Millisecond))
	}
	ts := bigClient()
	ts.BenchGET(b, ts.AliceToken(b), "/v1.0/me/mailFolders/inbox/messages?"+query.Encode(), "ConsistencyLevel", "eventual")
}

var bigFilter = "isRead eq false and from/emailAddress/address eq '" + demo.Carol + "'"

// BenchmarkInbox100kFilterTop50 filters the big inbox for a page of 50:
// the scan stops once the page (and one more) is found.
func BenchmarkInbox100kFilterTop50(b *testing.B) {
	benchBigInbox(b, url.Values{"$filter": {bigFilter}, "$top": {"50"}})
}

// BenchmarkInbox100kFilterOrderByTop50 adds $orderby: every message is
// read, the best 51 kept.
func BenchmarkInbox100kFilterOrderByTop50(b *testing.B) {
	benchBigInbox(b, url.Values{"$filter": {bigFilter}, "$orderby": {"receivedDateTime desc"}, "$top": {"50"}})
}

// BenchmarkInbox100kFilterCountTop50 adds $count=true: every message is
// read to count the matches.
func BenchmarkInbox100kFilterCountTop50(b *testing.B) {
	benchBigInbox(b, url.Values{"$filter": {bigFilter}, "$count": {"true"}, "$top": {"50"}})
}

// BenchmarkInbox100kSearchTop50 runs a $search matching nothing: every
// message's searched fields are read.
func BenchmarkInbox100kSearchTop50(b *testing.B) {
	benchBigInbox(b, url.Values{"$search": {`"nowhere"`}, "$top": {"50"}})
}

// benchPage999 lists a page of 999 messages of a 1,000-message inbox,
// with the request headers given (name, value pairs).
func benchPage999(b *testing.B, headers ...string) {
	ts := sandboxtest.New(b, sandboxtest.Options{Sizes: map[string]int{"mail.messagesPerInbox": 1000}})
	ts.BenchGET(b, ts.AliceToken(b), "/v1.0/me/mailFolders/inbox/messages?$top=999", headers...)
}

// BenchmarkPage999 is a client that does not ask for compression.
func BenchmarkPage999(b *testing.B) { benchPage999(b) }

// BenchmarkPage999Gzip is a client that accepts gzip (Go's, by default):
// the cost of compressing the page.
func BenchmarkPage999Gzip(b *testing.B) { benchPage999(b, "Accept-Encoding", "gzip") }
