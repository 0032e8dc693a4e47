package receipts

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"iter"
	"slices"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStores(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Run("AddIsIdempotent", func(t *testing.T) { testAddIsIdempotent(t, b.open(t)) })
			t.Run("Find", func(t *testing.T) { testFind(t, b.open(t)) })
			t.Run("FindReadsPageAfterPage", func(t *testing.T) { testFindPages(t, b.open(t)) })
			t.Run("DeleteBefore", func(t *testing.T) { testDeleteBefore(t, b.open(t)) })
		})
	}
}

// all collects what Find yields, failing the test on an error.
func all(t testing.TB, seq iter.Seq2[Receipt, error]) []Receipt {
	t.Helper()
	var got []Receipt
	for r, err := range seq {
		require.NoError(t, err)
		got = append(got, r)
	}
	return got
}

// sqlOf is the shared part of a store, to set its page and batch sizes.
func sqlOf(t testing.TB, s Store) *sqlStore {
	t.Helper()
	switch s := s.(type) {
	case *SQLiteStore:
		return &s.sqlStore
	case *PostgresStore:
		return &s.sqlStore
	}
	t.Fatalf("no SQL store in %T", s)
	return nil
}

func testAddIsIdempotent(t *testing.T, s Store) {
	at := time.Date(2026, 11, 30, 9, 15, 2, 0, time.UTC)
	r := seedReceipt("AAAAAAAAAAAAAAAA", ActionAcceptAll, at)
	added, err := s.Add(t.Context(), r)
	require.NoError(t, err)
	assert.True(t, added)

	added, err = s.Add(t.Context(), r)
	require.NoError(t, err)
	assert.False(t, added, "a retry is not stored twice")

	// Same id and time, another action: another receipt.
	w := seedReceipt("AAAAAAAAAAAAAAAA", ActionWithdrawal, at)
	added, err = s.Add(t.Context(), w)
	require.NoError(t, err)
	assert.True(t, added)

	assert.Equal(t, []Receipt{r, w}, all(t, s.Find(t.Context(), Filter{})), "stored whole, as given, ordered by reception, id, action")
}

func testFind(t *testing.T, s Store) {
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	a := seedReceipt("aaaaaaaaaaaaaaaa", ActionAcceptAll, day.Add(-time.Second))
	b := seedReceipt("bbbbbbbbbbbbbbbb", ActionRefuseAll, day)
	c := seedReceipt("aaaaaaaaaaaaaaaa", ActionWithdrawal, day.Add(48*time.Hour))
	// Received a day after it was made: the range is by reception.
	late := seedReceipt("dddddddddddddddd", ActionRefuseAll, day.Add(-2*time.Hour))
	late.Received = day.Add(22 * time.Hour)
	for _, r := range []Receipt{c, a, late, b} {
		_, err := s.Add(t.Context(), r)
		require.NoError(t, err)
	}
	for name, tc := range map[string]struct {
		f    Filter
		want []Receipt
	}{
		"all":          {Filter{}, []Receipt{a, b, late, c}},
		"by id":        {Filter{RecordID: "aaaaaaaaaaaaaaaa"}, []Receipt{a, c}},
		"unknown id":   {Filter{RecordID: "cccccccccccccccc"}, nil},
		"from":         {Filter{From: day}, []Receipt{b, late, c}},
		"to":           {Filter{To: day}, []Receipt{a}},
		"range":        {Filter{From: day, To: day.Add(24 * time.Hour)}, []Receipt{b, late}},
		"id and range": {Filter{RecordID: "aaaaaaaaaaaaaaaa", From: day}, []Receipt{c}},
	} {
		assert.Equal(t, tc.want, all(t, s.Find(t.Context(), tc.f)), name)
	}
}

// testFindPages: Find reads pages of its own size after one another, in
// order, and holds no connection between them: a receipt stored while an
// export runs (SQLite has one connection) is stored at once, and the
// export, whose range ends before it, does not hold it.
func testFindPages(t *testing.T, s Store) {
	sqlOf(t, s).pageSize = 3
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var want []Receipt
	for i := range 10 {
		r := seedReceipt(fmt.Sprintf("page%012d", i), ActionRefuseAll, start.Add(time.Duration(i)*time.Minute))
		_, err := s.Add(t.Context(), r)
		require.NoError(t, err)
		want = append(want, r)
	}
	var got []Receipt
	for r, err := range s.Find(t.Context(), Filter{To: start.Add(time.Hour)}) {
		require.NoError(t, err)
		got = append(got, r)
		added, err := s.Add(t.Context(), seedReceipt(fmt.Sprintf("late%012d", len(got)), ActionRefuseAll, start.Add(2*time.Hour)))
		require.NoError(t, err)
		assert.True(t, added)
	}
	assert.Equal(t, want, got)

	var first []Receipt
	for r := range s.Find(t.Context(), Filter{}) {
		if first = append(first, r); len(first) == 4 {
			break
		}
	}
	assert.Equal(t, want[:4], first, "a reader may stop in the middle of a page")
}

