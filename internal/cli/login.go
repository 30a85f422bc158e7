package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/o365go/o365"
	"github.com/o365go/o365/auth"
	"github.com/o365go/o365/sandbox"
)

// loginOptions are the flags of `o365 login`.
type loginOptions struct {
	deviceCode             bool
	browser                bool
	clientSecretEnv        string
	clientSecretStdin      bool
	certificate            string
	certificatePasswordEnv string
	tenant                 string
	clientID               string
	scopes                 string
}

func newLoginCommand(s *Session) *cobra.Command {
	var o loginOptions
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in to Microsoft 365",
		Long: `Sign in and keep the tokens in $XDG_CONFIG_HOME/o365/o365_token.txt (mode 0600).

A user signs in with the browser (a loopback redirect; the default when a
browser is available) or with a device code (--device-code; the default over
SSH and without a terminal). An app signs in with its client secret, read from
an environment variable (--client-secret-env NAME) or stdin
(--client-secret-stdin), never from a flag, or with a certificate
(--certificate FILE: PEM, or PKCS#12 .pfx/.p12 whose password is in the
environment variable --certificate-password-env names). Later commands sign
in silently and read the certificate again.

Signing in to a tenant needs an app registration: set client_id (and tenant)
in $XDG_CONFIG_HOME/o365/config, O365_CLIENT_ID, or --client-id.

--scopes takes helper names (message_all, calendar ...) or raw permission
names, comma-separated. With --sandbox, login signs in to the sandbox as its
demo user.`,
		Example: `  o365 --sandbox login
  o365 login --client-id 00000000-0000-0000-0000-000000000000 --tenant contoso.onmicrosoft.com
  o365 login --device-code
  O365_SECRET=... o365 login --client-secret-env O365_SECRET --tenant contoso.onmicrosoft.com
  CERT_PASSWORD=... o365 login --certificate app.pfx --certificate-password-env CERT_PASSWORD --tenant contoso.onmicrosoft.com`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if s.Sandbox() {
				if err := sandboxLoginFlags(cmd, s); err != nil {
					return err
				}
				return loginSandbox(cmd.Context(), s)
			}
			return login(cmd.Context(), s, &o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.deviceCode, "device-code", false, "sign in with a device code (enter a code on another device)")
	f.BoolVar(&o.browser, "browser", false, "sign in with the browser (loopback redirect)")
	f.StringVar(&o.clientSecretEnv, "client-secret-env", "", "sign in as the app with the client secret in environment variable `NAME`")
	f.BoolVar(&o.clientSecretStdin, "client-secret-stdin", false, "sign in as the app with the client secret read from stdin")
	f.StringVar(&o.certificate, "certificate", "", "sign in as the app with the certificate in `FILE` (PEM or PKCS#12)")
	f.StringVar(&o.certificatePasswordEnv, "certificate-password-env", "", "environment variable `NAME` holding the certificate's password")
	f.StringVar(&o.tenant, "tenant", "", `tenant: "common", "organizations", a domain or an id`)
	f.StringVar(&o.clientID, "client-id", "", "application (client) id of your app registration")
	f.StringVar(&o.scopes, "scopes", "", "permissions to ask for: helper names or raw, comma-separated")
	cmd.MarkFlagsMutuallyExclusive("device-code", "browser", "client-secret-env", "client-secret-stdin", "certificate")
	return cmd
}

// sandboxLoginFlags refuses the login flags a sandbox sign-in cannot honour:
// it always signs in the demo user with the demo app, by itself, so another
// flow, app or tenant would be silently replaced.
func sandboxLoginFlags(cmd *cobra.Command, s *Session) error {
	for _, name := range []string{"browser", "client-secret-env", "client-secret-stdin", "certificate", "certificate-password-env", "tenant", "client-id", "scopes"} {
		if cmd.Flags().Changed(name) {
			return WithHint(UsageError("--%s does not apply to the sandbox: %q signs in its demo user %s by itself", name, s.target().loginCommand(), sandbox.DemoUser),
				fmt.Sprintf("drop --%s; to try the other sign-in flows on the sandbox, serve it (o365 sandbox serve --tls) and point your own program at its authority, with the demo apps it prints", name))
		}
	}
	return nil
}

