package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"
)

var (
	// ErrSignInRequired means no token can be had without the user: nobody is
	// signed in, the refresh token was revoked or expired, or the identity
	// platform wants interaction. Sign in again (o365 login, or Authenticate).
	ErrSignInRequired = errors.New("auth: sign-in required")

	// ErrAccountNotFound means the store holds no tokens for the requested user.
	ErrAccountNotFound = errors.New("auth: no tokens for this user in the store")

	// ErrMultipleAccounts means the store holds several users and none was
	// chosen with Config.Username or SetUsername.
	ErrMultipleAccounts = errors.New("auth: several users are signed in; choose one with Config.Username or SetUsername")

	// ErrCorruptCache is matched (errors.Is) by every *CorruptCacheError.
	ErrCorruptCache = errors.New("auth: token cache is unreadable")

	// ErrInsecureFile is matched (errors.Is) by every *InsecureFileError.
	ErrInsecureFile = errors.New("auth: token file is readable by other users")

	// ErrUnsupported is returned by methods that do not apply to a credential's
	// flow, such as AuthCodeURL on a client-secret credential.
	ErrUnsupported = errors.New("auth: not supported by this credential")
)

// Error is an OAuth error answered by the identity platform, such as
// invalid_grant or expired_token. Its fields never hold secrets: the request is
// dropped and the description is scrubbed.
type Error struct {
	// Op is what the credential was doing: "device code", "refresh", ...
	Op string
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Code is the OAuth error code ("invalid_grant", "expired_token", ...).
	Code string
	// Description is the identity platform's error_description, scrubbed.
	Description string
	// ErrorCodes are the AADSTS numbers.
	ErrorCodes []int
	// CorrelationID and TraceID identify the request for Microsoft support.
	CorrelationID, TraceID string
}

// Error reads "auth: <op>: <code>: <first line of the description>".
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "auth: %s: %s", e.Op, e.Code)
	if e.Code == "" {
		fmt.Fprintf(&b, "HTTP %d", e.StatusCode)
	}
	if d, _, _ := strings.Cut(e.Description, "\r\n"); d != "" {
		b.WriteString(": " + strings.TrimSpace(d))
	}
	if e.CorrelationID != "" {
		b.WriteString(" (correlation id " + e.CorrelationID + ")")
	}
	return b.String()
}

// Is lets errors.Is(err, ErrSignInRequired) match the codes that mean the user
// must sign in again.
func (e *Error) Is(target error) bool {
	if target != ErrSignInRequired {
		return false
	}
	switch e.Code {
	case "invalid_grant", "interaction_required", "login_required", "consent_required":
		return true
	}
	return false
}

// CorruptCacheError reports a token store whose content cannot be used: not
// JSON, truncated, undecryptable, or a python-o365 token from before 2.1. The
// content is left untouched; saving to the store fails until it is reset.
type CorruptCacheError struct {
	// Source names the store: a file path, "environment variable O365TOKEN", ...
	Source string
	// Legacy is true for a python-o365 token file from before version 2.1.
	Legacy bool
	// Err is the parse or decrypt error; it never contains the content.
	Err error
}

// Error names the store and says how to recover.
func (e *CorruptCacheError) Error() string {
	const fix = "it was left untouched: remove it (or call Reset on the store) and sign in again with `o365 login` or Authenticate"
	if e.Legacy {
		return fmt.Sprintf("auth: %s holds a python-o365 token from before version 2.1, which cannot be read; %s", e.Source, fix)
	}
	return fmt.Sprintf("auth: %s is not a valid token cache (%v); %s", e.Source, e.Err, fix)
}

// Unwrap returns the parse error.
func (e *CorruptCacheError) Unwrap() error { return e.Err }

// Is matches ErrCorruptCache.
func (e *CorruptCacheError) Is(target error) bool { return target == ErrCorruptCache }

// InsecureFileError reports a token file that users other than its owner can
// read or write. FileStore refuses it unless AllowInsecureMode is set.
type InsecureFileError struct {
	Path string
	Mode fs.FileMode
}

