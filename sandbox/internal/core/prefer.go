package core

import (
	"html"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/o365go/o365/internal/zones"
	_ "time/tzdata" // zones for Prefer: outlook.timezone on hosts without zoneinfo
)

// preferredBodyType returns "text" or "html" when the request sent
// Prefer: outlook.body-content-type with one of them, and records it in
// Preference-Applied; ok is false otherwise (Graph's default is HTML).
func (c *Call) preferredBodyType() (string, bool) {
	v, ok := c.Preference("outlook.body-content-type")
	v = strings.ToLower(v)
	if !ok || (v != "text" && v != "html") {
		return "", false
	}
	c.ApplyPreference(`outlook.body-content-type="` + v + `"`)
	return v, true
}

// WithBodyType returns doc with its itemBody property (e.g. "body") in the
// content type want ("text" or "html"), converting as Outlook does. doc
// itself is not modified. Documents sent through Entity, List, GetEntity
// and Delta get this for "body" and "uniqueBody" when the request prefers
// outlook.body-content-type.
func WithBodyType(doc map[string]any, prop, want string) map[string]any {
	body, ok := doc[prop].(map[string]any)
	if !ok {
		return doc
	}
	have, _ := body["contentType"].(string)
	content, _ := body["content"].(string)
	if strings.EqualFold(have, want) {
		return doc
	}
	switch want {
	case "text":
		content = HTMLToText(content)
	case "html":
		content = "<html><body>" + strings.ReplaceAll(html.EscapeString(content), "\n", "<br>") + "</body></html>"
	default:
		return doc
	}
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		out[k] = v
	}
	out[prop] = map[string]any{"contentType": want, "content": content}
	return out
}

var (
	htmlBreaks = regexp.MustCompile(`(?i)<br\s*/?>|</p\s*>|</div\s*>|</li\s*>|</tr\s*>|</h[1-6]\s*>`)
	htmlHidden = regexp.MustCompile(`(?is)<(head|style|script)\b.*?</(head|style|script)\s*>`)
	htmlTags   = regexp.MustCompile(`(?s)<[^>]*>`)
	blankLines = regexp.MustCompile(`\n{3,}`)
)

// HTMLToText renders HTML as plain text, as Outlook does: tags dropped,
// line breaks kept, entities decoded.
func HTMLToText(s string) string {
	s = htmlHidden.ReplaceAllString(s, "")
	s = htmlBreaks.ReplaceAllString(s, "\n")
	s = htmlTags.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimSpace(blankLines.ReplaceAllString(s, "\n\n"))
}

// LoadZone loads a time zone by its Windows name ("Pacific Standard Time",
// any of CLDR's) or IANA name ("Europe/Paris", "UTC").
func LoadZone(name string) (*time.Location, bool) {
	switch name {
	case "UTC", "Etc/UTC", "tzone://Microsoft/Utc", "Coordinated Universal Time":
		return time.UTC, true
	case "":
		return nil, false
	}
	if loc, ok := zoneCache.Load(name); ok {
		return loc.(*time.Location), true
	}
	iana := name
	if z, _, known := zones.IANAFold(name); known {
		iana = z
	}
	if iana == "Etc/UTC" {
		return time.UTC, true
	}
	loc, err := time.LoadLocation(iana)
	if err != nil {
		return nil, false
	}
	zoneCache.Store(name, loc)
	return loc, true
}

// zoneCache keeps loaded zones by the name asked for: time.LoadLocation
// reads and parses the zone file every time, and calendar views resolve an
// event's zone for every series they expand. Locations are immutable.
var zoneCache sync.Map

// WindowsZoneName returns the Windows name of a zone given by its Windows or
// IANA name, as Outlook's REST API writes zones; ok is false for a zone
// without one.
func WindowsZoneName(name string) (string, bool) {
	switch name {
	case "UTC", "Etc/UTC", "tzone://Microsoft/Utc", "Coordinated Universal Time":
		return "UTC", true
	}
	if _, windows, isWindows := zones.IANAFold(name); isWindows {
		return windows, true
	}
	return zones.WindowsFold(name)
}

