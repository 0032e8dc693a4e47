package receipts

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	_ "modernc.org/sqlite" // the pure-Go "sqlite" database/sql driver
)

// SQLiteStore is a Store in a SQLite file, written through the write-ahead
// log with synchronous=FULL: a receipt Add acknowledged survives the
// process being killed, and a power loss.
type SQLiteStore struct {
	sqlStore
	db *sql.DB
}

// sqliteSchema creates the tables and the indexes: DeleteBefore uses the
// one on time, Find and Stats the one in Find's order; the primary key
// serves Find by record id.
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
CREATE INDEX IF NOT EXISTS consent_receipts_time ON consent_receipts (time);
CREATE INDEX IF NOT EXISTS consent_receipts_received ON consent_receipts (` + orderColumns + `);` + revisionsSchema

// sqliteDialect is SQLite's SQL; json_each yields 1 for true, 0 for false.
var sqliteDialect = dialect{
	name:        "SQLite",
	placeholder: func(int) string { return "?" },
	allowing: func(where string) string {
		return "SELECT received - received % 86400, revision, j.key, SUM(j.value) " +
			"FROM consent_receipts, json_each(categories) j" + where + " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
	},
}

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
	// writers queue in Go rather than fail with SQLITE_BUSY. Find reads a
	// page per query, so that an export never holds it for long.
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(sqliteSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("receipts: create the tables in SQLite %s: %w", path, err)
	}
	return &SQLiteStore{sqlStore: newSQLStore(sqliteConn{db}, sqliteDialect), db: db}, nil
}

// Close closes the database.
func (s *SQLiteStore) Close() error { return s.db.Close() }

// sqliteConn is a conn over database/sql.
type sqliteConn struct{ db *sql.DB }

func (c sqliteConn) query(ctx context.Context, query string, args ...any) (rows, error) {
	rs, err := c.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rs}, nil
}

func (c sqliteConn) exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := c.db.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// sqlRows are database/sql's rows, whose Close error Err reports anyway.
type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { r.Rows.Close() }
