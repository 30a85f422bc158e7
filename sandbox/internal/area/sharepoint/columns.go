package sharepoint

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strings"
	"unicode"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/core"
)

// Column kinds: Graph's facet names, and the kinds of built-in columns that
// have no facet.
const (
	kindText     = "text"
	kindNumber   = "number"
	kindCurrency = "currency"
	kindChoice   = "choice"
	kindDateTime = "dateTime"
	kindBoolean  = "boolean"
	kindPerson   = "personOrGroup"
	kindLookup   = "lookup"
	kindCounter  = "counter"  // ID
	kindComputed = "computed" // LinkTitle, Edit, child counts, the version, the content type
)

// facets are the column kinds a definition may declare, in Graph's names.
var facets = []string{kindText, kindNumber, kindCurrency, kindChoice, kindDateTime, kindBoolean, kindPerson, kindLookup}

// unsupportedFacets are Graph's other column kinds, which the sandbox
// refuses by name rather than storing values it cannot check.
var unsupportedFacets = []string{"calculated", "contentApprovalStatus", "geolocation", "hyperlinkOrPicture", "term", "thumbnail"}

// column is a column definition as the area reads it.
type column struct {
	id, name, display string
	kind              string
	required, unique  bool
	indexed, readOnly bool
	builtin           bool
	maxLength         int
	multiline         bool
	min, max          float64
	choices           []string
	allowText, multi  bool
	dateOnly          bool
	lookupList        string
	lookupColumn      string
}

// columnOf reads a stored column document.
func columnOf(doc map[string]any) *column {
	col := &column{
		id: core.Str(doc, "id"), name: core.Str(doc, "name"), display: core.Str(doc, "displayName"),
		kind: core.Str(doc, "_kind"), required: flag(doc, "required"), unique: flag(doc, "enforceUniqueValues"),
		indexed: flag(doc, "indexed"), readOnly: flag(doc, "readOnly"), builtin: flag(doc, "_builtin"),
		min: -math.MaxFloat64, max: math.MaxFloat64,
	}
	facet, _ := doc[col.kind].(map[string]any)
	switch col.kind {
	case kindText:
		col.multiline = flag(facet, "allowMultipleLines")
		col.maxLength = int(number(facet, "maxLength", 255))
	case kindNumber:
		col.min, col.max = number(facet, "minimum", -math.MaxFloat64), number(facet, "maximum", math.MaxFloat64)
	case kindChoice:
		col.choices = stringList(facet["choices"])
		col.allowText = flag(facet, "allowTextEntry")
		col.multi = core.Str(facet, "displayAs") == "checkBoxes"
	case kindDateTime:
		col.dateOnly = core.Str(facet, "format") == "dateOnly"
	case kindPerson:
		col.multi = flag(facet, "allowMultipleSelection")
	case kindLookup:
		col.multi = flag(facet, "allowMultipleValues")
		col.lookupList, col.lookupColumn = core.Str(facet, "listId"), core.Str(facet, "columnName")
	}
	return col
}

func flag(doc map[string]any, key string) bool {
	b, _ := doc[key].(bool)
	return b
}

func number(doc map[string]any, key string, def float64) float64 {
	if f, ok := doc[key].(float64); ok {
		return f
	}
	return def
}

