// Package identity is the sandbox's Microsoft identity platform: the OAuth 2.0
// and OpenID Connect v2.0 endpoints of login.microsoftonline.com (discovery,
// authorize, token, devicecode, device approval, logout) for one tenant, and
// the verification of the access tokens it issues.
//
// It speaks the wire protocol MSAL libraries expect, so that a real MSAL
// client can sign in against the sandbox: use the authority
// https://HOST/{tenant} (MSAL refuses http) and turn instance discovery off
// (MSAL Go would ask login.microsoftonline.com about an unknown host). Its
// state (signing key, codes, refresh tokens, device codes) lives in a KV
// supplied by the sandbox store; codes and tokens are stored only hashed.
package identity

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// ErrNotFound is wrapped by Directory lookups and by device approvals when the
// thing asked for does not exist.
var ErrNotFound = errors.New("not found")

// ErrInvalidToken is wrapped by Verify when a bearer token is malformed, not
// signed by this provider, or not meant for a resource the sandbox serves.
var ErrInvalidToken = errors.New("invalid token")

// ErrTokenExpired is wrapped by Verify when a token's lifetime is over.
var ErrTokenExpired = errors.New("token expired")

// User is a directory user that can sign in.
type User struct {
	ID, UserPrincipalName, DisplayName, Mail, Password string
	// Disabled is true when an administrator disabled the account
	// (accountEnabled false): it cannot sign in, and the grants it was
	// given no longer issue tokens (AADSTS50057).
	Disabled bool
}

// App is an application registration.
//
// DelegatedScopes and AppRoles list the permissions the app was granted.
// Graph and Outlook permissions are bare names ("Mail.Read"); permissions of
// another registered API are fully qualified ("api://CLIENT-ID/access_as_user").
type App struct {
	ClientID, DisplayName string
	Secrets               []string
	CertificatesPEM       [][]byte
	RedirectURIs          []string
	PublicClient          bool
	DelegatedScopes       []string
	AppRoles              []string
}

// Directory looks up users and applications of the tenant.
type Directory interface {
	// UserByLogin finds a user by UPN, mail or object id; the error wraps ErrNotFound.
	UserByLogin(ctx context.Context, login string) (User, error)
	// App finds an application by client id; the error wraps ErrNotFound.
	App(ctx context.Context, clientID string) (App, error)
}

// KV is persistent key/value storage, provided by the sandbox store.
type KV interface {
	// Get returns the value of key; ok is false when it is absent or expired.
	Get(ctx context.Context, key string) (val []byte, ok bool, err error)
	// Put stores val until expires; a zero expires means never.
	Put(ctx context.Context, key string, val []byte, expires time.Time) error
	// Delete removes key; deleting an absent key is not an error.
	Delete(ctx context.Context, key string) error
}

// Config configures a Provider. TenantID, Directory and KV are required.
type Config struct {
	TenantID     string // a GUID
	TenantDomain string // e.g. contoso.onmicrosoft.com
	Directory    Directory
	KV           KV
	// DefaultUser, when set, signs in without a form at authorize and device approval.
	DefaultUser string
	// BaseURL gives the scheme and host the request arrived on, e.g. https://127.0.0.1:5365.
	// Nil derives it from the request.
	BaseURL func(r *http.Request) string
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// AccessTokenTTL is the access token lifetime; zero is one hour.
	AccessTokenTTL time.Duration
	// DeviceCodeInterval is the least time between two device code polls
	// (faster polls get slow_down); zero is five seconds. The devicecode
	// response reports it in whole seconds, rounded up.
	DeviceCodeInterval time.Duration
	// Logger receives one record per request outcome; nil discards. Secrets,
	// tokens and codes are never logged.
	Logger *slog.Logger
}

// Claims is what Verify learned from a valid access token.
type Claims struct {
	ObjectID, TenantID, UPN, AppID string
	Scopes, Roles                  []string
	AppOnly                        bool
	ExpiresAt                      time.Time
	// Audience is the resource the token is for: https://graph.microsoft.com
	// or an Outlook resource.
	Audience string
	// Name is the user's display name (empty for app-only tokens).
	Name string
}

// Provider serves the identity endpoints of one tenant and verifies the
// tokens it issues. It is safe for concurrent use.
type Provider struct {
	cfg          Config
	log          *slog.Logger
	now          func() time.Time
	key          *signingKey
	mux          *http.ServeMux
	atTTL        time.Duration
	pollInterval time.Duration
	// redeem serialises read-then-delete of one-time grants (codes, refresh
	// tokens, device codes): the KV has no compare-and-swap.
	redeem sync.Mutex
}

