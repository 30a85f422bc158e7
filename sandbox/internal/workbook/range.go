package workbook

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Range is a rectangle of cells on one worksheet, the object behind Graph's
// workbookRange. Reading and writing go through its methods; navigation
// methods return new ranges and never change cells.
type Range struct {
	wb    *Workbook
	sheet string
	id    int
	kind  AddressKind // KindCells, KindColumns or KindRows
	r1    int
	c1    int
	r2    int
	c2    int
}

// RangeData is Graph's workbookRange: the range's address and, for ranges
// of at most Options.MaxRangeCells cells that are not whole rows or
// columns, its cell-level properties. Those are null otherwise, as Graph
// sends them for unbounded ranges.
type RangeData struct {
	Address       string        `json:"address"`
	AddressLocal  string        `json:"addressLocal"`
	CellCount     int           `json:"cellCount"`
	ColumnCount   int           `json:"columnCount"`
	ColumnHidden  *bool         `json:"columnHidden"`
	ColumnIndex   int           `json:"columnIndex"`
	Formulas      [][]Value     `json:"formulas"`
	FormulasLocal [][]Value     `json:"formulasLocal"`
	FormulasR1C1  [][]Value     `json:"formulasR1C1"`
	Hidden        *bool         `json:"hidden"`
	NumberFormat  [][]string    `json:"numberFormat"`
	RowCount      int           `json:"rowCount"`
	RowHidden     *bool         `json:"rowHidden"`
	RowIndex      int           `json:"rowIndex"`
	Text          [][]string    `json:"text"`
	Values        [][]Value     `json:"values"`
	ValueTypes    [][]ValueType `json:"valueTypes"`
}

// Range resolves an address that names its sheet ("Sheet1!A1:C4") or a
// workbook-level defined name or table name.
func (wb *Workbook) Range(address string) (*Range, error) {
	a, err := ParseAddress(address)
	if err != nil {
		return nil, err
	}
	if a.Kind == KindName {
		return wb.resolveName(a.Sheet, a.Name)
	}
	if a.Sheet == "" {
		return nil, invalidArgument("The address %q names no worksheet; write it as Sheet1!%s or ask the worksheet for it.", address, address)
	}
	return wb.rangeOf(a.Sheet, a)
}

// SheetRange resolves an address on a worksheet given by name or id, as
// worksheets/{id}/range(address='...') does. An empty address is the whole
// worksheet. An address naming another sheet is refused.
func (wb *Workbook) SheetRange(sheet, address string) (*Range, error) {
	w, err := wb.Worksheet(sheet)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(address) == "" {
		return &Range{wb: wb, sheet: w.Name, id: wb.sheetID(w.Name), kind: KindRows, r1: 1, c1: 1, r2: MaxRows, c2: MaxColumns}, nil
	}
	a, err := ParseAddress(address)
	if err != nil {
		return nil, err
	}
	if a.Sheet != "" && !strings.EqualFold(a.Sheet, w.Name) {
		return nil, invalidArgument("The address %q names worksheet %q, but the request is for worksheet %q.", address, a.Sheet, w.Name)
	}
	if a.Kind == KindName {
		return wb.resolveName(w.Name, a.Name)
	}
	return wb.rangeOf(w.Name, a)
}

// Cell returns one cell of a worksheet by zero-based row and column, as
// worksheets/{id}/cell(row=,column=) does.
func (wb *Workbook) Cell(sheet string, row, column int) (*Range, error) {
	whole, err := wb.SheetRange(sheet, "")
	if err != nil {
		return nil, err
	}
	return whole.Cell(row, column)
}

func (wb *Workbook) rangeOf(sheet string, a Address) (*Range, error) {
	s, ok := wb.sheetByName(sheet)
	if !ok {
		return nil, itemNotFound("There is no worksheet %q in the workbook.", sheet)
	}
	return &Range{wb: wb, sheet: s.name, id: s.id, kind: a.Kind, r1: a.Row1, c1: a.Col1, r2: a.Row2, c2: a.Col2}, nil
}

func (r *Range) address() Address {
	return Address{Sheet: r.sheet, Kind: r.kind, Row1: r.r1, Col1: r.c1, Row2: r.r2, Col2: r.c2}
}

// Address returns the range's address as Graph writes it (Sheet1!A1:C4).
func (r *Range) Address() string { return r.address().String() }

// Sheet returns the name of the range's worksheet.
func (r *Range) Sheet() string { return r.sheet }

