package engine_test

import (
	"context"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civic-consent/consent/internal/engine"
	"github.com/civic-consent/consent/internal/netrec"
)

const recaptchaURL = "https://www.google.com/recaptcha/api.js"

// smokePage loads the reCAPTCHA loader, holds a same-origin srcdoc frame
// with a button, sets cookies and records key presses.
const smokePage = `<!doctype html>
<html><head><meta charset="utf-8"><title>smoke</title>
<script src="https://www.google.com/recaptcha/api.js"></script>
<style>
body { margin: 0; }
iframe { border: 0; width: 300px; height: 100px; }
#under { position: fixed; left: 10px; top: 310px; }
#cover { position: fixed; left: 0; top: 300px; width: 200px; height: 60px; background: #c00; }
</style></head>
<body>
<button id="a">a</button> <button id="b">b</button>
<iframe id="f" srcdoc="<button id='inner' onclick='parent.innerClick = {trusted: event.isTrusted}'>inner</button>"></iframe>
<button id="under">under</button><div id="cover"></div>
<script>
document.cookie = "c1=v1; path=/; max-age=3600; samesite=lax";
document.cookie = "other=x; path=/other";
window.keys = [];
addEventListener("keydown", (e) => keys.push({key: e.key, trusted: e.isTrusted}));
</script>
</body></html>`

// consolePage logs from its top document and from a same-origin frame,
// throws, leaves a rejection unhandled, has a syntax error, and names a
// script that is not there (which the browser refuses: the 404 page is
// text/plain with nosniff).
const consolePage = `<!doctype html>
<html><head><meta charset="utf-8"><title>console</title></head>
<body>
<script>console.error("smoke: top error", 42); console.warn("smoke: top warn"); console.info("smoke: top info");</script>
<iframe srcdoc="<script>console.error('smoke: frame error')</script>"></iframe>
<script>throw new Error("smoke: uncaught")</script>
<script>Promise.reject(new Error("smoke: rejected"))</script>
<script>let broken = ;</script>
<script src="/missing.js"></script>
</body></html>`

// stubJS stands in for Google's loader; the global proves it ran.
const stubJS = `window.recaptchaStub = "loaded";`

// site serves the smoke page on loopback and counts the requests it gets.
func site(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/":
			http.SetCookie(w, &http.Cookie{Name: "srv", Value: "1", Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(smokePage))
		case "/empty":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(`<!doctype html><title>empty</title>`))
		case "/console":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(consolePage))
		default:
			w.Header().Set("X-Content-Type-Options", "nosniff")
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestEngines(t *testing.T) {
	names, err := engine.Names()
	require.NoError(t, err)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			srv, hits := site(t)
			proxy, err := netrec.Start()
			require.NoError(t, err)
			t.Cleanup(func() { assert.NoError(t, proxy.Close()) })
			require.NoError(t, proxy.Stub(recaptchaURL, "text/javascript", stubJS))

			start := time.Now()
			b, err := engine.Launch(name, proxy)
			require.NoError(t, err, "the browser must start")
			t.Cleanup(func() { assert.NoError(t, b.Close()) })
			t.Logf("%s launched in %v", name, time.Since(start).Round(time.Millisecond))
			require.Equal(t, name, b.Name())

			t.Run("page", func(t *testing.T) { testPage(t, b, srv.URL, proxy, hits) })
			t.Run("fresh state", func(t *testing.T) { testFreshState(t, b, srv.URL) })
			t.Run("gpc", func(t *testing.T) { testGPC(t, b, srv.URL) })
			t.Run("console", func(t *testing.T) { testConsole(t, b, srv.URL) })

			// While all that ran, only the pages' reCAPTCHA loader left the
			// machine: the browser's own background services stayed off.
			third, err := proxy.ThirdParty(srv.URL)
			require.NoError(t, err)
			for _, r := range third {
				assert.Contains(t, []string{"www.google.com", "www.google.com:443"}, r.Host, "%s", r)
			}

			// Closing the browser ends the pages left open.
			left := newPage(t, b, engine.PageOptions{})
			require.NoError(t, left.Navigate(srv.URL+"/empty"))
			require.NoError(t, b.Close())
			assert.Error(t, left.Eval("1", nil))
			_, err = b.NewPage(context.Background(), engine.PageOptions{})
			assert.Error(t, err)
		})
	}
}

