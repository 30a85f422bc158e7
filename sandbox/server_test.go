package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

func TestStartTLSWithFileStore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "o365", "sandbox.db")
	start := func() *Server {
		s, err := New(Options{DBPath: db, TLS: true, Seed: "demo"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := start()
	if s.URL() == "" || s.GraphURL() != s.URL()+"/v1.0/" || s.OutlookURL() != s.URL()+"/api/v2.0/" ||
		s.BetaURL() != s.URL()+"/beta/" || s.AuthorityURL("") != s.URL()+"/"+DemoTenantID {
		t.Fatalf("URLs: %s %s %s", s.URL(), s.GraphURL(), s.AuthorityURL(""))
	}
	resp, err := s.Client().Get(s.AuthorityURL("") + "/v2.0/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil {
		t.Fatalf("openid-configuration over TLS: %d", resp.StatusCode)
	}
	if _, err := http.Get(s.URL() + "/v1.0/me"); err == nil {
		t.Fatal("untrusted client accepted the self-signed certificate")
	}
	for _, f := range []string{db, db + ".cert.pem", db + ".key.pem"} {
		fi, err := os.Stat(f)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", f, fi.Mode(), err)
		}
	}
	if s.CertFile() != db+".cert.pem" {
		t.Errorf("CertFile %q", s.CertFile())
	}
	pem := s.CertPEM()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// A restart on the same files keeps the certificate and the data.
	s = start()
	defer s.Close()
	if !bytes.Equal(s.CertPEM(), pem) {
		t.Fatal("certificate regenerated on restart")
	}
}

// deltaLinks starts delta rounds over the directory and Alice's mailbox
// and returns their delta links.
func (ts *testServer) deltaLinks(t *testing.T) []string {
	t.Helper()
	var links []string
	for _, p := range []string{"/v1.0/users/delta", "/v1.0/groups/delta", "/v1.0/me/mailFolders/delta",
		"/v1.0/me/mailFolders/inbox/messages/delta"} {
		link := p
		for link != "" {
			r := ts.Do(t, ts.AliceToken(t), "GET", link, nil).WantStatus(t, 200)
			link, _ = r.JSON["@odata.nextLink"].(string)
			if dl, ok := r.JSON["@odata.deltaLink"].(string); ok {
				// Relative, so that a server reopened on the same database
				// can follow it.
				links = append(links, strings.TrimPrefix(dl, ts.URL))
			}
		}
	}
	return links
}

// wantNoChanges fails when a delta link reports changes.
func (ts *testServer) wantNoChanges(t *testing.T, links []string) {
	t.Helper()
	for _, l := range links {
		r := ts.Do(t, ts.AliceToken(t), "GET", l, nil).WantStatus(t, 200)
		if v := sandboxtest.Values(t, r); len(v) != 0 {
			t.Fatalf("%s reports %d changes: %s", l, len(v), r.Raw)
		}
	}
}

func TestSeedIdempotentAndReset(t *testing.T) {
	ts := newTestServer(t, Options{})
	ctx := context.Background()
	links := ts.deltaLinks(t)
	if err := ts.srv.Seed(ctx, "demo"); err != nil {
		t.Fatal(err)
	}
	ts.wantNoChanges(t, links)
	if err := ts.srv.Seed(ctx, "big"); err == nil {
		t.Fatal("unknown seed accepted")
	}
	tok := ts.AliceToken(t)
	app := ts.AppToken(t)
	if err := ts.srv.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/v1.0/users", "/v1.0/groups", "/v1.0/users/" + DemoBobID + "/messages"} {
		r := ts.Do(t, app, "GET", p, nil)
		if r.Status == 200 && len(sandboxtest.Values(t, r)) != 0 {
			t.Fatalf("%s after Reset: %s", p, r.Raw)
		}
	}
	// The signing key survived, the user did not.
	ts.Do(t, tok, "GET", "/v1.0/me", nil).WantError(t, 404, "Request_ResourceNotFound")
	if err := ts.srv.Seed(ctx, "demo"); err != nil {
		t.Fatal(err)
	}
	ts.Do(t, tok, "GET", "/v1.0/me", nil).WantStatus(t, 200)
}

// TestSeedSizesAreChecked checks that knobs are known by name and that a
// change of one area's knob seeds that area only.
func TestSeedSizesAreChecked(t *testing.T) {
	if _, err := New(Options{Seed: "demo", SeedSize: SeedSize{Knobs: map[string]int{"mail.nope": 1}}}); err == nil ||
		!strings.Contains(err.Error(), `unknown seed size "mail.nope"`) || !strings.Contains(err.Error(), "mail.messagesPerInbox") {
		t.Fatalf("unknown knob: %v", err)
	}
	if _, err := New(Options{Seed: "demo", SeedSize: SeedSize{ExtraUsers: -1}}); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Fatalf("negative knob: %v", err)
	}
	names := map[string]bool{}
	for _, k := range Knobs() {
		if k.Doc == "" {
			t.Errorf("knob %s has no doc", k.Name)
		}
		names[k.Name] = true
	}
	if !names["mail.messagesPerInbox"] || !names["directory.extraUsers"] {
		t.Fatalf("Knobs() = %v", Knobs())
	}
	db := filepath.Join(t.TempDir(), "sandbox.db")
	open := func(size SeedSize) *testServer {
		s, err := New(Options{DBPath: db, Seed: "demo", SeedSize: size})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return &testServer{Server: sandboxtest.Serve(t, s.Handler()), srv: s}
	}
	ts := open(SeedSize{})
	links := ts.deltaLinks(t)
	ts.srv.Close()
	// The same size through the knob map: nothing is seeded again.
	ts = open(SeedSize{Knobs: map[string]int{"mail.messagesPerInbox": 0}})
	ts.wantNoChanges(t, links)
	ts.srv.Close()
	// More users: the directory changes, the mailbox does not.
	ts = open(SeedSize{Knobs: map[string]int{"directory.extraUsers": 2}})
	r := ts.Do(t, ts.AliceToken(t), "GET", links[0], nil).WantStatus(t, 200)
	if n := len(sandboxtest.Values(t, r)); n < 2 {
		t.Fatalf("users delta after 2 more users: %d changes", n)
	}
	ts.wantNoChanges(t, links[2:])
}