// loginSandbox signs in to the sandbox as the demo user, again even when a
// sign-in is cached.
func loginSandbox(ctx context.Context, s *Session) error {
	rt, _, p, scopes, err := s.sandboxSetup(ctx)
	if err != nil {
		return err
	}
	cred, err := s.newSandboxCredential(rt, p, scopes)
	if err != nil {
		return err
	}
	if err := cred.Authenticate(ctx, scopes...); err != nil {
		return rt.signInError(ctx, err)
	}
	where := "sandbox"
	if rt.srv == nil {
		where = "sandbox at " + rt.base
	}
	return printSignedIn(s, firstNonEmpty(cred.Username(), sandbox.DemoUser), where)
}

// loginCommand is the sign-in command to suggest.
func loginCommand(sandbox bool) string {
	if sandbox {
		return "o365 --sandbox login"
	}
	return "o365 login"
}

func printSignedIn(s *Session, who, where string) error {
	return s.Out().Print(map[string]string{"username": who, "signedInTo": where}, func() *Table {
		return KeyValues([2]string{"Signed in", who}, [2]string{"To", where})
	})
}

// hasBrowser reports whether a browser sign-in can work: a terminal on stdin,
// and a display on Linux and the BSDs.
func (s *Session) hasBrowser() bool {
	if tty, _ := terminal(s.app.Stdin); !tty {
		return false
	}
	switch runtime.GOOS {
	case "windows", "darwin":
		return true
	}
	return s.app.Getenv("DISPLAY") != "" || s.app.Getenv("WAYLAND_DISPLAY") != ""
}

