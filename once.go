package o365

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// onceAttempts bounds how often Once checks and repeats an action.
const onceAttempts = 4

// Once performs an action whose answer may be lost, exactly once. The engine
// repeats a POST only after answers proving it was not processed; after a
// failure that may hide work done (a connection reset after the service did
// the work, a 5xx, a timeout), Once calls done to look for the action's
// effect: found means the lost answer was a success; not found means the
// action is tried again, at most four times in all. An answer proving the
// action was not done (see NotProcessed) ends Once with that error at once,
// as does the end of ctx.
//
// done is how a package makes its writes exactly-once: it finds a created
// item by an id the client chose and put in the body (an Outlook item's
// ClientID extended property, an event's transactionId), or checks the state
// the action leaves (a draft that is no longer a draft was sent). An error of
// done is returned with the action's, saying what it was doing ("looking for
// the draft: ..."). A nil done repeats the action without looking, for
// actions that are harmless to repeat.
func Once(ctx context.Context, try func() error, done func() (bool, error)) error {
	var err error
	for range onceAttempts {
		if err = try(); err == nil || NotProcessed(err) || ctx.Err() != nil {
			return err
		}
		if done == nil {
			continue
		}
		found, derr := done()
		if derr != nil {
			return fmt.Errorf("%w (and %v)", err, derr)
		}
		if found {
			return nil
		}
	}
	return err
}

// NewClientID returns a random identifier for a client to put in a request
// body, so that Once can find what a request whose answer was lost created.
func NewClientID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
