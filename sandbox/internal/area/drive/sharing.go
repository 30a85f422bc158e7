package drive

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/core"
)

// Sharing. A permission is a DrivePermissionsCollection document on the
// item it was set on, in Graph's shape plus _users and _groups (who it
// grants its roles to; core.DriveAccess reads them) and, for links,
// _token. A link grants nothing by itself: a request through /shares
// does, and records the user who used it in _users (and
// grantedToIdentitiesV2), as SharePoint remembers who redeemed a link.

// shareLink is where a link's token points (collShareLinks).
type shareLink struct {
	Drive      string `json:"drive"`
	Item       string `json:"item"`
	Permission string `json:"permission"`
}

// newToken is a link's secret token.
func newToken() string {
	var b [18]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// linkWebURL is a link's URL on the sandbox's host.
func linkWebURL(c *core.Call, token, linkType string) string {
	kind := "u"
	if linkType == "edit" {
		kind = "w"
	}
	return c.BaseURL() + "/:" + kind + ":/s/" + token
}

// createLink answers POST .../createLink: {"type":"view|edit|embed",
// "scope":"anonymous|organization|users","expirationDateTime","password",
// "recipients"}. An existing link of the same type and scope is returned
// with 200; a new one with 201.
func (r *req) createLink(ctx context.Context) error {
	var in map[string]any
	if err := r.c.Decode(&in); err != nil {
		return err
	}
	typ, scope := strings.ToLower(core.Str(in, "type")), strings.ToLower(core.Str(in, "scope"))
	if scope == "" {
		scope = "organization" // the tenant's default link
	}
	switch typ {
	case "view", "edit":
	case "embed":
		return core.Errorf(http.StatusBadRequest, "notSupported", "Embed links are only available in OneDrive personal, not in OneDrive for Business or SharePoint.")
	default:
		return core.DriveInvalid("A sharing link's type must be view, edit or embed, not '%s'.", core.Str(in, "type"))
	}
	if scope != "anonymous" && scope != "organization" && scope != "users" {
		return core.DriveInvalid("A sharing link's scope must be anonymous, organization or users, not '%s'.", scope)
	}
	if core.Str(in, "password") != "" {
		return core.Errorf(http.StatusBadRequest, "notSupported", "Sharing link passwords are only available in OneDrive personal.")
	}
	var expires string
	if v := core.Str(in, "expirationDateTime"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return core.DriveInvalid("expirationDateTime '%s' is not a date and time such as 2026-05-01T00:00:00Z.", v)
		}
		if !t.After(r.c.Now()) {
			return core.DriveInvalid("expirationDateTime must be in the future.")
		}
		expires = core.ISOTime(t)
	}
	role := "read"
	if typ == "edit" {
		role = "write"
	}
	var perm *core.Object
	status := http.StatusCreated
	err := r.c.Store().Write(ctx, func(tx *core.Tx) error {
		if err := r.need(ctx, tx, nil, core.DriveRoleWrite); err != nil {
			return err
		}
		users, identities, err := recipients(ctx, tx, in["recipients"])
		if err != nil {
			return err
		}
		if scope != "users" && len(users) > 0 {
			return core.DriveInvalid("Recipients go with links of scope users only.")
		}
		existing, err := tx.List(ctx, permScope(r.drive.ID, r.item.ID), false, 0, 0)
		if err != nil {
			return err
		}
		for _, p := range existing {
			link, _ := p.Data["link"].(map[string]any)
			if core.Str(link, "type") == typ && core.Str(link, "scope") == scope && core.Str(p.Data, "expirationDateTime") == expires && len(users) == 0 {
				perm, status = p, http.StatusOK
				return nil
			}
		}
		token := newToken()
		link := map[string]any{"type": typ, "scope": scope, "webUrl": linkWebURL(r.c, token, typ), "preventsDownload": false}
		if r.c.Claims != nil && r.c.Claims.AppID != "" {
			app := core.ActorIdentity(ctx, tx, &core.Claims{AppOnly: true, AppID: r.c.Claims.AppID})
			link["application"] = app["application"]
		}
		doc := map[string]any{
			"roles": []any{role}, "link": link, "shareId": "s!" + token, "hasPassword": false,
			"grantedToIdentitiesV2": identities, "grantedToIdentities": identities,
			"_users": users, "_token": token,
		}
		if expires != "" {
			doc["expirationDateTime"] = expires
		}
		perm = &core.Object{Collection: core.DrivePermissionsCollection, Owner: r.drive.ID, ID: uuid.NewString(), Parent: r.item.ID, Data: doc}
		if err := tx.Put(ctx, perm); err != nil {
			return err
		}
		if err := r.touch(ctx, tx); err != nil {
			return err
		}
		for _, u := range users {
			if err := indexShared(ctx, tx, u, r.drive.ID, r.item.ID); err != nil {
				return err
			}
		}
		return tx.Put(ctx, &core.Object{Collection: collShareLinks, ID: token,
			Data: mustDoc(shareLink{Drive: r.drive.ID, Item: r.item.ID, Permission: perm.ID})})
	})
	if err != nil {
		return err
	}
	return writeShaped(r.c, status, "permission", r.c.RootURL()+"$metadata#permission", presentPermission(perm, ""))
}

