package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
	"github.com/o365go/o365"
)

// Credential signs in with one flow and hands out its access tokens. It
// implements o365.TokenSource, o365.TokenRefresher, o365.Authenticator and
// o365.AppOnlySource; build one with a New* function of this package.
//
// A Credential is safe for concurrent use. Token acquisition is serialized per
// credential, and across processes through the store's lock when it needs the
// network.
type Credential struct {
	flow    string
	s       settings
	cache   *cacheAdapter // nil for on-behalf-of
	scrub   scrubber
	appOnly bool

	// User flows.
	user         userClient
	signIn       func(ctx context.Context, scopes []string) (public.AuthResult, error)
	silentSignIn bool // signIn needs no user (username/password)
	codeFlow     *codeFlow

	// Client credentials.
	conf confidential.Client

	// On-behalf-of.
	obo *oboState

	mu sync.Mutex // serializes token acquisition

	stateMu  sync.Mutex
	username string   // the user whose tokens are used
	homeID   string   // that user's MSAL home account id, once known
	scopes   []string // scopes of the last Authenticate
	last     *issued  // the token Token handed out last, reused while fresh
}

// issued is a token Token handed out, with what it was asked for and the
// store's content before it was asked for. Token runs before every request:
// while the token is fresh and the store still holds the same bytes, it is the
// answer the full path (parse the store, find the user, ask MSAL, which parses
// it again) would give, at the cost of one Load. Signing in or out, switching
// users and forcing a refresh forget it.
type issued struct {
	res    public.AuthResult
	homeID string
	scopes []string
	stored []byte
}

var (
	_ o365.Authenticator  = (*Credential)(nil)
	_ o365.TokenRefresher = (*Credential)(nil)
	_ o365.AppOnlySource  = (*Credential)(nil)
)

// userClient is what the user flows need from MSAL's public or confidential
// client.
type userClient interface {
	silent(ctx context.Context, scopes []string, acct public.Account) (public.AuthResult, error)
	remove(ctx context.Context, acct public.Account) error
	authCodeURL(ctx context.Context, redirectURI string, scopes []string, loginHint string) (string, error)
	redeem(ctx context.Context, code, redirectURI, verifier string, scopes []string) (public.AuthResult, error)
}

type publicUser struct {
	c        public.Client
	clientID string
}

func (p publicUser) silent(ctx context.Context, scopes []string, acct public.Account) (public.AuthResult, error) {
	return p.c.AcquireTokenSilent(ctx, scopes, public.WithSilentAccount(acct))
}

func (p publicUser) remove(ctx context.Context, acct public.Account) error {
	return p.c.RemoveAccount(ctx, acct)
}

func (p publicUser) authCodeURL(ctx context.Context, redirectURI string, scopes []string, hint string) (string, error) {
	var opts []public.AuthCodeURLOption
	if hint != "" {
		opts = append(opts, public.WithLoginHint(hint))
	}
	return p.c.AuthCodeURL(ctx, p.clientID, redirectURI, scopes, opts...)
}

func (p publicUser) redeem(ctx context.Context, code, redirectURI, verifier string, scopes []string) (public.AuthResult, error) {
	return p.c.AcquireTokenByAuthCode(ctx, code, redirectURI, scopes, public.WithChallenge(verifier))
}

type confidentialUser struct {
	c        confidential.Client
	clientID string
}

func (p confidentialUser) silent(ctx context.Context, scopes []string, acct public.Account) (public.AuthResult, error) {
	return p.c.AcquireTokenSilent(ctx, scopes, confidential.WithSilentAccount(acct))
}

func (p confidentialUser) remove(ctx context.Context, acct public.Account) error {
	return p.c.RemoveAccount(ctx, acct)
}

func (p confidentialUser) authCodeURL(ctx context.Context, redirectURI string, scopes []string, hint string) (string, error) {
	var opts []confidential.AuthCodeURLOption
	if hint != "" {
		opts = append(opts, confidential.WithLoginHint(hint))
	}
	return p.c.AuthCodeURL(ctx, p.clientID, redirectURI, scopes, opts...)
}

