package core

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// ErrNotFound is wrapped by the errors of store lookups that find nothing.
// A handler may return such an error as is: it becomes 404
// ErrorItemNotFound.
var ErrNotFound = errors.New("sandbox: object not found")

// IsNotFound reports whether err wraps ErrNotFound: a store miss.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// SortKey is the sort key of an object ordered by time t (Object.Sort):
// keys of later times sort after earlier ones.
func SortKey(t time.Time) string { return t.UTC().Format(sortTimeLayout) }

// Change kinds recorded in the change log. A "remove" is logged for the old
// parent when an object moves, so a per-parent delta reports it as gone.
const (
	changeUpsert = "upsert"
	changeDelete = "delete"
	changeRemove = "remove"
)

// blobChunkSize is the size of one stored blob row; blobs are written and read
// one chunk at a time so transfers of any size use constant memory.
const blobChunkSize = 1 << 20

// sortTimeLayout is a fixed-width time layout so that sort keys built from
// times order correctly as strings.
const sortTimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// migrations is the ordered schema history; migrations[i] brings the schema
// from version i to i+1. Never edit an entry once released: append a new one.
var migrations = []string{
	`CREATE TABLE objects (
		collection TEXT NOT NULL,
		owner      TEXT NOT NULL,
		id         TEXT NOT NULL,
		parent     TEXT NOT NULL DEFAULT '',
		sort       TEXT NOT NULL DEFAULT '',
		data       TEXT NOT NULL,
		created    TEXT NOT NULL,
		modified   TEXT NOT NULL,
		change_seq INTEGER NOT NULL,
		PRIMARY KEY (collection, owner, id)
	);
	CREATE INDEX objects_by_parent ON objects (collection, owner, parent, sort);
	CREATE INDEX objects_by_seq ON objects (collection, owner, change_seq, id);
	CREATE INDEX objects_by_sort ON objects (collection, owner, sort);
	CREATE INDEX users_by_upn ON objects (lower(json_extract(data, '$.userPrincipalName'))) WHERE collection = 'users';
	CREATE INDEX users_by_mail ON objects (lower(json_extract(data, '$.mail'))) WHERE collection = 'users';
	CREATE TABLE changes (
		seq        INTEGER PRIMARY KEY AUTOINCREMENT,
		collection TEXT NOT NULL,
		owner      TEXT NOT NULL,
		parent     TEXT NOT NULL,
		id         TEXT NOT NULL,
		kind       TEXT NOT NULL CHECK (kind IN ('upsert', 'delete', 'remove')),
		at         INTEGER NOT NULL
	);
	CREATE INDEX changes_by_scope ON changes (collection, owner, parent, seq);
	CREATE TABLE blobs (
		id      TEXT PRIMARY KEY,
		size    INTEGER NOT NULL,
		created TEXT NOT NULL
	);
	CREATE TABLE blob_chunks (
		blob TEXT NOT NULL,
		n    INTEGER NOT NULL,
		data BLOB NOT NULL,
		PRIMARY KEY (blob, n)
	);
	CREATE TABLE kv (
		key     TEXT PRIMARY KEY,
		value   BLOB NOT NULL,
		expires INTEGER NOT NULL DEFAULT 0
	);`,
}

// Store is the SQLite-backed state of one sandbox tenant: JSON documents
// (Object), a change log that feeds delta and change notifications, blobs
// and small key/value entries. All reads and writes go through a Tx (see
// Read and Write).
type Store struct {
	db  *sql.DB
	now func() time.Time
	// onCommit, when set, receives the changes of every committed write.
	onCommit func([]change)
}

// change is one row of the change log.
type change struct {
	Seq                           int64
	Collection, Owner, Parent, ID string
	Kind                          string
	// Created is set (in memory only, for change notifications) when an
	// upsert inserted a new object or moved one to another parent.
	Created bool
}

// Object is one stored document, addressed by (Collection, Owner, ID). Data
// is canonical camelCase Graph JSON; keys starting with "_" are the area's
// own and never served (see PublicDoc). Collections named "sandbox.*" are
// internal and never served at all.
type Object struct {
	Collection string
	Owner      string // user id for per-user data, "" for tenant-wide data
	ID         string
	Parent     string // containing folder/drive item, "" when flat
	Sort       string // default order key; the creation time when empty
	Data       map[string]any
	Created    time.Time
	Modified   time.Time
	Seq        int64 // change_seq of the last write
}

