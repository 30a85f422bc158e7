package contacts_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/o365go/o365/contacts"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// file200 is a 200-card file with every property, every seventh card with
// a photo.
func file200(b *testing.B) string {
	var in strings.Builder
	for i := 1; i <= 200; i++ {
		in.WriteString(cardText(b, i))
	}
	return in.String()
}

// BenchmarkParseVCard200 reads and maps a 200-card file (no requests).
func BenchmarkParseVCard200(b *testing.B) {
	in := file200(b)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := contacts.ParseVCard(strings.NewReader(in), nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteVCard200 maps and writes 200 contacts (no requests).
func BenchmarkWriteVCard200(b *testing.B) {
	cs, _, err := contacts.ParseVCard(strings.NewReader(file200(b)), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := contacts.WriteVCard(io.Discard, cs...); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportExport200 imports the 200-card file into a folder of the
// in-process sandbox (four creations at a time, photos set after) and
// exports it again (photos through $batch): client and sandbox together.
func BenchmarkImportExport200(b *testing.B) {
	srv := o365test.NewSandbox(b)
	ctx := ctxT(b)
	bk := book(b, srv, graph, sandbox.DemoUser)
	in := file200(b)
	n := 0
	for b.Loop() {
		n++
		f, err := bk.CreateFolder(ctx, fmt.Sprintf("Bench %d", n))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.ImportVCard(ctx, strings.NewReader(in), nil); err != nil {
			b.Fatal(err)
		}
		var out bytes.Buffer
		if _, err := f.ExportVCard(ctx, &out, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(n*200), "µs/contact")
}
