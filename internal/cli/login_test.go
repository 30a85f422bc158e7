package cli

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"html"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/o365go/o365/auth"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// tenantHarness runs o365 without --sandbox against a sandbox standing in for
// Microsoft's cloud, so that `o365 login` runs its real flows.
func tenantHarness(t *testing.T) (*harness, *sandbox.Server) {
	t.Helper()
	srv := o365test.NewSandbox(t, o365test.WithTLS())
	h := newHarness(t)
	h.cloud = &Cloud{BaseURL: srv.URL(), HTTPClient: srv.Client()}
	return h, srv
}

var deviceMessageRE = regexp.MustCompile(`open the page (\S+) and enter the code (\S+)`)

func TestLoginDeviceCode(t *testing.T) {
	t.Parallel()
	h, srv := tenantHarness(t)
	approved := 0
	as := sandbox.DemoUser
	// The person on the other device: approve the code o365 prints.
	h.onStderr = func(p []byte) {
		m := deviceMessageRE.FindSubmatch(p)
		if m == nil {
			return
		}
		if err := approveSandboxDevice(context.Background(), srv, deviceCodeInfo{VerificationURL: string(m[1]), UserCode: string(m[2])}, as); err != nil {
			t.Errorf("approving the device code: %v", err)
		}
		approved++
	}
	login := []string{"login", "--device-code", "--client-id", sandbox.DemoPublicClientID, "--tenant", sandbox.DemoTenantID, "--scopes", "User.Read,User.ReadBasic.All"}
	r := h.mustRun(login...)
	if approved != 1 {
		t.Fatalf("device code approved %d times; stderr %q", approved, r.stderr)
	}
	if !strings.Contains(r.stdout, sandbox.DemoUser) {
		t.Errorf("login printed %q", r.stdout)
	}
	for _, name := range []string{auth.DefaultTokenFile, loginStateFile} {
		fi, err := os.Stat(filepath.Join(h.env["XDG_CONFIG_HOME"], "o365", name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", name, fi.Mode().Perm())
		}
	}
	r = h.mustRun("whoami")
	if !strings.Contains(r.stdout, "Alice Adams") {
		t.Errorf("whoami printed %q", r.stdout)
	}

	// A second user in the same store becomes the current one.
	as = sandbox.DemoBob
	h.mustRun(login...)
	if r := h.mustRun("whoami"); !strings.Contains(r.stdout, "Bob Baker") {
		t.Errorf("whoami after signing in as Bob printed %q", r.stdout)
	}
	r = h.mustRun("accounts")
	if !strings.Contains(r.stdout, sandbox.DemoUser) || !strings.Contains(r.stdout, sandbox.DemoBob) {
		t.Errorf("accounts printed %q", r.stdout)
	}
	h.mustRun("logout", "--user", sandbox.DemoUser)
	r = h.mustRun("--json", "accounts")
	if strings.Contains(r.stdout, sandbox.DemoUser) || !strings.Contains(r.stdout, sandbox.DemoBob) {
		t.Errorf("accounts after logout --user alice: %q", r.stdout)
	}
	h.mustRun("logout")
	if r := h.run("whoami"); r.code != ExitSignIn || !strings.Contains(r.stderr, "o365 login") {
		t.Errorf("whoami after logout: exit %d, want %d; stderr %q", r.code, ExitSignIn, r.stderr)
	}
}

func TestLoginClientSecret(t *testing.T) {
	t.Parallel()
	h, _ := tenantHarness(t)
	h.env["DAEMON_SECRET"] = sandbox.DemoDaemonSecret

	if r := h.run("login", "--client-secret-env", "DAEMON_SECRET", "--client-id", sandbox.DemoDaemonClientID); r.code != ExitUsage {
		t.Errorf("app login without --tenant: exit %d, want 2", r.code)
	}
	if r := h.run("login", "--client-secret-env", "DAEMON_SECRET", "--device-code", "--client-id", "x"); r.code != ExitUsage {
		t.Errorf("two flows: exit %d, want 2", r.code)
	}
	var outputs []result
	outputs = append(outputs, h.mustRun("--verbose", "login", "--client-secret-env", "DAEMON_SECRET",
		"--client-id", sandbox.DemoDaemonClientID, "--tenant", sandbox.DemoTenantDomain))
	r := h.mustRun("--verbose", "--resource", "user:"+sandbox.DemoBob, "whoami")
	outputs = append(outputs, r)
	if !strings.Contains(r.stdout, "Bob Baker") {
		t.Errorf("app-only whoami --resource bob printed %q", r.stdout)
	}
	r = h.run("--verbose", "whoami")
	outputs = append(outputs, r)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--resource user:") {
		t.Errorf("app-only whoami on me: exit %d, stderr %q", r.code, r.stderr)
	}
	// The secret from stdin: not kept, but the sign-in works.
	outputs = append(outputs, h.runWithInput(sandbox.DemoDaemonSecret+"\n", "--verbose", "--profile", "default", "login",
		"--client-secret-stdin", "--client-id", sandbox.DemoDaemonClientID, "--tenant", sandbox.DemoTenantID))
	if outputs[len(outputs)-1].code != 0 {
		t.Errorf("login --client-secret-stdin: %+v", outputs[len(outputs)-1])
	}
	r = h.run("--verbose", "--resource", "user:"+sandbox.DemoBob, "api", "/users", "--paginate")
	outputs = append(outputs, r)
	if r.code != 0 || !strings.Contains(r.stdout, sandbox.DemoCarol) {
		t.Errorf("app-only api /users after a stdin login: exit %d\nstdout %q\nstderr %q", r.code, r.stdout, r.stderr)
	}

	secrets := append(tokenSecrets(t, filepath.Join(h.env["XDG_CONFIG_HOME"], "o365", auth.DefaultTokenFile)), sandbox.DemoDaemonSecret)
	state, err := os.ReadFile(filepath.Join(h.env["XDG_CONFIG_HOME"], "o365", loginStateFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if strings.Contains(string(state), s) {
			t.Errorf("login.json holds a secret")
		}
		for i, r := range outputs {
			if strings.Contains(r.stdout+r.stderr, s) {
				t.Errorf("run %d: a secret (%.6s...) reached the output", i, s)
			}
		}
	}
}

var (
	formActionRE = regexp.MustCompile(`<form method="post" action="([^"]+)">`)
	hiddenRE     = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// browser plays the browser of the loopback sign-in: it opens the authorize
// URL at the sandbox (which signs the demo user in without a form) and posts
// the form_post answer back to o365's loopback listener.
func browser(t *testing.T, srv *sandbox.Server) func(string) error {
	return func(authURL string) error {
		go func() {
			resp, err := srv.Client().Get(authURL)
			if err != nil {
				t.Errorf("browser: %v", err)
				return
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			action := formActionRE.FindSubmatch(page)
			if action == nil {
				t.Errorf("browser: no form_post form in %s", page)
				return
			}
			form := url.Values{}
			for _, m := range hiddenRE.FindAllSubmatch(page, -1) {
				form.Set(html.UnescapeString(string(m[1])), html.UnescapeString(string(m[2])))
			}
			resp, err = http.PostForm(html.UnescapeString(string(action[1])), form)
			if err != nil {
				t.Errorf("browser: posting to the loopback: %v", err)
				return
			}
			resp.Body.Close()
		}()
		return nil
	}
}

func TestLoginBrowser(t *testing.T) {
	t.Parallel()
	h, srv := tenantHarness(t)
	h.openBrowser = browser(t, srv)
	r := h.mustRun("login", "--browser", "--client-id", sandbox.DemoPublicClientID, "--tenant", sandbox.DemoTenantDomain)
	if !strings.Contains(r.stdout, sandbox.DemoUser) {
		t.Errorf("login --browser printed %q (stderr %q)", r.stdout, r.stderr)
	}
	if r := h.mustRun("--json", "api", "/me"); !strings.Contains(r.stdout, sandbox.DemoUserID) {
		t.Errorf("api /me after a browser sign-in: %q", r.stdout)
	}
}

func TestLoginCertificate(t *testing.T) {
	t.Parallel()
	h, srv := tenantHarness(t)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "o365 cli test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	const clientID = "c0ffee00-0000-4000-8000-00000000ce47"
	if err := srv.RegisterApp(context.Background(), sandbox.App{ClientID: clientID, DisplayName: "cert app",
		CertificatesPEM: [][]byte{certPEM}, AppRoles: []string{"User.Read.All"}}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "app.pem")
	if err := os.WriteFile(file, append(certPEM, keyPEM...), 0o600); err != nil {
		t.Fatal(err)
	}
	outputs := []result{h.mustRun("--verbose", "login", "--certificate", file, "--client-id", clientID, "--tenant", sandbox.DemoTenantID)}
	r := h.mustRun("--verbose", "--resource", "user:"+sandbox.DemoCarol, "whoami")
	outputs = append(outputs, r)
	if !strings.Contains(r.stdout, "Carol Clark") {
		t.Errorf("whoami as the certificate app printed %q", r.stdout)
	}
	keyLine := strings.Split(string(keyPEM), "\n")[1]
	state, _ := os.ReadFile(filepath.Join(h.env["XDG_CONFIG_HOME"], "o365", loginStateFile))
	for _, r := range append(outputs, result{stdout: string(state)}) {
		if strings.Contains(r.stdout+r.stderr, keyLine) || strings.Contains(r.stdout+r.stderr, "PRIVATE KEY") {
			t.Errorf("the private key reached the output or login.json")
		}
	}
	if r := h.run("login", "--certificate", filepath.Join(t.TempDir(), "missing.pem"), "--client-id", clientID, "--tenant", sandbox.DemoTenantID); r.code != ExitUsage {
		t.Errorf("a missing certificate file: exit %d, want 2", r.code)
	}
}
