package sharepoint

import (
	"context"
	"fmt"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
)

// A demo site: its server-relative path ("" for the tenant's root site),
// the site it belongs under (subsites), and the group it serves.
type demoSite struct {
	path, name, displayName, description, parent, group string
}

// demoSites are the demo tenant's sites, parents first.
var demoSites = []demoSite{
	{path: "", name: "Contoso", displayName: "Contoso", description: "The Contoso intranet"},
	{path: "/sites/team", name: "team", displayName: "Team Site", description: "Where the Contoso team works together"},
	{path: "/sites/team/projects", name: "projects", displayName: "Projects", description: "Project tracking", parent: "/sites/team"},
	{path: "/sites/engineering", name: "engineering", displayName: "Engineering", description: "The Engineering group's site", group: demo.EngineeringGroupID},
	{path: "/sites/marketing", name: "marketing", displayName: "Marketing", description: "Campaigns and brand"},
}

// demoIDs are the ids of a demo site: a top site gets its own collection,
// a subsite shares its parent's.
func demoIDs(ds demoSite) siteIDs {
	key := ds.path
	if key == "" {
		key = "/"
	}
	ids := siteIDs{collection: core.SeedID("sharepoint", "collection", key), web: core.SeedID("sharepoint", "web", key)}
	for _, q := range demoSites {
		if ds.parent != "" && q.path == ds.parent {
			ids.collection = demoIDs(q).collection
		}
	}
	return ids
}

// seed creates the demo sites, their user lists, site columns and content
// types, the team site's Inventory list with knobItems more items, and
// Alice's followed site.
func seed(ctx context.Context, tx *core.Tx, sd *core.SeedContext) error {
	host := tenantHost(sd.Domain)
	at := sd.Epoch.Add(-90 * 24 * time.Hour)
	var people []*core.User
	for _, p := range demo.People() {
		upn := p.UPN(sd.Domain)
		people = append(people, &core.User{ID: p.ID, UPN: upn, Mail: upn, DisplayName: p.DisplayName()})
	}
	ids := map[string]string{}
	for _, ds := range demoSites {
		id := siteID(host, demoIDs(ds))
		ids[ds.path] = id
		doc := newSite(host, sd.TenantID, demoIDs(ds), ds.path, ds.name, ds.displayName, ds.description, at)
		doc["_collectionRoot"] = id
		if ds.parent != "" {
			doc["_collectionRoot"] = ids[ds.parent]
			delete(doc, "root")
		}
		if ds.group != "" {
			doc["_group"] = ds.group
		}
		parent := ""
		if ds.parent != "" {
			parent = ids[ds.parent]
		}
		s := &core.Object{Collection: collSites, ID: id, Parent: parent, Data: doc, Created: at, Sort: core.SortKey(at)}
		if err := putSite(ctx, tx, s); err != nil {
			return err
		}
		if err := seedSiteSchema(ctx, tx, id, at); err != nil {
			return err
		}
		if ds.parent == "" {
			if err := ensureUserList(ctx, tx, s, at, people); err != nil {
				return err
			}
		}
		var budget []byte
		if ds.path == "/sites/team" {
			var err error
			if budget, err = budgetWorkbook(); err != nil {
				return err
			}
		}
		if err := seedLibraries(ctx, tx, s, ds.group, at, budget); err != nil {
			return err
		}
	}
	team, err := tx.Get(ctx, collSites, "", ids["/sites/team"])
	if err != nil {
		return err
	}
	if err := seedInventory(ctx, tx, team, at, sd.Size(knobItems)); err != nil {
		return err
	}
	return tx.Put(ctx, &core.Object{Collection: collFollows, Owner: demo.UserID, ID: team.ID, Data: map[string]any{}, Created: at})
}

