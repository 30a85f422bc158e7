package o365

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// groupDirectory answers GET /groups lookups from a table of addresses,
// matching mail and proxyAddresses filters, and 200 {} to anything else.
func groupDirectory(t *testing.T, byAddr map[string][]string) *recorder {
	return newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		if !strings.HasSuffix(r.URL.Path, "/v1.0/groups") {
			w.Write([]byte(`{"id":"x"}`))
			return
		}
		f := r.URL.Query().Get("$filter")
		var ids []string
		for addr, list := range byAddr {
			if f == "mail eq '"+addr+"'" || f == "proxyAddresses/any(p:p eq 'smtp:"+addr+"')" {
				ids = list
			}
		}
		var b strings.Builder
		b.WriteString(`{"value":[`)
		for i, id := range ids {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`{"id":"` + id + `"}`)
		}
		b.WriteString(`]}`)
		w.Write([]byte(b.String()))
	})
}

func TestGroupAddressResource(t *testing.T) {
	srv := groupDirectory(t, map[string][]string{"team@contoso.com": {"g-1"}, "dup@contoso.com": {"g-2", "g-3"}})
	acct := newTestAccount(t, srv.URL, WithResource("group:team@contoso.com"))
	if acct.Resource().GroupAddress() != "team@contoso.com" || acct.Resource().Kind() != KindGroup {
		t.Fatalf("resource %v", acct.Resource())
	}
	// Before the look-up the URL cannot be built: never a wrong one.
	if _, err := acct.URL(&Request{Path: "calendar/events"}); !errors.Is(err, ErrInvalidResource) {
		t.Fatalf("URL before the look-up: %v", err)
	}
	ctx := context.Background()
	for range 2 {
		if _, err := acct.Do(ctx, &Request{Path: "calendar/events"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	// A copy (as service packages make) shares what was looked up.
	if _, err := acct.With(WithPrefer("x")).Do(ctx, &Request{Path: "drive"}, nil); err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want one look-up and three calls: %v", len(reqs), reqs)
	}
	look, _ := url.QueryUnescape(reqs[0].URI)
	if !strings.HasPrefix(look, "/v1.0/groups?") || !strings.Contains(look, "$filter=mail eq 'team@contoso.com'") || !strings.Contains(look, "$select=id") {
		t.Fatalf("look-up %s", look)
	}
	for i, want := range []string{"/v1.0/groups/g-1/calendar/events", "/v1.0/groups/g-1/calendar/events", "/v1.0/groups/g-1/drive"} {
		if reqs[i+1].URI != want {
			t.Fatalf("request %d: %s, want %s", i+2, reqs[i+1].URI, want)
		}
	}
	if u, err := acct.URL(&Request{Path: "threads"}); err != nil || !strings.HasSuffix(u, "/groups/g-1/threads") {
		t.Fatalf("URL after the look-up: %s, %v", u, err)
	}
	if r, err := acct.ResolveResource(ctx); err != nil || r.String() != "groups/g-1" {
		t.Fatalf("ResolveResource = %v, %v", r, err)
	}
	// Paths from the service root need no look-up.
	if u, err := newTestAccount(t, srv.URL, WithResource("group:none@contoso.com")).URL(&Request{Path: "/users"}); err != nil || !strings.HasSuffix(u, "/v1.0/users") {
		t.Fatalf("root path: %s, %v", u, err)
	}
}

func TestGroupAddressFallbacksAndFailures(t *testing.T) {
	srv := groupDirectory(t, map[string][]string{"alias@contoso.com": {"g-9"}, "dup@contoso.com": {"g-2", "g-3"}})
	ctx := context.Background()
	// Found through proxyAddresses when mail does not match.
	acct := newTestAccount(t, srv.URL, WithResource("group:alias@contoso.com"))
	if r, err := acct.ResolveResource(ctx); err != nil || r.String() != "groups/g-9" {
		t.Fatalf("alias: %v, %v", r, err)
	}
	_, err := newTestAccount(t, srv.URL, WithResource("group:nobody@contoso.com")).Do(ctx, &Request{Path: "drive"}, nil)
	if !errors.Is(err, ErrGroupNotFound) || !strings.Contains(err.Error(), "nobody@contoso.com") {
		t.Fatalf("unknown address: %v", err)
	}
	_, err = newTestAccount(t, srv.URL, WithResource("group:dup@contoso.com")).Do(ctx, &Request{Path: "drive"}, nil)
	if err == nil || !strings.Contains(err.Error(), "more than one group") {
		t.Fatalf("ambiguous address: %v", err)
	}
	// Batch items are resolved before the envelope is built.
	items := []*BatchItem{{Request: &Request{Path: "threads"}}}
	res, err := acct.Batch(ctx, items, nil)
	if err != nil || len(res) != 1 {
		t.Fatalf("batch: %v %v", res, err)
	}
	last := srv.requests()[len(srv.requests())-1]
	if !strings.Contains(last.Body, `"url":"/groups/g-9/threads"`) {
		t.Fatalf("batch body %s", last.Body)
	}
}
