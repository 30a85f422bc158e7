package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/o365go/o365"
)

// App is the outside world of one o365 process: its streams, its environment
// and a few hooks. cmd/o365 fills it from the os package; tests fill it with
// buffers and a private environment, so command trees run in parallel in one
// test binary. An App holds no state between runs.
type App struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads an environment variable, "" when unset.
	Getenv func(string) string
	// Version is what `o365 version` prints; "" uses the build information.
	Version string
	// SandboxAddr is the address the embedded sandbox (--sandbox) is known
	// by, "" for 127.0.0.1:5366. It listens on no port: each run serves its
	// requests in-process from the shared database. The address names it in
	// links and tokens, and keys the sign-in cached for it.
	SandboxAddr string
	// Retry overrides the library's retry policy; nil keeps its default.
	Retry *o365.RetryPolicy
	// OpenBrowser opens a URL for the loopback sign-in; nil lets the auth
	// package use the system's browser.
	OpenBrowser func(url string) error
	// Cloud, when set, stands in for Microsoft's cloud in runs without
	// --sandbox: `o365 login` and every request go to it. Tests point it at
	// a sandbox they started, to run the tenant sign-in flows offline.
	Cloud *Cloud
}

// Cloud is a Graph-compatible service with its identity platform at one base
// URL, such as a sandbox served by `o365 sandbox serve --tls`.
type Cloud struct {
	// BaseURL is the scheme and host, e.g. "https://127.0.0.1:5365": Graph
	// at BaseURL/v1.0, the authority at BaseURL/{tenant}.
	BaseURL string
	// HTTPClient trusts the service's certificate.
	HTTPClient *http.Client
}

