package workbook

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
)

// Sheet limits of the .xlsx format (and of Excel).
const (
	MaxRows    = 1 << 20 // 1,048,576 rows, 1..1048576
	MaxColumns = 1 << 14 // 16,384 columns, A..XFD
)

// AddressKind says what an A1 address covers.
type AddressKind int

// The kinds of address: a block of cells (A1, A1:C10), whole columns (A:C),
// whole rows (2:4), or a defined name or table name to resolve later.
const (
	KindCells AddressKind = iota
	KindColumns
	KindRows
	KindName
)

// Address is a parsed A1-style address: an optional sheet and either a
// rectangle of cells or a name. Rows and columns are 1-based and inclusive;
// a whole-column address spans rows 1..MaxRows, a whole-row address columns
// 1..MaxColumns. The zero Address is not valid.
type Address struct {
	Sheet string // "" when the address names no sheet
	Name  string // the defined or table name, for KindName
	Kind  AddressKind
	Row1  int
	Col1  int
	Row2  int
	Col2  int
}

// ParseAddress parses the A1 grammar Graph's range(address=...) accepts:
// A1, $A$1, A1:C10, Sheet1!A1:C10, 'My Sheet'!A1 (quotes doubled inside),
// whole columns A:C, whole rows 2:4, and defined names. Reversed corners
// (C10:A1) are normalised. Several areas ("A1,B2") are refused, as Graph
// refuses them for one range.
func ParseAddress(s string) (Address, error) {
	orig := s
	s = strings.TrimSpace(s)
	if s == "" {
		return Address{}, invalidArgument("The range address is empty; give one such as A1, A1:C10 or Sheet1!A1:C10.")
	}
	var a Address
	if s[0] == '\'' {
		name, rest, ok := unquoteSheet(s)
		if !ok {
			return Address{}, invalidArgument("The range address %q has an unterminated quoted sheet name or no '!' after it.", orig)
		}
		a.Sheet, s = name, rest
	} else if i := strings.LastIndexByte(s, '!'); i >= 0 {
		a.Sheet, s = s[:i], s[i+1:]
	}
	if a.Sheet != "" || strings.Contains(orig, "!") {
		if err := checkSheetName(a.Sheet); err != nil {
			return Address{}, invalidArgument("The range address %q names an invalid sheet: %s", orig, err.Message)
		}
	}
	if s == "" {
		return Address{}, invalidArgument("The range address %q has no cells after the sheet name.", orig)
	}
	if strings.ContainsAny(s, ", ") {
		return Address{}, invalidArgument("The range address %q has several areas or spaces; one range is one rectangle such as A1:C10.", orig)
	}
	first, second, two := strings.Cut(s, ":")
	if !two {
		if col, row, ok := parseCell(first); ok {
			a.Kind, a.Row1, a.Col1, a.Row2, a.Col2 = KindCells, row, col, row, col
			return a, nil
		}
		if isName(first) {
			a.Kind, a.Name = KindName, first
			return a, nil
		}
		return Address{}, invalidArgument("%q is neither a cell (A1), a range (A1:C10, A:C, 2:4) nor a valid name.", orig)
	}
	if c1, r1, ok := parseCell(first); ok {
		c2, r2, ok := parseCell(second)
		if !ok {
			return Address{}, invalidArgument("The range address %q: %q is not a cell such as C10.", orig, second)
		}
		a.Kind = KindCells
		a.Row1, a.Row2 = min(r1, r2), max(r1, r2)
		a.Col1, a.Col2 = min(c1, c2), max(c1, c2)
		return a, nil
	}
	if c1, ok := parseColumn(first); ok {
		c2, ok := parseColumn(second)
		if !ok {
			return Address{}, invalidArgument("The range address %q: %q is not a column such as C (columns go from A to XFD).", orig, second)
		}
		a.Kind, a.Row1, a.Row2 = KindColumns, 1, MaxRows
		a.Col1, a.Col2 = min(c1, c2), max(c1, c2)
		return a, nil
	}
	if r1, ok := parseRow(first); ok {
		r2, ok := parseRow(second)
		if !ok {
			return Address{}, invalidArgument("The range address %q: %q is not a row number between 1 and %d.", orig, second, MaxRows)
		}
		a.Kind, a.Col1, a.Col2 = KindRows, 1, MaxColumns
		a.Row1, a.Row2 = min(r1, r2), max(r1, r2)
		return a, nil
	}
	return Address{}, invalidArgument("%q is not a range address: write a cell (A1), a range (A1:C10), columns (A:C) or rows (2:4); rows go from 1 to %d and columns from A to XFD.", orig, MaxRows)
}

// String renders the address as Graph writes it: sheet quoted when needed,
// no $ markers, a single cell without a colon.
func (a Address) String() string {
	var b strings.Builder
	if a.Sheet != "" {
		b.WriteString(quoteSheet(a.Sheet))
		b.WriteByte('!')
	}
	b.WriteString(a.area())
	return b.String()
}

// area renders the part after the sheet.
func (a Address) area() string {
	switch a.Kind {
	case KindName:
		return a.Name
	case KindColumns:
		return columnName(a.Col1) + ":" + columnName(a.Col2)
	case KindRows:
		return strconv.Itoa(a.Row1) + ":" + strconv.Itoa(a.Row2)
	}
	if a.Row1 == a.Row2 && a.Col1 == a.Col2 {
		return cellName(a.Col1, a.Row1)
	}
	return cellName(a.Col1, a.Row1) + ":" + cellName(a.Col2, a.Row2)
}

