package workbook

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestParseAddress(t *testing.T) {
	for _, c := range []struct {
		in, want string // want "" means an error
		kind     AddressKind
	}{
		{"A1", "A1", KindCells},
		{"$B$7", "B7", KindCells},
		{"c10:a1", "A1:C10", KindCells},
		{"Sheet1!A1:C10", "Sheet1!A1:C10", KindCells},
		{"'My Sheet'!A1", "'My Sheet'!A1", KindCells},
		{"'It''s'!B2:B3", "'It''s'!B2:B3", KindCells},
		{"'2024'!A1", "'2024'!A1", KindCells},
		{"A:C", "A:C", KindColumns},
		{"$C:$A", "A:C", KindColumns},
		{"2:4", "2:4", KindRows},
		{"Data!XFD1048576", "Data!XFD1048576", KindCells},
		{"Sales_2024", "Sales_2024", KindName},
		{"Sheet1!Total", "Sheet1!Total", KindName},
		{" A1 ", "A1", KindCells},
		{"", "", 0},
		{"A0", "", 0},
		{"XFE1", "", 0},
		{"A1048577", "", 0},
		{"A1:B", "", 0},
		{"A1,B2", "", 0},
		{"R1C1", "", 0},
		{"'Open!A1", "", 0},
		{"!A1", "", 0},
		{"Sheet1!", "", 0},
		{"Bad[x]!A1", "", 0},
		{"1A", "", 0},
		{"A", "A", KindName},
		{"2", "", 0},
	} {
		a, err := ParseAddress(c.in)
		if c.want == "" {
			if err == nil {
				t.Errorf("ParseAddress(%q) = %+v, want an error", c.in, a)
			} else {
				wantCode(t, err, "InvalidArgument")
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseAddress(%q): %v", c.in, err)
			continue
		}
		if a.String() != c.want || a.Kind != c.kind {
			t.Errorf("ParseAddress(%q) = %q kind %d, want %q kind %d", c.in, a.String(), a.Kind, c.want, c.kind)
		}
	}
}

func TestFormulaRewrites(t *testing.T) {
	for _, c := range []struct{ name, got, want string }{
		{"r1c1", toR1C1(`SUM(A1:B2)+$C$3+Sheet2!D4+"A1"`, 2, 2), `SUM(R[-1]C[-1]:RC)+R3C3+Sheet2!R[2]C[2]+"A1"`},
		{"r1c1 cols", toR1C1(`SUM(B:B)+COUNT(3:3)`, 5, 2), `SUM(C)+COUNT(R[-2])`},
		{"translate", translateFormula(`A1+$A$1+A$1+LOG10(B2)`, 2, 1), `B3+$A$1+B$1+LOG10(C4)`},
		{"translate off sheet", translateFormula(`A1`, -1, 0), `#REF!`},
		{"shift insert", applyShift(`SUM(A1:A4)+A5+B5+'S 2'!A9`, "Sheet1", shift{Sheet: "Sheet1", Start: 2, Delta: 2, BandFrom: 1, BandTo: 1}), `SUM(A1:A6)+A7+B5+'S 2'!A9`},
		{"shift delete", applyShift(`SUM(A1:A4)+A3+A6`, "Sheet1", shift{Sheet: "Sheet1", Start: 2, Delta: -2, BandFrom: 1, BandTo: 1}), `SUM(A1:A2)+#REF!+A4`},
		{"shift other sheet", applyShift(`Data!C3+C3`, "Sheet1", shift{Sheet: "Data", Columns: true, Start: 1, Delta: 1, BandFrom: 1, BandTo: MaxRows}), `Data!D3+C3`},
		{"rename", renameSheetRefs(`Old!A1+'old'!B2:C3+A1`, "old", "New Name"), `'New Name'!A1+'New Name'!B2:C3+A1`},
		{"structured refs untouched", translateFormula(`Table1[Qty]*B2`, 1, 0), `Table1[Qty]*B3`},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}

func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{"A1", "Sheet1!A1:C10", "'My Sheet'!A:C", "2:4", "Name", "'a''b'!$XFD$1048576", "A1,B2", "!"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAddress(s)
		if err != nil {
			return
		}
		if a.Row1 > a.Row2 || a.Col1 > a.Col2 || a.Row2 > MaxRows || a.Col2 > MaxColumns {
			t.Fatalf("ParseAddress(%q) = %+v: corners out of order or off the sheet", s, a)
		}
		again, err := ParseAddress(a.String())
		if err != nil || again != a {
			t.Fatalf("round trip of %q via %q = %+v, %v; want %+v", s, a.String(), again, err, a)
		}
	})
}

