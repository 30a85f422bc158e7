package identity

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

const tokenPath = "/" + testTenantID + "/oauth2/v2.0/token"

func TestTokenRequestErrors(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	graphDefault := "https://graph.microsoft.com/.default"
	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
		code   string
		aadsts int
	}{
		{"no grant_type", url.Values{"client_id": {publicID}}, 400, "invalid_request", 900144},
		{"unsupported grant", url.Values{"grant_type": {"implicit"}}, 400, "unsupported_grant_type", 70003},
		{"no client_id", url.Values{"grant_type": {"client_credentials"}}, 400, "invalid_request", 900144},
		{"unknown client", url.Values{"grant_type": {"client_credentials"}, "client_id": {uuid.NewString()}}, 400, "unauthorized_client", 700016},
		{"confidential without credentials", url.Values{"grant_type": {"client_credentials"}, "client_id": {webID}, "scope": {graphDefault}}, 401, "invalid_client", 7000218},
		{"wrong secret", url.Values{"grant_type": {"client_credentials"}, "client_id": {webID}, "client_secret": {"nope"}, "scope": {graphDefault}}, 401, "invalid_client", 7000215},
		{"public with secret", url.Values{"grant_type": {"password"}, "client_id": {publicID}, "client_secret": {"x"}}, 401, "invalid_client", 700025},
		{"public client credentials", url.Values{"grant_type": {"client_credentials"}, "client_id": {publicID}, "scope": {graphDefault}}, 401, "invalid_client", 7000218},
		{"client credentials without .default", url.Values{"grant_type": {"client_credentials"}, "client_id": {webID}, "client_secret": {webSecret}, "scope": {"Mail.Read"}}, 400, "invalid_scope", 1002012},
		{"client credentials only oidc", url.Values{"grant_type": {"client_credentials"}, "client_id": {webID}, "client_secret": {webSecret}, "scope": {"openid profile"}}, 400, "invalid_scope", 1002012},
		{"client credentials unknown api", url.Values{"grant_type": {"client_credentials"}, "client_id": {webID}, "client_secret": {webSecret}, "scope": {"api://" + uuid.NewString() + "/.default"}}, 400, "invalid_resource", 500011},
		{"unknown resource", url.Values{"grant_type": {"client_credentials"}, "client_id": {webID}, "client_secret": {webSecret}, "scope": {"https://vault.azure.net/.default"}}, 400, "invalid_resource", 500011},
		{"two resources", url.Values{"grant_type": {"password"}, "client_id": {publicID}, "username": {"alice@" + testDomain}, "password": {alicePass}, "scope": {"Mail.Read https://outlook.office.com/Mail.Read"}}, 400, "invalid_scope", 28000},
		{".default with others", url.Values{"grant_type": {"password"}, "client_id": {publicID}, "username": {"alice@" + testDomain}, "password": {alicePass}, "scope": {".default Mail.Read"}}, 400, "invalid_scope", 70011},
		{"malformed scope", url.Values{"grant_type": {"password"}, "client_id": {publicID}, "username": {"alice@" + testDomain}, "password": {alicePass}, "scope": {"Mail.Read<script>"}}, 400, "invalid_scope", 70011},
		{"unknown user", url.Values{"grant_type": {"password"}, "client_id": {publicID}, "username": {"carol@" + testDomain}, "password": {alicePass}, "scope": {"Mail.Read"}}, 400, "invalid_grant", 50126},
		{"no code", url.Values{"grant_type": {"authorization_code"}, "client_id": {publicID}}, 400, "invalid_request", 900144},
		{"unknown code", url.Values{"grant_type": {"authorization_code"}, "client_id": {publicID}, "code": {"abc"}, "redirect_uri": {redirectURI}}, 400, "invalid_grant", 70000},
		{"unknown refresh token", url.Values{"grant_type": {"refresh_token"}, "client_id": {publicID}, "refresh_token": {"abc"}, "scope": {"Mail.Read"}}, 400, "invalid_grant", 70000},
		{"unknown device code", url.Values{"grant_type": {"device_code"}, "client_id": {publicID}, "device_code": {"abc"}}, 400, "bad_verification_code", 70000},
		{"obo without requested_token_use", url.Values{"grant_type": {grantJWTBearer}, "client_id": {apiID}, "client_secret": {apiSecret}, "assertion": {"x"}, "scope": {"Mail.Read"}}, 400, "invalid_request", 900144},
		{"obo with garbage", url.Values{"grant_type": {grantJWTBearer}, "client_id": {apiID}, "client_secret": {apiSecret}, "requested_token_use": {"on_behalf_of"}, "assertion": {"x.y.z"}, "scope": {"Mail.Read"}}, 400, "invalid_grant", 50013},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertOAuthError(t, postForm(t, srv, tokenPath, tc.form, tc.status), tc.code, tc.aadsts)
		})
	}
}

