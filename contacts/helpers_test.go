package contacts_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/contacts"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// Protocols the end-to-end tests run on.
const (
	graph     = "graph"
	office365 = "office365"
)

func protocol(srv *sandbox.Server, name string) o365.Option {
	if name == office365 {
		return o365.WithProtocol(o365test.OutlookProtocol(srv))
	}
	return o365.WithProtocol(o365test.GraphProtocol(srv))
}

// book is the address book of a demo user signed in through the public
// client, on the named protocol.
func book(t testing.TB, srv *sandbox.Server, proto, user string, opts ...o365.Option) *contacts.AddressBook {
	t.Helper()
	return contacts.New(o365test.NewAccount(t, srv, user, append([]o365.Option{protocol(srv, proto)}, opts...)...))
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func collect[T any](t testing.TB, seq func(func(*T, error) bool)) []*T {
	t.Helper()
	out, err := o365.Collect(seq)
	if err != nil {
		t.Fatalf("listing: %v", err)
	}
	return out
}

// sent is one request a recorder saw.
type sent struct {
	Method, Path, Query, Body string
	Header                    http.Header
}

// String shows the request without its headers, which hold the token.
func (s sent) String() string { return s.Method + " " + s.Path + "?" + s.Query + " " + s.Body }

// recorder is an http.RoundTripper that records what goes on the wire and,
// for the first request matching each drop rule, lets the server do the work
// and then loses the answer, as a connection reset would.
type recorder struct {
	mu    sync.Mutex
	reqs  []sent
	drops map[string]int // "METHOD path-suffix" -> answers still to lose
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, sent{req.Method, req.URL.Path, req.URL.RawQuery, string(body), req.Header.Clone()})
	if err != nil {
		return nil, err
	}
	for rule, left := range r.drops {
		method, suffix, _ := strings.Cut(rule, " ")
		if left > 0 && req.Method == method && strings.HasSuffix(req.URL.Path, suffix) {
			r.drops[rule] = left - 1
			resp.Body.Close()
			return nil, errors.New("simulated connection reset after the server processed the request")
		}
	}
	return resp, nil
}

// take returns the requests recorded since the last take.
func (r *recorder) take() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.reqs
	r.reqs = nil
	return out
}

func (r *recorder) client() o365.Option { return o365.WithHTTPClient(&http.Client{Transport: r}) }
