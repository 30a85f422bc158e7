package sandbox

import (
	"context"
	"net/http"

	"github.com/google/uuid"
)

// The "testItems" area exists only in tests: a minimal per-user collection
// built the way AREAS.md says, to exercise the core helpers (list, get,
// create, patch, delete, delta, .Shared scopes) independently of any real
// area.
func init() {
	read := []string{"Mail.Read", "Mail.ReadWrite"}
	write := []string{"Mail.ReadWrite"}
	registerArea(area{
		Name: "testItems",
		Routes: []route{
			{Method: http.MethodGet, Pattern: "{user}/testItems", Scopes: read, Roles: read, Handle: listTestItems},
			{Method: http.MethodPost, Pattern: "{user}/testItems", Scopes: write, Roles: write, Handle: createTestItem},
			{Method: http.MethodGet, Pattern: "{user}/testItems/delta", Scopes: read, Roles: read, Handle: deltaTestItems},
			{Method: http.MethodGet, Pattern: "{user}/testItems/{id}", Scopes: read, Roles: read, Handle: getTestItem},
			{Method: http.MethodPatch, Pattern: "{user}/testItems/{id}", Scopes: write, Roles: write, Handle: patchTestItem},
			{Method: http.MethodDelete, Pattern: "{user}/testItems/{id}", Scopes: write, Roles: write, Handle: deleteTestItem},
		},
		Subscriptions: []subscribable{{Pattern: "{user}/testItems", MaxExpiry: 4230 * 60e9, ODataType: "#Microsoft.Graph.TestItem",
			Scope: func(_ context.Context, c *call) (scope, error) { return testItemsScope(c), nil }}},
	})
}

func testItemsScope(c *call) scope { return scope{Collection: "testItems", Owner: c.user.ID} }

func testItemsSpec(c *call) listSpec {
	return listSpec{Scope: testItemsScope(c), DefaultTop: 10, MaxTop: 1000, SearchFields: []string{"subject"}}
}

func listTestItems(ctx context.Context, c *call) error { return c.list(ctx, testItemsSpec(c)) }

func getTestItem(ctx context.Context, c *call) error {
	return c.getEntity(ctx, testItemsSpec(c), c.param("id"))
}

func createTestItem(ctx context.Context, c *call) error {
	var doc map[string]any
	if err := c.decode(&doc); err != nil {
		return err
	}
	o := &object{Collection: "testItems", Owner: c.user.ID, ID: uuid.NewString(), Data: map[string]any{}}
	patchDocument(o.Data, doc)
	return c.createEntity(ctx, o)
}

func patchTestItem(ctx context.Context, c *call) error {
	return c.patchEntity(ctx, testItemsScope(c), c.param("id"))
}

func deleteTestItem(ctx context.Context, c *call) error {
	return c.deleteEntity(ctx, testItemsScope(c), c.param("id"))
}

func deltaTestItems(ctx context.Context, c *call) error {
	return c.delta(ctx, deltaSpec{Scope: testItemsScope(c), PageSize: 2})
}
