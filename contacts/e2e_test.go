package contacts_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/contacts"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// fullContact sets every property a contact holds.
func fullContact(c *contacts.Contact) {
	c.GivenName, c.MiddleName, c.Surname = "Ann", "Marie", "Lee"
	c.Title, c.Generation, c.Initials, c.NickName, c.FileAs = "Dr.", "Jr.", "A.M.L.", "Annie", "Lee, Ann"
	c.YomiGivenName, c.YomiSurname, c.YomiCompanyName = "アン", "リー", "フォブリカム"
	c.EmailAddresses = []o365.EmailAddress{{Address: "ann@fabrikam.com", Name: "Ann Lee"}, {Address: "ann.lee@outlook.com"}}
	c.ImAddresses = []string{"sip:ann@fabrikam.com"}
	c.BusinessPhones = []string{"+1 425 555 0100", "+1 425 555 0101"}
	c.HomePhones = []string{"+1 425 555 0110"}
	c.MobilePhone = "+1 425 555 0199"
	c.BusinessHomePage = "https://fabrikam.com/ann"
	c.BusinessAddress = o365.PhysicalAddress{Street: "1 Microsoft Way\nBuilding 7", City: "Redmond", State: "WA", PostalCode: "98052", CountryOrRegion: "United States"}
	c.HomeAddress = o365.PhysicalAddress{Street: "12 Pine St", City: "Seattle", State: "WA", PostalCode: "98101", CountryOrRegion: "United States"}
	c.OtherAddress = o365.PhysicalAddress{City: "Oslo", CountryOrRegion: "Norway"}
	c.CompanyName, c.Department, c.JobTitle, c.Profession = "Fabrikam", "Research", "Principal Scientist", "Chemist"
	c.OfficeLocation, c.Manager, c.AssistantName = "7/1042", "Kim Akers", "Sam Ruiz"
	c.SetBirthDate(1980, time.February, 29)
	c.SpouseName, c.Children = "Jo Lee", []string{"Amy", "Ben"}
	c.PersonalNotes = "Met at the conference; prefers e-mail.\nSecond line."
	c.Categories = []string{"Customers", "VIP"}
}

func TestContactLifecycleBothProtocols(t *testing.T) {
	for _, proto := range []string{graph, office365} {
		t.Run(proto, func(t *testing.T) {
			srv := o365test.NewSandbox(t)
			ctx := ctxT(t)
			rec := &recorder{}
			b := book(t, srv, proto, sandbox.DemoUser, rec.client())
			c := b.NewContact()
			fullContact(c)
			must(t, c.Save(ctx))
			if c.ID == "" || !c.Exists() || c.DisplayName != "Ann Marie Lee Jr." || c.PrimaryEmailAddress == nil || c.PrimaryEmailAddress.Address != "ann@fabrikam.com" {
				t.Fatalf("created %+v", c)
			}
			posts := rec.take()
			if len(posts) != 1 || posts[0].Method != http.MethodPost || !strings.HasSuffix(posts[0].Path, "/me/contacts") {
				t.Fatalf("create sent %v", posts)
			}
			if proto == office365 && !strings.Contains(posts[0].Body, `"MobilePhone1":"+1 425 555 0199"`) {
				t.Fatalf("Outlook REST names the mobile phone MobilePhone1: %s", posts[0].Body)
			}

			got, err := b.GetContact(ctx, c.ID, nil)
			must(t, err)
			want := b.NewContact()
			fullContact(want)
			for _, diff := range differences(got, want) {
				t.Errorf("read back: %s", diff)
			}

			// Save sends only what changed.
			rec.take()
			got.JobTitle = "Chief Scientist"
			got.HomePhones = append(got.HomePhones, "+1 425 555 0111")
			must(t, got.Save(ctx))
			patch := rec.take()
			if len(patch) != 1 || patch[0].Method != http.MethodPatch {
				t.Fatalf("update sent %v", patch)
			}
			var body map[string]any
			must(t, json.Unmarshal([]byte(patch[0].Body), &body))
			if len(body) != 2 {
				t.Fatalf("PATCH body %s, want only the two changes", patch[0].Body)
			}
			must(t, got.Save(ctx))
			if n := len(rec.take()); n != 0 {
				t.Fatalf("a Save without changes sent %d requests", n)
			}
			// The service's limits come back as errors; nothing changes.
			got.BusinessPhones = []string{"1", "2", "3"}
			if err := got.Save(ctx); !errors.Is(err, o365.ErrBadRequest) || !strings.Contains(err.Error(), "max allowed value of 2") {
				t.Fatalf("a third business phone: %v", err)
			}
			must(t, got.Refresh(ctx))
			if len(got.BusinessPhones) != 2 || got.JobTitle != "Chief Scientist" {
				t.Fatalf("after refresh %+v", got)
			}

			// Move to a folder, then delete.
			f, err := b.CreateFolder(ctx, "Research")
			must(t, err)
			must(t, got.Move(ctx, f.ID))
			if got.ParentFolderID != f.ID {
				t.Fatalf("moved into %q, want %q", got.ParentFolderID, f.ID)
			}
			in := collect(t, f.ListContacts(ctx, nil))
			if len(in) != 1 || in[0].ID != got.ID {
				t.Fatalf("folder holds %v", in)
			}
			must(t, got.Delete(ctx))
			if _, err := b.GetContact(ctx, got.ID, nil); !errors.Is(err, o365.ErrNotFound) {
				t.Fatalf("deleted contact: %v", err)
			}
		})
	}
}

