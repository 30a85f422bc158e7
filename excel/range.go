package excel

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
)

// Range is Graph's workbookRange: a rectangle of cells with its address
// and, for ranges that are not whole rows or columns, the cells' values,
// formulas, number formats and displayed text, row by row.
type Range struct {
	o365.Object
	Address      string `json:"address,omitzero" o365:"readonly"`
	AddressLocal string `json:"addressLocal,omitzero" o365:"readonly"`
	CellCount    int    `json:"cellCount,omitzero" o365:"readonly"`
	ColumnCount  int    `json:"columnCount,omitzero" o365:"readonly"`
	ColumnIndex  int    `json:"columnIndex,omitzero" o365:"readonly"`
	RowCount     int    `json:"rowCount,omitzero" o365:"readonly"`
	RowIndex     int    `json:"rowIndex,omitzero" o365:"readonly"`
	ColumnHidden bool   `json:"columnHidden,omitzero" o365:"readonly"`
	RowHidden    bool   `json:"rowHidden,omitzero" o365:"readonly"`
	Hidden       bool   `json:"hidden,omitzero" o365:"readonly"`
	// Values are the cells' values; formulas are calculated.
	Values [][]Value `json:"values,omitzero" o365:"readonly"`
	// Formulas are the cells' formulas ("=B2*2"), or their constant values.
	Formulas      [][]Value `json:"formulas,omitzero" o365:"readonly"`
	FormulasLocal [][]Value `json:"formulasLocal,omitzero" o365:"readonly"`
	FormulasR1C1  [][]Value `json:"formulasR1C1,omitzero" o365:"readonly"`
	// NumberFormat holds the cells' number format codes ("General", "0.00").
	NumberFormat [][]string `json:"numberFormat,omitzero" o365:"readonly"`
	// Text is what the cells show, formatted.
	Text [][]string `json:"text,omitzero" o365:"readonly"`
	// ValueTypes are the kinds of Values: Empty, String, Double, Boolean,
	// Error.
	ValueTypes [][]string `json:"valueTypes,omitzero" o365:"readonly"`
}

// UnmarshalJSONFrom decodes the range, keeps its JSON (see o365.Object)
// and types its values by valueTypes: text that looks like an error value
// stays text, and a blank is a blank.
func (r *Range) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain Range
	if err := o365.DecodeObject(d, (*plain)(r)); err != nil {
		return err
	}
	for i, row := range r.Values {
		for j := range row {
			if i < len(r.ValueTypes) && j < len(r.ValueTypes[i]) {
				row[j] = typed(row[j], r.ValueTypes[i][j])
			}
		}
	}
	return nil
}

// typed corrects a decoded value by its Graph value type.
func typed(v Value, valueType string) Value {
	switch valueType {
	case "Empty":
		return Value{}
	case "String":
		if v.kind == KindError {
			return Text(v.text)
		}
		if v.kind == KindEmpty {
			return Text("")
		}
	case "Error":
		if v.kind == KindText {
			return ErrorValue(CellError(v.text))
		}
	}
	return v
}

// MarshalJSON encodes the range as the service sent it (see o365.Object).
func (r Range) MarshalJSON() ([]byte, error) {
	type plain Range
	return o365.MarshalObject((*plain)(&r))
}

// Cell is the value at a row and column of the range, counted from 0
// (a blank outside the values loaded).
func (r *Range) Cell(row, col int) Value {
	if row < 0 || row >= len(r.Values) || col < 0 || col >= len(r.Values[row]) {
		return Value{}
	}
	return r.Values[row][col]
}

// RangeUpdate is what UpdateRange writes; each grid, when set, has the
// range's shape, one cell per element (use Unchanged to skip a cell).
type RangeUpdate struct {
	Values       [][]Value `json:"values,omitzero"`
	Formulas     [][]Value `json:"formulas,omitzero"`
	NumberFormat [][]Value `json:"numberFormat,omitzero"`
}