// openStore opens (creating if needed) the database at path, or an in-memory
// one for ":memory:", and migrates it to the current schema.
func openStore(ctx context.Context, path string, now func() time.Time) (*Store, error) {
	var dsn string
	memory := path == ":memory:"
	if memory {
		dsn = ":memory:"
	} else {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("sandbox: create database directory: %w", err)
		}
		if err := restrictDatabaseFiles(path); err != nil {
			return nil, err
		}
		q := url.Values{}
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Set("_txlock", "immediate")
		dsn = "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sandbox: open database %s: %w", path, err)
	}
	if memory {
		// Every connection to ":memory:" is a separate database: keep exactly
		// one, forever.
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	} else {
		db.SetMaxOpenConns(4)
		db.SetMaxIdleConns(4)
	}
	st := &Store{db: db, now: now}
	if err := st.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if !memory {
		if err := restrictDatabaseFiles(path); err != nil {
			db.Close()
			return nil, err
		}
	}
	return st, nil
}

// restrictDatabaseFiles gives the database and its -wal and -shm side files
// mode 0600, creating the database file empty if it is missing. SQLite
// creates the side files with the database's mode, so a database made 0600
// first never has readable ones; the side files of a database from before
// are changed too. The WAL holds recent writes, among them the identity
// platform's signing key: another local user who could read it could forge
// tokens.
func restrictDatabaseFiles(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("sandbox: open database file: %w", err)
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("sandbox: restrict the mode of %s: %w", p, err)
		}
	}
	return nil
}

func (st *Store) close() error { return st.db.Close() }

