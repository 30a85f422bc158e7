package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Areas meet in a user's mailbox: the calendar sends meeting requests,
// responses and cancellations, which must arrive exactly as mail does
// (inbox, the recipient's rules, Sent Items), and reads working hours from
// the mailbox settings. The area that serves mailboxes offers both through
// Area.Mailboxes; the others reach it with Call.Mailboxes, never by
// importing it.

// Mailboxes is what the area serving mailboxes offers the other areas.
type Mailboxes interface {
	// Send delivers a message from msg.From, inside tx, as sendMail does:
	// a copy in the inbox of every recipient of the tenant (addresses
	// outside it are dropped), with the recipient's delivery rules applied,
	// and the sent copy kept in the sender's Sent Items when
	// msg.SaveToSentItems is set.
	Send(ctx context.Context, c *Call, tx *Tx, msg *OutgoingMessage) error
	// Settings returns a user's mailboxSettings document, the defaults for
	// a mailbox never configured.
	Settings(ctx context.Context, c *Call, tx *Tx, userID string) (map[string]any, error)
}

// OutgoingMessage is a message another area sends through Mailboxes.Send.
type OutgoingMessage struct {
	// From sends the message.
	From *User
	// Message is the message as Graph JSON: subject, body, toRecipients,
	// ccRecipients, an "@odata.type" for derived types (an eventMessage),
	// their properties, and internal "_" keys the sending area reads back
	// (see Link).
	Message map[string]any
	// SaveToSentItems keeps the sent copy in the sender's Sent Items.
	SaveToSentItems bool
	// Each, when set, adjusts the copy delivered to one recipient before it
	// is stored: an event message links to the recipient's own event.
	Each func(recipient *User, doc map[string]any)
}

// ErrNoMailboxes is returned by Call.Mailboxes when no area serves
// mailboxes.
var ErrNoMailboxes = errors.New("sandbox: no area serves mailboxes")

// Mailboxes returns the mailbox service of the engine's areas, or
// ErrNoMailboxes.
func (c *Call) Mailboxes() (Mailboxes, error) {
	for _, a := range c.s.areas {
		if a.Mailboxes != nil {
			return a.Mailboxes, nil
		}
	}
	return nil, ErrNoMailboxes
}

// Link names a stored item from another area's document: an event
// message's event. Store it under LinksKey in the document, by navigation
// property name, and read it back with Call.Linked.
type Link struct {
	Collection string `json:"collection"`
	Owner      string `json:"owner"`
	ID         string `json:"id"`
}

// LinksKey is the internal key of a document holding its links, a map from
// navigation property name ("event") to Link.
const LinksKey = "_links"

// SetLink records a link of doc under the navigation property name.
func SetLink(doc map[string]any, name string, l Link) {
	links, _ := doc[LinksKey].(map[string]any)
	if links == nil {
		links = map[string]any{}
		doc[LinksKey] = links
	}
	links[name] = map[string]any{"collection": l.Collection, "owner": l.Owner, "id": l.ID}
}

// LinkOf reads the link SetLink recorded; ok is false when there is none.
func LinkOf(doc map[string]any, name string) (Link, bool) {
	links, _ := doc[LinksKey].(map[string]any)
	m, _ := links[name].(map[string]any)
	l := Link{Collection: Str(m, "collection"), Owner: Str(m, "owner"), ID: Str(m, "id")}
	return l, l.Collection != "" && l.ID != ""
}

// Resolver reads one item of an area's collection for another area (an
// event message's $expand=event): the document as the owning area presents
// it, or an error wrapping ErrNotFound.
type Resolver func(ctx context.Context, c *Call, tx *Tx, owner, id string) (map[string]any, error)

// Linked reads the item l names through the Resolver its area registered
// for l.Collection (Area.Resolvers), in a read transaction of its own.
func (c *Call) Linked(ctx context.Context, l Link) (map[string]any, error) {
	var resolve Resolver
	for _, a := range c.s.areas {
		if r, ok := a.Resolvers[l.Collection]; ok {
			resolve = r
			break
		}
	}
	if resolve == nil {
		return nil, fmt.Errorf("sandbox: no area resolves %q links: %w", l.Collection, ErrNotFound)
	}
	var doc map[string]any
	err := c.s.st.Read(ctx, func(tx *Tx) error {
		var err error
		doc, err = resolve(ctx, c, tx, l.Owner, l.ID)
		return err
	})
	return doc, err
}

// checkProviders refuses two areas offering mailboxes or resolving the same
// collection.
func checkProviders(areas []Area) error {
	mailboxes := ""
	resolvers := map[string]string{}
	for _, a := range areas {
		if a.Mailboxes != nil {
			if mailboxes != "" {
				return fmt.Errorf("sandbox: areas %s and %s both serve mailboxes", mailboxes, a.Name)
			}
			mailboxes = a.Name
		}
		for coll := range a.Resolvers {
			if other, dup := resolvers[strings.ToLower(coll)]; dup {
				return fmt.Errorf("sandbox: areas %s and %s both resolve %q links", other, a.Name, coll)
			}
			resolvers[strings.ToLower(coll)] = a.Name
		}
	}
	return nil
}
