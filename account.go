package o365

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Version is the library's version, sent in the User-Agent header.
const Version = "0.1.0"

// Account ties a Protocol, a Resource and a TokenSource to an HTTP client: it is
// what every service package takes (mail.New(acct), calendar.New(acct) ...) and
// the one request path they are built on (Do, List, Get).
//
// An Account is safe for concurrent use. With derives accounts that share its
// transport and token source but speak for another resource.
type Account struct {
	proto     *Protocol
	resource  Resource
	tokens    TokenSource
	client    *http.Client // a copy that never follows redirects (see noRedirects)
	log       *slog.Logger
	retry     RetryPolicy
	onRetry   func(RetryEvent) // nil: retries are only logged
	tz        *time.Location
	userAgent string
	// preferTZ is the outlook.timezone Prefer value, worked out once when the
	// account is built ("" when neither the account nor the protocol sets a zone).
	preferTZ string
	prefer   []string // WithPrefer values, sent with every request
	err      error    // set by With when an option was invalid
	// resourceSet records that WithResource ran, so New keeps an explicit "me".
	resourceSet bool
	// groups remembers the ids of groups named by address; shared by copies.
	groups *groupIDs
}

// Option configures an Account in New or With.
type Option func(*Account) error

// WithProtocol sets the protocol (default Graph()).
func WithProtocol(p *Protocol) Option {
	return func(a *Account) error {
		if p == nil {
			return errors.New("o365: WithProtocol: nil protocol")
		}
		if p.BaseURL == "" {
			return fmt.Errorf("o365: protocol %q has no BaseURL", p.Name)
		}
		a.proto = p
		return nil
	}
}

// WithResource sets whose data the account touches ("me", "user:alice@contoso.com",
// "sharepoint:SITE", "group:ID", ...; see ParseResource). It overrides the
// protocol's default resource.
func WithResource(resource string) Option {
	return func(a *Account) error {
		r, err := ParseResource(resource)
		if err != nil {
			return err
		}
		a.resource = r
		a.resourceSet = true
		return nil
	}
}

// WithTokenSource sets where access tokens come from: an auth credential, a
// StaticToken, or any TokenSource.
func WithTokenSource(ts TokenSource) Option {
	return func(a *Account) error {
		if ts == nil {
			return errors.New("o365: WithTokenSource: nil token source")
		}
		a.tokens = ts
		return nil
	}
}

// WithHTTPClient sets the HTTP client (default: a client with a 0 timeout, which
// relies on the context for deadlines). The Account keeps a copy whose redirect
// policy it replaces: redirects are followed by the Account itself so that
// tokens never reach another host.
func WithHTTPClient(c *http.Client) Option {
	return func(a *Account) error {
		if c == nil {
			return errors.New("o365: WithHTTPClient: nil client")
		}
		a.client = noRedirects(c)
		return nil
	}
}

// noRedirects returns a copy of c that hands redirects back to send, which
// follows them itself.
func noRedirects(c *http.Client) *http.Client {
	cp := *c
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cp
}

// WithLogger sets a structured logger for requests (off by default). Tokens,
// secrets and pre-authenticated URLs are redacted before logging.
func WithLogger(l *slog.Logger) Option {
	return func(a *Account) error {
		if l == nil {
			l = slog.New(slog.DiscardHandler)
		}
		a.log = l
		return nil
	}
}

// WithRetry sets the retry policy (default DefaultRetryPolicy()).
func WithRetry(p RetryPolicy) Option {
	return func(a *Account) error {
		if p.MaxAttempts < 1 {
			return fmt.Errorf("o365: WithRetry: MaxAttempts is %d, want at least 1 (1 means no retry)", p.MaxAttempts)
		}
		a.retry = p
		return nil
	}
}

// WithRetryNotify sets a function told about every retry before the engine
// waits for it: a throttled or failing request, or $batch items sent again.
// A command-line tool uses it to say why it is waiting ("throttled,
// retrying in 2s (attempt 2 of 5)"). It may be called from several
// goroutines at once ($batch envelopes run concurrently) and should return
// quickly. Nil turns it off.
func WithRetryNotify(fn func(RetryEvent)) Option {
	return func(a *Account) error {
		a.onRetry = fn
		return nil
	}
}

// WithTimeZone sets the zone dates are returned in (Prefer: outlook.timezone),
// overriding the protocol's.
func WithTimeZone(loc *time.Location) Option {
	return func(a *Account) error {
		if loc == nil {
			return errors.New("o365: WithTimeZone: nil location")
		}
		if _, err := WindowsZone(loc); err != nil {
			return err
		}
		a.tz = loc
		return nil
	}
}

// WithPrefer adds Prefer header values sent with every request of the account
// (merged with each request's own; a request's value wins over the
// account's for the same preference). Service packages use it for
// preferences that hold for everything they return:
// acct.With(o365.WithPrefer(`IdType="ImmutableId"`)) asks Outlook for
// immutable ids.
func WithPrefer(values ...string) Option {
	return func(a *Account) error {
		for _, v := range values {
			if strings.ContainsAny(v, "\r\n") {
				return fmt.Errorf("o365: WithPrefer: %q holds a line break", v)
			}
		}
		// A new slice: accounts derived with With never share one.
		a.prefer = append(append([]string(nil), a.prefer...), values...)
		return nil
	}
}

