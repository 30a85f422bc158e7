// Package testarea is a minimal service area, served only in tests: a
// per-user collection of free-form "testItems" built the way AREAS.md says,
// with list, get, create, patch, delete, delta and change notifications. It
// exercises the core's helpers independently of any real area, and proves
// that an area compiles on the core's API alone.
package testarea

import (
	"context"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/core"
)

// collection stores the items, owner the user.
const collection = "testItems"

// Area is the test area. Its routes need Mail.Read or Mail.ReadWrite, so
// that the demo apps' .Shared scopes apply to other users' items.
func Area() core.Area {
	read := []string{"Mail.Read", "Mail.ReadWrite"}
	write := []string{"Mail.ReadWrite"}
	return core.Area{
		Name: "testarea",
		Routes: []core.Route{
			{Method: http.MethodGet, Pattern: "{user}/testItems", Scopes: read, Roles: read, Handle: list},
			{Method: http.MethodPost, Pattern: "{user}/testItems", Scopes: write, Roles: write, Handle: create},
			{Method: http.MethodGet, Pattern: "{user}/testItems/delta", Scopes: read, Roles: read, Handle: delta},
			{Method: http.MethodGet, Pattern: "{user}/testItems/{id}", Scopes: read, Roles: read, Handle: get},
			{Method: http.MethodPatch, Pattern: "{user}/testItems/{id}", Scopes: write, Roles: write, Handle: patch},
			{Method: http.MethodDelete, Pattern: "{user}/testItems/{id}", Scopes: write, Roles: write, Handle: remove},
			{Method: http.MethodPost, Pattern: "{user}/testItems/{id}/tag", Scopes: write, Roles: write, Handle: tag},
			{Method: http.MethodGet, Pattern: "{user}/testItems/find", Scopes: read, Roles: read, Handle: find},
		},
		Subscriptions: []core.Subscribable{{Pattern: "{user}/testItems", MaxExpiry: 4230 * time.Minute, ODataType: "#Microsoft.Graph.TestItem",
			Scope: func(_ context.Context, c *core.Call) (core.Scope, error) { return scope(c), nil }}},
	}
}

func scope(c *core.Call) core.Scope { return core.Scope{Collection: collection, Owner: c.User.ID} }

func spec(c *core.Call) core.ListSpec {
	return core.ListSpec{Scope: scope(c), DefaultTop: 10, MaxTop: 1000, SearchFields: []string{"subject"}}
}

func list(ctx context.Context, c *core.Call) error { return c.List(ctx, spec(c)) }

func get(ctx context.Context, c *core.Call) error { return c.GetEntity(ctx, spec(c), c.Param("id")) }

func create(ctx context.Context, c *core.Call) error {
	var doc map[string]any
	if err := c.Decode(&doc); err != nil {
		return err
	}
	o := &core.Object{Collection: collection, Owner: c.User.ID, ID: uuid.NewString(), Data: map[string]any{}}
	core.PatchDocument(o.Data, doc)
	return c.CreateEntity(ctx, o)
}

func patch(ctx context.Context, c *core.Call) error {
	return c.PatchEntity(ctx, scope(c), c.Param("id"))
}

func remove(ctx context.Context, c *core.Call) error {
	return c.DeleteEntity(ctx, scope(c), c.Param("id"))
}

func delta(ctx context.Context, c *core.Call) error {
	return c.Delta(ctx, core.DeltaSpec{Scope: scope(c), PageSize: 2})
}

// tagAction has a parameter of each kind the OData reader converts.
var tagAction = core.Action{Name: "tag", Params: []core.ActionParam{
	{Name: "Label", Type: "Edm.String"},
	{Name: "Pinned", Type: "Edm.Boolean"},
	{Name: "Weight", Type: "Edm.Int32"},
	{Name: "Due", Type: "Edm.DateTimeOffset"},
	{Name: "Owner", Type: "microsoft.graph.recipient"},
	{Name: "CcRecipients", Type: "Collection(microsoft.graph.recipient)"},
	{Name: "Colors", Type: "Collection(microsoft.graph.categoryColor)", Enum: true},
}}

// tag answers its decoded parameters, for tests of Call.DecodeAction.
func tag(ctx context.Context, c *core.Call) error {
	args, err := c.DecodeAction(tagAction)
	if err != nil {
		return err
	}
	return c.WriteJSON(http.StatusOK, args)
}

// find answers the argument of find(subject='...'), for tests of function
// call syntax.
func find(ctx context.Context, c *core.Call) error {
	subject, ok := c.FunctionArg("subject")
	return c.WriteJSON(http.StatusOK, map[string]any{"subject": subject, "given": ok})
}
