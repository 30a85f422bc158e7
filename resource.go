package o365

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// ErrInvalidResource is matched by errors.Is for every resource that cannot be
// parsed; the error's text says what was wrong.
var ErrInvalidResource = errors.New("o365: invalid resource")

// ResourceKind says whose data a Resource names.
type ResourceKind int

// Resource kinds.
const (
	KindMe    ResourceKind = iota // the signed-in user
	KindUser                      // users/{id or address}
	KindSite                      // sites/{id}
	KindGroup                     // groups/{id}
	KindPath                      // an explicit path such as teams/{id}, drives/{id}, chats/{id}
)

// Resource says whose data a call touches: "me", a user, a SharePoint site, a
// group, or an explicit path. Its zero value is "me". Build one with ParseResource.
type Resource struct {
	kind ResourceKind
	path string // escaped path, without leading or trailing slash; "" for me
	// group is the mail address of a group named as group:team@contoso.com,
	// whose id Graph needs in paths: the account looks it up once, on the
	// first request (path is "" until then).
	group string
}

// Me is the signed-in user.
var Me = Resource{}

// explicitRoots are the first path segments that pass through ParseResource as
// written (after validation and escaping).
var explicitRoots = map[string]bool{
	"users": true, "sites": true, "groups": true, "teams": true, "drives": true,
	"chats": true, "planner": true, "solutions": true, "communications": true,
	"shares": true, "admin": true, "directory": true,
}

// ParseResource parses a resource string:
//
//	me                          the signed-in user (also "")
//	user:ID, user:a@b.c, a@b.c  users/ID
//	sharepoint:ID, site:ID      sites/ID
//	group:ID                    groups/ID
//	group:team@contoso.com      groups/{the id of the group with that address}
//	users/..., sites/..., groups/..., teams/..., drives/..., chats/...   as written
//
// Graph addresses a group by id only; a group named by its mail address is
// looked up by the account on its first request that needs the id (see
// Account.ResolveResource), and the id is remembered.
//
// Prefixes are case-insensitive and surrounding whitespace is trimmed; ids are
// path-escaped. A malformed resource is an error wrapping ErrInvalidResource,
// never a wrong URL.
func ParseResource(s string) (Resource, error) {
	in := s
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "me") {
		return Me, nil
	}
	if err := checkChars(in, s); err != nil {
		return Resource{}, err
	}
	if prefix, id, ok := strings.Cut(s, ":"); ok && !strings.Contains(prefix, "/") && !strings.Contains(prefix, "@") {
		id = strings.TrimSpace(id)
		var kind ResourceKind
		var root string
		switch strings.ToLower(strings.TrimSpace(prefix)) {
		case "user":
			kind, root = KindUser, "users"
		case "sharepoint", "site":
			kind, root = KindSite, "sites"
		case "group":
			kind, root = KindGroup, "groups"
		default:
			return Resource{}, fmt.Errorf("%w %q: unknown prefix %q; use me, user:, sharepoint:, site:, group: or a path such as users/ID", ErrInvalidResource, in, prefix)
		}
		if id == "" {
			return Resource{}, fmt.Errorf("%w %q: empty id after %q", ErrInvalidResource, in, prefix+":")
		}
		if kind == KindUser && strings.Contains(id, "@") {
			if err := checkAddress(in, id); err != nil {
				return Resource{}, err
			}
		}
		if kind == KindGroup && strings.Contains(id, "@") {
			if err := checkAddress(in, id); err != nil {
				return Resource{}, err
			}
			if strings.Contains(id, "/") {
				return Resource{}, fmt.Errorf("%w %q: a mail address must not contain '/'", ErrInvalidResource, in)
			}
			return Resource{kind: KindGroup, group: id}, nil
		}
		if kind == KindSite {
			// A site id may be hostname,siteId,webId or hostname:/server/path: keep
			// its separators, which Graph parses, but escape everything else.
			if err := checkSiteID(in, id); err != nil {
				return Resource{}, err
			}
			return Resource{kind: kind, path: root + "/" + escapeSiteID(id)}, nil
		}
		if strings.Contains(id, "/") {
			return Resource{}, fmt.Errorf("%w %q: the id must not contain '/'", ErrInvalidResource, in)
		}
		return Resource{kind: kind, path: root + "/" + escapeSegment(id)}, nil
	}
	if !strings.Contains(s, "/") && strings.Contains(s, "@") {
		if err := checkAddress(in, s); err != nil {
			return Resource{}, err
		}
		return Resource{kind: KindUser, path: "users/" + escapeSegment(s)}, nil
	}
	segs := strings.Split(strings.Trim(s, "/"), "/")
	root := strings.ToLower(segs[0])
	if !explicitRoots[root] {
		return Resource{}, fmt.Errorf("%w %q: unknown resource; use me, user:ID, a mail address, sharepoint:ID, site:ID, group:ID or a path such as users/ID", ErrInvalidResource, in)
	}
	if len(segs) < 2 && root != "planner" && root != "admin" && root != "directory" && root != "solutions" && root != "communications" {
		return Resource{}, fmt.Errorf("%w %q: %s/ needs an id", ErrInvalidResource, in, root)
	}
	out := make([]string, len(segs))
	out[0] = root
	for i, seg := range segs[1:] {
		if strings.TrimSpace(seg) == "" {
			return Resource{}, fmt.Errorf("%w %q: empty path segment", ErrInvalidResource, in)
		}
		if root == "sites" {
			out[i+1] = escapeSiteID(seg)
		} else {
			out[i+1] = escapeSegment(seg)
		}
	}
	kind := KindPath
	switch root {
	case "users":
		kind = KindUser
	case "sites":
		kind = KindSite
	case "groups":
		kind = KindGroup
	}
	return Resource{kind: kind, path: strings.Join(out, "/")}, nil
}

