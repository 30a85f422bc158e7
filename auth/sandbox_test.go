package auth_test

// End-to-end tests of every flow against the sandbox's identity platform
// (authorize, token, devicecode endpoints over TLS), each followed by a Graph
// call through an o365.Account that checks who the token belongs to.

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/o365go/o365"
	"github.com/o365go/o365/auth"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// newSandbox starts a TLS sandbox with the demo tenant and a one-second
// device code polling interval.
func newSandbox(t *testing.T, opts ...o365test.Option) *sandbox.Server {
	t.Helper()
	fast := o365test.Option(func(o *sandbox.Options) { o.DeviceCodeInterval = time.Second })
	return o365test.NewSandbox(t, append([]o365test.Option{o365test.WithTLS(), fast}, opts...)...)
}

// sandboxConfig points a credential of clientID at srv's identity platform.
func sandboxConfig(srv *sandbox.Server, clientID string, store auth.Store, scopes ...string) auth.Config {
	return auth.Config{
		ClientID:   clientID,
		Authority:  srv.AuthorityURL(""),
		HTTPClient: srv.Client(),
		Protocol:   o365test.GraphProtocol(srv),
		Store:      store,
		Scopes:     scopes,
	}
}

// newAccount returns an Account on srv's Graph that takes its tokens from
// ts, sending its requests through client (nil means srv.Client()).
func newAccount(t *testing.T, srv *sandbox.Server, ts o365.TokenSource, client *http.Client) *o365.Account {
	t.Helper()
	if client == nil {
		client = srv.Client()
	}
	acct, err := o365.New(o365.WithProtocol(o365test.GraphProtocol(srv)), o365.WithTokenSource(ts),
		o365.WithHTTPClient(client), o365.WithRetry(o365test.FastRetry()))
	if err != nil {
		t.Fatal(err)
	}
	return acct
}

type graphUser struct {
	ID  string `json:"id"`
	UPN string `json:"userPrincipalName"`
}

// checkUser reads the Account's user (GET /me, or the resource's user) and
// compares it with the demo user upn, whose object id is id.
func checkUser(t *testing.T, acct *o365.Account, upn, id string) {
	t.Helper()
	u, err := o365.Get[graphUser](context.Background(), acct, &o365.Request{})
	if err != nil {
		t.Fatalf("GET %s: %v", acct.Resource(), err)
	}
	if u.UPN != upn || u.ID != id {
		t.Fatalf("GET %s = %+v, want %s (%s)", acct.Resource(), *u, upn, id)
	}
}

// cacheSecrets returns the secrets of one section ("AccessToken",
// "RefreshToken") of the MSAL cache in store.
func cacheSecrets(t *testing.T, store auth.Store, section string) []string {
	t.Helper()
	var doc map[string]map[string]struct {
		Secret string `json:"secret"`
	}
	data, err := store.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range doc[section] {
		out = append(out, v.Secret)
	}
	slices.Sort(out)
	return out
}

// tokenError posts form to srv's token endpoint and returns the OAuth error
// code of the answer ("" for a 200).
func tokenError(t *testing.T, srv *sandbox.Server, form url.Values) string {
	t.Helper()
	resp, err := srv.Client().PostForm(srv.AuthorityURL("")+"/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Error string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode == http.StatusOK {
		return ""
	}
	return body.Error
}

// followAuthorize is the browser of the console flow: it opens the authorize
// URL, where the sandbox signs the user in without a form, and returns the
// address it is redirected to, which carries the code.
func followAuthorize(t *testing.T, srv *sandbox.Server) auth.ConsentHandler {
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return func(ctx context.Context, authURL string) (string, error) {
		u, err := url.Parse(authURL)
		if err != nil {
			return "", err
		}
		if q := u.Query(); q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256" || q.Get("state") == "" {
			t.Errorf("the authorization URL lacks PKCE or state: %s", authURL)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
		if err != nil {
			return "", err
		}
		resp, err := client.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			page, _ := io.ReadAll(resp.Body)
			t.Fatalf("authorize: HTTP %d, want a redirect: %s", resp.StatusCode, page)
		}
		return resp.Header.Get("Location"), nil
	}
}

const redirectURL = "http://localhost/callback" // registered on the demo public client

