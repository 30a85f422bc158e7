package o365

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

type item struct {
	ID   string `json:"id"`
	Name string `json:"displayName"`
}

func pagedServer(t *testing.T, pages int, perPage int) *recorder {
	return newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		page := 0
		if tok := r.URL.Query().Get("$skiptoken"); tok != "" {
			fmt.Sscanf(tok, "p%d", &page)
		}
		var items []string
		for i := 0; i < perPage; i++ {
			id := page*perPage + i
			items = append(items, fmt.Sprintf(`{"id":"%d","displayName":"n%d"}`, id, id))
		}
		next := ""
		if page+1 < pages {
			next = fmt.Sprintf(`,"@odata.nextLink":"http://%s/v1.0/users?$skiptoken=p%d"`, r.Host, page+1)
		}
		fmt.Fprintf(w, `{"@odata.context":"ctx","value":[%s]%s}`, strings.Join(items, ","), next)
	})
}

func TestListFollowsNextLinkAndResendsHeaders(t *testing.T) {
	srv := pagedServer(t, 3, 2)
	a := newTestAccount(t, srv.URL)
	q := NewQuery().Select("id", "displayName").Count().Top(2)
	req := &Request{Path: "/users", Query: q}
	req.Prefer(`IdType="ImmutableId"`)
	var ids []string
	for u, err := range List[item](context.Background(), a, req) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	if strings.Join(ids, ",") != "0,1,2,3,4,5" {
		t.Fatalf("ids %v", ids)
	}
	reqs := srv.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	if reqs[0].URI != "/v1.0/users?$count=true&$select=id,displayName&$top=2" {
		t.Errorf("first page %s", reqs[0].URI)
	}
	if reqs[1].URI != "/v1.0/users?$skiptoken=p1" || reqs[2].URI != "/v1.0/users?$skiptoken=p2" {
		t.Errorf("next pages must use the nextLink as given: %s, %s", reqs[1].URI, reqs[2].URI)
	}
	for i, r := range reqs {
		if r.Header.Get("ConsistencyLevel") != "eventual" || r.Header.Get("Prefer") != `IdType="ImmutableId"` || r.Header.Get("Authorization") != "Bearer tok-123" {
			t.Errorf("page %d headers %v", i, r.Header)
		}
	}
}

func TestListLimitStopsEarly(t *testing.T) {
	srv := pagedServer(t, 10, 3)
	a := newTestAccount(t, srv.URL)
	got, err := Collect(List[item](context.Background(), a, &Request{Path: "/users", Query: NewQuery().Limit(4)}))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || len(srv.requests()) != 2 {
		t.Fatalf("%d items from %d pages", len(got), len(srv.requests()))
	}
}

func TestListRangingTwiceStartsOver(t *testing.T) {
	srv := pagedServer(t, 2, 2)
	a := newTestAccount(t, srv.URL)
	seq := List[item](context.Background(), a, &Request{Path: "/users"})
	for range 2 {
		var ids []string
		for u, err := range seq {
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, u.ID)
			if len(ids) == 1 {
				continue
			}
		}
		if strings.Join(ids, ",") != "0,1,2,3" {
			t.Fatalf("ids %v", ids)
		}
	}
	// Breaking out early and ranging again also starts from the first page.
	for u := range seq {
		if u.ID != "0" {
			t.Fatalf("restart yielded %s first", u.ID)
		}
		break
	}
	for u := range seq {
		if u.ID != "0" {
			t.Fatalf("restart yielded %s first", u.ID)
		}
		break
	}
}

func TestListYieldsErrorOnce(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			fmt.Fprintf(w, `{"value":[{"id":"a"}],"@odata.nextLink":"http://%s/v1.0/users?$skiptoken=x"}`, r.Host)
			return
		}
		w.WriteHeader(403)
		io.WriteString(w, `{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}`)
	})
	a := newTestAccount(t, srv.URL)
	var items, errs int
	for _, err := range List[item](context.Background(), a, &Request{Path: "/users"}) {
		if err != nil {
			errs++
			if !errors.Is(err, ErrForbidden) {
				t.Errorf("got %v", err)
			}
			continue
		}
		items++
	}
	if items != 1 || errs != 1 {
		t.Fatalf("items %d errs %d", items, errs)
	}
}

func TestGet(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		io.WriteString(w, `{"id":"u1","displayName":"Alice"}`)
	})
	a := newTestAccount(t, srv.URL)
	u, err := Get[item](context.Background(), a, &Request{Query: NewQuery().Select("displayName")})
	if err != nil || u.Name != "Alice" {
		t.Fatalf("%+v %v", u, err)
	}
	if srv.requests()[0].URI != "/v1.0/me?$select=displayName" {
		t.Fatalf("uri %s", srv.requests()[0].URI)
	}
}

// Fail yields its error once, with no item, and stops.
func TestFail(t *testing.T) {
	boom := errors.New("boom")
	n := 0
	for item, err := range Fail[Group](boom) {
		n++
		if item != nil || err != boom {
			t.Fatalf("got %v, %v", item, err)
		}
	}
	if n != 1 {
		t.Fatalf("%d elements", n)
	}
}
