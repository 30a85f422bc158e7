package directory_test

import (
	"testing"

	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

// benchGET serves path to Alice through the full handler.
func benchGET(b *testing.B, ts *sandboxtest.Server, path string) {
	ts.BenchGET(b, ts.AliceToken(b), path, "ConsistencyLevel", "eventual")
}

func BenchmarkPointRead(b *testing.B) {
	ts := sandboxtest.New(b, sandboxtest.Options{})
	benchGET(b, ts, "/v1.0/users/"+demo.BobID)
}

func BenchmarkPageOf100(b *testing.B) {
	ts := sandboxtest.New(b, sandboxtest.Options{Sizes: map[string]int{"directory.extraUsers": 500}})
	benchGET(b, ts, "/v1.0/users?$top=100")
}

func BenchmarkPageOf100Filtered(b *testing.B) {
	ts := sandboxtest.New(b, sandboxtest.Options{Sizes: map[string]int{"directory.extraUsers": 500}})
	benchGET(b, ts, "/v1.0/users?$top=100&$filter=startswith(displayName,'User')&$count=true")
}
