package workbook

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// NamedItem is Graph's workbookNamedItem: a defined name and what it
// refers to.
type NamedItem struct {
	Name    string `json:"name"`
	Comment string `json:"comment"`
	Scope   string `json:"scope"` // "Workbook" or "Worksheet"
	Type    string `json:"type"`  // Range, String, Double, Boolean, Error or Formula
	Value   any    `json:"value"`
	Visible bool   `json:"visible"`
	sheet   string // the worksheet of a worksheet-scoped name
}

// Sheet returns the worksheet a worksheet-scoped name belongs to.
func (n NamedItem) Sheet() string { return n.sheet }

func namedItem(d excelize.DefinedName) NamedItem {
	n := NamedItem{Name: d.Name, Comment: d.Comment, Scope: "Workbook", Visible: true}
	if d.Scope != "" && !strings.EqualFold(d.Scope, "Workbook") {
		n.Scope, n.sheet = "Worksheet", d.Scope
	}
	ref := strings.TrimPrefix(d.RefersTo, "=")
	switch a, err := ParseAddress(ref); {
	case err == nil && a.Kind != KindName && a.Sheet != "":
		n.Type, n.Value = "Range", ref
	case strings.HasPrefix(ref, `"`) && strings.HasSuffix(ref, `"`) && len(ref) >= 2:
		n.Type, n.Value = "String", strings.ReplaceAll(ref[1:len(ref)-1], `""`, `"`)
	case strings.EqualFold(ref, "TRUE") || strings.EqualFold(ref, "FALSE"):
		n.Type, n.Value = "Boolean", strings.EqualFold(ref, "TRUE")
	case isErrorCode(ref):
		n.Type, n.Value = "Error", strings.ToUpper(ref)
	default:
		if f, err := strconv.ParseFloat(ref, 64); err == nil {
			n.Type, n.Value = "Double", f
		} else {
			n.Type, n.Value = "Formula", "="+ref
		}
	}
	return n
}

// Names lists the defined names (GET /names): workbook-scoped ones when
// sheet is "", else those scoped to that worksheet (worksheets/{id}/names).
func (wb *Workbook) Names(sheet string) ([]NamedItem, error) {
	scope := ""
	if sheet != "" {
		w, err := wb.Worksheet(sheet)
		if err != nil {
			return nil, err
		}
		scope = w.Name
	}
	var out []NamedItem
	for _, d := range wb.f.GetDefinedName() {
		n := namedItem(d)
		if strings.EqualFold(n.sheet, scope) {
			out = append(out, n)
		}
	}
	return out, nil
}

// Name returns one defined name (GET /names/{name}).
func (wb *Workbook) Name(sheet, name string) (NamedItem, error) {
	list, err := wb.Names(sheet)
	if err != nil {
		return NamedItem{}, err
	}
	for _, n := range list {
		if strings.EqualFold(n.Name, name) {
			return n, nil
		}
	}
	return NamedItem{}, itemNotFound("There is no defined name %q.", name)
}

// AddName defines a name (POST /names/add) for a reference: an address
// such as "Sheet1!A1:B2" or "=Sheet1!$A$1", or a constant or formula
// starting with "=". sheet "" scopes it to the workbook.
func (wb *Workbook) AddName(sheet, name string, reference json.RawMessage, comment string) (NamedItem, error) {
	var ref any
	if err := json.Unmarshal(reference, &ref); err != nil || ref == nil {
		return NamedItem{}, invalidArgument("reference must be an address such as \"Sheet1!A1:B2\" or a formula starting with \"=\".")
	}
	var formula string
	switch x := ref.(type) {
	case string:
		formula = x
	case float64:
		formula = "=" + strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		formula = "=" + strings.ToUpper(strconv.FormatBool(x))
	default:
		return NamedItem{}, invalidArgument("reference must be a string; got %T.", ref)
	}
	return wb.AddNameFormula(sheet, name, formula, comment)
}

