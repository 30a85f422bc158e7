package core

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/o365go/o365/sandbox/internal/odata"
	"github.com/o365go/o365/sandbox/internal/schema"
)

// Graph's shapes. An area names the Graph type of what it serves
// (ListSpec.Type, DeltaSpec.Type, EntityOf) and every answer then carries
// the type's default properties (null where unset, [] for empty
// collections), or exactly those $select names plus the id; properties
// outside the schema and internal "_" keys are left out. Outlook items get
// @odata.etag (from changeKey), their REST id (see outlookids.go) unless the
// request prefers immutable ids, and a webLink. $select, $filter and
// $orderby naming a property the type does not have are 400, in the words
// Graph uses.

// shaper shapes the documents of one answer.
type shaper struct {
	t         *schema.Type
	sel       []string // $select as asked; nil is the default set
	immutable bool     // Prefer: IdType="ImmutableId"
	picks     map[*schema.Type][]int
	// Reused by appendRaw.
	slots   [][]byte
	members []rawMember
}

// typeByName returns the table's type of that name; an unknown name is a
// programming error of the area, reported as a 500.
func typeByName(name string) (*schema.Type, error) {
	t := schema.Lookup(name)
	if t == nil {
		return nil, Errorf(http.StatusInternalServerError, "generalException",
			"The sandbox does not know the Graph type %q.", name)
	}
	return t, nil
}

// shaperFor returns the shaper of typeName for this request: sel is the
// $select that applies, checked against the type (400 for a property it
// does not have).
func (c *Call) shaperFor(typeName string, sel []string) (*shaper, error) {
	t, err := typeByName(typeName)
	if err != nil {
		return nil, err
	}
	sh := &shaper{t: t}
	for _, s := range sel {
		if s == "*" { // every default property, whatever else is named
			sh.sel = nil
			break
		}
		name := selectName(s)
		if _, _, ok := t.FindProperty(name); !ok && !t.Dynamic {
			return nil, unknownProperty(t, t, name)
		}
		sh.sel = append(sh.sel, name)
	}
	if t.OutlookItem || t.Is("attachment") {
		if v, ok := c.Preference("IdType"); ok && strings.EqualFold(v, "ImmutableId") {
			sh.immutable = true
			c.ApplyPreference(`IdType="ImmutableId"`)
		}
	}
	return sh, nil
}