func login(ctx context.Context, s *Session, o *loginOptions) error {
	st, err := s.settings()
	if err != nil {
		return err
	}
	st.ClientID = firstNonEmpty(o.clientID, st.ClientID)
	st.Tenant = firstNonEmpty(o.tenant, st.Tenant)
	st.Scopes = firstNonEmpty(o.scopes, st.Scopes)
	if st.ClientID == "" {
		return WithHint(asUsage(errNoClientID), noClientIDHint)
	}
	p, err := s.tenantProtocol(st.Protocol)
	if err != nil {
		return err
	}
	ls := &loginState{ClientID: st.ClientID, Tenant: st.Tenant, Protocol: st.Protocol}
	dir, err := configDir(s.app.Getenv)
	if err != nil {
		return err
	}

	switch {
	case o.clientSecretEnv != "" || o.clientSecretStdin:
		ls.Flow = flowClientSecret
		ls.ClientSecretEnv = o.clientSecretEnv
	case o.certificate != "":
		ls.Flow = flowCertificate
		// Later commands read it again, from any directory.
		if ls.Certificate, err = filepath.Abs(o.certificate); err != nil {
			return UsageError("--certificate: %v", err)
		}
		ls.CertificatePasswordEnv = o.certificatePasswordEnv
	case o.deviceCode:
		ls.Flow = flowDeviceCode
	case o.browser:
		ls.Flow = flowBrowser
	case s.hasBrowser():
		ls.Flow = flowBrowser
	default:
		ls.Flow = flowDeviceCode
	}
	if o.certificatePasswordEnv != "" && o.certificate == "" {
		return UsageError("--certificate-password-env needs --certificate")
	}
	if ls.appOnly() {
		switch strings.ToLower(ls.Tenant) {
		case "", "common", "organizations", "consumers":
			return UsageError("an app signs in to one tenant: pass --tenant with its domain or id")
		}
	}
	if st.Scopes != "" {
		ls.Scopes = splitScopes(st.Scopes)
	} else if !ls.appOnly() {
		ls.Scopes = defaultScopes()
	}
	spec := credentialSpec{
		flow:      ls.Flow,
		clientID:  ls.ClientID,
		tenant:    ls.Tenant,
		protocol:  p,
		scopes:    ls.Scopes,
		storePath: filepath.Join(dir, auth.DefaultTokenFile),
		logger:    s.Logger(),
		openBrowser: func(u string) error {
			s.Out().Notef("Opening your browser to sign in. If it does not open, visit:\n  %s", u)
			open := s.app.OpenBrowser
			if open == nil {
				open = auth.OpenBrowser
			}
			if err := open(u); err != nil {
				s.Out().Notef("Could not open a browser (%v): open the address above yourself.", err)
			}
			return nil
		},
		deviceCode: func(_ context.Context, dc auth.DeviceCodeMessage) error {
			msg := dc.Message
			if msg == "" {
				msg = fmt.Sprintf("To sign in, open %s and enter the code %s", dc.VerificationURL, dc.UserCode)
			}
			s.Out().Notef("%s", msg)
			return nil
		},
	}
	s.useCloud(&spec)
	switch ls.Flow {
	case flowClientSecret:
		if o.clientSecretStdin {
			spec.secret, err = readSecret(s.app.Stdin)
			if err != nil {
				return err
			}
		} else {
			spec.secret = s.app.Getenv(o.clientSecretEnv)
			if spec.secret == "" {
				return UsageError("environment variable %s is empty: export it with the app's client secret", o.clientSecretEnv)
			}
		}
	case flowCertificate:
		spec.certFile = ls.Certificate
		if o.certificatePasswordEnv != "" {
			spec.certPassword, spec.certPasswordEnv = s.app.Getenv(o.certificatePasswordEnv), o.certificatePasswordEnv
		}
	}
	cred, err := newCredential(spec)
	if err != nil {
		return err
	}
	if err := cred.Authenticate(ctx, ls.Scopes...); err != nil {
		return fmt.Errorf("signing in: %w", err)
	}
	ls.Username = cred.Username()
	states, err := readLoginStates(dir)
	if err != nil {
		return err
	}
	states[profileKey(st.Profile)] = ls
	if err := writeLoginStates(dir, states); err != nil {
		return err
	}
	who := ls.Username
	if ls.appOnly() {
		who = "app " + ls.ClientID + " (application permissions)"
		if o.clientSecretStdin {
			s.Out().Notef("The secret came from stdin and is not kept: commands work until the token expires (about an hour); use --client-secret-env for longer.")
		}
	}
	return printSignedIn(s, who, firstNonEmpty(ls.Tenant, "common"))
}

// readSecret reads one line from r (a secret piped in), without its newline.
func readSecret(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the client secret from stdin: %w", err)
	}
	secret := strings.TrimRight(line, "\r\n")
	if secret == "" {
		return "", UsageError("no client secret on stdin")
	}
	return secret, nil
}

func newLogoutCommand(s *Session) *cobra.Command {
	var user string
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Sign out: remove a user's tokens",
		Long:  `Remove a user's tokens from the token store (the current user's without --user).`,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cred, ls, dir, err := s.storeCredential(ctx)
			if err != nil {
				return err
			}
			if cred == nil {
				s.Out().Notef("Not signed in.")
				return nil
			}
			who := firstNonEmpty(user, cred.Username())
			if err := cred.SignOut(ctx, user); err != nil {
				return fmt.Errorf("signing out: %w", err)
			}
			if ls != nil && (user == "" || strings.EqualFold(user, ls.Username)) {
				states, err := readLoginStates(dir)
				if err != nil {
					return err
				}
				st, err := s.settings()
				if err != nil {
					return err
				}
				delete(states, profileKey(st.Profile))
				if err := writeLoginStates(dir, states); err != nil {
					return err
				}
			}
			return s.Out().Print(map[string]string{"signedOut": who}, func() *Table {
				return KeyValues([2]string{"Signed out", firstNonEmpty(who, "(app)")})
			})
		},
	}
	cmd.Flags().StringVar(&user, "user", "", "the user to sign out (default: the current one)")
	return cmd
}

