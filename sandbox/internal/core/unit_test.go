package core

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestHTMLToText(t *testing.T) {
	cases := map[string]string{
		"<html><head><style>p{}</style></head><body><p>Hello&nbsp;<b>Bob</b></p><p>Line 2<br>Line 3</p></body></html>": "Hello\u00a0Bob\nLine 2\nLine 3",
		"plain":                            "plain",
		"a &lt;b&gt; &amp; c":              "a <b> & c",
		"<div>x</div>\n\n\n\n<div>y</div>": "x\n\ny",
	}
	for in, want := range cases {
		if got := HTMLToText(in); got != want {
			t.Errorf("HTMLToText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWithBodyType(t *testing.T) {
	doc := map[string]any{"id": "1", "body": map[string]any{"contentType": "html", "content": "<p>Hi &amp; bye</p>"}}
	got := WithBodyType(doc, "body", "text")
	if want := map[string]any{"contentType": "text", "content": "Hi & bye"}; !reflect.DeepEqual(got["body"], want) {
		t.Fatalf("text body %v", got["body"])
	}
	if doc["body"].(map[string]any)["contentType"] != "html" {
		t.Fatal("input modified")
	}
	back := WithBodyType(map[string]any{"body": map[string]any{"contentType": "text", "content": "a<b\nc"}}, "body", "html")
	if want := "<html><body>a&lt;b<br>c</body></html>"; back["body"].(map[string]any)["content"] != want {
		t.Fatalf("html body %v", back["body"])
	}
}

func TestPreferredTimeZoneAndBody(t *testing.T) {
	r := httptest.NewRequest("GET", "/v1.0/me/events", nil)
	r.Header.Set("Prefer", `outlook.timezone="Pacific Standard Time", outlook.body-content-type="text"`)
	w := httptest.NewRecorder()
	c := &Call{W: w, R: r}
	name, loc, ok := c.preferredTimeZone()
	if !ok || name != "Pacific Standard Time" || loc.String() != "America/Los_Angeles" {
		t.Fatalf("zone %q %v %v", name, loc, ok)
	}
	if bt, ok := c.preferredBodyType(); !ok || bt != "text" {
		t.Fatalf("body type %q %v", bt, ok)
	}
	if got := w.Header().Get("Preference-Applied"); got != `outlook.timezone="Pacific Standard Time", outlook.body-content-type="text"` {
		t.Fatalf("Preference-Applied %q", got)
	}
	at := time.Date(2026, 1, 5, 17, 0, 0, 0, time.UTC)
	if got := DateTimeTimeZone(at, name, loc); !reflect.DeepEqual(got, map[string]any{"dateTime": "2026-01-05T09:00:00.0000000", "timeZone": "Pacific Standard Time"}) {
		t.Fatalf("dateTimeTimeZone %v", got)
	}
	r.Header.Set("Prefer", `outlook.timezone="Mars/Olympus"`)
	c = &Call{W: httptest.NewRecorder(), R: r}
	if _, _, ok := c.preferredTimeZone(); ok {
		t.Fatal("unknown zone accepted")
	}
}

func TestParseFaultSpec(t *testing.T) {
	cases := []struct {
		spec string
		want *faultSpec
		err  string
	}{
		{"", &faultSpec{retryAfter: 1}, ""},
		{"429=5%,503=1%,reset=1%,latency=20ms..200ms,seed=42", &faultSpec{
			rates:      []faultRate{{"429", 5}, {"503", 1}, {"reset", 1}},
			latencyMin: 20 * time.Millisecond, latencyMax: 200 * time.Millisecond, seed: 42, retryAfter: 1}, ""},
		{" 500=0.5% , latency=5ms, retry-after=3 ", &faultSpec{rates: []faultRate{{"500", 0.5}},
			latencyMin: 5 * time.Millisecond, latencyMax: 5 * time.Millisecond, retryAfter: 3}, ""},
		{"429=5", nil, "rate must be a percentage"},
		{"429=101%", nil, "rate must be a percentage"},
		{"429=-1%", nil, "rate must be a percentage"},
		{"429=60%,503=50%", nil, "add up to 110%"},
		{"418=1%", nil, `unknown fault "418"`},
		{"429", nil, "want KEY=VALUE"},
		{"429=1%,429=2%", nil, "twice"},
		{"latency=fast", nil, "want a duration"},
		{"latency=200ms..20ms", nil, "min <= max"},
		{"latency=2h", nil, "max <= 1m"},
		{"seed=-1", nil, "seed must be"},
		{"retry-after=x", nil, "retry-after must be"},
	}
	for _, c := range cases {
		got, err := parseFaultSpec(c.spec)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("parseFaultSpec(%q) error %v, want %q", c.spec, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("parseFaultSpec(%q) = %+v, %v; want %+v", c.spec, got, err, c.want)
		}
	}
}

func TestParseFaultHeader(t *testing.T) {
	cases := []struct {
		in   string
		want fault
		bad  bool
	}{
		{"429", fault{kind: "429", retryAfter: 1}, false},
		{"429;retry-after=2", fault{kind: "429", retryAfter: 2}, false},
		{"reset", fault{kind: "reset", retryAfter: 1}, false},
		{"latency=100ms", fault{latency: 100 * time.Millisecond, retryAfter: 1}, false},
		{"latency=10ms, 503", fault{kind: "503", latency: 10 * time.Millisecond, retryAfter: 1}, false},
		{"drop;after=4096", fault{kind: "drop", retryAfter: 1, dropAfter: 4096}, false},
		{"drop;after=-1", fault{}, true},
		{"503;after=10", fault{}, true},
		{"418", fault{}, true},
		{"429,503", fault{}, true},
		{"429;retry-after=x", fault{}, true},
		{"429;foo=1", fault{}, true},
		{"latency=forever", fault{}, true},
	}
	for _, c := range cases {
		got, err := parseFaultHeader(c.in)
		if (err != nil) != c.bad || (!c.bad && got != c.want) {
			t.Errorf("parseFaultHeader(%q) = %+v, %v; want %+v bad=%v", c.in, got, err, c.want, c.bad)
		}
	}
}

func TestFaultsAreReproducible(t *testing.T) {
	draws := func() []string {
		s := &Engine{}
		if err := s.SetFaults("429=30%,503=10%,reset=10%,latency=1ms..9ms,seed=7"); err != nil {
			t.Fatal(err)
		}
		var out []string
		for range 200 {
			f := s.faults.Load().draw()
			if f.latency < time.Millisecond || f.latency > 9*time.Millisecond {
				t.Fatalf("latency %v out of range", f.latency)
			}
			out = append(out, f.kind)
		}
		return out
	}
	a, b := draws(), draws()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different faults")
	}
	counts := map[string]int{}
	for _, k := range a {
		counts[k]++
	}
	// 200 draws at 30/10/10%: every kind shows up, and most requests pass.
	if counts["429"] == 0 || counts["503"] == 0 || counts["reset"] == 0 || counts[""] < 60 {
		t.Fatalf("implausible distribution %v", counts)
	}
}

func TestParsePrefer(t *testing.T) {
	got := parsePrefer([]string{`odata.maxpagesize=5, outlook.timezone="Pacific Standard Time"`, `outlook.body-content-type="text", IdType="ImmutableId"`})
	want := map[string]string{"odata.maxpagesize": "5", "outlook.timezone": "Pacific Standard Time", "outlook.body-content-type": "text", "idtype": "ImmutableId"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("parsePrefer = %v, want %v", got, want)
	}
}

func TestSplitPath(t *testing.T) {
	cases := []struct {
		in   string
		want []string
		bad  bool
	}{
		{"me/messages", []string{"me", "messages"}, false},
		{"me/messages/", []string{"me", "messages"}, false},
		{"me/mailFolders('inbox')/messages", []string{"me", "mailFolders", "inbox", "messages"}, false},
		{"Users('a''b')/Messages('x%2Fy')", []string{"Users", "a'b", "Messages", "x/y"}, false},
		{"me/messages/a%2Fb", []string{"me", "messages", "a/b"}, false},
		{"", nil, false},
		{"me//messages", nil, true},
		{"me/../users", nil, true},
		{"me/%2e%2e", nil, true},
		{"me/.", nil, true},
		{"me/%zz", nil, true},
		{"me/messages('..')", nil, true},
		{"me/mailFolders/inbox/messages/delta()", []string{"me", "mailFolders", "inbox", "messages", "delta"}, false},
		{"me/mailFolders/inbox/messages/delta%28%29", []string{"me", "mailFolders", "inbox", "messages", "delta"}, false},
		{"me/drive/root/delta(token='a,b')", []string{"me", "drive", "root", "delta"}, false},
		{"me/drive/root:/report(2).txt:", []string{"me", "drive", "root:", "report(2).txt:"}, false},
		{"me/drive/items/copy(1)", []string{"me", "drive", "items", "copy(1)"}, false},
		{"me/x(..=1)", []string{"me", "x(..=1)"}, false},
	}
	for _, c := range cases {
		got, err := SplitPath(c.in)
		if (err != nil) != c.bad || (!c.bad && !reflect.DeepEqual(got, c.want)) {
			t.Errorf("SplitPath(%q) = %q, %v; want %q, bad=%v", c.in, got, err, c.want, c.bad)
		}
	}
}

// tail gives a final {name...} parameter the segments as written, even
// where the router split a key or a function call off them.
func TestPathTail(t *testing.T) {
	cases := []struct {
		in   string
		from int
		want []string
	}{
		{"me/drive/root:/report('x'):/content", 2, []string{"root:", "report('x'):", "content"}},
		{"me/drive/root:/report('x')/notes(a=b)", 3, []string{"report('x')", "notes(a=b)"}},
		{"drives('b!x')/root/search(q='a')", 1, []string{"b!x", "root", "search(q='a')"}},
		{"drives('b!x')/root/search(q='a')", 2, []string{"root", "search(q='a')"}},
		{"me/drive%28%29/x", 2, []string{"x"}},
		{"me/drive", 2, nil},
	}
	for _, c := range cases {
		p, err := parsePath(c.in)
		if err != nil {
			t.Fatalf("parsePath(%q): %v", c.in, err)
		}
		if got := p.tail(c.from); !reflect.DeepEqual(got, c.want) {
			t.Errorf("parsePath(%q).tail(%d) = %q, want %q (segs %q)", c.in, c.from, got, c.want, p.segs)
		}
	}
}

func TestFunctionCalls(t *testing.T) {
	cases := []struct {
		in   string
		args map[string]string
	}{
		{"me/messages/delta()", nil},
		{"me/outlook/supportedTimeZones(TimeZoneStandard=microsoft.graph.timeZoneStandard'Iana')",
			map[string]string{"TimeZoneStandard": "microsoft.graph.timeZoneStandard'Iana'"}},
		{"me/drive/root/delta(token='it''s, here')", map[string]string{"token": "'it''s, here'"}},
		{"me/calendarView/delta(startDateTime=2026-01-01T00:00:00Z,endDateTime=@e)",
			map[string]string{"startDateTime": "2026-01-01T00:00:00Z", "endDateTime": "@e"}},
	}
	for _, c := range cases {
		p, err := parsePath(c.in)
		if err != nil || (len(c.args) > 0 || len(p.args) > 0) && !reflect.DeepEqual(p.args, c.args) {
			t.Errorf("parsePath(%q).args = %v, %v; want %v", c.in, p.args, err, c.args)
		}
	}
	literals := map[string]string{
		"microsoft.graph.timeZoneStandard'Iana'": "Iana", "'Iana'": "Iana", "'it''s'": "it's", "42": "42", "true": "true", "x'y": "x'y",
	}
	for in, want := range literals {
		if got := functionLiteral(in); got != want {
			t.Errorf("functionLiteral(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConvertPrimitive(t *testing.T) {
	refuse := func(format string, v ...any) error { return BadRequest(format, v...) }
	ok := []struct {
		typ  string
		in   any
		want any
	}{
		{"Edm.Boolean", true, true},
		{"Edm.Boolean", "false", false},
		{"Edm.Boolean", " true ", true},
		{"Edm.Boolean", "1", true},
		{"Edm.Boolean", "0", false},
		{"Edm.Int32", json.Number("10"), 10.0},
		{"Edm.Int32", "-7", -7.0},
		{"Edm.Int64", "123", 123.0},
		{"Edm.Double", "1.5", 1.5},
		{"Edm.Double", json.Number("2e3"), 2000.0},
		{"Edm.String", "x", "x"},
		{"Edm.DateTimeOffset", "2026-01-05T09:00:00Z", "2026-01-05T09:00:00Z"},
		{"Edm.Guid", "a11ce000-0000-4000-8000-000000000001", "a11ce000-0000-4000-8000-000000000001"},
	}
	for _, c := range ok {
		got, err := convertPrimitive(c.typ, false, c.in, refuse)
		if err != nil || got != c.want {
			t.Errorf("convertPrimitive(%s, %#v) = %#v, %v; want %#v", c.typ, c.in, got, err, c.want)
		}
	}
	bad := []struct {
		typ string
		in  any
		msg string
	}{
		{"Edm.Boolean", "False", "Cannot convert a primitive value to the expected type 'Edm.Boolean'. See the inner exception for more details."},
		{"Edm.Boolean", "yes", "Cannot convert a primitive value to the expected type 'Edm.Boolean'. See the inner exception for more details."},
		{"Edm.Boolean", json.Number("0"), "Cannot convert the literal '0' to the expected type 'Edm.Boolean'."},
		{"Edm.Int32", json.Number("1.5"), "Cannot convert the literal '1.5' to the expected type 'Edm.Int32'."},
		{"Edm.Int32", "3000000000", "Cannot convert a primitive value to the expected type 'Edm.Int32'. See the inner exception for more details."},
		{"Edm.Int32", true, "Cannot convert the literal 'true' to the expected type 'Edm.Int32'."},
		{"Edm.String", json.Number("5"), "Cannot convert the literal '5' to the expected type 'Edm.String'."},
		{"Edm.DateTimeOffset", "yesterday", "Cannot convert a primitive value to the expected type 'Edm.DateTimeOffset'. See the inner exception for more details."},
		{"Edm.Guid", "not-a-guid", "Cannot convert a primitive value to the expected type 'Edm.Guid'. See the inner exception for more details."},
	}
	for _, c := range bad {
		_, err := convertPrimitive(c.typ, false, c.in, refuse)
		if ae, isAE := err.(*Error); !isAE || ae.Message != c.msg {
			t.Errorf("convertPrimitive(%s, %#v) = %v; want %q", c.typ, c.in, err, c.msg)
		}
	}
}

func TestCasing(t *testing.T) {
	in := map[string]any{"id": "1", "@odata.etag": "x", "contentBytes@odata.mediaContentType": "a",
		"body": map[string]any{"contentType": "html"}, "list": []any{map[string]any{"@odata.type": "#microsoft.graph.itemAttachment"}}}
	out := toOutlook(in).(map[string]any)
	want := map[string]any{"Id": "1", "@odata.etag": "x", "ContentBytes@odata.mediaContentType": "a",
		"Body": map[string]any{"ContentType": "html"}, "List": []any{map[string]any{"@odata.type": "#Microsoft.OutlookServices.ItemAttachment"}}}
	if !reflect.DeepEqual(out, want) {
		t.Fatalf("toOutlook = %v", out)
	}
	if back := fromOutlook(out); !reflect.DeepEqual(back, in) {
		t.Fatalf("fromOutlook = %v", back)
	}
	// A contact's mobilePhone is MobilePhone1 in Outlook REST, both ways.
	contact := map[string]any{"mobilePhone": "1", "homePhones": []any{}}
	if o := toOutlook(contact).(map[string]any); o["MobilePhone1"] != "1" || o["HomePhones"] == nil || len(o) != 2 {
		t.Fatalf("toOutlook(contact) = %v", o)
	}
	if g := fromOutlook(map[string]any{"MobilePhone1": "1"}).(map[string]any); g["mobilePhone"] != "1" || len(g) != 1 {
		t.Fatalf("fromOutlook(contact) = %v", g)
	}
}

func TestRouteTableChecks(t *testing.T) {
	h := func(context.Context, *Call) error { return nil }
	bad := []Route{
		{Method: "GET", Pattern: "x", Handle: h},                                       // no permissions
		{Method: "GET", Pattern: "x/{user}", Scopes: []string{"User.Read"}, Handle: h}, // principal not first
		{Method: "GET", Pattern: "{user}/x", Public: true, Handle: h},                  // public principal
		{Method: "GET", Pattern: "x", Scopes: []string{"User.Read"}},                   // no handler
	}
	for _, r := range bad {
		if _, err := newRouter([]Area{{Name: "t", Routes: []Route{r}}}); err == nil {
			t.Errorf("route %q accepted", r.Pattern)
		}
	}
}

func TestPathParamRoutes(t *testing.T) {
	h := func(context.Context, *Call) error { return nil }
	rt, err := newRouter([]Area{{Name: "t", Routes: []Route{
		{Method: "GET", Pattern: "sites/{site:}", Scopes: []string{"S"}, Handle: h},
		{Method: "GET", Pattern: "sites/{site:}/lists/{list}", Scopes: []string{"S"}, Handle: h},
		{Method: "GET", Pattern: "sites/{site:}/sites", Scopes: []string{"S"}, Handle: h},
		{Method: "GET", Pattern: "sites/root/extra", Scopes: []string{"S"}, Handle: h},
		{Method: "GET", Pattern: "drive/{item:}/content", Scopes: []string{"S"}, Handle: h},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path, pattern string
		params        map[string]string
	}{
		{"sites/root", "sites/{site:}", map[string]string{"site": "root"}},
		{"sites/h,1,2", "sites/{site:}", map[string]string{"site": "h,1,2"}},
		{"sites/h:/sites/team", "sites/{site:}", map[string]string{"site": "h:/sites/team"}},
		{"sites/h:/sites/team:", "sites/{site:}", map[string]string{"site": "h:/sites/team:"}},
		{"sites/h:/sites/team:/lists/L", "sites/{site:}/lists/{list}", map[string]string{"site": "h:/sites/team:", "list": "L"}},
		{"sites/h:/sites/team/sub:/sites", "sites/{site:}/sites", map[string]string{"site": "h:/sites/team/sub:"}},
		{"sites/h:/sites", "sites/{site:}", map[string]string{"site": "h:/sites"}},                           // "sites" is the path here
		{"sites/root/extra", "sites/root/extra", map[string]string{}},                                        // literals win
		{"sites/h:/sites/team/lists/L", "sites/{site:}", map[string]string{"site": "h:/sites/team/lists/L"}}, // unclosed: the rest
		{"drive/root:/a/b.txt:/content", "drive/{item:}/content", map[string]string{"item": "root:/a/b.txt:"}},
		{"drive/root:/content", "", nil}, // the path is "/content"; nothing follows it
	}
	for _, c := range cases {
		m, _ := rt.find("GET", strings.Split(c.path, "/"))
		switch {
		case c.pattern == "" && m != nil:
			t.Errorf("%s matched %s", c.path, m.route.Pattern)
		case c.pattern == "":
		case m == nil:
			t.Errorf("%s: no match", c.path)
		case m.route.Pattern != c.pattern || !reflect.DeepEqual(m.params, c.params):
			t.Errorf("%s: %s %v, want %s %v", c.path, m.route.Pattern, m.params, c.pattern, c.params)
		}
	}
}

func TestPathParam(t *testing.T) {
	cases := []struct {
		in, base, path string
		ok             bool
	}{
		{"root", "root", "", false},
		{"h,1,2", "h,1,2", "", false},
		{"root:/a/b.txt:", "root", "/a/b.txt", true},
		{"h:/sites/team", "h", "/sites/team", true},
		{"h:/sites/team/", "h", "/sites/team", true},
		{"h:", "h", "", true},
		{":/a", "", "", true},
		{"h:/a//b", "", "", true},
		{"h:a", "", "", true},
		{"h:/a:/b", "", "", true},
	}
	for _, c := range cases {
		base, path, ok := PathParam(c.in)
		if base != c.base || path != c.path || ok != c.ok {
			t.Errorf("PathParam(%q) = %q, %q, %v; want %q, %q, %v", c.in, base, path, ok, c.base, c.path, c.ok)
		}
	}
}

func TestFolderRoles(t *testing.T) {
	inbox := &Object{ID: "f1", Data: map[string]any{"_wellKnown": "inbox"}}
	other := &Object{ID: "f2", Data: map[string]any{}}
	cases := []struct {
		role       string
		need       FolderRights
		own, allow bool
	}{
		{"reviewer", ReadItems, false, true},
		{"Reviewer", ReadItems | FolderVisible, false, true},
		{"reviewer", CreateItems, false, false},
		{"author", CreateItems | ReadItems, false, true},
		{"author", EditAllItems, false, false},
		{"author", EditAllItems, true, true},
		{"author", DeleteAllItems, true, true},
		{"nonEditingAuthor", EditAllItems, true, false},
		{"nonEditingAuthor", DeleteAllItems, true, true},
		{"editor", EditAllItems | DeleteAllItems, false, true},
		{"editor", CreateSubfolders, false, false},
		{"publishingEditor", CreateSubfolders, false, true},
		{"owner", FolderOwner, false, true},
		{"contributor", CreateItems, false, true},
		{"contributor", ReadItems, false, false},
		{"none", FolderVisible, false, true},
		{"none", ReadItems, false, false},
		{"availabilityOnly", FolderVisible, false, false},
	}
	for _, c := range cases {
		rights, ok := RoleRights(c.role)
		if !ok {
			t.Fatalf("role %q unknown", c.role)
		}
		a := &Access{Grantee: "g", rights: map[MailboxRight]bool{}, folders: map[string]FolderRights{"inbox": rights}}
		if got := a.CanItem(inbox, c.need, c.own); got != c.allow {
			t.Errorf("%s on %b (own %v) = %v, want %v", c.role, c.need, c.own, got, c.allow)
		}
		if a.CanItem(other, ReadItems, true) {
			t.Errorf("%s on inbox opened another folder", c.role)
		}
	}
	if _, ok := RoleRights("superuser"); ok {
		t.Error("unknown role accepted")
	}
	full := &Access{Grantee: "g", rights: map[MailboxRight]bool{FullAccess: true}}
	if !full.Can(other, AllFolderRights) || !full.Any() {
		t.Error("full access does not open every folder")
	}
	if ok, _ := full.CanSend(); ok {
		t.Error("full access sends")
	}
	behalf := &Access{Grantee: "g", rights: map[MailboxRight]bool{SendOnBehalf: true}}
	if ok, onBehalf := behalf.CanSend(); !ok || !onBehalf || behalf.Can(inbox, ReadItems) {
		t.Error("send on behalf")
	}
	if ok, onBehalf := (&Access{Owner: true}).CanSend(); !ok || onBehalf {
		t.Error("owner sends as itself")
	}
}

func TestPutGrantChecks(t *testing.T) {
	st, err := openStore(context.Background(), ":memory:", time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	ctx := context.Background()
	bad := []Grant{
		{Grantee: "g", Right: FullAccess},
		{Mailbox: "m", Right: FullAccess},
		{Mailbox: "m", Grantee: "g"},
		{Mailbox: "m", Grantee: "g", Right: "readEverything"},
		{Mailbox: "m", Grantee: "g", Right: SendAs, Folder: "inbox"},
		{Mailbox: "m", Grantee: "g", Folder: "inbox", Role: "boss"},
	}
	for _, g := range bad {
		if err := st.Write(ctx, func(tx *Tx) error { return PutGrant(ctx, tx, g) }); err == nil {
			t.Errorf("PutGrant(%+v) accepted", g)
		}
	}
	err = st.Write(ctx, func(tx *Tx) error {
		for _, g := range []Grant{
			{Mailbox: "m", Grantee: "g", Folder: "Inbox", Role: "reviewer"},
			{Mailbox: "m", Grantee: "g", Folder: "inbox", Role: "editor"}, // replaces the reviewer role
			{Mailbox: "m", Grantee: "g", Right: SendOnBehalf},
			{Mailbox: "m", Grantee: "h", Right: FullAccess},
		} {
			if err := PutGrant(ctx, tx, g); err != nil {
				return err
			}
		}
		a, err := AccessOf(ctx, tx, "m", "g")
		if err != nil {
			return err
		}
		inbox := &Object{ID: "x", Data: map[string]any{"_wellKnown": "inbox"}}
		if !a.Can(inbox, EditAllItems) || a.Has(FullAccess) || !a.Has(SendOnBehalf) {
			t.Errorf("access %+v", a)
		}
		if err := DeleteGrant(ctx, tx, Grant{Mailbox: "m", Grantee: "g", Folder: "INBOX"}); err != nil {
			return err
		}
		grants, err := Grants(ctx, tx, "m")
		if len(grants) != 2 {
			t.Errorf("grants after delete: %+v", grants)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWindowsZones(t *testing.T) {
	zones := WindowsZones()
	if len(zones) != 139 || zones[0].Name != "Dateline Standard Time" || zones[len(zones)-1].Display != "(UTC+14:00) Kiritimati Island" {
		t.Fatalf("%d zones, first %v", len(zones), zones[0])
	}
	seen := map[string]bool{}
	for _, z := range zones {
		if seen[z.Name] || z.Display == "" || !strings.HasPrefix(z.Display, "(UTC") {
			t.Errorf("zone %+v", z)
		}
		seen[z.Name] = true
		if _, err := time.LoadLocation(z.IANA); err != nil {
			t.Errorf("%s: IANA zone %s: %v", z.Name, z.IANA, err)
		}
		if _, ok := LoadZone(z.Name); !ok {
			t.Errorf("LoadZone(%q) failed", z.Name)
		}
	}
	for _, name := range []string{"UTC", "Coordinated Universal Time", "pacific standard time", "Europe/Paris"} {
		if _, ok := LoadZone(name); !ok {
			t.Errorf("LoadZone(%q) failed", name)
		}
	}
}

// TestRouteDenied checks the 403 of a token lacking a route's permissions:
// Exchange's by default, the route's own when it sets Denied.
func TestRouteDenied(t *testing.T) {
	delegated := &Claims{Scopes: []string{"User.Read"}}
	app := &Claims{AppOnly: true, Roles: []string{"Mail.Read"}}
	exchange := Route{Scopes: []string{"Mail.Read"}, Roles: []string{"Mail.ReadWrite"}}
	directory := Route{Scopes: []string{"User.ReadWrite.All"}, Roles: []string{"User.ReadWrite.All"}, Denied: InsufficientPrivileges}
	for _, claims := range []*Claims{delegated, app} {
		if err := authorize(claims, &exchange, false); err == nil || err.Code != "ErrorAccessDenied" || err.Status != 403 {
			t.Errorf("Exchange route: %+v", err)
		}
		if err := authorize(claims, &directory, false); err == nil || err.Code != "Authorization_RequestDenied" || err.Status != 403 {
			t.Errorf("directory route: %+v", err)
		}
	}
	if err := authorize(&Claims{Scopes: []string{"User.ReadWrite.All"}}, &directory, false); err != nil {
		t.Errorf("granted: %v", err)
	}
}

// TestSplitKeys: an area reading OData below a {name...} parameter gets its
// keys split off and its function calls as the client wrote them.
func TestSplitKeys(t *testing.T) {
	cases := []struct {
		path string
		want []string
	}{
		{"drives/d/items/X/workbook/worksheets('Sheet%201')/range(address='A1:B2')",
			[]string{"worksheets", "Sheet 1", "range(address='A1:B2')"}},
		{"drives/d/items/X/workbook/tables('T')/rows/itemAt(index=2)",
			[]string{"tables", "T", "rows", "itemAt(index=2)"}},
		{"drives/d/items/X/workbook/names('it''s')", []string{"names", "it's"}},
		{"drives/d/items/X/workbook/worksheets/Sheet1/usedRange(valuesOnly=true)",
			[]string{"worksheets", "Sheet1", "usedRange(valuesOnly=true)"}},
		{"drives/d/items/X/workbook/functions/sum", []string{"functions", "sum"}},
	}
	for _, c := range cases {
		p, err := parsePath(c.path)
		if err != nil {
			t.Fatalf("%s: %v", c.path, err)
		}
		// The route drives/{drive}/items/{item}/workbook/{rest...} matches
		// from the fifth segment split as the router splits.
		got := SplitKeys(p.tail(5))
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %q, want %q", c.path, got, c.want)
		}
	}
	if got := SplitKeys([]string{"('x')", "report('a').xlsx"}); !reflect.DeepEqual(got, []string{"('x')", "report('a').xlsx"}) {
		t.Errorf("non-keys were split: %q", got)
	}
}
