package contacts_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

// contactProperties are the properties Graph returns for a contact.
var contactProperties = []string{
	"id", "createdDateTime", "lastModifiedDateTime", "changeKey", "categories", "parentFolderId", "birthday",
	"fileAs", "displayName", "givenName", "initials", "middleName", "nickName", "surname", "title",
	"yomiGivenName", "yomiSurname", "yomiCompanyName", "generation", "imAddresses", "jobTitle", "companyName",
	"department", "officeLocation", "profession", "businessHomePage", "assistantName", "manager", "homePhones",
	"mobilePhone", "businessPhones", "spouseName", "personalNotes", "children", "emailAddresses", "homeAddress",
	"businessAddress", "otherAddress", "primaryEmailAddress", "secondaryEmailAddress", "tertiaryEmailAddress",
}

func TestSeededContactsAndFolders(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{Sizes: map[string]int{"contacts.perUser": 25}})
	tok := ts.AliceToken(t)
	r := ts.Do(t, tok, "GET", "/v1.0/me/contacts?$top=100&$orderby=displayName", nil).WantStatus(t, 200)
	got := sandboxtest.Values(t, r)
	if len(got) != 28 {
		t.Fatalf("Alice has %d contacts in Contacts, want 3 samples + 25 generated", len(got))
	}
	if !strings.HasSuffix(r.JSON["@odata.context"].(string), "/v1.0/$metadata#users('"+demo.UserID+"')/contacts") {
		t.Fatalf("context %v", r.JSON["@odata.context"])
	}
	var garth map[string]any
	for _, c := range got {
		if c["displayName"] == "Garth Fort" {
			garth = c
		}
	}
	if garth == nil {
		t.Fatalf("no Garth Fort in %v", got)
	}
	for _, p := range contactProperties {
		if _, ok := garth[p]; !ok {
			t.Errorf("contact lacks %s: %v", p, garth)
		}
	}
	if garth["birthday"] != "1974-07-22T00:00:00Z" || garth["secondaryEmailAddress"].(map[string]any)["address"] != "garth.fort@outlook.com" ||
		garth["tertiaryEmailAddress"] != nil || len(garth["children"].([]any)) != 2 {
		t.Fatalf("Garth %v", garth)
	}
	folders := sandboxtest.Values(t, ts.Do(t, tok, "GET", "/v1.0/me/contactFolders", nil).WantStatus(t, 200))
	if len(folders) != 1 || folders[0]["displayName"] != "Suppliers" || folders[0]["parentFolderId"] != garth["parentFolderId"] {
		t.Fatalf("folders %v (Contacts folder %v)", folders, garth["parentFolderId"])
	}
	def := ts.Do(t, tok, "GET", "/v1.0/me/contactFolders/contacts", nil).WantStatus(t, 200)
	if def.JSON["displayName"] != "Contacts" || def.JSON["id"] != garth["parentFolderId"] {
		t.Fatalf("default folder %s", def.Raw)
	}
	inSup := sandboxtest.Values(t, ts.Do(t, tok, "GET", "/v1.0/me/contactFolders/"+folders[0]["id"].(string)+"/contacts", nil).WantStatus(t, 200))
	if len(inSup) != 1 || inSup[0]["displayName"] != "Nestor Wilke" {
		t.Fatalf("Suppliers %v", inSup)
	}
	// Bob's mailbox is seeded too, and an app reads it.
	bob := sandboxtest.Values(t, ts.Do(t, ts.AppToken(t), "GET", "/v1.0/users/"+demo.Bob+"/contacts", nil).WantStatus(t, 200))
	if len(bob) != 3 {
		t.Fatalf("Bob's contacts %v", bob)
	}
	ts.Do(t, ts.UserToken(t, demo.LimitedClientID, demo.User), "GET", "/v1.0/users/"+demo.Bob+"/contacts", nil).WantError(t, 403, "ErrorAccessDenied")
}

