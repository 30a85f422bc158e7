package sandbox

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"
)

// seedMail gives each demo person a mailbox with a few deterministic
// messages, plus SeedSize.MessagesPerInbox generated ones in each inbox.
func seedMail(ctx context.Context, tx *txn, sd *seedContext) error {
	people := sd.Users
	if len(people) > len(demoPeople) {
		people = people[:len(demoPeople)]
	}
	if len(people) == 0 {
		return nil
	}
	for _, u := range people {
		if err := ensureMailbox(ctx, tx, u.ID, sd.Epoch); err != nil {
			return err
		}
	}
	samples := []struct{ subject, body string }{
		{"Welcome to Contoso", "<p>Welcome aboard! Your mailbox is ready.</p>"},
		{"Quarterly report", "<p>The quarterly numbers are in the shared drive. Please review before Friday.</p>"},
		{"Lunch on Friday?", "<p>Are you free for lunch on Friday at noon?</p>"},
	}
	for ui, u := range people {
		inbox := wellKnownID(u.ID, "inbox")
		n := len(samples) + sd.Size.MessagesPerInbox
		for i := 0; i < n; i++ {
			from := people[(ui+1+i%(len(people)-1+1))%len(people)]
			if from.ID == u.ID {
				from = people[(ui+1)%len(people)]
			}
			subject, body := fmt.Sprintf("Generated message %d", i-len(samples)+1), fmt.Sprintf("<p>Message number %d for %s.</p>", i-len(samples)+1, u.DisplayName)
			if i < len(samples) {
				subject, body = samples[i].subject, samples[i].body
			}
			at := sd.Epoch.Add(-time.Duration(i) * time.Minute)
			doc := newMessageDoc(map[string]any{
				"subject":      subject,
				"body":         map[string]any{"contentType": "html", "content": body},
				"toRecipients": []any{recipientOf(u)},
			}, at, sd.Domain)
			id := seedID("mail", u.ID, "message", fmt.Sprint(i))
			doc["from"] = recipientOf(from)
			doc["sender"] = recipientOf(from)
			doc["isDraft"] = false
			doc["isRead"] = i%3 == 0
			doc["sentDateTime"] = isoTime(at)
			doc["receivedDateTime"] = isoTime(at)
			doc["changeKey"] = seedID("mail", u.ID, "changeKey", fmt.Sprint(i))
			doc["conversationId"] = seedID("mail", u.ID, "conversation", fmt.Sprint(i))
			doc["internetMessageId"] = "<" + id + "@" + sd.Domain + ">"
			doc["parentFolderId"] = inbox
			o := &object{Collection: collMessages, Owner: u.ID, ID: id, Parent: inbox, Created: at, Data: doc}
			o.Sort = at.UTC().Format(sortTimeLayout)
			if err := tx.put(ctx, o); err != nil {
				return err
			}
			if i == 1 { // the quarterly report comes with its numbers
				csv := "quarter,revenue\nq1,38\nq2,40\nq3,42\n"
				if _, err := putAttachmentWithID(ctx, tx, u.ID, o, map[string]any{
					"@odata.type": typeFileAttachment, "name": "q3.csv", "contentType": "text/csv",
					"contentBytes": base64.StdEncoding.EncodeToString([]byte(csv)),
				}, at, seedID("mail", u.ID, "attachment", "q3")); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
