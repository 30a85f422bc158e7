package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/o365go/o365"
)

func TestParseConfig(t *testing.T) {
	t.Parallel()
	src := `# comment
client_id = abc
tenant = "contoso.onmicrosoft.com"
; another comment
[work]
tenant = fabrikam.com
resource = user:shared@fabrikam.com
`
	cf, err := parseConfig(strings.NewReader(src), "config")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"O365_PROTOCOL": "graph-beta"}
	getenv := func(k string) string { return env[k] }

	def, err := resolveSettings(cf, "", getenv, settings{})
	if err != nil {
		t.Fatal(err)
	}
	if def.ClientID != "abc" || def.Tenant != "contoso.onmicrosoft.com" || def.Protocol != "graph-beta" || def.Resource != "" {
		t.Errorf("default profile = %+v", def)
	}
	work, err := resolveSettings(cf, "work", getenv, settings{Resource: "me"})
	if err != nil {
		t.Fatal(err)
	}
	if work.ClientID != "abc" || work.Tenant != "fabrikam.com" || work.Resource != "me" {
		t.Errorf("work profile = %+v (flags must override)", work)
	}
	env["O365_TENANT"] = "env.example"
	work, _ = resolveSettings(cf, "work", getenv, settings{})
	if work.Tenant != "env.example" || work.Resource != "user:shared@fabrikam.com" {
		t.Errorf("env must override the file: %+v", work)
	}
	if _, err := resolveSettings(cf, "nope", getenv, settings{}); ExitCode(err) != ExitUsage {
		t.Errorf("unknown profile: %v (exit %d)", err, ExitCode(err))
	}
}

func TestParseConfigErrors(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"client_id", "colour = blue", "[work", "[]"} {
		if _, err := parseConfig(strings.NewReader(src), "config"); err == nil || !strings.Contains(err.Error(), "config:1") {
			t.Errorf("%q: err = %v, want a line-numbered error", src, err)
		}
	}
}

func TestTable(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	out := &Output{out: &buf, width: 30}
	tb := NewTable("Name", "Subject")
	tb.Add("Alice", "a very long subject line that will not fit at all")
	tb.Add("Bob\x1b[31m", "short")
	if err := out.Table(tb); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %q", buf.String())
	}
	if !strings.HasPrefix(lines[0], "NAME   ") || !strings.Contains(lines[0], "SUBJECT") {
		t.Errorf("header %q", lines[0])
	}
	for _, l := range lines {
		if n := len([]rune(l)); n > 30 {
			t.Errorf("line %q is %d wide, want <= 30", l, n)
		}
		if strings.ContainsRune(l, 0x1b) {
			t.Errorf("control character not removed: %q", l)
		}
	}
	if !strings.HasSuffix(lines[1], "…") {
		t.Errorf("long cell not truncated: %q", lines[1])
	}
}

