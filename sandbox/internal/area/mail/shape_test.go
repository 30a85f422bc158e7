package mail_test

import (
	"encoding/base64"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

// exchangeID is Exchange's alphabet: URL-safe base64 with '=' padding.
var exchangeID = regexp.MustCompile(`^[A-Za-z0-9_-]+=*$`)

// wantExchangeID fails unless id looks like Exchange's: its alphabet and a
// length within a few characters of want.
func wantExchangeID(t *testing.T, what string, id any, want int) string {
	t.Helper()
	s, _ := id.(string)
	if !exchangeID.MatchString(s) || len(s) < want-4 || len(s) > want+4 {
		t.Fatalf("%s id %q (%d characters), want about %d of URL-safe base64", what, s, len(s), want)
	}
	return s
}

func TestMailIDsLikeExchanges(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	inbox := ts.Do(t, tok, "GET", "/v1.0/me/mailFolders/inbox", nil).WantStatus(t, 200).JSON
	inboxID := wantExchangeID(t, "folder", inbox["id"], 120)
	msgs := sandboxtest.Values(t, ts.Do(t, tok, "GET", "/v1.0/me/mailFolders/inbox/messages?$filter=hasAttachments eq true", nil).WantStatus(t, 200))
	m := msgs[0]
	id := wantExchangeID(t, "message", m["id"], 152)
	if !strings.HasPrefix(id, "AAMk") || m["parentFolderId"] != inboxID {
		t.Fatalf("message %v", m)
	}
	atts := sandboxtest.Values(t, ts.Do(t, tok, "GET", "/v1.0/me/messages/"+id+"/attachments", nil).WantStatus(t, 200))
	att := wantExchangeID(t, "attachment", atts[0]["id"], 180)

	// The immutable id: asked for, echoed, and resolving.
	r := ts.Do(t, tok, "GET", "/v1.0/me/messages/"+id+"?$select=subject", nil, "Prefer", `IdType="ImmutableId"`).WantStatus(t, 200)
	if got := r.Header.Get("Preference-Applied"); got != `IdType="ImmutableId"` {
		t.Fatalf("Preference-Applied %q", got)
	}
	imm := wantExchangeID(t, "immutable", r.JSON["id"], 68)
	if !strings.HasPrefix(imm, "AAkALg") {
		t.Fatalf("immutable id %q", imm)
	}
	immAtt := sandboxtest.Values(t, ts.Do(t, tok, "GET", "/v1.0/me/messages/"+imm+"/attachments?$select=name", nil, "Prefer", `IdType="ImmutableId"`).WantStatus(t, 200))[0]["id"].(string)
	wantExchangeID(t, "immutable attachment", immAtt, 96)

	// Moving changes the id, not the immutable one; the old id is gone, as
	// in Exchange, and attachments follow their message.
	moved := ts.Do(t, tok, "POST", "/v1.0/me/messages/"+id+"/move", map[string]any{"destinationId": "archive"}).WantStatus(t, 201).JSON
	newID := wantExchangeID(t, "moved message", moved["id"], 152)
	if newID == id || moved["parentFolderId"] == inboxID {
		t.Fatalf("moved message kept id %q in %v", newID, moved["parentFolderId"])
	}
	ts.Do(t, tok, "GET", "/v1.0/me/messages/"+id, nil).WantError(t, 404, "ErrorItemNotFound")
	ts.Do(t, tok, "GET", "/v1.0/me/messages/"+id+"/attachments/"+att, nil).WantError(t, 404, "ErrorItemNotFound")
	for _, ref := range []string{newID, imm} {
		got := ts.Do(t, tok, "GET", "/v1.0/me/messages/"+ref+"?$select=subject", nil).WantStatus(t, 200).JSON
		if got["id"] != newID || got["subject"] != m["subject"] {
			t.Fatalf("GET %s: %v", ref, got)
		}
	}
	if again := ts.Do(t, tok, "GET", "/v1.0/me/messages/"+newID+"?$select=id", nil, "Prefer", `IdType="ImmutableId"`).JSON["id"]; again != imm {
		t.Fatalf("immutable id after the move %v, want %s", again, imm)
	}
	newAtt := sandboxtest.Values(t, ts.Do(t, tok, "GET", "/v1.0/me/messages/"+newID+"/attachments", nil).WantStatus(t, 200))[0]["id"].(string)
	if newAtt == att {
		t.Fatal("the attachment kept its id when its message moved")
	}
	for _, ref := range []string{newAtt, immAtt} {
		ts.Do(t, tok, "GET", "/v1.0/me/messages/"+newID+"/attachments/"+ref, nil).WantStatus(t, 200)
	}
	// Exchange's older ids, in standard base64, name the same message.
	std := strings.NewReplacer("-", "+", "_", "/").Replace(newID)
	ts.Do(t, tok, "GET", "/v1.0/me/messages/"+url.PathEscape(std), nil).WantStatus(t, 200)
	// Another mailbox's ids do not resolve here.
	bob := ts.UserToken(t, demo.PublicClientID, demo.Bob)
	ts.Do(t, bob, "GET", "/v1.0/me/messages/"+newID, nil).WantError(t, 404, "ErrorItemNotFound")
	ts.Do(t, bob, "GET", "/v1.0/me/messages/"+imm, nil).WantError(t, 404, "ErrorItemNotFound")
	// Moved with immutable ids: the answer keeps the id asked with.
	back := ts.Do(t, tok, "POST", "/v1.0/me/messages/"+imm+"/move", map[string]any{"destinationId": "inbox"}, "Prefer", `IdType="ImmutableId"`).WantStatus(t, 201)
	if back.JSON["id"] != imm || back.Header.Get("Preference-Applied") != `IdType="ImmutableId"` {
		t.Fatalf("move with immutable ids: %v %q", back.JSON["id"], back.Header.Get("Preference-Applied"))
	}
	// Outlook REST answers with the same ids.
	out := ts.Do(t, ts.AliceOutlookToken(t), "GET", "/api/v2.0/me/messages/"+imm+"?$select=Subject", nil).WantStatus(t, 200).JSON
	wantExchangeID(t, "Outlook REST", out["Id"], 152)
}

func TestMailEtagChangeKeyWebLink(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	before := time.Now().Add(-time.Minute)
	d := ts.Do(t, tok, "POST", "/v1.0/me/messages", map[string]any{
		"subject":      "tags",
		"toRecipients": []any{mailRecipient(demo.Bob), mailRecipient("someone@example.com")},
	}).WantStatus(t, 201).JSON
	id := d["id"].(string)
	etag := func(doc map[string]any) string {
		t.Helper()
		e, _ := doc["@odata.etag"].(string)
		ck, _ := doc["changeKey"].(string)
		if ck == "" || e != `W/"`+ck+`"` {
			t.Fatalf("@odata.etag %q, changeKey %q", e, ck)
		}
		if raw, err := base64.StdEncoding.DecodeString(ck); err != nil || len(raw) != 30 {
			t.Fatalf("changeKey %q is not Exchange's", ck)
		}
		return e
	}
	e1 := etag(d)
	// A draft's sent and received times are when it was saved.
	for _, k := range []string{"sentDateTime", "receivedDateTime", "createdDateTime"} {
		at, err := time.Parse(time.RFC3339, d[k].(string))
		if err != nil || at.Before(before) {
			t.Fatalf("draft %s = %v", k, d[k])
		}
	}
	// A recipient given without a name gets one: a tenant user's, else the
	// address.
	to := d["toRecipients"].([]any)
	name := func(r any) any { return r.(map[string]any)["emailAddress"].(map[string]any)["name"] }
	if name(to[0]) != "Bob Baker" || name(to[1]) != "someone@example.com" {
		t.Fatalf("recipient names %v, %v", name(to[0]), name(to[1]))
	}
	link, _ := d["webLink"].(string)
	if link != "https://outlook.office365.com/owa/?ItemID="+url.QueryEscape(id)+"&exvsurl=1&viewmodel=ReadMessageItem" {
		t.Fatalf("webLink %q", link)
	}
	// Every write changes the changeKey, and @odata.etag with it: a PATCH,
	// an attachment added.
	p := ts.Do(t, tok, "PATCH", "/v1.0/me/messages/"+id, map[string]any{"subject": "tags 2"}).WantStatus(t, 200).JSON
	e2 := etag(p)
	ts.Do(t, tok, "POST", "/v1.0/me/messages/"+id+"/attachments", map[string]any{
		"@odata.type": "#microsoft.graph.fileAttachment", "name": "a.txt", "contentBytes": base64.StdEncoding.EncodeToString([]byte("a")),
	}).WantStatus(t, 201)
	g := ts.Do(t, tok, "GET", "/v1.0/me/messages/"+id+"?$select=subject,changeKey", nil).WantStatus(t, 200).JSON
	e3 := etag(g)
	if e1 == e2 || e2 == e3 || len(g) != 5 { // @odata.context, @odata.etag, id and the two selected
		t.Fatalf("etags %s %s %s; $select answered %v", e1, e2, e3, g)
	}
	// Lists carry them too, as the entity does.
	l := sandboxtest.Values(t, ts.Do(t, tok, "GET", "/v1.0/me/mailFolders/drafts/messages", nil).WantStatus(t, 200))
	if len(l) != 1 || l[0]["@odata.etag"] != e3 || l[0]["webLink"] != link {
		t.Fatalf("listed draft %v", l)
	}
}

func TestMailQueriesOnUnknownProperties(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	for _, q := range []string{
		"$filter=isJunk ne true",
		"$filter=from/emailAddress/nickname eq 'x'",
		"$filter=toRecipients/any(r: r/emailAddress/nickname eq 'x')",
		"$orderby=isJunk",
		"$select=subject,isJunk",
	} {
		r := ts.Do(t, tok, "GET", "/v1.0/me/messages?"+q, nil)
		r.WantError(t, 400, "RequestBroker--ParseUri")
		msg := r.JSON["error"].(map[string]any)["message"]
		want := "Could not find a property named 'isJunk' on type 'microsoft.graph.message'."
		if strings.Contains(q, "nickname") {
			want = "Could not find a property named 'nickname' on type 'microsoft.graph.emailAddress'."
		}
		if msg != want {
			t.Errorf("%s: %q, want %q", q, msg, want)
		}
	}
	ts.Do(t, tok, "GET", "/v1.0/me/mailFolders?$filter=unreadCount gt 0", nil).WantError(t, 400, "RequestBroker--ParseUri")
	// Properties that exist, casing as clients send it, lambdas, both dialects.
	for _, q := range []string{
		"$filter=IsRead eq false and from/emailAddress/address ne ''",
		"$filter=toRecipients/any(r: startswith(r/emailAddress/address, 'alice'))",
		"$orderby=from/emailAddress/name,receivedDateTime desc",
		"$select=uniqueBody,internetMessageHeaders,conversationIndex",
	} {
		ts.Do(t, tok, "GET", "/v1.0/me/messages?"+q, nil).WantStatus(t, 200)
	}
	outlook := ts.AliceOutlookToken(t)
	ts.Do(t, outlook, "GET", "/api/v2.0/me/messages?$filter=IsRead eq false&$select=Subject,From", nil).WantStatus(t, 200)
	ts.Do(t, outlook, "GET", "/api/v2.0/me/messages?$filter=IsJunk eq false", nil).WantError(t, 400, "RequestBroker--ParseUri")
}

func TestMailSearchQuotedForms(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	ts.Do(t, tok, "POST", "/v1.0/me/messages", map[string]any{"subject": "The budget for 2026"}).WantStatus(t, 201)
	for _, s := range []string{
		`"budget" OR "x"`,
		`"\"budget\" OR \"x\""`, // one quoted value, its quotes escaped (OData 4.01)
		`"budget"`,
		`budget`,
		`"subject:budget"`,
		`"subject:\"budget for\""`,
	} {
		v := sandboxtest.Values(t, ts.Do(t, tok, "GET", "/v1.0/me/messages?$select=subject&$search="+url.QueryEscape(s), nil).WantStatus(t, 200))
		if len(v) != 1 || v[0]["subject"] != "The budget for 2026" {
			t.Errorf("$search=%s found %v", s, v)
		}
	}
}

// TestMailMoveNotifiesWithExchangeIDs: a message moved into a watched folder
// is "created" there under its new id, and the folder it left says it was
// deleted under the old one.
func TestMailMoveNotifiesWithExchangeIDs(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	rc := sandboxtest.NewReceiver(t, true)
	exp := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	for _, f := range []string{"inbox", "archive"} {
		ts.Do(t, tok, "POST", "/v1.0/subscriptions", map[string]any{"changeType": "created,deleted", "notificationUrl": rc.URL,
			"resource": "me/mailFolders('" + f + "')/messages", "expirationDateTime": exp}).WantStatus(t, 201)
	}
	old := sandboxtest.Values(t, ts.Do(t, tok, "GET", "/v1.0/me/mailFolders/inbox/messages?$top=1", nil).WantStatus(t, 200))[0]["id"].(string)
	moved := ts.Do(t, tok, "POST", "/v1.0/me/messages/"+old+"/move", map[string]any{"destinationId": "archive"}).WantStatus(t, 201).JSON["id"].(string)
	got := map[string]string{}
	for len(got) < 2 {
		select {
		case n := <-rc.Got:
			for _, x := range n["value"].([]any) {
				v := x.(map[string]any)
				id := v["resourceData"].(map[string]any)["id"].(string)
				got[v["changeType"].(string)] = id
				if !strings.HasSuffix(v["resource"].(string), "/Messages/"+id) {
					t.Errorf("resource %v", v["resource"])
				}
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("notifications %v", got)
		}
	}
	if got["created"] != moved || got["deleted"] != old {
		t.Fatalf("notified %v, want created %s, deleted %s", got, moved, old)
	}
}

// A property compared with a literal of a type Graph does not convert is
// 400, as Graph answers: a quoted string against a DateTimeOffset
// (receivedDateTime) and an unquoted date-time against a string (an
// event's start/dateTime, which dateTimeTimeZone holds as text). The forms
// Graph documents pass.
func TestFilterOperandTypes(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	for _, tc := range []struct{ path, msg string }{
		{"/v1.0/me/messages?$filter=receivedDateTime ge '2026-01-01T00:00:00Z'",
			"Found operand types 'Edm.DateTimeOffset' and 'Edm.String' for operator kind 'GreaterThanOrEqual'."},
		{"/v1.0/me/messages?$filter=isRead eq false and '2026-01-01T00:00:00Z' lt sentDateTime",
			"Found operand types 'Edm.DateTimeOffset' and 'Edm.String' for operator kind 'LessThan'."},
		{"/v1.0/me/events?$filter=start/dateTime ge 2026-01-01T00:00:00%2B00:00",
			"Found operand types 'Edm.String' and 'Edm.DateTimeOffset' for operator kind 'GreaterThanOrEqual'."},
		{"/v1.0/me/events?$filter=end/dateTime le 2026-01-31",
			"Found operand types 'Edm.String' and 'Edm.Date' for operator kind 'LessThanOrEqual'."},
	} {
		r := ts.Do(t, tok, "GET", tc.path, nil)
		r.WantError(t, 400, "BadRequest")
		want := "Invalid filter clause: A binary operator with incompatible types was detected. " + tc.msg
		if msg := r.JSON["error"].(map[string]any)["message"]; msg != want {
			t.Errorf("%s: %q, want %q", tc.path, msg, want)
		}
	}
	for _, p := range []string{
		"/v1.0/me/messages?$filter=receivedDateTime ge 2026-01-01T00:00:00Z",
		"/v1.0/me/messages?$filter=toRecipients/any(r: r/emailAddress/address eq 'bob@contoso.onmicrosoft.com')",
		"/v1.0/me/events?$filter=start/dateTime ge '2026-01-01T00:00'",
		"/v1.0/me/events?$filter=createdDateTime ge 2025-01-01T00:00:00Z",
	} {
		ts.Do(t, tok, "GET", p, nil).WantStatus(t, 200)
	}
	outlook := ts.AliceOutlookToken(t)
	ts.Do(t, outlook, "GET", "/api/v2.0/me/messages?$filter=ReceivedDateTime ge '2026-01-01T00:00:00Z'", nil).WantError(t, 400, "BadRequest")
	ts.Do(t, outlook, "GET", "/api/v2.0/me/events?$filter=Start/DateTime ge '2026-01-01T00:00'", nil).WantStatus(t, 200)
}
