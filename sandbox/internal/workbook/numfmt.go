package workbook

import (
	"strings"

	"github.com/xuri/excelize/v2"
)

// builtinFormats are the number formats ECMA-376 predefines by id (en-US).
var builtinFormats = map[int]string{
	0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
	9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?", 13: "# ??/??",
	14: "m/d/yyyy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy",
	18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yyyy h:mm",
	37: "#,##0 ;(#,##0)", 38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)",
	45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@",
}

// builtinIDs maps the codes above back to their ids.
var builtinIDs = func() map[string]int {
	m := map[string]int{}
	for id, code := range builtinFormats {
		m[strings.ToLower(code)] = id
	}
	return m
}()

// formats caches style lookups during one operation.
type formats struct {
	wb       *Workbook
	codes    map[int]string // style id -> number format code
	restyled map[[2]any]int // (old style id, code) -> new style id
	colStyle map[[2]any]int // (sheet, column) -> column style id
}

func (wb *Workbook) newFormats() *formats {
	return &formats{wb: wb, codes: map[int]string{}, restyled: map[[2]any]int{}, colStyle: map[[2]any]int{}}
}

// code returns the number format code of a style.
func (fm *formats) code(styleID int) string {
	if c, ok := fm.codes[styleID]; ok {
		return c
	}
	c := "General"
	if st, err := fm.wb.f.GetStyle(styleID); err == nil && st != nil {
		switch {
		case st.CustomNumFmt != nil && *st.CustomNumFmt != "":
			c = *st.CustomNumFmt
		default:
			if b, ok := builtinFormats[st.NumFmt]; ok {
				c = b
			}
		}
	}
	fm.codes[styleID] = c
	return c
}

// styleAt returns a cell's style id without making the library lay out
// cells beyond the sheet's extent: there, a column's style applies.
func (fm *formats) styleAt(sheet string, ext *extent, row, col int) int {
	if ext != nil && row <= ext.rows && col <= ext.cols {
		s, _ := fm.wb.f.GetCellStyle(sheet, cellName(col, row))
		return s
	}
	key := [2]any{sheet, col}
	if s, ok := fm.colStyle[key]; ok {
		return s
	}
	s, _ := fm.wb.f.GetColStyle(sheet, columnName(col))
	fm.colStyle[key] = s
	return s
}

// withFormat returns the id of a style equal to styleID but for its number
// format.
func (fm *formats) withFormat(styleID int, code string) (int, error) {
	key := [2]any{styleID, code}
	if id, ok := fm.restyled[key]; ok {
		return id, nil
	}
	st, err := fm.wb.f.GetStyle(styleID)
	if err != nil || st == nil {
		st = &excelize.Style{}
	}
	if code == "" {
		code = "General"
	}
	if id, ok := builtinIDs[strings.ToLower(code)]; ok {
		st.NumFmt, st.CustomNumFmt = id, nil
	} else {
		c := code
		st.NumFmt, st.CustomNumFmt = 0, &c
	}
	id, err := fm.wb.f.NewStyle(st)
	if err != nil {
		return 0, invalidArgument("The number format %q is not valid: %v.", code, err)
	}
	fm.restyled[key] = id
	fm.codes[id] = code
	return id, nil
}
