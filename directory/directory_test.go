package directory_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/directory"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func collect[T any](t testing.TB, seq func(func(*T, error) bool)) []*T {
	t.Helper()
	out, err := o365.Collect(seq)
	if err != nil {
		t.Fatalf("listing: %v", err)
	}
	return out
}

// wire records the requests an account sends (method, path, query and the
// ConsistencyLevel header; never the token).
type wire struct {
	mu   sync.Mutex
	reqs []string
}

func (w *wire) RoundTrip(r *http.Request) (*http.Response, error) {
	w.mu.Lock()
	w.reqs = append(w.reqs, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery+" CL="+r.Header.Get("ConsistencyLevel"))
	w.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func (w *wire) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.reqs
	w.reqs = nil
	return out
}

func userDir(t *testing.T, srv *sandbox.Server, login string, w *wire) *directory.Directory {
	opts := []o365.Option{o365.WithProtocol(o365test.GraphProtocol(srv))}
	if w != nil {
		opts = append(opts, o365.WithHTTPClient(&http.Client{Transport: w}))
	}
	return directory.New(o365test.NewAccount(t, srv, login, opts...))
}

func appDir(t *testing.T, srv *sandbox.Server) *directory.Directory {
	return directory.New(o365test.NewAppAccount(t, srv, o365.WithProtocol(o365test.GraphProtocol(srv))))
}

func names(us []*o365.User) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.DisplayName)
	}
	slices.Sort(out)
	return out
}

func TestUsersQueriesAndAdvancedRules(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	w := &wire{}
	dir := userDir(t, srv, sandbox.DemoUser, w)
	all := collect(t, dir.ListUsers(ctx, nil))
	if len(all) != 5 {
		t.Fatalf("%d users", len(all))
	}
	// A plain filter is a standard query: no header, no $count.
	eng := collect(t, dir.ListUsers(ctx, o365.NewQuery().Filter(o365.Eq("department", "Engineering"))))
	if got := names(eng); !slices.Equal(got, []string{"Alice Adams", "Bob Baker", "Carol Clark"}) {
		t.Fatalf("engineering %v", got)
	}
	if sent := w.take(); strings.Contains(sent[len(sent)-1], "CL=eventual") || strings.Contains(sent[len(sent)-1], "count") {
		t.Fatalf("standard query sent %v", sent)
	}
	// ne and endsWith are advanced queries: Graph refuses them without
	// ConsistencyLevel and $count, the package adds both.
	raw := o365test.NewAccount(t, srv, sandbox.DemoUser, o365.WithProtocol(o365test.GraphProtocol(srv)))
	ne := o365.NewQuery().Filter(o365.Ne("department", "Engineering"))
	for _, err := range o365.List[o365.User](ctx, raw, &o365.Request{Path: "/users", Query: ne}) {
		var e *o365.Error
		if !errors.As(err, &e) || e.StatusCode != 400 || e.Code != "Request_UnsupportedQuery" {
			t.Fatalf("ne without the package: %v", err)
		}
	}
	others := collect(t, dir.ListUsers(ctx, ne))
	if got := names(others); !slices.Equal(got, []string{"Dan Davis", "Shared Mailbox"}) {
		t.Fatalf("ne %v", got)
	}
	sent := w.take()
	if last := sent[len(sent)-1]; !strings.Contains(last, "CL=eventual") || !strings.Contains(last, "$count=true") {
		t.Fatalf("advanced query sent %s", last)
	}
	ends := collect(t, dir.ListUsers(ctx, o365.NewQuery().Filter(o365.EndsWith("mail", "n@contoso.onmicrosoft.com"))))
	if len(ends) != 0 && names(ends)[0] != "Dan Davis" {
		t.Fatalf("endsWith %v", names(ends))
	}
	// Search, with and without the header: the package makes it work.
	for _, err := range o365.List[o365.User](ctx, raw, &o365.Request{Path: "/users?$search=%22displayName:car%22"}) {
		var e *o365.Error
		if !errors.As(err, &e) || e.StatusCode != 400 || !strings.Contains(e.Message, "ConsistencyLevel: eventual") {
			t.Fatalf("search without ConsistencyLevel: %v", err)
		}
	}
	found := collect(t, dir.SearchUsers(ctx, "car", nil))
	if got := names(found); !slices.Equal(got, []string{"Carol Clark"}) {
		t.Fatalf("search %v", got)
	}
	// Paging: three pages of two.
	paged := collect(t, dir.ListUsers(ctx, o365.NewQuery().Top(2)))
	if len(paged) != 5 {
		t.Fatalf("paged %d", len(paged))
	}
}