func TestContactCreateUpdateRules(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	r := ts.Do(t, tok, "POST", "/v1.0/me/contacts", map[string]any{
		"givenName": "Ann", "middleName": "B.", "surname": "Lee", "birthday": "1980-02-29",
		"emailAddresses": []any{map[string]any{"address": "ann@example.com", "name": "Ann Lee"}},
		"businessPhones": []any{"+1 555 0100"}, "homeAddress": map[string]any{"city": "Oslo"},
	}).WantStatus(t, 201)
	c := r.JSON
	id := c["id"].(string)
	if c["displayName"] != "Ann B. Lee" || c["birthday"] != "1980-02-29T00:00:00Z" || c["primaryEmailAddress"].(map[string]any)["address"] != "ann@example.com" ||
		c["homeAddress"].(map[string]any)["city"] != "Oslo" || c["personalNotes"] != "" || c["mobilePhone"] != nil {
		t.Fatalf("created %s", r.Raw)
	}
	// A changed name recomposes a composed display name; a given one stays.
	r = ts.Do(t, tok, "PATCH", "/v1.0/me/contacts/"+id, map[string]any{"surname": "Lewis", "middleName": nil}).WantStatus(t, 200)
	if r.JSON["displayName"] != "Ann Lewis" || r.JSON["changeKey"] == c["changeKey"] || r.JSON["businessPhones"].([]any)[0] != "+1 555 0100" {
		t.Fatalf("patched %s", r.Raw)
	}
	ts.Do(t, tok, "PATCH", "/v1.0/me/contacts/"+id, map[string]any{"displayName": "Annie"}).WantStatus(t, 200)
	r = ts.Do(t, tok, "PATCH", "/v1.0/me/contacts/"+id, map[string]any{"givenName": "Anne", "tertiaryEmailAddress": map[string]any{"address": "a3@example.com"}}).WantStatus(t, 200)
	if r.JSON["displayName"] != "Annie" || len(r.JSON["emailAddresses"].([]any)) != 3 || r.JSON["secondaryEmailAddress"].(map[string]any)["address"] != nil {
		t.Fatalf("patched %s", r.Raw)
	}
	for _, bad := range []struct {
		body map[string]any
		code string
		msg  string
	}{
		{map[string]any{"businessPhones": []any{"1", "2", "3"}}, "ErrorInvalidProperty", "BusinessPhones has 3 entries, that exceeds the max allowed value of 2"},
		{map[string]any{"emailAddresses": []any{map[string]any{}, map[string]any{}, map[string]any{}, map[string]any{}}}, "ErrorInvalidProperty", "exceeds the max allowed value of 3"},
		{map[string]any{"favouriteColour": "blue"}, "ErrorInvalidProperty", "favouriteColour"},
		{map[string]any{"changeKey": "x"}, "ErrorInvalidProperty", "changeKey"},
		{map[string]any{"birthday": "July"}, "BadRequest", "birthday"},
		{map[string]any{"homeAddress": map[string]any{"planet": "Mars"}}, "BadRequest", "planet"},
		{map[string]any{"givenName": 7}, "BadRequest", "givenName"},
	} {
		r := ts.Do(t, tok, "PATCH", "/v1.0/me/contacts/"+id, bad.body)
		r.WantError(t, 400, bad.code)
		if !strings.Contains(string(r.Raw), bad.msg) {
			t.Errorf("%v: %s", bad.body, r.Raw)
		}
	}
	after := ts.Do(t, tok, "GET", "/v1.0/me/contacts/"+id, nil).WantStatus(t, 200)
	if after.JSON["givenName"] != "Anne" || len(after.JSON["businessPhones"].([]any)) != 1 {
		t.Fatalf("a refused PATCH changed the contact: %s", after.Raw)
	}
	ts.Do(t, tok, "DELETE", "/v1.0/me/contacts/"+id, nil).WantStatus(t, 204)
	ts.Do(t, tok, "GET", "/v1.0/me/contacts/"+id, nil).WantError(t, 404, "ErrorItemNotFound")
}

