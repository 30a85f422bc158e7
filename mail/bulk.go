package mail

import (
	"context"
	"fmt"
	"net/http"

	"github.com/o365go/o365"
)

// BulkError reports the messages a bulk operation could not handle; the
// others were handled.
type BulkError struct {
	// Failed maps a message id to its error.
	Failed map[string]error
}

// Error summarises the failures.
func (e *BulkError) Error() string {
	for id, err := range e.Failed {
		return fmt.Sprintf("mail: %d of the messages failed, e.g. %q: %v", len(e.Failed), id, err)
	}
	return "mail: bulk operation failed"
}

// Unwrap returns the individual errors, so errors.Is works on them.
func (e *BulkError) Unwrap() []error {
	out := make([]error, 0, len(e.Failed))
	for _, err := range e.Failed {
		out = append(out, err)
	}
	return out
}

// bulk runs one request per id through $batch (20 per request, throttled
// items retried by the engine) and collects the failures. build returns the
// request for ids[i] and where its answer goes.
func (m *Mailbox) bulk(ctx context.Context, ids []string, build func(i int, id string) (*o365.Request, any)) error {
	if len(ids) == 0 {
		return nil
	}
	items := make([]*o365.BatchItem, len(ids))
	for i, id := range ids {
		req, out := build(i, id)
		items[i] = &o365.BatchItem{Request: req, Out: out}
	}
	results, err := m.acct.Batch(ctx, items, nil)
	failed := map[string]error{}
	for i, r := range results {
		if r.Err != nil {
			failed[ids[i]] = r.Err
		}
	}
	if len(failed) > 0 {
		return &BulkError{Failed: failed}
	}
	if err != nil {
		return fmt.Errorf("mail: batch: %w", err)
	}
	return nil
}

// MoveMessages moves messages to a folder (id or well-known name) and returns
// their new ids, in the order of ids ("" where the move failed).
//
// Graph: POST /me/messages/{id}/move in $batch
// (https://learn.microsoft.com/graph/api/message-move,
// https://learn.microsoft.com/graph/json-batching).
func (m *Mailbox) MoveMessages(ctx context.Context, ids []string, dest string) ([]string, error) {
	moved := make([]Message, len(ids))
	err := m.bulk(ctx, ids, func(i int, id string) (*o365.Request, any) {
		return &o365.Request{Method: http.MethodPost, Path: messagePath(id) + "/move", Body: destination{dest}}, &moved[i]
	})
	newIDs := make([]string, len(ids))
	for i := range moved {
		newIDs[i] = moved[i].ID
	}
	return newIDs, err
}

// DeleteMessages deletes messages. An id that is not there is reported in
// the *BulkError (errors.Is(err, o365.ErrNotFound)); a message whose delete
// was retried after a lost answer and is then gone counts as deleted (the
// engine's rule for DELETE).
//
// Graph: DELETE /me/messages/{id} in $batch
// (https://learn.microsoft.com/graph/api/message-delete).
func (m *Mailbox) DeleteMessages(ctx context.Context, ids []string) error {
	return m.bulk(ctx, ids, func(_ int, id string) (*o365.Request, any) {
		return &o365.Request{Method: http.MethodDelete, Path: messagePath(id)}, nil
	})
}

// MarkMessages marks messages read (true) or unread (false).
//
// Graph: PATCH /me/messages/{id} in $batch
// (https://learn.microsoft.com/graph/api/message-update).
func (m *Mailbox) MarkMessages(ctx context.Context, ids []string, read bool) error {
	return m.bulk(ctx, ids, func(_ int, id string) (*o365.Request, any) {
		return &o365.Request{Method: http.MethodPatch, Path: messagePath(id), Body: map[string]bool{"isRead": read}}, nil
	})
}
