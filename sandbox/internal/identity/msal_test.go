// These tests sign in with the real MSAL Go library against the provider.
// MSAL deprecates its username/password flow; the sandbox still serves it.
//
//lint:file-ignore SA1019 the ROPC test drives MSAL's deprecated AcquireTokenByUsernamePassword on purpose

package identity

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

func newPublicClient(t *testing.T, srv interface{ Client() *http.Client }, authority string) public.Client {
	t.Helper()
	pca, err := public.New(publicID, public.WithAuthority(authority), public.WithHTTPClient(srv.Client()), public.WithInstanceDiscovery(false))
	if err != nil {
		t.Fatal(err)
	}
	return pca
}

func newConfidentialClient(t *testing.T, srv interface{ Client() *http.Client }, authority, clientID string, cred confidential.Credential) confidential.Client {
	t.Helper()
	cca, err := confidential.New(authority, clientID, cred, confidential.WithHTTPClient(srv.Client()), confidential.WithInstanceDiscovery(false))
	if err != nil {
		t.Fatal(err)
	}
	return cca
}

// mustVerify checks an access token MSAL received and returns its claims.
func mustVerify(t *testing.T, f *fixture, tok string) *Claims {
	t.Helper()
	c, err := f.p.Verify(context.Background(), tok)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return c
}

func TestMSALAuthCodePKCEThenSilentRefreshRotates(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.DefaultUser = "alice@" + testDomain; c.AccessTokenTTL = time.Minute })
	srv := f.server(t)
	ctx := context.Background()
	mc := &memCache{}
	pca, err := public.New(publicID, public.WithAuthority(srv.URL+"/"+testTenantID), public.WithHTTPClient(srv.Client()),
		public.WithInstanceDiscovery(false), public.WithCache(mc))
	if err != nil {
		t.Fatal(err)
	}
	scopes := []string{"Mail.Read"}

	authURL, err := pca.AuthCodeURL(ctx, publicID, redirectURI, scopes)
	if err != nil {
		t.Fatal(err)
	}
	verifier, challenge := pkcePair(t)
	authURL += "&code_challenge=" + challenge + "&code_challenge_method=S256&state=st-1&nonce=n-1"
	loc := redirectLocation(t, srv.Client(), authURL)
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != redirectURI {
		t.Fatalf("redirected to %q, want %q", got, redirectURI)
	}
	if loc.Query().Get("state") != "st-1" || loc.Query().Get("code") == "" {
		t.Fatalf("redirect query = %v, want code and state=st-1", loc.Query())
	}

	res, err := pca.AcquireTokenByAuthCode(ctx, loc.Query().Get("code"), redirectURI, scopes, public.WithChallenge(verifier))
	if err != nil {
		t.Fatalf("AcquireTokenByAuthCode: %v", err)
	}
	if res.Account.PreferredUsername != "alice@"+testDomain || res.Account.HomeAccountID != aliceID+"."+testTenantID {
		t.Fatalf("account = %+v", res.Account)
	}
	if res.IDToken.Oid != aliceID || res.IDToken.TenantID != testTenantID || res.IDToken.Audience != publicID ||
		res.IDToken.Issuer != srv.URL+"/"+testTenantID+"/v2.0" || res.IDToken.Name != "Alice Adams" {
		t.Fatalf("id token = %+v", res.IDToken)
	}
	if idc := jwtPayload(t, res.IDToken.RawToken); idc["nonce"] != "n-1" || idc["sub"] != pairwiseSubject(aliceID, publicID) {
		t.Fatalf("id token claims = %v, want nonce n-1 and the pairwise sub", idc)
	}
	if !slices.Equal(res.GrantedScopes, []string{"Mail.Read", "openid", "profile"}) {
		t.Fatalf("granted scopes = %q", res.GrantedScopes)
	}
	c := mustVerify(t, f, res.AccessToken)
	if c.ObjectID != aliceID || c.UPN != "alice@"+testDomain || c.AppID != publicID || !slices.Equal(c.Scopes, []string{"Mail.Read"}) || c.AppOnly {
		t.Fatalf("claims = %+v", c)
	}
	if n := len(f.kv.keys(kvRefresh)); n != 1 {
		t.Fatalf("%d refresh tokens stored, want 1", n)
	}
	oldRT := mc.refreshToken(t)

	// The 1-minute token is inside MSAL's 5-minute expiry margin, so
	// AcquireTokenSilent must redeem the refresh token.
	f.clock.Advance(2 * time.Minute)
	silent, err := pca.AcquireTokenSilent(ctx, scopes, public.WithSilentAccount(res.Account))
	if err != nil {
		t.Fatalf("AcquireTokenSilent: %v", err)
	}
	if silent.AccessToken == res.AccessToken {
		t.Fatal("silent returned the old access token")
	}
	if c := mustVerify(t, f, silent.AccessToken); c.ObjectID != aliceID {
		t.Fatalf("refreshed claims = %+v", c)
	}
	newRT := mc.refreshToken(t)
	if newRT == oldRT {
		t.Fatal("refresh token did not rotate")
	}
	if n := len(f.kv.keys(kvRefresh)); n != 1 {
		t.Fatalf("%d refresh tokens stored after rotation, want 1", n)
	}
	// The spent refresh token is refused.
	body := postForm(t, srv, "/"+testTenantID+"/oauth2/v2.0/token", url.Values{
		"grant_type": {"refresh_token"}, "client_id": {publicID}, "refresh_token": {oldRT}, "scope": {"Mail.Read offline_access"},
	}, http.StatusBadRequest)
	assertOAuthError(t, body, "invalid_grant", 70000)
	if strings.Contains(f.kv.dump(), newRT) || strings.Contains(f.logs.String(), newRT) {
		t.Fatal("a refresh token reached storage or the log in clear")
	}
}

