package drive

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
)

// Permission is Graph's permission: a sharing link, an invitation, or
// access inherited from a folder above, bound to its item (Save changes
// Roles and ExpirationDateTime, Delete removes it).
type Permission struct {
	o365.Object
	ID string `json:"id,omitzero" o365:"readonly"`
	// Roles are "read", "write" or "owner".
	Roles              []string     `json:"roles,omitzero"`
	ExpirationDateTime time.Time    `json:"expirationDateTime,omitzero"`
	Link               *SharingLink `json:"link,omitzero" o365:"readonly"`
	// GrantedToV2 is who an invitation gave access; GrantedToIdentitiesV2
	// who uses a link (for scope "users": who may).
	GrantedToV2           *SharePointIdentitySet   `json:"grantedToV2,omitzero" o365:"readonly"`
	GrantedToIdentitiesV2 []*SharePointIdentitySet `json:"grantedToIdentitiesV2,omitzero" o365:"readonly"`
	// GrantedTo and GrantedToIdentities are their older forms.
	GrantedTo           *o365.IdentitySet   `json:"grantedTo,omitzero" o365:"readonly"`
	GrantedToIdentities []*o365.IdentitySet `json:"grantedToIdentities,omitzero" o365:"readonly"`
	Invitation          *SharingInvitation  `json:"invitation,omitzero" o365:"readonly"`
	// InheritedFrom is set on a permission set on a folder above.
	InheritedFrom *ItemReference `json:"inheritedFrom,omitzero" o365:"readonly"`
	// ShareID opens the shared item with GetShared.
	ShareID     string `json:"shareId,omitzero" o365:"readonly"`
	HasPassword bool   `json:"hasPassword,omitzero" o365:"readonly"`
}

// UnmarshalJSONFrom decodes the permission and keeps its JSON (see o365.Object).
func (p *Permission) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain Permission
	return o365.DecodeObject(d, (*plain)(p))
}

// MarshalJSON encodes the permission as the service sent it (see o365.Object).
func (p Permission) MarshalJSON() ([]byte, error) {
	type plain Permission
	return o365.MarshalObject((*plain)(&p))
}

// SharingLink is a link's kind, reach and URL.
type SharingLink struct {
	Type             string         `json:"type,omitzero"`
	Scope            string         `json:"scope,omitzero"`
	WebURL           string         `json:"webUrl,omitzero"`
	WebHTML          string         `json:"webHtml,omitzero"`
	Application      *o365.Identity `json:"application,omitzero"`
	PreventsDownload bool           `json:"preventsDownload,omitzero"`
}

// SharePointIdentitySet is who a permission is for: a user, a group, an
// application, or a SharePoint site user or group.
type SharePointIdentitySet struct {
	User        *o365.Identity      `json:"user,omitzero"`
	Group       *o365.Identity      `json:"group,omitzero"`
	Application *o365.Identity      `json:"application,omitzero"`
	Device      *o365.Identity      `json:"device,omitzero"`
	SiteUser    *SharePointIdentity `json:"siteUser,omitzero"`
	SiteGroup   *SharePointIdentity `json:"siteGroup,omitzero"`
}

// SharePointIdentity is a SharePoint site's user or group.
type SharePointIdentity struct {
	ID          string `json:"id,omitzero"`
	DisplayName string `json:"displayName,omitzero"`
	LoginName   string `json:"loginName,omitzero"`
}

// SharingInvitation is an invitation to someone outside the tenant.
type SharingInvitation struct {
	Email          string            `json:"email,omitzero"`
	InvitedBy      *o365.IdentitySet `json:"invitedBy,omitzero"`
	RedeemedBy     string            `json:"redeemedBy,omitzero"`
	SignInRequired bool              `json:"signInRequired,omitzero"`
}

// Link types and scopes (LinkOptions).
const (
	LinkView  = "view"
	LinkEdit  = "edit"
	LinkEmbed = "embed" // OneDrive personal only

	ScopeAnonymous    = "anonymous"
	ScopeOrganization = "organization"
	ScopeUsers        = "users"
)

