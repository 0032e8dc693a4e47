package e2e

import (
	"encoding/json"
	"fmt"
	"testing"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Scenarios on the second site, the library, whose servers
// library_site_test.go starts.

const libPlaceholder = `document.querySelector('.video civic-consent-placeholder')`

func TestLibraryFirstVisitSendsNothingAndShowsItsWidget(t *testing.T) {
	needLibrary(t)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		proxy.Reset()
		tb := openAt(t, b, libraryOrigin+"/agenda", engine.PageOptions{})
		tb.waitMode("banner")
		assert.Empty(t, leftFor(t, libraryOrigin), "R1: no request to any other origin")
		assert.Contains(t, tb.str(`document.querySelector('civic-consent iframe').contentDocument.getElementById('cc-banner').textContent`), "Matomo, hébergé par la médiathèque")
		assert.Equal(t, 0, tb.num(`document.querySelectorAll('iframe[src], script[src*="example"]:not([type="text/plain"])').length`), "no embed loaded, no third-party script")
		assert.Equal(t, 3, tb.num(`document.querySelectorAll('script[type="text/plain"][data-consent]').length`), "the blocked scripts wait")
		assert.Equal(t, "undefined", tb.str(`typeof window._paq`))
		assert.Equal(t, "Autoriser", tb.str(libPlaceholder+`.shadowRoot.querySelector('button').textContent`))
		assert.Contains(t, tb.str(libPlaceholder+`.shadowRoot.textContent`), "Ce contenu utilise Vimeo")
		assert.Equal(t, "https://vimeo.example.com/824804225", tb.str(libPlaceholder+`.shadowRoot.querySelector('a').href`))
		assert.Equal(t, "none", tb.str(`getComputedStyle(document.querySelector('.video iframe')).display`))

		// The catalogue's position: a box in the bottom right corner.
		r := tb.frameRect()
		assert.InDelta(t, r.VW-16, r.Right, 1, "box: 1rem from the right edge")
		assert.InDelta(t, r.VH-16, r.Bottom, 1, "box: 1rem from the bottom")
		assert.LessOrEqual(t, r.Width, 26*16+0.5)

		// The library's theme, set on its :root, reaches into the frame
		// and into the placeholder.
		const doc = `document.querySelector('civic-consent iframe').contentDocument`
		assert.Equal(t, "rgb(29, 92, 77)", tb.str(`getComputedStyle(`+doc+`.querySelector('#cc-banner .cc-btn')).backgroundColor`))
		assert.Contains(t, tb.str(`getComputedStyle(`+doc+`.body).fontFamily`), "Georgia")
		assert.Equal(t, "12px", tb.str(`getComputedStyle(`+doc+`.querySelector('#cc-banner .cc-btn')).borderTopLeftRadius`))
		assert.Equal(t, "rgb(29, 92, 77)", tb.str(`getComputedStyle(`+libPlaceholder+`.shadowRoot.querySelector('button')).backgroundColor`))

		var texts []textContrast
		tb.eval(textContrastJS+`([`+doc+`.getElementById('cc-banner'), `+libPlaceholder+`.shadowRoot])`, &texts)
		require.NotEmpty(t, texts)
		for _, c := range texts {
			assert.GreaterOrEqual(t, c.Ratio, 4.5, "R22: %q: %s on %s is %.2f:1", c.Text, c.FG, c.BG, c.Ratio)
		}
	})
}

func TestLibraryPositionsFromTheScriptTag(t *testing.T) {
	needLibrary(t)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := openAt(t, b, libraryOrigin+"/?position=center", engine.PageOptions{})
		tb.waitMode("banner")
		r := tb.frameRect()
		assert.InDelta(t, r.VW/2, (r.Left+r.Right)/2, 1, "centred across")
		assert.InDelta(t, r.VH/2, (r.Top+r.Bottom)/2, 1, "centred down")
		assert.Greater(t, r.Height, 100.0)

		tb.visit(libraryOrigin + "/?position=bar")
		tb.waitMode("banner")
		r = tb.frameRect()
		assert.Equal(t, 0.0, r.Left)
		assert.InDelta(t, r.VW, r.Width, 1, "the whole width")
		assert.InDelta(t, r.VH, r.Bottom, 1)

		// Every position leaves the same widget: refuse from a centred one.
		tb.visit(libraryOrigin + "/?position=center")
		tb.click(frame(`.cc-actions [data-action=refuse]`))
		tb.waitMode("button")
		assert.Equal(t, map[string]bool{"audience": false, "video": false}, tb.recordOf(library).Categories)
	})
}

