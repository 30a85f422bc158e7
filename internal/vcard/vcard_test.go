package vcard

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func readOne(t *testing.T, in string) *Card {
	t.Helper()
	cards, err := ReadAll(strings.NewReader(in))
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	if len(cards) != 1 {
		t.Fatalf("read %d cards, want 1", len(cards))
	}
	return cards[0]
}

func TestRFC6350Example(t *testing.T) {
	c := readOne(t, rfc6350Example)
	if got := c.Text("FN"); got != "Simon Perreault" {
		t.Errorf("FN = %q", got)
	}
	n := c.Get("N").Structured()
	want := [][]string{{"Perreault"}, {"Simon"}, nil, nil, {"ing. jr", "M.Sc."}}
	if !reflect.DeepEqual(n, want) {
		t.Errorf("N = %q, want %q", n, want)
	}
	adr := c.Get("ADR")
	if got := adr.Structured(); !reflect.DeepEqual(got, [][]string{nil, {"Suite D2-630"}, {"2875 Laurier"}, {"Quebec"}, {"QC"}, {"G1V 2M2"}, {"Canada"}}) {
		t.Errorf("ADR = %q", got)
	}
	if adr.Component(3) != "Quebec" || adr.Component(9) != "" || !adr.HasType("WORK") {
		t.Errorf("ADR helpers: %q %v", adr.Component(3), adr.HasType("WORK"))
	}
	tels := c.All("tel")
	if len(tels) != 2 || tels[0].Value != "tel:+1-418-656-9254;ext=102" || !tels[0].HasType("voice") || !tels[1].HasType("text") || tels[0].Params.Get("PREF") != "1" {
		t.Errorf("TEL = %+v", tels)
	}
	if got := c.Get("KEY").Value; got != "http://www.viagenie.ca/simon.perreault/simon.asc" {
		t.Errorf("KEY = %q", got)
	}
	if got := c.Get("GEO").Value; got != "geo:46.772673,-71.282945" {
		t.Errorf("GEO = %q", got)
	}
	if langs := c.All("LANG"); len(langs) != 2 || langs[1].Params.Get("pref") != "2" {
		t.Errorf("LANG = %+v", langs)
	}
	if len(c.Properties) != 17 {
		t.Errorf("%d properties, want 17", len(c.Properties))
	}
}

func TestRFC2426Example(t *testing.T) {
	c := readOne(t, rfc2426Example)
	adr := c.Get("ADR")
	if got := adr.Structured(); !reflect.DeepEqual(got, [][]string{nil, nil, {"6544 Battleford Drive"}, {"Raleigh"}, {"NC"}, {"27613-3502"}, {"U.S.A."}}) {
		t.Errorf("ADR = %q", got)
	}
	if !adr.HasType("parcel") || !reflect.DeepEqual(adr.Params["TYPE"], []string{"WORK", "POSTAL", "PARCEL"}) {
		t.Errorf("ADR TYPE = %q", adr.Params["TYPE"])
	}
	if got := c.Text("VERSION"); got != "3.0" {
		t.Errorf("VERSION = %q", got)
	}
	if got := c.All("EMAIL")[0]; !got.HasType("pref") || got.Value != "Frank_Dawson@Lotus.com" {
		t.Errorf("EMAIL = %+v", got)
	}
}

