package identity

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func get(t *testing.T, c *http.Client, u string, wantStatus int) map[string]any {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, resp, wantStatus)
}

func TestOpenIDConfiguration(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	for _, tenant := range []string{testTenantID, strings.ToUpper(testTenantID), testDomain, "common", "organizations"} {
		t.Run(tenant, func(t *testing.T) {
			got := get(t, srv.Client(), srv.URL+"/"+tenant+"/v2.0/.well-known/openid-configuration", http.StatusOK)
			a := srv.URL + "/" + tenant
			want := map[string]any{
				"token_endpoint":                        a + "/oauth2/v2.0/token",
				"token_endpoint_auth_methods_supported": []any{"client_secret_post", "private_key_jwt", "client_secret_basic"},
				"jwks_uri":                              a + "/discovery/v2.0/keys",
				"response_modes_supported":              []any{"query", "fragment", "form_post"},
				"subject_types_supported":               []any{"pairwise"},
				"id_token_signing_alg_values_supported": []any{"RS256"},
				"response_types_supported":              []any{"code", "id_token", "code id_token", "id_token token"},
				"scopes_supported":                      []any{"openid", "profile", "email", "offline_access"},
				"issuer":                                srv.URL + "/" + testTenantID + "/v2.0",
				"request_uri_parameter_supported":       false,
				"userinfo_endpoint":                     "https://graph.microsoft.com/oidc/userinfo",
				"authorization_endpoint":                a + "/oauth2/v2.0/authorize",
				"device_authorization_endpoint":         a + "/oauth2/v2.0/devicecode",
				"http_logout_supported":                 true,
				"frontchannel_logout_supported":         true,
				"end_session_endpoint":                  a + "/oauth2/v2.0/logout",
				"claims_supported": []any{"sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name",
					"msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver",
					"at_hash", "c_hash", "email"},
				"tenant_region_scope":   "WW",
				"cloud_instance_name":   "microsoftonline.com",
				"cloud_graph_host_name": "graph.windows.net",
				"msgraph_host":          "graph.microsoft.com",
				"rbac_url":              "https://pas.windows.net",
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got  %v\nwant %v", got, want)
			}
		})
	}
}

func TestTenantErrors(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	for _, tc := range []struct {
		tenant, code string
		aadsts       int
	}{
		{"consumers", "invalid_request", 9002331},
		{consumersTenantID, "invalid_request", 9002331},
		{"fabrikam.onmicrosoft.com", "invalid_tenant", 90002},
		{"00000000-0000-0000-0000-000000000000", "invalid_tenant", 90002},
	} {
		t.Run(tc.tenant, func(t *testing.T) {
			body := get(t, srv.Client(), srv.URL+"/"+tc.tenant+"/v2.0/.well-known/openid-configuration", http.StatusBadRequest)
			assertOAuthError(t, body, tc.code, tc.aadsts)
			body = postForm(t, srv, "/"+tc.tenant+"/oauth2/v2.0/token", url.Values{"grant_type": {"client_credentials"}}, http.StatusBadRequest)
			assertOAuthError(t, body, tc.code, tc.aadsts)
		})
	}
}

func TestErrorEchoesCorrelationID(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/common/oauth2/v2.0/token", strings.NewReader("grant_type=magic"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("client-request-id", "0f3e2c1a-1111-4222-8333-944445555666")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := decode(t, resp, http.StatusBadRequest)
	assertOAuthError(t, body, "unsupported_grant_type", 70003)
	if body["correlation_id"] != "0f3e2c1a-1111-4222-8333-944445555666" || resp.Header.Get("client-request-id") != "0f3e2c1a-1111-4222-8333-944445555666" {
		t.Fatalf("correlation id not echoed: %v", body["correlation_id"])
	}
	if resp.Header.Get("x-ms-request-id") != body["trace_id"] {
		t.Fatal("x-ms-request-id differs from trace_id")
	}
	if body["timestamp"] != f.clock.Now().UTC().Format("2006-01-02 15:04:05Z") {
		t.Fatalf("timestamp = %v", body["timestamp"])
	}
}

func TestInstanceDiscovery(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	host := strings.TrimPrefix(srv.URL, "https://")
	q := url.Values{"api-version": {"1.1"}, "authorization_endpoint": {srv.URL + "/" + testDomain + "/oauth2/v2.0/authorize"}}
	for _, path := range []string{"/common/discovery/instance", "/" + testTenantID + "/discovery/instance"} {
		got := get(t, srv.Client(), srv.URL+path+"?"+q.Encode(), http.StatusOK)
		want := map[string]any{
			"tenant_discovery_endpoint": srv.URL + "/" + testDomain + "/v2.0/.well-known/openid-configuration",
			"api-version":               "1.1",
			"metadata":                  []any{map[string]any{"preferred_network": host, "preferred_cache": host, "aliases": []any{host}}},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: got %v\nwant %v", path, got, want)
		}
	}
	for name, ep := range map[string]string{
		"other host":    "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
		"not authorize": srv.URL + "/common/oauth2/v2.0/token",
		"not a url":     "%zz",
	} {
		t.Run(name, func(t *testing.T) {
			q := url.Values{"api-version": {"1.1"}, "authorization_endpoint": {ep}}
			assertOAuthError(t, get(t, srv.Client(), srv.URL+"/common/discovery/instance?"+q.Encode(), http.StatusBadRequest), "invalid_instance", 50049)
		})
	}
	assertOAuthError(t, get(t, srv.Client(), srv.URL+"/common/discovery/instance?api-version=1.1", http.StatusBadRequest), "invalid_request", 900144)
}

