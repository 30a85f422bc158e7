package cli

import (
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/o365go/o365/mail"
	"github.com/o365go/o365/outlook"
)

func newMailTipsCommand(s *Session) *cobra.Command {
	var kinds []string
	cmd := &cobra.Command{
		Use:   "tips ADDRESS...",
		Short: "Show what Outlook would tell you before mailing these recipients",
		Long: "Show the mail tips of recipients: automatic replies that are on, full mailboxes, recipients\n" +
			"outside the organisation, group sizes, delivery restrictions, moderation, size limits.\n" +
			"Kinds (--kind, default all): " + strings.Join(mail.MailTipKinds(), ", ") + ".",
		Example: "  o365 mail tips bob@contoso.com partner@fabrikam.com\n  o365 mail tips team@contoso.com --kind totalMemberCount,externalMemberCount",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, a := range args {
				if _, err := mail.ParseAddressList(a); err != nil {
					return UsageError("%v", err)
				}
			}
			for i, k := range kinds {
				j := slices.IndexFunc(mail.MailTipKinds(), func(known string) bool { return strings.EqualFold(known, k) })
				if j < 0 {
					return UsageError("--kind %q is not a kind of mail tip; use %s", k, strings.Join(mail.MailTipKinds(), ", "))
				}
				kinds[i] = mail.MailTipKinds()[j]
			}
			ctx := cmd.Context()
			mb, err := mailbox(ctx, s)
			if err != nil {
				return err
			}
			tips, err := mb.GetMailTips(ctx, args, &mail.MailTipsOptions{Kinds: kinds})
			if err != nil {
				return err
			}
			return s.Out().Print(tips, func() *Table {
				t := NewTable("Recipient", "Tips")
				for _, tip := range tips {
					t.Add(tip.EmailAddress.Address, describeTips(tip, slices.Contains(kinds, mail.TipMaxMessageSize)))
				}
				return t
			})
		},
	}
	cmd.Flags().StringSliceVar(&kinds, "kind", nil, "the kinds of tips to get (repeat or comma-separate)")
	return cmd
}

// describeTips says in words what a recipient's tips tell a sender; the
// size limit, the same for nearly everyone, only when asked for.
func describeTips(t *mail.MailTips, size bool) string {
	var parts []string
	if t.Error != nil {
		parts = append(parts, "no tips: "+firstNonEmpty(t.Error.Message, t.Error.Code))
	}
	if ar := t.AutomaticReplies; ar != nil && ar.Message != "" {
		reply := "automatic reply on: " + plainText(ar.Message, 80)
		if ar.ScheduledEndTime != nil {
			if end, err := ar.ScheduledEndTime.Time(); err == nil {
				reply += " (until " + Cell(end) + ")"
			}
		}
		parts = append(parts, reply)
	}
	if t.MailboxFull {
		parts = append(parts, "mailbox full: the message will not be delivered")
	}
	if t.External() {
		parts = append(parts, "outside your organisation")
	}
	if t.TotalMemberCount > 0 {
		m := fmt.Sprintf("a group of %d", t.TotalMemberCount)
		if t.ExternalMemberCount > 0 {
			m += fmt.Sprintf(" (%d outside your organisation)", t.ExternalMemberCount)
		}
		parts = append(parts, m)
	}
	if t.DeliveryRestricted {
		parts = append(parts, "does not accept mail from you")
	}
	if t.IsModerated {
		parts = append(parts, "moderated: a moderator approves messages first")
	}
	if size && t.MaxMessageSize > 0 {
		parts = append(parts, "accepts messages up to "+humanSize(int64(t.MaxMessageSize)))
	}
	if t.CustomMailTip != "" {
		parts = append(parts, plainText(t.CustomMailTip, 80))
	}
	if len(parts) == 0 {
		return "nothing to note"
	}
	return strings.Join(parts, "; ")
}

func newMailTranslateIDsCommand(s *Session) *cobra.Command {
	var from, to string
	formats := map[string]string{
		"rest": outlook.IDFormatREST, "immutable": outlook.IDFormatRESTImmutable, "ews": outlook.IDFormatEWS,
		"entry": outlook.IDFormatEntryID, "immutable-entry": outlook.IDFormatImmutableEntryID,
	}
	format := func(flag, v string) (string, error) {
		if f, ok := formats[strings.ToLower(v)]; ok {
			return f, nil
		}
		for _, f := range outlook.IDFormats() {
			if strings.EqualFold(f, v) {
				return f, nil
			}
		}
		return "", UsageError("--%s %q: use rest, immutable, ews, entry or immutable-entry (or Graph's %s)", flag, v, strings.Join(outlook.IDFormats(), ", "))
	}
	cmd := &cobra.Command{
		Use:   "translate-ids ID|#... [--from FORMAT] [--to FORMAT]",
		Short: "Translate item ids between formats (REST, immutable, EWS, MAPI entry ids)",
		Long: "Translate ids of the mailbox's items (messages, events, contacts) between formats:\n" +
			"rest (Graph's default, changes when an item moves), immutable (stays), ews (Exchange Web\n" +
			"Services), entry and immutable-entry (MAPI, URL-safe base64). Message ids may be given by\n" +
			"their # in the last mail list.",
		Example: "  o365 mail translate-ids 1 2 3 --to immutable\n  o365 mail translate-ids AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A... --from ews --to rest",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := format("from", from)
			if err != nil {
				return err
			}
			dst, err := format("to", to)
			if err != nil {
				return err
			}
			ids := args
			if src == outlook.IDFormatREST {
				if ids, err = s.messageIDs(args); err != nil {
					return err
				}
			}
			ctx := cmd.Context()
			mb, err := mailbox(ctx, s)
			if err != nil {
				return err
			}
			res, err := mb.TranslateExchangeIDs(ctx, ids, src, dst)
			if err != nil {
				return err
			}
			failed := 0
			for _, r := range res {
				if r.ErrorDetails != nil {
					failed++
				}
			}
			perr := s.Out().Print(res, func() *Table {
				t := NewTable("Source", "Target")
				for _, r := range res {
					target := r.TargetID
					if r.ErrorDetails != nil {
						target = "not translated: " + firstNonEmpty(r.ErrorDetails.Message, r.ErrorDetails.Code)
					}
					t.Add(r.SourceID, target)
				}
				return t
			})
			if perr != nil {
				return perr
			}
			if failed > 0 {
				return fmt.Errorf("%d of %d ids were not translated", failed, len(res))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "rest", "the ids' format: rest, immutable, ews, entry, immutable-entry")
	cmd.Flags().StringVar(&to, "to", "immutable", "the format to translate to")
	return cmd
}

var (
	htmlHidden = regexp.MustCompile(`(?is)<(style|script|head)\b.*?</(style|script|head)\s*>`)
	htmlTag    = regexp.MustCompile(`(?s)<[^>]*>`)
)

// plainText is an HTML fragment (an automatic reply, a custom mail tip) as
// one line of text of at most max characters, for a table.
func plainText(h string, max int) string {
	h = htmlHidden.ReplaceAllString(h, " ")
	h = htmlTag.ReplaceAllString(h, " ")
	text := strings.Join(strings.Fields(html.UnescapeString(h)), " ")
	if r := []rune(text); len(r) > max {
		text = string(r[:max-1]) + "…"
	}
	return text
}
