package core

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is a Graph error answer. Handlers return it; the engine writes it as
// {"error":{"code","message","innerError":{...}}} with the request's ids and
// date. Any other error a handler returns becomes a 404 when it wraps
// ErrNotFound, else a logged 500 generalException: a 500 is always a bug.
type Error struct {
	Status  int
	Code    string
	Message string
	Header  http.Header    // extra response headers, e.g. Retry-After or Location
	Inner   map[string]any // extra innerError members
}

// Error describes e for logs: status, code and message.
func (e *Error) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// Errorf builds an Error with a formatted message.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// WithHeader returns e with one more response header.
func (e *Error) WithHeader(key, value string) *Error {
	if e.Header == nil {
		e.Header = http.Header{}
	}
	e.Header.Set(key, value)
	return e
}

// The answers below are shared by every area. Codes follow what Graph sends
// for the same situation, so clients can branch on them.

// BadRequest is 400 BadRequest.
func BadRequest(format string, args ...any) *Error {
	return Errorf(http.StatusBadRequest, "BadRequest", format, args...)
}

// InvalidRequest is 400 invalidRequest, the code of Graph's
// subscription and directory validation errors.
func InvalidRequest(format string, args ...any) *Error {
	return Errorf(http.StatusBadRequest, "invalidRequest", format, args...)
}

// ItemNotFound is 404 ErrorItemNotFound, Exchange's answer for a missing
// Outlook item or folder.
func ItemNotFound(format string, args ...any) *Error {
	return Errorf(http.StatusNotFound, "ErrorItemNotFound", format, args...)
}

// AccessDenied is 403 ErrorAccessDenied with Graph's message.
func AccessDenied() *Error {
	return Errorf(http.StatusForbidden, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
}

// InsufficientPrivileges is the directory's 403 (Microsoft Entra ID's) for
// a token without the permission an operation needs.
func InsufficientPrivileges() *Error {
	return Errorf(http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
}

// ResourceNotFound is the directory's 404 Request_ResourceNotFound for id.
func ResourceNotFound(id string) *Error {
	return Errorf(http.StatusNotFound, "Request_ResourceNotFound",
		"Resource '%s' does not exist or one of its queried reference-property objects are not present.", id)
}

// asError turns any handler error into the answer to send: an Error as is, a
// store miss as 404, anything else as a 500 generalException.
func asError(err error) *Error {
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	if errors.Is(err, ErrNotFound) {
		return ItemNotFound("The specified object was not found in the store.")
	}
	return Errorf(http.StatusInternalServerError, "generalException", "An internal server error occurred.")
}
