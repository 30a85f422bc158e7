// Package drive is the sandbox's drive area: OneDrive and document
// libraries on the core's drive store (sandbox/internal/core/drive.go).
//
// It serves every way Graph addresses a drive (me/drive, users/{id}/drive,
// drives/{id}, groups/{id}/drive, shares/{id}) and an item in it (root,
// items/{id}, special/{name}, and the path forms root:/a/b: and
// items/{id}:/a/b:), with: items and children (paged, ordered, filtered),
// folders, rename and move, delete to the recycle bin, restore and
// permanent delete, simple uploads and upload sessions (320 KiB fragments,
// nextExpectedRanges, expiry, 416, deferred commit), downloads by 302 to a
// pre-authenticated URL that answers Range with 206, PDF conversion,
// asynchronous copy with a monitor, versions, thumbnails, search, sharing
// links that resolve through /shares, invitations and permissions
// enforced between users, sharedWithMe, and delta with OneDrive's tokens,
// deleted facet and resyncRequired.
//
// The pre-authenticated URLs (uploads, downloads, monitors) are signed
// with the engine's key and, on loopback, use the other name of the host
// (127.0.0.1 <-> localhost), as Graph's are on another host than Graph:
// a client that sends its token there is sending it to another host.
package drive

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
)

// Permissions of the drive routes: every read works with Files.Read on
// one's own drive; other drives need the .All scopes, and then the user's
// own rights on the item (core.DriveAccess).
var (
	readScopes  = []string{"Files.Read", "Files.ReadWrite", "Files.Read.All", "Files.ReadWrite.All", "Sites.Read.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"}
	readShared  = []string{"Files.Read.All", "Files.ReadWrite.All", "Sites.Read.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"}
	readRoles   = []string{"Files.Read.All", "Files.ReadWrite.All", "Sites.Read.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"}
	writeScopes = []string{"Files.ReadWrite", "Files.ReadWrite.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"}
	writeShared = []string{"Files.ReadWrite.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"}
	writeRoles  = []string{"Files.ReadWrite.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"}
)

// Internal collections of the area.
const (
	collUploads    = "sandbox.driveUploads"       // upload sessions (owner: the drive)
	collOperations = "sandbox.driveOperations"    // copy operations (owner: the destination drive)
	collSharedWith = "sandbox.driveSharedWithMe"  // owner: a user; id: drive!item shared with them
	collShareLinks = "sandbox.driveSharingTokens" // id: a link's token; data: where it points
)

// Lifetimes of what the area hands out.
const (
	uploadTTL   = 48 * time.Hour   // an upload session, from its last fragment
	downloadTTL = time.Hour        // a pre-authenticated download URL
	monitorTTL  = 24 * time.Hour   // a copy's monitor after it ends
	heartbeat   = 2 * time.Minute  // a copy that made no progress for this long died
	simpleLimit = 250 << 20        // the largest simple (one PUT) upload
	fragmentMax = 60 << 20         // the largest fragment of an upload session
	fragmentLen = 320 << 10        // fragments but the last are multiples of this
	defaultPage = 200              // children per page, as Graph
	maxPage     = 1000             // the largest $top
	maxThumbSrc = 40 * 1000 * 1000 // pixels of an image the sandbox makes thumbnails of
)

