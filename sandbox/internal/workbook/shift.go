package workbook

import (
	"strings"

	"github.com/xuri/excelize/v2"
)

// Insert inserts cells the size of the range, shifting the cells there
// "Down" or "Right" (POST range/insert), and returns the new blank range.
func (r *Range) Insert(direction string) (*Range, error) {
	s, err := r.shiftFor(direction, true)
	if err != nil {
		return nil, err
	}
	if err := r.wb.shiftCells(r.sheet, r.id, s, nil); err != nil {
		return nil, err
	}
	return r.sub(r.r1, r.c1, r.r2, r.c2)
}

// Delete deletes the range's cells, shifting the cells after them "Up" or
// "Left" (POST range/delete).
func (r *Range) Delete(direction string) error {
	s, err := r.shiftFor(direction, false)
	if err != nil {
		return err
	}
	return r.wb.shiftCells(r.sheet, r.id, s, nil)
}

func (r *Range) shiftFor(direction string, insert bool) (shift, error) {
	var cols bool
	switch strings.ToLower(direction) {
	case "down", "up":
		if (strings.EqualFold(direction, "down")) != insert {
			return shift{}, invalidArgument("shift %q does not apply here: insert shifts Down or Right, delete shifts Up or Left.", direction)
		}
	case "right", "left":
		if (strings.EqualFold(direction, "right")) != insert {
			return shift{}, invalidArgument("shift %q does not apply here: insert shifts Down or Right, delete shifts Up or Left.", direction)
		}
		cols = true
	default:
		return shift{}, invalidArgument("shift %q is not one of Down, Right (insert) or Up, Left (delete).", direction)
	}
	if cols && r.kind == KindRows || !cols && r.kind == KindColumns {
		return shift{}, invalidArgument("%s spans whole %s; shift it %s.", r.Address(), map[bool]string{true: "rows", false: "columns"}[r.kind == KindRows],
			map[bool]string{true: "Down or Up", false: "Right or Left"}[r.kind == KindRows])
	}
	s := shift{Sheet: r.sheet, Columns: cols}
	if cols {
		s.Start, s.Delta, s.BandFrom, s.BandTo = r.c1, r.ColumnCount(), r.r1, r.r2
	} else {
		s.Start, s.Delta, s.BandFrom, s.BandTo = r.r1, r.RowCount(), r.c1, r.c2
	}
	if !insert {
		s.Delta = -s.Delta
	}
	return s, nil
}

// shiftCells moves the cells of a band of a sheet along one dimension, as
// inserting or deleting cells does, and rewrites every reference to them:
// formulas on all sheets, defined names and tables wholly inside the moving
// area. A table or merged area cut by the move is a conflict, as in Excel;
// skip is a table the caller resizes itself.
func (wb *Workbook) shiftCells(sheet string, id int, s shift, skip *tableInfo) error {
	if err := wb.dropScratch(); err != nil {
		return err
	}
	ext := wb.extentOf(id)
	along, across := ext.rows, ext.cols
	limit := MaxRows
	if s.Columns {
		along, across = ext.cols, ext.rows
		limit = MaxColumns
	}
	bandTo := min(s.BandTo, across)
	// Where cells move from: for an insert everything from Start on, for a
	// delete everything after the deleted cells.
	moveFrom := s.Start
	if s.Delta < 0 {
		moveFrom = s.Start - s.Delta
	}
	inMoving := func(a1, a2, b1, b2 int) (inside, cut bool) {
		if b2 < s.BandFrom || b1 > s.BandTo || a2 < s.Start {
			return false, false
		}
		whollyInBand := b1 >= s.BandFrom && b2 <= s.BandTo
		if s.Delta < 0 {
			deletedEnd := s.Start - s.Delta - 1
			touchesDeleted := a1 <= deletedEnd && a2 >= s.Start
			if touchesDeleted || !whollyInBand {
				return false, true
			}
			return true, false
		}
		if !whollyInBand || a1 < s.Start {
			return false, true
		}
		return true, false
	}
	tables, err := wb.allTables()
	if err != nil {
		return err
	}
	var moving []*tableInfo
	for _, t := range tables {
		if !strings.EqualFold(t.sheet, sheet) || (skip != nil && t.path == skip.path) {
			continue
		}
		a1, a2, b1, b2 := t.ref.Row1, t.ref.Row2, t.ref.Col1, t.ref.Col2
		if s.Columns {
			a1, a2, b1, b2 = b1, b2, a1, a2
		}
		inside, cut := inMoving(a1, a2, b1, b2)
		if cut {
			return insertDeleteConflict("It would cut table %q (%s); insert or delete whole table rows or columns instead.", t.x.Name, t.ref.String())
		}
		if inside {
			moving = append(moving, t)
		}
	}
	merges, err := wb.f.GetMergeCells(sheet, true)
	if err != nil {
		return internal(err)
	}
	for _, m := range merges {
		a, err := ParseAddress(m.GetStartAxis() + ":" + m.GetEndAxis())
		if err != nil {
			continue
		}
		a1, a2, b1, b2 := a.Row1, a.Row2, a.Col1, a.Col2
		if s.Columns {
			a1, a2, b1, b2 = b1, b2, a1, a2
		}
		if inside, cut := inMoving(a1, a2, b1, b2); inside || cut {
			return insertDeleteConflict("It would move the merged cells %s; unmerge them first.", a.area())
		}
	}
	cellAt := func(a, b int) (row, col int) {
		if s.Columns {
			return b, a
		}
		return a, b
	}
	if s.Delta > 0 {
		for a := max(limit-s.Delta+1, moveFrom); a <= along; a++ {
			for b := s.BandFrom; b <= bandTo; b++ {
				row, col := cellAt(a, b)
				if !wb.cellEmpty(sheet, id, row, col) {
					return nonBlankCellOffSheet("Moving %s by %d would push it past the sheet's edge.", cellName(col, row), s.Delta)
				}
			}
		}
		for a := min(along, limit-s.Delta); a >= moveFrom; a-- {
			for b := s.BandFrom; b <= bandTo; b++ {
				sr, sc := cellAt(a, b)
				dr, dc := cellAt(a+s.Delta, b)
				if err := wb.moveCell(sheet, id, sr, sc, dr, dc); err != nil {
					return err
				}
			}
		}
	} else {
		for a := s.Start; a < moveFrom && a <= along; a++ {
			for b := s.BandFrom; b <= bandTo; b++ {
				row, col := cellAt(a, b)
				if err := wb.clearCell(sheet, id, row, col); err != nil {
					return err
				}
			}
		}
		for a := moveFrom; a <= along; a++ {
			for b := s.BandFrom; b <= bandTo; b++ {
				sr, sc := cellAt(a, b)
				dr, dc := cellAt(a+s.Delta, b)
				if err := wb.moveCell(sheet, id, sr, sc, dr, dc); err != nil {
					return err
				}
			}
		}
	}
	if s.Delta > 0 {
		if s.Columns {
			ext.cols = min(ext.cols+s.Delta, MaxColumns)
		} else {
			ext.rows = min(ext.rows+s.Delta, MaxRows)
		}
	}
	if err := wb.adjustReferences(s); err != nil {
		return err
	}
	for _, t := range moving {
		a := t.ref
		if s.Columns {
			a.Col1, a.Col2 = a.Col1+s.Delta, a.Col2+s.Delta
		} else {
			a.Row1, a.Row2 = a.Row1+s.Delta, a.Row2+s.Delta
		}
		if err := wb.setTableRef(t, a); err != nil {
			return err
		}
	}
	wb.changed = true
	return nil
}

