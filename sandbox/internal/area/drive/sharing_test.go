package drive_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

func TestSharingBetweenUsers(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	bob := ts.UserToken(t, demo.PublicClientID, demo.Bob)
	carol := ts.UserToken(t, demo.PublicClientID, demo.Carol)
	report := send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Documents/Quarterly report.md", nil).want(t, 200).JSON(t)
	driveID, itemID := str(report, "parentReference", "driveId"), str(report, "id")
	itemPath := "/v1.0/drives/" + url.PathEscape(driveID) + "/items/" + itemID

	// Without a permission Bob cannot read Alice's file, by any address.
	send(t, ts, bob, "GET", itemPath, nil).wantError(t, 403, "accessDenied")
	send(t, ts, bob, "GET", "/v1.0/users/"+demo.User+"/drive/root/children", nil).wantError(t, 403, "accessDenied")
	send(t, ts, bob, "PUT", itemPath+"/content", []byte("mine now")).wantError(t, 403, "accessDenied")

	// An organization view link: created once, then returned as is.
	link := send(t, ts, alice, "POST", itemPath+"/createLink", []byte(`{"type":"view","scope":"organization"}`), "Content-Type", "application/json").want(t, 201).JSON(t)
	again := send(t, ts, alice, "POST", itemPath+"/createLink", []byte(`{"type":"view","scope":"organization"}`), "Content-Type", "application/json").want(t, 200).JSON(t)
	if link["id"] != again["id"] || !slices.Equal(toStrings(link["roles"]), []string{"read"}) || str(link, "link", "scope") != "organization" {
		t.Fatalf("link: %v / %v", link, again)
	}
	webURL := str(link, "link", "webUrl")
	// Bob uses it by the sharing URL (u!base64url) and by shareId.
	shareID := "u!" + b64(webURL)
	item := send(t, ts, bob, "GET", "/v1.0/shares/"+shareID+"/driveItem", nil).want(t, 200).JSON(t)
	if item["id"] != itemID {
		t.Fatalf("shared item: %v", item)
	}
	sharedItem := send(t, ts, bob, "GET", "/v1.0/shares/"+str(link, "shareId"), nil).want(t, 200).JSON(t)
	if sharedItem["name"] != "Quarterly report.md" || str(sharedItem, "owner", "user", "id") != demo.UserID {
		t.Fatalf("sharedDriveItem: %v", sharedItem)
	}
	loc := send(t, ts, bob, "GET", "/v1.0/shares/"+shareID+"/driveItem/content", nil).want(t, 302).Header.Get("Location")
	if got := send(t, ts, "", "GET", loc, nil).want(t, 200).Body; !strings.HasPrefix(string(got), "# Quarterly report") {
		t.Fatalf("content through the link: %q", got)
	}
	// A view link does not write; once redeemed, Bob reads directly.
	send(t, ts, bob, "PUT", "/v1.0/shares/"+shareID+"/driveItem/content", []byte("x")).wantError(t, 403, "accessDenied")
	send(t, ts, bob, "GET", itemPath, nil).want(t, 200)
	send(t, ts, bob, "GET", "/v1.0/drives/"+url.PathEscape(driveID)+"/root:/Documents/Budget.csv", nil).wantError(t, 403, "accessDenied")
	if got := names(t, send(t, ts, bob, "GET", "/v1.0/me/drive/sharedWithMe", nil).want(t, 200).JSON(t)); !slices.Equal(got, []string{"Quarterly report.md"}) {
		t.Fatalf("Bob's sharedWithMe: %v", got)
	}

	// An invitation gives Carol write access on the Documents folder, to the
	// files below it too.
	docs := send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Documents", nil).JSON(t)
	inv := send(t, ts, alice, "POST", "/v1.0/me/drive/items/"+str(docs, "id")+"/invite",
		[]byte(`{"recipients":[{"email":"`+demo.Carol+`"}],"roles":["write"],"requireSignIn":true,"sendInvitation":false}`),
		"Content-Type", "application/json").want(t, 200).JSON(t)
	perm := inv["value"].([]any)[0].(map[string]any)
	if str(perm, "grantedToV2", "user", "id") != demo.CarolID || !slices.Equal(toStrings(perm["roles"]), []string{"write"}) {
		t.Fatalf("invite: %v", perm)
	}
	send(t, ts, carol, "PUT", "/v1.0/drives/"+url.PathEscape(driveID)+"/root:/Documents/Budget.csv:/content", []byte("carol was here")).want(t, 200)
	send(t, ts, carol, "GET", "/v1.0/drives/"+url.PathEscape(driveID)+"/root:/Welcome.txt", nil).wantError(t, 403, "accessDenied")
	// The file lists the owner, the link and the inherited invitation.
	perms := send(t, ts, alice, "GET", itemPath+"/permissions", nil).want(t, 200).JSON(t)["value"].([]any)
	var kinds []string
	for _, x := range perms {
		p := x.(map[string]any)
		switch {
		case p["link"] != nil:
			kinds = append(kinds, "link")
		case p["inheritedFrom"] != nil:
			kinds = append(kinds, "inherited:"+str(p, "grantedToV2", "user", "id"))
		default:
			kinds = append(kinds, strings.Join(toStrings(p["roles"]), ","))
		}
	}
	if !slices.Equal(kinds, []string{"owner", "link", "inherited:" + demo.CarolID}) {
		t.Fatalf("permissions: %v", kinds)
	}
	// An inherited permission is removed where it was set; then Carol is out.
	send(t, ts, alice, "DELETE", itemPath+"/permissions/"+str(perm, "id"), nil).wantError(t, 403, "accessDenied")
	send(t, ts, alice, "DELETE", "/v1.0/me/drive/items/"+str(docs, "id")+"/permissions/"+str(perm, "id"), nil).want(t, 204)
	send(t, ts, carol, "GET", "/v1.0/drives/"+url.PathEscape(driveID)+"/root:/Documents/Budget.csv", nil).wantError(t, 403, "accessDenied")
	// Removing the link ends Bob's access too.
	send(t, ts, alice, "DELETE", itemPath+"/permissions/"+str(link, "id"), nil).want(t, 204)
	send(t, ts, bob, "GET", itemPath, nil).wantError(t, 403, "accessDenied")
	send(t, ts, bob, "GET", "/v1.0/shares/"+shareID+"/driveItem", nil).wantError(t, 404, "itemNotFound")
}

