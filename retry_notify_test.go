package o365

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"testing"
)

// dropAnswer does nothing visible and closes the connection without an
// answer, as when a reply is lost on the way back.
func dropAnswer(t *testing.T, w http.ResponseWriter) {
	t.Helper()
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	conn.Close()
}

func notFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(404)
	io.WriteString(w, `{"error":{"code":"ErrorItemNotFound","message":"The specified object was not found in the store."}}`)
}

func TestDeleteGoneAfterUncertainAttemptSucceeds(t *testing.T) {
	for _, tc := range []struct {
		name  string
		first func(t *testing.T, w http.ResponseWriter)
		ok    bool
	}{
		{"lost answer", dropAnswer, true},
		{"503 without Retry-After", func(_ *testing.T, w http.ResponseWriter) { w.WriteHeader(503) }, true},
		{"504", func(_ *testing.T, w http.ResponseWriter) { w.WriteHeader(504) }, true},
		// These prove the first attempt did nothing: the 404 is real.
		{"429", func(_ *testing.T, w http.ResponseWriter) { w.Header().Set("Retry-After", "0"); w.WriteHeader(429) }, false},
		{"503 with Retry-After", func(_ *testing.T, w http.ResponseWriter) { w.Header().Set("Retry-After", "0"); w.WriteHeader(503) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					tc.first(t, w)
					return
				}
				notFound(w)
			})
			a := newTestAccount(t, srv.URL)
			resp, err := a.Do(context.Background(), &Request{Method: http.MethodDelete, Path: "messages/m1"}, nil)
			if n := len(srv.requests()); n != 2 {
				t.Fatalf("sent %d times, want 2", n)
			}
			if tc.ok {
				if err != nil || resp.StatusCode != http.StatusNoContent {
					t.Fatalf("got %v, %+v; want a 204", err, resp)
				}
				return
			}
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("got %v, want the 404", err)
			}
		})
	}

	// A first 404 is a 404, and other methods keep theirs.
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 2 {
			w.WriteHeader(503)
			return
		}
		notFound(w)
	})
	a := newTestAccount(t, srv.URL)
	if _, err := a.Do(context.Background(), &Request{Method: http.MethodDelete, Path: "messages/nope"}, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("first-answer 404: %v", err)
	}
	if _, err := a.Do(context.Background(), &Request{Path: "messages/m1"}, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("GET 404 after a 503: %v", err)
	}
}

func TestBatchDeleteGoneAfterUncertainAnswerSucceeds(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			answer(w,
				`{"id":"1","status":504,"body":{"error":{"code":"GatewayTimeout","message":"timeout"}}}`,
				`{"id":"2","status":429,"headers":{"Retry-After":"0"},"body":{"error":{"code":"TooManyRequests","message":"slow down"}}}`,
				`{"id":"3","status":404,"body":{"error":{"code":"ErrorItemNotFound","message":"not found"}}}`)
			return
		}
		answer(w,
			`{"id":"1","status":404,"body":{"error":{"code":"ErrorItemNotFound","message":"not found"}}}`,
			`{"id":"2","status":404,"body":{"error":{"code":"ErrorItemNotFound","message":"not found"}}}`)
	})
	a := newTestAccount(t, srv.URL)
	items := []*BatchItem{
		{Request: &Request{Method: http.MethodDelete, Path: "messages/a"}},
		{Request: &Request{Method: http.MethodDelete, Path: "messages/b"}},
		{Request: &Request{Method: http.MethodDelete, Path: "messages/c"}},
	}
	res, err := a.Batch(context.Background(), items, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil || res[0].StatusCode != http.StatusNoContent {
		t.Errorf("item 1 (504, then gone): %+v", res[0])
	}
	if !errors.Is(res[1].Err, ErrNotFound) {
		t.Errorf("item 2 (429 proves nothing was done, then 404): %+v", res[1])
	}
	if !errors.Is(res[2].Err, ErrNotFound) {
		t.Errorf("item 3 (404 at once): %+v", res[2])
	}
}