// AddNameFormula defines a name from a formula (POST
// /names/addFormulaLocal); an address without "=" is taken as a reference.
func (wb *Workbook) AddNameFormula(sheet, name, formula, comment string) (NamedItem, error) {
	if !isName(name) {
		return NamedItem{}, invalidArgument("%q is not a valid name: start with a letter or _, use letters, digits, _ and ., and don't write a cell reference.", name)
	}
	scope := ""
	if sheet != "" {
		w, err := wb.Worksheet(sheet)
		if err != nil {
			return NamedItem{}, err
		}
		scope = w.Name
	}
	if _, err := wb.Name(scope, name); err == nil {
		return NamedItem{}, itemAlreadyExists("The name %q is defined already in this scope.", name)
	}
	body := strings.TrimPrefix(strings.TrimSpace(formula), "=")
	if body == "" {
		return NamedItem{}, invalidArgument("The name %q needs a reference or formula.", name)
	}
	if a, err := ParseAddress(body); err == nil && a.Kind != KindName {
		if a.Sheet == "" {
			if scope == "" {
				return NamedItem{}, invalidArgument("The reference %q names no worksheet; write it as Sheet1!%s.", body, body)
			}
			a.Sheet = scope
		}
		if _, ok := wb.sheetByName(a.Sheet); !ok {
			return NamedItem{}, invalidReference("The reference %q points at worksheet %q, which does not exist.", body, a.Sheet)
		}
		body = absoluteRef(a)
	} else if err := checkFormula(body); err != nil {
		return NamedItem{}, err
	}
	d := &excelize.DefinedName{Name: name, Comment: comment, RefersTo: body, Scope: scope}
	if err := wb.f.SetDefinedName(d); err != nil {
		return NamedItem{}, invalidArgument("The name %q can't be defined: %v.", name, err)
	}
	wb.changed = true
	return wb.Name(scope, name)
}

// DeleteName removes a defined name.
func (wb *Workbook) DeleteName(sheet, name string) error {
	n, err := wb.Name(sheet, name)
	if err != nil {
		return err
	}
	scope := n.sheet
	if err := wb.f.DeleteDefinedName(&excelize.DefinedName{Name: n.Name, Scope: scope}); err != nil {
		return internal(err)
	}
	wb.changed = true
	return nil
}

// absoluteRef renders an address with $ markers, as Excel stores names.
func absoluteRef(a Address) string {
	r := formulaRef{Kind: a.Kind, Row1: a.Row1, Col1: a.Col1, Row2: a.Row2, Col2: a.Col2,
		AbsR1: true, AbsC1: true, AbsR2: true, AbsC2: true, prefix: quoteSheet(a.Sheet) + "!",
		Single: a.Kind == KindCells && a.Row1 == a.Row2 && a.Col1 == a.Col2}
	return r.render()
}

// NamedRange returns the range a defined name refers to (names/{name}/range).
func (wb *Workbook) NamedRange(sheet, name string) (*Range, error) {
	n, err := wb.Name(sheet, name)
	if err != nil {
		return nil, err
	}
	if n.Type != "Range" {
		return nil, invalidReference("The name %q refers to a %s, not a range.", name, strings.ToLower(n.Type))
	}
	a, _ := ParseAddress(n.Value.(string))
	return wb.rangeOf(a.Sheet, a)
}

// resolveName finds a name used as an address: a name scoped to the sheet,
// then a workbook name, then a table.
func (wb *Workbook) resolveName(sheet, name string) (*Range, error) {
	if sheet != "" {
		if r, err := wb.NamedRange(sheet, name); err == nil {
			return r, nil
		}
	}
	if r, err := wb.NamedRange("", name); err == nil {
		return r, nil
	} else if !isNotFound(err) {
		return nil, err
	}
	if t, err := wb.findTable(name); err == nil {
		return wb.rangeOf(t.sheet, t.ref)
	}
	return nil, invalidArgument("%q is neither a cell address nor a defined name or table of this workbook.", name)
}

func isNotFound(err error) bool {
	e, ok := err.(*Error)
	return ok && e.Code == "ItemNotFound"
}