// unquoteSheet reads 'name” with quotes'!rest and returns the name and rest.
func unquoteSheet(s string) (name, rest string, ok bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			b.WriteByte('\'')
			i++
			continue
		}
		if i+1 < len(s) && s[i+1] == '!' {
			return b.String(), s[i+2:], true
		}
		return "", "", false
	}
	return "", "", false
}

// quoteSheet quotes a sheet name for use before '!' when Excel would.
func quoteSheet(name string) string {
	if !needsQuotes(name) {
		return name
	}
	return "'" + strings.ReplaceAll(name, "'", "''") + "'"
}

func needsQuotes(name string) bool {
	if name == "" {
		return true
	}
	for i, r := range name {
		switch {
		case r == '_' || unicode.IsLetter(r):
		case (unicode.IsDigit(r) || r == '.') && i > 0:
		default:
			return true
		}
	}
	if _, _, ok := parseCell(name); ok {
		return true
	}
	return isR1C1Like(name)
}

// checkSheetName applies Excel's rules for sheet names.
func checkSheetName(name string) *Error {
	switch {
	case name == "":
		return invalidArgument("A sheet name can't be empty.")
	case len(utf16.Encode([]rune(name))) > 31:
		return invalidArgument("The sheet name %q is longer than 31 characters.", name)
	case strings.ContainsAny(name, `:\/?*[]`):
		return invalidArgument("The sheet name %q contains one of the characters : \\ / ? * [ ] that sheet names can't have.", name)
	case strings.HasPrefix(name, "'") || strings.HasSuffix(name, "'"):
		return invalidArgument("The sheet name %q starts or ends with an apostrophe, which sheet names can't.", name)
	case strings.EqualFold(name, "History"):
		return invalidArgument("\"History\" is a name Excel reserves; choose another sheet name.")
	}
	return nil
}

// parseCell reads $A$1 style references; it returns column, row.
func parseCell(s string) (col, row int, ok bool) {
	i := 0
	if i < len(s) && s[i] == '$' {
		i++
	}
	j := i
	for j < len(s) && isASCIILetter(s[j]) {
		j++
	}
	col, ok = columnNumber(s[i:j])
	if !ok {
		return 0, 0, false
	}
	if j < len(s) && s[j] == '$' {
		j++
	}
	row, ok = rowNumber(s[j:])
	return col, row, ok
}

func parseColumn(s string) (int, bool) {
	return columnNumber(strings.TrimPrefix(s, "$"))
}

func parseRow(s string) (int, bool) {
	return rowNumber(strings.TrimPrefix(s, "$"))
}

// columnNumber converts A..XFD (any case) to 1..16384.
func columnNumber(s string) (int, bool) {
	if len(s) == 0 || len(s) > 3 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isASCIILetter(c) {
			return 0, false
		}
		n = n*26 + int(c|0x20-'a') + 1
	}
	return n, n <= MaxColumns
}

// rowNumber converts "1".."1048576" to a row number.
func rowNumber(s string) (int, bool) {
	if len(s) == 0 || len(s) > 7 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, n >= 1 && n <= MaxRows
}

// columnName converts 1..16384 to A..XFD.
func columnName(n int) string {
	var buf [3]byte
	i := len(buf)
	for n > 0 {
		n--
		i--
		buf[i] = byte('A' + n%26)
		n /= 26
	}
	return string(buf[i:])
}

// cellName renders a cell reference such as B7.
func cellName(col, row int) string {
	return columnName(col) + strconv.Itoa(row)
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// isName reports whether s can be a defined name: it starts with a letter,
// '_' or '\', goes on with letters, digits, '_', '.' or '\', and does not
// read as a cell or R1C1 reference.
func isName(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r == '\\' || unicode.IsLetter(r):
		case i > 0 && (r == '.' || unicode.IsDigit(r)):
		default:
			return false
		}
	}
	if looksLikeCell(s) {
		return false
	}
	return !isR1C1Like(s)
}

// looksLikeCell reports letters then digits (A1, XFE1, A0): a cell
// reference, valid or out of range, never a name.
func looksLikeCell(s string) bool {
	s = strings.ReplaceAll(s, "$", "")
	i := 0
	for i < len(s) && isASCIILetter(s[i]) {
		i++
	}
	if i == 0 || i > 3 || i == len(s) {
		return false
	}
	for _, c := range []byte(s[i:]) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isR1C1Like reports names Excel reserves because they read as R1C1
// references: R, C, R1, C1, R1C1 (any case).
func isR1C1Like(s string) bool {
	u := strings.ToUpper(s)
	if u == "R" || u == "C" {
		return true
	}
	digitsAfter := func(p string, pre byte) (string, bool) {
		if p == "" || p[0] != pre {
			return p, false
		}
		j := 1
		for j < len(p) && p[j] >= '0' && p[j] <= '9' {
			j++
		}
		return p[j:], true
	}
	rest, r := digitsAfter(u, 'R')
	rest, c := digitsAfter(rest, 'C')
	return rest == "" && (r || c)
}
