package auth

import (
	"bufio"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// newUser builds a credential for a user flow on MSAL's public client, or on
// its confidential client when secret is set (a web app).
func newUser(cfg Config, flow, secret string, secrets ...string) (*Credential, error) {
	s, err := cfg.resolve(false)
	if err != nil {
		return nil, err
	}
	c := newCredential(flow, s, append(secrets, secret)...)
	c.cache = newCacheAdapter(s.store, s.clientID, s.log)
	if secret != "" {
		cred, err := confidential.NewCredFromSecret(secret)
		if err != nil {
			return nil, fmt.Errorf("auth: %w", err)
		}
		cl, err := s.confidentialClient(cred, c.cache)
		if err != nil {
			return nil, err
		}
		c.user = confidentialUser{c: cl, clientID: s.clientID}
		return c, nil
	}
	cl, err := s.publicClient(c.cache)
	if err != nil {
		return nil, err
	}
	c.user = publicUser{c: cl, clientID: s.clientID}
	return c, nil
}

// ConsentHandler shows the user the authorization URL and returns the URL the
// browser was redirected to after sign-in (it carries the code).
type ConsentHandler func(ctx context.Context, authURL string) (redirectedURL string, err error)

// ConsoleConsent is the default ConsentHandler: it writes the URL to out and
// reads the pasted redirected URL from in, as python-o365's authenticate does.
func ConsoleConsent(in io.Reader, out io.Writer) ConsentHandler {
	return func(ctx context.Context, authURL string) (string, error) {
		fmt.Fprintf(out, "Visit the following URL to sign in, then paste the full address of the page you were sent to:\n\n%s\n\nRedirected URL: ", authURL)
		type line struct {
			s   string
			err error
		}
		ch := make(chan line, 1)
		go func() {
			s, err := bufio.NewReader(in).ReadString('\n')
			ch <- line{s, err}
		}()
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case l := <-ch:
			if s := strings.TrimSpace(l.s); s != "" {
				return s, nil
			}
			if l.err != nil {
				return "", fmt.Errorf("auth: reading the redirected URL: %w", l.err)
			}
			return "", errors.New("auth: no redirected URL was pasted")
		}
	}
}

// AuthCodeOptions configures NewAuthCode.
type AuthCodeOptions struct {
	// RedirectURL must be registered on the app; "" means the native-client
	// page of the authority host, https://login.microsoftonline.com/common/oauth2/nativeclient.
	RedirectURL string
	// ConsentHandler shows the URL and returns the redirected one; nil means
	// ConsoleConsent(os.Stdin, os.Stderr).
	ConsentHandler ConsentHandler
	// ClientSecret makes the app a confidential (web) client, python-o365's
	// default "authorization" flow. Leave it empty for public clients.
	ClientSecret string
}

// codeFlow is the authorization-code machinery shared by the console and the
// browser flows.
type codeFlow struct {
	redirectURL  string
	responseMode string // "" (query) or "form_post"
	prompt       string
}

// AuthCodeFlow is one authorization-code sign-in in progress: send the user to
// URL, then pass the address the browser was redirected to, with the flow, to
// Exchange. A web app keeps it in the user's session between the two requests.
type AuthCodeFlow struct {
	URL         string
	RedirectURL string
	State       string
	// Verifier is the PKCE code verifier: keep it server-side.
	Verifier string
	Scopes   []string
}

// String hides the verifier.
func (f *AuthCodeFlow) String() string {
	return fmt.Sprintf("auth.AuthCodeFlow{redirect: %s, scopes: %v}", f.RedirectURL, f.Scopes)
}

