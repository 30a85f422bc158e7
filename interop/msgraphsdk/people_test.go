package msgraphsdk

import (
	"bytes"
	"context"
	"testing"

	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/o365go/o365/sandbox"
)

// TestPeopleAndPhotos reads /me/people with the SDK's query parameters and
// one person by id, and sets and reads Alice's profile photo.
func TestPeopleAndPhotos(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	page, err := e.alice.Me().People().Get(ctx, nil)
	must(t, "GET /me/people", err)
	if len(page.GetValue()) < 3 || deref(page.GetValue()[0].GetId()) != sandbox.DemoBobID {
		t.Fatalf("people: %d, first %v", len(page.GetValue()), deref(page.GetValue()[0].GetDisplayName()))
	}
	for _, p := range page.GetValue() {
		addrs := p.GetScoredEmailAddresses()
		if deref(p.GetId()) == sandbox.DemoUserID || len(addrs) != 1 || deref(addrs[0].GetRelevanceScore()) <= 0 ||
			deref(p.GetPersonType().GetClass()) != "Person" {
			t.Fatalf("person %s: addresses %d, type %v", deref(p.GetDisplayName()), len(addrs), p.GetPersonType())
		}
	}
	search := `"carol"`
	found, err := e.alice.Me().People().Get(ctx, &users.ItemPeopleRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemPeopleRequestBuilderGetQueryParameters{Search: &search, Select: []string{"displayName", "scoredEmailAddresses"}, Top: ptr(int32(5))}})
	must(t, "$search people", err)
	if len(found.GetValue()) != 1 || deref(found.GetValue()[0].GetDisplayName()) != "Carol Clark" || found.GetValue()[0].GetJobTitle() != nil {
		t.Fatalf("$search carol found %d", len(found.GetValue()))
	}
	carol, err := e.alice.Me().People().ByPersonId(sandbox.DemoCarolID).Get(ctx, nil)
	must(t, "GET a person", err)
	if deref(carol.GetDisplayName()) != "Carol Clark" || deref(carol.GetUserPrincipalName()) != sandbox.DemoCarol {
		t.Fatalf("person %q %q", deref(carol.GetDisplayName()), deref(carol.GetUserPrincipalName()))
	}
	n, err := e.alice.Me().People().Count().Get(ctx, nil)
	must(t, "people/$count", err)
	if int(deref(n)) != len(page.GetValue()) {
		t.Fatalf("people/$count %d, listed %d", deref(n), len(page.GetValue()))
	}

	// The profile photo, as Graph's Go snippet sets it (the SDK sends
	// application/octet-stream).
	photo := tinyPNG(t)
	_, err = e.alice.Me().Photo().Content().Put(ctx, photo, nil)
	must(t, "PUT /me/photo/$value", err)
	meta, err := e.alice.Me().Photo().Get(ctx, nil)
	must(t, "GET /me/photo", err)
	if deref(meta.GetWidth()) != 2 || deref(meta.GetHeight()) != 2 {
		t.Fatalf("photo %dx%d", deref(meta.GetWidth()), deref(meta.GetHeight()))
	}
	back, err := e.app.Users().ByUserId(sandbox.DemoUser).Photo().Content().Get(ctx, nil)
	must(t, "GET Alice's photo (app)", err)
	if !bytes.Equal(back, photo) {
		t.Fatalf("photo: %d bytes back of %d", len(back), len(photo))
	}
}