func TestConsentRequired(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	body := postForm(t, srv, tokenPath, url.Values{"grant_type": {"password"}, "client_id": {publicID},
		"username": {"alice@" + testDomain}, "password": {alicePass}, "scope": {"https://graph.microsoft.com/Files.ReadWrite.All"}}, http.StatusBadRequest)
	assertOAuthError(t, body, "invalid_grant", 65001)
	if body["suberror"] != "consent_required" {
		t.Fatalf("suberror = %v", body["suberror"])
	}
}

func TestTokenRequestShape(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	post := func(contentType, body string) *http.Response {
		t.Helper()
		resp, err := srv.Client().Post(srv.URL+tokenPath, contentType, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	assertOAuthError(t, decode(t, post("application/json", `{"grant_type":"password"}`), 400), "invalid_request", 900144)
	assertOAuthError(t, decode(t, post("application/x-www-form-urlencoded", "grant_type=password&grant_type=client_credentials"), 400), "invalid_request", 90014)
	assertOAuthError(t, decode(t, post("application/x-www-form-urlencoded", "grant_type=%zz"), 400), "invalid_request", 900144)
	assertOAuthError(t, decode(t, post("application/x-www-form-urlencoded", "x="+strings.Repeat("a", maxFormBytes)), 400), "invalid_request", 90015)
	resp, err := srv.Client().Get(srv.URL + tokenPath)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET token: status %d", resp.StatusCode)
	}
}

func TestTokenResponseExact(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.AccessTokenTTL = 30 * time.Minute })
	srv := f.server(t)
	body := postForm(t, srv, "/"+testDomain+"/oauth2/v2.0/token", url.Values{"grant_type": {"password"}, "client_id": {publicID},
		"username": {"Alice@" + testDomain}, "password": {alicePass}, "client_info": {"1"},
		"scope": {"mail.read https://graph.microsoft.com/User.Read openid profile email offline_access"}}, http.StatusOK)
	for _, k := range []string{"access_token", "refresh_token", "id_token"} {
		if s, _ := body[k].(string); s == "" {
			t.Fatalf("%s missing", k)
		}
	}
	ci, _ := base64.RawURLEncoding.DecodeString(body["client_info"].(string))
	if string(ci) != `{"uid":"`+aliceID+`","utid":"`+testTenantID+`"}` {
		t.Fatalf("client_info = %s", ci)
	}
	want := map[string]any{"token_type": "Bearer", "scope": "mail.read https://graph.microsoft.com/User.Read openid profile email",
		"expires_in": float64(1800), "ext_expires_in": float64(1800)}
	for k, v := range want {
		if body[k] != v {
			t.Fatalf("%s = %v, want %v", k, body[k], v)
		}
	}
	now := f.clock.Now().Unix()
	at := jwtPayload(t, body["access_token"].(string))
	delete(at, "uti")
	wantAT := map[string]any{
		"aud": graphResource, "iss": srv.URL + "/" + testTenantID + "/v2.0", "iat": float64(now), "nbf": float64(now), "exp": float64(now + 1800),
		"tid": testTenantID, "oid": aliceID, "sub": pairwiseSubject(aliceID, publicID), "upn": "alice@" + testDomain,
		"unique_name": "alice@" + testDomain, "preferred_username": "alice@" + testDomain, "name": "Alice Adams",
		"appid": publicID, "azp": publicID, "appidacr": "0", "azpacr": "0", "scp": "Mail.Read User.Read", "ver": "2.0", "idtyp": "user",
	}
	if !reflect.DeepEqual(at, wantAT) {
		t.Fatalf("access token claims\n got %v\nwant %v", at, wantAT)
	}
	id := jwtPayload(t, body["id_token"].(string))
	wantID := map[string]any{
		"aud": publicID, "iss": srv.URL + "/" + testTenantID + "/v2.0", "iat": float64(now), "nbf": float64(now), "exp": float64(now + 3600),
		"oid": aliceID, "sub": pairwiseSubject(aliceID, publicID), "tid": testTenantID, "preferred_username": "alice@" + testDomain,
		"name": "Alice Adams", "ver": "2.0", "email": "alice@contoso.com",
	}
	if !reflect.DeepEqual(id, wantID) {
		t.Fatalf("id token claims\n got %v\nwant %v", id, wantID)
	}
	// Without offline_access and openid: no refresh token, no id token.
	body = postForm(t, srv, tokenPath, url.Values{"grant_type": {"password"}, "client_id": {publicID},
		"username": {"alice@" + testDomain}, "password": {alicePass}, "scope": {"https://outlook.office.com/Mail.Read"}}, http.StatusOK)
	if _, ok := body["refresh_token"]; ok {
		t.Fatal("refresh token without offline_access")
	}
	if _, ok := body["id_token"]; ok {
		t.Fatal("id token without openid")
	}
	if aud := jwtPayload(t, body["access_token"].(string))["aud"]; aud != outlookResource {
		t.Fatalf("outlook aud = %v", aud)
	}
}

