package o365

import (
	"context"
	"iter"
	"net/http"
)

// Page is one page of a collection as Graph returns it.
type Page[T any] struct {
	Value     []*T   `json:"value"`
	NextLink  string `json:"@odata.nextLink,omitempty"`
	DeltaLink string `json:"@odata.deltaLink,omitempty"`
	Count     *int64 `json:"@odata.count,omitempty"`
}

// List returns an iterator over a collection: it GETs req, yields each item, and
// follows @odata.nextLink lazily, resending req's headers (ConsistencyLevel,
// Prefer ...) on every page, with one page in memory at a time. It stops after
// req.Query's Limit items. An error is yielded once, as the last element.
//
// Each range over the iterator starts from the first page again; it never
// resumes silently.
func List[T any](ctx context.Context, a *Account, req *Request) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		r := req.Clone()
		if r.Method == "" {
			r.Method = http.MethodGet
		}
		limit := r.Query.limit()
		n := 0
		for {
			var page Page[T]
			if _, err := a.Do(ctx, r, &page); err != nil {
				yield(nil, err)
				return
			}
			for _, item := range page.Value {
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

// Get fetches one entity: GET path (see Request.Path) with q, decoded into a new T.
func Get[T any](ctx context.Context, a *Account, path string, q *Query) (*T, error) {
	var v T
	if _, err := a.Do(ctx, &Request{Method: http.MethodGet, Path: path, Query: q}, &v); err != nil {
		return nil, err
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
