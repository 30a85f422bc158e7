package o365_test

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/o365go/o365"
)

// Lambdas keep their range variable; the rest of each path follows the protocol's
// case, so one query serves Graph and Outlook REST alike.
func ExampleAny() {
	q := o365.NewQuery().Filter(o365.Any("toRecipients", "r",
		o365.EndsWith("r/emailAddress/address", "@contoso.com")))
	fmt.Println(q.String(o365.Graph()))
	fmt.Println(q.String(o365.Office365()))
	// Output:
	// $filter=toRecipients/any(r:endswith(r/emailAddress/address,'@contoso.com'))
	// $filter=ToRecipients/any(r:endswith(r/EmailAddress/Address,'@contoso.com'))
}

// Or inside And is parenthesised; Not wraps what it negates.
func ExampleOr() {
	q := o365.NewQuery().Filter(o365.And(
		o365.Or(
			o365.Eq("importance", o365.Enum{Type: "microsoft.graph.importance", Value: "high"}),
			o365.Eq("flag/flagStatus", "flagged"),
		),
		o365.Not(o365.StartsWith("subject", "RE:")),
	))
	fmt.Println(q.String(o365.Graph()))
	// Output:
	// $filter=(importance%20eq%20microsoft.graph.importance'high'%20or%20flag/flagStatus%20eq%20'flagged')%20and%20not%20startswith(subject,'RE:')
}

// Directory searches and counts need ConsistencyLevel: eventual, which requests
// carrying such a query send by themselves.
func ExampleQuery_Search() {
	q := o365.NewQuery().Search("displayName:Adele").Count().Select("id", "displayName").Limit(25)
	fmt.Println(q.String(o365.Graph()))
	// Output:
	// $count=true&$search=%22displayName:Adele%22&$select=id,displayName&$top=25
}

// A literal that OData cannot express is an error before anything is sent.
func ExampleQuery_Err() {
	q := o365.NewQuery().Filter(o365.Gt("createdDateTime", time.Duration(5)))
	fmt.Println(q.Err())
	// Output:
	// o365: invalid query: createdDateTime gt: time.Duration has no OData literal here; pass a number or a string
}

func ExampleRewriteKeys() {
	var out bytes.Buffer
	in := `{"@odata.type":"#microsoft.graph.fileAttachment","name":"a.pdf","contentBytes":"JVBERi0="}`
	if err := o365.RewriteKeys(&out, strings.NewReader(in), o365.PascalCase); err != nil {
		fmt.Println(err)
	}
	fmt.Println(out.String())
	// Output:
	// {"@odata.type":"#microsoft.graph.fileAttachment","Name":"a.pdf","ContentBytes":"JVBERi0="}
}

func ExampleProtocol_Scopes() {
	p := o365.Graph()
	fmt.Println(p.Scopes("basic", "message_all", "offline_access", "Mail.Send"))
	fmt.Println(p.DefaultScope())
	// Output:
	// [https://graph.microsoft.com/User.Read https://graph.microsoft.com/Mail.ReadWrite https://graph.microsoft.com/Mail.Send offline_access]
	// https://graph.microsoft.com/.default
}

func ExampleDateTimeTimeZone_Time() {
	d := o365.DateTimeTimeZone{DateTime: "2024-07-01T10:00:00.0000000", TimeZone: "Pacific Standard Time"}
	t, err := d.Time()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.UTC())
	// Output:
	// 2024-07-01 17:00:00 +0000 UTC
}

func ExampleParseAddress() {
	a, err := o365.ParseAddress(`"Smith, Alice" <alice@contoso.com>`)
	fmt.Printf("%q %q %v\n", a.Name, a.Address, err)
	// Output:
	// "Smith, Alice" "alice@contoso.com" <nil>
}
