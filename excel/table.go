package excel

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
)

// Table is Graph's workbookTable: a table of a worksheet, with a header
// row, data rows and columns. Its methods act in the workbook's session.
type Table struct {
	o365.Object
	ID                   string `json:"id,omitzero" o365:"readonly"`
	Name                 string `json:"name,omitzero" o365:"readonly"`
	LegacyID             string `json:"legacyId,omitzero" o365:"readonly"`
	ShowHeaders          bool   `json:"showHeaders,omitzero" o365:"readonly"`
	ShowTotals           bool   `json:"showTotals,omitzero" o365:"readonly"`
	Style                string `json:"style,omitzero" o365:"readonly"`
	HighlightFirstColumn bool   `json:"highlightFirstColumn,omitzero" o365:"readonly"`
	HighlightLastColumn  bool   `json:"highlightLastColumn,omitzero" o365:"readonly"`
	ShowBandedColumns    bool   `json:"showBandedColumns,omitzero" o365:"readonly"`
	ShowBandedRows       bool   `json:"showBandedRows,omitzero" o365:"readonly"`
	ShowFilterButton     bool   `json:"showFilterButton,omitzero" o365:"readonly"`

	wb *Workbook
}

// UnmarshalJSONFrom decodes the table and keeps its JSON (see o365.Object).
func (t *Table) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain Table
	return o365.DecodeObject(d, (*plain)(t))
}

// MarshalJSON encodes the table as the service sent it (see o365.Object).
func (t Table) MarshalJSON() ([]byte, error) {
	type plain Table
	return o365.MarshalObject((*plain)(&t))
}

func (t *Table) key() string {
	if t.ID != "" {
		return t.ID
	}
	return t.Name
}

func (t *Table) path(sub string) string {
	p := "tables/" + o365.Path(t.key())
	if sub != "" {
		p += "/" + sub
	}
	return p
}

func (t *Table) ready() error {
	if t.wb == nil {
		return fmt.Errorf("excel: table %q: %w", t.key(), o365.ErrUnbound)
	}
	return nil
}

// Table returns the table with this name or id without a request.
func (wb *Workbook) Table(nameOrID string) *Table { return &Table{Name: nameOrID, wb: wb} }

func (wb *Workbook) listTables(ctx context.Context, path string) iter.Seq2[*Table, error] {
	return func(yield func(*Table, error) bool) {
		var page struct {
			Value []*Table `json:"value"`
		}
		if err := wb.call(ctx, http.MethodGet, path, nil, &page); err != nil {
			yield(nil, fmt.Errorf("excel: list tables: %w", err))
			return
		}
		for _, t := range page.Value {
			t.wb = wb
			if !yield(t, nil) {
				return
			}
		}
	}
}

// ListTables lists the workbook's tables.
//
// Graph: GET /me/drive/items/{id}/workbook/tables
// (https://learn.microsoft.com/graph/api/workbook-list-tables).
func (wb *Workbook) ListTables(ctx context.Context) iter.Seq2[*Table, error] {
	return wb.listTables(ctx, "tables")
}

// GetTable loads a table by name or id.
//
// Graph: GET /me/drive/items/{id}/workbook/tables/{id|name}
// (https://learn.microsoft.com/graph/api/table-get).
func (wb *Workbook) GetTable(ctx context.Context, nameOrID string) (*Table, error) {
	t := &Table{Name: nameOrID, wb: wb}
	var fresh Table
	if err := wb.call(ctx, http.MethodGet, t.path(""), nil, &fresh); err != nil {
		return nil, fmt.Errorf("excel: get table %q: %w", nameOrID, err)
	}
	fresh.wb = wb
	return &fresh, nil
}

// AddTable makes a table of a range ("Sheet1!A1:C10"); with hasHeaders its
// first row names the columns, else Excel adds a header row above.
//
// Graph: POST /me/drive/items/{id}/workbook/tables/add
// (https://learn.microsoft.com/graph/api/tablecollection-add).
func (wb *Workbook) AddTable(ctx context.Context, address string, hasHeaders bool) (*Table, error) {
	if address == "" {
		return nil, errors.New("excel: add table: empty address")
	}
	var t Table
	if err := wb.call(ctx, http.MethodPost, "tables/add", map[string]any{"address": address, "hasHeaders": hasHeaders}, &t); err != nil {
		return nil, fmt.Errorf("excel: add table at %s: %w", address, err)
	}
	t.wb = wb
	return &t, nil
}

