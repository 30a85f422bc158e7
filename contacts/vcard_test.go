package contacts_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/contacts"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// cardText is card i of a test file, written by hand (not by the package's
// writer) with every property an Outlook contact holds; every seventh card
// has a photo. It is the oracle the import is checked against.
func cardText(t testing.TB, i int) string {
	t.Helper()
	lines := []string{
		"BEGIN:VCARD", "VERSION:4.0",
		fmt.Sprintf("FN:Person %03d", i),
		fmt.Sprintf("N:Surname%03d;Given%03d;Middle;Dr.;Jr.", i, i),
		"NICKNAME:Nick" + fmt.Sprint(i),
		"X-MS-INITIALS:G.M.S.",
		fmt.Sprintf("X-MS-FILE-AS:Surname%03d\\, Given%03d", i, i),
		"X-PHONETIC-FIRST-NAME:ギブン", "X-PHONETIC-LAST-NAME:サーネーム", "X-PHONETIC-ORG:フォブリカム",
		fmt.Sprintf("EMAIL;X-NAME=\"Person %03d\":p%03d@fabrikam.com", i, i),
		fmt.Sprintf("EMAIL:p%03d@example.org", i),
		fmt.Sprintf("EMAIL;TYPE=home:p%03d@outlook.com", i),
		fmt.Sprintf("TEL;VALUE=text;TYPE=work,voice:+1 425 555 %04d", i),
		fmt.Sprintf("TEL;VALUE=text;TYPE=work,voice:+1 425 556 %04d", i),
		fmt.Sprintf("TEL;VALUE=text;TYPE=home,voice:+1 206 555 %04d", i),
		fmt.Sprintf("TEL;VALUE=text;TYPE=cell:+1 206 556 %04d", i),
		fmt.Sprintf("ADR;TYPE=work:;;%d Main St\\nSuite 5,Back door;Redmond;WA;98052;United States", i),
		fmt.Sprintf("ADR;TYPE=home:;;%d Pine St;Seattle;WA;98101;United States", i),
		"ADR:;;;Oslo;;0150;Norway",
		"ORG:Fabrikam;Research",
		"TITLE:Scientist " + fmt.Sprint(i),
		"ROLE:Chemist",
		"X-MS-OFFICE:7/" + fmt.Sprint(1000+i),
		"X-MS-MANAGER:Kim Akers",
		"X-MS-ASSISTANT:Sam Ruiz",
		fmt.Sprintf("URL;TYPE=work:https://fabrikam.com/p%03d", i),
		fmt.Sprintf("BDAY:19%02d%02d%02d", 50+i%50, 1+i%12, 1+i%28),
		"RELATED;VALUE=text;TYPE=spouse:Jo " + fmt.Sprint(i),
		"RELATED;VALUE=text;TYPE=child:Amy", "RELATED;VALUE=text;TYPE=child:Ben",
		fmt.Sprintf("IMPP:sip:p%03d@fabrikam.com", i),
		"CATEGORIES:Customers,VIP",
		fmt.Sprintf("NOTE:Card %d\\, with a comma\\nand a second line; and a semicolon.", i),
	}
	if i%7 == 0 {
		lines = append(lines, "PHOTO:data:image/png;base64,"+base64.StdEncoding.EncodeToString(testImage(t, 20+i%13, 20)))
	}
	return strings.Join(append(lines, "END:VCARD"), "\r\n") + "\r\n"
}

