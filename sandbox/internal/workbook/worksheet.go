package workbook

import (
	"fmt"
	"strconv"
	"strings"
)

// Worksheet is Graph's workbookWorksheet.
type Worksheet struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Position   int    `json:"position"`
	Visibility string `json:"visibility"`
}

// WorksheetUpdate is the body of PATCH /worksheets/{id}: each field set
// changes that property.
type WorksheetUpdate struct {
	Name       *string `json:"name,omitempty"`
	Position   *int    `json:"position,omitempty"`
	Visibility *string `json:"visibility,omitempty"`
}

// worksheetID renders Excel's id of a sheet from its sheetId, in the form
// Graph shows ({00000000-0001-0000-0100-000000000000} for the second).
func worksheetID(sheetID int) string {
	n := sheetID - 1
	return fmt.Sprintf("{00000000-0001-0000-%02X%02X-000000000000}", n&0xff, (n>>8)&0xff)
}

func visibility(state string) string {
	switch strings.ToLower(state) {
	case "hidden":
		return "Hidden"
	case "veryhidden":
		return "VeryHidden"
	}
	return "Visible"
}

// Worksheets lists the worksheets in tab order (GET /worksheets).
func (wb *Workbook) Worksheets() []Worksheet {
	list := wb.sheetList()
	out := make([]Worksheet, len(list))
	for i, s := range list {
		out[i] = Worksheet{ID: worksheetID(s.id), Name: s.name, Position: i, Visibility: visibility(s.state)}
	}
	return out
}

// Worksheet finds a worksheet by name (ignoring case) or by id
// (GET /worksheets/{id|name}); ItemNotFound otherwise.
func (wb *Workbook) Worksheet(nameOrID string) (Worksheet, error) {
	for _, w := range wb.Worksheets() {
		if strings.EqualFold(w.Name, nameOrID) || strings.EqualFold(w.ID, nameOrID) ||
			strings.EqualFold(strings.Trim(w.ID, "{}"), nameOrID) {
			return w, nil
		}
	}
	return Worksheet{}, itemNotFound("There is no worksheet %q in the workbook.", nameOrID)
}

// AddWorksheet adds a worksheet at the end (POST /worksheets/add). An
// empty name picks the next free SheetN, as Excel does.
func (wb *Workbook) AddWorksheet(name string) (Worksheet, error) {
	if err := wb.dropScratch(); err != nil {
		return Worksheet{}, err
	}
	list := wb.sheetList()
	if name == "" {
		for n := len(list) + 1; ; n++ {
			name = "Sheet" + strconv.Itoa(n)
			if _, taken := wb.sheetByName(name); !taken {
				break
			}
		}
	}
	if err := checkSheetName(name); err != nil {
		return Worksheet{}, err
	}
	if _, taken := wb.sheetByName(name); taken {
		return Worksheet{}, itemAlreadyExists("A worksheet named %q exists already; sheet names are compared without regard to case.", name)
	}
	if _, err := wb.f.NewSheet(name); err != nil {
		return Worksheet{}, internal(err)
	}
	wb.changed = true
	return wb.Worksheet(name)
}

// UpdateWorksheet renames, moves or hides a worksheet (PATCH
// /worksheets/{id}). Renaming rewrites the formulas that refer to the
// sheet, as Excel does.
func (wb *Workbook) UpdateWorksheet(nameOrID string, u WorksheetUpdate) (Worksheet, error) {
	w, err := wb.Worksheet(nameOrID)
	if err != nil {
		return Worksheet{}, err
	}
	if err := wb.dropScratch(); err != nil {
		return Worksheet{}, err
	}
	if u.Name != nil && *u.Name != w.Name {
		if err := wb.renameSheet(w.Name, *u.Name); err != nil {
			return Worksheet{}, err
		}
		w.Name = *u.Name
	}
	if u.Visibility != nil {
		if err := wb.setVisibility(w.Name, *u.Visibility); err != nil {
			return Worksheet{}, err
		}
	}
	if u.Position != nil {
		if err := wb.moveSheet(w.Name, *u.Position); err != nil {
			return Worksheet{}, err
		}
	}
	return wb.Worksheet(w.Name)
}

