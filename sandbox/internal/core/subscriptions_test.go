package core_test

import (
	"testing"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
	"github.com/o365go/o365/sandbox/internal/testarea"
)

func TestSubscriptions(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	tok := ts.AliceToken(t)
	rc := sandboxtest.NewReceiver(t, true)
	exp := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	body := map[string]any{"changeType": "created,updated", "notificationUrl": rc.URL + "/hook",
		"resource": "me/testItems", "expirationDateTime": exp, "clientState": "s3cret"}
	r := ts.Do(t, tok, "POST", "/v1.0/subscriptions", body).WantStatus(t, 201)
	subID := r.JSON["id"].(string)
	if r.JSON["resource"] != "me/testItems" || r.JSON["applicationId"] != demo.PublicClientID || r.JSON["clientState"] != "s3cret" {
		t.Fatalf("subscription %s", r.Raw)
	}
	item := ts.Do(t, tok, "POST", "/v1.0/me/testItems", map[string]any{"subject": "hi"}).WantStatus(t, 201)
	select {
	case n := <-rc.Got:
		v := n["value"].([]any)[0].(map[string]any)
		id := item.JSON["id"].(string)
		want := map[string]any{
			"subscriptionId": subID, "subscriptionExpirationDateTime": r.JSON["expirationDateTime"], "clientState": "s3cret",
			"changeType": "created", "tenantId": demo.TenantID, "resource": "Users/" + demo.UserID + "/TestItems/" + id,
			"resourceData": map[string]any{"@odata.type": "#Microsoft.Graph.TestItem", "@odata.id": "Users/" + demo.UserID + "/TestItems/" + id, "id": id},
		}
		if len(v) != len(want) {
			t.Fatalf("notification %v", v)
		}
		for k, w := range want {
			if k != "resourceData" && v[k] != w {
				t.Fatalf("notification %s = %v, want %v", k, v[k], w)
			}
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no notification")
	}
	// Renew, read, list, delete.
	later := time.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339)
	r = ts.Do(t, tok, "PATCH", "/v1.0/subscriptions/"+subID, map[string]any{"expirationDateTime": later}).WantStatus(t, 200)
	if got, _ := time.Parse(time.RFC3339Nano, r.JSON["expirationDateTime"].(string)); got.Format(time.RFC3339) != later {
		t.Fatalf("renewed to %v, want %s", r.JSON["expirationDateTime"], later)
	}
	ts.Do(t, tok, "PATCH", "/v1.0/subscriptions/"+subID, map[string]any{"expirationDateTime": time.Now().Add(100 * 24 * time.Hour).Format(time.RFC3339)}).WantError(t, 400, "invalidRequest")
	ts.Do(t, tok, "GET", "/v1.0/subscriptions/"+subID, nil).WantStatus(t, 200)
	if n := len(ts.Do(t, tok, "GET", "/v1.0/subscriptions", nil).WantStatus(t, 200).JSON["value"].([]any)); n != 1 {
		t.Fatalf("%d subscriptions listed", n)
	}
	// Another app does not see it.
	ts.Do(t, ts.AppToken(t), "GET", "/v1.0/subscriptions/"+subID, nil).WantError(t, 404, "ResourceNotFound")
	ts.Do(t, tok, "DELETE", "/v1.0/subscriptions/"+subID, nil).WantStatus(t, 204)
	ts.Do(t, tok, "GET", "/v1.0/subscriptions/"+subID, nil).WantError(t, 404, "ResourceNotFound")
}

func TestSubscriptionRejections(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	tok := ts.AliceToken(t)
	good := sandboxtest.NewReceiver(t, true)
	bad := sandboxtest.NewReceiver(t, false)
	exp := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	sub := func(url, resource, ct, exp string) map[string]any {
		return map[string]any{"changeType": ct, "notificationUrl": url, "resource": resource, "expirationDateTime": exp}
	}
	cases := map[string]map[string]any{
		"not loopback":    sub("https://example.com/hook", "me/testItems", "created", exp),
		"bad echo":        sub(bad.URL, "me/testItems", "created", exp),
		"unknown change":  sub(good.URL, "me/testItems", "exploded", exp),
		"past":            sub(good.URL, "me/testItems", "created", "2020-01-01T00:00:00Z"),
		"too long":        sub(good.URL, "me/testItems", "created", time.Now().Add(4231*time.Minute).UTC().Format(time.RFC3339)),
		"unknown target":  sub(good.URL, "me/nothing", "created", exp),
		"not a time":      sub(good.URL, "me/testItems", "created", "tomorrow"),
		"unreachable url": sub("http://127.0.0.1:1/hook", "me/testItems", "created", exp),
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			ts.Do(t, tok, "POST", "/v1.0/subscriptions", body).WantError(t, 400, "invalidRequest")
		})
	}
	// Bob's items need Mail.Read.Shared: the limited app cannot subscribe.
	limited := ts.UserToken(t, demo.LimitedClientID, demo.User)
	ts.Do(t, limited, "POST", "/v1.0/subscriptions", sub(good.URL, "users/"+demo.Bob+"/testItems", "created", exp)).WantError(t, 403, "ErrorAccessDenied")
}

func TestSubscriptionReauthorize(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	tok := ts.AliceToken(t)
	rc := sandboxtest.NewReceiver(t, true)
	exp := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	// Carol shares her Inbox with Alice.
	inbox := core.Grant{Mailbox: demo.CarolID, Grantee: demo.UserID, Folder: "inbox", Role: "reviewer"}
	ts.Grant(t, inbox)
	r := ts.Do(t, tok, "POST", "/v1.0/subscriptions", map[string]any{"changeType": "created", "notificationUrl": rc.URL,
		"resource": "users/" + demo.Carol + "/mailFolders/inbox/messages", "expirationDateTime": exp}).WantStatus(t, 201)
	id := r.JSON["id"].(string)
	r = ts.Do(t, tok, "POST", "/v1.0/subscriptions/"+id+"/reauthorize", nil)
	if r.Status != 204 || len(r.Raw) != 0 {
		t.Fatalf("reauthorize: %d %s", r.Status, r.Raw)
	}
	ts.Do(t, tok, "POST", "/v1.0/subscriptions/"+id+"/microsoft.graph.reauthorize", nil).WantStatus(t, 204)
	// Carol takes her Inbox back: the subscription cannot be reauthorized.
	ts.Revoke(t, inbox)
	ts.Do(t, tok, "POST", "/v1.0/subscriptions/"+id+"/reauthorize", nil).WantError(t, 403, "ErrorAccessDenied")
	ts.Do(t, tok, "POST", "/v1.0/subscriptions/"+id+"/reauthorize", map[string]any{"extra": 1}).WantError(t, 400, "RequestBodyRead")
	ts.Do(t, ts.AppToken(t), "POST", "/v1.0/subscriptions/"+id+"/reauthorize", nil).WantError(t, 404, "ResourceNotFound")
	ts.Do(t, tok, "POST", "/v1.0/subscriptions/nope/reauthorize", nil).WantError(t, 404, "ResourceNotFound")
}