// selectName is the property a $select item names: type casts
// (microsoft.graph.fileAttachment/contentBytes) are left out.
func selectName(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// unknownProperty is Graph's 400 for a query on root naming a property
// type t (root or a type below it) does not have: the directory's words for
// directory objects, those of the OData URI parser the other workloads
// answer with otherwise.
func unknownProperty(root, t *schema.Type, name string) *Error {
	if root.Is("directoryObject") {
		return Errorf(http.StatusBadRequest, "Request_UnsupportedQuery",
			"Property '%s' does not exist as a declared property or extension property.", name)
	}
	return Errorf(http.StatusBadRequest, "RequestBroker--ParseUri",
		"Could not find a property named '%s' on type 'microsoft.graph.%s'.", name, t.Name)
}

// checkQueryProperties answers 400 when $filter or $orderby names a
// property type t does not have, as Graph does.
func checkQueryProperties(t *schema.Type, opts *odata.Options) error {
	if opts.Filter != nil {
		if owner, name, ok := badPath(t, opts.Filter, nil); !ok {
			return unknownProperty(t, owner, name)
		}
		if err := mismatchedOperands(t, opts.Filter, nil); err != nil {
			return err
		}
	}
	for _, o := range opts.OrderBy {
		if owner, name, ok := checkSegments(t, strings.Split(o.Path, "/")); !ok {
			return unknownProperty(t, owner, name)
		}
	}
	return nil
}

// EntityOf sends one document of the Graph type typeName (see
// ListSpec.Type) in Graph's shape (see Shape), with its @odata.context:
// the answer of a create, an update or an action returning the entity.
func (c *Call) EntityOf(status int, typeName string, doc map[string]any) error {
	out, err := c.Shape(typeName, doc)
	if err != nil {
		return err
	}
	return c.Entity(status, out)
}

// Shape returns doc as an answer carries a document of the Graph type
// typeName (see ListSpec.Type), localized to the request's Outlook
// preferences; a GET's $select applies. Use it for answers EntityOf does
// not write (an @odata.context of your own); doc is not modified.
func (c *Call) Shape(typeName string, doc map[string]any) (map[string]any, error) {
	var sel []string
	if c.R.Method == http.MethodGet {
		opts, err := c.QueryOptions()
		if err != nil {
			return nil, err
		}
		sel = opts.Select
	}
	sh, err := c.shaperFor(typeName, sel)
	if err != nil {
		return nil, err
	}
	return sh.shape(c.localize(doc)), nil
}

// badPath walks a $filter expression; ok is false at the first member path
// naming a property that does not exist, whose owner type and name it
// returns. vars are the lambda variables in scope with their item types
// (nil for primitives).
func badPath(t *schema.Type, e odata.Expr, vars map[string]*schema.Type) (*schema.Type, string, bool) {
	switch e := e.(type) {
	case *odata.PathExpr:
		start := t
		if e.Var != "" {
			start = vars[e.Var]
		}
		return checkSegments(start, e.Segments)
	case *odata.BinaryExpr:
		if o, n, ok := badPath(t, e.Left, vars); !ok {
			return o, n, false
		}
		return badPath(t, e.Right, vars)
	case *odata.NotExpr:
		return badPath(t, e.Operand, vars)
	case *odata.InExpr:
		if o, n, ok := badPath(t, e.Operand, vars); !ok {
			return o, n, false
		}
		for _, x := range e.List {
			if o, n, ok := badPath(t, x, vars); !ok {
				return o, n, false
			}
		}
	case *odata.CallExpr:
		for _, x := range e.Args {
			if o, n, ok := badPath(t, x, vars); !ok {
				return o, n, false
			}
		}
	case *odata.LambdaExpr:
		start := t
		if e.Collection.Var != "" {
			start = vars[e.Collection.Var]
		}
		if o, n, ok := checkSegments(start, e.Collection.Segments); !ok {
			return o, n, false
		}
		if e.Predicate == nil {
			return nil, "", true
		}
		inner := make(map[string]*schema.Type, len(vars)+1)
		for k, v := range vars {
			inner[k] = v
		}
		inner[e.Var] = segmentsType(start, e.Collection.Segments)
		return badPath(t, e.Predicate, inner)
	}
	return nil, "", true
}

// checkSegments checks a member path from type t; a nil t (a primitive, or
// a type the table does not have) accepts anything below it.
func checkSegments(t *schema.Type, segs []string) (*schema.Type, string, bool) {
	cur := t
	for _, seg := range segs {
		if cur == nil || seg == "$count" || (cur.Kind == schema.Complex && len(cur.Props) == 0) {
			return nil, "", true
		}
		if strings.Contains(seg, ".") { // a type cast
			cur = schema.Lookup(seg)
			continue
		}
		p, _, ok := cur.FindProperty(seg)
		if !ok && cur.Dynamic { // any name, holding any value
			return nil, "", true
		}
		if !ok {
			return cur, seg, false
		}
		cur = schema.Lookup(p.Type)
		if cur != nil && cur.Kind == schema.Enum {
			cur = nil
		}
	}
	return nil, "", true
}

// operatorKinds are the OData library's names of the comparison operators,
// as Graph's errors spell them.
var operatorKinds = map[odata.BinaryOp]string{
	odata.OpEq: "Equal", odata.OpNe: "NotEqual", odata.OpGt: "GreaterThan",
	odata.OpGe: "GreaterThanOrEqual", odata.OpLt: "LessThan", odata.OpLe: "LessThanOrEqual",
}

// mismatchedOperands answers Graph's 400 for a comparison of a property
// with a literal of a type Graph will not convert between: a
// DateTimeOffset property with a quoted string (receivedDateTime ge
// '2026-01-05T00:00:00Z') and a string property with an unquoted date-time
// (start/dateTime ge 2026-01-05T00:00:00Z, where dateTimeTimeZone.dateTime
// is a string). Graph refuses both, so a client that writes either must
// fail here too. vars are the lambda variables in scope, as for badPath.
func mismatchedOperands(t *schema.Type, e odata.Expr, vars map[string]*schema.Type) error {
	switch e := e.(type) {
	case *odata.BinaryExpr:
		if kind, ok := operatorKinds[e.Op]; ok {
			if err := compareTypes(t, e.Left, e.Right, kind, vars); err != nil {
				return err
			}
			return compareTypes(t, e.Right, e.Left, kind, vars)
		}
		if err := mismatchedOperands(t, e.Left, vars); err != nil {
			return err
		}
		return mismatchedOperands(t, e.Right, vars)
	case *odata.NotExpr:
		return mismatchedOperands(t, e.Operand, vars)
	case *odata.LambdaExpr:
		if e.Predicate == nil {
			return nil
		}
		start := t
		if e.Collection.Var != "" {
			start = vars[e.Collection.Var]
		}
		inner := make(map[string]*schema.Type, len(vars)+1)
		for k, v := range vars {
			inner[k] = v
		}
		inner[e.Var] = segmentsType(start, e.Collection.Segments)
		return mismatchedOperands(t, e.Predicate, inner)
	}
	return nil
}

// compareTypes checks one side of a comparison: a property path against a
// literal on the other side.
func compareTypes(t *schema.Type, side, other odata.Expr, kind string, vars map[string]*schema.Type) error {
	path, ok := side.(*odata.PathExpr)
	lit, isLit := other.(*odata.Literal)
	if !ok || !isLit || len(path.Segments) == 0 {
		return nil
	}
	start := t
	if path.Var != "" {
		start = vars[path.Var]
	}
	owner := segmentsType(start, path.Segments[:len(path.Segments)-1])
	if owner == nil {
		return nil
	}
	p, _, found := owner.FindProperty(path.Segments[len(path.Segments)-1])
	if !found {
		return nil
	}
	var literal string
	switch {
	case p.Type == "Edm.DateTimeOffset" && lit.Kind == odata.LitString:
		literal = "Edm.String"
	case p.Type == "Edm.String" && lit.Kind == odata.LitDateTimeOffset:
		literal = "Edm.DateTimeOffset"
	case p.Type == "Edm.String" && lit.Kind == odata.LitDate:
		literal = "Edm.Date"
	default:
		return nil
	}
	return Errorf(http.StatusBadRequest, "BadRequest",
		"Invalid filter clause: A binary operator with incompatible types was detected. Found operand types '%s' and '%s' for operator kind '%s'.",
		p.Type, literal, kind)
}

// segmentsType is the type a member path from t leads to (its items' type
// for a collection), nil when unknown or primitive.
func segmentsType(t *schema.Type, segs []string) *schema.Type {
	cur := t
	for _, seg := range segs {
		if cur == nil {
			return nil
		}
		if strings.Contains(seg, ".") {
			cur = schema.Lookup(seg)
			continue
		}
		p, _, ok := cur.FindProperty(seg)
		if !ok {
			return nil
		}
		cur = schema.Lookup(p.Type)
	}
	return cur
}

// typeOf is the type of a document: its @odata.type when that derives from
// the shaper's type (a fileAttachment in an attachment list, a user in a
// directoryObject one), else the shaper's.
func (sh *shaper) typeOf(odataType string) *schema.Type {
	if odataType == "" {
		return sh.t
	}
	if t := schema.Lookup(odataType); t != nil && t.Is(sh.t.Name) {
		return t
	}
	return sh.t
}

// props are the Props indexes type t sends: its default set, or what
// $select names that t has, in schema order, the id always.
func (sh *shaper) props(t *schema.Type) []int {
	if sh.sel == nil {
		return t.Defaults()
	}
	if idx, ok := sh.picks[t]; ok {
		return idx
	}
	var idx []int
	if i := t.Index("id"); i >= 0 {
		idx = append(idx, i)
	}
	for _, s := range sh.sel {
		if p, ok := t.Property(s); ok && !p.Nav {
			i := t.Index(p.Name)
			if !slices.Contains(idx, i) {
				idx = append(idx, i)
			}
		}
	}
	slices.Sort(idx)
	if sh.picks == nil {
		sh.picks = map[*schema.Type][]int{}
	}
	sh.picks[t] = idx
	return idx
}

// outlookID returns the id an Outlook item is served with and, when its
// type has one, its webLink.
func (sh *shaper) outlookID(t *schema.Type, id, folder string) (served, link string) {
	rest := ItemRestID(folder, id)
	served = rest
	if sh.immutable {
		served = id
	}
	if rest != id {
		link = webLink(t.Name, rest)
	}
	return served, link
}

// shape returns doc in Graph's shape (see shaper). It does not modify doc.
func (sh *shaper) shape(doc map[string]any) map[string]any {
	odataType, _ := doc["@odata.type"].(string)
	t := sh.typeOf(odataType)
	idx := sh.props(t)
	out := make(map[string]any, len(idx)+2)
	for k, v := range doc {
		if strings.HasPrefix(k, "@") {
			out[k] = v
		}
	}
	var link string
	if t.OutlookItem {
		id, _ := doc["id"].(string)
		folder, _ := doc["parentFolderId"].(string)
		if folder == "" {
			folder, _ = doc["_parentFolderId"].(string)
		}
		var served string
		served, link = sh.outlookID(t, id, folder)
		if served != "" {
			doc = withKey(doc, "id", served)
		}
		if ck, ok := doc["changeKey"].(string); ok && ck != "" {
			out["@odata.etag"] = `W/"` + ck + `"`
		}
	}
	if t.Dynamic {
		// Every property is the instance's own, the selected ones or all:
		// their names are data (SharePoint's _UIVersionString), so even
		// those starting with "_" are kept.
		for k, v := range doc {
			if strings.HasPrefix(k, "@") {
				continue
			}
			base, _, _ := strings.Cut(k, "@") // "Tags@odata.type" goes with Tags
			if sh.sel == nil || strings.EqualFold(base, "id") || slices.ContainsFunc(sh.sel, func(s string) bool { return strings.EqualFold(s, base) }) {
				out[k] = v
			}
		}
	}
	for _, i := range idx {
		p := &t.Props[i]
		v, ok := doc[p.Name]
		switch {
		case ok && v != nil:
			out[p.Name] = v
		case p.Name == "webLink" && link != "":
			out[p.Name] = link
		case t.Sparse:
		case p.Collection:
			out[p.Name] = []any{}
		default:
			out[p.Name] = nil
		}
	}
	return out
}

// withKey returns a shallow copy of doc with k set to v.
func withKey(doc map[string]any, k string, v any) map[string]any {
	out := make(map[string]any, len(doc))
	for key, val := range doc {
		out[key] = val
	}
	out[k] = v
	return out
}

// appendRaw appends the stored JSON document raw in Graph's shape, as
// shape does, without decoding it: values are copied as stored. ok is
// false for a document it cannot read, which the caller then decodes.
func (sh *shaper) appendRaw(dst, raw []byte) ([]byte, bool) {
	members := sh.members[:0]
	ok := eachMember(raw, func(key, val []byte) bool {
		members = append(members, rawMember{key, val})
		return true
	})
	sh.members = members
	if !ok {
		return dst, false
	}
	t := sh.t
	if t.Dynamic {
		return dst, false // its properties are its own: shaped decoded
	}
	var id, folder, changeKey string
	for _, m := range members {
		switch string(m.key) {
		case "@odata.type":
			t = sh.typeOf(unquote(m.val))
		case "id":
			id = unquote(m.val)
		case "parentFolderId":
			folder = unquote(m.val)
		case "_parentFolderId":
			if folder == "" {
				folder = unquote(m.val)
			}
		case "changeKey":
			changeKey = unquote(m.val)
		}
	}
	if cap(sh.slots) < len(t.Props) {
		sh.slots = make([][]byte, len(t.Props))
	}
	slots := sh.slots[:len(t.Props)]
	clear(slots)
	dst = append(dst, '{')
	first := true
	for _, m := range members {
		if len(m.key) > 0 && m.key[0] == '@' {
			if t.OutlookItem && string(m.key) == "@odata.etag" {
				continue
			}
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = appendJSONString(dst, string(m.key))
			dst = append(dst, ':')
			dst = append(dst, m.val...)
			continue
		}
		if i := t.IndexBytes(m.key); i >= 0 {
			slots[i] = m.val
		}
	}
	var link string
	if t.OutlookItem {
		if changeKey != "" {
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = append(dst, `"@odata.etag":`...)
			dst = appendJSONString(dst, `W/"`+changeKey+`"`)
		}
		if id != "" {
			var served string
			served, link = sh.outlookID(t, id, folder)
			if i := t.Index("id"); i >= 0 && served != id {
				slots[i] = appendJSONString(nil, served)
			}
		}
	}
	for _, i := range sh.props(t) {
		p := &t.Props[i]
		v := slots[i]
		if v == nil || string(v) == "null" {
			switch {
			case p.Name == "webLink" && link != "":
				v = appendJSONString(nil, link)
			case t.Sparse:
				continue
			case p.Collection:
				v = []byte("[]")
			default:
				v = []byte("null")
			}
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, '"')
		dst = append(dst, p.Name...)
		dst = append(dst, '"', ':')
		dst = append(dst, v...)
	}
	return append(dst, '}'), true
}

// rawMember is one top-level member of a stored document.
type rawMember struct{ key, val []byte }

// eachMember calls fn with the key (unescaped) and raw value of each
// top-level member of the JSON object data, until fn returns false. It
// reports false when data is not a well-formed object.
func eachMember(data []byte, fn func(key, val []byte) bool) bool {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return true
	}
	for {
		keyEnd := skipValue(data, i)
		if keyEnd < 0 || data[i] != '"' {
			return false
		}
		key := data[i+1 : keyEnd-1]
		if slices.Contains(key, '\\') {
			var k string
			if json.Unmarshal(data[i:keyEnd], &k) != nil {
				return false
			}
			key = []byte(k)
		}
		i = skipSpace(data, keyEnd)
		if i >= len(data) || data[i] != ':' {
			return false
		}
		i = skipSpace(data, i+1)
		end := skipValue(data, i)
		if end < 0 {
			return false
		}
		if !fn(key, data[i:end]) {
			return true
		}
		i = skipSpace(data, end)
		switch {
		case i < len(data) && data[i] == ',':
			i = skipSpace(data, i+1)
		case i < len(data) && data[i] == '}':
			return true
		default:
			return false
		}
	}
}

// unquote returns the string a raw JSON string value holds, "" for
// anything else.
func unquote(raw []byte) string {
	if len(raw) < 2 || raw[0] != '"' {
		return ""
	}
	if !slices.Contains(raw, '\\') {
		return string(raw[1 : len(raw)-1])
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// appendJSONString appends s as a JSON string, escaping what JSON needs
// and nothing else (as Graph, which does not escape '<', '>' or '&').
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				const hex = "0123456789abcdef"
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			if r == utf8.RuneError {
				dst = append(dst, `\ufffd`...)
			} else {
				dst = append(dst, `\u202`...)
				dst = append(dst, "89"[r-'\u2028'])
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendJSONValue appends v encoded as Graph encodes (marshalJSON).
func appendJSONValue(dst []byte, v any) ([]byte, error) {
	b, err := marshalJSON(v)
	if err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}
