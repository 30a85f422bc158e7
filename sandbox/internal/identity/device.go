package identity

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// deviceCodeResponse is the devicecode endpoint's answer.
type deviceCodeResponse struct {
	UserCode        string `json:"user_code"`
	DeviceCode      string `json:"device_code"`
	VerificationURI string `json:"verification_uri"`
	ExpiresIn       int64  `json:"expires_in"`
	Interval        int64  `json:"interval"`
	Message         string `json:"message"`
}

func (p *Provider) serveDeviceCode(w http.ResponseWriter, r *http.Request, req *request) {
	f, oerr := readForm(w, r)
	var resp *deviceCodeResponse
	if oerr == nil {
		resp, oerr = p.deviceCode(r.Context(), req, f)
	}
	if oerr != nil {
		p.log.Info("identity: device code refused", "client_id", f["client_id"], "error", oerr.code, "trace_id", req.traceID)
		p.writeError(w, req, oerr)
		return
	}
	p.log.Info("identity: device code issued", "client_id", f["client_id"], "trace_id", req.traceID)
	writeJSON(w, http.StatusOK, resp)
}

func (p *Provider) deviceCode(ctx context.Context, req *request, f form) (*deviceCodeResponse, *oauthError) {
	if f["client_id"] == "" {
		return nil, missingParam("client_id")
	}
	if f["scope"] == "" {
		return nil, missingParam("scope")
	}
	app, err := p.cfg.Directory.App(ctx, f["client_id"])
	if errors.Is(err, ErrNotFound) {
		return nil, badRequest("unauthorized_client", 700016,
			"Application with identifier '%s' was not found in the directory '%s'. Register the app in the sandbox tenant, or check the client id.", f["client_id"], p.cfg.TenantID)
	}
	if err != nil {
		return nil, serverError(err)
	}
	sr, oerr := parseScopes(f["scope"])
	if oerr != nil {
		return nil, oerr
	}
	if _, oerr := grantDelegated(app, sr); oerr != nil {
		return nil, oerr
	}
	deviceCode, err := randomToken()
	if err != nil {
		return nil, serverError(err)
	}
	userCode, err := randomUserCode()
	if err != nil {
		return nil, serverError(err)
	}
	g := deviceGrant{
		ClientID:  app.ClientID,
		Scope:     f["scope"],
		Tenant:    req.tenant,
		UserCode:  userCode,
		Status:    devicePending,
		ExpiresAt: p.now().Add(deviceCodeTTL),
	}
	key := hashKey(kvDevice, deviceCode)
	keep := g.ExpiresAt.Add(kvExpiryPadding)
	if err := p.putJSON(ctx, key, g, keep); err != nil {
		return nil, serverError(err)
	}
	if err := p.cfg.KV.Put(ctx, kvUserCode+userCode, []byte(key), keep); err != nil {
		return nil, serverError(err)
	}
	verify := req.base + "/" + req.tenant + "/device"
	return &deviceCodeResponse{
		UserCode:        userCode,
		DeviceCode:      deviceCode,
		VerificationURI: verify,
		ExpiresIn:       int64(deviceCodeTTL / time.Second),
		Interval:        int64((p.pollInterval + time.Second - 1) / time.Second),
		Message:         fmt.Sprintf("To sign in, use a web browser to open the page %s and enter the code %s to authenticate.", verify, userCode),
	}, nil
}

// grantDevice answers one poll of the device code flow.
func (p *Provider) grantDevice(ctx context.Context, req *request, c client, f form) (*tokenResponse, *oauthError) {
	deviceCode := f["device_code"]
	if deviceCode == "" {
		return nil, missingParam("device_code")
	}
	g, oerr := p.pollDevice(ctx, hashKey(kvDevice, deviceCode), c.app.ClientID)
	if oerr != nil {
		return nil, oerr
	}
	user, oerr := p.userByID(ctx, g.UserID)
	if oerr != nil {
		return nil, oerr
	}
	is, oerr := p.delegated(ctx, c, user, g.Scope)
	if oerr != nil {
		return nil, oerr
	}
	is.clientInfo = f["client_info"] == "1"
	return p.issueTokens(ctx, req, is)
}