// Error names the file and the chmod that fixes it.
func (e *InsecureFileError) Error() string {
	return fmt.Sprintf("auth: token file %s has mode %04o, so other users can reach it; run `chmod 600 %s` (or set FileStore.AllowInsecureMode)",
		e.Path, e.Mode.Perm(), e.Path)
}

// Is matches ErrInsecureFile.
func (e *InsecureFileError) Is(target error) bool { return target == ErrInsecureFile }

// scrubber removes secrets from text that may echo a request or a response.
type scrubber struct {
	secrets []string // exact values known to the credential
}

var (
	// key=value or "key": "value" pairs whose value is secret.
	secretPairRE = regexp.MustCompile(`(?i)("?\b(?:access_token|refresh_token|id_token|client_secret|client_assertion|password|assertion|device_code|code_verifier|code|secret)"?\s*[:=]\s*"?)[^"&\s,}]+`)
	// JWTs (access tokens, id tokens, assertions).
	jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`)
	// Authorization headers.
	bearerRE = regexp.MustCompile(`(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+`)
)

func (s scrubber) scrub(text string) string {
	for _, v := range s.secrets {
		if len(v) >= 4 {
			text = strings.ReplaceAll(text, v, "[REDACTED]")
		}
	}
	text = jwtRE.ReplaceAllString(text, "[REDACTED]")
	text = bearerRE.ReplaceAllString(text, "${1}[REDACTED]")
	return secretPairRE.ReplaceAllString(text, "${1}[REDACTED]")
}

// msalError is an MSAL failure that is not an OAuth error answer, with its
// message scrubbed. It deliberately does not wrap MSAL's error: that one can
// carry the HTTP request, whose body holds secrets.
type msalError struct {
	op, msg string
	ctxErr  error // context.Canceled or DeadlineExceeded, kept for errors.Is
	signIn  bool  // the cache had no usable account or refresh token
}

func (e *msalError) Error() string { return "auth: " + e.op + ": " + e.msg }

func (e *msalError) Unwrap() error { return e.ctxErr }

func (e *msalError) Is(target error) bool { return e.signIn && target == ErrSignInRequired }

// convert turns an error from MSAL into one that is safe to show and that
// callers can branch on.
func (s scrubber) convert(op string, err error) error {
	if err == nil {
		return nil
	}
	var our *Error
	if errors.As(err, &our) {
		return err
	}
	var se storeError
	if errors.As(err, &se) {
		return se.err
	}
	var si *signInError
	if errors.As(err, &si) {
		return si
	}
	for _, ce := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, ce) {
			return &msalError{op: op, msg: ce.Error(), ctxErr: ce}
		}
	}
	var call msalerrors.CallErr
	if errors.As(err, &call) {
		e := &Error{Op: op}
		if call.Resp != nil {
			e.StatusCode = call.Resp.StatusCode
		}
		// The body was read into the message after the first newline; the
		// response body itself may already have been consumed by MSAL.
		msg := call.Err.Error()
		if i := strings.IndexByte(msg, '{'); i >= 0 {
			var body struct {
				Error         string `json:"error"`
				Description   string `json:"error_description"`
				Codes         []int  `json:"error_codes"`
				CorrelationID string `json:"correlation_id"`
				TraceID       string `json:"trace_id"`
			}
			if json.Unmarshal([]byte(msg[i:]), &body) == nil {
				e.Code, e.Description, e.ErrorCodes = body.Error, s.scrub(body.Description), body.Codes
				e.CorrelationID, e.TraceID = body.CorrelationID, body.TraceID
			}
		}
		return e
	}
	msg := s.scrub(err.Error())
	// MSAL's words for "nothing usable in the cache".
	signIn := strings.Contains(msg, "no token found") || strings.Contains(msg, "no account was specified") ||
		strings.Contains(msg, "WithSilentAccount option is required")
	return &msalError{op: op, msg: msg, signIn: signIn}
}