func TestSharingLinkKinds(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	bob := ts.UserToken(t, demo.PublicClientID, demo.Bob)
	dan := ts.UserToken(t, demo.PublicClientID, demo.Dan)
	folder := send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Pictures", nil).JSON(t)
	p := "/v1.0/me/drive/items/" + str(folder, "id")
	link := func(body string) *answer {
		return send(t, ts, alice, "POST", p+"/createLink", []byte(body), "Content-Type", "application/json")
	}
	link(`{"type":"embed"}`).wantError(t, 400, "notSupported")
	link(`{"type":"view","password":"secret"}`).wantError(t, 400, "notSupported")
	link(`{"type":"share"}`).wantError(t, 400, "invalidRequest")
	link(`{"type":"view","expirationDateTime":"2000-01-01T00:00:00Z"}`).wantError(t, 400, "invalidRequest")
	// An edit link for Bob only: Dan cannot use it; Bob writes below the folder.
	users := link(`{"type":"edit","scope":"users","recipients":[{"email":"`+demo.Bob+`"}]}`).want(t, 201).JSON(t)
	if str(users, "link", "scope") != "users" || !slices.Equal(toStrings(users["roles"]), []string{"write"}) {
		t.Fatalf("users link: %v", users)
	}
	sid := str(users, "shareId")
	send(t, ts, dan, "GET", "/v1.0/shares/"+sid+"/driveItem", nil).wantError(t, 403, "accessDenied")
	send(t, ts, bob, "PUT", "/v1.0/shares/"+sid+"/driveItem:/from-bob.txt:/content", []byte("hi")).wantError(t, 400, "BadRequest")
	kids := send(t, ts, bob, "GET", "/v1.0/shares/"+sid+"/driveItem/children", nil).want(t, 200).JSON(t)
	if got := names(t, kids); !slices.Equal(got, []string{"Logo.png"}) {
		t.Fatalf("children through the link: %v", got)
	}
	logo := kids["value"].([]any)[0].(map[string]any)
	send(t, ts, bob, "PUT", "/v1.0/shares/"+sid+"/items/"+str(logo, "id")+"/content", []byte("not a png")).want(t, 200)
	// The link does not reach outside the shared folder.
	welcome := send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Welcome.txt", nil).JSON(t)
	send(t, ts, bob, "GET", "/v1.0/shares/"+sid+"/items/"+str(welcome, "id"), nil).wantError(t, 404, "itemNotFound")
	// An anonymous link; an expiring one stops working when it expires.
	anon := link(`{"type":"view","scope":"anonymous"}`).want(t, 201).JSON(t)
	send(t, ts, dan, "GET", "/v1.0/shares/"+str(anon, "shareId")+"/root", nil).want(t, 200)
	send(t, ts, dan, "GET", "/v1.0/shares/s!nope/driveItem", nil).wantError(t, 404, "itemNotFound")
	send(t, ts, dan, "GET", "/v1.0/shares/garbage/driveItem", nil).wantError(t, 400, "invalidRequest")
	// The item shows it is shared.
	if got := send(t, ts, alice, "GET", p, nil).JSON(t); str(got, "shared", "scope") != "anonymous" {
		t.Fatalf("shared facet: %v", got["shared"])
	}
}

