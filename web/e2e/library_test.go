package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/internal/engine"
	"github.com/civic-consent/consent/internal/site"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The second site: the library of web/catalogues/library.json, with its own
// bundle and its own serve.go, proving the product on more than the seed.
// Its catalogue shares consent across mediatheque.example.org, so the
// browsers reach it there: the recording proxy forwards those hosts to the
// local server, over https as a real site would be.
//
// The library bundle is assembled once per run from web/catalogues/library.json
// and web/dist's wasm, which does not depend on the catalogue, into a
// temporary folder, precompressed as build.sh does: the wasm is not built
// again.

const (
	libraryCatalogue = "web/catalogues/library.json"
	// libraryOrigin and libraryAlias are two subdomains of the same site.
	libraryOrigin = "https://www.mediatheque.example.org"
	libraryAlias  = "https://catalogue.mediatheque.example.org"
	// googleOrigin serves the library with Google Consent Mode on and
	// Google's tag on its pages.
	googleOrigin = "https://ga.mediatheque.example.org"

	videoURL  = site.LibraryVideoPlayer + "/video/824804225"
	playerURL = site.LibraryVideoPlayer + "/api/player.js"
	matomoURL = site.LibraryStats + "/matomo.js"
)

// Stubs of the library's third parties: each counts its runs.
const (
	stubMatomo = `window.matomoRuns = (window.matomoRuns || 0) + 1;`
	stubPlayer = `window.playerRuns = (window.playerRuns || 0) + 1;
window.Vimeo = {Player: function () { window.vimeoPlayers = (window.vimeoPlayers || 0) + 1; }};`
	stubVideo = `<!doctype html><html lang="en"><title>Video</title><p>A recorded talk.</p></html>`
	// stubGtag keeps what dataLayer held when Google's tag ran.
	stubGtag = `window.gtagSaw = Array.from(window.dataLayer || [], function (e) {
  return {args: Object.prototype.toString.call(e) === '[object Arguments]', value: Array.from(e)};
});`
)

var (
	libraryOnce sync.Once
	libraryErr  error
	// library is the second site's catalogue, libraryGoogle its Consent
	// Mode variant.
	library, libraryGoogle *consent.Catalogue
	secondSites            []func()
	// libraryDist is the library's bundle.
	libraryDist string
)

// stopSecondSites stops the second site's servers; TestMain calls it.
func stopSecondSites() {
	for _, stop := range secondSites {
		stop()
	}
}

// needLibrary starts the second site on first use.
func needLibrary(t *testing.T) {
	t.Helper()
	libraryOnce.Do(func() { libraryErr = startLibrary() })
	require.NoError(t, libraryErr, "starting the second site")
}

func startLibrary() error {
	data, err := os.ReadFile(filepath.Join(rootDir, libraryCatalogue))
	if err != nil {
		return err
	}
	if library, err = consent.ParseCatalogue(data); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "consent-e2e-library-")
	if err != nil {
		return err
	}
	secondSites = append(secondSites, func() { os.RemoveAll(tmp) })

	dist, err := bundleWith(tmp, "library", filepath.Join(rootDir, libraryCatalogue), distDir, true)
	if err != nil {
		return err
	}
	libraryDist = dist
	libURL, stop, err := startServer(dist, "-catalogue", filepath.Join(rootDir, libraryCatalogue))
	if err != nil {
		return err
	}
	secondSites = append(secondSites, stop)

	// The Consent Mode variant reuses the library's wasm.
	googleDist, googleFile, err := googleVariant(tmp, dist)
	if err != nil {
		return err
	}
	googleURL, stop, err := startServer(googleDist, "-catalogue", googleFile, "-demo", site.DemoLibrary)
	if err != nil {
		return err
	}
	secondSites = append(secondSites, stop)

	for origin, to := range map[string]struct{ url, dist string }{
		libraryOrigin: {libURL, dist},
		libraryAlias:  {libURL, dist},
		googleOrigin:  {googleURL, googleDist},
	} {
		if err := forward(origin, to.url, to.dist); err != nil {
			return err
		}
	}
	for u, body := range map[string]string{matomoURL: stubMatomo, playerURL: stubPlayer, site.GoogleTag: stubGtag} {
		if err := proxy.Stub(u, "text/javascript", body); err != nil {
			return err
		}
	}
	return proxy.Stub(videoURL, "text/html; charset=utf-8", stubVideo)
}

// googleVariant writes the library's catalogue with Google Consent Mode on
// (audience grants analytics_storage, video the three ad types) and its
// bundle, made from the library's wasm.
func googleVariant(tmp, dist string) (dir, file string, err error) {
	c := *library
	c.Site.ConsentMode = true
	c.Categories = append([]consent.Category(nil), library.Categories...)
	for i := range c.Categories {
		switch c.Categories[i].ID {
		case "audience":
			c.Categories[i].ConsentMode = []string{"analytics_storage"}
		case "video":
			c.Categories[i].ConsentMode = []string{"ad_storage", "ad_user_data", "ad_personalization"}
		}
	}
	// Google's tag is gated as the integration guide says: a
	// data-consent="audience" script whose exact URL, the site's own
	// container, this service lists.
	c.Services = append(append([]consent.Service(nil), library.Services...), consent.Service{
		ID: "analytics", Category: "audience", Provider: "Google",
		Name:       consent.Text{"fr": "Statistiques Google Analytics", "en": "Google Analytics statistics"},
		PrivacyURL: "https://policies.google.com/privacy",
		Scripts:    []string{site.GoogleTag + "?id=G-DEMO00000"},
		Cookies: []consent.Cookie{{Name: "_ga",
			Purpose:  consent.Text{"fr": "Distingue les visiteurs.", "en": "Tells visitors apart."},
			Lifetime: consent.Text{"fr": "13 mois", "en": "13 months"}}},
	})
	libraryGoogle = &c
	return variantBundle(tmp, "library-google", &c, dist)
}

