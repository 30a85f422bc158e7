package core_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

// The drive store as another area uses it: a site's library, content
// written and read back by id with versions (the Excel area's path), and
// the access rules between users.
func TestDriveStoreForOtherAreas(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	ctx := context.Background()
	st := ts.Engine.Store()
	ch := core.DriveChange{By: map[string]any{"user": map[string]any{"id": demo.UserID}}, Now: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}
	var d *core.Drive
	var file *core.Object
	err := st.Write(ctx, func(tx *core.Tx) error {
		var err error
		d, err = core.CreateDrive(ctx, tx, core.DriveSpec{
			Owner: core.DriveOwner{Kind: core.DriveOwnerSite, ID: "site-1"}, Name: "Documents", DriveType: "documentLibrary",
			Access: map[string]string{"group:" + demo.EngineeringGroupID: "write", demo.SharedID: "read"}, WebPath: "/sites/one/Shared Documents",
		})
		if err != nil {
			return err
		}
		root, err := core.DriveItem(ctx, tx, d.ID, d.RootID)
		if err != nil {
			return err
		}
		folder, err := core.CreateDriveFolder(ctx, tx, d, root, "Books", core.ConflictFail, ch)
		if err != nil {
			return err
		}
		content, err := core.WriteDriveBlob(ctx, tx, d.ID, bytes.NewReader([]byte("version one")))
		if err != nil {
			return err
		}
		file, _, err = core.PutDriveFile(ctx, tx, d, folder, "book.xlsx", core.ConflictFail, content, ch)
		if err != nil {
			return err
		}
		return core.WriteDriveContent(ctx, tx, d, file, bytes.NewReader([]byte("version two!")), ch)
	})
	if err != nil {
		t.Fatal(err)
	}
	var drives []*core.Drive
	err = st.Read(ctx, func(tx *core.Tx) error {
		var err error
		drives, err = core.DrivesOf(ctx, tx, core.DriveOwner{Kind: core.DriveOwnerSite, ID: "site-1"})
		if err != nil {
			return err
		}
		got, err := core.DriveItemByPath(ctx, tx, d.ID, mustItem(t, ctx, tx, d.ID, d.RootID), "/books/BOOK.xlsx")
		if err != nil || got.ID != file.ID {
			t.Fatalf("by path: %v %v", got, err)
		}
		if p, err := core.DriveItemPath(ctx, tx, got); err != nil || p != "/Books/book.xlsx" {
			t.Fatalf("path %q %v", p, err)
		}
		versions, err := core.DriveVersions(ctx, tx, d.ID, file.ID)
		if err != nil || len(versions) != 2 || core.Str(versions[0].Data, "_vid") != "2.0" {
			t.Fatalf("versions: %v %v", versions, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(drives) != 1 || drives[0].ID != d.ID || drives[0].Type != "documentLibrary" {
		t.Fatalf("DrivesOf: %+v", drives)
	}
	r, err := core.OpenDriveContent(ctx, st, file)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(r); string(got) != "version two!" {
		t.Fatalf("content %q", got)
	}

	// Access: group members write, the shared mailbox user reads, the
	// others nothing; apps by role.
	cases := []struct {
		name   string
		claims *core.Claims
		want   core.DriveRole
	}{
		{"group owner", user(demo.UserID, "Files.ReadWrite.All"), core.DriveRoleOwner},
		{"group member", user(demo.BobID, "Files.ReadWrite.All"), core.DriveRoleWrite},
		{"member with read scope", user(demo.BobID, "Files.Read.All"), core.DriveRoleRead},
		{"member without .All", user(demo.BobID, "Files.ReadWrite"), core.DriveRoleNone},
		{"reader", user(demo.SharedID, "Files.ReadWrite.All"), core.DriveRoleRead},
		{"stranger", user(stranger, "Files.ReadWrite.All"), core.DriveRoleNone},
		{"app", &core.Claims{AppOnly: true, Roles: []string{"Files.ReadWrite.All"}}, core.DriveRoleOwner},
		{"read app", &core.Claims{AppOnly: true, Roles: []string{"Sites.Read.All"}}, core.DriveRoleRead},
		{"no claims", nil, core.DriveRoleNone},
	}
	for _, c := range cases {
		err := st.Read(ctx, func(tx *core.Tx) error {
			got, err := core.DriveAccess(ctx, tx, c.claims, d, file)
			if err != nil {
				return err
			}
			if got != c.want {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// A permission on the folder lets a stranger in, below it too; a grant
	// (a link's) gives its role.
	err = st.Write(ctx, func(tx *core.Tx) error {
		return tx.Put(ctx, &core.Object{Collection: core.DrivePermissionsCollection, Owner: d.ID, ID: "p1", Parent: file.Parent,
			Data: map[string]any{"roles": []any{"write"}, "_users": []any{stranger}}})
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = st.Read(ctx, func(tx *core.Tx) error {
		if got, _ := core.DriveAccess(ctx, tx, user(stranger, "Files.ReadWrite.All"), d, file); got != core.DriveRoleWrite {
			t.Errorf("invited: %v", got)
		}
		if got, _ := core.DriveAccess(ctx, tx, user(demo.CarolID, "Files.ReadWrite.All"), d, file, core.DriveGrant{ItemID: file.ID, Role: core.DriveRoleRead}); got != core.DriveRoleWrite {
			t.Errorf("Carol is a group member: %v", got) // the grant adds nothing to more
		}
		return nil
	})
}

// stranger is a user id no drive grants anything to.
const stranger = "5742a46e-0000-4000-8000-0000000000ff"

func user(id string, scopes ...string) *core.Claims {
	return &core.Claims{ObjectID: id, Scopes: scopes}
}

func mustItem(t *testing.T, ctx context.Context, tx *core.Tx, driveID, id string) *core.Object {
	t.Helper()
	it, err := core.DriveItem(ctx, tx, driveID, id)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func TestCheckDriveName(t *testing.T) {
	for name, ok := range map[string]bool{
		"report.docx": true, "a b": true, "été.txt": true, ".hidden": true,
		"": false, "a/b": false, `a\b`: false, "a:b": false, "a*": false, "q?": false, `"x"`: false, "<x>": false, "a|b": false,
		" lead": false, "trail ": false, "dot.": false, "CON": false, "nul": false, "com3": false, "LPT9": false,
		".lock": false, "desktop.ini": false, "~$report.docx": false, "my_vti_file": false, "tab\tname": false, "new\nline": false,
	} {
		if err := core.CheckDriveName(name); (err == nil) != ok {
			t.Errorf("CheckDriveName(%q) = %v, want ok=%v", name, err, ok)
		}
	}
}

// SignToken and VerifyToken: a token is bound to its purpose and cannot be
// altered.
func TestSignedTokens(t *testing.T) {
	var token string
	area := core.Area{Name: "signer", Routes: []core.Route{
		{Method: http.MethodGet, Pattern: "sign", Public: true, Handle: func(_ context.Context, c *core.Call) error {
			token = c.SignToken("a", []byte("payload"))
			return c.NoContent()
		}},
		{Method: http.MethodGet, Pattern: "verify/{purpose}", Public: true, Handle: func(_ context.Context, c *core.Call) error {
			p, ok := c.VerifyToken(c.Param("purpose"), c.QueryValue("t"))
			if !ok || string(p) != "payload" {
				return core.Errorf(401, "unauthenticated", "no")
			}
			return c.NoContent()
		}},
	}}
	ts := sandboxtest.New(t, sandboxtest.Options{}, area)
	ts.Do(t, "", "GET", "/v1.0/sign", nil).WantStatus(t, 204)
	ts.Do(t, "", "GET", "/v1.0/verify/a?t="+token, nil).WantStatus(t, 204)
	ts.Do(t, "", "GET", "/v1.0/verify/b?t="+token, nil).WantStatus(t, 401)
	ts.Do(t, "", "GET", "/v1.0/verify/a?t=x"+token, nil).WantStatus(t, 401)
}
