package receipts

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testToken = "s3cret-token-for-the-dpo-0123456789"

// service is a Handler on a real HTTP server of 127.0.0.1.
type service struct {
	store Store
	url   string
	clock *clock
}

func startService(t *testing.T, s Store, change func(*Config)) *service {
	clk := &clock{t: now}
	cfg := Config{Store: s, Catalogues: NewCatalogues(consent.Seed()), Token: testToken, Now: clk.now}
	if change != nil {
		change(&cfg)
	}
	h, err := NewHandler(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &service{store: s, url: srv.URL, clock: clk}
}

// post sends a receipt body and returns the status and response body.
func (s *service) post(t *testing.T, body []byte, header ...string) (int, string) {
	req, err := http.NewRequest(http.MethodPost, s.url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return do(t, req)
}

// get asks for an export with the token (if any) and query.
func (s *service) get(t *testing.T, token, query string, header ...string) (int, string) {
	req, err := http.NewRequest(http.MethodGet, s.url+"?"+query, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return do(t, req)
}

func do(t testing.TB, req *http.Request) (int, string) {
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func (s *service) stored(t *testing.T) []Receipt {
	return all(t, s.store.Find(t.Context(), Filter{}))
}

func TestHandler(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Run("StoresOnceAndAcknowledges", func(t *testing.T) { testStoresOnce(t, startService(t, b.open(t), nil)) })
			t.Run("RefusesBadInput", func(t *testing.T) { testRefusesBadInput(t, startService(t, b.open(t), nil)) })
			t.Run("LimitsAFlood", func(t *testing.T) { testLimitsAFlood(t, b.open(t)) })
			t.Run("ExportNeedsTheToken", func(t *testing.T) { testExportNeedsTheToken(t, b.open(t)) })
			t.Run("ExportsJSONAndCSV", func(t *testing.T) { testExports(t, startService(t, b.open(t), nil)) })
		})
	}
}

func testStoresOnce(t *testing.T, s *service) {
	c := consent.Seed()
	rec := consent.AcceptAll(c, now, newID(t))
	code, _ := s.post(t, body(t, rec, ActionAcceptAll))
	assert.Equal(t, http.StatusCreated, code)
	code, _ = s.post(t, body(t, rec, ActionAcceptAll))
	assert.Equal(t, http.StatusNoContent, code, "a retry is acknowledged")

	other := consent.RefuseAll(c, now, rec.ID)
	code, msg := s.post(t, body(t, other, ActionAcceptAll))
	assert.Equal(t, http.StatusBadRequest, code, "an accept-all refusing everything contradicts itself")
	assert.Contains(t, msg, "accept-all but the record allows 0")
	withdrawn := consent.RefuseAll(c, now, rec.ID)
	code, _ = s.post(t, body(t, withdrawn, ActionWithdrawal))
	assert.Equal(t, http.StatusCreated, code, "same id and time, another action: another receipt")

	got := s.stored(t)
	require.Len(t, got, 2)
	assert.Equal(t, rec.Encode(), got[0].Record.Encode(), "the first receipt stays")
}

func testRefusesBadInput(t *testing.T, s *service) {
	c := consent.Seed()
	valid := body(t, consent.AcceptAll(c, now, newID(t)), ActionAcceptAll)
	other := consent.Seed()
	other.Services[4].Provider = "Google LLC"
	forged := bytes.Replace(valid, []byte("contact:1"), []byte("contact:0"), 1)
	for _, tc := range []struct {
		name   string
		body   []byte
		header []string
		status int
		want   string
	}{
		{"malformed", []byte(`{"record":`), nil, 400, "not a JSON object"},
		{"oversized", append(bytes.TrimSuffix(valid, []byte("}")), []byte(`,"x":"`+strings.Repeat("x", MaxBodyBytes)+`"}`)...), nil, 413, "larger than"},
		{"unknown field", append(bytes.TrimSuffix(valid, []byte("}")), []byte(`,"userAgent":"curl"}`)...), nil, 400, "userAgent: unknown field"},
		{"wrong revision", body(t, consent.AcceptAll(other, now, newID(t)), ActionAcceptAll), nil, 400, "unknown catalogue revision"},
		{"forged fields", forged, nil, 400, "inconsistent"},
		{"action against the record", body(t, consent.RefuseAll(c, now, newID(t)), ActionAcceptAll), nil, 400, "accept-all but the record allows 0 of its 1 services"},
		{"custom for an accept-all record", body(t, consent.AcceptAll(c, now, newID(t)), ActionCustom), nil, 400, "custom but the record allows 1 of its 1 services"},
		{"dated ahead of the clock skew", body(t, consent.AcceptAll(c, now.Add(6*time.Minute), newID(t)), ActionAcceptAll), nil, 400, "future"},
		{"backdated 180 days", body(t, consent.AcceptAll(c, now.AddDate(0, 0, -180), newID(t)), ActionAcceptAll), nil, 400, "more than 24h0m0s before the server's time"},
		{"not JSON", valid, []string{"Content-Type", "text/plain"}, 415, "application/json"},
		{"cross-site", valid, []string{"Sec-Fetch-Site", "cross-site"}, 403, "own pages only"},
		{"other origin", valid, []string{"Origin", "https://evil.example"}, 403, "own pages only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, msg := s.post(t, tc.body, tc.header...)
			assert.Equal(t, tc.status, code)
			assert.Contains(t, msg, tc.want)
		})
	}
	req, err := http.NewRequest(http.MethodPut, s.url, bytes.NewReader(valid))
	require.NoError(t, err)
	code, _ := do(t, req)
	assert.Equal(t, http.StatusMethodNotAllowed, code)
	assert.Empty(t, s.stored(t), "nothing refused is stored")

	code, _ = s.post(t, valid, "Sec-Fetch-Site", "same-origin")
	assert.Equal(t, http.StatusCreated, code, "the same receipt from the site's own page is stored")
}