// Area is the drive area, to serve with core.Config.Areas.
func Area() core.Area {
	read := core.Route{Scopes: readScopes, SharedScopes: readShared, Roles: readRoles}
	write := core.Route{Scopes: writeScopes, SharedScopes: writeShared, Roles: writeRoles}
	public := core.Route{Public: true}
	var routes []core.Route
	// Every way of naming a drive leads to serve, with the rest of the path.
	for _, prefix := range []struct {
		pattern string
		find    driveFinder
	}{
		{"{user}/drive", userDrive},
		{"drives/{drive}", driveByID},
		{"groups/{group}/drive", groupDrive},
		{"{user}/drives/{drive}", inDrives(userDrive)},
		{"groups/{group}/drives/{drive}", inDrives(groupDrive)},
	} {
		routes = append(routes,
			read.On(http.MethodGet, prefix.pattern, getDrive(prefix.find)),
			read.On(http.MethodGet, prefix.pattern+"/{rest...}", serve(prefix.find, prefix.pattern == "drives/{drive}")),
		)
		for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			routes = append(routes, write.On(m, prefix.pattern+"/{rest...}", serve(prefix.find, prefix.pattern == "drives/{drive}")))
		}
	}
	routes = append(routes,
		read.On(http.MethodGet, "{user}/drives", listUserDrives),
		read.On(http.MethodGet, "groups/{group}/drives", listGroupDrives),
		read.On(http.MethodGet, "drives", listMyDrives),
		read.On(http.MethodGet, "shares/{share}", getShare),
		read.On(http.MethodGet, "shares/{share}/{rest...}", serveShare),
	)
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		routes = append(routes, write.On(m, "shares/{share}/{rest...}", serveShare))
	}
	// Pre-authenticated URLs: their signed token is the credential.
	for _, m := range []string{http.MethodPut, http.MethodGet, http.MethodDelete, http.MethodPost} {
		routes = append(routes, public.On(m, "drives/{drive}/uploadSessions/{session}", uploadSessionRoute))
	}
	routes = append(routes,
		public.On(http.MethodGet, "drives/{drive}/downloads/{item}", download),
		public.On(http.MethodHead, "drives/{drive}/downloads/{item}", download),
		public.On(http.MethodGet, "drives/{drive}/monitor/{operation}", monitor),
	)
	return core.Area{
		Name:   "drive",
		Routes: routes,
		Knobs:  []core.Knob{{Name: knobFiles, Doc: "generated small files in the demo user's Documents/Generated folder"}},
		Seed:   seed,
		Subscriptions: []core.Subscribable{{
			Pattern: "{user}/drive/root", MaxExpiry: 42300 * time.Minute, ODataType: "#Microsoft.Graph.DriveItem",
			Scope: func(ctx context.Context, c *core.Call) (core.Scope, error) {
				d, err := userDrive(ctx, c)
				if err != nil {
					return core.Scope{}, err
				}
				return core.Scope{Collection: core.DriveItemsCollection, Owner: d.ID}, nil
			},
		}},
	}
}

// driveFinder loads the drive a route names.
type driveFinder func(ctx context.Context, c *core.Call) (*core.Drive, error)

// userDrive is the OneDrive of the route's {user}, provisioned on first use.
func userDrive(ctx context.Context, c *core.Call) (*core.Drive, error) {
	return ensure(ctx, c, func(tx *core.Tx) (*core.Drive, error) { return core.FindUserDrive(ctx, tx, c.User.ID) },
		func(tx *core.Tx) (*core.Drive, error) { return core.EnsureUserDrive(ctx, tx, c.User.ID) })
}

// groupDrive is the document library of the route's Microsoft 365 group.
func groupDrive(ctx context.Context, c *core.Call) (*core.Drive, error) {
	g := c.Param("group")
	d, err := ensure(ctx, c, func(tx *core.Tx) (*core.Drive, error) { return core.FindGroupDrive(ctx, tx, g) },
		func(tx *core.Tx) (*core.Drive, error) { return core.EnsureGroupDrive(ctx, tx, g) })
	if core.IsNotFound(err) {
		return nil, core.Errorf(http.StatusNotFound, "itemNotFound", "The group '%s' does not exist or has no drive.", g)
	}
	return d, err
}

// inDrives finds the drive of a {owner}/drives/{drive} path: the owner's
// drive named through its drives collection, the way python-o365 addresses
// every item once it knows the drive's id (me/drives/{id}/items/...; Graph
// serves the containment path). An owner has one drive here.
func inDrives(owned driveFinder) driveFinder {
	return func(ctx context.Context, c *core.Call) (*core.Drive, error) {
		d, err := owned(ctx, c)
		if err != nil {
			return nil, err
		}
		if d.ID != c.Param("drive") {
			return nil, core.Errorf(http.StatusNotFound, "itemNotFound", "The drive '%s' was not found.", c.Param("drive"))
		}
		return d, nil
	}
}

// driveByID is drives/{drive}.
func driveByID(ctx context.Context, c *core.Call) (*core.Drive, error) {
	var d *core.Drive
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		d, err = core.GetDrive(ctx, tx, c.Param("drive"))
		return err
	})
	if core.IsNotFound(err) {
		return nil, core.Errorf(http.StatusNotFound, "itemNotFound", "The drive '%s' was not found.", c.Param("drive"))
	}
	return d, err
}

