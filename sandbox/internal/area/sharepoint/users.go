package sharepoint

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
)

// The site collection's User Information List gives people the integer
// lookup ids that person columns hold ("AuthorLookupId": "6"). It is a
// system list of the collection's top site: clients look people up in it
// (lists('User Information List')/items?$filter=fields/EMail eq '...').
const (
	userListTitle = "User Information List"
	// firstUserLookupID is the first lookup id given to a person, as in
	// SharePoint Online, where lower ids belong to system accounts.
	firstUserLookupID = 6
	// appLookupID and appUserName are the "SharePoint App" user that
	// app-only calls write as.
	appLookupID = "1073741822"
	appUserName = "SharePoint App"
)

// userListID is the id of the User Information List of the collection
// whose top site is rootID.
func userListID(rootID string) string { return core.SeedID("sharepoint", "userinfo", rootID) }

// userListColumns are the columns of a User Information List besides the
// built-in ones.
func userListColumns() []map[string]any {
	text := func(id, name, display string) map[string]any {
		return map[string]any{"id": id, "name": name, "displayName": display, "description": "", "columnGroup": "_Hidden",
			"enforceUniqueValues": false, "hidden": false, "indexed": name == "EMail" || name == "UserName", "readOnly": false,
			"required": false, "_kind": kindText, kindText: textFacet(nil), "_builtin": true}
	}
	admin := map[string]any{"id": "9ba259be-2b2a-4f7c-8b06-9c2d1bb6e9a1", "name": "IsSiteAdmin", "displayName": "Is Site Admin",
		"description": "", "columnGroup": "_Hidden", "enforceUniqueValues": false, "hidden": false, "indexed": false,
		"readOnly": false, "required": false, "_kind": kindBoolean, kindBoolean: map[string]any{}, "_builtin": true}
	return []map[string]any{
		text("bf03d3ca-aa6e-4845-809a-b4378b37ce08", "Name", "Account"),
		text("fce16b4c-fe53-4793-aaab-b4892e736d15", "EMail", "Work email"),
		text("211a8fd5-5d7b-4d50-8a9d-c8b8e4f1c2a3", "UserName", "User name"),
		admin,
	}
}

// ensureUserList creates the User Information List of the collection
// whose top site is root, with the given people in it.
func ensureUserList(ctx context.Context, tx *core.Tx, root *core.Object, at time.Time, people []*core.User) error {
	id := userListID(root.ID)
	if _, err := tx.Get(ctx, collLists, root.ID, id); err == nil {
		return nil
	} else if !core.IsNotFound(err) {
		return err
	}
	system := caller{identity: map[string]any{"user": map[string]any{"displayName": "System Account"}}, lookupID: "1073741823"}
	if _, err := createListObjects(ctx, tx, root, id, userListTitle, "", templateUserInfo, userListColumns(), system, at); err != nil {
		return err
	}
	for _, u := range people {
		if _, err := addSiteUser(ctx, tx, root, u, at); err != nil {
			return err
		}
	}
	return nil
}

// collectionRoot is the top site of s's site collection.
func collectionRoot(ctx context.Context, tx *core.Tx, s *core.Object) (*core.Object, error) {
	root := core.Str(s.Data, "_collectionRoot")
	if root == "" || root == s.ID {
		return s, nil
	}
	return tx.Get(ctx, collSites, "", root)
}

// ensureSiteUser returns the lookup id of u in s's site collection, adding
// u to the collection's user list first if needed.
func ensureSiteUser(ctx context.Context, tx *core.Tx, s *core.Object, u *core.User, at time.Time) (string, error) {
	root, err := collectionRoot(ctx, tx, s)
	if err != nil {
		return "", err
	}
	id, ok, err := tx.KVGet(ctx, userKey(root.ID, u.ID))
	if err != nil || ok {
		return string(id), err
	}
	return addSiteUser(ctx, tx, root, u, at)
}

// addSiteUser adds u to the user list of the collection whose top site is
// root and returns u's lookup id.
func addSiteUser(ctx context.Context, tx *core.Tx, root *core.Object, u *core.User, at time.Time) (string, error) {
	list, err := tx.Get(ctx, collLists, root.ID, userListID(root.ID))
	if err != nil {
		return "", err
	}
	n := int(number(list.Data, "_nextItem", 1))
	if n < firstUserLookupID {
		n = firstUserLookupID
	}
	list.Data["_nextItem"] = float64(n + 1)
	if err := tx.Put(ctx, list); err != nil {
		return "", err
	}
	id := strconv.Itoa(n)
	mail := u.Mail
	if mail == "" {
		mail = u.UPN
	}
	fields := map[string]any{
		"Title": u.DisplayName, "Name": "i:0#.f|membership|" + strings.ToLower(u.UPN), "EMail": mail,
		"UserName": strings.ToLower(u.UPN), "IsSiteAdmin": false,
	}
	system := caller{identity: map[string]any{"user": map[string]any{"displayName": "System Account"}}, lookupID: "1073741823"}
	doc := newItemDoc(root, list, id, core.SeedID("sharepoint", "user", root.ID, u.ID), fields, "Person", system, at)
	doc["_userId"] = u.ID
	if err := tx.Put(ctx, &core.Object{Collection: collItems, Owner: list.ID, ID: id, Data: doc, Created: at, Sort: itemSort(n)}); err != nil {
		return "", err
	}
	return id, tx.KVPut(ctx, userKey(root.ID, u.ID), []byte(id), time.Time{})
}

// userKey indexes a collection's people by user id.
func userKey(rootID, userID string) string { return "sharepoint:siteuser:" + rootID + ":" + userID }

// siteUser finds the person with a lookup id in s's site collection; nil
// when there is none.
func siteUser(ctx context.Context, tx *core.Tx, s *core.Object, lookupID string) (map[string]any, error) {
	if lookupID == appLookupID {
		return map[string]any{"Title": appUserName}, nil
	}
	root, err := collectionRoot(ctx, tx, s)
	if err != nil {
		return nil, err
	}
	it, err := tx.Get(ctx, collItems, userListID(root.ID), lookupID)
	if core.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	fields, _ := it.Data["fields"].(map[string]any)
	return fields, nil
}
