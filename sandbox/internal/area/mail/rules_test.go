package mail_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/o365go/o365/internal/csdl"
	"github.com/o365go/o365/sandbox/internal/area/mail"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

// TestActionsMatchSchema checks every action the area serves against Graph's
// schema: same parameters, spelled and typed as Graph declares them.
func TestActionsMatchSchema(t *testing.T) {
	schema := csdl.MustLoad()
	for _, ba := range mail.Actions {
		ops := schema.Operations(ba.Binding, ba.Action.Name)
		if len(ops) != 1 {
			t.Errorf("%s.%s: %d schema operations", ba.Binding, ba.Action.Name, len(ops))
			continue
		}
		var want, got []string
		for _, p := range ops[0].Parameters {
			want = append(want, p.Name+" "+p.Type)
		}
		for _, p := range ba.Action.Params {
			got = append(got, p.Name+" "+p.Type)
			if st := schema.Type(strings.TrimSuffix(strings.TrimPrefix(p.Type, "Collection("), ")")); st != nil && (st.Kind == csdl.Enum) != p.Enum {
				t.Errorf("%s.%s: parameter %s: Enum is %v", ba.Binding, ba.Action.Name, p.Name, p.Enum)
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s.%s: parameters %q, schema %q", ba.Binding, ba.Action.Name, got, want)
		}
	}
}

// TestActionParametersAsGraphReadsThem sends the bodies Graph's OData reader
// accepts (any case, strings for primitives) and refuses.
func TestActionParametersAsGraphReadsThem(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	bob := ts.UserToken(t, demo.PublicClientID, demo.Bob)
	// The documented sendMail body with saveToSentItems as a string.
	ts.Do(t, alice, "POST", "/v1.0/me/sendMail", `{"message":{"subject":"str bool","toRecipients":[{"emailAddress":{"address":"`+demo.Bob+`"}}]},"saveToSentItems":"false"}`).WantStatus(t, 202)
	if n := len(findBySubject(t, ts, alice, "sentitems", "str bool")); n != 0 {
		t.Fatalf(`saveToSentItems "false" kept %d copies`, n)
	}
	got := findBySubject(t, ts, bob, "inbox", "str bool")
	if len(got) != 1 {
		t.Fatalf("Bob got %d", len(got))
	}
	// PascalCase everywhere on /v1.0, as Graph's schema spells the parameters.
	ts.Do(t, alice, "POST", "/v1.0/me/sendMail", `{"Message":{"Subject":"pascal","ToRecipients":[{"EmailAddress":{"Address":"`+demo.Bob+`"}}]},"SaveToSentItems":true}`).WantStatus(t, 202)
	if n := len(findBySubject(t, ts, bob, "inbox", "pascal")); n != 1 {
		t.Fatalf("PascalCase sendMail delivered %d", n)
	}
	id := got[0]["id"].(string)
	// move with DestinationId.
	r := ts.Do(t, bob, "POST", "/v1.0/me/messages/"+id+"/move", `{"DestinationId":"archive"}`).WantStatus(t, 201)
	moved := r.JSON["id"].(string)
	if r.JSON["parentFolderId"] == got[0]["parentFolderId"] {
		t.Fatalf("not moved: %s", r.Raw)
	}
	// createReply with Comment; forward with Comment and ToRecipients.
	r = ts.Do(t, bob, "POST", "/v1.0/me/messages/"+moved+"/createReply", `{"Comment":"noted, thanks"}`).WantStatus(t, 201)
	if body := r.JSON["body"].(map[string]any)["content"].(string); !strings.Contains(body, "noted, thanks") {
		t.Fatalf("Comment dropped: %s", body)
	}
	ts.Do(t, bob, "POST", "/v1.0/me/messages/"+moved+"/forward",
		`{"Comment":"FYI","ToRecipients":[{"EmailAddress":{"Address":"`+demo.Carol+`","Name":"Carol"}}]}`).WantStatus(t, 202)
	carol := ts.UserToken(t, demo.PublicClientID, demo.Carol)
	fw := findBySubject(t, ts, carol, "inbox", "FW: str bool")
	if len(fw) != 1 || !strings.Contains(fw[0]["body"].(map[string]any)["content"].(string), "FYI") {
		t.Fatalf("forward with PascalCase parameters: %v", fw)
	}
	// What the reader refuses, before anything is stored or sent.
	for _, c := range []struct{ path, body, msg string }{
		{"/v1.0/me/sendMail", `{"message":{"subject":"x","toRecipients":[{"emailAddress":{"address":"` + demo.Bob + `"}}]},"saveToSentItems":"no"}`,
			"Cannot convert a primitive value to the expected type 'Edm.Boolean'. See the inner exception for more details."},
		{"/v1.0/me/sendMail", `{"message":{"subject":"x","toRecipients":[{"emailAddress":{"address":"` + demo.Bob + `"}}]},"saveToSent":false}`,
			"The parameter 'saveToSent' in the request payload is not a valid parameter for the operation 'sendMail'."},
		{"/v1.0/me/messages/" + moved + "/move", `{"destination":"inbox"}`,
			"The parameter 'destination' in the request payload is not a valid parameter for the operation 'move'."},
		{"/v1.0/me/messages/" + moved + "/forward", `{"toRecipients":{"emailAddress":{"address":"` + demo.Carol + `"}}}`, ""},
		{"/v1.0/me/messages/" + moved + "/createReply", `null`, ""},
		{"/v1.0/me/messages/" + moved + "/send", `{"message":{}}`,
			"The parameter 'message' in the request payload is not a valid parameter for the operation 'send'."},
	} {
		r := ts.Do(t, bob, "POST", c.path, c.body)
		r.WantError(t, 400, "RequestBodyRead")
		if msg := r.JSON["error"].(map[string]any)["message"]; c.msg != "" && msg != c.msg {
			t.Errorf("%s %s: %q, want %q", c.path, c.body, msg, c.msg)
		}
	}
	if n := len(findBySubject(t, ts, bob, "inbox", "x")); n != 0 {
		t.Fatalf("refused sendMail delivered %d", n)
	}
	// A JSON null body creates nothing.
	ts.Do(t, alice, "POST", "/v1.0/me/messages", "null").WantError(t, 400, "RequestBodyRead")
	ts.Do(t, alice, "POST", "/v1.0/me/messages", "hello", "Content-Type", "text/plain").WantError(t, 415, "RequestBodyRead")
	r = ts.Do(t, alice, "GET", "/v1.0/me/mailFolders/drafts/messages?$count=true&$top=1", nil).WantStatus(t, 200)
	if r.JSON["@odata.count"] != float64(0) {
		t.Fatalf("refused bodies created drafts: %s", r.Raw)
	}
}