// authorize runs the authorize endpoint and returns the Location it redirects to.
func authorize(t *testing.T, srv *httptest.Server, q url.Values) *url.URL {
	t.Helper()
	return redirectLocation(t, srv.Client(), authorizeURL(srv, q))
}

func authorizeQuery(challenge, method string) url.Values {
	q := url.Values{"client_id": {publicID}, "response_type": {"code"}, "redirect_uri": {redirectURI},
		"scope": {"Mail.Read openid offline_access"}, "state": {"s"}, "login_hint": {"bob@" + testDomain}}
	if challenge != "" {
		q.Set("code_challenge", challenge)
		q.Set("code_challenge_method", method)
	}
	return q
}

func redeem(code, verifier, redirect string) url.Values {
	v := url.Values{"grant_type": {"authorization_code"}, "client_id": {publicID}, "code": {code}, "redirect_uri": {redirect},
		"scope": {"Mail.Read openid offline_access"}}
	if verifier != "" {
		v.Set("code_verifier", verifier)
	}
	return v
}

func TestAuthorizationCodeRules(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	verifier, challenge := pkcePair(t)

	t.Run("login_hint signs in and the code works once", func(t *testing.T) {
		code := authorize(t, srv, authorizeQuery(challenge, "S256")).Query().Get("code")
		body := postForm(t, srv, tokenPath, redeem(code, verifier, redirectURI), http.StatusOK)
		if oid := jwtPayload(t, body["access_token"].(string))["oid"]; oid != bobID {
			t.Fatalf("oid = %v, want bob", oid)
		}
		assertOAuthError(t, postForm(t, srv, tokenPath, redeem(code, verifier, redirectURI), 400), "invalid_grant", 70000)
	})
	t.Run("plain PKCE", func(t *testing.T) {
		code := authorize(t, srv, authorizeQuery(verifier, "plain")).Query().Get("code")
		postForm(t, srv, tokenPath, redeem(code, verifier, redirectURI), http.StatusOK)
	})
	t.Run("wrong verifier", func(t *testing.T) {
		code := authorize(t, srv, authorizeQuery(challenge, "S256")).Query().Get("code")
		other, _ := pkcePair(t)
		assertOAuthError(t, postForm(t, srv, tokenPath, redeem(code, other, redirectURI), 400), "invalid_grant", 501481)
	})
	t.Run("missing verifier", func(t *testing.T) {
		code := authorize(t, srv, authorizeQuery(challenge, "S256")).Query().Get("code")
		assertOAuthError(t, postForm(t, srv, tokenPath, redeem(code, "", redirectURI), 400), "invalid_grant", 50148)
	})
	t.Run("redirect mismatch", func(t *testing.T) {
		code := authorize(t, srv, authorizeQuery(challenge, "S256")).Query().Get("code")
		assertOAuthError(t, postForm(t, srv, tokenPath, redeem(code, verifier, "http://localhost:9999/other"), 400), "invalid_grant", 50148)
	})
	t.Run("other client", func(t *testing.T) {
		code := authorize(t, srv, authorizeQuery(challenge, "S256")).Query().Get("code")
		v := redeem(code, verifier, redirectURI)
		v.Set("client_id", webID)
		v.Set("client_secret", webSecret)
		assertOAuthError(t, postForm(t, srv, tokenPath, v, 400), "invalid_grant", 70000)
	})
	t.Run("expires after ten minutes", func(t *testing.T) {
		code := authorize(t, srv, authorizeQuery(challenge, "S256")).Query().Get("code")
		f.clock.Advance(10 * time.Minute)
		assertOAuthError(t, postForm(t, srv, tokenPath, redeem(code, verifier, redirectURI), 400), "invalid_grant", 70008)
	})
	t.Run("codes are stored hashed", func(t *testing.T) {
		code := authorize(t, srv, authorizeQuery(challenge, "S256")).Query().Get("code")
		if strings.Contains(f.kv.dump(), code) {
			t.Fatal("the code is stored in clear")
		}
	})
}

