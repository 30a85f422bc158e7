package msgraphsdk

import (
	"context"
	"strings"
	"testing"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	khttp "github.com/microsoft/kiota-http-go"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/o365go/o365/sandbox"
)

// TestMiddleware checks what the SDK's default pipeline does on the wire
// against the sandbox: gzip both ways, its headers, the headers inspection
// option, and the retry handler under throttling.
func TestMiddleware(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	// Request bodies go gzip-compressed, answers come back compressed and
	// the SDK reads them; the request and client ids are Graph's.
	inspect := khttp.NewHeadersInspectionOptions()
	inspect.InspectResponseHeaders = true
	inspect.InspectRequestHeaders = true
	draft, err := e.alice.Me().Messages().Post(ctx, newMessage("compressed", strings.Repeat("long body ", 500), sandbox.DemoBob),
		&users.ItemMessagesRequestBuilderPostRequestConfiguration{Options: []abstractions.RequestOption{inspect}})
	must(t, "create draft", err)
	if deref(draft.GetSubject()) != "compressed" {
		t.Fatalf("draft subject %q", deref(draft.GetSubject()))
	}
	x, _ := e.wire.last("/v1.0/me/messages")
	if x.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("the SDK did not compress the body: %v", x.header)
	}
	resp := inspect.GetResponseHeaders()
	if len(resp.Get("request-id")) == 0 || len(resp.Get("client-request-id")) == 0 {
		t.Fatalf("answer lacks request-id or client-request-id: %v", resp.ListKeys())
	}
	if sent := inspect.GetRequestHeaders().Get("client-request-id"); len(sent) > 0 && resp.Get("client-request-id")[0] != sent[0] {
		t.Fatalf("client-request-id %v not echoed (sent %v)", resp.Get("client-request-id"), sent)
	}
	if ua := x.header.Get("User-Agent"); !strings.Contains(ua, "kiota-go") {
		t.Fatalf("User-Agent %q", ua)
	}

	// Throttling: the retry handler honours Retry-After and every call
	// ends well. Only reads: a retried write can go out with its gzip
	// header and an uncompressed body when the pipeline (ordered by map
	// iteration) puts the retry handler before the compression handler,
	// kiota-http-go#183; the sandbox then answers 400, as Graph does.
	if err := e.srv.SetFaults("429=20%,503=5%,retry-after=1,seed=11"); err != nil {
		t.Fatal(err)
	}
	defer e.srv.SetFaults("")
	for i := range 12 {
		_, err := e.alice.Me().MailFolders().ByMailFolderId("inbox").Get(ctx, nil)
		must(t, "GET under faults", err)
		_, err = e.app.Users().ByUserId(sandbox.DemoCarol).Messages().Get(ctx, &users.ItemMessagesRequestBuilderGetRequestConfiguration{
			QueryParameters: &users.ItemMessagesRequestBuilderGetQueryParameters{Top: ptr(int32(i + 1))}})
		must(t, "list under faults", err)
	}
	e.srv.SetFaults("")
	injected := e.srv.FaultsInjected()
	if injected["429"]+injected["503"] == 0 {
		t.Fatalf("no fault was injected: %v", injected)
	}
	retried := false
	for _, x := range e.wire.all() {
		retried = retried || x.header.Get("Retry-Attempt") != ""
	}
	if !retried {
		t.Fatalf("the retry handler never retried (faults %v)", injected)
	}
}
