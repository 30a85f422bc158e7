package cli

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strings"

	"github.com/spf13/cobra"

	"github.com/o365go/o365"
	"github.com/o365go/o365/directory"
	"github.com/o365go/o365/groups"
)

// newGroupsCommand is `o365 groups ...`.
func newGroupsCommand(s *Session) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "groups",
		Short: "Manage groups, their members and owners; read and post to conversations",
		Long: "Manage Microsoft 365 and security groups. A GROUP is an id or a mail address\n" +
			"(team@contoso.com); without one, commands are about the --resource group\n" +
			"(--resource group:team@contoso.com). Members and owners are user ids or principal names.",
	}
	cmd.AddCommand(newGroupsListCommand(s), newGroupsShowCommand(s), newGroupsCreateCommand(s), newGroupsDeleteCommand(s),
		newGroupsMembersCommand(s, "members"), newGroupsMembersCommand(s, "owners"),
		newGroupsChangeMembersCommand(s, true), newGroupsChangeMembersCommand(s, false), newGroupsConversationsCommand(s))
	return cmd
}

// groupArg resolves the group a command is about: an id, a mail address
// (looked up), or "" for the account's --resource group.
func groupArg(ctx context.Context, s *Session, args []string) (*groups.Groups, string, error) {
	acct, err := s.Account(ctx)
	if err != nil {
		return nil, "", err
	}
	g := groups.New(acct)
	arg := ""
	if len(args) > 0 {
		arg = args[0]
	}
	switch {
	case arg == "" && acct.Resource().Kind() != o365.KindGroup:
		return nil, "", WithHint(UsageError("give a GROUP (an id or a mail address)"), "or name it with --resource group:ID")
	case arg == "":
		r, err := acct.ResolveResource(ctx)
		if err != nil {
			return nil, "", err
		}
		return g, strings.TrimPrefix(r.String(), "groups/"), nil
	case strings.Contains(arg, "@"):
		grp, err := g.GetByMail(ctx, arg)
		if err != nil {
			return nil, "", err
		}
		return g, grp.ID, nil
	}
	return g, arg, nil
}

// userIDs turns user principal names into object ids; ids pass through.
func userIDs(ctx context.Context, acct *o365.Account, args []string) ([]string, error) {
	dir := directory.New(acct)
	out := make([]string, len(args))
	for i, a := range args {
		if !strings.Contains(a, "@") {
			out[i] = a
			continue
		}
		u, err := dir.GetUser(ctx, a, o365.NewQuery().Select("id"))
		if err != nil {
			return nil, err
		}
		out[i] = u.ID
	}
	return out, nil
}

func groupKind(grp *o365.Group) string {
	for _, t := range grp.GroupTypes {
		if strings.EqualFold(t, "Unified") {
			return "Microsoft 365"
		}
	}
	if grp.SecurityEnabled != nil && *grp.SecurityEnabled {
		return "Security"
	}
	return "Distribution"
}

func groupTable(list []*o365.Group) *Table {
	t := NewTable("Name", "Mail", "Kind", "Visibility", "ID")
	for _, grp := range list {
		t.Add(grp.DisplayName, grp.Mail, groupKind(grp), grp.Visibility, grp.ID)
	}
	return t
}

func newGroupsListCommand(s *Session) *cobra.Command {
	var o struct {
		top    int
		search string
	}
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List groups",
		Example: "  o365 groups list\n  o365 groups list --search market",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.top < 1 {
				return UsageError("--top must be at least 1")
			}
			ctx := cmd.Context()
			acct, err := s.Account(ctx)
			if err != nil {
				return err
			}
			q := o365.NewQuery().Top(min(o.top, 999)).Limit(o.top)
			list := groups.New(acct).List(ctx, q)
			if o.search != "" {
				list = groups.New(acct).Search(ctx, o.search, q)
			}
			all, err := o365.Collect(list)
			if err != nil {
				return err
			}
			return s.Out().Print(all, func() *Table { return groupTable(all) })
		},
	}
	cmd.Flags().IntVar(&o.top, "top", 100, "how many groups at most")
	cmd.Flags().StringVar(&o.search, "search", "", "only groups whose name, mail or description has a word starting with this")
	return cmd
}

func newGroupsShowCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:   "show [GROUP]",
		Short: "Show a group",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			g, id, err := groupArg(ctx, s, args)
			if err != nil {
				return err
			}
			grp, err := g.Get(ctx, id, nil)
			if err != nil {
				return err
			}
			return s.Out().Print(grp, func() *Table {
				pairs := [][2]string{{"Name", grp.DisplayName}, {"Mail", grp.Mail}, {"Kind", groupKind(grp)},
					{"Visibility", grp.Visibility}, {"Description", grp.Description}, {"Created", Cell(grp.CreatedDateTime)}, {"ID", grp.ID}}
				return SetValues(pairs...)
			})
		},
	}
}

