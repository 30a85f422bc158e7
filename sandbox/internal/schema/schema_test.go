package schema_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/o365go/o365/internal/csdl"
	"github.com/o365go/o365/sandbox/internal/schema"
)

// TestTableIsTheSchema checks every type of the table against the v1.0
// schema: the same properties (inherited ones included, in order) with the
// same types.
func TestTableIsTheSchema(t *testing.T) {
	s := csdl.MustLoad()
	for _, typ := range schema.Types() {
		want := s.Type(typ.Name)
		if want == nil {
			t.Errorf("%s is not in the schema", typ.Name)
			continue
		}
		if typ.Kind == schema.Enum {
			if !slices.Equal(typ.Members, want.Members) {
				t.Errorf("%s members %v, want %v", typ.Name, typ.Members, want.Members)
			}
			continue
		}
		props := s.Properties(typ.Name)
		if len(props) != len(typ.Props) {
			t.Errorf("%s has %d properties, the schema %d", typ.Name, len(typ.Props), len(props))
			continue
		}
		for i, p := range props {
			got := typ.Props[i]
			if got.Name != p.Name || got.Collection != p.IsCollection() || got.Nav != p.Navigation ||
				got.Type != strings.TrimPrefix(p.ElemType(), "microsoft.graph.") {
				t.Errorf("%s property %d = %+v, schema %+v", typ.Name, i, got, p)
			}
		}
	}
}

func TestDefaultSets(t *testing.T) {
	names := func(typ string) []string {
		tt := schema.Lookup(typ)
		var out []string
		for _, i := range tt.Defaults() {
			out = append(out, tt.Props[i].Name)
		}
		return out
	}
	user := names("user")
	if !slices.Equal(user, []string{"id", "businessPhones", "displayName", "givenName", "jobTitle", "mail",
		"mobilePhone", "officeLocation", "preferredLanguage", "surname", "userPrincipalName"}) {
		t.Errorf("user's default set %v", user)
	}
	msg := names("message")
	if slices.Contains(msg, "uniqueBody") || slices.Contains(msg, "internetMessageHeaders") || !slices.Contains(msg, "webLink") ||
		!slices.Contains(msg, "conversationIndex") || !slices.Contains(names("eventMessage"), "meetingMessageType") ||
		slices.Contains(names("eventMessage"), "uniqueBody") {
		t.Errorf("message's default set %v", msg)
	}
	if d := names("directoryObject"); !slices.Equal(d, []string{"id", "deletedDateTime"}) {
		t.Errorf("directoryObject's default set %v", d)
	}
	if g := names("group"); slices.Contains(g, "allowExternalSenders") || !slices.Contains(g, "renewedDateTime") {
		t.Errorf("group's default set %v", g)
	}
	// Lookups by every spelling, and derived types.
	for _, n := range []string{"message", "microsoft.graph.message", "#microsoft.graph.message", "#Microsoft.OutlookServices.Message", "MESSAGE"} {
		if schema.Lookup(n) == nil || schema.Lookup(n).Name != "message" {
			t.Errorf("Lookup(%q) = %v", n, schema.Lookup(n))
		}
	}
	if schema.Lookup("other.ns.message") != nil || schema.Lookup("nope") != nil {
		t.Error("a name outside the table resolved")
	}
	att := schema.Lookup("attachment")
	if p, owner, ok := att.FindProperty("contentBytes"); !ok || owner.Name != "fileAttachment" || p.Type != "Edm.Binary" {
		t.Errorf("attachment contentBytes: %v %v %v", p, owner, ok)
	}
	if !schema.Lookup("eventMessage").Is("outlookItem") || !schema.Lookup("message").OutlookItem || schema.Lookup("user").OutlookItem ||
		!schema.Lookup("driveItem").Sparse {
		t.Error("outlook items or sparse types misflagged")
	}
}