// ensure finds a drive, creating it when it does not exist yet.
func ensure(ctx context.Context, c *core.Call, find, create func(tx *core.Tx) (*core.Drive, error)) (*core.Drive, error) {
	var d *core.Drive
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		var err error
		d, err = find(tx)
		return err
	})
	if !core.IsNotFound(err) {
		return d, err
	}
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		var err error
		d, err = create(tx)
		return err
	})
	return d, err
}

// getDrive answers GET of a drive itself.
func getDrive(find driveFinder) core.HandlerFunc {
	return func(ctx context.Context, c *core.Call) error {
		d, err := find(ctx, c)
		if err != nil {
			return err
		}
		if err := checkDriveAccess(ctx, c, d, core.DriveRoleRead); err != nil {
			return err
		}
		return writeShaped(c, http.StatusOK, "drive", c.RootURL()+"$metadata#drives/$entity", c.PresentDrive(d))
	}
}

// checkDriveAccess needs role on the drive's root.
func checkDriveAccess(ctx context.Context, c *core.Call, d *core.Drive, need core.DriveRole) error {
	return c.Store().Read(ctx, func(tx *core.Tx) error {
		root, err := core.DriveItem(ctx, tx, d.ID, d.RootID)
		if err != nil {
			return err
		}
		role, err := core.DriveAccess(ctx, tx, c.Claims, d, root)
		if err != nil {
			return err
		}
		if role < need {
			return core.DriveAccessDenied()
		}
		return nil
	})
}

// writeDrives answers a list of drives.
func writeDrives(c *core.Call, drives []*core.Drive) error {
	docs := make([]map[string]any, 0, len(drives))
	for _, d := range drives {
		docs = append(docs, c.PresentDrive(d))
	}
	return writeShapedList(c, "drive", c.RootURL()+"$metadata#drives", docs)
}

func listUserDrives(ctx context.Context, c *core.Call) error {
	d, err := userDrive(ctx, c)
	if err != nil {
		return err
	}
	if err := checkDriveAccess(ctx, c, d, core.DriveRoleRead); err != nil {
		return err
	}
	return writeDrives(c, []*core.Drive{d})
}

func listGroupDrives(ctx context.Context, c *core.Call) error {
	d, err := groupDrive(ctx, c)
	if err != nil {
		return err
	}
	if err := checkDriveAccess(ctx, c, d, core.DriveRoleRead); err != nil {
		return err
	}
	return writeDrives(c, []*core.Drive{d})
}

// listMyDrives is GET /drives: the signed-in user's drives; an application
// sees every drive.
func listMyDrives(ctx context.Context, c *core.Call) error {
	var drives []*core.Drive
	if c.Claims.AppOnly {
		err := c.Store().Read(ctx, func(tx *core.Tx) error {
			objs, err := tx.List(ctx, core.Scope{Collection: core.DrivesCollection}, false, 0, 0)
			for _, o := range objs {
				d, err := core.GetDrive(ctx, tx, o.ID)
				if err != nil {
					return err
				}
				drives = append(drives, d)
			}
			return err
		})
		if err != nil {
			return err
		}
		return writeDrives(c, drives)
	}
	d, err := ensure(ctx, c, func(tx *core.Tx) (*core.Drive, error) { return core.FindUserDrive(ctx, tx, c.Claims.ObjectID) },
		func(tx *core.Tx) (*core.Drive, error) { return core.EnsureUserDrive(ctx, tx, c.Claims.ObjectID) })
	if err != nil {
		return err
	}
	return writeDrives(c, []*core.Drive{d})
}

// preauthBase is where pre-authenticated URLs point: the request's
// scheme and host, with loopback's other name (127.0.0.1 <-> localhost),
// so that they are on another host than the API as Graph's are.
func preauthBase(c *core.Call) string { return swapLoopback(c.BaseURL()) }

// swapLoopback gives a loopback base URL its other name.
func swapLoopback(base string) string {
	scheme, hostport, _ := strings.Cut(base, "://")
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, ""
	}
	switch strings.ToLower(host) {
	case "127.0.0.1", "::1", "[::1]":
		host = "localhost"
	case "localhost":
		host = "127.0.0.1"
	default:
		return base
	}
	if port != "" {
		host = net.JoinHostPort(host, port)
	}
	return scheme + "://" + host
}

// versionRoot is the request's version root below the host, e.g. "/v1.0/".
func versionRoot(c *core.Call) string { return strings.TrimPrefix(c.RootURL(), c.BaseURL()) }
