package workbook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// FunctionResult is Graph's workbookFunctionResult: the value, or the
// error value (such as "#VALUE!") with a null value.
type FunctionResult struct {
	Error *string `json:"error"`
	Value any     `json:"value"`
}

// functionSpec is a worksheet function: its Excel name and Graph's
// parameter names in order; a variadic last parameter takes an array.
type functionSpec struct {
	excel    string
	params   []string
	variadic bool
}

// functions are the worksheet functions workbook/functions/{name} offers,
// with the parameter names of Excel's JavaScript Functions class.
var functions = map[string]functionSpec{
	"abs":         {"ABS", []string{"number"}, false},
	"and":         {"AND", []string{"values"}, true},
	"average":     {"AVERAGE", []string{"values"}, true},
	"averageif":   {"AVERAGEIF", []string{"range", "criteria", "averageRange"}, false},
	"choose":      {"CHOOSE", []string{"indexNum", "values"}, true},
	"concatenate": {"CONCATENATE", []string{"values"}, true},
	"count":       {"COUNT", []string{"values"}, true},
	"counta":      {"COUNTA", []string{"values"}, true},
	"countblank":  {"COUNTBLANK", []string{"range"}, false},
	"countif":     {"COUNTIF", []string{"range", "criteria"}, false},
	"hlookup":     {"HLOOKUP", []string{"lookupValue", "tableArray", "rowIndexNum", "rangeLookup"}, false},
	"if":          {"IF", []string{"logicalTest", "valueIfTrue", "valueIfFalse"}, false},
	"index":       {"INDEX", []string{"array", "rowNum", "columnNum", "areaNum"}, false},
	"int":         {"INT", []string{"number"}, false},
	"left":        {"LEFT", []string{"text", "numChars"}, false},
	"len":         {"LEN", []string{"text"}, false},
	"lower":       {"LOWER", []string{"text"}, false},
	"match":       {"MATCH", []string{"lookupValue", "lookupArray", "matchType"}, false},
	"max":         {"MAX", []string{"values"}, true},
	"median":      {"MEDIAN", []string{"values"}, true},
	"mid":         {"MID", []string{"text", "startNum", "numChars"}, false},
	"min":         {"MIN", []string{"values"}, true},
	"mod":         {"MOD", []string{"number", "divisor"}, false},
	"not":         {"NOT", []string{"logical"}, false},
	"or":          {"OR", []string{"values"}, true},
	"pmt":         {"PMT", []string{"rate", "nper", "pv", "fv", "type"}, false},
	"power":       {"POWER", []string{"number", "power"}, false},
	"product":     {"PRODUCT", []string{"values"}, true},
	"right":       {"RIGHT", []string{"text", "numChars"}, false},
	"round":       {"ROUND", []string{"number", "numDigits"}, false},
	"rounddown":   {"ROUNDDOWN", []string{"number", "numDigits"}, false},
	"roundup":     {"ROUNDUP", []string{"number", "numDigits"}, false},
	"sqrt":        {"SQRT", []string{"number"}, false},
	"sum":         {"SUM", []string{"values"}, true},
	"sumif":       {"SUMIF", []string{"range", "criteria", "sumRange"}, false},
	"text":        {"TEXT", []string{"value", "formatText"}, false},
	"trim":        {"TRIM", []string{"text"}, false},
	"upper":       {"UPPER", []string{"text"}, false},
	"vlookup":     {"VLOOKUP", []string{"lookupValue", "tableArray", "colIndexNum", "rangeLookup"}, false},
}

