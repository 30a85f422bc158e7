package mail_test

import (
	"testing"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

// TestMailboxPermissionMatrix checks Exchange's rules between users for
// delegated and application tokens on the demo tenant's mailboxes: Alice's
// own, Bob's (Alice is his delegate: full access, send on behalf), Carol's
// (her Inbox shared with Alice as reviewer, granted here), Dan's (nothing
// shared) and the shared mailbox (full access, send as); for reading a
// folder, reading the whole mailbox, writing and sending.
func TestMailboxPermissionMatrix(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	ts.Grant(t, core.Grant{Mailbox: demo.CarolID, Grantee: demo.UserID, Folder: "inbox", Role: "reviewer"})
	alice, app := ts.AliceToken(t), ts.AppToken(t)
	const readerID, readerSecret = "0f0f0f0f-1111-4222-8333-444444444444", "reader-secret"
	ts.RegisterApp(t, core.App{ClientID: readerID, Secrets: []string{readerSecret}, AppRoles: []string{"Mail.Read"}})
	reader := ts.AppTokenFor(t, readerID, readerSecret)
	// A message in each mailbox's inbox to read, change and move.
	inboxMessage := map[string]string{}
	for _, login := range []string{demo.User, demo.Bob, demo.Carol, demo.Dan, demo.Shared} {
		r := ts.Do(t, app, "GET", "/v1.0/users/"+login+"/mailFolders/inbox/messages?$top=1&$select=id", nil).WantStatus(t, 200)
		inboxMessage[login] = sandboxtest.Values(t, r)[0]["id"].(string)
	}
	type ops struct{ read, readAll, write, send int }
	allowed := ops{200, 200, 200, 202}
	cases := []struct {
		token, name, mailbox string
		want                 ops
	}{
		{alice, "delegated own", demo.User, allowed},
		{alice, "delegated granted (delegate: full access, send on behalf)", demo.Bob, allowed},
		{alice, "delegated granted folder (inbox reviewer)", demo.Carol, ops{200, 403, 403, 403}},
		{alice, "delegated ungranted", demo.Dan, ops{403, 403, 403, 403}},
		{alice, "delegated shared mailbox (full access, send as)", demo.Shared, allowed},
		{app, "application on Alice", demo.User, allowed},
		{app, "application on Bob", demo.Bob, allowed},
		{app, "application on Dan", demo.Dan, allowed},
		{app, "application on the shared mailbox", demo.Shared, allowed},
		{reader, "application with Mail.Read only", demo.Dan, ops{200, 200, 403, 403}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := "/v1.0/users/" + c.mailbox
			msg := inboxMessage[c.mailbox]
			got := ops{
				read:    ts.Do(t, c.token, "GET", base+"/mailFolders/inbox/messages/"+msg+"?$select=subject", nil).Status,
				readAll: ts.Do(t, c.token, "GET", base+"/messages?$top=1", nil).Status,
				write:   ts.Do(t, c.token, "PATCH", base+"/messages/"+msg, map[string]any{"categories": []any{"Blue category"}}).Status,
				send: ts.Do(t, c.token, "POST", base+"/sendMail", map[string]any{"message": map[string]any{
					"subject": "matrix " + c.name, "toRecipients": []any{mailRecipient(demo.Carol)}}}).Status,
			}
			if got != c.want {
				t.Fatalf("read, read all, write, send = %v, want %v", got, c.want)
			}
		})
	}
	// What Carol received: from the mailbox each time; the sender is Alice
	// only where she sent on Bob's behalf.
	carol := ts.UserToken(t, demo.PublicClientID, demo.Carol)
	for _, c := range []struct{ name, from, sender string }{
		{"delegated own", demo.User, demo.User},
		{"delegated granted (delegate: full access, send on behalf)", demo.Bob, demo.User},
		{"delegated shared mailbox (full access, send as)", demo.Shared, demo.Shared},
		{"application on Bob", demo.Bob, demo.Bob},
	} {
		got := findBySubject(t, ts, carol, "inbox", "matrix "+c.name)
		if len(got) != 1 || mailAddr(got[0]["from"]) != c.from || mailAddr(got[0]["sender"]) != c.sender {
			t.Errorf("%s: Carol got %v", c.name, got)
		}
	}
	for _, name := range []string{"delegated ungranted", "delegated granted folder (inbox reviewer)"} {
		if n := len(findBySubject(t, ts, carol, "inbox", "matrix "+name)); n != 0 {
			t.Errorf("%s: refused send delivered %d", name, n)
		}
	}
}

