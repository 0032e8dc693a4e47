package e2e

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/civic-consent/consent/internal/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// When the widget cannot run (a file missing or broken, a bad catalogue,
// the loader included twice), the host page still works, nothing optional
// loads, and the console says once, clearly, why.

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

// editCatalogue returns a change of the catalogue in a copy of the bundle's
// consent.js: its one good replaced by bad.
func editCatalogue(t *testing.T, good, bad string) func(dir string) {
	return func(dir string) {
		b, err := os.ReadFile(filepath.Join(dir, "consent.js"))
		require.NoError(t, err)
		require.Equal(t, 1, bytes.Count(b, []byte(good)), "the catalogue in consent.js names the loader once")
		replaceFile(t, dir, "consent.js", bytes.Replace(b, []byte(good), []byte(bad), 1))
	}
}

func TestFailsClosedWhenTheCatalogueIsChangedAfterTheBuild(t *testing.T) {
	// The loader's URL is plain http, which validation rejects; the JSON
	// stays valid, so the loader itself runs as usual. The build validated
	// the catalogue and wrote its digest: the page program refuses any
	// catalogue that is not the one the build checked.
	const good, bad = "https://www.google.com/recaptcha/api.js", "http://www.google.com/recaptcha/api.js"
	assertFailsClosed(t, editCatalogue(t, good, bad), func(string) []string {
		return []string{"the catalogue in consent.js has the digest", "changed after the build"}
	})
}

func TestFailsClosedWhenTheCatalogueIsNotJSON(t *testing.T) {
	// consent.js holds the catalogue as a JSON text in a JavaScript string:
	// without the quote that closes the loader's URL, the JavaScript is
	// still valid but the JSON is not, as after a careless hand edit of a
	// deployed bundle.
	const good, bad = `recaptcha/api.js\"`, `recaptcha/api.js`
	assertFailsClosed(t, editCatalogue(t, good, bad), func(string) []string {
		return []string{"catalogue", "JSON"}
	})
}

// A page that includes the loader twice (?twice=1) is a host's mistake the
// widget can survive: the first copy runs as usual, so the visitor is asked
// and can choose; the second only says so in the console.
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
