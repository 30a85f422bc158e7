package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/o365go/o365"
	"github.com/o365go/o365/contacts"
)

// newContactsCommand is `o365 contacts ...`.
func newContactsCommand(s *Session) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "contacts",
		Short: "Manage Outlook contacts; export and import vCards",
		Long: "Manage Outlook contacts and contact folders, and move them in and out of vCard (.vcf)\n" +
			"files. Commands work on the signed-in user's contacts, or another user's with\n" +
			"--resource user:bob@contoso.com, and print JSON with --json. Commands that take a contact\n" +
			"ID also take its number (#) in the last table of \"contacts list\": o365 contacts show 2.",
	}
	cmd.AddCommand(newContactsListCommand(s), newContactsShowCommand(s), newContactsAddCommand(s),
		newContactsEditCommand(s), newContactsRemoveCommand(s), newContactsFoldersCommand(s),
		newContactsExportCommand(s), newContactsImportCommand(s))
	return cmd
}

// addressBook returns the address book of the session's account; groups
// and sites have no contacts.
func addressBook(ctx context.Context, s *Session) (*contacts.AddressBook, error) {
	acct, err := s.Account(ctx)
	if err != nil {
		return nil, err
	}
	switch r := acct.Resource(); r.Kind() {
	case o365.KindGroup, o365.KindSite:
		return nil, UsageError("--resource %s: only users have contacts; use me, user:ID or an address", r)
	}
	return contacts.New(acct), nil
}

// contactFolder resolves --folder: "" for the default Contacts folder (nil),
// else a folder's display name or id.
func contactFolder(ctx context.Context, b *contacts.AddressBook, name string) (*contacts.Folder, error) {
	if name == "" || strings.EqualFold(name, "contacts") {
		return nil, nil
	}
	f, err := b.GetFolderByName(ctx, name)
	if err == nil || !errors.Is(err, contacts.ErrFolderNotFound) {
		return f, err
	}
	if f, gerr := b.GetFolder(ctx, name, nil); gerr == nil {
		return f, nil
	}
	return nil, WithHint(fmt.Errorf("no contact folder named or with id %q: %w", name, o365.ErrNotFound),
		`run "o365 contacts folders" to see the folders`)
}

// ownFolder resolves a folder argument of a command that changes the
// folder (done says how): the default Contacts folder is refused.
func ownFolder(ctx context.Context, s *Session, name, done string) (*contacts.Folder, error) {
	b, err := addressBook(ctx, s)
	if err != nil {
		return nil, err
	}
	f, err := contactFolder(ctx, b, name)
	if err == nil && f == nil {
		return nil, UsageError("the default Contacts folder cannot be %s", done)
	}
	return f, err
}

// contactLines are a contact's first e-mail address and phone, for tables.
func contactLines(c *contacts.Contact) (mail, phone string) {
	if len(c.EmailAddresses) > 0 {
		mail = c.EmailAddresses[0].Address
	}
	phone = c.MobilePhone
	switch {
	case len(c.BusinessPhones) > 0:
		phone = c.BusinessPhones[0]
	case phone == "" && len(c.HomePhones) > 0:
		phone = c.HomePhones[0]
	}
	return mail, phone
}

func newContactsListCommand(s *Session) *cobra.Command {
	var o struct {
		folder, search string
		top            int
	}
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List contacts (the default Contacts folder, or --folder)",
		Example: "  o365 contacts list\n  o365 contacts list --folder Suppliers --search fabrikam",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.top < 1 {
				return UsageError("--top must be at least 1")
			}
			ctx := cmd.Context()
			b, err := addressBook(ctx, s)
			if err != nil {
				return err
			}
			f, err := contactFolder(ctx, b, o.folder)
			if err != nil {
				return err
			}
			q := o365.NewQuery().OrderBy("displayName").Top(min(o.top, 999)).Limit(o.top)
			if o.search != "" {
				q = q.Filter(o365.Or(o365.StartsWith("displayName", o.search), o365.StartsWith("surname", o.search),
					o365.StartsWith("companyName", o.search), o365.Any("emailAddresses", "e", o365.StartsWith("e/address", o.search))))
			}
			list := b.ListContacts(ctx, q)
			if f != nil {
				list = f.ListContacts(ctx, q)
			}
			all, err := o365.Collect(list)
			if err != nil {
				return err
			}
			if s.Out().JSONMode() {
				return s.Out().JSON(all)
			}
			t := NewTable("#", "Name", "E-mail", "Phone", "Company")
			ids := make([]string, len(all))
			for i, c := range all {
				ids[i] = c.ID
				mail, phone := contactLines(c)
				t.Add(i+1, c.Name(), mail, phone, c.CompanyName)
			}
			if err := s.Out().Table(t); err != nil {
				return err
			}
			if len(all) > 0 {
				s.remember(contactHandles, ids)
				s.Out().Notef("# is the contact's number for other contacts commands (o365 contacts show 1); --json shows full ids.")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&o.folder, "folder", "", "a contact folder's name or id (default: Contacts)")
	cmd.Flags().StringVar(&o.search, "search", "", "only contacts whose name, company or e-mail address starts with this")
	cmd.Flags().IntVar(&o.top, "top", 100, "how many contacts at most")
	return cmd
}