// A delegated token with only Files.ReadWrite reaches the user's own drive,
// not items others shared: those need the .All scopes.
func TestScopesLimitSharing(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	const narrow = "c1e47000-0000-4000-8000-00000000c0f1"
	ts.RegisterApp(t, core.App{ClientID: narrow, DisplayName: "narrow", PublicClient: true,
		RedirectURIs: []string{"http://localhost"}, DelegatedScopes: []string{"Files.ReadWrite"}})
	alice := ts.AliceToken(t)
	bobNarrow := ts.UserToken(t, narrow, demo.Bob)
	report := send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Welcome.txt", nil).JSON(t)
	send(t, ts, alice, "POST", "/v1.0/me/drive/items/"+str(report, "id")+"/invite",
		[]byte(`{"recipients":[{"email":"`+demo.Bob+`"}],"roles":["read"]}`), "Content-Type", "application/json").want(t, 200)
	send(t, ts, bobNarrow, "GET", "/v1.0/me/drive/root", nil).want(t, 200)
	send(t, ts, bobNarrow, "GET", "/v1.0/drives/"+url.PathEscape(str(report, "parentReference", "driveId"))+"/items/"+str(report, "id"), nil).wantError(t, 403, "accessDenied")
	send(t, ts, bobNarrow, "GET", "/v1.0/users/"+demo.User+"/drive/root", nil).wantError(t, 403, "ErrorAccessDenied")
	// The app-only daemon reaches every drive.
	send(t, ts, ts.AppToken(t), "GET", "/v1.0/users/"+demo.User+"/drive/root:/Documents/Budget.csv", nil).want(t, 200)
	send(t, ts, ts.AppToken(t), "GET", "/v1.0/me/drive", nil).wantError(t, 400, "BadRequest")
}

