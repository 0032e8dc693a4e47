//go:build js && wasm

package main

import (
	"fmt"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// markupCatalogue is testCatalogue plus an optional "video" category with a
// "vimeo" service, which has no loader: it is used through markup only.
func markupCatalogue(t *testing.T) *consent.Catalogue {
	t.Helper()
	c := testCatalogue(t)
	video := c.Categories[1]
	video.ID = "video"
	video.Title = consent.Text{"fr": "Vidéos", "en": "Videos"}
	c.Categories = append(c.Categories, video)
	c.Services = append(c.Services, consent.Service{
		ID: "vimeo", Category: "video", Provider: "Vimeo",
		Name:       consent.Text{"fr": "Vidéos des rencontres", "en": "Event videos"},
		PrivacyURL: "https://vimeo.com/privacy",
		Cookies: []consent.Cookie{
			{Name: "vuid", Purpose: consent.Text{"fr": "x", "en": "x"}, Lifetime: consent.Text{"fr": "x", "en": "x"}, ThirdParty: true},
			{Name: "player_pref", Purpose: consent.Text{"fr": "x", "en": "x"}, Lifetime: consent.Text{"fr": "x", "en": "x"}},
		},
	})
	return c
}

// decision allows exactly the given optional services (and so their
// categories when complete), as a stored record would.
func decision(c *consent.Catalogue, allowed ...string) consent.Decision {
	rec := consent.NewRecord(c, func(id string) bool {
		for _, a := range allowed {
			if a == id {
				return true
			}
		}
		return false
	}, time.Now(), "AAAAAAAAAAAAAAAA")
	return consent.Decide(c, consent.RecordCookieName+"="+rec.Encode(), time.Now(), false)
}

// newMarkupFixture adds html to the page and returns a markup bound to it,
// and the categories its placeholders' buttons asked for.
func newMarkupFixture(t *testing.T, html string) (*markup, *[]string) {
	t.Helper()
	c := markupCatalogue(t)
	s, allowed := newServices(t, c)
	eval(t, `document.body.insertAdjacentHTML('beforeend', '<div id="markup-fixture">'+`+jsString(html)+`+'</div>')`)
	t.Cleanup(func() {
		eval(t, `document.getElementById('markup-fixture')?.remove(); document.querySelectorAll('civic-consent-placeholder').forEach(e => e.remove()); delete window.runs; delete window.order`)
	})
	m := newMarkup(s)
	// The page's nonce, as if the loader's tag carried it.
	m.nonce, m.nonceRead = fixtureNonce, true
	return m, allowed
}

// fixtureNonce is the nonce newMarkupFixture gives the page.
const fixtureNonce = "n0nce"

func jsString(s string) string {
	return fmt.Sprintf("%q", s)
}

// waitUntil waits for a JavaScript condition: scripts load and observers
// run on the browser's event loop, which a sleeping Go test yields to. The
// bound only stops a test that would hang.
func waitUntil(t *testing.T, js string) {
	t.Helper()
	for range 500 {
		if ok, _ := eval(t, js).Truthy(); ok {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("still false: %s", js)
}

func num(t *testing.T, js string) int {
	t.Helper()
	n, err := eval(t, js).Int()
	require.NoError(t, err, js)
	return n
}

func text(t *testing.T, js string) string {
	t.Helper()
	s, err := eval(t, js).String()
	require.NoError(t, err, js)
	return s
}

func TestMarkupScriptsRunOnceWhenAllowedWithTheirNonceAndAttributes(t *testing.T) {
	m, _ := newMarkupFixture(t, `<script type="text/plain" data-consent="vimeo" id="inline" nonce="n0nce" data-x="1" class="k">window.runs = window.runs || {}; runs.inline = (runs.inline || 0) + 1</script>`+
		`<script type="text/plain" data-consent="vimeo" id="external" crossorigin="anonymous" referrerpolicy="no-referrer" src="/no-such-script.js"></script>`)
	c := m.svc.catalogue

	require.NoError(t, m.Apply(decision(c)))
	assert.True(t, truthy(eval(t, `window.runs === undefined`)), "refused: nothing ran")
	assert.Equal(t, 2, num(t, `document.querySelectorAll('#markup-fixture script[type="text/plain"]').length`))

	require.NoError(t, m.Apply(decision(c, "vimeo")))
	waitUntil(t, `window.runs && runs.inline === 1 && document.getElementById('external').src.endsWith('/no-such-script.js')`)
	require.NoError(t, m.Apply(decision(c, "vimeo")))
	require.NoError(t, m.Apply(decision(c)))
	require.NoError(t, m.Apply(decision(c, "vimeo")))
	// An inline script runs as it is inserted, an external one needs a new
	// element: two elements, neither blocked, mean nothing ran again.
	assert.Equal(t, 1, num(t, `runs.inline`), "never twice")
	assert.Equal(t, 2, num(t, `document.querySelectorAll('#markup-fixture script').length`), "each replaced in place, once")
	assert.Equal(t, 0, num(t, `document.querySelectorAll('#markup-fixture script[type]').length`))
	assert.False(t, truthy(eval(t, `document.getElementById('inline').hasAttribute('type')`)))
	assert.Equal(t, "n0nce", text(t, `document.getElementById('inline').nonce`))
	assert.Equal(t, "1", text(t, `document.getElementById('inline').dataset.x`))
	assert.Equal(t, "k", text(t, `document.getElementById('inline').className`))
	assert.Equal(t, "vimeo", text(t, `document.getElementById('inline').dataset.consent`))
	assert.Equal(t, "anonymous", text(t, `document.getElementById('external').getAttribute('crossorigin')`))
	assert.Equal(t, "no-referrer", text(t, `document.getElementById('external').getAttribute('referrerpolicy')`))
}

func TestMarkupScriptsKeepTheirOrderAndType(t *testing.T) {
	m, _ := newMarkupFixture(t, `<script type="text/plain" data-consent="video" src="/no-such-lib.js"></script>`+
		`<script type="text/plain" data-consent="video" nonce="n0nce">window.order = ['inline']</script>`+
		`<script type="text/plain" data-consent="video" nonce="n0nce" data-type="module" id="mod">window.order.push('module')</script>`)
	require.NoError(t, m.Apply(decision(m.svc.catalogue, "vimeo")), "a category id works as well as a service id")
	assert.Equal(t, 2, num(t, `document.querySelectorAll('#markup-fixture script[type="text/plain"]').length`), "the inline scripts wait for the library before them")
	waitUntil(t, `window.order && order.length === 2`)
	assert.Equal(t, "inline,module", text(t, `order.join()`))
	assert.Equal(t, "module", text(t, `document.getElementById('mod').type`))
}

func TestMarkupEmbedsWaitBehindAPlaceholder(t *testing.T) {
	m, allowed := newMarkupFixture(t, `<iframe data-consent="vimeo" data-src="/no-such-video.html" title="Rencontre" style="display: inline-block" data-consent-link="https://vimeo.example.com/1"></iframe>`+
		`<img data-consent="video" data-src="/no-such-image.gif" alt="">`+
		`<video data-consent="vimeo" data-src="/no-such-video.mp4"></video>`)
	c := m.svc.catalogue

	require.NoError(t, m.Apply(decision(c)))
	require.NoError(t, m.Apply(decision(c)))
	assert.Equal(t, 0, num(t, `document.querySelectorAll('#markup-fixture [src]').length`), "nothing loads")
	assert.Equal(t, 3, num(t, `document.querySelectorAll('civic-consent-placeholder[data-consent-part=placeholder]').length`), "one placeholder each, however often applied")
	assert.Equal(t, "none", text(t, `getComputedStyle(document.querySelector('#markup-fixture iframe')).display`))
	assert.Equal(t, "CIVIC-CONSENT-PLACEHOLDER", text(t, `document.querySelector('#markup-fixture iframe').previousElementSibling.tagName`), "in front of its embed")
	shadow := `document.querySelector('#markup-fixture iframe').previousElementSibling.shadowRoot`
	assert.Contains(t, text(t, shadow+`.textContent`), "Ce contenu utilise Vimeo (Vidéos des rencontres)")
	assert.Equal(t, "Autoriser", text(t, shadow+`.querySelector('button').textContent`))
	assert.Equal(t, "https://vimeo.example.com/1", text(t, shadow+`.querySelector('a').href`))
	assert.Equal(t, "Voir ce contenu chez Vimeo", text(t, shadow+`.querySelector('a').textContent`))
	assert.Contains(t, text(t, `document.querySelector('#markup-fixture img').previousElementSibling.shadowRoot.textContent`), "« Vidéos »", "a category id names its category")

	eval(t, shadow+`.querySelector('button').click()`)
	assert.Equal(t, []string{"video"}, *allowed, "Autoriser allows the embed's category")

	require.NoError(t, m.Apply(decision(c, "vimeo")))
	assert.Equal(t, text(t, `location.origin`)+"/no-such-video.html", text(t, `document.querySelector('#markup-fixture iframe').getAttribute('src')`), "resolved against the page")
	assert.Equal(t, 3, num(t, `document.querySelectorAll('#markup-fixture [src]').length`))
	assert.Equal(t, 0, num(t, `document.querySelectorAll('civic-consent-placeholder').length`))
	assert.Equal(t, "inline-block", text(t, `document.querySelector('#markup-fixture iframe').style.display`), "its own display back")
	assert.Equal(t, "", text(t, `document.querySelector('#markup-fixture img').style.display`))

	// Withdrawal unloads the embeds and brings the placeholders back.
	eval(t, `window.oldFrame = document.querySelector('#markup-fixture iframe')`)
	require.NoError(t, m.Apply(decision(c)))
	assert.False(t, truthy(eval(t, `oldFrame.isConnected`)), "the loaded frame is gone")
	assert.Equal(t, 0, num(t, `document.querySelectorAll('#markup-fixture [src]').length`))
	assert.Equal(t, 3, num(t, `document.querySelectorAll('civic-consent-placeholder').length`))
	eval(t, `delete window.oldFrame`)
}

func TestMarkupHandlesContentAddedLater(t *testing.T) {
	m, _ := newMarkupFixture(t, ``)
	c := m.svc.catalogue
	require.NoError(t, m.Observe())
	t.Cleanup(func() { _, _ = m.observer.Call("disconnect") })
	require.NoError(t, m.Apply(decision(c)))

	eval(t, `document.getElementById('markup-fixture').insertAdjacentHTML('beforeend', '<section id="late"><iframe data-consent="vimeo" data-src="/late.html"></iframe><script type="text/plain" data-consent="vimeo" nonce="n0nce">window.runs = {late: ((window.runs || {}).late || 0) + 1}</script></section>')`)
	waitUntil(t, `document.querySelectorAll('civic-consent-placeholder').length === 1`)
	assert.False(t, truthy(eval(t, `!!window.runs`)), "refused: the late script waits")

	require.NoError(t, m.Apply(decision(c, "vimeo")))
	assert.Equal(t, 1, num(t, `runs.late`))
	assert.Equal(t, text(t, `location.origin`)+"/late.html", text(t, `document.querySelector('#late iframe').getAttribute('src')`))

	eval(t, `document.getElementById('markup-fixture').insertAdjacentHTML('beforeend', '<script type="text/plain" data-consent="vimeo" nonce="n0nce">runs.late++</script><img id="late-img" data-consent="vimeo" data-src="/late.gif">')`)
	waitUntil(t, `runs.late === 2 && document.getElementById('late-img').hasAttribute('src')`)

	// An embed that leaves the page takes its placeholder with it.
	require.NoError(t, m.Apply(decision(c)))
	assert.Equal(t, 2, num(t, `document.querySelectorAll('civic-consent-placeholder').length`))
	eval(t, `document.getElementById('late').remove()`)
	waitUntil(t, `document.querySelectorAll('civic-consent-placeholder').length === 1`)
	assert.Equal(t, 2, num(t, `runs.late`), "no script ran twice")
}

func TestMarkupUnknownIDStaysBlocked(t *testing.T) {
	m, _ := newMarkupFixture(t, `<script type="text/plain" data-consent="tracker">window.runs = 1</script><iframe data-consent="tracker" data-src="/x.html"></iframe>`)
	c := m.svc.catalogue
	require.NoError(t, m.Apply(decision(c, "recaptcha", "vimeo")))
	assert.False(t, truthy(eval(t, `!!window.runs`)))
	assert.Equal(t, 0, num(t, `document.querySelectorAll('#markup-fixture [src]').length`))
	assert.Equal(t, 0, num(t, `document.querySelectorAll('civic-consent-placeholder').length`))
}

func TestMarkupWithdrawalClearsTheServiceCookies(t *testing.T) {
	m, _ := newMarkupFixture(t, `<script type="text/plain" data-consent="vimeo" nonce="n0nce">document.cookie = "player_pref=1; path=/"</script>`)
	c := m.svc.catalogue
	require.NoError(t, m.Apply(decision(c, "vimeo")))
	assert.Contains(t, text(t, `document.cookie`), "player_pref=1")
	require.NoError(t, m.Apply(decision(c)))
	assert.NotContains(t, text(t, `document.cookie`), "player_pref", "R16")
}

func TestPlaceholdersTakeTheHostsTheme(t *testing.T) {
	m, _ := newMarkupFixture(t, `<div id="themed" style="--cc-accent: rgb(1, 2, 3); --cc-radius: 0px"><iframe data-consent="vimeo" data-src="/x.html"></iframe></div>`)
	require.NoError(t, m.Apply(decision(m.svc.catalogue)))
	box := `document.querySelector('#themed civic-consent-placeholder')`
	assert.Equal(t, "rgb(1, 2, 3)", text(t, box+`.style.getPropertyValue('--cc-accent')`))
	assert.Equal(t, "0px", text(t, box+`.style.getPropertyValue('--cc-radius')`))
	assert.Equal(t, "", text(t, box+`.style.getPropertyValue('--cc-bg')`), "what the host does not set keeps the defaults")
}

func TestHardening2MarkupActivatesOnlyWhatItMay(t *testing.T) {
	m, _ := newMarkupFixture(t, `<iframe id="js" data-consent="vimeo" data-src="javascript:window.runs={js:1}"></iframe>`+
		`<img id="data" data-consent="vimeo" data-src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">`+
		`<script type="text/plain" data-consent="vimeo" id="no-nonce">window.runs = {plain: 1}</script>`+
		`<script type="text/plain" data-consent="vimeo" id="bad-nonce" nonce="guess">window.runs = {guess: 1}</script>`+
		`<script type="text/plain" data-consent="vimeo" id="elsewhere" src="https://evil.example/x.js"></script>`+
		`<script type="text/plain" data-consent="vimeo" id="handler" nonce="n0nce" onerror="window.runs = {handler: 1}" src="/no-such.js"></script>`)
	err := m.Apply(decision(m.svc.catalogue, "vimeo"))
	require.Error(t, err)
	assert.ErrorContains(t, err, "is not an http or https URL")
	assert.ErrorContains(t, err, "its nonce is not the page's")
	assert.ErrorContains(t, err, "https://evil.example is neither the page's origin nor one the catalogue lists")
	waitUntil(t, `!document.getElementById('handler').hasAttribute('type')`)
	assert.Equal(t, 0, num(t, `document.querySelectorAll('#markup-fixture [src]:not(script)').length`), "no javascript: or data: URL loaded")
	assert.Equal(t, 3, num(t, `document.querySelectorAll('#markup-fixture script[type="text/plain"][data-consent-refused]').length`), "each refused script marked")
	assert.False(t, truthy(eval(t, `document.getElementById('handler').hasAttribute('onerror')`)), "no event handler copied")
	assert.Equal(t, 2, num(t, `document.querySelectorAll('#js[data-consent-refused], #data[data-consent-refused]').length`), "each refused embed marked")
	assert.NoError(t, m.Apply(decision(m.svc.catalogue, "vimeo")), "each refusal reported once")
	for i := 0; m.waiting && i < 500; i++ {
		time.Sleep(20 * time.Millisecond) // the failed script's error event
	}
	assert.False(t, m.waiting, "the queue resumed after the failed script")
	assert.True(t, truthy(eval(t, `window.runs === undefined`)), "nothing ran")
}

func TestHardening7MarkupKeepsAsyncAndBlocksEverySource(t *testing.T) {
	m, _ := newMarkupFixture(t, `<script type="text/plain" data-consent="vimeo" id="lib" async src="/no-such-lib.js"></script>`+
		`<script type="text/plain" data-consent="vimeo" nonce="n0nce">window.runs = {after: 1}</script>`+
		`<picture id="pic"><source data-srcset="/a.webp 1x, /a2.webp 2x" type="image/webp"><img data-consent="vimeo" data-srcset="/a.gif 1x" alt=""></picture>`+
		`<video id="vid" data-consent="vimeo" data-poster="/poster.gif"><source data-src="/clip.webm" type="video/webm"><source data-src="javascript:alert(1)"></video>`+
		`<video id="vid2" data-consent="vimeo" data-poster="/poster2.gif"><source data-src="/clip2.webm" type="video/webm"></video>`)
	c := m.svc.catalogue
	require.NoError(t, m.Apply(decision(c)))
	assert.Equal(t, 0, num(t, `document.querySelectorAll('#markup-fixture [src]:not(script), #markup-fixture [srcset], #markup-fixture [poster]').length`), "nothing loads before consent")

	err := m.Apply(decision(c, "vimeo"))
	assert.ErrorContains(t, err, "javascript:alert(1)", "one bad source keeps its video blocked")
	assert.True(t, truthy(eval(t, `window.runs && runs.after === 1`)), "an async script does not hold up the next")
	assert.True(t, truthy(eval(t, `document.getElementById('lib').async && document.getElementById('lib').hasAttribute('async')`)), "async kept")
	origin := text(t, `location.origin`)
	assert.Equal(t, origin+"/a.webp 1x, "+origin+"/a2.webp 2x", text(t, `document.querySelector('#pic source').getAttribute('srcset')`))
	assert.Equal(t, origin+"/a.gif 1x", text(t, `document.querySelector('#pic img').getAttribute('srcset')`))
	assert.Equal(t, origin+"/poster2.gif", text(t, `document.getElementById('vid2').getAttribute('poster')`))
	assert.Equal(t, origin+"/clip2.webm", text(t, `document.querySelector('#vid2 source').getAttribute('src')`))
	assert.Equal(t, 0, num(t, `document.querySelectorAll('#vid[poster], #vid [src]').length`), "the video with a javascript: source stays unloaded")

	// Withdrawal takes every source away again.
	require.NoError(t, m.Apply(decision(c)))
	assert.Equal(t, 0, num(t, `document.querySelectorAll('#markup-fixture [src]:not(script), #markup-fixture [srcset], #markup-fixture [poster]').length`))
}
