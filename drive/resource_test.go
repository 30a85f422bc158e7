package drive_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/o365go/o365"
	"github.com/o365go/o365/drive"
)

// Each resource reaches its drive at Graph's path: the signed-in user's,
// another user's, a group's, a SharePoint site's (its libraries too), and
// any drive by id; item paths are escaped segment by segment.
func TestResourcePaths(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.EscapedPath())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"x","name":"n","value":[]}`)
	}))
	t.Cleanup(srv.Close)
	p := o365.Graph()
	p.BaseURL = srv.URL + "/"
	acct, err := o365.New(o365.WithProtocol(p), o365.WithTokenSource(o365.StaticToken("t")))
	must(t, err)
	ctx := ctxT(t)
	for _, res := range []string{"me", "user:bob@contoso.com", "group:g1", "sharepoint:contoso.sharepoint.com,6e1f7e2c-5a4b-4c3d-9e8f-0a1b2c3d4e5f,7f2a8b3c-6d5e-4f40-a1b2-c3d4e5f60718"} {
		d := drive.New(acct, o365.WithResource(res))
		_, err := d.Get(ctx)
		must(t, err)
		collect(t, d.ListDrives(ctx, nil))
		_, err = d.GetItemByPath(ctx, "/a b/c#d:e%f.txt", nil)
		must(t, err)
	}
	_, err = drive.New(acct).Drive("b!x y").GetItem(ctx, "01ID", nil)
	must(t, err)
	want := []string{
		"/v1.0/me/drive", "/v1.0/me/drives", "/v1.0/me/drive/root:/a%20b/c%23d%3Ae%25f.txt:",
		"/v1.0/users/bob@contoso.com/drive", "/v1.0/users/bob@contoso.com/drives", "/v1.0/users/bob@contoso.com/drive/root:/a%20b/c%23d%3Ae%25f.txt:",
		"/v1.0/groups/g1/drive", "/v1.0/groups/g1/drives", "/v1.0/groups/g1/drive/root:/a%20b/c%23d%3Ae%25f.txt:",
		"/v1.0/sites/contoso.sharepoint.com,6e1f7e2c-5a4b-4c3d-9e8f-0a1b2c3d4e5f,7f2a8b3c-6d5e-4f40-a1b2-c3d4e5f60718/drive", "/v1.0/sites/contoso.sharepoint.com,6e1f7e2c-5a4b-4c3d-9e8f-0a1b2c3d4e5f,7f2a8b3c-6d5e-4f40-a1b2-c3d4e5f60718/drives", "/v1.0/sites/contoso.sharepoint.com,6e1f7e2c-5a4b-4c3d-9e8f-0a1b2c3d4e5f,7f2a8b3c-6d5e-4f40-a1b2-c3d4e5f60718/drive/root:/a%20b/c%23d%3Ae%25f.txt:",
		"/v1.0/drives/b%21x%20y/items/01ID",
	}
	if !slices.Equal(seen, want) {
		t.Fatalf("paths:\n got %q\nwant %q", seen, want)
	}
}
