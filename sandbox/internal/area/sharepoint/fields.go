package sharepoint

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/o365go/o365/sandbox/internal/core"
)

// Type annotations of multi-valued fields, as Graph's OData reader needs them.
const (
	stringsType = "Collection(Edm.String)"
	int32sType  = "Collection(Edm.Int32)"
)

// lookupSuffix names the field that holds a person or lookup column's id.
const lookupSuffix = "LookupId"

// fieldColumn finds the column a request's field name writes: the column
// itself, or a person or lookup column through its "{name}LookupId" field.
func fieldColumn(cols []*column, key string) (col *column, viaLookupID bool) {
	if c := findColumn(cols, key); c != nil {
		return c, false
	}
	if base, ok := strings.CutSuffix(key, lookupSuffix); ok && base != "" {
		if c := findColumn(cols, base); c != nil && (c.kind == kindPerson || c.kind == kindLookup) {
			return c, true
		}
	}
	return nil, false
}

// applyFields checks the field values of a request against the list's
// columns and writes them into fields, as SharePoint does for a new item
// (fields empty) or an update. Errors are Graph's 400 invalidRequest.
func applyFields(ctx context.Context, tx *core.Tx, st *listState, fields, in map[string]any) error {
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if i := strings.IndexByte(k, '@'); i >= 0 {
			if _, ok := in[k[:i]]; !ok && i > 0 {
				return invalid("The annotation '%s' belongs to no field of the request.", k)
			}
			continue
		}
		col, viaID := fieldColumn(st.cols, k)
		switch {
		case col == nil:
			return invalid("Field '%s' is not recognized", k)
		case col.readOnly:
			return invalid("Field '%s' is read-only", k)
		case (col.kind == kindPerson || col.kind == kindLookup) && !viaID:
			return invalid("Field '%s' is a %s column: set it with '%s%s' (the %s's lookup id).", k, col.kind, col.name, lookupSuffix, noun(col))
		}
		v := in[k]
		annotation, _ := in[k+"@odata.type"].(string)
		if v == nil {
			clearField(fields, col)
			continue
		}
		if err := setField(ctx, tx, st, fields, col, v, annotation); err != nil {
			return err
		}
	}
	if t, ok := fields["Title"]; ok {
		fields["LinkTitle"], fields["LinkTitleNoMenu"] = t, t
	} else {
		delete(fields, "LinkTitle")
		delete(fields, "LinkTitleNoMenu")
	}
	for _, col := range st.cols {
		if col.required && !col.readOnly && fieldEmpty(fields, col) {
			return invalid("Field '%s' is required.", col.name)
		}
	}
	return nil
}

func noun(col *column) string {
	if col.kind == kindPerson {
		return "person"
	}
	return "item"
}

// typeError is the answer for a value of the wrong type.
func typeError(col *column, v any, want string) error {
	raw, _ := json.Marshal(v)
	return invalid("Field '%s' is a %s column: %s is not %s.", col.name, col.kind, raw, want)
}

// setField checks v against col and stores it in fields.
func setField(ctx context.Context, tx *core.Tx, st *listState, fields map[string]any, col *column, v any, annotation string) error {
	list, isList := v.([]any)
	if col.multi != isList || isList && annotation == "" {
		if col.multi {
			want := stringsType
			if col.kind != kindChoice {
				want = int32sType
			}
			name := col.name
			if col.kind != kindChoice {
				name += lookupSuffix
			}
			return invalid("Field '%s' holds several values: send an array with \"%s@odata.type\": \"%s\".", name, name, want)
		}
		return typeError(col, v, "a single value")
	}
	switch col.kind {
	case kindText:
		s, ok := v.(string)
		if !ok {
			return typeError(col, v, "text")
		}
		if n := utf8.RuneCountInString(s); !col.multiline && n > col.maxLength {
			return invalid("The value of field '%s' is %d characters long; the column holds at most %d.", col.name, n, col.maxLength)
		}
		fields[col.name] = s
	case kindNumber, kindCurrency:
		f, ok := toNumber(v)
		if !ok {
			return typeError(col, v, "a number")
		}
		if f < col.min || f > col.max {
			return invalid("The value of field '%s' must be between %s and %s; got %s.", col.name,
				formatNumber(col.min), formatNumber(col.max), formatNumber(f))
		}
		fields[col.name] = f
	case kindBoolean:
		b, ok := toBool(v)
		if !ok {
			return typeError(col, v, "true or false")
		}
		fields[col.name] = b
	case kindDateTime:
		s, _ := v.(string)
		t, ok := parseDateTime(s)
		if !ok {
			return typeError(col, v, "a date and time such as 2026-01-05T09:00:00Z")
		}
		if col.dateOnly {
			t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		}
		fields[col.name] = iso(t)
	case kindChoice:
		values := list
		if !col.multi {
			values = []any{v}
		}
		for _, x := range values {
			s, ok := x.(string)
			if !ok {
				return typeError(col, x, "text")
			}
			if !col.allowText && !slices.Contains(col.choices, s) {
				return invalid("The value '%s' is not one of the choices of field '%s' (%s).", s, col.name, strings.Join(col.choices, ", "))
			}
		}
		if col.multi {
			if annotation != stringsType {
				return invalid("Field '%s' holds text: annotate it \"%s@odata.type\": \"%s\".", col.name, col.name, stringsType)
			}
			fields[col.name] = slices.Clone(list)
			fields[col.name+"@odata.type"] = stringsType
		} else {
			fields[col.name] = v
		}
	case kindPerson, kindLookup:
		ids := list
		if !col.multi {
			ids = []any{v}
		} else if annotation != int32sType {
			return invalid("Field '%s%s' holds lookup ids: annotate it \"%s%s@odata.type\": \"%s\".", col.name, lookupSuffix, col.name, lookupSuffix, int32sType)
		}
		var refs []any
		for _, x := range ids {
			id, ok := toLookupID(x)
			if !ok {
				return typeError(col, x, "a lookup id")
			}
			ref, err := lookupTarget(ctx, tx, st, col, id)
			if err != nil {
				return err
			}
			refs = append(refs, ref)
			if !col.multi {
				clearField(fields, col)
				fields[col.name+lookupSuffix] = strconv.Itoa(id)
				if col.kind == kindLookup {
					fields[col.name] = ref["LookupValue"]
				}
			}
		}
		if col.multi {
			clearField(fields, col)
			fields[col.name] = refs
		}
	default:
		return invalid("Field '%s' cannot be written.", col.name)
	}
	return nil
}

