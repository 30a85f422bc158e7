package o365_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
)

// TaskList is a model of an endpoint no package wraps (To Do's task lists),
// written the way the service packages write theirs.
type TaskList struct {
	o365.Object
	ID                string `json:"id,omitzero" o365:"readonly"`
	DisplayName       string `json:"displayName,omitzero"`
	IsOwner           bool   `json:"isOwner,omitzero" o365:"readonly"`
	WellknownListName string `json:"wellknownListName,omitzero" o365:"readonly"`
}

func (l *TaskList) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain TaskList
	return o365.DecodeObject(d, (*plain)(l))
}

func (l TaskList) MarshalJSON() ([]byte, error) {
	type plain TaskList
	return o365.MarshalObject((*plain)(&l))
}

// A model keeps what the service sent (false values, properties it does not
// declare) and Save sends only what the program changed.
func ExampleObject() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPatch {
			body, _ := io.ReadAll(r.Body)
			fmt.Printf("%s %s %s\n", r.Method, r.URL.Path, body)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"value":[{"id":"AAMk1","displayName":"Chores","isOwner":false,"isShared":false,"wellknownListName":"none"}]}`)
	}))
	defer srv.Close()
	p := o365.Graph()
	p.BaseURL = srv.URL + "/"
	acct, err := o365.New(o365.WithProtocol(p), o365.WithTokenSource(o365.StaticToken("t")))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	for l, err := range o365.List[TaskList](ctx, acct, &o365.Request{Path: "todo/lists"}) {
		if err != nil {
			log.Fatal(err)
		}
		out, _ := json.Marshal(l)
		fmt.Println(string(out))

		l.DisplayName = "Chores (weekly)"
		if err := o365.Save(ctx, l); err != nil {
			log.Fatal(err)
		}
	}
	// Output:
	// {"id":"AAMk1","displayName":"Chores","isOwner":false,"isShared":false,"wellknownListName":"none"}
	// PATCH /v1.0/me/todo/lists/AAMk1 {"displayName":"Chores (weekly)"}
}
