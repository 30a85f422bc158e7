package vcard_test

import (
	"fmt"
	"strings"

	"github.com/o365go/o365/internal/vcard"
)

// Read an address book export of any vCard version and use its fields.
func ExampleReadAll() {
	const export = "BEGIN:VCARD\r\n" +
		"VERSION:3.0\r\n" +
		"N:Doe;Jane;;Dr.;\r\n" +
		"FN:Dr. Jane Doe\r\n" +
		"ORG:Contoso\\, Ltd.;Research\r\n" +
		"EMAIL;TYPE=INTERNET,WORK:jane@contoso.com\r\n" +
		"NOTE:First line\\nSecond line\r\n" +
		"END:VCARD\r\n"
	cards, err := vcard.ReadAll(strings.NewReader(export))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cards {
		n := c.Get("N")
		fmt.Println("family:", n.Component(0), "given:", n.Component(1))
		fmt.Println("company:", c.Get("ORG").Component(0))
		for _, e := range c.All("EMAIL") {
			fmt.Println("email:", e.Text(), "work:", e.HasType("work"))
		}
		fmt.Printf("note: %q\n", c.Text("NOTE"))
	}
	// Output:
	// family: Doe given: Jane
	// company: Contoso, Ltd.
	// email: jane@contoso.com work: true
	// note: "First line\nSecond line"
}

// A bad file is refused whole, with the line that is wrong.
func ExampleReadAll_error() {
	const bad = "BEGIN:VCARD\nVERSION:4.0\nFN:Ann\nEND:VCARD\nBEGIN:VCARD\nFN Bob\nEND:VCARD\n"
	cards, err := vcard.ReadAll(strings.NewReader(bad))
	fmt.Println(len(cards), err)
	// Output:
	// 0 vcard: line 6: property without a value separator ':'
}

// Build a card with the constructors, which escape each kind of value, and
// write it as vCard 4.0.
func ExampleWrite() {
	c := &vcard.Card{}
	adr := vcard.NewStructured("ADR", nil, nil, []string{"1 Main St"}, []string{"Springfield"}, nil, []string{"12345"}, []string{"USA"})
	adr.Params.Add("TYPE", "work")
	c.Add(
		vcard.NewText("FN", "Ann O'Neil"),
		vcard.NewStructured("N", []string{"O'Neil"}, []string{"Ann"}, nil, nil, nil),
		vcard.NewStructured("ORG", []string{"Contoso, Ltd."}),
		adr,
		vcard.NewList("CATEGORIES", "Customers", "VIP"),
		vcard.NewText("NOTE", "Two\nlines"),
		vcard.NewData("PHOTO", "image/png", []byte("\x89PNG")),
	)
	var out strings.Builder
	if err := vcard.Write(&out, c); err != nil {
		fmt.Println(err)
	}
	// Lines end in CRLF; the example shows them without the CR.
	fmt.Print(strings.ReplaceAll(out.String(), "\r\n", "\n"))
	// Output:
	// BEGIN:VCARD
	// VERSION:4.0
	// FN:Ann O'Neil
	// N:O'Neil;Ann;;;
	// ORG:Contoso\, Ltd.
	// ADR;TYPE=work:;;1 Main St;Springfield;;12345;USA
	// CATEGORIES:Customers,VIP
	// NOTE:Two\nlines
	// PHOTO:data:image/png;base64,iVBORw==
	// END:VCARD
}

// Structured values split into components, each a list.
func ExampleProperty_Structured() {
	p := vcard.Property{Name: "N", Value: `Stevenson;John;Philip,Paul;Dr.;Jr.,M.D.,A.C.P.`}
	for i, comp := range p.Structured() {
		fmt.Println(i, comp)
	}
	// Output:
	// 0 [Stevenson]
	// 1 [John]
	// 2 [Philip Paul]
	// 3 [Dr.]
	// 4 [Jr. M.D. A.C.P.]
}