// newPage opens a page that the test closes.
func newPage(t *testing.T, b engine.Browser, opts engine.PageOptions) engine.Page {
	t.Helper()
	p, err := b.NewPage(context.Background(), opts)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, p.Close()) })
	return p
}

func testPage(t *testing.T, b engine.Browser, siteURL string, proxy *netrec.Proxy, hits *atomic.Int64) {
	p := newPage(t, b, engine.PageOptions{Width: 800, Height: 600})
	require.NoError(t, p.Navigate(siteURL+"/"))
	assert.Positive(t, hits.Load(), "the page must come straight from the loopback server")

	// The reCAPTCHA loader went through the proxy, was answered by the
	// stub, and ran.
	var stub string
	require.NoError(t, p.Eval("window.recaptchaStub", &stub))
	assert.Equal(t, "loaded", stub)
	third, err := proxy.ThirdParty(siteURL)
	require.NoError(t, err)
	var got []string
	for _, r := range third {
		got = append(got, r.Method+" "+r.URL())
		assert.Equal(t, http.StatusOK, r.Status, "%s", r)
	}
	assert.Equal(t, []string{"CONNECT www.google.com:443", "GET " + recaptchaURL}, got,
		"the only requests leaving the machine are the reCAPTCHA loader's")
	assert.Len(t, proxy.Requests(), len(third), "loopback must not go through the proxy")

	var size []int
	require.NoError(t, p.Eval("[innerWidth, innerHeight]", &size))
	assert.Equal(t, []int{800, 600}, size, "viewport")

	testEval(t, p)

	// A trusted click inside the same-origin frame.
	require.NoError(t, p.Click("iframe#f >>> button#inner"))
	var click struct{ Trusted bool }
	require.NoError(t, p.Eval("window.innerClick", &click))
	assert.True(t, click.Trusted, "the click must be real input")
	err = p.Click("#under")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "covered by <div#cover>")
	err = p.Click("iframe#f >>> #missing")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `no element matches "iframe#f >>> #missing"`)

	// Keyboard: Tab moves focus forwards, Shift+Tab back, keys are trusted.
	require.NoError(t, p.Eval(`document.getElementById("a").focus()`, nil))
	require.NoError(t, p.Press("Tab"))
	var active string
	require.NoError(t, p.Eval("document.activeElement.id", &active))
	assert.Equal(t, "b", active, "Tab")
	require.NoError(t, p.Press("Shift+Tab"))
	require.NoError(t, p.Eval("document.activeElement.id", &active))
	assert.Equal(t, "a", active, "Shift+Tab")
	require.NoError(t, p.Press("Escape"))
	var keys []struct {
		Key     string
		Trusted bool
	}
	require.NoError(t, p.Eval("window.keys.filter(k => k.key !== 'Shift')", &keys))
	require.Len(t, keys, 3)
	assert.Equal(t, "Escape", keys[2].Key)
	assert.True(t, keys[2].Trusted)
	assert.Error(t, p.Press("F13"))

	// Cookies with their attributes; the one on /other does not match.
	cookies, err := p.Cookies()
	require.NoError(t, err)
	byName := map[string]engine.Cookie{}
	for _, c := range cookies {
		byName[c.Name] = c
	}
	require.Len(t, byName, 2, "%+v", cookies)
	c1 := byName["c1"]
	assert.Equal(t, "v1", c1.Value)
	assert.Equal(t, "127.0.0.1", c1.Domain)
	assert.Equal(t, "/", c1.Path)
	assert.Equal(t, "Lax", c1.SameSite)
	assert.False(t, c1.Secure)
	assert.False(t, c1.HTTPOnly)
	assert.WithinRange(t, c1.Expires, time.Now().Add(50*time.Minute), time.Now().Add(70*time.Minute), "max-age=3600")
	srvCookie := byName["srv"]
	assert.True(t, srvCookie.HTTPOnly)
	assert.Equal(t, "Strict", srvCookie.SameSite)
	assert.True(t, srvCookie.Expires.IsZero(), "session cookie")

	// A PNG of the viewport.
	path := filepath.Join(t.TempDir(), "shot.png")
	require.NoError(t, p.Screenshot(path))
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	require.NoError(t, err)
	assert.Equal(t, []int{800, 600}, []int{cfg.Width, cfg.Height})
}

