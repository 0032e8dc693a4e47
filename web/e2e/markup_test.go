package e2e

import (
	"strings"
	"testing"

	"github.com/civic-consent/consent/internal/engine"
	"github.com/civic-consent/consent/internal/site"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What markup blocking may activate. The pages here are host pages of the
// library's site written for the test, served by the recording proxy
// without any CSP: a lax site, where only the widget's own rules stand
// between an HTML-injection bug and script execution. The library's real
// pages (strict CSP) are covered by the TestLibrary tests.

const (
	// hostileOrigin serves scripts that must never run.
	hostileOrigin = "https://evil.example"
	// mediaOrigin serves the images, posters and videos of the test pages.
	mediaOrigin = "https://media.mediatheque.example.org"
	// pageNonce is the nonce of the test pages' loader tag.
	pageNonce = "t3st-n0nce"
	// stubHacked counts what ran although it never should have.
	stubHacked = `window.hacked = (window.hacked || 0) + 1;`
)

// stubPage serves html at libraryOrigin+path, without CSP; the library's
// bundle is next to it at /consent/.
func stubPage(t *testing.T, path, body string) {
	t.Helper()
	html := `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Markup</title>
<script src="/consent/consent.js" nonce="` + pageNonce + `"></script>
</head><body><main><h1>Markup</h1>` + body + `</main></body></html>`
	require.NoError(t, proxy.Stub(libraryOrigin+path, "text/html; charset=utf-8", html))
}

func TestMarkupActivatesOnlyHTTPAndTrustedScripts(t *testing.T) {
	needLibrary(t)
	require.NoError(t, proxy.Stub(hostileOrigin+"/x.js", "text/javascript", stubHacked))
	// Written by the site: its own nonce, a listed origin, an https embed.
	stubPage(t, "/stub/scripts", `
<script type="text/plain" data-consent="vimeo" nonce="`+pageNonce+`">window.good = (window.good || 0) + 1</script>
<script type="text/plain" data-consent="vimeo" src="`+playerURL+`"></script>
<div class="video"><iframe id="good-frame" data-consent="vimeo" data-src="`+videoURL+`?good=1" title="Video"></iframe></div>
<div id="slot"></div>`)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := openAt(t, b, libraryOrigin+"/stub/scripts", engine.PageOptions{})
		tb.waitLive()
		proxy.Reset()
		// An HTML-injection bug of the site writes markup through
		// innerHTML; one late script comes from the site's own code, with
		// the page's nonce.
		tb.eval(`(() => {
			document.getElementById('slot').innerHTML =
				'<iframe id="js" data-consent="vimeo" data-src="javascript:parent.hacked = (parent.hacked || 0) + 1" title="x"></iframe>' +
				'<iframe id="data" data-consent="vimeo" data-src="data:text/html,&lt;script&gt;parent.hacked = 1&lt;/script&gt;" title="x"></iframe>' +
				'<script type="text/plain" data-consent="vimeo">window.hacked = (window.hacked || 0) + 1</scr' + 'ipt>' +
				'<script type="text/plain" data-consent="vimeo" nonce="guess">window.hacked = (window.hacked || 0) + 1</scr' + 'ipt>' +
				'<script type="text/plain" data-consent="video" src="`+hostileOrigin+`/x.js"></scr' + 'ipt>' +
				'<script type="text/plain" data-consent="vimeo" src="`+playerURL+`" onload="window.hacked = (window.hacked || 0) + 1"></scr' + 'ipt>';
			const s = document.createElement('script');
			s.type = 'text/plain';
			s.dataset.consent = 'vimeo';
			s.nonce = document.querySelector('script[src$="consent.js"]').nonce;
			s.text = 'window.lateGood = (window.lateGood || 0) + 1';
			document.body.append(s);
			return true;
		})()`, nil)
		tb.waitFor(`document.querySelectorAll('civic-consent-placeholder').length === 3`)

		tb.click(frame(`.cc-actions [data-action=accept]`))
		tb.waitMode("button")
		tb.waitFor(`window.good === 1 && window.lateGood === 1 && window.playerRuns === 2 && document.getElementById('good-frame').hasAttribute('src')`)
		assert.Equal(t, videoURL+"?good=1", tb.str(`document.getElementById('good-frame').getAttribute('src')`))
		assert.Equal(t, "undefined", tb.str(`typeof window.hacked`), "nothing injected ran")
		assert.Equal(t, 0, tb.num(`document.querySelectorAll('#js[src], #data[src]').length`), "no javascript: or data: URL activated")
		assert.Equal(t, 3, tb.num(`document.querySelectorAll('script[type="text/plain"][data-consent-refused]').length`), "two inline scripts without the nonce, one from an unlisted origin")
		assert.Equal(t, 0, tb.num(`document.querySelectorAll('script[onload]').length`), "no event handler copied")
		for _, u := range fetchedFor(t, libraryOrigin) {
			assert.NotContains(t, u, hostileOrigin, "nothing fetched from an origin the catalogue does not list")
		}
	})
}

