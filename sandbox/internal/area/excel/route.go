package excel

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/workbook"
)

// op is one workbook operation: whether it writes, and what it does.
type op struct {
	write bool
	run   func(wb *workbook.Workbook, in json.RawMessage) (result, error)
}

func readOp(run func(wb *workbook.Workbook, in json.RawMessage) (result, error)) *op {
	return &op{run: run}
}

func writeOp(run func(wb *workbook.Workbook, in json.RawMessage) (result, error)) *op {
	return &op{write: true, run: run}
}

// ok answers 200 with v; entity sends it with its @odata.context.
func ok(v any) result      { return result{status: http.StatusOK, body: v, entity: true} }
func created(v any) result { return result{status: http.StatusCreated, body: v, entity: true} }
func list(v any) result    { return result{status: http.StatusOK, body: map[string]any{"value": v}} }

var noContent = result{}

// call is a path segment in OData function syntax: range(address='A1:B2').
type call struct {
	name string
	args map[string]string // names lower-cased, values unquoted
}

// parseCall reads "name(arg=value,...)" or a plain "name".
func parseCall(seg string) (call, error) {
	open := strings.IndexByte(seg, '(')
	if open < 0 {
		return call{name: strings.ToLower(seg)}, nil
	}
	if !strings.HasSuffix(seg, ")") {
		return call{}, core.BadRequest("The segment %q is not a function call such as range(address='A1:B2').", seg)
	}
	c := call{name: strings.ToLower(seg[:open]), args: map[string]string{}}
	s := seg[open+1 : len(seg)-1]
	for s != "" {
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			return call{}, core.BadRequest("The arguments of %q are not name=value pairs.", seg)
		}
		key := strings.ToLower(strings.TrimSpace(s[:eq]))
		s = strings.TrimSpace(s[eq+1:])
		var val string
		if strings.HasPrefix(s, "'") {
			i := 1
			var b strings.Builder
			for ; i < len(s); i++ {
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						b.WriteByte('\'')
						i++
						continue
					}
					break
				}
				b.WriteByte(s[i])
			}
			if i >= len(s) {
				return call{}, core.BadRequest("Unterminated string in %q.", seg)
			}
			val, s = b.String(), strings.TrimSpace(s[i+1:])
		} else {
			end := strings.IndexByte(s, ',')
			if end < 0 {
				end = len(s)
			}
			val, s = strings.TrimSpace(s[:end]), s[end:]
		}
		c.args[key] = val
		s = strings.TrimPrefix(strings.TrimSpace(s), ",")
		s = strings.TrimSpace(s)
	}
	return c, nil
}

// intArg reads an integer argument of a call.
func (c call) intArg(name string) (int, error) {
	v, ok := c.args[name]
	if !ok {
		return 0, core.BadRequest("%s(...) needs the argument %s.", c.name, name)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, core.BadRequest("The argument %s=%s of %s(...) is not a whole number.", name, v, c.name)
	}
	return n, nil
}

// decode reads an operation's body into v.
func decode(in json.RawMessage, v any) error {
	if err := json.Unmarshal(in, v); err != nil {
		return core.BadRequest("Invalid request body: %v.", err)
	}
	return nil
}

// notSupported answers workbook resources the sandbox does not serve
// (charts, pivot tables, formats, protection ...).
func notSupported(segs []string) error {
	return core.Errorf(http.StatusNotImplemented, "NotImplemented",
		"The sandbox does not serve workbook/%s (charts, pivot tables, range formats, protection and comments are not emulated).", strings.Join(segs, "/"))
}

