package core

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

func openTestStore(t testing.TB, path string) *Store {
	t.Helper()
	st, err := openStore(context.Background(), path, time.Now)
	if err != nil {
		t.Fatalf("openStore: %v", err)
	}
	t.Cleanup(func() { st.close() })
	return st
}

func TestStoreMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	st := openTestStore(t, path)
	ctx := context.Background()
	if err := st.Write(ctx, func(tx *Tx) error {
		return tx.Put(ctx, &Object{Collection: "c", ID: "1", Data: map[string]any{"a": "b"}})
	}); err != nil {
		t.Fatal(err)
	}
	st.close()
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("database mode %v, %v", fi.Mode(), err)
	}
	// Reopening applies nothing and keeps the data.
	st = openTestStore(t, path)
	var v int
	if err := st.db.QueryRow(`SELECT version FROM schema_version`).Scan(&v); err != nil || v != len(migrations) {
		t.Fatalf("schema version %d, %v", v, err)
	}
	if _, err := st.db.Exec(`UPDATE schema_version SET version = 99`); err != nil {
		t.Fatal(err)
	}
	st.close()
	if _, err := openStore(ctx, path, time.Now); err == nil || !strings.Contains(err.Error(), "newer than this sandbox supports") {
		t.Fatalf("newer schema opened: %v", err)
	}
}

// The WAL holds the identity platform's signing key until a checkpoint:
// the side files must be as private as the database.
func TestDatabaseSideFileModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix file modes")
	}
	check := func(path string) {
		t.Helper()
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatalf("%s: %v", filepath.Base(p), err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s has mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
			}
		}
	}
	ctx := context.Background()
	write := func(st *Store) {
		t.Helper()
		if err := st.Write(ctx, func(tx *Tx) error { return tx.KVPut(ctx, "k", []byte("v"), time.Time{}) }); err != nil {
			t.Fatal(err)
		}
	}

	// A new database: SQLite creates the side files as it opens it.
	path := filepath.Join(t.TempDir(), "new.db")
	st := openTestStore(t, path)
	write(st)
	check(path)

	// A database left with readable files by an older version.
	old := filepath.Join(t.TempDir(), "old.db")
	for _, p := range []string{old, old + "-wal", old + "-shm"} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	st = openTestStore(t, old)
	write(st)
	check(old)
}

