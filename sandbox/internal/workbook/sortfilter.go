package workbook

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// SortField is Graph's workbookSortField: key is the zero-based column
// within the range; ascending defaults to true.
type SortField struct {
	Key       int   `json:"key"`
	Ascending *bool `json:"ascending,omitempty"`
}

// RangeSort is the body of range/sort/apply.
type RangeSort struct {
	Fields      []SortField `json:"fields"`
	MatchCase   bool        `json:"matchCase,omitempty"`
	HasHeaders  bool        `json:"hasHeaders,omitempty"`
	Orientation string      `json:"orientation,omitempty"`
	Method      string      `json:"method,omitempty"`
}

// Sort sorts the range's rows (POST range/sort/apply) in Excel's order:
// numbers, then text, then booleans, then errors, blanks always last.
// Formulas move with their rows, their relative references adjusted as
// Excel's sort adjusts them.
func (r *Range) Sort(s RangeSort) error {
	if s.Orientation != "" && !strings.EqualFold(s.Orientation, "Rows") {
		return unsupportedOperation("Sorting by columns (orientation %q) is not supported by the sandbox; sort rows.", s.Orientation)
	}
	target := r
	if r.unbounded() {
		u, err := r.UsedRange(false)
		if err != nil {
			return nil // nothing to sort
		}
		target = u
	}
	r1 := target.r1
	if s.HasHeaders {
		r1++
	}
	return r.wb.sortRows(target.sheet, target.id, r1, target.r2, target.c1, target.c2, s.Fields, s.MatchCase)
}

func (wb *Workbook) sortRows(sheet string, id, r1, r2, c1, c2 int, fields []SortField, matchCase bool) error {
	if len(fields) == 0 {
		return invalidArgument("fields is empty; give at least one {\"key\": 0} to sort by.")
	}
	for _, f := range fields {
		if f.Key < 0 || f.Key > c2-c1 {
			return invalidArgument("sort key %d is outside the range's columns 0..%d.", f.Key, c2-c1)
		}
	}
	if r2 <= r1 {
		return nil
	}
	r, err := wb.rangeOf(sheet, Address{Kind: KindCells, Row1: r1, Col1: c1, Row2: r2, Col2: c2})
	if err != nil {
		return err
	}
	d, err := r.Get()
	if err != nil {
		return err
	}
	order := make([]int, r2-r1+1)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		for _, f := range fields {
			asc := f.Ascending == nil || *f.Ascending
			if c := compareCells(d.Values[a][f.Key], d.Values[b][f.Key], asc, matchCase); c != 0 {
				return c
			}
		}
		return 0
	})
	type cell struct {
		formula string
		value   Value
		style   int
	}
	rows := make([][]cell, len(order))
	for i := range order {
		rows[i] = make([]cell, c2-c1+1)
		for j := range rows[i] {
			row, col := r1+i, c1+j
			st, _ := wb.f.GetCellStyle(sheet, cellName(col, row))
			c := cell{style: st, formula: wb.formulaAt(sheet, row, col)}
			if c.formula == "" {
				c.value, _ = wb.storedValue(sheet, cellName(col, row))
			}
			rows[i][j] = c
		}
	}
	for i, from := range order {
		if i == from {
			continue
		}
		for j, c := range rows[from] {
			row, col := r1+i, c1+j
			if c.formula != "" {
				err = wb.writeFormula(sheet, id, row, col, translateFormula(c.formula, i-from, 0))
			} else {
				err = wb.writeValue(sheet, id, row, col, c.value)
			}
			if err != nil {
				return err
			}
			cn := cellName(col, row)
			if err := wb.f.SetCellStyle(sheet, cn, cn, c.style); err != nil {
				return internal(err)
			}
		}
	}
	wb.changed = true
	return nil
}

