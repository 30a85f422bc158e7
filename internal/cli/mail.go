package cli

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/o365go/o365"
	"github.com/o365go/o365/mail"
)

// newMailCommand is `o365 mail ...`.
func newMailCommand(s *Session) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mail",
		Short: "Read, send and organise mail",
		Long: "Read, send and organise Outlook mail. Every command works on the signed-in user's\n" +
			"mailbox, or another one with --resource user:shared@contoso.com, and prints JSON with --json.\n" +
			"Commands that take a message ID also take its number (#) in the last table of \"mail list\"\n" +
			"or \"mail sync\": o365 mail read 3.",
	}
	cmd.AddCommand(
		newMailFoldersCommand(s), newMailListCommand(s), newMailReadCommand(s), newMailSendCommand(s),
		newMailReplyCommand(s), newMailForwardCommand(s), newMailMoveCommand(s), newMailCopyCommand(s), newMailDeleteCommand(s),
		newMailMarkCommand(s), newMailAttachmentsCommand(s), newMailExportCommand(s), newMailSyncCommand(s),
		newMailAutoReplyCommand(s), newMailRulesCommand(s), newMailTipsCommand(s), newMailTranslateIDsCommand(s),
	)
	return cmd
}

// mailbox returns the mailbox of the session's account. Groups and sites
// have no mailbox of messages: they are refused before any request.
func mailbox(ctx context.Context, s *Session) (*mail.Mailbox, error) {
	acct, err := s.Account(ctx)
	if err != nil {
		return nil, err
	}
	switch r := acct.Resource(); r.Kind() {
	case o365.KindGroup:
		return nil, WithHint(UsageError("--resource %s: a group's mailbox holds conversations, not messages, and o365 mail reads messages", r),
			fmt.Sprintf(`read the group's conversations with "o365 api /%s/conversations" (threads and posts below them)`, r))
	case o365.KindSite:
		return nil, UsageError("--resource %s: a SharePoint site has no mailbox", r)
	}
	return mail.New(acct), nil
}

// loadMessage loads a message of the session's mailbox (arg is its id or
// its row number in the last list) with only the given properties, so that
// a wrong id fails as "not found" (exit 4) before anything else is done.
func loadMessage(ctx context.Context, s *Session, arg string, fields ...string) (*mail.Message, error) {
	id, err := s.messageID(arg)
	if err != nil {
		return nil, err
	}
	mb, err := mailbox(ctx, s)
	if err != nil {
		return nil, err
	}
	return mb.GetMessage(ctx, id, o365.NewQuery().Select(fields...))
}

// resolveFolder turns a well-known name, a display name or an id into a
// folder id.
func resolveFolder(ctx context.Context, mb *mail.Mailbox, name string) (string, error) {
	for _, w := range mail.WellKnownFolders() {
		if strings.EqualFold(w, name) || strings.EqualFold(strings.ReplaceAll(name, " ", ""), w) {
			return w, nil
		}
	}
	f, err := mb.GetFolderByName(ctx, name)
	if err == nil {
		return f.ID, nil
	}
	if !errors.Is(err, mail.ErrFolderNotFound) {
		return "", err
	}
	if _, gerr := mb.GetFolder(ctx, name, nil); gerr != nil {
		return "", WithHint(fmt.Errorf("no folder named or with id %q: %w", name, gerr), "run `o365 mail folders` to see the folders")
	}
	return name, nil
}

func newMailFoldersCommand(s *Session) *cobra.Command {
	var hidden bool
	cmd := &cobra.Command{
		Use:   "folders",
		Short: "List the mail folders (the whole tree)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			mb, err := mailbox(ctx, s)
			if err != nil {
				return err
			}
			folders, err := o365.Collect(mb.ListFolders(ctx, nil, &mail.FolderOptions{Recursive: true, IncludeHidden: hidden}))
			if err != nil {
				return err
			}
			depth := map[string]int{}
			return s.Out().Print(folders, func() *Table {
				t := NewTable("Folder", "Unread", "Total", "ID")
				for _, f := range folders {
					d := depth[f.ParentFolderID]
					depth[f.ID] = d + 1
					t.Add(strings.Repeat("  ", d)+f.DisplayName, f.UnreadItemCount, f.TotalItemCount, f.ID)
				}
				return t
			})
		},
	}
	cmd.Flags().BoolVar(&hidden, "hidden", false, "include hidden folders")
	return cmd
}

