package core_test

import (
	"fmt"
	"testing"

	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
	"github.com/o365go/o365/sandbox/internal/testarea"
)

// What msgraph-sdk-go sends, found by the interop harness
// (interop/msgraphsdk), pinned here because that harness is not part of
// go test ./....

// TestCountSegment: every collection answers its /$count segment, as
// Graph does and as the SDK's Count() builders ask (GET
// /me/mailFolders/inbox/messages/$count was 404 ErrorItemNotFound: the
// sandbox took $count for a message id).
func TestCountSegment(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	tok := ts.AliceToken(t)
	for i := range 5 {
		ts.Do(t, tok, "POST", "/v1.0/me/testItems", map[string]any{"subject": fmt.Sprintf("item %d", i), "n": i}).WantStatus(t, 201)
	}
	count := func(path string, want string) {
		t.Helper()
		r := ts.Do(t, tok, "GET", path, nil).WantStatus(t, 200)
		if string(r.Raw) != want || r.Header.Get("Content-Type") != "text/plain;charset=utf-8" {
			t.Fatalf("GET %s: %q (%s), want %s", path, r.Raw, r.Header.Get("Content-Type"), want)
		}
	}
	count("/v1.0/me/testItems/$count", "5")
	// $filter and $search apply; $top and a $skiptoken do not.
	count("/v1.0/me/testItems/$count?$filter=n%20ge%203", "2")
	count(`/v1.0/me/testItems/$count?$search="item 4"`, "1")
	count("/v1.0/me/testItems/$count?$top=1", "5")
	// A path whose handler lists nothing has no count.
	ts.Do(t, tok, "GET", "/v1.0/me/testItems/find/$count", nil).WantError(t, 400, "BadRequest")
	r := ts.Do(t, tok, "POST", "/v1.0/me/testItems", map[string]any{"subject": "x"}).WantStatus(t, 201)
	ts.Do(t, tok, "GET", "/v1.0/me/testItems/"+r.JSON["id"].(string)+"/$count", nil).WantError(t, 400, "BadRequest")
	ts.Do(t, tok, "GET", "/v1.0/me/$count", nil).WantError(t, 400, "BadRequest")

	// The real areas: mail (messages, a folder's messages, child folders,
	// extensions computed from the message), calendar, the directory.
	count("/v1.0/me/mailFolders/inbox/childFolders/$count", "0")
	inbox := ts.Do(t, tok, "GET", "/v1.0/me/mailFolders/inbox", nil).WantStatus(t, 200)
	count("/v1.0/me/mailFolders/inbox/messages/$count", fmt.Sprint(inbox.JSON["totalItemCount"]))
	msg := ts.Do(t, tok, "POST", "/v1.0/me/messages", map[string]any{"subject": "counted"}).WantStatus(t, 201)
	id := msg.JSON["id"].(string)
	ts.Do(t, tok, "POST", "/v1.0/me/messages/"+id+"/extensions", map[string]any{"extensionName": "Com.Contoso.A"}).WantStatus(t, 201)
	count("/v1.0/me/messages/"+id+"/extensions/$count", "1")
	count("/v1.0/me/messages/$count?$filter=subject%20eq%20'counted'", "1")
	events := ts.Do(t, tok, "GET", "/v1.0/me/events?$count=true&$top=1", nil).WantStatus(t, 200)
	count("/v1.0/me/events/$count", fmt.Sprint(events.JSON["@odata.count"]))
	calendars := ts.Do(t, tok, "GET", "/v1.0/me/calendars", nil).WantStatus(t, 200)
	count("/v1.0/me/calendars/$count", fmt.Sprint(len(sandboxtest.Values(t, calendars))))
	// Directory collections keep the directory's rule: eventual consistency.
	ts.Do(t, tok, "GET", "/v1.0/users/"+demo.BobID+"/memberOf/$count", nil).WantError(t, 400, "Request_UnsupportedQuery")
	r = ts.Do(t, tok, "GET", "/v1.0/users/"+demo.BobID+"/memberOf/$count", nil, "ConsistencyLevel", "eventual").WantStatus(t, 200)
	if string(r.Raw) != "2" {
		t.Fatalf("Bob's memberOf/$count: %s", r.Raw)
	}
}

// TestGraphNamespaceAlias: Graph's schema gives microsoft.graph the alias
// "graph", and msgraph-sdk-go writes every type cast with it
// (GET /groups/{id}/members/graph.user was 404 Request_ResourceNotFound).
func TestGraphNamespaceAlias(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	for _, cast := range []string{"microsoft.graph.user", "graph.user", "Graph.User"} {
		r := ts.Do(t, tok, "GET", "/v1.0/groups/"+demo.EngineeringGroupID+"/members/"+cast+"?$select=displayName", nil).WantStatus(t, 200)
		if n := len(sandboxtest.Values(t, r)); n != 4 {
			t.Fatalf("members/%s: %d users", cast, n)
		}
	}
	r := ts.Do(t, tok, "GET", "/v1.0/users/"+demo.CarolID+"/memberOf/graph.group", nil).WantStatus(t, 200)
	if n := len(sandboxtest.Values(t, r)); n != 2 {
		t.Fatalf("memberOf/graph.group: %d groups", n)
	}
	ts.Do(t, tok, "GET", "/v1.0/groups/"+demo.EngineeringGroupID+"/members/graph.group/$count", nil, "ConsistencyLevel", "eventual").WantStatus(t, 200)
	// Functions too: graph.delta() is delta().
	ts.Do(t, tok, "GET", "/v1.0/me/mailFolders/inbox/messages/graph.delta()", nil).WantStatus(t, 200)
	// A segment that only looks qualified stays what it is: an id.
	ts.Do(t, tok, "GET", "/v1.0/me/messages/graph.txt", nil).WantError(t, 404, "ErrorItemNotFound")
}