// rangePath is the path of a range named by a workbook-level address:
// "Sheet1!A1:C4", "'My sheet'!A:A", or a defined name ("Totals").
func rangePath(address string) (string, error) {
	address = strings.TrimSpace(address)
	if address == "" {
		return "", errors.New("excel: empty range address")
	}
	sheet, local, ok := splitSheet(address)
	if !ok {
		if strings.HasPrefix(address, "'") || strings.Contains(address, "!") {
			return "", fmt.Errorf("excel: the address %q is malformed: write a quoted sheet name as 'My sheet'!A1, with '' for a quote in it", address)
		}
		if strings.ContainsAny(address, ":$") || looksLikeCell(address) {
			return "", fmt.Errorf("excel: the address %q names no worksheet: write it as Sheet1!%s, or ask the worksheet for it", address, address)
		}
		return "names/" + o365.Path(address) + "/range", nil
	}
	return sheetRangePath(sheet, local)
}

// sheetRangePath is the path of a range of a worksheet by its local
// address ("A1:C4", "A:A", "2:3", a worksheet-scoped name).
func sheetRangePath(sheet, local string) (string, error) {
	if strings.TrimSpace(local) == "" {
		return "", fmt.Errorf("excel: empty range address on worksheet %q", sheet)
	}
	if sheet == "" {
		return "", errors.New("excel: empty worksheet name")
	}
	return "worksheets/" + o365.Path(sheet) + "/range(address=" + odataString(local) + ")", nil
}

// splitSheet splits "Sheet1!A1" or "'It”s'!A1" into the sheet name and
// the local address.
func splitSheet(address string) (sheet, local string, ok bool) {
	if strings.HasPrefix(address, "'") {
		for i := 1; i < len(address); i++ {
			if address[i] != '\'' {
				continue
			}
			if i+1 < len(address) && address[i+1] == '\'' {
				i++
				continue
			}
			if i+1 < len(address) && address[i+1] == '!' {
				return strings.ReplaceAll(address[1:i], "''", "'"), address[i+2:], true
			}
			return "", "", false
		}
		return "", "", false
	}
	sheet, local, ok = strings.Cut(address, "!")
	return sheet, local, ok
}

// looksLikeCell reports whether s is a cell reference such as B12.
func looksLikeCell(s string) bool {
	i := 0
	for i < len(s) && (s[i] >= 'A' && s[i] <= 'Z' || s[i] >= 'a' && s[i] <= 'z') {
		i++
	}
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	return i > 0 && i <= 3 && j > i && j == len(s)
}

// getRange loads the range at path.
func (wb *Workbook) getRange(ctx context.Context, path, label string) (*Range, error) {
	var r Range
	if err := wb.call(ctx, http.MethodGet, path, nil, &r); err != nil {
		return nil, fmt.Errorf("excel: get range %s: %w", label, err)
	}
	return &r, nil
}

// GetRange loads a range by workbook-level address: "Sheet1!A1:C10",
// "Sheet1!A:C" (whole columns), "Sheet1!2:4" (whole rows), or a defined
// name.
//
// Graph: GET /me/drive/items/{id}/workbook/worksheets/{id|name}/range(address='A1:C10')
// (https://learn.microsoft.com/graph/api/range-get).
func (wb *Workbook) GetRange(ctx context.Context, address string) (*Range, error) {
	p, err := rangePath(address)
	if err != nil {
		return nil, err
	}
	return wb.getRange(ctx, p, address)
}

// UpdateRange writes values, formulas or number formats into a range and
// returns it as it is then (formulas calculated).
//
// Graph: PATCH /me/drive/items/{id}/workbook/worksheets/{id|name}/range(address='A1:C10')
// (https://learn.microsoft.com/graph/api/range-update).
func (wb *Workbook) UpdateRange(ctx context.Context, address string, u RangeUpdate) (*Range, error) {
	p, err := rangePath(address)
	if err != nil {
		return nil, err
	}
	return wb.updateRange(ctx, p, address, u)
}

func (wb *Workbook) updateRange(ctx context.Context, path, label string, u RangeUpdate) (*Range, error) {
	if u.Values == nil && u.Formulas == nil && u.NumberFormat == nil {
		return nil, fmt.Errorf("excel: update range %s: nothing to write", label)
	}
	var r Range
	if err := wb.call(ctx, http.MethodPatch, path, u, &r); err != nil {
		return nil, fmt.Errorf("excel: update range %s: %w", label, err)
	}
	return &r, nil
}

// What Clear clears.
const (
	ClearAll      = "All"
	ClearContents = "Contents"
	ClearFormats  = "Formats"
)

