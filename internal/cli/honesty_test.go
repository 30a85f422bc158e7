package cli

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// inboxIDs lists the demo user's inbox (newest first) through the CLI.
func inboxIDs(t *testing.T, h *harness, args ...string) []listed {
	t.Helper()
	return jsonOut[[]listed](t, h.mustRun(append(append([]string{"--sandbox"}, args...), "--json", "mail", "list", "--folder", "inbox")...))
}

// lines splits output into its lines, each with its spaces collapsed.
func lines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(strings.TrimRight(s, "\n"), "\n") {
		out = append(out, strings.Join(strings.Fields(l), " "))
	}
	return out
}

func TestMailDeleteReportsEachMessage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	inbox := inboxIDs(t, h)
	real := inbox[0].ID

	r := h.run("--sandbox", "mail", "delete", "nope1", real, "nope2")
	if r.code != ExitNotFound {
		t.Fatalf("exit %d, want %d\n%s%s", r.code, ExitNotFound, r.stdout, r.stderr)
	}
	want := []string{"MESSAGE RESULT", "nope1 not found", real + " deleted", "nope2 not found"}
	if got := lines(r.stdout); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("stdout\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if want := "o365: 2 of 3 messages were not found: nope1, nope2\n"; !strings.HasPrefix(r.stderr, want) {
		t.Errorf("stderr %q, want it to start with %q", r.stderr, want)
	}
	if r := h.run("--sandbox", "mail", "read", real); r.code != ExitNotFound {
		t.Errorf("the deleted message is still there: exit %d", r.code)
	}

	// JSON: every outcome, full ids; the error as JSON on stderr.
	r = h.run("--sandbox", "--json", "mail", "delete", inbox[1].ID, "nope3")
	outs := jsonOut[[]outcome](t, r)
	if r.code != ExitNotFound || len(outs) != 2 ||
		outs[0] != (outcome{ID: inbox[1].ID, Done: true, Result: "deleted"}) ||
		outs[1] != (outcome{ID: "nope3", Result: "not found", Status: 404}) {
		t.Errorf("exit %d, outcomes %+v", r.code, outs)
	}
	var je struct {
		Error    string `json:"error"`
		ExitCode int    `json:"exitCode"`
	}
	if err := json.Unmarshal([]byte(r.stderr), &je); err != nil || je.ExitCode != ExitNotFound || je.Error != "1 of 2 messages were not found: nope3" {
		t.Errorf("stderr %q", r.stderr)
	}

	// All found: exit 0. Marking reports the same way.
	r = h.mustRun("--sandbox", "mail", "mark", inbox[2].ID, "--read")
	if got := lines(r.stdout); len(got) != 2 || got[1] != inbox[2].ID+" marked read" {
		t.Errorf("mark: %q", r.stdout)
	}
	if r := h.run("--sandbox", "mail", "mark", "nope4", "--unread"); r.code != ExitNotFound || lines(r.stdout)[1] != "nope4 not found" {
		t.Errorf("mark nope4: exit %d %q", r.code, r.stdout)
	}
}