func mailAddr(r any) string {
	m, _ := r.(map[string]any)
	e, _ := m["emailAddress"].(map[string]any)
	s, _ := e["address"].(string)
	return s
}

// TestMailboxFolderPermissions checks folder-level grants: what a grantee
// sees of the mailbox, Exchange's roles, and own items.
func TestMailboxFolderPermissions(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	// Dan shares his Inbox with Alice as reviewer: only it is visible.
	ts.Grant(t, core.Grant{Mailbox: demo.DanID, Grantee: demo.UserID, Folder: "inbox", Role: "reviewer"})
	dan := "/v1.0/users/" + demo.Dan
	r := ts.Do(t, alice, "GET", dan+"/mailFolders", nil).WantStatus(t, 200)
	if f := sandboxtest.Values(t, r); len(f) != 1 || f[0]["displayName"] != "Inbox" {
		t.Fatalf("Dan's folders as Alice sees them: %s", r.Raw)
	}
	ts.Do(t, alice, "GET", dan+"/mailFolders/inbox", nil).WantStatus(t, 200)
	ts.Do(t, alice, "GET", dan+"/mailFolders/sentitems", nil).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, alice, "GET", dan+"/mailFolders/sentitems/messages", nil).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, alice, "GET", dan+"/mailFolders/inbox/messages/delta", nil).WantStatus(t, 200)
	// A reviewer neither writes, creates, moves nor deletes.
	msgs := sandboxtest.Values(t, ts.Do(t, alice, "GET", dan+"/mailFolders/inbox/messages?$select=id", nil).WantStatus(t, 200))
	id := msgs[0]["id"].(string)
	ts.Do(t, alice, "POST", dan+"/messages", map[string]any{"subject": "draft"}).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, alice, "POST", dan+"/mailFolders/inbox/messages", map[string]any{"subject": "draft"}).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, alice, "POST", dan+"/messages/"+id+"/move", map[string]any{"destinationId": "archive"}).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, alice, "DELETE", dan+"/messages/"+id, nil).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, alice, "POST", dan+"/mailFolders/inbox/childFolders", map[string]any{"displayName": "x"}).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, alice, "GET", dan+"/messages/"+id+"/attachments", nil).WantStatus(t, 200)
	ts.Do(t, alice, "POST", dan+"/messages/"+id+"/attachments", map[string]any{"@odata.type": "#microsoft.graph.fileAttachment",
		"name": "a.txt", "contentBytes": "YQ=="}).WantError(t, 403, "ErrorAccessDenied")
	// Replying in his name needs a place for the draft: his Drafts.
	ts.Do(t, alice, "POST", dan+"/messages/"+id+"/createReply", nil).WantError(t, 403, "ErrorAccessDenied")
	// Carol makes Alice an author of her Inbox: she adds items and changes
	// her own, not Carol's.
	ts.Grant(t, core.Grant{Mailbox: demo.CarolID, Grantee: demo.UserID, Folder: "inbox", Role: "author"})
	carol := "/v1.0/users/" + demo.Carol
	own := ts.Do(t, alice, "POST", carol+"/mailFolders/inbox/messages", map[string]any{"subject": "note from Alice"}).WantStatus(t, 201).JSON["id"].(string)
	ts.Do(t, alice, "PATCH", carol+"/messages/"+own, map[string]any{"subject": "edited"}).WantStatus(t, 200)
	theirs := sandboxtest.Values(t, ts.Do(t, alice, "GET", carol+"/mailFolders/inbox/messages?$filter=subject eq 'Welcome to Contoso'", nil).WantStatus(t, 200))[0]["id"].(string)
	ts.Do(t, alice, "PATCH", carol+"/messages/"+theirs, map[string]any{"isRead": true}).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, alice, "DELETE", carol+"/messages/"+theirs, nil).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, alice, "DELETE", carol+"/messages/"+own, nil).WantStatus(t, 204)
	// Sending from Carol's mailbox still needs send rights.
	ts.Do(t, alice, "POST", carol+"/sendMail", map[string]any{"message": map[string]any{"subject": "x", "toRecipients": []any{mailRecipient(demo.Dan)}}}).
		WantError(t, 403, "ErrorAccessDenied")
	// Editor: everything on items; revoking takes it back.
	editor := core.Grant{Mailbox: demo.CarolID, Grantee: demo.UserID, Folder: "inbox", Role: "editor"}
	ts.Grant(t, editor)
	ts.Do(t, alice, "PATCH", carol+"/messages/"+theirs, map[string]any{"isRead": true}).WantStatus(t, 200)
	ts.Revoke(t, editor)
	ts.Do(t, alice, "GET", carol+"/mailFolders/inbox/messages", nil).WantError(t, 403, "ErrorAccessDenied")
	// Subscribing to another mailbox follows the same rules.
	rc := sandboxtest.NewReceiver(t, true)
	sub := func(resource string) *sandboxtest.Response {
		return ts.Do(t, alice, "POST", "/v1.0/subscriptions", map[string]any{"changeType": "created", "notificationUrl": rc.URL,
			"resource": resource, "expirationDateTime": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)})
	}
	sub("users/"+demo.Carol+"/mailFolders/inbox/messages").WantError(t, 403, "ErrorAccessDenied")
	sub("users/"+demo.Dan+"/messages").WantError(t, 403, "ErrorAccessDenied")
	sub("users/"+demo.Dan+"/mailFolders/inbox/messages").WantStatus(t, 201)
}

