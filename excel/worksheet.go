package excel

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
)

// Worksheet is Graph's workbookWorksheet: a sheet of the workbook. Its
// methods act in the workbook's session.
type Worksheet struct {
	o365.Object
	ID       string `json:"id,omitzero" o365:"readonly"`
	Name     string `json:"name,omitzero" o365:"readonly"`
	Position int    `json:"position,omitzero" o365:"readonly"`
	// Visibility is Visible, Hidden or VeryHidden.
	Visibility string `json:"visibility,omitzero" o365:"readonly"`

	wb *Workbook
}

// UnmarshalJSONFrom decodes the worksheet and keeps its JSON (see
// o365.Object).
func (ws *Worksheet) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain Worksheet
	return o365.DecodeObject(d, (*plain)(ws))
}

// MarshalJSON encodes the worksheet as the service sent it (see
// o365.Object).
func (ws Worksheet) MarshalJSON() ([]byte, error) {
	type plain Worksheet
	return o365.MarshalObject((*plain)(&ws))
}

// key is how the worksheet is addressed: its id when known, else its name.
func (ws *Worksheet) key() string {
	if ws.ID != "" {
		return ws.ID
	}
	return ws.Name
}

func (ws *Worksheet) path(sub string) string {
	p := "worksheets/" + o365.Path(ws.key())
	if sub != "" {
		p += "/" + sub
	}
	return p
}

func (ws *Worksheet) ready() error {
	if ws.wb == nil {
		return fmt.Errorf("excel: worksheet %q: %w", ws.key(), o365.ErrUnbound)
	}
	return nil
}

// Worksheet returns the worksheet with this name or id without a request.
func (wb *Workbook) Worksheet(nameOrID string) *Worksheet {
	return &Worksheet{Name: nameOrID, wb: wb}
}

// ListWorksheets lists the worksheets in tab order.
//
// Graph: GET /me/drive/items/{id}/workbook/worksheets
// (https://learn.microsoft.com/graph/api/workbook-list-worksheets).
func (wb *Workbook) ListWorksheets(ctx context.Context) iter.Seq2[*Worksheet, error] {
	return func(yield func(*Worksheet, error) bool) {
		var page struct {
			Value []*Worksheet `json:"value"`
		}
		if err := wb.call(ctx, http.MethodGet, "worksheets", nil, &page); err != nil {
			yield(nil, fmt.Errorf("excel: list worksheets: %w", err))
			return
		}
		for _, ws := range page.Value {
			ws.wb = wb
			if !yield(ws, nil) {
				return
			}
		}
	}
}

// GetWorksheet loads a worksheet by name or id.
//
// Graph: GET /me/drive/items/{id}/workbook/worksheets/{id|name}
// (https://learn.microsoft.com/graph/api/worksheet-get).
func (wb *Workbook) GetWorksheet(ctx context.Context, nameOrID string) (*Worksheet, error) {
	ws := &Worksheet{Name: nameOrID, wb: wb}
	if err := ws.Refresh(ctx); err != nil {
		return nil, err
	}
	return ws, nil
}

// AddWorksheet adds a worksheet at the end ("" lets Excel name it
// SheetN). Names are unique, so a lost answer is looked for by name.
//
// Graph: POST /me/drive/items/{id}/workbook/worksheets/add
// (https://learn.microsoft.com/graph/api/worksheetcollection-add).
func (wb *Workbook) AddWorksheet(ctx context.Context, name string) (*Worksheet, error) {
	ws := &Worksheet{wb: wb}
	body := map[string]string{}
	if name != "" {
		body["name"] = name
	}
	err := o365.Once(ctx, func() error { return wb.call(ctx, http.MethodPost, "worksheets/add", body, ws) }, func() (bool, error) {
		if name == "" {
			return false, nil
		}
		found, err := wb.GetWorksheet(ctx, name)
		if errors.Is(err, o365.ErrNotFound) {
			return false, nil
		}
		if err == nil {
			*ws = *found
		}
		return err == nil, err
	})
	if err != nil {
		return nil, fmt.Errorf("excel: add worksheet %q: %w", name, err)
	}
	ws.wb = wb
	return ws, nil
}

