// Package directory is the sandbox's directory area: users, groups and
// their links (members, owners, manager, direct reports), the
// organization, profile photos, the people relevant to a user (/people),
// and the demo tenant's people, groups and
// registered apps.
//
// Storage: users are core.UsersCollection objects (tenant-wide, owner ""),
// groups "groups" objects; each link is one object per edge in a "links.*"
// collection, owned by its source, with the target as id.
package directory

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/odata"
)

// Directory collections. Links are stored one object per edge: the owner
// is the source (group or user) and the id the target.
const (
	collUsers        = core.UsersCollection
	collGroups       = core.GroupsCollection
	collOrganization = "organization"

	linkMember      = core.GroupMembersCollection // group -> user or group
	linkMemberOf    = core.MemberOfCollection     // user or group -> group (reverse of member)
	linkOwner       = core.GroupOwnersCollection  // group -> user
	linkManager     = "links.manager"             // user -> manager
	linkDirectReprt = "links.directReport"        // manager -> user (reverse of manager)
)

// linkReverse pairs each directory link kind with its reverse; owner links
// have none.
var linkReverse = map[string]string{
	linkMember: linkMemberOf, linkMemberOf: linkMember,
	linkManager: linkDirectReprt, linkDirectReprt: linkManager,
}

// addLink records a directory edge and its reverse where there is one. A
// change of a group's members touches the group, for groups delta.
func addLink(ctx context.Context, tx *core.Tx, kind, from, to string) error {
	if err := tx.Put(ctx, &core.Object{Collection: kind, Owner: from, ID: to, Data: map[string]any{}}); err != nil {
		return err
	}
	if kind == linkMember {
		if err := touchGroup(ctx, tx, from); err != nil {
			return err
		}
	}
	if rev, ok := linkReverse[kind]; ok {
		return tx.Put(ctx, &core.Object{Collection: rev, Owner: to, ID: from, Data: map[string]any{}})
	}
	return nil
}

// removeLink deletes a directory edge (wrapping ErrNotFound when it is
// absent) and its reverse where there is one.
func removeLink(ctx context.Context, tx *core.Tx, kind, from, to string) error {
	if err := tx.Delete(ctx, kind, from, to); err != nil {
		return err
	}
	if kind == linkMember {
		if err := touchGroup(ctx, tx, from); err != nil {
			return err
		}
	}
	if rev, ok := linkReverse[kind]; ok {
		if err := tx.Delete(ctx, rev, to, from); err != nil && !core.IsNotFound(err) {
			return err
		}
	}
	return nil
}

