package auth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// fakeIdP is a Microsoft identity platform on loopback, enough for MSAL Go:
// discovery, authorize, token (every grant we use), devicecode and UserRealm.
// It rotates refresh tokens: a redeemed refresh token is revoked at once, so a
// lost update shows up as invalid_grant.
type fakeIdP struct {
	t        testing.TB
	srv      *httptest.Server
	tenant   string
	tid      string
	clientID string
	secret   string
	cert     *x509.Certificate // the certificate client assertions are checked with

	mu           sync.Mutex
	users        map[string]*fakeUser // by username
	expiresIn    int
	codes        map[string]codeGrant
	rts          map[string]string // valid refresh token -> username
	issued       []string          // every secret handed out, for leak scans
	requests     []fakeRequest
	seq          int
	browserUser  string   // who signs in at /authorize
	deviceUser   string   // who completes the device code flow
	deviceScript []string // errors answered before success ("expired_token" is final)
	oboAssertion string
	oboUser      string
	failToken    int // answer the next n token requests with HTTP 500
}

type fakeUser struct{ name, oid, password string }

type codeGrant struct{ user, challenge, method, redirect, scope string }

// fakeRequest is one request to the token or devicecode endpoint.
type fakeRequest struct {
	path string
	form url.Values
}

func newFakeIdP(t testing.TB) *fakeIdP {
	f := &fakeIdP{
		t:            t,
		tenant:       "contoso",
		tid:          "11111111-2222-3333-4444-555555555555",
		clientID:     "client-1234",
		secret:       "s3cret-client-value",
		users:        map[string]*fakeUser{},
		expiresIn:    3600,
		codes:        map[string]codeGrant{},
		rts:          map[string]string{},
		oboAssertion: "incoming-user-assertion-jwt",
		oboUser:      "alice@contoso.com",
	}
	f.addUser("alice@contoso.com", "alice-pw-9d8f")
	f.addUser("bob@contoso.com", "bob-pw-1a2b")
	f.srv = httptest.NewTLSServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeIdP) addUser(name, pw string) {
	f.users[name] = &fakeUser{name: name, oid: fmt.Sprintf("oid-%d", len(f.users)+1), password: pw}
}

func (f *fakeIdP) authority() string { return f.srv.URL + "/" + f.tenant }

// config is a Config for this IdP; the caller adds the store and logger.
func (f *fakeIdP) config(store Store) Config {
	return Config{
		ClientID:   f.clientID,
		Authority:  f.authority(),
		HTTPClient: f.srv.Client(),
		Store:      store,
		Scopes:     []string{"message_all"},
	}
}

// count returns how many token requests had grant type g.
func (f *fakeIdP) count(g string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range f.requests {
		if r.form.Get("grant_type") == g {
			n++
		}
	}
	return n
}

func (f *fakeIdP) lastRequest(g string) url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.requests) - 1; i >= 0; i-- {
		if f.requests[i].form.Get("grant_type") == g {
			return f.requests[i].form
		}
	}
	return nil
}

// secrets lists everything secret the IdP knows or issued.
func (f *fakeIdP) secrets() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := append([]string{f.secret, f.oboAssertion}, f.issued...)
	for _, u := range f.users {
		out = append(out, u.password)
	}
	return out
}

