package e2e

import (
	"strings"
	"testing"

	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Trusted Types. The demo pages' strict CSP gets require-trusted-types-for
// 'script' and trusted-types NAME with ?tt=NAME
// (internal/site/variants.go): NAME civic-consent is the widget's one
// policy; any other name leaves the widget without one.

const (
	// ttAllowed asks for a page whose CSP allows the widget's policy.
	ttAllowed = "tt=civic-consent"
	// ttOther asks for a page whose CSP allows another policy only.
	ttOther = "tt=other-policy"
	// enforcesTT is true where the engine knows Trusted Types; an engine
	// that does not ignores the directives, and the widget works as on
	// any page.
	enforcesTT = `typeof window.trustedTypes !== 'undefined'`
	// watchViolations records, from now on, every CSP violation of the
	// page and of the widget's frame, if there is one yet (a return visit
	// with nothing to decide has none until the widget is used: call it
	// again then). It keeps what it recorded on this page.
	watchViolations = `(() => {
		window.violations = window.violations || [];
		const f = document.querySelector('civic-consent iframe');
		for (const d of f ? [document, f.contentDocument] : [document]) {
			if (d.watchedViolations) continue;
			d.watchedViolations = true;
			d.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sample));
		}
		return true;
	})()`
)

// logTT says in the test's log whether the engine enforces Trusted Types.
func logTT(t *testing.T, tb *tab, b engine.Browser) bool {
	t.Helper()
	enforced := tb.truthy(enforcesTT)
	t.Logf("%s enforces Trusted Types: %v (%s)", b.Name(), enforced, tb.str(`navigator.userAgent`))
	return enforced
}

// noTTComplaint checks that the console has no Trusted Types or CSP
// complaint and no message of the widget's.
func noTTComplaint(t *testing.T, tb *tab) {
	t.Helper()
	assert.Empty(t, tb.str(`window.violations.join('\n')`), "no CSP violation")
	msgs, ok := tb.console()
	if !ok {
		return
	}
	for _, m := range msgs {
		text := strings.ToLower(m.Text)
		assert.False(t, strings.Contains(text, "trusted") || strings.Contains(text, "content-security-policy") || strings.HasPrefix(text, "consent: "), "console: %+v", m)
	}
}

func TestTrustedTypesWidgetWorksWithItsPolicy(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		proxy.Reset()
		tb := open(t, b, "/contact?"+ttAllowed, engine.PageOptions{})
		logTT(t, tb, b)
		tb.eval(watchViolations, nil)
		tb.waitLive()
		assert.Equal(t, "banner", tb.mode(), "the first layer shows")
		assert.Empty(t, thirdParty(t), "nothing before a choice")

		tb.click(frame(`.cc-actions [data-action=accept]`))
		tb.waitFor(`window.recaptchaRuns === 1`)
		tb.waitMode("button")
		assert.Equal(t, []string{recaptchaURL}, fetched(t), "Google's loader, once")
		assert.Equal(t, 1, tb.num(`document.querySelectorAll('script[src^="`+recaptchaURL+`"]').length`))
		assert.Equal(t, map[string]bool{"recaptcha": true}, tb.record().Services)

		// Withdrawal (R16) under the same policy.
		tb.click(`footer [data-consent-open]`)
		tb.waitMode("modal")
		tb.click(frame(`.cc-prefs [data-action=refuse]`))
		tb.waitMode("button")
		assert.False(t, tb.record().Services["recaptcha"])
		assert.Equal(t, 0, tb.num(`document.querySelectorAll('script[src*="recaptcha"], .g-recaptcha iframe').length`))
		assert.Equal(t, 1, tb.num(`document.querySelectorAll('civic-consent-placeholder').length`))
		noTTComplaint(t, tb)

		// A page with nothing to decide (home), where the wasm starts on
		// the first use of the widget, under the same policy.
		tb.load("/?" + ttAllowed)
		tb.eval(watchViolations, nil)
		tb.click(`footer [data-consent-open]`)
		tb.waitMode("modal")
		tb.waitLive()
		tb.eval(watchViolations, nil)
		tb.click(frame(`.cc-prefs [data-action=accept]`))
		tb.waitMode("button")
		assert.True(t, tb.record().Services["recaptcha"])
		noTTComplaint(t, tb)
	})
}