func (p confidentialUser) redeem(ctx context.Context, code, redirectURI, verifier string, scopes []string) (public.AuthResult, error) {
	return p.c.AcquireTokenByAuthCode(ctx, code, redirectURI, scopes, confidential.WithChallenge(verifier))
}

// oboState holds the on-behalf-of client, rebuilt to force a new token: its
// tokens live only in MSAL's memory, keyed by the incoming assertion.
type oboState struct {
	assertion string
	build     func() (confidential.Client, error)
	client    *confidential.Client
}

// newCredential fills what every flow shares.
func newCredential(flow string, s settings, secrets ...string) *Credential {
	c := &Credential{flow: flow, s: s, username: s.username, scrub: scrubber{secrets: secrets}}
	return c
}

// String describes the credential without secrets.
func (c *Credential) String() string {
	if u := c.Username(); u != "" {
		return fmt.Sprintf("auth.Credential{flow: %s, client: %s, user: %s}", c.flow, c.s.clientID, u)
	}
	return fmt.Sprintf("auth.Credential{flow: %s, client: %s}", c.flow, c.s.clientID)
}

// GoString keeps %#v from printing the credential's fields, which include
// its secrets.
func (c *Credential) GoString() string { return c.String() }

// LogValue describes the credential in slog output without secrets.
func (c *Credential) LogValue() slog.Value {
	return slog.GroupValue(slog.String("flow", c.flow), slog.String("client_id", c.s.clientID), slog.String("user", c.Username()))
}

// Flow names the credential's flow ("device code", "client secret", ...).
func (c *Credential) Flow() string { return c.flow }

// AppOnly reports whether the tokens carry application permissions (client
// credentials), for which the resource "me" has no meaning.
func (c *Credential) AppOnly() bool { return c.appOnly }

// Token returns an access token for the configured scopes, from the cache while
// it is valid for more than the refresh margin, else refreshed. The request
// path calls it before every request: while the store holds what it held when
// the last token was handed out, that token is reused at the cost of one Load.
func (c *Credential) Token(ctx context.Context) (o365.Token, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var stored []byte
	storedOK := false
	scopes := c.tokenScopes()
	if c.cache != nil {
		data, err := c.cache.store.Load(ctx)
		if err == nil {
			if res, ok := c.reuse(data, scopes); ok {
				return o365.Token{AccessToken: res.AccessToken, ExpiresOn: res.ExpiresOn}, nil
			}
			stored, storedOK = data, true
		}
	}
	res, err := c.token(ctx, false)
	if err != nil {
		return o365.Token{}, err
	}
	if storedOK {
		c.remember(res, stored, scopes)
	}
	return o365.Token{AccessToken: res.AccessToken, ExpiresOn: res.ExpiresOn}, nil
}

// msalExpiryWindow is how close to expiry MSAL stops answering from its cache
// (storage.AccessToken.Validate).
const msalExpiryWindow = 5 * time.Minute

// reuse returns the token handed out last when it is still fresh, was issued
// for the current user and scopes, and the store has not changed since.
func (c *Credential) reuse(stored []byte, scopes []string) (public.AuthResult, bool) {
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	l := c.last
	// MSAL answers from its cache only for tokens valid for more than 5
	// minutes: a reused token must be at least as fresh as that too.
	if l == nil || l.homeID != c.homeID || !slices.Equal(l.scopes, scopes) ||
		!bytes.Equal(l.stored, stored) || !c.fresh(l.res) || time.Until(l.res.ExpiresOn) <= msalExpiryWindow {
		return public.AuthResult{}, false
	}
	return l.res, true
}

// remember keeps res, asked for scopes, for reuse; stored is what the store
// held before res was asked for.
func (c *Credential) remember(res public.AuthResult, stored []byte, scopes []string) {
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	if !c.appOnly && (res.Account.HomeAccountID == "" || c.homeID != res.Account.HomeAccountID) {
		return // not matched to the current user: do not reuse
	}
	c.last = &issued{res: res, homeID: c.homeID, scopes: scopes, stored: stored}
}

