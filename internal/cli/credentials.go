package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/o365go/o365"
	"github.com/o365go/o365/auth"
)

// credentialSpec says which auth credential to build.
type credentialSpec struct {
	flow       string // flowDeviceCode, flowBrowser, flowClientSecret, flowCertificate
	clientID   string
	tenant     string
	authority  string // "" derives it from the protocol's cloud and the tenant
	protocol   *o365.Protocol
	scopes     []string
	storePath  string
	username   string
	httpClient *http.Client
	logger     *slog.Logger

	password        string // flowPassword
	secret          string // flowClientSecret
	certFile        string // flowCertificate
	certPassword    string
	certPasswordEnv string // the variable certPassword came from, "" for none

	deviceCode  func(ctx context.Context, dc auth.DeviceCodeMessage) error // flowDeviceCode
	openBrowser func(url string) error                                     // flowBrowser
}

// newCredential builds the auth credential for spec, over the file token
// store at spec.storePath (mode 0600, created on first sign-in).
func newCredential(spec credentialSpec) (o365.Authenticator, error) {
	cfg := auth.Config{
		ClientID:   spec.clientID,
		Tenant:     spec.tenant,
		Protocol:   spec.protocol,
		Authority:  spec.authority,
		Scopes:     spec.scopes,
		Store:      auth.NewFileStore(spec.storePath),
		Username:   spec.username,
		HTTPClient: spec.httpClient,
		Logger:     spec.logger,
	}
	var (
		cred *auth.Credential
		err  error
	)
	switch spec.flow {
	case flowDeviceCode, "":
		prompt := spec.deviceCode
		if prompt == nil {
			prompt = func(context.Context, auth.DeviceCodeMessage) error { return errors.New("no device code prompt") }
		}
		cred, err = auth.NewDeviceCode(cfg, prompt)
	case flowBrowser:
		cred, err = auth.NewBrowser(cfg, auth.BrowserOptions{OpenURL: spec.openBrowser})
	case flowPassword:
		cred, err = auth.NewUsernamePassword(cfg, spec.username, spec.password)
	case flowClientSecret:
		cred, err = auth.NewClientSecret(cfg, spec.secret)
	case flowCertificate:
		data, rerr := os.ReadFile(spec.certFile)
		if rerr != nil {
			return nil, UsageError("reading the certificate: %v", rerr)
		}
		certs, key, perr := auth.ParseCertificate(data, spec.certPassword)
		if perr != nil {
			return nil, WithHint(asUsage(fmt.Errorf("reading the certificate %s: %w", spec.certFile, perr)), certificateHint(spec, perr))
		}
		cred, err = auth.NewClientCertificate(cfg, certs, key)
	default:
		return nil, fmt.Errorf("unknown sign-in flow %q in login.json: run \"o365 login\" again", spec.flow)
	}
	if err != nil {
		return nil, err
	}
	return cred, nil
}

// certificateHint says what to do about a certificate file ParseCertificate
// refused, or "".
func certificateHint(spec credentialSpec, err error) string {
	switch {
	case errors.Is(err, auth.ErrCertificatePassword) && spec.certPasswordEnv == "":
		return "the certificate is password-protected: put the password in an environment variable and name it with --certificate-password-env NAME"
	case errors.Is(err, auth.ErrCertificatePassword) && spec.certPassword == "":
		return fmt.Sprintf("environment variable %s is empty: export it with the certificate's password", spec.certPasswordEnv)
	case errors.Is(err, auth.ErrCertificatePassword):
		return fmt.Sprintf("check the certificate's password in environment variable %s", spec.certPasswordEnv)
	case errors.Is(err, auth.ErrNoPrivateKey):
		return "use the .pfx/.p12 file exported with the private key, or a PEM file with the certificate and its PRIVATE KEY block"
	}
	return ""
}

// approveSandboxDevice approves a device code in the embedded sandbox as
// login (a demo user), as the person at the verification page would. It
// refuses a flow that points anywhere but the sandbox.
func approveSandboxDevice(ctx context.Context, rt *sandboxRuntime, dc auth.DeviceCodeMessage, login string) error {
	if dc.VerificationURL != "" && !strings.HasPrefix(dc.VerificationURL, rt.base+"/") {
		return fmt.Errorf("the device code flow points at %q, not the sandbox", dc.VerificationURL)
	}
	if err := rt.srv.ApproveDevice(ctx, dc.UserCode, login); err != nil {
		return fmt.Errorf("the sandbox did not approve the device code: %w", err)
	}
	return nil
}
