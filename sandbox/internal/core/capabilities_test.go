package core_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

// computedArea serves a computed collection ("n" items kept in the KV store
// per user), its delta, and a route sending a message that links to one
// item, as an area with occurrences and meeting messages does.
func computedArea(pages, loads *atomic.Int32) core.Area {
	perm := core.Route{Scopes: []string{"Mail.ReadWrite"}, Roles: []string{"Mail.ReadWrite"}}
	key := func(owner string) string { return "computed:" + owner }
	count := func(ctx context.Context, tx *core.Tx, owner string) int {
		v, _, _ := tx.KVGet(ctx, key(owner))
		n, _ := strconv.Atoi(string(v))
		return n
	}
	item := func(owner string, i, version int) map[string]any {
		// subject names the owner: the linked item is shaped as an event.
		return map[string]any{"id": fmt.Sprintf("item-%d", i), "n": i, "version": version, "subject": owner}
	}
	docs := func(ctx context.Context, tx *core.Tx, owner string, version int) []map[string]any {
		var out []map[string]any
		for i := range count(ctx, tx, owner) {
			out = append(out, item(owner, i, version))
		}
		return out
	}
	spec := func(c *core.Call) core.ListSpec {
		return core.ListSpec{Scope: core.Scope{Collection: "computedItems", Owner: c.User.ID}, DefaultTop: 2, MaxTop: 100,
			Load: func(ctx context.Context, tx *core.Tx) ([]map[string]any, error) {
				loads.Add(1)
				return docs(ctx, tx, c.User.ID, 1), nil
			},
			Page: func(ctx context.Context, tx *core.Tx, offset, limit int) ([]map[string]any, int, error) {
				pages.Add(1)
				all := docs(ctx, tx, c.User.ID, 1)
				return all[min(offset, len(all)):min(offset+limit, len(all))], len(all), nil
			}}
	}
	return core.Area{
		Name: "computed",
		Routes: []core.Route{
			perm.On(http.MethodGet, "{user}/computedItems", func(ctx context.Context, c *core.Call) error { return c.List(ctx, spec(c)) }),
			perm.On(http.MethodPost, "{user}/computedItems", func(ctx context.Context, c *core.Call) error {
				n := c.QueryValue("n")
				if err := c.Store().Write(ctx, func(tx *core.Tx) error { return tx.KVPut(ctx, key(c.User.ID), []byte(n), time.Time{}) }); err != nil {
					return err
				}
				return c.NoContent()
			}),
			perm.On(http.MethodGet, "{user}/computedItems/delta", func(ctx context.Context, c *core.Call) error {
				return c.Delta(ctx, core.DeltaSpec{Scope: core.Scope{Collection: "computedItems", Owner: c.User.ID}, PageSize: 2,
					Params: []string{"version"},
					Load: func(ctx context.Context, tx *core.Tx, params url.Values) ([]map[string]any, error) {
						v, _ := strconv.Atoi(params.Get("version"))
						return docs(ctx, tx, c.User.ID, v), nil
					}})
			}),
			perm.On(http.MethodPost, "{user}/computedItems/{id}/send", func(ctx context.Context, c *core.Call) error {
				mb, err := c.Mailboxes()
				if err != nil {
					return err
				}
				to := c.QueryValue("to")
				err = c.Store().Write(ctx, func(tx *core.Tx) error {
					msg := map[string]any{"subject": "About " + c.Param("id"), "body": map[string]any{"contentType": "text", "content": "hi"},
						"toRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": to}}}}
					core.SetLink(msg, "event", core.Link{Collection: "computedItems", Owner: c.User.ID, ID: c.Param("id")})
					return mb.Send(ctx, c, tx, &core.OutgoingMessage{From: c.User, Message: msg, SaveToSentItems: true,
						Each: func(u *core.User, d map[string]any) {
							core.SetLink(d, "event", core.Link{Collection: "computedItems", Owner: u.ID, ID: c.Param("id")})
						}})
				})
				if err != nil {
					return err
				}
				return c.NoContent()
			}),
		},
		Resolvers: map[string]core.Resolver{"computedItems": func(ctx context.Context, c *core.Call, tx *core.Tx, owner, id string) (map[string]any, error) {
			for _, d := range docs(ctx, tx, owner, 1) {
				if d["id"] == id {
					return d, nil
				}
			}
			return nil, fmt.Errorf("item %s: %w", id, core.ErrNotFound)
		}},
	}
}

