package contacts

import (
	"context"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
	"github.com/o365go/o365/outlook"
)

// Contact is Graph's contact, bound to the address book it came from.
//
// Outlook holds at most 3 e-mail addresses, 2 business and 2 home phones,
// one mobile phone and 3 IM addresses per contact; the service refuses
// more. A display name left empty is composed by the service from the
// name's parts.
type Contact struct {
	o365.Object
	ID                   string    `json:"id,omitzero" o365:"readonly"`
	CreatedDateTime      time.Time `json:"createdDateTime,omitzero" o365:"readonly"`
	LastModifiedDateTime time.Time `json:"lastModifiedDateTime,omitzero" o365:"readonly"`
	ChangeKey            string    `json:"changeKey,omitzero" o365:"readonly"`
	Categories           []string  `json:"categories,omitzero"`
	// ParentFolderID is the folder holding the contact; Move changes it.
	ParentFolderID string `json:"parentFolderId,omitzero" o365:"readonly"`

	DisplayName string `json:"displayName,omitzero"`
	GivenName   string `json:"givenName,omitzero"`
	MiddleName  string `json:"middleName,omitzero"`
	Surname     string `json:"surname,omitzero"`
	// Title is the name's prefix ("Dr."); Generation its suffix ("Jr.").
	Title      string `json:"title,omitzero"`
	Generation string `json:"generation,omitzero"`
	Initials   string `json:"initials,omitzero"`
	NickName   string `json:"nickName,omitzero"`
	// FileAs is how the contact sorts in Outlook ("Fort, Garth").
	FileAs string `json:"fileAs,omitzero"`
	// The Yomi names are the phonetic Japanese ones.
	YomiGivenName   string `json:"yomiGivenName,omitzero"`
	YomiSurname     string `json:"yomiSurname,omitzero"`
	YomiCompanyName string `json:"yomiCompanyName,omitzero"`

	EmailAddresses []o365.EmailAddress `json:"emailAddresses,omitzero"`
	// PrimaryEmailAddress, SecondaryEmailAddress and TertiaryEmailAddress
	// are the service's views of EmailAddresses[0], [1] and [2]; change
	// EmailAddresses instead.
	PrimaryEmailAddress   *o365.EmailAddress `json:"primaryEmailAddress,omitzero" o365:"readonly"`
	SecondaryEmailAddress *o365.EmailAddress `json:"secondaryEmailAddress,omitzero" o365:"readonly"`
	TertiaryEmailAddress  *o365.EmailAddress `json:"tertiaryEmailAddress,omitzero" o365:"readonly"`
	ImAddresses           []string           `json:"imAddresses,omitzero"`
	BusinessPhones        []string           `json:"businessPhones,omitzero"`
	HomePhones            []string           `json:"homePhones,omitzero"`
	MobilePhone           string             `json:"mobilePhone,omitzero"`
	BusinessHomePage      string             `json:"businessHomePage,omitzero"`

	BusinessAddress o365.PhysicalAddress `json:"businessAddress,omitzero"`
	HomeAddress     o365.PhysicalAddress `json:"homeAddress,omitzero"`
	OtherAddress    o365.PhysicalAddress `json:"otherAddress,omitzero"`

	CompanyName    string `json:"companyName,omitzero"`
	Department     string `json:"department,omitzero"`
	JobTitle       string `json:"jobTitle,omitzero"`
	Profession     string `json:"profession,omitzero"`
	OfficeLocation string `json:"officeLocation,omitzero"`
	Manager        string `json:"manager,omitzero"`
	AssistantName  string `json:"assistantName,omitzero"`

	// Birthday is the date of birth; the service keeps the date (read it
	// with BirthDate).
	Birthday      time.Time `json:"birthday,omitzero"`
	SpouseName    string    `json:"spouseName,omitzero"`
	Children      []string  `json:"children,omitzero"`
	PersonalNotes string    `json:"personalNotes,omitzero"`

	SingleValueExtendedProperties []outlook.ExtendedProperty           `json:"singleValueExtendedProperties,omitzero"`
	MultiValueExtendedProperties  []outlook.MultiValueExtendedProperty `json:"multiValueExtendedProperties,omitzero"`

	// photo is a photo to set once the contact is created (ParseVCard).
	photo *pendingPhoto
}

// pendingPhoto is an image waiting for the contact to exist.
type pendingPhoto struct {
	contentType string
	data        []byte
}

// UnmarshalJSONFrom decodes the contact and keeps its JSON (see
// o365.Object).
func (c *Contact) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain Contact
	return o365.DecodeObject(d, (*plain)(c))
}

// MarshalJSON encodes the contact as the service sent it, with the
// program's changes (see o365.Object).
func (c Contact) MarshalJSON() ([]byte, error) {
	type plain Contact
	return o365.MarshalObject((*plain)(&c))
}

