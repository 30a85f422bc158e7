package core_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/gif"
	"reflect"
	"testing"

	"github.com/o365go/o365/sandbox/internal/sandboxtest"
	"github.com/o365go/o365/sandbox/internal/testarea"
)

func TestBatch(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	tok := ts.AliceToken(t)
	// A real image: the sandbox checks what it stores as a photo.
	var png bytes.Buffer
	if err := gif.Encode(&png, image.NewGray(image.Rect(0, 0, 2, 2)), nil); err != nil {
		t.Fatal(err)
	}
	img := png.Bytes()
	body := map[string]any{"requests": []any{
		map[string]any{"id": "1", "method": "GET", "url": "/me?$select=displayName"},
		map[string]any{"id": "2", "method": "POST", "url": "me/testItems", "headers": map[string]any{"Content-Type": "application/json"},
			"body": map[string]any{"subject": "via batch"}},
		map[string]any{"id": "3", "method": "GET", "url": "/users/nobody", "dependsOn": []any{"1"}},
		map[string]any{"id": "4", "method": "GET", "url": "/me", "dependsOn": []any{"3"}},
		map[string]any{"id": "5", "method": "GET", "url": "/me", "headers": map[string]any{"X-Sandbox-Fault": "429;retry-after=7"}},
		map[string]any{"id": "6", "method": "PUT", "url": "/me/photo/$value", "headers": map[string]any{"Content-Type": "image/gif"},
			"body": base64.StdEncoding.EncodeToString(img)},
		map[string]any{"id": "7", "method": "GET", "url": "/me/photo/$value", "dependsOn": []any{"6"}},
		map[string]any{"id": "8", "method": "GET", "url": "/users?$count=true", "headers": map[string]any{"ConsistencyLevel": "eventual"}},
	}}
	r := ts.Do(t, tok, "POST", "/v1.0/$batch", body).WantStatus(t, 200)
	got := map[string]map[string]any{}
	for _, v := range r.JSON["responses"].([]any) {
		item := v.(map[string]any)
		got[item["id"].(string)] = item
	}
	if len(got) != 8 {
		t.Fatalf("%d responses: %s", len(got), r.Raw)
	}
	status := func(id string) float64 { return got[id]["status"].(float64) }
	bodyOf := func(id string) map[string]any { b, _ := got[id]["body"].(map[string]any); return b }
	headers := func(id string) map[string]any { return got[id]["headers"].(map[string]any) }
	if status("1") != 200 || bodyOf("1")["displayName"] != "Alice Adams" || bodyOf("1")["@odata.context"] != ts.URL+"/v1.0/$metadata#users/$entity" {
		t.Errorf("item 1: %v", got["1"])
	}
	if status("2") != 201 || bodyOf("2")["subject"] != "via batch" {
		t.Errorf("item 2: %v", got["2"])
	}
	if status("3") != 404 || bodyOf("3")["error"].(map[string]any)["code"] != "Request_ResourceNotFound" {
		t.Errorf("item 3: %v", got["3"])
	}
	if status("4") != 424 || bodyOf("4")["error"].(map[string]any)["code"] != "FailedDependency" {
		t.Errorf("item 4: %v", got["4"])
	}
	if status("5") != 429 || headers("5")["Retry-After"] != "7" || bodyOf("5")["error"].(map[string]any)["code"] != "TooManyRequests" {
		t.Errorf("item 5: %v", got["5"])
	}
	if status("6") != 200 {
		t.Errorf("item 6: %v", got["6"])
	}
	if status("7") != 200 || got["7"]["body"] != base64.StdEncoding.EncodeToString(img) || headers("7")["Content-Type"] != "image/gif" {
		t.Errorf("item 7: %v", got["7"])
	}
	if status("8") != 200 || bodyOf("8")["@odata.count"] != float64(5) {
		t.Errorf("item 8: %v", got["8"])
	}
	// The batch's own token is what the items use: none, none of them run.
	r = ts.Do(t, "", "POST", "/v1.0/$batch", body)
	r.WantError(t, 401, "InvalidAuthenticationToken")
}

