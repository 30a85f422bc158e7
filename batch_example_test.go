package o365_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"

	"github.com/o365go/o365"
)

// fakeBatchService answers every $batch item 200 with {"id": <its url>},
// in reverse order, as Graph may.
func fakeBatchService() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var env struct {
			Requests []struct{ ID, URL string }
		}
		if err := json.NewDecoder(r.Body).Decode(&env); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		type answer struct {
			ID     string         `json:"id"`
			Status int            `json:"status"`
			Body   map[string]any `json:"body"`
		}
		var out []answer
		for _, q := range slices.Backward(env.Requests) {
			out = append(out, answer{q.ID, 200, map[string]any{"id": q.URL}})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"responses": out})
	}))
}

// Batch sends many requests in few round trips; results come back in the
// items' order, each decoded into its own target.
func ExampleAccount_Batch() {
	srv := fakeBatchService()
	defer srv.Close()
	p := o365.Graph()
	p.BaseURL = srv.URL + "/" // the real service is https://graph.microsoft.com/
	acct, err := o365.New(o365.WithProtocol(p), o365.WithTokenSource(o365.StaticToken("eyJ...")))
	if err != nil {
		log.Fatal(err)
	}

	type entity struct{ ID string }
	var me, inbox, events entity
	items := []*o365.BatchItem{
		{ID: "me", Request: &o365.Request{Path: "/me"}, Out: &me},
		{ID: "inbox", Request: &o365.Request{Path: "mailFolders/inbox"}, Out: &inbox},
		{ID: "events", Request: &o365.Request{Path: "events", Query: o365.NewQuery().Top(5)}, Out: &events, DependsOn: []string{"inbox"}},
	}
	results, err := acct.Batch(context.Background(), items, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil {
			fmt.Println(r.ID, "failed:", r.Err)
			continue
		}
		fmt.Println(r.ID, r.StatusCode)
	}
	fmt.Println(me.ID, inbox.ID, events.ID)
	// Output:
	// me 200
	// inbox 200
	// events 200
	// /me /me/mailFolders/inbox /me/events?$top=5
}

// Delta hands back a link to store; the next run resumes from it and sees only
// what changed.
func ExampleDelta() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("$deltatoken") == "" {
			io.WriteString(w, `{"value":[{"id":"m1","subject":"Hello"},{"id":"m2","subject":"Lunch?"}],"@odata.deltaLink":"http://`+r.Host+r.URL.Path+`?$deltatoken=t1"}`)
			return
		}
		io.WriteString(w, `{"value":[{"id":"m1","@removed":{"reason":"deleted"}}],"@odata.deltaLink":"http://`+r.Host+r.URL.Path+`?$deltatoken=t2"}`)
	}))
	defer srv.Close()
	p := o365.Graph()
	p.BaseURL = srv.URL + "/"
	acct, err := o365.New(o365.WithProtocol(p), o365.WithTokenSource(o365.StaticToken("eyJ...")))
	if err != nil {
		log.Fatal(err)
	}

	type message struct{ ID, Subject string }
	req := (&o365.Request{Path: "mailFolders/inbox/messages/delta"}).Prefer("odata.maxpagesize=50")
	saved := "" // a link stored by an earlier run, "" the first time
	for range 2 {
		d := o365.Delta[message](acct, req, saved, nil)
		for c, err := range d.Changes(context.Background()) {
			if err != nil {
				log.Fatal(err)
			}
			if c.Removed {
				fmt.Println("removed", c.ID, c.Reason)
				continue
			}
			fmt.Println("upsert", c.ID, c.Item.Subject)
		}
		saved = d.DeltaLink()
	}
	// Output:
	// upsert m1 Hello
	// upsert m2 Lunch?
	// removed m1 deleted
}
