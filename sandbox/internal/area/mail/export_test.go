package mail

import (
	"context"

	"github.com/o365go/o365/sandbox/internal/core"
)

// MessageSearchFields are where unqualified $search terms look in messages,
// for tests that compute what a search must find.
var MessageSearchFields = messageSearchFields

// AddrOf is the lower-cased address of a recipient.
var AddrOf = addrOf

// BoundAction is an action the area serves and the type Graph binds it to.
type BoundAction struct {
	Binding string
	Action  core.Action
}

// Actions are every action the mail area serves, for the schema test.
var Actions = []BoundAction{
	{"user", actionSendMail},
	{"message", actionSend}, {"message", actionMove}, {"message", actionCopy},
	{"message", actionReply}, {"message", actionReplyAll}, {"message", actionForward},
	{"message", actionCReply}, {"message", actionCReplyAll}, {"message", actionCForward},
	{"mailFolder", actionMove}, {"mailFolder", actionCopy},
	{"user", actionGetMailTips},
}

// SetMailboxQuota sets the size in bytes at which a user's mailbox is full
// (0 removes it).
func SetMailboxQuota(ctx context.Context, st *core.Store, userID string, bytes int64) error {
	return st.Write(ctx, func(tx *core.Tx) error { return setMailboxQuota(ctx, tx, userID, bytes) })
}