// NewAuthCode returns a credential for the authorization code flow with PKCE
// run on a console: Authenticate prints the sign-in URL and reads the address
// the browser lands on after sign-in, pasted by the user (python-o365's
// Account.authenticate). Web apps use AuthCodeURL and Exchange instead.
func NewAuthCode(cfg Config, opts AuthCodeOptions) (*Credential, error) {
	c, err := newUser(cfg, "authorization code", opts.ClientSecret)
	if err != nil {
		return nil, err
	}
	c.codeFlow = &codeFlow{redirectURL: opts.RedirectURL}
	if c.codeFlow.redirectURL == "" {
		c.codeFlow.redirectURL = c.s.host + "/common/oauth2/nativeclient"
	}
	consent := opts.ConsentHandler
	if consent == nil {
		consent = ConsoleConsent(os.Stdin, os.Stderr)
	}
	c.signIn = func(ctx context.Context, scopes []string) (public.AuthResult, error) {
		flow, err := c.authCodeURL(ctx, scopes)
		if err != nil {
			return public.AuthResult{}, err
		}
		redirected, err := consent(ctx, flow.URL)
		if err != nil {
			return public.AuthResult{}, fmt.Errorf("auth: consent: %w", err)
		}
		return c.exchange(ctx, flow, redirected)
	}
	return c, nil
}

// AuthCodeURL starts an authorization-code sign-in for scopes (none means
// Config.Scopes): it returns the URL to send the user to, with a fresh state
// and PKCE challenge. Only credentials from NewAuthCode support it (the
// browser flow runs both steps itself).
func (c *Credential) AuthCodeURL(ctx context.Context, scopes ...string) (*AuthCodeFlow, error) {
	if c.codeFlow == nil || c.codeFlow.redirectURL == "" {
		return nil, fmt.Errorf("%w: AuthCodeURL on a %s credential", ErrUnsupported, c.flow)
	}
	want := c.s.expand(scopes)
	if len(want) == 0 {
		want = c.tokenScopes()
	}
	f, err := c.authCodeURL(ctx, want)
	if err != nil {
		return nil, c.scrub.convert("authorization URL", err)
	}
	return f, nil
}

// Exchange finishes a sign-in started by AuthCodeURL: it checks the state of
// the redirected URL, redeems its code and stores the tokens.
func (c *Credential) Exchange(ctx context.Context, flow *AuthCodeFlow, redirectedURL string) error {
	if c.codeFlow == nil {
		return fmt.Errorf("%w: Exchange on a %s credential", ErrUnsupported, c.flow)
	}
	if flow == nil {
		return errors.New("auth: Exchange: nil flow")
	}
	res, err := c.exchange(ctx, flow, redirectedURL)
	if err != nil {
		return c.scrub.convert("sign-in ("+c.flow+")", err)
	}
	c.signedIn(ctx, res, flow.Scopes, true)
	return nil
}

func (c *Credential) authCodeURL(ctx context.Context, scopes []string) (*AuthCodeFlow, error) {
	return c.authCodeURLFor(ctx, scopes, c.codeFlow.redirectURL)
}

func (c *Credential) authCodeURLFor(ctx context.Context, scopes []string, redirect string) (*AuthCodeFlow, error) {
	verifier, challenge, err := pkce()
	if err != nil {
		return nil, err
	}
	state, err := randomString(16)
	if err != nil {
		return nil, err
	}
	// AuthCodeURL sends the scopes as given: add the OpenID Connect ones, which
	// bring the id token (the account) and the refresh token.
	all := append(append([]string(nil), scopes...), "openid", "offline_access", "profile")
	raw, err := c.user.authCodeURL(ctx, redirect, all, c.Username())
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("auth: authorization URL: %w", err)
	}
	q := u.Query()
	q.Set("state", state)
	q.Set("code_challenge", challenge)
	q.Set("code_challenge_method", "S256")
	if c.codeFlow.responseMode != "" {
		q.Set("response_mode", c.codeFlow.responseMode)
	}
	if c.codeFlow.prompt != "" && q.Get("prompt") == "" {
		q.Set("prompt", c.codeFlow.prompt)
	}
	u.RawQuery = q.Encode()
	return &AuthCodeFlow{URL: u.String(), RedirectURL: redirect, State: state, Verifier: verifier, Scopes: scopes}, nil
}

