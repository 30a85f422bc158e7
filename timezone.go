package o365

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/o365go/o365/internal/zones"
)

// ErrUnknownTimeZone is wrapped by the errors of the time-zone conversions when a
// zone has no counterpart in the Windows <-> IANA table.
var ErrUnknownTimeZone = errors.New("o365: unknown time zone")

// WindowsZone returns the Windows time-zone name of loc ("Pacific Standard Time"
// for America/Los_Angeles), as Graph's Prefer: outlook.timezone header and
// dateTimeTimeZone values want it. A nil loc and time.UTC give "UTC".
//
// time.Local has no name of its own; it is resolved through $TZ or the target of
// /etc/localtime. Where neither names a zone, load a named zone with
// time.LoadLocation and use that instead.
func WindowsZone(loc *time.Location) (string, error) {
	if loc == nil || loc == time.UTC {
		return "UTC", nil
	}
	name := loc.String()
	if loc == time.Local || name == "Local" {
		var err error
		if name, err = localZoneName(os.LookupEnv, os.Readlink); err != nil {
			return "", err
		}
	}
	if w, ok := zones.Windows(name); ok {
		return w, nil
	}
	return "", fmt.Errorf("%w: no Windows name for %q", ErrUnknownTimeZone, name)
}

// localZoneName finds the IANA name behind time.Local the way the time package
// chose it: $TZ first (":" prefix and zoneinfo paths allowed), then /etc/localtime.
func localZoneName(getenv func(string) (string, bool), readlink func(string) (string, error)) (string, error) {
	if tz, ok := getenv("TZ"); ok {
		tz = strings.TrimPrefix(tz, ":")
		if tz == "" {
			return "UTC", nil // an empty $TZ means UTC to the time package
		}
		if name := zoneFromPath(tz); name != "" {
			return name, nil
		}
		return "", fmt.Errorf("%w: cannot name the local zone from TZ=%q; use time.LoadLocation with an IANA name", ErrUnknownTimeZone, tz)
	}
	target, err := readlink("/etc/localtime")
	if err != nil {
		return "", fmt.Errorf("%w: the local zone has no name (%v); set TZ or use time.LoadLocation with an IANA name", ErrUnknownTimeZone, err)
	}
	if name := zoneFromPath(target); name != "" {
		return name, nil
	}
	return "", fmt.Errorf("%w: cannot name the local zone from /etc/localtime -> %q; set TZ or use time.LoadLocation with an IANA name", ErrUnknownTimeZone, target)
}

// zoneFromPath turns "Europe/Paris" or ".../zoneinfo/Europe/Paris" into the zone
// name, and anything else into "".
func zoneFromPath(p string) string {
	p = filepath.ToSlash(p)
	if i := strings.LastIndex(p, "zoneinfo/"); i >= 0 {
		p = p[i+len("zoneinfo/"):]
	}
	p = strings.TrimPrefix(p, "posix/")
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, "..") {
		return ""
	}
	return p
}

// IANAZone loads the zone named by a Windows time-zone name ("W. Europe Standard
// Time" -> Europe/Berlin). Like python-o365 it also tries name + " Standard Time",
// so "Pacific" works. The zone database comes from the system or from an imported
// time/tzdata package; programs for systems without one should import it.
func IANAZone(windows string) (*time.Location, error) {
	windows = strings.TrimSpace(windows)
	name, ok := zones.IANA(windows)
	if !ok {
		name, ok = zones.IANA(windows + " Standard Time")
	}
	if !ok {
		return nil, fmt.Errorf("%w: no IANA zone for Windows name %q", ErrUnknownTimeZone, windows)
	}
	if name == "Etc/UTC" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("o365: loading %q for Windows zone %q: %w", name, windows, err)
	}
	return loc, nil
}

// PreferTimeZone returns the Prefer header value asking Graph for dates in the
// protocol's zone, such as outlook.timezone="Pacific Standard Time". A nil
// TimeZone, and a zone without a Windows name, give "UTC": dates still name
// their zone, so the instants stay right.
func (p *Protocol) PreferTimeZone() string {
	w := "UTC"
	if p != nil {
		if name, err := WindowsZone(p.TimeZone); err == nil {
			w = name
		}
	}
	return `outlook.timezone="` + w + `"`
}

// DateTimeTimeZone is Graph's dateTimeTimeZone: a wall-clock time and the zone it
// is read in, either a Windows name ("Pacific Standard Time") or an IANA name.
type DateTimeTimeZone struct {
	DateTime string `json:"dateTime,omitzero"`
	TimeZone string `json:"timeZone,omitzero"`
}

// graphDateTime is the layout Graph writes: seven fractional digits, no offset.
const graphDateTime = "2006-01-02T15:04:05.0000000"

// NewDateTimeTimeZone returns t as a dateTimeTimeZone in t's own zone. A zone
// without a Windows name is sent as the same instant in UTC.
func NewDateTimeTimeZone(t time.Time) DateTimeTimeZone {
	w, err := WindowsZone(t.Location())
	if err != nil {
		t, w = t.UTC(), "UTC"
	}
	return DateTimeTimeZone{DateTime: t.Format(graphDateTime), TimeZone: w}
}

// Time returns the instant d names. The zone may be a Windows or an IANA name;
// an empty zone means UTC, as Graph does for such values. A DateTime carrying its
// own offset ("...Z", "+02:00") is taken as written.
func (d DateTimeTimeZone) Time() (time.Time, error) {
	s := strings.TrimSpace(d.DateTime)
	if s == "" {
		return time.Time{}, errors.New("o365: dateTimeTimeZone has no dateTime")
	}
	loc, err := zoneByName(strings.TrimSpace(d.TimeZone))
	if err != nil {
		return time.Time{}, err
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, loc); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("o365: dateTimeTimeZone: bad dateTime %q", d.DateTime)
	}
	return t, nil
}

// LoadZone loads a zone by its Windows name ("W. Europe Standard Time", as
// Outlook REST and Exchange write zones) or IANA name ("Europe/Berlin"); ""
// and "UTC" are UTC. The error wraps ErrUnknownTimeZone for a name neither
// knows.
func LoadZone(name string) (*time.Location, error) { return zoneByName(strings.TrimSpace(name)) }

// zoneByName resolves a Windows or IANA zone name.
func zoneByName(name string) (*time.Location, error) {
	switch name {
	case "", "UTC", "Etc/UTC", "tzone://Microsoft/Utc":
		return time.UTC, nil
	}
	if loc, err := IANAZone(name); err == nil {
		return loc, nil
	} else if !errors.Is(err, ErrUnknownTimeZone) {
		return nil, err
	}
	// IANA names: those of the table, and newer ones the system database knows.
	if _, ok := zones.Windows(name); ok || (strings.Contains(name, "/") && name != "Local") {
		if loc, err := time.LoadLocation(name); err == nil {
			return loc, nil
		}
	}
	return nil, fmt.Errorf("%w: %q is neither a Windows nor a known IANA zone name", ErrUnknownTimeZone, name)
}
