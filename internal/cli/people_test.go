package cli

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/o365go/o365/sandbox"
)

func TestUsersCommands(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dir := t.TempDir()

	r := h.mustRun("--sandbox", "users", "list")
	for _, want := range []string{"Alice Adams", "Bob Baker", "Director of Engineering", "18/2112"} {
		if !strings.Contains(r.stdout, want) {
			t.Fatalf("list lacks %q:\n%s", want, r.stdout)
		}
	}
	sales := jsonOut[[]map[string]any](t, h.mustRun("--sandbox", "--json", "users", "list", "--department", "Sales"))
	if len(sales) != 1 || sales[0]["displayName"] != "Dan Davis" {
		t.Fatalf("Sales %v", sales)
	}
	r = h.mustRun("--sandbox", "users", "search", "car")
	if !strings.Contains(r.stdout, "Carol Clark") || strings.Contains(r.stdout, "Bob") {
		t.Fatalf("search:\n%s", r.stdout)
	}
	// Without a USER: the signed-in user, or the --resource user.
	r = h.mustRun("--sandbox", "users", "show")
	if !strings.Contains(r.stdout, "Alice Adams") || !strings.Contains(r.stdout, "Direct reports:  Bob Baker") {
		t.Fatalf("show:\n%s", r.stdout)
	}
	r = h.mustRun("--sandbox", "--resource", "user:"+sandbox.DemoCarol, "users", "manager")
	if !strings.Contains(r.stdout, "Bob Baker") {
		t.Fatalf("Carol's manager:\n%s", r.stdout)
	}
	r = h.mustRun("--sandbox", "users", "reports", sandbox.DemoBob)
	if !strings.Contains(r.stdout, "Carol Clark") || !strings.Contains(r.stdout, "Dan Davis") {
		t.Fatalf("Bob's reports:\n%s", r.stdout)
	}
	if r := h.run("--sandbox", "users", "manager"); r.code != 4 || !strings.Contains(r.stderr, "no manager") {
		t.Fatalf("Alice's manager: exit %d\n%s", r.code, r.stderr)
	}
	if r := h.run("--sandbox", "users", "show", "nobody@contoso.onmicrosoft.com"); r.code != 4 {
		t.Fatalf("unknown user: exit %d", r.code)
	}

	// Photo: none yet (exit 4), then one set through the API command.
	if r := h.run("--sandbox", "users", "photo"); r.code != 4 {
		t.Fatalf("no photo: exit %d\n%s", r.code, r.stderr)
	}
	img := image.NewRGBA(image.Rect(0, 0, 130, 130))
	for y := range 130 {
		for x := range 130 {
			img.Set(x, y, color.RGBA{R: uint8(x), B: uint8(y), A: 255})
		}
	}
	var buf bytes.Buffer
	must(t, png.Encode(&buf, img))
	src := filepath.Join(dir, "me.png")
	must(t, os.WriteFile(src, buf.Bytes(), 0o600))
	h.mustRun("--sandbox", "api", "PUT", "/me/photo/$value", "--input", src, "-H", "Content-Type: image/png")
	r = h.mustRun("--sandbox", "users", "photo")
	if !strings.Contains(r.stdout, "120X120") || strings.Contains(r.stdout, "240X240") {
		t.Fatalf("photo sizes:\n%s", r.stdout)
	}
	saved := filepath.Join(dir, "me-96.jpg")
	h.mustRun("--sandbox", "users", "photo", "--size", "96x96", "--save", saved)
	data, err := os.ReadFile(saved)
	must(t, err)
	if cfg, format, err := image.DecodeConfig(bytes.NewReader(data)); err != nil || format != "jpeg" || cfg.Width != 96 {
		t.Fatalf("saved photo: %s %+v %v", format, cfg, err)
	}
	if r := h.run("--sandbox", "users", "photo", "--size", "96x96", "--save", saved); r.code != 2 || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("save over a file: exit %d\n%s", r.code, r.stderr)
	}
	if r := h.run("--sandbox", "users", "photo", "--size", "50x50"); r.code != 2 {
		t.Fatalf("a size Graph does not serve: exit %d", r.code)
	}
}

