package receipts

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5/pgxpool"
)

// PostgresStore is a Store in PostgreSQL, for a site with several web
// servers. A receipt Add acknowledged is committed, durable as the server's
// synchronous_commit setting makes it (on by default).
type PostgresStore struct {
	sqlStore
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
CREATE INDEX IF NOT EXISTS consent_receipts_time ON consent_receipts (time);
CREATE INDEX IF NOT EXISTS consent_receipts_received ON consent_receipts (` + orderColumns + `);` + revisionsSchema

// postgresDialect is PostgreSQL's SQL.
var postgresDialect = dialect{
	name:        "PostgreSQL",
	placeholder: func(n int) string { return "$" + strconv.Itoa(n) },
	allowing: func(where string) string {
		return "SELECT received - received % 86400, revision, j.key, COUNT(*) FILTER (WHERE j.value = 'true') " +
			"FROM consent_receipts CROSS JOIN LATERAL jsonb_each_text(categories::jsonb) j" + where +
			" GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
	},
}

// schemaLock is the advisory lock id that serialises the schema creation
// of servers starting together ("receipts" in ASCII).
const schemaLock = 0x7265636569707473

// OpenPostgres connects to the PostgreSQL database dsn (a URL or key=value
// string, as pgx reads it) and creates the tables if need be.
func OpenPostgres(ctx context.Context, dsn string) (*PostgresStore, error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("receipts: PostgreSQL DSN: %w", err)
	}
	if err := createPostgresSchema(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return &PostgresStore{sqlStore: newSQLStore(pgConn{pool}, postgresDialect), pool: pool}, nil
}

func createPostgresSchema(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("receipts: connect to PostgreSQL: %w", err)
	}
	defer tx.Rollback(ctx)
	// CREATE ... IF NOT EXISTS is not safe against a concurrent CREATE.
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(schemaLock)); err != nil {
		return fmt.Errorf("receipts: lock the PostgreSQL schema: %w", err)
	}
	if _, err := tx.Exec(ctx, postgresSchema); err != nil {
		return fmt.Errorf("receipts: create the tables in PostgreSQL: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("receipts: create the tables in PostgreSQL: %w", err)
	}
	return nil
}

// Close closes the connections.
func (s *PostgresStore) Close() error {
	s.pool.Close()
	return nil
}

// pgConn is a conn over a pgx pool.
type pgConn struct{ pool *pgxpool.Pool }

func (c pgConn) query(ctx context.Context, query string, args ...any) (rows, error) {
	return c.pool.Query(ctx, query, args...)
}

func (c pgConn) exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := c.pool.Exec(ctx, query, args...)
	return tag.RowsAffected(), err
}
