package receipts

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the pure-Go "sqlite" database/sql driver
)

// SQLiteStore is a Store in a SQLite file, written through the write-ahead
// log with synchronous=FULL: a receipt Add acknowledged survives the
// process being killed, and a power loss.
type SQLiteStore struct {
	db *sql.DB
}

// sqliteSchema creates the table and the index that Find by time and
// DeleteBefore use; the primary key serves Find by record id.
const sqliteSchema = `
CREATE TABLE IF NOT EXISTS consent_receipts (
	record_id  TEXT NOT NULL,
	action     TEXT NOT NULL,
	time       INTEGER NOT NULL,
	received   INTEGER NOT NULL,
	revision   TEXT NOT NULL,
	categories TEXT NOT NULL,
	services   TEXT NOT NULL,
	value      TEXT NOT NULL,
	PRIMARY KEY (record_id, action, time)
);
CREATE INDEX IF NOT EXISTS consent_receipts_time ON consent_receipts (time);`

// OpenSQLite opens (creating it if need be) the SQLite database file at
// path, a plain file name (not a "file:" URI) without '?'.
func OpenSQLite(path string) (*SQLiteStore, error) {
	if path == "" || strings.HasPrefix(path, "file:") || strings.Contains(path, "?") {
		return nil, fmt.Errorf("receipts: SQLite path %q: want a plain file name, without \"file:\" or '?'", path)
	}
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)"} {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("receipts: open SQLite %s: %w", path, err)
	}
	// One connection: SQLite writes one at a time anyway, and this way
	// writers queue in Go rather than fail with SQLITE_BUSY.
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(sqliteSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("receipts: create the table in SQLite %s: %w", path, err)
	}
	return &SQLiteStore{db: db}, nil
}

func sqlitePlaceholder(int) string { return "?" }

// Add stores r unless its key is stored already.
func (s *SQLiteStore) Add(ctx context.Context, r Receipt) (bool, error) {
	w, err := toRow(r)
	if err != nil {
		return false, err
	}
	res, err := s.db.ExecContext(ctx, "INSERT INTO consent_receipts ("+schemaColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
		w.recordID, w.action, w.time, w.received, w.revision, w.cats, w.svcs, w.value)
	if err != nil {
		return false, fmt.Errorf("receipts: SQLite insert of %s: %w", r.RecordID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("receipts: SQLite insert of %s: %w", r.RecordID, err)
	}
	return n == 1, nil
}

// Find returns the receipts f selects.
func (s *SQLiteStore) Find(ctx context.Context, f Filter) ([]Receipt, error) {
	query, args := findQuery(f, sqlitePlaceholder)
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("receipts: SQLite query: %w", err)
	}
	defer rows.Close()
	var found []Receipt
	for rows.Next() {
		var w row
		if err := rows.Scan(&w.recordID, &w.action, &w.time, &w.received, &w.revision, &w.cats, &w.svcs, &w.value); err != nil {
			return nil, fmt.Errorf("receipts: SQLite read: %w", err)
		}
		r, err := w.receipt()
		if err != nil {
			return nil, err
		}
		found = append(found, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("receipts: SQLite read: %w", err)
	}
	return found, nil
}

// DeleteBefore deletes the receipts of choices made before t.
func (s *SQLiteStore) DeleteBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, "DELETE FROM consent_receipts WHERE time < ?", t.Unix())
	if err != nil {
		return 0, fmt.Errorf("receipts: SQLite delete before %s: %w", t.UTC().Format(time.RFC3339), err)
	}
	return res.RowsAffected()
}

// Close closes the database.
func (s *SQLiteStore) Close() error { return s.db.Close() }