// differences lists the properties two contacts disagree on, ignoring
// what the service sets (id, times, change key, folder, the email views).
func differences(got, want *contacts.Contact) []string {
	g, w := *got, *want
	for _, c := range []*contacts.Contact{&g, &w} {
		c.Object = o365.Object{}
		c.ID, c.ChangeKey, c.ParentFolderID = "", "", ""
		c.CreatedDateTime, c.LastModifiedDateTime = time.Time{}, time.Time{}
		c.PrimaryEmailAddress, c.SecondaryEmailAddress, c.TertiaryEmailAddress = nil, nil, nil
		c.SingleValueExtendedProperties = nil
		if c.DisplayName == "" {
			c.DisplayName = c.Name()
		}
		c.Birthday = c.Birthday.UTC()
	}
	if w.DisplayName == "Ann Marie Lee" {
		w.DisplayName = "Ann Marie Lee Jr." // the service composes with the generation
	}
	gj, _ := json.Marshal(g)
	wj, _ := json.Marshal(w)
	if bytes.Equal(gj, wj) {
		return nil
	}
	var gm, wm map[string]any
	_ = json.Unmarshal(gj, &gm)
	_ = json.Unmarshal(wj, &wm)
	var out []string
	for k := range mergeKeys(gm, wm) {
		a, _ := json.Marshal(gm[k])
		b, _ := json.Marshal(wm[k])
		if !bytes.Equal(a, b) && !(isEmpty(gm[k]) && isEmpty(wm[k])) {
			out = append(out, k+": got "+string(a)+", want "+string(b))
		}
	}
	slices.Sort(out)
	return out
}

func mergeKeys(a, b map[string]any) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// isEmpty reports whether a JSON value carries nothing: null, "", [], {}.
func isEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	case map[string]any:
		for _, x := range v {
			if !isEmpty(x) {
				return false
			}
		}
		return true
	}
	return false
}

