package mail_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/mail"
	"github.com/o365go/o365/sandbox"
)

// faultRunOps is how many operations TestFaultRun makes: a few hundred by
// default, O365_FAULT_RUN=N for N (the run is 10,000).
func faultRunOps(t *testing.T) int {
	v := os.Getenv("O365_FAULT_RUN")
	if v == "" {
		return 300
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("O365_FAULT_RUN=%q: want a number of operations", v)
	}
	return n
}

// faultSpec is the fault mix: 5% throttled, 5% unavailable, 1% of
// connections reset before the request is handled, 1% of answers lost after
// it was. Retry-After is 0 so that the run measures the library, not the
// waits.
const faultSpec = "429=5%%,503=5%%,reset=1%%,drop=1%%,retry-after=0,seed=%d"

// tracked is one message a worker sent to Bob and then works on, with what
// the run expects of it.
type tracked struct {
	subject string
	sent    bool   // the send succeeded; a failed one must not arrive
	id      string // Bob's copy, once found
	folder  string // where it should be: mail.Inbox or mail.Archive
	read    bool
	copies  int // copies made in the archive
	deleted bool
	replies []string // tokens of replies sent (each must arrive once)
	// unknown is set after an error that is not an exhausted retry (one
	// the test reports): the message's state is then unknown, and it is
	// left alone.
	unknown bool
}

// faultRun is the shared state of a run.
type faultRun struct {
	alice, bob, carol *mail.Mailbox
	ops               atomic.Int64
	mu                sync.Mutex
	counts            map[string]int
	errs              []error // errors the run accepts (retries exhausted)
	bad               []error // errors it does not
}

func (r *faultRun) note(kind string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counts[kind]++
	if err == nil {
		return
	}
	r.counts[kind+" error"]++
	if exhausted(err) {
		r.errs = append(r.errs, err)
		return
	}
	r.bad = append(r.bad, fmt.Errorf("%s: %w", kind, err))
}

// exhausted reports an error that proves nothing was done: throttling or
// unavailability that outlasted the retries.
func exhausted(err error) bool {
	var be *mail.BulkError
	if errors.As(err, &be) {
		for _, e := range be.Failed {
			if !exhausted(e) {
				return false
			}
		}
		return true
	}
	return o365.NotProcessed(err) && (errors.Is(err, o365.ErrThrottled) || errors.Is(err, o365.ErrServiceUnavailable))
}

// TestFaultRun is the fault run: mixed mail operations through the
// library from 8 workers at once (sends direct and through drafts, moves,
// copies, marks, replies, forwards, deletes, bulk marks, reads), under 5%
// 429, 5% 503, 1% connection resets and 1% lost answers. With the faults
// off, it then checks every message: nothing lost, nothing duplicated, and
// every error one whose retries were exhausted (which proves nothing was
// done). Figures are logged; O365_FAULT_RUN=10000 is the full run.
func TestFaultRun(t *testing.T) {
	total := faultRunOps(t)
	srv := newSandbox(t)
	ctx := ctxT(t)
	if total > 1000 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.Background(), 30*time.Minute)
		defer cancel()
	}
	client := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	fast := o365.WithRetry(o365.RetryPolicy{MaxAttempts: 5, MaxTotalWait: time.Minute, BaseDelay: 10 * time.Millisecond, MaxDelay: 200 * time.Millisecond})
	run := &faultRun{
		alice:  mailbox(t, srv, graph, sandbox.DemoUser, o365.WithHTTPClient(client), fast),
		bob:    mailbox(t, srv, graph, sandbox.DemoBob, o365.WithHTTPClient(client), fast),
		carol:  mailbox(t, srv, graph, sandbox.DemoCarol),
		counts: map[string]int{},
	}
	if err := srv.SetFaults(fmt.Sprintf(faultSpec, 11)); err != nil {
		t.Fatal(err)
	}
	const workers = 8
	start := time.Now()
	pools := make([][]*tracked, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() { pools[w] = run.worker(ctx, w, total) })
	}
	wg.Wait()
	took := time.Since(start)
	injected := srv.FaultsInjected()
	if err := srv.SetFaults(""); err != nil {
		t.Fatal(err)
	}

	lost, dup := run.verify(t, ctx, slices.Concat(pools...))
	done := 0
	for kind, n := range run.counts {
		if !strings.HasSuffix(kind, " error") {
			done += n
		}
	}
	t.Logf("%d operations by %d workers in %v (%.0f/s); faults injected %v", done, workers, took.Round(time.Millisecond),
		float64(done)/took.Seconds(), injected)
	t.Logf("by kind %v", run.counts)
	t.Logf("%d lost, %d duplicated, %d errors (retries exhausted), %d other errors", lost, dup, len(run.errs), len(run.bad))
	for _, err := range run.errs {
		t.Logf("retries exhausted: %v", err)
	}
	for _, err := range run.bad {
		t.Errorf("an error that is not an exhausted retry: %v", err)
	}
	if lost+dup > 0 {
		t.Errorf("%d lost, %d duplicated", lost, dup)
	}
	if injected["reset"] == 0 || injected["drop"] == 0 || injected["429"] == 0 || injected["503"] == 0 {
		t.Errorf("the faults did not all fire: %v", injected)
	}
}

