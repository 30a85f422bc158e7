package groups

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
	"github.com/o365go/o365/outlook"
)

// A Microsoft 365 group's conversations: threads of posts, which the
// group's members (and, for a public group, everyone in the organization)
// read, and its members post to. Applications may read them; only a
// signed-in user posts.

// Conversation is Graph's conversation: one topic, made of threads.
type Conversation struct {
	o365.Object
	ID                    string    `json:"id,omitzero" o365:"readonly"`
	Topic                 string    `json:"topic,omitzero" o365:"readonly"`
	HasAttachments        bool      `json:"hasAttachments,omitzero" o365:"readonly"`
	LastDeliveredDateTime time.Time `json:"lastDeliveredDateTime,omitzero" o365:"readonly"`
	Preview               string    `json:"preview,omitzero" o365:"readonly"`
	UniqueSenders         []string  `json:"uniqueSenders,omitzero" o365:"readonly"`
}

// UnmarshalJSONFrom decodes the conversation and keeps its JSON (see
// o365.Object).
func (c *Conversation) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain Conversation
	return o365.DecodeObject(d, (*plain)(c))
}

// MarshalJSON encodes the conversation as the service sent it (see
// o365.Object).
func (c Conversation) MarshalJSON() ([]byte, error) {
	type plain Conversation
	return o365.MarshalObject((*plain)(&c))
}

// Thread is Graph's conversationThread: a series of posts.
type Thread struct {
	o365.Object
	ID                    string           `json:"id,omitzero" o365:"readonly"`
	Topic                 string           `json:"topic,omitzero" o365:"readonly"`
	ToRecipients          []o365.Recipient `json:"toRecipients,omitzero" o365:"readonly"`
	CcRecipients          []o365.Recipient `json:"ccRecipients,omitzero" o365:"readonly"`
	HasAttachments        bool             `json:"hasAttachments,omitzero" o365:"readonly"`
	IsLocked              bool             `json:"isLocked,omitzero"`
	LastDeliveredDateTime time.Time        `json:"lastDeliveredDateTime,omitzero" o365:"readonly"`
	Preview               string           `json:"preview,omitzero" o365:"readonly"`
	UniqueSenders         []string         `json:"uniqueSenders,omitzero" o365:"readonly"`
}

// UnmarshalJSONFrom decodes the thread and keeps its JSON (see
// o365.Object).
func (t *Thread) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain Thread
	return o365.DecodeObject(d, (*plain)(t))
}

// MarshalJSON encodes the thread as the service sent it (see o365.Object).
func (t Thread) MarshalJSON() ([]byte, error) {
	type plain Thread
	return o365.MarshalObject((*plain)(&t))
}

// Post is Graph's post: one message of a thread.
type Post struct {
	o365.Object
	ID                            string                     `json:"id,omitzero" o365:"readonly"`
	CreatedDateTime               time.Time                  `json:"createdDateTime,omitzero" o365:"readonly"`
	LastModifiedDateTime          time.Time                  `json:"lastModifiedDateTime,omitzero" o365:"readonly"`
	ChangeKey                     string                     `json:"changeKey,omitzero" o365:"readonly"`
	Categories                    []string                   `json:"categories,omitzero"`
	ReceivedDateTime              time.Time                  `json:"receivedDateTime,omitzero" o365:"readonly"`
	Body                          o365.ItemBody              `json:"body,omitzero"`
	From                          o365.Recipient             `json:"from,omitzero" o365:"readonly"`
	Sender                        o365.Recipient             `json:"sender,omitzero" o365:"readonly"`
	NewParticipants               []o365.Recipient           `json:"newParticipants,omitzero"`
	HasAttachments                bool                       `json:"hasAttachments,omitzero" o365:"readonly"`
	ConversationID                string                     `json:"conversationId,omitzero" o365:"readonly"`
	ConversationThreadID          string                     `json:"conversationThreadId,omitzero" o365:"readonly"`
	SingleValueExtendedProperties []outlook.ExtendedProperty `json:"singleValueExtendedProperties,omitzero"`
	// MultiValueExtendedProperties are the post's multi-value MAPI
	// properties, read with $expand.
	MultiValueExtendedProperties []outlook.MultiValueExtendedProperty `json:"multiValueExtendedProperties,omitzero"`
}