func stringList(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// builtinColumn describes one of SharePoint's own columns, with its
// well-known id.
type builtinColumn struct {
	id, name, display, kind string
	required, readOnly      bool
	indexed, hidden         bool
}

// genericColumns are the built-in columns of every list (genericList and
// the document library's item columns), in SharePoint's order.
var genericColumns = []builtinColumn{
	{id: "fa564e0f-0c70-4ab9-b863-0177e6ddd247", name: "Title", display: "Title", kind: kindText, required: true},
	{id: "c042a256-787d-4a6f-8a8a-cf6ab767f12d", name: "ContentType", display: "Content Type", kind: kindComputed, readOnly: true},
	{id: "28cf69c5-fa48-462a-b5cd-27b6f9d2bd5f", name: "Modified", display: "Modified", kind: kindDateTime, readOnly: true},
	{id: "8c06beca-0777-48f7-91c7-6da68bc07b69", name: "Created", display: "Created", kind: kindDateTime, readOnly: true},
	{id: "1df5e554-ec7e-46a6-901d-d85a3881cb18", name: "Author", display: "Created By", kind: kindPerson, readOnly: true},
	{id: "d31655d1-1d5b-4511-95a1-7a09e9b75bf2", name: "Editor", display: "Modified By", kind: kindPerson, readOnly: true},
	{id: "dce8262a-3ae9-45aa-aab4-83bd75fb738a", name: "_UIVersionString", display: "Version", kind: kindComputed, readOnly: true},
	{id: "67df98f4-9dec-48ff-a553-29bece9c5bf4", name: "Attachments", display: "Attachments", kind: kindBoolean, readOnly: true},
	{id: "503f1caa-358e-4918-9094-4a2cdc4bc034", name: "Edit", display: "Edit", kind: kindComputed, readOnly: true},
	{id: "bc91a437-52e7-49e1-8c4e-4698904b2b6d", name: "LinkTitleNoMenu", display: "Title", kind: kindComputed, readOnly: true},
	{id: "82642ec8-ef9b-478f-acf9-31f7d45fbc31", name: "LinkTitle", display: "Title", kind: kindComputed, readOnly: true},
	{id: "1d22ea11-1e32-424e-89ab-9fedbadb6ce1", name: "ID", display: "ID", kind: kindCounter, readOnly: true, indexed: true},
	{id: "b824e17e-a1b3-426e-aecf-f0184d900485", name: "ItemChildCount", display: "Item Child Count", kind: kindComputed, readOnly: true, hidden: true},
	{id: "960ff01f-2b6d-4f1b-9c3f-e19ad8927341", name: "FolderChildCount", display: "Folder Child Count", kind: kindComputed, readOnly: true, hidden: true},
}

// builtinDoc is the stored definition of a built-in column.
func builtinDoc(b builtinColumn) map[string]any {
	doc := map[string]any{
		"id": b.id, "name": b.name, "displayName": b.display, "description": "", "columnGroup": "Custom Columns",
		"enforceUniqueValues": false, "hidden": b.hidden, "indexed": b.indexed, "readOnly": b.readOnly,
		"required": b.required, "_kind": b.kind, "_builtin": true,
	}
	if b.name != "Title" {
		doc["columnGroup"] = "_Hidden"
	}
	switch b.kind {
	case kindText:
		doc[kindText] = textFacet(nil)
	case kindDateTime:
		doc[kindDateTime] = map[string]any{"displayAs": "default", "format": "dateTime"}
	case kindPerson:
		doc[kindPerson] = map[string]any{"allowMultipleSelection": false, "chooseFromType": "peopleAndGroups", "displayAs": "account"}
	case kindBoolean:
		doc[kindBoolean] = map[string]any{}
	}
	return doc
}

func textFacet(in map[string]any) map[string]any {
	out := map[string]any{"allowMultipleLines": false, "appendChangesToExistingText": false, "linesForEditing": float64(0), "maxLength": float64(255)}
	for k, v := range in {
		out[k] = v
	}
	return out
}

// internalName is SharePoint's internal name for a display name: characters
// other than ASCII letters, digits and '_' are written _xHHHH_ ("Due Date"
// is "Due_x0020_Date").
func internalName(display string) string {
	var b strings.Builder
	for i, r := range display {
		if r < 128 && (unicode.IsLetter(r) || r == '_' || unicode.IsDigit(r) && i > 0) {
			b.WriteRune(r)
			continue
		}
		if r > 0xFFFF {
			r = '?'
		}
		fmt.Fprintf(&b, "_x%04x_", r)
	}
	name := b.String()
	if len(name) > 32 {
		name = name[:32]
	}
	return name
}

// columnDefinition turns a columnDefinition of a request into the stored
// document: the kind's facet with Graph's defaults filled in. siteID and
// tx resolve lookup columns.
func columnDefinition(ctx context.Context, tx *core.Tx, siteID string, in map[string]any) (map[string]any, error) {
	name, display := strings.TrimSpace(core.Str(in, "name")), strings.TrimSpace(core.Str(in, "displayName"))
	if name == "" && display == "" {
		return nil, invalid("A column needs a name or a displayName.")
	}
	if name == "" {
		name = internalName(display)
	} else if internalName(name) != name {
		return nil, invalid("The column name '%s' is not a valid internal name: use letters, digits and '_', or give only a displayName.", name)
	}
	if display == "" {
		display = name
	}
	kind := ""
	for _, f := range facets {
		if _, ok := in[f]; ok {
			if kind != "" {
				return nil, invalid("Unable to determine type of provided column definition")
			}
			kind = f
		}
	}
	for _, f := range unsupportedFacets {
		if _, ok := in[f]; ok {
			return nil, core.Errorf(http.StatusNotImplemented, "notSupported", "The sandbox does not support %s columns.", f)
		}
	}
	if kind == "" {
		return nil, invalid("Unable to determine type of provided column definition")
	}
	facet, ok := in[kind].(map[string]any)
	if !ok {
		if in[kind] != nil {
			return nil, invalid("The %s facet of column '%s' must be an object.", kind, name)
		}
		facet = map[string]any{}
	}
	doc := map[string]any{
		"id": uuid.NewString(), "name": name, "displayName": display, "description": core.Str(in, "description"),
		"columnGroup": "Custom Columns", "enforceUniqueValues": flag(in, "enforceUniqueValues"), "hidden": flag(in, "hidden"),
		"indexed": flag(in, "indexed"), "readOnly": flag(in, "readOnly"), "required": flag(in, "required"), "_kind": kind,
	}
	if g := core.Str(in, "columnGroup"); g != "" {
		doc["columnGroup"] = g
	}
	out, err := normalizeFacet(ctx, tx, siteID, name, kind, facet)
	if err != nil {
		return nil, err
	}
	doc[kind] = out
	if flag(doc, "enforceUniqueValues") {
		if col := columnOf(doc); col.multi || kind == kindText && col.multiline {
			return nil, invalid("The column '%s' cannot enforce unique values: it holds several values or long text.", name)
		}
		doc["indexed"] = true // SharePoint indexes a column that enforces unique values
	}
	return doc, nil
}

// normalizeFacet checks a column kind's settings and fills in Graph's
// defaults.
func normalizeFacet(ctx context.Context, tx *core.Tx, siteID, name, kind string, in map[string]any) (map[string]any, error) {
	bad := func(format string, args ...any) error {
		return invalid("Column '%s': %s", name, fmt.Sprintf(format, args...))
	}
	switch kind {
	case kindText:
		out := textFacet(in)
		n, ok := out["maxLength"].(float64)
		if !ok || n != math.Trunc(n) || !flag(out, "allowMultipleLines") && (n < 1 || n > 255) {
			return nil, bad("maxLength must be a whole number from 1 to 255.")
		}
		return out, nil
	case kindNumber:
		out := map[string]any{"decimalPlaces": "automatic", "displayAs": "number", "maximum": math.MaxFloat64, "minimum": -math.MaxFloat64}
		for k, v := range in {
			out[k] = v
		}
		lo, ok1 := out["minimum"].(float64)
		hi, ok2 := out["maximum"].(float64)
		if !ok1 || !ok2 || lo > hi {
			return nil, bad("minimum and maximum must be numbers with minimum <= maximum.")
		}
		return out, nil
	case kindCurrency:
		out := map[string]any{"locale": "en-US"}
		for k, v := range in {
			out[k] = v
		}
		return out, nil
	case kindChoice:
		out := map[string]any{"allowTextEntry": false, "choices": []any{}, "displayAs": "dropDownMenu"}
		for k, v := range in {
			out[k] = v
		}
		list, ok := out["choices"].([]any)
		if !ok || len(stringList(list)) != len(list) {
			return nil, bad("choices must be an array of strings.")
		}
		if len(list) == 0 && !flag(out, "allowTextEntry") {
			return nil, bad("a choice column needs choices, or allowTextEntry.")
		}
		if d := core.Str(out, "displayAs"); d != "dropDownMenu" && d != "radioButtons" && d != "checkBoxes" {
			return nil, bad("displayAs must be dropDownMenu, radioButtons or checkBoxes.")
		}
		return out, nil
	case kindDateTime:
		out := map[string]any{"displayAs": "default", "format": "dateTime"}
		for k, v := range in {
			out[k] = v
		}
		if f := core.Str(out, "format"); f != "dateTime" && f != "dateOnly" {
			return nil, bad("format must be dateTime or dateOnly.")
		}
		return out, nil
	case kindBoolean:
		return map[string]any{}, nil
	case kindPerson:
		out := map[string]any{"allowMultipleSelection": false, "chooseFromType": "peopleAndGroups", "displayAs": "account"}
		for k, v := range in {
			out[k] = v
		}
		return out, nil
	case kindLookup:
		out := map[string]any{"allowMultipleValues": false, "allowUnlimitedLength": false, "columnName": "Title", "listId": "", "primaryLookupColumnId": nil}
		for k, v := range in {
			out[k] = v
		}
		listID := strings.ToLower(core.Str(out, "listId"))
		target, err := tx.Get(ctx, collLists, siteID, listID)
		if core.IsNotFound(err) || listID == "" {
			return nil, bad("the lookup list '%s' is not a list of this site.", core.Str(out, "listId"))
		}
		if err != nil {
			return nil, err
		}
		out["listId"] = target.ID
		cols, err := listColumns(ctx, tx, target.ID)
		if err != nil {
			return nil, err
		}
		if c := findColumn(cols, core.Str(out, "columnName")); c == nil {
			return nil, bad("the lookup list has no column '%s'.", core.Str(out, "columnName"))
		} else {
			out["columnName"] = c.name
		}
		return out, nil
	}
	return nil, bad("unknown kind %s.", kind)
}

// listColumns reads the columns of owner: a list, or a site for its own.
func listColumns(ctx context.Context, tx *core.Tx, owner string) ([]*column, error) {
	objs, err := tx.List(ctx, core.Scope{Collection: collColumns, Owner: owner}, false, 0, 0)
	out := make([]*column, len(objs))
	for i, o := range objs {
		out[i] = columnOf(o.Data)
	}
	return out, err
}

// findColumn finds a column by internal name, exactly or else ignoring
// case.
func findColumn(cols []*column, name string) *column {
	for _, c := range cols {
		if c.name == name {
			return c
		}
	}
	for _, c := range cols {
		if strings.EqualFold(c.name, name) {
			return c
		}
	}
	return nil
}
