package auth

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/zalando/go-keyring"
)

// DefaultKeyringService is the keyring service name KeyringStore uses by default.
const DefaultKeyringService = "o365-go"

// keyringChunk is the size of one keyring item. Windows' Credential Manager
// holds at most 2560 bytes per item and macOS' keychain about 3000 with the
// service name; a token cache with one user is 5 to 10 KB.
const keyringChunk = 2000

// keyringHeader prefixes the item that says how many chunks follow.
const keyringHeader = "o365-go-chunks:"

// KeyringStore keeps the token cache in the OS keyring (macOS Keychain, Windows
// Credential Manager, the Secret Service on Linux) through
// github.com/zalando/go-keyring. The cache is split into base64 chunks stored
// as items User, User.1, User.2, ... because keyrings limit item size.
//
// The keyring is per user and needs no file permissions; on Linux it needs a
// running Secret Service (GNOME Keyring, KWallet), which headless machines lack.
type KeyringStore struct {
	// Service and User name the keyring item; "" means DefaultKeyringService
	// and "token-cache".
	Service, User string

	mu sync.Mutex // go-keyring's providers are not all safe for concurrent use
}

func (k *KeyringStore) names() (service, user string) {
	service, user = k.Service, k.User
	if service == "" {
		service = DefaultKeyringService
	}
	if user == "" {
		user = "token-cache"
	}
	return service, user
}

// String names the store in errors.
func (k *KeyringStore) String() string {
	s, u := k.names()
	return fmt.Sprintf("keyring item %s/%s", s, u)
}

// Load reads and joins the chunks; nil when nothing is stored.
func (k *KeyringStore) Load(ctx context.Context) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	service, user := k.names()
	head, err := keyring.Get(service, user)
	if errors.Is(err, keyring.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("auth: reading %s: %w", k, err)
	}
	n, ok := chunkCount(head)
	if !ok {
		return nil, &CorruptCacheError{Source: k.String(), Err: errors.New("missing chunk header")}
	}
	var b strings.Builder
	for i := 1; i <= n; i++ {
		part, err := keyring.Get(service, user+"."+strconv.Itoa(i))
		if err != nil {
			return nil, &CorruptCacheError{Source: k.String(), Err: fmt.Errorf("chunk %d of %d: %w", i, n, err)}
		}
		b.WriteString(part)
	}
	data, err := base64.StdEncoding.DecodeString(b.String())
	if err != nil {
		return nil, &CorruptCacheError{Source: k.String(), Err: errors.New("chunks are not base64")}
	}
	return data, nil
}

func chunkCount(head string) (int, bool) {
	s, ok := strings.CutPrefix(head, keyringHeader)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0
}

// Save writes the chunks, then the header naming them, then removes chunks
// left over from a longer cache.
func (k *KeyringStore) Save(ctx context.Context, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	service, user := k.names()
	old := 0
	if head, err := keyring.Get(service, user); err == nil {
		old, _ = chunkCount(head)
	}
	enc := base64.StdEncoding.EncodeToString(data)
	n := 0
	for len(enc) > 0 {
		part := enc[:min(keyringChunk, len(enc))]
		enc = enc[len(part):]
		n++
		if err := keyring.Set(service, user+"."+strconv.Itoa(n), part); err != nil {
			return fmt.Errorf("auth: writing %s: %w", k, err)
		}
	}
	if err := keyring.Set(service, user, keyringHeader+strconv.Itoa(n)); err != nil {
		return fmt.Errorf("auth: writing %s: %w", k, err)
	}
	for i := n + 1; i <= old; i++ {
		_ = keyring.Delete(service, user+"."+strconv.Itoa(i))
	}
	return nil
}

// Reset deletes the items.
func (k *KeyringStore) Reset(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	service, user := k.names()
	head, err := keyring.Get(service, user)
	if errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	n, _ := chunkCount(head)
	for i := 1; i <= n; i++ {
		_ = keyring.Delete(service, user+"."+strconv.Itoa(i))
	}
	if err := keyring.Delete(service, user); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("auth: deleting %s: %w", k, err)
	}
	return nil
}