// worker makes its share of total operations on messages of its own, so
// that workers do not race each other over one message.
func (r *faultRun) worker(ctx context.Context, w, total int) []*tracked {
	rng := rand.New(rand.NewPCG(uint64(w), 7))
	var pool []*tracked
	live := func() *tracked {
		var cands []*tracked
		for _, m := range pool {
			if m.id != "" && !m.deleted && !m.unknown {
				cands = append(cands, m)
			}
		}
		if len(cands) == 0 {
			return nil
		}
		return cands[rng.IntN(len(cands))]
	}
	n := 0
	for r.ops.Add(1) <= int64(total) {
		m := live()
		kind := "send"
		if m != nil && len(pool) >= 3 {
			kind = pick(rng, []string{"send", "send", "send draft", "move", "move", "copy", "mark", "mark", "reply", "forward", "delete", "get", "list", "bulk mark"})
		}
		var err error
		switch kind {
		case "send", "send draft":
			n++
			t := &tracked{subject: fmt.Sprintf("fault run w%d n%d", w, n), folder: mail.Inbox}
			pool = append(pool, t)
			msg := r.alice.NewMessage()
			msg.Subject = t.subject
			msg.SetText("body of " + t.subject)
			_ = msg.AddTo(sandbox.DemoBob)
			if kind == "send draft" {
				if err = msg.Save(ctx); err == nil {
					err = msg.Send(ctx, nil)
				}
			} else {
				err = msg.Send(ctx, nil)
			}
			t.sent = err == nil
			r.note(kind, err)
			if t.sent && r.ops.Add(1) <= int64(total) {
				// Bob finds it: one more operation.
				q := o365.NewQuery().Filter(o365.Eq("subject", t.subject)).Select("id")
				found, ferr := o365.Collect(r.bob.Inbox().ListMessages(ctx, q))
				if ferr == nil && len(found) == 1 {
					t.id = found[0].ID
				} else if ferr == nil {
					ferr = fmt.Errorf("bob has %d copies of %q", len(found), t.subject)
				}
				r.note("find", ferr)
			}
			continue
		case "move":
			dest := mail.Archive
			if m.folder == mail.Archive {
				dest = mail.Inbox
			}
			msg := r.bob.Message(m.id)
			if err = msg.Move(ctx, dest); err == nil {
				m.id, m.folder = msg.ID, dest
			}
		case "copy":
			if _, err = r.bob.Message(m.id).Copy(ctx, mail.Archive); err == nil {
				m.copies++
			}
		case "mark":
			if err = r.bob.Message(m.id).MarkRead(ctx, !m.read); err == nil {
				m.read = !m.read
			}
		case "bulk mark":
			batch := []*tracked{m}
			if o := live(); o != nil && o != m {
				batch = append(batch, o)
			}
			ids := make([]string, len(batch))
			for i, b := range batch {
				ids[i] = b.id
			}
			if err = r.bob.MarkMessages(ctx, ids, true); err == nil {
				for _, b := range batch {
					b.read = true
				}
			} else if be := (*mail.BulkError)(nil); errors.As(err, &be) {
				for _, b := range batch {
					if be.Failed[b.id] == nil {
						b.read = true
					}
				}
			}
		case "reply", "forward":
			n++
			token := fmt.Sprintf("%s-token-w%d-n%d", kind, w, n)
			if kind == "reply" {
				err = r.bob.Message(m.id).Reply(ctx, token)
			} else {
				err = r.bob.Message(m.id).Forward(ctx, token, sandbox.DemoCarol)
			}
			if err == nil {
				m.replies = append(m.replies, token)
			}
		case "delete":
			if err = r.bob.Message(m.id).Delete(ctx); err == nil {
				m.deleted = true
			}
		case "get":
			_, err = r.bob.GetMessage(ctx, m.id, o365.NewQuery().Select("subject", "isRead"))
		case "list":
			_, err = o365.Collect(r.bob.Inbox().ListMessages(ctx, o365.NewQuery().Top(10).Limit(10)))
		}
		if err != nil && !exhausted(err) {
			m.unknown = true
		}
		r.note(kind, err)
	}
	return pool
}

