package vcard

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// benchCards returns n cards with every field contacts export: names,
// addresses, phones, e-mail, company, notes, categories and a 4 KB photo.
func benchCards(n int) []*Card {
	photo := bytes.Repeat([]byte{0xff, 0xd8, 0xff, 0xe0}, 1024)
	cards := make([]*Card, n)
	for i := range cards {
		c := &Card{}
		adr := NewStructured("ADR", nil, nil, []string{fmt.Sprintf("%d Main St", i)}, []string{"Springfield"}, []string{"IL"}, []string{"62701"}, []string{"USA"})
		adr.Params.Add("TYPE", "work")
		c.Add(
			NewText("FN", fmt.Sprintf("Person %d, Jr.", i)),
			NewStructured("N", []string{"Person"}, []string{fmt.Sprint(i)}, nil, nil, []string{"Jr."}),
			NewStructured("ORG", []string{"Contoso, Ltd."}, []string{"Sales"}),
			NewText("TITLE", "Account manager"),
			adr,
			Property{Name: "TEL", Params: Params{"TYPE": {"cell"}}, Value: "+1 555 0100"},
			Property{Name: "EMAIL", Params: Params{"TYPE": {"work"}, "PREF": {"1"}}, Value: fmt.Sprintf("p%d@contoso.com", i)},
			NewText("NOTE", strings.Repeat("Met at the fair; likes tea, not coffee.\n", 4)),
			NewList("CATEGORIES", "Customers", "VIP"),
			NewData("PHOTO", "image/jpeg", photo),
		)
		cards[i] = c
	}
	return cards
}

func BenchmarkWrite200(b *testing.B) {
	cards := benchCards(200)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := Write(&buf, cards...); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

func BenchmarkReadAll200(b *testing.B) {
	var buf bytes.Buffer
	if err := Write(&buf, benchCards(200)...); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadAll(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