func newMailListCommand(s *Session) *cobra.Command {
	var o struct {
		folder, from, search string
		unread               bool
		top                  int
	}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List messages, newest first",
		Example: "  o365 mail list --unread --top 10\n  o365 mail list --folder sentitems --search budget\n" +
			"  o365 --resource user:shared@contoso.com mail list --from alice@contoso.com",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.top < 1 {
				return UsageError("--top must be at least 1")
			}
			ctx := cmd.Context()
			mb, err := mailbox(ctx, s)
			if err != nil {
				return err
			}
			q := o365.NewQuery().Select("id", "subject", "from", "receivedDateTime", "isRead", "hasAttachments").
				Top(min(o.top, 999)).Limit(o.top)
			if o.unread {
				q.Filter(o365.Eq("isRead", false))
			}
			if o.from != "" {
				q.Filter(o365.Eq("from/emailAddress/address", o.from))
			}
			if o.search != "" {
				q.Search(o.search)
			}
			seq := mb.ListMessages(ctx, q)
			if o.folder != "" {
				id, err := resolveFolder(ctx, mb, o.folder)
				if err != nil {
					return err
				}
				seq = mb.Folder(id).ListMessages(ctx, q)
			}
			msgs, err := o365.Collect(seq)
			if err != nil {
				return err
			}
			if s.Out().JSONMode() {
				return s.Out().JSON(msgs)
			}
			return printMessageRows(s, msgs, nil)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.folder, "folder", "", "folder: a well-known name (inbox, sentitems ...), a display name or an id (default: all folders)")
	f.BoolVar(&o.unread, "unread", false, "only unread messages")
	f.StringVar(&o.from, "from", "", "only messages from this address")
	f.StringVar(&o.search, "search", "", "search words (KQL, e.g. \"from:bob budget\")")
	f.IntVar(&o.top, "top", 25, "how many messages")
	return cmd
}

// printMessageRows prints messages as numbered rows (the numbers work as
// ids in later commands, see handles.go), with a Flags column explained
// below the table. change, when set, fills a first column.
func printMessageRows(s *Session, msgs []*mail.Message, change func(i int) string) error {
	header := []string{"#", "Received", "From", "Subject", "Flags"}
	if change != nil {
		header = append([]string{"Change"}, header...)
	}
	t := NewTable(header...)
	ids := make([]string, len(msgs))
	marked := false
	for i, m := range msgs {
		ids[i] = m.ID
		flags := ""
		if !m.IsRead {
			flags += "*"
		}
		if m.HasAttachments {
			flags += "@"
		}
		marked = marked || flags != ""
		row := []any{i + 1, m.ReceivedDateTime, senderName(m), m.Subject, flags}
		if change != nil {
			row = append([]any{change(i)}, row...)
		}
		t.Add(row...)
	}
	if err := s.Out().Table(t); err != nil {
		return err
	}
	if len(msgs) == 0 {
		return nil
	}
	s.rememberHandles(ids)
	legend := "# is the message's number for other mail commands (o365 mail read 1); --json shows full ids."
	if marked {
		legend = "Flags: * unread, @ has attachments. " + legend
	}
	s.Out().Notef("%s", legend)
	return nil
}

func senderName(m *mail.Message) string {
	if m.From.EmailAddress.Name != "" {
		return m.From.EmailAddress.Name
	}
	return m.From.EmailAddress.Address
}

func addressList(rs []o365.Recipient) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.EmailAddress.String()
	}
	return strings.Join(parts, ", ")
}

func newMailReadCommand(s *Session) *cobra.Command {
	var asHTML bool
	cmd := &cobra.Command{
		Use:   "read ID|#",
		Short: "Show a message (as text unless --html)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			mb, err := mailbox(ctx, s)
			if err != nil {
				return err
			}
			if !asHTML {
				mb = mb.WithTextBodies()
			}
			id, err := s.messageID(args[0])
			if err != nil {
				return err
			}
			m, err := mb.GetMessage(ctx, id, o365.NewQuery().Expand("attachments($select=name,size)"))
			if err != nil {
				return err
			}
			if s.Out().JSONMode() {
				return s.Out().JSON(m)
			}
			var names []string
			for _, a := range m.Attachments {
				names = append(names, fmt.Sprintf("%s (%s)", a.Name, humanSize(int64(a.Size))))
			}
			pairs := [][2]string{
				{"From", m.From.EmailAddress.String()}, {"To", addressList(m.ToRecipients)},
				{"Cc", addressList(m.CcRecipients)}, {"Subject", m.Subject},
				{"Date", Cell(m.ReceivedDateTime)}, {"Attachments", strings.Join(names, ", ")},
			}
			if err := s.Out().Table(SetValues(pairs...)); err != nil {
				return err
			}
			_, err = fmt.Fprintf(s.Out().Writer(), "\n%s\n", m.Body.Content)
			return err
		},
	}
	cmd.Flags().BoolVar(&asHTML, "html", false, "print the body as HTML")
	return cmd
}

