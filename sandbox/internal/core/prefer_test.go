package core_test

import (
	"reflect"
	"testing"

	"github.com/o365go/o365/sandbox/internal/sandboxtest"
	"github.com/o365go/o365/sandbox/internal/testarea"
)

func TestLocalizeOnTheWire(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	tok := ts.AliceToken(t)
	r := ts.Do(t, tok, "POST", "/v1.0/me/testItems", map[string]any{
		"start": map[string]any{"dateTime": "2026-01-05T17:00:00.0000000", "timeZone": "UTC"},
		"body":  map[string]any{"contentType": "html", "content": "<p>Hello <b>team</b></p>"},
	}).WantStatus(t, 201)
	id := r.JSON["id"].(string)
	prefer := `outlook.timezone="Tokyo Standard Time", outlook.body-content-type="text"`
	for _, path := range []string{"/v1.0/me/testItems/" + id, "/v1.0/me/testItems", "/v1.0/me/testItems/delta"} {
		r = ts.Do(t, tok, "GET", path, nil, "Prefer", prefer).WantStatus(t, 200)
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
	r = ts.Do(t, tok, "GET", "/v1.0/me/testItems/"+id, nil).WantStatus(t, 200)
	if r.JSON["start"].(map[string]any)["timeZone"] != "UTC" || r.Header.Get("Preference-Applied") != "" {
		t.Fatalf("unlocalized read %s", r.Raw)
	}
}