const (
	defaultAccessTokenTTL = time.Hour
	defaultPollInterval   = 5 * time.Second
)

// New checks cfg and loads (or creates and stores) the token signing key.
func New(cfg Config) (*Provider, error) {
	if _, err := uuid.Parse(cfg.TenantID); err != nil {
		return nil, fmt.Errorf("identity: Config.TenantID %q must be a GUID: %w", cfg.TenantID, err)
	}
	if cfg.Directory == nil || cfg.KV == nil {
		return nil, errors.New("identity: Config.Directory and Config.KV are required")
	}
	p := &Provider{cfg: cfg, log: cfg.Logger, now: cfg.Now, atTTL: cfg.AccessTokenTTL, pollInterval: cfg.DeviceCodeInterval}
	if p.log == nil {
		p.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if p.now == nil {
		p.now = time.Now
	}
	if p.atTTL <= 0 {
		p.atTTL = defaultAccessTokenTTL
	}
	if p.pollInterval <= 0 {
		p.pollInterval = defaultPollInterval
	}
	key, err := loadOrCreateKey(context.Background(), cfg.KV)
	if err != nil {
		return nil, err
	}
	p.key = key
	p.mux = p.routes()
	return p, nil
}

// Handler serves the identity endpoints. Mount it for every path Owns accepts.
func (p *Provider) Handler() http.Handler { return p.mux }

// identityPaths are the endpoints below /{tenant}. The tenant segment of
// discovery/instance and UserRealm/{login} is not checked, as MSAL sends
// them to /common.
var identityPaths = []string{
	"v2.0/.well-known/openid-configuration",
	"discovery/instance",
	"discovery/v2.0/keys",
	"oauth2/v2.0/authorize",
	"oauth2/v2.0/token",
	"oauth2/v2.0/devicecode",
	"oauth2/v2.0/logout",
	"device",
}

// Owns reports whether path is an identity endpoint ("/{tenant}/oauth2/v2.0/token"
// and so on), whatever the tenant segment: an unknown tenant gets an identity
// error rather than a Graph 404.
func (p *Provider) Owns(path string) bool {
	tenant, rest, ok := splitTenant(path)
	if !ok || graphRoots[tenant] {
		return false
	}
	if strings.HasPrefix(rest, "UserRealm/") && len(rest) > len("UserRealm/") {
		return true
	}
	for _, s := range identityPaths {
		if rest == s {
			return true
		}
	}
	return false
}

// graphRoots are first path segments of the data APIs, never tenants.
var graphRoots = map[string]bool{"v1.0": true, "beta": true, "api": true}

// splitTenant splits "/{tenant}/{rest}".
func splitTenant(path string) (tenant, rest string, ok bool) {
	path, found := strings.CutPrefix(path, "/")
	if !found {
		return "", "", false
	}
	tenant, rest, ok = strings.Cut(path, "/")
	if !ok || tenant == "" || rest == "" {
		return "", "", false
	}
	return tenant, rest, true
}

func (p *Provider) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{tenant}/v2.0/.well-known/openid-configuration", p.withTenant(p.serveOpenIDConfiguration))
	mux.HandleFunc("GET /{tenant}/discovery/instance", p.serveInstanceDiscovery)
	mux.HandleFunc("GET /{tenant}/discovery/v2.0/keys", p.withTenant(p.serveKeys))
	mux.HandleFunc("GET /{tenant}/UserRealm/{login}", p.serveUserRealm)
	mux.HandleFunc("GET /{tenant}/oauth2/v2.0/authorize", p.withTenant(p.serveAuthorize))
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/authorize", p.withTenant(p.serveAuthorize))
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", p.withTenant(p.serveToken))
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/devicecode", p.withTenant(p.serveDeviceCode))
	mux.HandleFunc("GET /{tenant}/oauth2/v2.0/logout", p.withTenant(p.serveLogout))
	mux.HandleFunc("GET /{tenant}/device", p.withTenant(p.serveDevicePage))
	mux.HandleFunc("POST /{tenant}/device", p.withTenant(p.serveDevicePage))
	return mux
}

// tenantKind tells the tenant aliases apart where behaviour differs.
type tenantKind int

const (
	tenantOwn tenantKind = iota // the tenant id or domain
	tenantCommon
	tenantOrganizations
)

// request is one identity request with its resolved tenant.
type request struct {
	tenant        string // the path segment, as sent
	kind          tenantKind
	base          string // scheme://host, no trailing slash
	correlationID string
	traceID       string
}
