package core

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"
)

// Drives: a user's OneDrive, a Microsoft 365 group's document library and
// a SharePoint site's document libraries are one kind of thing, a drive of
// driveItems, kept here so that every area reaches the same store: the
// drive area serves the Graph routes, the SharePoint area creates a site's
// libraries (CreateDrive) and forwards its routes to the drive area
// (Call.Forward), the Excel area reads and writes an item's content
// (OpenDriveContent, WriteDriveContent) under the same access rules
// (DriveAccess).
//
// Storage: a drive is a DrivesCollection document (owner "", parent its
// owner, "user:ID" ...) in Graph's shape, quota included. Its items are
// DriveItemsCollection documents owned by the drive id, parented by their
// folder ("" for the root), sorted by their lower-cased name (which makes a
// lookup by name an index seek). A file's bytes are a blob per version
// (DriveVersionsCollection, parent: the item); deleted items wait in a
// recycle bin. Internal keys: _uid (the GUID in eTag and cTag), _ev and _cv
// (their counters), _blob and _version (the current content), _qx (its
// quickXorHash).

// Drive collections.
const (
	// DrivesCollection holds the drives (owner "", parent: DriveOwner.Key).
	DrivesCollection = "drives"
	// DriveItemsCollection holds the items of every drive (owner: the drive
	// id, parent: the folder, "" for the root).
	DriveItemsCollection = "driveItems"
	// DriveVersionsCollection holds a file's versions, the current one
	// included (owner: the drive id, parent: the item, id "1.0", "2.0" ...).
	DriveVersionsCollection = "driveItemVersions"
	// DrivePermissionsCollection holds the sharing permissions set on an
	// item (owner: the drive id, parent: the item), in Graph's permission
	// shape plus two internal keys DriveAccess reads: _users and _groups,
	// the ids the permission grants its roles to.
	DrivePermissionsCollection = "drivePermissions"
	// driveRecycleCollection holds deleted items until they are restored or
	// purged (owner: the drive id, parent: the folder they were in).
	driveRecycleCollection = "sandbox.driveRecycleBin"
)

// Kinds of drive owners.
const (
	DriveOwnerUser  = "user"
	DriveOwnerGroup = "group"
	DriveOwnerSite  = "site"
)

// Conflict behaviours of a write whose name is taken
// (@microsoft.graph.conflictBehavior).
const (
	ConflictFail    = "fail"
	ConflictReplace = "replace"
	ConflictRename  = "rename"
)

const (
	// DefaultDriveQuota is a new drive's quota: 1 TiB, OneDrive for
	// Business's default.
	DefaultDriveQuota int64 = 1 << 40
	// MaxDriveVersions is how many versions of a file are kept, as
	// SharePoint's default version limit.
	MaxDriveVersions = 500
	// maxDriveDepth bounds walks up a folder chain (a loop is a bug).
	maxDriveDepth = 1000
)

// DriveOwner is who a drive belongs to.
type DriveOwner struct {
	Kind string // DriveOwnerUser, DriveOwnerGroup or DriveOwnerSite
	ID   string // the user, group or site id
}

// Key is the owner as drives are parented by it: "user:ID".
func (o DriveOwner) Key() string { return o.Kind + ":" + o.ID }

// Drive is a loaded drive.
type Drive struct {
	ID     string
	Name   string
	Type   string // "business" or "documentLibrary"
	Owner  DriveOwner
	RootID string
	// Object is the stored drive document: Graph's drive JSON (quota
	// included) and internal keys.
	Object *Object
}

func driveFrom(o *Object) *Drive {
	return &Drive{
		ID: o.ID, Name: Str(o.Data, "name"), Type: Str(o.Data, "driveType"),
		Owner:  DriveOwner{Kind: Str(o.Data, "_ownerKind"), ID: Str(o.Data, "_ownerId")},
		RootID: Str(o.Data, "_root"), Object: o,
	}
}

// DriveSpec describes a drive to create.
type DriveSpec struct {
	// ID is the drive's id; "" picks a new one (DriveIDFor makes
	// deterministic ones for seeded drives).
	ID    string
	Owner DriveOwner
	// Name is shown as the drive's name ("OneDrive", "Documents").
	Name string
	// DriveType is "business" (a user's OneDrive) or "documentLibrary".
	DriveType   string
	Description string
	// OwnerIdentity is the drive's owner as Graph shows it, an identitySet
	// such as {"group":{"id","displayName"}}.
	OwnerIdentity map[string]any
	// Access grants roles on the whole drive ("read", "write", "owner") to
	// principals: a user id, "group:ID" (the group's members get the role,
	// its owners "owner") or "everyone" (every user of the tenant).
	Access map[string]string
	// Quota is the drive's size in bytes; 0 is DefaultDriveQuota.
	Quota int64
	// WebPath is the drive's webUrl below the sandbox's URL, e.g.
	// "/sites/marketing/Shared Documents"; items' webUrls extend it.
	WebPath string
	// Created is the creation time; zero is now.
	Created time.Time
}

// DriveIDFor is a deterministic drive id for a seed string, in the shape of
// OneDrive for Business ids ("b!" and 43 URL-safe characters).
func DriveIDFor(seed string) string {
	sum := sha256.Sum256([]byte("sandbox-drive\x00" + seed))
	return "b!" + base64.RawURLEncoding.EncodeToString(sum[:])
}

// DriveItemIDFor is a deterministic item id for a seed string, in the shape
// of OneDrive for Business ids ("01" and 32 base32 characters).
func DriveItemIDFor(seed string) string {
	sum := sha256.Sum256([]byte("sandbox-driveitem\x00" + seed))
	return "01" + base32.StdEncoding.EncodeToString(sum[:20])[:32]
}

// NewDriveItemID is a new, random item id.
func NewDriveItemID() string {
	var b [20]byte
	rand.Read(b[:])
	return "01" + base32.StdEncoding.EncodeToString(b[:])[:32]
}

func newDriveID() string {
	var b [32]byte
	rand.Read(b[:])
	return "b!" + base64.RawURLEncoding.EncodeToString(b[:])
}

