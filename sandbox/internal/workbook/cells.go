package workbook

import (
	"encoding/xml"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// sheetInfo is one worksheet as the workbook lists it.
type sheetInfo struct {
	name  string
	id    int // the sheetId attribute: stable across renames and moves
	state string
}

// sheetList returns the worksheets in tab order, without the evaluation
// sheet.
func (wb *Workbook) sheetList() []sheetInfo {
	var x struct {
		Sheets []struct {
			Name    string `xml:"name,attr"`
			SheetID int    `xml:"sheetId,attr"`
			State   string `xml:"state,attr"`
		} `xml:"sheets>sheet"`
	}
	wb.f.GetSheetList() // loads the workbook part
	if b, err := xml.Marshal(wb.f.WorkBook); err == nil {
		_ = xml.Unmarshal(b, &x)
	}
	out := make([]sheetInfo, 0, len(x.Sheets))
	for _, s := range x.Sheets {
		if s.Name == wb.scratch && wb.scratch != "" {
			continue
		}
		out = append(out, sheetInfo{name: s.Name, id: s.SheetID, state: s.State})
	}
	return out
}

// sheetByName finds a worksheet by name, ignoring case as Excel does.
func (wb *Workbook) sheetByName(name string) (sheetInfo, bool) {
	for _, s := range wb.sheetList() {
		if strings.EqualFold(s.name, name) {
			return s, true
		}
	}
	return sheetInfo{}, false
}

func (wb *Workbook) sheetID(name string) int {
	s, _ := wb.sheetByName(name)
	return s.id
}

// extentOf returns the sheet's extent record, creating it.
func (wb *Workbook) extentOf(id int) *extent {
	e := wb.extents[id]
	if e == nil {
		e = &extent{}
		wb.extents[id] = e
	}
	return e
}

func (wb *Workbook) formulaIndex(id int) map[cellPos]struct{} {
	m := wb.formulas[id]
	if m == nil {
		m = map[cellPos]struct{}{}
		wb.formulas[id] = m
	}
	return m
}

// scratchBase names the hidden sheet the engine evaluates helper formulas
// on; it never reaches a saved file or a listing.
const scratchBase = "__o365_sandbox_eval"

func (wb *Workbook) ensureScratch() error {
	if wb.scratch != "" {
		return nil
	}
	name := scratchBase
	for i := 2; ; i++ {
		if _, taken := wb.sheetByName(name); !taken {
			break
		}
		name = scratchBase + strconv.Itoa(i)
	}
	if _, err := wb.f.NewSheet(name); err != nil {
		return internal(err)
	}
	wb.scratch = name
	return nil
}

// dropScratch removes the evaluation sheet; structural changes and saving
// call it first so the sheet never shows in positions or files.
func (wb *Workbook) dropScratch() error {
	if wb.scratch == "" {
		return nil
	}
	name := wb.scratch
	wb.scratch = ""
	return internal(wb.f.DeleteSheet(name))
}

// cellRef is one cell of one sheet.
type cellRef struct {
	sheet    string
	row, col int
}

// evaluated is a formula cell's result.
type evaluated struct {
	value Value
	text  string
}

// evaluate computes formula cells with their result types. The library's
// calculator returns text only, so the type of each result comes from
// Excel's TYPE function, evaluated for a batch of cells at once on the
// scratch sheet; the library then caches the typed results of every cell
// the batch touched, and the values and display texts are read from it.
func (wb *Workbook) evaluate(refs []cellRef) ([]evaluated, error) {
	out := make([]evaluated, len(refs))
	if len(refs) == 0 {
		return out, nil
	}
	if err := wb.ensureScratch(); err != nil {
		return nil, err
	}
	const batch = 128
	var scratchCells []string
	for start := 0; start < len(refs); start += batch {
		end := min(start+batch, len(refs))
		var b strings.Builder
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(`&","&`)
			}
			b.WriteString("TYPE(")
			b.WriteString(quoteSheet(refs[i].sheet))
			b.WriteByte('!')
			b.WriteString(cellName(refs[i].col, refs[i].row))
			b.WriteByte(')')
		}
		cell := cellName(1, len(scratchCells)+1)
		if err := wb.f.SetCellFormula(wb.scratch, cell, b.String()); err != nil {
			return nil, internal(err)
		}
		scratchCells = append(scratchCells, cell)
	}
	types := make([]string, 0, len(refs))
	for _, cell := range scratchCells {
		s, err := wb.f.CalcCellValue(wb.scratch, cell, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, internal(fmt.Errorf("typing formula results: %w", err))
		}
		types = append(types, strings.Split(s, ",")...)
	}
	for i, r := range refs {
		cell := cellName(r.col, r.row)
		raw, rawErr := wb.f.CalcCellValue(r.sheet, cell, excelize.Options{RawCellValue: true})
		text, _ := wb.f.CalcCellValue(r.sheet, cell)
		typ := ""
		if i < len(types) {
			typ = types[i]
		}
		v := typedResult(typ, raw, rawErr)
		if v.Type == ErrorValue {
			text = v.Text
		} else if v.Type == Boolean {
			text = v.String()
		}
		out[i] = evaluated{value: v, text: text}
	}
	return out, nil
}