func TestFoldersAndPaging(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	rec := &recorder{}
	b := book(t, srv, graph, sandbox.DemoUser, rec.client())
	fam, err := b.CreateFolder(ctx, "Family")
	must(t, err)
	kids, err := fam.CreateChildFolder(ctx, "Cousins")
	must(t, err)
	for i := range 5 {
		c := kids.NewContact()
		c.GivenName, c.Surname = "Cousin", string(rune('A'+i))
		must(t, c.Save(ctx))
	}
	rec.take()
	// A page size of 2 takes three pages, each a request; the limit stops
	// early.
	got := collect(t, kids.ListContacts(ctx, o365.NewQuery().Top(2).OrderByDesc("surname")))
	if len(got) != 5 || got[0].Surname != "E" || got[4].Surname != "A" {
		t.Fatalf("listed %d, first %q", len(got), got[0].Surname)
	}
	if n := len(rec.take()); n != 3 {
		t.Fatalf("%d requests for 5 contacts in pages of 2", n)
	}
	if got := collect(t, kids.ListContacts(ctx, o365.NewQuery().Filter(o365.StartsWith("surname", "C")))); len(got) != 1 {
		t.Fatalf("filtered %v", got)
	}
	all := collect(t, b.ListFolders(ctx, nil, &contacts.FolderOptions{Recursive: true}))
	var names []string
	for _, f := range all {
		names = append(names, f.DisplayName)
	}
	if !slices.Equal(names, []string{"Suppliers", "Family", "Cousins"}) {
		t.Fatalf("folders %v", names)
	}
	found, err := b.GetFolderByName(ctx, "Cousins")
	must(t, err)
	if found.ID != kids.ID || found.ParentFolderID != fam.ID {
		t.Fatalf("by name %+v", found)
	}
	if _, err := b.GetFolderByName(ctx, "Nope"); !errors.Is(err, contacts.ErrFolderNotFound) {
		t.Fatalf("missing folder: %v", err)
	}
	must(t, kids.Rename(ctx, "Cousins & co"))
	must(t, kids.Move(ctx, found.ParentFolderID))
	sup, err := b.GetFolderByName(ctx, "Suppliers")
	must(t, err)
	must(t, kids.Move(ctx, sup.ID))
	again, err := b.GetFolder(ctx, kids.ID, nil)
	must(t, err)
	if again.DisplayName != "Cousins & co" || again.ParentFolderID != sup.ID {
		t.Fatalf("after rename and move %+v", again)
	}
	if err := sup.Move(ctx, kids.ID); !errors.Is(err, o365.ErrBadRequest) {
		t.Fatalf("moving a folder into its child: %v", err)
	}
	must(t, sup.Delete(ctx))
	if _, err := b.GetFolder(ctx, kids.ID, nil); !errors.Is(err, o365.ErrNotFound) {
		t.Fatalf("child of a deleted folder: %v", err)
	}
}

func TestSyncContacts(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	b := book(t, srv, graph, sandbox.DemoUser)
	f, err := b.CreateFolder(ctx, "Synced")
	must(t, err)
	first := f.SyncContacts("", nil)
	changed, removed := syncRound(t, first)
	if len(changed)+len(removed) != 0 {
		t.Fatalf("empty folder reports %v %v", changed, removed)
	}
	a, bb := f.NewContact(), f.NewContact()
	a.GivenName, bb.GivenName = "Ann", "Bo"
	must(t, a.Save(ctx))
	must(t, bb.Save(ctx))
	second := f.SyncContacts(first.DeltaLink(), nil)
	changed, removed = syncRound(t, second)
	if len(changed) != 2 || len(removed) != 0 {
		t.Fatalf("round 2: %d changed, %v removed", len(changed), removed)
	}
	// A change, a move out and a deletion.
	changed[0].JobTitle = "Engineer"
	must(t, changed[0].Save(ctx))
	inSynced := bb.ID
	must(t, bb.Move(ctx, contactsFolderOf(t, b)))
	if bb.ID == inSynced {
		t.Fatal("a move keeps the REST id; Exchange gives a new one")
	}
	// The folder's delta names the contact by the id it had there.
	third := f.SyncContacts(second.DeltaLink(), nil)
	changed, removed = syncRound(t, third)
	if len(changed) != 1 || changed[0].JobTitle != "Engineer" || len(removed) != 1 || removed[0] != inSynced {
		t.Fatalf("round 3: %v, removed %v", changed, removed)
	}
	// The default folder's delta sees the contact that moved in.
	d := b.SyncContacts("", o365.NewQuery().Select("givenName"))
	changed, _ = syncRound(t, d)
	if !slices.ContainsFunc(changed, func(c *contacts.Contact) bool { return c.GivenName == "Bo" }) {
		t.Fatalf("default folder delta %v", changed)
	}
	folders := b.SyncFolders("")
	fs, _ := syncRound(t, folders)
	if len(fs) != 3 { // Contacts, Suppliers, Synced
		t.Fatalf("folder delta %d", len(fs))
	}
}