// LinkOptions say what link CreateLink makes; nil is a view link of the
// organization's default scope.
type LinkOptions struct {
	// Type is LinkView (the default), LinkEdit or LinkEmbed.
	Type string
	// Scope is ScopeAnonymous, ScopeOrganization or ScopeUsers; "" is the
	// tenant's default.
	Scope string
	// Expires, when set, ends the link.
	Expires time.Time
	// Password protects the link (OneDrive personal only).
	Password string
	// Recipients, for ScopeUsers, are the addresses it works for.
	Recipients []string
	// RetainInheritedPermissions false removes the inherited permissions
	// when the item is shared for the first time; nil keeps them.
	RetainInheritedPermissions *bool
}

// CreateLink makes a sharing link for the item, or returns the one of the
// same kind that exists. The link's URL is Link.WebURL; others open the
// item with GetShared.
//
// Graph: POST /drives/{drive-id}/items/{id}/createLink
// (https://learn.microsoft.com/graph/api/driveitem-createlink).
func (it *Item) CreateLink(ctx context.Context, opts *LinkOptions) (*Permission, error) {
	var o LinkOptions
	if opts != nil {
		o = *opts
	}
	if o.Type == "" {
		o.Type = LinkView
	}
	body := map[string]any{"type": o.Type}
	if o.Scope != "" {
		body["scope"] = o.Scope
	}
	if !o.Expires.IsZero() {
		body["expirationDateTime"] = o.Expires.UTC()
	}
	if o.Password != "" {
		body["password"] = o.Password
	}
	if len(o.Recipients) > 0 {
		body["recipients"] = recipients(o.Recipients)
	}
	if o.RetainInheritedPermissions != nil {
		body["retainInheritedPermissions"] = *o.RetainInheritedPermissions
	}
	var p Permission
	// The service returns an existing link of the kind: repeating is safe.
	err := o365.Once(ctx, func() error { return o365.Call(ctx, it, http.MethodPost, "createLink", body, &p) }, nil)
	if err != nil {
		return nil, fmt.Errorf("drive: share %q: %w", it.Name, err)
	}
	_ = o365.Bind(&p, it.Account(), it.Path()+"/"+o365.Path("permissions", p.ID))
	return &p, nil
}

// recipients is Graph's driveRecipient list: an address, or an object id.
func recipients(list []string) []any {
	out := make([]any, len(list))
	for i, r := range list {
		if strings.Contains(r, "@") {
			out[i] = map[string]any{"email": r}
		} else {
			out[i] = map[string]any{"objectId": r}
		}
	}
	return out
}

// InviteOptions tune Invite; nil means read access, sign-in required, no
// mail sent.
type InviteOptions struct {
	// Roles are "read" (the default) or "write".
	Roles []string
	// SendInvitation mails the recipients, with Message.
	SendInvitation bool
	Message        string
	// NoSignIn lets recipients in without signing in (RequireSignIn false),
	// where the tenant allows it.
	NoSignIn bool
	// Expires, when set, ends the access.
	Expires time.Time
}

// Invite gives people (addresses or object ids) access to the item, and
// returns a permission for each.
//
// Graph: POST /drives/{drive-id}/items/{id}/invite
// (https://learn.microsoft.com/graph/api/driveitem-invite).
func (it *Item) Invite(ctx context.Context, people []string, opts *InviteOptions) ([]*Permission, error) {
	var o InviteOptions
	if opts != nil {
		o = *opts
	}
	if len(people) == 0 {
		return nil, errors.New("drive: invite: nobody to invite")
	}
	roles := o.Roles
	if len(roles) == 0 {
		roles = []string{"read"}
	}
	body := map[string]any{"recipients": recipients(people), "roles": roles, "requireSignIn": !o.NoSignIn, "sendInvitation": o.SendInvitation}
	if o.Message != "" {
		body["message"] = o.Message
	}
	if !o.Expires.IsZero() {
		body["expirationDateTime"] = o.Expires.UTC()
	}
	var page o365.Page[Permission]
	if err := o365.Call(ctx, it, http.MethodPost, "invite", body, &page); err != nil {
		return nil, fmt.Errorf("drive: invite to %q: %w", it.Name, err)
	}
	for _, p := range page.Value {
		_ = o365.Bind(p, it.Account(), it.Path()+"/"+o365.Path("permissions", p.ID))
	}
	return page.Value, nil
}

