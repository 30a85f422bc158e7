package auth

import (
	"errors"
	"testing"
)

// FuzzParseCache feeds the token-file parser (what FileStore, EnvStore and
// KeyringStore hand to MSAL) arbitrary bytes: it must never panic, must reject
// with a CorruptCacheError-compatible reason, and what it accepts must survive
// an encode/parse round trip unchanged.
func FuzzParseCache(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(``))
	f.Add([]byte(`{"access_token":"x","refresh_token":"y"}`))
	f.Add([]byte(`{"AccessToken":{"k":{"secret":"s","cached_at":"1","client_id":"c","home_account_id":"h"}},"Account":{"a":{"home_account_id":"h","environment":"e","username":"u"}},"RefreshToken":{"r":{"client_id":"c","home_account_id":"h","environment":"e"}}}`))
	f.Add([]byte(`{"AccessToken":{"k":5}}`))
	f.Add([]byte(`{"AccessToken":`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := parseCache(data)
		if err != nil {
			if errors.Is(err, errLegacyToken) && doc != nil {
				t.Fatal("document returned with an error")
			}
			return
		}
		_ = doc.accounts("c")
		out, err := doc.encode()
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		again, err := parseCache(out)
		if err != nil {
			t.Fatalf("re-parse of encoded cache: %v", err)
		}
		if !docsEqual(doc, again) {
			t.Fatalf("round trip changed the cache:\n%q\n%q", data, out)
		}
		merged := merge3(newCacheDoc(), doc, newCacheDoc())
		if !docsEqual(merged, doc) {
			t.Fatal("merging into an empty store lost entries")
		}
	})
}