func newMailSendCommand(s *Session) *cobra.Command {
	var o struct {
		to, cc, bcc, attach      []string
		subject, body, file, key string
		html, noSave             bool
	}
	cmd := &cobra.Command{
		Use:   "send",
		Short: "Send a message",
		Long: "Send a message. It is sent once even when an answer is lost on the way: the message carries\n" +
			"an id of its own, and the command looks for it before sending again. With --idempotency-key,\n" +
			"running the same command again (after an error, or from a retried job) sends nothing if the\n" +
			"message with that key was sent already.",
		Example: "  o365 mail send --to bob@contoso.com --subject Hi --body 'See you at noon'\n" +
			"  o365 mail send --to bob@contoso.com --subject Report --body-file report.html --html --attach q3.xlsx\n" +
			"  o365 mail send --to team@contoso.com --subject 'Nightly report' --body-file r.txt --idempotency-key nightly-2026-01-05",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(o.to)+len(o.cc)+len(o.bcc) == 0 {
				return UsageError("give at least one recipient with --to, --cc or --bcc")
			}
			if o.key != "" && o.noSave {
				return WithHint(UsageError("--idempotency-key finds an earlier send by its copy in Sent Items, which --no-save does not keep"),
					"drop one of --idempotency-key and --no-save")
			}
			if (o.body == "") == (o.file == "") {
				return UsageError("give the body with either --body or --body-file")
			}
			body := o.body
			if o.file != "" {
				data, err := readInput(o.file, s.Stdin())
				if err != nil {
					return err
				}
				body = string(data)
			}
			ctx := cmd.Context()
			mb, err := mailbox(ctx, s)
			if err != nil {
				return err
			}
			msg := mb.NewMessage()
			msg.Subject = o.subject
			if o.html {
				msg.SetHTML(body)
			} else {
				msg.SetText(body)
			}
			for _, add := range []struct {
				fn    func(...string) error
				addrs []string
			}{{msg.AddTo, o.to}, {msg.AddCc, o.cc}, {msg.AddBcc, o.bcc}} {
				if len(add.addrs) == 0 {
					continue
				}
				if err := add.fn(add.addrs...); err != nil {
					return UsageError("%v", err)
				}
			}
			var bars []*Progress
			for _, path := range o.attach {
				a, err := msg.AttachFile(path)
				if err != nil {
					return err
				}
				p := s.Out().NewProgress(a.Size, a.Name)
				a.UploadProgress = p.Set
				bars = append(bars, p)
			}
			err = msg.Send(ctx, &mail.SendOptions{WithoutSentCopy: o.noSave, ClientID: o.key})
			for _, p := range bars {
				p.Finish()
			}
			if err != nil {
				return err
			}
			// A rerun with the key of a message sent earlier sends nothing.
			already := msg.AlreadySent()
			out := map[string]any{"sent": true, "subject": o.subject}
			if already {
				out["alreadySent"] = msg.SentDateTime
			}
			return s.Out().Print(out, func() *Table {
				if already {
					return KeyValues([2]string{"Already sent", msg.Subject}, [2]string{"At", Cell(msg.SentDateTime)},
						[2]string{"Key", o.key})
				}
				return KeyValues([2]string{"Sent", o.subject})
			})
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&o.to, "to", nil, "recipient (repeat or comma-separate; \"Name <a@b.c>\" works)")
	f.StringSliceVar(&o.cc, "cc", nil, "Cc recipient")
	f.StringSliceVar(&o.bcc, "bcc", nil, "Bcc recipient")
	f.StringVar(&o.subject, "subject", "", "subject")
	f.StringVar(&o.body, "body", "", "body text")
	f.StringVar(&o.file, "body-file", "", "read the body from a file (- for stdin)")
	f.BoolVar(&o.html, "html", false, "the body is HTML")
	f.StringArrayVar(&o.attach, "attach", nil, "attach a file (repeatable; up to 150 MB each)")
	f.BoolVar(&o.noSave, "no-save", false, "keep no copy in Sent Items")
	f.StringVar(&o.key, "idempotency-key", "", "a key of your own for this message: a rerun with the same key sends nothing if it was sent")
	_ = cmd.MarkFlagRequired("subject")
	return cmd
}