// RowCount, ColumnCount and CellCount give the range's size.
func (r *Range) RowCount() int { return r.r2 - r.r1 + 1 }

// ColumnCount is the number of columns of the range.
func (r *Range) ColumnCount() int { return r.c2 - r.c1 + 1 }

// CellCount is the number of cells of the range.
func (r *Range) CellCount() int64 { return int64(r.RowCount()) * int64(r.ColumnCount()) }

func (r *Range) unbounded() bool { return r.kind == KindColumns || r.kind == KindRows }

// sub returns the range of the same sheet with the given corners, or an
// InvalidArgument error when they leave the sheet.
func (r *Range) sub(r1, c1, r2, c2 int) (*Range, error) {
	if r1 < 1 || c1 < 1 || r2 > MaxRows || c2 > MaxColumns || r1 > r2 || c1 > c2 {
		return nil, invalidArgument("The resulting range would lie outside the worksheet (rows 1..%d, columns A..XFD).", MaxRows)
	}
	kind := KindCells
	switch {
	case r1 == 1 && r2 == MaxRows && c1 == 1 && c2 == MaxColumns:
		kind = KindRows
	case r1 == 1 && r2 == MaxRows:
		kind = KindColumns
	case c1 == 1 && c2 == MaxColumns:
		kind = KindRows
	}
	return &Range{wb: r.wb, sheet: r.sheet, id: r.id, kind: kind, r1: r1, c1: c1, r2: r2, c2: c2}, nil
}

// Cell returns the cell at zero-based (row, column) relative to the range.
func (r *Range) Cell(row, column int) (*Range, error) {
	if row < 0 || column < 0 {
		return nil, invalidArgument("row and column are zero-based and can't be negative.")
	}
	return r.sub(r.r1+row, r.c1+column, r.r1+row, r.c1+column)
}

// Row returns the zero-based row of the range.
func (r *Range) Row(row int) (*Range, error) {
	if row < 0 || row >= r.RowCount() {
		return nil, invalidArgument("row %d is outside the range's rows 0..%d.", row, r.RowCount()-1)
	}
	return r.sub(r.r1+row, r.c1, r.r1+row, r.c2)
}

// Column returns the zero-based column of the range.
func (r *Range) Column(column int) (*Range, error) {
	if column < 0 || column >= r.ColumnCount() {
		return nil, invalidArgument("column %d is outside the range's columns 0..%d.", column, r.ColumnCount()-1)
	}
	return r.sub(r.r1, r.c1+column, r.r2, r.c1+column)
}

// EntireRow returns the whole rows the range spans.
func (r *Range) EntireRow() *Range { x, _ := r.sub(r.r1, 1, r.r2, MaxColumns); return x }

// EntireColumn returns the whole columns the range spans.
func (r *Range) EntireColumn() *Range { x, _ := r.sub(1, r.c1, MaxRows, r.c2); return x }

// Offset returns the range moved by rows and columns.
func (r *Range) Offset(rows, columns int) (*Range, error) {
	return r.sub(r.r1+rows, r.c1+columns, r.r2+rows, r.c2+columns)
}

// Resize returns the range grown (or shrunk) by deltaRows and deltaColumns,
// keeping its top-left cell, as resizedRange does.
func (r *Range) Resize(deltaRows, deltaColumns int) (*Range, error) {
	return r.sub(r.r1, r.c1, r.r2+deltaRows, r.c2+deltaColumns)
}

// LastCell returns the bottom-right cell.
func (r *Range) LastCell() *Range { x, _ := r.sub(r.r2, r.c2, r.r2, r.c2); return x }

// LastRow returns the last row of the range.
func (r *Range) LastRow() *Range { x, _ := r.sub(r.r2, r.c1, r.r2, r.c2); return x }

// LastColumn returns the last column of the range.
func (r *Range) LastColumn() *Range { x, _ := r.sub(r.r1, r.c2, r.r2, r.c2); return x }

// RowsAbove returns count rows above the range (count <= 0 means 1).
func (r *Range) RowsAbove(count int) (*Range, error) {
	count = max(count, 1)
	return r.sub(r.r1-count, r.c1, r.r1-1, r.c2)
}

// RowsBelow returns count rows below the range.
func (r *Range) RowsBelow(count int) (*Range, error) {
	count = max(count, 1)
	return r.sub(r.r2+1, r.c1, r.r2+count, r.c2)
}

