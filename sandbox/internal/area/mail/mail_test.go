package mail_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o365go/o365/sandbox/internal/area/mail"
	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

func mailRecipient(addr string) map[string]any {
	return map[string]any{"emailAddress": map[string]any{"address": addr}}
}

// findBySubject lists a folder of the token's user filtered by subject.
func findBySubject(t *testing.T, ts *sandboxtest.Server, token, folder, subject string) []map[string]any {
	t.Helper()
	r := ts.Do(t, token, "GET", "/v1.0/me/mailFolders/"+folder+"/messages?$filter=subject eq '"+strings.ReplaceAll(subject, "'", "''")+"'", nil).WantStatus(t, 200)
	return sandboxtest.Values(t, r)
}

func TestMailFoldersWellKnownBothDialects(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	r := ts.Do(t, tok, "GET", "/v1.0/me/mailFolders?$top=20", nil).WantStatus(t, 200)
	byName := map[string]map[string]any{}
	for _, f := range sandboxtest.Values(t, r) {
		byName[f["displayName"].(string)] = f
	}
	inbox := byName["Inbox"]
	if inbox == nil || inbox["totalItemCount"] != float64(3) || inbox["unreadItemCount"] != float64(2) || inbox["childFolderCount"] != float64(0) {
		t.Fatalf("inbox %v", inbox)
	}
	if _, hidden := inbox["_wellKnown"]; hidden {
		t.Fatalf("internal key served: %v", inbox)
	}
	if !strings.HasSuffix(r.JSON["@odata.context"].(string), "/v1.0/$metadata#users('"+demo.UserID+"')/mailFolders") {
		t.Fatalf("context %v", r.JSON["@odata.context"])
	}
	one := ts.Do(t, tok, "GET", "/v1.0/me/mailFolders/INBOX", nil).WantStatus(t, 200)
	if one.JSON["id"] != inbox["id"] {
		t.Fatalf("well-known name resolves to %v, want %v", one.JSON["id"], inbox["id"])
	}
	out := ts.Do(t, ts.AliceOutlookToken(t), "GET", "/api/v2.0/me/MailFolders('Inbox')", nil).WantStatus(t, 200)
	if out.JSON["DisplayName"] != "Inbox" || out.JSON["TotalItemCount"] != float64(3) || out.JSON["Id"] != inbox["id"] {
		t.Fatalf("Outlook dialect %s", out.Raw)
	}
	ts.Do(t, tok, "POST", "/v1.0/me/mailFolders/inbox/childFolders", map[string]any{"displayName": "Receipts"}).WantStatus(t, 201)
	ex := ts.Do(t, tok, "GET", "/v1.0/me/mailFolders/inbox?$expand=childFolders($select=displayName)", nil).WantStatus(t, 200)
	if kids, _ := ex.JSON["childFolders"].([]any); len(kids) != 1 || kids[0].(map[string]any)["displayName"] != "Receipts" || ex.JSON["childFolderCount"] != float64(1) {
		t.Fatalf("$expand=childFolders %s", ex.Raw)
	}
	ts.Do(t, tok, "GET", "/v1.0/me/mailFolders/nosuchfolder", nil).WantError(t, 404, "ErrorItemNotFound")
	ts.Do(t, tok, "POST", "/v1.0/me/mailFolders", map[string]any{"displayName": " "}).WantError(t, 400, "ErrorInvalidRequest")
	ts.Do(t, tok, "POST", "/v1.0/me/mailFolders", map[string]any{"displayName": "Inbox"}).WantError(t, 409, "ErrorFolderExists")
	ts.Do(t, tok, "DELETE", "/v1.0/me/mailFolders/inbox", nil).WantError(t, 403, "ErrorDeleteDistinguishedFolder")
}

