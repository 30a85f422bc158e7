package pyo365_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

// messageKeys are the keys message.py Message.__init__ reads from a
// message answer.
var messageKeys = []string{"id", "subject", "body", "bodyPreview", "from", "toRecipients", "ccRecipients", "bccRecipients",
	"replyTo", "receivedDateTime", "sentDateTime", "createdDateTime", "lastModifiedDateTime", "isRead", "isDraft",
	"hasAttachments", "importance", "flag", "categories", "conversationId", "parentFolderId", "webLink",
	"isReadReceiptRequested", "isDeliveryReceiptRequested", "internetMessageId", "inferenceClassification"}

// Replays mailbox.py Folder.get_messages(limit=12, batch=5,
// query=q.equals('is_read', False), order_by='receivedDateTime desc') on
// mailbox.inbox_folder(): $top is the batch, the QueryBuilder's $filter
// and the caller's $orderby, then utils.py Pagination following
// @odata.nextLink verbatim until the limit.
func TestMailListInboxWithQueryAndPaging(t *testing.T) {
	c := alice(t, map[string]int{"mail.messagesPerInbox": 30})
	next := graph("me/mailFolders/Inbox/messages", "$top", "5", "$orderby", "receivedDateTime desc", "$filter", "isRead eq false")
	var got []map[string]any
	pages := 0
	for next != "" && len(got) < 12 {
		r := c.do("GET", next, nil).WantStatus(t, 200)
		pages++
		for _, m := range valuesOf(t, r) {
			wantKeys(t, "message", m, messageKeys...)
			if m["isRead"] != false {
				t.Fatalf("$filter isRead eq false returned a read message: %v", m["id"])
			}
			got = append(got, m)
		}
		next = str(r.JSON, "@odata.nextLink")
		if next != "" && !strings.Contains(next, "top=5") && !strings.Contains(next, "skiptoken") {
			t.Fatalf("nextLink %q keeps neither $top nor a skip token", next)
		}
	}
	if pages != 3 || len(got) < 12 {
		t.Fatalf("%d messages in %d pages, want >= 12 in 3", len(got), pages)
	}
	for i := 1; i < len(got); i++ {
		if str(got[i-1], "receivedDateTime") < str(got[i], "receivedDateTime") {
			t.Fatalf("not in receivedDateTime desc order at %d", i)
		}
	}
}

