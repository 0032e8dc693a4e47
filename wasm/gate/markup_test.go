package gate

import (
	"testing"

	"github.com/civic-consent/consent/wasm/dom/domtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// markupPage is a page whose main holds body, with nothing gated else.
func markupPage(body string) string {
	return `<!doctype html><html lang="fr"><head></head><body><main id="fixture">` + body + `</main></body></html>`
}

func TestMarkupScriptsRunOnceWhenAllowedWithTheirNonceAndAttributes(t *testing.T) {
	f := newFixture(t, markupPage(`<script type="text/plain" data-consent="vimeo" id="inline" nonce="n0nce" data-x="1" class="k">runs++</script>`+
		`<script type="text/plain" data-consent="vimeo" id="external" crossorigin="anonymous" referrerpolicy="no-referrer" src="/lib.js"></script>`))
	f.page.Start()
	assert.Equal(t, 2, f.count(`script[type="text/plain"]`), "refused: nothing runs")

	require.NoError(t, f.page.Record(allowing("vimeo")))
	inline := f.one("#inline")
	assert.Equal(t, []string{"code runs++"}, inline.Trusted, "the code goes through the page's Trusted Types policy")
	assert.Equal(t, fixtureNonce, inline.Script().Nonce())
	assert.Equal(t, "1", f.attr("#inline", "data-x"))
	assert.Equal(t, "k", f.attr("#inline", "class"))
	assert.Equal(t, "vimeo", f.attr("#inline", "data-consent"))
	external := f.one("#external")
	assert.Equal(t, []string{"src https://data.example.fr/lib.js"}, external.Trusted, "resolved against the page")
	assert.Equal(t, "anonymous", f.attr("#external", "crossorigin"))
	assert.Equal(t, "no-referrer", f.attr("#external", "referrerpolicy"))
	assert.False(t, external.Async(), "an external script keeps its order")

	external.Fire("load")
	require.NoError(t, f.page.Record(allowing()))
	require.NoError(t, f.page.Record(allowing("vimeo")))
	assert.Zero(t, f.count(`script[type]`), "each replaced in place, once")
	assert.Len(t, f.one("#inline").Trusted, 1, "never twice")
}

func TestMarkupScriptsKeepTheirOrderAndType(t *testing.T) {
	f := newFixture(t, markupPage(`<script type="text/plain" data-consent="video" id="lib" src="/lib.js"></script>`+
		`<script type="text/plain" data-consent="video" nonce="n0nce" id="inline">order.push('inline')</script>`+
		`<script type="text/plain" data-consent="video" nonce="n0nce" data-type="module" id="mod">order.push('module')</script>`))
	f.page.Start()
	require.NoError(t, f.page.Record(allowing("vimeo")), "a category id works as well as a service id")
	assert.Equal(t, 2, f.count(`script[type="text/plain"]`), "the inline scripts wait for the library before them")
	f.one("#lib").Fire("load")
	assert.Zero(t, f.count(`script[type="text/plain"]`))
	assert.Equal(t, "module", f.attr("#mod", "type"))
}

func TestMarkupEmbedsWaitBehindAPlaceholder(t *testing.T) {
	f := newFixture(t, markupPage(`<iframe data-consent="vimeo" data-src="/video.html" title="Rencontre" style="display: inline-block" data-consent-link="https://vimeo.example.com/1"></iframe>`+
		`<img data-consent="video" data-src="/image.gif" alt="">`+
		`<video data-consent="vimeo" data-src="/video.mp4"></video>`))
	f.page.Start()
	f.page.Start()
	assert.Zero(t, f.count(`#fixture [src]`), "nothing loads")
	assert.Equal(t, 3, f.count(`civic-consent-placeholder[data-consent-part=placeholder]`), "one placeholder each, however often applied")
	assert.Equal(t, "display: none !important;", f.attr("iframe", "style"))
	assert.Equal(t, 1, f.count(`civic-consent-placeholder + iframe`), "in front of its embed")

	text := f.shadow(`civic-consent-placeholder:nth-of-type(1)`).Text()
	assert.Contains(t, text, "Ce contenu utilise Vimeo (Vidéos des rencontres)")
	links, err := f.shadow(`civic-consent-placeholder:nth-of-type(1)`).QueryAll("a")
	require.NoError(t, err)
	require.Len(t, links, 1)
	href, _ := links[0].Attr("href")
	assert.Equal(t, "https://vimeo.example.com/1", href)
	assert.Equal(t, "Voir ce contenu chez Vimeo", links[0].Text())
	assert.Contains(t, f.shadow(`civic-consent-placeholder:nth-of-type(2)`).Text(), "« Vidéos »", "a category id names its category")
	assert.NotContains(t, f.shadow(`civic-consent-placeholder:nth-of-type(2)`).Text(), "Voir ce contenu", "no link slot without a link")

	buttons, err := f.shadow(`civic-consent-placeholder:nth-of-type(1)`).QueryAll("button")
	require.NoError(t, err)
	buttons[0].(*domtest.Element).Fire("click")
	assert.True(t, f.page.Current().Allowed("vimeo"), "Autoriser allows the embed's category")
	assert.Equal(t, "https://data.example.fr/video.html", f.attr("iframe", "src"), "resolved against the page")
	assert.Equal(t, 3, f.count(`#fixture [src]`))
	assert.Zero(t, f.count(`civic-consent-placeholder`))
	assert.Equal(t, "display: inline-block;", f.attr("iframe", "style"), "its own display back")
	_, styled := f.one("img").Attr("style")
	assert.False(t, styled)

	// Withdrawal unloads the embeds and brings the placeholders back.
	old := f.one("iframe")
	require.NoError(t, f.page.Record(allowing()))
	assert.False(t, old.Connected(), "the loaded frame is gone")
	assert.Zero(t, f.count(`#fixture [src]`))
	assert.Equal(t, 3, f.count(`civic-consent-placeholder`))
}

func TestMarkupHandlesContentAddedLater(t *testing.T) {
	f := newFixture(t, markupPage(``))
	f.page.Start()
	_, err := f.doc.Insert("#fixture", `<section id="late"><iframe data-consent="vimeo" data-src="/late.html"></iframe><script type="text/plain" data-consent="vimeo" nonce="n0nce">late</script></section>`)
	require.NoError(t, err)
	assert.Equal(t, 1, f.count(`civic-consent-placeholder`))
	assert.Equal(t, 1, f.count(`script[type="text/plain"]`), "refused: the late script waits")

	require.NoError(t, f.page.Record(allowing("vimeo")))
	assert.Zero(t, f.count(`script[type="text/plain"]`))
	assert.Equal(t, "https://data.example.fr/late.html", f.attr("#late iframe", "src"))

	_, err = f.doc.Insert("#fixture", `<img id="late-img" data-consent="vimeo" data-src="/late.gif">`)
	require.NoError(t, err)
	assert.Equal(t, "https://data.example.fr/late.gif", f.attr("#late-img", "src"), "allowed content added later loads")

	// An embed that leaves the page takes its placeholder with it.
	require.NoError(t, f.page.Record(allowing()))
	assert.Equal(t, 2, f.count(`civic-consent-placeholder`))
	require.NoError(t, f.doc.Delete(f.one("#late")))
	assert.Equal(t, 1, f.count(`civic-consent-placeholder`))
}

func TestMarkupUnknownIDStaysBlocked(t *testing.T) {
	f := newFixture(t, markupPage(`<script type="text/plain" data-consent="tracker">x</script><iframe data-consent="tracker" data-src="/x.html"></iframe>`))
	f.page.Start()
	require.NoError(t, f.page.Record(f.page.AllowAll()))
	assert.Equal(t, 1, f.count(`script[type="text/plain"]`))
	assert.Zero(t, f.count(`#fixture [src]`))
	assert.Zero(t, f.count(`civic-consent-placeholder`))
	assert.Contains(t, f.log.Errors[0], `data-consent="tracker" names no service or category`)
	assert.Len(t, f.log.Errors, 1, "said once")
}

func TestPlaceholdersTakeTheHostsTheme(t *testing.T) {
	f := newFixture(t, markupPage(`<iframe data-consent="vimeo" data-src="/x.html"></iframe>`))
	f.doc.Computed = map[string]string{"--cc-accent": "rgb(1, 2, 3)", "--cc-radius": "0px"}
	f.page.Start()
	assert.Equal(t, "--cc-accent: rgb(1, 2, 3); --cc-radius: 0px;", f.attr("civic-consent-placeholder", "style"))
	assert.Equal(t, 1, f.page.cfg.Parts.(*testParts).styled, "the shadow root gets the widget's stylesheet")
}

func TestMarkupActivatesOnlyWhatItMay(t *testing.T) {
	f := newFixture(t, markupPage(`<iframe id="js" data-consent="vimeo" data-src="javascript:alert(1)"></iframe>`+
		`<img id="data" data-consent="vimeo" data-src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">`+
		`<script type="text/plain" data-consent="vimeo" id="no-nonce">plain</script>`+
		`<script type="text/plain" data-consent="vimeo" id="bad-nonce" nonce="guess">guess</script>`+
		`<script type="text/plain" data-consent="vimeo" id="elsewhere" src="https://evil.example/x.js"></script>`+
		`<script type="text/plain" data-consent="vimeo" id="handler" nonce="n0nce" onerror="handler" src="/lib.js"></script>`+
		`<script type="text/plain" data-consent="necessary" id="jsonp" src="/api/jsonp?callback=alert"></script>`+
		`<iframe id="necessary-frame" data-consent="necessary" data-src="https://evil.example/"></iframe>`))
	f.page.Start()
	require.NoError(t, f.page.Record(allowing("vimeo")))
	errs := f.log.Errors
	require.NotEmpty(t, errs)
	all := ""
	for _, e := range errs {
		all += e + "\n"
	}
	assert.Contains(t, all, "is not an http or https URL")
	assert.Contains(t, all, "its nonce is not the page's")
	assert.Contains(t, all, "https://evil.example/x.js is not a script the catalogue lists")
	assert.Zero(t, f.count(`#fixture [src]:not(script)`), "no javascript: or data: URL loaded")
	assert.Contains(t, all, `data-consent="necessary" names necessary content`)
	assert.Equal(t, 4, f.count(`script[type="text/plain"][data-consent-refused]`), "each refused script marked, the necessary one too")
	assert.Equal(t, 1, f.count(`#necessary-frame[data-consent-refused]:not([src])`), "necessary markup is never loaded")
	_, handler := f.one("#handler").Attr("onerror")
	assert.False(t, handler, "no event handler copied")
	assert.Equal(t, 2, f.count(`#js[data-consent-refused], #data[data-consent-refused]`), "each refused embed marked")

	before := len(f.log.Errors)
	f.one("#handler").Fire("error")
	require.NoError(t, f.page.Record(allowing("vimeo")))
	assert.Len(t, f.log.Errors, before, "each refusal reported once")
	assert.False(t, f.page.markup.waiting, "the queue resumed after the failed script")
}

func TestMarkupKeepsAsyncAndBlocksEverySource(t *testing.T) {
	f := newFixture(t, markupPage(`<script type="text/plain" data-consent="vimeo" id="lib" async src="/lib.js"></script>`+
		`<script type="text/plain" data-consent="vimeo" nonce="n0nce" id="after">after</script>`+
		`<picture id="pic"><source data-srcset="/a.webp 1x, /a2.webp 2x" type="image/webp"><img data-consent="vimeo" data-srcset="/a.gif 1x" alt=""></picture>`+
		`<video id="vid" data-consent="vimeo" data-poster="/poster.gif"><source data-src="/clip.webm" type="video/webm"><source data-src="javascript:alert(1)"></video>`+
		`<video id="vid2" data-consent="vimeo" data-poster="/poster2.gif"><source data-src="/clip2.webm" type="video/webm"></video>`))
	f.page.Start()
	loaded := `#fixture [src]:not(script), #fixture [srcset], #fixture [poster]`
	assert.Zero(t, f.count(loaded), "nothing loads before consent")

	require.NoError(t, f.page.Record(allowing("vimeo")))
	assert.Contains(t, f.log.Errors[len(f.log.Errors)-1], "javascript:alert(1)", "one bad source keeps its video blocked")
	assert.Zero(t, f.count(`script[type="text/plain"]`), "an async script does not hold up the next")
	_, async := f.one("#lib").Attr("async")
	assert.True(t, async && f.one("#lib").Async(), "async kept")
	assert.Equal(t, "https://data.example.fr/a.webp 1x, https://data.example.fr/a2.webp 2x", f.attr("#pic source", "srcset"))
	assert.Equal(t, "https://data.example.fr/a.gif 1x", f.attr("#pic img", "srcset"))
	assert.Equal(t, "https://data.example.fr/poster2.gif", f.attr("#vid2", "poster"))
	assert.Equal(t, "https://data.example.fr/clip2.webm", f.attr("#vid2 source", "src"))
	assert.Zero(t, f.count(`#vid[poster], #vid [src]`), "the video with a javascript: source stays unloaded")

	// Withdrawal takes every source away again.
	require.NoError(t, f.page.Record(allowing()))
	assert.Zero(t, f.count(loaded))
}