func (f *fakeIdP) serve(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case strings.HasSuffix(p, "/v2.0/.well-known/openid-configuration"):
		base := f.srv.URL + "/" + f.tenant
		writeJSON(w, 200, map[string]any{
			"authorization_endpoint":        base + "/oauth2/v2.0/authorize",
			"token_endpoint":                base + "/oauth2/v2.0/token",
			"device_authorization_endpoint": base + "/oauth2/v2.0/devicecode",
			"issuer":                        base + "/v2.0",
		})
	case strings.HasPrefix(p, "/common/UserRealm/"):
		writeJSON(w, 200, map[string]any{
			"ver": "1.0", "account_type": "Managed", "domain_name": "contoso.com",
			"cloud_instance_name": "microsoftonline.com", "cloud_audience_urn": "urn:federation:MicrosoftOnline",
		})
	case p == "/"+f.tenant+"/oauth2/v2.0/authorize":
		f.authorize(w, r)
	case p == "/"+f.tenant+"/oauth2/v2.0/devicecode":
		f.record(r)
		writeJSON(w, 200, map[string]any{
			"device_code": "dc-secret-7f3e", "user_code": "ABCD-EFGH", "verification_uri": "https://microsoft.com/devicelogin",
			"expires_in": 900, "interval": 1, "message": "To sign in, open https://microsoft.com/devicelogin and enter the code ABCD-EFGH.",
		})
	case p == "/"+f.tenant+"/oauth2/v2.0/token":
		f.token(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeIdP) record(r *http.Request) url.Values {
	_ = r.ParseForm()
	f.mu.Lock()
	f.requests = append(f.requests, fakeRequest{path: r.URL.Path, form: r.PostForm})
	f.mu.Unlock()
	return r.PostForm
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func oauthError(w http.ResponseWriter, code, desc string) {
	writeJSON(w, 400, map[string]any{"error": code, "error_description": desc, "error_codes": []int{70000},
		"correlation_id": "corr-1", "trace_id": "trace-1"})
}

// authorize signs browserUser in at once and sends the code back: by a
// redirect (query mode) or, for form_post, as JSON the test browser posts.
func (f *fakeIdP) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != f.clientID || q.Get("response_type") != "code" {
		http.Error(w, "bad authorize request", 400)
		return
	}
	f.mu.Lock()
	f.seq++
	code := fmt.Sprintf("code-%d", f.seq)
	f.codes[code] = codeGrant{user: f.browserUser, challenge: q.Get("code_challenge"), method: q.Get("code_challenge_method"),
		redirect: q.Get("redirect_uri"), scope: q.Get("scope")}
	f.issued = append(f.issued, code)
	f.mu.Unlock()
	if q.Get("response_mode") == "form_post" {
		writeJSON(w, 200, map[string]string{"action": q.Get("redirect_uri"), "code": code, "state": q.Get("state")})
		return
	}
	u, _ := url.Parse(q.Get("redirect_uri"))
	rq := u.Query()
	rq.Set("code", code)
	rq.Set("state", q.Get("state"))
	u.RawQuery = rq.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

func (f *fakeIdP) token(w http.ResponseWriter, r *http.Request) {
	form := f.record(r)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failToken > 0 {
		f.failToken--
		writeJSON(w, 500, map[string]any{"error": "temporarily_unavailable", "error_description": "try later"})
		return
	}
	if form.Get("client_id") != f.clientID {
		oauthError(w, "unauthorized_client", "AADSTS700016: unknown client")
		return
	}
	switch form.Get("grant_type") {
	case "authorization_code":
		g, ok := f.codes[form.Get("code")]
		delete(f.codes, form.Get("code"))
		switch {
		case !ok:
			oauthError(w, "invalid_grant", "AADSTS70008: the code has expired or was used")
		case g.redirect != form.Get("redirect_uri"):
			oauthError(w, "invalid_grant", "AADSTS50011: redirect_uri mismatch")
		case g.method != "S256" || g.challenge != s256(form.Get("code_verifier")):
			oauthError(w, "invalid_grant", "AADSTS501481: the code_verifier does not match the code_challenge")
		case form.Has("client_secret") && form.Get("client_secret") != f.secret:
			oauthError(w, "invalid_client", "AADSTS7000215: invalid client secret")
		default:
			f.userTokens(w, f.users[g.user], form.Get("scope"))
		}
	case "refresh_token":
		name, ok := f.rts[form.Get("refresh_token")]
		if !ok {
			// Echo the token, as some servers do, to exercise scrubbing.
			oauthError(w, "invalid_grant", "AADSTS70000: refresh token is revoked or unknown: refresh_token="+form.Get("refresh_token"))
			return
		}
		delete(f.rts, form.Get("refresh_token"))
		f.userTokens(w, f.users[name], form.Get("scope"))
	case "password":
		u := f.users[form.Get("username")]
		if u == nil || u.password != form.Get("password") {
			oauthError(w, "invalid_grant", "AADSTS50126: invalid username or password")
			return
		}
		f.userTokens(w, u, form.Get("scope"))
	case "device_code", "urn:ietf:params:oauth:grant-type:device_code":
		if form.Get("device_code") != "dc-secret-7f3e" {
			oauthError(w, "bad_verification_code", "unknown device code")
			return
		}
		if len(f.deviceScript) > 0 {
			e := f.deviceScript[0]
			if e != "expired_token" {
				f.deviceScript = f.deviceScript[1:]
			}
			oauthError(w, e, "AADSTS70020: device_code=dc-secret-7f3e "+e)
			return
		}
		f.userTokens(w, f.users[f.deviceUser], form.Get("scope"))
	case "client_credentials":
		if !f.clientAuthenticated(w, form) {
			return
		}
		f.seq++
		at := fmt.Sprintf("app-at-%d-x9", f.seq)
		f.issued = append(f.issued, at)
		writeJSON(w, 200, map[string]any{"token_type": "Bearer", "access_token": at, "expires_in": f.expiresIn, "ext_expires_in": f.expiresIn})
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		if form.Get("requested_token_use") != "on_behalf_of" || form.Get("assertion") != f.oboAssertion {
			oauthError(w, "invalid_grant", "AADSTS50013: assertion is not valid")
			return
		}
		if !f.clientAuthenticated(w, form) {
			return
		}
		f.userTokens(w, f.users[f.oboUser], form.Get("scope"))
	default:
		oauthError(w, "unsupported_grant_type", "unsupported grant "+form.Get("grant_type"))
	}
}

// clientAuthenticated checks a client secret or a client assertion signed by
// f.cert's key.
func (f *fakeIdP) clientAuthenticated(w http.ResponseWriter, form url.Values) bool {
	if s := form.Get("client_secret"); s != "" {
		if s != f.secret {
			oauthError(w, "invalid_client", "AADSTS7000215: invalid client secret")
			return false
		}
		return true
	}
	if form.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
		oauthError(w, "invalid_client", "no client authentication")
		return false
	}
	if f.cert == nil {
		// Assertion callback tests: the assertion is an opaque test value.
		if form.Get("client_assertion") != "signed-assertion-abc" {
			oauthError(w, "invalid_client", "bad assertion")
			return false
		}
		return true
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(form.Get("client_assertion"), claims, func(*jwt.Token) (any, error) { return f.cert.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256", "PS256"}), jwt.WithAudience(f.authority()+"/oauth2/v2.0/token"), jwt.WithIssuer(f.clientID), jwt.WithSubject(f.clientID))
	if err != nil {
		oauthError(w, "invalid_client", "AADSTS700027: assertion rejected: "+err.Error())
		return false
	}
	return true
}

func s256(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// userTokens answers a token request for u; f.mu is held.
func (f *fakeIdP) userTokens(w http.ResponseWriter, u *fakeUser, scope string) {
	if u == nil {
		oauthError(w, "invalid_grant", "no such user")
		return
	}
	f.seq++
	at := fmt.Sprintf("at-%d-%s-q7", f.seq, u.oid)
	rt := fmt.Sprintf("rt-%d-%s-z4", f.seq, u.oid)
	f.rts[rt] = u.name
	f.issued = append(f.issued, at, rt)
	writeJSON(w, 200, map[string]any{
		"token_type": "Bearer", "access_token": at, "refresh_token": rt, "scope": scope,
		"expires_in": f.expiresIn, "ext_expires_in": f.expiresIn,
		"id_token":    f.idToken(u),
		"client_info": base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf(`{"uid":%q,"utid":%q}`, u.oid, f.tid))),
	})
}

// idToken is an unsigned JWT, which MSAL accepts (it does not validate id tokens).
func (f *fakeIdP) idToken(u *fakeUser) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	now := time.Now().Unix()
	return enc(map[string]string{"alg": "none", "typ": "JWT"}) + "." + enc(map[string]any{
		"aud": f.clientID, "iss": f.authority() + "/v2.0", "iat": now, "nbf": now, "exp": now + 3600,
		"name": u.name, "oid": u.oid, "preferred_username": u.name, "sub": "sub-" + u.oid, "tid": f.tid, "ver": "2.0",
	}) + "."
}

// validRT reports whether the IdP would still accept rt.
func (f *fakeIdP) validRTs() map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]string{}
	for k, v := range f.rts {
		out[k] = v
	}
	return out
}

