package e2e

import (
	"testing"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestR14PreferencesOneActionAwayOnEveryPage(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := open(t, b, "/", engine.PageOptions{})
		tb.click(frame(`#cc-banner [data-action=refuse]`))
		tb.waitMode("button")
		closePrefs := func() {
			tb.click(frame(`#cc-prefs-close`))
			tb.waitMode("button")
		}
		for _, p := range demoPages {
			tb.load(p.path)
			require.Equal(t, "button", tb.settledMode(), p.path)

			tb.clickFab()
			tb.waitMode("modal")
			closePrefs()

			tb.click(p.control)
			tb.waitMode("modal")
			assert.Equal(t, p.path, tb.str(`location.pathname`), "%s: the page's control opens the preferences, nothing else", p.path)
			closePrefs()

			// By keyboard: the page's control, focused, and Enter.
			var focused bool
			tb.eval(`(() => { const el = document.querySelector(`+jsString(p.control)+`); el.focus(); return document.activeElement === el; })()`, &focused)
			require.True(t, focused, "%s: the page's control takes focus", p.path)
			require.NoError(t, tb.Press("Enter"))
			tb.waitMode("modal")
			assert.Equal(t, p.path, tb.str(`location.pathname`), p.path)
			closePrefs()
		}
	})
}

func TestR17PlaceholderOffersAllowAndAnotherWayToWrite(t *testing.T) {
	seed := consent.Seed()
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		for _, tt := range []struct{ lang, query, allow string }{
			{"fr", "", "Autoriser"},
			{"en", "?lang=en", "Allow"},
		} {
			t.Run(tt.lang, func(t *testing.T) {
				var ph struct {
					Buttons []string
					Contact string
					Before  bool
					Height  float64
				}
				tb := open(t, b, "/contact"+tt.query, engine.PageOptions{})
				check := func(when string) {
					t.Helper()
					tb.waitFor(`(() => { const p = document.querySelector('civic-consent-placeholder'); return !!(p && p.shadowRoot && p.shadowRoot.querySelector('button')); })()`)
					tb.eval(`(() => {
						const p = document.querySelector('civic-consent-placeholder'), root = p.shadowRoot;
						return {
							Buttons: Array.from(root.querySelectorAll('button'), (b) => b.textContent.trim()),
							Contact: root.querySelector('.cc-placeholder-contact').textContent,
							Before: p.nextElementSibling === document.querySelector('.g-recaptcha'),
							Height: p.getBoundingClientRect().height,
						};
					})()`, &ph)
					assert.Equal(t, []string{tt.allow}, ph.Buttons, "%s: an allow button", when)
					assert.Contains(t, ph.Contact, seed.Site.Contact.In(tt.lang), "%s: the catalogue's address", when)
					assert.True(t, ph.Before, "%s: in place of the captcha", when)
					assert.Positive(t, ph.Height, "%s: shown", when)
				}
				check("ignored")
				tb.click(frame(`#cc-banner [data-action=refuse]`))
				tb.waitMode("button")
				check("refused")

				tb.eval(`document.querySelector('civic-consent-placeholder').shadowRoot.querySelector('button').click()`, nil)
				tb.waitFor(`window.recaptchaRuns === 1`)
				assert.Equal(t, map[string]bool{"recaptcha": true}, tb.record().Services)
			})
		}
	})
}