// The library's pages run data-consent scripts: an external one from a
// listed origin and an inline one with the page's nonce, both through the
// policy, which is no gadget for anything else.
func TestTrustedTypesMarkupScriptsAndNoGadget(t *testing.T) {
	needLibrary(t)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := openAt(t, b, libraryOrigin+"/?"+ttAllowed, engine.PageOptions{})
		enforced := logTT(t, tb, b)
		tb.eval(watchViolations, nil)
		tb.waitLive()
		tb.click(frame(`.cc-actions [data-action=accept]`))
		tb.waitFor(`window.matomoRuns === 1`)
		tb.waitMode("button")
		assert.Equal(t, 3, tb.num(`window._paq.length`), "the inline script ran")
		assert.Equal(t, 0, tb.num(`document.querySelectorAll('script[type="text/plain"]').length`))
		noTTComplaint(t, tb)

		if enforced {
			// What the page can reach of the policy makes nothing: not
			// another URL, not the page's own origin, not even a URL the
			// catalogue lists for a service the visitor allowed, and no
			// code, with or without the nonce. Only the page program's
			// approvals, on a channel no script of the page reaches,
			// open it, once each.
			const trust = `document.querySelector('civic-consent iframe').contentWindow.civicFrame.trust`
			refused := func(js string) string {
				return tb.str(`(() => { try { ` + js + `; return 'accepted'; } catch (e) { return e.message; } })()`)
			}
			for _, url := range []string{"https://evil.example/x.js", "javascript:alert(1)", libraryOrigin + "/x.js", "https://stats.mediatheque.example.org/matomo.js"} {
				assert.Contains(t, refused(trust+`.scriptURL('`+url+`')`), "the widget did not decide to load it", url)
			}
			assert.Contains(t, refused(trust+`.script('window.hacked = 1')`), "the widget did not decide to run it")
			assert.Contains(t, refused(`(() => { const s = document.createElement('script'); s.type = 'text/plain'; s.dataset.consent = 'video'; s.nonce = 'n'; s.append('window.hacked = 1'); document.body.append(s); return `+trust+`.script(s.text); })()`), "the widget did not decide to run it")
			assert.Equal(t, "undefined", tb.str(`typeof `+trust+`.rules`), "no rules to replace")
			assert.Equal(t, "true", tb.str(`String(Object.isFrozen(`+trust+`) && Object.isFrozen(document.querySelector('civic-consent iframe').contentWindow.civicFrame))`), "the page cannot change them")
			assert.Equal(t, "undefined", tb.str(`typeof window.hacked`))
		}

		tb.visit(libraryOrigin + "/agenda?" + ttAllowed)
		tb.waitFor(`window.matomoRuns === 1 && window.vimeoPlayers === 1`)
	})
}

func TestTrustedTypesOtherPolicyFailsClosed(t *testing.T) {
	const path = "/contact?" + ttOther
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		plain := openPlain(t, b, siteURL+path+"&nowidget=1", `document.readyState === 'complete'`)
		want := plain.host()
		enforced := logTT(t, plain, b)
		require.NoError(t, plain.Close())

		proxy.Reset()
		tb := openPlain(t, b, siteURL+path, `document.readyState === 'complete'`)
		if !enforced {
			// The engine ignores the directives: the widget works as usual.
			tb.waitFor(settledJS)
			assert.Equal(t, "banner", tb.mode())
			return
		}
		failedClosed(t, tb, want)
		assertOneConsentError(t, tb, 0, `"civic-consent"`, "trusted-types civic-consent")
		tb.click(`.site-nav a[href^="/charte-cookies"]`)
		tb.waitFor(`location.pathname === '/charte-cookies' && document.readyState === 'complete'`)

		// A visitor who accepted everything on a page that allows the
		// policy gets nothing more on one that does not.
		accepted := open(t, b, "/contact", engine.PageOptions{})
		accepted.click(frame(`.cc-actions [data-action=accept]`))
		accepted.waitFor(`window.recaptchaRuns === 1`)
		// What reCAPTCHA stored on that page stays (a widget that is off
		// clears nothing); the page is compared without it.
		accepted.eval(`localStorage.clear()`, nil)
		msgs, _ := accepted.console()
		proxy.Reset()
		require.NoError(t, accepted.Navigate(siteURL+path))
		failedClosed(t, accepted, want)
		assertOneConsentError(t, accepted, len(msgs), "trusted-types civic-consent")
	})
}
