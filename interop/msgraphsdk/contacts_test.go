package msgraphsdk

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

func newContact(given, surname, email string) models.Contactable {
	c := models.NewContact()
	c.SetGivenName(ptr(given))
	c.SetSurname(ptr(surname))
	addr := models.NewEmailAddress()
	addr.SetAddress(ptr(email))
	addr.SetName(ptr(given + " " + surname))
	c.SetEmailAddresses([]models.EmailAddressable{addr})
	c.SetBusinessPhones([]string{"+1 425 555 0100"})
	return c
}

// TestContacts covers contact folders and contacts: create, list with
// $filter/$orderby/$count, get, PATCH, photo and delete, in the delegated
// and app-only mailboxes.
func TestContacts(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, mb := range e.mailboxes() {
		t.Run(mb.mode, func(t *testing.T) {
			// Folders: the default Contacts folder, and one created below it.
			folders, err := mb.user.ContactFolders().Get(ctx, nil)
			must(t, "list contact folders", err)
			before := len(folders.GetValue())
			f := models.NewContactFolder()
			f.SetDisplayName(ptr("Suppliers " + mb.mode))
			folder, err := mb.user.ContactFolders().Post(ctx, f, nil)
			must(t, "create contact folder", err)
			fid := deref(folder.GetId())
			if fid == "" || deref(folder.GetParentFolderId()) == "" || deref(folder.GetDisplayName()) != "Suppliers "+mb.mode {
				t.Fatalf("folder: %q parent %q name %q", fid, deref(folder.GetParentFolderId()), deref(folder.GetDisplayName()))
			}
			folders, err = mb.user.ContactFolders().Get(ctx, nil)
			must(t, "list contact folders again", err)
			if len(folders.GetValue()) != before+1 {
				t.Fatalf("%d folders, then %d", before, len(folders.GetValue()))
			}
			rename := models.NewContactFolder()
			rename.SetDisplayName(ptr("Vendors " + mb.mode))
			renamed, err := mb.user.ContactFolders().ByContactFolderId(fid).Patch(ctx, rename, nil)
			must(t, "rename contact folder", err)
			if deref(renamed.GetDisplayName()) != "Vendors "+mb.mode {
				t.Fatalf("renamed folder %q", deref(renamed.GetDisplayName()))
			}

			// Contacts in the folder.
			in := mb.user.ContactFolders().ByContactFolderId(fid).Contacts()
			zoe, err := in.Post(ctx, newContact("Zoe", "Zimmer", "zoe@fabrikam.example"), nil)
			must(t, "create contact", err)
			_, err = in.Post(ctx, newContact("Adam", "Abbot", "adam@fabrikam.example"), nil)
			must(t, "create contact", err)
			if deref(zoe.GetDisplayName()) != "Zoe Zimmer" || deref(zoe.GetParentFolderId()) != fid {
				t.Fatalf("contact: displayName %q parent %q", deref(zoe.GetDisplayName()), deref(zoe.GetParentFolderId()))
			}
			count := true
			page, err := in.Get(ctx, &users.ItemContactFoldersItemContactsRequestBuilderGetRequestConfiguration{
				QueryParameters: &users.ItemContactFoldersItemContactsRequestBuilderGetQueryParameters{
					Orderby: []string{"displayName"}, Select: []string{"displayName", "emailAddresses"}, Count: &count}})
			must(t, "list contacts", err)
			if len(page.GetValue()) != 2 || deref(page.GetOdataCount()) != 2 ||
				deref(page.GetValue()[0].GetDisplayName()) != "Adam Abbot" || page.GetValue()[0].GetBusinessPhones() != nil {
				t.Fatalf("contacts: %d (count %d), first %q", len(page.GetValue()), deref(page.GetOdataCount()), deref(page.GetValue()[0].GetDisplayName()))
			}
			if a := page.GetValue()[1].GetEmailAddresses(); len(a) != 1 || deref(a[0].GetAddress()) != "zoe@fabrikam.example" {
				t.Fatalf("Zoe's addresses: %v", a)
			}
			filter := "emailAddresses/any(a:a/address eq 'zoe@fabrikam.example')"
			hits, err := in.Get(ctx, &users.ItemContactFoldersItemContactsRequestBuilderGetRequestConfiguration{
				QueryParameters: &users.ItemContactFoldersItemContactsRequestBuilderGetQueryParameters{Filter: &filter}})
			must(t, "filter contacts by address", err)
			if len(hits.GetValue()) != 1 || deref(hits.GetValue()[0].GetId()) != deref(zoe.GetId()) {
				t.Fatalf("filter by address found %d", len(hits.GetValue()))
			}
			n, err := in.Count().Get(ctx, nil)
			must(t, "contacts/$count", err)
			if deref(n) != 2 {
				t.Fatalf("contacts/$count %d", deref(n))
			}

			// Get, PATCH and the photo through /contacts/{id}.
			one := mb.user.Contacts().ByContactId(deref(zoe.GetId()))
			patch := models.NewContact()
			patch.SetCompanyName(ptr("Fabrikam"))
			patch.SetJobTitle(ptr("Buyer"))
			patched, err := one.Patch(ctx, patch, nil)
			must(t, "PATCH contact", err)
			if deref(patched.GetCompanyName()) != "Fabrikam" || deref(patched.GetGivenName()) != "Zoe" {
				t.Fatalf("patched: company %q given %q", deref(patched.GetCompanyName()), deref(patched.GetGivenName()))
			}
			got, err := one.Get(ctx, nil)
			must(t, "GET contact", err)
			if deref(got.GetJobTitle()) != "Buyer" || len(got.GetBusinessPhones()) != 1 {
				t.Fatalf("contact: job %q phones %v", deref(got.GetJobTitle()), got.GetBusinessPhones())
			}
			photo := tinyPNG(t)
			_, err = one.Photo().Content().Put(ctx, photo, nil)
			must(t, "PUT contact photo", err)
			back, err := one.Photo().Content().Get(ctx, nil)
			must(t, "GET contact photo", err)
			if !bytes.Equal(back, photo) {
				t.Fatalf("photo: %d bytes back of %d", len(back), len(photo))
			}

			// Delete the contact, then the folder with what is left in it.
			must(t, "DELETE contact", one.Delete(ctx, nil))
			_, err = one.Get(ctx, nil)
			wantODataError(t, "GET a deleted contact", err, 404, "ErrorItemNotFound")
			must(t, "DELETE folder", mb.user.ContactFolders().ByContactFolderId(fid).Delete(ctx, nil))
			_, err = mb.user.ContactFolders().ByContactFolderId(fid).Get(ctx, nil)
			wantODataError(t, "GET a deleted folder", err, 404, "ErrorItemNotFound")
		})
	}
}

// tinyPNG is a 2x2 PNG, for photos.
func tinyPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
