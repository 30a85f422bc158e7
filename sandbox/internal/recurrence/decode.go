package recurrence

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Parse reads a patternedRecurrence from a JSON request body as Graph reads
// it: member names and enum values in any letter case, instance annotations
// such as "@odata.type" ignored, null for a nullable member meaning "not
// set". What Graph's OData reader refuses (an unknown member, a value of the
// wrong JSON type, an unknown enum value, null for a non-nullable number)
// is a *Error with code RequestBodyRead. Parse checks only the shape; call
// Validate for the rules Exchange applies.
//
// The JSON null (no recurrence at all) is not a recurrence: a caller that
// accepts "recurrence": null checks for it before calling Parse.
func Parse(data []byte) (PatternedRecurrence, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return PatternedRecurrence{}, bodyError("", "The request body is not valid JSON: "+err.Error()+".")
	}
	if dec.More() {
		return PatternedRecurrence{}, bodyError("", "The request body holds more than one JSON value.")
	}
	return FromJSON(v)
}

// FromJSON is Parse for a value already decoded by encoding/json (into any,
// with or without UseNumber), as the sandbox's handlers hold request bodies:
// v is the recurrence member's value, a map[string]any.
func FromJSON(v any) (PatternedRecurrence, error) {
	var r PatternedRecurrence
	obj, err := object(v, "recurrence")
	if err != nil {
		return r, err
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		val := obj[k]
		switch {
		case isAnnotation(k):
		case strings.EqualFold(k, "pattern"):
			if val == nil {
				continue
			}
			if r.Pattern, err = decodePattern(val); err != nil {
				return r, err
			}
		case strings.EqualFold(k, "range"):
			if val == nil {
				continue
			}
			if r.Range, err = decodeRange(val); err != nil {
				return r, err
			}
		default:
			return r, unknownMember(k, "patternedRecurrence")
		}
	}
	return r, nil
}

func decodePattern(v any) (Pattern, error) {
	var p Pattern
	obj, err := object(v, "pattern")
	if err != nil {
		return p, err
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		val := obj[k]
		switch name := strings.ToLower(k); {
		case isAnnotation(k):
		case name == "type":
			if p.Type, err = enumMember(val, k, "recurrencePatternType", patternTypes); err != nil {
				return p, err
			}
		case name == "interval":
			if p.Interval, err = int32Member(val, k); err != nil {
				return p, err
			}
		case name == "month":
			if p.Month, err = int32Member(val, k); err != nil {
				return p, err
			}
		case name == "dayofmonth":
			if p.DayOfMonth, err = int32Member(val, k); err != nil {
				return p, err
			}
		case name == "daysofweek":
			if p.DaysOfWeek, err = daysMember(val); err != nil {
				return p, err
			}
		case name == "firstdayofweek":
			if val == nil {
				continue
			}
			if p.FirstDayOfWeek, err = dayMember(val, k); err != nil {
				return p, err
			}
		case name == "index":
			if p.Index, err = enumMember(val, k, "weekIndex", weekIndexes); err != nil {
				return p, err
			}
		default:
			return p, unknownMember(k, "recurrencePattern")
		}
	}
	return p, nil
}

func decodeRange(v any) (Range, error) {
	var r Range
	obj, err := object(v, "range")
	if err != nil {
		return r, err
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		val := obj[k]
		switch name := strings.ToLower(k); {
		case isAnnotation(k):
		case name == "type":
			if r.Type, err = enumMember(val, k, "recurrenceRangeType", rangeTypes); err != nil {
				return r, err
			}
		case name == "startdate":
			if r.StartDate, err = dateMember(val, k); err != nil {
				return r, err
			}
		case name == "enddate":
			if r.EndDate, err = dateMember(val, k); err != nil {
				return r, err
			}
		case name == "numberofoccurrences":
			if r.NumberOfOccurrences, err = int32Member(val, k); err != nil {
				return r, err
			}
		case name == "recurrencetimezone":
			if val == nil {
				continue
			}
			s, ok := val.(string)
			if !ok {
				return r, primitiveError(val, "Edm.String", k)
			}
			r.RecurrenceTimeZone = s
		default:
			return r, unknownMember(k, "recurrenceRange")
		}
	}
	return r, nil
}

