package core

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// TestStorePutAllIsPut checks that the bulk path stores exactly what put
// does one object at a time: documents, sequence numbers, the change log
// (moves included), Created flags, and indexes that still answer.
func TestStorePutAllIsPut(t *testing.T) {
	ctx := context.Background()
	clock := func() time.Time { return time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC) }
	objs := func() []*Object {
		var out []*Object
		for i := range 2*bulkRows + 7 {
			out = append(out, &Object{Collection: "m", Owner: "u", ID: fmt.Sprintf("id%03d", i%(2*bulkRows)), Parent: "inbox",
				Sort: fmt.Sprintf("%05d", 1000-i), Data: map[string]any{"n": i, "s": "x\"<y>"}})
		}
		out[10].Parent = "archive" // moves an object stored before the batch
		out = append(out, &Object{Collection: "m", Owner: "v", ID: "id001", Parent: "inbox",
			Created: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}, &Object{Collection: "n", Owner: "u", ID: "x"})
		return out
	}
	type result struct {
		Objects, Changes [][]any
		Logged           []change
		Seqs             []int64
	}
	run := func(bulk bool) result {
		st, err := openStore(ctx, ":memory:", clock)
		if err != nil {
			t.Fatal(err)
		}
		defer st.close()
		var r result
		st.onCommit = func(chs []change) { r.Logged = append(r.Logged, chs...) }
		// Something stored and deleted before, its changes gone too:
		// AUTOINCREMENT never reuses their seqs.
		err = st.Write(ctx, func(tx *Tx) error {
			for _, id := range []string{"old", "id010"} {
				if err := tx.Put(ctx, &Object{Collection: "m", Owner: "u", ID: id, Parent: "inbox"}); err != nil {
					return err
				}
			}
			return tx.Delete(ctx, "m", "u", "old")
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.db.Exec(`DELETE FROM changes WHERE id = 'old'`); err != nil {
			t.Fatal(err)
		}
		os := objs()
		err = st.Write(ctx, func(tx *Tx) error {
			if bulk {
				return tx.PutAll(ctx, os)
			}
			for _, o := range os {
				if err := tx.Put(ctx, o); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range os {
			r.Seqs = append(r.Seqs, o.Seq)
		}
		r.Objects = dumpRows(t, st, `SELECT collection, owner, id, parent, sort, data, created, modified, change_seq FROM objects ORDER BY collection, owner, id`)
		r.Changes = dumpRows(t, st, `SELECT * FROM changes ORDER BY seq`)
		// The indexes answer like the table.
		err = st.Read(ctx, func(tx *Tx) error {
			n, err := tx.Count(ctx, Scope{Collection: "m", Owner: "u", Parent: "archive", ByParent: true})
			if n != 1 || err != nil {
				t.Errorf("archive holds %d, %v", n, err)
			}
			list, err := tx.List(ctx, Scope{Collection: "m", Owner: "u", Parent: "inbox", ByParent: true}, false, 0, 1)
			if err != nil || len(list) != 1 || list[0].ID != "id006" {
				t.Errorf("first of inbox by sort: %v, %v", list, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	one, bulk := run(false), run(true)
	if len(one.Objects) != 2*bulkRows+2 || len(one.Changes) != 1+2*bulkRows+7+1+2 {
		t.Fatalf("reference run stored %d objects, %d changes", len(one.Objects), len(one.Changes))
	}
	if !reflect.DeepEqual(one, bulk) {
		for i := range min(len(one.Changes), len(bulk.Changes)) {
			if !reflect.DeepEqual(one.Changes[i], bulk.Changes[i]) {
				t.Errorf("change %d: put %v, putAll %v", i, one.Changes[i], bulk.Changes[i])
				break
			}
		}
		t.Fatalf("putAll differs from put:\nput    %v %v\nputAll %v %v", one.Seqs, one.Logged[:5], bulk.Seqs, bulk.Logged[:5])
	}
}

func dumpRows(t *testing.T, st *Store, query string) [][]any {
	t.Helper()
	rows, err := st.db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]any
	for rows.Next() {
		row := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, row)
	}
	return out
}
