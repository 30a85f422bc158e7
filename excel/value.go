package excel

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Kind is what a Value holds.
type Kind int

// The kinds of Value.
const (
	// KindEmpty is a blank cell.
	KindEmpty Kind = iota
	// KindNumber is a number (dates and times are numbers too; see Value.Time).
	KindNumber
	// KindText is text.
	KindText
	// KindBool is TRUE or FALSE.
	KindBool
	// KindError is an error value such as #DIV/0! (see CellError).
	KindError
	// KindUnchanged leaves a cell as it is when written (JSON null); it is
	// never read.
	KindUnchanged
)

// String names the kind as Graph's valueTypes do: Empty, Double, String,
// Boolean, Error; "Unchanged" for KindUnchanged.
func (k Kind) String() string {
	switch k {
	case KindNumber:
		return "Double"
	case KindText:
		return "String"
	case KindBool:
		return "Boolean"
	case KindError:
		return "Error"
	case KindUnchanged:
		return "Unchanged"
	}
	return "Empty"
}

// CellError is an error value of a cell or a function's result, such as
// #DIV/0!. It is an error, so a program can return it.
type CellError string

// Excel's error values.
const (
	ErrNull        CellError = "#NULL!"
	ErrDiv0        CellError = "#DIV/0!"
	ErrValue       CellError = "#VALUE!"
	ErrRef         CellError = "#REF!"
	ErrName        CellError = "#NAME?"
	ErrNum         CellError = "#NUM!"
	ErrNA          CellError = "#N/A"
	ErrGettingData CellError = "#GETTING_DATA"
	ErrSpill       CellError = "#SPILL!"
	ErrCalc        CellError = "#CALC!"
)

// Error returns the error value's text, "#DIV/0!".
func (e CellError) Error() string { return string(e) }

// cellErrors are the error values the package recognizes in text.
var cellErrors = map[string]CellError{}

func init() {
	for _, e := range []CellError{ErrNull, ErrDiv0, ErrValue, ErrRef, ErrName, ErrNum, ErrNA, ErrGettingData, ErrSpill, ErrCalc} {
		cellErrors[string(e)] = e
	}
}

// Value is one cell's value, or one argument or result of a worksheet
// function: a number, text, a boolean, an error value or nothing. Build
// values with Number, Text, Bool, Blank and Unchanged; read them with
// Kind and the typed accessors, or Interface for a Go value.
type Value struct {
	kind Kind
	num  float64
	text string // KindText and KindError
	b    bool
}

// Number is a number value.
func Number(f float64) Value { return Value{kind: KindNumber, num: f} }

// Text is a text value. Written to a cell, Excel reads it as it reads
// typing: "12" becomes a number and "=A1*2" a formula.
func Text(s string) Value { return Value{kind: KindText, text: s} }

// Bool is a boolean value.
func Bool(b bool) Value { return Value{kind: KindBool, b: b} }

// Blank is an empty value: written to a cell, it clears the cell's value.
func Blank() Value { return Value{} }

// Unchanged leaves a cell as it is when a range is written (Graph's null).
func Unchanged() Value { return Value{kind: KindUnchanged} }

// ErrorValue is an error value, such as ErrNA.
func ErrorValue(e CellError) Value { return Value{kind: KindError, text: string(e)} }

// Kind says what the value holds.
func (v Value) Kind() Kind { return v.kind }

// IsEmpty reports whether the value is blank.
func (v Value) IsEmpty() bool { return v.kind == KindEmpty }

// Number returns a number value.
func (v Value) Number() (float64, bool) { return v.num, v.kind == KindNumber }

// Text returns a text value.
func (v Value) Text() (string, bool) { return v.text, v.kind == KindText }

// Bool returns a boolean value.
func (v Value) Bool() (bool, bool) { return v.b, v.kind == KindBool }

// Err returns an error value.
func (v Value) Err() (CellError, bool) { return CellError(v.text), v.kind == KindError }