// memCache is an MSAL cache store whose contents a test can read.
type memCache struct {
	mu   sync.Mutex
	data []byte
}

func (m *memCache) Replace(_ context.Context, c cache.Unmarshaler, _ cache.ReplaceHints) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.data == nil {
		return nil
	}
	return c.Unmarshal(m.data)
}

func (m *memCache) Export(_ context.Context, c cache.Marshaler, _ cache.ExportHints) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := c.Marshal()
	m.data = b
	return err
}

// refreshToken is the one refresh token in MSAL's cache.
func (m *memCache) refreshToken(t *testing.T) string {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	var doc struct {
		RefreshToken map[string]struct {
			Secret string `json:"secret"`
		}
	}
	if err := json.Unmarshal(m.data, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.RefreshToken) != 1 {
		t.Fatalf("MSAL cache holds %d refresh tokens, want 1", len(doc.RefreshToken))
	}
	for _, rt := range doc.RefreshToken {
		return rt.Secret
	}
	return ""
}

func TestMSALDeviceCode(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.DeviceCodeInterval = 100 * time.Millisecond; c.Now = nil })
	srv := f.server(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	pca := newPublicClient(t, srv, srv.URL+"/organizations")
	dc, err := pca.AcquireTokenByDeviceCode(ctx, []string{"User.Read", "Mail.Send"})
	if err != nil {
		t.Fatalf("AcquireTokenByDeviceCode: %v", err)
	}
	r := dc.Result
	if r.VerificationURL != srv.URL+"/organizations/device" || len(r.UserCode) != 9 || r.Interval != 1 ||
		r.Message != "To sign in, use a web browser to open the page "+r.VerificationURL+" and enter the code "+r.UserCode+" to authenticate." {
		t.Fatalf("device code result = %+v", r)
	}
	approved := make(chan error, 1)
	go func() {
		time.Sleep(300 * time.Millisecond) // let MSAL see authorization_pending first
		approved <- f.p.ApproveDevice(ctx, strings.ToLower(r.UserCode), "bob@"+testDomain)
	}()
	res, err := dc.AuthenticationResult(ctx)
	if err != nil {
		t.Fatalf("AuthenticationResult: %v", err)
	}
	if err := <-approved; err != nil {
		t.Fatalf("ApproveDevice: %v", err)
	}
	c := mustVerify(t, f, res.AccessToken)
	if c.ObjectID != bobID || c.UPN != "bob@"+testDomain || !slices.Equal(c.Scopes, []string{"User.Read", "Mail.Send"}) {
		t.Fatalf("claims = %+v", c)
	}
	if res.Account.PreferredUsername != "bob@"+testDomain {
		t.Fatalf("account = %+v", res.Account)
	}
	// The device code is spent and the user code forgotten.
	if n := len(f.kv.keys(kvDevice)) + len(f.kv.keys(kvUserCode)); n != 0 {
		t.Fatalf("%d device records left behind", n)
	}
	if err := f.p.ApproveDevice(ctx, r.UserCode, "bob@"+testDomain); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second approval: err = %v, want ErrNotFound", err)
	}
}

