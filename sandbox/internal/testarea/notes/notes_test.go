package notes_test

import (
	"testing"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
	"github.com/o365go/o365/sandbox/internal/testarea/notes"
)

func TestNotes(t *testing.T) {
	// notes.Area() is not in area.All yet: serve it as an extra area.
	ts := sandboxtest.New(t, sandboxtest.Options{Sizes: map[string]int{"notes.perUser": 2}}, notes.Area())
	// The demo apps are not granted Notes.* (add them to internal/demo when
	// the area is wired in): register an app that is.
	const appID, secret = "0a0a0a0a-1111-4222-8333-444444444444", "s3cret"
	ts.RegisterApp(t, core.App{ClientID: appID, Secrets: []string{secret}, AppRoles: []string{"Notes.ReadWrite.All"}})
	app := ts.AppTokenFor(t, appID, secret)
	r := ts.Do(t, app, "GET", "/v1.0/users/"+demo.Bob+"/notes?$select=title", nil).WantStatus(t, 200)
	if got := sandboxtest.Values(t, r); len(got) != 3 || got[0]["title"] != "Welcome, Bob" {
		t.Fatalf("Bob's notes: %s", r.Raw)
	}
	ts.Do(t, app, "POST", "/v1.0/users/"+demo.Bob+"/notes", map[string]any{}).WantError(t, 400, "BadRequest")
	rc := sandboxtest.NewReceiver(t, true)
	ts.Do(t, app, "POST", "/v1.0/subscriptions", map[string]any{"changeType": "created", "notificationUrl": rc.URL,
		"resource": "users/" + demo.Bob + "/notes", "expirationDateTime": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}).WantStatus(t, 201)
	n := ts.Do(t, app, "POST", "/v1.0/users/"+demo.Bob+"/notes", map[string]any{"title": "Buy milk"}).WantStatus(t, 201)
	id := n.JSON["id"].(string)
	outlook := ts.AppTokenOn(t, sandboxtest.OutlookResource, appID, secret) // /api/v2.0 wants Outlook's audience
	ts.Do(t, outlook, "POST", "/api/v2.0/users/"+demo.Bob+"/notes/"+id+"/attachments", map[string]any{
		"@odata.type": "#Microsoft.OutlookServices.FileAttachment", "Name": "list.txt", "ContentBytes": "bWlsaw=="}).WantStatus(t, 201)
	g := ts.Do(t, app, "GET", "/v1.0/users/"+demo.Bob+"/notes/"+id+"?$expand=attachments", nil).WantStatus(t, 200)
	if g.JSON["hasAttachments"] != true || len(g.JSON["attachments"].([]any)) != 1 {
		t.Fatalf("note %s", g.Raw)
	}
	select {
	case <-rc.Got:
	case <-time.After(5 * time.Second):
		t.Fatal("no notification")
	}
}