func TestContactFoldersMoveAndDelta(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	fam := ts.Do(t, tok, "POST", "/v1.0/me/contactFolders", map[string]any{"displayName": "Family"}).WantStatus(t, 201).JSON
	ts.Do(t, tok, "POST", "/v1.0/me/contactFolders", map[string]any{"displayName": "family"}).WantError(t, 409, "ErrorFolderExists")
	famID := fam["id"].(string)
	kids := ts.Do(t, tok, "POST", "/v1.0/me/contactFolders/"+famID+"/childFolders", map[string]any{"displayName": "Cousins"}).WantStatus(t, 201).JSON
	kidsID := kids["id"].(string)
	if kids["parentFolderId"] != famID {
		t.Fatalf("child %v", kids)
	}
	// A folder addressed below its parent; contacts created there.
	nested := "/v1.0/me/contactFolders/" + famID + "/childFolders/" + kidsID
	ts.Do(t, tok, "GET", nested, nil).WantStatus(t, 200)
	ts.Do(t, tok, "GET", "/v1.0/me/contactFolders/contacts/childFolders/"+kidsID, nil).WantError(t, 404, "ErrorItemNotFound")
	cousin := ts.Do(t, tok, "POST", nested+"/contacts", map[string]any{"givenName": "Cid"}).WantStatus(t, 201).JSON
	if cousin["parentFolderId"] != kidsID {
		t.Fatalf("cousin %v", cousin)
	}

	// Delta of Family, then a contact moves in from Contacts and one out.
	first := ts.Do(t, tok, "GET", "/v1.0/me/contactFolders/"+famID+"/contacts/delta", nil).WantStatus(t, 200)
	if len(sandboxtest.Values(t, first)) != 0 {
		t.Fatalf("first round %s", first.Raw)
	}
	link := first.JSON["@odata.deltaLink"].(string)
	seeded := sandboxtest.Values(t, ts.Do(t, tok, "GET", "/v1.0/me/contacts?$filter=surname eq 'Bowen'", nil).WantStatus(t, 200))[0]
	moved := ts.Do(t, tok, "PATCH", "/v1.0/me/contacts/"+seeded["id"].(string), map[string]any{"parentFolderId": famID}).WantStatus(t, 200)
	if moved.JSON["parentFolderId"] != famID {
		t.Fatalf("moved %s", moved.Raw)
	}
	// As in Exchange, a move gives the contact a new REST id: the old one
	// no longer resolves.
	newID := moved.JSON["id"].(string)
	if newID == seeded["id"] {
		t.Fatalf("the id did not change with the move: %s", newID)
	}
	ts.Do(t, tok, "GET", "/v1.0/me/contacts/"+seeded["id"].(string), nil).WantError(t, 404, "ErrorItemNotFound")
	ts.Do(t, tok, "GET", "/v1.0/me/contactFolders/contacts/contacts/"+newID, nil).WantError(t, 404, "ErrorItemNotFound")
	ts.Do(t, tok, "GET", "/v1.0/me/contactFolders/"+famID+"/contacts/"+newID, nil).WantStatus(t, 200)
	ts.Do(t, tok, "PATCH", "/v1.0/me/contacts/"+newID, map[string]any{"parentFolderId": "nope"}).WantError(t, 404, "ErrorItemNotFound")
	// The default folder's delta (/me/contacts/delta, here in the function
	// call syntax some clients send) no longer has her.
	def := ts.Do(t, tok, "GET", "/v1.0/me/contacts/delta()", nil).WantStatus(t, 200)
	for _, c := range sandboxtest.Values(t, def) {
		if c["surname"] == "Bowen" {
			t.Fatalf("moved contact in the default folder's delta: %s", def.Raw)
		}
	}
	round := ts.Do(t, tok, "GET", link, nil).WantStatus(t, 200)
	if v := sandboxtest.Values(t, round); len(v) != 1 || v[0]["surname"] != "Bowen" {
		t.Fatalf("delta after the move in %s", round.Raw)
	}
	ts.Do(t, tok, "PATCH", "/v1.0/me/contacts/"+newID, map[string]any{"parentFolderId": "contacts"}).WantStatus(t, 200)
	round = ts.Do(t, tok, "GET", round.JSON["@odata.deltaLink"].(string), nil).WantStatus(t, 200)
	// It left with the REST id it had in Family, which a move ends: deleted.
	if v := sandboxtest.Values(t, round); len(v) != 1 || v[0]["@removed"].(map[string]any)["reason"] != "deleted" || v[0]["id"] != moved.JSON["id"] {
		t.Fatalf("delta after the move out %s", round.Raw)
	}

	// Folder moves and renames with Exchange's checks.
	ts.Do(t, tok, "PATCH", "/v1.0/me/contactFolders/"+famID, map[string]any{"parentFolderId": kidsID}).WantError(t, 400, "BadRequest")
	ts.Do(t, tok, "PATCH", "/v1.0/me/contactFolders/contacts", map[string]any{"displayName": "Mine"}).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, tok, "DELETE", "/v1.0/me/contactFolders/contacts", nil).WantError(t, 403, "ErrorDeleteDistinguishedFolder")
	r := ts.Do(t, tok, "PATCH", nested, map[string]any{"parentFolderId": "contacts", "displayName": "Cousins & co"}).WantStatus(t, 200)
	if r.JSON["parentFolderId"] == famID || r.JSON["displayName"] != "Cousins & co" {
		t.Fatalf("moved folder %s", r.Raw)
	}
	top := sandboxtest.Values(t, ts.Do(t, tok, "GET", "/v1.0/me/contactFolders?$orderby=displayName", nil).WantStatus(t, 200))
	var names []string
	for _, f := range top {
		names = append(names, f["displayName"].(string))
	}
	if !slices.Equal(names, []string{"Cousins & co", "Family", "Suppliers"}) {
		t.Fatalf("top folders %v", names)
	}

	// Folder delta sees the new folders; deleting one removes its contacts.
	fd := ts.Do(t, tok, "GET", "/v1.0/me/contactFolders/delta()", nil).WantStatus(t, 200)
	if n := len(sandboxtest.Values(t, fd)); n != 4 {
		t.Fatalf("folder delta has %d folders, want Contacts, Suppliers, Family, Cousins: %s", n, fd.Raw)
	}
	ts.Do(t, tok, "DELETE", "/v1.0/me/contactFolders/"+kidsID, nil).WantStatus(t, 204)
	ts.Do(t, tok, "GET", "/v1.0/me/contacts/"+cousin["id"].(string), nil).WantError(t, 404, "ErrorItemNotFound")
	fd = ts.Do(t, tok, "GET", fd.JSON["@odata.deltaLink"].(string), nil).WantStatus(t, 200)
	if v := sandboxtest.Values(t, fd); len(v) != 1 || v[0]["id"] != kidsID || v[0]["@removed"] == nil {
		t.Fatalf("folder delta after delete %s", fd.Raw)
	}
}

