package msgraphsdk

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	jsonserialization "github.com/microsoft/kiota-serialization-json-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/o365go/o365/sandbox"
)

// receiver is a webhook endpoint as an SDK program writes one: it echoes
// the validation token and decodes notifications with the SDK's models.
type receiver struct {
	*httptest.Server
	got chan models.ChangeNotificationable
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{got: make(chan models.ChangeNotificationable, 32)}
	rc.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := r.URL.Query().Get("validationToken"); tok != "" {
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, tok)
			return
		}
		body, _ := io.ReadAll(r.Body)
		node, err := jsonserialization.NewJsonParseNode(body)
		if err != nil {
			t.Errorf("notification is not JSON: %v: %s", err, body)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		v, err := node.GetObjectValue(models.CreateChangeNotificationCollectionResponseFromDiscriminatorValue)
		if err != nil {
			t.Errorf("notification does not decode: %v: %s", err, body)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		for _, n := range v.(models.ChangeNotificationCollectionResponseable).GetValue() {
			rc.got <- n
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) next(t *testing.T) models.ChangeNotificationable {
	t.Helper()
	select {
	case n := <-rc.got:
		return n
	case <-time.After(5 * time.Second):
		t.Fatalf("no notification")
		return nil
	}
}

// TestSubscriptions creates, renews, reauthorizes and deletes
// subscriptions with the SDK, and decodes what the sandbox notifies.
func TestSubscriptions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, c := range []struct {
		mode     string
		mb       mailbox
		resource string
	}{
		{"delegated", e.mailboxes()[0], "me/mailFolders('Inbox')/messages"},
		{"app-only", e.mailboxes()[1], "users/" + sandbox.DemoBobID + "/messages"},
	} {
		t.Run(c.mode, func(t *testing.T) {
			rc := newReceiver(t)
			sub := models.NewSubscription()
			sub.SetChangeType(ptr("created,updated"))
			sub.SetNotificationUrl(ptr(rc.URL + "/hook"))
			sub.SetResource(ptr(c.resource))
			sub.SetExpirationDateTime(ptr(time.Now().Add(time.Hour).UTC()))
			sub.SetClientState(ptr("secret-" + c.mode))
			created, err := c.mb.client.Subscriptions().Post(ctx, sub, nil)
			must(t, "create subscription", err)
			id := deref(created.GetId())
			if id == "" || deref(created.GetResource()) != c.resource || deref(created.GetApplicationId()) == "" {
				t.Fatalf("subscription: id %q resource %q app %q", id, deref(created.GetResource()), deref(created.GetApplicationId()))
			}

			subject := "notify " + c.mode
			req := users.NewItemSendMailPostRequestBody()
			req.SetMessage(newMessage(subject, "hi", c.mb.mail))
			must(t, "sendMail", c.mb.user.SendMail().Post(ctx, req, nil))
			arrived := waitForMessage(t, ctx, c.mb, "inbox", subject)
			var n models.ChangeNotificationable
			for n == nil || deref(n.GetChangeType()) != models.CREATED_CHANGETYPE || n.GetResourceData() == nil ||
				!strings.HasSuffix(deref(n.GetResource()), deref(arrived.GetId())) {
				n = rc.next(t)
			}
			if deref(n.GetSubscriptionId()).String() != id || deref(n.GetClientState()) != "secret-"+c.mode || deref(n.GetTenantId()).String() != sandbox.DemoTenantID {
				t.Fatalf("notification: subscription %v clientState %q tenant %v", n.GetSubscriptionId(), deref(n.GetClientState()), n.GetTenantId())
			}
			rd := n.GetResourceData()
			if deref(rd.GetOdataType()) != "#Microsoft.Graph.Message" || rd.GetAdditionalData()["id"] == nil || rd.GetAdditionalData()["@odata.id"] == nil {
				t.Fatalf("resourceData: @odata.type %q, more %v", deref(rd.GetOdataType()), rd.GetAdditionalData())
			}

			// Renew, reauthorize, list, delete.
			renew := models.NewSubscription()
			later := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
			renew.SetExpirationDateTime(&later)
			renewed, err := c.mb.client.Subscriptions().BySubscriptionId(id).Patch(ctx, renew, nil)
			must(t, "renew", err)
			if !deref(renewed.GetExpirationDateTime()).Equal(later) {
				t.Fatalf("renewed to %v, asked %v", renewed.GetExpirationDateTime(), later)
			}
			must(t, "reauthorize", c.mb.client.Subscriptions().BySubscriptionId(id).Reauthorize().Post(ctx, nil))
			list, err := c.mb.client.Subscriptions().Get(ctx, nil)
			must(t, "list subscriptions", err)
			found := false
			for _, s := range list.GetValue() {
				found = found || deref(s.GetId()) == id
			}
			if !found {
				t.Fatalf("subscription %s not listed", id)
			}
			must(t, "delete subscription", c.mb.client.Subscriptions().BySubscriptionId(id).Delete(ctx, nil))
			_, err = c.mb.client.Subscriptions().BySubscriptionId(id).Get(ctx, nil)
			wantODataError(t, "get deleted subscription", err, 404, "ResourceNotFound")
		})
	}
}
