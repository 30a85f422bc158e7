package contacts

import (
	"context"
	"strings"

	"github.com/o365go/o365/sandbox/internal/core"
)

// Access to another user's contacts follows Exchange, as the mail area's
// does (see core.Grant): every route is a core.MailboxFolders route, so the
// engine refuses a delegated caller holding no grant on the mailbox, and
// the handlers check the folder they touch: full access opens every
// folder, a folder permission (on the folder's id, or on "contacts" for the
// default folder) opens that one with its role's rights. Folders the caller
// may not see are left out of lists; addressing one is 403
// ErrorAccessDenied.

// grantsApply reports whether the caller is subject to grants here (a
// delegated user in another user's mailbox).
func grantsApply(ctx context.Context, c *core.Call) (*core.Access, bool, error) {
	a, err := c.MailboxAccess(ctx)
	if err != nil {
		return nil, false, err
	}
	return a, !a.Owner && !a.Has(core.FullAccess), nil
}

// permit checks that the caller may act with need on folder f, or on item
// (one of its contacts; a contact the caller created counts for the
// "owned" rights).
func permit(ctx context.Context, c *core.Call, f *core.Object, need core.FolderRights, item *core.Object) error {
	a, apply, err := grantsApply(ctx, c)
	if err != nil || !apply {
		return err
	}
	own := item != nil && a.Grantee != "" && strings.EqualFold(core.Str(item.Data, "_createdBy"), a.Grantee)
	if !a.CanItem(f, need, own) {
		return core.AccessDenied()
	}
	return nil
}

// permitID is permit for a folder known by its stored id.
func permitID(ctx context.Context, c *core.Call, tx *core.Tx, folderID string, need core.FolderRights, item *core.Object) error {
	if _, apply, err := grantsApply(ctx, c); err != nil || !apply {
		return err
	}
	f, err := tx.Get(ctx, collFolders, c.User.ID, folderID)
	if core.IsNotFound(err) {
		return core.ItemNotFound("The specified folder could not be found in the store.")
	}
	if err != nil {
		return err
	}
	return permit(ctx, c, f, need, item)
}

// visibility is the ListSpec.Include of folder lists and delta: nil for
// the owner (every folder), else only the folders the caller may see.
func visibility(c *core.Call, also func(doc map[string]any) bool) func(doc map[string]any) bool {
	a, apply, err := grantsApply(c.R.Context(), c)
	if err == nil && !apply {
		return also
	}
	return func(doc map[string]any) bool {
		if also != nil && !also(doc) {
			return false
		}
		return err == nil && a.Can(&core.Object{ID: core.Str(doc, "id"), Data: doc}, core.FolderVisible)
	}
}

// markCreator records that a delegate created doc in another user's
// mailbox, for the rights Exchange gives on one's own items.
func markCreator(ctx context.Context, c *core.Call, doc map[string]any) error {
	a, err := c.MailboxAccess(ctx)
	if err != nil {
		return err
	}
	if !a.Owner {
		doc["_createdBy"] = a.Grantee
	}
	return nil
}
