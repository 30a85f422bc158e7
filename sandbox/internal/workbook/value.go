package workbook

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// ValueType is the type of a cell's value, named as Graph's valueTypes
// property names it.
type ValueType int

// The value types Graph reports in valueTypes.
const (
	Empty ValueType = iota
	String
	Double
	Boolean
	ErrorValue
)

// String returns Graph's name of the type: Empty, String, Double, Boolean
// or Error.
func (t ValueType) String() string {
	switch t {
	case String:
		return "String"
	case Double:
		return "Double"
	case Boolean:
		return "Boolean"
	case ErrorValue:
		return "Error"
	}
	return "Empty"
}

// MarshalJSON writes the type as Graph's string.
func (t ValueType) MarshalJSON() ([]byte, error) { return json.Marshal(t.String()) }

// Value is one cell's value. It marshals as Graph writes it in values: ""
// for an empty cell, a JSON string, number or boolean, and an error cell as
// its error text ("#DIV/0!").
type Value struct {
	Type   ValueType
	Number float64 // for Double
	Text   string  // for String and ErrorValue
	Bool   bool    // for Boolean
}

// Constructors for the kinds of value.
func NumberValue(f float64) Value { return Value{Type: Double, Number: f} }

// StringValue is a text value.
func StringValue(s string) Value { return Value{Type: String, Text: s} }

// BoolValue is a boolean value.
func BoolValue(b bool) Value { return Value{Type: Boolean, Bool: b} }

// ErrValue is an error value such as "#N/A".
func ErrValue(code string) Value { return Value{Type: ErrorValue, Text: code} }

// MarshalJSON writes the value as Graph does.
func (v Value) MarshalJSON() ([]byte, error) {
	switch v.Type {
	case Double:
		if math.IsNaN(v.Number) || math.IsInf(v.Number, 0) {
			return []byte(`"#NUM!"`), nil
		}
		return json.Marshal(v.Number)
	case Boolean:
		return json.Marshal(v.Bool)
	case String, ErrorValue:
		return json.Marshal(v.Text)
	}
	return []byte(`""`), nil
}

// Interface returns the value as a Go value: nil, string, float64 or bool
// (an error value as its text).
func (v Value) Interface() any {
	switch v.Type {
	case Double:
		return v.Number
	case Boolean:
		return v.Bool
	case String, ErrorValue:
		return v.Text
	}
	return nil
}

// String renders the value the way a cell in General format shows it.
func (v Value) String() string {
	switch v.Type {
	case Double:
		return formatGeneral(v.Number)
	case Boolean:
		if v.Bool {
			return "TRUE"
		}
		return "FALSE"
	case String, ErrorValue:
		return v.Text
	}
	return ""
}

