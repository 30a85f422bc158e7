package core

import "context"

// IntegrityCheck runs SQLite's integrity check on the store: "ok" when the
// database is sound.
func (st *Store) IntegrityCheck(ctx context.Context) (string, error) {
	var check string
	err := st.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check)
	return check, err
}
