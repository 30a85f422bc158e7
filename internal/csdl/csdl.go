// Package csdl reads Microsoft Graph's v1.0 schema (the CSDL service metadata
// of the microsoftgraph/msgraph-metadata repository, MIT licence, embedded
// here compressed) for tests: the client's models and the sandbox's answers
// are both checked against it. It holds no client or sandbox logic, so either
// side's tests may import it without one implementation leaning on the other.
//
// The schema is about 3 MB of XML; Load parses it once per process (about
// 100 ms) and the result is read-only.
package csdl

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
)

//go:embed graph-v1.0.csdl.gz
var compressed []byte

// Kind says whether a type is an entity, a complex type or an enumeration.
type Kind int

// The kinds of schema types.
const (
	Entity Kind = iota + 1
	Complex
	Enum
)

// Property is a structural or navigation property of a type.
type Property struct {
	Name string
	// Type is the declared type as the schema writes it with the namespace
	// alias resolved: "Edm.String", "microsoft.graph.recipient",
	// "Collection(microsoft.graph.recipient)".
	Type string
	// Nullable is false only where the schema says Nullable="false".
	Nullable bool
	// Navigation marks a navigation property (a relationship, such as
	// message.attachments); ContainsTarget marks contained ones.
	Navigation     bool
	ContainsTarget bool
}

// IsCollection reports whether the property holds a collection.
func (p Property) IsCollection() bool { return strings.HasPrefix(p.Type, "Collection(") }

// ElemType is the type of the property's values: Type without Collection().
func (p Property) ElemType() string {
	if p.IsCollection() {
		return strings.TrimSuffix(strings.TrimPrefix(p.Type, "Collection("), ")")
	}
	return p.Type
}

// Type is one entity, complex or enum type.
type Type struct {
	// Name is the qualified name, "microsoft.graph.message".
	Name string
	Kind Kind
	// Base is the qualified base type's name, "" when none.
	Base     string
	Abstract bool
	Open     bool
	// Properties are the type's own, in schema order (inherited ones are on
	// the base types; Schema.Properties gathers them).
	Properties []Property
	// Members are an enum's member names in schema order.
	Members []string
}

// Parameter is an action or function parameter.
type Parameter struct {
	Name     string
	Type     string
	Nullable bool
}

// Operation is a bound or unbound action or function.
type Operation struct {
	Name     string
	Function bool // a function (GET); otherwise an action (POST)
	Bound    bool
	// BindingType is the first parameter's type for a bound operation
	// ("microsoft.graph.message" or "Collection(microsoft.graph.user)").
	BindingType string
	// Parameters excludes the binding parameter.
	Parameters []Parameter
	ReturnType string
}

// Schema is the parsed metadata.
type Schema struct {
	types map[string]*Type
	ops   []Operation
}

// Load returns the embedded v1.0 schema, parsed on first use.
func Load() (*Schema, error) { return load() }

var load = sync.OnceValues(func() (*Schema, error) {
	zr, err := gzip.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return nil, fmt.Errorf("csdl: %w", err)
	}
	return Parse(zr)
})

// MustLoad is Load for tests: it panics when the embedded schema cannot be
// read, which only a broken build can cause.
func MustLoad() *Schema {
	s, err := Load()
	if err != nil {
		panic(err)
	}
	return s
}

type xmlEdmx struct {
	Schemas []xmlSchema `xml:"DataServices>Schema"`
}

type xmlSchema struct {
	Namespace string    `xml:"Namespace,attr"`
	Alias     string    `xml:"Alias,attr"`
	Entities  []xmlType `xml:"EntityType"`
	Complexes []xmlType `xml:"ComplexType"`
	Enums     []xmlEnum `xml:"EnumType"`
	Actions   []xmlOp   `xml:"Action"`
	Functions []xmlOp   `xml:"Function"`
}

type xmlType struct {
	Name       string    `xml:"Name,attr"`
	BaseType   string    `xml:"BaseType,attr"`
	Abstract   bool      `xml:"Abstract,attr"`
	OpenType   bool      `xml:"OpenType,attr"`
	Properties []xmlProp `xml:"Property"`
	NavProps   []xmlProp `xml:"NavigationProperty"`
}

type xmlProp struct {
	Name           string `xml:"Name,attr"`
	Type           string `xml:"Type,attr"`
	Nullable       string `xml:"Nullable,attr"`
	ContainsTarget bool   `xml:"ContainsTarget,attr"`
}

type xmlEnum struct {
	Name    string `xml:"Name,attr"`
	Members []struct {
		Name string `xml:"Name,attr"`
	} `xml:"Member"`
}

type xmlOp struct {
	Name       string    `xml:"Name,attr"`
	IsBound    bool      `xml:"IsBound,attr"`
	Parameters []xmlProp `xml:"Parameter"`
	ReturnType struct {
		Type string `xml:"Type,attr"`
	} `xml:"ReturnType"`
}