// errStateMismatch is returned when a redirect does not answer our request.
var errStateMismatch = errors.New("auth: the redirect's state does not match the sign-in request (a stale or forged redirect); sign in again")

// exchange redeems the code of a redirected URL (query or fragment).
func (c *Credential) exchange(ctx context.Context, flow *AuthCodeFlow, redirected string) (public.AuthResult, error) {
	u, err := url.Parse(strings.TrimSpace(redirected))
	if err != nil {
		return public.AuthResult{}, errors.New("auth: the redirected URL cannot be parsed")
	}
	q := u.Query()
	if q.Get("code") == "" && q.Get("error") == "" && u.Fragment != "" {
		if fq, err := url.ParseQuery(u.Fragment); err == nil {
			q = fq
		}
	}
	return c.redeemParams(ctx, flow, q)
}

func (c *Credential) redeemParams(ctx context.Context, flow *AuthCodeFlow, q url.Values) (public.AuthResult, error) {
	if e := q.Get("error"); e != "" {
		return public.AuthResult{}, &Error{Op: "sign-in (" + c.flow + ")", Code: e, Description: c.scrub.scrub(q.Get("error_description"))}
	}
	if q.Get("state") != flow.State {
		return public.AuthResult{}, errStateMismatch
	}
	code := q.Get("code")
	if code == "" {
		return public.AuthResult{}, errors.New("auth: the redirected URL carries no authorization code")
	}
	return c.user.redeem(ctx, code, flow.RedirectURL, flow.Verifier, flow.Scopes)
}

// pkce makes an RFC 7636 verifier and its S256 challenge.
func pkce() (verifier, challenge string, err error) {
	verifier, err = randomString(32)
	if err != nil {
		return "", "", err
	}
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:]), nil
}

func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: reading random bytes: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// DeviceCodeMessage is what the user needs to sign in on another device.
type DeviceCodeMessage struct {
	// UserCode is typed by the user at VerificationURL.
	UserCode string
	// VerificationURL is where the user signs in (https://microsoft.com/devicelogin).
	VerificationURL string
	// Message is the identity platform's ready-made instruction.
	Message string
	// ExpiresOn is when the code stops working.
	ExpiresOn time.Time
}

// NewDeviceCode returns a credential for the device code flow: Authenticate
// asks the identity platform for a code, passes it to prompt (nil prints
// Message to stderr) and waits until the user has signed in elsewhere. Good for
// CLIs, SSH sessions and containers.
func NewDeviceCode(cfg Config, prompt func(ctx context.Context, msg DeviceCodeMessage) error) (*Credential, error) {
	c, err := newUser(cfg, "device code", "")
	if err != nil {
		return nil, err
	}
	if prompt == nil {
		prompt = func(_ context.Context, m DeviceCodeMessage) error {
			_, err := fmt.Fprintln(os.Stderr, m.Message)
			return err
		}
	}
	pc := c.user.(publicUser).c
	c.signIn = func(ctx context.Context, scopes []string) (public.AuthResult, error) {
		dc, err := pc.AcquireTokenByDeviceCode(ctx, scopes)
		if err != nil {
			return public.AuthResult{}, err
		}
		msg := DeviceCodeMessage{UserCode: dc.Result.UserCode, VerificationURL: dc.Result.VerificationURL, Message: dc.Result.Message, ExpiresOn: dc.Result.ExpiresOn}
		if err := prompt(ctx, msg); err != nil {
			return public.AuthResult{}, fmt.Errorf("auth: device code prompt: %w", err)
		}
		return dc.AuthenticationResult(ctx)
	}
	return c, nil
}

