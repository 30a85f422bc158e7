package sandbox

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/area"
	"github.com/o365go/o365/sandbox/internal/core"
)

// SeedSize scales the demo tenant, for benchmarks and big tenants. Zero
// values give the small default. Each area declares its own knobs (Knobs
// lists them); MessagesPerInbox and ExtraUsers are shorthands for the two
// most used.
type SeedSize struct {
	// MessagesPerInbox sets the knob "mail.messagesPerInbox": that many
	// generated messages in one folder, the inbox of DemoUser (Alice),
	// newest first a minute apart, after the three samples every demo
	// mailbox holds; the other mailboxes keep only the samples. 100,000
	// (the "100,000 messages in one folder") seeds in a few seconds.
	MessagesPerInbox int
	// ExtraUsers sets the knob "directory.extraUsers": that many generated
	// users in the directory.
	ExtraUsers int
	// Knobs sets any area's knob by its name, e.g.
	// {"mail.messagesPerInbox": 1000}; an unknown name is an error when
	// seeding.
	// The fields above, when not zero, win over the same knobs here.
	Knobs map[string]int
}

// Knob is one size setting of the demo tenant (see SeedSize.Knobs).
type Knob struct {
	// Name is "{area}.{knob}", e.g. "mail.messagesPerInbox".
	Name string
	// Doc says what one unit adds.
	Doc string
}

// Knobs lists the size knobs the areas offer, in area order.
func Knobs() []Knob {
	var out []Knob
	for _, a := range area.All() {
		for _, k := range a.Knobs {
			out = append(out, Knob{Name: k.Name, Doc: k.Doc})
		}
	}
	return out
}

// Sizes are the knob values z sets, by name: Knobs with MessagesPerInbox
// and ExtraUsers applied.
func (z SeedSize) Sizes() map[string]int {
	out := map[string]int{}
	for k, v := range z.Knobs {
		out[k] = v
	}
	if z.MessagesPerInbox != 0 {
		out["mail.messagesPerInbox"] = z.MessagesPerInbox
	}
	if z.ExtraUsers != 0 {
		out["directory.extraUsers"] = z.ExtraUsers
	}
	return out
}

// Seed loads the named demo data ("demo") into the store: every area's part
// of the demo tenant (the directory's users, groups and registered apps,
// the mailboxes ...), scaled by Options.SeedSize. An area already seeded
// with the same size is left alone, so seeding twice changes nothing, and
// an area new to an existing database gets its data.
func (s *Server) Seed(ctx context.Context, name string) error {
	if name != "demo" {
		return fmt.Errorf("sandbox: unknown seed %q; use \"demo\"", name)
	}
	if err := s.adoptLegacySeed(ctx); err != nil {
		return err
	}
	return s.eng.Seed(ctx, s.opts.SeedSize.Sizes())
}

// legacySeedMarker is where databases seeded before areas kept their own
// records noted the seed: {"Name":"demo","Size":{"MessagesPerInbox":N,"ExtraUsers":N}}.
const legacySeedMarker = "sandbox:seeded"

// adoptLegacySeed turns a legacy seed record into the areas' own, so that
// an existing database is not seeded again.
func (s *Server) adoptLegacySeed(ctx context.Context) error {
	var old []byte
	var found bool
	err := s.eng.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		old, found, err = tx.KVGet(ctx, legacySeedMarker)
		return err
	})
	if err != nil || !found {
		return err
	}
	var mark struct {
		Name string
		Size struct{ MessagesPerInbox, ExtraUsers int }
	}
	if json.Unmarshal(old, &mark) == nil && mark.Name == "demo" {
		size := SeedSize{MessagesPerInbox: mark.Size.MessagesPerInbox, ExtraUsers: mark.Size.ExtraUsers}
		if err := s.eng.MarkSeeded(ctx, []string{"directory", "mail"}, size.Sizes()); err != nil {
			return err
		}
	}
	return s.eng.Store().Write(ctx, func(tx *core.Tx) error { return tx.KVDelete(ctx, legacySeedMarker) })
}

// App is an application registration: who may sign in to the sandbox's
// identity endpoints and with which permissions.
type App struct {
	ClientID    string // a GUID
	DisplayName string
	// Secrets are client secrets (confidential clients).
	Secrets []string
	// CertificatesPEM are client certificates for assertion sign-in.
	CertificatesPEM [][]byte
	// RedirectURIs are the allowed redirect URIs; loopback ones match any
	// port.
	RedirectURIs []string
	// PublicClient marks a public client (no secret; device code, PKCE).
	PublicClient bool
	// DelegatedScopes are the delegated permissions granted, e.g.
	// "Mail.Read" (plus "openid", "offline_access" ...).
	DelegatedScopes []string
	// AppRoles are the application permissions granted, e.g. "Mail.Read".
	AppRoles []string
}

// RegisterApp adds or replaces an application registration, so programs
// can sign in to the sandbox with their own client id.
func (s *Server) RegisterApp(ctx context.Context, app App) error {
	if _, err := uuid.Parse(app.ClientID); err != nil {
		return fmt.Errorf("sandbox: RegisterApp: client id %q must be a GUID: %w", app.ClientID, err)
	}
	if !app.PublicClient && len(app.Secrets) == 0 && len(app.CertificatesPEM) == 0 {
		return fmt.Errorf("sandbox: RegisterApp %s: a confidential client needs a secret or a certificate", app.ClientID)
	}
	return s.eng.Store().Write(ctx, func(tx *core.Tx) error { return core.PutApp(ctx, tx, core.App(app)) })
}

// Reset empties the tenant: every object, change, blob and stored grant.
// The server's own keys (token signing, skip tokens) stay, so clients keep
// trusting it.
func (s *Server) Reset(ctx context.Context) error { return s.eng.Reset(ctx) }