func TestOutlook21(t *testing.T) {
	c := readOne(t, outlook21)
	n := c.Get("N")
	if got := n.Structured(); !reflect.DeepEqual(got, [][]string{{"Müller"}, {"Jörg"}}) {
		t.Errorf("N = %q", got)
	}
	if !reflect.DeepEqual(n.Params, Params{"LANGUAGE": {"de"}}) {
		t.Errorf("N params = %v (CHARSET and ENCODING must be gone)", n.Params)
	}
	if got := c.Text("FN"); got != "Jörg Müller" {
		t.Errorf("FN = %q", got)
	}
	// vCard 2.1 does not escape commas: the reader does, so the company
	// name stays one component value.
	if got := c.Get("ORG").Structured(); !reflect.DeepEqual(got, [][]string{{"Contoso, Ltd."}, {"Sales"}}) {
		t.Errorf("ORG = %q", got)
	}
	tel := c.Get("TEL")
	if !reflect.DeepEqual(tel.Params, Params{"TYPE": {"WORK", "VOICE"}}) {
		t.Errorf("TEL params = %v", tel.Params)
	}
	if got := c.Get("ADR").Component(2); got != "Friedrichstraße 1" {
		t.Errorf("ADR street = %q", got)
	}
	if got := c.Text("LABEL"); got != "Friedrichstraße 1\n10117 Berlin\nGermany" {
		t.Errorf("LABEL = %q", got)
	}
	if got := c.Get("URL").Value; got != "http://www.contoso.com/a,b" {
		t.Errorf("URL = %q (a URI is not escaped)", got)
	}
	photo := c.Get("PHOTO")
	mt, data, err := photo.Data()
	if err != nil || mt != "image/gif" || !bytes.HasPrefix(data, []byte("GIF89a")) || len(data) != 43 {
		t.Errorf("PHOTO = %q %d bytes %v", mt, len(data), err)
	}
	if photo.Params != nil {
		t.Errorf("PHOTO params = %v", photo.Params)
	}
	if got := c.Text("NOTE"); got != "Met at the fair; likes \\ backslashes\nSecond line" {
		t.Errorf("NOTE = %q", got)
	}
	if got := c.Text("REV"); got != "20260112T093000Z" {
		t.Errorf("REV = %q", got)
	}
}

func TestAndroid21(t *testing.T) {
	c := readOne(t, android21)
	if got := c.Get("N").Structured(); !reflect.DeepEqual(got, [][]string{{"Иванов"}, {"Иван"}, nil, nil, nil}) {
		t.Errorf("N = %q", got)
	}
	if got := c.Text("FN"); got != "Иван Иванов" {
		t.Errorf("FN = %q", got)
	}
	mt, data, err := c.Get("PHOTO").Data()
	if err != nil || mt != "image/jpeg" || !bytes.HasPrefix(data, []byte{0xff, 0xd8, 0xff}) {
		t.Errorf("PHOTO = %q % x %v", mt, data, err)
	}
	if got := c.Get("X-ANDROID-CUSTOM").Structured()[1]; !reflect.DeepEqual(got, []string{"Ваня"}) {
		t.Errorf("X-ANDROID-CUSTOM = %q", got)
	}
}

func TestApple30(t *testing.T) {
	c := readOne(t, apple30)
	if c.Properties[0].Name != "VERSION" {
		t.Errorf("the byte order mark was not skipped: %+v", c.Properties[0])
	}
	email := c.Get("EMAIL")
	if !email.HasType("work") || !email.HasType("PREF") || len(email.Params["TYPE"]) != 3 {
		t.Errorf("EMAIL = %+v", email)
	}
	url := c.Get("URL")
	if url.Group != "item2" || url.Value != "http://www.example.com/johnny" {
		t.Errorf("URL = %+v", url)
	}
	var label *Property
	for _, p := range c.All("X-ABLABEL") {
		if p.Group == url.Group {
			label = p
		}
	}
	if label == nil || label.Text() != "_$!<HomePage>!$_" {
		t.Errorf("URL label = %+v", label)
	}
	if got := c.Text("NOTE"); got != "Loves apples, pears; and\nnewlines." {
		t.Errorf("NOTE = %q", got)
	}
	bday := c.Get("BDAY")
	if bday.Value != "1604-05-16" || bday.Params.Get("X-APPLE-OMIT-YEAR") != "1604" {
		t.Errorf("BDAY = %+v", bday)
	}
	mt, data, err := c.Get("PHOTO").Data()
	if err != nil || mt != "image/jpeg" || len(data) != 44 {
		t.Errorf("PHOTO = %q %d %v", mt, len(data), err)
	}
	if got := c.Text("X-ABUID"); got != "5AD380FD-B2DE-4261-BA99-DE1D1DB52FBE:ABPerson" {
		t.Errorf("X-ABUID = %q", got)
	}
}

func TestGoogle30(t *testing.T) {
	c := readOne(t, google30)
	if got := c.Get("N").Structured(); !reflect.DeepEqual(got, [][]string{{"Public"}, {"Jane"}, {"Q."}, {"Dr."}, {"PhD"}}) {
		t.Errorf("N = %q", got)
	}
	if got := c.Get("CATEGORIES").List(); !reflect.DeepEqual(got, []string{"myContacts", "Friends"}) {
		t.Errorf("CATEGORIES = %q", got)
	}
	if _, _, err := c.Get("PHOTO").Data(); err == nil || !strings.Contains(err.Error(), "not a data: URI") {
		t.Errorf("PHOTO by URL: Data() = %v", err)
	}
	if got := c.Get("PHOTO").Value; got != "https://lh3.googleusercontent.com/contacts/abc" {
		t.Errorf("PHOTO = %q", got)
	}
}

