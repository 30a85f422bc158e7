package auth

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

func TestFileStoreModesAndRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "o365")
	path := filepath.Join(dir, "o365_token.txt")
	s := NewFileStore(path)
	ctx := context.Background()
	if data, err := s.Load(ctx); data != nil || err != nil {
		t.Fatalf("missing file: %q, %v", data, err)
	}
	want := []byte(`{"Account":{}}`)
	if err := s.Save(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load(ctx)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("Load = %q, %v", got, err)
	}
	if runtime.GOOS != "windows" {
		for p, mode := range map[string]os.FileMode{path: 0o600, dir: 0o700, path + ".lock": 0o600} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != mode {
				t.Errorf("%s: mode %04o, want %04o", p, fi.Mode().Perm(), mode)
			}
		}
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("left over %s", e.Name())
		}
	}
}

func TestFileStoreRefusesInsecureFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits")
	}
	path := filepath.Join(t.TempDir(), "o365_token.txt")
	if err := os.WriteFile(path, []byte(`{}`), 0o644); err != nil {
		t.Fatal(err)
	}
	s := NewFileStore(path)
	_, err := s.Load(context.Background())
	var ie *InsecureFileError
	if !errors.As(err, &ie) || !errors.Is(err, ErrInsecureFile) || ie.Path != path ||
		!strings.Contains(err.Error(), "chmod 600 "+path) || !strings.Contains(err.Error(), "0644") {
		t.Fatalf("err = %v", err)
	}
	s.AllowInsecureMode = true
	if _, err := s.Load(context.Background()); err != nil {
		t.Fatalf("AllowInsecureMode: %v", err)
	}
	// Saving tightens the mode.
	if err := s.Save(context.Background(), []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after save %04o", fi.Mode().Perm())
	}
}

func TestFileStoreCorruptFiles(t *testing.T) {
	legacy := `{"token_type":"Bearer","scope":["Mail.Read"],"expires_in":3599,"access_token":"legacy-at-secret","refresh_token":"legacy-rt-secret","expires_at":1700000000}`
	for name, content := range map[string]string{
		"legacy":    legacy,
		"truncated": `{"AccessToken": {"k": {"secret": "abc`,
		"not json":  "this is not json",
		"array":     `[1,2]`,
		"bad entry": `{"AccessToken": {"k": 5}}`,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "o365_token.txt")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			s := NewFileStore(path)
			ctx := context.Background()
			_, err := s.Load(ctx)
			var ce *CorruptCacheError
			if !errors.As(err, &ce) || !errors.Is(err, ErrCorruptCache) || ce.Source != path {
				t.Fatalf("Load: %v", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, path) || !strings.Contains(msg, "o365 login") || strings.Contains(msg, "secret") {
				t.Errorf("message %q", msg)
			}
			if ce.Legacy != (name == "legacy") {
				t.Errorf("Legacy = %v", ce.Legacy)
			}
			if err := s.Save(ctx, []byte(`{}`)); !errors.Is(err, ErrCorruptCache) {
				t.Errorf("Save over a corrupt file: %v", err)
			}
			if got, _ := os.ReadFile(path); string(got) != content {
				t.Error("the corrupt file was changed")
			}
			// Signing in through a credential fails the same way, and leaves it alone.
			f := newFakeIdP(t)
			f.deviceUser = "alice@contoso.com"
			c, _ := NewDeviceCode(f.config(s), func(context.Context, DeviceCodeMessage) error { return nil })
			if err := c.Authenticate(ctx); !errors.Is(err, ErrCorruptCache) {
				t.Errorf("Authenticate: %v", err)
			}
			if _, err := c.Token(ctx); !errors.Is(err, ErrCorruptCache) {
				t.Errorf("Token: %v", err)
			}
			if got, _ := os.ReadFile(path); string(got) != content {
				t.Error("the corrupt file was changed by the credential")
			}
			if err := s.Reset(ctx); err != nil {
				t.Fatal(err)
			}
			if err := c.Authenticate(ctx); err != nil {
				t.Fatalf("after Reset: %v", err)
			}
		})
	}
}

