package e2e

import (
	"testing"

	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestR20GPCRefusesWithoutAskingAndAllowsOptingIn(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		// ?gpc=1 makes the demo page emulate the signal (web/demo/static/
		// gpc.js), so that WebKit, which has no GPC, runs this too.
		proxy.Reset()
		tb := open(t, b, "/contact?gpc=1", engine.PageOptions{})
		require.Equal(t, "true", tb.str(`String(navigator.globalPrivacyControl)`), "the page sends GPC")
		assert.Equal(t, "button", tb.settledMode(), "R20: no banner")
		_, stored := tb.consentCookie()
		assert.False(t, stored, "R20: the signal is not stored as a choice")
		assert.Equal(t, 1, tb.num(`document.querySelectorAll('civic-consent-placeholder').length`), "reCAPTCHA counts as refused")
		assertNothingLoaded(t, tb, "R20: with GPC")

		tb.load("/contact?gpc=1")
		assert.Equal(t, "button", tb.settledMode(), "R20: the next page does not nag either")
		assertNothingLoaded(t, tb, "R20: with GPC, next page")

		// The visitor can still opt in explicitly.
		tb.clickFab()
		tb.waitMode("modal")
		assert.Equal(t, allOff(), tb.toggles(), "R8, R20: nothing on in the preferences")
		tb.click(frame(`#cc-toggle-contact`))
		tb.waitFor(widgetDoc + `.getElementById('cc-toggle-contact').getAttribute('aria-checked') === 'true'`)
		assert.Empty(t, thirdParty(t), "nothing loads before the choice is saved")
		tb.click(frame(`#cc-prefs-save`))
		tb.waitFor(`window.recaptchaRuns === 1`)
		tb.waitMode("button")
		assert.Equal(t, []string{recaptchaURL}, fetched(t), "the explicit choice loads reCAPTCHA")
		rec := tb.record()
		assert.Equal(t, map[string]bool{"contact": true}, rec.Categories)
		assert.Equal(t, map[string]bool{"recaptcha": true}, rec.Services)

		// An explicit choice outranks the signal on the next pages.
		proxy.Reset()
		tb.load("/contact?gpc=1")
		tb.waitFor(`window.recaptchaRuns === 1`)
		assert.Equal(t, "button", tb.settledMode())
		assert.Equal(t, []string{recaptchaURL}, fetched(t))
	})
}
