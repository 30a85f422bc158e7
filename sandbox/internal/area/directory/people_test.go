package directory_test

import (
	"net/url"
	"strconv"
	"testing"

	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
)

// GET /me/people lists the people relevant to the user, most relevant
// first (the manager and reports, then group colleagues), as persons with
// scored addresses; $search, $select and $top apply, and another user's
// people need People.Read.All.
func TestPeople(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{})
	alice := ts.AliceToken(t)
	r := ts.Do(t, alice, "GET", "/v1.0/me/people", nil).WantStatus(t, 200)
	value, _ := r.JSON["value"].([]any)
	count := len(value)
	if count < 3 || count >= 10 {
		t.Fatalf("people: %s", r.Raw)
	}
	ids := map[string]bool{}
	for i, v := range value {
		p := v.(map[string]any)
		ids[p["id"].(string)] = true
		addrs, _ := p["scoredEmailAddresses"].([]any)
		pt, _ := p["personType"].(map[string]any)
		if len(addrs) != 1 || pt["class"] != "Person" || pt["subclass"] != "OrganizationUser" || p["displayName"] == nil {
			t.Fatalf("person %d: %v", i, p)
		}
		if _, leaked := p["_relevance"]; leaked {
			t.Fatalf("person %d shows an internal field: %v", i, p)
		}
	}
	if ids[demo.UserID] || !ids[demo.BobID] || !ids[demo.CarolID] {
		t.Fatalf("Alice's people: %v", ids)
	}
	first := value[0].(map[string]any)
	if first["id"] != demo.BobID { // her only direct report
		t.Fatalf("most relevant: %v", first["displayName"])
	}
	if score := first["scoredEmailAddresses"].([]any)[0].(map[string]any)["relevanceScore"].(float64); score <= 0 {
		t.Fatalf("relevanceScore %v", score)
	}

	r = ts.Do(t, alice, "GET", "/v1.0/me/people?$search="+url.QueryEscape(`"carol"`)+"&$select=displayName,scoredEmailAddresses", nil).WantStatus(t, 200)
	value, _ = r.JSON["value"].([]any)
	if len(value) != 1 {
		t.Fatalf("$search carol: %s", r.Raw)
	}
	carol := value[0].(map[string]any)
	if carol["displayName"] != "Carol Clark" || carol["jobTitle"] != nil || carol["scoredEmailAddresses"] == nil {
		t.Fatalf("carol with $select: %v", carol)
	}
	r = ts.Do(t, alice, "GET", "/v1.0/me/people?$top=2", nil).WantStatus(t, 200)
	if value, _ = r.JSON["value"].([]any); len(value) != 2 || r.JSON["@odata.nextLink"] == nil {
		t.Fatalf("$top=2: %d people, nextLink %v", len(value), r.JSON["@odata.nextLink"])
	}

	r = ts.Do(t, alice, "GET", "/v1.0/me/people/"+demo.CarolID+"?$select=displayName,personType", nil).WantStatus(t, 200)
	if r.JSON["displayName"] != "Carol Clark" || r.JSON["personType"] == nil || r.JSON["surname"] != nil {
		t.Fatalf("one person: %s", r.Raw)
	}
	ts.Do(t, alice, "GET", "/v1.0/me/people/"+demo.UserID, nil).WantError(t, 404, "ErrorItemNotFound")
	if n := ts.Do(t, alice, "GET", "/v1.0/me/people/$count", nil).WantStatus(t, 200); string(n.Raw) != strconv.Itoa(count) {
		t.Fatalf("people/$count %s, want %d", n.Raw, count)
	}

	// Another user's people: People.Read.All, which Alice's demo client has
	// not been granted; the daemon reads them with the application role
	// only when it has it.
	ts.Do(t, alice, "GET", "/v1.0/users/"+demo.Bob+"/people", nil).WantStatus(t, 403)
}
