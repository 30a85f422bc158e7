package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/o365go/o365"
	"github.com/o365go/o365/sandbox"
)

// defaultSandboxAddr is where --sandbox listens when it can: a stable address
// lets later runs find the sign-in cached for it.
const defaultSandboxAddr = "127.0.0.1:5366"

// sandboxRuntime is the sandbox a --sandbox run started in this process.
type sandboxRuntime struct {
	srv *sandbox.Server
	// fresh is set when the database did not exist: tokens cached for an
	// earlier database are signed with a key this one does not know.
	fresh bool
}

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

// openSandbox opens the sandbox store at db (creating its directory, 0700).
func openSandbox(db string, opts sandbox.Options) (*sandbox.Server, error) {
	if db != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(db), 0o700); err != nil {
			return nil, fmt.Errorf("creating the sandbox directory: %w", err)
		}
	}
	opts.DBPath = db
	srv, err := sandbox.New(opts)
	if err != nil {
		return nil, fmt.Errorf("opening the sandbox at %s: %w", db, err)
	}
	return srv, nil
}

// startSandbox starts the in-process sandbox for --sandbox: TLS (MSAL wants
// https), the persistent store, the demo tenant seeded on first use. It is
// stopped when the session closes.
func (s *Session) startSandbox(ctx context.Context) (*sandbox.Server, error) {
	if s.sb != nil {
		return s.sb.srv, nil
	}
	db, err := s.sandboxDBPath("")
	if err != nil {
		return nil, err
	}
	// A busy address falls back to a random port: the run works, it only
	// signs in again (MSAL keys cached tokens by the authority's host:port).
	addr := firstNonEmpty(s.app.SandboxAddr, defaultSandboxAddr)
	addrs := []string{addr, "127.0.0.1:0"}
	if !portFree(addr) {
		addrs = addrs[1:]
	}
	_, statErr := os.Stat(db)
	fresh := errors.Is(statErr, fs.ErrNotExist)
	var lastErr error
	for _, addr := range addrs {
		srv, err := openSandbox(db, sandbox.Options{Addr: addr, TLS: true, Seed: "demo"})
		if err != nil {
			return nil, err
		}
		srvCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		if err := srv.Start(srvCtx); err != nil {
			cancel()
			srv.Close()
			lastErr = err
			continue
		}
		s.sb = &sandboxRuntime{srv: srv, fresh: fresh}
		s.closers = append(s.closers, func() {
			cancel()
			srv.Close()
		})
		return srv, nil
	}
	return nil, fmt.Errorf("starting the sandbox: %w", lastErr)
}

// portFree reports whether addr can be listened on now.
func portFree(addr string) bool {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return false
	}
	ln.Close()
	return true
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
	var useTLS bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the sandbox until interrupted",
		Long: `Serve the sandbox on a local address until interrupted (Ctrl-C), and print
its URLs, how to trust its certificate and the demo credentials.`,
		Example: `  o365 sandbox serve --tls --seed demo
  o365 sandbox serve --db :memory: --faults "429=5%,latency=20ms..200ms,seed=42"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if seed != "" && seed != "demo" {
				return UsageError("--seed %q: the only seed is \"demo\"", seed)
			}
			path, err := s.sandboxDBPath(db)
			if err != nil {
				return err
			}
			srv, err := openSandbox(path, sandbox.Options{Addr: addr, TLS: useTLS, Seed: seed})
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
			printServeBanner(s.Out(), srv, path, seed != "", faults)
			<-ctx.Done()
			s.Out().Notef("stopping the sandbox")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:5365", "listen address")
	f.StringVar(&db, "db", "", `database file, or ":memory:" (default $XDG_DATA_HOME/o365/sandbox.db)`)
	f.BoolVar(&useTLS, "tls", false, "serve https with a generated certificate (MSAL needs an https authority)")
	f.StringVar(&seed, "seed", "", `seed the tenant: "demo"`)
	f.StringVar(&faults, "faults", "", `inject faults, e.g. "429=5%,503=1%,reset=1%,latency=20ms..200ms,seed=42"`)
	return cmd
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
			srv, err := openSandbox(path, sandbox.Options{})
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
			srv, err := openSandbox(path, sandbox.Options{SeedSize: size})
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
		Long: `List the sandbox tenant's users, read through Microsoft Graph as the demo
user. Every demo user's password is ` + sandbox.DemoPassword + `.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			s.flags.sandbox = true
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
