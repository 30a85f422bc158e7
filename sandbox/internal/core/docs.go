package core

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/odata"
)

// Helpers for the JSON documents areas store and serve.

// Str returns doc[key] when it is a string, else "".
func Str(doc map[string]any, key string) string {
	s, _ := doc[key].(string)
	return s
}

// PublicDoc copies doc without its internal ("_") keys: what a client may
// see of a stored document.
func PublicDoc(doc map[string]any) map[string]any {
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		if !strings.HasPrefix(k, "_") {
			out[k] = v
		}
	}
	return out
}

// CloneDoc deep-copies a JSON document.
func CloneDoc(doc map[string]any) map[string]any {
	raw, err := json.Marshal(doc)
	if err != nil {
		return map[string]any{}
	}
	var out map[string]any
	if json.Unmarshal(raw, &out) != nil {
		return map[string]any{}
	}
	return out
}

// NilIfEmpty is nil for "", else s: Graph sends null for unset strings.
func NilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// graphDateLayout is how Graph writes an instant (Edm.DateTimeOffset).
const graphDateLayout = "2006-01-02T15:04:05Z"

// ISOTime formats t as Graph writes instants: "2026-01-05T09:00:00Z".
func ISOTime(t time.Time) string { return t.UTC().Format(graphDateLayout) }

// ContainsFold reports whether list holds s, ignoring case.
func ContainsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// Canonical returns the member of list that s names, ignoring case: how
// Graph spells an enum value or a name the client wrote in any case.
func Canonical(list []string, s string) (string, bool) {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return v, true
		}
	}
	return "", false
}

// LookupFold finds a map entry ignoring the case of the key.
func LookupFold[V any](m map[string]V, key string) (V, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	var zero V
	return zero, false
}

// PatchDocument applies a PATCH body to doc: top-level properties are
// replaced (complex values whole, as Graph does), null removes one, and
// "id", annotations and the names in readOnly are ignored.
func PatchDocument(doc, patch map[string]any, readOnly ...string) {
	for k, v := range patch {
		if strings.EqualFold(k, "id") || strings.HasPrefix(k, "@") || slices.ContainsFunc(readOnly, func(r string) bool { return strings.EqualFold(r, k) }) {
			continue
		}
		if v == nil {
			delete(doc, k)
			continue
		}
		doc[k] = v
	}
}

// FilterExpanded applies an $expand's nested $filter to the items of an
// expanded collection.
func FilterExpanded(item odata.ExpandItem, values []any) []any {
	if item.Options == nil || item.Options.Filter == nil {
		return values
	}
	out := []any{}
	for _, v := range values {
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		if keep, err := odata.Eval(item.Options.Filter, m); err == nil && keep {
			out = append(out, m)
		}
	}
	return out
}

// BodyPreview is an Outlook item's bodyPreview: the first 255 characters
// of its body as text, white space collapsed.
func BodyPreview(doc map[string]any) string {
	b, _ := doc["body"].(map[string]any)
	content, _ := b["content"].(string)
	if strings.EqualFold(Str(b, "contentType"), "html") {
		content = HTMLToText(content)
	}
	content = strings.Join(strings.Fields(content), " ")
	if utf8.RuneCountInString(content) > 255 {
		content = string([]rune(content)[:255])
	}
	return content
}

// ExtendedProperties are the extended-property collections of Outlook
// items (messages, events, contacts): a PATCH merges them by id instead of
// replacing them.
var ExtendedProperties = []string{"singleValueExtendedProperties", "multiValueExtendedProperties"}

// MergeExtendedProperties merges a PATCH's extended properties (patch) into
// the stored ones (cur) by id, ignoring the case of ids.
func MergeExtendedProperties(cur, patch any) []any {
	old, _ := cur.([]any)
	out := append([]any(nil), old...)
	add, _ := patch.([]any)
	for _, p := range add {
		pm, _ := p.(map[string]any)
		replaced := false
		for i, o := range out {
			om, _ := o.(map[string]any)
			if strings.EqualFold(Str(om, "id"), Str(pm, "id")) {
				out[i] = pm
				replaced = true
			}
		}
		if !replaced {
			out = append(out, pm)
		}
	}
	return out
}

// seedNamespace derives deterministic ids for generated demo objects.
var seedNamespace = uuid.MustParse("0b1c6f4e-6a55-4c8e-a0f1-5d3c1b2a9e70")

// SeedID is a deterministic GUID for a generated object, named by parts,
// e.g. SeedID("mail", userID, "inbox"): seeders use it so that the demo
// tenant is identical on every run. Start parts with the area's name.
func SeedID(parts ...string) string {
	return uuid.NewSHA1(seedNamespace, []byte(strings.Join(parts, "/"))).String()
}