// migrate applies the migrations the database has not seen yet, each in its
// own transaction together with the version bump.
func (st *Store) migrate(ctx context.Context) error {
	if _, err := st.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("sandbox: create schema_version: %w", err)
	}
	var version int
	err := st.db.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&version)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := st.db.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (0)`); err != nil {
			return fmt.Errorf("sandbox: init schema_version: %w", err)
		}
	case err != nil:
		return fmt.Errorf("sandbox: read schema version: %w", err)
	}
	if version > len(migrations) {
		return fmt.Errorf("sandbox: database schema version %d is newer than this sandbox supports (%d); use a newer o365 or another --db file", version, len(migrations))
	}
	for v := version; v < len(migrations); v++ {
		err := st.Write(ctx, func(tx *Tx) error {
			if _, err := tx.q.ExecContext(ctx, migrations[v]); err != nil {
				return err
			}
			_, err := tx.q.ExecContext(ctx, `UPDATE schema_version SET version = ?`, v+1)
			return err
		})
		if err != nil {
			return fmt.Errorf("sandbox: migrate schema to version %d: %w", v+1, err)
		}
	}
	return nil
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx is a unit of store work: a transaction inside Store.Write, plain
// autocommit statements inside Store.Read.
type Tx struct {
	st      *Store
	q       querier
	sqlTx   *sql.Tx              // set inside write
	stmts   map[string]*sql.Stmt // statements prepared in sqlTx
	changes []change
}

// prepared returns a statement for query prepared once per write
// transaction (seeding writes many objects in one), or nil outside one.
func (tx *Tx) prepared(ctx context.Context, query string) *sql.Stmt {
	if tx.sqlTx == nil {
		return nil
	}
	if st, ok := tx.stmts[query]; ok {
		return st
	}
	st, err := tx.sqlTx.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared path reports the error
	}
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[query] = st
	return st
}

// exec runs a statement, prepared when inside a write.
func (tx *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := tx.prepared(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.q.ExecContext(ctx, query, args...)
}

// queryRow runs a one-row query, prepared when inside a write.
func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := tx.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.q.QueryRowContext(ctx, query, args...)
}

// query runs a query, prepared when inside a write.
func (tx *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := tx.prepared(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.q.QueryContext(ctx, query, args...)
}

// Read runs fn without a transaction. fn must not write.
func (st *Store) Read(ctx context.Context, fn func(tx *Tx) error) error {
	return fn(&Tx{st: st, q: st.db})
}

// Write runs fn in one transaction (all or nothing) and, after commit,
// reports the changes it logged to change notifications. fn must use only tx
// (never st or another Call helper that reads the store) for store access:
// the in-memory store has a single connection, which the transaction holds,
// so anything else deadlocks.
func (st *Store) Write(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := st.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sandbox: begin transaction: %w", err)
	}
	tx := &Tx{st: st, q: sqlTx, sqlTx: sqlTx}
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("sandbox: commit: %w", err)
	}
	if st.onCommit != nil && len(tx.changes) > 0 {
		st.onCommit(tx.changes)
	}
	return nil
}

// Get loads one object; the error wraps ErrNotFound when it does not exist.
func (tx *Tx) Get(ctx context.Context, collection, owner, id string) (*Object, error) {
	row := tx.queryRow(ctx, `SELECT parent, sort, data, created, modified, change_seq
		FROM objects WHERE collection = ? AND owner = ? AND id = ?`, collection, owner, id)
	o := &Object{Collection: collection, Owner: owner, ID: id}
	if err := scanObject(row, o); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("%s %q: %w", collection, id, ErrNotFound)
		}
		return nil, fmt.Errorf("sandbox: load %s %q: %w", collection, id, err)
	}
	return o, nil
}

// GetIn is Get limited to sc: an object of another parent (when
// sc.ByParent) is not found either.
func (tx *Tx) GetIn(ctx context.Context, sc Scope, id string) (*Object, error) {
	o, err := tx.Get(ctx, sc.Collection, sc.Owner, id)
	if err == nil && sc.ByParent && o.Parent != sc.Parent {
		return nil, fmt.Errorf("%s %q: %w", sc.Collection, id, ErrNotFound)
	}
	return o, err
}

type scanner interface{ Scan(dest ...any) error }

func scanObject(row scanner, o *Object) error {
	var data, created, modified string
	if err := row.Scan(&o.Parent, &o.Sort, &data, &created, &modified, &o.Seq); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(data), &o.Data); err != nil {
		return fmt.Errorf("decode stored document: %w", err)
	}
	o.Created, _ = time.Parse(time.RFC3339Nano, created)
	o.Modified, _ = time.Parse(time.RFC3339Nano, modified)
	return nil
}

// Put inserts or replaces o, sets o.Data["id"], logs the change and fills in
// o.Seq, o.Created and o.Modified. Moving an object to another parent also
// logs a "remove" for the old parent.
func (tx *Tx) Put(ctx context.Context, o *Object) error {
	if o.ID == "" || o.Collection == "" {
		return fmt.Errorf("sandbox: put needs a collection and an id")
	}
	now := tx.st.now().UTC()
	var oldParent, oldCreated string
	err := tx.queryRow(ctx, `SELECT parent, created FROM objects WHERE collection = ? AND owner = ? AND id = ?`,
		o.Collection, o.Owner, o.ID).Scan(&oldParent, &oldCreated)
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sandbox: put %s %q: %w", o.Collection, o.ID, err)
	}
	if exists && oldParent != o.Parent {
		if _, err := tx.logChange(ctx, o.Collection, o.Owner, oldParent, o.ID, changeRemove); err != nil {
			return err
		}
	}
	seq, err := tx.logChange(ctx, o.Collection, o.Owner, o.Parent, o.ID, changeUpsert)
	if err != nil {
		return err
	}
	// An object moved to another parent is new there (a message moved into a
	// folder is "created" for the folder's subscribers).
	tx.changes[len(tx.changes)-1].Created = !exists || oldParent != o.Parent
	switch {
	case exists:
		o.Created, _ = time.Parse(time.RFC3339Nano, oldCreated)
	case o.Created.IsZero():
		o.Created = now
	}
	o.Modified = now
	o.Seq = seq
	if o.Sort == "" {
		o.Sort = SortKey(o.Created)
	}
	if o.Data == nil {
		o.Data = map[string]any{}
	}
	o.Data["id"] = o.ID
	data, err := marshalJSON(o.Data) // unescaped, as answers send it
	if err != nil {
		return fmt.Errorf("sandbox: encode %s %q: %w", o.Collection, o.ID, err)
	}
	_, err = tx.exec(ctx, `INSERT INTO objects (collection, owner, id, parent, sort, data, created, modified, change_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (collection, owner, id) DO UPDATE SET parent = excluded.parent, sort = excluded.sort,
			data = excluded.data, modified = excluded.modified, change_seq = excluded.change_seq`,
		o.Collection, o.Owner, o.ID, o.Parent, o.Sort, string(data),
		o.Created.UTC().Format(time.RFC3339Nano), now.Format(time.RFC3339Nano), seq)
	if err != nil {
		return fmt.Errorf("sandbox: store %s %q: %w", o.Collection, o.ID, err)
	}
	return nil
}

// bulkRows is how many objects putAll writes per statement.
const bulkRows = 100

// PutAll stores objs exactly as Put would, one after the other (same
// documents, change log and seqs, indexes, Created flags), but with three
// multi-row statements per bulkRows objects instead of three per object:
// the bulk path for seeders. Objects of one collection and owner in a row
// share statements, so pass them grouped. The documents are encoded a
// chunk ahead of the inserts, on another goroutine: the caller must leave
// objs alone until putAll returns.
func (tx *Tx) PutAll(ctx context.Context, objs []*Object) error {
	var chunks [][]*Object
	for len(objs) > 0 {
		n := 1
		for n < len(objs) && n < bulkRows && objs[n].Collection == objs[0].Collection && objs[n].Owner == objs[0].Owner {
			n++
		}
		chunks, objs = append(chunks, objs[:n]), objs[n:]
	}
	type encoded struct {
		docs []string
		err  error
	}
	next := make(chan encoded, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for _, chunk := range chunks {
			e := encoded{docs: make([]string, len(chunk))}
			for i, o := range chunk {
				if o.Data == nil {
					o.Data = map[string]any{}
				}
				o.Data["id"] = o.ID
				data, err := marshalJSON(o.Data)
				if err != nil {
					e.err = fmt.Errorf("sandbox: encode %s %q: %w", o.Collection, o.ID, err)
					break
				}
				e.docs[i] = string(data)
			}
			select {
			case next <- e:
			case <-stop:
				return
			}
		}
	}()
	for _, chunk := range chunks {
		e := <-next
		if e.err != nil {
			return e.err
		}
		if err := tx.putChunk(ctx, chunk, e.docs); err != nil {
			return err
		}
	}
	return nil
}

// putChunk is PutAll for objects of one collection and owner, whose
// documents are encoded in docs.
func (tx *Tx) putChunk(ctx context.Context, objs []*Object, docs []string) error {
	coll, owner := objs[0].Collection, objs[0].Owner
	type stored struct{ parent, created string }
	old := make(map[string]stored, len(objs))
	args := make([]any, 0, 2+len(objs))
	args = append(args, coll, owner)
	for _, o := range objs {
		if o.ID == "" || o.Collection == "" {
			return fmt.Errorf("sandbox: put needs a collection and an id")
		}
		args = append(args, o.ID)
	}
	rows, err := tx.query(ctx, `SELECT id, parent, created FROM objects WHERE collection = ? AND owner = ? AND id IN (`+
		placeholders(1, len(objs))+`)`, args...)
	if err != nil {
		return fmt.Errorf("sandbox: put %s: %w", coll, err)
	}
	for rows.Next() {
		var id string
		var s stored
		if err := rows.Scan(&id, &s.parent, &s.created); err != nil {
			rows.Close()
			return fmt.Errorf("sandbox: put %s: %w", coll, err)
		}
		old[id] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sandbox: put %s: %w", coll, err)
	}
	// Sequence numbers are assigned here, in put's order, rather than by
	// AUTOINCREMENT, so that each object knows its own; explicit values
	// still advance sqlite_sequence.
	var seq int64
	if err := tx.queryRow(ctx, `SELECT max(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0),
		COALESCE((SELECT max(seq) FROM changes), 0))`).Scan(&seq); err != nil {
		return fmt.Errorf("sandbox: read change log: %w", err)
	}
	now := tx.st.now().UTC()
	nowText, at := now.Format(time.RFC3339Nano), now.Unix()
	changeArgs := make([]any, 0, 7*len(objs))
	objArgs := make([]any, 0, 9*len(objs))
	logged := func(parent, id, kind string, created bool) {
		seq++
		changeArgs = append(changeArgs, seq, coll, owner, parent, id, kind, at)
		tx.changes = append(tx.changes, change{Seq: seq, Collection: coll, Owner: owner, Parent: parent, ID: id, Kind: kind, Created: created})
	}
	for i, o := range objs {
		prev, exists := old[o.ID]
		if exists && prev.parent != o.Parent {
			logged(prev.parent, o.ID, changeRemove, false)
		}
		logged(o.Parent, o.ID, changeUpsert, !exists || prev.parent != o.Parent)
		switch {
		case exists:
			o.Created, _ = time.Parse(time.RFC3339Nano, prev.created)
		case o.Created.IsZero():
			o.Created = now
		}
		o.Modified = now
		o.Seq = seq
		if o.Sort == "" {
			o.Sort = SortKey(o.Created)
		}
		created := o.Created.UTC().Format(time.RFC3339Nano)
		old[o.ID] = stored{o.Parent, created} // a later duplicate replaces this one
		objArgs = append(objArgs, coll, owner, o.ID, o.Parent, o.Sort, docs[i], created, nowText, seq)
	}
	if _, err := tx.exec(ctx, `INSERT INTO changes (seq, collection, owner, parent, id, kind, at) VALUES `+
		placeholders(7, len(changeArgs)/7), changeArgs...); err != nil {
		return fmt.Errorf("sandbox: log change: %w", err)
	}
	_, err = tx.exec(ctx, `INSERT INTO objects (collection, owner, id, parent, sort, data, created, modified, change_seq)
		VALUES `+placeholders(9, len(objs))+`
		ON CONFLICT (collection, owner, id) DO UPDATE SET parent = excluded.parent, sort = excluded.sort,
			data = excluded.data, modified = excluded.modified, change_seq = excluded.change_seq`, objArgs...)
	if err != nil {
		return fmt.Errorf("sandbox: store %s: %w", coll, err)
	}
	return nil
}

// placeholders is rows comma-separated groups of cols parameters:
// "(?, ?), (?, ?)"; with cols 1 the bare list "?, ?".
func placeholders(cols, rows int) string {
	group := "?" + strings.Repeat(", ?", cols-1)
	if cols > 1 {
		group = "(" + group + ")"
	}
	return group + strings.Repeat(", "+group, rows-1)
}

// Delete removes one object and logs it; the error wraps ErrNotFound when
// there was nothing to delete.
func (tx *Tx) Delete(ctx context.Context, collection, owner, id string) error {
	var parent string
	err := tx.q.QueryRowContext(ctx, `DELETE FROM objects WHERE collection = ? AND owner = ? AND id = ? RETURNING parent`,
		collection, owner, id).Scan(&parent)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s %q: %w", collection, id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("sandbox: delete %s %q: %w", collection, id, err)
	}
	_, err = tx.logChange(ctx, collection, owner, parent, id, changeDelete)
	return err
}

func (tx *Tx) logChange(ctx context.Context, collection, owner, parent, id, kind string) (int64, error) {
	var seq int64
	err := tx.queryRow(ctx, `INSERT INTO changes (collection, owner, parent, id, kind, at) VALUES (?, ?, ?, ?, ?, ?) RETURNING seq`,
		collection, owner, parent, id, kind, tx.st.now().Unix()).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("sandbox: log change: %w", err)
	}
	tx.changes = append(tx.changes, change{Seq: seq, Collection: collection, Owner: owner, Parent: parent, ID: id, Kind: kind})
	return seq, nil
}

// Scope names a set of objects: one collection of one owner, optionally
// narrowed to one parent (a folder, a message, a drive item...).
type Scope struct {
	Collection string
	Owner      string
	Parent     string
	ByParent   bool // when false, Parent is ignored and every parent matches
}

func (sc Scope) where() (string, []any) {
	if sc.ByParent {
		return `collection = ? AND owner = ? AND parent = ?`, []any{sc.Collection, sc.Owner, sc.Parent}
	}
	return `collection = ? AND owner = ?`, []any{sc.Collection, sc.Owner}
}

// sortOrder is the ORDER BY of list order: by sort key, then id.
func sortOrder(desc bool) string {
	if desc {
		return "sort DESC, id DESC"
	}
	return "sort ASC, id ASC"
}

// List returns the objects in sc ordered by their sort key (descending when
// desc), skipping offset and returning at most limit (all when limit <= 0).
func (tx *Tx) List(ctx context.Context, sc Scope, desc bool, offset, limit int) ([]*Object, error) {
	where, args := sc.where()
	order := sortOrder(desc)
	if limit <= 0 {
		limit = -1
	}
	args = append(args, limit, offset)
	rows, err := tx.q.QueryContext(ctx, `SELECT id, parent, sort, data, created, modified, change_seq FROM objects
		WHERE `+where+` ORDER BY `+order+` LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("sandbox: list %s: %w", sc.Collection, err)
	}
	return scanObjects(rows, sc)
}