func TestOutputPrintJSON(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	out := &Output{out: &buf, json: true}
	if err := out.Print(map[string]int{"n": 1}, func() *Table { t.Fatal("table built in JSON mode"); return nil }); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "{\"n\":1}\n" {
		t.Errorf("got %q", buf.String())
	}
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{errors.New("boom"), ExitError},
		{UsageError("bad"), ExitUsage},
		{fmt.Errorf("x: %w", &o365.Error{StatusCode: 404}), ExitNotFound},
		{&o365.Error{StatusCode: 429}, ExitThrottled},
		{&o365.Error{StatusCode: 401}, ExitSignIn},
		{signInError(errors.New("no account"), "login"), ExitSignIn},
		{o365.ErrAppOnlyMe, ExitUsage},
		{errors.New(`unknown command "x" for "o365"`), ExitUsage},
		// Only the typed wrapping makes cobra's flag errors usage errors.
		{errors.New(`at least one of the flags in the group [body body-file] is required`), ExitError},
	} {
		if got := ExitCode(tc.err); got != tc.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

func TestAPIPath(t *testing.T) {
	t.Parallel()
	g := o365.Graph()
	for _, tc := range []struct {
		in, path, version string
		usage             bool
	}{
		{in: "messages", path: "messages"},
		{in: "/users", path: "/users"},
		{in: "me", path: "/me"},
		{in: "users/x/messages", path: "/users/x/messages"},
		{in: "v1.0/me", path: "/me"},
		{in: "mailFolders/inbox", path: "mailFolders/inbox"},
		{in: "/v1.0/me", path: "/me"},
		{in: "/beta/me", path: "/me", version: "beta"},
		{in: "/users?$filter=startswith(displayName,'A b')", path: "/users?$filter=startswith(displayName,'A%20b')"},
		{in: "https://graph.microsoft.com/v1.0/users?$skiptoken=x", path: "https://graph.microsoft.com/v1.0/users?$skiptoken=x"},
		{in: "https://evil.example/v1.0/me", usage: true},
		{in: "/", usage: true},
	} {
		path, version, err := apiPath(g, tc.in)
		if tc.usage {
			if ExitCode(err) != ExitUsage {
				t.Errorf("%q: err = %v, want a usage error", tc.in, err)
			}
			continue
		}
		if err != nil || path != tc.path || version != tc.version {
			t.Errorf("%q: got (%q, %q, %v), want (%q, %q)", tc.in, path, version, err, tc.path, tc.version)
		}
	}
}

func TestFields(t *testing.T) {
	t.Parallel()
	fields, err := parseFields(
		[]string{"n=3", "ok=true", "none=null", "f=1.5", "s=hello", "body[content]=hi", "to[]=a", "to[]=b", "file=@-"},
		[]string{"raw=true"},
		strings.NewReader("from stdin"),
	)
	if err != nil {
		t.Fatal(err)
	}
	body, err := fieldsBody(fields)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"n": 3.0, "ok": true, "none": nil, "f": 1.5, "s": "hello", "raw": "true", "file": "from stdin",
		"body": map[string]any{"content": "hi"}, "to": []any{"a", "b"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("body = %v\nwant   %v", got, want)
	}
	q, _ := fieldsQuery([]field{{"$top", json.RawMessage("5")}, {"$filter", "a eq 'b'"}})
	if q != "$top=5&$filter=a%20eq%20%27b%27" {
		t.Errorf("query = %q", q)
	}
	for _, bad := range [][]string{{"novalue"}, {"=x"}, {"a[b=1"}} {
		if _, err := parseFields(bad, nil, nil); err == nil {
			if fs, _ := parseFields(bad, nil, nil); fs != nil {
				if _, err := fieldsBody(fs); err == nil {
					t.Errorf("%q: no error", bad)
				}
			}
		}
	}
}

func TestProgressOffTerminal(t *testing.T) {
	t.Parallel()
	var out, errw bytes.Buffer
	o := newOutput(&out, &errw, false, func(string) string { return "" })
	p := o.NewProgress(100, "file.bin")
	p.Set(10, 100)
	p.Add(5)
	var dst bytes.Buffer
	if _, err := p.Writer(&dst).Write([]byte("abc")); err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(p.Reader(strings.NewReader("xyz")))
	p.Finish()
	var nilP *Progress
	nilP.Set(1, 2)
	nilP.Finish()
	if errw.Len() != 0 || dst.String() != "abc" || string(data) != "xyz" {
		t.Errorf("a progress bar off a terminal wrote %q", errw.String())
	}
}

// TestCobraErrorsAreUsage runs cobra's own checks (arguments, flags, required
// flags, the three kinds of flag groups) in the real root command and checks
// that each failure is a typed usage error, exit code 2, and that the command
// does not run.
func TestCobraErrorsAreUsage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		err  string // cobra's message; "" means the command runs
	}{
		{"one-required group satisfied", []string{"flaggroups", "--a"}, ""},
		{"one-required group empty", []string{"flaggroups"}, "at least one of the flags in the group [a b] is required"},
		{"mutually exclusive", []string{"flaggroups", "--a", "--c", "--d"}, "if any flags in the group [c d] are set none of the others can be; [c d] were all set"},
		{"required together, one missing", []string{"flaggroups", "--b", "--e"}, "if any flags in the group [e f] are set they must all be set; missing [f]"},
		{"required together, both", []string{"flaggroups", "--b", "--e", "--f"}, ""},
		{"required flag", []string{"required"}, `required flag(s) "name" not set`},
		{"required flag given", []string{"required", "--name", "x"}, ""},
		{"too many arguments", []string{"flaggroups", "--a", "extra"}, `unknown command "extra" for "o365 flaggroups"`},
		{"unknown flag", []string{"flaggroups", "--a", "--nope"}, "unknown flag: --nope"},
		{"flag needs an argument", []string{"required", "--name"}, "flag needs an argument: --name"},
		{"bad flag value", []string{"flaggroups", "--a=maybe"}, `invalid argument "maybe" for "--a" flag: strconv.ParseBool: parsing "maybe": invalid syntax`},
		{"unknown command", []string{"nope"}, `unknown command "nope" for "o365"`},
		// A real command of the tree: login's flows exclude each other.
		{"login with two flows", []string{"login", "--device-code", "--browser"}, "if any flags in the group [device-code browser client-secret-env client-secret-stdin certificate] are set none of the others can be; [browser device-code] were all set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSession(&App{Stdout: io.Discard, Stderr: io.Discard})
			defer s.close()
			root := newRootCommand(s)
			ran := false
			run := func(*cobra.Command, []string) error { ran = true; return nil }
			var flags [6]bool
			groups := &cobra.Command{Use: "flaggroups", Args: cobra.NoArgs, RunE: run}
			for i, name := range []string{"a", "b", "c", "d", "e", "f"} {
				groups.Flags().BoolVar(&flags[i], name, false, "")
			}
			groups.MarkFlagsOneRequired("a", "b")
			groups.MarkFlagsMutuallyExclusive("c", "d")
			groups.MarkFlagsRequiredTogether("e", "f")
			required := &cobra.Command{Use: "required", RunE: run}
			required.Flags().String("name", "", "")
			if err := required.MarkFlagRequired("name"); err != nil {
				t.Fatal(err)
			}
			for _, c := range []*cobra.Command{groups, required} {
				setUsageArgs(c)
				root.AddCommand(c)
			}
			root.SetArgs(tc.args)
			root.SetOut(io.Discard)
			root.SetErr(io.Discard)
			err := root.ExecuteContext(context.Background())

			if tc.err == "" {
				if err != nil || !ran {
					t.Fatalf("err = %v, ran = %v; want the command to run", err, ran)
				}
				return
			}
			var u *usageError
			if err == nil || err.Error() != tc.err {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
			// cobra reports an unknown root subcommand before any hook of ours.
			if tc.args[0] != "nope" && !errors.As(err, &u) {
				t.Errorf("%q is not a *usageError", err)
			}
			if code := ExitCode(err); code != ExitUsage {
				t.Errorf("exit code %d, want %d", code, ExitUsage)
			}
			if h := hint(err, sandboxTarget{}); h != helpHint {
				t.Errorf("hint %q", h)
			}
			if ran {
				t.Error("the command ran")
			}
		})
	}
}

