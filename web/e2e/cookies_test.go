package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/internal/engine"
	"github.com/civic-consent/consent/internal/site"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The consent cookie, withdrawal and a placeholder that is a selector list.
// Two variants of existing catalogues, each bundled from an already built
// wasm (as googleVariant does): the library's with prefixed cookie names
// for Matomo, served at cookieOrigin (https, a subdomain of the library's
// cookieDomain) and on 127.0.0.1, where its cookieDomain does not match;
// and the seed's with a reCAPTCHA placeholder that is a selector list, on
// 127.0.0.1.

const (
	cookieOrigin = "https://secure.mediatheque.example.org"
	// Cookies of the library variant's Matomo with the name prefixes.
	secureCookie = "__Secure-pk_ref"
	hostCookie   = "__Host-pk_cvar"
	// listPlaceholder is the seed variant's reCAPTCHA placeholder.
	listPlaceholder = ".g-recaptcha, .no-such-box"
)

var (
	cookieSitesOnce sync.Once
	cookieSitesErr  error
	// cookieLocal serves the library variant on 127.0.0.1, listLocal the
	// seed variant.
	cookieLocal, listLocal string
	cookieCatalogue        *consent.Catalogue
)

func needCookieSites(t *testing.T) {
	t.Helper()
	needLibrary(t)
	cookieSitesOnce.Do(func() { cookieSitesErr = startCookieSites() })
	require.NoError(t, cookieSitesErr, "starting the cookie sites")
}

func startCookieSites() error {
	tmp, err := os.MkdirTemp("", "consent-e2e-cookies-")
	if err != nil {
		return err
	}
	secondSites = append(secondSites, func() { os.RemoveAll(tmp) })

	lib := *library
	lib.Services = append([]consent.Service(nil), library.Services...)
	for i, s := range lib.Services {
		if s.ID == "matomo" {
			cookies := append([]consent.Cookie(nil), s.Cookies...)
			for _, name := range []string{secureCookie, hostCookie} {
				cookies = append(cookies, consent.Cookie{Name: name, Purpose: s.Cookies[0].Purpose, Lifetime: s.Cookies[0].Lifetime})
			}
			lib.Services[i].Cookies = cookies
		}
	}
	cookieCatalogue = &lib
	dir, file, err := variantBundle(tmp, "library-cookies", &lib, libraryDist)
	if err != nil {
		return err
	}
	if cookieLocal, err = serveVariant(dir, "-catalogue", file, "-demo", site.DemoLibrary); err != nil {
		return err
	}
	if err := forward(cookieOrigin, cookieLocal, dir, libraryPages()); err != nil {
		return err
	}

	seed := *consent.Seed()
	seed.Services = append([]consent.Service(nil), seed.Services...)
	for i, s := range seed.Services {
		if s.Loader != nil && s.Loader.Placeholder != "" {
			l := *s.Loader
			l.Placeholder = listPlaceholder
			seed.Services[i].Loader = &l
		}
	}
	dir, file, err = variantBundle(tmp, "seed-list", &seed, distDir)
	if err != nil {
		return err
	}
	listLocal, err = serveVariant(dir, "-catalogue", file)
	return err
}

// variantBundle writes catalogue c as name.json and bundles it with the
// programs already built in dist, into tmp/name.
func variantBundle(tmp, name string, c *consent.Catalogue, dist string) (dir, file string, err error) {
	data, err := c.JSON()
	if err != nil {
		return "", "", err
	}
	file = filepath.Join(tmp, name+".json")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		return "", "", err
	}
	dir, err = bundleWith(tmp, name, file, dist, false)
	return dir, file, err
}

