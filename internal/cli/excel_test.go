package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExcelCommands(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	team := []string{"--sandbox", "--resource", "sharepoint:contoso.sharepoint.com:/sites/team"}
	run := func(args ...string) result { return h.run(append(append([]string{}, team...), args...)...) }
	must := func(args ...string) result { return h.mustRun(append(append([]string{}, team...), args...)...) }

	r := must("excel", "sheets", "/Budget.xlsx")
	if !strings.Contains(r.stdout, "Sheet1") || !strings.Contains(r.stdout, "Visible") {
		t.Fatalf("sheets:\n%s", r.stdout)
	}
	// get: a table for people, CSV, JSON; A1 addresses on the first sheet.
	r = must("excel", "get", "/Budget.xlsx", "Sheet1!A1:E4")
	for _, want := range []string{"Item", "Amount", "Rent", "1200", "Total", "1650"} {
		if !strings.Contains(r.stdout, want) {
			t.Fatalf("get lacks %q:\n%s", want, r.stdout)
		}
	}
	if r := must("excel", "get", "/Budget.xlsx", "A1:B3", "--csv"); r.stdout != "Item,Amount\nRent,1200\nTravel,300\n" {
		t.Fatalf("csv:\n%q", r.stdout)
	}
	rng := jsonOut[map[string]any](t, must("--json", "excel", "get", "Budget.xlsx", "Sheet1!E1"))
	if rng["address"] != "Sheet1!E1" || rng["formulas"].([]any)[0].([]any)[0] != "=SUM(B2:B100)" {
		t.Fatalf("json: %v", rng)
	}
	// tables and append.
	r = must("excel", "tables", "/Budget.xlsx")
	if !strings.Contains(r.stdout, "Budget") || !strings.Contains(r.stdout, "Sheet1!A1:B4") {
		t.Fatalf("tables:\n%s", r.stdout)
	}
	r = must("excel", "append", "/Budget.xlsx", "Budget", "--row", "Training,500", "--row", `"Desk, chair",450`)
	if !strings.Contains(r.stderr, "appended 2 rows") {
		t.Fatalf("append: %s", r.stderr)
	}
	if r := must("excel", "get", "/Budget.xlsx", "A5:B6", "--csv"); r.stdout != "Training,500\n\"Desk, chair\",450\n" {
		t.Fatalf("after append:\n%q", r.stdout)
	}
	if r := must("excel", "get", "/Budget.xlsx", "E1", "--csv"); r.stdout != "2600\n" {
		t.Fatalf("total after append: %q", r.stdout)
	}
	// set: from a value list and from a CSV file; a single cell grows to the data.
	must("excel", "set", "/Budget.xlsx", "Sheet1!G1", "--values", "Q1,Q2\n10,=G2*2")
	if r := must("excel", "get", "/Budget.xlsx", "G1:H2", "--csv"); r.stdout != "Q1,Q2\n10,20\n" {
		t.Fatalf("after set:\n%q", r.stdout)
	}
	csvFile := filepath.Join(t.TempDir(), "in.csv")
	if err := os.WriteFile(csvFile, []byte("a,b\n1,TRUE\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	must("excel", "set", "/Budget.xlsx", "Sheet1!J1:K2", "--from-csv", csvFile)
	if r := must("excel", "get", "/Budget.xlsx", "J1:K2", "--csv"); r.stdout != "a,b\n1,TRUE\n" {
		t.Fatalf("after set --from-csv:\n%q", r.stdout)
	}
	// By item id; the signed-in user's own OneDrive has no Budget.xlsx.
	file := jsonOut[map[string]any](t, h.mustRun("--sandbox", "--json", "api", "GET", "/sites/contoso.sharepoint.com:/sites/team:/drive/root:/Budget.xlsx"))
	id, _ := file["id"].(string)
	if r := must("excel", "sheets", id); !strings.Contains(r.stdout, "Sheet1") {
		t.Fatalf("sheets by id %s:\n%s", id, r.stdout)
	}
	if r := h.run("--sandbox", "excel", "sheets", "/Budget.xlsx"); r.code != ExitNotFound {
		t.Fatalf("in OneDrive: exit %d\n%s", r.code, r.stderr)
	}
	// Errors: usage (exit 2), not found (exit 4) with a hint, service refusals (exit 1).
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"excel", "set", "/Budget.xlsx", "A1"}, ExitUsage, "values"},
		{[]string{"excel", "set", "/Budget.xlsx", "A1", "--values", "a", "--from-csv", "x"}, ExitUsage, "none of the others"},
		{[]string{"excel", "get", "/Budget.xlsx", "A1", "--csv", "--json"}, ExitUsage, "not both"},
		{[]string{"excel", "get", "/Nope.xlsx", "A1"}, ExitNotFound, "excel sheets"},
		{[]string{"excel", "append", "/Budget.xlsx", "Nope", "--row", "a"}, ExitNotFound, "excel tables"},
		{[]string{"excel", "append", "/Budget.xlsx", "Budget", "--row", "a,b,c"}, ExitError, "InvalidArgument"},
		{[]string{"excel", "get", "/Budget.xlsx", "Nope!A1"}, ExitNotFound, "ItemNotFound"},
		{[]string{"excel", "get", "/Budget.xlsx", "A:B"}, ExitUsage, "bounded range"},
	} {
		r := run(c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, want %d with %q\n%s", c.args, r.code, c.code, c.want, r.stderr)
		}
	}
}
