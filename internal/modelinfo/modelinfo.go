// Package modelinfo reads the JSON properties of a model type from its
// struct tags, for the root's change tracking and the model checks of
// internal/modeltest alike, so both see a model the same way.
package modelinfo

import (
	"reflect"
	"strings"
	"sync"
)

// Field is one JSON property of a struct type.
type Field struct {
	// Name is the JSON name: the json tag's, else the Go field's.
	Name  string
	Index []int
	Type  reflect.Type
	// ReadOnly marks `o365:"readonly"`: never sent. CreateOnly marks
	// `o365:"createonly"`: sent only when the object is created.
	ReadOnly, CreateOnly bool
}

// Info is what is known of a struct type.
type Info struct {
	Fields []Field
	// ID is the index of the string "id" field, nil when there is none.
	ID []int
}

var infos sync.Map // reflect.Type -> *Info

// Of returns the JSON properties of struct type t: its exported fields,
// promoted ones included, other than embedded structs themselves (such as
// o365.Object) and fields tagged json:"-". The result is cached and shared:
// do not modify it.
func Of(t reflect.Type) *Info {
	if in, ok := infos.Load(t); ok {
		return in.(*Info)
	}
	in := &Info{}
	if t.Kind() == reflect.Struct {
		for _, sf := range reflect.VisibleFields(t) {
			if !sf.IsExported() || (sf.Anonymous && sf.Type.Kind() == reflect.Struct) {
				continue
			}
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if name == "" {
				name = sf.Name
			}
			f := Field{Name: name, Index: sf.Index, Type: sf.Type}
			for opt := range strings.SplitSeq(sf.Tag.Get("o365"), ",") {
				switch strings.TrimSpace(opt) {
				case "readonly":
					f.ReadOnly = true
				case "createonly":
					f.CreateOnly = true
				}
			}
			if name == "id" && sf.Type.Kind() == reflect.String {
				in.ID = sf.Index
			}
			in.Fields = append(in.Fields, f)
		}
	}
	actual, _ := infos.LoadOrStore(t, in)
	return actual.(*Info)
}
