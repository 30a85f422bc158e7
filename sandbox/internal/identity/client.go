package identity

import (
	"context"
	"crypto/rsa"
	"crypto/sha1" // #nosec G505 -- x5t is defined as the SHA-1 thumbprint
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// Values of appidacr: how the client authenticated.
const (
	acrPublic      = "0"
	acrSecret      = "1"
	acrCertificate = "2"
)

// client is an authenticated (or public) client application.
type client struct {
	app App
	acr string
}

func (c client) confidential() bool { return c.acr != acrPublic }

// authenticateClient identifies the client and checks its credentials:
// client_secret in the body or HTTP Basic, or a client_assertion JWT.
// Public clients must present none.
func (p *Provider) authenticateClient(ctx context.Context, req *request, r *http.Request, f form) (client, *oauthError) {
	clientID, secret := f["client_id"], f["client_secret"]
	if user, pass, ok := r.BasicAuth(); ok {
		// RFC 6749 2.3.1: both parts are form-urlencoded before Basic encoding.
		bu, err1 := url.QueryUnescape(user)
		bp, err2 := url.QueryUnescape(pass)
		if err1 != nil || err2 != nil {
			return client{}, invalidClient(7000218, "The HTTP Basic credentials are not form-urlencoded client_id:client_secret.")
		}
		if clientID != "" && clientID != bu {
			return client{}, badRequest("invalid_request", 900144, "The client_id in the body and in the Authorization header differ.")
		}
		if secret != "" {
			return client{}, badRequest("invalid_request", 900144, "Send the client secret once: in the body or in the Authorization header, not both.")
		}
		clientID, secret = bu, bp
	}
	if clientID == "" {
		return client{}, missingParam("client_id")
	}
	app, err := p.cfg.Directory.App(ctx, clientID)
	if errors.Is(err, ErrNotFound) {
		return client{}, badRequest("unauthorized_client", 700016,
			"Application with identifier '%s' was not found in the directory '%s'. Register the app in the sandbox tenant, or check the client id.", clientID, p.cfg.TenantID)
	}
	if err != nil {
		return client{}, serverError(err)
	}
	assertion := f["client_assertion"]
	if secret != "" && assertion != "" {
		return client{}, badRequest("invalid_request", 900144, "Send either client_secret or client_assertion, not both.")
	}
	switch {
	case app.PublicClient && (secret != "" || assertion != ""):
		return client{}, invalidClient(700025, "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.")
	case app.PublicClient:
		return client{app: app, acr: acrPublic}, nil
	case secret != "":
		if !secretMatches(app.Secrets, secret) {
			return client{}, invalidClient(7000215,
				"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", app.ClientID)
		}
		return client{app: app, acr: acrSecret}, nil
	case assertion != "":
		if f["client_assertion_type"] != clientAssertionType {
			return client{}, invalidClient(7000219, "'client_assertion_type' must be '%s'.", clientAssertionType)
		}
		if oerr := p.verifyClientAssertion(ctx, req, app, assertion); oerr != nil {
			return client{}, oerr
		}
		return client{app: app, acr: acrCertificate}, nil
	default:
		return client{}, invalidClient(7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'. App '%s' is a confidential client; send its secret or a certificate assertion.", app.ClientID)
	}
}

// secretMatches compares in constant time; hashing first hides the length.
func secretMatches(secrets []string, got string) bool {
	g := sha256.Sum256([]byte(got))
	match := 0
	for _, s := range secrets {
		w := sha256.Sum256([]byte(s))
		match |= subtle.ConstantTimeCompare(g[:], w[:])
	}
	return match == 1
}

// assertionHeader is the part of a client assertion's JOSE header used to
// pick the certificate.
type assertionHeader struct {
	Alg     string
	X5t     []byte // SHA-1 thumbprint of the certificate's DER
	X5tS256 []byte // SHA-256 thumbprint
}

// parseAssertionHeader decodes the header of an untrusted JWT. Thumbprints
// may be base64url (the JOSE spec) or standard base64 (what MSAL Go sends).
func parseAssertionHeader(tok string) (assertionHeader, error) {
	if len(tok) > 16<<10 {
		return assertionHeader{}, errors.New("the assertion is longer than 16 KiB")
	}
	head, _, ok := strings.Cut(tok, ".")
	if !ok {
		return assertionHeader{}, errors.New("the assertion is not a JWT")
	}
	raw, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return assertionHeader{}, fmt.Errorf("the assertion header is not base64url: %w", err)
	}
	var h struct {
		Alg     string `json:"alg"`
		X5t     string `json:"x5t"`
		X5tS256 string `json:"x5t#S256"`
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return assertionHeader{}, fmt.Errorf("the assertion header is not JSON: %w", err)
	}
	out := assertionHeader{Alg: h.Alg}
	if h.X5t != "" {
		if out.X5t, err = decodeThumbprint(h.X5t, sha1.Size); err != nil {
			return assertionHeader{}, fmt.Errorf("x5t: %w", err)
		}
	}
	if h.X5tS256 != "" {
		if out.X5tS256, err = decodeThumbprint(h.X5tS256, sha256.Size); err != nil {
			return assertionHeader{}, fmt.Errorf("x5t#S256: %w", err)
		}
	}
	if out.X5t == nil && out.X5tS256 == nil {
		return assertionHeader{}, errors.New("the assertion header has neither x5t nor x5t#S256")
	}
	return out, nil
}

func decodeThumbprint(s string, size int) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding, base64.StdEncoding, base64.RawStdEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == size {
			return b, nil
		}
	}
	return nil, fmt.Errorf("not a base64 thumbprint of %d bytes", size)
}