// NewDriveBlob names a new blob for content of drive driveID.
func NewDriveBlob(driveID string) string { return "drive:" + driveID + ":" + uuid.NewString() }

// Errors in the words and codes of OneDrive and SharePoint.

// DriveItemNotFound is 404 itemNotFound.
func DriveItemNotFound() *Error {
	return Errorf(http.StatusNotFound, "itemNotFound", "The resource could not be found.")
}

// DriveAccessDenied is 403 accessDenied.
func DriveAccessDenied() *Error {
	return Errorf(http.StatusForbidden, "accessDenied", "The caller does not have permission to perform the action.")
}

// DriveInvalid is 400 invalidRequest with a message.
func DriveInvalid(format string, args ...any) *Error {
	return Errorf(http.StatusBadRequest, "invalidRequest", format, args...)
}

// DriveNameExists is 409 nameAlreadyExists.
func DriveNameExists(name string) *Error {
	return Errorf(http.StatusConflict, "nameAlreadyExists", "The specified item name already exists. Name: %s", name)
}

// DriveQuotaExceeded is 507 quotaLimitReached.
func DriveQuotaExceeded() *Error {
	return Errorf(http.StatusInsufficientStorage, "quotaLimitReached", "Insufficient Space Available")
}

// CreateDrive creates a drive and its root folder.
func CreateDrive(ctx context.Context, tx *Tx, spec DriveSpec) (*Drive, error) {
	if spec.Owner.Kind == "" || spec.Owner.ID == "" || spec.Name == "" {
		return nil, errors.New("sandbox: a drive needs an owner and a name")
	}
	id := spec.ID
	if id == "" {
		id = newDriveID()
	}
	created := spec.Created
	if created.IsZero() {
		created = tx.st.now()
	}
	total := spec.Quota
	if total <= 0 {
		total = DefaultDriveQuota
	}
	access := map[string]any{}
	for k, v := range spec.Access {
		access[k] = v
	}
	rootID := DriveItemIDFor(id + "\x00root")
	driveType := spec.DriveType
	if driveType == "" {
		driveType = "documentLibrary"
	}
	doc := map[string]any{
		"name": spec.Name, "driveType": driveType, "description": spec.Description,
		"createdDateTime": ISOTime(created), "lastModifiedDateTime": ISOTime(created),
		"owner": spec.OwnerIdentity, "quota": driveQuota(total, 0, 0),
		"_root": rootID, "_ownerKind": spec.Owner.Kind, "_ownerId": spec.Owner.ID,
		"_access": access, "_web": spec.WebPath,
	}
	obj := &Object{Collection: DrivesCollection, ID: id, Parent: spec.Owner.Key(), Data: doc, Created: created}
	if err := tx.Put(ctx, obj); err != nil {
		return nil, err
	}
	root := map[string]any{
		"name": "root", "root": map[string]any{}, "folder": map[string]any{"childCount": 0}, "size": 0,
		"createdDateTime": ISOTime(created), "lastModifiedDateTime": ISOTime(created),
		"fileSystemInfo": map[string]any{"createdDateTime": ISOTime(created), "lastModifiedDateTime": ISOTime(created)},
		"_uid":           driveUID(rootID),
	}
	if spec.OwnerIdentity != nil {
		root["createdBy"] = spec.OwnerIdentity
	}
	bumpETag(root)
	if err := putDriveItem(ctx, tx, &Object{Collection: DriveItemsCollection, Owner: id, ID: rootID, Data: root, Created: created}); err != nil {
		return nil, err
	}
	return driveFrom(obj), nil
}

// PresentDrive is a drive as Graph sends it: its document without the
// internal keys, with its webUrl on the sandbox's URL.
func (c *Call) PresentDrive(d *Drive) map[string]any {
	out := PublicDoc(d.Object.Data)
	out["webUrl"] = c.BaseURL() + (&url.URL{Path: Str(d.Object.Data, "_web")}).EscapedPath()
	return out
}

// driveQuota is Graph's quota facet.
func driveQuota(total, used, deleted int64) map[string]any {
	state := "normal"
	switch {
	case used >= total:
		state = "exceeded"
	case used*100 >= total*98:
		state = "critical"
	case used*100 >= total*90:
		state = "nearing"
	}
	return map[string]any{"total": total, "used": used, "remaining": max(total-used, 0), "deleted": deleted, "state": state}
}

// quota reads a drive's total, used and deleted bytes.
func (d *Drive) quota() (total, used, deleted int64) {
	q, _ := d.Object.Data["quota"].(map[string]any)
	return num(q["total"]), num(q["used"]), num(q["deleted"])
}

// num reads a stored JSON number.
func num(v any) int64 {
	switch n := v.(type) {
	case float64:
		return int64(n)
	case int64:
		return n
	case int:
		return int64(n)
	}
	return 0
}

// adjustQuota moves a drive's used and deleted bytes.
func (d *Drive) adjustQuota(ctx context.Context, tx *Tx, used, deleted int64) error {
	if used == 0 && deleted == 0 {
		return nil
	}
	total, u, del := d.quota()
	d.Object.Data["quota"] = driveQuota(total, max(u+used, 0), max(del+deleted, 0))
	d.Object.Data["lastModifiedDateTime"] = ISOTime(tx.st.now())
	return tx.Put(ctx, d.Object)
}

// CheckQuota answers 507 quotaLimitReached when size more bytes do not fit
// in the drive.
func (d *Drive) CheckQuota(size int64) error {
	total, used, _ := d.quota()
	if used+size > total {
		return DriveQuotaExceeded()
	}
	return nil
}

// SetDriveQuota sets a drive's size in bytes.
func SetDriveQuota(ctx context.Context, tx *Tx, driveID string, total int64) error {
	d, err := GetDrive(ctx, tx, driveID)
	if err != nil {
		return err
	}
	_, used, deleted := d.quota()
	d.Object.Data["quota"] = driveQuota(total, used, deleted)
	return tx.Put(ctx, d.Object)
}

// GetDrive loads a drive; the error wraps ErrNotFound.
func GetDrive(ctx context.Context, tx *Tx, id string) (*Drive, error) {
	o, err := tx.Get(ctx, DrivesCollection, "", id)
	if err != nil {
		return nil, err
	}
	return driveFrom(o), nil
}