func checkChars(in, s string) error {
	for _, r := range s {
		if unicode.IsControl(r) {
			return fmt.Errorf("%w %q: control characters are not allowed", ErrInvalidResource, in)
		}
	}
	for _, seg := range strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == ':' || r == '\\' }) {
		if seg == ".." || seg == "." {
			return fmt.Errorf("%w %q: '.' and '..' segments are not allowed", ErrInvalidResource, in)
		}
	}
	if strings.ContainsAny(s, "?#\\") {
		return fmt.Errorf("%w %q: '?', '#' and '\\' are not allowed", ErrInvalidResource, in)
	}
	return nil
}

func checkAddress(in, addr string) error {
	if strings.ContainsFunc(addr, unicode.IsSpace) {
		return fmt.Errorf("%w %q: a mail address must not contain spaces", ErrInvalidResource, in)
	}
	local, domain, _ := strings.Cut(addr, "@")
	if local == "" || domain == "" || strings.Contains(domain, "@") {
		return fmt.Errorf("%w %q: %q is not a mail address", ErrInvalidResource, in, addr)
	}
	return nil
}

// checkSiteID accepts the forms Graph documents for a site: an id,
// hostname,siteId,webId, and hostname:/server-relative/path[:].
func checkSiteID(in, id string) error {
	host, path, pathForm := strings.Cut(id, ":/")
	if !pathForm {
		if strings.ContainsAny(id, "/:") && !strings.Contains(id, ",") || strings.Contains(id, "/") {
			return fmt.Errorf("%w %q: a site id is ID, hostname,siteId,webId or hostname:/path", ErrInvalidResource, in)
		}
		for _, p := range strings.Split(id, ",") {
			if strings.TrimSpace(p) == "" {
				return fmt.Errorf("%w %q: empty part in site id", ErrInvalidResource, in)
			}
		}
		return nil
	}
	if host == "" || strings.ContainsAny(host, "/:") {
		return fmt.Errorf("%w %q: the hostname:/path form needs a hostname", ErrInvalidResource, in)
	}
	path = strings.TrimSuffix(path, ":")
	for _, seg := range strings.Split(path, "/") {
		if strings.TrimSpace(seg) == "" || strings.Contains(seg, ":") {
			return fmt.Errorf("%w %q: empty or malformed segment in the site path", ErrInvalidResource, in)
		}
	}
	return nil
}

// escapeSegment escapes one path segment; '@' stays literal as Graph expects it.
func escapeSegment(s string) string { return url.PathEscape(s) }

// escapeSiteID escapes a SharePoint site id but keeps ',' and ':' which separate
// the host, site and web ids and the server-relative path form.
func escapeSiteID(s string) string {
	parts := strings.Split(s, ",")
	for i, p := range parts {
		sub := strings.Split(p, ":")
		for j, q := range sub {
			segs := strings.Split(q, "/")
			for k, seg := range segs {
				segs[k] = url.PathEscape(seg)
			}
			sub[j] = strings.Join(segs, "/")
		}
		parts[i] = strings.Join(sub, ":")
	}
	return strings.Join(parts, ",")
}

// String returns the resource's path as used in URLs: "me",
// "users/alice@contoso.com"; for a group named by address and not looked up
// yet, "group:team@contoso.com" (see GroupAddress).
func (r Resource) String() string {
	if r.group != "" {
		return "group:" + r.group
	}
	if r.path == "" {
		return "me"
	}
	return r.path
}

// GroupAddress returns the mail address of a group named as
// group:team@contoso.com, whose id is looked up on first use; "" for every
// other resource.
func (r Resource) GroupAddress() string { return r.group }

// Kind reports whose data the resource names.
func (r Resource) Kind() ResourceKind { return r.kind }

// IsMe reports whether the resource is the signed-in user.
func (r Resource) IsMe() bool { return r.kind == KindMe }

// MarshalText implements encoding.TextMarshaler.
func (r Resource) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseResource.
func (r *Resource) UnmarshalText(b []byte) error {
	v, err := ParseResource(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}