func TestMailRowNumbers(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	if r := h.run("--sandbox", "mail", "read", "1"); r.code != ExitUsage || !strings.Contains(r.stderr, "no messages were listed yet") {
		t.Fatalf("read 1 before any list: exit %d %q", r.code, r.stderr)
	}
	inbox := inboxIDs(t, h)
	r := h.mustRun("--sandbox", "mail", "list", "--folder", "inbox")
	got := lines(r.stdout)
	if len(got) != 4 || got[0] != "# RECEIVED FROM SUBJECT FLAGS" || !strings.HasPrefix(got[1], "1 ") || !strings.HasPrefix(got[3], "3 ") {
		t.Fatalf("table:\n%s", r.stdout)
	}
	for _, m := range inbox {
		if strings.Contains(r.stdout, m.ID) {
			t.Errorf("the table holds the full id %s", m.ID)
		}
	}
	if !strings.Contains(r.stderr, "Flags: * unread, @ has attachments.") || !strings.Contains(r.stderr, "o365 mail read 1") {
		t.Errorf("no legend: %q", r.stderr)
	}

	// Later commands take the numbers.
	if r := h.mustRun("--sandbox", "mail", "read", "2"); !strings.Contains(r.stdout, inbox[1].Subject) {
		t.Errorf("read 2:\n%s", r.stdout)
	}
	r = h.mustRun("--sandbox", "--json", "mail", "delete", "3")
	if outs := jsonOut[[]outcome](t, r); len(outs) != 1 || outs[0].ID != inbox[2].ID || !outs[0].Done {
		t.Errorf("delete 3: %+v", outs)
	}
	if r := h.run("--sandbox", "mail", "read", "9"); r.code != ExitUsage || !strings.Contains(r.stderr, "there is no row 9 in the last list of messages (it had 3)") {
		t.Errorf("read 9: exit %d %q", r.code, r.stderr)
	}
	// A number means nothing for another mailbox.
	if r := h.run("--sandbox", "--resource", "user:"+sandbox.DemoBob, "mail", "read", "1"); r.code != ExitUsage || !strings.Contains(r.stderr, "another mailbox's list") {
		t.Errorf("read 1 as Bob: exit %d %q", r.code, r.stderr)
	}
	fi, err := os.Stat(filepath.Join(h.env["HOME"], ".local", "state", "o365", handlesFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("handles file: %v %v", fi, err)
	}
}

func TestAPIPaginateSingleObject(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.mustRun("--sandbox", "api", "GET", "/me", "--paginate")
	var me map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &me); err != nil || me["userPrincipalName"] != sandbox.DemoUser {
		t.Fatalf("api GET /me --paginate printed %q (%v)", r.stdout, err)
	}
	r = h.mustRun("--sandbox", "--json", "api", "/me", "--paginate", "-f", "$select=displayName")
	if strings.Count(strings.TrimSpace(r.stdout), "\n") != 0 || !strings.Contains(r.stdout, `"displayName":"Alice Adams"`) {
		t.Errorf("--json --paginate /me: %q", r.stdout)
	}
}

func TestRetriesAreVisible(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.mustRun("--sandbox", "whoami")
	for _, tc := range []struct {
		fault, notice string
		code          int
	}{
		{"429;retry-after=0", "throttled, retrying in 0s (attempt 2 of 2)", ExitThrottled},
		{"503;retry-after=0", "service unavailable (503), retrying in 0s (attempt 2 of 2)", ExitError},
	} {
		r := h.run("--sandbox", "--verbose", "api", "/me", "-H", "X-Sandbox-Fault: "+tc.fault)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.notice+"\n") {
			t.Errorf("%s: exit %d, stderr %q lacks %q", tc.fault, r.code, r.stderr, tc.notice)
		}
		// Not a terminal and no --verbose: scripts see only the error.
		if r := h.run("--sandbox", "api", "/me", "-H", "X-Sandbox-Fault: "+tc.fault); strings.Contains(r.stderr, "retrying") {
			t.Errorf("%s without --verbose: %q", tc.fault, r.stderr)
		}
	}

	// A reset ends with a sentence, the request and a hint, not "EOF".
	r := h.run("--sandbox", "--verbose", "api", "/me", "-H", "X-Sandbox-Fault: reset")
	if r.code != ExitError || !regexp.MustCompile(`connection lost, retrying in \d+(\.\d+)?[mµ]?s \(attempt 2 of 2\)\n`).MatchString(r.stderr) {
		t.Errorf("reset: exit %d %q", r.code, r.stderr)
	}
	r = h.run("--sandbox", "api", "/me", "-H", "X-Sandbox-Fault: reset")
	want := []string{
		"o365: the connection to " + h.addr + " was closed before the answer arrived",
		"request: GET https://" + h.addr + "/v1.0/me",
		"hint: the network or the service dropped the connection, and the retries did not get through: try again in a moment (--verbose shows every attempt)",
	}
	if got := lines(r.stderr); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("reset error:\n%s\nwant\n%s", r.stderr, strings.Join(want, "\n"))
	}
	// A write whose answer was lost may have been done: the hint says so.
	r = h.run("--sandbox", "api", "PATCH", "/me", "-F", "jobTitle=x", "-H", "X-Sandbox-Fault: drop")
	if !strings.Contains(r.stderr, "hint: the request may or may not have been carried out") {
		t.Errorf("lost PATCH: %q", r.stderr)
	}
}

func TestErrorsReadOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.mustRun("--sandbox", "login")
	r := h.run("--sandbox", "mail", "read", "nope")
	got := lines(r.stderr)
	if r.code != ExitNotFound || len(got) != 3 ||
		got[0] != `o365: mail: get message "nope": The specified object was not found in the store. (404 ErrorItemNotFound)` ||
		!strings.HasPrefix(got[1], "request: GET https://"+h.addr+"/v1.0/me/messages/nope?") || !strings.Contains(got[1], "(request-id ") ||
		got[2] != "hint: check the id or path; list the collection to see what exists" {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	r = h.run("--sandbox", "--json", "mail", "read", "nope")
	var je struct {
		Error, Code, Request, RequestID string
		Status, ExitCode                int
	}
	if err := json.Unmarshal([]byte(r.stderr), &je); err != nil || je.Status != 404 || je.Code != "ErrorItemNotFound" ||
		je.RequestID == "" || !strings.HasPrefix(je.Request, "GET https://") || strings.Contains(je.Error, "o365:") {
		t.Errorf("JSON error %q (%v)", r.stderr, err)
	}
}

func TestMailSyncHonesty(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "inbox.delta")

	// A file that is not a sync state is refused, and a link to another
	// host before anything is sent: not even a sign-in is attempted here.
	bad := filepath.Join(dir, "notes.txt")
	must(t, os.WriteFile(bad, []byte("my shopping list\n"), 0o600))
	if r := h.run("--sandbox", "mail", "sync", "inbox", "--state", bad); r.code != ExitUsage || !strings.Contains(r.stderr, "does not hold a mail sync state: it is not a delta link") {
		t.Errorf("shopping list: exit %d %q", r.code, r.stderr)
	}
	foreign := filepath.Join(dir, "foreign.delta")
	must(t, os.WriteFile(foreign, []byte("https://evil.example/v1.0/me/mailFolders('inbox')/messages/delta?$deltatoken=abc\n"), 0o600))
	if r := h.run("mail", "sync", "inbox", "--state", foreign); r.code != ExitUsage || !strings.Contains(r.stderr, "points at evil.example, not at graph.microsoft.com: refusing to follow it") {
		t.Errorf("foreign host: exit %d %q", r.code, r.stderr)
	}

	r := h.mustRun("--sandbox", "mail", "sync", "inbox", "--state", state)
	got := lines(r.stdout)
	if len(got) != 4 || !strings.HasPrefix(got[0], "CHANGE # RECEIVED") || !strings.HasPrefix(got[1], "new 1 ") || !strings.HasPrefix(got[3], "new 3 ") {
		t.Errorf("first sync:\n%s", r.stdout)
	}
	r = h.mustRun("--sandbox", "mail", "sync", "inbox", "--state", state)
	if r.stdout != "" || r.stderr != "No changes since the last sync.\n" {
		t.Errorf("empty sync: stdout %q stderr %q", r.stdout, r.stderr)
	}
	h.mustRun("--sandbox", "mail", "send", "--to", sandbox.DemoUser, "--subject", "to myself", "--body", "x")
	out := jsonOut[struct {
		Initial bool     `json:"initial"`
		Changed []listed `json:"changed"`
	}](t, h.mustRun("--sandbox", "--json", "mail", "sync", "inbox", "--state", state))
	if out.Initial || len(out.Changed) != 1 || out.Changed[0].Subject != "to myself" {
		t.Errorf("third sync %+v", out)
	}
	fresh := jsonOut[struct {
		Initial bool `json:"initial"`
	}](t, h.mustRun("--sandbox", "--json", "mail", "sync", "inbox", "--state", filepath.Join(dir, "other.delta")))
	if !fresh.Initial {
		t.Error("a first sync is not marked initial in JSON")
	}
}

