package contacts_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/o365go/o365"
	"github.com/o365go/o365/contacts"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// demo is an account signed in as user on a fresh demo tenant, and a
// function that stops it. Real programs build the account with an auth
// credential against Microsoft Graph instead.
func demo(user string) (*o365.Account, func()) {
	acct, stop, err := o365test.Demo(user)
	if err != nil {
		log.Fatal(err)
	}
	return acct, stop
}

// Add a contact, then find it again.
func ExampleAddressBook_NewContact() {
	acct, done := demo(sandbox.DemoUser)
	defer done()
	ctx := context.Background()
	book := contacts.New(acct)

	c := book.NewContact()
	c.GivenName, c.Surname = "Nestor", "Wilke"
	c.EmailAddresses = []o365.EmailAddress{{Address: "nestorw@northwindtraders.com"}}
	c.MobilePhone = "+1 206 555 0101"
	if err := c.Save(ctx); err != nil {
		log.Fatal(err)
	}

	q := o365.NewQuery().Filter(o365.Eq("surname", "Wilke")).Select("displayName", "mobilePhone")
	for found, err := range book.ListContacts(ctx, q) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(found.DisplayName, found.MobilePhone)
	}
	// Output: Nestor Wilke +1 206 555 0101
}

// Export the contacts of the default Contacts folder to a .vcf file that
// Outlook, Google Contacts or an iPhone imports.
func ExampleAddressBook_ExportVCard() {
	acct, done := demo(sandbox.DemoUser)
	defer done()
	ctx := context.Background()

	var vcf bytes.Buffer // an *os.File in a real program
	n, err := contacts.New(acct).ExportVCard(ctx, &vcf, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "contacts;", strings.Count(vcf.String(), "PHOTO:data:image/png"), "with a photo")
	// Output: 3 contacts; 1 with a photo
}

// Import a .vcf file into a folder: every card is checked before anything
// is created.
func ExampleFolder_ImportVCard() {
	acct, done := demo(sandbox.DemoUser)
	defer done()
	ctx := context.Background()
	book := contacts.New(acct)

	folder, err := book.GetFolderByName(ctx, "Suppliers")
	if err != nil {
		log.Fatal(err)
	}
	vcf := "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Zhou;Li\r\nFN:Li Zhou\r\nTEL;TYPE=WORK:+86 10 5555 0100\r\nTEL;TYPE=FAX:+86 10 5555 0109\r\nEND:VCARD\r\n"
	res, err := folder.ImportVCard(ctx, strings.NewReader(vcf), &contacts.ImportOptions{SkipUnsupported: true})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range res.Created {
		fmt.Println("created", c.DisplayName, c.BusinessPhones)
	}
	for _, s := range res.Skipped {
		fmt.Println("left out", s)
	}
	// Output:
	// created Li Zhou [+86 10 5555 0100]
	// left out line 6 (card 1): TEL: fax numbers have no place in an Outlook contact
}

// Search the organization's address list.
func ExampleAddressBook_SearchAddressList() {
	acct, done := demo(sandbox.DemoUser)
	defer done()
	ctx := context.Background()

	for u, err := range contacts.New(acct).SearchAddressList(ctx, "bob", nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(u.DisplayName, u.Mail)
	}
	// Output: Bob Baker bob@contoso.onmicrosoft.com
}