func TestMarkupKeepsAsyncAndBlocksEverySource(t *testing.T) {
	needLibrary(t)
	const gif = "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
	for _, p := range []string{"/a.gif", "/a2.gif", "/b.gif", "/poster.gif"} {
		require.NoError(t, proxy.Stub(mediaOrigin+p, "image/gif", gif))
	}
	require.NoError(t, proxy.Stub(mediaOrigin+"/clip.webm", "video/webm", ""))
	stubPage(t, "/stub/media", `
<picture id="pic"><source data-srcset="`+mediaOrigin+`/b.gif 1x" media="(min-width: 1px)"><img data-consent="vimeo" data-src="`+mediaOrigin+`/a.gif" data-srcset="`+mediaOrigin+`/a.gif 1x, `+mediaOrigin+`/a2.gif 2x" alt="a"></picture>
<video id="vid" data-consent="vimeo" data-poster="`+mediaOrigin+`/poster.gif" preload="metadata"><source data-src="`+mediaOrigin+`/clip.webm" type="video/webm"></video>
<script type="text/plain" data-consent="vimeo" async src="`+playerURL+`"></script>
<script type="text/plain" data-consent="vimeo" nonce="`+pageNonce+`">window.sawPlayer = typeof window.Vimeo</script>`)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		proxy.Reset()
		tb := openAt(t, b, libraryOrigin+"/stub/media", engine.PageOptions{})
		tb.waitLive()
		tb.waitMode("banner")
		assert.Empty(t, leftFor(t, libraryOrigin), "no image, poster, source or script before a choice")
		assert.Equal(t, 0, tb.num(`document.querySelectorAll('[src]:not(script), [srcset], [poster]').length`))

		tb.click(frame(`.cc-actions [data-action=accept]`))
		tb.waitMode("button")
		tb.waitFor(`window.playerRuns === 1 && typeof window.sawPlayer === 'string'`)
		assert.Equal(t, "undefined", tb.str(`window.sawPlayer`), "an async script does not hold up the inline one after it")
		assert.True(t, tb.truthy(`document.querySelector('script[src="`+playerURL+`"]').async`), "async kept")
		assert.Equal(t, mediaOrigin+"/b.gif 1x", tb.str(`document.querySelector('#pic source').getAttribute('srcset')`))
		assert.Equal(t, mediaOrigin+"/a.gif 1x, "+mediaOrigin+"/a2.gif 2x", tb.str(`document.querySelector('#pic img').getAttribute('srcset')`))
		assert.Equal(t, mediaOrigin+"/poster.gif", tb.str(`document.getElementById('vid').getAttribute('poster')`))
		assert.Equal(t, mediaOrigin+"/clip.webm", tb.str(`document.querySelector('#vid source').getAttribute('src')`))
		tb.waitFor(`document.querySelector('#pic img').complete && document.querySelector('#pic img').currentSrc === '` + mediaOrigin + `/b.gif'`)

		// Withdrawal unloads them all again.
		tb.eval(`civicConsent.open()`, nil)
		tb.waitMode("modal")
		tb.click(frame(`.cc-prefs [data-action=refuse]`))
		tb.waitMode("button")
		assert.Equal(t, 0, tb.num(`document.querySelectorAll('[src]:not(script), [srcset], [poster]').length`))
		assert.Equal(t, 2, tb.num(`document.querySelectorAll('civic-consent-placeholder').length`))
	})
}

func TestGoogleTagWaitsForConsent(t *testing.T) {
	needLibrary(t)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		proxy.Reset()
		tb := openAt(t, b, googleOrigin+"/agenda", engine.PageOptions{})
		tb.waitLive()
		tb.waitMode("banner")
		assert.Empty(t, leftFor(t, googleOrigin), "nothing reaches Google (or anyone) before a choice")
		assert.Equal(t, "undefined", tb.str(`typeof window.gtagSaw`))

		tb.click(frame(`.cc-actions [data-action=refuse]`))
		tb.waitMode("button")
		tb.visit(googleOrigin + "/")
		tb.waitLive()
		assert.Empty(t, leftFor(t, googleOrigin), "nor after a refusal, on this page or the next")
		assert.Equal(t, 1, tb.num(`document.querySelectorAll('script[type="text/plain"][src^="`+site.GoogleTag+`"]').length`), "the tag stays blocked")

		tb.click(`footer [data-consent-open]`)
		tb.waitMode("modal")
		tb.click(frame(`.cc-prefs [data-action=accept]`))
		tb.waitMode("button")
		tb.waitFor(`Array.isArray(window.gtagSaw)`)
		fetched := fetchedFor(t, googleOrigin)
		require.NotEmpty(t, fetched)
		var google []string
		for _, u := range fetched {
			if strings.Contains(u, "google") {
				google = append(google, u)
			}
		}
		require.Len(t, google, 1, "once audience is allowed, Google's tag, once: %v", fetched)
		assert.Contains(t, google[0], site.GoogleTag)
	})
}