func TestThunderbird40(t *testing.T) {
	c := readOne(t, thunderbird40)
	if got := c.Text("NOTE"); got != "First line\nSecond line with a comma, and a semicolon; done.\nThird line" {
		t.Errorf("NOTE = %q", got)
	}
	if tel := c.Get("TEL"); tel.Params.Get("value") != "TEXT" || !tel.HasType("work") {
		t.Errorf("TEL = %+v", tel)
	}
}

func TestManyCards(t *testing.T) {
	all := rfc6350Example + rfc2426Example + outlook21 + strings.ReplaceAll(android21, "\n", "\r\n") + apple30[len("\ufeff"):] + google30 + thunderbird40
	cards, err := ReadAll(strings.NewReader(all))
	if err != nil {
		t.Fatal(err)
	}
	if len(cards) != 7 {
		t.Fatalf("read %d cards", len(cards))
	}
	// Every sample survives a round trip through the writer.
	var buf bytes.Buffer
	if err := Write(&buf, cards...); err != nil {
		t.Fatal(err)
	}
	back, err := ReadAll(&buf)
	if err != nil {
		t.Fatalf("re-read: %v\n%s", err, buf.String())
	}
	for i := range cards {
		if !sameCards(cards[i], back[i]) {
			t.Errorf("card %d changed:\n%+v\n%+v", i, cards[i].Properties, back[i].Properties)
		}
	}
}

// sameCards compares two cards ignoring VERSION, which Write sets to 4.0,
// and the line numbers of the inputs they were read from.
func sameCards(a, b *Card) bool {
	strip := func(c *Card) []Property {
		var out []Property
		for _, p := range c.Properties {
			if p.Name != "VERSION" {
				p.Line = 0
				out = append(out, p)
			}
		}
		return out
	}
	return reflect.DeepEqual(strip(a), strip(b))
}

func TestWrite(t *testing.T) {
	c := &Card{}
	fn := NewText("fn", "Ann O'Neil, Jr.")
	n := NewStructured("N", []string{"O'Neil"}, []string{"Ann"}, []string{"Marie", "Louise"}, nil, []string{"Jr."})
	adr := NewStructured("ADR", nil, nil, []string{"1 Main St; Apt 2", "Back door"}, []string{"Springfield"}, nil, []string{"12345"}, []string{"USA"})
	adr.Params.Add("TYPE", "home")
	adr.Params.Add("LABEL", "1 Main St; Apt 2\nSpringfield")
	adr.Group = "item1"
	note := NewText("NOTE", "Line 1\r\nLine 2 with \\ and ; and ,")
	cats := NewList("CATEGORIES", "Friends", "Book club, Thursdays")
	photo := NewData("PHOTO", "image/png", []byte("\x89PNG\r\n\x1a\nfake"))
	email := Property{Name: "EMAIL", Params: Params{"TYPE": {"work"}, "PREF": {"1"}}, Value: "ann@example.com"}
	c.Add(Property{Name: "VERSION", Value: "3.0"}, fn, n, adr, note, cats, photo, email)
	var buf bytes.Buffer
	if err := Write(&buf, c); err != nil {
		t.Fatal(err)
	}
	want := "BEGIN:VCARD\r\n" +
		"VERSION:4.0\r\n" +
		"FN:Ann O'Neil\\, Jr.\r\n" +
		"N:O'Neil;Ann;Marie,Louise;;Jr.\r\n" +
		"item1.ADR;LABEL=\"1 Main St; Apt 2^nSpringfield\";TYPE=home:;;1 Main St\\; Apt\r\n" +
		"  2,Back door;Springfield;;12345;USA\r\n" +
		"NOTE:Line 1\\nLine 2 with \\\\ and ; and \\,\r\n" +
		"CATEGORIES:Friends,Book club\\, Thursdays\r\n" +
		"PHOTO:data:image/png;base64,iVBORw0KGgpmYWtl\r\n" +
		"EMAIL;PREF=1;TYPE=work:ann@example.com\r\n" +
		"END:VCARD\r\n"
	if buf.String() != want {
		t.Errorf("Write =\n%s\nwant\n%s", buf.String(), want)
	}
	back := readOne(t, buf.String())
	if got := back.Get("ADR").Structured(); !reflect.DeepEqual(got, [][]string{nil, nil, {"1 Main St; Apt 2", "Back door"}, {"Springfield"}, nil, {"12345"}, {"USA"}}) {
		t.Errorf("ADR = %q", got)
	}
	if got := back.Get("ADR").Params.Get("LABEL"); got != "1 Main St; Apt 2\nSpringfield" {
		t.Errorf("LABEL = %q", got)
	}
	if got := back.Text("NOTE"); got != "Line 1\nLine 2 with \\ and ; and ," {
		t.Errorf("NOTE = %q", got)
	}
	if got := back.Get("CATEGORIES").List(); !reflect.DeepEqual(got, []string{"Friends", "Book club, Thursdays"}) {
		t.Errorf("CATEGORIES = %q", got)
	}
	if mt, data, err := back.Get("PHOTO").Data(); err != nil || mt != "image/png" || string(data) != "\x89PNG\r\n\x1a\nfake" {
		t.Errorf("PHOTO = %q %q %v", mt, data, err)
	}
	if got := back.Get("N").Structured(); !reflect.DeepEqual(got, [][]string{{"O'Neil"}, {"Ann"}, {"Marie", "Louise"}, nil, {"Jr."}}) {
		t.Errorf("N = %q", got)
	}
	// Deterministic: the same card gives the same bytes.
	var again bytes.Buffer
	if err := Write(&again, c); err != nil || again.String() != want {
		t.Errorf("second Write differs: %v", err)
	}
}

