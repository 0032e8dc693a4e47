package receipts

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/jackc/pgx/v5"
)

// What the long benchmarks need: a database holding many receipts, filled
// in bulk rather than over HTTP, and the resident memory of the service.

// seedRow is the i-th of n generated receipts of the seed catalogue,
// received over the 30 days before end: actions in the proportions of a
// typical site, each consistent with its record.
func seedRow(i, n int, end time.Time) row {
	c := consent.Seed()
	received := end.Add(-time.Duration(int64(30*24*time.Hour) * int64(n-i) / int64(n)))
	id := fmt.Sprintf("bench%011d", i)
	var a Action
	switch i % 20 {
	case 0, 1:
		a = ActionWithdrawal
	case 2, 3:
		a = ActionGPC
	case 4, 5, 6, 7, 8, 9, 10:
		a = ActionRefuseAll
	default:
		a = ActionAcceptAll
	}
	rec := consent.RefuseAll(c, received.Add(-time.Second), id)
	if a == ActionAcceptAll {
		rec = consent.AcceptAll(c, received.Add(-time.Second), id)
	}
	w, err := toRow(Receipt{Receipt: consent.Receipt{Record: rec, Action: a}, Received: received})
	if err != nil {
		panic(err) // a generated receipt always encodes
	}
	return w
}

// seedSQLite fills the SQLite file path (created by OpenSQLite) with n
// receipts, in one transaction without syncing: a bulk load, not the
// service's way of storing.
func seedSQLite(tb testing.TB, path string, n int, end time.Time) {
	tb.Helper()
	s, err := OpenSQLite(path)
	if err != nil {
		tb.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", path+"?"+url.Values{"_pragma": {"synchronous(OFF)", "journal_mode(WAL)"}}.Encode())
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	stmt, err := tx.Prepare("INSERT INTO consent_receipts (" + schemaColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
	if err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		w := seedRow(i, n, end)
		if _, err := stmt.Exec(w.recordID, w.action, w.time, w.received, w.revision, w.cats, w.svcs, w.value); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// seedPostgres fills the database dsn with n receipts with COPY.
func seedPostgres(tb testing.TB, dsn string, n int, end time.Time) {
	tb.Helper()
	ctx := context.Background()
	s, err := OpenPostgres(ctx, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	s.Close()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(ctx)
	_, err = conn.CopyFrom(ctx, pgx.Identifier{"consent_receipts"}, strings.Split(schemaColumns, ", "),
		pgx.CopyFromSlice(n, func(i int) ([]any, error) {
			w := seedRow(i, n, end)
			return []any{w.recordID, w.action, w.time, w.received, w.revision, w.cats, w.svcs, w.value}, nil
		}))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "ANALYZE consent_receipts"); err != nil {
		tb.Fatal(err)
	}
}

// memory reads a process's resident set now and its high-water mark, in
// bytes, from /proc.
func memory(tb testing.TB, pid int) (rss, peak int64) {
	tb.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			tb.Fatalf("/proc/%d/status: %s: %v", pid, sc.Text(), err)
		}
		if name == "VmRSS" {
			rss = kb << 10
		} else {
			peak = kb << 10
		}
	}
	return rss, peak
}

// resetPeak starts the process's high-water mark again from its resident
// set now (Linux: 5 written to clear_refs).
func resetPeak(tb testing.TB, pid int) {
	tb.Helper()
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
		tb.Fatalf("resetting the peak resident set: %v", err)
	}
}

func mb(bytes int64) float64 { return float64(bytes) / (1 << 20) }
