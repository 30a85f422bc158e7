package odata

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestCompare(t *testing.T) {
	docs := []map[string]any{
		{"id": "1", "name": "bob", "n": 2.0, "d": "2024-01-01T10:00:00Z", "from": map[string]any{"address": "z@x"}},
		{"id": "2", "name": "Alice", "n": json.Number("10"), "d": "2024-01-01T11:00:00+02:00"},
		{"id": "3", "name": nil, "n": 1, "d": "2024-01-01T09:30:00Z", "from": map[string]any{"address": "a@x"}},
		{"id": "4", "name": "alice", "n": 2, "ok": true},
		{"id": "5", "name": "Bob", "ok": false},
	}
	tests := []struct {
		name  string
		order []OrderItem
		want  string
	}{
		{"string asc, nulls first, case-insensitive then exact", []OrderItem{{Path: "name"}}, "3 2 4 5 1"},
		{"string desc, nulls last", []OrderItem{{Path: "name", Desc: true}}, "1 5 4 2 3"},
		{"numbers of mixed Go types", []OrderItem{{Path: "n"}}, "5 3 1 4 2"},
		{"timestamps as instants", []OrderItem{{Path: "d"}}, "4 5 2 3 1"},
		{"two keys", []OrderItem{{Path: "n"}, {Path: "id", Desc: true}}, "5 3 4 1 2"},
		{"nested path", []OrderItem{{Path: "from/address"}}, "2 4 5 3 1"},
		{"case-insensitive path", []OrderItem{{Path: "NAME"}}, "3 2 4 5 1"},
		{"booleans", []OrderItem{{Path: "ok"}}, "1 2 3 5 4"},
		{"no keys keeps order", nil, "1 2 3 4 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sorted := slices.Clone(docs)
			slices.SortStableFunc(sorted, func(a, b map[string]any) int { return Compare(tt.order, a, b) })
			var ids []string
			for _, d := range sorted {
				ids = append(ids, d["id"].(string))
			}
			if got := strings.Join(ids, " "); got != tt.want {
				t.Errorf("order = %s, want %s", got, tt.want)
			}
		})
	}
	if c := Compare([]OrderItem{{Path: "name"}}, docs[1], docs[1]); c != 0 {
		t.Errorf("Compare(x, x) = %d", c)
	}
}

func TestProject(t *testing.T) {
	doc := map[string]any{
		"@odata.etag":               "W/1",
		"@odata.type":               "#microsoft.graph.message",
		"id":                        "m1",
		"subject":                   "hi",
		"isRead":                    false,
		"attachments":               []any{},
		"attachments@odata.context": "ctx",
		"body":                      map[string]any{"content": "x"},
	}
	tests := []struct {
		sel  []string
		want []string
	}{
		{nil, []string{"@odata.etag", "@odata.type", "attachments", "attachments@odata.context", "body", "id", "isRead", "subject"}},
		{[]string{"*"}, []string{"@odata.etag", "@odata.type", "attachments", "attachments@odata.context", "body", "id", "isRead", "subject"}},
		{[]string{"subject"}, []string{"@odata.etag", "@odata.type", "id", "subject"}},
		{[]string{"SUBJECT", "isread", "missing"}, []string{"@odata.etag", "@odata.type", "id", "isRead", "subject"}},
		{[]string{"attachments"}, []string{"@odata.etag", "@odata.type", "attachments", "attachments@odata.context", "id"}},
	}
	for _, tt := range tests {
		got := Project(doc, tt.sel)
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range got {
				if !yield(k) {
					return
				}
			}
		})
		if !reflect.DeepEqual(keys, tt.want) {
			t.Errorf("Project(%q) keys = %q, want %q", tt.sel, keys, tt.want)
		}
	}
	if len(doc) != 8 {
		t.Error("Project modified its input")
	}
}

func TestLookup(t *testing.T) {
	doc := decodeDoc(t, sampleMessage, false)
	if v, ok := Lookup(doc, "FROM/emailaddress/address"); !ok || v != "alice@contoso.com" {
		t.Errorf("Lookup = %v, %v", v, ok)
	}
	if _, ok := Lookup(doc, "from/nothing"); ok {
		t.Error("missing segment found")
	}
	if _, ok := Lookup(doc, "subject/x"); ok {
		t.Error("traversed a string")
	}
	if v, ok := Lookup(doc, "flag"); !ok || v != nil {
		t.Errorf("explicit null = %v, %v", v, ok)
	}
}
