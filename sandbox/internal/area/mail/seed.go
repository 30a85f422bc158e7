package mail

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
)

// seedBatch is how many generated messages seedMail builds before storing
// them with putAll, which bounds its memory whatever the seed size.
const seedBatch = 1000

// seedSamples are the messages every demo mailbox starts with, newest first.
var seedSamples = []struct{ subject, body string }{
	{"Welcome to Contoso", "<p>Welcome aboard! Your mailbox is ready.</p>"},
	{"Quarterly report", "<p>The quarterly numbers are in the shared drive. Please review before Friday.</p>"},
	{"Lunch on Friday?", "<p>Are you free for lunch on Friday at noon?</p>"},
}

// knobMessagesPerInbox is the mail area's size knob.
const knobMessagesPerInbox = "mail.messagesPerInbox"

// seedMail gives each demo person a mailbox with the sample messages, and
// the demo user (Alice, the first of them) knobMessagesPerInbox generated
// ones more in her inbox: one big folder, for benchmarks.
func seedMail(ctx context.Context, tx *core.Tx, sd *core.SeedContext) error {
	var people []*core.User
	for _, p := range demo.People() {
		upn := p.UPN(sd.Domain)
		people = append(people, &core.User{ID: p.ID, UPN: upn, Mail: upn, DisplayName: p.DisplayName()})
	}
	for _, u := range people {
		if err := mailboxFolders.Ensure(ctx, tx, u.ID, sd.Epoch); err != nil {
			return err
		}
	}
	for _, g := range demoGrants() {
		if err := core.PutGrant(ctx, tx, g); err != nil {
			return err
		}
	}
	if err := tx.KVPut(ctx, customTipKey(demo.SharedID), []byte("This is the team's shared mailbox: everyone on the team reads what you send."), time.Time{}); err != nil {
		return err
	}
	for ui := range people {
		for i := range seedSamples {
			o := seedMessage(sd, people, ui, i)
			if err := tx.Put(ctx, o); err != nil {
				return err
			}
			if i == 1 { // the quarterly report comes with its numbers
				csv := "quarter,revenue\nq1,38\nq2,40\nq3,42\n"
				changeKey := o.Data["changeKey"]
				if _, err := messageAttachments.Put(ctx, tx, o, map[string]any{
					"@odata.type": core.TypeFileAttachment, "name": "q3.csv", "contentType": "text/csv",
					"contentBytes": base64.StdEncoding.EncodeToString([]byte(csv)),
				}, o.Created, core.SeedAttachmentID(o.ID, "q3")); err != nil {
					return err
				}
				o.Data["changeKey"] = changeKey // the seed stays the same on every run
				if err := tx.Put(ctx, o); err != nil {
					return err
				}
			}
		}
		if ui == 0 {
			if err := seedInbox(ctx, tx, sd, people); err != nil {
				return err
			}
		}
	}
	return nil
}

// demoGrants are the demo tenant's mailbox permissions (see demo.Shared and
// demo.Bob): Alice has full access to the shared mailbox and sends as it;
// Bob has made her his delegate with full access to his mailbox, sending
// on his behalf.
func demoGrants() []core.Grant {
	return []core.Grant{
		{Mailbox: demo.SharedID, Grantee: demo.UserID, Right: core.FullAccess},
		{Mailbox: demo.SharedID, Grantee: demo.UserID, Right: core.SendAs},
		{Mailbox: demo.BobID, Grantee: demo.UserID, Right: core.Delegate},
		{Mailbox: demo.BobID, Grantee: demo.UserID, Right: core.FullAccess},
		{Mailbox: demo.BobID, Grantee: demo.UserID, Right: core.SendOnBehalf},
	}
}

// seedInbox adds knobMessagesPerInbox generated messages to the inbox
// of people[0], in batches built on another goroutine while the previous
// one is stored.
func seedInbox(ctx context.Context, tx *core.Tx, sd *core.SeedContext, people []*core.User) error {
	batches := make(chan []*core.Object, 1)
	done := make(chan struct{})
	defer close(done)
	go func() {
		defer close(batches)
		n := len(seedSamples) + sd.Size(knobMessagesPerInbox)
		for start := len(seedSamples); start < n; start += seedBatch {
			batch := make([]*core.Object, 0, min(seedBatch, n-start))
			for i := start; i < start+cap(batch); i++ {
				batch = append(batch, seedMessage(sd, people, 0, i))
			}
			select {
			case batches <- batch:
			case <-done:
				return
			}
		}
	}()
	for batch := range batches {
		if err := tx.PutAll(ctx, batch); err != nil {
			return err
		}
	}
	return nil
}

// seedMessage is message i (0 the newest) of the inbox of people[ui]: a
// sample, then generated ones a minute apart, all deterministic.
func seedMessage(sd *core.SeedContext, people []*core.User, ui, i int) *core.Object {
	u := people[ui]
	from := people[(ui+1+i%(len(people)-1+1))%len(people)]
	if from.ID == u.ID {
		from = people[(ui+1)%len(people)]
	}
	subject, body := fmt.Sprintf("Generated message %d", i-len(seedSamples)+1), fmt.Sprintf("<p>Message number %d for %s.</p>", i-len(seedSamples)+1, u.DisplayName)
	if i < len(seedSamples) {
		subject, body = seedSamples[i].subject, seedSamples[i].body
	}
	at := sd.Epoch.Add(-time.Duration(i) * time.Minute)
	inbox := wellKnownID(u.ID, "inbox")
	doc := newMessageDoc(map[string]any{
		"subject":      subject,
		"body":         map[string]any{"contentType": "html", "content": body},
		"toRecipients": []any{recipientOf(u)},
	}, at, sd.Domain, u.ID)
	id := core.SeedItemID(u.ID, "mail", "message", fmt.Sprint(i))
	doc["from"] = recipientOf(from)
	doc["sender"] = recipientOf(from)
	doc["isDraft"] = false
	doc["isRead"] = i%3 == 0
	doc["changeKey"] = core.SeedChangeKey("mail", u.ID, fmt.Sprint(i))
	index := core.SeedConversationIndex(at, "mail", u.ID, fmt.Sprint(i))
	doc["conversationIndex"] = index
	doc["conversationId"] = core.ConversationID(u.ID, index)
	doc["internetMessageId"] = "<" + core.SeedID("mail", u.ID, "message", fmt.Sprint(i)) + "@" + sd.Domain + ">"
	doc["parentFolderId"] = inbox
	return &core.Object{Collection: collMessages, Owner: u.ID, ID: id, Parent: inbox, Created: at, Data: doc,
		Sort: core.SortKey(at)}
}
