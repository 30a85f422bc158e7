package identity

import (
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

func FuzzParseAssertionHeader(f *testing.F) {
	testKeys(f)
	s256 := sha256.Sum256(clientCert.Raw)
	f.Add(assertionForFuzz(f, map[string]any{"x5t#S256": s256[:]}))
	f.Add("eyJhbGciOiJSUzI1NiIsIng1dCI6IkFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQT0ifQ.e30.sig")
	f.Add("e30.e30.")
	f.Add("not a jwt")
	f.Add("")
	f.Fuzz(func(t *testing.T, tok string) {
		h, err := parseAssertionHeader(tok)
		if err != nil {
			return
		}
		if h.X5t == nil && h.X5tS256 == nil {
			t.Fatal("accepted a header without a thumbprint")
		}
		if (h.X5t != nil && len(h.X5t) != 20) || (h.X5tS256 != nil && len(h.X5tS256) != 32) {
			t.Fatalf("thumbprint of the wrong size: %x %x", h.X5t, h.X5tS256)
		}
	})
}

func assertionForFuzz(f *testing.F, header map[string]any) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodPS256, jwt.MapClaims{"iss": webID})
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(clientKey)
	if err != nil {
		f.Fatal(err)
	}
	return s
}

func FuzzParseForm(f *testing.F) {
	f.Add("grant_type=password&username=a%40b.c&password=p%26w")
	f.Add("a=1&a=2")
	f.Add("%zz=1")
	f.Add("a;b=c")
	f.Add("")
	f.Fuzz(func(t *testing.T, body string) {
		form, err := parseForm(body)
		if err != nil {
			return
		}
		vals := url.Values{}
		for k, v := range form {
			vals.Set(k, v)
		}
		again, err := parseForm(vals.Encode())
		if err != nil || !reflect.DeepEqual(form, again) {
			t.Fatalf("form %v does not round-trip: %v, %v", form, again, err)
		}
	})
}

func FuzzParseScopes(f *testing.F) {
	for _, s := range []string{"Mail.Read openid", "https://graph.microsoft.com/.default", "api://x/y", "https://outlook.office.com/Mail.Read", "a/b/c", "::", "//"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		sr, err := parseScopes(raw)
		if err != nil {
			return
		}
		if (sr.resource == "") != (len(sr.perms) == 0) || len(sr.perms) != len(sr.asked) {
			t.Fatalf("inconsistent result %+v", sr)
		}
		switch {
		case sr.resource == "", sr.resource == graphResource, sr.resource == outlookResource, sr.resource == outlook365Resource,
			strings.HasPrefix(sr.resource, "api://"):
		default:
			t.Fatalf("unexpected resource %q", sr.resource)
		}
		for _, p := range sr.perms {
			if !validPermission(p) {
				t.Fatalf("invalid permission %q accepted", p)
			}
		}
	})
}

// FuzzVerify feeds Verify arbitrary bearer values: only the one genuine
// token may pass.
func FuzzVerify(f *testing.F) {
	fx := newFixture(f)
	srv := httptest.NewTLSServer(fx.p.Handler())
	defer srv.Close()
	resp, err := srv.Client().PostForm(srv.URL+tokenPath, url.Values{"grant_type": {"password"}, "client_id": {publicID},
		"username": {"alice@" + testDomain}, "password": {alicePass}, "scope": {"Mail.Read"}})
	if err != nil {
		f.Fatal(err)
	}
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.AccessToken == "" {
		f.Fatalf("no token: %v", err)
	}
	resp.Body.Close()
	genuine := body.AccessToken
	f.Add(genuine)
	f.Add("Bearer " + genuine)
	f.Add(genuine[:len(genuine)-2])
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := fx.p.Verify(t.Context(), tok)
		if err == nil && strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(tok), "Bearer ")) != genuine {
			t.Fatalf("a forged token verified: %+v", c)
		}
	})
}

// FuzzTokenEndpoint posts arbitrary bodies to the token endpoint: the answer
// is a token, or a 400 or 401 in the identity platform's shape; never a 500.
func FuzzTokenEndpoint(f *testing.F) {
	fx := newFixture(f)
	h := fx.p.Handler()
	for _, s := range []string{
		"grant_type=password&client_id=" + publicID + "&username=x&password=y&scope=Mail.Read",
		"grant_type=client_credentials&client_id=" + webID + "&client_assertion_type=" + url.QueryEscape(clientAssertionType) + "&client_assertion=e30.e30.e30&scope=.default",
		"grant_type=refresh_token&client_id=" + publicID + "&refresh_token=x&scope=openid",
		"grant_type=device_code&client_id=" + publicID + "&device_code=x",
		"grant_type=" + url.QueryEscape(grantJWTBearer) + "&client_id=" + apiID + "&client_secret=" + apiSecret + "&requested_token_use=on_behalf_of&assertion=a.b.c&scope=Mail.Read",
		"grant_type=authorization_code&client_id=" + publicID + "&code=x&redirect_uri=http://localhost",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "https://127.0.0.1"+tokenPath, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code == http.StatusOK { // a mutation can rebuild a valid request from the seeds' secrets
			var tr tokenResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &tr); err != nil || tr.AccessToken == "" {
				t.Fatalf("200 without a token: %s", rec.Body)
			}
			return
		}
		if rec.Code != http.StatusBadRequest && rec.Code != http.StatusUnauthorized {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
		var e errorBody
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error == "" || len(e.ErrorCodes) != 1 {
			t.Fatalf("not an identity error: %s", rec.Body)
		}
	})
}
