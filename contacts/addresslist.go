package contacts

import (
	"context"
	"errors"
	"iter"
	"strings"

	"github.com/o365go/o365"
)

// SearchAddressList searches the organization's address list (the
// directory's people, python-o365's GlobalAddressList) for those whose name,
// mail address or user principal name has a word starting with text, as
// Graph's directory search matches. q may select, order and limit them.
// The search is an advanced query: the request carries ConsistencyLevel:
// eventual, so a person added a moment ago may not be found yet.
//
// Graph: GET /users?$search="displayName:text" OR "mail:text"
// (https://learn.microsoft.com/graph/search-query-parameter).
func (b *AddressBook) SearchAddressList(ctx context.Context, text string, q *o365.Query) iter.Seq2[*o365.User, error] {
	text = strings.TrimSpace(text)
	if text == "" {
		return func(yield func(*o365.User, error) bool) {
			yield(nil, errors.New("contacts: search the address list: empty text; give a name or an address"))
		}
	}
	esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(text)
	var clauses []string
	for _, p := range []string{"displayName", "mail", "userPrincipalName"} {
		clauses = append(clauses, `"`+p+":"+esc+`"`)
	}
	q = q.Clone()
	if q == nil {
		q = o365.NewQuery()
	}
	q = q.SearchRaw(strings.Join(clauses, " OR "))
	return o365.List[o365.User](ctx, b.acct, &o365.Request{Path: "/users", Query: q, Collection: "/users"})
}