// BirthDate returns the birthday's calendar date (Birthday in UTC, where the
// service keeps it) and whether there is one.
func (c *Contact) BirthDate() (year int, month time.Month, day int, ok bool) {
	if c.Birthday.IsZero() {
		return 0, 0, 0, false
	}
	y, m, d := c.Birthday.UTC().Date()
	return y, m, d, true
}

// SetBirthDate sets the birthday to a calendar date.
func (c *Contact) SetBirthDate(year int, month time.Month, day int) {
	c.Birthday = time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
}

// Name returns the contact's display name, else its composed name, else its
// first e-mail address: what a list shows.
func (c *Contact) Name() string {
	if c.DisplayName != "" {
		return c.DisplayName
	}
	var parts []string
	for _, p := range []string{c.GivenName, c.MiddleName, c.Surname} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) > 0 {
		return strings.Join(parts, " ")
	}
	if len(c.EmailAddresses) > 0 {
		return c.EmailAddresses[0].Address
	}
	return c.CompanyName
}

// PendingPhoto returns the photo a contact read from a vCard (ParseVCard)
// carries until Save sets it on the service, and whether there is one.
func (c *Contact) PendingPhoto() (contentType string, data []byte, ok bool) {
	if c.photo == nil {
		return "", nil, false
	}
	return c.photo.contentType, c.photo.data, true
}

// NewContact returns a new contact that Save creates in the default
// Contacts folder.
func (b *AddressBook) NewContact() *Contact {
	c := &Contact{}
	_ = o365.BindNew(c, b.acct, "contacts")
	return c
}

// Contact returns the contact with the given id without a request: only
// its ID is set until Refresh.
func (b *AddressBook) Contact(id string) *Contact {
	c := &Contact{ID: id}
	_ = o365.Bind(c, b.acct, contactPath(id))
	return c
}

// ListContacts lists the contacts of the default Contacts folder; q may
// filter, order, select and limit them.
//
// Graph: GET /me/contacts
// (https://learn.microsoft.com/graph/api/user-list-contacts).
func (b *AddressBook) ListContacts(ctx context.Context, q *o365.Query) iter.Seq2[*Contact, error] {
	return listContacts(ctx, b.acct, "contacts", q)
}

func listContacts(ctx context.Context, acct *o365.Account, path string, q *o365.Query) iter.Seq2[*Contact, error] {
	return o365.List[Contact](ctx, acct, &o365.Request{Path: path, Query: q, Collection: "contacts"})
}

// GetContact loads a contact by id, in any folder; q may $select and
// $expand.
//
// Graph: GET /me/contacts/{id}
// (https://learn.microsoft.com/graph/api/contact-get).
func (b *AddressBook) GetContact(ctx context.Context, id string, q *o365.Query) (*Contact, error) {
	c, err := o365.Get[Contact](ctx, b.acct, &o365.Request{Path: contactPath(id), Query: q, Collection: "contacts"})
	if err != nil {
		return nil, fmt.Errorf("contacts: get contact %q: %w", id, err)
	}
	return c, nil
}

// SyncContacts returns a delta query over the default Contacts folder,
// resuming from deltaLink ("" starts over and reports every contact); it
// makes no request until its Changes are ranged over. Each round yields the
// contacts created or changed since the previous one (bound to the address
// book) and the ids of those removed, including those moved to another
// folder; persist DeltaLink after a round to resume from it. q may $select
// properties for the first round. When the service has forgotten the link
// (410), the round's error matches o365.ErrResyncRequired.
//
// Graph: GET /me/contacts/delta
// (https://learn.microsoft.com/graph/api/contact-delta).
func (b *AddressBook) SyncContacts(deltaLink string, q *o365.Query) *o365.DeltaQuery[Contact] {
	return syncContacts(b.acct, "contacts/delta", deltaLink, q)
}

func syncContacts(acct *o365.Account, path, deltaLink string, q *o365.Query) *o365.DeltaQuery[Contact] {
	req := &o365.Request{Method: http.MethodGet, Path: path, Query: q, Collection: "contacts"}
	return o365.Delta[Contact](acct, req, deltaLink, nil)
}

// Save creates the contact (POST with every property set) or saves its
// changes (PATCH of only the properties changed since it was loaded).
//
// Creating is safe to repeat after a lost answer: the contact carries an id
// the client chose (outlook.ClientIDProperty), and after an uncertain
// failure Save looks for it before creating again. A photo a contact came
// with from ParseVCard is set once the contact exists.
//
// Graph: POST /me/contacts (https://learn.microsoft.com/graph/api/user-post-contacts),
// PATCH /me/contacts/{id} (https://learn.microsoft.com/graph/api/contact-update).
func (c *Contact) Save(ctx context.Context) error {
	if c.Account() == nil {
		return o365.ErrUnbound
	}
	if c.Exists() {
		if err := o365.Save(ctx, c); err != nil {
			return fmt.Errorf("contacts: save %q: %w", c.ID, err)
		}
		return nil
	}
	if err := c.create(ctx); err != nil {
		return fmt.Errorf("contacts: save new contact %q: %w", c.Name(), err)
	}
	if p := c.photo; p != nil {
		if err := c.SetPhoto(ctx, p.contentType, p.data); err != nil {
			return err
		}
		c.photo = nil
	}
	return nil
}