// servedSandbox serves a seeded sandbox over TLS through wrap (nil: as it
// is) and has the harness trust its certificate through SSL_CERT_FILE.
func (h *harness) servedSandbox(wrap func(http.Handler) http.Handler) (string, *sandbox.Server) {
	h.t.Helper()
	srv, err := sandbox.New(sandbox.Options{Seed: "demo"})
	if err != nil {
		h.t.Fatal(err)
	}
	var handler = srv.Handler()
	if wrap != nil {
		handler = wrap(handler)
	}
	ts := httptest.NewUnstartedServer(handler)
	ts.StartTLS()
	h.t.Cleanup(func() {
		ts.Close()
		srv.Close()
	})
	cert := filepath.Join(h.t.TempDir(), "sandbox.cert.pem")
	must(h.t, os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o600))
	h.env["SSL_CERT_FILE"] = cert
	return ts.URL, srv
}

func TestServedSandbox(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	srv := o365test.NewSandbox(t, o365test.WithTLS())
	cert := filepath.Join(t.TempDir(), "cert.pem")
	must(t, os.WriteFile(cert, srv.CertPEM(), 0o600))
	h.env["SSL_CERT_FILE"] = cert

	r := h.mustRun("--sandbox-url", srv.URL(), "whoami")
	if !strings.Contains(r.stdout, "Alice Adams") {
		t.Fatalf("whoami on the served sandbox: %q", r.stdout)
	}
	// The CLI and a program see the same tenant.
	h.mustRun("--sandbox-url", srv.URL(), "api", "PATCH", "/me", "-F", "jobTitle=Watcher")
	me, err := http.NewRequest(http.MethodGet, srv.GraphURL()+"me?$select=jobTitle", nil)
	must(t, err)
	me.Header.Set("Authorization", "Bearer "+o365test.UserToken(t, srv, sandbox.DemoUser))
	resp, err := srv.Client().Do(me)
	must(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"jobTitle":"Watcher"`) {
		t.Errorf("the program sees %s", body)
	}
	// O365_SANDBOX=URL does the same; the embedded sandbox is not touched.
	h.env["O365_SANDBOX"] = srv.URL()
	if l := jsonOut[[]listed](t, h.mustRun("--json", "mail", "list", "--folder", "inbox")); len(l) != 3 {
		t.Errorf("mail list on the served sandbox: %+v", l)
	}
	if r := h.mustRun("sandbox", "users"); !strings.Contains(r.stdout, sandbox.DemoBob) {
		t.Errorf("sandbox users on the served sandbox: %q", r.stdout)
	}
	if _, err := os.Stat(filepath.Join(h.env["XDG_DATA_HOME"], "o365", "sandbox.db")); err == nil {
		t.Error("the embedded sandbox was opened")
	}
	r = h.mustRun("--sandbox-url", srv.URL(), "login")
	if !strings.Contains(r.stdout, "sandbox at "+srv.URL()) {
		t.Errorf("login: %q", r.stdout)
	}
	delete(h.env, "O365_SANDBOX")

	for _, tc := range []struct {
		url, err, hint string
		code           int
	}{
		{"http://127.0.0.1:5365", "signing in needs https", "o365 sandbox serve --tls", ExitUsage},
		{"https://127.0.0.1:5365/v1.0/", "give only the scheme and host", "", ExitUsage},
		{"127.0.0.1:5365", "want the address `o365 sandbox serve` prints", "", ExitUsage},
		{"https://127.0.0.1:1", "nothing answers at 127.0.0.1:1 (connection refused)", "is the sandbox running? start it with `o365 sandbox serve --tls`", ExitError},
	} {
		r := h.run("--sandbox-url", tc.url, "whoami")
		if r.code != tc.code || !strings.Contains(r.stderr, tc.err) || !strings.Contains(r.stderr, tc.hint) {
			t.Errorf("--sandbox-url %s: exit %d, stderr %q", tc.url, r.code, r.stderr)
		}
	}
}

// A DELETE whose answer is lost is sent again; the message is gone by then,
// and that is what was asked: "deleted", exit 0.
func TestDeleteAfterLostAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var dropped atomic.Int32
	url, _ := h.servedSandbox(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// The first envelope of each delete: done, its answer lost.
			if strings.HasSuffix(r.URL.Path, "/$batch") && dropped.Add(1)%2 == 1 {
				r.Header.Set("X-Sandbox-Fault", "drop")
			}
			next.ServeHTTP(w, r)
		})
	})
	ids := jsonOut[[]listed](t, h.mustRun("--sandbox-url", url, "--json", "mail", "list", "--folder", "inbox"))
	for _, args := range [][]string{{ids[0].ID}, {ids[1].ID, ids[2].ID}} {
		r := h.run(append([]string{"--sandbox-url", url, "--json", "mail", "delete"}, args...)...)
		outs := jsonOut[[]outcome](t, r)
		if r.code != 0 || len(outs) != len(args) {
			t.Fatalf("delete %v: exit %d %s %s", args, r.code, r.stdout, r.stderr)
		}
		for _, o := range outs {
			if !o.Done || o.Result != "deleted" {
				t.Errorf("delete %v: %+v", args, outs)
			}
		}
	}
	if n := dropped.Load(); n != 4 {
		t.Errorf("%d envelopes, want 4: two lost, each sent again", n)
	}
	if l := jsonOut[[]listed](t, h.mustRun("--sandbox-url", url, "--json", "mail", "list", "--folder", "inbox")); len(l) != 0 {
		t.Errorf("left in the inbox: %+v", l)
	}
}

func TestAttachmentNamesAndSizes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var valueGets atomic.Int32
	var failSecond atomic.Bool
	url, _ := h.servedSandbox(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/$value") && strings.Contains(r.URL.Path, "/attachments/") &&
				valueGets.Add(1) == 2 && failSecond.Load() {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusForbidden)
				io.WriteString(w, `{"error":{"code":"ErrorAccessDenied","message":"Access is denied."}}`)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	dir := t.TempDir()
	// A name that shows "exe.pdf" for "fdp.exe", and one of 255 bytes.
	trick := filepath.Join(dir, "invoice\u202efdp.exe")
	long := filepath.Join(dir, strings.Repeat("n", 251)+".txt")
	must(t, os.WriteFile(trick, []byte(strings.Repeat("x", 2000)), 0o600))
	must(t, os.WriteFile(long, []byte("long"), 0o600))
	h.mustRun("--sandbox-url", url, "mail", "send", "--to", sandbox.DemoUser, "--subject", "names", "--body", "x", "--attach", trick, "--attach", long)
	msgs := jsonOut[[]listed](t, h.mustRun("--sandbox-url", url, "--json", "mail", "list", "--folder", "inbox", "--search", "names"))
	if len(msgs) != 1 {
		t.Fatalf("sent message: %+v", msgs)
	}
	id := msgs[0].ID

	r := h.mustRun("--sandbox-url", url, "mail", "attachments", id)
	got := lines(r.stdout)
	if len(got) != 3 || got[1] != "invoice<U+202E>fdp.exe 2.0 kB application/octet-stream no" ||
		got[2] != strings.Repeat("n", 251)+".txt 4 B text/plain; charset=utf-8 no" || strings.Contains(r.stdout, "\u202e") {
		t.Errorf("attachments table:\n%s", r.stdout)
	}
	atts := jsonOut[[]struct {
		Name string `json:"name"`
		Size int    `json:"size"`
	}](t, h.mustRun("--sandbox-url", url, "--json", "mail", "attachments", id))
	if len(atts) != 2 || atts[0].Size != 2000 || atts[0].Name != "invoice\u202efdp.exe" {
		t.Errorf("attachments JSON (sizes in bytes, names as sent): %+v", atts)
	}

	save := filepath.Join(dir, "saved")
	for round := range 2 {
		paths := jsonOut[[]string](t, h.mustRun("--sandbox-url", url, "--json", "mail", "attachments", id, "--save", save))
		suffix := ""
		if round == 1 {
			suffix = " (1)"
		}
		want := []string{
			filepath.Join(save, "invoicefdp"+suffix+".exe"),
			filepath.Join(save, strings.Repeat("n", 251-len(suffix))+suffix+".txt"),
		}
		if strings.Join(paths, "\n") != strings.Join(want, "\n") {
			t.Errorf("save round %d: %q", round+1, paths)
		}
	}

	// A failure partway says what was saved.
	failSecond.Store(true)
	valueGets.Store(0)
	r = h.run("--sandbox-url", url, "mail", "attachments", id, "--save", save)
	if r.code != ExitError || strings.TrimSpace(r.stdout) != "SAVED\n"+filepath.Join(save, "invoicefdp (2).exe") ||
		!strings.Contains(r.stderr, `saving "`+strings.Repeat("n", 251)+`.txt" failed after 1 of 2 attachments were saved (listed above)`) {
		t.Errorf("partial save: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestExportKeepsExistingFile(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	inbox := inboxIDs(t, h)
	eml := filepath.Join(t.TempDir(), "m.eml")
	must(t, os.WriteFile(eml, []byte("precious"), 0o600))
	r := h.run("--sandbox", "mail", "export", inbox[0].ID, "--eml", eml)
	if r.code != ExitUsage || !strings.Contains(r.stderr, eml+" exists") || !strings.Contains(r.stderr, "hint: add --force to replace it") {
		t.Errorf("export over a file: exit %d %q", r.code, r.stderr)
	}
	if data, _ := os.ReadFile(eml); string(data) != "precious" {
		t.Fatalf("the file was changed: %q", data)
	}
	h.mustRun("--sandbox", "mail", "export", inbox[0].ID, "--eml", eml, "--force")
	if data, _ := os.ReadFile(eml); !strings.Contains(string(data), "Subject: "+inbox[0].Subject) {
		t.Errorf("--force did not replace it: %.100q", data)
	}
	if entries, _ := os.ReadDir(filepath.Dir(eml)); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestGroupMailboxExplained(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.run("--sandbox", "--resource", "group:02bd9fd6-8f93-4758-87c3-1fb73740a315", "mail", "list")
	if r.code != ExitUsage ||
		!strings.Contains(r.stderr, "a group's mailbox holds conversations, not messages") ||
		!strings.Contains(r.stderr, `hint: read the group's conversations with "o365 api /groups/02bd9fd6-8f93-4758-87c3-1fb73740a315/conversations"`) {
		t.Errorf("exit %d %q", r.code, r.stderr)
	}
}

