package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"github.com/o365go/o365"
	"github.com/o365go/o365/auth"
)

// Exit codes of the o365 command. Scripts rely on them: they never change meaning.
const (
	ExitOK         = 0 // success
	ExitError      = 1 // any other failure
	ExitUsage      = 2 // bad flags or arguments, or missing configuration
	ExitSignIn     = 3 // not signed in, or the sign-in expired: run `o365 login`
	ExitNotFound   = 4 // the item does not exist (HTTP 404)
	ExitThrottled  = 5 // still throttled (HTTP 429) after the retries
	exitCodesUsage = `Exit codes:
  0  success
  1  error
  2  usage error (bad flags or arguments, missing configuration)
  3  sign-in needed (run "o365 login")
  4  not found
  5  throttled after retries
`
)

// ErrSignInNeeded is wrapped by errors that a sign-in fixes; they exit with
// code 3.
var ErrSignInNeeded = errors.New("sign-in needed")

// usageError marks an error as the caller's: exit code 2. help is set for
// errors in the command line's shape (flags, arguments), which the command's
// usage explains.
type usageError struct {
	err  error
	help bool
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// UsageError returns an error that exits with code 2 (bad flags, arguments or
// configuration). Service commands use it for invalid input they detect
// themselves.
func UsageError(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// asUsage wraps err as a usage error (nil stays nil).
func asUsage(err error) error {
	if err == nil {
		return nil
	}
	var u *usageError
	if errors.As(err, &u) {
		return err
	}
	return &usageError{err: err}
}

// asFlagError wraps err as a usage error about the command line's shape, to
// which the hint is the command's help (nil stays nil).
func asFlagError(err error) error {
	err = asUsage(err)
	if u, ok := err.(*usageError); ok {
		u.help = true
	}
	return err
}

// signInError wraps err so that it exits with code 3 and says what to do.
func signInError(err error, hint string) error {
	return &hintError{err: fmt.Errorf("%w: %w", ErrSignInNeeded, err), hint: hint}
}

// hintError carries a suggestion of what to do next, printed after the error.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() }
func (e *hintError) Unwrap() error { return e.err }

// WithHint attaches "what to do next" to err; the hint is printed on its own
// line after the error. Nil stays nil.
func WithHint(err error, hint string) error {
	if err == nil {
		return nil
	}
	return &hintError{err: err, hint: hint}
}

// ExitCode maps an error to the o365 command's exit code.
func ExitCode(err error) int {
	var u *usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &u), isCobraUsage(err):
		return ExitUsage
	case errors.Is(err, ErrSignInNeeded), errors.Is(err, auth.ErrSignInRequired), errors.Is(err, auth.ErrMultipleAccounts),
		errors.Is(err, o365.ErrUnauthorized), errors.Is(err, o365.ErrNoAuthenticator), isInvalidClient(err):
		return ExitSignIn
	case errors.Is(err, o365.ErrNotFound):
		return ExitNotFound
	case errors.Is(err, o365.ErrThrottled):
		return ExitThrottled
	case errors.Is(err, o365.ErrAppOnlyMe), errors.Is(err, o365.ErrInvalidResource):
		return ExitUsage
	}
	return ExitError
}

// isInvalidClient reports the identity platform refusing the app's
// credential (a wrong or expired secret or certificate): sign in again.
func isInvalidClient(err error) bool {
	var ae *auth.Error
	return errors.As(err, &ae) && ae.Code == "invalid_client"
}

// isCobraUsage recognises the one usage error cobra returns before any hook
// of ours runs: an unknown subcommand of the root. Flag errors come through
// the root's flag error function, argument, required-flag and flag-group
// errors through setUsageArgs, all wrapped by asUsage.
func isCobraUsage(err error) bool {
	return strings.HasPrefix(err.Error(), "unknown command ")
}

// helpHint is the hint for errors in the command line's shape.
const helpHint = `run "o365 help" or add --help to the command for its usage`

// hint returns what the user should do next about err, or "". where names
// the sandbox the run works against ("" for a tenant), for sign-in hints.
func hint(err error, where sandboxTarget) string {
	var h *hintError
	if errors.As(err, &h) && h.hint != "" {
		return h.hint
	}
	if t := asTransportError(err); t != nil {
		return t.hint(where)
	}
	switch ExitCode(err) {
	case ExitUsage:
		var u *usageError
		switch {
		case errors.Is(err, o365.ErrAppOnlyMe):
			return `app-only sign-ins have no "me": name a user with --resource user:NAME@DOMAIN`
		case errors.Is(err, o365.ErrInvalidResource):
			return `--resource takes me, user:NAME@DOMAIN (or just the address), group:ID, sharepoint:HOST, sharepoint:HOST:/sites/NAME or site:HOST,SITE-ID,WEB-ID`
		case errors.As(err, &u) && u.help, isCobraUsage(err):
			return helpHint
		}
		return ""
	case ExitSignIn:
		if errors.Is(err, auth.ErrMultipleAccounts) {
			return `several users are signed in: "o365 login" as the one to use, or "o365 logout --user NAME" the others`
		}
		if where.active() {
			return fmt.Sprintf("run %q to sign in to the sandbox again", where.loginCommand())
		}
		return `run "o365 login" to sign in`
	case ExitNotFound:
		return "check the id or path; list the collection to see what exists"
	case ExitThrottled:
		return "the service is throttling requests: wait a minute and try again"
	}
	if errors.Is(err, context.Canceled) {
		return ""
	}
	if errors.Is(err, o365.ErrForbidden) {
		var ae *o365.Error
		if errors.As(err, &ae) && ae.HasCode("ErrorAccessDenied") && strings.Contains(ae.URL, "/users/") {
			return "the signed-in user has no access to that mailbox or user: ask its owner to share it, or sign in with the .Shared permissions (--scopes)"
		}
		return "the signed-in account lacks a permission: sign in with more --scopes, or ask an admin to grant consent"
	}
	return ""
}