// TestComputedCollections lists a computed collection (only the page is
// built unless a query needs every document), syncs it by delta, and sends
// a message through the mailboxes whose event link resolves through the
// area's Resolver.
func TestComputedCollections(t *testing.T) {
	var pages, loads atomic.Int32
	ts := sandboxtest.New(t, sandboxtest.Options{}, computedArea(&pages, &loads))
	tok := ts.AliceToken(t)
	ts.Do(t, tok, "POST", "/v1.0/me/computedItems?n=5", nil).WantStatus(t, 204)
	r := ts.Do(t, tok, "GET", "/v1.0/me/computedItems?$count=true", nil).WantStatus(t, 200)
	if v := sandboxtest.Values(t, r); len(v) != 2 || r.JSON["@odata.count"] != float64(5) || r.JSON["@odata.nextLink"] == nil {
		t.Fatalf("first page: %s", r.Raw)
	}
	ts.Do(t, tok, "GET", r.JSON["@odata.nextLink"].(string), nil).WantStatus(t, 200)
	if pages.Load() != 2 || loads.Load() != 0 {
		t.Fatalf("pages %d, loads %d: the pages should be built alone", pages.Load(), loads.Load())
	}
	r = ts.Do(t, tok, "GET", "/v1.0/me/computedItems?$filter=n ge 3", nil).WantStatus(t, 200)
	if v := sandboxtest.Values(t, r); len(v) != 2 || loads.Load() != 1 {
		t.Fatalf("filtered: %s (loads %d)", r.Raw, loads.Load())
	}

	// Delta: a first round in pages, then what changed; the parameters of
	// the first request travel in the tokens.
	round := func(link string) (items []map[string]any, next string) {
		for link != "" {
			r := ts.Do(t, tok, "GET", link, nil).WantStatus(t, 200)
			items = append(items, sandboxtest.Values(t, r)...)
			link, _ = r.JSON["@odata.nextLink"].(string)
			next, _ = r.JSON["@odata.deltaLink"].(string)
		}
		return items, next
	}
	items, dl := round("/v1.0/me/computedItems/delta?version=1")
	if len(items) != 5 || dl == "" || strings.Contains(dl, "version=") {
		t.Fatalf("first round: %v, link %s", items, dl)
	}
	if items, _ := round(dl); len(items) != 0 {
		t.Fatalf("nothing changed, yet: %v", items)
	}
	ts.Do(t, tok, "POST", "/v1.0/me/computedItems?n=3", nil).WantStatus(t, 204)
	items, dl = round(dl)
	if len(items) != 2 || items[0]["id"] != "item-3" || items[0]["@removed"] == nil {
		t.Fatalf("after removing two: %v", items)
	}
	if items, _ := round(dl); len(items) != 0 {
		t.Fatalf("the round after the removal: %v", items)
	}
	ts.Do(t, tok, "GET", "/v1.0/me/computedItems/delta?$deltatoken=forged", nil).WantError(t, 410, "SyncStateNotFound")

	// A message through the mailboxes, linked to Bob's item-1.
	ts.Do(t, tok, "POST", "/v1.0/me/computedItems/item-1/send?to="+demo.Bob, nil).WantStatus(t, 204)
	bob := ts.UserToken(t, demo.PublicClientID, demo.Bob)
	ts.Do(t, bob, "POST", "/v1.0/me/computedItems?n=2", nil).WantStatus(t, 204)
	r = ts.Do(t, bob, "GET", "/v1.0/me/mailFolders/inbox/messages?$filter=subject eq 'About item-1'&$expand=microsoft.graph.eventMessage/event", nil).WantStatus(t, 200)
	v := sandboxtest.Values(t, r)
	if len(v) != 1 {
		t.Fatalf("Bob's inbox: %s", r.Raw)
	}
	ev, _ := v[0]["event"].(map[string]any)
	if ev["id"] != "item-1" || ev["subject"] != demo.BobID || ev["n"] != nil {
		t.Fatalf("the linked item: %v", v[0]["event"])
	}
	if _, internal := v[0]["_links"]; internal {
		t.Fatalf("internal keys served: %v", v[0])
	}
	// Alice's sent copy links to her own item.
	r = ts.Do(t, tok, "GET", "/v1.0/me/mailFolders/sentitems/messages?$filter=subject eq 'About item-1'&$expand=event", nil).WantStatus(t, 200)
	if v := sandboxtest.Values(t, r); len(v) != 1 || v[0]["event"].(map[string]any)["subject"] != demo.UserID {
		t.Fatalf("Alice's sent copy: %s", r.Raw)
	}
}

