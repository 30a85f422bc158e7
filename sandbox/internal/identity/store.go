package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Lifetimes of the one-time and long-lived grants.
const (
	codeTTL         = 10 * time.Minute
	refreshTTL      = 90 * 24 * time.Hour
	deviceCodeTTL   = 15 * time.Minute
	idTokenTTL      = time.Hour
	kvExpiryPadding = time.Hour // records outlive their ExpiresAt so that "expired" differs from "unknown"
)

// KV key prefixes. Secret values (codes, refresh tokens, device codes) are
// stored only as hashes.
const (
	kvCode       = "identity/code/"
	kvRefresh    = "identity/refresh/"
	kvDevice     = "identity/device/"
	kvUserCode   = "identity/usercode/"
	kvAssertions = "identity/jti/"
)

// codeGrant is an authorization code waiting to be redeemed.
type codeGrant struct {
	ClientID        string    `json:"clientId"`
	RedirectURI     string    `json:"redirectUri"`
	Challenge       string    `json:"challenge,omitempty"`
	ChallengeMethod string    `json:"challengeMethod,omitempty"`
	Scope           string    `json:"scope"`
	UserID          string    `json:"userId"`
	Nonce           string    `json:"nonce,omitempty"`
	ExpiresAt       time.Time `json:"expiresAt"`
}

// refreshGrant is what a refresh token stands for. Refresh tokens can be
// used for any resource the app has permissions on, as in Entra.
type refreshGrant struct {
	ClientID  string    `json:"clientId"`
	UserID    string    `json:"userId"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// Device code states.
const (
	devicePending  = "pending"
	deviceApproved = "approved"
	deviceDeclined = "declined"
)

// deviceGrant is a device code flow in progress.
type deviceGrant struct {
	ClientID  string    `json:"clientId"`
	Scope     string    `json:"scope"`
	Tenant    string    `json:"tenant"`
	UserCode  string    `json:"userCode"`
	Status    string    `json:"status"`
	UserID    string    `json:"userId,omitempty"`
	ExpiresAt time.Time `json:"expiresAt"`
	LastPoll  time.Time `json:"lastPoll"`
}

// randomToken is an opaque random value: 32 bytes, base64url.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("identity: random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// userCodeAlphabet leaves out letters and digits people confuse.
const userCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ23456789"

func randomUserCode() (string, error) {
	b := make([]byte, 9)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("identity: random: %w", err)
	}
	for i := range b {
		b[i] = userCodeAlphabet[int(b[i])%len(userCodeAlphabet)]
	}
	return string(b), nil
}

func hashKey(prefix, secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return prefix + hex.EncodeToString(sum[:])
}

func (p *Provider) putJSON(ctx context.Context, key string, v any, expires time.Time) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("identity: encode %s: %w", key, err)
	}
	if err := p.cfg.KV.Put(ctx, key, b, expires); err != nil {
		return fmt.Errorf("identity: store: %w", err)
	}
	return nil
}

// getJSON reads key into v; ok is false when the key is absent.
func (p *Provider) getJSON(ctx context.Context, key string, v any) (ok bool, err error) {
	b, ok, err := p.cfg.KV.Get(ctx, key)
	if err != nil {
		return false, fmt.Errorf("identity: load: %w", err)
	}
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("identity: decode stored record: %w", err)
	}
	return true, nil
}

// takeJSON reads key into v and deletes it, so that a one-time grant can be
// redeemed once.
func (p *Provider) takeJSON(ctx context.Context, key string, v any) (ok bool, err error) {
	p.redeem.Lock()
	defer p.redeem.Unlock()
	ok, err = p.getJSON(ctx, key, v)
	if err != nil || !ok {
		return ok, err
	}
	if err := p.cfg.KV.Delete(ctx, key); err != nil {
		return false, fmt.Errorf("identity: delete: %w", err)
	}
	return true, nil
}