func TestMailSendMailDelivers(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	bob := ts.UserToken(t, demo.PublicClientID, demo.Bob)
	send := func(subject string, save any, extra map[string]any) *sandboxtest.Response {
		msg := map[string]any{
			"subject":      subject,
			"body":         map[string]any{"contentType": "Text", "content": "hi " + subject},
			"toRecipients": []any{mailRecipient(demo.Bob)},
			"ccRecipients": []any{mailRecipient("outside@example.com")},
		}
		for k, v := range extra {
			msg[k] = v
		}
		body := map[string]any{"message": msg}
		if save != nil {
			body["saveToSentItems"] = save
		}
		return ts.Do(t, alice, "POST", "/v1.0/me/sendMail", body)
	}
	r := send("one", nil, map[string]any{"internetMessageHeaders": []any{map[string]any{"name": "x-trace", "value": "7"}}})
	if r.Status != 202 || len(r.Raw) != 0 {
		t.Fatalf("sendMail: %d %q", r.Status, r.Raw)
	}
	got := findBySubject(t, ts, bob, "inbox", "one")
	if len(got) != 1 {
		t.Fatalf("Bob has %d", len(got))
	}
	m := got[0]
	from := m["from"].(map[string]any)["emailAddress"].(map[string]any)
	if m["isRead"] != false || m["isDraft"] != false || from["address"] != demo.User || m["internetMessageId"] == "" ||
		m["conversationId"] == "" || m["receivedDateTime"] == nil || m["sentDateTime"] == nil || m["bodyPreview"] != "hi one" {
		t.Fatalf("delivered %v", m)
	}
	sent := findBySubject(t, ts, alice, "sentitems", "one")
	// One conversation (one conversationIndex), named in each mailbox by an
	// id of that mailbox, as Exchange does.
	if len(sent) != 1 || sent[0]["conversationIndex"] != m["conversationIndex"] || sent[0]["conversationId"] == m["conversationId"] ||
		sent[0]["internetMessageId"] != m["internetMessageId"] {
		t.Fatalf("Sent Items %v", sent)
	}
	send("two", false, nil).WantStatus(t, 202)
	if n := len(findBySubject(t, ts, alice, "sentitems", "two")); n != 0 {
		t.Fatalf("saveToSentItems false kept %d", n)
	}
	if n := len(findBySubject(t, ts, bob, "inbox", "two")); n != 1 {
		t.Fatalf("Bob got %d of two", n)
	}
	ts.Do(t, alice, "POST", "/v1.0/me/sendMail", map[string]any{"message": map[string]any{"subject": "nobody"}}).WantError(t, 400, "ErrorInvalidRecipients")
	send("bad header", nil, map[string]any{"internetMessageHeaders": []any{map[string]any{"name": "Subject", "value": "x"}}}).WantError(t, 400, "InvalidInternetMessageHeader")
	send("bad rcpt", nil, map[string]any{"toRecipients": []any{mailRecipient("not-an-address")}}).WantError(t, 400, "ErrorInvalidRecipients")
	ts.Do(t, alice, "POST", "/v1.0/me/sendMail", map[string]any{}).WantError(t, 400, "ErrorInvalidParameter")

	// Outlook dialect, PascalCase in and out, one store.
	out := ts.Do(t, ts.AliceOutlookToken(t), "POST", "/api/v2.0/me/sendmail", map[string]any{"Message": map[string]any{
		"Subject": "three", "ToRecipients": []any{map[string]any{"EmailAddress": map[string]any{"Address": demo.Bob}}},
	}})
	out.WantStatus(t, 202)
	r = ts.Do(t, ts.UserTokenOn(t, sandboxtest.OutlookResource, demo.PublicClientID, demo.Bob), "GET",
		"/api/v2.0/me/messages?$filter=Subject eq 'three'&$select=Subject,From", nil).WantStatus(t, 200)
	v := sandboxtest.Values(t, r)
	if len(v) != 1 || v[0]["Subject"] != "three" || v[0]["From"].(map[string]any)["EmailAddress"].(map[string]any)["Address"] != demo.User || v[0]["Body"] != nil {
		t.Fatalf("Outlook read %s", r.Raw)
	}
}

