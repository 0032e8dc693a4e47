package e2e

import (
	"context"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/internal/engine"
	"github.com/civic-consent/consent/internal/site"
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
		if err := forward(origin, to.url, to.dist, libraryPages()); err != nil {
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

// previewPages are the seed demo's pages and assets on the preview server.
var previewPages = []string{"/", "/contact", "/charte-cookies", "/assets/site.css", "/favicon.ico"}

// libraryPages are the library demo's pages and assets, and one page it
// does not have.
func libraryPages() []string {
	return []string{"/", "/agenda", library.Site.PolicyURL.In(consent.DefaultLanguage), "/no-such-page", "/assets/library.css", "/favicon.ico", "/consent/consent.js"}
}

// forward makes the proxy answer origin's pages and the bundle files in
// dist from the local server at target.
func forward(origin, target, dist string, pages []string) error {
	u, err := url.Parse(target)
	if err != nil {
		return err
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	paths := slices.Clone(pages)
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