// errorText renders err for people, reading once: the library's "o365: "
// prefixes dropped where errors wrap each other, a service answer as its
// message with status and code, a transport failure as a sentence. request
// names the call that failed ("GET https://... (request-id ...)"), or "".
func errorText(err error) (msg, request string) {
	if errors.Is(err, context.Canceled) {
		return "interrupted", ""
	}
	full, aside := splitAside(err.Error())
	aside = cleanPrefix(aside)
	var ae *o365.Error
	if errors.As(err, &ae) {
		if inner := ae.Error(); strings.HasSuffix(full, inner) {
			msg = cleanPrefix(strings.TrimSuffix(full, inner)) + serviceSentence(ae) + aside
			if ae.Method != "" {
				request = ae.Method + " " + ae.URL
			}
			if ae.RequestID != "" {
				request = strings.TrimSpace(request + " (request-id " + ae.RequestID + ")")
			}
			return msg, request
		}
	}
	if t := asTransportError(err); t != nil {
		if loc := requestPrefixRE.FindAllStringSubmatchIndex(full, -1); len(loc) > 0 {
			last := loc[len(loc)-1]
			return cleanPrefix(full[:last[0]]) + t.sentence() + aside, full[last[2]:last[3]] + " " + full[last[4]:last[5]]
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			return t.sentence() + aside, strings.ToUpper(ue.Op) + " " + ue.URL
		}
		return t.sentence() + aside, ""
	}
	return cleanPrefix(full) + aside, ""
}

// splitAside splits an error's text into the failure and what the library
// appended about a check it made afterwards ("... (and looking for the
// message: ...)", see o365.Once), so that the failure is the one read as
// the error and the aside follows it.
func splitAside(s string) (failure, aside string) {
	if i := strings.Index(s, " (and "); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

// requestPrefixRE finds the "o365: METHOD URL: " the engine puts before a
// transport failure.
var requestPrefixRE = regexp.MustCompile(`o365: ([A-Z]+) (https?://\S+): `)

// cleanPrefix drops the "o365: " of wrapped errors: the program name is
// printed once, before everything.
func cleanPrefix(s string) string {
	s = strings.TrimPrefix(s, "o365: ")
	s = strings.ReplaceAll(s, ": o365: ", ": ")
	return strings.ReplaceAll(s, "(and o365: ", "(and ")
}

// serviceSentence is a service answer for people: its message (or the
// status's name) and, in parentheses, the status and Graph's error code.
func serviceSentence(ae *o365.Error) string {
	text := strings.TrimSpace(ae.Message)
	if text == "" {
		text = http.StatusText(ae.StatusCode)
	}
	if !strings.HasSuffix(text, ".") {
		text += "."
	}
	code := strconv.Itoa(ae.StatusCode)
	if ae.Code != "" {
		code += " " + ae.Code
	}
	return text + " (" + code + ")"
}

// transportError classifies a failure to get an answer at all.
type transportError struct {
	kind   string // "closed", "refused", "dns", "timeout", "certificate"
	method string
	host   string
}

// asTransportError recognises a network failure under err, or returns nil.
func asTransportError(err error) *transportError {
	var ae *o365.Error
	if errors.As(err, &ae) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) && !isNetTimeout(err) {
		return nil
	}
	t := &transportError{}
	var dns *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &dns):
		t.kind = "dns"
		t.host = dns.Name
	case errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalid), errors.As(err, &verify):
		t.kind = "certificate"
	case errors.Is(err, syscall.ECONNREFUSED):
		t.kind = "refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		t.kind = "closed"
	case isNetTimeout(err):
		t.kind = "timeout"
	default:
		return nil
	}
	target := ""
	var ue *url.Error
	failure, _ := splitAside(err.Error())
	if loc := requestPrefixRE.FindAllStringSubmatch(failure, -1); len(loc) > 0 {
		last := loc[len(loc)-1]
		t.method, target = last[1], last[2]
	} else if errors.As(err, &ue) {
		t.method, target = strings.ToUpper(ue.Op), ue.URL
	}
	if u, perr := url.Parse(target); perr == nil && t.host == "" {
		t.host = u.Host
	}
	return t
}

func isNetTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// sentence says what happened.
func (t *transportError) sentence() string {
	host := firstNonEmpty(t.host, "the service")
	switch t.kind {
	case "dns":
		return "cannot find the host " + host + " (DNS lookup failed)"
	case "certificate":
		return "the TLS certificate of " + host + " is not trusted"
	case "refused":
		return "nothing answers at " + host + " (connection refused)"
	case "timeout":
		return host + " did not answer in time"
	}
	return "the connection to " + host + " was closed before the answer arrived"
}

// hint says what to do about it.
func (t *transportError) hint(where sandboxTarget) string {
	switch t.kind {
	case "dns":
		return "check your network connection and DNS settings"
	case "certificate":
		if where.served() {
			return "trust the sandbox's certificate: set SSL_CERT_FILE to the .cert.pem file `o365 sandbox serve --tls` names"
		}
		return "a proxy or the network replaced the certificate: check the proxy's settings, or SSL_CERT_FILE"
	case "refused":
		if where.served() {
			return "is the sandbox running? start it with `o365 sandbox serve --tls`"
		}
		return "check your network connection, proxy and firewall"
	case "timeout":
		return "try again in a moment; check your network connection"
	}
	switch t.method {
	case http.MethodPost, http.MethodPatch:
		return "the request may or may not have been carried out: check its effect before repeating it"
	}
	return "the network or the service dropped the connection, and the retries did not get through: try again in a moment (--verbose shows every attempt)"
}