func TestMailDraftsReplyForward(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	bob := ts.UserToken(t, demo.PublicClientID, demo.Bob)
	d := ts.Do(t, alice, "POST", "/v1.0/me/messages", map[string]any{
		"subject": "Plan", "body": map[string]any{"contentType": "html", "content": "<p>the plan</p>"},
		"toRecipients": []any{mailRecipient(demo.Bob)}, "ccRecipients": []any{mailRecipient(demo.Carol)},
	}).WantStatus(t, 201)
	id := d.JSON["id"].(string)
	if d.JSON["isDraft"] != true || d.JSON["parentFolderId"] != core.SeedFolderID(demo.UserID, "mail", "drafts") {
		t.Fatalf("draft %s", d.Raw)
	}
	ts.Do(t, alice, "PATCH", "/v1.0/me/messages/"+id, map[string]any{"subject": "Plan B", "id": "ignored-not-allowed"}).WantError(t, 400, "ErrorInvalidProperty")
	ts.Do(t, alice, "PATCH", "/v1.0/me/messages/"+id, map[string]any{"subject": "Plan B"}).WantStatus(t, 200)
	immutable := ts.Do(t, alice, "GET", "/v1.0/me/messages/"+id+"?$select=id", nil, "Prefer", `IdType="ImmutableId"`).WantStatus(t, 200).JSON["id"].(string)
	ts.Do(t, alice, "POST", "/v1.0/me/messages/"+id+"/send", nil).WantStatus(t, 202)
	// Sending moves the draft to Sent Items: its id changes, its immutable id
	// stays.
	ts.Do(t, alice, "POST", "/v1.0/me/messages/"+id+"/send", nil).WantError(t, 404, "ErrorItemNotFound")
	ts.Do(t, alice, "POST", "/v1.0/me/messages/"+immutable+"/send", nil).WantError(t, 400, "ErrorInvalidOperation")
	ts.Do(t, alice, "PATCH", "/v1.0/me/messages/"+immutable, map[string]any{"subject": "Plan C"}).WantError(t, 400, "ErrorInvalidPropertyUpdateSentMessage")
	ts.Do(t, alice, "PATCH", "/v1.0/me/messages/"+immutable, map[string]any{"categories": []any{"Red"}}).WantStatus(t, 200)
	got := findBySubject(t, ts, bob, "inbox", "Plan B")
	if len(got) != 1 {
		t.Fatalf("Bob has %d", len(got))
	}
	bid := got[0]["id"].(string)
	rep := ts.Do(t, bob, "POST", "/v1.0/me/messages/"+bid+"/createReplyAll", map[string]any{"comment": "ok!"}).WantStatus(t, 201)
	var to []string
	for _, k := range []string{"toRecipients", "ccRecipients"} {
		for _, r := range rep.JSON[k].([]any) {
			to = append(to, k+":"+mail.AddrOf(r))
		}
	}
	if rep.JSON["subject"] != "RE: Plan B" || strings.Join(to, ",") != "toRecipients:"+demo.User+",ccRecipients:"+demo.Carol ||
		rep.JSON["conversationId"] != got[0]["conversationId"] || rep.JSON["isDraft"] != true {
		t.Fatalf("reply-all draft %v %s", to, rep.Raw)
	}
	body := rep.JSON["body"].(map[string]any)["content"].(string)
	if !strings.Contains(body, "ok!") || !strings.Contains(body, "the plan") || !strings.Contains(body, "<b>Subject:</b> Plan B") {
		t.Fatalf("quoted body %q", body)
	}
	// A second RE: is not added.
	ts.Do(t, bob, "POST", "/v1.0/me/messages/"+rep.JSON["id"].(string)+"/send", nil).WantStatus(t, 202)
	back := findBySubject(t, ts, alice, "inbox", "RE: Plan B")
	again := ts.Do(t, alice, "POST", "/v1.0/me/messages/"+back[0]["id"].(string)+"/createReply", nil).WantStatus(t, 201)
	if again.JSON["subject"] != "RE: Plan B" {
		t.Fatalf("subject %v", again.JSON["subject"])
	}
	ts.Do(t, bob, "POST", "/v1.0/me/messages/"+bid+"/forward", map[string]any{"comment": "fyi"}).WantError(t, 400, "ErrorInvalidRecipients")
	ts.Do(t, bob, "POST", "/v1.0/me/messages/"+bid+"/forward", map[string]any{"comment": "fyi", "toRecipients": []any{mailRecipient(demo.Dan)}}).WantStatus(t, 202)
	dan := ts.UserToken(t, demo.PublicClientID, demo.Dan)
	if fw := findBySubject(t, ts, dan, "inbox", "FW: Plan B"); len(fw) != 1 {
		t.Fatalf("Dan got %d forwards", len(fw))
	}
}

