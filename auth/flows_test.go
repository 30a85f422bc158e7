package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o365go/o365"
)

const wantScope = "https://graph.microsoft.com/Mail.ReadWrite https://graph.microsoft.com/Mail.Send openid offline_access profile"

func TestDeviceCodePolling(t *testing.T) {
	f := newFakeIdP(t)
	f.deviceUser = "alice@contoso.com"
	f.deviceScript = []string{"authorization_pending", "slow_down", "authorization_pending"}
	var got []DeviceCodeMessage
	c, err := NewDeviceCode(f.config(&MemoryStore{}), func(_ context.Context, m DeviceCodeMessage) error {
		got = append(got, m)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Authenticate(ctx); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].UserCode != "ABCD-EFGH" || got[0].VerificationURL != "https://microsoft.com/devicelogin" ||
		!strings.Contains(got[0].Message, "ABCD-EFGH") || time.Until(got[0].ExpiresOn) < 10*time.Minute {
		t.Fatalf("prompt got %+v", got)
	}
	if n := f.count("device_code"); n != 4 {
		t.Errorf("device code polls = %d, want 4 (3 waits, 1 success)", n)
	}
	dc := f.lastRequest("device_code")
	if dc.Get("scope") != wantScope || dc.Get("device_code") != "dc-secret-7f3e" {
		t.Errorf("poll form = %v", dc)
	}
	if c.Username() != "alice@contoso.com" {
		t.Errorf("Username = %q", c.Username())
	}
	tok, err := c.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok.AccessToken, "at-") || !strings.Contains(tok.AccessToken, "oid-1") {
		t.Errorf("token = %q", tok.AccessToken)
	}
	if n := f.count("refresh_token"); n != 0 {
		t.Errorf("Token right after sign-in refreshed %d times", n)
	}
}

