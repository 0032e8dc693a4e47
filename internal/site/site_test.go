package site

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	consent "github.com/civic-consent/consent"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// secret is the content of a file next to the bundle directory that no
// request may ever read.
const secret = "TOP SECRET, outside the bundle"

// fakeBundle writes a small build output into a temporary directory: each
// file's content names it, so a test can tell which one was served.
func fakeBundle(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	dist := filepath.Join(root, "dist")
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(dist, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	for _, name := range []string{
		"consent.js",
		"consent.0123456789.wasm",
		"wasm_exec.abcdef0123.js",
		"consent.abcdef0123.css",
		"frame.9876543210.js",
		"catalogue.0123456789ab.json",
	} {
		write(name, "identity:"+name)
		write(name+".br", "br:"+name)
		write(name+".gz", "gzip:"+name)
	}
	write("manifest.json", `{"files":[]}`)
	write("only-gzip.js", "identity:only-gzip.js")
	write("only-gzip.js.gz", "gzip:only-gzip.js")
	write("sub/inner.js", "identity:sub/inner.js")
	write(".hidden.js", "identity:.hidden.js")
	require.NoError(t, os.WriteFile(filepath.Join(root, "secret.txt"), []byte(secret), 0o644))
	require.NoError(t, os.Symlink(filepath.Join(root, "secret.txt"), filepath.Join(dist, "escape.js")))
	require.NoError(t, os.Symlink("../secret.txt", filepath.Join(dist, "relative-escape.js")))
	return dist
}

// newSite is the site's handler over dir.
func newSite(t *testing.T, dir string) http.Handler {
	t.Helper()
	h, err := New(Config{BundleDir: dir})
	require.NoError(t, err)
	return h
}

// do sends one request to h; headers alternate names and values.
func do(h http.Handler, method, target string, headers ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestNewRefusesAMissingBundleDirectory(t *testing.T) {
	_, err := New(Config{BundleDir: filepath.Join(t.TempDir(), "nowhere")})
	require.ErrorContains(t, err, "nowhere")

	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	_, err = New(Config{BundleDir: file})
	require.ErrorContains(t, err, "not a directory")

	_, err = New(Config{})
	require.Error(t, err)
}

func TestNewRefusesAnInvalidCatalogue(t *testing.T) {
	c := consent.Seed()
	c.Services[0].Category = "no-such-category"
	_, err := New(Config{BundleDir: t.TempDir(), Catalogue: c})
	require.ErrorContains(t, err, "catalogue")
}

// TestReceiptsAreMountedAtTheCatalogueEndpoint: the receipts handler answers
// the catalogue's site.receipts path and the paths under it (the revisions
// log, the statistics), for POST and GET, and only when given.
func TestReceiptsAreMountedAtTheCatalogueEndpoint(t *testing.T) {
	dir := fakeBundle(t)
	var got []string
	receipts := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Method+" "+r.URL.Path)
		w.WriteHeader(http.StatusTeapot)
	})
	h, err := New(Config{BundleDir: dir, Receipts: receipts})
	require.NoError(t, err)
	path := consent.Seed().Site.Receipts
	require.NotEmpty(t, path)
	assert.Equal(t, http.StatusTeapot, do(h, http.MethodPost, path).Code)
	assert.Equal(t, http.StatusTeapot, do(h, http.MethodGet, path).Code)
	assert.Equal(t, http.StatusTeapot, do(h, http.MethodGet, path+"/revisions").Code)
	assert.Equal(t, http.StatusTeapot, do(h, http.MethodPost, path+"/statistics").Code)
	assert.Equal(t, []string{"POST " + path, "GET " + path, "GET " + path + "/revisions", "POST " + path + "/statistics"}, got)
	assert.Equal(t, http.StatusOK, do(h, http.MethodGet, "/consent/consent.js").Code, "the bundle is still served")

	without := newSite(t, dir)
	assert.NotEqual(t, http.StatusTeapot, do(without, http.MethodPost, path).Code)
	assert.Len(t, got, 4, "nothing mounted without a handler")
}
