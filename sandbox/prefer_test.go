package sandbox

import (
	"net/http/httptest"
	"reflect"
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
		if got := htmlToText(in); got != want {
			t.Errorf("htmlToText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWithBodyType(t *testing.T) {
	doc := map[string]any{"id": "1", "body": map[string]any{"contentType": "html", "content": "<p>Hi &amp; bye</p>"}}
	got := withBodyType(doc, "body", "text")
	if want := map[string]any{"contentType": "text", "content": "Hi & bye"}; !reflect.DeepEqual(got["body"], want) {
		t.Fatalf("text body %v", got["body"])
	}
	if doc["body"].(map[string]any)["contentType"] != "html" {
		t.Fatal("input modified")
	}
	back := withBodyType(map[string]any{"body": map[string]any{"contentType": "text", "content": "a<b\nc"}}, "body", "html")
	if want := "<html><body>a&lt;b<br>c</body></html>"; back["body"].(map[string]any)["content"] != want {
		t.Fatalf("html body %v", back["body"])
	}
}

func TestPreferredTimeZoneAndBody(t *testing.T) {
	r := httptest.NewRequest("GET", "/v1.0/me/events", nil)
	r.Header.Set("Prefer", `outlook.timezone="Pacific Standard Time", outlook.body-content-type="text"`)
	w := httptest.NewRecorder()
	c := &call{w: w, r: r}
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
	if got := dateTimeTimeZone(at, name, loc); !reflect.DeepEqual(got, map[string]any{"dateTime": "2026-01-05T09:00:00.0000000", "timeZone": "Pacific Standard Time"}) {
		t.Fatalf("dateTimeTimeZone %v", got)
	}
	r.Header.Set("Prefer", `outlook.timezone="Mars/Olympus"`)
	c = &call{w: httptest.NewRecorder(), r: r}
	if _, _, ok := c.preferredTimeZone(); ok {
		t.Fatal("unknown zone accepted")
	}
}

func TestLocalizeOnTheWire(t *testing.T) {
	ts := newTestServer(t, Options{})
	tok := ts.aliceToken(t)
	r := ts.do(t, tok, "POST", "/v1.0/me/testItems", map[string]any{
		"start": map[string]any{"dateTime": "2026-01-05T17:00:00.0000000", "timeZone": "UTC"},
		"body":  map[string]any{"contentType": "html", "content": "<p>Hello <b>team</b></p>"},
	}).wantStatus(t, 201)
	id := r.JSON["id"].(string)
	prefer := `outlook.timezone="Tokyo Standard Time", outlook.body-content-type="text"`
	for _, path := range []string{"/v1.0/me/testItems/" + id, "/v1.0/me/testItems", "/v1.0/me/testItems/delta"} {
		r = ts.do(t, tok, "GET", path, nil, "Prefer", prefer).wantStatus(t, 200)
		doc := r.JSON
		if vals, ok := r.JSON["value"].([]any); ok {
			doc = vals[0].(map[string]any)
		}
		if want := map[string]any{"dateTime": "2026-01-06T02:00:00.0000000", "timeZone": "Tokyo Standard Time"}; !reflect.DeepEqual(doc["start"], want) {
			t.Errorf("%s: start %v", path, doc["start"])
		}
		if want := map[string]any{"contentType": "text", "content": "Hello team"}; !reflect.DeepEqual(doc["body"], want) {
			t.Errorf("%s: body %v", path, doc["body"])
		}
		if got := r.Header.Get("Preference-Applied"); got != prefer {
			t.Errorf("%s: Preference-Applied %q", path, got)
		}
	}
	// Without the preferences the stored values come back.
	r = ts.do(t, tok, "GET", "/v1.0/me/testItems/"+id, nil).wantStatus(t, 200)
	if r.JSON["start"].(map[string]any)["timeZone"] != "UTC" || r.Header.Get("Preference-Applied") != "" {
		t.Fatalf("unlocalized read %s", r.Raw)
	}
}
