package pyo365_test

import (
	"testing"
)

// siteKeys, listKeys, columnKeys and listItemKeys are the keys
// sharepoint.py's Site, SharepointList, SharepointListColumn and
// SharepointListItem read.
var (
	siteKeys     = []string{"id", "name", "displayName", "description", "webUrl", "createdDateTime", "lastModifiedDateTime"}
	listKeys     = []string{"id", "name", "displayName", "description", "webUrl", "createdDateTime", "lastModifiedDateTime", "createdBy", "lastModifiedBy", "list"}
	columnKeys   = []string{"columnGroup", "description", "displayName", "enforceUniqueValues", "hidden", "indexed", "name", "readOnly", "required"}
	listItemKeys = []string{"id", "createdDateTime", "lastModifiedDateTime", "createdBy", "lastModifiedBy", "webUrl", "contentType", "fields"}
)

// Replays sharepoint.py: Sharepoint.get_root_site() (GET sites/root on the
// blank resource), get_site(host, path) (sites/{host}:{path}:),
// Site.get_lists, the GET .../columns every SharepointList constructor
// makes, get_list_by_name (the display name in place of the id),
// SharepointList.get_items(expand_fields=...) (sent as "expand", without
// '$', with $top 999), get_item_by_id, create_list_item ({"fields": ...}),
// SharepointListItem.save_updates (PATCH .../fields) and
// delete_list_item.
func TestSharepointSitesListsItems(t *testing.T) {
	c := alice(t, nil)
	root := c.do("GET", graph("sites/root"), nil).WantStatus(t, 200).JSON
	wantKeys(t, "root site", root, append(siteKeys, "root")...)

	site := c.do("GET", graph("sites/contoso.sharepoint.com:/sites/team:"), nil).WantStatus(t, 200).JSON
	wantKeys(t, "team site", site, siteKeys...)
	s := "sites/" + str(site, "id")

	var inventory map[string]any
	for _, l := range valuesOf(t, c.do("GET", graph(s+"/lists"), nil).WantStatus(t, 200)) {
		wantKeys(t, "list", l, listKeys...)
		if l["displayName"] == "Inventory" {
			inventory = l
		}
	}
	if inventory == nil {
		t.Fatal("no Inventory list")
	}
	l := s + "/lists/" + str(inventory, "id")
	cols := valuesOf(t, c.do("GET", graph(l+"/columns"), nil).WantStatus(t, 200))
	for _, col := range cols {
		wantKeys(t, "column", col, columnKeys...)
	}
	byName := c.do("GET", graph(s+"/lists/Inventory"), nil).WantStatus(t, 200).JSON
	if byName["id"] != inventory["id"] {
		t.Fatalf("get_list_by_name: %v", byName["id"])
	}

	items := valuesOf(t, c.do("GET", graph(l+"/items", "$top", "999", "expand", "fields"), nil).WantStatus(t, 200))
	if len(items) < 3 {
		t.Fatalf("%d items", len(items))
	}
	for _, it := range items {
		wantKeys(t, "item", it, listItemKeys...)
		if str(obj(it, "fields"), "Title") == "" {
			t.Fatalf("expand=fields without fields: %v", it)
		}
	}
	sel := valuesOf(t, c.do("GET", graph(l+"/items", "$top", "999", "expand", "fields(select=Title,Color)"), nil).WantStatus(t, 200))
	if f := obj(sel[0], "fields"); f["Title"] == nil || f["Color"] == nil || f["Quantity"] != nil {
		t.Fatalf("expand=fields(select=Title,Color): %v", f)
	}

	created := c.do("POST", graph(l+"/items"), `{"fields": {"Title": "Sprocket", "Color": "Red", "Quantity": 5}}`).WantStatus(t, 201).JSON
	wantKeys(t, "new item", created, listItemKeys...)
	id := str(created, "id")
	c.do("PATCH", graph(l+"/items/"+id+"/fields"), `{"Quantity": 6}`).WantStatus(t, 200)
	got := c.do("GET", graph(l+"/items/"+id, "expand", "fields"), nil).WantStatus(t, 200).JSON
	if f := obj(got, "fields"); f["Title"] != "Sprocket" || f["Quantity"] != float64(6) {
		t.Fatalf("after save_updates: %v", f)
	}
	c.do("DELETE", graph(l+"/items/"+id), nil).WantStatus(t, 204)
	c.do("GET", graph(l+"/items/"+id), nil).WantError(t, 404, "itemNotFound")
}

// Replays sharepoint.py Site.get_default_document_library(request_drive=
// True) and the Drive's get_items: the site's Storage has main_resource
// '/sites/{id}', so python-o365 builds "v1.0//sites/{id}/drive" with a
// doubled slash, which Graph serves.
func TestSharepointDocumentLibraryDoubleSlash(t *testing.T) {
	c := alice(t, nil)
	site := c.do("GET", graph("sites/contoso.sharepoint.com:/sites/team:"), nil).WantStatus(t, 200).JSON
	s := "/sites/" + str(site, "id")
	drive := c.do("GET", graph(s+"/drive"), nil).WantStatus(t, 200).JSON
	wantKeys(t, "library", drive, "id", "name", "driveType", "webUrl")
	if drive["driveType"] != "documentLibrary" {
		t.Fatalf("driveType %v", drive["driveType"])
	}
	d := s + "/drives/" + str(drive, "id")
	c.do("GET", graph(d+"/root/children", "$top", "999"), nil).WantStatus(t, 200)
	root := c.do("GET", graph(d+"/root"), nil).WantStatus(t, 200).JSON
	up := c.do("PUT", graph(d+"/items/"+str(root, "id")+":/plan.txt:/content"), "plan", "Content-Type", "application/octet-stream").WantStatus(t, 201).JSON
	if str(obj(up, "parentReference"), "driveId") != str(drive, "id") {
		t.Fatalf("uploaded into %v", up["parentReference"])
	}
}
