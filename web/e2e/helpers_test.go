package e2e

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/require"
)

// frame prefixes a selector so that it reaches into the widget's frame.
func frame(selector string) string { return "civic-consent iframe " + engine.FrameSep + " " + selector }

// wait bounds how long a scenario waits for the page to reach a state. It
// only stops a hung browser; nothing is measured with it.
const wait = 60 * time.Second

// tab is one page of one engine in a scenario.
type tab struct {
	t *testing.T
	engine.Page
}

// open starts a fresh page (no cookies, no storage) and loads path on the
// preview site.
func open(t *testing.T, b engine.Browser, path string, opts engine.PageOptions) *tab {
	t.Helper()
	return openAt(t, b, siteURL+path, opts)
}

// settledJS is true once the widget has done what it does on arrival: the
// wasm runs and has placed the frame for the view it decided (the frame's
// size, and the space it reserves at the end of the page, are final, so a
// click the test makes next lands where it aims), or, where nothing on the
// page needs a decision, the frame shows its prerendered view and waits,
// or, on a return visit to such a page, the loader shows the button
// without a frame. A frame that starts the wasm at once (data-start="now")
// is idle only for the task before the start: it is not settled then.
const settledJS = `(() => { const f = document.querySelector('civic-consent iframe'); if (!f) return !!document.querySelector('civic-consent-button'); const c = f.contentWindow && f.contentWindow.civicFrame; if (!c) return false; const waits = c.programs.page === 'idle' && f.contentDocument.documentElement.getAttribute('data-start') !== 'now'; return (c.programs.page === 'live' || waits) && f.getAttribute('data-mode') !== 'pending'; })()`

// modeJS is what the widget shows: the frame's mode, or "button" for the
// loader's frame-less button, or "none" before either exists.
const modeJS = `(() => { const f = document.querySelector('civic-consent iframe'); if (f) return f.getAttribute('data-mode'); return document.querySelector('civic-consent-button') ? 'button' : 'none'; })()`

// fabJS is the selector of the persistent button, in the frame or, on a
// return visit to a page with nothing to decide, in the loader's own
// element.
const fabJS = `document.querySelector('civic-consent-button') && !document.querySelector('civic-consent iframe') ? 'civic-consent-button ` + engine.FrameSep + ` .cc-fab' : 'civic-consent iframe ` + engine.FrameSep + ` .cc-fab'`

// liveJS is true once the page program runs.
const liveJS = `(() => { const f = document.querySelector('civic-consent iframe'); return !!(f && f.contentWindow && f.contentWindow.civicFrame && f.contentWindow.civicFrame.programs.page === 'live'); })()`

// load navigates and waits until the widget has settled.
func (tb *tab) load(path string) {
	tb.t.Helper()
	require.NoError(tb.t, tb.Navigate(siteURL+path))
	tb.waitFor(settledJS)
}

// waitLive waits until the wasm runs.
func (tb *tab) waitLive() {
	tb.t.Helper()
	tb.waitFor(liveJS)
}

// waitFor waits until a JavaScript expression is true.
func (tb *tab) waitFor(js string) {
	tb.t.Helper()
	require.NoError(tb.t, engine.WaitFor(tb.Page, js, wait), "waiting for %s", js)
}

// eval evaluates JavaScript in the top document.
func (tb *tab) eval(js string, out any) {
	tb.t.Helper()
	require.NoError(tb.t, tb.Eval(js, out), "evaluating %s", js)
}

func (tb *tab) str(js string) string {
	var s string
	tb.eval(js, &s)
	return s
}

func (tb *tab) num(js string) int {
	var n int
	tb.eval(js, &n)
	return n
}

func (tb *tab) click(selector string) {
	tb.t.Helper()
	require.NoError(tb.t, tb.Click(selector), "clicking %s", selector)
}

// mode is what the widget shows: pending, banner, modal, button or off.
func (tb *tab) mode() string {
	return tb.str(modeJS)
}

