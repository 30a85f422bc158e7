package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/o365go/o365"
	"github.com/o365go/o365/directory"
)

// newUsersCommand is `o365 users ...`.
func newUsersCommand(s *Session) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users",
		Short: "Find people in the directory: profiles, managers, reports, photos",
		Long: "Read the organization's directory. A USER is an object id or a user principal name\n" +
			"(alice@contoso.com); without one, commands are about the --resource user, or the\n" +
			"signed-in user. --json prints what the service sent.",
	}
	cmd.AddCommand(newUsersListCommand(s), newUsersShowCommand(s), newUsersSearchCommand(s),
		newUsersManagerCommand(s), newUsersReportsCommand(s), newUsersPhotoCommand(s))
	return cmd
}

// userArg is the user a command is about: its argument, else the
// account's --resource user, else the signed-in user ("me").
func userArg(acct *o365.Account, args []string) (string, error) {
	if len(args) > 0 && args[0] != "" {
		return args[0], nil
	}
	r := acct.Resource()
	switch r.Kind() {
	case o365.KindMe:
		if acct.AppOnly() {
			return "", UsageError("give a USER: there is no signed-in user with application credentials")
		}
		return "me", nil
	case o365.KindUser:
		id, err := url.PathUnescape(strings.TrimPrefix(r.String(), "users/"))
		if err == nil && !strings.Contains(id, "/") {
			return id, nil
		}
	}
	return "", UsageError("give a USER: --resource %s is not a user", r)
}

// directoryOf returns the directory of the session's account and the user
// the command is about.
func directoryOf(ctx context.Context, s *Session, args []string) (*directory.Directory, string, error) {
	acct, err := s.Account(ctx)
	if err != nil {
		return nil, "", err
	}
	user, err := userArg(acct, args)
	if err != nil {
		return nil, "", err
	}
	dir := directory.New(acct)
	if user == "me" {
		me, err := dir.GetMe(ctx, o365.NewQuery().Select("id"))
		if err != nil {
			return nil, "", err
		}
		user = me.ID
	}
	return dir, user, nil
}

// userTable lists people.
func userTable(users []*o365.User) *Table {
	t := NewTable("Name", "Mail", "Job title", "Department", "Office")
	for _, u := range users {
		t.Add(u.DisplayName, firstNonEmpty(u.Mail, u.UserPrincipalName), u.JobTitle, u.Department, u.OfficeLocation)
	}
	return t
}

func newUsersListCommand(s *Session) *cobra.Command {
	var o struct {
		top        int
		department string
	}
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List the organization's users",
		Example: "  o365 users list --top 50\n  o365 users list --department Sales",
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
			if o.department != "" {
				q = q.Filter(o365.Eq("department", o.department))
			}
			users, err := o365.Collect(directory.New(acct).ListUsers(ctx, q))
			if err != nil {
				return err
			}
			return s.Out().Print(users, func() *Table { return userTable(users) })
		},
	}
	cmd.Flags().IntVar(&o.top, "top", 100, "how many users at most")
	cmd.Flags().StringVar(&o.department, "department", "", "only this department's users")
	return cmd
}

func newUsersSearchCommand(s *Session) *cobra.Command {
	var top int
	cmd := &cobra.Command{
		Use:     "search TEXT",
		Short:   "Find users by name or address (words starting with TEXT)",
		Example: "  o365 users search carol\n  o365 users search 'bob@contoso'",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			acct, err := s.Account(ctx)
			if err != nil {
				return err
			}
			users, err := o365.Collect(directory.New(acct).SearchUsers(ctx, args[0], o365.NewQuery().Top(min(top, 999)).Limit(top)))
			if err != nil {
				return err
			}
			return s.Out().Print(users, func() *Table { return userTable(users) })
		},
	}
	cmd.Flags().IntVar(&top, "top", 100, "how many users at most")
	return cmd
}

func newUsersShowCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:   "show [USER]",
		Short: "Show a person card: profile, manager, direct reports, photo",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			dir, user, err := directoryOf(ctx, s, args)
			if err != nil {
				return err
			}
			card, err := dir.GetCard(ctx, user)
			if err != nil {
				return err
			}
			return s.Out().Print(card, func() *Table {
				u := card.User
				var reports []string
				for _, r := range card.DirectReports {
					reports = append(reports, r.DisplayName)
				}
				manager, photo := "", ""
				if card.Manager != nil {
					manager = card.Manager.DisplayName
				}
				if card.Photo != nil {
					photo = fmt.Sprintf("%dx%d %s", card.Photo.Width, card.Photo.Height, card.Photo.ContentType)
				}
				pairs := [][2]string{
					{"Name", u.DisplayName}, {"Mail", u.Mail}, {"Sign-in", u.UserPrincipalName}, {"Job title", u.JobTitle},
					{"Department", u.Department}, {"Company", u.CompanyName}, {"Office", u.OfficeLocation},
					{"Phones", strings.Join(u.BusinessPhones, ", ")}, {"Mobile", u.MobilePhone},
					{"Manager", manager}, {"Direct reports", strings.Join(reports, ", ")}, {"Photo", photo}, {"ID", u.ID},
				}
				return SetValues(pairs...)
			})
		},
	}
}

func newUsersManagerCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:   "manager [USER]",
		Short: "Show a user's manager",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			dir, user, err := directoryOf(ctx, s, args)
			if err != nil {
				return err
			}
			m, err := dir.GetManager(ctx, user, nil)
			if err != nil {
				return WithHint(err, "a user at the top of the organization has no manager")
			}
			return s.Out().Print(m, func() *Table { return userTable([]*o365.User{m}) })
		},
	}
}

func newUsersReportsCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:   "reports [USER]",
		Short: "List the people who report to a user",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			dir, user, err := directoryOf(ctx, s, args)
			if err != nil {
				return err
			}
			users, err := o365.Collect(dir.ListDirectReports(ctx, user, nil))
			if err != nil {
				return err
			}
			return s.Out().Print(users, func() *Table { return userTable(users) })
		},
	}
}

func newUsersPhotoCommand(s *Session) *cobra.Command {
	var o struct {
		save, size string
		force      bool
	}
	cmd := &cobra.Command{
		Use:   "photo [USER]",
		Short: "Show a user's photo sizes, or save the photo (--save FILE)",
		Long: "Without --save, show the sizes the user's photo is served at. With --save FILE, write\n" +
			"the photo (as stored, or at --size) to FILE (\"-\" is standard output); an existing FILE\n" +
			"is kept unless --force replaces it.",
		Example: "  o365 users photo bob@contoso.com\n  o365 users photo --size 96x96 --save me.jpg",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.size != "" && !slices.ContainsFunc(directory.PhotoSizes, func(v string) bool { return strings.EqualFold(v, o.size) }) {
				return UsageError("--size %q: Graph serves %s", o.size, strings.Join(directory.PhotoSizes, ", "))
			}
			ctx := cmd.Context()
			dir, user, err := directoryOf(ctx, s, args)
			if err != nil {
				return err
			}
			if o.save == "" {
				sizes, err := o365.Collect(dir.ListPhotoSizes(ctx, user))
				if errors.Is(err, o365.ErrNotFound) {
					return WithHint(err, "the user has no photo")
				}
				if err != nil {
					return err
				}
				return s.Out().Print(sizes, func() *Table {
					t := NewTable("Size", "Width", "Height", "Type")
					for _, p := range sizes {
						t.Add(p.ID, p.Width, p.Height, p.ContentType)
					}
					return t
				})
			}
			if o.save == "-" {
				_, err := dir.DownloadPhoto(ctx, user, strings.ToLower(o.size), s.Out().Writer())
				return err
			}
			var ctype string
			n, err := saveNew(o.save, "--save", o.force, func(w io.Writer) (int64, error) {
				cw := &countingWriter{w: w}
				var err error
				ctype, err = dir.DownloadPhoto(ctx, user, strings.ToLower(o.size), cw)
				return cw.n, err
			})
			if errors.Is(err, o365.ErrNotFound) {
				return WithHint(err, "the user has no photo (at that size)")
			}
			if err != nil {
				return err
			}
			return s.Out().Print(map[string]any{"file": o.save, "bytes": n, "contentType": ctype}, func() *Table {
				return KeyValues([2]string{"Saved", o.save}, [2]string{"Size", humanSize(n)}, [2]string{"Type", ctype})
			})
		},
	}
	cmd.Flags().StringVar(&o.save, "save", "", `write the photo to this file ("-" for standard output)`)
	cmd.Flags().StringVar(&o.size, "size", "", "a size Graph serves, such as 96x96 (default: as stored)")
	cmd.Flags().BoolVar(&o.force, "force", false, "replace the --save file if it exists")
	return cmd
}