func readInput(name string, stdin io.Reader) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(name)
}

// respond edits a response draft (comment above the quote) and sends it.
func respond(ctx context.Context, s *Session, draft *mail.Message, comment string) error {
	if comment != "" {
		text := "<p>" + strings.ReplaceAll(html.EscapeString(comment), "\n", "<br>") + "</p>"
		draft.SetHTML(text + draft.Body.Content)
	}
	if err := draft.Send(ctx, nil); err != nil {
		return err
	}
	return s.Out().Print(map[string]any{"sent": true, "subject": draft.Subject}, func() *Table {
		return KeyValues([2]string{"Sent", draft.Subject}, [2]string{"To", addressList(append(draft.ToRecipients, draft.CcRecipients...))})
	})
}

func newMailReplyCommand(s *Session) *cobra.Command {
	var all bool
	var body string
	cmd := &cobra.Command{
		Use:   "reply ID|#",
		Short: "Reply to a message (to everyone with --all)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			orig, err := loadMessage(ctx, s, args[0], "id")
			if err != nil {
				return err
			}
			create := orig.CreateReply
			if all {
				create = orig.CreateReplyAll
			}
			draft, err := create(ctx)
			if err != nil {
				return err
			}
			return respond(ctx, s, draft, body)
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "reply to the sender and every recipient")
	cmd.Flags().StringVar(&body, "body", "", "reply text")
	_ = cmd.MarkFlagRequired("body")
	return cmd
}

func newMailForwardCommand(s *Session) *cobra.Command {
	var to []string
	var body string
	cmd := &cobra.Command{
		Use:   "forward ID|#",
		Short: "Forward a message",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, a := range to {
				if _, err := mail.ParseAddressList(a); err != nil {
					return UsageError("--to: %v", err)
				}
			}
			ctx := cmd.Context()
			orig, err := loadMessage(ctx, s, args[0], "id")
			if err != nil {
				return err
			}
			draft, err := orig.CreateForward(ctx, to...)
			if err != nil {
				return err
			}
			return respond(ctx, s, draft, body)
		},
	}
	cmd.Flags().StringSliceVar(&to, "to", nil, "recipient (repeatable)")
	cmd.Flags().StringVar(&body, "body", "", "text above the forwarded message")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}

func newMailMoveCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:   "move ID|# FOLDER",
		Short: "Move a message to a folder (well-known name, display name or id)",
		Long: "Move a message to a folder. The message gets a new id in its new folder (--json prints it).\n" +
			"A move whose answer is lost is confirmed by looking the message up, not reported as failed.",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return moveOrCopy(cmd.Context(), s, args, true)
		},
	}
}

func newMailCopyCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:   "copy ID|# FOLDER",
		Short: "Copy a message to a folder (well-known name, display name or id)",
		Long:  "Copy a message to a folder. A copy whose answer is lost is looked for before copying again.",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return moveOrCopy(cmd.Context(), s, args, false)
		},
	}
}

// moveOrCopy is `mail move` and `mail copy`: args are the message and the
// folder. It prints the message where it now is: its id, folder and subject
// (the whole message with --json).
func moveOrCopy(ctx context.Context, s *Session, args []string, move bool) error {
	mb, err := mailbox(ctx, s)
	if err != nil {
		return err
	}
	dest, err := resolveFolder(ctx, mb, args[1])
	if err != nil {
		return err
	}
	id, err := s.messageID(args[0])
	if err != nil {
		return err
	}
	m, err := mb.GetMessage(ctx, id, o365.NewQuery().Select("id", "subject", "internetMessageId"))
	if err != nil {
		return err
	}
	verb, at := "Moved", m
	if move {
		err = m.Move(ctx, dest)
	} else {
		verb = "Copied"
		at, err = m.Copy(ctx, dest)
	}
	if err != nil {
		return err
	}
	return s.Out().Print(at, func() *Table {
		return KeyValues([2]string{verb, at.Subject}, [2]string{"Folder", args[1]}, [2]string{"New ID", at.ID})
	})
}

func newMailDeleteCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:   "delete ID|#...",
		Short: "Delete messages (ids, or row numbers of the last list)",
		Long: "Delete messages and report each one's outcome. The exit code is 4 when any of them\n" +
			"was not found (the others are deleted), 1 for other failures.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ids, err := s.messageIDs(args)
			if err != nil {
				return err
			}
			mb, err := mailbox(ctx, s)
			if err != nil {
				return err
			}
			ids, args = uniqueIDs(ids, args)
			return printOutcomes(s, "deleted", args, ids, mb.DeleteMessages(ctx, ids))
		},
	}
}

// uniqueIDs drops repeated ids (and the arguments they came from).
func uniqueIDs(ids, args []string) ([]string, []string) {
	seen := map[string]bool{}
	var outIDs, outArgs []string
	for i, id := range ids {
		if !seen[id] {
			seen[id] = true
			outIDs, outArgs = append(outIDs, id), append(outArgs, args[i])
		}
	}
	return outIDs, outArgs
}

// outcome is one message's result in a bulk command.
type outcome struct {
	ID     string `json:"id"`
	Done   bool   `json:"done"`
	Result string `json:"result"` // e.g. "deleted", "not found"
	Status int    `json:"status,omitempty"`
	Error  string `json:"error,omitempty"`
}

// printOutcomes reports what a bulk command did to each message: a table of
// the arguments as given (JSON: the full ids), then an error naming the ids
// that failed. err is the bulk call's: nil, a *mail.BulkError, or a failure
// of the whole call. The exit code is 4 when every failure is "not found",
// else the code of the first other failure.
func printOutcomes(s *Session, verb string, args, ids []string, err error) error {
	var be *mail.BulkError
	if err != nil && !errors.As(err, &be) {
		return err
	}
	var failed map[string]error
	if be != nil {
		failed = be.Failed
	}
	return reportOutcomes(s, messageHandles, verb, args, ids, failed)
}

// reportOutcomes prints each item's outcome of a bulk command on items of
// kind (failed maps the ids that failed to their errors) and returns the
// error to exit with: 4 when every failure is "not found", else the code
// of the first other failure.
func reportOutcomes(s *Session, kind handleKind, verb string, args, ids []string, failed map[string]error) error {
	outs := make([]outcome, len(ids))
	var missing, others []string
	var firstOther error
	for i, id := range ids {
		o := outcome{ID: id, Done: true, Result: verb}
		if e := failed[id]; e != nil {
			o.Done = false
			var ae *o365.Error
			if errors.As(e, &ae) {
				o.Status = ae.StatusCode
			}
			if errors.Is(e, o365.ErrNotFound) {
				o.Result = "not found"
				missing = append(missing, args[i])
			} else {
				msg, _ := errorText(e)
				o.Result, o.Error = "failed: "+msg, msg
				others = append(others, args[i])
				if firstOther == nil {
					firstOther = e
				}
			}
		}
		outs[i] = o
	}
	column := strings.ToUpper(kind.noun[:1]) + kind.noun[1:]
	perr := s.Out().Print(outs, func() *Table {
		t := NewTable(column, "Result")
		for i, o := range outs {
			t.Add(args[i], o.Result)
		}
		return t
	})
	if perr != nil {
		return perr
	}
	switch {
	case firstOther != nil:
		return WithHint(fmt.Errorf("%d of %d %ss failed (%s), %d not found: %w", len(others), len(ids), kind.noun, strings.Join(others, ", "), len(missing), firstOther),
			hint(firstOther, s.target()))
	case len(missing) > 0:
		return WithHint(notFoundError(fmt.Sprintf("%d of %d %ss were not found: %s", len(missing), len(ids), kind.noun, strings.Join(missing, ", "))),
			fmt.Sprintf(`check the ids, or list the %ss with "%s"`, kind.noun, kind.list))
	}
	return nil
}

// notFoundError is a message for people that exits with code 4.
type notFoundError string

func (e notFoundError) Error() string        { return string(e) }
func (e notFoundError) Is(target error) bool { return target == o365.ErrNotFound }

func newMailMarkCommand(s *Session) *cobra.Command {
	var read, unread bool
	cmd := &cobra.Command{
		Use:   "mark ID|#... (--read | --unread)",
		Short: "Mark messages read or unread (ids, or row numbers of the last list)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if read == unread {
				return UsageError("give either --read or --unread")
			}
			ctx := cmd.Context()
			ids, err := s.messageIDs(args)
			if err != nil {
				return err
			}
			mb, err := mailbox(ctx, s)
			if err != nil {
				return err
			}
			ids, args = uniqueIDs(ids, args)
			verb := "marked unread"
			if read {
				verb = "marked read"
			}
			return printOutcomes(s, verb, args, ids, mb.MarkMessages(ctx, ids, read))
		},
	}
	cmd.Flags().BoolVar(&read, "read", false, "mark read")
	cmd.Flags().BoolVar(&unread, "unread", false, "mark unread")
	return cmd
}

