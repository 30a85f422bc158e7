package sandbox

import (
	"errors"
	"fmt"
	"net/http"
)

// apiError is a Graph error answer. Handlers return it; the core writes it
// as {"error":{"code","message","innerError":{...}}}.
type apiError struct {
	Status  int
	Code    string
	Message string
	Header  http.Header    // extra response headers, e.g. Retry-After or Location
	Inner   map[string]any // extra innerError members
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// errorf builds an apiError with a formatted message.
func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// withHeader returns e with one more response header.
func (e *apiError) withHeader(key, value string) *apiError {
	if e.Header == nil {
		e.Header = http.Header{}
	}
	e.Header.Set(key, value)
	return e
}

// Error answers shared by every area. Codes follow what Graph sends for the
// same situation, so clients can branch on them.
func errBadRequest(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "BadRequest", format, args...)
}

func errInvalidRequest(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "invalidRequest", format, args...)
}

func errItemNotFound(format string, args ...any) *apiError {
	return errorf(http.StatusNotFound, "ErrorItemNotFound", format, args...)
}

func errAccessDenied() *apiError {
	return errorf(http.StatusForbidden, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
}

func errResourceNotFound(id string) *apiError {
	return errorf(http.StatusNotFound, "Request_ResourceNotFound",
		"Resource '%s' does not exist or one of its queried reference-property objects are not present.", id)
}

// asAPIError turns any handler error into the answer to send: an apiError as
// is, a store miss as 404, anything else as a 500 generalException.
func asAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	if errors.Is(err, errNotFound) {
		return errItemNotFound("The specified object was not found in the store.")
	}
	return errorf(http.StatusInternalServerError, "generalException", "An internal server error occurred.")
}