func TestSandboxLoginFlagsAndAccounts(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, flag := range [][]string{{"--browser"}, {"--client-secret-env", "SECRET"}, {"--client-id", "x"}, {"--tenant", "contoso"}} {
		r := h.run(append([]string{"--sandbox", "login"}, flag...)...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, flag[0]+` does not apply to the sandbox: "o365 --sandbox login" signs in its demo user`) {
			t.Errorf("login %v: exit %d %q", flag, r.code, r.stderr)
		}
	}
	h.mustRun("--sandbox", "login", "--device-code")
	// Another address for the embedded sandbox: the same user, once.
	other := newHarness(t).addr
	h.addr = other
	h.mustRun("--sandbox", "whoami")
	accts := jsonOut[[]struct{ Username string }](t, h.mustRun("--sandbox", "--json", "accounts"))
	if len(accts) != 1 || accts[0].Username != sandbox.DemoUser {
		t.Errorf("accounts %+v", accts)
	}
}

// Runs at the same time share one embedded sandbox: one database, created
// once, and one sign-in.
func TestConcurrentSandboxRuns(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var wg sync.WaitGroup
	results := make([]result, 4)
	for i := range results {
		wg.Go(func() { results[i] = h.run("--sandbox", "--json", "whoami") })
	}
	wg.Wait()
	for i, r := range results {
		if r.code != 0 || !strings.Contains(r.stdout, sandbox.DemoUser) {
			t.Errorf("run %d: exit %d %s %s", i, r.code, r.stdout, r.stderr)
		}
	}
	r := h.mustRun("--sandbox", "whoami")
	if strings.Contains(r.stderr, "Signing in") {
		t.Errorf("signed in again: %q", r.stderr)
	}
	db := filepath.Join(h.env["XDG_DATA_HOME"], "o365", "sandbox.db")
	for _, f := range []string{db, db + ".lock"} {
		if fi, err := os.Stat(f); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", filepath.Base(f), fi, err)
		}
	}
}