// ClearRange clears a range's contents, formats or both (ClearAll, the
// default for "").
//
// Graph: POST /me/drive/items/{id}/workbook/worksheets/{id|name}/range(address='A1:C10')/clear
// (https://learn.microsoft.com/graph/api/range-clear).
func (wb *Workbook) ClearRange(ctx context.Context, address, applyTo string) error {
	p, err := rangePath(address)
	if err != nil {
		return err
	}
	return wb.clearRange(ctx, p, address, applyTo)
}

func (wb *Workbook) clearRange(ctx context.Context, path, label, applyTo string) error {
	if applyTo == "" {
		applyTo = ClearAll
	}
	if err := wb.call(ctx, http.MethodPost, path+"/clear", map[string]string{"applyTo": applyTo}, nil); err != nil {
		return fmt.Errorf("excel: clear range %s: %w", label, err)
	}
	return nil
}

// Directions cells move in when cells are inserted or deleted.
const (
	ShiftDown  = "Down"
	ShiftRight = "Right"
	ShiftUp    = "Up"
	ShiftLeft  = "Left"
)

// InsertCells inserts blank cells where the range is, moving the cells
// there ShiftDown or ShiftRight, and returns the new blank range.
//
// Graph: POST /me/drive/items/{id}/workbook/worksheets/{id|name}/range(address='A1:C10')/insert
// (https://learn.microsoft.com/graph/api/range-insert).
func (wb *Workbook) InsertCells(ctx context.Context, address, shift string) (*Range, error) {
	p, err := rangePath(address)
	if err != nil {
		return nil, err
	}
	return wb.insertCells(ctx, p, address, shift)
}

func (wb *Workbook) insertCells(ctx context.Context, path, label, shift string) (*Range, error) {
	var r Range
	if err := wb.call(ctx, http.MethodPost, path+"/insert", map[string]string{"shift": shift}, &r); err != nil {
		return nil, fmt.Errorf("excel: insert cells at %s: %w", label, err)
	}
	return &r, nil
}

// DeleteCells deletes the range's cells, moving the cells after them
// ShiftUp or ShiftLeft.
//
// Graph: POST /me/drive/items/{id}/workbook/worksheets/{id|name}/range(address='A1:C10')/delete
// (https://learn.microsoft.com/graph/api/range-delete).
func (wb *Workbook) DeleteCells(ctx context.Context, address, shift string) error {
	p, err := rangePath(address)
	if err != nil {
		return err
	}
	return wb.deleteCells(ctx, p, address, shift)
}

func (wb *Workbook) deleteCells(ctx context.Context, path, label, shift string) error {
	if err := wb.call(ctx, http.MethodPost, path+"/delete", map[string]string{"shift": shift}, nil); err != nil {
		return fmt.Errorf("excel: delete cells at %s: %w", label, err)
	}
	return nil
}

// SortField is one key of a sort: the column within the range (from 0)
// and the direction.
type SortField struct {
	Key       int  `json:"key"`
	Ascending bool `json:"ascending"`
}

// SortOptions tune SortRange; nil means case-insensitive, no header row.
type SortOptions struct {
	MatchCase  bool `json:"matchCase,omitzero"`
	HasHeaders bool `json:"hasHeaders,omitzero"`
}

// SortRange sorts a range's rows by fields, in Excel's order (numbers,
// text, booleans, errors; blanks last).
//
// Graph: POST /me/drive/items/{id}/workbook/worksheets/{id|name}/range(address='A1:C10')/sort/apply
// (https://learn.microsoft.com/graph/api/rangesort-apply).
func (wb *Workbook) SortRange(ctx context.Context, address string, fields []SortField, opts *SortOptions) error {
	p, err := rangePath(address)
	if err != nil {
		return err
	}
	return wb.sortRange(ctx, p, address, fields, opts)
}

func (wb *Workbook) sortRange(ctx context.Context, path, label string, fields []SortField, opts *SortOptions) error {
	if len(fields) == 0 {
		return fmt.Errorf("excel: sort %s: no sort fields", label)
	}
	body := map[string]any{"fields": fields}
	if opts != nil {
		body["matchCase"], body["hasHeaders"] = opts.MatchCase, opts.HasHeaders
	}
	if err := wb.call(ctx, http.MethodPost, path+"/sort/apply", body, nil); err != nil {
		return fmt.Errorf("excel: sort %s: %w", label, err)
	}
	return nil
}
