package sharepoint_test

import (
	"context"
	"fmt"
	"log"

	"github.com/o365go/o365"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
	"github.com/o365go/o365/sharepoint"
)

// Add an item to a list of the team site; the account's resource names the
// site.
func ExampleList_CreateItem() {
	acct, stop, err := o365test.DemoAccount(sandbox.DemoUser, o365.WithResource("sharepoint:contoso.sharepoint.com:/sites/team"))
	if err != nil {
		log.Fatal(err)
	}
	defer stop()
	ctx := context.Background()

	list := sharepoint.New(acct).Site("").List("Inventory")
	fields := sharepoint.Fields{"Title": "Sprocket", "Color": "Blue", "Quantity": 12, "InStock": true}
	item, err := list.CreateItem(ctx, fields.SetLookup("Owner", 7), nil)
	if err != nil {
		log.Fatal(err)
	}
	qty, _ := item.Fields.Number("Quantity")
	owner, _ := item.Fields.LookupID("Owner")
	fmt.Println(item.ID, item.Fields.Text("Title"), qty, owner)
	// Output: 4 Sprocket 12 7
}

// List the items of a list that match a filter, with only some fields.
func ExampleList_ListItems() {
	acct, stop, err := o365test.DemoAccount(sandbox.DemoUser)
	if err != nil {
		log.Fatal(err)
	}
	defer stop()
	ctx := context.Background()

	site := sharepoint.New(acct).Site("contoso.sharepoint.com:/sites/team")
	q := o365.NewQuery().Filter(o365.Eq(sharepoint.Field("Color"), "Blue")).OrderBy(sharepoint.Field("Quantity"))
	// Color is not an indexed column: Graph wants to be told the query may fail on large lists.
	opts := &sharepoint.ItemOptions{Fields: []string{"Title", "Quantity"}, AllowNonIndexed: true}
	for item, err := range site.List("Inventory").ListItems(ctx, q, opts) {
		if err != nil {
			log.Fatal(err)
		}
		qty, _ := item.Fields.Number("Quantity")
		fmt.Println(item.Fields.Text("Title"), qty)
	}
	// Output: Gizmo 111
}

// Create a list with columns of several kinds.
func ExampleSite_CreateList() {
	acct, stop, err := o365test.DemoAccount(sandbox.DemoUser)
	if err != nil {
		log.Fatal(err)
	}
	defer stop()
	ctx := context.Background()

	site := sharepoint.New(acct).Site("contoso.sharepoint.com:/sites/team")
	pages := sharepoint.NewNumberColumn("Pages")
	pages.Indexed = true
	list, err := site.CreateList(ctx, "Books", &sharepoint.ListOptions{Columns: []*sharepoint.Column{
		sharepoint.NewTextColumn("Writer"), pages,
		sharepoint.NewChoiceColumn("Genre", "Novel", "Essay"),
		sharepoint.NewDateTimeColumn("Published"),
		sharepoint.NewBooleanColumn("Read"),
	}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(list.DisplayName, list.WebURL)
	// Output: Books https://contoso.sharepoint.com/sites/team/Lists/Books
}
