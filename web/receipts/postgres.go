package receipts

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// PostgresStore is a Store in PostgreSQL, for a site with several web
// servers. A receipt Add acknowledged is committed, durable as the server's
// synchronous_commit setting makes it (on by default).
type PostgresStore struct {
	pool *pgxpool.Pool
}

// postgresSchema is sqliteSchema in PostgreSQL's types.
const postgresSchema = `
CREATE TABLE IF NOT EXISTS consent_receipts (
	record_id  text NOT NULL,
	action     text NOT NULL,
	time       bigint NOT NULL,
	received   bigint NOT NULL,
	revision   text NOT NULL,
	categories text NOT NULL,
	services   text NOT NULL,
	value      text NOT NULL,
	PRIMARY KEY (record_id, action, time)
);
CREATE INDEX IF NOT EXISTS consent_receipts_time ON consent_receipts (time);`

// schemaLock is the advisory lock id that serialises the schema creation
// of servers starting together ("receipts" in ASCII).
const schemaLock = 0x7265636569707473

// OpenPostgres connects to the PostgreSQL database dsn (a URL or key=value
// string, as pgx reads it) and creates the table if need be.
func OpenPostgres(ctx context.Context, dsn string) (*PostgresStore, error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("receipts: PostgreSQL DSN: %w", err)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("receipts: connect to PostgreSQL: %w", err)
	}
	defer tx.Rollback(ctx)
	// CREATE ... IF NOT EXISTS is not safe against a concurrent CREATE.
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(schemaLock)); err != nil {
		pool.Close()
		return nil, fmt.Errorf("receipts: lock the PostgreSQL schema: %w", err)
	}
	if _, err := tx.Exec(ctx, postgresSchema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("receipts: create the table in PostgreSQL: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("receipts: create the table in PostgreSQL: %w", err)
	}
	return &PostgresStore{pool: pool}, nil
}

func postgresPlaceholder(n int) string { return "$" + strconv.Itoa(n) }

// Add stores r unless its key is stored already.
func (s *PostgresStore) Add(ctx context.Context, r Receipt) (bool, error) {
	w, err := toRow(r)
	if err != nil {
		return false, err
	}
	tag, err := s.pool.Exec(ctx, "INSERT INTO consent_receipts ("+schemaColumns+") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
		w.recordID, w.action, w.time, w.received, w.revision, w.cats, w.svcs, w.value)
	if err != nil {
		return false, fmt.Errorf("receipts: PostgreSQL insert of %s: %w", r.RecordID, err)
	}
	return tag.RowsAffected() == 1, nil
}

// Find returns the receipts f selects.
func (s *PostgresStore) Find(ctx context.Context, f Filter) ([]Receipt, error) {
	query, args := findQuery(f, postgresPlaceholder)
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("receipts: PostgreSQL query: %w", err)
	}
	defer rows.Close()
	var found []Receipt
	for rows.Next() {
		var w row
		if err := rows.Scan(&w.recordID, &w.action, &w.time, &w.received, &w.revision, &w.cats, &w.svcs, &w.value); err != nil {
			return nil, fmt.Errorf("receipts: PostgreSQL read: %w", err)
		}
		r, err := w.receipt()
		if err != nil {
			return nil, err
		}
		found = append(found, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("receipts: PostgreSQL read: %w", err)
	}
	return found, nil
}

// DeleteBefore deletes the receipts of choices made before t.
func (s *PostgresStore) DeleteBefore(ctx context.Context, t time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, "DELETE FROM consent_receipts WHERE time < $1", t.Unix())
	if err != nil {
		return 0, fmt.Errorf("receipts: PostgreSQL delete before %s: %w", t.UTC().Format(time.RFC3339), err)
	}
	return tag.RowsAffected(), nil
}

// Close closes the connections.
func (s *PostgresStore) Close() error {
	s.pool.Close()
	return nil
}