// Replays the draft life cycle python-o365 users follow (issue #775):
// mailbox.py MailBox.new_message + message.py Message.save_draft (POST to
// /mailFolders/Drafts/messages with to_api_data's keys, a small attachment
// inline), attachments.add of a >3 MB file + save_draft again
// (utils/attachment.py BaseAttachments._update_attachments_to_cloud:
// createUploadSession with {"attachmentItem": ...}, then unauthenticated
// PUTs of 3 MB chunks until 201), Folder.get_message with
// q().expand('attachments'), then Message.send (POST /send with no body).
func TestMailDraftAttachmentsAndSend(t *testing.T) {
	c := alice(t, nil)
	small := base64.StdEncoding.EncodeToString([]byte("region,units\neast,10\n"))
	draft := c.do("POST", graph("me/mailFolders/Drafts/messages"), `{"subject": "Quarterly numbers", "body": {"contentType": "HTML", "content": "<html><body><p>See attached</p></body></html>"}, "importance": "normal", "flag": {"flagStatus": "notFlagged"}, "isReadReceiptRequested": false, "isDeliveryReceiptRequested": false, "toRecipients": [{"emailAddress": {"address": "bob@contoso.onmicrosoft.com"}}, {"emailAddress": {"address": "carol@contoso.onmicrosoft.com", "name": "Carol"}}], "attachments": [{"@odata.type": "#microsoft.graph.fileAttachment", "name": "numbers.csv", "contentBytes": "`+small+`"}]}`).WantStatus(t, 201).JSON
	wantKeys(t, "draft", draft, "id", "parentFolderId", "createdDateTime", "lastModifiedDateTime", "webLink")
	id := str(draft, "id")
	if draft["isDraft"] != true || draft["hasAttachments"] != true {
		t.Fatalf("draft: isDraft %v hasAttachments %v", draft["isDraft"], draft["hasAttachments"])
	}

	// A 3 MB + 1 byte attachment goes through an upload session, in
	// DEFAULT_UPLOAD_CHUNK_SIZE (3 MiB) chunks.
	const size = 3*1024*1024 + 1
	big := bytes.Repeat([]byte("x"), size)
	session := c.do("POST", graph("me/messages/"+id+"/attachments/createUploadSession"),
		fmt.Sprintf(`{"attachmentItem": {"attachmentType": "file", "name": "big.bin", "size": %d}}`, size)).WantStatus(t, 201).JSON
	wantKeys(t, "upload session", session, "uploadUrl", "expirationDateTime")
	upload := c.naive()
	for start, chunk := 0, 3*1024*1024; start < size; start += chunk {
		end := min(start+chunk, size)
		r := upload.do("PUT", str(session, "uploadUrl"), big[start:end], "Content-Type", "application/octet-stream",
			"Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end-1, size))
		if end < size {
			// The upload URL is Outlook REST's, whose answers are PascalCase
			// (Graph's "Attach large files to Outlook messages" examples):
			// python-o365 reads "nextExpectedRanges" for a debug log only.
			r.WantStatus(t, 200)
			wantKeys(t, "chunk answer", r.JSON, "NextExpectedRanges")
		} else {
			r.WantStatus(t, 201)
		}
	}

	// Folder.get_message builds /messages/{id} on the mailbox's resource.
	got := c.do("GET", graph("me/messages/"+id, "$expand", "attachments"), nil).WantStatus(t, 200)
	atts, _ := got.JSON["attachments"].([]any)
	names := map[string]float64{}
	for _, a := range atts {
		m := a.(map[string]any)
		wantKeys(t, "attachment", m, "id", "name", "size", "isInline", "@odata.type", "contentBytes")
		names[str(m, "name")], _ = m["size"].(float64)
	}
	if len(names) != 2 || names["big.bin"] < size || names["numbers.csv"] == 0 {
		t.Fatalf("attachments after the upload session: %v", names)
	}
	to, _ := got.JSON["toRecipients"].([]any)
	if len(to) != 2 {
		t.Fatalf("toRecipients: %v", got.JSON["toRecipients"])
	}

	// send() of a saved draft: data None, so no body but the JSON content type.
	c.do("POST", graph("me/messages/"+id+"/send"), nil).WantStatus(t, 202)
	sent := valuesOf(t, c.do("GET", graph("me/mailFolders/SentItems/messages", "$top", "25", "$filter", "subject eq 'Quarterly numbers'"), nil).WantStatus(t, 200))
	if len(sent) != 1 || sent[0]["isDraft"] != false || sent[0]["hasAttachments"] != true {
		t.Fatalf("sent items after send: %v", sent)
	}
}

// Replays message.py Message.send on a new message (no id): POST /sendMail
// with {"message": to_api_data(), "saveToSentItems": false}, and the same
// with a BytesIO attachment inline.
func TestMailSendMailNew(t *testing.T) {
	c := alice(t, nil)
	c.do("POST", graph("me/sendMail"), `{"message": {"subject": "Lunch?", "body": {"contentType": "HTML", "content": "Noon at the usual place"}, "importance": "high", "flag": {"flagStatus": "notFlagged"}, "isReadReceiptRequested": false, "isDeliveryReceiptRequested": false, "toRecipients": [{"emailAddress": {"address": "bob@contoso.onmicrosoft.com", "name": "Bob"}}], "attachments": [{"@odata.type": "#microsoft.graph.fileAttachment", "name": "map.txt", "contentBytes": "aGVyZQ=="}]}, "saveToSentItems": false}`).WantStatus(t, 202)
	sent := valuesOf(t, c.do("GET", graph("me/mailFolders/SentItems/messages", "$filter", "subject eq 'Lunch?'"), nil).WantStatus(t, 200))
	if len(sent) != 0 {
		t.Fatalf("saveToSentItems false still saved %d message(s)", len(sent))
	}
	c.do("POST", graph("me/sendMail"), `{"message": {"subject": "Lunch!", "body": {"contentType": "HTML", "content": "Noon"}, "importance": "normal", "flag": {"flagStatus": "notFlagged"}, "isReadReceiptRequested": false, "isDeliveryReceiptRequested": false, "toRecipients": [{"emailAddress": {"address": "bob@contoso.onmicrosoft.com"}}]}}`).WantStatus(t, 202)
	sent = valuesOf(t, c.do("GET", graph("me/mailFolders/SentItems/messages", "$filter", "subject eq 'Lunch!'"), nil).WantStatus(t, 200))
	if len(sent) != 1 {
		t.Fatalf("sendMail without saveToSentItems: %d in Sent Items", len(sent))
	}
}

// Replays message.py Message.reply (createReplyAll with the Prefer
// outlook.timezone header, joined to a default_headers Prefer, and no body), Message.forward (createForward, no
// body), then on the returned draft: body/to changes saved with
// save_draft (PATCH of the tracked keys) and send; then mark_as_read /
// mark_as_unread (PATCH {"isRead": ...}), mailbox.py
// Folder.create_child_folder (POST /mailFolders {"displayName"}) and
// Message.move / Message.copy ({"destinationId"}).
func TestMailReplyForwardMarkMove(t *testing.T) {
	c := alice(t, nil)
	inbox := valuesOf(t, c.do("GET", graph("me/mailFolders/Inbox/messages", "$top", "1"), nil).WantStatus(t, 200))
	if len(inbox) != 1 {
		t.Fatal("empty inbox")
	}
	id := str(inbox[0], "id")

	// Connection(default_headers={"Prefer": 'outlook.body-content-type="text"'})
	// joins its Prefer with the request's: "a, b" (_internal_request).
	reply := c.do("POST", graph("me/messages/"+id+"/createReplyAll"), nil,
		"Prefer", `outlook.body-content-type="text", outlook.timezone="`+westEurope+`"`).WantStatus(t, 201).JSON
	wantKeys(t, "reply draft", reply, messageKeys...)
	if ct := str(obj(reply, "body"), "contentType"); ct != "text" {
		t.Fatalf("Prefer outlook.body-content-type=\"text\" ignored: body contentType %q", ct)
	}
	if reply["isDraft"] != true || !strings.HasPrefix(str(reply, "subject"), "RE:") {
		t.Fatalf("reply draft: %v %v", reply["isDraft"], reply["subject"])
	}
	if tz := str(obj(obj(reply, "flag"), "startDateTime"), "timeZone"); tz != "" && tz != westEurope {
		t.Fatalf("Prefer outlook.timezone ignored: %q", tz)
	}
	rid := str(reply, "id")
	c.do("PATCH", graph("me/messages/"+rid), `{"body": {"contentType": "HTML", "content": "<p>Thanks!</p>"}}`).WantStatus(t, 200)
	c.do("POST", graph("me/messages/"+rid+"/send"), nil).WantStatus(t, 202)

	fwd := c.do("POST", graph("me/messages/"+id+"/createForward"), nil).WantStatus(t, 201).JSON
	if !strings.HasPrefix(str(fwd, "subject"), "FW:") {
		t.Fatalf("forward draft subject %v", fwd["subject"])
	}
	c.do("PATCH", graph("me/messages/"+str(fwd, "id")), `{"toRecipients": [{"emailAddress": {"address": "dan@contoso.onmicrosoft.com"}}]}`).WantStatus(t, 200)
	c.do("POST", graph("me/messages/"+str(fwd, "id")+"/send"), nil).WantStatus(t, 202)

	c.do("PATCH", graph("me/messages/"+id), `{"isRead": true}`).WantStatus(t, 200)
	if got := c.do("GET", graph("me/messages/"+id), nil).WantStatus(t, 200).JSON; got["isRead"] != true {
		t.Fatalf("mark_as_read: isRead %v", got["isRead"])
	}
	c.do("PATCH", graph("me/messages/"+id), `{"isRead": false}`).WantStatus(t, 200)

	folder := c.do("POST", graph("me/mailFolders"), `{"displayName": "Receipts"}`).WantStatus(t, 201).JSON
	wantKeys(t, "folder", folder, "id", "displayName", "parentFolderId", "childFolderCount", "unreadItemCount", "totalItemCount")
	copied := c.do("POST", graph("me/messages/"+id+"/copy"), `{"destinationId": "`+str(folder, "id")+`"}`).WantStatus(t, 201).JSON
	wantKeys(t, "copy", copied, messageKeys...)
	moved := c.do("POST", graph("me/messages/"+id+"/move"), `{"destinationId": "DeletedItems"}`).WantStatus(t, 201).JSON
	if str(moved, "id") == "" {
		t.Fatalf("move answer without id: %v", moved)
	}
	in := valuesOf(t, c.do("GET", graph("me/mailFolders/"+str(folder, "id")+"/messages", "$top", "25"), nil).WantStatus(t, 200))
	del := valuesOf(t, c.do("GET", graph("me/mailFolders/DeletedItems/messages", "$top", "25", "$filter", "subject eq '"+strings.ReplaceAll(str(inbox[0], "subject"), "'", "''")+"'"), nil).WantStatus(t, 200))
	if len(in) != 1 || len(del) != 1 || str(del[0], "id") != str(moved, "id") {
		t.Fatalf("after copy and move: %d in Receipts, %d in Deleted Items", len(in), len(del))
	}
	c.do("GET", graph("me/messages/"+id), nil).WantError(t, 404, "ErrorItemNotFound")
}