// forward makes the proxy answer origin's pages, stylesheet and bundle
// files from the local server at target.
func forward(origin, target, dist string) error {
	u, err := url.Parse(target)
	if err != nil {
		return err
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	paths := []string{"/", "/agenda", library.Site.PolicyURL.In(consent.DefaultLanguage), "/no-such-page", "/assets/library.css", "/favicon.ico", "/consent/consent.js"}
	files, err := os.ReadDir(dist)
	if err != nil {
		return err
	}
	for _, f := range files {
		paths = append(paths, "/consent/"+f.Name())
	}
	for _, p := range paths {
		if err := proxy.Handle(origin+p, rp); err != nil {
			return err
		}
	}
	return nil
}

// openAt starts a fresh page and loads an absolute URL.
func openAt(t *testing.T, b engine.Browser, u string, opts engine.PageOptions) *tab {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	t.Cleanup(cancel)
	p, err := b.NewPage(ctx, opts)
	require.NoError(t, err, "starting a page in %s", b.Name())
	t.Cleanup(func() { _ = p.Close() })
	tb := &tab{t: t, Page: p}
	tb.visit(u)
	return tb
}

// visit navigates to an absolute URL and waits until the widget has settled.
func (tb *tab) visit(u string) {
	tb.t.Helper()
	require.NoError(tb.t, tb.Navigate(u))
	tb.waitFor(settledJS)
}

// recordOf decodes the stored choice with catalogue c.
func (tb *tab) recordOf(c *consent.Catalogue) consent.Record {
	tb.t.Helper()
	ck, ok := tb.consentCookie()
	require.True(tb.t, ok, "no %s cookie", consent.RecordCookieName)
	rec, err := consent.DecodeRecord(ck.Value, c, time.Now())
	require.NoError(tb.t, err)
	return rec
}

// leftFor returns the requests that left for anything but origin.
func leftFor(t *testing.T, origin string) []string {
	t.Helper()
	reqs, err := proxy.ThirdParty(origin)
	require.NoError(t, err)
	var out []string
	for _, r := range reqs {
		out = append(out, r.URL())
	}
	return out
}

// frameRect is the widget frame's box and the viewport's size.
type frameRect struct {
	Left, Top, Right, Bottom, Width, Height, VW, VH float64
}

func (tb *tab) frameRect() frameRect {
	var r frameRect
	tb.eval(`(() => { const b = document.querySelector('civic-consent iframe').getBoundingClientRect();
		return {Left: b.left, Top: b.top, Right: b.right, Bottom: b.bottom, Width: b.width, Height: b.height,
			VW: document.documentElement.clientWidth, VH: document.documentElement.clientHeight}; })()`, &r)
	return r
}

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

// fetchedFor returns the URLs fetched from origins other than origin.
func fetchedFor(t *testing.T, origin string) []string {
	t.Helper()
	reqs, err := proxy.ThirdParty(origin)
	require.NoError(t, err)
	var out []string
	for _, r := range reqs {
		if r.Method != http.MethodConnect {
			out = append(out, r.URL())
		}
	}
	return out
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

// TestScreenshotsTwoSites shows the two sites side by side, each at its
// first visit: the same widget with two catalogues, two themes, two
// positions.
func TestScreenshotsTwoSites(t *testing.T) {
	needLibrary(t)
	require.NoError(t, os.MkdirAll(screenshotDir, 0o755))
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		opts := engine.PageOptions{Width: 800, Height: 720}
		var shots []image.Image
		for _, u := range []string{siteURL + "/", libraryOrigin + "/"} {
			tb := openAt(t, b, u, opts)
			tb.waitMode("banner")
			tb.waitFor(`document.fonts.status === 'loaded' && document.querySelector('civic-consent iframe').contentDocument.fonts.status === 'loaded'`)
			path := filepath.Join(t.TempDir(), "shot.png")
			require.NoError(t, tb.Screenshot(path))
			f, err := os.Open(path)
			require.NoError(t, err)
			img, err := png.Decode(f)
			f.Close()
			require.NoError(t, err)
			shots = append(shots, img)
		}
		const gap = 24
		a, c := shots[0].Bounds(), shots[1].Bounds()
		out := image.NewRGBA(image.Rect(0, 0, a.Dx()+gap+c.Dx(), max(a.Dy(), c.Dy())))
		draw.Draw(out, out.Bounds(), image.NewUniform(color.RGBA{0x44, 0x44, 0x44, 0xff}), image.Point{}, draw.Src)
		draw.Draw(out, a.Sub(a.Min), shots[0], a.Min, draw.Src)
		draw.Draw(out, c.Sub(c.Min).Add(image.Pt(a.Dx()+gap, 0)), shots[1], c.Min, draw.Src)
		names := []string{b.Name() + "-two-sites.png"}
		if b.Name() == engine.Chromium {
			names = append(names, "two-sites.png")
		}
		for _, name := range names {
			path := filepath.Join(screenshotDir, name)
			f, err := os.Create(path)
			require.NoError(t, err)
			require.NoError(t, png.Encode(f, out))
			require.NoError(t, f.Close())
			assertScreenshot(t, path)
		}
	})
}
