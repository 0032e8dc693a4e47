package receipts

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRetention(t *testing.T) {
	for s, want := range map[string]Retention{"400d": {Days: 400}, "13mo": {Months: 13}, "2y": {Years: 2}} {
		r, err := ParseRetention(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, r)
		assert.Equal(t, s, r.String())
	}
	for _, s := range []string{"", "0d", "13", "13m", "-1y", "1.5y", "10000d", "13mo "} {
		_, err := ParseRetention(s)
		assert.Error(t, err, "%q", s)
	}
	r, _ := ParseRetention("13mo")
	assert.Equal(t, time.Date(2025, 10, 30, 9, 15, 2, 0, time.UTC), r.Cutoff(now))
	assert.True(t, r.Covers(consent.MaxMaxAgeDays*24*time.Hour, now), "13 months covers the longest consent")
	r, _ = ParseRetention("182d")
	assert.False(t, r.Covers(consent.Seed().MaxAge(), now), "182 days do not cover the seed's 183")
}

func TestLoadCatalogues(t *testing.T) {
	dir := t.TempDir()
	c := consent.Seed()
	name, data, err := c.Archive()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	old := consent.Seed()
	old.Services[4].Provider = "Google LLC"
	oldName, oldData, err := old.Archive()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, oldName), oldData, 0o644))

	cs, err := LoadCatalogues([]string{filepath.Join(dir, "catalogue.*.json")})
	require.NoError(t, err)
	assert.Equal(t, NewCatalogues(c, old), cs)

	_, err = LoadCatalogues([]string{filepath.Join(dir, "nothing*.json")})
	assert.ErrorContains(t, err, "matches no file")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "catalogue.0123456789ab.json"), data, 0o644))
	_, err = LoadCatalogues([]string{filepath.Join(dir, "catalogue.0123456789ab.json")})
	assert.ErrorContains(t, err, "named for revision 0123456789ab but holds revision "+c.Revision())

	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{"site":{}}`), 0o644))
	_, err = LoadCatalogues([]string{filepath.Join(dir, "bad.json")})
	assert.ErrorContains(t, err, "bad.json")
}