// lookupTarget checks that a person or lookup id exists and returns what
// a multi-valued field records of it.
func lookupTarget(ctx context.Context, tx *core.Tx, st *listState, col *column, id int) (map[string]any, error) {
	if col.kind == kindPerson {
		u, err := siteUser(ctx, tx, st.site, strconv.Itoa(id))
		if err != nil {
			return nil, err
		}
		if u == nil {
			return nil, invalid("Field '%s%s': no person has the lookup id %d in this site collection's User Information List.", col.name, lookupSuffix, id)
		}
		return map[string]any{"LookupId": float64(id), "LookupValue": u["Title"], "Email": u["EMail"]}, nil
	}
	it, err := tx.Get(ctx, collItems, col.lookupList, strconv.Itoa(id))
	if core.IsNotFound(err) {
		return nil, invalid("Field '%s%s': the lookup list has no item %d.", col.name, lookupSuffix, id)
	}
	if err != nil {
		return nil, err
	}
	f, _ := it.Data["fields"].(map[string]any)
	value := ""
	if x, ok := f[col.lookupColumn]; ok && x != nil {
		value = fmt.Sprint(x)
	}
	return map[string]any{"LookupId": float64(id), "LookupValue": value}, nil
}

// clearField removes a column's value and its annotations; it reports
// whether there was anything to remove.
func clearField(fields map[string]any, col *column) bool {
	found := false
	for _, k := range []string{col.name, col.name + "@odata.type", col.name + lookupSuffix, col.name + lookupSuffix + "@odata.type"} {
		if _, ok := fields[k]; ok {
			delete(fields, k)
			found = true
		}
	}
	return found
}

// fieldEmpty reports whether a column has no value in fields.
func fieldEmpty(fields map[string]any, col *column) bool {
	v, ok := fields[col.name]
	if (col.kind == kindPerson || col.kind == kindLookup) && !col.multi {
		v, ok = fields[col.name+lookupSuffix]
	}
	switch x := v.(type) {
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	}
	return !ok || v == nil
}

// uniqueKey is the value of a column compared for enforceUniqueValues.
func uniqueKey(fields map[string]any, col *column) string {
	v := fields[col.name]
	if col.kind == kindPerson || col.kind == kindLookup {
		v = fields[col.name+lookupSuffix]
	}
	if s, ok := v.(string); ok {
		return strings.ToLower(s)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// checkUnique refuses a value another item of the list already holds in a
// column that enforces unique values.
func checkUnique(ctx context.Context, tx *core.Tx, st *listState, fields map[string]any, selfID string) error {
	var unique []*column
	for _, col := range st.cols {
		if col.unique && !fieldEmpty(fields, col) {
			unique = append(unique, col)
		}
	}
	if len(unique) == 0 {
		return nil
	}
	items, err := tx.List(ctx, core.Scope{Collection: collItems, Owner: st.list.ID}, false, 0, 0)
	if err != nil {
		return err
	}
	for _, it := range items {
		if it.ID == selfID {
			continue
		}
		other, _ := it.Data["fields"].(map[string]any)
		for _, col := range unique {
			if !fieldEmpty(other, col) && uniqueKey(other, col) == uniqueKey(fields, col) {
				return invalid("Field '%s' enforces unique values and item %s already holds this value.", col.name, it.ID)
			}
		}
	}
	return nil
}

// checkUniqueExisting refuses to make a column unique while items share a
// value in it.
func checkUniqueExisting(ctx context.Context, tx *core.Tx, st *listState, col *column) error {
	items, err := tx.List(ctx, core.Scope{Collection: collItems, Owner: st.list.ID}, false, 0, 0)
	if err != nil {
		return err
	}
	seen := map[string]string{}
	for _, it := range items {
		f, _ := it.Data["fields"].(map[string]any)
		if fieldEmpty(f, col) {
			continue
		}
		k := uniqueKey(f, col)
		if prev, ok := seen[k]; ok {
			return invalid("The column '%s' cannot enforce unique values: items %s and %s hold the same value.", col.name, prev, it.ID)
		}
		seen[k] = it.ID
	}
	return nil
}

func toNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

func toBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true", "1", "yes":
			return true, true
		case "false", "0", "no":
			return false, true
		}
	}
	return false, false
}

// toLookupID reads a lookup id: a whole positive number or its text.
func toLookupID(v any) (int, bool) {
	f, ok := toNumber(v)
	if !ok || f != math.Trunc(f) || f < 1 || f > math.MaxInt32 {
		return 0, false
	}
	return int(f), true
}

// parseDateTime reads the date and time forms SharePoint accepts: RFC 3339,
// a time without zone (UTC) and a date alone.
func parseDateTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
