package cli

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/o365go/o365"
	"github.com/o365go/o365/sharepoint"
)

// siteHelp says how a SITE argument is written.
const siteHelp = "SITE is a host (its root site), HOST:/sites/NAME, a site id HOST,SITE-ID,WEB-ID, root,\n" +
	"or . for the site of --resource (sharepoint:HOST:/sites/NAME)."

// newSitesCommand is `o365 sites ...`.
func newSitesCommand(s *Session) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sites",
		Short: "Find SharePoint sites",
		Long:  "Find SharePoint sites: every site, the sites you follow, a search, one site with its lists.\n" + siteHelp,
	}
	cmd.AddCommand(newSitesListCommand(s), newSitesShowCommand(s), newSitesSearchCommand(s))
	return cmd
}

// sharepointSites is SharePoint for the session's account.
func sharepointSites(ctx context.Context, s *Session) (*sharepoint.Sites, error) {
	acct, err := s.Account(ctx)
	if err != nil {
		return nil, err
	}
	return sharepoint.New(acct), nil
}

// siteRef reads a SITE argument: "." (or "") is the --resource site,
// "sharepoint:" and "site:" prefixes are allowed. A malformed reference is
// a usage error before any request.
func siteRef(arg string) (string, error) {
	ref := strings.TrimSpace(arg)
	if ref == "." {
		return "", nil
	}
	for _, p := range []string{"sharepoint:", "site:"} {
		if len(ref) > len(p) && strings.EqualFold(ref[:len(p)], p) {
			ref = ref[len(p):]
		}
	}
	if ref == "" {
		return "", nil
	}
	if _, err := o365.ParseResource("site:" + ref); err != nil {
		return "", WithHint(UsageError("%v", err), "write SITE as contoso.sharepoint.com, contoso.sharepoint.com:/sites/team, a site id or root")
	}
	return ref, nil
}

// printSites prints sites as a table of names, titles and addresses.
func printSites(s *Session, sites []*sharepoint.Site) error {
	return s.Out().Print(sites, func() *Table {
		t := NewTable("Title", "Name", "URL")
		for _, site := range sites {
			t.Add(site.DisplayName, site.Name, site.WebURL)
		}
		return t
	})
}

func newSitesListCommand(s *Session) *cobra.Command {
	var followed bool
	var top int
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List the sites you can see (or --followed: the ones you follow)",
		Example: "  o365 sites list\n  o365 sites list --followed --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if top < 1 {
				return UsageError("--top must be at least 1")
			}
			ctx := cmd.Context()
			sp, err := sharepointSites(ctx, s)
			if err != nil {
				return err
			}
			q := o365.NewQuery().Limit(top)
			seq := sp.SearchSites(ctx, "*", q)
			if followed {
				seq = sp.ListFollowedSites(ctx, q)
			}
			sites, err := o365.Collect(seq)
			if err != nil {
				return err
			}
			return printSites(s, sites)
		},
	}
	cmd.Flags().BoolVar(&followed, "followed", false, "only the sites you follow")
	cmd.Flags().IntVar(&top, "top", 100, "how many sites at most")
	return cmd
}

func newSitesSearchCommand(s *Session) *cobra.Command {
	var top int
	cmd := &cobra.Command{
		Use:     "search KEYWORD",
		Short:   "Search sites by name, description or address",
		Example: "  o365 sites search marketing",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if strings.TrimSpace(args[0]) == "" {
				return UsageError("give a keyword, or * for every site")
			}
			sp, err := sharepointSites(ctx, s)
			if err != nil {
				return err
			}
			sites, err := o365.Collect(sp.SearchSites(ctx, args[0], o365.NewQuery().Limit(top)))
			if err != nil {
				return err
			}
			return printSites(s, sites)
		},
	}
	cmd.Flags().IntVar(&top, "top", 100, "how many sites at most")
	return cmd
}