func TestRefreshTokenRotation(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	first := postForm(t, srv, tokenPath, url.Values{"grant_type": {"password"}, "client_id": {publicID},
		"username": {"alice@" + testDomain}, "password": {alicePass}, "scope": {"Mail.Read offline_access"}}, http.StatusOK)
	rt1 := first["refresh_token"].(string)
	refresh := func(rt, scope string, status int) map[string]any {
		return postForm(t, srv, tokenPath, url.Values{"grant_type": {"refresh_token"}, "client_id": {publicID}, "refresh_token": {rt}, "scope": {scope}}, status)
	}
	// A scope the app lacks leaves the refresh token usable.
	assertOAuthError(t, refresh(rt1, "Files.Read", 400), "invalid_grant", 65001)
	second := refresh(rt1, "User.Read", http.StatusOK)
	rt2 := second["refresh_token"].(string)
	if rt2 == "" || rt2 == rt1 {
		t.Fatal("refresh token did not rotate")
	}
	if scp := jwtPayload(t, second["access_token"].(string))["scp"]; scp != "User.Read" {
		t.Fatalf("scp = %v", scp)
	}
	assertOAuthError(t, refresh(rt1, "User.Read", 400), "invalid_grant", 70000)
	if n := len(f.kv.keys(kvRefresh)); n != 1 {
		t.Fatalf("%d refresh tokens stored after rotation, want 1", n)
	}
	// Another client cannot use it.
	other := postForm(t, srv, tokenPath, url.Values{"grant_type": {"refresh_token"}, "client_id": {webID}, "client_secret": {webSecret},
		"refresh_token": {rt2}, "scope": {"User.Read"}}, 400)
	assertOAuthError(t, other, "invalid_grant", 70000)
	// 90 days on, it has expired.
	f.clock.Advance(refreshTTL)
	assertOAuthError(t, refresh(rt2, "User.Read", 400), "invalid_grant", 700082)
}

func TestClientSecretBasic(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	do := func(user, pass string, form url.Values, status int) map[string]any {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+tokenPath, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(url.QueryEscape(user), url.QueryEscape(pass))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return decode(t, resp, status)
	}
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"https://graph.microsoft.com/.default"}}
	body := do(webID, webSecret, form, http.StatusOK)
	if body["scope"] != nil || body["refresh_token"] != nil || body["id_token"] != nil || body["client_info"] != nil {
		t.Fatalf("client credentials answered extra fields: %v", body)
	}
	assertOAuthError(t, do(webID, "wrong", form, 401), "invalid_client", 7000215)
	both := url.Values{"grant_type": {"client_credentials"}, "client_secret": {webSecret}, "scope": {"https://graph.microsoft.com/.default"}}
	assertOAuthError(t, do(webID, webSecret, both, 400), "invalid_request", 900144)
}