// loadContact loads a contact by id or row number.
func loadContact(ctx context.Context, s *Session, arg string) (*contacts.AddressBook, *contacts.Contact, error) {
	ids, err := s.handleIDs(contactHandles, []string{arg})
	if err != nil {
		return nil, nil, err
	}
	b, err := addressBook(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	c, err := b.GetContact(ctx, ids[0], nil)
	return b, c, err
}

func newContactsShowCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:   "show ID|#",
		Short: "Show a contact",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, c, err := loadContact(cmd.Context(), s, args[0])
			if err != nil {
				return err
			}
			return s.Out().Print(c, func() *Table { return contactTable(c) })
		},
	}
}

// contactTable shows a contact's filled properties.
func contactTable(c *contacts.Contact) *Table {
	var emails []string
	for _, e := range c.EmailAddresses {
		emails = append(emails, e.String())
	}
	addr := func(a o365.PhysicalAddress) string {
		var parts []string
		for _, p := range []string{strings.ReplaceAll(a.Street, "\n", ", "), a.PostalCode + " " + a.City, a.State, a.CountryOrRegion} {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		return strings.Join(parts, ", ")
	}
	birthday := ""
	if y, m, d, ok := c.BirthDate(); ok {
		birthday = fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	}
	pairs := [][2]string{
		{"Name", c.Name()}, {"E-mail", strings.Join(emails, ", ")}, {"Mobile", c.MobilePhone},
		{"Business phones", strings.Join(c.BusinessPhones, ", ")}, {"Home phones", strings.Join(c.HomePhones, ", ")},
		{"Company", c.CompanyName}, {"Department", c.Department}, {"Job title", c.JobTitle},
		{"Business address", addr(c.BusinessAddress)}, {"Home address", addr(c.HomeAddress)}, {"Other address", addr(c.OtherAddress)},
		{"IM", strings.Join(c.ImAddresses, ", ")}, {"Birthday", birthday}, {"Spouse", c.SpouseName},
		{"Children", strings.Join(c.Children, ", ")}, {"Categories", strings.Join(c.Categories, ", ")}, {"Notes", c.PersonalNotes},
	}
	return SetValues(pairs...)
}

// contactFlags are the properties add and edit set.
type contactFlags struct {
	given, surname, company, title, department, mobile, notes, birthday string
	emails, phones, homePhones, categories                              []string
}

func (f *contactFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.given, "given", "", "given name")
	fl.StringVar(&f.surname, "surname", "", "surname")
	fl.StringVar(&f.company, "company", "", "company")
	fl.StringVar(&f.title, "title", "", "job title")
	fl.StringVar(&f.department, "department", "", "department")
	fl.StringVar(&f.mobile, "mobile", "", "mobile phone")
	fl.StringVar(&f.notes, "notes", "", "personal notes")
	fl.StringVar(&f.birthday, "birthday", "", "birthday, YYYY-MM-DD")
	fl.StringArrayVar(&f.emails, "email", nil, `an e-mail address, "Name <address>" or an address (repeat for up to 3)`)
	fl.StringArrayVar(&f.phones, "phone", nil, "a business phone (repeat for up to 2)")
	fl.StringArrayVar(&f.homePhones, "home-phone", nil, "a home phone (repeat for up to 2)")
	fl.StringArrayVar(&f.categories, "category", nil, "a category (repeat)")
}