func FuzzFormulaRewrite(f *testing.F) {
	for _, s := range []string{`SUM(A1:B2)`, `'x''y'!A1+"A1"`, `Table1[[#This Row],[A]]`, `A:A+1:1`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = toR1C1(s, 5, 5)
		_ = translateFormula(s, 3, -2)
		_ = applyShift(s, "Sheet1", shift{Sheet: "Sheet1", Start: 2, Delta: -3, BandFrom: 1, BandTo: 5})
		_ = renameSheetRefs(s, "Sheet1", "a b")
	})
}

// zipOf builds a package from name/content pairs.
func zipOf(t testing.TB, files map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// minimalParts are a valid one-sheet package whose sheet data is given.
func minimalParts(sheetData string) map[string]string {
	return map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml":   `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + sheetData + `</sheetData></worksheet>`,
	}
}

func TestOpenRefusesHostileFiles(t *testing.T) {
	ok := zipOf(t, minimalParts(`<row r="1"><c r="A1"><v>5</v></c><c r="B1"><f>A1*2</f></c></row>`))
	wb, err := OpenBytes(ok)
	if err != nil {
		t.Fatalf("minimal workbook: %v", err)
	}
	if v := get(t, wb, "Sheet1!B1").Values[0][0]; v != NumberValue(10) {
		t.Errorf("formula without cached value = %+v", v)
	}
	bomb := minimalParts(`<row r="1"><c r="A1"><v>1</v></c></row>`)
	bomb["xl/media/pad.bin"] = strings.Repeat("0", 3<<20)
	for _, c := range []struct {
		name string
		data []byte
		opts Options
		msg  string
	}{
		{"not a zip", []byte("hello, not a workbook"), Options{}, "not an .xlsx"},
		{"zip bomb", zipOf(t, bomb), Options{MaxUnzippedSize: 1 << 20}, "unpack to more than"},
		{"last cell", zipOf(t, minimalParts(`<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>`)), Options{}, "holds in memory"},
		{"wide rows", zipOf(t, minimalParts(func() string {
			var b strings.Builder
			for r := 1; r <= 200; r++ {
				fmt.Fprintf(&b, `<row r="%d"><c r="XFD%d"><v>1</v></c></row>`, r, r)
			}
			return b.String()
		}())), Options{MaxCells: 1_000_000}, "holds in memory"},
		{"bad ref", zipOf(t, minimalParts(`<row r="1"><c r="ZZZZ1"><v>1</v></c></row>`)), Options{}, "not valid"},
		{"too big", ok, Options{MaxFileSize: 10}, "the limit is 10"},
		{"no workbook part", zipOf(t, map[string]string{"a.txt": "x"}), Options{}, "workbook.xml"},
	} {
		_, err := Open(bytes.NewReader(c.data), int64(len(c.data)), c.opts)
		if err == nil {
			t.Errorf("%s: opened", c.name)
			continue
		}
		wantCode(t, err, "UnsupportedWorkbook")
		if !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want it to mention %q", c.name, err, c.msg)
		}
	}
}

func FuzzOpen(f *testing.F) {
	f.Add(zipOf(f, minimalParts(`<row r="1"><c r="A1"><v>5</v></c><c r="B1"><f>A1*2</f></c></row>`)))
	f.Add(zipOf(f, minimalParts(`<row><c t="s"><v>0</v></c></row>`)))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, b []byte) {
		opts := Options{MaxUnzippedSize: 8 << 20, MaxCells: 200_000}
		wb, err := Open(bytes.NewReader(b), int64(len(b)), opts)
		if err != nil {
			return
		}
		defer wb.Close()
		for _, s := range wb.Worksheets() {
			if r, err := wb.UsedRange(s.Name, false); err == nil {
				_, _ = r.Get()
			}
		}
		_, _ = wb.Tables("")
		_, _ = wb.Bytes()
	})
}