func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: uint8(x), G: uint8(y), B: 99, A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestContactPhoto(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	id := ts.Do(t, tok, "POST", "/v1.0/me/contacts", map[string]any{"givenName": "Pic"}).WantStatus(t, 201).JSON["id"].(string)
	ts.Do(t, tok, "GET", "/v1.0/me/contacts/"+id+"/photo", nil).WantError(t, 404, "ImageNotFound")
	ts.Do(t, tok, "PUT", "/v1.0/me/contacts/"+id+"/photo/$value", "not an image", "Content-Type", "text/plain").WantError(t, 415, "UnsupportedMediaType")
	ts.Do(t, tok, "PUT", "/v1.0/me/contacts/"+id+"/photo/$value", "not an image", "Content-Type", "image/jpeg").WantError(t, 400, "ErrorInvalidImage")
	ts.Do(t, tok, "PUT", "/v1.0/me/contacts/"+id+"/photo/$value", "not an image", "Content-Type", "application/octet-stream").WantError(t, 400, "ErrorInvalidImage")
	img := testPNG(t, 200, 150)
	// msgraph-sdk-go's Photo().Content().Put sends application/octet-stream:
	// the bytes say it is a PNG.
	ts.Do(t, tok, "PUT", "/v1.0/me/contacts/"+id+"/photo/$value", img, "Content-Type", "application/octet-stream").WantStatus(t, 200)
	if r := ts.Do(t, tok, "GET", "/v1.0/me/contacts/"+id+"/photo/$value", nil).WantStatus(t, 200); r.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("an octet-stream PNG is served as %q", r.Header.Get("Content-Type"))
	}
	ts.Do(t, tok, "PUT", "/v1.0/me/contacts/"+id+"/photo/$value", img, "Content-Type", "image/png").WantStatus(t, 200)
	meta := ts.Do(t, tok, "GET", "/v1.0/me/contacts/"+id+"/photo", nil).WantStatus(t, 200)
	if meta.JSON["width"] != float64(200) || meta.JSON["height"] != float64(150) || meta.JSON["@odata.mediaContentType"] != "image/png" || meta.JSON["id"] != "200X150" {
		t.Fatalf("photo %s", meta.Raw)
	}
	val := ts.Do(t, tok, "GET", "/v1.0/me/contacts/"+id+"/photo/$value", nil).WantStatus(t, 200)
	if !bytes.Equal(val.Raw, img) || val.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("photo bytes differ (%d vs %d), %s", len(val.Raw), len(img), val.Header.Get("Content-Type"))
	}
	// JPEG works too (PATCH, as python-o365 sends it), through a folder path.
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, image.NewGray(image.Rect(0, 0, 64, 64)), nil); err != nil {
		t.Fatal(err)
	}
	ts.Do(t, tok, "PATCH", "/v1.0/me/contactFolders/contacts/contacts/"+id+"/photo/$value", jb.Bytes(), "Content-Type", "image/jpeg").WantStatus(t, 200)
	meta = ts.Do(t, tok, "GET", "/v1.0/me/contacts/"+id+"/photo", nil).WantStatus(t, 200)
	if meta.JSON["@odata.mediaContentType"] != "image/jpeg" || meta.JSON["width"] != float64(64) {
		t.Fatalf("photo %s", meta.Raw)
	}
	// The seeded first sample has a photo.
	pavel := sandboxtest.Values(t, ts.Do(t, tok, "GET", "/v1.0/me/contacts?$filter=surname eq 'Bansky'", nil).WantStatus(t, 200))[0]
	ts.Do(t, tok, "GET", "/v1.0/me/contacts/"+pavel["id"].(string)+"/photo/$value", nil).WantStatus(t, 200)
}