// seedSiteSchema gives a site its own columns and content types.
func seedSiteSchema(ctx context.Context, tx *core.Tx, siteID string, at time.Time) error {
	for i, b := range genericColumns {
		if b.hidden {
			continue
		}
		doc := builtinDoc(b)
		if err := tx.Put(ctx, &core.Object{Collection: collColumns, Owner: siteID, ID: b.id, Data: doc, Created: at,
			Sort: fmt.Sprintf("%s-%04d", core.SortKey(at), i)}); err != nil {
			return err
		}
	}
	for i, ct := range siteContentTypes() {
		if err := tx.Put(ctx, &core.Object{Collection: collTypes, Owner: siteID, ID: core.Str(ct, "id"), Data: ct, Created: at,
			Sort: fmt.Sprintf("%s-%04d", core.SortKey(at), i)}); err != nil {
			return err
		}
	}
	return nil
}

// inventoryColumns are the demo Inventory list's own columns.
func inventoryColumns() []map[string]any {
	col := func(id, name, kind string, facet map[string]any, indexed bool) map[string]any {
		return map[string]any{"id": id, "name": name, "displayName": name, "description": "", "columnGroup": "Custom Columns",
			"enforceUniqueValues": false, "hidden": false, "indexed": indexed, "readOnly": false, "required": false,
			"_kind": kind, kind: facet}
	}
	return []map[string]any{
		col(core.SeedID("sharepoint", "column", "Color"), "Color", kindChoice,
			map[string]any{"allowTextEntry": false, "choices": []any{"Red", "Green", "Blue"}, "displayAs": "dropDownMenu"}, false),
		col(core.SeedID("sharepoint", "column", "Quantity"), "Quantity", kindNumber,
			map[string]any{"decimalPlaces": "none", "displayAs": "number", "maximum": 1e9, "minimum": float64(0)}, true),
		col(core.SeedID("sharepoint", "column", "InStock"), "InStock", kindBoolean, map[string]any{}, false),
		col(core.SeedID("sharepoint", "column", "Received"), "Received", kindDateTime,
			map[string]any{"displayAs": "default", "format": "dateTime"}, false),
		col(core.SeedID("sharepoint", "column", "Owner"), "Owner", kindPerson,
			map[string]any{"allowMultipleSelection": false, "chooseFromType": "peopleOnly", "displayAs": "account"}, false),
	}
}

// seedInventory creates the team site's Inventory list: three items, and
// extra generated ones.
func seedInventory(ctx context.Context, tx *core.Tx, team *core.Object, at time.Time, extra int) error {
	alice := caller{identity: map[string]any{"user": map[string]any{"displayName": "Alice Adams", "id": demo.UserID, "email": demo.User}},
		lookupID: fmt.Sprint(firstUserLookupID)}
	l, err := createListObjects(ctx, tx, team, core.SeedID("sharepoint", "list", "Inventory"), "Inventory",
		"Stock of the Contoso shop", templateGeneric, inventoryColumns(), alice, at)
	if err != nil {
		return err
	}
	colors := []string{"Red", "Green", "Blue"}
	names := []string{"Widget", "Gadget", "Gizmo"}
	n := 3 + extra
	batch := make([]*core.Object, 0, 1000)
	for i := 1; i <= n; i++ {
		title := names[(i-1)%3]
		if i > 3 {
			title = fmt.Sprintf("Part %d", i)
		}
		when := at.Add(time.Duration(i) * time.Minute)
		fields := map[string]any{
			"Title": title, "Color": colors[(i-1)%3], "Quantity": float64((i * 37) % 1000), "InStock": i%4 != 0,
			"Received": iso(at.Add(-time.Duration(i) * time.Hour)), "OwnerLookupId": fmt.Sprint(firstUserLookupID + (i-1)%4),
		}
		id := fmt.Sprint(i)
		doc := newItemDoc(team, l, id, core.SeedID("sharepoint", "item", l.ID, id), fields, "Item", alice, when)
		batch = append(batch, &core.Object{Collection: collItems, Owner: l.ID, ID: id, Data: doc, Created: when, Sort: itemSort(i)})
		if len(batch) == cap(batch) {
			if err := tx.PutAll(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if err := tx.PutAll(ctx, batch); err != nil {
		return err
	}
	l.Data["_nextItem"] = float64(n + 1)
	return tx.Put(ctx, l)
}
