package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/auth"
	"github.com/o365go/o365/sandbox"
)

// defaultScopes are asked for at sign-in when neither --scopes nor the config
// names any: what the o365 command's areas use, all consentable by users.
func defaultScopes() []string {
	return []string{
		"User.Read", "User.ReadBasic.All", "Mail.ReadWrite", "Mail.Send", "MailboxSettings.ReadWrite",
		"Calendars.ReadWrite", "Contacts.ReadWrite", "Files.ReadWrite.All", "Sites.ReadWrite.All", "Tasks.ReadWrite",
	}
}

// sandboxScopes are asked for in the sandbox, whose demo app has them all
// granted (the .Shared scopes and directory reads included).
func sandboxScopes() []string {
	return []string{
		"User.Read", "User.ReadWrite", "User.ReadBasic.All", "User.Read.All", "Directory.Read.All",
		"Group.ReadWrite.All", "GroupMember.Read.All",
		"Mail.ReadWrite", "Mail.Send", "Mail.ReadWrite.Shared", "Mail.Send.Shared", "MailboxSettings.ReadWrite",
		"Calendars.ReadWrite", "Calendars.ReadWrite.Shared", "Contacts.ReadWrite", "Contacts.ReadWrite.Shared",
		"Files.ReadWrite.All", "Sites.ReadWrite.All", "Tasks.ReadWrite", "Notes.ReadWrite.All",
		"Team.ReadBasic.All", "Channel.ReadBasic.All", "ChannelMessage.Read.All", "ChannelMessage.Send",
		"Chat.ReadWrite", "People.Read",
	}
}

// secretNotKept stands in for a client secret read from stdin at login, which
// is never stored.
const secretNotKept = "o365-cli:secret-not-kept"

// splitScopes splits a --scopes or config value on commas and spaces.
func splitScopes(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
}

// errNoClientID explains what a real tenant needs before signing in.
var errNoClientID = errors.New("no client id: o365 needs an app registration in your tenant to sign in")

const noClientIDHint = `register an app: Entra admin center > App registrations > New registration;
      under Authentication allow public client flows and add the redirect URI
      http://localhost (mobile and desktop); add the Microsoft Graph delegated
      permissions you need. Then put its id in $XDG_CONFIG_HOME/o365/config as
      "client_id = <id>" (and "tenant = <your domain>"), set O365_CLIENT_ID, or
      pass --client-id. To try o365 without a tenant: o365 --sandbox whoami`

// Account returns the Account for the global flags (--resource, --protocol,
// --sandbox, --profile, --verbose): signed in silently from the token store,
// or, in the sandbox, through the sandbox's device code flow approved as the
// demo user. A missing sign-in is an error with exit code 3.
func (s *Session) Account(ctx context.Context) (*o365.Account, error) {
	if s.acct != nil {
		return s.acct, nil
	}
	var (
		acct *o365.Account
		err  error
	)
	if s.Sandbox() {
		acct, err = s.sandboxAccount(ctx)
	} else {
		acct, err = s.tenantAccount(ctx)
	}
	if err != nil {
		return nil, err
	}
	s.acct = acct
	return acct, nil
}

// accountOptions are the options every Account of the run shares.
func (s *Session) accountOptions(p *o365.Protocol, resource string, cred o365.TokenSource, client *http.Client) []o365.Option {
	opts := []o365.Option{
		o365.WithProtocol(p),
		o365.WithTokenSource(cred),
		o365.WithLogger(s.Logger()),
		o365.WithUserAgent("o365-cli/" + versionString(s.app.Version)),
	}
	if resource != "" {
		opts = append(opts, o365.WithResource(resource))
	}
	if client != nil {
		opts = append(opts, o365.WithHTTPClient(client))
	}
	if s.app.Retry != nil {
		opts = append(opts, o365.WithRetry(*s.app.Retry))
	}
	if s.flags.verbose || s.Out().ErrTerminal() {
		// A person watching: say why the command waits.
		opts = append(opts, o365.WithRetryNotify(func(e o365.RetryEvent) { s.Out().Notef("%s", retryNotice(e)) }))
	}
	return opts
}

