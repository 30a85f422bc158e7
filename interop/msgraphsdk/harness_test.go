// Package msgraphsdk drives the sandbox with Microsoft's Go SDK
// (github.com/microsoftgraph/msgraph-sdk-go) and its default middleware, so
// that what a real program sends, and Graph accepts, is accepted here too.
// It is a module of its own, kept out of the main module's build: see
// README.md.
package msgraphsdk

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	khttp "github.com/microsoft/kiota-http-go"
	msgraphsdk "github.com/microsoftgraph/msgraph-sdk-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	auth "github.com/microsoftgraph/msgraph-sdk-go-core/authentication"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"

	"github.com/o365go/o365/sandbox"
)

// graphScope is what a program asks azidentity for: the app's consented
// Graph permissions.
const graphScope = "https://graph.microsoft.com/.default"

// env is one started sandbox and the SDK clients that talk to it.
type env struct {
	srv   *sandbox.Server
	alice *msgraphsdk.GraphServiceClient // delegated: Alice through the demo public client, by ROPC
	app   *msgraphsdk.GraphServiceClient // app-only: the demo daemon, by client credentials
	wire  *wireLog
}

// newEnv starts a TLS sandbox with the demo tenant (MSAL, under azidentity,
// wants an https authority; kiota's auth provider wants https too) and
// builds the SDK's clients the way a program would, pointed at it.
func newEnv(t *testing.T) *env {
	t.Helper()
	srv, err := sandbox.New(sandbox.Options{Seed: "demo", TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		srv.Close()
	})
	e := &env{srv: srv, wire: &wireLog{}}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("wire log:\n%s", e.wire)
		}
	})
	e.alice = e.userClient(t, sandbox.DemoPublicClientID, sandbox.DemoUser)
	e.app = e.appClient(t)
	return e
}

// identity is what every azidentity credential needs to reach the sandbox
// instead of login.microsoftonline.com.
func (e *env) identity() azcore.ClientOptions {
	return azcore.ClientOptions{
		Cloud:     cloud.Configuration{ActiveDirectoryAuthorityHost: e.srv.URL() + "/"},
		Transport: e.srv.Client(),
	}
}

// userClient signs login in through clientID with azidentity's
// UsernamePasswordCredential (ROPC).
func (e *env) userClient(t *testing.T, clientID, login string) *msgraphsdk.GraphServiceClient {
	t.Helper()
	//lint:ignore SA1019 ROPC is the only delegated flow that runs unattended; the sandbox serves it as Entra does.
	opts := &azidentity.UsernamePasswordCredentialOptions{ClientOptions: e.identity(), DisableInstanceDiscovery: true}
	cred, err := azidentity.NewUsernamePasswordCredential(e.srv.TenantID(), clientID, login, sandbox.DemoPassword, opts)
	if err != nil {
		t.Fatal(err)
	}
	return e.client(t, cred)
}

// appClient is the demo daemon with azidentity's ClientSecretCredential.
func (e *env) appClient(t *testing.T) *msgraphsdk.GraphServiceClient {
	t.Helper()
	cred, err := azidentity.NewClientSecretCredential(e.srv.TenantID(), sandbox.DemoDaemonClientID, sandbox.DemoDaemonSecret,
		&azidentity.ClientSecretCredentialOptions{ClientOptions: e.identity(), DisableInstanceDiscovery: true})
	if err != nil {
		t.Fatal(err)
	}
	return e.client(t, cred)
}

