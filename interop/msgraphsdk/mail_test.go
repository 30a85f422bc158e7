package msgraphsdk

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	msgraphsdk "github.com/microsoftgraph/msgraph-sdk-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go-core/fileuploader"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/o365go/o365/sandbox"
)

// mailbox is a user's mailbox as the SDK reaches it: /me for a delegated
// client, /users/{id} for an app-only one.
type mailbox struct {
	client *msgraphsdk.GraphServiceClient
	user   *users.UserItemRequestBuilder
	mail   string // the mailbox's address
	mode   string // "delegated" or "app-only", the subtest's name
}

func (e *env) mailboxes() []mailbox {
	return []mailbox{
		{client: e.alice, user: e.alice.Me(), mail: sandbox.DemoUser, mode: "delegated"},
		{client: e.app, user: e.app.Users().ByUserId(sandbox.DemoBob), mail: sandbox.DemoBob, mode: "app-only"},
	}
}

func recipient(addr string) models.Recipientable {
	a := models.NewEmailAddress()
	a.SetAddress(ptr(addr))
	r := models.NewRecipient()
	r.SetEmailAddress(a)
	return r
}

func textBody(s string) models.ItemBodyable {
	b := models.NewItemBody()
	ct := models.TEXT_BODYTYPE
	b.SetContentType(&ct)
	b.SetContent(ptr(s))
	return b
}

func newMessage(subject, body string, to ...string) models.Messageable {
	m := models.NewMessage()
	m.SetSubject(ptr(subject))
	m.SetBody(textBody(body))
	var rs []models.Recipientable
	for _, a := range to {
		rs = append(rs, recipient(a))
	}
	m.SetToRecipients(rs)
	return m
}

// messagesWithSubject lists a folder's messages whose subject is s.
func messagesWithSubject(t *testing.T, ctx context.Context, mb mailbox, folder, s string) []models.Messageable {
	t.Helper()
	filter := fmt.Sprintf("subject eq '%s'", strings.ReplaceAll(s, "'", "''"))
	page, err := mb.user.MailFolders().ByMailFolderId(folder).Messages().Get(ctx,
		&users.ItemMailFoldersItemMessagesRequestBuilderGetRequestConfiguration{
			QueryParameters: &users.ItemMailFoldersItemMessagesRequestBuilderGetQueryParameters{Filter: &filter}})
	must(t, "list "+folder+" by subject", err)
	return page.GetValue()
}