// isAnnotation reports whether a member name is an OData annotation
// ("@odata.type", "pattern@odata.type"), which Graph's reader skips.
func isAnnotation(name string) bool { return strings.Contains(name, "@") }

func object(v any, what string) (map[string]any, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, nodeError(v, "StartObject", what)
	}
	return obj, nil
}

func enumMember[T ~string](v any, member, enum string, values []T) (T, error) {
	if v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", primitiveError(v, "microsoft.graph."+enum, member)
	}
	e, ok := enumValue(s, values)
	if !ok {
		return "", bodyError(member, "Requested value '"+s+"' was not found.")
	}
	return e, nil
}

func dayMember(v any, member string) (time.Weekday, error) {
	s, ok := v.(string)
	if !ok {
		return 0, primitiveError(v, "microsoft.graph.dayOfWeek", member)
	}
	d, ok := parseDay(s)
	if !ok {
		return 0, bodyError(member, "Requested value '"+s+"' was not found.")
	}
	return d, nil
}

func daysMember(v any) ([]time.Weekday, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, nodeError(v, "StartArray", "daysOfWeek")
	}
	days := make([]time.Weekday, 0, len(list))
	for _, item := range list {
		if item == nil {
			return nil, bodyError("daysOfWeek", "A null value was found in a collection of the non-nullable type 'microsoft.graph.dayOfWeek'.")
		}
		d, err := dayMember(item, "daysOfWeek")
		if err != nil {
			return nil, err
		}
		days = append(days, d)
	}
	return days, nil
}

func dateMember(v any, member string) (Date, error) {
	if v == nil {
		return Date{}, nil
	}
	s, ok := v.(string)
	if !ok {
		return Date{}, primitiveError(v, "Edm.Date", member)
	}
	d, err := ParseDate(s)
	if err != nil {
		return Date{}, primitiveError(v, "Edm.Date", member)
	}
	return d, nil
}

// int32Member reads a non-nullable Edm.Int32 member.
func int32Member(v any, member string) (int, error) {
	var f float64
	switch n := v.(type) {
	case nil:
		return 0, bodyError(member, "A null value was found for the property named '"+member+
			"', which has the expected type 'Edm.Int32[Nullable=False]'. The expected type 'Edm.Int32[Nullable=False]' does not allow null values.")
	case json.Number:
		i, err := strconv.ParseInt(string(n), 10, 32)
		if err != nil {
			return 0, primitiveError(v, "Edm.Int32", member)
		}
		return int(i), nil
	case float64:
		f = n
	case int:
		f = float64(n)
	case int64:
		f = float64(n)
	default:
		return 0, primitiveError(v, "Edm.Int32", member)
	}
	if f != math.Trunc(f) || f < math.MinInt32 || f > math.MaxInt32 {
		return 0, primitiveError(v, "Edm.Int32", member)
	}
	return int(f), nil
}

func bodyError(member, msg string) *Error {
	return &Error{Code: CodeRequestBodyRead, Message: msg, Member: member}
}

func unknownMember(name, typ string) *Error {
	return bodyError(name, "The property '"+name+"' does not exist on type 'microsoft.graph."+typ+
		"'. Make sure to only use property names that are defined by the type or mark the type as open type.")
}

// primitiveError is the OData reader's complaint about a primitive member
// holding a value it cannot convert: an object or array where a primitive
// belongs, or a primitive of the wrong kind.
func primitiveError(v any, edm, member string) *Error {
	switch v.(type) {
	case map[string]any, []any:
		return nodeError(v, "PrimitiveValue", member)
	}
	e := convertError(v, edm)
	e.Member = member
	return e
}

func convertError(v any, edm string) *Error {
	lit := fmt.Sprint(v)
	if b, err := json.Marshal(v); err == nil {
		lit = strings.Trim(string(b), `"`)
	}
	return bodyError("", "Cannot convert the literal '"+lit+"' to the expected type '"+edm+"'.")
}

// nodeError is the OData reader's complaint about a JSON value of the wrong
// kind (an array where an object belongs, say).
func nodeError(v any, want, member string) *Error {
	got := "PrimitiveValue"
	switch v.(type) {
	case map[string]any:
		got = "StartObject"
	case []any:
		got = "StartArray"
	}
	return bodyError(member, "An unexpected '"+got+"' node was found when reading from the JSON reader. A '"+want+"' node was expected.")
}