func TestMSALClientCredentialsSecret(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	ctx := context.Background()
	cred, err := confidential.NewCredFromSecret(webSecret)
	if err != nil {
		t.Fatal(err)
	}
	cca := newConfidentialClient(t, srv, srv.URL+"/"+testDomain, webID, cred)
	res, err := cca.AcquireTokenByCredential(ctx, []string{"https://graph.microsoft.com/.default"})
	if err != nil {
		t.Fatalf("AcquireTokenByCredential: %v", err)
	}
	c := mustVerify(t, f, res.AccessToken)
	want := Claims{ObjectID: servicePrincipalID(webID), TenantID: testTenantID, AppID: webID, Roles: []string{"Mail.Read", "User.Read.All"},
		AppOnly: true, ExpiresAt: f.clock.Now().Add(time.Hour), Audience: graphResource}
	if !reflect.DeepEqual(*c, want) {
		t.Fatalf("claims = %+v\nwant     %+v", *c, want)
	}
	if jwtPayload(t, res.AccessToken)["appidacr"] != "1" {
		t.Fatal("appidacr is not 1 for a secret")
	}
	// A wrong secret is invalid_client, and the secret is in no log.
	bad, _ := confidential.NewCredFromSecret("not-the-secret")
	badCCA := newConfidentialClient(t, srv, srv.URL+"/"+testDomain, webID, bad)
	if _, err := badCCA.AcquireTokenByCredential(ctx, []string{"https://graph.microsoft.com/.default"}); err == nil || !strings.Contains(err.Error(), "invalid_client") {
		t.Fatalf("wrong secret: err = %v, want invalid_client", err)
	}
	if logs := f.logs.String(); strings.Contains(logs, webSecret) || strings.Contains(logs, "not-the-secret") || strings.Contains(logs, res.AccessToken) {
		t.Fatal("a secret or token reached the log")
	}
}

func TestMSALClientCredentialsCertificate(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	ctx := context.Background()
	cred, err := confidential.NewCredFromCert([]*x509.Certificate{clientCert}, clientKey)
	if err != nil {
		t.Fatal(err)
	}
	cca := newConfidentialClient(t, srv, srv.URL+"/"+testTenantID, webID, cred)
	res, err := cca.AcquireTokenByCredential(ctx, []string{"https://graph.microsoft.com/.default"})
	if err != nil {
		t.Fatalf("AcquireTokenByCredential: %v", err)
	}
	c := mustVerify(t, f, res.AccessToken)
	if !c.AppOnly || c.AppID != webID || !slices.Equal(c.Roles, []string{"Mail.Read", "User.Read.All"}) {
		t.Fatalf("claims = %+v", c)
	}
	if jwtPayload(t, res.AccessToken)["appidacr"] != "2" {
		t.Fatal("appidacr is not 2 for a certificate")
	}
	// The assertion's jti is remembered against replay.
	if n := len(f.kv.keys(kvAssertions)); n != 1 {
		t.Fatalf("%d assertion ids remembered, want 1", n)
	}
	// A certificate the app does not have is refused.
	otherCred, err := confidential.NewCredFromCert([]*x509.Certificate{parseCert(t, otherCertPEM)}, otherClientKey)
	if err != nil {
		t.Fatal(err)
	}
	other := newConfidentialClient(t, srv, srv.URL+"/"+testTenantID, webID, otherCred)
	if _, err := other.AcquireTokenByCredential(ctx, []string{"https://graph.microsoft.com/.default"}); err == nil || !strings.Contains(err.Error(), "AADSTS700027") {
		t.Fatalf("unregistered certificate: err = %v, want AADSTS700027", err)
	}
}