func newMailAttachmentsCommand(s *Session) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "attachments ID|#",
		Short: "List a message's attachments, or save them with --save DIR",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			m, err := loadMessage(ctx, s, args[0], "id")
			if err != nil {
				return err
			}
			atts, err := o365.Collect(m.ListAttachments(ctx, nil))
			if err != nil {
				return err
			}
			if dir == "" {
				return s.Out().Print(atts, func() *Table {
					t := NewTable("Name", "Size", "Type", "Inline")
					for _, a := range atts {
						t.Add(a.Name, humanSize(int64(a.Size)), a.ContentType, a.IsInline)
					}
					return t
				})
			}
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return err
			}
			paths := []string{}
			var saveErr error
			var failed string
			for _, a := range atts {
				if a.Kind() == "reference" {
					continue // a link: there is nothing to save
				}
				path, err := a.DownloadTo(ctx, dir)
				if err != nil {
					saveErr, failed = err, a.Name
					break
				}
				paths = append(paths, path)
			}
			perr := s.Out().Print(paths, func() *Table {
				t := NewTable("Saved")
				for _, p := range paths {
					t.Add(p)
				}
				return t
			})
			if saveErr != nil {
				return fmt.Errorf("saving %q failed after %d of %d attachments were saved (listed above): %w", failed, len(paths), len(atts), saveErr)
			}
			return perr
		},
	}
	cmd.Flags().StringVar(&dir, "save", "", "save every attachment into this directory (names made safe, never overwriting)")
	return cmd
}

func newMailExportCommand(s *Session) *cobra.Command {
	var file string
	var force bool
	cmd := &cobra.Command{
		Use:   "export ID|# --eml FILE",
		Short: "Save a message as an .eml (MIME) file (- for stdout)",
		Long:  "Save a message as an .eml (MIME) file. An existing FILE is kept unless --force replaces it.",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if file != "-" && !force {
				if _, err := os.Lstat(file); err == nil {
					return WithHint(UsageError("%s exists", file), "add --force to replace it, or choose another --eml file")
				}
			}
			ctx := cmd.Context()
			m, err := loadMessage(ctx, s, args[0], "id")
			if err != nil {
				return err
			}
			if file == "-" {
				_, err := m.DownloadMIME(ctx, s.Out().Writer())
				return err
			}
			n, err := exportMIME(ctx, m, file, force)
			if err != nil {
				return err
			}
			return s.Out().Print(map[string]any{"file": file, "bytes": n}, func() *Table {
				return KeyValues([2]string{"Saved", file}, [2]string{"Size", humanSize(n)})
			})
		},
	}
	cmd.Flags().StringVar(&file, "eml", "", "the file to write")
	cmd.Flags().BoolVar(&force, "force", false, "replace FILE if it exists")
	_ = cmd.MarkFlagRequired("eml")
	return cmd
}

// exportMIME writes the message's MIME text to path (see saveNew).
func exportMIME(ctx context.Context, m *mail.Message, path string, force bool) (int64, error) {
	return saveNew(path, "--eml", force, func(w io.Writer) (int64, error) { return m.DownloadMIME(ctx, w) })
}

// saveNew writes a file through write into a temporary file next to path,
// then moves it into place: an interrupted export leaves no half file, and
// an existing file is replaced only when force says so (and only by a
// complete one). flag names the option that chose path, for the hint.
func saveNew(path, flag string, force bool, write func(io.Writer) (int64, error)) (int64, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return 0, err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	n, err := write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, err
	}
	if force {
		return n, os.Rename(tmp, path)
	}
	// Link refuses to replace a file that appeared meanwhile.
	err = os.Link(tmp, path)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		// No hard links on this file system: look, then move.
		if _, serr := os.Lstat(path); serr == nil {
			err = fs.ErrExist
		} else {
			err = os.Rename(tmp, path)
		}
	}
	if errors.Is(err, fs.ErrExist) {
		return n, WithHint(UsageError("%s exists", path), "add --force to replace it, or choose another "+flag+" file")
	}
	return n, err
}