func testEval(t *testing.T, p engine.Page) {
	var n int
	require.NoError(t, p.Eval("new Promise((resolve) => setTimeout(() => resolve(42), 10))", &n))
	assert.Equal(t, 42, n, "a Promise is awaited")
	var v any = "unchanged"
	require.NoError(t, p.Eval("undefined", &v))
	assert.Nil(t, v, "undefined reads as null")
	err := p.Eval(`(() => { throw new TypeError("boom") })()`, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "TypeError: boom")
	err = p.Eval(`Promise.reject(new Error("nope"))`, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Error: nope")
	var s string
	require.NoError(t, p.Eval("'x' // a trailing comment", &s))
	assert.Equal(t, "x", s)

	require.NoError(t, p.Eval("setTimeout(() => { window.later = true }, 100)", nil))
	require.NoError(t, engine.WaitFor(p, "window.later === true", time.Minute))
	err = engine.WaitFor(p, "document.querySelector('#never').id === 'x'", 200*time.Millisecond)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "TypeError")
}

// testFreshState checks that a new page sees nothing of the previous one.
func testFreshState(t *testing.T, b engine.Browser, siteURL string) {
	p := newPage(t, b, engine.PageOptions{})
	require.NoError(t, p.Navigate(siteURL+"/empty"))
	var cookie string
	require.NoError(t, p.Eval("document.cookie", &cookie))
	assert.Empty(t, cookie)
	cookies, err := p.Cookies()
	require.NoError(t, err)
	assert.Empty(t, cookies)
	var size []int
	require.NoError(t, p.Eval("[innerWidth, innerHeight]", &size))
	assert.Equal(t, []int{1280, 800}, size, "default viewport")
}

func testGPC(t *testing.T, b engine.Browser, siteURL string) {
	const both = `[navigator.globalPrivacyControl === true, document.getElementById("f").contentWindow.navigator.globalPrivacyControl === true]`

	off := newPage(t, b, engine.PageOptions{})
	require.NoError(t, off.Navigate(siteURL+"/"))
	var got []bool
	require.NoError(t, off.Eval(both, &got))
	assert.Equal(t, []bool{false, false}, got, "GPC is off unless asked for")

	on, err := b.NewPage(context.Background(), engine.PageOptions{GPC: true})
	if b.Name() == engine.WebKit {
		// WebKit has no GPC and WebDriver classic no preload script.
		require.ErrorIs(t, err, engine.ErrUnsupported)
		return
	}
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, on.Close()) })
	require.NoError(t, on.Navigate(siteURL+"/"))
	require.NoError(t, on.Eval(both, &got))
	assert.Equal(t, []bool{true, true}, got, "GPC in the top document and in the frame")
}