func newSitesShowCommand(s *Session) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show [SITE]",
		Short: "Show a site and its lists (default: the --resource site, else the root site)",
		Long:  "Show a site and its lists.\n" + siteHelp,
		Example: "  o365 sites show contoso.sharepoint.com:/sites/team\n" +
			"  o365 --resource sharepoint:contoso.sharepoint.com:/sites/team sites show",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ref := ""
			if len(args) == 1 {
				var err error
				if ref, err = siteRef(args[0]); err != nil {
					return err
				}
			}
			sp, err := sharepointSites(ctx, s)
			if err != nil {
				return err
			}
			site, err := sp.GetSite(ctx, ref, nil)
			if err != nil {
				return err
			}
			lists, err := o365.Collect(site.ListLists(ctx, nil))
			if err != nil {
				return err
			}
			if s.Out().JSONMode() {
				// The site as the service sent it, with its lists added.
				raw, err := o365.EncodeJSON(site)
				if err != nil {
					return err
				}
				var doc map[string]any
				if err := o365.DecodeJSON(raw, &doc); err != nil {
					return err
				}
				doc["lists"] = lists
				return s.Out().JSON(doc)
			}
			if err := s.Out().Table(KeyValues(
				[2]string{"Title", site.DisplayName}, [2]string{"Name", site.Name}, [2]string{"URL", site.WebURL},
				[2]string{"Description", site.Description}, [2]string{"ID", site.ID},
				[2]string{"Created", Cell(site.CreatedDateTime)},
			)); err != nil {
				return err
			}
			t := NewTable("List", "Template", "Modified", "URL")
			for _, l := range lists {
				tpl := ""
				if l.ListInfo != nil {
					tpl = l.ListInfo.Template
				}
				t.Add(l.DisplayName, tpl, l.LastModifiedDateTime, l.WebURL)
			}
			s.Out().Notef("")
			return s.Out().Table(t)
		},
	}
	return cmd
}

// newListsCommand is `o365 lists ...`.
func newListsCommand(s *Session) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lists",
		Short: "Read and change SharePoint lists and their items",
		Long: "Read and change SharePoint lists and their items. LIST is a list's title or id.\n" + siteHelp + "\n" +
			"Field values are given as NAME=VALUE (the column's name or display name); the column's kind\n" +
			"decides how VALUE is read: numbers, true/false, dates (2026-01-05 or RFC 3339), several\n" +
			"choices or lookups separated by ';', people by lookup id or email address, and NAME= clears.",
	}
	cmd.AddCommand(newListsShowCommand(s), newListsItemsCommand(s), newListsAddItemCommand(s),
		newListsSetItemCommand(s), newListsRmItemCommand(s))
	return cmd
}

// openList resolves SITE and LIST arguments to handles of the site and
// the list.
func openList(ctx context.Context, s *Session, siteArg, listArg string) (*sharepoint.Site, *sharepoint.List, error) {
	ref, err := siteRef(siteArg)
	if err != nil {
		return nil, nil, err
	}
	if strings.TrimSpace(listArg) == "" {
		return nil, nil, UsageError("LIST is empty: give a list's title or id")
	}
	sp, err := sharepointSites(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	site := sp.Site(ref)
	return site, site.List(listArg), nil
}

// loadList loads a list with its columns, failing as "not found" (exit 4)
// with a hint when it does not exist.
func loadList(ctx context.Context, s *Session, siteArg, listArg string) (*sharepoint.Site, *sharepoint.List, error) {
	site, l, err := openList(ctx, s, siteArg, listArg)
	if err != nil {
		return nil, nil, err
	}
	if err := l.Refresh(ctx, o365.NewQuery().Expand("columns")); err != nil {
		if errors.Is(err, o365.ErrNotFound) {
			return nil, nil, WithHint(err, fmt.Sprintf("list the site's lists with \"o365 sites show %s\"", siteArg))
		}
		return nil, nil, err
	}
	return site, l, nil
}

func newListsShowCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:     "show SITE LIST",
		Short:   "Show a list and its columns",
		Example: "  o365 lists show contoso.sharepoint.com:/sites/team Inventory",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, l, err := loadList(cmd.Context(), s, args[0], args[1])
			if err != nil {
				return err
			}
			if s.Out().JSONMode() {
				return s.Out().JSON(l)
			}
			tpl := ""
			if l.ListInfo != nil {
				tpl = l.ListInfo.Template
			}
			if err := s.Out().Table(KeyValues(
				[2]string{"Title", l.DisplayName}, [2]string{"Description", l.Description}, [2]string{"Template", tpl},
				[2]string{"URL", l.WebURL}, [2]string{"ID", l.ID}, [2]string{"Modified", Cell(l.LastModifiedDateTime)},
			)); err != nil {
				return err
			}
			t := NewTable("Column", "Name", "Kind", "Required", "Indexed", "Settings")
			for _, c := range l.Columns {
				if c.Hidden {
					continue
				}
				kind := c.Kind()
				if kind == "" {
					kind = "computed"
				}
				if c.ReadOnly {
					kind += " (read-only)"
				}
				t.Add(c.DisplayName, c.Name, kind, yes(c.Required), yes(c.Indexed), columnSettings(c))
			}
			s.Out().Notef("")
			return s.Out().Table(t)
		},
	}
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

