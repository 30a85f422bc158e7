package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/o365go/o365"
	"github.com/o365go/o365/internal/filelock"
	"github.com/o365go/o365/sandbox"
)

// defaultSandboxAddr is the address the embedded sandbox is known by. It
// listens on no port (see inProcess); the address only names it, in links
// and tokens and in the token store, which keys cached sign-ins by it.
const defaultSandboxAddr = "127.0.0.1:5366"

// sandboxTarget is the sandbox a run works against: none (a tenant), the
// embedded one (--sandbox), or one served at url (--sandbox-url).
type sandboxTarget struct {
	embedded bool
	url      string
}

// active reports whether the run works against a sandbox.
func (t sandboxTarget) active() bool { return t.embedded || t.url != "" }

// served reports whether that sandbox is served by another process.
func (t sandboxTarget) served() bool { return t.url != "" }

// loginCommand is the command that signs in to the target again.
func (t sandboxTarget) loginCommand() string {
	switch {
	case t.served():
		return "o365 --sandbox-url " + t.url + " login"
	case t.embedded:
		return "o365 --sandbox login"
	}
	return "o365 login"
}

// sandboxRuntime is how the run reaches its sandbox.
type sandboxRuntime struct {
	// srv is the embedded sandbox, nil for a served one.
	srv *sandbox.Server
	// base is the sandbox's scheme and host, "https://127.0.0.1:5366".
	base string
	// client reaches it: in-process for the embedded sandbox, over TLS
	// trusting its certificate for a served one.
	client *http.Client
	// fresh is set when the embedded database did not exist: tokens cached
	// for an earlier database are signed with a key this one does not know.
	fresh bool
}

// authority is the demo tenant's identity authority.
func (r *sandboxRuntime) authority() string { return r.base + "/" + sandbox.DemoTenantID }

// sandboxDBPath returns --db, else $XDG_DATA_HOME/o365/sandbox.db (the
// run's environment, as sandbox.DefaultDBPath reads the process's).
func (s *Session) sandboxDBPath(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	dir, err := dataDir(s.app.Getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "sandbox.db"), nil
}

// openSandbox opens the sandbox store at db (creating its directory, 0700)
// and reports whether the file was new. Opening a file migrates it, creates
// its keys and seeds it: db+".lock" keeps runs at the same time from doing
// that twice.
func openSandbox(ctx context.Context, db string, opts sandbox.Options) (srv *sandbox.Server, created bool, err error) {
	if db != ":memory:" {
		// Seeding a large tenant takes seconds; a lock held far longer
		// belongs to a process that hangs.
		lctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		unlock, err := filelock.Lock(lctx, db+".lock")
		if err != nil {
			return nil, false, fmt.Errorf("opening the sandbox at %s: %w", db, err)
		}
		defer unlock()
		_, statErr := os.Stat(db)
		created = errors.Is(statErr, fs.ErrNotExist)
	}
	opts.DBPath = db
	if srv, err = sandbox.New(opts); err != nil {
		return nil, false, fmt.Errorf("opening the sandbox at %s: %w", db, err)
	}
	return srv, created, nil
}

// startSandbox connects the run to its sandbox: a served one, or the
// embedded one, opened in this process on the shared database (the demo
// tenant seeded on first use) and closed with the session.
func (s *Session) startSandbox(ctx context.Context) (*sandboxRuntime, error) {
	if s.sb != nil {
		return s.sb, nil
	}
	if t := s.target(); t.served() {
		rt, err := s.servedSandbox(t.url)
		if err != nil {
			return nil, err
		}
		s.sb = rt
		return rt, nil
	}
	db, err := s.sandboxDBPath("")
	if err != nil {
		return nil, err
	}
	srv, created, err := openSandbox(ctx, db, sandbox.Options{Seed: "demo"})
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, func() { srv.Close() })
	addr := firstNonEmpty(s.app.SandboxAddr, defaultSandboxAddr)
	s.sb = &sandboxRuntime{
		srv:    srv,
		base:   "https://" + addr,
		client: &http.Client{Transport: &inProcess{host: addr, handler: srv.Handler()}},
		fresh:  created,
	}
	return s.sb, nil
}

