package identity

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"log/slog"
	"math/big"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testTenantID = "5d1f7f3a-2b8e-4c3b-9d7e-1a2b3c4d5e6f"
	testDomain   = "contoso.onmicrosoft.com"
	publicID     = "11111111-1111-1111-1111-111111111111"
	webID        = "22222222-2222-2222-2222-222222222222"
	apiID        = "33333333-3333-3333-3333-333333333333"
	webSecret    = "web-secret-value~123"
	apiSecret    = "api-secret-value~456"
	aliceID      = "aaaaaaaa-0000-0000-0000-000000000001"
	bobID        = "bbbbbbbb-0000-0000-0000-000000000002"
	alicePass    = "alice-password!"
	bobPass      = "bob-password!"
	redirectURI  = "http://localhost:8400/callback"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// memKV is an in-memory KV honouring expiry on the test clock.
type memKV struct {
	mu    sync.Mutex
	now   func() time.Time
	items map[string]kvItem
}

type kvItem struct {
	val     []byte
	expires time.Time
}

func newMemKV(now func() time.Time) *memKV { return &memKV{now: now, items: map[string]kvItem{}} }

func (m *memKV) Get(_ context.Context, key string) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.items[key]
	if !ok || (!it.expires.IsZero() && !m.now().Before(it.expires)) {
		return nil, false, nil
	}
	return append([]byte(nil), it.val...), true, nil
}

func (m *memKV) Put(_ context.Context, key string, val []byte, expires time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items[key] = kvItem{val: append([]byte(nil), val...), expires: expires}
	return nil
}

func (m *memKV) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.items, key)
	return nil
}

// keys lists the stored keys with prefix.
func (m *memKV) keys(prefix string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for k := range m.items {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	return out
}

// dump is every stored value, to check what never reaches storage.
func (m *memKV) dump() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder
	for k, v := range m.items {
		fmt.Fprintf(&b, "%s=%s\n", k, v.val)
	}
	return b.String()
}

// memDir is an in-memory Directory.
type memDir struct {
	users []User
	apps  []App
}

func (d *memDir) UserByLogin(_ context.Context, login string) (User, error) {
	for _, u := range d.users {
		if strings.EqualFold(u.ID, login) || strings.EqualFold(u.UserPrincipalName, login) || strings.EqualFold(u.Mail, login) {
			return u, nil
		}
	}
	return User{}, fmt.Errorf("user %q: %w", login, ErrNotFound)
}

func (d *memDir) App(_ context.Context, clientID string) (App, error) {
	for _, a := range d.apps {
		if strings.EqualFold(a.ClientID, clientID) {
			return a, nil
		}
	}
	return App{}, fmt.Errorf("app %q: %w", clientID, ErrNotFound)
}

// Keys are made once per test binary: RSA generation is slow on small machines.
var (
	keysOnce       sync.Once
	signingKeyPEM  []byte
	clientKey      *rsa.PrivateKey
	clientCert     *x509.Certificate
	clientCertPEM  []byte
	otherCertPEM   []byte
	otherClientKey *rsa.PrivateKey
)

func testKeys(t testing.TB) {
	t.Helper()
	keysOnce.Do(func() {
		sk, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(sk)
		if err != nil {
			panic(err)
		}
		signingKeyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
		clientKey, clientCert, clientCertPEM = selfSigned("web client")
		otherClientKey, _, otherCertPEM = selfSigned("someone else")
	})
}

func selfSigned(cn string) (*rsa.PrivateKey, *x509.Certificate, []byte) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		panic(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	return k, c, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// fixture is a provider over a small tenant.
type fixture struct {
	p     *Provider
	kv    *memKV
	dir   *memDir
	clock *clock
	logs  *lockedBuf
}

type fixtureOption func(*Config)

func newFixture(t testing.TB, opts ...fixtureOption) *fixture {
	t.Helper()
	testKeys(t)
	clk := newClock()
	kv := newMemKV(clk.Now)
	if err := kv.Put(context.Background(), signingKeyKV, signingKeyPEM, time.Time{}); err != nil {
		t.Fatal(err)
	}
	dir := &memDir{
		users: []User{
			{ID: aliceID, UserPrincipalName: "alice@" + testDomain, DisplayName: "Alice Adams", Mail: "alice@contoso.com", Password: alicePass},
			{ID: bobID, UserPrincipalName: "bob@" + testDomain, DisplayName: "Bob Brown", Mail: "bob@contoso.com", Password: bobPass},
		},
		apps: []App{
			{ClientID: publicID, DisplayName: "Public CLI", PublicClient: true, RedirectURIs: []string{"http://localhost"},
				DelegatedScopes: []string{"User.Read", "Mail.Read", "Mail.Send", "api://" + apiID + "/access_as_user"}},
			{ClientID: webID, DisplayName: "Web App", Secrets: []string{"old-secret", webSecret}, CertificatesPEM: [][]byte{clientCertPEM},
				RedirectURIs: []string{"https://app.example/callback"}, DelegatedScopes: []string{"User.Read", "Mail.Read"},
				AppRoles: []string{"Mail.Read", "User.Read.All"}},
			{ClientID: apiID, DisplayName: "Middle Tier API", Secrets: []string{apiSecret}, DelegatedScopes: []string{"Mail.Read", "User.Read"}},
		},
	}
	logs := &lockedBuf{}
	cfg := Config{
		TenantID:           testTenantID,
		TenantDomain:       testDomain,
		Directory:          dir,
		KV:                 kv,
		Now:                clk.Now,
		DeviceCodeInterval: time.Second,
		Logger:             slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, o := range opts {
		o(&cfg)
	}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{p: p, kv: kv, dir: dir, clock: clk, logs: logs}
}

func (f *fixture) server(t testing.TB) *httptest.Server {
	srv := httptest.NewTLSServer(f.p.Handler())
	t.Cleanup(srv.Close)
	return srv
}

// lockedBuf collects log output from concurrent handlers.
type lockedBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