// create POSTs the contact exactly once.
func (c *Contact) create(ctx context.Context) error {
	clientID := o365.NewClientID()
	c.SingleValueExtendedProperties = outlook.SetExtendedProperty(c.SingleValueExtendedProperties, outlook.ClientIDProperty, clientID)
	body, err := o365.Changes(c)
	if err != nil {
		return fmt.Errorf("encoding the contact: %w", err)
	}
	acct, collection := c.Account(), c.Path()
	err = o365.Once(ctx, func() error {
		_, err := acct.Do(ctx, &o365.Request{Method: http.MethodPost, Path: collection, Body: body}, c)
		return err
	}, func() (bool, error) {
		q := o365.NewQuery().Filter(outlook.ClientIDFilter(clientID)).Top(1)
		for found, err := range listContacts(ctx, acct, collection, q) {
			if err != nil {
				return false, fmt.Errorf("looking for the contact: %w", err)
			}
			*c = *found
			return true, nil
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	return o365.Bind(c, acct, contactPath(c.ID))
}

// Refresh reloads the contact, discarding unsaved changes.
//
// Graph: GET /me/contacts/{id}
// (https://learn.microsoft.com/graph/api/contact-get).
func (c *Contact) Refresh(ctx context.Context) error {
	if err := o365.Refresh(ctx, c, nil); err != nil {
		return fmt.Errorf("contacts: refresh %q: %w", c.ID, err)
	}
	return nil
}

// Delete deletes the contact.
//
// Graph: DELETE /me/contacts/{id}
// (https://learn.microsoft.com/graph/api/contact-delete).
func (c *Contact) Delete(ctx context.Context) error {
	if err := o365.Delete(ctx, c); err != nil {
		return fmt.Errorf("contacts: delete %q: %w", c.ID, err)
	}
	return nil
}

// Move moves the contact to another folder (its id); the contact takes the
// service's answer, whose id may differ.
//
// Graph: PATCH /me/contacts/{id} with parentFolderId
// (https://learn.microsoft.com/graph/api/contact-update).
func (c *Contact) Move(ctx context.Context, folderID string) error {
	if err := o365.Ready(c); err != nil {
		return err
	}
	acct, id := c.Account(), c.ID
	req := c.Request(http.MethodPatch, "", map[string]string{"parentFolderId": folderID})
	req.Idempotent = true
	if _, err := acct.Do(ctx, req, c); err != nil {
		return fmt.Errorf("contacts: move %q: %w", id, err)
	}
	return o365.Bind(c, acct, contactPath(c.ID))
}

// GetPhoto loads the metadata of the contact's photo (its size and media
// type); the error matches o365.ErrNotFound when there is none.
//
// Graph: GET /me/contacts/{id}/photo
// (https://learn.microsoft.com/graph/api/profilephoto-get).
func (c *Contact) GetPhoto(ctx context.Context) (*o365.ProfilePhoto, error) {
	if err := o365.Ready(c); err != nil {
		return nil, err
	}
	p, err := o365.Get[o365.ProfilePhoto](ctx, c.Account(), c.Request(http.MethodGet, "photo", nil))
	if err != nil {
		return nil, fmt.Errorf("contacts: photo of %q: %w", c.ID, err)
	}
	return p, nil
}

// DownloadPhoto writes the contact's photo to w and returns its media type;
// the error matches o365.ErrNotFound when there is none.
//
// Graph: GET /me/contacts/{id}/photo/$value
// (https://learn.microsoft.com/graph/api/profilephoto-get).
func (c *Contact) DownloadPhoto(ctx context.Context, w io.Writer) (contentType string, err error) {
	if err := o365.Ready(c); err != nil {
		return "", err
	}
	ct, err := o365.DownloadPhoto(ctx, c.Account(), c.Path()+"/photo", w)
	if err != nil {
		return "", fmt.Errorf("contacts: photo of %q: %w", c.ID, err)
	}
	return ct, nil
}

// SetPhoto sets the contact's photo: a JPEG, PNG or GIF image of at most 4
// MB with its media type ("image/jpeg").
//
// Graph: PUT /me/contacts/{id}/photo/$value
// (https://learn.microsoft.com/graph/api/profilephoto-update).
func (c *Contact) SetPhoto(ctx context.Context, contentType string, data []byte) error {
	if err := o365.Ready(c); err != nil {
		return err
	}
	if err := o365.UploadPhoto(ctx, c.Account(), c.Path()+"/photo", contentType, data); err != nil {
		return fmt.Errorf("contacts: set photo of %q: %w", c.ID, err)
	}
	return nil
}