// servedSandbox reaches the sandbox `o365 sandbox serve --tls` serves at
// raw, trusting its certificate: the system's roots, the file SSL_CERT_FILE
// names, and the certificate `o365 sandbox serve` keeps next to the default
// database.
func (s *Session) servedSandbox(raw string) (*sandboxRuntime, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, UsageError("--sandbox-url %q: want the address `o365 sandbox serve` prints, such as https://127.0.0.1:5365", raw)
	}
	if u.Scheme != "https" {
		return nil, WithHint(UsageError("--sandbox-url %s: signing in needs https", raw),
			"serve the sandbox with TLS: o365 sandbox serve --tls")
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return nil, UsageError("--sandbox-url %q: give only the scheme and host, such as https://%s", raw, u.Host)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	files := []string{s.app.Getenv("SSL_CERT_FILE")}
	if db, err := s.sandboxDBPath(""); err == nil {
		files = append(files, db+".cert.pem")
	}
	for _, f := range files {
		if f == "" {
			continue
		}
		pem, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		pool.AppendCertsFromPEM(pem)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &sandboxRuntime{base: u.Scheme + "://" + u.Host, client: &http.Client{Transport: tr}}, nil
}

func newSandboxCommand(s *Session) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run and manage the local Microsoft 365 sandbox",
		Long: `The sandbox is a local, stateful Microsoft Graph with its own identity
platform, seeded with a demo tenant (Contoso). "o365 --sandbox COMMAND" runs any
command against it in-process; "o365 sandbox serve" serves it for other
programs. Its data lives in $XDG_DATA_HOME/o365/sandbox.db.`,
	}
	cmd.AddCommand(newSandboxServeCommand(s), newSandboxResetCommand(s), newSandboxSeedCommand(s), newSandboxUsersCommand(s))
	return cmd
}