// columnSettings describes what a column accepts.
func columnSettings(c *sharepoint.Column) string {
	switch {
	case c.Choice != nil:
		s := strings.Join(c.Choice.Choices, ", ")
		if c.Choice.DisplayAs == "checkBoxes" {
			s = "several of: " + s
		}
		return s
	case c.Lookup != nil:
		return "items of list " + c.Lookup.ListID + " by " + c.Lookup.ColumnName
	case c.Number != nil:
		var parts []string
		if c.Number.Minimum != nil && *c.Number.Minimum > -1e300 {
			parts = append(parts, "min "+strconv.FormatFloat(*c.Number.Minimum, 'g', -1, 64))
		}
		if c.Number.Maximum != nil && *c.Number.Maximum < 1e300 {
			parts = append(parts, "max "+strconv.FormatFloat(*c.Number.Maximum, 'g', -1, 64))
		}
		return strings.Join(parts, ", ")
	case c.Text != nil && c.Text.AllowMultipleLines:
		return "several lines"
	case c.Text != nil && c.Text.MaxLength > 0:
		return "up to " + strconv.Itoa(c.Text.MaxLength) + " characters"
	case c.DateTime != nil:
		return c.DateTime.Format
	}
	return ""
}

func newListsItemsCommand(s *Session) *cobra.Command {
	var o struct {
		filter, orderBy string
		fields          []string
		nonIndexed      bool
		top             int
	}
	cmd := &cobra.Command{
		Use:   "items SITE LIST",
		Short: "List a list's items",
		Example: "  o365 lists items contoso.sharepoint.com:/sites/team Inventory\n" +
			"  o365 lists items . Inventory --filter \"fields/Quantity gt 100\" --fields Title,Quantity\n" +
			"  o365 lists items . Inventory --filter \"fields/Color eq 'Red'\" --non-indexed --json",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.top < 1 {
				return UsageError("--top must be at least 1")
			}
			ctx := cmd.Context()
			site, l, err := loadList(ctx, s, args[0], args[1])
			if err != nil {
				return err
			}
			q := o365.NewQuery().Top(min(o.top, 5000)).Limit(o.top)
			if o.filter != "" {
				q.Filter(o365.RawFilter(o.filter))
			}
			if o.orderBy != "" {
				name, desc := strings.CutSuffix(o.orderBy, " desc")
				if desc {
					q.OrderByDesc(name)
				} else {
					q.OrderBy(strings.TrimSuffix(name, " asc"))
				}
			}
			shown := o.fields
			if len(shown) == 0 {
				shown = defaultItemColumns(l.Columns)
			}
			opts := &sharepoint.ItemOptions{AllowNonIndexed: o.nonIndexed}
			if len(o.fields) > 0 {
				opts.Fields = o.fields
			}
			items, err := o365.Collect(l.ListItems(ctx, q, opts))
			if err != nil {
				if errors.Is(err, o365.ErrBadRequest) && !o.nonIndexed && strings.Contains(err.Error(), sharepoint.PreferNonIndexed) {
					return WithHint(err, "add --non-indexed to query columns that are not indexed (slow on lists above 5,000 items), or index the column")
				}
				return err
			}
			if s.Out().JSONMode() {
				return s.Out().JSON(items)
			}
			people := peopleNames(ctx, site, l.Columns, shown, items)
			header := append([]string{"ID"}, columnTitles(l.Columns, shown)...)
			t := NewTable(header...)
			for _, it := range items {
				row := []any{it.ID}
				for _, name := range shown {
					row = append(row, fieldCell(l.Columns, it.Fields, name, people))
				}
				t.Add(row...)
			}
			return s.Out().Table(t)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.filter, "filter", "", "an OData filter on the items, e.g. \"fields/Quantity gt 100\"")
	f.StringVar(&o.orderBy, "orderby", "", "order by a field, e.g. \"fields/Title\" or \"fields/Quantity desc\"")
	f.StringSliceVar(&o.fields, "fields", nil, "the fields to show (internal names, comma-separated)")
	f.BoolVar(&o.nonIndexed, "non-indexed", false, "allow --filter and --orderby on columns that are not indexed (Prefer: "+sharepoint.PreferNonIndexed+")")
	f.IntVar(&o.top, "top", 100, "how many items at most")
	return cmd
}