// listRaw is List for callers that send documents unchanged: it returns
// the stored JSON without decoding it.
func (tx *Tx) listRaw(ctx context.Context, sc Scope, desc bool, offset, limit int) ([]json.RawMessage, error) {
	where, args := sc.where()
	order := sortOrder(desc)
	if limit <= 0 {
		limit = -1
	}
	args = append(args, limit, offset)
	rows, err := tx.q.QueryContext(ctx, `SELECT data FROM objects WHERE `+where+` ORDER BY `+order+` LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("sandbox: list %s: %w", sc.Collection, err)
	}
	defer rows.Close()
	var out []json.RawMessage
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("sandbox: scan %s: %w", sc.Collection, err)
		}
		out = append(out, data)
	}
	return out, rows.Err()
}

// Scan calls fn with the stored JSON of each object of sc, in list order
// (descending when desc), until fn returns false or an error. The bytes are
// only valid during the call. It streams: memory does not grow with sc, but
// the connection is busy until it returns, so fn must not use the store.
func (tx *Tx) Scan(ctx context.Context, sc Scope, desc bool, fn func(data []byte) (bool, error)) error {
	where, args := sc.where()
	order := sortOrder(desc)
	rows, err := tx.q.QueryContext(ctx, `SELECT data FROM objects WHERE `+where+` ORDER BY `+order, args...)
	if err != nil {
		return fmt.Errorf("sandbox: list %s: %w", sc.Collection, err)
	}
	defer rows.Close()
	var data sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&data); err != nil {
			return fmt.Errorf("sandbox: scan %s: %w", sc.Collection, err)
		}
		more, err := fn(data)
		if err != nil || !more {
			return err
		}
	}
	return rows.Err()
}

// Count returns the number of objects in sc.
func (tx *Tx) Count(ctx context.Context, sc Scope) (int, error) {
	where, args := sc.where()
	var n int
	if err := tx.q.QueryRowContext(ctx, `SELECT count(*) FROM objects WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("sandbox: count %s: %w", sc.Collection, err)
	}
	return n, nil
}

