package conversations

// ActionReply is the reply action, for the test against Graph's schema.
var ActionReply = actionReply
