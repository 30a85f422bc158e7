package core

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Area is one service area (mail, the directory, calendar ...): the routes
// it serves, the resources clients may subscribe to, and its part of the
// demo tenant. Each area lives in its own package and hands its Area to the
// engine through Config.Areas; areas never share names, only the core.
type Area struct {
	// Name identifies the area in errors and prefixes its knobs, e.g. "mail".
	Name string
	// Routes are the area's requests, matched as Route.Pattern says.
	Routes []Route
	// Subscriptions are the resources POST /subscriptions accepts.
	Subscriptions []Subscribable
	// Knobs are the sizes the area's Seed reads from SeedContext.Size.
	Knobs []Knob
	// ItemCollections are the collections holding the area's Outlook items
	// (messages, events, contacts ...), stored under their immutable ids in
	// folders: translateExchangeIds converts their ids.
	ItemCollections []string
	// Seed adds the area's part of the demo tenant, inside the seeding
	// transaction; nil when the area has no demo data.
	Seed func(ctx context.Context, tx *Tx, sd *SeedContext) error
	// Mailboxes is set by the one area that serves mailboxes (mail): other
	// areas deliver messages and read mailbox settings through it
	// (Call.Mailboxes).
	Mailboxes Mailboxes
	// Resolvers read the area's items for other areas' links, by
	// collection (Call.Linked): the calendar resolves "events" for event
	// messages.
	Resolvers map[string]Resolver
	// Version is the format of the area's stored data, recorded with its
	// seed. Raise it when the area can no longer serve what an earlier
	// version stored (ids in another form ...): a database seeded with
	// another format is then refused at start, with the way to reset it,
	// instead of being served wrong. 0 is the first format.
	Version int
}

// HandlerFunc serves one request. It returns nil after writing the answer,
// or an error for the engine to write: an *Error as is, a wrapped
// ErrNotFound as 404 ErrorItemNotFound, anything else as a logged 500.
type HandlerFunc func(ctx context.Context, c *Call) error

// Route is one request an area serves.
type Route struct {
	// Method is the HTTP method, e.g. http.MethodGet.
	Method string
	// Pattern is relative to the version root, segments separated by "/":
	// literal segments match case-insensitively; {name} matches one segment
	// (Call.Param("name")); {user}, first only, matches "me" or
	// "users/{id-or-upn}" and fills Call.User; a final {name...} matches the
	// rest of the path; {name:} matches one segment or Graph's path form
	// ("host:/sites/team:", "root:/a/b.txt:"; read it with PathParam).
	// Literal segments win over parameters.
	Pattern string
	// Scopes are the delegated permissions that allow the call (any of).
	Scopes []string
	// SharedScopes allow a delegated call on another user's {user} route
	// (any of); nil means each of Scopes with ".Shared" appended.
	SharedScopes []string
	// Roles are the application permissions that allow the call (any of).
	Roles []string
	// Mailbox says how a {user} route reaches into the user's mailbox: a
	// delegated call on another user's mailbox then also needs that user's
	// grant (see Grant and MailboxUse), as Exchange wants. Zero is
	// NotMailbox: scopes and roles decide alone.
	Mailbox MailboxUse
	// Public routes need no bearer token: pre-authenticated upload and
	// download URLs carry their own proof. Call.Claims and Call.User are
	// nil there.
	Public bool
	// Denied is the 403 a token without Scopes or Roles gets; nil is
	// Exchange's ErrorAccessDenied. The directory's routes answer
	// InsufficientPrivileges, as Microsoft Entra ID does.
	Denied func() *Error
	// Handle serves the request once it is authenticated and authorized.
	Handle HandlerFunc

	segs []string
}

// On returns a route for another request with r's permissions (Scopes,
// SharedScopes, Roles, Mailbox, Public, Denied): an area keeps one Route per set
// of permissions and derives its routes from it.
func (r Route) On(method, pattern string, h HandlerFunc) Route {
	r.Method, r.Pattern, r.Handle, r.segs = method, pattern, h, nil
	return r
}

// Knob is one size setting of an area's part of the demo tenant, for
// benchmarks and big tenants: sandbox.SeedSize.Knobs and
// `o365 sandbox seed --size NAME=N` set it by name; zero is the default,
// small tenant.
type Knob struct {
	// Name is "{area}.{knob}", e.g. "mail.messagesPerInbox": the area's
	// name prefix keeps knobs of different areas apart.
	Name string
	// Doc says what one unit adds, e.g. "generated messages in the demo
	// user's inbox", for help texts.
	Doc string
}

// SeedContext is what an area's Seed gets.
type SeedContext struct {
	// Epoch is the fixed "now" of seeded data, so that the demo tenant is
	// the same on every run: derive every seeded time from it.
	Epoch time.Time
	// TenantID and Domain name the tenant, e.g. "contoso.onmicrosoft.com".
	TenantID, Domain string

	sizes map[string]int
}

// Size is the value of the named knob (its full "{area}.{knob}" name); 0
// when it is unset.
func (sd *SeedContext) Size(knob string) int { return sd.sizes[knob] }

// checkAreas refuses areas whose names or knobs collide or are malformed.
func checkAreas(areas []Area) error {
	names := map[string]bool{}
	knobs := map[string]bool{}
	for _, a := range areas {
		if a.Name == "" || strings.ContainsAny(a.Name, ". ") {
			return fmt.Errorf("sandbox: area name %q must be a non-empty word", a.Name)
		}
		if names[a.Name] {
			return fmt.Errorf("sandbox: two areas are named %q", a.Name)
		}
		names[a.Name] = true
		for _, k := range a.Knobs {
			rest, ok := strings.CutPrefix(k.Name, a.Name+".")
			if !ok || rest == "" || strings.ContainsAny(rest, ". =,") {
				return fmt.Errorf("sandbox: area %s: knob %q must be named %s.NAME", a.Name, k.Name, a.Name)
			}
			if knobs[k.Name] {
				return fmt.Errorf("sandbox: area %s declares knob %q twice", a.Name, k.Name)
			}
			knobs[k.Name] = true
		}
	}
	return checkProviders(areas)
}