func TestSandboxAuthCodePKCE(t *testing.T) {
	t.Parallel()
	srv := newSandbox(t)
	ctx := context.Background()
	store := &auth.MemoryStore{}
	cred, err := auth.NewAuthCode(sandboxConfig(srv, sandbox.DemoPublicClientID, store, "User.Read"),
		auth.AuthCodeOptions{RedirectURL: redirectURL, ConsentHandler: followAuthorize(t, srv)})
	if err != nil {
		t.Fatal(err)
	}
	if err := cred.Authenticate(ctx); err != nil {
		t.Fatal(err)
	}
	if cred.Username() != sandbox.DemoUser {
		t.Errorf("signed in as %q", cred.Username())
	}
	checkUser(t, newAccount(t, srv, cred, nil), sandbox.DemoUser, sandbox.DemoUserID)

	// The sandbox checks the PKCE verifier: a code redeemed with another one
	// is refused, and nothing is stored.
	other, err := auth.NewAuthCode(sandboxConfig(srv, sandbox.DemoPublicClientID, &auth.MemoryStore{}, "User.Read"),
		auth.AuthCodeOptions{RedirectURL: redirectURL})
	if err != nil {
		t.Fatal(err)
	}
	flow, err := other.AuthCodeURL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	redirected, err := followAuthorize(t, srv)(ctx, flow.URL)
	if err != nil {
		t.Fatal(err)
	}
	flow.Verifier = strings.Repeat("x", 43)
	var ae *auth.Error
	if err := other.Exchange(ctx, flow, redirected); !errors.As(err, &ae) || ae.Code != "invalid_grant" {
		t.Errorf("exchange with a wrong verifier: %v, want invalid_grant", err)
	}
	if names, err := other.Usernames(ctx); err != nil || len(names) != 0 {
		t.Errorf("after a refused exchange the store holds %v (%v)", names, err)
	}
}

func TestSandboxDeviceCode(t *testing.T) {
	t.Parallel()
	srv := newSandbox(t)
	ctx := context.Background()
	prompts := 0
	cred, err := auth.NewDeviceCode(sandboxConfig(srv, sandbox.DemoPublicClientID, &auth.MemoryStore{}, "User.Read"),
		func(ctx context.Context, m auth.DeviceCodeMessage) error {
			prompts++
			if !strings.HasPrefix(m.VerificationURL, srv.URL()+"/") || m.UserCode == "" || !strings.Contains(m.Message, m.UserCode) {
				t.Errorf("device code message %+v", m)
			}
			// The person on the other device signs in as Bob.
			return srv.ApproveDevice(ctx, m.UserCode, sandbox.DemoBob)
		})
	if err != nil {
		t.Fatal(err)
	}
	if err := cred.Authenticate(ctx); err != nil {
		t.Fatal(err)
	}
	if prompts != 1 || cred.Username() != sandbox.DemoBob {
		t.Errorf("prompts = %d, user = %q", prompts, cred.Username())
	}
	checkUser(t, newAccount(t, srv, cred, nil), sandbox.DemoBob, sandbox.DemoBobID)
}

func TestSandboxClientSecret(t *testing.T) {
	t.Parallel()
	srv := newSandbox(t)
	ctx := context.Background()
	cred, err := auth.NewClientSecret(sandboxConfig(srv, sandbox.DemoDaemonClientID, &auth.MemoryStore{}), sandbox.DemoDaemonSecret)
	if err != nil {
		t.Fatal(err)
	}
	acct := newAccount(t, srv, cred, nil)
	if !acct.AppOnly() {
		t.Error("a client-secret Account is not app-only")
	}
	if _, err := o365.Get[graphUser](ctx, acct, &o365.Request{}); !errors.Is(err, o365.ErrAppOnlyMe) {
		t.Errorf("GET me as the app: %v, want ErrAppOnlyMe", err)
	}
	checkUser(t, acct.With(o365.WithResource("user:"+sandbox.DemoCarol)), sandbox.DemoCarol, sandbox.DemoCarolID)

	wrong, err := auth.NewClientSecret(sandboxConfig(srv, sandbox.DemoDaemonClientID, &auth.MemoryStore{}), "not-the-secret")
	if err != nil {
		t.Fatal(err)
	}
	var ae *auth.Error
	if _, err := wrong.Token(ctx); !errors.As(err, &ae) || ae.Code != "invalid_client" {
		t.Errorf("a wrong secret: %v, want invalid_client", err)
	}
}

