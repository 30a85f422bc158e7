package identity

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// maxFormBytes bounds a token request body; a certificate chain in x5c fits.
const maxFormBytes = 64 << 10

// Grant types, as sent in grant_type.
const (
	grantAuthCode      = "authorization_code"
	grantRefresh       = "refresh_token"
	grantClientCreds   = "client_credentials"
	grantPassword      = "password"
	grantDeviceCode    = "urn:ietf:params:oauth:grant-type:device_code"
	grantDeviceCodeMS  = "device_code" // what MSAL Go sends
	grantJWTBearer     = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	onBehalfOfTokenUse = "on_behalf_of"
)

// form is a parsed application/x-www-form-urlencoded body in which every
// parameter appears at most once.
type form map[string]string

// parseForm parses a form body. A parameter given twice is an error: the two
// values would be ambiguous.
func parseForm(body string) (form, *oauthError) {
	vals, err := url.ParseQuery(body)
	if err != nil {
		return nil, badRequest("invalid_request", 900144, "The request body is not valid application/x-www-form-urlencoded: %v.", err)
	}
	f := make(form, len(vals))
	for k, v := range vals {
		if len(v) != 1 {
			return nil, badRequest("invalid_request", 90014, "The parameter '%s' was sent %d times; send it once.", k, len(v))
		}
		f[k] = v[0]
	}
	return f, nil
}

// readForm reads a POSTed form, refusing other content types and large bodies.
func readForm(w http.ResponseWriter, r *http.Request) (form, *oauthError) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, badRequest("invalid_request", 900144, "The request body must be application/x-www-form-urlencoded.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxFormBytes))
	if err != nil {
		return nil, badRequest("invalid_request", 90015, "The request body could not be read or is larger than %d bytes.", maxFormBytes)
	}
	return parseForm(string(body))
}

func (p *Provider) serveToken(w http.ResponseWriter, r *http.Request, req *request) {
	f, oerr := readForm(w, r)
	var resp *tokenResponse
	grant := f["grant_type"]
	if oerr == nil {
		resp, oerr = p.token(r.Context(), req, r, f)
	}
	if oerr != nil {
		p.log.Info("identity: token refused", "grant_type", grant, "client_id", f["client_id"], "error", oerr.code, "aadsts", oerr.aadsts, "trace_id", req.traceID)
		p.writeError(w, req, oerr)
		return
	}
	p.log.Info("identity: token issued", "grant_type", grant, "client_id", f["client_id"], "trace_id", req.traceID)
	writeJSON(w, http.StatusOK, resp)
}

func (p *Provider) token(ctx context.Context, req *request, r *http.Request, f form) (*tokenResponse, *oauthError) {
	grant := f["grant_type"]
	switch grant {
	case "":
		return nil, missingParam("grant_type")
	case grantAuthCode, grantRefresh, grantClientCreds, grantPassword, grantDeviceCode, grantDeviceCodeMS, grantJWTBearer:
	default:
		return nil, badRequest("unsupported_grant_type", 70003, "The app requested an unsupported grant type '%s'.", grant)
	}
	if grant == grantPassword && req.kind == tenantCommon {
		return nil, badRequest("invalid_request", 9001023,
			"The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.")
	}
	c, oerr := p.authenticateClient(ctx, req, r, f)
	if oerr != nil {
		return nil, oerr
	}
	switch grant {
	case grantAuthCode:
		return p.grantAuthCode(ctx, req, c, f)
	case grantRefresh:
		return p.grantRefresh(ctx, req, c, f)
	case grantClientCreds:
		return p.grantClientCredentials(ctx, req, c, f)
	case grantPassword:
		return p.grantPassword(ctx, req, c, f)
	case grantJWTBearer:
		return p.grantOnBehalfOf(ctx, req, c, f)
	default:
		return p.grantDevice(ctx, req, c, f)
	}
}

// delegated resolves the scopes of a user token for client c.
func (p *Provider) delegated(ctx context.Context, c client, user *User, scope string) (issue, *oauthError) {
	sr, oerr := parseScopes(scope)
	if oerr != nil {
		return issue{}, oerr
	}
	is := issue{client: c, user: user, sr: sr, resource: sr.resource}
	if sr.resource == "" {
		// Only OIDC scopes: Entra answers with a Graph token for them.
		is.resource = graphResource
		is.scp = oidcScopes(sr)
	} else if is.scp, oerr = grantDelegated(c.app, sr); oerr != nil {
		return issue{}, oerr
	}
	if is.audience, oerr = p.audienceFor(ctx, is.resource); oerr != nil {
		return issue{}, oerr
	}
	is.refresh = sr.offline
	return is, nil
}

