package directory

import (
	"context"
	"errors"
	"fmt"

	"github.com/o365go/o365"
)

// Card is what a person card shows, presence aside: the person, their
// manager, who reports to them and their photo's metadata.
type Card struct {
	User *o365.User
	// Manager is nil when the person has none.
	Manager *o365.User
	// DirectReports are the first 100 people who report to the person.
	DirectReports []*o365.User
	// Photo is nil when the person has none.
	Photo *o365.ProfilePhoto
}

// cardSelect are the properties a person card shows.
var cardSelect = []string{"id", "displayName", "givenName", "surname", "jobTitle", "department", "officeLocation",
	"mail", "userPrincipalName", "businessPhones", "mobilePhone", "companyName", "city", "country", "preferredLanguage"}

// GetCard reads a person card in one $batch request: the user, their
// manager, their direct reports and their photo's metadata.
//
// Graph: POST /$batch (https://learn.microsoft.com/graph/json-batching) of
// GET /users/{id}, /manager, /directReports and /photo.
func (d *Directory) GetCard(ctx context.Context, userID string) (*Card, error) {
	var (
		user, manager o365.User
		reports       o365.Page[o365.User]
		photo         o365.ProfilePhoto
	)
	sel := o365.NewQuery().Select(cardSelect...)
	items := []*o365.BatchItem{
		{ID: "user", Request: &o365.Request{Path: userPath(userID), Query: sel}, Out: &user},
		{ID: "manager", Request: &o365.Request{Path: userPath(userID, "manager"), Query: sel}, Out: &manager},
		{ID: "reports", Request: &o365.Request{Path: userPath(userID, "directReports"), Query: sel.Clone().Top(100)}, Out: &reports},
		{ID: "photo", Request: &o365.Request{Path: userPath(userID, "photo")}, Out: &photo},
	}
	results, err := d.acct.Batch(ctx, items, nil)
	if err != nil {
		return nil, fmt.Errorf("directory: card of %q: %w", userID, err)
	}
	card := &Card{User: &user, DirectReports: reports.Value}
	for _, r := range results {
		missing := errors.Is(r.Err, o365.ErrNotFound)
		switch {
		case r.Err != nil && (r.ID == "user" || !missing):
			return nil, fmt.Errorf("directory: card of %q: %s: %w", userID, r.ID, r.Err)
		case r.ID == "manager" && !missing:
			card.Manager = &manager
		case r.ID == "photo" && !missing:
			card.Photo = &photo
		}
	}
	for _, u := range append([]*o365.User{card.User, card.Manager}, card.DirectReports...) {
		if u != nil {
			if err := bindUser(u, d.acct); err != nil {
				return nil, err
			}
		}
	}
	return card, nil
}