func TestPeopleAroundAUser(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	dir := userDir(t, srv, sandbox.DemoCarol, nil)
	bob, err := dir.GetUser(ctx, sandbox.DemoBob, nil)
	must(t, err)
	byID, err := dir.GetUser(ctx, bob.ID, o365.NewQuery().Select("displayName", "jobTitle"))
	must(t, err)
	if byID.DisplayName != "Bob Baker" || byID.JobTitle != "Engineering Manager" {
		t.Fatalf("by id %+v", byID)
	}
	boss, err := dir.GetManager(ctx, bob.ID, nil)
	must(t, err)
	if boss.DisplayName != "Alice Adams" {
		t.Fatalf("Bob's manager %q", boss.DisplayName)
	}
	if _, err := dir.GetManager(ctx, boss.ID, nil); !errors.Is(err, o365.ErrNotFound) {
		t.Fatalf("Alice's manager: %v", err)
	}
	if got := names(collect(t, dir.ListDirectReports(ctx, bob.ID, nil))); !slices.Equal(got, []string{"Carol Clark", "Dan Davis"}) {
		t.Fatalf("Bob's reports %v", got)
	}
	me, err := dir.GetMe(ctx, nil)
	must(t, err)
	var groups []string
	for obj, err := range dir.ListMemberOf(ctx, me.ID, nil) {
		must(t, err)
		var g o365.Group
		must(t, obj.As(&g))
		if obj.Kind() != "group" || g.DisplayName == "" {
			t.Fatalf("memberOf entry %s %+v", obj.Kind(), g)
		}
		groups = append(groups, g.DisplayName)
	}
	slices.Sort(groups)
	if !slices.Equal(groups, []string{"All Staff", "Engineering"}) {
		t.Fatalf("Carol's groups %v", groups)
	}
	if _, err := dir.GetUser(ctx, "nobody@contoso.onmicrosoft.com", nil); !errors.Is(err, o365.ErrNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
}

func pngImage(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: uint8(x), G: uint8(y), B: 200, A: 255})
		}
	}
	var b bytes.Buffer
	must(t, png.Encode(&b, img))
	return b.Bytes()
}

func TestPhotosAndCard(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	w := &wire{}
	dir := userDir(t, srv, sandbox.DemoUser, w)
	me, err := dir.GetMe(ctx, nil)
	must(t, err)
	if _, err := dir.GetPhoto(ctx, me.ID, ""); !errors.Is(err, o365.ErrNotFound) {
		t.Fatalf("no photo yet: %v", err)
	}
	img := pngImage(t, 300, 200)
	must(t, dir.SetPhoto(ctx, me.ID, "image/png", img))
	meta, err := dir.GetPhoto(ctx, me.ID, "")
	must(t, err)
	if meta.Width != 300 || meta.Height != 200 || meta.ContentType != "image/png" {
		t.Fatalf("photo %+v", meta)
	}
	var full bytes.Buffer
	ct, err := dir.DownloadPhoto(ctx, me.ID, "", &full)
	must(t, err)
	if ct != "image/png" || !bytes.Equal(full.Bytes(), img) {
		t.Fatalf("photo bytes: %s, %d", ct, full.Len())
	}
	// Sizes up to the shorter side are served, as real JPEG images.
	sizes := collect(t, dir.ListPhotoSizes(ctx, me.ID))
	var ids []string
	for _, s := range sizes {
		ids = append(ids, s.ID)
	}
	if !slices.Equal(ids, []string{"48X48", "64X64", "96X96", "120X120"}) {
		t.Fatalf("sizes %v", ids)
	}
	var small bytes.Buffer
	ct, err = dir.DownloadPhoto(ctx, me.ID, "96x96", &small)
	must(t, err)
	cfg, format, err := image.DecodeConfig(bytes.NewReader(small.Bytes()))
	if err != nil || ct != "image/jpeg" || format != "jpeg" || cfg.Width != 96 || cfg.Height != 96 {
		t.Fatalf("96x96: %s %s %+v %v", ct, format, cfg, err)
	}
	if _, err := dir.DownloadPhoto(ctx, me.ID, "50x50", io.Discard); !errors.Is(err, o365.ErrNotFound) {
		t.Fatalf("a size Graph does not serve: %v", err)
	}

	// A person card is one request.
	w.take()
	bob, err := dir.GetUser(ctx, sandbox.DemoBob, nil)
	must(t, err)
	w.take()
	card, err := dir.GetCard(ctx, bob.ID)
	must(t, err)
	if card.User.JobTitle != "Engineering Manager" || card.Manager == nil || card.Manager.DisplayName != "Alice Adams" ||
		len(card.DirectReports) != 2 || card.Photo != nil {
		t.Fatalf("Bob's card %+v", card)
	}
	if sent := w.take(); len(sent) != 1 || !strings.HasPrefix(sent[0], "POST /v1.0/$batch") {
		t.Fatalf("card sent %v", sent)
	}
	mine, err := dir.GetCard(ctx, me.ID)
	must(t, err)
	if mine.Manager != nil || mine.Photo == nil || mine.Photo.Width != 300 {
		t.Fatalf("Alice's card %+v", mine)
	}
}