func (wb *Workbook) renameSheet(from, to string) error {
	if err := checkSheetName(to); err != nil {
		return err
	}
	if s, taken := wb.sheetByName(to); taken && !strings.EqualFold(s.name, from) {
		return itemAlreadyExists("A worksheet named %q exists already.", to)
	}
	if err := wb.f.SetSheetName(from, to); err != nil {
		return internal(err)
	}
	for _, s := range wb.sheetList() {
		var fail error
		wb.eachFormula(s.id, func(row, col int) {
			old := wb.formulaAt(s.name, row, col)
			if nf := renameSheetRefs(old, from, to); nf != old && fail == nil {
				fail = internal(wb.f.SetCellFormula(s.name, cellName(col, row), nf))
			}
		})
		if fail != nil {
			return fail
		}
	}
	wb.changed = true
	return nil
}

func (wb *Workbook) setVisibility(name, v string) error {
	var visible, very bool
	switch strings.ToLower(v) {
	case "visible":
		visible = true
	case "hidden":
	case "veryhidden":
		very = true
	default:
		return invalidArgument("visibility %q is not one of Visible, Hidden, VeryHidden.", v)
	}
	if !visible {
		shown := 0
		for _, s := range wb.sheetList() {
			if visibility(s.state) == "Visible" && !strings.EqualFold(s.name, name) {
				shown++
			}
		}
		if shown == 0 {
			return invalidArgument("A workbook must keep at least one visible worksheet; %q is the last one.", name)
		}
	}
	if err := wb.f.SetSheetVisible(name, visible, very); err != nil {
		return internal(err)
	}
	wb.changed = true
	return nil
}

// moveSheet puts a sheet at a zero-based tab position.
func (wb *Workbook) moveSheet(name string, to int) error {
	list := wb.sheetList()
	if to < 0 || to >= len(list) {
		return invalidArgument("position %d is outside 0..%d, the positions of this workbook's worksheets.", to, len(list)-1)
	}
	from := -1
	for i, s := range list {
		if strings.EqualFold(s.name, name) {
			from = i
		}
	}
	for ; from > to; from-- {
		if err := wb.f.MoveSheet(list[from].name, list[from-1].name); err != nil {
			return internal(err)
		}
		list[from], list[from-1] = list[from-1], list[from]
	}
	for ; from < to; from++ {
		if err := wb.f.MoveSheet(list[from+1].name, list[from].name); err != nil {
			return internal(err)
		}
		list[from], list[from+1] = list[from+1], list[from]
	}
	wb.changed = true
	return nil
}

// DeleteWorksheet removes a worksheet (DELETE /worksheets/{id}). Formulas
// elsewhere that referred to it turn into #REF!, as in Excel.
func (wb *Workbook) DeleteWorksheet(nameOrID string) error {
	w, err := wb.Worksheet(nameOrID)
	if err != nil {
		return err
	}
	if err := wb.dropScratch(); err != nil {
		return err
	}
	shown := 0
	for _, s := range wb.sheetList() {
		if visibility(s.state) == "Visible" && s.name != w.Name {
			shown++
		}
	}
	if shown == 0 {
		return invalidArgument("A workbook must keep at least one visible worksheet; %q is the last one.", w.Name)
	}
	id := wb.sheetID(w.Name)
	for _, t := range wb.tablesOf(w.Name) {
		if err := wb.f.DeleteTable(t.Name); err != nil {
			return internal(err)
		}
	}
	if err := wb.f.DeleteSheet(w.Name); err != nil {
		return internal(err)
	}
	delete(wb.extents, id)
	delete(wb.formulas, id)
	for _, s := range wb.sheetList() {
		var fail error
		wb.eachFormula(s.id, func(row, col int) {
			old := wb.formulaAt(s.name, row, col)
			nf := rewriteRefs(old, func(r *formulaRef) (string, bool) {
				if r.Sheet != "" && strings.EqualFold(r.Sheet, w.Name) {
					return refError, true
				}
				return "", false
			})
			if nf != old && fail == nil {
				fail = internal(wb.f.SetCellFormula(s.name, cellName(col, row), nf))
			}
		})
		if fail != nil {
			return fail
		}
	}
	wb.changed = true
	return nil
}
