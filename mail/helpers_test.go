package mail_test

import (
	"context"
	"testing"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/mail"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// Protocols the end-to-end tests run on.
const (
	graph     = "graph"
	office365 = "office365"
)

// protocol is the option that points an account at srv in the named dialect.
func protocol(srv *sandbox.Server, name string) o365.Option {
	if name == office365 {
		return o365.WithProtocol(o365test.OutlookProtocol(srv))
	}
	return o365.WithProtocol(o365test.GraphProtocol(srv))
}

// newSandbox starts a seeded in-process sandbox.
func newSandbox(t testing.TB) *sandbox.Server { return o365test.NewSandbox(t) }

// mailbox is the mailbox of a demo user signed in through the public client.
func mailbox(t testing.TB, srv *sandbox.Server, proto, user string, opts ...o365.Option) *mail.Mailbox {
	t.Helper()
	return mail.New(o365test.NewAccount(t, srv, user, append([]o365.Option{protocol(srv, proto)}, opts...)...))
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// collect gathers an iterator or fails the test.
func collect[T any](t testing.TB, seq func(func(*T, error) bool)) []*T {
	t.Helper()
	var out []*T
	for v, err := range seq {
		if err != nil {
			t.Fatalf("listing: %v", err)
		}
		out = append(out, v)
	}
	return out
}

// round is what one delta round reported.
type round[T any] struct {
	Changed   []*T
	Removed   []string
	DeltaLink string
}

// syncRound runs one round of d, gathering it (tests only: programs handle
// each change as it comes).
func syncRound[T any](ctx context.Context, d *o365.DeltaQuery[T]) (*round[T], error) {
	r := &round[T]{}
	for c, err := range d.Changes(ctx) {
		if err != nil {
			return nil, err
		}
		if c.Removed {
			r.Removed = append(r.Removed, c.ID)
			continue
		}
		r.Changed = append(r.Changed, c.Item)
	}
	r.DeltaLink = d.DeltaLink()
	return r, nil
}
