package o365

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// ErrResyncRequired is matched by errors.Is when a delta link has expired or
// the service wants a full synchronisation (410 Gone). The error is a
// *ResyncError; errors.Is(err, ErrGone) holds too.
var ErrResyncRequired = errors.New("o365: delta: full resynchronisation required")

// ResyncError is a 410 Gone from a delta round: the saved state is no longer
// usable and the collection must be read again from Location (or from the
// original request when the service sent none).
type ResyncError struct {
	// Location is the URL to restart the round from, as the service sent it;
	// empty when it sent none.
	Location string
	// Err is the service's answer; Err.Code tells resyncRequired,
	// resyncApplyDifferences and resyncUploadDifferences apart.
	Err *Error
}

// Error describes the failure.
func (e *ResyncError) Error() string {
	return "o365: delta: resynchronisation required: " + e.Err.Error()
}

// Unwrap returns the service's *Error.
func (e *ResyncError) Unwrap() error { return e.Err }

// Is matches ErrResyncRequired.
func (e *ResyncError) Is(target error) bool { return target == ErrResyncRequired }

// Change is one entry of a delta round: an item created or updated, or one
// removed from the collection.
type Change[T any] struct {
	ID string
	// Item is the new state; nil when Removed.
	Item *T
	// Removed reports an item gone from the collection: Reason is "deleted"
	// (permanently) or "changed" (moved out of scope, may come back).
	Removed bool
	Reason  string
}

// DeltaOptions tune a DeltaQuery; nil means the defaults.
type DeltaOptions struct {
	// AutoResync makes a round that meets a 410 Gone start again from the
	// service's restart URL (or from the original request) instead of
	// failing, at most 3 times per round. A resynchronisation re-sends every
	// item, and what it does not re-send is gone, so OnResync (may be nil) is
	// called first for the caller to prepare its local copy.
	AutoResync bool
	OnResync   func(*ResyncError)
}

// DeltaQuery tracks changes to a collection across rounds. It is not safe for
// concurrent use.
type DeltaQuery[T any] struct {
	a    *Account
	req  *Request
	link string // where the next round starts; "" means from req
	opts DeltaOptions
}

// Delta returns a delta query over req's collection (a .../delta request;
// its headers, such as Prefer: odata.maxpagesize=50, are sent on every page).
// With deltaLink empty the first round is a full synchronisation; otherwise it
// resumes from that link, a value saved from DeltaLink and used as is. Items
// that are models are bound as List binds them, at req.Collection/{id} (by
// default req.Path without its "/delta"). opts may be nil.
func Delta[T any](a *Account, req *Request, deltaLink string, opts *DeltaOptions) *DeltaQuery[T] {
	d := &DeltaQuery[T]{a: a, req: req, link: deltaLink}
	if opts != nil {
		d.opts = *opts
	}
	return d
}

// DeltaLink returns the link the next round starts from, to persist between
// runs. It moves forward only when a round reads its last page: after an
// interrupted round it is still the link that round started from ("" for an
// unfinished first synchronisation), never a half round's position.
func (d *DeltaQuery[T]) DeltaLink() string { return d.link }

// Changes returns an iterator over one round: it follows @odata.nextLink
// lazily, one page in memory, and records the final @odata.deltaLink when the
// last page is read. Ranging again runs the next round. An item can appear
// more than once in a round; the last one wins. An error is yielded once, as
// the last element.
func (d *DeltaQuery[T]) Changes(ctx context.Context) iter.Seq2[Change[T], error] {
	return func(yield func(Change[T], error) bool) {
		r, err := d.firstRequest(d.link)
		if err != nil {
			yield(Change[T]{}, err)
			return
		}
		restarts := 0
		bindTo, collection := d.a, ""
		if d.req != nil {
			bindTo, collection = d.a.forRequest(d.req), d.req.collection()
		}
		for {
			var page deltaPage
			_, err := d.a.Do(ctx, r, &page)
			if err != nil {
				var apiErr *Error
				if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusGone {
					yield(Change[T]{}, err)
					return
				}
				rerr := &ResyncError{Location: apiErr.Header.Get("Location"), Err: apiErr}
				if !d.opts.AutoResync || restarts >= 3 {
					yield(Change[T]{}, rerr)
					return
				}
				restarts++
				if d.opts.OnResync != nil {
					d.opts.OnResync(rerr)
				}
				if r, err = d.firstRequest(rerr.Location); err != nil {
					yield(Change[T]{}, errors.Join(rerr, err))
					return
				}
				continue
			}
			for _, raw := range page.Value {
				c, err := decodeChange[T](raw)
				if err != nil {
					yield(Change[T]{}, err)
					return
				}
				if c.Item != nil {
					bindIn(c.Item, bindTo, collection)
				}
				if !yield(c, nil) {
					return
				}
			}
			switch {
			case page.NextLink != "":
				r = nextPage(r, page.NextLink)
			case page.DeltaLink != "":
				d.link = page.DeltaLink
				return
			default:
				yield(Change[T]{}, errors.New("o365: delta: the last page has neither @odata.nextLink nor @odata.deltaLink"))
				return
			}
		}
	}
}

// firstRequest builds the request that starts a round: from link when set,
// else from the original request.
func (d *DeltaQuery[T]) firstRequest(link string) (*Request, error) {
	switch {
	case link != "" && d.req != nil:
		return nextPage(d.req, link), nil
	case link != "":
		return &Request{Method: http.MethodGet, Path: link}, nil
	case d.req != nil:
		r := d.req.Clone()
		if r.Method == "" {
			r.Method = http.MethodGet
		}
		return r, nil
	}
	return nil, errors.New("o365: delta: no request and no delta link to start from")
}

type deltaPage struct {
	Value     []jsontext.Value `json:"value"`
	NextLink  string           `json:"@odata.nextLink"`
	DeltaLink string           `json:"@odata.deltaLink"`
}

// changeHead holds the keys that say whether an entry is a removal.
type changeHead struct {
	ID      string `json:"id"`
	Removed *struct {
		Reason string `json:"reason"`
	} `json:"@removed"`
	// OneDrive marks removed driveItems with a deleted facet instead.
	Deleted jsontext.Value `json:"deleted"`
}

// decodeChange reads one delta entry: a decode of three keys (which allocates
// nothing for the rest of the entry) says whether it is a removal, and only
// upserts get the full decode into T.
func decodeChange[T any](raw jsontext.Value) (Change[T], error) {
	var head changeHead
	if err := json.Unmarshal(raw, &head, decodeOptions); err != nil {
		return Change[T]{}, fmt.Errorf("o365: delta: decoding an entry: %w", err)
	}
	c := Change[T]{ID: head.ID}
	switch {
	case head.Removed != nil:
		c.Removed, c.Reason = true, head.Removed.Reason
		return c, nil
	case len(head.Deleted) > 0 && head.Deleted[0] == '{':
		c.Removed, c.Reason = true, "deleted"
		return c, nil
	}
	c.Item = new(T)
	// raw is the decoder's own copy of the entry: the item may keep it.
	if err := decodeOwned(raw, c.Item); err != nil {
		return Change[T]{}, fmt.Errorf("o365: delta: decoding item %q: %w", head.ID, err)
	}
	return c, nil
}
