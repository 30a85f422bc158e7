package o365test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/sandbox"
)

// GraphProtocol returns Microsoft Graph v1.0 pointed at srv.
func GraphProtocol(srv *sandbox.Server) *o365.Protocol {
	p := o365.Graph()
	p.Name = "sandbox"
	p.BaseURL = srv.URL() + "/"
	p.AuthorityHost = srv.URL()
	return p
}

// OutlookProtocol returns the Office 365 (Outlook REST v2.0, PascalCase)
// protocol pointed at srv's /api/v2.0 dialect.
func OutlookProtocol(srv *sandbox.Server) *o365.Protocol {
	p := o365.Office365()
	p.Name = "sandbox-office365"
	p.BaseURL = srv.URL() + "/api/"
	p.AuthorityHost = srv.URL()
	return p
}

// NewAccount returns an Account signed in to srv as login (a demo user such as
// sandbox.DemoUser) through the demo public client, with every delegated scope
// that app was granted, speaking Graph v1.0 unless opts say otherwise. Tokens
// come from the sandbox's token endpoint, for the resource of the Account's
// protocol (its ScopePrefix: the sandbox, like the real services, refuses a
// Graph token on Outlook REST's /api/v2.0 and the reverse), and are renewed
// before they expire.
func NewAccount(t testing.TB, srv *sandbox.Server, login string, opts ...o365.Option) *o365.Account {
	t.Helper()
	return newAccount(t, srv, &tokenSource{srv: srv, form: userForm(sandbox.DemoPublicClientID, login, "")}, nil, opts)
}

// NewAccountFor is NewAccount through another registered client, such as
// sandbox.DemoLimitedClientID (no .Shared scopes), asking for scopes (raw
// permission names, qualified with the protocol's ScopePrefix; empty means
// all the app was granted).
func NewAccountFor(t testing.TB, srv *sandbox.Server, clientID, login string, scopes []string, opts ...o365.Option) *o365.Account {
	t.Helper()
	return newAccount(t, srv, &tokenSource{srv: srv, form: userForm(clientID, login, "")}, scopes, opts)
}

// NewAppAccount returns an app-only Account of the demo daemon app
// (client credentials). It has no "me": give it a resource such as
// o365.WithResource("user:" + sandbox.DemoUser).
func NewAppAccount(t testing.TB, srv *sandbox.Server, opts ...o365.Option) *o365.Account {
	t.Helper()
	return newAccount(t, srv, &tokenSource{srv: srv, appOnly: true, form: appForm()}, nil, opts)
}

// newAccount builds the Account, then signs in for its protocol's resource:
// scopes qualified with the protocol's ScopePrefix, or its .default.
func newAccount(t testing.TB, srv *sandbox.Server, ts *tokenSource, scopes []string, opts []o365.Option) *o365.Account {
	t.Helper()
	all := append([]o365.Option{
		o365.WithProtocol(GraphProtocol(srv)),
		o365.WithTokenSource(ts),
		o365.WithHTTPClient(srv.Client()),
		o365.WithRetry(FastRetry()),
	}, opts...)
	acct, err := o365.New(all...)
	if err != nil {
		t.Fatalf("o365test: %v", err)
	}
	prefix := acct.Protocol().ScopePrefix
	if prefix == "" {
		prefix = graphScopePrefix
	}
	scope := prefix + ".default"
	if len(scopes) > 0 {
		scope = prefix + strings.Join(scopes, " "+prefix)
	}
	ts.form.Set("scope", scope)
	if _, err := ts.Token(context.Background()); err != nil {
		t.Fatalf("o365test: signing in: %v", err)
	}
	return acct
}

// FastRetry is a retry policy for tests: the same rules as the default, with
// millisecond backoffs (a service's Retry-After is still honoured).
func FastRetry() o365.RetryPolicy {
	return o365.RetryPolicy{MaxAttempts: 8, MaxTotalWait: time.Minute, BaseDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond}
}

// tokenSource gets tokens from the sandbox's token endpoint and keeps one until
// a minute before it expires.
type tokenSource struct {
	srv     *sandbox.Server
	form    url.Values
	appOnly bool

	mu  sync.Mutex
	tok o365.Token
}

func (s *tokenSource) Token(ctx context.Context) (o365.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok.AccessToken != "" && time.Until(s.tok.ExpiresOn) > time.Minute {
		return s.tok, nil
	}
	return s.fetch(ctx)
}

// RefreshToken implements o365.TokenRefresher.
func (s *tokenSource) RefreshToken(ctx context.Context) (o365.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fetch(ctx)
}

// AppOnly implements o365.AppOnlySource.
func (s *tokenSource) AppOnly() bool { return s.appOnly }

func (s *tokenSource) fetch(ctx context.Context) (o365.Token, error) {
	tok, err := requestToken(ctx, s.srv, s.form)
	if err != nil {
		return o365.Token{}, err
	}
	s.tok = tok
	return tok, nil
}

// DemoAccount starts a seeded in-process sandbox and returns an Account
// signed in to it as login (a demo user such as sandbox.DemoUser), with
// opts applied, and a function that stops the sandbox. It is for examples
// and programs, which have no testing.TB: tests use NewSandbox and
// NewAccount.
func DemoAccount(login string, opts ...o365.Option) (*o365.Account, func(), error) {
	srv, err := sandbox.New(sandbox.Options{Seed: "demo", DBPath: ":memory:"})
	if err != nil {
		return nil, nil, fmt.Errorf("o365test: start sandbox: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stop := func() { cancel(); _ = srv.Close() }
	if err := srv.Start(ctx); err != nil {
		stop()
		return nil, nil, fmt.Errorf("o365test: start sandbox: %w", err)
	}
	ts := &tokenSource{srv: srv, form: userForm(sandbox.DemoPublicClientID, login, graphDefaultScope)}
	if _, err := ts.Token(ctx); err != nil {
		stop()
		return nil, nil, fmt.Errorf("o365test: signing in: %w", err)
	}
	all := append([]o365.Option{o365.WithProtocol(GraphProtocol(srv)), o365.WithTokenSource(ts), o365.WithHTTPClient(srv.Client())}, opts...)
	acct, err := o365.New(all...)
	if err != nil {
		stop()
		return nil, nil, fmt.Errorf("o365test: %w", err)
	}
	return acct, stop, nil
}