func TestContactsOutlookDialect(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok, graph := ts.AliceOutlookToken(t), ts.AliceToken(t)
	r := ts.Do(t, tok, "POST", "/api/v2.0/me/contacts", map[string]any{
		"GivenName": "Olga", "MobilePhone1": "+47 555 01234",
		"EmailAddresses": []any{map[string]any{"Address": "olga@example.no", "Name": "Olga"}},
	}).WantStatus(t, 201)
	if r.JSON["MobilePhone1"] != "+47 555 01234" || r.JSON["DisplayName"] != "Olga" || r.JSON["Id"] == nil {
		t.Fatalf("Outlook answer %s", r.Raw)
	}
	if _, camel := r.JSON["MobilePhone"]; camel {
		t.Fatalf("MobilePhone in the Outlook dialect: %s", r.Raw)
	}
	g := ts.Do(t, graph, "GET", "/v1.0/me/contacts/"+r.JSON["Id"].(string), nil).WantStatus(t, 200)
	if g.JSON["mobilePhone"] != "+47 555 01234" || g.JSON["emailAddresses"].([]any)[0].(map[string]any)["address"] != "olga@example.no" {
		t.Fatalf("Graph view %s", g.Raw)
	}
	list := ts.Do(t, tok, "GET", "/api/v2.0/me/ContactFolders('Contacts')/Contacts?$select=DisplayName,MobilePhone1&$top=50", nil).WantStatus(t, 200)
	found := false
	for _, c := range sandboxtest.Values(t, list) {
		if c["DisplayName"] == "Olga" {
			found = c["MobilePhone1"] == "+47 555 01234"
		}
	}
	if !found {
		t.Fatalf("Outlook list %s", list.Raw)
	}
}

func TestContactExtendedPropertiesAndBatch(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	prop := "String {00020329-0000-0000-C000-000000000046} Name o365go.clientId"
	ts.Do(t, tok, "POST", "/v1.0/me/contacts", map[string]any{
		"givenName": "Ext", "singleValueExtendedProperties": []any{map[string]any{"id": prop, "value": "abc123"}},
	}).WantStatus(t, 201)
	filter := "singleValueExtendedProperties/any(ep: ep/id eq '" + prop + "' and ep/value eq 'abc123')"
	r := ts.Do(t, tok, "GET", "/v1.0/me/contacts?$filter="+url.QueryEscape(filter)+"&$expand="+url.QueryEscape("singleValueExtendedProperties($filter=id eq '"+prop+"')"), nil).WantStatus(t, 200)
	v := sandboxtest.Values(t, r)
	if len(v) != 1 || v[0]["givenName"] != "Ext" || len(v[0]["singleValueExtendedProperties"].([]any)) != 1 {
		t.Fatalf("found by client id: %s", r.Raw)
	}
	b := ts.Do(t, tok, "POST", "/v1.0/$batch", map[string]any{"requests": []any{
		map[string]any{"id": "1", "method": "POST", "url": "/me/contacts", "headers": map[string]any{"Content-Type": "application/json"}, "body": map[string]any{"givenName": "B1"}},
		map[string]any{"id": "2", "method": "GET", "url": "/me/contactFolders"},
	}}).WantStatus(t, 200)
	for _, item := range b.JSON["responses"].([]any) {
		m := item.(map[string]any)
		if want := map[string]float64{"1": 201, "2": 200}[m["id"].(string)]; m["status"] != want {
			t.Fatalf("batch item %v", m)
		}
	}
}
