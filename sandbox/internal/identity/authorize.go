package identity

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

// authzRequest is a validated authorize request.
type authzRequest struct {
	app                        App
	redirectURI, responseMode  string
	state, scope, nonce        string
	challenge, challengeMethod string
	loginHint, prompt          string
}

// redirectAllowed reports whether uri is registered on the app. Loopback
// http URIs match on any port and path, as in Entra.
func redirectAllowed(app App, uri string) bool {
	u, err := url.Parse(uri)
	if err != nil || u.Fragment != "" || u.Host == "" {
		return false
	}
	for _, reg := range app.RedirectURIs {
		if reg == uri {
			return true
		}
		ru, err := url.Parse(reg)
		if err != nil || ru.Scheme != "http" || u.Scheme != "http" || !isLoopback(ru.Hostname()) {
			continue
		}
		if strings.EqualFold(ru.Hostname(), u.Hostname()) {
			return true
		}
	}
	return false
}

func isLoopback(host string) bool {
	return strings.EqualFold(host, "localhost") || host == "127.0.0.1" || host == "::1"
}

// authorizeError is an error to send back to the client's redirect URI.
type authorizeError struct {
	code, description string
}

func (p *Provider) serveAuthorize(w http.ResponseWriter, r *http.Request, req *request) {
	ctx := r.Context()
	q := r.URL.Query()
	clientID, redirectURI := q.Get("client_id"), q.Get("redirect_uri")
	if clientID == "" || redirectURI == "" {
		renderPage(w, http.StatusBadRequest, "message", page{Title: "Sign-in error",
			Message: "AADSTS900144: The request must contain the parameters 'client_id' and 'redirect_uri'."})
		return
	}
	app, err := p.cfg.Directory.App(ctx, clientID)
	if err != nil {
		msg := fmt.Sprintf("AADSTS700016: Application with identifier '%s' was not found in the directory '%s'.", clientID, p.cfg.TenantID)
		if !errors.Is(err, ErrNotFound) {
			p.log.Error("identity: authorize: app lookup", "err", err)
			msg = "The sandbox's identity service failed; see the sandbox log."
		}
		renderPage(w, http.StatusBadRequest, "message", page{Title: "Sign-in error", Message: msg})
		return
	}
	if !redirectAllowed(app, redirectURI) {
		renderPage(w, http.StatusBadRequest, "message", page{Title: "Sign-in error", Message: fmt.Sprintf(
			"AADSTS50011: The redirect URI '%s' specified in the request does not match the redirect URIs configured for the application '%s'. Register it on the app.",
			redirectURI, clientID)})
		return
	}
	az, aerr := parseAuthorize(app, q)
	if aerr != nil {
		p.redirectError(w, req, az, aerr)
		return
	}
	user, aerr := p.authorizeUser(ctx, w, r, az)
	if aerr != nil {
		p.redirectError(w, req, az, aerr)
		return
	}
	if user == nil {
		return // a sign-in form was served
	}
	code, err := randomToken()
	if err == nil {
		err = p.putJSON(ctx, hashKey(kvCode, code), codeGrant{
			ClientID:        app.ClientID,
			RedirectURI:     az.redirectURI,
			Challenge:       az.challenge,
			ChallengeMethod: az.challengeMethod,
			Scope:           az.scope,
			UserID:          user.ID,
			Nonce:           az.nonce,
			ExpiresAt:       p.now().Add(codeTTL),
		}, p.now().Add(codeTTL+kvExpiryPadding))
	}
	if err != nil {
		p.log.Error("identity: authorize: store code", "err", err)
		p.redirectError(w, req, az, &authorizeError{code: "server_error", description: "AADSTS90033: The sandbox's identity service failed; see the sandbox log."})
		return
	}
	p.log.Info("identity: authorization code issued", "client_id", app.ClientID, "trace_id", req.traceID)
	p.respondToClient(w, az, url.Values{"code": {code}, "state": nonEmpty(az.state)})
}

