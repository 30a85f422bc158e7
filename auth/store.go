package auth

import (
	"context"
	"fmt"
	"os"
	"sync"
)

// Store keeps MSAL's token cache between runs: an opaque JSON document holding
// the accounts, refresh tokens and access tokens of every signed-in user.
//
// A custom store (a database row, a secret manager) implements the two methods:
//
//   - Load returns what the last Save stored, or nil and no error when nothing
//     was stored yet.
//   - Save stores data, replacing what was there.
//
// Both must be safe for concurrent use and honour ctx. The credential never
// overwrites blindly: before each Save it loads the store again and merges its
// own changes into what is there, so stores shared between processes lose
// nothing as long as the load-merge-save sequences do not overlap; implement
// Locker too to guarantee that. The data contains secrets: keep it out of logs
// and away from other users.
type Store interface {
	Load(ctx context.Context) ([]byte, error)
	Save(ctx context.Context, data []byte) error
}

// Locker is implemented by stores that several processes share (FileStore).
// The credential holds the lock around each load-merge-save and around each
// token refresh, so that two processes refreshing at once neither redeem the
// same refresh token twice nor lose each other's tokens.
//
// Lock blocks until the lock is held or ctx is done. The returned context
// carries the lock: Load and Save called with it must not try to take it
// again. unlock releases it and is called exactly once.
type Locker interface {
	Lock(ctx context.Context) (locked context.Context, unlock func(), err error)
}

// MemoryStore keeps the token cache in memory, for tests and for programs that
// sign in at every start. The zero value is ready to use.
type MemoryStore struct {
	mu   sync.Mutex
	data []byte
}

// Load returns a copy of the stored cache.
func (m *MemoryStore) Load(context.Context) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.data == nil {
		return nil, nil
	}
	return append([]byte(nil), m.data...), nil
}

// Save stores a copy of data.
func (m *MemoryStore) Save(_ context.Context, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.data = append([]byte(nil), data...)
	return nil
}

// Reset forgets the stored cache.
func (m *MemoryStore) Reset(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.data = nil
	return nil
}

// String names the store in errors.
func (m *MemoryStore) String() string { return "memory token store" }

// DefaultEnvVar is the environment variable EnvStore uses by default, as
// python-o365's EnvTokenBackend does.
const DefaultEnvVar = "O365TOKEN"

// EnvStore keeps the token cache in an environment variable of the current
// process: a CI job or container can pass a cache in, and Save updates the
// variable for the rest of the process (child processes started later inherit
// it). Nothing is written to disk.
type EnvStore struct {
	// Name is the variable; "" means DefaultEnvVar.
	Name string
}

func (e EnvStore) name() string {
	if e.Name == "" {
		return DefaultEnvVar
	}
	return e.Name
}

// Load returns the variable's value, or nil when it is unset or empty.
func (e EnvStore) Load(context.Context) ([]byte, error) {
	v := os.Getenv(e.name())
	if v == "" {
		return nil, nil
	}
	return []byte(v), nil
}

// Save sets the variable.
func (e EnvStore) Save(_ context.Context, data []byte) error {
	if err := os.Setenv(e.name(), string(data)); err != nil {
		return fmt.Errorf("auth: setting %s: %w", e.name(), err)
	}
	return nil
}

// Reset unsets the variable.
func (e EnvStore) Reset(context.Context) error {
	if err := os.Unsetenv(e.name()); err != nil {
		return fmt.Errorf("auth: unsetting %s: %w", e.name(), err)
	}
	return nil
}

// String names the store in errors.
func (e EnvStore) String() string { return "environment variable " + e.name() }