// bundleWith bundles the catalogue file with the programs and wasm_exec.js
// built in dist (the programs do not depend on the catalogue), into
// tmp/name; with compress, with the precompressed siblings build.sh writes,
// dist's reused where a file is the same.
func bundleWith(tmp, name, catalogue, dist string, compress bool) (string, error) {
	// The inputs keep their names, so that the bundle's are dist's.
	in := filepath.Join(tmp, name+"-inputs")
	if err := os.Mkdir(in, 0o755); err != nil {
		return "", err
	}
	inputs := map[string]string{}
	for pattern, base := range map[string]string{"page.*.wasm": "page.wasm", "dialog.*.wasm": "dialog.wasm", "wasm_exec.*.js": "wasm_exec.js"} {
		found, _ := filepath.Glob(filepath.Join(dist, pattern))
		if len(found) != 1 {
			return "", fmt.Errorf("want one %s in %s, found %v", pattern, dist, found)
		}
		copied := filepath.Join(in, base)
		data, err := os.ReadFile(found[0])
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(copied, data, 0o644); err != nil {
			return "", err
		}
		inputs[base] = copied
	}
	dir := filepath.Join(tmp, name)
	args := []string{"run", "./web/bundle", "-catalogue", catalogue, "-page", inputs["page.wasm"], "-dialog", inputs["dialog.wasm"],
		"-exec", inputs["wasm_exec.js"], "-src", "web/src", "-out", dir}
	if compress {
		args = append(args, "-compress", "-reuse", dist)
	}
	bundle := exec.Command("go", args...)
	bundle.Dir = rootDir
	if out, err := bundle.CombinedOutput(); err != nil {
		return "", fmt.Errorf("assembling the %s bundle: %v\n%s", name, err, out)
	}
	return dir, nil
}

// serveVariant starts serve.go for a variant bundle; TestMain stops it.
func serveVariant(dir string, flags ...string) (string, error) {
	u, stop, err := startServer(dir, flags...)
	if err != nil {
		return "", err
	}
	secondSites = append(secondSites, stop)
	return u, nil
}

// cookiesNamed returns the tab's cookies called name.
func (tb *tab) cookiesNamed(name string) []engine.Cookie {
	tb.t.Helper()
	cookies, err := tb.Cookies()
	require.NoError(tb.t, err)
	var out []engine.Cookie
	for _, c := range cookies {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// warned waits for a console message containing text, where the engine
// reads its console.
func (tb *tab) warned(since int, text string) {
	tb.t.Helper()
	tb.consoleSince(since, fmt.Sprintf("containing %q", text), func(m engine.ConsoleMessage) bool {
		return strings.Contains(m.Text, text)
	})
}

// consoleCount is how many console messages the tab has so far.
func (tb *tab) consoleCount() int {
	msgs, _ := tb.console()
	return len(msgs)
}

// Copies of the choice that the page did not write (a sibling subdomain's
// for the parent domain, another path's, a nameless cookie whose value
// names it) never make the widget ask on every visit: the newest valid
// copy stands, the console says so, and the next choice clears every copy
// the page reaches.
func TestCopiesOfTheChoiceNeverLockTheVisitorOut(t *testing.T) {
	needLibrary(t)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := openAt(t, b, libraryOrigin+"/", engine.PageOptions{})
		tb.click(frame(`.cc-actions [data-action=refuse]`))
		tb.waitMode("button")

		// A sibling subdomain plants its own copy for the parent domain.
		sibling := consent.AcceptAll(library, time.Now().Add(time.Second), "SiblingSiblingAA").Encode()
		tb.eval(fmt.Sprintf(`document.cookie = %q`, consent.RecordCookieName+"="+sibling+"; Domain=example.org; Path=/; Secure"), nil)
		require.Len(t, tb.cookiesNamed(consent.RecordCookieName), 2, "the planted copy is there")

		since := tb.consoleCount()
		tb.visit(libraryOrigin + "/")
		tb.waitLive()
		assert.Equal(t, "button", tb.mode(), "the newest valid copy stands: no asking")
		if _, ok := tb.console(); ok {
			tb.warned(since, "this page sees 2 cookies_preferences cookies")
		}
		tb.clickFab()
		tb.waitMode("modal")
		tb.click(frame(`.cc-prefs [data-action=accept]`))
		tb.waitFor(`window.matomoRuns === 1`)
		tb.waitMode("button")
		copies := tb.cookiesNamed(consent.RecordCookieName)
		require.Len(t, copies, 1, "one choice leaves one copy")
		assert.Equal(t, "mediatheque.example.org", strings.TrimPrefix(copies[0].Domain, "."))

		// A copy for another path, and a nameless cookie whose value
		// names the choice, which no name can clear.
		tb.eval(fmt.Sprintf(`document.cookie = %q, document.cookie = %q`,
			consent.RecordCookieName+"="+sibling+"; Domain=example.org; Path=/agenda; Secure",
			"="+consent.RecordCookieName+"=x; Path=/; Secure"), nil)
		tb.visit(libraryOrigin + "/agenda")
		tb.waitLive()
		assert.Equal(t, "button", tb.mode(), "no asking on every visit to /agenda")
		tb.clickFab()
		tb.waitMode("modal")
		tb.click(frame(`.cc-prefs [data-action=refuse]`))
		tb.waitMode("button")
		assert.False(t, tb.recordOf(library).Categories["audience"])
		for _, c := range tb.cookiesNamed(consent.RecordCookieName) {
			assert.NotEqual(t, "/agenda", c.Path, "the /agenda copy is cleared from /agenda")
		}
		tb.visit(libraryOrigin + "/")
		tb.waitLive()
		assert.Equal(t, "button", tb.mode())
		assert.Zero(t, tb.num(`window.matomoRuns || 0`), "the refusal stands on the next page")
	})
}

