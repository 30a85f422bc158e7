package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Action parameters as Graph's OData reader reads them. Graph's schema
// spells most Outlook parameters in PascalCase ("DestinationId",
// "SaveToSentItems") while its documentation writes camelCase, and Graph
// accepts both: parameter names match without regard to case. Primitive
// values may come as JSON strings, which the reader converts ("false" for
// a Boolean, "10" for an Int32); a parameter the action does not have is
// refused. An area describes each action once (its name and parameters as
// Graph's schema declares them) and reads the body with Call.DecodeAction.

// ActionParam is one parameter of an action, as Graph's schema declares it.
type ActionParam struct {
	// Name is the parameter's name as the schema spells it, e.g.
	// "DestinationId"; clients may send it in any case.
	Name string
	// Type is the schema's type: "Edm.String", "Edm.Boolean", "Edm.Int32",
	// "Edm.Int64", "Edm.Double", "Edm.DateTimeOffset", "Edm.Guid", a
	// complex or entity type such as "microsoft.graph.message", an enum
	// type (with Enum set), or "Collection(...)" of any of them.
	Type string
	// Enum marks an enumeration type: its values are member names in a
	// string (flags: comma-separated), which the handler checks.
	Enum bool
}

// Action is an OData action the areas serve: its name, for errors, and its
// parameters. A test of each area checks its actions against Graph's
// schema (internal/csdl).
type Action struct {
	// Name is the action's name, e.g. "move".
	Name string
	// Params are its parameters, without the binding parameter.
	Params []ActionParam
	// Code is the error code of refused parameters: "" is the OData
	// reader's RequestBodyRead (Outlook); the directory says
	// Request_BadRequest.
	Code string
}

// ActionArgs are the decoded parameters of an action, by the names the
// Action declares. Values are Go's JSON values (string, bool, float64,
// map[string]any, []any); converted primitives have the declared type's
// value. A parameter that was absent or null is missing.
type ActionArgs map[string]any

// Has reports whether the parameter was given (and not null).
func (a ActionArgs) Has(name string) bool { _, ok := a[name]; return ok }

// String is a string parameter ("" when absent).
func (a ActionArgs) String(name string) string { s, _ := a[name].(string); return s }

// Bool is a Boolean parameter, def when absent.
func (a ActionArgs) Bool(name string, def bool) bool {
	if b, ok := a[name].(bool); ok {
		return b
	}
	return def
}

// Number is a numeric parameter, def when absent.
func (a ActionArgs) Number(name string, def float64) float64 {
	if f, ok := a[name].(float64); ok {
		return f
	}
	return def
}

// Object is a complex or entity parameter (nil when absent).
func (a ActionArgs) Object(name string) map[string]any { m, _ := a[name].(map[string]any); return m }

// List is a collection parameter (nil when absent).
func (a ActionArgs) List(name string) []any { l, _ := a[name].([]any); return l }

// Strings is a collection of strings parameter (nil when absent).
func (a ActionArgs) Strings(name string) []string {
	var out []string
	for _, v := range a.List(name) {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// DecodeAction reads the body of a POST to action a as Graph's OData reader
// does: parameter names match without regard to case, primitive values
// given as strings are converted, complex values have their property names
// brought to Graph's camelCase (PascalCase, as Outlook REST sent them, is
// accepted), and an unknown parameter or a value of the wrong kind is 400
// with the reader's message. An absent or empty body has no parameters.
// The body's other faults are answered as Decode answers them.
func (c *Call) DecodeAction(a Action) (ActionArgs, error) {
	args := ActionArgs{}
	if c.R.ContentLength == 0 && c.R.Header.Get("Content-Type") == "" {
		return args, nil
	}
	body, err := c.readJSONBody()
	if err != nil || len(body) == 0 {
		return args, err
	}
	if err := checkObject(body); err != nil {
		return nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, BadRequest(unreadablePayload)
	}
	code := a.Code
	if code == "" {
		code = "RequestBodyRead"
	}
	fail := func(format string, v ...any) error {
		return Errorf(http.StatusBadRequest, code, format, v...)
	}
	seen := map[string]string{}
	for key, rawValue := range raw {
		if strings.HasPrefix(key, "@") {
			continue // instance annotations such as @odata.type
		}
		var p *ActionParam
		for i := range a.Params {
			if strings.EqualFold(a.Params[i].Name, key) {
				p = &a.Params[i]
				break
			}
		}
		if p == nil {
			return nil, fail("The parameter '%s' in the request payload is not a valid parameter for the operation '%s'.", key, a.Name)
		}
		if prev, dup := seen[p.Name]; dup {
			return nil, fail("Multiple parameters with the name '%s' were found in the request payload ('%s' and '%s'); send each parameter once.", p.Name, prev, key)
		}
		seen[p.Name] = key
		v, err := decodeParam(*p, rawValue)
		if err != nil {
			return nil, BadRequest(unreadablePayload)
		}
		if v == nil {
			continue
		}
		val, err := convertParam(*p, v, fail)
		if err != nil {
			return nil, err
		}
		args[p.Name] = val
	}
	return args, nil
}

// refusal builds the error answering a parameter the reader refuses.
type refusal func(format string, v ...any) error

// convertParam converts one parameter value to its declared type.
func convertParam(p ActionParam, v any, fail refusal) (any, error) {
	if elem, ok := strings.CutPrefix(p.Type, "Collection("); ok {
		elem = strings.TrimSuffix(elem, ")")
		list, ok := v.([]any)
		if !ok {
			return nil, fail("An unexpected '%s' node was found when reading from the JSON reader. A 'StartArray' node was expected for the parameter '%s'.", nodeKind(v), p.Name)
		}
		out := make([]any, 0, len(list))
		for _, item := range list {
			if item == nil {
				return nil, fail("A null value was found in the collection parameter '%s', which does not allow nulls.", p.Name)
			}
			conv, err := convertParam(ActionParam{Name: p.Name, Type: elem, Enum: p.Enum}, item, fail)
			if err != nil {
				return nil, err
			}
			out = append(out, conv)
		}
		return out, nil
	}
	if !strings.HasPrefix(p.Type, "Edm.") && !p.Enum {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fail("An unexpected '%s' node was found when reading from the JSON reader. A 'StartObject' node was expected for the parameter '%s'.", nodeKind(v), p.Name)
		}
		return fromOutlook(m), nil
	}
	return convertPrimitive(p.Type, p.Enum, v, fail)
}

// nodeKind names the JSON node of v as the OData reader does.
func nodeKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "StartObject"
	case []any:
		return "StartArray"
	}
	return "PrimitiveValue"
}

