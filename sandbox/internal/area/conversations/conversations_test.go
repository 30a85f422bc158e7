package conversations_test

import (
	"context"
	"strings"
	"testing"

	"github.com/o365go/o365/internal/csdl"
	"github.com/o365go/o365/sandbox/internal/area/conversations"
	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

const eng = "/v1.0/groups/" + demo.EngineeringGroupID

// newUser creates a user who belongs to no group and returns a token of
// theirs.
func newUser(t *testing.T, ts *sandboxtest.Server, nick string) (id, token string) {
	t.Helper()
	r := ts.Do(t, ts.AppToken(t), "POST", "/v1.0/users", map[string]any{
		"accountEnabled": true, "displayName": "Eve " + nick, "mailNickname": nick,
		"userPrincipalName": nick + "@" + demo.TenantDomain, "passwordProfile": map[string]any{"password": demo.Password},
	}).WantStatus(t, 201)
	return r.JSON["id"].(string), ts.UserToken(t, demo.PublicClientID, nick+"@"+demo.TenantDomain)
}

func TestMembersReadAndReply(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	convs := sandboxtest.Values(t, ts.Do(t, alice, "GET", eng+"/conversations", nil).WantStatus(t, 200))
	if len(convs) != 1 || convs[0]["topic"] != "Welcome to Engineering" {
		t.Fatalf("conversations %v", convs)
	}
	if s := convs[0]["uniqueSenders"].([]any); len(s) != 2 || s[0] != "Alice Adams" || s[1] != "Bob Baker" {
		t.Fatalf("senders %v", s)
	}
	threads := sandboxtest.Values(t, ts.Do(t, alice, "GET", eng+"/conversations/"+convs[0]["id"].(string)+"/threads", nil).WantStatus(t, 200))
	if len(threads) != 1 {
		t.Fatalf("threads %v", threads)
	}
	tid := threads[0]["id"].(string)
	posts := sandboxtest.Values(t, ts.Do(t, alice, "GET", eng+"/threads/"+tid+"/posts", nil).WantStatus(t, 200))
	if len(posts) != 2 || posts[1]["from"].(map[string]any)["emailAddress"].(map[string]any)["address"] != demo.Bob ||
		posts[0]["conversationThreadId"] != tid || posts[0]["conversationId"] != convs[0]["id"] {
		t.Fatalf("posts %v", posts)
	}
	p := ts.Do(t, alice, "GET", eng+"/threads/"+tid+"/posts/"+posts[1]["id"].(string)+"?$expand=inReplyTo", nil).WantStatus(t, 200)
	if p.JSON["inReplyTo"].(map[string]any)["id"] != posts[0]["id"] {
		t.Fatalf("inReplyTo %s", p.Raw)
	}
	if strings.Contains(string(p.Raw), "_inReplyTo") {
		t.Fatalf("internal key served: %s", p.Raw)
	}

	// Eve is in the tenant but not in the group: refused, until she joins.
	eveID, eve := newUser(t, ts, "eve")
	ts.Do(t, eve, "GET", eng+"/conversations", nil).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, eve, "GET", eng+"/threads/"+tid+"/posts", nil).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, eve, "POST", eng+"/threads/"+tid+"/reply", map[string]any{"post": map[string]any{"body": map[string]any{"content": "hi"}}}).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, alice, "POST", eng+"/members/$ref", map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + eveID}).WantStatus(t, 204)
	ts.Do(t, eve, "GET", eng+"/conversations", nil).WantStatus(t, 200)
	ts.Do(t, eve, "POST", eng+"/conversations/"+convs[0]["id"].(string)+"/threads/"+tid+"/reply",
		map[string]any{"Post": map[string]any{"body": map[string]any{"contentType": "html", "content": "<p>Glad to <b>join</b>.</p>"}}}).WantStatus(t, 202)
	posts = sandboxtest.Values(t, ts.Do(t, eve, "GET", eng+"/threads/"+tid+"/posts", nil).WantStatus(t, 200))
	if len(posts) != 3 || posts[2]["from"].(map[string]any)["emailAddress"].(map[string]any)["name"] != "Eve eve" {
		t.Fatalf("posts after the reply %v", posts)
	}
	th := ts.Do(t, eve, "GET", eng+"/threads/"+tid, nil).WantStatus(t, 200)
	if th.JSON["preview"] != "Glad to join." || len(th.JSON["uniqueSenders"].([]any)) != 3 {
		t.Fatalf("thread after the reply %s", th.Raw)
	}
	// A reply to a post; a bad reply body stores nothing.
	ts.Do(t, alice, "POST", eng+"/threads/"+tid+"/posts/"+posts[2]["id"].(string)+"/reply", map[string]any{"post": map[string]any{"body": map[string]any{"content": "Welcome, Eve"}}}).WantStatus(t, 202)
	ts.Do(t, alice, "POST", eng+"/threads/"+tid+"/reply", map[string]any{"post": map[string]any{"body": "plain"}}).WantError(t, 400, "BadRequest")
	ts.Do(t, alice, "POST", eng+"/threads/"+tid+"/reply", map[string]any{}).WantError(t, 400, "BadRequest")
	ts.Do(t, alice, "POST", eng+"/threads/"+tid+"/reply", map[string]any{"post": map[string]any{"body": map[string]any{"content": "x"}}, "comment": "no"}).
		WantError(t, 400, "RequestBodyRead")
	if n := len(sandboxtest.Values(t, ts.Do(t, alice, "GET", eng+"/threads/"+tid+"/posts", nil).WantStatus(t, 200))); n != 4 {
		t.Fatalf("%d posts, want 4", n)
	}
	// Leaving the group closes the door again.
	ts.Do(t, alice, "DELETE", eng+"/members/"+eveID+"/$ref", nil).WantStatus(t, 204)
	ts.Do(t, eve, "GET", eng+"/threads/"+tid, nil).WantError(t, 403, "ErrorAccessDenied")
}

