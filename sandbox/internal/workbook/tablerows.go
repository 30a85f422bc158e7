package workbook

import (
	"strconv"
	"strings"
)

// TableRow is Graph's workbookTableRow: a data row's zero-based index and
// its values as a one-row 2D array.
type TableRow struct {
	Index  int       `json:"index"`
	Values [][]Value `json:"values"`
}

// TableColumn is Graph's workbookTableColumn; values include the header.
type TableColumn struct {
	ID     string    `json:"id"`
	Index  int       `json:"index"`
	Name   string    `json:"name"`
	Values [][]Value `json:"values"`
}

// TableRows lists a table's data rows (GET tables/{id}/rows).
func (wb *Workbook) TableRows(table string) ([]TableRow, error) {
	t, err := wb.findTable(table)
	if err != nil {
		return nil, err
	}
	b1, b2 := t.body()
	if b2 < b1 {
		return []TableRow{}, nil
	}
	r, err := wb.rangeOf(t.sheet, Address{Kind: KindCells, Row1: b1, Col1: t.ref.Col1, Row2: b2, Col2: t.ref.Col2})
	if err != nil {
		return nil, err
	}
	d, err := r.Get()
	if err != nil {
		return nil, err
	}
	out := make([]TableRow, len(d.Values))
	for i, row := range d.Values {
		out[i] = TableRow{Index: i, Values: [][]Value{row}}
	}
	return out, nil
}

// TableRow returns one data row by zero-based index (rows/itemAt(index=n)).
func (wb *Workbook) TableRow(table string, index int) (TableRow, error) {
	rows, err := wb.TableRows(table)
	if err != nil {
		return TableRow{}, err
	}
	if index < 0 || index >= len(rows) {
		return TableRow{}, itemNotFound("Table %q has no row %d; its rows are 0..%d.", table, index, len(rows)-1)
	}
	return rows[index], nil
}

