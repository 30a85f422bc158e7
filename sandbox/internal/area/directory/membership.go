package directory

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/o365go/o365/sandbox/internal/core"
)

// Group membership beyond direct members: nested groups, transitive
// members and memberships, type casts (members/microsoft.graph.user), the
// membership actions (checkMemberGroups, getMemberGroups,
// checkMemberObjects, getMemberObjects), group updates and a user's
// manager reference.

// Directory actions, as Graph's schema declares them; their refusals use
// the directory's code.
var (
	actionCheckMemberGroups  = core.Action{Name: "checkMemberGroups", Code: "Request_BadRequest", Params: []core.ActionParam{{Name: "groupIds", Type: "Collection(Edm.String)"}}}
	actionCheckMemberObjects = core.Action{Name: "checkMemberObjects", Code: "Request_BadRequest", Params: []core.ActionParam{{Name: "ids", Type: "Collection(Edm.String)"}}}
	actionGetMemberGroups    = core.Action{Name: "getMemberGroups", Code: "Request_BadRequest", Params: []core.ActionParam{{Name: "securityEnabledOnly", Type: "Edm.Boolean"}}}
	actionGetMemberObjects   = core.Action{Name: "getMemberObjects", Code: "Request_BadRequest", Params: []core.ActionParam{{Name: "securityEnabledOnly", Type: "Edm.Boolean"}}}
)

// maxCheckIDs is how many ids checkMemberGroups and checkMemberObjects take.
const maxCheckIDs = 20

// Type casts of directoryObject collections.
const (
	castUser  = "microsoft.graph.user"
	castGroup = "microsoft.graph.group"
)