// retryNotice says why a command waits: "throttled, retrying in 2s
// (attempt 2 of 5)".
func retryNotice(e o365.RetryEvent) string {
	why := "connection lost"
	var ae *o365.Error
	switch {
	case e.Throttled():
		why = "throttled"
	case errors.As(e.Err, &ae):
		why = fmt.Sprintf("%s (%d)", strings.ToLower(http.StatusText(ae.StatusCode)), ae.StatusCode)
	case e.Err != nil:
		if t := asTransportError(e.Err); t != nil && t.kind != "closed" {
			why = t.sentence()
		}
	}
	what := "retrying"
	if e.Items > 1 {
		what = fmt.Sprintf("retrying %d requests", e.Items)
	}
	return fmt.Sprintf("%s, %s in %s (attempt %d of %d)", why, what, waitText(e.Delay), e.Attempt, e.MaxAttempts)
}

// waitText writes a wait for people: "2s", "1.5s", "250ms".
func waitText(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

// newSandboxCredential builds the public-client credential for the sandbox:
// the demo app and the sandbox token store, signed in as the demo user. The
// embedded sandbox goes through the device code flow, approved in-process
// as the demo user would approve it on the device page; a served one through
// the username and password flow with the demo user's public password,
// which signs in again by itself whenever the sandbox forgets the sign-in
// (a restart with a new database).
func (s *Session) newSandboxCredential(rt *sandboxRuntime, p *o365.Protocol, scopes []string) (o365.Authenticator, error) {
	dir, err := configDir(s.app.Getenv)
	if err != nil {
		return nil, err
	}
	spec := credentialSpec{
		flow:       flowDeviceCode,
		clientID:   sandbox.DemoPublicClientID,
		tenant:     sandbox.DemoTenantID,
		authority:  rt.authority(),
		protocol:   p,
		scopes:     scopes,
		storePath:  filepath.Join(dir, sandboxTokenFile),
		username:   sandbox.DemoUser,
		httpClient: rt.client,
		logger:     s.Logger(),
		deviceCode: func(ctx context.Context, dc auth.DeviceCodeMessage) error {
			s.Out().Notef("Signing in to the sandbox as %s (device code %s, approved automatically)", sandbox.DemoUser, dc.UserCode)
			return approveSandboxDevice(ctx, rt, dc, sandbox.DemoUser)
		},
	}
	if rt.srv == nil {
		spec.flow, spec.password = flowPassword, sandbox.DemoPassword
	}
	return newCredential(spec)
}

// sandboxSetup connects to the sandbox and returns it with the run's
// protocol and scopes there.
func (s *Session) sandboxSetup(ctx context.Context) (*sandboxRuntime, settings, *o365.Protocol, []string, error) {
	st, err := s.settings()
	if err != nil {
		return nil, settings{}, nil, nil, err
	}
	rt, err := s.startSandbox(ctx)
	if err != nil {
		return nil, settings{}, nil, nil, err
	}
	p, err := sandboxProtocol(st.Protocol, rt.base)
	if err != nil {
		return nil, settings{}, nil, nil, err
	}
	scopes := sandboxScopes()
	if st.Scopes != "" {
		scopes = splitScopes(st.Scopes)
	}
	return rt, st, p, scopes, nil
}

func (s *Session) sandboxAccount(ctx context.Context) (*o365.Account, error) {
	rt, st, p, scopes, err := s.sandboxSetup(ctx)
	if err != nil {
		return nil, err
	}
	cred, err := s.newSandboxCredential(rt, p, scopes)
	if err != nil {
		return nil, err
	}
	if rt.fresh || !cred.IsAuthenticated(ctx) {
		if err := cred.Authenticate(ctx, scopes...); err != nil {
			return nil, rt.signInError(ctx, err)
		}
	}
	return o365.New(s.accountOptions(p, st.Resource, cred, rt.client)...)
}

// signInError explains a failed sign-in to the sandbox. MSAL reports
// network failures as text: when the sandbox cannot be reached at all, that
// failure is returned instead, so that it reads as one.
func (r *sandboxRuntime) signInError(ctx context.Context, err error) error {
	if r.srv == nil {
		req, rerr := http.NewRequestWithContext(ctx, http.MethodGet, r.authority()+"/v2.0/.well-known/openid-configuration", nil)
		if rerr == nil {
			resp, perr := r.client.Do(req)
			if perr != nil {
				return perr
			}
			resp.Body.Close()
		}
	}
	return fmt.Errorf("signing in to the sandbox at %s: %w", r.base, err)
}

// protocol returns the run's protocol without signing in or sending
// anything.
func (s *Session) protocol(ctx context.Context) (*o365.Protocol, error) {
	if s.Sandbox() {
		_, _, p, _, err := s.sandboxSetup(ctx)
		return p, err
	}
	st, ls, _, err := s.tenantLogin()
	if err != nil {
		return nil, err
	}
	name := st.Protocol
	if ls != nil {
		name = firstNonEmpty(st.Protocol, ls.Protocol)
	}
	return s.tenantProtocol(name)
}

// tenantLogin returns the settings and what `o365 login` remembered for the
// run's profile (nil when it never signed in).
func (s *Session) tenantLogin() (settings, *loginState, string, error) {
	st, err := s.settings()
	if err != nil {
		return settings{}, nil, "", err
	}
	dir, err := configDir(s.app.Getenv)
	if err != nil {
		return settings{}, nil, "", err
	}
	states, err := readLoginStates(dir)
	if err != nil {
		return settings{}, nil, "", err
	}
	return st, states[profileKey(st.Profile)], dir, nil
}

// tenantCredential builds the credential `o365 login` set up for a profile:
// settings (flags, environment, config) first, then what login remembered.
func (s *Session) tenantCredential(st settings, ls *loginState, dir string) (o365.Authenticator, *o365.Protocol, error) {
	p, err := s.tenantProtocol(firstNonEmpty(st.Protocol, ls.Protocol))
	if err != nil {
		return nil, nil, err
	}
	scopes := ls.Scopes
	if st.Scopes != "" {
		scopes = splitScopes(st.Scopes)
	}
	spec := credentialSpec{
		flow:        ls.Flow,
		clientID:    firstNonEmpty(st.ClientID, ls.ClientID),
		tenant:      firstNonEmpty(st.Tenant, ls.Tenant),
		protocol:    p,
		scopes:      scopes,
		storePath:   filepath.Join(dir, auth.DefaultTokenFile),
		username:    ls.Username,
		logger:      s.Logger(),
		openBrowser: s.app.OpenBrowser,
	}
	s.useCloud(&spec)
	switch ls.Flow {
	case flowClientSecret:
		if ls.ClientSecretEnv == "" {
			// The secret came from stdin at login and was not kept: the cached
			// token works until it expires, then the service refuses this
			// stand-in (invalid_client, exit code 3: sign in again).
			spec.secret = secretNotKept
			break
		}
		spec.secret = s.app.Getenv(ls.ClientSecretEnv)
		if spec.secret == "" {
			return nil, nil, signInError(fmt.Errorf("the client secret variable %s is empty", ls.ClientSecretEnv),
				fmt.Sprintf("export %s with the app's client secret, or run \"o365 login\" again", ls.ClientSecretEnv))
		}
	case flowCertificate:
		spec.certFile = ls.Certificate
		if ls.CertificatePasswordEnv != "" {
			spec.certPassword, spec.certPasswordEnv = s.app.Getenv(ls.CertificatePasswordEnv), ls.CertificatePasswordEnv
		}
	}
	cred, err := newCredential(spec)
	if err != nil {
		return nil, nil, err
	}
	return cred, p, nil
}

// tenantAccount builds the Account for a real tenant from the config and what
// `o365 login` remembered.
func (s *Session) tenantAccount(context.Context) (*o365.Account, error) {
	st, ls, dir, err := s.tenantLogin()
	if err != nil {
		return nil, err
	}
	if ls == nil {
		return nil, signInError(errors.New("not signed in"), `run "o365 login" to sign in (or try the sandbox: o365 --sandbox whoami)`)
	}
	cred, p, err := s.tenantCredential(st, ls, dir)
	if err != nil {
		return nil, err
	}
	// No token is asked for here: the first request does, and a missing or
	// expired sign-in surfaces as auth.ErrSignInRequired (exit code 3).
	return o365.New(s.accountOptions(p, st.Resource, cred, s.cloudClient())...)
}

// tenantProtocol is the protocol preset for name, or its stand-in on App.Cloud.
func (s *Session) tenantProtocol(name string) (*o365.Protocol, error) {
	if s.app.Cloud != nil {
		return sandboxProtocol(name, s.app.Cloud.BaseURL)
	}
	return protocolByName(name)
}

// useCloud points a credential at App.Cloud, when set.
func (s *Session) useCloud(spec *credentialSpec) {
	if s.app.Cloud == nil {
		return
	}
	spec.authority = s.app.Cloud.BaseURL + "/" + firstNonEmpty(spec.tenant, "common")
	spec.httpClient = s.app.Cloud.HTTPClient
}

// cloudClient is App.Cloud's HTTP client, or nil for the default.
func (s *Session) cloudClient() *http.Client {
	if s.app.Cloud == nil {
		return nil
	}
	return s.app.Cloud.HTTPClient
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