// TestProvidersAreUnique refuses two areas serving mailboxes or resolving
// the same collection.
func TestProvidersAreUnique(t *testing.T) {
	a := core.Area{Name: "one", Resolvers: map[string]core.Resolver{"things": nil}}
	b := core.Area{Name: "two", Resolvers: map[string]core.Resolver{"Things": nil}}
	if _, err := core.New(context.Background(), core.Config{Areas: []core.Area{a, b}}); err == nil || !strings.Contains(err.Error(), "both resolve") {
		t.Fatalf("two resolvers: %v", err)
	}
}

// TestZones reads every Windows zone name of CLDR's table, and names
// zones the Windows way.
func TestZones(t *testing.T) {
	for name, want := range map[string]string{
		"W. Europe Standard Time": "Europe/Berlin", "w. europe standard time": "Europe/Berlin", "Europe/Paris": "Europe/Paris",
		"Tasmania Standard Time": "Australia/Hobart", "UTC": "UTC", "tzone://Microsoft/Utc": "UTC",
	} {
		loc, ok := core.LoadZone(name)
		if !ok || loc.String() != want {
			t.Errorf("LoadZone(%q) = %v, %v; want %s", name, loc, ok, want)
		}
	}
	if _, ok := core.LoadZone("Mars/Olympus"); ok {
		t.Error("an unknown zone loaded")
	}
	for name, want := range map[string]string{
		"Asia/Kolkata": "India Standard Time", "Asia/Calcutta": "India Standard Time", "Europe/Berlin": "W. Europe Standard Time",
		"w. europe standard time": "W. Europe Standard Time", "Etc/UTC": "UTC",
	} {
		if got, ok := core.WindowsZoneName(name); !ok || got != want {
			t.Errorf("WindowsZoneName(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}

// TestReferenceAttachments adds a link to a file to a message.
func TestReferenceAttachments(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	m := ts.Do(t, tok, "POST", "/v1.0/me/messages", map[string]any{"subject": "with a link"}).WantStatus(t, 201)
	path := "/v1.0/me/messages/" + m.JSON["id"].(string) + "/attachments"
	r := ts.Do(t, tok, "POST", path, map[string]any{"@odata.type": "#microsoft.graph.referenceAttachment", "name": "Spec",
		"sourceUrl": "https://contoso.sharepoint.com/spec.docx", "providerType": "oneDriveBusiness"}).WantStatus(t, 201)
	// v1.0 declares no property of referenceAttachment's own: the link is
	// stored, and left out of v1.0's shape.
	if r.JSON["name"] != "Spec" || r.JSON["size"].(float64) <= 0 || r.JSON["@odata.type"] != "#microsoft.graph.referenceAttachment" {
		t.Fatalf("reference attachment: %s", r.Raw)
	}
	ts.Do(t, tok, "POST", path, map[string]any{"@odata.type": "#microsoft.graph.referenceAttachment", "name": "Bad",
		"sourceUrl": "javascript:alert(1)"}).WantError(t, 400, "BadRequest")
	ts.Do(t, tok, "POST", path, map[string]any{"@odata.type": "#microsoft.graph.referenceAttachment"}).WantError(t, 400, "BadRequest")
}
