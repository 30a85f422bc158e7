package core_test

import (
	"reflect"
	"testing"

	"github.com/o365go/o365/sandbox/internal/sandboxtest"
	"github.com/o365go/o365/sandbox/internal/testarea"
)

func TestTestItemsDeltaMovesAndPages(t *testing.T) {
	ts := sandboxtest.New(t, sandboxtest.Options{}, testarea.Area())
	tok := ts.AliceToken(t)
	var ids []string
	for i := range 3 {
		r := ts.Do(t, tok, "POST", "/v1.0/me/testItems", map[string]any{"n": i}).WantStatus(t, 201)
		ids = append(ids, r.JSON["id"].(string))
	}
	pages := 0
	round := func(link string) (items []any, deltaLink string) {
		pages = 0
		for link != "" {
			pages++
			r := ts.Do(t, tok, "GET", link, nil).WantStatus(t, 200)
			items = append(items, r.JSON["value"].([]any)...)
			link, _ = r.JSON["@odata.nextLink"].(string)
			deltaLink, _ = r.JSON["@odata.deltaLink"].(string)
		}
		return items, deltaLink
	}
	items, dl := round("/v1.0/me/testItems/delta?$top=1")
	if len(items) != 3 || pages != 3 {
		t.Fatalf("first round: %d pages, %v", pages, items)
	}
	ts.Do(t, tok, "PATCH", "/v1.0/me/testItems/"+ids[1], map[string]any{"n": 10}).WantStatus(t, 200)
	ts.Do(t, tok, "DELETE", "/v1.0/me/testItems/"+ids[0], nil).WantStatus(t, 204)
	r := ts.Do(t, tok, "POST", "/v1.0/me/testItems", map[string]any{"n": 3}).WantStatus(t, 201)
	items, dl2 := round(dl)
	want := []any{
		map[string]any{"id": ids[1], "n": float64(10)},
		map[string]any{"id": ids[0], "@removed": map[string]any{"reason": "deleted"}},
		map[string]any{"id": r.JSON["id"], "n": float64(3)},
	}
	if !reflect.DeepEqual(items, want) {
		t.Fatalf("second round %v", items)
	}
	if items, _ := round(dl2); len(items) != 0 {
		t.Fatalf("third round %v", items)
	}
}