func TestSandboxClientCertificate(t *testing.T) {
	t.Parallel()
	srv := newSandbox(t)
	ctx := context.Background()
	p := newTestPKI(t)
	const clientID = "ce470000-0000-4000-8000-0000000000c1"
	if err := srv.RegisterApp(ctx, sandbox.App{ClientID: clientID, DisplayName: "certificate app",
		CertificatesPEM: [][]byte{pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.leaf.Raw})},
		AppRoles:        []string{"User.Read.All"}}); err != nil {
		t.Fatal(err)
	}
	// The certificate comes as Windows and OpenSSL 3 export it.
	pfx, err := pkcs12.Modern.Encode(p.key, p.leaf, nil, "pfx password")
	if err != nil {
		t.Fatal(err)
	}
	certs, key, err := auth.ParseCertificate(pfx, "pfx password")
	if err != nil {
		t.Fatal(err)
	}
	cred, err := auth.NewClientCertificate(sandboxConfig(srv, clientID, &auth.MemoryStore{}), certs, key)
	if err != nil {
		t.Fatal(err)
	}
	checkUser(t, newAccount(t, srv, cred, nil).With(o365.WithResource("user:"+sandbox.DemoDan)), sandbox.DemoDan, sandbox.DemoDanID)

	// A certificate the app does not know is refused.
	stranger := newTestPKI(t)
	cred, err = auth.NewClientCertificate(sandboxConfig(srv, clientID, &auth.MemoryStore{}), []*x509.Certificate{stranger.leaf}, stranger.key)
	if err != nil {
		t.Fatal(err)
	}
	var ae *auth.Error
	if _, err := cred.Token(ctx); !errors.As(err, &ae) || ae.Code != "invalid_client" {
		t.Errorf("an unregistered certificate: %v, want invalid_client", err)
	}
}