// typedResult turns the calculator's text and the TYPE of a result into a
// Value.
func typedResult(typ, raw string, calcErr error) Value {
	if calcErr != nil || typ == "16" {
		if isErrorCode(raw) {
			if strings.HasPrefix(fmt.Sprint(calcErr), "not support ") {
				return ErrValue("#NAME?")
			}
			return ErrValue(strings.ToUpper(raw))
		}
		if calcErr != nil {
			return ErrValue("#NAME?")
		}
		return ErrValue("#VALUE!")
	}
	switch typ {
	case "2":
		return StringValue(raw)
	case "4":
		return BoolValue(strings.EqualFold(raw, "TRUE") || raw == "1")
	case "1":
		if raw == "" {
			return NumberValue(0)
		}
		if f, err := strconv.ParseFloat(raw, 64); err == nil {
			return NumberValue(f)
		}
		return StringValue(raw)
	}
	// An array (64) or an unknown type: go by the text.
	if raw == "" {
		return NumberValue(0)
	}
	if f, err := strconv.ParseFloat(raw, 64); err == nil {
		return NumberValue(f)
	}
	return StringValue(raw)
}

// storedValue reads a cell that holds no formula.
func (wb *Workbook) storedValue(sheet, cell string) (Value, string) {
	typ, _ := wb.f.GetCellType(sheet, cell)
	raw, _ := wb.f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if raw == "" && typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
		return Value{}, ""
	}
	text, _ := wb.f.GetCellValue(sheet, cell)
	switch typ {
	case excelize.CellTypeBool:
		b := raw == "1" || strings.EqualFold(raw, "TRUE")
		v := BoolValue(b)
		return v, v.String()
	case excelize.CellTypeError:
		return ErrValue(raw), raw
	case excelize.CellTypeSharedString, excelize.CellTypeInlineString, excelize.CellTypeFormula:
		if raw == "" {
			return Value{}, ""
		}
		return StringValue(raw), text
	case excelize.CellTypeDate:
		if t, err := time.Parse(time.RFC3339Nano, raw); err == nil {
			return NumberValue(timeToSerial(t)), text
		}
		return StringValue(raw), text
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return StringValue(raw), text
	}
	return NumberValue(f), text
}

// formulaAt returns a cell's formula without '=', or "".
func (wb *Workbook) formulaAt(sheet string, row, col int) string {
	f, _ := wb.f.GetCellFormula(sheet, cellName(col, row))
	return f
}