// TestFileStorePythonLayout checks that a cache written the way python-o365
// 2.1+ writes o365_token.txt (indent 4, extra fields) is used and that fields
// MSAL Go does not know survive.
func TestFileStorePythonLayout(t *testing.T) {
	f := newFakeIdP(t)
	mem := &MemoryStore{}
	f.signIn(t, mem, "alice@contoso.com")
	data, _ := mem.Load(context.Background())
	var top map[string]map[string]map[string]any
	if err := json.Unmarshal(data, &top); err != nil {
		t.Fatal(err)
	}
	for _, rt := range top["RefreshToken"] {
		rt["last_modification_time"] = "1700000000"
		rt["target"] = "https://graph.microsoft.com/Mail.ReadWrite https://graph.microsoft.com/Mail.Send offline_access openid profile"
	}
	py, _ := json.MarshalIndent(top, "", "    ")
	path := filepath.Join(t.TempDir(), "o365_token.txt")
	if err := os.WriteFile(path, py, 0o600); err != nil {
		t.Fatal(err)
	}
	c, _ := NewDeviceCode(f.config(NewFileStore(path)), nil)
	ctx := context.Background()
	if _, err := c.RefreshToken(ctx); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(path)
	doc, err := parseCache(after)
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range doc.sections[secRefreshToken] {
		if field(rt, "target") == "" {
			t.Error("python's target field was dropped")
		}
	}
	if names, _ := c.Usernames(ctx); !slices.Equal(names, []string{"alice@contoso.com"}) {
		t.Errorf("Usernames = %v", names)
	}
	if !bytes.HasPrefix(after, []byte("{\n    \"")) {
		t.Errorf("not written with 4-space indentation: %.40q", after)
	}
}

func aesHooks(t *testing.T) (func([]byte) ([]byte, error), func([]byte) ([]byte, error)) {
	key := make([]byte, 32)
	rand.Read(key)
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	gcm, _ := cipher.NewGCM(block)
	enc := func(p []byte) ([]byte, error) {
		nonce := make([]byte, gcm.NonceSize())
		rand.Read(nonce)
		return gcm.Seal(nonce, nonce, p, nil), nil
	}
	dec := func(c []byte) ([]byte, error) {
		if len(c) < gcm.NonceSize() {
			return nil, errors.New("short")
		}
		return gcm.Open(nil, c[:gcm.NonceSize()], c[gcm.NonceSize():], nil)
	}
	return enc, dec
}

func TestFileStoreEncryption(t *testing.T) {
	f := newFakeIdP(t)
	path := filepath.Join(t.TempDir(), "o365_token.txt")
	enc, dec := aesHooks(t)
	s := &FileStore{Path: path, Encrypt: enc, Decrypt: dec}
	c := f.signIn(t, s, "alice@contoso.com")
	ctx := context.Background()
	tok, err := c.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	if bytes.Contains(raw, []byte(tok.AccessToken)) || bytes.Contains(raw, []byte("RefreshToken")) {
		t.Fatal("the file holds plaintext")
	}
	// Another key cannot read it, and the error says so without overwriting.
	enc2, dec2 := aesHooks(t)
	other := &FileStore{Path: path, Encrypt: enc2, Decrypt: dec2}
	if _, err := other.Load(ctx); !errors.Is(err, ErrCorruptCache) || !strings.Contains(err.Error(), "decrypted") {
		t.Errorf("wrong key: %v", err)
	}
	if err := other.Save(ctx, []byte("{}")); !errors.Is(err, ErrCorruptCache) {
		t.Errorf("Save with wrong key: %v", err)
	}
}

func TestEnvStore(t *testing.T) {
	t.Setenv(DefaultEnvVar, "")
	f := newFakeIdP(t)
	s := EnvStore{}
	f.signIn(t, s, "bob@contoso.com")
	v := os.Getenv("O365TOKEN")
	if !strings.Contains(v, "RefreshToken") {
		t.Fatalf("O365TOKEN = %.40q", v)
	}
	c, _ := NewDeviceCode(f.config(EnvStore{Name: "O365TOKEN"}), nil)
	if names, err := c.Usernames(context.Background()); err != nil || !slices.Equal(names, []string{"bob@contoso.com"}) {
		t.Fatalf("Usernames = %v, %v", names, err)
	}
	t.Setenv(DefaultEnvVar, `{"access_token":"x"}`)
	if _, err := c.Token(context.Background()); !errors.Is(err, ErrCorruptCache) || !strings.Contains(err.Error(), "environment variable O365TOKEN") {
		t.Errorf("legacy env token: %v", err)
	}
	if err := s.Reset(context.Background()); err != nil || os.Getenv(DefaultEnvVar) != "" {
		t.Errorf("Reset: %v", err)
	}
}