func TestSandboxUsernamePassword(t *testing.T) {
	t.Parallel()
	srv := newSandbox(t)
	ctx := context.Background()
	cred, err := auth.NewUsernamePassword(sandboxConfig(srv, sandbox.DemoPublicClientID, &auth.MemoryStore{}, "User.Read"),
		sandbox.DemoCarol, sandbox.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	// No Authenticate: the first token signs in with the password.
	checkUser(t, newAccount(t, srv, cred, nil), sandbox.DemoCarol, sandbox.DemoCarolID)
	if cred.Username() != sandbox.DemoCarol {
		t.Errorf("Username() = %q", cred.Username())
	}

	const wrongPassword = "Not-Carols-Password-1"
	wrong, err := auth.NewUsernamePassword(sandboxConfig(srv, sandbox.DemoPublicClientID, &auth.MemoryStore{}, "User.Read"),
		sandbox.DemoCarol, wrongPassword)
	if err != nil {
		t.Fatal(err)
	}
	_, err = wrong.Token(ctx)
	var ae *auth.Error
	if !errors.As(err, &ae) || ae.Code != "invalid_grant" || !errors.Is(err, auth.ErrSignInRequired) {
		t.Errorf("a wrong password: %v, want invalid_grant", err)
	}
	if err != nil && strings.Contains(err.Error(), wrongPassword) {
		t.Errorf("the error shows the password: %v", err)
	}
}

// signInAs signs login in to store through the username/password flow.
func signInAs(t *testing.T, srv *sandbox.Server, store auth.Store, login string) *auth.Credential {
	t.Helper()
	cred, err := auth.NewUsernamePassword(sandboxConfig(srv, sandbox.DemoPublicClientID, store, "User.Read"), login, sandbox.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := cred.Authenticate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return cred
}

func TestSandboxRefreshAheadOfExpiryRotates(t *testing.T) {
	t.Parallel()
	const ttl = 8 * time.Minute // more than MSAL's own 5 minutes, less than the margin below
	srv := newSandbox(t, o365test.Option(func(o *sandbox.Options) { o.AccessTokenTTL = ttl }))
	ctx := context.Background()
	store := &auth.MemoryStore{}
	signInAs(t, srv, store, sandbox.DemoUser)
	at1, rt1 := cacheSecrets(t, store, "AccessToken"), cacheSecrets(t, store, "RefreshToken")
	if len(at1) != 1 || len(rt1) != 1 {
		t.Fatalf("after sign-in the cache holds %d access and %d refresh tokens", len(at1), len(rt1))
	}

	// A credential with a short margin uses the cached token.
	cfg := sandboxConfig(srv, sandbox.DemoPublicClientID, store, "User.Read")
	cfg.RefreshMargin = time.Minute
	relaxed, err := auth.NewDeviceCode(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := relaxed.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != at1[0] || !slices.Equal(cacheSecrets(t, store, "RefreshToken"), rt1) {
		t.Fatal("a token valid for 8 minutes was refreshed with a 1 minute margin")
	}
	if left := time.Until(tok.ExpiresOn); left < ttl-time.Minute || left > ttl {
		t.Errorf("the sandbox's token expires in %v, want about %v", left, ttl)
	}

	// One with a 10 minute margin refreshes ahead of expiry: a new access
	// token, and the refresh token rotates.
	cfg.RefreshMargin = 10 * time.Minute
	eager, err := auth.NewDeviceCode(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	tok2, err := eager.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rt2 := cacheSecrets(t, store, "RefreshToken")
	if tok2.AccessToken == at1[0] || len(rt2) != 1 || rt2[0] == rt1[0] {
		t.Fatalf("no refresh with rotation: access token changed %v, refresh tokens %d, rotated %v",
			tok2.AccessToken != at1[0], len(rt2), len(rt2) == 1 && rt2[0] != rt1[0])
	}
	if !slices.Equal(cacheSecrets(t, store, "AccessToken"), []string{tok2.AccessToken}) {
		t.Error("the store does not hold the new access token alone")
	}
	// The sandbox refuses the spent refresh token, and the new one works.
	form := url.Values{"grant_type": {"refresh_token"}, "client_id": {sandbox.DemoPublicClientID},
		"scope": {"https://graph.microsoft.com/User.Read offline_access"}}
	form.Set("refresh_token", rt1[0])
	if code := tokenError(t, srv, form); code != "invalid_grant" {
		t.Errorf("the spent refresh token: %q, want invalid_grant", code)
	}
	checkUser(t, newAccount(t, srv, relaxed, nil), sandbox.DemoUser, sandbox.DemoUserID)
	form.Set("refresh_token", rt2[0])
	if code := tokenError(t, srv, form); code != "" {
		t.Errorf("the new refresh token: %q", code)
	}
}

// recorder passes requests to next and records the bearer token of each.
type recorder struct {
	next   http.RoundTripper
	mu     sync.Mutex
	tokens []string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.tokens = append(r.tokens, strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer "))
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

func TestSandboxReplayAfter401(t *testing.T) {
	t.Parallel()
	srv := newSandbox(t)
	store := &auth.MemoryStore{}
	cred := signInAs(t, srv, store, sandbox.DemoUser)
	rt1 := cacheSecrets(t, store, "RefreshToken")

	// The cached access token, still valid for an hour by its expiry, is not
	// one the sandbox accepts (as after a revocation or a key rollover).
	data, err := store.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	at := cacheSecrets(t, store, "AccessToken")
	if len(at) != 1 {
		t.Fatalf("%d access tokens", len(at))
	}
	const garbage = "garbage-access-token"
	if err := store.Save(context.Background(), []byte(strings.Replace(string(data), at[0], garbage, 1))); err != nil {
		t.Fatal(err)
	}

	rec := &recorder{next: srv.Client().Transport}
	acct := newAccount(t, srv, cred, &http.Client{Transport: rec})
	checkUser(t, acct, sandbox.DemoUser, sandbox.DemoUserID)
	if len(rec.tokens) != 2 || rec.tokens[0] != garbage || rec.tokens[1] == garbage || rec.tokens[1] == at[0] {
		t.Fatalf("Graph saw %d requests; want the refused token, then one replay with a new token", len(rec.tokens))
	}
	if got := cacheSecrets(t, store, "AccessToken"); !slices.Equal(got, []string{rec.tokens[1]}) {
		t.Error("the store does not hold the refreshed access token")
	}
	if rt := cacheSecrets(t, store, "RefreshToken"); len(rt) != 1 || rt[0] == rt1[0] {
		t.Error("the refresh after the 401 did not rotate the refresh token")
	}
}

func TestSandboxFileStoreSeveralUsers(t *testing.T) {
	t.Parallel()
	srv := newSandbox(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), auth.DefaultTokenFile)

	// Alice signs in with the authorization code, Bob with a device code,
	// each through their own credential on the same file.
	alice, err := auth.NewAuthCode(sandboxConfig(srv, sandbox.DemoPublicClientID, auth.NewFileStore(path), "User.Read"),
		auth.AuthCodeOptions{RedirectURL: redirectURL, ConsentHandler: followAuthorize(t, srv)})
	if err != nil {
		t.Fatal(err)
	}
	if err := alice.Authenticate(ctx); err != nil {
		t.Fatal(err)
	}
	bob, err := auth.NewDeviceCode(sandboxConfig(srv, sandbox.DemoPublicClientID, auth.NewFileStore(path), "User.Read"),
		func(ctx context.Context, m auth.DeviceCodeMessage) error {
			return srv.ApproveDevice(ctx, m.UserCode, sandbox.DemoBob)
		})
	if err != nil {
		t.Fatal(err)
	}
	if err := bob.Authenticate(ctx); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", fi, err)
	}

	// A later run: a credential that never signed in finds both users.
	cred, err := auth.NewDeviceCode(sandboxConfig(srv, sandbox.DemoPublicClientID, auth.NewFileStore(path), "User.Read"),
		func(context.Context, auth.DeviceCodeMessage) error {
			t.Error("asked to sign in again")
			return errors.New("no")
		})
	if err != nil {
		t.Fatal(err)
	}
	names, err := cred.Usernames(ctx)
	if err != nil || !slices.Equal(names, []string{sandbox.DemoUser, sandbox.DemoBob}) {
		t.Fatalf("Usernames() = %v, %v", names, err)
	}
	acct := newAccount(t, srv, cred, nil)
	if _, err := o365.Get[graphUser](ctx, acct, &o365.Request{}); !errors.Is(err, auth.ErrMultipleAccounts) {
		t.Errorf("GET /me with two users and none chosen: %v, want ErrMultipleAccounts", err)
	}
	cred.SetUsername(sandbox.DemoBob)
	checkUser(t, acct, sandbox.DemoBob, sandbox.DemoBobID)
	cred.SetUsername(sandbox.DemoUser)
	checkUser(t, acct, sandbox.DemoUser, sandbox.DemoUserID)

	if err := cred.SignOut(ctx, sandbox.DemoBob); err != nil {
		t.Fatal(err)
	}
	if names, err := cred.Usernames(ctx); err != nil || !slices.Equal(names, []string{sandbox.DemoUser}) {
		t.Fatalf("after signing Bob out: %v, %v", names, err)
	}
	cred.SetUsername(sandbox.DemoBob)
	if _, err := cred.Token(ctx); !errors.Is(err, auth.ErrAccountNotFound) || !errors.Is(err, auth.ErrSignInRequired) {
		t.Errorf("Bob's token after his sign-out: %v", err)
	}
	if err := cred.SignOut(ctx, sandbox.DemoBob); !errors.Is(err, auth.ErrAccountNotFound) {
		t.Errorf("signing Bob out twice: %v", err)
	}

	// Alice is alone: a new credential picks her without being told.
	again, err := auth.NewDeviceCode(sandboxConfig(srv, sandbox.DemoPublicClientID, auth.NewFileStore(path), "User.Read"), nil)
	if err != nil {
		t.Fatal(err)
	}
	checkUser(t, newAccount(t, srv, again, nil), sandbox.DemoUser, sandbox.DemoUserID)
	if err := again.SignOut(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if names, err := again.Usernames(ctx); err != nil || len(names) != 0 {
		t.Errorf("after signing everyone out: %v, %v", names, err)
	}
	if _, err := again.Token(ctx); !errors.Is(err, auth.ErrSignInRequired) {
		t.Errorf("a token with nobody signed in: %v", err)
	}
}