func TestStartConversationsAndThreads(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	bob := ts.UserToken(t, demo.PublicClientID, demo.Bob)
	r := ts.Do(t, bob, "POST", eng+"/conversations", map[string]any{"topic": "On-call rota", "threads": []any{
		map[string]any{"posts": []any{map[string]any{"body": map[string]any{"contentType": "text", "content": "Who takes next week?"}}}},
	}}).WantStatus(t, 201)
	conv := r.JSON["id"].(string)
	if r.JSON["topic"] != "On-call rota" || len(r.JSON["threads"].([]any)) != 1 || r.JSON["preview"] != "Who takes next week?" {
		t.Fatalf("new conversation %s", r.Raw)
	}
	// Newest first.
	convs := sandboxtest.Values(t, ts.Do(t, bob, "GET", eng+"/conversations", nil).WantStatus(t, 200))
	if len(convs) != 2 || convs[0]["id"] != conv {
		t.Fatalf("conversations %v", convs)
	}
	th := ts.Do(t, bob, "POST", eng+"/threads", map[string]any{"topic": "Build broken", "posts": []any{
		map[string]any{"body": map[string]any{"content": "main is red"}}}}).WantStatus(t, 201)
	if th.JSON["topic"] != "Build broken" {
		t.Fatalf("new thread %s", th.Raw)
	}
	if n := len(sandboxtest.Values(t, ts.Do(t, bob, "GET", eng+"/conversations", nil).WantStatus(t, 200))); n != 3 {
		t.Fatalf("a new thread starts a conversation: %d", n)
	}
	ts.Do(t, bob, "POST", eng+"/conversations/"+conv+"/threads", map[string]any{"posts": []any{
		map[string]any{"body": map[string]any{"content": "a second thread"}}}}).WantStatus(t, 201)
	threads := sandboxtest.Values(t, ts.Do(t, bob, "GET", eng+"/conversations/"+conv+"/threads", nil).WantStatus(t, 200))
	if len(threads) != 2 || threads[0]["topic"] != "On-call rota" {
		t.Fatalf("threads %v", threads)
	}
	ts.Do(t, bob, "POST", eng+"/conversations", map[string]any{"topic": "x"}).WantError(t, 400, "BadRequest")
	ts.Do(t, bob, "POST", eng+"/conversations", map[string]any{"threads": []any{map[string]any{"posts": []any{map[string]any{"body": map[string]any{"content": "x"}}}}}}).WantError(t, 400, "BadRequest")
	// Deleting the last thread deletes the conversation.
	ts.Do(t, bob, "DELETE", eng+"/threads/"+th.JSON["id"].(string), nil).WantStatus(t, 204)
	if n := len(sandboxtest.Values(t, ts.Do(t, bob, "GET", eng+"/conversations", nil).WantStatus(t, 200))); n != 2 {
		t.Fatalf("conversations after deleting a thread: %d", n)
	}
	ts.Do(t, bob, "DELETE", eng+"/conversations/"+conv, nil).WantStatus(t, 204)
	ts.Do(t, bob, "GET", eng+"/conversations/"+conv, nil).WantError(t, 404, "ErrorItemNotFound")
	ts.Do(t, bob, "GET", eng+"/threads/"+threads[1]["id"].(string), nil).WantError(t, 404, "ErrorItemNotFound")
}