func testLimitsAFlood(t *testing.T, st Store) {
	clk := &clock{t: now}
	lim := NewLimiter(0.5, 5, clk.now)
	s := startService(t, st, func(cfg *Config) { cfg.Limiter = lim })
	c := consent.Seed()
	accepted := 0
	for i := range 20 {
		code, msg := s.post(t, body(t, consent.AcceptAll(c, now, newID(t)), ActionAcceptAll))
		if i < 5 {
			assert.Equal(t, http.StatusCreated, code, "request %d of the burst", i+1)
			accepted++
			continue
		}
		assert.Equal(t, http.StatusTooManyRequests, code, "request %d", i+1)
		assert.Contains(t, msg, "too many requests")
	}
	req, err := http.NewRequest(http.MethodPost, s.url, strings.NewReader("{}"))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Equal(t, "2", resp.Header.Get("Retry-After"), "one token every 2 s")
	code, out := s.get(t, testToken, "")
	assert.Equal(t, http.StatusOK, code, "the DPO's export is not in the visitors' bucket: %s", out)
	assert.Len(t, s.stored(t), accepted, "only the receipts acknowledged are stored")

	clk.t = clk.t.Add(2 * time.Second)
	code, _ = s.post(t, body(t, consent.AcceptAll(c, now, newID(t)), ActionAcceptAll))
	assert.Equal(t, http.StatusCreated, code, "after Retry-After the client may send again")
}

func testExportNeedsTheToken(t *testing.T, st Store) {
	s := startService(t, st, nil)
	code, _ := s.post(t, body(t, consent.AcceptAll(consent.Seed(), now, newID(t)), ActionAcceptAll))
	require.Equal(t, http.StatusCreated, code)

	code, msg := s.get(t, "", "format=json")
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.Contains(t, msg, "Bearer")
	assert.NotContains(t, msg, "recordId")
	code, msg = s.get(t, "wrong", "format=json")
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.Equal(t, "wrong export token\n", msg)
	code, _ = s.get(t, testToken[:len(testToken)-1], "")
	assert.Equal(t, http.StatusUnauthorized, code, "a prefix of the token is wrong too")
	code, _ = s.get(t, testToken, "")
	assert.Equal(t, http.StatusOK, code)

	off := startService(t, st, func(cfg *Config) { cfg.Token = "" })
	for _, tok := range []string{"", "wrong", testToken} {
		code, msg = off.get(t, tok, "")
		assert.Equal(t, http.StatusNotFound, code, "no token configured: no export, whatever is sent")
		assert.Contains(t, msg, "export is off")
	}
}