// UnmarshalJSONFrom decodes the post and keeps its JSON (see o365.Object).
func (p *Post) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain Post
	return o365.DecodeObject(d, (*plain)(p))
}

// MarshalJSON encodes the post as the service sent it (see o365.Object).
func (p Post) MarshalJSON() ([]byte, error) {
	type plain Post
	return o365.MarshalObject((*plain)(&p))
}

// ListConversations lists a group's conversations ("" for the account's
// resource), the most recent first.
//
// Graph: GET /groups/{id}/conversations (https://learn.microsoft.com/graph/api/group-list-conversations).
func (g *Groups) ListConversations(ctx context.Context, groupID string, q *o365.Query) iter.Seq2[*Conversation, error] {
	p, err := g.at(groupID, "conversations")
	if err != nil {
		return o365.Fail[Conversation](err)
	}
	return o365.List[Conversation](ctx, g.acct, &o365.Request{Path: p, Query: q})
}

// ListThreads lists a group's threads, the most recent first.
//
// Graph: GET /groups/{id}/threads (https://learn.microsoft.com/graph/api/group-list-threads).
func (g *Groups) ListThreads(ctx context.Context, groupID string, q *o365.Query) iter.Seq2[*Thread, error] {
	p, err := g.at(groupID, "threads")
	if err != nil {
		return o365.Fail[Thread](err)
	}
	return o365.List[Thread](ctx, g.acct, &o365.Request{Path: p, Query: q})
}

// ListThreads lists the conversation's threads.
//
// Graph: GET /groups/{id}/conversations/{id}/threads (https://learn.microsoft.com/graph/api/conversation-list-threads).
func (c *Conversation) ListThreads(ctx context.Context, q *o365.Query) iter.Seq2[*Thread, error] {
	if err := o365.Ready(c); err != nil {
		return o365.Fail[Thread](err)
	}
	req := c.Request(http.MethodGet, "threads", nil)
	req.Query = q
	return o365.List[Thread](ctx, c.Account(), req)
}

// Delete deletes the conversation with its threads and posts.
//
// Graph: DELETE /groups/{id}/conversations/{id} (https://learn.microsoft.com/graph/api/conversation-delete).
func (c *Conversation) Delete(ctx context.Context) error {
	if err := o365.Delete(ctx, c); err != nil {
		return fmt.Errorf("groups: delete conversation %q: %w", c.ID, err)
	}
	return nil
}

// GetThread loads one of a group's threads.
//
// Graph: GET /groups/{id}/threads/{id} (https://learn.microsoft.com/graph/api/conversationthread-get).
func (g *Groups) GetThread(ctx context.Context, groupID, threadID string, q *o365.Query) (*Thread, error) {
	p, err := g.at(groupID, "threads", threadID)
	if err != nil {
		return nil, err
	}
	t, err := o365.Get[Thread](ctx, g.acct, &o365.Request{Path: p, Query: q})
	if err != nil {
		return nil, fmt.Errorf("groups: get thread %q: %w", threadID, err)
	}
	return t, nil
}

