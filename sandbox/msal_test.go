package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// TestMSALAgainstServer signs in with the real MSAL Go library against a
// started TLS sandbox (MSAL needs an https authority), by authorization code
// with PKCE and by client credentials, and uses the tokens
// on Graph: the identity endpoints and the data endpoints agree.
func TestMSALAgainstServer(t *testing.T) {
	s, err := New(Options{Seed: "demo", TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	me := func(token, path string) map[string]any {
		req, _ := http.NewRequest("GET", s.GraphURL()+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		json.NewDecoder(resp.Body).Decode(&body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %v", path, resp.StatusCode, body)
		}
		return body
	}

	pca, err := public.New(DemoPublicClientID, public.WithAuthority(s.AuthorityURL("")),
		public.WithHTTPClient(s.Client()), public.WithInstanceDiscovery(false))
	if err != nil {
		t.Fatal(err)
	}
	// Authorization code with PKCE: the sandbox signs DemoUser in without a
	// form and redirects with the code.
	const redirect = "http://localhost:8400"
	verifier := "sandbox-test-verifier-0123456789-0123456789-0123456789"
	sum := sha256.Sum256([]byte(verifier))
	authURL, err := pca.AuthCodeURL(ctx, DemoPublicClientID, redirect, []string{"User.Read", "Mail.Read"})
	if err != nil {
		t.Fatal(err)
	}
	authURL += "&code_challenge=" + base64.RawURLEncoding.EncodeToString(sum[:]) + "&code_challenge_method=S256"
	noRedirect := s.Client()
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noRedirect.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("authorize answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	res, err := pca.AcquireTokenByAuthCode(ctx, loc.Query().Get("code"), redirect, []string{"User.Read", "Mail.Read"},
		public.WithChallenge(verifier))
	if err != nil {
		t.Fatalf("auth code: %v", err)
	}
	if got := me(res.AccessToken, "me")["id"]; got != DemoUserID {
		t.Fatalf("MSAL user token is for %v", got)
	}

	cred, err := confidential.NewCredFromSecret(DemoDaemonSecret)
	if err != nil {
		t.Fatal(err)
	}
	cca, err := confidential.New(s.AuthorityURL(""), DemoDaemonClientID, cred,
		confidential.WithHTTPClient(s.Client()), confidential.WithInstanceDiscovery(false))
	if err != nil {
		t.Fatal(err)
	}
	app, err := cca.AcquireTokenByCredential(ctx, []string{"https://graph.microsoft.com/.default"})
	if err != nil {
		t.Fatalf("client credentials: %v", err)
	}
	if got := me(app.AccessToken, "users/"+DemoCarol)["id"]; got != DemoCarolID {
		t.Fatalf("MSAL app token read %v", got)
	}
}
