package receipts

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Store keeps receipts. Both implementations, SQLite (OpenSQLite) and
// PostgreSQL (OpenPostgres), store the same columns and pass the same tests.
type Store interface {
	// Add stores r unless a receipt with the same Key is stored already;
	// added says which. It returns only once r is durable.
	Add(ctx context.Context, r Receipt) (added bool, err error)
	// Find returns the receipts f selects, by time, then record id and
	// action.
	Find(ctx context.Context, f Filter) ([]Receipt, error)
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
	// From and To, when set, select choices made at or after From and
	// before To.
	From, To time.Time
}

// schemaColumns are the columns of the consent_receipts table, in the order
// scanRow reads them. Times are unix seconds; categories and services are
// JSON objects of booleans.
const schemaColumns = "record_id, action, time, received, revision, categories, services, value"

// row is a receipt as stored.
type row struct {
	recordID, action     string
	time, received       int64
	revision, cats, svcs string
	value                string
}

func toRow(r Receipt) (row, error) {
	cats, err := json.Marshal(r.Categories)
	if err != nil {
		return row{}, fmt.Errorf("receipts: encode categories of %s: %w", r.RecordID, err)
	}
	svcs, err := json.Marshal(r.Services)
	if err != nil {
		return row{}, fmt.Errorf("receipts: encode services of %s: %w", r.RecordID, err)
	}
	return row{r.RecordID, string(r.Action), r.Time.Unix(), r.Received.Unix(), r.Revision, string(cats), string(svcs), r.Value}, nil
}

func (w row) receipt() (Receipt, error) {
	r := Receipt{
		RecordID: w.recordID,
		Action:   Action(w.action),
		Time:     time.Unix(w.time, 0).UTC(),
		Received: time.Unix(w.received, 0).UTC(),
		Revision: w.revision,
		Value:    w.value,
	}
	if err := json.Unmarshal([]byte(w.cats), &r.Categories); err != nil {
		return Receipt{}, fmt.Errorf("receipts: stored categories of %s: %w", w.recordID, err)
	}
	if err := json.Unmarshal([]byte(w.svcs), &r.Services); err != nil {
		return Receipt{}, fmt.Errorf("receipts: stored services of %s: %w", w.recordID, err)
	}
	return r, nil
}

// where builds the WHERE clause of f, with placeholders made by ph from
// the argument's position (1-based).
func (f Filter) where(ph func(n int) string) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, fmt.Sprintf(cond, ph(len(args))))
	}
	if f.RecordID != "" {
		add("record_id = %s", f.RecordID)
	}
	if !f.From.IsZero() {
		add("time >= %s", f.From.Unix())
	}
	if !f.To.IsZero() {
		add("time < %s", f.To.Unix())
	}
	if len(conds) == 0 {
		return "", nil
	}
	clause := " WHERE " + conds[0]
	for _, c := range conds[1:] {
		clause += " AND " + c
	}
	return clause, args
}

// findQuery is the query of Find, ordered so that both stores agree.
func findQuery(f Filter, ph func(int) string) (string, []any) {
	where, args := f.where(ph)
	return "SELECT " + schemaColumns + " FROM consent_receipts" + where + " ORDER BY time, record_id, action", args
}
