package contacts

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
)

// knobPerUser is the contacts area's size knob.
const knobPerUser = "contacts.perUser"

// seedBatch bounds the generated contacts stored at once.
const seedBatch = 1000

// seedSamples are the contacts every demo mailbox starts with.
var seedSamples = []map[string]any{
	{
		"givenName": "Pavel", "surname": "Bansky", "companyName": "Fabrikam", "jobTitle": "Product Manager",
		"department": "Products", "officeLocation": "B/1042", "businessHomePage": "https://www.fabrikam.com",
		"emailAddresses": []any{map[string]any{"address": "pavelb@fabrikam.com", "name": "Pavel Bansky"}},
		"businessPhones": []any{"+1 732 555 0102"}, "mobilePhone": "+1 732 555 0199",
		"businessAddress": map[string]any{"street": "1 Fabrikam Way", "city": "Edison", "state": "NJ", "postalCode": "08817", "countryOrRegion": "United States"},
		"categories":      []any{"Suppliers"},
	},
	{
		"givenName": "Garth", "surname": "Fort", "companyName": "Litware", "jobTitle": "Web Marketing Manager",
		"emailAddresses": []any{
			map[string]any{"address": "garthf@litwareinc.com", "name": "Garth Fort"},
			map[string]any{"address": "garth.fort@outlook.com", "name": "Garth (home)"},
		},
		"imAddresses": []any{"sip:garthf@litwareinc.com"}, "homePhones": []any{"+1 918 555 0101"},
		"homeAddress": map[string]any{"street": "123 Some Street", "city": "Seattle", "state": "WA", "postalCode": "98121", "countryOrRegion": "United States"},
		"birthday":    "1974-07-22T00:00:00Z", "children": []any{"Amy", "Ben"}, "spouseName": "Jo",
		"personalNotes": "Met at the Build conference.",
	},
	{
		"givenName": "Megan", "surname": "Bowen", "companyName": "A. Datum", "jobTitle": "Marketing Director",
		"emailAddresses": []any{map[string]any{"address": "meganb@adatum.com", "name": "Megan Bowen"}},
		"businessPhones": []any{"+1 412 555 0109"}, "categories": []any{"Customers"},
	},
}

// seedContacts gives every demo person a Contacts folder with the sample
// contacts, the first of them with a photo; the demo user (Alice) also has
// a "Suppliers" folder and knobPerUser generated contacts more.
func seedContacts(ctx context.Context, tx *core.Tx, sd *core.SeedContext) error {
	photo := samplePhoto()
	for pi, p := range demo.People() {
		if err := contactFolders.Ensure(ctx, tx, p.ID, sd.Epoch); err != nil {
			return err
		}
		def := defaultFolderID(p.ID)
		for i, in := range seedSamples {
			o := seedContact(sd, p.ID, def, fmt.Sprint(i), in, sd.Epoch.Add(time.Duration(i)*time.Minute))
			if err := tx.Put(ctx, o); err != nil {
				return err
			}
			if i == 0 {
				if _, err := core.PutPhoto(ctx, tx, photoKey(p.ID, o.ID), photo); err != nil {
					return err
				}
			}
		}
		if pi != 0 {
			continue
		}
		sup := &core.Object{Collection: collFolders, Owner: p.ID, ID: core.SeedFolderID(p.ID, "contacts", "suppliers"),
			Parent: def, Created: sd.Epoch, Data: map[string]any{"displayName": "Suppliers", "parentFolderId": def}}
		if err := tx.Put(ctx, sup); err != nil {
			return err
		}
		if err := tx.Put(ctx, seedContact(sd, p.ID, sup.ID, "supplier", map[string]any{
			"givenName": "Nestor", "surname": "Wilke", "companyName": "Northwind Traders",
			"emailAddresses": []any{map[string]any{"address": "nestorw@northwindtraders.com", "name": "Nestor Wilke"}},
		}, sd.Epoch)); err != nil {
			return err
		}
		if err := seedGenerated(ctx, tx, sd, p.ID, def); err != nil {
			return err
		}
	}
	return nil
}

// seedGenerated adds knobPerUser generated contacts to a folder.
func seedGenerated(ctx context.Context, tx *core.Tx, sd *core.SeedContext, owner, folder string) error {
	n := sd.Size(knobPerUser)
	for start := 0; start < n; start += seedBatch {
		batch := make([]*core.Object, 0, min(seedBatch, n-start))
		for i := start; i < start+cap(batch); i++ {
			at := sd.Epoch.Add(time.Hour + time.Duration(i)*time.Second)
			batch = append(batch, seedContact(sd, owner, folder, fmt.Sprintf("generated/%d", i), map[string]any{
				"givenName": "Contact", "surname": fmt.Sprintf("%06d", i+1), "companyName": "Generated",
				"emailAddresses": []any{map[string]any{"address": fmt.Sprintf("contact%06d@example.com", i+1)}},
			}, at))
		}
		if err := tx.PutAll(ctx, batch); err != nil {
			return err
		}
	}
	return nil
}

// seedContact is a deterministic contact of owner in folder.
func seedContact(sd *core.SeedContext, owner, folder, name string, in map[string]any, at time.Time) *core.Object {
	doc := newContactDoc(at, folder)
	applyContact(doc, in)
	doc["changeKey"] = core.SeedChangeKey("contacts", owner, name)
	return &core.Object{Collection: collContacts, Owner: owner, ID: core.SeedItemID(owner, "contacts", name),
		Parent: folder, Created: at, Sort: core.SortKey(at), Data: doc}
}

// samplePhoto is a 120x120 PNG, the same on every run.
func samplePhoto() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 120, 120))
	for y := range 120 {
		for x := range 120 {
			img.Set(x, y, color.RGBA{R: uint8(2 * x), G: uint8(2 * y), B: 160, A: 255})
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}