// StartThread starts a conversation in a group: a thread on topic with a
// first post. It is safe to repeat after a lost answer: the post carries an
// id the client chose, which StartThread looks for before posting again.
//
// Graph: POST /groups/{id}/threads (https://learn.microsoft.com/graph/api/group-post-threads).
func (g *Groups) StartThread(ctx context.Context, groupID, topic string, body o365.ItemBody) (*Thread, error) {
	if topic == "" || body.Content == "" {
		return nil, errors.New("groups: start thread: the topic and the body must not be empty")
	}
	p, err := g.at(groupID, "threads")
	if err != nil {
		return nil, err
	}
	clientID := o365.NewClientID()
	in := map[string]any{"topic": topic, "posts": []any{newPost(body, clientID)}}
	var t Thread
	err = o365.Once(ctx, func() error {
		_, err := g.acct.Do(ctx, &o365.Request{Method: http.MethodPost, Path: p, Body: in}, &t)
		return err
	}, func() (bool, error) {
		q := o365.NewQuery().Filter(o365.Eq("topic", topic))
		for cand, err := range g.ListThreads(ctx, groupID, q) {
			if err != nil {
				return false, fmt.Errorf("looking for the thread: %w", err)
			}
			if found, err := postedIn(ctx, cand, clientID); found || err != nil {
				t = *cand
				return found, err
			}
		}
		return false, nil
	})
	if err != nil {
		return nil, fmt.Errorf("groups: start thread %q: %w", topic, err)
	}
	threads, _ := g.at(groupID, "threads")
	return &t, o365.Bind(&t, g.acct, threads+"/"+o365.Path(t.ID))
}

// newPost is the JSON of a post with a client id.
func newPost(body o365.ItemBody, clientID string) map[string]any {
	return map[string]any{"body": body, "singleValueExtendedProperties": []outlook.ExtendedProperty{{ID: outlook.ClientIDProperty, Value: clientID}}}
}

// postedIn reports whether a thread has a post carrying clientID.
func postedIn(ctx context.Context, t *Thread, clientID string) (bool, error) {
	for _, err := range t.ListPosts(ctx, o365.NewQuery().Filter(outlook.ClientIDFilter(clientID)).Top(1).Limit(1)) {
		if err != nil {
			return false, err
		}
		return true, nil
	}
	return false, nil
}

// ListPosts lists the thread's posts, oldest first.
//
// Graph: GET /groups/{id}/threads/{id}/posts (https://learn.microsoft.com/graph/api/conversationthread-list-posts).
func (t *Thread) ListPosts(ctx context.Context, q *o365.Query) iter.Seq2[*Post, error] {
	if err := o365.Ready(t); err != nil {
		return o365.Fail[Post](err)
	}
	req := t.Request(http.MethodGet, "posts", nil)
	req.Query = q
	return o365.List[Post](ctx, t.Account(), req)
}

// Reply posts to the thread, answering its last post. It is safe to repeat
// after a lost answer: the post carries an id the client chose, which Reply
// looks for before posting again.
//
// Graph: POST /groups/{id}/threads/{id}/reply (https://learn.microsoft.com/graph/api/conversationthread-reply).
func (t *Thread) Reply(ctx context.Context, body o365.ItemBody) error {
	return reply(ctx, t, t, body)
}

// Reply answers this post in its thread (see Thread.Reply).
//
// Graph: POST /groups/{id}/threads/{id}/posts/{id}/reply (https://learn.microsoft.com/graph/api/post-reply).
func (p *Post) Reply(ctx context.Context, t *Thread, body o365.ItemBody) error {
	return reply(ctx, p, t, body)
}

// reply posts to target's reply action (a thread or a post of thread t).
func reply(ctx context.Context, target any, t *Thread, body o365.ItemBody) error {
	if body.Content == "" {
		return errors.New("groups: reply: empty body")
	}
	if err := o365.Ready(target); err != nil {
		return err
	}
	if err := o365.Ready(t); err != nil {
		return err
	}
	clientID := o365.NewClientID()
	in := map[string]any{"post": newPost(body, clientID)}
	err := o365.Once(ctx, func() error {
		return o365.Call(ctx, target, http.MethodPost, "reply", in, nil)
	}, func() (bool, error) {
		return postedIn(ctx, t, clientID)
	})
	if err != nil {
		return fmt.Errorf("groups: reply in thread %q: %w", t.ID, err)
	}
	return nil
}

// Delete deletes the thread with its posts.
//
// Graph: DELETE /groups/{id}/threads/{id} (https://learn.microsoft.com/graph/api/conversationthread-delete).
func (t *Thread) Delete(ctx context.Context) error {
	if err := o365.Delete(ctx, t); err != nil {
		return fmt.Errorf("groups: delete thread %q: %w", t.ID, err)
	}
	return nil
}
