package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/o365go/o365/internal/filelock"
)

// DefaultTokenFile is the file name python-o365 uses, in the current directory.
const DefaultTokenFile = "o365_token.txt"

// FileStore keeps the token cache in a file, in the JSON layout MSAL writes, so
// one file can be shared with python-o365 2.1+ (o365_token.txt) and with other
// MSAL applications of the same client id.
//
// The file is created with mode 0600 in a directory created with mode 0700.
// Load refuses a file that other users can read or write (on Unix) unless
// AllowInsecureMode is set. Save writes a temporary file in the same directory,
// syncs it and renames it over the old one, so a crash leaves either the old or
// the new cache, never half of one. A lock file (Path + ".lock", flock on Unix,
// LockFileEx on Windows) serializes writers across processes; FileStore
// implements Locker so the credential holds it while it refreshes and merges.
// python-o365 creates its file with the umask (often 0644): run chmod 600 on
// it before sharing it.
//
// A file that is not a token cache (corrupt, truncated, a python-o365 token from
// before 2.1, or not decryptable) makes Load and Save fail with a
// *CorruptCacheError and is never overwritten: remove it or call Reset.
type FileStore struct {
	// Path is the token file; "" means DefaultTokenFile in the current directory.
	Path string
	// AllowInsecureMode lets Load read a file that other users can read.
	AllowInsecureMode bool
	// Encrypt and Decrypt, when set, transform the data on its way to and from
	// the file (for example with a key from the OS keyring). Set both or neither.
	Encrypt func(plaintext []byte) ([]byte, error)
	Decrypt func(ciphertext []byte) ([]byte, error)
	// LockTimeout bounds the wait for the lock file when ctx has no deadline;
	// 0 means 30 seconds.
	LockTimeout time.Duration
}

// NewFileStore returns a FileStore for path ("" means DefaultTokenFile).
func NewFileStore(path string) *FileStore { return &FileStore{Path: path} }

// DefaultFilePath returns a per-user token file:
// <os.UserConfigDir()>/o365/o365_token.txt. On Linux and the BSDs that is the
// file the o365 command uses ($XDG_CONFIG_HOME/o365, else ~/.config/o365); on
// macOS and Windows the command keeps its files under ~/.config/o365.
func DefaultFilePath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("auth: finding the user config directory: %w", err)
	}
	return filepath.Join(dir, "o365", DefaultTokenFile), nil
}

func (s *FileStore) path() string {
	p := s.Path
	if p == "" {
		p = DefaultTokenFile
	}
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

// String names the store in errors.
func (s *FileStore) String() string { return "token file " + s.path() }

// insecureMode reports permission bits that reach other users. Windows has no
// such bits; its files inherit the ACL of the (per-user) directory.
func insecureMode(fi os.FileInfo) bool {
	return runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0
}

// Load reads, checks and decrypts the file; a missing or empty file is an empty
// cache (nil, nil).
func (s *FileStore) Load(ctx context.Context) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	path := s.path()
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("auth: opening token file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("auth: token file %s: %w", path, err)
	}
	if !s.AllowInsecureMode && insecureMode(fi) {
		return nil, &InsecureFileError{Path: path, Mode: fi.Mode()}
	}
	raw, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("auth: reading token file %s: %w", path, err)
	}
	return s.decode(path, raw)
}

// decode decrypts and validates file content.
func (s *FileStore) decode(path string, raw []byte) ([]byte, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	data := raw
	if s.Decrypt != nil {
		var err error
		if data, err = s.Decrypt(raw); err != nil {
			return nil, &CorruptCacheError{Source: path, Err: errors.New("it cannot be decrypted")}
		}
	}
	if _, err := parseCache(data); err != nil {
		return nil, &CorruptCacheError{Source: path, Legacy: errors.Is(err, errLegacyToken), Err: err}
	}
	return data, nil
}

// Save encrypts data and replaces the file atomically, under the lock. It
// refuses to replace a file that is not a token cache.
func (s *FileStore) Save(ctx context.Context, data []byte) error {
	ctx, unlock, err := s.Lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	path := s.path()
	if old, err := os.ReadFile(path); err == nil {
		if _, err := s.decode(path, old); err != nil {
			return err
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("auth: reading token file %s: %w", path, err)
	}
	out := data
	if s.Encrypt != nil {
		if out, err = s.Encrypt(data); err != nil {
			return fmt.Errorf("auth: encrypting the token cache for %s: %w", path, err)
		}
	}
	return writeFileAtomic(path, out)
}

// Reset removes the token file (signing every user out), including a corrupt
// one that Save refuses to replace.
func (s *FileStore) Reset(ctx context.Context) error {
	_, unlock, err := s.Lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	if err := os.Remove(s.path()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("auth: removing token file: %w", err)
	}
	return nil
}

func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("auth: creating the token directory: %w", err)
	}
	// CreateTemp makes the file with mode 0600.
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("auth: writing token file: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("auth: writing token file: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("auth: syncing token file: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("auth: writing token file: %w", err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("auth: replacing token file: %w", err)
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename durable. Failure only weakens durability, so it is
// not reported (Windows cannot sync directories at all).
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

type fileLockKey struct{ path string }

// Lock takes the cross-process lock file, polling until ctx is done (or
// LockTimeout passes when ctx has no deadline). The kernel releases the lock if
// the process dies.
func (s *FileStore) Lock(ctx context.Context) (context.Context, func(), error) {
	path := s.path()
	if ctx.Value(fileLockKey{path}) != nil {
		return ctx, func() {}, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("auth: locking %s.lock: %w", path, err)
	}
	wait := ctx
	if _, ok := ctx.Deadline(); !ok {
		d := s.LockTimeout
		if d <= 0 {
			d = 30 * time.Second
		}
		var cancel context.CancelFunc
		wait, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	unlock, err := filelock.Lock(wait, path+".lock")
	if err != nil {
		return nil, nil, fmt.Errorf("auth: %w", err)
	}
	return context.WithValue(ctx, fileLockKey{path}, true), unlock, nil
}
