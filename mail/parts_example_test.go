package mail_test

import (
	"context"
	"fmt"
	"log"

	"github.com/o365go/o365"
	"github.com/o365go/o365/mail"
	"github.com/o365go/o365/outlook"
	"github.com/o365go/o365/sandbox"
)

// A nightly job that may be run again after a failure sends its report once:
// the key names the message across runs.
func ExampleMessage_Send_rerun() {
	acct, done := demo(sandbox.DemoUser)
	defer done()
	ctx := context.Background()

	for run := 1; run <= 2; run++ {
		msg := mail.New(acct).NewMessage()
		msg.Subject = "Nightly report"
		msg.SetText("All green.")
		_ = msg.AddTo("bob@contoso.onmicrosoft.com")
		if err := msg.Send(ctx, &mail.SendOptions{ClientID: "nightly-2026-01-05"}); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("run %d: already sent %v\n", run, msg.AlreadySent())
	}
	// Output:
	// run 1: already sent false
	// run 2: already sent true
}

// File mail about invoices into a folder, unless it is an automatic reply.
func ExampleRule_Save() {
	acct, done := demo(sandbox.DemoUser)
	defer done()
	ctx := context.Background()
	mb := mail.New(acct)

	archive, err := mb.GetFolder(ctx, mail.Archive, nil)
	if err != nil {
		log.Fatal(err)
	}
	r := mb.NewRule("Invoices")
	r.Conditions.SubjectContains = []string{"invoice"}
	r.Exceptions.IsAutomaticReply = true
	r.Actions.MoveToFolder = archive.ID
	r.Actions.MarkAsRead = true
	if err := r.Save(ctx); err != nil {
		log.Fatal(err)
	}
	for rule, err := range mb.ListRules(ctx, nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(rule.Sequence, rule.DisplayName, rule.IsEnabled)
	}
	// Output: 1 Invoices true
}

// Colour-code mail: a category in the master list, then on a message.
func ExampleMailbox_CreateCategory() {
	acct, done := demo(sandbox.DemoUser)
	defer done()
	ctx := context.Background()
	mb := mail.New(acct)

	c, err := mb.CreateCategory(ctx, "Project Apollo", outlook.CategoryTeal)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.DisplayName, outlook.CategoryColorName(c.Color))
	for msg, err := range mb.Inbox().ListMessages(ctx, o365.NewQuery().Top(1).Limit(1)) {
		if err != nil {
			log.Fatal(err)
		}
		msg.AddCategory(c.DisplayName)
		if err := msg.Save(ctx); err != nil {
			log.Fatal(err)
		}
	}
	// Output: Project Apollo teal
}

// Look before you send: who is away, whose mailbox is full, who is outside.
func ExampleMailbox_GetMailTips() {
	acct, done := demo(sandbox.DemoUser)
	defer done()
	ctx := context.Background()

	tips, err := mail.New(acct).GetMailTips(ctx, []string{"bob@contoso.onmicrosoft.com", "someone@example.com"},
		&mail.MailTipsOptions{Kinds: []string{mail.TipAutomaticReplies, mail.TipMailboxFullStatus, mail.TipRecipientScope}})
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range tips {
		fmt.Println(t.EmailAddress.Address, "away:", t.AutomaticReplies != nil && t.AutomaticReplies.Message != "",
			"full:", t.MailboxFull, "external:", t.External())
	}
	// Output:
	// bob@contoso.onmicrosoft.com away: false full: false external: false
	// someone@example.com away: false full: false external: true
}

// Keep a message's id across moves: translate the ids a program stored to
// immutable ones.
func ExampleMailbox_TranslateExchangeIDs() {
	acct, done := demo(sandbox.DemoUser)
	defer done()
	ctx := context.Background()
	mb := mail.New(acct)

	var ids []string
	for msg, err := range mb.Inbox().ListMessages(ctx, o365.NewQuery().Select("id")) {
		if err != nil {
			log.Fatal(err)
		}
		ids = append(ids, msg.ID)
	}
	res, err := mb.TranslateExchangeIDs(ctx, ids, outlook.IDFormatREST, outlook.IDFormatRESTImmutable)
	if err != nil {
		log.Fatal(err)
	}
	translated := 0
	for _, r := range res {
		if r.ErrorDetails != nil {
			fmt.Println("not translated:", r.SourceID, r.ErrorDetails.Message)
			continue
		}
		translated++ // store r.TargetID in place of r.SourceID
	}
	fmt.Printf("%d of %d ids translated\n", translated, len(ids))
	// Output: 3 of 3 ids translated
}
