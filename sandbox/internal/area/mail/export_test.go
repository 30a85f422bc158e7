package mail

// MessageSearchFields are where unqualified $search terms look in messages,
// for tests that compute what a search must find.
var MessageSearchFields = messageSearchFields

// AddrOf is the lower-cased address of a recipient.
var AddrOf = addrOf
