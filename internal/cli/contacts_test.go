package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/o365go/o365/sandbox"
)

type listedContact struct {
	ID             string   `json:"id"`
	DisplayName    string   `json:"displayName"`
	JobTitle       string   `json:"jobTitle"`
	MobilePhone    string   `json:"mobilePhone"`
	BusinessPhones []string `json:"businessPhones"`
	EmailAddresses []struct {
		Address string `json:"address"`
	} `json:"emailAddresses"`
}

func TestContactsCommands(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dir := t.TempDir()

	r := h.mustRun("--sandbox", "contacts", "list")
	for _, want := range []string{"Garth Fort", "Megan Bowen", "Pavel Bansky", "pavelb@fabrikam.com", "# is the contact's number"} {
		if !strings.Contains(r.stdout+r.stderr, want) {
			t.Fatalf("list lacks %q:\n%s%s", want, r.stdout, r.stderr)
		}
	}
	// Row 1 is Garth (by name); show and edit take the number.
	r = h.mustRun("--sandbox", "contacts", "show", "1")
	if !strings.Contains(r.stdout, "Garth Fort") || !strings.Contains(r.stdout, "1974-07-22") || !strings.Contains(r.stdout, "Amy, Ben") {
		t.Fatalf("show 1:\n%s", r.stdout)
	}
	h.mustRun("--sandbox", "contacts", "add", "--given", "Nestor", "--surname", "Wilke", "--email", "Nestor Wilke <nestorw@northwind.com>",
		"--mobile", "+1 206 555 0101", "--phone", "+1 206 555 0100", "--title", "Buyer", "--birthday", "1980-02-29")
	all := jsonOut[[]listedContact](t, h.mustRun("--sandbox", "--json", "contacts", "list", "--search", "Nes"))
	if len(all) != 1 || all[0].MobilePhone != "+1 206 555 0101" || all[0].EmailAddresses[0].Address != "nestorw@northwind.com" {
		t.Fatalf("added %+v", all)
	}
	h.mustRun("--sandbox", "contacts", "list", "--search", "Nes")
	r = h.mustRun("--sandbox", "contacts", "edit", "1", "--title", "Head buyer", "--phone", "+1 206 555 0102", "--phone", "+1 206 555 0103")
	if !strings.Contains(r.stdout, "Head buyer") || !strings.Contains(r.stdout, "+1 206 555 0102, +1 206 555 0103") {
		t.Fatalf("edit:\n%s", r.stdout)
	}
	// Exchange's limit comes back as the service's answer.
	r = h.run("--sandbox", "contacts", "edit", all[0].ID, "--phone", "1", "--phone", "2", "--phone", "3")
	if r.code != 1 || !strings.Contains(r.stderr, "max allowed value of 2") {
		t.Fatalf("three business phones: exit %d\n%s", r.code, r.stderr)
	}
	if r := h.run("--sandbox", "contacts", "add", "--email", "a@b.c", "--email", "d@e.f", "--email", "g@h.i", "--email", "j@k.l"); r.code != 2 {
		t.Fatalf("four addresses: exit %d\n%s", r.code, r.stderr)
	}

	// Folders: create, rename, list, delete.
	h.mustRun("--sandbox", "contacts", "folders", "create", "Family")
	h.mustRun("--sandbox", "contacts", "folders", "create", "Cousins", "--parent", "Family")
	h.mustRun("--sandbox", "contacts", "folders", "rename", "Cousins", "Cousins & co")
	r = h.mustRun("--sandbox", "contacts", "folders")
	if !strings.Contains(r.stdout, "Family") || !strings.Contains(r.stdout, "  Cousins & co") || !strings.Contains(r.stdout, "Suppliers") {
		t.Fatalf("folders:\n%s", r.stdout)
	}
	h.mustRun("--sandbox", "contacts", "add", "--folder", "Cousins & co", "--given", "Cid")
	h.mustRun("--sandbox", "contacts", "folders", "rm", "Family")
	if r := h.run("--sandbox", "contacts", "list", "--folder", "Family"); r.code != 4 {
		t.Fatalf("deleted folder: exit %d\n%s", r.code, r.stderr)
	}

	// Export to a file, import into a folder: the same people.
	vcf := filepath.Join(dir, "contacts.vcf")
	r = h.mustRun("--sandbox", "contacts", "export", "--vcf", vcf)
	if !strings.Contains(r.stdout, "4 contacts") {
		t.Fatalf("export:\n%s", r.stdout)
	}
	data, err := os.ReadFile(vcf)
	must(t, err)
	if strings.Count(string(data), "BEGIN:VCARD") != 4 || !strings.Contains(string(data), "PHOTO:data:image/png;base64,") {
		t.Fatalf("exported file:\n%.400s", data)
	}
	if r := h.run("--sandbox", "contacts", "export", "--vcf", vcf); r.code != 2 || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("export over a file: exit %d\n%s", r.code, r.stderr)
	}
	h.mustRun("--sandbox", "contacts", "folders", "create", "Copies")
	r = h.mustRun("--sandbox", "contacts", "import", vcf, "--folder", "Copies")
	if strings.Count(r.stdout, "\n") < 5 || !strings.Contains(r.stdout, "Nestor Wilke") {
		t.Fatalf("import:\n%s", r.stdout)
	}
	copies := jsonOut[[]listedContact](t, h.mustRun("--sandbox", "--json", "contacts", "list", "--folder", "Copies"))
	if len(copies) != 4 {
		t.Fatalf("%d imported", len(copies))
	}
	r = h.mustRun("--sandbox", "contacts", "export", "--folder", "Copies", "--vcf", "-")
	if strings.Count(r.stdout, "BEGIN:VCARD") != 4 {
		t.Fatalf("export to stdout:\n%.300s", r.stdout)
	}

	// Bad input imports nothing: a line number, exit 2; unsupported
	// properties are refused unless --skip-unsupported.
	bad := filepath.Join(dir, "bad.vcf")
	must(t, os.WriteFile(bad, []byte("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ok\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nFN:Broken\r\n"), 0o600))
	if r := h.run("--sandbox", "contacts", "import", bad, "--folder", "Copies"); r.code != 2 || !strings.Contains(r.stderr, "line 7") {
		t.Fatalf("bad file: exit %d\n%s", r.code, r.stderr)
	}
	fax := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Fax Only\r\nTEL;TYPE=FAX:+1 555 0100\r\nEND:VCARD\r\n"
	if r := h.runWithInput(fax, "--sandbox", "contacts", "import", "-", "--folder", "Copies"); r.code != 2 || !strings.Contains(r.stderr, "line 4 (card 1): TEL: fax numbers") {
		t.Fatalf("fax: exit %d\n%s", r.code, r.stderr)
	}
	r = h.runWithInput(fax, "--sandbox", "contacts", "import", "-", "--folder", "Copies", "--skip-unsupported")
	if r.code != 0 || !strings.Contains(r.stderr, "left out: line 4") {
		t.Fatalf("fax skipped: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := len(jsonOut[[]listedContact](t, h.mustRun("--sandbox", "--json", "contacts", "list", "--folder", "Copies"))); n != 5 {
		t.Fatalf("%d in Copies after the imports", n)
	}

	// rm takes numbers and ids, and reports each one.
	h.mustRun("--sandbox", "contacts", "list", "--folder", "Copies")
	r = h.run("--sandbox", "contacts", "rm", "1", "2", "AAMkNotThere")
	if r.code != 4 || strings.Count(r.stdout, "deleted") != 2 || !strings.Contains(r.stdout, "not found") {
		t.Fatalf("rm: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Another user's contacts; a group has none.
	r = h.mustRun("--sandbox", "--resource", "user:"+sandbox.DemoBob, "contacts", "list")
	if !strings.Contains(r.stdout, "Pavel Bansky") {
		t.Fatalf("Bob's contacts:\n%s", r.stdout)
	}
	if r := h.run("--sandbox", "--resource", "group:"+sandbox.DemoEngineeringGroupID, "contacts", "list"); r.code != 2 {
		t.Fatalf("a group's contacts: exit %d\n%s", r.code, r.stderr)
	}
}