// Time reads a number as Excel's date serial (days since 30 December 1899,
// the fraction the time of day), in UTC.
func (v Value) Time() (time.Time, bool) {
	if v.kind != KindNumber || v.num < 0 || v.num > 2958466 {
		return time.Time{}, false
	}
	days := math.Floor(v.num)
	nanos := math.Round((v.num - days) * 86400e9)
	return excelEpoch.AddDate(0, 0, int(days)).Add(time.Duration(nanos)), true
}

// excelEpoch is day 0 of Excel's date serials (1900 date system, with
// Excel's phantom 29 February 1900 accounted for by starting on the 30th).
var excelEpoch = time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC)

// Serial is the Excel date serial of t (its wall clock time), for writing
// dates as numbers.
func Serial(t time.Time) float64 {
	y, m, d := t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	clock := time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute +
		time.Duration(t.Second())*time.Second + time.Duration(t.Nanosecond())
	return math.Round(day.Sub(excelEpoch).Hours()/24) + clock.Hours()/24
}

// Interface returns the value as a plain Go value: float64, string, bool,
// a CellError, or nil for a blank or unchanged cell.
func (v Value) Interface() any {
	switch v.kind {
	case KindNumber:
		return v.num
	case KindText:
		return v.text
	case KindBool:
		return v.b
	case KindError:
		return CellError(v.text)
	}
	return nil
}

// String renders the value as a cell shows it without a number format:
// numbers in the shortest form, TRUE and FALSE, error values, "" for blanks.
func (v Value) String() string {
	switch v.kind {
	case KindNumber:
		return strconv.FormatFloat(v.num, 'g', -1, 64)
	case KindText, KindError:
		return v.text
	case KindBool:
		if v.b {
			return "TRUE"
		}
		return "FALSE"
	}
	return ""
}

// MarshalJSONTo writes the value as Graph reads it in values and
// formulas: a number, string or boolean, "" for a blank, null for
// Unchanged.
func (v Value) MarshalJSONTo(enc *jsontext.Encoder) error {
	switch v.kind {
	case KindNumber:
		if math.IsNaN(v.num) || math.IsInf(v.num, 0) {
			return fmt.Errorf("excel: %v is not a number a cell can hold", v.num)
		}
		return enc.WriteToken(jsontext.Float(v.num))
	case KindText, KindError:
		return enc.WriteToken(jsontext.String(v.text))
	case KindBool:
		return enc.WriteToken(jsontext.Bool(v.b))
	case KindUnchanged:
		return enc.WriteToken(jsontext.Null)
	}
	return enc.WriteToken(jsontext.String(""))
}

// MarshalJSON is MarshalJSONTo for encoders of the encoding/json kind.
func (v Value) MarshalJSON() ([]byte, error) { return json.Marshal(v) }

// UnmarshalJSONFrom reads a value as Graph writes it: numbers, strings and
// booleans; "" and null are blank. Text that is exactly an error value
// (#DIV/0!) reads as one; Range uses valueTypes to tell them apart.
func (v *Value) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		*v = Value{}
	case 't', 'f':
		*v = Bool(tok.Bool())
	case '"':
		s := tok.String()
		switch e, isErr := cellErrors[s]; {
		case s == "":
			*v = Value{}
		case isErr:
			*v = ErrorValue(e)
		default:
			*v = Text(s)
		}
	case '0':
		f, err := tok.Float()
		if err != nil {
			return fmt.Errorf("excel: cell value %s: %w", tok, err)
		}
		*v = Number(f)
	default:
		return fmt.Errorf("excel: a cell value is a number, text, a boolean or null, not %v", tok.Kind())
	}
	return nil
}

// UnmarshalJSON is UnmarshalJSONFrom for decoders of the encoding/json
// kind.
func (v *Value) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, v) }

// Values builds a grid of text values from rows of strings, as typed into
// cells (see Text): the form of CSV data.
func Values(rows [][]string) [][]Value {
	out := make([][]Value, len(rows))
	for i, r := range rows {
		out[i] = make([]Value, len(r))
		for j, s := range r {
			out[i][j] = Text(s)
		}
	}
	return out
}