func TestWriteErrors(t *testing.T) {
	tests := []struct {
		card *Card
		want string
	}{
		{&Card{Properties: []Property{{Name: "FN", Value: "a"}, {Name: "NOTE", Value: "a\nb"}}}, `vcard: card 1: property 2 (NOTE): value contains a line break (escape it as \n)`},
		{&Card{Properties: []Property{{Name: "BEGIN", Value: "VCARD"}}}, "vcard: card 1: property 1: BEGIN is not a property"},
		{&Card{Properties: []Property{{Name: "X", Group: "a.b", Value: "v"}}}, `vcard: card 1: property 1 (X): invalid character '.' in group "a.b"`},
		{&Card{Properties: []Property{{Name: "", Value: "v"}}}, `vcard: card 1: property 1 (): empty property name`},
		{nil, "vcard: card 1: nil card"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		err := Write(&buf, tt.card)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Write error = %v, want %q", err, tt.want)
		}
		if buf.Len() != 0 {
			t.Errorf("a bad card wrote %q", buf.String())
		}
	}
}

func TestTextEscaping(t *testing.T) {
	// vCard 4.0 TEXT escapes backslash, comma and line breaks; a semicolon
	// only inside structured and list values (RFC 6350 section 3.4).
	tests := []struct {
		text, text4, component string
	}{
		{"plain", "plain", "plain"},
		{"a,b", `a\,b`, `a\,b`},
		{"a;b", `a;b`, `a\;b`},
		{`a\b`, `a\\b`, `a\\b`},
		{"a\nb", `a\nb`, `a\nb`},
		{"a\r\nb", `a\nb`, `a\nb`},
		{"a:b", "a:b", "a:b"},
		{"€ \t ü", "€ \t ü", "€ \t ü"},
	}
	for _, tt := range tests {
		p := NewText("NOTE", tt.text)
		if p.Value != tt.text4 {
			t.Errorf("NewText(%q) = %q, want %q", tt.text, p.Value, tt.text4)
		}
		s := NewStructured("N", []string{tt.text})
		if s.Value != tt.component {
			t.Errorf("NewStructured(%q) = %q, want %q", tt.text, s.Value, tt.component)
		}
		want := strings.ReplaceAll(tt.text, "\r\n", "\n")
		if got := p.Text(); got != want {
			t.Errorf("Text(%q) = %q, want %q", p.Value, got, want)
		}
		if got := s.Structured(); len(got) != 1 || len(got[0]) != 1 || got[0][0] != want {
			t.Errorf("Structured(%q) = %q", s.Value, got)
		}
	}
}