// ColumnsBefore returns count columns left of the range.
func (r *Range) ColumnsBefore(count int) (*Range, error) {
	count = max(count, 1)
	return r.sub(r.r1, r.c1-count, r.r2, r.c1-1)
}

// ColumnsAfter returns count columns right of the range.
func (r *Range) ColumnsAfter(count int) (*Range, error) {
	count = max(count, 1)
	return r.sub(r.r1, r.c2+1, r.r2, r.c2+count)
}

// other resolves an address relative to this range's sheet.
func (r *Range) other(address string) (*Range, error) {
	o, err := r.wb.SheetRange(r.sheet, address)
	if err != nil {
		return nil, err
	}
	return o, nil
}

// Intersection returns the cells common to the range and another address
// on the same sheet; ItemNotFound when they don't meet.
func (r *Range) Intersection(address string) (*Range, error) {
	o, err := r.other(address)
	if err != nil {
		return nil, err
	}
	r1, c1, r2, c2 := max(r.r1, o.r1), max(r.c1, o.c1), min(r.r2, o.r2), min(r.c2, o.c2)
	if r1 > r2 || c1 > c2 {
		return nil, itemNotFound("%s and %s have no cell in common.", r.Address(), o.Address())
	}
	return r.sub(r1, c1, r2, c2)
}

// BoundingRect returns the smallest range holding both the range and
// another address on the same sheet.
func (r *Range) BoundingRect(address string) (*Range, error) {
	o, err := r.other(address)
	if err != nil {
		return nil, err
	}
	return r.sub(min(r.r1, o.r1), min(r.c1, o.c1), max(r.r2, o.r2), max(r.c2, o.c2))
}

// Get reads every property of the range.
func (r *Range) Get() (*RangeData, error) {
	a := r.address()
	d := &RangeData{
		Address: a.String(), AddressLocal: a.String(),
		CellCount: int(min(r.CellCount(), 1<<31-1)), RowCount: r.RowCount(), ColumnCount: r.ColumnCount(),
		RowIndex: r.r1 - 1, ColumnIndex: r.c1 - 1,
	}
	d.RowHidden, d.ColumnHidden = r.hiddenState()
	switch {
	case d.RowHidden != nil && *d.RowHidden, d.ColumnHidden != nil && *d.ColumnHidden:
		d.Hidden = ptr(true)
	case d.RowHidden != nil && d.ColumnHidden != nil:
		d.Hidden = ptr(false)
	}
	if r.unbounded() || r.CellCount() > r.wb.opts.MaxRangeCells {
		return d, nil
	}
	rows, cols := r.RowCount(), r.ColumnCount()
	d.Values, d.Formulas, d.FormulasR1C1 = grid[Value](rows, cols), grid[Value](rows, cols), grid[Value](rows, cols)
	d.Text, d.NumberFormat, d.ValueTypes = grid[string](rows, cols), grid[string](rows, cols), grid[ValueType](rows, cols)
	ext := r.wb.extentOf(r.id)
	fm := r.wb.newFormats()
	var refs []cellRef
	var at [][2]int
	for i := 0; i < rows; i++ {
		row := r.r1 + i
		for j := 0; j < cols; j++ {
			col := r.c1 + j
			d.NumberFormat[i][j] = fm.code(fm.styleAt(r.sheet, ext, row, col))
			if row > ext.rows || col > ext.cols {
				continue
			}
			if f := r.wb.formulaAt(r.sheet, row, col); f != "" {
				d.Formulas[i][j] = StringValue("=" + f)
				d.FormulasR1C1[i][j] = StringValue("=" + toR1C1(f, row, col))
				refs = append(refs, cellRef{r.sheet, row, col})
				at = append(at, [2]int{i, j})
				continue
			}
			v, text := r.wb.storedValue(r.sheet, cellName(col, row))
			d.Values[i][j], d.Text[i][j] = v, text
			d.Formulas[i][j], d.FormulasR1C1[i][j] = v, v
		}
	}
	results, err := r.wb.evaluate(refs)
	if err != nil {
		return nil, err
	}
	for k, res := range results {
		i, j := at[k][0], at[k][1]
		d.Values[i][j], d.Text[i][j] = res.value, res.text
	}
	for i := range d.Values {
		for j, v := range d.Values[i] {
			d.ValueTypes[i][j] = v.Type
		}
	}
	d.FormulasLocal = d.Formulas
	return d, nil
}

func grid[T any](rows, cols int) [][]T {
	flat := make([]T, rows*cols)
	g := make([][]T, rows)
	for i := range g {
		g[i] = flat[i*cols : (i+1)*cols : (i+1)*cols]
	}
	return g
}