func TestDeviceCodeExpired(t *testing.T) {
	f := newFakeIdP(t)
	f.deviceUser = "alice@contoso.com"
	f.deviceScript = []string{"authorization_pending", "expired_token"}
	c, err := NewDeviceCode(f.config(&MemoryStore{}), func(context.Context, DeviceCodeMessage) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	err = c.Authenticate(context.Background())
	var ae *Error
	if !errors.As(err, &ae) || ae.Code != "expired_token" || ae.StatusCode != 400 || ae.CorrelationID != "corr-1" {
		t.Fatalf("err = %v (%#v)", err, ae)
	}
	if strings.Contains(err.Error(), "dc-secret-7f3e") {
		t.Errorf("error leaks the device code: %v", err)
	}
	if n := f.count("device_code"); n != 2 {
		t.Errorf("polls = %d, want 2", n)
	}
	if _, err := c.Token(context.Background()); !errors.Is(err, ErrSignInRequired) {
		t.Errorf("Token after failed sign-in: %v, want ErrSignInRequired", err)
	}
}

func TestAuthCodeConsole(t *testing.T) {
	f := newFakeIdP(t)
	f.browserUser = "bob@contoso.com"
	var seen string
	consent := func(ctx context.Context, authURL string) (string, error) {
		seen = authURL
		client := f.srv.Client()
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := client.Get(authURL)
		if err != nil {
			return "", err
		}
		resp.Body.Close()
		return resp.Header.Get("Location"), nil
	}
	c, err := NewAuthCode(f.config(&MemoryStore{}), AuthCodeOptions{ConsentHandler: consent})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Authenticate(context.Background(), "basic"); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(seen)
	q := u.Query()
	if q.Get("redirect_uri") != f.srv.URL+"/common/oauth2/nativeclient" || q.Get("code_challenge_method") != "S256" ||
		q.Get("code_challenge") == "" || q.Get("state") == "" || q.Get("scope") != "https://graph.microsoft.com/User.Read openid offline_access profile" {
		t.Errorf("authorization URL query = %v", q)
	}
	form := f.lastRequest("authorization_code")
	if form.Get("code_verifier") == "" || form.Get("client_secret") != "" || form.Get("scope") != "https://graph.microsoft.com/User.Read openid offline_access profile" {
		t.Errorf("token request = %v", form)
	}
	if c.Username() != "bob@contoso.com" {
		t.Errorf("Username = %q", c.Username())
	}
	// Token asks for the configured scopes (message_all), which the cached token
	// lacks: MSAL redeems the refresh token for them.
	if _, err := c.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := f.lastRequest("refresh_token").Get("scope"); got != wantScope {
		t.Errorf("refresh scope = %q", got)
	}
}

func TestAuthCodeRejectsForeignState(t *testing.T) {
	f := newFakeIdP(t)
	f.browserUser = "bob@contoso.com"
	c, err := NewAuthCode(f.config(&MemoryStore{}), AuthCodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	flow, err := c.AuthCodeURL(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(flow.String(), flow.Verifier) {
		t.Error("AuthCodeFlow.String shows the verifier")
	}
	err = c.Exchange(context.Background(), flow, "https://login.example/common/oauth2/nativeclient?code=x&state=other")
	if err == nil || !strings.Contains(err.Error(), "state") {
		t.Fatalf("Exchange with foreign state: %v", err)
	}
	err = c.Exchange(context.Background(), flow, "https://x/?error=access_denied&error_description=user+said+no&state="+flow.State)
	var ae *Error
	if !errors.As(err, &ae) || ae.Code != "access_denied" {
		t.Fatalf("Exchange with error: %v", err)
	}
	if n := f.count("authorization_code"); n != 0 {
		t.Errorf("codes redeemed: %d", n)
	}
}

func TestAuthCodeConfidential(t *testing.T) {
	f := newFakeIdP(t)
	f.browserUser = "alice@contoso.com"
	c, err := NewAuthCode(f.config(&MemoryStore{}), AuthCodeOptions{ClientSecret: f.secret, RedirectURL: "https://app.example/cb"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	flow, err := c.AuthCodeURL(ctx, "message_all")
	if err != nil {
		t.Fatal(err)
	}
	client := f.srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Get(flow.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, "https://app.example/cb?") {
		t.Fatalf("redirect = %q", loc)
	}
	if err := c.Exchange(ctx, flow, loc); err != nil {
		t.Fatal(err)
	}
	if got := f.lastRequest("authorization_code").Get("client_secret"); got != f.secret {
		t.Errorf("web app did not authenticate with its secret")
	}
	f.expiresIn = 60 // MSAL treats tokens within 5 minutes of expiry as expired
	if _, err := c.RefreshToken(ctx); err != nil {
		t.Fatal(err)
	}
	if got := f.lastRequest("refresh_token").Get("client_secret"); got != f.secret {
		t.Errorf("confidential refresh without secret")
	}
}

func TestBrowserLoopback(t *testing.T) {
	f := newFakeIdP(t)
	f.browserUser = "alice@contoso.com"
	c, err := NewBrowser(f.config(&MemoryStore{}), BrowserOptions{OpenURL: testBrowser(f), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Authenticate(context.Background()); err != nil {
		t.Fatal(err)
	}
	form := f.lastRequest("authorization_code")
	if !strings.HasPrefix(form.Get("redirect_uri"), "http://localhost:") || form.Get("code_verifier") == "" {
		t.Errorf("token request = %v", form)
	}
	if c.Username() != "alice@contoso.com" {
		t.Errorf("Username = %q", c.Username())
	}
}

func TestBrowserTimeout(t *testing.T) {
	f := newFakeIdP(t)
	opened := 0
	c, err := NewBrowser(f.config(&MemoryStore{}), BrowserOptions{
		OpenURL: func(string) error { opened++; return nil },
		Timeout: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = c.Authenticate(context.Background())
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "browser") {
		t.Fatalf("err = %v", err)
	}
	if opened != 1 || time.Since(start) > 5*time.Second {
		t.Errorf("opened %d times, took %v", opened, time.Since(start))
	}
}

func TestLoopbackHandlerState(t *testing.T) {
	results := make(chan redirectResult, 1)
	h := loopbackHandler("good-state", results)
	for _, tc := range []struct {
		target string
		status int
	}{
		{"/?code=c&state=evil", 400},
		{"/?state=good-state", 400},
		{"/favicon.ico", 404},
		{"/?code=c1&state=good-state", 200},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", tc.target, nil))
		if rec.Code != tc.status {
			t.Errorf("%s: status %d, want %d", tc.target, rec.Code, tc.status)
		}
	}
	select {
	case r := <-results:
		if r.params.Get("code") != "c1" {
			t.Errorf("result = %v", r.params)
		}
	default:
		t.Fatal("no result delivered")
	}
}

func TestClientSecret(t *testing.T) {
	f := newFakeIdP(t)
	cfg := f.config(&MemoryStore{})
	cfg.Scopes = nil
	c, err := NewClientSecret(cfg, f.secret)
	if err != nil {
		t.Fatal(err)
	}
	if !c.AppOnly() {
		t.Error("AppOnly = false")
	}
	ctx := context.Background()
	tok, err := c.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	form := f.lastRequest("client_credentials")
	if form.Get("scope") != "https://graph.microsoft.com/.default openid offline_access profile" || form.Get("client_secret") != f.secret {
		t.Errorf("request = %v", form)
	}
	tok2, err := c.Token(ctx)
	if err != nil || tok2.AccessToken != tok.AccessToken {
		t.Errorf("second Token = %v, %v; want the cached %q", tok2.AccessToken, err, tok.AccessToken)
	}
	tok3, err := c.RefreshToken(ctx)
	if err != nil || tok3.AccessToken == tok.AccessToken {
		t.Errorf("RefreshToken = %v, %v; want a new token", tok3.AccessToken, err)
	}
	if n := f.count("client_credentials"); n != 2 {
		t.Errorf("client credential requests = %d, want 2", n)
	}
	if names, err := c.Usernames(ctx); err != nil || len(names) != 0 {
		t.Errorf("Usernames = %v, %v", names, err)
	}
	if err := c.SignOut(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Token(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.count("client_credentials"); n != 3 {
		t.Errorf("after SignOut, requests = %d, want 3", n)
	}

	// Wrong secret: a typed error without the secret.
	cfg.Store = &MemoryStore{}
	bad, err := NewClientSecret(cfg, "wrong-secret-value")
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.Token(ctx)
	var ae *Error
	if !errors.As(err, &ae) || ae.Code != "invalid_client" || strings.Contains(err.Error(), "wrong-secret-value") {
		t.Fatalf("err = %v", err)
	}
}

func TestAppOnlyNeedsTenant(t *testing.T) {
	for _, tenant := range []string{"", "common", "organizations", "consumers"} {
		if _, err := NewClientSecret(Config{ClientID: "x", Tenant: tenant}, "s"); err == nil {
			t.Errorf("tenant %q accepted for client credentials", tenant)
		}
	}
	if _, err := NewClientSecret(Config{ClientID: "x", Tenant: "contoso.com", Scopes: []string{"Mail.Read"}}, "s"); err == nil {
		t.Error("delegated scope accepted for client credentials")
	}
	c, err := NewClientSecret(Config{ClientID: "x", Tenant: "contoso.com", Protocol: o365.GraphChina()}, "s")
	if err != nil {
		t.Fatal(err)
	}
	if c.s.authority != "https://login.chinacloudapi.cn/contoso.com" {
		t.Errorf("authority = %q", c.s.authority)
	}
	if s, _ := c.s.appScopes(); !slices.Equal(s, []string{"https://microsoftgraph.chinacloudapi.cn/.default"}) {
		t.Errorf("scopes = %v", s)
	}
}

func testCertificate(t *testing.T) ([]byte, *x509.Certificate) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "o365 test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(key)
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	data = append(data, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})...)
	return data, cert
}

func TestClientCertificate(t *testing.T) {
	f := newFakeIdP(t)
	data, cert := testCertificate(t)
	f.cert = cert
	certs, key, err := ParseCertificate(data, "")
	if err != nil {
		t.Fatal(err)
	}
	cfg := f.config(&MemoryStore{})
	cfg.Scopes = nil
	c, err := NewClientCertificate(cfg, certs, key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	form := f.lastRequest("client_credentials")
	if form.Get("client_assertion") == "" || form.Get("client_secret") != "" {
		t.Errorf("request = %v", form)
	}

	if _, _, err := ParseCertificate(data[:len(data)/3], ""); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated PEM: %v", err)
	}
}

func TestClientAssertion(t *testing.T) {
	f := newFakeIdP(t)
	cfg := f.config(&MemoryStore{})
	cfg.Scopes = nil
	calls := 0
	c, err := NewClientAssertion(cfg, func(context.Context) (string, error) { calls++; return "signed-assertion-abc", nil })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if calls != 1 || f.lastRequest("client_credentials").Get("client_assertion") != "signed-assertion-abc" {
		t.Errorf("calls = %d, form = %v", calls, f.lastRequest("client_credentials"))
	}
}

func TestUsernamePassword(t *testing.T) {
	f := newFakeIdP(t)
	store := &MemoryStore{}
	c, err := NewUsernamePassword(f.config(store), "alice@contoso.com", "alice-pw-9d8f")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// Token signs in by itself: the flow needs no user.
	if _, err := c.Token(ctx); err != nil {
		t.Fatal(err)
	}
	form := f.lastRequest("password")
	if form.Get("username") != "alice@contoso.com" || form.Get("scope") != wantScope {
		t.Errorf("request = %v", form)
	}
	if _, err := c.Token(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.count("password"); n != 1 {
		t.Errorf("password grants = %d, want 1 (then the cache)", n)
	}
	// Revoke every refresh token: the next refresh signs in with the password again.
	f.mu.Lock()
	f.rts = map[string]string{}
	f.mu.Unlock()
	if _, err := c.RefreshToken(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.count("password"); n != 2 {
		t.Errorf("password grants = %d, want 2", n)
	}

	bad, _ := NewUsernamePassword(f.config(&MemoryStore{}), "alice@contoso.com", "wrong-pw-xyz")
	err = bad.Authenticate(ctx)
	if !errors.Is(err, ErrSignInRequired) || strings.Contains(err.Error(), "wrong-pw-xyz") {
		t.Errorf("wrong password: %v", err)
	}
}

func TestOnBehalfOf(t *testing.T) {
	f := newFakeIdP(t)
	c, err := NewOnBehalfOf(f.config(nil), f.secret, f.oboAssertion)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	t1, err := c.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	form := f.lastRequest("urn:ietf:params:oauth:grant-type:jwt-bearer")
	if form.Get("assertion") != f.oboAssertion || form.Get("requested_token_use") != "on_behalf_of" || form.Get("scope") != wantScope {
		t.Errorf("request = %v", form)
	}
	t2, _ := c.Token(ctx)
	if t2.AccessToken != t1.AccessToken {
		t.Error("second Token was not cached")
	}
	t3, err := c.RefreshToken(ctx)
	if err != nil || t3.AccessToken == t1.AccessToken {
		t.Errorf("RefreshToken = %v, %v", t3.AccessToken, err)
	}
	if c.Username() != "alice@contoso.com" {
		t.Errorf("Username = %q", c.Username())
	}
	if _, err := NewOnBehalfOf(Config{ClientID: "x", Tenant: "common"}, "s", "a"); err == nil {
		t.Error("common tenant accepted for on-behalf-of")
	}
}

func TestRefreshRotatesRefreshToken(t *testing.T) {
	f := newFakeIdP(t)
	store := &MemoryStore{}
	c := f.signIn(t, store, "alice@contoso.com")
	ctx := context.Background()
	first, _ := c.Token(ctx)
	rt1 := onlyRT(t, store)
	t2, err := c.RefreshToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if t2.AccessToken == first.AccessToken {
		t.Error("RefreshToken returned the old token")
	}
	if got := f.lastRequest("refresh_token").Get("refresh_token"); got != rt1 {
		t.Errorf("refresh sent %q, want the stored %q", got, rt1)
	}
	rt2 := onlyRT(t, store)
	if rt2 == rt1 {
		t.Fatal("rotated refresh token was not stored")
	}
	// The old one is revoked at the IdP; the stored one still works.
	if _, err := c.RefreshToken(ctx); err != nil {
		t.Fatal(err)
	}
	if t3, _ := c.Token(ctx); t3.AccessToken == t2.AccessToken {
		t.Error("Token after refresh returned the previous token")
	}
}

// onlyRT returns the single refresh token secret in store.
func onlyRT(t *testing.T, s Store) string {
	t.Helper()
	data, _ := s.Load(context.Background())
	doc, err := parseCache(data)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range doc.sections[secRefreshToken] {
		out = append(out, field(v, "secret"))
	}
	if len(out) != 1 {
		t.Fatalf("refresh tokens in store: %d", len(out))
	}
	return out[0]
}

func TestRefreshAheadOfExpiry(t *testing.T) {
	f := newFakeIdP(t)
	f.expiresIn = 600 // valid for MSAL (more than 5 minutes left)
	store := &MemoryStore{}
	f.signIn(t, store, "alice@contoso.com")
	ctx := context.Background()

	cfg := f.config(store)
	cfg.RefreshMargin = time.Minute
	relaxed, _ := NewDeviceCode(cfg, nil)
	t1, err := relaxed.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := f.count("refresh_token"); n != 0 {
		t.Fatalf("refreshed %d times with 10 minutes left and a 1 minute margin", n)
	}

	cfg.RefreshMargin = 15 * time.Minute
	eager, _ := NewDeviceCode(cfg, nil)
	t2, err := eager.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := f.count("refresh_token"); n != 1 || t2.AccessToken == t1.AccessToken {
		t.Fatalf("refreshes = %d, token changed = %v; want one refresh ahead of expiry", n, t2.AccessToken != t1.AccessToken)
	}
	if time.Until(t2.ExpiresOn) < 9*time.Minute {
		t.Errorf("new token expires in %v", time.Until(t2.ExpiresOn))
	}

	// A cached token 2 minutes from expiry, which MSAL itself considers
	// expired, is refreshed even with a tiny margin.
	setATExpiry(t, store, time.Now().Add(2*time.Minute))
	cfg.RefreshMargin = time.Second
	strict, _ := NewDeviceCode(cfg, nil)
	before := f.count("refresh_token")
	t3, err := strict.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if f.count("refresh_token") != before+1 || time.Until(t3.ExpiresOn) < 9*time.Minute {
		t.Error("a token 2 minutes from expiry was not refreshed")
	}
}

// setATExpiry rewrites the expiry of every access token in store.
func setATExpiry(t *testing.T, s Store, when time.Time) {
	t.Helper()
	ctx := context.Background()
	data, _ := s.Load(ctx)
	doc, err := parseCache(data)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range doc.sections[secAccessToken] {
		var m map[string]any
		if err := json.Unmarshal(v, &m); err != nil {
			t.Fatal(err)
		}
		m["expires_on"] = strconv.FormatInt(when.Unix(), 10)
		doc.sections[secAccessToken][k], _ = json.Marshal(m)
	}
	out, _ := doc.encode()
	if err := s.Save(ctx, out); err != nil {
		t.Fatal(err)
	}
}

func TestReplayAfter401(t *testing.T) {
	f := newFakeIdP(t)
	store := &MemoryStore{}
	c := f.signIn(t, store, "alice@contoso.com")
	ctx := context.Background()
	stale, _ := c.Token(ctx)

	var mu sync.Mutex
	var seen []string
	graph := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		mu.Lock()
		seen = append(seen, tok)
		mu.Unlock()
		if tok == stale.AccessToken || r.URL.Query().Get("always401") != "" {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			writeJSON(w, 401, map[string]any{"error": map[string]string{"code": "InvalidAuthenticationToken", "message": "expired"}})
			return
		}
		writeJSON(w, 200, map[string]string{"displayName": "Alice"})
	}))
	defer graph.Close()
	p := o365.Graph()
	p.BaseURL = graph.URL + "/"
	acct, err := o365.New(o365.WithProtocol(p), o365.WithTokenSource(c), o365.WithHTTPClient(graph.Client()))
	if err != nil {
		t.Fatal(err)
	}
	var me struct{ DisplayName string }
	if _, err := acct.Do(ctx, acct.NewRequest("GET", "", nil), &me); err != nil {
		t.Fatal(err)
	}
	if me.DisplayName != "Alice" || len(seen) != 2 || seen[0] != stale.AccessToken || seen[1] == stale.AccessToken {
		t.Fatalf("got %q after %d requests", me.DisplayName, len(seen))
	}
	if n := f.count("refresh_token"); n != 1 {
		t.Errorf("refreshes = %d, want 1", n)
	}

	// A server that always answers 401: one refresh, one replay, then the error.
	seen = nil
	req := acct.NewRequest("GET", "", nil)
	req.Query = o365.NewQuery().Param("always401", "1")
	_, err = acct.Do(ctx, req, nil)
	if err == nil || len(seen) != 2 || f.count("refresh_token") != 2 {
		t.Fatalf("err = %v, requests = %d, refreshes = %d; want an error after 2 requests and 1 more refresh", err, len(seen), f.count("refresh_token"))
	}
	if !acct.IsAuthenticated(ctx) || acct.Username() != "alice@contoso.com" {
		t.Error("Account does not delegate to the credential")
	}
}

func TestSeveralUsers(t *testing.T) {
	f := newFakeIdP(t)
	store := &MemoryStore{}
	f.signIn(t, store, "alice@contoso.com")
	f.signIn(t, store, "bob@contoso.com")
	ctx := context.Background()

	c, _ := NewDeviceCode(f.config(store), nil)
	names, err := c.Usernames(ctx)
	if err != nil || !slices.Equal(names, []string{"alice@contoso.com", "bob@contoso.com"}) {
		t.Fatalf("Usernames = %v, %v", names, err)
	}
	if _, err := c.Token(ctx); !errors.Is(err, ErrMultipleAccounts) || !strings.Contains(err.Error(), "bob@contoso.com") {
		t.Fatalf("Token with two users and none chosen: %v", err)
	}
	c.SetUsername("BOB@contoso.com")
	tb, err := c.Token(ctx)
	if err != nil || !strings.Contains(tb.AccessToken, "oid-2") {
		t.Fatalf("bob's token = %q, %v", tb.AccessToken, err)
	}
	cfg := f.config(store)
	cfg.Username = "alice@contoso.com"
	ca, _ := NewDeviceCode(cfg, nil)
	ta, err := ca.Token(ctx)
	if err != nil || !strings.Contains(ta.AccessToken, "oid-1") {
		t.Fatalf("alice's token = %q, %v", ta.AccessToken, err)
	}

	if err := c.SignOut(ctx, "alice@contoso.com"); err != nil {
		t.Fatal(err)
	}
	names, _ = c.Usernames(ctx)
	if !slices.Equal(names, []string{"bob@contoso.com"}) {
		t.Fatalf("after SignOut(alice): %v", names)
	}
	if _, err := ca.Token(ctx); !errors.Is(err, ErrSignInRequired) || !errors.Is(err, ErrAccountNotFound) {
		t.Errorf("alice after sign-out: %v", err)
	}
	if err := c.SignOut(ctx, "carol@contoso.com"); !errors.Is(err, ErrAccountNotFound) {
		t.Errorf("SignOut(unknown) = %v", err)
	}
	if err := c.SignOut(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if names, _ := c.Usernames(ctx); len(names) != 0 {
		t.Errorf("after signing everyone out: %v", names)
	}
	if c.IsAuthenticated(ctx) {
		t.Error("IsAuthenticated after SignOut")
	}
}

func TestConsoleConsent(t *testing.T) {
	var out strings.Builder
	h := ConsoleConsent(strings.NewReader("  https://x/cb?code=1&state=2 \n"), &out)
	got, err := h(context.Background(), "https://login/authorize?x")
	if err != nil || got != "https://x/cb?code=1&state=2" || !strings.Contains(out.String(), "https://login/authorize?x") {
		t.Fatalf("got %q, %v; printed %q", got, err, out.String())
	}
	if _, err := ConsoleConsent(strings.NewReader(""), &out)(context.Background(), "u"); err == nil {
		t.Error("empty input accepted")
	}
}

func TestConfigResolve(t *testing.T) {
	s, err := Config{ClientID: "id"}.resolve(false)
	if err != nil || s.authority != "https://login.microsoftonline.com/common" || !s.discovery || s.margin != DefaultRefreshMargin {
		t.Errorf("default: %+v, %v", s, err)
	}
	s, _ = Config{ClientID: "id", Tenant: "contoso.com", Protocol: o365.GraphUSGovL4(), Scopes: []string{"basic", "offline_access", "openid", "Mail.Read"}}.resolve(false)
	if s.authority != "https://login.microsoftonline.us/contoso.com" ||
		!slices.Equal(s.scopes, []string{"https://graph.microsoft.us/User.Read", "https://graph.microsoft.us/Mail.Read"}) {
		t.Errorf("US Gov: %s %v", s.authority, s.scopes)
	}
	on := true
	s, _ = Config{ClientID: "id", Authority: "https://127.0.0.1:8443/contoso/"}.resolve(false)
	s2, _ := Config{ClientID: "id", Authority: "https://127.0.0.1:8443/contoso", InstanceDiscovery: &on}.resolve(false)
	if s.authority != "https://127.0.0.1:8443/contoso" || s.discovery || !s2.discovery {
		t.Errorf("override: %s %v %v", s.authority, s.discovery, s2.discovery)
	}
	for _, bad := range []Config{{}, {ClientID: "id", Authority: "http://127.0.0.1/contoso"}, {ClientID: "id", Authority: "https://host"}} {
		if _, err := bad.resolve(false); err == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
	c, _ := NewClientSecret(Config{ClientID: "id", Tenant: "t.com"}, "s")
	if _, err := c.AuthCodeURL(context.Background()); !errors.Is(err, ErrUnsupported) {
		t.Errorf("AuthCodeURL on client credentials: %v", err)
	}
	b, _ := NewBrowser(Config{ClientID: "id"}, BrowserOptions{})
	if _, err := b.AuthCodeURL(context.Background()); !errors.Is(err, ErrUnsupported) {
		t.Errorf("AuthCodeURL on the browser flow: %v", err)
	}
}

func TestZeroCredential(t *testing.T) {
	var c Credential
	ctx := context.Background()
	if _, err := c.Token(ctx); err == nil {
		t.Error("Token on a zero Credential")
	}
	if _, err := c.RefreshToken(ctx); err == nil {
		t.Error("RefreshToken on a zero Credential")
	}
	if err := c.Authenticate(ctx); err == nil {
		t.Error("Authenticate on a zero Credential")
	}
	if _, err := c.Usernames(ctx); err == nil {
		t.Error("Usernames on a zero Credential")
	}
	if err := c.SignOut(ctx, ""); err == nil {
		t.Error("SignOut on a zero Credential")
	}
	if c.IsAuthenticated(ctx) || c.Username() != "" {
		t.Error("a zero Credential claims a user")
	}
	if _, err := c.AuthCodeURL(ctx); err == nil {
		t.Error("AuthCodeURL on a zero Credential")
	}
}

// countingStore counts Loads.
type countingStore struct {
	MemoryStore
	mu    sync.Mutex
	loads int
}

func (s *countingStore) Load(ctx context.Context) ([]byte, error) {
	s.mu.Lock()
	s.loads++
	s.mu.Unlock()
	return s.MemoryStore.Load(ctx)
}

func (s *countingStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loads
}

// Token runs before every request: a fresh token over an unchanged store
// costs one Load and no call to MSAL.
func TestTokenReusedWhileStoreUnchanged(t *testing.T) {
	f := newFakeIdP(t)
	store := &countingStore{}
	f.signIn(t, store, "alice@contoso.com")
	ctx := context.Background()
	c, _ := NewDeviceCode(f.config(store), nil)
	first, err := c.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	before := store.count()
	second, err := c.Token(ctx)
	if err != nil || second.AccessToken != first.AccessToken {
		t.Fatalf("second Token = %v, %v", second, err)
	}
	if n := store.count() - before; n != 1 {
		t.Errorf("second Token loaded the store %d times, want 1", n)
	}
	// A forced refresh is not undone by the reuse.
	refreshed, err := c.RefreshToken(ctx)
	if err != nil || refreshed.AccessToken == first.AccessToken {
		t.Fatalf("RefreshToken = %v, %v", refreshed, err)
	}
	if third, err := c.Token(ctx); err != nil || third.AccessToken != refreshed.AccessToken {
		t.Errorf("Token after RefreshToken = %v, %v; want the refreshed token", third, err)
	}
}