func TestConversationAccessRules(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	// Applications read with Group.Read.All but cannot post.
	app := ts.AppToken(t)
	ts.Do(t, app, "GET", eng+"/conversations", nil).WantStatus(t, 200)
	ts.Do(t, app, "POST", eng+"/threads", map[string]any{"topic": "x", "posts": []any{map[string]any{"body": map[string]any{"content": "x"}}}}).WantError(t, 403, "ErrorAccessDenied")
	// A security group has no conversations; an unknown group is the
	// directory's 404.
	ts.Do(t, ts.AliceToken(t), "GET", "/v1.0/groups/"+demo.AllStaffGroupID+"/conversations", nil).WantError(t, 404, "ErrorItemNotFound")
	ts.Do(t, ts.AliceToken(t), "GET", "/v1.0/groups/00000000-0000-4000-8000-000000000000/conversations", nil).WantError(t, 404, "Request_ResourceNotFound")
	// A public group's conversations are readable by everyone in the
	// tenant; writing still takes membership.
	_, eve := newUser(t, ts, "eve")
	ctx := context.Background()
	if err := ts.Engine.Store().Write(ctx, func(tx *core.Tx) error {
		g, err := tx.Get(ctx, core.GroupsCollection, "", demo.EngineeringGroupID)
		if err != nil {
			return err
		}
		g.Data["visibility"] = "Public"
		return tx.Put(ctx, g)
	}); err != nil {
		t.Fatal(err)
	}
	ts.Do(t, eve, "GET", eng+"/conversations", nil).WantStatus(t, 200)
	ts.Do(t, eve, "POST", eng+"/threads", map[string]any{"topic": "x", "posts": []any{map[string]any{"body": map[string]any{"content": "x"}}}}).WantError(t, 403, "ErrorAccessDenied")
}

// TestReplyActionMatchesSchema checks the reply action's parameters
// against Graph's schema, on threads and on posts.
func TestReplyActionMatchesSchema(t *testing.T) {
	schema := csdl.MustLoad()
	for _, binding := range []string{"conversationThread", "post"} {
		ops := schema.Operations(binding, conversations.ActionReply.Name)
		if len(ops) != 1 || len(ops[0].Parameters) != len(conversations.ActionReply.Params) {
			t.Fatalf("%s: %+v", binding, ops)
		}
		for i, p := range ops[0].Parameters {
			if got := conversations.ActionReply.Params[i]; got.Name != p.Name || got.Type != p.Type {
				t.Errorf("%s: %+v, schema %+v", binding, got, p)
			}
		}
	}
}
