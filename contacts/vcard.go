package contacts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/o365go/o365"
	"github.com/o365go/o365/internal/vcard"
)

// vCard 4.0 (RFC 6350) export and import. Every property of a contact has
// a place in a card: the standard properties where vCard has one (FN, N,
// NICKNAME, EMAIL, TEL, ADR, ORG, TITLE, ROLE, URL, BDAY, NOTE, CATEGORIES,
// IMPP, RELATED, PHOTO), and the X-MS-* properties Outlook and Exchange
// write for the others (X-MS-MANAGER, X-MS-ASSISTANT, X-MS-OFFICE,
// X-MS-FILE-AS, X-MS-INITIALS), so that a contact exported and imported
// again comes back the same. Reading accepts vCard 4.0, 3.0 and 2.1 as
// Outlook, Google, Apple, Android and Thunderbird write them.

// emailNameParam carries an e-mail address's display name, which vCard has
// no property for.
const emailNameParam = "X-NAME"

// ExportOptions tune a vCard export; nil means the defaults.
type ExportOptions struct {
	// NoPhotos leaves photos out, which saves a request per 20 contacts.
	NoPhotos bool
}

// WriteVCard writes contacts to w as vCard 4.0, one card each. It makes no
// request: only a photo a contact carries from ParseVCard is written (see
// ExportVCard for the service's photos).
func WriteVCard(w io.Writer, contacts ...*Contact) error {
	cards := make([]*vcard.Card, len(contacts))
	for i, c := range contacts {
		cards[i] = cardOf(c, nil)
	}
	return vcard.Write(w, cards...)
}

// ExportVCard writes the contact as a vCard 4.0 card, with its photo.
//
// Graph: GET /me/contacts/{id}/photo/$value
// (https://learn.microsoft.com/graph/api/profilephoto-get).
func (c *Contact) ExportVCard(ctx context.Context, w io.Writer, opts *ExportOptions) error {
	if err := o365.Ready(c); err != nil {
		return err
	}
	_, err := exportCards(ctx, c.Account(), []*Contact{c}, w, opts)
	return err
}

// ExportVCard writes every contact of the default Contacts folder to w as
// vCard 4.0 and returns how many it wrote. Photos are fetched 20 at a time
// through $batch; nothing is written when listing or fetching fails.
//
// Graph: GET /me/contacts (https://learn.microsoft.com/graph/api/user-list-contacts),
// POST /$batch (https://learn.microsoft.com/graph/json-batching).
func (b *AddressBook) ExportVCard(ctx context.Context, w io.Writer, opts *ExportOptions) (int, error) {
	return exportFolder(ctx, b.acct, b.ListContacts(ctx, nil), w, opts)
}

// ExportVCard writes every contact of the folder to w as vCard 4.0 (see
// AddressBook.ExportVCard).
//
// Graph: GET /me/contactFolders/{id}/contacts (https://learn.microsoft.com/graph/api/contactfolder-list-contacts),
// POST /$batch (https://learn.microsoft.com/graph/json-batching).
func (f *Folder) ExportVCard(ctx context.Context, w io.Writer, opts *ExportOptions) (int, error) {
	if err := o365.Ready(f); err != nil {
		return 0, err
	}
	return exportFolder(ctx, f.Account(), f.ListContacts(ctx, nil), w, opts)
}

func exportFolder(ctx context.Context, acct *o365.Account, list func(func(*Contact, error) bool), w io.Writer, opts *ExportOptions) (int, error) {
	all, err := o365.Collect(list)
	if err != nil {
		return 0, fmt.Errorf("contacts: export: %w", err)
	}
	return exportCards(ctx, acct, all, w, opts)
}

// exportCards fetches the contacts' photos (unless opts says not to) and
// writes the cards.
func exportCards(ctx context.Context, acct *o365.Account, all []*Contact, w io.Writer, opts *ExportOptions) (int, error) {
	photos := make([]*pendingPhoto, len(all))
	if opts == nil || !opts.NoPhotos {
		var err error
		if photos, err = fetchPhotos(ctx, acct, all); err != nil {
			return 0, err
		}
	}
	cards := make([]*vcard.Card, len(all))
	for i, c := range all {
		cards[i] = cardOf(c, photos[i])
	}
	if err := vcard.Write(w, cards...); err != nil {
		return 0, fmt.Errorf("contacts: export: %w", err)
	}
	return len(cards), nil
}