// tokenRE finds the tokens replies and forwards carry in their bodies.
var tokenRE = regexp.MustCompile(`(reply|forward)-token-w\d+-n\d+`)

func pick(rng *rand.Rand, kinds []string) string { return kinds[rng.IntN(len(kinds))] }

// verify checks each message with the faults off and counts the messages
// lost (expected, missing) and duplicated (there more often than expected).
func (r *faultRun) verify(t *testing.T, ctx context.Context, msgs []*tracked) (lost, dup int) {
	t.Helper()
	deleted, err := r.bob.GetFolder(ctx, mail.DeletedItems, nil)
	must(t, err)
	folderIDs := map[string]string{}
	for _, name := range []string{mail.Inbox, mail.Archive} {
		f, err := r.bob.GetFolder(ctx, name, nil)
		must(t, err)
		folderIDs[name] = f.ID
	}
	count := func(diff int, what string) {
		switch {
		case diff > 0:
			lost += diff
			t.Errorf("lost: %s", what)
		case diff < 0:
			dup -= diff
			t.Errorf("duplicated: %s", what)
		}
	}
	// Replies go to Alice, forwards to Carol: read each inbox once.
	arrived := map[string]int{}
	for _, who := range []*mail.Mailbox{r.alice, r.carol} {
		for m, err := range who.Inbox().ListMessages(ctx, o365.NewQuery().Select("body").Top(999)) {
			must(t, err)
			for _, tok := range tokenRE.FindAllString(m.Body.Content, -1) {
				arrived[tok]++
			}
		}
	}
	for _, m := range msgs {
		if m.unknown {
			continue // its error is reported
		}
		q := o365.NewQuery().Filter(o365.Eq("subject", m.subject)).Select("id", "parentFolderId", "isRead")
		there, err := o365.Collect(r.bob.ListMessages(ctx, q))
		must(t, err)
		there = slices.DeleteFunc(there, func(x *mail.Message) bool { return x.ParentFolderID == deleted.ID })
		want := 0
		if m.sent {
			want = m.copies
			if !m.deleted {
				want++
			}
		}
		count(want-len(there), fmt.Sprintf("%q: %d in Bob's mailbox, want %d", m.subject, len(there), want))
		if m.sent && !m.deleted && m.id != "" {
			i := slices.IndexFunc(there, func(x *mail.Message) bool { return x.ID == m.id })
			switch {
			case i < 0:
				t.Errorf("%q: the message is not at its id %q", m.subject, m.id)
			case there[i].ParentFolderID != folderIDs[m.folder] || there[i].IsRead != m.read:
				t.Errorf("%q: in %q read %v, want in %s read %v", m.subject, there[i].ParentFolderID, there[i].IsRead, m.folder, m.read)
			}
		}
		for _, tok := range m.replies {
			count(1-arrived[tok], fmt.Sprintf("%q arrived %d times", tok, arrived[tok]))
		}
	}
	return lost, dup
}
