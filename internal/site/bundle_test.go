package site

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBundleContentTypes(t *testing.T) {
	h := newSite(t, fakeBundle(t))
	tests := map[string]string{
		"consent.js":              "text/javascript; charset=utf-8",
		"consent.0123456789.wasm": "application/wasm",
		"wasm_exec.abcdef0123.js": "text/javascript; charset=utf-8",
		"consent.abcdef0123.css":  "text/css; charset=utf-8",
		"manifest.json":           "application/json",
		"sub/inner.js":            "text/javascript; charset=utf-8",
	}
	for name, want := range tests {
		for _, enc := range []string{"", "gzip", "br"} {
			w := do(h, http.MethodGet, "/consent/"+name, "Accept-Encoding", enc)
			require.Equal(t, http.StatusOK, w.Code, "%s (%q)", name, enc)
			assert.Equal(t, want, w.Header().Get("Content-Type"), "%s (%q): the original's type, whatever the coding", name, enc)
			assert.Equal(t, strconv.Itoa(w.Body.Len()), w.Header().Get("Content-Length"), name)
		}
	}
}

func TestBundleServesThePreferredPrecompressedFile(t *testing.T) {
	h := newSite(t, fakeBundle(t))
	const wasm = "consent.0123456789.wasm"
	tests := []struct {
		header, encoding, body string
	}{
		{"", "", "identity:" + wasm},
		{"gzip, deflate", "gzip", "gzip:" + wasm},
		{"gzip, deflate, br", "br", "br:" + wasm},
		{"br;q=0.2, gzip;q=0.9", "gzip", "gzip:" + wasm},
		{"br;q=0, gzip;q=0, identity", "", "identity:" + wasm},
		{"identity", "", "identity:" + wasm},
		{"*", "br", "br:" + wasm},
	}
	for _, tt := range tests {
		w := do(h, http.MethodGet, "/consent/"+wasm, "Accept-Encoding", tt.header)
		require.Equal(t, http.StatusOK, w.Code, tt.header)
		assert.Equal(t, tt.body, w.Body.String(), "Accept-Encoding %q", tt.header)
		assert.Equal(t, tt.encoding, w.Header().Get("Content-Encoding"), "Accept-Encoding %q", tt.header)
		assert.Equal(t, "Accept-Encoding", w.Header().Get("Vary"), "Accept-Encoding %q", tt.header)
		assert.Equal(t, "application/wasm", w.Header().Get("Content-Type"), "Accept-Encoding %q", tt.header)
	}
}

func TestBundleFallsBackWhenACodingIsMissing(t *testing.T) {
	h := newSite(t, fakeBundle(t))

	w := do(h, http.MethodGet, "/consent/only-gzip.js", "Accept-Encoding", "br, gzip")
	assert.Equal(t, "gzip:only-gzip.js", w.Body.String())
	assert.Equal(t, "gzip", w.Header().Get("Content-Encoding"))

	w = do(h, http.MethodGet, "/consent/manifest.json", "Accept-Encoding", "br, gzip")
	assert.Equal(t, `{"files":[]}`, w.Body.String())
	assert.Empty(t, w.Header().Get("Content-Encoding"))
	assert.Equal(t, "Accept-Encoding", w.Header().Get("Vary"))
}

func TestBundleCachingByName(t *testing.T) {
	h := newSite(t, fakeBundle(t))
	const immutable = "public, max-age=31536000, immutable"
	tests := map[string]string{
		"consent.0123456789.wasm": immutable,
		"wasm_exec.abcdef0123.js": immutable,
		"consent.abcdef0123.css":  immutable,
		"frame.9876543210.js":     immutable,
		// The archive of a revision is named by it, and never changes.
		"catalogue.0123456789ab.json": immutable,
		"consent.js":                  "no-cache",
		"manifest.json":               "no-cache",
	}
	for name, want := range tests {
		for _, enc := range []string{"", "br"} {
			w := do(h, http.MethodGet, "/consent/"+name, "Accept-Encoding", enc)
			assert.Equal(t, want, w.Header().Get("Cache-Control"), "%s (%q)", name, enc)
		}
	}
}

