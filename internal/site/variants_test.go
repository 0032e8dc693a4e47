package site

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// body returns what a page has between <body> and </body>.
func body(t *testing.T, page string) string {
	t.Helper()
	start := strings.Index(page, "<body>")
	end := strings.Index(page, "</body>")
	require.True(t, start >= 0 && end > start, "a page with a body")
	return page[start:end]
}

func TestTestVariantsChangeOnlyTheLoaderTags(t *testing.T) {
	h := newSite(t, fakeBundle(t))
	for _, path := range append(pagePaths, "/no-such-page") {
		for _, lang := range []string{"?lang=fr", "?lang=en"} {
			plain := do(h, http.MethodGet, path+lang).Body.String()
			for _, v := range []struct {
				query   string
				loaders int
			}{
				{"&nowidget=1", 0},
				{"&twice=1", 2},
				{"&nowidget=1&twice=1", 0},
				{"&nowidget=0", 1},
				{"&twice=yes", 1},
			} {
				target := path + lang + v.query
				w := do(h, http.MethodGet, target)
				page := w.Body.String()
				assert.Equal(t, v.loaders, strings.Count(page, loaderTag), target)
				assert.Equal(t, v.loaders, strings.Count(page, "consent.js"), "%s: no other mention of the loader", target)
				// The host's document is the same; only <head> differs.
				assert.Equal(t, body(t, plain), body(t, page), target)
				assert.Equal(t, strings.Replace(plain, loaderTag+"\n", "", 1), strings.ReplaceAll(page, loaderTag+"\n", ""), target)
			}
		}
	}
	// The variants are pages of their own for caches.
	assert.NotEqual(t, do(h, http.MethodGet, "/demo/hostile").Header().Get("ETag"), do(h, http.MethodGet, "/demo/hostile?nowidget=1").Header().Get("ETag"))
}

func TestTrustedTypesVariant(t *testing.T) {
	h := newSite(t, fakeBundle(t))
	for _, path := range []string{"/contact", "/demo/hostile"} {
		plain := do(h, http.MethodGet, path)
		csp := plain.Header().Get("Content-Security-Policy")
		require.NotContains(t, csp, "trusted-types", path)
		for query, want := range map[string]string{
			"?tt=civic-consent": csp + "; require-trusted-types-for 'script'; trusted-types civic-consent",
			"?tt=other-name":    csp + "; require-trusted-types-for 'script'; trusted-types other-name",
			"?tt=":              csp,
			"?tt=a;script-src":  csp,
			"?tt='none'":        csp,
		} {
			w := do(h, http.MethodGet, path+query)
			assert.Equal(t, want, w.Header().Get("Content-Security-Policy"), path+query)
			assert.Equal(t, plain.Body.String(), w.Body.String(), "%s: only the CSP differs", path+query)
		}
	}
}

func TestPositionQueryPlacesTheFirstLayerOnEveryPage(t *testing.T) {
	h := newSite(t, fakeBundle(t))
	for _, path := range append(pagePaths, "/no-such-page") {
		for query, tag := range map[string]string{
			"?position=box":               `<script src="/consent/consent.js" defer data-position="box"></script>`,
			"?position=center&lang=en":    `<script src="/consent/consent.js" defer data-position="center"></script>`,
			"?position=bar&twice=1":       `<script src="/consent/consent.js" defer data-position="bar"></script>`,
			"?position=%22%3E%3Cb%3E":     loaderTag,
			"?position=top":               loaderTag,
			"?position=center&nowidget=1": "",
		} {
			page := do(h, http.MethodGet, path+query).Body.String()
			if tag == "" {
				assert.NotContains(t, page, "consent.js", path+query)
				continue
			}
			assert.Contains(t, page, tag+"\n", path+query)
			assert.Equal(t, strings.Count(page, "consent.js"), strings.Count(page, tag), "%s: every loader tag carries the position", path+query)
		}
	}
}
