package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/sandbox"
)

// harness runs the real command tree in-process with a private home: its own
// config and data directories, so each test has its own sandbox database and
// token store.
type harness struct {
	t     *testing.T
	env   map[string]string
	addr  string
	cloud *Cloud
	// openBrowser plays the browser in loopback sign-ins.
	openBrowser func(string) error
	// onStderr, when set, sees everything written to stderr as it is written.
	onStderr func(p []byte)
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	dir := t.TempDir()
	h := &harness{t: t, env: map[string]string{
		"HOME":            filepath.Join(dir, "home"),
		"XDG_CONFIG_HOME": filepath.Join(dir, "config"),
		"XDG_DATA_HOME":   filepath.Join(dir, "data"),
	}}
	// An address of its own per test for the embedded sandbox, which only
	// names it (nothing listens): tests that start servers of their own
	// take free ones, so a free one keeps the names apart.
	for range 100 {
		addr := fmt.Sprintf("127.0.0.1:%d", 20000+rand.IntN(10000))
		if ln, err := net.Listen("tcp", addr); err == nil {
			ln.Close()
			h.addr = addr
			return h
		}
	}
	t.Fatal("no free port")
	return nil
}

// watchWriter passes writes to w and shows them to watch.
type watchWriter struct {
	w     *bytes.Buffer
	watch func([]byte)
}

func (w watchWriter) Write(p []byte) (int, error) {
	if w.watch != nil {
		w.watch(p)
	}
	return w.w.Write(p)
}

type result struct {
	stdout, stderr string
	code           int
}

func (h *harness) run(args ...string) result {
	return h.runWithInput("", args...)
}