func TestBundleRevalidatesWithETag(t *testing.T) {
	dist := fakeBundle(t)
	h := newSite(t, dist)
	for _, name := range []string{"consent.js", "consent.0123456789.wasm"} {
		for _, enc := range []string{"", "gzip", "br"} {
			first := do(h, http.MethodGet, "/consent/"+name, "Accept-Encoding", enc)
			etag := first.Header().Get("ETag")
			require.NotEmpty(t, etag, "%s (%q)", name, enc)

			again := do(h, http.MethodGet, "/consent/"+name, "Accept-Encoding", enc, "If-None-Match", etag)
			assert.Equal(t, http.StatusNotModified, again.Code, "%s (%q)", name, enc)
			assert.Zero(t, again.Body.Len(), "%s (%q): a return visit downloads nothing", name, enc)
		}
	}

	// Each coding is its own representation: one's ETag does not validate
	// another.
	br := do(h, http.MethodGet, "/consent/consent.js", "Accept-Encoding", "br").Header().Get("ETag")
	plain := do(h, http.MethodGet, "/consent/consent.js", "Accept-Encoding", "", "If-None-Match", br)
	assert.Equal(t, http.StatusOK, plain.Code)
	assert.NotEqual(t, br, plain.Header().Get("ETag"))

	// A rebuild with new content invalidates the old ETag.
	old := do(h, http.MethodGet, "/consent/consent.js").Header().Get("ETag")
	require.NoError(t, os.WriteFile(filepath.Join(dist, "consent.js"), []byte("rebuilt loader, longer"), 0o644))
	w := do(h, http.MethodGet, "/consent/consent.js", "If-None-Match", old)
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "rebuilt loader, longer", w.Body.String())
}

func TestBundleHead(t *testing.T) {
	h := newSite(t, fakeBundle(t))
	w := do(h, http.MethodHead, "/consent/consent.js", "Accept-Encoding", "br")
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Zero(t, w.Body.Len())
	assert.Equal(t, strconv.Itoa(len("br:consent.js")), w.Header().Get("Content-Length"))
}

func TestBundleRefusesTraversalListingsAndHiddenFiles(t *testing.T) {
	dist := fakeBundle(t)
	h := newSite(t, dist)
	refused := []string{
		"/consent/",
		"/consent/sub/",
		"/consent/sub",
		"/consent/../secret.txt",
		"/consent/%2e%2e/secret.txt",
		"/consent/..%2fsecret.txt",
		"/consent/..%5csecret.txt",
		"/consent/sub/../../secret.txt",
		"/consent/escape.js",
		"/consent/relative-escape.js",
		"/consent/.hidden.js",
		"/consent/consent.js.br",
		"/consent/consent.js.gz",
		"/consent/missing.js",
	}
	for _, target := range refused {
		w := do(h, http.MethodGet, target, "Accept-Encoding", "br, gzip")
		assert.NotEqual(t, http.StatusOK, w.Code, target)
		assert.NotContains(t, w.Body.String(), secret, target)
		assert.NotContains(t, w.Body.String(), "identity:", target)
	}

	// The file handler defends itself too, behind a router that would not
	// clean paths.
	b := &bundle{dir: dist}
	for _, p := range []string{"/consent/../secret.txt", "/consent/sub/../../secret.txt", "/consent//etc/passwd", `/consent/..\secret.txt`} {
		r := httptest.NewRequest(http.MethodGet, "/consent/x", nil)
		r.URL.Path = p
		w := httptest.NewRecorder()
		b.ServeHTTP(w, r)
		assert.Equal(t, http.StatusNotFound, w.Code, p)
		assert.NotContains(t, w.Body.String(), secret, p)
	}
}
