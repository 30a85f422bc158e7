package mail

import (
	"context"
	"strings"

	"github.com/o365go/o365/sandbox/internal/core"
)

// Access to another user's mailbox follows Exchange (see core.Grant): the
// routes say how they use the mailbox (core.Route.Mailbox) and the
// handlers check the folders they touch with permit. The caller's access
// was computed before the handler ran, so permit is free inside a write.

// permit checks that the caller may act with need on folder folderID of
// c.User's mailbox: on the folder itself, or on item (one of its
// messages; an item the caller created counts for the "owned" rights).
// A folder the caller may not see is 403 ErrorAccessDenied, as Exchange
// answers; one that does not exist is 404.
func permit(ctx context.Context, c *core.Call, tx *core.Tx, folderID string, need core.FolderRights, item *core.Object) error {
	a, err := c.MailboxAccess(ctx)
	if err != nil {
		return err
	}
	if a.Owner || a.Has(core.FullAccess) {
		return nil
	}
	f, err := tx.Get(ctx, collMailFolders, c.User.ID, folderID)
	if core.IsNotFound(err) {
		return core.ItemNotFound("The specified folder could not be found in the store.")
	}
	if err != nil {
		return err
	}
	own := item != nil && a.Grantee != "" && strings.EqualFold(core.Str(item.Data, "_createdBy"), a.Grantee)
	if !a.CanItem(f, need, own) {
		return core.AccessDenied()
	}
	return nil
}

// visibleFolder reports whether the caller may see a stored folder of
// c.User's mailbox (for lists: the folders of another user's mailbox that
// were not shared are left out).
func visibleFolder(c *core.Call, id string, doc map[string]any) bool {
	a, err := c.MailboxAccess(c.R.Context())
	if err != nil {
		return false
	}
	return a.Can(&core.Object{ID: id, Data: doc}, core.FolderVisible)
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

// sendingAs sets who the message doc is from and who sends it, as Exchange
// does, and checks the right to: from c.User's mailbox the caller needs
// send as (Sender is the mailbox) or send on behalf (Sender is the
// caller) unless it is the caller's own; a From of another address needs
// those rights on that address's mailbox, held by the signed-in user (or,
// for an app, by the mailbox's user): 403 ErrorSendAsDenied otherwise.
func sendingAs(ctx context.Context, c *core.Call, tx *core.Tx, doc map[string]any) error {
	a, err := c.MailboxAccess(ctx)
	if err != nil {
		return err
	}
	actorID := c.User.ID
	if !c.Claims.AppOnly {
		actorID = c.Claims.ObjectID
	}
	from, sender := c.User, c.User
	fromAddr := ""
	if f, ok := doc["from"].(map[string]any); ok && validRecipient(f) {
		fromAddr = addrOf(f)
	}
	if fromAddr != "" && !strings.EqualFold(fromAddr, c.User.Mail) && !strings.EqualFold(fromAddr, c.User.UPN) {
		u, err := core.LookupUser(ctx, tx, fromAddr)
		if core.IsNotFound(err) {
			return core.SendAsDenied()
		}
		if err != nil {
			return err
		}
		acc, err := core.AccessOf(ctx, tx, u.ID, actorID)
		if err != nil {
			return err
		}
		ok, onBehalf := acc.CanSend()
		if !ok {
			return core.SendAsDenied()
		}
		from, sender = u, u
		if onBehalf {
			if sender, err = core.LookupUser(ctx, tx, actorID); err != nil {
				return err
			}
		}
	} else if ok, onBehalf := a.CanSend(); !ok {
		return core.SendAsDenied()
	} else if onBehalf {
		if sender, err = core.LookupUser(ctx, tx, actorID); err != nil {
			return err
		}
	}
	doc["from"] = recipientOf(from)
	doc["sender"] = recipientOf(sender)
	return nil
}