// Refresh loads the worksheet's name, position and visibility.
//
// Graph: GET /me/drive/items/{id}/workbook/worksheets/{id|name}
// (https://learn.microsoft.com/graph/api/worksheet-get).
func (ws *Worksheet) Refresh(ctx context.Context) error {
	if err := ws.ready(); err != nil {
		return err
	}
	wb := ws.wb
	var fresh Worksheet
	if err := wb.call(ctx, http.MethodGet, ws.path(""), nil, &fresh); err != nil {
		return fmt.Errorf("excel: get worksheet %q: %w", ws.key(), err)
	}
	*ws = fresh
	ws.wb = wb
	return nil
}

// update PATCHes the worksheet and takes the answer.
func (ws *Worksheet) update(ctx context.Context, body map[string]any, what string) error {
	if err := ws.ready(); err != nil {
		return err
	}
	wb := ws.wb
	var fresh Worksheet
	if err := wb.call(ctx, http.MethodPatch, ws.path(""), body, &fresh); err != nil {
		return fmt.Errorf("excel: %s worksheet %q: %w", what, ws.key(), err)
	}
	*ws = fresh
	ws.wb = wb
	return nil
}

// Rename renames the worksheet; formulas that refer to it follow.
//
// Graph: PATCH /me/drive/items/{id}/workbook/worksheets/{id|name}
// (https://learn.microsoft.com/graph/api/worksheet-update).
func (ws *Worksheet) Rename(ctx context.Context, name string) error {
	if name == "" {
		return errors.New("excel: rename worksheet: empty name")
	}
	return ws.update(ctx, map[string]any{"name": name}, "rename")
}

// Move moves the worksheet to a tab position (from 0).
//
// Graph: PATCH /me/drive/items/{id}/workbook/worksheets/{id|name}
// (https://learn.microsoft.com/graph/api/worksheet-update).
func (ws *Worksheet) Move(ctx context.Context, position int) error {
	if position < 0 {
		return errors.New("excel: move worksheet: negative position " + strconv.Itoa(position))
	}
	return ws.update(ctx, map[string]any{"position": position}, "move")
}

// SetVisibility shows or hides the worksheet: Visible, Hidden or
// VeryHidden.
//
// Graph: PATCH /me/drive/items/{id}/workbook/worksheets/{id|name}
// (https://learn.microsoft.com/graph/api/worksheet-update).
func (ws *Worksheet) SetVisibility(ctx context.Context, visibility string) error {
	return ws.update(ctx, map[string]any{"visibility": visibility}, "hide or show")
}

// Delete deletes the worksheet.
//
// Graph: DELETE /me/drive/items/{id}/workbook/worksheets/{id|name}
// (https://learn.microsoft.com/graph/api/worksheet-delete).
func (ws *Worksheet) Delete(ctx context.Context) error {
	if err := ws.ready(); err != nil {
		return err
	}
	if err := ws.wb.call(ctx, http.MethodDelete, ws.path(""), nil, nil); err != nil {
		return fmt.Errorf("excel: delete worksheet %q: %w", ws.key(), err)
	}
	return nil
}

// UsedRange loads the smallest range holding every used cell of the
// worksheet; valuesOnly ignores cells that hold only formatting.
//
// Graph: GET /me/drive/items/{id}/workbook/worksheets/{id|name}/usedRange(valuesOnly=true)
// (https://learn.microsoft.com/graph/api/worksheet-usedrange).
func (ws *Worksheet) UsedRange(ctx context.Context, valuesOnly bool) (*Range, error) {
	if err := ws.ready(); err != nil {
		return nil, err
	}
	return ws.wb.getRange(ctx, ws.path("usedRange(valuesOnly="+strconv.FormatBool(valuesOnly)+")"), ws.key()+" used range")
}

// rangePath is the path of a range of the worksheet.
func (ws *Worksheet) rangePath(address string) (string, error) {
	if err := ws.ready(); err != nil {
		return "", err
	}
	return sheetRangePath(ws.key(), address)
}

