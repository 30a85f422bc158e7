// Package sharepoint is the sandbox's SharePoint area: sites (the root
// site, sites by host and path, by id "host,siteGuid,webGuid", search,
// subsites, followed sites, group sites), site and list columns, content
// types, lists and list items with their fields.
//
// Storage: sites are "sites" objects (owner "", parent: the parent site
// for subsites); lists are "lists" objects (owner: the site); columns and
// content types are "columnDefinitions" and "contentTypes" objects (owner:
// the site, parent: the list, "" for the site's own); items are
// "listItems" objects (owner: the list, ids "1", "2" ...). Site users
// (SharePoint's integer lookup ids for people) and followed sites are
// internal collections. Keys starting with "_" are internal and never
// served.
//
// Field values are checked against their columns as SharePoint does:
// unknown and read-only fields, values of the wrong type, required values,
// text longer than maxLength, numbers outside minimum/maximum, choices
// outside the column's list (unless allowTextEntry), unknown people and
// lookup targets, and duplicates where enforceUniqueValues is set are 400
// invalidRequest. Filtering or ordering items on a column that is not
// indexed needs "Prefer: HonorNonIndexedQueriesWarningMayFailRandomly", as
// in Graph.
package sharepoint

import (
	"net/http"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
)

// Collections.
const (
	collSites     = "sites"             // owner ""; id host,siteGuid,webGuid; parent: the parent site
	collLists     = "lists"             // owner: the site id
	collColumns   = "columnDefinitions" // owner: the site id; parent: the list id ("" for site columns)
	collTypes     = "contentTypes"      // owner: the site id; parent: the list id ("" for site content types)
	collItems     = "listItems"         // owner: the list id; id: the item's number
	collSiteUsers = "sandbox.sharepoint.siteUsers"
	collFollows   = "sandbox.sharepoint.followedSites" // owner: the user id; id: the site id
)

// knobItems scales the demo Inventory list.
const knobItems = "sharepoint.inventoryItems"

// preferNonIndexed is the preference Graph needs to filter or order list
// items on columns that are not indexed.
const preferNonIndexed = "HonorNonIndexedQueriesWarningMayFailRandomly"

// Permissions: reading, writing items, and managing lists and columns
// (Sites.Manage.All for delegated callers, as Graph documents it).
var (
	readPerm = core.Route{
		Scopes: []string{"Sites.Read.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"},
		Roles:  []string{"Sites.Read.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"},
	}
	writePerm = core.Route{
		Scopes: []string{"Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"},
		Roles:  []string{"Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"},
	}
	managePerm = core.Route{
		Scopes: []string{"Sites.Manage.All", "Sites.FullControl.All"},
		Roles:  []string{"Sites.Manage.All", "Sites.ReadWrite.All", "Sites.FullControl.All"},
	}
	// followed sites are the signed-in user's own: delegated only.
	followRead  = core.Route{Scopes: readPerm.Scopes, SharedScopes: []string{}}
	followWrite = core.Route{Scopes: writePerm.Scopes, SharedScopes: []string{}}
)

// Area is the SharePoint area, to serve with core.Config.Areas.
func Area() core.Area {
	read, write, manage := readPerm.On, writePerm.On, managePerm.On
	const s = "sites/{site:}"
	const l = s + "/lists/{list}"
	const i = l + "/items/{item}"
	routes := []core.Route{
		read(http.MethodGet, "sites", listSites),
		read(http.MethodGet, s, getSite),
		read(http.MethodGet, "groups/{group}/sites/root", getGroupSite),
		read(http.MethodGet, s+"/sites", listSubsites),
		read(http.MethodGet, s+"/columns", listSiteColumns),
		manage(http.MethodPost, s+"/columns", createSiteColumn),
		read(http.MethodGet, s+"/columns/{column}", getSiteColumn),
		manage(http.MethodPatch, s+"/columns/{column}", patchSiteColumn),
		manage(http.MethodDelete, s+"/columns/{column}", deleteSiteColumn),
		read(http.MethodGet, s+"/contentTypes", listSiteContentTypes),
		read(http.MethodGet, s+"/contentTypes/{type}", getSiteContentType),
		read(http.MethodGet, s+"/lists", listLists),
		manage(http.MethodPost, s+"/lists", createList),
		read(http.MethodGet, l, getList),
		manage(http.MethodPatch, l, patchList),
		manage(http.MethodDelete, l, deleteList),
		read(http.MethodGet, l+"/columns", listListColumns),
		manage(http.MethodPost, l+"/columns", createListColumn),
		read(http.MethodGet, l+"/columns/{column}", getListColumn),
		manage(http.MethodPatch, l+"/columns/{column}", patchListColumn),
		manage(http.MethodDelete, l+"/columns/{column}", deleteListColumn),
		read(http.MethodGet, l+"/contentTypes", listListContentTypes),
		read(http.MethodGet, s+"/drives", listDrives),
		read(http.MethodGet, s+"/drive", forwardDrive),
		read(http.MethodGet, s+"/drives/{drive}", forwardDrive),
		read(http.MethodGet, l+"/drive", listDrive),
		read(http.MethodGet, l+"/contentTypes/{type}", getListContentType),
		read(http.MethodGet, l+"/items", listItems),
		write(http.MethodPost, l+"/items", createItem),
		read(http.MethodGet, i, getItem),
		write(http.MethodPatch, i, patchItem),
		write(http.MethodDelete, i, deleteItem),
		read(http.MethodGet, i+"/fields", getFields),
		write(http.MethodPatch, i+"/fields", patchFields),
		followRead.On(http.MethodGet, "{user}/followedSites", listFollowed),
		followWrite.On(http.MethodPost, "{user}/followedSites/add", followSites),
		followWrite.On(http.MethodPost, "{user}/followedSites/remove", unfollowSites),
	}
	// Everything below a site's drives, a library's drive and a library
	// item's file is the drive area's: forwarded there.
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		perm := writePerm
		if m == http.MethodGet {
			perm = readPerm
		}
		routes = append(routes,
			perm.On(m, s+"/drive/{rest...}", forwardDrive),
			perm.On(m, s+"/drives/{drive}/{rest...}", forwardDrive),
			perm.On(m, l+"/drive/{rest...}", listDrive),
			perm.On(m, i+"/driveItem/{rest...}", itemDriveItem),
		)
	}
	routes = append(routes, readPerm.On(http.MethodGet, i+"/driveItem", itemDriveItem))
	return core.Area{
		Name:   "sharepoint",
		Routes: routes,
		Knobs:  []core.Knob{{Name: knobItems, Doc: "generated items in the team site's Inventory list"}},
		Seed:   seed,
	}
}

// notFound answers Graph's 404s of this area.
func notFound(format string, args ...any) *core.Error {
	return core.Errorf(http.StatusNotFound, "itemNotFound", format, args...)
}

// invalid is Graph's 400 invalidRequest.
func invalid(format string, args ...any) *core.Error {
	return core.Errorf(http.StatusBadRequest, "invalidRequest", format, args...)
}

// iso formats an instant as SharePoint does (whole seconds, UTC).
func iso(t time.Time) string { return core.ISOTime(t) }
