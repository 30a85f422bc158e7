package cli

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
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

	"software.sslmate.com/src/go-pkcs12"

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
		if !strings.HasPrefix(string(m[1]), srv.URL()+"/") {
			t.Errorf("the device code flow points at %s, not the sandbox", m[1])
		}
		if err := srv.ApproveDevice(context.Background(), string(m[2]), as); err != nil {
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

// appCertificate is a self-signed client certificate and its key, registered
// on a new sandbox app.
type appCertificate struct {
	clientID        string
	key             *rsa.PrivateKey
	cert            *x509.Certificate
	certPEM, keyPEM []byte
}

func registerCertificateApp(t *testing.T, srv *sandbox.Server, clientID string) appCertificate {
	t.Helper()
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
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	ac := appCertificate{clientID: clientID, key: key, cert: cert,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})}
	if err := srv.RegisterApp(context.Background(), sandbox.App{ClientID: clientID, DisplayName: "cert app",
		CertificatesPEM: [][]byte{ac.certPEM}, AppRoles: []string{"User.Read.All"}}); err != nil {
		t.Fatal(err)
	}
	return ac
}

func TestLoginCertificate(t *testing.T) {
	t.Parallel()
	h, srv := tenantHarness(t)
	const clientID = "c0ffee00-0000-4000-8000-00000000ce47"
	ac := registerCertificateApp(t, srv, clientID)
	certPEM, keyPEM := ac.certPEM, ac.keyPEM
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

func TestLoginCertificatePFX(t *testing.T) {
	t.Parallel()
	h, srv := tenantHarness(t)
	const clientID = "c0ffee00-0000-4000-8000-0000000000f1"
	ac := registerCertificateApp(t, srv, clientID)
	const password = "pfx-Password-7f3a9c"
	pfx, err := pkcs12.Modern.Encode(ac.key, ac.cert, nil, password)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "app.pfx")
	if err := os.WriteFile(file, pfx, 0o600); err != nil {
		t.Fatal(err)
	}
	login := []string{"--verbose", "login", "--certificate", file, "--certificate-password-env", "CERT_PASSWORD",
		"--client-id", clientID, "--tenant", sandbox.DemoTenantID}

	// Refused before any sign-in: no password, a wrong one, an empty variable.
	var outputs []result
	for _, tc := range []struct {
		name, env string
		args      []string
		hint      string
	}{
		{"no --certificate-password-env", "", []string{"login", "--certificate", file, "--client-id", clientID, "--tenant", sandbox.DemoTenantID},
			"hint: the certificate is password-protected: put the password in an environment variable and name it with --certificate-password-env NAME"},
		{"a wrong password", "pfx-password-7f3a9c", login, "hint: check the certificate's password in environment variable CERT_PASSWORD"},
		{"an empty variable", "", login, "hint: environment variable CERT_PASSWORD is empty: export it with the certificate's password"},
	} {
		h.env["CERT_PASSWORD"] = tc.env
		r := h.run(tc.args...)
		outputs = append(outputs, r)
		if r.code != ExitUsage || !strings.Contains(r.stderr, "wrong certificate password") || !strings.Contains(r.stderr, tc.hint+"\n") {
			t.Errorf("%s: exit %d, want %d; stderr %q", tc.name, r.code, ExitUsage, r.stderr)
		}
	}

	h.env["CERT_PASSWORD"] = password
	outputs = append(outputs, h.mustRun(login...))
	// Later commands read the .pfx again, with the password from the same variable.
	r := h.mustRun("--verbose", "--json", "--resource", "user:"+sandbox.DemoCarol, "whoami")
	outputs = append(outputs, r)
	if got := jsonOut[map[string]any](t, r)["userPrincipalName"]; got != sandbox.DemoCarol {
		t.Errorf("whoami as the .pfx app: userPrincipalName %v; stdout %q", got, r.stdout)
	}
	state, err := os.ReadFile(filepath.Join(h.env["XDG_CONFIG_HOME"], "o365", loginStateFile))
	if err != nil {
		t.Fatal(err)
	}
	var states map[string]loginState
	if err := json.Unmarshal(state, &states); err != nil {
		t.Fatal(err)
	}
	if ls := states[profileKey("")]; ls.Flow != flowCertificate || ls.Certificate != file || ls.CertificatePasswordEnv != "CERT_PASSWORD" {
		t.Errorf("login.json %s", state)
	}

	h.env["CERT_PASSWORD"] = "changed"
	r = h.run("--resource", "user:"+sandbox.DemoCarol, "whoami")
	outputs = append(outputs, r)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "wrong certificate password") {
		t.Errorf("whoami after the password variable changed: exit %d; stderr %q", r.code, r.stderr)
	}
	for i, r := range append(outputs, result{stdout: string(state)}) {
		if strings.Contains(strings.ToLower(r.stdout+r.stderr), strings.ToLower(password)) {
			t.Errorf("output %d holds a certificate password", i)
		}
	}
}