// certificateFor finds the registered certificate whose thumbprint the header names.
func certificateFor(app App, h assertionHeader) (*x509.Certificate, error) {
	for _, pemBytes := range app.CertificatesPEM {
		rest := pemBytes
		for {
			var block *pem.Block
			block, rest = pem.Decode(rest)
			if block == nil {
				break
			}
			if block.Type != "CERTIFICATE" {
				continue
			}
			cert, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("a certificate registered on app %s does not parse: %w", app.ClientID, err)
			}
			s1 := sha1.Sum(cert.Raw) // #nosec G401 -- x5t is SHA-1 by definition
			s256 := sha256.Sum256(cert.Raw)
			if (h.X5t != nil && subtle.ConstantTimeCompare(h.X5t, s1[:]) == 1) ||
				(h.X5tS256 != nil && subtle.ConstantTimeCompare(h.X5tS256, s256[:]) == 1) {
				return cert, nil
			}
		}
	}
	return nil, nil
}

// verifyClientAssertion checks a certificate-signed client assertion: RS256
// or PS256, signed by a certificate registered on the app, aud = this token
// endpoint, iss = sub = client id, within its lifetime, jti not seen before.
func (p *Provider) verifyClientAssertion(ctx context.Context, req *request, app App, assertion string) *oauthError {
	h, err := parseAssertionHeader(assertion)
	if err != nil {
		return invalidClient(50027, "JWT token is invalid or malformed: %v.", err)
	}
	cert, err := certificateFor(app, h)
	if err != nil {
		return serverError(err)
	}
	if cert == nil {
		return invalidClient(700027,
			"The certificate with identifier used to sign the client assertion is not registered on application '%s'. Register the certificate's PEM on the app.", app.ClientID)
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return invalidClient(700027, "The certificate registered on application '%s' does not hold an RSA key; the sandbox verifies RS256 and PS256 assertions.", app.ClientID)
	}
	claims := jwt.MapClaims{}
	_, err = jwt.ParseWithClaims(assertion, claims, func(*jwt.Token) (any, error) { return pub, nil },
		jwt.WithValidMethods([]string{"RS256", "PS256"}),
		jwt.WithLeeway(verifyLeeway),
		jwt.WithTimeFunc(p.now),
		jwt.WithExpirationRequired(),
	)
	switch {
	case errors.Is(err, jwt.ErrTokenExpired), errors.Is(err, jwt.ErrTokenNotValidYet):
		return invalidClient(700024, "Client assertion is not within its valid time range.")
	case err != nil:
		return invalidClient(700027, "Client assertion failed signature validation: %v.", err)
	}
	if !p.isTokenEndpoint(req, claims["aud"]) {
		return invalidClient(700212, "The audience of the client assertion must be this token endpoint, %s/%s/oauth2/v2.0/token.", req.base, req.tenant)
	}
	iss, _ := claims["iss"].(string)
	sub, _ := claims["sub"].(string)
	if iss != app.ClientID || sub != app.ClientID {
		return invalidClient(700021, "Client assertion application identifier doesn't match 'client_id' parameter: iss and sub must both be '%s'.", app.ClientID)
	}
	jti, _ := claims["jti"].(string)
	if jti == "" {
		return invalidClient(700022, "The client assertion must contain a 'jti' claim.")
	}
	exp, _ := claims.GetExpirationTime()
	return p.rememberJTI(ctx, app.ClientID, jti, exp.Time)
}

// rememberJTI refuses an assertion id seen before, and remembers this one
// until the assertion expires.
func (p *Provider) rememberJTI(ctx context.Context, clientID, jti string, exp time.Time) *oauthError {
	key := hashKey(kvAssertions, clientID+"|"+jti)
	p.redeem.Lock()
	defer p.redeem.Unlock()
	_, seen, err := p.cfg.KV.Get(ctx, key)
	if err != nil {
		return serverError(err)
	}
	if seen {
		return invalidClient(700236, "The client assertion with jti '%s' was already used. Sign a new assertion for every request.", jti)
	}
	if err := p.cfg.KV.Put(ctx, key, []byte("1"), exp.Add(verifyLeeway)); err != nil {
		return serverError(err)
	}
	return nil
}

// isTokenEndpoint reports whether aud (a string or a one-element array) is
// this sandbox's token endpoint under any alias of the tenant.
func (p *Provider) isTokenEndpoint(req *request, aud any) bool {
	var s string
	switch v := aud.(type) {
	case string:
		s = v
	case []any:
		if len(v) == 1 {
			s, _ = v[0].(string)
		}
	}
	u, err := url.Parse(s)
	if err != nil || !strings.EqualFold(u.Scheme+"://"+u.Host, req.base) {
		return false
	}
	tenant, rest, ok := splitTenant(u.Path)
	if !ok || rest != "oauth2/v2.0/token" {
		return false
	}
	_, oerr := p.resolveTenant(tenant)
	return oerr == nil
}
