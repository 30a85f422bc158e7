package sandbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/o365go/o365/sandbox/internal/identity"
	"github.com/o365go/o365/sandbox/internal/odata"
)

// Directory collections. Links are stored one object per edge: the owner
// is the source (group or user) and the id the target.
const (
	collUsers        = "users"
	collGroups       = "groups"
	collOrganization = "organization"
	collApps         = "sandbox.apps"   // app registrations, never served as Graph data
	collPhotos       = "sandbox.photos" // photo metadata; the bytes are blob "photo:{user id}"

	linkMember      = "links.member"       // group -> user
	linkMemberOf    = "links.memberOf"     // user -> group (reverse of member)
	linkOwner       = "links.owner"        // group -> user
	linkManager     = "links.manager"      // user -> manager
	linkDirectReprt = "links.directReport" // manager -> user (reverse of manager)
)

// maxPhotoSize caps profile photo uploads (Graph allows 4 MB).
const maxPhotoSize = 4 << 20

// dirUser is the identity of a directory user, as routes need it.
type dirUser struct {
	ID, UPN, Mail, DisplayName string
}

// userByLoginQuery finds a user id by UPN or mail. The literal collection
// name lets SQLite use the partial indexes users_by_upn and users_by_mail.
const userByLoginQuery = `SELECT id FROM objects WHERE collection = 'users' AND owner = '' AND
	lower(json_extract(data, '$.userPrincipalName')) = lower(?1)
	UNION ALL SELECT id FROM objects WHERE collection = 'users' AND owner = '' AND
	lower(json_extract(data, '$.mail')) = lower(?1) LIMIT 1`

// lookupUser finds a user by object id, UPN or mail (case-insensitive);
// the error wraps errNotFound.
func lookupUser(ctx context.Context, tx *txn, login string) (*dirUser, error) {
	o, err := tx.get(ctx, collUsers, "", login)
	if isNotFound(err) {
		var id string
		qerr := tx.q.QueryRowContext(ctx, userByLoginQuery, login).Scan(&id)
		if errors.Is(qerr, sql.ErrNoRows) {
			return nil, err
		}
		if qerr != nil {
			return nil, fmt.Errorf("sandbox: look up user: %w", qerr)
		}
		o, err = tx.get(ctx, collUsers, "", id)
	}
	if err != nil {
		return nil, err
	}
	str := func(k string) string { s, _ := o.Data[k].(string); return s }
	return &dirUser{ID: o.ID, UPN: str("userPrincipalName"), Mail: str("mail"), DisplayName: str("displayName")}, nil
}

// linkReverse pairs each directory link kind with its reverse; owner links
// have none.
var linkReverse = map[string]string{
	linkMember: linkMemberOf, linkMemberOf: linkMember,
	linkManager: linkDirectReprt, linkDirectReprt: linkManager,
}

// addLink records a directory edge and its reverse where there is one.
func addLink(ctx context.Context, tx *txn, kind, from, to string) error {
	if err := tx.put(ctx, &object{Collection: kind, Owner: from, ID: to, Data: map[string]any{}}); err != nil {
		return err
	}
	if rev, ok := linkReverse[kind]; ok {
		return tx.put(ctx, &object{Collection: rev, Owner: to, ID: from, Data: map[string]any{}})
	}
	return nil
}

// removeLink deletes a directory edge (wrapping errNotFound when it is
// absent) and its reverse where there is one.
func removeLink(ctx context.Context, tx *txn, kind, from, to string) error {
	if err := tx.delete(ctx, kind, from, to); err != nil {
		return err
	}
	if rev, ok := linkReverse[kind]; ok {
		if err := tx.delete(ctx, rev, to, from); err != nil && !isNotFound(err) {
			return err
		}
	}
	return nil
}

// setManager makes manager the manager of user, replacing any other.
func setManager(ctx context.Context, tx *txn, user, manager string) error {
	old, err := tx.list(ctx, scope{Collection: linkManager, Owner: user}, false, 0, 0)
	if err != nil {
		return err
	}
	for _, o := range old {
		if err := removeLink(ctx, tx, linkManager, user, o.ID); err != nil {
			return err
		}
	}
	return addLink(ctx, tx, linkManager, user, manager)
}

