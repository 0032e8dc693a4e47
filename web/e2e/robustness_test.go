package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Host-page integrity and failure modes: on a page that does everything a
// host can do to it, the widget changes nothing of the host's and still
// works; when it cannot run (a file missing or broken, a bad catalogue, the
// loader included twice), the host page still works, nothing optional
// loads, and the console says once, clearly, why.

// hostilePath is the hostile demo page, in English.
const hostilePath = "/demo/hostile?lang=en"

// hostState is what the host page owns, as the page itself reads it.
type hostState struct {
	HTML string   // <html>'s attributes
	Head []string // <head>'s elements, less the loader tags
	Body string   // <body>, less the widget's own elements
	// First is the id of body's first element child: go-app, run in the
	// host, would replace it.
	First string
	// Handlers says, for the hostile page, whether window.onclick,
	// onpopstate and onresize are still the functions the page set.
	Handlers map[string]bool
	Local    map[string]string // localStorage
	Session  map[string]string // sessionStorage
	History  int               // history.length
	// Workers are the service worker registrations, "scope script".
	Workers []string
}

// hostStateJS reads a hostState. The widget's own elements are its
// <civic-consent> and its placeholders; the loader tags are the host's, but
// one page has them and the other not.
const hostStateJS = `(async () => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('civic-consent, civic-consent-placeholder').forEach((e) => e.remove());
  const head = Array.from(document.head.children).filter((e) => e.getAttribute('src') !== '/consent/consent.js');
  const store = (s) => Object.fromEntries(Array.from({ length: s.length }, (_, i) => s.key(i)).map((k) => [k, s.getItem(k)]));
  const h = window.hostHandlers;
  const regs = 'serviceWorker' in navigator ? await navigator.serviceWorker.getRegistrations() : [];
  return {
    HTML: Array.from(document.documentElement.attributes, (a) => a.name + '=' + a.value).join(' '),
    Head: head.map((e) => e.outerHTML),
    Body: body.outerHTML,
    First: document.body.firstElementChild ? document.body.firstElementChild.id : '',
    Handlers: h ? { click: window.onclick === h.click, popstate: window.onpopstate === h.popstate, resize: window.onresize === h.resize } : {},
    Local: store(localStorage),
    Session: store(sessionStorage),
    History: history.length,
    Workers: regs.map((r) => r.scope + ' ' + (r.active || r.waiting || r.installing || {}).scriptURL).sort(),
  };
})()`

// host reads the host page's state.
func (tb *tab) host() hostState {
	tb.t.Helper()
	var s hostState
	tb.eval(hostStateJS, &s)
	return s
}

// hostileReady is true once the hostile page's script has run and its
// service worker registration has settled.
const hostileReady = `!!(window.hostHandlers && document.getElementById('host-sw').dataset.state)`

// openPlain opens url in a fresh page, as open does, but waits only until
// ready is true: the page may have no widget, or one that cannot start.
func openPlain(t *testing.T, b engine.Browser, url, ready string) *tab {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	t.Cleanup(cancel)
	p, err := b.NewPage(ctx, engine.PageOptions{})
	require.NoError(t, err, "starting a page in %s", b.Name())
	t.Cleanup(func() { _ = p.Close() })
	tb := &tab{t: t, Page: p}
	require.NoError(t, tb.Navigate(url))
	tb.waitFor(ready)
	return tb
}

// assertSameHost compares the host's state with and without the widget.
func assertSameHost(t *testing.T, want, got hostState, when string) {
	t.Helper()
	assert.Equal(t, want.HTML, got.HTML, "%s: <html> attributes", when)
	assert.Equal(t, want.Head, got.Head, "%s: <head>", when)
	assert.Equal(t, want.Body, got.Body, "%s: <body>, less the widget's own elements", when)
	assert.Equal(t, "site-header", got.First, "%s: body's first element is still the host's header", when)
	assert.Equal(t, want.Handlers, got.Handlers, "%s: window.on* handlers", when)
	assert.Equal(t, want.Local, got.Local, "%s: localStorage", when)
	assert.Equal(t, want.Session, got.Session, "%s: sessionStorage", when)
	assert.Equal(t, want.Workers, got.Workers, "%s: service workers", when)
}

// rect is an element's box in the viewport, in CSS pixels.
type rect struct{ Left, Top, Right, Bottom, Width, Height, ViewWidth, ViewHeight float64 }

func (r rect) String() string {
	return fmt.Sprintf("(%.0f,%.0f)-(%.0f,%.0f) in %.0f×%.0f", r.Left, r.Top, r.Right, r.Bottom, r.ViewWidth, r.ViewHeight)
}

// rectJS returns the box of an element in the top document's viewport; el
// is a JavaScript expression.
func rectJS(el string) string {
	return `(() => { const r = (` + el + `).getBoundingClientRect();
return { Left: r.left, Top: r.top, Right: r.right, Bottom: r.bottom, Width: r.width, Height: r.height, ViewWidth: innerWidth, ViewHeight: innerHeight }; })()`
}

