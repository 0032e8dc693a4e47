package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/internal/engine"
	"github.com/civic-consent/consent/web/receipts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Proof of consent: the receipts the widget sends, as the preview server
// stores and exports them.

// exportToken is the receipts export's token of the servers these tests
// start; the preview server has none by default.
const exportToken = "e2e-export-token-0123456789abcdef"

// tokenFile writes exportToken to a file of the test's, for -token-file.
func tokenFile(t *testing.T) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(file, []byte(exportToken+"\n"), 0o600))
	return file
}

// exportOf returns the receipts the server at base holds for a record id.
func exportOf(t *testing.T, base, id, token string) (status int, got []receipts.Receipt) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+consent.Seed().Site.Receipts+"?id="+url.QueryEscape(id), nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if resp.StatusCode == http.StatusOK {
		require.NoError(t, json.Unmarshal(body, &got), "%s", body)
	}
	return resp.StatusCode, got
}

// waitExport waits until the export holds a receipt for the record id.
func waitExport(t *testing.T, base, id string) receipts.Receipt {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		status, got := exportOf(t, base, id, exportToken)
		require.Equal(t, http.StatusOK, status)
		if len(got) > 0 {
			require.Len(t, got, 1, "one receipt per choice")
			return got[0]
		}
		require.False(t, time.Now().After(deadline), "no receipt for record %s after %v", id, wait)
		time.Sleep(100 * time.Millisecond)
	}
}

// archive fetches the archived catalogue of a revision from the bundle.
func archive(t *testing.T, base, revision string) *consent.Catalogue {
	t.Helper()
	resp, err := http.Get(base + "/consent/" + consent.ArchiveName(revision))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "the bundle serves the archive of revision %s", revision)
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	c, err := consent.ParseCatalogue(data)
	require.NoError(t, err)
	return c
}

// frameText is the text the widget's frame shows in an element.
func (tb *tab) frameText(selector string) string {
	return tb.str(fmt.Sprintf(`%s.querySelector(%q).textContent`, widgetDoc, selector))
}

func TestReceiptsChooseWithdrawAndExport(t *testing.T) {
	base, stop, err := startServer(distDir, "-token-file", tokenFile(t))
	require.NoError(t, err)
	t.Cleanup(stop)

	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := openAt(t, b, base+"/contact", engine.PageOptions{})
		tb.waitLive()
		lang := tb.str(`document.documentElement.lang`)
		bannerShown := tb.frameText(`#cc-banner`)
		tb.click(frame(`.cc-actions [data-action=accept]`))
		tb.waitMode("button")
		accepted := tb.recordOf(consent.Seed())

		// The visitor finds the id of their choice in the preferences,
		// then takes the consent back there.
		tb.click(frame(`.cc-fab`))
		tb.waitMode("modal")
		assert.Contains(t, tb.frameText(`#cc-receipt`), accepted.ID, "the receipt id to quote to the DPO")
		prefsShown := tb.frameText(`#cc-prefs`)
		tb.click(frame(`.cc-prefs [data-action=refuse]`))
		tb.waitMode("button")
		withdrawn := tb.recordOf(consent.Seed())
		require.NotEqual(t, accepted.ID, withdrawn.ID)

		first, second := waitExport(t, base, accepted.ID), waitExport(t, base, withdrawn.ID)
		assert.Equal(t, receipts.ActionAcceptAll, first.Action)
		assert.Equal(t, map[string]bool{"recaptcha": true}, first.Record.Services)
		assert.Equal(t, receipts.ActionWithdrawal, second.Action)
		assert.Equal(t, map[string]bool{"recaptcha": false}, second.Record.Services)
		assert.Equal(t, accepted, first.Record, "the receipt holds the record the cookie holds")
		assert.Equal(t, withdrawn, second.Record)

		// The revision leads to the wording the page showed.
		for _, r := range []receipts.Receipt{first, second} {
			c := archive(t, base, r.Record.Revision)
			assert.Equal(t, r.Record.Revision, c.Revision())
			assert.Contains(t, bannerShown, c.Site.Intro.In(lang), "the first layer said what the archive says")
			contact, ok := c.Category("contact")
			require.True(t, ok)
			for _, s := range []string{contact.Title.In(lang), contact.Description.In(lang), contact.Refusal.In(lang)} {
				assert.Contains(t, prefsShown, s, "the preferences said what the archive says")
			}
		}

		// Without the token, or with another, no export.
		status, _ := exportOf(t, base, accepted.ID, "")
		assert.Equal(t, http.StatusUnauthorized, status)
		status, _ = exportOf(t, base, accepted.ID, "not-the-token")
		assert.Equal(t, http.StatusUnauthorized, status)
	})
}

