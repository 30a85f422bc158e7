package sharepoint

// SiteCollection is Graph's siteCollection: the host of a site's
// collection and, for the tenant's root collection, Root.
type SiteCollection struct {
	Hostname         string `json:"hostname,omitzero"`
	DataLocationCode string `json:"dataLocationCode,omitzero"`
	// Root is set on the tenant's root site collection.
	Root *Root `json:"root,omitzero"`
}

// Root is Graph's root facet: present (non-nil) on the root of a hierarchy,
// such as the root site of a site collection.
type Root struct{}

// SharepointIDs are SharePoint's own ids of a site, list or item (Graph's
// sharepointIds), returned when selected.
type SharepointIDs struct {
	ListID           string `json:"listId,omitzero"`
	ListItemID       string `json:"listItemId,omitzero"`
	ListItemUniqueID string `json:"listItemUniqueId,omitzero"`
	SiteID           string `json:"siteId,omitzero"`
	SiteURL          string `json:"siteUrl,omitzero"`
	TenantID         string `json:"tenantId,omitzero"`
	WebID            string `json:"webId,omitzero"`
}

// ItemReference is Graph's itemReference: where a list, item or drive item
// lives.
type ItemReference struct {
	DriveID       string         `json:"driveId,omitzero"`
	DriveType     string         `json:"driveType,omitzero"`
	ID            string         `json:"id,omitzero"`
	Name          string         `json:"name,omitzero"`
	Path          string         `json:"path,omitzero"`
	ShareID       string         `json:"shareId,omitzero"`
	SharepointIDs *SharepointIDs `json:"sharepointIds,omitzero"`
	SiteID        string         `json:"siteId,omitzero"`
}

// ListInfo is Graph's listInfo: the template a list was made from and
// whether it is hidden.
type ListInfo struct {
	// Template is genericList, documentLibrary, tasks, events ...
	Template            string `json:"template,omitzero"`
	Hidden              bool   `json:"hidden,omitzero"`
	ContentTypesEnabled bool   `json:"contentTypesEnabled,omitzero"`
}

// ContentTypeInfo names a content type: an item's contentType.
type ContentTypeInfo struct {
	ID   string `json:"id,omitzero"`
	Name string `json:"name,omitzero"`
}

// SystemFacet is Graph's systemFacet: present (non-nil) on lists SharePoint
// manages itself, such as the User Information List.
type SystemFacet struct{}

// Deleted is Graph's deleted facet of an item removed from a list.
type Deleted struct {
	State string `json:"state,omitzero"`
}