// fetchPhotos GETs the photos of contacts through $batch; a contact without
// one has nil.
func fetchPhotos(ctx context.Context, acct *o365.Account, all []*Contact) ([]*pendingPhoto, error) {
	out := make([]*pendingPhoto, len(all))
	if len(all) == 0 {
		return out, nil
	}
	bufs := make([]bytes.Buffer, len(all))
	items := make([]*o365.BatchItem, len(all))
	for i, c := range all {
		items[i] = &o365.BatchItem{Request: &o365.Request{Path: contactPath(c.ID) + "/photo/$value"}, Out: &bufs[i]}
	}
	results, err := acct.Batch(ctx, items, nil)
	if err != nil {
		return nil, fmt.Errorf("contacts: export photos: %w", err)
	}
	for i, r := range results {
		switch {
		case r.Err == nil:
			out[i] = &pendingPhoto{contentType: r.Header.Get("Content-Type"), data: bufs[i].Bytes()}
		case errors.Is(r.Err, o365.ErrNotFound):
		default:
			return nil, fmt.Errorf("contacts: export photo of %q: %w", all[i].ID, r.Err)
		}
	}
	return out, nil
}

// cardOf maps a contact (and its photo, if any) onto a vCard 4.0 card.
func cardOf(c *Contact, photo *pendingPhoto) *vcard.Card {
	if photo == nil {
		photo = c.photo
	}
	card := &vcard.Card{}
	add := func(p vcard.Property, params ...string) {
		for i := 0; i+1 < len(params); i += 2 {
			p.Params.Add(params[i], params[i+1])
		}
		card.Add(p)
	}
	text := func(name, v string) {
		if v != "" {
			add(vcard.NewText(name, v))
		}
	}
	if c.ID != "" {
		text("UID", c.ID)
	}
	add(vcard.NewText("FN", c.Name()))
	if c.Surname+c.GivenName+c.MiddleName+c.Title+c.Generation != "" {
		add(vcard.NewStructured("N", one(c.Surname), one(c.GivenName), one(c.MiddleName), one(c.Title), one(c.Generation)))
	}
	text("NICKNAME", c.NickName)
	text("X-MS-INITIALS", c.Initials)
	text("X-MS-FILE-AS", c.FileAs)
	text("X-PHONETIC-FIRST-NAME", c.YomiGivenName)
	text("X-PHONETIC-LAST-NAME", c.YomiSurname)
	text("X-PHONETIC-ORG", c.YomiCompanyName)
	for _, e := range c.EmailAddresses {
		var params []string
		if e.Name != "" && e.Name != e.Address {
			params = []string{emailNameParam, e.Name}
		}
		add(vcard.NewText("EMAIL", e.Address), params...)
	}
	for _, t := range c.BusinessPhones {
		add(vcard.NewText("TEL", t), "VALUE", "text", "TYPE", "work", "TYPE", "voice")
	}
	for _, t := range c.HomePhones {
		add(vcard.NewText("TEL", t), "VALUE", "text", "TYPE", "home", "TYPE", "voice")
	}
	if c.MobilePhone != "" {
		add(vcard.NewText("TEL", c.MobilePhone), "VALUE", "text", "TYPE", "cell")
	}
	for _, a := range []struct {
		kind string
		addr o365.PhysicalAddress
	}{{"work", c.BusinessAddress}, {"home", c.HomeAddress}, {"", c.OtherAddress}} {
		if a.addr == (o365.PhysicalAddress{}) {
			continue
		}
		p := vcard.NewStructured("ADR", nil, nil, lines(a.addr.Street), one(a.addr.City), one(a.addr.State), one(a.addr.PostalCode), one(a.addr.CountryOrRegion))
		if a.kind != "" {
			add(p, "TYPE", a.kind)
		} else {
			add(p)
		}
	}
	if c.CompanyName != "" || c.Department != "" {
		add(vcard.NewStructured("ORG", one(c.CompanyName), one(c.Department)))
	}
	text("TITLE", c.JobTitle)
	text("ROLE", c.Profession)
	text("X-MS-OFFICE", c.OfficeLocation)
	text("X-MS-MANAGER", c.Manager)
	text("X-MS-ASSISTANT", c.AssistantName)
	if c.BusinessHomePage != "" {
		add(vcard.Property{Name: "URL", Value: c.BusinessHomePage}, "TYPE", "work")
	}
	if y, m, d, ok := c.BirthDate(); ok {
		add(vcard.NewDate("BDAY", vcard.Date{Year: y, Month: m, Day: d}))
	}
	if c.SpouseName != "" {
		add(vcard.NewText("RELATED", c.SpouseName), "VALUE", "text", "TYPE", "spouse")
	}
	for _, child := range c.Children {
		add(vcard.NewText("RELATED", child), "VALUE", "text", "TYPE", "child")
	}
	for _, im := range c.ImAddresses {
		add(vcard.Property{Name: "IMPP", Value: im})
	}
	if len(c.Categories) > 0 {
		add(vcard.NewList("CATEGORIES", c.Categories...))
	}
	text("NOTE", c.PersonalNotes)
	if photo != nil {
		add(vcard.NewData("PHOTO", photo.contentType, photo.data))
	}
	if !c.LastModifiedDateTime.IsZero() {
		add(vcard.Property{Name: "REV", Value: c.LastModifiedDateTime.UTC().Format("20060102T150405Z")})
	}
	return card
}