// WithUserAgent sets the User-Agent product sent before the library's own.
func WithUserAgent(ua string) Option {
	return func(a *Account) error {
		a.userAgent = ua + " o365-go/" + Version
		return nil
	}
}

// New builds an Account. Without options it speaks Microsoft Graph v1.0 for "me",
// and needs WithTokenSource before it can call anything.
func New(opts ...Option) (*Account, error) {
	a := &Account{
		proto:     Graph(),
		client:    noRedirects(&http.Client{}),
		log:       slog.New(slog.DiscardHandler),
		retry:     DefaultRetryPolicy(),
		userAgent: "o365-go/" + Version,
		groups:    &groupIDs{},
	}
	for _, opt := range opts {
		if err := opt(a); err != nil {
			return nil, err
		}
	}
	if !a.resourceSet {
		r, err := ParseResource(a.proto.defaultResource())
		if err != nil {
			return nil, fmt.Errorf("o365: protocol %q default resource: %w", a.proto.Name, err)
		}
		a.resource = r
	}
	a.preferTZ = a.timeZonePrefer()
	return a, nil
}

// With returns a copy of the account with opts applied, sharing its HTTP client and
// token source: mail.New(acct.With(o365.WithResource("user:shared@contoso.com"))).
// If an option is invalid, every request of the copy fails with its error (see Err);
// the original account is unchanged.
func (a *Account) With(opts ...Option) *Account {
	c := *a
	for _, opt := range opts {
		if err := opt(&c); err != nil && c.err == nil {
			c.err = err
		}
	}
	c.preferTZ = c.timeZonePrefer()
	return &c
}

// timeZonePrefer returns the Prefer value naming the account's zone, or "" when
// no zone is set or it has no Windows name.
func (a *Account) timeZonePrefer() string {
	if a.tz == nil && a.proto.TimeZone == nil {
		return ""
	}
	w, err := WindowsZone(a.TimeZone())
	if err != nil {
		return ""
	}
	return `outlook.timezone="` + w + `"`
}

// Err returns the error of an invalid option given to With, or nil.
func (a *Account) Err() error { return a.err }

// Protocol returns the account's protocol.
func (a *Account) Protocol() *Protocol { return a.proto }

// Resource returns the account's resource.
func (a *Account) Resource() Resource { return a.resource }

// Logger returns the account's logger (never nil).
func (a *Account) Logger() *slog.Logger { return a.log }

// TokenSource returns the account's token source, or nil.
func (a *Account) TokenSource() TokenSource { return a.tokens }

// TimeZone returns the zone dates are requested in: the account's, else the
// protocol's, else UTC.
func (a *Account) TimeZone() *time.Location {
	switch {
	case a.tz != nil:
		return a.tz
	case a.proto.TimeZone != nil:
		return a.proto.TimeZone
	}
	return time.UTC
}

// Preference returns the value of the Prefer preference name (such as
// "IdType") that the account sends with every request (see WithPrefer),
// without quotes, and whether it sends one. Names compare
// case-insensitively, as Graph reads them: a service package asks
// Preference("IdType") to learn whether the ids it is given are immutable.
func (a *Account) Preference(name string) (string, bool) {
	for _, v := range a.prefer {
		for p := range strings.SplitSeq(v, ",") {
			p, _, _ = strings.Cut(p, ";") // parameters of the preference
			key, val, _ := strings.Cut(p, "=")
			if strings.EqualFold(strings.TrimSpace(key), name) {
				return strings.Trim(strings.TrimSpace(val), `"`), true
			}
		}
	}
	return "", false
}

// AppOnly reports whether the account's tokens carry application permissions.
func (a *Account) AppOnly() bool {
	s, ok := a.tokens.(AppOnlySource)
	return ok && s.AppOnly()
}

func (a *Account) authenticator() (Authenticator, error) {
	if au, ok := a.tokens.(Authenticator); ok {
		return au, nil
	}
	return nil, ErrNoAuthenticator
}

// Authenticate signs in with the account's credential, asking for scopes (helper
// names such as "message_all" or raw scopes).
func (a *Account) Authenticate(ctx context.Context, scopes ...string) error {
	au, err := a.authenticator()
	if err != nil {
		return err
	}
	return au.Authenticate(ctx, scopes...)
}

// IsAuthenticated reports whether a token can be had without user interaction.
func (a *Account) IsAuthenticated(ctx context.Context) bool {
	au, err := a.authenticator()
	if err != nil {
		return a.tokens != nil
	}
	return au.IsAuthenticated(ctx)
}

// Username returns the signed-in user's name, or "".
func (a *Account) Username() string {
	au, err := a.authenticator()
	if err != nil {
		return ""
	}
	return au.Username()
}

// Usernames lists the users whose tokens the credential's store holds.
func (a *Account) Usernames(ctx context.Context) ([]string, error) {
	au, err := a.authenticator()
	if err != nil {
		return nil, err
	}
	return au.Usernames(ctx)
}

// SignOut removes a user's tokens ("" means the current user).
func (a *Account) SignOut(ctx context.Context, username string) error {
	au, err := a.authenticator()
	if err != nil {
		return err
	}
	return au.SignOut(ctx, username)
}
