package e2e

import (
	"testing"
	"time"

	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The core flows of the widget, run by every engine.

func TestR1FirstVisitAsksAndSendsNothing(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		proxy.Reset()
		tb := open(t, b, "/contact", engine.PageOptions{})
		assert.Equal(t, "banner", tb.mode())
		assert.Equal(t, 0, tb.num(`document.querySelectorAll('script[src*="recaptcha"], iframe[src*="google"]').length`), "R1: no reCAPTCHA in the DOM")
		assert.Equal(t, 1, tb.num(`document.querySelectorAll('civic-consent-placeholder').length`), "R17: the placeholder stands in for reCAPTCHA")
		_, stored := tb.consentCookie()
		assert.False(t, stored, "R2: nothing stored before a choice")
		assert.Empty(t, thirdParty(t), "R1: no request to any other origin")
	})
}

func TestR4R10RefuseAllIsRememberedAndSendsNothing(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		proxy.Reset()
		tb := open(t, b, "/contact", engine.PageOptions{})
		tb.click(frame(`.cc-actions [data-action=refuse]`))
		tb.waitMode("button")
		rec := tb.record()
		assert.Equal(t, map[string]bool{"contact": false}, rec.Categories)
		assert.Equal(t, map[string]bool{"recaptcha": false}, rec.Services)
		tb.load("/contact")
		assert.Equal(t, "button", tb.mode(), "R10: the banner does not come back")
		assert.Empty(t, google(t))
	})
}

func TestAcceptAllLoadsRecaptchaOnce(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		proxy.Reset()
		tb := open(t, b, "/contact", engine.PageOptions{})
		tb.click(frame(`.cc-actions [data-action=accept]`))
		tb.waitFor(`window.recaptchaRuns === 1`)
		tb.waitMode("button")
		assert.Equal(t, 1, tb.num(`document.querySelectorAll('script[src^="https://www.google.com/recaptcha/api.js"]').length`), "appended exactly once")
		assert.Equal(t, 0, tb.num(`document.querySelectorAll('civic-consent-placeholder').length`))
		assert.Contains(t, tb.str(`document.querySelector('[data-consent-part=notice]').textContent`), "reCAPTCHA", "R19")
		assert.Equal(t, []string{recaptchaURL}, fetched(t), "only Google's loader, once")
		assert.Equal(t, map[string]bool{"recaptcha": true}, tb.record().Services)

		c, _ := tb.consentCookie()
		assert.Equal(t, "/", c.Path)
		assert.Equal(t, "Lax", c.SameSite)
		assert.False(t, c.Secure, "the preview site is http")
		life := time.Until(c.Expires)
		assert.InDelta(t, (183 * 24 * time.Hour).Hours(), life.Hours(), 24, "R11: about six months")

		// Another page with the stored choice: applied without a banner.
		proxy.Reset()
		tb.load("/contact")
		tb.waitFor(`window.recaptchaRuns === 1`)
		assert.Equal(t, "button", tb.mode())
	})
}

func TestCustomiseOneCategory(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		proxy.Reset()
		tb := open(t, b, "/contact", engine.PageOptions{})
		tb.click(frame(`[data-action=customise]`))
		tb.waitMode("modal")
		assert.Equal(t, "false", tb.str(`document.querySelector('civic-consent iframe').contentDocument.getElementById('cc-toggle-contact').getAttribute('aria-checked')`), "R8")
		tb.click(frame(`#cc-toggle-contact`))
		tb.waitFor(`document.querySelector('civic-consent iframe').contentDocument.getElementById('cc-toggle-contact').getAttribute('aria-checked') === 'true'`)
		assert.Empty(t, google(t), "nothing loads before the choice is saved")
		tb.click(frame(`#cc-prefs-save`))
		tb.waitFor(`window.recaptchaRuns === 1`)
		assert.Equal(t, map[string]bool{"contact": true}, tb.record().Categories)
	})
}

func TestR14R15R16WithdrawalStopsGoogle(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := open(t, b, "/contact", engine.PageOptions{})
		tb.click(frame(`.cc-actions [data-action=accept]`))
		tb.waitFor(`window.recaptchaRuns === 1 && localStorage.getItem('_grecaptcha') !== null`)
		tb.waitMode("button")

		tb.click(`footer [data-consent-open]`) // R14: the page's own control
		tb.waitMode("modal")
		tb.click(frame(`.cc-prefs [data-action=refuse]`)) // R15: one step
		tb.waitMode("button")
		assertWithdrawn(t, tb)

		proxy.Reset()
		tb.load("/contact")
		assert.Empty(t, thirdParty(t), "R16: after withdrawal and reload, nothing leaves for Google or anyone else")
	})
}

// assertWithdrawn checks the contact page once reCAPTCHA was withdrawn:
// refused in the record, its script and frame gone, its placeholder back,
// its first-party key cleared (R16).
func assertWithdrawn(t *testing.T, tb *tab) {
	t.Helper()
	assert.False(t, tb.record().Services["recaptcha"])
	assert.Equal(t, 0, tb.num(`document.querySelectorAll('script[src*="recaptcha"], .g-recaptcha iframe').length`))
	assert.Equal(t, 1, tb.num(`document.querySelectorAll('civic-consent-placeholder').length`))
	var key any
	tb.eval(`localStorage.getItem('_grecaptcha')`, &key)
	assert.Nil(t, key, "R16: first-party traces cleared")
}

func TestR17PlaceholderAllowLoadsRecaptcha(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		proxy.Reset()
		tb := open(t, b, "/contact", engine.PageOptions{})
		tb.click(frame(`.cc-actions [data-action=refuse]`))
		tb.waitMode("button")
		assert.Contains(t, tb.str(`document.querySelector('civic-consent-placeholder').shadowRoot.textContent`), "Saint-Maur-des-Fossés", "another way to get in touch")
		// The button is in the placeholder's shadow root, out of the
		// engines' selectors' reach: it is clicked from the page.
		tb.eval(`document.querySelector('civic-consent-placeholder').shadowRoot.querySelector('button').click()`, nil)
		tb.waitFor(`window.recaptchaRuns === 1`)
		rec := tb.record()
		assert.Equal(t, map[string]bool{"contact": true}, rec.Categories, "a recorded choice like any other")
	})
}

func TestHostPageKeepsItsLinksAndHandlers(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := open(t, b, "/demo/hostile", engine.PageOptions{})
		before := tb.num(`Number(document.getElementById('host-clicks').textContent)`)
		tb.click(`main h1`)
		assert.Equal(t, before+1, tb.num(`Number(document.getElementById('host-clicks').textContent)`), "the host's window.onclick still runs")
		require.NoError(t, tb.Navigate(siteURL+"/demo/hostile"))
		tb.click(`a[href="/charte-cookies"]`)
		tb.waitFor(`location.pathname === '/charte-cookies'`)
	})
}