func TestKeyringStoreChunks(t *testing.T) {
	keyring.MockInit()
	ctx := context.Background()
	s := &KeyringStore{Service: "o365-test"}
	big := bytes.Repeat([]byte(`{"x":"0123456789abcdef"}`), 400) // 9.6 KB
	if err := s.Save(ctx, big); err != nil {
		t.Fatal(err)
	}
	head, _ := keyring.Get("o365-test", "token-cache")
	n, ok := chunkCount(head)
	if !ok || n < 6 {
		t.Fatalf("header %q", head)
	}
	for i := 1; i <= n; i++ {
		part, err := keyring.Get("o365-test", "token-cache."+strconv.Itoa(i))
		if err != nil || len(part) > keyringChunk {
			t.Fatalf("chunk %d: %d bytes, %v", i, len(part), err)
		}
	}
	got, err := s.Load(ctx)
	if err != nil || !bytes.Equal(got, big) {
		t.Fatalf("Load: %d bytes, %v", len(got), err)
	}
	// A shorter cache removes the chunks it no longer needs.
	if err := s.Save(ctx, []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.Get("o365-test", "token-cache.2"); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("stale chunk 2: %v", err)
	}
	if got, _ := s.Load(ctx); string(got) != `{}` {
		t.Errorf("Load = %q", got)
	}
	// Through a credential.
	f := newFakeIdP(t)
	f.signIn(t, s, "alice@contoso.com")
	c, _ := NewDeviceCode(f.config(s), nil)
	if _, err := c.RefreshToken(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if data, err := s.Load(ctx); data != nil || err != nil {
		t.Errorf("after Reset: %q, %v", data, err)
	}
	keyring.MockInitWithError(errors.New("no secret service"))
	if _, err := s.Load(ctx); err == nil || !strings.Contains(err.Error(), "no secret service") {
		t.Errorf("keyring failure: %v", err)
	}
	keyring.MockInit()
}

func TestMerge3(t *testing.T) {
	parse := func(s string) *cacheDoc {
		d, err := parseCache([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	base := parse(`{"RefreshToken":{"a":{"secret":"a1"},"b":{"secret":"b1"}},"AccessToken":{"x":{"secret":"x1","cached_at":"100"}},"Extra":1}`)
	// We rotated a, removed b and refreshed x.
	ours := parse(`{"RefreshToken":{"a":{"secret":"a2"}},"AccessToken":{"x":{"secret":"x2","cached_at":"200"}},"Extra":1}`)
	// Meanwhile another process added c, and refreshed x later than we did.
	disk := parse(`{"RefreshToken":{"a":{"secret":"a1"},"b":{"secret":"b1"},"c":{"secret":"c1"}},"AccessToken":{"x":{"secret":"x3","cached_at":"300"}},"Extra":1,"Other":true}`)
	got := merge3(base, ours, disk)
	out, _ := got.encode()
	want := parse(`{"RefreshToken":{"a":{"secret":"a2"},"c":{"secret":"c1"}},"AccessToken":{"x":{"secret":"x3","cached_at":"300"}},"Extra":1,"Other":true}`)
	if !docsEqual(got, want) {
		t.Errorf("merge3 = %s", out)
	}
	// Unchanged entries are not rewritten even when formatted differently.
	same := parse(`{"RefreshToken":{"a":{ "secret" : "a1" },"b":{"secret":"b1"}},"AccessToken":{"x":{"cached_at":"100","secret":"x1"}},"Extra":1}`)
	if !docsEqual(base, same) {
		t.Error("docsEqual is sensitive to formatting")
	}
	if got := merge3(base, same, disk); !docsEqual(got, disk) {
		t.Error("an unchanged cache overwrote newer entries")
	}
}

func TestMemoryStoreCopies(t *testing.T) {
	var m MemoryStore
	ctx := context.Background()
	data := []byte("abc")
	m.Save(ctx, data)
	data[0] = 'x'
	got, _ := m.Load(ctx)
	got[1] = 'y'
	again, _ := m.Load(ctx)
	if string(again) != "abc" {
		t.Errorf("MemoryStore shares memory: %q", again)
	}
	m.Reset(ctx)
	if got, _ := m.Load(ctx); got != nil {
		t.Errorf("after Reset: %q", got)
	}
}