// route finds the operation of a method on the path below workbook/.
func route(method string, segs []string) (*op, error) {
	if len(segs) == 0 {
		return nil, notSupported(segs)
	}
	c, err := parseCall(segs[0])
	if err != nil {
		return nil, err
	}
	rest := segs[1:]
	switch c.name {
	case "worksheets":
		return worksheetsRoute(method, rest)
	case "tables":
		return tablesRoute(method, "", rest)
	case "names":
		return namesRoute(method, "", rest)
	case "functions":
		if len(rest) == 1 && method == http.MethodPost {
			name := rest[0]
			return readOp(func(wb *workbook.Workbook, in json.RawMessage) (result, error) {
				r, err := wb.CallFunction(name, in)
				return ok(r), err
			}), nil
		}
	case "application":
		switch {
		case len(rest) == 0 && method == http.MethodGet:
			return readOp(func(*workbook.Workbook, json.RawMessage) (result, error) {
				return ok(map[string]any{"calculationMode": "Automatic"}), nil
			}), nil
		case len(rest) == 1 && strings.EqualFold(rest[0], "calculate") && method == http.MethodPost:
			return readOp(func(wb *workbook.Workbook, in json.RawMessage) (result, error) {
				var b struct {
					CalculationType string `json:"calculationType"`
				}
				if err := decode(in, &b); err != nil {
					return result{}, err
				}
				return noContent, wb.Calculate(b.CalculationType)
			}), nil
		}
	}
	return nil, notSupported(segs)
}

func worksheetsRoute(method string, segs []string) (*op, error) {
	switch {
	case len(segs) == 0 && method == http.MethodGet:
		return readOp(func(wb *workbook.Workbook, _ json.RawMessage) (result, error) { return list(wb.Worksheets()), nil }), nil
	case len(segs) == 0 && method == http.MethodPost, len(segs) == 1 && strings.EqualFold(segs[0], "add") && method == http.MethodPost:
		return writeOp(func(wb *workbook.Workbook, in json.RawMessage) (result, error) {
			var b struct {
				Name string `json:"name"`
			}
			if err := decode(in, &b); err != nil {
				return result{}, err
			}
			w, err := wb.AddWorksheet(b.Name)
			return created(w), err
		}), nil
	case len(segs) == 0:
		return nil, notSupported(append([]string{"worksheets"}, segs...))
	}
	sheet, rest := segs[0], segs[1:]
	if len(rest) == 0 {
		return entityRoute(method, segs, func(wb *workbook.Workbook) (workbook.Worksheet, error) { return wb.Worksheet(sheet) },
			func(wb *workbook.Workbook, u workbook.WorksheetUpdate) (workbook.Worksheet, error) {
				return wb.UpdateWorksheet(sheet, u)
			},
			func(wb *workbook.Workbook) error { return wb.DeleteWorksheet(sheet) })
	}
	c, err := parseCall(rest[0])
	if err != nil {
		return nil, err
	}
	switch c.name {
	case "range":
		address, given := c.args["address"]
		if !given {
			address = ""
		}
		return rangeRoute(method, rest[1:], func(wb *workbook.Workbook) (*workbook.Range, error) {
			return wb.SheetRange(sheet, address)
		})
	case "usedrange":
		valuesOnly := strings.EqualFold(c.args["valuesonly"], "true")
		return rangeRoute(method, rest[1:], func(wb *workbook.Workbook) (*workbook.Range, error) {
			return wb.UsedRange(sheet, valuesOnly)
		})
	case "cell":
		row, err := c.intArg("row")
		if err != nil {
			return nil, err
		}
		col, err := c.intArg("column")
		if err != nil {
			return nil, err
		}
		return rangeRoute(method, rest[1:], func(wb *workbook.Workbook) (*workbook.Range, error) {
			return wb.Cell(sheet, row, col)
		})
	case "tables":
		return tablesRoute(method, sheet, rest[1:])
	case "names":
		return namesRoute(method, sheet, rest[1:])
	}
	return nil, notSupported(segs)
}

// entityRoute serves GET, PATCH (a body of type U) and DELETE of one
// workbook object (a worksheet, a table).
func entityRoute[T, U any](method string, segs []string, get func(*workbook.Workbook) (T, error),
	update func(*workbook.Workbook, U) (T, error), del func(*workbook.Workbook) error) (*op, error) {
	switch method {
	case http.MethodGet:
		return readOp(func(wb *workbook.Workbook, _ json.RawMessage) (result, error) {
			v, err := get(wb)
			return ok(v), err
		}), nil
	case http.MethodPatch:
		return writeOp(func(wb *workbook.Workbook, in json.RawMessage) (result, error) {
			var u U
			if err := decode(in, &u); err != nil {
				return result{}, err
			}
			v, err := update(wb, u)
			return ok(v), err
		}), nil
	case http.MethodDelete:
		return writeOp(func(wb *workbook.Workbook, _ json.RawMessage) (result, error) { return noContent, del(wb) }), nil
	}
	return nil, notSupported(segs)
}

