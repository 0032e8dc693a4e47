//go:build js && wasm

package main

import (
	"strings"
	"testing"

	consent "github.com/civic-consent/consent"
	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests run in headless Chromium (go test -exec wasmbrowsertest): the
// test page is its own parent, so hostPage binds the test document.

func testPage(t *testing.T) *page {
	t.Helper()
	p, err := hostPage()
	require.NoError(t, err)
	return p
}

func eval(t *testing.T, js string) safejs.Value {
	t.Helper()
	v, err := safejs.Global().Call("eval", js)
	require.NoError(t, err)
	return v
}

func TestCookieRoundTrip(t *testing.T) {
	p := testPage(t)
	require.NoError(t, p.SetCookie(consent.CookieString("1.abc", consent.CookieOptions{})))
	header, err := p.Cookie()
	require.NoError(t, err)
	value, found, err := consent.RecordFromCookieHeader(header)
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, "1.abc", value)
	require.NoError(t, p.SetCookie(consent.ExpireCookieString(consent.RecordCookieName, consent.CookieOptions{})))
	header, _ = p.Cookie()
	assert.NotContains(t, header, consent.RecordCookieName)
}

func TestAThrowingCookieIsAnError(t *testing.T) {
	// A page (or a sandboxed frame) where document.cookie throws.
	fake := eval(t, `({get cookie() { throw new Error("SecurityError: denied") }, set cookie(v) { throw new Error("denied") }})`)
	p := &page{window: safejs.Global(), document: fake}
	_, err := p.Cookie()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "reading document.cookie")
	err = p.SetCookie("a=b")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "writing document.cookie")
}

func TestR20GPCOnlyWhenTrue(t *testing.T) {
	p := testPage(t)
	assert.False(t, p.GPC())
	for js, want := range map[string]bool{
		`({globalPrivacyControl: true})`:                          true,
		`({globalPrivacyControl: "true"})`:                        false,
		`({globalPrivacyControl: 1})`:                             false,
		`({get globalPrivacyControl() { throw new Error("x") }})`: false,
	} {
		win := eval(t, `({navigator: `+js+`})`)
		assert.Equal(t, want, (&page{window: win}).GPC(), js)
	}
}

func TestClearStorageByPrefix(t *testing.T) {
	p := testPage(t)
	eval(t, `localStorage.setItem("_grecaptcha", "x"); localStorage.setItem("_grecaptcha_2", "y"); localStorage.setItem("host-key", "z"); sessionStorage.setItem("_grecaptcha", "s")`)
	require.NoError(t, p.ClearStorage([]string{"_grecaptcha"}))
	keys, _ := eval(t, `Object.keys(localStorage).concat(Object.keys(sessionStorage)).sort().join(",")`).String()
	assert.Equal(t, "host-key", keys)
	eval(t, `localStorage.clear()`)
}

// testCatalogue has one optional service whose loader is a harmless URL of
// the test server itself: nothing leaves the machine.
func testCatalogue(t *testing.T) *consent.Catalogue {
	t.Helper()
	c := consent.Seed()
	origin, _ := eval(t, `location.origin`).String()
	for i := range c.Services {
		if c.Services[i].Loader != nil {
			l := *c.Services[i].Loader
			l.URL = origin + "/no-such-loader.js"
			c.Services[i].Loader = &l
		}
	}
	return c
}

func newServices(t *testing.T, c *consent.Catalogue) (*services, *[]string) {
	t.Helper()
	// The fixture goes next to the test runner's own elements, never over them.
	eval(t, `document.body.insertAdjacentHTML('beforeend', '<form id="fixture"><div class="g-recaptcha" data-sitekey="k"></div></form>')`)
	t.Cleanup(func() {
		eval(t, `document.getElementById('fixture').remove(); document.querySelectorAll('[data-consent-service]').forEach(e => e.remove())`)
	})
	var allowed []string
	s := &services{page: testPage(t), catalogue: c, lang: "fr", styleURL: "/style.css",
		trust: plainTrust(t), allow: func(id string) { allowed = append(allowed, id) }}
	return s, &allowed
}

// plainTrust is the loader's trust where the browser has no Trusted Types:
// strings go through as they are.
func plainTrust(t *testing.T) trust {
	t.Helper()
	return trust{v: eval(t, `({ scriptURL: function (u) { return u; }, script: function (s) { return s; } })`)}
}

