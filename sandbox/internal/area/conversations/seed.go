package conversations

import (
	"context"
	"fmt"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
)

// seedConversations starts the Engineering group's conversation: Alice
// welcomes the team and Bob answers.
func seedConversations(ctx context.Context, tx *core.Tx, sd *core.SeedContext) error {
	ids := &seedIDs{group: demo.EngineeringGroupID, at: sd.Epoch}
	person := func(id string) (poster, error) {
		u, err := core.LookupUser(ctx, tx, id)
		if err != nil {
			return poster{}, err
		}
		return posterOf(u), nil
	}
	alice, err := person(demo.UserID)
	if err != nil {
		return err
	}
	bob, err := person(demo.BobID)
	if err != nil {
		return err
	}
	w := &writer{tx: tx, group: demo.EngineeringGroupID, by: alice, now: sd.Epoch.Add(-2 * time.Hour), ids: ids}
	conv, err := w.conversation(ctx, "Welcome to Engineering")
	if err != nil {
		return err
	}
	t, err := w.thread(ctx, conv.ID, map[string]any{"posts": []any{map[string]any{"body": map[string]any{
		"contentType": "html", "content": "<p>Welcome to the Engineering group. Plans, reviews and on-call notes go here.</p>"}}}})
	if err != nil {
		return err
	}
	posts, err := tx.List(ctx, postsOf(w.group, t.ID), false, 0, 1)
	if err != nil {
		return err
	}
	w.by, w.now = bob, sd.Epoch.Add(-time.Hour)
	return w.post(ctx, t, map[string]any{"body": map[string]any{"contentType": "text", "content": "Thanks, Alice. The design review is on Thursday."},
		"newParticipants": []any{}}, posts[0].ID)
}

// seedIDs are the seed's ids: named, so the demo tenant is the same on
// every run.
type seedIDs struct {
	group string
	at    time.Time
	n     int
}

func (s *seedIDs) next() string { s.n++; return fmt.Sprint(s.n) }
func (s *seedIDs) conversation() string {
	return core.ConversationID(s.group, core.SeedConversationIndex(s.at, "conversations", s.group, s.next()))
}
func (s *seedIDs) post() string      { return core.SeedItemID(s.group, "conversations", s.next()) }
func (s *seedIDs) changeKey() string { return core.SeedChangeKey("conversations", s.group, s.next()) }
