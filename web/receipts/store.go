package receipts

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strings"
	"time"

	consent "github.com/civic-consent/consent"
)

// Store keeps receipts and the revisions log. Both implementations, SQLite
// (OpenSQLite) and PostgreSQL (OpenPostgres), store the same columns and
// pass the same tests.
type Store interface {
	// Add stores r unless a receipt with the same Key is stored already;
	// added says which. It returns only once r is durable.
	Add(ctx context.Context, r Receipt) (added bool, err error)
	// Find yields the receipts f selects one at a time, by time received,
	// then record id, action and time of the choice. It reads them a page
	// at a time, each page a query of its own after the last row of the
	// one before, so that neither memory nor a database connection is held
	// for the whole range, however large. A failure is yielded once, last.
	Find(ctx context.Context, f Filter) iter.Seq2[Receipt, error]
	// Stats counts the receipts received in f's range (f.RecordID is
	// ignored) by day, revision and action, and by day, revision and
	// category allowed, with aggregate queries.
	Stats(ctx context.Context, f Filter) (Stats, error)
	// LogRevision adds e to the revisions log unless its revision is there
	// already, and returns the entry the log holds for it.
	LogRevision(ctx context.Context, e RevisionEntry) (RevisionEntry, error)
	// Revisions returns the revisions log, oldest first.
	Revisions(ctx context.Context) ([]RevisionEntry, error)
	// DeleteBefore deletes the receipts of choices made before t and
	// returns how many it deleted.
	DeleteBefore(ctx context.Context, t time.Time) (int64, error)
	// Close releases the store.
	Close() error
}

// Filter selects receipts; its zero value selects them all.
type Filter struct {
	// RecordID, when set, selects the receipts of that consent id.
	RecordID string
	// From and To, when set, select receipts received at or after From
	// and before To.
	From, To time.Time
}

// pageSize is how many receipts one query of Find reads.
const pageSize = 1000

// schemaColumns are the columns of the consent_receipts table, in the order
// scanRows reads them. Times are unix seconds; categories and services are
// JSON objects of booleans.
const schemaColumns = "record_id, action, time, received, revision, categories, services, value"

// orderColumns are the columns Find orders by and pages after: unique,
// since the last three are the primary key.
const orderColumns = "received, record_id, action, time"

// row is a receipt as stored.
type row struct {
	recordID, action     string
	time, received       int64
	revision, cats, svcs string
	value                string
}

func toRow(r Receipt) (row, error) {
	rec := r.Record
	cats, err := json.Marshal(nonNil(rec.Categories))
	if err != nil {
		return row{}, fmt.Errorf("receipts: encode categories of %s: %w", rec.ID, err)
	}
	svcs, err := json.Marshal(nonNil(rec.Services))
	if err != nil {
		return row{}, fmt.Errorf("receipts: encode services of %s: %w", rec.ID, err)
	}
	return row{rec.ID, string(r.Action), rec.Time.Unix(), r.Received.Unix(), rec.Revision, string(cats), string(svcs), rec.Encode()}, nil
}

// receipt rebuilds the receipt of a row, refusing a row whose value is not
// the encoding of its other columns: a stored receipt is shown whole and
// consistent, or not at all.
func (w row) receipt() (Receipt, error) {
	r := Receipt{
		Receipt: consent.Receipt{Action: Action(w.action), Record: consent.Record{
			Revision: w.revision, Time: time.Unix(w.time, 0).UTC(), ID: w.recordID,
		}},
		Received: time.Unix(w.received, 0).UTC(),
	}
	if err := json.Unmarshal([]byte(w.cats), &r.Record.Categories); err != nil {
		return Receipt{}, fmt.Errorf("receipts: stored categories of %s: %w", w.recordID, err)
	}
	if err := json.Unmarshal([]byte(w.svcs), &r.Record.Services); err != nil {
		return Receipt{}, fmt.Errorf("receipts: stored services of %s: %w", w.recordID, err)
	}
	r.Record.Categories, r.Record.Services = nonNil(r.Record.Categories), nonNil(r.Record.Services)
	if v := r.Record.Encode(); v != w.value {
		return Receipt{}, fmt.Errorf("receipts: stored receipt %s %s at %d: value %.80q disagrees with its columns (%.80q)", w.recordID, w.action, w.time, w.value, v)
	}
	return r, nil
}

// scanner is what both drivers' result rows offer.
type scanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// scanRows reads every row of a query of schemaColumns.
func scanRows(rs scanner) ([]row, error) {
	var rows []row
	for rs.Next() {
		var w row
		if err := rs.Scan(&w.recordID, &w.action, &w.time, &w.received, &w.revision, &w.cats, &w.svcs, &w.value); err != nil {
			return nil, err
		}
		rows = append(rows, w)
	}
	return rows, rs.Err()
}

// where builds the WHERE clause of f and, when after is set, of the rows
// after it in Find's order, with placeholders made by ph from the
// argument's position (1-based).
func (f Filter) where(after *row, ph func(n int) string) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, vals ...any) {
		names := make([]any, len(vals))
		for i, v := range vals {
			args = append(args, v)
			names[i] = ph(len(args))
		}
		conds = append(conds, fmt.Sprintf(cond, names...))
	}
	if f.RecordID != "" {
		add("record_id = %s", f.RecordID)
	}
	if !f.From.IsZero() {
		add("received >= %s", f.From.Unix())
	}
	if !f.To.IsZero() {
		add("received < %s", f.To.Unix())
	}
	if after != nil {
		add("("+orderColumns+") > (%s, %s, %s, %s)", after.received, after.recordID, after.action, after.time)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// pages yields the receipts f selects in Find's order, reading them with
// fetch a page of size rows at a time, each page the rows after the last
// of the one before.
func pages(ctx context.Context, f Filter, size int, ph func(int) string, fetch func(ctx context.Context, query string, args []any) ([]row, error)) iter.Seq2[Receipt, error] {
	return func(yield func(Receipt, error) bool) {
		var after *row
		for {
			where, args := f.where(after, ph)
			query := fmt.Sprintf("SELECT %s FROM consent_receipts%s ORDER BY %s LIMIT %d", schemaColumns, where, orderColumns, size)
			rows, err := fetch(ctx, query, args)
			if err != nil {
				yield(Receipt{}, err)
				return
			}
			for _, w := range rows {
				r, err := w.receipt()
				if !yield(r, err) || err != nil {
					return
				}
			}
			if len(rows) < size {
				return
			}
			after = &rows[len(rows)-1]
		}
	}
}