func TestBatchEnvelopeErrors(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	tok := ts.AliceToken(t)
	item := func(id string, deps ...string) map[string]any {
		m := map[string]any{"id": id, "method": "GET", "url": "/me"}
		if len(deps) > 0 {
			m["dependsOn"] = deps
		}
		return m
	}
	var many []any
	for i := range 21 {
		many = append(many, item(fmt.Sprint(i)))
	}
	cases := map[string]any{
		"too many":    map[string]any{"requests": many},
		"none":        map[string]any{"requests": []any{}},
		"duplicate":   map[string]any{"requests": []any{item("a"), item("A")}},
		"missing id":  map[string]any{"requests": []any{item("")}},
		"unknown dep": map[string]any{"requests": []any{item("a", "b")}},
		"cycle":       map[string]any{"requests": []any{item("a", "b"), item("b", "a")}},
		"absolute":    map[string]any{"requests": []any{map[string]any{"id": "1", "method": "GET", "url": "https://evil.example/me"}}},
		"bad method":  map[string]any{"requests": []any{map[string]any{"id": "1", "method": "TRACE", "url": "/me"}}},
		"body no ct":  map[string]any{"requests": []any{map[string]any{"id": "1", "method": "POST", "url": "/me/testItems", "body": map[string]any{}}}},
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			ts.Do(t, tok, "POST", "/v1.0/$batch", body).WantError(t, 400, "BadRequest")
		})
	}
	// Exactly 20 is fine; nested batches fail per item.
	r := ts.Do(t, tok, "POST", "/v1.0/$batch", map[string]any{"requests": many[:20]}).WantStatus(t, 200)
	if n := len(r.JSON["responses"].([]any)); n != 20 {
		t.Fatalf("%d responses", n)
	}
	r = ts.Do(t, tok, "POST", "/beta/$batch", map[string]any{"requests": []any{map[string]any{"id": "1", "method": "POST", "url": "/$batch"}}}).WantStatus(t, 200)
	first := r.JSON["responses"].([]any)[0].(map[string]any)
	if first["status"] != float64(400) {
		t.Fatalf("nested batch: %v", first)
	}
	want := map[string]any{"code": "BadRequest", "message": "A batch cannot contain another $batch request."}
	e := first["body"].(map[string]any)["error"].(map[string]any)
	if !reflect.DeepEqual(map[string]any{"code": e["code"], "message": e["message"]}, want) {
		t.Fatalf("nested batch error %v", e)
	}
}

func TestBatchItemsThrottledByRate(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{Faults: "429=100%,retry-after=4"}, testarea.Area())
	tok := ts.AliceToken(t)
	body := map[string]any{"requests": []any{
		map[string]any{"id": "a", "method": "GET", "url": "/me"},
		map[string]any{"id": "b", "method": "GET", "url": "/me", "dependsOn": []any{"a"}},
	}}
	r := ts.Do(t, tok, "POST", "/v1.0/$batch", body).WantStatus(t, 200)
	items := r.JSON["responses"].([]any)
	first, second := items[0].(map[string]any), items[1].(map[string]any)
	if first["status"] != float64(429) || first["headers"].(map[string]any)["Retry-After"] != "4" {
		t.Fatalf("item a: %v", first)
	}
	if second["status"] != float64(424) {
		t.Fatalf("item b: %v", second)
	}
	// A forced fault still applies to the envelope.
	ts.Do(t, tok, "POST", "/v1.0/$batch", body, "X-Sandbox-Fault", "503").WantError(t, 503, "serviceNotAvailable")
}

func FuzzBatch(f *testing.F) {
	ts := sandboxtest.New(f, sandboxtest.Options{}, testarea.Area())
	tok := ts.AliceToken(f)
	f.Add(`{"requests":[{"id":"1","method":"GET","url":"/me"}]}`)
	f.Add(`{"requests":[{"id":"1","method":"POST","url":"/me/testItems","headers":{"Content-Type":"text/plain"},"body":"!!"}]}`)
	f.Add(`{"requests":[{"id":"1","method":"GET","url":"/me","dependsOn":["1"]}]}`)
	f.Add(`{"requests":null}`)
	f.Fuzz(func(t *testing.T, body string) {
		r := ts.Do(t, tok, "POST", "/v1.0/$batch", body)
		if r.Status >= 500 {
			t.Fatalf("$batch %q: %d %s", body, r.Status, r.Raw)
		}
	})
}