func TestAdministration(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	admin := appDir(t, srv)
	u := directory.NewUser("Eve Evans", "eve@"+sandbox.DemoTenantDomain, sandbox.DemoPassword)
	u.JobTitle, u.Department = "Analyst", "Finance"
	must(t, admin.CreateUser(ctx, u))
	// The answer is Graph's default set: the password is never in it.
	if u.ID == "" || u.PasswordProfile != nil || u.JobTitle != "Analyst" {
		t.Fatalf("created %+v", u)
	}
	if err := admin.CreateUser(ctx, &o365.User{DisplayName: "x"}); err == nil || !strings.Contains(err.Error(), "AccountEnabled, MailNickname, PasswordProfile, UserPrincipalName must be set") {
		t.Fatalf("incomplete user: %v", err)
	}
	// A signed-in user without User.ReadWrite.All cannot create users.
	if err := userDir(t, srv, sandbox.DemoBob, nil).CreateUser(ctx, directory.NewUser("Mallory", "mal@"+sandbox.DemoTenantDomain, "x-1234567")); !errors.Is(err, o365.ErrForbidden) {
		t.Fatalf("delegated create: %v", err)
	}
	got, err := admin.GetUser(ctx, u.ID, nil)
	must(t, err)
	got.OfficeLocation = "12/3456"
	must(t, admin.UpdateUser(ctx, got))
	must(t, admin.SetManager(ctx, u.ID, mustID(t, admin, sandbox.DemoBob)))
	boss, err := admin.GetManager(ctx, u.ID, nil)
	must(t, err)
	if boss.DisplayName != "Bob Baker" {
		t.Fatalf("manager %q", boss.DisplayName)
	}
	must(t, admin.RemoveManager(ctx, u.ID))
	if _, err := admin.GetManager(ctx, u.ID, nil); !errors.Is(err, o365.ErrNotFound) {
		t.Fatalf("removed manager: %v", err)
	}
	must(t, admin.SetAccountEnabled(ctx, u.ID, false))
	// accountEnabled is not in a user's default set: $select it.
	got, err = admin.GetUser(ctx, u.ID, o365.NewQuery().Select("accountEnabled", "officeLocation"))
	must(t, err)
	if got.AccountEnabled == nil || *got.AccountEnabled || got.OfficeLocation != "12/3456" {
		t.Fatalf("after update and disable %+v", got)
	}

	// Delete into deletedItems, restore, delete for good.
	must(t, admin.DeleteUser(ctx, u.ID))
	if _, err := admin.GetUser(ctx, u.ID, nil); !errors.Is(err, o365.ErrNotFound) {
		t.Fatalf("deleted user: %v", err)
	}
	deleted := collect(t, admin.ListDeletedUsers(ctx, nil))
	if len(deleted) != 1 || deleted[0].ID != u.ID || deleted[0].DeletedDateTime.IsZero() {
		t.Fatalf("deleted items %+v", deleted)
	}
	back, err := admin.RestoreUser(ctx, u.ID)
	must(t, err)
	if back.DisplayName != "Eve Evans" || !back.DeletedDateTime.IsZero() {
		t.Fatalf("restored %+v", back)
	}
	if _, err := admin.GetUser(ctx, sandbox.DemoBob, nil); err != nil {
		t.Fatal(err)
	}
	// Deleted again while another Eve takes the name: she comes back
	// under a new one.
	must(t, admin.DeleteUser(ctx, u.ID))
	must(t, admin.CreateUser(ctx, directory.NewUser("Eve Other", "eve@"+sandbox.DemoTenantDomain, sandbox.DemoPassword)))
	if _, err := admin.RestoreUser(ctx, u.ID); err == nil {
		t.Fatal("restored under a name taken meanwhile")
	}
	back, err = admin.RestoreUserAs(ctx, u.ID, "eve.evans@"+sandbox.DemoTenantDomain)
	must(t, err)
	if back.UserPrincipalName != "eve.evans@"+sandbox.DemoTenantDomain {
		t.Fatalf("restored as %q", back.UserPrincipalName)
	}
	must(t, admin.DeleteUser(ctx, u.ID))
	must(t, admin.PurgeDeleted(ctx, u.ID))
	if _, err := admin.RestoreUser(ctx, u.ID); !errors.Is(err, o365.ErrNotFound) {
		t.Fatalf("restore after purge: %v", err)
	}
}

