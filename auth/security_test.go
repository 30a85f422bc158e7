package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"
	"github.com/o365go/o365"
)

// TestNoSecretsInLogsOrErrors runs every flow, successful and failing, with a
// debug logger, then scans the log and every error and String for anything
// secret the fake IdP knows or issued.
func TestNoSecretsInLogsOrErrors(t *testing.T) {
	f := newFakeIdP(t)
	log, buf := newTestLogger()
	ctx := context.Background()
	var texts []string
	keep := func(err error) {
		if err != nil {
			texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
		}
	}
	cfg := f.config(NewFileStore(filepath.Join(t.TempDir(), "o365_token.txt")))
	cfg.Logger = log

	// Successful flows.
	f.deviceUser = "alice@contoso.com"
	dc, _ := NewDeviceCode(cfg, func(context.Context, DeviceCodeMessage) error { return nil })
	keep(dc.Authenticate(ctx))
	tok, err := dc.Token(ctx)
	keep(err)
	_, err = dc.RefreshToken(ctx)
	keep(err)
	texts = append(texts, dc.String(), fmt.Sprint(tok), fmt.Sprintf("%v %+v %#v", dc, tok, dc))
	log.Info("values", "cred", dc, "token", tok)

	ropc, _ := NewUsernamePassword(cfg, "bob@contoso.com", "bob-pw-1a2b")
	keep(ropc.Authenticate(ctx))
	appCfg := cfg
	appCfg.Scopes = nil
	app, _ := NewClientSecret(appCfg, f.secret)
	_, err = app.Token(ctx)
	keep(err)
	texts = append(texts, app.String(), fmt.Sprintf("%#v %+v", app, app))
	ropcText := fmt.Sprintf("%#v", ropc)
	texts = append(texts, ropcText)
	obo, _ := NewOnBehalfOf(cfg, f.secret, f.oboAssertion)
	_, err = obo.Token(ctx)
	keep(err)

	// Failing flows, whose answers echo secrets.
	f.mu.Lock()
	f.rts = map[string]string{} // revoke: the answer echoes the refresh token
	f.mu.Unlock()
	_, err = dc.RefreshToken(ctx)
	if !errors.Is(err, ErrSignInRequired) {
		t.Errorf("revoked refresh token: %v", err)
	}
	keep(err)
	badPw, _ := NewUsernamePassword(cfg, "alice@contoso.com", "alice-wrong-pw-77")
	keep(badPw.Authenticate(ctx))
	badApp, _ := NewClientSecret(Config{ClientID: f.clientID, Authority: f.authority(), HTTPClient: f.srv.Client(), Logger: log}, "bad-secret-value-55")
	_, err = badApp.Token(ctx)
	keep(err)
	f.deviceScript = []string{"expired_token"}
	keep(dc.Authenticate(ctx))

	secrets := append(f.secrets(), "alice-wrong-pw-77", "bad-secret-value-55", "dc-secret-7f3e")
	all := buf.String() + "\n" + strings.Join(texts, "\n")
	if !strings.Contains(all, "signed in") || len(texts) < 8 {
		t.Fatalf("the scan saw too little: %d texts, log %q", len(texts), buf.String())
	}
	for _, s := range secrets {
		if strings.Contains(all, s) {
			t.Errorf("secret %q leaked into logs or errors", s)
		}
	}
	if strings.Contains(all, "eyJ") {
		t.Error("a JWT leaked into logs or errors")
	}
}

func TestScrubMSALCallError(t *testing.T) {
	req, _ := http.NewRequest("POST", "https://login/t/oauth2/v2.0/token", strings.NewReader("refresh_token=rt-secret-1&client_secret=cs-2"))
	resp := &http.Response{StatusCode: 400}
	body := `{"error":"invalid_grant","error_description":"AADSTS70000: bad grant refresh_token=rt-secret-1 password: pw-3\r\nTrace ID: x","correlation_id":"c-9"}`
	err := fmt.Errorf("wrapped: %w", msalerrors.CallErr{Req: req, Resp: resp, Err: fmt.Errorf("http call(%s)(POST) error: reply status code was 400:\n%s", req.URL, body)})
	got := scrubber{secrets: []string{"cs-2"}}.convert("refresh", err)
	var ae *Error
	if !errors.As(got, &ae) || ae.Code != "invalid_grant" || ae.CorrelationID != "c-9" || ae.StatusCode != 400 || !errors.Is(got, ErrSignInRequired) {
		t.Fatalf("converted = %#v", got)
	}
	var ce msalerrors.CallErr
	if errors.As(got, &ce) {
		t.Error("the converted error still carries MSAL's request")
	}
	for _, s := range []string{"rt-secret-1", "pw-3", "cs-2"} {
		if strings.Contains(got.Error(), s) || strings.Contains(ae.Description, s) {
			t.Errorf("%q survived: %v", s, got)
		}
	}
	plain := scrubber{secrets: []string{"my-secret-xyz"}}.convert("x", errors.New(`json decode error: raw message was: {"access_token":"eyJhbGciOi.eyJzdWIi.sig","refresh_token":"rt-9","k":"my-secret-xyz"} Authorization: Bearer abc.def`))
	for _, s := range []string{"eyJhbGciOi", "rt-9", "my-secret-xyz", "abc.def"} {
		if strings.Contains(plain.Error(), s) {
			t.Errorf("%q survived: %v", s, plain)
		}
	}
	if c := (scrubber{}).convert("x", context.DeadlineExceeded); !errors.Is(c, context.DeadlineExceeded) {
		t.Errorf("context error lost: %v", c)
	}
}

func TestTokenRedaction(t *testing.T) {
	tok := o365.Token{AccessToken: "at-very-secret", ExpiresOn: time.Now()}
	var b strings.Builder
	slog.New(slog.NewJSONHandler(&b, nil)).Info("t", "token", tok)
	if strings.Contains(fmt.Sprint(tok)+b.String(), "at-very-secret") {
		t.Error("o365.Token prints its secret")
	}
	flow := &AuthCodeFlow{Verifier: "verifier-secret", State: "s"}
	if strings.Contains(fmt.Sprint(flow), "verifier-secret") {
		t.Error("AuthCodeFlow prints its verifier")
	}
}