// one is a structured component holding s, or an empty one.
func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// lines is a street as ADR's street component: one value per line.
func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
}

// ErrInvalidVCard is matched by errors.Is for every error about malformed
// vCard input (a card without END:VCARD, a date that is no date ...); the
// error's text names the line.
var ErrInvalidVCard = errors.New("contacts: invalid vCard")

// invalidVCard is a syntax or value error of vCard input.
type invalidVCard struct{ err error }

func (e invalidVCard) Error() string        { return "contacts: " + e.err.Error() }
func (e invalidVCard) Unwrap() error        { return e.err }
func (e invalidVCard) Is(target error) bool { return target == ErrInvalidVCard }

// Skipped is a vCard property an import left out because an Outlook contact
// cannot hold it (a fax number, a fourth e-mail address, a birthday without
// a year ...).
type Skipped struct {
	// Card is the card's position in the input, from 1; Line the line the
	// property starts on.
	Card, Line int
	// Property is the property's name ("TEL") and Reason why it was left
	// out.
	Property, Reason string
}

// String formats the skipped property as "line 12 (card 3): TEL: fax
// numbers have no place in an Outlook contact".
func (s Skipped) String() string {
	return fmt.Sprintf("line %d (card %d): %s: %s", s.Line, s.Card, s.Property, s.Reason)
}

// UnsupportedError is the error of a strict import (the default) of cards
// holding properties an Outlook contact cannot store: nothing was imported.
type UnsupportedError struct {
	Skipped []Skipped
}

// Error lists the properties and says how to import without them.
func (e *UnsupportedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "contacts: %d vCard properties have no place in an Outlook contact, so nothing was imported:", len(e.Skipped))
	for i, s := range e.Skipped {
		if i == 10 {
			fmt.Fprintf(&b, "\n  ... and %d more", len(e.Skipped)-10)
			break
		}
		b.WriteString("\n  " + s.String())
	}
	b.WriteString("\nimport with SkipUnsupported (o365 contacts import --skip-unsupported) to leave them out")
	return b.String()
}

// ImportOptions tune a vCard import; nil means the defaults.
type ImportOptions struct {
	// SkipUnsupported imports the cards without the properties an Outlook
	// contact cannot hold, and lists them in ImportResult.Skipped. Without
	// it, such properties make the import fail with an *UnsupportedError
	// before anything is created.
	SkipUnsupported bool
	// Concurrency is how many contacts are created at once (default 4,
	// Outlook's limit of concurrent requests per mailbox).
	Concurrency int
}

// ImportResult is what an import did.
type ImportResult struct {
	// Created are the contacts created, in the order of their cards.
	Created []*Contact
	// Skipped are the properties left out (with SkipUnsupported).
	Skipped []Skipped
}

