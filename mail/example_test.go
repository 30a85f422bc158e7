package mail_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/mail"
	"github.com/o365go/o365/sandbox"
)

// demo starts a seeded sandbox and returns an account signed in as user on
// it, and a function that stops the sandbox. Real programs build the
// account with an auth credential against Microsoft Graph instead.
func demo(user string) (*o365.Account, func()) {
	srv, err := sandbox.New(sandbox.Options{Seed: "demo"})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := srv.Start(ctx); err != nil {
		log.Fatal(err)
	}
	resp, err := http.PostForm(srv.AuthorityURL("")+"/oauth2/v2.0/token", url.Values{
		"grant_type": {"password"}, "client_id": {sandbox.DemoPublicClientID}, "username": {user},
		"password": {sandbox.DemoPassword}, "scope": {"https://graph.microsoft.com/.default"},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		log.Fatal(err)
	}
	p := o365.Graph()
	p.BaseURL = srv.URL() + "/"
	acct, err := o365.New(o365.WithProtocol(p), o365.WithTokenSource(o365.StaticToken(tok.AccessToken)))
	if err != nil {
		log.Fatal(err)
	}
	return acct, func() { cancel(); srv.Close() }
}

// Send a mail in five lines.
func Example_send() {
	acct, done := demo(sandbox.DemoUser)
	defer done()
	ctx := context.Background()

	msg := mail.New(acct).NewMessage()
	msg.Subject = "Lunch?"
	msg.SetText("Noon at the usual place.")
	_ = msg.AddTo("Bob Baker <bob@contoso.onmicrosoft.com>")
	err := msg.Send(ctx, nil)

	fmt.Println("sent:", err == nil)
	// Output: sent: true
}

// Read unread mail, newest first, with only the properties needed.
func ExampleFolder_ListMessages() {
	acct, done := demo(sandbox.DemoUser)
	defer done()
	ctx := context.Background()

	q := o365.NewQuery().Filter(o365.Eq("isRead", false)).Select("subject", "from").Top(50)
	for msg, err := range mail.New(acct).Inbox().ListMessages(ctx, q) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s (from %s)\n", msg.Subject, msg.From.EmailAddress.Name)
	}
	// Output:
	// Quarterly report (from Carol Clark)
	// Lunch on Friday? (from Dan Davis)
}

// Save every attachment of a message into a directory; names are made
// safe and existing files are never overwritten.
func ExampleMessage_DownloadAttachments() {
	acct, done := demo(sandbox.DemoUser)
	defer done()
	ctx := context.Background()
	mb := mail.New(acct)

	// Alice mails herself a file, then saves it from her inbox.
	msg := mb.NewMessage()
	msg.Subject = "Report"
	_ = msg.AddTo(sandbox.DemoUser)
	_, _ = msg.AttachBytes("../q3 report.csv", []byte("quarter,revenue\nq3,42\n"))
	if err := msg.Send(ctx, nil); err != nil {
		log.Fatal(err)
	}
	dir, _ := os.MkdirTemp("", "attachments")
	defer os.RemoveAll(dir)
	for m, err := range mb.Inbox().ListMessages(ctx, o365.NewQuery().Filter(o365.Eq("subject", "Report"))) {
		if err != nil {
			log.Fatal(err)
		}
		paths, err := m.DownloadAttachments(ctx, dir)
		if err != nil {
			log.Fatal(err)
		}
		for _, p := range paths {
			fmt.Println(filepath.Base(p))
		}
	}
	// Output: q3 report.csv
}

// Work in a shared mailbox: the account needs the .Shared scopes
// (Mail.Read.Shared, Mail.Send.Shared) or application roles.
func ExampleNew_sharedMailbox() {
	acct, done := demo(sandbox.DemoUser)
	defer done()
	ctx := context.Background()

	shared := mail.New(acct, o365.WithResource("user:shared@contoso.onmicrosoft.com"))
	inbox, err := shared.GetFolder(ctx, mail.Inbox, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(inbox.DisplayName, inbox.TotalItemCount)

	// Send as the shared mailbox.
	msg := shared.NewMessage()
	msg.Subject = "Office closed on Friday"
	_ = msg.SetFrom("shared@contoso.onmicrosoft.com")
	_ = msg.AddTo("bob@contoso.onmicrosoft.com")
	fmt.Println("sent:", msg.Send(ctx, nil) == nil)
	// Output:
	// Inbox 3
	// sent: true
}

// Turn on automatic replies for a week, then off.
func ExampleMailbox_SetAutoReply() {
	acct, done := demo(sandbox.DemoUser)
	defer done()
	ctx := context.Background()
	mb := mail.New(acct)

	start := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
	err := mb.SetAutoReply(ctx, mail.AutoReply{
		Internal: "I am on holiday until 8 August.",
		External: "Thank you for your message. I am away until 8 August.",
		Audience: mail.AudienceContactsOnly,
		Start:    start,
		End:      start.AddDate(0, 0, 7),
	})
	if err != nil {
		log.Fatal(err)
	}
	s, err := mb.GetSettings(ctx)
	if err != nil {
		log.Fatal(err)
	}
	ar := s.AutomaticRepliesSetting
	fmt.Println(ar.Status, ar.ExternalAudience, ar.ScheduledEnd().Format(time.DateOnly))

	if err := mb.DisableAutoReply(ctx); err != nil {
		log.Fatal(err)
	}
	// Output: scheduled contactsOnly 2026-08-08
}