func newGroupsCreateCommand(s *Session) *cobra.Command {
	var o struct {
		nickname, description string
		security, public      bool
		owners, members       []string
	}
	cmd := &cobra.Command{
		Use:   "create NAME --nickname NICK",
		Short: "Create a Microsoft 365 group (or a security group with --security)",
		Example: "  o365 groups create Marketing --nickname marketing --member bob@contoso.com --member carol@contoso.com\n" +
			"  o365 groups create 'VPN users' --nickname vpn-users --security",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			acct, err := s.Account(ctx)
			if err != nil {
				return err
			}
			grp := groups.NewMicrosoft365Group(args[0], o.nickname)
			if o.security {
				if o.public {
					return UsageError("--public is for Microsoft 365 groups; security groups have no visibility")
				}
				grp = groups.NewSecurityGroup(args[0], o.nickname)
			} else if o.public {
				grp.Visibility = "Public"
			}
			grp.Description = o.description
			owners, err := userIDs(ctx, acct, o.owners)
			if err != nil {
				return err
			}
			members, err := userIDs(ctx, acct, o.members)
			if err != nil {
				return err
			}
			created, err := groups.New(acct).Create(ctx, grp, &groups.CreateOptions{Owners: owners, Members: members})
			if err != nil {
				return err
			}
			return s.Out().Print(created, func() *Table {
				return KeyValues([2]string{"Created", created.DisplayName}, [2]string{"Mail", created.Mail}, [2]string{"ID", created.ID})
			})
		},
	}
	cmd.Flags().StringVar(&o.nickname, "nickname", "", "the mail nickname (the address's local part)")
	cmd.Flags().StringVar(&o.description, "description", "", "what the group is for")
	cmd.Flags().BoolVar(&o.security, "security", false, "a security group (no mailbox) rather than a Microsoft 365 group")
	cmd.Flags().BoolVar(&o.public, "public", false, "everyone in the organization may read the group's content")
	cmd.Flags().StringArrayVar(&o.owners, "owner", nil, "an owner (repeat)")
	cmd.Flags().StringArrayVar(&o.members, "member", nil, "a member (repeat)")
	_ = cmd.MarkFlagRequired("nickname")
	return cmd
}

func newGroupsDeleteCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:     "delete GROUP",
		Aliases: []string{"rm"},
		Short:   "Delete a group (a Microsoft 365 group can be restored for 30 days)",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			g, id, err := groupArg(ctx, s, args)
			if err != nil {
				return err
			}
			if err := g.Delete(ctx, id); err != nil {
				return err
			}
			return s.Out().Print(map[string]any{"deleted": id}, func() *Table { return KeyValues([2]string{"Deleted", args[0]}) })
		},
	}
}

// newGroupsMembersCommand is `groups members` or `groups owners`.
func newGroupsMembersCommand(s *Session, kind string) *cobra.Command {
	var transitive bool
	cmd := &cobra.Command{
		Use:   kind + " [GROUP]",
		Short: "List a group's " + kind,
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			g, id, err := groupArg(ctx, s, args)
			if err != nil {
				return err
			}
			q := o365.NewQuery().Top(999)
			list := g.ListOwners(ctx, id, q)
			switch {
			case kind == "members" && transitive:
				list = g.ListTransitiveMembers(ctx, id, q)
			case kind == "members":
				list = g.ListMembers(ctx, id, q)
			}
			all, err := o365.Collect(list)
			if err != nil {
				return err
			}
			return s.Out().Print(all, func() *Table {
				t := NewTable("Name", "Mail", "Kind", "ID")
				for _, m := range all {
					var u o365.User
					_ = m.As(&u)
					t.Add(u.DisplayName, firstNonEmpty(u.Mail, u.UserPrincipalName), m.Kind(), m.ID)
				}
				return t
			})
		},
	}
	if kind == "members" {
		cmd.Flags().BoolVar(&transitive, "transitive", false, "include the members of nested groups")
	}
	return cmd
}

// newGroupsChangeMembersCommand is `groups add-member` or `groups
// remove-member`.
func newGroupsChangeMembersCommand(s *Session, add bool) *cobra.Command {
	use, short, verb := "remove-member", "Remove members from a group", "removed"
	if add {
		use, short, verb = "add-member", "Add members to a group (any number: 20 per $batch request)", "added"
	}
	var owner bool
	cmd := &cobra.Command{
		Use:     use + " GROUP USER...",
		Short:   short,
		Example: "  o365 groups " + use + " marketing@contoso.com bob@contoso.com carol@contoso.com",
		Args:    cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			g, id, err := groupArg(ctx, s, args[:1])
			if err != nil {
				return err
			}
			users := args[1:]
			ids, err := userIDs(ctx, g.Account(), users)
			if err != nil {
				return err
			}
			ids, users = uniqueIDs(ids, users)
			change := map[[2]bool]func(context.Context, string, ...string) error{
				{true, false}: g.AddMembers, {false, false}: g.RemoveMembers, {true, true}: g.AddOwners, {false, true}: g.RemoveOwners,
			}[[2]bool{add, owner}]
			err = change(ctx, id, ids...)
			var me *groups.MembersError
			if err != nil && !errors.As(err, &me) {
				return err
			}
			var failed map[string]error
			if me != nil {
				failed = me.Failed
			}
			return reportOutcomes(s, handleKind{noun: "member", list: "o365 groups members " + args[0]}, verb, users, ids, failed)
		},
	}
	cmd.Flags().BoolVar(&owner, "owner", false, "change the group's owners instead of its members")
	return cmd
}