// parseAuthorize checks the parameters that are reported to the redirect URI.
// The returned request is usable for redirecting even with an error.
func parseAuthorize(app App, q url.Values) (authzRequest, *authorizeError) {
	az := authzRequest{
		app:             app,
		redirectURI:     q.Get("redirect_uri"),
		responseMode:    q.Get("response_mode"),
		state:           q.Get("state"),
		scope:           q.Get("scope"),
		nonce:           q.Get("nonce"),
		challenge:       q.Get("code_challenge"),
		challengeMethod: q.Get("code_challenge_method"),
		loginHint:       q.Get("login_hint"),
		prompt:          q.Get("prompt"),
	}
	switch az.responseMode {
	case "":
		az.responseMode = "query"
	case "query", "fragment", "form_post":
	default:
		mode := az.responseMode
		az.responseMode = "query"
		return az, &authorizeError{"invalid_request", fmt.Sprintf("AADSTS900144: response_mode '%s' is not supported; use query, fragment or form_post.", mode)}
	}
	if rt := q.Get("response_type"); rt != "code" {
		return az, &authorizeError{"unsupported_response_type", fmt.Sprintf("AADSTS700054: response_type '%s' is not supported by the sandbox; use 'code'.", rt)}
	}
	if az.scope == "" {
		return az, &authorizeError{"invalid_request", "AADSTS900144: The request must contain the parameter 'scope'."}
	}
	sr, oerr := parseScopes(az.scope)
	if oerr == nil {
		_, oerr = grantDelegated(app, sr)
	}
	if oerr != nil {
		code := oerr.code
		if oerr.suberror != "" {
			code = oerr.suberror
		}
		return az, &authorizeError{code, fmt.Sprintf("AADSTS%d: %s", oerr.aadsts, oerr.message)}
	}
	switch {
	case az.challenge == "" && az.challengeMethod != "":
		return az, &authorizeError{"invalid_request", "AADSTS501491: code_challenge_method was sent without code_challenge."}
	case az.challenge == "":
	case az.challengeMethod == "":
		az.challengeMethod = "plain" // RFC 7636 4.3
	case az.challengeMethod != "S256" && az.challengeMethod != "plain":
		return az, &authorizeError{"invalid_request", fmt.Sprintf("AADSTS501491: code_challenge_method '%s' is not supported; use S256.", az.challengeMethod)}
	}
	if az.challenge != "" && !validPKCEValue(az.challenge) {
		return az, &authorizeError{"invalid_request", "AADSTS501491: code_challenge must be 43 to 128 characters of [A-Za-z0-9-._~]."}
	}
	if az.prompt != "" && az.prompt != "none" && az.prompt != "login" && az.prompt != "consent" && az.prompt != "select_account" {
		return az, &authorizeError{"invalid_request", fmt.Sprintf("AADSTS90023: prompt '%s' is not valid; use none, login, consent or select_account.", az.prompt)}
	}
	return az, nil
}

func validPKCEValue(s string) bool {
	if len(s) < 43 || len(s) > 128 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}

// authorizeUser decides who signs in: the posted username and password,
// else login_hint or Config.DefaultUser without a form (unless prompt=login).
// A nil user with a nil error means a sign-in form was served.
func (p *Provider) authorizeUser(ctx context.Context, w http.ResponseWriter, r *http.Request, az authzRequest) (*User, *authorizeError) {
	form := page{Title: "Sign in", App: appName(az.app), Action: r.URL.RequestURI(), Login: az.loginHint}
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			form.Error = "The form could not be read; try again."
			renderPage(w, http.StatusBadRequest, "signin", form)
			return nil, nil
		}
		login := r.PostForm.Get("username")
		user, oerr := p.checkPassword(ctx, login, r.PostForm.Get("password"))
		if oerr != nil {
			if oerr.cause != nil {
				p.log.Error("identity: sign-in", "err", oerr.cause)
			}
			form.Login, form.Error = login, "Your username or password is incorrect."
			if oerr.aadsts == 50057 {
				form.Error = "Your account has been locked. Contact your support person to unlock it, then try again."
			}
			renderPage(w, http.StatusOK, "signin", form)
			return nil, nil
		}
		return user, nil
	}
	if az.prompt != "login" {
		for _, login := range []string{az.loginHint, p.cfg.DefaultUser} {
			if login == "" {
				continue
			}
			u, err := p.cfg.Directory.UserByLogin(ctx, login)
			if err == nil && !u.Disabled {
				return &u, nil
			}
			if err == nil {
				continue // a disabled account signs in nowhere
			}
			if !errors.Is(err, ErrNotFound) {
				p.log.Error("identity: authorize: user lookup", "err", err)
				return nil, &authorizeError{"server_error", "AADSTS90033: The sandbox's identity service failed; see the sandbox log."}
			}
		}
	}
	if az.prompt == "none" {
		return nil, &authorizeError{"login_required", "AADSTS50058: A silent sign-in request was sent but no user is signed in. Set a default user or send login_hint, or drop prompt=none."}
	}
	renderPage(w, http.StatusOK, "signin", form)
	return nil, nil
}