// linkedDocs loads the targets of the links of one source, tagged with
// their @odata.type as Graph does in directoryObject collections.
func linkedDocs(ctx context.Context, tx *txn, kind, from string) ([]map[string]any, error) {
	links, err := tx.list(ctx, scope{Collection: kind, Owner: from}, false, 0, 0)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, l := range links {
		coll, typ := collUsers, "#microsoft.graph.user"
		if kind == linkMemberOf {
			coll, typ = collGroups, "#microsoft.graph.group"
		}
		o, err := tx.get(ctx, coll, "", l.ID)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		o.Data["@odata.type"] = typ
		out = append(out, o.Data)
	}
	return out, nil
}

// appRegistration is a registered application as stored in collApps.
type appRegistration = identity.App

func putApp(ctx context.Context, tx *txn, a appRegistration) error {
	doc, err := toDoc(a)
	if err != nil {
		return err
	}
	return tx.put(ctx, &object{Collection: collApps, ID: a.ClientID, Data: doc})
}

func passwordKey(userID string) string { return "sandbox:password:" + userID }

// idpDirectory lets the identity provider see the tenant's users and apps.
type idpDirectory struct{ s *Server }

func (d idpDirectory) UserByLogin(ctx context.Context, login string) (identity.User, error) {
	var u identity.User
	err := d.s.st.read(ctx, func(tx *txn) error {
		du, err := lookupUser(ctx, tx, login)
		if err != nil {
			return err
		}
		pw, _, err := tx.kvGet(ctx, passwordKey(du.ID))
		u = identity.User{ID: du.ID, UserPrincipalName: du.UPN, DisplayName: du.DisplayName, Mail: du.Mail, Password: string(pw)}
		return err
	})
	if isNotFound(err) {
		return u, fmt.Errorf("user %q: %w", login, identity.ErrNotFound)
	}
	return u, err
}

func (d idpDirectory) App(ctx context.Context, clientID string) (identity.App, error) {
	var a identity.App
	err := d.s.st.read(ctx, func(tx *txn) error {
		o, err := tx.get(ctx, collApps, "", clientID)
		if err != nil {
			return err
		}
		return fromDoc(o.Data, &a)
	})
	if isNotFound(err) {
		return a, fmt.Errorf("app %q: %w", clientID, identity.ErrNotFound)
	}
	return a, err
}

// idpKV gives the identity provider its own key space in the store.
type idpKV struct{ st *store }

const idpKVPrefix = "idp:"

func (k idpKV) Get(ctx context.Context, key string) (val []byte, ok bool, err error) {
	err = k.st.read(ctx, func(tx *txn) error {
		val, ok, err = tx.kvGet(ctx, idpKVPrefix+key)
		return err
	})
	return val, ok, err
}

func (k idpKV) Put(ctx context.Context, key string, val []byte, expires time.Time) error {
	return k.st.write(ctx, func(tx *txn) error { return tx.kvPut(ctx, idpKVPrefix+key, val, expires) })
}

func (k idpKV) Delete(ctx context.Context, key string) error {
	return k.st.write(ctx, func(tx *txn) error { return tx.kvDelete(ctx, idpKVPrefix+key) })
}

