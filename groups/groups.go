// Package groups works with the organization's groups through Microsoft
// Graph: Microsoft 365 and security groups (list, search, get, create,
// update, delete and restore), their members and owners (many at once,
// through $batch), transitive membership, the groups a user belongs to,
// delta of groups with their membership changes, and a Microsoft 365
// group's conversations (python-o365's Groups, done completely).
//
// Groups are the root's o365.Group model. A group is named by its id, or,
// with an empty id, by the account's resource: groups.New(acct,
// o365.WithResource("group:team@contoso.com")) works on that group, found
// by its address on the first request. A group's calendar is the calendar
// package's with the same resource (calendar.New(acct,
// o365.WithResource("group:team@contoso.com"))), readable by members only,
// as its conversations are; its drive is the drive package's.
//
//	g := groups.New(acct)
//	team, err := g.Create(ctx, groups.NewMicrosoft365Group("Marketing", "marketing"), nil)
//	err = g.AddMembers(ctx, team.ID, ids...)
package groups

import (
	"errors"

	"github.com/o365go/o365"
)

// Groups is the organization's groups as an account sees them. It is cheap
// to create and safe for concurrent use.
type Groups struct {
	acct *o365.Account
}

// New returns the groups of acct's tenant; opts (such as
// o365.WithResource("group:ID")) apply to a copy of acct.
func New(acct *o365.Account, opts ...o365.Option) *Groups {
	if len(opts) > 0 {
		acct = acct.With(opts...)
	}
	return &Groups{acct: acct}
}

// Account returns the account the package sends its requests through.
func (g *Groups) Account() *o365.Account { return g.acct }

// ErrNoGroup is returned when a method is given no group id and the
// account's resource is not a group.
var ErrNoGroup = errors.New("groups: no group named: give a group id, or make the account's resource a group (group:ID or group:team@contoso.com)")

// at is the path of a group's sub-resource (rest): below /groups/{id}, or,
// for id "", below the account's resource when it is a group.
func (g *Groups) at(id string, rest ...string) (string, error) {
	if id != "" {
		return "/" + o365.Path(append([]string{"groups", id}, rest...)...), nil
	}
	if g.acct.Resource().Kind() != o365.KindGroup {
		return "", ErrNoGroup
	}
	return o365.Path(rest...), nil
}
