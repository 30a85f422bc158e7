package identity

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// verifyLeeway is the clock skew Verify and assertion checks tolerate.
const verifyLeeway = time.Minute

// tokenResponse is the token endpoint's success body.
type tokenResponse struct {
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope,omitempty"`
	ExpiresIn    int64  `json:"expires_in"`
	ExtExpiresIn int64  `json:"ext_expires_in"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	IDToken      string `json:"id_token,omitempty"`
	ClientInfo   string `json:"client_info,omitempty"`
}

// issue describes the tokens one successful grant produces.
type issue struct {
	client     client
	user       *User  // nil for app-only tokens
	audience   string // aud of the access token
	resource   string // the resource scopes are qualified with
	scp        []string
	roles      []string
	sr         scopeRequest
	nonce      string
	refresh    bool // add a refresh token
	clientInfo bool // add client_info
}

// servicePrincipalID is the object id app-only tokens carry: the directory
// has no service principals, so one is derived from the client id.
func servicePrincipalID(clientID string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("o365-sandbox:servicePrincipal:"+strings.ToLower(clientID))).String()
}

// pairwiseSubject is the sub claim: stable per user and app, as Entra's is.
func pairwiseSubject(objectID, clientID string) string {
	sum := sha256.Sum256([]byte(objectID + "|" + strings.ToLower(clientID)))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func (p *Provider) issueTokens(ctx context.Context, req *request, is issue) (*tokenResponse, *oauthError) {
	now := p.now().UTC()
	exp := now.Add(p.atTTL)
	uti, err := randomToken()
	if err != nil {
		return nil, serverError(err)
	}
	at := jwt.MapClaims{
		"aud":      is.audience,
		"iss":      p.issuer(req.base),
		"iat":      now.Unix(),
		"nbf":      now.Unix(),
		"exp":      exp.Unix(),
		"tid":      p.cfg.TenantID,
		"appid":    is.client.app.ClientID,
		"azp":      is.client.app.ClientID,
		"appidacr": is.client.acr,
		"azpacr":   is.client.acr,
		"uti":      uti[:22],
		"ver":      "2.0",
	}
	if is.user != nil {
		at["oid"] = is.user.ID
		at["sub"] = pairwiseSubject(is.user.ID, is.client.app.ClientID)
		at["upn"] = is.user.UserPrincipalName
		at["unique_name"] = is.user.UserPrincipalName
		at["preferred_username"] = is.user.UserPrincipalName
		at["name"] = is.user.DisplayName
		at["scp"] = strings.Join(is.scp, " ")
		at["idtyp"] = "user"
	} else {
		sp := servicePrincipalID(is.client.app.ClientID)
		at["oid"] = sp
		at["sub"] = sp
		at["roles"] = nonNil(is.roles)
		at["idtyp"] = "app"
	}
	access, err := p.key.sign(at)
	if err != nil {
		return nil, serverError(err)
	}
	resp := &tokenResponse{
		TokenType:    "Bearer",
		ExpiresIn:    int64(p.atTTL / time.Second),
		ExtExpiresIn: int64(p.atTTL / time.Second),
		AccessToken:  access,
	}
	if is.user == nil {
		// Client credentials answer without scope, as Entra does.
		return resp, nil
	}
	resp.Scope = grantedScopeString(is.resource, is.scp, is.sr)
	if is.sr.openid {
		id := jwt.MapClaims{
			"aud":                is.client.app.ClientID,
			"iss":                p.issuer(req.base),
			"iat":                now.Unix(),
			"nbf":                now.Unix(),
			"exp":                now.Add(idTokenTTL).Unix(),
			"oid":                is.user.ID,
			"sub":                pairwiseSubject(is.user.ID, is.client.app.ClientID),
			"tid":                p.cfg.TenantID,
			"preferred_username": is.user.UserPrincipalName,
			"name":               is.user.DisplayName,
			"ver":                "2.0",
		}
		if is.nonce != "" {
			id["nonce"] = is.nonce
		}
		if is.sr.email && is.user.Mail != "" {
			id["email"] = is.user.Mail
		}
		if resp.IDToken, err = p.key.sign(id); err != nil {
			return nil, serverError(err)
		}
	}
	if is.clientInfo {
		b, err := json.Marshal(map[string]string{"uid": is.user.ID, "utid": p.cfg.TenantID})
		if err != nil {
			return nil, serverError(err)
		}
		resp.ClientInfo = base64.RawURLEncoding.EncodeToString(b)
	}
	if is.refresh {
		rt, err := randomToken()
		if err != nil {
			return nil, serverError(err)
		}
		g := refreshGrant{ClientID: is.client.app.ClientID, UserID: is.user.ID, ExpiresAt: now.Add(refreshTTL)}
		if err := p.putJSON(ctx, hashKey(kvRefresh, rt), g, g.ExpiresAt.Add(kvExpiryPadding)); err != nil {
			return nil, serverError(err)
		}
		resp.RefreshToken = rt
	}
	return resp, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// audienceFor is the aud of tokens for resource: Graph and Outlook keep their
// URL, a registered app's API is addressed by the app's client id.
func (p *Provider) audienceFor(ctx context.Context, resource string) (string, *oauthError) {
	id, ok := strings.CutPrefix(resource, "api://")
	if !ok {
		return resource, nil
	}
	app, err := p.cfg.Directory.App(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return "", badRequest("invalid_resource", 500011,
			"The resource principal named %s was not found in the tenant named %s. Register an app with client id %s to expose this API.", resource, p.cfg.TenantID, id)
	}
	if err != nil {
		return "", serverError(err)
	}
	return app.ClientID, nil
}

// parseOwnToken checks that tok is a token this provider signed, for this
// tenant, and within its lifetime.
func (p *Provider) parseOwnToken(tok string) (jwt.MapClaims, error) {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(tok, claims, func(t *jwt.Token) (any, error) {
		if kid, _ := t.Header["kid"].(string); kid != p.key.kid {
			return nil, errors.New("token was not signed by this sandbox (unknown kid)")
		}
		return &p.key.priv.PublicKey, nil
	},
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithLeeway(verifyLeeway),
		jwt.WithTimeFunc(p.now),
		jwt.WithExpirationRequired(),
	)
	if errors.Is(err, jwt.ErrTokenExpired) {
		return nil, fmt.Errorf("%w: %w", ErrTokenExpired, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	iss, _ := claims["iss"].(string)
	if u, err := url.Parse(iss); err != nil || (u.Scheme != "https" && u.Scheme != "http") ||
		!strings.EqualFold(u.Path, "/"+p.cfg.TenantID+"/v2.0") {
		return nil, fmt.Errorf("%w: issuer %q is not this sandbox's tenant %s", ErrInvalidToken, iss, p.cfg.TenantID)
	}
	if tid, _ := claims["tid"].(string); !strings.EqualFold(tid, p.cfg.TenantID) {
		return nil, fmt.Errorf("%w: token is for tenant %q, not %s", ErrInvalidToken, tid, p.cfg.TenantID)
	}
	return claims, nil
}

// Verify checks a bearer token (with or without the "Bearer " prefix) for a
// resource the sandbox serves: signature, lifetime (a minute of skew),
// issuer, tenant and audience (Graph or Outlook). Errors wrap
// ErrTokenExpired or ErrInvalidToken; their text never contains the token.
func (p *Provider) Verify(ctx context.Context, bearer string) (*Claims, error) {
	tok := strings.TrimSpace(bearer)
	if len(tok) > 7 && strings.EqualFold(tok[:7], "bearer ") {
		tok = strings.TrimSpace(tok[7:])
	}
	if tok == "" {
		return nil, fmt.Errorf("%w: empty bearer token", ErrInvalidToken)
	}
	mc, err := p.parseOwnToken(tok)
	if err != nil {
		return nil, err
	}
	aud, _ := mc["aud"].(string)
	switch aud {
	case graphResource, outlookResource, outlook365Resource:
	default:
		return nil, fmt.Errorf("%w: audience %q is not https://graph.microsoft.com or Outlook", ErrInvalidToken, aud)
	}
	c := &Claims{Audience: aud, TenantID: p.cfg.TenantID}
	c.ObjectID, _ = mc["oid"].(string)
	c.UPN, _ = mc["upn"].(string)
	c.AppID, _ = mc["appid"].(string)
	c.Name, _ = mc["name"].(string)
	if exp, err := mc.GetExpirationTime(); err == nil && exp != nil {
		c.ExpiresAt = exp.Time
	}
	if scp, ok := mc["scp"].(string); ok {
		c.Scopes = strings.Fields(scp)
	} else if roles, ok := mc["roles"].([]any); ok {
		c.AppOnly = true
		c.Roles = []string{}
		for _, r := range roles {
			if s, ok := r.(string); ok {
				c.Roles = append(c.Roles, s)
			}
		}
	} else {
		return nil, fmt.Errorf("%w: token has neither scp nor roles", ErrInvalidToken)
	}
	if c.ObjectID == "" || c.AppID == "" {
		return nil, fmt.Errorf("%w: token lacks oid or appid", ErrInvalidToken)
	}
	return c, nil
}