// Permissions of the directory routes.
var (
	readSelfScopes  = []string{"User.Read", "User.ReadWrite", "User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	readUsersScopes = []string{"User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	readUsersRoles  = []string{"User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	writeSelfScopes = []string{"User.ReadWrite", "User.ReadWrite.All", "Directory.ReadWrite.All"}
	writeUsersScope = []string{"User.ReadWrite.All", "Directory.ReadWrite.All"}
	writeUsersRoles = []string{"User.ReadWrite.All", "Directory.ReadWrite.All"}
	readGroupScopes = []string{"Group.Read.All", "Group.ReadWrite.All", "GroupMember.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	readGroupRoles  = []string{"Group.Read.All", "Group.ReadWrite.All", "GroupMember.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	readOrgScopes   = []string{"User.Read", "Organization.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	readOrgRoles    = []string{"Organization.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"}
)

// directorySpec lists a directory collection with Graph's directory rules.
func directorySpec(coll string) listSpec {
	spec := listSpec{
		Scope:        scope{Collection: coll},
		DefaultTop:   100,
		MaxTop:       999,
		Directory:    true,
		SearchFields: []string{"displayName", "mail", "userPrincipalName", "givenName", "surname", "mailNickname", "description"},
	}
	switch coll {
	case collUsers:
		spec.Expand = map[string]expander{
			"manager":       expandLinks(linkManager, true),
			"directReports": expandLinks(linkDirectReprt, false),
			"memberOf":      expandLinks(linkMemberOf, false),
		}
	case collGroups:
		spec.Expand = map[string]expander{
			"members": expandLinks(linkMember, false),
			"owners":  expandLinks(linkOwner, false),
		}
	}
	return spec
}

// expandLinks serves $expand of a directory link: a single object (nil when
// absent) or a collection, each with the expand's own $select.
func expandLinks(kind string, single bool) expander {
	return func(ctx context.Context, c *call, doc map[string]any, item odata.ExpandItem) (any, error) {
		id, _ := doc["id"].(string)
		var docs []map[string]any
		err := c.s.st.read(ctx, func(tx *txn) error {
			var err error
			docs, err = linkedDocs(ctx, tx, kind, id)
			return err
		})
		if err != nil {
			return nil, err
		}
		var sel []string
		if item.Options != nil {
			sel = item.Options.Select
		}
		out := make([]any, 0, len(docs))
		for _, d := range docs {
			out = append(out, odata.Project(d, sel))
		}
		if single {
			if len(out) == 0 {
				return nil, nil
			}
			return out[0], nil
		}
		return out, nil
	}
}

// linkSpec lists the targets of a directory link, e.g. a group's members.
func linkSpec(kind, from string) listSpec {
	spec := directorySpec("")
	spec.Load = func(ctx context.Context, tx *txn) ([]map[string]any, error) { return linkedDocs(ctx, tx, kind, from) }
	return spec
}

func init() {
	registerArea(area{
		Name: "directory",
		Routes: []route{
			{Method: http.MethodGet, Pattern: "{user}", Scopes: readSelfScopes, SharedScopes: readUsersScopes, Roles: readUsersRoles, Handle: getUser},
			{Method: http.MethodPatch, Pattern: "{user}", Scopes: writeSelfScopes, SharedScopes: writeUsersScope, Roles: writeUsersRoles, Handle: patchUser},
			{Method: http.MethodGet, Pattern: "users", Scopes: readUsersScopes, Roles: readUsersRoles, Handle: listUsers},
			{Method: http.MethodGet, Pattern: "users/$count", Scopes: readUsersScopes, Roles: readUsersRoles, Handle: countUsers},
			{Method: http.MethodGet, Pattern: "users/delta", Scopes: readUsersScopes, Roles: readUsersRoles, Handle: deltaUsers},
			{Method: http.MethodGet, Pattern: "{user}/manager", Scopes: readUsersScopes, SharedScopes: readUsersScopes, Roles: readUsersRoles, Handle: getManager},
			{Method: http.MethodGet, Pattern: "{user}/directReports", Scopes: readUsersScopes, SharedScopes: readUsersScopes, Roles: readUsersRoles, Handle: listDirectReports},
			{Method: http.MethodGet, Pattern: "{user}/memberOf", Scopes: append(append([]string{}, readUsersScopes...), readGroupScopes...), SharedScopes: readGroupScopes, Roles: readGroupRoles, Handle: listMemberOf},
			{Method: http.MethodGet, Pattern: "{user}/photo", Scopes: readSelfScopes, SharedScopes: readUsersScopes, Roles: readUsersRoles, Handle: getPhotoMeta},
			{Method: http.MethodGet, Pattern: "{user}/photo/$value", Scopes: readSelfScopes, SharedScopes: readUsersScopes, Roles: readUsersRoles, Handle: getPhoto},
			{Method: http.MethodPut, Pattern: "{user}/photo/$value", Scopes: writeSelfScopes, SharedScopes: writeUsersScope, Roles: writeUsersRoles, Handle: putPhoto},
			{Method: http.MethodGet, Pattern: "groups", Scopes: readGroupScopes, Roles: readGroupRoles, Handle: listGroups},
			{Method: http.MethodGet, Pattern: "groups/$count", Scopes: readGroupScopes, Roles: readGroupRoles, Handle: countGroups},
			{Method: http.MethodGet, Pattern: "groups/delta", Scopes: readGroupScopes, Roles: readGroupRoles, Handle: deltaGroups},
			{Method: http.MethodGet, Pattern: "groups/{id}", Scopes: readGroupScopes, Roles: readGroupRoles, Handle: getGroup},
			{Method: http.MethodGet, Pattern: "groups/{id}/members", Scopes: readGroupScopes, Roles: readGroupRoles, Handle: listMembers},
			{Method: http.MethodGet, Pattern: "groups/{id}/members/$count", Scopes: readGroupScopes, Roles: readGroupRoles, Handle: countMembers},
			{Method: http.MethodGet, Pattern: "groups/{id}/owners", Scopes: readGroupScopes, Roles: readGroupRoles, Handle: listOwners},
			{Method: http.MethodGet, Pattern: "organization", Scopes: readOrgScopes, Roles: readOrgRoles, Handle: listOrganization},
		},
		Subscriptions: []subscribable{
			{Pattern: "users", MaxExpiry: 41760 * time.Minute, ODataType: "#Microsoft.Graph.User",
				Scope: func(context.Context, *call) (scope, error) { return scope{Collection: collUsers}, nil }},
			{Pattern: "groups", MaxExpiry: 41760 * time.Minute, ODataType: "#Microsoft.Graph.Group",
				Scope: func(context.Context, *call) (scope, error) { return scope{Collection: collGroups}, nil }},
		},
	})
}

func getUser(ctx context.Context, c *call) error {
	return c.getEntity(ctx, directorySpec(collUsers), c.user.ID)
}

// userReadOnly are properties a PATCH of a user may not change.
var userReadOnly = []string{"userPrincipalName", "mail", "createdDateTime", "userType"}

// patchUser answers 204, as Graph does for users.
func patchUser(ctx context.Context, c *call) error {
	if _, err := c.patchStored(ctx, scope{Collection: collUsers}, c.user.ID, userReadOnly...); err != nil {
		return err
	}
	return c.noContent()
}

func listUsers(ctx context.Context, c *call) error { return c.list(ctx, directorySpec(collUsers)) }
func countUsers(ctx context.Context, c *call) error {
	return c.countOnly(ctx, directorySpec(collUsers))
}
func listGroups(ctx context.Context, c *call) error { return c.list(ctx, directorySpec(collGroups)) }
func countGroups(ctx context.Context, c *call) error {
	return c.countOnly(ctx, directorySpec(collGroups))
}

func deltaUsers(ctx context.Context, c *call) error {
	return c.delta(ctx, deltaSpec{Scope: scope{Collection: collUsers}, PageSize: 100})
}

func deltaGroups(ctx context.Context, c *call) error {
	return c.delta(ctx, deltaSpec{Scope: scope{Collection: collGroups}, PageSize: 100})
}

func getGroup(ctx context.Context, c *call) error {
	err := c.getEntity(ctx, directorySpec(collGroups), c.param("id"))
	if isNotFound(err) {
		return errResourceNotFound(c.param("id"))
	}
	return err
}

// groupExists answers 404 in Graph's words for an unknown group.
func groupExists(ctx context.Context, c *call) error {
	err := c.s.st.read(ctx, func(tx *txn) error {
		_, err := tx.get(ctx, collGroups, "", c.param("id"))
		return err
	})
	if isNotFound(err) {
		return errResourceNotFound(c.param("id"))
	}
	return err
}

func listMembers(ctx context.Context, c *call) error {
	if err := groupExists(ctx, c); err != nil {
		return err
	}
	return c.list(ctx, linkSpec(linkMember, c.param("id")))
}

func countMembers(ctx context.Context, c *call) error {
	if err := groupExists(ctx, c); err != nil {
		return err
	}
	spec := directorySpec(linkMember)
	spec.Scope.Owner = c.param("id")
	return c.countOnly(ctx, spec)
}

func listOwners(ctx context.Context, c *call) error {
	if err := groupExists(ctx, c); err != nil {
		return err
	}
	return c.list(ctx, linkSpec(linkOwner, c.param("id")))
}

func listDirectReports(ctx context.Context, c *call) error {
	return c.list(ctx, linkSpec(linkDirectReprt, c.user.ID))
}

func listMemberOf(ctx context.Context, c *call) error {
	return c.list(ctx, linkSpec(linkMemberOf, c.user.ID))
}

func getManager(ctx context.Context, c *call) error {
	var docs []map[string]any
	err := c.s.st.read(ctx, func(tx *txn) error {
		var err error
		docs, err = linkedDocs(ctx, tx, linkManager, c.user.ID)
		return err
	})
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		return errResourceNotFound("manager")
	}
	opts, err := c.queryOptions()
	if err != nil {
		return err
	}
	out := odata.Project(docs[0], opts.Select)
	out["@odata.context"] = c.rootURL() + "$metadata#directoryObjects/$entity"
	return c.writeJSON(http.StatusOK, out)
}

func listOrganization(ctx context.Context, c *call) error {
	return c.list(ctx, listSpec{Scope: scope{Collection: collOrganization}, DefaultTop: 100})
}

func errImageNotFound() *apiError {
	return errorf(http.StatusNotFound, "ImageNotFound",
		"Exception of type 'Microsoft.Fast.Profile.Core.Exception.ImageNotFoundException' was thrown.")
}

// photoMeta loads the metadata of the addressed user's photo: 404
// ImageNotFound when there is none.
func photoMeta(ctx context.Context, c *call) (*object, error) {
	var o *object
	err := c.s.st.read(ctx, func(tx *txn) error {
		var err error
		o, err = tx.get(ctx, collPhotos, "", c.user.ID)
		return err
	})
	if isNotFound(err) {
		return nil, errImageNotFound()
	}
	return o, err
}

func getPhotoMeta(ctx context.Context, c *call) error {
	o, err := photoMeta(ctx, c)
	if err != nil {
		return err
	}
	return c.entity(http.StatusOK, map[string]any{
		"id":                      "default",
		"height":                  nil,
		"width":                   nil,
		"@odata.mediaContentType": o.Data["contentType"],
		"@odata.mediaEtag":        o.Data["etag"],
	})
}

func getPhoto(ctx context.Context, c *call) error {
	meta, err := photoMeta(ctx, c)
	if err != nil {
		return err
	}
	b, err := c.s.st.openBlob(ctx, "photo:"+c.user.ID)
	if err != nil {
		return err
	}
	ct, _ := meta.Data["contentType"].(string)
	c.w.Header().Set("Content-Type", ct)
	if etag, ok := meta.Data["etag"].(string); ok {
		c.w.Header().Set("ETag", etag)
	}
	http.ServeContent(c.w, c.r, "", time.Time{}, b)
	return nil
}

func putPhoto(ctx context.Context, c *call) error {
	ct := c.r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || !strings.HasPrefix(mt, "image/") {
		return errorf(http.StatusUnsupportedMediaType, "UnsupportedMediaType",
			"Content-Type %q is not an image; send image/jpeg or image/png.", ct)
	}
	data, err := io.ReadAll(http.MaxBytesReader(c.w, c.r.Body, maxPhotoSize))
	if err != nil {
		return errorf(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "Photos are limited to %d bytes.", maxPhotoSize)
	}
	if len(data) == 0 {
		return errBadRequest("The photo is empty; send the image bytes as the request body.")
	}
	sum := sha256.Sum256(data)
	etag := `W/"` + hex.EncodeToString(sum[:8]) + `"`
	err = c.s.st.write(ctx, func(tx *txn) error {
		if _, err := tx.writeBlob(ctx, "photo:"+c.user.ID, 0, bytes.NewReader(data)); err != nil {
			return err
		}
		return tx.put(ctx, &object{Collection: collPhotos, ID: c.user.ID, Data: map[string]any{
			"contentType": mt, "etag": etag, "size": strconv.Itoa(len(data)),
		}})
	})
	if err != nil {
		return err
	}
	c.w.WriteHeader(http.StatusOK)
	return nil
}
