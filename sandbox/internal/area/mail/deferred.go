package mail

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
)

// Delayed delivery: a message whose PidTagDeferredSendTime lies in the future
// waits in the sender's Outbox and is delivered by the first mail request
// made after that time (the sandbox has no background scheduler).

const (
	propDeferredSendTime = "SystemTime 0x3FEF"
	deferredKey          = "mail:deferred"
)

// deferredEntry is one message waiting in an Outbox.
type deferredEntry struct {
	Owner    string    `json:"owner"`
	ID       string    `json:"id"`
	At       time.Time `json:"at"`
	SaveSent bool      `json:"saveSent"`
}

// deferredSendTime reads PidTagDeferredSendTime from a message.
func deferredSendTime(doc map[string]any) (time.Time, bool) {
	list, _ := doc["singleValueExtendedProperties"].([]any)
	for _, p := range list {
		m, _ := p.(map[string]any)
		if strings.EqualFold(core.Str(m, "id"), propDeferredSendTime) {
			t, err := time.Parse(time.RFC3339, core.Str(m, "value"))
			return t, err == nil
		}
	}
	return time.Time{}, false
}

func loadDeferred(ctx context.Context, tx *core.Tx) ([]deferredEntry, error) {
	raw, ok, err := tx.KVGet(ctx, deferredKey)
	if err != nil || !ok {
		return nil, err
	}
	var list []deferredEntry
	return list, json.Unmarshal(raw, &list)
}

func storeDeferred(ctx context.Context, tx *core.Tx, list []deferredEntry) error {
	if len(list) == 0 {
		return tx.KVDelete(ctx, deferredKey)
	}
	raw, err := json.Marshal(list)
	if err != nil {
		return err
	}
	return tx.KVPut(ctx, deferredKey, raw, time.Time{})
}

// parkDeferred moves a message to the Outbox until it is due.
func parkDeferred(ctx context.Context, tx *core.Tx, sender *core.User, m *core.Object, at time.Time, saveSent bool) error {
	outbox := wellKnownID(sender.ID, "outbox")
	m.Data["isDraft"] = false
	m.Data["parentFolderId"] = outbox
	m.Parent = outbox
	if err := tx.Put(ctx, m); err != nil {
		return err
	}
	list, err := loadDeferred(ctx, tx)
	if err != nil {
		return err
	}
	return storeDeferred(ctx, tx, append(list, deferredEntry{Owner: sender.ID, ID: m.ID, At: at, SaveSent: saveSent}))
}

// deliverDeferred delivers the waiting messages that are due.
func deliverDeferred(ctx context.Context, c *core.Call) error {
	now := c.Now()
	due := false
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		list, err := loadDeferred(ctx, tx)
		for _, e := range list {
			due = due || !e.At.After(now)
		}
		return err
	})
	if err != nil || !due {
		return err
	}
	return c.Store().Write(ctx, func(tx *core.Tx) error {
		list, err := loadDeferred(ctx, tx)
		if err != nil {
			return err
		}
		var keep []deferredEntry
		for _, e := range list {
			if e.At.After(now) {
				keep = append(keep, e)
				continue
			}
			m, err := tx.Get(ctx, collMessages, e.Owner, e.ID)
			if core.IsNotFound(err) {
				continue // deleted from the Outbox before it left
			}
			if err != nil {
				return err
			}
			sender, err := core.LookupUser(ctx, tx, e.Owner)
			if err != nil {
				return err
			}
			if err := deliver(ctx, c, tx, sender, m, e.SaveSent); err != nil {
				return err
			}
		}
		return storeDeferred(ctx, tx, keep)
	})
}