func testDeleteBefore(t *testing.T, s Store) {
	sqlOf(t, s).deleteBatch = 2
	cutoff := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var kept []Receipt
	for i := range 5 {
		old := seedReceipt(fmt.Sprintf("old%013d", i), ActionAcceptAll, cutoff.Add(-time.Duration(i+1)*time.Second))
		k := seedReceipt(fmt.Sprintf("kept%012d", i), ActionAcceptAll, cutoff.Add(time.Duration(i)*time.Second))
		for _, r := range []Receipt{old, k} {
			_, err := s.Add(t.Context(), r)
			require.NoError(t, err)
		}
		kept = append(kept, k)
	}
	n, err := s.DeleteBefore(t.Context(), cutoff)
	require.NoError(t, err)
	assert.Equal(t, int64(5), n, "every old receipt, over three batches of at most two")
	assert.Equal(t, kept, all(t, s.Find(t.Context(), Filter{})), "only receipts older than the cutoff are deleted")
}

func TestStoreStatistics(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { testStats(t, b.open(t)) })
	}
}

// testStats: the counts are by UTC day of reception, revision and action,
// and by category allowed, over the range only.
func testStats(t *testing.T, s Store) {
	c := consent.Seed()
	old := consent.Seed()
	old.Services[4].Provider = "Google LLC"
	d1 := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	d2 := d1.AddDate(0, 0, 1)
	add := func(cat *consent.Catalogue, a Action, allow bool, received time.Time) {
		rec := consent.RefuseAll(cat, received.Add(-time.Minute), newID(t))
		if allow {
			rec = consent.AcceptAll(cat, received.Add(-time.Minute), rec.ID)
		}
		_, err := s.Add(t.Context(), Receipt{Receipt: consent.Receipt{Record: rec, Action: a}, Received: received})
		require.NoError(t, err)
	}
	add(c, ActionAcceptAll, true, d1.Add(time.Hour))
	add(c, ActionAcceptAll, true, d1.Add(23*time.Hour+59*time.Minute))
	add(c, ActionRefuseAll, false, d1.Add(2*time.Hour))
	add(old, ActionGPC, false, d1.Add(3*time.Hour))
	add(c, ActionWithdrawal, false, d2.Add(time.Hour))
	add(c, ActionAcceptAll, true, d2.Add(24*time.Hour)) // the day after the range

	st, err := s.Stats(t.Context(), Filter{From: d1, To: d2.Add(24 * time.Hour), RecordID: "ignored"})
	require.NoError(t, err)
	cur, prev := c.Revision(), old.Revision()
	wantChoices := []ChoiceCount{
		{d1, cur, ActionAcceptAll, 2}, {d1, cur, ActionRefuseAll, 1}, {d1, prev, ActionGPC, 1},
		{d2, cur, ActionWithdrawal, 1},
	}
	wantAllowing := []AllowCount{{d1, cur, "contact", 2}, {d1, prev, "contact", 0}, {d2, cur, "contact", 0}}
	// Ordered by day, then revision, then action or category.
	slices.SortStableFunc(wantChoices, func(a, b ChoiceCount) int {
		return cmp.Or(a.Day.Compare(b.Day), cmp.Compare(a.Revision, b.Revision))
	})
	slices.SortStableFunc(wantAllowing, func(a, b AllowCount) int {
		return cmp.Or(a.Day.Compare(b.Day), cmp.Compare(a.Revision, b.Revision))
	})
	assert.Equal(t, wantChoices, st.Choices)
	assert.Equal(t, wantAllowing, st.Allowing)
}

func TestStoreRevisionsLog(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t)
			c := consent.Seed()
			old := consent.Seed()
			old.Services[4].Provider = "Google LLC"
			first, err := NewRevisionEntry(c, SeenServed, now)
			require.NoError(t, err)
			got, err := s.LogRevision(t.Context(), first)
			require.NoError(t, err)
			assert.Equal(t, first, got)

			again, err := NewRevisionEntry(c, SeenReceived, now.Add(time.Hour))
			require.NoError(t, err)
			got, err = s.LogRevision(t.Context(), again)
			require.NoError(t, err)
			assert.Equal(t, first, got, "the first entry of a revision stays")

			earlier, err := NewRevisionEntry(old, SeenReceived, now.Add(-time.Hour))
			require.NoError(t, err)
			_, err = s.LogRevision(t.Context(), earlier)
			require.NoError(t, err)
			log, err := s.Revisions(t.Context())
			require.NoError(t, err)
			assert.Equal(t, []RevisionEntry{earlier, first}, log, "oldest first")
		})
	}
}

func TestNewRevisionEntryDigestsTheArchive(t *testing.T) {
	c := consent.Seed()
	name, data, err := c.Archive()
	require.NoError(t, err)
	e, err := NewRevisionEntry(c, SeenServed, now.Add(500*time.Millisecond))
	require.NoError(t, err)
	sum := sha256.Sum256(data)
	assert.Equal(t, RevisionEntry{
		Revision: c.Revision(), Archive: name, SHA256: hex.EncodeToString(sum[:]), FirstSeen: now, SeenBy: SeenServed,
	}, e, "sha256sum of the published archive gives the digest")
}
