package o365

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Token is a bearer access token and the time it stops being valid. Its String and
// LogValue never show the token itself.
type Token struct {
	AccessToken string
	ExpiresOn   time.Time
}

// String hides the token so that printing one cannot leak it.
func (t Token) String() string { return "o365.Token{redacted}" }

// GoString hides the token from %#v as well.
func (t Token) GoString() string { return "o365.Token{redacted}" }

// LogValue keeps the token out of slog output.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(slog.Time("expires_on", t.ExpiresOn))
}

// TokenSource hands out access tokens. The auth package provides sources backed
// by MSAL; anything with this method plugs in, including adapters for
// golang.org/x/oauth2 and azidentity.
type TokenSource interface {
	Token(ctx context.Context) (Token, error)
}

// TokenSourceFunc adapts a function to TokenSource.
type TokenSourceFunc func(ctx context.Context) (Token, error)

// Token calls f.
func (f TokenSourceFunc) Token(ctx context.Context) (Token, error) { return f(ctx) }

// StaticToken returns a TokenSource that always hands out the same token, for
// tests, scripts and tokens obtained elsewhere.
func StaticToken(accessToken string) TokenSource {
	return TokenSourceFunc(func(context.Context) (Token, error) {
		return Token{AccessToken: accessToken}, nil
	})
}

// TokenRefresher is implemented by token sources that can force a new token. After
// a 401 with an expired or invalid token, the request path calls RefreshToken once
// and replays the request once.
type TokenRefresher interface {
	RefreshToken(ctx context.Context) (Token, error)
}

// AppOnlySource is implemented by token sources whose tokens carry application
// permissions (client credentials). With them, the resource "me" has no meaning.
type AppOnlySource interface {
	AppOnly() bool
}

// Authenticator is implemented by token sources that sign users in (the auth
// package's credentials). Account's sign-in methods delegate to it.
type Authenticator interface {
	TokenSource
	// Authenticate signs in interactively or by the credential's flow, asking for
	// scopes (helper names or raw, expanded by the protocol).
	Authenticate(ctx context.Context, scopes ...string) error
	// IsAuthenticated reports whether a token can be had without user interaction.
	IsAuthenticated(ctx context.Context) bool
	// Username returns the signed-in user whose tokens are used, or "".
	Username() string
	// Usernames lists the users whose tokens the store holds.
	Usernames(ctx context.Context) ([]string, error)
	// SignOut removes a user's tokens from the store; "" means the current user.
	SignOut(ctx context.Context, username string) error
}

// ErrNoAuthenticator is returned by Account's sign-in methods when its token
// source cannot sign users in (a static token, for example).
var ErrNoAuthenticator = errors.New("o365: the account's token source cannot sign in; build it with an auth credential")