// rangeRoute serves a range and what is below it.
func rangeRoute(method string, segs []string, get func(wb *workbook.Workbook) (*workbook.Range, error)) (*op, error) {
	data := func(r *workbook.Range, err error) (result, error) {
		if err != nil {
			return result{}, err
		}
		d, err := r.Get()
		return ok(d), err
	}
	if len(segs) == 0 {
		switch method {
		case http.MethodGet:
			return readOp(func(wb *workbook.Workbook, _ json.RawMessage) (result, error) { return data(get(wb)) }), nil
		case http.MethodPatch:
			return writeOp(func(wb *workbook.Workbook, in json.RawMessage) (result, error) {
				var u workbook.RangeUpdate
				if err := decode(in, &u); err != nil {
					return result{}, err
				}
				r, err := get(wb)
				if err != nil {
					return result{}, err
				}
				if err := r.Update(u); err != nil {
					return result{}, err
				}
				return data(r, nil)
			}), nil
		}
		return nil, notSupported(segs)
	}
	c, err := parseCall(segs[0])
	if err != nil {
		return nil, err
	}
	action := func(run func(r *workbook.Range, in json.RawMessage) (result, error)) (*op, error) {
		if method != http.MethodPost || len(segs) != 1 {
			return nil, notSupported(segs)
		}
		return writeOp(func(wb *workbook.Workbook, in json.RawMessage) (result, error) {
			r, err := get(wb)
			if err != nil {
				return result{}, err
			}
			return run(r, in)
		}), nil
	}
	var shift struct {
		Shift   string `json:"shift"`
		ApplyTo string `json:"applyTo"`
	}
	switch c.name {
	case "clear":
		return action(func(r *workbook.Range, in json.RawMessage) (result, error) {
			if err := decode(in, &shift); err != nil {
				return result{}, err
			}
			return noContent, r.Clear(shift.ApplyTo)
		})
	case "insert":
		return action(func(r *workbook.Range, in json.RawMessage) (result, error) {
			if err := decode(in, &shift); err != nil {
				return result{}, err
			}
			return data(r.Insert(shift.Shift))
		})
	case "delete":
		return action(func(r *workbook.Range, in json.RawMessage) (result, error) {
			if err := decode(in, &shift); err != nil {
				return result{}, err
			}
			return noContent, r.Delete(shift.Shift)
		})
	case "sort":
		if len(segs) == 2 && strings.EqualFold(segs[1], "apply") && method == http.MethodPost {
			return writeOp(func(wb *workbook.Workbook, in json.RawMessage) (result, error) {
				var s workbook.RangeSort
				if err := decode(in, &s); err != nil {
					return result{}, err
				}
				r, err := get(wb)
				if err != nil {
					return result{}, err
				}
				return noContent, r.Sort(s)
			}), nil
		}
	case "usedrange":
		valuesOnly := strings.EqualFold(c.args["valuesonly"], "true")
		return rangeRoute(method, segs[1:], func(wb *workbook.Workbook) (*workbook.Range, error) {
			r, err := get(wb)
			if err != nil {
				return nil, err
			}
			return r.UsedRange(valuesOnly)
		})
	case "cell":
		row, err := c.intArg("row")
		if err != nil {
			return nil, err
		}
		col, err := c.intArg("column")
		if err != nil {
			return nil, err
		}
		return rangeRoute(method, segs[1:], func(wb *workbook.Workbook) (*workbook.Range, error) {
			r, err := get(wb)
			if err != nil {
				return nil, err
			}
			return r.Cell(row, col)
		})
	case "entirerow", "entirecolumn", "lastcell", "lastrow", "lastcolumn":
		name := c.name
		return rangeRoute(method, segs[1:], func(wb *workbook.Workbook) (*workbook.Range, error) {
			r, err := get(wb)
			if err != nil {
				return nil, err
			}
			switch name {
			case "entirerow":
				return r.EntireRow(), nil
			case "entirecolumn":
				return r.EntireColumn(), nil
			case "lastcell":
				return r.LastCell(), nil
			case "lastrow":
				return r.LastRow(), nil
			}
			return r.LastColumn(), nil
		})
	}
	return nil, notSupported(segs)
}