func mustID(t *testing.T, dir *directory.Directory, upn string) string {
	t.Helper()
	u, err := dir.GetUser(ctxT(t), upn, nil)
	must(t, err)
	return u.ID
}

func TestSyncUsers(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	admin := appDir(t, srv)
	first := admin.SyncUsers("", o365.NewQuery().Select("displayName", "jobTitle"))
	var n int
	for c, err := range first.Changes(ctx) {
		must(t, err)
		if c.Item.DisplayName == "" {
			t.Fatalf("first round item %+v", c)
		}
		n++
	}
	if n != 5 || first.DeltaLink() == "" {
		t.Fatalf("first round %d users, link %q", n, first.DeltaLink())
	}
	u := directory.NewUser("Fay Ford", "fay@"+sandbox.DemoTenantDomain, sandbox.DemoPassword)
	must(t, admin.CreateUser(ctx, u))
	gone := directory.NewUser("Gus Gray", "gus@"+sandbox.DemoTenantDomain, sandbox.DemoPassword)
	must(t, admin.CreateUser(ctx, gone))
	must(t, admin.DeleteUser(ctx, gone.ID))
	bob := mustID(t, admin, sandbox.DemoBob)
	b, err := admin.GetUser(ctx, bob, nil)
	must(t, err)
	b.JobTitle = "Director"
	must(t, admin.UpdateUser(ctx, b))

	second := admin.SyncUsers(first.DeltaLink(), nil)
	changed := map[string]string{}
	removed := map[string]string{}
	for c, err := range second.Changes(ctx) {
		must(t, err)
		if c.Removed {
			removed[c.ID] = c.Reason
		} else {
			changed[c.Item.ID] = c.Item.JobTitle
		}
	}
	if changed[bob] != "Director" || len(changed) != 2 || removed[gone.ID] != "changed" || len(removed) != 1 {
		t.Fatalf("second round: changed %v removed %v", changed, removed)
	}
	// Resumable: a link saved from an earlier round replays from there.
	again := admin.SyncUsers(first.DeltaLink(), nil)
	count := 0
	for _, err := range again.Changes(ctx) {
		must(t, err)
		count++
	}
	if count != 3 {
		t.Fatalf("replayed round %d", count)
	}
	must(t, admin.PurgeDeleted(ctx, gone.ID))
	third := admin.SyncUsers(second.DeltaLink(), nil)
	for c, err := range third.Changes(ctx) {
		must(t, err)
		if !c.Removed || c.ID != gone.ID || c.Reason != "deleted" {
			t.Fatalf("after purge %+v", c)
		}
	}
	latest := admin.SyncUsers("latest", nil)
	for c, err := range latest.Changes(ctx) {
		must(t, err)
		t.Fatalf("latest reports %+v", c)
	}
	if latest.DeltaLink() == "" {
		t.Fatal("latest gave no link")
	}
}