func TestReadVariants(t *testing.T) {
	tests := []struct {
		name, in string
		want     []Property
	}{
		{"3.0 escapes", "BEGIN:VCARD\nVERSION:3.0\nNOTE:a\\,b\\;c\\\\d\\ne\\Nf\\:g\\xh\nEND:VCARD\n",
			[]Property{{Name: "VERSION", Value: "3.0"}, {Name: "NOTE", Value: `a\,b\;c\\d\ne\Nf:g\\xh`}}},
		{"2.1 escapes", "BEGIN:VCARD\nVERSION:2.1\nNOTE:a,b\\;c\\d\\ne\nEND:VCARD\n",
			[]Property{{Name: "VERSION", Value: "2.1"}, {Name: "NOTE", Value: `a\,b\;c\\d\\ne`}}},
		{"2.1 bare encoding", "BEGIN:VCARD\nVERSION:2.1\nNOTE;QUOTED-PRINTABLE;HOME:caf=C3=A9\nEND:VCARD\n",
			[]Property{{Name: "VERSION", Value: "2.1"}, {Name: "NOTE", Params: Params{"TYPE": {"HOME"}}, Value: "café"}}},
		{"2.1 latin1 without charset", "BEGIN:VCARD\nVERSION:2.1\nFN:Andr\xe9 \x80\nEND:VCARD\n",
			[]Property{{Name: "VERSION", Value: "2.1"}, {Name: "FN", Value: "André €"}}},
		{"ISO-8859-15", "BEGIN:VCARD\nVERSION:2.1\nFN;CHARSET=ISO-8859-15:\xa4\xe9\nEND:VCARD\n",
			[]Property{{Name: "VERSION", Value: "2.1"}, {Name: "FN", Value: "€é"}}},
		{"tab fold", "BEGIN:VCARD\nFN:Ann\n\tMarie\nEND:VCARD\n",
			[]Property{{Name: "FN", Value: "AnnMarie"}}},
		{"blank lines", "\n\nBEGIN:VCARD\n\nFN:A\n  \nEND:VCARD\n\n",
			[]Property{{Name: "FN", Value: "A "}}}, // a line of white space continues the one before
		{"no final line end", "BEGIN:VCARD\r\nFN:A\r\nEND:VCARD",
			[]Property{{Name: "FN", Value: "A"}}},
		{"lower case", "begin:vcard\nfn:A\nend:vcard\n",
			[]Property{{Name: "FN", Value: "A"}}},
		{"caret params", "BEGIN:VCARD\nADR;LABEL=\"a^nb^'c^^\":;;\nEND:VCARD\n",
			[]Property{{Name: "ADR", Params: Params{"LABEL": {"a\nb\"c^"}}, Value: ";;"}}},
		{"8bit", "BEGIN:VCARD\nNOTE;ENCODING=8BIT:x\nEND:VCARD\n",
			[]Property{{Name: "NOTE", Value: "x"}}},
		{"qp in 3.0", "BEGIN:VCARD\nVERSION:3.0\nNOTE;ENCODING=QUOTED-PRINTABLE:a=0D=0Ab=3D,c\nEND:VCARD\n",
			[]Property{{Name: "VERSION", Value: "3.0"}, {Name: "NOTE", Value: `a\nb=,c`}}},
		{"qp soft break keeps leading space", "BEGIN:VCARD\nVERSION:2.1\nNOTE;ENCODING=QUOTED-PRINTABLE:a=\n b\nEND:VCARD\n",
			[]Property{{Name: "VERSION", Value: "2.1"}, {Name: "NOTE", Value: "a b"}}},
		{"base64 sniffed", "BEGIN:VCARD\nVERSION:3.0\nLOGO;ENCODING=b:iVBORw0KGgo=\nEND:VCARD\n",
			[]Property{{Name: "VERSION", Value: "3.0"}, {Name: "LOGO", Value: "data:image/png;base64,iVBORw0KGgo="}}},
		{"base64 other type kept", "BEGIN:VCARD\nVERSION:3.0\nKEY;ENCODING=b;TYPE=work,PGP;VALUE=binary:AAEC\nEND:VCARD\n",
			[]Property{{Name: "VERSION", Value: "3.0"}, {Name: "KEY", Params: Params{"TYPE": {"work"}}, Value: "data:application/pgp-keys;base64,AAEC"}}},
	}
	for _, tt := range tests {
		c := readOne(t, tt.in)
		for i := range c.Properties {
			c.Properties[i].Line = 0 // TestLineNumbers checks them
		}
		if !reflect.DeepEqual(c.Properties, tt.want) {
			t.Errorf("%s:\n got %#v\nwant %#v", tt.name, c.Properties, tt.want)
		}
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"BEGIN:VCARD\nVERSION:4.0\nFN Ann\nEND:VCARD\n", "vcard: line 3: property without a value separator ':'"},
		{"BEGIN:VCARD\nFN:A\n", "vcard: line 2: the card begun on line 1 has no END:VCARD"},
		{"BEGIN:VCARD\nFN:A", "vcard: line 2: the card begun on line 1 has no END:VCARD"},
		{"BEGIN:VCARD\nFN:A\nEND:VCARD\nBEGIN:VCARD\nFN:B\nBEGIN:VCARD\nFN:C\nEND:VCARD\n", "vcard: line 6: BEGIN:VCARD inside the card begun on line 4 (is its END:VCARD missing?)"},
		{"BEGIN:VCARD\nFN:A\nEND:VCALENDAR\n", "vcard: line 3: END:VCALENDAR does not close the card begun on line 1"},
		{"hello:world\n", `vcard: line 1: expected BEGIN:VCARD, found "HELLO:world"`},
		{"BEGIN:VCALENDAR\n", `vcard: line 1: expected BEGIN:VCARD, found "BEGIN:VCALENDAR"`},
		{"BEGIN:VCARD\nFN:A\n\n B\nEND:VCARD\n", "vcard: line 4: continuation line (starting with white space) without a property before it"},
		{"BEGIN:VCARD\nFN;X=\"a:A\nEND:VCARD\n", "vcard: line 2: property FN: unterminated quoted value of parameter X"},
		{"BEGIN:VCARD\nF N:A\nEND:VCARD\n", `vcard: line 2: invalid character ' ' in property name "F N"`},
		{"BEGIN:VCARD\nFN:A\nNOTE;ENCODING=QUOTED-PRINTABLE:a=\nb=ZZ\nEND:VCARD\n", `vcard: line 3: NOTE: invalid quoted-printable sequence "=ZZ"`},
		{"BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=SHIFT_JIS:x\nEND:VCARD\n", "vcard: line 3: N: unsupported CHARSET=SHIFT_JIS (supported: UTF-8, US-ASCII, ISO-8859-1, ISO-8859-15, WINDOWS-1252); convert the file to UTF-8"},
		{"BEGIN:VCARD\nVERSION:3.0\nFN:Andr\xe9\nEND:VCARD\n", "vcard: line 3: value of FN is not valid UTF-8 (add a CHARSET= parameter or convert the file to UTF-8)"},
		{"BEGIN:VCARD\nNOTE;ENCODING=UUENCODE:x\nEND:VCARD\n", "vcard: line 2: NOTE: unsupported ENCODING=UUENCODE (supported: QUOTED-PRINTABLE, BASE64, B, 8BIT, 7BIT)"},
		{"BEGIN:VCARD\nPHOTO;ENCODING=b:!!!!\nEND:VCARD\n", "vcard: line 2: PHOTO: invalid base64 value: illegal base64 data at input byte 0"},
		{"BEGIN:VCARD\nNOTE:a\x01b\nEND:VCARD\n", `vcard: line 2: NOTE: value contains the control character '\x01'`},
		{"BEGIN:VCARD\r\nFN:A\rB\r\nEND:VCARD\r\n", "vcard: line 2: carriage return not followed by a line feed (convert the line ends to CRLF or LF)"},
		{"BEGIN:VCARD\nNOTE;CHARSET=UTF-8:\xff\nEND:VCARD\n", "vcard: line 2: NOTE: value is not valid UTF-8"},
		{"BEGIN:VCARD\nNOTE;X=\xff:a\nEND:VCARD\n", "vcard: line 2: NOTE: parameter X is not valid UTF-8"},
	}
	for _, tt := range tests {
		cards, err := ReadAll(strings.NewReader(tt.in))
		if err == nil || err.Error() != tt.want {
			t.Errorf("ReadAll(%q)\n error = %v\n  want   %s", tt.in, err, tt.want)
		}
		if cards != nil {
			t.Errorf("ReadAll(%q) returned %d cards with its error", tt.in, len(cards))
		}
		var e *Error
		if !errors.As(err, &e) || e.Line == 0 {
			t.Errorf("ReadAll(%q) error %T has no line", tt.in, err)
		}
	}
}