// ParseVCard reads vCard content (one card or many; vCard 4.0, 3.0 or 2.1)
// into new contacts, neither saved nor bound to an account (ImportVCard
// creates them). A malformed card is an error matching ErrInvalidVCard
// that names its line, and no contact is returned; properties an Outlook
// contact cannot hold are returned as skipped, and are an
// *UnsupportedError unless opts.SkipUnsupported.
func ParseVCard(r io.Reader, opts *ImportOptions) ([]*Contact, []Skipped, error) {
	cards, err := vcard.ReadAll(r)
	if err != nil {
		return nil, nil, invalidVCard{err}
	}
	var all []*Contact
	var skipped []Skipped
	for i, card := range cards {
		c, sk, err := contactOf(card, i+1)
		if err != nil {
			return nil, nil, err
		}
		all = append(all, c)
		skipped = append(skipped, sk...)
	}
	if len(skipped) > 0 && (opts == nil || !opts.SkipUnsupported) {
		return nil, skipped, &UnsupportedError{Skipped: skipped}
	}
	return all, skipped, nil
}

// ImportVCard creates a contact in the default Contacts folder for every
// card of r (see ParseVCard, Folder.ImportVCard).
//
// Graph: POST /me/contacts (https://learn.microsoft.com/graph/api/user-post-contacts),
// PUT /me/contacts/{id}/photo/$value (https://learn.microsoft.com/graph/api/profilephoto-update).
func (b *AddressBook) ImportVCard(ctx context.Context, r io.Reader, opts *ImportOptions) (*ImportResult, error) {
	return importCards(ctx, b.NewContact, r, opts)
}

// ImportVCard creates a contact in the folder for every card of r. All the
// cards are read and checked before the first contact is created: a
// malformed card, or (without SkipUnsupported) a property an Outlook
// contact cannot hold, imports nothing. Creating is exactly-once per
// contact (see Contact.Save), several at a time; if a creation fails, the
// result holds the contacts created and the error says which card failed.
//
// Graph: POST /me/contactFolders/{id}/contacts (https://learn.microsoft.com/graph/api/contactfolder-post-contacts),
// PUT /me/contacts/{id}/photo/$value (https://learn.microsoft.com/graph/api/profilephoto-update).
func (f *Folder) ImportVCard(ctx context.Context, r io.Reader, opts *ImportOptions) (*ImportResult, error) {
	if err := o365.Ready(f); err != nil {
		return nil, err
	}
	return importCards(ctx, f.NewContact, r, opts)
}

