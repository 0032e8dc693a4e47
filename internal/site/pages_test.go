package site

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	consent "github.com/civic-consent/consent"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pagePaths are the demo site's pages.
var pagePaths = []string{"/", "/contact", "/charte-cookies", "/demo/hostile"}

const loaderTag = `<script src="/consent/consent.js" defer></script>`

func TestPagesLoadTheWidgetAndOfferCookieSettings(t *testing.T) { // R14
	h := newSite(t, fakeBundle(t))
	for _, lang := range []struct{ query, lang, settings string }{
		{"", "fr", "Gestion des cookies"},
		{"?lang=en", "en", "Cookie settings"},
		{"?lang=xx", "fr", "Gestion des cookies"},
	} {
		for _, path := range append(pagePaths, "/no-such-page") {
			target := path + lang.query
			w := do(h, http.MethodGet, target)
			if path == "/no-such-page" {
				require.Equal(t, http.StatusNotFound, w.Code, target)
			} else {
				require.Equal(t, http.StatusOK, w.Code, target)
			}
			body := w.Body.String()
			assert.Equal(t, "text/html; charset=utf-8", w.Header().Get("Content-Type"), target)
			assert.Contains(t, body, `<html lang="`+lang.lang+`">`, target)
			assert.Equal(t, 1, strings.Count(body, loaderTag), target)
			assert.Contains(t, body, `<button type="button" class="link-button" data-consent-open>`+lang.settings+`</button>`, target)
			assert.Contains(t, body, `<a class="skip-link" href="#main">`, target)
			assert.Contains(t, body, `<main id="main"`, target)
			assert.Contains(t, body, `<nav class="site-nav"`, target)
			// The widget replaces nothing of the host: its first element
			// child is the host's own header, whose id a test can check.
			assert.Contains(t, body, "<body>\n<header id=\"site-header\"", target)
			assertNoInlineCode(t, target, body)
		}
	}
}

// assertNoInlineCode checks that a page needs neither inline script nor
// inline style, which the site's CSP forbids.
func assertNoInlineCode(t *testing.T, target, body string) {
	t.Helper()
	for rest := body; ; {
		i := strings.Index(rest, "<script")
		if i < 0 {
			break
		}
		end := strings.Index(rest[i:], ">")
		require.Positive(t, end, target)
		tag := rest[i : i+end+1]
		assert.Contains(t, tag, " src=", "%s: inline script %s", target, tag)
		assert.True(t, strings.HasPrefix(rest[i+end+1:], "</script>"), "%s: script with content after %s", target, tag)
		rest = rest[i+end+1:]
	}
	assert.NotContains(t, body, "<style", target)
	assert.NotContains(t, body, " style=", target)
	assert.NotContains(t, body, " onclick=", target)
}

func TestLanguageSwitch(t *testing.T) {
	h := newSite(t, fakeBundle(t))

	fr := do(h, http.MethodGet, "/contact").Body.String()
	assert.Contains(t, fr, `<a href="/contact?lang=en" lang="en" hreflang="en">English</a>`)
	assert.Contains(t, fr, `<a href="/charte-cookies">Charte cookies</a>`)
	assert.Contains(t, fr, "Nous contacter")

	en := do(h, http.MethodGet, "/contact?lang=en").Body.String()
	assert.Contains(t, en, `<a href="/contact" lang="fr" hreflang="fr">Français</a>`)
	assert.Contains(t, en, `<a href="/charte-cookies?lang=en">Cookie policy</a>`)
	assert.Contains(t, en, "Contact us")
	assert.Contains(t, en, "Skip to content")
	assert.NotContains(t, en, "Nous contacter")
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	h := newSite(t, fakeBundle(t))
	requests := []struct{ method, target, csp string }{
		{http.MethodGet, "/", CSP},
		{http.MethodGet, "/?lang=en", CSP},
		{http.MethodGet, "/contact", CSP},
		{http.MethodPost, "/contact", CSP},
		{http.MethodGet, "/charte-cookies", CSP},
		{http.MethodGet, "/demo/hostile", HostileCSP},
		{http.MethodGet, "/demo/hostile?lang=en", HostileCSP},
		{http.MethodGet, "/no-such-page", CSP},
		{http.MethodGet, "/consent/consent.js", CSP},
		{http.MethodGet, "/consent/consent.0123456789.wasm", CSP},
		{http.MethodGet, "/consent/missing.js", CSP},
		{http.MethodGet, "/consent/../secret.txt", CSP},
		{http.MethodGet, "/assets/site.css", CSP},
		{http.MethodGet, "/assets/hostile.js", CSP},
		{http.MethodGet, "/demo/sw.js", CSP},
		{http.MethodDelete, "/consent/consent.js", CSP},
	}
	for _, r := range requests {
		w := do(h, r.method, r.target)
		name := r.method + " " + r.target
		assert.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"), name)
		assert.Equal(t, "strict-origin-when-cross-origin", w.Header().Get("Referrer-Policy"), name)
		assert.Equal(t, r.csp, w.Header().Get("Content-Security-Policy"), name)
	}
	assert.Contains(t, CSP, "'wasm-unsafe-eval'")
	assert.Contains(t, CSP, "https://www.google.com/recaptcha/")
	assert.NotContains(t, HostileCSP, "google")
	assert.NotContains(t, CSP, "'unsafe-inline'")
	assert.NotContains(t, HostileCSP, "'unsafe-inline'")
}