func TestHostileHostPageKeepsEverythingAndTheWidgetWorks(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		// The same page without the widget, in a fresh profile of its own.
		plain := openPlain(t, b, siteURL+hostilePath+"&nowidget=1", hostileReady)
		want := plain.host()
		require.Equal(t, map[string]bool{"click": true, "popstate": true, "resize": true}, want.Handlers)
		require.Equal(t, "{not json", want.Local["host-hostile"])
		require.Equal(t, "{not json", want.Session["host-hostile-session"])
		require.NoError(t, plain.Close())

		proxy.Reset()
		tb := open(t, b, hostilePath, engine.PageOptions{})
		tb.waitFor(hostileReady)
		got := tb.host()
		assertSameHost(t, want, got, "widget loaded")
		assert.Equal(t, want.History, got.History, "the widget adds no history entry")
		assert.Equal(t, 1, tb.num(`document.querySelectorAll('civic-consent').length`))

		// The widget works there: the first layer shows, whole, in the
		// viewport, above the hostile stylesheet.
		tb.waitMode("banner")
		fr := tb.rect(`document.querySelector('civic-consent iframe')`)
		assert.Positive(t, fr.Width, "frame %s", fr)
		assert.Positive(t, fr.Height, "frame %s", fr)
		assert.True(t, fr.Left >= 0 && fr.Top >= 0 && fr.Right <= fr.ViewWidth && fr.Bottom <= fr.ViewHeight, "frame inside the viewport: %s", fr)
		assert.Equal(t, "block visible", tb.str(`(() => { const s = getComputedStyle(document.querySelector('civic-consent iframe')); return s.display + ' ' + s.visibility; })()`))
		banner := tb.rect(widgetDoc + `.getElementById('cc-banner')`)
		assert.Positive(t, banner.Height, "banner %s", banner)
		assert.LessOrEqual(t, banner.Height, fr.Height+1, "the frame shows the whole banner: banner %s, frame %s", banner, fr)
		require.NoError(t, tb.Screenshot(filepath.Join(outDir, b.Name()+"-hostile-banner.png")))

		// A trusted click refuses; the host's counter did not see it.
		tb.click(frame(`.cc-actions [data-action=refuse]`))
		tb.waitMode("button")
		assert.Equal(t, map[string]bool{"contact": false}, tb.record().Categories)
		got = tb.host()
		assertSameHost(t, want, got, "after refusing")
		assert.Equal(t, want.History, got.History, "refusing adds no history entry")

		// The host's own handlers still run: its window.onclick…
		tb.click(`main h1`)
		assert.Equal(t, "1", tb.str(`document.getElementById('host-clicks').textContent`), "the host's window.onclick counts a click on its content")
		// …and its popstate handler, on a history entry the test makes.
		before := tb.num(`history.length`)
		tb.eval(`history.pushState({ test: 1 }, '', '#pushed')`, nil)
		assert.Equal(t, before+1, tb.num(`history.length`))
		tb.eval(`history.back()`, nil)
		tb.waitFor(`document.getElementById('host-popstate').textContent === '1' && location.hash === ''`)

		// The host's "Cookie settings" link opens the preferences instead of
		// navigating; accepting there is recorded. The hostile page's CSP
		// allows no third party: the reCAPTCHA loader stays blocked.
		tb.click(`#host-consent-link`)
		tb.waitMode("modal")
		assert.Equal(t, "/demo/hostile", tb.str(`location.pathname`))
		tb.click(frame(`.cc-prefs [data-action=accept]`))
		tb.waitMode("button")
		assert.Equal(t, map[string]bool{"contact": true}, tb.record().Categories)
		got = tb.host()
		assert.Equal(t, want.Local, got.Local, "after accepting: localStorage")
		assert.Equal(t, want.Session, got.Session, "after accepting: sessionStorage")
		assert.Equal(t, want.Handlers, got.Handlers, "after accepting: window.on* handlers")
		assert.Equal(t, want.Workers, got.Workers, "after accepting: service workers")
		assert.Equal(t, before+1, got.History, "the widget's views add no history entry: only the test's own is there")
		assert.Empty(t, thirdParty(t), "the host's CSP still rules: nothing left the machine")

		// The host's links still navigate: to an anchor, then to a page.
		tb.click(`#host-link-anchor`)
		tb.waitFor(`location.hash === '#host-section'`)
		tb.click(`#host-link-page`)
		// Same path as before: only the query tells the new page.
		tb.waitFor(`location.search.includes('visit=2')`)
		tb.arrive("/demo/hostile")
	})
}

// rect returns the box of an element, a JavaScript expression.
func (tb *tab) rect(el string) rect {
	tb.t.Helper()
	var r rect
	tb.eval(rectJS(el), &r)
	return r
}