// syncOutput is what `mail sync --json` prints.
type syncOutput struct {
	// Initial is set on a first round (no state yet, or the old one
	// expired): Changed then holds every message of the folder.
	Initial bool            `json:"initial"`
	Changed []*mail.Message `json:"changed"`
	Removed []string        `json:"removed"`
}

// syncResult is one delta round, gathered for printing.
type syncResult struct {
	Changed   []*mail.Message
	Removed   []string
	DeltaLink string
}

// syncRound runs one round of d.
func syncRound(ctx context.Context, d *o365.DeltaQuery[mail.Message]) (*syncResult, error) {
	res := &syncResult{}
	for c, err := range d.Changes(ctx) {
		if err != nil {
			return nil, err
		}
		if c.Removed {
			res.Removed = append(res.Removed, c.ID)
		} else {
			res.Changed = append(res.Changed, c.Item)
		}
	}
	res.DeltaLink = d.DeltaLink()
	return res, nil
}

func newMailSyncCommand(s *Session) *cobra.Command {
	var state string
	cmd := &cobra.Command{
		Use:   "sync FOLDER --state FILE",
		Short: "Show what changed in a folder since the last sync (state kept in FILE)",
		Long: "The first run lists every message (as \"new\") and stores a delta link in FILE; later runs show\n" +
			"only the messages created, changed or removed since. Delete FILE to start over.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			// Read and check the state before any request, sign-in
			// included: a link to another host is refused, never followed.
			p, err := s.protocol(ctx)
			if err != nil {
				return err
			}
			link, err := readSyncState(state, p)
			if err != nil {
				return err
			}
			mb, err := mailbox(ctx, s)
			if err != nil {
				return err
			}
			folder, err := resolveFolder(ctx, mb, args[0])
			if err != nil {
				return err
			}
			q := o365.NewQuery().Select("subject", "from", "receivedDateTime", "isRead", "hasAttachments")
			res, err := syncRound(ctx, mb.SyncMessages(folder, link, q))
			if errors.Is(err, o365.ErrResyncRequired) {
				s.Out().Notef("the saved sync state expired; starting over")
				link = ""
				res, err = syncRound(ctx, mb.SyncMessages(folder, "", q))
			}
			if err != nil {
				return err
			}
			if err := writeFileAtomic(state, []byte(res.DeltaLink+"\n")); err != nil {
				return err
			}
			out := syncOutput{Initial: link == "", Changed: res.Changed, Removed: res.Removed}
			if out.Changed == nil {
				out.Changed = []*mail.Message{}
			}
			if out.Removed == nil {
				out.Removed = []string{}
			}
			if s.Out().JSONMode() {
				return s.Out().JSON(out)
			}
			if len(out.Changed)+len(out.Removed) == 0 {
				if out.Initial {
					s.Out().Notef("The folder is empty; the sync state is in %s.", state)
				} else {
					s.Out().Notef("No changes since the last sync.")
				}
				return nil
			}
			change := "changed"
			if out.Initial {
				change = "new"
			}
			if len(out.Changed) > 0 {
				if err := printMessageRows(s, out.Changed, func(int) string { return change }); err != nil {
					return err
				}
			}
			if len(out.Removed) > 0 {
				t := NewTable("Change", "Message")
				for _, id := range out.Removed {
					t.Add("removed", id)
				}
				return s.Out().Table(t)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&state, "state", "", "file holding the sync state (created if missing)")
	_ = cmd.MarkFlagRequired("state")
	return cmd
}

// readSyncState reads a `mail sync` state file: "" when it does not exist
// yet, else the delta link it holds, which must be a delta link on the
// protocol's own host: a file that holds something else is refused, and so
// is a link elsewhere (it would be followed without a token, but it would
// still be followed).
func readSyncState(path string, p *o365.Protocol) (string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	link := strings.TrimSpace(string(data))
	notState := func(why string) error {
		return WithHint(UsageError("%s does not hold a mail sync state: %s", path, why),
			"give the --state file an earlier sync wrote, or a new file name to start over")
	}
	if link == "" {
		return "", notState("it is empty")
	}
	u, err := url.Parse(link)
	if err != nil || !u.IsAbs() || strings.ContainsAny(link, " \n") {
		return "", notState("it is not a delta link")
	}
	q := u.Query()
	if !strings.HasSuffix(strings.TrimSuffix(u.Path, "()"), "/delta") ||
		(q.Get("$deltatoken") == "" && q.Get("$skiptoken") == "" && q.Get("$deltaToken") == "" && q.Get("$skipToken") == "") {
		return "", notState("it is not a delta link")
	}
	base, err := url.Parse(p.BaseURL)
	if err != nil {
		return "", err
	}
	if !strings.EqualFold(u.Scheme, base.Scheme) || !strings.EqualFold(u.Host, base.Host) {
		return "", WithHint(UsageError("%s points at %s, not at %s: refusing to follow it", path, u.Host, base.Host),
			"a sync state belongs to the service (and sandbox) that wrote it: give a new --state file to start over here")
	}
	return link, nil
}

func newMailAutoReplyCommand(s *Session) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auto-reply",
		Short: "Show or set automatic replies (out of office)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return showAutoReply(cmd.Context(), s)
		},
	}
	var o struct {
		internal, external, audience, start, end string
	}
	set := func(scheduled bool) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, _ []string) error {
			ar := mail.AutoReply{Internal: o.internal, External: o.external, Audience: o.audience}
			if ar.External == "" {
				ar.External = ar.Internal
			}
			if !slices.Contains([]string{"", mail.AudienceAll, mail.AudienceContactsOnly, mail.AudienceNone}, ar.Audience) {
				return UsageError("--audience must be all, contactsOnly or none")
			}
			if scheduled {
				var err error
				if ar.Start, err = parseWhen(o.start); err != nil {
					return UsageError("--start: %v", err)
				}
				if ar.End, err = parseWhen(o.end); err != nil {
					return UsageError("--end: %v", err)
				}
				if !ar.End.After(ar.Start) {
					return UsageError("--end must be after --start")
				}
			}
			ctx := cmd.Context()
			mb, err := mailbox(ctx, s)
			if err != nil {
				return err
			}
			if err := mb.SetAutoReply(ctx, ar); err != nil {
				return err
			}
			return showAutoReply(ctx, s)
		}
	}
	on := &cobra.Command{Use: "on", Short: "Turn automatic replies on until turned off", Args: cobra.NoArgs, RunE: set(false)}
	schedule := &cobra.Command{Use: "schedule --start T --end T", Short: "Send automatic replies between two times", Args: cobra.NoArgs, RunE: set(true),
		Example: "  o365 mail auto-reply schedule --start 2026-08-01 --end 2026-08-15T09:00 --message 'Back on the 15th'"}
	for _, c := range []*cobra.Command{on, schedule} {
		c.Flags().StringVar(&o.internal, "message", "", "reply to people in the organisation")
		c.Flags().StringVar(&o.external, "external", "", "reply to people outside (default: --message)")
		c.Flags().StringVar(&o.audience, "audience", mail.AudienceAll, "who outside gets replies: all, contactsOnly or none")
		_ = c.MarkFlagRequired("message")
	}
	schedule.Flags().StringVar(&o.start, "start", "", "start (2006-01-02, 2006-01-02T15:04 local, or RFC 3339)")
	schedule.Flags().StringVar(&o.end, "end", "", "end (same forms)")
	_ = schedule.MarkFlagRequired("start")
	_ = schedule.MarkFlagRequired("end")
	off := &cobra.Command{Use: "off", Short: "Turn automatic replies off", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			mb, err := mailbox(ctx, s)
			if err != nil {
				return err
			}
			if err := mb.DisableAutoReply(ctx); err != nil {
				return err
			}
			return showAutoReply(ctx, s)
		}}
	cmd.AddCommand(on, schedule, off)
	return cmd
}

// parseWhen reads a date, a local date and time, or RFC 3339.
func parseWhen(v string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, v, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date or time like 2026-08-01 or 2026-08-01T09:00", v)
}

func showAutoReply(ctx context.Context, s *Session) error {
	mb, err := mailbox(ctx, s)
	if err != nil {
		return err
	}
	st, err := mb.GetSettings(ctx)
	if err != nil {
		return err
	}
	ar := st.AutomaticRepliesSetting
	if ar == nil {
		ar = &mail.AutomaticRepliesSetting{Status: mail.AutoReplyDisabled}
	}
	return s.Out().Print(ar, func() *Table {
		pairs := [][2]string{{"Status", ar.Status}, {"Audience", ar.ExternalAudience}}
		if ar.Status == mail.AutoReplyScheduled {
			pairs = append(pairs, [2]string{"Start", Cell(ar.ScheduledStart())}, [2]string{"End", Cell(ar.ScheduledEnd())})
		}
		pairs = append(pairs, [2]string{"Internal", ar.InternalReplyMessage}, [2]string{"External", ar.ExternalReplyMessage})
		return KeyValues(pairs...)
	})
}
