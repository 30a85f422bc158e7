package groups_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o365go/o365"
	"github.com/o365go/o365/calendar"
	"github.com/o365go/o365/directory"
	"github.com/o365go/o365/groups"
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

// wire counts the requests an account sends, by method and path.
type wire struct {
	mu   sync.Mutex
	reqs []string
}

func (w *wire) RoundTrip(r *http.Request) (*http.Response, error) {
	w.mu.Lock()
	w.reqs = append(w.reqs, r.Method+" "+r.URL.Path)
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

func graphOpts(srv *sandbox.Server, w *wire, more ...o365.Option) []o365.Option {
	opts := append([]o365.Option{o365.WithProtocol(o365test.GraphProtocol(srv))}, more...)
	if w != nil {
		opts = append(opts, o365.WithHTTPClient(&http.Client{Transport: w}))
	}
	return opts
}

func userGroups(t *testing.T, srv *sandbox.Server, login string, w *wire, more ...o365.Option) *groups.Groups {
	return groups.New(o365test.NewAccount(t, srv, login, graphOpts(srv, w, more...)...))
}

func appGroups(t testing.TB, srv *sandbox.Server, w *wire) *groups.Groups {
	return groups.New(o365test.NewAppAccount(t, srv, graphOpts(srv, w)...))
}

// newUsers creates n users and returns their ids.
func newUsers(t testing.TB, srv *sandbox.Server, prefix string, n int) []string {
	t.Helper()
	ctx := ctxT(t)
	dir := directory.New(o365test.NewAppAccount(t, srv, o365.WithProtocol(o365test.GraphProtocol(srv))))
	ids := make([]string, n)
	for i := range n {
		u := directory.NewUser(fmt.Sprintf("%s %03d", prefix, i), fmt.Sprintf("%s%03d@%s", strings.ToLower(prefix), i, sandbox.DemoTenantDomain), sandbox.DemoPassword)
		must(t, dir.CreateUser(ctx, u))
		ids[i] = u.ID
	}
	return ids
}

func memberIDs(t *testing.T, g *groups.Groups, groupID string) []string {
	t.Helper()
	var ids []string
	for m, err := range g.ListMembers(ctxT(t), groupID, o365.NewQuery().Top(999)) {
		must(t, err)
		ids = append(ids, m.ID)
	}
	slices.Sort(ids)
	return ids
}

// TestHundredMembers is the scenario: a group created, 100
// members added in one call (batched), listed, half removed, and the
// groups delta reporting exactly those membership changes.
func TestHundredMembers(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	w := &wire{}
	g := appGroups(t, srv, w)
	people := newUsers(t, srv, "Member", 100)
	slices.Sort(people)

	grp, err := g.Create(ctx, groups.NewSecurityGroup("Hundred", "hundred"), nil)
	must(t, err)
	// A delta round up to now, to see exactly what follows.
	first := g.Sync("", o365.NewQuery().Select("displayName"))
	for _, err := range first.Changes(ctx) {
		must(t, err)
	}

	w.take()
	must(t, g.AddMembers(ctx, grp.ID, people...))
	sent := w.take()
	if len(sent) != 5 || slices.ContainsFunc(sent, func(s string) bool { return s != "POST /v1.0/$batch" }) {
		t.Fatalf("100 members took %v, want 5 $batch requests of 20", sent)
	}
	if got := memberIDs(t, g, grp.ID); !slices.Equal(got, people) {
		t.Fatalf("%d members listed, want 100", len(got))
	}
	// Adding again is no error: they are members already.
	must(t, g.AddMembers(ctx, grp.ID, people[:30]...))

	second := g.Sync(first.DeltaLink(), nil)
	added := roundMembers(t, second, grp.ID)
	if len(added) != 100 || slices.ContainsFunc(added, func(c groups.MemberChange) bool { return c.Removed || c.Kind != "user" }) {
		t.Fatalf("delta after adding: %d changes", len(added))
	}

	must(t, g.RemoveMembers(ctx, grp.ID, people[:50]...))
	if got := memberIDs(t, g, grp.ID); !slices.Equal(got, people[50:]) {
		t.Fatalf("%d members after removing half", len(got))
	}
	third := g.Sync(second.DeltaLink(), nil)
	removed := roundMembers(t, third, grp.ID)
	var ids []string
	for _, c := range removed {
		if !c.Removed {
			t.Fatalf("delta after removing reports an addition: %+v", c)
		}
		ids = append(ids, c.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, people[:50]) {
		t.Fatalf("delta after removing: %d removals", len(ids))
	}
	// Removing again is no error either; a failure names its member.
	must(t, g.RemoveMembers(ctx, grp.ID, people[:10]...))
	err = g.AddMembers(ctx, grp.ID, "00000000-0000-4000-8000-00000000dead", people[60])
	var me *groups.MembersError
	if !errors.As(err, &me) || len(me.Failed) != 1 || me.Done != 1 || !errors.Is(err, o365.ErrNotFound) {
		t.Fatalf("adding an unknown member: %v", err)
	}
}

// roundMembers runs one delta round and returns the membership changes it
// reported for groupID.
func roundMembers(t *testing.T, d *o365.DeltaQuery[o365.Group], groupID string) []groups.MemberChange {
	t.Helper()
	var out []groups.MemberChange
	for c, err := range d.Changes(ctxT(t)) {
		must(t, err)
		if c.Removed || c.Item.ID != groupID {
			continue
		}
		ch, err := groups.MemberChanges(c.Item)
		must(t, err)
		out = append(out, ch...)
	}
	return out
}

func TestGroupLifecycle(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	alice := userGroups(t, srv, sandbox.DemoUser, nil)
	all := collect(t, alice.List(ctx, nil))
	if len(all) != 2 {
		t.Fatalf("%d groups", len(all))
	}
	eng, err := alice.GetByMail(ctx, "engineering@"+sandbox.DemoTenantDomain)
	must(t, err)
	if eng.ID != sandbox.DemoEngineeringGroupID || !slices.Contains(eng.GroupTypes, "Unified") {
		t.Fatalf("by mail %+v", eng)
	}
	if _, err := alice.GetByMail(ctx, "nope@"+sandbox.DemoTenantDomain); !errors.Is(err, o365.ErrNotFound) {
		t.Fatalf("unknown mail: %v", err)
	}
	found := collect(t, alice.Search(ctx, "staff", nil))
	if len(found) != 1 || found[0].ID != sandbox.DemoAllStaffGroupID {
		t.Fatalf("search %v", found)
	}
	// Advanced queries are made to work.
	notEng := collect(t, alice.List(ctx, o365.NewQuery().Filter(o365.Ne("displayName", "Engineering"))))
	if len(notEng) != 1 {
		t.Fatalf("ne %v", notEng)
	}

	bob, carol := mustUser(t, srv, sandbox.DemoBob), mustUser(t, srv, sandbox.DemoCarol)
	mkt, err := alice.Create(ctx, groups.NewMicrosoft365Group("Marketing", "marketing"), &groups.CreateOptions{Owners: []string{bob}, Members: []string{bob, carol}})
	must(t, err)
	if mkt.Mail != "marketing@"+sandbox.DemoTenantDomain || !slices.Contains(mkt.GroupTypes, "Unified") {
		t.Fatalf("created %+v", mkt)
	}
	if got := memberIDs(t, alice, mkt.ID); len(got) != 2 {
		t.Fatalf("members %v", got)
	}
	owners := collect(t, alice.ListOwners(ctx, mkt.ID, nil))
	if len(owners) != 1 || owners[0].ID != bob {
		t.Fatalf("owners %v", owners)
	}
	mkt.Description = "Campaigns and launches"
	mkt.Visibility = "Public"
	must(t, alice.Update(ctx, mkt))
	again, err := alice.Get(ctx, mkt.ID, nil)
	must(t, err)
	if again.Description != "Campaigns and launches" || again.Visibility != "Public" {
		t.Fatalf("updated %+v", again)
	}
	in, err := alice.IsMember(ctx, mkt.ID, carol)
	must(t, err)
	out, err := alice.IsMember(ctx, mkt.ID, mustUser(t, srv, sandbox.DemoDan))
	must(t, err)
	if !in || out {
		t.Fatalf("IsMember carol %v dan %v", in, out)
	}
	var names []string
	for grp, err := range alice.ListUserGroups(ctx, carol, false, nil) {
		must(t, err)
		names = append(names, grp.DisplayName)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"All Staff", "Engineering", "Marketing"}) {
		t.Fatalf("Carol's groups %v", names)
	}

	must(t, alice.Delete(ctx, mkt.ID))
	if _, err := alice.Get(ctx, mkt.ID, nil); !errors.Is(err, o365.ErrNotFound) {
		t.Fatalf("deleted group: %v", err)
	}
	deleted := collect(t, alice.ListDeleted(ctx, nil))
	if len(deleted) != 1 || deleted[0].ID != mkt.ID {
		t.Fatalf("deleted items %v", deleted)
	}
	back, err := alice.Restore(ctx, mkt.ID)
	must(t, err)
	if back.DisplayName != "Marketing" || len(memberIDs(t, alice, mkt.ID)) != 2 {
		t.Fatalf("restored %+v", back)
	}
}

func mustUser(t *testing.T, srv *sandbox.Server, upn string) string {
	t.Helper()
	dir := directory.New(o365test.NewAppAccount(t, srv, o365.WithProtocol(o365test.GraphProtocol(srv))))
	u, err := dir.GetUser(ctxT(t), upn, nil)
	must(t, err)
	return u.ID
}

// TestConversationsFollowMembership is the scenario: a non-member
// is refused the group's conversations, a member reads and replies to
// them; the group is named by its address.
func TestConversationsFollowMembership(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	engAddr := o365.WithResource("group:engineering@" + sandbox.DemoTenantDomain)
	eve := newUsers(t, srv, "Eve", 1)[0]
	outsider := userGroups(t, srv, "eve000@"+sandbox.DemoTenantDomain, nil, engAddr)
	for _, err := range outsider.ListConversations(ctx, "", nil) {
		if !errors.Is(err, o365.ErrForbidden) {
			t.Fatalf("a non-member reads conversations: %v", err)
		}
	}
	if _, err := outsider.StartThread(ctx, "", "Hello?", o365.ItemBody{ContentType: "text", Content: "Can I join?"}); !errors.Is(err, o365.ErrForbidden) {
		t.Fatalf("a non-member posts: %v", err)
	}

	// Bob, a member, reads and replies.
	w := &wire{}
	bob := userGroups(t, srv, sandbox.DemoBob, w, engAddr)
	convs := collect(t, bob.ListConversations(ctx, "", nil))
	if len(convs) != 1 || convs[0].Topic != "Welcome to Engineering" {
		t.Fatalf("conversations %v", convs)
	}
	threads := collect(t, convs[0].ListThreads(ctx, nil))
	posts := collect(t, threads[0].ListPosts(ctx, nil))
	if len(posts) != 2 || posts[0].From.EmailAddress.Address != sandbox.DemoUser {
		t.Fatalf("posts %v", posts)
	}
	must(t, threads[0].Reply(ctx, o365.ItemBody{ContentType: "text", Content: "See you Thursday."}))
	must(t, posts[0].Reply(ctx, threads[0], o365.ItemBody{ContentType: "html", Content: "<p>Thanks for the welcome.</p>"}))
	posts = collect(t, threads[0].ListPosts(ctx, nil))
	if len(posts) != 4 || posts[3].Body.Content != "<p>Thanks for the welcome.</p>" || posts[2].From.EmailAddress.Address != sandbox.DemoBob {
		t.Fatalf("after replies %v", posts)
	}
	started, err := bob.StartThread(ctx, "", "Design review", o365.ItemBody{ContentType: "text", Content: "Agenda inside."})
	must(t, err)
	if started.Topic != "Design review" {
		t.Fatalf("started %+v", started)
	}
	if n := len(collect(t, bob.ListConversations(ctx, "", nil))); n != 2 {
		t.Fatalf("%d conversations", n)
	}
	// The address was looked up once for all of Bob's requests.
	lookups := 0
	for _, r := range w.take() {
		if r == "GET /v1.0/groups" {
			lookups++
		}
	}
	if lookups != 1 {
		t.Fatalf("%d look-ups of the group's address", lookups)
	}

	// Once Eve joins, she reads and replies.
	must(t, userGroups(t, srv, sandbox.DemoUser, nil).AddMembers(ctx, sandbox.DemoEngineeringGroupID, eve))
	threads = collect(t, outsider.ListThreads(ctx, "", nil))
	if len(threads) != 2 {
		t.Fatalf("Eve sees %d threads", len(threads))
	}
	must(t, threads[0].Reply(ctx, o365.ItemBody{ContentType: "text", Content: "Joining the review."}))
	// Applications read but do not post.
	app := appGroups(t, srv, nil)
	if got := collect(t, app.ListThreads(ctx, sandbox.DemoEngineeringGroupID, nil)); len(got) != 2 {
		t.Fatalf("app reads %d threads", len(got))
	}
	// A group id is needed when the resource is no group.
	for _, err := range app.ListConversations(ctx, "", nil) {
		if !errors.Is(err, groups.ErrNoGroup) {
			t.Fatalf("no group: %v", err)
		}
	}
}

// TestGroupCalendarFollowsMembership works on a Microsoft 365 group's
// calendar through the calendar package with group:mail@...: a member
// adds an event, a non-member is refused until they join.
func TestGroupCalendarFollowsMembership(t *testing.T) {
	srv := o365test.NewSandbox(t)
	ctx := ctxT(t)
	engAddr := o365.WithResource("group:engineering@" + sandbox.DemoTenantDomain)
	schedule := func(login string) *calendar.Schedule {
		return calendar.New(o365test.NewAccount(t, srv, login, graphOpts(srv, nil, engAddr)...))
	}
	from, to := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC)
	subjects := func(s *calendar.Schedule) ([]string, error) {
		var out []string
		for ev, err := range s.CalendarView(ctx, from, to, nil) {
			if err != nil {
				return nil, err
			}
			out = append(out, ev.Subject)
		}
		return out, nil
	}
	bob := schedule(sandbox.DemoBob)
	ev := bob.NewEvent()
	ev.Subject = "Engineering all-hands"
	ev.SetTimes(from.Add(15*time.Hour), from.Add(16*time.Hour))
	must(t, ev.Save(ctx))
	if got, err := subjects(bob); err != nil || !slices.Equal(got, []string{"Engineering all-hands"}) {
		t.Fatalf("Bob's view of the group calendar: %v, %v", got, err)
	}
	eve := newUsers(t, srv, "Eve", 1)[0]
	outsider := schedule("eve000@" + sandbox.DemoTenantDomain)
	if _, err := subjects(outsider); !errors.Is(err, o365.ErrForbidden) {
		t.Fatalf("a non-member reads the group calendar: %v", err)
	}
	must(t, userGroups(t, srv, sandbox.DemoUser, nil).AddMembers(ctx, sandbox.DemoEngineeringGroupID, eve))
	if got, err := subjects(outsider); err != nil || len(got) != 1 {
		t.Fatalf("a new member's view: %v, %v", got, err)
	}
}
