package o365test_test

import (
	"context"
	"errors"
	"testing"

	"github.com/o365go/o365"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

type me struct {
	ID                string `json:"id"`
	UserPrincipalName string `json:"userPrincipalName"`
	DisplayName       string `json:"displayName"`
}

func TestNewAccountSignsIn(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := context.Background()
	for _, acct := range []*o365.Account{
		o365test.NewAccount(t, srv, sandbox.DemoUser),
		o365test.NewAccount(t, srv, sandbox.DemoUser, o365.WithProtocol(o365test.OutlookProtocol(srv))),
	} {
		u, err := o365.Get[me](ctx, acct, &o365.Request{})
		if err != nil {
			t.Fatal(err)
		}
		if u.UserPrincipalName != sandbox.DemoUser || u.ID != sandbox.DemoUserID {
			t.Fatalf("signed in as %+v", u)
		}
	}
}

func TestNewAppAccountHasNoMe(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := context.Background()
	app := o365test.NewAppAccount(t, srv)
	if _, err := o365.Get[me](ctx, app, &o365.Request{}); !errors.Is(err, o365.ErrAppOnlyMe) {
		t.Fatalf("app-only me: %v", err)
	}
	u, err := o365.Get[me](ctx, app.With(o365.WithResource("user:"+sandbox.DemoBob)), &o365.Request{})
	if err != nil || u.UserPrincipalName != sandbox.DemoBob {
		t.Fatalf("%+v %v", u, err)
	}
}
