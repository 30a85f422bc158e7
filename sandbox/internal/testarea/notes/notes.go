// Package notes is the worked example of sandbox/AREAS.md, served only in
// its own test: sticky notes per user, with attachments, delta, change
// notifications and a seed knob.
package notes

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/odata"
)

const (
	collNotes = "notes" // owner: the user; parent: unused (flat)
	knobNotes = "notes.perUser"
)

var (
	read  = core.Route{Scopes: []string{"Notes.Read", "Notes.ReadWrite"}, Roles: []string{"Notes.Read.All", "Notes.ReadWrite.All"}}
	write = core.Route{Scopes: []string{"Notes.ReadWrite"}, Roles: []string{"Notes.ReadWrite.All"}}
)

// attachments are the notes' attachments (the same protocol as messages').
var attachments = &core.Attachments{
	Collection:     "noteAttachments",
	ItemCollection: collNotes,
	Item: func(ctx context.Context, c *core.Call, tx *core.Tx) (*core.Object, error) {
		o, err := tx.Get(ctx, collNotes, c.User.ID, c.Param("id"))
		if core.IsNotFound(err) {
			return nil, core.ItemNotFound("The note was not found.")
		}
		return o, err
	},
}

// Area is the notes area.
func Area() core.Area {
	routes := []core.Route{
		read.On(http.MethodGet, "{user}/notes", list),
		write.On(http.MethodPost, "{user}/notes", create),
		read.On(http.MethodGet, "{user}/notes/delta", delta),
		read.On(http.MethodGet, "{user}/notes/{id}", get),
		write.On(http.MethodPatch, "{user}/notes/{id}", patch),
		write.On(http.MethodDelete, "{user}/notes/{id}", remove),
	}
	return core.Area{
		Name:   "notes",
		Routes: append(routes, attachments.Routes("{user}/notes/{id}", read, write)...),
		Subscriptions: []core.Subscribable{{
			Pattern: "{user}/notes", MaxExpiry: 4230 * time.Minute, ODataType: "#Microsoft.Graph.Note",
			Scope: func(_ context.Context, c *core.Call) (core.Scope, error) { return scope(c), nil },
		}},
		Knobs: []core.Knob{{Name: knobNotes, Doc: "generated notes in every demo user's notes"}},
		Seed:  seed,
	}
}

func scope(c *core.Call) core.Scope { return core.Scope{Collection: collNotes, Owner: c.User.ID} }

func spec(c *core.Call) core.ListSpec {
	return core.ListSpec{
		Scope: scope(c), Desc: true, DefaultTop: 10, MaxTop: 1000,
		SearchFields: []string{"title", "body/content"},
		Present:      func(_ *core.Call, doc map[string]any) map[string]any { return core.PublicDoc(doc) },
		Expand: map[string]core.Expander{
			"attachments": func(ctx context.Context, c *core.Call, doc map[string]any, item odata.ExpandItem) (any, error) {
				var out []any
				err := c.Store().Read(ctx, func(tx *core.Tx) error {
					atts, err := tx.List(ctx, attachments.Scope(c.User.ID, core.Str(doc, "id")), false, 0, 0)
					for _, a := range atts {
						out = append(out, attachments.Present(c, doc, a.Data))
					}
					return err
				})
				return core.FilterExpanded(item, out), err
			},
		},
	}
}

func list(ctx context.Context, c *core.Call) error { return c.List(ctx, spec(c)) }

func get(ctx context.Context, c *core.Call) error {
	err := c.GetEntity(ctx, spec(c), c.Param("id"))
	if core.IsNotFound(err) {
		return core.ItemNotFound("The note was not found.")
	}
	return err
}

func create(ctx context.Context, c *core.Call) error {
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	if core.Str(in, "title") == "" {
		return core.BadRequest("A note needs a title.")
	}
	now := c.Now()
	doc := map[string]any{"title": "", "body": map[string]any{"contentType": "text", "content": ""},
		"hasAttachments": false, "createdDateTime": core.ISOTime(now)}
	core.PatchDocument(doc, in, "createdDateTime", "hasAttachments")
	return c.CreateEntity(ctx, &core.Object{Collection: collNotes, Owner: c.User.ID, ID: uuid.NewString(), Data: doc,
		Sort: core.SortKey(now)})
}

func patch(ctx context.Context, c *core.Call) error {
	err := c.PatchEntity(ctx, scope(c), c.Param("id"), "createdDateTime", "hasAttachments")
	if core.IsNotFound(err) {
		return core.ItemNotFound("The note was not found.")
	}
	return err
}

func remove(ctx context.Context, c *core.Call) error {
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		if err := attachments.DeleteAll(ctx, tx, c.User.ID, c.Param("id")); err != nil {
			return err
		}
		return tx.Delete(ctx, collNotes, c.User.ID, c.Param("id"))
	})
	if core.IsNotFound(err) {
		return core.ItemNotFound("The note was not found.")
	}
	if err != nil {
		return err
	}
	return c.NoContent()
}

func delta(ctx context.Context, c *core.Call) error {
	return c.Delta(ctx, core.DeltaSpec{Scope: scope(c), PageSize: 10})
}

// seed gives every demo person a welcome note, and knobNotes more.
func seed(ctx context.Context, tx *core.Tx, sd *core.SeedContext) error {
	for _, p := range demo.People() {
		var batch []*core.Object
		for i := range 1 + sd.Size(knobNotes) {
			at := sd.Epoch.Add(-time.Duration(i) * time.Hour)
			title := "Welcome, " + p.Given
			if i > 0 {
				title = fmt.Sprintf("Generated note %d", i)
			}
			batch = append(batch, &core.Object{Collection: collNotes, Owner: p.ID,
				ID: core.SeedID("notes", p.ID, fmt.Sprint(i)), Created: at, Sort: core.SortKey(at),
				Data: map[string]any{"title": title, "body": map[string]any{"contentType": "text", "content": ""},
					"hasAttachments": false, "createdDateTime": core.ISOTime(at)}})
		}
		if err := tx.PutAll(ctx, batch); err != nil {
			return err
		}
	}
	return nil
}
