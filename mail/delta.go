package mail

import (
	"context"
	"fmt"
	"net/http"

	"github.com/o365go/o365"
)

// SyncResult is what one delta round reports.
type SyncResult struct {
	// Changed holds the messages created or changed since the last round
	// (bound to the mailbox).
	Changed []*Message
	// Removed holds the ids of messages deleted or moved out of the folder.
	Removed []string
	// DeltaLink is where the next round starts: persist it and pass it to
	// the next Sync.
	DeltaLink string
}

// Sync reports what changed in a folder (id or well-known name) since the
// round that returned deltaLink; an empty deltaLink starts over and reports
// every message. q may $select properties for the first round (the service
// keeps them in its links). When the service has forgotten the link (410),
// the error matches o365.ErrResyncRequired: sync again from "".
func (m *Mailbox) Sync(ctx context.Context, folder, deltaLink string, q *o365.Query) (*SyncResult, error) {
	req := m.request(http.MethodGet, folderPath(folder, "messages", "delta"), nil)
	req.Query = q
	d := o365.Delta[Message](m.acct, req, deltaLink)
	res := &SyncResult{}
	for c, err := range d.Changes(ctx) {
		if err != nil {
			return nil, fmt.Errorf("mail: sync %q: %w", folder, err)
		}
		if c.Removed {
			res.Removed = append(res.Removed, c.ID)
			continue
		}
		c.Item.bind(m)
		res.Changed = append(res.Changed, c.Item)
	}
	res.DeltaLink = d.DeltaLink()
	return res, nil
}

// FolderSyncResult is what one delta round over the folder tree reports.
type FolderSyncResult struct {
	Changed   []*Folder
	Removed   []string
	DeltaLink string
}

// SyncFolders reports the mail folders created, changed or deleted since the
// round that returned deltaLink ("" starts over).
func (m *Mailbox) SyncFolders(ctx context.Context, deltaLink string) (*FolderSyncResult, error) {
	d := o365.Delta[Folder](m.acct, m.request(http.MethodGet, "mailFolders/delta", nil), deltaLink)
	res := &FolderSyncResult{}
	for c, err := range d.Changes(ctx) {
		if err != nil {
			return nil, fmt.Errorf("mail: sync folders: %w", err)
		}
		if c.Removed {
			res.Removed = append(res.Removed, c.ID)
			continue
		}
		c.Item.mb = m
		res.Changed = append(res.Changed, c.Item)
	}
	res.DeltaLink = d.DeltaLink()
	return res, nil
}