// Rename renames the table.
//
// Graph: PATCH /me/drive/items/{id}/workbook/tables/{id|name}
// (https://learn.microsoft.com/graph/api/table-update).
func (t *Table) Rename(ctx context.Context, name string) error {
	if err := t.ready(); err != nil {
		return err
	}
	wb := t.wb
	var fresh Table
	if err := wb.call(ctx, http.MethodPatch, t.path(""), map[string]any{"name": name}, &fresh); err != nil {
		return fmt.Errorf("excel: rename table %q: %w", t.key(), err)
	}
	*t = fresh
	t.wb = wb
	return nil
}

// Delete deletes the table and its cells' contents.
//
// Graph: DELETE /me/drive/items/{id}/workbook/tables/{id|name}
// (https://learn.microsoft.com/graph/api/table-delete).
func (t *Table) Delete(ctx context.Context) error {
	if err := t.ready(); err != nil {
		return err
	}
	if err := t.wb.call(ctx, http.MethodDelete, t.path(""), nil, nil); err != nil {
		return fmt.Errorf("excel: delete table %q: %w", t.key(), err)
	}
	return nil
}

// GetRange loads the table's whole range, header and totals included.
//
// Graph: GET /me/drive/items/{id}/workbook/tables/{id|name}/range
// (https://learn.microsoft.com/graph/api/table-range).
func (t *Table) GetRange(ctx context.Context) (*Range, error) {
	if err := t.ready(); err != nil {
		return nil, err
	}
	return t.wb.getRange(ctx, t.path("range"), "of table "+t.key())
}

// TableRow is Graph's workbookTableRow: a data row of a table, by index
// (from 0), with its values as one row.
type TableRow struct {
	o365.Object
	Index  int       `json:"index,omitzero" o365:"readonly"`
	Values [][]Value `json:"values,omitzero" o365:"readonly"`
}

// UnmarshalJSONFrom decodes the row and keeps its JSON (see o365.Object).
func (r *TableRow) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain TableRow
	return o365.DecodeObject(d, (*plain)(r))
}

// MarshalJSON encodes the row as the service sent it (see o365.Object).
func (r TableRow) MarshalJSON() ([]byte, error) {
	type plain TableRow
	return o365.MarshalObject((*plain)(&r))
}

// Cells are the row's values.
func (r *TableRow) Cells() []Value {
	if len(r.Values) == 0 {
		return nil
	}
	return r.Values[0]
}