// NewUsernamePassword returns a credential for the resource owner password
// flow (ROPC). It is discouraged: it fails for accounts with MFA, personal
// accounts and federated users, and Microsoft is removing it from MSAL. Use it
// only for test tenants and legacy automation; Token signs in again with the
// password whenever the refresh token is gone. Config.Tenant must be an
// organization's (not common or consumers).
func NewUsernamePassword(cfg Config, username, password string) (*Credential, error) {
	if cfg.Username == "" {
		cfg.Username = username
	}
	c, err := newUser(cfg, "username/password", "", password)
	if err != nil {
		return nil, err
	}
	pc := c.user.(publicUser).c
	c.silentSignIn = true
	c.signIn = func(ctx context.Context, scopes []string) (public.AuthResult, error) {
		//lint:ignore SA1019 ROPC is deprecated upstream; this flow exists for legacy tenants and is documented as discouraged.
		return pc.AcquireTokenByUsernamePassword(ctx, scopes, username, password)
	}
	return c, nil
}

// newApp builds a client-credentials credential.
func newApp(cfg Config, flow string, cred confidential.Credential, secrets ...string) (*Credential, error) {
	s, err := cfg.resolve(true)
	if err != nil {
		return nil, err
	}
	if _, err := s.appScopes(); err != nil {
		return nil, err
	}
	c := newCredential(flow, s, secrets...)
	c.appOnly = true
	c.username = ""
	c.cache = newCacheAdapter(s.store, s.clientID, s.log)
	if c.conf, err = s.confidentialClient(cred, c.cache); err != nil {
		return nil, err
	}
	return c, nil
}

// NewClientSecret returns a credential for the client credentials flow with a
// client secret: the app acts as itself, with application permissions, for the
// scope "<prefix>.default". Config.Tenant must name the tenant.
func NewClientSecret(cfg Config, secret string) (*Credential, error) {
	cred, err := confidential.NewCredFromSecret(secret)
	if err != nil {
		return nil, errors.New("auth: the client secret is empty")
	}
	return newApp(cfg, "client secret", cred, secret)
}

// NewClientCertificate returns a credential for the client credentials flow
// with a certificate whose public key is registered on the app; certs and key
// come from ParseCertificate. MSAL signs a fresh assertion for each request.
func NewClientCertificate(cfg Config, certs []*x509.Certificate, key crypto.PrivateKey) (*Credential, error) {
	cred, err := confidential.NewCredFromCert(certs, key)
	if err != nil {
		return nil, fmt.Errorf("auth: client certificate: %w", err)
	}
	return newApp(cfg, "client certificate", cred)
}

// NewClientAssertion returns a credential for the client credentials flow with
// a signed JWT assertion from a callback: a workload identity token, or one
// signed by a key in an HSM. The callback must be safe for concurrent use.
func NewClientAssertion(cfg Config, assertion func(ctx context.Context) (string, error)) (*Credential, error) {
	if assertion == nil {
		return nil, errors.New("auth: NewClientAssertion: nil callback")
	}
	cred := confidential.NewCredFromAssertionCallback(func(ctx context.Context, _ confidential.AssertionRequestOptions) (string, error) {
		return assertion(ctx)
	})
	return newApp(cfg, "client assertion", cred)
}

// NewOnBehalfOf returns a credential for a web API that calls Graph as the user
// who called it: it exchanges userAssertion (the access token the API
// received) for a Graph token with Config.Scopes. Build one per incoming
// token; its tokens are kept in memory only, so Config.Store is not used.
func NewOnBehalfOf(cfg Config, secret, userAssertion string) (*Credential, error) {
	s, err := cfg.resolve(true)
	if err != nil {
		return nil, err
	}
	if userAssertion == "" {
		return nil, errors.New("auth: NewOnBehalfOf: empty user assertion")
	}
	cred, err := confidential.NewCredFromSecret(secret)
	if err != nil {
		return nil, errors.New("auth: the client secret is empty")
	}
	c := newCredential("on-behalf-of", s, secret, userAssertion)
	c.obo = &oboState{
		assertion: userAssertion,
		build:     func() (confidential.Client, error) { return s.confidentialClient(cred, nil) },
	}
	return c, nil
}