// compareCells orders two values as Excel sorts: blanks last in both
// directions, otherwise numbers < text < booleans < errors.
func compareCells(a, b Value, asc, matchCase bool) int {
	if a.Type == Empty || b.Type == Empty {
		switch {
		case a.Type == b.Type:
			return 0
		case a.Type == Empty:
			return 1
		}
		return -1
	}
	rank := func(v Value) int {
		switch v.Type {
		case Double:
			return 0
		case String:
			return 1
		case Boolean:
			return 2
		}
		return 3
	}
	c := rank(a) - rank(b)
	if c == 0 {
		switch a.Type {
		case Double:
			c = cmpFloat(a.Number, b.Number)
		case String:
			x, y := a.Text, b.Text
			if !matchCase {
				x, y = strings.ToLower(x), strings.ToLower(y)
			}
			c = strings.Compare(x, y)
		case Boolean:
			c = boolInt(a.Bool) - boolInt(b.Bool)
		}
	}
	if !asc {
		c = -c
	}
	return c
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// SortTable sorts a table's data rows (POST tables/{id}/sort/apply).
func (wb *Workbook) SortTable(table string, fields []SortField, matchCase bool) error {
	t, err := wb.findTable(table)
	if err != nil {
		return err
	}
	b1, b2 := t.body()
	if err := wb.sortRows(t.sheet, wb.sheetID(t.sheet), b1, b2, t.ref.Col1, t.ref.Col2, fields, matchCase); err != nil {
		return err
	}
	ss := &sortState{Ref: cellName(t.ref.Col1, b1) + ":" + cellName(t.ref.Col2, b2), CaseSensitive: matchCase}
	for _, f := range fields {
		col := t.ref.Col1 + f.Key
		ss.SortCondition = append(ss.SortCondition, sortCondition{Descending: f.Ascending != nil && !*f.Ascending,
			Ref: cellName(col, b1) + ":" + cellName(col, b2)})
	}
	t.x.SortState = ss
	return wb.saveTable(t)
}

// FilterCriteria is Graph's workbookFilterCriteria, for the filters the
// sandbox applies: filterOn "Values" (values) and "Custom" (criterion1,
// criterion2 joined by operator And or Or, each like ">15", "<>x", "=a*").
type FilterCriteria struct {
	FilterOn   string          `json:"filterOn"`
	Values     json.RawMessage `json:"values,omitempty"`
	Criterion1 string          `json:"criterion1,omitempty"`
	Criterion2 string          `json:"criterion2,omitempty"`
	Operator   string          `json:"operator,omitempty"`
}

// Filter is Graph's workbookFilter; Criteria is null when none applies.
type Filter struct {
	Criteria *FilterCriteria `json:"criteria"`
}

// columnFilter finds a table and the index of one of its columns.
func (wb *Workbook) columnFilter(table, column string) (*tableInfo, int, error) {
	t, err := wb.findTable(table)
	if err != nil {
		return nil, 0, err
	}
	c, err := wb.TableColumnByKey(t.x.Name, column)
	if err != nil {
		return nil, 0, err
	}
	if !t.hasHeaders() {
		return nil, 0, invalidArgument("Table %q has no header row, so it can't be filtered.", t.x.Name)
	}
	if t.x.AutoFilter == nil {
		a := t.ref
		a.Row2 -= t.x.TotalsRowCount
		t.x.AutoFilter = &autoFilter{Ref: a.area()}
	}
	return t, c.Index, nil
}

// ApplyFilter filters a table column (POST columns/{id}/filter/apply, and
// applyValuesFilter / applyCustomFilter with the matching criteria):
// rows that don't match are hidden.
func (wb *Workbook) ApplyFilter(table, column string, c FilterCriteria) error {
	t, idx, err := wb.columnFilter(table, column)
	if err != nil {
		return err
	}
	fc := &filterColumn{ColID: idx}
	switch strings.ToLower(c.FilterOn) {
	case "values":
		var vals []any
		if err := json.Unmarshal(c.Values, &vals); err != nil || len(c.Values) == 0 {
			return invalidArgument("values must be an array of the texts to show, such as [\"Open\", \"2\"].")
		}
		fc.Filters = &valueFilters{}
		for _, v := range vals {
			switch x := v.(type) {
			case string:
				if x == "" {
					fc.Filters.Blank = true
					continue
				}
				fc.Filters.Filter = append(fc.Filters.Filter, valueFilter{Val: x})
			case float64:
				fc.Filters.Filter = append(fc.Filters.Filter, valueFilter{Val: formatGeneral(x)})
			case bool:
				fc.Filters.Filter = append(fc.Filters.Filter, valueFilter{Val: strings.ToUpper(strconv.FormatBool(x))})
			default:
				return invalidArgument("Filter values must be strings, numbers or booleans; date filters are not supported by the sandbox.")
			}
		}
	case "custom":
		if c.Criterion1 == "" {
			return invalidArgument("criterion1 is required for a custom filter, such as \">15\".")
		}
		fc.CustomFilters = &customFilters{}
		switch strings.ToLower(c.Operator) {
		case "and":
			fc.CustomFilters.And = true
		case "", "or":
		default:
			return invalidArgument("operator %q is not And or Or.", c.Operator)
		}
		for _, crit := range []string{c.Criterion1, c.Criterion2} {
			if crit == "" {
				continue
			}
			op, val := splitCriterion(crit)
			fc.CustomFilters.CustomFilter = append(fc.CustomFilters.CustomFilter, customFilter{Operator: op, Val: val})
		}
	default:
		return unsupportedOperation("filterOn %q is not supported by the sandbox; use Values or Custom.", c.FilterOn)
	}
	var keep []*filterColumn
	for _, old := range t.x.AutoFilter.FilterColumn {
		if old.ColID != idx {
			keep = append(keep, old)
		}
	}
	t.x.AutoFilter.FilterColumn = append(keep, fc)
	slices.SortFunc(t.x.AutoFilter.FilterColumn, func(a, b *filterColumn) int { return a.ColID - b.ColID })
	if err := wb.saveTable(t); err != nil {
		return err
	}
	return wb.applyFilters(t)
}

// GetFilter returns a column's filter (GET columns/{id}/filter).
func (wb *Workbook) GetFilter(table, column string) (Filter, error) {
	t, idx, err := wb.columnFilter(table, column)
	if err != nil {
		return Filter{}, err
	}
	for _, fc := range filterColumns(t) {
		if fc.ColID != idx {
			continue
		}
		switch {
		case fc.Filters != nil:
			vals := []string{}
			for _, f := range fc.Filters.Filter {
				vals = append(vals, f.Val)
			}
			if fc.Filters.Blank {
				vals = append(vals, "")
			}
			b, _ := json.Marshal(vals)
			return Filter{Criteria: &FilterCriteria{FilterOn: "Values", Values: b}}, nil
		case fc.CustomFilters != nil:
			c := &FilterCriteria{FilterOn: "Custom", Operator: "Or"}
			if fc.CustomFilters.And {
				c.Operator = "And"
			}
			for i, f := range fc.CustomFilters.CustomFilter {
				s := criterionText(f)
				if i == 0 {
					c.Criterion1 = s
				} else {
					c.Criterion2 = s
				}
			}
			return Filter{Criteria: c}, nil
		}
	}
	return Filter{}, nil
}

// ClearFilter removes a column's filter (POST columns/{id}/filter/clear).
func (wb *Workbook) ClearFilter(table, column string) error {
	t, idx, err := wb.columnFilter(table, column)
	if err != nil {
		return err
	}
	var keep []*filterColumn
	for _, fc := range t.x.AutoFilter.FilterColumn {
		if fc.ColID != idx {
			keep = append(keep, fc)
		}
	}
	t.x.AutoFilter.FilterColumn = keep
	if err := wb.saveTable(t); err != nil {
		return err
	}
	return wb.applyFilters(t)
}

// ClearFilters removes every filter of a table (POST tables/{id}/clearFilters).
func (wb *Workbook) ClearFilters(table string) error {
	t, err := wb.findTable(table)
	if err != nil {
		return err
	}
	if t.x.AutoFilter != nil {
		t.x.AutoFilter.FilterColumn = nil
		if err := wb.saveTable(t); err != nil {
			return err
		}
	}
	return wb.applyFilters(t)
}

// ReapplyFilters applies a table's filters again to its current data.
func (wb *Workbook) ReapplyFilters(table string) error {
	t, err := wb.findTable(table)
	if err != nil {
		return err
	}
	return wb.applyFilters(t)
}

var criterionOps = []struct{ text, op string }{
	{"<>", "notEqual"}, {">=", "greaterThanOrEqual"}, {"<=", "lessThanOrEqual"},
	{">", "greaterThan"}, {"<", "lessThan"}, {"=", "equal"},
}

func splitCriterion(s string) (op, val string) {
	for _, o := range criterionOps {
		if strings.HasPrefix(s, o.text) {
			return o.op, strings.TrimPrefix(s, o.text)
		}
	}
	return "", s
}

func criterionText(f customFilter) string {
	for _, o := range criterionOps {
		if o.op == f.Operator {
			return o.text + f.Val
		}
	}
	return "=" + f.Val
}

// applyFilters shows the table's rows that match all its column filters and
// hides the others.
func (wb *Workbook) applyFilters(t *tableInfo) error {
	b1, b2 := t.body()
	if b2 < b1 {
		return nil
	}
	r, err := wb.rangeOf(t.sheet, Address{Kind: KindCells, Row1: b1, Col1: t.ref.Col1, Row2: b2, Col2: t.ref.Col2})
	if err != nil {
		return err
	}
	d, err := r.Get()
	if err != nil {
		return err
	}
	for i := range d.Values {
		show := true
		for _, fc := range filterColumns(t) {
			if fc.ColID < len(d.Values[i]) && !matchFilter(fc, d.Values[i][fc.ColID], d.Text[i][fc.ColID]) {
				show = false
			}
		}
		if err := wb.f.SetRowVisible(t.sheet, b1+i, show); err != nil {
			return internal(err)
		}
	}
	wb.changed = true
	return nil
}

func (wb *Workbook) showAllRows(t *tableInfo) error {
	for row := t.ref.Row1; row <= t.ref.Row2; row++ {
		if err := wb.f.SetRowVisible(t.sheet, row, true); err != nil {
			return internal(err)
		}
	}
	return nil
}

func matchFilter(fc *filterColumn, v Value, text string) bool {
	if fc.Filters != nil {
		if v.Type == Empty || text == "" {
			return fc.Filters.Blank
		}
		for _, f := range fc.Filters.Filter {
			if strings.EqualFold(f.Val, text) {
				return true
			}
		}
		return false
	}
	if fc.CustomFilters != nil {
		all := fc.CustomFilters.And
		for i, f := range fc.CustomFilters.CustomFilter {
			m := matchCriterion(f, v, text)
			if i == 0 {
				all = m
				continue
			}
			if fc.CustomFilters.And {
				all = all && m
			} else {
				all = all || m
			}
		}
		return all
	}
	return true
}

func matchCriterion(f customFilter, v Value, text string) bool {
	if n, err := strconv.ParseFloat(f.Val, 64); err == nil && v.Type == Double {
		c := cmpFloat(v.Number, n)
		switch f.Operator {
		case "greaterThan":
			return c > 0
		case "greaterThanOrEqual":
			return c >= 0
		case "lessThan":
			return c < 0
		case "lessThanOrEqual":
			return c <= 0
		case "notEqual":
			return c != 0
		}
		return c == 0
	}
	eq := wildcardMatch(strings.ToLower(f.Val), strings.ToLower(text))
	switch f.Operator {
	case "notEqual":
		return !eq
	case "", "equal":
		return eq
	}
	c := strings.Compare(strings.ToLower(text), strings.ToLower(f.Val))
	switch f.Operator {
	case "greaterThan":
		return c > 0
	case "greaterThanOrEqual":
		return c >= 0
	case "lessThan":
		return c < 0
	}
	return c <= 0
}

// wildcardMatch matches Excel's * and ? wildcards in linear-ish time
// (greedy with one backtrack point), so hostile patterns stay cheap.
func wildcardMatch(pattern, s string) bool {
	p, i, star, mark := 0, 0, -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