func newGroupsConversationsCommand(s *Session) *cobra.Command {
	var o struct {
		thread, reply, start, body string
	}
	cmd := &cobra.Command{
		Use:   "conversations [GROUP]",
		Short: "List a group's conversations; read a thread, reply, or start one",
		Long: "List the threads of a Microsoft 365 group's conversations, numbered. --thread # prints\n" +
			"a thread's posts, --reply TEXT (with --thread) answers it, --start TOPIC --body TEXT\n" +
			"starts a thread. Only the group's members (everyone, for a public group) may read them.",
		Example: "  o365 groups conversations engineering@contoso.com\n  o365 groups conversations engineering@contoso.com --thread 1\n" +
			"  o365 --resource group:engineering@contoso.com groups conversations --thread 1 --reply 'Thursday works'",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.reply != "" && o.thread == "" {
				return UsageError("--reply needs --thread: which thread to answer")
			}
			if (o.start == "") != (o.body == "") {
				return UsageError("--start TOPIC and --body TEXT go together")
			}
			ctx := cmd.Context()
			g, id, err := groupArg(ctx, s, args)
			if err != nil {
				return err
			}
			switch {
			case o.start != "":
				t, err := g.StartThread(ctx, id, o.start, o365.ItemBody{ContentType: o365.ContentText, Content: o.body})
				if err != nil {
					return err
				}
				return s.Out().Print(t, func() *Table { return KeyValues([2]string{"Started", t.Topic}, [2]string{"ID", t.ID}) })
			case o.thread != "":
				ids, err := s.handleIDs(threadHandles, []string{o.thread})
				if err != nil {
					return err
				}
				t, err := g.GetThread(ctx, id, ids[0], nil)
				if err != nil {
					return err
				}
				if o.reply != "" {
					if err := t.Reply(ctx, o365.ItemBody{ContentType: o365.ContentText, Content: o.reply}); err != nil {
						return err
					}
				}
				posts, err := o365.Collect(t.ListPosts(ctx, nil))
				if err != nil {
					return err
				}
				if s.Out().JSONMode() {
					return s.Out().JSON(posts)
				}
				w := s.Out().Writer()
				fmt.Fprintf(w, "%s\n", t.Topic)
				for _, p := range posts {
					text := p.Body.Content
					if strings.EqualFold(p.Body.ContentType, o365.ContentHTML) {
						text = htmlText(text)
					}
					fmt.Fprintf(w, "\n%s, %s:\n%s\n", p.From.EmailAddress.String(), Cell(p.ReceivedDateTime), strings.TrimSpace(text))
				}
				return nil
			}
			threads, err := o365.Collect(g.ListThreads(ctx, id, nil))
			if err != nil {
				return err
			}
			if s.Out().JSONMode() {
				return s.Out().JSON(threads)
			}
			t := NewTable("#", "Topic", "Last post", "From", "Preview")
			ids := make([]string, len(threads))
			for i, th := range threads {
				ids[i] = th.ID
				t.Add(i+1, th.Topic, th.LastDeliveredDateTime, strings.Join(th.UniqueSenders, ", "), th.Preview)
			}
			if err := s.Out().Table(t); err != nil {
				return err
			}
			if len(threads) > 0 {
				s.remember(threadHandles, ids)
				s.Out().Notef("# is the thread's number for --thread (o365 groups conversations GROUP --thread 1).")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&o.thread, "thread", "", "print a thread's posts (its # in the last list, or its id)")
	cmd.Flags().StringVar(&o.reply, "reply", "", "answer the --thread with this text")
	cmd.Flags().StringVar(&o.start, "start", "", "start a thread on this topic (with --body)")
	cmd.Flags().StringVar(&o.body, "body", "", "the first post of the thread --start starts")
	return cmd
}

// htmlText is an HTML body as plain text, for a terminal.
func htmlText(s string) string {
	var b strings.Builder
	in := false
	for _, r := range strings.NewReplacer("<br>", "\n", "</p>", "\n", "<br/>", "\n").Replace(s) {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return html.UnescapeString(b.String())
}
