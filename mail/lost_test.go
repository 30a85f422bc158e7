package mail_test

import (
	"errors"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/o365go/o365"
	"github.com/o365go/o365/sandbox"
)

// lossyTransport passes requests to the sandbox; for the first request that
// matches each rule it lets the server process it and then drops the answer,
// as a connection reset after the work was done would.
type lossyTransport struct {
	mu      sync.Mutex
	rules   map[string]int // "METHOD suffix" -> answers still to drop
	dropped []string
	status  map[int]int
	resets  int
}

func (l *lossyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
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
	for rule, left := range l.rules {
		method, suffix, _ := strings.Cut(rule, " ")
		if left > 0 && r.Method == method && strings.HasSuffix(r.URL.Path, suffix) {
			l.rules[rule] = left - 1
			l.dropped = append(l.dropped, rule)
			resp.Body.Close()
			return nil, errors.New("simulated connection reset after the server processed the request")
		}
	}
	return resp, nil
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