// writeValue stores a constant in a cell, replacing any formula. An error
// value is stored as the formula that yields it.
func (wb *Workbook) writeValue(sheet string, id, row, col int, v Value) error {
	cell := cellName(col, row)
	var err error
	switch v.Type {
	case Double:
		if math.IsNaN(v.Number) || math.IsInf(v.Number, 0) {
			return invalidArgument("Cells can't hold NaN or infinite numbers.")
		}
		err = wb.f.SetCellFloat(sheet, cell, v.Number, -1, 64)
	case Boolean:
		err = wb.f.SetCellBool(sheet, cell, v.Bool)
	case String:
		if len(v.Text) > 32767 {
			return invalidArgument("A cell holds at most 32,767 characters; the text for %s has %d.", cell, len(v.Text))
		}
		err = wb.f.SetCellStr(sheet, cell, v.Text)
	case ErrorValue:
		return wb.writeFormula(sheet, id, row, col, errorFormula(v.Text))
	default:
		err = wb.f.SetCellValue(sheet, cell, nil)
	}
	if err != nil {
		return internal(err)
	}
	delete(wb.formulaIndex(id), pos(row, col))
	if v.Type != Empty {
		wb.extentOf(id).include(row, col)
	}
	wb.changed = true
	return nil
}

// errorFormula is a formula whose result is the given error value.
func errorFormula(code string) string {
	switch strings.ToUpper(code) {
	case "#N/A":
		return "NA()"
	case "#DIV/0!":
		return "1/0"
	case "#REF!":
		return "#REF!"
	case "#NUM!":
		return "SQRT(-1)"
	case "#NAME?":
		return "_xlfn.O365SANDBOX.UNKNOWN()"
	}
	return `VALUE("#")`
}

// writeFormula stores a formula (without '=') in a cell.
func (wb *Workbook) writeFormula(sheet string, id, row, col int, formula string) error {
	if err := checkFormula(formula); err != nil {
		return err
	}
	if err := wb.f.SetCellFormula(sheet, cellName(col, row), formula); err != nil {
		return internal(err)
	}
	wb.formulaIndex(id)[pos(row, col)] = struct{}{}
	wb.extentOf(id).include(row, col)
	wb.changed = true
	return nil
}

// checkFormula refuses formulas Excel would refuse to enter: unbalanced
// parentheses or quotes.
func checkFormula(formula string) error {
	depth := 0
	for i := 0; i < len(formula); i++ {
		switch formula[i] {
		case '"', '\'':
			end := skipQuoted(formula, i, formula[i])
			if end > len(formula) || formula[end-1] != formula[i] || end == i+1 {
				return invalidArgument("The formula =%s has an unterminated %c.", formula, formula[i])
			}
			i = end - 1
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return invalidArgument("The formula =%s closes a parenthesis it never opened.", formula)
			}
		}
	}
	if depth != 0 {
		return invalidArgument("The formula =%s has %d unclosed parenthesis(es).", formula, depth)
	}
	if strings.TrimSpace(formula) == "" {
		return invalidArgument("A formula needs something after '='.")
	}
	return nil
}

// eachFormula calls fn for every formula cell of a sheet, in row-major order.
func (wb *Workbook) eachFormula(id int, fn func(row, col int)) {
	idx := wb.formulas[id]
	cells := make([]cellPos, 0, len(idx))
	for p := range idx {
		cells = append(cells, p)
	}
	slices.SortFunc(cells, func(a, b cellPos) int {
		if a.row != b.row {
			return int(a.row - b.row)
		}
		return int(a.col - b.col)
	})
	for _, p := range cells {
		fn(int(p.row), int(p.col))
	}
}

// unshareFormulas turns the shared formulas of the scanned sheets into
// ordinary ones, so that writing one cell of a shared group never drops
// the formulas of the others. Cells go in reverse order so that each
// group's anchor, its first cell, is rewritten last.
func (wb *Workbook) unshareFormulas(scan map[string]*sheetScan) error {
	for name, s := range scan {
		if !s.shared {
			continue
		}
		id := wb.sheetID(name)
		type item struct {
			row, col int
			formula  string
		}
		var items []item
		wb.eachFormula(id, func(row, col int) {
			items = append(items, item{row, col, wb.formulaAt(name, row, col)})
		})
		for i := len(items) - 1; i >= 0; i-- {
			it := items[i]
			if it.formula == "" {
				continue
			}
			if err := wb.f.SetCellFormula(name, cellName(it.col, it.row), it.formula); err != nil {
				return internal(err)
			}
		}
	}
	return nil
}