// waitMode waits until the widget shows a view.
func (tb *tab) waitMode(mode string) {
	tb.t.Helper()
	tb.waitFor(fmt.Sprintf(`%s === %q`, modeJS, mode))
}

// clickFab clicks the persistent button, wherever it shows.
func (tb *tab) clickFab() {
	tb.t.Helper()
	tb.click(tb.str(fabJS))
}

// consentCookie returns the stored cookies_preferences, with its attributes.
func (tb *tab) consentCookie() (engine.Cookie, bool) {
	tb.t.Helper()
	cookies, err := tb.Cookies()
	require.NoError(tb.t, err)
	for _, c := range cookies {
		if c.Name == consent.RecordCookieName {
			return c, true
		}
	}
	return engine.Cookie{}, false
}

// waitConsentCookie waits until the browser's cookie store holds the
// consent cookie with value: a value a page assigns to document.cookie
// reaches the store the engine reads a moment later.
func (tb *tab) waitConsentCookie(value string) {
	tb.t.Helper()
	deadline := time.Now().Add(wait)
	for {
		if c, ok := tb.consentCookie(); ok && c.Value == value {
			return
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("the browser never stored %s=%s", consent.RecordCookieName, value)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// record decodes the stored choice with the seed catalogue.
func (tb *tab) record() consent.Record {
	tb.t.Helper()
	c, ok := tb.consentCookie()
	require.True(tb.t, ok, "no %s cookie", consent.RecordCookieName)
	rec, err := consent.DecodeRecord(c.Value, consent.Seed(), time.Now())
	require.NoError(tb.t, err)
	return rec
}

// thirdParty returns the requests that left for anything but the site.
func thirdParty(t *testing.T) []string {
	t.Helper()
	reqs, err := proxy.ThirdParty(siteURL)
	require.NoError(t, err)
	var out []string
	for _, r := range reqs {
		out = append(out, r.URL())
	}
	return out
}

// google returns the requests that went to Google, tunnels (CONNECT)
// included.
func google(t *testing.T) []string {
	var out []string
	for _, u := range thirdParty(t) {
		if strings.Contains(u, "google") || strings.Contains(u, "gstatic") || strings.Contains(u, "recaptcha") {
			out = append(out, u)
		}
	}
	return out
}

// fetched returns the URLs fetched from other origins: the requests inside
// the tunnels, not the tunnels themselves.
func fetched(t *testing.T) []string {
	t.Helper()
	reqs, err := proxy.ThirdParty(siteURL)
	require.NoError(t, err)
	var out []string
	for _, r := range reqs {
		if r.Method != "CONNECT" {
			out = append(out, r.URL())
		}
	}
	return out
}

// arrive waits until a click or a form has taken the tab to path and the
// widget there has decided, as load does after navigating.
func (tb *tab) arrive(path string) {
	tb.t.Helper()
	tb.waitFor(fmt.Sprintf(`location.pathname === %q && `+settledJS, path))
}

// console returns the page's console messages so far (top document and
// frames), and false if the engine cannot read its console (WebKit).
func (tb *tab) console() ([]engine.ConsoleMessage, bool) {
	tb.t.Helper()
	msgs, err := tb.ConsoleMessages()
	if errors.Is(err, engine.ErrUnsupported) {
		return nil, false
	}
	require.NoError(tb.t, err)
	return msgs, true
}

// consoleSince waits until one of the messages logged after the first
// since matches (what describes the match, for the failure), and returns
// those messages; false if the engine cannot read its console.
func (tb *tab) consoleSince(since int, what string, match func(engine.ConsoleMessage) bool) ([]engine.ConsoleMessage, bool) {
	tb.t.Helper()
	deadline := time.Now().Add(wait)
	for {
		msgs, ok := tb.console()
		if !ok {
			return nil, false
		}
		if since > len(msgs) {
			since = len(msgs)
		}
		msgs = msgs[since:]
		for _, m := range msgs {
			if match(m) {
				return msgs, true
			}
		}
		if time.Now().After(deadline) {
			require.FailNow(tb.t, "no console message "+what, "after %v, the console had %+v", wait, msgs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