func TestServeRefusesPublicAddressUnlessAsked(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.run("sandbox", "serve", "--addr", "0.0.0.0:0", "--db", ":memory:")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--addr 0.0.0.0:0 can be reached from other machines") || !strings.Contains(r.stderr, "hint: serve on 127.0.0.1 (the default), or add --public") {
		t.Errorf("serve on 0.0.0.0: exit %d %q", r.code, r.stderr)
	}
	var out, errw strings.Builder
	app := &App{Stdout: &out, Stderr: &errw, Getenv: func(k string) string { return h.env[k] }}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if code := app.Run(ctx, []string{"sandbox", "serve", "--addr", "0.0.0.0:0", "--public", "--db", ":memory:"}); code != 0 {
		t.Fatalf("serve --public: exit %d %s", code, errw.String())
	}
	if !strings.Contains(errw.String(), "warning: the sandbox at http://127.0.0.1:") || !strings.Contains(errw.String(), "are public") {
		t.Errorf("no warning: %q", errw.String())
	}
}

func TestProgressTimesFromTheStart(t *testing.T) {
	var errw strings.Builder
	o := &Output{out: io.Discard, err: &errw, errTTY: true}
	const total = 10_000_000
	p := o.NewProgress(total, "big.bin")
	p.Set(0, total) // the upload starts
	time.Sleep(200 * time.Millisecond)
	p.Set(total/10, total) // the first chunk is accepted
	m := regexp.MustCompile(`\(([0-9.]+) (kB|MB|GB)/s\)`).FindStringSubmatch(errw.String())
	if m == nil {
		t.Fatalf("no rate in %q", errw.String())
	}
	var rate float64
	fmt.Sscan(m[1], &rate)
	if m[2] != "MB" || rate > 5.5 {
		t.Errorf("1 MB in 200 ms shown as %s %s/s", m[1], m[2])
	}
}

func TestHumanSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 2000: "2.0 kB", 57_000_000: "57 MB", 57_400_000: "57 MB", 1_500_000_000: "1.5 GB", 999_600: "1.0 MB"} {
		if got := humanSize(n); got != want {
			t.Errorf("humanSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestSanitizeEscapesInvisible(t *testing.T) {
	for in, want := range map[string]string{
		"invoice\u202efdp.exe":       "invoice<U+202E>fdp.exe",
		"a\u200bb\u2066c\u2069":      "a<U+200B>b<U+2066>c<U+2069>",
		"tab\there":                  "tab here",
		"\U0001F468\u200d\U0001F469": "\U0001F468\u200d\U0001F469",
	} {
		if got := sanitize(in); got != want {
			t.Errorf("sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}
