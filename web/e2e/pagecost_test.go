package e2e

import (
	"fmt"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What the widget costs a page once it has settled: nothing recurring, and
// no wasm where nothing depends on the choice.

// frameJS is the widget frame's window, in JavaScript; null on a return
// visit to a page with nothing to decide, where the loader shows the button
// without a frame.
const frameJS = `((document.querySelector('civic-consent iframe') || {}).contentWindow || null)`

// countActivity starts counting, in the host page and in the widget's
// frame, every timer and animation frame asked for and every resize of the
// frame, each with its time. Recurring work asks again each time it runs,
// so a quiet window counts nothing. (setInterval is counted from now on
// too; none of the widget's code uses it.)
const countActivity = `(() => {
  const a = window.__activity = { t0: performance.now(), calls: [] };
  const note = (what) => a.calls.push({ t: performance.now() - a.t0, what: what + ' ' + new Error().stack.split('\n').slice(1, 4).join(' | ') });
  const frame = ` + frameJS + `;
  for (const [name, w] of [['page', window], ['frame', frame]]) {
    if (!w) continue;
    for (const fn of ['setTimeout', 'setInterval', 'requestAnimationFrame', 'requestIdleCallback']) {
      const orig = w[fn];
      if (typeof orig !== 'function') continue;
      w[fn] = function () { note(name + ' ' + fn); return orig.apply(this, arguments); };
    }
  }
  if (frame) frame.addEventListener('resize', () => note('frame resize'));
  return true;
})()`

// quietWindow is how long assertIdle watches, in the page's own clock. The
// driver reads the counts after it; WebKit's driver sets a timer of its own
// in the page to run that read, which comes after the window.
const quietWindow = 3 * time.Second

// assertIdle counts the activity of the settled page over quietWindow and
// expects none. The first second after settling is left to what settling
// itself schedules once (go-app's resize cool-down is 250 ms).
func (tb *tab) assertIdle(what string) {
	tb.t.Helper()
	time.Sleep(time.Second)
	tb.eval(countActivity, nil)
	time.Sleep(quietWindow + 500*time.Millisecond)
	var calls []string
	tb.eval(fmt.Sprintf(`window.__activity.calls.filter(c => c.t < %d).map(c => c.what)`, quietWindow.Milliseconds()), &calls)
	assert.Empty(tb.t, calls, "%s: %d timers, animation frames or frame resizes with nothing changing", what, len(calls))
}

// wasmRequests counts the requests made by the page and its frame for the
// widget's wasm or for wasm_exec.js, which the frame loads only to run the
// wasm (in Chromium the wasm itself is fetched by the warm-up worker, whose
// requests are not in the page's resource timing). Cached loads count too;
// the first visit's prefetch (a <link>, which compiles nothing) does not.
func (tb *tab) wasmRequests() int {
	return tb.num(`[window, ` + frameJS + `].filter(w => w).map(w => w.performance.getEntriesByType('resource').filter(e => e.initiatorType !== 'link' && /\.wasm$|\/wasm_exec\.[0-9a-f]+\.js$/.test(e.name)).length).reduce((a, b) => a + b, 0)`)
}

// frameState is where the frame's page program stands (civicFrame.programs),
// or "no frame".
func (tb *tab) frameState() string {
	return tb.str(`(() => { const w = ` + frameJS + `; return w ? w.civicFrame.programs.page : 'no frame'; })()`)
}

func TestIdleWhenIdle(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := open(t, b, "/", engine.PageOptions{})
		require.Equal(t, "banner", tb.mode())
		tb.assertIdle("first layer, wasm not started")

		tb.load("/contact")
		tb.waitLive()
		require.Equal(t, "banner", tb.mode())
		tb.assertIdle("first layer, wasm running")

		tb.click(frame(`.cc-actions [data-action=refuse]`))
		tb.waitMode("button")
		tb.assertIdle("button, wasm running")

		tb.clickFab()
		tb.waitMode("modal")
		tb.assertIdle("preferences")

		tb.load("/")
		require.Equal(t, "button", tb.mode())
		tb.assertIdle("button, return visit without the wasm")
	})
}

func TestNoWasmOnReturnVisitWhereNothingIsGated(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := open(t, b, "/", engine.PageOptions{})
		assert.Equal(t, "idle", tb.frameState(), "a first visit to a page with nothing gated waits for the visitor")
		assert.Zero(t, tb.wasmRequests(), "no wasm before the visitor uses the widget")
		tb.click(frame(`.cc-actions [data-action=refuse]`))
		tb.waitMode("button")
		tb.record()

		tb.load("/")
		assert.Equal(t, "button", tb.mode(), "the prerendered button shows")
		assert.Equal(t, "no frame", tb.frameState(), "the loader shows it without a frame")
		assert.Zero(t, tb.wasmRequests(), "a return visit where nothing is gated fetches no wasm")

		// Used, the button starts the widget, which opens the preferences.
		tb.clickFab()
		tb.waitMode("modal")
		assert.Equal(t, "live", tb.frameState())
		assert.Positive(t, tb.wasmRequests())

		// Pages that depend on the choice start it at once.
		tb.load("/contact")
		assert.Equal(t, "live", tb.frameState(), "the contact form's reCAPTCHA depends on the choice")

		// So does content that depends on it added later.
		tb.load("/")
		require.Equal(t, "no frame", tb.frameState())
		tb.eval(`(() => { const d = document.createElement('div'); d.className = 'g-recaptcha'; document.querySelector('main').appendChild(d); return true; })()`, nil)
		tb.waitLive()
		assert.Equal(t, 1, tb.num(`document.querySelectorAll('civic-consent-placeholder').length`), "R17: the added element gets its placeholder")

		// And a page whose code asks what is allowed.
		tb.load("/")
		require.Equal(t, "no frame", tb.frameState())
		assert.False(t, tb.truthy(`civicConsent.allowed('recaptcha')`))
		tb.waitLive()
		assert.False(t, tb.truthy(`civicConsent.allowed('recaptcha')`), "refused")
	})
}