// contactsFolderOf is the id of the default Contacts folder, read from a
// seeded contact.
func contactsFolderOf(t *testing.T, b *contacts.AddressBook) string {
	t.Helper()
	cs := collect(t, b.ListContacts(ctxT(t), o365.NewQuery().Top(1).Limit(1)))
	return cs[0].ParentFolderID
}

func syncRound[T any](t *testing.T, d *o365.DeltaQuery[T]) ([]*T, []string) {
	t.Helper()
	var changed []*T
	var removed []string
	for c, err := range d.Changes(ctxT(t)) {
		must(t, err)
		if c.Removed {
			removed = append(removed, c.ID)
		} else {
			changed = append(changed, c.Item)
		}
	}
	return changed, removed
}

func testImage(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: uint8(x * 3), G: uint8(y * 5), B: 77, A: 255})
		}
	}
	var buf bytes.Buffer
	must(t, png.Encode(&buf, img))
	return buf.Bytes()
}

func TestPhotos(t *testing.T) {
	for _, proto := range []string{graph, office365} {
		t.Run(proto, func(t *testing.T) {
			srv := o365test.NewSandbox(t)
			ctx := ctxT(t)
			b := book(t, srv, proto, sandbox.DemoUser)
			c := b.NewContact()
			c.GivenName = "Pic"
			must(t, c.Save(ctx))
			if _, err := c.GetPhoto(ctx); !errors.Is(err, o365.ErrNotFound) {
				t.Fatalf("photo before one is set: %v", err)
			}
			img := testImage(t, 80, 60)
			must(t, c.SetPhoto(ctx, "image/png", img))
			meta, err := c.GetPhoto(ctx)
			must(t, err)
			if meta.Width != 80 || meta.Height != 60 || meta.ContentType != "image/png" {
				t.Fatalf("photo %+v", meta)
			}
			var got bytes.Buffer
			ct, err := c.DownloadPhoto(ctx, &got)
			must(t, err)
			if ct != "image/png" || !bytes.Equal(got.Bytes(), img) {
				t.Fatalf("downloaded %s, %d bytes", ct, got.Len())
			}
			if err := c.SetPhoto(ctx, "text/plain", []byte("x")); err == nil || !strings.Contains(err.Error(), "not an image") {
				t.Fatalf("text as a photo: %v", err)
			}
			if err := c.SetPhoto(ctx, "image/jpeg", []byte("not a jpeg")); !errors.Is(err, o365.ErrBadRequest) {
				t.Fatalf("garbage as a photo: %v", err)
			}
		})
	}
}

// TestCreateIsExactlyOnce loses the answer of the creation after the
// service made the contact: Save must find it instead of creating another.
func TestCreateIsExactlyOnce(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	rec := &recorder{drops: map[string]int{"POST /me/contacts": 1}}
	b := book(t, srv, graph, sandbox.DemoUser, rec.client())
	c := b.NewContact()
	c.GivenName, c.Surname = "Once", "Only"
	must(t, c.Save(ctx))
	if c.ID == "" || c.DisplayName != "Once Only" {
		t.Fatalf("saved %+v", c)
	}
	same := collect(t, b.ListContacts(ctx, o365.NewQuery().Filter(o365.Eq("surname", "Only"))))
	if len(same) != 1 || same[0].ID != c.ID {
		t.Fatalf("%d contacts after a lost answer", len(same))
	}
}

func TestSearchAddressList(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	rec := &recorder{}
	b := book(t, srv, graph, sandbox.DemoUser, rec.client())
	got := collect(t, b.SearchAddressList(ctx, "carol", nil))
	if len(got) != 1 || got[0].Mail != sandbox.DemoCarol {
		t.Fatalf("search carol: %v", got)
	}
	sent := rec.take()
	if sent[0].Header.Get("ConsistencyLevel") != "eventual" || !strings.HasSuffix(sent[0].Path, "/v1.0/users") {
		t.Fatalf("search request %+v", sent[0])
	}
	if got := collect(t, b.SearchAddressList(ctx, "contoso", nil)); len(got) < 5 {
		t.Fatalf("search by domain found %d", len(got))
	}
	for _, err := range b.SearchAddressList(ctx, "  ", nil) {
		if err == nil || !strings.Contains(err.Error(), "empty text") {
			t.Fatalf("empty search: %v", err)
		}
	}
}