func TestLimits(t *testing.T) {
	card := "BEGIN:VCARD\nFN:" + strings.Repeat("a", 100) + "\nEND:VCARD\n"
	tests := []struct {
		name  string
		in    string
		setup func(*Reader)
		want  string
	}{
		{"line", card, func(r *Reader) { r.MaxLineBytes = 50 }, "vcard: line 2: limit exceeded: line is longer than 50 bytes"},
		{"unfolded line", "BEGIN:VCARD\nFN:" + strings.Repeat("a", 40) + "\n " + strings.Repeat("b", 40) + "\nEND:VCARD\n", func(r *Reader) { r.MaxLineBytes = 50 }, "vcard: line 2: limit exceeded: the unfolded line is longer than 50 bytes"},
		{"card", card, func(r *Reader) { r.MaxCardBytes = 100 }, "vcard: line 2: limit exceeded: the card begun on line 1 is larger than 100 bytes"},
		{"cards", card + card + card, func(r *Reader) { r.MaxCards = 2 }, "vcard: line 7: limit exceeded: more than 2 cards"},
	}
	for _, tt := range tests {
		r := NewReader(strings.NewReader(tt.in))
		tt.setup(r)
		_, err := r.ReadAll()
		if err == nil || err.Error() != tt.want || !errors.Is(err, ErrLimit) {
			t.Errorf("%s: error = %v, want %q", tt.name, err, tt.want)
		}
	}
	// Read returns the cards before the one that failed, then the error
	// again and again.
	r := NewReader(strings.NewReader(card + card + card))
	r.MaxCards = 2
	for i := 0; i < 2; i++ {
		if _, err := r.Read(); err != nil {
			t.Fatalf("card %d: %v", i+1, err)
		}
	}
	_, err1 := r.Read()
	_, err2 := r.Read()
	if err1 == nil || err1 != err2 {
		t.Errorf("errors after the limit: %v, %v", err1, err2)
	}
}