func TestCookieDomainMismatch(t *testing.T) {
	needCookieSites(t)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		// The variant's cookieDomain is mediatheque.example.org; this
		// page is on 127.0.0.1.
		tb := openAt(t, b, cookieLocal+"/", engine.PageOptions{})
		tb.click(frame(`.cc-actions [data-action=accept]`))
		tb.waitFor(`window.matomoRuns === 1`)
		tb.waitMode("button")
		if _, ok := tb.console(); ok {
			tb.warned(0, "does not match this page's host")
		}
		copies := tb.cookiesNamed(consent.RecordCookieName)
		require.Len(t, copies, 1, "the choice is saved")
		assert.Equal(t, "127.0.0.1", strings.TrimPrefix(copies[0].Domain, "."), "host-only")
		assert.Equal(t, map[string]bool{"audience": true, "video": true}, tb.recordOf(cookieCatalogue).Categories)

		tb.visit(cookieLocal + "/agenda")
		assert.Equal(t, "button", tb.mode(), "the next page does not ask again")
	})
}

func TestWithdrawalClearsEveryCookieVariant(t *testing.T) {
	needCookieSites(t)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := openAt(t, b, cookieOrigin+"/", engine.PageOptions{})
		tb.click(frame(`.cc-actions [data-action=accept]`))
		tb.waitFor(`window.matomoRuns === 1`)
		tb.waitMode("button")

		// What Matomo might leave: copies host-only and for each parent
		// domain, and prefixed ones.
		planted := []string{
			"_pk_id=host; Path=/",
			"_pk_id=sub; Domain=secure.mediatheque.example.org; Path=/",
			"_pk_ses=site; Domain=mediatheque.example.org; Path=/",
			"_pk_ses=parent; Domain=example.org; Path=/",
			secureCookie + "=s; Domain=mediatheque.example.org; Path=/; Secure",
			hostCookie + "=h; Path=/; Secure",
			"unrelated=kept; Domain=mediatheque.example.org; Path=/",
		}
		for _, c := range planted {
			tb.eval(fmt.Sprintf(`document.cookie = %q`, c), nil)
		}
		names := func() []string {
			var out []string
			cookies, err := tb.Cookies()
			require.NoError(t, err)
			for _, c := range cookies {
				if c.Name != consent.RecordCookieName {
					out = append(out, c.Name)
				}
			}
			return out
		}
		require.Len(t, names(), len(planted), "every planted cookie is there")

		tb.click(`footer [data-consent-open]`)
		tb.waitMode("modal")
		tb.click(frame(`.cc-prefs [data-action=refuse]`))
		tb.waitMode("button")
		assert.Equal(t, []string{"unrelated"}, names(), "R16: every copy of Matomo's cookies is cleared")
	})
}

func TestPlaceholderSelectorList(t *testing.T) {
	needCookieSites(t)
	browsers.Run(t, func(t *testing.T, b engine.Browser) {
		tb := openAt(t, b, listLocal+"/contact", engine.PageOptions{})
		tb.click(frame(`.cc-actions [data-action=accept]`))
		tb.waitFor(`window.recaptchaRuns === 1 && document.querySelector('.g-recaptcha iframe') !== null`)
		tb.waitMode("button")

		tb.click(`footer [data-consent-open]`)
		tb.waitMode("modal")
		tb.click(frame(`.cc-prefs [data-action=refuse]`))
		tb.waitMode("button")
		assert.Equal(t, 1, tb.num(`document.querySelectorAll('.g-recaptcha').length`), "the host's element stays")
		assert.Equal(t, 0, tb.num(`document.querySelectorAll('.g-recaptcha iframe').length`), "what reCAPTCHA rendered in it goes")
	})
}
