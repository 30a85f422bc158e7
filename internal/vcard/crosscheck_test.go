package vcard_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	govcard "github.com/emersion/go-vcard"

	"github.com/o365go/o365/internal/vcard"
)

// These tests read our output with an independent implementation,
// github.com/emersion/go-vcard, and read its output with ours, on what both
// agree the RFC says. (go-vcard does not unescape "\;" outside N and ADR,
// reads quoted parameters with Go's escapes rather than RFC 6868's, and
// escapes the commas between list values, so CATEGORIES with a comma inside
// a value cannot travel through it; the cases avoid those.)

func TestGoVCardReadsOurs(t *testing.T) {
	c := &vcard.Card{}
	adr := vcard.NewStructured("ADR", nil, nil, []string{"Hauptstraße 5"}, []string{"München"}, nil, []string{"80331"}, []string{"Deutschland"})
	adr.Params.Add("TYPE", "work")
	email := vcard.Property{Name: "EMAIL", Value: "anna@example.com", Params: vcard.Params{"TYPE": {"home", "pref"}}}
	long := strings.Repeat("Ein langer Text mit Umlauten äöü und Kommas, ", 6)
	c.Add(
		vcard.NewText("FN", "Anna Schmidt, Dr."),
		vcard.NewStructured("N", []string{"Schmidt"}, []string{"Anna"}, []string{"Maria"}, []string{"Dr."}, nil),
		adr,
		email,
		vcard.NewText("NOTE", "Zeile 1\nZeile 2 \\ "+long),
		vcard.NewList("CATEGORIES", "Kunden", "VIP Gold"),
		vcard.NewData("PHOTO", "image/png", []byte{0x89, 'P', 'N', 'G'}),
	)
	var buf bytes.Buffer
	if err := vcard.Write(&buf, c); err != nil {
		t.Fatal(err)
	}
	got, err := govcard.NewDecoder(&buf).Decode()
	if err != nil {
		t.Fatal(err)
	}
	if v := got.Value(govcard.FieldVersion); v != "4.0" {
		t.Errorf("VERSION = %q", v)
	}
	if v := got.Value(govcard.FieldFormattedName); v != "Anna Schmidt, Dr." {
		t.Errorf("FN = %q", v)
	}
	if n := got.Name(); n.FamilyName != "Schmidt" || n.GivenName != "Anna" || n.AdditionalName != "Maria" || n.HonorificPrefix != "Dr." {
		t.Errorf("N = %+v", n)
	}
	if a := got.Address(); a.StreetAddress != "Hauptstraße 5" || a.Locality != "München" || a.PostalCode != "80331" || a.Country != "Deutschland" || !a.Params.HasType("work") {
		t.Errorf("ADR = %+v", a)
	}
	if e := got.Get(govcard.FieldEmail); e.Value != "anna@example.com" || !reflect.DeepEqual(e.Params.Types(), []string{"home", "pref"}) {
		t.Errorf("EMAIL = %+v", e)
	}
	if v := got.Value(govcard.FieldNote); v != "Zeile 1\nZeile 2 \\ "+long {
		t.Errorf("NOTE = %q", v)
	}
	if v := got.Categories(); !reflect.DeepEqual(v, []string{"Kunden", "VIP Gold"}) {
		t.Errorf("CATEGORIES = %q", v)
	}
	if v := got.Value(govcard.FieldPhoto); v != "data:image/png;base64,iVBORw==" {
		t.Errorf("PHOTO = %q", v)
	}
}

func TestWeReadGoVCard(t *testing.T) {
	card := govcard.Card{}
	card.SetValue(govcard.FieldVersion, "4.0")
	card.SetValue(govcard.FieldFormattedName, "Bob Müller, Jr.")
	card.SetName(&govcard.Name{FamilyName: "Müller", GivenName: "Bob", HonorificSuffix: "Jr."})
	card.AddAddress(&govcard.Address{StreetAddress: "1 Rue de la Paix", Locality: "Paris", PostalCode: "75002", Country: "France",
		Field: &govcard.Field{Params: govcard.Params{govcard.ParamType: {"home"}}}})
	card.SetValue(govcard.FieldNote, "multi\nline, with comma \\ and backslash")
	card.Add(govcard.FieldTelephone, &govcard.Field{Value: "+33 1 23 45 67 89", Params: govcard.Params{govcard.ParamType: {"cell"}, govcard.ParamPreferred: {"1"}}})
	var buf bytes.Buffer
	if err := govcard.NewEncoder(&buf).Encode(card); err != nil {
		t.Fatal(err)
	}
	cards, err := vcard.ReadAll(&buf)
	if err != nil || len(cards) != 1 {
		t.Fatalf("ReadAll = %d cards, %v", len(cards), err)
	}
	c := cards[0]
	if v := c.Text("FN"); v != "Bob Müller, Jr." {
		t.Errorf("FN = %q", v)
	}
	if v := c.Get("N").Structured(); !reflect.DeepEqual(v, [][]string{{"Müller"}, {"Bob"}, nil, nil, {"Jr."}}) {
		t.Errorf("N = %q", v)
	}
	adr := c.Get("ADR")
	if v := adr.Structured(); !reflect.DeepEqual(v, [][]string{nil, nil, {"1 Rue de la Paix"}, {"Paris"}, nil, {"75002"}, {"France"}}) || !adr.HasType("HOME") {
		t.Errorf("ADR = %q %v", v, adr.Params)
	}
	if v := c.Text("NOTE"); v != "multi\nline, with comma \\ and backslash" {
		t.Errorf("NOTE = %q", v)
	}
	if tel := c.Get("TEL"); tel.Value != "+33 1 23 45 67 89" || !tel.HasType("cell") || tel.Params.Get("PREF") != "1" {
		t.Errorf("TEL = %+v", tel)
	}
}
