package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/sandbox"
)

// TestFaultRunSend is the CLI fault run: `o365 mail send` runs, 8 at
// a time, against a served sandbox injecting 5% 429, 5% 503, 1% connection
// resets and 1% lost answers. Each run that exits 0 must have delivered its
// message once; each that fails must have delivered nothing and must say
// the service was still throttling or unavailable after the retries. 40 runs
// by default; O365_FAULT_RUN_CLI=500 is the full run.
func TestFaultRunSend(t *testing.T) {
	t.Parallel()
	runs := 40
	if v := os.Getenv("O365_FAULT_RUN_CLI"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("O365_FAULT_RUN_CLI=%q: want a number of runs", v)
		}
		runs = n
	}
	h := newHarness(t)
	url, srv := h.servedSandbox(nil)
	h.mustRun("--sandbox-url", url, "login")
	must(t, srv.SetFaults("429=5%,503=5%,reset=1%,drop=1%,retry-after=0,seed=5"))
	policy := &o365.RetryPolicy{MaxAttempts: 5, MaxTotalWait: time.Minute, BaseDelay: 10 * time.Millisecond, MaxDelay: 200 * time.Millisecond}

	type outcome struct {
		subject        string
		code           int
		stdout, stderr string
	}
	outs := make([]outcome, runs)
	var next atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < runs; i = int(next.Add(1)) - 1 {
				subject := fmt.Sprintf("cli fault run %d", i)
				var out, errw bytes.Buffer
				app := &App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errw, Getenv: func(k string) string { return h.env[k] },
					SandboxAddr: h.addr, Retry: policy}
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				code := app.Run(ctx, []string{"--sandbox-url", url, "mail", "send", "--to", sandbox.DemoBob, "--subject", subject, "--body", "run " + strconv.Itoa(i)})
				cancel()
				outs[i] = outcome{subject, code, out.String(), errw.String()}
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	injected := srv.FaultsInjected()
	must(t, srv.SetFaults(""))

	got := inbox(t, h, url, sandbox.DemoBob)
	lost, dup, failed := 0, 0, 0
	for _, o := range outs {
		n := countListed(got, o.subject)
		want := 0
		if o.code == 0 {
			want = 1
		} else {
			failed++
			// Only an exhausted retry may fail a send: its answer proves
			// nothing was sent.
			if !strings.Contains(o.stderr, "(429 ") && !strings.Contains(o.stderr, "(503 ") {
				t.Errorf("%q: exit %d, not an exhausted retry:\n%s", o.subject, o.code, o.stderr)
			}
		}
		switch {
		case n < want:
			lost++
			t.Errorf("%q: exit %d but not delivered\n%s%s", o.subject, o.code, o.stdout, o.stderr)
		case n > want:
			dup++
			t.Errorf("%q: exit %d, delivered %d times\n%s%s", o.subject, o.code, n, o.stdout, o.stderr)
		}
	}
	t.Logf("%d sends through the CLI, 8 at a time, in %v (%.1f/s); faults injected %v", runs, took.Round(time.Millisecond), float64(runs)/took.Seconds(), injected)
	t.Logf("%d lost, %d duplicated, %d failed (retries exhausted)", lost, dup, failed)
	if injected["429"]+injected["503"] == 0 {
		t.Errorf("no fault fired: %v", injected)
	}
}