// PrimitiveValue converts a property's JSON value to the primitive type t
// ("Edm.Boolean", "Edm.Int32" ...) as Graph's OData reader does for entity
// bodies too: a JSON string holding the type's literal is accepted
// (python-o365 sends "isOnlineMeeting": "false"). ok is false when Graph
// would refuse the value ("Cannot convert the literal ...").
func PrimitiveValue(t string, v any) (converted any, ok bool) {
	if f, isFloat := v.(float64); isFloat {
		// Decode gives float64; the reader sees a JSON number.
		v = json.Number(strconv.FormatFloat(f, 'f', -1, 64))
	}
	out, err := convertPrimitive(t, false, v, func(string, ...any) error { return errRefused })
	return out, err == nil
}

// errRefused is PrimitiveValue's internal refusal.
var errRefused = errors.New("refused")

// convertPrimitive converts a JSON value to the primitive (or enum) type t
// as the OData reader does: JSON strings are parsed as the type's literal,
// numbers fit numeric types only, Booleans Boolean only.
func convertPrimitive(t string, enum bool, v any, refuse refusal) (any, error) {
	fail := func() (any, error) {
		if _, isString := v.(string); isString {
			return nil, refuse("Cannot convert a primitive value to the expected type '%s'. See the inner exception for more details.", t)
		}
		return nil, refuse("Cannot convert the literal '%v' to the expected type '%s'.", v, t)
	}
	if enum {
		if s, ok := v.(string); ok {
			return s, nil
		}
		return fail()
	}
	switch t {
	case "Edm.String":
		if s, ok := v.(string); ok {
			return s, nil
		}
		return fail()
	case "Edm.Boolean":
		switch v := v.(type) {
		case bool:
			return v, nil
		case string:
			// XmlConvert.ToBoolean: trimmed, lower case, or 1 and 0.
			switch strings.TrimSpace(v) {
			case "true", "1":
				return true, nil
			case "false", "0":
				return false, nil
			}
		}
		return fail()
	case "Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Byte", "Edm.SByte":
		bits := map[string]int{"Edm.Int16": 16, "Edm.Int32": 32, "Edm.Int64": 64, "Edm.Byte": 8, "Edm.SByte": 8}[t]
		var s string
		switch v := v.(type) {
		case json.Number:
			s = v.String()
		case string:
			s = strings.TrimSpace(v)
		default:
			return fail()
		}
		n, err := strconv.ParseInt(s, 10, bits)
		if t == "Edm.Byte" {
			var u uint64
			u, err = strconv.ParseUint(s, 10, 8)
			n = int64(u)
		}
		if err != nil {
			return fail()
		}
		return float64(n), nil
	case "Edm.Double", "Edm.Single", "Edm.Decimal":
		var f float64
		var err error
		switch v := v.(type) {
		case json.Number:
			f, err = v.Float64()
		case string:
			switch s := strings.TrimSpace(v); s {
			case "INF":
				f = math.Inf(1)
			case "-INF":
				f = math.Inf(-1)
			case "NaN":
				f = math.NaN()
			default:
				f, err = strconv.ParseFloat(s, 64)
			}
		default:
			return fail()
		}
		if err != nil {
			return fail()
		}
		return f, nil
	case "Edm.DateTimeOffset":
		s, ok := v.(string)
		if !ok {
			return fail()
		}
		if _, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s)); err != nil {
			return fail()
		}
		return strings.TrimSpace(s), nil
	case "Edm.Guid":
		s, ok := v.(string)
		if !ok || !isGUID(strings.TrimSpace(s)) {
			return fail()
		}
		return strings.TrimSpace(s), nil
	}
	return nil, refuse("The sandbox cannot read parameters of type '%s'.", t)
}

// isGUID reports whether s is a GUID in its 8-4-4-4-12 hex form.
func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return false
			}
		}
	}
	return true
}

// decodeParam decodes one parameter's JSON value: numbers of primitive
// parameters as json.Number, so that the reader's conversions can tell 1
// from 1.5; complex values as Decode delivers documents.
func decodeParam(p ActionParam, raw json.RawMessage) (any, error) {
	var v any
	if strings.HasPrefix(p.Type, "Edm.") || p.Enum || strings.HasPrefix(p.Type, "Collection(Edm.") {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		return v, dec.Decode(&v)
	}
	return v, json.Unmarshal(raw, &v)
}
