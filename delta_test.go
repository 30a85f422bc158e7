package o365

import (
	"context"
	"errors"
	"github.com/go-json-experiment/json/jsontext"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

type deltaMsg struct {
	ID      string `json:"id"`
	Subject string `json:"subject"`
}

// pagesServer answers each request URI with a canned page; the pages' "{base}"
// is replaced by the server's URL so links are absolute, as Graph sends them.
func pagesServer(t *testing.T, pages map[string]string) *recorder {
	t.Helper()
	var srv *recorder
	srv = newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		body, ok := pages[r.URL.RequestURI()]
		if !ok {
			t.Errorf("unexpected request %s", r.URL.RequestURI())
			w.WriteHeader(404)
			return
		}
		if code, rest, ok := strings.Cut(body, " "); ok && len(code) == 3 && code[0] >= '4' {
			loc, rest, _ := strings.Cut(rest, " ")
			w.Header().Set("Location", strings.ReplaceAll(loc, "{base}", srv.URL))
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(map[string]int{"410": 410, "500": 500}[code])
			io.WriteString(w, rest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, strings.ReplaceAll(body, "{base}", srv.URL))
	})
	return srv
}

const deltaBase = "/v1.0/me/mailFolders/inbox/messages/delta"

func deltaRounds() map[string]string {
	return map[string]string{
		deltaBase:                     `{"value":[{"id":"m1","subject":"one"},{"id":"m2","subject":"two"}],"@odata.nextLink":"{base}` + deltaBase + `?$skiptoken=A"}`,
		deltaBase + "?$skiptoken=A":   `{"value":[{"id":"m3","subject":"three"}],"@odata.deltaLink":"{base}` + deltaBase + `?$deltatoken=D1"}`,
		deltaBase + "?$deltatoken=D1": `{"value":[{"id":"m2","subject":"two!"},{"id":"m1","@removed":{"reason":"deleted"}}],"@odata.nextLink":"{base}` + deltaBase + `?$skiptoken=B"}`,
		deltaBase + "?$skiptoken=B":   `{"value":[{"@odata.type":"#microsoft.graph.message","id":"m3","@removed":{"reason":"changed"}}],"@odata.deltaLink":"{base}` + deltaBase + `?$deltatoken=D2"}`,
	}
}

func collectChanges[T any](t *testing.T, seq func(func(Change[T], error) bool)) ([]Change[T], error) {
	t.Helper()
	var out []Change[T]
	for c, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, c)
	}
	return out, nil
}

