package receipts

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
)

// statsService is a service at /consent/receipts with two catalogue
// revisions; the later one has a second optional category.
func statsService(t *testing.T) (*service, *consent.Catalogue, *consent.Catalogue) {
	old := consent.Seed()
	cur := consent.Seed()
	cur.Categories = append(cur.Categories, consent.Category{ID: "video", Title: consent.Text{"fr": "Vidéos", "en": "Videos"},
		Description: consent.Text{"fr": "Lecteurs vidéo", "en": "Video players"}, Refusal: consent.Text{"fr": "Pas de vidéo", "en": "No video"}})
	cur.Services = append(cur.Services, consent.Service{ID: "player", Category: "video", Provider: "P", Name: consent.Text{"fr": "Lecteur", "en": "Player"}})
	s := startService(t, backends[0].open(t), func(cfg *Config) {
		cfg.Path, cfg.Catalogues = "/consent/receipts", NewCatalogues(old, cur)
	})
	s.url += "/consent/receipts"
	return s, old, cur
}

// statsGet fetches the statistics with query and the given header pairs.
func (s *service) statsGet(t *testing.T, query string, header ...string) (*http.Response, string) {
	req, err := http.NewRequest(http.MethodGet, s.url+"/statistics?"+query, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

// signIn posts the sign-in form, without following the redirect.
func (s *service) signIn(t *testing.T, token string, header ...string) *http.Response {
	req, err := http.NewRequest(http.MethodPost, s.url+"/statistics?from=2026-11-01",
		strings.NewReader(url.Values{"action": {"signin"}, "token": {token}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp
}

func TestStatisticsNeedTheToken(t *testing.T) {
	s, _, _ := statsService(t)
	resp, page := s.statsGet(t, "")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Contains(t, page, `name="token"`, "the sign-in form")
	assert.NotContains(t, page, "choix reçus")
	resp, out := s.statsGet(t, "format=csv")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Contains(t, out, "need the export token")
	resp, _ = s.statsGet(t, "", "Authorization", "Bearer wrong-0123456789-0123456789-0123")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp, page = s.statsGet(t, "", "Authorization", "Bearer "+testToken)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, "choix reçus")

	off := startService(t, backends[0].open(t), func(cfg *Config) { cfg.Token = "" })
	resp, err := http.Get(off.url + "/statistics")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "no token, no statistics")
}

func TestStatisticsSignInGivesASessionOfAnHour(t *testing.T) {
	s, _, _ := statsService(t)
	resp := s.signIn(t, "wrong-0123456789-0123456789-0123")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Empty(t, resp.Cookies())
	resp = s.signIn(t, testToken, "Origin", "https://evil.example")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "a sign-in from another site")

	resp = s.signIn(t, testToken)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/consent/receipts/statistics?from=2026-11-01", resp.Header.Get("Location"))
	cookies := resp.Cookies()
	require.Len(t, cookies, 1)
	c := cookies[0]
	assert.Equal(t, "/consent/receipts/statistics", c.Path)
	assert.True(t, c.HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, c.SameSite)
	assert.Equal(t, 3600, c.MaxAge)
	assert.False(t, c.Secure, "plain HTTP to 127.0.0.1, where a browser would not send a Secure cookie back")

	cookie := c.Name + "=" + c.Value
	resp, page := s.statsGet(t, "", "Cookie", cookie)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, "choix reçus")
	resp, _ = s.statsGet(t, "", "Cookie", c.Name+"="+strings.Replace(c.Value, ".", "0.", 1))
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "a session whose end was changed")

	s.clock.t = s.clock.t.Add(time.Hour)
	resp, _ = s.statsGet(t, "", "Cookie", cookie)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "an hour later the session is over")
}

func TestSecureCookieButOnLoopbackHTTP(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1:8080": false, "localhost:8080": false, "[::1]:80": false,
		"www.example.fr": true, "192.0.2.1:8080": true,
	} {
		assert.Equal(t, want, secureCookie(&http.Request{Host: host}), host)
	}
}

// seedStats posts receipts on two days, for two revisions.
func seedStats(t *testing.T, s *service, old, cur *consent.Catalogue) {
	d1 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	d2 := d1.AddDate(0, 0, 1)
	rec := func(c *consent.Catalogue, at time.Time, allowed ...string) consent.Record {
		return consent.NewRecord(c, func(id string) bool {
			for _, a := range allowed {
				if a == id {
					return true
				}
			}
			return false
		}, at, newID(t))
	}
	for _, p := range []struct {
		rec consent.Record
		a   Action
	}{
		{rec(old, d1, "recaptcha"), ActionAcceptAll},
		{rec(old, d1), ActionRefuseAll},
		{rec(cur, d1, "recaptcha", "player"), ActionAcceptAll},
		{rec(cur, d2, "player"), ActionCustom},
		{rec(cur, d2, "player"), ActionWithdrawal},
		{rec(cur, d2), ActionGPC},
	} {
		s.clock.t = p.rec.Time.Add(time.Minute)
		code, msg := s.post(t, body(t, p.rec, p.a))
		require.Equal(t, http.StatusCreated, code, msg)
	}
	s.clock.t = d2.Add(12 * time.Hour)
}