// preferredTimeZone returns the zone of Prefer: outlook.timezone (a
// Windows or IANA name) and records it in Preference-Applied; ok is false
// without the header or for an unknown zone (answers then stay in UTC).
func (c *Call) preferredTimeZone() (name string, loc *time.Location, ok bool) {
	v, ok := c.Preference("outlook.timezone")
	if !ok || v == "" {
		return "", nil, false
	}
	loc, ok = LoadZone(v)
	if !ok {
		return "", nil, false
	}
	c.ApplyPreference(`outlook.timezone="` + v + `"`)
	return v, loc, true
}

// localize applies the Outlook preferences every area honours to a
// document about to be sent: Prefer: outlook.timezone converts each
// dateTimeTimeZone value ({"dateTime","timeZone"}) to that zone, and
// Prefer: outlook.body-content-type converts "body" and "uniqueBody". Both
// are then listed in Preference-Applied. doc itself is not modified.
func (c *Call) localize(doc map[string]any) map[string]any {
	if c.localizer == nil {
		l := &localizer{}
		l.zoneName, l.zone, l.hasZone = c.preferredTimeZone()
		l.bodyType, l.hasBody = c.preferredBodyType()
		c.localizer = l
	}
	l := c.localizer
	if l.hasBody {
		doc = WithBodyType(doc, "body", l.bodyType)
		doc = WithBodyType(doc, "uniqueBody", l.bodyType)
	}
	if l.hasZone {
		doc, _ = inZone(doc, l.zoneName, l.zone).(map[string]any)
	}
	return doc
}

// Localize is localize for answers an area writes itself with WriteJSON
// (action results such as getSchedule's): dateTimeTimeZone values move to
// the zone of Prefer: outlook.timezone, bodies to the preferred type.
func (c *Call) Localize(doc map[string]any) map[string]any { return c.localize(doc) }

// PreferredZone returns the zone of Prefer: outlook.timezone and its name as
// the client wrote it (recorded in Preference-Applied); ok is false without
// the header or for an unknown zone.
func (c *Call) PreferredZone() (name string, loc *time.Location, ok bool) {
	return c.preferredTimeZone()
}

// localizer caches the request's Outlook preferences.
type localizer struct {
	zoneName string
	zone     *time.Location
	hasZone  bool
	bodyType string
	hasBody  bool
}

// needsLocalize reports whether localize can change documents, so callers
// can skip decoding them when it cannot.
func (c *Call) needsLocalize() bool {
	_, tz := c.Preference("outlook.timezone")
	_, bt := c.Preference("outlook.body-content-type")
	return tz || bt
}

// inZone copies v with every dateTimeTimeZone value moved to loc.
func inZone(v any, name string, loc *time.Location) any {
	switch v := v.(type) {
	case map[string]any:
		if dt, ok := v["dateTime"].(string); ok && len(v) == 2 {
			if tz, ok := v["timeZone"].(string); ok {
				if t, ok := parseDateTimeTimeZone(dt, tz); ok {
					return DateTimeTimeZone(t, name, loc)
				}
			}
		}
		out := make(map[string]any, len(v))
		for k, val := range v {
			out[k] = inZone(val, name, loc)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, val := range v {
			out[i] = inZone(val, name, loc)
		}
		return out
	default:
		return v
	}
}

// parseDateTimeTimeZone reads a stored dateTimeTimeZone value.
func parseDateTimeTimeZone(dt, tz string) (time.Time, bool) {
	loc, ok := LoadZone(tz)
	if !ok {
		return time.Time{}, false
	}
	for _, layout := range []string{graphDateTimeLayout, "2006-01-02T15:04:05", time.RFC3339Nano} {
		if t, err := time.ParseInLocation(layout, dt, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// graphDateTimeLayout is how Graph writes dateTimeTimeZone.dateTime.
const graphDateTimeLayout = "2006-01-02T15:04:05.0000000"

// DateTimeTimeZone renders t as Graph's {"dateTime","timeZone"} in the zone
// loc named name. Store such values in UTC
// ({"dateTime":"2026-01-05T17:00:00.0000000","timeZone":"UTC"}): answers move
// them to the zone of Prefer: outlook.timezone.
func DateTimeTimeZone(t time.Time, name string, loc *time.Location) map[string]any {
	return map[string]any{"dateTime": t.In(loc).Format(graphDateTimeLayout), "timeZone": name}
}