// RefreshToken gets a new access token even if the cached one looks valid, as
// the request path does once after a 401.
func (c *Credential) RefreshToken(ctx context.Context) (o365.Token, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forget()
	res, err := c.token(ctx, true)
	if err != nil {
		return o365.Token{}, err
	}
	return o365.Token{AccessToken: res.AccessToken, ExpiresOn: res.ExpiresOn}, nil
}

// forget drops the token kept for reuse.
func (c *Credential) forget() {
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	c.last = nil
}

// errNotBuilt is returned by the methods of a Credential that no New*
// function built.
var errNotBuilt = errors.New("auth: Credential used without a New* constructor")

func (c *Credential) built() bool { return c.cache != nil || c.obo != nil }

func (c *Credential) token(ctx context.Context, force bool) (public.AuthResult, error) {
	if !c.built() {
		return public.AuthResult{}, errNotBuilt
	}
	switch {
	case c.obo != nil:
		return c.oboToken(ctx, force)
	case c.appOnly:
		return c.appToken(ctx, force)
	}
	return c.userToken(ctx, force)
}

// fresh reports whether a token is valid for longer than the refresh margin.
func (c *Credential) fresh(res public.AuthResult) bool {
	return c.s.margin < 0 || time.Until(res.ExpiresOn) > c.s.margin
}

// tokenScopes are the scopes Token asks for.
func (c *Credential) tokenScopes() []string {
	if len(c.s.scopes) > 0 {
		return c.s.scopes
	}
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	if len(c.scopes) > 0 {
		return c.scopes
	}
	return []string{c.s.proto.DefaultScope()}
}

func (c *Credential) userToken(ctx context.Context, force bool) (public.AuthResult, error) {
	acct, err := c.pick(ctx)
	if err != nil {
		if c.silentSignIn && errors.Is(err, ErrSignInRequired) {
			return c.doSignIn(ctx, c.tokenScopes(), false)
		}
		return public.AuthResult{}, err
	}
	scopes := c.tokenScopes()
	log := c.s.log.With("flow", c.flow, "user", acct.username)
	if !force {
		// Answer from cached access tokens only: no lock, no network.
		res, err := c.user.silent(withReplaceMode(ctx, replaceMode{cacheOnly: true}), scopes, acct.account)
		if err == nil && c.fresh(res) {
			log.DebugContext(ctx, "auth: token from cache", "expires_on", res.ExpiresOn)
			return res, nil
		}
	}
	// A refresh: hold the store's lock so that another process refreshing the
	// same user waits and then finds the new token instead of redeeming the
	// same refresh token.
	lctx, unlock, err := c.cache.lock(ctx)
	if err != nil {
		return public.AuthResult{}, err
	}
	defer unlock()
	if !force {
		res, err := c.user.silent(lctx, scopes, acct.account)
		if err == nil && (c.fresh(res) || res.Metadata.TokenSource == public.TokenSourceIdentityProvider) {
			log.DebugContext(ctx, "auth: token refreshed", "expires_on", res.ExpiresOn, "source", sourceName(res))
			return res, nil
		}
		if err != nil {
			return c.retrySignIn(lctx, scopes, c.scrub.convert("refresh", err))
		}
	}
	res, err := c.user.silent(withReplaceMode(lctx, replaceMode{dropAccessTokens: true, homeID: acct.account.HomeAccountID}), scopes, acct.account)
	if err != nil {
		return c.retrySignIn(lctx, scopes, c.scrub.convert("refresh", err))
	}
	log.DebugContext(ctx, "auth: token refreshed", "expires_on", res.ExpiresOn, "forced", true)
	return res, nil
}

func sourceName(res public.AuthResult) string {
	if res.Metadata.TokenSource == public.TokenSourceCache {
		return "cache"
	}
	return "identity provider"
}

// retrySignIn signs in again for flows that need no user (username/password)
// when the refresh token is gone; the others report err.
func (c *Credential) retrySignIn(ctx context.Context, scopes []string, err error) (public.AuthResult, error) {
	if c.silentSignIn && errors.Is(err, ErrSignInRequired) {
		return c.doSignIn(ctx, scopes, false)
	}
	return public.AuthResult{}, err
}

