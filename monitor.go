package o365

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ErrOperationFailed is matched by errors.Is when a long-running operation
// ends in failure; the error is an *OperationError.
var ErrOperationFailed = errors.New("o365: the operation failed")

// AsyncOperation is the state of a long-running operation as its monitor
// reports it: Graph's asyncJobStatus (driveItem copy) or a Teams
// teamsAsyncOperation, whose fields are folded into the same names.
type AsyncOperation struct {
	ID                 string
	Operation          string  // "ItemCopy"; Teams' operationType such as "createTeam"
	Status             string  // notStarted, inProgress, completed, succeeded, failed ...
	PercentageComplete float64 // 0 to 100, when the service says
	// ResourceID and ResourceLocation name what the operation made (Teams'
	// targetResourceId and targetResourceLocation).
	ResourceID       string
	ResourceLocation string
	ErrorCode        string
	ErrorMessage     string
}

// OperationError is a long-running operation that ended in failure.
type OperationError struct{ Op *AsyncOperation }

// Error describes the failure.
func (e *OperationError) Error() string {
	msg := "o365: operation " + e.Op.Operation + " " + e.Op.Status
	if e.Op.ErrorCode != "" {
		msg += ": " + e.Op.ErrorCode
	}
	if e.Op.ErrorMessage != "" {
		msg += ": " + e.Op.ErrorMessage
	}
	return msg
}

// Is matches ErrOperationFailed.
func (e *OperationError) Is(target error) bool { return target == ErrOperationFailed }

type wireOperation struct {
	ID                     string  `json:"id"`
	Operation              string  `json:"operation"`
	OperationType          string  `json:"operationType"`
	Status                 string  `json:"status"`
	PercentageComplete     float64 `json:"percentageComplete"`
	ResourceID             string  `json:"resourceId"`
	TargetResourceID       string  `json:"targetResourceId"`
	ResourceLocation       string  `json:"resourceLocation"`
	TargetResourceLocation string  `json:"targetResourceLocation"`
	ErrorCode              string  `json:"errorCode"`
	Error                  *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// WaitOptions tune WaitOperation; nil means the defaults.
type WaitOptions struct {
	// Poll is the time between polls (default 1 s); a Retry-After from the
	// monitor wins.
	Poll time.Duration
	// Progress, if set, is called with every state the monitor reports,
	// the last one included, e.g. to show percentageComplete.
	Progress func(*AsyncOperation)
}

// WaitOperation polls a long-running operation's monitor (the Location of a
// 202 Accepted) until it completes, and returns its final state. A monitor
// on another host than the service, as driveItem copy's, is polled without
// the bearer token: those URLs are pre-authenticated. A relative monitor
// such as Teams' /teams('id')/operations('id') is resolved against the
// service root. An operation that fails returns its state and an
// *OperationError; when polling itself fails (ctx ended, monitor gone) the
// last state seen, if any, comes with the error. opts may be nil.
func (a *Account) WaitOperation(ctx context.Context, monitorURL string, opts *WaitOptions) (*AsyncOperation, error) {
	var o WaitOptions
	if opts != nil {
		o = *opts
	}
	poll := o.Poll
	if poll <= 0 {
		poll = time.Second
	}
	req := &Request{Method: http.MethodGet, Path: monitorURL}
	if isAbsolute(monitorURL) {
		mu, err := url.Parse(monitorURL)
		if err != nil {
			return nil, fmt.Errorf("o365: bad monitor URL %q: %w", redactURL(monitorURL), err)
		}
		su, err := url.Parse(a.proto.ServiceURL())
		req.NoAuth = err != nil || !sameHost(mu, su)
	} else if !strings.HasPrefix(monitorURL, "/") {
		req.Path = "/" + monitorURL
	}
	var last *AsyncOperation
	for {
		var w wireOperation
		resp, err := a.Do(ctx, req, &w)
		if err != nil {
			return last, err
		}
		op := &AsyncOperation{
			ID:                 w.ID,
			Operation:          first(w.Operation, w.OperationType),
			Status:             w.Status,
			PercentageComplete: w.PercentageComplete,
			ResourceID:         first(w.ResourceID, w.TargetResourceID),
			ResourceLocation:   first(w.ResourceLocation, w.TargetResourceLocation),
			ErrorCode:          w.ErrorCode,
		}
		if w.Error != nil {
			op.ErrorCode = first(op.ErrorCode, w.Error.Code)
			op.ErrorMessage = w.Error.Message
		}
		if o.Progress != nil {
			o.Progress(op)
		}
		switch strings.ToLower(op.Status) {
		case "completed", "succeeded":
			return op, nil
		case "failed", "deletefailed", "cancelled", "canceled":
			return op, &OperationError{Op: op}
		case "":
			if resp.StatusCode != http.StatusAccepted {
				return op, fmt.Errorf("o365: the monitor %s answered %d without a status", redactURL(monitorURL), resp.StatusCode)
			}
		}
		delay := poll
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok && d > 0 {
			delay = d
		}
		last = op
		if err := sleep(ctx, delay); err != nil {
			return op, fmt.Errorf("o365: waiting for the operation: %w", err)
		}
	}
}
