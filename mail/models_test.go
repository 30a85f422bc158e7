package mail_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/o365go/o365/internal/modeltest"
	"github.com/o365go/o365/mail"
	"github.com/o365go/o365/sandbox"
)

func TestModels(t *testing.T) {
	modeltest.Check(t, modeltest.Model{
		New:   func() any { return new(mail.Message) },
		Types: []string{"message", "eventMessage", "eventMessageRequest", "eventMessageResponse"},
	})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(mail.Folder) }, Types: []string{"mailFolder"}})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(mail.MailboxSettings) }, Types: []string{"mailboxSettings"}})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(mail.Rule) }, Types: []string{"messageRule"}})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(mail.MailTips) }, Types: []string{"mailTips"}})
}

// TestJSONKeepsWhatTheServiceSent lists the seeded inbox on both protocols
// and encodes the messages as a program printing --json would: false, 0 and
// the annotations the service sent are all there, in camelCase.
func TestJSONKeepsWhatTheServiceSent(t *testing.T) {
	for _, proto := range []string{graph, office365} {
		t.Run(proto, func(t *testing.T) {
			srv := newSandbox(t)
			ctx := ctxT(t)
			mb := mailbox(t, srv, proto, sandbox.DemoUser)
			msgs := collect(t, mb.Inbox().ListMessages(ctx, nil))
			unread := 0
			for _, m := range msgs {
				out, err := json.Marshal(m)
				must(t, err)
				var doc map[string]any
				must(t, json.Unmarshal(out, &doc))
				if m.IsRead {
					continue
				}
				unread++
				if v, ok := doc["isRead"]; !ok || v != false {
					t.Fatalf("an unread message encodes isRead as %v: %s", v, out)
				}
				if _, ok := doc["hasAttachments"]; !ok {
					t.Fatalf("hasAttachments:false is missing: %s", out)
				}
				for k := range doc {
					if k[0] >= 'A' && k[0] <= 'Z' {
						t.Fatalf("key %q is not camelCase: %s", k, out)
					}
				}
			}
			if unread == 0 {
				t.Fatal("the seeded inbox has no unread message to check")
			}
			folders := collect(t, mb.ListFolders(ctx, nil, nil))
			for _, f := range folders {
				if f.UnreadItemCount != 0 {
					continue
				}
				out, err := json.Marshal(f)
				must(t, err)
				if !strings.Contains(string(out), `"unreadItemCount":0`) {
					t.Fatalf("unreadItemCount:0 is missing: %s", out)
				}
				return
			}
			t.Fatal("no folder without unread mail")
		})
	}
}

func TestGraphLinks(t *testing.T) { modeltest.CheckGraphLinks(t, ".") }