// mustDoc is core.ToDoc for values that always encode.
func mustDoc(v any) map[string]any {
	doc, _ := core.ToDoc(v)
	return doc
}

// touch records a sharing change on the request's item: a new eTag (and
// a delta entry).
func (r *req) touch(ctx context.Context, tx *core.Tx) error {
	cur, err := core.DriveItem(ctx, tx, r.drive.ID, r.item.ID)
	if err != nil {
		return err
	}
	return core.SaveDriveItemMeta(ctx, tx, cur)
}

// recipients resolves driveRecipients ({"email"} or {"objectId"}) to user
// ids and Graph identitySets; an address outside the tenant is an invited
// guest with no access (the sandbox sends no mail).
func recipients(ctx context.Context, tx *core.Tx, raw any) (users []string, identities []any, err error) {
	list, _ := raw.([]any)
	for _, x := range list {
		rec, _ := x.(map[string]any)
		login := core.Str(rec, "objectId")
		if login == "" {
			login = core.Str(rec, "email")
		}
		if login == "" {
			return nil, nil, core.DriveInvalid("Each recipient needs an email or an objectId.")
		}
		u, err := core.LookupUser(ctx, tx, login)
		if core.IsNotFound(err) {
			if core.Str(rec, "email") == "" {
				return nil, nil, core.DriveInvalid("The recipient '%s' is not a user of the tenant.", login)
			}
			identities = append(identities, map[string]any{"user": map[string]any{"displayName": core.Str(rec, "email")}})
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		if !slices.Contains(users, u.ID) {
			users = append(users, u.ID)
			identities = append(identities, map[string]any{"user": map[string]any{"id": u.ID, "displayName": u.DisplayName}})
		}
	}
	if users == nil {
		users = []string{}
	}
	if identities == nil {
		identities = []any{}
	}
	return users, identities, nil
}

// permScope is the permissions set on one item.
func permScope(driveID, itemID string) core.Scope {
	return core.Scope{Collection: core.DrivePermissionsCollection, Owner: driveID, Parent: itemID, ByParent: true}
}

// indexShared records that an item is shared with a user (sharedWithMe).
func indexShared(ctx context.Context, tx *core.Tx, userID, driveID, itemID string) error {
	return tx.Put(ctx, &core.Object{Collection: collSharedWith, Owner: userID, ID: driveID + "!" + itemID,
		Data: map[string]any{"drive": driveID, "item": itemID}})
}

// invite answers POST .../invite: {"recipients":[...],"roles":["read"|
// "write"],"requireSignIn","sendInvitation","message","expirationDateTime"}
// with 200 and the permissions made, one per recipient.
func (r *req) invite(ctx context.Context) error {
	var in map[string]any
	if err := r.c.Decode(&in); err != nil {
		return err
	}
	roles := strs(in["roles"])
	if len(roles) == 0 {
		return core.DriveInvalid("An invitation needs roles: [\"read\"] or [\"write\"].")
	}
	for _, role := range roles {
		if role != "read" && role != "write" {
			return core.DriveInvalid("An invitation's role must be read or write, not '%s'.", role)
		}
	}
	var expires string
	if v := core.Str(in, "expirationDateTime"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil || !t.After(r.c.Now()) {
			return core.DriveInvalid("expirationDateTime '%s' must be a future date and time such as 2026-05-01T00:00:00Z.", v)
		}
		expires = core.ISOTime(t)
	}
	var made []*core.Object
	err := r.c.Store().Write(ctx, func(tx *core.Tx) error {
		if err := r.need(ctx, tx, nil, core.DriveRoleWrite); err != nil {
			return err
		}
		list, _ := in["recipients"].([]any)
		if len(list) == 0 {
			return core.DriveInvalid("An invitation needs recipients.")
		}
		for _, x := range list {
			users, identities, err := recipients(ctx, tx, []any{x})
			if err != nil {
				return err
			}
			doc := map[string]any{"roles": anyList(roles), "_users": users, "_groups": []string{}}
			if len(users) > 0 {
				doc["grantedToV2"] = identities[0]
				doc["grantedTo"] = identities[0]
			} else {
				doc["invitation"] = map[string]any{"email": core.Str(x.(map[string]any), "email"), "signInRequired": true}
				doc["grantedToIdentitiesV2"] = identities
			}
			if expires != "" {
				doc["expirationDateTime"] = expires
			}
			p := &core.Object{Collection: core.DrivePermissionsCollection, Owner: r.drive.ID, ID: uuid.NewString(), Parent: r.item.ID, Data: doc}
			if err := tx.Put(ctx, p); err != nil {
				return err
			}
			for _, u := range users {
				if err := indexShared(ctx, tx, u, r.drive.ID, r.item.ID); err != nil {
					return err
				}
			}
			made = append(made, p)
		}
		return r.touch(ctx, tx)
	})
	if err != nil {
		return err
	}
	docs := make([]map[string]any, len(made))
	for i, p := range made {
		docs[i] = presentPermission(p, "")
	}
	return writeShapedList(r.c, "permission", r.c.RootURL()+"$metadata#Collection(permission)", docs)
}

// strs reads a JSON array of strings.
func strs(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// anyList is a []string as stored JSON.
func anyList(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// presentPermission is a permission as Graph sends it; inheritedFrom names
// the folder it was set on when it is inherited.
func presentPermission(p *core.Object, inheritedFrom string) map[string]any {
	out := core.PublicDoc(p.Data)
	if inheritedFrom != "" {
		out["inheritedFrom"] = map[string]any{"driveId": p.Owner, "id": inheritedFrom}
	}
	return out
}

// permissions answers .../permissions (GET: the item's own, the inherited
// ones with inheritedFrom, and the drive owner's) and .../permissions/{id}
// (GET, PATCH of roles, DELETE).
func (r *req) permissions(ctx context.Context, rest []string) error {
	method := r.c.R.Method
	if len(rest) > 1 {
		return core.BadRequest("Resource not found for the segment '%s'.", rest[len(rest)-1])
	}
	if len(rest) == 0 {
		if method != http.MethodGet {
			return core.Errorf(http.StatusMethodNotAllowed, "BadRequest", "The HTTP method '%s' is not supported for this resource; use GET.", method).WithHeader("Allow", "GET")
		}
		var docs []map[string]any
		err := r.c.Store().Read(ctx, func(tx *core.Tx) error {
			if err := r.need(ctx, tx, nil, core.DriveRoleRead); err != nil {
				return err
			}
			var err error
			docs, err = r.allPermissions(ctx, tx)
			return err
		})
		if err != nil {
			return err
		}
		return writeShapedList(r.c, "permission", r.c.RootURL()+"$metadata#drives('"+r.drive.ID+"')/items('"+r.item.ID+"')/permissions", docs)
	}
	pid := rest[0]
	switch method {
	case http.MethodGet:
		var out map[string]any
		err := r.c.Store().Read(ctx, func(tx *core.Tx) error {
			if err := r.need(ctx, tx, nil, core.DriveRoleRead); err != nil {
				return err
			}
			all, err := r.allPermissions(ctx, tx)
			if err != nil {
				return err
			}
			for _, m := range all {
				if core.Str(m, "id") == pid {
					out = m
					return nil
				}
			}
			return core.DriveItemNotFound()
		})
		if err != nil {
			return err
		}
		return writeShaped(r.c, http.StatusOK, "permission", r.c.RootURL()+"$metadata#permission", out)
	case http.MethodPatch:
		var in map[string]any
		if err := r.c.Decode(&in); err != nil {
			return err
		}
		roles := strs(in["roles"])
		var perm *core.Object
		err := r.c.Store().Write(ctx, func(tx *core.Tx) error {
			if err := r.need(ctx, tx, nil, core.DriveRoleWrite); err != nil {
				return err
			}
			var err error
			if perm, err = r.ownPermission(ctx, tx, pid); err != nil {
				return err
			}
			if _, isLink := perm.Data["link"]; isLink || len(roles) == 0 {
				return core.DriveInvalid("Only the roles of a permission granted to people can change; give roles [\"read\"] or [\"write\"].")
			}
			for _, role := range roles {
				if role != "read" && role != "write" {
					return core.DriveInvalid("A role must be read or write, not '%s'.", role)
				}
			}
			perm.Data["roles"] = anyList(roles)
			if err := tx.Put(ctx, perm); err != nil {
				return err
			}
			return r.touch(ctx, tx)
		})
		if err != nil {
			return err
		}
		return writeShaped(r.c, http.StatusOK, "permission", r.c.RootURL()+"$metadata#permission", presentPermission(perm, ""))
	case http.MethodDelete:
		err := r.c.Store().Write(ctx, func(tx *core.Tx) error {
			if err := r.need(ctx, tx, nil, core.DriveRoleWrite); err != nil {
				return err
			}
			perm, err := r.ownPermission(ctx, tx, pid)
			if err != nil {
				return err
			}
			if err := tx.Delete(ctx, core.DrivePermissionsCollection, r.drive.ID, perm.ID); err != nil {
				return err
			}
			if token := core.Str(perm.Data, "_token"); token != "" {
				if err := tx.Delete(ctx, collShareLinks, "", token); err != nil && !core.IsNotFound(err) {
					return err
				}
			}
			for _, u := range strs(perm.Data["_users"]) {
				if err := tx.Delete(ctx, collSharedWith, u, r.drive.ID+"!"+r.item.ID); err != nil && !core.IsNotFound(err) {
					return err
				}
			}
			return r.touch(ctx, tx)
		})
		if err != nil {
			return err
		}
		return r.c.NoContent()
	}
	return core.Errorf(http.StatusMethodNotAllowed, "BadRequest", "The HTTP method '%s' is not supported for this resource.", method).
		WithHeader("Allow", "GET, PATCH, DELETE")
}

// ownPermission loads a permission set on the request's item; an
// inherited one cannot change here (403), an unknown one is 404.
func (r *req) ownPermission(ctx context.Context, tx *core.Tx, pid string) (*core.Object, error) {
	p, err := tx.GetIn(ctx, permScope(r.drive.ID, r.item.ID), pid)
	if err == nil {
		return p, nil
	}
	if !core.IsNotFound(err) {
		return nil, err
	}
	if pid == ownerPermissionID {
		return nil, core.Errorf(http.StatusForbidden, "accessDenied", "The owner's permission cannot be changed or removed.")
	}
	if other, err := tx.Get(ctx, core.DrivePermissionsCollection, r.drive.ID, pid); err == nil && other.Parent != r.item.ID {
		return nil, core.Errorf(http.StatusForbidden, "accessDenied", "The permission is inherited from a folder above; change it there.")
	}
	return nil, core.DriveItemNotFound()
}

// ownerPermissionID is the id of the drive owner's permission in lists.
const ownerPermissionID = "owner"

// allPermissions lists what applies to the request's item: the drive
// owner's, the item's own and those inherited from the folders above.
func (r *req) allPermissions(ctx context.Context, tx *core.Tx) ([]map[string]any, error) {
	var out []map[string]any
	if owner, ok := r.drive.Object.Data["owner"].(map[string]any); ok && owner != nil {
		out = append(out, map[string]any{"id": ownerPermissionID, "roles": []any{"owner"}, "grantedToV2": owner, "grantedTo": owner})
	}
	chain := []*core.Object{r.item}
	anc, err := core.DriveAncestors(ctx, tx, r.item)
	if err != nil {
		return nil, err
	}
	chain = append(chain, anc...)
	for i, it := range chain {
		perms, err := tx.List(ctx, permScope(r.drive.ID, it.ID), false, 0, 0)
		if err != nil {
			return nil, err
		}
		from := ""
		if i > 0 {
			from = it.ID
		}
		for _, p := range perms {
			out = append(out, presentPermission(p, from))
		}
	}
	return out, nil
}

// sharedWithMe answers GET {user}/drive/sharedWithMe: items of other
// drives shared with the user, each with a remoteItem facet.
func (r *req) sharedWithMe(ctx context.Context) error {
	if r.c.R.Method != http.MethodGet {
		return core.Errorf(http.StatusMethodNotAllowed, "BadRequest", "sharedWithMe is read with GET.").WithHeader("Allow", "GET")
	}
	if r.drive.Owner.Kind != core.DriveOwnerUser {
		return core.DriveInvalid("sharedWithMe is a user's: use /me/drive/sharedWithMe.")
	}
	uid := r.drive.Owner.ID
	var value []map[string]any
	if err := r.resolveRoot(ctx); err != nil {
		return err
	}
	err := r.c.Store().Read(ctx, func(tx *core.Tx) error {
		if err := r.need(ctx, tx, nil, core.DriveRoleRead); err != nil {
			return err
		}
		entries, err := tx.List(ctx, core.Scope{Collection: collSharedWith, Owner: uid}, false, 0, 0)
		if err != nil {
			return err
		}
		for _, e := range entries {
			d, err := core.GetDrive(ctx, tx, core.Str(e.Data, "drive"))
			if core.IsNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			item, err := core.DriveItem(ctx, tx, d.ID, core.Str(e.Data, "item"))
			if core.IsNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			other := &req{c: r.c, drive: d}
			remote, err := other.present(ctx, tx, item, false)
			if err != nil {
				return err
			}
			delete(remote, "@microsoft.graph.downloadUrl")
			out := map[string]any{"id": item.ID, "name": remote["name"], "webUrl": remote["webUrl"], "size": remote["size"],
				"createdDateTime": remote["createdDateTime"], "lastModifiedDateTime": remote["lastModifiedDateTime"],
				"remoteItem": remote}
			for _, facet := range []string{"file", "folder"} {
				if v, ok := remote[facet]; ok {
					out[facet] = v
				}
			}
			value = append(value, out)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return writeShapedList(r.c, "driveItem", r.c.RootURL()+"$metadata#Collection(driveItem)", value)
}

// decodeShareID reads a shareId: "s!TOKEN" as permission.shareId gives it,
// or "u!" and the link's URL in unpadded base64url, as Graph encodes a
// sharing URL.
func decodeShareID(id string) (string, bool) {
	switch {
	case strings.HasPrefix(id, "s!"):
		return id[2:], len(id) > 2
	case strings.HasPrefix(id, "u!"):
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(id[2:], "="))
		if err != nil {
			return "", false
		}
		u, err := url.Parse(string(raw))
		if err != nil {
			return "", false
		}
		p := strings.TrimRight(u.Path, "/")
		tok := p[strings.LastIndexByte(p, '/')+1:]
		return tok, tok != ""
	}
	return "", false
}

// shareTarget resolves a /shares/{id} request: the drive, the shared item
// and the access the link gives this caller (recorded as redeemed).
func shareTarget(ctx context.Context, c *core.Call) (*req, error) {
	token, ok := decodeShareID(c.Param("share"))
	if !ok {
		return nil, core.DriveInvalid("'%s' is not a shareId: use permission.shareId, or u! and the sharing URL in base64url.", c.Param("share"))
	}
	var r *req
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		lo, err := tx.Get(ctx, collShareLinks, "", token)
		if core.IsNotFound(err) {
			return core.DriveItemNotFound()
		}
		if err != nil {
			return err
		}
		var sl shareLink
		if err := core.FromDoc(lo.Data, &sl); err != nil {
			return err
		}
		d, err := core.GetDrive(ctx, tx, sl.Drive)
		if err != nil {
			return err
		}
		perm, err := tx.Get(ctx, core.DrivePermissionsCollection, d.ID, sl.Permission)
		if err != nil {
			return err
		}
		item, err := core.DriveItem(ctx, tx, d.ID, sl.Item)
		if err != nil {
			return err
		}
		if exp := core.Str(perm.Data, "expirationDateTime"); exp != "" {
			if t, err := time.Parse(time.RFC3339, exp); err == nil && !c.Now().Before(t) {
				return core.Errorf(http.StatusForbidden, "accessDenied", "The sharing link has expired.")
			}
		}
		link, _ := perm.Data["link"].(map[string]any)
		users := strs(perm.Data["_users"])
		uid := ""
		if c.Claims != nil && !c.Claims.AppOnly {
			uid = c.Claims.ObjectID
		}
		if core.Str(link, "scope") == "users" && !slices.Contains(users, uid) && (c.Claims == nil || !c.Claims.AppOnly) {
			return core.DriveAccessDenied()
		}
		role := core.DriveRoleRead
		if slices.Contains(strs(perm.Data["roles"]), "write") {
			role = core.DriveRoleWrite
		}
		r = &req{c: c, drive: d, item: item, share: item.ID, grants: []core.DriveGrant{{ItemID: item.ID, Role: role}}}
		if uid != "" && !slices.Contains(users, uid) {
			// The link is redeemed: the user keeps access through it.
			u, err := core.LookupUser(ctx, tx, uid)
			if err != nil {
				return err
			}
			perm.Data["_users"] = append(anyList(users), uid)
			ids, _ := perm.Data["grantedToIdentitiesV2"].([]any)
			ids = append(ids, map[string]any{"user": map[string]any{"id": u.ID, "displayName": u.DisplayName}})
			perm.Data["grantedToIdentitiesV2"], perm.Data["grantedToIdentities"] = ids, ids
			if err := tx.Put(ctx, perm); err != nil {
				return err
			}
			if err := indexShared(ctx, tx, uid, d.ID, item.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return r, err
}

// getShare answers GET /shares/{id}: the sharedDriveItem.
func getShare(ctx context.Context, c *core.Call) error {
	r, err := shareTarget(ctx, c)
	if err != nil {
		return err
	}
	var item map[string]any
	if err := c.Store().Read(ctx, func(tx *core.Tx) error {
		if err := r.need(ctx, tx, nil, core.DriveRoleRead); err != nil {
			return err
		}
		var err error
		item, err = r.present(ctx, tx, r.item, false)
		return err
	}); err != nil {
		return err
	}
	out := map[string]any{"id": c.Param("share"), "name": item["name"], "webUrl": item["webUrl"]}
	if owner, ok := r.drive.Object.Data["owner"]; ok {
		out["owner"] = owner
	}
	return writeShaped(c, http.StatusOK, "sharedDriveItem", c.RootURL()+"$metadata#shares/$entity", out)
}

// serveShare answers /shares/{id}/driveItem[/...], /shares/{id}/root[/...]
// and /shares/{id}/items/{item}[/...] with the link's access, confined to
// the shared item and what is below it.
func serveShare(ctx context.Context, c *core.Call) error {
	r, err := shareTarget(ctx, c)
	if err != nil {
		return err
	}
	segs := c.Segments()
	switch {
	case strings.EqualFold(segs[0], "driveItem"), strings.EqualFold(segs[0], "root"):
		r.action = segs[1:]
		return r.dispatch(ctx)
	case strings.EqualFold(segs[0], "items") && len(segs) > 1:
		if err := r.resolve(ctx, segs); err != nil {
			return err
		}
		return r.dispatch(ctx)
	case strings.EqualFold(segs[0], "permission") && len(segs) == 1:
		token, _ := decodeShareID(c.Param("share"))
		var out map[string]any
		err := c.Store().Read(ctx, func(tx *core.Tx) error {
			lo, err := tx.Get(ctx, collShareLinks, "", token)
			if err != nil {
				return err
			}
			perm, err := tx.Get(ctx, core.DrivePermissionsCollection, r.drive.ID, core.Str(lo.Data, "permission"))
			if err != nil {
				return err
			}
			out = presentPermission(perm, "")
			return nil
		})
		if err != nil {
			return err
		}
		return writeShaped(c, http.StatusOK, "permission", c.RootURL()+"$metadata#permission", out)
	}
	return core.BadRequest("Resource not found for the segment '%s'.", segs[0])
}