// CountWhere returns the number of objects in sc whose top-level property
// (a plain name such as "isRead") equals value: a string, a number or a
// bool. It counts in SQL, without decoding documents.
func (tx *Tx) CountWhere(ctx context.Context, sc Scope, property string, value any) (int, error) {
	for _, r := range property {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') || property == "" {
			return 0, fmt.Errorf("sandbox: count %s: %q is not a plain property name", sc.Collection, property)
		}
	}
	// JSON true and false read back from json_extract as 1 and 0.
	switch v := value.(type) {
	case bool:
		value = 0
		if v {
			value = 1
		}
	case string, int, int64, float64:
	default:
		return 0, fmt.Errorf("sandbox: count %s: cannot compare %s with %T", sc.Collection, property, value)
	}
	where, args := sc.where()
	args = append(args, "$."+property, value)
	var n int
	if err := tx.q.QueryRowContext(ctx, `SELECT count(*) FROM objects WHERE `+where+` AND json_extract(data, ?) = ?`, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("sandbox: count %s: %w", sc.Collection, err)
	}
	return n, nil
}

// StoredSize returns what the objects of sc take: the bytes of their JSON
// documents plus, when sizeProperty is set, the sum of that numeric
// top-level property (e.g. the "size" of attachments whose bytes are
// blobs). Areas use it for quotas (a mailbox's size).
func (tx *Tx) StoredSize(ctx context.Context, sc Scope, sizeProperty string) (int64, error) {
	where, args := sc.where()
	query := `SELECT COALESCE(SUM(length(data)), 0) FROM objects WHERE ` + where
	if sizeProperty != "" {
		for _, r := range sizeProperty {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
				return 0, fmt.Errorf("sandbox: size of %s: %q is not a plain property name", sc.Collection, sizeProperty)
			}
		}
		query = `SELECT COALESCE(SUM(length(data) + COALESCE(json_extract(data, '$.` + sizeProperty + `'), 0)), 0) FROM objects WHERE ` + where
	}
	var n int64
	if err := tx.q.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("sandbox: size of %s: %w", sc.Collection, err)
	}
	return n, nil
}