// apply sets on c the properties whose flags were given.
func (f *contactFlags) apply(cmd *cobra.Command, c *contacts.Contact) error {
	set := func(name string) bool { return cmd.Flags().Changed(name) }
	if set("email") {
		if len(f.emails) > 3 {
			return UsageError("an Outlook contact holds 3 e-mail addresses; %d were given", len(f.emails))
		}
		c.EmailAddresses = nil
		for _, e := range f.emails {
			a, err := o365.ParseAddress(e)
			if err != nil {
				return UsageError("--email %q: %v", e, err)
			}
			c.EmailAddresses = append(c.EmailAddresses, a)
		}
	}
	if set("birthday") {
		if f.birthday == "" {
			c.Birthday = time.Time{}
		} else {
			d, err := time.Parse(time.DateOnly, f.birthday)
			if err != nil {
				return UsageError("--birthday %q: give the date as YYYY-MM-DD", f.birthday)
			}
			c.SetBirthDate(d.Date())
		}
	}
	for name, dst := range map[string]*string{"given": &c.GivenName, "surname": &c.Surname, "company": &c.CompanyName,
		"title": &c.JobTitle, "department": &c.Department, "mobile": &c.MobilePhone, "notes": &c.PersonalNotes} {
		if set(name) {
			*dst = map[string]string{"given": f.given, "surname": f.surname, "company": f.company, "title": f.title,
				"department": f.department, "mobile": f.mobile, "notes": f.notes}[name]
		}
	}
	for name, dst := range map[string]*[]string{"phone": &c.BusinessPhones, "home-phone": &c.HomePhones, "category": &c.Categories} {
		if set(name) {
			*dst = map[string][]string{"phone": f.phones, "home-phone": f.homePhones, "category": f.categories}[name]
		}
	}
	return nil
}

func newContactsAddCommand(s *Session) *cobra.Command {
	var f contactFlags
	var folder string
	cmd := &cobra.Command{
		Use:     "add",
		Short:   "Add a contact",
		Example: `  o365 contacts add --given Pavel --surname Bansky --email "Pavel Bansky <pavelb@fabrikam.com>" --mobile "+1 732 555 0199"`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.given == "" && f.surname == "" && f.company == "" && len(f.emails) == 0 {
				return UsageError("give at least a name (--given, --surname), a --company or an --email")
			}
			ctx := cmd.Context()
			b, err := addressBook(ctx, s)
			if err != nil {
				return err
			}
			dest, err := contactFolder(ctx, b, folder)
			if err != nil {
				return err
			}
			c := b.NewContact()
			if dest != nil {
				c = dest.NewContact()
			}
			if err := f.apply(cmd, c); err != nil {
				return err
			}
			if err := c.Save(ctx); err != nil {
				return err
			}
			return s.Out().Print(c, func() *Table { return KeyValues([2]string{"Added", c.Name()}, [2]string{"ID", c.ID}) })
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&folder, "folder", "", "the contact folder to add it to (default: Contacts)")
	return cmd
}

func newContactsEditCommand(s *Session) *cobra.Command {
	var f contactFlags
	cmd := &cobra.Command{
		Use:     "edit ID|#",
		Short:   "Change a contact (only the properties given are sent)",
		Example: "  o365 contacts edit 2 --title 'Chief Scientist' --phone '+1 425 555 0100'",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().NFlag() == 0 {
				return UsageError("give the properties to change (see --help)")
			}
			ctx := cmd.Context()
			_, c, err := loadContact(ctx, s, args[0])
			if err != nil {
				return err
			}
			if err := f.apply(cmd, c); err != nil {
				return err
			}
			if err := c.Save(ctx); err != nil {
				return err
			}
			return s.Out().Print(c, func() *Table { return contactTable(c) })
		},
	}
	f.register(cmd)
	return cmd
}

func newContactsRemoveCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:     "rm ID|#...",
		Aliases: []string{"delete"},
		Short:   "Delete contacts (ids, or row numbers of the last list)",
		Long: "Delete contacts and report each one's outcome. The exit code is 4 when any of them\n" +
			"was not found (the others are deleted), 1 for other failures.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ids, err := s.handleIDs(contactHandles, args)
			if err != nil {
				return err
			}
			b, err := addressBook(ctx, s)
			if err != nil {
				return err
			}
			ids, args = uniqueIDs(ids, args)
			failed := map[string]error{}
			for _, id := range ids {
				if err := b.Contact(id).Delete(ctx); err != nil {
					if ctx.Err() != nil {
						return err
					}
					failed[id] = err
				}
			}
			return reportOutcomes(s, contactHandles, "deleted", args, ids, failed)
		},
	}
}

func newContactsFoldersCommand(s *Session) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "folders",
		Short: "List contact folders (the whole tree); create, rename or delete one",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			b, err := addressBook(ctx, s)
			if err != nil {
				return err
			}
			folders, err := o365.Collect(b.ListFolders(ctx, nil, &contacts.FolderOptions{Recursive: true}))
			if err != nil {
				return err
			}
			depth := map[string]int{}
			return s.Out().Print(folders, func() *Table {
				t := NewTable("Folder", "ID")
				for _, f := range folders {
					d := depth[f.ParentFolderID]
					depth[f.ID] = d + 1
					t.Add(strings.Repeat("  ", d)+f.DisplayName, f.ID)
				}
				return t
			})
		},
	}
	var parent string
	create := &cobra.Command{
		Use:   "create NAME",
		Short: "Create a contact folder",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			b, err := addressBook(ctx, s)
			if err != nil {
				return err
			}
			p, err := contactFolder(ctx, b, parent)
			if err != nil {
				return err
			}
			var f *contacts.Folder
			if p == nil {
				f, err = b.CreateFolder(ctx, args[0])
			} else {
				f, err = p.CreateChildFolder(ctx, args[0])
			}
			if err != nil {
				return err
			}
			return s.Out().Print(f, func() *Table { return KeyValues([2]string{"Created", f.DisplayName}, [2]string{"ID", f.ID}) })
		},
	}
	create.Flags().StringVar(&parent, "parent", "", "the folder to create it in (default: Contacts)")
	rename := &cobra.Command{
		Use:   "rename FOLDER NEW-NAME",
		Short: "Rename a contact folder",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			f, err := ownFolder(ctx, s, args[0], "renamed")
			if err != nil {
				return err
			}
			if err := f.Rename(ctx, args[1]); err != nil {
				return err
			}
			return s.Out().Print(f, func() *Table { return KeyValues([2]string{"Renamed", args[0]}, [2]string{"To", f.DisplayName}) })
		},
	}
	remove := &cobra.Command{
		Use:   "rm FOLDER",
		Short: "Delete a contact folder with its folders and contacts",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			f, err := ownFolder(ctx, s, args[0], "deleted")
			if err != nil {
				return err
			}
			if err := f.Delete(ctx); err != nil {
				return err
			}
			return s.Out().Print(map[string]any{"deleted": f.ID}, func() *Table { return KeyValues([2]string{"Deleted", f.DisplayName}) })
		},
	}
	cmd.AddCommand(create, rename, remove)
	return cmd
}

