package core

import (
	"context"
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
	}
	for _, c := range cases {
		got, err := SplitPath(c.in)
		if (err != nil) != c.bad || (!c.bad && !reflect.DeepEqual(got, c.want)) {
			t.Errorf("SplitPath(%q) = %q, %v; want %q, bad=%v", c.in, got, err, c.want, c.bad)
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