// TestErrorTextWithAside: a failure the library checked afterwards ("(and
// looking for the message: ...)", o365.Once) reads as the failure, its
// request is the failed one, and the check follows without "o365:".
func TestErrorTextWithAside(t *testing.T) {
	t.Parallel()
	lookup := &o365.Error{StatusCode: 404, Code: "ErrorItemNotFound", Message: "Not there.", Method: "GET", URL: "https://h/v1.0/me/messages/a", RequestID: "r2"}
	lost := fmt.Errorf("o365: POST https://h/v1.0/me/messages/a/move: %w", io.EOF)
	err := fmt.Errorf("mail: move %q: %w", "a", fmt.Errorf("%w (and looking for the message: %v)", lost, lookup))
	msg, req := errorText(err)
	want := `mail: move "a": the connection to h was closed before the answer arrived (and looking for the message: GET https://h/v1.0/me/messages/a: 404 Not Found: ErrorItemNotFound: Not there. (request-id r2))`
	if msg != want || req != "POST https://h/v1.0/me/messages/a/move" {
		t.Errorf("transport failure with an aside:\n%s\n%s", msg, req)
	}
	if ExitCode(err) != ExitError || hint(err, sandboxTarget{}) != "the request may or may not have been carried out: check its effect before repeating it" {
		t.Errorf("exit %d, hint %q", ExitCode(err), hint(err, sandboxTarget{}))
	}

	refused := &o365.Error{StatusCode: 503, Code: "serviceNotAvailable", Message: "Later.", Method: "POST", URL: "https://h/v1.0/me/sendMail", RequestID: "r1"}
	err = fmt.Errorf("mail: send: %w", fmt.Errorf("%w (and looking for the message: %v)", refused, errors.New("o365: a check failed")))
	msg, req = errorText(err)
	if msg != "mail: send: Later. (503 serviceNotAvailable) (and looking for the message: a check failed)" || req != "POST https://h/v1.0/me/sendMail (request-id r1)" {
		t.Errorf("service answer with an aside:\n%s\n%s", msg, req)
	}
}

// The embedded sandbox answers its own address and, for pre-authenticated
// URLs, the same port under loopback's other name; nothing else.
func TestInProcessHosts(t *testing.T) {
	ip := &inProcess{host: "127.0.0.1:5366"}
	for host, want := range map[string]bool{
		"127.0.0.1:5366": true, "localhost:5366": true, "LOCALHOST:5366": true,
		"localhost:5367": false, "example.com:5366": false, "10.0.0.1:5366": false, "localhost": false,
	} {
		if got := ip.serves(host); got != want {
			t.Errorf("serves(%q) = %v, want %v", host, got, want)
		}
	}
}