// NewApp returns the App of the running process: os streams and environment.
func NewApp() *App {
	return &App{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

// Run runs the o365 command with args (without the program name) and returns
// the process exit code (see the Exit* constants). ctx should be cancelled on
// SIGINT; cmd/o365 does that.
func (a *App) Run(ctx context.Context, args []string) int {
	s := newSession(a)
	defer s.close()
	root := newRootCommand(s)
	root.SetArgs(args)
	root.SetIn(a.Stdin)
	root.SetOut(a.Stdout)
	root.SetErr(a.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	return s.reportError(err)
}

// reportError prints err (and what to do next) to stderr and returns the exit
// code. With --json it prints the error as one JSON object on stderr instead.
func (s *Session) reportError(err error) int {
	code := ExitCode(err)
	msg, request := errorText(err)
	h := hint(err, s.target())
	if s.flags.json {
		type jsonErr struct {
			Error     string `json:"error"`
			Hint      string `json:"hint,omitempty"`
			ExitCode  int    `json:"exitCode"`
			Status    int    `json:"status,omitempty"`
			Code      string `json:"code,omitempty"`
			Request   string `json:"request,omitempty"`
			RequestID string `json:"requestId,omitempty"`
		}
		je := jsonErr{Error: msg, Hint: h, ExitCode: code}
		var ae *o365.Error
		if errors.As(err, &ae) {
			je.Status, je.Code, je.RequestID = ae.StatusCode, ae.Code, ae.RequestID
			je.Request = strings.TrimSpace(ae.Method + " " + ae.URL)
		} else {
			je.Request = request
		}
		data, _ := json.Marshal(je)
		s.Out().Notef("%s", data)
		return code
	}
	s.Out().Notef("o365: %s", msg)
	if request != "" {
		s.Out().Notef("request: %s", request)
	}
	if h != "" {
		s.Out().Notef("hint: %s", h)
	}
	return code
}

// globalFlags are the flags every command accepts.
type globalFlags struct {
	resource string
	protocol string
	profile  string
	json     bool
	verbose  bool
	sandbox  bool
	// sandboxURL is --sandbox-url: a sandbox served by `o365 sandbox serve`.
	sandboxURL string
}

// Session is one run of the o365 command: the App, the global flags, and what
// is built from them on first use (the output, the config, the Account, the
// in-process sandbox). Service commands receive it in their constructor and
// call its methods from RunE.
type Session struct {
	app   *App
	flags globalFlags

	out     *Output
	logger  *slog.Logger
	cfg     *settings
	acct    *o365.Account
	sb      *sandboxRuntime
	closers []func()
}

func newSession(a *App) *Session {
	if a.Getenv == nil {
		a.Getenv = func(string) string { return "" }
	}
	if a.Stdin == nil {
		a.Stdin = strings.NewReader("")
	}
	if a.Stdout == nil {
		a.Stdout = io.Discard
	}
	if a.Stderr == nil {
		a.Stderr = io.Discard
	}
	return &Session{app: a}
}

// close releases what the session started (the in-process sandbox), last
// started first.
func (s *Session) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
	s.closers = nil
}

// Out returns the output for the global flags (--json, terminal or not).
func (s *Session) Out() *Output {
	if s.out == nil {
		s.out = newOutput(s.app.Stdout, s.app.Stderr, s.flags.json, s.app.Getenv)
	}
	return s.out
}

// Stdin is the command's standard input.
func (s *Session) Stdin() io.Reader { return s.app.Stdin }

// Getenv reads an environment variable of the run.
func (s *Session) Getenv(name string) string { return s.app.Getenv(name) }

// Logger returns the request logger: debug records to stderr with --verbose,
// discarded otherwise. The library and the auth package redact tokens and
// secrets before logging.
func (s *Session) Logger() *slog.Logger {
	if s.logger == nil {
		if s.flags.verbose {
			s.logger = slog.New(slog.NewTextHandler(s.app.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
		} else {
			s.logger = slog.New(slog.DiscardHandler)
		}
	}
	return s.logger
}

// target is the sandbox the run works against, from --sandbox-url,
// --sandbox and O365_SANDBOX (1, true, yes, on, or a URL), in that order.
func (s *Session) target() sandboxTarget {
	switch env := strings.TrimSpace(s.app.Getenv("O365_SANDBOX")); {
	case s.flags.sandboxURL != "":
		return sandboxTarget{url: s.flags.sandboxURL}
	case s.flags.sandbox:
		return sandboxTarget{embedded: true}
	case strings.Contains(env, "://"):
		return sandboxTarget{url: env}
	default:
		switch strings.ToLower(env) {
		case "1", "true", "yes", "on":
			return sandboxTarget{embedded: true}
		}
	}
	return sandboxTarget{}
}

// Sandbox reports whether the run works against a sandbox: the embedded one
// (--sandbox or O365_SANDBOX=1) or a served one (--sandbox-url URL or
// O365_SANDBOX=URL).
func (s *Session) Sandbox() bool { return s.target().active() }

// settings returns the config merged with the environment and the flags.
func (s *Session) settings() (settings, error) {
	if s.cfg != nil {
		return *s.cfg, nil
	}
	dir, err := configDir(s.app.Getenv)
	if err != nil {
		return settings{}, err
	}
	cf, err := loadConfig(dir + string(os.PathSeparator) + "config")
	if err != nil {
		return settings{}, asUsage(err)
	}
	profile := s.flags.profile
	if profile == "" {
		profile = s.app.Getenv("O365_PROFILE")
	}
	st, err := resolveSettings(cf, profile, s.app.Getenv, settings{Protocol: s.flags.protocol, Resource: s.flags.resource})
	if err != nil {
		return settings{}, err
	}
	s.cfg = &st
	return st, nil
}

// newRootCommand builds the whole command tree for one session.
func newRootCommand(s *Session) *cobra.Command {
	root := &cobra.Command{
		Use:   "o365",
		Short: "Work with Microsoft 365 through Microsoft Graph",
		Long: `o365 works with Microsoft 365 (mail, calendar, files, users ...) through
Microsoft Graph, from a shell.

Try it without a tenant on the embedded sandbox:
  o365 --sandbox whoami
  o365 --sandbox api /users

Sign in to a real tenant with "o365 login" (see "o365 login --help").`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return asFlagError(err) })
	root.SetHelpTemplate(root.HelpTemplate() + "\n" + exitCodesUsage + `
Environment:
  O365_PROFILE, O365_CLIENT_ID, O365_TENANT, O365_PROTOCOL, O365_RESOURCE,
  O365_SCOPES override the config file ($XDG_CONFIG_HOME/o365/config);
  O365_SANDBOX=1 is --sandbox, O365_SANDBOX=URL is --sandbox-url URL;
  NO_COLOR turns colour off.
`)

	pf := root.PersistentFlags()
	pf.StringVar(&s.flags.resource, "resource", "", `whose data: me, user:ADDRESS, group:ID, sharepoint:HOST[:/sites/NAME] or site:HOST,SITE-ID,WEB-ID (default "me")`)
	pf.StringVar(&s.flags.protocol, "protocol", "", "API: "+strings.Join(protocolNames(), ", ")+` (default "graph")`)
	pf.StringVar(&s.flags.profile, "profile", "", "config profile (a [section] of the config file)")
	pf.BoolVar(&s.flags.json, "json", false, "machine output: one JSON document (JSON lines for streamed lists)")
	pf.BoolVarP(&s.flags.verbose, "verbose", "v", false, "log requests to stderr (tokens and secrets redacted)")
	pf.BoolVar(&s.flags.sandbox, "sandbox", false, "work against the embedded sandbox (no tenant needed; also O365_SANDBOX=1)")
	pf.StringVar(&s.flags.sandboxURL, "sandbox-url", "", "work against the sandbox that \"o365 sandbox serve --tls\" serves at `URL` (also O365_SANDBOX=URL)")

	for _, newCmd := range commands() {
		root.AddCommand(newCmd(s))
	}
	for _, newCmd := range services() {
		root.AddCommand(newCmd(s))
	}
	for _, c := range root.Commands() {
		setUsageArgs(c)
	}
	return root
}

// setUsageArgs makes argument errors, missing required flags and flag-group
// violations (MarkFlagsOneRequired, MarkFlagsMutuallyExclusive,
// MarkFlagsRequiredTogether) usage errors, exit code 2, in the whole tree
// below c. cobra checks the flags itself only after the pre-run hooks and
// returns plain errors; checking them with the arguments, after parsing and
// before any hook, lets them be typed. c must not be the root command, whose
// nil Args makes cobra report unknown commands.
//
// A group of commands (mail, sandbox) prints its help when called alone and
// makes an unknown subcommand a usage error; cobra would print the help and
// exit 0.
func setUsageArgs(c *cobra.Command) {
	if !c.Runnable() && c.HasSubCommands() {
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			err := UsageError("unknown command %q for %q", args[0], cmd.CommandPath())
			if cmd.SuggestionsMinimumDistance <= 0 {
				cmd.SuggestionsMinimumDistance = 2 // cobra's default
			}
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				return WithHint(err, fmt.Sprintf("did you mean %q?", cmd.CommandPath()+" "+s[0]))
			}
			return WithHint(err, helpHint)
		}
	}
	args := c.Args
	if args == nil {
		args = cobra.ArbitraryArgs
	}
	c.Args = func(cmd *cobra.Command, a []string) error {
		if err := args(cmd, a); err != nil {
			return asFlagError(err)
		}
		if err := cmd.ValidateRequiredFlags(); err != nil {
			return asFlagError(err)
		}
		return asFlagError(cmd.ValidateFlagGroups())
	}
	for _, sub := range c.Commands() {
		setUsageArgs(sub)
	}
}

// commands lists the constructors of the core commands; service areas are
// listed in services.go.
func commands() []func(*Session) *cobra.Command {
	return []func(*Session) *cobra.Command{
		newLoginCommand,
		newLogoutCommand,
		newWhoamiCommand,
		newAccountsCommand,
		newAPICommand,
		newSandboxCommand,
		newVersionCommand,
		newCompletionCommand,
	}
}

// newVersionCommand builds `o365 version`.
func newVersionCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := struct {
				Version string `json:"version"`
				Library string `json:"library"`
				Go      string `json:"go"`
				OS      string `json:"os"`
				Arch    string `json:"arch"`
			}{versionString(s.app.Version), o365.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH}
			if s.Out().JSONMode() {
				return s.Out().JSON(v)
			}
			_, err := fmt.Fprintf(s.Out().Writer(), "o365 %s (library %s, %s %s/%s)\n", v.Version, v.Library, v.Go, v.OS, v.Arch)
			return err
		},
	}
}

// versionString is the App's version, else the module version from the build
// information, else the library's.
func versionString(v string) string {
	if v != "" {
		return v
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return o365.Version
}

// newCompletionCommand builds `o365 completion bash|zsh|fish`.
func newCompletionCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish",
		Short: "Print a shell completion script",
		Long: `Print a shell completion script. For example:
  bash:  source <(o365 completion bash)
  zsh:   o365 completion zsh > "${fpath[1]}/_o365"
  fish:  o365 completion fish > ~/.config/fish/completions/o365.fish`,
		ValidArgs: []string{"bash", "zsh", "fish"},
		Args:      cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			w := s.Out().Writer()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(w, true)
			case "zsh":
				return root.GenZshCompletion(w)
			default:
				return root.GenFishCompletion(w, true)
			}
		},
	}
}
