package receipts

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStores(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Run("AddIsIdempotent", func(t *testing.T) { testAddIsIdempotent(t, b.open(t)) })
			t.Run("Find", func(t *testing.T) { testFind(t, b.open(t)) })
			t.Run("DeleteBefore", func(t *testing.T) { testDeleteBefore(t, b.open(t)) })
		})
	}
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

	got, err := s.Find(t.Context(), Filter{})
	require.NoError(t, err)
	assert.Equal(t, []Receipt{r, w}, got, "stored whole, as given, ordered by time, id, action")
}

func testFind(t *testing.T, s Store) {
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	a := seedReceipt("aaaaaaaaaaaaaaaa", ActionAcceptAll, day.Add(-time.Second))
	b := seedReceipt("bbbbbbbbbbbbbbbb", ActionRefuseAll, day)
	c := seedReceipt("aaaaaaaaaaaaaaaa", ActionWithdrawal, day.Add(48*time.Hour))
	for _, r := range []Receipt{c, a, b} {
		_, err := s.Add(t.Context(), r)
		require.NoError(t, err)
	}
	for name, tc := range map[string]struct {
		f    Filter
		want []Receipt
	}{
		"all":          {Filter{}, []Receipt{a, b, c}},
		"by id":        {Filter{RecordID: "aaaaaaaaaaaaaaaa"}, []Receipt{a, c}},
		"unknown id":   {Filter{RecordID: "cccccccccccccccc"}, nil},
		"from":         {Filter{From: day}, []Receipt{b, c}},
		"to":           {Filter{To: day}, []Receipt{a}},
		"range":        {Filter{From: day, To: day.Add(24 * time.Hour)}, []Receipt{b}},
		"id and range": {Filter{RecordID: "aaaaaaaaaaaaaaaa", From: day}, []Receipt{c}},
	} {
		got, err := s.Find(t.Context(), tc.f)
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, name)
	}
}

func testDeleteBefore(t *testing.T, s Store) {
	cutoff := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	old := seedReceipt("oooooooooooooooo", ActionAcceptAll, cutoff.Add(-time.Second))
	kept := seedReceipt("kkkkkkkkkkkkkkkk", ActionAcceptAll, cutoff)
	for _, r := range []Receipt{old, kept} {
		_, err := s.Add(t.Context(), r)
		require.NoError(t, err)
	}
	n, err := s.DeleteBefore(t.Context(), cutoff)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	got, err := s.Find(t.Context(), Filter{})
	require.NoError(t, err)
	assert.Equal(t, []Receipt{kept}, got, "only receipts older than the cutoff are deleted")
}