// maxSeq is the newest change sequence number (0 for an empty log).
func (tx *Tx) maxSeq(ctx context.Context) (int64, error) {
	var seq int64
	err := tx.q.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM changes`).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("sandbox: read change log: %w", err)
	}
	return seq, nil
}

// objectsUpTo returns objects of sc whose last change is at most upTo, in
// (change_seq, id) order after the cursor (afterSeq, afterID).
func (tx *Tx) objectsUpTo(ctx context.Context, sc Scope, upTo, afterSeq int64, afterID string, limit int) ([]*Object, error) {
	where, args := sc.where()
	args = append(args, upTo, afterSeq, afterID, limit)
	rows, err := tx.q.QueryContext(ctx, `SELECT id, parent, sort, data, created, modified, change_seq FROM objects
		WHERE `+where+` AND change_seq <= ? AND (change_seq, id) > (?, ?) ORDER BY change_seq, id LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("sandbox: delta snapshot %s: %w", sc.Collection, err)
	}
	return scanObjects(rows, sc)
}

// changesBetween returns, for each object of sc changed in (after, upTo], its
// last change there, ordered by sequence and starting after cursor.
func (tx *Tx) changesBetween(ctx context.Context, sc Scope, after, upTo, cursor int64, limit int) ([]change, error) {
	where, args := sc.where()
	args = append(args, after, upTo, cursor, limit)
	// SQLite takes the bare columns of an aggregate query from the row that
	// holds the max(), so kind and parent belong to the last change.
	rows, err := tx.q.QueryContext(ctx, `SELECT id, parent, kind, max(seq) AS last FROM changes
		WHERE `+where+` AND seq > ? AND seq <= ? GROUP BY id HAVING last > ? ORDER BY last LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("sandbox: read changes of %s: %w", sc.Collection, err)
	}
	defer rows.Close()
	var out []change
	for rows.Next() {
		c := change{Collection: sc.Collection, Owner: sc.Owner}
		if err := rows.Scan(&c.ID, &c.Parent, &c.Kind, &c.Seq); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// RoundChange is what became of one object of a scope in a delta round.
type RoundChange struct {
	ID string
	// Gone is true when the object was deleted or left the scope; false
	// when it was created or changed (or, in a first round, is there).
	Gone bool
}

// RoundChanges lists the objects of sc a delta round bounded by after and
// upTo (DeltaSpec.Annotate's arguments) should report: for a later round,
// each object changed in (after, upTo] with its last change; for a first
// round (after 0), the objects there, as of upTo. Ordered by change.
func (tx *Tx) RoundChanges(ctx context.Context, sc Scope, after, upTo int64) ([]RoundChange, error) {
	var out []RoundChange
	if after == 0 {
		objs, err := tx.objectsUpTo(ctx, sc, upTo, 0, "", -1)
		for _, o := range objs {
			out = append(out, RoundChange{ID: o.ID})
		}
		return out, err
	}
	chs, err := tx.changesBetween(ctx, sc, after, upTo, after, -1)
	for _, c := range chs {
		out = append(out, RoundChange{ID: c.ID, Gone: c.Kind == changeDelete || c.Kind == changeRemove})
	}
	return out, err
}

func scanObjects(rows *sql.Rows, sc Scope) ([]*Object, error) {
	defer rows.Close()
	var out []*Object
	for rows.Next() {
		o := &Object{Collection: sc.Collection, Owner: sc.Owner}
		var data, created, modified string
		if err := rows.Scan(&o.ID, &o.Parent, &o.Sort, &data, &created, &modified, &o.Seq); err != nil {
			return nil, fmt.Errorf("sandbox: scan %s: %w", sc.Collection, err)
		}
		if err := json.Unmarshal([]byte(data), &o.Data); err != nil {
			return nil, fmt.Errorf("sandbox: decode stored %s %q: %w", sc.Collection, o.ID, err)
		}
		o.Created, _ = time.Parse(time.RFC3339Nano, created)
		o.Modified, _ = time.Parse(time.RFC3339Nano, modified)
		out = append(out, o)
	}
	return out, rows.Err()
}

// KVGet reads a key/value entry (small state an area keeps outside
// documents, e.g. settings or session state); ok is false when it is absent or expired.
func (tx *Tx) KVGet(ctx context.Context, key string) ([]byte, bool, error) {
	var val []byte
	var expires int64
	err := tx.q.QueryRowContext(ctx, `SELECT value, expires FROM kv WHERE key = ?`, key).Scan(&val, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("sandbox: read key: %w", err)
	}
	if expires != 0 && tx.st.now().UnixNano() >= expires {
		return nil, false, nil
	}
	return val, true, nil
}

// KVPut stores a key/value entry; a zero expires never expires.
func (tx *Tx) KVPut(ctx context.Context, key string, val []byte, expires time.Time) error {
	var exp int64
	if !expires.IsZero() {
		exp = expires.UnixNano()
	}
	_, err := tx.q.ExecContext(ctx, `INSERT INTO kv (key, value, expires) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires`, key, val, exp)
	if err != nil {
		return fmt.Errorf("sandbox: write key: %w", err)
	}
	return nil
}

// kvPurge drops expired key/value entries.
func (tx *Tx) kvPurge(ctx context.Context) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM kv WHERE expires != 0 AND expires <= ?`, tx.st.now().UnixNano()); err != nil {
		return fmt.Errorf("sandbox: purge expired keys: %w", err)
	}
	return nil
}

