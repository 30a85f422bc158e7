package mail_test

import (
	"encoding/base64"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

func TestMessageRulesCRUD(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	rules := "/v1.0/me/mailFolders/inbox/messageRules"
	r := ts.Do(t, tok, "POST", rules, map[string]any{
		"displayName": "From partner", "sequence": 2, "isEnabled": true,
		"conditions": map[string]any{"senderContains": []any{"adele"}},
		"actions":    map[string]any{"forwardTo": []any{map[string]any{"emailAddress": map[string]any{"name": "Alex Wilbur", "address": "AlexW@contoso.onmicrosoft.com"}}}, "stopProcessingRules": true},
	}).WantStatus(t, 201)
	id := r.JSON["id"].(string)
	if raw, err := base64.StdEncoding.DecodeString(id); err != nil || len(raw) != 8 {
		t.Fatalf("rule id %q is not Exchange's 8 bytes of base64", id)
	}
	// Exchange's rule ids are standard base64: '/' and '+' must be escaped.
	ruleID := url.PathEscape(id)
	want := map[string]any{"@odata.context": ts.URL + "/v1.0/$metadata#users('" + demo.UserID + "')/mailFolders('inbox')/messageRules/$entity",
		"id": id, "displayName": "From partner", "sequence": float64(2), "isEnabled": true, "hasError": false, "isReadOnly": false,
		"conditions": map[string]any{"senderContains": []any{"ADELE"}}, "exceptions": nil,
		"actions": map[string]any{"stopProcessingRules": true, "forwardTo": []any{map[string]any{"emailAddress": map[string]any{
			"name": "Alex Wilbur", "address": "AlexW@contoso.onmicrosoft.com"}}}}}
	if !reflect.DeepEqual(r.JSON, want) {
		t.Fatalf("created %v\nwant %v", r.JSON, want)
	}
	ts.Do(t, tok, "POST", rules, map[string]any{"displayName": "First", "sequence": 1,
		"actions": map[string]any{"moveToFolder": "archive"}}).WantStatus(t, 201)
	list := sandboxtest.Values(t, ts.Do(t, tok, "GET", rules, nil).WantStatus(t, 200))
	if len(list) != 2 || list[0]["displayName"] != "First" || list[1]["id"] != id {
		t.Fatalf("rules in sequence order: %v", list)
	}
	if list[0]["actions"].(map[string]any)["moveToFolder"] == "archive" {
		t.Fatalf("folder name not resolved to an id: %v", list[0])
	}
	ts.Do(t, tok, "PATCH", rules+"/"+ruleID, map[string]any{"sequence": 0.5}).WantError(t, 400, "ErrorInboxRulesValidationError")
	r = ts.Do(t, tok, "PATCH", rules+"/"+ruleID, map[string]any{"displayName": "Renamed", "sequence": 1, "isEnabled": false,
		"exceptions": map[string]any{"importance": "HIGH"}}).WantStatus(t, 200)
	if r.JSON["displayName"] != "Renamed" || r.JSON["isEnabled"] != false ||
		!reflect.DeepEqual(r.JSON["exceptions"], map[string]any{"importance": "high"}) || r.JSON["conditions"] == nil {
		t.Fatalf("patched %v", r.JSON)
	}
	ts.Do(t, tok, "GET", "/v1.0/me/mailFolders('Inbox')/messageRules/"+ruleID, nil).WantStatus(t, 200)
	out := ts.Do(t, ts.AliceOutlookToken(t), "GET", "/api/v2.0/me/MailFolders/Inbox/MessageRules/"+ruleID, nil).WantStatus(t, 200)
	if out.JSON["DisplayName"] != "Renamed" || out.JSON["Conditions"].(map[string]any)["SenderContains"] == nil {
		t.Fatalf("Outlook dialect: %s", out.Raw)
	}
	ts.Do(t, tok, "DELETE", rules+"/"+ruleID, nil).WantStatus(t, 204)
	ts.Do(t, tok, "GET", rules+"/"+ruleID, nil).WantError(t, 404, "ErrorItemNotFound")
	ts.Do(t, tok, "DELETE", rules+"/"+ruleID, nil).WantError(t, 404, "ErrorItemNotFound")
	for _, c := range []struct {
		body map[string]any
		code string
	}{
		{map[string]any{"displayName": "x", "actions": map[string]any{"markAsRead": true}}, "ErrorInboxRulesValidationError"},
		{map[string]any{"sequence": 3, "actions": map[string]any{"markAsRead": true}}, "ErrorInboxRulesValidationError"},
		{map[string]any{"displayName": "x", "sequence": 3}, "ErrorInboxRulesValidationError"},
		{map[string]any{"displayName": "x", "sequence": 3, "actions": map[string]any{}}, "ErrorInboxRulesValidationError"},
		{map[string]any{"displayName": "x", "sequence": 3, "actions": map[string]any{"moveToFolder": "nowhere"}}, "ErrorInboxRulesValidationError"},
		{map[string]any{"displayName": "x", "sequence": 3, "actions": map[string]any{"markImportance": "urgent"}}, "ErrorInboxRulesValidationError"},
		{map[string]any{"displayName": "x", "sequence": 3, "actions": map[string]any{"explode": true}}, "RequestBodyRead"},
		{map[string]any{"displayName": "x", "sequence": 3, "colour": "red", "actions": map[string]any{"delete": true}}, "RequestBodyRead"},
		{map[string]any{"displayName": "x", "sequence": 3, "actions": map[string]any{"forwardTo": []any{mailRecipient("nope")}}}, "ErrorInvalidRecipients"},
	} {
		ts.Do(t, tok, "POST", rules, c.body).WantError(t, 400, c.code)
	}
	ts.Do(t, tok, "GET", "/v1.0/me/mailFolders/sentitems/messageRules", nil).WantError(t, 400, "ErrorInvalidRequest")
	// Rules are mailbox settings: another user's need MailboxSettings.*,
	// which has no .Shared form, so a delegated token reads its own only.
	ts.Do(t, tok, "GET", "/v1.0/users/"+demo.Bob+"/mailFolders/inbox/messageRules", nil).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, ts.AppToken(t), "GET", "/v1.0/users/"+demo.Bob+"/mailFolders/inbox/messageRules", nil).WantStatus(t, 200)
}

