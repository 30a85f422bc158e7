// Package contacts works with Outlook contacts through Microsoft Graph (or
// the Office 365 REST protocol): contact folders, contacts with their
// photos, delta sync, vCard 4.0 export and import, and the organization's
// address list (python-o365's AddressBook and GlobalAddressList).
//
// An AddressBook wraps an *o365.Account; the contacts and folders it
// returns are bound to it, so contact.Save(ctx) or folder.ListContacts(ctx,
// q) act where they came from. The AddressBook itself is the default
// Contacts folder: its ListContacts, NewContact and ListFolders work there.
// Models are lossless and Save sends only what changed; creating a contact
// is exactly-once.
//
//	book := contacts.New(acct)
//	c := book.NewContact()
//	c.GivenName, c.Surname = "Pavel", "Bansky"
//	c.EmailAddresses = []o365.EmailAddress{{Address: "pavelb@fabrikam.com"}}
//	err := c.Save(ctx)
package contacts

import (
	"errors"

	"github.com/o365go/o365"
)

// ErrFolderNotFound is returned by GetFolderByName when no folder has the
// name.
var ErrFolderNotFound = errors.New("contacts: folder not found")

// AddressBook is one mailbox's contacts: the signed-in user's ("me", the
// default) or, with o365.WithResource, another user's. It is cheap to create
// and safe for concurrent use.
type AddressBook struct {
	acct *o365.Account
}

// New returns the address book of acct's resource; opts (such as
// o365.WithResource("user:shared@contoso.com")) apply to a copy of acct.
func New(acct *o365.Account, opts ...o365.Option) *AddressBook {
	if len(opts) > 0 {
		acct = acct.With(opts...)
	}
	return &AddressBook{acct: acct}
}

// Account returns the account the address book sends its requests through.
func (b *AddressBook) Account() *o365.Account { return b.acct }

// folderPath is "contactFolders/{id}/..." with the id escaped.
func folderPath(id string, rest ...string) string {
	return o365.Path(append([]string{"contactFolders", id}, rest...)...)
}

// contactPath is "contacts/{id}" with the id escaped: where a contact lives
// whatever its folder.
func contactPath(id string) string { return o365.Path("contacts", id) }
