package core

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/o365go/o365/sandbox/internal/odata"
)

const (
	owner = "a11ce000-0000-4000-8000-000000000001"
	other = "b0b00000-0000-4000-8000-000000000002"
)

func TestOutlookIDForms(t *testing.T) {
	inbox, archive := SeedFolderID(owner, "mail", "inbox"), NewFolderID(owner)
	item := NewItemID(owner)
	rest := ItemRestID(inbox, item)
	tests := []struct {
		name, id, prefix string
		n                int
	}{
		{"folder", inbox, "AAMk", 120},
		{"immutable item", item, "AAkALg", 68},
		{"item", rest, "AAMk", 152},
		{"attachment", AttachmentRestID(inbox, NewAttachmentID(item)), "AAMk", 180},
		{"immutable attachment", NewAttachmentID(item), "AAkALg", 96},
		{"conversation", ConversationID(owner, NewConversationIndex(time.Now())), "AAQk", 80},
	}
	for _, tt := range tests {
		if len(tt.id) != tt.n || !strings.HasPrefix(tt.id, tt.prefix) || strings.ContainsAny(tt.id, "+/") {
			t.Errorf("%s id %q: %d characters, want %d starting %s in URL-safe base64", tt.name, tt.id, len(tt.id), tt.n, tt.prefix)
		}
	}
	// Both forms name the stored item; the REST id names its folder.
	for _, id := range []string{item, rest, strings.NewReplacer("-", "+", "_", "/").Replace(rest), strings.TrimRight(rest, "=")} {
		gotItem, gotFolder := ParseItemID(owner, id)
		wantFolder := inbox
		if id == item {
			wantFolder = ""
		}
		if gotItem != item || gotFolder != wantFolder {
			t.Errorf("ParseItemID(%q) = %q, %q", id, gotItem, gotFolder)
		}
	}
	if moved := ItemRestID(archive, item); moved == rest {
		t.Error("the REST id does not change with the folder")
	}
	// Another mailbox's ids, and ids of no known form, stay as they are.
	for _, id := range []string{ItemRestID(SeedFolderID(other, "mail", "inbox"), NewItemID(other)), NewItemID(other), "not-an-id", "c7de80b9-7637-5f37-9363-873401d09991", ""} {
		if gotItem, gotFolder := ParseItemID(owner, id); gotItem != id || gotFolder != "" {
			t.Errorf("ParseItemID(%q) = %q, %q", id, gotItem, gotFolder)
		}
	}
	if ItemRestID("c7de80b9-7637-5f37-9363-873401d09991", item) != item || ItemRestID(inbox, rest) != rest {
		t.Error("ItemRestID changed an id it cannot convert")
	}
	att := NewAttachmentID(item)
	for _, id := range []string{att, AttachmentRestID(inbox, att)} {
		gotAtt, gotFolder := ParseAttachmentID(owner, id)
		if gotAtt != att || (id != att && gotFolder != inbox) {
			t.Errorf("ParseAttachmentID(%q) = %q, %q", id, gotAtt, gotFolder)
		}
	}
	// Deterministic forms are deterministic.
	seeded, again := SeedItemID(owner, "x"), SeedItemID(owner, "x")
	if seeded != again || seeded == SeedItemID(other, "x") || NewItemID(owner) == item {
		t.Error("item ids are not deterministic per name, or repeat")
	}
	// A reply stays in the conversation.
	idx := NewConversationIndex(time.Now())
	reply := ReplyConversationIndex(idx, time.Now())
	if len(reply) <= len(idx) || ConversationID(owner, reply) != ConversationID(owner, idx) || ConversationID(other, idx) == ConversationID(owner, idx) {
		t.Errorf("conversation ids: %s, reply %s", idx, reply)
	}
}

func FuzzParseItemID(f *testing.F) {
	item := NewItemID(owner)
	for _, s := range []string{item, ItemRestID(SeedFolderID(owner, "x"), item), NewAttachmentID(item), "AAMk", "AAkALg==", "", "////", "a-b_c="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, folder := ParseItemID(owner, s)
		if folder != "" {
			if ItemRestID(folder, got) == "" {
				t.Fatalf("%q names folder %q but no REST id", s, folder)
			}
			if again, _ := ParseItemID(owner, ItemRestID(folder, got)); again != got {
				t.Fatalf("%q: round trip %q != %q", s, again, got)
			}
		}
		if att, f2 := ParseAttachmentID(owner, s); f2 != "" && AttachmentRestID(f2, att) == "" {
			t.Fatalf("%q: attachment %q in %q has no REST id", s, att, f2)
		}
	})
}

