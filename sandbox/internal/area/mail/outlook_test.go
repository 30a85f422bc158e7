package mail_test

import (
	"reflect"
	"testing"

	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

func TestMasterCategories(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	base := "/v1.0/me/outlook/masterCategories"
	r := ts.Do(t, tok, "GET", base, nil).WantStatus(t, 200)
	if r.JSON["@odata.context"] != ts.URL+"/v1.0/$metadata#users('"+demo.UserID+"')/outlook/masterCategories" {
		t.Errorf("context %v", r.JSON["@odata.context"])
	}
	var got [][2]any
	for _, c := range sandboxtest.Values(t, r) {
		got = append(got, [2]any{c["displayName"], c["color"]})
	}
	want := [][2]any{{"Red category", "preset0"}, {"Orange category", "preset1"}, {"Yellow category", "preset3"},
		{"Green category", "preset4"}, {"Blue category", "preset7"}, {"Purple category", "preset8"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("default categories %v", got)
	}
	c := ts.Do(t, tok, "POST", base, map[string]any{"displayName": "Project expenses", "color": "preset9"}).WantStatus(t, 201)
	id := c.JSON["id"].(string)
	if c.JSON["displayName"] != "Project expenses" || c.JSON["color"] != "preset9" {
		t.Fatalf("created %v", c.JSON)
	}
	ts.Do(t, tok, "POST", base, map[string]any{"displayName": "project EXPENSES"}).WantError(t, 409, "ErrorDuplicateCategory")
	ts.Do(t, tok, "POST", base, map[string]any{"displayName": "x", "color": "preset25"}).WantError(t, 400, "RequestBodyRead")
	ts.Do(t, tok, "POST", base, map[string]any{"color": "preset2"}).WantError(t, 400, "ErrorInvalidRequest")
	if r := ts.Do(t, tok, "PATCH", base+"/"+id, map[string]any{"color": "None"}).WantStatus(t, 200); r.JSON["color"] != "none" {
		t.Fatalf("patched %v", r.JSON)
	}
	ts.Do(t, tok, "PATCH", base+"/"+id, map[string]any{"displayName": "Renamed"}).WantError(t, 400, "ErrorInvalidRequest")
	if r := ts.Do(t, tok, "GET", base+"/"+id, nil).WantStatus(t, 200); r.JSON["displayName"] != "Project expenses" {
		t.Fatalf("get %v", r.JSON)
	}
	ts.Do(t, tok, "DELETE", base+"/"+id, nil).WantStatus(t, 204)
	ts.Do(t, tok, "GET", base+"/"+id, nil).WantError(t, 404, "ErrorItemNotFound")
	if n := len(sandboxtest.Values(t, ts.Do(t, tok, "GET", base, nil))); n != 6 {
		t.Fatalf("%d categories after delete", n)
	}
	out := ts.Do(t, ts.AliceOutlookToken(t), "GET", "/api/v2.0/me/Outlook/MasterCategories?$top=1", nil).WantStatus(t, 200)
	if v := sandboxtest.Values(t, out); v[0]["DisplayName"] != "Red category" || v[0]["Color"] != "preset0" {
		t.Fatalf("Outlook dialect %s", out.Raw)
	}
	// Outlook REST v2.0's own path: the mailbox's top level.
	otok := ts.AliceOutlookToken(t)
	c = ts.Do(t, otok, "POST", "/api/v2.0/me/MasterCategories", map[string]any{"DisplayName": "Travel", "Color": "preset5"}).WantStatus(t, 201)
	oid := c.JSON["Id"].(string)
	if c.JSON["DisplayName"] != "Travel" || c.JSON["Color"] != "preset5" {
		t.Fatalf("created at MasterCategories %v", c.JSON)
	}
	if n := len(sandboxtest.Values(t, ts.Do(t, otok, "GET", "/api/v2.0/me/MasterCategories", nil).WantStatus(t, 200))); n != 7 {
		t.Fatalf("%d categories at MasterCategories", n)
	}
	ts.Do(t, otok, "PATCH", "/api/v2.0/me/MasterCategories/"+oid, map[string]any{"Color": "preset6"}).WantStatus(t, 200)
	if r := ts.Do(t, tok, "GET", base+"/"+oid, nil).WantStatus(t, 200); r.JSON["color"] != "preset6" {
		t.Fatalf("the same list through Graph %v", r.JSON)
	}
	ts.Do(t, otok, "DELETE", "/api/v2.0/me/MasterCategories/"+oid, nil).WantStatus(t, 204)
	ts.Do(t, tok, "GET", "/v1.0/me/MasterCategories", nil).WantError(t, 400, "BadRequest")
}

func TestSupportedTimeZonesAndLanguages(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	r := ts.Do(t, tok, "GET", "/v1.0/me/outlook/supportedTimeZones", nil).WantStatus(t, 200)
	v := sandboxtest.Values(t, r)
	if r.JSON["@odata.context"] != ts.URL+"/v1.0/$metadata#Collection(microsoft.graph.timeZoneInformation)" ||
		!reflect.DeepEqual(v[0], map[string]any{"alias": "Dateline Standard Time", "displayName": "(UTC-12:00) International Date Line West"}) || len(v) < 130 {
		t.Fatalf("Windows zones: %d, first %v", len(v), v[0])
	}
	for _, p := range []string{
		"supportedTimeZones(TimeZoneStandard=microsoft.graph.timeZoneStandard'Iana')",
		"supportedTimeZones(TimeZoneStandard='Iana')",
		"microsoft.graph.supportedTimeZones(TimeZoneStandard=microsoft.graph.timeZoneStandard'Iana')",
	} {
		r = ts.Do(t, tok, "GET", "/v1.0/me/outlook/"+p, nil).WantStatus(t, 200)
		if v := sandboxtest.Values(t, r); !reflect.DeepEqual(v[0], map[string]any{"alias": "Etc/GMT+12", "displayName": "Etc/GMT+12"}) {
			t.Fatalf("%s: IANA zones start with %v", p, v[0])
		}
	}
	r = ts.Do(t, tok, "GET", "/v1.0/me/outlook/supportedTimeZones(TimeZoneStandard=microsoft.graph.timeZoneStandard'Windows')", nil).WantStatus(t, 200)
	if sandboxtest.Values(t, r)[0]["alias"] != "Dateline Standard Time" {
		t.Fatalf("explicit Windows: %s", r.Raw)
	}
	ts.Do(t, tok, "GET", "/v1.0/me/outlook/supportedTimeZones(TimeZoneStandard='Unix')", nil).WantError(t, 400, "BadRequest")
	r = ts.Do(t, tok, "GET", "/v1.0/me/outlook/supportedLanguages", nil).WantStatus(t, 200)
	found := false
	for _, l := range sandboxtest.Values(t, r) {
		found = found || reflect.DeepEqual(l, map[string]any{"locale": "en-US", "displayName": "English (United States)"})
	}
	if !found || r.JSON["@odata.context"] != ts.URL+"/v1.0/$metadata#Collection(microsoft.graph.localeInfo)" {
		t.Fatalf("languages %s", r.Raw)
	}
	// Any user's, with User.ReadBasic.All.
	ts.Do(t, tok, "GET", "/v1.0/users/"+demo.Carol+"/outlook/supportedLanguages", nil).WantStatus(t, 200)
}

func TestMailboxSettingPaths(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	tok := ts.AliceToken(t)
	ts.Do(t, tok, "PATCH", "/v1.0/me/mailboxSettings", map[string]any{"timeZone": "Pacific Standard Time",
		"automaticRepliesSetting": map[string]any{"status": "alwaysEnabled", "internalReplyMessage": "Away"}}).WantStatus(t, 200)
	r := ts.Do(t, tok, "GET", "/v1.0/me/mailboxSettings/automaticRepliesSetting", nil).WantStatus(t, 200)
	if r.JSON["status"] != "alwaysEnabled" || r.JSON["internalReplyMessage"] != "Away" ||
		r.JSON["@odata.context"] != ts.URL+"/v1.0/$metadata#users('"+demo.UserID+"')/mailboxSettings/automaticRepliesSetting" {
		t.Fatalf("automaticRepliesSetting %s", r.Raw)
	}
	r = ts.Do(t, tok, "GET", "/v1.0/me/mailboxSettings/workingHours", nil).WantStatus(t, 200)
	if r.JSON["startTime"] != "08:00:00.0000000" {
		t.Fatalf("workingHours %s", r.Raw)
	}
	r = ts.Do(t, tok, "GET", "/v1.0/me/mailboxSettings/TimeZone", nil).WantStatus(t, 200)
	if r.JSON["value"] != "Pacific Standard Time" || r.JSON["@odata.context"] != ts.URL+"/v1.0/$metadata#users('"+demo.UserID+"')/mailboxSettings/timeZone" {
		t.Fatalf("timeZone %s", r.Raw)
	}
	ts.Do(t, tok, "PATCH", "/v1.0/me/mailboxSettings/workingHours", map[string]any{"startTime": "09:00:00"}).WantStatus(t, 405)
	ts.Do(t, tok, "GET", "/v1.0/me/mailboxSettings/favouriteColour", nil).WantError(t, 400, "BadRequest")
}

func TestInferenceClassificationOverrides(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	bob := ts.UserToken(t, demo.PublicClientID, demo.Bob)
	base := "/v1.0/me/inferenceClassification/overrides"
	r := ts.Do(t, bob, "POST", base, map[string]any{"classifyAs": "other", "senderEmailAddress": map[string]any{"name": "Alice", "address": "Alice@contoso.onmicrosoft.com"}}).WantStatus(t, 201)
	id := r.JSON["id"].(string)
	// The same sender again updates that override.
	r = ts.Do(t, bob, "POST", base, map[string]any{"classifyAs": "other", "senderEmailAddress": map[string]any{"name": "Alice A.", "address": demo.User}}).WantStatus(t, 201)
	if r.JSON["id"] != id || r.JSON["senderEmailAddress"].(map[string]any)["name"] != "Alice A." {
		t.Fatalf("second override %v", r.JSON)
	}
	if n := len(sandboxtest.Values(t, ts.Do(t, bob, "GET", base, nil).WantStatus(t, 200))); n != 1 {
		t.Fatalf("%d overrides", n)
	}
	ts.Do(t, bob, "POST", base, map[string]any{"classifyAs": "sideways", "senderEmailAddress": map[string]any{"address": demo.Carol}}).WantError(t, 400, "RequestBodyRead")
	ts.Do(t, bob, "POST", base, map[string]any{"classifyAs": "focused", "senderEmailAddress": map[string]any{"address": "nope"}}).WantError(t, 400, "ErrorInvalidRequest")
	// Delivered mail follows the override.
	send := func(tok, subject string) {
		ts.Do(t, tok, "POST", "/v1.0/me/sendMail", map[string]any{"message": map[string]any{"subject": subject,
			"toRecipients": []any{mailRecipient(demo.Bob)}}}).WantStatus(t, 202)
	}
	send(ts.AliceToken(t), "from alice")
	send(ts.UserToken(t, demo.PublicClientID, demo.Carol), "from carol")
	if m := findBySubject(t, ts, bob, "inbox", "from alice"); m[0]["inferenceClassification"] != "other" {
		t.Fatalf("override not applied: %v", m[0]["inferenceClassification"])
	}
	if m := findBySubject(t, ts, bob, "inbox", "from carol"); m[0]["inferenceClassification"] != "focused" {
		t.Fatalf("no override: %v", m[0]["inferenceClassification"])
	}
	ts.Do(t, bob, "PATCH", base+"/"+id, map[string]any{"classifyAs": "focused"}).WantStatus(t, 200)
	ts.Do(t, bob, "PATCH", base+"/"+id, map[string]any{"senderEmailAddress": map[string]any{"address": demo.Dan}}).WantError(t, 400, "ErrorInvalidRequest")
	send(ts.AliceToken(t), "again from alice")
	if m := findBySubject(t, ts, bob, "inbox", "again from alice"); m[0]["inferenceClassification"] != "focused" {
		t.Fatalf("patched override not applied: %v", m[0]["inferenceClassification"])
	}
	ts.Do(t, bob, "DELETE", base+"/"+id, nil).WantStatus(t, 204)
	ts.Do(t, bob, "DELETE", base+"/"+id, nil).WantError(t, 404, "ErrorItemNotFound")
	// Another user's overrides are the mailbox's configuration: full access.
	ts.Do(t, ts.AliceToken(t), "GET", "/v1.0/users/"+demo.Dan+"/inferenceClassification/overrides", nil).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, ts.AliceToken(t), "GET", "/v1.0/users/"+demo.Shared+"/inferenceClassification/overrides", nil).WantStatus(t, 200)
}