// TestMessageRulesRunOnDelivery checks that Inbox rules act on delivered
// mail as Exchange's do.
func TestMessageRulesRunOnDelivery(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	bob := ts.UserToken(t, demo.PublicClientID, demo.Bob)
	carol := ts.UserToken(t, demo.PublicClientID, demo.Carol)
	dan := ts.UserToken(t, demo.PublicClientID, demo.Dan)
	rules := "/v1.0/me/mailFolders/inbox/messageRules"
	ts.Do(t, bob, "POST", "/v1.0/me/mailFolders", map[string]any{"displayName": "Invoices"}).WantStatus(t, 201)
	invoices := sandboxtest.Values(t, ts.Do(t, bob, "GET", "/v1.0/me/mailFolders?$filter=displayName eq 'Invoices'", nil))[0]["id"].(string)
	for _, rule := range []map[string]any{
		{"displayName": "invoices", "sequence": 1, "conditions": map[string]any{"subjectContains": []any{"invoice"}},
			"actions": map[string]any{"moveToFolder": invoices, "markAsRead": true, "assignCategories": []any{"Finance"}}},
		{"displayName": "carol to dan", "sequence": 2, "conditions": map[string]any{"senderContains": []any{"carol"}},
			"actions": map[string]any{"forwardTo": []any{mailRecipient(demo.Dan)}, "stopProcessingRules": true}},
		{"displayName": "never reached for carol", "sequence": 3, "conditions": map[string]any{"senderContains": []any{"carol"}},
			"actions": map[string]any{"assignCategories": []any{"Unreachable"}}},
		{"displayName": "alice important unless fyi", "sequence": 4, "conditions": map[string]any{"fromAddresses": []any{mailRecipient(demo.User)}},
			"exceptions": map[string]any{"subjectContains": []any{"fyi"}}, "actions": map[string]any{"markImportance": "high"}},
		{"displayName": "spam", "sequence": 5, "conditions": map[string]any{"bodyContains": []any{"lottery"}},
			"actions": map[string]any{"delete": true}},
		{"displayName": "redirect cc", "sequence": 6, "conditions": map[string]any{"sentCcMe": true},
			"actions": map[string]any{"redirectTo": []any{mailRecipient(demo.Carol)}}},
		{"displayName": "disabled", "sequence": 7, "isEnabled": false, "actions": map[string]any{"permanentDelete": true}},
	} {
		ts.Do(t, bob, "POST", rules, rule).WantStatus(t, 201)
	}
	send := func(tok, subject, body string, cc bool) {
		msg := map[string]any{"subject": subject, "body": map[string]any{"contentType": "text", "content": body},
			"toRecipients": []any{mailRecipient(demo.Bob)}}
		if cc {
			msg["toRecipients"] = []any{mailRecipient(demo.Dan)}
			msg["ccRecipients"] = []any{mailRecipient(demo.Bob)}
		}
		ts.Do(t, tok, "POST", "/v1.0/me/sendMail", map[string]any{"message": msg}).WantStatus(t, 202)
	}
	send(alice, "Invoice 42", "pay me", false)
	send(carol, "Lunch", "noon?", false)
	send(alice, "Plan", "the plan", false)
	send(alice, "FYI plan", "the plan", false)
	send(dan, "Win the lottery", "you won the lottery", false)
	send(alice, "Copy for Bob", "cc", true)

	inv := findBySubject(t, ts, bob, invoices, "Invoice 42")
	if len(inv) != 1 || inv[0]["isRead"] != true || !reflect.DeepEqual(inv[0]["categories"], []any{"Finance"}) {
		t.Fatalf("moved, read, categorised: %v", inv)
	}
	if n := len(findBySubject(t, ts, bob, "inbox", "Invoice 42")); n != 0 {
		t.Fatalf("invoice still in the Inbox %d times", n)
	}
	lunch := findBySubject(t, ts, bob, "inbox", "Lunch")
	if len(lunch) != 1 || len(lunch[0]["categories"].([]any)) != 0 {
		t.Fatalf("stopProcessingRules did not stop: %v", lunch)
	}
	fw := findBySubject(t, ts, dan, "inbox", "FW: Lunch")
	if len(fw) != 1 || mailAddr(fw[0]["from"]) != demo.Bob || !strings.Contains(fw[0]["body"].(map[string]any)["content"].(string), "noon?") {
		t.Fatalf("forwarded to Dan: %v", fw)
	}
	if p := findBySubject(t, ts, bob, "inbox", "Plan"); len(p) != 1 || p[0]["importance"] != "high" {
		t.Fatalf("importance: %v", p)
	}
	if p := findBySubject(t, ts, bob, "inbox", "FYI plan"); len(p) != 1 || p[0]["importance"] != "normal" {
		t.Fatalf("exception ignored: %v", p)
	}
	if n := len(findBySubject(t, ts, bob, "inbox", "Win the lottery")); n != 0 {
		t.Fatalf("delete left %d in the Inbox", n)
	}
	if n := len(findBySubject(t, ts, bob, "deleteditems", "Win the lottery")); n != 1 {
		t.Fatalf("delete moved %d to Deleted Items", n)
	}
	red := findBySubject(t, ts, carol, "inbox", "Copy for Bob")
	if len(red) != 1 || mailAddr(red[0]["from"]) != demo.User {
		t.Fatalf("redirect keeps the sender: %v", red)
	}
	// Two mailboxes forwarding to each other do not loop.
	ts.Do(t, dan, "POST", rules, map[string]any{"displayName": "back to bob", "sequence": 1,
		"actions": map[string]any{"forwardTo": []any{mailRecipient(demo.Bob)}}}).WantStatus(t, 201)
	send(carol, "Ping pong", "x", false)
	if n := len(findBySubject(t, ts, bob, "inbox", "FW: Ping pong")); n != 0 {
		t.Fatalf("a rule forwarded a rule's forward back: %d", n)
	}
}
