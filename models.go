package o365

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
)

// EmailAddress is Graph's emailAddress: a display name and an SMTP address.
type EmailAddress struct {
	Name    string `json:"name,omitzero"`
	Address string `json:"address,omitzero"`
}

// ErrInvalidAddress is wrapped by the errors of ParseAddress and Recipients.
var ErrInvalidAddress = errors.New("o365: invalid email address")

// ParseAddress parses one address as people write it: "alice@contoso.com",
// "Alice <alice@contoso.com>" or "\"Smith, Alice\" <alice@contoso.com>" (RFC 5322,
// with RFC 2047 encoded names decoded).
func ParseAddress(s string) (EmailAddress, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return EmailAddress{}, fmt.Errorf("%w: empty", ErrInvalidAddress)
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return EmailAddress{}, fmt.Errorf("%w: %q: %v", ErrInvalidAddress, s, err)
	}
	// net/mail accepts quoted local parts, which may hold spaces; Graph and
	// Exchange do not.
	if a.Address == "" || strings.IndexFunc(a.Address, unicode.IsSpace) >= 0 || strings.ContainsAny(a.Address, `"<>`) {
		return EmailAddress{}, fmt.Errorf("%w: %q", ErrInvalidAddress, s)
	}
	return EmailAddress{Name: a.Name, Address: a.Address}, nil
}

// String formats the address as a header value: "Alice <alice@contoso.com>",
// quoting and encoding the name as needed, or the bare address without a name.
func (e EmailAddress) String() string {
	if e.Name == "" {
		return e.Address
	}
	return (&mail.Address{Name: e.Name, Address: e.Address}).String()
}

// Recipient is Graph's recipient: a wrapper around an email address, as used in
// toRecipients, ccRecipients, from and attendees.
type Recipient struct {
	EmailAddress EmailAddress `json:"emailAddress,omitzero"`
}

// Recipients parses each address with ParseAddress; the first failure is returned
// with its position.
func Recipients(addrs ...string) ([]Recipient, error) {
	out := make([]Recipient, 0, len(addrs))
	for i, s := range addrs {
		a, err := ParseAddress(s)
		if err != nil {
			return nil, fmt.Errorf("recipient %d: %w", i+1, err)
		}
		out = append(out, Recipient{EmailAddress: a})
	}
	return out, nil
}

// Body content types of ItemBody.
const (
	ContentText = "text"
	ContentHTML = "html"
)

// ItemBody is Graph's itemBody: the body of a message, event or post.
type ItemBody struct {
	// ContentType is ContentText or ContentHTML.
	ContentType string `json:"contentType,omitzero"`
	Content     string `json:"content,omitzero"`
}

// IdentitySet is Graph's identitySet: who (user, application, device) did
// something, such as createdBy or lastModifiedBy.
type IdentitySet struct {
	User        *Identity `json:"user,omitzero"`
	Application *Identity `json:"application,omitzero"`
	Device      *Identity `json:"device,omitzero"`
}

// Identity is Graph's identity: an id and a display name.
type Identity struct {
	ID          string `json:"id,omitzero"`
	DisplayName string `json:"displayName,omitzero"`
}

// ItemReference is Graph's itemReference: where a drive item, list or list
// item is (its drive, its parent's id and path, its site).
type ItemReference struct {
	DriveID   string `json:"driveId,omitzero"`
	DriveType string `json:"driveType,omitzero"`
	ID        string `json:"id,omitzero"`
	Name      string `json:"name,omitzero"`
	// Path is the parent's path, "/drive/root:/Documents" or
	// "/drives/{id}/root:/Documents"; delta answers leave it out.
	Path          string         `json:"path,omitzero"`
	ShareID       string         `json:"shareId,omitzero"`
	SiteID        string         `json:"siteId,omitzero"`
	SharePointIDs *SharePointIDs `json:"sharepointIds,omitzero"`
}

// SharePointIDs are SharePoint's own identifiers of a site, list, list item
// or drive item (Graph's sharepointIds), returned when selected.
type SharePointIDs struct {
	ListID           string `json:"listId,omitzero"`
	ListItemID       string `json:"listItemId,omitzero"`
	ListItemUniqueID string `json:"listItemUniqueId,omitzero"`
	SiteID           string `json:"siteId,omitzero"`
	SiteURL          string `json:"siteUrl,omitzero"`
	TenantID         string `json:"tenantId,omitzero"`
	WebID            string `json:"webId,omitzero"`
}