func TestReceiptsNotSentWithoutEndpoint(t *testing.T) {
	needLibrary(t)
	require.Empty(t, library.Site.Receipts, "the library keeps no receipts")
	libHost := strings.TrimPrefix(libraryOrigin, "https://")
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		proxy.Reset()
		tb := openAt(t, b, libraryOrigin+"/agenda", engine.PageOptions{})
		tb.click(frame(`.cc-actions [data-action=accept]`))
		tb.waitMode("button")
		tb.click(frame(`.cc-fab`))
		tb.waitMode("modal")
		assert.Zero(t, tb.num(widgetDoc+`.querySelectorAll('#cc-receipt').length`), "no receipt id without receipts")
		tb.click(frame(`.cc-prefs [data-action=refuse]`))
		tb.waitMode("button")
		// Another page, where the widget runs again.
		tb.visit(libraryOrigin + "/agenda")
		tb.waitLive()

		for _, r := range proxy.Requests() {
			if r.Host == libHost {
				assert.Equal(t, http.MethodGet, r.Method, "%s %s", r.Method, r.Path)
			}
		}
		assert.Equal(t, "null", tb.str(`String(localStorage.getItem('civic-consent-receipt'))`), "nothing kept for later")
	})
}

// failingOrigin serves the seed's demo through the proxy with a receipts
// endpoint that always answers 500.
const failingOrigin = "https://receipts-down.example.org"

// failingEndpoint answers 500 and keeps the bodies it was sent.
type failingEndpoint struct {
	mu     sync.Mutex
	bodies []string
}

func (f *failingEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.bodies = append(f.bodies, r.Method+" "+string(body))
	f.mu.Unlock()
	http.Error(w, "down", http.StatusInternalServerError)
}

func (f *failingEndpoint) sent() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.bodies...)
}

var (
	failingOnce sync.Once
	failing     *failingEndpoint
	failingErr  error
)

// needFailingOrigin makes the proxy answer failingOrigin's pages and
// bundle from the preview server, and its receipts endpoint with failing.
func needFailingOrigin(t *testing.T) {
	t.Helper()
	failingOnce.Do(func() {
		failing = &failingEndpoint{}
		if failingErr = forward(failingOrigin, siteURL, distDir, previewPages); failingErr != nil {
			return
		}
		failingErr = proxy.Handle(failingOrigin+consent.Seed().Site.Receipts, failing)
	})
	require.NoError(t, failingErr)
}

func TestReceiptsFailingEndpointKeepsTheChoiceAndRetriesOnce(t *testing.T) {
	needFailingOrigin(t)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		start := len(failing.sent())
		tb := openAt(t, b, failingOrigin+"/contact", engine.PageOptions{})
		tb.click(frame(`.cc-actions [data-action=accept]`))
		tb.waitMode("button")
		rec := tb.recordOf(consent.Seed())
		assert.Equal(t, map[string]bool{"recaptcha": true}, rec.Services, "the choice is stored though its receipt fails")
		tb.waitFor(`localStorage.getItem('civic-consent-receipt') !== null`)
		pending := tb.str(`localStorage.getItem('civic-consent-receipt')`)
		assert.Equal(t, string(consent.ActionAcceptAll)+" "+rec.Encode(), pending, "the failed receipt is kept: its action and record")
		require.Len(t, failing.sent()[start:], 1)

		// The next page retries it, once, and forgets it.
		tb.visit(failingOrigin + "/contact")
		tb.waitLive()
		tb.waitFor(`localStorage.getItem('civic-consent-receipt') === null`)
		assert.Equal(t, "button", tb.mode(), "the stored choice holds")

		// The page after sends nothing again; a new choice sends its own.
		tb.visit(failingOrigin + "/contact")
		tb.waitLive()
		tb.click(frame(`.cc-fab`))
		tb.waitMode("modal")
		tb.click(frame(`.cc-prefs [data-action=refuse]`))
		tb.waitMode("button")
		withdrawn := tb.recordOf(consent.Seed())
		tb.waitFor(`localStorage.getItem('civic-consent-receipt') !== null`)
		post := func(r consent.Record, a consent.Action) string {
			return "POST " + string(consent.Receipt{Record: r, Action: a}.Encode())
		}
		assert.Equal(t, []string{
			post(rec, consent.ActionAcceptAll),
			post(rec, consent.ActionAcceptAll),
			post(withdrawn, consent.ActionWithdrawal),
		}, failing.sent()[start:], "the accept-all receipt twice (sent, retried once), then the withdrawal's")
	})
}
