package e2e

import (
	"testing"

	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
)

// What a script or an HTML-injection bug of the host page can make the
// widget believe: neither another nonce nor a forged consent:change.

func TestAnInjectedCopyOfTheLoaderTagSuppliesNoNonce(t *testing.T) {
	needLibrary(t)
	// HTML injected after the loader's tag: a <base> that moves where the
	// real tag's src resolves, an inert copy of the tag, at the loader's
	// address, carrying the attacker's nonce, and an inline script with
	// that nonce. Only the tag that ran lends its nonce to the markup the
	// widget activates.
	stubPage(t, "/trust/nonce", `
<base href="`+hostileOrigin+`/">
<script type="text/plain" src="`+libraryOrigin+`/consent/consent.js" nonce="attacker"></script>
<script type="text/plain" data-consent="vimeo" nonce="attacker">window.hacked = (window.hacked || 0) + 1</script>
<script type="text/plain" data-consent="vimeo" nonce="`+pageNonce+`">window.good = (window.good || 0) + 1</script>`)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := openAt(t, b, libraryOrigin+"/trust/nonce", engine.PageOptions{})
		tb.waitLive()
		tb.click(frame(`.cc-actions [data-action=accept]`))
		tb.waitMode("button")
		tb.waitFor(`window.good === 1`)
		assert.Equal(t, "undefined", tb.str(`typeof window.hacked`), "the attacker's nonce ran nothing")
		assert.Equal(t, 1, tb.num(`document.querySelectorAll('script[type="text/plain"][data-consent-refused]').length`), "the script with the attacker's nonce stays inert")
	})
}

func TestAForgedConsentChangeAllowsNothingR1(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		proxy.Reset()
		tb := open(t, b, "/contact", engine.PageOptions{})
		tb.waitLive()
		tb.waitMode("banner")
		// The listener docs/integration.md shows: it asks the widget.
		tb.eval(`(() => {
			window.seen = [];
			document.addEventListener('consent:change', () => window.seen.push(civicConsent.allowed('recaptcha')));
			const all = {services: {recaptcha: true}, categories: {contact: true}};
			document.dispatchEvent(new CustomEvent('consent:change', {detail: {previous: all, current: all}}));
			return true;
		})()`, nil)
		assert.Equal(t, "false", tb.str(`String(window.seen)`), "the forged event's listener is told no")
		assert.False(t, tb.truthy(`civicConsent.allowed('recaptcha')`))
		_, stored := tb.consentCookie()
		assert.False(t, stored, "no choice stored")
		assert.Equal(t, "banner", tb.mode(), "the visitor is still asked")
		assert.Empty(t, google(t), "nothing left for Google")

		// The widget's own event, after a real choice, is told yes.
		tb.click(frame(`.cc-actions [data-action=accept]`))
		tb.waitMode("button")
		tb.waitFor(`window.seen.length === 2`)
		assert.Equal(t, "false,true", tb.str(`String(window.seen)`))
	})
}