// assertion signs a client assertion for the web app.
func assertion(t *testing.T, method jwt.SigningMethod, header map[string]any, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(clientKey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestClientAssertion(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	s1 := sha1.Sum(clientCert.Raw)
	s256 := sha256.Sum256(clientCert.Raw)
	x5t := map[string]any{"x5t": base64.RawURLEncoding.EncodeToString(s1[:])}
	x5tS256 := map[string]any{"x5t#S256": base64.StdEncoding.EncodeToString(s256[:])}
	now := f.clock.Now()
	claims := func(mod func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"aud": srv.URL + "/" + testDomain + "/oauth2/v2.0/token", "iss": webID, "sub": webID,
			"jti": uuid.NewString(), "nbf": now.Unix(), "iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix()}
		if mod != nil {
			mod(c)
		}
		return c
	}
	send := func(a string, status int) map[string]any {
		return postForm(t, srv, tokenPath, url.Values{"grant_type": {"client_credentials"}, "client_id": {webID},
			"client_assertion_type": {clientAssertionType}, "client_assertion": {a}, "scope": {"https://graph.microsoft.com/.default"}}, status)
	}
	send(assertion(t, jwt.SigningMethodRS256, x5t, claims(nil)), http.StatusOK)
	send(assertion(t, jwt.SigningMethodPS256, x5tS256, claims(nil)), http.StatusOK)
	send(assertion(t, jwt.SigningMethodRS256, x5t, claims(func(c jwt.MapClaims) { c["aud"] = []string{srv.URL + "/common/oauth2/v2.0/token"} })), http.StatusOK)

	replayed := assertion(t, jwt.SigningMethodPS256, x5tS256, claims(nil))
	send(replayed, http.StatusOK)
	assertOAuthError(t, send(replayed, 401), "invalid_client", 700236)

	for _, tc := range []struct {
		name   string
		a      string
		aadsts int
	}{
		{"wrong audience", assertion(t, jwt.SigningMethodRS256, x5t, claims(func(c jwt.MapClaims) { c["aud"] = "https://login.microsoftonline.com/common/oauth2/v2.0/token" })), 700212},
		{"wrong issuer", assertion(t, jwt.SigningMethodRS256, x5t, claims(func(c jwt.MapClaims) { c["iss"] = publicID })), 700021},
		{"no jti", assertion(t, jwt.SigningMethodRS256, x5t, claims(func(c jwt.MapClaims) { delete(c, "jti") })), 700022},
		{"expired", assertion(t, jwt.SigningMethodRS256, x5t, claims(func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Hour).Unix() })), 700024},
		{"no exp", assertion(t, jwt.SigningMethodRS256, x5t, claims(func(c jwt.MapClaims) { delete(c, "exp") })), 700027},
		{"no thumbprint", assertion(t, jwt.SigningMethodRS256, nil, claims(nil)), 50027},
		{"unknown thumbprint", assertion(t, jwt.SigningMethodRS256, map[string]any{"x5t": base64.RawURLEncoding.EncodeToString(make([]byte, 20))}, claims(nil)), 700027},
		{"HS256", hs256(t, x5t, claims(nil)), 700027},
		{"tampered", tamper(assertion(t, jwt.SigningMethodRS256, x5t, claims(nil))), 700027},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertOAuthError(t, send(tc.a, 401), "invalid_client", tc.aadsts)
		})
	}
	body := postForm(t, srv, tokenPath, url.Values{"grant_type": {"client_credentials"}, "client_id": {webID},
		"client_assertion_type": {"bogus"}, "client_assertion": {assertion(t, jwt.SigningMethodRS256, x5t, claims(nil))}, "scope": {"https://graph.microsoft.com/.default"}}, 401)
	assertOAuthError(t, body, "invalid_client", 7000219)
}