// tablesRoute serves workbook/tables and worksheets/{id}/tables (sheet
// set).
func tablesRoute(method, sheet string, segs []string) (*op, error) {
	switch {
	case len(segs) == 0 && method == http.MethodGet:
		return readOp(func(wb *workbook.Workbook, _ json.RawMessage) (result, error) {
			t, err := wb.Tables(sheet)
			return list(t), err
		}), nil
	case len(segs) == 1 && strings.EqualFold(segs[0], "add") && method == http.MethodPost:
		return writeOp(func(wb *workbook.Workbook, in json.RawMessage) (result, error) {
			var b struct {
				Address    string `json:"address"`
				HasHeaders bool   `json:"hasHeaders"`
			}
			if err := decode(in, &b); err != nil {
				return result{}, err
			}
			t, err := wb.AddTable(sheet, b.Address, b.HasHeaders)
			return created(t), err
		}), nil
	case len(segs) == 0:
		return nil, notSupported(segs)
	}
	table, rest := segs[0], segs[1:]
	if len(rest) == 0 {
		return entityRoute(method, segs, func(wb *workbook.Workbook) (workbook.Table, error) { return wb.Table(table) },
			func(wb *workbook.Workbook, u workbook.TableUpdate) (workbook.Table, error) {
				return wb.UpdateTable(table, u)
			},
			func(wb *workbook.Workbook) error { return wb.DeleteTable(table) })
	}
	c, err := parseCall(rest[0])
	if err != nil {
		return nil, err
	}
	part := func(p workbook.TablePart) (*op, error) {
		return rangeRoute(method, rest[1:], func(wb *workbook.Workbook) (*workbook.Range, error) { return wb.TableRange(table, p) })
	}
	post := method == http.MethodPost && len(rest) == 1
	switch c.name {
	case "range":
		return part(workbook.WholeTable)
	case "headerrowrange":
		return part(workbook.HeaderRow)
	case "databodyrange":
		return part(workbook.DataBody)
	case "totalrowrange":
		return part(workbook.TotalRow)
	case "rows":
		return rowsRoute(method, table, rest[1:])
	case "columns":
		return columnsRoute(method, table, rest[1:])
	case "sort":
		if len(rest) == 2 && method == http.MethodPost && strings.EqualFold(rest[1], "apply") {
			return writeOp(func(wb *workbook.Workbook, in json.RawMessage) (result, error) {
				var b struct {
					Fields    []workbook.SortField `json:"fields"`
					MatchCase bool                 `json:"matchCase"`
				}
				if err := decode(in, &b); err != nil {
					return result{}, err
				}
				return noContent, wb.SortTable(table, b.Fields, b.MatchCase)
			}), nil
		}
	case "clearfilters":
		if post {
			return writeOp(func(wb *workbook.Workbook, _ json.RawMessage) (result, error) {
				return noContent, wb.ClearFilters(table)
			}), nil
		}
	case "reapplyfilters":
		if post {
			return writeOp(func(wb *workbook.Workbook, _ json.RawMessage) (result, error) {
				return noContent, wb.ReapplyFilters(table)
			}), nil
		}
	case "converttorange":
		if post {
			return writeOp(func(wb *workbook.Workbook, _ json.RawMessage) (result, error) {
				return noContent, wb.ConvertTableToRange(table)
			}), nil
		}
	}
	return nil, notSupported(segs)
}

// rowIndex reads a row's index from "5", "itemAt(index=5)" or "$" +
// "ItemAt(index=5)"; n is how many segments it took.
func rowIndex(segs []string) (index, n int, err error) {
	if len(segs) == 0 {
		return 0, 0, core.BadRequest("A row index is missing.")
	}
	if segs[0] == "$" && len(segs) > 1 {
		i, _, err := rowIndex(segs[1:])
		return i, 2, err
	}
	c, err := parseCall(segs[0])
	if err != nil {
		return 0, 0, err
	}
	if c.name == "itemat" {
		i, err := c.intArg("index")
		return i, 1, err
	}
	i, err := strconv.Atoi(segs[0])
	if err != nil {
		return 0, 0, core.BadRequest("%q is not a row index: use rows/itemAt(index=N).", segs[0])
	}
	return i, 1, nil
}

