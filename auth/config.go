package auth

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
	"github.com/o365go/o365"
)

// DefaultRefreshMargin is how long before expiry a cached access token is
// replaced when Config.RefreshMargin is zero.
const DefaultRefreshMargin = 5 * time.Minute

// Config holds what every credential needs. Only ClientID is required.
type Config struct {
	// ClientID is the application (client) id of the app registration.
	ClientID string
	// Tenant is "common" (the default for user sign-in), "organizations",
	// "consumers", a tenant id or a verified domain. Client credentials and
	// on-behalf-of need a tenant id or domain.
	Tenant string
	// Protocol gives the cloud's identity host (AuthorityHost) and the scope
	// prefix; nil means o365.Graph(). Use o365.GraphUSGovL4() or
	// o365.GraphChina() so that the login host matches the Graph host.
	Protocol *o365.Protocol
	// Authority overrides AuthorityHost + "/" + Tenant entirely, such as the
	// sandbox's "https://127.0.0.1:8443/contoso". It must be https.
	Authority string
	// Scopes are helper names ("message_all", "calendar") or raw permissions
	// ("Mail.Read"), expanded by Protocol.Scopes. openid, profile and
	// offline_access are added by MSAL and need not be listed. Empty means the
	// scopes of the last Authenticate, else Protocol.DefaultScope(). Client
	// credentials accept only "<resource>/.default" scopes.
	Scopes []string
	// Store keeps the token cache; nil means a new MemoryStore (sign-in lasts as
	// long as the process). On-behalf-of never uses it.
	Store Store
	// Username picks one of several users signed in to Store.
	Username string
	// HTTPClient sends the requests to the identity platform; nil means MSAL's.
	HTTPClient *http.Client
	// InstanceDiscovery turns MSAL's authority validation on or off. Nil means
	// on for the Microsoft clouds and off when Authority is set, which a local
	// identity provider needs.
	InstanceDiscovery *bool
	// Logger receives sign-in, refresh and store events, never secrets; nil
	// discards them.
	Logger *slog.Logger
	// RefreshMargin replaces a cached access token that expires within it;
	// 0 means DefaultRefreshMargin, negative leaves it to MSAL (5 minutes).
	RefreshMargin time.Duration
}

// settings is a validated Config.
type settings struct {
	clientID   string
	authority  string
	host       string // scheme://host of the authority
	proto      *o365.Protocol
	scopes     []string
	store      Store
	username   string
	httpClient *http.Client
	discovery  bool
	log        *slog.Logger
	margin     time.Duration
}

// resolve validates cfg. tenantRequired is set for the flows whose tokens
// belong to one tenant (client credentials, on-behalf-of).
func (cfg Config) resolve(tenantRequired bool) (settings, error) {
	s := settings{
		clientID:   strings.TrimSpace(cfg.ClientID),
		proto:      cfg.Protocol,
		store:      cfg.Store,
		username:   cfg.Username,
		httpClient: cfg.HTTPClient,
		log:        cfg.Logger,
		margin:     cfg.RefreshMargin,
	}
	if s.clientID == "" {
		return s, errors.New("auth: Config.ClientID is required")
	}
	if s.proto == nil {
		s.proto = o365.Graph()
	}
	if s.store == nil {
		s.store = &MemoryStore{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.margin == 0 {
		s.margin = DefaultRefreshMargin
	}
	s.discovery = cfg.Authority == ""
	if cfg.InstanceDiscovery != nil {
		s.discovery = *cfg.InstanceDiscovery
	}
	if cfg.Authority != "" {
		s.authority = strings.TrimRight(cfg.Authority, "/")
	} else {
		host := strings.TrimRight(s.proto.AuthorityHost, "/")
		if host == "" {
			host = "https://login.microsoftonline.com"
		}
		tenant := strings.TrimSpace(cfg.Tenant)
		if tenant == "" {
			tenant = "common"
		}
		s.authority = host + "/" + tenant
	}
	u, err := url.Parse(s.authority)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return s, fmt.Errorf("auth: authority %q is not an https URL", s.authority)
	}
	s.host = u.Scheme + "://" + u.Host
	tenant, _, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	if tenant == "" {
		return s, fmt.Errorf("auth: authority %q names no tenant", s.authority)
	}
	if tenantRequired {
		switch strings.ToLower(tenant) {
		case "common", "organizations", "consumers":
			return s, fmt.Errorf("auth: this flow needs a tenant id or domain in Config.Tenant, not %q", tenant)
		}
	}
	s.scopes = s.expand(cfg.Scopes)
	return s, nil
}

// expand turns helper names into scopes and drops the OpenID Connect scopes
// MSAL adds itself (sending them twice makes no difference to the identity
// platform, but it does to MSAL's cache keys).
func (s settings) expand(names []string) []string {
	var out []string
	for _, sc := range s.proto.Scopes(names...) {
		switch strings.ToLower(sc) {
		case "openid", "profile", "offline_access":
			continue
		}
		out = append(out, sc)
	}
	return out
}

// appScopes returns the scopes of client credentials: "<resource>/.default".
func (s settings) appScopes() ([]string, error) {
	if len(s.scopes) == 0 {
		return []string{s.proto.DefaultScope()}, nil
	}
	for _, sc := range s.scopes {
		if !strings.HasSuffix(sc, "/.default") {
			return nil, fmt.Errorf("auth: client credentials take only <resource>/.default scopes (application permissions are granted to the app), not %q", sc)
		}
	}
	return s.scopes, nil
}

func (s settings) publicClient(cache *cacheAdapter) (public.Client, error) {
	opts := []public.Option{public.WithAuthority(s.authority), public.WithInstanceDiscovery(s.discovery)}
	if cache != nil {
		opts = append(opts, public.WithCache(cache))
	}
	if s.httpClient != nil {
		opts = append(opts, public.WithHTTPClient(s.httpClient))
	}
	c, err := public.New(s.clientID, opts...)
	if err != nil {
		return c, fmt.Errorf("auth: %w", err)
	}
	return c, nil
}

func (s settings) confidentialClient(cred confidential.Credential, cache *cacheAdapter) (confidential.Client, error) {
	opts := []confidential.Option{confidential.WithInstanceDiscovery(s.discovery)}
	if cache != nil {
		opts = append(opts, confidential.WithCache(cache))
	}
	if s.httpClient != nil {
		opts = append(opts, confidential.WithHTTPClient(s.httpClient))
	}
	c, err := confidential.New(s.authority, s.clientID, cred, opts...)
	if err != nil {
		return c, fmt.Errorf("auth: %w", err)
	}
	return c, nil
}