func TestVCardRoundTrip200(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	b := book(t, srv, graph, sandbox.DemoUser)
	var in strings.Builder
	for i := 1; i <= 200; i++ {
		in.WriteString(cardText(t, i))
	}
	f, err := b.CreateFolder(ctx, "Imported")
	must(t, err)
	res, err := f.ImportVCard(ctx, strings.NewReader(in.String()), nil)
	must(t, err)
	if len(res.Created) != 200 || len(res.Skipped) != 0 {
		t.Fatalf("imported %d, skipped %v", len(res.Created), res.Skipped)
	}
	// The oracle: card 42 as the service holds it.
	c42 := res.Created[41]
	got, err := b.GetContact(ctx, c42.ID, nil)
	must(t, err)
	if got.DisplayName != "Person 042" || got.Surname != "Surname042" || got.Title != "Dr." || got.Generation != "Jr." ||
		got.FileAs != "Surname042, Given042" || len(got.EmailAddresses) != 3 || got.EmailAddresses[0].Name != "Person 042" ||
		got.MobilePhone != "+1 206 556 0042" || got.BusinessAddress.Street != "42 Main St\nSuite 5\nBack door" ||
		got.OtherAddress.City != "Oslo" || got.Department != "Research" || got.Manager != "Kim Akers" ||
		got.SpouseName != "Jo 42" || len(got.Children) != 2 || got.PersonalNotes != "Card 42, with a comma\nand a second line; and a semicolon." ||
		got.YomiSurname != "サーネーム" || got.OfficeLocation != "7/1042" || got.BusinessHomePage != "https://fabrikam.com/p042" {
		t.Fatalf("card 42 became %+v", got)
	}
	if y, m, d, _ := got.BirthDate(); y != 1992 || m != time.July || d != 15 {
		t.Fatalf("birthday %d-%d-%d", y, m, d)
	}
	photo, err := got.GetPhoto(ctx)
	must(t, err)
	if photo.Width != 20+42%13 {
		t.Fatalf("photo of card 42: %+v", photo)
	}

	var out bytes.Buffer
	n, err := f.ExportVCard(ctx, &out, nil)
	must(t, err)
	if n != 200 {
		t.Fatalf("exported %d", n)
	}
	// The two files carry the same data: read both back and compare
	// contact by contact, photos included.
	before, _, err := contacts.ParseVCard(strings.NewReader(in.String()), nil)
	must(t, err)
	after, _, err := contacts.ParseVCard(bytes.NewReader(out.Bytes()), nil)
	must(t, err)
	if len(after) != 200 {
		t.Fatalf("export holds %d cards", len(after))
	}
	byName := map[string]*contacts.Contact{}
	for _, c := range after {
		byName[c.DisplayName] = c
	}
	for _, want := range before {
		got := byName[want.DisplayName]
		if got == nil {
			t.Fatalf("%s missing from the export", want.DisplayName)
		}
		for _, diff := range differences(got, want) {
			t.Errorf("%s: %s", want.DisplayName, diff)
		}
		gt, gp, _ := got.PendingPhoto()
		wt, wp, _ := want.PendingPhoto()
		if gt != wt || !bytes.Equal(gp, wp) {
			t.Errorf("%s: photos differ (%s %d bytes, %s %d bytes)", want.DisplayName, gt, len(gp), wt, len(wp))
		}
	}
	if !strings.HasPrefix(out.String(), "BEGIN:VCARD\r\nVERSION:4.0\r\n") {
		t.Fatalf("export starts %q", out.String()[:40])
	}
}

