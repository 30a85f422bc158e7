package cli

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/o365go/o365/sandbox"
)

// faultOnce returns a handler wrapper that forces a sandbox fault ("drop":
// the request is done and its answer lost; "reset": the connection closes
// before it is handled) on the first request of each rule: "METHOD
// path-suffix" -> faults, used in order.
func faultOnce(rules map[string][]string) (func(http.Handler) http.Handler, func() int) {
	var mu sync.Mutex
	left := func() int {
		mu.Lock()
		defer mu.Unlock()
		n := 0
		for _, f := range rules {
			n += len(f)
		}
		return n
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			for rule, faults := range rules {
				method, suffix, _ := strings.Cut(rule, " ")
				if len(faults) > 0 && r.Method == method && strings.HasSuffix(r.URL.Path, suffix) {
					r.Header.Set("X-Sandbox-Fault", faults[0])
					rules[rule] = faults[1:]
					break
				}
			}
			mu.Unlock()
			next.ServeHTTP(w, r)
		})
	}, left
}

// inbox lists a demo user's inbox through the CLI on a served sandbox.
func inbox(t *testing.T, h *harness, url, user string) []listed {
	t.Helper()
	return jsonOut[[]listed](t, h.mustRun("--sandbox-url", url, "--resource", "user:"+user, "--json", "mail", "list", "--folder", "inbox", "--top", "999"))
}

func countListed(l []listed, subject string) int {
	n := 0
	for _, m := range l {
		if m.Subject == subject {
			n++
		}
	}
	return n
}

// TestMailSendOnceAfterLostAnswers: a send whose answer is lost after the
// message went out, and one whose connection reset before it reached the
// service, both exit 0 and deliver once; a rerun with the same
// --idempotency-key sends nothing and says so.
func TestMailSendOnceAfterLostAnswers(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	wrap, left := faultOnce(map[string][]string{"POST /sendMail": {"drop", "reset"}})
	url, _ := h.servedSandbox(wrap)
	send := func(subject string, extra ...string) result {
		return h.mustRun(append([]string{"--sandbox-url", url, "mail", "send", "--to", sandbox.DemoBob, "--subject", subject, "--body", "once"}, extra...)...)
	}
	send("lost answer")
	send("reset before")
	if n := left(); n != 0 {
		t.Fatalf("%d faults not used", n)
	}
	r := send("nightly", "--idempotency-key", "nightly-2026-01-05")
	if !strings.Contains(r.stdout, "Sent") || strings.Contains(r.stdout, "Already") {
		t.Fatalf("first keyed send:\n%s", r.stdout)
	}
	r = send("nightly", "--idempotency-key", "nightly-2026-01-05")
	if !strings.Contains(r.stdout, "Already sent") || !strings.Contains(r.stdout, "nightly-2026-01-05") {
		t.Fatalf("rerun:\n%s", r.stdout)
	}
	again := jsonOut[map[string]any](t, send("nightly", "--json", "--idempotency-key", "nightly-2026-01-05"))
	if again["sent"] != true || again["alreadySent"] == nil {
		t.Fatalf("rerun --json: %v", again)
	}
	got := inbox(t, h, url, sandbox.DemoBob)
	for _, subject := range []string{"lost answer", "reset before", "nightly"} {
		if n := countListed(got, subject); n != 1 {
			t.Errorf("Bob received %q %d times, want once", subject, n)
		}
	}
	if r := h.run("--sandbox-url", url, "mail", "send", "--to", sandbox.DemoBob, "--subject", "x", "--body", "y",
		"--idempotency-key", "k", "--no-save"); r.code != ExitUsage || !strings.Contains(r.stderr, "--no-save") {
		t.Fatalf("--idempotency-key with --no-save: exit %d\n%s", r.code, r.stderr)
	}
}

// TestMailMoveCopyAfterLostAnswers: a move and a copy whose answers are
// lost after the service did them exit 0 and are done once.
func TestMailMoveCopyAfterLostAnswers(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	wrap, left := faultOnce(map[string][]string{"POST /move": {"drop"}, "POST /copy": {"drop"}})
	url, _ := h.servedSandbox(wrap)
	msgs := inbox(t, h, url, sandbox.DemoUser)
	r := h.mustRun("--sandbox-url", url, "mail", "move", msgs[0].ID, "archive")
	if !strings.Contains(r.stdout, "Moved") || !strings.Contains(r.stdout, msgs[0].Subject) {
		t.Fatalf("move:\n%s", r.stdout)
	}
	h.mustRun("--sandbox-url", url, "mail", "copy", msgs[1].ID, "archive")
	if n := left(); n != 0 {
		t.Fatalf("%d faults not used", n)
	}
	archived := jsonOut[[]listed](t, h.mustRun("--sandbox-url", url, "--json", "mail", "list", "--folder", "archive"))
	if len(archived) != 2 || countListed(archived, msgs[0].Subject) != 1 || countListed(archived, msgs[1].Subject) != 1 {
		t.Fatalf("archive: %+v", archived)
	}
	if now := inbox(t, h, url, sandbox.DemoUser); len(now) != len(msgs)-1 || countListed(now, msgs[1].Subject) != 1 {
		t.Fatalf("inbox: %+v", now)
	}
}