// formatGeneral formats a number as Excel's General format does: up to 11
// significant digits, scientific notation for very large or small numbers.
func formatGeneral(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e11 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	a := math.Abs(f)
	if a >= 1e11 || (a < 1e-9 && a != 0) {
		s := strconv.FormatFloat(f, 'E', 5, 64)
		mant, exp, _ := strings.Cut(s, "E")
		mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
		e, _ := strconv.Atoi(exp)
		sign := "+"
		if e < 0 {
			sign, e = "-", -e
		}
		return mant + "E" + sign + pad2(e)
	}
	s := strconv.FormatFloat(f, 'g', 10, 64)
	if strings.ContainsAny(s, "eE") {
		s = strconv.FormatFloat(f, 'f', -1, 64)
	}
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// Excel's error values.
var errorCodes = map[string]bool{
	"#NULL!": true, "#DIV/0!": true, "#VALUE!": true, "#REF!": true, "#NAME?": true,
	"#NUM!": true, "#N/A": true, "#GETTING_DATA": true, "#SPILL!": true, "#CALC!": true,
	"#FIELD!": true, "#BLOCKED!": true, "#CONNECT!": true, "#BUSY!": true, "#UNKNOWN!": true,
}

// isErrorCode reports whether s is one of Excel's error values.
func isErrorCode(s string) bool { return errorCodes[strings.ToUpper(s)] }

// excelEpoch is day 0 of Excel's 1900 date system (serial 1 is 1900-01-01,
// and Excel counts the non-existent 1900-02-29, hence the 30th).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// timeToSerial converts a time to an Excel date serial number.
func timeToSerial(t time.Time) float64 {
	d := t.Sub(excelEpoch)
	return d.Hours() / 24
}

// parsedInput is what Excel makes of a value typed into a cell.
type parsedInput struct {
	value   Value
	formula string // without '=', when the input is a formula
	format  string // a number format implied by the input (50% -> 0%)
	clear   bool   // "" clears the cell's content
}

// parseInput reads one JSON value given for values or formulas the way
// Excel reads what is typed into a cell: "=..." is a formula, "'..." is
// text, numbers (with thousands separators or %), TRUE/FALSE and dates
// become numbers, booleans and dates.
func parseInput(v any) (parsedInput, error) {
	switch x := v.(type) {
	case float64:
		return parsedInput{value: NumberValue(x)}, nil
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return parsedInput{}, invalidArgument("%s is not a number Excel can hold.", x)
		}
		return parsedInput{value: NumberValue(f)}, nil
	case bool:
		return parsedInput{value: BoolValue(x)}, nil
	case string:
		return parseText(x), nil
	}
	return parsedInput{}, invalidArgument("A cell value must be a string, a number, a boolean or null; got %T.", v)
}

func parseText(s string) parsedInput {
	switch {
	case s == "":
		return parsedInput{clear: true}
	case len(s) > 1 && s[0] == '=':
		return parsedInput{formula: s[1:]}
	case s[0] == '\'':
		return parsedInput{value: StringValue(s[1:])}
	}
	t := strings.TrimSpace(s)
	switch strings.ToUpper(t) {
	case "TRUE":
		return parsedInput{value: BoolValue(true)}
	case "FALSE":
		return parsedInput{value: BoolValue(false)}
	}
	if isErrorCode(t) {
		return parsedInput{value: ErrValue(strings.ToUpper(t))}
	}
	if f, ok := parseNumber(t); ok {
		return parsedInput{value: NumberValue(f)}
	}
	if strings.HasSuffix(t, "%") {
		if f, ok := parseNumber(strings.TrimSpace(strings.TrimSuffix(t, "%"))); ok {
			format := "0%"
			if f != math.Trunc(f) {
				format = "0.00%"
			}
			return parsedInput{value: NumberValue(f / 100), format: format}
		}
	}
	for _, l := range dateLayouts {
		if tm, err := time.Parse(l.layout, t); err == nil {
			serial := timeToSerial(tm)
			if l.timeOnly {
				serial -= math.Floor(serial)
			}
			return parsedInput{value: NumberValue(serial), format: l.format}
		}
	}
	return parsedInput{value: StringValue(s)}
}

// dateLayouts are the date and time forms Excel (en-US) turns into serial
// numbers, with the number format it gives the cell.
var dateLayouts = []struct {
	layout, format string
	timeOnly       bool
}{
	{"2006-01-02", "yyyy-mm-dd", false},
	{"1/2/2006", "m/d/yyyy", false},
	{"2006-01-02 15:04", "yyyy-mm-dd h:mm", false},
	{"2006-01-02 15:04:05", "yyyy-mm-dd h:mm:ss", false},
	{"1/2/2006 15:04", "m/d/yyyy h:mm", false},
	{"15:04", "h:mm", true},
	{"15:04:05", "h:mm:ss", true},
}

// parseNumber accepts 1234, -1.5, 1e3 and 1,234.5 (thousands separators in
// the right places), as Excel does.
func parseNumber(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	if strings.Contains(s, ",") {
		intPart, frac, hasFrac := strings.Cut(s, ".")
		sign := ""
		if intPart != "" && (intPart[0] == '-' || intPart[0] == '+') {
			sign, intPart = intPart[:1], intPart[1:]
		}
		groups := strings.Split(intPart, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, false
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, false
			}
		}
		s = sign + strings.Join(groups, "")
		if hasFrac {
			s += "." + frac
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}