// defaultItemColumns are the columns an items table shows: Title and the
// list's own visible, writable columns, at most six.
func defaultItemColumns(cols []*sharepoint.Column) []string {
	out := []string{}
	for _, c := range cols {
		if c.Name == "Title" {
			out = append(out, c.Name)
		}
	}
	for _, c := range cols {
		if len(out) == 6 {
			break
		}
		if c.Hidden || c.ReadOnly || c.Name == "Title" || c.ColumnGroup == "_Hidden" || c.Kind() == "" {
			continue
		}
		out = append(out, c.Name)
	}
	return out
}

// findColumn finds a column by internal or display name.
func findColumn(cols []*sharepoint.Column, name string) *sharepoint.Column {
	for _, c := range cols {
		if c.Name == name {
			return c
		}
	}
	for _, c := range cols {
		if strings.EqualFold(c.Name, name) || strings.EqualFold(c.DisplayName, name) {
			return c
		}
	}
	return nil
}

// columnTitles are the headers of the named columns: their display names.
func columnTitles(cols []*sharepoint.Column, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n
		if c := findColumn(cols, n); c != nil && c.DisplayName != "" {
			out[i] = c.DisplayName
		}
	}
	return out
}

// peopleNames maps the lookup ids of the people shown in person columns to
// their names, from the site's User Information List (nil when none is
// shown or the list cannot be read: the table then shows ids).
func peopleNames(ctx context.Context, site *sharepoint.Site, cols []*sharepoint.Column, shown []string, items []*sharepoint.ListItem) map[int]string {
	want := false
	for _, n := range shown {
		if c := findColumn(cols, n); c != nil && c.PersonOrGroup != nil {
			want = true
		}
	}
	if !want || len(items) == 0 {
		return nil
	}
	users, err := o365.Collect(site.List("User Information List").ListItems(ctx, nil, &sharepoint.ItemOptions{Fields: []string{"Title"}}))
	if err != nil {
		return nil
	}
	names := map[int]string{}
	for _, u := range users {
		if id, err := strconv.Atoi(u.ID); err == nil {
			names[id] = u.Fields.Text("Title")
		}
	}
	return names
}

// fieldCell is how a table shows a field's value.
func fieldCell(cols []*sharepoint.Column, f sharepoint.Fields, name string, people map[int]string) any {
	c := findColumn(cols, name)
	if c != nil {
		name = c.Name
	}
	switch {
	case c != nil && (c.PersonOrGroup != nil || c.Lookup != nil):
		ids := f.LookupIDs(name)
		var parts []string
		for i, id := range ids {
			switch {
			case c.Lookup != nil && len(ids) == 1 && f.Text(name) != "":
				parts = append(parts, f.Text(name))
			case c.Lookup != nil:
				if list, ok := f[name].([]any); ok && i < len(list) {
					if m, ok := list[i].(map[string]any); ok {
						parts = append(parts, fmt.Sprint(m["LookupValue"]))
						continue
					}
				}
				parts = append(parts, "#"+strconv.Itoa(id))
			case people[id] != "":
				parts = append(parts, people[id])
			default:
				parts = append(parts, "#"+strconv.Itoa(id))
			}
		}
		return strings.Join(parts, "; ")
	case c != nil && c.DateTime != nil:
		if t, ok := f.Time(name); ok {
			if c.DateTime.Format == "dateOnly" {
				return t.Format(time.DateOnly)
			}
			return t
		}
	}
	switch v := f[name].(type) {
	case []any:
		return strings.Join(f.Strings(name), "; ")
	case nil:
		return ""
	default:
		return v
	}
}

