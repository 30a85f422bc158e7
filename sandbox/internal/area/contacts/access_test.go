package contacts_test

import (
	"testing"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

// TestContactsPermissionMatrix checks Exchange's rules between users on
// contacts, the mail area's grants: Alice reads and writes Bob's contacts
// (his delegate with full access), reads Carol's Contacts folder as
// reviewer but not her other folders, and nothing of Dan's; an
// application reads and writes every mailbox.
func TestContactsPermissionMatrix(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	ts.Grant(t, core.Grant{Mailbox: demo.CarolID, Grantee: demo.UserID, Folder: "contacts", Role: "reviewer"})
	alice, app := ts.AliceToken(t), ts.AppToken(t)
	first := map[string]string{}
	for _, login := range []string{demo.Bob, demo.Carol, demo.Dan} {
		r := ts.Do(t, app, "GET", "/v1.0/users/"+login+"/contacts?$top=1&$select=id", nil).WantStatus(t, 200)
		first[login] = sandboxtest.Values(t, r)[0]["id"].(string)
	}
	type ops struct{ list, read, photo, write, create, folders int }
	cases := []struct {
		token, name, mailbox string
		want                 ops
	}{
		{alice, "delegate with full access", demo.Bob, ops{200, 200, 200, 200, 201, 200}},
		{alice, "reviewer of the Contacts folder", demo.Carol, ops{200, 200, 200, 403, 403, 200}},
		{alice, "nothing shared", demo.Dan, ops{403, 403, 403, 403, 403, 403}},
		{app, "application", demo.Dan, ops{200, 200, 200, 200, 201, 200}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := "/v1.0/users/" + c.mailbox
			id := first[c.mailbox]
			got := ops{
				list:    ts.Do(t, c.token, "GET", base+"/contacts?$top=2", nil).Status,
				read:    ts.Do(t, c.token, "GET", base+"/contacts/"+id, nil).Status,
				photo:   ts.Do(t, c.token, "GET", base+"/contacts/"+id+"/photo", nil).Status,
				write:   ts.Do(t, c.token, "PATCH", base+"/contacts/"+id, map[string]any{"jobTitle": "Checked"}).Status,
				create:  ts.Do(t, c.token, "POST", base+"/contacts", map[string]any{"givenName": "Matrix"}).Status,
				folders: ts.Do(t, c.token, "GET", base+"/contactFolders", nil).Status,
			}
			if got != c.want {
				t.Fatalf("list, read, photo, write, create, folders = %+v, want %+v", got, c.want)
			}
		})
	}
}

// TestContactFolderGrants checks folder permissions on contact folders:
// a reviewer of one folder sees that folder alone (lists, delta, $expand),
// an author adds contacts and changes only their own, and moving a contact
// out needs the right to delete it.
func TestContactFolderGrants(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice, carol := ts.AliceToken(t), ts.UserToken(t, demo.PublicClientID, demo.Carol)
	// Carol keeps two folders below her Contacts folder.
	mk := func(name string) string {
		return ts.Do(t, carol, "POST", "/v1.0/me/contactFolders", map[string]any{"displayName": name}).WantStatus(t, 201).JSON["id"].(string)
	}
	shared, private := mk("Shared"), mk("Private")
	ts.Do(t, carol, "POST", "/v1.0/me/contactFolders/"+shared+"/contacts", map[string]any{"givenName": "Sue"}).WantStatus(t, 201)
	secret := ts.Do(t, carol, "POST", "/v1.0/me/contactFolders/"+private+"/contacts", map[string]any{"givenName": "Pat"}).WantStatus(t, 201).JSON["id"].(string)
	ts.Grant(t, core.Grant{Mailbox: demo.CarolID, Grantee: demo.UserID, Folder: shared, Role: "reviewer"})

	base := "/v1.0/users/" + demo.Carol
	folders := sandboxtest.Values(t, ts.Do(t, alice, "GET", base+"/contactFolders", nil).WantStatus(t, 200))
	if len(folders) != 1 || folders[0]["id"] != shared {
		t.Fatalf("Alice sees Carol's folders %v, want only Shared", folders)
	}
	delta := sandboxtest.Values(t, ts.Do(t, alice, "GET", base+"/contactFolders/delta", nil).WantStatus(t, 200))
	if len(delta) != 1 || delta[0]["id"] != shared {
		t.Fatalf("folder delta %v, want only Shared", delta)
	}
	if got := sandboxtest.Values(t, ts.Do(t, alice, "GET", base+"/contactFolders/"+shared+"/contacts", nil).WantStatus(t, 200)); len(got) != 1 || got[0]["givenName"] != "Sue" {
		t.Fatalf("Shared %v", got)
	}
	ts.Do(t, alice, "GET", base+"/contactFolders/"+private+"/contacts", nil).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, alice, "GET", base+"/contacts/"+secret, nil).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, alice, "GET", base+"/contactFolders/"+shared+"/contacts/delta", nil).WantStatus(t, 200)
	ts.Do(t, alice, "POST", base+"/contactFolders/"+shared+"/contacts", map[string]any{"givenName": "No"}).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, alice, "PATCH", base+"/contactFolders/"+shared, map[string]any{"displayName": "Mine"}).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, alice, "POST", base+"/contactFolders/"+shared+"/childFolders", map[string]any{"displayName": "Sub"}).WantError(t, 403, "ErrorAccessDenied")

	// As author, Alice adds contacts and changes her own, not Carol's.
	ts.Grant(t, core.Grant{Mailbox: demo.CarolID, Grantee: demo.UserID, Folder: shared, Role: "author"})
	mine := ts.Do(t, alice, "POST", base+"/contactFolders/"+shared+"/contacts", map[string]any{"givenName": "Ada"}).WantStatus(t, 201).JSON["id"].(string)
	ts.Do(t, alice, "PATCH", base+"/contacts/"+mine, map[string]any{"jobTitle": "Mine"}).WantStatus(t, 200)
	sue := ""
	for _, c := range sandboxtest.Values(t, ts.Do(t, alice, "GET", base+"/contactFolders/"+shared+"/contacts", nil).WantStatus(t, 200)) {
		if c["givenName"] == "Sue" {
			sue = c["id"].(string)
		}
	}
	ts.Do(t, alice, "PATCH", base+"/contacts/"+sue, map[string]any{"jobTitle": "Not mine"}).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, alice, "DELETE", base+"/contacts/"+sue, nil).WantError(t, 403, "ErrorAccessDenied")
	// Moving her own contact to a folder she may not write to is refused.
	ts.Do(t, alice, "PATCH", base+"/contacts/"+mine, map[string]any{"parentFolderId": private}).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, alice, "DELETE", base+"/contacts/"+mine, nil).WantStatus(t, 204)
	// Carol's own view is unchanged: both folders.
	if got := sandboxtest.Values(t, ts.Do(t, carol, "GET", "/v1.0/me/contactFolders", nil).WantStatus(t, 200)); len(got) < 2 {
		t.Fatalf("Carol's folders %v", got)
	}
}
