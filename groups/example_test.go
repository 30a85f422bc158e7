package groups_test

import (
	"context"
	"fmt"
	"log"

	"github.com/o365go/o365"
	"github.com/o365go/o365/groups"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// demo is an account signed in as user on a fresh demo tenant, and a
// function that stops it. Real programs build the account with an auth
// credential against Microsoft Graph instead.
func demo(user string) (*o365.Account, func()) {
	acct, stop, err := o365test.Demo(user)
	if err != nil {
		log.Fatal(err)
	}
	return acct, stop
}

// Create a group and add members: any number in one call, 20 per $batch
// request.
func ExampleGroups_AddMembers() {
	acct, done := demo(sandbox.DemoUser)
	defer done()
	ctx := context.Background()
	g := groups.New(acct)

	team, err := g.Create(ctx, groups.NewMicrosoft365Group("Launch", "launch"), nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := g.AddMembers(ctx, team.ID, sandbox.DemoBobID, sandbox.DemoCarolID, sandbox.DemoDanID); err != nil {
		log.Fatal(err)
	}
	n := 0
	for _, err := range g.ListMembers(ctx, team.ID, nil) {
		if err != nil {
			log.Fatal(err)
		}
		n++
	}
	fmt.Println(team.Mail, "has", n, "members")
	// Output: launch@contoso.onmicrosoft.com has 3 members
}

// Read a group's conversations, the group named by its address.
func ExampleGroups_ListThreads() {
	acct, done := demo(sandbox.DemoBob)
	defer done()
	ctx := context.Background()
	eng := groups.New(acct, o365.WithResource("group:engineering@contoso.onmicrosoft.com"))

	for t, err := range eng.ListThreads(ctx, "", nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(t.Topic, "-", t.UniqueSenders)
		if err := t.Reply(ctx, o365.ItemBody{ContentType: o365.ContentText, Content: "Thursday works."}); err != nil {
			log.Fatal(err)
		}
	}
	// Output: Welcome to Engineering - [Alice Adams Bob Baker]
}