// DrivesOf lists the drives of an owner, oldest first.
func DrivesOf(ctx context.Context, tx *Tx, owner DriveOwner) ([]*Drive, error) {
	objs, err := tx.List(ctx, Scope{Collection: DrivesCollection, Parent: owner.Key(), ByParent: true}, false, 0, 0)
	if err != nil {
		return nil, err
	}
	out := make([]*Drive, len(objs))
	for i, o := range objs {
		out[i] = driveFrom(o)
	}
	return out, nil
}

// FindUserDrive loads a user's OneDrive; the error wraps ErrNotFound when it
// has not been created yet (see EnsureUserDrive).
func FindUserDrive(ctx context.Context, tx *Tx, userID string) (*Drive, error) {
	return GetDrive(ctx, tx, DriveIDFor("user:"+userID))
}

// EnsureUserDrive returns a user's OneDrive, creating it on first use as
// OneDrive provisions itself.
func EnsureUserDrive(ctx context.Context, tx *Tx, userID string) (*Drive, error) {
	d, err := FindUserDrive(ctx, tx, userID)
	if !IsNotFound(err) {
		return d, err
	}
	u, err := LookupUser(ctx, tx, userID)
	if err != nil {
		return nil, err
	}
	local, _, _ := strings.Cut(u.UPN, "@")
	site := strings.NewReplacer(".", "_", "@", "_").Replace(u.UPN)
	if local == "" {
		site = u.ID
	}
	return CreateDrive(ctx, tx, DriveSpec{
		ID: DriveIDFor("user:" + u.ID), Owner: DriveOwner{Kind: DriveOwnerUser, ID: u.ID}, Name: "OneDrive",
		DriveType:     "business",
		OwnerIdentity: map[string]any{"user": map[string]any{"id": u.ID, "displayName": u.DisplayName}},
		Access:        map[string]string{u.ID: "owner"},
		WebPath:       "/personal/" + site + "/Documents",
	})
}

// FindGroupDrive loads a Microsoft 365 group's document library; the error
// wraps ErrNotFound when it has not been created yet (see EnsureGroupDrive).
func FindGroupDrive(ctx context.Context, tx *Tx, groupID string) (*Drive, error) {
	return GetDrive(ctx, tx, DriveIDFor("group:"+groupID))
}

// EnsureGroupDrive returns a Microsoft 365 group's document library,
// creating it on first use; a security group, which has none, or an unknown
// group wraps ErrNotFound.
func EnsureGroupDrive(ctx context.Context, tx *Tx, groupID string) (*Drive, error) {
	d, err := FindGroupDrive(ctx, tx, groupID)
	if !IsNotFound(err) {
		return d, err
	}
	g, err := tx.Get(ctx, GroupsCollection, "", groupID)
	if err != nil {
		return nil, err
	}
	unified := false
	types, _ := g.Data["groupTypes"].([]any)
	for _, t := range types {
		if s, _ := t.(string); strings.EqualFold(s, "Unified") {
			unified = true
		}
	}
	if !unified {
		return nil, fmt.Errorf("group %q has no drive (not a Microsoft 365 group): %w", groupID, ErrNotFound)
	}
	nick := Str(g.Data, "mailNickname")
	if nick == "" {
		nick = groupID
	}
	return CreateDrive(ctx, tx, DriveSpec{
		ID: DriveIDFor("group:" + groupID), Owner: DriveOwner{Kind: DriveOwnerGroup, ID: groupID}, Name: "Documents",
		DriveType:     "documentLibrary",
		OwnerIdentity: map[string]any{"group": map[string]any{"id": groupID, "displayName": Str(g.Data, "displayName")}},
		Access:        map[string]string{"group:" + groupID: "write"},
		WebPath:       "/sites/" + nick + "/Shared Documents",
	})
}

// DriveChange says who makes a change and when.
type DriveChange struct {
	By  map[string]any // an identitySet (ActorIdentity)
	Now time.Time
	// ID, when set, is the id of the item the change creates (seeders
	// pass DriveItemIDFor(...) so the demo tenant is the same every run);
	// "" picks a new one.
	ID string
}

// newID is the id of the item the change creates.
func (ch DriveChange) newID() string {
	if ch.ID != "" {
		return ch.ID
	}
	return NewDriveItemID()
}

// driveUID is the GUID in an item's eTag and cTag, derived from its id.
func driveUID(id string) string {
	return strings.ToUpper(uuid.NewSHA1(uuid.NameSpaceURL, []byte("sandbox-driveitem:"+id)).String())
}

// DriveContent is a file's bytes as stored: the blob, its size and its
// quickXorHash (base64), plus facets the writer computed (e.g. "image").
type DriveContent struct {
	Blob         string
	Size         int64
	QuickXorHash string
	Facets       map[string]any
}

// WriteDriveBlob writes r as a new blob of drive driveID (1 MiB at a time)
// and hashes it as it goes.
func WriteDriveBlob(ctx context.Context, tx *Tx, driveID string, r io.Reader) (DriveContent, error) {
	blob := NewDriveBlob(driveID)
	h := NewQuickXorHash()
	size, err := tx.WriteBlob(ctx, blob, 0, io.TeeReader(r, h))
	if err != nil {
		return DriveContent{}, err
	}
	return DriveContent{Blob: blob, Size: size, QuickXorHash: base64.StdEncoding.EncodeToString(h.Sum(nil))}, nil
}

// DriveItem loads an item of a drive; the error wraps ErrNotFound.
func DriveItem(ctx context.Context, tx *Tx, driveID, id string) (*Object, error) {
	return tx.Get(ctx, DriveItemsCollection, driveID, id)
}

// DriveChild finds the item named name (case-insensitive, as OneDrive) in
// folder parentID; the error wraps ErrNotFound.
func DriveChild(ctx context.Context, tx *Tx, driveID, parentID, name string) (*Object, error) {
	var id string
	err := tx.queryRow(ctx, `SELECT id FROM objects WHERE collection = ? AND owner = ? AND parent = ? AND sort = ?`,
		DriveItemsCollection, driveID, parentID, driveSortKey(name)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s %q in %q: %w", DriveItemsCollection, name, parentID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sandbox: find %q: %w", name, err)
	}
	return DriveItem(ctx, tx, driveID, id)
}