func count(t *testing.T, selector string) int {
	t.Helper()
	n, err := eval(t, `document.querySelectorAll('`+selector+`').length`).Int()
	require.NoError(t, err)
	return n
}

func TestR17RefusedServiceGetsAPlaceholder(t *testing.T) {
	c := testCatalogue(t)
	s, allowed := newServices(t, c)
	require.NoError(t, s.Apply(func(string) bool { return false }))
	require.NoError(t, s.Apply(func(string) bool { return false }))
	assert.Equal(t, 1, count(t, `civic-consent-placeholder[data-consent-service=recaptcha]`), "one placeholder, however often applied")
	assert.Equal(t, 0, count(t, `script[data-consent-service]`))
	text, _ := eval(t, `document.querySelector('civic-consent-placeholder').shadowRoot.textContent`).String()
	assert.Contains(t, text, "Autoriser")
	assert.Contains(t, text, "Saint-Maur-des-Fossés", "another way to get in touch")
	eval(t, `document.querySelector('civic-consent-placeholder').shadowRoot.querySelector('button').click()`)
	assert.Equal(t, []string{"contact"}, *allowed)
}

func TestAllowedServiceLoadsOnceWithItsNotice(t *testing.T) {
	c := testCatalogue(t)
	s, _ := newServices(t, c)
	require.NoError(t, s.Apply(func(string) bool { return false }))
	require.NoError(t, s.Apply(func(id string) bool { return id == "recaptcha" }))
	require.NoError(t, s.Apply(func(id string) bool { return id == "recaptcha" }))
	assert.Equal(t, 1, count(t, `head > script[data-consent-service=recaptcha]`), "the loader is appended exactly once")
	assert.Equal(t, 0, count(t, `civic-consent-placeholder`))
	notice, _ := eval(t, `document.querySelector('[data-consent-part=notice]').textContent`).String()
	assert.True(t, strings.HasPrefix(notice, "Ce site est protégé par reCAPTCHA"), notice)
	assert.Equal(t, 2, count(t, `[data-consent-part=notice] a[href^="https://policies.google.com/"]`), "R19: both links")
}

func TestR16WithdrawalRemovesWhatTheServiceLeft(t *testing.T) {
	c := testCatalogue(t)
	s, _ := newServices(t, c)
	require.NoError(t, s.Apply(func(id string) bool { return id == "recaptcha" }))
	// What reCAPTCHA would have done: a frame in its element, a storage key.
	eval(t, `document.querySelector('.g-recaptcha').appendChild(document.createElement('iframe')); localStorage.setItem('_grecaptcha', 'token')`)
	require.NoError(t, s.Apply(func(string) bool { return false }))
	assert.Equal(t, 0, count(t, `script[data-consent-service]`))
	assert.Equal(t, 0, count(t, `.g-recaptcha > *`))
	assert.Equal(t, 0, count(t, `[data-consent-part=notice]`))
	assert.Equal(t, 1, count(t, `civic-consent-placeholder`))
	assert.True(t, eval(t, `localStorage.getItem('_grecaptcha')`).IsNull())
}

// TestR17PlaceholderTakesTheCataloguesLabels shows a placeholder in a
// built-in language the seed's texts do not have, with one label the
// catalogue changes: the wasm has no label table of its own.
func TestR17PlaceholderTakesTheCataloguesLabels(t *testing.T) {
	c := testCatalogue(t)
	c.Labels = map[string]consent.LabelSet{"de": {consent.LabelAllow: "Zulassen"}}
	s, _ := newServices(t, c)
	s.lang = "de"
	require.NoError(t, s.Apply(func(string) bool { return false }))
	text, _ := eval(t, `document.querySelector('civic-consent-placeholder').shadowRoot.textContent`).String()
	assert.Contains(t, text, "Dieser Inhalt nutzt Google ReCaptcha (")
	assert.Contains(t, text, "So erreichen Sie uns ohne diesen Dienst: ")
	button, _ := eval(t, `document.querySelector('civic-consent-placeholder').shadowRoot.querySelector('button').textContent`).String()
	assert.Equal(t, "Zulassen", button)
}