func ptr[T any](v T) *T { return &v }

// hiddenState returns whether all rows, and all columns, of the range are
// hidden: true, false, or nil when some are and some aren't.
func (r *Range) hiddenState() (rows, cols *bool) {
	ext := r.wb.extentOf(r.id)
	tri := func(hidden, total int) *bool {
		switch hidden {
		case 0:
			return ptr(false)
		case total:
			return ptr(true)
		}
		return nil
	}
	hidden := 0
	for row := r.r1; row <= min(r.r2, ext.rows); row++ {
		if v, err := r.wb.f.GetRowVisible(r.sheet, row); err == nil && !v {
			hidden++
		}
	}
	rows = tri(hidden, r.RowCount())
	hidden = 0
	for col := r.c1; col <= r.c2; col++ {
		if v, err := r.wb.f.GetColVisible(r.sheet, columnName(col)); err == nil && !v {
			hidden++
		}
		if col-r.c1 > 1024 && hidden == 0 {
			break // wide ranges: no hidden column among the first ones settles it
		}
	}
	cols = tri(hidden, r.ColumnCount())
	return rows, cols
}

// Input is what a PATCH of a range carries for one cell-level property:
// either one value for every cell or a 2D array matching the range's
// size, in which null leaves a cell unchanged. A 1x1 array counts as one
// value for every cell, as Graph's "single input copy" rule says.
type Input struct {
	single    any
	hasSingle bool
	rows      [][]any
}

// One builds an Input that applies v to every cell.
func One(v any) *Input { return &Input{single: normalizeJSON(v), hasSingle: true} }

// Rows builds an Input from a 2D array; nil entries leave cells unchanged.
func Rows(rows [][]any) *Input {
	out := make([][]any, len(rows))
	for i, r := range rows {
		out[i] = make([]any, len(r))
		for j, v := range r {
			out[i][j] = normalizeJSON(v)
		}
	}
	return &Input{rows: out}
}

// normalizeJSON turns Go numbers into float64, as JSON decoding makes them.
func normalizeJSON(v any) any {
	switch x := v.(type) {
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case float32:
		return float64(x)
	}
	return v
}

// UnmarshalJSON reads a scalar or an array of arrays.
func (in *Input) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return invalidArgument("The property is not valid JSON: %v.", err)
	}
	switch x := v.(type) {
	case nil:
		return invalidArgument("null is not a valid value for a whole property; give a value or a 2D array, with null only for cells to leave unchanged.")
	case []any:
		in.rows = make([][]any, len(x))
		for i, row := range x {
			cells, ok := row.([]any)
			if !ok {
				return invalidArgument("Row %d of the array is not an array; give a 2D array such as [[1,2],[3,4]].", i)
			}
			for j, c := range cells {
				switch c.(type) {
				case nil, string, bool, json.Number:
				default:
					return invalidArgument("Cell [%d][%d] of the array is not a string, number, boolean or null.", i, j)
				}
			}
			in.rows[i] = cells
		}
	case map[string]any:
		return invalidArgument("An object is not a valid cell value.")
	default:
		in.single, in.hasSingle = x, true
	}
	return nil
}

// MarshalJSON writes the input back as JSON.
func (in Input) MarshalJSON() ([]byte, error) {
	if in.hasSingle {
		return json.Marshal(in.single)
	}
	return json.Marshal(in.rows)
}

// at returns the input for cell (i, j) and whether there is one.
func (in *Input) at(i, j int) (any, bool) {
	if in.hasSingle {
		return in.single, true
	}
	if len(in.rows) == 1 && len(in.rows[0]) == 1 {
		return in.rows[0][0], in.rows[0][0] != nil
	}
	v := in.rows[i][j]
	return v, v != nil
}

// check verifies the input's shape against the range.
func (in *Input) check(name string, rows, cols int) error {
	if in.hasSingle || (len(in.rows) == 1 && len(in.rows[0]) == 1) {
		return nil
	}
	if len(in.rows) != rows {
		return invalidArgument("The number of rows or columns in the input array doesn't match the size or dimensions of the range: %s has %d rows, the range %d.", name, len(in.rows), rows)
	}
	for i, row := range in.rows {
		if len(row) != cols {
			return invalidArgument("The number of rows or columns in the input array doesn't match the size or dimensions of the range: row %d of %s has %d cells, the range %d columns.", i, name, len(row), cols)
		}
	}
	return nil
}