func TestKeysVerifyIssuedTokens(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	doc := get(t, srv.Client(), srv.URL+"/"+testDomain+"/discovery/v2.0/keys", http.StatusOK)
	keys := doc["keys"].([]any)
	if len(keys) != 1 {
		t.Fatalf("%d keys", len(keys))
	}
	k := keys[0].(map[string]any)
	if k["kty"] != "RSA" || k["use"] != "sig" || k["alg"] != "RS256" || k["kid"] != f.p.key.kid || k["issuer"] != srv.URL+"/"+testTenantID+"/v2.0" {
		t.Fatalf("key = %v", k)
	}
	n, _ := base64.RawURLEncoding.DecodeString(k["n"].(string))
	e, _ := base64.RawURLEncoding.DecodeString(k["e"].(string))
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}

	tok := ropcToken(t, srv, "alice@"+testDomain, alicePass, "User.Read")
	parsed, err := jwt.Parse(tok, func(*jwt.Token) (any, error) { return pub, nil }, jwt.WithTimeFunc(f.clock.Now))
	if err != nil {
		t.Fatalf("token does not verify with the published key: %v", err)
	}
	if parsed.Header["kid"] != f.p.key.kid {
		t.Fatalf("kid = %v", parsed.Header["kid"])
	}
}

// ropcToken gets an access token by password with a raw request.
func ropcToken(t *testing.T, srv *httptest.Server, login, password, scope string) string {
	t.Helper()
	body := postForm(t, srv, "/"+testTenantID+"/oauth2/v2.0/token", url.Values{
		"grant_type": {"password"}, "client_id": {publicID}, "username": {login}, "password": {password}, "scope": {scope},
	}, http.StatusOK)
	return body["access_token"].(string)
}

func TestUserRealm(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	got := get(t, srv.Client(), srv.URL+"/common/UserRealm/alice@"+testDomain+"?api-version=1.0", http.StatusOK)
	want := map[string]any{"ver": "1.0", "account_type": "Managed", "domain_name": testDomain,
		"cloud_instance_name": "microsoftonline.com", "cloud_audience_urn": "urn:federation:MicrosoftOnline"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v", got)
	}
	got = get(t, srv.Client(), srv.URL+"/common/UserRealm/someone@example.org?api-version=1.0", http.StatusOK)
	if got["account_type"] != "Unknown" {
		t.Fatalf("foreign user realm = %v", got)
	}
}

func TestOwns(t *testing.T) {
	f := newFixture(t)
	for path, want := range map[string]bool{
		"/common/oauth2/v2.0/token":                       true,
		"/" + testTenantID + "/oauth2/v2.0/authorize":     true,
		"/anything/v2.0/.well-known/openid-configuration": true,
		"/common/discovery/instance":                      true,
		"/x/discovery/v2.0/keys":                          true,
		"/x/oauth2/v2.0/devicecode":                       true,
		"/x/oauth2/v2.0/logout":                           true,
		"/x/device":                                       true,
		"/common/UserRealm/a@b.c":                         true,
		"/common/UserRealm/":                              false,
		"/v1.0/me":                                        false,
		"/beta/users":                                     false,
		"/api/v2.0/me/messages":                           false,
		"/common/oauth2/v2.0/token/extra":                 false,
		"//oauth2/v2.0/token":                             false,
		"common/oauth2/v2.0/token":                        false,
		"/":                                               false,
		"":                                                false,
	} {
		if got := f.p.Owns(path); got != want {
			t.Errorf("Owns(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestNewKeepsKeyAcrossRestarts(t *testing.T) {
	testKeys(t)
	ctx := context.Background()
	clk := newClock()
	kv := newMemKV(clk.Now)
	dir := &memDir{}
	p1, err := New(Config{TenantID: testTenantID, Directory: dir, KV: kv, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	stored, ok, _ := kv.Get(ctx, signingKeyKV)
	if !ok || !strings.HasPrefix(string(stored), "-----BEGIN PRIVATE KEY-----") {
		t.Fatal("the signing key was not stored")
	}
	p2, err := New(Config{TenantID: testTenantID, Directory: dir, KV: kv, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	if p1.key.kid != p2.key.kid || !p1.key.priv.Equal(p2.key.priv) {
		t.Fatal("a restarted provider made a new signing key")
	}
	if err := kv.Put(ctx, signingKeyKV, []byte("garbage"), time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{TenantID: testTenantID, Directory: dir, KV: kv}); err == nil || !strings.Contains(err.Error(), signingKeyKV) {
		t.Fatalf("corrupt key: err = %v, want one naming the key", err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	kv := newMemKV(newClock().Now)
	for name, cfg := range map[string]Config{
		"tenant not a guid": {TenantID: "contoso", Directory: &memDir{}, KV: kv},
		"no directory":      {TenantID: testTenantID, KV: kv},
		"no kv":             {TenantID: testTenantID, Directory: &memDir{}},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
}
