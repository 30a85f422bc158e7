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
//	sharepoint:SITE, site:SITE  sites/SITE, where SITE is root, a host name
//	                            (its root site), host:/server-relative/path or
//	                            host,siteId,webId (see below)
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
//
// Sites have one canonical form each, so that every way of naming a site
// gives the same resource: "sharepoint:contoso.sharepoint.com:/sites/team",
// "site:contoso.sharepoint.com:/sites/team:" and
// "sites/contoso.sharepoint.com:/sites/team" are all
// "sites/contoso.sharepoint.com:/sites/team:" (the closing ':' lets paths
// below the site follow); host names and GUIDs are lower-cased; "host:/" is
// the host itself, its root site. A site id must be host,siteId,webId with
// two GUIDs.
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
			site, err := parseSite(in, id)
			if err != nil {
				return Resource{}, err
			}
			return Resource{kind: kind, path: root + "/" + site}, nil
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
	if root == "sites" && len(segs) > 1 {
		return parseSitesPath(in, strings.Join(segs[1:], "/"))
	}
	if !explicitRoots[root] {
		return Resource{}, fmt.Errorf("%w %q: unknown resource; use me, user:ID, a mail address, sharepoint:SITE, site:SITE, group:ID or a path such as users/ID", ErrInvalidResource, in)
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
		out[i+1] = escapeSegment(seg)
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

// siteForms is what every error about a site reference offers instead.
const siteForms = "a site is root, a host name (contoso.sharepoint.com), host:/server-relative/path (contoso.sharepoint.com:/sites/team) or host,siteId,webId"

// parseSite checks a SharePoint site reference and returns it as the
// escaped segment(s) after "sites/", in one canonical form per site:
//
//	root                                  root
//	contoso.sharepoint.com                contoso.sharepoint.com (the host's root site)
//	contoso.sharepoint.com:/              contoso.sharepoint.com
//	contoso.sharepoint.com:/sites/team[:] contoso.sharepoint.com:/sites/team:
//	host,siteGuid,webGuid                 host,siteguid,webguid
//
// The host is lower-cased (host names and GUIDs ignore case); the path
// keeps its case and is closed with ':' so that later segments (/lists)
// are not read as part of it.
func parseSite(in, ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	if strings.EqualFold(ref, "root") {
		return "root", nil
	}
	if host, path, ok := strings.Cut(ref, ":"); ok {
		if !validHost(host) {
			return "", fmt.Errorf("%w %q: %q is not a host name; %s", ErrInvalidResource, in, host, siteForms)
		}
		if !strings.HasPrefix(path, "/") {
			return "", fmt.Errorf("%w %q: after %q comes a server-relative path such as /sites/team; %s", ErrInvalidResource, in, host+":", siteForms)
		}
		path = strings.TrimSuffix(strings.TrimSuffix(path, ":"), "/")
		if path == "" {
			return strings.ToLower(host), nil
		}
		segs := strings.Split(path[1:], "/")
		for i, seg := range segs {
			if strings.TrimSpace(seg) == "" || strings.Contains(seg, ":") {
				return "", fmt.Errorf("%w %q: empty or malformed segment %q in the site path; %s", ErrInvalidResource, in, seg, siteForms)
			}
			segs[i] = escapeSegment(seg)
		}
		return strings.ToLower(host) + ":/" + strings.Join(segs, "/") + ":", nil
	}
	if parts := strings.Split(ref, ","); len(parts) > 1 {
		if len(parts) != 3 || !validHost(parts[0]) || !validGUID(parts[1]) || !validGUID(parts[2]) {
			return "", fmt.Errorf("%w %q: a site id is host,siteId,webId with two GUIDs; %s", ErrInvalidResource, in, siteForms)
		}
		return strings.ToLower(ref), nil
	}
	if validHost(ref) {
		return strings.ToLower(ref), nil
	}
	return "", fmt.Errorf("%w %q: %s", ErrInvalidResource, in, siteForms)
}

// parseSitesPath reads an explicit "sites/..." resource: a site reference
// (see parseSite), then optional segments below the site.
func parseSitesPath(in, rest string) (Resource, error) {
	ref, tail := rest, ""
	if i := strings.Index(rest, ":/"); i >= 0 {
		// The path form runs to the next ':' (or the end).
		if j := strings.IndexByte(rest[i+2:], ':'); j >= 0 {
			ref, tail = rest[:i+2+j+1], rest[i+2+j+1:]
		}
	} else if j := strings.IndexByte(rest, '/'); j >= 0 {
		ref, tail = rest[:j], rest[j:]
	}
	site, err := parseSite(in, ref)
	if err != nil {
		return Resource{}, err
	}
	path := "sites/" + site
	if tail = strings.Trim(tail, "/"); tail != "" {
		if !strings.HasPrefix(rest[len(ref):], "/") {
			return Resource{}, fmt.Errorf("%w %q: the site path must end with ':' before what follows it", ErrInvalidResource, in)
		}
		for _, seg := range strings.Split(tail, "/") {
			if strings.TrimSpace(seg) == "" {
				return Resource{}, fmt.Errorf("%w %q: empty path segment", ErrInvalidResource, in)
			}
			path += "/" + escapeSegment(seg)
		}
	}
	return Resource{kind: KindSite, path: path}, nil
}

// validHost reports whether s is a DNS host name with at least two labels.
func validHost(s string) bool {
	if len(s) > 253 || !strings.Contains(s, ".") {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// validGUID reports whether s is a GUID in its 8-4-4-4-12 hex form.
func validGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
				return false
			}
		}
	}
	return true
}

// escapeSegment escapes one path segment; '@' stays literal as Graph expects it.
func escapeSegment(s string) string { return url.PathEscape(s) }

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