func testConsole(t *testing.T, b engine.Browser, siteURL string) {
	p := newPage(t, b, engine.PageOptions{})
	require.NoError(t, p.Navigate(siteURL+"/console"))
	_, err := p.ConsoleMessages()
	if b.Name() == engine.WebKit {
		// WebDriver classic has no log, and WebKitGTK prints none for
		// automation sessions.
		require.ErrorIs(t, err, engine.ErrUnsupported)
		return
	}
	require.NoError(t, err)

	want := []engine.ConsoleMessage{
		{Level: engine.LevelError, Source: engine.SourceConsole, Text: "smoke: top error 42"},
		{Level: engine.LevelWarn, Source: engine.SourceConsole, Text: "smoke: top warn"},
		{Level: engine.LevelInfo, Source: engine.SourceConsole, Text: "smoke: top info"},
		{Level: engine.LevelError, Source: engine.SourceConsole, Text: "smoke: frame error"},
	}
	// The events may trail the load event: wait until the last one came.
	msgs := waitConsole(t, p, func(m engine.ConsoleMessage) bool { return m.Text == "smoke: frame error" })
	for _, w := range want {
		assert.Contains(t, msgs, w)
	}
	// The browser's own message about the refused script may come last.
	waitConsole(t, p, func(m engine.ConsoleMessage) bool {
		return m.Source == engine.SourceBrowser && m.Level == engine.LevelError && strings.Contains(m.Text, "missing.js")
	})
	// So may the unhandled rejection, reported once the browser knows it
	// stays unhandled (later on a busy machine).
	msgs = waitConsole(t, p, func(m engine.ConsoleMessage) bool {
		return m.Source == engine.SourceException && strings.Contains(m.Text, "smoke: rejected")
	})
	var uncaught []string
	for _, m := range msgs {
		if m.Source == engine.SourceException {
			assert.Equal(t, engine.LevelError, m.Level, "%+v", m)
			uncaught = append(uncaught, m.Text)
		}
	}
	require.Len(t, uncaught, 3, "the throw, the rejection and the syntax error: %+v", msgs)
	// A rejection is reported when it is known to be unhandled, in no set
	// order with the scripts that follow.
	all := strings.Join(uncaught, "\n")
	for _, want := range []string{"Error: smoke: uncaught", "Error: smoke: rejected", "SyntaxError"} {
		assert.Equal(t, 1, strings.Count(all, want), "%q in %q", want, uncaught)
	}

	// The log outlives a navigation and takes what scripts log later.
	require.NoError(t, p.Navigate(siteURL+"/empty"))
	require.NoError(t, p.Eval(`console.warn("smoke: later")`, nil))
	msgs = waitConsole(t, p, func(m engine.ConsoleMessage) bool { return m.Text == "smoke: later" })
	assert.Contains(t, msgs, engine.ConsoleMessage{Level: engine.LevelWarn, Source: engine.SourceConsole, Text: "smoke: later"})
	assert.Contains(t, msgs, want[0])

	// Another page has its own console.
	other := newPage(t, b, engine.PageOptions{})
	require.NoError(t, other.Navigate(siteURL+"/empty"))
	require.NoError(t, other.Eval(`console.error("smoke: other page")`, nil))
	waitConsole(t, other, func(m engine.ConsoleMessage) bool { return m.Text == "smoke: other page" })
	msgs, err = p.ConsoleMessages()
	require.NoError(t, err)
	for _, m := range msgs {
		assert.NotEqual(t, "smoke: other page", m.Text)
	}
	otherMsgs, err := other.ConsoleMessages()
	require.NoError(t, err)
	assert.Len(t, otherMsgs, 1, "%+v", otherMsgs)
}

// waitConsole reads a page's console until a message matches, and returns
// the messages then. The deadline only stops a hung browser.
func waitConsole(t *testing.T, p engine.Page, match func(engine.ConsoleMessage) bool) []engine.ConsoleMessage {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		msgs, err := p.ConsoleMessages()
		require.NoError(t, err)
		for _, m := range msgs {
			if match(m) {
				return msgs
			}
		}
		if time.Now().After(deadline) {
			require.FailNow(t, "no matching console message", "%+v", msgs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
