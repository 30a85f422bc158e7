package csdl

import (
	"slices"
	"strings"
	"testing"
)

func TestMessageType(t *testing.T) {
	s := MustLoad()
	msg := s.Type("message")
	if msg == nil || msg.Kind != Entity || msg.Base != "microsoft.graph.outlookItem" || !msg.Open {
		t.Fatalf("message = %+v", msg)
	}
	var names []string
	for _, p := range s.Structural("#microsoft.graph.message") {
		names = append(names, p.Name)
	}
	// entity's id comes first, then outlookItem's, then message's own.
	if names[0] != "id" || names[1] != "categories" || !slices.Contains(names, "conversationIndex") || slices.Contains(names, "attachments") {
		t.Fatalf("structural properties = %v", names)
	}
	p, ok := s.Property("graph.message", "toRecipients")
	if !ok || !p.IsCollection() || p.ElemType() != "microsoft.graph.recipient" {
		t.Fatalf("toRecipients = %+v, %v", p, ok)
	}
	att, ok := s.Property("message", "attachments")
	if !ok || !att.Navigation || !att.ContainsTarget {
		t.Fatalf("attachments = %+v", att)
	}
}

func TestEnumsDerivedAndOperations(t *testing.T) {
	s := MustLoad()
	imp := s.Type("importance")
	if imp == nil || imp.Kind != Enum || strings.Join(imp.Members, ",") != "low,normal,high" {
		t.Fatalf("importance = %+v", imp)
	}
	if d := s.Derived("attachment"); !slices.Contains(d, "microsoft.graph.fileAttachment") || !slices.Contains(d, "microsoft.graph.itemAttachment") {
		t.Fatalf("derived from attachment = %v", d)
	}
	ops := s.Operations("message", "move")
	if len(ops) != 1 || ops[0].Function || len(ops[0].Parameters) != 1 || ops[0].Parameters[0].Name != "DestinationId" {
		t.Fatalf("message.move = %+v", ops)
	}
	if ops := s.Operations("user", "delta"); len(ops) != 1 || !ops[0].Function || ops[0].BindingType != "Collection(microsoft.graph.user)" {
		t.Fatalf("users delta = %+v", ops)
	}
	if s.Type("noSuchType") != nil || s.Properties("noSuchType") != nil {
		t.Fatal("an unknown type resolved")
	}
}