// logBuffer captures slog output from many goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newTestLogger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

// testBrowser plays the user's browser: it opens the authorization URL at the
// fake IdP and delivers the answer to the loopback redirect.
func testBrowser(f *fakeIdP) func(string) error {
	return func(authURL string) error {
		client := f.srv.Client()
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := client.Get(authURL)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var post struct{ Action, Code, State string }
		if err := json.NewDecoder(resp.Body).Decode(&post); err != nil {
			return fmt.Errorf("authorize answer: %w", err)
		}
		// The loopback listens on 127.0.0.1; "localhost" may resolve to ::1.
		action := strings.Replace(post.Action, "localhost", "127.0.0.1", 1)
		go func() {
			r, err := http.PostForm(action, url.Values{"code": {post.Code}, "state": {post.State}})
			if err == nil {
				io.Copy(io.Discard, r.Body)
				r.Body.Close()
			}
		}()
		return nil
	}
}

// signIn signs user in through the device code flow into store.
func (f *fakeIdP) signIn(t testing.TB, store Store, user string) *Credential {
	t.Helper()
	f.mu.Lock()
	f.deviceUser = user
	f.mu.Unlock()
	c, err := NewDeviceCode(f.config(store), func(context.Context, DeviceCodeMessage) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Authenticate(context.Background()); err != nil {
		t.Fatalf("sign in %s: %v", user, err)
	}
	return c
}
