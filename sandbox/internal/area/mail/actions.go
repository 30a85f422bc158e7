package mail

import "github.com/o365go/o365/sandbox/internal/core"

// The actions the mail area serves, with their parameters as Graph's
// schema declares them (mail_test checks them against it). Bodies are read
// with core.Call.DecodeAction, so parameter names match in any case and
// primitives may come as strings, as Graph's OData reader allows.

var (
	messageParam    = core.ActionParam{Name: "Message", Type: "microsoft.graph.message"}
	commentParam    = core.ActionParam{Name: "Comment", Type: "Edm.String"}
	toRecipients    = core.ActionParam{Name: "ToRecipients", Type: "Collection(microsoft.graph.recipient)"}
	destinationID   = core.ActionParam{Name: "DestinationId", Type: "Edm.String"}
	actionSendMail  = core.Action{Name: "sendMail", Params: []core.ActionParam{messageParam, {Name: "SaveToSentItems", Type: "Edm.Boolean"}}}
	actionSend      = core.Action{Name: "send"}
	actionMove      = core.Action{Name: "move", Params: []core.ActionParam{destinationID}}
	actionCopy      = core.Action{Name: "copy", Params: []core.ActionParam{destinationID}}
	actionReply     = core.Action{Name: "reply", Params: []core.ActionParam{messageParam, commentParam}}
	actionReplyAll  = core.Action{Name: "replyAll", Params: []core.ActionParam{messageParam, commentParam}}
	actionForward   = core.Action{Name: "forward", Params: []core.ActionParam{toRecipients, messageParam, commentParam}}
	actionCReply    = core.Action{Name: "createReply", Params: []core.ActionParam{messageParam, commentParam}}
	actionCReplyAll = core.Action{Name: "createReplyAll", Params: []core.ActionParam{messageParam, commentParam}}
	actionCForward  = core.Action{Name: "createForward", Params: []core.ActionParam{toRecipients, messageParam, commentParam}}
)

// responseActions are the actions of replies and forwards, by kind and
// whether they send at once.
var responseActions = map[string]map[bool]core.Action{
	"reply":    {true: actionReply, false: actionCReply},
	"replyAll": {true: actionReplyAll, false: actionCReplyAll},
	"forward":  {true: actionForward, false: actionCForward},
}
