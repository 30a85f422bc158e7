package mail_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/o365go/o365/sandbox/internal/area/mail"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

func TestMailTips(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	bob := ts.UserToken(t, demo.PublicClientID, demo.Bob)
	ts.Do(t, bob, "PATCH", "/v1.0/me/mailboxSettings", map[string]any{"automaticRepliesSetting": map[string]any{
		"status": "scheduled", "internalReplyMessage": "On leave until Monday.",
		"scheduledStartDateTime": map[string]any{"dateTime": "2020-01-01T00:00:00", "timeZone": "UTC"},
		"scheduledEndDateTime":   map[string]any{"dateTime": "2099-01-01T00:00:00", "timeZone": "UTC"}}}).WantStatus(t, 200)
	if err := mail.SetMailboxQuota(t.Context(), ts.Engine.Store(), demo.CarolID, 1); err != nil {
		t.Fatal(err)
	}
	r := ts.Do(t, alice, "POST", "/v1.0/me/getMailTips", map[string]any{
		"EmailAddresses":  []any{demo.Bob, demo.Carol, demo.Shared, "engineering@" + demo.TenantDomain, "friend@example.com", "ghost@" + demo.TenantDomain, "not an address"},
		"MailTipsOptions": "automaticReplies, mailboxFullStatus, customMailTip, totalMemberCount, externalMemberCount, maxMessageSize, recipientScope",
	}).WantStatus(t, 200)
	if r.JSON["@odata.context"] != ts.URL+"/v1.0/$metadata#Collection(microsoft.graph.mailTips)" {
		t.Errorf("context %v", r.JSON["@odata.context"])
	}
	tips := sandboxtest.Values(t, r)
	if len(tips) != 7 {
		t.Fatalf("%d tips", len(tips))
	}
	bobTip := tips[0]
	ar := bobTip["automaticReplies"].(map[string]any)
	if ar["message"] != "On leave until Monday." || ar["scheduledStartTime"] == nil ||
		!reflect.DeepEqual(ar["messageLanguage"], map[string]any{"locale": "en-US", "displayName": "English (United States)"}) ||
		bobTip["mailboxFull"] != false || bobTip["recipientScope"] != "internal" || bobTip["maxMessageSize"] != float64(37748736) {
		t.Fatalf("Bob's tips %v", bobTip)
	}
	if _, ok := bobTip["customMailTip"]; ok {
		t.Errorf("Bob has no custom tip: %v", bobTip)
	}
	if c := tips[1]; c["mailboxFull"] != true || !reflect.DeepEqual(c["automaticReplies"], map[string]any{"message": ""}) {
		t.Fatalf("Carol's tips %v", c)
	}
	if s := tips[2]; !strings.Contains(s["customMailTip"].(string), "shared mailbox") {
		t.Fatalf("shared mailbox tips %v", s)
	}
	if g := tips[3]; g["totalMemberCount"] != float64(4) || g["externalMemberCount"] != float64(0) || g["recipientScope"] != "internal" {
		t.Fatalf("group tips %v", g)
	}
	if e := tips[4]; e["recipientScope"] != "external" || e["mailboxFull"] != false {
		t.Fatalf("external tips %v", e)
	}
	if g := tips[5]; g["error"] == nil {
		t.Fatalf("unknown internal address %v", g)
	}
	if g := tips[6]; g["error"].(map[string]any)["code"] != "InvalidRecipient" {
		t.Fatalf("malformed address %v", g)
	}
	// Only what is asked for.
	r = ts.Do(t, alice, "POST", "/v1.0/me/getMailTips", `{"emailAddresses":["`+demo.Bob+`"],"mailTipsOptions":"mailboxFullStatus"}`).WantStatus(t, 200)
	if tip := sandboxtest.Values(t, r)[0]; len(tip) != 2 || tip["mailboxFull"] != false {
		t.Fatalf("one tip asked for: %v", tip)
	}
	ts.Do(t, alice, "POST", "/v1.0/me/getMailTips", map[string]any{"EmailAddresses": []any{demo.Bob}, "MailTipsOptions": "horoscope"}).WantError(t, 400, "RequestBodyRead")
	ts.Do(t, alice, "POST", "/v1.0/me/getMailTips", map[string]any{"EmailAddresses": []any{}, "MailTipsOptions": "maxMessageSize"}).WantError(t, 400, "ErrorInvalidParameter")
	ts.Do(t, alice, "POST", "/v1.0/me/getMailTips", map[string]any{"EmailAddresses": demo.Bob, "MailTipsOptions": "maxMessageSize"}).WantError(t, 400, "RequestBodyRead")

	// A full mailbox bounces mail with a non-delivery report.
	ts.Do(t, alice, "POST", "/v1.0/me/sendMail", map[string]any{"message": map[string]any{"subject": "to a full mailbox",
		"toRecipients": []any{mailRecipient(demo.Carol), mailRecipient(demo.Dan)}}}).WantStatus(t, 202)
	carol := ts.UserToken(t, demo.PublicClientID, demo.Carol)
	if n := len(findBySubject(t, ts, carol, "inbox", "to a full mailbox")); n != 0 {
		t.Fatalf("a full mailbox took %d", n)
	}
	if n := len(findBySubject(t, ts, ts.UserToken(t, demo.PublicClientID, demo.Dan), "inbox", "to a full mailbox")); n != 1 {
		t.Fatalf("the other recipient got %d", n)
	}
	ndr := findBySubject(t, ts, alice, "inbox", "Undeliverable: to a full mailbox")
	if len(ndr) != 1 || !strings.Contains(ndr[0]["body"].(map[string]any)["content"].(string), "mailbox is full") {
		t.Fatalf("NDR %v", ndr)
	}
	if err := mail.SetMailboxQuota(t.Context(), ts.Engine.Store(), demo.CarolID, 0); err != nil {
		t.Fatal(err)
	}
	r = ts.Do(t, alice, "POST", "/v1.0/me/getMailTips", map[string]any{"EmailAddresses": []any{demo.Carol}, "MailTipsOptions": "mailboxFullStatus"}).WantStatus(t, 200)
	if sandboxtest.Values(t, r)[0]["mailboxFull"] != false {
		t.Fatalf("quota removed: %s", r.Raw)
	}
}