// Parse reads a CSDL document (EDMX). Load is the usual entry point.
func Parse(r io.Reader) (*Schema, error) {
	var doc xmlEdmx
	if err := xml.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("csdl: parsing the schema: %w", err)
	}
	aliases := map[string]string{}
	for _, sc := range doc.Schemas {
		if sc.Alias != "" {
			aliases[sc.Alias] = sc.Namespace
		}
	}
	qualify := func(t string) string {
		if t == "" {
			return ""
		}
		if inner, ok := strings.CutPrefix(t, "Collection("); ok {
			return "Collection(" + resolveAlias(strings.TrimSuffix(inner, ")"), aliases) + ")"
		}
		return resolveAlias(t, aliases)
	}
	s := &Schema{types: map[string]*Type{}}
	for _, sc := range doc.Schemas {
		add := func(x xmlType, kind Kind) {
			t := &Type{Name: sc.Namespace + "." + x.Name, Kind: kind, Base: qualify(x.BaseType), Abstract: x.Abstract, Open: x.OpenType}
			for _, p := range x.Properties {
				t.Properties = append(t.Properties, Property{Name: p.Name, Type: qualify(p.Type), Nullable: p.Nullable != "false"})
			}
			for _, p := range x.NavProps {
				t.Properties = append(t.Properties, Property{Name: p.Name, Type: qualify(p.Type), Nullable: p.Nullable != "false",
					Navigation: true, ContainsTarget: p.ContainsTarget})
			}
			s.types[t.Name] = t
		}
		for _, x := range sc.Entities {
			add(x, Entity)
		}
		for _, x := range sc.Complexes {
			add(x, Complex)
		}
		for _, e := range sc.Enums {
			t := &Type{Name: sc.Namespace + "." + e.Name, Kind: Enum}
			for _, m := range e.Members {
				t.Members = append(t.Members, m.Name)
			}
			s.types[t.Name] = t
		}
		addOps := func(ops []xmlOp, function bool) {
			for _, x := range ops {
				op := Operation{Name: x.Name, Function: function, Bound: x.IsBound, ReturnType: qualify(x.ReturnType.Type)}
				params := x.Parameters
				if x.IsBound && len(params) > 0 {
					op.BindingType = qualify(params[0].Type)
					params = params[1:]
				}
				for _, p := range params {
					op.Parameters = append(op.Parameters, Parameter{Name: p.Name, Type: qualify(p.Type), Nullable: p.Nullable != "false"})
				}
				s.ops = append(s.ops, op)
			}
		}
		addOps(sc.Actions, false)
		addOps(sc.Functions, true)
	}
	return s, nil
}

func resolveAlias(t string, aliases map[string]string) string {
	if i := strings.LastIndexByte(t, '.'); i > 0 {
		if ns, ok := aliases[t[:i]]; ok {
			return ns + "." + t[i+1:]
		}
	}
	return t
}

// qualified turns "message", "graph.message" or "#microsoft.graph.message"
// into "microsoft.graph.message".
func qualified(name string) string {
	name = strings.TrimPrefix(name, "#")
	if rest, ok := strings.CutPrefix(name, "graph."); ok {
		return "microsoft.graph." + rest
	}
	if !strings.Contains(name, ".") {
		return "microsoft.graph." + name
	}
	return name
}

// Type returns the named type ("message", "graph.message",
// "microsoft.graph.message" or an @odata.type value), or nil.
func (s *Schema) Type(name string) *Type { return s.types[qualified(name)] }

// Properties returns every property of the named type, inherited ones first
// (entity's id, then outlookItem's, then message's own), or nil for an
// unknown type.
func (s *Schema) Properties(name string) []Property {
	t := s.Type(name)
	if t == nil {
		return nil
	}
	var chain []*Type
	for seen := map[string]bool{}; t != nil && !seen[t.Name]; t = s.types[t.Base] {
		seen[t.Name] = true
		chain = append(chain, t)
	}
	var out []Property
	for i := len(chain) - 1; i >= 0; i-- {
		out = append(out, chain[i].Properties...)
	}
	return out
}

// Structural returns the non-navigation properties of the named type,
// inherited ones included: what Graph may send for an entity without
// $expand.
func (s *Schema) Structural(name string) []Property {
	var out []Property
	for _, p := range s.Properties(name) {
		if !p.Navigation {
			out = append(out, p)
		}
	}
	return out
}

// Property returns the named property of a type (inherited ones included)
// and whether it exists.
func (s *Schema) Property(typeName, prop string) (Property, bool) {
	for _, p := range s.Properties(typeName) {
		if p.Name == prop {
			return p, true
		}
	}
	return Property{}, false
}

// Derived returns the qualified names of the types deriving from the named
// one, directly or not, sorted.
func (s *Schema) Derived(name string) []string {
	base := qualified(name)
	var out []string
	for n := range s.types {
		for t := s.types[n]; t != nil && t.Base != ""; t = s.types[t.Base] {
			if t.Base == base {
				out = append(out, n)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// Operations returns the actions and functions of that name bound to the
// named type (or to a collection of it), e.g. Operations("message", "move").
func (s *Schema) Operations(bindingType, name string) []Operation {
	q := qualified(bindingType)
	var out []Operation
	for _, op := range s.ops {
		if op.Name == name && op.Bound && (op.BindingType == q || op.BindingType == "Collection("+q+")") {
			out = append(out, op)
		}
	}
	return out
}
