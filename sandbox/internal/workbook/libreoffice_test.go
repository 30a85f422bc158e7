package workbook

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLibreOfficeOpensEdits converts a workbook the engine edited to CSV
// with LibreOffice, a spreadsheet program nobody here wrote, and checks the
// edits and the formula's value are there. It skips when LibreOffice is
// not installed (CI); TestSavedFileOpensWithEdits always runs.
func TestLibreOfficeOpensEdits(t *testing.T) {
	soffice, err := exec.LookPath("libreoffice")
	if err != nil {
		if soffice, err = exec.LookPath("soffice"); err != nil {
			t.Skip("LibreOffice is not installed")
		}
	}
	if testing.Short() {
		t.Skip("starts LibreOffice (seconds)")
	}
	wb := New()
	set(t, wb, "Sheet1!A1:B3", RangeUpdate{Values: Rows([][]any{{"item", "qty"}, {"pen", 2}, {"ink", 3}})})
	if _, err := wb.AddTable("Sheet1", "A1:B3", true); err != nil {
		t.Fatal(err)
	}
	if _, err := wb.AddTableRows("Table1", nil, Rows([][]any{{"cap", 5}})); err != nil {
		t.Fatal(err)
	}
	set(t, wb, "Sheet1!C1", RangeUpdate{Formulas: One("=SUM(B2:B4)")})
	set(t, wb, "Sheet1!B2", RangeUpdate{Values: One(20)}) // a precedent edited after the formula
	dir := t.TempDir()
	b, err := wb.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "book.xlsx")
	if err := os.WriteFile(in, b, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "--headless", "--norestore", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "csv", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("libreoffice: %v\n%s", err, out)
	}
	csv, err := os.ReadFile(filepath.Join(dir, "book.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := "item,qty,28\npen,20,\nink,3,\ncap,5,\n"
	if got := strings.ReplaceAll(string(csv), "\r\n", "\n"); got != want {
		t.Errorf("LibreOffice reads\n%s\nwant\n%s", got, want)
	}
}
