package o365

import (
	"context"
	"iter"
	"net/http"
	"strings"
)

// Page is one page of a collection as Graph returns it.
type Page[T any] struct {
	Value     []*T   `json:"value"`
	NextLink  string `json:"@odata.nextLink,omitzero"`
	DeltaLink string `json:"@odata.deltaLink,omitzero"`
	Count     *int64 `json:"@odata.count,omitzero"`
}

// List returns an iterator over a collection: it GETs req, yields each item, and
// follows @odata.nextLink lazily, resending req's headers (ConsistencyLevel,
// Prefer ...) on every page, with one page in memory at a time. It stops after
// req.Query's Limit items. An error is yielded once, as the last element.
//
// Items that are models (types embedding Object) are bound to a (with
// req.Resource, when set) at req.Collection/{id}, or req.Path/{id} when
// Collection is empty, so Save, Delete and Call work on them.
//
// Each range over the iterator starts from the first page again; it never
// resumes silently.
func List[T any](ctx context.Context, a *Account, req *Request) iter.Seq2[*T, error] {
	if req == nil {
		req = &Request{}
	}
	return func(yield func(*T, error) bool) {
		r := req.Clone()
		if r.Method == "" {
			r.Method = http.MethodGet
		}
		bindTo, collection := a.forRequest(req), req.collection()
		limit := r.Query.limit()
		n := 0
		for {
			var page Page[T]
			if _, err := a.Do(ctx, r, &page); err != nil {
				yield(nil, err)
				return
			}
			for _, item := range page.Value {
				bindIn(item, bindTo, collection)
				if !yield(item, nil) {
					return
				}
				n++
				if limit > 0 && n >= limit {
					return
				}
			}
			if page.NextLink == "" {
				return
			}
			r = nextPage(r, page.NextLink)
		}
	}
}

// collection returns where the entities of r's answer live: Collection, else
// Path without a trailing "/delta" (the function on the collection).
func (r *Request) collection() string {
	if r.Collection != "" {
		return r.Collection
	}
	return strings.TrimSuffix(r.Path, "/delta")
}

// forRequest returns the account that speaks for req's resource: a itself,
// or a copy for a per-call Resource.
func (a *Account) forRequest(req *Request) *Account {
	if req.Resource == nil {
		return a
	}
	c := *a
	c.resource = *req.Resource
	return &c
}

// nextPage builds the request for a nextLink: the link is complete and opaque, so
// the query is not repeated, but the headers are.
func nextPage(r *Request, link string) *Request {
	next := r.Clone()
	next.eventual = r.eventual || (r.Query != nil && r.Query.eventual())
	next.Path = link
	next.Query = nil
	next.Body = nil
	return next
}

// Get sends req (a GET when Method is empty; nil means the resource itself,
// such as /me) and decodes the answer into a new T. A model is bound to a (with req.Resource, when set) at
// req.Collection/{id} when Collection is set, else at req.Path, so Save,
// Delete and Call work on it.
func Get[T any](ctx context.Context, a *Account, req *Request) (*T, error) {
	if req == nil {
		req = &Request{}
	}
	r := req
	if r.Method == "" {
		r = req.Clone()
		r.Method = http.MethodGet
	}
	var v T
	if _, err := a.Do(ctx, r, &v); err != nil {
		return nil, err
	}
	if m, ok := any(&v).(model); ok {
		if req.Collection != "" {
			bindIn(&v, a.forRequest(req), req.Collection)
		} else {
			o := m.object()
			o.acct, o.path, o.exists = a.forRequest(req), req.Path, true
		}
	}
	return &v, nil
}

// Collect gathers an iterator's items into a slice, stopping at the first error.
// Use it when the collection is known to be small.
func Collect[T any](seq iter.Seq2[*T, error]) ([]*T, error) {
	var out []*T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Fail returns an iterator that yields err once and ends: what a method
// returning a List gives back when it cannot start (an unbound model, bad
// input), so its callers meet the error where they range over the items.
func Fail[T any](err error) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) { yield(nil, err) }
}
