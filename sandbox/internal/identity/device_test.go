package identity

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func startDevice(t *testing.T, f *fixture, srvPostForm func(path string, v url.Values, status int) map[string]any) (deviceCode, userCode string) {
	t.Helper()
	body := srvPostForm("/organizations/oauth2/v2.0/devicecode", url.Values{"client_id": {publicID}, "scope": {"Mail.Read offline_access openid"}}, http.StatusOK)
	if body["expires_in"] != float64(900) || body["interval"] != float64(1) {
		t.Fatalf("devicecode answer = %v", body)
	}
	return body["device_code"].(string), body["user_code"].(string)
}

func TestDeviceCodePolling(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	post := func(path string, v url.Values, status int) map[string]any { return postForm(t, srv, path, v, status) }
	poll := func(deviceCode, grantType string, status int) map[string]any {
		return post(tokenPath, url.Values{"grant_type": {grantType}, "client_id": {publicID}, "device_code": {deviceCode}}, status)
	}
	const short, long = "device_code", "urn:ietf:params:oauth:grant-type:device_code"

	dc, uc := startDevice(t, f, post)
	if strings.Contains(f.kv.dump(), dc) {
		t.Fatal("the device code is stored in clear")
	}
	assertOAuthError(t, poll(dc, short, 400), "authorization_pending", 70016)
	assertOAuthError(t, poll(dc, long, 400), "slow_down", 70016)
	f.clock.Advance(time.Second)
	assertOAuthError(t, poll(dc, long, 400), "authorization_pending", 70016)
	// Another client cannot poll it.
	assertOAuthError(t, post(tokenPath, url.Values{"grant_type": {long}, "client_id": {webID}, "client_secret": {webSecret}, "device_code": {dc}}, 400),
		"bad_verification_code", 70000)
	if err := f.p.ApproveDevice(t.Context(), uc[:3]+"-"+uc[3:], "alice@"+testDomain); err != nil {
		t.Fatal(err)
	}
	if err := f.p.ApproveDevice(t.Context(), uc, "alice@"+testDomain); err == nil || !strings.Contains(err.Error(), "already approved") {
		t.Fatalf("second approval: err = %v", err)
	}
	f.clock.Advance(time.Second)
	body := poll(dc, short, http.StatusOK)
	if body["refresh_token"] == nil || body["id_token"] == nil {
		t.Fatalf("device token answer = %v", body)
	}
	assertOAuthError(t, poll(dc, short, 400), "bad_verification_code", 70000)
	if n := len(f.kv.keys(kvDevice)) + len(f.kv.keys(kvUserCode)); n != 0 {
		t.Fatalf("%d device records left behind", n)
	}

	dc, uc = startDevice(t, f, post)
	if err := f.p.DeclineDevice(t.Context(), uc); err != nil {
		t.Fatal(err)
	}
	assertOAuthError(t, poll(dc, long, 400), "authorization_declined", 70019)

	dc, uc = startDevice(t, f, post)
	f.clock.Advance(deviceCodeTTL)
	assertOAuthError(t, poll(dc, long, 400), "expired_token", 70020)
	if err := f.p.ApproveDevice(t.Context(), uc, "alice@"+testDomain); !errors.Is(err, ErrNotFound) {
		t.Fatalf("approve expired: err = %v, want ErrNotFound", err)
	}
	if err := f.p.ApproveDevice(t.Context(), "NOPE", "alice@"+testDomain); !errors.Is(err, ErrNotFound) {
		t.Fatalf("approve unknown: err = %v", err)
	}
	if err := f.p.ApproveDevice(t.Context(), uc, "nobody@"+testDomain); !errors.Is(err, ErrNotFound) {
		t.Fatalf("approve unknown user: err = %v", err)
	}
}