// Another area reaches drive items through the core: a path-addressed
// request for an action the drive area does not know is forwarded to
// drives/{id}/items/{id}/..., and a site's alias forwards to the drive.
func TestForwardToOtherAreas(t *testing.T) {
	var hits []string
	notebook := core.Route{Scopes: []string{"Files.Read"}, Roles: []string{"Files.Read.All"}}
	siteRead := core.Route{Scopes: []string{"Sites.Read.All"}, Roles: []string{"Sites.Read.All"}}
	var siteDrive string
	other := core.Area{Name: "other", Routes: []core.Route{
		notebook.On(http.MethodGet, "drives/{drive}/items/{item}/notebook/{rest...}", func(_ context.Context, c *core.Call) error {
			hits = append(hits, c.Param("drive")+"|"+c.Param("item")+"|"+c.Param("rest"))
			return c.WriteJSON(200, map[string]any{"ok": true})
		}),
		siteRead.On(http.MethodGet, "aliases/{site}/drive/{rest...}", func(ctx context.Context, c *core.Call) error {
			return c.Forward(ctx, append([]string{"drives", siteDrive}, c.Segments()...)...)
		}),
	}}
	ts := sandboxtest.New(t, sandboxtest.Options{}, other)
	alice := ts.AliceToken(t)
	budget := send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Documents/Budget.csv", nil).JSON(t)
	send(t, ts, alice, "GET", "/v1.0/me/drive/root:/Documents/Budget.csv:/notebook/worksheets", nil).want(t, 200)
	send(t, ts, alice, "GET", "/v1.0/me/drive/items/"+str(budget, "id")+"/notebook/tables/t1", nil).want(t, 200)
	want := str(budget, "parentReference", "driveId") + "|" + str(budget, "id") + "|"
	if len(hits) != 2 || hits[0] != want+"worksheets" || hits[1] != want+"tables/t1" {
		t.Fatalf("forwarded: %v", hits)
	}
	// Canonical addresses of unknown actions are 400, not a loop.
	send(t, ts, alice, "GET", "/v1.0/drives/"+url.PathEscape(str(budget, "parentReference", "driveId"))+"/items/"+str(budget, "id")+"/nonsense", nil).wantError(t, 400, "BadRequest")
	// A site's document library made through the core, reached by alias.
	ctx := t.Context()
	err := ts.Engine.Store().Write(ctx, func(tx *core.Tx) error {
		d, err := core.CreateDrive(ctx, tx, core.DriveSpec{Owner: core.DriveOwner{Kind: core.DriveOwnerSite, ID: "site1"}, Name: "Documents",
			DriveType: "documentLibrary", Access: map[string]string{"everyone": "write"}, WebPath: "/sites/site1/Shared Documents"})
		siteDrive = d.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	bob := ts.UserToken(t, demo.PublicClientID, demo.Bob)
	up := send(t, ts, bob, "PUT", "/v1.0/drives/"+url.PathEscape(siteDrive)+"/root:/shared plan.txt:/content", []byte("plan")).want(t, 201).JSON(t)
	if str(up, "parentReference", "siteId") != "site1" || !strings.HasSuffix(str(up, "webUrl"), "/sites/site1/Shared%20Documents/shared%20plan.txt") {
		t.Fatalf("site item: %v", up)
	}
	kids := send(t, ts, bob, "GET", "/v1.0/aliases/site1/drive/root/children", nil).want(t, 200).JSON(t)
	if got := names(t, kids); !slices.Equal(got, []string{"shared plan.txt"}) {
		t.Fatalf("site children via forward: %v", got)
	}
}

// Drive requests go through $batch like any other.
func TestBatch(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	body := map[string]any{"requests": []any{
		map[string]any{"id": "1", "method": "GET", "url": "/me/drive/root:/Documents/Budget.csv"},
		map[string]any{"id": "2", "method": "GET", "url": "/me/drive/root:/Documents/Budget.csv:/content"},
	}}
	r := ts.Do(t, alice, "POST", "/v1.0/$batch", body).WantStatus(t, 200)
	statuses := map[string]float64{}
	for _, x := range r.JSON["responses"].([]any) {
		m := x.(map[string]any)
		statuses[m["id"].(string)] = m["status"].(float64)
	}
	if statuses["1"] != 200 || statuses["2"] != 302 {
		t.Fatalf("batch: %s", r.Raw)
	}
}