func TestMailUploadSessionProtocol(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	id := ts.Do(t, tok, "POST", "/v1.0/me/messages", map[string]any{"subject": "big"}).WantStatus(t, 201).JSON["id"].(string)
	const size = 5<<20 + 123
	data := bytes.Repeat([]byte("0123456789abcdef"), size/16+1)[:size]
	s := ts.Do(t, tok, "POST", "/v1.0/me/messages/"+id+"/attachments/createUploadSession",
		map[string]any{"AttachmentItem": map[string]any{"attachmentType": "file", "name": "big.bin", "size": size}}).WantStatus(t, 201)
	up, _ := s.JSON["uploadUrl"].(string)
	if !strings.Contains(up, "/api/v2.0/users('") || !strings.Contains(up, "authtoken=") || fmt.Sprint(s.JSON["nextExpectedRanges"]) != "[0-]" {
		t.Fatalf("session %s", s.Raw)
	}
	put := func(url string, from, to int) *sandboxtest.Response {
		return ts.Do(t, "", "PUT", url, data[from:to], "Content-Range", fmt.Sprintf("bytes %d-%d/%d", from, to-1, size), "Content-Type", "application/octet-stream")
	}
	put(strings.Replace(up, "authtoken=", "authtoken=x", 1), 0, 1<<20).WantError(t, 401, "InvalidAuthenticationToken")
	r := put(up, 0, 2<<20).WantStatus(t, 200)
	if fmt.Sprint(r.JSON["NextExpectedRanges"]) != "[2097152]" || r.JSON["ExpirationDateTime"] == nil || r.JSON["nextExpectedRanges"] != nil {
		t.Fatalf("chunk answer must be PascalCase Outlook: %s", r.Raw)
	}
	put(up, 1<<20, 3<<20).WantError(t, 416, "ErrorInvalidRange")
	st := ts.Do(t, "", "GET", up, nil).WantStatus(t, 200)
	if fmt.Sprint(st.JSON["NextExpectedRanges"]) != "[2097152]" {
		t.Fatalf("status %s", st.Raw)
	}
	r = put(up, 2<<20, size)
	r.WantStatus(t, 201)
	loc := r.Header.Get("Location")
	if !strings.Contains(loc, "/Messages('"+id+"')/Attachments('") || len(r.Raw) != 0 {
		t.Fatalf("final answer Location %q body %q", loc, r.Raw)
	}
	attID := loc[strings.LastIndex(loc, "('")+2 : len(loc)-2]
	v := ts.Do(t, tok, "GET", "/v1.0/me/messages/"+id+"/attachments/"+attID+"/$value", nil).WantStatus(t, 200)
	if !bytes.Equal(v.Raw, data) {
		t.Fatalf("stored %d bytes differ", len(v.Raw))
	}
	rng := ts.Do(t, tok, "GET", "/v1.0/me/messages/"+id+"/attachments/"+attID+"/$value", nil, "Range", "bytes=10-19").WantStatus(t, 206)
	if !bytes.Equal(rng.Raw, data[10:20]) {
		t.Fatalf("range %q", rng.Raw)
	}
	list := ts.Do(t, ts.AliceOutlookToken(t), "GET", "/api/v2.0/me/messages/"+id+"/attachments?$select=Name,Size", nil).WantStatus(t, 200)
	a := sandboxtest.Values(t, list)[0]
	if a["@odata.type"] != "#Microsoft.OutlookServices.FileAttachment" || a["Size"] != float64(size) || a["ContentBytes"] != nil {
		t.Fatalf("Outlook attachment %v", a)
	}
	if m := ts.Do(t, tok, "GET", "/v1.0/me/messages/"+id+"?$select=hasAttachments", nil); m.JSON["hasAttachments"] != true {
		t.Fatalf("hasAttachments %s", m.Raw)
	}
	// The session is gone; a cancelled one too.
	ts.Do(t, "", "GET", up, nil).WantError(t, 404, "ErrorItemNotFound")
	s2 := ts.Do(t, tok, "POST", "/v1.0/me/messages/"+id+"/attachments/createUploadSession",
		map[string]any{"AttachmentItem": map[string]any{"attachmentType": "file", "name": "x", "size": 10}}).WantStatus(t, 201)
	ts.Do(t, "", "DELETE", s2.JSON["uploadUrl"].(string), nil).WantStatus(t, 204)
	ts.Do(t, tok, "POST", "/v1.0/me/messages/"+id+"/attachments/createUploadSession",
		map[string]any{"AttachmentItem": map[string]any{"attachmentType": "file", "name": "x", "size": 151 << 20}}).WantError(t, 400, "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize")
}