func (h *harness) runWithInput(stdin string, args ...string) result {
	h.t.Helper()
	var out, errw bytes.Buffer
	app := &App{
		Stdin:       strings.NewReader(stdin),
		Stdout:      &out,
		Stderr:      watchWriter{&errw, h.onStderr},
		Cloud:       h.cloud,
		OpenBrowser: h.openBrowser,
		Getenv:      func(k string) string { return h.env[k] },
		SandboxAddr: h.addr,
		Retry:       &o365.RetryPolicy{MaxAttempts: 2, MaxTotalWait: time.Millisecond, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond},
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code := app.Run(ctx, args)
	return result{stdout: out.String(), stderr: errw.String(), code: code}
}

func (h *harness) mustRun(args ...string) result {
	h.t.Helper()
	r := h.run(args...)
	if r.code != 0 {
		h.t.Fatalf("o365 %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

func TestSandboxLoginAndWhoami(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.mustRun("--sandbox", "login")
	if !strings.Contains(r.stdout, sandbox.DemoUser) {
		t.Errorf("login output %q lacks the demo user", r.stdout)
	}
	if !strings.Contains(r.stderr, "approved automatically") {
		t.Errorf("login did not go through the device code flow: %q", r.stderr)
	}

	r = h.mustRun("--sandbox", "whoami")
	if !strings.Contains(r.stdout, "Alice Adams") || !strings.Contains(r.stdout, sandbox.DemoUser) {
		t.Errorf("whoami printed %q", r.stdout)
	}
	if strings.Contains(r.stderr, "device code") {
		t.Errorf("whoami signed in again instead of using the cached tokens: %q", r.stderr)
	}

	r = h.mustRun("--sandbox", "--json", "whoami")
	var me map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &me); err != nil {
		t.Fatalf("--json whoami is not JSON: %v\n%s", err, r.stdout)
	}
	if me["userPrincipalName"] != sandbox.DemoUser || me["id"] != sandbox.DemoUserID {
		t.Errorf("whoami --json = %v", me)
	}

	r = h.mustRun("--sandbox", "--json", "accounts")
	var accts []struct {
		Username string `json:"username"`
		Current  bool   `json:"current"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &accts); err != nil {
		t.Fatalf("accounts --json: %v\n%s", err, r.stdout)
	}
	if len(accts) != 1 || !strings.EqualFold(accts[0].Username, sandbox.DemoUser) {
		t.Errorf("accounts = %+v", accts)
	}
}

func TestSandboxWhoamiSignsInByItself(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.mustRun("--sandbox", "whoami")
	if !strings.Contains(r.stdout, sandbox.DemoUser) {
		t.Errorf("whoami printed %q", r.stdout)
	}
	h.env["O365_SANDBOX"] = "1"
	r = h.mustRun("--resource", "user:"+sandbox.DemoBob, "whoami")
	if !strings.Contains(r.stdout, "Bob Baker") {
		t.Errorf("whoami --resource user:bob printed %q", r.stdout)
	}
}

func TestAPIGetMe(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.mustRun("--sandbox", "api", "GET", "/me")
	var me map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &me); err != nil {
		t.Fatalf("api /me is not JSON: %v\n%s", err, r.stdout)
	}
	if me["userPrincipalName"] != sandbox.DemoUser {
		t.Errorf("api /me = %v", me)
	}
	if !strings.Contains(r.stdout, "\n  \"") {
		t.Errorf("api output is not indented: %q", r.stdout)
	}

	r = h.mustRun("--sandbox", "--json", "api", "/me", "-f", "$select=displayName")
	if strings.Count(strings.TrimSpace(r.stdout), "\n") != 0 {
		t.Errorf("--json output is not one line: %q", r.stdout)
	}
	me = nil
	if err := json.Unmarshal([]byte(r.stdout), &me); err != nil || me["displayName"] != "Alice Adams" {
		t.Errorf("api --json /me $select: %v %v", me, err)
	}
}

func TestAPIPaginate(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.mustRun("--sandbox", "--json", "api", "/users", "--paginate", "-f", "$top=2", "-f", "$select=id,userPrincipalName")
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	seen := map[string]bool{}
	for sc.Scan() {
		var u struct {
			ID  string `json:"id"`
			UPN string `json:"userPrincipalName"`
		}
		if err := json.Unmarshal(sc.Bytes(), &u); err != nil {
			t.Fatalf("line %q is not JSON: %v", sc.Text(), err)
		}
		if seen[u.ID] {
			t.Errorf("user %s listed twice", u.UPN)
		}
		seen[u.ID] = true
	}
	for _, id := range []string{sandbox.DemoUserID, sandbox.DemoBobID, sandbox.DemoCarolID, sandbox.DemoDanID} {
		if !seen[id] {
			t.Errorf("user %s missing from the paginated list (%d users)", id, len(seen))
		}
	}
}

func TestExitCodesEndToEnd(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, tc := range []struct {
		name string
		args []string
		code int
		hint string
	}{
		{"usage: no path", []string{"--sandbox", "api"}, ExitUsage, "help"},
		// The message says what to do: no generic hint to "o365 help".
		{"usage: bad protocol", []string{"--sandbox", "--protocol", "nope", "whoami"}, ExitUsage, ""},
		{"usage: bad resource", []string{"--sandbox", "--resource", "user:", "whoami"}, ExitUsage, "--resource takes me, user:NAME@DOMAIN"},
		{"usage: unknown resource kind", []string{"--sandbox", "--resource", "bad:x", "mail", "list"}, ExitUsage, "group:ID"},
		{"usage: unknown flag", []string{"whoami", "--nope"}, ExitUsage, "help"},
		{"usage: flags that exclude each other", []string{"login", "--device-code", "--browser"}, ExitUsage, "help"},
		{"usage: required flag", []string{"--sandbox", "mail", "reply", "some-id"}, ExitUsage, "help"},
		{"usage: unknown subcommand", []string{"mail", "lst"}, ExitUsage, `did you mean "o365 mail list"?`},
		{"usage: unknown subcommand, no suggestion", []string{"sandbox", "zzzzzz"}, ExitUsage, "help"},
		{"not found", []string{"--sandbox", "api", "/users/nobody@contoso.onmicrosoft.com"}, ExitNotFound, "check the id"},
		{"throttled", []string{"--sandbox", "api", "/me", "-H", "X-Sandbox-Fault: 429"}, ExitThrottled, "throttling"},
		{"sign-in needed", []string{"whoami"}, ExitSignIn, "o365 login"},
		{"login without client id", []string{"login", "--device-code"}, ExitUsage, "client_id"},
	} {
		r := h.run(tc.args...)
		if r.code != tc.code {
			t.Errorf("%s: o365 %s: exit %d, want %d\nstderr: %s", tc.name, strings.Join(tc.args, " "), r.code, tc.code, r.stderr)
			continue
		}
		_, after, ok := strings.Cut(r.stderr, "hint: ")
		switch {
		case tc.hint == "" && ok:
			t.Errorf("%s: stderr %q has a hint, want none", tc.name, r.stderr)
		case tc.hint != "" && (!ok || !strings.Contains(after, tc.hint)):
			t.Errorf("%s: stderr %q lacks a hint containing %q", tc.name, r.stderr, tc.hint)
		}
		if strings.Contains(r.stderr, "o365: o365") || strings.Count(r.stderr, "o365: ") > 1 {
			t.Errorf("%s: the error does not read once: %q", tc.name, r.stderr)
		}
	}

	// A group of commands alone prints its help and succeeds.
	if r := h.mustRun("mail"); !strings.Contains(r.stdout, "Available Commands:") || r.stderr != "" {
		t.Errorf("o365 mail: stdout %q, stderr %q", r.stdout, r.stderr)
	}

	r := h.run("--json", "whoami")
	var je struct {
		Error    string `json:"error"`
		ExitCode int    `json:"exitCode"`
	}
	if err := json.Unmarshal([]byte(r.stderr), &je); err != nil || je.ExitCode != ExitSignIn {
		t.Errorf("--json error on stderr = %q (%v)", r.stderr, err)
	}
}

// tokenSecrets reads every "secret" value (access, refresh and id tokens) from
// an MSAL cache file.
func tokenSecrets(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the token store: %v", err)
	}
	var secrets []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && strings.EqualFold(k, "secret") && len(s) > 8 {
					secrets = append(secrets, s)
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("the token store is not JSON: %v", err)
	}
	walk(doc)
	return secrets
}

func TestVerboseRedactsSecrets(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	first := h.mustRun("--sandbox", "--verbose", "login")
	second := h.mustRun("--sandbox", "--verbose", "api", "/me")
	third := h.mustRun("--sandbox", "--verbose", "--json", "api", "/users", "--paginate")
	if !strings.Contains(second.stderr, "/me") {
		t.Errorf("--verbose logged no request: %q", second.stderr)
	}
	store := filepath.Join(h.env["XDG_CONFIG_HOME"], "o365", sandboxTokenFile)
	fi, err := os.Stat(store)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("token store mode %v, want 0600", fi.Mode().Perm())
	}
	secrets := tokenSecrets(t, store)
	if len(secrets) == 0 {
		t.Fatal("no tokens in the store")
	}
	secrets = append(secrets, sandbox.DemoPassword)
	for _, r := range []result{first, second, third} {
		for _, s := range secrets {
			if strings.Contains(r.stderr, s) || strings.Contains(r.stdout, s) {
				t.Errorf("a secret (%.6s...) reached the output", s)
			}
		}
		if strings.Contains(r.stderr, "Bearer ") {
			t.Errorf("a bearer token header was logged")
		}
	}
}

func TestAPIWrite(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.runWithInput(`{"jobTitle":"Chief Sandbox Officer"}`, "--sandbox", "api", "PATCH", "/me", "--input", "-")
	if r.code != 0 {
		t.Fatalf("PATCH --input -: exit %d: %s", r.code, r.stderr)
	}
	h.mustRun("--sandbox", "api", "PATCH", "/me", "-f", "officeLocation=Lab 7")
	r = h.mustRun("--sandbox", "--json", "api", "/me", "-f", "$select=jobTitle,officeLocation")
	var me map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &me); err != nil {
		t.Fatal(err)
	}
	if me["jobTitle"] != "Chief Sandbox Officer" || me["officeLocation"] != "Lab 7" {
		t.Errorf("after PATCH: %v", me)
	}
}

func TestProtocols(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.mustRun("--sandbox", "--json", "--protocol", "office365", "api", "/me")
	if !strings.Contains(r.stdout, `"UserPrincipalName":"`+sandbox.DemoUser+`"`) {
		t.Errorf("office365 /me is not PascalCase: %s", r.stdout)
	}
	r = h.mustRun("--sandbox", "--json", "--protocol", "office365", "whoami")
	if !strings.Contains(r.stdout, `"userPrincipalName":"`+sandbox.DemoUser+`"`) {
		t.Errorf("office365 whoami (decoded by the library into camelCase): %s", r.stdout)
	}
	r = h.mustRun("--sandbox", "--json", "api", "--beta", "/me")
	if !strings.Contains(r.stdout, "/beta/") {
		t.Errorf("--beta did not call /beta: %s", r.stdout)
	}
	if r := h.run("--sandbox", "--protocol", "office365", "api", "--beta", "/me"); r.code != ExitUsage {
		t.Errorf("--beta on office365: exit %d, want 2", r.code)
	}
}

func TestSandboxCommands(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.mustRun("--json", "sandbox", "seed", "demo")
	if !strings.Contains(r.stdout, `"seeded":"demo"`) {
		t.Errorf("seed printed %q", r.stdout)
	}
	r = h.mustRun("sandbox", "users")
	for _, u := range []string{sandbox.DemoUser, sandbox.DemoBob, sandbox.DemoCarol, sandbox.DemoDan} {
		if !strings.Contains(r.stdout, u) {
			t.Errorf("sandbox users lacks %s:\n%s", u, r.stdout)
		}
	}
	h.mustRun("sandbox", "reset")
	// The next --sandbox run seeds the demo tenant again.
	r = h.mustRun("--sandbox", "whoami")
	if !strings.Contains(r.stdout, sandbox.DemoUser) {
		t.Errorf("whoami after reset printed %q", r.stdout)
	}
	if r := h.run("sandbox", "seed", "big"); r.code != ExitUsage {
		t.Errorf("seed big: exit %d, want 2", r.code)
	}
	r = h.mustRun("--json", "sandbox", "seed", "--size", "4", "--size", "directory.extraUsers=2")
	if !strings.Contains(r.stdout, `"size":4`) || !strings.Contains(r.stdout, `"users":2`) ||
		!strings.Contains(r.stdout, `"knobs":{"directory.extraUsers":2,"mail.messagesPerInbox":4}`) {
		t.Errorf("seed with sizes printed %q", r.stdout)
	}
	for _, bad := range []string{"mail.nope=1", "-1", "mail.messagesPerInbox=x", "directory.extraUsers=-3"} {
		if r := h.run("sandbox", "seed", "--size", bad); r.code != ExitUsage || !strings.Contains(r.stderr, "mail.messagesPerInbox") {
			t.Errorf("seed --size %s: exit %d, want 2 naming the knobs (%s)", bad, r.code, r.stderr)
		}
	}
	if r := h.mustRun("sandbox", "seed", "--help"); !strings.Contains(r.stdout, "directory.extraUsers") {
		t.Errorf("seed --help does not list the knobs:\n%s", r.stdout)
	}
	if r := h.run("sandbox", "serve", "--db", ":memory:", "--faults", "nonsense"); r.code != ExitUsage {
		t.Errorf("serve --faults nonsense: exit %d, want 2 (%s)", r.code, r.stderr)
	}
}

func TestServeUntilCancelled(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var out, errw bytes.Buffer
	app := &App{Stdout: &out, Stderr: &errw, Getenv: func(k string) string { return h.env[k] }}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if code := app.Run(ctx, []string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--tls", "--seed", "demo", "--db", ":memory:"}); code != 0 {
		t.Fatalf("serve: exit %d: %s", code, errw.String())
	}
	for _, want := range []string{"https://127.0.0.1:", "/v1.0/", sandbox.DemoPassword, sandbox.DemoPublicClientID, "BEGIN CERTIFICATE"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("serve banner lacks %q:\n%s", want, out.String())
		}
	}
}

func TestVersionAndCompletion(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.mustRun("--json", "version")
	var v map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || v["library"] != o365.Version {
		t.Errorf("version --json = %q (%v)", r.stdout, err)
	}
	for _, sh := range []string{"bash", "zsh", "fish"} {
		if r := h.mustRun("completion", sh); !strings.Contains(r.stdout, "o365") {
			t.Errorf("completion %s printed nothing useful", sh)
		}
	}
	if r := h.run("completion", "tcsh"); r.code != ExitUsage {
		t.Errorf("completion tcsh: exit %d, want 2", r.code)
	}
	if r := h.mustRun("--help"); !strings.Contains(r.stdout, "Exit codes:") {
		t.Errorf("--help does not document the exit codes")
	}
}

func TestConfigProfiles(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dir := filepath.Join(h.env["XDG_CONFIG_HOME"], "o365")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	conf := "resource = user:" + sandbox.DemoCarol + "\n[bob]\nresource = user:" + sandbox.DemoBob + "\n"
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := h.mustRun("--sandbox", "whoami"); !strings.Contains(r.stdout, "Carol Clark") {
		t.Errorf("config resource ignored: %q", r.stdout)
	}
	if r := h.mustRun("--sandbox", "--profile", "bob", "whoami"); !strings.Contains(r.stdout, "Bob Baker") {
		t.Errorf("--profile bob ignored: %q", r.stdout)
	}
	h.env["O365_PROFILE"] = "bob"
	h.env["O365_RESOURCE"] = "me"
	if r := h.mustRun("--sandbox", "whoami"); !strings.Contains(r.stdout, "Alice Adams") {
		t.Errorf("O365_RESOURCE must override the profile: %q", r.stdout)
	}
	if r := h.mustRun("--sandbox", "--resource", "user:"+sandbox.DemoDan, "whoami"); !strings.Contains(r.stdout, "Dan Davis") {
		t.Errorf("--resource must override O365_RESOURCE: %q", r.stdout)
	}
	if r := h.run("--sandbox", "--profile", "nobody", "whoami"); r.code != ExitUsage {
		t.Errorf("unknown profile: exit %d, want 2", r.code)
	}
}