// pollDevice records a poll and returns the grant once approved, spending it.
func (p *Provider) pollDevice(ctx context.Context, key, clientID string) (deviceGrant, *oauthError) {
	p.redeem.Lock()
	defer p.redeem.Unlock()
	var g deviceGrant
	ok, err := p.getJSON(ctx, key, &g)
	if err != nil {
		return g, serverError(err)
	}
	if !ok || g.ClientID != clientID {
		return g, badRequest("bad_verification_code", 70000, "The device_code is unknown to the sandbox, or was issued to another client.")
	}
	now := p.now()
	if !now.Before(g.ExpiresAt) {
		return g, badRequest("expired_token", 70020, "The provided value for the input parameter 'device_code' is not valid. This device code has expired; start the device code flow again.")
	}
	switch g.Status {
	case deviceDeclined:
		return g, badRequest("authorization_declined", 70019, "The end user declined the authorization request.")
	case deviceApproved:
		if err := p.cfg.KV.Delete(ctx, key); err != nil {
			return g, serverError(err)
		}
		if err := p.cfg.KV.Delete(ctx, kvUserCode+g.UserCode); err != nil {
			return g, serverError(err)
		}
		return g, nil
	}
	tooSoon := !g.LastPoll.IsZero() && now.Sub(g.LastPoll) < p.pollInterval
	g.LastPoll = now
	if err := p.putJSON(ctx, key, g, g.ExpiresAt.Add(kvExpiryPadding)); err != nil {
		return g, serverError(err)
	}
	if tooSoon {
		return g, badRequest("slow_down", 70016, "OAuth 2.0 device flow error. Polled faster than the interval of %s; slow down.", p.pollInterval)
	}
	return g, badRequest("authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling.")
}

// normalizeUserCode accepts what a person types: any case, spaces, dashes.
func normalizeUserCode(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(s)))
}

// ApproveDevice signs login in for the device code flow waiting on userCode,
// as the device approval page does. Unknown or expired user codes wrap
// ErrNotFound; a code that was already approved or declined is an error too.
func (p *Provider) ApproveDevice(ctx context.Context, userCode, login string) error {
	u, err := p.cfg.Directory.UserByLogin(ctx, login)
	if err != nil {
		return fmt.Errorf("identity: approve device: user %q: %w", login, err)
	}
	if u.Disabled {
		return fmt.Errorf("identity: approve device: the account of %q is disabled", login)
	}
	return p.decideDevice(ctx, userCode, deviceApproved, u.ID)
}

// DeclineDevice ends the device code flow waiting on userCode: the polling
// client gets authorization_declined.
func (p *Provider) DeclineDevice(ctx context.Context, userCode string) error {
	return p.decideDevice(ctx, userCode, deviceDeclined, "")
}

func (p *Provider) decideDevice(ctx context.Context, userCode, status, userID string) error {
	code := normalizeUserCode(userCode)
	if code == "" {
		return errors.New("identity: the user code is empty; enter the code the device shows")
	}
	key, ok, err := p.cfg.KV.Get(ctx, kvUserCode+code)
	if err != nil {
		return fmt.Errorf("identity: device code lookup: %w", err)
	}
	if !ok {
		return fmt.Errorf("identity: user code %q: %w (check the code the device shows)", code, ErrNotFound)
	}
	p.redeem.Lock()
	defer p.redeem.Unlock()
	var g deviceGrant
	ok, err = p.getJSON(ctx, string(key), &g)
	if err != nil {
		return err
	}
	if !ok || !p.now().Before(g.ExpiresAt) {
		return fmt.Errorf("identity: user code %q has expired: %w; start the device code flow again", code, ErrNotFound)
	}
	if g.Status != devicePending {
		return fmt.Errorf("identity: user code %q was already %s", code, g.Status)
	}
	g.Status, g.UserID = status, userID
	return p.putJSON(ctx, string(key), g, g.ExpiresAt.Add(kvExpiryPadding))
}