// TestShapeRawIsShape checks that the two paths typed answers take agree:
// shaping a stored document from its JSON, and shaping it decoded.
func TestShapeRawIsShape(t *testing.T) {
	inbox := SeedFolderID(owner, "mail", "inbox")
	docs := []map[string]any{
		{"id": NewItemID(owner), "parentFolderId": inbox, "changeKey": NewChangeKey(), "subject": `a "quoted" <b>&`, "isRead": false,
			"toRecipients":                  []any{map[string]any{"emailAddress": map[string]any{"address": "x@y.z", "name": "X"}}},
			"singleValueExtendedProperties": []any{map[string]any{"id": "String 0x1", "value": "v"}}, "_internal": true, "notInSchema": 1},
		{"id": "plain-id", "subject": nil, "categories": []any{"Red"}},
		{"id": NewItemID(owner), "parentFolderId": inbox, "@odata.type": "#microsoft.graph.eventMessage", "meetingMessageType": "meetingRequest"},
	}
	for _, sel := range [][]string{nil, {"subject", "isRead"}, {"uniqueBody"}} {
		for _, immutable := range []bool{false, true} {
			sh := &shaper{sel: sel, immutable: immutable}
			sh.t, _ = typeByName("message")
			for _, doc := range docs {
				raw, err := json.Marshal(doc)
				if err != nil {
					t.Fatal(err)
				}
				out, ok := sh.appendRaw(nil, raw)
				if !ok {
					t.Fatalf("appendRaw refused %s", raw)
				}
				var fromRaw, fromMap map[string]any
				if err := json.Unmarshal(out, &fromRaw); err != nil {
					t.Fatalf("appendRaw wrote %s: %v", out, err)
				}
				b, _ := json.Marshal(sh.shape(doc))
				json.Unmarshal(b, &fromMap)
				if !reflect.DeepEqual(fromRaw, fromMap) {
					t.Errorf("sel %v immutable %v:\nraw   %s\nshape %s", sel, immutable, out, b)
				}
			}
		}
	}
}

func TestQueryPropertiesChecked(t *testing.T) {
	msg, _ := typeByName("message")
	user, _ := typeByName("directoryObject")
	tests := []struct {
		query string
		bad   string // "" when valid
	}{
		{"$filter=isRead eq false and from/emailAddress/address eq 'a'", ""},
		{"$filter=toRecipients/any(r: r/emailAddress/address eq 'a')", ""},
		{"$filter=categories/any(c: c eq 'Red')", ""},
		{"$filter=singleValueExtendedProperties/any(ep: ep/id eq 'x' and ep/value eq 'y')", ""},
		{"$filter=microsoft.graph.eventMessage/meetingMessageType eq 'meetingRequest'", ""},
		{"$filter=flag/flagStatus eq 'flagged'", ""},
		{"$filter=isJunk eq true", "isJunk"},
		{"$filter=contains(subject, 'a') or startswith(bogus, 'b')", "bogus"},
		{"$filter=from/emailAddress/nick eq 'a'", "nick"},
		{"$filter=toRecipients/any(r: r/nick eq 'a')", "nick"},
		{"$orderby=receivedDateTime desc, nope", "nope"},
	}
	for _, tt := range tests {
		opts, err := odata.ParseRawQuery(strings.ReplaceAll(tt.query, " ", "%20"))
		if err != nil {
			t.Fatalf("%s: %v", tt.query, err)
		}
		err = checkQueryProperties(msg, opts)
		switch {
		case tt.bad == "" && err != nil:
			t.Errorf("%s: %v", tt.query, err)
		case tt.bad != "" && (err == nil || !strings.Contains(err.Error(), "'"+tt.bad+"'")):
			t.Errorf("%s: %v, want an error naming %s", tt.query, err, tt.bad)
		}
	}
	// A directoryObject query may name its derived types' properties.
	opts, _ := odata.ParseRawQuery("$filter=startswith(displayName,'a')%20or%20userPrincipalName%20eq%20'x'")
	if err := checkQueryProperties(user, opts); err != nil {
		t.Errorf("directoryObject: %v", err)
	}
	c := &Call{R: httptest.NewRequest(http.MethodGet, "/v1.0/me/messages", nil), W: httptest.NewRecorder()}
	if _, err := c.shaperFor("noSuchType", nil); asError(err).Status != http.StatusInternalServerError {
		t.Errorf("unknown type: %v", err)
	}
}