// setManager makes manager the manager of user, replacing any other.
func setManager(ctx context.Context, tx *core.Tx, user, manager string) error {
	old, err := tx.List(ctx, core.Scope{Collection: linkManager, Owner: user}, false, 0, 0)
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
func linkedDocs(ctx context.Context, tx *core.Tx, kind, from string) ([]map[string]any, error) {
	links, err := tx.List(ctx, core.Scope{Collection: kind, Owner: from}, false, 0, 0)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, l := range links {
		doc, err := directoryObject(ctx, tx, l.ID)
		if err != nil {
			return nil, err
		}
		if doc != nil {
			out = append(out, doc)
		}
	}
	return out, nil
}

// directoryObject loads a user or a group by id, tagged with its
// @odata.type as Graph does in directoryObject collections; nil when there
// is neither.
func directoryObject(ctx context.Context, tx *core.Tx, id string) (map[string]any, error) {
	for _, k := range []struct{ coll, typ string }{{collUsers, "#microsoft.graph.user"}, {collGroups, "#microsoft.graph.group"}} {
		o, err := getActive(ctx, tx, k.coll, id)
		if core.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		o.Data["@odata.type"] = k.typ
		return o.Data, nil
	}
	return nil, nil
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

// Graph types of the directory's answers.
const (
	typeUser            = "user"
	typeGroup           = "group"
	typeDirectoryObject = "directoryObject"
)

// directorySpec lists a directory collection of Graph type typ with
// Graph's directory rules.
func directorySpec(coll, typ string) core.ListSpec {
	spec := core.ListSpec{
		Scope:        activeScope(coll),
		Type:         typ,
		DefaultTop:   100,
		MaxTop:       999,
		Directory:    true,
		SearchFields: []string{"displayName", "mail", "userPrincipalName", "givenName", "surname", "mailNickname", "description"},
	}
	switch coll {
	case collUsers:
		spec.Expand = map[string]core.Expander{
			"manager":       expandLinks(linkManager, true),
			"directReports": expandLinks(linkDirectReprt, false),
			"memberOf":      expandLinks(linkMemberOf, false),
		}
	case collGroups:
		spec.Expand = map[string]core.Expander{
			"members": expandLinks(linkMember, false),
			"owners":  expandLinks(linkOwner, false),
		}
	}
	return spec
}

// expandLinks serves $expand of a directory link: a single object (nil when
// absent) or a collection (the core shapes them, with the expand's own
// $select).
func expandLinks(kind string, single bool) core.Expander {
	return func(ctx context.Context, c *core.Call, doc map[string]any, _ odata.ExpandItem) (any, error) {
		id, _ := doc["id"].(string)
		var docs []map[string]any
		err := c.Store().Read(ctx, func(tx *core.Tx) error {
			var err error
			docs, err = linkedDocs(ctx, tx, kind, id)
			return err
		})
		if err != nil {
			return nil, err
		}
		out := make([]any, 0, len(docs))
		for _, d := range docs {
			out = append(out, d)
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
func linkSpec(kind, from string) core.ListSpec {
	spec := directorySpec("", typeDirectoryObject)
	spec.Load = func(ctx context.Context, tx *core.Tx) ([]map[string]any, error) {
		return linkedDocs(ctx, tx, kind, from)
	}
	return spec
}

// Area is the directory area, to serve with core.Config.Areas.
func Area() core.Area {
	routes := append([]core.Route{
		{Method: http.MethodGet, Pattern: "{user}", Scopes: readSelfScopes, SharedScopes: readUsersScopes, Roles: readUsersRoles, Handle: getUser},
		{Method: http.MethodPatch, Pattern: "{user}", Scopes: writeSelfScopes, SharedScopes: writeUsersScope, Roles: writeUsersRoles, Handle: patchUser},
		{Method: http.MethodGet, Pattern: "users", Scopes: readUsersScopes, Roles: readUsersRoles, Handle: listUsers},
		{Method: http.MethodGet, Pattern: "users/$count", Scopes: readUsersScopes, Roles: readUsersRoles, Handle: countUsers},
		{Method: http.MethodGet, Pattern: "users/delta", Scopes: readUsersScopes, Roles: readUsersRoles, Handle: deltaUsers},
		{Method: http.MethodGet, Pattern: "{user}/manager", Scopes: readUsersScopes, SharedScopes: readUsersScopes, Roles: readUsersRoles, Handle: getManager},
		{Method: http.MethodGet, Pattern: "{user}/directReports", Scopes: readUsersScopes, SharedScopes: readUsersScopes, Roles: readUsersRoles, Handle: listDirectReports},
		{Method: http.MethodGet, Pattern: "{user}/memberOf", Scopes: append(append([]string{}, readUsersScopes...), readGroupScopes...), SharedScopes: readGroupScopes, Roles: readGroupRoles, Handle: listMemberOf},
		{Method: http.MethodGet, Pattern: "groups", Scopes: readGroupScopes, Roles: readGroupRoles, Handle: listGroups},
		{Method: http.MethodGet, Pattern: "groups/$count", Scopes: readGroupScopes, Roles: readGroupRoles, Handle: countGroups},
		{Method: http.MethodGet, Pattern: "groups/delta", Scopes: readGroupScopes, Roles: readGroupRoles, Handle: deltaGroups},
		{Method: http.MethodGet, Pattern: "groups/{id}", Scopes: readGroupScopes, Roles: readGroupRoles, Handle: getGroup},
		{Method: http.MethodGet, Pattern: "groups/{id}/members", Scopes: readGroupScopes, Roles: readGroupRoles, Handle: listMembers},
		{Method: http.MethodGet, Pattern: "groups/{id}/members/$count", Scopes: readGroupScopes, Roles: readGroupRoles, Handle: countMembers},
		{Method: http.MethodGet, Pattern: "groups/{id}/owners", Scopes: readGroupScopes, Roles: readGroupRoles, Handle: listOwners},
		{Method: http.MethodGet, Pattern: "groups/{id}/members/$ref", Scopes: readGroupScopes, Roles: readGroupRoles, Handle: listGroupRefs(linkMember)},
		{Method: http.MethodGet, Pattern: "groups/{id}/owners/$ref", Scopes: readGroupScopes, Roles: readGroupRoles, Handle: listGroupRefs(linkOwner)},
		{Method: http.MethodGet, Pattern: "organization", Scopes: readOrgScopes, Roles: readOrgRoles, Handle: listOrganization},
	}, slices.Concat(directoryWriteRoutes(), membershipRoutes(), deletedRoutes())...)
	// A token without the permission gets Entra ID's 403, not Exchange's;
	// profile photos are Exchange's.
	for i := range routes {
		routes[i].Denied = core.InsufficientPrivileges
	}
	routes = append(routes, photoRoutes()...)
	routes = append(routes, peopleRoutes()...)
	return core.Area{
		Name:   "directory",
		Routes: routes,
		Knobs:  []core.Knob{{Name: knobExtraUsers, Doc: "generated users in the directory"}},
		Seed:   seedDirectory,
		Subscriptions: []core.Subscribable{
			{Pattern: "users", MaxExpiry: 41760 * time.Minute, ODataType: "#Microsoft.Graph.User",
				Scope: func(context.Context, *core.Call) (core.Scope, error) { return activeScope(collUsers), nil }},
			{Pattern: "groups", MaxExpiry: 41760 * time.Minute, ODataType: "#Microsoft.Graph.Group",
				Scope: func(context.Context, *core.Call) (core.Scope, error) { return activeScope(collGroups), nil }},
		},
	}
}

func getUser(ctx context.Context, c *core.Call) error {
	return c.GetEntity(ctx, directorySpec(collUsers, typeUser), c.User.ID)
}

// userReadOnly are properties a PATCH of a user may not set: 400, as
// Graph answers.
var userReadOnly = []string{"id", "createdDateTime", "deletedDateTime", "securityIdentifier", "creationType",
	"onPremisesSyncEnabled", "onPremisesSecurityIdentifier", "onPremisesLastSyncDateTime", "externalUserState",
	"externalUserStateChangeDateTime", "signInSessionsValidFromDateTime", "assignedPlans", "provisionedPlans", "proxyAddresses"}

// patchUser changes a user; 204, as Graph answers. A new
// userPrincipalName or mail must be in the tenant's domain and unused; a
// passwordProfile sets the password the user signs in with (never stored
// in the document); accountEnabled false stops sign-in.
func patchUser(ctx context.Context, c *core.Call) error {
	var patch map[string]any
	if err := c.Decode(&patch); err != nil {
		return err
	}
	for k := range patch {
		if core.ContainsFold(userReadOnly, k) {
			return errDirectoryBadRequest("Property '%s' is read-only and cannot be set.", k)
		}
	}
	password := ""
	if v, ok := core.LookupFold(patch, "passwordProfile"); ok {
		pp, _ := v.(map[string]any)
		password, _ = pp["password"].(string)
		if password == "" {
			return errDirectoryBadRequest("Property passwordProfile.password is required.")
		}
		for k := range patch {
			if strings.EqualFold(k, "passwordProfile") {
				delete(patch, k)
			}
		}
	}
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		o, err := getActive(ctx, tx, collUsers, c.User.ID)
		if err != nil {
			return err
		}
		for _, prop := range []string{"userPrincipalName", "mail"} {
			v, ok := core.LookupFold(patch, prop)
			if !ok {
				continue
			}
			addr, _ := v.(string)
			local, domain, found := strings.Cut(addr, "@")
			if !found || local == "" || !strings.EqualFold(domain, c.Domain()) {
				return errDirectoryBadRequest("Property %s is invalid: use NAME@%s.", prop, c.Domain())
			}
			if u, err := core.LookupUser(ctx, tx, addr); err == nil && u.ID != o.ID {
				return errDirectoryBadRequest("Another object with the same value for property %s already exists.", prop)
			} else if err != nil && !core.IsNotFound(err) {
				return err
			}
		}
		core.PatchDocument(o.Data, patch)
		if err := tx.Put(ctx, o); err != nil {
			return err
		}
		if password != "" {
			return core.SetPassword(ctx, tx, o.ID, password)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

func listUsers(ctx context.Context, c *core.Call) error {
	return c.List(ctx, directorySpec(collUsers, typeUser))
}
func countUsers(ctx context.Context, c *core.Call) error {
	return c.CountOnly(ctx, directorySpec(collUsers, typeUser))
}
func listGroups(ctx context.Context, c *core.Call) error {
	return c.List(ctx, directorySpec(collGroups, typeGroup))
}
func countGroups(ctx context.Context, c *core.Call) error {
	return c.CountOnly(ctx, directorySpec(collGroups, typeGroup))
}

// deltaUsers tracks the users that are not deleted: one deleted into
// deletedItems leaves the scope ("changed"), one purged is "deleted".
func deltaUsers(ctx context.Context, c *core.Call) error {
	return c.Delta(ctx, core.DeltaSpec{Scope: activeScope(collUsers), Type: typeUser, PageSize: 100})
}

// deltaGroups tracks the groups, each with its members@delta: every member
// in a first round, then the members added and removed since the previous
// round (a membership change touches the group, so it is in the round).
func deltaGroups(ctx context.Context, c *core.Call) error {
	return c.Delta(ctx, core.DeltaSpec{Scope: activeScope(collGroups), Type: typeGroup, PageSize: 100,
		Annotate: membersDelta})
}

// membersDelta adds a group's members@delta to a delta round's answer.
func membersDelta(ctx context.Context, tx *core.Tx, out map[string]any, after, upTo int64) error {
	id := core.Str(out, "id")
	chs, err := tx.RoundChanges(ctx, core.Scope{Collection: linkMember, Owner: id}, after, upTo)
	if err != nil || len(chs) == 0 {
		return err
	}
	list := make([]any, 0, len(chs))
	for _, ch := range chs {
		typ := "#microsoft.graph.user"
		if _, err := tx.Get(ctx, collGroups, "", ch.ID); err == nil {
			typ = "#microsoft.graph.group"
		}
		e := map[string]any{"@odata.type": typ, "id": ch.ID}
		if ch.Gone {
			e["@removed"] = map[string]any{"reason": "deleted"}
		}
		list = append(list, e)
	}
	out["members@delta"] = list
	return nil
}

func getGroup(ctx context.Context, c *core.Call) error {
	err := c.GetEntity(ctx, directorySpec(collGroups, typeGroup), c.Param("id"))
	if core.IsNotFound(err) {
		return core.ResourceNotFound(c.Param("id"))
	}
	return err
}

// groupExists answers 404 in Graph's words for an unknown (or deleted)
// group.
func groupExists(ctx context.Context, c *core.Call) error {
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		_, err := getActive(ctx, tx, collGroups, c.Param("id"))
		return err
	})
	if core.IsNotFound(err) {
		return core.ResourceNotFound(c.Param("id"))
	}
	return err
}

func listMembers(ctx context.Context, c *core.Call) error {
	if err := groupExists(ctx, c); err != nil {
		return err
	}
	return c.List(ctx, linkSpec(linkMember, c.Param("id")))
}

func countMembers(ctx context.Context, c *core.Call) error {
	if err := groupExists(ctx, c); err != nil {
		return err
	}
	spec := directorySpec(linkMember, typeDirectoryObject)
	spec.Scope.Owner = c.Param("id")
	return c.CountOnly(ctx, spec)
}

func listOwners(ctx context.Context, c *core.Call) error {
	if err := groupExists(ctx, c); err != nil {
		return err
	}
	return c.List(ctx, linkSpec(linkOwner, c.Param("id")))
}

// listGroupRefs answers GET groups/{id}/members/$ref (or owners/$ref):
// the links themselves, {"@odata.id": ".../directoryObjects/{id}"} each,
// as OData writes a collection of entity references, paged and counted
// like the objects.
func listGroupRefs(kind string) core.HandlerFunc {
	return func(ctx context.Context, c *core.Call) error {
		if err := groupExists(ctx, c); err != nil {
			return err
		}
		spec := linkSpec(kind, c.Param("id"))
		spec.Type = "" // a reference has no properties to shape or select
		spec.Present = func(c *core.Call, doc map[string]any) map[string]any {
			return map[string]any{"@odata.id": c.RootURL() + "directoryObjects/" + core.Str(doc, "id")}
		}
		return c.List(ctx, spec)
	}
}

func listDirectReports(ctx context.Context, c *core.Call) error {
	return c.List(ctx, linkSpec(linkDirectReprt, c.User.ID))
}

func listMemberOf(ctx context.Context, c *core.Call) error {
	return c.List(ctx, linkSpec(linkMemberOf, c.User.ID))
}

func getManager(ctx context.Context, c *core.Call) error {
	var docs []map[string]any
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		docs, err = linkedDocs(ctx, tx, linkManager, c.User.ID)
		return err
	})
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		return core.ResourceNotFound("manager")
	}
	out, err := c.Shape(typeDirectoryObject, docs[0])
	if err != nil {
		return err
	}
	out["@odata.context"] = c.RootURL() + "$metadata#directoryObjects/$entity"
	return c.WriteJSON(http.StatusOK, out)
}

func listOrganization(ctx context.Context, c *core.Call) error {
	return c.List(ctx, core.ListSpec{Scope: core.Scope{Collection: collOrganization}, Type: "organization", DefaultTop: 100})
}
