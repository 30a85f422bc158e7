// Package o365test provides helpers for tests that need a Microsoft 365
// tenant: an in-process sandbox (a local, stateful Microsoft Graph with its
// own identity platform) seeded with the demo tenant.
package o365test

import (
	"context"
	"encoding/json"
	"net/url"
	"testing"

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
	return token(t, srv, url.Values{
		"grant_type": {"password"}, "client_id": {sandbox.DemoPublicClientID},
		"username": {login}, "password": {sandbox.DemoPassword},
		"scope": {"https://graph.microsoft.com/.default"},
	})
}

// AppToken returns an app-only Graph access token of the demo daemon app
// (sandbox.DemoDaemonClientID).
func AppToken(t testing.TB, srv *sandbox.Server) string {
	t.Helper()
	return token(t, srv, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {sandbox.DemoDaemonClientID},
		"client_secret": {sandbox.DemoDaemonSecret}, "scope": {"https://graph.microsoft.com/.default"},
	})
}

func token(t testing.TB, srv *sandbox.Server, form url.Values) string {
	t.Helper()
	resp, err := srv.Client().PostForm(srv.AuthorityURL("")+"/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatalf("o365test: token request: %v", err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.AccessToken == "" {
		t.Fatalf("o365test: token: HTTP %d %s: %s (%v)", resp.StatusCode, body.Error, body.Description, err)
	}
	return body.AccessToken
}
