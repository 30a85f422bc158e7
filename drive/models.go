package drive

import (
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
)

// Info is Graph's drive: a OneDrive or a document library, with its owner
// and quota.
type Info struct {
	o365.Object
	ID          string `json:"id,omitzero" o365:"readonly"`
	Name        string `json:"name,omitzero" o365:"readonly"`
	Description string `json:"description,omitzero" o365:"readonly"`
	ETag        string `json:"eTag,omitzero" o365:"readonly"`
	// DriveType is "personal" (OneDrive personal), "business" (OneDrive for
	// Business) or "documentLibrary" (SharePoint, groups).
	DriveType            string            `json:"driveType,omitzero" o365:"readonly"`
	Owner                *o365.IdentitySet `json:"owner,omitzero" o365:"readonly"`
	Quota                *Quota            `json:"quota,omitzero" o365:"readonly"`
	WebURL               string            `json:"webUrl,omitzero" o365:"readonly"`
	CreatedDateTime      time.Time         `json:"createdDateTime,omitzero" o365:"readonly"`
	LastModifiedDateTime time.Time         `json:"lastModifiedDateTime,omitzero" o365:"readonly"`
	CreatedBy            *o365.IdentitySet `json:"createdBy,omitzero" o365:"readonly"`
	LastModifiedBy       *o365.IdentitySet `json:"lastModifiedBy,omitzero" o365:"readonly"`
	SharePointIDs        *SharePointIDs    `json:"sharePointIds,omitzero" o365:"readonly"`
}

// UnmarshalJSONFrom decodes the drive and keeps its JSON (see o365.Object).
func (i *Info) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain Info
	return o365.DecodeObject(d, (*plain)(i))
}

// MarshalJSON encodes the drive as the service sent it (see o365.Object).
func (i Info) MarshalJSON() ([]byte, error) {
	type plain Info
	return o365.MarshalObject((*plain)(&i))
}

// Quota is a drive's storage: bytes in all, used (the recycle bin
// included), in the recycle bin, remaining, and a state: "normal",
// "nearing" (above 90%), "critical" (above 98%) or "exceeded".
type Quota struct {
	Total     int64  `json:"total,omitzero"`
	Used      int64  `json:"used,omitzero"`
	Deleted   int64  `json:"deleted,omitzero"`
	Remaining int64  `json:"remaining,omitzero"`
	State     string `json:"state,omitzero"`
}

// ItemReference is Graph's itemReference: where an item is (its drive, its
// parent's id and path). It is the root package's, shared with sharepoint.
type ItemReference = o365.ItemReference

// SharePointIDs are the SharePoint identifiers of an item or a drive (the
// root package's).
type SharePointIDs = o365.SharePointIDs

// File is the file facet: its MIME type and hashes.
type File struct {
	MimeType           string  `json:"mimeType,omitzero"`
	Hashes             *Hashes `json:"hashes,omitzero"`
	ProcessingMetadata bool    `json:"processingMetadata,omitzero"`
}

// Hashes are the hashes the service computed of a file's content, base64
// (quickXorHash, OneDrive for Business and SharePoint) or hex (sha1Hash,
// sha256Hash, crc32Hash: OneDrive personal); absent ones are empty.
type Hashes struct {
	QuickXorHash string `json:"quickXorHash,omitzero"`
	SHA1Hash     string `json:"sha1Hash,omitzero"`
	SHA256Hash   string `json:"sha256Hash,omitzero"`
	CRC32Hash    string `json:"crc32Hash,omitzero"`
}

// Folder is the folder facet.
type Folder struct {
	ChildCount int         `json:"childCount,omitzero"`
	View       *FolderView `json:"view,omitzero"`
}

// FolderView is how a folder's owner views it.
type FolderView struct {
	SortBy    string `json:"sortBy,omitzero"`
	SortOrder string `json:"sortOrder,omitzero"`
	ViewType  string `json:"viewType,omitzero"`
}

// FileSystemInfo holds the times a client reports for the local file (the
// service keeps them apart from its own).
type FileSystemInfo struct {
	CreatedDateTime      time.Time `json:"createdDateTime,omitzero"`
	LastModifiedDateTime time.Time `json:"lastModifiedDateTime,omitzero"`
	LastAccessedDateTime time.Time `json:"lastAccessedDateTime,omitzero"`
}

// Image is the image facet: a picture's size in pixels.
type Image struct {
	Width  int `json:"width,omitzero"`
	Height int `json:"height,omitzero"`
}

// SpecialFolder names a well-known folder (see Special).
type SpecialFolder struct {
	Name string `json:"name,omitzero"`
}

// Root marks a drive's root folder.
type Root struct{}

// Deleted marks an item a delta round reports as deleted.
type Deleted struct {
	State string `json:"state,omitzero"`
}

// Package marks an item OneDrive treats as a unit ("oneNote").
type Package struct {
	Type string `json:"type,omitzero"`
}

// Shared says an item is shared: by whom, when and how widely ("anonymous",
// "organization", "users").
type Shared struct {
	Owner          *o365.IdentitySet `json:"owner,omitzero"`
	Scope          string            `json:"scope,omitzero"`
	SharedBy       *o365.IdentitySet `json:"sharedBy,omitzero"`
	SharedDateTime time.Time         `json:"sharedDateTime,omitzero"`
}

// RemoteItem is an item of another drive, as shared-with-me lists show it.
type RemoteItem struct {
	ID                   string            `json:"id,omitzero"`
	Name                 string            `json:"name,omitzero"`
	Size                 int64             `json:"size,omitzero"`
	WebURL               string            `json:"webUrl,omitzero"`
	WebDavURL            string            `json:"webDavUrl,omitzero"`
	CreatedDateTime      time.Time         `json:"createdDateTime,omitzero"`
	LastModifiedDateTime time.Time         `json:"lastModifiedDateTime,omitzero"`
	CreatedBy            *o365.IdentitySet `json:"createdBy,omitzero"`
	LastModifiedBy       *o365.IdentitySet `json:"lastModifiedBy,omitzero"`
	ParentReference      *ItemReference    `json:"parentReference,omitzero"`
	File                 *File             `json:"file,omitzero"`
	Folder               *Folder           `json:"folder,omitzero"`
	FileSystemInfo       *FileSystemInfo   `json:"fileSystemInfo,omitzero"`
	Image                *Image            `json:"image,omitzero"`
	Package              *Package          `json:"package,omitzero"`
	Shared               *Shared           `json:"shared,omitzero"`
	SharePointIDs        *SharePointIDs    `json:"sharepointIds,omitzero"`
	SpecialFolder        *SpecialFolder    `json:"specialFolder,omitzero"`
}