func TestMailValueIsRFC5322(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	bob := ts.UserToken(t, demo.PublicClientID, demo.Bob)
	ts.Do(t, tok, "POST", "/v1.0/me/sendMail", map[string]any{"message": map[string]any{
		"subject": "Résumé", "body": map[string]any{"contentType": "html", "content": "<p>see attached</p>"},
		"toRecipients": []any{map[string]any{"emailAddress": map[string]any{"name": "Bob, B.", "address": demo.Bob}}},
		"attachments": []any{map[string]any{"@odata.type": "#microsoft.graph.fileAttachment", "name": "cv é.txt",
			"contentType": "text/plain", "contentBytes": base64.StdEncoding.EncodeToString([]byte("my cv"))}},
	}}).WantStatus(t, 202)
	id := findBySubject(t, ts, bob, "inbox", "Résumé")[0]["id"].(string)
	r := ts.Do(t, bob, "GET", "/v1.0/me/messages/"+id+"/$value", nil).WantStatus(t, 200)
	m, err := netmail.ReadMessage(bytes.NewReader(r.Raw))
	if err != nil {
		t.Fatal(err)
	}
	subj, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	to, err := m.Header.AddressList("To")
	if subj != "Résumé" || err != nil || to[0].Name != "Bob, B." || m.Header.Get("Message-Id") == "" || m.Header.Get("Date") == "" {
		t.Fatalf("headers %v (%v)", m.Header, err)
	}
	_, params, _ := mime.ParseMediaType(m.Header.Get("Content-Type"))
	mr := multipart.NewReader(m.Body, params["boundary"])
	var parts []string
	for {
		p, err := mr.NextPart() // decodes quoted-printable for us
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		if p.FileName() != "" {
			dec, _ := base64.StdEncoding.DecodeString(strings.ReplaceAll(strings.ReplaceAll(string(b), "\r", ""), "\n", ""))
			parts = append(parts, p.FileName()+"="+string(dec))
		} else {
			parts = append(parts, string(b))
		}
	}
	if strings.Join(parts, "|") != "<p>see attached</p>|cv é.txt=my cv" {
		t.Fatalf("parts %q", parts)
	}
	// Send MIME: base64 text/plain.
	eml := "From: " + demo.User + "\r\nTo: " + demo.Bob + "\r\nSubject: via mime\r\n\r\nplain body\r\n"
	ts.Do(t, tok, "POST", "/v1.0/me/sendMail", base64.StdEncoding.EncodeToString([]byte(eml)), "Content-Type", "text/plain").WantStatus(t, 202)
	if got := findBySubject(t, ts, bob, "inbox", "via mime"); len(got) != 1 || !strings.Contains(got[0]["body"].(map[string]any)["content"].(string), "plain body") {
		t.Fatalf("MIME send %v", got)
	}
	ts.Do(t, tok, "POST", "/v1.0/me/sendMail", "%%%", "Content-Type", "text/plain").WantError(t, 400, "ErrorMimeContentInvalidBase64String")
}

func TestMailPermissions(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	limited := ts.UserToken(t, demo.LimitedClientID, demo.User)
	ts.Do(t, limited, "GET", "/v1.0/users/"+demo.Shared+"/messages", nil).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, limited, "GET", "/v1.0/users/"+demo.Shared+"/mailFolders/inbox/messages", nil).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, limited, "POST", "/v1.0/users/"+demo.Shared+"/sendMail", map[string]any{"message": map[string]any{}}).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, limited, "GET", "/v1.0/me/messages", nil).WantStatus(t, 200)
	ts.Do(t, ts.AliceToken(t), "GET", "/v1.0/users/"+demo.Shared+"/messages", nil).WantStatus(t, 200)
	app := ts.AppToken(t)
	ts.Do(t, app, "GET", "/v1.0/users/"+demo.Bob+"/mailFolders/inbox/messages?$top=1", nil).WantStatus(t, 200)
	ts.Do(t, app, "GET", "/v1.0/me/messages", nil).WantStatus(t, 400)
	ts.Do(t, "", "GET", "/v1.0/me/messages", nil).WantError(t, 401, "InvalidAuthenticationToken")
}

