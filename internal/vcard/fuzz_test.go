package vcard

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// FuzzRead checks that the reader never panics, that every error carries a
// line number, that the accessors do not panic on what it accepts, and that
// whatever it accepts survives the writer: written and read again, the cards
// are the same, and writing them again gives the same bytes.
func FuzzRead(f *testing.F) {
	for _, s := range []string{rfc6350Example, rfc2426Example, outlook21, android21, apple30, google30, thunderbird40,
		"BEGIN:VCARD\nNOTE;ENCODING=QUOTED-PRINTABLE:a=\n=\nEND:VCARD\n",
		"BEGIN:VCARD\nX;P=\"a,b\",c;Q=^n^^:v\\\\,\\;\\n\nEND:VCARD\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r := NewReader(strings.NewReader(in))
		r.MaxLineBytes, r.MaxCardBytes, r.MaxCards = 4096, 1<<16, 50
		cards, err := r.ReadAll()
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		for _, c := range cards {
			for _, p := range c.Properties {
				p.Text()
				p.List()
				p.Structured()
				p.Component(2)
				p.HasType("work")
				p.Data()
				p.Date()
			}
		}
		var out bytes.Buffer
		if err := Write(&out, cards...); err != nil {
			t.Fatalf("accepted cards do not write: %v", err)
		}
		back, err := ReadAll(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("written cards do not read: %v\n%q", err, out.String())
		}
		if len(back) != len(cards) {
			t.Fatalf("%d cards became %d", len(cards), len(back))
		}
		for i := range cards {
			if !sameCards(cards[i], back[i]) {
				t.Fatalf("card %d changed:\n%#v\n%#v", i, cards[i].Properties, back[i].Properties)
			}
		}
		var again bytes.Buffer
		if err := Write(&again, back...); err != nil || !bytes.Equal(again.Bytes(), out.Bytes()) {
			t.Fatalf("second write differs (%v):\n%q\n%q", err, out.String(), again.String())
		}
	})
}