func appName(app App) string {
	if app.DisplayName != "" {
		return app.DisplayName
	}
	return app.ClientID
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func (p *Provider) redirectError(w http.ResponseWriter, req *request, az authzRequest, e *authorizeError) {
	p.log.Info("identity: authorize refused", "client_id", az.app.ClientID, "error", e.code, "trace_id", req.traceID)
	desc := fmt.Sprintf("%s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s",
		e.description, req.traceID, req.correlationID, p.now().UTC().Format(aadTimestamp))
	p.respondToClient(w, az, url.Values{"error": {e.code}, "error_description": {desc}, "state": nonEmpty(az.state)})
}

// respondToClient sends params to the redirect URI by the response mode.
func (p *Provider) respondToClient(w http.ResponseWriter, az authzRequest, params url.Values) {
	if az.responseMode == "form_post" {
		fields := map[string]string{}
		for k := range params {
			fields[k] = params.Get(k)
		}
		// #nosec G203 -- the URI is registered on the app (redirectAllowed).
		renderPage(w, http.StatusOK, "formpost", page{Target: template.URL(az.redirectURI), Fields: fields})
		return
	}
	u, err := url.Parse(az.redirectURI)
	if err != nil {
		// redirectAllowed parsed it already.
		renderPage(w, http.StatusBadRequest, "message", page{Title: "Sign-in error", Message: "The redirect URI does not parse."})
		return
	}
	if az.responseMode == "fragment" {
		u.Fragment = params.Encode()
	} else {
		q := u.Query()
		for k, v := range params {
			q[k] = v
		}
		u.RawQuery = q.Encode()
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Location", u.String())
	w.WriteHeader(http.StatusFound)
}

func (p *Provider) serveLogout(w http.ResponseWriter, r *http.Request, req *request) {
	// The sandbox keeps no browser session, so there is nothing to end; it
	// only sends the browser back, to a URI registered on the named app.
	q := r.URL.Query()
	target := q.Get("post_logout_redirect_uri")
	if target != "" && q.Get("client_id") != "" {
		app, err := p.cfg.Directory.App(r.Context(), q.Get("client_id"))
		if err == nil && redirectAllowed(app, target) {
			u, _ := url.Parse(target) // redirectAllowed parsed it
			if st := q.Get("state"); st != "" {
				v := u.Query()
				v.Set("state", st)
				u.RawQuery = v.Encode()
			}
			http.Redirect(w, r, u.String(), http.StatusFound)
			return
		}
	}
	renderPage(w, http.StatusOK, "message", page{Title: "Signed out", Message: "You have signed out of the sandbox. You can close this window."})
}

func (p *Provider) serveDevicePage(w http.ResponseWriter, r *http.Request, req *request) {
	ctx := r.Context()
	pg := page{Title: "Enter code", Action: r.URL.Path, Login: p.cfg.DefaultUser, Code: r.URL.Query().Get("user_code")}
	if r.Method == http.MethodGet {
		if pg.Code != "" && p.cfg.DefaultUser != "" {
			p.finishDevicePage(w, req, pg, p.ApproveDevice(ctx, pg.Code, p.cfg.DefaultUser), "approved")
			return
		}
		renderPage(w, http.StatusOK, "device", pg)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		pg.Error = "The form could not be read; try again."
		renderPage(w, http.StatusBadRequest, "device", pg)
		return
	}
	pg.Code = r.PostForm.Get("user_code")
	if r.PostForm.Get("action") == "decline" {
		p.finishDevicePage(w, req, pg, p.DeclineDevice(ctx, pg.Code), "declined")
		return
	}
	login := r.PostForm.Get("username")
	switch {
	case login == "" && p.cfg.DefaultUser == "":
		pg.Error = "Enter your username and password."
		renderPage(w, http.StatusOK, "device", pg)
		return
	case login == "":
		login = p.cfg.DefaultUser
	default:
		if _, oerr := p.checkPassword(ctx, login, r.PostForm.Get("password")); oerr != nil {
			pg.Error = "Your username or password is incorrect."
			renderPage(w, http.StatusOK, "device", pg)
			return
		}
	}
	p.finishDevicePage(w, req, pg, p.ApproveDevice(ctx, pg.Code, login), "approved")
}

func (p *Provider) finishDevicePage(w http.ResponseWriter, req *request, pg page, err error, verb string) {
	if err != nil {
		p.log.Info("identity: device approval refused", "trace_id", req.traceID, "err", err)
		pg.Error = "That code is not valid, has expired or was already used. Check the code on your device."
		renderPage(w, http.StatusOK, "device", pg)
		return
	}
	pg.Done = fmt.Sprintf("The sign-in was %s. You can return to your device and close this window.", verb)
	renderPage(w, http.StatusOK, "device", pg)
}