func TestBadCardsImportNothing(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	b := book(t, srv, graph, sandbox.DemoUser)
	f, err := b.CreateFolder(ctx, "Target")
	must(t, err)
	good := cardText(t, 1) + cardText(t, 2)
	for _, tt := range []struct {
		name, input, want string
	}{
		{"no END", good + "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Broken\r\n", "line 73: the card begun on line 71 has no END:VCARD"},
		{"bad date", good + "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Broken\r\nBDAY:31st of July\r\nEND:VCARD\r\n", "line 74 (card 3): BDAY"},
		{"no colon", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN Broken\r\nEND:VCARD\r\n" + good, "line 3"},
		{"not a vcard", "hello\r\n", "line 1: property without a value separator"},
	} {
		res, err := f.ImportVCard(ctx, strings.NewReader(tt.input), &contacts.ImportOptions{SkipUnsupported: true})
		if err == nil || !strings.Contains(err.Error(), tt.want) || res != nil {
			t.Errorf("%s: %v (want %q)", tt.name, err, tt.want)
		}
	}
	if got := collect(t, f.ListContacts(ctx, nil)); len(got) != 0 {
		t.Fatalf("bad input imported %d contacts", len(got))
	}
}

func TestUnsupportedProperties(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	b := book(t, srv, graph, sandbox.DemoUser)
	// An Outlook 2.1 export: the fax, the fourth address and the
	// anniversary have no place in a contact.
	in := strings.Join([]string{
		"BEGIN:VCARD", "VERSION:2.1",
		"N;LANGUAGE=en-us:Baker;Bob", "FN:Bob Baker", "ORG:Contoso;Sales", "TITLE:Manager",
		"TEL;WORK;VOICE:+1 425 555 0100", "TEL;WORK;FAX:+1 425 555 0109", "TEL;CELL;VOICE:+1 425 555 0199",
		"ADR;WORK;PREF:;;1 Contoso Way;Redmond;WA;98052;United States of America",
		"LABEL;WORK;PREF;ENCODING=QUOTED-PRINTABLE:1 Contoso Way=0D=0ARedmond, WA 98052",
		"X-MS-OL-DEFAULT-POSTAL-ADDRESS:2",
		"EMAIL;PREF;INTERNET:bob@contoso.com", "EMAIL;INTERNET:b2@contoso.com", "EMAIL;INTERNET:b3@contoso.com", "EMAIL;INTERNET:b4@contoso.com",
		"X-MS-IMADDRESS:bob@contoso.com",
		"BDAY:19800422", "X-ANNIVERSARY:20050611",
		"REV:20260105T090000Z", "END:VCARD", "",
	}, "\r\n")
	_, err := b.ImportVCard(ctx, strings.NewReader(in), nil)
	var unsup *contacts.UnsupportedError
	if !errors.As(err, &unsup) || len(unsup.Skipped) != 3 {
		t.Fatalf("strict import: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"line 8 (card 1): TEL: fax numbers", "line 16 (card 1): EMAIL: a contact holds 3", "line 19 (card 1): X-ANNIVERSARY", "nothing was imported", "--skip-unsupported"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if got := collect(t, b.ListContacts(ctx, o365.NewQuery().Filter(o365.Eq("surname", "Baker")))); len(got) != 0 {
		t.Fatalf("a refused import created %d", len(got))
	}
	res, err := b.ImportVCard(ctx, strings.NewReader(in), &contacts.ImportOptions{SkipUnsupported: true})
	must(t, err)
	if len(res.Created) != 1 || len(res.Skipped) != 3 {
		t.Fatalf("lenient import %+v", res)
	}
	c, err := b.GetContact(ctx, res.Created[0].ID, nil)
	must(t, err)
	if c.DisplayName != "Bob Baker" || c.CompanyName != "Contoso" || c.Department != "Sales" || len(c.BusinessPhones) != 1 ||
		c.MobilePhone != "+1 425 555 0199" || c.BusinessAddress.City != "Redmond" || len(c.EmailAddresses) != 3 ||
		len(c.ImAddresses) != 1 || c.Birthday.IsZero() {
		t.Fatalf("imported %+v", c)
	}
}

// TestVCardReadsOtherExporters maps cards as Google (3.0) and Apple write
// them.
func TestVCardReadsOtherExporters(t *testing.T) {
	in := "BEGIN:VCARD\nVERSION:3.0\nFN:Anna Müller\nN:Müller;Anna;;;\nEMAIL;TYPE=INTERNET;TYPE=HOME:anna@example.com\n" +
		"TEL;TYPE=CELL:+49 170 1234567\nTEL;TYPE=HOME:+49 30 123456\nADR;TYPE=HOME:;;Hauptstr. 1;Berlin;;10115;Deutschland\n" +
		"BDAY:1985-04-12\nNOTE:Line one\\nLine two\nCATEGORIES:myContacts,Friends\nX-MS-SPOUSE:Max\nEND:VCARD\n" +
		"BEGIN:VCARD\nVERSION:3.0\nN:;;;;\nFN:Acme Corp\nORG:Acme Corp;\nitem1.URL:https\\://acme.example\nitem1.X-ABLabel:_$!<HomePage>!$_\n" +
		"BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-01\nEND:VCARD\n"
	cs, skipped, err := contacts.ParseVCard(strings.NewReader(in), &contacts.ImportOptions{SkipUnsupported: true})
	must(t, err)
	a := cs[0]
	if a.DisplayName != "Anna Müller" || a.GivenName != "Anna" || a.MobilePhone != "+49 170 1234567" || len(a.HomePhones) != 1 ||
		a.HomeAddress.City != "Berlin" || a.PersonalNotes != "Line one\nLine two" || len(a.Categories) != 2 || a.SpouseName != "Max" {
		t.Fatalf("Google card %+v", a)
	}
	if y, m, d, _ := a.BirthDate(); y != 1985 || m != time.April || d != 12 {
		t.Fatalf("birthday %d %d %d", y, m, d)
	}
	acme := cs[1]
	if acme.CompanyName != "Acme Corp" || acme.BusinessHomePage != "https://acme.example" || !acme.Birthday.IsZero() {
		t.Fatalf("Apple card %+v", acme)
	}
	if len(skipped) != 1 || skipped[0].Property != "BDAY" || skipped[0].Card != 2 || !strings.Contains(skipped[0].Reason, "without a year") {
		t.Fatalf("skipped %v", skipped)
	}
}

// TestWriteVCardShape checks the written properties of a contact.
func TestWriteVCardShape(t *testing.T) {
	c := &contacts.Contact{}
	fullContact(c)
	c.ID = "AAMkAD="
	var out bytes.Buffer
	must(t, contacts.WriteVCard(&out, c))
	s := out.String()
	for _, want := range []string{
		"UID:AAMkAD=\r\n", "FN:Ann Marie Lee\r\n", "N:Lee;Ann;Marie;Dr.;Jr.\r\n", "EMAIL;X-NAME=Ann Lee:ann@fabrikam.com\r\n",
		"TEL;TYPE=cell;VALUE=text:+1 425 555 0199\r\n", "ADR;TYPE=work:;;1 Microsoft Way,Building 7;Redmond;WA;98052;United States\r\n",
		"ADR:;;;Oslo;;;Norway\r\n", "ORG:Fabrikam;Research\r\n", "BDAY:19800229\r\n", "RELATED;TYPE=spouse;VALUE=text:Jo Lee\r\n",
		"CATEGORIES:Customers,VIP\r\n", "NOTE:Met at the conference; prefers e-mail.\\nSecond line.\r\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("card lacks %q:\n%s", want, s)
		}
	}
}

// FuzzParseVCard feeds arbitrary input to the import's reader and mapping:
// never a panic, errors name a line, and what is read writes and reads
// back to the same contacts.
func FuzzParseVCard(f *testing.F) {
	f.Add("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:A\r\nN:B;A;;;\r\nTEL;TYPE=fax:1\r\nEND:VCARD\r\n")
	f.Add("BEGIN:VCARD\nVERSION:2.1\nN:X;Y\nEMAIL;INTERNET:a@b.c\nBDAY:19800101\nADR;HOME:;;s;c;;;\nEND:VCARD\n")
	f.Add("BEGIN:VCARD\nVERSION:3.0\nPHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgo=\nRELATED;VALUE=text;TYPE=child:K\nEND:VCARD\n")
	f.Fuzz(func(t *testing.T, in string) {
		cs, _, err := contacts.ParseVCard(strings.NewReader(in), &contacts.ImportOptions{SkipUnsupported: true})
		if err != nil {
			if !strings.Contains(err.Error(), "line ") {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		var out bytes.Buffer
		if err := contacts.WriteVCard(&out, cs...); err != nil {
			t.Fatalf("read contacts do not write: %v", err)
		}
		back, skipped, err := contacts.ParseVCard(bytes.NewReader(out.Bytes()), nil)
		if err != nil || len(skipped) != 0 || len(back) != len(cs) {
			t.Fatalf("written contacts do not read back: %v %v\n%q", err, skipped, out.String())
		}
		for i := range cs {
			if d := differences(back[i], cs[i]); len(d) > 0 {
				t.Fatalf("contact %d changed: %v\n%q", i, d, out.String())
			}
		}
	})
}

func TestInvalidVCardIsMatchable(t *testing.T) {
	for _, in := range []string{"BEGIN:VCARD\r\nFN:x\r\n", "BEGIN:VCARD\r\nBDAY:x\r\nEND:VCARD\r\n"} {
		_, _, err := contacts.ParseVCard(strings.NewReader(in), nil)
		if !errors.Is(err, contacts.ErrInvalidVCard) || !strings.HasPrefix(err.Error(), "contacts: vcard: line ") {
			t.Fatalf("%q: %v", in, err)
		}
	}
}
