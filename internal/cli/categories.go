package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/o365go/o365"
	"github.com/o365go/o365/outlook"
)

// newCategoriesCommand is `o365 categories ...`: the mailbox's master list
// of categories, which mail, calendar, contacts and To Do share.
func newCategoriesCommand(s *Session) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "categories",
		Short: "List and manage the categories of Outlook items (mail, calendar, contacts, To Do)",
		Long: "The master list of categories: the names items carry, with their colours. Commands that\n" +
			"take a CATEGORY take its name or its id. Colours: " + strings.Join(categoryColorNames(), ", ") + ".",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return listCategories(cmd.Context(), s) },
	}
	list := &cobra.Command{Use: "list", Short: "List the categories", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return listCategories(cmd.Context(), s) }}
	cmd.AddCommand(list, newCategoriesCreateCommand(s), newCategoriesColorCommand(s), newCategoriesDeleteCommand(s))
	return cmd
}

// categoryColorNames are the colours' names, then "none".
func categoryColorNames() []string {
	var out []string
	for _, c := range outlook.CategoryColors() {
		out = append(out, outlook.CategoryColorName(c))
	}
	return out
}

func loadCategories(ctx context.Context, s *Session) (*o365.Account, []*outlook.Category, error) {
	acct, err := categoriesAccount(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	cats, err := o365.Collect(outlook.ListCategories(ctx, acct, nil))
	return acct, cats, err
}

// categoriesAccount is the session's account; groups and sites have no
// master list.
func categoriesAccount(ctx context.Context, s *Session) (*o365.Account, error) {
	acct, err := s.Account(ctx)
	if err != nil {
		return nil, err
	}
	if k := acct.Resource().Kind(); k == o365.KindGroup || k == o365.KindSite {
		return nil, UsageError("--resource %s: categories belong to a user's mailbox", acct.Resource())
	}
	return acct, nil
}

func listCategories(ctx context.Context, s *Session) error {
	_, cats, err := loadCategories(ctx, s)
	if err != nil {
		return err
	}
	if !s.Out().JSONMode() && len(cats) == 0 {
		s.Out().Notef(`No categories. Create one with "o365 categories create NAME --color red".`)
		return nil
	}
	return s.Out().Print(cats, func() *Table {
		t := NewTable("Category", "Colour", "ID")
		for _, c := range cats {
			t.Add(c.DisplayName, outlook.CategoryColorName(c.Color), c.ID)
		}
		return t
	})
}

// findCategory finds a category by name (without regard to case) or id.
func findCategory(cats []*outlook.Category, arg string) (*outlook.Category, error) {
	for _, c := range cats {
		if c.ID == arg || strings.EqualFold(c.DisplayName, arg) {
			return c, nil
		}
	}
	return nil, WithHint(notFoundError(fmt.Sprintf("no category is named or has the id %q", arg)), `list them with "o365 categories"`)
}

func newCategoriesCreateCommand(s *Session) *cobra.Command {
	var color string
	cmd := &cobra.Command{
		Use:   "create NAME [--color COLOUR]",
		Short: "Create a category",
		Long: "Create a category. Without --color it gets the first colour no category has yet.\n" +
			"Colours: " + strings.Join(categoryColorNames(), ", ") + " (or preset0 to preset24).",
		Example: "  o365 categories create Urgent --color red\n  o365 categories create \"Project Apollo\"",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := strings.TrimSpace(args[0])
			if name == "" {
				return UsageError("the category's name is empty")
			}
			if color != "" {
				c, err := outlook.ParseCategoryColor(color)
				if err != nil {
					return UsageError("--color: %v", err)
				}
				color = c
			}
			ctx := cmd.Context()
			acct, cats, err := loadCategories(ctx, s)
			if err != nil {
				return err
			}
			for _, c := range cats {
				if strings.EqualFold(c.DisplayName, name) {
					return WithHint(UsageError("a category named %q exists (%s)", c.DisplayName, outlook.CategoryColorName(c.Color)),
						fmt.Sprintf("change its colour with \"o365 categories color %q COLOUR\"", c.DisplayName))
				}
			}
			if color == "" {
				color = unusedColor(cats)
			}
			c, err := outlook.CreateCategory(ctx, acct, name, color)
			if err != nil {
				return err
			}
			return s.Out().Print(c, func() *Table {
				return KeyValues([2]string{"Created", c.DisplayName}, [2]string{"Colour", outlook.CategoryColorName(c.Color)})
			})
		},
	}
	cmd.Flags().StringVar(&color, "color", "", "the colour: a name (red, darkBlue ...), preset0-preset24 or none")
	return cmd
}

// unusedColor is the first preset no category has, else red's.
func unusedColor(cats []*outlook.Category) string {
	for _, c := range outlook.CategoryColors() {
		if c != outlook.CategoryNone && !slices.ContainsFunc(cats, func(x *outlook.Category) bool { return strings.EqualFold(x.Color, c) }) {
			return c
		}
	}
	return outlook.CategoryRed
}

func newCategoriesColorCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:     "color CATEGORY COLOUR",
		Aliases: []string{"colour"},
		Short:   "Change a category's colour",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			color, err := outlook.ParseCategoryColor(args[1])
			if err != nil {
				return UsageError("%v", err)
			}
			ctx := cmd.Context()
			_, cats, err := loadCategories(ctx, s)
			if err != nil {
				return err
			}
			c, err := findCategory(cats, args[0])
			if err != nil {
				return err
			}
			c.Color = color
			if err := c.Save(ctx); err != nil {
				return err
			}
			return s.Out().Print(c, func() *Table {
				return KeyValues([2]string{"Category", c.DisplayName}, [2]string{"Colour", outlook.CategoryColorName(c.Color)})
			})
		},
	}
}

func newCategoriesDeleteCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:   "delete CATEGORY...",
		Short: "Delete categories (items keep the name, without a colour)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			_, cats, err := loadCategories(ctx, s)
			if err != nil {
				return err
			}
			var targets []*outlook.Category
			for _, a := range args {
				c, err := findCategory(cats, a)
				if err != nil {
					return err
				}
				if !slices.Contains(targets, c) {
					targets = append(targets, c)
				}
			}
			return actOnEach(s, "Category", targets, func(c *outlook.Category) (string, string) { return c.ID, c.DisplayName },
				"deleted", func(c *outlook.Category) error { return c.Delete(ctx) })
		},
	}
}
