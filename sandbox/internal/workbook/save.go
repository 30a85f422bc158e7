package workbook

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Save writes the workbook as an .xlsx. Every formula cell carries its
// computed value (the cached result spreadsheet programs and readers that
// do not calculate show), and the file asks Excel to recalculate on open.
// Table column names are brought in line with their header cells first.
func (wb *Workbook) Save(w io.Writer) error {
	if err := wb.syncTables(); err != nil {
		return err
	}
	cached, err := wb.cachedValues()
	if err != nil {
		return err
	}
	if err := wb.dropScratch(); err != nil {
		return err
	}
	for _, s := range wb.sheetList() {
		if e := wb.extents[s.id]; e != nil && e.rows > 0 && e.cols > 0 {
			if err := wb.f.SetSheetDimension(s.name, "A1:"+cellName(e.cols, e.rows)); err != nil {
				return internal(err)
			}
		}
	}
	if err := wb.f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: ptr(true)}); err != nil {
		return internal(err)
	}
	var buf bytes.Buffer
	if err := wb.f.Write(&buf); err != nil {
		return internal(err)
	}
	return writeCachedValues(buf.Bytes(), cached, w)
}

// Bytes returns the saved workbook.
func (wb *Workbook) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := wb.Save(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// cachedValue is a formula result as a cell stores it: its t attribute
// and <v> text.
type cachedValue struct{ t, v string }

// cachedValues computes every formula cell, per sheet name and cell name.
func (wb *Workbook) cachedValues() (map[string]map[string]cachedValue, error) {
	var refs []cellRef
	for _, s := range wb.sheetList() {
		wb.eachFormula(s.id, func(row, col int) {
			if wb.formulaAt(s.name, row, col) != "" {
				refs = append(refs, cellRef{s.name, row, col})
			}
		})
	}
	res, err := wb.evaluate(refs)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]cachedValue{}
	for i, r := range refs {
		m := out[r.sheet]
		if m == nil {
			m = map[string]cachedValue{}
			out[r.sheet] = m
		}
		v := res[i].value
		var c cachedValue
		switch v.Type {
		case Double:
			c = cachedValue{"", strconv.FormatFloat(v.Number, 'g', -1, 64)}
		case Boolean:
			c = cachedValue{"b", strconv.Itoa(boolInt(v.Bool))}
		case ErrorValue:
			c = cachedValue{"e", v.Text}
		default:
			c = cachedValue{"str", v.Text}
		}
		m[cellName(r.col, r.row)] = c
	}
	return out, nil
}

// writeCachedValues copies the package from src to w, rewriting the formula
// cells of the worksheets to carry their cached values. Other parts are
// copied without recompression.
func writeCachedValues(src []byte, cached map[string]map[string]cachedValue, w io.Writer) error {
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		return internal(err)
	}
	parts := map[string]*zip.File{}
	for _, f := range zr.File {
		parts[strings.ToLower(f.Name)] = f
	}
	sheets, err := sheetParts(parts)
	if err != nil {
		return internal(err)
	}
	byPart := map[string]map[string]cachedValue{}
	for name, p := range sheets {
		if c := cached[name]; len(c) > 0 {
			byPart[strings.ToLower(p)] = c
		}
	}
	zw := zip.NewWriter(w)
	for _, f := range zr.File {
		c, ok := byPart[strings.ToLower(f.Name)]
		if !ok {
			if err := zw.Copy(f); err != nil {
				return internal(err)
			}
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return internal(err)
		}
		data, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			return internal(err)
		}
		out, err := rewriteFormulaCells(data, c)
		if err != nil {
			return internal(err)
		}
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
		if err != nil {
			return internal(err)
		}
		if _, err := fw.Write(out); err != nil {
			return internal(err)
		}
	}
	return internal(zw.Close())
}

// rewriteFormulaCells gives each <c> with an <f> child the cached value in
// c, keeping every other byte of the part as it was.
func rewriteFormulaCells(data []byte, c map[string]cachedValue) ([]byte, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	var out bytes.Buffer
	out.Grow(len(data) + len(c)*16)
	last := int64(0)
	for {
		start := d.InputOffset()
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "c" {
			continue
		}
		// Read the cell's children, remembering the raw <f>...</f>.
		var fRaw []byte
		fStart, inF := int64(-1), false
		depth := 1
		for depth > 0 {
			childStart := d.InputOffset()
			t, err := d.RawToken()
			if err != nil {
				return nil, err
			}
			switch t := t.(type) {
			case xml.StartElement:
				depth++
				if depth == 2 && t.Name.Local == "f" {
					fStart, inF = childStart, true
				}
			case xml.EndElement:
				depth--
				if depth == 1 && inF {
					fRaw, inF = data[fStart:d.InputOffset()], false
				}
			}
		}
		end := d.InputOffset()
		ref := attr(se, "r")
		v, ok := c[ref]
		if fRaw == nil || !ok {
			continue
		}
		out.Write(data[last:start])
		out.WriteString("<")
		writeName(&out, se.Name)
		for _, a := range se.Attr {
			if a.Name.Space == "" && a.Name.Local == "t" {
				continue
			}
			out.WriteByte(' ')
			writeName(&out, a.Name)
			out.WriteString(`="`)
			_ = xml.EscapeText(&out, []byte(a.Value))
			out.WriteByte('"')
		}
		if v.t != "" {
			out.WriteString(` t="` + v.t + `"`)
		}
		out.WriteString(">")
		out.Write(fRaw)
		out.WriteString("<v>")
		_ = xml.EscapeText(&out, []byte(v.v))
		out.WriteString("</v></")
		writeName(&out, se.Name)
		out.WriteString(">")
		last = end
	}
	out.Write(data[last:])
	return out.Bytes(), nil
}

func writeName(b *bytes.Buffer, n xml.Name) {
	if n.Space != "" {
		b.WriteString(n.Space)
		b.WriteByte(':')
	}
	b.WriteString(n.Local)
}