// signInError is a sign-in-required error with its own words.
type signInError struct {
	msg   string
	extra error
}

func (e *signInError) Error() string { return e.msg }

func (e *signInError) Is(target error) bool {
	return target == ErrSignInRequired || (e.extra != nil && target == e.extra)
}

// pick chooses the signed-in user whose tokens Token uses.
func (c *Credential) pick(ctx context.Context) (storedAccount, error) {
	accts, err := c.cache.accounts(ctx)
	if err != nil {
		return storedAccount{}, err
	}
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	store := storeName(c.s.store)
	if c.homeID != "" {
		for _, a := range accts {
			if a.account.HomeAccountID == c.homeID {
				return a, nil
			}
		}
		c.homeID = ""
	}
	if c.username != "" {
		for _, a := range accts {
			if strings.EqualFold(a.username, c.username) {
				c.homeID = a.account.HomeAccountID
				return a, nil
			}
		}
		return storedAccount{}, &signInError{
			msg:   fmt.Sprintf("auth: %s holds no tokens for %s: sign in as that user with `o365 login` or Authenticate", store, c.username),
			extra: ErrAccountNotFound,
		}
	}
	switch len(accts) {
	case 0:
		return storedAccount{}, &signInError{msg: fmt.Sprintf("auth: nobody is signed in (%s is empty): sign in with `o365 login` or Authenticate", store)}
	case 1:
		c.homeID, c.username = accts[0].account.HomeAccountID, accts[0].username
		return accts[0], nil
	}
	names := make([]string, len(accts))
	for i, a := range accts {
		names[i] = a.username
	}
	return storedAccount{}, fmt.Errorf("%w: %s", ErrMultipleAccounts, strings.Join(names, ", "))
}

func (c *Credential) appToken(ctx context.Context, force bool) (public.AuthResult, error) {
	scopes, err := c.s.appScopes()
	if err != nil {
		return public.AuthResult{}, err
	}
	if force {
		ctx = withReplaceMode(ctx, replaceMode{dropAccessTokens: true})
	}
	res, err := c.conf.AcquireTokenByCredential(ctx, scopes)
	if err == nil && !force && !c.fresh(res) && res.Metadata.TokenSource == public.TokenSourceCache {
		res, err = c.conf.AcquireTokenByCredential(withReplaceMode(ctx, replaceMode{dropAccessTokens: true}), scopes)
	}
	if err != nil {
		return public.AuthResult{}, c.scrub.convert("client credentials", err)
	}
	c.s.log.DebugContext(ctx, "auth: app token", "flow", c.flow, "expires_on", res.ExpiresOn, "source", sourceName(res))
	return res, nil
}

func (c *Credential) oboToken(ctx context.Context, force bool) (public.AuthResult, error) {
	scopes := c.tokenScopes()
	if force || c.obo.client == nil {
		cl, err := c.obo.build()
		if err != nil {
			return public.AuthResult{}, err
		}
		c.obo.client = &cl
	}
	res, err := c.obo.client.AcquireTokenOnBehalfOf(ctx, c.obo.assertion, scopes)
	if err == nil && !force && !c.fresh(res) && res.Metadata.TokenSource == public.TokenSourceCache {
		c.obo.client = nil
		return c.oboToken(ctx, true)
	}
	if err != nil {
		return public.AuthResult{}, c.scrub.convert("on-behalf-of", err)
	}
	c.stateMu.Lock()
	c.username, c.homeID = res.Account.PreferredUsername, res.Account.HomeAccountID
	c.stateMu.Unlock()
	return res, nil
}

// Authenticate signs in by the credential's flow, asking for scopes (helper
// names or raw; none means Config.Scopes, else Protocol.DefaultScope()). For
// the interactive flows it involves the user (browser, pasted URL, device
// code); for client credentials and on-behalf-of it gets a first token, which
// checks the credential.
func (c *Credential) Authenticate(ctx context.Context, scopes ...string) error {
	if !c.built() {
		return errNotBuilt
	}
	if c.appOnly || c.obo != nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, err := c.token(ctx, false)
		return err
	}
	if c.signIn == nil {
		return fmt.Errorf("%w: Authenticate (use AuthCodeURL and Exchange)", ErrUnsupported)
	}
	want := c.s.expand(scopes)
	explicit := len(want) > 0
	if !explicit {
		want = c.tokenScopes()
	}
	_, err := c.doSignIn(ctx, want, explicit)
	return err
}