func TestMailDeltaAndBatch(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	r := ts.Do(t, tok, "GET", "/v1.0/me/mailFolders/inbox/messages/delta?$select=subject", nil, "Prefer", "odata.maxpagesize=2").WantStatus(t, 200)
	n := len(sandboxtest.Values(t, r))
	for r.JSON["@odata.nextLink"] != nil {
		r = ts.Do(t, tok, "GET", r.JSON["@odata.nextLink"].(string), nil).WantStatus(t, 200)
		n += len(sandboxtest.Values(t, r))
	}
	if n != 3 {
		t.Fatalf("first round %d", n)
	}
	link := r.JSON["@odata.deltaLink"].(string)
	msgs := sandboxtest.Values(t, ts.Do(t, tok, "GET", "/v1.0/me/mailFolders/inbox/messages", nil))
	batch := map[string]any{"requests": []any{
		map[string]any{"id": "1", "method": "PATCH", "url": "/me/messages/" + msgs[0]["id"].(string), "headers": map[string]any{"Content-Type": "application/json"}, "body": map[string]any{"isRead": true}},
		map[string]any{"id": "2", "method": "DELETE", "url": "/me/messages/" + msgs[1]["id"].(string)},
		map[string]any{"id": "3", "method": "POST", "url": "/me/messages/" + msgs[2]["id"].(string) + "/move", "headers": map[string]any{"Content-Type": "application/json"}, "body": map[string]any{"destinationId": "archive"}},
	}}
	b := ts.Do(t, tok, "POST", "/v1.0/$batch", batch).WantStatus(t, 200)
	status := map[string]float64{}
	for _, x := range b.JSON["responses"].([]any) {
		m := x.(map[string]any)
		status[m["id"].(string)] = m["status"].(float64)
	}
	if status["1"] != 200 || status["2"] != 204 || status["3"] != 201 {
		t.Fatalf("batch statuses %v", status)
	}
	d := sandboxtest.Values(t, ts.Do(t, tok, "GET", link, nil).WantStatus(t, 200))
	got := map[string]string{}
	for _, x := range d {
		if rm, ok := x["@removed"].(map[string]any); ok {
			got[x["id"].(string)] = rm["reason"].(string)
		} else {
			got[x["id"].(string)] = "upsert:" + fmt.Sprint(x["subject"] != nil)
		}
	}
	want := map[string]string{msgs[0]["id"].(string): "upsert:true", msgs[1]["id"].(string): "deleted", msgs[2]["id"].(string): "deleted"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("delta %v, want %v", got, want)
	}
}

func TestMailSettingsValidation(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	ts.Do(t, tok, "PATCH", "/v1.0/me/mailboxSettings", map[string]any{"automaticRepliesSetting": map[string]any{"status": "sometimes"}}).WantError(t, 400, "BadRequest")
	ts.Do(t, tok, "PATCH", "/v1.0/me/mailboxSettings", map[string]any{"automaticRepliesSetting": map[string]any{"status": "scheduled",
		"scheduledStartDateTime": map[string]any{"dateTime": "2026-02-02T00:00:00", "timeZone": "UTC"},
		"scheduledEndDateTime":   map[string]any{"dateTime": "2026-02-01T00:00:00", "timeZone": "UTC"}}}).WantError(t, 400, "BadRequest")
	ts.Do(t, tok, "PATCH", "/v1.0/me/mailboxSettings", map[string]any{"bogus": 1}).WantError(t, 400, "BadRequest")
	r := ts.Do(t, ts.AliceOutlookToken(t), "PATCH", "/api/v2.0/me/MailboxSettings", map[string]any{"TimeZone": "Pacific Standard Time"}).WantStatus(t, 200)
	if r.JSON["TimeZone"] != "Pacific Standard Time" {
		t.Fatalf("Outlook settings %s", r.Raw)
	}
	if g := ts.Do(t, tok, "GET", "/v1.0/me/mailboxSettings", nil).WantStatus(t, 200); g.JSON["timeZone"] != "Pacific Standard Time" {
		t.Fatalf("settings %s", g.Raw)
	}
}

