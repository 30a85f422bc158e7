package o365

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// batchEnvelope is the request body of a $batch as the test servers read it.
type batchEnvelope struct {
	Requests []struct {
		ID        string            `json:"id"`
		Method    string            `json:"method"`
		URL       string            `json:"url"`
		Headers   map[string]string `json:"headers"`
		Body      json.RawMessage   `json:"body"`
		DependsOn []string          `json:"dependsOn"`
	} `json:"requests"`
}

func readEnvelope(t *testing.T, body string) batchEnvelope {
	t.Helper()
	var env batchEnvelope
	if err := json.Unmarshal([]byte(body), &env); err != nil {
		t.Errorf("envelope %q: %v", body, err)
	}
	return env
}

// answer writes a $batch answer from raw response objects.
func answer(w http.ResponseWriter, responses ...string) {
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"responses":[`+strings.Join(responses, ",")+`]}`)
}

func TestBatchSplitsIntoEnvelopesOf20(t *testing.T) {
	var srv *recorder
	srv = newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		env := readEnvelope(t, srv.requests()[n-1].Body)
		var out []string
		// Answer in reverse order: results must still follow the items.
		for _, q := range slices.Backward(env.Requests) {
			id := strings.TrimPrefix(q.URL, "/me/messages/")
			out = append(out, fmt.Sprintf(`{"id":%q,"status":200,"headers":{"Content-Type":"application/json"},"body":{"id":%q,"subject":"s%s"}}`, q.ID, id, q.ID))
		}
		answer(w, out...)
	})
	a := newTestAccount(t, srv.URL)
	type msg struct{ ID, Subject string }
	items := make([]*BatchItem, 45)
	outs := make([]msg, 45)
	for i := range items {
		items[i] = &BatchItem{Request: &Request{Path: Path("messages", fmt.Sprintf("m%d", i+1))}, Out: &outs[i]}
	}
	res, err := a.Batch(context.Background(), items, &BatchOptions{Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		id := fmt.Sprint(i + 1)
		if r.ID != id || r.StatusCode != 200 || r.Err != nil || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("result %d: %+v", i, r)
		}
		if want := (msg{"m" + id, "s" + id}); outs[i] != want {
			t.Errorf("out %d = %+v, want %+v", i, outs[i], want)
		}
	}
	reqs := srv.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d envelopes, want 3", len(reqs))
	}
	var bodies []string
	for _, r := range reqs {
		if r.Method != "POST" || r.URI != "/v1.0/$batch" || r.Header.Get("Content-Type") != "application/json" || r.Header.Get("Authorization") != "Bearer tok-123" {
			t.Errorf("envelope request %s %s %v", r.Method, r.URI, r.Header)
		}
		bodies = append(bodies, r.Body)
	}
	slices.Sort(bodies) // sent concurrently: any arrival order
	want := func(from, to int) string {
		var parts []string
		for i := from; i <= to; i++ {
			parts = append(parts, fmt.Sprintf(`{"id":"%d","method":"GET","url":"/me/messages/m%d"}`, i, i))
		}
		return `{"requests":[` + strings.Join(parts, ",") + `]}`
	}
	wantBodies := []string{want(1, 20), want(21, 40), want(41, 45)}
	slices.Sort(wantBodies)
	for i := range wantBodies {
		if bodies[i] != wantBodies[i] {
			t.Errorf("envelope %d:\n got %s\nwant %s", i, bodies[i], wantBodies[i])
		}
	}
}

func TestBatchRendersItems(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		answer(w, `{"id":"raw","status":204,"body":null}`, `{"id":"json","status":201,"body":{"id":"new"}}`,
			`{"id":"count","status":200,"body":{"value":[]}}`, `{"id":"pre","status":201,"body":null}`)
	})
	a := newTestAccount(t, srv.URL, WithResource("user:alice@contoso.com"))
	h := http.Header{}
	h.Set("ConsistencyLevel", "eventual")
	items := []*BatchItem{
		{ID: "raw", Request: &Request{Method: "put", Path: "drive/items/1/content", Body: []byte("hello"), ContentType: "text/plain"}},
		{ID: "json", Request: &Request{Method: "POST", Path: "/users", Body: map[string]any{"displayName": "Bo"}}},
		{ID: "count", Request: &Request{Path: "/users/$count", Header: h}},
		{ID: "pre", Request: (&Request{Method: "POST", Path: "events", Body: strings.NewReader(`{"subject":"x"}`), ContentType: "application/json"}).Prefer(`IdType="ImmutableId"`)},
	}
	if _, err := a.Batch(context.Background(), items, nil); err != nil {
		t.Fatal(err)
	}
	want := `{"requests":[` +
		`{"id":"raw","method":"PUT","url":"/users/alice@contoso.com/drive/items/1/content","headers":{"Content-Type":"text/plain"},"body":"aGVsbG8="},` +
		`{"id":"json","method":"POST","url":"/users","headers":{"Content-Type":"application/json"},"body":{"displayName":"Bo"}},` +
		`{"id":"count","method":"GET","url":"/users/$count","headers":{"Consistencylevel":"eventual"}},` +
		`{"id":"pre","method":"POST","url":"/users/alice@contoso.com/events","headers":{"Content-Type":"application/json","Prefer":"IdType=\"ImmutableId\""},"body":{"subject":"x"}}]}`
	if got := srv.requests()[0].Body; got != want {
		t.Errorf("envelope\n got %s\nwant %s", got, want)
	}
}

func TestBatchDecodesEveryKindOfAnswer(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		answer(w,
			`{"id":"photo","status":200,"headers":{"Content-Type":"image/jpeg"},"body":"/9j/AA=="}`,
			`{"id":"missing","status":404,"headers":{"Content-Type":"application/json","request-id":"r-1"},"body":{"error":{"code":"ErrorItemNotFound","message":"Not found.","innerError":{"client-request-id":"c-1","date":"2025-02-13T10:17:06"}}}}`,
			`{"id":"deleted","status":204,"body":null}`,
			`{"id":"content","status":302,"headers":{"location":"https://files.example.com/dl?tempauth=x"},"body":null}`)
	})
	a := newTestAccount(t, srv.URL)
	var photo bytes.Buffer
	items := []*BatchItem{
		{ID: "deleted", Request: &Request{Method: "DELETE", Path: "messages/1"}},
		{ID: "missing", Request: &Request{Path: "messages/2"}, Out: &struct{}{}},
		{ID: "content", Request: &Request{Path: "drive/items/3/content"}},
		{ID: "photo", Request: &Request{Path: "photo/$value"}, Out: &photo},
	}
	res, err := a.Batch(context.Background(), items, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].ID != "deleted" || res[0].StatusCode != 204 || res[0].Err != nil {
		t.Errorf("deleted: %+v", res[0])
	}
	var e *Error
	if !errors.As(res[1].Err, &e) || !errors.Is(res[1].Err, ErrNotFound) || e.Code != "ErrorItemNotFound" ||
		e.RequestID != "r-1" || e.ClientRequestID != "c-1" || e.Method != "GET" || e.URL != "/me/messages/2" || e.Date.IsZero() {
		t.Errorf("missing: %+v / %#v", res[1], e)
	}
	if res[2].StatusCode != 302 || res[2].Err != nil || res[2].Header.Get("Location") != "https://files.example.com/dl?tempauth=x" {
		t.Errorf("content: %+v", res[2])
	}
	if res[3].Err != nil || !bytes.Equal(photo.Bytes(), []byte{0xff, 0xd8, 0xff, 0}) {
		t.Errorf("photo: %+v, % x", res[3], photo.Bytes())
	}

	// Binary content cannot be decoded as JSON.
	items = []*BatchItem{{ID: "photo", Request: &Request{Path: "photo/$value"}, Out: &map[string]any{}}}
	res, _ = a.Batch(context.Background(), items, nil)
	if res[0].Err == nil || !strings.Contains(res[0].Err.Error(), "io.Writer") {
		t.Errorf("binary into a map: %v", res[0].Err)
	}
}

func TestBatchRetriesThrottledItemsAlone(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 1:
			answer(w,
				`{"id":"3","status":424,"body":{"error":{"code":"FailedDependency","message":"dependency failed"}}}`,
				`{"id":"1","status":201,"body":{"id":"a"}}`,
				`{"id":"2","status":429,"headers":{"Retry-After":"0"},"body":{"error":{"code":"TooManyRequests","message":"Please retry"}}}`,
				`{"id":"4","status":500,"body":{"error":{"code":"generalException","message":"boom"}}}`)
		default:
			answer(w, `{"id":"3","status":201,"body":{"id":"c"}}`, `{"id":"2","status":201,"body":{"id":"b"}}`)
		}
	})
	a := newTestAccount(t, srv.URL)
	outs := make([]struct{ ID string }, 4)
	items := make([]*BatchItem, 4)
	for i := range items {
		items[i] = &BatchItem{Request: &Request{Method: "POST", Path: "messages", Body: map[string]string{"subject": fmt.Sprint(i + 1)}}, Out: &outs[i]}
	}
	items[2].DependsOn = []string{"2"}
	res, err := a.Batch(context.Background(), items, nil)
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d envelopes, want 2", len(reqs))
	}
	want := `{"requests":[` +
		`{"id":"2","method":"POST","url":"/me/messages","headers":{"Content-Type":"application/json"},"body":{"subject":"2"}},` +
		`{"id":"3","method":"POST","url":"/me/messages","headers":{"Content-Type":"application/json"},"body":{"subject":"3"},"dependsOn":["2"]}]}`
	if reqs[1].Body != want {
		t.Errorf("retry envelope\n got %s\nwant %s", reqs[1].Body, want)
	}
	for i, id := range []string{"a", "b", "c"} {
		if res[i].Err != nil || res[i].StatusCode != 201 || outs[i].ID != id {
			t.Errorf("item %d: %+v %+v", i+1, res[i], outs[i])
		}
	}
	if res[3].StatusCode != 500 || res[3].Err == nil || outs[3].ID != "" {
		t.Errorf("item 4 (not retried): %+v", res[3])
	}
}

func TestBatchThrottledUntilPolicyRunsOut(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		answer(w, `{"id":"1","status":429,"headers":{"Retry-After":"0"},"body":{"error":{"code":"TooManyRequests","message":"slow down"}}}`,
			`{"id":"2","status":200,"body":{}}`)
	})
	a := newTestAccount(t, srv.URL) // MaxAttempts 4
	res, err := a.Batch(context.Background(), []*BatchItem{{Request: &Request{Path: "a"}}, {Request: &Request{Path: "b"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(srv.requests()); n != 4 {
		t.Errorf("%d envelopes, want 4", n)
	}
	if !errors.Is(res[0].Err, ErrThrottled) || res[0].StatusCode != 429 || res[1].Err != nil {
		t.Errorf("results %+v", res)
	}
	if last := srv.requests()[3].Body; last != `{"requests":[{"id":"1","method":"GET","url":"/me/a"}]}` {
		t.Errorf("last envelope %s", last)
	}
}

func TestBatchKeepsLinkedItemsTogether(t *testing.T) {
	var srv *recorder
	srv = newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		env := readEnvelope(t, srv.requests()[n-1].Body)
		var out []string
		for _, q := range env.Requests {
			out = append(out, fmt.Sprintf(`{"id":%q,"status":204}`, q.ID))
		}
		answer(w, out...)
	})
	a := newTestAccount(t, srv.URL)
	var items []*BatchItem
	for i := range 18 {
		items = append(items, &BatchItem{ID: fmt.Sprintf("s%d", i), Request: &Request{Path: "x"}})
	}
	// A chain of 7 interleaved with the singles' order still travels whole.
	for i := range 7 {
		it := &BatchItem{ID: fmt.Sprintf("c%d", i), Request: &Request{Method: "DELETE", Path: "x"}}
		if i > 0 {
			it.DependsOn = []string{fmt.Sprintf("C%d", i-1)} // ids are case-insensitive
		}
		items = append(items, it)
	}
	items[0].DependsOn = []string{"c6"} // pulls s0 into the chain's group
	res, err := a.Batch(context.Background(), items, &BatchOptions{Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, r := range srv.requests() {
		env := readEnvelope(t, r.Body)
		sizes = append(sizes, len(env.Requests))
		has := map[string]bool{}
		for _, q := range env.Requests {
			has[q.ID] = true
		}
		for _, q := range env.Requests {
			for _, d := range q.DependsOn {
				if !has[strings.ToLower(d)] {
					t.Errorf("%s depends on %s, sent elsewhere", q.ID, d)
				}
			}
		}
	}
	// Groups in order of first member: {s0,c0..c6} (8) then 17 singles fill
	// envelopes of 8+12 and 5.
	slices.Sort(sizes)
	if !slices.Equal(sizes, []int{5, 20}) {
		t.Errorf("envelope sizes %v, want [5 20]", sizes)
	}
	for i, r := range res {
		if r.ID != items[i].ID || r.StatusCode != 204 {
			t.Errorf("result %d: %+v", i, r)
		}
	}
}

func TestBatchRefusesBadInput(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { answer(w) })
	a := newTestAccount(t, srv.URL)
	chain := make([]*BatchItem, 21)
	for i := range chain {
		chain[i] = &BatchItem{Request: &Request{Path: "x"}}
		if i > 0 {
			chain[i].DependsOn = []string{fmt.Sprint(i)}
		}
	}
	app := newTestAccount(t, srv.URL, WithTokenSource(appOnlySource{StaticToken("x")}))
	for _, tc := range []struct {
		name  string
		acct  *Account
		items []*BatchItem
		want  string
	}{
		{"chain over 20", a, chain, "21 items linked by dependsOn"},
		{"duplicate id", a, []*BatchItem{{ID: "A", Request: &Request{}}, {ID: "a", Request: &Request{}}}, `duplicate item id "a"`},
		{"auto id clash", a, []*BatchItem{{ID: "2", Request: &Request{}}, {Request: &Request{}}}, `duplicate item id "2"`},
		{"unknown dependency", a, []*BatchItem{{Request: &Request{}, DependsOn: []string{"9"}}}, `unknown id "9"`},
		{"self dependency", a, []*BatchItem{{Request: &Request{}, DependsOn: []string{"1"}}}, "depends on itself"},
		{"nil request", a, []*BatchItem{{}}, "no request"},
		{"foreign URL", a, []*BatchItem{{Request: &Request{Path: "https://elsewhere.example.com/x"}}}, "not under the service root"},
		{"no auth", a, []*BatchItem{{Request: &Request{Path: "/x", NoAuth: true}}}, "pre-authenticated"},
		{"app-only me", app, []*BatchItem{{Request: &Request{Path: "messages"}}}, "needs a signed-in user"},
	} {
		res, err := tc.acct.Batch(context.Background(), tc.items, nil)
		if err == nil || res != nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v (results %v)", tc.name, err, res)
		}
	}
	if n := len(srv.requests()); n != 0 {
		t.Errorf("%d requests sent for invalid input", n)
	}
}

func TestBatchEnvelopeError(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		io.WriteString(w, `{"error":{"code":"BadRequest","message":"Invalid batch payload format."}}`)
	})
	a := newTestAccount(t, srv.URL)
	res, err := a.Batch(context.Background(), []*BatchItem{{Request: &Request{Path: "a"}}, {Request: &Request{Path: "b"}}}, nil)
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrBadRequest) || e.Code != "BadRequest" {
		t.Fatalf("err %v", err)
	}
	if len(res) != 2 || !errors.Is(res[0].Err, ErrBadRequest) || !errors.Is(res[1].Err, ErrBadRequest) || res[0].ID != "1" {
		t.Errorf("results %+v", res)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("%d requests: a 400 envelope is not retried", n)
	}

	// A throttled envelope is retried whole by Do.
	srv = newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(429)
			return
		}
		answer(w, `{"id":"1","status":204}`)
	})
	a = newTestAccount(t, srv.URL)
	res, err = a.Batch(context.Background(), []*BatchItem{{Request: &Request{Path: "a"}}}, nil)
	reqs := srv.requests()
	if err != nil || res[0].StatusCode != 204 || len(reqs) != 2 || reqs[0].Body != reqs[1].Body || reqs[1].Header.Get("Retry-Attempt") != "1" {
		t.Errorf("throttled envelope: %v %+v, %d requests", err, res, len(reqs))
	}
}

func TestBatchMissingAnswer(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		answer(w, `{"id":"1","status":204}`)
	})
	a := newTestAccount(t, srv.URL)
	res, err := a.Batch(context.Background(), []*BatchItem{{Request: &Request{Path: "a"}}, {Request: &Request{Path: "b"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res[1].StatusCode != 0 || res[1].Err == nil || !strings.Contains(res[1].Err.Error(), "no answer") {
		t.Errorf("result %+v", res[1])
	}
}

func TestBatchPascalCaseProtocol(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		answer(w, `{"id":"1","status":201,"headers":{"Content-Type":"application/json"},"body":{"Id":"AAM=","Subject":"Hi","ToRecipients":[{"EmailAddress":{"Address":"bo@contoso.com"}}]}}`)
	})
	p := Office365()
	p.BaseURL = srv.URL + "/api/"
	a := newTestAccount(t, srv.URL, WithProtocol(p))
	var out map[string]any
	body := map[string]any{"subject": "Hi", "toRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": "bo@contoso.com"}}}}
	res, err := a.Batch(context.Background(), []*BatchItem{
		{Request: &Request{Method: "POST", Path: "messages", Body: body}, Out: &out},
		{Request: &Request{Path: "mailFolders/inbox/messages", Query: NewQuery().Select("subject", "from/emailAddress")}},
	}, nil)
	if err != nil || res[0].Err != nil {
		t.Fatal(err, res[0].Err)
	}
	r := srv.requests()[0]
	want := `{"requests":[{"id":"1","method":"POST","url":"/me/messages","headers":{"Content-Type":"application/json"},"body":{"Subject":"Hi","ToRecipients":[{"EmailAddress":{"Address":"bo@contoso.com"}}]}},` +
		`{"id":"2","method":"GET","url":"/me/mailFolders/inbox/messages?$select=Subject,From/EmailAddress"}]}`
	if r.URI != "/api/v2.0/$batch" || r.Body != want {
		t.Errorf("envelope %s\n got %s\nwant %s", r.URI, r.Body, want)
	}
	got, _ := json.Marshal(out)
	if string(got) != `{"id":"AAM=","subject":"Hi","toRecipients":[{"emailAddress":{"address":"bo@contoso.com"}}]}` {
		t.Errorf("decoded %s", got)
	}
}

func FuzzBatchAnswer(f *testing.F) {
	f.Add(`{"responses":[{"id":"1","status":200,"headers":{"Content-Type":"application/json"},"body":{"a":1}}]}`)
	f.Add(`{"responses":[{"id":"1","status":429,"headers":{"Retry-After":["2.5"]},"body":{"error":{"code":"x","innerError":{"date":"bad"}}}}]}`)
	f.Add(`{"responses":[{"id":"1","status":200,"headers":{"content-type":"image/png","x":7,"y":null},"body":"iVBORw=="}]}`)
	f.Add(`{"responses":[{"id":"1","status":500,"body":"bm90IGpzb24="},null]}`)
	f.Add(`{"Responses":[{"Id":"1","Status":302,"Headers":{"Location":"https://x"}}]}`)
	a, err := New(WithTokenSource(StaticToken("t")))
	if err != nil {
		f.Fatal(err)
	}
	pascal, err := New(WithProtocol(Office365()), WithTokenSource(StaticToken("t")))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data string) {
		resps, err := parseBatchAnswer([]byte(data))
		if err != nil {
			return
		}
		w := batchRequest{ID: "1", Method: "GET", URL: "/me"}
		for _, acct := range []*Account{a, pascal} {
			for _, out := range []any{nil, &map[string]any{}, &bytes.Buffer{}} {
				res := acct.batchResult(&BatchItem{Out: out}, w, resps["1"])
				if res.ID != "1" || (res.StatusCode >= 400 && res.Err == nil) {
					t.Errorf("result %+v", res)
				}
			}
		}
	})
}