// AddTableRows inserts data rows (POST tables/{id}/rows/add): values is a
// 2D array with one entry per table column in each row; index nil appends.
// Cells below the table, in its columns, shift down. It returns the first
// new row's index with all the new values, as Graph does.
func (wb *Workbook) AddTableRows(table string, index *int, values *Input) (TableRow, error) {
	t, err := wb.findTable(table)
	if err != nil {
		return TableRow{}, err
	}
	if values == nil || values.hasSingle || len(values.rows) == 0 {
		return TableRow{}, invalidArgument("values must be a 2D array with one row per new table row, such as [[\"a\", 1]].")
	}
	cols := t.ref.Col2 - t.ref.Col1 + 1
	if err := values.check("values", len(values.rows), cols); err != nil {
		return TableRow{}, err
	}
	n := len(values.rows)
	b1, b2 := t.body()
	count := b2 - b1 + 1
	at := count
	if index != nil {
		if *index < 0 || *index > count {
			return TableRow{}, invalidArgument("index %d is outside 0..%d, the positions rows can be added at in table %q.", *index, count, t.x.Name)
		}
		at = *index
	}
	// An Excel table always keeps one data row; a blank sole row is
	// replaced by the first added row rather than kept above it.
	reuse := count == 1 && at == 1 && wb.rowBlank(t, b1)
	if reuse {
		at = 0
	}
	insertRow := b1 + at
	id := wb.sheetID(t.sheet)
	grow := n
	if reuse {
		grow = n - 1
	}
	if grow > 0 {
		if err := wb.shiftCells(t.sheet, id, shift{Sheet: t.sheet, Start: insertRow + boolInt(reuse), Delta: grow,
			BandFrom: t.ref.Col1, BandTo: t.ref.Col2}, t); err != nil {
			return TableRow{}, err
		}
		a := t.ref
		a.Row2 += grow
		if err := wb.setTableRef(t, a); err != nil {
			return TableRow{}, err
		}
	}
	r, err := wb.rangeOf(t.sheet, Address{Kind: KindCells, Row1: insertRow, Col1: t.ref.Col1, Row2: insertRow + n - 1, Col2: t.ref.Col2})
	if err != nil {
		return TableRow{}, err
	}
	if err := wb.fillTableRows(t, r, values); err != nil {
		return TableRow{}, err
	}
	d, err := r.Get()
	if err != nil {
		return TableRow{}, err
	}
	return TableRow{Index: at, Values: d.Values}, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// fillTableRows writes row values, and the calculated column formulas
// of the table where the input leaves a cell null.
func (wb *Workbook) fillTableRows(t *tableInfo, r *Range, values *Input) error {
	if err := r.Update(RangeUpdate{Values: values}); err != nil {
		return err
	}
	for j, c := range t.x.TableColumns.TableColumn {
		if c.CalculatedColumnFormula == nil || strings.Contains(c.CalculatedColumnFormula.Content, "[") {
			continue // structured references are left to Excel
		}
		for i := 0; i < r.RowCount(); i++ {
			if v, ok := values.at(i, j); ok && v != nil {
				continue
			}
			// The stored formula is the one of the table's first data row.
			b1, _ := t.body()
			f := translateFormula(c.CalculatedColumnFormula.Content, r.r1+i-b1, 0)
			if err := wb.writeFormula(t.sheet, r.id, r.r1+i, r.c1+j, f); err != nil {
				return err
			}
		}
	}
	return nil
}

func (wb *Workbook) rowBlank(t *tableInfo, row int) bool {
	id := wb.sheetID(t.sheet)
	for col := t.ref.Col1; col <= t.ref.Col2; col++ {
		if _, ok := wb.formulas[id][pos(row, col)]; ok {
			return false
		}
		if v, _ := wb.storedValue(t.sheet, cellName(col, row)); v.Type != Empty {
			return false
		}
	}
	return true
}

// UpdateTableRow sets a data row's values (PATCH tables/{id}/rows/{index}).
func (wb *Workbook) UpdateTableRow(table string, index int, values *Input) (TableRow, error) {
	t, err := wb.findTable(table)
	if err != nil {
		return TableRow{}, err
	}
	b1, b2 := t.body()
	if index < 0 || index > b2-b1 {
		return TableRow{}, itemNotFound("Table %q has no row %d.", t.x.Name, index)
	}
	if values == nil {
		return TableRow{}, invalidArgument("values is required: a one-row 2D array with a value per column.")
	}
	r, err := wb.rangeOf(t.sheet, Address{Kind: KindCells, Row1: b1 + index, Col1: t.ref.Col1, Row2: b1 + index, Col2: t.ref.Col2})
	if err != nil {
		return TableRow{}, err
	}
	if err := r.Update(RangeUpdate{Values: values}); err != nil {
		return TableRow{}, err
	}
	return wb.TableRow(t.x.Name, index)
}

// DeleteTableRow deletes a data row; cells below, in the table's columns,
// shift up. Deleting the only row leaves it blank, as Excel does.
func (wb *Workbook) DeleteTableRow(table string, index int) error {
	t, err := wb.findTable(table)
	if err != nil {
		return err
	}
	b1, b2 := t.body()
	if index < 0 || index > b2-b1 {
		return itemNotFound("Table %q has no row %d.", t.x.Name, index)
	}
	id := wb.sheetID(t.sheet)
	if b1 == b2 {
		r, err := wb.rangeOf(t.sheet, Address{Kind: KindCells, Row1: b1, Col1: t.ref.Col1, Row2: b1, Col2: t.ref.Col2})
		if err != nil {
			return err
		}
		return r.Clear("Contents")
	}
	if err := wb.shiftCells(t.sheet, id, shift{Sheet: t.sheet, Start: b1 + index, Delta: -1, BandFrom: t.ref.Col1, BandTo: t.ref.Col2}, t); err != nil {
		return err
	}
	a := t.ref
	a.Row2--
	return wb.setTableRef(t, a)
}

// TableColumns lists a table's columns with their values.
func (wb *Workbook) TableColumns(table string) ([]TableColumn, error) {
	t, err := wb.findTable(table)
	if err != nil {
		return nil, err
	}
	r, err := wb.rangeOf(t.sheet, t.ref)
	if err != nil {
		return nil, err
	}
	d, err := r.Get()
	if err != nil {
		return nil, err
	}
	out := make([]TableColumn, len(t.x.TableColumns.TableColumn))
	for j, c := range t.x.TableColumns.TableColumn {
		vals := make([][]Value, len(d.Values))
		for i := range d.Values {
			vals[i] = []Value{d.Values[i][j]}
		}
		name := c.Name
		if t.hasHeaders() {
			name = d.Text[0][j]
		}
		out[j] = TableColumn{ID: strconv.Itoa(c.ID), Index: j, Name: name, Values: vals}
	}
	return out, nil
}

// TableColumnByKey finds a column by id or name (columns/{id|name}).
func (wb *Workbook) TableColumnByKey(table, key string) (TableColumn, error) {
	cols, err := wb.TableColumns(table)
	if err != nil {
		return TableColumn{}, err
	}
	for _, c := range cols {
		if c.ID == key || strings.EqualFold(c.Name, key) {
			return c, nil
		}
	}
	return TableColumn{}, itemNotFound("Table %q has no column %q.", table, key)
}

// AddTableColumn inserts a column (POST tables/{id}/columns/add) at a
// zero-based index (nil appends). values, if given, is a 2D array of one
// column: the header then the data rows. Cells right of the insertion, in
// the table's rows, shift right.
func (wb *Workbook) AddTableColumn(table string, index *int, values *Input, name string) (TableColumn, error) {
	t, err := wb.findTable(table)
	if err != nil {
		return TableColumn{}, err
	}
	cols := t.ref.Col2 - t.ref.Col1 + 1
	rows := t.ref.Row2 - t.ref.Row1 + 1
	at := cols
	if index != nil {
		if *index < 0 || *index > cols {
			return TableColumn{}, invalidArgument("index %d is outside 0..%d, the positions a column can be added at.", *index, cols)
		}
		at = *index
	}
	if values != nil {
		if err := values.check("values", rows, 1); err != nil {
			return TableColumn{}, err
		}
	}
	if t.ref.Col2 == MaxColumns {
		return TableColumn{}, nonBlankCellOffSheet("Table %q reaches the last column.", t.x.Name)
	}
	col := t.ref.Col1 + at
	id := wb.sheetID(t.sheet)
	if err := wb.shiftCells(t.sheet, id, shift{Sheet: t.sheet, Columns: true, Start: col, Delta: 1, BandFrom: t.ref.Row1, BandTo: t.ref.Row2}, t); err != nil {
		return TableColumn{}, err
	}
	maxID := 0
	for _, c := range t.x.TableColumns.TableColumn {
		maxID = max(maxID, c.ID)
	}
	nc := &tableColumn{ID: maxID + 1, Name: "Column" + strconv.Itoa(maxID+1)}
	list := t.x.TableColumns.TableColumn
	t.x.TableColumns.TableColumn = append(list[:at], append([]*tableColumn{nc}, list[at:]...)...)
	for _, fc := range filterColumns(t) {
		if fc.ColID >= at {
			fc.ColID++
		}
	}
	a := t.ref
	a.Col2++
	if err := wb.setTableRef(t, a); err != nil {
		return TableColumn{}, err
	}
	r, err := wb.rangeOf(t.sheet, Address{Kind: KindCells, Row1: a.Row1, Col1: col, Row2: a.Row2, Col2: col})
	if err != nil {
		return TableColumn{}, err
	}
	if values != nil {
		if err := r.Update(RangeUpdate{Values: values}); err != nil {
			return TableColumn{}, err
		}
	}
	if name != "" && t.hasHeaders() {
		if err := wb.writeValue(t.sheet, id, a.Row1, col, StringValue(name)); err != nil {
			return TableColumn{}, err
		}
	}
	if err := wb.syncTables(); err != nil {
		return TableColumn{}, err
	}
	return wb.TableColumnByKey(t.x.Name, strconv.Itoa(nc.ID))
}

func filterColumns(t *tableInfo) []*filterColumn {
	if t.x.AutoFilter == nil {
		return nil
	}
	return t.x.AutoFilter.FilterColumn
}

// DeleteTableColumn deletes a column; cells right of it, in the table's
// rows, shift left.
func (wb *Workbook) DeleteTableColumn(table, key string) error {
	t, err := wb.findTable(table)
	if err != nil {
		return err
	}
	c, err := wb.TableColumnByKey(t.x.Name, key)
	if err != nil {
		return err
	}
	if len(t.x.TableColumns.TableColumn) == 1 {
		return invalidArgument("Table %q has a single column; delete the table instead.", t.x.Name)
	}
	id := wb.sheetID(t.sheet)
	if err := wb.shiftCells(t.sheet, id, shift{Sheet: t.sheet, Columns: true, Start: t.ref.Col1 + c.Index, Delta: -1, BandFrom: t.ref.Row1, BandTo: t.ref.Row2}, t); err != nil {
		return err
	}
	list := t.x.TableColumns.TableColumn
	t.x.TableColumns.TableColumn = append(list[:c.Index], list[c.Index+1:]...)
	if t.x.AutoFilter != nil {
		var keep []*filterColumn
		for _, fc := range t.x.AutoFilter.FilterColumn {
			switch {
			case fc.ColID == c.Index:
				continue
			case fc.ColID > c.Index:
				fc.ColID--
			}
			keep = append(keep, fc)
		}
		t.x.AutoFilter.FilterColumn = keep
	}
	a := t.ref
	a.Col2--
	if err := wb.setTableRef(t, a); err != nil {
		return err
	}
	return wb.applyFilters(t)
}