func TestMailSeedSize(t *testing.T) {
	a := sandboxtest.New(t, sandboxtest.Options{Sizes: map[string]int{"mail.messagesPerInbox": 40}})
	b := sandboxtest.New(t, sandboxtest.Options{Sizes: map[string]int{"mail.messagesPerInbox": 40}})
	ra := a.Do(t, a.AliceToken(t), "GET", "/v1.0/me/mailFolders/inbox/messages?$top=50&$select=subject", nil).WantStatus(t, 200)
	rb := b.Do(t, b.AliceToken(t), "GET", "/v1.0/me/mailFolders/inbox/messages?$top=50&$select=subject", nil).WantStatus(t, 200)
	va, vb := sandboxtest.Values(t, ra), sandboxtest.Values(t, rb)
	if len(va) != 43 || fmt.Sprint(va) != fmt.Sprint(vb) {
		t.Fatalf("seeded %d messages; deterministic: %v", len(va), fmt.Sprint(va) == fmt.Sprint(vb))
	}
	if va[0]["subject"] != "Welcome to Contoso" {
		t.Fatalf("newest first: %v", va[0])
	}
	p := a.Do(t, a.AliceToken(t), "GET", "/v1.0/me/mailFolders/inbox/messages?$top=20", nil).WantStatus(t, 200)
	if len(sandboxtest.Values(t, p)) != 20 || p.JSON["@odata.nextLink"] == nil {
		t.Fatalf("paging %s", p.Raw)
	}
	// The knob fills one folder: the other mailboxes keep the samples.
	bob := a.Do(t, a.UserToken(t, demo.PublicClientID, demo.Bob), "GET", "/v1.0/me/messages?$top=50&$select=subject", nil).WantStatus(t, 200)
	if n := len(sandboxtest.Values(t, bob)); n != 3 {
		t.Fatalf("Bob's mailbox holds %d messages, want the 3 samples", n)
	}
	all := a.Do(t, a.AliceToken(t), "GET", "/v1.0/me/messages?$top=50&$select=subject", nil).WantStatus(t, 200)
	if n := len(sandboxtest.Values(t, all)); n != 43 {
		t.Fatalf("Alice's mailbox holds %d messages, want 43 in the inbox only", n)
	}
}

func TestMailDelayedDelivery(t *testing.T) {
	var mu sync.Mutex
	now := time.Now().UTC().Truncate(time.Second)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	ts := sandboxtest.New(t, sandboxtest.Options{Clock: clock})
	alice := ts.AliceToken(t)
	bob := ts.UserToken(t, demo.PublicClientID, demo.Bob)
	at := now.Add(10 * time.Minute).Format(time.RFC3339)
	ts.Do(t, alice, "POST", "/v1.0/me/sendMail", map[string]any{"message": map[string]any{
		"subject": "later", "toRecipients": []any{mailRecipient(demo.Bob)},
		"singleValueExtendedProperties": []any{map[string]any{"id": "SystemTime 0x3FEF", "value": at}},
	}}).WantStatus(t, 202)
	if n := len(findBySubject(t, ts, bob, "inbox", "later")); n != 0 {
		t.Fatalf("delivered %d before its time", n)
	}
	if n := len(findBySubject(t, ts, alice, "outbox", "later")); n != 1 {
		t.Fatalf("Outbox holds %d", n)
	}
	mu.Lock()
	now = now.Add(11 * time.Minute)
	mu.Unlock()
	if n := len(findBySubject(t, ts, bob, "inbox", "later")); n != 1 {
		t.Fatalf("delivered %d after its time", n)
	}
	if n := len(findBySubject(t, ts, alice, "outbox", "later")) + len(findBySubject(t, ts, alice, "sentitems", "later"))*10; n != 10 {
		t.Fatalf("after delivery: outbox+10*sent = %d, want 10", n)
	}
	if n := len(findBySubject(t, ts, bob, "inbox", "later")); n != 1 {
		t.Fatalf("delivered twice: %d", n)
	}
}