func hs256(t *testing.T, header map[string]any, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString([]byte("shared"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// tamper changes the payload of a JWT and keeps its signature.
func tamper(tok string) string {
	parts := strings.Split(tok, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	payload = []byte(strings.Replace(string(payload), `"iss":"`+webID, `"iss":"`+webID+` `, 1))
	parts[1] = base64.RawURLEncoding.EncodeToString(payload)
	return strings.Join(parts, ".")
}

func TestVerify(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	ctx := t.Context()
	tok := ropcToken(t, srv, "alice@"+testDomain, alicePass, "Mail.Read User.Read")
	c, err := f.p.Verify(ctx, "Bearer "+tok)
	if err != nil {
		t.Fatal(err)
	}
	want := Claims{ObjectID: aliceID, TenantID: testTenantID, UPN: "alice@" + testDomain, AppID: publicID,
		Scopes: []string{"Mail.Read", "User.Read"}, ExpiresAt: f.clock.Now().Add(time.Hour), Audience: graphResource, Name: "Alice Adams"}
	if !reflect.DeepEqual(*c, want) {
		t.Fatalf("claims = %+v\nwant %+v", *c, want)
	}

	idTok := postForm(t, srv, tokenPath, url.Values{"grant_type": {"password"}, "client_id": {publicID},
		"username": {"alice@" + testDomain}, "password": {alicePass}, "scope": {"openid"}}, http.StatusOK)["id_token"].(string)
	foreign := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"aud": graphResource, "exp": f.clock.Now().Add(time.Hour).Unix()})
	foreign.Header["kid"] = f.p.key.kid
	foreignTok, _ := foreign.SignedString(clientKey)
	for name, bad := range map[string]string{
		"empty":          "",
		"bearer only":    "Bearer ",
		"garbage":        "not-a-jwt",
		"tampered":       tamperClaim(tok),
		"id token":       idTok,
		"foreign signer": foreignTok,
		"alg none":       noneToken(t, f),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.p.Verify(ctx, bad)
			if !errorsIs(err, ErrInvalidToken) {
				t.Fatalf("err = %v, want ErrInvalidToken", err)
			}
			if bad != "" && strings.Contains(err.Error(), bad) {
				t.Fatal("the token is in the error text")
			}
		})
	}
	f.clock.Advance(time.Hour + 2*time.Minute)
	if _, err := f.p.Verify(ctx, tok); !errorsIs(err, ErrTokenExpired) {
		t.Fatalf("expired: err = %v, want ErrTokenExpired", err)
	}
}

