package mail_test

import (
	"errors"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/o365go/o365"
	"github.com/o365go/o365/mail"
	"github.com/o365go/o365/outlook"
	"github.com/o365go/o365/sandbox"
)

// lossyTransport passes requests to the sandbox; for the first request that
// matches each rule it lets the server process it and then drops the answer,
// as a connection reset after the work was done would. The first request
// matching each rule of refuse fails without reaching the server, as a reset
// before the work would. Rules are "METHOD path-suffix".
type lossyTransport struct {
	mu      sync.Mutex
	rules   map[string]int // "METHOD suffix" -> answers still to drop
	refuse  map[string]int // "METHOD suffix" -> requests still to fail unsent
	dropped []string
	sent    []string // "METHOD path" of every request that reached the server
	status  map[int]int
	resets  int
}

// match finds the first rule of rules matching r and counts it down.
func match(rules map[string]int, r *http.Request) (string, bool) {
	for rule, left := range rules {
		method, suffix, _ := strings.Cut(rule, " ")
		if left > 0 && r.Method == method && strings.HasSuffix(r.URL.Path, suffix) {
			rules[rule] = left - 1
			return rule, true
		}
	}
	return "", false
}

func (l *lossyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	l.mu.Lock()
	if rule, ok := match(l.refuse, r); ok {
		l.dropped = append(l.dropped, "refused "+rule)
		l.mu.Unlock()
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, errors.New("simulated connection reset before the request reached the server")
	}
	l.sent = append(l.sent, r.Method+" "+r.URL.Path)
	l.mu.Unlock()
	resp, err := http.DefaultTransport.RoundTrip(r)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.resets++
		return nil, err
	}
	if l.status == nil {
		l.status = map[int]int{}
	}
	l.status[resp.StatusCode]++
	if rule, ok := match(l.rules, r); ok {
		l.dropped = append(l.dropped, rule)
		resp.Body.Close()
		return nil, errors.New("simulated connection reset after the server processed the request")
	}
	return resp, nil
}

// count returns how many requests that reached the server match "METHOD
// suffix".
func (l *lossyTransport) count(rule string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	method, suffix, _ := strings.Cut(rule, " ")
	n := 0
	for _, s := range l.sent {
		m, path, _ := strings.Cut(s, " ")
		if m == method && strings.HasSuffix(path, suffix) {
			n++
		}
	}
	return n
}

// fired reports whether every rule has been used up.
func (l *lossyTransport) fired() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, rules := range []map[string]int{l.rules, l.refuse} {
		for _, n := range rules {
			if n > 0 {
				return false
			}
		}
	}
	return true
}

