package identity

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// openIDConfiguration is the OIDC discovery document, with the fields MSAL
// reads and those of Entra's document that make sense for the sandbox.
type openIDConfiguration struct {
	TokenEndpoint                     string   `json:"token_endpoint"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	JWKSURI                           string   `json:"jwks_uri"`
	ResponseModesSupported            []string `json:"response_modes_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	ScopesSupported                   []string `json:"scopes_supported"`
	Issuer                            string   `json:"issuer"`
	RequestURIParameterSupported      bool     `json:"request_uri_parameter_supported"`
	UserinfoEndpoint                  string   `json:"userinfo_endpoint"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	DeviceAuthorizationEndpoint       string   `json:"device_authorization_endpoint"`
	HTTPLogoutSupported               bool     `json:"http_logout_supported"`
	FrontchannelLogoutSupported       bool     `json:"frontchannel_logout_supported"`
	EndSessionEndpoint                string   `json:"end_session_endpoint"`
	ClaimsSupported                   []string `json:"claims_supported"`
	TenantRegionScope                 string   `json:"tenant_region_scope"`
	CloudInstanceName                 string   `json:"cloud_instance_name"`
	CloudGraphHostName                string   `json:"cloud_graph_host_name"`
	MSGraphHost                       string   `json:"msgraph_host"`
	RBACURL                           string   `json:"rbac_url"`
}

func (p *Provider) serveOpenIDConfiguration(w http.ResponseWriter, r *http.Request, req *request) {
	authority := req.base + "/" + req.tenant
	writeJSON(w, http.StatusOK, openIDConfiguration{
		TokenEndpoint:                     authority + "/oauth2/v2.0/token",
		TokenEndpointAuthMethodsSupported: []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		JWKSURI:                           authority + "/discovery/v2.0/keys",
		ResponseModesSupported:            []string{"query", "fragment", "form_post"},
		SubjectTypesSupported:             []string{"pairwise"},
		IDTokenSigningAlgValuesSupported:  []string{"RS256"},
		ResponseTypesSupported:            []string{"code", "id_token", "code id_token", "id_token token"},
		ScopesSupported:                   []string{"openid", "profile", "email", "offline_access"},
		Issuer:                            p.issuer(req.base),
		UserinfoEndpoint:                  "https://graph.microsoft.com/oidc/userinfo",
		AuthorizationEndpoint:             authority + "/oauth2/v2.0/authorize",
		DeviceAuthorizationEndpoint:       authority + "/oauth2/v2.0/devicecode",
		HTTPLogoutSupported:               true,
		FrontchannelLogoutSupported:       true,
		EndSessionEndpoint:                authority + "/oauth2/v2.0/logout",
		ClaimsSupported: []string{"sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name",
			"msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver",
			"at_hash", "c_hash", "email"},
		TenantRegionScope:  "WW",
		CloudInstanceName:  "microsoftonline.com",
		CloudGraphHostName: "graph.windows.net",
		MSGraphHost:        "graph.microsoft.com",
		RBACURL:            "https://pas.windows.net",
	})
}

type instanceMetadata struct {
	PreferredNetwork string   `json:"preferred_network"`
	PreferredCache   string   `json:"preferred_cache"`
	Aliases          []string `json:"aliases"`
}

type instanceDiscovery struct {
	TenantDiscoveryEndpoint string             `json:"tenant_discovery_endpoint"`
	APIVersion              string             `json:"api-version"`
	Metadata                []instanceMetadata `json:"metadata"`
}

// serveInstanceDiscovery answers MSAL's authority validation. It vouches only
// for authorities on the host the request came to.
func (p *Provider) serveInstanceDiscovery(w http.ResponseWriter, r *http.Request) {
	req := p.newRequest(w, r)
	q := r.URL.Query()
	if q.Get("api-version") == "" {
		p.writeError(w, req, badRequest("invalid_request", 900144, "The request query must contain the following parameter: 'api-version'."))
		return
	}
	raw := q.Get("authorization_endpoint")
	if raw == "" {
		p.writeError(w, req, badRequest("invalid_request", 900144, "The request query must contain the following parameter: 'authorization_endpoint'."))
		return
	}
	base, err := url.Parse(req.base)
	if err != nil {
		p.writeError(w, req, badRequest("invalid_instance", 50049, "The sandbox's own base URL %q does not parse.", req.base))
		return
	}
	tenant, err := authorizeEndpointTenant(raw, base.Host)
	if err != nil {
		p.writeError(w, req, badRequest("invalid_instance", 50049, "Unknown or invalid instance: %v", err))
		return
	}
	host := base.Host
	writeJSON(w, http.StatusOK, instanceDiscovery{
		TenantDiscoveryEndpoint: req.base + "/" + tenant + "/v2.0/.well-known/openid-configuration",
		APIVersion:              "1.1",
		Metadata:                []instanceMetadata{{PreferredNetwork: host, PreferredCache: host, Aliases: []string{host}}},
	})
}

// authorizeEndpointTenant checks that raw is https://host/{tenant}/oauth2/v2.0/authorize
// (or http for a plain-HTTP sandbox) and returns its tenant segment.
func authorizeEndpointTenant(raw, host string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("authorization_endpoint is not a URL")
	}
	if (u.Scheme != "https" && u.Scheme != "http") || !strings.EqualFold(u.Host, host) {
		return "", errors.New("authorization_endpoint must be on this sandbox's host " + host)
	}
	tenant, rest, ok := splitTenant(u.Path)
	if !ok || rest != "oauth2/v2.0/authorize" {
		return "", errors.New("authorization_endpoint must look like https://" + host + "/{tenant}/oauth2/v2.0/authorize")
	}
	return tenant, nil
}

type userRealm struct {
	Ver               string `json:"ver"`
	AccountType       string `json:"account_type"`
	DomainName        string `json:"domain_name,omitempty"`
	CloudInstanceName string `json:"cloud_instance_name"`
	CloudAudienceURN  string `json:"cloud_audience_urn"`
}

// serveUserRealm tells MSAL's username/password flow that the tenant's users
// are managed (no federation), so it posts the password to the token endpoint.
func (p *Provider) serveUserRealm(w http.ResponseWriter, r *http.Request) {
	p.newRequest(w, r)
	login := r.PathValue("login")
	realm := userRealm{Ver: "1.0", AccountType: "Unknown", CloudInstanceName: "microsoftonline.com", CloudAudienceURN: "urn:federation:MicrosoftOnline"}
	_, domain, _ := strings.Cut(login, "@")
	if _, err := p.cfg.Directory.UserByLogin(r.Context(), login); err == nil ||
		(domain != "" && strings.EqualFold(domain, p.cfg.TenantDomain)) {
		realm.AccountType = "Managed"
		realm.DomainName = p.cfg.TenantDomain
	}
	writeJSON(w, http.StatusOK, realm)
}
