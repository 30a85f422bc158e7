package o365test

import (
	"context"
	"fmt"

	"github.com/o365go/o365"
	"github.com/o365go/o365/sandbox"
)

// Demo starts a sandbox seeded with the demo tenant and returns an account
// signed in to it as login (a demo user such as sandbox.DemoUser; "" for
// the demo daemon app, app-only), and a function that stops the sandbox.
// It is for Example functions, which have no *testing.T; tests use
// NewSandbox and NewAccount. Real programs build their account with an
// auth credential against Microsoft Graph instead.
func Demo(login string, opts ...o365.Option) (*o365.Account, func(), error) {
	srv, err := sandbox.New(sandbox.Options{Seed: "demo", DBPath: ":memory:"})
	if err != nil {
		return nil, nil, fmt.Errorf("o365test: start sandbox: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stop := func() { cancel(); srv.Close() }
	if err := srv.Start(ctx); err != nil {
		stop()
		return nil, nil, fmt.Errorf("o365test: start sandbox: %w", err)
	}
	ts := &tokenSource{srv: srv, form: userForm(sandbox.DemoPublicClientID, login, graphDefaultScope)}
	if login == "" {
		ts = &tokenSource{srv: srv, appOnly: true, form: appForm()}
	}
	if _, err := ts.Token(ctx); err != nil {
		stop()
		return nil, nil, fmt.Errorf("o365test: signing in: %w", err)
	}
	acct, err := o365.New(append([]o365.Option{o365.WithProtocol(GraphProtocol(srv)), o365.WithTokenSource(ts),
		o365.WithHTTPClient(srv.Client()), o365.WithRetry(FastRetry())}, opts...)...)
	if err != nil {
		stop()
		return nil, nil, err
	}
	return acct, stop, nil
}
