package cli

import (
	"strings"
	"testing"
)

func TestSitesCommands(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.mustRun("--sandbox", "sites", "list")
	for _, want := range []string{"Team Site", "https://contoso.sharepoint.com/sites/marketing", "Contoso"} {
		if !strings.Contains(r.stdout, want) {
			t.Fatalf("sites list lacks %q:\n%s", want, r.stdout)
		}
	}
	followed := jsonOut[[]map[string]any](t, h.mustRun("--sandbox", "--json", "sites", "list", "--followed"))
	if len(followed) != 1 || followed[0]["name"] != "team" {
		t.Fatalf("followed: %v", followed)
	}
	found := jsonOut[[]map[string]any](t, h.mustRun("--sandbox", "--json", "sites", "search", "engineering"))
	if len(found) != 1 || found[0]["displayName"] != "Engineering" || found[0]["siteCollection"] == nil {
		t.Fatalf("search: %v", found)
	}
	// show: a site by path, by id, by --resource; its lists below it.
	r = h.mustRun("--sandbox", "sites", "show", "contoso.sharepoint.com:/sites/team")
	if !strings.Contains(r.stdout, "Team Site") || !strings.Contains(r.stdout, "Inventory") {
		t.Fatalf("show:\n%s", r.stdout)
	}
	site := jsonOut[map[string]any](t, h.mustRun("--sandbox", "--json", "sites", "show", "sharepoint:contoso.sharepoint.com:/sites/team"))
	id, _ := site["id"].(string)
	if lists, _ := site["lists"].([]any); len(lists) != 2 || id == "" {
		t.Fatalf("show --json: %v", site)
	}
	byID := jsonOut[map[string]any](t, h.mustRun("--sandbox", "--json", "sites", "show", id))
	byResource := jsonOut[map[string]any](t, h.mustRun("--sandbox", "--json", "--resource", "sharepoint:contoso.sharepoint.com:/sites/team", "sites", "show"))
	if byID["id"] != id || byResource["id"] != id {
		t.Fatalf("the same site by id %v and by resource %v", byID["id"], byResource["id"])
	}
	root := jsonOut[map[string]any](t, h.mustRun("--sandbox", "--json", "sites", "show"))
	if root["webUrl"] != "https://contoso.sharepoint.com" {
		t.Fatalf("default site: %v", root["webUrl"])
	}
	// Malformed sites are usage errors before any request; unknown ones are not found.
	for _, bad := range []string{"team", "contoso.sharepoint.com:sites/team", "contoso.sharepoint.com,1,2"} {
		if r := h.run("--sandbox", "sites", "show", bad); r.code != ExitUsage || !strings.Contains(r.stderr, "a site is") {
			t.Fatalf("show %s: exit %d\n%s", bad, r.code, r.stderr)
		}
	}
	if r := h.run("--sandbox", "sites", "show", "contoso.sharepoint.com:/sites/nowhere"); r.code != ExitNotFound {
		t.Fatalf("unknown site: exit %d\n%s", r.code, r.stderr)
	}
	if r := h.run("--sandbox", "--resource", "sharepoint:nowhere", "sites", "show"); r.code != ExitUsage {
		t.Fatalf("bad --resource: exit %d\n%s", r.code, r.stderr)
	}
}

