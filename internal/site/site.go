// Package site is the preview server's handler: the consent bundle under
// /consent/ and a small French demo host site (home, contact form with
// reCAPTCHA, the cookie policy page generated from the catalogue, and a
// deliberately hostile page) that loads the widget the way a real host does.
package site

import (
	"fmt"
	"net/http"
	"os"

	consent "github.com/civic-consent/consent"
)

// Config says what the site serves.
type Config struct {
	// BundleDir is the build output (web/dist) served at /consent/. It must
	// be an existing directory; its files are read on each request, so a
	// rebuild shows without a restart.
	BundleDir string
	// Catalogue feeds the cookie policy page; nil means consent.Seed(). It
	// must pass Validate, and be the one the bundle was built from.
	Catalogue *consent.Catalogue
	// Demo is the host site around the widget: "" for the seed's
	// (Saint-Maur), DemoLibrary for the library's.
	Demo string
	// Receipts, when set, answers the catalogue's receipts endpoint
	// (site.receipts) and the paths under it: a web/receipts Handler,
	// mounted there for POST (receipts, the statistics' sign-in) and GET
	// (the DPO's export and statistics, the revisions log).
	Receipts http.Handler
}

// New returns the site's handler: every route, with the security headers
// on every response.
func New(cfg Config) (http.Handler, error) {
	if cfg.BundleDir == "" {
		return nil, fmt.Errorf("site: no bundle directory given")
	}
	info, err := os.Stat(cfg.BundleDir)
	if err != nil {
		return nil, fmt.Errorf("site: bundle directory: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("site: bundle directory %s is not a directory", cfg.BundleDir)
	}
	if cfg.Catalogue == nil {
		cfg.Catalogue = consent.Seed()
	}
	// The policy page must list exactly what the widget decides on (R18).
	if err := cfg.Catalogue.Validate(); err != nil {
		return nil, fmt.Errorf("site: catalogue: %w", err)
	}
	if cfg.Demo == DemoLibrary {
		lib, err := newLibrary(cfg.Catalogue)
		if err != nil {
			return nil, err
		}
		mux := http.NewServeMux()
		mux.Handle("GET /consent/", &bundle{dir: cfg.BundleDir})
		mountReceipts(mux, cfg)
		if err := lib.routes(mux); err != nil {
			return nil, err
		}
		return secure(mux), nil
	} else if cfg.Demo != "" {
		return nil, fmt.Errorf("site: unknown demo %q (want %q or none)", cfg.Demo, DemoLibrary)
	}
	pages, err := newPages(cfg.Catalogue)
	if err != nil {
		return nil, err
	}
	assets, err := newAssets()
	if err != nil {
		return nil, err
	}

	mux := http.NewServeMux()
	mux.Handle("GET /consent/", &bundle{dir: cfg.BundleDir})
	mountReceipts(mux, cfg)
	for route, a := range assets {
		mux.Handle("GET "+route, a)
	}
	mux.HandleFunc("GET /{$}", pages.home)
	mux.HandleFunc("GET /contact", pages.contact)
	mux.HandleFunc("POST /contact", pages.contactPost)
	mux.HandleFunc("GET /charte-cookies", pages.policy)
	mux.HandleFunc("GET /demo/hostile", pages.hostile)
	mux.HandleFunc("/", pages.notFound)
	return secure(mux), nil
}

// mountReceipts mounts cfg.Receipts at the catalogue's receipts endpoint
// and the paths under it, when both are set.
func mountReceipts(mux *http.ServeMux, cfg Config) {
	path := cfg.Catalogue.Site.Receipts
	if cfg.Receipts == nil || path == "" {
		return
	}
	for _, p := range []string{path, path + "/"} {
		mux.Handle("POST "+p, cfg.Receipts)
		mux.Handle("GET "+p, cfg.Receipts)
	}
}