func TestStoreObjectsAndChanges(t *testing.T) {
	st := openTestStore(t, ":memory:")
	ctx := context.Background()
	err := st.Write(ctx, func(tx *Tx) error {
		if err := tx.Put(ctx, &Object{Collection: "m", Owner: "u", ID: "1", Parent: "inbox", Data: map[string]any{"s": "x"}}); err != nil {
			return err
		}
		o, err := tx.Get(ctx, "m", "u", "1")
		if err != nil {
			return err
		}
		o.Parent = "archive"
		return tx.Put(ctx, o)
	})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	rows, err := st.db.Query(`SELECT parent || ':' || kind FROM changes ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		rows.Scan(&k)
		kinds = append(kinds, k)
	}
	rows.Close()
	if want := "inbox:upsert inbox:remove archive:upsert"; strings.Join(kinds, " ") != want {
		t.Fatalf("change log %q, want %q", kinds, want)
	}
	err = st.Write(ctx, func(tx *Tx) error { return tx.Delete(ctx, "m", "u", "nope") })
	if !IsNotFound(err) {
		t.Fatalf("delete missing: %v", err)
	}
	// A failing write leaves nothing behind.
	err = st.Write(ctx, func(tx *Tx) error {
		if err := tx.Put(ctx, &Object{Collection: "m", Owner: "u", ID: "2", Data: map[string]any{}}); err != nil {
			return err
		}
		return fmt.Errorf("boom")
	})
	if err == nil {
		t.Fatal("error lost")
	}
	st.Read(ctx, func(tx *Tx) error {
		if _, err := tx.Get(ctx, "m", "u", "2"); !IsNotFound(err) {
			t.Fatalf("rolled-back object exists: %v", err)
		}
		return nil
	})
}

func TestStoreKVExpiry(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	st, err := openStore(context.Background(), ":memory:", func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	ctx := context.Background()
	st.Write(ctx, func(tx *Tx) error { return tx.KVPut(ctx, "k", []byte("v"), now.Add(time.Minute)) })
	get := func() (string, bool) {
		var v []byte
		var ok bool
		st.Read(ctx, func(tx *Tx) error { v, ok, err = tx.KVGet(ctx, "k"); return err })
		return string(v), ok
	}
	if v, ok := get(); !ok || v != "v" {
		t.Fatalf("kvGet = %q, %v", v, ok)
	}
	now = now.Add(2 * time.Minute)
	if _, ok := get(); ok {
		t.Fatal("expired key still readable")
	}
	var rows int
	st.Write(ctx, func(tx *Tx) error { return tx.kvPurge(ctx) })
	if st.db.QueryRow(`SELECT count(*) FROM kv`).Scan(&rows); rows != 0 {
		t.Fatalf("%d rows after purge", rows)
	}
}

func TestBlobChunks(t *testing.T) {
	st := openTestStore(t, ":memory:")
	ctx := context.Background()
	data := make([]byte, 2*blobChunkSize+12345)
	for i := range data {
		data[i] = byte(i * 7)
	}
	// Upload in three uneven pieces, as an upload session would.
	cuts := []int{0, 1000, blobChunkSize + 77, len(data)}
	for i := 0; i+1 < len(cuts); i++ {
		err := st.Write(ctx, func(tx *Tx) error {
			n, err := tx.WriteBlob(ctx, "b", int64(cuts[i]), bytes.NewReader(data[cuts[i]:cuts[i+1]]))
			if err == nil && n != int64(cuts[i+1]) {
				err = fmt.Errorf("size %d after piece %d", n, i)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	err := st.Write(ctx, func(tx *Tx) error {
		_, err := tx.WriteBlob(ctx, "b", 5, bytes.NewReader([]byte("x")))
		return err
	})
	if err == nil {
		t.Fatal("write at a wrong offset accepted")
	}
	b, err := st.OpenBlob(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(b)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back %d bytes, %v", len(got), err)
	}
	if _, err := b.Seek(blobChunkSize-3, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	part := make([]byte, 10)
	if _, err := io.ReadFull(b, part); err != nil || !bytes.Equal(part, data[blobChunkSize-3:blobChunkSize+7]) {
		t.Fatalf("read across chunks: %v", err)
	}
	if _, err := st.OpenBlob(ctx, "none"); !IsNotFound(err) {
		t.Fatalf("missing blob: %v", err)
	}
}

const crashEnv = "O365_SANDBOX_CRASH_DB"

// TestKillDuringWrites kills a child process with SIGKILL while it writes,
// then checks the database opens clean with only whole transactions.
func TestKillDuringWrites(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		crashChild(path)
		return
	}
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillDuringWrites$")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	commits := 0
	for sc.Scan() && commits < 30 {
		if strings.HasPrefix(sc.Text(), "committed") {
			commits++
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if commits < 30 {
		t.Fatalf("child committed only %d transactions", commits)
	}
	st := openTestStore(t, path)
	var check string
	if err := st.db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	// Every transaction wrote one object, one change and one whole blob.
	var objs, chs, badBlobs int
	st.db.QueryRow(`SELECT count(*) FROM objects`).Scan(&objs)
	st.db.QueryRow(`SELECT count(*) FROM changes`).Scan(&chs)
	st.db.QueryRow(`SELECT count(*) FROM blobs b WHERE size != (SELECT COALESCE(SUM(length(data)),0) FROM blob_chunks WHERE blob = b.id)`).Scan(&badBlobs)
	if objs < 30 || chs != objs || badBlobs != 0 {
		t.Fatalf("after crash: %d objects, %d changes, %d torn blobs", objs, chs, badBlobs)
	}
}

func crashChild(path string) {
	st, err := openStore(context.Background(), path, time.Now)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	ctx := context.Background()
	payload := bytes.Repeat([]byte("0123456789abcdef"), 20000)
	for i := 0; ; i++ {
		err := st.Write(ctx, func(tx *Tx) error {
			id := fmt.Sprint(i)
			if _, err := tx.WriteBlob(ctx, "blob:"+id, 0, bytes.NewReader(payload)); err != nil {
				return err
			}
			return tx.Put(ctx, &Object{Collection: "crash", ID: id, Data: map[string]any{"i": i}})
		})
		if err != nil {
			fmt.Println("write:", err)
			os.Exit(2)
		}
		fmt.Println("committed", i)
	}
}

// TestUserLookupUsesIndex keeps users/{upn} from scanning the directory.
func TestUserLookupUsesIndex(t *testing.T) {
	st := openTestStore(t, ":memory:")
	rows, err := st.db.Query(`EXPLAIN QUERY PLAN `+userByLoginQuery, "a@b")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		rows.Scan(&id, &parent, &unused, &detail)
		plan = append(plan, detail)
	}
	joined := strings.Join(plan, "; ")
	if !strings.Contains(joined, "users_by_upn") || !strings.Contains(joined, "users_by_mail") {
		t.Fatalf("query plan does not use the user indexes: %s", joined)
	}
}

// TestStoreOddPaths opens databases whose paths need escaping in the DSN.
func TestStoreOddPaths(t *testing.T) {
	for _, name := range []string{"with space", "hash#x", "q?x", "pct%41"} {
		p := filepath.Join(t.TempDir(), name, "s b.db")
		st, err := openStore(context.Background(), p, time.Now)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		st.close()
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s: database not at %s: %v", name, p, err)
		}
	}
}

func TestRoundChanges(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t, ":memory:")
	sc := Scope{Collection: "links.test", Owner: "g1"}
	put := func(id string) {
		if err := st.Write(ctx, func(tx *Tx) error {
			return tx.Put(ctx, &Object{Collection: sc.Collection, Owner: "g1", ID: id, Data: map[string]any{}})
		}); err != nil {
			t.Fatal(err)
		}
	}
	del := func(id string) {
		if err := st.Write(ctx, func(tx *Tx) error { return tx.Delete(ctx, sc.Collection, "g1", id) }); err != nil {
			t.Fatal(err)
		}
	}
	seq := func() int64 {
		var n int64
		if err := st.Read(ctx, func(tx *Tx) error { var err error; n, err = tx.maxSeq(ctx); return err }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	round := func(after, upTo int64) []RoundChange {
		var out []RoundChange
		if err := st.Read(ctx, func(tx *Tx) error { var err error; out, err = tx.RoundChanges(ctx, sc, after, upTo); return err }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	put("a")
	put("b")
	put("gone")
	del("gone")
	first := seq()
	put("later") // after the first round's end
	if got := round(0, first); !reflect.DeepEqual(got, []RoundChange{{ID: "a"}, {ID: "b"}}) {
		t.Fatalf("first round %v", got)
	}
	del("a")
	put("c")
	put("c")
	if got := round(first, seq()); !reflect.DeepEqual(got, []RoundChange{{ID: "later"}, {ID: "a", Gone: true}, {ID: "c"}}) {
		t.Fatalf("second round %v", got)
	}
}
