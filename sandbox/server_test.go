package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"
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

func TestSeedIdempotentAndReset(t *testing.T) {
	ts := newTestServer(t, Options{})
	ctx := context.Background()
	count := func() (objs, chs int) {
		ts.st.db.QueryRow(`SELECT count(*) FROM objects`).Scan(&objs)
		ts.st.db.QueryRow(`SELECT count(*) FROM changes`).Scan(&chs)
		return
	}
	o1, c1 := count()
	if err := ts.Seed(ctx, "demo"); err != nil {
		t.Fatal(err)
	}
	if o2, c2 := count(); o2 != o1 || c2 != c1 {
		t.Fatalf("second seed changed the store: %d/%d -> %d/%d", o1, c1, o2, c2)
	}
	if err := ts.Seed(ctx, "big"); err == nil {
		t.Fatal("unknown seed accepted")
	}
	tok := ts.aliceToken(t)
	if err := ts.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if o, _ := count(); o != 0 {
		t.Fatalf("%d objects after Reset", o)
	}
	// The signing key survived, the user did not.
	ts.do(t, tok, "GET", "/v1.0/me", nil).wantError(t, 404, "Request_ResourceNotFound")
	if err := ts.Seed(ctx, "demo"); err != nil {
		t.Fatal(err)
	}
	ts.do(t, tok, "GET", "/v1.0/me", nil).wantStatus(t, 200)
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
	if err := ts.RegisterApp(ctx, App{ClientID: "my-app", PublicClient: true}); err == nil {
		t.Fatal("non-GUID client id accepted")
	}
	if err := ts.RegisterApp(ctx, App{ClientID: id}); err == nil {
		t.Fatal("confidential app without credentials accepted")
	}
	if err := ts.RegisterApp(ctx, App{ClientID: id, DisplayName: "mine", Secrets: []string{"s3cret"}, AppRoles: []string{"Group.Read.All"}}); err != nil {
		t.Fatal(err)
	}
	tok := ts.token(t, url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {"s3cret"},
		"scope": {"https://graph.microsoft.com/.default"}})
	ts.do(t, tok, "GET", "/v1.0/groups", nil).wantStatus(t, 200)
	ts.do(t, tok, "GET", "/v1.0/users", nil).wantError(t, 403, "ErrorAccessDenied")
}

func TestDeviceCodeApproval(t *testing.T) {
	ts := newTestServer(t, Options{DeviceCodeInterval: time.Millisecond})
	resp, err := http.PostForm(ts.ts.URL+"/"+DemoTenantID+"/oauth2/v2.0/devicecode",
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
	resp, err = http.PostForm(ts.ts.URL+"/"+DemoTenantID+"/oauth2/v2.0/token", poll)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("pending poll: %d", resp.StatusCode)
	}
	if err := ts.ApproveDevice(context.Background(), "WRONG-CODE", DemoCarol); err == nil {
		t.Fatal("unknown user code approved")
	}
	if err := ts.ApproveDevice(context.Background(), dc.UserCode, DemoCarol); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Millisecond) // respect the polling interval
	tok := ts.token(t, poll)
	if r := ts.do(t, tok, "GET", "/v1.0/me", nil).wantStatus(t, 200); r.JSON["id"] != DemoCarolID {
		t.Fatalf("device code token is for %v", r.JSON["id"])
	}
}