// TestSendAs checks who may put another address in From, for delegated and
// application tokens: 403 ErrorSendAsDenied without send as or send on
// behalf on that address's mailbox.
func TestSendAs(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice, app := ts.AliceToken(t), ts.AppToken(t)
	send := func(tok, path, subject, from string) *sandboxtest.Response {
		return ts.Do(t, tok, "POST", path, map[string]any{"message": map[string]any{"subject": subject,
			"from": mailRecipient(from), "toRecipients": []any{mailRecipient(demo.Dan)}}})
	}
	send(alice, "/v1.0/me/sendMail", "as Carol", demo.Carol).WantError(t, 403, "ErrorSendAsDenied")
	send(alice, "/v1.0/me/sendMail", "as outsider", "ceo@example.com").WantError(t, 403, "ErrorSendAsDenied")
	send(app, "/v1.0/users/"+demo.User+"/sendMail", "app as Carol", demo.Carol).WantError(t, 403, "ErrorSendAsDenied")
	send(alice, "/v1.0/me/sendMail", "on behalf of Bob", demo.Bob).WantStatus(t, 202)
	send(alice, "/v1.0/me/sendMail", "as the team", demo.Shared).WantStatus(t, 202)
	send(app, "/v1.0/users/"+demo.User+"/sendMail", "app on behalf of Bob", demo.Bob).WantStatus(t, 202)
	// A draft sent later is checked when it is sent.
	d := ts.Do(t, alice, "POST", "/v1.0/me/messages", map[string]any{"subject": "draft as Carol", "from": mailRecipient(demo.Carol),
		"toRecipients": []any{mailRecipient(demo.Dan)}}).WantStatus(t, 201)
	ts.Do(t, alice, "POST", "/v1.0/me/messages/"+d.JSON["id"].(string)+"/send", nil).WantError(t, 403, "ErrorSendAsDenied")
	dan := ts.UserToken(t, demo.PublicClientID, demo.Dan)
	for subject, want := range map[string][2]string{
		"on behalf of Bob":     {demo.Bob, demo.User},
		"as the team":          {demo.Shared, demo.Shared},
		"app on behalf of Bob": {demo.Bob, demo.User},
		"as Carol":             {},
		"draft as Carol":       {},
	} {
		got := findBySubject(t, ts, dan, "inbox", subject)
		if want[0] == "" {
			if len(got) != 0 {
				t.Errorf("%s: refused but delivered", subject)
			}
			continue
		}
		if len(got) != 1 || mailAddr(got[0]["from"]) != want[0] || mailAddr(got[0]["sender"]) != want[1] {
			t.Errorf("%s: Dan got %v", subject, got)
		}
	}
}