// userByID loads the user a grant was issued to; a deleted user voids it.
func (p *Provider) userByID(ctx context.Context, id string) (*User, *oauthError) {
	u, err := p.cfg.Directory.UserByLogin(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, badRequest("invalid_grant", 50034, "The user account %s does not exist in the %s directory.", id, p.cfg.TenantID)
	}
	if err != nil {
		return nil, serverError(err)
	}
	if u.Disabled {
		return nil, errDisabled()
	}
	return &u, nil
}

// errDisabled is Entra ID's answer for a disabled account.
func errDisabled() *oauthError {
	return invalidGrant(50057, "The user account is disabled.")
}

func invalidGrant(aadsts int, format string, args ...any) *oauthError {
	return badRequest("invalid_grant", aadsts, format, args...)
}

func (p *Provider) grantAuthCode(ctx context.Context, req *request, c client, f form) (*tokenResponse, *oauthError) {
	code := f["code"]
	if code == "" {
		return nil, missingParam("code")
	}
	if f["redirect_uri"] == "" {
		return nil, missingParam("redirect_uri")
	}
	var g codeGrant
	ok, err := p.takeJSON(ctx, hashKey(kvCode, code), &g)
	if err != nil {
		return nil, serverError(err)
	}
	if !ok {
		return nil, invalidGrant(70000, "Provided grant is invalid or malformed: the authorization code is unknown or was already redeemed. Send a new interactive authorization request.")
	}
	if !p.now().Before(g.ExpiresAt) {
		return nil, invalidGrant(70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.")
	}
	if g.ClientID != c.app.ClientID {
		return nil, invalidGrant(70000, "Provided grant is invalid or malformed: the authorization code was issued to another client.")
	}
	if f["redirect_uri"] != g.RedirectURI {
		return nil, invalidGrant(50148, "The redirect_uri does not match the one the authorization code was requested with.")
	}
	if g.Challenge != "" {
		verifier := f["code_verifier"]
		if verifier == "" {
			return nil, invalidGrant(50148, "The code_verifier is missing: the authorization request sent a code_challenge (PKCE).")
		}
		if !pkceMatches(g.ChallengeMethod, g.Challenge, verifier) {
			return nil, invalidGrant(501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.")
		}
	}
	user, oerr := p.userByID(ctx, g.UserID)
	if oerr != nil {
		return nil, oerr
	}
	scope := f["scope"]
	if scope == "" {
		scope = g.Scope
	}
	is, oerr := p.delegated(ctx, c, user, scope)
	if oerr != nil {
		return nil, oerr
	}
	is.nonce = g.Nonce
	is.clientInfo = f["client_info"] == "1"
	return p.issueTokens(ctx, req, is)
}

// pkceMatches checks an RFC 7636 code_verifier against the challenge.
func pkceMatches(method, challenge, verifier string) bool {
	want := verifier
	if method == "S256" {
		sum := sha256.Sum256([]byte(verifier))
		want = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) == 1
}

func (p *Provider) grantRefresh(ctx context.Context, req *request, c client, f form) (*tokenResponse, *oauthError) {
	rt := f["refresh_token"]
	if rt == "" {
		return nil, missingParam("refresh_token")
	}
	if f["scope"] == "" {
		return nil, missingParam("scope")
	}
	key := hashKey(kvRefresh, rt)
	var g refreshGrant
	ok, err := p.getJSON(ctx, key, &g)
	if err != nil {
		return nil, serverError(err)
	}
	if !ok {
		return nil, invalidGrant(70000,
			"Provided grant is invalid or malformed: the refresh token is unknown or was already used. Refresh tokens rotate: use the one from the latest token response, or sign in again.")
	}
	if !p.now().Before(g.ExpiresAt) {
		return nil, invalidGrant(700082, "The refresh token has expired due to inactivity. Sign in again.")
	}
	if g.ClientID != c.app.ClientID {
		return nil, invalidGrant(70000, "Provided grant is invalid or malformed: the refresh token was issued to another client.")
	}
	user, oerr := p.userByID(ctx, g.UserID)
	if oerr != nil {
		return nil, oerr
	}
	is, oerr := p.delegated(ctx, c, user, f["scope"])
	if oerr != nil {
		return nil, oerr
	}
	// Rotation: the token is spent now; a concurrent use of it loses here.
	var spent refreshGrant
	if ok, err := p.takeJSON(ctx, key, &spent); err != nil {
		return nil, serverError(err)
	} else if !ok {
		return nil, invalidGrant(70000, "Provided grant is invalid or malformed: the refresh token was already used.")
	}
	is.refresh = true
	is.clientInfo = f["client_info"] == "1"
	return p.issueTokens(ctx, req, is)
}

func (p *Provider) grantClientCredentials(ctx context.Context, req *request, c client, f form) (*tokenResponse, *oauthError) {
	if !c.confidential() {
		return nil, invalidClient(7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'. Client credentials need a confidential app; '%s' is public.", c.app.ClientID)
	}
	scope := f["scope"]
	if scope == "" {
		return nil, missingParam("scope")
	}
	sr, oerr := parseScopes(scope)
	if oerr != nil {
		return nil, oerr
	}
	if sr.resource == "" || len(sr.perms) != 1 || sr.perms[0] != defaultScope {
		return nil, badRequest("invalid_scope", 1002012,
			"The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", scope)
	}
	aud, oerr := p.audienceFor(ctx, sr.resource)
	if oerr != nil {
		return nil, oerr
	}
	return p.issueTokens(ctx, req, issue{
		client:   c,
		audience: aud,
		resource: sr.resource,
		roles:    permissionsFor(sr.resource, c.app.AppRoles),
		sr:       sr,
	})
}

func (p *Provider) grantPassword(ctx context.Context, req *request, c client, f form) (*tokenResponse, *oauthError) {
	login, password := f["username"], f["password"]
	if login == "" {
		return nil, missingParam("username")
	}
	if password == "" {
		return nil, missingParam("password")
	}
	if f["scope"] == "" {
		return nil, missingParam("scope")
	}
	user, oerr := p.checkPassword(ctx, login, password)
	if oerr != nil {
		return nil, oerr
	}
	is, oerr := p.delegated(ctx, c, user, f["scope"])
	if oerr != nil {
		return nil, oerr
	}
	is.clientInfo = f["client_info"] == "1"
	return p.issueTokens(ctx, req, is)
}

// checkPassword signs a user in. Unknown users and wrong passwords get the
// same answer; users without a password cannot sign in with one.
func (p *Provider) checkPassword(ctx context.Context, login, password string) (*User, *oauthError) {
	u, err := p.cfg.Directory.UserByLogin(ctx, login)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, serverError(err)
	}
	if err != nil || u.Password == "" || !secretMatches([]string{u.Password}, password) {
		return nil, invalidGrant(50126, "Error validating credentials due to invalid username or password.")
	}
	if u.Disabled {
		return nil, errDisabled()
	}
	return &u, nil
}

func (p *Provider) grantOnBehalfOf(ctx context.Context, req *request, c client, f form) (*tokenResponse, *oauthError) {
	if f["requested_token_use"] != onBehalfOfTokenUse {
		return nil, badRequest("invalid_request", 900144, "The request body must contain the following parameter: 'requested_token_use' with the value 'on_behalf_of'.")
	}
	if !c.confidential() {
		return nil, invalidClient(7000218, "On-behalf-of needs a confidential app; '%s' is public. Send its secret or a certificate assertion.", c.app.ClientID)
	}
	assertion := f["assertion"]
	if assertion == "" {
		return nil, missingParam("assertion")
	}
	if f["scope"] == "" {
		return nil, missingParam("scope")
	}
	mc, err := p.parseOwnToken(assertion)
	if errors.Is(err, ErrTokenExpired) {
		return nil, invalidGrant(500133, "Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion.")
	}
	if err != nil {
		return nil, invalidGrant(50013, "Assertion failed signature validation. The assertion must be an access token issued by this sandbox.")
	}
	aud, _ := mc["aud"].(string)
	if !strings.EqualFold(aud, c.app.ClientID) {
		return nil, invalidGrant(500131, "Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '%s' and the expected audience is '%s'.", aud, c.app.ClientID)
	}
	oid, _ := mc["oid"].(string)
	if _, isUser := mc["scp"].(string); !isUser || oid == "" {
		return nil, invalidGrant(50027, "JWT token is invalid or malformed: on-behalf-of needs a user's access token (with scp), not an app-only or ID token.")
	}
	user, oerr := p.userByID(ctx, oid)
	if oerr != nil {
		return nil, oerr
	}
	is, oerr := p.delegated(ctx, c, user, f["scope"])
	if oerr != nil {
		return nil, oerr
	}
	// The middle tier answers for one incoming token; it gets no refresh token of its own.
	is.refresh = false
	is.clientInfo = f["client_info"] == "1"
	return p.issueTokens(ctx, req, is)
}