func TestRetryNotify(t *testing.T) {
	var mu sync.Mutex
	var events []RetryEvent
	notify := WithRetryNotify(func(e RetryEvent) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, e)
	})
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 1:
			// A new connection for the next attempt, so that net/http does
			// not resend it by itself when that one is closed.
			w.Header().Set("Connection", "close")
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(429)
		case 2:
			dropAnswer(t, w)
		default:
			w.WriteHeader(200)
		}
	})
	a := newTestAccount(t, srv.URL, notify)
	if _, err := a.Do(context.Background(), &Request{Path: "messages?$top=1"}, nil); err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 {
		t.Fatalf("events %+v, want 2", events)
	}
	first, second := events[0], events[1]
	if !first.Throttled() || first.Attempt != 2 || first.MaxAttempts != 4 || first.Method != "GET" ||
		first.URL != srv.URL+"/v1.0/me/messages?$top=1" || first.Items != 0 {
		t.Errorf("first event %+v", first)
	}
	var apiErr *Error
	if second.Throttled() || errors.As(second.Err, &apiErr) || second.Err == nil || second.Attempt != 3 {
		t.Errorf("second event (transport failure) %+v", second)
	}

	// Batch items sent again are one event.
	events = nil
	bsrv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			answer(w,
				`{"id":"1","status":429,"headers":{"Retry-After":"0"},"body":{"error":{"code":"TooManyRequests","message":"slow down"}}}`,
				`{"id":"2","status":429,"headers":{"Retry-After":"0"},"body":{"error":{"code":"TooManyRequests","message":"slow down"}}}`,
				`{"id":"3","status":204}`)
			return
		}
		answer(w, `{"id":"1","status":204}`, `{"id":"2","status":204}`)
	})
	b := newTestAccount(t, bsrv.URL, notify)
	items := []*BatchItem{
		{Request: &Request{Method: http.MethodDelete, Path: "messages/a"}},
		{Request: &Request{Method: http.MethodDelete, Path: "messages/b"}},
		{Request: &Request{Method: http.MethodDelete, Path: "messages/c"}},
	}
	if _, err := b.Batch(context.Background(), items, nil); err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Items != 2 || events[0].Method != "DELETE" || !events[0].Throttled() || events[0].Attempt != 2 {
		t.Errorf("batch events %+v", events)
	}
}

func TestBatchEnvelopeLostAnswer(t *testing.T) {
	// Envelopes of repeatable items are sent again after a lost answer, and
	// a DELETE then answered 404 was done by the first envelope.
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			dropAnswer(t, w)
			return
		}
		answer(w,
			`{"id":"1","status":404,"body":{"error":{"code":"ErrorItemNotFound","message":"not found"}}}`,
			`{"id":"2","status":200,"body":{"id":"b"}}`)
	})
	a := newTestAccount(t, srv.URL)
	res, err := a.Batch(context.Background(), []*BatchItem{
		{Request: &Request{Method: http.MethodDelete, Path: "messages/a"}},
		{Request: &Request{Path: "messages/b"}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(srv.requests()) != 2 || res[0].Err != nil || res[0].StatusCode != http.StatusNoContent || res[1].Err != nil {
		t.Errorf("%d envelopes, results %+v", len(srv.requests()), res)
	}

	// With a POST inside, the envelope is not repeated: the items fail.
	srv = newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { dropAnswer(t, w) })
	a = newTestAccount(t, srv.URL)
	res, err = a.Batch(context.Background(), []*BatchItem{
		{Request: &Request{Method: http.MethodDelete, Path: "messages/a"}},
		{Request: &Request{Method: http.MethodPost, Path: "sendMail", Body: map[string]string{}}},
	}, nil)
	if err == nil || len(srv.requests()) != 1 || res[0].Err == nil || res[1].Err == nil {
		t.Errorf("POST envelope: err %v, %d envelopes, results %+v", err, len(srv.requests()), res)
	}
}