// client is msgraphsdk.NewGraphServiceClientWithCredentials with two
// differences a program pointed at another host needs: the sandbox's host
// is an allowed host of the auth provider, and the transport under the
// SDK's default middleware trusts the sandbox's self-signed certificate.
// The middleware is the SDK's default pipeline, unchanged.
func (e *env) client(t *testing.T, cred azcore.TokenCredential) *msgraphsdk.GraphServiceClient {
	t.Helper()
	provider, err := auth.NewAzureIdentityAuthenticationProviderWithScopesAndValidHosts(cred, []string{graphScope}, []string{"127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	opts := msgraphsdk.GetDefaultClientOptions()
	tr := khttp.GetDefaultTransport().(*http.Transport)
	tr.TLSClientConfig = &tls.Config{RootCAs: e.srv.CertPool(), MinVersion: tls.VersionTLS12}
	httpClient := &http.Client{
		Transport: khttp.NewCustomTransportWithParentTransport(&recorder{next: tr, log: e.wire},
			msgraphcore.GetDefaultMiddlewaresWithOptions(&opts)...),
		// As khttp.GetDefaultClient: the redirect middleware follows redirects.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       100 * time.Second,
	}
	adapter, err := msgraphsdk.NewGraphRequestAdapterWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(provider, nil, nil, httpClient)
	if err != nil {
		t.Fatal(err)
	}
	adapter.SetBaseUrl(e.srv.URL() + "/v1.0")
	return msgraphsdk.NewGraphServiceClient(adapter)
}

// recorder sits under the middleware, on the wire: it keeps every exchange
// for the failure log.
type recorder struct {
	next http.RoundTripper
	log  *wireLog
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	x := exchange{method: req.Method, url: req.URL.String(), header: req.Header.Clone()}
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		x.status = "transport error: " + err.Error()
		r.log.add(x)
		return nil, err
	}
	x.status = resp.Status
	if resp.StatusCode >= 400 {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		x.answer = string(body)
	}
	r.log.add(x)
	return resp, nil
}

type exchange struct {
	method, url, status, answer string
	header                      http.Header
}

// wireLog is what went over the wire, for the failure log.
type wireLog struct {
	mu sync.Mutex
	xs []exchange
}

func (w *wireLog) add(x exchange) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.xs = append(w.xs, x)
}

// last returns the last exchange whose URL contains s.
func (w *wireLog) last(s string) (exchange, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := len(w.xs) - 1; i >= 0; i-- {
		if strings.Contains(w.xs[i].url, s) {
			return w.xs[i], true
		}
	}
	return exchange{}, false
}

// all returns every exchange so far.
func (w *wireLog) all() []exchange {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]exchange(nil), w.xs...)
}

func (w *wireLog) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var b strings.Builder
	for _, x := range w.xs {
		fmt.Fprintf(&b, "%s %s -> %s", x.method, x.url, x.status)
		if ce := x.header.Get("Content-Encoding"); ce != "" {
			fmt.Fprintf(&b, " (body %s)", ce)
		}
		if x.answer != "" {
			fmt.Fprintf(&b, "\n    %s", x.answer)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// must fails the test with Graph's error as the SDK decoded it.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %s", what, describe(err))
	}
}

// describe renders an SDK error with Graph's code and message.
func describe(err error) string {
	var odata *odataerrors.ODataError
	if errors.As(err, &odata) {
		if main := odata.GetErrorEscaped(); main != nil {
			return fmt.Sprintf("%d %s: %s", odata.ResponseStatusCode, deref(main.GetCode()), deref(main.GetMessage()))
		}
		return fmt.Sprintf("%d %v", odata.ResponseStatusCode, err)
	}
	return err.Error()
}

// wantODataError checks that err is Graph's error with status and code.
func wantODataError(t *testing.T, what string, err error, status int, code string) {
	t.Helper()
	var odata *odataerrors.ODataError
	if !errors.As(err, &odata) {
		t.Fatalf("%s: want %d %s, got %v", what, status, code, err)
	}
	got := ""
	if main := odata.GetErrorEscaped(); main != nil {
		got = deref(main.GetCode())
	}
	if odata.ResponseStatusCode != status || got != code {
		t.Fatalf("%s: want %d %s, got %s", what, status, code, describe(err))
	}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func ptr[T any](v T) *T { return &v }

// TestSignIn is the smallest round: both credentials get tokens from the
// sandbox's identity platform and the SDK reads who they are.
func TestSignIn(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	me, err := e.alice.Me().Get(ctx, nil)
	must(t, "GET /me", err)
	if deref(me.GetId()) != sandbox.DemoUserID || deref(me.GetUserPrincipalName()) != sandbox.DemoUser {
		t.Fatalf("/me is %s %s", deref(me.GetId()), deref(me.GetUserPrincipalName()))
	}
	bob, err := e.app.Users().ByUserId(sandbox.DemoBob).Get(ctx, nil)
	must(t, "GET /users/bob (app)", err)
	if deref(bob.GetId()) != sandbox.DemoBobID {
		t.Fatalf("Bob's id is %s", deref(bob.GetId()))
	}
	_, err = e.app.Me().Get(ctx, nil)
	wantODataError(t, "GET /me with an app-only token", err, 400, "BadRequest")
	// The SDK's request carries its telemetry and a gzip-accepting transport.
	x, ok := e.wire.last("/v1.0/me")
	if !ok || !strings.HasPrefix(x.header.Get("SdkVersion"), "graph-go/") {
		t.Fatalf("SDK headers not seen: %v", x.header)
	}
}