// TestExactlyOnceAfterLostAnswers drops the answers of the draft creation,
// the upload-session creation, an attachment POST, the reply-draft creation and both /send calls after
// the server did the work: the library must notice and send nothing twice.
func TestExactlyOnceAfterLostAnswers(t *testing.T) {
	srv := newSandbox(t)
	ctx := ctxT(t)
	rules := map[string]int{
		"POST /me/messages":         1,
		"POST /send":                2, // Alice's message and Bob's reply
		"POST /createUploadSession": 1,
		"POST /createReply":         1,
		"POST /attachments":         1,
	}
	lossy := &lossyTransport{rules: maps.Clone(rules)}
	client := &http.Client{Transport: lossy}
	alice := mailbox(t, srv, graph, sandbox.DemoUser, o365.WithHTTPClient(client))
	bob := mailbox(t, srv, graph, sandbox.DemoBob, o365.WithHTTPClient(client))

	msg := alice.NewMessage()
	msg.Subject = "Lost answers"
	msg.SetText("body")
	if err := msg.AddTo(sandbox.DemoBob); err != nil {
		t.Fatal(err)
	}
	big := payload(4<<20, 3)
	if _, err := msg.AttachBytes("big.bin", big); err != nil {
		t.Fatal(err)
	}
	// filler.bin is under the 3 MB session threshold but over the budget of
	// the creation request, so it is POSTed on its own after the draft is
	// created; note.txt rides in the creation request.
	if _, err := msg.AttachBytes("filler.bin", payload(2<<20+512<<10, 4)); err != nil {
		t.Fatal(err)
	}
	if _, err := msg.AttachBytes("note.txt", []byte("a small note")); err != nil {
		t.Fatal(err)
	}
	if err := msg.Send(ctx, nil); err != nil {
		t.Fatalf("send: %v", err)
	}
	got := collect(t, bob.Inbox().ListMessages(ctx, o365.NewQuery().Filter(o365.Eq("subject", "Lost answers"))))
	if len(got) != 1 {
		t.Fatalf("Bob received %d copies, want 1", len(got))
	}
	atts := collect(t, got[0].ListAttachments(ctx, nil))
	if len(atts) != 3 {
		t.Fatalf("Bob's copy has %d attachments, want 3 (none twice)", len(atts))
	}
	reply, err := got[0].CreateReply(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := reply.Send(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if n := len(collect(t, alice.Inbox().ListMessages(ctx, o365.NewQuery().Filter(o365.Eq("subject", "RE: Lost answers"))))); n != 1 {
		t.Fatalf("Alice received %d replies, want 1", n)
	}
	for _, f := range []string{"drafts"} {
		for _, mb := range []string{sandbox.DemoUser, sandbox.DemoBob} {
			m := mailbox(t, srv, graph, mb)
			left := collect(t, m.Folder(f).ListMessages(ctx, o365.NewQuery().Filter(o365.Or(o365.Eq("subject", "Lost answers"), o365.Eq("subject", "RE: Lost answers")))))
			if len(left) != 0 {
				t.Fatalf("%s has %d drafts left", mb, len(left))
			}
		}
	}
	want := 0
	for _, n := range rules {
		want += n
	}
	if len(lossy.dropped) != want {
		t.Fatalf("dropped %v; every rule should have fired", lossy.dropped)
	}
}

// countSubject counts the messages of a folder with the subject.
func countSubject(t *testing.T, mb *mail.Mailbox, folder, subject string) int {
	t.Helper()
	return len(collect(t, mb.Folder(folder).ListMessages(ctxT(t), o365.NewQuery().Filter(o365.Eq("subject", subject)))))
}

// TestSendOnceAfterLostAnswers loses the answer of each kind of direct send,
// once after the server sent the message and once before it reached the
// server: Send, Reply and Forward return nil, and the message arrives once.
// The first case is confirmed by the client id in Sent Items; the second
// goes through a draft.
func TestSendOnceAfterLostAnswers(t *testing.T) {
	srv := newSandbox(t)
	ctx := ctxT(t)
	bob := mailbox(t, srv, graph, sandbox.DemoBob)
	alice := mailbox(t, srv, graph, sandbox.DemoUser)
	seed := collect(t, bob.Inbox().ListMessages(ctx, o365.NewQuery().Top(1).Limit(1)))[0]
	for _, tc := range []struct {
		name     string
		rule     string
		lost     bool // the server did the work
		viaDraft string
		send     func(mb *mail.Mailbox, subject string) error
		// where the sent message arrives, and its subject there
		to     *mail.Mailbox
		prefix string
	}{
		{name: "sendMail", rule: "POST /sendMail", send: func(mb *mail.Mailbox, subject string) error {
			msg := mb.NewMessage()
			msg.Subject = subject
			msg.SetText("once")
			must(t, msg.AddTo(sandbox.DemoCarol))
			if _, err := msg.AttachBytes("note.txt", []byte("inline attachment")); err != nil {
				return err
			}
			return msg.Send(ctx, nil)
		}, viaDraft: "POST /me/messages", to: mailbox(t, srv, graph, sandbox.DemoCarol)},
		{name: "reply", rule: "POST /reply", send: func(mb *mail.Mailbox, subject string) error {
			return mb.Message(seed.ID).Reply(ctx, subject)
		}, viaDraft: "POST /createReply", to: mailbox(t, srv, graph, seed.From.EmailAddress.Address), prefix: "RE: "},
		{name: "forward", rule: "POST /forward", send: func(mb *mail.Mailbox, subject string) error {
			return mb.Message(seed.ID).Forward(ctx, subject, sandbox.DemoCarol)
		}, viaDraft: "POST /createForward", to: mailbox(t, srv, graph, sandbox.DemoCarol), prefix: "FW: "},
	} {
		for _, lost := range []bool{true, false} {
			name := tc.name + map[bool]string{true: " lost answer", false: " reset before"}[lost]
			t.Run(name, func(t *testing.T) {
				t.Parallel() // each waits for its lookups
				lossy := &lossyTransport{rules: map[string]int{}, refuse: map[string]int{}}
				if lost {
					lossy.rules[tc.rule] = 1
				} else {
					lossy.refuse[tc.rule] = 1
				}
				mb := mailbox(t, srv, graph, sandbox.DemoBob, o365.WithHTTPClient(&http.Client{Transport: lossy}))
				if tc.name == "sendMail" {
					mb = mailbox(t, srv, graph, sandbox.DemoUser, o365.WithHTTPClient(&http.Client{Transport: lossy}))
				}
				subject := "once " + name
				if err := tc.send(mb, subject); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !lossy.fired() {
					t.Fatalf("the rule did not fire: %v", lossy.dropped)
				}
				want := subject
				if tc.prefix != "" {
					want = tc.prefix + seed.Subject
				}
				// Replies and forwards share a subject: count those whose
				// body holds this case's comment.
				n := 0
				for _, m := range collect(t, tc.to.Inbox().ListMessages(ctx, o365.NewQuery().Filter(o365.Eq("subject", want)))) {
					if tc.prefix == "" || strings.Contains(m.Body.Content, subject) {
						n++
					}
				}
				if n != 1 {
					t.Fatalf("%d copies arrived, want 1", n)
				}
				if drafts := lossy.count(tc.viaDraft); drafts != map[bool]int{true: 0, false: 1}[lost] {
					t.Fatalf("%d drafts created (%s); lost answer %v", drafts, tc.viaDraft, lost)
				}
				sender := map[bool]*mail.Mailbox{true: alice, false: bob}[tc.name == "sendMail"]
				if n := countSubject(t, sender, mail.Drafts, want); n != 0 {
					t.Fatalf("%d drafts left", n)
				}
			})
		}
	}
}

// TestSendClientIDRerun runs a program twice with the same key: the second
// run sends nothing. A draft an earlier run left unsent is replaced.
func TestSendClientIDRerun(t *testing.T) {
	srv := newSandbox(t)
	ctx := ctxT(t)
	alice := mailbox(t, srv, graph, sandbox.DemoUser)
	carol := mailbox(t, srv, graph, sandbox.DemoCarol)
	run := func(subject, key string) *mail.Message {
		msg := alice.NewMessage()
		msg.Subject = subject
		msg.SetText("report")
		must(t, msg.AddTo(sandbox.DemoCarol))
		must(t, msg.Send(ctx, &mail.SendOptions{ClientID: key}))
		return msg
	}
	first := run("nightly report", "job-2026-01-05")
	second := run("nightly report", "job-2026-01-05")
	if n := countSubject(t, carol, mail.Inbox, "nightly report"); n != 1 {
		t.Fatalf("Carol received %d reports, want 1", n)
	}
	if !second.AlreadySent() || first.AlreadySent() || second.ID == "" || second.IsDraft || second.SentDateTime.IsZero() {
		t.Fatalf("the rerun's message does not hold the sent copy: %+v", second)
	}
	if first.ExtendedProperty(outlook.ClientIDProperty) != "job-2026-01-05" {
		t.Fatalf("the key was not sent as the client id")
	}
	run("nightly report", "job-2026-01-06")
	if n := countSubject(t, carol, mail.Inbox, "nightly report"); n != 2 {
		t.Fatalf("another key: Carol received %d reports, want 2", n)
	}

	// An earlier run created its draft and stopped before sending it.
	left := alice.NewMessage()
	left.Subject = "half done"
	left.SetText("stale")
	left.SetExtendedProperty(outlook.ClientIDProperty, "job-7")
	must(t, left.Save(ctx))
	run("half done", "job-7")
	if n := countSubject(t, carol, mail.Inbox, "half done"); n != 1 {
		t.Fatalf("Carol received %d, want 1", n)
	}
	if n := countSubject(t, alice, mail.Drafts, "half done"); n != 0 {
		t.Fatalf("%d drafts left", n)
	}

	msg := alice.NewMessage()
	must(t, msg.AddTo(sandbox.DemoCarol))
	if err := msg.Send(ctx, &mail.SendOptions{ClientID: "k", WithoutSentCopy: true}); !errors.Is(err, mail.ErrClientIDWithoutCopy) {
		t.Fatalf("ClientID without a copy: %v", err)
	}
}

// TestMoveCopyAfterLostAnswers loses the answers of moves and copies after
// the server did them, on a mailbox with and without immutable ids: Move
// and Copy return the moved message and the copy, and nothing is done
// twice.
func TestMoveCopyAfterLostAnswers(t *testing.T) {
	for _, immutable := range []bool{false, true} {
		t.Run(map[bool]string{false: "rest ids", true: "immutable ids"}[immutable], func(t *testing.T) {
			srv := newSandbox(t)
			ctx := ctxT(t)
			lossy := &lossyTransport{rules: map[string]int{"POST /move": 2, "POST /copy": 1}, refuse: map[string]int{"POST /copy": 1}}
			mb := mailbox(t, srv, graph, sandbox.DemoUser, o365.WithHTTPClient(&http.Client{Transport: lossy}))
			plain := mailbox(t, srv, graph, sandbox.DemoUser)
			if immutable {
				mb = mb.WithImmutableIDs()
			}
			msgs := collect(t, mb.Inbox().ListMessages(ctx, nil))
			m := msgs[0]
			archive, err := plain.GetFolder(ctx, mail.Archive, nil)
			must(t, err)
			must(t, m.Move(ctx, mail.Archive))
			if m.ParentFolderID != archive.ID || m.Subject != msgs[0].Subject {
				t.Fatalf("moved message: folder %q subject %q", m.ParentFolderID, m.Subject)
			}
			if got, err := plain.GetMessage(ctx, m.ID, nil); err != nil || got.Subject != m.Subject {
				t.Fatalf("the moved message's id does not resolve: %v", err)
			}
			if n := countSubject(t, plain, mail.Archive, m.Subject); n != 1 {
				t.Fatalf("%d in the archive", n)
			}
			if n := countSubject(t, plain, mail.Inbox, m.Subject); n != 0 {
				t.Fatalf("%d left in the inbox", n)
			}
			// Moving back: the message is bound at its new id.
			must(t, m.Move(ctx, mail.Inbox))
			if n := countSubject(t, plain, mail.Inbox, m.Subject); n != 1 {
				t.Fatalf("%d back in the inbox", n)
			}

			// A copy whose answer is lost, then one refused before it
			// reached the server (sent again).
			for i := range 2 {
				c, err := m.Copy(ctx, mail.Archive)
				must(t, err)
				if c.ID == "" || c.ID == m.ID || c.ParentFolderID != archive.ID || c.Subject != m.Subject {
					t.Fatalf("copy %d: %+v", i, c)
				}
				if n := countSubject(t, plain, mail.Archive, m.Subject); n != i+1 {
					t.Fatalf("copy %d: %d in the archive, want %d", i, n, i+1)
				}
			}
			if !lossy.fired() {
				t.Fatalf("rules left: %v %v", lossy.rules, lossy.refuse)
			}
			if n := lossy.count("POST /copy"); n != 2 {
				t.Fatalf("%d copies reached the server, want 2", n)
			}
		})
	}
}

// TestFolderWritesAfterLostAnswers loses the answers of a folder's
// creation, move and copy after the server did them: each is confirmed by
// looking, none is done twice or reported as failed.
func TestFolderWritesAfterLostAnswers(t *testing.T) {
	srv := newSandbox(t)
	ctx := ctxT(t)
	lossy := &lossyTransport{rules: map[string]int{"POST /mailFolders": 1, "POST /childFolders": 1, "POST /move": 1, "POST /copy": 1}}
	mb := mailbox(t, srv, graph, sandbox.DemoUser, o365.WithHTTPClient(&http.Client{Transport: lossy}))
	plain := mailbox(t, srv, graph, sandbox.DemoUser)
	projects, err := mb.CreateFolder(ctx, "Projects")
	must(t, err)
	child, err := projects.CreateChildFolder(ctx, "Apollo")
	must(t, err)
	if child.ParentFolderID != projects.ID {
		t.Fatalf("child folder's parent %q, want %q", child.ParentFolderID, projects.ID)
	}
	archive, err := plain.GetFolder(ctx, mail.Archive, nil)
	must(t, err)
	must(t, child.Move(ctx, mail.Archive))
	if child.ParentFolderID != archive.ID || child.DisplayName != "Apollo" {
		t.Fatalf("moved folder: %+v", child)
	}
	c, err := child.Copy(ctx, projects.ID)
	must(t, err)
	if c.ID == child.ID || c.DisplayName != "Apollo" || c.ParentFolderID != projects.ID {
		t.Fatalf("copied folder: %+v", c)
	}
	if !lossy.fired() {
		t.Fatalf("rules left: %v", lossy.rules)
	}
	for _, tc := range []struct {
		parent string
		want   int
	}{{"", 1}, {projects.ID, 1}, {archive.ID, 1}} {
		var seq = plain.ListFolders(ctx, nil, nil)
		if tc.parent != "" {
			seq = plain.Folder(tc.parent).ListChildFolders(ctx, nil, nil)
		}
		n := 0
		for _, f := range collect(t, seq) {
			if f.DisplayName == "Projects" || f.DisplayName == "Apollo" {
				n++
			}
		}
		if n != tc.want {
			t.Errorf("under %q: %d of the folders, want %d", tc.parent, n, tc.want)
		}
	}
}