// storeCredential returns the credential over the run's token store without
// signing in: the sandbox's, or the one `o365 login` set up (nil when it
// never ran).
func (s *Session) storeCredential(ctx context.Context) (o365.Authenticator, *loginState, string, error) {
	if s.Sandbox() {
		rt, _, p, scopes, err := s.sandboxSetup(ctx)
		if err != nil {
			return nil, nil, "", err
		}
		cred, err := s.newSandboxCredential(rt, p, scopes)
		return cred, nil, "", err
	}
	st, ls, dir, err := s.tenantLogin()
	if err != nil || ls == nil {
		return nil, nil, dir, err
	}
	cred, _, err := s.tenantCredential(st, ls, dir)
	return cred, ls, dir, err
}

func newAccountsCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:   "accounts",
		Short: "List the signed-in users",
		Long:  `List the users whose tokens the token store holds; the current one is marked.`,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cred, _, _, err := s.storeCredential(ctx)
			if err != nil {
				return err
			}
			type account struct {
				Username string `json:"username"`
				Current  bool   `json:"current"`
			}
			list := []account{}
			if cred != nil {
				names, err := cred.Usernames(ctx)
				if err != nil {
					return fmt.Errorf("reading the token store: %w", err)
				}
				current := cred.Username()
				seen := map[string]bool{}
				for _, n := range names {
					// One user signed in to several sandbox addresses (or
					// clouds) is still one account.
					if seen[strings.ToLower(n)] {
						continue
					}
					seen[strings.ToLower(n)] = true
					list = append(list, account{Username: n, Current: strings.EqualFold(n, current)})
				}
			}
			if len(list) == 0 && !s.Out().JSONMode() {
				s.Out().Notef("No signed-in users: run %q.", loginCommand(s.Sandbox()))
				return nil
			}
			return s.Out().Print(list, func() *Table {
				t := NewTable("Username", "Current")
				for _, a := range list {
					cur := ""
					if a.Current {
						cur = "*"
					}
					t.Add(a.Username, cur)
				}
				return t
			})
		},
	}
}

// whoamiUser is what whoami shows of the user in the table.
type whoamiUser struct {
	ID                string `json:"id"`
	DisplayName       string `json:"displayName"`
	UserPrincipalName string `json:"userPrincipalName"`
	Mail              string `json:"mail"`
	JobTitle          string `json:"jobTitle"`
	Department        string `json:"department"`
	OfficeLocation    string `json:"officeLocation"`
}

func newWhoamiCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:   "whoami",
		Short: "Show the signed-in user (or the --resource user)",
		Long:  `Read the user (GET /me, or the user --resource names) and print it.`,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			acct, err := s.Account(ctx)
			if err != nil {
				return err
			}
			if k := acct.Resource().Kind(); k != o365.KindMe && k != o365.KindUser {
				return UsageError("whoami shows a user; --resource %s is not one", acct.Resource())
			}
			raw, err := o365.Get[map[string]any](ctx, acct, &o365.Request{})
			if err != nil {
				return err
			}
			if s.Out().JSONMode() {
				return s.Out().JSON(raw)
			}
			var u whoamiUser
			if data, err := json.Marshal(raw); err == nil {
				_ = json.Unmarshal(data, &u)
			}
			pairs := [][2]string{
				{"Name", u.DisplayName},
				{"Username", u.UserPrincipalName},
				{"Mail", u.Mail},
				{"Job title", u.JobTitle},
				{"Department", u.Department},
				{"Office", u.OfficeLocation},
				{"ID", u.ID},
			}
			return s.Out().Table(SetValues(pairs...))
		},
	}
}