// driveSortKey orders a folder's children by name and finds them by name:
// both case-insensitively.
func driveSortKey(name string) string { return strings.ToLower(name) }

// DriveItemByPath resolves a path ("a/b/c.txt", slashes at either end
// ignored) below folder from; the error wraps ErrNotFound.
func DriveItemByPath(ctx context.Context, tx *Tx, driveID string, from *Object, p string) (*Object, error) {
	cur := from
	for _, name := range strings.Split(p, "/") {
		if name == "" {
			continue
		}
		if !IsDriveFolder(cur) {
			return nil, fmt.Errorf("%q is not a folder: %w", Str(cur.Data, "name"), ErrNotFound)
		}
		next, err := DriveChild(ctx, tx, driveID, cur.ID, name)
		if err != nil {
			return nil, err
		}
		cur = next
	}
	return cur, nil
}

// IsDriveFolder reports whether an item is a folder (the root included).
func IsDriveFolder(item *Object) bool {
	_, ok := item.Data["folder"].(map[string]any)
	return ok
}

// DriveAncestors returns the folders above an item, its parent first and
// the root last (none for the root).
func DriveAncestors(ctx context.Context, tx *Tx, item *Object) ([]*Object, error) {
	var out []*Object
	cur := item
	for cur.Parent != "" {
		if len(out) > maxDriveDepth {
			return nil, fmt.Errorf("sandbox: folder chain of %q is too deep", item.ID)
		}
		p, err := DriveItem(ctx, tx, item.Owner, cur.Parent)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
		cur = p
	}
	return out, nil
}

// DriveItemPath is an item's path from the root, "/a/b" ("" for the root).
func DriveItemPath(ctx context.Context, tx *Tx, item *Object) (string, error) {
	anc, err := DriveAncestors(ctx, tx, item)
	if err != nil {
		return "", err
	}
	if item.Parent == "" {
		return "", nil
	}
	var b strings.Builder
	for i := len(anc) - 2; i >= 0; i-- { // the root has no name in paths
		b.WriteString("/" + Str(anc[i].Data, "name"))
	}
	b.WriteString("/" + Str(item.Data, "name"))
	return b.String(), nil
}

// reservedDriveNames are refused as file or folder names, as SharePoint
// refuses them.
var reservedDriveNames = map[string]bool{
	".lock": true, "con": true, "prn": true, "aux": true, "nul": true, "desktop.ini": true,
	"com0": true, "com1": true, "com2": true, "com3": true, "com4": true, "com5": true, "com6": true, "com7": true, "com8": true, "com9": true,
	"lpt0": true, "lpt1": true, "lpt2": true, "lpt3": true, "lpt4": true, "lpt5": true, "lpt6": true, "lpt7": true, "lpt8": true, "lpt9": true,
}

// CheckDriveName refuses a name OneDrive for Business would refuse: empty
// or longer than 255 characters; holding " * : < > ? / \ | or a control
// character; starting or ending with a space, ending with a period;
// reserved (CON, PRN, AUX, NUL, COM0-9, LPT0-9, .lock, desktop.ini),
// starting with ~$ or containing _vti_.
func CheckDriveName(name string) error {
	switch {
	case name == "":
		return DriveInvalid("The item needs a name.")
	case len([]rune(name)) > 255:
		return DriveInvalid("The name is longer than 255 characters.")
	case strings.ContainsAny(name, "\"*:<>?/\\|"):
		return DriveInvalid("The name '%s' contains a character OneDrive does not allow: \" * : < > ? / \\ |", name)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return DriveInvalid("The name contains a control character.")
	case strings.TrimSpace(name) != name:
		return DriveInvalid("The name '%s' starts or ends with a space.", name)
	case strings.HasSuffix(name, "."):
		return DriveInvalid("The name '%s' ends with a period.", name)
	case reservedDriveNames[strings.ToLower(name)], strings.HasPrefix(name, "~$"), strings.Contains(strings.ToLower(name), "_vti_"):
		return DriveInvalid("The name '%s' is reserved and cannot be used.", name)
	}
	return nil
}

// bumpETag gives an item a new eTag ("{GUID},N", quotes included).
func bumpETag(doc map[string]any) {
	n := num(doc["_ev"]) + 1
	doc["_ev"] = n
	doc["eTag"] = fmt.Sprintf("\"{%s},%d\"", Str(doc, "_uid"), n)
}

// SaveDriveItemMeta stores a change to an item's metadata (description,
// fileSystemInfo ...): a new eTag, the same cTag.
func SaveDriveItemMeta(ctx context.Context, tx *Tx, item *Object) error {
	bumpETag(item.Data)
	return putDriveItem(ctx, tx, item)
}

// bumpCTag gives a file a new cTag ("c:{GUID},N"): its content changed.
func bumpCTag(doc map[string]any) {
	n := num(doc["_cv"]) + 1
	doc["_cv"] = n
	doc["cTag"] = fmt.Sprintf("\"c:{%s},%d\"", Str(doc, "_uid"), n)
}

// DriveMIMEType guesses a file's type from its name, as OneDrive does.
func DriveMIMEType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := driveMIMETypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		t, _, _ = strings.Cut(t, ";")
		return t
	}
	return "application/octet-stream"
}

// driveMIMETypes are the types OneDrive reports for common files, whatever
// the host's MIME table says.
var driveMIMETypes = map[string]string{
	".txt": "text/plain", ".csv": "text/csv", ".md": "text/markdown", ".html": "text/html", ".htm": "text/html",
	".json": "application/json", ".xml": "application/xml", ".pdf": "application/pdf", ".zip": "application/zip",
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".bmp": "image/bmp",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".doc":  "application/msword", ".xls": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint",
	".mp4": "video/mp4", ".mp3": "audio/mpeg",
}