// rowsBody is the body that adds rows.
type rowsBody struct {
	Index  *int            `json:"index"`
	Values *workbook.Input `json:"values"`
}

func rowsRoute(method, table string, segs []string) (*op, error) {
	add := writeOp(func(wb *workbook.Workbook, in json.RawMessage) (result, error) {
		var b rowsBody
		if err := decode(in, &b); err != nil {
			return result{}, err
		}
		r, err := wb.AddTableRows(table, b.Index, b.Values)
		return created(r), err
	})
	switch {
	case len(segs) == 0 && method == http.MethodGet:
		return readOp(func(wb *workbook.Workbook, _ json.RawMessage) (result, error) {
			r, err := wb.TableRows(table)
			return list(r), err
		}), nil
	case len(segs) == 0 && method == http.MethodPost, len(segs) == 1 && strings.EqualFold(segs[0], "add") && method == http.MethodPost:
		return add, nil
	case len(segs) == 0:
		return nil, notSupported(segs)
	}
	if c, _ := parseCall(segs[0]); c.name == "count" && method == http.MethodGet {
		return readOp(func(wb *workbook.Workbook, _ json.RawMessage) (result, error) {
			r, err := wb.TableRows(table)
			return ok(map[string]any{"value": len(r)}), err
		}), nil
	}
	index, n, err := rowIndex(segs)
	if err != nil {
		return nil, err
	}
	if len(segs) > n {
		if c, _ := parseCall(segs[n]); c.name == "range" && len(segs) == n+1 && method == http.MethodGet {
			return rangeRoute(method, nil, func(wb *workbook.Workbook) (*workbook.Range, error) {
				body, err := wb.TableRange(table, workbook.DataBody)
				if err != nil {
					return nil, err
				}
				return body.Row(index)
			})
		}
		return nil, notSupported(segs)
	}
	switch method {
	case http.MethodGet:
		return readOp(func(wb *workbook.Workbook, _ json.RawMessage) (result, error) {
			r, err := wb.TableRow(table, index)
			return ok(r), err
		}), nil
	case http.MethodPatch:
		return writeOp(func(wb *workbook.Workbook, in json.RawMessage) (result, error) {
			var b rowsBody
			if err := decode(in, &b); err != nil {
				return result{}, err
			}
			r, err := wb.UpdateTableRow(table, index, b.Values)
			return ok(r), err
		}), nil
	case http.MethodDelete:
		return writeOp(func(wb *workbook.Workbook, _ json.RawMessage) (result, error) {
			return noContent, wb.DeleteTableRow(table, index)
		}), nil
	}
	return nil, notSupported(segs)
}