func TestPagesRevalidate(t *testing.T) {
	h := newSite(t, fakeBundle(t))
	for _, target := range append(pagePaths, "/?lang=en", "/assets/site.css", "/demo/sw.js") {
		first := do(h, http.MethodGet, target)
		etag := first.Header().Get("ETag")
		require.NotEmpty(t, etag, target)
		assert.Equal(t, "no-cache", first.Header().Get("Cache-Control"), target)
		again := do(h, http.MethodGet, target, "If-None-Match", etag)
		assert.Equal(t, http.StatusNotModified, again.Code, target)
		assert.Zero(t, again.Body.Len(), target)
	}
	// Each language is its own page.
	assert.NotEqual(t, do(h, http.MethodGet, "/").Header().Get("ETag"), do(h, http.MethodGet, "/?lang=en").Header().Get("ETag"))
}

func TestContactPage(t *testing.T) {
	h := newSite(t, fakeBundle(t))
	for _, target := range []string{"/contact", "/contact?lang=en"} {
		body := do(h, http.MethodGet, target).Body.String()
		assert.Contains(t, body, `<form method="post" action="/contact">`, target)
		assert.Contains(t, body, `<div class="g-recaptcha" data-sitekey="6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI"></div>`, target)
		assert.Contains(t, body, "reCAPTCHA", target)
		for _, field := range []string{`name="name"`, `name="email"`, `name="message"`} {
			assert.Contains(t, body, field, target)
		}
		for _, id := range []string{"contact-name", "contact-email", "contact-message"} {
			assert.Contains(t, body, `<label for="`+id+`">`, target)
		}
	}
	assert.Contains(t, do(h, http.MethodGet, "/contact").Body.String(), "protégé contre les robots par Google reCAPTCHA")
}

func post(h http.Handler, form url.Values) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/contact", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestContactFormPost(t *testing.T) {
	h := newSite(t, fakeBundle(t))

	w := post(h, url.Values{"name": {"Camille"}, "email": {"camille@example.fr"}, "message": {"Bonjour"}})
	require.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, w.Body.String(), "<h1>Message reçu</h1>")
	assert.Contains(t, w.Body.String(), "Merci Camille")
	assert.Contains(t, w.Body.String(), loaderTag)
	assert.Equal(t, "no-store", w.Header().Get("Cache-Control"))

	w = post(h, url.Values{"name": {"Sam"}, "email": {"sam@example.com"}, "message": {"Hello"}, "lang": {"en"}})
	require.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, w.Body.String(), "<h1>Message received</h1>")
	assert.Contains(t, w.Body.String(), `<html lang="en">`)

	// A bad form comes back with what was typed, escaped, and what is wrong.
	w = post(h, url.Values{"name": {"<b>Camille</b>"}, "email": {"not an address"}, "message": {"  "}})
	require.Equal(t, http.StatusBadRequest, w.Code)
	body := w.Body.String()
	assert.Contains(t, body, `role="alert"`)
	assert.Contains(t, body, "Indiquez une adresse électronique valide")
	assert.Contains(t, body, "Écrivez votre message.")
	assert.NotContains(t, body, "Indiquez votre nom.")
	assert.Contains(t, body, `value="&lt;b&gt;Camille&lt;/b&gt;"`)
	assert.NotContains(t, body, "<b>Camille</b>")
	assert.Contains(t, body, `<form method="post" action="/contact">`)
}