// ResolveDriveName applies a conflict behaviour to name in folder parent of
// drive driveID: it returns the name to use and, for "replace", the item
// to replace; a taken name with fail (or "") is 409 nameAlreadyExists.
// skip is an item that may keep its own name (a rename of itself).
func ResolveDriveName(ctx context.Context, tx *Tx, driveID, parent, name, conflict, skip string) (string, *Object, error) {
	existing, err := DriveChild(ctx, tx, driveID, parent, name)
	if IsNotFound(err) || (err == nil && existing.ID == skip) {
		return name, nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	switch conflict {
	case ConflictReplace:
		return name, existing, nil
	case ConflictRename:
		ext := path.Ext(name)
		base := strings.TrimSuffix(name, ext)
		if base == "" {
			base, ext = name, ""
		}
		for i := 1; i < 10000; i++ {
			cand := base + " " + strconv.Itoa(i) + ext
			if _, err := DriveChild(ctx, tx, driveID, parent, cand); IsNotFound(err) {
				return cand, nil, nil
			} else if err != nil {
				return "", nil, err
			}
		}
		return "", nil, DriveNameExists(name)
	case ConflictFail, "":
		return "", nil, DriveNameExists(name)
	}
	return "", nil, DriveInvalid("Unknown conflict behavior '%s'; use fail, replace or rename.", conflict)
}

// checkParentFolder refuses writing into an item that is not a folder.
func checkParentFolder(parent *Object) error {
	if !IsDriveFolder(parent) {
		return DriveInvalid("The parent item '%s' is not a folder.", Str(parent.Data, "name"))
	}
	return nil
}

// newDriveItemDoc is a new item's document.
func newDriveItemDoc(id, name string, ch DriveChange) map[string]any {
	at := ISOTime(ch.Now)
	doc := map[string]any{
		"name": name, "createdDateTime": at, "lastModifiedDateTime": at,
		"createdBy": ch.By, "lastModifiedBy": ch.By,
		"fileSystemInfo": map[string]any{"createdDateTime": at, "lastModifiedDateTime": at},
		"_uid":           driveUID(id),
	}
	return doc
}

// putDriveItem stores an item, keeping its parent's id in _parent too: a
// list's Present sees documents only.
func putDriveItem(ctx context.Context, tx *Tx, o *Object) error {
	if o.Data == nil {
		o.Data = map[string]any{}
	}
	o.Data["_parent"] = o.Parent
	return tx.Put(ctx, o)
}

// touchAncestors records a change below folder parentID: the folder's
// childCount moves by children, every folder up to the root grows by size
// bytes and gets a new eTag (so delta reports the hierarchy, as OneDrive's
// does).
func touchAncestors(ctx context.Context, tx *Tx, driveID, parentID string, size int64, children int) error {
	id := parentID
	for depth := 0; id != ""; depth++ {
		if depth > maxDriveDepth {
			return fmt.Errorf("sandbox: folder chain of %q is too deep", parentID)
		}
		f, err := DriveItem(ctx, tx, driveID, id)
		if err != nil {
			return err
		}
		if depth == 0 && children != 0 {
			folder, _ := f.Data["folder"].(map[string]any)
			if folder == nil {
				folder = map[string]any{}
			}
			folder["childCount"] = max(num(folder["childCount"])+int64(children), 0)
			f.Data["folder"] = folder
		}
		f.Data["size"] = max(num(f.Data["size"])+size, 0)
		bumpETag(f.Data)
		if err := putDriveItem(ctx, tx, f); err != nil {
			return err
		}
		id = f.Parent
	}
	return nil
}

// CreateDriveFolder creates a folder named name in parent. conflict ("" is
// fail) says what to do when the name is taken: replace deletes the
// existing item first, rename picks "name 1".
func CreateDriveFolder(ctx context.Context, tx *Tx, d *Drive, parent *Object, name, conflict string, ch DriveChange) (*Object, error) {
	if err := CheckDriveName(name); err != nil {
		return nil, err
	}
	if err := checkParentFolder(parent); err != nil {
		return nil, err
	}
	name, existing, err := ResolveDriveName(ctx, tx, d.ID, parent.ID, name, conflict, "")
	if err != nil {
		return nil, err
	}
	if existing != nil {
		if err := DeleteDriveItem(ctx, tx, d, existing, ch); err != nil {
			return nil, err
		}
	}
	id := ch.newID()
	doc := newDriveItemDoc(id, name, ch)
	doc["folder"] = map[string]any{"childCount": 0}
	doc["size"] = 0
	bumpETag(doc)
	item := &Object{Collection: DriveItemsCollection, Owner: d.ID, ID: id, Parent: parent.ID,
		Sort: driveSortKey(name), Data: doc, Created: ch.Now}
	if err := putDriveItem(ctx, tx, item); err != nil {
		return nil, err
	}
	return item, touchAncestors(ctx, tx, d.ID, parent.ID, 0, 1)
}

// PutDriveFile stores content as the file name in parent: a new file, or a
// new version of the file of that name when conflict is replace (a folder
// of that name is deleted first), or "name 1" when it is rename; fail (or
// "") refuses a taken name. created reports a new item. The blob becomes
// the file's: callers write it first (WriteDriveBlob, an upload session).
func PutDriveFile(ctx context.Context, tx *Tx, d *Drive, parent *Object, name, conflict string, content DriveContent, ch DriveChange) (item *Object, created bool, err error) {
	if err := CheckDriveName(name); err != nil {
		return nil, false, err
	}
	if err := checkParentFolder(parent); err != nil {
		return nil, false, err
	}
	name, existing, err := ResolveDriveName(ctx, tx, d.ID, parent.ID, name, conflict, "")
	if err != nil {
		return nil, false, err
	}
	if existing != nil && !IsDriveFolder(existing) {
		return existing, false, ReplaceDriveContent(ctx, tx, d, existing, content, ch)
	}
	if err := d.CheckQuota(content.Size); err != nil {
		return nil, false, err
	}
	if existing != nil {
		if err := DeleteDriveItem(ctx, tx, d, existing, ch); err != nil {
			return nil, false, err
		}
	}
	id := ch.newID()
	doc := newDriveItemDoc(id, name, ch)
	setDriveContent(doc, name, content, 1)
	bumpETag(doc)
	bumpCTag(doc)
	item = &Object{Collection: DriveItemsCollection, Owner: d.ID, ID: id, Parent: parent.ID,
		Sort: driveSortKey(name), Data: doc, Created: ch.Now}
	if err := putDriveItem(ctx, tx, item); err != nil {
		return nil, false, err
	}
	if err := putDriveVersion(ctx, tx, d, item, content, ch); err != nil {
		return nil, false, err
	}
	if err := touchAncestors(ctx, tx, d.ID, parent.ID, content.Size, 1); err != nil {
		return nil, false, err
	}
	return item, true, d.adjustQuota(ctx, tx, content.Size, 0)
}

// setDriveContent puts content in a file's document as its version n.
func setDriveContent(doc map[string]any, name string, content DriveContent, n int64) {
	file, _ := doc["file"].(map[string]any)
	if file == nil {
		file = map[string]any{"mimeType": DriveMIMEType(name)}
	}
	file["hashes"] = map[string]any{"quickXorHash": content.QuickXorHash}
	doc["file"] = file
	doc["size"] = content.Size
	doc["_blob"] = content.Blob
	doc["_qx"] = content.QuickXorHash
	doc["_version"] = n
	for k, v := range content.Facets {
		doc[k] = v
	}
}

// versionID is the id of version n, "n.0" as SharePoint's major versions.
func versionID(n int64) string { return strconv.FormatInt(n, 10) + ".0" }

// versionKey is where version vid of item is stored: version ids repeat
// from file to file, store ids must not. The document's "_vid" holds vid.
func versionKey(itemID, vid string) string { return itemID + "/" + vid }

// putDriveVersion records the current content of a file as its version
// _version, and drops the oldest beyond MaxDriveVersions.
func putDriveVersion(ctx context.Context, tx *Tx, d *Drive, item *Object, content DriveContent, ch DriveChange) error {
	n := num(item.Data["_version"])
	v := &Object{Collection: DriveVersionsCollection, Owner: item.Owner, ID: versionKey(item.ID, versionID(n)), Parent: item.ID,
		Sort: fmt.Sprintf("%012d", n), Created: ch.Now,
		Data: map[string]any{
			"lastModifiedDateTime": ISOTime(ch.Now), "lastModifiedBy": ch.By, "size": content.Size,
			"_blob": content.Blob, "_qx": content.QuickXorHash, "_vid": versionID(n),
		}}
	if err := tx.Put(ctx, v); err != nil {
		return err
	}
	if n <= MaxDriveVersions {
		return nil
	}
	old, err := tx.Get(ctx, DriveVersionsCollection, item.Owner, versionKey(item.ID, versionID(n-MaxDriveVersions)))
	if IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return dropDriveVersion(ctx, tx, d, old)
}

// dropDriveVersion deletes a version and its bytes, giving back its quota.
func dropDriveVersion(ctx context.Context, tx *Tx, d *Drive, v *Object) error {
	if err := tx.DeleteBlob(ctx, DriveBlob(v)); err != nil {
		return err
	}
	if err := tx.Delete(ctx, DriveVersionsCollection, v.Owner, v.ID); err != nil {
		return err
	}
	return d.adjustQuota(ctx, tx, -num(v.Data["size"]), 0)
}

// ReplaceDriveContent makes content a new version of file item.
func ReplaceDriveContent(ctx context.Context, tx *Tx, d *Drive, item *Object, content DriveContent, ch DriveChange) error {
	if IsDriveFolder(item) {
		return DriveInvalid("'%s' is a folder; only files have content.", Str(item.Data, "name"))
	}
	if err := d.CheckQuota(content.Size); err != nil {
		return err
	}
	old := num(item.Data["size"])
	setDriveContent(item.Data, Str(item.Data, "name"), content, num(item.Data["_version"])+1)
	item.Data["lastModifiedDateTime"] = ISOTime(ch.Now)
	item.Data["lastModifiedBy"] = ch.By
	if fs, ok := item.Data["fileSystemInfo"].(map[string]any); ok {
		fs["lastModifiedDateTime"] = ISOTime(ch.Now)
	}
	bumpETag(item.Data)
	bumpCTag(item.Data)
	if err := putDriveItem(ctx, tx, item); err != nil {
		return err
	}
	if err := putDriveVersion(ctx, tx, d, item, content, ch); err != nil {
		return err
	}
	if err := touchAncestors(ctx, tx, d.ID, item.Parent, content.Size-old, 0); err != nil {
		return err
	}
	return d.adjustQuota(ctx, tx, content.Size, 0)
}

// WriteDriveContent writes r as a new version of file item (the Excel
// area saving a workbook): the blob, its hash and the version, in tx.
func WriteDriveContent(ctx context.Context, tx *Tx, d *Drive, item *Object, r io.Reader, ch DriveChange) error {
	content, err := WriteDriveBlob(ctx, tx, d.ID, r)
	if err != nil {
		return err
	}
	return ReplaceDriveContent(ctx, tx, d, item, content, ch)
}

// OpenDriveContent opens the current content of file item for reading,
// outside a transaction (inside one, use tx.OpenBlob(ctx, DriveBlob(item))).
func OpenDriveContent(ctx context.Context, st *Store, item *Object) (*BlobReader, error) {
	if IsDriveFolder(item) {
		return nil, DriveInvalid("'%s' is a folder; only files have content.", Str(item.Data, "name"))
	}
	return st.OpenBlob(ctx, DriveBlob(item))
}

// DriveBlob is the blob holding an item's (or a version's) content.
func DriveBlob(doc *Object) string { return Str(doc.Data, "_blob") }

// DriveVersions lists a file's versions, the current one first. Their
// documents hold Graph's driveItemVersion properties, _vid (the version's
// id, "1.0" ...; the document's own id is unique in the drive) and _blob.
func DriveVersions(ctx context.Context, tx *Tx, driveID, itemID string) ([]*Object, error) {
	return tx.List(ctx, Scope{Collection: DriveVersionsCollection, Owner: driveID, Parent: itemID, ByParent: true}, true, 0, 0)
}

// DriveVersion loads one version of a file; the error wraps ErrNotFound.
func DriveVersion(ctx context.Context, tx *Tx, driveID, itemID, versionID string) (*Object, error) {
	return tx.GetIn(ctx, Scope{Collection: DriveVersionsCollection, Owner: driveID, Parent: itemID, ByParent: true}, versionKey(itemID, versionID))
}

// RestoreDriveVersion makes an earlier version's content the current one,
// as a new version (the history is kept).
func RestoreDriveVersion(ctx context.Context, tx *Tx, d *Drive, item *Object, versionID string, ch DriveChange) error {
	v, err := DriveVersion(ctx, tx, d.ID, item.ID, versionID)
	if err != nil {
		return err
	}
	blob := NewDriveBlob(d.ID)
	if err := tx.CopyBlob(ctx, DriveBlob(v), blob); err != nil {
		return err
	}
	return ReplaceDriveContent(ctx, tx, d, item, DriveContent{Blob: blob, Size: num(v.Data["size"]), QuickXorHash: Str(v.Data, "_qx")}, ch)
}

// MoveDriveItem renames item (name "" keeps it) and moves it into folder
// parent (nil keeps it) of the same drive. conflict applies at the
// destination ("" is fail).
func MoveDriveItem(ctx context.Context, tx *Tx, d *Drive, item, parent *Object, name, conflict string, ch DriveChange) (*Object, error) {
	if item.Parent == "" {
		return nil, DriveInvalid("The root of a drive cannot be renamed or moved.")
	}
	if name == "" {
		name = Str(item.Data, "name")
	}
	if err := CheckDriveName(name); err != nil {
		return nil, err
	}
	if parent == nil || parent.ID == item.Parent {
		p, err := DriveItem(ctx, tx, d.ID, item.Parent)
		if err != nil {
			return nil, err
		}
		parent = p
	}
	if parent.Owner != d.ID {
		return nil, DriveInvalid("Items cannot be moved between drives; copy them instead.")
	}
	if err := checkParentFolder(parent); err != nil {
		return nil, err
	}
	anc, err := DriveAncestors(ctx, tx, parent)
	if err != nil {
		return nil, err
	}
	if parent.ID == item.ID {
		return nil, DriveInvalid("A folder cannot be moved into itself.")
	}
	for _, a := range anc {
		if a.ID == item.ID {
			return nil, DriveInvalid("A folder cannot be moved into one of its own subfolders.")
		}
	}
	name, existing, err := ResolveDriveName(ctx, tx, d.ID, parent.ID, name, conflict, item.ID)
	if err != nil {
		return nil, err
	}
	if existing != nil {
		if err := DeleteDriveItem(ctx, tx, d, existing, ch); err != nil {
			return nil, err
		}
	}
	size := num(item.Data["size"])
	oldParent := item.Parent
	if oldParent != parent.ID {
		if err := touchAncestors(ctx, tx, d.ID, oldParent, -size, -1); err != nil {
			return nil, err
		}
	}
	// Reload: the old chain may hold the new parent.
	cur, err := DriveItem(ctx, tx, d.ID, item.ID)
	if err != nil {
		return nil, err
	}
	cur.Data["name"] = name
	cur.Parent = parent.ID
	cur.Sort = driveSortKey(name)
	cur.Data["lastModifiedDateTime"] = ISOTime(ch.Now)
	cur.Data["lastModifiedBy"] = ch.By
	bumpETag(cur.Data)
	if err := putDriveItem(ctx, tx, cur); err != nil {
		return nil, err
	}
	if oldParent != parent.ID {
		if err := touchAncestors(ctx, tx, d.ID, parent.ID, size, 1); err != nil {
			return nil, err
		}
	} else if err := touchAncestors(ctx, tx, d.ID, parent.ID, 0, 0); err != nil {
		return nil, err
	}
	return cur, nil
}

// driveSubtree returns item and everything below it, parents before their
// children.
func driveSubtree(ctx context.Context, tx *Tx, coll, driveID string, item *Object) ([]*Object, error) {
	out := []*Object{item}
	for i := 0; i < len(out); i++ {
		if !IsDriveFolder(out[i]) {
			continue
		}
		kids, err := tx.List(ctx, Scope{Collection: coll, Owner: driveID, Parent: out[i].ID, ByParent: true}, false, 0, 0)
		if err != nil {
			return nil, err
		}
		out = append(out, kids...)
	}
	return out, nil
}

// DriveSubtree returns an item and everything below it, parents before
// their children (a copy walks it).
func DriveSubtree(ctx context.Context, tx *Tx, item *Object) ([]*Object, error) {
	return driveSubtree(ctx, tx, DriveItemsCollection, item.Owner, item)
}

// DeleteDriveItem moves an item and everything below it to the drive's
// recycle bin, from where RestoreDriveItem brings them back.
func DeleteDriveItem(ctx context.Context, tx *Tx, d *Drive, item *Object, ch DriveChange) error {
	if item.Parent == "" {
		return DriveInvalid("The root of a drive cannot be deleted.")
	}
	tree, err := DriveSubtree(ctx, tx, item)
	if err != nil {
		return err
	}
	size := num(item.Data["size"])
	for _, o := range tree {
		data := CloneDoc(o.Data)
		data["_deletedRoot"] = item.ID
		data["_deletedAt"] = ISOTime(ch.Now)
		data["_deletedBy"] = ch.By
		if err := tx.Put(ctx, &Object{Collection: driveRecycleCollection, Owner: d.ID, ID: o.ID, Parent: o.Parent,
			Sort: o.Sort, Data: data, Created: o.Created}); err != nil {
			return err
		}
	}
	// Children first, so each delete is logged below a live parent.
	for i := len(tree) - 1; i >= 0; i-- {
		if err := tx.Delete(ctx, DriveItemsCollection, d.ID, tree[i].ID); err != nil {
			return err
		}
	}
	if err := touchAncestors(ctx, tx, d.ID, item.Parent, -size, -1); err != nil {
		return err
	}
	return d.adjustQuota(ctx, tx, 0, size)
}

// DeletedDriveItem loads an item from a drive's recycle bin; the error wraps
// ErrNotFound.
func DeletedDriveItem(ctx context.Context, tx *Tx, driveID, id string) (*Object, error) {
	return tx.Get(ctx, driveRecycleCollection, driveID, id)
}

// recycledTree returns a deleted item and what was deleted with it below it.
func recycledTree(ctx context.Context, tx *Tx, driveID string, top *Object) ([]*Object, error) {
	return driveSubtree(ctx, tx, driveRecycleCollection, driveID, top)
}

// RestoreDriveItem brings an item deleted with DeleteDriveItem (with what
// was deleted with it) back into folder parent (nil: where it was, or the
// root if that folder is gone), as name ("" keeps its name; a taken name
// is 409 nameAlreadyExists).
func RestoreDriveItem(ctx context.Context, tx *Tx, d *Drive, id string, parent *Object, name string, ch DriveChange) (*Object, error) {
	top, err := DeletedDriveItem(ctx, tx, d.ID, id)
	if err != nil {
		return nil, err
	}
	if Str(top.Data, "_deletedRoot") != id {
		return nil, DriveInvalid("'%s' was deleted with its folder; restore the folder.", Str(top.Data, "name"))
	}
	if parent == nil {
		parent, err = DriveItem(ctx, tx, d.ID, top.Parent)
		if IsNotFound(err) {
			parent, err = DriveItem(ctx, tx, d.ID, d.RootID)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := checkParentFolder(parent); err != nil {
		return nil, err
	}
	if name == "" {
		name = Str(top.Data, "name")
	}
	if err := CheckDriveName(name); err != nil {
		return nil, err
	}
	if _, _, err := ResolveDriveName(ctx, tx, d.ID, parent.ID, name, ConflictFail, ""); err != nil {
		return nil, err
	}
	tree, err := recycledTree(ctx, tx, d.ID, top)
	if err != nil {
		return nil, err
	}
	var restored *Object
	for _, o := range tree {
		data := CloneDoc(o.Data)
		delete(data, "_deletedRoot")
		delete(data, "_deletedAt")
		delete(data, "_deletedBy")
		obj := &Object{Collection: DriveItemsCollection, Owner: d.ID, ID: o.ID, Parent: o.Parent, Sort: o.Sort, Data: data, Created: o.Created}
		if o.ID == id {
			obj.Parent, obj.Sort = parent.ID, driveSortKey(name)
			data["name"] = name
			bumpETag(data)
			restored = obj
		}
		if err := putDriveItem(ctx, tx, obj); err != nil {
			return nil, err
		}
		if err := tx.Delete(ctx, driveRecycleCollection, d.ID, o.ID); err != nil {
			return nil, err
		}
	}
	size := num(top.Data["size"])
	if err := touchAncestors(ctx, tx, d.ID, parent.ID, size, 1); err != nil {
		return nil, err
	}
	return restored, d.adjustQuota(ctx, tx, 0, -size)
}

// PurgeDriveItem deletes an item for good (live or in the recycle bin),
// with everything below it, its versions and its permissions.
func PurgeDriveItem(ctx context.Context, tx *Tx, d *Drive, id string, ch DriveChange) error {
	if live, err := DriveItem(ctx, tx, d.ID, id); err == nil {
		if err := DeleteDriveItem(ctx, tx, d, live, ch); err != nil {
			return err
		}
	} else if !IsNotFound(err) {
		return err
	}
	top, err := DeletedDriveItem(ctx, tx, d.ID, id)
	if err != nil {
		return err
	}
	tree, err := recycledTree(ctx, tx, d.ID, top)
	if err != nil {
		return err
	}
	var used int64
	for _, o := range tree {
		versions, err := DriveVersions(ctx, tx, d.ID, o.ID)
		if err != nil {
			return err
		}
		for _, v := range versions {
			used += num(v.Data["size"])
			if err := tx.DeleteBlob(ctx, DriveBlob(v)); err != nil {
				return err
			}
			if err := tx.Delete(ctx, DriveVersionsCollection, d.ID, v.ID); err != nil {
				return err
			}
		}
		perms, err := tx.List(ctx, Scope{Collection: DrivePermissionsCollection, Owner: d.ID, Parent: o.ID, ByParent: true}, false, 0, 0)
		if err != nil {
			return err
		}
		for _, p := range perms {
			if err := tx.Delete(ctx, DrivePermissionsCollection, d.ID, p.ID); err != nil {
				return err
			}
		}
		if err := tx.Delete(ctx, driveRecycleCollection, d.ID, o.ID); err != nil {
			return err
		}
	}
	return d.adjustQuota(ctx, tx, -used, -num(top.Data["size"]))
}

// CopyDriveItem copies one item (not what is below it) into folder parent
// of drive dst as name: a file's current content as its first version, a
// folder empty. conflict applies to name ("" is fail). A copy of a tree
// calls it for each item, parents first (DriveSubtree).
func CopyDriveItem(ctx context.Context, tx *Tx, item *Object, dst *Drive, parent *Object, name, conflict string, ch DriveChange) (*Object, error) {
	if IsDriveFolder(item) {
		f, err := CreateDriveFolder(ctx, tx, dst, parent, name, conflict, ch)
		if err != nil {
			return nil, err
		}
		if desc := Str(item.Data, "description"); desc != "" {
			f.Data["description"] = desc
			return f, putDriveItem(ctx, tx, f)
		}
		return f, nil
	}
	blob := NewDriveBlob(dst.ID)
	if err := tx.CopyBlob(ctx, DriveBlob(item), blob); err != nil {
		return nil, err
	}
	facets := map[string]any{}
	for _, k := range []string{"image", "description"} {
		if v, ok := item.Data[k]; ok {
			facets[k] = v
		}
	}
	content := DriveContent{Blob: blob, Size: num(item.Data["size"]), QuickXorHash: Str(item.Data, "_qx"), Facets: facets}
	f, _, err := PutDriveFile(ctx, tx, dst, parent, name, conflict, content, ch)
	return f, err
}