// Location is Graph's location: where an event happens or a meeting request
// points to.
type Location struct {
	DisplayName string `json:"displayName,omitzero"`
	// LocationType is "default", "conferenceRoom", "homeAddress",
	// "businessAddress", "geoCoordinates", "streetAddress", "hotel",
	// "restaurant", "localBusiness" or "postalAddress".
	LocationType         string                 `json:"locationType,omitzero"`
	LocationEmailAddress string                 `json:"locationEmailAddress,omitzero"`
	LocationURI          string                 `json:"locationUri,omitzero"`
	Address              *PhysicalAddress       `json:"address,omitzero"`
	Coordinates          *OutlookGeoCoordinates `json:"coordinates,omitzero"`
	UniqueID             string                 `json:"uniqueId,omitzero"`
	// UniqueIDType is "unknown", "locationStore", "directory", "private" or
	// "bing".
	UniqueIDType string `json:"uniqueIdType,omitzero"`
}

// PhysicalAddress is Graph's physicalAddress: a street address.
type PhysicalAddress struct {
	Street          string `json:"street,omitzero"`
	City            string `json:"city,omitzero"`
	State           string `json:"state,omitzero"`
	PostalCode      string `json:"postalCode,omitzero"`
	CountryOrRegion string `json:"countryOrRegion,omitzero"`
}

// OutlookGeoCoordinates is Graph's outlookGeoCoordinates: a position on the
// globe, with accuracies in metres.
type OutlookGeoCoordinates struct {
	Latitude         float64 `json:"latitude,omitzero"`
	Longitude        float64 `json:"longitude,omitzero"`
	Altitude         float64 `json:"altitude,omitzero"`
	Accuracy         float64 `json:"accuracy,omitzero"`
	AltitudeAccuracy float64 `json:"altitudeAccuracy,omitzero"`
}

// TimeSlot is Graph's timeSlot: a span of time, such as a proposed new time
// for a meeting.
type TimeSlot struct {
	Start DateTimeTimeZone `json:"start,omitzero"`
	End   DateTimeTimeZone `json:"end,omitzero"`
}

// PatternedRecurrence is Graph's patternedRecurrence: how a series of events
// (or tasks) repeats and for how long.
type PatternedRecurrence struct {
	Pattern RecurrencePattern `json:"pattern,omitzero"`
	Range   RecurrenceRange   `json:"range,omitzero"`
}

// RecurrencePattern is Graph's recurrencePattern: how often a series
// repeats.
type RecurrencePattern struct {
	// Type is "daily", "weekly", "absoluteMonthly", "relativeMonthly",
	// "absoluteYearly" or "relativeYearly".
	Type string `json:"type,omitzero"`
	// Interval is the number of units (days, weeks, months, years) between
	// occurrences.
	Interval int `json:"interval,omitzero"`
	// DaysOfWeek holds lower-case English day names ("monday").
	DaysOfWeek     []string `json:"daysOfWeek,omitzero"`
	FirstDayOfWeek string   `json:"firstDayOfWeek,omitzero"`
	// Index is "first", "second", "third", "fourth" or "last", for the
	// relative patterns.
	Index      string `json:"index,omitzero"`
	DayOfMonth int    `json:"dayOfMonth,omitzero"`
	Month      int    `json:"month,omitzero"`
}

// RecurrenceRange is Graph's recurrenceRange: when a series starts and ends.
type RecurrenceRange struct {
	// Type is "endDate", "noEnd" or "numbered".
	Type string `json:"type,omitzero"`
	// StartDate and EndDate are dates, "2006-01-02".
	StartDate           string `json:"startDate,omitzero"`
	EndDate             string `json:"endDate,omitzero"`
	NumberOfOccurrences int    `json:"numberOfOccurrences,omitzero"`
	// RecurrenceTimeZone is the zone StartDate and EndDate are read in.
	RecurrenceTimeZone string `json:"recurrenceTimeZone,omitzero"`
}