// RangeUpdate is the body of PATCH on a range. Each property set is
// applied: numberFormat first, then values, then formulas, so a formula
// given for a cell wins over a value given for it.
type RangeUpdate struct {
	Values        *Input `json:"values,omitempty"`
	Formulas      *Input `json:"formulas,omitempty"`
	FormulasLocal *Input `json:"formulasLocal,omitempty"`
	FormulasR1C1  *Input `json:"formulasR1C1,omitempty"`
	NumberFormat  *Input `json:"numberFormat,omitempty"`
	RowHidden     *bool  `json:"rowHidden,omitempty"`
	ColumnHidden  *bool  `json:"columnHidden,omitempty"`
}

// Update applies a PATCH to the range.
func (r *Range) Update(u RangeUpdate) error {
	cellLevel := []struct {
		name string
		in   *Input
	}{{"numberFormat", u.NumberFormat}, {"values", u.Values}, {"formulas", u.Formulas}, {"formulasLocal", u.FormulasLocal}}
	rows, cols := r.RowCount(), r.ColumnCount()
	for _, p := range cellLevel {
		if p.in == nil {
			continue
		}
		if r.unbounded() {
			return invalidArgument("%s can't be set on %s: whole rows or columns are unbounded ranges; give a bounded address such as A1:C10.", p.name, r.Address())
		}
		if r.CellCount() > r.wb.opts.MaxRangeCells {
			return invalidArgument("%s can't be set on %s: it has %d cells, more than the %d one request may write.", p.name, r.Address(), r.CellCount(), r.wb.opts.MaxRangeCells)
		}
		if err := p.in.check(p.name, rows, cols); err != nil {
			return err
		}
	}
	if u.FormulasR1C1 != nil {
		return unsupportedOperation("formulasR1C1 can't be written in the sandbox; write formulas in A1 notation through formulas.")
	}
	fm := r.wb.newFormats()
	ext := r.wb.extentOf(r.id)
	if in := u.NumberFormat; in != nil {
		for i := 0; i < rows; i++ {
			for j := 0; j < cols; j++ {
				v, ok := in.at(i, j)
				if !ok {
					continue
				}
				code, isString := v.(string)
				if !isString {
					return invalidArgument("numberFormat[%d][%d] must be a string such as \"0.00\" or \"General\".", i, j)
				}
				if err := r.setFormat(fm, ext, r.r1+i, r.c1+j, code); err != nil {
					return err
				}
			}
		}
	}
	for _, in := range []*Input{u.Values, u.Formulas, u.FormulasLocal} {
		if in == nil {
			continue
		}
		for i := 0; i < rows; i++ {
			for j := 0; j < cols; j++ {
				v, ok := in.at(i, j)
				if !ok {
					continue
				}
				if err := r.writeInput(fm, ext, r.r1+i, r.c1+j, v); err != nil {
					return err
				}
			}
		}
	}
	if u.RowHidden != nil {
		for row := r.r1; row <= r.r2; row++ {
			if row > ext.rows && !*u.RowHidden {
				break
			}
			if err := r.wb.f.SetRowVisible(r.sheet, row, !*u.RowHidden); err != nil {
				return internal(err)
			}
			ext.include(row, 0)
		}
		r.wb.changed = true
	}
	if u.ColumnHidden != nil {
		cols := columnName(r.c1) + ":" + columnName(r.c2)
		if err := r.wb.f.SetColVisible(r.sheet, cols, !*u.ColumnHidden); err != nil {
			return internal(err)
		}
		r.wb.changed = true
	}
	return nil
}

func (r *Range) setFormat(fm *formats, ext *extent, row, col int, code string) error {
	cur := fm.styleAt(r.sheet, ext, row, col)
	id, err := fm.withFormat(cur, code)
	if err != nil {
		return err
	}
	cell := cellName(col, row)
	if err := r.wb.f.SetCellStyle(r.sheet, cell, cell, id); err != nil {
		return internal(err)
	}
	ext.include(row, col)
	r.wb.changed = true
	return nil
}

// writeInput stores one given value the way Excel reads typed input.
func (r *Range) writeInput(fm *formats, ext *extent, row, col int, v any) error {
	p, err := parseInput(v)
	if err != nil {
		return err
	}
	switch {
	case p.clear:
		return r.wb.writeValue(r.sheet, r.id, row, col, Value{})
	case p.formula != "":
		return r.wb.writeFormula(r.sheet, r.id, row, col, p.formula)
	}
	if err := r.wb.writeValue(r.sheet, r.id, row, col, p.value); err != nil {
		return err
	}
	if p.format != "" && fm.code(fm.styleAt(r.sheet, ext, row, col)) == "General" {
		return r.setFormat(fm, ext, row, col, p.format)
	}
	return nil
}

