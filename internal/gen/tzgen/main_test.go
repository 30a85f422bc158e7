package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "iana-to-windows.tsv", "# comment\nAsia/Calcutta\tIndia Standard Time\nEtc/UTC\tUTC\nEurope/Kiev\tFLE Standard Time\n")
	writeFile(t, dir, "windows-to-iana.tsv", "India Standard Time\tAsia/Calcutta\r\nUTC\tEtc/UTC\n")
	links := writeFile(t, dir, "tzdata.zi", "Z Asia/Kolkata 5:30 - IST\nL Asia/Kolkata Asia/Calcutta\nL Europe/Kyiv Europe/Kiev\nL Europe/Kyiv Europe/Zaporozhye\nL Etc/UTC UTC\n")
	extra := writeFile(t, dir, "extra.tsv", "America/Ciudad_Juarez\tMountain Standard Time\nAsia/Calcutta\tWrong\n")
	out := filepath.Join(dir, "zones_gen.go")
	if err := run(dir, links, extra, out, "o365"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`{"Asia/Kolkata", "India Standard Time"}`,
		`{"Europe/Zaporozhye", "FLE Standard Time"}`,
		`{"Europe/Kyiv", "FLE Standard Time"}`,
		`{"UTC", "UTC"}`,
		`{"America/Ciudad_Juarez", "Mountain Standard Time"}`,
		`{"Asia/Calcutta", "India Standard Time"}`,
		`{"India Standard Time", "Asia/Calcutta"}`,
	} {
		if !bytes.Contains(got, []byte(want)) {
			t.Errorf("output lacks %s", want)
		}
	}
	if bytes.Contains(got, []byte("Wrong")) {
		t.Error("-extra overrode the CLDR table")
	}
	// Sorted, so binary search works.
	if i, j := bytes.Index(got, []byte(`"America/Ciudad_Juarez"`)), bytes.Index(got, []byte(`"Asia/Calcutta"`)); i > j {
		t.Error("output not sorted")
	}
	// Deterministic.
	out2 := filepath.Join(dir, "again.go")
	if err := run(dir, links, extra, out2, "o365"); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(out2); !bytes.Equal(again, got) {
		t.Error("output differs between runs")
	}
}

func TestRunErrors(t *testing.T) {
	tests := map[string][2]string{
		"one column": {"Asia/Calcutta India Standard Time\n", "India Standard Time\tAsia/Calcutta\n"},
		"duplicate":  {"A/B\tX\nA/B\tY\n", "X\tA/B\n"},
		"empty":      {"# nothing\n", "X\tA/B\n"},
		"dangling":   {"A/B\tX\n", "Y\tC/D\n"},
	}
	for name, files := range tests {
		dir := t.TempDir()
		writeFile(t, dir, "iana-to-windows.tsv", files[0])
		writeFile(t, dir, "windows-to-iana.tsv", files[1])
		if err := run(dir, "", "", filepath.Join(dir, "out.go"), "o365"); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := readLinks(strings.NewReader("Z A 0 -\n")); err == nil {
		t.Error("tzdata.zi without links: no error")
	}
}
