package mail

import (
	"context"
	"iter"

	"github.com/o365go/o365"
	"github.com/o365go/o365/outlook"
)

// The master list of categories is the mailbox's, shared with calendar,
// contacts and To Do: the outlook package holds it; these methods reach it
// from a Mailbox.

// Category is an entry of the mailbox's master list of categories.
type Category = outlook.Category

// ListCategories lists the mailbox's master list of categories.
//
// Graph: GET /me/outlook/masterCategories
// (https://learn.microsoft.com/graph/api/outlookuser-list-mastercategories).
func (m *Mailbox) ListCategories(ctx context.Context, q *o365.Query) iter.Seq2[*Category, error] {
	return outlook.ListCategories(ctx, m.acct, q)
}

// GetCategory loads a category of the master list by id.
//
// Graph: GET /me/outlook/masterCategories/{id}
// (https://learn.microsoft.com/graph/api/outlookcategory-get).
func (m *Mailbox) GetCategory(ctx context.Context, id string) (*Category, error) {
	return outlook.GetCategory(ctx, m.acct, id)
}

// Category returns the category with the given id without a request.
func (m *Mailbox) Category(id string) *Category { return outlook.CategoryByID(m.acct, id) }

// CreateCategory adds a category to the master list, exactly once (see
// outlook.CreateCategory); color is one of the outlook.Category* colours.
//
// Graph: POST /me/outlook/masterCategories
// (https://learn.microsoft.com/graph/api/outlookuser-post-mastercategories).
func (m *Mailbox) CreateCategory(ctx context.Context, name, color string) (*Category, error) {
	return outlook.CreateCategory(ctx, m.acct, name, color)
}

// TranslateExchangeIDs translates ids of the mailbox's items between
// formats (see outlook.TranslateExchangeIDs).
//
// Graph: POST /me/translateExchangeIds
// (https://learn.microsoft.com/graph/api/user-translateexchangeids).
func (m *Mailbox) TranslateExchangeIDs(ctx context.Context, ids []string, from, to string) ([]*outlook.ConvertIDResult, error) {
	return outlook.TranslateExchangeIDs(ctx, m.acct, ids, from, to)
}