func newContactsExportCommand(s *Session) *cobra.Command {
	var o struct {
		vcf, folder, one string
		force, noPhotos  bool
	}
	cmd := &cobra.Command{
		Use:   "export --vcf FILE",
		Short: "Export contacts to a vCard 4.0 file (a folder, or one contact with --contact)",
		Long: "Write the contacts of the default Contacts folder (or --folder, or one --contact) to a\n" +
			"vCard 4.0 file with their photos. FILE \"-\" is standard output. An existing FILE is kept\n" +
			"unless --force replaces it.",
		Example: "  o365 contacts export --vcf contacts.vcf\n  o365 contacts export --folder Suppliers --vcf - > suppliers.vcf",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			b, err := addressBook(ctx, s)
			if err != nil {
				return err
			}
			opts := &contacts.ExportOptions{NoPhotos: o.noPhotos}
			var export func(w io.Writer) (int, error)
			switch {
			case o.one != "":
				_, c, err := loadContact(ctx, s, o.one)
				if err != nil {
					return err
				}
				export = func(w io.Writer) (int, error) { return 1, c.ExportVCard(ctx, w, opts) }
			default:
				f, err := contactFolder(ctx, b, o.folder)
				if err != nil {
					return err
				}
				export = func(w io.Writer) (int, error) { return b.ExportVCard(ctx, w, opts) }
				if f != nil {
					export = func(w io.Writer) (int, error) { return f.ExportVCard(ctx, w, opts) }
				}
			}
			var n int
			if o.vcf == "-" {
				if n, err = export(s.Out().Writer()); err != nil {
					return err
				}
			} else {
				if !o.force {
					if _, err := os.Lstat(o.vcf); err == nil {
						return WithHint(UsageError("%s exists", o.vcf), "add --force to replace it, or choose another --vcf file")
					}
				}
				if _, err := saveNew(o.vcf, "--vcf", o.force, func(w io.Writer) (int64, error) {
					var err error
					n, err = export(w)
					return 0, err
				}); err != nil {
					return err
				}
			}
			if o.vcf == "-" {
				return nil
			}
			return s.Out().Print(map[string]any{"file": o.vcf, "contacts": n}, func() *Table {
				return KeyValues([2]string{"Exported", fmt.Sprintf("%d contacts", n)}, [2]string{"To", o.vcf})
			})
		},
	}
	cmd.Flags().StringVar(&o.vcf, "vcf", "", `the .vcf file to write ("-" for standard output)`)
	cmd.Flags().StringVar(&o.folder, "folder", "", "a contact folder's name or id (default: Contacts)")
	cmd.Flags().StringVar(&o.one, "contact", "", "export only this contact (id or #)")
	cmd.Flags().BoolVar(&o.force, "force", false, "replace FILE if it exists")
	cmd.Flags().BoolVar(&o.noPhotos, "no-photos", false, "leave photos out")
	_ = cmd.MarkFlagRequired("vcf")
	cmd.MarkFlagsMutuallyExclusive("folder", "contact")
	return cmd
}

func newContactsImportCommand(s *Session) *cobra.Command {
	var o struct {
		folder string
		skip   bool
	}
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Import a vCard file (one card or many) into a contact folder",
		Long: "Create a contact for every card of a .vcf file (vCard 4.0, 3.0 or 2.1; \"-\" reads\n" +
			"standard input). Every card is checked first: a malformed card, or a property an Outlook\n" +
			"contact cannot hold (a fax number, a fourth e-mail address ...), imports nothing and names\n" +
			"its line. --skip-unsupported imports the rest and lists what was left out.",
		Example: "  o365 contacts import contacts.vcf\n  o365 contacts import --folder Suppliers --skip-unsupported outlook-export.vcf",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var in io.Reader = s.Stdin()
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				in = f
			}
			ctx := cmd.Context()
			b, err := addressBook(ctx, s)
			if err != nil {
				return err
			}
			dest, err := contactFolder(ctx, b, o.folder)
			if err != nil {
				return err
			}
			opts := &contacts.ImportOptions{SkipUnsupported: o.skip}
			var res *contacts.ImportResult
			if dest != nil {
				res, err = dest.ImportVCard(ctx, in, opts)
			} else {
				res, err = b.ImportVCard(ctx, in, opts)
			}
			var unsup *contacts.UnsupportedError
			if errors.As(err, &unsup) {
				return WithHint(UsageError("%s", strings.TrimPrefix(err.Error(), "contacts: ")), "add --skip-unsupported to import the cards without those properties")
			}
			if errors.Is(err, contacts.ErrInvalidVCard) {
				return WithHint(UsageError("%s: %s", args[0], strings.TrimPrefix(err.Error(), "contacts: ")), "nothing was imported; correct the card at that line")
			}
			if res == nil {
				return err
			}
			perr := s.Out().Print(res, func() *Table {
				t := NewTable("Imported", "ID")
				for _, c := range res.Created {
					t.Add(c.Name(), c.ID)
				}
				return t
			})
			for _, sk := range res.Skipped {
				s.Out().Notef("left out: %s", sk)
			}
			if err != nil {
				return err
			}
			return perr
		},
	}
	cmd.Flags().StringVar(&o.folder, "folder", "", "the contact folder to import into (default: Contacts)")
	cmd.Flags().BoolVar(&o.skip, "skip-unsupported", false, "import the cards without the properties an Outlook contact cannot hold")
	return cmd
}
