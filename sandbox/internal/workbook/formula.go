package workbook

import (
	"strconv"
	"strings"
)

// A formulaRef is one A1 reference found in a formula's text.
type formulaRef struct {
	Sheet  string      // "" for a reference to the formula's own sheet
	prefix string      // the sheet prefix as written, with its '!'
	Kind   AddressKind // KindCells, KindColumns or KindRows
	Single bool        // one cell, written without a colon
	Row1   int
	Col1   int
	Row2   int
	Col2   int
	// Absolute markers ($) of each part.
	AbsR1, AbsC1, AbsR2, AbsC2 bool
}

// render writes the reference back in A1 form with its markers.
func (r *formulaRef) render() string {
	var b strings.Builder
	b.WriteString(r.prefix)
	dollar := func(abs bool) {
		if abs {
			b.WriteByte('$')
		}
	}
	switch r.Kind {
	case KindColumns:
		dollar(r.AbsC1)
		b.WriteString(columnName(r.Col1))
		b.WriteByte(':')
		dollar(r.AbsC2)
		b.WriteString(columnName(r.Col2))
	case KindRows:
		dollar(r.AbsR1)
		b.WriteString(strconv.Itoa(r.Row1))
		b.WriteByte(':')
		dollar(r.AbsR2)
		b.WriteString(strconv.Itoa(r.Row2))
	default:
		dollar(r.AbsC1)
		b.WriteString(columnName(r.Col1))
		dollar(r.AbsR1)
		b.WriteString(strconv.Itoa(r.Row1))
		if !r.Single {
			b.WriteByte(':')
			dollar(r.AbsC2)
			b.WriteString(columnName(r.Col2))
			dollar(r.AbsR2)
			b.WriteString(strconv.Itoa(r.Row2))
		}
	}
	return b.String()
}

// refError is what a reference becomes when the cells it pointed to are gone.
const refError = "#REF!"

// rewriteRefs scans an A1 formula (without its leading '=') and replaces each
// reference by what fn returns. fn returns ok=false to keep the reference as
// written. String literals, structured references ([...]) and function names
// are left alone.
func rewriteRefs(formula string, fn func(r *formulaRef) (string, bool)) string {
	var out strings.Builder
	last := 0 // formula[last:i] not yet copied
	emit := func(start, end int, r *formulaRef) {
		if s, ok := fn(r); ok {
			out.WriteString(formula[last:start])
			out.WriteString(s)
			last = end
		}
	}
	n := len(formula)
	for i := 0; i < n; {
		c := formula[i]
		switch {
		case c == '"':
			i = skipQuoted(formula, i, '"')
			continue
		case c == '[':
			i = skipBrackets(formula, i)
			continue
		case c == '\'':
			end := skipQuoted(formula, i, '\'')
			if end < n && formula[end] == '!' && end > i+1 {
				sheet := strings.ReplaceAll(formula[i+1:end-1], "''", "'")
				if r, refEnd, ok := parseRefAt(formula, end+1); ok {
					r.Sheet, r.prefix = sheet, formula[i:end+1]
					emit(i, refEnd, &r)
					i = refEnd
					continue
				}
			}
			i = end
			continue
		case isWordByte(c) && (i == 0 || !isWordByte(formula[i-1])):
			w := wordEnd(formula, i)
			if w < n && formula[w] == '!' {
				if r, refEnd, ok := parseRefAt(formula, w+1); ok {
					r.Sheet, r.prefix = formula[i:w], formula[i:w+1]
					emit(i, refEnd, &r)
					i = refEnd
					continue
				}
				i = w + 1
				continue
			}
			if w < n && formula[w] == '(' {
				i = w // a function name
				continue
			}
			if r, refEnd, ok := parseRefAt(formula, i); ok {
				emit(i, refEnd, &r)
				i = refEnd
				continue
			}
			i = w
			continue
		}
		i++
	}
	if last == 0 {
		return formula
	}
	out.WriteString(formula[last:])
	return out.String()
}

