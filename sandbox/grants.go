package sandbox

import (
	"context"
	"fmt"

	"github.com/o365go/o365/sandbox/internal/core"
)

// MailboxGrant is a permission a user gives another on their mailbox, as
// Exchange keeps them. The sandbox, like Exchange, lets a delegated token
// reach another user's mailbox only where that user granted it: the
// .Shared scopes let an app act on mailboxes its signed-in user may
// reach, the grants say which those are. Application tokens are not
// subject to grants; their roles decide. The demo tenant has a few (see
// DemoShared and DemoBob).
type MailboxGrant struct {
	// Mailbox is the user who grants (object id, UPN or mail).
	Mailbox string
	// Grantee is the user granted (object id, UPN or mail).
	Grantee string
	// Right is a mailbox-wide right: "fullAccess" (read and change
	// everything, not send), "sendAs", "sendOnBehalf" or "delegate"
	// (meeting requests go to them too); empty for a folder permission.
	Right string
	// Folder is the folder a folder permission opens: a well-known name
	// ("inbox", "drafts") or a folder id.
	Folder string
	// Role is the folder permission's Exchange role: "owner",
	// "publishingEditor", "editor", "publishingAuthor", "author",
	// "nonEditingAuthor", "reviewer", "contributor", "availabilityOnly",
	// "limitedDetails" or "none".
	Role string
}

// GrantMailbox records a mailbox permission, replacing one of the same
// grantee and right or folder.
func (s *Server) GrantMailbox(ctx context.Context, g MailboxGrant) error {
	return s.eng.Store().Write(ctx, func(tx *core.Tx) error {
		cg, err := coreGrant(ctx, tx, g)
		if err != nil {
			return err
		}
		return core.PutGrant(ctx, tx, cg)
	})
}

// RevokeMailbox removes a mailbox permission (Role is not needed); it is an
// error when there was none.
func (s *Server) RevokeMailbox(ctx context.Context, g MailboxGrant) error {
	return s.eng.Store().Write(ctx, func(tx *core.Tx) error {
		cg, err := coreGrant(ctx, tx, g)
		if err != nil {
			return err
		}
		if err := core.DeleteGrant(ctx, tx, cg); core.IsNotFound(err) {
			return fmt.Errorf("sandbox: RevokeMailbox: %s holds no such grant on %s's mailbox", g.Grantee, g.Mailbox)
		} else if err != nil {
			return err
		}
		return nil
	})
}

// coreGrant resolves the users of g.
func coreGrant(ctx context.Context, tx *core.Tx, g MailboxGrant) (core.Grant, error) {
	owner, err := core.LookupUser(ctx, tx, g.Mailbox)
	if err != nil {
		return core.Grant{}, fmt.Errorf("sandbox: mailbox grant: user %q: %w", g.Mailbox, err)
	}
	grantee, err := core.LookupUser(ctx, tx, g.Grantee)
	if err != nil {
		return core.Grant{}, fmt.Errorf("sandbox: mailbox grant: user %q: %w", g.Grantee, err)
	}
	return core.Grant{Mailbox: owner.ID, Grantee: grantee.ID, Right: core.MailboxRight(g.Right), Folder: g.Folder, Role: g.Role}, nil
}
