// Package o365test provides helpers for tests that need a Microsoft 365
// tenant: an in-process sandbox (a local, stateful Microsoft Graph with its
// own identity platform) seeded with the demo tenant.
package o365test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/sandbox"
)

// Option adjusts the sandbox NewSandbox starts.
type Option func(*sandbox.Options)

// WithFaults injects faults, e.g. "429=10%,reset=1%,seed=7".
func WithFaults(spec string) Option { return func(o *sandbox.Options) { o.Faults = spec } }

// WithTLS serves https with a self-signed certificate; use
// (*sandbox.Server).Client or CertPool to trust it.
func WithTLS() Option { return func(o *sandbox.Options) { o.TLS = true } }

// WithSeedSize scales the demo data.
func WithSeedSize(size sandbox.SeedSize) Option {
	return func(o *sandbox.Options) { o.SeedSize = size }
}

// WithoutSeed starts an empty tenant (no users, no apps).
func WithoutSeed() Option { return func(o *sandbox.Options) { o.Seed = "" } }

// NewSandbox starts an in-memory sandbox seeded with the demo tenant on a
// random loopback port and closes it when the test ends. Its URLs are
// (*sandbox.Server).GraphURL, OutlookURL and AuthorityURL; the demo users and
// apps are the sandbox.Demo* constants.
func NewSandbox(t testing.TB, opts ...Option) *sandbox.Server {
	t.Helper()
	o := sandbox.Options{Seed: "demo", DBPath: ":memory:"}
	for _, opt := range opts {
		opt(&o)
	}
	srv, err := sandbox.New(o)
	if err != nil {
		t.Fatalf("o365test: start sandbox: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := srv.Start(ctx); err != nil {
		cancel()
		srv.Close()
		t.Fatalf("o365test: start sandbox: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := srv.Close(); err != nil {
			t.Errorf("o365test: close sandbox: %v", err)
		}
	})
	return srv
}

// UserToken signs login (a demo user, password sandbox.DemoPassword) in
// through the demo public client and returns a delegated Graph access token
// with every scope that app was granted. It is for tests that talk HTTP to
// the sandbox directly; library tests use an Account instead.
func UserToken(t testing.TB, srv *sandbox.Server, login string) string {
	t.Helper()
	return token(t, srv, userForm(sandbox.DemoPublicClientID, login, graphDefaultScope))
}

// AppToken returns an app-only Graph access token of the demo daemon app
// (sandbox.DemoDaemonClientID).
func AppToken(t testing.TB, srv *sandbox.Server) string {
	t.Helper()
	return token(t, srv, appForm())
}

const (
	graphScopePrefix  = "https://graph.microsoft.com/"
	graphDefaultScope = graphScopePrefix + ".default"
)

// userForm is a password grant for a demo user through clientID; scope ""
// is set later.
func userForm(clientID, login, scope string) url.Values {
	return url.Values{
		"grant_type": {"password"}, "client_id": {clientID},
		"username": {login}, "password": {sandbox.DemoPassword}, "scope": {scope},
	}
}

// appForm is the demo daemon app's client-credentials grant.
func appForm() url.Values {
	return url.Values{
		"grant_type": {"client_credentials"}, "client_id": {sandbox.DemoDaemonClientID},
		"client_secret": {sandbox.DemoDaemonSecret}, "scope": {graphDefaultScope},
	}
}

func token(t testing.TB, srv *sandbox.Server, form url.Values) string {
	t.Helper()
	tok, err := requestToken(context.Background(), srv, form)
	if err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}

// requestToken POSTs form to srv's token endpoint.
func requestToken(ctx context.Context, srv *sandbox.Server, form url.Values) (o365.Token, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.AuthorityURL("")+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	if err != nil {
		return o365.Token{}, fmt.Errorf("o365test: token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := srv.Client().Do(req)
	if err != nil {
		return o365.Token{}, fmt.Errorf("o365test: token request: %w", err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.AccessToken == "" {
		return o365.Token{}, fmt.Errorf("o365test: token: HTTP %d %s: %s (%v)", resp.StatusCode, body.Error, body.Description, err)
	}
	return o365.Token{AccessToken: body.AccessToken, ExpiresOn: time.Now().Add(time.Duration(body.ExpiresIn) * time.Second)}, nil
}