func parseCert(t *testing.T, p []byte) *x509.Certificate {
	t.Helper()
	block, _ := pem.Decode(p)
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMSALUsernamePassword(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	ctx := context.Background()
	pca := newPublicClient(t, srv, srv.URL+"/"+testDomain)
	res, err := pca.AcquireTokenByUsernamePassword(ctx, []string{"https://graph.microsoft.com/Mail.Read"}, "alice@"+testDomain, alicePass)
	if err != nil {
		t.Fatalf("AcquireTokenByUsernamePassword: %v", err)
	}
	if c := mustVerify(t, f, res.AccessToken); c.ObjectID != aliceID || !slices.Equal(c.Scopes, []string{"Mail.Read"}) {
		t.Fatalf("claims = %+v", c)
	}
	if !slices.Equal(res.GrantedScopes, []string{"https://graph.microsoft.com/Mail.Read", "openid", "profile"}) {
		t.Fatalf("granted = %q", res.GrantedScopes)
	}
	if _, err := pca.AcquireTokenByUsernamePassword(ctx, []string{"Mail.Read"}, "alice@"+testDomain, "wrong"); err == nil || !strings.Contains(err.Error(), "AADSTS50126") {
		t.Fatalf("wrong password: err = %v, want AADSTS50126", err)
	}
	if strings.Contains(f.logs.String(), alicePass) {
		t.Fatal("the password reached the log")
	}
	// ROPC is refused on /common.
	common := newPublicClient(t, srv, srv.URL+"/common")
	if _, err := common.AcquireTokenByUsernamePassword(ctx, []string{"Mail.Read"}, "alice@"+testDomain, alicePass); err == nil || !strings.Contains(err.Error(), "AADSTS9001023") {
		t.Fatalf("ROPC on common: err = %v, want AADSTS9001023", err)
	}
}

func TestMSALOnBehalfOf(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	ctx := context.Background()
	// The user signs in to the public client for the middle tier's API; how
	// does not matter to the middle tier.
	apiScope := "api://" + apiID + "/access_as_user"
	userToken := ropcToken(t, srv, "alice@"+testDomain, alicePass, apiScope)
	if aud := jwtPayload(t, userToken)["aud"]; aud != apiID {
		t.Fatalf("API token aud = %v, want %s", aud, apiID)
	}
	if _, err := f.p.Verify(ctx, userToken); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("Verify of a token for another API: err = %v, want ErrInvalidToken", err)
	}
	cred, err := confidential.NewCredFromSecret(apiSecret)
	if err != nil {
		t.Fatal(err)
	}
	mid := newConfidentialClient(t, srv, srv.URL+"/"+testTenantID, apiID, cred)
	res, err := mid.AcquireTokenOnBehalfOf(ctx, userToken, []string{"https://graph.microsoft.com/Mail.Read"})
	if err != nil {
		t.Fatalf("AcquireTokenOnBehalfOf: %v", err)
	}
	c := mustVerify(t, f, res.AccessToken)
	if c.ObjectID != aliceID || c.AppID != apiID || !slices.Equal(c.Scopes, []string{"Mail.Read"}) || c.Audience != graphResource {
		t.Fatalf("OBO claims = %+v", c)
	}
	// A Graph token is not an assertion for the middle tier.
	graphTok := ropcToken(t, srv, "alice@"+testDomain, alicePass, "Mail.Read")
	if _, err := mid.AcquireTokenOnBehalfOf(ctx, graphTok, []string{"https://graph.microsoft.com/Mail.Read"}); err == nil || !strings.Contains(err.Error(), "AADSTS500131") {
		t.Fatalf("OBO with a Graph token: err = %v, want AADSTS500131", err)
	}
}

func TestMSALConfidentialAuthCode(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.DefaultUser = "bob@" + testDomain; c.AccessTokenTTL = time.Minute })
	srv := f.server(t)
	ctx := context.Background()
	cred, err := confidential.NewCredFromSecret(webSecret)
	if err != nil {
		t.Fatal(err)
	}
	cca := newConfidentialClient(t, srv, srv.URL+"/"+testTenantID, webID, cred)
	const webRedirect = "https://app.example/callback"
	authURL, err := cca.AuthCodeURL(ctx, webID, webRedirect, []string{"User.Read"})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := noRedirects(srv.Client()).Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("authorize answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	res, err := cca.AcquireTokenByAuthCode(ctx, loc.Query().Get("code"), webRedirect, []string{"User.Read"})
	if err != nil {
		t.Fatalf("AcquireTokenByAuthCode: %v", err)
	}
	c := mustVerify(t, f, res.AccessToken)
	if c.ObjectID != bobID || c.AppID != webID || !slices.Equal(c.Scopes, []string{"User.Read"}) {
		t.Fatalf("claims = %+v", c)
	}
	if jwtPayload(t, res.AccessToken)["appidacr"] != "1" {
		t.Fatal("appidacr is not 1")
	}
	f.clock.Advance(2 * time.Minute)
	silent, err := cca.AcquireTokenSilent(ctx, []string{"User.Read"}, confidential.WithSilentAccount(res.Account))
	if err != nil {
		t.Fatalf("AcquireTokenSilent: %v", err)
	}
	if silent.AccessToken == res.AccessToken {
		t.Fatal("no refresh happened")
	}
}