func TestDataErrors(t *testing.T) {
	for _, v := range []string{"https://x", "data:image/png;base64", "data:;base64,!!"} {
		p := Property{Name: "PHOTO", Value: v}
		if _, _, err := p.Data(); err == nil {
			t.Errorf("Data(%q) did not fail", v)
		}
	}
	p := Property{Name: "PHOTO", Value: `data:text/plain,hello%20world`}
	if mt, d, err := p.Data(); err != nil || mt != "text/plain" || string(d) != "hello world" {
		t.Errorf("Data(%q) = %q %q %v", p.Value, mt, d, err)
	}
	// A writer that escaped the comma (go-vcard does) still reads.
	p = Property{Name: "PHOTO", Value: `data:image/png;base64\,iVBORw0KGgo=`}
	if mt, d, err := p.Data(); err != nil || mt != "image/png" || len(d) != 8 {
		t.Errorf("Data(%q) = %q %q %v", p.Value, mt, d, err)
	}
}

func TestCardHelpers(t *testing.T) {
	c := &Card{}
	if c.Get("FN") != nil || c.Text("FN") != "" || c.All("TEL") != nil {
		t.Fatal("empty card")
	}
	c.Add(NewText("TEL", "1"), NewText("tel", "2"))
	c.Properties[1].Name = "tel"
	all := c.All("TEL")
	if len(all) != 2 || all[1].Value != "2" {
		t.Fatalf("All = %+v", all)
	}
	all[0].Value = "changed"
	if c.Properties[0].Value != "changed" {
		t.Fatal("All does not point into the card")
	}
	var empty Property
	if empty.List() != nil || empty.Text() != "" {
		t.Fatal("empty property")
	}
}

func TestLineNumbers(t *testing.T) {
	in := "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:A\r\nEND:VCARD\r\n\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:folded\r\n  across\r\n lines\r\nEMAIL:b@example.com\r\nEND:VCARD\r\n"
	cards, err := ReadAll(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if cards[0].Line != 1 || cards[1].Line != 6 {
		t.Fatalf("cards begin on lines %d and %d, want 1 and 6", cards[0].Line, cards[1].Line)
	}
	// A folded property is on the line it starts on.
	if fn, note, email := cards[0].Get("FN"), cards[1].Get("NOTE"), cards[1].Get("EMAIL"); fn.Line != 3 || note.Line != 8 || email.Line != 11 {
		t.Fatalf("lines FN %d NOTE %d EMAIL %d, want 3, 8, 11", fn.Line, note.Line, email.Line)
	}
	if p := NewText("FN", "x"); p.Line != 0 {
		t.Fatalf("a built property has line %d", p.Line)
	}
}