// cells reads the figures of a table of the page: by row key (its
// data-day or data-revision) and column (data-col), the cell's text, or
// data-count/data-of for a share.
func cells(t *testing.T, page, table string) map[string]map[string]string {
	doc, err := html.Parse(strings.NewReader(page))
	require.NoError(t, err)
	attr := func(n *html.Node, name string) string {
		for _, a := range n.Attr {
			if a.Key == name {
				return a.Val
			}
		}
		return ""
	}
	out := map[string]map[string]string{}
	var walk func(n *html.Node, inTable bool, row string)
	walk = func(n *html.Node, inTable bool, row string) {
		if n.Type == html.ElementNode {
			switch {
			case n.Data == "table":
				inTable = attr(n, "id") == table
			case n.Data == "tr" && inTable:
				row = attr(n, "data-day") + attr(n, "data-revision")
			case n.Data == "td" && inTable && attr(n, "data-col") != "":
				if out[row] == nil {
					out[row] = map[string]string{}
				}
				v := ""
				if n.FirstChild != nil {
					v = n.FirstChild.Data
				}
				if of := attr(n, "data-of"); of != "" {
					v = attr(n, "data-count") + "/" + of
				}
				out[row][attr(n, "data-col")] = v
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inTable, row)
		}
	}
	walk(doc, false, "")
	return out
}

func TestStatisticsFigures(t *testing.T) {
	s, old, cur := statsService(t)
	seedStats(t, s, old, cur)
	resp, page := s.statsGet(t, "from=2026-11-27&to=2026-11-29", "Authorization", "Bearer "+testToken)
	require.Equal(t, http.StatusOK, resp.StatusCode, page)

	csp := resp.Header.Get("Content-Security-Policy")
	css, err := statsFiles.ReadFile("statistics/statistics.css")
	require.NoError(t, err)
	sum := sha256.Sum256(css)
	assert.Contains(t, csp, "style-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'", "the page's own style, by hash")
	assert.Contains(t, csp, "default-src 'none'")
	assert.NotContains(t, csp, "unsafe-inline")
	assert.Contains(t, page, "<style>"+string(css)+"</style>")
	assert.NotContains(t, page, "<script")

	zero := map[string]string{"choices": "0", "accept-all": "0", "refuse-all": "0", "custom": "0", "withdrawal": "0", "gpc": "0",
		"allow:contact": "0/0", "allow:video": "0/0"}
	assert.Equal(t, map[string]map[string]string{
		"2026-11-27": zero,
		"2026-11-28": {"choices": "3", "accept-all": "2", "refuse-all": "1", "custom": "0", "withdrawal": "0", "gpc": "0",
			"allow:contact": "2/3", "allow:video": "1/1"},
		"2026-11-29": {"choices": "3", "accept-all": "0", "refuse-all": "0", "custom": "1", "withdrawal": "1", "gpc": "1",
			"allow:contact": "0/3", "allow:video": "2/3"},
	}, cells(t, page, "days"), "every day of the range; a category's share is of the choices on revisions that have it")
	assert.Equal(t, map[string]map[string]string{
		old.Revision(): {"choices": "2", "accept-all": "1", "refuse-all": "1", "custom": "0", "withdrawal": "0", "gpc": "0",
			"allow:contact": "1/2", "allow:video": "0/0"},
		cur.Revision(): {"choices": "4", "accept-all": "1", "refuse-all": "0", "custom": "1", "withdrawal": "1", "gpc": "1",
			"allow:contact": "1/4", "allow:video": "3/4"},
	}, cells(t, page, "revisions"))
	assert.Contains(t, page, `<strong data-total="choices">6</strong>`)
	assert.Contains(t, page, `<strong data-total="withdrawal">1</strong>`)
	assert.Contains(t, page, "28/11/2026 · Tout accepter : 2", "a bar says what it counts")
	assert.Contains(t, page, "29/11/2026 · Vidéos : 66,7 % (2 sur 3)")
	assert.Contains(t, page, "29/11/2026 · retraits : 1")

	resp, out := s.statsGet(t, "from=2026-11-27&to=2026-11-29&format=csv", "Authorization", "Bearer "+testToken)
	require.Equal(t, http.StatusOK, resp.StatusCode, out)
	lines, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	first, second := old.Revision(), cur.Revision()
	rows := map[string][]string{
		"2026-11-28 " + first:  {"2026-11-28", first, "2", "1", "1", "0", "0", "0", "1", ""},
		"2026-11-28 " + second: {"2026-11-28", second, "1", "1", "0", "0", "0", "0", "1", "1"},
		"2026-11-29 " + second: {"2026-11-29", second, "3", "0", "0", "1", "1", "1", "0", "2"},
	}
	want := [][]string{{"day", "revision", "choices", "accept-all", "refuse-all", "custom", "withdrawal", "gpc", "allowing:contact", "allowing:video"}}
	if first > second {
		first, second = second, first
	}
	want = append(want, rows["2026-11-28 "+first], rows["2026-11-28 "+second], rows["2026-11-29 "+cur.Revision()])
	assert.Equal(t, want, lines)
}

func TestStatisticsRefuseABadRange(t *testing.T) {
	s, _, _ := statsService(t)
	for query, want := range map[string]string{
		"from=2026-12-01&to=2026-11-01": "from is after to",
		"from=2024-01-01&to=2026-11-01": "the statistics show 400 at most",
		"from=yesterday":                "from: \"yesterday\" is not a date",
		"format=pdf":                    "neither html nor csv",
		"ip=1":                          "unknown parameter",
	} {
		resp, out := s.statsGet(t, query, "Authorization", "Bearer "+testToken)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, query)
		assert.Contains(t, out, want, query)
	}
	resp, page := s.statsGet(t, "", "Authorization", "Bearer "+testToken)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, `value="2026-11-01"`, "by default the last 30 days, to today")
	assert.Contains(t, page, `value="2026-11-30"`)
	assert.Contains(t, page, "Aucun choix reçu sur la période.")
}

func TestNiceTopGivesWholeGridLines(t *testing.T) {
	for v, want := range map[float64]float64{0: 2, 1: 2, 2: 2, 3: 4, 5: 10, 11: 20, 38: 40, 41: 100, 999: 1000, 1001: 2000} {
		assert.Equal(t, want, niceTop(v), "%v", v)
	}
}