// cellEmpty reports a cell with no value, formula or style.
func (wb *Workbook) cellEmpty(sheet string, id, row, col int) bool {
	ext := wb.extentOf(id)
	if row > ext.rows || col > ext.cols {
		return true
	}
	if _, ok := wb.formulas[id][pos(row, col)]; ok {
		return false
	}
	cell := cellName(col, row)
	if v, _ := wb.f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true}); v != "" {
		return false
	}
	st, _ := wb.f.GetCellStyle(sheet, cell)
	return st == 0
}

// moveCell moves content and style from one cell to another, as cutting and
// pasting does: formula text is kept and fixed later by adjustReferences.
func (wb *Workbook) moveCell(sheet string, id, sr, sc, dr, dc int) error {
	if wb.cellEmpty(sheet, id, sr, sc) {
		return nil
	}
	src := cellName(sc, sr)
	style, _ := wb.f.GetCellStyle(sheet, src)
	if f := wb.formulaAt(sheet, sr, sc); f != "" {
		if err := wb.writeFormula(sheet, id, dr, dc, f); err != nil {
			return err
		}
	} else {
		v, _ := wb.storedValue(sheet, src)
		if err := wb.writeValue(sheet, id, dr, dc, v); err != nil {
			return err
		}
	}
	dst := cellName(dc, dr)
	if err := wb.f.SetCellStyle(sheet, dst, dst, style); err != nil {
		return internal(err)
	}
	wb.extentOf(id).include(dr, dc)
	return wb.clearCell(sheet, id, sr, sc)
}

// clearCell removes a cell's content and style.
func (wb *Workbook) clearCell(sheet string, id, row, col int) error {
	if err := wb.writeValue(sheet, id, row, col, Value{}); err != nil {
		return err
	}
	cell := cellName(col, row)
	return internal(wb.f.SetCellStyle(sheet, cell, cell, 0))
}

// adjustReferences rewrites formulas and defined names after a shift.
func (wb *Workbook) adjustReferences(s shift) error {
	for _, sh := range wb.sheetList() {
		var fail error
		wb.eachFormula(sh.id, func(row, col int) {
			old := wb.formulaAt(sh.name, row, col)
			if nf := applyShift(old, sh.name, s); nf != old && fail == nil {
				fail = internal(wb.f.SetCellFormula(sh.name, cellName(col, row), nf))
			}
		})
		if fail != nil {
			return fail
		}
	}
	for _, d := range wb.f.GetDefinedName() {
		ref := strings.TrimPrefix(d.RefersTo, "=")
		nr := applyShift(ref, "", s)
		if nr == ref {
			continue
		}
		if err := wb.f.DeleteDefinedName(&excelize.DefinedName{Name: d.Name, Scope: d.Scope}); err != nil {
			return internal(err)
		}
		d.RefersTo = nr
		if err := wb.f.SetDefinedName(&d); err != nil {
			return internal(err)
		}
	}
	return nil
}
