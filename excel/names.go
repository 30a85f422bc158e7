package excel

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
)

// NamedItem is Graph's workbookNamedItem: a defined name and what it
// refers to.
type NamedItem struct {
	o365.Object
	Name    string `json:"name,omitzero" o365:"readonly"`
	Comment string `json:"comment,omitzero" o365:"readonly"`
	// Scope is Workbook or Worksheet.
	Scope string `json:"scope,omitzero" o365:"readonly"`
	// Type is Range, String, Double, Boolean, Error or Formula.
	Type string `json:"type,omitzero" o365:"readonly"`
	// Value is what the name refers to: a range address ("Sheet1!$A$1:$B$4")
	// or a constant.
	Value   Value `json:"value,omitzero" o365:"readonly"`
	Visible bool  `json:"visible,omitzero" o365:"readonly"`
}

// UnmarshalJSONFrom decodes the named item and keeps its JSON (see
// o365.Object).
func (n *NamedItem) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain NamedItem
	return o365.DecodeObject(d, (*plain)(n))
}

// MarshalJSON encodes the named item as the service sent it (see
// o365.Object).
func (n NamedItem) MarshalJSON() ([]byte, error) {
	type plain NamedItem
	return o365.MarshalObject((*plain)(&n))
}

// ListNames lists the workbook's defined names.
//
// Graph: GET /me/drive/items/{id}/workbook/names
// (https://learn.microsoft.com/graph/api/workbook-list-names).
func (wb *Workbook) ListNames(ctx context.Context) iter.Seq2[*NamedItem, error] {
	return func(yield func(*NamedItem, error) bool) {
		var page struct {
			Value []*NamedItem `json:"value"`
		}
		if err := wb.call(ctx, http.MethodGet, "names", nil, &page); err != nil {
			yield(nil, fmt.Errorf("excel: list names: %w", err))
			return
		}
		for _, n := range page.Value {
			if !yield(n, nil) {
				return
			}
		}
	}
}

// AddName defines a name for a range ("Sheet1!A1:B4") or a formula
// ("=SUM(Sheet1!B:B)").
//
// Graph: POST /me/drive/items/{id}/workbook/names/add
// (https://learn.microsoft.com/graph/api/nameditem-add).
func (wb *Workbook) AddName(ctx context.Context, name, reference, comment string) (*NamedItem, error) {
	if name == "" || reference == "" {
		return nil, errors.New("excel: add name: the name and what it refers to are both needed")
	}
	var n NamedItem
	body := map[string]string{"name": name, "reference": reference, "comment": comment}
	if err := wb.call(ctx, http.MethodPost, "names/add", body, &n); err != nil {
		return nil, fmt.Errorf("excel: add name %q: %w", name, err)
	}
	return &n, nil
}

// GetNamedRange loads the range a name refers to.
//
// Graph: GET /me/drive/items/{id}/workbook/names/{name}/range
// (https://learn.microsoft.com/graph/api/nameditem-range).
func (wb *Workbook) GetNamedRange(ctx context.Context, name string) (*Range, error) {
	return wb.getRange(ctx, "names/"+o365.Path(name)+"/range", name)
}

// FunctionArg is an argument of a worksheet function: a Value, a range
// (Ref) or an array of arguments (Array).
type FunctionArg interface{ functionArg() }

func (Value) functionArg() {}

// Ref is a range given to a worksheet function by address ("Sheet1!A1:A9").
type Ref string

func (Ref) functionArg() {}

// MarshalJSONTo writes the range as Graph reads it: {"address": ...}.
func (r Ref) MarshalJSONTo(enc *jsontext.Encoder) error {
	if err := enc.WriteToken(jsontext.BeginObject); err != nil {
		return err
	}
	if err := enc.WriteToken(jsontext.String("address")); err != nil {
		return err
	}
	if err := enc.WriteToken(jsontext.String(string(r))); err != nil {
		return err
	}
	return enc.WriteToken(jsontext.EndObject)
}

// Array is an array of arguments given to a worksheet function, such as
// the values of sum.
type Array []FunctionArg

func (Array) functionArg() {}

// Call evaluates a worksheet function by Graph's name ("sum", "vlookup",
// "pmt") with its parameters by Graph's names ("values", "lookupValue"
// ...). A function whose result is an error value returns it as a
// CellError (errors.As); a function that does not exist or arguments it
// refuses are an *o365.Error.
//
// Graph: POST /me/drive/items/{id}/workbook/functions/{name}
// (https://learn.microsoft.com/graph/api/resources/workbookfunctions).
func (wb *Workbook) Call(ctx context.Context, function string, params map[string]FunctionArg) (Value, error) {
	if function == "" {
		return Value{}, errors.New("excel: call: empty function name")
	}
	var out struct {
		Error *string `json:"error"`
		Value Value   `json:"value"`
	}
	if params == nil {
		params = map[string]FunctionArg{}
	}
	if err := wb.call(ctx, http.MethodPost, "functions/"+o365.Path(function), params, &out); err != nil {
		return Value{}, fmt.Errorf("excel: call %s: %w", function, err)
	}
	if out.Error != nil && *out.Error != "" {
		return ErrorValue(CellError(*out.Error)), fmt.Errorf("excel: %s: %w", function, CellError(*out.Error))
	}
	return out.Value, nil
}