// FunctionNames lists the functions Call knows, sorted.
func FunctionNames() []string {
	out := make([]string, 0, len(functions))
	for n := range functions {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// CallFunction evaluates a worksheet function (POST
// workbook/functions/{name}) with Graph's JSON body: parameters by name
// (any case), ranges as {"address": "Sheet1!A1:B2"}, arrays as 2D arrays.
// An unknown function is ItemNotFound; a missing or malformed argument is
// InvalidArgument; a function that computes an error value answers it in
// the result's error, as Graph does.
func (wb *Workbook) CallFunction(name string, body json.RawMessage) (FunctionResult, error) {
	spec, ok := functions[strings.ToLower(name)]
	if !ok {
		return FunctionResult{}, itemNotFound("There is no worksheet function %q; the sandbox offers %s.", name, strings.Join(FunctionNames(), ", "))
	}
	args := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, &args); err != nil {
			return FunctionResult{}, invalidArgument("The body must be a JSON object of the function's parameters: %v.", err)
		}
	}
	byLower := map[string]json.RawMessage{}
	for k, v := range args {
		byLower[strings.ToLower(k)] = v
	}
	var parts []string
	last := -1
	for i, p := range spec.params {
		raw, ok := byLower[strings.ToLower(p)]
		if !ok || string(raw) == "null" {
			parts = append(parts, "")
			continue
		}
		if spec.variadic && i == len(spec.params)-1 {
			var list []json.RawMessage
			if err := json.Unmarshal(raw, &list); err != nil {
				return FunctionResult{}, invalidArgument("%s must be an array of values or ranges.", p)
			}
			for j, item := range list {
				s, err := wb.functionArg(item)
				if err != nil {
					return FunctionResult{}, argError(err, fmt.Sprintf("%s[%d]", p, j))
				}
				parts = append(parts, s)
			}
			last = len(parts) - 1
			continue
		}
		s, err := wb.functionArg(raw)
		if err != nil {
			return FunctionResult{}, argError(err, p)
		}
		parts = append(parts, s)
		last = len(parts) - 1
	}
	if last < 0 && len(spec.params) > 0 {
		return FunctionResult{}, invalidArgument("%s needs its arguments: %s.", name, strings.Join(spec.params, ", "))
	}
	formula := spec.excel + "(" + strings.Join(parts[:last+1], ",") + ")"
	if err := wb.ensureScratch(); err != nil {
		return FunctionResult{}, err
	}
	cell := cellName(2, 1)
	if err := wb.f.SetCellFormula(wb.scratch, cell, formula); err != nil {
		return FunctionResult{}, internal(err)
	}
	res, err := wb.evaluate([]cellRef{{wb.scratch, 1, 2}})
	if err != nil {
		return FunctionResult{}, err
	}
	v := res[0].value
	if v.Type == ErrorValue {
		e := v.Text
		return FunctionResult{Error: &e}, nil
	}
	return FunctionResult{Value: v.Interface()}, nil
}

// argError says which parameter an InvalidArgument error is about; other
// errors (a range on a missing sheet) pass as they are.
func argError(err error, param string) error {
	var we *Error
	if errors.As(err, &we) && we.Code == "InvalidArgument" {
		e := *we
		e.Message = strings.Replace(e.Message, "format. ", "format. Parameter "+param+": ", 1)
		return &e
	}
	return err
}

// functionArg renders one JSON argument as formula text.
func (wb *Workbook) functionArg(raw json.RawMessage) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", invalidArgument("not valid JSON.")
	}
	return wb.literal(v, true)
}

func (wb *Workbook) literal(v any, top bool) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case json.Number:
		if _, err := strconv.ParseFloat(string(x), 64); err != nil {
			return "", invalidArgument("%s is not a number.", x)
		}
		return string(x), nil
	case bool:
		return strings.ToUpper(strconv.FormatBool(x)), nil
	case string:
		return `"` + strings.ReplaceAll(x, `"`, `""`) + `"`, nil
	case map[string]any:
		var addr string
		for k, val := range x {
			if strings.EqualFold(k, "address") {
				addr, _ = val.(string)
			}
		}
		if addr == "" {
			return "", invalidArgument("a range argument is an object with an address, such as {\"address\": \"Sheet1!A1:B5\"}.")
		}
		r, err := wb.Range(addr)
		if err != nil {
			return "", err
		}
		return quoteSheet(r.sheet) + "!" + r.address().area(), nil
	case []any:
		if !top {
			return "", invalidArgument("arrays nest at most two levels.")
		}
		var rows []string
		for _, row := range x {
			cells, ok := row.([]any)
			if !ok {
				cells = []any{row}
			}
			var items []string
			for _, c := range cells {
				if _, isObj := c.(map[string]any); isObj {
					return "", invalidArgument("an array can't hold a range.")
				}
				if _, isArr := c.([]any); isArr {
					return "", invalidArgument("arrays nest at most two levels.")
				}
				s, err := wb.literal(c, false)
				if err != nil {
					return "", err
				}
				items = append(items, s)
			}
			rows = append(rows, strings.Join(items, ","))
		}
		return "{" + strings.Join(rows, ";") + "}", nil
	}
	return "", invalidArgument("unsupported argument %T.", v)
}

// Calculate recalculates the workbook (POST application/calculate).
// Formulas are computed whenever they are read, so this only drops the
// calculator's caches; calculationType is checked as Graph checks it.
func (wb *Workbook) Calculate(calculationType string) error {
	switch strings.ToLower(calculationType) {
	case "", "recalculate", "full", "fullrebuild":
	default:
		return invalidArgument("calculationType %q is not one of Recalculate, Full, FullRebuild.", calculationType)
	}
	// Rewriting the scratch sheet clears every cached result.
	if err := wb.ensureScratch(); err != nil {
		return err
	}
	return internal(wb.f.SetCellValue(wb.scratch, "A1", nil))
}
