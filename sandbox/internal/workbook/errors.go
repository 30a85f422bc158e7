package workbook

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is a failure the Excel API reports to its caller: the HTTP status,
// Graph's top-level error code, a message saying what was wrong, and the
// second-level code Graph puts in innerError. Every error the package returns
// for bad input or a missing object is an *Error; anything else is a bug or an
// I/O failure of the caller's reader or writer.
type Error struct {
	Status    int    // HTTP status Graph answers with
	Code      string // Graph's top-level code, e.g. "InvalidArgument"
	InnerCode string // Graph's innerError code, e.g. "invalidArgument"
	Message   string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Is lets errors.Is match an *Error by its code against the sentinels below.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Code == e.Code
}

// Sentinels for errors.Is: errors.Is(err, workbook.ErrItemNotFound).
var (
	ErrInvalidArgument      = &Error{Code: "InvalidArgument"}
	ErrItemNotFound         = &Error{Code: "ItemNotFound"}
	ErrItemAlreadyExists    = &Error{Code: "ItemAlreadyExists"}
	ErrInvalidReference     = &Error{Code: "InvalidReference"}
	ErrInsertDeleteConflict = &Error{Code: "InsertDeleteConflict"}
	ErrUnsupportedOperation = &Error{Code: "UnsupportedOperation"}
	ErrUnsupportedWorkbook  = &Error{Code: "UnsupportedWorkbook"}
	ErrNonBlankCellOffSheet = &Error{Code: "NonBlankCellOffSheet"}
)

// The messages below start with the sentence Excel's API uses for the code
// and go on with what exactly was wrong, so a caller can both branch on the
// code and fix the request from the message.

func invalidArgument(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "InvalidArgument", InnerCode: "invalidArgument",
		Message: "The argument is invalid or missing or has an incorrect format. " + fmt.Sprintf(format, args...)}
}

func itemNotFound(format string, args ...any) *Error {
	return &Error{Status: http.StatusNotFound, Code: "ItemNotFound", InnerCode: "itemNotFound",
		Message: "The requested resource doesn't exist. " + fmt.Sprintf(format, args...)}
}

// itemAlreadyExists answers 400, as Graph's documented example of this code does.
func itemAlreadyExists(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "ItemAlreadyExists", InnerCode: "itemAlreadyExists",
		Message: "A resource with the same name or identifier already exists. " + fmt.Sprintf(format, args...)}
}

func invalidReference(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "InvalidReference", InnerCode: "invalidReference",
		Message: "This reference isn't valid for the current operation. " + fmt.Sprintf(format, args...)}
}

func insertDeleteConflict(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "InsertDeleteConflict", InnerCode: "insertDeleteConflict",
		Message: "The insert or delete operation attempted resulted in a conflict. " + fmt.Sprintf(format, args...)}
}

func unsupportedOperation(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "UnsupportedOperation", InnerCode: "unsupportedOperation",
		Message: "The operation being attempted is not supported. " + fmt.Sprintf(format, args...)}
}

func nonBlankCellOffSheet(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "NonBlankCellOffSheet", InnerCode: "nonBlankCellOffSheet",
		Message: "Can't insert new cells because it would push non-empty cells off the end of the worksheet. " + fmt.Sprintf(format, args...)}
}

// unsupportedWorkbook reports a file the engine refuses to open: not an
// .xlsx, damaged, encrypted, or beyond the limits in Options.
func unsupportedWorkbook(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "UnsupportedWorkbook", InnerCode: "unsupportedWorkbook",
		Message: "The workbook can't be opened. " + fmt.Sprintf(format, args...)}
}

// internal wraps a failure of the spreadsheet library that no input should
// cause, keeping the cause for errors.Unwrap.
type internalError struct{ err error }

func (e *internalError) Error() string { return "workbook: internal error: " + e.err.Error() }
func (e *internalError) Unwrap() error { return e.err }

func internal(err error) error {
	if err == nil {
		return nil
	}
	var we *Error
	if errors.As(err, &we) {
		return err
	}
	return &internalError{err: err}
}