// ListRows lists the table's data rows.
//
// Graph: GET /me/drive/items/{id}/workbook/tables/{id|name}/rows
// (https://learn.microsoft.com/graph/api/table-list-rows).
func (t *Table) ListRows(ctx context.Context) iter.Seq2[*TableRow, error] {
	return func(yield func(*TableRow, error) bool) {
		if err := t.ready(); err != nil {
			yield(nil, err)
			return
		}
		var page struct {
			Value []*TableRow `json:"value"`
		}
		if err := t.wb.call(ctx, http.MethodGet, t.path("rows"), nil, &page); err != nil {
			yield(nil, fmt.Errorf("excel: list rows of table %q: %w", t.key(), err))
			return
		}
		for _, r := range page.Value {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// GetRow loads a data row by index (from 0).
//
// Graph: GET /me/drive/items/{id}/workbook/tables/{id|name}/rows/itemAt(index={n})
// (https://learn.microsoft.com/graph/api/tablerowcollection-itemat).
func (t *Table) GetRow(ctx context.Context, index int) (*TableRow, error) {
	if err := t.ready(); err != nil {
		return nil, err
	}
	var r TableRow
	if err := t.wb.call(ctx, http.MethodGet, t.path(fmt.Sprintf("rows/itemAt(index=%d)", index)), nil, &r); err != nil {
		return nil, fmt.Errorf("excel: get row %d of table %q: %w", index, t.key(), err)
	}
	return &r, nil
}

// AddRows appends rows at the end of the table in one request (the table
// grows and formulas next to it follow), and returns the first row added.
// Adding is not repeated after an answer that may hide it was done.
//
// Graph: POST /me/drive/items/{id}/workbook/tables/{id|name}/rows
// (https://learn.microsoft.com/graph/api/table-post-rows).
func (t *Table) AddRows(ctx context.Context, rows [][]Value) (*TableRow, error) {
	return t.InsertRows(ctx, -1, rows)
}

// InsertRows inserts rows before the data row at index (from 0; -1
// appends), and returns the first row inserted.
//
// Graph: POST /me/drive/items/{id}/workbook/tables/{id|name}/rows
// (https://learn.microsoft.com/graph/api/table-post-rows).
func (t *Table) InsertRows(ctx context.Context, index int, rows [][]Value) (*TableRow, error) {
	if err := t.ready(); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("excel: add rows to table %q: no rows", t.key())
	}
	body := struct {
		Index  *int      `json:"index"`
		Values [][]Value `json:"values"`
	}{Values: rows}
	if index >= 0 {
		body.Index = &index
	}
	var r TableRow
	if err := t.wb.call(ctx, http.MethodPost, t.path("rows"), body, &r); err != nil {
		return nil, fmt.Errorf("excel: add rows to table %q: %w", t.key(), err)
	}
	return &r, nil
}

// UpdateRow writes the values of a data row (from 0).
//
// Graph: PATCH /me/drive/items/{id}/workbook/tables/{id|name}/rows/itemAt(index={n})
// (https://learn.microsoft.com/graph/api/tablerow-update).
func (t *Table) UpdateRow(ctx context.Context, index int, values []Value) (*TableRow, error) {
	if err := t.ready(); err != nil {
		return nil, err
	}
	var r TableRow
	body := map[string][][]Value{"values": {values}}
	if err := t.wb.call(ctx, http.MethodPatch, t.path(fmt.Sprintf("rows/itemAt(index=%d)", index)), body, &r); err != nil {
		return nil, fmt.Errorf("excel: update row %d of table %q: %w", index, t.key(), err)
	}
	return &r, nil
}

// DeleteRow deletes a data row (from 0); the rows below move up.
//
// Graph: DELETE /me/drive/items/{id}/workbook/tables/{id|name}/rows/itemAt(index={n})
// (https://learn.microsoft.com/graph/api/tablerow-delete).
func (t *Table) DeleteRow(ctx context.Context, index int) error {
	if err := t.ready(); err != nil {
		return err
	}
	if err := t.wb.call(ctx, http.MethodDelete, t.path(fmt.Sprintf("rows/itemAt(index=%d)", index)), nil, nil); err != nil {
		return fmt.Errorf("excel: delete row %d of table %q: %w", index, t.key(), err)
	}
	return nil
}

// TableColumn is Graph's workbookTableColumn: a column of a table, its
// values including the header.
type TableColumn struct {
	o365.Object
	ID     string    `json:"id,omitzero" o365:"readonly"`
	Name   string    `json:"name,omitzero" o365:"readonly"`
	Index  int       `json:"index,omitzero" o365:"readonly"`
	Values [][]Value `json:"values,omitzero" o365:"readonly"`
}

// UnmarshalJSONFrom decodes the column and keeps its JSON (see o365.Object).
func (c *TableColumn) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain TableColumn
	return o365.DecodeObject(d, (*plain)(c))
}

// MarshalJSON encodes the column as the service sent it (see o365.Object).
func (c TableColumn) MarshalJSON() ([]byte, error) {
	type plain TableColumn
	return o365.MarshalObject((*plain)(&c))
}

// ListColumns lists the table's columns.
//
// Graph: GET /me/drive/items/{id}/workbook/tables/{id|name}/columns
// (https://learn.microsoft.com/graph/api/table-list-columns).
func (t *Table) ListColumns(ctx context.Context) iter.Seq2[*TableColumn, error] {
	return func(yield func(*TableColumn, error) bool) {
		if err := t.ready(); err != nil {
			yield(nil, err)
			return
		}
		var page struct {
			Value []*TableColumn `json:"value"`
		}
		if err := t.wb.call(ctx, http.MethodGet, t.path("columns"), nil, &page); err != nil {
			yield(nil, fmt.Errorf("excel: list columns of table %q: %w", t.key(), err))
			return
		}
		for _, c := range page.Value {
			if !yield(c, nil) {
				return
			}
		}
	}
}

// AddColumn adds a column named name at index (from 0; -1 appends) with
// values for its data rows (nil leaves them blank).
//
// Graph: POST /me/drive/items/{id}/workbook/tables/{id|name}/columns
// (https://learn.microsoft.com/graph/api/table-post-columns).
func (t *Table) AddColumn(ctx context.Context, index int, name string, values []Value) (*TableColumn, error) {
	if err := t.ready(); err != nil {
		return nil, err
	}
	body := struct {
		Index  *int      `json:"index"`
		Name   string    `json:"name,omitzero"`
		Values [][]Value `json:"values,omitzero"`
	}{Name: name}
	if index >= 0 {
		body.Index = &index
	}
	if len(values) > 0 {
		// The header first: the name, or blank for Excel to name it.
		body.Values = [][]Value{{Text(name)}}
		for _, v := range values {
			body.Values = append(body.Values, []Value{v})
		}
	}
	var c TableColumn
	if err := t.wb.call(ctx, http.MethodPost, t.path("columns"), body, &c); err != nil {
		return nil, fmt.Errorf("excel: add column %q to table %q: %w", name, t.key(), err)
	}
	return &c, nil
}

// DeleteColumn deletes a column by name or id.
//
// Graph: DELETE /me/drive/items/{id}/workbook/tables/{id|name}/columns/{id|name}
// (https://learn.microsoft.com/graph/api/tablecolumn-delete).
func (t *Table) DeleteColumn(ctx context.Context, nameOrID string) error {
	if err := t.ready(); err != nil {
		return err
	}
	if err := t.wb.call(ctx, http.MethodDelete, t.path("columns/"+o365.Path(nameOrID)), nil, nil); err != nil {
		return fmt.Errorf("excel: delete column %q of table %q: %w", nameOrID, t.key(), err)
	}
	return nil
}

// Sort sorts the table's data rows by fields (keys count the table's
// columns from 0).
//
// Graph: POST /me/drive/items/{id}/workbook/tables/{id|name}/sort/apply
// (https://learn.microsoft.com/graph/api/tablesort-apply).
func (t *Table) Sort(ctx context.Context, fields []SortField, matchCase bool) error {
	if err := t.ready(); err != nil {
		return err
	}
	if len(fields) == 0 {
		return fmt.Errorf("excel: sort table %q: no sort fields", t.key())
	}
	body := map[string]any{"fields": fields, "matchCase": matchCase}
	if err := t.wb.call(ctx, http.MethodPost, t.path("sort/apply"), body, nil); err != nil {
		return fmt.Errorf("excel: sort table %q: %w", t.key(), err)
	}
	return nil
}

// FilterCriteria is Graph's workbookFilterCriteria, in the forms Excel
// applies to a table column: FilterOn "Values" with Values (the shown
// values), or "Custom" with Criterion1 (and Criterion2 joined by Operator
// And or Or), such as ">15" or "=East*".
type FilterCriteria struct {
	FilterOn   string   `json:"filterOn"`
	Values     []string `json:"values,omitzero"`
	Criterion1 string   `json:"criterion1,omitzero"`
	Criterion2 string   `json:"criterion2,omitzero"`
	Operator   string   `json:"operator,omitzero"`
}

// FilterValues shows only the rows whose column holds one of values.
func FilterValues(values ...string) FilterCriteria {
	return FilterCriteria{FilterOn: "Values", Values: values}
}

// FilterCustom shows only the rows whose column meets criterion (">15",
// "=East*", "<>x").
func FilterCustom(criterion string) FilterCriteria {
	return FilterCriteria{FilterOn: "Custom", Criterion1: criterion}
}

// Filter filters the table's rows on one column (name or id): rows that
// do not match are hidden.
//
// Graph: POST /me/drive/items/{id}/workbook/tables/{id|name}/columns/{id|name}/filter/apply
// (https://learn.microsoft.com/graph/api/filter-apply).
func (t *Table) Filter(ctx context.Context, column string, c FilterCriteria) error {
	if err := t.ready(); err != nil {
		return err
	}
	p := t.path("columns/" + o365.Path(column) + "/filter/apply")
	if err := t.wb.call(ctx, http.MethodPost, p, map[string]any{"criteria": c}, nil); err != nil {
		return fmt.Errorf("excel: filter table %q on %q: %w", t.key(), column, err)
	}
	return nil
}

// ClearFilter removes the filter of one column (name or id).
//
// Graph: POST /me/drive/items/{id}/workbook/tables/{id|name}/columns/{id|name}/filter/clear
// (https://learn.microsoft.com/graph/api/filter-clear).
func (t *Table) ClearFilter(ctx context.Context, column string) error {
	if err := t.ready(); err != nil {
		return err
	}
	p := t.path("columns/" + o365.Path(column) + "/filter/clear")
	if err := t.wb.call(ctx, http.MethodPost, p, nil, nil); err != nil {
		return fmt.Errorf("excel: clear the filter of table %q on %q: %w", t.key(), column, err)
	}
	return nil
}