// docsOf loads directory objects by id, tagged with their types and kept
// to one type when cast is set.
func docsOf(ctx context.Context, tx *core.Tx, ids []string, cast string) ([]map[string]any, error) {
	var out []map[string]any
	for _, id := range ids {
		doc, err := directoryObject(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if doc == nil || (cast != "" && !strings.EqualFold(core.Str(doc, "@odata.type"), "#"+cast)) {
			continue
		}
		out = append(out, doc)
	}
	return out, nil
}

// castParam reads a type-cast segment: "microsoft.graph.user" or
// "microsoft.graph.group" (any case); ok is false for anything else.
func castParam(seg string) (string, bool) { return core.Canonical([]string{castUser, castGroup}, seg) }

// relation is one directoryObject collection of a user or group: its
// members (transitive or not) or the groups it is a member of.
type relation struct {
	members, transitive bool
}

// relationSpec lists a relation of object id, cast to one type when cast
// is set, with the directory's query rules.
func relationSpec(id string, rel relation, cast string) core.ListSpec {
	typ := typeDirectoryObject
	switch cast {
	case castUser:
		typ = typeUser
	case castGroup:
		typ = typeGroup
	}
	spec := directorySpec("", typ)
	spec.Load = func(ctx context.Context, tx *core.Tx) ([]map[string]any, error) {
		var ids []string
		if rel.members {
			members, err := core.GroupMembers(ctx, tx, id, rel.transitive)
			if err != nil {
				return nil, err
			}
			for _, m := range members {
				ids = append(ids, m.ID)
			}
		} else {
			var err error
			if ids, err = core.GroupsOf(ctx, tx, id, rel.transitive); err != nil {
				return nil, err
			}
		}
		return docsOf(ctx, tx, ids, cast)
	}
	return spec
}

// subject is the object a relation route is about: the group of a
// groups/{id} route (404 in Graph's words when absent), else the {user}.
func subject(ctx context.Context, c *core.Call) (string, error) {
	if c.User != nil {
		return c.User.ID, nil
	}
	return c.Param("id"), groupExists(ctx, c)
}

// relationRequest reads a relation route: the subject's id and the type
// cast of its {cast} segment; seg is that segment when it is no cast (a
// member's id).
func relationRequest(ctx context.Context, c *core.Call) (id, cast, seg string, err error) {
	if id, err = subject(ctx, c); err != nil {
		return "", "", "", err
	}
	seg = c.Param("cast")
	if cast, ok := castParam(seg); ok || seg == "" {
		return id, cast, "", nil
	}
	return id, "", seg, nil
}

// listRelation serves a relation collection, with a type cast from the
// {cast} segment when the route has one, or one member by id.
func listRelation(rel relation) core.HandlerFunc {
	return func(ctx context.Context, c *core.Call) error {
		id, cast, member, err := relationRequest(ctx, c)
		if err != nil {
			return err
		}
		if member != "" {
			return getRelated(ctx, c, id, rel, member)
		}
		return c.List(ctx, relationSpec(id, rel, cast))
	}
}

// countRelation serves .../$count of a relation (ConsistencyLevel:
// eventual required, as for every directory count).
func countRelation(rel relation) core.HandlerFunc {
	return func(ctx context.Context, c *core.Call) error {
		id, cast, member, err := relationRequest(ctx, c)
		if err != nil {
			return err
		}
		if member != "" {
			return core.BadRequest("Resource not found for the segment '%s'.", member)
		}
		return c.CountOnly(ctx, relationSpec(id, rel, cast))
	}
}

// getRelated answers a relation's member by id, e.g. groups/{id}/members/{userId}.
func getRelated(ctx context.Context, c *core.Call, id string, rel relation, memberID string) error {
	var doc map[string]any
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		docs, err := relationSpec(id, rel, "").Load(ctx, tx)
		for _, d := range docs {
			if strings.EqualFold(core.Str(d, "id"), memberID) {
				doc = d
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	if doc == nil {
		return core.ResourceNotFound(memberID)
	}
	opts, err := c.QueryOptions()
	if err != nil {
		return err
	}
	out := core.CloneDoc(doc)
	if len(opts.Select) > 0 {
		out = map[string]any{"@odata.type": doc["@odata.type"], "id": doc["id"]}
		for _, p := range opts.Select {
			if v, ok := core.LookupFold(doc, p); ok {
				out[p] = v
			}
		}
	}
	out["@odata.context"] = c.RootURL() + "$metadata#directoryObjects/$entity"
	return c.WriteJSON(http.StatusOK, out)
}

// groupsOf are the groups (transitive) id is a member of, security groups
// only with securityOnly.
func groupsOf(ctx context.Context, tx *core.Tx, id string, securityOnly bool) ([]string, error) {
	ids, err := core.GroupsOf(ctx, tx, id, true)
	if err != nil || !securityOnly {
		return ids, err
	}
	var out []string
	for _, g := range ids {
		o, err := getActive(ctx, tx, collGroups, g)
		if core.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if sec, _ := o.Data["securityEnabled"].(bool); sec {
			out = append(out, g)
		}
	}
	return out, nil
}

// writeIDs answers an action returning Collection(Edm.String).
func writeIDs(c *core.Call, ids []string) error {
	if ids == nil {
		ids = []string{}
	}
	return c.WriteJSON(http.StatusOK, map[string]any{
		"@odata.context": c.RootURL() + "$metadata#Collection(Edm.String)",
		"value":          ids,
	})
}

// checkMember serves checkMemberGroups (groups only) and
// checkMemberObjects: which of the given ids the object belongs to,
// transitively.
func checkMember(objects bool) core.HandlerFunc {
	action, param := actionCheckMemberGroups, "groupIds"
	if objects {
		action, param = actionCheckMemberObjects, "ids"
	}
	return func(ctx context.Context, c *core.Call) error {
		id, err := subject(ctx, c)
		if err != nil {
			return err
		}
		args, err := c.DecodeAction(action)
		if err != nil {
			return err
		}
		asked := args.Strings(param)
		if len(asked) == 0 || len(asked) > maxCheckIDs {
			return errDirectoryBadRequest("Invalid value for '%s': give 1 to %d ids.", param, maxCheckIDs)
		}
		var found []string
		err = c.Store().Read(ctx, func(tx *core.Tx) error {
			groups, err := groupsOf(ctx, tx, id, false)
			for _, a := range asked {
				if slices.ContainsFunc(groups, func(g string) bool { return strings.EqualFold(g, a) }) && !slices.Contains(found, a) {
					found = append(found, a)
				}
			}
			return err
		})
		if err != nil {
			return err
		}
		return writeIDs(c, found)
	}
}

// getMember serves getMemberGroups and getMemberObjects: every group the
// object belongs to, transitively.
func getMember(objects bool) core.HandlerFunc {
	action := actionGetMemberGroups
	if objects {
		action = actionGetMemberObjects
	}
	return func(ctx context.Context, c *core.Call) error {
		id, err := subject(ctx, c)
		if err != nil {
			return err
		}
		args, err := c.DecodeAction(action)
		if err != nil {
			return err
		}
		if !args.Has("securityEnabledOnly") {
			return errDirectoryBadRequest("The parameter 'securityEnabledOnly' is required: true or false.")
		}
		var ids []string
		err = c.Store().Read(ctx, func(tx *core.Tx) error {
			var err error
			ids, err = groupsOf(ctx, tx, id, args.Bool("securityEnabledOnly", false))
			return err
		})
		if err != nil {
			return err
		}
		return writeIDs(c, ids)
	}
}

// Group updates.

// groupWritable are the group properties PATCH /groups/{id} changes.
var groupWritable = []string{"allowExternalSenders", "autoSubscribeNewMembers", "classification", "description", "displayName",
	"groupTypes", "hideFromAddressLists", "hideFromOutlookClients", "mailEnabled", "mailNickname", "membershipRule",
	"membershipRuleProcessingState", "preferredDataLocation", "preferredLanguage", "securityEnabled", "theme", "visibility"}

// patchGroup updates a group and answers 204, as Graph does.
func patchGroup(ctx context.Context, c *core.Call) error {
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		g, err := getActive(ctx, tx, collGroups, c.Param("id"))
		if core.IsNotFound(err) {
			return core.ResourceNotFound(c.Param("id"))
		}
		if err != nil {
			return err
		}
		for k, v := range in {
			if strings.HasPrefix(k, "@") {
				continue
			}
			name, ok := core.Canonical(groupWritable, k)
			if !ok {
				if _, exists := g.Data[k]; exists || k == "id" {
					return errDirectoryBadRequest("Property '%s' is read-only and cannot be set.", k)
				}
				return errDirectoryBadRequest("Property '%s' does not exist as a declared property or extension property.", k)
			}
			k = name
			if err := checkGroupProperty(k, v); err != nil {
				return err
			}
			if v == nil {
				g.Data[k] = nil
				continue
			}
			g.Data[k] = v
		}
		return tx.Put(ctx, g)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

// checkGroupProperty validates one writable group property.
func checkGroupProperty(k string, v any) error {
	switch k {
	case "displayName", "mailNickname":
		s, ok := v.(string)
		if !ok || strings.TrimSpace(s) == "" {
			return errDirectoryBadRequest("Invalid value specified for property '%s' of resource 'Group'.", k)
		}
		if k == "mailNickname" && strings.ContainsAny(s, " @()\\[]\";:<>,") {
			return errDirectoryBadRequest("Invalid value specified for property 'mailNickname' of resource 'Group'.")
		}
	case "visibility":
		s, _ := v.(string)
		if _, ok := core.Canonical([]string{"Private", "Public", "HiddenMembership"}, s); !ok && v != nil {
			return errDirectoryBadRequest("Invalid value specified for property 'visibility' of resource 'Group'.")
		}
	case "mailEnabled", "securityEnabled", "allowExternalSenders", "autoSubscribeNewMembers", "hideFromAddressLists", "hideFromOutlookClients":
		if _, ok := v.(bool); !ok {
			return errDirectoryBadRequest("Invalid value specified for property '%s' of resource 'Group'.", k)
		}
	case "groupTypes":
		list, ok := v.([]any)
		for _, t := range list {
			if _, isStr := t.(string); !isStr {
				ok = false
			}
		}
		if !ok {
			return errDirectoryBadRequest("Invalid value specified for property 'groupTypes' of resource 'Group'.")
		}
	}
	return nil
}

// The manager reference.

// putManager sets the addressed user's manager: PUT manager/$ref with
// {"@odata.id": ".../users/{id}"}.
func putManager(ctx context.Context, c *core.Call) error {
	var body map[string]any
	if err := c.Decode(&body); err != nil {
		return err
	}
	ref, _ := body["@odata.id"].(string)
	mid, err := refID(ref)
	if err != nil {
		return err
	}
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		m, err := core.LookupUser(ctx, tx, mid)
		if core.IsNotFound(err) {
			return core.ResourceNotFound(mid)
		}
		if err != nil {
			return err
		}
		if m.ID == c.User.ID {
			return errDirectoryBadRequest("A user cannot be their own manager.")
		}
		// The org chart is a tree: a manager chain may not come back to the user.
		for cur, depth := m.ID, 0; cur != "" && depth < 1000; depth++ {
			up, err := tx.List(ctx, core.Scope{Collection: linkManager, Owner: cur}, false, 0, 1)
			if err != nil {
				return err
			}
			if len(up) == 0 {
				break
			}
			if up[0].ID == c.User.ID {
				return errDirectoryBadRequest("The manager chain would loop back to the user.")
			}
			cur = up[0].ID
		}
		return setManager(ctx, tx, c.User.ID, m.ID)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

// deleteManager removes the addressed user's manager.
func deleteManager(ctx context.Context, c *core.Call) error {
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		old, err := tx.List(ctx, core.Scope{Collection: linkManager, Owner: c.User.ID}, false, 0, 0)
		if err != nil {
			return err
		}
		if len(old) == 0 {
			return core.ResourceNotFound("manager")
		}
		for _, o := range old {
			if err := removeLink(ctx, tx, linkManager, c.User.ID, o.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

// getManagerRef answers GET manager/$ref: the manager's @odata.id.
func getManagerRef(ctx context.Context, c *core.Call) error {
	var id string
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		old, err := tx.List(ctx, core.Scope{Collection: linkManager, Owner: c.User.ID}, false, 0, 1)
		if len(old) > 0 {
			id = old[0].ID
		}
		return err
	})
	if err != nil {
		return err
	}
	if id == "" {
		return core.ResourceNotFound("manager")
	}
	return c.WriteJSON(http.StatusOK, map[string]any{
		"@odata.context": c.RootURL() + "$metadata#directoryObjects/$ref",
		"@odata.id":      c.RootURL() + "directoryObjects/" + id,
	})
}

// membershipRoutes are the routes of this file.
func membershipRoutes() []core.Route {
	groupRead := core.Route{Scopes: readGroupScopes, Roles: readGroupRoles}
	userGroups := core.Route{Scopes: append(append([]string{}, readUsersScopes...), readGroupScopes...), SharedScopes: readGroupScopes, Roles: readGroupRoles}
	groupWrite := core.Route{Scopes: writeGroupScopes, Roles: writeGroupScopes}
	manager := core.Route{Scopes: writeUsersScope, SharedScopes: writeUsersScope, Roles: writeUsersRoles}
	managerRead := core.Route{Scopes: readUsersScopes, SharedScopes: readUsersScopes, Roles: readUsersRoles}
	members := relation{members: true}
	transitiveMembers := relation{members: true, transitive: true}
	memberOfRel := relation{}
	transitiveMemberOf := relation{transitive: true}
	var routes []core.Route
	for name, rel := range map[string]relation{"members": members, "transitiveMembers": transitiveMembers,
		"memberOf": memberOfRel, "transitiveMemberOf": transitiveMemberOf} {
		base := "groups/{id}/" + name
		if name != "members" {
			routes = append(routes,
				groupRead.On(http.MethodGet, base, listRelation(rel)),
				groupRead.On(http.MethodGet, base+"/$count", countRelation(rel)))
		}
		routes = append(routes,
			groupRead.On(http.MethodGet, base+"/{cast}", listRelation(rel)),
			groupRead.On(http.MethodGet, base+"/{cast}/$count", countRelation(rel)))
		if name == "memberOf" || name == "transitiveMemberOf" {
			ub := "{user}/" + name
			if name == "transitiveMemberOf" {
				routes = append(routes, userGroups.On(http.MethodGet, ub, listRelation(rel)))
			}
			routes = append(routes,
				userGroups.On(http.MethodGet, ub+"/$count", countRelation(rel)),
				userGroups.On(http.MethodGet, ub+"/{cast}", listRelation(rel)),
				userGroups.On(http.MethodGet, ub+"/{cast}/$count", countRelation(rel)))
		}
	}
	for _, prefix := range []string{"{user}/", "groups/{id}/"} {
		perm := groupRead
		if prefix == "{user}/" {
			perm = userGroups
		}
		routes = append(routes,
			perm.On(http.MethodPost, prefix+"checkMemberGroups", checkMember(false)),
			perm.On(http.MethodPost, prefix+"checkMemberObjects", checkMember(true)),
			perm.On(http.MethodPost, prefix+"getMemberGroups", getMember(false)),
			perm.On(http.MethodPost, prefix+"getMemberObjects", getMember(true)))
	}
	return append(routes,
		groupWrite.On(http.MethodPatch, "groups/{id}", patchGroup),
		manager.On(http.MethodPut, "{user}/manager/$ref", putManager),
		manager.On(http.MethodDelete, "{user}/manager/$ref", deleteManager),
		managerRead.On(http.MethodGet, "{user}/manager/$ref", getManagerRef),
	)
}
