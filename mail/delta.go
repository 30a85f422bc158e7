package mail

import (
	"net/http"

	"github.com/o365go/o365"
)

// SyncMessages returns a delta query over a folder's messages (id or
// well-known name), resuming from deltaLink ("" starts over and reports
// every message); it makes no request until its Changes are ranged over.
// Each round yields the messages created or changed since the previous one
// (bound to the mailbox) and the ids of those removed, one page in memory at
// a time; persist DeltaLink after a round to resume from it in a later run.
// q may $select properties for the first round (the service keeps them in
// its links). When the service has forgotten the link (410), the round's
// error matches o365.ErrResyncRequired: sync again from "".
//
// Graph: GET /me/mailFolders/{id}/messages/delta
// (https://learn.microsoft.com/graph/api/message-delta).
func (m *Mailbox) SyncMessages(folder, deltaLink string, q *o365.Query) *o365.DeltaQuery[Message] {
	req := &o365.Request{Method: http.MethodGet, Path: folderPath(folder, "messages", "delta"), Query: q, Collection: "messages"}
	return o365.Delta[Message](m.acct, req, deltaLink, nil)
}

// SyncFolders returns a delta query over the mailbox's folder tree (see
// SyncMessages).
//
// Graph: GET /me/mailFolders/delta
// (https://learn.microsoft.com/graph/api/mailfolder-delta).
func (m *Mailbox) SyncFolders(deltaLink string) *o365.DeltaQuery[Folder] {
	req := &o365.Request{Method: http.MethodGet, Path: "mailFolders/delta", Collection: "mailFolders"}
	return o365.Delta[Folder](m.acct, req, deltaLink, nil)
}
