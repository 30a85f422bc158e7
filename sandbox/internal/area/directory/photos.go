package directory

import (
	"context"
	"net/http"

	"github.com/o365go/o365/sandbox/internal/core"
)

// Profile photos of users and groups, stored by the core (core.PutPhoto)
// and served whole or at the square sizes Graph offers (photos/{size}).

// photoKey names the photo of a user or group in the core's photo store.
func photoKey(id string) string { return "directory:" + id }

const typePhoto = "profilePhoto"

// photoOwner is the user or group a photo route is about: the {user}, or
// the group of groups/{id} (404 in Graph's words when absent).
func photoOwner(ctx context.Context, c *core.Call) (string, error) {
	if c.User != nil {
		return c.User.ID, nil
	}
	return c.Param("id"), groupExists(ctx, c)
}

// ownerPhoto loads the metadata of the route's photo: 404 ImageNotFound
// when there is none.
func ownerPhoto(ctx context.Context, c *core.Call) (string, *core.Photo, error) {
	id, err := photoOwner(ctx, c)
	if err != nil {
		return "", nil, err
	}
	var p *core.Photo
	err = c.Store().Read(ctx, func(tx *core.Tx) error {
		p, err = core.GetPhoto(ctx, tx, photoKey(id))
		return err
	})
	if core.IsNotFound(err) {
		return "", nil, core.ErrImageNotFound()
	}
	return id, p, err
}

// photoSize reads the route's {size} (0 for the photo itself): one of the
// sizes the photo is served at, else 404 ImageNotFound.
func photoSize(c *core.Call, p *core.Photo) (int, error) {
	if c.Param("size") == "" {
		return 0, nil
	}
	size, err := core.ParsePhotoSize(c.Param("size"))
	if err != nil {
		return 0, err
	}
	for _, s := range p.Sizes() {
		if s == size {
			return size, nil
		}
	}
	return 0, core.ErrImageNotFound()
}

func getPhotoMeta(ctx context.Context, c *core.Call) error {
	_, p, err := ownerPhoto(ctx, c)
	if err != nil {
		return err
	}
	size, err := photoSize(c, p)
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusOK, typePhoto, p.Entity(size))
}

func getPhoto(ctx context.Context, c *core.Call) error {
	id, p, err := ownerPhoto(ctx, c)
	if err != nil {
		return err
	}
	size, err := photoSize(c, p)
	if err != nil {
		return err
	}
	return c.ServePhoto(ctx, photoKey(id), size)
}

// listPhotos serves .../photos: the sizes the photo is served at.
func listPhotos(ctx context.Context, c *core.Call) error {
	_, p, err := ownerPhoto(ctx, c)
	if err != nil {
		return err
	}
	var docs []map[string]any
	for _, s := range p.Sizes() {
		docs = append(docs, p.Entity(s))
	}
	return c.List(ctx, core.ListSpec{Type: typePhoto, DefaultTop: 100,
		Load: func(context.Context, *core.Tx) ([]map[string]any, error) { return docs, nil }})
}

// putPhoto sets the photo (PUT or PATCH .../photo/$value); Graph answers
// 200 with no body.
func putPhoto(ctx context.Context, c *core.Call) error {
	data, err := c.ReadPhoto()
	if err != nil {
		return err
	}
	id, err := photoOwner(ctx, c)
	if err != nil {
		return err
	}
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		_, err := core.PutPhoto(ctx, tx, photoKey(id), data)
		return err
	})
	if err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusOK)
	return nil
}

func deletePhoto(ctx context.Context, c *core.Call) error {
	id, _, err := ownerPhoto(ctx, c)
	if err != nil {
		return err
	}
	if err := c.Store().Write(ctx, func(tx *core.Tx) error { return core.DeletePhoto(ctx, tx, photoKey(id)) }); err != nil {
		return err
	}
	return c.NoContent()
}

// photoRoutes are the photo routes of users ({user}) and groups.
func photoRoutes() []core.Route {
	userRead := core.Route{Scopes: readSelfScopes, SharedScopes: readUsersScopes, Roles: readUsersRoles}
	userWrite := core.Route{Scopes: writeSelfScopes, SharedScopes: writeUsersScope, Roles: writeUsersRoles}
	groupRead := core.Route{Scopes: readGroupScopes, Roles: readGroupRoles}
	groupWrite := core.Route{Scopes: []string{"Group.ReadWrite.All", "Directory.ReadWrite.All"}, Roles: []string{"Group.ReadWrite.All", "Directory.ReadWrite.All"}}
	var routes []core.Route
	for _, r := range []struct {
		prefix      string
		read, write core.Route
	}{{"{user}/", userRead, userWrite}, {"groups/{id}/", groupRead, groupWrite}} {
		routes = append(routes,
			r.read.On(http.MethodGet, r.prefix+"photo", getPhotoMeta),
			r.read.On(http.MethodGet, r.prefix+"photo/$value", getPhoto),
			r.write.On(http.MethodPut, r.prefix+"photo/$value", putPhoto),
			r.write.On(http.MethodPatch, r.prefix+"photo/$value", putPhoto),
			r.write.On(http.MethodDelete, r.prefix+"photo", deletePhoto),
			r.read.On(http.MethodGet, r.prefix+"photos", listPhotos),
			r.read.On(http.MethodGet, r.prefix+"photos/{size}", getPhotoMeta),
			r.read.On(http.MethodGet, r.prefix+"photos/{size}/$value", getPhoto),
		)
	}
	return routes
}
