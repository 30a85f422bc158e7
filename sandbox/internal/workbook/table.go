package workbook

import (
	"encoding/xml"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// tableXML mirrors a table part (xl/tables/tableN.xml). The library keeps
// table parts as bytes in its package and decodes them on demand, so the
// engine edits them the same way; extensions it does not model are dropped,
// which Excel accepts.
type tableXML struct {
	XMLName        xml.Name     `xml:"table"`
	XMLNS          string       `xml:"xmlns,attr"`
	ID             int          `xml:"id,attr"`
	Name           string       `xml:"name,attr"`
	DisplayName    string       `xml:"displayName,attr,omitempty"`
	Ref            string       `xml:"ref,attr"`
	HeaderRowCount *int         `xml:"headerRowCount,attr"`
	TotalsRowCount int          `xml:"totalsRowCount,attr,omitempty"`
	TotalsRowShown *bool        `xml:"totalsRowShown,attr"`
	AutoFilter     *autoFilter  `xml:"autoFilter"`
	SortState      *sortState   `xml:"sortState"`
	TableColumns   tableColumns `xml:"tableColumns"`
	TableStyleInfo *tableStyle  `xml:"tableStyleInfo"`
}

type autoFilter struct {
	Ref          string          `xml:"ref,attr"`
	FilterColumn []*filterColumn `xml:"filterColumn"`
}

type filterColumn struct {
	ColID         int            `xml:"colId,attr"`
	Filters       *valueFilters  `xml:"filters"`
	CustomFilters *customFilters `xml:"customFilters"`
}

type valueFilters struct {
	Blank  bool          `xml:"blank,attr,omitempty"`
	Filter []valueFilter `xml:"filter"`
}

type valueFilter struct {
	Val string `xml:"val,attr"`
}

type customFilters struct {
	And          bool           `xml:"and,attr,omitempty"`
	CustomFilter []customFilter `xml:"customFilter"`
}

type customFilter struct {
	Operator string `xml:"operator,attr,omitempty"`
	Val      string `xml:"val,attr"`
}

type sortState struct {
	Ref           string          `xml:"ref,attr"`
	CaseSensitive bool            `xml:"caseSensitive,attr,omitempty"`
	SortCondition []sortCondition `xml:"sortCondition"`
}

type sortCondition struct {
	Descending bool   `xml:"descending,attr,omitempty"`
	Ref        string `xml:"ref,attr"`
}

type tableColumns struct {
	Count       int            `xml:"count,attr"`
	TableColumn []*tableColumn `xml:"tableColumn"`
}

type tableColumn struct {
	ID                      int       `xml:"id,attr"`
	Name                    string    `xml:"name,attr"`
	TotalsRowFunction       string    `xml:"totalsRowFunction,attr,omitempty"`
	TotalsRowLabel          string    `xml:"totalsRowLabel,attr,omitempty"`
	CalculatedColumnFormula *formulaX `xml:"calculatedColumnFormula"`
	TotalsRowFormula        *formulaX `xml:"totalsRowFormula"`
}

type formulaX struct {
	Array   bool   `xml:"array,attr,omitempty"`
	Content string `xml:",chardata"`
}

type tableStyle struct {
	Name              string `xml:"name,attr,omitempty"`
	ShowFirstColumn   bool   `xml:"showFirstColumn,attr"`
	ShowLastColumn    bool   `xml:"showLastColumn,attr"`
	ShowRowStripes    bool   `xml:"showRowStripes,attr"`
	ShowColumnStripes bool   `xml:"showColumnStripes,attr"`
}

// tableInfo is a table found in the package.
type tableInfo struct {
	path  string
	sheet string
	x     *tableXML
	ref   Address
}

func (t *tableInfo) hasHeaders() bool { return t.x.HeaderRowCount == nil || *t.x.HeaderRowCount != 0 }
func (t *tableInfo) hasTotals() bool  { return t.x.TotalsRowCount > 0 }

// body returns the data rows r1..r2 (r2 < r1 when there are none).
func (t *tableInfo) body() (r1, r2 int) {
	r1, r2 = t.ref.Row1, t.ref.Row2
	if t.hasHeaders() {
		r1++
	}
	if t.hasTotals() {
		r2 -= t.x.TotalsRowCount
	}
	return r1, r2
}

// Table is Graph's workbookTable.
type Table struct {
	ID                   string `json:"id"`
	Name                 string `json:"name"`
	LegacyID             string `json:"legacyId"`
	ShowHeaders          bool   `json:"showHeaders"`
	ShowTotals           bool   `json:"showTotals"`
	Style                string `json:"style"`
	HighlightFirstColumn bool   `json:"highlightFirstColumn"`
	HighlightLastColumn  bool   `json:"highlightLastColumn"`
	ShowBandedColumns    bool   `json:"showBandedColumns"`
	ShowBandedRows       bool   `json:"showBandedRows"`
	ShowFilterButton     bool   `json:"showFilterButton"`
	worksheet            string
}

// Worksheet returns the name of the worksheet the table is on.
func (t Table) Worksheet() string { return t.worksheet }

func (t *tableInfo) graph() Table {
	out := Table{ID: strconv.Itoa(t.x.ID), LegacyID: strconv.Itoa(t.x.ID), Name: t.x.Name,
		ShowHeaders: t.hasHeaders(), ShowTotals: t.hasTotals(), ShowFilterButton: t.x.AutoFilter != nil,
		worksheet: t.sheet}
	if s := t.x.TableStyleInfo; s != nil {
		out.Style, out.HighlightFirstColumn, out.HighlightLastColumn = s.Name, s.ShowFirstColumn, s.ShowLastColumn
		out.ShowBandedRows, out.ShowBandedColumns = s.ShowRowStripes, s.ShowColumnStripes
	}
	return out
}

// allTables reads every table of the workbook, in sheet order.
func (wb *Workbook) allTables() ([]*tableInfo, error) {
	byName := map[string]string{}
	var parse error
	parsed := map[string]*tableXML{}
	wb.f.Pkg.Range(func(k, v any) bool {
		p := k.(string)
		if !strings.HasPrefix(p, "xl/tables/") || !strings.HasSuffix(p, ".xml") {
			return true
		}
		var x tableXML
		if err := xml.Unmarshal(v.([]byte), &x); err != nil {
			parse = err
			return false
		}
		if x.Name == "" {
			return true
		}
		parsed[p] = &x
		byName[strings.ToLower(x.Name)] = p
		return true
	})
	if parse != nil {
		return nil, unsupportedWorkbook("A table part can't be read: %v.", parse)
	}
	var out []*tableInfo
	for _, s := range wb.sheetList() {
		list, err := wb.f.GetTables(s.name)
		if err != nil {
			return nil, internal(err)
		}
		for _, t := range list {
			p, ok := byName[strings.ToLower(t.Name)]
			if !ok {
				continue
			}
			x := parsed[p]
			a, err := ParseAddress(x.Ref)
			if err != nil || a.Kind != KindCells {
				continue
			}
			a.Sheet = s.name
			out = append(out, &tableInfo{path: p, sheet: s.name, x: x, ref: a})
		}
	}
	return out, nil
}

// findTable finds a table by name (ignoring case) or id.
func (wb *Workbook) findTable(nameOrID string) (*tableInfo, error) {
	list, err := wb.allTables()
	if err != nil {
		return nil, err
	}
	for _, t := range list {
		if strings.EqualFold(t.x.Name, nameOrID) || strconv.Itoa(t.x.ID) == nameOrID {
			return t, nil
		}
	}
	return nil, itemNotFound("There is no table %q in the workbook.", nameOrID)
}

func (wb *Workbook) tablesOf(sheet string) []excelize.Table {
	list, _ := wb.f.GetTables(sheet)
	return list
}

// saveTable writes a table part back to the package.
func (wb *Workbook) saveTable(t *tableInfo) error {
	t.x.XMLNS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	t.x.TableColumns.Count = len(t.x.TableColumns.TableColumn)
	b, err := xml.Marshal(t.x)
	if err != nil {
		return internal(err)
	}
	wb.f.Pkg.Store(t.path, append([]byte(xml.Header), b...))
	wb.changed = true
	return nil
}

// setTableRef moves or resizes a table.
func (wb *Workbook) setTableRef(t *tableInfo, a Address) error {
	t.ref = a
	t.x.Ref = a.area()
	if t.x.AutoFilter != nil {
		f := a
		f.Row2 -= t.x.TotalsRowCount
		t.x.AutoFilter.Ref = f.area()
	}
	t.x.SortState = nil
	return wb.saveTable(t)
}

// Tables lists the tables of the workbook, or of one worksheet.
func (wb *Workbook) Tables(sheet string) ([]Table, error) {
	name := ""
	if sheet != "" {
		w, err := wb.Worksheet(sheet)
		if err != nil {
			return nil, err
		}
		name = w.Name
	}
	list, err := wb.allTables()
	if err != nil {
		return nil, err
	}
	out := []Table{}
	for _, t := range list {
		if name == "" || t.sheet == name {
			out = append(out, t.graph())
		}
	}
	return out, nil
}

// Table returns one table by name or id.
func (wb *Workbook) Table(nameOrID string) (Table, error) {
	t, err := wb.findTable(nameOrID)
	if err != nil {
		return Table{}, err
	}
	return t.graph(), nil
}

// AddTable creates a table over a range (POST tables/add). With hasHeaders
// false, a header row of Column1, Column2, ... is inserted above the data,
// shifting it down, as Excel does. sheet may be "" when address names its
// sheet.
func (wb *Workbook) AddTable(sheet, address string, hasHeaders bool) (Table, error) {
	var r *Range
	var err error
	if sheet != "" {
		r, err = wb.SheetRange(sheet, address)
	} else {
		r, err = wb.Range(address)
	}
	if err != nil {
		return Table{}, err
	}
	if r.unbounded() {
		return Table{}, invalidArgument("A table needs a bounded range such as A1:C10, not %s.", r.Address())
	}
	list, err := wb.allTables()
	if err != nil {
		return Table{}, err
	}
	r1, r2 := r.r1, r.r2
	if !hasHeaders {
		r2++
	}
	for _, t := range list {
		if t.sheet == r.sheet && t.ref.Row1 <= r2 && r1 <= t.ref.Row2 && t.ref.Col1 <= r.c2 && r.c1 <= t.ref.Col2 {
			return Table{}, invalidArgument("A table can't overlap another table: %s overlaps %q (%s).", r.Address(), t.x.Name, t.ref.area())
		}
	}
	if !hasHeaders {
		if r.r2 == MaxRows {
			return Table{}, nonBlankCellOffSheet("There is no room for a header row below row %d.", MaxRows)
		}
		if err := wb.shiftCells(r.sheet, r.id, shift{Sheet: r.sheet, Start: r.r1, Delta: 1, BandFrom: r.c1, BandTo: r.c2}, nil); err != nil {
			return Table{}, err
		}
		for col := r.c1; col <= r.c2; col++ {
			if err := wb.writeValue(r.sheet, r.id, r.r1, col, StringValue("Column"+strconv.Itoa(col-r.c1+1))); err != nil {
				return Table{}, err
			}
		}
	}
	if r2 == r1 {
		r2++ // a table has at least one data row
	}
	if err := wb.normalizeHeaders(r.sheet, r.id, r1, r.c1, r.c2); err != nil {
		return Table{}, err
	}
	if err := wb.dropScratch(); err != nil {
		return Table{}, err
	}
	ref := cellName(r.c1, r1) + ":" + cellName(r.c2, r2)
	name := wb.nextTableName(list)
	if err := wb.f.AddTable(r.sheet, &excelize.Table{Range: ref, Name: name, StyleName: "TableStyleMedium2", ShowRowStripes: ptr(true)}); err != nil {
		return Table{}, invalidArgument("The table can't be created at %s: %v.", ref, err)
	}
	wb.extentOf(r.id).include(r2, r.c2)
	wb.changed = true
	return wb.Table(name)
}

func (wb *Workbook) nextTableName(list []*tableInfo) string {
	for n := len(list) + 1; ; n++ {
		name := "Table" + strconv.Itoa(n)
		taken := false
		for _, t := range list {
			taken = taken || strings.EqualFold(t.x.Name, name)
		}
		for _, d := range wb.f.GetDefinedName() {
			taken = taken || strings.EqualFold(d.Name, name)
		}
		if !taken {
			return name
		}
	}
}

// normalizeHeaders makes a header row valid for a table: every cell text,
// none empty, none repeated (Excel's Column1, Name2 ...).
func (wb *Workbook) normalizeHeaders(sheet string, id, row, c1, c2 int) error {
	seen := map[string]bool{}
	for col := c1; col <= c2; col++ {
		v, text := wb.storedValue(sheet, cellName(col, row))
		if f := wb.formulaAt(sheet, row, col); f != "" {
			res, err := wb.evaluate([]cellRef{{sheet, row, col}})
			if err != nil {
				return err
			}
			v, text = res[0].value, res[0].text
		}
		name := text
		if v.Type == Empty || name == "" {
			name = "Column" + strconv.Itoa(col-c1+1)
		}
		base := name
		for n := 2; seen[strings.ToLower(name)]; n++ {
			name = base + strconv.Itoa(n)
		}
		seen[strings.ToLower(name)] = true
		if v.Type != String || name != v.Text || wb.formulaAt(sheet, row, col) != "" {
			if err := wb.writeValue(sheet, id, row, col, StringValue(name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// syncTables sets each table's column names from its header cells, which
// Excel requires to agree.
func (wb *Workbook) syncTables() error {
	list, err := wb.allTables()
	if err != nil {
		return err
	}
	for _, t := range list {
		if !t.hasHeaders() {
			continue
		}
		id := wb.sheetID(t.sheet)
		if err := wb.normalizeHeaders(t.sheet, id, t.ref.Row1, t.ref.Col1, t.ref.Col2); err != nil {
			return err
		}
		changed := false
		for i, c := range t.x.TableColumns.TableColumn {
			_, text := wb.storedValue(t.sheet, cellName(t.ref.Col1+i, t.ref.Row1))
			if c.Name != text {
				c.Name, changed = text, true
			}
		}
		if changed {
			if err := wb.saveTable(t); err != nil {
				return err
			}
		}
	}
	return nil
}

// TableUpdate is the body of PATCH /tables/{id}.
type TableUpdate struct {
	Name                 *string `json:"name,omitempty"`
	Style                *string `json:"style,omitempty"`
	ShowHeaders          *bool   `json:"showHeaders,omitempty"`
	ShowTotals           *bool   `json:"showTotals,omitempty"`
	HighlightFirstColumn *bool   `json:"highlightFirstColumn,omitempty"`
	HighlightLastColumn  *bool   `json:"highlightLastColumn,omitempty"`
	ShowBandedColumns    *bool   `json:"showBandedColumns,omitempty"`
	ShowBandedRows       *bool   `json:"showBandedRows,omitempty"`
	ShowFilterButton     *bool   `json:"showFilterButton,omitempty"`
}

// UpdateTable changes a table's name and style options.
func (wb *Workbook) UpdateTable(nameOrID string, u TableUpdate) (Table, error) {
	t, err := wb.findTable(nameOrID)
	if err != nil {
		return Table{}, err
	}
	if u.ShowHeaders != nil && *u.ShowHeaders != t.hasHeaders() || u.ShowTotals != nil && *u.ShowTotals != t.hasTotals() {
		return Table{}, unsupportedOperation("Showing or hiding a table's header or totals row is not supported by the sandbox.")
	}
	if u.Name != nil && !strings.EqualFold(*u.Name, t.x.Name) {
		if !isName(*u.Name) {
			return Table{}, invalidArgument("%q is not a valid table name: start with a letter or _, use letters, digits, _ and ., and don't write a cell reference.", *u.Name)
		}
		if _, err := wb.findTable(*u.Name); err == nil {
			return Table{}, itemAlreadyExists("A table named %q exists already.", *u.Name)
		}
		for _, d := range wb.f.GetDefinedName() {
			if strings.EqualFold(d.Name, *u.Name) {
				return Table{}, itemAlreadyExists("%q is a defined name already.", *u.Name)
			}
		}
	}
	if u.Name != nil {
		t.x.Name, t.x.DisplayName = *u.Name, *u.Name
	}
	if t.x.TableStyleInfo == nil {
		t.x.TableStyleInfo = &tableStyle{}
	}
	s := t.x.TableStyleInfo
	set := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	if u.Style != nil {
		s.Name = *u.Style
	}
	set(&s.ShowFirstColumn, u.HighlightFirstColumn)
	set(&s.ShowLastColumn, u.HighlightLastColumn)
	set(&s.ShowColumnStripes, u.ShowBandedColumns)
	set(&s.ShowRowStripes, u.ShowBandedRows)
	if u.ShowFilterButton != nil {
		switch {
		case *u.ShowFilterButton && t.x.AutoFilter == nil && t.hasHeaders():
			a := t.ref
			a.Row2 -= t.x.TotalsRowCount
			t.x.AutoFilter = &autoFilter{Ref: a.area()}
		case !*u.ShowFilterButton:
			t.x.AutoFilter = nil
		}
	}
	if err := wb.saveTable(t); err != nil {
		return Table{}, err
	}
	return t.graph(), nil
}

// DeleteTable deletes a table and the cells it covered (DELETE /tables/{id}).
func (wb *Workbook) DeleteTable(nameOrID string) error {
	t, err := wb.findTable(nameOrID)
	if err != nil {
		return err
	}
	if err := wb.ConvertTableToRange(nameOrID); err != nil {
		return err
	}
	r, err := wb.rangeOf(t.sheet, t.ref)
	if err != nil {
		return err
	}
	return r.Clear("All")
}

// ConvertTableToRange removes the table but keeps its cells
// (POST tables/{id}/convertToRange).
func (wb *Workbook) ConvertTableToRange(nameOrID string) error {
	t, err := wb.findTable(nameOrID)
	if err != nil {
		return err
	}
	if err := wb.dropScratch(); err != nil {
		return err
	}
	if err := wb.f.DeleteTable(t.x.Name); err != nil {
		return internal(err)
	}
	if err := wb.showAllRows(t); err != nil {
		return err
	}
	wb.changed = true
	return nil
}

// TablePart names a part of a table for TableRange.
type TablePart int

// The parts of a table.
const (
	WholeTable TablePart = iota
	HeaderRow
	DataBody
	TotalRow
)

// TableRange returns a part of a table as a range (tables/{id}/range,
// headerRowRange, dataBodyRange, totalRowRange).
func (wb *Workbook) TableRange(nameOrID string, part TablePart) (*Range, error) {
	t, err := wb.findTable(nameOrID)
	if err != nil {
		return nil, err
	}
	a := t.ref
	switch part {
	case HeaderRow:
		if !t.hasHeaders() {
			return nil, itemNotFound("Table %q has no header row.", t.x.Name)
		}
		a.Row2 = a.Row1
	case DataBody:
		a.Row1, a.Row2 = t.body()
		if a.Row2 < a.Row1 {
			return nil, itemNotFound("Table %q has no data rows.", t.x.Name)
		}
	case TotalRow:
		if !t.hasTotals() {
			return nil, itemNotFound("Table %q has no totals row.", t.x.Name)
		}
		a.Row1 = a.Row2
	}
	return wb.rangeOf(t.sheet, a)
}
