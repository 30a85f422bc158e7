package drive_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/o365go/o365"
	"github.com/o365go/o365/drive"
	"github.com/o365go/o365/sandbox"
)

// demo starts a seeded sandbox and returns an account signed in as user on
// it, and a function that stops the sandbox. Real programs build the
// account with an auth credential against Microsoft Graph instead.
func demo(user string) (*o365.Account, func()) {
	signIn, done := demoUsers()
	return signIn(user), done
}

// demoUsers starts a seeded sandbox and returns a function that signs a
// demo user in to it, and a function that stops it.
func demoUsers() (func(user string) *o365.Account, func()) {
	srv, err := sandbox.New(sandbox.Options{Seed: "demo"})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := srv.Start(ctx); err != nil {
		log.Fatal(err)
	}
	signIn := func(user string) *o365.Account {
		resp, err := http.PostForm(srv.AuthorityURL("")+"/oauth2/v2.0/token", url.Values{
			"grant_type": {"password"}, "client_id": {sandbox.DemoPublicClientID}, "username": {user},
			"password": {sandbox.DemoPassword}, "scope": {"https://graph.microsoft.com/.default"},
		})
		if err != nil {
			log.Fatal(err)
		}
		defer resp.Body.Close()
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
			log.Fatal(err)
		}
		p := o365.Graph()
		p.BaseURL = srv.URL() + "/"
		acct, err := o365.New(o365.WithProtocol(p), o365.WithTokenSource(o365.StaticToken(tok.AccessToken)))
		if err != nil {
			log.Fatal(err)
		}
		return acct
	}
	return signIn, func() { cancel(); srv.Close() }
}

// Upload a file: small ones in one request, large ones through a resumable
// upload session, checked against the service's hash either way.
func ExampleDrive_UploadFile() {
	acct, done := demo(sandbox.DemoUser)
	defer done()
	ctx := context.Background()
	local := filepath.Join(os.TempDir(), "o365-example-notes.txt")
	if err := os.WriteFile(local, []byte("Meeting notes\n"), 0o600); err != nil {
		log.Fatal(err)
	}
	defer os.Remove(local)

	d := drive.New(acct)
	item, err := d.UploadFile(ctx, local, "/Documents/Meetings/notes.txt", &drive.UploadOptions{Conflict: drive.ConflictRename})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(item.Name, item.Size, item.ParentReference.Path[strings.Index(item.ParentReference.Path, "root:"):])
	// Output:
	// notes.txt 14 root:/Documents/Meetings
}

// Download a folder, and everything in it, to a local directory.
func ExampleDrive_DownloadFolder() {
	acct, done := demo(sandbox.DemoUser)
	defer done()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "o365-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	n, err := drive.New(acct).DownloadFolder(ctx, "/Documents", dir, nil)
	if err != nil {
		log.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	fmt.Println(n, "files:", entries[0].Name(), entries[1].Name())
	// Output:
	// 2 files: Budget.csv Quarterly report.md
}

// Share a file with everyone in the organization, and open it as another
// user through the link.
func ExampleItem_CreateLink() {
	signIn, done := demoUsers()
	defer done()
	ctx := context.Background()
	d := drive.New(signIn(sandbox.DemoUser))
	report, err := d.GetItemByPath(ctx, "/Documents/Quarterly report.md", nil)
	if err != nil {
		log.Fatal(err)
	}
	link, err := report.CreateLink(ctx, &drive.LinkOptions{Type: drive.LinkView, Scope: drive.ScopeOrganization})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(link.Link.Type, link.Link.Scope, link.Roles)

	// Bob, signed in on his own, opens the link.
	bob := drive.New(signIn(sandbox.DemoBob))
	shared, err := bob.GetShared(ctx, link.Link.WebURL)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(shared.Name)
	// Output:
	// view organization [read]
	// Quarterly report.md
}

// Mirror a remote folder into a local one, one way: the first run downloads
// everything, later runs only what changed, deleted and moved.
func ExampleDrive_SyncFolder() {
	acct, done := demo(sandbox.DemoUser)
	defer done()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "o365-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	stateFile := filepath.Join(dir, "sync-state.json")
	mirror := filepath.Join(dir, "Documents")
	d := drive.New(acct)

	sync := func() {
		state, err := drive.LoadSyncState(stateFile)
		if err != nil {
			log.Fatal(err)
		}
		res, err := d.SyncFolder(ctx, "/Documents", mirror, state, &drive.SyncOptions{
			OnChange: func(c drive.SyncChange) { fmt.Println(c.Action, c.Path) },
		})
		if err != nil {
			log.Fatal(err)
		}
		if err := state.Save(stateFile); err != nil {
			log.Fatal(err)
		}
		fmt.Println(res.Downloaded, "downloaded,", res.Deleted, "deleted")
	}
	sync()
	budget, err := d.GetItemByPath(ctx, "/Documents/Budget.csv", nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := budget.Delete(ctx); err != nil {
		log.Fatal(err)
	}
	sync()
	// Output:
	// download Budget.csv
	// download Quarterly report.md
	// 2 downloaded, 0 deleted
	// delete Budget.csv
	// 0 downloaded, 1 deleted
}