func TestDeltaTwoRounds(t *testing.T) {
	srv := pagesServer(t, deltaRounds())
	a := newTestAccount(t, srv.URL)
	req := (&Request{Path: "mailFolders/inbox/messages/delta"}).Prefer("odata.maxpagesize=2")
	d := Delta[deltaMsg](a, req, "", nil)
	if d.DeltaLink() != "" {
		t.Fatalf("link before any round: %q", d.DeltaLink())
	}
	got, err := collectChanges(t, d.Changes(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	want := []Change[deltaMsg]{
		{ID: "m1", Item: &deltaMsg{"m1", "one"}},
		{ID: "m2", Item: &deltaMsg{"m2", "two"}},
		{ID: "m3", Item: &deltaMsg{"m3", "three"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round 1: %+v", got)
	}
	if d.DeltaLink() != srv.URL+deltaBase+"?$deltatoken=D1" {
		t.Errorf("link after round 1: %q", d.DeltaLink())
	}
	got, err = collectChanges(t, d.Changes(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	want = []Change[deltaMsg]{
		{ID: "m2", Item: &deltaMsg{"m2", "two!"}},
		{ID: "m1", Removed: true, Reason: "deleted"},
		{ID: "m3", Removed: true, Reason: "changed"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round 2: %+v", got)
	}
	if d.DeltaLink() != srv.URL+deltaBase+"?$deltatoken=D2" {
		t.Errorf("link after round 2: %q", d.DeltaLink())
	}
	var uris []string
	for _, r := range srv.requests() {
		uris = append(uris, r.URI)
		if r.Method != "GET" || r.Header.Get("Prefer") != "odata.maxpagesize=2" || r.Header.Get("Authorization") != "Bearer tok-123" {
			t.Errorf("%s %s: headers %v", r.Method, r.URI, r.Header)
		}
	}
	wantURIs := []string{deltaBase, deltaBase + "?$skiptoken=A", deltaBase + "?$deltatoken=D1", deltaBase + "?$skiptoken=B"}
	if !reflect.DeepEqual(uris, wantURIs) {
		t.Errorf("requests %v", uris)
	}
}

func TestDeltaResumesFromSavedLink(t *testing.T) {
	srv := pagesServer(t, deltaRounds())
	a := newTestAccount(t, srv.URL)
	saved := srv.URL + deltaBase + "?$deltatoken=D1"
	req := (&Request{Path: "mailFolders/inbox/messages/delta"}).Prefer(`IdType="ImmutableId"`)
	d := Delta[deltaMsg](a, req, saved, nil)
	if d.DeltaLink() != saved {
		t.Fatalf("link %q", d.DeltaLink())
	}
	got, err := collectChanges(t, d.Changes(context.Background()))
	if err != nil || len(got) != 3 || d.DeltaLink() != srv.URL+deltaBase+"?$deltatoken=D2" {
		t.Fatalf("changes %+v, err %v, link %q", got, err, d.DeltaLink())
	}
	reqs := srv.requests()
	if len(reqs) != 2 || reqs[0].URI != deltaBase+"?$deltatoken=D1" {
		t.Fatalf("requests %+v", reqs)
	}
	for _, r := range reqs {
		if r.Header.Get("Prefer") != `IdType="ImmutableId"` {
			t.Errorf("%s: Prefer %q", r.URI, r.Header.Get("Prefer"))
		}
	}

	// Without the original request the link alone is enough.
	d = Delta[deltaMsg](a, nil, saved, nil)
	if got, err := collectChanges(t, d.Changes(context.Background())); err != nil || len(got) != 3 {
		t.Fatalf("link only: %+v %v", got, err)
	}
	if _, err := collectChanges(t, Delta[deltaMsg](a, nil, "", nil).Changes(context.Background())); err == nil {
		t.Error("no request and no link: no error")
	}
}

func TestDeltaUnfinishedRoundKeepsTheOldLink(t *testing.T) {
	pages := deltaRounds()
	pages[deltaBase+"?$skiptoken=B"] = `500 - {"error":{"code":"generalException","message":"boom"}}`
	srv := pagesServer(t, pages)
	a := newTestAccount(t, srv.URL, WithRetry(RetryPolicy{MaxAttempts: 1}))

	d := Delta[deltaMsg](a, &Request{Path: "mailFolders/inbox/messages/delta"}, "", nil)
	for range d.Changes(context.Background()) {
		break // the consumer stops in the middle of the first round
	}
	if d.DeltaLink() != "" {
		t.Errorf("half a first round exposed %q", d.DeltaLink())
	}

	saved := srv.URL + deltaBase + "?$deltatoken=D1"
	d = Delta[deltaMsg](a, &Request{Path: "mailFolders/inbox/messages/delta"}, saved, nil)
	got, err := collectChanges(t, d.Changes(context.Background()))
	var e *Error
	if len(got) != 2 || !errors.As(err, &e) || e.StatusCode != 500 {
		t.Errorf("changes %+v, err %v", got, err)
	}
	if d.DeltaLink() != saved {
		t.Errorf("link after a failed round: %q, want the saved one", d.DeltaLink())
	}
}

func TestDeltaGoneNeedsResync(t *testing.T) {
	pages := deltaRounds()
	pages[deltaBase+"?$deltatoken=OLD"] = `410 {base}` + deltaBase + `?$deltatoken= {"error":{"code":"resyncRequired","message":"Resync required."}}`
	pages[deltaBase+"?$deltatoken="] = pages[deltaBase]
	srv := pagesServer(t, pages)
	a := newTestAccount(t, srv.URL)
	old := srv.URL + deltaBase + "?$deltatoken=OLD"

	d := Delta[deltaMsg](a, nil, old, nil)
	_, err := collectChanges(t, d.Changes(context.Background()))
	var re *ResyncError
	if !errors.Is(err, ErrResyncRequired) || !errors.Is(err, ErrGone) || !errors.As(err, &re) {
		t.Fatalf("err %v", err)
	}
	if re.Location != srv.URL+deltaBase+"?$deltatoken=" || re.Err.Code != "resyncRequired" {
		t.Errorf("resync error %+v", re)
	}
	if d.DeltaLink() != old {
		t.Errorf("link %q", d.DeltaLink())
	}

	var notified []string
	d = Delta[deltaMsg](a, (&Request{}).Prefer("odata.maxpagesize=2"), old, &DeltaOptions{AutoResync: true, OnResync: func(e *ResyncError) { notified = append(notified, e.Err.Code) }})
	got, err := collectChanges(t, d.Changes(context.Background()))
	if err != nil || len(got) != 3 || got[2].ID != "m3" {
		t.Fatalf("auto resync: %+v %v", got, err)
	}
	if !reflect.DeepEqual(notified, []string{"resyncRequired"}) || d.DeltaLink() != srv.URL+deltaBase+"?$deltatoken=D1" {
		t.Errorf("notified %v, link %q", notified, d.DeltaLink())
	}
	reqs := srv.requests()[1:]
	wantURIs := []string{deltaBase + "?$deltatoken=OLD", deltaBase + "?$deltatoken=", deltaBase + "?$skiptoken=A"}
	for i, r := range reqs {
		if r.URI != wantURIs[i] || r.Header.Get("Prefer") != "odata.maxpagesize=2" {
			t.Errorf("request %d: %s Prefer %q", i, r.URI, r.Header.Get("Prefer"))
		}
	}

	// A service that keeps answering 410 is not followed forever.
	gone := pages[deltaBase+"?$deltatoken=OLD"]
	srv = pagesServer(t, map[string]string{deltaBase + "?$deltatoken=OLD": gone, deltaBase + "?$deltatoken=": gone})
	a = newTestAccount(t, srv.URL)
	d = Delta[deltaMsg](a, nil, srv.URL+deltaBase+"?$deltatoken=OLD", &DeltaOptions{AutoResync: true})
	if _, err := collectChanges(t, d.Changes(context.Background())); !errors.Is(err, ErrResyncRequired) || len(srv.requests()) != 4 {
		t.Errorf("endless 410: %v after %d requests", err, len(srv.requests()))
	}
}

func TestDeltaDriveDeletedFacet(t *testing.T) {
	srv := pagesServer(t, map[string]string{
		"/v1.0/me/drive/root/delta?token=latest": `{"value":[{"id":"f1","name":"gone.txt","deleted":{"state":"deleted"}},{"id":"f2","name":"a.txt","file":{}}],"@odata.deltaLink":"{base}/v1.0/me/drive/root/delta?token=T2"}`,
	})
	a := newTestAccount(t, srv.URL)
	type item struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	req := &Request{Path: "drive/root/delta", Query: NewQuery().Param("token", "latest")}
	got, err := collectChanges(t, Delta[item](a, req, "", nil).Changes(context.Background()))
	want := []Change[item]{{ID: "f1", Removed: true, Reason: "deleted"}, {ID: "f2", Item: &item{"f2", "a.txt"}}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("changes %+v, err %v", got, err)
	}
}

func TestDeltaPascalCaseProtocol(t *testing.T) {
	srv := pagesServer(t, map[string]string{
		"/api/v2.0/me/messages": `{"@odata.context":"x","value":[{"Id":"m1","Subject":"Hi","From":{"EmailAddress":{"Address":"a@b.c"}}},{"Id":"m2","@removed":{"Reason":"deleted"}}],"@odata.deltaLink":"{base}/api/v2.0/me/messages?$deltatoken=P1"}`,
	})
	p := Office365()
	p.BaseURL = srv.URL + "/api/"
	a := newTestAccount(t, srv.URL, WithProtocol(p))
	req := (&Request{Path: "messages"}).Prefer("odata.track-changes")
	d := Delta[map[string]any](a, req, "", nil)
	got, err := collectChanges(t, d.Changes(context.Background()))
	if err != nil || len(got) != 2 {
		t.Fatalf("changes %+v, err %v", got, err)
	}
	wantItem := map[string]any{"id": "m1", "subject": "Hi", "from": map[string]any{"emailAddress": map[string]any{"address": "a@b.c"}}}
	if got[0].ID != "m1" || !reflect.DeepEqual(*got[0].Item, wantItem) {
		t.Errorf("upsert %+v", *got[0].Item)
	}
	if got[1] != (Change[map[string]any]{ID: "m2", Removed: true, Reason: "deleted"}) {
		t.Errorf("removal %+v", got[1])
	}
	if d.DeltaLink() != srv.URL+"/api/v2.0/me/messages?$deltatoken=P1" {
		t.Errorf("link %q", d.DeltaLink())
	}
}

func TestDeltaBadPage(t *testing.T) {
	srv := pagesServer(t, map[string]string{
		"/v1.0/me/x/delta":   `{"value":[{"id":"1"}]}`,
		"/v1.0/me/y/delta":   `{"value":[{"id":"1","subject":42}],"@odata.deltaLink":"z"}`,
		"/v1.0/me/z/delta":   `{"value":[7],"@odata.deltaLink":"z"}`,
		"/v1.0/me/end/delta": `{"value":[],"@odata.deltaLink":"{base}/v1.0/me/end/delta?$deltatoken=E"}`,
	})
	a := newTestAccount(t, srv.URL)
	for _, p := range []string{"x", "y", "z"} {
		d := Delta[deltaMsg](a, &Request{Path: p + "/delta"}, "", nil)
		if _, err := collectChanges(t, d.Changes(context.Background())); err == nil || d.DeltaLink() != "" {
			t.Errorf("%s: err %v, link %q", p, err, d.DeltaLink())
		}
	}
	d := Delta[deltaMsg](a, &Request{Path: "end/delta"}, "", nil)
	if got, err := collectChanges(t, d.Changes(context.Background())); err != nil || len(got) != 0 || d.DeltaLink() == "" {
		t.Errorf("empty round: %v %v %q", got, err, d.DeltaLink())
	}
}

func FuzzDecodeChange(f *testing.F) {
	for _, s := range []string{`{"id":"1","subject":"x"}`, `{"id":"1","@removed":{"reason":"deleted"}}`, `{"id":"2","deleted":{}}`,
		`{"id":"2","deleted":true}`, `{"@removed":null}`, `[]`, `"x"`, `{"id":5}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := decodeChange[map[string]any](jsontext.Value(raw))
		if err != nil {
			return
		}
		if c.Removed == (c.Item != nil) {
			t.Errorf("%q: removed %v with item %v", raw, c.Removed, c.Item)
		}
	})
}