func TestDeviceCodeRequestErrors(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	path := "/common/oauth2/v2.0/devicecode"
	assertOAuthError(t, postForm(t, srv, path, url.Values{"scope": {"Mail.Read"}}, 400), "invalid_request", 900144)
	assertOAuthError(t, postForm(t, srv, path, url.Values{"client_id": {publicID}}, 400), "invalid_request", 900144)
	assertOAuthError(t, postForm(t, srv, path, url.Values{"client_id": {"nobody"}, "scope": {"Mail.Read"}}, 400), "unauthorized_client", 700016)
	assertOAuthError(t, postForm(t, srv, path, url.Values{"client_id": {publicID}, "scope": {"Sites.FullControl.All"}}, 400), "invalid_grant", 65001)
}

func TestDevicePage(t *testing.T) {
	f := newFixture(t)
	srv := f.server(t)
	post := func(path string, v url.Values, status int) map[string]any { return postForm(t, srv, path, v, status) }
	page := srv.URL + "/" + testTenantID + "/device"

	resp, err := srv.Client().Get(page)
	if err != nil {
		t.Fatal(err)
	}
	if body := readBody(t, resp, http.StatusOK); !strings.Contains(body, `name="user_code"`) {
		t.Fatalf("device page: %s", body)
	}
	dc, uc := startDevice(t, f, post)
	resp, err = srv.Client().PostForm(page, url.Values{"user_code": {uc}, "username": {"bob@" + testDomain}, "password": {"wrong"}})
	if err != nil {
		t.Fatal(err)
	}
	if body := readBody(t, resp, http.StatusOK); !strings.Contains(body, "Your username or password is incorrect.") {
		t.Fatalf("wrong password page: %s", body)
	}
	resp, err = srv.Client().PostForm(page, url.Values{"user_code": {uc}, "username": {"bob@" + testDomain}, "password": {bobPass}, "action": {"approve"}})
	if err != nil {
		t.Fatal(err)
	}
	if body := readBody(t, resp, http.StatusOK); !strings.Contains(body, "The sign-in was approved.") {
		t.Fatalf("approve page: %s", body)
	}
	body := post(tokenPath, url.Values{"grant_type": {"device_code"}, "client_id": {publicID}, "device_code": {dc}}, http.StatusOK)
	if oid := jwtPayload(t, body["access_token"].(string))["oid"]; oid != bobID {
		t.Fatalf("oid = %v", oid)
	}

	dc, uc = startDevice(t, f, post)
	resp, err = srv.Client().PostForm(page, url.Values{"user_code": {uc}, "action": {"decline"}})
	if err != nil {
		t.Fatal(err)
	}
	if body := readBody(t, resp, http.StatusOK); !strings.Contains(body, "The sign-in was declined.") {
		t.Fatalf("decline page: %s", body)
	}
	assertOAuthError(t, post(tokenPath, url.Values{"grant_type": {"device_code"}, "client_id": {publicID}, "device_code": {dc}}, 400), "authorization_declined", 70019)

	resp, err = srv.Client().PostForm(page, url.Values{"user_code": {"ZZZZZZZZZ"}, "username": {"bob@" + testDomain}, "password": {bobPass}})
	if err != nil {
		t.Fatal(err)
	}
	if body := readBody(t, resp, http.StatusOK); !strings.Contains(body, "That code is not valid") {
		t.Fatalf("unknown code page: %s", body)
	}
}

func TestDevicePageDefaultUser(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.DefaultUser = "alice@" + testDomain })
	srv := f.server(t)
	post := func(path string, v url.Values, status int) map[string]any { return postForm(t, srv, path, v, status) }
	dc, uc := startDevice(t, f, post)
	resp, err := srv.Client().Get(srv.URL + "/organizations/device?user_code=" + uc)
	if err != nil {
		t.Fatal(err)
	}
	if body := readBody(t, resp, http.StatusOK); !strings.Contains(body, "The sign-in was approved.") {
		t.Fatalf("auto approval page: %s", body)
	}
	body := post(tokenPath, url.Values{"grant_type": {"device_code"}, "client_id": {publicID}, "device_code": {dc}}, http.StatusOK)
	if oid := jwtPayload(t, body["access_token"].(string))["oid"]; oid != aliceID {
		t.Fatalf("oid = %v", oid)
	}
}
