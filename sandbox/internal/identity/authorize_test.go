package identity

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestRedirectAllowed(t *testing.T) {
	app := App{RedirectURIs: []string{"http://localhost", "http://127.0.0.1:3000/cb", "https://app.example/callback", "myapp://auth"}}
	for uri, want := range map[string]bool{
		"http://localhost":                    true,
		"http://localhost:8400/callback":      true,
		"http://LOCALHOST:1/x?y=z":            true,
		"http://127.0.0.1:5555/other":         true,
		"https://app.example/callback":        true,
		"myapp://auth":                        true,
		"https://localhost:8400/callback":     false, // loopback matching is for http only
		"http://127.0.0.2/cb":                 false,
		"http://localhost.evil.example/cb":    false,
		"https://app.example/callback/extra":  false,
		"https://app.example/callback#frag":   false,
		"https://evil.example/callback":       false,
		"":                                    false,
		"not a uri":                           false,
		"http://localhost:8400/callback#frag": false,
	} {
		if got := redirectAllowed(app, uri); got != want {
			t.Errorf("redirectAllowed(%q) = %v, want %v", uri, got, want)
		}
	}
}

func authorizeURL(srv *httptest.Server, q url.Values) string {
	return srv.URL + "/" + testTenantID + "/oauth2/v2.0/authorize?" + q.Encode()
}

func readBody(t *testing.T, resp *http.Response, wantStatus int) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != wantStatus {
		t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, wantStatus, b)
	}
	return string(b)
}

func TestAuthorizeSignInForm(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	c := noRedirects(srv.Client())
	verifier, challenge := pkcePair(t)
	q := url.Values{"client_id": {publicID}, "response_type": {"code"}, "redirect_uri": {redirectURI}, "scope": {"Mail.Read"},
		"state": {"xyz"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}
	u := authorizeURL(srv, q)

	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	page := readBody(t, resp, http.StatusOK)
	if !strings.Contains(page, `<form method="post" action="/`+testTenantID+`/oauth2/v2.0/authorize?`) || !strings.Contains(page, "Public CLI") {
		t.Fatalf("no sign-in form: %s", page)
	}

	resp, err = c.PostForm(u, url.Values{"username": {"alice@" + testDomain}, "password": {"wrong"}})
	if err != nil {
		t.Fatal(err)
	}
	if page := readBody(t, resp, http.StatusOK); !strings.Contains(page, "Your username or password is incorrect.") || !strings.Contains(page, `value="alice@`+testDomain+`"`) {
		t.Fatalf("wrong password page: %s", page)
	}

	resp, err = c.PostForm(u, url.Values{"username": {"alice@" + testDomain}, "password": {alicePass}})
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp, http.StatusFound)
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if loc.Query().Get("state") != "xyz" {
		t.Fatalf("location = %s", loc)
	}
	body := postForm(t, srv, tokenPath, url.Values{"grant_type": {"authorization_code"}, "client_id": {publicID}, "code": {loc.Query().Get("code")},
		"redirect_uri": {redirectURI}, "code_verifier": {verifier}, "scope": {"Mail.Read"}}, http.StatusOK)
	if oid := jwtPayload(t, body["access_token"].(string))["oid"]; oid != aliceID {
		t.Fatalf("oid = %v", oid)
	}
	if strings.Contains(f.logs.String(), alicePass) {
		t.Fatal("the password reached the log")
	}
}

