package pyo365_test

import (
	"strings"
	"testing"

	"github.com/o365go/o365/sandbox/internal/demo"
)

// contactKeys are the keys address_book.py Contact.__init__ reads
// (preferredLanguage too, which Graph's v1.0 contact does not have: it
// falls back to None).
var contactKeys = []string{"id", "displayName", "fileAs", "givenName", "surname", "title", "jobTitle", "companyName",
	"department", "officeLocation", "businessPhones", "mobilePhone", "homePhones", "emailAddresses", "businessAddress",
	"homeAddress", "otherAddress", "categories", "personalNotes", "parentFolderId",
	"createdDateTime", "lastModifiedDateTime"}

// userKeys are the keys directory.py User.__init__ reads that Graph
// returns by default.
var userKeys = []string{"id", "displayName", "givenName", "surname", "mail", "userPrincipalName", "jobTitle",
	"businessPhones", "mobilePhone", "officeLocation", "preferredLanguage"}

// Replays address_book.py: AddressBook.get_contacts(limit=100) and with a
// QueryBuilder filter, ContactFolder.get_folder(folder_name=...) ($filter
// on displayName, $top 1) and its get_contacts, Contact.save of a new
// contact (POST with every to_api_data key, empty strings and lists for
// what was not set) and of a change (PATCH of the tracked keys plus
// givenName, which save() always adds), Contact.delete.
func TestContactsPersonal(t *testing.T) {
	c := alice(t, nil)
	all := valuesOf(t, c.do("GET", graph("me/contacts", "$top", "100"), nil).WantStatus(t, 200))
	if len(all) == 0 {
		t.Fatal("no contacts")
	}
	for _, ct := range all {
		wantKeys(t, "contact", ct, contactKeys...)
	}

	folders := valuesOf(t, c.do("GET", graph("me/contactFolders", "$filter", "displayName eq 'Suppliers'", "$top", "1"), nil).WantStatus(t, 200))
	if len(folders) != 1 {
		t.Fatalf("get_folder(folder_name='Suppliers'): %d folders", len(folders))
	}
	wantKeys(t, "contact folder", folders[0], "id", "displayName", "parentFolderId")
	sup := valuesOf(t, c.do("GET", graph("me/contactFolders/"+str(folders[0], "id")+"/contacts", "$top", "100"), nil).WantStatus(t, 200))
	if len(sup) != 1 || sup[0]["companyName"] != "Northwind Traders" {
		t.Fatalf("Suppliers contacts: %v", sup)
	}
	byCompany := valuesOf(t, c.do("GET", graph("me/contacts", "$top", "100", "$filter", "companyName eq 'Northwind Traders'"), nil).WantStatus(t, 200))
	if len(byCompany) != 0 {
		t.Fatalf("/me/contacts is the default folder only; got %d Northwind contacts", len(byCompany))
	}

	created := c.do("POST", graph("me/contacts"), `{"displayName": "Megan Bowen", "fileAs": "", "givenName": "Megan", "surname": "Bowen", "title": null, "jobTitle": "Buyer", "companyName": "Fabrikam", "department": "", "officeLocation": "", "businessPhones": ["+1 425 555 0100"], "mobilePhone": "", "homePhones": [], "emailAddresses": [{"name": "Megan Bowen", "address": "megan@fabrikam.com"}, {"name": "", "address": "mbowen@example.com"}], "businessAddress": {}, "homeAddress": {}, "otherAddress": {}, "categories": [], "personalNotes": ""}`).WantStatus(t, 201).JSON
	wantKeys(t, "new contact", created, contactKeys...)
	id := str(created, "id")
	c.do("PATCH", graph("me/contacts/"+id), `{"givenName": "Megan", "jobTitle": "Head buyer"}`).WantStatus(t, 200)
	got := c.do("GET", graph("me/contacts/"+id), nil).WantStatus(t, 200).JSON
	emails, _ := got["emailAddresses"].([]any)
	if got["jobTitle"] != "Head buyer" || got["surname"] != "Bowen" || len(emails) != 2 {
		t.Fatalf("after save(): %v", got)
	}
	found := valuesOf(t, c.do("GET", graph("me/contacts", "$top", "100", "$filter", "companyName eq 'Fabrikam' and surname eq 'Bowen'"), nil).WantStatus(t, 200))
	if len(found) != 1 {
		t.Fatalf("$filter companyName and surname: %d", len(found))
	}
	c.do("DELETE", graph("me/contacts/"+id), nil).WantStatus(t, 204)
	c.do("GET", graph("me/contacts/"+id), nil).WantError(t, 404, "ErrorItemNotFound")
}

// Replays directory.py (account.directory(), the address book 'gal'):
// Directory.get_users(limit=100, query=q.startswith('display_name', 'A')),
// get_user(upn), get_current_user(), get_user_manager; and
// get_users(query=q.search('Alice')), which python-o365 sends as
// $search="'Alice'" without the ConsistencyLevel header Graph requires:
// the sandbox answers as Graph documents (400), and with the header the
// same request is served.
func TestDirectoryGlobalAddressList(t *testing.T) {
	c := alice(t, nil)
	users := valuesOf(t, c.do("GET", graph("users", "$top", "100", "$filter", "startswith(displayName, 'A')"), nil).WantStatus(t, 200))
	if len(users) == 0 {
		t.Fatal("no user starts with A")
	}
	for _, u := range users {
		wantKeys(t, "user", u, userKeys...)
		if !strings.HasPrefix(str(u, "displayName"), "A") {
			t.Fatalf("startswith filter let %q through", u["displayName"])
		}
	}
	me := c.do("GET", graph("me"), nil).WantStatus(t, 200).JSON
	wantKeys(t, "me", me, userKeys...)
	bob := c.do("GET", graph("users/"+demo.Bob), nil).WantStatus(t, 200).JSON
	if str(bob, "id") != demo.BobID {
		t.Fatalf("get_user(%s): %v", demo.Bob, bob["id"])
	}
	if r := c.do("GET", graph("users/"+demo.Bob+"/manager"), nil); r.Status != 200 && r.Status != 404 {
		t.Fatalf("get_user_manager: %d %s", r.Status, r.Raw)
	}

	search := graph("users", "$top", "100", "$search", `"'Alice'"`)
	c.do("GET", search, nil).WantError(t, 400, "Request_UnsupportedQuery")
	r := c.do("GET", graph("users", "$top", "100", "$search", `"displayName:Alice"`), nil, "ConsistencyLevel", "eventual").WantStatus(t, 200)
	if v := valuesOf(t, r); len(v) != 1 || v[0]["id"] != demo.UserID {
		t.Fatalf("$search displayName:Alice: %v", v)
	}
}