// TestLegacySeedRecord checks that a database seeded before areas kept
// their own seed records is not seeded again: its mail is in the first data
// format, which this sandbox refuses with the way out; after a reset the
// demo tenant is seeded again.
func TestLegacySeedRecord(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sandbox.db")
	s, err := New(Options{DBPath: db, Seed: "demo", SeedSize: SeedSize{MessagesPerInbox: 5}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// Turn the areas' records into the one record an older sandbox wrote.
	err = s.eng.Store().Write(ctx, func(tx *core.Tx) error {
		for _, a := range []string{"directory", "mail"} {
			if err := tx.KVDelete(ctx, "sandbox:seeded:"+a); err != nil {
				return err
			}
		}
		return tx.KVPut(ctx, legacySeedMarker, []byte(`{"Name":"demo","Size":{"MessagesPerInbox":5,"ExtraUsers":0}}`), time.Time{})
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = New(Options{DBPath: db, Seed: "demo", SeedSize: SeedSize{MessagesPerInbox: 5}})
	if err == nil || !strings.Contains(err.Error(), "mail data in format 0") || !strings.Contains(err.Error(), "o365 sandbox reset") {
		t.Fatalf("opening a database of the first mail format: %v", err)
	}
	// What `o365 sandbox reset` does: open without seeding, reset.
	s, err = New(Options{DBPath: db})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = New(Options{DBPath: db, Seed: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ts := &testServer{Server: sandboxtest.Serve(t, s.Handler()), srv: s}
	ts.Do(t, ts.AliceToken(t), "GET", "/v1.0/me/mailFolders/inbox/messages", nil).WantStatus(t, 200)
}

func TestDefaultDBPath(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/tmp/xdg")
	if p, err := DefaultDBPath(); err != nil || p != "/tmp/xdg/o365/sandbox.db" {
		t.Fatalf("DefaultDBPath = %q, %v", p, err)
	}
}

func TestRegisterApp(t *testing.T) {
	ts := newTestServer(t, Options{})
	ctx := context.Background()
	const id = "0a0a0a0a-1111-4222-8333-444444444444"
	if err := ts.srv.RegisterApp(ctx, App{ClientID: "my-app", PublicClient: true}); err == nil {
		t.Fatal("non-GUID client id accepted")
	}
	if err := ts.srv.RegisterApp(ctx, App{ClientID: id}); err == nil {
		t.Fatal("confidential app without credentials accepted")
	}
	if err := ts.srv.RegisterApp(ctx, App{ClientID: id, DisplayName: "mine", Secrets: []string{"s3cret"}, AppRoles: []string{"Group.Read.All"}}); err != nil {
		t.Fatal(err)
	}
	tok := ts.Token(t, url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {"s3cret"},
		"scope": {"https://graph.microsoft.com/.default"}})
	ts.Do(t, tok, "GET", "/v1.0/groups", nil).WantStatus(t, 200)
	ts.Do(t, tok, "GET", "/v1.0/users", nil).WantError(t, 403, "Authorization_RequestDenied")
}

func TestDeviceCodeApproval(t *testing.T) {
	ts := newTestServer(t, Options{DeviceCodeInterval: time.Millisecond})
	resp, err := http.PostForm(ts.URL+"/"+DemoTenantID+"/oauth2/v2.0/devicecode",
		url.Values{"client_id": {DemoPublicClientID}, "scope": {"User.Read offline_access"}})
	if err != nil {
		t.Fatal(err)
	}
	var dc struct {
		DeviceCode string `json:"device_code"`
		UserCode   string `json:"user_code"`
	}
	json.NewDecoder(resp.Body).Decode(&dc)
	resp.Body.Close()
	if dc.UserCode == "" {
		t.Fatalf("devicecode: %d", resp.StatusCode)
	}
	poll := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "client_id": {DemoPublicClientID}, "device_code": {dc.DeviceCode}}
	resp, err = http.PostForm(ts.URL+"/"+DemoTenantID+"/oauth2/v2.0/token", poll)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("pending poll: %d", resp.StatusCode)
	}
	if err := ts.srv.ApproveDevice(context.Background(), "WRONG-CODE", DemoCarol); err == nil {
		t.Fatal("unknown user code approved")
	}
	if err := ts.srv.ApproveDevice(context.Background(), dc.UserCode, DemoCarol); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Millisecond) // respect the polling interval
	tok := ts.Token(t, poll)
	if r := ts.Do(t, tok, "GET", "/v1.0/me", nil).WantStatus(t, 200); r.JSON["id"] != DemoCarolID {
		t.Fatalf("device code token is for %v", r.JSON["id"])
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := New(Options{Seed: "bogus"}); err == nil || !strings.Contains(err.Error(), `unknown seed "bogus"`) {
		t.Fatalf("bad seed accepted: %v", err)
	}
	if _, err := New(Options{TenantID: "contoso"}); err == nil {
		t.Fatal("non-GUID tenant accepted")
	}
}
