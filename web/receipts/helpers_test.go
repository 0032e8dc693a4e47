package receipts

import (
	"crypto/rand"
	"path/filepath"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/stretchr/testify/require"
)

// backend is a store kind the same tests run against.
type backend struct {
	name string
	open func(t testing.TB) Store
	// args are the command's flags that select this store.
	args func(t testing.TB) []string
}

// backends are SQLite (a file in the test's temp folder) and PostgreSQL
// (a new database on the shared throw-away server).
var backends = []backend{
	{
		name: "sqlite",
		open: func(t testing.TB) Store {
			s, err := OpenSQLite(filepath.Join(t.TempDir(), "receipts.db"))
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			return s
		},
		args: func(t testing.TB) []string { return []string{"-sqlite", filepath.Join(t.TempDir(), "receipts.db")} },
	},
	{
		name: "postgres",
		open: func(t testing.TB) Store {
			s, err := OpenPostgres(t.Context(), postgresDSN(t))
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			return s
		},
		args: func(t testing.TB) []string { return []string{"-postgres", postgresDSN(t)} },
	},
}

// newID returns a fresh consent id.
func newID(t testing.TB) string {
	id, err := consent.NewConsentID(rand.Reader)
	require.NoError(t, err)
	return id
}

// body returns the receipt JSON the widget sends for rec.
func body(_ testing.TB, rec consent.Record, a Action) []byte {
	return consent.Receipt{Record: rec, Action: a}.Encode()
}

// seedReceipt returns a valid receipt of the seed catalogue, received when
// it was made, as Parse makes it, without going through Parse.
func seedReceipt(id string, a Action, at time.Time) Receipt {
	c := consent.Seed()
	rec := consent.RefuseAll(c, at, id)
	if a == ActionAcceptAll {
		rec = consent.AcceptAll(c, at, id)
	}
	return Receipt{Receipt: consent.Receipt{Record: rec, Action: a}, Received: rec.Time}
}