func tamperClaim(tok string) string {
	parts := strings.Split(tok, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	payload = []byte(strings.Replace(string(payload), aliceID, bobID, 1))
	parts[1] = base64.RawURLEncoding.EncodeToString(payload)
	return strings.Join(parts, ".")
}

func noneToken(t *testing.T, f *fixture) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"aud": graphResource, "tid": testTenantID, "scp": "Mail.Read",
		"oid": aliceID, "appid": publicID, "iss": "https://x/" + testTenantID + "/v2.0", "exp": f.clock.Now().Add(time.Hour).Unix()})
	tok.Header["kid"] = f.p.key.kid
	s, err := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRefreshTokenConcurrentUseWinsOnce(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	rt := postForm(t, srv, tokenPath, url.Values{"grant_type": {"password"}, "client_id": {publicID},
		"username": {"alice@" + testDomain}, "password": {alicePass}, "scope": {"Mail.Read offline_access"}}, http.StatusOK)["refresh_token"].(string)
	const n = 8
	statuses := make(chan int, n)
	for range n {
		go func() {
			form := url.Values{"grant_type": {"refresh_token"}, "client_id": {publicID}, "refresh_token": {rt}, "scope": {"Mail.Read"}}
			resp, err := srv.Client().Post(srv.URL+tokenPath, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
			if err != nil {
				statuses <- 0
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	ok := 0
	for range n {
		switch s := <-statuses; s {
		case http.StatusOK:
			ok++
		case http.StatusBadRequest:
		default:
			t.Fatalf("status %d", s)
		}
	}
	if ok != 1 {
		t.Fatalf("%d concurrent refreshes succeeded, want 1", ok)
	}
}

func TestDefaultScopeGrantsEverything(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	body := postForm(t, srv, tokenPath, url.Values{"grant_type": {"password"}, "client_id": {publicID},
		"username": {"alice@" + testDomain}, "password": {alicePass}, "scope": {"https://graph.microsoft.com/.default openid"}}, http.StatusOK)
	if want := "https://graph.microsoft.com/.default https://graph.microsoft.com/User.Read https://graph.microsoft.com/Mail.Read https://graph.microsoft.com/Mail.Send openid"; body["scope"] != want {
		t.Fatalf("scope = %v\nwant %s", body["scope"], want)
	}
	if scp := jwtPayload(t, body["access_token"].(string))["scp"]; scp != "User.Read Mail.Read Mail.Send" {
		t.Fatalf("scp = %v", scp)
	}
}

// failingKV fails every write once armed.
type failingKV struct {
	*memKV
	armed atomic.Bool
}

func (k *failingKV) Put(ctx context.Context, key string, val []byte, exp time.Time) error {
	if k.armed.Load() {
		return errors.New("disk full at /var/lib/sandbox.db")
	}
	return k.memKV.Put(ctx, key, val, exp)
}

func TestStorageFailureIsA500WithoutDetails(t *testing.T) {
	var kv *failingKV
	f := newFixture(t, func(c *Config) { kv = &failingKV{memKV: c.KV.(*memKV)}; c.KV = kv })
	srv := f.server(t)
	kv.armed.Store(true)
	body := postForm(t, srv, tokenPath, url.Values{"grant_type": {"password"}, "client_id": {publicID},
		"username": {"alice@" + testDomain}, "password": {alicePass}, "scope": {"Mail.Read offline_access"}}, http.StatusInternalServerError)
	assertOAuthError(t, body, "server_error", 90033)
	if strings.Contains(body["error_description"].(string), "disk full") {
		t.Fatal("the internal error reached the client")
	}
	if logs := f.logs.String(); !strings.Contains(logs, "disk full") || !strings.Contains(logs, body["trace_id"].(string)) {
		t.Fatalf("the internal error was not logged with its trace id: %s", logs)
	}
}

func TestRefreshAfterUserDeletion(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	rt := postForm(t, srv, tokenPath, url.Values{"grant_type": {"password"}, "client_id": {publicID},
		"username": {"bob@" + testDomain}, "password": {bobPass}, "scope": {"Mail.Read offline_access"}}, http.StatusOK)["refresh_token"].(string)
	f.dir.users = f.dir.users[:1] // bob leaves the tenant
	body := postForm(t, srv, tokenPath, url.Values{"grant_type": {"refresh_token"}, "client_id": {publicID}, "refresh_token": {rt}, "scope": {"Mail.Read"}}, 400)
	assertOAuthError(t, body, "invalid_grant", 50034)
}

// TestDisabledAccount checks Entra ID's answer for a disabled account: no
// password sign-in, no refresh of the tokens it was given, and no default
// sign-in on the authorize page; enabled again, it signs in.
func TestDisabledAccount(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	password := url.Values{"grant_type": {"password"}, "client_id": {publicID},
		"username": {"alice@" + testDomain}, "password": {alicePass}, "scope": {"Mail.Read offline_access"}}
	rt := postForm(t, srv, tokenPath, password, http.StatusOK)["refresh_token"].(string)
	f.dir.users[0].Disabled = true
	assertOAuthError(t, postForm(t, srv, tokenPath, password, http.StatusBadRequest), "invalid_grant", 50057)
	assertOAuthError(t, postForm(t, srv, tokenPath, url.Values{"grant_type": {"refresh_token"}, "client_id": {publicID},
		"refresh_token": {rt}, "scope": {"Mail.Read"}}, http.StatusBadRequest), "invalid_grant", 50057)
	// A wrong password still says only that.
	wrong := url.Values{"grant_type": {"password"}, "client_id": {publicID}, "username": {"alice@" + testDomain}, "password": {"nope"}, "scope": {"Mail.Read"}}
	assertOAuthError(t, postForm(t, srv, tokenPath, wrong, http.StatusBadRequest), "invalid_grant", 50126)
	f.dir.users[0].Disabled = false
	postForm(t, srv, tokenPath, password, http.StatusOK)
}
