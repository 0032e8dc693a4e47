package main

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	consent "github.com/civic-consent/consent"
	"github.com/civic-consent/consent/internal/site"
	"github.com/civic-consent/consent/web/receipts"
)

//go:embed pages/host.html
var pagesFS embed.FS

// The host pages: the same page, with one widget or the other. The
// contact page has the reCAPTCHA element, which depends on the choice; the
// plain page is the same without it, a page where nothing does.
const (
	pathOurs         = "/ours"
	pathVanilla      = "/vanilla"
	pathOursPlain    = "/ours-plain"
	pathVanillaPlain = "/vanilla-plain"
)

// newServer returns the benchmark's one local server. Both widgets' files
// go through the preview server's bundle handler (internal/site): the same
// precompressed brotli, the same cache headers (hashed names immutable,
// the rest no-cache with an ETag), so that only the widgets differ.
//
// The seed's catalogue names a receipts service: the widget sends one after
// each choice, to a real one here too (web/receipts, its SQLite file in
// rs), as on a site that keeps receipts.
func newServer(distDir, vendorDir string, rs *receipts.Preview, v vanillaFiles) (http.Handler, error) {
	ours, err := site.New(site.Config{BundleDir: distDir})
	if err != nil {
		return nil, err
	}
	theirs, err := site.New(site.Config{BundleDir: vendorDir})
	if err != nil {
		return nil, err
	}
	tmpl, err := template.ParseFS(pagesFS, "pages/host.html")
	if err != nil {
		return nil, fmt.Errorf("bench: host page: %w", err)
	}
	oursTags := `<script src="/consent/consent.js" defer></script>`
	// As vanilla-cookieconsent's documentation says: the stylesheet in the
	// head, the library and its configuration as scripts, and the managed
	// third-party script as text/plain with its category.
	vanilla := `<link rel="stylesheet" href="/vendor/` + v.style + `">` + "\n" +
		`<script src="/vendor/` + v.script + `" defer></script>` + "\n" +
		`<script src="/vendor/` + v.config + `" defer></script>`
	managed := `<script type="text/plain" data-category="contact" data-src="https://www.google.com/recaptcha/api.js" async defer></script>`
	pages := map[string]*hostDoc{}
	for path, page := range map[string]hostPageData{
		pathOurs:         {Head: template.HTML(oursTags), Gated: true},
		pathVanilla:      {Head: template.HTML(vanilla), Body: template.HTML(managed), Gated: true},
		pathOursPlain:    {Head: template.HTML(oursTags)},
		pathVanillaPlain: {Head: template.HTML(vanilla)},
	} {
		if pages[path], err = hostPage(tmpl, page); err != nil {
			return nil, err
		}
	}

	mux := http.NewServeMux()
	mux.Handle("GET /consent/", ours)
	mux.Handle("POST "+consent.Seed().Site.Receipts, rs)
	mux.Handle("GET /vendor/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/consent/" + strings.TrimPrefix(r.URL.Path, "/vendor/")
		theirs.ServeHTTP(w, r2)
	}))
	for path, page := range pages {
		mux.Handle("GET "+path, page)
	}
	return mux, nil
}

// hostDoc is a host page, revalidated on each visit like a site's HTML.
type hostDoc struct {
	body []byte
	etag string
}

// hostPageData fills the host page: the widget's tags in the head and at
// the end of the body, and whether the page has the reCAPTCHA element.
type hostPageData struct {
	Head, Body template.HTML
	Gated      bool
}

func hostPage(t *template.Template, d hostPageData) (*hostDoc, error) {
	var b bytes.Buffer
	err := t.Execute(&b, d)
	if err != nil {
		return nil, fmt.Errorf("bench: host page: %w", err)
	}
	sum := sha256.Sum256(b.Bytes())
	return &hostDoc{body: b.Bytes(), etag: `"` + hex.EncodeToString(sum[:8]) + `"`}, nil
}

func (p *hostDoc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", p.etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(p.body))
}
