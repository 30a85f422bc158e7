package o365_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"

	"github.com/o365go/o365"
)

// TestObjectDecoders keeps the JSON whatever decoder reads it: the engine's
// (a slice of its page), DecodeJSON and a streaming json/v2 decoder (copies).
func TestObjectDecoders(t *testing.T) {
	const doc = `{"id":"1","displayName":"Chores","isOwner":false,"future":{"x":[null]}}`
	var a, b TaskList
	if err := o365.DecodeJSON([]byte(doc), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.UnmarshalRead(strings.NewReader(doc), &b); err != nil {
		t.Fatal(err)
	}
	for _, l := range []*TaskList{&a, &b} {
		if string(l.RawJSON()) != doc || l.DisplayName != "Chores" {
			t.Fatalf("kept %s, decoded %+v", l.RawJSON(), l)
		}
		if v, ok := l.RawProperty("future"); !ok || string(v) != `{"x":[null]}` {
			t.Fatalf("RawProperty(future) = %s, %v", v, ok)
		}
		if _, ok := l.RawProperty("nope"); ok {
			t.Fatal("RawProperty found a property that is not there")
		}
	}
}

// TestObjectBinding checks where List and Get bind models (Collection, a
// per-call Resource) and what unbound or unsaved objects refuse to do.
func TestObjectBinding(t *testing.T) {
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.Method+" "+r.URL.EscapedPath())
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		case strings.HasSuffix(r.URL.Path, "/lists"):
			w.Write([]byte(`{"value":[{"id":"a/b","displayName":"x"}]}`))
		default:
			w.Write([]byte(`{"id":"c","displayName":"y"}`))
		}
	}))
	defer srv.Close()
	p := o365.Graph()
	p.BaseURL = srv.URL + "/"
	acct, err := o365.New(o365.WithProtocol(p), o365.WithTokenSource(o365.StaticToken("t")))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	bob, err := o365.ParseResource("user:bob@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	lists, err := o365.Collect(o365.List[TaskList](ctx, acct, &o365.Request{Path: "groups/g/lists", Collection: "todo/lists", Resource: &bob}))
	if err != nil || len(lists) != 1 {
		t.Fatal(lists, err)
	}
	if got := lists[0].Path(); got != "todo/lists/a%2Fb" {
		t.Fatalf("listed item bound at %q", got)
	}
	if err := o365.Delete(ctx, lists[0]); err != nil {
		t.Fatal(err)
	}
	got, err := o365.Get[TaskList](ctx, acct, &o365.Request{Path: "todo/lists/well-known", Collection: "todo/lists"})
	if err != nil || got.Path() != "todo/lists/c" || !got.Exists() {
		t.Fatalf("Get bound at %q (%v)", got.Path(), err)
	}
	if want := "DELETE /v1.0/users/bob@contoso.com/todo/lists/a%2Fb"; paths[1] != want {
		t.Fatalf("deleted with %q, want %q", paths[1], want)
	}

	var unbound TaskList
	if err := o365.Save(ctx, &unbound); !errors.Is(err, o365.ErrUnbound) {
		t.Fatalf("Save of an unbound object: %v", err)
	}
	fresh := &TaskList{DisplayName: "new"}
	if err := o365.BindNew(fresh, acct, "todo/lists"); err != nil {
		t.Fatal(err)
	}
	if err := o365.Delete(ctx, fresh); !errors.Is(err, o365.ErrNotCreated) {
		t.Fatalf("Delete of an object not created: %v", err)
	}
	if _, err := o365.Changes(struct{}{}); err == nil {
		t.Fatal("Changes of a non-model")
	}
	out, err := json.Marshal(fresh)
	if err != nil || !bytes.Equal(out, []byte(`{"displayName":"new"}`)) {
		t.Fatalf("a new object encodes as %s (%v)", out, err)
	}
}