func newSandboxServeCommand(s *Session) *cobra.Command {
	var addr, db, seed, faults string
	var useTLS, public bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the sandbox until interrupted",
		Long: `Serve the sandbox on a local address until interrupted (Ctrl-C), and print
its URLs, how to trust its certificate and the demo credentials.

The demo credentials are public, so the sandbox serves only loopback
addresses (127.0.0.1, ::1, localhost) unless --public says otherwise.`,
		Example: `  o365 sandbox serve --tls --seed demo
  o365 --sandbox-url https://127.0.0.1:5365 mail list   # the CLI on it
  o365 sandbox serve --db :memory: --faults "429=5%,latency=20ms..200ms,seed=42"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if seed != "" && seed != "demo" {
				return UsageError("--seed %q: the only seed is \"demo\"", seed)
			}
			loopback, err := loopbackAddr(ctx, addr)
			if err != nil {
				return UsageError("--addr %q: %v", addr, err)
			}
			if !loopback && !public {
				return WithHint(UsageError("--addr %s can be reached from other machines, and the sandbox's demo passwords and secrets are public", addr),
					"serve on 127.0.0.1 (the default), or add --public to serve there anyway")
			}
			path, err := s.sandboxDBPath(db)
			if err != nil {
				return err
			}
			srv, _, err := openSandbox(ctx, path, sandbox.Options{Addr: addr, TLS: useTLS, Seed: seed})
			if err != nil {
				return err
			}
			defer srv.Close()
			// Set apart from opening, so that only a bad spec is a usage error.
			if err := srv.SetFaults(faults); err != nil {
				return UsageError("--faults: %w", err)
			}
			if err := srv.Start(ctx); err != nil {
				return err
			}
			if !loopback {
				s.Out().Notef("warning: the sandbox at %s can be reached from other machines. Its demo users' password and the daemon's secret are public: anyone who reaches it can sign in and read or change the tenant.", srv.URL())
			}
			printServeBanner(s.Out(), srv, path, seed != "", faults)
			<-ctx.Done()
			s.Out().Notef("stopping the sandbox")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:5365", "listen address")
	f.StringVar(&db, "db", "", `database file, or ":memory:" (default $XDG_DATA_HOME/o365/sandbox.db)`)
	f.BoolVar(&useTLS, "tls", false, "serve https with a generated certificate (MSAL and the CLI need an https authority)")
	f.StringVar(&seed, "seed", "", `seed the tenant: "demo"`)
	f.StringVar(&faults, "faults", "", `inject faults, e.g. "429=5%,503=1%,reset=1%,latency=20ms..200ms,seed=42"`)
	f.BoolVar(&public, "public", false, "allow an address other machines can reach (the demo credentials are public)")
	return cmd
}

// loopbackAddr reports whether addr ("host:port") listens on loopback only.
// An empty host or an unspecified address (0.0.0.0, ::) listens everywhere;
// a name counts as loopback when every address it resolves to is.
func loopbackAddr(ctx context.Context, addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, err
	}
	if strings.EqualFold(host, "localhost") {
		return true, nil
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback(), nil
	}
	if host == "" {
		return false, nil
	}
	ips, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil || len(ips) == 0 {
		return false, nil
	}
	for _, ip := range ips {
		if !ip.IP.IsLoopback() {
			return false, nil
		}
	}
	return true, nil
}

// printServeBanner tells a person what the sandbox serves and how to use it.
// The demo credentials are public constants, not secrets.
func printServeBanner(out *Output, srv *sandbox.Server, db string, seeded bool, faults string) {
	w := out.Writer()
	fmt.Fprintf(w, "o365 sandbox serving %s\n\n", srv.URL())
	t := KeyValues(
		[2]string{"Graph v1.0", srv.GraphURL()},
		[2]string{"Graph beta", srv.BetaURL()},
		[2]string{"Outlook REST", srv.OutlookURL()},
		[2]string{"Authority", srv.AuthorityURL("")},
		[2]string{"Device login", srv.AuthorityURL("") + "/device"},
		[2]string{"Database", db},
	)
	if faults != "" {
		t.Rows = append(t.Rows, []string{"Faults:", faults})
	}
	_ = out.Table(t)
	if srv.CertPEM() != nil {
		cert := db + ".cert.pem"
		if db == ":memory:" {
			cert = "(in memory; the PEM follows)"
		}
		fmt.Fprintf(w, "\nTLS certificate: %s\nTrust it: SSL_CERT_FILE=%s (Go, Python requests: REQUESTS_CA_BUNDLE), curl --cacert %s\n", cert, cert, cert)
		if db == ":memory:" {
			fmt.Fprintf(w, "%s", srv.CertPEM())
		}
		fmt.Fprintf(w, "The o365 command on it: o365 --sandbox-url %s whoami\n", srv.URL())
	} else {
		fmt.Fprintln(w, "\nWithout --tls, MSAL-based clients and o365 --sandbox-url cannot sign in here.")
	}
	fmt.Fprintln(w)
	if !seeded {
		fmt.Fprintln(w, `Demo tenant (once seeded: --seed demo, or "o365 sandbox seed"):`)
	}
	_ = out.Table(KeyValues(
		[2]string{"Tenant", sandbox.DemoTenantID + " (" + sandbox.DemoTenantDomain + ")"},
		[2]string{"Users", strings.Join([]string{sandbox.DemoUser, sandbox.DemoBob, sandbox.DemoCarol, sandbox.DemoDan}, ", ")},
		[2]string{"Password", sandbox.DemoPassword + " (every demo user)"},
		[2]string{"Public client", sandbox.DemoPublicClientID},
		[2]string{"Daemon client", sandbox.DemoDaemonClientID},
		[2]string{"Daemon secret", sandbox.DemoDaemonSecret},
	))
	fmt.Fprintln(w, "\nPress Ctrl-C to stop.")
}

func newSandboxResetCommand(s *Session) *cobra.Command {
	var db string
	cmd := &cobra.Command{
		Use:   "reset",
		Short: "Empty the sandbox tenant",
		Long:  `Delete every object of the sandbox tenant. The next --sandbox run seeds the demo tenant again.`,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, err := s.sandboxDBPath(db)
			if err != nil {
				return err
			}
			srv, _, err := openSandbox(cmd.Context(), path, sandbox.Options{})
			if err != nil {
				return err
			}
			defer srv.Close()
			if err := srv.Reset(cmd.Context()); err != nil {
				return err
			}
			return s.Out().Print(map[string]string{"reset": path}, func() *Table {
				return KeyValues([2]string{"Reset", path})
			})
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "database file (default $XDG_DATA_HOME/o365/sandbox.db)")
	return cmd
}

func newSandboxSeedCommand(s *Session) *cobra.Command {
	var db string
	var sizes []string
	var users int
	var knobs strings.Builder
	for _, k := range sandbox.Knobs() {
		fmt.Fprintf(&knobs, "\n  %-24s %s", k.Name, k.Doc)
	}
	cmd := &cobra.Command{
		Use:   "seed [demo]",
		Short: "Seed the sandbox with the demo tenant",
		Long: `Seed the sandbox with the demo tenant (users, groups, apps and data in every
area). Seeding again with the same sizes changes nothing; an area whose size
changed is seeded again. --size and --users add generated data, for
benchmarks: --size KNOB=N sets one of the areas' knobs (repeat it, or
separate several with commas), --size N alone is the number of generated
messages in the demo user's inbox, and --users N the number of generated
users. The knobs are:` + knobs.String(),
		Example: `  o365 sandbox seed --size 100000
  o365 sandbox seed --size mail.messagesPerInbox=1000,directory.extraUsers=500`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 && args[0] != "demo" {
				return UsageError("unknown seed %q: the only seed is \"demo\"", args[0])
			}
			size, err := parseSeedSize(sizes, users)
			if err != nil {
				return err
			}
			path, err := s.sandboxDBPath(db)
			if err != nil {
				return err
			}
			srv, _, err := openSandbox(cmd.Context(), path, sandbox.Options{SeedSize: size})
			if err != nil {
				return err
			}
			defer srv.Close()
			if err := srv.Seed(cmd.Context(), "demo"); err != nil {
				return err
			}
			set := size.Sizes()
			return s.Out().Print(map[string]any{"seeded": "demo", "db": path, "size": set["mail.messagesPerInbox"],
				"users": set["directory.extraUsers"], "knobs": set}, func() *Table {
				return KeyValues([2]string{"Seeded", "demo"}, [2]string{"Database", path})
			})
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "database file (default $XDG_DATA_HOME/o365/sandbox.db)")
	cmd.Flags().StringArrayVar(&sizes, "size", nil, "KNOB=N sets a seed knob (repeatable, or comma-separated); N alone is generated messages in the demo user's inbox")
	cmd.Flags().IntVar(&users, "users", 0, "generated extra users")
	return cmd
}

// parseSeedSize reads the --size values (KNOB=N, or N for the demo user's
// inbox) and --users into a seed size, checking knob names and numbers.
func parseSeedSize(values []string, users int) (sandbox.SeedSize, error) {
	size := sandbox.SeedSize{ExtraUsers: users, Knobs: map[string]int{}}
	if users < 0 {
		return size, UsageError("--users cannot be negative")
	}
	known := map[string]bool{}
	var names []string
	for _, k := range sandbox.Knobs() {
		known[k.Name] = true
		names = append(names, k.Name)
	}
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			name, num, isKnob := strings.Cut(part, "=")
			if !isKnob {
				name, num = "", part
			}
			n, err := strconv.Atoi(strings.TrimSpace(num))
			if err != nil || n < 0 {
				return size, UsageError("--size %q: want a number of 0 or more, or KNOB=N with one of %s", part, strings.Join(names, ", "))
			}
			name = strings.TrimSpace(name)
			switch {
			case !isKnob:
				size.MessagesPerInbox = n
			case known[name]:
				size.Knobs[name] = n
			default:
				return size, UsageError("--size %q: unknown knob %q; the knobs are %s", part, name, strings.Join(names, ", "))
			}
		}
	}
	return size, nil
}

// sandboxUser is the part of a user `sandbox users` shows.
type sandboxUser struct {
	ID                string `json:"id"`
	DisplayName       string `json:"displayName"`
	UserPrincipalName string `json:"userPrincipalName"`
	JobTitle          string `json:"jobTitle,omitempty"`
	Department        string `json:"department,omitempty"`
}

func newSandboxUsersCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:   "users",
		Short: "List the sandbox tenant's users",
		Long: `List the sandbox tenant's users (the embedded sandbox's, or the one
--sandbox-url names), read through Microsoft Graph as the demo user. Every demo
user's password is ` + sandbox.DemoPassword + `.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if !s.Sandbox() {
				s.flags.sandbox = true // the embedded one, unless another is named
			}
			acct, err := s.Account(ctx)
			if err != nil {
				return err
			}
			req := &o365.Request{Path: "/users?$select=id,displayName,userPrincipalName,jobTitle,department"}
			users, err := o365.Collect(o365.List[sandboxUser](ctx, acct, req))
			if err != nil {
				return err
			}
			return s.Out().Print(users, func() *Table {
				t := NewTable("Name", "Username", "Job title", "Department", "ID")
				for _, u := range users {
					t.Add(u.DisplayName, u.UserPrincipalName, u.JobTitle, u.Department, u.ID)
				}
				return t
			})
		},
	}
}