func TestLibraryAllowVideoFromItsPlaceholder(t *testing.T) {
	needLibrary(t)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := openAt(t, b, libraryOrigin+"/agenda", engine.PageOptions{})
		tb.click(frame(`.cc-actions [data-action=refuse]`))
		tb.waitMode("button")
		proxy.Reset()
		// The host's own code listens: the event comes after the cookie is
		// written, with the state before and after.
		tb.eval(`(() => { window.changes = []; document.addEventListener('consent:change', e => changes.push({
			previous: e.detail.previous, current: e.detail.current, cookie: document.cookie,
			allowed: civicConsent.allowed('vimeo')})); return true; })()`, nil)
		tb.eval(libPlaceholder+`.shadowRoot.querySelector('button').click()`, nil)
		tb.waitFor(`window.vimeoPlayers === 1`)

		assert.Equal(t, tb.str(`document.querySelector('.video iframe').dataset.src`), tb.str(`document.querySelector('.video iframe').getAttribute('src')`))
		assert.Equal(t, 0, tb.num(`document.querySelectorAll('civic-consent-placeholder').length`))
		assert.NotEqual(t, "none", tb.str(`getComputedStyle(document.querySelector('.video iframe')).display`))
		tb.waitFor(`window.playerRuns === 1`)
		assert.ElementsMatch(t, []string{videoURL + "?dnt=1", playerURL}, fetchedFor(t, libraryOrigin), "only the video and its player, once each")
		rec := tb.recordOf(library)
		assert.Equal(t, map[string]bool{"audience": false, "video": true}, rec.Categories)
		assert.Equal(t, "undefined", tb.str(`typeof window._paq`), "audience still refused")

		var changes []struct {
			Previous, Current struct{ Services, Categories map[string]bool }
			Cookie            string
			Allowed           bool
		}
		tb.eval(`changes`, &changes)
		require.Len(t, changes, 1)
		assert.False(t, changes[0].Previous.Categories["video"])
		assert.True(t, changes[0].Current.Categories["video"])
		assert.True(t, changes[0].Current.Services["vimeo"])
		assert.False(t, changes[0].Current.Services["matomo"])
		ck, _ := tb.consentCookie()
		assert.Contains(t, changes[0].Cookie, consent.RecordCookieName+"="+ck.Value, "the cookie was written before the event")
		assert.True(t, changes[0].Allowed)

		// The API answers for services and categories alike.
		for id, want := range map[string]bool{"vimeo": true, "video": true, "matomo": false, "audience": false, "necessary": true, "nope": false} {
			var got bool
			tb.eval(fmt.Sprintf(`civicConsent.allowed(%q)`, id), &got)
			assert.Equal(t, want, got, id)
		}
		tb.eval(`civicConsent.open()`, nil)
		tb.waitMode("modal")
	})
}

func TestLibraryAudienceScriptRunsOnce(t *testing.T) {
	needLibrary(t)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := openAt(t, b, libraryOrigin+"/", engine.PageOptions{})
		tb.click(frame(`.cc-actions [data-action=accept]`))
		tb.waitFor(`window.matomoRuns === 1`)
		tb.waitMode("button")
		// The inline script ran under the page's CSP: it kept its nonce.
		assert.Equal(t, 3, tb.num(`window._paq.length`))
		assert.Equal(t, 0, tb.num(`document.querySelectorAll('script[type="text/plain"]').length`))

		// Choosing again runs nothing twice.
		tb.click(`footer [data-consent-open]`)
		tb.waitMode("modal")
		tb.click(frame(`#cc-prefs-save`))
		tb.waitMode("button")
		assert.Equal(t, 3, tb.num(`window._paq.length`))
		assert.Equal(t, 1, tb.num(`window.matomoRuns`))
		assert.Equal(t, 1, tb.num(`document.querySelectorAll('script[data-consent="matomo"]').length`))

		// The next page runs it once, from the stored choice.
		tb.visit(libraryOrigin + "/agenda")
		tb.waitFor(`window.matomoRuns === 1 && window.vimeoPlayers === 1`)
		assert.Equal(t, 3, tb.num(`window._paq.length`))
	})
}

