package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

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

// usageError marks an error as the caller's: exit code 2.
type usageError struct{ err error }

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

// hint returns what the user should do next about err, or "".
func hint(err error, sandbox bool) string {
	var h *hintError
	if errors.As(err, &h) && h.hint != "" {
		return h.hint
	}
	switch ExitCode(err) {
	case ExitUsage:
		if errors.Is(err, o365.ErrAppOnlyMe) {
			return `app-only sign-ins have no "me": name a user with --resource user:NAME@DOMAIN`
		}
		return `run "o365 help" or add --help to the command for its usage`
	case ExitSignIn:
		if errors.Is(err, auth.ErrMultipleAccounts) {
			return `several users are signed in: "o365 login" as the one to use, or "o365 logout --user NAME" the others`
		}
		if sandbox {
			return `run "o365 --sandbox login" to sign in to the sandbox again`
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
		return "the signed-in account lacks a permission: sign in with more --scopes, or ask an admin to grant consent"
	}
	return ""
}
