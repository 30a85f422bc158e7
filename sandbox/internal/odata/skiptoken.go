package odata

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
)

// SkipState is what a $skiptoken carries from one page to the next.
type SkipState struct {
	Offset int    // position of the next item; must not be negative
	Extra  string // caller-defined state, such as a snapshot id
}

const (
	skipTokenVersion = 1
	skipTokenMACLen  = 16
	// MaxSkipTokenLength bounds the tokens DecodeSkipToken will look at.
	MaxSkipTokenLength = 4096
)

// skipTokenDomain separates these MACs from any other use of the same key.
const skipTokenDomain = "o365-sandbox/skiptoken/v1\x00"

func skipTokenMAC(key, payload []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(skipTokenDomain))
	m.Write(payload)
	return m.Sum(nil)[:skipTokenMACLen]
}

// EncodeSkipToken returns an opaque, URL-safe token for st, authenticated
// with key (HMAC-SHA256) so that a client cannot forge or alter it. The key
// should be a per-server random secret; the token is signed, not encrypted.
func EncodeSkipToken(key []byte, st SkipState) string {
	payload := make([]byte, 0, 1+binary.MaxVarintLen64+len(st.Extra)+skipTokenMACLen)
	payload = append(payload, skipTokenVersion)
	payload = binary.AppendVarint(payload, int64(st.Offset))
	payload = append(payload, st.Extra...)
	payload = append(payload, skipTokenMAC(key, payload)...)
	return base64.RawURLEncoding.EncodeToString(payload)
}

// DecodeSkipToken verifies and decodes a token made by EncodeSkipToken with
// the same key. Any malformed, altered or foreign token gives an error
// wrapping ErrInvalidSkipToken.
func DecodeSkipToken(key []byte, s string) (SkipState, error) {
	if len(s) > MaxSkipTokenLength {
		return SkipState{}, fmt.Errorf("%w: longer than %d characters", ErrInvalidSkipToken, MaxSkipTokenLength)
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return SkipState{}, fmt.Errorf("%w: not base64url", ErrInvalidSkipToken)
	}
	if len(raw) < 1+1+skipTokenMACLen {
		return SkipState{}, fmt.Errorf("%w: too short", ErrInvalidSkipToken)
	}
	payload, mac := raw[:len(raw)-skipTokenMACLen], raw[len(raw)-skipTokenMACLen:]
	if !hmac.Equal(mac, skipTokenMAC(key, payload)) {
		return SkipState{}, fmt.Errorf("%w: signature mismatch", ErrInvalidSkipToken)
	}
	if payload[0] != skipTokenVersion {
		return SkipState{}, fmt.Errorf("%w: unknown version %d", ErrInvalidSkipToken, payload[0])
	}
	offset, n := binary.Varint(payload[1:])
	if n <= 0 || offset < 0 || int64(int(offset)) != offset {
		return SkipState{}, fmt.Errorf("%w: bad offset", ErrInvalidSkipToken)
	}
	return SkipState{Offset: int(offset), Extra: string(payload[1+n:])}, nil
}