// The loader cannot tell what another revision or several copies of the
// choice mean: the page program starts and decides, asking again for
// another revision, taking the newest valid copy of several.
func TestR13AnotherRevisionOrTwoCopiesStartThePageProgram(t *testing.T) {
	c := consent.Seed()
	current := consent.RefuseAll(c, time.Now(), "AAAAAAAAAAAAAAAA").Encode()
	other := "1.000000000000" + current[len("1.")+len(c.Revision()):]
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, tc := range []struct {
			name, setup, mode string
		}{
			{"another revision", `document.cookie = ` + jsString(consent.CookieString(other, consent.CookieOptions{})), "banner"},
			{"two copies", `document.cookie = ` + jsString(consent.CookieString(current, consent.CookieOptions{})) +
				`, document.cookie = ` + jsString("cookies_preferences="+current+"; Path=/charte-cookies"), "button"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tb := open(t, b, "/charte-cookies", engine.PageOptions{})
				tb.eval(tc.setup, nil)
				tb.load("/charte-cookies")
				tb.waitLive()
				assert.Equal(t, tc.mode, tb.settledMode(), "the page program decides")
			})
		}
	})
}

func TestR10ChoiceIsNeverLost(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, action := range []string{"refuse", "accept"} {
			t.Run(action, func(t *testing.T) {
				tb := open(t, b, "/", engine.PageOptions{})
				require.Equal(t, "idle", tb.frameState())
				// The visitor chooses and follows a link at once, before
				// the wasm has had time to start.
				tb.click(frame(fmt.Sprintf(`.cc-actions [data-action=%s]`, action)))
				require.NoError(t, tb.Navigate(siteURL+"/charte-cookies"))
				tb.assertStoredOnArrival(action)
			})
			t.Run(action+" is kept at once", func(t *testing.T) {
				tb := open(t, b, "/", engine.PageOptions{})
				require.Equal(t, "idle", tb.frameState())
				// In the task of the click, before any wasm can run, the
				// choice is already kept for the next page.
				var kept struct {
					Action   string `json:"action"`
					Revision string `json:"revision"`
				}
				tb.eval(fmt.Sprintf(`(() => { %s.document.querySelector('.cc-actions [data-action=%s]').click(); return JSON.parse(sessionStorage.getItem('civic-consent-pending')); })()`, frameJS, action), &kept)
				assert.Equal(t, action, kept.Action)
				assert.Equal(t, consent.Seed().Revision(), kept.Revision)
			})
			t.Run(action+" kept is stored on the next page", func(t *testing.T) {
				tb := open(t, b, "/", engine.PageOptions{})
				tb.eval(fmt.Sprintf(`sessionStorage.setItem('civic-consent-pending', JSON.stringify({action: %q, revision: %q, at: Date.now()}))`, action, consent.Seed().Revision()), nil)
				tb.load("/charte-cookies")
				assert.Equal(t, action, tb.str(frameJS+`.document.documentElement.getAttribute('data-queued')`), "the choice was handed to the page")
				tb.assertStoredOnArrival(action)
			})
		}
	})
}

// assertStoredOnArrival checks, on the page the visitor went to after
// clicking action, that the widget does not ask again and that the wasm
// stores the choice.
func (tb *tab) assertStoredOnArrival(action string) {
	tb.t.Helper()
	tb.waitFor(settledJS)
	assert.NotEqual(tb.t, "banner", tb.str(frameJS+`.document.documentElement.getAttribute('data-view')`), "the next page does not ask again")
	tb.waitFor(`/(?:^|;\s*)cookies_preferences=/.test(document.cookie)`)
	tb.waitMode("button")
	rec := tb.record()
	assert.Equal(tb.t, action == "accept", rec.Categories["contact"], "the choice clicked is the one stored")
	assert.Equal(tb.t, "", tb.str(`sessionStorage.getItem('civic-consent-pending') || ''`), "nothing is left pending")
	tb.load("/")
	assert.Equal(tb.t, "button", tb.mode(), "and the page after does not ask either")
}

func (tb *tab) truthy(js string) bool {
	var v bool
	tb.eval(`!!(`+js+`)`, &v)
	return v
}
