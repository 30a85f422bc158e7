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