func TestLibraryContentAddedLater(t *testing.T) {
	needLibrary(t)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := openAt(t, b, libraryOrigin+"/", engine.PageOptions{})
		tb.click(frame(`.cc-actions [data-action=refuse]`))
		tb.waitMode("button")
		// A single-page app adds a video and a script, with the page's nonce.
		add := `(() => {
			const n = document.querySelector('script[nonce]').nonce;
			document.querySelector('main').insertAdjacentHTML('beforeend',
				'<div class="video"><iframe data-consent="vimeo" data-src="` + videoURL + `?late=1" title="Late"></iframe></div>' +
				'<script type="text/plain" data-consent="video" nonce="' + n + '">window.lateRuns = (window.lateRuns || 0) + 1</scr' + 'ipt>');
		})()`
		tb.eval(add, nil)
		tb.waitFor(libPlaceholder + ` !== null`)
		assert.Equal(t, "undefined", tb.str(`typeof window.lateRuns`))
		tb.eval(libPlaceholder+`.shadowRoot.querySelector('button').click()`, nil)
		tb.waitFor(`window.lateRuns === 1 && document.querySelector('.video iframe').hasAttribute('src')`)
		assert.Equal(t, map[string]bool{"audience": false, "video": true}, tb.recordOf(library).Categories)
	})
}

func TestLibraryConsentSharedAcrossSubdomains(t *testing.T) {
	needLibrary(t)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := openAt(t, b, libraryOrigin+"/", engine.PageOptions{})
		tb.click(frame(`.cc-actions [data-action=accept]`))
		tb.waitFor(`window.matomoRuns === 1`)
		ck, ok := tb.consentCookie()
		require.True(t, ok)
		assert.Equal(t, "mediatheque.example.org", ck.Domain)
		assert.True(t, ck.Secure, "an https site")

		tb.visit(libraryAlias + "/agenda")
		assert.Equal(t, "button", tb.mode(), "no banner on the other subdomain")
		tb.waitFor(`window.matomoRuns === 1 && window.vimeoPlayers === 1`)
		assert.Equal(t, map[string]bool{"audience": true, "video": true}, tb.recordOf(library).Categories)
	})
}

func TestLibraryGoogleConsentMode(t *testing.T) {
	needLibrary(t)
	type command struct {
		Args  bool
		Value []json.RawMessage
	}
	consentCommands := func(tb *tab) [][]any {
		var all [][]any
		tb.eval(`Array.from(window.dataLayer, e => Array.from(e)).filter(e => e[0] === 'consent')`, &all)
		return all
	}
	denied := map[string]any{"ad_storage": "denied", "analytics_storage": "denied", "ad_user_data": "denied", "ad_personalization": "denied"}
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		proxy.Reset()
		tb := openAt(t, b, googleOrigin+"/", engine.PageOptions{})
		tb.waitLive()
		tb.waitMode("banner")
		assert.Empty(t, leftFor(t, googleOrigin), "Google's tag waits for a choice")
		assert.Len(t, consentCommands(tb), 1, "no update before a choice")

		tb.click(frame(`.cc-actions [data-action=customise]`))
		tb.waitMode("modal")
		tb.click(frame(`#cc-toggle-audience`))
		tb.waitFor(`document.querySelector('civic-consent iframe').contentDocument.getElementById('cc-toggle-audience').getAttribute('aria-checked') === 'true'`)
		tb.click(frame(`#cc-prefs-save`))
		tb.waitMode("button")
		tb.waitFor(`Array.isArray(window.gtagSaw)`)
		var saw []command
		tb.eval(`gtagSaw`, &saw)
		require.GreaterOrEqual(t, len(saw), 4, "default, js, config, update")
		assert.True(t, saw[0].Args, "a gtag command (an arguments object)")
		var first []any
		for _, v := range saw[0].Value {
			var x any
			require.NoError(t, json.Unmarshal(v, &x))
			first = append(first, x)
		}
		assert.Equal(t, []any{"consent", "default", denied}, first, "default, all denied, before the Google tag and the page's own commands")
		cmds := consentCommands(tb)
		require.Len(t, cmds, 2)
		assert.Equal(t, []any{"consent", "update", map[string]any{"ad_storage": "denied", "analytics_storage": "granted", "ad_user_data": "denied", "ad_personalization": "denied"}}, cmds[1])
		assert.Equal(t, map[string]bool{"audience": true, "video": false}, tb.recordOf(libraryGoogle).Categories)

		// A new page: denied by default, then the stored choice.
		tb.visit(googleOrigin + "/agenda")
		cmds = consentCommands(tb)
		require.Len(t, cmds, 2)
		assert.Equal(t, "default", cmds[0][1])
		assert.Equal(t, "granted", cmds[1][2].(map[string]any)["analytics_storage"])

		tb.click(`footer [data-consent-open]`)
		tb.waitMode("modal")
		tb.click(frame(`.cc-prefs [data-action=refuse]`))
		tb.waitMode("button")
		cmds = consentCommands(tb)
		require.Len(t, cmds, 3)
		assert.Equal(t, []any{"consent", "update", denied}, cmds[2], "a withdrawal is sent too")
	})
}