// KVDelete removes a key/value entry; removing an absent one is no error.
func (tx *Tx) KVDelete(ctx context.Context, key string) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM kv WHERE key = ?`, key); err != nil {
		return fmt.Errorf("sandbox: delete key: %w", err)
	}
	return nil
}

// WriteBlob appends r to blob id at offset, which must equal the blob's
// current size (0 creates or replaces it). It returns the new size. Memory
// use is bounded by two chunks whatever the length of r.
func (tx *Tx) WriteBlob(ctx context.Context, id string, offset int64, r io.Reader) (int64, error) {
	size, err := tx.BlobSize(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound) && offset == 0:
		size = 0
	case err != nil:
		return 0, err
	}
	if offset == 0 && size != 0 {
		if err := tx.DeleteBlob(ctx, id); err != nil {
			return 0, err
		}
		size = 0
	}
	if offset != size {
		return size, fmt.Errorf("sandbox: blob write at %d, expected %d", offset, size)
	}
	if _, err := tx.q.ExecContext(ctx, `INSERT INTO blobs (id, size, created) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		id, size, tx.st.now().UTC().Format(time.RFC3339Nano)); err != nil {
		return 0, fmt.Errorf("sandbox: create blob: %w", err)
	}
	buf := make([]byte, blobChunkSize)
	n := size / blobChunkSize
	fill := int(size % blobChunkSize)
	if fill > 0 {
		// Complete the partial last chunk first.
		var last []byte
		if err := tx.q.QueryRowContext(ctx, `SELECT data FROM blob_chunks WHERE blob = ? AND n = ?`, id, n).Scan(&last); err != nil {
			return 0, fmt.Errorf("sandbox: read blob tail: %w", err)
		}
		copy(buf, last)
	}
	for {
		m, rerr := io.ReadFull(r, buf[fill:])
		if m > 0 {
			if _, err := tx.q.ExecContext(ctx, `INSERT INTO blob_chunks (blob, n, data) VALUES (?, ?, ?)
				ON CONFLICT (blob, n) DO UPDATE SET data = excluded.data`, id, n, buf[:fill+m]); err != nil {
				return 0, fmt.Errorf("sandbox: write blob chunk: %w", err)
			}
			size += int64(m)
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return 0, fmt.Errorf("sandbox: read upload: %w", rerr)
		}
		fill = 0
		n++
	}
	if _, err := tx.q.ExecContext(ctx, `UPDATE blobs SET size = ? WHERE id = ?`, size, id); err != nil {
		return 0, fmt.Errorf("sandbox: update blob size: %w", err)
	}
	return size, nil
}