func TestGroupsCommands(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	eng := "engineering@" + sandbox.DemoTenantDomain

	r := h.mustRun("--sandbox", "groups", "list")
	if !strings.Contains(r.stdout, "Engineering") || !strings.Contains(r.stdout, "Microsoft 365") || !strings.Contains(r.stdout, "All Staff") {
		t.Fatalf("list:\n%s", r.stdout)
	}
	r = h.mustRun("--sandbox", "groups", "show", eng)
	if !strings.Contains(r.stdout, sandbox.DemoEngineeringGroupID) {
		t.Fatalf("show:\n%s", r.stdout)
	}
	r = h.mustRun("--sandbox", "groups", "members", eng)
	if !strings.Contains(r.stdout, "Dan Davis") || !strings.Contains(r.stdout, "user") {
		t.Fatalf("members:\n%s", r.stdout)
	}
	r = h.mustRun("--sandbox", "--resource", "group:"+eng, "groups", "owners")
	if !strings.Contains(r.stdout, "Alice Adams") || strings.Contains(r.stdout, "Bob") {
		t.Fatalf("owners:\n%s", r.stdout)
	}

	r = h.mustRun("--sandbox", "groups", "create", "Marketing", "--nickname", "marketing", "--member", sandbox.DemoBob, "--public")
	if !strings.Contains(r.stdout, "marketing@"+sandbox.DemoTenantDomain) {
		t.Fatalf("create:\n%s", r.stdout)
	}
	mkt := "marketing@" + sandbox.DemoTenantDomain
	r = h.run("--sandbox", "groups", "add-member", mkt, sandbox.DemoCarol, sandbox.DemoDan, sandbox.DemoBob)
	if r.code != 0 || strings.Count(r.stdout, "added") != 3 {
		t.Fatalf("add-member: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	members := jsonOut[[]map[string]any](t, h.mustRun("--sandbox", "--json", "groups", "members", mkt))
	if len(members) != 3 {
		t.Fatalf("%d members", len(members))
	}
	r = h.run("--sandbox", "groups", "remove-member", mkt, sandbox.DemoDan, "00000000-0000-4000-8000-000000000bad")
	if r.code != 0 || strings.Count(r.stdout, "removed") != 2 {
		t.Fatalf("remove-member: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := h.run("--sandbox", "groups", "add-member", mkt, "nobody@"+sandbox.DemoTenantDomain); r.code != 4 {
		t.Fatalf("unknown user: exit %d\n%s", r.code, r.stderr)
	}

	// Conversations: read, reply, start; the group named by --resource.
	r = h.mustRun("--sandbox", "groups", "conversations", eng)
	if !strings.Contains(r.stdout, "Welcome to Engineering") || !strings.Contains(r.stderr, "--thread 1") {
		t.Fatalf("conversations:\n%s%s", r.stdout, r.stderr)
	}
	h.mustRun("--sandbox", "--resource", "group:"+eng, "groups", "conversations")
	r = h.mustRun("--sandbox", "--resource", "group:"+eng, "groups", "conversations", "--thread", "1", "--reply", "Thursday works for me.")
	if !strings.Contains(r.stdout, "Welcome to the Engineering group") || !strings.Contains(r.stdout, "Thursday works for me.") {
		t.Fatalf("thread with reply:\n%s", r.stdout)
	}
	h.mustRun("--sandbox", "groups", "conversations", eng, "--start", "Retro", "--body", "Friday at 3.")
	r = h.mustRun("--sandbox", "groups", "conversations", eng)
	if !strings.Contains(r.stdout, "Retro") {
		t.Fatalf("after start:\n%s", r.stdout)
	}
	if r := h.run("--sandbox", "groups", "conversations", eng, "--reply", "x"); r.code != 2 {
		t.Fatalf("--reply without --thread: exit %d", r.code)
	}
	if r := h.run("--sandbox", "groups", "conversations"); r.code != 2 {
		t.Fatalf("no group: exit %d", r.code)
	}

	h.mustRun("--sandbox", "groups", "delete", mkt)
	if r := h.run("--sandbox", "groups", "show", mkt); r.code != 4 {
		t.Fatalf("deleted group: exit %d", r.code)
	}
}
