package o365_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/o365go/o365"
)

// Each preset is an Account away; the token source is where auth plugs in.
func ExampleNew() {
	tokens := o365.StaticToken("eyJ...") // or an auth credential
	for _, p := range []*o365.Protocol{
		o365.Graph(), o365.GraphBeta(), o365.GraphUSGovL4(), o365.GraphUSGovL5(), o365.GraphChina(),
		o365.Office365(), o365.BusinessCentral("production"),
	} {
		acct, err := o365.New(o365.WithProtocol(p), o365.WithTokenSource(tokens))
		if err != nil {
			log.Fatal(err)
		}
		u, _ := acct.URL(&o365.Request{Path: "messages"})
		fmt.Println(p.Name, u)
	}
	// Output:
	// graph https://graph.microsoft.com/v1.0/me/messages
	// graph-beta https://graph.microsoft.com/beta/me/messages
	// graph-usgov-l4 https://graph.microsoft.us/v1.0/me/messages
	// graph-usgov-l5 https://dod-graph.microsoft.us/v1.0/me/messages
	// graph-china https://microsoftgraph.chinacloudapi.cn/v1.0/me/messages
	// office365 https://outlook.office.com/api/v2.0/me/messages
	// business-central https://api.businesscentral.dynamics.com/v2.0/production/api/v1.0/me/messages
}

// A custom protocol is a filled-in struct: here Graph served by a gateway, with
// PascalCase JSON and a default shared mailbox.
func ExampleProtocol_custom() {
	p := &o365.Protocol{
		Name:            "gateway",
		BaseURL:         "https://graph-gateway.example.com/",
		Version:         "v1.0",
		DefaultResource: "user:shared@contoso.com",
		KeyCase:         o365.PascalCase,
		ScopePrefix:     "https://graph.microsoft.com/",
		MaxTop:          500,
	}
	acct, err := o365.New(o365.WithProtocol(p), o365.WithTokenSource(o365.StaticToken("t")))
	if err != nil {
		log.Fatal(err)
	}
	u, _ := acct.URL(&o365.Request{Path: "mailFolders/inbox/messages", Query: o365.NewQuery().Select("subject", "from/emailAddress/address").Top(1000)})
	fmt.Println(u)
	fmt.Println(p.Scopes("basic", "message_all"))
	// Output:
	// https://graph-gateway.example.com/v1.0/users/shared@contoso.com/mailFolders/inbox/messages?$select=Subject,From/EmailAddress/Address&$top=500
	// [https://graph.microsoft.com/User.Read https://graph.microsoft.com/Mail.ReadWrite https://graph.microsoft.com/Mail.Send]
}

// Resources are set on the protocol (default), the account, or any object below.
func ExampleWithResource() {
	acct, _ := o365.New(o365.WithTokenSource(o365.StaticToken("t")))
	shared := acct.With(o365.WithResource("shared@contoso.com"))
	site := acct.With(o365.WithResource("sharepoint:contoso.sharepoint.com:/sites/team"))
	for _, a := range []*o365.Account{acct, shared, site} {
		u, _ := a.URL(&o365.Request{Path: "drive/root/children"})
		fmt.Println(u)
	}
	_, err := o365.ParseResource("user:")
	fmt.Println(err)
	// Output:
	// https://graph.microsoft.com/v1.0/me/drive/root/children
	// https://graph.microsoft.com/v1.0/users/shared@contoso.com/drive/root/children
	// https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/team:/drive/root/children
	// o365: invalid resource "user:": empty id after "user:"
}

// Queries are built, not concatenated: literals are escaped and property names
// follow the protocol's case.
func ExampleQuery() {
	since := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	q := o365.NewQuery().
		Filter(o365.And(
			o365.Eq("isRead", false),
			o365.Ge("receivedDateTime", since),
			o365.Eq("from/emailAddress/address", "o'brien@contoso.com"),
		)).
		Select("subject", "from").
		OrderByDesc("receivedDateTime").
		Top(50)
	fmt.Println(q.String(o365.Graph()))
	// Output:
	// $filter=isRead%20eq%20false%20and%20receivedDateTime%20ge%202024-01-01T00:00:00Z%20and%20from/emailAddress/address%20eq%20'o''brien@contoso.com'&$orderby=receivedDateTime%20desc&$select=subject,from&$top=50
}

type user struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	Mail        string `json:"mail"`
}

// A paged loop: pages are fetched as the loop needs them, one at a time.
func ExampleList() {
	acct, _ := o365.New(o365.WithTokenSource(o365.StaticToken("t")))
	ctx := context.Background()
	req := &o365.Request{Path: "/users", Query: o365.NewQuery().Select("displayName", "mail").Top(999).Limit(5000)}
	for u, err := range o365.List[user](ctx, acct, req) {
		if err != nil {
			log.Print(err)
			break
		}
		fmt.Println(u.DisplayName, u.Mail)
	}
}