func columnsRoute(method, table string, segs []string) (*op, error) {
	add := writeOp(func(wb *workbook.Workbook, in json.RawMessage) (result, error) {
		var b struct {
			Index  *int            `json:"index"`
			Name   string          `json:"name"`
			Values *workbook.Input `json:"values"`
		}
		if err := decode(in, &b); err != nil {
			return result{}, err
		}
		col, err := wb.AddTableColumn(table, b.Index, b.Values, b.Name)
		return created(col), err
	})
	switch {
	case len(segs) == 0 && method == http.MethodGet:
		return readOp(func(wb *workbook.Workbook, _ json.RawMessage) (result, error) {
			cols, err := wb.TableColumns(table)
			return list(cols), err
		}), nil
	case len(segs) == 0 && method == http.MethodPost, len(segs) == 1 && strings.EqualFold(segs[0], "add") && method == http.MethodPost:
		return add, nil
	case len(segs) == 0:
		return nil, notSupported(segs)
	}
	key := segs[0]
	if c, err := parseCall(key); err == nil && c.name == "itemat" {
		i, err := c.intArg("index")
		if err != nil {
			return nil, err
		}
		key = strconv.Itoa(i + 1) // columns' ids count from 1
	}
	rest := segs[1:]
	if len(rest) == 0 {
		switch method {
		case http.MethodGet:
			return readOp(func(wb *workbook.Workbook, _ json.RawMessage) (result, error) {
				c, err := wb.TableColumnByKey(table, key)
				return ok(c), err
			}), nil
		case http.MethodDelete:
			return writeOp(func(wb *workbook.Workbook, _ json.RawMessage) (result, error) {
				return noContent, wb.DeleteTableColumn(table, key)
			}), nil
		}
		return nil, notSupported(segs)
	}
	switch c, _ := parseCall(rest[0]); c.name {
	case "filter":
		switch {
		case len(rest) == 1 && method == http.MethodGet:
			return readOp(func(wb *workbook.Workbook, _ json.RawMessage) (result, error) {
				f, err := wb.GetFilter(table, key)
				return ok(f), err
			}), nil
		case len(rest) == 2 && method == http.MethodPost && strings.EqualFold(rest[1], "apply"):
			return writeOp(func(wb *workbook.Workbook, in json.RawMessage) (result, error) {
				var b struct {
					Criteria workbook.FilterCriteria `json:"criteria"`
				}
				if err := decode(in, &b); err != nil {
					return result{}, err
				}
				return noContent, wb.ApplyFilter(table, key, b.Criteria)
			}), nil
		case len(rest) == 2 && method == http.MethodPost && strings.EqualFold(rest[1], "clear"):
			return writeOp(func(wb *workbook.Workbook, _ json.RawMessage) (result, error) {
				return noContent, wb.ClearFilter(table, key)
			}), nil
		}
	case "range", "databodyrange", "headerrowrange":
		name := c.name
		return rangeRoute(method, rest[1:], func(wb *workbook.Workbook) (*workbook.Range, error) {
			col, err := wb.TableColumnByKey(table, key)
			if err != nil {
				return nil, err
			}
			whole, err := wb.TableRange(table, workbook.WholeTable)
			if err != nil {
				return nil, err
			}
			r, err := whole.Column(col.Index)
			if err != nil || name == "range" {
				return r, err
			}
			body, err := wb.TableRange(table, workbook.DataBody)
			if name == "headerrowrange" {
				body, err = wb.TableRange(table, workbook.HeaderRow)
			}
			if err != nil {
				return nil, err
			}
			return body.Column(col.Index)
		})
	}
	return nil, notSupported(segs)
}

// namesRoute serves workbook/names and worksheets/{id}/names (sheet set).
func namesRoute(method, sheet string, segs []string) (*op, error) {
	switch {
	case len(segs) == 0 && method == http.MethodGet:
		return readOp(func(wb *workbook.Workbook, _ json.RawMessage) (result, error) {
			n, err := wb.Names(sheet)
			return list(n), err
		}), nil
	case len(segs) == 1 && method == http.MethodPost && (strings.EqualFold(segs[0], "add") || strings.EqualFold(segs[0], "addFormulaLocal")):
		formula := strings.EqualFold(segs[0], "addFormulaLocal")
		return writeOp(func(wb *workbook.Workbook, in json.RawMessage) (result, error) {
			var b struct {
				Name      string          `json:"name"`
				Reference json.RawMessage `json:"reference"`
				Formula   string          `json:"formula"`
				Comment   string          `json:"comment"`
			}
			if err := decode(in, &b); err != nil {
				return result{}, err
			}
			if formula {
				n, err := wb.AddNameFormula(sheet, b.Name, b.Formula, b.Comment)
				return created(n), err
			}
			n, err := wb.AddName(sheet, b.Name, b.Reference, b.Comment)
			return created(n), err
		}), nil
	case len(segs) == 0:
		return nil, notSupported(segs)
	}
	name, rest := segs[0], segs[1:]
	switch {
	case len(rest) == 0 && method == http.MethodGet:
		return readOp(func(wb *workbook.Workbook, _ json.RawMessage) (result, error) {
			n, err := wb.Name(sheet, name)
			return ok(n), err
		}), nil
	case len(rest) == 0 && method == http.MethodDelete:
		return writeOp(func(wb *workbook.Workbook, _ json.RawMessage) (result, error) {
			return noContent, wb.DeleteName(sheet, name)
		}), nil
	case len(rest) >= 1 && strings.EqualFold(rest[0], "range"):
		return rangeRoute(method, rest[1:], func(wb *workbook.Workbook) (*workbook.Range, error) { return wb.NamedRange(sheet, name) })
	}
	return nil, notSupported(segs)
}