// ListPermissions lists who has access to the item and how: its owner,
// its links, its invitations and those inherited from folders above.
//
// Graph: GET /drives/{drive-id}/items/{id}/permissions
// (https://learn.microsoft.com/graph/api/driveitem-list-permissions).
func (it *Item) ListPermissions(ctx context.Context) iter.Seq2[*Permission, error] {
	if err := o365.Ready(it); err != nil {
		return o365.Fail[Permission](err)
	}
	p := it.Path() + "/permissions"
	return func(yield func(*Permission, error) bool) {
		for perm, err := range o365.List[Permission](ctx, it.Account(), &o365.Request{Path: p, Collection: p}) {
			if err != nil {
				err = fmt.Errorf("drive: permissions of %q: %w", it.Name, err)
			}
			if !yield(perm, err) || err != nil {
				return
			}
		}
	}
}

// Save sends the permission's new Roles or ExpirationDateTime.
//
// Graph: PATCH /drives/{drive-id}/items/{id}/permissions/{perm-id}
// (https://learn.microsoft.com/graph/api/permission-update).
func (p *Permission) Save(ctx context.Context) error {
	if err := o365.Save(ctx, p); err != nil {
		return fmt.Errorf("drive: update permission %q: %w", p.ID, err)
	}
	return nil
}

// Delete removes the permission: a link stops working, an invited person
// loses access. An inherited one is removed on the folder it is set on.
//
// Graph: DELETE /drives/{drive-id}/items/{id}/permissions/{perm-id}
// (https://learn.microsoft.com/graph/api/permission-delete).
func (p *Permission) Delete(ctx context.Context) error {
	if err := o365.Delete(ctx, p); err != nil {
		return fmt.Errorf("drive: remove permission %q: %w", p.ID, err)
	}
	return nil
}

// SharedWithMe lists the items others shared with the drive's user, each
// with RemoteItem saying where it is; they are bound there.
//
// Graph: GET /me/drive/sharedWithMe
// (https://learn.microsoft.com/graph/api/drive-sharedwithme).
func (d *Drive) SharedWithMe(ctx context.Context, q *o365.Query) iter.Seq2[*Item, error] {
	return func(yield func(*Item, error) bool) {
		for it, err := range o365.List[Item](ctx, d.acct, &o365.Request{Path: d.base + "/sharedWithMe", Query: q}) {
			if err != nil {
				yield(nil, fmt.Errorf("drive: shared with me: %w", err))
				return
			}
			if r := it.RemoteItem; r != nil && r.ParentReference != nil && r.ParentReference.DriveID != "" {
				_ = o365.Bind(it, d.acct, "/"+o365.Path("drives", r.ParentReference.DriveID, "items", r.ID))
			} else {
				d.bind(it)
			}
			if !yield(it, nil) {
				return
			}
		}
	}
}

// EncodeSharingURL turns a sharing link's URL into the share id Graph's
// /shares takes: "u!" and the URL in unpadded base64url.
func EncodeSharingURL(u string) string {
	return "u!" + base64.RawURLEncoding.EncodeToString([]byte(u))
}

// GetShared opens an item shared with a link, by the link's URL or a share
// id (Permission.ShareID): the link's access is what the caller gets, and
// the service remembers the caller used it.
//
// Graph: GET /shares/{shareIdOrEncodedSharingUrl}/driveItem
// (https://learn.microsoft.com/graph/api/shares-get).
func (d *Drive) GetShared(ctx context.Context, urlOrShareID string) (*Item, error) {
	id := urlOrShareID
	if strings.HasPrefix(id, "https://") || strings.HasPrefix(id, "http://") {
		id = EncodeSharingURL(id)
	}
	it, err := o365.Get[Item](ctx, d.acct, &o365.Request{Path: "/" + o365.Path("shares", id, "driveItem")})
	if err != nil {
		return nil, fmt.Errorf("drive: open shared item: %w", err)
	}
	return d.bind(it), nil
}
