package core

import (
	"context"
	"time"
)

// DriveRole is what a caller may do with a drive item.
type DriveRole int

// Roles, each allowing what the ones before it allow.
const (
	DriveRoleNone DriveRole = iota
	DriveRoleRead
	DriveRoleWrite
	DriveRoleOwner
)

// String is Graph's name of the role: "read", "write", "owner" ("" for none).
func (r DriveRole) String() string {
	switch r {
	case DriveRoleRead:
		return "read"
	case DriveRoleWrite:
		return "write"
	case DriveRoleOwner:
		return "owner"
	}
	return ""
}

// ParseDriveRole reads Graph's role names ("read", "write", "owner"); an
// unknown name is DriveRoleNone.
func ParseDriveRole(s string) DriveRole {
	switch s {
	case "read":
		return DriveRoleRead
	case "write":
		return DriveRoleWrite
	case "owner":
		return DriveRoleOwner
	}
	return DriveRoleNone
}

// DriveGrant is access given by a sharing link to an item and what is
// below it, for a request that came through the link (/shares/...).
type DriveGrant struct {
	ItemID string
	Role   DriveRole
}

// The permissions that reach drives.
var (
	// driveOwnRead and driveOwnWrite work on the caller's own drive.
	driveOwnRead  = []string{"Files.Read", "Files.ReadWrite", "Files.Read.All", "Files.ReadWrite.All", "Sites.Read.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"}
	driveOwnWrite = []string{"Files.ReadWrite", "Files.ReadWrite.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"}
	// driveAllRead and driveAllWrite reach other drives (delegated: as far
	// as the user's own rights go; application: everywhere).
	driveAllRead  = []string{"Files.Read.All", "Files.ReadWrite.All", "Sites.Read.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"}
	driveAllWrite = []string{"Files.ReadWrite.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"}
)

// DriveAccess is the role of the caller of claims on item of drive d: the
// lower of what its permissions (scopes or app roles) allow and what the
// caller's rights on the item are.
//
// An application with Files.ReadWrite.All (or Sites.ReadWrite.All) owns
// every item, with Files.Read.All (Sites.Read.All) reads it. A signed-in
// user's rights are the drive's (DriveSpec.Access: its owner, a group's
// members, everyone for a site's library), raised by the permissions on
// the item and the folders above it (DrivePermissionsCollection documents
// granting their roles to _users and _groups, until expirationDateTime)
// and by grants (a sharing link the request came through). Delegated
// scopes cap them: Files.Read or Files.ReadWrite reach only the user's own
// drive, the .All scopes (Files.Read.All, Sites.Read.All, ...) the others.
func DriveAccess(ctx context.Context, tx *Tx, claims *Claims, d *Drive, item *Object, grants ...DriveGrant) (DriveRole, error) {
	if claims == nil {
		return DriveRoleNone, nil
	}
	if claims.AppOnly {
		switch {
		case hasAny(claims.Roles, driveAllWrite):
			return DriveRoleOwner, nil
		case hasAny(claims.Roles, driveAllRead):
			return DriveRoleRead, nil
		}
		return DriveRoleNone, nil
	}
	uid := claims.ObjectID
	access, _ := d.Object.Data["_access"].(map[string]any)
	own := access[uid] == "owner"
	limit := DriveRoleNone
	switch {
	case own && hasAny(claims.Scopes, driveOwnWrite), !own && hasAny(claims.Scopes, driveAllWrite):
		limit = DriveRoleOwner
	case own && hasAny(claims.Scopes, driveOwnRead), !own && hasAny(claims.Scopes, driveAllRead):
		limit = DriveRoleRead
	}
	if limit == DriveRoleNone {
		return DriveRoleNone, nil
	}
	role := DriveRoleNone
	raise := func(r DriveRole) {
		if r > role {
			role = r
		}
	}
	for who, v := range access {
		name, _ := v.(string)
		r := ParseDriveRole(name)
		switch {
		case who == uid, who == "everyone":
			raise(r)
		case len(who) > 6 && who[:6] == "group:":
			owner, member, err := GroupRole(ctx, tx, who[6:], uid)
			if err != nil {
				return DriveRoleNone, err
			}
			if owner {
				raise(DriveRoleOwner)
			} else if member {
				raise(r)
			}
		}
	}
	if role < DriveRoleOwner && item != nil {
		chain := []*Object{item}
		anc, err := DriveAncestors(ctx, tx, item)
		if err != nil {
			return DriveRoleNone, err
		}
		chain = append(chain, anc...)
		now := tx.st.now()
		for _, it := range chain {
			for _, g := range grants {
				if g.ItemID == it.ID {
					raise(g.Role)
				}
			}
			r, err := permissionRole(ctx, tx, d.ID, it.ID, uid, now)
			if err != nil {
				return DriveRoleNone, err
			}
			raise(r)
		}
	}
	return min(role, limit), nil
}

// permissionRole is the best role the permissions set on one item give
// user uid, directly or through a group.
func permissionRole(ctx context.Context, tx *Tx, driveID, itemID, uid string, now time.Time) (DriveRole, error) {
	perms, err := tx.List(ctx, Scope{Collection: DrivePermissionsCollection, Owner: driveID, Parent: itemID, ByParent: true}, false, 0, 0)
	if err != nil {
		return DriveRoleNone, err
	}
	best := DriveRoleNone
	for _, p := range perms {
		if exp := Str(p.Data, "expirationDateTime"); exp != "" {
			if t, err := time.Parse(time.RFC3339, exp); err == nil && !now.Before(t) {
				continue
			}
		}
		granted := false
		for _, u := range strs(p.Data["_users"]) {
			if u == uid {
				granted = true
			}
		}
		for _, g := range strs(p.Data["_groups"]) {
			if granted {
				break
			}
			owner, member, err := GroupRole(ctx, tx, g, uid)
			if err != nil {
				return DriveRoleNone, err
			}
			granted = owner || member
		}
		if !granted {
			continue
		}
		for _, r := range strs(p.Data["roles"]) {
			if role := ParseDriveRole(r); role > best {
				best = role
			}
		}
	}
	return best, nil
}

// strs reads a stored JSON array of strings.
func strs(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