// parseRefAt reads a reference (A1, A1:B2, A:B, 1:2 with $ markers) that
// starts at i and is not followed by more name characters or '('.
func parseRefAt(s string, i int) (formulaRef, int, bool) {
	var r formulaRef
	w := wordEnd(s, i)
	first := s[i:w]
	if col, row, ok := parseCell(first); ok {
		r.Kind, r.Col1, r.Row1, r.Col2, r.Row2, r.Single = KindCells, col, row, col, row, true
		r.AbsC1 = strings.HasPrefix(first, "$")
		r.AbsR1 = strings.Contains(first[1:], "$")
		r.AbsC2, r.AbsR2 = r.AbsC1, r.AbsR1
		if w+1 < len(s) && s[w] == ':' && isWordByte(s[w+1]) {
			w2 := wordEnd(s, w+1)
			second := s[w+1 : w2]
			if col2, row2, ok := parseCell(second); ok && !followedByCall(s, w2) {
				r.Single = false
				r.Col2, r.Row2 = col2, row2
				r.AbsC2 = strings.HasPrefix(second, "$")
				r.AbsR2 = strings.Contains(second[1:], "$")
				return r, w2, true
			}
		}
		if followedByCall(s, w) {
			return r, 0, false
		}
		return r, w, true
	}
	if w >= len(s) || s[w] != ':' || w+1 >= len(s) || !isWordByte(s[w+1]) {
		return r, 0, false
	}
	w2 := wordEnd(s, w+1)
	second := s[w+1 : w2]
	if followedByCall(s, w2) {
		return r, 0, false
	}
	if c1, ok := parseColumn(first); ok {
		if c2, ok := parseColumn(second); ok {
			r.Kind, r.Col1, r.Col2, r.Row1, r.Row2 = KindColumns, c1, c2, 1, MaxRows
			r.AbsC1, r.AbsC2 = strings.HasPrefix(first, "$"), strings.HasPrefix(second, "$")
			return r, w2, true
		}
	}
	if r1, ok := parseRow(first); ok {
		if r2, ok := parseRow(second); ok {
			r.Kind, r.Row1, r.Row2, r.Col1, r.Col2 = KindRows, r1, r2, 1, MaxColumns
			r.AbsR1, r.AbsR2 = strings.HasPrefix(first, "$"), strings.HasPrefix(second, "$")
			return r, w2, true
		}
	}
	return r, 0, false
}

func followedByCall(s string, i int) bool { return i < len(s) && s[i] == '(' }

func isWordByte(c byte) bool {
	return c == '$' || c == '_' || c == '.' || c == '\\' || c >= 0x80 ||
		(c >= '0' && c <= '9') || isASCIILetter(c)
}

func wordEnd(s string, i int) int {
	for i < len(s) && isWordByte(s[i]) {
		i++
	}
	return i
}

// skipQuoted returns the index after the literal that opens at i, where a
// doubled quote stands for one quote.
func skipQuoted(s string, i int, q byte) int {
	for j := i + 1; j < len(s); j++ {
		if s[j] == q {
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(s)
}

func skipBrackets(s string, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				return j + 1
			}
		case '\'':
			j++ // an escape inside structured references
		}
	}
	return len(s)
}

// toR1C1 renders an A1 formula as Excel's R1C1 notation, relative to the
// cell (row, col) that holds it.
func toR1C1(formula string, row, col int) string {
	part := func(letter byte, abs bool, n, base int) string {
		switch {
		case abs:
			return string(letter) + strconv.Itoa(n)
		case n == base:
			return string(letter)
		default:
			return string(letter) + "[" + strconv.Itoa(n-base) + "]"
		}
	}
	return rewriteRefs(formula, func(r *formulaRef) (string, bool) {
		var s string
		switch r.Kind {
		case KindColumns:
			s = part('C', r.AbsC1, r.Col1, col)
			if r.Col2 != r.Col1 || r.AbsC1 != r.AbsC2 {
				s += ":" + part('C', r.AbsC2, r.Col2, col)
			}
		case KindRows:
			s = part('R', r.AbsR1, r.Row1, row)
			if r.Row2 != r.Row1 || r.AbsR1 != r.AbsR2 {
				s += ":" + part('R', r.AbsR2, r.Row2, row)
			}
		default:
			s = part('R', r.AbsR1, r.Row1, row) + part('C', r.AbsC1, r.Col1, col)
			if !r.Single {
				s += ":" + part('R', r.AbsR2, r.Row2, row) + part('C', r.AbsC2, r.Col2, col)
			}
		}
		return r.prefix + s, true
	})
}