// Clear empties the range (POST range/clear): applyTo "All" (the default),
// "Contents" (values and formulas) or "Formats".
func (r *Range) Clear(applyTo string) error {
	contents, formats := true, true
	switch strings.ToLower(applyTo) {
	case "", "all":
	case "contents":
		formats = false
	case "formats":
		contents = false
	default:
		return invalidArgument("applyTo %q is not one of All, Contents, Formats.", applyTo)
	}
	ext := r.wb.extentOf(r.id)
	r2, c2 := min(r.r2, ext.rows), min(r.c2, ext.cols)
	if contents {
		for row := r.r1; row <= r2; row++ {
			for col := r.c1; col <= c2; col++ {
				if err := r.wb.writeValue(r.sheet, r.id, row, col, Value{}); err != nil {
					return err
				}
			}
		}
	}
	if formats {
		if r.r1 <= r2 && r.c1 <= c2 {
			if err := r.wb.f.SetCellStyle(r.sheet, cellName(r.c1, r.r1), cellName(c2, r2), 0); err != nil {
				return internal(err)
			}
		}
		if r.kind == KindColumns {
			if err := r.wb.f.SetColStyle(r.sheet, columnName(r.c1)+":"+columnName(r.c2), 0); err != nil {
				return internal(err)
			}
		}
	}
	r.wb.changed = true
	return nil
}

// UsedRange returns the part of the range that holds values (valuesOnly)
// or values and formatting; ItemNotFound when it holds none.
func (r *Range) UsedRange(valuesOnly bool) (*Range, error) {
	used, found, err := r.wb.usedBox(r.sheet, r.id, valuesOnly)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, itemNotFound("%s holds no used cell.", r.Address())
	}
	r1, c1, r2, c2 := max(r.r1, used.r1), max(r.c1, used.c1), min(r.r2, used.r2), min(r.c2, used.c2)
	if r1 > r2 || c1 > c2 {
		return nil, itemNotFound("%s holds no used cell.", r.Address())
	}
	return r.sub(r1, c1, r2, c2)
}

// UsedRange returns a worksheet's used range (worksheets/{id}/usedRange):
// the smallest range holding every cell with a value or formula, and with
// valuesOnly false also every formatted cell. An empty sheet answers A1.
func (wb *Workbook) UsedRange(sheet string, valuesOnly bool) (*Range, error) {
	whole, err := wb.SheetRange(sheet, "")
	if err != nil {
		return nil, err
	}
	box, found, err := wb.usedBox(whole.sheet, whole.id, valuesOnly)
	if err != nil {
		return nil, err
	}
	if !found {
		return whole.sub(1, 1, 1, 1)
	}
	return whole.sub(box.r1, box.c1, box.r2, box.c2)
}

type box struct{ r1, c1, r2, c2 int }

func (b *box) include(row, col int, found *bool) {
	if !*found {
		*b, *found = box{row, col, row, col}, true
		return
	}
	b.r1, b.c1, b.r2, b.c2 = min(b.r1, row), min(b.c1, col), max(b.r2, row), max(b.c2, col)
}

// usedBox finds the used cells of a sheet.
func (wb *Workbook) usedBox(sheet string, id int, valuesOnly bool) (box, bool, error) {
	var b box
	found := false
	wb.eachFormula(id, func(row, col int) { b.include(row, col, &found) })
	rows, err := wb.f.Rows(sheet)
	if err != nil {
		return b, false, internal(err)
	}
	row := 0
	for rows.Next() {
		row++
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			_ = rows.Close()
			return b, false, internal(err)
		}
		for j, v := range cols {
			if v != "" {
				b.include(row, j+1, &found)
			}
		}
	}
	if err := rows.Close(); err != nil {
		return b, false, internal(err)
	}
	if !valuesOnly {
		ext := wb.extentOf(id)
		for row := 1; row <= ext.rows; row++ {
			for col := 1; col <= ext.cols; col++ {
				if s, _ := wb.f.GetCellStyle(sheet, cellName(col, row)); s != 0 {
					b.include(row, col, &found)
				}
			}
		}
	}
	return b, found, nil
}