// waitForMessage polls a folder until a message with subject s is there
// (delivery is synchronous in the sandbox, but rules and sends may not be).
func waitForMessage(t *testing.T, ctx context.Context, mb mailbox, folder, s string) models.Messageable {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if got := messagesWithSubject(t, ctx, mb, folder, s); len(got) > 0 {
			return got[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no message %q in %s's %s", s, mb.mail, folder)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestMailList lists with $select, $filter, $orderby and $top, and pages
// with the SDK's PageIterator, as its README shows.
func TestMailList(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, mb := range e.mailboxes() {
		t.Run(mb.mode, func(t *testing.T) {
			top := int32(2)
			count := true
			page, err := mb.user.MailFolders().ByMailFolderId("inbox").Messages().Get(ctx,
				&users.ItemMailFoldersItemMessagesRequestBuilderGetRequestConfiguration{
					QueryParameters: &users.ItemMailFoldersItemMessagesRequestBuilderGetQueryParameters{
						Select:  []string{"subject", "from", "receivedDateTime", "isRead"},
						Orderby: []string{"receivedDateTime desc"},
						Top:     &top,
						Count:   &count,
					}})
			must(t, "list inbox", err)
			total := deref(page.GetOdataCount())
			if total < 3 || len(page.GetValue()) != 2 || page.GetOdataNextLink() == nil {
				t.Fatalf("first page: %d items of %d, nextLink %v", len(page.GetValue()), total, page.GetOdataNextLink())
			}
			it, err := msgraphcore.NewPageIterator[models.Messageable](page, mb.client.GetAdapter(), models.CreateMessageCollectionResponseFromDiscriminatorValue)
			must(t, "page iterator", err)
			var seen int
			var last time.Time
			ids := map[string]bool{}
			err = it.Iterate(ctx, func(m models.Messageable) bool {
				seen++
				got := deref(m.GetReceivedDateTime())
				if !last.IsZero() && got.After(last) {
					t.Errorf("message %d received %v after the one before (%v): not in $orderby order", seen, got, last)
				}
				last = got
				if ids[deref(m.GetId())] {
					t.Errorf("message %s listed twice", deref(m.GetId()))
				}
				ids[deref(m.GetId())] = true
				if m.GetSubject() == nil || m.GetFrom() == nil {
					t.Errorf("message %d lacks the selected subject or from", seen)
				}
				if m.GetBody() != nil {
					t.Errorf("message %d has a body that was not selected", seen)
				}
				return true
			})
			must(t, "iterate", err)
			if int64(seen) != total {
				t.Fatalf("iterated %d messages, $count said %d", seen, total)
			}

			// $filter, and $count with the count segment.
			filter := "isRead eq false and importance eq 'normal'"
			unread, err := mb.user.MailFolders().ByMailFolderId("inbox").Messages().Get(ctx,
				&users.ItemMailFoldersItemMessagesRequestBuilderGetRequestConfiguration{
					QueryParameters: &users.ItemMailFoldersItemMessagesRequestBuilderGetQueryParameters{Filter: &filter, Select: []string{"isRead", "importance"}}})
			must(t, "filter unread", err)
			for _, m := range unread.GetValue() {
				if deref(m.GetIsRead()) || deref(m.GetImportance()) != models.NORMAL_IMPORTANCE {
					t.Fatalf("filter returned a read or non-normal message %s", deref(m.GetId()))
				}
			}
			n, err := mb.user.MailFolders().ByMailFolderId("inbox").Messages().Count().Get(ctx, nil)
			must(t, "messages/$count", err)
			if int64(deref(n)) != total {
				t.Fatalf("$count segment %d, @odata.count %d", deref(n), total)
			}

			// get with $select
			first := page.GetValue()[0]
			got, err := mb.user.Messages().ByMessageId(deref(first.GetId())).Get(ctx,
				&users.ItemMessagesMessageItemRequestBuilderGetRequestConfiguration{
					QueryParameters: &users.ItemMessagesMessageItemRequestBuilderGetQueryParameters{Select: []string{"subject", "body", "toRecipients"}}})
			must(t, "get message", err)
			if deref(got.GetSubject()) != deref(first.GetSubject()) || got.GetBody() == nil || got.GetFrom() != nil {
				t.Fatalf("get with $select: subject %q body %v from %v", deref(got.GetSubject()), got.GetBody(), got.GetFrom())
			}
		})
	}
}

// TestMailCompose is the life of a message written by a program: a draft,
// a PATCH, a small and a large attachment (the SDK's LargeFileUploadTask),
// send, sendMail, reply, forward, move and copy.
func TestMailCompose(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, mb := range e.mailboxes() {
		t.Run(mb.mode, func(t *testing.T) {
			other := sandbox.DemoCarol
			carol := mailbox{client: e.app, user: e.app.Users().ByUserId(sandbox.DemoCarol), mail: other, mode: "app-only"}
			subject := "Draft from " + mb.mode

			// Create a draft, then PATCH it.
			draft, err := mb.user.Messages().Post(ctx, newMessage(subject, "first version", other), nil)
			must(t, "create draft", err)
			id := deref(draft.GetId())
			if !deref(draft.GetIsDraft()) || deref(draft.GetSubject()) != subject || len(draft.GetToRecipients()) != 1 {
				t.Fatalf("draft: %+v", draft)
			}
			if name := deref(draft.GetToRecipients()[0].GetEmailAddress().GetName()); name == "" {
				t.Errorf("a recipient without a name comes back without one (Graph fills in the address)")
			}
			patch := models.NewMessage()
			patch.SetBody(textBody("second version"))
			imp := models.HIGH_IMPORTANCE
			patch.SetImportance(&imp)
			patched, err := mb.user.Messages().ByMessageId(id).Patch(ctx, patch, nil)
			must(t, "patch draft", err)
			if deref(patched.GetImportance()) != models.HIGH_IMPORTANCE || !strings.Contains(deref(patched.GetBody().GetContent()), "second version") {
				t.Fatalf("patched: importance %v body %q", patched.GetImportance(), deref(patched.GetBody().GetContent()))
			}
			if deref(patched.GetChangeKey()) == deref(draft.GetChangeKey()) {
				t.Errorf("PATCH kept the changeKey %q", deref(draft.GetChangeKey()))
			}

			// A small attachment inline.
			small := models.NewFileAttachment()
			small.SetName(ptr("notes.txt"))
			small.SetContentType(ptr("text/plain"))
			small.SetContentBytes([]byte("small attachment"))
			att, err := mb.user.Messages().ByMessageId(id).Attachments().Post(ctx, small, nil)
			must(t, "add small attachment", err)
			if deref(att.GetName()) != "notes.txt" || deref(att.GetSize()) == 0 {
				t.Fatalf("small attachment: %q size %d", deref(att.GetName()), deref(att.GetSize()))
			}

			// A large one through an upload session and the SDK's task.
			large := bytes.Repeat([]byte("0123456789abcdef"), 5<<20/16) // 5 MiB
			item := models.NewAttachmentItem()
			kind := models.FILE_ATTACHMENTTYPE
			item.SetAttachmentType(&kind)
			item.SetName(ptr("large.bin"))
			item.SetSize(ptr(int64(len(large))))
			item.SetContentType(ptr("application/octet-stream"))
			body := users.NewItemMessagesItemAttachmentsCreateUploadSessionPostRequestBody()
			body.SetAttachmentItem(item)
			session, err := mb.user.Messages().ByMessageId(id).Attachments().CreateUploadSession().Post(ctx, body, nil)
			must(t, "createUploadSession", err)
			if session.GetUploadUrl() == nil || len(session.GetNextExpectedRanges()) == 0 {
				t.Fatalf("upload session without url or ranges: %v %v", session.GetUploadUrl(), session.GetNextExpectedRanges())
			}
			f := tempFile(t, large)
			task := fileuploader.NewLargeFileUploadTask[models.FileAttachmentable](mb.client.GetAdapter(), session, f, 2<<20,
				models.CreateFileAttachmentFromDiscriminatorValue, nil)
			var progressed int64
			res := task.Upload(func(current, total int64) { progressed = current })
			if !res.GetUploadSucceeded() {
				for _, err := range res.GetResponseErrors() {
					t.Errorf("upload slice: %s", describe(err))
				}
				t.FailNow()
			}
			if progressed != int64(len(large))-1 || res.GetURI() == nil {
				t.Fatalf("upload ended at %d, location %v", progressed, res.GetURI())
			}
			atts, err := mb.user.Messages().ByMessageId(id).Attachments().Get(ctx, nil)
			must(t, "list attachments", err)
			sizes := map[string]int32{}
			for _, a := range atts.GetValue() {
				sizes[deref(a.GetName())] = deref(a.GetSize())
			}
			if len(sizes) != 2 || sizes["large.bin"] < int32(len(large)) {
				t.Fatalf("attachments after upload: %v", sizes)
			}

			// Send the draft; Carol gets it with both attachments.
			must(t, "send draft", mb.user.Messages().ByMessageId(id).Send().Post(ctx, nil))
			got := waitForMessage(t, ctx, carol, "inbox", subject)
			if !deref(got.GetHasAttachments()) || deref(got.GetImportance()) != models.HIGH_IMPORTANCE {
				t.Fatalf("Carol's copy: hasAttachments %v importance %v", got.GetHasAttachments(), got.GetImportance())
			}
			gotAtts, err := carol.user.Messages().ByMessageId(deref(got.GetId())).Attachments().Get(ctx, nil)
			must(t, "Carol's attachments", err)
			if len(gotAtts.GetValue()) != 2 {
				t.Fatalf("Carol got %d attachments", len(gotAtts.GetValue()))
			}
			for _, a := range gotAtts.GetValue() {
				if fa, ok := a.(models.FileAttachmentable); !ok || (deref(a.GetName()) == "notes.txt" && string(fa.GetContentBytes()) != "small attachment") {
					t.Fatalf("attachment %q is %T with %d bytes", deref(a.GetName()), a, len(contentBytes(a)))
				}
			}

			// sendMail, saved to Sent Items.
			sent := "sendMail from " + mb.mode
			req := users.NewItemSendMailPostRequestBody()
			req.SetMessage(newMessage(sent, "hello", other))
			req.SetSaveToSentItems(ptr(true))
			must(t, "sendMail", mb.user.SendMail().Post(ctx, req, nil))
			waitForMessage(t, ctx, mb, "sentitems", sent)
			inCarol := waitForMessage(t, ctx, carol, "inbox", sent)

			// Carol replies and forwards; the replies reach the sender.
			reply := users.NewItemMessagesItemReplyPostRequestBody()
			reply.SetComment(ptr("thanks"))
			must(t, "reply", carol.user.Messages().ByMessageId(deref(inCarol.GetId())).Reply().Post(ctx, reply, nil))
			back := waitForMessage(t, ctx, mb, "inbox", "RE: "+sent)
			if deref(back.GetConversationId()) == "" {
				t.Errorf("reply has no conversationId")
			}
			fwd := users.NewItemMessagesItemForwardPostRequestBody()
			fwd.SetComment(ptr("fyi"))
			fwd.SetToRecipients([]models.Recipientable{recipient(mb.mail)})
			must(t, "forward", carol.user.Messages().ByMessageId(deref(inCarol.GetId())).Forward().Post(ctx, fwd, nil))
			fwdMsg := waitForMessage(t, ctx, mb, "inbox", "FW: "+sent)

			// createReply gives a draft to edit.
			draftReply, err := mb.user.Messages().ByMessageId(deref(fwdMsg.GetId())).CreateReply().Post(ctx, users.NewItemMessagesItemCreateReplyPostRequestBody(), nil)
			must(t, "createReply", err)
			if !deref(draftReply.GetIsDraft()) || !strings.HasPrefix(deref(draftReply.GetSubject()), "RE: ") {
				t.Fatalf("createReply: draft %v subject %q", draftReply.GetIsDraft(), deref(draftReply.GetSubject()))
			}

			// Move to a new folder, then copy back.
			folder := models.NewMailFolder()
			folder.SetDisplayName(ptr("Filed " + mb.mode))
			created, err := mb.user.MailFolders().Post(ctx, folder, nil)
			must(t, "create folder", err)
			mv := users.NewItemMessagesItemMovePostRequestBody()
			mv.SetDestinationId(created.GetId())
			moved, err := mb.user.Messages().ByMessageId(deref(back.GetId())).Move().Post(ctx, mv, nil)
			must(t, "move", err)
			if deref(moved.GetParentFolderId()) != deref(created.GetId()) || deref(moved.GetId()) == deref(back.GetId()) {
				t.Fatalf("moved: folder %q (want %q), id kept: %v", deref(moved.GetParentFolderId()), deref(created.GetId()), deref(moved.GetId()) == deref(back.GetId()))
			}
			cp := users.NewItemMessagesItemCopyPostRequestBody()
			cp.SetDestinationId(ptr("inbox"))
			copied, err := mb.user.Messages().ByMessageId(deref(moved.GetId())).Copy().Post(ctx, cp, nil)
			must(t, "copy", err)
			if deref(copied.GetSubject()) != deref(moved.GetSubject()) || deref(copied.GetId()) == deref(moved.GetId()) {
				t.Fatalf("copy: %q id %q", deref(copied.GetSubject()), deref(copied.GetId()))
			}
			filed, err := mb.user.MailFolders().ByMailFolderId(deref(created.GetId())).Get(ctx, nil)
			must(t, "get folder", err)
			if deref(filed.GetTotalItemCount()) != 1 {
				t.Fatalf("folder holds %d items", deref(filed.GetTotalItemCount()))
			}

			// Delete the copy.
			must(t, "delete", mb.user.Messages().ByMessageId(deref(copied.GetId())).Delete(ctx, nil))
			_, err = mb.user.Messages().ByMessageId(deref(copied.GetId())).Get(ctx, nil)
			wantODataError(t, "get deleted", err, 404, "ErrorItemNotFound")
		})
	}
}

func contentBytes(a models.Attachmentable) []byte {
	if fa, ok := a.(models.FileAttachmentable); ok {
		return fa.GetContentBytes()
	}
	return nil
}

func tempFile(t *testing.T, data []byte) *os.File {
	t.Helper()
	path := filepath.Join(t.TempDir(), "upload")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestMailDelta syncs a folder with the SDK's delta builders: the first
// round through the PageIterator to its deltaLink, then the link followed
// with WithUrl after a change, as Microsoft's delta samples do.
func TestMailDelta(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, mb := range e.mailboxes() {
		t.Run(mb.mode, func(t *testing.T) {
			delta := mb.user.MailFolders().ByMailFolderId("inbox").Messages().Delta()
			headers := abstractions.NewRequestHeaders()
			headers.Add("Prefer", "odata.maxpagesize=2")
			first, err := delta.GetAsDeltaGetResponse(ctx, &users.ItemMailFoldersItemMessagesDeltaRequestBuilderGetRequestConfiguration{
				Headers:         headers,
				QueryParameters: &users.ItemMailFoldersItemMessagesDeltaRequestBuilderGetQueryParameters{Select: []string{"subject", "isRead"}}})
			must(t, "delta round 1", err)
			if len(first.GetValue()) != 2 || first.GetOdataNextLink() == nil {
				t.Fatalf("first delta page: %d items, nextLink %v", len(first.GetValue()), first.GetOdataNextLink())
			}
			it, err := msgraphcore.NewPageIterator[models.Messageable](first, mb.client.GetAdapter(), users.CreateItemMailFoldersItemMessagesDeltaGetResponseFromDiscriminatorValue)
			must(t, "delta iterator", err)
			it.SetHeaders(headers)
			n := 0
			must(t, "delta iterate", it.Iterate(ctx, func(models.Messageable) bool { n++; return true }))
			link := it.GetOdataDeltaLink()
			total, err := mb.user.MailFolders().ByMailFolderId("inbox").Messages().Count().Get(ctx, nil)
			must(t, "count", err)
			if link == nil || n != int(deref(total)) {
				t.Fatalf("delta round 1: %d items (inbox has %d), deltaLink %v", n, deref(total), link)
			}

			// A change: a new message arrives, one is read, one is deleted.
			subject := "delta arrival " + mb.mode
			req := users.NewItemSendMailPostRequestBody()
			req.SetMessage(newMessage(subject, "hi", mb.mail))
			must(t, "sendMail to self", mb.user.SendMail().Post(ctx, req, nil))
			arrived := waitForMessage(t, ctx, mb, "inbox", subject)
			page, err := mb.user.MailFolders().ByMailFolderId("inbox").Messages().Get(ctx, &users.ItemMailFoldersItemMessagesRequestBuilderGetRequestConfiguration{
				QueryParameters: &users.ItemMailFoldersItemMessagesRequestBuilderGetQueryParameters{Orderby: []string{"receivedDateTime"}, Top: ptr(int32(2))}})
			must(t, "oldest two", err)
			read := models.NewMessage()
			read.SetIsRead(ptr(true))
			_, err = mb.user.Messages().ByMessageId(deref(page.GetValue()[0].GetId())).Patch(ctx, read, nil)
			must(t, "mark read", err)
			gone := deref(page.GetValue()[1].GetId())
			must(t, "delete", mb.user.Messages().ByMessageId(gone).Delete(ctx, nil))

			second, err := delta.WithUrl(*link).GetAsDeltaGetResponse(ctx, nil)
			must(t, "delta round 2", err)
			it, err = msgraphcore.NewPageIterator[models.Messageable](second, mb.client.GetAdapter(), users.CreateItemMailFoldersItemMessagesDeltaGetResponseFromDiscriminatorValue)
			must(t, "delta iterator 2", err)
			changed := map[string]string{}
			must(t, "delta iterate 2", it.Iterate(ctx, func(m models.Messageable) bool {
				state := "changed"
				if removed, ok := m.GetAdditionalData()["@removed"]; ok && removed != nil {
					state = "removed"
				}
				changed[deref(m.GetId())] = state
				return true
			}))
			want := map[string]string{deref(arrived.GetId()): "changed", deref(page.GetValue()[0].GetId()): "changed", gone: "removed"}
			for id, state := range want {
				if changed[id] != state {
					t.Errorf("delta round 2: %s is %q, want %q (got %v)", id, changed[id], state, changed)
				}
			}
			if it.GetOdataDeltaLink() == nil {
				t.Fatalf("delta round 2 ends without a deltaLink")
			}
		})
	}
}

// TestMailSettings covers the mailbox's own configuration: folders, message
// rules, master categories, mailbox settings, mail tips and id translation.
func TestMailSettings(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, mb := range e.mailboxes() {
		t.Run(mb.mode, func(t *testing.T) {
			// Folders: list with $top and a child folder.
			folders, err := mb.user.MailFolders().Get(ctx, &users.ItemMailFoldersRequestBuilderGetRequestConfiguration{
				QueryParameters: &users.ItemMailFoldersRequestBuilderGetQueryParameters{Top: ptr(int32(50))}})
			must(t, "list folders", err)
			names := map[string]bool{}
			for _, f := range folders.GetValue() {
				names[deref(f.GetDisplayName())] = true
			}
			for _, want := range []string{"Inbox", "Drafts", "Sent Items", "Deleted Items"} {
				if !names[want] {
					t.Fatalf("folders %v lack %q", names, want)
				}
			}
			child := models.NewMailFolder()
			child.SetDisplayName(ptr("Projects"))
			sub, err := mb.user.MailFolders().ByMailFolderId("inbox").ChildFolders().Post(ctx, child, nil)
			must(t, "create child folder", err)
			inbox, err := mb.user.MailFolders().ByMailFolderId("inbox").Get(ctx, nil)
			must(t, "get inbox", err)
			if deref(sub.GetParentFolderId()) != deref(inbox.GetId()) || deref(inbox.GetChildFolderCount()) < 1 {
				t.Fatalf("child folder parent %q, inbox %q with %d children", deref(sub.GetParentFolderId()), deref(inbox.GetId()), deref(inbox.GetChildFolderCount()))
			}
			_, err = mb.user.MailFolders().ByMailFolderId("inbox").ChildFolders().Post(ctx, child, nil)
			wantODataError(t, "a second folder of the same name", err, 409, "ErrorFolderExists")

			// Message rules.
			rule := models.NewMessageRule()
			rule.SetDisplayName(ptr("From Dan to Projects"))
			rule.SetSequence(ptr(int32(2)))
			rule.SetIsEnabled(ptr(true))
			cond := models.NewMessageRulePredicates()
			cond.SetSenderContains([]string{"dan"})
			rule.SetConditions(cond)
			act := models.NewMessageRuleActions()
			act.SetMoveToFolder(sub.GetId())
			act.SetStopProcessingRules(ptr(true))
			rule.SetActions(act)
			createdRule, err := mb.user.MailFolders().ByMailFolderId("inbox").MessageRules().Post(ctx, rule, nil)
			must(t, "create rule", err)
			rules, err := mb.user.MailFolders().ByMailFolderId("inbox").MessageRules().Get(ctx, nil)
			must(t, "list rules", err)
			found := false
			for _, r := range rules.GetValue() {
				if deref(r.GetId()) == deref(createdRule.GetId()) {
					found = deref(r.GetActions().GetMoveToFolder()) == deref(sub.GetId())
				}
			}
			if !found {
				t.Fatalf("rule %s not listed with its action", deref(createdRule.GetId()))
			}

			// Master categories.
			cat := models.NewOutlookCategory()
			cat.SetDisplayName(ptr("Interop"))
			color := models.PRESET3_CATEGORYCOLOR
			cat.SetColor(&color)
			createdCat, err := mb.user.Outlook().MasterCategories().Post(ctx, cat, nil)
			must(t, "create category", err)
			if deref(createdCat.GetColor()) != models.PRESET3_CATEGORYCOLOR {
				t.Fatalf("category color %v", createdCat.GetColor())
			}
			cats, err := mb.user.Outlook().MasterCategories().Get(ctx, nil)
			must(t, "list categories", err)
			if len(cats.GetValue()) < 1 {
				t.Fatalf("no categories")
			}
			_, err = mb.user.Outlook().MasterCategories().Post(ctx, cat, nil)
			if err == nil {
				t.Fatalf("a second category of the same name was accepted")
			}

			// Mailbox settings: read, change the time zone and automatic replies.
			settings, err := mb.user.MailboxSettings().Get(ctx, nil)
			must(t, "get mailboxSettings", err)
			if settings.GetTimeZone() == nil || settings.GetWorkingHours() == nil {
				t.Fatalf("mailboxSettings lacks timeZone or workingHours")
			}
			upd := models.NewMailboxSettings()
			upd.SetTimeZone(ptr("Pacific Standard Time"))
			auto := models.NewAutomaticRepliesSetting()
			status := models.ALWAYSENABLED_AUTOMATICREPLIESSTATUS
			auto.SetStatus(&status)
			auto.SetInternalReplyMessage(ptr("Out until Monday"))
			upd.SetAutomaticRepliesSetting(auto)
			after, err := mb.user.MailboxSettings().Patch(ctx, upd, nil)
			must(t, "patch mailboxSettings", err)
			if deref(after.GetTimeZone()) != "Pacific Standard Time" || deref(after.GetAutomaticRepliesSetting().GetStatus()) != models.ALWAYSENABLED_AUTOMATICREPLIESSTATUS {
				t.Fatalf("after PATCH: zone %q auto-replies %v", deref(after.GetTimeZone()), after.GetAutomaticRepliesSetting().GetStatus())
			}

			// Mail tips for another user and for this (now away) mailbox.
			tips := users.NewItemGetMailTipsPostRequestBody()
			tips.SetEmailAddresses([]string{sandbox.DemoDan, mb.mail})
			kinds := models.MailTipsType(models.AUTOMATICREPLIES_MAILTIPSTYPE | models.MAILBOXFULLSTATUS_MAILTIPSTYPE | models.TOTALMEMBERCOUNT_MAILTIPSTYPE)
			tips.SetMailTipsOptions(&kinds)
			tipResp, err := mb.user.GetMailTips().PostAsGetMailTipsPostResponse(ctx, tips, nil)
			must(t, "getMailTips", err)
			if len(tipResp.GetValue()) != 2 {
				t.Fatalf("getMailTips: %d tips", len(tipResp.GetValue()))
			}
			self := tipResp.GetValue()[1]
			if !strings.EqualFold(deref(self.GetEmailAddress().GetAddress()), mb.mail) || self.GetAutomaticReplies() == nil ||
				deref(self.GetAutomaticReplies().GetMessage()) == "" {
				t.Fatalf("mail tip for %s: %+v", mb.mail, self.GetAutomaticReplies())
			}

			// translateExchangeIds: a message's REST id to an immutable one and back.
			page, err := mb.user.Messages().Get(ctx, &users.ItemMessagesRequestBuilderGetRequestConfiguration{
				QueryParameters: &users.ItemMessagesRequestBuilderGetQueryParameters{Top: ptr(int32(1)), Select: []string{"id"}}})
			must(t, "one message", err)
			rest := deref(page.GetValue()[0].GetId())
			tr := users.NewItemTranslateExchangeIdsPostRequestBody()
			tr.SetInputIds([]string{rest})
			src, dst := models.RESTID_EXCHANGEIDFORMAT, models.RESTIMMUTABLEENTRYID_EXCHANGEIDFORMAT
			tr.SetSourceIdType(&src)
			tr.SetTargetIdType(&dst)
			out, err := mb.user.TranslateExchangeIds().PostAsTranslateExchangeIdsPostResponse(ctx, tr, nil)
			must(t, "translateExchangeIds", err)
			if len(out.GetValue()) != 1 || deref(out.GetValue()[0].GetSourceId()) != rest || deref(out.GetValue()[0].GetTargetId()) == "" {
				t.Fatalf("translateExchangeIds: %v", out.GetValue())
			}
			immutable := deref(out.GetValue()[0].GetTargetId())
			h := abstractions.NewRequestHeaders()
			h.Add("Prefer", `IdType="ImmutableId"`)
			byImmutable, err := mb.user.Messages().ByMessageId(immutable).Get(ctx, &users.ItemMessagesMessageItemRequestBuilderGetRequestConfiguration{Headers: h})
			must(t, "get by immutable id", err)
			if deref(byImmutable.GetId()) != immutable {
				t.Fatalf("get by immutable id answered id %q", deref(byImmutable.GetId()))
			}
		})
	}
}

// TestMailDetails covers the rest of what programs commonly do with
// messages through the SDK: $search, the body-content-type preference,
// extended properties read with a filtered $expand, open extensions, the
// MIME content, $count segments and the folders' delta.
func TestMailDetails(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, mb := range e.mailboxes() {
		t.Run(mb.mode, func(t *testing.T) {
			subject := "Quarterly budget " + mb.mode
			draft := newMessage(subject, "The <b>numbers</b> are in.", sandbox.DemoCarol)
			html := models.HTML_BODYTYPE
			draft.GetBody().SetContentType(&html)
			const propID = "String {66f5a359-4659-4830-9070-00040ec6ac6e} Name Color"
			prop := models.NewSingleValueLegacyExtendedProperty()
			prop.SetId(ptr(propID))
			prop.SetValue(ptr("Green"))
			draft.SetSingleValueExtendedProperties([]models.SingleValueLegacyExtendedPropertyable{prop})
			created, err := mb.user.Messages().Post(ctx, draft, nil)
			must(t, "create draft", err)
			id := deref(created.GetId())

			// $search finds it (quoted, as the SDK's users quote it).
			search := `"budget"`
			found, err := mb.user.Messages().Get(ctx, &users.ItemMessagesRequestBuilderGetRequestConfiguration{
				QueryParameters: &users.ItemMessagesRequestBuilderGetQueryParameters{Search: &search, Select: []string{"subject"}}})
			must(t, "$search", err)
			ok := false
			for _, m := range found.GetValue() {
				ok = ok || deref(m.GetId()) == id
			}
			if !ok {
				t.Fatalf("$search %s does not find the draft", search)
			}

			// The body as text on request.
			h := abstractions.NewRequestHeaders()
			h.Add("Prefer", `outlook.body-content-type="text"`)
			asText, err := mb.user.Messages().ByMessageId(id).Get(ctx, &users.ItemMessagesMessageItemRequestBuilderGetRequestConfiguration{Headers: h})
			must(t, "get as text", err)
			if deref(asText.GetBody().GetContentType()) != models.TEXT_BODYTYPE || strings.Contains(deref(asText.GetBody().GetContent()), "<b>") {
				t.Fatalf("body as text: %v %q", asText.GetBody().GetContentType(), deref(asText.GetBody().GetContent()))
			}

			// The extended property through $expand with a $filter.
			withProp, err := mb.user.Messages().ByMessageId(id).Get(ctx, &users.ItemMessagesMessageItemRequestBuilderGetRequestConfiguration{
				QueryParameters: &users.ItemMessagesMessageItemRequestBuilderGetQueryParameters{
					Expand: []string{"singleValueExtendedProperties($filter=id eq '" + propID + "')"}}})
			must(t, "expand extended property", err)
			if props := withProp.GetSingleValueExtendedProperties(); len(props) != 1 || deref(props[0].GetValue()) != "Green" {
				t.Fatalf("extended properties: %v", props)
			}

			// An open extension.
			ext := models.NewOpenTypeExtension()
			ext.SetExtensionName(ptr("com.contoso.tracking"))
			ext.SetAdditionalData(map[string]any{"ticket": "T-42"})
			_, err = mb.user.Messages().ByMessageId(id).Extensions().Post(ctx, ext, nil)
			must(t, "create extension", err)
			exts, err := mb.user.Messages().ByMessageId(id).Extensions().Get(ctx, nil)
			must(t, "list extensions", err)
			if len(exts.GetValue()) != 1 {
				t.Fatalf("%d extensions", len(exts.GetValue()))
			}
			if oe, ok := exts.GetValue()[0].(models.OpenTypeExtensionable); !ok || deref(oe.GetExtensionName()) != "com.contoso.tracking" {
				t.Fatalf("extension decoded as %T", exts.GetValue()[0])
			}

			// MIME content.
			mime, err := mb.user.Messages().ByMessageId(id).Content().Get(ctx, nil)
			must(t, "$value", err)
			if !bytes.Contains(mime, []byte("Subject: "+subject)) {
				t.Fatalf("MIME lacks the subject:\n%.400s", mime)
			}

			// $count segments of the collections the SDK offers one for.
			counts := map[string]func() (*int32, error){
				"messages/$count":    func() (*int32, error) { return mb.user.Messages().Count().Get(ctx, nil) },
				"mailFolders/$count": func() (*int32, error) { return mb.user.MailFolders().Count().Get(ctx, nil) },
				"drafts/messages/$count": func() (*int32, error) {
					return mb.user.MailFolders().ByMailFolderId("drafts").Messages().Count().Get(ctx, nil)
				},
				"inbox/childFolders/$count": func() (*int32, error) {
					return mb.user.MailFolders().ByMailFolderId("inbox").ChildFolders().Count().Get(ctx, nil)
				},
				"messages/{id}/extensions/$count": func() (*int32, error) { return mb.user.Messages().ByMessageId(id).Extensions().Count().Get(ctx, nil) },
				"masterCategories/$count":         func() (*int32, error) { return mb.user.Outlook().MasterCategories().Count().Get(ctx, nil) },
				"inbox/messageRules/$count": func() (*int32, error) {
					return mb.user.MailFolders().ByMailFolderId("inbox").MessageRules().Count().Get(ctx, nil)
				},
			}
			for name, get := range counts {
				n, err := get()
				must(t, name, err)
				if n == nil || *n < 0 {
					t.Fatalf("%s: %v", name, n)
				}
			}
			drafts, err := mb.user.MailFolders().ByMailFolderId("drafts").Get(ctx, nil)
			must(t, "drafts", err)
			n, _ := counts["drafts/messages/$count"]()
			if deref(n) != deref(drafts.GetTotalItemCount()) || deref(n) < 1 {
				t.Fatalf("drafts/messages/$count %d, totalItemCount %d", deref(n), deref(drafts.GetTotalItemCount()))
			}

			// The folders' delta, to its deltaLink.
			fd, err := mb.user.MailFolders().Delta().GetAsDeltaGetResponse(ctx, nil)
			must(t, "mailFolders delta", err)
			fit, err := msgraphcore.NewPageIterator[models.MailFolderable](fd, mb.client.GetAdapter(), users.CreateItemMailFoldersDeltaGetResponseFromDiscriminatorValue)
			must(t, "folders delta iterator", err)
			nf := 0
			must(t, "folders delta iterate", fit.Iterate(ctx, func(models.MailFolderable) bool { nf++; return true }))
			if nf < 5 || fit.GetOdataDeltaLink() == nil {
				t.Fatalf("mailFolders delta: %d folders, deltaLink %v", nf, fit.GetOdataDeltaLink())
			}

			// Supported time zones, in both standards.
			zones, err := mb.user.Outlook().SupportedTimeZones().GetAsSupportedTimeZonesGetResponse(ctx, nil)
			must(t, "supportedTimeZones", err)
			iana, err := mb.user.Outlook().SupportedTimeZonesWithTimeZoneStandard(ptr("Iana")).GetAsSupportedTimeZonesWithTimeZoneStandardGetResponse(ctx, nil)
			must(t, "supportedTimeZones(Iana)", err)
			if len(zones.GetValue()) < 100 || len(iana.GetValue()) < 100 || !strings.Contains(deref(iana.GetValue()[0].GetAlias()), "/") {
				t.Fatalf("time zones: %d windows, %d iana (first %q)", len(zones.GetValue()), len(iana.GetValue()), deref(iana.GetValue()[0].GetAlias()))
			}
		})
	}
}