func TestMailChangeNotifications(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	bob := ts.UserToken(t, demo.PublicClientID, demo.Bob)
	rc := sandboxtest.NewReceiver(t, true)
	exp := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	ts.Do(t, bob, "POST", "/v1.0/subscriptions", map[string]any{"changeType": "created", "notificationUrl": rc.URL + "/hook",
		"resource": "me/mailFolders('inbox')/messages", "expirationDateTime": exp}).WantStatus(t, 201)
	ts.Do(t, ts.AliceToken(t), "POST", "/v1.0/me/sendMail", map[string]any{"message": map[string]any{
		"subject": "ping", "toRecipients": []any{mailRecipient(demo.Bob)}}}).WantStatus(t, 202)
	id := findBySubject(t, ts, bob, "inbox", "ping")[0]["id"].(string)
	select {
	case n := <-rc.Got:
		v := n["value"].([]any)[0].(map[string]any)
		if v["changeType"] != "created" || v["resourceData"].(map[string]any)["id"] != id {
			t.Fatalf("notification %v", v)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no notification for a delivered message")
	}
}

// TestMailMalformedInput sends bodies and paths that must be refused with a
// 4xx and leave the mailbox as it was.
func TestMailMalformedInput(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	id := ts.Do(t, tok, "POST", "/v1.0/me/messages", map[string]any{"subject": "keep"}).WantStatus(t, 201).JSON["id"].(string)
	before := ts.Do(t, tok, "GET", "/v1.0/me/messages?$top=100", nil).WantStatus(t, 200).Raw
	cases := []struct {
		method, path string
		body         any
		ct           string
	}{
		{"POST", "/v1.0/me/messages", `{"subject":`, ""},
		{"POST", "/v1.0/me/messages", map[string]any{"subject": 7}, ""},
		{"POST", "/v1.0/me/messages", map[string]any{"body": "plain string"}, ""},
		{"POST", "/v1.0/me/messages", map[string]any{"toRecipients": "bob"}, ""},
		{"POST", "/v1.0/me/messages", map[string]any{"toRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": "a b@c"}}}}, ""},
		{"POST", "/v1.0/me/messages", map[string]any{"categories": []any{1}}, ""},
		{"POST", "/v1.0/me/messages", map[string]any{"flag": map[string]any{"flagStatus": "maybe"}}, ""},
		{"POST", "/v1.0/me/messages", map[string]any{"isRead": "yes"}, ""},
		{"POST", "/v1.0/me/messages", map[string]any{"singleValueExtendedProperties": []any{"x"}}, ""},
		{"POST", "/v1.0/me/messages", map[string]any{"subject": "x"}, "text/xml"},
		{"PATCH", "/v1.0/me/messages/" + id, map[string]any{"importance": "urgent"}, ""},
		{"PATCH", "/v1.0/me/messages/" + id, map[string]any{"parentFolderId": "x"}, ""},
		{"POST", "/v1.0/me/messages/" + id + "/move", map[string]any{"destinationId": "nowhere"}, ""},
		{"POST", "/v1.0/me/messages/" + id + "/move", map[string]any{}, ""},
		{"POST", "/v1.0/me/messages/" + id + "/attachments", map[string]any{"@odata.type": "#microsoft.graph.fileAttachment", "name": "a", "contentBytes": "!!"}, ""},
		{"POST", "/v1.0/me/messages/" + id + "/attachments", map[string]any{"@odata.type": "#microsoft.graph.bogus", "name": "a"}, ""},
		{"POST", "/v1.0/me/messages/" + id + "/attachments/createUploadSession", map[string]any{"AttachmentItem": map[string]any{"attachmentType": "file", "name": "a", "size": -1}}, ""},
		{"POST", "/v1.0/me/messages/" + id + "/attachments/createUploadSession", map[string]any{"AttachmentItem": "x"}, ""},
		{"GET", "/v1.0/me/messages/..%2F..%2Fetc", nil, ""},
		{"GET", "/v1.0/me/messages?$filter=subject eq", nil, ""},
		{"GET", "/v1.0/me/messages?$top=5000", nil, ""},
		{"GET", "/v1.0/me/messages/nope/attachments", nil, ""},
		{"PUT", "/api/v2.0/users('x')/messages('y')/attachmentSessions('z')?authtoken=forged", []byte("x"), "application/octet-stream"},
		{"PATCH", "/v1.0/me/mailboxSettings", map[string]any{"workingHours": "nine to five"}, ""},
		{"POST", "/v1.0/me/mailFolders", map[string]any{"displayName": 3}, ""},
	}
	for _, tc := range cases {
		var headers []string
		if tc.ct != "" {
			headers = []string{"Content-Type", tc.ct}
		}
		r := ts.Do(t, tok, tc.method, tc.path, tc.body, headers...)
		if r.Status < 400 || r.Status >= 500 {
			t.Errorf("%s %s %v: status %d %s", tc.method, tc.path, tc.body, r.Status, r.Raw)
		}
	}
	after := ts.Do(t, tok, "GET", "/v1.0/me/messages?$top=100", nil).WantStatus(t, 200).Raw
	if !bytes.Equal(before, after) {
		t.Fatalf("the mailbox changed:\n%s\n%s", before, after)
	}
}
