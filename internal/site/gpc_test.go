package site

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const gpcTag = `<script src="/assets/gpc.js"></script>`

func TestGPCEmulationOnlyWithGPC1(t *testing.T) { // R20
	h := newSite(t, fakeBundle(t))
	for _, path := range append(pagePaths, "/no-such-page") {
		for _, query := range []string{"?gpc=1", "?lang=en&gpc=1"} {
			target := path + query
			body := do(h, http.MethodGet, target).Body.String()
			require.Equal(t, 1, strings.Count(body, gpcTag), target)
			// A plain script runs as it is parsed, before the deferred
			// loader: the widget reads the signal already set.
			assert.Less(t, strings.Index(body, gpcTag), strings.Index(body, loaderTag), target)
			assertNoInlineCode(t, target, body)
		}
		for _, query := range []string{"", "?gpc=0", "?gpc=true", "?gpc=", "?lang=en"} {
			assert.NotContains(t, do(h, http.MethodGet, path+query).Body.String(), "gpc.js", path+query)
		}
	}

	w := post(h, url.Values{"name": {"Camille"}, "email": {"camille@example.fr"}, "message": {"Bonjour"}})
	assert.NotContains(t, w.Body.String(), "gpc.js", "only a page asked for with ?gpc=1")

	js := do(h, http.MethodGet, "/assets/gpc.js")
	require.Equal(t, http.StatusOK, js.Code)
	assert.Equal(t, "text/javascript; charset=utf-8", js.Header().Get("Content-Type"))
	assert.Equal(t, CSP, js.Header().Get("Content-Security-Policy"))
	assert.Contains(t, js.Body.String(), `Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {`)
	assert.Contains(t, js.Body.String(), `get: function () { return true; }`)
}

func TestHomePageExplainsHowToTryGPC(t *testing.T) {
	h := newSite(t, fakeBundle(t))
	fr := do(h, http.MethodGet, "/").Body.String()
	assert.Contains(t, fr, "Global Privacy Control")
	assert.Contains(t, fr, `<code>?gpc=1</code>`)
	assert.Contains(t, fr, `<a href="/contact?gpc=1">`)

	en := do(h, http.MethodGet, "/?lang=en").Body.String()
	assert.Contains(t, en, "Global Privacy Control")
	assert.Contains(t, en, `<code>?gpc=1</code>`)
	assert.Contains(t, en, `<a href="/contact?lang=en&amp;gpc=1">`)
}