func TestPolicyPageListsEveryCookie(t *testing.T) { // R18
	h := newSite(t, fakeBundle(t))
	c := consent.Seed()
	for _, lang := range []string{"fr", "en"} {
		w := do(h, http.MethodGet, "/charte-cookies?lang="+lang)
		require.Equal(t, http.StatusOK, w.Code)
		body := w.Body.String()
		for _, svc := range c.Services {
			for _, cookie := range svc.Cookies {
				row := policyRow(t, body, cookie.Name)
				assert.Contains(t, row, html.EscapeString(svc.Provider), cookie.Name)
				assert.Contains(t, row, html.EscapeString(svc.Name.In(lang)), cookie.Name)
				assert.Contains(t, row, html.EscapeString(cookie.Purpose.In(lang)), cookie.Name)
				assert.Contains(t, row, html.EscapeString(cookie.Lifetime.In(lang)), cookie.Name)
			}
		}
	}
	fr := do(h, http.MethodGet, "/charte-cookies").Body.String()
	assert.Contains(t, policyRow(t, fr, "_grecaptcha"), "Soumis à votre consentement")
	assert.Contains(t, policyRow(t, fr, "sessionid"), "Exempté de consentement")
	assert.Contains(t, fr, "<h1>Charte cookies</h1>")
	assert.Contains(t, fr, "<h2>Qu&#39;est ce qu&#39;un cookie ?</h2>")
	// go-app writes attributes in no set order.
	policy := fr[strings.Index(fr, `<article class="policy">`):strings.Index(fr, "</article>")]
	assert.Regexp(t, `<button [^>]*\bdata-consent-open\b[^>]*>Gestion des cookies</button>`, policy)
}

// policyRow is the table row of the policy page that lists cookie.
func policyRow(t *testing.T, body, cookie string) string {
	t.Helper()
	i := strings.Index(body, "<code>"+cookie+"</code>")
	require.Positive(t, i, "cookie %s is listed", cookie)
	start := strings.LastIndex(body[:i], "<tr>")
	end := strings.Index(body[i:], "</tr>")
	require.True(t, start >= 0 && end >= 0, "cookie %s is in a table row", cookie)
	return body[start : i+end]
}

func TestHostilePage(t *testing.T) {
	h := newSite(t, fakeBundle(t))
	body := do(h, http.MethodGet, "/demo/hostile").Body.String()
	// Its own stylesheet and script, as files; the script runs before the
	// loader, so the widget meets its handlers already in place.
	assert.Contains(t, body, `<link rel="stylesheet" href="/assets/hostile.css">`)
	assert.NotContains(t, body, "/assets/site.css")
	assert.Less(t, strings.Index(body, `<script src="/assets/hostile.js" defer></script>`), strings.Index(body, loaderTag))
	assert.Contains(t, body, `<output id="host-clicks">0</output>`)
	assert.Contains(t, body, `<output id="host-popstate">0</output>`)
	assert.Contains(t, body, `id="host-consent-link" href="/charte-cookies" data-consent-open`)

	css := do(h, http.MethodGet, "/assets/hostile.css")
	assert.Equal(t, "text/css; charset=utf-8", css.Header().Get("Content-Type"))
	for _, rule := range []string{"* { all: unset; }", "button { display: none; }", "div { position: static !important; }"} {
		assert.Contains(t, css.Body.String(), rule)
	}

	js := do(h, http.MethodGet, "/assets/hostile.js")
	assert.Equal(t, "text/javascript; charset=utf-8", js.Header().Get("Content-Type"))
	for _, s := range []string{"window.onclick", "window.onpopstate", "window.onresize", "window.hostHandlers", "localStorage.setItem", "sessionStorage.setItem", "serviceWorker.register('/demo/sw.js')"} {
		assert.Contains(t, js.Body.String(), s)
	}

	sw := do(h, http.MethodGet, "/demo/sw.js")
	assert.Equal(t, http.StatusOK, sw.Code)
	assert.Equal(t, "text/javascript; charset=utf-8", sw.Header().Get("Content-Type"))
}

func TestMethodsAndHead(t *testing.T) {
	h := newSite(t, fakeBundle(t))
	w := do(h, http.MethodHead, "/")
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Zero(t, w.Body.Len())
	assert.NotEmpty(t, w.Header().Get("Content-Length"))

	w = do(h, http.MethodPost, "/consent/consent.js")
	assert.NotEqual(t, http.StatusOK, w.Code)
}
