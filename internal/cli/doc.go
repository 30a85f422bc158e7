// Package cli is the o365 command: the command tree, its global flags,
// configuration, sign-in, output and exit codes. cmd/o365 only calls
// NewApp().Run.
//
// # Adding a service: o365 <service> ...
//
// The command shape is the library's (see CONVENTIONS.md at the repository
// root): `o365 <service> <verb>`, with list, show, create/add, update/edit,
// delete/rm and the service's own actions (send, move, sync ...) as verbs,
// each a thin layer over the service package's method of the same meaning.
//
// A service area (mail, calendar, drive ...) adds its commands in its own
// files, internal/cli/<service>*.go, and one line to services() in
// services.go:
//
//	func services() []func(*Session) *cobra.Command {
//		return []func(*Session) *cobra.Command{
//			newMailCommand,
//		}
//	}
//
// The constructor builds a cobra command and its subcommands. It receives the
// *Session: the run's streams, global flags and lazily built Account. Keep
// flag values in a local struct captured by the closures, never in package
// variables (tests run many command trees at once):
//
//	func newMailCommand(s *Session) *cobra.Command {
//		cmd := &cobra.Command{Use: "mail", Short: "Read and send mail"}
//		cmd.AddCommand(newMailListCommand(s))
//		return cmd
//	}
//
//	func newMailListCommand(s *Session) *cobra.Command {
//		var top int
//		cmd := &cobra.Command{
//			Use:   "list",
//			Short: "List messages",
//			Args:  cobra.NoArgs,
//			RunE: func(cmd *cobra.Command, args []string) error {
//				ctx := cmd.Context() // cancelled on Ctrl-C
//				acct, err := s.Account(ctx) // honours --resource, --protocol, --sandbox(-url), --profile
//				if err != nil {
//					return err
//				}
//				mb := mail.New(acct)
//				q := o365.NewQuery().Top(top).Limit(top)
//				msgs, err := o365.Collect(mb.Inbox().ListMessages(ctx, q))
//				if err != nil {
//					return err
//				}
//				return s.Out().Print(msgs, func() *Table {
//					t := NewTable("Received", "From", "Subject")
//					for _, m := range msgs {
//						t.Add(m.ReceivedDateTime, m.From, m.Subject)
//					}
//					return t
//				})
//			},
//		}
//		cmd.Flags().IntVar(&top, "top", 25, "how many messages")
//		return cmd
//	}
//
// Rules:
//
//   - Get the Account with s.Account(ctx): it applies the global flags, signs
//     in silently (or, with --sandbox or --sandbox-url, through the sandbox's
//     identity flow) and returns an error with exit code 3 when a sign-in is
//     needed. Use only the library's public API on it (service packages,
//     acct.Do, o365.List). It announces retries on stderr by itself (on a
//     terminal or with --verbose).
//   - Print results with s.Out(): Print(v, table) writes v as one JSON
//     document with --json and the table otherwise; JSONLine streams one item
//     per line for long lists printed as they arrive; KeyValues(...) is a
//     one-record table; Writer() is stdout for raw bytes (a download to "-").
//     Messages for people go to stderr through s.Out().Notef, never stdout.
//   - Transfers show progress with s.Out().NewProgress(total, name): a bar on
//     stderr when it is a terminal (never with --json), a no-op otherwise.
//     Its Set(done, total) method fits the library's progress callbacks.
//   - Tables are for people: sizes with humanSize ("57 MB"; bytes stay in
//     JSON), no 150-character ids. Number the rows of items that later
//     commands act on, record them with s.rememberHandles(ids), and read
//     arguments with s.messageIDs(args), which turns numbers back into ids
//     (handles.go). A bulk command reports each item's outcome
//     (printOutcomes) and exits 4 when some were not found.
//   - Return errors, do not print them: Run prints "o365: <error>" (the
//     library's wrapped "o365: " prefixes removed, a service answer as its
//     message with status and code, a network failure as a sentence), the
//     request that failed and a hint, and picks the exit code (ExitCode): the
//     library's errors map by themselves (o365.ErrNotFound is 4,
//     o365.ErrThrottled 5, o365.ErrUnauthorized 3). Return UsageError(...)
//     for bad input (exit 2) and wrap with WithHint(err, "what to do next")
//     when you know better; errors in the command line's shape (flags,
//     arguments) get the hint to read --help by themselves.
//   - Positional-argument errors (cobra.ExactArgs ...), flag errors, missing
//     required flags (MarkFlagRequired) and flag-group violations
//     (MarkFlagsOneRequired, MarkFlagsMutuallyExclusive,
//     MarkFlagsRequiredTogether) are usage errors automatically; check by
//     hand only what depends on values. Do not set PersistentPreRun hooks:
//     the root command owns them.
//   - Secrets never come from flag values: read them from an environment
//     variable named by a flag, or from stdin.
//
// # Exit codes
//
// 0 ok, 1 error, 2 usage, 3 sign-in needed, 4 not found, 5 throttled after
// retries (the Exit* constants).
package cli