func TestAuthorizeResponseModesAndErrors(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.DefaultUser = "alice@" + testDomain })
	srv := f.server(t)
	c := noRedirects(srv.Client())
	base := func() url.Values {
		return url.Values{"client_id": {publicID}, "response_type": {"code"}, "redirect_uri": {redirectURI}, "scope": {"Mail.Read"}, "state": {"st"}}
	}

	t.Run("form_post", func(t *testing.T) {
		q := base()
		q.Set("response_mode", "form_post")
		resp, err := c.Get(authorizeURL(srv, q))
		if err != nil {
			t.Fatal(err)
		}
		page := readBody(t, resp, http.StatusOK)
		if !strings.Contains(page, `<form method="post" action="`+redirectURI+`">`) || !strings.Contains(page, `name="state" value="st"`) || !strings.Contains(page, `name="code" value="`) {
			t.Fatalf("form_post page: %s", page)
		}
	})
	t.Run("fragment", func(t *testing.T) {
		q := base()
		q.Set("response_mode", "fragment")
		loc := authorize(t, srv, q)
		frag, _ := url.ParseQuery(loc.Fragment)
		if frag.Get("code") == "" || frag.Get("state") != "st" || loc.RawQuery != "" {
			t.Fatalf("fragment location = %s", loc)
		}
	})
	t.Run("prompt=login shows the form despite the default user", func(t *testing.T) {
		q := base()
		q.Set("prompt", "login")
		resp, err := c.Get(authorizeURL(srv, q))
		if err != nil {
			t.Fatal(err)
		}
		if page := readBody(t, resp, http.StatusOK); !strings.Contains(page, `name="password"`) {
			t.Fatal("no form")
		}
	})
	for _, tc := range []struct {
		name, key, value, wantError, wantDesc string
	}{
		{"consent", "scope", "Files.ReadWrite.All", "consent_required", "AADSTS65001: "},
		{"response_type", "response_type", "token", "unsupported_response_type", "AADSTS700054: "},
		{"response_mode", "response_mode", "web_message", "invalid_request", "AADSTS900144: "},
		{"challenge method", "code_challenge_method", "S512", "invalid_request", "AADSTS501491: "},
		{"short challenge", "code_challenge", "abc", "invalid_request", "AADSTS501491: "},
		{"prompt", "prompt", "maybe", "invalid_request", "AADSTS90023: "},
		{"no scope", "scope", "", "invalid_request", "AADSTS900144: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := base()
			q.Set(tc.key, tc.value)
			loc := authorize(t, srv, q)
			if got := loc.Scheme + "://" + loc.Host + loc.Path; got != redirectURI {
				t.Fatalf("redirected to %s", got)
			}
			got := loc.Query()
			if got.Get("error") != tc.wantError || !strings.HasPrefix(got.Get("error_description"), tc.wantDesc) || got.Get("state") != "st" || got.Get("code") != "" {
				t.Fatalf("error redirect = %v", got)
			}
		})
	}
	t.Run("unregistered redirect is not followed", func(t *testing.T) {
		q := base()
		q.Set("redirect_uri", "https://evil.example/cb")
		resp, err := c.Get(authorizeURL(srv, q))
		if err != nil {
			t.Fatal(err)
		}
		if page := readBody(t, resp, http.StatusBadRequest); !strings.Contains(page, "AADSTS50011") || resp.Header.Get("Location") != "" {
			t.Fatalf("page: %s", page)
		}
	})
	t.Run("unknown client", func(t *testing.T) {
		q := base()
		q.Set("client_id", "99999999-9999-9999-9999-999999999999")
		resp, err := c.Get(authorizeURL(srv, q))
		if err != nil {
			t.Fatal(err)
		}
		if page := readBody(t, resp, http.StatusBadRequest); !strings.Contains(page, "AADSTS700016") {
			t.Fatalf("page: %s", page)
		}
	})
}

func TestAuthorizePromptNoneWithoutUser(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	q := url.Values{"client_id": {publicID}, "response_type": {"code"}, "redirect_uri": {redirectURI}, "scope": {"Mail.Read"}, "prompt": {"none"}}
	loc := authorize(t, srv, q)
	if loc.Query().Get("error") != "login_required" {
		t.Fatalf("location = %s", loc)
	}
}

func TestLogout(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	c := noRedirects(srv.Client())
	resp, err := c.Get(srv.URL + "/common/oauth2/v2.0/logout?client_id=" + publicID + "&state=s1&post_logout_redirect_uri=" + url.QueryEscape("http://localhost:8400/bye"))
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp, http.StatusFound)
	if got := resp.Header.Get("Location"); got != "http://localhost:8400/bye?state=s1" {
		t.Fatalf("Location = %q", got)
	}
	resp, err = c.Get(srv.URL + "/common/oauth2/v2.0/logout?client_id=" + publicID + "&post_logout_redirect_uri=" + url.QueryEscape("https://evil.example/"))
	if err != nil {
		t.Fatal(err)
	}
	if page := readBody(t, resp, http.StatusOK); !strings.Contains(page, "You have signed out") {
		t.Fatalf("page: %s", page)
	}
}

func TestFormPostToCustomScheme(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.DefaultUser = "alice@" + testDomain })
	f.dir.apps[0].RedirectURIs = append(f.dir.apps[0].RedirectURIs, "myapp://auth")
	srv := f.server(t)
	q := url.Values{"client_id": {publicID}, "response_type": {"code"}, "redirect_uri": {"myapp://auth"}, "scope": {"Mail.Read"}, "response_mode": {"form_post"}}
	resp, err := srv.Client().Get(authorizeURL(srv, q))
	if err != nil {
		t.Fatal(err)
	}
	if page := readBody(t, resp, http.StatusOK); !strings.Contains(page, `action="myapp://auth"`) {
		t.Fatalf("form_post page: %s", page)
	}
}
