package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

// bundleFile returns the name of the one file of the seed bundle that
// matches a glob, such as "page.*.wasm".
func bundleFile(t *testing.T, pattern string) string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(distDir, pattern))
	require.NoError(t, err)
	require.Len(t, names, 1, "one %s in %s", pattern, distDir)
	return filepath.Base(names[0])
}

// serveBroken copies the seed bundle to a temporary folder, lets breakIt
// change the copy, and serves it with serve.go: it returns the site's URL.
// The site is the demo site with that bundle at /consent/; its host is
// 127.0.0.1 like the main site's, so the two share their cookies.
func serveBroken(t *testing.T, breakIt func(dir string)) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(distDir)
	require.NoError(t, err)
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(distDir, e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644))
	}
	breakIt(dir)
	u, stop, err := startServer(dir)
	require.NoError(t, err)
	t.Cleanup(stop)
	return u
}

// replaceFile gives a bundle file new content, gzip-compressed as well (the
// server prefers a precompressed sibling), and drops its brotli sibling
// (the standard library cannot write brotli).
func replaceFile(t *testing.T, dir, name string, content []byte) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), content, 0o644))
	var gz bytes.Buffer
	w, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	require.NoError(t, err)
	_, err = w.Write(content)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".gz"), gz.Bytes(), 0o644))
	require.NoError(t, os.Remove(filepath.Join(dir, name+".br")))
}

// removeFile deletes a bundle file and its precompressed siblings.
func removeFile(t *testing.T, dir, name string) {
	t.Helper()
	for _, f := range []string{name, name + ".br", name + ".gz"} {
		require.NoError(t, os.Remove(filepath.Join(dir, f)))
	}
}

// failedClosed waits until a widget that cannot start has turned itself
// off (or, once the page has loaded, was never created), and checks what the
// visitor gets: the host page as it is without the widget, no frame in
// sight, and nothing optional loaded.
func failedClosed(t *testing.T, tb *tab, want hostState) {
	t.Helper()
	// Where consent.js got as far as civicConsent, its frame comes in a task
	// of its own, which may run after the page's load: wait for it to be off.
	tb.waitFor(`document.readyState === 'complete' && (() => { const f = document.querySelector('civic-consent iframe'); return window.civicConsent ? !!f && f.getAttribute('data-mode') === 'off' : !f; })()`)
	assert.Contains(t, []string{"absent", "none"}, tb.str(`(() => { const f = document.querySelector('civic-consent iframe'); return f ? getComputedStyle(f).display : 'absent'; })()`), "the frame is hidden or absent")
	assertSameHost(t, want, tb.host(), "widget off")
	assertNothingOptional(t, tb, "widget off")
}

// assertNothingOptional checks that no reCAPTCHA is in the page or ran,
// that the page's API (if the loader got to define it) allows nothing, and
// that not one request went to another origin since the last proxy.Reset.
func assertNothingOptional(t *testing.T, tb *tab, when string) {
	t.Helper()
	assert.Equal(t, 0, tb.num(`document.querySelectorAll('script[src*="recaptcha"], script[src*="google"], iframe[src*="google"], .stub-recaptcha').length`), "%s: no reCAPTCHA in the DOM", when)
	assert.Equal(t, "undefined", tb.str(`typeof window.recaptchaRuns`), "%s: Google's loader never ran", when)
	var allowed bool
	tb.eval(`!!(window.civicConsent && window.civicConsent.allowed('recaptcha'))`, &allowed)
	assert.False(t, allowed, "%s: the page's API says reCAPTCHA is not allowed", when)
	assert.Empty(t, thirdParty(t), "%s: no request to any other origin", when)
}

// assertOneConsentError checks, where the engine can read the console, that
// the page logged exactly one message starting with "consent: ", an error
// naming the cause (every one of causes), and no uncaught exception. since
// is how many messages the page had logged before the load in question.
func assertOneConsentError(t *testing.T, tb *tab, since int, causes ...string) {
	t.Helper()
	msgs, ok := tb.consoleSince(since, `starting with "consent: "`, func(m engine.ConsoleMessage) bool { return strings.HasPrefix(m.Text, "consent: ") })
	if !ok {
		t.Logf("%s: this engine cannot read the console: the page's behaviour is checked, not its message", t.Name())
		return
	}
	var mine, thrown []engine.ConsoleMessage
	for _, m := range msgs {
		switch {
		case strings.HasPrefix(m.Text, "consent: "):
			mine = append(mine, m)
		case m.Source == engine.SourceException:
			thrown = append(thrown, m)
		}
	}
	require.Len(t, mine, 1, "exactly one consent: message; the console had %+v", msgs)
	t.Logf("console: %s", mine[0].Text)
	assert.Equal(t, engine.LevelError, mine[0].Level, "%+v", mine[0])
	assert.Equal(t, engine.SourceConsole, mine[0].Source, "%+v", mine[0])
	for _, c := range causes {
		assert.Contains(t, mine[0].Text, c, "the message names the cause")
	}
	assert.Empty(t, thrown, "no uncaught exception")
}

