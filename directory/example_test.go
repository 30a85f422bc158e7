package directory_test

import (
	"context"
	"fmt"
	"log"

	"github.com/o365go/o365"
	"github.com/o365go/o365/directory"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// demo is an account signed in as user ("" for an app) on a fresh demo
// tenant, and a function that stops it. Real programs build the account
// with an auth credential against Microsoft Graph instead.
func demo(user string) (*o365.Account, func()) {
	acct, stop, err := o365test.Demo(user)
	if err != nil {
		log.Fatal(err)
	}
	return acct, stop
}

// Find a colleague by name, then their manager.
func ExampleDirectory_SearchUsers() {
	acct, done := demo(sandbox.DemoDan)
	defer done()
	ctx := context.Background()
	dir := directory.New(acct)

	for u, err := range dir.SearchUsers(ctx, "carol", nil) {
		if err != nil {
			log.Fatal(err)
		}
		boss, err := dir.GetManager(ctx, u.ID, nil)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s (%s) reports to %s\n", u.DisplayName, u.JobTitle, boss.DisplayName)
	}
	// Output: Carol Clark (Software Engineer) reports to Bob Baker
}

// A person card: one request for the profile, the manager, the direct
// reports and the photo.
func ExampleDirectory_GetCard() {
	acct, done := demo(sandbox.DemoUser)
	defer done()
	ctx := context.Background()

	card, err := directory.New(acct).GetCard(ctx, sandbox.DemoBob)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(card.User.DisplayName, "-", card.User.JobTitle)
	fmt.Println("manager:", card.Manager.DisplayName)
	fmt.Println("reports:", len(card.DirectReports))
	// Output:
	// Bob Baker - Engineering Manager
	// manager: Alice Adams
	// reports: 2
}

// Create a user with application permissions (User.ReadWrite.All).
func ExampleDirectory_CreateUser() {
	acct, done := demo("") // app-only: the daemon app
	defer done()
	ctx := context.Background()
	dir := directory.New(acct)

	u := directory.NewUser("Eve Evans", "eve@"+sandbox.DemoTenantDomain, "Initial-Passw0rd!")
	u.JobTitle = "Analyst"
	if err := dir.CreateUser(ctx, u); err != nil {
		log.Fatal(err)
	}
	if err := dir.SetManager(ctx, u.ID, sandbox.DemoBobID); err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.DisplayName, u.UserPrincipalName)
	// Output: Eve Evans eve@contoso.onmicrosoft.com
}
