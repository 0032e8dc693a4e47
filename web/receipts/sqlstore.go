package receipts

import (
	"context"
	"fmt"
	"iter"
	"time"
)

// conn is what sqlStore needs of a driver: queries whose rows it reads
// and closes, and statements that report how many rows they changed.
type conn interface {
	query(ctx context.Context, query string, args ...any) (rows, error)
	exec(ctx context.Context, query string, args ...any) (int64, error)
}

// rows are a query's result rows.
type rows interface {
	scanner
	Close()
}

// dialect is what differs between the SQL of the stores.
type dialect struct {
	// name names the database in errors.
	name string
	// placeholder is the n-th (1-based) argument's placeholder.
	placeholder func(n int) string
	// allowing is the query of Stats.Allowing, given Filter.where's clause.
	allowing func(where string) string
}

// sqlStore is the Store both databases share, over a conn and a dialect.
type sqlStore struct {
	conn
	dialect
	// pageSize is how many receipts one query of Find reads, deleteBatch
	// how many one statement of DeleteBefore deletes.
	pageSize, deleteBatch int
}

func newSQLStore(c conn, d dialect) sqlStore {
	return sqlStore{conn: c, dialect: d, pageSize: pageSize, deleteBatch: deleteBatch}
}

// Add stores r unless its key is stored already.
func (s *sqlStore) Add(ctx context.Context, r Receipt) (bool, error) {
	w, err := toRow(r)
	if err != nil {
		return false, err
	}
	ph := s.placeholders(8)
	n, err := s.exec(ctx, "INSERT INTO consent_receipts ("+schemaColumns+") VALUES ("+fmt.Sprintf("%s, %s, %s, %s, %s, %s, %s, %s", ph...)+") ON CONFLICT DO NOTHING",
		w.recordID, w.action, w.time, w.received, w.revision, w.cats, w.svcs, w.value)
	if err != nil {
		return false, fmt.Errorf("receipts: %s insert of %s: %w", s.name, w.recordID, err)
	}
	return n == 1, nil
}

func (s *sqlStore) placeholders(n int) []any {
	ph := make([]any, n)
	for i := range ph {
		ph[i] = s.placeholder(i + 1)
	}
	return ph
}

// queryAll runs a query and reads all its rows with scan; what names the
// query in errors.
func queryAll[T any](ctx context.Context, s *sqlStore, what string, scan func(scanner) ([]T, error), query string, args ...any) ([]T, error) {
	rs, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("receipts: %s %s: %w", s.name, what, err)
	}
	defer rs.Close()
	all, err := scan(rs)
	if err != nil {
		return nil, fmt.Errorf("receipts: %s %s: %w", s.name, what, err)
	}
	return all, nil
}

// Find yields the receipts f selects, a page at a time.
func (s *sqlStore) Find(ctx context.Context, f Filter) iter.Seq2[Receipt, error] {
	return pages(ctx, f, s.pageSize, s.placeholder, func(ctx context.Context, query string, args []any) ([]row, error) {
		return queryAll(ctx, s, "query of receipts", scanRows, query, args...)
	})
}

// Stats counts the receipts received in f's range.
func (s *sqlStore) Stats(ctx context.Context, f Filter) (Stats, error) {
	f.RecordID = ""
	where, args := f.where(nil, s.placeholder)
	var st Stats
	for _, q := range []struct {
		query string
		add   func(time.Time, string, string, int64)
	}{{statsChoicesQuery(where), st.appendChoice}, {s.allowing(where), st.appendAllowing}} {
		rs, err := s.query(ctx, q.query, args...)
		if err != nil {
			return Stats{}, fmt.Errorf("receipts: %s statistics: %w", s.name, err)
		}
		err = countRows(rs, q.add)
		rs.Close()
		if err != nil {
			return Stats{}, fmt.Errorf("receipts: %s statistics: %w", s.name, err)
		}
	}
	return st, nil
}

// LogRevision adds e to the revisions log unless its revision is there.
func (s *sqlStore) LogRevision(ctx context.Context, e RevisionEntry) (RevisionEntry, error) {
	if _, err := s.exec(ctx, fmt.Sprintf(logRevisionSQL, s.placeholders(4)...), e.Revision, e.SHA256, e.FirstSeen.Unix(), e.SeenBy); err != nil {
		return RevisionEntry{}, fmt.Errorf("receipts: %s revisions log: %w", s.name, err)
	}
	log, err := s.revisions(ctx, fmt.Sprintf(getRevisionSQL, s.placeholder(1)), e.Revision)
	if err != nil {
		return RevisionEntry{}, err
	}
	if len(log) != 1 {
		return RevisionEntry{}, fmt.Errorf("receipts: %s revisions log: %d entries for %s after adding it", s.name, len(log), e.Revision)
	}
	return log[0], nil
}

// Revisions returns the revisions log.
func (s *sqlStore) Revisions(ctx context.Context) ([]RevisionEntry, error) {
	return s.revisions(ctx, revisionsSQL)
}

func (s *sqlStore) revisions(ctx context.Context, query string, args ...any) ([]RevisionEntry, error) {
	return queryAll(ctx, s, "revisions log", scanRevisions, query, args...)
}

// deleteBatch is how many receipts one statement of DeleteBefore deletes:
// each is a short transaction, so that receipts keep being stored (and,
// in SQLite, the one connection is free between batches) while a large
// retention runs.
const deleteBatch = 5000

// DeleteBefore deletes the receipts of choices made before t, a batch at a
// time, and returns how many it deleted.
func (s *sqlStore) DeleteBefore(ctx context.Context, t time.Time) (int64, error) {
	query := fmt.Sprintf("DELETE FROM consent_receipts WHERE (record_id, action, time) IN "+
		"(SELECT record_id, action, time FROM consent_receipts WHERE time < %s LIMIT %d)", s.placeholder(1), s.deleteBatch)
	var total int64
	for {
		n, err := s.exec(ctx, query, t.Unix())
		total += n
		if err != nil {
			return total, fmt.Errorf("receipts: %s delete before %s: %w", s.name, t.UTC().Format(time.RFC3339), err)
		}
		if n < int64(s.deleteBatch) {
			return total, nil
		}
	}
}