func importCards(ctx context.Context, newContact func() *Contact, r io.Reader, opts *ImportOptions) (*ImportResult, error) {
	parsed, skipped, err := ParseVCard(r, opts)
	if err != nil {
		return nil, err
	}
	workers := 4
	if opts != nil && opts.Concurrency > 0 {
		workers = opts.Concurrency
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	created := make([]*Contact, len(parsed))
	errs := make([]error, len(parsed))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, max(len(parsed), 1)) {
		wg.Go(func() {
			for i := range next {
				c := newContact()
				c.fill(parsed[i])
				if errs[i] = c.Save(ctx); errs[i] == nil || c.Exists() {
					created[i] = c
				}
				if errs[i] != nil {
					cancel()
				}
			}
		})
	}
feed:
	for i := range parsed {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	res := &ImportResult{Skipped: skipped}
	var first error
	for i, c := range created {
		if c != nil {
			res.Created = append(res.Created, c)
		}
		if errs[i] != nil && first == nil && !errors.Is(errs[i], context.Canceled) {
			first = fmt.Errorf("contacts: import card %d: %w (%d contacts were created)", i+1, errs[i], len(res.Created))
		}
	}
	if first == nil && ctx.Err() != nil && len(res.Created) < len(parsed) {
		first = fmt.Errorf("contacts: import: %w (%d contacts were created)", context.Cause(ctx), len(res.Created))
	}
	return res, first
}

// fill copies a parsed contact's writable properties and pending photo
// into c, a new contact bound where it is to be created.
func (c *Contact) fill(p *Contact) {
	o := c.Object
	*c = *p
	c.Object = o
}

// contactOf maps a card onto a new contact; card is its position.
func contactOf(card *vcard.Card, n int) (*Contact, []Skipped, error) {
	c := &Contact{}
	var skipped []Skipped
	skip := func(p *vcard.Property, reason string) {
		skipped = append(skipped, Skipped{Card: n, Line: p.Line, Property: p.Name, Reason: reason})
	}
	bad := func(p *vcard.Property, format string, args ...any) error {
		return invalidVCard{fmt.Errorf("vcard: line %d (card %d): %s: %s", p.Line, n, p.Name, fmt.Sprintf(format, args...))}
	}
	set := func(p *vcard.Property, dst *string, v string) {
		if *dst != "" && *dst != v {
			skip(p, "a second value; the contact holds one")
			return
		}
		*dst = v
	}
	var addrs = map[string]bool{}
	for i := range card.Properties {
		p := &card.Properties[i]
		switch name := strings.ToUpper(p.Name); name {
		case "VERSION", "PRODID", "REV", "UID", "LABEL", "SORT-STRING", "NAME", "SOURCE", "CLIENTPIDMAP",
			"X-MS-OL-DEFAULT-POSTAL-ADDRESS", "X-MS-OL-DESIGN", "X-ABUID", "X-ABLABEL":
			// Metadata and presentation of the card, not the person's data.
		case "KIND":
			if k := strings.ToLower(p.Text()); k != "" && k != "individual" {
				skip(p, "only individuals are Outlook contacts (KIND:"+k+")")
			}
		case "FN":
			set(p, &c.DisplayName, p.Text())
		case "N":
			s := p.Structured()
			comp := func(i int) string {
				if i < len(s) {
					return strings.Join(s[i], " ")
				}
				return ""
			}
			set(p, &c.Surname, comp(0))
			set(p, &c.GivenName, comp(1))
			set(p, &c.MiddleName, comp(2))
			set(p, &c.Title, comp(3))
			set(p, &c.Generation, comp(4))
		case "NICKNAME":
			set(p, &c.NickName, strings.Join(p.List(), ", "))
		case "X-MS-INITIALS":
			set(p, &c.Initials, p.Text())
		case "X-MS-FILE-AS":
			set(p, &c.FileAs, p.Text())
		case "X-PHONETIC-FIRST-NAME":
			set(p, &c.YomiGivenName, p.Text())
		case "X-PHONETIC-LAST-NAME":
			set(p, &c.YomiSurname, p.Text())
		case "X-PHONETIC-ORG":
			set(p, &c.YomiCompanyName, p.Text())
		case "EMAIL":
			if len(c.EmailAddresses) == maxEmails {
				skip(p, fmt.Sprintf("a contact holds %d e-mail addresses", maxEmails))
				continue
			}
			c.EmailAddresses = append(c.EmailAddresses, o365.EmailAddress{Address: p.Text(), Name: p.Params.Get(emailNameParam)})
		case "TEL":
			readPhone(c, p, skip)
		case "ADR":
			kind, dst := "other", &c.OtherAddress
			switch {
			case p.HasType("work"):
				kind, dst = "work", &c.BusinessAddress
			case p.HasType("home"):
				kind, dst = "home", &c.HomeAddress
			}
			if addrs[kind] {
				skip(p, "a second "+kind+" address; the contact holds one of each kind (work, home, other)")
				continue
			}
			addrs[kind] = true
			s := p.Structured()
			comp := func(i int, sep string) string {
				if i < len(s) {
					return strings.Join(s[i], sep)
				}
				return ""
			}
			var street []string
			for _, part := range []string{comp(0, "\n"), comp(1, "\n"), comp(2, "\n")} {
				if part != "" {
					street = append(street, part)
				}
			}
			*dst = o365.PhysicalAddress{Street: strings.Join(street, "\n"), City: comp(3, " "), State: comp(4, " "),
				PostalCode: comp(5, " "), CountryOrRegion: comp(6, " ")}
		case "ORG":
			s := p.Structured()
			if len(s) > 0 {
				set(p, &c.CompanyName, strings.Join(s[0], ", "))
			}
			var units []string
			for _, u := range s[min(1, len(s)):] {
				units = append(units, u...)
			}
			set(p, &c.Department, strings.Join(units, ", "))
		case "TITLE":
			set(p, &c.JobTitle, p.Text())
		case "ROLE":
			set(p, &c.Profession, p.Text())
		case "X-MS-OFFICE":
			set(p, &c.OfficeLocation, p.Text())
		case "X-MS-MANAGER":
			set(p, &c.Manager, p.Text())
		case "X-MS-ASSISTANT":
			set(p, &c.AssistantName, p.Text())
		case "URL":
			if p.HasType("home") {
				skip(p, "a personal web page has no place in an Outlook contact (only the business home page)")
				continue
			}
			set(p, &c.BusinessHomePage, p.Text())
		case "BDAY":
			d, err := p.Date()
			if err != nil {
				return nil, nil, bad(p, "%v", err)
			}
			if d.Year == 0 {
				skip(p, "a birthday without a year has no place in an Outlook contact")
				continue
			}
			c.SetBirthDate(d.Year, d.Month, d.Day)
		case "RELATED", "X-MS-SPOUSE", "X-SPOUSE", "X-MS-CHILD", "X-CHILD":
			readRelated(c, p, name, skip, set)
		case "IMPP", "X-MS-IMADDRESS":
			if len(c.ImAddresses) == maxIMs {
				skip(p, fmt.Sprintf("a contact holds %d IM addresses", maxIMs))
				continue
			}
			c.ImAddresses = append(c.ImAddresses, p.Text())
		case "CATEGORIES":
			for _, cat := range p.List() {
				if cat != "" && !slices.Contains(c.Categories, cat) {
					c.Categories = append(c.Categories, cat)
				}
			}
		case "NOTE":
			if c.PersonalNotes != "" {
				c.PersonalNotes += "\n\n"
			}
			c.PersonalNotes += p.Text()
		case "PHOTO":
			mt, data, err := p.Data()
			switch {
			case err != nil:
				skip(p, "a photo given as a link, not as data, is not fetched")
			case c.photo != nil:
				skip(p, "a second photo; the contact holds one")
			case !strings.HasPrefix(mt, "image/"):
				skip(p, fmt.Sprintf("the photo's media type %q is not an image type", mt))
			case len(data) > o365.MaxPhotoSize:
				skip(p, "the photo is larger than 4 MB")
			default:
				c.photo = &pendingPhoto{contentType: mt, data: data}
			}
		default:
			skip(p, "Outlook contacts have no such property")
		}
	}
	return c, skipped, nil
}

// Exchange's limits on a contact's collections.
const (
	maxEmails         = 3
	maxBusinessPhones = 2
	maxHomePhones     = 2
	maxIMs            = 3
)

// readPhone maps a TEL property onto the contact's business, home or
// mobile phone, the kinds an Outlook contact holds.
func readPhone(c *Contact, p *vcard.Property, skip func(*vcard.Property, string)) {
	num := strings.TrimPrefix(p.Text(), "tel:")
	for _, t := range []string{"fax", "pager", "car", "isdn", "video", "textphone", "x-radio", "x-company", "x-callback", "x-assistant"} {
		if p.HasType(t) {
			skip(p, strings.TrimPrefix(t, "x-")+" numbers have no place in an Outlook contact")
			return
		}
	}
	switch {
	case p.HasType("cell") || p.HasType("mobile") || p.HasType("iphone"):
		if c.MobilePhone != "" {
			skip(p, "a second mobile phone; the contact holds one")
			return
		}
		c.MobilePhone = num
	case p.HasType("home"):
		if len(c.HomePhones) == maxHomePhones {
			skip(p, fmt.Sprintf("a contact holds %d home phones", maxHomePhones))
			return
		}
		c.HomePhones = append(c.HomePhones, num)
	default: // work, voice, or no type: a business phone
		if len(c.BusinessPhones) == maxBusinessPhones {
			skip(p, fmt.Sprintf("a contact holds %d business phones", maxBusinessPhones))
			return
		}
		c.BusinessPhones = append(c.BusinessPhones, num)
	}
}

// readRelated maps a spouse or a child, as vCard 4.0's RELATED (with a
// text value) or Outlook's X-MS-* properties name them.
func readRelated(c *Contact, p *vcard.Property, name string, skip func(*vcard.Property, string), set func(*vcard.Property, *string, string)) {
	spouse := name == "X-MS-SPOUSE" || name == "X-SPOUSE" || name == "RELATED" && p.HasType("spouse")
	child := name == "X-MS-CHILD" || name == "X-CHILD" || name == "RELATED" && p.HasType("child")
	switch {
	case name == "RELATED" && !strings.EqualFold(p.Params.Get("VALUE"), "text"):
		skip(p, "a related person given as a link (not VALUE=text) has no place in an Outlook contact")
	case spouse:
		set(p, &c.SpouseName, p.Text())
	case child:
		c.Children = append(c.Children, p.Text())
	default:
		skip(p, "only a spouse and children are related people of an Outlook contact")
	}
}