// BlobSize returns the stored size of a blob; the error wraps ErrNotFound.
func (tx *Tx) BlobSize(ctx context.Context, id string) (int64, error) {
	var size int64
	err := tx.q.QueryRowContext(ctx, `SELECT size FROM blobs WHERE id = ?`, id).Scan(&size)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("blob %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("sandbox: read blob: %w", err)
	}
	return size, nil
}

// DeleteBlob removes a blob; removing an absent one is no error.
func (tx *Tx) DeleteBlob(ctx context.Context, id string) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM blob_chunks WHERE blob = ?`, id); err != nil {
		return fmt.Errorf("sandbox: delete blob: %w", err)
	}
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM blobs WHERE id = ?`, id); err != nil {
		return fmt.Errorf("sandbox: delete blob: %w", err)
	}
	return nil
}

// BlobReader reads a blob one chunk (one query) at a time; it is an
// io.ReadSeeker, so http.ServeContent can answer Range requests from it.
type BlobReader struct {
	ctx   context.Context
	q     querier
	id    string
	size  int64
	pos   int64
	chunk []byte
	n     int64 // index of chunk, -1 when none loaded
}

// OpenBlob opens blob id for reading, outside any transaction; the error wraps ErrNotFound.
func (st *Store) OpenBlob(ctx context.Context, id string) (*BlobReader, error) {
	var size int64
	err := st.Read(ctx, func(tx *Tx) error {
		var err error
		size, err = tx.BlobSize(ctx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &BlobReader{ctx: ctx, q: st.db, id: id, size: size, n: -1}, nil
}

// OpenBlob opens blob id for reading inside tx, e.g. to look at content
// while a write transaction holds the store's connection; the reader is
// valid until fn returns. The error wraps ErrNotFound.
func (tx *Tx) OpenBlob(ctx context.Context, id string) (*BlobReader, error) {
	size, err := tx.BlobSize(ctx, id)
	if err != nil {
		return nil, err
	}
	return &BlobReader{ctx: ctx, q: tx.q, id: id, size: size, n: -1}, nil
}

// CopyBlob copies blob from to a new blob to (replacing any), inside the
// database: no byte passes through memory, whatever the size.
func (tx *Tx) CopyBlob(ctx context.Context, from, to string) error {
	if err := tx.DeleteBlob(ctx, to); err != nil {
		return err
	}
	res, err := tx.q.ExecContext(ctx, `INSERT INTO blobs (id, size, created) SELECT ?, size, ? FROM blobs WHERE id = ?`,
		to, tx.st.now().UTC().Format(time.RFC3339Nano), from)
	if err != nil {
		return fmt.Errorf("sandbox: copy blob: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("blob %q: %w", from, ErrNotFound)
	}
	if _, err := tx.q.ExecContext(ctx, `INSERT INTO blob_chunks (blob, n, data) SELECT ?, n, data FROM blob_chunks WHERE blob = ?`, to, from); err != nil {
		return fmt.Errorf("sandbox: copy blob: %w", err)
	}
	return nil
}

// Size is the blob's length in bytes.
func (b *BlobReader) Size() int64 { return b.size }

// Read reads the next bytes of the blob.
func (b *BlobReader) Read(p []byte) (int, error) {
	if b.pos >= b.size {
		return 0, io.EOF
	}
	n := b.pos / blobChunkSize
	if n != b.n {
		if err := b.load(n); err != nil {
			return 0, fmt.Errorf("sandbox: read blob chunk: %w", err)
		}
		b.n = n
	}
	off := int(b.pos - n*blobChunkSize)
	if off >= len(b.chunk) {
		return 0, io.ErrUnexpectedEOF
	}
	m := copy(p, b.chunk[off:])
	b.pos += int64(m)
	return m, nil
}

// load reads chunk n into b.chunk, reusing its memory: a download of any
// size then makes one chunk of garbage per chunk (the driver's copy), not
// two, which keeps the sandbox's heap, and a whole CLI transfer, small.
func (b *BlobReader) load(n int64) error {
	rows, err := b.q.QueryContext(b.ctx, `SELECT data FROM blob_chunks WHERE blob = ? AND n = ?`, b.id, n)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	var raw sql.RawBytes
	if err := rows.Scan(&raw); err != nil {
		return err
	}
	b.chunk = append(b.chunk[:0], raw...)
	return rows.Close()
}

// Seek moves the read position, as io.Seeker.
func (b *BlobReader) Seek(offset int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = b.pos + offset
	case io.SeekEnd:
		abs = b.size + offset
	default:
		return 0, fmt.Errorf("sandbox: bad seek whence %d", whence)
	}
	if abs < 0 {
		return 0, fmt.Errorf("sandbox: seek before start")
	}
	b.pos = abs
	return abs, nil
}

// ToDoc turns a typed value into a stored document through its JSON form.
func ToDoc(v any) (map[string]any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	return doc, json.Unmarshal(raw, &doc)
}

// FromDoc is the inverse of ToDoc: it decodes a stored document into v.
func FromDoc(doc map[string]any, v any) error {
	raw, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}
