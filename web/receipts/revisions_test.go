package receipts

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// revisionsOf reads the public revisions log of a service, without a token.
func revisionsOf(t *testing.T, s *service) []RevisionEntry {
	t.Helper()
	resp, err := http.Get(s.url + "/revisions")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var log RevisionsLog
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&log))
	return log.Revisions
}

func TestRevisionsLogDatesEachRevisionOnce(t *testing.T) {
	cur := consent.Seed()
	old := consent.Seed()
	old.Services[4].Provider = "Google LLC"
	s := startService(t, backends[0].open(t), func(cfg *Config) { cfg.Catalogues = NewCatalogues(cur, old) })
	assert.Empty(t, revisionsOf(t, s), "nothing served or received yet")

	s.clock.t = now.Add(time.Minute)
	code, _ := s.post(t, body(t, consent.AcceptAll(old, now, newID(t)), ActionAcceptAll))
	require.Equal(t, http.StatusCreated, code)
	s.clock.t = now.Add(time.Hour)
	code, _ = s.post(t, body(t, consent.AcceptAll(old, now.Add(time.Hour), newID(t)), ActionAcceptAll))
	require.Equal(t, http.StatusCreated, code)
	code, _ = s.post(t, body(t, consent.RefuseAll(cur, now.Add(time.Hour), newID(t)), ActionRefuseAll))
	require.Equal(t, http.StatusCreated, code)

	want := func(c *consent.Catalogue, at time.Time) RevisionEntry {
		e, err := NewRevisionEntry(c, SeenReceived, at)
		require.NoError(t, err)
		return e
	}
	assert.Equal(t, []RevisionEntry{want(old, now.Add(time.Minute)), want(cur, now.Add(time.Hour))}, revisionsOf(t, s),
		"each revision dated by its first receipt, oldest first")

	req, err := http.NewRequest(http.MethodGet, s.url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, `</revisions>; rel="describedby"`, resp.Header.Get("Link"), "the export points to the log")
}

func TestRevisionsLogKeepsTheTimeFirstServed(t *testing.T) {
	store := backends[0].open(t)
	c := consent.Seed()
	first := startService(t, store, nil)
	first.clock.t = now.Add(-24 * time.Hour)
	h, err := NewHandler(Config{Store: store, Catalogues: NewCatalogues(c), Now: first.clock.now})
	require.NoError(t, err)
	require.NoError(t, h.LogServed(t.Context(), c))

	// Another run of the server, later, and a receipt: the log stays.
	first.clock.t = now
	require.NoError(t, h.LogServed(t.Context(), c))
	code, _ := first.post(t, body(t, consent.AcceptAll(c, now, newID(t)), ActionAcceptAll))
	require.Equal(t, http.StatusCreated, code)
	served, err := NewRevisionEntry(c, SeenServed, now.Add(-24*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, []RevisionEntry{served}, revisionsOf(t, first))
}

func TestRevisionsLogIsPublicAndRateLimited(t *testing.T) {
	clk := &clock{t: now}
	s := startService(t, backends[0].open(t), func(cfg *Config) { cfg.Limiter = NewLimiter(0.001, 2, clk.now) })
	revisionsOf(t, s)
	revisionsOf(t, s)
	resp, err := http.Get(s.url + "/revisions")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "a visitor's request like a receipt")
	resp, err = http.Post(s.url+"/revisions", "application/json", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}