// parseFieldArgs turns NAME=VALUE arguments into field values by the kinds
// of the list's columns.
func parseFieldArgs(ctx context.Context, site *sharepoint.Site, l *sharepoint.List, pairs []string) (sharepoint.Fields, error) {
	f := sharepoint.Fields{}
	for _, p := range pairs {
		name, value, ok := strings.Cut(p, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, UsageError("--field %q: write NAME=VALUE", p)
		}
		c := findColumn(l.Columns, name)
		if c == nil {
			return nil, WithHint(UsageError("the list has no column %q", name), fmt.Sprintf("its columns are: %s", columnNames(l.Columns)))
		}
		if c.ReadOnly {
			return nil, UsageError("the column %q is read-only", c.DisplayName)
		}
		if err := setFieldArg(ctx, site, f, c, value); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// columnNames lists the writable columns, for hints.
func columnNames(cols []*sharepoint.Column) string {
	var out []string
	for _, c := range cols {
		if !c.ReadOnly && !c.Hidden && c.Kind() != "" {
			out = append(out, c.Name)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// setFieldArg writes one command-line value into f as the column's kind
// needs it.
func setFieldArg(ctx context.Context, site *sharepoint.Site, f sharepoint.Fields, c *sharepoint.Column, value string) error {
	name := c.Name
	bad := func(want string) error { return UsageError("%s=%q: %s", name, value, want) }
	if value == "" {
		if c.PersonOrGroup != nil || c.Lookup != nil {
			f[name+"LookupId"] = nil
		} else {
			f[name] = nil
		}
		return nil
	}
	switch {
	case c.Number != nil || c.Currency != nil:
		n, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return bad("not a number")
		}
		f[name] = n
	case c.Boolean != nil:
		switch strings.ToLower(value) {
		case "true", "yes", "1":
			f[name] = true
		case "false", "no", "0":
			f[name] = false
		default:
			return bad("give true or false")
		}
	case c.DateTime != nil:
		for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02 15:04", time.DateOnly} {
			if t, err := time.Parse(layout, value); err == nil {
				f.SetTime(name, t)
				return nil
			}
		}
		return bad("give a date (2026-01-05), a date and time (2026-01-05T14:30) or RFC 3339")
	case c.Choice != nil && c.Choice.DisplayAs == "checkBoxes":
		f.SetChoices(name, splitList(value)...)
	case c.PersonOrGroup != nil || c.Lookup != nil:
		var ids []int
		for _, v := range splitList(value) {
			id, err := lookupIDArg(ctx, site, c, v)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		if c.PersonOrGroup != nil && c.PersonOrGroup.AllowMultipleSelection || c.Lookup != nil && c.Lookup.AllowMultipleValues {
			f.SetLookups(name, ids...)
		} else if len(ids) != 1 {
			return bad("the column holds one value")
		} else {
			f.SetLookup(name, ids[0])
		}
	default:
		f[name] = value
	}
	return nil
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// lookupIDArg reads a lookup id, or finds a person's by email address in
// the site's User Information List.
func lookupIDArg(ctx context.Context, site *sharepoint.Site, c *sharepoint.Column, v string) (int, error) {
	if id, err := strconv.Atoi(v); err == nil && id > 0 {
		return id, nil
	}
	if c.PersonOrGroup == nil || !strings.Contains(v, "@") {
		return 0, UsageError("%s=%q: give the looked-up item's id", c.Name, v)
	}
	q := o365.NewQuery().Filter(o365.Eq(sharepoint.Field("EMail"), v)).Top(1)
	users := site.List("User Information List")
	for u, err := range users.ListItems(ctx, q, &sharepoint.ItemOptions{NoFields: true, AllowNonIndexed: true}) {
		if err != nil {
			return 0, err
		}
		return strconv.Atoi(u.ID)
	}
	return 0, WithHint(notFoundError(fmt.Sprintf("%s: nobody with the address %s is in the site's user list", c.Name, v)),
		"give the person's lookup id instead: o365 lists items SITE \"User Information List\" --fields Title,EMail")
}

// printItem prints one item's fields as a record.
func printItem(ctx context.Context, s *Session, site *sharepoint.Site, l *sharepoint.List, it *sharepoint.ListItem) error {
	if s.Out().JSONMode() {
		return s.Out().JSON(it)
	}
	pairs := [][2]string{{"ID", it.ID}}
	shown := defaultItemColumns(l.Columns)
	people := peopleNames(ctx, site, l.Columns, shown, []*sharepoint.ListItem{it})
	for _, name := range shown {
		pairs = append(pairs, [2]string{columnTitles(l.Columns, []string{name})[0], Cell(fieldCell(l.Columns, it.Fields, name, people))})
	}
	pairs = append(pairs, [2]string{"Version", it.Fields.Text("_UIVersionString")}, [2]string{"Modified", Cell(it.LastModifiedDateTime)})
	return s.Out().Table(KeyValues(pairs...))
}

func newListsAddItemCommand(s *Session) *cobra.Command {
	return itemWriteCommand(s, &cobra.Command{
		Use:   "add-item SITE LIST --field NAME=VALUE...",
		Short: "Add an item to a list",
		Example: "  o365 lists add-item contoso.sharepoint.com:/sites/team Inventory --field Title=Sprocket \\\n" +
			"      --field Color=Blue --field Quantity=12 --field InStock=true --field Owner=bob@contoso.com",
		Args: cobra.ExactArgs(2),
	}, func(ctx context.Context, l *sharepoint.List, f sharepoint.Fields, _ []string) (*sharepoint.ListItem, error) {
		return l.CreateItem(ctx, f, nil)
	})
}

func newListsSetItemCommand(s *Session) *cobra.Command {
	return itemWriteCommand(s, &cobra.Command{
		Use:     "set-item SITE LIST ITEM --field NAME=VALUE...",
		Short:   "Change fields of a list item (NAME= clears one)",
		Example: "  o365 lists set-item . Inventory 4 --field Quantity=20 --field Color=",
		Args:    cobra.ExactArgs(3),
	}, func(ctx context.Context, l *sharepoint.List, f sharepoint.Fields, args []string) (*sharepoint.ListItem, error) {
		it := l.Item(args[2])
		if err := it.UpdateFields(ctx, f, nil); err != nil {
			return nil, err
		}
		return it, it.Refresh(ctx, nil)
	})
}

// itemWriteCommand completes cmd (SITE LIST ... --field NAME=VALUE) with
// write, which creates or changes an item from the typed field values; the
// item is printed.
func itemWriteCommand(s *Session, cmd *cobra.Command,
	write func(ctx context.Context, l *sharepoint.List, f sharepoint.Fields, args []string) (*sharepoint.ListItem, error)) *cobra.Command {
	var fields []string
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		ctx := cmd.Context()
		site, l, err := loadList(ctx, s, args[0], args[1])
		if err != nil {
			return err
		}
		f, err := parseFieldArgs(ctx, site, l, fields)
		if err != nil {
			return err
		}
		it, err := write(ctx, l, f, args)
		if err != nil {
			return err
		}
		return printItem(ctx, s, site, l, it)
	}
	cmd.Flags().StringArrayVar(&fields, "field", nil, "a field value NAME=VALUE (repeat for more)")
	_ = cmd.MarkFlagRequired("field")
	return cmd
}

func newListsRmItemCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:     "rm-item SITE LIST ITEM...",
		Short:   "Delete list items",
		Example: "  o365 lists rm-item . Inventory 4 5",
		Args:    cobra.MinimumNArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			_, l, err := openList(ctx, s, args[0], args[1])
			if err != nil {
				return err
			}
			ids := args[2:]
			failed := map[string]error{}
			for _, id := range ids {
				if err := l.Item(id).Delete(ctx); err != nil {
					if ctx.Err() != nil {
						return err
					}
					failed[id] = err
				}
			}
			return reportOutcomes(s, handleKind{noun: "item", list: "o365 lists items " + args[0] + " " + args[1]}, "deleted", ids, ids, failed)
		},
	}
}