// assertFailsClosed serves the seed bundle broken by breakIt and checks the
// contact page (where reCAPTCHA would load) for a new visitor, then for one
// who accepted everything on the working site: either way the widget turns
// itself off, the host page is as it is without the widget, its links work,
// nothing optional loads, and the console says once why (each of causes,
// given the broken site's URL).
func assertFailsClosed(t *testing.T, breakIt func(dir string), causes func(base string) []string) {
	base := serveBroken(t, breakIt)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		plain := openPlain(t, b, base+"/contact?nowidget=1", `document.readyState === 'complete'`)
		want := plain.host()
		require.NoError(t, plain.Close())

		proxy.Reset()
		tb := openPlain(t, b, base+"/contact", `document.readyState === 'complete'`)
		failedClosed(t, tb, want)
		assertOneConsentError(t, tb, 0, causes(base)...)
		tb.click(`.site-nav a[href="/charte-cookies"]`)
		tb.waitFor(`location.pathname === '/charte-cookies' && document.readyState === 'complete'`)

		// The cookie is the host's (127.0.0.1), whatever the port: the
		// broken site gets the acceptance made on the working one, and
		// still loads nothing.
		accepted := open(t, b, "/contact", engine.PageOptions{})
		accepted.click(frame(`.cc-actions [data-action=accept]`))
		accepted.waitFor(`window.recaptchaRuns === 1`)
		msgs, _ := accepted.console()
		proxy.Reset()
		require.NoError(t, accepted.Navigate(base+"/contact"))
		failedClosed(t, accepted, want)
		assertOneConsentError(t, accepted, len(msgs), causes(base)...)
	})
}

func TestFailsClosedWhenThePageProgramIsMissing(t *testing.T) {
	wasm := bundleFile(t, "page.*.wasm")
	assertFailsClosed(t, func(dir string) { removeFile(t, dir, wasm) }, func(base string) []string {
		return []string{base + "/consent/" + wasm, "404"}
	})
}

func TestFailsClosedWhenThePageProgramIsCorrupt(t *testing.T) {
	wasm := bundleFile(t, "page.*.wasm")
	assertFailsClosed(t, func(dir string) {
		// Half a module, as a download cut short leaves it.
		b, err := os.ReadFile(filepath.Join(dir, wasm))
		require.NoError(t, err)
		replaceFile(t, dir, wasm, b[:len(b)/2])
	}, func(base string) []string {
		return []string{base + "/consent/" + wasm}
	})
}

func TestFailsClosedWhenWasmExecIsMissing(t *testing.T) {
	exec := bundleFile(t, "wasm_exec.*.js")
	assertFailsClosed(t, func(dir string) { removeFile(t, dir, exec) }, func(base string) []string {
		return []string{base + "/consent/" + exec}
	})
}

func TestFailsClosedWhenTheCatalogueIsChangedAfterTheBuild(t *testing.T) {
	// The loader's URL is plain http, which validation rejects; the JSON
	// stays valid, so the loader itself runs as usual. The build validated
	// the catalogue and wrote its revision: the page program refuses any
	// catalogue that is not the one the build checked.
	const good, bad = "https://www.google.com/recaptcha/api.js", "http://www.google.com/recaptcha/api.js"
	assertFailsClosed(t, func(dir string) {
		b, err := os.ReadFile(filepath.Join(dir, "consent.js"))
		require.NoError(t, err)
		require.Equal(t, 1, bytes.Count(b, []byte(good)), "the catalogue in consent.js names the loader once")
		replaceFile(t, dir, "consent.js", bytes.Replace(b, []byte(good), []byte(bad), 1))
	}, func(string) []string {
		return []string{"the catalogue in consent.js has revision", "changed after the build"}
	})
}

// A page that includes the loader twice (?twice=1) is a host's mistake the
// widget can survive: the first copy runs as usual, so the visitor is asked
// and can choose; the second only says so in the console.
func TestFailsClosedWhenTheCatalogueIsNotJSON(t *testing.T) {
	// consent.js holds the catalogue as a JSON text in a JavaScript string:
	// without the quote that closes the loader's URL, the JavaScript is
	// still valid but the JSON is not, as after a careless hand edit of a
	// deployed bundle.
	const good, bad = `recaptcha/api.js\"`, `recaptcha/api.js`
	assertFailsClosed(t, func(dir string) {
		b, err := os.ReadFile(filepath.Join(dir, "consent.js"))
		require.NoError(t, err)
		require.Equal(t, 1, bytes.Count(b, []byte(good)), "the catalogue in consent.js names the loader once")
		replaceFile(t, dir, "consent.js", bytes.Replace(b, []byte(good), []byte(bad), 1))
	}, func(string) []string {
		return []string{"catalogue", "JSON"}
	})
}

func TestLoaderIncludedTwiceRunsOnce(t *testing.T) {
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		plain := openPlain(t, b, siteURL+"/contact?nowidget=1", `document.readyState === 'complete'`)
		want := plain.host()
		require.NoError(t, plain.Close())

		proxy.Reset()
		tb := open(t, b, "/contact?twice=1", engine.PageOptions{})
		require.Equal(t, 2, tb.num(`document.querySelectorAll('script[src="/consent/consent.js"]').length`), "the page includes the loader twice")
		assert.Equal(t, 1, tb.num(`document.querySelectorAll('civic-consent').length`), "one widget")
		assert.Equal(t, "banner", tb.mode())
		assertOneConsentError(t, tb, 0, "more than once")
		assertNothingOptional(t, tb, "before a choice")
		got := tb.host()
		// The one widget placed its placeholder as usual; everything else
		// of the host's is as without the widget.
		assert.Equal(t, want.Body, got.Body, "<body>, less the widget's own elements")
		assert.Equal(t, want.Head, got.Head, "<head>, less the loader tags")
		assert.Equal(t, 1, tb.num(`document.querySelectorAll('civic-consent-placeholder').length`))

		tb.click(frame(`.cc-actions [data-action=refuse]`))
		tb.waitMode("button")
		assert.Equal(t, map[string]bool{"contact": false}, tb.record().Categories)
		tb.click(`.site-nav a[href="/charte-cookies"]`)
		tb.arrive("/charte-cookies")
	})
}