// translateFormula moves a formula by (dRow, dCol) the way copying a cell
// does: relative parts move, absolute ($) parts stay. A reference pushed off
// the sheet becomes #REF!.
func translateFormula(formula string, dRow, dCol int) string {
	if dRow == 0 && dCol == 0 {
		return formula
	}
	return rewriteRefs(formula, func(r *formulaRef) (string, bool) {
		mv := func(v *int, abs bool, d, limit int) bool {
			if abs {
				return true
			}
			*v += d
			return *v >= 1 && *v <= limit
		}
		ok := true
		if r.Kind != KindRows {
			ok = mv(&r.Col1, r.AbsC1, dCol, MaxColumns) && mv(&r.Col2, r.AbsC2, dCol, MaxColumns) && ok
		}
		if r.Kind != KindColumns {
			ok = mv(&r.Row1, r.AbsR1, dRow, MaxRows) && mv(&r.Row2, r.AbsR2, dRow, MaxRows) && ok
		}
		if !ok {
			return r.prefix + refError, true
		}
		return r.render(), true
	})
}

// A shift describes cells moving on one sheet: rows (or columns, when
// Columns is set) at or after Start move by Delta within the band
// BandFrom..BandTo of the other dimension. A negative Delta deletes the
// |Delta| rows (columns) starting at Start.
type shift struct {
	Sheet    string
	Columns  bool // shift columns (left/right) instead of rows (up/down)
	Start    int
	Delta    int
	BandFrom int
	BandTo   int
}

// applyShift rewrites the references of a formula that lives on sheet
// formulaSheet so they follow cells moved by s. References to deleted cells
// become #REF!; ranges that lose part of their cells shrink.
func applyShift(formula, formulaSheet string, s shift) string {
	return rewriteRefs(formula, func(r *formulaRef) (string, bool) {
		sheet := r.Sheet
		if sheet == "" {
			sheet = formulaSheet
		}
		if !strings.EqualFold(sheet, s.Sheet) {
			return "", false
		}
		// Work in (along, across): along is the shifted dimension.
		a1, a2, b1, b2 := r.Row1, r.Row2, r.Col1, r.Col2
		limit := MaxRows
		if s.Columns {
			a1, a2, b1, b2 = r.Col1, r.Col2, r.Row1, r.Row2
			limit = MaxColumns
		}
		if (s.Columns && r.Kind == KindRows) || (!s.Columns && r.Kind == KindColumns) {
			return "", false // whole rows don't move when columns shift, and vice versa
		}
		if b1 < s.BandFrom || b2 > s.BandTo {
			return "", false // the reference is wider than the moving band
		}
		if s.Delta > 0 {
			if a1 >= s.Start {
				a1 += s.Delta
			}
			if a2 >= s.Start {
				a2 += s.Delta
			}
			if a2 > limit {
				a2 = limit
			}
			if a1 > limit {
				return r.prefix + refError, true
			}
		} else {
			del1, del2 := s.Start, s.Start-s.Delta-1
			n := -s.Delta
			if a1 >= del1 && a2 <= del2 {
				return r.prefix + refError, true
			}
			switch {
			case a1 > del2:
				a1 -= n
			case a1 >= del1:
				a1 = del1
			}
			switch {
			case a2 > del2:
				a2 -= n
			case a2 >= del1:
				a2 = del1 - 1
			}
		}
		if s.Columns {
			r.Col1, r.Col2 = a1, a2
		} else {
			r.Row1, r.Row2 = a1, a2
		}
		if r.Single && (r.Row1 != r.Row2 || r.Col1 != r.Col2) {
			r.Single = false
		}
		return r.render(), true
	})
}

// renameSheetRefs points references to sheet from at sheet to.
func renameSheetRefs(formula, from, to string) string {
	return rewriteRefs(formula, func(r *formulaRef) (string, bool) {
		if r.Sheet == "" || !strings.EqualFold(r.Sheet, from) {
			return "", false
		}
		r.prefix = quoteSheet(to) + "!"
		return r.render(), true
	})
}
