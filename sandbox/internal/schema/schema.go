// Package schema is the part of Microsoft Graph's v1.0 schema the sandbox
// serves: each entity and complex type with its properties, which of them
// Graph sends by default (the others only on $select, each with the reason),
// and the enum types they use. The core shapes every typed answer with it
// and checks $select, $filter and $orderby against it.
//
// The table (types_gen.go) is generated from the schema embedded in
// internal/csdl by internal/gen/schemagen: go generate here after changing
// the roots or the default sets in internal/gen/schemagen/defaults.go.
package schema

//go:generate go run ../../../internal/gen/schemagen -out types_gen.go

import "strings"

// Kind says what a type is.
type Kind uint8

// The kinds of types.
const (
	Entity Kind = iota + 1
	Complex
	Enum
)

// Type is one type of the table.
type Type struct {
	// Name is the name without Graph's namespace: "message".
	Name string
	// Base is the base type's Name, "" when none.
	Base     string
	Kind     Kind
	Abstract bool
	// OutlookItem marks Exchange's items (types deriving from outlookItem:
	// messages, events, contacts, posts): they carry @odata.etag, a
	// changeKey and Exchange ids that change when the item moves.
	OutlookItem bool
	// Sparse types leave unset properties out instead of sending null, as
	// OneDrive and SharePoint do with their facets.
	Sparse bool
	// Dynamic types (a list item's fieldValueSet) hold properties the
	// schema does not name: every one is sent, and queries may select,
	// filter and order on any.
	Dynamic bool
	// Props are every property, inherited ones first, in schema order.
	// (The generated table holds a type's own; init adds its base's.)
	Props []Property
	// Members are an enum's member names.
	Members []string

	// inherited overrides NotDefault of inherited properties: a user's
	// deletedDateTime needs $select, a directoryObject's does not.
	inherited map[string]string

	index    map[string]int // lower-cased property name -> Props index
	exact    map[string]int // property name -> Props index
	defaults []int          // Props indexes of the default set, in order
	derived  []*Type        // the table's types deriving from this one, nearest first
}

// Property is one property of a type.
type Property struct {
	Name string
	// Type is the element type: "Edm.String", "recipient" (Graph's
	// namespace left out), for a collection its items' type.
	Type       string
	Collection bool
	// Nav marks a navigation property (a relationship: $expand).
	Nav bool
	// NotDefault says why Graph leaves the property out of its answers
	// unless $select names it; "" for the properties it sends by default.
	NotDefault string
}

// Default reports whether Graph sends the property without $select.
func (p *Property) Default() bool { return p.NotDefault == "" }

var byName = func() map[string]*Type {
	m := make(map[string]*Type, len(generated))
	for i := range generated {
		m[strings.ToLower(generated[i].Name)] = &generated[i]
	}
	// Bases first: a type's Props become its base's (flattened already),
	// with its overrides, then its own.
	done := map[*Type]bool{}
	var flatten func(t *Type)
	flatten = func(t *Type) {
		if done[t] {
			return
		}
		done[t] = true
		base := m[strings.ToLower(t.Base)]
		if base == nil {
			return
		}
		flatten(base)
		props := make([]Property, 0, len(base.Props)+len(t.Props))
		for _, p := range base.Props {
			if why, ok := t.inherited[p.Name]; ok {
				p.NotDefault = why
			}
			props = append(props, p)
		}
		t.Props = append(props, t.Props...)
	}
	for i := range generated {
		flatten(&generated[i])
	}
	for i := range generated {
		t := &generated[i]
		t.index = make(map[string]int, len(t.Props))
		t.exact = make(map[string]int, len(t.Props))
		for j, p := range t.Props {
			t.index[strings.ToLower(p.Name)] = j
			t.exact[p.Name] = j
			if !p.Nav && p.Default() {
				t.defaults = append(t.defaults, j)
			}
		}
	}
	for i := range generated {
		t := &generated[i]
		for b := m[strings.ToLower(t.Base)]; b != nil; b = m[strings.ToLower(b.Base)] {
			b.derived = append(b.derived, t)
		}
	}
	return m
}()

// Lookup returns the named type: "message", "microsoft.graph.message",
// an @odata.type value such as "#microsoft.graph.fileAttachment", or the
// Outlook REST form "#Microsoft.OutlookServices.Message"; nil when the
// table does not have it. Names match ignoring case.
func Lookup(name string) *Type {
	name = strings.TrimPrefix(name, "#")
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		switch strings.ToLower(name[:i]) {
		case "microsoft.graph", "graph", "microsoft.outlookservices":
			name = name[i+1:]
		default:
			return nil
		}
	}
	return byName[strings.ToLower(name)]
}

// Property returns the type's property of that name, matched ignoring
// case, and whether there is one.
func (t *Type) Property(name string) (*Property, bool) {
	if i, ok := t.index[strings.ToLower(name)]; ok {
		return &t.Props[i], true
	}
	return nil, false
}

// Index returns the Props index of the property named exactly name (its
// schema spelling), or -1: the fast lookup for stored documents, whose
// keys are spelled as the schema does.
func (t *Type) Index(name string) int {
	if i, ok := t.exact[name]; ok {
		return i
	}
	return -1
}

// IndexBytes is Index for a name in bytes (a key read from stored JSON),
// without allocating.
func (t *Type) IndexBytes(name []byte) int {
	if i, ok := t.exact[string(name)]; ok {
		return i
	}
	return -1
}

// Defaults returns the Props indexes of the default set (the structural
// properties Graph sends without $select), in schema order.
func (t *Type) Defaults() []int { return t.defaults }

// FindProperty is Property, also looking in the types deriving from t (a
// directoryObject collection lists users and groups, whose properties a
// query may name); it returns the type that has the property.
func (t *Type) FindProperty(name string) (*Property, *Type, bool) {
	if p, ok := t.Property(name); ok {
		return p, t, true
	}
	for _, d := range t.derived {
		if p, ok := d.Property(name); ok {
			return p, d, true
		}
	}
	return nil, nil, false
}

// Is reports whether t is the named type or derives from it.
func (t *Type) Is(name string) bool {
	for x := t; x != nil; x = byName[strings.ToLower(x.Base)] {
		if strings.EqualFold(x.Name, name) {
			return true
		}
	}
	return false
}

// Derived returns the table's types deriving from t, directly or not.
func (t *Type) Derived() []*Type { return t.derived }

// Types returns every type of the table.
func Types() []*Type {
	out := make([]*Type, len(generated))
	for i := range generated {
		out[i] = &generated[i]
	}
	return out
}