func testExports(t *testing.T, s *service) {
	c := consent.Seed()
	day := now.Truncate(24 * time.Hour)
	first := consent.AcceptAll(c, day.Add(-time.Hour), "AAAAAAAAAAAAAAAA")
	withdrawn := consent.RefuseAll(c, day.Add(time.Hour), "AAAAAAAAAAAAAAAA")
	someone := consent.RefuseAll(c, day.Add(2*time.Hour), "BBBBBBBBBBBBBBBB")
	for _, p := range []struct {
		rec consent.Record
		a   Action
	}{{first, ActionAcceptAll}, {withdrawn, ActionWithdrawal}, {someone, ActionGPC}} {
		s.clock.t = p.rec.Time.Add(time.Minute) // received a minute after the choice
		code, msg := s.post(t, body(t, p.rec, p.a))
		require.Equal(t, http.StatusCreated, code, msg)
	}

	code, out := s.get(t, testToken, "id=AAAAAAAAAAAAAAAA&format=json")
	require.Equal(t, http.StatusOK, code, out)
	var got []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, []map[string]any{
		{
			"recordId": "AAAAAAAAAAAAAAAA", "action": "accept-all", "time": "2026-11-29T23:00:00Z", "received": "2026-11-29T23:01:00Z",
			"revision": c.Revision(), "categories": map[string]any{"contact": true}, "services": map[string]any{"recaptcha": true},
			"value": first.Encode(),
		},
		{
			"recordId": "AAAAAAAAAAAAAAAA", "action": "withdrawal", "time": "2026-11-30T01:00:00Z", "received": "2026-11-30T01:01:00Z",
			"revision": c.Revision(), "categories": map[string]any{"contact": false}, "services": map[string]any{"recaptcha": false},
			"value": withdrawn.Encode(),
		},
	}, got)

	code, out = s.get(t, testToken, "from=2026-11-30&to=2026-11-30&format=csv")
	require.Equal(t, http.StatusOK, code, out)
	lines, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, [][]string{
		CSVHeader,
		{"AAAAAAAAAAAAAAAA", "withdrawal", "2026-11-30T01:00:00Z", "2026-11-30T01:01:00Z", c.Revision(), "contact:0", "recaptcha:0", withdrawn.Encode()},
		{"BBBBBBBBBBBBBBBB", "gpc", "2026-11-30T02:00:00Z", "2026-11-30T02:01:00Z", c.Revision(), "contact:0", "recaptcha:0", someone.Encode()},
	}, lines, "the range selects by reception")

	code, out = s.get(t, testToken, "to=2026-11-30T01:01:00Z&format=csv")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, 3, strings.Count(out, "\n"), "to is inclusive of its second: header and two receipts")

	code, out = s.get(t, testToken, "id=CCCCCCCCCCCCCCCC")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "[]\n", out, "no receipt is an empty list")

	for query, want := range map[string]string{
		"format=xml":                          "format \"xml\" is not one of",
		"id=short":                            "is not a consent id",
		"from=yesterday":                      "from: \"yesterday\" is neither",
		"from=2026-12-01&to=2026-11-01":       "from is after to",
		"ip=1":                                "unknown parameter \"ip\"",
		"id=AAAAAAAAAAAAAAAA&id=BBBBBBBBBBBB": "given 2 times",
	} {
		code, out = s.get(t, testToken, query)
		assert.Equal(t, http.StatusBadRequest, code, query)
		assert.Contains(t, out, want, query)
	}
}

func TestNewHandlerRefusesBadSettings(t *testing.T) {
	s := backends[0].open(t)
	invalid := consent.Seed()
	invalid.Services[4].Category = "no-such-category"
	for name, tc := range map[string]struct {
		cfg  Config
		want string
	}{
		"short token":       {Config{Token: strings.Repeat("x", MinTokenLength-1)}, "fewer than 32"},
		"token with space":  {Config{Token: strings.Repeat("x", MinTokenLength) + " y"}, "not printable ASCII"},
		"path with a slash": {Config{Path: "/consent/receipts/"}, "not ending with one"},
		"relative path":     {Config{Path: "consent/receipts"}, "starting with /"},
		"archive URL":       {Config{ArchiveURL: "/consent"}, "ending with /"},
		"invalid catalogue": {Config{Catalogues: NewCatalogues(invalid)}, "no-such-category"},
	} {
		tc.cfg.Store = s
		if tc.cfg.Catalogues == nil {
			tc.cfg.Catalogues = NewCatalogues(consent.Seed())
		}
		_, err := NewHandler(tc.cfg)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), tc.want, name)
	}
}

func TestAnotherReceiptUnderTheSameKeyIsAConflict(t *testing.T) {
	c := consent.Seed()
	c.Services = append(c.Services, consent.Service{ID: "video", Category: "contact", Provider: "P", Name: c.Services[4].Name})
	s := startService(t, backends[0].open(t), func(cfg *Config) { cfg.Catalogues = NewCatalogues(c) })
	allowing := func(id string) consent.Record {
		return consent.NewRecord(c, func(s string) bool { return s == id }, now, "AAAAAAAAAAAAAAAA")
	}
	code, _ := s.post(t, body(t, allowing("video"), ActionCustom))
	require.Equal(t, http.StatusCreated, code)
	code, msg := s.post(t, body(t, allowing("recaptcha"), ActionCustom))
	assert.Equal(t, http.StatusConflict, code, "another choice under the same id, action and time")
	assert.Contains(t, msg, "a different receipt")
	got := s.stored(t)
	require.Len(t, got, 1)
	assert.Equal(t, allowing("video"), got[0].Record, "the first receipt stays")
}
