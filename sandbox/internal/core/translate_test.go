package core_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

// TestTranslateExchangeIDs converts a message's ids between Exchange's
// formats and back, and refuses stale, foreign and malformed ones.
func TestTranslateExchangeIDs(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	msg := sandboxtest.Values(t, ts.Do(t, tok, "GET", "/v1.0/me/messages?$top=1&$select=id", nil).WantStatus(t, 200))[0]["id"].(string)
	imm := sandboxtest.Values(t, ts.Do(t, tok, "GET", "/v1.0/me/messages?$top=1&$select=id", nil, "Prefer", `IdType="ImmutableId"`).WantStatus(t, 200))[0]["id"].(string)
	translate := func(ids []any, from, to string) []map[string]any {
		t.Helper()
		r := ts.Do(t, tok, "POST", "/v1.0/me/translateExchangeIds", map[string]any{"inputIds": ids, "sourceIdType": from, "targetIdType": to}).WantStatus(t, 200)
		if r.JSON["@odata.context"] != ts.URL+"/v1.0/$metadata#Collection(microsoft.graph.convertIdResult)" {
			t.Errorf("context %v", r.JSON["@odata.context"])
		}
		return sandboxtest.Values(t, r)
	}
	one := func(id, from, to string) string {
		t.Helper()
		res := translate([]any{id}, from, to)[0]
		if res["sourceId"] != id || res["errorDetails"] != nil {
			t.Fatalf("%s -> %s: %v", from, to, res)
		}
		return res["targetId"].(string)
	}
	if got := one(msg, "restId", "restImmutableEntryId"); got != imm {
		t.Fatalf("restImmutableEntryId %q, want the id Prefer: IdType=ImmutableId answers, %q", got, imm)
	}
	if got := one(imm, "restImmutableEntryId", "restId"); got != msg {
		t.Fatalf("back to restId %q, want %q", got, msg)
	}
	ews := one(msg, "restId", "ewsId")
	if want := strings.NewReplacer("-", "+", "_", "/").Replace(msg); ews != want {
		t.Fatalf("ewsId %q, want the REST id in standard base64 %q", ews, want)
	}
	entry := one(msg, "restId", "entryId")
	immEntry := one(msg, "restId", "immutableEntryId")
	for _, e := range []string{entry, immEntry} {
		if strings.ContainsAny(e, "+/=") || !strings.ContainsAny(e[len(e)-1:], "012") {
			t.Fatalf("binary id %q is not in Graph's URL-safe form", e)
		}
	}
	if raw, _ := base64.RawURLEncoding.DecodeString(entry[:len(entry)-1]); len(raw) != 70 {
		t.Fatalf("entryId is %d bytes, want MAPI's 70", len(raw))
	}
	for _, c := range []struct{ id, from string }{{ews, "ewsId"}, {entry, "entryId"}, {immEntry, "immutableEntryId"}} {
		if got := one(c.id, c.from, "restId"); got != msg {
			t.Fatalf("%s back to restId: %q, want %q", c.from, got, msg)
		}
	}
	// Outlook REST and case-insensitive parameters.
	r := ts.Do(t, ts.AliceOutlookToken(t), "POST", "/api/v2.0/me/translateExchangeIds",
		map[string]any{"InputIds": []any{msg}, "SourceIdType": "RestId", "TargetIdType": "RestImmutableEntryId"}).WantStatus(t, 200)
	if v := sandboxtest.Values(t, r); v[0]["TargetId"] != imm {
		t.Fatalf("Outlook REST %s", r.Raw)
	}
	// A move changes the REST id: the old one no longer translates, the
	// immutable one still does, to the new REST id.
	moved := ts.Do(t, tok, "POST", "/v1.0/me/messages/"+msg+"/move", map[string]any{"destinationId": "archive"}).WantStatus(t, 201).JSON["id"].(string)
	res := translate([]any{msg, "not-an-id!", moved}, "restId", "restImmutableEntryId")
	if e, _ := res[0]["errorDetails"].(map[string]any); e["code"] != "ErrorItemNotFound" || res[0]["targetId"] != nil {
		t.Fatalf("stale id %v", res[0])
	}
	if e, _ := res[1]["errorDetails"].(map[string]any); e["code"] != "ErrorInvalidIdMalformed" {
		t.Fatalf("malformed id %v", res[1])
	}
	if res[2]["targetId"] != imm {
		t.Fatalf("moved id %v", res[2])
	}
	if got := one(imm, "restImmutableEntryId", "restId"); got != moved {
		t.Fatalf("immutable id after the move: %q, want %q", got, moved)
	}
	// Ids of another mailbox do not resolve in this one.
	bobs := sandboxtest.Values(t, ts.Do(t, ts.UserToken(t, demo.PublicClientID, demo.Bob), "GET", "/v1.0/me/messages?$top=1&$select=id", nil).WantStatus(t, 200))[0]["id"].(string)
	if e, _ := translate([]any{bobs}, "restId", "ewsId")[0]["errorDetails"].(map[string]any); e["code"] != "ErrorInvalidIdMalformed" {
		t.Fatalf("another mailbox's id translated")
	}
	ts.Do(t, tok, "POST", "/v1.0/me/translateExchangeIds", map[string]any{"inputIds": []any{msg}, "sourceIdType": "restId", "targetIdType": "guid"}).WantError(t, 400, "RequestBodyRead")
	ts.Do(t, tok, "POST", "/v1.0/me/translateExchangeIds", map[string]any{"inputIds": []any{}, "sourceIdType": "restId", "targetIdType": "ewsId"}).WantError(t, 400, "ErrorInvalidParameter")
	ts.Do(t, tok, "POST", "/v1.0/me/translateExchangeIds", map[string]any{"inputIds": msg, "sourceIdType": "restId", "targetIdType": "ewsId"}).WantError(t, 400, "RequestBodyRead")
}