// doSignIn runs the flow's sign-in and makes its user the current one.
func (c *Credential) doSignIn(ctx context.Context, scopes []string, remember bool) (public.AuthResult, error) {
	c.s.log.InfoContext(ctx, "auth: signing in", "flow", c.flow)
	res, err := c.signIn(ctx, scopes)
	if err != nil {
		return public.AuthResult{}, c.scrub.convert("sign-in ("+c.flow+")", err)
	}
	c.signedIn(ctx, res, scopes, remember)
	return res, nil
}

func (c *Credential) signedIn(ctx context.Context, res public.AuthResult, scopes []string, remember bool) {
	c.stateMu.Lock()
	c.homeID, c.username = res.Account.HomeAccountID, res.Account.PreferredUsername
	c.last = nil
	if remember {
		c.scopes = scopes
	}
	c.stateMu.Unlock()
	c.s.log.InfoContext(ctx, "auth: signed in", "flow", c.flow, "user", res.Account.PreferredUsername, "expires_on", res.ExpiresOn)
}

// IsAuthenticated reports whether a token can be had without the user: it
// asks for one, which may refresh it.
func (c *Credential) IsAuthenticated(ctx context.Context) bool {
	_, err := c.Token(ctx)
	return err == nil
}

// Username returns the user whose tokens Token uses: Config.Username or
// SetUsername's, else the user who signed in last or the only one in the store
// (known after the first Token or Authenticate). "" for client credentials.
func (c *Credential) Username() string {
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	return c.username
}

// SetUsername switches to another user signed in to the same store.
func (c *Credential) SetUsername(username string) {
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	c.username, c.homeID, c.last = username, "", nil
}

// Usernames lists the users the store holds tokens of for this application,
// sorted. Client credentials have no users.
func (c *Credential) Usernames(ctx context.Context) ([]string, error) {
	if !c.built() {
		return nil, errNotBuilt
	}
	if c.obo != nil {
		if u := c.Username(); u != "" {
			return []string{u}, nil
		}
		return nil, nil
	}
	if c.appOnly {
		return nil, nil
	}
	accts, err := c.cache.accounts(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(accts))
	for _, a := range accts {
		names = append(names, a.username)
	}
	return names, nil
}

// SignOut removes a user's tokens from the store ("" means the current user).
// For client credentials it removes the application's cached tokens.
func (c *Credential) SignOut(ctx context.Context, username string) error {
	if !c.built() {
		return errNotBuilt
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forget()
	switch {
	case c.obo != nil:
		c.obo.client = nil
		return nil
	case c.appOnly:
		return c.cache.update(ctx, func(d *cacheDoc) (*cacheDoc, error) {
			for k, v := range d.sections[secAccessToken] {
				if strings.EqualFold(field(v, "client_id"), c.s.clientID) && field(v, "home_account_id") == "" {
					delete(d.sections[secAccessToken], k)
				}
			}
			return d, nil
		})
	}
	var target storedAccount
	if username == "" {
		a, err := c.pick(ctx)
		if err != nil {
			return err
		}
		target = a
	} else {
		accts, err := c.cache.accounts(ctx)
		if err != nil {
			return err
		}
		found := false
		for _, a := range accts {
			if strings.EqualFold(a.username, username) {
				target, found = a, true
				break
			}
		}
		if !found {
			return fmt.Errorf("auth: signing out %s: %w", username, ErrAccountNotFound)
		}
	}
	if err := c.user.remove(ctx, target.account); err != nil {
		return c.scrub.convert("sign-out", err)
	}
	c.stateMu.Lock()
	if c.homeID == target.account.HomeAccountID {
		c.homeID = ""
	}
	c.stateMu.Unlock()
	c.s.log.InfoContext(ctx, "auth: signed out", "user", target.username)
	return nil
}
