package identity

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// signingKeyKV is where the token signing key lives, so tokens stay valid
// when the sandbox restarts on the same database.
const signingKeyKV = "identity/signing-key"

type signingKey struct {
	priv *rsa.PrivateKey
	kid  string
}

func loadOrCreateKey(ctx context.Context, kv KV) (*signingKey, error) {
	raw, ok, err := kv.Get(ctx, signingKeyKV)
	if err != nil {
		return nil, fmt.Errorf("identity: load signing key: %w", err)
	}
	if ok {
		return parseSigningKey(raw)
	}
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("identity: generate signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("identity: encode signing key: %w", err)
	}
	raw = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err := kv.Put(ctx, signingKeyKV, raw, time.Time{}); err != nil {
		return nil, fmt.Errorf("identity: store signing key: %w", err)
	}
	return newSigningKey(priv)
}

func parseSigningKey(raw []byte) (*signingKey, error) {
	block, _ := pem.Decode(raw)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, errors.New("identity: stored signing key is not a PEM private key; delete the key " + signingKeyKV + " to make a new one")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("identity: parse stored signing key: %w", err)
	}
	priv, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("identity: stored signing key is not an RSA key")
	}
	return newSigningKey(priv)
}

func newSigningKey(priv *rsa.PrivateKey) (*signingKey, error) {
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("identity: encode public key: %w", err)
	}
	sum := sha256.Sum256(der)
	return &signingKey{priv: priv, kid: base64.RawURLEncoding.EncodeToString(sum[:15])}, nil
}

// sign makes an RS256 JWT of claims with the key id in its header.
func (k *signingKey) sign(claims jwt.MapClaims) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header["kid"] = k.kid
	s, err := t.SignedString(k.priv)
	if err != nil {
		return "", fmt.Errorf("identity: sign token: %w", err)
	}
	return s, nil
}

// jwk is one RSA key of a JWKS document.
type jwk struct {
	Kty    string   `json:"kty"`
	Use    string   `json:"use"`
	Alg    string   `json:"alg"`
	Kid    string   `json:"kid"`
	N      string   `json:"n"`
	E      string   `json:"e"`
	Issuer string   `json:"issuer"`
	X5c    []string `json:"x5c,omitempty"`
}

func (p *Provider) serveKeys(w http.ResponseWriter, r *http.Request, req *request) {
	pub := p.key.priv.PublicKey
	writeJSON(w, http.StatusOK, map[string][]jwk{"keys": {{
		Kty:    "RSA",
		Use:    "sig",
		Alg:    "RS256",
		Kid:    p.key.kid,
		N:      base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		E:      base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		Issuer: p.issuer(req.base),
	}}})
}
