package main

import (
	"bytes"
	"os"
	"testing"

	"github.com/o365go/o365/internal/csdl"
)

// TestTableIsCurrent fails when the committed table differs from what the
// generator makes of the schema and defaults.go: run go generate in
// sandbox/internal/schema.
func TestTableIsCurrent(t *testing.T) {
	want, err := generate(csdl.MustLoad())
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../../sandbox/internal/schema/types_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("sandbox/internal/schema/types_gen.go is stale: run go generate ./sandbox/internal/schema")
	}
}

// TestDefaultsNameRealProperties checks the knowledge of defaults.go
// against the schema: a misspelt property would silently be a default.
func TestDefaultsNameRealProperties(t *testing.T) {
	s := csdl.MustLoad()
	for typ, d := range defaultsOnly {
		for _, p := range d.props {
			if _, ok := s.Property(typ, p); !ok {
				t.Errorf("defaultsOnly[%s] names %q, which the schema does not have", typ, p)
			}
		}
	}
}
