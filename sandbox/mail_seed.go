package sandbox

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"
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

// seedMail gives each demo person a mailbox with the sample messages, and
// the demo user (Alice, sd.Users[0]) SeedSize.MessagesPerInbox generated
// ones more in her inbox: one big folder, for benchmarks.
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
	for ui, u := range people {
		for i := range seedSamples {
			o := seedMessage(sd, people, ui, i)
			if err := tx.put(ctx, o); err != nil {
				return err
			}
			if i == 1 { // the quarterly report comes with its numbers
				csv := "quarter,revenue\nq1,38\nq2,40\nq3,42\n"
				if _, err := putAttachmentWithID(ctx, tx, u.ID, o, map[string]any{
					"@odata.type": typeFileAttachment, "name": "q3.csv", "contentType": "text/csv",
					"contentBytes": base64.StdEncoding.EncodeToString([]byte(csv)),
				}, o.Created, seedID("mail", u.ID, "attachment", "q3")); err != nil {
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

// seedInbox adds SeedSize.MessagesPerInbox generated messages to the inbox
// of people[0], in batches built on another goroutine while the previous
// one is stored.
func seedInbox(ctx context.Context, tx *txn, sd *seedContext, people []*dirUser) error {
	batches := make(chan []*object, 1)
	done := make(chan struct{})
	defer close(done)
	go func() {
		defer close(batches)
		n := len(seedSamples) + sd.Size.MessagesPerInbox
		for start := len(seedSamples); start < n; start += seedBatch {
			batch := make([]*object, 0, min(seedBatch, n-start))
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
		if err := tx.putAll(ctx, batch); err != nil {
			return err
		}
	}
	return nil
}

// seedMessage is message i (0 the newest) of the inbox of people[ui]: a
// sample, then generated ones a minute apart, all deterministic.
func seedMessage(sd *seedContext, people []*dirUser, ui, i int) *object {
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
	return &object{Collection: collMessages, Owner: u.ID, ID: id, Parent: inbox, Created: at, Data: doc,
		Sort: at.UTC().Format(sortTimeLayout)}
}