// GetRange loads a range of the worksheet: "A1:C10", "A:C", "2:4" or a
// name scoped to the worksheet.
//
// Graph: GET /me/drive/items/{id}/workbook/worksheets/{id|name}/range(address='A1:C10')
// (https://learn.microsoft.com/graph/api/worksheet-range).
func (ws *Worksheet) GetRange(ctx context.Context, address string) (*Range, error) {
	p, err := ws.rangePath(address)
	if err != nil {
		return nil, err
	}
	return ws.wb.getRange(ctx, p, address)
}

// GetCell loads one cell by row and column, counted from 0.
//
// Graph: GET /me/drive/items/{id}/workbook/worksheets/{id|name}/cell(row=0,column=0)
// (https://learn.microsoft.com/graph/api/worksheet-cell).
func (ws *Worksheet) GetCell(ctx context.Context, row, column int) (*Range, error) {
	if err := ws.ready(); err != nil {
		return nil, err
	}
	if row < 0 || column < 0 {
		return nil, fmt.Errorf("excel: cell (%d, %d): rows and columns count from 0", row, column)
	}
	return ws.wb.getRange(ctx, ws.path(fmt.Sprintf("cell(row=%d,column=%d)", row, column)), fmt.Sprintf("cell(%d,%d)", row, column))
}

// UpdateRange writes into a range of the worksheet (see
// Workbook.UpdateRange).
//
// Graph: PATCH /me/drive/items/{id}/workbook/worksheets/{id|name}/range(address='A1:C10')
// (https://learn.microsoft.com/graph/api/range-update).
func (ws *Worksheet) UpdateRange(ctx context.Context, address string, u RangeUpdate) (*Range, error) {
	p, err := ws.rangePath(address)
	if err != nil {
		return nil, err
	}
	return ws.wb.updateRange(ctx, p, address, u)
}

// ClearRange clears a range of the worksheet (see Workbook.ClearRange).
//
// Graph: POST /me/drive/items/{id}/workbook/worksheets/{id|name}/range(address='A1:C10')/clear
// (https://learn.microsoft.com/graph/api/range-clear).
func (ws *Worksheet) ClearRange(ctx context.Context, address, applyTo string) error {
	p, err := ws.rangePath(address)
	if err != nil {
		return err
	}
	return ws.wb.clearRange(ctx, p, address, applyTo)
}

// InsertCells inserts blank cells in the worksheet (see
// Workbook.InsertCells).
//
// Graph: POST /me/drive/items/{id}/workbook/worksheets/{id|name}/range(address='A1:C10')/insert
// (https://learn.microsoft.com/graph/api/range-insert).
func (ws *Worksheet) InsertCells(ctx context.Context, address, shift string) (*Range, error) {
	p, err := ws.rangePath(address)
	if err != nil {
		return nil, err
	}
	return ws.wb.insertCells(ctx, p, address, shift)
}

// DeleteCells deletes cells of the worksheet (see Workbook.DeleteCells).
//
// Graph: POST /me/drive/items/{id}/workbook/worksheets/{id|name}/range(address='A1:C10')/delete
// (https://learn.microsoft.com/graph/api/range-delete).
func (ws *Worksheet) DeleteCells(ctx context.Context, address, shift string) error {
	p, err := ws.rangePath(address)
	if err != nil {
		return err
	}
	return ws.wb.deleteCells(ctx, p, address, shift)
}

// SortRange sorts a range of the worksheet (see Workbook.SortRange).
//
// Graph: POST /me/drive/items/{id}/workbook/worksheets/{id|name}/range(address='A1:C10')/sort/apply
// (https://learn.microsoft.com/graph/api/rangesort-apply).
func (ws *Worksheet) SortRange(ctx context.Context, address string, fields []SortField, opts *SortOptions) error {
	p, err := ws.rangePath(address)
	if err != nil {
		return err
	}
	return ws.wb.sortRange(ctx, p, address, fields, opts)
}

// ListTables lists the worksheet's tables.
//
// Graph: GET /me/drive/items/{id}/workbook/worksheets/{id|name}/tables
// (https://learn.microsoft.com/graph/api/worksheet-list-tables).
func (ws *Worksheet) ListTables(ctx context.Context) iter.Seq2[*Table, error] {
	if err := ws.ready(); err != nil {
		return o365.Fail[Table](err)
	}
	return ws.wb.listTables(ctx, ws.path("tables"))
}
