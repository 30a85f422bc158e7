package sandbox

import (
	"testing"
)

// FuzzBatch feeds arbitrary envelopes to $batch: never a 5xx.
func FuzzBatch(f *testing.F) {
	ts := newTestServer(f, Options{})
	tok := ts.AliceToken(f)
	f.Add(`{"requests":[{"id":"1","method":"GET","url":"/me"}]}`)
	f.Add(`{"requests":[{"id":"1","method":"POST","url":"/me/testItems","headers":{"Content-Type":"text/plain"},"body":"!!"}]}`)
	f.Add(`{"requests":[{"id":"1","method":"GET","url":"/me","dependsOn":["1"]}]}`)
	f.Add(`{"requests":null}`)
	f.Fuzz(func(t *testing.T, body string) {
		r := ts.Do(t, tok, "POST", "/v1.0/$batch", body)
		if r.Status >= 500 {
			t.Fatalf("$batch %q: %d %s", body, r.Status, r.Raw)
		}
	})
}
