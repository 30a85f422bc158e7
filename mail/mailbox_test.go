package mail_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/mail"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/outlook"
	"github.com/o365go/o365/sandbox"
)

// wire records the requests an account sends.
type wire struct {
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	Method, Path, Prefer string
	Body                 []byte
}

func (w *wire) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil && r.Header.Get("Content-Type") != "application/octet-stream" {
		body, _ = io.ReadAll(r.Body)
		r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	w.mu.Lock()
	w.reqs = append(w.reqs, recorded{Method: r.Method, Path: r.URL.Path, Prefer: r.Header.Get("Prefer"), Body: body})
	w.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func (w *wire) last(method string) recorded {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := len(w.reqs) - 1; i >= 0; i-- {
		if w.reqs[i].Method == method {
			return w.reqs[i]
		}
	}
	return recorded{}
}

func (w *wire) reset() {
	w.mu.Lock()
	w.reqs = nil
	w.mu.Unlock()
}

func jsonKeys(t *testing.T, b []byte) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("body %q: %v", b, err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestComposeSavePatchesOnlyChanges(t *testing.T) {
	for _, proto := range []string{graph, office365} {
		t.Run(proto, func(t *testing.T) {
			srv := newSandbox(t)
			ctx := ctxT(t)
			w := &wire{}
			alice := mailbox(t, srv, proto, sandbox.DemoUser, o365.WithHTTPClient(&http.Client{Transport: w}))

			msg := alice.NewMessage()
			msg.Subject = "Draft one"
			msg.SetText("first")
			must(t, msg.AddTo("Bob <"+sandbox.DemoBob+">", sandbox.DemoCarol))
			must(t, msg.AddCc(`"Dan, Sales" <`+sandbox.DemoDan+`>`))
			must(t, msg.AddBcc(sandbox.DemoShared))
			must(t, msg.AddReplyTo("replies@contoso.onmicrosoft.com"))
			msg.Importance = mail.ImportanceLow
			msg.AddCategory("Blue")
			msg.AddCategory("Blue")
			msg.IsReadReceiptRequested = true
			msg.IsDeliveryReceiptRequested = true
			start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			msg.SetFlag(start, start.Add(48*time.Hour))
			must(t, msg.AddHeader("x-custom-id", "42"))
			if err := msg.AddHeader("Subject", "nope"); !errors.Is(err, mail.ErrHeaderName) {
				t.Fatalf("AddHeader(Subject) = %v", err)
			}
			msg.DeferUntil(start)
			msg.SetExtendedProperty("String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color", "Green")
			must(t, msg.Save(ctx))
			if msg.ID == "" || !msg.IsDraft || msg.ParentFolderID == "" {
				t.Fatalf("saved draft: id %q draft %v folder %q", msg.ID, msg.IsDraft, msg.ParentFolderID)
			}
			post := w.last(http.MethodPost)
			if !strings.HasSuffix(post.Path, "/me/messages") {
				t.Fatalf("created with POST %s", post.Path)
			}
			wantKey := func(k string) string {
				if proto == office365 {
					return strings.ToUpper(k[:1]) + k[1:]
				}
				return k
			}
			keys := jsonKeys(t, post.Body)
			for _, k := range []string{"subject", "body", "toRecipients", "ccRecipients", "bccRecipients", "replyTo", "importance", "categories", "flag", "internetMessageHeaders", "singleValueExtendedProperties", "isReadReceiptRequested", "isDeliveryReceiptRequested"} {
				if !slices.Contains(keys, wantKey(k)) {
					t.Fatalf("POST body keys %v miss %s", keys, wantKey(k))
				}
			}

			// Reload with $select/$expand and edit: only the changes go out.
			id := msg.ID
			loaded, err := alice.GetMessage(ctx, id, o365.NewQuery().Expand(
				"singleValueExtendedProperties($filter=id eq 'SystemTime 0x3FEF')"))
			must(t, err)
			if loaded.Subject != "Draft one" || len(loaded.ToRecipients) != 2 || loaded.CcRecipients[0].EmailAddress.Name != "Dan, Sales" ||
				loaded.Flag == nil || loaded.Flag.FlagStatus != mail.FlagFlagged || loaded.Importance != mail.ImportanceLow ||
				!loaded.IsReadReceiptRequested || len(loaded.Categories) != 1 {
				t.Fatalf("loaded draft %+v", loaded)
			}
			if got := loaded.ExtendedProperty(mail.PropDeferredSendTime); got != "2026-03-01T09:00:00Z" {
				t.Fatalf("deferred send time %q", got)
			}
			if len(loaded.SingleValueExtendedProperties) != 1 {
				t.Fatalf("$expand filter returned %v", loaded.SingleValueExtendedProperties)
			}
			if due, _ := loaded.Flag.DueDateTime.Time(); !due.Equal(start.Add(48 * time.Hour)) {
				t.Fatalf("flag due %v", due)
			}
			w.reset()
			loaded.Subject = "Draft two"
			loaded.IsReadReceiptRequested = false
			must(t, loaded.Save(ctx))
			patch := w.last(http.MethodPatch)
			if got := jsonKeys(t, patch.Body); !slices.Equal(got, []string{wantKey("isReadReceiptRequested"), wantKey("subject")}) {
				t.Fatalf("PATCH sent %v (%s)", got, patch.Body)
			}
			w.reset()
			must(t, loaded.Save(ctx)) // nothing changed: no request
			if len(w.reqs) != 0 {
				t.Fatalf("unchanged Save sent %d requests", len(w.reqs))
			}
			loaded.CompleteFlag(start.Add(time.Hour))
			must(t, loaded.Save(ctx))
			again, err := alice.GetMessage(ctx, id, o365.NewQuery().Select("subject", "flag", "isReadReceiptRequested"))
			must(t, err)
			if again.Subject != "Draft two" || again.IsReadReceiptRequested || again.Flag.FlagStatus != mail.FlagComplete || again.Flag.CompletedDateTime == nil {
				t.Fatalf("after saves: %+v", again)
			}
			if again.Body.Content != "" {
				t.Fatalf("$select returned the body too")
			}
			loaded.ClearFlag()
			must(t, loaded.Save(ctx))
			if keys := jsonKeys(t, w.last(http.MethodPatch).Body); !slices.Equal(keys, []string{wantKey("flag")}) {
				t.Fatalf("ClearFlag PATCH %v", keys)
			}

			// Sending the draft delivers it with every field to the recipients.
			must(t, loaded.Send(ctx, nil))
			bob := mailbox(t, srv, proto, sandbox.DemoBob)
			got := collect(t, bob.Inbox().ListMessages(ctx, o365.NewQuery().Filter(o365.Eq("subject", "Draft two")).Select("subject", "replyTo", "bccRecipients", "ccRecipients", "internetMessageHeaders")))
			if len(got) != 1 || len(got[0].BccRecipients) != 0 || got[0].ReplyTo[0].EmailAddress.Address != "replies@contoso.onmicrosoft.com" || got[0].Header("X-Custom-Id") != "42" {
				t.Fatalf("Bob's copy %+v", got)
			}
			shared := mailbox(t, srv, proto, sandbox.DemoUser, o365.WithResource("user:"+sandbox.DemoShared))
			if n := len(collect(t, shared.Inbox().ListMessages(ctx, o365.NewQuery().Filter(o365.Eq("subject", "Draft two"))))); n != 1 {
				t.Fatalf("the Bcc recipient got %d copies", n)
			}
		})
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestSendMailDirectAndWithoutSentCopy(t *testing.T) {
	srv := newSandbox(t)
	ctx := ctxT(t)
	w := &wire{}
	alice := mailbox(t, srv, graph, sandbox.DemoUser, o365.WithHTTPClient(&http.Client{Transport: w}))
	tests := []struct {
		name     string
		opts     *mail.SendOptions
		draft    bool
		wantSent int
	}{
		{"sendMail", nil, false, 1},
		// No copy to find after a lost answer: through a draft, even new.
		{"new no copy", &mail.SendOptions{WithoutSentCopy: true}, false, 0},
		{"draft", nil, true, 1},
		{"draft no copy", &mail.SendOptions{WithoutSentCopy: true}, true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w.reset()
			msg := alice.NewMessage()
			msg.Subject = "Direct " + tc.name
			msg.SetText("hello")
			must(t, msg.AddTo(sandbox.DemoCarol))
			if _, err := msg.AttachBytes("note.txt", []byte("small file")); err != nil {
				t.Fatal(err)
			}
			if tc.draft {
				must(t, msg.Save(ctx))
			}
			must(t, msg.Send(ctx, tc.opts))
			if err := msg.Send(ctx, tc.opts); !errors.Is(err, mail.ErrAlreadySent) {
				t.Fatalf("second Send: %v", err)
			}
			post := w.last(http.MethodPost)
			if !tc.draft && tc.wantSent == 1 {
				if !strings.HasSuffix(post.Path, "/me/sendMail") {
					t.Fatalf("last POST %s, want sendMail", post.Path)
				}
				var body map[string]any
				must(t, json.Unmarshal(post.Body, &body))
				if _, has := body["saveToSentItems"]; has {
					t.Fatalf("sendMail body %s", post.Body)
				}
				if !strings.Contains(string(post.Body), outlook.ClientIDProperty) {
					t.Fatalf("sendMail carries no client id: %s", post.Body)
				}
			} else if !strings.HasSuffix(post.Path, "/send") {
				t.Fatalf("last POST %s, want .../send", post.Path)
			}
			carol := mailbox(t, srv, graph, sandbox.DemoCarol)
			got := collect(t, carol.Inbox().ListMessages(ctx, o365.NewQuery().Filter(o365.Eq("subject", msg.Subject))))
			if len(got) != 1 || !got[0].HasAttachments {
				t.Fatalf("Carol got %d copies", len(got))
			}
			if n := len(collect(t, alice.SentItems().ListMessages(ctx, o365.NewQuery().Filter(o365.Eq("subject", msg.Subject))))); n != tc.wantSent {
				t.Fatalf("Sent Items hold %d copies, want %d", n, tc.wantSent)
			}
			if n := len(collect(t, alice.Drafts().ListMessages(ctx, o365.NewQuery().Filter(o365.Eq("subject", msg.Subject))))); n != 0 {
				t.Fatalf("%d drafts left", n)
			}
		})
	}
}

func TestFolders(t *testing.T) {
	for _, proto := range []string{graph, office365} {
		t.Run(proto, func(t *testing.T) {
			srv := newSandbox(t)
			ctx := ctxT(t)
			mb := mailbox(t, srv, proto, sandbox.DemoUser)
			top := collect(t, mb.ListFolders(ctx, o365.NewQuery().Top(3), nil))
			names := map[string]*mail.Folder{}
			for _, f := range top {
				names[f.DisplayName] = f
			}
			for _, n := range []string{"Inbox", "Drafts", "Sent Items", "Deleted Items", "Junk Email", "Archive", "Outbox"} {
				if names[n] == nil {
					t.Fatalf("folders %v miss %q", names, n)
				}
			}
			if names["Inbox"].TotalItemCount != 3 || names["Inbox"].UnreadItemCount != 2 {
				t.Fatalf("inbox counts %d/%d", names["Inbox"].TotalItemCount, names["Inbox"].UnreadItemCount)
			}
			inbox := mb.Inbox()
			must(t, inbox.Refresh(ctx))
			if inbox.DisplayName != "Inbox" || inbox.ID == mail.Inbox {
				t.Fatalf("refreshed inbox %+v", inbox)
			}

			projects, err := mb.CreateFolder(ctx, "Projects")
			must(t, err)
			if _, err := mb.CreateFolder(ctx, "Projects"); !errors.Is(err, o365.ErrConflict) {
				t.Fatalf("duplicate folder: %v", err)
			}
			alpha, err := projects.CreateChildFolder(ctx, "Alpha")
			must(t, err)
			beta, err := alpha.CreateChildFolder(ctx, "Beta")
			must(t, err)
			hidden, err := mb.CreateHiddenFolder(ctx, "Secret")
			must(t, err)
			visible := collect(t, mb.ListFolders(ctx, nil, nil))
			all := collect(t, mb.ListFolders(ctx, nil, &mail.FolderOptions{IncludeHidden: true}))
			if len(all) != len(visible)+1 {
				t.Fatalf("hidden listing %d, visible %d", len(all), len(visible))
			}
			tree := collect(t, mb.ListFolders(ctx, nil, &mail.FolderOptions{Recursive: true}))
			var order []string
			for _, f := range tree {
				order = append(order, f.DisplayName)
			}
			i := slices.Index(order, "Projects")
			if i < 0 || i+2 >= len(order) || order[i+1] != "Alpha" || order[i+2] != "Beta" {
				t.Fatalf("recursive order %v", order)
			}
			found, err := mb.GetFolderByName(ctx, "Beta")
			must(t, err)
			if found.ID != beta.ID {
				t.Fatalf("FolderByName found %q", found.ID)
			}
			if f, err := mb.GetFolderByName(ctx, "Secret"); err != nil || f.ID != hidden.ID {
				t.Fatalf("hidden by name: %v", err)
			}
			if _, err := mb.GetFolderByName(ctx, "Nope"); !errors.Is(err, mail.ErrFolderNotFound) {
				t.Fatalf("missing folder: %v", err)
			}
			must(t, beta.Rename(ctx, "Gamma"))
			if beta.DisplayName != "Gamma" {
				t.Fatalf("rename: %q", beta.DisplayName)
			}
			must(t, beta.Move(ctx, projects.ID))
			if beta.ParentFolderID != projects.ID {
				t.Fatalf("moved to %q", beta.ParentFolderID)
			}
			if err := projects.Move(ctx, beta.ID); !errors.Is(err, o365.ErrBadRequest) {
				t.Fatalf("move into own child: %v", err)
			}
			// A message in Alpha is copied with its folder.
			msg := alpha.NewMessage()
			msg.Subject = "Filed"
			must(t, msg.Save(ctx))
			if msg.ParentFolderID != alpha.ID {
				t.Fatalf("message saved in %q", msg.ParentFolderID)
			}
			cp, err := alpha.Copy(ctx, mail.Archive)
			must(t, err)
			must(t, cp.Refresh(ctx))
			if cp.TotalItemCount != 1 || cp.DisplayName != "Alpha" {
				t.Fatalf("copy %+v", cp)
			}
			kids := collect(t, projects.ListChildFolders(ctx, nil, nil))
			if len(kids) != 2 {
				t.Fatalf("Projects has %d children", len(kids))
			}
			must(t, projects.Delete(ctx))
			if _, err := mb.GetFolder(ctx, alpha.ID, nil); !errors.Is(err, o365.ErrNotFound) {
				t.Fatalf("child of a deleted folder: %v", err)
			}
			if _, err := mb.GetMessage(ctx, msg.ID, nil); !errors.Is(err, o365.ErrNotFound) {
				t.Fatalf("message of a deleted folder: %v", err)
			}
			if err := mb.Inbox().Delete(ctx); !errors.Is(err, o365.ErrForbidden) {
				t.Fatalf("deleting the inbox: %v", err)
			}
		})
	}
}

func TestMoveCopyDeleteMarkAndImmutableIDs(t *testing.T) {
	srv := newSandbox(t)
	ctx := ctxT(t)
	w := &wire{}
	mb := mailbox(t, srv, graph, sandbox.DemoUser, o365.WithHTTPClient(&http.Client{Transport: w}))
	msgs := collect(t, mb.Inbox().ListMessages(ctx, o365.NewQuery().OrderBy("receivedDateTime")))
	if len(msgs) != 3 {
		t.Fatalf("seeded inbox has %d messages", len(msgs))
	}
	m := msgs[0]
	old := m.ID
	must(t, m.Move(ctx, mail.Archive))
	if m.ID == old || m.ParentFolderID == "" {
		t.Fatalf("move without immutable ids kept id %q", m.ID)
	}
	imm := mb.WithImmutableIDs()
	m2, err := imm.GetMessage(ctx, m.ID, nil)
	must(t, err)
	if w.last(http.MethodGet).Prefer != `IdType="ImmutableId"` {
		t.Fatalf("Prefer %q", w.last(http.MethodGet).Prefer)
	}
	keep := m2.ID
	must(t, m2.Move(ctx, mail.Inbox))
	if m2.ID != keep {
		t.Fatalf("immutable id changed on move: %q -> %q", keep, m2.ID)
	}
	cp, err := m2.Copy(ctx, mail.Archive)
	must(t, err)
	if cp.ID == m2.ID || cp.Subject != m2.Subject {
		t.Fatalf("copy %+v", cp)
	}
	must(t, m2.MarkRead(ctx, false))
	must(t, cp.MarkRead(ctx, true))
	// m2 has an immutable id: list with immutable ids to compare (the REST id
	// of the same message differs).
	unread := collect(t, imm.Inbox().ListMessages(ctx, o365.NewQuery().Filter(o365.Eq("isRead", false))))
	if !slices.ContainsFunc(unread, func(x *mail.Message) bool { return x.ID == m2.ID }) {
		t.Fatalf("marked unread message not in the unread filter")
	}
	must(t, cp.Delete(ctx))
	if _, err := mb.GetMessage(ctx, cp.ID, nil); !errors.Is(err, o365.ErrNotFound) {
		t.Fatalf("deleted message: %v", err)
	}
	var unbound mail.Message
	if err := unbound.Delete(ctx); !errors.Is(err, mail.ErrUnbound) {
		t.Fatalf("unbound delete: %v", err)
	}
}

func TestBulkThroughBatch(t *testing.T) {
	srv := newSandbox(t)
	ctx := ctxT(t)
	w := &wire{}
	mb := mailbox(t, srv, graph, sandbox.DemoUser, o365.WithHTTPClient(&http.Client{Transport: w}))
	var ids []string
	for i := range 25 {
		m := mb.NewMessage()
		m.Subject = "bulk"
		m.SetText(strings.Repeat("x", i))
		must(t, m.Save(ctx))
		ids = append(ids, m.ID)
	}
	w.reset()
	must(t, mb.MarkMessages(ctx, ids, false))
	batches := 0
	for _, r := range w.reqs {
		if strings.HasSuffix(r.Path, "/$batch") {
			batches++
		}
	}
	if batches != 2 {
		t.Fatalf("25 marks went in %d $batch requests, want 2", batches)
	}
	unread := collect(t, mb.Drafts().ListMessages(ctx, o365.NewQuery().Filter(o365.And(o365.Eq("subject", "bulk"), o365.Eq("isRead", false)))))
	if len(unread) != 25 {
		t.Fatalf("%d unread after MarkMessages", len(unread))
	}
	newIDs, err := mb.MoveMessages(ctx, ids[:10], mail.Archive)
	must(t, err)
	if len(newIDs) != 10 || slices.Contains(newIDs, "") {
		t.Fatalf("moved ids %v", newIDs)
	}
	if n := len(collect(t, mb.Archive().ListMessages(ctx, o365.NewQuery().Filter(o365.Eq("subject", "bulk"))))); n != 10 {
		t.Fatalf("archive holds %d", n)
	}
	if _, err := mb.MoveMessages(ctx, []string{"no-such-id", newIDs[0]}, mail.Inbox); err == nil {
		t.Fatal("moving a missing message reported no error")
	} else {
		var be *mail.BulkError
		if !errors.As(err, &be) || len(be.Failed) != 1 || be.Failed["no-such-id"] == nil || !errors.Is(err, o365.ErrNotFound) {
			t.Fatalf("bulk error %v", err)
		}
	}
	err = mb.DeleteMessages(ctx, append(ids[10:], "never-there"))
	var be *mail.BulkError
	if !errors.As(err, &be) || len(be.Failed) != 1 || !errors.Is(be.Failed["never-there"], o365.ErrNotFound) {
		t.Fatalf("deleting a missing id: %v", err)
	}
	if n := len(collect(t, mb.Drafts().ListMessages(ctx, o365.NewQuery().Filter(o365.Eq("subject", "bulk"))))); n != 0 {
		t.Fatalf("%d left after DeleteMessages", n)
	}
}

func TestSharedMailbox(t *testing.T) {
	srv := newSandbox(t)
	ctx := ctxT(t)
	// With the .Shared scopes (the demo public client has them).
	shared := mailbox(t, srv, graph, sandbox.DemoUser, o365.WithResource("user:"+sandbox.DemoShared))
	msgs := collect(t, shared.Inbox().ListMessages(ctx, nil))
	if len(msgs) != 3 {
		t.Fatalf("shared inbox has %d messages", len(msgs))
	}
	// A message read there acts on the shared mailbox.
	must(t, msgs[0].MarkRead(ctx, true))
	// Send as the shared mailbox, from its own resource.
	out := shared.NewMessage()
	out.Subject = "From the team"
	must(t, out.SetFrom(sandbox.DemoShared))
	must(t, out.AddTo(sandbox.DemoBob))
	must(t, out.Send(ctx, nil))
	bob := mailbox(t, srv, graph, sandbox.DemoBob)
	got := collect(t, bob.Inbox().ListMessages(ctx, o365.NewQuery().Filter(o365.Eq("subject", "From the team"))))
	if len(got) != 1 || got[0].From.EmailAddress.Address != sandbox.DemoShared {
		t.Fatalf("Bob got %v", got)
	}
	if n := len(collect(t, shared.SentItems().ListMessages(ctx, nil))); n != 1 {
		t.Fatalf("shared Sent Items hold %d", n)
	}

	// Without them: 403.
	limited := mail.New(o365test.NewAccountFor(t, srv, sandbox.DemoLimitedClientID, sandbox.DemoUser, nil), o365.WithResource("user:"+sandbox.DemoShared))
	for _, err := range limited.Inbox().ListMessages(ctx, nil) {
		if !errors.Is(err, o365.ErrForbidden) {
			t.Fatalf("without .Shared scopes: %v", err)
		}
	}
	m := limited.NewMessage()
	m.Subject = "nope"
	must(t, m.AddTo(sandbox.DemoBob))
	if err := m.Send(ctx, nil); !errors.Is(err, o365.ErrForbidden) {
		t.Fatalf("sending from a shared mailbox without Mail.Send.Shared: %v", err)
	}
	// The limited app still reads the user's own mailbox.
	own := mail.New(limited.Account(), o365.WithResource("me"))
	if n := len(collect(t, own.Inbox().ListMessages(ctx, nil))); n != 3 {
		t.Fatalf("own inbox %d", n)
	}

	// App-only: roles, and a named user.
	app := o365test.NewAppAccount(t, srv)
	daemon := mail.New(app, o365.WithResource(sandbox.DemoShared))
	if n := len(collect(t, daemon.Inbox().ListMessages(ctx, nil))); n != 3 {
		t.Fatalf("app-only read %d", n)
	}
	if _, err := mail.New(app).GetFolder(ctx, mail.Inbox, nil); !errors.Is(err, o365.ErrAppOnlyMe) {
		t.Fatalf("app-only on me: %v", err)
	}
	// A bad resource fails every call with a clear error.
	bad := mail.New(app, o365.WithResource("user:"))
	if _, err := bad.GetFolder(ctx, mail.Inbox, nil); err == nil || !strings.Contains(err.Error(), "resource") {
		t.Fatalf("bad resource: %v", err)
	}
}

func TestDelta(t *testing.T) {
	srv := newSandbox(t)
	ctx := ctxT(t)
	alice := mailbox(t, srv, graph, sandbox.DemoUser)
	bob := mailbox(t, srv, graph, sandbox.DemoBob)
	first, err := syncRound(ctx, bob.SyncMessages(mail.Inbox, "", o365.NewQuery().Select("subject", "isRead")))
	must(t, err)
	if len(first.Changed) != 3 || len(first.Removed) != 0 || first.DeltaLink == "" {
		t.Fatalf("first round: %d changed, %d removed, link %q", len(first.Changed), len(first.Removed), first.DeltaLink)
	}
	// Persist the link as a program would, then make 3 changes and 1 deletion.
	state := filepath.Join(t.TempDir(), "delta")
	must(t, os.WriteFile(state, []byte(first.DeltaLink), 0o600))
	first.Changed[0].IsRead = !first.Changed[0].IsRead
	must(t, first.Changed[0].Save(ctx))
	first.Changed[0].AddCategory("Red")
	must(t, first.Changed[0].Save(ctx)) // two edits of one message: one change
	must(t, first.Changed[1].MarkRead(ctx, true))
	must(t, first.Changed[2].Delete(ctx))
	m := alice.NewMessage()
	m.Subject = "New for delta"
	must(t, m.AddTo(sandbox.DemoBob))
	must(t, m.Send(ctx, nil))

	link, err := os.ReadFile(state)
	must(t, err)
	second, err := syncRound(ctx, bob.SyncMessages(mail.Inbox, string(link), nil))
	must(t, err)
	var ids []string
	for _, c := range second.Changed {
		ids = append(ids, c.ID)
	}
	slices.Sort(ids)
	if len(ids) != 3 || len(slices.Compact(ids)) != 3 {
		t.Fatalf("second round changed %v, want 3 distinct", ids)
	}
	if len(second.Removed) != 1 || second.Removed[0] != first.Changed[2].ID {
		t.Fatalf("second round removed %v, want [%s]", second.Removed, first.Changed[2].ID)
	}
	for _, c := range second.Changed {
		if c.Subject == "" || c.Body.Content != "" {
			t.Fatalf("the first round's $select was not kept: %+v", c)
		}
	}
	third, err := syncRound(ctx, bob.SyncMessages(mail.Inbox, second.DeltaLink, nil))
	must(t, err)
	if len(third.Changed)+len(third.Removed) != 0 {
		t.Fatalf("third round reported %d changes again", len(third.Changed)+len(third.Removed))
	}
	if _, err := syncRound(ctx, bob.SyncMessages(mail.Inbox, second.DeltaLink+"x", nil)); !errors.Is(err, o365.ErrResyncRequired) {
		t.Fatalf("altered link: %v", err)
	}
	fs, err := syncRound(ctx, bob.SyncFolders(""))
	must(t, err)
	if len(fs.Changed) < 7 || fs.DeltaLink == "" {
		t.Fatalf("folder sync %d", len(fs.Changed))
	}
	_, err = bob.CreateFolder(ctx, "Later")
	must(t, err)
	fs2, err := syncRound(ctx, bob.SyncFolders(fs.DeltaLink))
	must(t, err)
	if len(fs2.Changed) != 1 || fs2.Changed[0].DisplayName != "Later" {
		t.Fatalf("folder delta %v", fs2.Changed)
	}
}

func TestMailboxSettingsAndAutoReply(t *testing.T) {
	for _, proto := range []string{graph, office365} {
		t.Run(proto, func(t *testing.T) {
			srv := newSandbox(t)
			ctx := ctxT(t)
			bob := mailbox(t, srv, proto, sandbox.DemoBob)
			s, err := bob.GetSettings(ctx)
			must(t, err)
			if s.AutomaticRepliesSetting.Status != mail.AutoReplyDisabled || s.TimeZone == "" || s.WorkingHours == nil {
				t.Fatalf("default settings %+v", s)
			}
			start := time.Now().Add(-time.Hour).Truncate(time.Second).UTC()
			end := start.Add(48 * time.Hour)
			if err := bob.SetAutoReply(ctx, mail.AutoReply{Internal: "Back soon", Start: end, End: start}); err == nil {
				t.Fatal("an inverted schedule was accepted")
			}
			must(t, bob.SetAutoReply(ctx, mail.AutoReply{Internal: "Away (internal)", External: "Away", Audience: mail.AudienceContactsOnly, Start: start, End: end}))
			s, err = bob.GetSettings(ctx)
			must(t, err)
			ar := s.AutomaticRepliesSetting
			if ar.Status != mail.AutoReplyScheduled || ar.InternalReplyMessage != "Away (internal)" || ar.ExternalAudience != mail.AudienceContactsOnly ||
				!ar.ScheduledStart().Equal(start) || !ar.ScheduledEnd().Equal(end) {
				t.Fatalf("scheduled auto-reply %+v", ar)
			}
			// Bob is away: Alice's two mails get one automatic reply.
			alice := mailbox(t, srv, proto, sandbox.DemoUser)
			for range 2 {
				m := alice.NewMessage()
				m.Subject = "Are you there?"
				must(t, m.AddTo(sandbox.DemoBob))
				must(t, m.Send(ctx, nil))
			}
			auto := collect(t, alice.Inbox().ListMessages(ctx, o365.NewQuery().Filter(o365.StartsWith("subject", "Automatic reply"))))
			if len(auto) != 1 || !strings.Contains(auto[0].Body.Content, "Away (internal)") {
				t.Fatalf("Alice got %d automatic replies", len(auto))
			}
			must(t, bob.DisableAutoReply(ctx))
			must(t, bob.SetTimeZone(ctx, "Pacific Standard Time"))
			must(t, bob.SetWorkingHours(ctx, mail.WorkingHours{DaysOfWeek: []string{"monday"}, StartTime: "09:00:00.0000000", EndTime: "12:00:00.0000000", TimeZone: &mail.TimeZone{Name: "Pacific Standard Time"}}))
			s, err = bob.GetSettings(ctx)
			must(t, err)
			if s.AutomaticRepliesSetting.Status != mail.AutoReplyDisabled || s.AutomaticRepliesSetting.InternalReplyMessage != "Away (internal)" ||
				s.TimeZone != "Pacific Standard Time" || !slices.Equal(s.WorkingHours.DaysOfWeek, []string{"monday"}) {
				t.Fatalf("settings after updates %+v %+v", s, s.AutomaticRepliesSetting)
			}
		})
	}
}

func TestReplyForwardDirect(t *testing.T) {
	srv := newSandbox(t)
	ctx := ctxT(t)
	alice := mailbox(t, srv, graph, sandbox.DemoUser)
	bob := mailbox(t, srv, graph, sandbox.DemoBob)
	m := alice.NewMessage()
	m.Subject = "Team update"
	m.SetText("Status: green")
	must(t, m.AddTo(sandbox.DemoBob))
	must(t, m.AddCc(sandbox.DemoCarol))
	_, err := m.AttachBytes("status.txt", []byte("green"))
	must(t, err)
	must(t, m.Send(ctx, nil))
	got := collect(t, bob.Inbox().ListMessages(ctx, o365.NewQuery().Filter(o365.Eq("subject", "Team update"))))[0]

	must(t, got.ReplyAll(ctx, "Great news"))
	carol := mailbox(t, srv, graph, sandbox.DemoCarol)
	for _, mb := range []*mail.Mailbox{alice, carol} {
		r := collect(t, mb.Inbox().ListMessages(ctx, o365.NewQuery().Filter(o365.Eq("subject", "RE: Team update"))))
		if len(r) != 1 || !strings.Contains(r[0].Body.Content, "Great news") || !strings.Contains(r[0].Body.Content, "Status: green") {
			t.Fatalf("reply-all copies: %d", len(r))
		}
	}
	must(t, got.Reply(ctx, "Only to Alice"))
	if n := len(collect(t, carol.Inbox().ListMessages(ctx, o365.NewQuery().Search("Only to Alice")))); n != 0 {
		t.Fatalf("a reply reached Carol")
	}
	must(t, got.Forward(ctx, "FYI", "Dan <"+sandbox.DemoDan+">"))
	dan := mailbox(t, srv, graph, sandbox.DemoDan)
	fw := collect(t, dan.Inbox().ListMessages(ctx, o365.NewQuery().Filter(o365.Eq("subject", "FW: Team update"))))
	if len(fw) != 1 || !fw[0].HasAttachments {
		t.Fatalf("forward: %d", len(fw))
	}
	if err := got.Forward(ctx, "nobody"); err == nil {
		t.Fatal("forward without recipients")
	}
	d, err := got.CreateForward(ctx, sandbox.DemoDan)
	must(t, err)
	if d.Subject != "FW: Team update" || len(d.ToRecipients) != 1 {
		t.Fatalf("forward draft %+v", d)
	}
	ra, err := got.CreateReplyAll(ctx)
	must(t, err)
	var to []string
	for _, r := range append(ra.ToRecipients, ra.CcRecipients...) {
		to = append(to, r.EmailAddress.Address)
	}
	slices.Sort(to)
	if !slices.Equal(to, []string{sandbox.DemoUser, sandbox.DemoCarol}) {
		t.Fatalf("reply-all draft recipients %v", to)
	}
}