func TestListsCommands(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const team = "contoso.sharepoint.com:/sites/team"
	r := h.mustRun("--sandbox", "lists", "show", team, "Inventory")
	for _, want := range []string{"Stock of the Contoso shop", "Quantity", "Red, Green, Blue", "personOrGroup"} {
		if !strings.Contains(r.stdout, want) {
			t.Fatalf("lists show lacks %q:\n%s", want, r.stdout)
		}
	}
	r = h.mustRun("--sandbox", "lists", "items", team, "Inventory")
	for _, want := range []string{"Widget", "Gadget", "Gizmo", "Bob Baker"} {
		if !strings.Contains(r.stdout, want) {
			t.Fatalf("items lack %q:\n%s", want, r.stdout)
		}
	}
	// add-item: values typed by their columns, a person by address.
	added := jsonOut[map[string]any](t, h.mustRun("--sandbox", "--json", "lists", "add-item", team, "Inventory",
		"--field", "Title=Sprocket", "--field", "Color=Blue", "--field", "Quantity=12", "--field", "InStock=yes",
		"--field", "Received=2026-01-05", "--field", "Owner=dan@contoso.onmicrosoft.com"))
	f, _ := added["fields"].(map[string]any)
	if added["id"] != "4" || f["Quantity"] != 12.0 || f["InStock"] != true || f["OwnerLookupId"] != "9" || f["Received"] != "2026-01-05T00:00:00Z" {
		t.Fatalf("added: %v", added)
	}
	// set-item, with the --resource site as ".".
	r = h.mustRun("--sandbox", "--resource", "sharepoint:"+team, "lists", "set-item", ".", "Inventory", "4", "--field", "Quantity=20", "--field", "Color=")
	if !strings.Contains(r.stdout, "20") || !strings.Contains(r.stdout, "2.0") {
		t.Fatalf("set-item:\n%s", r.stdout)
	}
	// A filter on a column that is not indexed needs --non-indexed (with a hint).
	r = h.run("--sandbox", "lists", "items", team, "Inventory", "--filter", "fields/InStock eq true")
	if r.code != ExitError || !strings.Contains(r.stderr, "--non-indexed") {
		t.Fatalf("non-indexed filter: exit %d\n%s", r.code, r.stderr)
	}
	items := jsonOut[[]map[string]any](t, h.mustRun("--sandbox", "--json", "lists", "items", team, "Inventory",
		"--filter", "fields/InStock eq true", "--non-indexed", "--fields", "Title,InStock", "--orderby", "fields/Title desc"))
	if len(items) != 4 || items[0]["fields"].(map[string]any)["Title"] != "Widget" {
		t.Fatalf("filtered items: %v", items)
	}
	// Bad values: usage errors from the columns' kinds, Graph's 400 from the service.
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--field", "Title=x", "--field", "Quantity=many"}, ExitUsage, "not a number"},
		{[]string{"--field", "Title=x", "--field", "Colour=Red"}, ExitUsage, "its columns are: Color"},
		{[]string{"--field", "Title=x", "--field", "Created=2026-01-01"}, ExitUsage, "read-only"},
		{[]string{"--field", "Title=x", "--field", "Owner=nobody@contoso.onmicrosoft.com"}, ExitNotFound, "user list"},
		{[]string{"--field", "Title=x", "--field", "Color=Purple"}, ExitError, "invalidRequest"},
		{[]string{"--field", "Quantity=1"}, ExitError, "Field 'Title' is required"},
		{[]string{"--field", "nonsense"}, ExitUsage, "NAME=VALUE"},
	} {
		r := h.run(append([]string{"--sandbox", "lists", "add-item", team, "Inventory"}, c.args...)...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("add-item %v: exit %d, want %d with %q\n%s", c.args, r.code, c.code, c.want, r.stderr)
		}
	}
	// rm-item: outcomes per item, exit 4 when some were not found.
	r = h.run("--sandbox", "lists", "rm-item", team, "Inventory", "4", "77")
	if r.code != ExitNotFound || !strings.Contains(r.stdout, "deleted") || !strings.Contains(r.stdout, "not found") {
		t.Fatalf("rm-item: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := h.run("--sandbox", "lists", "items", team, "Nope"); r.code != ExitNotFound || !strings.Contains(r.stderr, "sites show") {
		t.Fatalf("unknown list: exit %d\n%s", r.code, r.stderr)
	}
	if r := h.run("--sandbox", "lists", "items", team); r.code != ExitUsage {
		t.Fatalf("missing LIST: exit %d", r.code)
	}
}
