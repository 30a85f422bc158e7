package o365

import (
	"errors"
	"strings"
	"testing"
)

func TestParseResource(t *testing.T) {
	valid := []struct{ in, want string }{
		{"", "me"},
		{"me", "me"},
		{"  ME ", "me"},
		{"user:123", "users/123"},
		{"USER:123", "users/123"},
		{"user:alice@contoso.com", "users/alice@contoso.com"},
		{" user: alice@contoso.com ", "users/alice@contoso.com"},
		{"alice@contoso.com", "users/alice@contoso.com"},
		{"  bob@contoso.com\t", "users/bob@contoso.com"},
		{"sharepoint:contoso.sharepoint.com", "sites/contoso.sharepoint.com"},
		{"sharepoint:Contoso.SharePoint.com:/", "sites/contoso.sharepoint.com"},
		{"sharepoint:root", "sites/root"},
		{"site:ROOT", "sites/root"},
		{"sharepoint:contoso.sharepoint.com:/sites/team", "sites/contoso.sharepoint.com:/sites/team:"},
		{"sharepoint:contoso.sharepoint.com:/sites/team:", "sites/contoso.sharepoint.com:/sites/team:"},
		{"sharepoint:contoso.sharepoint.com:/sites/team/", "sites/contoso.sharepoint.com:/sites/team:"},
		{"sharepoint:contoso.sharepoint.com:/sites/My Team", "sites/contoso.sharepoint.com:/sites/My%20Team:"},
		{"Site:contoso.sharepoint.com,2C712604-1370-44E7-A1F5-426573FDA80A,2d2244c3-251a-49ea-93a8-39e1c3a060fe",
			"sites/contoso.sharepoint.com,2c712604-1370-44e7-a1f5-426573fda80a,2d2244c3-251a-49ea-93a8-39e1c3a060fe"},
		{"site:contoso.sharepoint.com:/sites/marketing:", "sites/contoso.sharepoint.com:/sites/marketing:"},
		{"sites/contoso.sharepoint.com:/sites/marketing", "sites/contoso.sharepoint.com:/sites/marketing:"},
		{"sites/contoso.sharepoint.com:/sites/marketing:/sites/sub", "sites/contoso.sharepoint.com:/sites/marketing:/sites/sub"},
		{"sites/contoso.sharepoint.com", "sites/contoso.sharepoint.com"},
		{"sites/root/sites/x", "sites/root/sites/x"},
		{"group:0a1b", "groups/0a1b"},
		{"users/alice@contoso.com", "users/alice@contoso.com"},
		{"Users/42", "users/42"},
		{"sites/root", "sites/root"},
		{"groups/g1", "groups/g1"},
		{"teams/t1", "teams/t1"},
		{"teams/t1/channels/c1", "teams/t1/channels/c1"},
		{"drives/d1", "drives/d1"},
		{"chats/19:abc@thread.v2", "chats/19:abc@thread.v2"},
		{"/users/42/", "users/42"},
		{"user:a b", "users/a%20b"},
		{"group:a%b", "groups/a%25b"},
		{"group:team@contoso.com", "group:team@contoso.com"},
		{" Group: Team@Contoso.com ", "group:Team@Contoso.com"},
	}
	for _, tc := range valid {
		r, err := ParseResource(tc.in)
		if err != nil {
			t.Errorf("ParseResource(%q): %v", tc.in, err)
			continue
		}
		if got := r.String(); got != tc.want {
			t.Errorf("ParseResource(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}

	invalid := []struct{ in, wantMsg string }{
		{"user:", "empty id"},
		{"group:  ", "empty id"},
		{"group:a b@contoso.com", "must not contain spaces"},
		{"group:@contoso.com", "is not a mail address"},
		{"group:a@b@c", "is not a mail address"},
		{"sharepoint:", "empty id"},
		{"sharepoint:abc", "a site is root"},
		{"sharepoint:contoso", "a site is root"},
		{"sharepoint:-contoso.com", "a site is root"},
		{"sharepoint:contoso..com", "a site is root"},
		{"sharepoint:conto so.com", "a site is root"},
		{"sharepoint:contoso.sharepoint.com:sites/team", "server-relative path"},
		{"sharepoint:contoso.sharepoint.com:", "server-relative path"},
		{"sharepoint::/sites/team", "is not a host name"},
		{"sharepoint:contoso.sharepoint.com:/sites//team", "malformed segment"},
		{"sharepoint:contoso.sharepoint.com:/sites/a:b", "malformed segment"},
		{"site:contoso.sharepoint.com,1234,5678", "two GUIDs"},
		{"site:contoso.sharepoint.com,2c712604-1370-44e7-a1f5-426573fda80a", "two GUIDs"},
		{"site:h,2c712604-1370-44e7-a1f5-426573fda80a,2c712604-1370-44e7-a1f5-426573fda80a", "two GUIDs"},
		{"sites/abc", "a site is root"},
		{"sites/contoso.sharepoint.com:/a:b", "must end with ':'"},
		{"foo:bar", "unknown prefix"},
		{"mailbox:bob", "unknown prefix"},
		{"bogus", "unknown resource"},
		{"users", "needs an id"},
		{"users/../me", "'..'"},
		{"user:../../admin", "'..'"},
		{"users/./x", "'.'"},
		{"user:a\nb", "control characters"},
		{"alice\x00@contoso.com", "control characters"},
		{"alice smith@contoso.com", "spaces"},
		{"user:alice smith@contoso.com", "spaces"},
		{"@contoso.com", "not a mail address"},
		{"alice@", "not a mail address"},
		{"a@b@c", "not a mail address"},
		{"user:a/b", "must not contain '/'"},
		{"users//x", "empty path segment"},
		{"users/x?y=1", "not allowed"},
		{"users/x#frag", "not allowed"},
		{`users\x`, "not allowed"},
	}
	for _, tc := range invalid {
		_, err := ParseResource(tc.in)
		if err == nil {
			t.Errorf("ParseResource(%q): no error", tc.in)
			continue
		}
		if !errors.Is(err, ErrInvalidResource) {
			t.Errorf("ParseResource(%q): %v does not wrap ErrInvalidResource", tc.in, err)
		}
		if !strings.Contains(err.Error(), tc.wantMsg) {
			t.Errorf("ParseResource(%q) = %q, want it to mention %q", tc.in, err, tc.wantMsg)
		}
	}
}

func TestResourceKinds(t *testing.T) {
	for in, want := range map[string]ResourceKind{
		"me": KindMe, "user:x": KindUser, "a@b.c": KindUser, "site:root": KindSite, "sites/root": KindSite,
		"group:x": KindGroup, "teams/x": KindPath, "users/x": KindUser,
	} {
		r, err := ParseResource(in)
		if err != nil {
			t.Fatal(err)
		}
		if r.Kind() != want {
			t.Errorf("%q: kind %v, want %v", in, r.Kind(), want)
		}
	}
}

func TestResourceText(t *testing.T) {
	var r Resource
	if err := r.UnmarshalText([]byte("user:alice@contoso.com")); err != nil {
		t.Fatal(err)
	}
	b, _ := r.MarshalText()
	if string(b) != "users/alice@contoso.com" {
		t.Fatalf("got %s", b)
	}
	if err := r.UnmarshalText([]byte("nope:x")); err == nil {
		t.Fatal("want error")
	}
}

// FuzzParseResource checks that a parsed resource never yields a path that
// escapes its root or carries characters that would change the URL's meaning.
func FuzzParseResource(f *testing.F) {
	for _, s := range []string{"me", "user:alice@contoso.com", "a@b.c", "site:h.c,2c712604-1370-44e7-a1f5-426573fda80a,2d2244c3-251a-49ea-93a8-39e1c3a060fe", "sharepoint:x.y:/a b/c", "sites/x.y:/a:/b", "group:g",
		"users/x/../y", "teams/t/channels/c", "user:..", "\x00", "users/%2e%2e", "site:host:/sites/a:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseResource(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidResource) {
				t.Fatalf("error %v does not wrap ErrInvalidResource", err)
			}
			return
		}
		p := r.String()
		for _, seg := range strings.Split(p, "/") {
			if seg == ".." || seg == "." || seg == "" {
				t.Fatalf("%q -> %q has a bad segment", s, p)
			}
		}
		if strings.ContainsAny(p, "?# \t\r\n\\") {
			t.Fatalf("%q -> %q has characters that change the URL", s, p)
		}
		// Parsing the rendered path again must give the same resource.
		again, err := ParseResource(p)
		if err != nil && p != "me" {
			// Escaped ids (%xx) parse again as literal text; only structure must hold.
			return
		}
		if err == nil && again.Kind() != r.Kind() && r.Kind() != KindPath {
			t.Fatalf("%q -> %q changes kind on reparse", s, p)
		}
	})
}