func TestMessageExtensions(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	d := ts.Do(t, tok, "POST", "/v1.0/me/messages", map[string]any{"subject": "with data",
		"toRecipients": []any{mailRecipient(demo.Bob)},
		"extensions": []any{map[string]any{"@odata.type": "microsoft.graph.openTypeExtension", "extensionName": "Com.Contoso.Referral",
			"companyName": "Wingtip Toys", "dealValue": 500050}}}).WantStatus(t, 201)
	id := d.JSON["id"].(string)
	if _, ok := d.JSON["extensions"]; ok {
		t.Fatalf("extensions served without $expand: %s", d.Raw)
	}
	base := "/v1.0/me/messages/" + id + "/extensions"
	r := ts.Do(t, tok, "GET", base+"/Com.Contoso.Referral", nil).WantStatus(t, 200)
	want := map[string]any{"@odata.context": ts.URL + "/v1.0/$metadata#users('" + demo.UserID + "')/messages('" + id + "')/extensions/$entity",
		"@odata.type": "#microsoft.graph.openTypeExtension", "id": "Microsoft.OutlookServices.OpenTypeExtension.Com.Contoso.Referral",
		"extensionName": "Com.Contoso.Referral", "companyName": "Wingtip Toys", "dealValue": float64(500050)}
	if !reflect.DeepEqual(r.JSON, want) {
		t.Fatalf("extension %v\nwant %v", r.JSON, want)
	}
	ts.Do(t, tok, "GET", base+"/Microsoft.OutlookServices.OpenTypeExtension.Com.Contoso.Referral", nil).WantStatus(t, 200)
	ts.Do(t, tok, "POST", base, map[string]any{"@odata.type": "microsoft.graph.openTypeExtension", "extensionName": "Com.Contoso.Referral"}).WantError(t, 409, "NameAlreadyExists")
	ts.Do(t, tok, "POST", base, map[string]any{"extensionName": "Com.Contoso.Bad", "nested": map[string]any{"a": 1}}).WantError(t, 400, "ErrorInvalidRequest")
	ts.Do(t, tok, "POST", base, map[string]any{"@odata.type": "microsoft.graph.openTypeExtension", "extensionName": "Com.Contoso.Tags",
		"tags": []any{"a", "b"}}).WantStatus(t, 201)
	// PATCH replaces the data: what is left out goes.
	r = ts.Do(t, tok, "PATCH", base+"/Com.Contoso.Referral", map[string]any{"@odata.type": "microsoft.graph.openTypeExtension",
		"extensionName": "Com.Contoso.Referral", "companyName": "Wingtip Toys (USA)", "updated": "2015-10-29T11:00:00.000Z"}).WantStatus(t, 200)
	if r.JSON["companyName"] != "Wingtip Toys (USA)" || r.JSON["updated"] == nil || r.JSON["dealValue"] != nil {
		t.Fatalf("patched %v", r.JSON)
	}
	// $expand and $filter, by name as Graph's examples do.
	r = ts.Do(t, tok, "GET", "/v1.0/me/messages?$filter=Extensions/any(f:f/id eq 'Com.Contoso.Referral')&$expand=Extensions($filter=id eq 'Com.Contoso.Referral')&$select=subject", nil).WantStatus(t, 200)
	v := sandboxtest.Values(t, r)
	if exts, _ := v[0]["extensions"].([]any); len(v) != 1 || v[0]["subject"] != "with data" || len(exts) != 1 {
		t.Fatalf("$filter and $expand on extensions: %s", r.Raw)
	}
	if l := sandboxtest.Values(t, ts.Do(t, tok, "GET", base, nil).WantStatus(t, 200)); len(l) != 2 {
		t.Fatalf("list %v", l)
	}
	// They move with the message, and do not travel to recipients.
	m := ts.Do(t, tok, "POST", "/v1.0/me/messages/"+id+"/move", map[string]any{"destinationId": "archive"}).WantStatus(t, 201)
	moved := m.JSON["id"].(string)
	ts.Do(t, tok, "GET", "/v1.0/me/messages/"+moved+"/extensions/Com.Contoso.Tags", nil).WantStatus(t, 200)
	ts.Do(t, tok, "POST", "/v1.0/me/messages/"+moved+"/send", nil).WantStatus(t, 202)
	got := findBySubject(t, ts, ts.UserToken(t, demo.PublicClientID, demo.Bob), "inbox", "with data")
	bobs := ts.Do(t, ts.UserToken(t, demo.PublicClientID, demo.Bob), "GET", "/v1.0/me/messages/"+got[0]["id"].(string)+"/extensions", nil).WantStatus(t, 200)
	if len(sandboxtest.Values(t, bobs)) != 0 {
		t.Fatalf("recipient got the sender's extensions: %s", bobs.Raw)
	}
	ts.Do(t, tok, "DELETE", "/v1.0/me/mailFolders/sentitems/messages/"+sentID(t, ts, tok)+"/extensions/Com.Contoso.Tags", nil).WantStatus(t, 204)
	ts.Do(t, tok, "GET", "/v1.0/me/mailFolders/sentitems/messages/"+sentID(t, ts, tok)+"/extensions/Com.Contoso.Tags", nil).WantError(t, 404, "ErrorItemNotFound")
	// Another user's message, without a grant: refused like the message.
	ts.Do(t, tok, "GET", "/v1.0/users/"+demo.Carol+"/messages/"+got[0]["id"].(string)+"/extensions", nil).WantError(t, 403, "ErrorAccessDenied")
}

// sentID is the id of the message "with data" in the token user's Sent Items.
func sentID(t *testing.T, ts *sandboxtest.Server, tok string) string {
	t.Helper()
	return findBySubject(t, ts, tok, "sentitems", "with data")[0]["id"].(string)
}
