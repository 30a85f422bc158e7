package auth

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// The helper process: the test binary re-executed with O365_AUTH_HELPER set.
const helperEnv = "O365_AUTH_HELPER"

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "refresh":
		os.Exit(helperRefresh())
	case "lock":
		os.Exit(helperLock())
	default:
		fmt.Fprintln(os.Stderr, "unknown helper")
		os.Exit(2)
	}
}

// helperRefresh refreshes alice's and bob's tokens in turn, each time forced
// by a refresh margin longer than the tokens live.
func helperRefresh() int {
	pemData, err := os.ReadFile(os.Getenv("O365_AUTH_CA"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemData)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	rounds, _ := strconv.Atoi(os.Getenv("O365_AUTH_ROUNDS"))
	store := NewFileStore(os.Getenv("O365_AUTH_FILE"))
	users := []string{"alice@contoso.com", "bob@contoso.com"}
	creds := make([]*Credential, len(users))
	for i, u := range users {
		c, err := NewDeviceCode(Config{
			ClientID: "client-1234", Authority: os.Getenv("O365_AUTH_URL"), HTTPClient: client, Store: store,
			Scopes: []string{"message_all"}, Username: u, RefreshMargin: 2 * time.Hour,
		}, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		creds[i] = c
	}
	ctx := context.Background()
	for r := 0; r < rounds; r++ {
		for _, c := range creds {
			if _, err := c.Token(ctx); err != nil {
				fmt.Fprintf(os.Stderr, "round %d %s: %v\n", r, c.Username(), err)
				return 1
			}
		}
	}
	return 0
}

// helperLock takes the file lock, says so, and waits to be killed.
func helperLock() int {
	_, _, err := NewFileStore(os.Getenv("O365_AUTH_FILE")).Lock(context.Background())
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	fmt.Println("locked")
	time.Sleep(time.Minute)
	return 0
}

// checkStore verifies that path holds one valid cache with both users and
// that the refresh token stored for each is the one the IdP will accept next.
func checkStore(t *testing.T, f *fakeIdP, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := parseCache(raw)
	if err != nil {
		t.Fatalf("final cache: %v", err)
	}
	var names []string
	for _, a := range doc.accounts(f.clientID) {
		names = append(names, a.username)
	}
	if !slices.Equal(names, []string{"alice@contoso.com", "bob@contoso.com"}) {
		t.Fatalf("accounts = %v", names)
	}
	valid := f.validRTs()
	rts := doc.sections[secRefreshToken]
	if len(rts) != 2 {
		t.Fatalf("refresh tokens stored = %d", len(rts))
	}
	for _, v := range rts {
		if _, ok := valid[field(v, "secret")]; !ok {
			t.Errorf("stored refresh token for %s is not the live one: an update was lost", field(v, "home_account_id"))
		}
	}
	// And both users still refresh from the file.
	for _, u := range []string{"alice@contoso.com", "bob@contoso.com"} {
		cfg := f.config(NewFileStore(path))
		cfg.Username = u
		c, _ := NewDeviceCode(cfg, nil)
		if _, err := c.RefreshToken(context.Background()); err != nil {
			t.Errorf("%s after the race: %v", u, err)
		}
	}
}

func TestConcurrentGoroutinesShareFile(t *testing.T) {
	f := newFakeIdP(t)
	path := filepath.Join(t.TempDir(), "o365_token.txt")
	f.signIn(t, NewFileStore(path), "alice@contoso.com")
	f.signIn(t, NewFileStore(path), "bob@contoso.com")
	before := f.count("refresh_token")

	const workers, rounds = 8, 4
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	shared := NewFileStore(path)
	for i := 0; i < workers; i++ {
		cfg := f.config(shared)
		if i%2 == 1 {
			cfg.Store = NewFileStore(path) // a store value of its own, like another process
		}
		cfg.Username = []string{"alice@contoso.com", "bob@contoso.com"}[i%2]
		cfg.RefreshMargin = 2 * time.Hour
		c, err := NewDeviceCode(cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				if _, err := c.Token(context.Background()); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := f.count("refresh_token") - before; got != workers*rounds {
		t.Errorf("refreshes = %d, want %d", got, workers*rounds)
	}
	checkStore(t, f, path)
}

func TestConcurrentProcessesShareFile(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	f := newFakeIdP(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "o365_token.txt")
	f.signIn(t, NewFileStore(path), "alice@contoso.com")
	f.signIn(t, NewFileStore(path), "bob@contoso.com")
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	before := f.count("refresh_token")
	const procs, rounds = 2, 5
	var wg sync.WaitGroup
	for i := 0; i < procs; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"=refresh", "O365_AUTH_CA="+ca, "O365_AUTH_URL="+f.authority(),
			"O365_AUTH_FILE="+path, "O365_AUTH_ROUNDS="+strconv.Itoa(rounds))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("helper %d: %v\n%s", i, err, out)
			}
		}()
	}
	wg.Wait()
	if got := f.count("refresh_token") - before; got != procs*rounds*2 {
		t.Errorf("refreshes = %d, want %d", got, procs*rounds*2)
	}
	checkStore(t, f, path)
}

func TestLockReleasedWhenProcessDies(t *testing.T) {
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no processes")
	}
	path := filepath.Join(t.TempDir(), "o365_token.txt")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=lock", "O365_AUTH_FILE="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "locked\n" {
		t.Fatalf("helper said %q", line)
	}
	s := NewFileStore(path)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, _, err := s.Lock(ctx); err == nil {
		t.Fatal("took the lock another process holds")
	}
	if err := s.Save(ctx, []byte("{}")); err == nil {
		t.Fatal("saved while another process holds the lock")
	}
	// The helper crashes without unlocking: the kernel releases its lock.
	cmd.Process.Kill()
	cmd.Wait()
	ctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel2()
	_, unlock, err := s.Lock(ctx2)
	if err != nil {
		t.Fatalf("lock after the holder died: %v", err)
	}
	unlock()
}

func TestLockReleasedOnErrors(t *testing.T) {
	f := newFakeIdP(t)
	path := filepath.Join(t.TempDir(), "o365_token.txt")
	s := NewFileStore(path)
	c := f.signIn(t, s, "alice@contoso.com")
	ctx := context.Background()
	quick := func() {
		t.Helper()
		qctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		_, unlock, err := s.Lock(qctx)
		if err != nil {
			t.Fatalf("lock still held: %v", err)
		}
		unlock()
	}
	// The identity platform fails during a refresh.
	f.mu.Lock()
	f.failToken = 1
	f.mu.Unlock()
	if _, err := c.RefreshToken(ctx); err == nil {
		t.Fatal("refresh against a failing IdP succeeded")
	}
	quick()
	// Save refuses a corrupt file.
	os.WriteFile(path, []byte(`{"access_token":"x"}`), 0o600)
	if err := s.Save(ctx, []byte("{}")); err == nil {
		t.Fatal("saved over a legacy file")
	}
	quick()
	// A refresh finds the corrupt file.
	if _, err := c.RefreshToken(ctx); err == nil {
		t.Fatal("refresh with a corrupt file succeeded")
	}
	quick()
	// A cancelled wait releases nothing it does not hold and leaks no lock.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := s.Lock(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Lock with a cancelled context: %v", err)
	}
	quick()
}
