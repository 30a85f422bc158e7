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

// pageInbox is the knob of BenchmarkListPage999: a little more than a page.
const pageInbox = 1000

// pageServer is a sandbox whose inbox holds pageInbox generated messages
// (plus the samples), shared by the benchmarks of one process.
var pageServer = sync.OnceValue(func() *sandboxtest.Server {
	s, err := sandbox.New(sandbox.Options{Seed: "demo", SeedSize: sandbox.SeedSize{Knobs: map[string]int{"mail.messagesPerInbox": pageInbox}}})
	if err != nil {
		panic(err)
	}
	return &sandboxtest.Server{URL: httptest.NewServer(s.Handler()).URL, Handler: s.Handler()}
})

// BenchmarkListPage999 lists one page of 999 messages, as Graph shapes
// them, through the HTTP handler. cpu-ns/message is the process's CPU time
// (every thread, the garbage collector's included) per listed message: the
// server's cost, steady on a busy machine where ns/op is not.
func BenchmarkListPage999(b *testing.B) {
	ts := pageServer()
	tok := ts.AliceToken(b)
	start := cpuTime()
	ts.BenchGET(b, tok, "/v1.0/me/mailFolders/inbox/messages?$top=999")
	b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N*999), "cpu-ns/message")
}

// BenchmarkListPage999Gzip is BenchmarkListPage999 for a client that
// accepts gzip, as Go's does by default: what compressing the page adds.
func BenchmarkListPage999Gzip(b *testing.B) {
	ts := pageServer()
	tok := ts.AliceToken(b)
	start := cpuTime()
	ts.BenchGET(b, tok, "/v1.0/me/mailFolders/inbox/messages?$top=999", "Accept-Encoding", "gzip")
	b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N*999), "cpu-ns/message")
}
